// Valuation date and seasoning (docs/valuation-date.md): the remaining flows of a tranche valued
// at any date from financial close to maturity, accrued interest, clean and dirty prices against
// QuantLib's bonds, actuals replacing the modelled state, and the loader's checks.

#include <gtest/gtest.h>

#include <ql/instruments/bonds/amortizingfixedratebond.hpp>
#include <ql/pricingengines/bond/bondfunctions.hpp>
#include <ql/pricingengines/bond/discountingbondengine.hpp>
#include <ql/quotes/simplequote.hpp>
#include <ql/settings.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/termstructures/yield/zerospreadedtermstructure.hpp>
#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/schedule.hpp>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "pftoken/error.hpp"
#include "pftoken/mc/fair_value_paths.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/pricing/curves.hpp"
#include "pftoken/report/value_report.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "support/builders.hpp"
#include "support/gtest_extra.hpp"
#include "support/quantlib_settings.hpp"

using namespace pftoken;
namespace ql = QuantLib;

namespace {

CalendarDate ymd(int y, unsigned m, unsigned d) {
    return CalendarDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

/// Quarterly level-principal 5.5% tranche of 4m over 8 years from COD 2025-01-01, fully served
/// (CFADS 300k a quarter against at most 180k of debt service), discount spread 150 bp on a flat
/// 4% annually compounded curve.
Project level_principal_project(DayCount dc) {
    Project p = test::constant_cfads_project(100'000.0, 10);
    p.timeline.frequency = Frequency::Quarterly;
    p.timeline.day_count = dc;
    p.market.discount.flat_rate = 0.04;
    Tranche t = test::fixed_tranche("senior", 4'000'000.0, 0.055, Amortisation::LevelPrincipal, 8);
    t.spread = 0.015;
    p.tranches.push_back(t);
    return p;
}

}  // namespace

// Source: QuantLib 1.29 AmortizingFixedRateBond (notionals 4m x (1 - i/32), quarterly 5.5% on the
// tranche's day counter, from COD, NullCalendar, Unadjusted) with DiscountingBondEngine on
// FlatForward(valuation date, 4%, day counter, Compounded, Annual) + ZeroSpreadedTermStructure
// (150 bp, Continuous); BondFunctions::cleanPrice / accruedAmount / yield / duration at the
// valuation date as settlement date. A seasoned tranche valued mid-period (2027-05-17, 46 days
// into the quarter that started 2027-04-01) must give QuantLib's dirty and clean prices and
// accrued interest (per 100 of the notional outstanding at settlement) to 1e-10 relative, and its
// yield, Macaulay and modified durations.
TEST(ValuationDate, SeasonedLevelPrincipalMatchesQuantLibAmortizingBond) {
    for (const DayCount dc : {DayCount::Actual365Fixed, DayCount::Thirty360, DayCount::ActualActualISDA}) {
        Project p = level_principal_project(dc);
        const CalendarDate vd = ymd(2027, 5, 17);
        p.valuation_date = vd;
        const ValuationResult v = value(p);
        ASSERT_EQ(v.tranches.size(), 1u);
        const TrancheValuation& t = v.tranches[0];
        EXPECT_EQ(v.debt_valuation_date, vd);

        const ql::Date settle(17, ql::May, 2027);
        const test::EvaluationDate eval(settle);
        const ql::DayCounter qdc = pricing::to_day_counter(dc);
        const ql::Date cod(1, ql::January, 2025);
        const ql::Schedule schedule(cod, cod + ql::Period(8, ql::Years), ql::Period(3, ql::Months), ql::NullCalendar(),
                                    ql::Unadjusted, ql::Unadjusted, ql::DateGeneration::Forward, false);
        std::vector<double> notionals;
        for (int i = 0; i < 32; ++i) notionals.push_back(4'000'000.0 * (1.0 - i / 32.0));
        ql::AmortizingFixedRateBond bond(0, notionals, schedule, {0.055}, qdc, ql::Unadjusted, cod);
        const auto flat = ql::ext::make_shared<ql::FlatForward>(settle, 0.04, qdc, ql::Compounded, ql::Annual);
        const auto spreaded = ql::ext::make_shared<ql::ZeroSpreadedTermStructure>(
            ql::Handle<ql::YieldTermStructure>(flat), ql::Handle<ql::Quote>(ql::ext::make_shared<ql::SimpleQuote>(0.015)),
            ql::Continuous, ql::NoFrequency, qdc);
        bond.setPricingEngine(ql::ext::make_shared<ql::DiscountingBondEngine>(ql::Handle<ql::YieldTermStructure>(spreaded)));

        const double notional = bond.notional(settle);  // 9 of 32 principal payments made by 2027-04-01
        EXPECT_DOUBLE_EQ(notional, 4'000'000.0 * 23.0 / 32.0);
        const double ql_clean = ql::BondFunctions::cleanPrice(bond, *spreaded, settle);
        const double ql_accrued = ql::BondFunctions::accruedAmount(bond, settle);
        const double ql_dirty = ql_clean + ql_accrued;
        EXPECT_NEAR(t.outstanding, notional, 1e-6);
        EXPECT_NEAR(t.outstanding_per_token, notional / 40'000.0, 1e-12);  // 40,000 tokens of 100
        EXPECT_NEAR(t.accrued_interest / (ql_accrued * notional / 100.0), 1.0, 1e-10) << static_cast<int>(dc);
        EXPECT_NEAR(t.pv / (ql_dirty * notional / 100.0), 1.0, 1e-10) << static_cast<int>(dc);
        EXPECT_NEAR(t.price_pct_of_par / ql_dirty, 1.0, 1e-10);
        EXPECT_NEAR(t.clean_price_pct_of_par / ql_clean, 1.0, 1e-10);
        EXPECT_NEAR(t.clean_price_per_token, t.price_per_token - t.accrued_per_token, 1e-12);
        EXPECT_GT(t.accrued_interest, 0.0);

        // Yield from QuantLib's clean price (quarterly compounding on the tranche day count), and
        // durations at our yield.
        const double ql_yield = ql::BondFunctions::yield(bond, ql_clean, qdc, ql::Compounded, ql::Quarterly, settle, 1e-14);
        EXPECT_NEAR(t.yield, ql_yield, 1e-9) << static_cast<int>(dc);
        EXPECT_NEAR(t.macaulay_duration,
                    ql::BondFunctions::duration(bond, t.yield, qdc, ql::Compounded, ql::Quarterly, ql::Duration::Macaulay,
                                                settle),
                    1e-9);
        EXPECT_NEAR(t.modified_duration,
                    ql::BondFunctions::duration(bond, t.yield, qdc, ql::Compounded, ql::Quarterly, ql::Duration::Modified,
                                                settle),
                    1e-9);
        // WAL of the remaining principal: 23 equal repayments at 2027-07-01 + 3 months x j,
        // on the tranche's day counter from the valuation date.
        double wal = 0.0;
        for (int j = 0; j < 23; ++j) wal += qdc.yearFraction(settle, ql::Date(1, ql::July, 2027) + ql::Period(3 * j, ql::Months));
        EXPECT_NEAR(t.wal, wal / 23.0, 1e-12);
    }
}

// On a payment date nothing is accrued: clean = dirty, and the outstanding is the balance after
// that date's repayment.
TEST(ValuationDate, OnAPaymentDateCleanEqualsDirty) {
    Project p = level_principal_project(DayCount::Actual365Fixed);
    p.valuation_date = ymd(2027, 4, 1);
    const TrancheValuation t = value(p).tranches[0];
    EXPECT_EQ(t.accrued_interest, 0.0);
    EXPECT_EQ(t.clean_price_per_token, t.price_per_token);
    EXPECT_NEAR(t.outstanding, 4'000'000.0 * 23.0 / 32.0, 1e-6);
}

// valuation_date absent and valuation_date = COD are the same valuation, bit for bit, on both
// shipped examples (the golden files hold the COD values).
TEST(ValuationDate, DefaultIsCodBitForBit) {
    for (const char* file : {"solar.yaml", "toll_road.yaml"}) {
        const Project base = test::example_project(file);
        Project dated = base;
        const ValuationResult a = value(base);
        dated.valuation_date = a.grid.cod;
        const ValuationResult b = value(dated);
        ASSERT_EQ(a.tranches.size(), b.tranches.size());
        for (std::size_t k = 0; k < a.tranches.size(); ++k) {
            EXPECT_EQ(a.tranches[k].pv, b.tranches[k].pv) << file;
            EXPECT_EQ(a.tranches[k].yield, b.tranches[k].yield) << file;
            EXPECT_EQ(a.tranches[k].wal, b.tranches[k].wal) << file;
            EXPECT_EQ(a.tranches[k].accrued_interest, 0.0);
        }
        EXPECT_EQ(a.equity.npv, b.equity.npv);
    }
}

// Seasoning with actuals equal to the modelled state at the valuation date gives the unseasoned
// valuation at that date (the kernel restarts from the same numbers), in `value` and in the
// stress engine's base case.
TEST(ValuationDate, ActualsEqualToTheModelLeaveTheValuationUnchanged) {
    Project p = test::example_project("solar.yaml");
    p.valuation_date = ymd(2028, 5, 1);  // two years after COD 2026-04-15, mid-period
    const ValuationResult plain = value(p);
    const int v = [&] {
        int t = 0;
        while (plain.grid.end[static_cast<std::size_t>(t)] <= *p.valuation_date) ++t;
        return t;
    }();
    const WaterfallResults& r = plain.periods;
    Actuals a;
    for (int k = 0; k < r.tranches; ++k)
        a.tranches.push_back({p.tranches[static_cast<std::size_t>(k)].name, r.at(r.tranche_balance, k, v - 1), 0.0, 0.0});
    a.dsra_balance = r.dsra_balance[static_cast<std::size_t>(v - 1)];
    a.mra_balance = r.mra_balance[static_cast<std::size_t>(v - 1)];
    a.lockup_balance = r.lockup_balance[static_cast<std::size_t>(v - 1)];
    a.locked_up = r.lockup[static_cast<std::size_t>(v - 1)] != 0;
    EXPECT_FALSE(*a.locked_up);  // the base case is not locked up, so the cure count restarts at 0 either way
    Project seasoned = p;
    seasoned.actuals = a;
    const ValuationResult s = value(seasoned);
    EXPECT_TRUE(s.seasoned);
    for (std::size_t k = 0; k < plain.tranches.size(); ++k) {
        EXPECT_EQ(plain.tranches[k].pv, s.tranches[k].pv);
        EXPECT_EQ(plain.tranches[k].accrued_interest, s.tranches[k].accrued_interest);
        EXPECT_EQ(plain.tranches[k].outstanding, s.tranches[k].outstanding);
        EXPECT_GT(plain.tranches[k].accrued_interest, 0.0);
    }
    stress::StressEngine e1(p), e2(seasoned);
    const auto m1 = e1.run(stress::Scenario{});
    const auto m2 = e2.run(stress::Scenario{});
    for (std::size_t k = 0; k < plain.tranches.size(); ++k) {
        EXPECT_EQ(m1.metrics.tranches[k].pv, plain.tranches[k].pv);
        EXPECT_EQ(m2.metrics.tranches[k].pv, s.tranches[k].pv);
    }
}

// Different actuals, checked by hand: a 7% annual bullet of 10m over 5 years (COD 2025-01-01,
// flat 3% annually compounded Act/365F curve, no spread), valued on 2027-01-01 (a payment date)
// with actuals of 6m principal outstanding and 0.5m of deferred interest (capitalised: it bears
// the coupon). Remaining periods 2027-2028, 2028-2029 (366 days), 2029-2030: coupon_i = 7% x
// 6.5m x days_i / 365, the 6.5m balance at the end; DF = 1.03^-(days from 2027-01-01 / 365).
TEST(ValuationDate, ActualsReplaceTheBalancesByHand) {
    Project p = test::merchant_bullet_project(1'000'000.0, 10.0, 10'000'000.0, 0.07, 5);
    p.tranches[0].spread = 0.0;
    p.valuation_date = ymd(2027, 1, 1);
    Actuals a;
    a.tranches.push_back({"bullet", 6'000'000.0, 500'000.0, 0.0});
    p.actuals = a;
    const ValuationResult v = value(p);
    const TrancheValuation& t = v.tranches[0];
    auto coupon = [](double days) { return 0.07 * 6'500'000.0 * days / 365.0; };
    auto df = [](double days) { return std::pow(1.03, -days / 365.0); };
    const double expected =
        coupon(365) * df(365) + coupon(366) * df(731) + (coupon(365) + 6'500'000.0) * df(1096);
    EXPECT_NEAR(t.pv, expected, 1e-6);
    EXPECT_DOUBLE_EQ(t.outstanding, 6'500'000.0);
    EXPECT_DOUBLE_EQ(t.outstanding_per_token, 6'500'000.0 / 100'000.0);
    EXPECT_EQ(t.accrued_interest, 0.0);
    EXPECT_NEAR(t.total_principal, 6'500'000.0, 1e-6);
    EXPECT_NEAR(t.total_interest, coupon(365) + coupon(366) + coupon(365), 1e-6);
}

// A lock-up stated in the actuals holds cash from the first remaining period even though the
// modelled DSCR passes, until the cure count is met (3 passing tests).
TEST(ValuationDate, ActualLockupTrapsCash) {
    Project p = test::example_project("solar.yaml");
    p.covenants.lockup_cure_periods = 3;
    p.valuation_date = ymd(2028, 4, 15);
    Actuals a;
    a.locked_up = true;
    a.lockup_balance = 1'000'000.0;
    p.actuals = a;
    const ValuationResult v = value(p);
    const WaterfallResults& r = v.periods;
    int first = 0;
    while (v.grid.end[static_cast<std::size_t>(first)] <= *p.valuation_date) ++first;
    const auto f = static_cast<std::size_t>(first);
    EXPECT_EQ(r.lockup[f], 1);
    EXPECT_EQ(r.distributions[f], 0.0);
    EXPECT_NEAR(r.lockup_balance[f], 1'000'000.0 + r.lockup_deposit[f], 1e-6);
    EXPECT_EQ(r.lockup[f - 1], 0);  // history stays modelled
}

TEST(ValuationDate, LoaderChecksTheDateAndTheActuals) {
    const std::string base = R"(name: t
timeline: {financial_close: 2025-01-01, construction_months: 12, operations_years: 10, frequency: annual}
construction: {capex_total: 1000000}
revenues: [{name: r, p50_volume: 1000, contract_price: 400}]
tranches: [{name: senior, principal: 500000, fixed_rate: 0.05, tenor_years: 8, amortisation: annuity, token: {symbol: S, supply: 5000}}]
equity: {cost_of_equity: 0.1, token: {symbol: EQ, supply: 1000}}
market: {discount: {flat_rate: 0.03}}
)";
    EXPECT_NO_THROW((void)parse_project(base + "valuation_date: 2030-06-30\n", "t.yaml"));
    EXPECT_THROW_MSG((void)parse_project(base + "valuation_date: 2024-12-31\n", "t.yaml"), InputError,
                     "t.yaml:8:17: valuation_date: must be from timeline.financial_close (2025-01-01) to the last period "
                     "end (2036-01-01), got 2024-12-31");
    EXPECT_THROW_MSG((void)parse_project(base + "valuation_date: 2036-01-02\n", "t.yaml"), InputError,
                     "valuation_date: must be from timeline.financial_close (2025-01-01) to the last period end "
                     "(2036-01-01), got 2036-01-02");
    EXPECT_THROW_MSG((void)parse_project(base + "valuation_date: 2030-02-30\n", "t.yaml"), InputError,
                     "valuation_date: not a valid calendar date, got 2030-02-30");
    EXPECT_THROW_MSG((void)parse_project(base + "actuals: {dsra_balance: 0}\n", "t.yaml"), InputError,
                     "actuals: requires valuation_date (the date the actuals describe)");
    EXPECT_THROW_MSG((void)parse_project(base + "valuation_date: 2025-06-30\nactuals: {locked_up: true}\n", "t.yaml"),
                     InputError, "actuals: are read from COD (2026-01-01) on; valuation_date is 2025-06-30 (during construction)");
    EXPECT_THROW_MSG(
        (void)parse_project(base + "valuation_date: 2030-06-30\nactuals: {tranches: [{tranche: senoir, principal_outstanding: 1}]}\n",
                            "t.yaml"),
        InputError, "actuals.tranches[0].tranche: unknown tranche 'senoir'; tranches are: senior");
    EXPECT_THROW_MSG(
        (void)parse_project(base + "valuation_date: 2030-06-30\nactuals: {tranches: [{tranche: senior, principal_outstanding: 10, "
                                   "principal_arrears: 20}]}\n",
                            "t.yaml"),
        InputError, "actuals.tranches[0].principal_arrears: must be <= principal_outstanding (10), got 20");
    EXPECT_THROW_MSG((void)parse_project(base + "valuation_date: 2030-06-30\nactuals: {dsra_balance: 5}\n", "t.yaml"),
                     InputError, "actuals.dsra_balance: given but the project has no DSRA (dsra.enabled)");
    EXPECT_THROW_MSG((void)parse_project(base + "valuation_date: 2030-06-30\nactuals: {tranches: [{tranche: senior}]}\n", "t.yaml"),
                     InputError, "actuals.tranches[0].principal_outstanding: is required");
}

// The summary JSON carries the debt valuation date and the clean / accrued / outstanding fields
// only when the project sets a valuation date (documents of projects valued at COD keep their shape).
TEST(ValuationDate, SummaryJsonNamesTheDate) {
    Project p = level_principal_project(DayCount::Actual365Fixed);
    const std::string at_cod = report::summary_json(p, value(p));
    EXPECT_EQ(at_cod.find("debt_valuation_date"), std::string::npos);
    p.valuation_date = ymd(2027, 5, 17);
    const std::string dated = report::summary_json(p, value(p));
    EXPECT_NE(dated.find("\"debt_valuation_date\": \"2027-05-17\""), std::string::npos);
    EXPECT_NE(dated.find("\"clean_price_pct_of_par\""), std::string::npos);
    const std::string text = report::summary_text(p, value(p));
    EXPECT_NE(text.find("tranche prices at 2027-05-17 (PV of the flows paid after it"), std::string::npos) << text;
}

// The Monte Carlo and the fair-value paths start at the valuation date from the seasoned state:
// with no factor moving (the merchant price and Hull-White rates at zero volatility, so every
// path is the base case and the path discount is the curve's), both give value()'s dirty price
// per token at that date; the fair-value paths' date 0 is the valuation date.
TEST(ValuationDate, MonteCarloStartsFromTheSeasonedState) {
    Project p = test::example_project("solar.yaml");
    p.valuation_date = ymd(2028, 5, 1);
    Actuals a;
    a.tranches.push_back({"junior", 3'000'000.0, 0.0, 0.0});
    a.dsra_balance = 2'000'000.0;
    p.actuals = a;
    const ValuationResult det = value(p);
    mc::StochasticSpec spec;
    spec.merchant_price.enabled = true;
    spec.interest_rate.enabled = true;
    mc::ProjectMcOptions mo;
    mo.mc.paths = 8;
    mo.mc.threads = 1;
    mo.equity_irr = false;
    mo.sensitivities = false;
    const auto mc = mc::run_project_mc(p, spec, mo);
    ASSERT_EQ(mc.tranches.size(), det.tranches.size());
    for (std::size_t k = 0; k < det.tranches.size(); ++k) {
        const double price = det.tranches[k].price_per_token;
        EXPECT_NEAR(mc.tranches[k].price_per_token.mean, price, 1e-10 * price) << k;
        mc::FairValuePathOptions fo;
        fo.mc.paths = 8;
        fo.tranche = k;
        fo.horizon_years = 0.5;
        const auto fv = mc::fair_value_paths(p, spec, fo);
        ASSERT_GE(fv.dates(), 2u);
        EXPECT_EQ(fv.date[0], *p.valuation_date);
        EXPECT_NEAR(fv.mean(0), price, 1e-10 * price) << k;
        EXPECT_NEAR(fv.time[1], 14.0 / 365.0, 1e-15);  // first payment date 2028-05-15
    }
    EXPECT_NEAR(det.tranches[2].outstanding, 3'000'000.0, 0.0);
}
