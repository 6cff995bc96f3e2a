#pragma once
// Market depth (input needed to move the price by a given fraction), price impact and slippage.

#include <span>
#include <vector>

#include "pftoken/amm/analytics/liquidity_distribution.hpp"

namespace pftoken::amm::fast {
class ConstantProductPool;
class ConcentratedLiquidityPool;
}  // namespace pftoken::amm::fast

namespace pftoken::amm::analytics {

/// Inputs (fee included, raw token units) that move the marginal price from P to P (1 - move)
/// by selling token0, and to P (1 + move) by selling token1.
struct MarketDepth {
    double priceDown = 0.0;          ///< P (1 - move)
    double amount0ToMoveDown = 0.0;  ///< token0 in
    double priceUp = 0.0;            ///< P (1 + move)
    double amount1ToMoveUp = 0.0;    ///< token1 in
};

/// Constant product with reserves (x, y), fee f on input: the closed form of
/// ConstantProductPool::quoteToPrice for both targets. Without fee (f = 0):
/// token0 in = x (1/sqrt(1 - move) - 1), token1 in = y (sqrt(1 + move) - 1).
[[nodiscard]] MarketDepth depthConstantProduct(double reserve0, double reserve1, double fee,
                                               double move);

/// Concentrated liquidity: integrates whitepaper eqs. 6.13-6.16 (dx = L d(1/sqrt P),
/// dy = L d(sqrt P)) band by band between P and the target, grossed up by 1 / (1 - fee).
/// `feePips` as in the pool (3000 = 0.30%).
[[nodiscard]] MarketDepth depthConcentrated(std::span<const LiquidityBand> bands, double price,
                                            double feePips, double move);
[[nodiscard]] MarketDepth depthConcentrated(const fast::ConcentratedLiquidityPool& pool,
                                            double move);

/// One trade size on a price-impact / slippage curve.
struct PriceImpactPoint {
    double amountIn = 0.0;  ///< trade size (input token, fee included)
    double amountOut = 0.0;
    double executionPrice = 0.0;  ///< token1 per token0 actually paid or received
    double priceAfter = 0.0;      ///< marginal price after the trade
    double priceImpact = 0.0;     ///< priceAfter / P - 1 (signed: < 0 when selling token0)
    double slippage = 0.0;        ///< cost versus the mid price P, fees included (>= 0):
                                  ///< 1 - exec/P selling token0, exec/P - 1 buying token0
};

/// Curves for exact-input trades of each size in `sizes` (> 0), each from the current state
/// (the pools are copied, not changed). zeroForOne: selling token0.
[[nodiscard]] std::vector<PriceImpactPoint> priceImpactCurve(const fast::ConstantProductPool& pool,
                                                             bool zeroForOne,
                                                             std::span<const double> sizes);
[[nodiscard]] std::vector<PriceImpactPoint> priceImpactCurve(
    const fast::ConcentratedLiquidityPool& pool, bool zeroForOne, std::span<const double> sizes);

}  // namespace pftoken::amm::analytics
