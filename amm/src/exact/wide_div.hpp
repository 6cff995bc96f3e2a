#pragma once
// Internal: 64-bit-limb division primitives shared by uint256.cpp and v3_math.cpp.
//
// 2-by-1 and 3-by-2 division by a normalized (top bit set) divisor with a precomputed reciprocal,
// after Moller & Granlund, "Improved division by invariant integers", IEEE Trans. Computers 60(2),
// 2011 (Algorithms 4 and 6). One hardware divide computes the reciprocal; every quotient digit then
// costs two or three multiplications and rare corrections. Results are exact (tested against
// Boost.Multiprecision in tests/amm/test_uint256.cpp and test_exact_fast_paths.cpp).

#include <cstdint>

#include "pftoken/amm/exact/uint256.hpp"

namespace pftoken::amm::detail {

constexpr std::uint64_t hi64(u128 x) noexcept { return static_cast<std::uint64_t>(x >> 64); }
constexpr std::uint64_t lo64(u128 x) noexcept { return static_cast<std::uint64_t>(x); }

// (hi*2^64 + lo) / d with hi < d, so the quotient fits in 64 bits.
inline std::uint64_t div_128_by_64(std::uint64_t hi, std::uint64_t lo, std::uint64_t d, std::uint64_t& rem) noexcept {
#if defined(__x86_64__)
    std::uint64_t q = 0;
    std::uint64_t r = 0;
    // One hardware divide; the compiler's __udivti3 would not know hi < d.
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
    rem = r;
    return q;
#else
    const u128 n = (u128{hi} << 64) | lo;
    rem = static_cast<std::uint64_t>(n % d);
    return static_cast<std::uint64_t>(n / d);
#endif
}

// floor((2^128 - 1) / d) - 2^64 for a normalized d.
inline std::uint64_t reciprocal_2by1(std::uint64_t d) noexcept {
    std::uint64_t rem = 0;
    return div_128_by_64(~d, ~std::uint64_t{0}, d, rem);
}

// (nh*2^64 + nl) / d for normalized d and nh < d (Algorithm 4 of Moller-Granlund, 2-by-1 form).
[[gnu::always_inline]] inline std::uint64_t div_2by1_preinv(std::uint64_t nh, std::uint64_t nl, std::uint64_t d, std::uint64_t dinv,
                                     std::uint64_t& rem) noexcept {
    u128 p = u128{nh} * dinv;
    p += (u128{nh + 1} << 64) | nl;  // wraps modulo 2^128 by design
    auto qh = static_cast<std::uint64_t>(p >> 64);
    const auto ql = static_cast<std::uint64_t>(p);
    std::uint64_t r = nl - qh * d;
    if (r > ql) {
        --qh;
        r += d;
    }
    if (r >= d) {  // rare
        ++qh;
        r -= d;
    }
    rem = r;
    return qh;
}

// floor((2^192 - 1) / d) - 2^64 for a normalized 128-bit d (Algorithm 6).
inline std::uint64_t reciprocal_3by2(u128 d) noexcept {
    const std::uint64_t d1 = hi64(d), d0 = lo64(d);
    std::uint64_t v = reciprocal_2by1(d1);
    std::uint64_t p = d1 * v;
    p += d0;
    if (p < d0) {
        --v;
        if (p >= d1) {
            --v;
            p -= d1;
        }
        p -= d1;
    }
    const u128 t = u128{v} * d0;
    p += hi64(t);
    if (p < hi64(t)) {
        --v;
        if (p > d1 || (p == d1 && lo64(t) >= d0)) --v;
    }
    return v;
}

// (rem*2^64 + u0) / d for a normalized 128-bit d and rem < d; rem receives the remainder.
// Algorithm 5 of Moller-Granlund (3-by-2 division with the reciprocal of reciprocal_3by2).
// Forced inline: GCC otherwise keeps it out of line in the unrolled Knuth loops.
[[gnu::always_inline]] inline std::uint64_t div_3by2_preinv(u128& rem, std::uint64_t u0, u128 d, std::uint64_t v) noexcept {
    const std::uint64_t u2 = hi64(rem), u1 = lo64(rem);
    const u128 q = u128{v} * u2 + rem;  // modulo 2^128
    std::uint64_t q1 = hi64(q);
    const std::uint64_t q0 = lo64(q);
    const std::uint64_t r1 = u1 - q1 * hi64(d);
    const u128 t = u128{lo64(d)} * q1;
    u128 r = ((u128{r1} << 64) | u0) - t - d;  // modulo 2^128
    ++q1;
    if (hi64(r) >= q0) {
        --q1;
        r += d;
    }
    if (r >= d) {  // rare
        ++q1;
        r -= d;
    }
    rem = r;
    return q1;
}

// Divisor128 (uint256.hpp): a divisor of at least 2^64, normalized, with its 3-by-2 reciprocal,
// reusable while the divisor does not change (the pool's liquidity across swap steps).
inline Divisor128 make_divisor128(u128 d) noexcept {
    Divisor128 out;
    out.value = d;
    out.shift = __builtin_clzll(hi64(d));
    out.normalized = d << out.shift;
    out.reciprocal = reciprocal_3by2(out.normalized);
    return out;
}

// Divisor64 (uint256.hpp): a non-zero 64-bit divisor, normalized, with its 2-by-1 reciprocal.
inline Divisor64 make_divisor64(std::uint64_t d) noexcept {
    Divisor64 out;
    out.value = d;
    out.shift = __builtin_clzll(d);
    out.normalized = d << out.shift;
    out.reciprocal = reciprocal_2by1(out.normalized);
    return out;
}

inline U256 div_by_divisor128(const U256& x, const Divisor128& divisor, u128& remainder) noexcept;

// floor(x / d) and x mod d for 0 < d < 2^128: a normalized 2-by-1 (d < 2^64) or 3-by-2 digit
// loop with one reciprocal, instead of the general long division.
inline U256 div_by_u128(const U256& x, u128 d, u128& remainder) noexcept {
    constexpr std::uint64_t zero = 0;
    if (hi64(d) == 0) {
        const int s = __builtin_clzll(lo64(d));
        const std::uint64_t dn = lo64(d) << s;
        const std::uint64_t inv = reciprocal_2by1(dn);
        std::uint64_t rem = (x.limb[3] >> 1) >> (63 - s);
        U256 q;
        for (int j = 3; j >= 0; --j) {
            const auto k = static_cast<std::size_t>(j);
            const std::uint64_t limb = (x.limb[k] << s) | (j > 0 ? (x.limb[k - 1] >> 1) >> (63 - s) : zero);
            q.limb[k] = div_2by1_preinv(rem, limb, dn, inv, rem);
        }
        remainder = rem >> s;
        return q;
    }
    const Divisor128 divisor = make_divisor128(d);
    return div_by_divisor128(x, divisor, remainder);
}

// floor(x / d) and x mod d for a prepared divisor d >= 2^64.
inline U256 div_by_divisor128(const U256& x, const Divisor128& divisor, u128& remainder) noexcept {
    const int s = divisor.shift;
    const u128 dn = divisor.normalized;
    const std::uint64_t v = divisor.reciprocal;
    // x << s as five limbs un[4..0]; long division from the top non-zero limb t, whose value
    // alone is below dn (dn >= 2^127), so the digits above t - 1 are zero.
    const std::uint64_t un[5] = {x.limb[0] << s, (x.limb[1] << s) | ((x.limb[0] >> 1) >> (63 - s)),
                                 (x.limb[2] << s) | ((x.limb[1] >> 1) >> (63 - s)),
                                 (x.limb[3] << s) | ((x.limb[2] >> 1) >> (63 - s)), (x.limb[3] >> 1) >> (63 - s)};
    int t = 4;
    while (t > 0 && un[t] == 0) --t;
    u128 rem = un[t];
    U256 q;
    for (int j = t - 1; j >= 0; --j) q.limb[static_cast<std::size_t>(j)] = div_3by2_preinv(rem, un[j], dn, v);
    remainder = rem >> s;
    return q;
}

// Long division of the m-limb u by the n-limb v (Knuth's algorithm D): v[n-1] != 0,
// 1 <= n <= 5, n <= m <= 8. q receives m-n+1 limbs, r receives n limbs. In uint256.cpp.
void divide_limbs(const std::uint64_t* u, int m, const std::uint64_t* v, int n, std::uint64_t* q,
                  std::uint64_t* r) noexcept;

}  // namespace pftoken::amm::detail
