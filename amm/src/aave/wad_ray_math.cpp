// Aave v3 WadRayMath / PercentageMath (sources in the header).
#include "pftoken/amm/aave/wad_ray_math.hpp"

#include "../exact/wide_div.hpp"

namespace pftoken::amm::aave {

namespace {

// RAY >= 2^64: its normalized form and 3-by-2 reciprocal are prepared once (a function-local
// static: safe from static-initialisation order), so every rayMul's division is multiply-based
// quotient digits without a hardware divide for the reciprocal.
const detail::Divisor128& ray_divisor() noexcept {
    static const detail::Divisor128 divisor = detail::make_divisor128(RAY.low128());
    return divisor;
}

struct Quotient {
    U256 value;
    bool exact;
};

Quotient divide(const U256& n, const U256& d) noexcept {
    u128 remainder = 0;
    if (d == RAY) {
        const U256 q = detail::div_by_divisor128(n, ray_divisor(), remainder);
        return {q, remainder == 0};
    }
    if (d.fits128()) {
        const U256 q = detail::div_by_u128(n, d.low128(), remainder);
        return {q, remainder == 0};
    }
    const DivMod256 qr = divmod(n, d);
    return {qr.quotient, qr.remainder.is_zero()};
}

// (a*b [+ d/2]) / d, rounded per `rounding`; Overflow when a*b [+ d/2] needs more than 256 bits
// (the product form of Solidity's `a > (max - d/2) / b` and `a > max / b`). d != 0.
Result<U256> mul_then_div(const U256& a, const U256& b, const U256& d, Rounding rounding) noexcept {
    const U512 p = mul_wide(a, b);
    if (!p.high().is_zero()) return Revert::Overflow;
    U256 n = p.low();
    if (rounding == Rounding::HalfUp) {
        const U256 half = d >> 1;
        if (n > U256::max() - half) return Revert::Overflow;
        n += half;
    }
    const Quotient q = divide(n, d);
    if (rounding == Rounding::Ceil && !q.exact) return q.value + U256{1u};  // q <= max / d: no wrap
    return q.value;
}

}  // namespace

Result<U256> ray_mul(const U256& a, const U256& b, Rounding rounding) noexcept {
    return mul_then_div(a, b, RAY, rounding);
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
    return mul_then_div(a, b, WAD, Rounding::HalfUp);
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
    return mul_then_div(value, percentage, PERCENTAGE_FACTOR, Rounding::HalfUp);
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
