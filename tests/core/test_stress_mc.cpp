// Stochastic stress (`pftoken stress --mc`) agrees with the other commands:
// - its base row is `pftoken mc` on the project's own `stochastic:` section, same paths and seed,
//   bit for bit (one Monte Carlo engine, one model);
// - with every factor off (each path the base case) each scenario row equals the deterministic
//   stress of the same scenario (one shock mapping: StressEngine::resolve);
// - every scenario of the shipped library runs under --mc, windows and twists included.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "pftoken/error.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/stress/mc_stress.hpp"
#include "pftoken/stress/scenario.hpp"
#include "support/builders.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::stress;

const std::string kSource = PFTOKEN_SOURCE_DIR;
const std::string kSolar = kSource + "/data/examples/solar.yaml";

McStressOptions small_run(const std::string& project_file) {
    McStressOptions options;
    options.paths = 64;
    options.seed = 7;
    options.threads = 2;
    options.spec = mc::load_stochastic(project_file);
    return options;
}

TEST(StressMc, BaseRowIsTheProjectMonteCarloBitForBit) {
    const Project solar = load_project(kSolar);
    auto options = small_run(kSolar);
    options.paths = 500;
    ASSERT_FALSE(options.spec.empty());
    const auto stressed = run_mc_stress(solar, {}, options);

    mc::ProjectMcOptions mo;  // what `pftoken mc --paths 500 --seed 7` runs
    mo.mc.paths = 500;
    mo.mc.seed = 7;
    mo.mc.threads = 1;  // results do not depend on the thread count
    const auto direct = mc::run_project_mc(solar, options.spec, mo);

    ASSERT_EQ(stressed.base.tranches.size(), direct.tranches.size());
    for (std::size_t k = 0; k < direct.tranches.size(); ++k) {
        const auto& s = stressed.base.tranches[k];
        const auto& d = direct.tranches[k];
        EXPECT_EQ(s.pd_payment, d.pd_payment.mean) << d.name;
        EXPECT_EQ(s.pd_deferral, d.pd_deferral.mean) << d.name;
        EXPECT_EQ(s.pd_event_of_default, d.pd_event_of_default.mean) << d.name;
        EXPECT_EQ(s.pd_principal, d.pd_principal.mean) << d.name;
        EXPECT_EQ(s.expected_loss, d.expected_loss.mean) << d.name;
        EXPECT_EQ(s.price_mean, d.price_per_token.mean) << d.name;
        EXPECT_EQ(s.price_var99, d.price_per_token_dist.var99) << d.name;
    }
    EXPECT_EQ(stressed.base.equity_npv_mean, direct.equity.npv.estimate.mean);
}

// Deferral, event of default and principal loss reported separately, as `pftoken mc` reports them,
// on a case where every number is known (docs/monte-carlo.md section 4): one annual period, CFADS
// 5.0m, a 5.0m bullet at 6% (0.3m interest, then 4.7m principal paid, 0.3m lost). As a senior
// tranche it is an event of default and no deferral; as a deferrable one the reverse. In every
// output: the summary, stress_mc.csv, stress.json and the text table (docs/conventions.md names).
TEST(StressMc, DeferralAndEventOfDefaultAsMcReportsThem) {
    for (const bool deferrable : {false, true}) {
        Project p = test::merchant_bullet_project(100000, 50.0, 5.0e6, 0.06, 1);
        p.tranches[0].deferrable_interest = deferrable;
        McStressOptions options;
        options.paths = 8;
        options.threads = 1;
        const auto s = run_mc_stress(p, {}, options);
        ASSERT_EQ(s.base.tranches.size(), 1u);
        const auto& t = s.base.tranches[0];
        const std::string what = deferrable ? "deferrable" : "senior";
        EXPECT_EQ(t.pd_payment, 1.0) << what;
        EXPECT_EQ(t.pd_deferral, deferrable ? 1.0 : 0.0) << what;
        EXPECT_EQ(t.pd_event_of_default, deferrable ? 0.0 : 1.0) << what;
        EXPECT_EQ(t.pd_principal, 1.0) << what;
        EXPECT_NEAR(t.expected_loss, 0.06, 1e-12) << what;
        const std::string csv = mc_stress_csv(s);
        EXPECT_NE(csv.find("pd_deferral,pd_event_of_default"), std::string::npos) << csv;
        const auto json = mc_stress_json(s);
        EXPECT_EQ(json["base"]["tranches"][0]["pd_deferral"], deferrable ? 1.0 : 0.0);
        EXPECT_EQ(json["base"]["tranches"][0]["pd_event_of_default"], deferrable ? 0.0 : 1.0);
        const std::string text = mc_stress_table(s);
        for (const char* label : {"P(miss)", "P(defer)", "P(EoD)", "P(loss)", "EL", "VaR99/token"})
            EXPECT_NE(text.find(label), std::string::npos) << label << "\n" << text;
    }
}

TEST(StressMc, EveryLibraryScenarioRuns) {
    const auto library = load_scenarios(kSource + "/data/stress/library.yaml");
    std::size_t with_project_shocks = 0;
    for (const auto& sc : library) with_project_shocks += sc.has_project_shocks() ? 1 : 0;
    ASSERT_EQ(library.size(), 21u);
    // The library's windows are inside operations for both shipped examples (library.yaml header).
    for (const std::string name : {"solar", "toll_road"}) {
        const std::string file = kSource + "/data/examples/" + name + ".yaml";
        auto options = small_run(file);
        if (options.spec.empty()) options.spec = small_run(kSolar).spec;  // toll road has no stochastic:
        const auto summary = run_mc_stress(load_project(file), library, options);
        ASSERT_EQ(summary.scenarios.size(), with_project_shocks) << name;
        for (const auto& s : summary.scenarios) EXPECT_TRUE(s.ok) << name << ": " << s.name << ": " << s.error;
    }
}

// Every path the base case: the Monte Carlo of a scenario is the deterministic stress of it. The
// two share the shock mapping, the kernel and the measure, so the prices agree to rounding.
TEST(StressMc, WithoutUncertaintyEachScenarioIsTheDeterministicStress) {
    const Project solar = load_project(kSolar);
    const auto library = load_scenarios(kSource + "/data/stress/library.yaml");
    McStressOptions options;
    options.paths = 4;
    options.seed = 1;
    options.threads = 1;
    ASSERT_TRUE(options.spec.empty());
    const auto mc = run_mc_stress(solar, library, options);
    StressEngine engine(solar);
    const auto det = engine.run_all(library);
    std::size_t compared = 0;
    for (const auto& s : mc.scenarios) {
        ASSERT_TRUE(s.ok) << s.name << ": " << s.error;
        const auto it = std::find_if(det.scenarios.begin(), det.scenarios.end(),
                                     [&](const ScenarioResult& r) { return r.name == s.name; });
        ASSERT_NE(it, det.scenarios.end());
        ASSERT_TRUE(it->ok) << it->error;
        for (std::size_t k = 0; k < s.tranches.size(); ++k) {
            const auto& d = it->metrics.tranches[k];
            EXPECT_NEAR(s.tranches[k].price_mean, d.price_per_token, 1e-9 * std::abs(d.price_per_token))
                << s.name << " " << d.name;
            EXPECT_NEAR(s.tranches[k].expected_loss, d.loss_share, 1e-12) << s.name << " " << d.name;
            EXPECT_EQ(s.tranches[k].pd_principal, d.loss_share > 1e-9 ? 1.0 : 0.0) << s.name << " " << d.name;
        }
        ++compared;
    }
    EXPECT_EQ(compared, 18u);  // 21 scenarios, 3 with token-market shocks only
}

TEST(StressMc, ParallelRateRiseLowersFixedRatePricesAndLeavesEquity) {
    const Project solar = load_project(kSolar);
    Scenario up;
    up.name = "rates_up_200";
    up.shocks.push_back(make_shock(ShockType::RatesParallel, 200.0));
    const auto summary = run_mc_stress(solar, {up}, small_run(kSolar));
    ASSERT_EQ(summary.scenarios.size(), 1u);
    const auto& s = summary.scenarios[0];
    ASSERT_TRUE(s.ok) << s.error;
    for (std::size_t k = 0; k < s.tranches.size(); ++k) {
        // Higher discount rates, same cash flows (fixed-rate tranches): a lower price.
        EXPECT_LT(s.tranches[k].price_mean, summary.base.tranches[k].price_mean) << s.tranches[k].name;
        EXPECT_EQ(s.tranches[k].expected_loss, summary.base.tranches[k].expected_loss) << s.tranches[k].name;
    }
    // Equity is discounted at its own hurdle rate and its flows do not move: same NPV.
    EXPECT_EQ(s.equity_npv_mean, summary.base.equity_npv_mean);
}

TEST(StressMc, AWindowOutsideTheGridFailsOnlyItsScenario) {
    const Project solar = load_project(kSolar);
    Scenario late;
    late.name = "late";
    late.shocks.push_back(make_shock(ShockType::Availability, 1.0));
    late.shocks.back().path = "scenarios[0].shocks[0]";
    late.shocks.back().window.start_period = 100000;
    Scenario price;
    price.name = "price_down";
    price.shocks.push_back(make_shock(ShockType::MerchantPrice, -0.2));
    const auto summary = run_mc_stress(solar, {late, price}, small_run(kSolar));
    ASSERT_EQ(summary.scenarios.size(), 2u);
    EXPECT_FALSE(summary.scenarios[0].ok);
    EXPECT_NE(summary.scenarios[0].error.find("scenarios[0].shocks[0].window.start_period: must be < "),
              std::string::npos)
        << summary.scenarios[0].error;
    EXPECT_TRUE(summary.scenarios[1].ok) << summary.scenarios[1].error;
    EXPECT_LT(summary.scenarios[1].equity_npv_mean, summary.base.equity_npv_mean);
}

}  // namespace
