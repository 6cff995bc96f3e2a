// Stress engine: scenario parsing and validation, zero-shock identity, monotonicity, closed
// forms of the discounting shocks, failure isolation, reverse stress landing on its threshold,
// and the golden regression of the standard library on the solar example.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "pftoken/model/loader.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/stress/report.hpp"
#include "pftoken/stress/reverse.hpp"
#include "pftoken/stress/scenario.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "support/golden.hpp"
#include "support/gtest_extra.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::stress;

const std::string kSource = PFTOKEN_SOURCE_DIR;

StressEngine& solar_engine() {
    static StressEngine engine(load_project(kSource + "/data/examples/solar.yaml"));
    return engine;
}

std::vector<Scenario> parse(const std::string& yaml) { return parse_scenarios(yaml, "test.yaml"); }

// ---------------------------------------------------------------- parsing and validation

TEST(StressScenario, LibraryLoadsWithAtLeastFifteenScenarios) {
    const auto scenarios = load_scenarios(kSource + "/data/stress/library.yaml");
    ASSERT_GE(scenarios.size(), 15u);
    int market = 0, project = 0;
    for (const auto& s : scenarios) {
        market += s.has_market_shocks() ? 1 : 0;
        project += s.has_project_shocks() ? 1 : 0;
    }
    EXPECT_GE(project, 15);
    EXPECT_GE(market, 3);
}

TEST(StressScenario, ParsesEveryShockType) {
    const auto s = parse_scenarios(R"(
scenarios:
  - name: all
    shocks:
      - {type: merchant_price, change: -0.2, window: {start: 2030-01-01, end: 2031-12-31}}
      - {type: volume, change: -0.1}
      - {type: availability, loss: 0.5, window: {start_period: 20, end_period: 25}}
      - {type: opex, change: 0.1}
      - {type: capex_overrun, overrun: 0.1}
      - {type: construction_delay, months: 3}
      - {type: rates_parallel, bp: 100}
      - {type: rates_twist, short_bp: -50, long_bp: 100, pivot_years: 4, long_years: 15}
      - {type: spread, bp: 75, tranches: [senior]}
      - {type: inflation, bp: 200, merchant_passthrough: 0.5, contract_passthrough: 0}
      - {type: token_selloff, share_of_supply: 0.1, token: SUN-A}
      - {type: lp_withdrawal, share: 0.5}
)",
                                   "t.yaml");
    ASSERT_EQ(s.size(), 1u);
    ASSERT_EQ(s[0].shocks.size(), 12u);
    EXPECT_EQ(s[0].shocks[0].type, ShockType::MerchantPrice);
    EXPECT_DOUBLE_EQ(s[0].shocks[0].size, -0.2);
    EXPECT_EQ(*s[0].shocks[2].window.start_period, 20);
    EXPECT_DOUBLE_EQ(s[0].shocks[5].size, 3.0);
    EXPECT_DOUBLE_EQ(s[0].shocks[7].short_bp, -50.0);
    EXPECT_DOUBLE_EQ(s[0].shocks[7].pivot_years, 4.0);
    EXPECT_EQ(s[0].shocks[8].tranches, std::vector<std::string>{"senior"});
    EXPECT_DOUBLE_EQ(s[0].shocks[9].contract_passthrough, 0.0);
    EXPECT_EQ(s[0].shocks[10].token, "SUN-A");
    EXPECT_EQ(s[0].shocks[1].path, "scenarios[0].shocks[1]");
}

TEST(StressScenario, ValidationMessagesNameTheFieldPath) {
    struct Case {
        const char* yaml;
        const char* message;
    };
    const Case cases[] = {
        {"scenarios:\n  - name: a\n    shocks: [{type: opex, change: 0.1, window: {start: 2031-01-01, end: 2030-01-01}}]\n",
         "scenarios[0].shocks[0].window.end: must be after start (2031-01-01), got 2030-01-01"},
        {"scenarios:\n  - name: a\n    shocks: [{type: price, change: 0.1}]\n",
         "scenarios[0].shocks[0].type: unknown shock type 'price'"},
        {"scenarios:\n  - name: a\n    shocks: [{type: opex}]\n", "scenarios[0].shocks[0].change: is required"},
        {"scenarios:\n  - name: a\n    shocks: [{type: availability, loss: 1.5}]\n",
         "scenarios[0].shocks[0].loss: must be in [0, 1], got 1.5"},
        {"scenarios:\n  - name: a\n    shocks: [{type: volume, change: -1.2}]\n",
         "scenarios[0].shocks[0].change: must be > -1 (a relative change), got -1.2"},
        {"scenarios:\n  - name: a\n    shocks: [{type: opex, change: 0.1, colour: red}]\n",
         "scenarios[0].shocks[0].colour: unknown key"},
        {"scenarios:\n  - name: a\n    shocks: []\n  - name: a\n    shocks: []\n",
         "scenarios[1].name: duplicate scenario name 'a'"},
        {"scenarios:\n  - name: a\n    shocks: [{type: construction_delay, months: 2.5}]\n",
         "scenarios[0].shocks[0].months: must be a whole number, got '2.5'"},
        {"scenarios:\n  - name: a\n    shocks: [{type: rates_twist, short_bp: 10, pivot_years: 5, long_years: 3}]\n",
         "scenarios[0].shocks[0].long_years: must be > pivot_years (5), got 3"},
        {"scenarios:\n  - name: a\n    shocks: [{type: opex, change: 0.1, window: {start_period: 9, end_period: 3}}]\n",
         "scenarios[0].shocks[0].window.end_period: must be >= start_period (9), got 3"},
        {"scenarios:\n  - name: a\n    shocks: [{type: capex_overrun, overrun: 0.1, window: {start_period: 1}}]\n",
         "scenarios[0].shocks[0].window: unknown key"},
        {"scenarios:\n  - shocks: []\n", "scenarios[0].name: is required"},
        {"scenarios: []\n", "scenarios: must be a non-empty list"},
        {"scenarios:\n  - name: a\n    shocks: [{type: inflation, bp: 100, merchant_passthrough: 2}]\n",
         "scenarios[0].shocks[0].merchant_passthrough: must be in [0, 1], got 2"},
        // Bounded where read: a delay beyond the timeline's construction limit, a cast-sized value.
        {"scenarios:\n  - name: a\n    shocks: [{type: construction_delay, months: 1e20}]\n",
         "test.yaml:3:49: scenarios[0].shocks[0].months: must be a whole number in [0, 120], got 1e20"},
        {"scenarios:\n  - name: a\n    shocks: [{type: opex, chnage: 0.1}]\n",
         "scenarios[0].shocks[0].chnage: unknown key (did you mean 'change'?)"},
        {"scenarios:\n  - name: a\n    shocks: []\n---\nscenarios: []\n",
         "test.yaml:5:1: (document): a second YAML document (after '---') is not allowed"},
    };
    for (const auto& c : cases) {
        EXPECT_THROW_MSG((void)parse(c.yaml), InputError, c.message) << "yaml:\n" << c.yaml;
    }
}

TEST(StressScenario, ReportsEveryProblemWithFilePosition) {
    EXPECT_THROW_MSG((void)parse("scenarios:\n  - name: a\n    shocks:\n      - {type: opex}\n"
                                 "      - {type: volume, change: x}\n"),
                     InputError, "test.yaml:4:", "scenarios[0].shocks[0].change: is required",
                     "scenarios[0].shocks[1].change: must be a number, got 'x'");
}

// ---------------------------------------------------------------- engine

TEST(StressEngine, ZeroSizeShocksReproduceTheBaseExactly) {
    auto& engine = solar_engine();
    const auto scenarios = parse_scenarios(R"(
scenarios:
  - name: zero
    shocks:
      - {type: merchant_price, change: 0}
      - {type: volume, change: 0}
      - {type: availability, loss: 0}
      - {type: opex, change: 0}
      - {type: capex_overrun, overrun: 0}
      - {type: construction_delay, months: 0}
      - {type: rates_parallel, bp: 0}
      - {type: rates_twist, short_bp: 0, long_bp: 0}
      - {type: spread, bp: 0}
      - {type: inflation, bp: 0}
)",
                                           "zero.yaml");
    const auto r = engine.run(scenarios[0]);
    ASSERT_TRUE(r.ok) << r.error;
    const auto& b = engine.base().metrics;
    const auto& m = r.metrics;
    for (std::size_t k = 0; k < b.tranches.size(); ++k) {
        EXPECT_EQ(m.tranches[k].pv, b.tranches[k].pv) << b.tranches[k].name;
        EXPECT_EQ(m.tranches[k].loss, b.tranches[k].loss);
        EXPECT_EQ(m.tranches[k].pv_change, 0.0);
    }
    EXPECT_EQ(m.equity_value, b.equity_value);
    EXPECT_EQ(m.equity_npv, b.equity_npv);
    EXPECT_EQ(m.equity_irr, b.equity_irr);
    EXPECT_EQ(m.min_dscr, b.min_dscr);
    EXPECT_EQ(m.lockup_periods, b.lockup_periods);
    EXPECT_EQ(m.dsra_total_draw, b.dsra_total_draw);
}

TEST(StressEngine, BaseCaseIsSane) {
    const auto& b = solar_engine().base().metrics;
    ASSERT_EQ(b.tranches.size(), 3u);
    for (const auto& t : b.tranches) {
        EXPECT_GT(t.pv, 0.0) << t.name;
        EXPECT_EQ(t.loss, 0.0) << t.name;
    }
    EXPECT_TRUE(std::isfinite(b.min_dscr));
    EXPECT_GT(b.equity_value, 0.0);
    EXPECT_TRUE(std::isfinite(b.equity_irr));
    EXPECT_TRUE(b.first_loss_tranche.empty());
}

// The base scenario must price every tranche token exactly as `pftoken value` does (same
// kernel, same measure: curve referenced at COD, same spread convention): a user comparing the two tools
// sees one number. Reference: pftoken::value(), itself cross-checked against QuantLib's
// DiscountingBondEngine in test_pricing_quantlib.cpp.
TEST(StressEngine, BaseCasePricesEqualTheDeterministicValuation) {
    for (const char* example : {"/data/examples/solar.yaml", "/data/examples/toll_road.yaml"}) {
        const Project project = load_project(kSource + example);
        const ValuationResult valuation = value(project);
        StressEngine engine(project);
        const auto& base = engine.base();
        ASSERT_EQ(base.metrics.tranches.size(), valuation.tranches.size()) << example;
        for (std::size_t k = 0; k < valuation.tranches.size(); ++k) {
            const auto& v = valuation.tranches[k];
            const auto& s = base.metrics.tranches[k];
            // One measure (valuation/measure.hpp) prices both: equal bit for bit.
            EXPECT_EQ(s.pv, v.pv) << example << " " << v.name;
            EXPECT_EQ(s.price_per_token, v.price_per_token) << example << " " << v.name;
        }
        EXPECT_EQ(base.metrics.equity_npv, valuation.equity.npv) << example;
        EXPECT_NEAR(base.metrics.equity_irr, valuation.equity.irr, 1e-15) << example;
    }
}

TEST(StressEngine, LowerPriceNeverRaisesValues) {
    auto& engine = solar_engine();
    StressMetrics previous = engine.base().metrics;
    for (int i = 1; i <= 9; ++i) {
        Scenario sc;
        sc.name = "p";
        sc.shocks.push_back(make_shock(ShockType::MerchantPrice, -0.1 * i));
        const auto m = engine.evaluate(sc);
        for (std::size_t k = 0; k < m.tranches.size(); ++k)
            EXPECT_LE(m.tranches[k].pv, previous.tranches[k].pv + 1e-9) << "change " << -0.1 * i << " " << m.tranches[k].name;
        EXPECT_LE(m.equity_value, previous.equity_value + 1e-9) << -0.1 * i;
        EXPECT_LE(m.min_dscr, previous.min_dscr + 1e-12) << -0.1 * i;
        previous = m;
    }
    // Higher opex and lower volume likewise.
    for (ShockType type : {ShockType::Opex, ShockType::Volume}) {
        StressMetrics prev = engine.base().metrics;
        for (int i = 1; i <= 5; ++i) {
            Scenario sc;
            sc.shocks.push_back(make_shock(type, type == ShockType::Opex ? 0.2 * i : -0.1 * i));
            const auto m = engine.evaluate(sc);
            EXPECT_LE(m.equity_value, prev.equity_value + 1e-9) << to_string(type) << " " << i;
            prev = m;
        }
    }
}

// Closed form: with fixed-rate tranches the cash flows do not depend on rates, so a parallel
// shift of s (continuous zero rates) multiplies each flow's DF by exp(-s t): exactly the same as
// adding s to every tranche's discount spread (QuantLib ZeroSpreadedTermStructure convention).
// A twist with short_bp = long_bp = s is a parallel shift beyond the pivot only; with a flat
// profile (pivot tiny, long_years just after) it is the parallel shift to within the short stub.
TEST(StressEngine, ParallelRateShiftEqualsUniformSpreadForFixedRateDebt) {
    auto& engine = solar_engine();
    Scenario rates, spread;
    rates.shocks.push_back(make_shock(ShockType::RatesParallel, 150.0));
    spread.shocks.push_back(make_shock(ShockType::Spread, 150.0));
    const auto a = engine.evaluate(rates);
    const auto b = engine.evaluate(spread);
    for (std::size_t k = 0; k < a.tranches.size(); ++k) {
        EXPECT_NEAR(a.tranches[k].pv, b.tranches[k].pv, 1e-9 * b.tranches[k].pv) << a.tranches[k].name;
        EXPECT_LT(a.tranches[k].pv, engine.base().metrics.tranches[k].pv);
    }
    // Cash flows unchanged: equity value (discounted at the cost of equity) is untouched.
    EXPECT_EQ(a.equity_value, engine.base().metrics.equity_value);
}

// Closed form of a single-tranche spread shock: the junior tranche pays a bullet, so its PV
// moves by exactly exp(-s t) per flow; a spread on one tranche leaves the others unchanged.
TEST(StressEngine, SpreadShockOnOneTrancheOnly) {
    auto& engine = solar_engine();
    Scenario sc;
    Shock s = make_shock(ShockType::Spread, 100.0);
    s.tranches = {"junior"};
    sc.shocks.push_back(s);
    const auto m = engine.evaluate(sc);
    const auto& b = engine.base().metrics;
    EXPECT_EQ(m.tranches[0].pv, b.tranches[0].pv);
    EXPECT_EQ(m.tranches[1].pv, b.tranches[1].pv);
    EXPECT_LT(m.tranches[2].pv, b.tranches[2].pv);
}

TEST(StressEngine, OutageWindowDrawsTheDsraOnlyInsideTheWindow) {
    auto& engine = solar_engine();
    const auto scenarios = parse_scenarios(
        "scenarios:\n  - name: outage\n    shocks: [{type: availability, loss: 1.0, window: {start: 2030-01-01, end: "
        "2030-06-30}}]\n",
        "o.yaml");
    const auto m = engine.evaluate(scenarios[0]);
    EXPECT_GT(m.dsra_max_draw, 0.0);
    EXPECT_GT(m.dsra_draw_periods, 0);
    EXPECT_LT(m.min_dscr, engine.base().metrics.min_dscr);
    EXPECT_EQ(m.min_dscr_date.year(), std::chrono::year{2030});
}

TEST(StressEngine, FailingScenarioIsReportedAndTheOthersRun) {
    auto& engine = solar_engine();
    const auto scenarios = parse_scenarios(R"(
scenarios:
  - name: good_1
    shocks: [{type: opex, change: 0.1}]
  - name: outside_grid
    shocks: [{type: opex, change: 0.1, window: {start_period: 1000}}]   # valid for the reader (<= 1320), past the grid
  - name: unknown_tranche
    shocks: [{type: spread, bp: 50, tranches: [senior, nonexistent]}]
  - name: after_the_end
    shocks: [{type: volume, change: -0.1, window: {start: 2090-01-01}}]
  - name: good_2
    shocks: [{type: volume, change: -0.1}]
)",
                                           "f.yaml");
    const auto summary = engine.run_all(scenarios);
    ASSERT_EQ(summary.scenarios.size(), 5u);
    EXPECT_EQ(summary.failed, 3);
    EXPECT_TRUE(summary.scenarios[0].ok);
    EXPECT_TRUE(summary.scenarios[4].ok);
    EXPECT_FALSE(summary.scenarios[1].ok);
    EXPECT_NE(summary.scenarios[1].error.find("scenarios[1].shocks[0].window.start_period: must be < 315"),
              std::string::npos)
        << summary.scenarios[1].error;
    EXPECT_NE(summary.scenarios[2].error.find("scenarios[2].shocks[0].tranches[1]: unknown tranche 'nonexistent'"),
              std::string::npos)
        << summary.scenarios[2].error;
    EXPECT_NE(summary.scenarios[3].error.find("scenarios[3].shocks[0].window: selects no period"), std::string::npos)
        << summary.scenarios[3].error;
    EXPECT_LT(summary.scenarios[4].metrics.equity_value, engine.base().metrics.equity_value);
    // The failed rows still appear in the outputs, with their names.
    const std::string csv = scenarios_csv(summary);
    EXPECT_NE(csv.find("outside_grid,0,"), std::string::npos);
}

// ---------------------------------------------------------------- reverse stress

TEST(StressReverse, ShockAppliedForwardLandsOnItsThreshold) {
    auto& engine = solar_engine();
    ReverseOptions options;
    const auto summary = reverse_stress(engine, options);
    const auto factors = default_reverse_factors();
    int checked = 0, continuous = 0;
    for (const auto& f : summary.findings) {
        if (!f.found || f.at_base) {
            EXPECT_FALSE(f.message.empty());
            continue;
        }
        const auto factor = *std::find_if(factors.begin(), factors.end(), [&](const auto& x) { return x.name == f.factor; });
        StressEngine::Indicators at, before;
        engine.indicators(factor_scenario(factor, f.shock), at);
        const double step = factor.integer ? 1.0 : std::max(1e-9, 1e-9 * std::fabs(f.shock)) * 8.0;
        engine.indicators(factor_scenario(factor, f.shock - factor.direction * step), before);
        SCOPED_TRACE(f.factor + " / " + f.target_name + " shock " + std::to_string(f.shock));
        switch (f.target) {
        case ReverseTarget::DefaultDscr:
            EXPECT_LE(at.min_tested_dscr, f.threshold);
            EXPECT_GT(before.min_tested_dscr, f.threshold);
            if (!factor.integer && !f.jump) {
                EXPECT_NEAR(at.min_tested_dscr, f.threshold, 1e-6);
            }
            break;
        case ReverseTarget::TrancheLoss:
            EXPECT_GE(at.loss_share[static_cast<std::size_t>(f.tranche)], f.threshold);
            EXPECT_LT(before.loss_share[static_cast<std::size_t>(f.tranche)], f.threshold);
            if (!factor.integer && !f.jump) {
                EXPECT_NEAR(at.loss_share[static_cast<std::size_t>(f.tranche)], f.threshold, 1e-6);
            }
            break;
        case ReverseTarget::EquityWipeout:
            EXPECT_LE(at.equity_value, f.threshold);
            EXPECT_GT(before.equity_value, f.threshold);
            if (!factor.integer && !f.jump) {
                EXPECT_NEAR(at.equity_value, f.threshold, 1e-6 * engine.base().metrics.equity_value);
            }
            break;
        }
        ++checked;
        continuous += (!factor.integer && !f.jump) ? 1 : 0;
    }
    EXPECT_GE(checked, 5) << reverse_table(summary);
    EXPECT_GE(continuous, 5) << reverse_table(summary);
}

TEST(StressReverse, ClearMessageWhenNoShockInRangeDoesIt) {
    auto& engine = solar_engine();
    ReverseOptions options;
    // Rates do not move the fixed-rate solar debt service: nothing is ever breached.
    options.factors.push_back({"rates_parallel", make_shock(ShockType::RatesParallel, 0.0), 1.0, 500.0, false, "bp"});
    const auto summary = reverse_stress(engine, options);
    ASSERT_FALSE(summary.findings.empty());
    for (const auto& f : summary.findings) {
        EXPECT_FALSE(f.found);
        EXPECT_EQ(f.message, "no shock in [0, +500.00 bp] reaches it");
    }
    options.scan_points = 1;
    EXPECT_THROW_MSG((void)reverse_stress(engine, options), Error,
                     "reverse.scan_points: must be >= 2, got 1");
}

// ---------------------------------------------------------------- golden regression

// Money columns to a cent plus 1e-9 relative; ratios and rates to 1e-9 absolute plus 1e-8 relative.
const test::Tolerances kStressTolerances = test::Tolerances({1e-9, 1e-8})
                                               .suffix("_pv", {1e-2, 1e-9})
                                               .suffix("_pv_change", {1e-2, 1e-9})
                                               .suffix("_loss", {1e-2, 1e-9})
                                               .suffix("equity_value", {1e-2, 1e-9})
                                               .suffix("equity_npv", {1e-2, 1e-9})
                                               .suffix("dsra_max_draw", {1e-2, 1e-9})
                                               .suffix("dsra_total_draw", {1e-2, 1e-9})
                                               .suffix("equity_value_change", {1e-2, 1e-9});

TEST(StressGolden, StandardLibraryOnSolarMatchesGolden) {
    auto& engine = solar_engine();
    const auto scenarios = load_scenarios(kSource + "/data/stress/library.yaml");
    const auto summary = engine.run_all(scenarios);
    EXPECT_EQ(summary.failed, 0) << scenarios_table(summary);
    test::expect_golden("stress_solar_library.csv", scenarios_csv(summary), kStressTolerances);
}

}  // namespace

// A credit-spread shock is a repricing at the wider spread: +100 bp on each fixed-rate tranche
// of the solar example equals pftoken::value() of the same project with that tranche's discount
// spread written 100 bp wider (its cash flows do not depend on the spread; only the discount
// factors DF(t) exp(-(s + 0.01) t) change, the one valuation in valuation/measure.cpp).
TEST(StressEngine, SpreadShockEqualsRepricingAtTheWiderSpread) {
    auto& engine = solar_engine();
    const Project base = load_project(kSource + "/data/examples/solar.yaml");
    for (std::size_t k = 0; k < base.tranches.size(); ++k) {
        if (base.tranches[k].rate_type == Tranche::RateType::Floating) continue;
        Scenario sc;
        Shock s = make_shock(ShockType::Spread, 100.0);
        s.tranches = {base.tranches[k].name};
        sc.shocks.push_back(s);
        const auto m = engine.evaluate(sc);
        Project wider = base;
        auto& tr = wider.tranches[k];
        tr.discount_spread = tr.discount_spread.value_or(tr.spread) + 0.01;
        const ValuationResult v = value(wider);
        EXPECT_NEAR(m.tranches[k].pv, v.tranches[k].pv, 1e-9 * v.tranches[k].pv) << tr.name;
        EXPECT_LT(m.tranches[k].pv, engine.base().metrics.tranches[k].pv) << tr.name;
    }
}
