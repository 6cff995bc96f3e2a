// Aave v3 MathUtils (see the header for the sources and commits).
#include "pftoken/amm/aave/math_utils.hpp"

#include "checked.hpp"

namespace pftoken::amm::aave {

namespace {

constexpr U256 kYear{kSecondsPerYear};
constexpr U256 kYearSquared{kSecondsPerYear * kSecondsPerYear};  // 9.9e14, fits 64 bits

using detail::checked_add;
using detail::checked_mul;

// v3.0-v3.3: the binomial expansion with per-second powers truncated to integers.
Result<U256> compounded_binomial(const U256& rate, const U256& exp) noexcept {
    const U256 one{1u}, two{2u};
    const U256 exp_minus_one = exp - one;  // unchecked in Solidity; exp > 0 here
    const U256 exp_minus_two = exp > two ? exp - two : U256{};
    const Result<U256> rate_squared = ray_mul(rate, rate);
    if (!rate_squared) return rate_squared.error;
    const U256 base_power_two = rate_squared.value / kYearSquared;
    const Result<U256> b2_rate = ray_mul(base_power_two, rate);
    if (!b2_rate) return b2_rate.error;
    const U256 base_power_three = b2_rate.value / kYear;

    Result<U256> second = checked_mul(exp, exp_minus_one);
    if (second) second = checked_mul(second.value, base_power_two);
    if (!second) return second.error;
    const U256 second_term = second.value / two;

    Result<U256> third = checked_mul(exp, exp_minus_one);
    if (third) third = checked_mul(third.value, exp_minus_two);
    if (third) third = checked_mul(third.value, base_power_three);
    if (!third) return third.error;
    const U256 third_term = third.value / U256{6u};

    Result<U256> first = checked_mul(rate, exp);
    if (!first) return first.error;
    Result<U256> sum = checked_add(RAY, first.value / kYear);
    if (sum) sum = checked_add(sum.value, second_term);
    if (sum) sum = checked_add(sum.value, third_term);
    return sum;
}

// v3.4+: the Taylor polynomial in x = rate*dt/year, inside `unchecked` (wrapping) except rayMul.
Result<U256> compounded_taylor(const U256& rate, const U256& exp) noexcept {
    const U256 x = (rate * exp) / kYear;
    const Result<U256> cubic = ray_mul(x, x / U256{6u});
    if (!cubic) return cubic.error;
    const Result<U256> quadratic = ray_mul(x, (x >> 1) + cubic.value);
    if (!quadratic) return quadratic.error;
    return RAY + x + quadratic.value;
}

}  // namespace

Result<U256> calculate_linear_interest(const U256& rate, std::uint64_t last_update_timestamp,
                                       std::uint64_t current_timestamp) noexcept {
    if (current_timestamp < last_update_timestamp) return Revert::Underflow;
    const Result<U256> product = checked_mul(rate, U256{current_timestamp - last_update_timestamp});
    if (!product) return product.error;
    return checked_add(RAY, product.value / kYear);
}

Result<U256> calculate_compounded_interest(const U256& rate, std::uint64_t last_update_timestamp,
                                           std::uint64_t current_timestamp,
                                           Version version) noexcept {
    if (current_timestamp < last_update_timestamp) return Revert::Underflow;
    const U256 exp{current_timestamp - last_update_timestamp};
    if (exp.is_zero()) return RAY;
    return version == Version::V3_0 ? compounded_binomial(rate, exp) : compounded_taylor(rate, exp);
}

}  // namespace pftoken::amm::aave
