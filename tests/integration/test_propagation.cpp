// Scenario propagation: determinism, a quiet market, and the LVR of a fee-free constant-product
// pool against the closed form of Milionis, Moallemi, Roughgarden, Zhang (2022).
#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <cstring>
#include <vector>

#include "pftoken/error.hpp"
#include "pftoken/integration/propagation.hpp"
#include "support/builders.hpp"
#include "support/gtest_extra.hpp"

namespace {

using namespace pftoken::integration;

using pftoken::test::v2_pool;

TEST(Propagation, SameSeedSameBits) {
    PropagationOptions o;
    o.paths = 20;
    o.noise_trade_tokens = 5.0;
    o.exit_tokens = 50.0;
    const auto a = propagate(v2_pool(10'000.0, 10'000'000.0, 0.003), 1000.0, o);
    const auto b = propagate(v2_pool(10'000.0, 10'000'000.0, 0.003), 1000.0, o);
    EXPECT_EQ(std::memcmp(&a.lp_pnl_mean, &b.lp_pnl_mean, sizeof(double)), 0);
    EXPECT_EQ(a.gap_percentiles, b.gap_percentiles);
    EXPECT_EQ(a.exit_cost_mean, b.exit_cost_mean);
    o.seed = 7;
    const auto c = propagate(v2_pool(10'000.0, 10'000'000.0, 0.003), 1000.0, o);
    EXPECT_NE(a.lp_pnl_mean, c.lp_pnl_mean);
}

// No volatility, no noise, pool at the fair value: nothing trades. The exit cost of selling Q
// is then the v2 closed form 1 - out / (Q p), out = Q(1-f) y / (x + Q(1-f)) (Adams et al. 2020).
TEST(Propagation, QuietMarketHasNoTradesAndTheClosedFormExitCost) {
    PropagationOptions o;
    o.paths = 3;
    o.volatility = 0.0;
    o.exit_tokens = 100.0;
    const double x = 10'000.0, y = 10'000'000.0, f = 0.003;
    const auto r = propagate(v2_pool(x, y, f), 1000.0, o);
    EXPECT_DOUBLE_EQ(r.fees_mean, 0.0);
    EXPECT_DOUBLE_EQ(r.lvr_mean, 0.0);
    for (double g : r.gap_percentiles) EXPECT_NEAR(g, 0.0, 1e-15);
    const double out = 100.0 * (1 - f) * y / (x + 100.0 * (1 - f));
    ASSERT_EQ(r.exit_cost_mean.size(), 4u);
    for (double c : r.exit_cost_mean) EXPECT_NEAR(c, 1.0 - out / (100.0 * 1000.0), 1e-12);
}

// Milionis et al. 2022, "Automated Market Making and Loss-Versus-Rebalancing", Example (CPMM):
// instantaneous LVR = sigma^2 / 8 x pool value. Fee-free pool arbitraged every day for a year,
// sigma = 0.3, pool value 2e7: E[LVR] ~ 0.09 / 8 x 2e7 = 225,000 (pool value drifts with the
// price but stays a martingale-like O(1) factor; a 5% band covers discretisation and noise).
TEST(Propagation, FeeFreeLvrMatchesTheClosedForm) {
    PropagationOptions o;
    o.paths = 400;
    o.steps_per_year = 365;
    o.volatility = 0.3;
    o.report_every = 365;
    const auto r = propagate(v2_pool(10'000.0, 10'000'000.0, 0.0), 1000.0, o);
    const double expected = 0.09 / 8.0 * 2e7;
    EXPECT_NEAR(r.lvr_mean / expected, 1.0, 0.05) << r.lvr_mean;
    EXPECT_DOUBLE_EQ(r.fees_mean, 0.0);
    EXPECT_NEAR(r.lp_pnl_mean, -r.lvr_mean, 1e-6 * r.lvr_mean);
}

// Fair-value paths given on dates (as mc::fair_value_paths produces them). One trading step per
// date (steps_per_year = 1 < 1 / date gap), no noise, fee-free v2 pool: the arbitrageur moves the
// pool from the previous fair value p to the new one p' each step, and the LPs lose
//   LVR = x p' + y - 2 sqrt(k p') = sqrt(k) (sqrt(p') - sqrt(p))^2 / sqrt(p)     (k = x y)
// at p' (Milionis et al. 2022, section 4; the constant-product value 2 sqrt(k p) of Adams et al.
// 2020). Before each arbitrage the pool sits at the previous fair value: gap = p / p' - 1.
TEST(Propagation, FairValuePathsOnDatesGiveTheConstantProductLvr) {
    pftoken::mc::FairValuePaths fv;
    fv.paths = 2;
    fv.time = {0.0, 0.25, 0.5, 0.75, 1.0};
    const std::vector<double> path0 = {1000.0, 1040.0, 990.0, 1010.0, 960.0};
    const std::vector<double> path1 = {1000.0, 1000.0, 1100.0, 1050.0, 1050.0};
    fv.value = path0;
    fv.value.insert(fv.value.end(), path1.begin(), path1.end());
    PropagationOptions o;
    o.paths = 2;
    o.steps_per_year = 1;
    o.report_every = 1;
    o.exit_tokens = 0.0;
    const double x = 10'000.0, y = 10'000'000.0;  // pool price 1000 = fv.mean(0)
    const auto r = propagate(v2_pool(x, y, 0.0), fv, o);
    EXPECT_EQ(r.source, "monte-carlo");
    EXPECT_EQ(r.steps, 4);
    EXPECT_EQ(r.paths_to_horizon, 2u);
    const double sqrt_k = std::sqrt(x * y);
    double lvr = 0.0;
    std::vector<double> gaps;
    for (const auto* path : {&path0, &path1})
        for (std::size_t j = 1; j < path->size(); ++j) {
            const double p = (*path)[j - 1], q = (*path)[j];
            lvr += sqrt_k * (std::sqrt(q) - std::sqrt(p)) * (std::sqrt(q) - std::sqrt(p)) / std::sqrt(p);
            gaps.push_back(p / q - 1.0);
        }
    EXPECT_NEAR(r.lvr_mean, lvr / 2.0, 1e-9 * lvr);
    EXPECT_DOUBLE_EQ(r.fees_mean, 0.0);
    std::sort(gaps.begin(), gaps.end());
    EXPECT_NEAR(r.gap_percentiles.front(), gaps.front() + 0.01 * 7 * (gaps[1] - gaps[0]), 1e-12);  // type 7, p1 of 8
    EXPECT_NEAR(r.gap_percentiles[3], 0.5 * (gaps[3] + gaps[4]), 1e-12);                           // median
    EXPECT_EQ(r.fair_value_end_percentiles[3], 0.5 * (960.0 + 1050.0));
}

// A path whose fair value reaches 0 (repaid or worthless) stops there; the others run on.
TEST(Propagation, FairValuePathsStopAtZero) {
    pftoken::mc::FairValuePaths fv;
    fv.paths = 2;
    fv.time = {0.0, 0.5, 1.0};
    fv.value = {100.0, 0.0, 0.0, 100.0, 101.0, 102.0};
    PropagationOptions o;
    o.paths = 5;  // more than there are: all of them
    o.steps_per_year = 4;  // two steps per half year
    o.report_every = 2;
    o.exit_tokens = 1.0;
    const auto r = propagate(v2_pool(1'000.0, 100'000.0, 0.003), fv, o);
    EXPECT_EQ(r.paths, 2u);
    EXPECT_EQ(r.steps, 4);
    EXPECT_EQ(r.paths_to_horizon, 1u);
    ASSERT_EQ(r.exit_time.size(), 2u);
    EXPECT_DOUBLE_EQ(r.exit_time[0], 0.5);
    EXPECT_DOUBLE_EQ(r.exit_time[1], 1.0);
    EXPECT_TRUE(std::isfinite(r.exit_cost_mean[1]));  // averaged over the one live path
    EXPECT_EQ(r.fair_value_end_percentiles.front(), 102.0);
}

// Hand-built fair-value paths that do not fit together are rejected before anything runs.
TEST(Propagation, MalformedFairValuePathsAreRejected) {
    pftoken::mc::FairValuePaths fv;
    fv.paths = 2;
    fv.time = {0.0, 0.5, 1.0};
    fv.value = {100.0, 101.0, 102.0, 100.0, 99.0};
    EXPECT_THROW_MSG(
        (void)propagate(v2_pool(1'000.0, 100'000.0, 0.003), fv, PropagationOptions{}),
        pftoken::Error,
        "propagation: fair-value paths: value must hold paths x dates = 6 numbers, got 5");
    fv.value.push_back(98.0);
    fv.time = {0.0, 0.5, 0.5};
    EXPECT_THROW_MSG(
        (void)propagate(v2_pool(1'000.0, 100'000.0, 0.003), fv, PropagationOptions{}),
        pftoken::Error,
        "propagation: fair-value paths: time[2] must be after time[1], got 0.5 after 0.5");
}

TEST(Propagation, BadOptionsNameTheField) {
    PropagationOptions o;
    o.steps_per_year = 0;
    std::string why;
    EXPECT_FALSE(o.isValid(&why));
    EXPECT_EQ(why, "propagation.steps_per_year: must be >= 1, got 0");
    EXPECT_THROW_MSG((void)propagate(v2_pool(1.0, 1.0, 0.0), 1.0, o), pftoken::Error,
                     "propagation.steps_per_year: must be >= 1, got 0");
}

}  // namespace
