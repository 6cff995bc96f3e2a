// Only the periods after the valuation date are stressed, counted and simulated
// (docs/valuation-date.md, "History"): for a project valued after COD the periods paid on or
// before its valuation date are history. Checked on the seasoned solar example
// (data/examples/solar_seasoned.yaml: valued 2028-05-01, actuals after the 2028-04-15 payment)
// and on solar.yaml dated 2028-05-01, against numbers derived outside the stress and Monte Carlo
// code: value()'s per-period table, the GBM variance sigma^2 t, and a re-valuation at a later date.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "pftoken/mc/project_mc.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/stress/reverse.hpp"
#include "pftoken/valuation/measure.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "support/builders.hpp"
#include "support/gtest_extra.hpp"
#include "test_mc_support.hpp"

using namespace pftoken;

namespace {

CalendarDate ymd(int y, unsigned m, unsigned d) {
    return CalendarDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

/// First period paid after `v` in value()'s grid (counted from the dates, not from the library).
std::size_t first_after(const ValuationResult& r, CalendarDate v) {
    std::size_t t = 0;
    while (r.grid.end[t] <= v) ++t;
    return t;
}

stress::Scenario volume_down(double change, std::optional<CalendarDate> start = {}, std::optional<CalendarDate> end = {}) {
    stress::Scenario s;
    s.name = "volume_down";
    auto shock = stress::make_shock(stress::ShockType::Volume, change);
    shock.window.start = start;
    shock.window.end = end;
    shock.path = "scenarios[0].shocks[0]";
    s.shocks.push_back(shock);
    return s;
}

}  // namespace

// The covenant statistics of a stress run cover the periods after the valuation date. Reference:
// value()'s per-period DSCR of the same seasoned project, minimum over the periods whose payment
// date is after 2028-05-01 (the first is 2028-05-15). The whole-life minimum (1.217x on
// 2026-05-15, `pftoken value`'s coverage line) lies in the history and must not be reported.
TEST(ValuationHistory, StressDscrStatisticsStartAtTheValuationDate) {
    const Project p = test::example_project("solar_seasoned.yaml");
    ValuationOptions vo;
    vo.include_periods = true;
    const ValuationResult v = value(p, vo);
    const std::size_t c = first_after(v, *p.valuation_date);
    EXPECT_EQ(v.grid.end[c], ymd(2028, 5, 15));
    double expected = std::numeric_limits<double>::infinity();
    std::size_t at = 0;
    for (std::size_t t = c; t < v.periods.dscr.size(); ++t)
        if (std::isfinite(v.periods.dscr[t]) && v.periods.dscr[t] < expected) expected = v.periods.dscr[t], at = t;
    const stress::StressEngine engine(p);
    const auto& m = engine.base().metrics;
    EXPECT_EQ(m.min_dscr, expected);
    EXPECT_EQ(m.min_dscr_date, v.grid.end[at]);
    EXPECT_GT(m.min_dscr_date, *p.valuation_date);
    EXPECT_LT(v.covenants.min_dscr, expected);  // the history's minimum is lower: it is left out
}

// A shock window that lies wholly in the history fails its scenario with the reason; one that
// spans the valuation date shocks only the periods after it, so it equals the same shock
// starting on the first remaining period's start date (2028-04-15).
TEST(ValuationHistory, StressShocksOnlyThePeriodsAfterTheValuationDate) {
    const Project p = test::example_project("solar_seasoned.yaml");
    stress::StressEngine engine(p);
    const auto before = engine.run(volume_down(-0.3, ymd(2026, 4, 15), ymd(2028, 4, 14)));
    EXPECT_FALSE(before.ok);
    EXPECT_EQ(before.error, "scenarios[0].shocks[0].window: selects no period after the valuation date 2028-05-01 (the "
                            "periods paid on or before it are history)");
    const auto spanning = engine.run(volume_down(-0.3, ymd(2026, 4, 15)));
    const auto from_v = engine.run(volume_down(-0.3, ymd(2028, 4, 16)));
    ASSERT_TRUE(spanning.ok && from_v.ok);
    for (std::size_t k = 0; k < spanning.metrics.tranches.size(); ++k)
        EXPECT_EQ(spanning.metrics.tranches[k].pv, from_v.metrics.tranches[k].pv) << k;
    EXPECT_EQ(spanning.metrics.min_dscr, from_v.metrics.min_dscr);
    EXPECT_EQ(spanning.metrics.equity_value, from_v.metrics.equity_value);
}

// Dated but not seasoned: the state at the valuation date is the modelled one, and a shock must
// not rewrite it. Reference: the same project with actuals equal to the base case's state after
// the 2028-04-15 payment (balances, DSRA, MRA, lock-up), where the state at the valuation date
// is fixed whatever the shock does before it. A 25% volume cut over the whole life gives the same
// tranche PVs in both (with the history shocked, the dated project drew its DSRA before 2028 and
// differed).
TEST(ValuationHistory, AShockLeavesTheModelledStateAtTheValuationDate) {
    Project p = test::example_project("solar.yaml");
    p.valuation_date = ymd(2028, 5, 1);
    ValuationOptions vo;
    vo.include_periods = true;
    const ValuationResult plain = value(p, vo);
    const std::size_t v = first_after(plain, *p.valuation_date);
    const WaterfallResults& r = plain.periods;
    Actuals a;
    for (int k = 0; k < r.tranches; ++k)
        a.tranches.push_back({p.tranches[static_cast<std::size_t>(k)].name, r.at(r.tranche_balance, k, static_cast<int>(v) - 1), 0.0, 0.0});
    a.dsra_balance = r.dsra_balance[v - 1];
    a.mra_balance = r.mra_balance[v - 1];
    a.lockup_balance = r.lockup_balance[v - 1];
    a.locked_up = r.lockup[v - 1] != 0;
    Project seasoned = p;
    seasoned.actuals = a;
    stress::StressEngine dated(p), actual(seasoned);
    const auto s1 = dated.run(volume_down(-0.25));
    const auto s2 = actual.run(volume_down(-0.25));
    ASSERT_TRUE(s1.ok && s2.ok);
    for (std::size_t k = 0; k < s1.metrics.tranches.size(); ++k) {
        EXPECT_NEAR(s1.metrics.tranches[k].pv, s2.metrics.tranches[k].pv, 1e-9 * s2.metrics.tranches[k].pv) << k;
        EXPECT_LT(s1.metrics.tranches[k].pv, dated.base().metrics.tranches[k].pv + 1e-6) << k;
    }
    EXPECT_EQ(s1.metrics.dsra_total_draw, s2.metrics.dsra_total_draw);
}

// Valued after COD, the construction is history: a capex overrun or a delay is not applied (the
// scenario runs, equals the base case and names the shock).
TEST(ValuationHistory, ConstructionShocksAfterCodAreNotApplied) {
    const Project p = test::example_project("solar_seasoned.yaml");
    stress::StressEngine engine(p);
    stress::Scenario s;
    s.name = "delay_and_overrun";
    s.shocks.push_back(stress::make_shock(stress::ShockType::ConstructionDelay, 9));
    s.shocks.push_back(stress::make_shock(stress::ShockType::CapexOverrun, 0.2));
    const auto r = engine.run(s);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.not_applied, "construction_delay, capex_overrun");
    for (std::size_t k = 0; k < r.metrics.tranches.size(); ++k)
        EXPECT_EQ(r.metrics.tranches[k].pv, engine.base().metrics.tranches[k].pv);
    // At COD (solar.yaml) the same shocks apply.
    stress::StressEngine at_cod(test::example_project("solar.yaml"));
    const auto c = at_cod.run(s);
    EXPECT_TRUE(c.not_applied.empty());
    EXPECT_NE(c.metrics.equity_value, at_cod.base().metrics.equity_value);
}

// The Monte Carlo factors start at the valuation date at their base level: the history's drivers
// are the base case's on every path (multiplier 1, the base CFADS, no construction delay even
// with the construction factor on), and a GBM price multiplier's log has variance
// sigma^2 (t - t_V) (zero drift: E ln M = -sigma^2 (t - t_V) / 2), t_V = 2028-05-01. The first
// remaining period ends 14 days later: variance 0.09 x 14/365 = 0.00345; started at financial
// close (2025-01-15) it was 0.09 x 3.33 = 0.30. Tolerance: 5 standard errors of a sample
// variance, var sqrt(2 / N).
TEST(ValuationHistory, MonteCarloFactorsStartAtTheValuationDate) {
    const Project p = test::example_project("solar_seasoned.yaml");
    ValuationOptions vo;
    vo.include_periods = true;
    const ValuationResult base = value(p, vo);
    const std::size_t c = first_after(base, *p.valuation_date);
    constexpr std::uint64_t kPaths = 1200;
    const auto dumps = mc::testing::dump_paths(p, mc::testing::gbm_with_delay_spec(0.1), kPaths);
    ASSERT_EQ(dumps.size(), kPaths);
    for (const auto& d : dumps)
        for (std::size_t t = 0; t < c; ++t) {
            ASSERT_EQ(d.price_multiplier[t], 1.0) << t;
            ASSERT_EQ(d.volume_multiplier[t], 1.0) << t;
            ASSERT_EQ(d.cfads[t], base.periods.cfads[t]) << t;
        }
    const double t_v = static_cast<double>((std::chrono::sys_days{*p.valuation_date} -
                                            std::chrono::sys_days{base.grid.financial_close}).count()) / 365.0;
    for (const std::size_t t : {c, c + 24}) {
        const double tau = static_cast<double>((std::chrono::sys_days{base.grid.end[t]} -
                                                std::chrono::sys_days{*p.valuation_date}).count()) / 365.0;
        EXPECT_NEAR(base.grid.time_from_close[t] - t_v, tau, 1e-12);
        mc::testing::expect_gbm_log_moments(dumps, t, 0.09 * tau);
    }
    EXPECT_NEAR(0.09 * (static_cast<double>((std::chrono::sys_days{base.grid.end[c]} -
                                             std::chrono::sys_days{*p.valuation_date}).count()) / 365.0),
                0.09 * 14.0 / 365.0, 1e-15);
}

// A project valued at or before COD keeps its factors from financial close (no history).
TEST(ValuationHistory, NoHistoryAtCod) {
    Project p = test::example_project("solar.yaml");
    EXPECT_EQ(history_periods(compile(p)), 0);
    p.valuation_date = ymd(2026, 4, 15);  // COD itself
    EXPECT_EQ(history_periods(compile(p)), 0);
    p.valuation_date = ymd(2028, 5, 1);
    const CompiledProject cp = compile(p);
    EXPECT_EQ(history_periods(cp), cp.valuation_period);
    EXPECT_EQ(cp.grid.end[static_cast<std::size_t>(cp.valuation_period)], ymd(2028, 5, 15));
}

// Reverse stress of a project valued after COD: the construction factors do not apply (their
// findings say why, none is "found"); the other factors search as before.
TEST(ValuationHistory, ReverseStressSkipsTheConstructionAfterCod) {
    stress::StressEngine engine(test::example_project("solar_seasoned.yaml"));
    const auto summary = stress::reverse_stress(engine);
    int construction = 0;
    for (const auto& f : summary.findings) {
        if (f.factor != "capex_overrun" && f.factor != "construction_delay") continue;
        ++construction;
        EXPECT_FALSE(f.found) << f.factor;
        EXPECT_EQ(f.message, "not applicable: the construction is history at the valuation date 2028-05-01");
    }
    EXPECT_EQ(construction, 2 * 5);  // 2 factors x (default DSCR, 3 tranche losses, equity wipe-out)
}

// A curve twist on a project valued after COD is a profile of the time from the valuation date
// (the curve is referenced there). Closed form (docs/stress.md, rates_twist): short +100 bp
// falling linearly to 0 at 5 years, so the zero-rate shift at the first remaining payment date,
// tau = 14/365 years after 2028-05-01 (Act/365F), is z = 100 bp x (1 - tau / 5) and the tranche
// discount multiplier there is exp(-z tau). Measured from financial close (3.37 years) the shift
// would have been 32.6 bp.
TEST(ValuationHistory, RateTwistIsMeasuredFromTheValuationDate) {
    const Project p = test::example_project("solar_seasoned.yaml");
    stress::StressEngine engine(p);
    stress::Scenario s;
    s.name = "twist";
    auto shock = stress::make_shock(stress::ShockType::RatesTwist, 1.0);
    shock.short_bp = 100.0;
    shock.long_bp = 0.0;
    shock.pivot_years = 5.0;
    shock.long_years = 20.0;
    s.shocks.push_back(shock);
    stress::ResolvedScenario resolved;
    engine.resolve(s, resolved);
    std::vector<double> adjust;
    ASSERT_TRUE(engine.discount_adjust(resolved, adjust));
    const CompiledProject& cp = engine.compiled();
    const int c = cp.valuation_period;
    const double tau = 14.0 / 365.0;
    const double z = 0.01 * (1.0 - tau / 5.0);
    EXPECT_NEAR(adjust[cp.at(0, c)], std::exp(-z * tau), 1e-14);
    for (int t = 0; t < c; ++t) EXPECT_EQ(resolved.index_shift[static_cast<std::size_t>(t)], 0.0) << t;
}
