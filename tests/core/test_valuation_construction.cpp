// A valuation date during construction (docs/valuation-date.md, "Valued during construction"):
// the construction drawn up to the valuation date V is history. A capex overrun x raises only
// the capex not yet drawn at V (period t's capex becomes capex_t (1 + x w_t), w_t the share of
// the period after V), a construction delay applies in full (COD, and every period it shifts,
// lies after V), the Monte Carlo factors start at V at their base level and the rate shocks and
// curve twists leave the history's interest during construction alone. Expected values are worked
// by hand from the examples' construction schedules, next to each test.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "pftoken/mc/project_mc.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/stress/report.hpp"
#include "pftoken/stress/reverse.hpp"
#include "pftoken/stress/scenario.hpp"
#include "pftoken/valuation/measure.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/kernel.hpp"
#include "support/builders.hpp"
#include "test_mc_support.hpp"

using namespace pftoken;

namespace {

CalendarDate ymd(int y, unsigned m, unsigned d) {
    return CalendarDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

double sum(const std::vector<double>& v) {
    double s = 0.0;
    for (double x : v) s += x;
    return s;
}

/// wind_farm.yaml: financial close 2025-03-31, 18 monthly construction periods of equal capex
/// (no capex_profile: 84m / 18 = 4,666,666.67 a month), COD 2026-09-30; valued on `v`.
Project wind_farm_at(CalendarDate v) {
    Project p = test::example_project("wind_farm.yaml");
    p.valuation_date = v;
    return p;
}

/// Kernel run of `cp` with a capex overrun `x` (Full output).
WaterfallResults run_with_overrun(const CompiledProject& cp, double x) {
    WaterfallWorkspace ws(cp);
    PeriodDrivers d;
    d.capex_overrun = x;
    run_waterfall(cp, d, ws);
    return ws.results;
}

stress::Scenario one_shock(const std::string& name, stress::ShockType type, double size) {
    stress::Scenario s;
    s.name = name;
    s.shocks.push_back(stress::make_shock(type, size));
    return s;
}

const stress::ScenarioResult& named(const stress::StressSummary& summary, const std::string& name) {
    for (const auto& r : summary.scenarios)
        if (r.name == name) return r;
    throw std::runtime_error("no scenario " + name);
}

}  // namespace

// Phases (docs/valuation-date.md): financial close and COD look forward from close (no history),
// a date between them is "construction" with the construction periods paid on or before it as
// history, a date after COD is "operation".
TEST(ValuationConstruction, PhaseOfTheValuationDate) {
    const CompiledProject at_close = compile(wind_farm_at(ymd(2025, 3, 31)));
    EXPECT_EQ(valuation_phase(at_close), ValuationPhase::FromClose);
    EXPECT_EQ(history_periods(at_close), 0);
    EXPECT_FALSE(starts_at_valuation_date(at_close));
    EXPECT_EQ(at_close.overrun_share, 1.0);
    const CompiledProject at_cod = compile(wind_farm_at(ymd(2026, 9, 30)));
    EXPECT_EQ(valuation_phase(at_cod), ValuationPhase::FromClose);
    EXPECT_EQ(history_periods(at_cod), 0);
    EXPECT_EQ(at_cod.overrun_share, 1.0);
    // 2025-12-31 is the end of the 9th monthly construction period (2025-11-30 .. 2025-12-31).
    const CompiledProject half = compile(wind_farm_at(ymd(2025, 12, 31)));
    EXPECT_EQ(valuation_phase(half), ValuationPhase::Construction);
    EXPECT_EQ(history_periods(half), 9);
    EXPECT_TRUE(starts_at_valuation_date(half));
    EXPECT_EQ(half.grid.end[8], ymd(2025, 12, 31));
    // Inside the first construction period: no period is history yet, the factors start at V.
    const CompiledProject early = compile(wind_farm_at(ymd(2025, 4, 10)));
    EXPECT_EQ(valuation_phase(early), ValuationPhase::Construction);
    EXPECT_EQ(history_periods(early), 0);
    EXPECT_TRUE(starts_at_valuation_date(early));
    const CompiledProject after = compile(wind_farm_at(ymd(2027, 2, 10)));
    EXPECT_EQ(valuation_phase(after), ValuationPhase::Operation);
    EXPECT_EQ(after.overrun_share, 1.0);
}

// V = 2025-12-31, half the draw schedule (9 of 18 equal months drawn). A 10% overrun raises the
// capex by 10% of the undrawn half only: 84m + 0.10 x 42m = 88.2m (at COD, or from financial
// close: 84m x 1.10 = 92.4m). The nine drawn months keep their capex, debt draws and equity
// bit for bit; each later month costs 4,666,666.67 x 1.10 = 5,133,333.33, the extra
// 466,666.67 funded by equity (the debt draws follow the base capex), 4.2m in all.
TEST(ValuationConstruction, CapexOverrunRaisesOnlyTheUndrawnHalf) {
    const CompiledProject cp = compile(wind_farm_at(ymd(2025, 12, 31)));
    EXPECT_NEAR(cp.overrun_share, 0.5, 1e-15);
    const WaterfallResults base = run_with_overrun(cp, 0.0);
    const WaterfallResults over = run_with_overrun(cp, 0.10);
    const double month = 84'000'000.0 / 18.0;
    EXPECT_NEAR(sum(base.capex), 84'000'000.0, 1e-6);
    EXPECT_NEAR(sum(over.capex), 88'200'000.0, 1e-6);
    for (std::size_t t = 0; t < 18; ++t) {
        const bool drawn = t < 9;
        EXPECT_NEAR(over.capex[t], drawn ? month : 5'133'333.333333333, 1e-6) << t;
        EXPECT_EQ(over.debt_drawdown[t], base.debt_drawdown[t]) << t;
        EXPECT_EQ(over.interest_during_construction[t], base.interest_during_construction[t]) << t;
        if (drawn) {
            EXPECT_EQ(over.capex[t], base.capex[t]) << t;
            EXPECT_EQ(over.equity_funding[t], base.equity_funding[t]) << t;
        } else {
            EXPECT_NEAR(over.equity_funding[t] - base.equity_funding[t], 466'666.6666666667, 1e-6) << t;
        }
    }
    EXPECT_NEAR(sum(over.equity_funding) - sum(base.equity_funding), 4'200'000.0, 1e-5);
    // The same overrun at COD (the default valuation date) raises every month: 92.4m.
    const CompiledProject at_cod = compile(test::example_project("wind_farm.yaml"));
    EXPECT_NEAR(sum(run_with_overrun(at_cod, 0.10).capex), 92'400'000.0, 1e-6);
}

// V = 2025-11-15, 15 days into the 30-day period 2025-10-31 .. 2025-11-30: that month is drawn
// evenly over its days, so half of it is still to be drawn (w = 15/30), and the undrawn capex is
// 4,666,666.67 x (0.5 + 10 later months) = 49m. A 10% overrun adds 4.9m: 88.9m in all, and the
// depreciation scale is 1 + 0.10 x 49/84.
TEST(ValuationConstruction, CapexOverrunInsideAPeriodIsProRataByDays) {
    const CompiledProject cp = compile(wind_farm_at(ymd(2025, 11, 15)));
    ASSERT_EQ(cp.grid.start[7], ymd(2025, 10, 31));
    ASSERT_EQ(cp.grid.end[7], ymd(2025, 11, 30));
    EXPECT_EQ(cp.overrun_weight[6], 0.0);
    EXPECT_EQ(cp.overrun_weight[7], 0.5);
    EXPECT_EQ(cp.overrun_weight[8], 1.0);
    EXPECT_NEAR(cp.overrun_share, 49.0 / 84.0, 1e-15);
    const WaterfallResults over = run_with_overrun(cp, 0.10);
    EXPECT_NEAR(sum(over.capex), 88'900'000.0, 1e-6);
    EXPECT_NEAR(over.capex[7], 84'000'000.0 / 18.0 * 1.05, 1e-6);
}

// The stress library on wind_farm.yaml valued at 2025-12-31 (half the construction drawn):
// every scenario applies (the overrun to the undrawn half, the delay in full: COD lies after V)
// and none says "not applied". Checks against other runs, not against this engine's numbers:
// - capex_overrun_15 leaves the equity value (PV at financial close of the operating
//   distributions net of injections) of a 7.5% overrun of the whole construction, valued at COD:
//   the operating flows see the overrun only through the depreciation, 1 + 0.15 x 0.5 = 1.075 in
//   both; the construction equity rises by 0.15 x 42m = 6.3m instead of 0.075 x 84m spread over
//   every month (not in the equity value).
// - the operating shocks (price, volume, outage, opex, inflation) act after COD only, so their
//   equity value is that of the same project valued at COD, bit for bit.
// - construction_delay_6m: 6 months x 4 quarterly periods / 12 = 2 operating periods lost.
TEST(ValuationConstruction, StressLibraryDuringConstructionAppliesEveryScenario) {
    const auto library = stress::load_scenarios(test::source_path("data/stress/library.yaml"));
    stress::StressEngine mid(wind_farm_at(ymd(2025, 12, 31)));
    stress::StressEngine cod(test::example_project("wind_farm.yaml"));
    const auto s_mid = mid.run_all(library);
    const auto s_cod = cod.run_all(library);
    EXPECT_EQ(s_mid.failed, 0);
    for (const auto& r : s_mid.scenarios) {
        EXPECT_TRUE(r.ok) << r.name << ": " << r.error;
        EXPECT_TRUE(r.not_applied.empty()) << r.name << ": " << r.not_applied;
    }
    const auto& overrun = named(s_mid, "capex_overrun_15");
    EXPECT_NE(overrun.metrics.equity_value, s_mid.base.metrics.equity_value);
    const auto half_overrun = cod.run(one_shock("overrun_7_5", stress::ShockType::CapexOverrun, 0.075));
    EXPECT_NEAR(overrun.metrics.equity_value, half_overrun.metrics.equity_value,
                1e-9 * std::abs(half_overrun.metrics.equity_value));
    for (const char* name : {"merchant_price_down_20", "p90_volume", "p99_volume", "long_outage", "opex_up_25",
                             "inflation_shock", "severe_downside"})
        EXPECT_EQ(named(s_mid, name).metrics.equity_value, named(s_cod, name).metrics.equity_value) << name;
    stress::ResolvedScenario delay;
    mid.resolve(one_shock("delay", stress::ShockType::ConstructionDelay, 6.0), delay);
    EXPECT_EQ(delay.delay_periods, 2);
    EXPECT_TRUE(delay.not_applied.empty());
    EXPECT_LT(named(s_mid, "construction_delay_6m").metrics.equity_value, s_mid.base.metrics.equity_value);
    // Reverse stress searches both construction factors (none reports "not applicable").
    const auto reverse = stress::reverse_stress(mid);
    for (const auto& f : reverse.findings) EXPECT_EQ(f.message.find("not applicable"), std::string::npos) << f.factor;
}

// Valued after the last capex draw but before COD: solar.yaml with its last construction month
// (2026-03-15 .. 2026-04-15) drawing nothing, valued on 2026-04-01. No capex is left to overrun:
// capex_overrun_15 is not applied (base row, noted), construction_delay_6m applies (COD is still
// ahead), delay_and_overrun applies its 9-month delay only and equals a 9-month delay alone.
// The table's note says which shock and why.
TEST(ValuationConstruction, StressTableAfterTheLastDrawSaysTheOverrunIsNotApplied) {
    Project p = test::example_project("solar.yaml");
    p.construction.capex_profile = {0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.09, 0.09,
                                    0.09, 0.08, 0.07, 0.06, 0.05, 0.08, 0.0};
    p.valuation_date = ymd(2026, 4, 1);
    const auto library = stress::load_scenarios(test::source_path("data/stress/library.yaml"));
    stress::StressEngine engine(p);
    EXPECT_EQ(engine.compiled().overrun_share, 0.0);
    const auto summary = engine.run_all(library);
    EXPECT_EQ(summary.failed, 0);
    const auto& overrun = named(summary, "capex_overrun_15");
    EXPECT_EQ(overrun.not_applied, "capex_overrun");
    EXPECT_EQ(overrun.not_applied_reason, "capex all drawn before the valuation date");
    EXPECT_EQ(overrun.metrics.equity_value, summary.base.metrics.equity_value);
    const auto& delay = named(summary, "construction_delay_6m");
    EXPECT_TRUE(delay.not_applied.empty());
    EXPECT_LT(delay.metrics.equity_value, summary.base.metrics.equity_value);
    const auto& both = named(summary, "delay_and_overrun");
    EXPECT_EQ(both.not_applied, "capex_overrun");
    const auto delay9 = engine.run(one_shock("delay_9m", stress::ShockType::ConstructionDelay, 9.0));
    EXPECT_EQ(both.metrics.equity_value, delay9.metrics.equity_value);
    for (std::size_t k = 0; k < both.metrics.tranches.size(); ++k)
        EXPECT_EQ(both.metrics.tranches[k].pv, delay9.metrics.tranches[k].pv) << k;
    const std::string table = stress::scenarios_table(summary);
    EXPECT_NE(table.find("(not applied, capex all drawn before the valuation date: capex_overrun)"), std::string::npos)
        << table;
    const auto reverse = stress::reverse_stress(engine);
    int not_applicable = 0;
    for (const auto& f : reverse.findings) {
        if (f.factor == "capex_overrun") {
            ++not_applicable;
            EXPECT_EQ(f.message, "not applicable: the capex is all drawn by the valuation date 2026-04-01");
        } else {
            EXPECT_EQ(f.message.find("not applicable"), std::string::npos) << f.factor;
        }
    }
    EXPECT_EQ(not_applicable, 5);  // default DSCR, 3 tranche losses, equity wipe-out
}

// toll_road.yaml (floating senior loan, equity first, 30 monthly construction periods from
// 2025-07-01) valued on 2026-10-01: a +200 bp parallel shift moves the interest during
// construction only in the periods paid after V; the 15 months paid on or before it keep their
// base-case interest bit for bit, and the DSRA deposit at close keeps its base-case amount.
TEST(ValuationConstruction, RateShockLeavesTheHistoryInterestDuringConstruction) {
    Project p = test::example_project("toll_road.yaml");
    p.valuation_date = ymd(2026, 10, 1);
    stress::StressEngine engine(p);
    const CompiledProject& cp = engine.compiled();
    const int c = cp.valuation_period;
    ASSERT_EQ(c, 15);
    stress::ResolvedScenario up;
    engine.resolve(one_shock("up", stress::ShockType::RatesParallel, 200.0), up);
    WaterfallWorkspace ws(cp);
    run_waterfall(cp, PeriodDrivers{}, ws);
    const WaterfallResults base = ws.results;
    run_waterfall(cp, up.drivers(), ws);
    const WaterfallResults& shocked = ws.results;
    double later = 0.0;
    for (int t = 0; t < cp.grid.construction_periods; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        if (t < c) EXPECT_EQ(shocked.interest_during_construction[ts], base.interest_during_construction[ts]) << t;
        else later += shocked.interest_during_construction[ts] - base.interest_during_construction[ts];
    }
    // The DSRA deposit at close (6 months of debt service at COD) is history too: not re-sized
    // by the shifted rates after V (through it the shift reached the equity-first draws before V).
    EXPECT_GT(base.dsra_deposit[0], 0.0);
    EXPECT_EQ(shocked.dsra_deposit[0], base.dsra_deposit[0]);
    EXPECT_GT(base.interest_during_construction[static_cast<std::size_t>(c - 1)], 0.0);
    EXPECT_GT(later, 0.0);
}

// The Monte Carlo factors of solar.yaml valued on 2025-08-01 (construction: financial close
// 2025-01-15, COD 2026-04-15) start at V at their base level, as after COD: the six construction
// periods paid before V carry multiplier 1 on every path, and a GBM price's log (volatility 30%,
// zero drift) has variance sigma^2 (t - t_V) at a period end t: 0.09 x 14/365 = 0.00345 at the
// first remaining period end (2025-08-15) and 0.09 x 287/365 = 0.0708 at the first operating
// period end (2026-05-15; from financial close it was 0.09 x 485/365 = 0.120). Tolerance: 5
// standard errors of a sample variance, var sqrt(2 / N). The construction factor is still drawn:
// with a 6-month median delay (P(delay < half a month) = Phi(ln(1/12) / 0.5) ~ 3e-7) nearly
// every path produces nothing in the first operating period.
TEST(ValuationConstruction, MonteCarloFactorsStartAtTheValuationDate) {
    Project p = test::example_project("solar.yaml");
    p.valuation_date = ymd(2025, 8, 1);
    const CompiledProject cp = compile(p);
    const auto c = static_cast<std::size_t>(cp.valuation_period);
    ASSERT_EQ(c, 6U);
    ASSERT_EQ(cp.grid.end[c], ymd(2025, 8, 15));
    const auto first_op = static_cast<std::size_t>(cp.grid.construction_periods);
    ASSERT_EQ(cp.grid.end[first_op], ymd(2026, 5, 15));
    constexpr std::uint64_t kPaths = 1200;
    const auto dumps = mc::testing::dump_paths(p, mc::testing::gbm_with_delay_spec(), kPaths);
    ASSERT_EQ(dumps.size(), kPaths);
    // A delayed path has no revenue in the first operating period: its CFADS is the opex, < 0.
    int delayed = 0;
    for (const auto& d : dumps) {
        for (std::size_t t = 0; t < c; ++t) ASSERT_EQ(d.price_multiplier[t], 1.0) << t;
        if (d.cfads[first_op] < 0.0) ++delayed;
    }
    EXPECT_GT(delayed, static_cast<int>(kPaths / 2));
    mc::testing::expect_gbm_log_moments(dumps, c, 0.09 * 14.0 / 365.0);
    mc::testing::expect_gbm_log_moments(dumps, first_op, 0.09 * 287.0 / 365.0);
}
