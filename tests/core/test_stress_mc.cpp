// Stochastic stress (`pftoken stress --mc`): every project shock reaches the Monte Carlo inputs.
// The check is structural, not statistical: a scenario applied by stressed_project must give the
// same bits as the same project written by hand with the shock already in its inputs (same seed,
// common random numbers), and a rate rise must lower every fixed-rate tranche's price.
#include <gtest/gtest.h>

#include <string>

#include "pftoken/error.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/stress/mc_stress.hpp"
#include "pftoken/stress/scenario.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::stress;

const std::string kSource = PFTOKEN_SOURCE_DIR;

McStressOptions small_run() {
    McStressOptions options;
    options.paths = 64;
    options.seed = 7;
    options.threads = 2;
    return options;
}

// The solar example reads its discount curve from data/curves/usd_zero_2025.csv. A parallel rate
// shock under --mc used to shift only inline pillars and the flat rate, so on this project it was
// silently ignored.
TEST(StressMc, ParallelRateShockMovesACsvZeroCurve) {
    const Project solar = load_project(kSource + "/data/examples/solar.yaml");
    ASSERT_EQ(solar.market.discount.kind, CurveSpec::Kind::Zero);
    ASSERT_FALSE(solar.market.discount.csv_path.empty());
    const auto csv = read_zero_curve_csv(solar.market.discount.csv_path, "market.discount.csv_path");

    Scenario up;
    up.name = "rates_up_200";
    up.shocks.push_back(make_shock(ShockType::RatesParallel, 200.0));
    mc::StochasticSpec spec;
    const Project stressed = stressed_project(solar, up, spec);
    EXPECT_TRUE(stressed.market.discount.csv_path.empty());
    ASSERT_EQ(stressed.market.discount.pillars.size(), csv.size());
    for (std::size_t i = 0; i < csv.size(); ++i) {
        EXPECT_EQ(stressed.market.discount.pillars[i].first, csv[i].first);
        EXPECT_DOUBLE_EQ(stressed.market.discount.pillars[i].second, csv[i].second + 0.02) << "pillar " << i;
    }
}

TEST(StressMc, StressedRunEqualsTheHandShiftedProjectBitForBit) {
    const Project solar = load_project(kSource + "/data/examples/solar.yaml");
    Scenario up;
    up.name = "rates_up_200";
    up.shocks.push_back(make_shock(ShockType::RatesParallel, 200.0));
    const auto options = small_run();
    const auto summary = run_mc_stress(solar, {up}, options);
    ASSERT_EQ(summary.scenarios.size(), 1u);
    ASSERT_TRUE(summary.scenarios[0].ok) << summary.scenarios[0].error;

    // The same shock written into the inputs by hand: pillars from the CSV plus 200 bp.
    Project by_hand = solar;
    by_hand.market.discount.pillars =
        read_zero_curve_csv(solar.market.discount.csv_path, "market.discount.csv_path");
    by_hand.market.discount.csv_path.clear();
    for (auto& p : by_hand.market.discount.pillars) p.second += 0.02;
    const auto reference = run_mc_stress(by_hand, {}, options);

    const auto& s = summary.scenarios[0];
    ASSERT_EQ(s.tranches.size(), reference.base.tranches.size());
    for (std::size_t k = 0; k < s.tranches.size(); ++k) {
        EXPECT_EQ(s.tranches[k].price_mean, reference.base.tranches[k].price_mean) << s.tranches[k].name;
        EXPECT_EQ(s.tranches[k].expected_loss, reference.base.tranches[k].expected_loss) << s.tranches[k].name;
        // Higher discount rates, same cash flows (fixed-rate tranches): a lower price.
        EXPECT_LT(s.tranches[k].price_mean, summary.base.tranches[k].price_mean) << s.tranches[k].name;
    }
    // Equity: the tranches are fixed-rate, so distributions do not change, and equity is
    // discounted at its own hurdle rate: its NPV must not move.
    EXPECT_EQ(s.equity_npv_mean, reference.base.equity_npv_mean);
    EXPECT_EQ(s.equity_npv_mean, summary.base.equity_npv_mean);
}

TEST(StressMc, ShocksWithoutAnInputFormFailOnlyTheirScenario) {
    const Project solar = load_project(kSource + "/data/examples/solar.yaml");
    Scenario twist;
    twist.name = "twist";
    twist.shocks.push_back(make_shock(ShockType::RatesTwist, 100.0));
    twist.shocks.back().path = "scenarios[0].shocks[0]";
    Scenario price;
    price.name = "price_down";
    price.shocks.push_back(make_shock(ShockType::MerchantPrice, -0.2));
    const auto summary = run_mc_stress(solar, {twist, price}, small_run());
    ASSERT_EQ(summary.scenarios.size(), 2u);
    EXPECT_FALSE(summary.scenarios[0].ok);
    EXPECT_EQ(summary.scenarios[0].error,
              "scenarios[0].shocks[0]: rates_twist is not supported under --mc (use rates_parallel)");
    EXPECT_TRUE(summary.scenarios[1].ok) << summary.scenarios[1].error;
    EXPECT_LT(summary.scenarios[1].equity_npv_mean, summary.base.equity_npv_mean);
}

}  // namespace
