#pragma once
// Fixed-width 256-bit unsigned (U256) and two's-complement signed (I256) integers, EVM semantics.
//
// Four little-endian 64-bit limbs with unsigned __int128 carries. Chosen over
// boost::multiprecision fixed-width cpp_int after benchmarking (docs/amm-exact.md): the Uniswap
// kernels multiply 128x128 and divide 512/256 in tight loops, where the hand-written limbs are
// several times faster. Arithmetic operators wrap modulo 2^256 exactly like the EVM; the checked
// helpers (add_overflow, mul_overflow, full_math.hpp) report overflow instead of wrapping.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace pftoken::amm {

// __extension__ keeps -Wpedantic quiet about the GNU 128-bit type.
__extension__ typedef unsigned __int128 u128;

struct U256 {
    // limb[0] is the least significant 64 bits.
    std::array<std::uint64_t, 4> limb{};

    constexpr U256() noexcept = default;
    // Implicit from any unsigned type (including u128): widening is always exact.
    template <class T>
        requires((std::is_unsigned_v<T> || std::is_same_v<T, u128>) && !std::is_same_v<T, bool>)
    constexpr U256(T v) noexcept  // NOLINT(google-explicit-constructor)
        : limb{static_cast<std::uint64_t>(v), static_cast<std::uint64_t>(u128{v} >> 64), 0, 0} {}
    constexpr U256(std::uint64_t l0, std::uint64_t l1, std::uint64_t l2, std::uint64_t l3) noexcept
        : limb{l0, l1, l2, l3} {}
    // Guard against silent sign mistakes: construct from signed values via from_int64().
    template <class T>
        requires std::is_signed_v<T>
    U256(T) = delete;

    static constexpr U256 from_int64(std::int64_t v) noexcept {
        const auto fill = v < 0 ? ~std::uint64_t{0} : std::uint64_t{0};
        return {static_cast<std::uint64_t>(v), fill, fill, fill};
    }
    static constexpr U256 max() noexcept {
        return {~std::uint64_t{0}, ~std::uint64_t{0}, ~std::uint64_t{0}, ~std::uint64_t{0}};
    }
    // 2^bits - 1, for bits in [0, 256].
    static constexpr U256 low_mask(unsigned bits) noexcept;
    static constexpr U256 pow2(unsigned bit) noexcept {
        U256 r;
        if (bit < 256) r.limb[bit / 64] = std::uint64_t{1} << (bit % 64);
        return r;
    }

    [[nodiscard]] constexpr bool is_zero() const noexcept {
        return (limb[0] | limb[1] | limb[2] | limb[3]) == 0;
    }
    constexpr explicit operator bool() const noexcept { return !is_zero(); }
    [[nodiscard]] constexpr std::uint64_t low64() const noexcept { return limb[0]; }
    [[nodiscard]] constexpr u128 low128() const noexcept {
        return (u128{limb[1]} << 64) | limb[0];
    }
    [[nodiscard]] constexpr bool fits64() const noexcept { return (limb[1] | limb[2] | limb[3]) == 0; }
    [[nodiscard]] constexpr bool fits128() const noexcept { return (limb[2] | limb[3]) == 0; }
    // Number of significant bits (0 for zero); msb index is bit_length()-1.
    [[nodiscard]] constexpr unsigned bit_length() const noexcept {
        for (int i = 3; i >= 0; --i)
            if (limb[static_cast<std::size_t>(i)] != 0)
                return static_cast<unsigned>(i) * 64u +
                       64u - static_cast<unsigned>(__builtin_clzll(limb[static_cast<std::size_t>(i)]));
        return 0;
    }
    // True when the value fits in `bits` bits (uint160, uint128, ...).
    [[nodiscard]] constexpr bool fits_bits(unsigned bits) const noexcept { return bit_length() <= bits; }

    // Branch-light comparisons on two 128-bit halves (the defaulted == would call memcmp).
    [[nodiscard]] constexpr u128 high128() const noexcept { return (u128{limb[3]} << 64) | limb[2]; }
    friend constexpr bool operator==(const U256& a, const U256& b) noexcept {
        return ((a.limb[0] ^ b.limb[0]) | (a.limb[1] ^ b.limb[1]) | (a.limb[2] ^ b.limb[2]) |
                (a.limb[3] ^ b.limb[3])) == 0;
    }
    friend constexpr std::strong_ordering operator<=>(const U256& a, const U256& b) noexcept {
        const u128 ah = a.high128(), bh = b.high128();
        if (ah != bh) return ah < bh ? std::strong_ordering::less : std::strong_ordering::greater;
        const u128 al = a.low128(), bl = b.low128();
        if (al != bl) return al < bl ? std::strong_ordering::less : std::strong_ordering::greater;
        return std::strong_ordering::equal;
    }

    // Decimal text <-> value. from_decimal rejects empty text, non-digits and values >= 2^256.
    static std::optional<U256> from_decimal(std::string_view text) noexcept;
    static std::optional<U256> from_hex(std::string_view text) noexcept;  // optional 0x prefix
    [[nodiscard]] std::string to_decimal() const;
    [[nodiscard]] double to_double() const noexcept;
};

// ---- wrapping arithmetic (mod 2^256) ----
// On two 128-bit halves: the compiler emits add/adc (sub/sbb) chains.
constexpr U256 add_carry(const U256& a, const U256& b, bool& carry) noexcept {
    const u128 lo = a.low128() + b.low128();
    const u128 c0 = lo < a.low128() ? 1u : 0u;
    const u128 hi1 = a.high128() + b.high128();
    const u128 hi = hi1 + c0;
    carry = hi1 < a.high128() || hi < hi1;
    return {static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(lo >> 64), static_cast<std::uint64_t>(hi),
            static_cast<std::uint64_t>(hi >> 64)};
}
constexpr U256 sub_borrow(const U256& a, const U256& b, bool& borrow) noexcept {
    const u128 lo = a.low128() - b.low128();
    const u128 b0 = a.low128() < b.low128() ? 1u : 0u;
    const u128 hi1 = a.high128() - b.high128();
    const u128 hi = hi1 - b0;
    borrow = a.high128() < b.high128() || hi1 < b0;
    return {static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(lo >> 64), static_cast<std::uint64_t>(hi),
            static_cast<std::uint64_t>(hi >> 64)};
}
constexpr U256 operator+(const U256& a, const U256& b) noexcept {
    bool c = false;
    return add_carry(a, b, c);
}
constexpr U256 operator-(const U256& a, const U256& b) noexcept {
    bool br = false;
    return sub_borrow(a, b, br);
}
constexpr U256 operator~(const U256& a) noexcept {
    return {~a.limb[0], ~a.limb[1], ~a.limb[2], ~a.limb[3]};
}
constexpr U256 operator-(const U256& a) noexcept { return ~a + U256{std::uint64_t{1}}; }
constexpr U256 operator&(const U256& a, const U256& b) noexcept {
    return {a.limb[0] & b.limb[0], a.limb[1] & b.limb[1], a.limb[2] & b.limb[2], a.limb[3] & b.limb[3]};
}
constexpr U256 operator|(const U256& a, const U256& b) noexcept {
    return {a.limb[0] | b.limb[0], a.limb[1] | b.limb[1], a.limb[2] | b.limb[2], a.limb[3] | b.limb[3]};
}
constexpr U256 operator^(const U256& a, const U256& b) noexcept {
    return {a.limb[0] ^ b.limb[0], a.limb[1] ^ b.limb[1], a.limb[2] ^ b.limb[2], a.limb[3] ^ b.limb[3]};
}
// Shifts by >= 256 give zero (EVM shl/shr).
constexpr U256 operator<<(const U256& a, unsigned s) noexcept {
    if (s >= 256) return {};
    U256 r;
    const unsigned w = s / 64, b = s % 64;
    for (unsigned i = 3;; --i) {
        if (i >= w) {
            std::uint64_t v = a.limb[i - w] << b;
            if (b != 0 && i > w) v |= a.limb[i - w - 1] >> (64 - b);
            r.limb[i] = v;
        }
        if (i == 0) break;
    }
    return r;
}
constexpr U256 operator>>(const U256& a, unsigned s) noexcept {
    if (s >= 256) return {};
    U256 r;
    const unsigned w = s / 64, b = s % 64;
    for (unsigned i = 0; i + w < 4; ++i) {
        std::uint64_t v = a.limb[i + w] >> b;
        if (b != 0 && i + w + 1 < 4) v |= a.limb[i + w + 1] << (64 - b);
        r.limb[i] = v;
    }
    return r;
}
constexpr U256 U256::low_mask(unsigned bits) noexcept {
    return bits >= 256 ? U256::max() : (U256::pow2(bits) - U256{std::uint64_t{1}});
}

// Full 256x256 -> 512-bit product, little-endian limbs.
struct U512 {
    std::array<std::uint64_t, 8> limb{};
    [[nodiscard]] constexpr U256 low() const noexcept { return {limb[0], limb[1], limb[2], limb[3]}; }
    [[nodiscard]] constexpr U256 high() const noexcept { return {limb[4], limb[5], limb[6], limb[7]}; }
};

// Product of two values below 2^128, always exact in 256 bits.
constexpr U256 mul_128x128(u128 a, u128 b) noexcept {
    const auto a0 = static_cast<std::uint64_t>(a), a1 = static_cast<std::uint64_t>(a >> 64);
    const auto b0 = static_cast<std::uint64_t>(b), b1 = static_cast<std::uint64_t>(b >> 64);
    const u128 p00 = u128{a0} * b0, p01 = u128{a0} * b1, p10 = u128{a1} * b0, p11 = u128{a1} * b1;
    // t = p01 + hi(p00) and t2 = p10 + lo(t) cannot overflow ((2^64-1)^2 + 2^64-1 < 2^128); in
    // this form the compiler emits add/adc chains instead of summing zero-extended halves.
    const u128 t = p01 + static_cast<std::uint64_t>(p00 >> 64);
    const u128 t2 = p10 + static_cast<std::uint64_t>(t);
    const u128 hi = p11 + static_cast<std::uint64_t>(t >> 64) + static_cast<std::uint64_t>(t2 >> 64);
    return {static_cast<std::uint64_t>(p00), static_cast<std::uint64_t>(t2),
            static_cast<std::uint64_t>(hi), static_cast<std::uint64_t>(hi >> 64)};
}
constexpr U512 mul_wide(const U256& a, const U256& b) noexcept {
    U512 r;
    if (a.fits128() && b.fits128()) {
        // Most amounts, reserves and liquidities: one 2x2-limb product.
        const U256 p = mul_128x128(a.low128(), b.low128());
        r.limb = {p.limb[0], p.limb[1], p.limb[2], p.limb[3], 0, 0, 0, 0};
        return r;
    }
    if ((a.limb[3] | b.limb[3]) == 0) {
        // Both below 2^192 (sqrt prices are below 2^160): the 3x3-limb schoolbook, unrolled.
        for (std::size_t i = 0; i < 3; ++i) {
            u128 carry = 0;
            const u128 ai = a.limb[i];
            for (std::size_t j = 0; j < 3; ++j) {
                carry += ai * b.limb[j] + r.limb[i + j];
                r.limb[i + j] = static_cast<std::uint64_t>(carry);
                carry >>= 64;
            }
            r.limb[i + 3] = static_cast<std::uint64_t>(carry);
        }
        return r;
    }
    // Skip zero high limbs: most Uniswap operands use 2-3 limbs.
    std::size_t na = 4, nb = 4;
    while (na > 0 && a.limb[na - 1] == 0) --na;
    while (nb > 0 && b.limb[nb - 1] == 0) --nb;
    for (std::size_t i = 0; i < na; ++i) {
        u128 carry = 0;
        const u128 ai = a.limb[i];
        for (std::size_t j = 0; j < nb; ++j) {
            carry += ai * b.limb[j] + r.limb[i + j];
            r.limb[i + j] = static_cast<std::uint64_t>(carry);
            carry >>= 64;
        }
        r.limb[i + nb] = static_cast<std::uint64_t>(carry);
    }
    return r;
}
constexpr U256 operator*(const U256& a, const U256& b) noexcept { return mul_wide(a, b).low(); }

// Checked helpers: return true on overflow (result then holds the wrapped value).
constexpr bool add_overflow(const U256& a, const U256& b, U256& out) noexcept {
    bool c = false;
    out = add_carry(a, b, c);
    return c;
}
constexpr bool sub_underflow(const U256& a, const U256& b, U256& out) noexcept {
    bool br = false;
    out = sub_borrow(a, b, br);
    return br;
}
constexpr bool mul_overflow(const U256& a, const U256& b, U256& out) noexcept {
    const U512 p = mul_wide(a, b);
    out = p.low();
    return !p.high().is_zero();
}

// Unsigned division; quotient and remainder. Division by zero yields {0, 0} (EVM div/mod);
// callers that must revert check the divisor first.
struct DivMod256 {
    U256 quotient;
    U256 remainder;
};
DivMod256 divmod(const U256& numerator, const U256& denominator) noexcept;
// 512-by-256 division; requires denominator != 0. `overflow` set when the quotient needs > 256 bits.
DivMod256 divmod_wide(const U512& numerator, const U256& denominator, bool& overflow) noexcept;

inline U256 operator/(const U256& a, const U256& b) noexcept { return divmod(a, b).quotient; }
inline U256 operator%(const U256& a, const U256& b) noexcept { return divmod(a, b).remainder; }

constexpr U256& operator+=(U256& a, const U256& b) noexcept { return a = a + b; }
constexpr U256& operator-=(U256& a, const U256& b) noexcept { return a = a - b; }

// Least significant set bit index (BitMath.leastSignificantBit); requires x != 0.
constexpr unsigned least_significant_bit(const U256& x) noexcept {
    for (unsigned i = 0; i < 4; ++i)
        if (x.limb[i] != 0) return i * 64u + static_cast<unsigned>(__builtin_ctzll(x.limb[i]));
    return 256;
}
// Most significant set bit index (BitMath.mostSignificantBit); requires x != 0.
constexpr unsigned most_significant_bit(const U256& x) noexcept { return x.bit_length() - 1; }

// Floor square root (Babylonian.sqrt of @uniswap/lib, v2 Math.sqrt give the same floor value).
U256 isqrt(const U256& x) noexcept;

// ---- signed 256-bit, two's complement over U256 ----
struct I256 {
    U256 bits;

    constexpr I256() noexcept = default;
    constexpr I256(std::int64_t v) noexcept : bits(U256::from_int64(v)) {}  // NOLINT
    static constexpr I256 from_bits(const U256& b) noexcept {
        I256 r;
        r.bits = b;
        return r;
    }
    static constexpr I256 max() noexcept {
        return from_bits({~std::uint64_t{0}, ~std::uint64_t{0}, ~std::uint64_t{0}, ~std::uint64_t{0} >> 1});
    }
    static constexpr I256 min() noexcept { return from_bits(U256::pow2(255)); }

    [[nodiscard]] constexpr bool negative() const noexcept { return (bits.limb[3] >> 63) != 0; }
    [[nodiscard]] constexpr bool is_zero() const noexcept { return bits.is_zero(); }
    // |x| as unsigned (min() maps to 2^255, as uint256(-x) does in Solidity 0.7).
    [[nodiscard]] constexpr U256 magnitude() const noexcept { return negative() ? -bits : bits; }

    friend constexpr bool operator==(const I256&, const I256&) noexcept = default;
    friend constexpr std::strong_ordering operator<=>(const I256& a, const I256& b) noexcept {
        if (a.negative() != b.negative())
            return a.negative() ? std::strong_ordering::less : std::strong_ordering::greater;
        return a.bits <=> b.bits;
    }

    // Decimal with optional leading '-'; rejects values outside [-2^255, 2^255).
    static std::optional<I256> from_decimal(std::string_view text) noexcept;
    [[nodiscard]] std::string to_decimal() const;
};

constexpr I256 operator-(const I256& a) noexcept { return I256::from_bits(-a.bits); }
constexpr I256 operator+(const I256& a, const I256& b) noexcept { return I256::from_bits(a.bits + b.bits); }
constexpr I256 operator-(const I256& a, const I256& b) noexcept { return I256::from_bits(a.bits - b.bits); }
constexpr I256 operator*(const I256& a, const I256& b) noexcept { return I256::from_bits(a.bits * b.bits); }
// Arithmetic shift right (EVM sar).
constexpr I256 sar(const I256& a, unsigned s) noexcept {
    if (!a.negative()) return I256::from_bits(a.bits >> s);
    if (s >= 256) return I256{-1};
    return I256::from_bits(~((~a.bits) >> s));
}
// SignedSafeMath: true on overflow.
constexpr bool add_overflow(const I256& a, const I256& b, I256& out) noexcept {
    out = a + b;
    return (a.negative() == b.negative()) && (out.negative() != a.negative());
}
constexpr bool sub_overflow(const I256& a, const I256& b, I256& out) noexcept {
    out = a - b;
    return (a.negative() != b.negative()) && (out.negative() != a.negative());
}
// SafeCast.toInt256: a uint256 below 2^255.
constexpr bool to_int256(const U256& v, I256& out) noexcept {
    out = I256::from_bits(v);
    return !out.negative();  // true == success
}

namespace detail {
// Prepared divisors for the division kernels (amm/src/exact/wide_div.hpp, internal): the divisor
// shifted so its top bit is set, with its Moller-Granlund reciprocal (one hardware divide to
// build, then every quotient digit is multiplications). Public only so the v3 pool can keep them
// from swap to swap (the liquidity, sqrt prices, SwapMath's fee denominators).
struct Divisor128 {  ///< a divisor in [2^64, 2^128); value 0: none prepared
    u128 value = 0;
    int shift = 0;
    u128 normalized = 0;
    std::uint64_t reciprocal = 0;  ///< 3-by-2 reciprocal of `normalized`
};
struct Divisor64 {  ///< a non-zero 64-bit divisor
    std::uint64_t value = 0;
    std::uint64_t normalized = 0;
    std::uint64_t reciprocal = 0;  ///< 2-by-1 reciprocal of `normalized`
    int shift = 0;
};
}  // namespace detail

}  // namespace pftoken::amm
