// Fair value vs market: percentile interpolation, premium, tranche lookup errors, MC percentile.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "pftoken/integration/fair_value.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "support/builders.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration;

const std::string kSource = PFTOKEN_SOURCE_DIR;

using pftoken::test::v2_pool;

// Linear interpolation of the empirical CDF between quantile points (the inverse of Hyndman &
// Fan 1996 type-7 interpolation); values computed by hand: x = v_i + w (v_{i+1} - v_i) maps to
// level l_i + w (l_{i+1} - l_i).
TEST(FairValue, PercentileInterpolatesBetweenReportedLevels) {
    const double levels[] = {0.10, 0.50, 0.90};
    const double values[] = {10.0, 20.0, 30.0};
    struct Case {
        double x, expected;
    };
    const Case cases[] = {{15.0, 30.0}, {20.0, 50.0}, {27.5, 80.0}, {5.0, 10.0}, {35.0, 90.0}, {10.0, 10.0}};
    for (const auto& c : cases)
        EXPECT_NEAR(percentile_of(c.x, levels, values), c.expected, 1e-12) << "x = " << c.x;
}

// The DCF price is pftoken::value's price per token; the premium is pool / DCF - 1 with the
// pool price reserve_quote / reserve_token (Uniswap v2 spot price, Adams et al. 2020 sec. 2.2).
TEST(FairValue, PremiumAgainstTheDcfPrice) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const auto valuation = value(project);
    const double dcf = valuation.tranches[0].price_per_token;
    const auto pool = v2_pool(10'000.0, 9'500'000.0, PoolSpec{}.fee, "SUN-A");  // 950 per token
    const auto r = fair_value(project, valuation, pool, nullptr);
    EXPECT_EQ(r.tranche, "senior");
    EXPECT_EQ(r.tranche_index, 0u);
    EXPECT_DOUBLE_EQ(r.pool_price, 950.0);
    EXPECT_DOUBLE_EQ(r.dcf_price, dcf);
    EXPECT_NEAR(r.premium, 950.0 / dcf - 1.0, 1e-15);
    EXPECT_TRUE(std::isnan(r.market_percentile));
}

TEST(FairValue, UnknownTokenNamesTheField) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const auto valuation = value(project);
    try {
        (void)fair_value(project, valuation, v2_pool(1.0, 1.0, PoolSpec{}.fee, "NOPE"), nullptr);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.field(), "pool.token");
        EXPECT_NE(std::string(e.what()).find("no tranche token 'NOPE'"), std::string::npos) << e.what();
    }
}

// A pool price at the MC median sits at the 50th percentile; one far below all paths is clamped
// to the 1st with a note.
TEST(FairValue, MarketPercentileInTheMonteCarloDistribution) {
    const std::string path = kSource + "/data/examples/solar.yaml";
    const Project project = load_project(path);
    const auto spec = mc::load_stochastic(path);
    mc::ProjectMcOptions options;
    options.mc.paths = 256;
    options.mc.threads = 1;
    options.equity_irr = false;
    const auto summary = mc::run_project_mc(project, spec, options);
    const auto valuation = value(project);
    const auto& median = summary.tranches[0].price_per_token_dist.percentiles[4];
    const auto at_median = fair_value(project, valuation, v2_pool(1000.0, 1000.0 * median, PoolSpec{}.fee, "SUN-A"), &summary);
    EXPECT_NEAR(at_median.market_percentile, 50.0, 1e-6);
    EXPECT_EQ(at_median.mc_paths, 256u);
    const auto low = fair_value(project, valuation, v2_pool(1000.0, 1000.0, PoolSpec{}.fee, "SUN-A"), &summary);  // price 1
    EXPECT_DOUBLE_EQ(low.market_percentile, 1.0);
    EXPECT_EQ(low.market_percentile_note, "below the 1st percentile");
}

}  // namespace
