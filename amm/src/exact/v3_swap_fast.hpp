#pragma once
// Internal: SwapMath.computeSwapStep for an exact input on 128-bit values, used by the pool's swap
// loop before the general U256 path (v3_math.cpp) whenever its guards hold.
//
// Regime (checked by the caller, see exact_in_step): sqrt prices (current and target) in
// [2^64, 2^128), i.e. prices between 5.4e-20 and 1.8e19, liquidity > 0, a non-negative amount
// remaining. Every function here is bit-exact with Uniswap's SqrtPriceMath/SwapMath on that domain
// (proofs of each narrowing next to the code); anything outside it (a value that would need more
// than 127 bits, a division's rare tie case) makes exact_in_step return false and the caller runs
// the general path, which is the reference. tests/amm/test_swap_fast.cpp compares both on random
// and edge inputs.

#include <cstdint>

#include "pftoken/amm/exact/uint256.hpp"
#include "wide_div.hpp"

namespace pftoken::amm::v3::fast {

using detail::Divisor64;  // uint256.hpp: normalized, with its 2-by-1 reciprocal (make_divisor64: wide_div.hpp)

/// The pool's fee constants, prepared once per pool (fee_pips < 1e6).
struct FeeConstants {
    std::uint32_t fee_pips = 0;
    Divisor64 million;     ///< 1e6
    Divisor64 complement;  ///< 1e6 - fee_pips
};
FeeConstants make_fee_constants(std::uint32_t fee_pips) noexcept;

/// floor (or ceil) of x * m / d; false when the result needs more than 128 bits.
bool mul_div_u64(u128 x, std::uint64_t m, const Divisor64& d, bool round_up, u128& out) noexcept;

/// getAmount0Delta(a, b, L, roundUp) for 2^64 <= a <= b < 2^128 (any L < 2^128), from the prepared
/// divisors of both prices. The result is below 2^160.
U256 amount0_delta(const detail::Divisor128& a, const detail::Divisor128& b, u128 liquidity, bool round_up) noexcept;

/// getAmount1Delta(a, b, L, roundUp) for a <= b < 2^128 (any L < 2^128). Below 2^160.
U256 amount1_delta(u128 a, u128 b, u128 liquidity, bool round_up) noexcept;

/// getNextSqrtPriceFromAmount0RoundingUp(c, L, amount, add = true) for c < 2^128, 0 < L < 2^128,
/// amount < 2^127 (then Uniswap never takes its overflow branch). False in the rare case the
/// long division's top limbs tie (then the caller uses the general path).
bool next_sqrt_price_from_amount0_add(u128 c, u128 liquidity, u128 amount, u128& out) noexcept;

/// One computeSwapStep for an exact input, all outputs below 2^127.
/// Left uninitialised on purpose (written by exact_in_step when it accepts; one per swap step).
struct StepOut {
    u128 sqrt_next;
    detail::Divisor128 next_divisor;  ///< prepared divisor of sqrt_next
    u128 amount_in;
    u128 amount_out;
    u128 fee_amount;
};
/// computeSwapStep(current, target, L, remaining, fee) for remaining >= 0 (the bits of a
/// non-negative int256). Requires current/target in [2^64, 2^128) with their prepared divisors,
/// and liquidity.value > 0: prepared when >= 2^64, only `value` is read below 2^64. Returns false (out untouched in meaning) whenever the step leaves
/// the regime: then the caller must run the general compute_swap_step.
bool exact_in_step(const detail::Divisor128& current, const detail::Divisor128& target,
                   const detail::Divisor128& liquidity, const U256& remaining, const FeeConstants& fee,
                   StepOut& out) noexcept;

/// True when x can take a prepared 128-bit price divisor here: 2^64 <= x < 2^128.
constexpr bool in_price_regime(const U256& x) noexcept { return (x.limb[2] | x.limb[3]) == 0 && x.limb[1] != 0; }

}  // namespace pftoken::amm::v3::fast
