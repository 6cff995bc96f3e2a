// computeSwapStep for an exact input on 128-bit values (see v3_swap_fast.hpp for the regime).
#include "v3_swap_fast.hpp"

#include "pftoken/amm/exact/full_math.hpp"

namespace pftoken::amm::v3::fast {
namespace {

using detail::hi64;
using detail::lo64;

// (hi << s) | (lo >> (64 - s)) for 0 <= s < 64 (the top limb of a two-limb left shift).
[[gnu::always_inline]] inline std::uint64_t shl2(std::uint64_t hi, std::uint64_t lo, int s) noexcept {
#if defined(__x86_64__)
    // One shld; the portable form below costs four instructions (no shift by 64 when s = 0).
    __asm__("shldq %%cl, %1, %0" : "+r"(hi) : "r"(lo), "c"(static_cast<std::uint8_t>(s)) : "cc");
    return hi;
#else
    return (hi << s) | ((lo >> 1) >> (63 - s));
#endif
}

// u128 to double without the libgcc call, as two non-negative int64 pieces of x >> 1 (one
// cvtsi2sd each; an unsigned conversion needs a branchy sequence). Drops the two lowest bits
// (relative error below 2^-62 for x >= 2^64): only for the estimate below.
inline double to_double(u128 x) noexcept {
    const u128 y = x >> 1;
    return static_cast<double>(static_cast<std::int64_t>(hi64(y))) * 36893488147419103232.0 +
           static_cast<double>(static_cast<std::int64_t>(lo64(y) >> 1)) * 4.0;
}

// The floating-point guess of compute_swap_step (v3_math.cpp): does an exact input of token0
// stop before the target? Only chooses the order of evaluation; both orders give the same result.
inline bool likely_stops_short(u128 c, u128 t, u128 liquidity, u128 amount) noexcept {
    const double to_target =
        to_double(liquidity) * 79228162514264337593543950336.0 * to_double(c - t) / (to_double(c) * to_double(t));
    return to_double(amount) < 0.999 * to_target;
}

// ceil(N / D) for N = nn (7 limbs, normalized by the same shift as D) and D = dn (n normalized
// limbs, n = 2, 3 or 4) when the quotient is known to be below 2^128, i.e. nn < dn * 2^128: then
// limbs n+2.. of nn are zero and nn's limbs 2..n+1 are below dn, so Knuth's algorithm D has
// exactly two quotient digits. Each digit is the Moller-Granlund 3-by-2 quotient of the top three
// limbs by the divisor's top two, corrected by at most one add-back (as GMP's mpn_sbpi1_div_qr).
// Returns false on the tie (top two remainder limbs equal to the divisor's), which needs GMP's
// special case: the caller then takes the general path.
template <int n>
bool div_ceil_q128(const std::uint64_t (&nn)[7], const std::uint64_t (&dn)[4], u128& out) noexcept {
    const u128 dtop = (u128{dn[n - 1]} << 64) | dn[n - 2];
    const std::uint64_t v = detail::reciprocal_3by2(dtop);
    std::uint64_t r[n];
    for (int i = 0; i < n; ++i) r[i] = nn[2 + i];
    std::uint64_t q[2] = {0, 0};
    for (int j = 1; j >= 0; --j) {
        std::uint64_t u[n + 1];  // the partial remainder r with limb j of nn appended below
        u[0] = nn[j];
        for (int i = 0; i < n; ++i) u[i + 1] = r[i];
        u128 rem = (u128{u[n]} << 64) | u[n - 1];
        if (rem == dtop) return false;
        std::uint64_t qh = detail::div_3by2_preinv(rem, u[n - 2], dtop, v);
        // Subtract qh times the divisor's low n-2 limbs; the borrow comes out of rem.
        std::uint64_t cy = 0;
        for (int i = 0; i < n - 2; ++i) {
            const u128 p = u128{qh} * dn[i] + cy;  // <= (2^64-1)^2 + 2^64-1: no overflow
            const std::uint64_t plo = lo64(p);
            cy = hi64(p) + std::uint64_t{u[i] < plo};  // hi64(p) <= 2^64 - 2
            u[i] -= plo;
        }
        const bool under = rem < cy;
        rem -= cy;
        if (under) {  // qh was one too large: add the divisor back (the sum wraps to the true value)
            --qh;
            std::uint64_t c = 0;
            for (int i = 0; i < n - 2; ++i) {
                const u128 s = u128{u[i]} + dn[i] + c;
                u[i] = lo64(s);
                c = hi64(s);
            }
            rem += dtop + c;
        }
        for (int i = 0; i < n - 2; ++i) r[i] = u[i];
        r[n - 2] = lo64(rem);
        r[n - 1] = hi64(rem);
        q[j] = qh;
    }
    std::uint64_t any = 0;
    for (int i = 0; i < n; ++i) any |= r[i];
    out = ((u128{q[1]} << 64) | q[0]) + (any != 0 ? 1u : 0u);
    return true;
}

[[gnu::always_inline]] inline bool mul_div_u64_impl(u128 x, std::uint64_t m, const Divisor64& d, bool round_up, u128& out) noexcept {
    // x * m as three limbs p2:p1:p0 (hi below: (2^64-1)^2 + 2^64-1 < 2^128).
    const u128 lo = u128{lo64(x)} * m;
    const u128 hi = u128{hi64(x)} * m + hi64(lo);
    const std::uint64_t p0 = lo64(lo), p1 = lo64(hi), p2 = hi64(hi);
    const int s = d.shift;
    // Normalized 2-by-1 digits; the first remainder is the top s bits of p2 (< 2^s <= d << s).
    // When p2 < 2^(63 - s) (amounts below ~2^107 for SwapMath's 20-bit factors), the two top
    // limbs of the shifted product are below 2^63 <= d << s: digit 2 is zero and its remainder is
    // the second limb itself, so the first division is skipped.
    std::uint64_t rem = 0;
    std::uint64_t q2 = 0;
    if ((p2 >> (63 - s)) == 0) {
        rem = shl2(p2, p1, s);
    } else {
        rem = (p2 >> 1) >> (63 - s);
        q2 = detail::div_2by1_preinv(rem, shl2(p2, p1, s), d.normalized, d.reciprocal, rem);
    }
    const std::uint64_t q1 = detail::div_2by1_preinv(rem, shl2(p1, p0, s), d.normalized, d.reciprocal, rem);
    const std::uint64_t q0 = detail::div_2by1_preinv(rem, p0 << s, d.normalized, d.reciprocal, rem);
    if (q2 != 0) return false;
    u128 q = (u128{q1} << 64) | q0;
    if (round_up && rem != 0) {
        ++q;
        if (q == 0) return false;
    }
    out = q;
    return true;
}

[[gnu::always_inline]] inline U256 amount1_delta_impl(u128 a, u128 b, u128 liquidity, bool round_up) noexcept {
    // mulDiv(L, b - a, 2^96) (rounded up: mulDivRoundingUp): L * (b - a) < 2^256 never overflows,
    // the division by 2^96 is the shift, and the quotient is below 2^160 (+1 cannot carry out).
    const U256 p = mul_128x128(liquidity, b - a);
    const u128 low = (u128{(p.limb[2] >> 32) | (p.limb[3] << 32)} << 64) | ((p.limb[1] >> 32) | (p.limb[2] << 32));
    const bool inexact = round_up && (p.limb[0] | (p.limb[1] & 0xffffffffull)) != 0;
    const u128 q_low = low + (inexact ? 1u : 0u);
    const std::uint64_t q_top = (p.limb[3] >> 32) + (inexact && q_low == 0 ? 1u : 0u);
    return U256{lo64(q_low), hi64(q_low), q_top, 0u};
}

[[gnu::always_inline]] inline U256 amount0_delta_impl(const detail::Divisor128& a, const detail::Divisor128& b, u128 liquidity,
                                                     bool round_up) noexcept {
    // Uniswap: mulDiv(L << 96, b - a, b) / a (rounding up: divRoundingUp(mulDivRoundingUp(..), a)).
    // x = (L * (b - a)) << 96 < 2^352. The first quotient x / b is at most L * 2^96 < 2^224 (also
    // rounded up, as (b - a) / b < 1), so x >> 256 < b and the long division by b (3-by-2 digits
    // on the normalized divisor) has the four digits below 2^256 only. The second quotient, by
    // a >= 2^64, is below 2^160: with q1 < 2^224, q1 >> 192 < 2^32 <= a, so three digits.
    const U256 p = mul_128x128(liquidity, b.value - a.value);
    const std::uint64_t x1 = p.limb[0] << 32, x2 = (p.limb[0] >> 32) | (p.limb[1] << 32),
                        x3 = (p.limb[1] >> 32) | (p.limb[2] << 32), x4 = (p.limb[2] >> 32) | (p.limb[3] << 32),
                        x5 = p.limb[3] >> 32;  // x0 = 0
    int s = b.shift;
    std::uint64_t q1[4];
    u128 rem = 0;
    if ((x4 | x5) == 0) {
        // x < 2^256 (L * (b - a) < 2^160, the usual case): q1 < 2^192 and x >> 192 < 2^64 <= b,
        // so digit 3 is zero and the remainder starts from limbs 3 and 2 (one digit less).
        q1[3] = 0;
        rem = (u128{(x3 >> 1) >> (63 - s)} << 64) | shl2(x3, x2, s);
    } else {
        rem = (u128{shl2(x5, x4, s)} << 64) | shl2(x4, x3, s);
        q1[3] = detail::div_3by2_preinv(rem, shl2(x3, x2, s), b.normalized, b.reciprocal);
    }
    q1[2] = detail::div_3by2_preinv(rem, shl2(x2, x1, s), b.normalized, b.reciprocal);
    q1[1] = detail::div_3by2_preinv(rem, x1 << s, b.normalized, b.reciprocal);
    q1[0] = detail::div_3by2_preinv(rem, 0u, b.normalized, b.reciprocal);
    if (round_up && rem != 0) {  // q1 < 2^224: the carry stops within the limbs
        for (auto& limb : q1)
            if (++limb != 0) break;
    }
    s = a.shift;
    std::uint64_t q[3];
    // Leading zero digits: q1 >> 64k < 2^64 <= a means digit k of q is zero and the remainder
    // starts one limb lower.
    if (q1[3] != 0) {
        rem = (u128{(q1[3] >> 1) >> (63 - s)} << 64) | shl2(q1[3], q1[2], s);
        q[2] = detail::div_3by2_preinv(rem, shl2(q1[2], q1[1], s), a.normalized, a.reciprocal);
        q[1] = detail::div_3by2_preinv(rem, shl2(q1[1], q1[0], s), a.normalized, a.reciprocal);
    } else if (q1[2] != 0) {
        q[2] = 0;
        rem = (u128{(q1[2] >> 1) >> (63 - s)} << 64) | shl2(q1[2], q1[1], s);
        q[1] = detail::div_3by2_preinv(rem, shl2(q1[1], q1[0], s), a.normalized, a.reciprocal);
    } else {
        q[2] = 0;
        q[1] = 0;
        rem = (u128{(q1[1] >> 1) >> (63 - s)} << 64) | shl2(q1[1], q1[0], s);
    }
    q[0] = detail::div_3by2_preinv(rem, q1[0] << s, a.normalized, a.reciprocal);
    U256 out{q[0], q[1], q[2], 0u};
    if (round_up && rem != 0) {  // q < 2^160: no carry out of limb 2
        const u128 low = out.low128() + 1u;
        out.limb[0] = lo64(low);
        out.limb[1] = hi64(low);
        if (low == 0) ++out.limb[2];
    }
    return out;
}

[[gnu::always_inline]] inline bool next_price_from_amount0_impl(u128 c, u128 liquidity, u128 amount, u128& out) noexcept {
    if (amount == 0) {
        out = c;
        return true;
    }
    // Uniswap: product = amount * c (< 2^255, no overflow), denominator = (L << 96) + product
    // (< 2^224 + 2^255, no overflow), result mulDivRoundingUp(L << 96, c, denominator). Since
    // N / D = c * L 2^96 / (L 2^96 + amount c) <= c < 2^128, the quotient has two 64-bit digits,
    // mulDivRoundingUp's `result < max` holds and the uint160 cast changes nothing.
    const U256 lc = mul_128x128(liquidity, c);
    const std::uint64_t nw[6] = {0u,
                                 lc.limb[0] << 32,
                                 (lc.limb[0] >> 32) | (lc.limb[1] << 32),
                                 (lc.limb[1] >> 32) | (lc.limb[2] << 32),
                                 (lc.limb[2] >> 32) | (lc.limb[3] << 32),
                                 lc.limb[3] >> 32};
    const U256 product = mul_128x128(amount, c);
    const U256 numerator1{0u, lo64(liquidity) << 32, (lo64(liquidity) >> 32) | (hi64(liquidity) << 32),
                          hi64(liquidity) >> 32};
    const U256 d = product + numerator1;  // >= L 2^96 >= 2^96: limb 1, 2 or 3 is non-zero
    const int n = d.limb[3] != 0 ? 4 : (d.limb[2] != 0 ? 3 : 2);
    const int s = __builtin_clzll(d.limb[static_cast<std::size_t>(n - 1)]);
    const std::uint64_t dn[4] = {d.limb[0] << s, shl2(d.limb[1], d.limb[0], s), shl2(d.limb[2], d.limb[1], s),
                                 shl2(d.limb[3], d.limb[2], s)};
    const std::uint64_t nn[7] = {0u,
                                 nw[1] << s,
                                 shl2(nw[2], nw[1], s),
                                 shl2(nw[3], nw[2], s),
                                 shl2(nw[4], nw[3], s),
                                 shl2(nw[5], nw[4], s),
                                 (nw[5] >> 1) >> (63 - s)};
    if (n == 4) return div_ceil_q128<4>(nn, dn, out);
    return n == 3 ? div_ceil_q128<3>(nn, dn, out) : div_ceil_q128<2>(nn, dn, out);
}

}  // namespace

FeeConstants make_fee_constants(std::uint32_t fee_pips) noexcept {
    FeeConstants k;
    k.fee_pips = fee_pips;
    k.million = detail::make_divisor64(1000000u);
    k.complement = detail::make_divisor64(1000000u - fee_pips);
    return k;
}

bool mul_div_u64(u128 x, std::uint64_t m, const Divisor64& d, bool round_up, u128& out) noexcept {
    return mul_div_u64_impl(x, m, d, round_up, out);
}
U256 amount1_delta(u128 a, u128 b, u128 liquidity, bool round_up) noexcept {
    return amount1_delta_impl(a, b, liquidity, round_up);
}
U256 amount0_delta(const detail::Divisor128& a, const detail::Divisor128& b, u128 liquidity, bool round_up) noexcept {
    return amount0_delta_impl(a, b, liquidity, round_up);
}
bool next_sqrt_price_from_amount0_add(u128 c, u128 liquidity, u128 amount, u128& out) noexcept {
    return next_price_from_amount0_impl(c, liquidity, amount, out);
}

bool exact_in_step(const detail::Divisor128& current, const detail::Divisor128& target,
                   const detail::Divisor128& liquidity, const U256& remaining, const FeeConstants& fee,
                   StepOut& out) noexcept {
    const u128 c = current.value, t = target.value, l = liquidity.value;
    const bool zero_for_one = c >= t;
    // amountRemainingLessFee = mulDiv(remaining, 1e6 - fee, 1e6). Below 2^127 (the usual case)
    // in 128 bits; from 2^192 on it exceeds 2^192 / 1e6 > 2^172 while any amountIn to the target
    // is below 2^160 (both deltas are), so the step reaches the target and the value itself is
    // never needed; in between the general 256-bit mul_div_small.
    const bool small = (remaining.limb[2] | remaining.limb[3]) == 0 && (remaining.limb[1] >> 63) == 0;
    const bool huge = remaining.limb[3] != 0;
    u128 less_fee = 0;
    U256 less_fee_wide;
    if (small) {
        (void)mul_div_u64_impl(remaining.low128(), fee.complement.value, fee.million, false, less_fee);  // <= remaining
        less_fee_wide = U256{less_fee};
    } else if (!huge) {
        const Result<U256> lf = mul_div_small(remaining, fee.complement.value, 1000000u, false);
        if (!lf.ok()) return false;
        less_fee_wide = lf.value;
    }

    u128 next = 0;
    bool next_computed = false;
    U256 in_target;
    if (zero_for_one) {
        bool stops_short = false;
        if (small && likely_stops_short(c, t, l, less_fee)) {
            if (!next_price_from_amount0_impl(c, l, less_fee, next)) return false;
            next_computed = true;
            // Strictly above the target: then less_fee < amountIn(target) (proof in
            // compute_swap_step, v3_math.cpp), so Uniswap takes the same branch.
            stops_short = next > t;
        }
        if (!stops_short) {
            in_target = amount0_delta_impl(target, current, l, true);
            if (huge || less_fee_wide >= in_target) {
                next = t;
            } else if (!next_computed) {
                if (!small) return false;
                if (!next_price_from_amount0_impl(c, l, less_fee, next)) return false;
            }
        }
    } else {
        in_target = amount1_delta_impl(c, t, l, true);
        if (huge || less_fee_wide >= in_target) {
            next = t;
        } else {
            if (!small) return false;
            // getNextSqrtPriceFromAmount1RoundingDown(add): c + (less_fee << 96) / L, the shift
            // exact (less_fee < 2^127 is below uint160 max), one 256/128 division by the prepared L.
            u128 unused = 0;
            const U256 q = hi64(l) != 0 ? detail::div_by_divisor128(U256{less_fee} << 96, liquidity, unused)
                                        : detail::div_by_u128(U256{less_fee} << 96, l, unused);
            const U256 sum = U256{c} + q;
            if (!sum.fits128()) return false;
            next = sum.low128();
        }
    }

    const bool reached = next == t;
    if (reached) {
        out.next_divisor = target;
    } else {
        if (hi64(next) == 0) return false;  // below 2^64 (cannot happen: next is between c and t)
        out.next_divisor = detail::make_divisor128(next);
    }
    // Exact input: the amount in to the target is kept when the target is reached.
    const U256 amount_in = reached ? in_target
                                   : (zero_for_one ? amount0_delta_impl(out.next_divisor, current, l, true)
                                                   : amount1_delta_impl(c, next, l, true));
    const U256 amount_out = zero_for_one ? amount1_delta_impl(next, c, l, false)
                                         : amount0_delta_impl(current, out.next_divisor, l, false);
    constexpr u128 kLimit = u128{1} << 127;
    if (!amount_in.fits128() || amount_in.low128() >= kLimit) return false;
    if (!amount_out.fits128() || amount_out.low128() >= kLimit) return false;
    const u128 in = amount_in.low128();
    u128 fee_amount = 0;
    if (!reached) {
        // uint256(amountRemaining) - amountIn (small here: not reaching the target needs it).
        if (in > remaining.low128()) return false;  // Uniswap would wrap: the general path
        fee_amount = remaining.low128() - in;
    } else if (!mul_div_u64_impl(in, fee.fee_pips, fee.complement, true, fee_amount)) {
        return false;
    }
    if (fee_amount >= kLimit) return false;
    out.sqrt_next = next;
    out.amount_in = in;
    out.amount_out = amount_out.low128();
    out.fee_amount = fee_amount;
    return true;
}

}  // namespace pftoken::amm::v3::fast
