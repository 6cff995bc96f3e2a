// U256/I256 division (Knuth algorithm D on 64-bit limbs), square root and decimal conversion.
#include "pftoken/amm/exact/full_math.hpp"
#include "pftoken/amm/exact/uint256.hpp"
#include "wide_div.hpp"

#include <algorithm>
#include <cmath>

namespace pftoken::amm {
namespace {

using detail::div_128_by_64;
using detail::div_2by1_preinv;
using detail::reciprocal_2by1;

inline int significant_limbs(const std::array<std::uint64_t, 4>& x) noexcept {
    return x[3] != 0 ? 4 : x[2] != 0 ? 3 : x[1] != 0 ? 2 : x[0] != 0 ? 1 : 0;
}
inline int significant_limbs(const std::array<std::uint64_t, 8>& x) noexcept {
    if ((x[4] | x[5] | x[6] | x[7]) == 0) {
        return significant_limbs(std::array<std::uint64_t, 4>{x[0], x[1], x[2], x[3]});
    }
    return x[7] != 0 ? 8 : x[6] != 0 ? 7 : x[5] != 0 ? 6 : 5;
}

// Knuth D with the limb counts as template parameters so every loop is unrolled: u has M limbs,
// v has N limbs with v[N-1] != 0, M >= N >= 2. q receives M-N+1 limbs, r receives N limbs.
template <int M, int N>
void knuth_divide_fixed(const std::uint64_t* u, const std::uint64_t* v, std::uint64_t* q, std::uint64_t* r) noexcept {
    const int s = __builtin_clzll(v[N - 1]);
    std::uint64_t vn[N];
    std::uint64_t un[M + 1];
    // Branch-free normalisation: (x >> 1) >> (63 - s) is x >> (64 - s) and 0 when s == 0.
    for (int i = N - 1; i > 0; --i) vn[i] = (v[i] << s) | ((v[i - 1] >> 1) >> (63 - s));
    vn[0] = v[0] << s;
    un[M] = (u[M - 1] >> 1) >> (63 - s);
    for (int i = M - 1; i > 0; --i) un[i] = (u[i] << s) | ((u[i - 1] >> 1) >> (63 - s));
    un[0] = u[0] << s;

    // Each quotient digit comes from a 3-by-2 division of the top three remainder limbs by the top
    // two divisor limbs (exact for that truncation, so at most one add-back), then the lower N-2
    // divisor limbs are multiplied and subtracted. Same scheme as intx (chfast/intx).
    const u128 dtop = (u128{vn[N - 1]} << 64) | vn[N - 2];
    const std::uint64_t vinv = detail::reciprocal_3by2(dtop);
    for (int j = M - N; j >= 0; --j) {
        const u128 top = (u128{un[j + N]} << 64) | un[j + N - 1];
        std::uint64_t qhat = 0;
        if (top >= dtop) {
            // Only top == dtop is possible (the running remainder is below the divisor): the
            // digit estimate saturates; classic Knuth step with add-backs.
            qhat = ~std::uint64_t{0};
            std::uint64_t mul_carry = 0;
            std::uint64_t borrow = 0;
            for (int i = 0; i < N; ++i) {
                const u128 p = u128{qhat} * vn[i] + mul_carry;
                mul_carry = static_cast<std::uint64_t>(p >> 64);
                const auto plo = static_cast<std::uint64_t>(p);
                const std::uint64_t ui = un[i + j];
                const std::uint64_t d1 = ui - plo;
                const std::uint64_t b1 = ui < plo ? 1u : 0u;
                const std::uint64_t d2 = d1 - borrow;
                const std::uint64_t b2 = d1 < borrow ? 1u : 0u;
                un[i + j] = d2;
                borrow = b1 + b2;
            }
            const u128 sub = u128{mul_carry} + borrow;
            bool negative = u128{un[j + N]} < sub;
            un[j + N] = static_cast<std::uint64_t>(u128{un[j + N]} - sub);
            while (negative) {
                --qhat;
                std::uint64_t carry = 0;
                for (int i = 0; i < N; ++i) {
                    const u128 t = u128{un[i + j]} + vn[i] + carry;
                    un[i + j] = static_cast<std::uint64_t>(t);
                    carry = static_cast<std::uint64_t>(t >> 64);
                }
                const u128 t = u128{un[j + N]} + carry;
                un[j + N] = static_cast<std::uint64_t>(t);
                negative = (t >> 64) == 0;  // no carry out: still below zero
            }
        } else {
            u128 rem = top;
            qhat = detail::div_3by2_preinv(rem, un[j + N - 2], dtop, vinv);
            // Subtract qhat * vn[0 .. N-3] from un[j .. j+N-3]; the borrow comes out of rem.
            std::uint64_t mul_carry = 0;
            std::uint64_t borrow = 0;
            for (int i = 0; i < N - 2; ++i) {
                const u128 p = u128{qhat} * vn[i] + mul_carry;
                mul_carry = static_cast<std::uint64_t>(p >> 64);
                const auto plo = static_cast<std::uint64_t>(p);
                const std::uint64_t ui = un[i + j];
                const std::uint64_t d1 = ui - plo;
                const std::uint64_t b1 = ui < plo ? 1u : 0u;
                const std::uint64_t d2 = d1 - borrow;
                const std::uint64_t b2 = d1 < borrow ? 1u : 0u;
                un[i + j] = d2;
                borrow = b1 + b2;
            }
            const std::uint64_t overflow = mul_carry + borrow;  // mul_carry <= 2^64 - 2
            const bool negative = rem < overflow;
            rem -= overflow;
            un[j + N - 2] = static_cast<std::uint64_t>(rem);
            un[j + N - 1] = static_cast<std::uint64_t>(rem >> 64);
            un[j + N] = 0;
            if (negative) {
                // qhat was one too large (rare): add the divisor back.
                --qhat;
                std::uint64_t carry = 0;
                for (int i = 0; i < N; ++i) {
                    const u128 t = u128{un[i + j]} + vn[i] + carry;
                    un[i + j] = static_cast<std::uint64_t>(t);
                    carry = static_cast<std::uint64_t>(t >> 64);
                }
            }
        }
        q[j] = qhat;
    }
    for (int i = 0; i < N - 1; ++i) r[i] = (un[i] >> s) | ((un[i + 1] << 1) << (63 - s));
    r[N - 1] = un[N - 1] >> s;
}

template <int M>
void knuth_divide_m(const std::uint64_t* u, const std::uint64_t* v, int n, std::uint64_t* q, std::uint64_t* r) noexcept {
    if constexpr (M >= 2) {
        if (n == 2) return knuth_divide_fixed<M, 2>(u, v, q, r);
    }
    if constexpr (M >= 3) {
        if (n == 3) return knuth_divide_fixed<M, 3>(u, v, q, r);
    }
    if constexpr (M >= 4) {
        if (n == 4) return knuth_divide_fixed<M, 4>(u, v, q, r);
    }
    if constexpr (M >= 5) {
        // 320-bit divisors: sqrtPriceA * sqrtPriceB in SqrtPriceMath.getAmount0Delta.
        if (n == 5) return knuth_divide_fixed<M, 5>(u, v, q, r);
    }
}

// u has m limbs, v has n limbs with v[n-1] != 0, m >= n >= 1, n <= 5, m <= 8.
void knuth_divide(const std::uint64_t* u, int m, const std::uint64_t* v, int n, std::uint64_t* q,
                  std::uint64_t* r) noexcept {
    if (n == 1) {
        if (m <= 2) {
            std::uint64_t rem = 0;
            for (int j = m - 1; j >= 0; --j) q[j] = div_128_by_64(rem, u[j], v[0], rem);
            r[0] = rem;
            return;
        }
        // Normalize so the reciprocal trick applies, then shift the remainder back.
        const int s = __builtin_clzll(v[0]);
        const std::uint64_t d = v[0] << s;
        const std::uint64_t dinv = reciprocal_2by1(d);
        std::uint64_t rem = (u[m - 1] >> 1) >> (63 - s);
        for (int j = m - 1; j >= 0; --j) {
            const std::uint64_t limb = (u[j] << s) | (j > 0 ? (u[j - 1] >> 1) >> (63 - s) : 0);
            q[j] = div_2by1_preinv(rem, limb, d, dinv, rem);
        }
        r[0] = rem >> s;
        return;
    }
    switch (m) {
    case 2: return knuth_divide_m<2>(u, v, n, q, r);
    case 3: return knuth_divide_m<3>(u, v, n, q, r);
    case 4: return knuth_divide_m<4>(u, v, n, q, r);
    case 5: return knuth_divide_m<5>(u, v, n, q, r);
    case 6: return knuth_divide_m<6>(u, v, n, q, r);
    case 7: return knuth_divide_m<7>(u, v, n, q, r);
    default: return knuth_divide_m<8>(u, v, n, q, r);
    }
}

}  // namespace

void detail::divide_limbs(const std::uint64_t* u, int m, const std::uint64_t* v, int n, std::uint64_t* q,
                          std::uint64_t* r) noexcept {
    knuth_divide(u, m, v, n, q, r);
}

namespace {
// floor((2^128 - 1) / (d << clz(d))) - 2^64: the 2-by-1 reciprocal of a normalized d, at compile time.
constexpr std::uint64_t reciprocal_of(std::uint64_t d) noexcept {
    const std::uint64_t normalized = d << __builtin_clzll(d);
    return static_cast<std::uint64_t>(~u128{0} / normalized - (u128{1} << 64));
}
// SwapMath divides by 1e6 and by 1e6 - feePips in every step: the reciprocals of 1e6 and of the
// standard fee tiers (0.01%, 0.05%, 0.3%, 1%) are constants; other denominators pay one divide.
std::uint64_t reciprocal_for(std::uint64_t d, std::uint64_t normalized) noexcept {
    constexpr std::uint64_t kDenominators[5] = {1000000u, 999900u, 999500u, 997000u, 990000u};
    constexpr std::uint64_t kReciprocals[5] = {reciprocal_of(1000000u), reciprocal_of(999900u), reciprocal_of(999500u),
                                               reciprocal_of(997000u), reciprocal_of(990000u)};
    for (std::size_t i = 0; i < 5; ++i)
        if (d == kDenominators[i]) return kReciprocals[i];
    return detail::reciprocal_2by1(normalized);
}
}  // namespace

Result<U256> mul_div_small(const U256& a, std::uint64_t b, std::uint64_t denominator, bool round_up) noexcept {
    if (denominator == 0) return Revert::DivisionByZero;
    if (a.fits64()) {
        // Amounts below 2^64: a*b has two limbs, the quotient two 2-by-1 digits.
        const u128 p = u128{a.limb[0]} * b;
        const int s = __builtin_clzll(denominator);
        const std::uint64_t d = denominator << s;
        const std::uint64_t dinv = reciprocal_for(denominator, d);
        const auto p_high = static_cast<std::uint64_t>(p >> 64), p_low = static_cast<std::uint64_t>(p);
        std::uint64_t rem = (p_high >> 1) >> (63 - s);
        const std::uint64_t q1 = detail::div_2by1_preinv(rem, (p_high << s) | ((p_low >> 1) >> (63 - s)), d, dinv, rem);
        const std::uint64_t q0 = detail::div_2by1_preinv(rem, p_low << s, d, dinv, rem);
        u128 q = (u128{q1} << 64) | q0;
        if (round_up && rem != 0) ++q;  // q <= a*b/denominator < 2^128: no overflow
        return U256{q};
    }
    // a*b as five limbs.
    std::uint64_t p[5];
    u128 carry = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        carry += u128{a.limb[i]} * b;
        p[i] = static_cast<std::uint64_t>(carry);
        carry >>= 64;
    }
    p[4] = static_cast<std::uint64_t>(carry);
    // Normalized 2-by-1 digits, most significant first; quotient digit 4 must be zero.
    const int s = __builtin_clzll(denominator);
    const std::uint64_t d = denominator << s;
    const std::uint64_t dinv = reciprocal_for(denominator, d);
    int top = 4;  // skip leading zero limbs (amounts are mostly one or two limbs)
    while (top > 0 && p[top] == 0) --top;
    std::uint64_t rem = (p[top] >> 1) >> (63 - s);
    std::uint64_t q[5] = {0, 0, 0, 0, 0};
    for (int j = top; j >= 0; --j) {
        const auto k = static_cast<std::size_t>(j);
        const std::uint64_t limb = (p[k] << s) | (j > 0 ? (p[k - 1] >> 1) >> (63 - s) : std::uint64_t{0});
        q[k] = detail::div_2by1_preinv(rem, limb, d, dinv, rem);
    }
    if (q[4] != 0) return Revert::Overflow;
    U256 out{q[0], q[1], q[2], q[3]};
    if (round_up && rem != 0) {
        if (out == U256::max()) return Revert::Overflow;
        out += U256{1u};
    }
    return out;
}

DivMod256 divmod(const U256& a, const U256& b) noexcept {
    DivMod256 out;
    if (b.is_zero()) return out;
    if (a < b) {
        out.remainder = a;
        return out;
    }
    if (a.fits128()) {
        const u128 x = a.low128(), y = b.low128();
        const u128 quotient = x / y;  // one libgcc call; the remainder follows by multiplication
        out.quotient = U256{quotient};
        out.remainder = U256{x - quotient * y};
        return out;
    }
    if (b.fits128()) {
        u128 rem = 0;
        out.quotient = detail::div_by_u128(a, b.low128(), rem);
        out.remainder = U256{rem};
        return out;
    }
    const int m = significant_limbs(a.limb), n = significant_limbs(b.limb);
    std::uint64_t q[4] = {0, 0, 0, 0};
    std::uint64_t r[4] = {0, 0, 0, 0};
    knuth_divide(a.limb.data(), m, b.limb.data(), n, q, r);
    out.quotient = U256{q[0], q[1], q[2], q[3]};
    out.remainder = U256{r[0], r[1], r[2], r[3]};
    return out;
}

DivMod256 divmod_wide(const U512& a, const U256& b, bool& overflow) noexcept {
    overflow = false;
    DivMod256 out;
    const int m = significant_limbs(a.limb), n = significant_limbs(b.limb);
    if (n == 0) {
        overflow = true;
        return out;
    }
    if (m <= 4) return divmod(a.low(), b);
    std::uint64_t q[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::uint64_t r[4] = {0, 0, 0, 0};
    if (m < n) {
        out.remainder = a.low();
        return out;
    }
    knuth_divide(a.limb.data(), m, b.limb.data(), n, q, r);
    overflow = (q[4] | q[5] | q[6] | q[7]) != 0;
    out.quotient = U256{q[0], q[1], q[2], q[3]};
    out.remainder = U256{r[0], r[1], r[2], r[3]};
    return out;
}

U256 isqrt(const U256& x) noexcept {
    if (x.is_zero()) return {};
    // Newton from a power of two above the root; the iterates decrease to floor(sqrt(x)).
    U256 z = U256::pow2((x.bit_length() + 1) / 2);
    for (;;) {
        const U256 y = (z + x / z) >> 1;
        if (y >= z) return z;
        z = y;
    }
}

std::optional<U256> U256::from_decimal(std::string_view text) noexcept {
    if (text.empty()) return std::nullopt;
    U256 v;
    const U256 ten{10u};
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        U256 t;
        if (mul_overflow(v, ten, t)) return std::nullopt;
        if (add_overflow(t, U256{static_cast<unsigned>(c - '0')}, v)) return std::nullopt;
    }
    return v;
}

std::optional<U256> U256::from_hex(std::string_view text) noexcept {
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
    if (text.empty() || text.size() > 64) return std::nullopt;
    U256 v;
    for (const char c : text) {
        unsigned d = 0;
        if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a') + 10u;
        else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A') + 10u;
        else return std::nullopt;
        v = (v << 4) | U256{d};
    }
    return v;
}

std::string U256::to_decimal() const {
    if (is_zero()) return "0";
    std::string digits;
    U256 v = *this;
    const U256 chunk{10000000000000000000ull};  // 10^19, the largest power of ten in 64 bits
    while (!v.is_zero()) {
        const DivMod256 qr = divmod(v, chunk);
        std::uint64_t part = qr.remainder.low64();
        v = qr.quotient;
        for (int i = 0; i < 19; ++i) {
            digits.push_back(static_cast<char>('0' + part % 10));
            part /= 10;
            if (v.is_zero() && part == 0) break;
        }
    }
    std::reverse(digits.begin(), digits.end());
    return digits;
}

double U256::to_double() const noexcept {
    double r = 0.0;
    for (int i = 3; i >= 0; --i) r = r * 18446744073709551616.0 + static_cast<double>(limb[static_cast<std::size_t>(i)]);
    return r;
}

std::optional<I256> I256::from_decimal(std::string_view text) noexcept {
    const bool neg = !text.empty() && text.front() == '-';
    if (neg) text.remove_prefix(1);
    const auto mag = U256::from_decimal(text);
    if (!mag) return std::nullopt;
    if (neg) {
        if (*mag > U256::pow2(255)) return std::nullopt;
        return I256::from_bits(-*mag);
    }
    if (*mag >= U256::pow2(255)) return std::nullopt;
    return I256::from_bits(*mag);
}

std::string I256::to_decimal() const {
    return negative() ? "-" + magnitude().to_decimal() : bits.to_decimal();
}

}  // namespace pftoken::amm
