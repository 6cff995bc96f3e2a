#pragma once
// Liquidity as a piecewise-constant function of the tick: bands, lookups and grid samplers.

#include <span>
#include <vector>

namespace pftoken::amm::fast {
class ConcentratedLiquidityPool;
}

namespace pftoken::amm::analytics {

/// Liquidity active for ticks in [tick_lower, tick_upper), i.e. prices in
/// [1.0001^tick_lower, 1.0001^tick_upper).
struct LiquidityBand {
    int tick_lower = 0;
    int tick_upper = 0;
    double liquidity = 0.0;
};

/// A position (or any liquidity contribution) on [tick_lower, tick_upper).
struct LiquidityRange {
    int tick_lower = 0;
    int tick_upper = 0;
    double liquidity = 0.0;
};

/// Bands of the pool between consecutive initialized ticks with non-zero liquidity, in
/// increasing order: the running sum of liquidity_net (as the swap loop sees it).
[[nodiscard]] std::vector<LiquidityBand> liquidity_bands(
    const fast::ConcentratedLiquidityPool& pool);

/// Bands from a list of ranges (overlaps add up); ranges need tick_lower < tick_upper.
[[nodiscard]] std::vector<LiquidityBand> liquidity_bands(std::span<const LiquidityRange> ranges);

/// Liquidity active at `tick` (0 outside every band). Bands must be sorted and disjoint.
[[nodiscard]] double liquidity_at_tick(std::span<const LiquidityBand> bands, int tick) noexcept;

/// out[i] = liquidity at tick first_tick + i * tick_step (for heatmaps); tick_step > 0.
void sample_liquidity_on_ticks(std::span<const LiquidityBand> bands, int first_tick, int tick_step,
                               std::span<double> out);

/// out[i] = liquidity active at prices[i] (token1 per token0, > 0).
void sample_liquidity_on_prices(std::span<const LiquidityBand> bands,
                                std::span<const double> prices, std::span<double> out);

}  // namespace pftoken::amm::analytics
