// Aave v3 protocol math (amm/aave): issue values, closed forms, properties and a Boost port of the
// Solidity (aave-v3-core WadRayMath.sol @ 09ed87d, MathUtils.sol @ 00c2e66, ReserveLogic.sol @
// 2bafef0; aave-v3-origin WadRayMath.sol / TokenMath.sol / ReserveLogic.sol @ 070cd23,
// MathUtils.sol @ 13fc64a).
#include <array>
#include <cmath>
#include <random>
#include <string>

#include <boost/multiprecision/cpp_int.hpp>
#include <gtest/gtest.h>

#include "pftoken/amm/aave/health.hpp"
#include "pftoken/amm/aave/math_utils.hpp"
#include "pftoken/amm/aave/reserve.hpp"
#include "pftoken/amm/aave/wad_ray_math.hpp"
#include "pftoken/error.hpp"
#include "support/gtest_extra.hpp"

namespace {

using boost::multiprecision::cpp_int;
using pftoken::amm::Result;
using pftoken::amm::Revert;
using pftoken::amm::U256;
namespace aave = pftoken::amm::aave;
using aave::RAY;
using aave::Rounding;
using aave::Version;

U256 dec(const char* text) { return *U256::from_decimal(text); }
U256 ray_fraction(std::uint64_t numerator, std::uint64_t denominator) {  // exact when it divides
    return aave::RAY * U256{numerator} / U256{denominator};
}
long double to_ld(const U256& x) { return static_cast<long double>(x.to_double()); }
// 1 + (x - RAY)/RAY without losing the small part in a double.
long double ray_to_real(const U256& x) {
    const U256 excess = x - RAY;
    return 1.0L + static_cast<long double>(excess.to_double()) / 1e27L;
}

constexpr std::uint64_t kHour = 3600;
constexpr std::uint64_t kYear = aave::kSecondsPerYear;

// ---------------------------------------------------------------- issue 18's values

// Index 1.05e27 + 1, supply of 1,000,000 base units (issue 18): 1e33 / (1.05e27 + 1) = 952380.95...
TEST(AaveMath, ScaledSupplyAtIndexRoundsPerMode) {
    const U256 index = dec("1050000000000000000000000001");
    const U256 amount{1'000'000u};
    EXPECT_EQ(aave::ray_div(amount, index).value, U256{952381u});  // half up (v3.0-v3.4)
    EXPECT_EQ(aave::ray_div(amount, index, Rounding::Floor).value,
              U256{952380u});  // v3.5 aToken mint
    EXPECT_EQ(aave::ray_div(amount, index, Rounding::Ceil).value,
              U256{952381u});  // v3.5 aToken burn
    EXPECT_EQ(aave::atoken_mint_scaled(amount, index, Version::V3_0).value, U256{952381u});
    EXPECT_EQ(aave::atoken_mint_scaled(amount, index, Version::V3_5).value, U256{952380u});
    EXPECT_EQ(aave::atoken_burn_scaled(amount, index, Version::V3_5).value, U256{952381u});
    EXPECT_EQ(aave::debt_mint_scaled(amount, index, Version::V3_5).value, U256{952381u});
    EXPECT_EQ(aave::debt_burn_scaled(amount, index, Version::V3_5).value, U256{952380u});
    // v3.5 balance floor(952380 * index / RAY) = floor(999999.000...952380) = 999999: the supplier
    // is one unit short, in the protocol's favour; the debt side rounds up to 1,000,000.
    EXPECT_EQ(aave::atoken_balance(U256{952380u}, index, Version::V3_5).value, U256{999999u});
    EXPECT_EQ(aave::debt_balance(U256{952380u}, index, Version::V3_5).value, U256{1'000'000u});
    // Half up before v3.5: 952381 * 1.05 = 1000000.05 -> 1000000.
    EXPECT_EQ(aave::atoken_balance(U256{952381u}, index, Version::V3_0).value, U256{1'000'000u});
}

TEST(AaveMath, RayMulRoundsHalfUp) {
    EXPECT_EQ(aave::ray_mul(U256{1u}, aave::HALF_RAY).value, U256{1u});
    EXPECT_EQ(aave::ray_mul(U256{1u}, aave::HALF_RAY - U256{1u}).value, U256{});
    EXPECT_EQ(aave::ray_mul(U256{1u}, aave::HALF_RAY, Rounding::Floor).value, U256{});
    EXPECT_EQ(aave::ray_mul(U256{1u}, U256{1u}, Rounding::Ceil).value, U256{1u});
    EXPECT_EQ(aave::wad_mul(U256{1u}, aave::HALF_WAD).value, U256{1u});
    EXPECT_EQ(aave::wad_mul(U256{1u}, aave::HALF_WAD - U256{1u}).value, U256{});
    EXPECT_EQ(aave::ray_to_wad(U256{1'500'000'000u}), U256{2u});  // 1.5 wei of wad rounds up
    EXPECT_EQ(aave::ray_to_wad(U256{1'499'999'999u}), U256{1u});
    EXPECT_EQ(aave::wad_to_ray(U256{7u}).value, U256{7'000'000'000u});
}

// 5% APR for one hour. Closed form: rate*dt/year = 0.05 * 3600 / 31,536,000 = 1/175,200, so the
// linear factor is RAY + floor(1e27/175200) = 1.000005707762557077625570776
// (issue: 1.000005707763). Three-term binomial (v3.0-v3.3): + n(n-1)/2 * b2 with b2 = floor(2.5e24
// / 31536000^2) = 2513777269
// -> 1.000005707778841852838170176 (issue: 1.000005707779).
TEST(AaveMath, OneHourAtFivePercent) {
    const U256 rate = ray_fraction(5, 100);
    const Result<U256> linear = aave::calculate_linear_interest(rate, 0, kHour);
    ASSERT_TRUE(linear.ok());
    EXPECT_EQ(linear.value, RAY + RAY / U256{175'200u});
    EXPECT_EQ(linear.value, dec("1000005707762557077625570776"));
    EXPECT_NEAR(static_cast<double>(ray_to_real(linear.value)), 1.000005707763, 5e-13);

    const Result<U256> binomial =
        aave::calculate_compounded_interest(rate, 0, kHour, Version::V3_0);
    ASSERT_TRUE(binomial.ok());
    const U256 b2 = dec("2500000000000000000000000") / U256{kYear * kYear};
    EXPECT_EQ(b2, U256{2'513'777'269u});
    const U256 b3 =
        aave::ray_mul(b2, rate).value / U256{kYear};  // floor(2513777269 * 0.05 / Y) = 3
    EXPECT_EQ(b3, U256{3u});
    EXPECT_EQ(binomial.value, RAY + RAY / U256{175'200u} +
                                  U256{kHour * (kHour - 1)} * b2 / U256{2u} +
                                  U256{kHour * (kHour - 1) * (kHour - 2)} * b3 / U256{6u});
    EXPECT_EQ(binomial.value, dec("1000005707778841852838170176"));
    EXPECT_NEAR(static_cast<double>(ray_to_real(binomial.value)), 1.000005707779, 5e-13);

    // Taylor form (v3.4+): 1 + x + x^2/2 + x^3/6 with x = 1/175200; x^3/6 ~ 1e-16 is below 1e-12.
    const Result<U256> taylor =
        aave::calculate_compounded_interest(rate, 100, 100 + kHour, Version::V3_4);
    ASSERT_TRUE(taylor.ok());
    const long double x = 1.0L / 175200.0L;
    EXPECT_NEAR(static_cast<double>(to_ld(taylor.value - RAY) / 1e27L),
                static_cast<double>(x + x * x / 2 + x * x * x / 6), 1e-20);
    EXPECT_EQ(aave::calculate_compounded_interest(rate, 5, 5, Version::V3_0).value, RAY);
    EXPECT_EQ(aave::calculate_compounded_interest(rate, 6, 5, Version::V3_4).error,
              Revert::Underflow);
}

// One year at 5%. v3.4+ gives 1 + r + r^2/2 + r^3/6 = 1.0512708333... exactly (x = r). v3.0-v3.3
// evaluates the same series with per-second powers truncated to integers: b2 = floor(rho2) and
// b3 = floor(rho3) where rho2 = r^2/Y^2 and rho3 = r^3/Y^3 in ray units (rho3 = 3.9856 -> 3):
//   diff = r^2/2 + r^3/6 - n(n-1)/2 * b2/RAY - n(n-1)(n-2)/6 * b3/RAY,   n = Y.
// ~5.15e-6, dominated by the truncation of b3 (the Taylor remainder e^r - (1+r+r^2/2+r^3/6) =
// r^4/24 + ... = 2.6e-7 is shared by both versions and is not the difference).
TEST(AaveMath, OneYearCompoundingVersionsDifferByPerSecondTruncation) {
    const U256 rate = ray_fraction(5, 100);
    const Result<U256> v30 = aave::calculate_compounded_interest(rate, 0, kYear, Version::V3_0);
    const Result<U256> v34 = aave::calculate_compounded_interest(rate, 0, kYear, Version::V3_4);
    ASSERT_TRUE(v30.ok() && v34.ok());
    EXPECT_EQ(v34.value,
              dec("1051270833333333333333333333"));  // 1 + 0.05 + 0.00125 + 0.0000208333...

    const long double r = 0.05L, n = static_cast<long double>(kYear);
    const long double rho2 = r * r / (n * n) * 1e27L, rho3 = r * r * r / (n * n * n) * 1e27L;
    const long double closed = r * r / 2 + r * r * r / 6 -
                               n * (n - 1) / 2 * std::floor(rho2) / 1e27L -
                               n * (n - 1) * (n - 2) / 6 * std::floor(rho3) / 1e27L;
    const long double computed = to_ld(v34.value - v30.value) / 1e27L;
    EXPECT_NEAR(static_cast<double>(computed), static_cast<double>(closed), 1e-15);
    EXPECT_NEAR(static_cast<double>(computed), 5.15e-6, 0.01e-6);
    EXPECT_EQ(std::floor(rho3), 3.0L);
    // Both stay below the continuous e^r: the Taylor remainder r^4/24 + r^5/120 + ... .
    const long double taylor_gap = std::exp(r) - ray_to_real(v34.value);
    EXPECT_NEAR(static_cast<double>(taylor_gap),
                static_cast<double>(r * r * r * r / 24 + std::pow(r, 5) / 120), 1e-10);
}

// ---------------------------------------------------------------- reverts at the documented bounds

TEST(AaveMath, OverflowRevertsAtSolidityBounds) {
    const U256 max = U256::max();
    for (const U256 b : {U256{1u}, U256{3u}, RAY, RAY + U256{12345u},
                         dec("340282366920938463463374607431768211455")}) {
        // rayMul: reverts iff a > (max - HALF_RAY) / b.
        const U256 a_ok = (max - aave::HALF_RAY) / b;
        EXPECT_TRUE(aave::ray_mul(a_ok, b).ok());
        EXPECT_EQ(aave::ray_mul(a_ok + U256{1u}, b).error, Revert::Overflow);
        // rayMulFloor/Ceil (v3.5): a > max / b.
        EXPECT_TRUE(aave::ray_mul(max / b, b, Rounding::Ceil).ok());
        if (b != U256{1u}) {  // max / 1 + 1 wraps to 0
            EXPECT_EQ(aave::ray_mul(max / b + U256{1u}, b, Rounding::Floor).error,
                      Revert::Overflow);
        }
        // rayDiv: a > (max - b/2) / RAY.
        const U256 d_ok = (max - (b >> 1)) / RAY;
        EXPECT_TRUE(aave::ray_div(d_ok, b).ok());
        EXPECT_EQ(aave::ray_div(d_ok + U256{1u}, b).error, Revert::Overflow);
        // wadMul / wadDiv.
        EXPECT_TRUE(aave::wad_mul((max - aave::HALF_WAD) / b, b).ok());
        EXPECT_EQ(aave::wad_mul((max - aave::HALF_WAD) / b + U256{1u}, b).error, Revert::Overflow);
        EXPECT_TRUE(aave::wad_div((max - (b >> 1)) / aave::WAD, b).ok());
        EXPECT_EQ(aave::wad_div((max - (b >> 1)) / aave::WAD + U256{1u}, b).error,
                  Revert::Overflow);
    }
    // rayDivFloor/Ceil: a > max / RAY.
    EXPECT_TRUE(aave::ray_div(max / RAY, U256{7u}, Rounding::Floor).ok());
    EXPECT_EQ(aave::ray_div(max / RAY + U256{1u}, U256{7u}, Rounding::Ceil).error,
              Revert::Overflow);
    EXPECT_EQ(aave::ray_div(U256{1u}, U256{}).error, Revert::DivisionByZero);
    EXPECT_EQ(aave::wad_div(U256{1u}, U256{}).error, Revert::DivisionByZero);
    EXPECT_EQ(aave::ray_mul(max, U256{}).value, U256{});  // b == 0 never reverts
    EXPECT_TRUE(aave::wad_to_ray(max / aave::WAD_RAY_RATIO).ok());
    EXPECT_EQ(aave::wad_to_ray(max / aave::WAD_RAY_RATIO + U256{1u}).error, Revert::Overflow);
    // rayToWad never reverts (the v3.0 assembly form): max % 1e9 = 129639935 < 5e8 rounds down.
    EXPECT_EQ(aave::ray_to_wad(max), max / aave::WAD_RAY_RATIO);
}

// ---------------------------------------------------------------- properties

U256 random_bits(std::mt19937_64& rng, unsigned bits) {
    U256 x{rng(), rng(), rng(), rng()};
    return x & U256::low_mask(bits);
}

TEST(AaveMath, RoundTripAndRoundingOrderProperties) {
    std::mt19937_64 rng(18'2026'12'07);
    for (int i = 0; i < 10'000; ++i) {
        const U256 amount = random_bits(rng, 1 + static_cast<unsigned>(rng() % 120));
        // Indexes in [RAY, 2^100) (an index of 1 to ~1.27e3).
        const U256 index = RAY + random_bits(rng, 1 + static_cast<unsigned>(rng() % 99));
        SCOPED_TRACE(amount.to_decimal() + " / " + index.to_decimal());
        const U256 scaled = aave::ray_div(amount, index).value;
        const U256 back = aave::ray_mul(scaled, index).value;
        // |rayMul(rayDiv(a, i), i) - a| <= 1 for i >= RAY: the two half-unit errors are scaled by
        // i/RAY and 1 respectively; with i/RAY up to 1.3e3 the bound is i/(2 RAY) + 1/2.
        const U256 diff = back > amount ? back - amount : amount - back;
        const U256 bound = index / (RAY + RAY) + U256{1u};
        ASSERT_LE(diff, bound);
        if (index < RAY + RAY) {
            ASSERT_LE(diff, U256{1u});
        }

        const U256 f = aave::ray_div(amount, index, Rounding::Floor).value;
        const U256 c = aave::ray_div(amount, index, Rounding::Ceil).value;
        ASSERT_LE(f, scaled);
        ASSERT_LE(scaled, c);
        ASSERT_LE(c - f, U256{1u});
        const U256 mf = aave::ray_mul(amount, index, Rounding::Floor).value;
        const U256 mc = aave::ray_mul(amount, index, Rounding::Ceil).value;
        const U256 mh = aave::ray_mul(amount, index).value;
        ASSERT_LE(mf, mh);
        ASSERT_LE(mh, mc);
        // v3.5: a supply then its full balance never gives the supplier more than they put in, and
        // a borrow's debt is never below the amount borrowed.
        ASSERT_LE(aave::atoken_balance(f, index, Version::V3_5).value, amount);
        ASSERT_GE(aave::debt_balance(c, index, Version::V3_5).value, amount);
    }
}

// ---------------------------------------------------------------- Boost port of the Solidity

const cpp_int kMax = (cpp_int(1) << 256) - 1;
const cpp_int kRay("1000000000000000000000000000");
const cpp_int kWad("1000000000000000000");
const cpp_int kYearB(kYear);

cpp_int to_boost(const U256& x) {
    cpp_int r = 0;
    for (int i = 3; i >= 0; --i) r = (r << 64) | cpp_int(x.limb[static_cast<std::size_t>(i)]);
    return r;
}

// A port result: value, or -1 for a revert.
struct Port {
    cpp_int value;
    bool reverted = false;
};
const Port kRevert{0, true};

// The assembly guards exactly as written in Solidity (division-based).
Port sol_ray_mul(const cpp_int& a, const cpp_int& b) {
    if (b != 0 && a > (kMax - kRay / 2) / b) return kRevert;
    return {(a * b + kRay / 2) / kRay};
}
Port sol_ray_mul_floor(const cpp_int& a, const cpp_int& b) {
    if (b != 0 && a > kMax / b) return kRevert;
    return {a * b / kRay};
}
Port sol_ray_mul_ceil(const cpp_int& a, const cpp_int& b) {
    if (b != 0 && a > kMax / b) return kRevert;
    const cpp_int p = a * b;
    return {p / kRay + (p % kRay != 0 ? 1 : 0)};
}
Port sol_ray_div(const cpp_int& a, const cpp_int& b) {
    if (b == 0 || a > (kMax - b / 2) / kRay) return kRevert;
    return {(a * kRay + b / 2) / b};
}
Port sol_ray_div_floor(const cpp_int& a, const cpp_int& b) {
    if (b == 0 || a > kMax / kRay) return kRevert;
    return {a * kRay / b};
}
Port sol_ray_div_ceil(const cpp_int& a, const cpp_int& b) {
    if (b == 0 || a > kMax / kRay) return kRevert;
    const cpp_int p = a * kRay;
    return {p / b + (p % b != 0 ? 1 : 0)};
}
Port sol_wad_mul(const cpp_int& a, const cpp_int& b) {
    if (b != 0 && a > (kMax - kWad / 2) / b) return kRevert;
    return {(a * b + kWad / 2) / kWad};
}
Port sol_wad_div(const cpp_int& a, const cpp_int& b) {
    if (b == 0 || a > (kMax - b / 2) / kWad) return kRevert;
    return {(a * kWad + b / 2) / b};
}
Port sol_percent_mul(const cpp_int& v, const cpp_int& p) {
    if (p != 0 && v > (kMax - 5000) / p) return kRevert;
    return {(v * p + 5000) / 10000};
}
// Checked (Solidity 0.8) and unchecked helpers.
bool over(const cpp_int& x) { return x > kMax; }
cpp_int wrap(const cpp_int& x) { return x & kMax; }

// MathUtils.sol @ 00c2e66 (v3.0-v3.3), literally.
Port sol_compounded_v30(const cpp_int& rate, const cpp_int& exp) {
    if (exp == 0) return {kRay};
    const cpp_int exp_minus_one = exp - 1;
    const cpp_int exp_minus_two = exp > 2 ? exp - 2 : cpp_int(0);
    const Port rr = sol_ray_mul(rate, rate);
    if (rr.reverted) return kRevert;
    const cpp_int base_power_two = rr.value / (kYearB * kYearB);
    const Port br = sol_ray_mul(base_power_two, rate);
    if (br.reverted) return kRevert;
    const cpp_int base_power_three = br.value / kYearB;
    cpp_int second = exp * exp_minus_one;
    if (over(second)) return kRevert;
    second *= base_power_two;
    if (over(second)) return kRevert;
    second /= 2;
    cpp_int third = exp * exp_minus_one;
    if (over(third)) return kRevert;
    third *= exp_minus_two;
    if (over(third)) return kRevert;
    third *= base_power_three;
    if (over(third)) return kRevert;
    third /= 6;
    const cpp_int first = rate * exp;
    if (over(first)) return kRevert;
    cpp_int sum = kRay + first / kYearB;
    if (over(sum)) return kRevert;
    sum += second;
    if (over(sum)) return kRevert;
    sum += third;
    if (over(sum)) return kRevert;
    return {sum};
}
// MathUtils.sol @ 13fc64a (v3.4+), inside `unchecked`.
Port sol_compounded_v34(const cpp_int& rate, const cpp_int& exp) {
    if (exp == 0) return {kRay};
    const cpp_int x = wrap(rate * exp) / kYearB;
    const Port inner = sol_ray_mul(x, x / 6);
    if (inner.reverted) return kRevert;
    const Port outer = sol_ray_mul(x, wrap(x / 2 + inner.value));
    if (outer.reverted) return kRevert;
    return {wrap(kRay + x + outer.value)};
}
Port sol_linear(const cpp_int& rate, const cpp_int& dt) {
    const cpp_int p = rate * dt;
    if (over(p)) return kRevert;
    const cpp_int s = kRay + p / kYearB;
    if (over(s)) return kRevert;
    return {s};
}

::testing::AssertionResult same(const Result<U256>& ours, const Port& port) {
    if (port.reverted) {
        if (!ours.ok()) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure() << "port reverts, ours " << ours.value.to_decimal();
    }
    if (!ours.ok())
        return ::testing::AssertionFailure()
               << "ours reverts (" << ours.code() << "), port " << port.value;
    if (to_boost(ours.value) != port.value)
        return ::testing::AssertionFailure()
               << "ours " << ours.value.to_decimal() << ", port " << port.value;
    return ::testing::AssertionSuccess();
}

// Operands drawn near the interesting scales (amounts, indexes, rays) and the overflow edges.
U256 random_operand(std::mt19937_64& rng) {
    switch (rng() % 6) {
        case 0:
            return random_bits(rng, static_cast<unsigned>(rng() % 257));
        case 1:
            return RAY + random_bits(rng, static_cast<unsigned>(rng() % 100));  // an index
        case 2:
            return random_bits(rng, 1 + static_cast<unsigned>(rng() % 128));  // an amount
        case 3:
            return U256::max() -
                   random_bits(rng, static_cast<unsigned>(rng() % 200));  // near 2^256
        case 4:
            return (U256::max() - aave::HALF_RAY) / (RAY + random_bits(rng, 64)) +
                   U256{rng() % 3};  // rayMul edge
        default:
            return (U256::max() >> (rng() % 256)) + U256{rng() % 2};
    }
}

TEST(AaveMath, WadRayMathMatchesSolidityPortOnRandomInputs) {
    std::mt19937_64 rng(20261207);
    int reverted = 0;
    for (int i = 0; i < 10'000; ++i) {
        const U256 a = random_operand(rng), b = random_operand(rng);
        reverted += aave::ray_mul(a, b).ok() ? 0 : 1;
        const cpp_int A = to_boost(a), B = to_boost(b);
        SCOPED_TRACE(A.str() + " , " + B.str());
        ASSERT_TRUE(same(aave::ray_mul(a, b), sol_ray_mul(A, B)));
        ASSERT_TRUE(same(aave::ray_mul(a, b, Rounding::Floor), sol_ray_mul_floor(A, B)));
        ASSERT_TRUE(same(aave::ray_mul(a, b, Rounding::Ceil), sol_ray_mul_ceil(A, B)));
        ASSERT_TRUE(same(aave::ray_div(a, b), sol_ray_div(A, B)));
        ASSERT_TRUE(same(aave::ray_div(a, b, Rounding::Floor), sol_ray_div_floor(A, B)));
        ASSERT_TRUE(same(aave::ray_div(a, b, Rounding::Ceil), sol_ray_div_ceil(A, B)));
        ASSERT_TRUE(same(aave::wad_mul(a, b), sol_wad_mul(A, B)));
        ASSERT_TRUE(same(aave::wad_div(a, b), sol_wad_div(A, B)));
        const U256 pct{rng() % 20'001};
        ASSERT_TRUE(same(aave::percent_mul(a, pct), sol_percent_mul(A, to_boost(pct))));
        // wadToRay: mul, revert when div(result, 1e9) != a; rayToWad: half up on the 1e9 remainder.
        const cpp_int w = A * 1'000'000'000;
        ASSERT_TRUE(same(aave::wad_to_ray(a), over(w) ? kRevert : Port{w}));
        const cpp_int rw = A / 1'000'000'000 + (A % 1'000'000'000 >= 500'000'000 ? 1 : 0);
        ASSERT_EQ(to_boost(aave::ray_to_wad(a)), rw);
    }
    // Both outcomes are exercised in volume.
    EXPECT_GT(reverted, 1'000);
    EXPECT_LT(reverted, 9'000);
}

TEST(AaveMath, InterestMatchesSolidityPortOnRandomInputs) {
    std::mt19937_64 rng(42'18);
    for (int i = 0; i < 10'000; ++i) {
        // Rates up to ~2^100 (1.2e3 = 126,000% APR) mostly, sometimes anything; dt up to ~100
        // years.
        const U256 rate = rng() % 16 == 0 ? random_operand(rng)
                                          : random_bits(rng, static_cast<unsigned>(rng() % 101));
        const std::uint64_t last = rng() % (std::uint64_t{1} << 34);
        const std::uint64_t dt = rng() % 4 == 0 ? rng() % 100 : rng() % (100 * kYear);
        const cpp_int R = to_boost(rate), E(dt);
        SCOPED_TRACE(R.str() + " dt=" + std::to_string(dt));
        ASSERT_TRUE(same(aave::calculate_linear_interest(rate, last, last + dt), sol_linear(R, E)));
        ASSERT_TRUE(same(aave::calculate_compounded_interest(rate, last, last + dt, Version::V3_0),
                         sol_compounded_v30(R, E)));
        ASSERT_TRUE(same(aave::calculate_compounded_interest(rate, last, last + dt, Version::V3_4),
                         sol_compounded_v34(R, E)));
    }
}

// ReserveLogic.updateState (@ 2bafef0 for v3.0, @ 070cd23 for v3.5), ported with the Solidity
// helpers.
struct PortReserve {
    cpp_int liquidity_index, borrow_index, treasury;
    bool reverted = false;
};
PortReserve sol_update_state(const aave::ReserveState& s, std::uint64_t now, Version v) {
    PortReserve out{to_boost(s.liquidity_index), to_boost(s.variable_borrow_index),
                    to_boost(s.accrued_to_treasury)};
    const cpp_int dt(now - s.last_update_timestamp);
    const cpp_int scaled = to_boost(s.scaled_variable_debt);
    const cpp_int two128 = cpp_int(1) << 128;
    cpp_int next_li = out.liquidity_index, next_bi = out.borrow_index;
    if (s.current_liquidity_rate != U256{}) {
        const Port g = sol_linear(to_boost(s.current_liquidity_rate), dt);
        const Port n = g.reverted ? kRevert : sol_ray_mul(g.value, next_li);
        if (n.reverted || n.value >= two128) return {0, 0, 0, true};
        next_li = n.value;
    }
    if (scaled != 0) {
        const cpp_int rate = to_boost(s.current_variable_borrow_rate);
        const Port g =
            v == Version::V3_0 ? sol_compounded_v30(rate, dt) : sol_compounded_v34(rate, dt);
        const Port n = g.reverted ? kRevert : sol_ray_mul(g.value, next_bi);
        if (n.reverted || n.value >= two128) return {0, 0, 0, true};
        next_bi = n.value;
    }
    if (s.reserve_factor_bps != 0) {
        cpp_int accrued;
        if (v == Version::V3_5) {
            const Port p = sol_ray_mul_floor(scaled, next_bi - out.borrow_index);
            if (p.reverted) return {0, 0, 0, true};
            accrued = p.value;
        } else {
            const Port prev = sol_ray_mul(scaled, out.borrow_index),
                       curr = sol_ray_mul(scaled, next_bi);
            if (prev.reverted || curr.reverted) return {0, 0, 0, true};
            accrued = curr.value - prev.value;
        }
        const Port mint = sol_percent_mul(accrued, cpp_int(s.reserve_factor_bps));
        if (mint.reverted) return {0, 0, 0, true};
        if (mint.value != 0) {
            const Port sc = v == Version::V3_5 ? sol_ray_div_floor(mint.value, next_li)
                                               : sol_ray_div(mint.value, next_li);
            if (sc.reverted || sc.value >= two128) return {0, 0, 0, true};
            out.treasury += sc.value;
            if (out.treasury >= two128) return {0, 0, 0, true};
        }
    }
    out.liquidity_index = next_li;
    out.borrow_index = next_bi;
    return out;
}

TEST(AaveMath, UpdateStateMatchesSolidityPortOnRandomReserves) {
    std::mt19937_64 rng(7'2026);
    const std::array<Version, 3> versions{Version::V3_0, Version::V3_4, Version::V3_5};
    int reverted = 0, treasury_moved = 0;
    for (int i = 0; i < 10'000; ++i) {
        aave::ReserveState s;
        s.liquidity_index = RAY + random_bits(rng, static_cast<unsigned>(rng() % 95));
        s.variable_borrow_index = RAY + random_bits(rng, static_cast<unsigned>(rng() % 95));
        s.current_liquidity_rate =
            rng() % 8 == 0 ? U256{} : random_bits(rng, static_cast<unsigned>(rng() % 92));
        s.current_variable_borrow_rate = random_bits(rng, static_cast<unsigned>(rng() % 92));
        s.scaled_variable_debt =
            rng() % 8 == 0 ? U256{} : random_bits(rng, static_cast<unsigned>(rng() % 120));
        s.accrued_to_treasury = random_bits(rng, 60);
        s.reserve_factor_bps = static_cast<std::uint16_t>(rng() % 3 == 0 ? 0 : rng() % 10'001);
        s.last_update_timestamp = 1'700'000'000 + rng() % 1'000'000;
        const std::uint64_t now = s.last_update_timestamp + 1 + rng() % (2 * kYear);
        const Version v = versions[rng() % 3];
        const PortReserve expected = sol_update_state(s, now, v);
        aave::ReserveState ours = s;
        const Revert r = aave::update_state(ours, now, v);
        SCOPED_TRACE("case " + std::to_string(i) + " version " +
                     std::string(aave::version_name(v)));
        if (expected.reverted) {
            ASSERT_NE(r, Revert::None);
            ASSERT_EQ(ours.liquidity_index, s.liquidity_index);  // unchanged on revert
            ++reverted;
            continue;
        }
        ASSERT_EQ(r, Revert::None) << pftoken::amm::revert_code(r);
        ASSERT_EQ(to_boost(ours.liquidity_index), expected.liquidity_index);
        ASSERT_EQ(to_boost(ours.variable_borrow_index), expected.borrow_index);
        ASSERT_EQ(to_boost(ours.accrued_to_treasury), expected.treasury);
        ASSERT_EQ(ours.last_update_timestamp, now);
        treasury_moved += ours.accrued_to_treasury != s.accrued_to_treasury ? 1 : 0;
    }
    EXPECT_LT(reverted, 1'000);
    EXPECT_GT(treasury_moved, 3'000);
}

// ---------------------------------------------------------------- reserve behaviour

// A reserve with 10% reserve factor: over one update the treasury receives rf * (debt growth) in
// aTokens, i.e. rf * scaled * (I1 - I0) / L1 scaled units (closed form, within the rounding units).
TEST(AaveMath, TreasuryAccruesReserveFactorShareOfInterest) {
    for (const Version v : {Version::V3_0, Version::V3_4, Version::V3_5}) {
        aave::ReserveState s;
        s.current_liquidity_rate = ray_fraction(36, 1000);      // 3.6%
        s.current_variable_borrow_rate = ray_fraction(5, 100);  // 5%
        s.scaled_variable_debt = U256{800'000'000'000u};        // 800,000 USDC (6 decimals)
        s.reserve_factor_bps = 1'000;
        s.last_update_timestamp = 1'000;
        ASSERT_EQ(aave::update_state(s, 1'000 + kYear / 12, v), Revert::None);
        const long double debt_growth = 8e11L * (to_ld(s.variable_borrow_index) / 1e27L - 1.0L);
        const long double expected = 0.1L * debt_growth / (to_ld(s.liquidity_index) / 1e27L);
        EXPECT_NEAR(static_cast<double>(to_ld(s.accrued_to_treasury)),
                    static_cast<double>(expected), 2.0)
            << aave::version_name(v);
        // Liquidity index: linear growth, 1 + 0.036/12 exactly (a 30.42-day month of 365/12 days).
        EXPECT_EQ(s.liquidity_index, RAY + ray_fraction(36, 1000) * U256{kYear / 12} / U256{kYear});
    }
    // No variable debt: the borrow index does not move even with a positive rate.
    aave::ReserveState idle;
    idle.current_variable_borrow_rate = ray_fraction(2, 100);
    ASSERT_EQ(aave::update_state(idle, kYear, Version::V3_4), Revert::None);
    EXPECT_EQ(idle.variable_borrow_index, RAY);
    EXPECT_EQ(idle.last_update_timestamp, kYear);
    aave::ReserveState past = idle;
    EXPECT_EQ(aave::update_state(past, kYear - 1, Version::V3_4), Revert::Underflow);
    EXPECT_EQ(past.last_update_timestamp, kYear);
}

// A reserve through a year: 1,000,000 USDC supplied, 800,000 borrowed, rates recomputed every hour
// (optimal 90%, slope1 4%, slope2 60%, reserve factor 10%). Solvency (the Certora property
// "aToken supply <= underlying + debt"): what suppliers and the treasury are owed never exceeds
// the cash plus the debt, and the gap is only the within-hour compounding the debt earns over the
// linear supply side (0.9 D x^2/2 per hour: 0.053 USDC over the year) plus rounding.
TEST(AaveMath, ReserveYearStaysSolventAcrossVersions) {
    const aave::RateStrategy strategy{aave::ray_from_bps(9'000), aave::ray_from_bps(0),
                                      aave::ray_from_bps(400), aave::ray_from_bps(6'000)};
    for (const Version v : {Version::V3_0, Version::V3_4, Version::V3_5}) {
        SCOPED_TRACE(std::string(aave::version_name(v)));
        aave::ReserveState s;
        s.reserve_factor_bps = 1'000;
        s.last_update_timestamp = 1'700'000'000;
        std::uint64_t t = s.last_update_timestamp;
        const U256 supply{1'000'000'000'000u}, borrow{800'000'000'000u};
        const U256 scaled_supply = aave::atoken_mint_scaled(supply, s.liquidity_index, v).value;
        ASSERT_EQ(aave::update_interest_rates(s, strategy, supply, U256{}, v), Revert::None);
        t += 60;
        ASSERT_EQ(aave::update_state(s, t, v), Revert::None);
        s.scaled_variable_debt = aave::debt_mint_scaled(borrow, s.variable_borrow_index, v).value;
        ASSERT_EQ(aave::update_interest_rates(s, strategy, U256{}, borrow, v), Revert::None);
        // Usage 80%: borrow 4% * 80/90 = 3.5555...% (ray, half up: ...556), supply = borrow * 0.8
        // (half up: 2.8444...445%) * 0.9 = 2.56% + 1e-27 (half up of ...0.5).
        EXPECT_EQ(s.current_variable_borrow_rate, dec("35555555555555555555555556"));
        EXPECT_EQ(s.current_liquidity_rate, dec("25600000000000000000000001"));
        for (int h = 0; h < 8'760; ++h) {
            t += 3'600;
            ASSERT_EQ(aave::update_state(s, t, v), Revert::None);
            ASSERT_EQ(aave::update_interest_rates(s, strategy, U256{}, U256{}, v), Revert::None);
        }
        const U256 owed =
            aave::atoken_balance(scaled_supply + s.accrued_to_treasury, s.liquidity_index, v).value;
        const U256 held =
            s.virtual_underlying_balance +
            aave::debt_balance(s.scaled_variable_debt, s.variable_borrow_index, v).value;
        ASSERT_GE(held, owed);
        // Per hour the debt grows D(x + x^2/2) (x = r * 3600 / year), suppliers get 0.9 D x and the
        // treasury 0.1 D (x + x^2/2): the gap is 0.9 D x^2 / 2 per hour, with D the average debt
        // (800,000 growing 3.6%). v3.5's floor/ceil balances add up to one unit per hour.
        const long double x = 0.04L * 8 / 9 * 3600 / static_cast<long double>(kYear);
        const long double closed = 8760 * 0.9L * 8e11L * (1 + 0.0362L / 2) * x * x / 2;  // ~52,900
        const long double gap = to_ld(held - owed);
        EXPECT_NEAR(static_cast<double>(gap), static_cast<double>(closed),
                    static_cast<double>(0.03L * closed) + (v == Version::V3_5 ? 8760.0 : 0.0));
        // Supplier yield ~ e^(2.56% drifting with usage) - 1: between 2.5% and 2.7%.
        const long double growth = to_ld(s.liquidity_index) / 1e27L - 1;
        EXPECT_GT(growth, 0.025L);
        EXPECT_LT(growth, 0.027L);
    }
}

// DefaultReserveInterestRateStrategy with optimal 80%, base 0, slope1 4%, slope2 75% (Aave v3 USDC
// Ethereum style parameters), reserve factor 10%. Closed forms:
//   usage 50%: borrow = 4% * 0.5/0.8 = 2.5%, supply = 2.5% * 0.5 * 0.9 = 1.125%;
//   usage 90%: borrow = 4% + 75% * (0.1/0.2) = 41.5%, supply = 41.5% * 0.9 * 0.9 = 33.615%.
TEST(AaveMath, DefaultInterestRateStrategyTwoSlopes) {
    const aave::RateStrategy strategy{aave::ray_from_bps(8'000), aave::ray_from_bps(0),
                                      aave::ray_from_bps(400), aave::ray_from_bps(7'500)};
    aave::RateInputs at50{U256{50'000'000u}, U256{50'000'000u}, U256{}, 1'000, false};
    const Result<aave::InterestRates> r50 = aave::calculate_interest_rates(strategy, at50);
    ASSERT_TRUE(r50.ok());
    EXPECT_EQ(r50.value.variable_borrow_rate, ray_fraction(25, 1000));
    EXPECT_EQ(r50.value.liquidity_rate, ray_fraction(1125, 100'000));
    aave::RateInputs at90{U256{10'000'000u}, U256{90'000'000u}, U256{}, 1'000, false};
    const Result<aave::InterestRates> r90 = aave::calculate_interest_rates(strategy, at90);
    ASSERT_TRUE(r90.ok());
    EXPECT_EQ(r90.value.variable_borrow_rate, ray_fraction(415, 1000));
    EXPECT_EQ(r90.value.liquidity_rate, ray_fraction(33'615, 100'000));
    // Unbacked (or deficit) liquidity dilutes only the supply side: usage 90/(100+20) = 75%.
    at90.unbacked = U256{20'000'000u};
    EXPECT_EQ(aave::calculate_interest_rates(strategy, at90).value.liquidity_rate,
              ray_fraction(280'125, 1'000'000));
    // The v3.0-v3.1 weighted overall rate is the same rate up to ray rounding.
    at90.overall_rate_via_weighting = true;
    EXPECT_EQ(aave::calculate_interest_rates(strategy, at90).value.liquidity_rate,
              ray_fraction(280'125, 1'000'000));
    // No debt: supply rate 0, borrow rate = base.
    const aave::RateStrategy based{strategy.optimal_usage_ratio, aave::ray_from_bps(50),
                                   strategy.variable_rate_slope1, strategy.variable_rate_slope2};
    const Result<aave::InterestRates> none =
        aave::calculate_interest_rates(based, {U256{1u}, U256{}, U256{}, 1'000});
    EXPECT_EQ(none.value.liquidity_rate, U256{});
    EXPECT_EQ(none.value.variable_borrow_rate, ray_fraction(5, 1000));
}

// ---------------------------------------------------------------- health factor and liquidation

// Two collaterals ($1000 at LT 82.5%, $500 at LT 80%, base currency with 8 decimals) and $1000 of
// debt. GenericLogic averages the threshold with an integer division: (1000*8250 + 500*8000)/1500
// = 8166 (not 8166.67), so HF = 1500 * 0.8166 / 1000 = 1.2249 (not 1.225).
TEST(AaveMath, HealthFactorUsesIntegerAverageThreshold) {
    const U256 usd{100'000'000u};
    const std::array<aave::AccountAsset, 2> assets{
        aave::AccountAsset{U256{1000u} * usd, U256{1000u} * usd, 8'250},
        aave::AccountAsset{U256{500u} * usd, U256{}, 8'000},
    };
    const Result<aave::AccountData> data = aave::account_data(assets);
    ASSERT_TRUE(data.ok());
    EXPECT_EQ(data.value.average_liquidation_threshold_bps, U256{8'166u});
    EXPECT_EQ(data.value.health_factor, U256{1'224'900'000'000'000'000u});
    const std::array<aave::AccountAsset, 1> no_debt{aave::AccountAsset{usd, U256{}, 8'000}};
    EXPECT_EQ(aave::account_data(no_debt).value.health_factor, U256::max());
    // 2.5 ETH at $2000.12345678 (8-decimal price): 2.5 * 2000.12345678 = 5000.30864195 base units.
    EXPECT_EQ(aave::value_in_base(dec("2500000000000000000"), U256{200'012'345'678u}, 18).value,
              U256{500'030'864'195u});
}

// USDC debt of 1000 (6 decimals, $1), ETH collateral (18 decimals, $2000), bonus 5%, protocol fee
// 10% of the bonus. Closed forms: at HF 0.97 the close factor is 50%: 500 USDC covers 0.25 ETH,
// + 5% = 0.2625 ETH, of which the fee is 10% of 0.0125 = 0.00125 ETH. At HF 0.9, 100%.
TEST(AaveMath, LiquidationCloseFactorBonusAndFee) {
    aave::LiquidationInputs in;
    in.health_factor = U256{970'000'000'000'000'000u};
    in.user_debt = U256{1'000'000'000u};
    in.debt_to_cover = U256::max();
    in.user_collateral = dec("10000000000000000000");
    in.debt_price = U256{100'000'000u};
    in.collateral_price = U256{200'000'000'000u};
    in.debt_decimals = 6;
    in.collateral_decimals = 18;
    in.liquidation_bonus_bps = 10'500;
    in.protocol_fee_bps = 1'000;
    const Result<aave::Liquidation> half = aave::liquidation_amounts(in);
    ASSERT_TRUE(half.ok() && half.value.allowed);
    EXPECT_EQ(half.value.close_factor_bps, 5'000);
    EXPECT_EQ(half.value.debt_repaid, U256{500'000'000u});
    EXPECT_EQ(half.value.protocol_fee, U256{1'250'000'000'000'000u});
    EXPECT_EQ(half.value.collateral_to_liquidator, U256{261'250'000'000'000'000u});

    in.health_factor = aave::CLOSE_FACTOR_HF_THRESHOLD;
    EXPECT_EQ(aave::liquidation_amounts(in).value.close_factor_bps, 10'000);  // at 0.95: full
    in.health_factor = U256{900'000'000'000'000'000u};
    in.protocol_fee_bps = 0;
    // Collateral capped at 0.1 ETH ($200): debt needed = 200 USDC percentDiv 105% = 190.476190
    // USDC.
    in.user_collateral = U256{100'000'000'000'000'000u};
    const Result<aave::Liquidation> capped = aave::liquidation_amounts(in);
    ASSERT_TRUE(capped.ok());
    EXPECT_EQ(capped.value.collateral_to_liquidator, in.user_collateral);
    EXPECT_EQ(capped.value.debt_repaid, U256{190'476'190u});

    in.health_factor = aave::WAD;
    EXPECT_FALSE(aave::liquidation_amounts(in).value.allowed);
}

TEST(AaveMath, LoopLeverage) {
    EXPECT_DOUBLE_EQ(aave::max_loop_leverage(0.8), 5.0);
    EXPECT_DOUBLE_EQ(aave::loop_leverage(0.8, 0), 1.0);
    EXPECT_DOUBLE_EQ(aave::loop_leverage(0.8, 1), 1.8);
    EXPECT_NEAR(aave::loop_leverage(0.93, 400), 1.0 / 0.07, 1e-9);  // wstETH/WETH e-mode LTV 93%
    EXPECT_THROW_MSG((void)aave::max_loop_leverage(1.0), pftoken::InputError, "ltv: must be in [0, 1), got 1");
    EXPECT_THROW_MSG((void)aave::loop_leverage(-0.5, 3), pftoken::InputError, "ltv: must be in [0, 1), got -0.5");
}

TEST(AaveMath, VersionNames) {
    EXPECT_EQ(aave::version_name(Version::V3_0), "v3.0-v3.3");
    EXPECT_EQ(aave::version_name(Version::V3_4), "v3.4");
    EXPECT_EQ(aave::version_name(Version::V3_5), "v3.5");
}

}  // namespace
