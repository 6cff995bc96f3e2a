// `pftoken abm` treasury LP position: its value and fees from the pool twins' own state against
// closed forms (Uniswap v2 whitepaper, Adams, Zinsmeister and Robinson 2020; Uniswap v3
// whitepaper, Adams et al. 2021), and the treasury's total value in the engine's series with the
// ledger asserted every step.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <variant>

#include "pftoken/integration/abm/engine.hpp"
#include "pftoken/integration/abm/monte_carlo.hpp"
#include "pftoken/integration/abm/treasury_lp.hpp"
#include "pftoken/integration/compare_pool.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration;
using namespace pftoken::integration::abm;

const std::string kSource = PFTOKEN_SOURCE_DIR;

// ---- v2: 10,400 tokens against 10.4m quote (data/pools/solar_senior_v2.yaml), fee 0.3%.

TEST(AbmTreasuryLp, V2ValueIsTheShareOfTheReservesAndFeesTheShareOfEachInputFee) {
    const double r0 = 10'400.0, r1 = 10'400'000.0, f = 0.003;
    FastPool pool = amm::fast::ConstantProductPool({r0, r1, f});
    auto& v2 = std::get<amm::fast::ConstantProductPool>(pool);
    TreasuryLp lp;

    // Deposit at P = 1,000: a0 = min(1,000, 2e6 / 1,000) = 1,000 tokens and a0 P = 1e6 quote.
    // Minted shares are a pro-rata claim (v2 whitepaper 3.4: s_minted = x_deposited / x_starting
    // s_starting), so the treasury's share is s = 1,000 / 11,400 of both reserves and its value
    // s (r0 P + r1) = 2e6, twice the quote it paid in.
    const auto used = lp.deposit(pool, 1'000.0, 2e6);
    EXPECT_DOUBLE_EQ(used.amount0, 1'000.0);
    EXPECT_DOUBLE_EQ(used.amount1, 1e6);
    const double s = 1'000.0 / 11'400.0;
    LpHoldings h = lp.holdings(pool);
    EXPECT_NEAR(h.amount0, s * 11'400.0, 1e-9);
    EXPECT_NEAR(h.value(v2.price()), 2e6, 2e6 * 1e-12);
    EXPECT_EQ(h.fees_value(v2.price()), 0.0);

    // One buy of X = 50,000 quote. getAmountOut (v2 whitepaper 3.2.1): out = 0.997 X r0 / (r1 +
    // 0.997 X) on the reserves (11,400, 11.4m); the treasury's value is s (r0' P' + r1') = 2 s r1'
    // and its fees 0.003 X s in quote (the fee stays in the reserves, pro rata to the shares).
    const double x = 50'000.0;
    const double out = 0.997 * x * 11'400.0 / (11.4e6 + 0.997 * x);
    (void)v2.swap_exact_in(false, x);
    const double r0b = 11'400.0 - out, r1b = 11.4e6 + x, pb = r1b / r0b;
    h = lp.holdings(pool);
    EXPECT_NEAR(v2.price(), pb, pb * 1e-12);
    EXPECT_NEAR(h.value(pb), s * (r0b * pb + r1b), 2e6 * 1e-12);
    EXPECT_NEAR(h.fees1, f * x * s, 1e-9);  // 150 x 1,000 / 11,400 = 13.157894...
    EXPECT_NEAR(h.fees1, 13.157894736842, 1e-9);
    EXPECT_EQ(h.fees0, 0.0);

    // One sale of Y = 30 tokens: fees 0.003 Y s in tokens, valued at the pool price.
    const double y = 30.0;
    (void)v2.swap_exact_in(true, y);
    h = lp.holdings(pool);
    EXPECT_NEAR(h.fees0, f * y * s, 1e-12);
    EXPECT_NEAR(h.fees_value(v2.price()), f * y * s * v2.price() + f * x * s, 1e-9);

    // A second deposit of 500 tokens at the new price raises the share; fees earned before it
    // stay at s, fees after it accrue at s2 = (m1 + m2) / (S0 + m1 + m2) with S0 = sqrt(r0 r1)
    // (the initial reserves' shares), m1 = 1,000 / 10,400 S0, m2 = 500 / r0'' (S0 + m1).
    const double r0c = r0b + y;  // the pool's token reserve before the deposit (the whole input)
    (void)lp.deposit(pool, 500.0, 1e9);
    const double s0 = std::sqrt(r0 * r1), m1 = 1'000.0 / r0 * s0, m2 = 500.0 / r0c * (s0 + m1);
    const double s2 = (m1 + m2) / (s0 + m1 + m2);
    const double x2 = 20'000.0;
    (void)v2.swap_exact_in(false, x2);
    h = lp.holdings(pool);
    EXPECT_NEAR(h.fees1, f * x * s + f * x2 * s2, 1e-9);
    EXPECT_NEAR(h.fees0, f * y * s, 1e-12);
    EXPECT_NEAR(h.amount1, s2 * v2.reserve1(), 1e-6);
}

// ---- v3: the solar senior pool (data/pools/solar_senior_v3.yaml: price 1,000, spacing 60,
// four positions) with the treasury's full-range position.

/// sqrt(1.0001^tick), the tick's sqrt price (v3 whitepaper eq. 6.1), computed independently of
/// the pool's tick math.
double sqrt_price_of(int tick) { return std::pow(1.0001, tick / 2.0); }

/// Value of a position of liquidity L on [Pa, Pb] in quote at P inside the range: x P + y with
/// x = L (1/sqrt P - 1/sqrt Pb), y = L (sqrt P - sqrt Pa) (v3 whitepaper eqs. 6.29-6.30), i.e.
/// L (2 sqrt P - P / sqrt Pb - sqrt Pa).
double in_range_value(double liquidity, double price, double sa, double sb) {
    return liquidity * (2.0 * std::sqrt(price) - price / sb - sa);
}

TEST(AbmTreasuryLp, V3FullRangeValueAndFeesAreTheShareOfActiveLiquidity) {
    FastPool pool = make_fast_pool(load_pool(kSource + "/data/pools/solar_senior_v3.yaml"));
    auto& v3 = std::get<amm::fast::ConcentratedLiquidityPool>(pool);
    const double f = 0.003;
    // Full range on spacing 60: ticks -/+ floor(887272 / 60) 60 = -/+887220.
    const auto [lower, upper] = full_range_ticks(60);
    ASSERT_EQ(lower, -887'220);
    ASSERT_EQ(upper, 887'220);
    const double sa = sqrt_price_of(lower), sb = sqrt_price_of(upper);

    // Deposit 100 tokens and 100,000 quote at P = 1,000: L = floor(min(x / (1/sqrt P - 1/sqrt
    // Pb), y / (sqrt P - sqrt Pa))) (the inverse of eqs. 6.29-6.30), about 3,162.
    TreasuryLp lp;
    const double s = std::sqrt(1'000.0);
    const double liquidity = std::floor(std::min(100.0 / (1.0 / s - 1.0 / sb), 100'000.0 / (s - sa)));
    const auto used = lp.deposit(pool, 100.0, 100'000.0);
    const auto position = v3.position("treasury", lower, upper);
    ASSERT_TRUE(position.has_value());
    EXPECT_EQ(position->liquidity, liquidity);
    EXPECT_NEAR(used.amount1, liquidity * (s - sa), 1e-12 * used.amount1);
    EXPECT_NEAR(used.amount0, liquidity * (1.0 / s - 1.0 / sb), 1e-12 * used.amount0);
    LpHoldings h = lp.holdings(pool);
    EXPECT_NEAR(h.value(1'000.0), in_range_value(liquidity, 1'000.0, sa, sb), 1e-12 * h.value(1'000.0));
    EXPECT_NEAR(h.value(1'000.0), 2.0 * liquidity * s, 1e-12 * h.value(1'000.0));  // full range: 2 L sqrt(P)
    EXPECT_EQ(h.fees_value(1'000.0), 0.0);

    // Swaps inside one tick range (no initialized tick crossed): each pays fee x input into fee
    // growth per unit of active liquidity (whitepaper 6.2.3: f_g += fee / L), so the treasury earns
    // fee x input x L_treasury / L_active of it.
    const double active = v3.liquidity();
    const double x = 20'000.0;  // quote in
    const auto buy = v3.swap_exact_in(false, x);
    ASSERT_EQ(buy.ticks_crossed, 0);
    ASSERT_EQ(v3.liquidity(), active);
    h = lp.holdings(pool);
    EXPECT_NEAR(h.fees1, f * x * liquidity / active, 1e-9 * f * x);
    EXPECT_EQ(h.fees0, 0.0);
    const double y = 15.0;  // tokens in
    const auto sale = v3.swap_exact_in(true, y);
    ASSERT_EQ(sale.ticks_crossed, 0);
    h = lp.holdings(pool);
    EXPECT_NEAR(h.fees0, f * y * liquidity / active, 1e-9 * f * y);
    // The value at the new price: the principal by eqs. 6.29-6.30 plus the uncollected fees.
    const double p = v3.price();
    EXPECT_NE(p, 1'000.0);
    EXPECT_NEAR(h.value(p), in_range_value(liquidity, p, sa, sb) + h.fees0 * p + h.fees1, 1e-9 * h.value(p));
    EXPECT_NEAR(h.fees_value(p), (f * y * p + f * x) * liquidity / active, 1e-9 * f * x);

    // A second mint folds the fees earned so far into tokens owed (as on chain); the total to
    // date is unchanged by it.
    const LpHoldings before = lp.holdings(pool);
    (void)lp.deposit(pool, 10.0, 1e9);
    h = lp.holdings(pool);
    EXPECT_NEAR(h.fees0, before.fees0, 1e-12);
    EXPECT_NEAR(h.fees1, before.fees1, 1e-12);
    EXPECT_GT(v3.position("treasury", lower, upper)->tokens_owed1, 0.0);
}

// ---- the engine: the treasury's series.

Traits holding() {
    Traits t;
    t.take_profit = Distribution::constant(1e9);
    t.stop_loss = Distribution::constant(1.0);
    t.sell_fraction = Distribution::constant(0.0);
    t.cliff_sell = Distribution::constant(0.0);
    t.staking = Distribution::constant(0.0);
    return t;
}

Cohort cohort(std::string name, Role role, double share, int agents, double tge = 1.0) {
    Cohort c;
    c.name = std::move(name);
    c.role = role;
    c.share = share;
    c.agents = agents;
    c.vesting.tge = tge;
    c.traits = holding();
    return c;
}

/// 52,000 tokens: 20% liquidity (the pool's 10,400 tokens), 10% treasury, 70% holders who sell
/// `cliff_sell` of what unlocks; buyers arrive from month 0.
Spec treasury_spec(const std::string& pool_file, double buyers) {
    Spec s;
    s.name = "treasury";
    s.decimals = 6;
    s.total_supply_units = 52'000'000'000;
    s.months = 12;
    s.cohorts = {cohort("liquidity", Role::Liquidity, 0.2, 1), cohort("treasury", Role::Treasury, 0.1, 1),
                 cohort("holders", Role::Holders, 0.7, 20, 0.25)};
    s.cohorts[2].vesting.months = 12;
    s.cohorts[2].traits.cliff_sell = Distribution::constant(0.5);
    s.price.model = PriceModel::Pool;
    s.price.pool_file = pool_file;
    s.price.pool = load_pool(kSource + "/data/pools/" + pool_file);
    s.demand.arrivals_per_month = buyers;
    s.demand.budget = {Distribution::Kind::LogNormal, std::log(5'000.0), 0.5};
    s.demand.traits = holding();
    s.demand.traits.take_profit = {Distribution::Kind::LogNormal, std::log(0.02), 0.5};
    s.demand.traits.sell_fraction = Distribution::constant(0.5);
    return s;
}

TEST(AbmTreasury, FirstDepositIsWorthTwiceItsQuote) {
    // Only the TGE sale: 20 holders of 1,820 tokens each sell floor(1.25% x 1,820) = 22 into the
    // pool at month 0 and nobody trades after; the fee's liquidity bucket is deposited at the pool price after the step's trades, so at the close of
    // month 0 the position is worth 2 x its quote (a0 P + a0 P) and has earned no fees.
    for (const std::string file : {"solar_senior_v2.yaml", "solar_senior_v3.yaml"}) {
        Spec s = treasury_spec(file, 0.0);
        s.cohorts[2].vesting.months = 0;  // everything at TGE, nothing later
        s.cohorts[2].vesting.tge = 1.0;
        s.cohorts[2].traits.cliff_sell = Distribution::constant(0.0125);
        const RunResult r = run_one(build_model(s), 1, 0, RunOptions{true, false});
        ASSERT_GT(r.treasury_lp_quote, 0.0) << file;
        const double deposited = r.treasury_lp_quote;  // month 0 only: later months have no sales
        EXPECT_NEAR(r.at(kTreasuryLpValue, 0), 2.0 * deposited, 2.0 * deposited * 1e-6) << file;
        EXPECT_EQ(r.at(kTreasuryLpFees, 0), 0.0) << file;
        // Nobody trades after month 0: the value and the (zero) fees stay put.
        for (int t = 1; t <= r.months; ++t) {
            EXPECT_NEAR(r.at(kTreasuryLpValue, t), r.at(kTreasuryLpValue, 0), 2.0 * deposited * 1e-6) << file << " " << t;
            EXPECT_EQ(r.at(kTreasuryLpFees, t), 0.0) << file << " " << t;
        }
    }
}

TEST(AbmTreasury, V2FeesOfTheRunAreTheShareOfTheArbitrageursFee) {
    // Month 0: holders sell 22 tokens each into the v2 pool, the arbitrageur buys back to the
    // reference 1,000 (1 - 0.3%), and the fee's liquidity bucket becomes the treasury's position,
    // share s of the pool. Month 1: the reference jumps to 1,100 and the arbitrageur alone buys
    // X quote (the month's volume). The v2 fee stays in the reserves pro rata to the shares, so
    // the treasury earned 0.003 X s (v2 whitepaper 3.2.1), with s read back as the position's
    // value over the pool's, both at the month-0 close (LP value = s (r0 P + r1)).
    Spec s = treasury_spec("solar_senior_v2.yaml", 0.0);
    s.months = 2;
    s.cohorts[2].share = 0.6;
    s.cohorts[2].vesting.tge = 1.0;
    s.cohorts[2].vesting.months = 0;
    s.cohorts[2].traits.cliff_sell = Distribution::constant(0.0125);
    s.cohorts.push_back(cohort("arb", Role::Arbitrageur, 0.1, 1));
    s.arbitrage.enabled = true;
    s.arbitrage.path = Arbitrage::Path::Csv;
    s.arbitrage.csv_file = "inline";
    s.arbitrage.csv_prices = {1'000.0, 1'100.0, 1'100.0};
    const RunResult r = run_one(build_model(s), 1, 0, RunOptions{true, false});
    const double p0 = r.at(kPrice, 0);
    const double share = r.at(kTreasuryLpValue, 0) / (r.at(kPoolTokens, 0) * p0 + r.at(kPoolQuote, 0));
    ASSERT_GT(share, 0.0);
    ASSERT_LT(share, 0.01);
    const double x = r.at(kVolume, 1);
    ASSERT_GT(x, 1e5);  // the jump is a large trade: 10,400 tokens of depth x a 10% move
    EXPECT_NEAR(r.at(kPrice, 1), 1'100.0 * (1.0 - 0.003), 1e-6);
    EXPECT_EQ(r.at(kTreasuryLpFees, 0), 0.0);
    EXPECT_NEAR(r.at(kTreasuryLpFees, 1), 0.003 * x * share, 0.003 * x * share * 1e-6);
    EXPECT_EQ(r.at(kTreasuryLpFees, 2), r.at(kTreasuryLpFees, 1));  // nobody trades in month 2
}

TEST(AbmTreasury, TotalValueIsQuotePlusTokensAtThePricePlusTheLpPosition) {
    for (const std::string file : {"solar_senior_v2.yaml", "solar_senior_v3.yaml"}) {
        const Model m = build_model(treasury_spec(file, 30.0));
        for (std::uint64_t run = 0; run < 3; ++run) {
            RunResult r;
            ASSERT_NO_THROW(r = run_one(m, 11, run, RunOptions{true, false})) << file;  // the ledger, every step
            bool deployed = false;
            for (int t = 0; t <= r.months; ++t) {
                const double price = r.at(kPrice, t), lp = r.at(kTreasuryLpValue, t), fees = r.at(kTreasuryLpFees, t);
                const double expected = r.at(kTreasuryQuote, t) + r.at(kTreasuryTokens, t) * price + lp;
                EXPECT_NEAR(r.at(kTreasuryValue, t), expected, expected * 1e-12) << file << " month " << t;
                // The position is a part of the pool, and its fees a part of the position.
                const double pool_value = r.at(kPoolTokens, t) * price + r.at(kPoolQuote, t);
                EXPECT_LE(lp, pool_value * (1.0 + 1e-9)) << file << " month " << t;
                EXPECT_GE(fees, 0.0);
                EXPECT_LE(fees, lp);
                deployed = deployed || lp > 0.0;
                if (!deployed) {
                    EXPECT_EQ(fees, 0.0);
                }
            }
            EXPECT_TRUE(deployed) << file;
            EXPECT_GT(r.at(kTreasuryLpFees, r.months), 0.0) << file;  // buyers and sellers paid it fees
        }
    }
}

TEST(AbmTreasury, OtherPriceModelsHaveNoPosition) {
    Spec s = treasury_spec("solar_senior_v2.yaml", 10.0);
    s.price.model = PriceModel::Constant;
    s.price.price = 900.0;
    const RunResult r = run_one(build_model(s), 2, 0, RunOptions{true, false});
    for (int t = 0; t <= r.months; ++t) {
        EXPECT_EQ(r.at(kTreasuryLpValue, t), 0.0);
        EXPECT_EQ(r.at(kTreasuryLpFees, t), 0.0);
        EXPECT_DOUBLE_EQ(r.at(kTreasuryValue, t), r.at(kTreasuryQuote, t) + r.at(kTreasuryTokens, t) * 900.0);
    }
}

TEST(AbmTreasury, SummaryReportsTheHorizonBands) {
    const Model m = build_model(treasury_spec("solar_senior_v3.yaml", 30.0));
    McOptions o;
    o.runs = 5;
    o.threads = 1;
    o.check_invariants = true;
    const McResult r = run_abm(m, o);
    const Table summary = abm_summary_table(r);
    const std::string csv = to_csv(summary);
    const auto last = static_cast<std::size_t>(m.spec.months);
    for (const char* name : {"treasury_lp_value_p50", "treasury_lp_fees_p50", "treasury_value_p10", "treasury_value_p50",
                             "treasury_value_p90"})
        EXPECT_NE(csv.find(name), std::string::npos) << name;
    EXPECT_LE(r.bands[kTreasuryValue].p10[last], r.bands[kTreasuryValue].p50[last]);
    EXPECT_LE(r.bands[kTreasuryValue].p50[last], r.bands[kTreasuryValue].p90[last]);
    EXPECT_GT(r.bands[kTreasuryLpValue].p50[last], 0.0);
    const Table steps = abm_steps_table(r);
    const std::string steps_csv = to_csv(steps);
    for (const char* name : {"treasury_lp_value_p50", "treasury_lp_fees_p50", "treasury_value_p10", "treasury_value_p90"})
        EXPECT_NE(steps_csv.find(name), std::string::npos) << name;
}

}  // namespace
