#pragma once
// Uniswap v3 Tick library: per-tick liquidity and fee-growth-outside bookkeeping.

#include <cstdint>

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"

namespace pftoken::amm::v3 {

/// Tick.Info without the oracle fields (tickCumulativeOutside, secondsPerLiquidityOutside,
/// secondsOutside), which no price, amount or fee depends on.
struct TickInfo {
    u128 liquidity_gross = 0;  ///< total position liquidity referencing this tick
    i128 liquidity_net = 0;    ///< liquidity added when crossed left to right
    U256 fee_growth_outside0_x128;
    U256 fee_growth_outside1_x128;
    bool initialized = false;
};

/// Tick.tickSpacingToMaxLiquidityPerTick: uint128 max / number of usable ticks.
u128 tick_spacing_to_max_liquidity_per_tick(std::int32_t tick_spacing) noexcept;

struct FeeGrowthInside {
    U256 fee_growth_inside0_x128;
    U256 fee_growth_inside1_x128;
};

/// Tick.getFeeGrowthInside. All subtractions wrap modulo 2^256 as on chain, which is what makes
/// the accumulators work after overflow. `lower`/`upper` may be default TickInfo for ticks never
/// initialized.
FeeGrowthInside get_fee_growth_inside(const TickInfo& lower, const TickInfo& upper, std::int32_t tick_lower,
                                      std::int32_t tick_upper, std::int32_t tick_current,
                                      const U256& fee_growth_global0_x128,
                                      const U256& fee_growth_global1_x128) noexcept;

/// Tick.update on a copy: returns whether the tick flipped between initialized and not.
/// Reverts LS/LA (LiquidityMath), LO (above max_liquidity) or Overflow (int128 liquidityNet).
Result<bool> tick_update(TickInfo& info, std::int32_t tick, std::int32_t tick_current, i128 liquidity_delta,
                         const U256& fee_growth_global0_x128, const U256& fee_growth_global1_x128, bool upper,
                         u128 max_liquidity) noexcept;

/// Tick.cross: flips the fee growth outside to the other side and returns liquidityNet.
inline i128 tick_cross(TickInfo& info, const U256& fee_growth_global0_x128,
                       const U256& fee_growth_global1_x128) noexcept {
    info.fee_growth_outside0_x128 = fee_growth_global0_x128 - info.fee_growth_outside0_x128;
    info.fee_growth_outside1_x128 = fee_growth_global1_x128 - info.fee_growth_outside1_x128;
    return info.liquidity_net;
}

}  // namespace pftoken::amm::v3
