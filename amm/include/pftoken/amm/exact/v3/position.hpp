#pragma once
// Uniswap v3 Position library: a position's liquidity, fee checkpoints and tokens owed.

#include <compare>
#include <cstdint>

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"

namespace pftoken::amm::v3 {

/// Who owns a position. Solidity keys positions by (owner address, tickLower, tickUpper); we use
/// a caller-chosen integer id for the address.
using OwnerId = std::uint64_t;

struct PositionKey {
    OwnerId owner = 0;
    std::int32_t tick_lower = 0;
    std::int32_t tick_upper = 0;
    friend constexpr auto operator<=>(const PositionKey&, const PositionKey&) noexcept = default;
};

struct PositionInfo {
    u128 liquidity = 0;
    U256 fee_growth_inside0_last_x128;
    U256 fee_growth_inside1_last_x128;
    u128 tokens_owed0 = 0;  ///< uncollected fees and burnt principal, token0
    u128 tokens_owed1 = 0;
};

/// Position.update on a copy: credits fees earned since the last checkpoint (truncated to
/// uint128 and added with wrap-around, as in Solidity 0.7) and applies the liquidity delta.
/// Reverts NP for a zero-delta poke of an empty position, LS/LA from LiquidityMath.
Result<PositionInfo> position_update(const PositionInfo& position, i128 liquidity_delta,
                                     const U256& fee_growth_inside0_x128,
                                     const U256& fee_growth_inside1_x128) noexcept;

/// Fees a position has earned but not yet credited to tokens_owed (what a zero burn would add).
struct OwedFees {
    u128 amount0 = 0;
    u128 amount1 = 0;
};
OwedFees uncredited_fees(const PositionInfo& position, const U256& fee_growth_inside0_x128,
                         const U256& fee_growth_inside1_x128) noexcept;

}  // namespace pftoken::amm::v3
