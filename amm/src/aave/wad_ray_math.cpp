// Aave v3 WadRayMath / PercentageMath (sources in the header).
#include "pftoken/amm/aave/wad_ray_math.hpp"

#include "../exact/wide_div.hpp"

namespace pftoken::amm::aave {

namespace {

struct Quotient {
    U256 value;
    bool exact;
};

// n / RAY with RAY = 2^27 * 5^27: a shift, then a 256-by-64-bit division by 5^27 (< 2^63) with
// its 2-by-1 reciprocal computed at compile time (Moller-Granlund, amm/src/exact/wide_div.hpp):
// four multiply-based digits and no hardware divide. floor(floor(n / 2^27) / 5^27) = floor(n /
// RAY).
constexpr std::uint64_t kFivePow27 = 7'450'580'596'923'828'125ull;
constexpr unsigned kFiveShift = 1;  // 2^62 < 5^27 < 2^63: one bit normalizes it
constexpr std::uint64_t kFiveNormalized = kFivePow27 << kFiveShift;
constexpr std::uint64_t kFiveReciprocal = static_cast<std::uint64_t>(
    ~u128{0} / kFiveNormalized - (u128{1} << 64));  // floor((2^128-1)/d) - 2^64

Quotient divide_by_ray(const U256& n) noexcept {
    const bool low_bits = (n.limb[0] & ((std::uint64_t{1} << 27) - 1)) != 0;
    const U256 m = n >> 27;
    std::uint64_t rem = m.limb[3] >> (64 - kFiveShift);
    U256 q;
    for (int j = 3; j >= 0; --j) {
        const auto k = static_cast<std::size_t>(j);
        const std::uint64_t limb =
            (m.limb[k] << kFiveShift) | (j > 0 ? m.limb[k - 1] >> (64 - kFiveShift) : 0);
        q.limb[k] = detail::div_2by1_preinv(rem, limb, kFiveNormalized, kFiveReciprocal, rem);
    }
    return {q, !low_bits && rem == 0};
}

Quotient divide(const U256& n, const U256& d) noexcept {
    if (d.fits128()) {
        u128 remainder = 0;
        const U256 q = detail::div_by_u128(n, d.low128(), remainder);
        return {q, remainder == 0};
    }
    const DivMod256 qr = divmod(n, d);
    return {qr.quotient, qr.remainder.is_zero()};
}

// (a*b [+ half]) / d, rounded per `rounding`; Overflow when a*b [+ half] needs more than 256
// bits (the product form of Solidity's `a > (max - half) / b` and `a > max / b`).
template <class Divide>
Result<U256> mul_then_div(const U256& a, const U256& b, const U256& half, Rounding rounding,
                          Divide&& divide_by) noexcept {
    U256 n;
    if (a.fits128() && b.fits128()) {  // indexes, rates and amounts: one 2x2-limb product
        n = mul_128x128(a.low128(), b.low128());
    } else {
        const U512 p = mul_wide(a, b);
        if (!p.high().is_zero()) return Revert::Overflow;
        n = p.low();
    }
    if (rounding == Rounding::HalfUp) {
        if (n > U256::max() - half) return Revert::Overflow;
        n += half;
    }
    const Quotient q = divide_by(n);
    if (rounding == Rounding::Ceil && !q.exact) return q.value + U256{1u};  // q <= max / d: no wrap
    return q.value;
}

}  // namespace

Result<U256> ray_mul(const U256& a, const U256& b, Rounding rounding) noexcept {
    return mul_then_div(a, b, HALF_RAY, rounding, divide_by_ray);
}

Result<U256> ray_div(const U256& a, const U256& b, Rounding rounding) noexcept {
    if (b.is_zero()) return Revert::DivisionByZero;
    const U512 p = mul_wide(a, RAY);
    if (!p.high().is_zero()) return Revert::Overflow;
    U256 n = p.low();
    if (rounding == Rounding::HalfUp) {
        const U256 half = b >> 1;
        if (n > U256::max() - half) return Revert::Overflow;
        n += half;
    }
    const Quotient q = divide(n, b);
    if (rounding == Rounding::Ceil && !q.exact) return q.value + U256{1u};
    return q.value;
}

Result<U256> wad_mul(const U256& a, const U256& b) noexcept {
    return mul_then_div(a, b, HALF_WAD, Rounding::HalfUp,
                        [](const U256& n) { return divide(n, WAD); });
}

Result<U256> wad_div(const U256& a, const U256& b) noexcept {
    if (b.is_zero()) return Revert::DivisionByZero;
    const U512 p = mul_wide(a, WAD);
    if (!p.high().is_zero()) return Revert::Overflow;
    const U256 half = b >> 1;
    if (p.low() > U256::max() - half) return Revert::Overflow;
    return divide(p.low() + half, b).value;
}

U256 ray_to_wad(const U256& a) noexcept {
    const DivMod256 qr = divmod(a, WAD_RAY_RATIO);
    return qr.remainder >= U256{std::uint64_t{500'000'000}} ? qr.quotient + U256{1u} : qr.quotient;
}

Result<U256> wad_to_ray(const U256& a) noexcept {
    U256 out;
    if (mul_overflow(a, WAD_RAY_RATIO, out)) return Revert::Overflow;
    return out;
}

Result<U256> percent_mul(const U256& value, const U256& percentage) noexcept {
    return mul_then_div(value, percentage, HALF_PERCENTAGE_FACTOR, Rounding::HalfUp,
                        [](const U256& n) { return divide(n, PERCENTAGE_FACTOR); });
}

Result<U256> percent_div(const U256& value, const U256& percentage) noexcept {
    if (percentage.is_zero()) return Revert::DivisionByZero;
    const U512 p = mul_wide(value, PERCENTAGE_FACTOR);
    if (!p.high().is_zero()) return Revert::Overflow;
    const U256 half = percentage >> 1;
    if (p.low() > U256::max() - half) return Revert::Overflow;
    return divide(p.low() + half, percentage).value;
}

}  // namespace pftoken::amm::aave
