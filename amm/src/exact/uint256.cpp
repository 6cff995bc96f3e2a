// U256/I256 division (Knuth algorithm D on 64-bit limbs), square root and decimal conversion.
#include "pftoken/amm/exact/uint256.hpp"

#include <algorithm>
#include <cmath>

namespace pftoken::amm {
namespace {

// (hi*2^64 + lo) / d with hi < d, so the quotient fits in 64 bits.
inline std::uint64_t div_128_by_64(std::uint64_t hi, std::uint64_t lo, std::uint64_t d,
                                   std::uint64_t& rem) noexcept {
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

template <std::size_t N>
inline int significant_limbs(const std::array<std::uint64_t, N>& x) noexcept {
    int n = static_cast<int>(N);
    while (n > 0 && x[static_cast<std::size_t>(n - 1)] == 0) --n;
    return n;
}

// Knuth D: u has m limbs, v has n limbs with v[n-1] != 0, m >= n >= 1.
// q receives m-n+1 limbs, r receives n limbs.
void knuth_divide(const std::uint64_t* u, int m, const std::uint64_t* v, int n, std::uint64_t* q,
                  std::uint64_t* r) noexcept {
    if (n == 1) {
        std::uint64_t rem = 0;
        for (int j = m - 1; j >= 0; --j) q[j] = div_128_by_64(rem, u[j], v[0], rem);
        r[0] = rem;
        return;
    }
    const int s = __builtin_clzll(v[n - 1]);
    std::uint64_t vn[4] = {0, 0, 0, 0};
    std::uint64_t un[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = n - 1; i > 0; --i) vn[i] = (v[i] << s) | (s != 0 ? v[i - 1] >> (64 - s) : 0);
    vn[0] = v[0] << s;
    un[m] = s != 0 ? u[m - 1] >> (64 - s) : 0;
    for (int i = m - 1; i > 0; --i) un[i] = (u[i] << s) | (s != 0 ? u[i - 1] >> (64 - s) : 0);
    un[0] = u[0] << s;

    const std::uint64_t vtop = vn[n - 1], vnext = vn[n - 2];
    for (int j = m - n; j >= 0; --j) {
        std::uint64_t qhat = 0;
        std::uint64_t rhat = 0;
        bool rhat_overflow = false;
        if (un[j + n] >= vtop) {
            // Quotient digit saturates at 2^64-1; rhat = top two digits - qhat*vtop.
            qhat = ~std::uint64_t{0};
            const u128 num = (u128{un[j + n]} << 64) | un[j + n - 1];
            const u128 rh = num - u128{qhat} * vtop;
            rhat_overflow = (rh >> 64) != 0;
            rhat = static_cast<std::uint64_t>(rh);
        } else {
            qhat = div_128_by_64(un[j + n], un[j + n - 1], vtop, rhat);
        }
        while (!rhat_overflow &&
               u128{qhat} * vnext > ((u128{rhat} << 64) | un[j + n - 2])) {
            --qhat;
            const u128 sum = u128{rhat} + vtop;
            rhat = static_cast<std::uint64_t>(sum);
            rhat_overflow = (sum >> 64) != 0;
        }
        // Multiply and subtract qhat*vn from un[j .. j+n].
        std::uint64_t mul_carry = 0;
        std::uint64_t borrow = 0;
        for (int i = 0; i < n; ++i) {
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
        const bool negative = u128{un[j + n]} < sub;
        un[j + n] = static_cast<std::uint64_t>(u128{un[j + n]} - sub);
        if (negative) {
            // qhat was one too large (rare): add the divisor back.
            --qhat;
            std::uint64_t carry = 0;
            for (int i = 0; i < n; ++i) {
                const u128 t = u128{un[i + j]} + vn[i] + carry;
                un[i + j] = static_cast<std::uint64_t>(t);
                carry = static_cast<std::uint64_t>(t >> 64);
            }
            un[j + n] += carry;
        }
        q[j] = qhat;
    }
    for (int i = 0; i < n - 1; ++i) r[i] = (un[i] >> s) | (s != 0 ? un[i + 1] << (64 - s) : 0);
    r[n - 1] = un[n - 1] >> s;
}

}  // namespace

DivMod256 divmod(const U256& a, const U256& b) noexcept {
    DivMod256 out;
    if (b.is_zero()) return out;
    if (a < b) {
        out.remainder = a;
        return out;
    }
    if (a.fits128()) {
        const u128 x = a.low128(), y = b.low128();
        out.quotient = U256{x / y};
        out.remainder = U256{x % y};
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
