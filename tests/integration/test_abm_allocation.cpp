// `pftoken abm` allocation weights (docs/abm.md, "Token and vesting"): skewed cap tables drawn
// once per model, split in whole units by the largest remainder, each agent vesting
// floor(a_i C(t) / A) of its cohort's schedule C; the Pareto and lognormal Lorenz curves as the
// closed-form check of the draws; the equal split as the constant case.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "pftoken/error.hpp"
#include "pftoken/integration/abm/engine.hpp"
#include "support/gtest_extra.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration;
using namespace pftoken::integration::abm;

Traits holding() {
    Traits t;
    t.take_profit = Distribution::constant(1e9);
    t.stop_loss = Distribution::constant(1.0);
    t.sell_fraction = Distribution::constant(0.0);
    return t;
}

/// One holder cohort of `agents` with `weights` (share 0.9) and a liquidity cohort at TGE.
Spec weighted_spec(int agents, Distribution weights, std::int64_t supply = 1'000'000'000'000) {
    Spec s;
    s.decimals = 6;
    s.total_supply_units = supply;
    s.months = 30;
    Cohort holders;
    holders.name = "holders";
    holders.share = 0.9;
    holders.agents = agents;
    holders.allocation_weights = weights;
    holders.vesting.tge = 0.1;
    holders.vesting.cliff_months = 3;
    holders.vesting.months = 24;
    holders.traits = holding();
    Cohort market;
    market.name = "market";
    market.role = Role::Liquidity;
    market.share = 0.1;
    market.vesting.tge = 1.0;
    s.cohorts = {holders, market};
    s.price.model = PriceModel::Constant;
    s.price.price = 1.0;
    return s;
}

/// Share of the cohort's allocation held by its top `fraction` of agents.
double top_share(std::vector<std::int64_t> a, double fraction) {
    std::sort(a.begin(), a.end(), std::greater<>());
    const auto top = static_cast<std::size_t>(fraction * static_cast<double>(a.size()));
    const auto sum = [](auto first, auto last) { return static_cast<double>(std::accumulate(first, last, std::int64_t{0})); };
    return sum(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(top)) / sum(a.begin(), a.end());
}

double median_over_mean(std::vector<std::int64_t> a) {
    std::sort(a.begin(), a.end());
    const double mean = static_cast<double>(std::accumulate(a.begin(), a.end(), std::int64_t{0})) / static_cast<double>(a.size());
    return 0.5 * static_cast<double>(a[a.size() / 2 - 1] + a[a.size() / 2]) / mean;
}

TEST(AbmAllocationWeights, EqualQuotasGiveTheEqualSplit) {
    // The constant case's rule (floor(A/N), the first A mod N agents one unit more) is the
    // largest remainder of equal quotas: every remainder ties, the ties go to the earlier agent.
    const std::int64_t a = 1'000'003;
    const std::vector<long double> quotas(7, static_cast<long double>(a) / 7.0L);
    const auto parts = largest_remainder(a, quotas);
    for (std::int64_t i = 0; i < 7; ++i) EXPECT_EQ(parts[static_cast<std::size_t>(i)], split_part(a, 7, i)) << i;
    // 10 units by quotas 5.5, 2.5, 2.0: floors 5, 2, 2 and the one unit left to the first 0.5 remainder.
    EXPECT_EQ(largest_remainder(10, {5.5L, 2.5L, 2.0L}), (std::vector<std::int64_t>{6, 2, 2}));
}

TEST(AbmAllocationWeights, AgentVestingIsTheFloorOfItsShareOfTheCohortSchedule) {
    // floor(a C / A) with a C beyond 2^64: a = 2^52, C = 2^52 + 3, A = 2^53 - 1:
    // a C = 20282409603651683934746133397504 > 2^64; Python's exact integers give
    // 2**52 * (2**52 + 3) // (2**53 - 1) = 2251799813685249.
    const std::int64_t a = std::int64_t{1} << 52, c = (std::int64_t{1} << 52) + 3, total = (std::int64_t{1} << 53) - 1;
    EXPECT_EQ(agent_vested(a, c, total), 2'251'799'813'685'249);
    EXPECT_EQ(agent_vested(a, total, total), a);  // the whole schedule: a exactly
    EXPECT_EQ(agent_vested(7, 5, 10), 3);         // floor(35 / 10)
    EXPECT_EQ(agent_vested(0, 5, 10), 0);
    EXPECT_EQ(agent_vested(0, 0, 0), 0);          // an empty cohort
}

TEST(AbmAllocationWeights, ParetoCapTableFollowsItsLorenzCurve) {
    // Pareto(alpha) weights: the top share p of holders holds p^(1 - 1/alpha) of the allocation
    // (the Pareto Lorenz curve L(F) = 1 - (1 - F)^(1 - 1/alpha); B. C. Arnold, "Pareto
    // Distributions", 2nd ed., 2015, sec. 5.1), whatever x_m. alpha = 3, p = 20%: 0.2^(2/3) =
    // 0.341995. And median / mean = 2^(1/alpha) (alpha - 1) / alpha = 0.839947.
    const Model m = build_model(weighted_spec(200'000, {Distribution::Kind::Pareto, 2.0, 3.0}));
    const auto& a = m.agent_allocation[0];
    ASSERT_EQ(a.size(), 200'000U);
    EXPECT_EQ(std::accumulate(a.begin(), a.end(), std::int64_t{0}), m.allocation[0]);  // whole units, summing exactly
    EXPECT_NEAR(top_share(a, 0.2), std::pow(0.2, 2.0 / 3.0), 0.01);
    EXPECT_NEAR(median_over_mean(a), std::cbrt(2.0) * 2.0 / 3.0, 0.01);
}

TEST(AbmAllocationWeights, LognormalCapTableFollowsItsLorenzCurve) {
    // LogNormal(mu, sigma) weights: L(F) = Phi(Phi^-1(F) - sigma) (Aitchison and Brown, "The
    // Lognormal Distribution", 1957, sec. 11.2): the top 20% hold 1 - Phi(Phi^-1(0.8) - 1) =
    // Phi(1 - 0.841621) = 0.562921 for sigma = 1; median / mean = exp(-sigma^2 / 2) = 0.606531.
    const Model m = build_model(weighted_spec(200'000, {Distribution::Kind::LogNormal, 4.0, 1.0}));
    const auto& a = m.agent_allocation[0];
    EXPECT_EQ(std::accumulate(a.begin(), a.end(), std::int64_t{0}), m.allocation[0]);
    EXPECT_NEAR(top_share(a, 0.2), 0.562921, 0.005);
    EXPECT_NEAR(median_over_mean(a), std::exp(-0.5), 0.01);
}

TEST(AbmAllocationWeights, WeightedAgentsVestTheirAllocationExactly) {
    // Gamma weights, a stepped schedule with a TGE share, an awkward supply: a constant-price run
    // in which nobody trades releases the cohort's schedule (the sum of its agents') and every
    // agent ends with its own allocation; the ledger is checked every step.
    Spec s = weighted_spec(997, {Distribution::Kind::Gamma, 0.5, 3.0}, 1'000'000'007);
    s.cohorts[0].vesting.release = Release::Stepped;
    s.cohorts[0].vesting.step_months = 4;
    const Model m = build_model(s);
    const auto& a = m.agent_allocation[0];
    const auto& whole = m.allocation_schedule[0];
    ASSERT_EQ(whole.back(), m.allocation[0]);
    for (std::size_t t = 0; t < whole.size(); ++t) {
        std::int64_t sum = 0;
        for (const auto ai : a) sum += agent_vested(ai, whole[t], m.allocation[0]);
        EXPECT_EQ(m.cohort_schedule[0][t], sum) << "month " << t;
        if (t > 0) {
            EXPECT_LE(m.cohort_schedule[0][t - 1], m.cohort_schedule[0][t]);
        }
    }
    EXPECT_EQ(m.cohort_schedule[0].back(), m.allocation[0]);
    RunOptions o;
    o.check_invariants = true;
    const RunResult r = run_one(m, 3, 0, o);
    for (int t = 0; t <= s.months; ++t)
        EXPECT_EQ(r.at(kCirculating, t), static_cast<double>(m.cohort_schedule[0][static_cast<std::size_t>(t)]) / 1e6) << t;
    EXPECT_EQ(r.cohorts[0].received, m.allocation[0]);
    // Unequal: the largest allocation is many times the smallest.
    EXPECT_GT(*std::max_element(a.begin(), a.end()), 10 * *std::min_element(a.begin(), a.end()));
}

TEST(AbmAllocationWeights, LedgerHoldsWithWeightedCohortsThatTrade) {
    // Random weighted cap tables (lognormal, gamma, Pareto, beta) over random vesting, with agents
    // that take profit, stop losses, sell into cliffs and stake, trading into the solar senior
    // token's v3 pool: the integer ledger (agents' sums included) holds after every step and
    // every cohort receives its allocation exactly by the horizon.
    std::mt19937_64 g(15);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const Distribution kinds[] = {{Distribution::Kind::LogNormal, 0.0, 1.5},
                                  {Distribution::Kind::Gamma, 0.3, 2.0},
                                  {Distribution::Kind::Pareto, 1.0, 1.2},
                                  {Distribution::Kind::Beta, 0.5, 0.5}};
    int sold = 0;
    for (int k = 0; k < 8; ++k) {
        Spec s;
        s.decimals = 6;
        s.total_supply_units = 52'000'000'000;  // the pool's 10,400 tokens are the liquidity cohort's 20%
        s.months = 30;
        s.seed = 100 + static_cast<std::uint64_t>(k);
        Traits t;
        t.take_profit = {Distribution::Kind::LogNormal, std::log(0.2), 0.5};
        t.stop_loss = {Distribution::Kind::Beta, 2.0, 5.0};
        t.sell_fraction = {Distribution::Kind::Beta, 2.0, 2.0};
        t.cliff_sell = {Distribution::Kind::Beta, 1.0, 2.0};
        t.staking = {Distribution::Kind::Beta, 1.0, 3.0};
        for (int c = 0; c < 3; ++c) {
            Cohort h;
            h.name = "h" + std::to_string(c);
            h.share = 0.2;
            h.agents = 1 + static_cast<int>(g() % 300);
            h.allocation_weights = kinds[(static_cast<std::size_t>(k) + static_cast<std::size_t>(c)) % 4];
            h.vesting.tge = u(g) < 0.5 ? 0.0 : 0.3 * u(g);
            h.vesting.cliff_months = static_cast<int>(g() % 6);
            h.vesting.months = 1 + static_cast<int>(g() % 18);
            h.traits = t;
            s.cohorts.push_back(h);
        }
        Cohort treasury, liquidity;
        treasury.name = "treasury", treasury.role = Role::Treasury, treasury.share = 0.2, treasury.vesting.tge = 1.0;
        liquidity.name = "liquidity", liquidity.role = Role::Liquidity, liquidity.share = 0.2, liquidity.vesting.tge = 1.0;
        s.cohorts.push_back(treasury);
        s.cohorts.push_back(liquidity);
        s.demand.arrivals_per_month = 10.0;
        s.demand.budget = {Distribution::Kind::LogNormal, std::log(500.0), 1.0};
        s.demand.traits = t;
        s.price.model = PriceModel::Pool;
        s.price.pool = integration::load_pool(std::string(PFTOKEN_SOURCE_DIR) + "/data/pools/solar_senior_v3.yaml");
        const Model m = build_model(s);
        RunOptions o;
        o.check_invariants = true;  // InternalError at the first step whose ledger breaks
        for (std::uint64_t run = 0; run < 2; ++run) {
            RunResult r;
            ASSERT_NO_THROW(r = run_one(m, 7, run, o)) << "spec " << k;
            for (std::size_t c = 0; c < s.cohorts.size(); ++c)
                EXPECT_EQ(r.cohorts[c].received, m.allocation[c]) << "spec " << k << " cohort " << c;
            for (std::size_t c = 0; c < 3; ++c) sold += r.cohorts[c].sold > 0 ? 1 : 0;
        }
    }
    EXPECT_GT(sold, 24);  // the weighted holders did trade
}

TEST(AbmAllocationWeights, WeightsAreDrawnOncePerModel) {
    // The cap table is a property of the model (the spec's seed), the same for every run.
    const Spec s = weighted_spec(50, {Distribution::Kind::LogNormal, 0.0, 2.0});
    EXPECT_EQ(build_model(s).agent_allocation, build_model(s).agent_allocation);
    Spec other = s;
    other.seed = s.seed + 1;
    EXPECT_NE(build_model(other).agent_allocation, build_model(s).agent_allocation);
    // A constant weight, whatever its value, is the equal split (two schedules, no per-agent table).
    Spec equal = s;
    equal.cohorts[0].allocation_weights = Distribution::constant(5.0);
    const Model e = build_model(equal);
    EXPECT_TRUE(e.agent_allocation[0].empty());
    EXPECT_FALSE(e.agent_schedule[0][0].empty());
}

TEST(AbmAllocationWeights, WeightsMustBePositiveAndOnHolders) {
    Spec s = weighted_spec(10, {Distribution::Kind::Normal, 1.0, 0.5, -1.0, 3.0});
    EXPECT_THROW_MSG(s.validate(), InputError, "cohorts[0].allocation_weights.min: must be >= 0, got -1");
    s.cohorts[0].allocation_weights = Distribution::constant(0.0);
    EXPECT_THROW_MSG(s.validate(), InputError, "cohorts[0].allocation_weights: must be > 0, got 0");
    s.cohorts[0].allocation_weights = Distribution::constant(1.0);
    s.cohorts[1].allocation_weights = {Distribution::Kind::Pareto, 1.0, 2.0};
    EXPECT_THROW_MSG(s.validate(), InputError,
                     "cohorts[1].allocation_weights: only a cohort with role holders splits its allocation among agents");
    s.cohorts[1].allocation_weights = Distribution::constant(1.0);
    s.cohorts[0].allocation_weights = {Distribution::Kind::Pareto, 1.0, 0.0};
    EXPECT_THROW_MSG(s.validate(), InputError, "cohorts[0].allocation_weights.alpha: must be > 0, got 0");
    s.cohorts[0].allocation_weights = {Distribution::Kind::LogNormal, 0.0, 1e4};  // draws overflow to infinity
    EXPECT_THROW_MSG((void)build_model(s), InputError,
                     "cohorts[0].allocation_weights: the 10 drawn weights must have a finite positive sum, got inf");
}

}  // namespace
