#pragma once
// Liquidity as a piecewise-constant function of the tick: bands, lookups and grid samplers.

#include <span>
#include <vector>

namespace pftoken::amm::fast {
class ConcentratedLiquidityPool;
}

namespace pftoken::amm::analytics {

/// Liquidity active for ticks in [tickLower, tickUpper), i.e. prices in
/// [1.0001^tickLower, 1.0001^tickUpper).
struct LiquidityBand {
    int tickLower = 0;
    int tickUpper = 0;
    double liquidity = 0.0;
};

/// A position (or any liquidity contribution) on [tickLower, tickUpper).
struct LiquidityRange {
    int tickLower = 0;
    int tickUpper = 0;
    double liquidity = 0.0;
};

/// Bands of the pool between consecutive initialized ticks with non-zero liquidity, in
/// increasing order: the running sum of liquidityNet (as the swap loop sees it).
[[nodiscard]] std::vector<LiquidityBand> liquidityBands(
    const fast::ConcentratedLiquidityPool& pool);

/// Bands from a list of ranges (overlaps add up); ranges need tickLower < tickUpper.
[[nodiscard]] std::vector<LiquidityBand> liquidityBands(std::span<const LiquidityRange> ranges);

/// Liquidity active at `tick` (0 outside every band). Bands must be sorted and disjoint.
[[nodiscard]] double liquidityAtTick(std::span<const LiquidityBand> bands, int tick) noexcept;

/// out[i] = liquidity at tick firstTick + i * tickStep (for heatmaps); tickStep > 0.
void sampleLiquidityOnTicks(std::span<const LiquidityBand> bands, int firstTick, int tickStep,
                            std::span<double> out);

/// out[i] = liquidity active at prices[i] (token1 per token0, > 0).
void sampleLiquidityOnPrices(std::span<const LiquidityBand> bands, std::span<const double> prices,
                             std::span<double> out);

}  // namespace pftoken::amm::analytics
