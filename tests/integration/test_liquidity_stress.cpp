// Liquidity stress on pools: sell-offs against the Uniswap v2 closed form and the v3
// single-range closed form, LP withdrawals, sequences, pool-file validation, the shipped pools.
#include <gtest/gtest.h>

#include <cmath>

#include "pftoken/integration/liquidity_stress.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/stress/engine.hpp"
#include "support/builders.hpp"
#include "support/gtest_extra.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration;
using stress::Shock;
using stress::ShockType;

const std::string kSource = PFTOKEN_SOURCE_DIR;

using pftoken::test::v2_pool;

Shock selloff(double share) { return stress::make_shock(ShockType::TokenSelloff, share); }
Shock withdrawal(double share) { return stress::make_shock(ShockType::LpWithdrawal, share); }

// Uniswap v2 constant product with the fee on the input (Adams, Zinsmeister, Robinson,
// "Uniswap v2 Core", 2020, sec. 3.2.1; UniswapV2Library.getAmountOut):
//   out = dx (1 - f) y / (x + dx (1 - f)),  reserves after: (x + dx, y - out).
TEST(LiquidityStress, V2SelloffMatchesTheClosedForm) {
    struct Case {
        double x, y, fee, supply, share;
    };
    const Case cases[] = {
        {2600.0, 2.6e6, 0.003, 52000.0, 0.10}, {2600.0, 2.6e6, 0.003, 52000.0, 0.01},
        {1e6, 5e5, 0.0, 1e7, 0.05},            {5000.0, 1.2e7, 0.01, 60000.0, 0.25},
    };
    for (const auto& c : cases) {
        const double dcf = 0.9 * c.y / c.x;
        const auto r = apply_market_shocks(v2_pool(c.x, c.y, c.fee), c.supply, dcf, {selloff(c.share)});
        const double dx = c.share * c.supply;
        const double out = dx * (1.0 - c.fee) * c.y / (c.x + dx * (1.0 - c.fee));
        const double p0 = c.y / c.x;
        const double p1 = (c.y - out) / (c.x + dx);
        SCOPED_TRACE(testing::Message() << "x=" << c.x << " y=" << c.y << " fee=" << c.fee << " share=" << c.share);
        ASSERT_TRUE(r.ok) << r.error;
        ASSERT_EQ(r.steps.size(), 1u);
        EXPECT_NEAR(r.tokens_sold, dx, 1e-12 * dx);
        EXPECT_NEAR(r.quote_received, out, 1e-12 * out);
        EXPECT_NEAR(r.pool_price_before, p0, 1e-12 * p0);
        EXPECT_NEAR(r.pool_price_after, p1, 1e-12 * p1);
        EXPECT_NEAR(r.total_price_impact, p1 / p0 - 1.0, 1e-12);
        EXPECT_NEAR(r.exit_price, out / dx, 1e-12 * out / dx);
        EXPECT_NEAR(r.discount_to_dcf, (out / dx) / dcf - 1.0, 1e-12);
    }
}

// Withdrawing a share w burns w of the LP shares: reserves scale by (1 - w), price unchanged;
// a later sale then sees (1 - w) x, (1 - w) y in the closed form above.
TEST(LiquidityStress, V2WithdrawalThenSelloffMatchesTheClosedForm) {
    const double x = 2600.0, y = 2.6e6, fee = 0.003, supply = 52000.0, w = 0.8, share = 0.05;
    const auto r = apply_market_shocks(v2_pool(x, y, fee), supply, 1000.0, {withdrawal(w), selloff(share)});
    ASSERT_EQ(r.steps.size(), 2u);
    EXPECT_NEAR(r.steps[0].price_impact, 0.0, 1e-12);
    EXPECT_NEAR(r.steps[0].liquidity_removed_tokens, w * x, 1e-9);
    EXPECT_NEAR(r.steps[0].liquidity_removed_quote, w * y, 1e-6);
    const double xr = (1.0 - w) * x, yr = (1.0 - w) * y, dx = share * supply;
    const double out = dx * (1.0 - fee) * yr / (xr + dx * (1.0 - fee));
    EXPECT_NEAR(r.quote_received, out, 1e-9 * out);
    EXPECT_NEAR(r.pool_price_after, (yr - out) / (xr + dx), 1e-9);
    // The same sale into the full pool moves the price less.
    const auto full = apply_market_shocks(v2_pool(x, y, fee), supply, 1000.0, {selloff(share)});
    EXPECT_GT(full.pool_price_after, r.pool_price_after);
}

// A single v3 position behaves as a v2 pool on virtual reserves (x = L / sqrt p, y = L sqrt p)
// while the price stays in range (Adams et al., "Uniswap v3 Core", 2021, eq. 6.13-6.16):
// selling dx of token0 with fee f gives 1/sqrt(p1) = 1/sqrt(p0) + dx (1 - f) / L and
// out = L (sqrt p0 - sqrt p1).
TEST(LiquidityStress, V3SingleRangeSelloffMatchesTheClosedForm) {
    PoolSpec pool;
    pool.type = PoolSpec::Type::V3;
    pool.token = "TOK";
    pool.fee = 0.003;
    pool.tick_spacing = 60;
    pool.price = 1000.0;
    pool.positions.push_back({500.0, 2000.0, 2.0e6});
    const auto base = apply_market_shocks(pool, 52000.0, 1000.0, {});
    const double s0 = std::sqrt(1000.0);
    // Liquidity implied by the deposit on the tick-rounded range.
    const double sa = std::pow(1.0001, 0.5 * std::floor(std::log(500.0) / std::log(1.0001) / 60.0) * 60.0);
    const double sb = std::pow(1.0001, 0.5 * std::ceil(std::floor(std::log(2000.0) / std::log(1.0001)) / 60.0) * 60.0);
    const double L = 2.0e6 / (2.0 * s0 - sa - s0 * s0 / sb);
    for (double share : {0.001, 0.01, 0.02}) {
        const double dx = share * 52000.0;
        const auto r = apply_market_shocks(pool, 52000.0, 1000.0, {selloff(share)});
        const double s1 = 1.0 / (1.0 / s0 + dx * (1.0 - 0.003) / L);
        ASSERT_GT(s1, sa) << "test case must stay in range";
        SCOPED_TRACE(share);
        EXPECT_NEAR(base.pool_price_before, 1000.0, 1e-9);
        EXPECT_NEAR(r.pool_price_after, s1 * s1, 1e-7 * s1 * s1);
        EXPECT_NEAR(r.quote_received, L * (s0 - s1), 1e-7 * L * (s0 - s1));
        EXPECT_LT(r.discount_to_dcf, 0.0);
    }
}

TEST(LiquidityStress, V3WithdrawalDeepensTheImpact) {
    const auto pool = load_pool(kSource + "/data/pools/solar_senior_v3.yaml");
    const auto full = apply_market_shocks(pool, 52000.0, 1000.0, {selloff(0.02)});
    const auto thin = apply_market_shocks(pool, 52000.0, 1000.0, {withdrawal(0.5), selloff(0.02)});
    EXPECT_NEAR(thin.steps[0].price_impact, 0.0, 1e-12);
    EXPECT_GT(thin.steps[0].liquidity_removed_quote, 0.0);
    EXPECT_LT(thin.total_price_impact, full.total_price_impact);
    EXPECT_LT(thin.exit_price, full.exit_price);
}

// Withdrawals burn the positions' own integer 2^-32 units (not a double beside them): after
// partial withdrawals, a sell-off and a final 100% withdrawal the pool holds exactly nothing, and
// what came out is what went in. Liquidities above 2^21 (more than 53 significant bits of units)
// are the case a double cannot track.
TEST(LiquidityStress, V3WithdrawingEverythingLeavesExactlyZero) {
    PoolSpec big;
    big.type = PoolSpec::Type::V3;
    big.token = "TOK";
    big.price = 1000.0;
    big.positions = {{500.0, 2000.0, 1.0e9}, {800.0, 1250.0, 3.3e8}, {990.0, 1010.0, 7.77e7}};
    for (const auto& pool : {big, load_pool(kSource + "/data/pools/solar_senior_v3.yaml")}) {
        SCOPED_TRACE(pool.positions.size());
        const double deposited = [&] {
            double v = 0.0;
            for (const auto& p : pool.positions) v += p.value;
            return v;
        }();
        // No trade: the withdrawals return the deposits (tokens valued at the unchanged price).
        const auto r = apply_market_shocks(pool, 1.0e6, 1000.0, {withdrawal(0.3), withdrawal(0.45), withdrawal(1.0)});
        ASSERT_TRUE(r.ok) << r.error;
        EXPECT_EQ(r.pool_liquidity_after, 0.0);
        ASSERT_EQ(r.position_units_after.size(), pool.positions.size());
        for (const auto units : r.position_units_after) EXPECT_TRUE(units == 0);
        double out = 0.0;
        for (const auto& step : r.steps) out += step.liquidity_removed_quote + step.liquidity_removed_tokens * pool.price;
        EXPECT_NEAR(out, deposited, 1e-9 * deposited);
        // The same with a sell-off between the withdrawals.
        const auto s = apply_market_shocks(pool, 1.0e6, 1000.0, {withdrawal(0.3), selloff(0.001), withdrawal(1.0 / 3.0), withdrawal(1.0)});
        ASSERT_TRUE(s.ok) << s.error;
        EXPECT_EQ(s.pool_liquidity_after, 0.0);
        for (const auto units : s.position_units_after) EXPECT_TRUE(units == 0);
        // A partial withdrawal keeps floor((1 - share) x units) to within one unit per burn.
        const auto half = apply_market_shocks(pool, 1.0e6, 1000.0, {withdrawal(0.5)});
        EXPECT_NEAR(half.pool_liquidity_after, 0.5 * apply_market_shocks(pool, 1.0e6, 1000.0, {}).pool_liquidity_after,
                    1e-12 * half.pool_liquidity_after);
    }
}

TEST(LiquidityStress, PoolFileValidationNamesTheField) {
    struct Case {
        const char* yaml;
        const char* message;
    };
    const Case cases[] = {
        {"pool: {type: v4, token: A, reserve_token: 1, reserve_quote: 1}", "pool.type: must be one of v2, v3; got 'v4'"},
        {"pool: {type: v2, token: A, reserve_token: -1, reserve_quote: 1}", "pool.reserve_token: must be > 0, got -1"},
        {"pool: {type: v2, reserve_token: 1, reserve_quote: 1}", "pool.token: is required"},
        {"pool: {type: v2, token: A, reserve_token: 1, reserve_quote: 1, fee: 1.5}", "pool.fee: must be in [0, 1), got 1.5"},
        {"pool: {type: v3, token: A, price: 1, positions: [{lower_price: 2, upper_price: 1, value: 5}]}",
         "pool.positions[0].upper_price: must be > lower_price (2), got 1"},
        {"pool: {type: v3, token: A, price: 1}", "pool.positions: is required"},
        {"pool: {type: v2, token: A, reserve_token: 1, reserve_quote: 1, colour: red}", "pool.colour: unknown key"},
        // Bounded where read (issue 12): the message names the field the user wrote.
        {"pool: {type: v2, token: A, reserve_token: 1, reserve_quote: 1e308}",
         "p.yaml:1:61: pool.reserve_quote: must be <= 1e+18, got 1e+308"},
        {"pool: {type: v3, token: A, price: 1, positions: [{lower_price: 1e-60, upper_price: 2, value: 5}]}",
         "pool.positions[0].lower_price: must be in [1e-18, 1e+18], got 1e-60"},
        {"pool: {type: v3, token: A, price: 1, tick_spacing: -3000, positions: [{lower_price: 0.5, upper_price: 2, value: 5}]}",
         "pool.tick_spacing: must be a whole number in [1, 16384], got -3000"},
    };
    for (const auto& c : cases) {
        EXPECT_THROW_MSG((void)parse_pool(c.yaml, "p.yaml"), InputError, c.message) << c.yaml;
    }
}

TEST(LiquidityStress, LibraryMarketScenariosOnTheSolarPools) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    stress::StressEngine engine(project);
    const auto scenarios = stress::load_scenarios(kSource + "/data/stress/library.yaml");
    const auto summary = engine.run_all(scenarios);
    for (const char* file : {"solar_senior_v2.yaml", "solar_senior_v3.yaml"}) {
        const auto pool = load_pool(kSource + "/data/pools/" + file);
        const auto results = run_liquidity_stress(pool, project, scenarios, summary);
        ASSERT_GE(results.size(), 3u) << file;
        for (const auto& r : results) {
            SCOPED_TRACE(std::string(file) + " " + r.scenario);
            ASSERT_TRUE(r.ok) << r.error;
            EXPECT_LE(r.total_price_impact, 1e-12);
            EXPECT_GT(r.dcf_price_base, 0.0);
            if (r.tokens_sold > 0.0) {
                EXPECT_LT(r.exit_price, r.pool_price_before);
                EXPECT_GT(r.exit_price, r.pool_price_after);  // average fill between start and end
            }
        }
        // Scenario with project shocks too: the stressed DCF value is below the base one.
        const auto distressed = std::find_if(results.begin(), results.end(),
                                             [](const auto& r) { return r.scenario == "distressed_exit"; });
        ASSERT_NE(distressed, results.end());
        EXPECT_LE(distressed->dcf_price_stressed, distressed->dcf_price_base);
    }
    // A pool of a token the project does not have fails every market scenario, with the reason.
    auto stranger = v2_pool(100.0, 100.0, 0.003);
    stranger.token = "XYZ";
    const auto results = run_liquidity_stress(stranger, project, scenarios, summary);
    ASSERT_FALSE(results.empty());
    for (const auto& r : results) {
        EXPECT_FALSE(r.ok);
        EXPECT_NE(r.error.find("pool.token: 'XYZ' is not a token of project"), std::string::npos) << r.error;
    }
}

}  // namespace

// `stress` refuses a pool whose token is in no tranche (nor the equity) at input time, like
// `compare` does, before anything is computed or written (issue 12).
TEST(LiquidityStress, PoolOfAnotherTokenIsAnInputError) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    auto pool = load_pool(kSource + "/data/pools/solar_senior_v2.yaml");
    EXPECT_NO_THROW(check_pool_token(pool, project, "p.yaml"));
    pool.token = "NOPE";
    EXPECT_THROW_MSG(check_pool_token(pool, project, "p.yaml"), InputError,
                     "p.yaml: pool.token: 'NOPE' is not a token of project 'Sunfield 100 MW Solar' "
                     "(its tokens: SUN-A, "
                     "SUN-B, SUN-C, SUN-EQ)");
}
