#pragma once
// FullMath / UnsafeMath of Uniswap v3: 512-bit-intermediate mulDiv with explicit revert reporting.

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"

namespace pftoken::amm {

/// floor(a*b/denominator) with a full 512-bit product. Reverts (DivisionByZero / Overflow) where
/// FullMath.mulDiv does: denominator == 0 or a result >= 2^256.
inline Result<U256> mul_div(const U256& a, const U256& b, const U256& denominator) noexcept {
    if (denominator.is_zero()) return Revert::DivisionByZero;
    const U512 product = mul_wide(a, b);
    bool overflow = false;
    const DivMod256 qr = divmod_wide(product, denominator, overflow);
    if (overflow) return Revert::Overflow;
    return qr.quotient;
}

/// ceil(a*b/denominator); FullMath.mulDivRoundingUp (also reverts when rounding up overflows).
inline Result<U256> mul_div_rounding_up(const U256& a, const U256& b, const U256& denominator) noexcept {
    if (denominator.is_zero()) return Revert::DivisionByZero;
    const U512 product = mul_wide(a, b);
    bool overflow = false;
    const DivMod256 qr = divmod_wide(product, denominator, overflow);
    if (overflow) return Revert::Overflow;
    if (qr.remainder.is_zero()) return qr.quotient;
    if (qr.quotient == U256::max()) return Revert::Overflow;
    return qr.quotient + U256{1u};
}

/// floor(a*b / 2^shift) with the product taken at 512 bits; reverts if the result needs > 256 bits.
/// Same value as mul_div(a, b, 2^shift) (used for the Q96/Q128 denominators), much faster.
inline Result<U256> mul_shift(const U256& a, const U256& b, unsigned shift, bool round_up) noexcept {
    const U512 p = mul_wide(a, b);
    const unsigned w = shift / 64, s = shift % 64;
    U256 q;
    for (unsigned i = 0; i < 4; ++i) {
        std::uint64_t v = p.limb[i + w] >> s;
        if (s != 0 && i + w + 1 < 8) v |= p.limb[i + w + 1] << (64 - s);
        q.limb[i] = v;
    }
    for (unsigned i = w + 4; i < 8; ++i) {
        const std::uint64_t v = (i == w + 4 && s != 0) ? (p.limb[i] >> s) : p.limb[i];
        if (v != 0) return Revert::Overflow;
    }
    if (round_up) {
        bool remainder = false;
        for (unsigned i = 0; i < w; ++i) remainder = remainder || p.limb[i] != 0;
        if (s != 0 && (p.limb[w] & ((std::uint64_t{1} << s) - 1)) != 0) remainder = true;
        if (remainder) {
            if (q == U256::max()) return Revert::Overflow;
            q += U256{1u};
        }
    }
    return q;
}

/// mul_div / mul_div_rounding_up for a factor and a non-zero denominator below 2^64 (SwapMath's
/// fee arithmetic: feePips and 1e6): one 256x64 product and a 64-bit-divisor digit loop. Same
/// results and reverts as the general functions.
Result<U256> mul_div_small(const U256& a, std::uint64_t b, std::uint64_t denominator, bool round_up) noexcept;

/// UnsafeMath.divRoundingUp: ceil(x/y); y == 0 is reported (the EVM would return 0).
inline Result<U256> div_rounding_up(const U256& x, const U256& y) noexcept {
    if (y.is_zero()) return Revert::DivisionByZero;
    const DivMod256 qr = divmod(x, y);
    return qr.remainder.is_zero() ? qr.quotient : qr.quotient + U256{1u};
}

}  // namespace pftoken::amm
