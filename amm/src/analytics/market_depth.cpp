// Market depth, price impact and slippage for the fast v2 and v3 pools.
#include "pftoken/amm/analytics/market_depth.hpp"

#include <algorithm>
#include <cmath>

#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/amm/fast/error.hpp"
#include "pftoken/amm/fast/tick_math.hpp"

namespace pftoken::amm::analytics {
namespace {

void checkMove(double move, const char* function) {
    PFT_AMM_FAST_REQUIRE(move > 0.0 && move < 1.0,
                         function << ".move: must be in (0, 1), got " << move);
}

// sum over bands of L * (f(hi) - f(lo)) restricted to sqrt prices in [from, to], from <= to.
template <class Integrand>
double integrateBands(std::span<const LiquidityBand> bands, double from, double to,
                      Integrand&& segment) {
    double total = 0.0;
    for (const LiquidityBand& band : bands) {
        const double lo = std::max(from, fast::sqrtPriceAtTick(band.tickLower));
        const double hi = std::min(to, fast::sqrtPriceAtTick(band.tickUpper));
        if (hi > lo) total += segment(band.liquidity, lo, hi);
    }
    return total;
}

template <class Pool, class SwapFn>
std::vector<PriceImpactPoint> curve(const Pool& pool, double mid, bool zeroForOne,
                                    std::span<const double> sizes, SwapFn&& swapOnCopy) {
    std::vector<PriceImpactPoint> points;
    points.reserve(sizes.size());
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        PFT_AMM_FAST_REQUIRE(
            sizes[i] > 0.0 && std::isfinite(sizes[i]),
            "priceImpactCurve.sizes[" << i << "]: must be finite and > 0, got " << sizes[i]);
        Pool copy = pool;
        PriceImpactPoint p;
        p.amountIn = sizes[i];
        p.amountOut = swapOnCopy(copy, sizes[i]);
        p.priceAfter = copy.price();
        p.priceImpact = p.priceAfter / mid - 1.0;
        if (zeroForOne) {
            p.executionPrice = p.amountOut / p.amountIn;
            p.slippage = 1.0 - p.executionPrice / mid;
        } else {
            p.executionPrice = p.amountIn / p.amountOut;
            p.slippage = p.executionPrice / mid - 1.0;
        }
        points.push_back(p);
    }
    return points;
}

}  // namespace

MarketDepth depthConstantProduct(double reserve0, double reserve1, double fee, double move) {
    checkMove(move, "depthConstantProduct");
    PFT_AMM_FAST_REQUIRE(reserve0 > 0.0,
                         "depthConstantProduct.reserve0: must be > 0, got " << reserve0);
    const fast::ConstantProductPool pool(fast::ConstantProductOptions{reserve0, reserve1, fee});
    MarketDepth depth;
    depth.priceDown = pool.price() * (1.0 - move);
    depth.priceUp = pool.price() * (1.0 + move);
    depth.amount0ToMoveDown = pool.quoteToPrice(depth.priceDown);
    depth.amount1ToMoveUp = pool.quoteToPrice(depth.priceUp);
    return depth;
}

MarketDepth depthConcentrated(std::span<const LiquidityBand> bands, double price, double feePips,
                              double move) {
    checkMove(move, "depthConcentrated");
    PFT_AMM_FAST_REQUIRE(price > 0.0 && std::isfinite(price),
                         "depthConcentrated.price: must be finite and > 0, got " << price);
    PFT_AMM_FAST_REQUIRE(feePips >= 0.0 && feePips < 1e6,
                         "depthConcentrated.feePips: must be in [0, 1e6), got " << feePips);
    const double grossUp = 1e6 / (1e6 - feePips);
    MarketDepth depth;
    depth.priceDown = price * (1.0 - move);
    depth.priceUp = price * (1.0 + move);
    const double s = std::sqrt(price);
    // Token0 in moves sqrt P down: dx = L (1/lo - 1/hi) (eq. 6.16).
    depth.amount0ToMoveDown = grossUp * integrateBands(bands, std::sqrt(depth.priceDown), s,
                                                       [](double l, double lo, double hi) {
                                                           return l * (hi - lo) / (lo * hi);
                                                       });
    // Token1 in moves sqrt P up: dy = L (hi - lo) (eq. 6.14).
    depth.amount1ToMoveUp =
        grossUp * integrateBands(bands, s, std::sqrt(depth.priceUp),
                                 [](double l, double lo, double hi) { return l * (hi - lo); });
    return depth;
}

MarketDepth depthConcentrated(const fast::ConcentratedLiquidityPool& pool, double move) {
    const std::vector<LiquidityBand> bands = liquidityBands(pool);
    return depthConcentrated(bands, pool.price(), static_cast<double>(pool.fee()), move);
}

std::vector<PriceImpactPoint> priceImpactCurve(const fast::ConstantProductPool& pool,
                                               bool zeroForOne, std::span<const double> sizes) {
    return curve(pool, pool.price(), zeroForOne, sizes,
                 [zeroForOne](fast::ConstantProductPool& p, double size) {
                     return p.swapExactIn(zeroForOne, size).amountOut;
                 });
}

std::vector<PriceImpactPoint> priceImpactCurve(const fast::ConcentratedLiquidityPool& pool,
                                               bool zeroForOne, std::span<const double> sizes) {
    return curve(pool, pool.price(), zeroForOne, sizes,
                 [zeroForOne](fast::ConcentratedLiquidityPool& p, double size) {
                     const fast::SwapResult r = p.swapExactIn(zeroForOne, size);
                     return zeroForOne ? -r.amount1 : -r.amount0;
                 });
}

}  // namespace pftoken::amm::analytics
