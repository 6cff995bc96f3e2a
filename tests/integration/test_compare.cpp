// `pftoken compare` report: golden-file regression of the shipped examples (per-field absolute +
// relative tolerances, tests/support/golden.hpp; PFTOKEN_UPDATE_GOLDEN=1 rewrites the files) and
// input errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "pftoken/base/format.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/compare.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"
#include "support/golden.hpp"
#include "support/gtest_extra.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration;

const std::string kSource = PFTOKEN_SOURCE_DIR;

/// Tolerances per section: deterministic numbers tight; Monte Carlo / propagation looser, since
/// libm and optimisation levels (the ASan build) may differ in the last bits along a path.
/// Rows are keyed by section,field; the tolerance is looked up on "<section>,<field>:value".
const test::Tolerances kCompareTolerances = test::Tolerances({1e-9, 1e-8})
                                                .prefix("propagation", {1e-9, 1e-6})
                                                .prefix("fair_value,mc", {1e-9, 1e-6})
                                                .field("fair_value,market_percentile:value", {1e-9, 1e-6});

void check_golden(const std::string& pool_file, const std::string& golden_file, std::uint64_t mc_paths) {
    const std::string project_path = kSource + "/data/examples/solar.yaml";
    const Project project = load_project(project_path);
    const auto spec = mc::load_stochastic(project_path);
    const PoolSpec pool = load_pool(kSource + "/data/compare/" + pool_file);
    CompareOptions options;
    options.mc_paths = mc_paths;
    options.propagation.paths = 50;
    options.propagation.noise_trade_tokens = 52.0;
    const auto report = run_compare(project, pool, &spec, options);
    test::expect_golden(golden_file, compare_csv(report), kCompareTolerances, {.key_columns = {"section", "field"}});
}

TEST(Compare, GoldenSolarV2) { check_golden("solar_pool.yaml", "compare_solar_v2.csv", 128); }
TEST(Compare, GoldenSolarV3) { check_golden("solar_pool_v3.yaml", "compare_solar_v3.csv", 0); }

// The report is internally consistent: the arbitrage targets the DCF price and the premium is
// the pool price against it.
TEST(Compare, ReportTiesTogether) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const PoolSpec pool = load_pool(kSource + "/data/compare/solar_pool.yaml");
    CompareOptions options;
    options.propagation.paths = 10;
    const auto r = run_compare(project, pool, nullptr, options);
    EXPECT_DOUBLE_EQ(r.arbitrage.target_price, r.fair.dcf_price);
    EXPECT_NEAR(r.arbitrage.price_after / r.fair.dcf_price - 1.0, 0.0, 1e-12);
    EXPECT_DOUBLE_EQ(r.fair.pool_price, 950.0);
    EXPECT_NEAR(r.liquidity.sale_tokens, 520.0, 1e-12);  // 1% of the 52,000 supply
    // The depth over the token's life starts where the one-off allocation is: same price, same L.
    ASSERT_FALSE(r.liquidity_life.empty());
    EXPECT_NEAR(r.liquidity_life.front().price, r.fair.dcf_price, 1e-10 * r.fair.dcf_price);
    EXPECT_NEAR(r.liquidity_life.front().liquidity, r.liquidity.v3_liquidity, 1e-10 * r.liquidity.v3_liquidity);
    EXPECT_EQ(r.liquidity_life.front().lower_tick, r.liquidity.v3_lower_tick);
    EXPECT_NE(compare_table(r).find("Fair value"), std::string::npos);
    EXPECT_NE(compare_json(r).find("\"implied_spread\""), std::string::npos);
    // The text sections are tables of the base text writer: a section's values end in one
    // column; amounts of money have thousands separators (base/format).
    const std::string text = compare_table(r);
    const auto value_end = [&](const std::string& label, const std::string& value) {
        const auto at = text.find("\n  " + label + " ");
        if (at == std::string::npos) return std::string::npos;
        const auto v = text.find(" " + value, at + label.size() + 3);
        return v == std::string::npos || v > text.find('\n', at + 1) ? std::string::npos : v + 1 + value.size() - at;
    };
    const auto dcf = value_end("DCF price/token", "1013.3275");
    ASSERT_NE(dcf, std::string::npos) << text;
    EXPECT_EQ(value_end("pool price/token", "950.0000"), dcf) << text;
    EXPECT_EQ(value_end("premium (+) / discount", "-6.249%"), dcf) << text;  // 950 / 1013.3275 - 1
    ASSERT_GT(r.arbitrage.profit, 1000.0);
    EXPECT_NE(value_end("profit after fees", pftoken::format::grouped(r.arbitrage.profit, 2)), std::string::npos)
        << text;
    EXPECT_NE(pftoken::format::grouped(r.arbitrage.profit, 2).find(','), std::string::npos);
}

TEST(Compare, MonteCarloWithoutStochasticSectionIsAnError) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const PoolSpec pool = load_pool(kSource + "/data/compare/solar_pool.yaml");
    CompareOptions options;
    options.mc_paths = 10;
    EXPECT_THROW_MSG((void)run_compare(project, pool, nullptr, options), Error,
                     "--mc: the project has no `stochastic` section");
    options.mc_paths = 0;
    options.sale_share = 0.0;
    EXPECT_THROW_MSG((void)run_compare(project, pool, nullptr, options), Error,
                     "compare.sale_share: must be in (0, 1], got 0");
}

}  // namespace
