#pragma once
// Uniswap v3 SwapMath.computeSwapStep: one swap step within a single liquidity range.

#include <cstdint>

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"

namespace pftoken::amm::v3 {

struct SwapStep {
    U256 sqrt_ratio_next_x96;
    U256 amount_in;   ///< excluding the fee
    U256 amount_out;
    U256 fee_amount;
};

/// Swap from sqrtRatioCurrent toward sqrtRatioTarget with `liquidity`; amountRemaining > 0 is an
/// exact input (fee included), < 0 an exact output. feePips is in hundredths of a bip (3000 = 0.3%).
Result<SwapStep> compute_swap_step(const U256& sqrt_ratio_current_x96, const U256& sqrt_ratio_target_x96,
                                   u128 liquidity, const I256& amount_remaining,
                                   std::uint32_t fee_pips) noexcept;

}  // namespace pftoken::amm::v3
