// U256/I256 and FullMath checked against Boost.Multiprecision (an independent big-integer oracle).
#include <random>
#include <string>

#include <boost/multiprecision/cpp_int.hpp>
#include <gtest/gtest.h>

#include "pftoken/amm/exact/full_math.hpp"
#include "pftoken/amm/exact/uint256.hpp"

namespace {

using boost::multiprecision::cpp_int;
using pftoken::amm::I256;
using pftoken::amm::Revert;
using pftoken::amm::U256;

cpp_int to_boost(const U256& x) {
    cpp_int r = 0;
    for (int i = 3; i >= 0; --i) r = (r << 64) | cpp_int(x.limb[static_cast<std::size_t>(i)]);
    return r;
}

const cpp_int two256 = cpp_int(1) << 256;

// Random values with a random bit length, so every limb count and carry pattern is exercised.
U256 random_u256(std::mt19937_64& rng) {
    U256 x{rng(), rng(), rng(), rng()};
    const unsigned bits = static_cast<unsigned>(rng() % 257);
    x = x & U256::low_mask(bits);
    if (rng() % 8 == 0) x = U256::low_mask(bits);  // all-ones patterns stress the carries
    return x;
}

TEST(Uint256, DecimalRoundTripAndBounds) {
    const std::string max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    ASSERT_TRUE(U256::from_decimal(max).has_value());
    EXPECT_EQ(*U256::from_decimal(max), U256::max());
    EXPECT_EQ(U256::max().to_decimal(), max);
    EXPECT_FALSE(U256::from_decimal("115792089237316195423570985008687907853269984665640564039457584007913129639936"));
    EXPECT_FALSE(U256::from_decimal(""));
    EXPECT_FALSE(U256::from_decimal("12a"));
    EXPECT_FALSE(U256::from_decimal("-1"));
    EXPECT_EQ(U256{}.to_decimal(), "0");
    EXPECT_EQ(U256::from_decimal("10000000000000000000")->to_decimal(), "10000000000000000000");
    EXPECT_EQ(I256::from_decimal("-57896044618658097711785492504343953926634992332820282019728792003956564819968")->to_decimal(),
              "-57896044618658097711785492504343953926634992332820282019728792003956564819968");
    EXPECT_FALSE(I256::from_decimal("57896044618658097711785492504343953926634992332820282019728792003956564819968"));
    EXPECT_EQ(I256::max().to_decimal(), "57896044618658097711785492504343953926634992332820282019728792003956564819967");
    EXPECT_EQ(I256{-5}.to_decimal(), "-5");
}

TEST(Uint256, RandomArithmeticMatchesBoost) {
    std::mt19937_64 rng(20261121);
    for (int iter = 0; iter < 20000; ++iter) {
        const U256 a = random_u256(rng), b = random_u256(rng);
        const cpp_int A = to_boost(a), B = to_boost(b);
        SCOPED_TRACE(A.str() + " , " + B.str());
        ASSERT_EQ(to_boost(a + b), (A + B) % two256);
        ASSERT_EQ(to_boost(a - b), ((A - B) % two256 + two256) % two256);
        ASSERT_EQ(to_boost(a * b), (A * B) % two256);
        const auto wide = pftoken::amm::mul_wide(a, b);
        ASSERT_EQ(to_boost(wide.high()) * two256 + to_boost(wide.low()), A * B);
        if (!b.is_zero()) {
            ASSERT_EQ(to_boost(a / b), A / B);
            ASSERT_EQ(to_boost(a % b), A % B);
        }
        const unsigned s = static_cast<unsigned>(rng() % 300);
        ASSERT_EQ(to_boost(a << s), (A << s) % two256);
        ASSERT_EQ(to_boost(a >> s), A >> s);
        ASSERT_EQ(a < b, A < B);
        ASSERT_EQ(to_boost(pftoken::amm::isqrt(a)), boost::multiprecision::sqrt(A));
        ASSERT_EQ(U256::from_decimal(A.str()).value(), a);
        ASSERT_EQ(a.to_decimal(), A.str());
    }
}

TEST(Uint256, RandomMulDivMatchesBoost) {
    std::mt19937_64 rng(7);
    for (int iter = 0; iter < 20000; ++iter) {
        const U256 a = random_u256(rng), b = random_u256(rng), d = random_u256(rng);
        const cpp_int A = to_boost(a), B = to_boost(b), D = to_boost(d);
        SCOPED_TRACE(A.str() + " * " + B.str() + " / " + D.str());
        const auto down = pftoken::amm::mul_div(a, b, d);
        const auto up = pftoken::amm::mul_div_rounding_up(a, b, d);
        if (D == 0) {
            ASSERT_EQ(down.error, Revert::DivisionByZero);
            ASSERT_EQ(up.error, Revert::DivisionByZero);
            continue;
        }
        const cpp_int q = A * B / D;
        const cpp_int qu = (A * B + D - 1) / D;
        if (q >= two256) {
            ASSERT_EQ(down.error, Revert::Overflow);
        } else {
            ASSERT_TRUE(down.ok());
            ASSERT_EQ(to_boost(down.value), q);
        }
        if (qu >= two256) {
            ASSERT_EQ(up.error, Revert::Overflow);
        } else {
            ASSERT_TRUE(up.ok());
            ASSERT_EQ(to_boost(up.value), qu);
        }
        const unsigned shift = static_cast<unsigned>(rng() % 200);
        for (const bool round_up : {false, true}) {
            const auto sh = pftoken::amm::mul_shift(a, b, shift, round_up);
            const cpp_int P = cpp_int(1) << shift;
            const cpp_int e = round_up ? cpp_int((A * B + P - 1) / P) : cpp_int(A * B / P);
            if (e >= two256) {
                ASSERT_EQ(sh.error, Revert::Overflow);
            } else {
                ASSERT_TRUE(sh.ok());
                ASSERT_EQ(to_boost(sh.value), e);
            }
        }
        const auto dru = pftoken::amm::div_rounding_up(a, d);
        ASSERT_TRUE(dru.ok());
        ASSERT_EQ(to_boost(dru.value), (A + D - 1) / D);
    }
}

// Division where the quotient-digit estimate must be corrected (Knuth D step D6), which random
// inputs almost never hit: divisors with a top limb of 2^63 and dividends just below multiples.
TEST(Uint256, KnuthAddBackCases) {
    const U256 d{0u, 0u, std::uint64_t{1} << 63, std::uint64_t{1} << 63};
    for (std::uint64_t k = 1; k < 200; ++k) {
        const U256 n = d * U256{k} - U256{1u};
        EXPECT_EQ(to_boost(n / d), to_boost(n) / to_boost(d));
        EXPECT_EQ(to_boost(n % d), to_boost(n) % to_boost(d));
    }
    const U256 d2{~std::uint64_t{0}, 0u, 1u, 0u};
    const U256 n2{0u, 0u, ~std::uint64_t{0}, ~std::uint64_t{0}};
    EXPECT_EQ(to_boost(n2 / d2), to_boost(n2) / to_boost(d2));
    EXPECT_EQ(to_boost(n2 % d2), to_boost(n2) % to_boost(d2));
}

TEST(Int256, SignedHelpers) {
    using pftoken::amm::sar;
    EXPECT_EQ(sar(I256{-7}, 1), I256{-4});
    EXPECT_EQ(sar(I256{7}, 1), I256{3});
    EXPECT_EQ(sar(I256{-1}, 300), I256{-1});
    EXPECT_LT(I256{-1}, I256{0});
    EXPECT_LT(I256::min(), I256::max());
    I256 out;
    EXPECT_TRUE(pftoken::amm::add_overflow(I256::max(), I256{1}, out));
    EXPECT_FALSE(pftoken::amm::add_overflow(I256::max(), I256{-1}, out));
    EXPECT_TRUE(pftoken::amm::sub_overflow(I256::min(), I256{1}, out));
    EXPECT_EQ(I256::min().magnitude(), U256::pow2(255));
}

}  // namespace
