// Arbitrage to fair value: v2 closed form against hand values, the fast twin and the bit-exact
// Uniswap v2 pair; v3 on the exact pool: the price lands within one tick step of the target and
// never past it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "pftoken/amm/exact/v2/pair.hpp"
#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/arbitrage.hpp"
#include "pftoken/integration/compare_pool.hpp"
#include "pftoken/integration/liquidity_stress.hpp"
#include "support/builders.hpp"
#include "support/gtest_extra.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration;

const std::string kSource = PFTOKEN_SOURCE_DIR;

using pftoken::test::v2_pool;

// Without a fee the constant product gives (R_in + a)^2 = k p* (quote in) or k / p* (tokens in)
// (Adams, Zinsmeister, Robinson, "Uniswap v2 Core" 2020, eq. (1) x y = k); hand values:
//   x = y = 1000, p* = 4:    a = sqrt(1e6 * 4) - 1000 = 1000 quote in, 500 tokens out
//   x = y = 1000, p* = 0.25: a = sqrt(1e6 / 0.25) - 1000 = 1000 tokens in, 500 quote out
TEST(Arbitrage, V2WithoutFeeMatchesHandValues) {
    struct Case {
        double target, amount_in, tokens, quote;
        bool buys;
    };
    const Case cases[] = {{4.0, 1000.0, 500.0, 1000.0, true}, {0.25, 1000.0, 1000.0, 500.0, false}};
    for (const auto& c : cases) {
        EXPECT_NEAR(v2_amount_in_to_price(1000.0, 1000.0, 0.0, c.target), c.amount_in, 1e-9);
        const auto r = arbitrage_v2(v2_pool(1000.0, 1000.0, 0.0), c.target);
        EXPECT_EQ(r.buys_tokens, c.buys);
        EXPECT_NEAR(r.tokens_traded, c.tokens, 1e-9);
        EXPECT_NEAR(r.quote_traded, c.quote, 1e-9);
        EXPECT_NEAR(r.price_after, c.target, 1e-12);
        // profit at the target: buy 500 tokens worth 4 each for 1000 -> +1000; sell 1000 tokens
        // worth 0.25 each for 500 -> +250
        EXPECT_NEAR(r.profit, c.buys ? 1000.0 : 250.0, 1e-9);
    }
}

// With the fee kept in the reserves: the same trade on the fast twin's own quote_to_price (an
// independent derivation, docs/amm-fast-and-analytics.md) and executed on the bit-exact
// UniswapV2Pair (getAmountOut with 997/1000, integer rounding) must land on the target.
TEST(Arbitrage, V2WithFeeLandsOnTheTargetOnTheExactPair) {
    const double x = 10'400.0, y = 10'400'000.0;
    const double scale = 1e9;  // raw units per human unit (both tokens, so raw price = human price)
    for (double target : {800.0, 950.0, 999.0, 1001.0, 1100.0, 1500.0}) {
        const double a = v2_amount_in_to_price(x, y, 0.003, target);
        amm::fast::ConstantProductPool twin({x, y, 0.003});
        EXPECT_NEAR(a / twin.quote_to_price(target) - 1.0, 0.0, 1e-10) << target;
        const auto r = arbitrage_v2(v2_pool(x, y, 0.003), target);
        EXPECT_NEAR(r.price_after / target - 1.0, 0.0, 1e-12) << target;
        EXPECT_NEAR(r.fee_paid, 0.003 * a, 1e-9 * a);
        // Inside the no-arbitrage band [p(1-f), p/(1-f)] every unit costs more than the target
        // (marginal price after fee), so moving the pool there loses; 5% away it pays.
        if (std::fabs(std::log(target / 1000.0)) > 0.05) {
            EXPECT_GT(r.profit, 0.0) << target;
        } else if (target > 997.0 && target < 1000.0 / 0.997) {
            EXPECT_LT(r.profit, 0.0) << target;
        }

        amm::v2::Pair pair;
        ASSERT_TRUE(pair.mint(amm::U256(static_cast<std::uint64_t>(x * scale)),
                              amm::U256(static_cast<std::uint64_t>(y * scale)))
                        .ok());
        const bool buys = target > y / x;
        const auto swapped = pair.swap_exact_in(!buys, amm::U256(static_cast<std::uint64_t>(std::llround(a * scale))));
        ASSERT_TRUE(swapped.ok());
        const double price = pair.reserve1().to_double() / pair.reserve0().to_double();
        EXPECT_NEAR(price / target - 1.0, 0.0, 1e-9) << target;
        const double tokens_out = (buys ? x * scale - pair.reserve0().to_double() : 0.0) / scale;
        if (buys) {
            EXPECT_NEAR(tokens_out / r.tokens_traded - 1.0, 0.0, 1e-9);
        }
    }
}

PoolSpec solar_v3() { return load_pool(kSource + "/data/pools/solar_senior_v3.yaml"); }

// Issue 5 verification: exact v3 swap-to-price leaves the pool within one tick's price step
// (1.0001, Uniswap v3 whitepaper eq. 6.1 p(i) = 1.0001^i) of the target and never past it
// (UniswapV3Pool.swap stops at sqrtPriceLimitX96).
TEST(Arbitrage, V3ExactLandsWithinOneTickOfTheTargetNeverPast) {
    const PoolSpec pool = solar_v3();
    for (double target : {700.0, 940.0, 990.0, 1000.5, 1040.0, 1300.0}) {
        const auto r = arbitrage_v3_exact(pool, target);
        ASSERT_EQ(r.pool_type, "v3");
        EXPECT_EQ(r.buys_tokens, target > 1000.0);
        if (r.buys_tokens) {
            EXPECT_LE(r.price_after, target * (1.0 + 1e-12)) << target;
            EXPECT_GE(r.price_after * 1.0001, target) << target;
        } else {
            EXPECT_GE(r.price_after, target * (1.0 - 1e-12)) << target;
            EXPECT_LE(r.price_after, target * 1.0001) << target;
        }
        // the fast twin (real numbers) agrees on the amounts
        auto twin = std::get<amm::fast::ConcentratedLiquidityPool>(make_fast_pool(pool));
        const auto s = twin.swap_to_sqrt_price(std::sqrt(target));
        EXPECT_NEAR(r.tokens_traded / std::fabs(s.amount0) - 1.0, 0.0, 1e-6) << target;
        EXPECT_NEAR(r.quote_traded / std::fabs(s.amount1) - 1.0, 0.0, 1e-6) << target;
        if (std::fabs(std::log(target / 1000.0)) > 0.05) {
            EXPECT_GT(r.profit, 0.0) << target;
        } else if (target > 997.0 && target < 1000.0 / 0.997) {
            EXPECT_LT(r.profit, 0.0) << target;
        }
    }
    EXPECT_GT(arbitrage_v3_exact(pool, 1300.0).ticks_crossed, 0);
}

TEST(Arbitrage, BadTargetIsRejected) {
    // Library entry points: the message names the argument, the constraint and the value.
    EXPECT_THROW_MSG((void)arbitrage_v2(v2_pool(1.0, 1.0, 0.003), -1.0), InputError, "target: must be > 0, got -1");
    EXPECT_THROW_MSG((void)arbitrage_v3_exact(solar_v3(), 0.0), InputError, "target: must be > 0, got 0");
    EXPECT_THROW_MSG((void)v2_amount_in_to_price(0.0, 1.0, 0.003, 1.0), InputError,
                     "reserve_token: must be > 0, got 0");
    EXPECT_THROW_MSG((void)v2_amount_in_to_price(1.0, -5.0, 0.003, 1.0), InputError,
                     "reserve_quote: must be > 0, got -5");
    EXPECT_THROW_MSG((void)v2_amount_in_to_price(1.0, 1.0, 1.0, 1.0), InputError, "fee: must be in [0, 1), got 1");
}

}  // namespace
