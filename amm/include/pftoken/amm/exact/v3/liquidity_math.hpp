#pragma once
// Uniswap v3 LiquidityMath.addDelta: uint128 liquidity plus a signed int128 delta, LS/LA checked.

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"

namespace pftoken::amm::v3 {

/// x + y; reverts LS when it would go below zero, LA when it would exceed 2^128-1.
constexpr Result<u128> add_delta(u128 x, i128 y) noexcept {
    if (y < 0) {
        // -y cannot overflow in unsigned: int128 min maps to 2^127.
        const u128 minus = u128{0} - static_cast<u128>(y);
        if (minus > x) return Revert::LS;
        return x - minus;
    }
    const u128 z = x + static_cast<u128>(y);
    if (z < x) return Revert::LA;
    return z;
}

}  // namespace pftoken::amm::v3
