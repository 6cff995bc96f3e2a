#pragma once
// Uniswap v3 SqrtPriceMath: next price from token amounts and token deltas between two prices.

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"

namespace pftoken::amm::v3 {

/// getNextSqrtPriceFromAmount0RoundingUp, including its overflow fallback
/// divRoundingUp(L<<96, (L<<96)/sqrtP + amount) when amount*sqrtP overflows.
Result<U256> get_next_sqrt_price_from_amount0_rounding_up(const U256& sqrt_px96, u128 liquidity,
                                                          const U256& amount, bool add) noexcept;
/// getNextSqrtPriceFromAmount1RoundingDown.
Result<U256> get_next_sqrt_price_from_amount1_rounding_down(const U256& sqrt_px96, u128 liquidity,
                                                            const U256& amount, bool add) noexcept;
/// Price after adding amountIn of token0 (zeroForOne) or token1; rounds so the price moves less.
Result<U256> get_next_sqrt_price_from_input(const U256& sqrt_px96, u128 liquidity, const U256& amount_in,
                                            bool zero_for_one) noexcept;
/// Price after removing amountOut of token1 (zeroForOne) or token0.
Result<U256> get_next_sqrt_price_from_output(const U256& sqrt_px96, u128 liquidity,
                                             const U256& amount_out, bool zero_for_one) noexcept;

/// |token0| between two prices: L*2^96*(sqrtB-sqrtA)/(sqrtB*sqrtA), rounded up or down.
Result<U256> get_amount0_delta(U256 sqrt_ratio_a_x96, U256 sqrt_ratio_b_x96, u128 liquidity,
                               bool round_up) noexcept;
/// |token1| between two prices: L*(sqrtB-sqrtA)/2^96, rounded up or down.
Result<U256> get_amount1_delta(U256 sqrt_ratio_a_x96, U256 sqrt_ratio_b_x96, u128 liquidity,
                               bool round_up) noexcept;
/// Signed variants used by mint/burn: positive liquidity rounds up (owed to the pool), negative
/// rounds down and returns a negative amount.
Result<I256> get_amount0_delta_signed(const U256& sqrt_ratio_a_x96, const U256& sqrt_ratio_b_x96,
                                      i128 liquidity) noexcept;
Result<I256> get_amount1_delta_signed(const U256& sqrt_ratio_a_x96, const U256& sqrt_ratio_b_x96,
                                      i128 liquidity) noexcept;

}  // namespace pftoken::amm::v3
