// `pftoken abm` spec: strict reading (file:line:col, field, constraint), allocations by the
// largest remainder, and the exact vesting schedule (docs/abm.md, "Token and vesting").
#include <gtest/gtest.h>

#include <chrono>
#include <numeric>
#include <string>

#include "pftoken/error.hpp"
#include "pftoken/integration/abm/spec.hpp"
#include "support/gtest_extra.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration::abm;

const std::string kMinimal = R"(name: test
token: {symbol: TST, decimals: 6, total_supply_units: 1_000_000_000}
months: 24
cohorts:
  - {name: team, share: 0.2, agents: 3, vesting: {tge: 0, cliff_months: 12, months: 12}}
  - {name: community, share: 0.8, agents: 5}
price: {model: constant, price: 1.5}
)";

TEST(AbmSpec, ReadsAMinimalSpecWithItsDefaults) {
    const Spec s = parse_spec(kMinimal);
    EXPECT_EQ(s.symbol, "TST");
    EXPECT_EQ(s.total_supply_units, 1'000'000'000);
    ASSERT_EQ(s.cohorts.size(), 2U);
    EXPECT_EQ(s.cohorts[0].vesting.cliff_months, 12);
    EXPECT_DOUBLE_EQ(s.cohorts[1].vesting.tge, 1.0);  // no vesting block: all at TGE
    // Issue #15 defaults: staking capacity 50%, lock-up 6 months, fee 2% split 50/30/20.
    EXPECT_DOUBLE_EQ(s.staking.capacity, 0.5);
    EXPECT_EQ(s.staking.lockup_months, 6);
    EXPECT_DOUBLE_EQ(s.treasury.fee, 0.02);
    EXPECT_DOUBLE_EQ(s.treasury.hold, 0.5);
    EXPECT_DOUBLE_EQ(s.treasury.liquidity, 0.3);
    EXPECT_DOUBLE_EQ(s.treasury.buyback, 0.2);
}

TEST(AbmSpec, SharesMustSumToOneHundredPercent) {
    std::string text = kMinimal;
    text.replace(text.find("share: 0.8"), 10, "share: 0.7");
    EXPECT_THROW_MSG((void)parse_spec(text), InputError, "spec:5:3: cohorts: shares must sum to 100%, got 90%");
}

TEST(AbmSpec, UnknownKeysAndBadValuesAreReportedAtTheirPosition) {
    std::string text = kMinimal;
    text.replace(text.find("agents: 5"), 9, "agnets: 5");
    EXPECT_THROW_MSG((void)parse_spec(text), InputError, "spec:6:35: cohorts[1].agnets: unknown key (did you mean 'agents'?)");
    std::string model = kMinimal;
    model.replace(model.find("model: constant"), 15, "model: constnt");
    EXPECT_THROW_MSG((void)parse_spec(model), InputError,
                     "spec:7:16: price.model: must be one of constant, bonding_curve, equation_of_exchange, issuance, pool; "
                     "got 'constnt' (did you mean 'constant'?)");
}

TEST(AbmSpec, TraitDistributionsMustFitTheTraitsDomain) {
    const std::string text = kMinimal + R"(demand:
  arrivals_per_month: 2
  budget: {dist: lognormal, mu: 6, sigma: 1}
  traits:
    sell_fraction: {dist: gamma, shape: 2, scale: 0.1}
    stop_loss: {dist: normal, mean: 0.3, sd: 0.1, min: -0.5, max: 1}
)";
    EXPECT_THROW_MSG((void)parse_spec(text), InputError,
                     "demand.traits.sell_fraction.dist: gamma draws in (0, inf), outside [0, 1]");
    EXPECT_THROW_MSG((void)parse_spec(text), InputError, "demand.traits.stop_loss.min: must be >= 0, got -0.5");
}

TEST(AbmSpec, AllocationWeightsAndParetoDraws) {
    std::string text = kMinimal;
    text.replace(text.find("agents: 5}"), 10, "agents: 5, allocation_weights: {dist: pareto, min: 1, alpha: 1.16}}");
    const Spec s = parse_spec(text);
    EXPECT_EQ(s.cohorts[1].allocation_weights.kind, Distribution::Kind::Pareto);
    EXPECT_DOUBLE_EQ(s.cohorts[1].allocation_weights.a, 1.0);
    EXPECT_DOUBLE_EQ(s.cohorts[1].allocation_weights.b, 1.16);
    EXPECT_EQ(s.cohorts[0].allocation_weights.kind, Distribution::Kind::Constant);  // default: the equal split
    // Pareto draws lie in [min, inf): refused for a share.
    const std::string trait = kMinimal + "demand: {traits: {cliff_sell: {dist: pareto, min: 0.1, alpha: 2}}}\n";
    EXPECT_THROW_MSG((void)parse_spec(trait), InputError,
                     "spec:8:38: demand.traits.cliff_sell.dist: pareto draws in [min, inf), outside [0, 1]");
}

TEST(AbmSpec, ProjectDemandSensitivitiesAndTgeDate) {
    const std::string project = kMinimal +
                                "project:\n"
                                "  token: SUN-EQ\n"
                                "  tge_date: 2026-10-15\n"
                                "  demand_cut_when_blocked: 1.5\n"
                                "  demand_on_distribution: -0.1\n";
    EXPECT_THROW_MSG((void)parse_spec(project), InputError, "spec:11:28: project.demand_cut_when_blocked: must be in [0, 1], got 1.5");
    EXPECT_THROW_MSG((void)parse_spec(project), InputError, "spec:12:27: project.demand_on_distribution: must be in [0, 100], got -0.1");
    std::string ok = project;
    ok.replace(ok.find("blocked: 1.5"), 12, "blocked: 0.5");
    ok.replace(ok.find("distribution: -0.1"), 18, "distribution: 0.2");
    const Spec s = parse_spec(ok);
    ASSERT_TRUE(s.project.tge_date.has_value());
    EXPECT_EQ(*s.project.tge_date, std::chrono::year{2026} / 10 / 15);
    EXPECT_EQ(s.project.tge_date_at.str(), "spec:10:13");
    EXPECT_DOUBLE_EQ(s.project.demand_cut_when_blocked, 0.5);
    EXPECT_DOUBLE_EQ(s.project.demand_on_distribution, 0.2);
    EXPECT_DOUBLE_EQ(s.project.demand_cut_on_default, 0.0);  // defaults: today's demand
    EXPECT_TRUE(s.project.demand_reacts());
}

TEST(AbmSpec, TreasurySplitAndPoolNeedTheirCounterparts) {
    std::string text = kMinimal + "treasury: {hold: 0.5, liquidity: 0.3, buyback: 0.3}\n";
    EXPECT_THROW_MSG((void)parse_spec(text), InputError, "treasury: hold + liquidity + buyback must sum to 1, got 1.1");
    std::string curve = kMinimal;
    curve.replace(curve.find("{model: constant, price: 1.5}"), 29, "{model: bonding_curve, k: 1e-6, n: 1}");
    EXPECT_THROW_MSG((void)parse_spec(curve), InputError,
                     "cohorts: the bonding curve sells the liquidity cohort's tokens: add a cohort with role liquidity");
}

// Largest remainder: 10 units over three equal shares give 4, 3, 3 (the tie goes to the first).
TEST(AbmVesting, AllocationsSumToTheSupplyByTheLargestRemainder) {
    Spec s;
    s.total_supply_units = 10;
    s.cohorts.resize(3);
    for (auto& c : s.cohorts) c.share = 1.0 / 3.0;
    EXPECT_EQ(allocations(s), (std::vector<std::int64_t>{4, 3, 3}));
    s.total_supply_units = 1'000'000'007;
    s.cohorts[0].share = 0.155, s.cohorts[1].share = 0.345, s.cohorts[2].share = 0.5;
    const auto a = allocations(s);
    EXPECT_EQ(std::accumulate(a.begin(), a.end(), std::int64_t{0}), 1'000'000'007);
    EXPECT_EQ(split_part(10, 3, 0) + split_part(10, 3, 1) + split_part(10, 3, 2), 10);
    EXPECT_EQ(split_part(10, 3, 0), 4);
}

// Cumulative floor: 10 units linear over 3 months after a 2-month cliff vest floor(10 j / 3):
// 3, 6, 10 at months 3, 4, 5 (releases 3, 3, 4), nothing before.
TEST(AbmVesting, LinearReleaseIsTheCumulativeFloor) {
    Vesting v;
    v.cliff_months = 2;
    v.months = 3;
    EXPECT_EQ(vesting_schedule(10, v, 6), (std::vector<std::int64_t>{0, 0, 0, 3, 6, 10, 10}));
    v.tge = 0.25;  // floor(10 * 0.25) = 2 at TGE, then floor(8 j / 3): 2, 5, 8
    EXPECT_EQ(vesting_schedule(10, v, 6), (std::vector<std::int64_t>{2, 2, 2, 4, 7, 10, 10}));
}

TEST(AbmVesting, SteppedAndCliffOnlyReleases) {
    Vesting v;
    v.cliff_months = 1;
    v.months = 6;
    v.release = Release::Stepped;
    v.step_months = 3;  // two releases, at months 4 and 7
    EXPECT_EQ(vesting_schedule(1'000'001, v, 8),
              (std::vector<std::int64_t>{0, 0, 0, 0, 500'000, 500'000, 500'000, 1'000'001, 1'000'001}));
    Vesting cliff;
    cliff.cliff_months = 3;  // months 0: everything at the cliff
    EXPECT_EQ(vesting_schedule(7, cliff, 4), (std::vector<std::int64_t>{0, 0, 0, 7, 7}));
}

TEST(AbmVesting, ReleasesSumExactlyToLargeAllocations) {
    // 2^53 - 1 units over 47 months with a 13% TGE: whole units, monotone, ending at A exactly.
    const std::int64_t a = 9'007'199'254'740'991;
    Vesting v;
    v.tge = 0.13;
    v.cliff_months = 5;
    v.months = 47;
    const auto cum = vesting_schedule(a, v, 60);
    for (std::size_t t = 1; t < cum.size(); ++t) EXPECT_LE(cum[t - 1], cum[t]);
    EXPECT_EQ(cum.back(), a);
}

}  // namespace
