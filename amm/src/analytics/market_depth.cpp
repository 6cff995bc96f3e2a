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

void check_move(double move, const char* function) {
    PFT_AMM_FAST_REQUIRE(move > 0.0 && move < 1.0,
                         function << ".move: must be in (0, 1), got " << move);
}

// sum over bands of L * (f(hi) - f(lo)) restricted to sqrt prices in [from, to], from <= to.
template <class Integrand>
double integrate_bands(std::span<const LiquidityBand> bands, double from, double to,
                       Integrand&& segment) {
    double total = 0.0;
    for (const LiquidityBand& band : bands) {
        const double lo = std::max(from, fast::sqrt_price_at_tick(band.tick_lower));
        const double hi = std::min(to, fast::sqrt_price_at_tick(band.tick_upper));
        if (hi > lo) total += segment(band.liquidity, lo, hi);
    }
    return total;
}

template <class Pool, class SwapFn>
std::vector<PriceImpactPoint> curve(const Pool& pool, double mid, bool zero_for_one,
                                    std::span<const double> sizes, SwapFn&& swap_on_copy) {
    std::vector<PriceImpactPoint> points;
    points.reserve(sizes.size());
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        PFT_AMM_FAST_REQUIRE(
            sizes[i] > 0.0 && std::isfinite(sizes[i]),
            "price_impact_curve.sizes[" << i << "]: must be finite and > 0, got " << sizes[i]);
        Pool copy = pool;
        PriceImpactPoint p;
        p.amount_in = sizes[i];
        p.amount_out = swap_on_copy(copy, sizes[i]);
        p.price_after = copy.price();
        p.price_impact = p.price_after / mid - 1.0;
        if (zero_for_one) {
            p.execution_price = p.amount_out / p.amount_in;
            p.slippage = 1.0 - p.execution_price / mid;
        } else {
            p.execution_price = p.amount_in / p.amount_out;
            p.slippage = p.execution_price / mid - 1.0;
        }
        points.push_back(p);
    }
    return points;
}

}  // namespace

MarketDepth depth_constant_product(double reserve0, double reserve1, double fee, double move) {
    check_move(move, "depth_constant_product");
    PFT_AMM_FAST_REQUIRE(reserve0 > 0.0,
                         "depth_constant_product.reserve0: must be > 0, got " << reserve0);
    const fast::ConstantProductPool pool(fast::ConstantProductOptions{reserve0, reserve1, fee});
    MarketDepth depth;
    depth.price_down = pool.price() * (1.0 - move);
    depth.price_up = pool.price() * (1.0 + move);
    depth.amount0_to_move_down = pool.quote_to_price(depth.price_down);
    depth.amount1_to_move_up = pool.quote_to_price(depth.price_up);
    return depth;
}

MarketDepth depth_concentrated(std::span<const LiquidityBand> bands, double price, double fee_pips,
                               double move) {
    check_move(move, "depth_concentrated");
    PFT_AMM_FAST_REQUIRE(price > 0.0 && std::isfinite(price),
                         "depth_concentrated.price: must be finite and > 0, got " << price);
    PFT_AMM_FAST_REQUIRE(fee_pips >= 0.0 && fee_pips < 1e6,
                         "depth_concentrated.fee_pips: must be in [0, 1e6), got " << fee_pips);
    const double gross_up = 1e6 / (1e6 - fee_pips);
    MarketDepth depth;
    depth.price_down = price * (1.0 - move);
    depth.price_up = price * (1.0 + move);
    const double s = std::sqrt(price);
    // Token0 in moves sqrt P down: dx = L (1/lo - 1/hi) (eq. 6.16).
    depth.amount0_to_move_down = gross_up * integrate_bands(bands, std::sqrt(depth.price_down), s,
                                                            [](double l, double lo, double hi) {
                                                                return l * (hi - lo) / (lo * hi);
                                                            });
    // Token1 in moves sqrt P up: dy = L (hi - lo) (eq. 6.14).
    depth.amount1_to_move_up =
        gross_up * integrate_bands(bands, s, std::sqrt(depth.price_up),
                                   [](double l, double lo, double hi) { return l * (hi - lo); });
    return depth;
}

MarketDepth depth_concentrated(const fast::ConcentratedLiquidityPool& pool, double move) {
    const std::vector<LiquidityBand> bands = liquidity_bands(pool);
    return depth_concentrated(bands, pool.price(), static_cast<double>(pool.fee_pips()), move);
}

std::vector<PriceImpactPoint> price_impact_curve(const fast::ConstantProductPool& pool,
                                                 bool zero_for_one, std::span<const double> sizes) {
    return curve(pool, pool.price(), zero_for_one, sizes,
                 [zero_for_one](fast::ConstantProductPool& p, double size) {
                     return p.swap_exact_in(zero_for_one, size).amount_out;
                 });
}

std::vector<PriceImpactPoint> price_impact_curve(const fast::ConcentratedLiquidityPool& pool,
                                                 bool zero_for_one, std::span<const double> sizes) {
    return curve(pool, pool.price(), zero_for_one, sizes,
                 [zero_for_one](fast::ConcentratedLiquidityPool& p, double size) {
                     const fast::SwapResult r = p.swap_exact_in(zero_for_one, size);
                     return zero_for_one ? -r.amount1 : -r.amount0;
                 });
}

}  // namespace pftoken::amm::analytics
