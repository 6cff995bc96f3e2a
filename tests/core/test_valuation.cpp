// pftoken::value: tranche pricing against closed forms and QuantLib, equity and project IRR,
// coverage summary, examples.

#include <gtest/gtest.h>

#include <ql/cashflows/cashflows.hpp>
#include <ql/instruments/bonds/fixedratebond.hpp>
#include <ql/pricingengines/bond/discountingbondengine.hpp>
#include <ql/settings.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/daycounters/thirty360.hpp>
#include <ql/time/schedule.hpp>

#include <cmath>
#include <filesystem>

#include "pftoken/error.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "test_waterfall_fixtures.hpp"

using namespace pftoken;
using pftoken::kernel_testing::constant_cfads_project;
using pftoken::kernel_testing::fixed_tranche;

// A fixed-rate tranche bought at par yields its coupon (monthly compounding on 30/360, the
// tranche's own accrual): the defining property of a par bond.
TEST(Valuation, ParPriceYieldsTheCoupon) {
    for (const Amortisation a : {Amortisation::Annuity, Amortisation::LevelPrincipal, Amortisation::Bullet}) {
        Project p = constant_cfads_project(5'000'000.0);
        p.tranches.push_back(fixed_tranche("senior", 4'000'000.0, 0.072, a, 8));
        ValuationOptions o;
        o.market_price_per_token["senior"] = 100.0;  // face per token
        const ValuationResult v = value(p, o);
        ASSERT_EQ(v.tranches.size(), 1u);
        EXPECT_NEAR(v.tranches[0].yield, 0.072, 1e-10) << static_cast<int>(a);
        EXPECT_FALSE(std::isnan(v.tranches[0].z_spread));
    }
}

// Cross-check against QuantLib: a bullet tranche is a FixedRateBond (monthly 4.8% coupons on
// 30/360 from COD, redemption 100) priced by DiscountingBondEngine on a flat 5% annually
// compounded 30/360 curve with reference date COD; zero spread.
TEST(Valuation, BulletTrancheMatchesQuantLibFixedRateBond) {
    Project p = constant_cfads_project(5'000'000.0, 10);
    p.market.discount.flat_rate = 0.05;
    Tranche t = fixed_tranche("bullet", 3'000'000.0, 0.048, Amortisation::Bullet, 7);
    t.spread = 0.0;
    p.tranches.push_back(t);
    const ValuationResult v = value(p);

    using namespace QuantLib;
    const Date cod(1, January, 2025);
    Settings::instance().evaluationDate() = cod;
    const Thirty360 dc(Thirty360::BondBasis);
    const Schedule schedule(cod, cod + Period(7, Years), Period(Monthly), NullCalendar(), Unadjusted, Unadjusted,
                            DateGeneration::Forward, false);
    FixedRateBond bond(0, 3'000'000.0, schedule, std::vector<Rate>{0.048}, dc);
    const Handle<YieldTermStructure> curve(
        ext::make_shared<FlatForward>(cod, 0.05, dc, Compounded, Annual));
    bond.setPricingEngine(ext::make_shared<DiscountingBondEngine>(curve));
    EXPECT_NEAR(v.tranches[0].pv, bond.NPV(), 1e-10 * bond.NPV());
}

// Equity IRR closed form: no debt, 10,000,000 paid at close, three annual distributions of
// X = 10,000,000 * 0.1 / (1 - 1.1^-3) at exactly 1, 2, 3 years (2025-2027 have 365 days):
// IRR = 10% and NPV at 10% = 0; with no tax the project IRR equals it.
TEST(Valuation, EquityIrrOfAnnualDistributions) {
    const double X = 10'000'000.0 * 0.1 / (1.0 - std::pow(1.1, -3.0));
    Project p = constant_cfads_project(X / 12.0, 3);
    p.timeline.frequency = Frequency::Annual;
    p.timeline.day_count = DayCount::Actual365Fixed;
    p.construction.capex_total = 10'000'000.0;
    p.equity.cost_of_equity = 0.10;
    p.equity.token = {"EQ", 1'000'000.0, 10.0};
    const ValuationResult v = value(p);
    EXPECT_NEAR(v.equity.irr, 0.10, 1e-10);
    EXPECT_NEAR(v.project_irr, 0.10, 1e-10);
    EXPECT_NEAR(v.equity.npv, 0.0, 1e-6);
    EXPECT_NEAR(v.equity.contribution, 10'000'000.0, 1e-6);
    EXPECT_NEAR(v.equity.price_per_token, 10.0, 1e-9);  // PV of distributions at 10% / supply
}

// Coverage summary: constant CFADS with an annuity gives min = average DSCR = CFADS / A, and the
// ex-post LLCR at COD discounting at the loan rate is CFADS * a(n) / P = CFADS / A.
TEST(Valuation, CoverageSummaryOfConstantCfadsAnnuity) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 5'000'000.0, 0.06, Amortisation::Annuity, 10));
    const ValuationResult v = value(p);
    const double A = 5'000'000.0 * 0.005 / (1.0 - std::pow(1.005, -120));
    EXPECT_NEAR(v.covenants.min_dscr, 100'000.0 / A, 1e-10);
    EXPECT_NEAR(v.covenants.average_dscr, 100'000.0 / A, 1e-10);
    EXPECT_NEAR(v.covenants.llcr_at_cod, 100'000.0 / A, 1e-9);
    EXPECT_EQ(v.covenants.lockup_periods, 0);
    // All DSCRs are equal up to rounding: the minimum is some operating period with its date.
    ASSERT_GE(v.covenants.min_dscr_period, 0);
    EXPECT_EQ(v.covenants.min_dscr_date, v.grid.end[static_cast<std::size_t>(v.covenants.min_dscr_period)]);
    EXPECT_EQ(v.periods.periods, 120);
    EXPECT_EQ(v.llcr.size(), 120u);
    // WAL of the annuity: sum_t t p_t / P with p_t = A - B_{t-1} i, t in years (30/360).
    double wal = 0.0, b = 5'000'000.0;
    for (int m = 1; m <= 120; ++m) {
        const double principal = A - b * 0.005;
        wal += m / 12.0 * principal;
        b -= principal;
    }
    EXPECT_NEAR(v.tranches[0].wal, wal / 5'000'000.0, 1e-9);
}

TEST(Valuation, UnknownMarketPriceTrancheIsAnInputError) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 5'000'000.0, 0.06, Amortisation::Annuity, 10));
    ValuationOptions o;
    o.market_price_per_token["mezz"] = 99.0;
    try {
        (void)value(p, o);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_STREQ(e.what(), "market_price_per_token.mezz: unknown tranche 'mezz'");
    }
}

// The shipped examples value end to end with sensible results.
TEST(Valuation, ExamplesValue) {
    for (const char* name : {"solar.yaml", "toll_road.yaml"}) {
        const auto path = std::filesystem::path(PFTOKEN_SOURCE_DIR) / "data" / "examples" / name;
        ASSERT_TRUE(std::filesystem::exists(path)) << "example not present: " << path;
        const ValuationResult v = value(load_project(path));
        EXPECT_GE(v.tranches.size(), 2u) << name;
        EXPECT_GT(v.covenants.min_dscr, 0.5) << name;
        EXPECT_GT(v.covenants.llcr_at_cod, 1.0) << name;
        for (const auto& t : v.tranches) {
            EXPECT_GT(t.pv, 0.0) << name << " " << t.name;
            EXPECT_GT(t.yield, 0.0) << name << " " << t.name;
        }
    }
}
