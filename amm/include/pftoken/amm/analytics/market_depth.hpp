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
    double price_down = 0.0;            ///< P (1 - move)
    double amount0_to_move_down = 0.0;  ///< token0 in
    double price_up = 0.0;              ///< P (1 + move)
    double amount1_to_move_up = 0.0;    ///< token1 in
};

/// Constant product with reserves (x, y), fee f on input: the closed form of
/// ConstantProductPool::quote_to_price for both targets. Without fee (f = 0):
/// token0 in = x (1/sqrt(1 - move) - 1), token1 in = y (sqrt(1 + move) - 1).
[[nodiscard]] MarketDepth depth_constant_product(double reserve0, double reserve1, double fee,
                                                 double move);

/// Concentrated liquidity: integrates whitepaper eqs. 6.13-6.16 (dx = L d(1/sqrt P),
/// dy = L d(sqrt P)) band by band between P and the target, grossed up by 1 / (1 - fee).
/// `fee_pips` as in the pool (3000 = 0.30%).
[[nodiscard]] MarketDepth depth_concentrated(std::span<const LiquidityBand> bands, double price,
                                             double fee_pips, double move);
[[nodiscard]] MarketDepth depth_concentrated(const fast::ConcentratedLiquidityPool& pool,
                                             double move);

/// One trade size on a price-impact / slippage curve.
struct PriceImpactPoint {
    double amount_in = 0.0;  ///< trade size (input token, fee included)
    double amount_out = 0.0;
    double execution_price = 0.0;  ///< token1 per token0 actually paid or received
    double price_after = 0.0;      ///< marginal price after the trade
    double price_impact = 0.0;     ///< price_after / P - 1 (signed: < 0 when selling token0)
    double slippage = 0.0;         ///< cost versus the mid price P, fees included (>= 0):
                                   ///< 1 - exec/P selling token0, exec/P - 1 buying token0
};

/// Curves for exact-input trades of each size in `sizes` (> 0), each from the current state
/// (the pools are copied, not changed). zero_for_one: selling token0.
[[nodiscard]] std::vector<PriceImpactPoint> price_impact_curve(
    const fast::ConstantProductPool& pool, bool zero_for_one, std::span<const double> sizes);
[[nodiscard]] std::vector<PriceImpactPoint> price_impact_curve(
    const fast::ConcentratedLiquidityPool& pool, bool zero_for_one, std::span<const double> sizes);

}  // namespace pftoken::amm::analytics
