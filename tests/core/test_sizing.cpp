// Debt sizing and sculpting: target DSCR, minimum DSCR, gearing cap, maximum tenor, grace,
// non-positive CFADS, infeasible constraints and input errors.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pftoken/error.hpp"
#include "pftoken/pricing/coverage.hpp"
#include "pftoken/pricing/sizing.hpp"
#include "support/gtest_extra.hpp"

namespace pp = pftoken::pricing;
using pftoken::Amortisation;
using pp::BindingConstraint;
using testing::HasSubstr;

namespace {

/// Monthly operating periods with a seasonal, slowly declining CFADS.
struct Case {
    std::vector<double> cfads, accrual, rate;
    explicit Case(std::size_t periods, double annual_rate = 0.06, double base = 1.0e6) {
        for (std::size_t k = 0; k < periods; ++k) {
            const double month = static_cast<double>(k % 12);
            cfads.push_back(base * (1.0 + 0.25 * std::sin(2.0 * M_PI * month / 12.0)) *
                            std::pow(0.995, static_cast<double>(k) / 12.0));
            accrual.push_back(1.0 / 12.0);
            rate.push_back(annual_rate);
        }
    }
    [[nodiscard]] pp::SizingInputs inputs() const { return {cfads, accrual, rate}; }
};

/// Independent PV of a debt-service vector at the per-period simple rates, from period `from`.
double pv_at_rate(const std::vector<double>& ds, const Case& c, std::size_t from, std::size_t to) {
    double pv = 0.0;
    double v = 1.0;
    for (std::size_t k = from; k < to; ++k) {
        v /= 1.0 + c.rate[k] * c.accrual[k];
        pv += ds[k] * v;
    }
    return pv;
}

double rel(double a, double b) { return std::abs(a - b) / std::abs(b); }

/// Balance roll-forward: opening - principal = closing, interest = opening r tau, DS = interest
/// + principal, next opening = closing, to rounding (1e-12 of the size).
void expect_consistent_schedule(const pp::SizingSummary& s, const Case& c) {
    const double tol = 1e-12 * s.size;
    EXPECT_EQ(s.opening_balance[0], s.size);
    for (std::size_t k = 0; k < c.cfads.size(); ++k) {
        EXPECT_NEAR(s.opening_balance[k] - s.principal[k], s.closing_balance[k], tol) << k;
        EXPECT_NEAR(s.interest[k], s.opening_balance[k] * c.rate[k] * c.accrual[k], tol) << k;
        EXPECT_NEAR(s.debt_service[k], s.interest[k] + s.principal[k], tol) << k;
        if (k + 1 < c.cfads.size()) {
            EXPECT_EQ(s.closing_balance[k], s.opening_balance[k + 1]) << k;
        }
    }
    EXPECT_EQ(s.closing_balance.back(), 0.0);
}

}  // namespace

// Closed form (definition of sculpting, issue 2): DS_k = CFADS_k / target, so DSCR_k = target
// in every amortisation period and the size is the PV of DS at the tranche rate; the balance
// then reaches zero exactly at maturity, and the tranche's LLCR at COD equals the target.
TEST(Sizing, SculptedDscrEqualsTargetAndSizeIsPvOfDebtService) {
    const Case c(300);
    for (const double target : {1.20, 1.30, 1.45}) {
        pp::SizingOptions o;
        o.target_dscr = target;
        o.tenor_periods = 216;
        o.capex = 0.0;  // no gearing cap
        const auto s = pp::size_debt(c.inputs(), o);
        ASSERT_TRUE(s.constraints_hold) << s.message;
        EXPECT_EQ(s.binding, BindingConstraint::TargetDscr);
        for (std::size_t k = 0; k < 216; ++k) {
            EXPECT_NEAR(s.dscr[k], target, 1e-12 * target) << k;
            EXPECT_NEAR(s.interest[k], s.opening_balance[k] * 0.06 / 12.0, 1e-9);
        }
        for (std::size_t k = 216; k < 300; ++k) EXPECT_EQ(s.debt_service[k], 0.0);
        std::vector<double> expected_ds(300, 0.0);
        for (std::size_t k = 0; k < 216; ++k) expected_ds[k] = c.cfads[k] / target;
        EXPECT_LT(rel(s.size, pv_at_rate(expected_ds, c, 0, 216)), 1e-13);
        expect_consistent_schedule(s, c);
        EXPECT_NEAR(s.min_dscr, target, 1e-12);
        EXPECT_NEAR(s.average_dscr, target, 1e-12);
        const pp::CoverageInputs cov{c.cfads, c.accrual, c.rate, s.opening_balance};
        EXPECT_NEAR(pp::llcr_at(cov, 0), target, 1e-12);
        EXPECT_NEAR(pp::llcr_at(cov, 100), target, 1e-10);
    }
}

// Gearing cap: when cap * capex is below the sculpted size it binds; the schedule keeps the
// sculpted shape, so the DSCR is target * (sculpted size / capped size), constant.
TEST(Sizing, GearingCapBindsWhenItShould) {
    const Case c(240);
    pp::SizingOptions o;
    o.target_dscr = 1.35;
    o.tenor_periods = 180;
    o.gearing_cap = 0.75;
    const double sculpted = pp::size_debt(c.inputs(), [&] {
                                pp::SizingOptions u = o;
                                u.capex = 0.0;
                                return u;
                            }()).size;
    // Capex large: the target DSCR binds.
    o.capex = 2.0 * sculpted / 0.75;
    auto s = pp::size_debt(c.inputs(), o);
    EXPECT_EQ(s.binding, BindingConstraint::TargetDscr);
    EXPECT_DOUBLE_EQ(s.size, sculpted);
    // Capex small: 75% of capex binds.
    o.capex = 0.5 * sculpted / 0.75;
    s = pp::size_debt(c.inputs(), o);
    ASSERT_TRUE(s.constraints_hold) << s.message;
    EXPECT_EQ(s.binding, BindingConstraint::GearingCap);
    EXPECT_DOUBLE_EQ(s.size, 0.75 * o.capex);
    EXPECT_DOUBLE_EQ(s.unconstrained_size, sculpted);
    for (std::size_t k = 0; k < 180; ++k) EXPECT_NEAR(s.dscr[k], 1.35 * 2.0, 1e-11) << k;
    expect_consistent_schedule(s, c);
    EXPECT_THAT(s.message, HasSubstr("set by the gearing cap"));
}

// Closed form (issue 2): constant CFADS C with an annuity tranche gives a constant DSCR equal
// to C / payment. Sized at the minimum DSCR m: payment = C / m and size = (C / m) a, with a
// the annuity factor sum_k prod v; the root finder must land on m exactly.
TEST(Sizing, AnnuitySizedAtMinimumDscrMatchesClosedForm) {
    Case c(120, 0.07);
    std::fill(c.cfads.begin(), c.cfads.end(), 5.0e5);
    for (const double m : {1.0, 1.25, 1.6}) {
        pp::SizingOptions o;
        o.amortisation = Amortisation::Annuity;
        o.min_dscr = m;
        o.tenor_periods = 120;
        const auto s = pp::size_debt(c.inputs(), o);
        ASSERT_TRUE(s.constraints_hold) << s.message;
        EXPECT_EQ(s.binding, BindingConstraint::MinDscr);
        const double annuity_factor = (1.0 - std::pow(1.0 + 0.07 / 12.0, -120.0)) / (0.07 / 12.0);
        EXPECT_LT(rel(s.size, 5.0e5 / m * annuity_factor), 1e-12);
        for (std::size_t k = 0; k < 120; ++k) EXPECT_NEAR(s.dscr[k], m, 1e-11) << k;
        EXPECT_GE(s.min_dscr, m * (1.0 - 1e-12));
    }
}

// Minimum-DSCR sizing of level-principal and bullet shapes with seasonal CFADS: the smallest
// period DSCR equals the minimum exactly (to 1e-10) and the size equals the closed form
// min_k CFADS_k / (m u_k), u_k the debt service per unit of principal.
TEST(Sizing, FixedShapesLandExactlyOnTheMinimumDscr) {
    const Case c(180, 0.065);
    const double m = 1.3;
    for (const Amortisation shape : {Amortisation::LevelPrincipal, Amortisation::Bullet}) {
        pp::SizingOptions o;
        o.amortisation = shape;
        o.min_dscr = m;
        o.tenor_periods = 150;
        o.grace_periods = 12;
        const auto s = pp::size_debt(c.inputs(), o);
        ASSERT_TRUE(s.constraints_hold) << s.message;
        EXPECT_EQ(s.binding, BindingConstraint::MinDscr);
        EXPECT_NEAR(s.min_dscr, m, 1e-10 * m);
        // Closed form from the unit schedule.
        double closed = INFINITY;
        const double r = 0.065 / 12.0;
        const double n = 150.0 - 12.0;
        for (std::size_t k = 0; k < 150; ++k) {
            double unit = r;  // grace and bullet interest
            if (shape == Amortisation::LevelPrincipal && k >= 12)
                unit = 1.0 / n + (1.0 - static_cast<double>(k - 12) / n) * r;
            if (shape == Amortisation::Bullet && k == 149) unit = 1.0 + r;
            closed = std::min(closed, c.cfads[k] / (m * unit));
        }
        EXPECT_LT(rel(s.size, closed), 1e-12);
        for (std::size_t k = 0; k < 12; ++k) EXPECT_NEAR(s.principal[k], 0.0, 1e-9);
        expect_consistent_schedule(s, c);
    }
}

// Negative or zero CFADS in the amortisation window: no negative debt service; the period's
// interest is capitalised (negative principal) and the debt still repays at maturity.
TEST(Sizing, NonPositiveCfadsGetNoDebtServiceAndCapitaliseInterest) {
    Case c(120);
    c.cfads[10] = 0.0;
    c.cfads[11] = -2.0e5;
    pp::SizingOptions o;
    o.tenor_periods = 100;
    auto s = pp::size_debt(c.inputs(), o);
    EXPECT_TRUE(s.constraints_hold) << s.message;
    EXPECT_EQ(s.debt_service[10], 0.0);
    EXPECT_EQ(s.debt_service[11], 0.0);
    EXPECT_EQ(s.capitalised_periods, 2);
    EXPECT_GT(s.closing_balance[11], s.opening_balance[10]);
    expect_consistent_schedule(s, c);
    EXPECT_THAT(s.message, HasSubstr("2 amortisation period(s) with CFADS <= 0 get no debt service (interest capitalised)"));
    for (std::size_t k = 0; k < 100; ++k)
        if (k != 10 && k != 11) {
            EXPECT_NEAR(s.dscr[k], 1.30, 1e-12) << k;
        }
    EXPECT_TRUE(std::isnan(s.dscr[10]));
    o.non_positive_cfads = pp::NonPositiveCfads::Reject;
    s = pp::size_debt(c.inputs(), o);
    EXPECT_FALSE(s.constraints_hold);
    EXPECT_THAT(s.message, HasSubstr("(rejected by non_positive_cfads)"));
}

TEST(Sizing, MaximumTenorClipsTheSchedule) {
    const Case c(300);
    pp::SizingOptions o;
    o.tenor_periods = 240;
    o.max_tenor_periods = 180;
    const auto s = pp::size_debt(c.inputs(), o);
    EXPECT_TRUE(s.tenor_clipped);
    EXPECT_EQ(s.tenor_periods, 180);
    EXPECT_THAT(s.message, HasSubstr("tenor clipped from 240 to 180 periods by the maximum tenor"));
    EXPECT_EQ(s.debt_service[180], 0.0);
    expect_consistent_schedule(s, c);
    std::vector<double> ds(300, 0.0);
    for (std::size_t k = 0; k < 180; ++k) ds[k] = c.cfads[k] / 1.30;
    EXPECT_LT(rel(s.size, pv_at_rate(ds, c, 0, 180)), 1e-13);
}

// Grace periods are interest-only; a sculpted size above what the grace-period CFADS can
// cover at the minimum DSCR is cut to CFADS_k / (m r tau) and the grace DSCR lands on m.
TEST(Sizing, GracePeriodInterestCoverCanBind) {
    Case c(200);
    pp::SizingOptions o;
    o.tenor_periods = 180;
    o.grace_periods = 24;
    o.min_dscr = 1.1;
    auto s = pp::size_debt(c.inputs(), o);
    ASSERT_TRUE(s.constraints_hold) << s.message;
    EXPECT_EQ(s.binding, BindingConstraint::TargetDscr);
    for (std::size_t k = 0; k < 24; ++k) {
        EXPECT_NEAR(s.principal[k], 0.0, 1e-9);
        EXPECT_DOUBLE_EQ(s.opening_balance[k], s.size);
    }
    for (std::size_t k = 24; k < 180; ++k) EXPECT_NEAR(s.dscr[k], 1.30, 1e-12);
    // A weak grace period: CFADS covers the interest on only a fraction of the sculpted size.
    c.cfads[5] = 0.5 * s.size * 0.06 / 12.0 * 1.1;
    s = pp::size_debt(c.inputs(), o);
    ASSERT_TRUE(s.constraints_hold) << s.message;
    EXPECT_EQ(s.binding, BindingConstraint::GraceInterest);
    EXPECT_NEAR(s.dscr[5], 1.1, 1e-12);
    EXPECT_EQ(s.min_dscr_period, 5u);
    expect_consistent_schedule(s, c);
}

// Fixed debt (principal given) is only checked; infeasible constraints are reported, not thrown.
TEST(Sizing, InfeasibleConstraintsAreReported) {
    Case c(120, 0.07);
    std::fill(c.cfads.begin(), c.cfads.end(), 5.0e5);
    pp::SizingOptions o;
    o.amortisation = Amortisation::Annuity;
    o.tenor_periods = 120;
    o.min_dscr = 1.25;
    o.principal = 5.0e7;  // payment ~ 580k > CFADS
    auto s = pp::size_debt(c.inputs(), o);
    EXPECT_EQ(s.binding, BindingConstraint::None);
    EXPECT_FALSE(s.constraints_hold);
    EXPECT_THAT(s.message, HasSubstr("is below the minimum 1.25"));
    EXPECT_DOUBLE_EQ(s.size, 5.0e7);

    o.principal.reset();
    c.cfads[40] = -1.0;
    s = pp::size_debt(c.inputs(), o);
    EXPECT_FALSE(s.constraints_hold);
    EXPECT_EQ(s.binding, BindingConstraint::NoCapacity);
    EXPECT_EQ(s.size, 0.0);
    EXPECT_THAT(s.message, HasSubstr("a period with scheduled debt service has CFADS <= 0"));

    Case sculpted(60);
    pp::SizingOptions t;
    t.tenor_periods = 60;
    t.target_dscr = 1.05;
    t.min_dscr = 1.2;
    s = pp::size_debt(sculpted.inputs(), t);
    EXPECT_FALSE(s.constraints_hold);
    EXPECT_THAT(s.message, HasSubstr("target DSCR 1.05 is below the minimum DSCR 1.2"));
}

TEST(Sizing, NothingToSculptIsReported) {
    Case c(36);
    std::fill(c.cfads.begin(), c.cfads.end(), -1.0);
    pp::SizingOptions o;
    o.tenor_periods = 36;
    for (const std::optional<double> principal : {std::optional<double>{}, std::optional<double>{1.0e6}}) {
        o.principal = principal;
        const auto s = pp::size_debt(c.inputs(), o);
        EXPECT_FALSE(s.constraints_hold);
        EXPECT_EQ(s.binding, BindingConstraint::NoCapacity);
        EXPECT_EQ(s.size, 0.0);
        EXPECT_THAT(s.message, HasSubstr("no positive CFADS in the amortisation periods: nothing to sculpt"));
    }
}

TEST(SizingErrors, BadInputsNameTheField) {
    pftoken::Tranche tranche;
    tranche.tenor_years = -3;
    const pftoken::Sizing sizing;
    EXPECT_THROW_MSG((void)pp::sizing_options_for(tranche, sizing, 1e8, 12, "tranches[1]"),
                     pftoken::Error, "tranches[1].tenor_years: must be > 0, got -3");
    tranche.tenor_years = 10.03;
    EXPECT_THROW_MSG(
        (void)pp::sizing_options_for(tranche, sizing, 1e8, 4, "tranches[1]"), pftoken::Error,
        "tranches[1].tenor_years: must be a whole number of periods (4 a year), got 10.03");
    tranche.tenor_years = 15;
    tranche.grace_years = 1.5;
    const auto o = pp::sizing_options_for(tranche, sizing, 1e8, 12, "tranches[1]");
    EXPECT_EQ(o.tenor_periods, 180);
    EXPECT_EQ(o.grace_periods, 18);
    EXPECT_EQ(o.field, "tranches[1]");

    Case c(24);
    pp::SizingOptions base;
    base.field = "tranches[0]";
    base.tenor_periods = 24;
    c.rate[3] = 1.2;
    EXPECT_THROW_MSG((void)pp::size_debt(c.inputs(), base), pftoken::Error,
                     "tranches[0].rate[3]: must be in (-100%, 100%), got 1.2");
    c.rate[3] = 0.06;
    c.cfads[7] = std::nan("");
    EXPECT_THROW_MSG((void)pp::size_debt(c.inputs(), base), pftoken::Error,
                     "tranches[0].cfads[7]: must be a finite number, got nan");
    c.cfads[7] = 1.0;
    const struct {
        std::function<void(pp::SizingOptions&)> change;
        const char* message;
    } rows[] = {
        {[](pp::SizingOptions& x) { x.tenor_periods = -3; }, "tranches[0].tenor_periods: must be > 0, got -3"},
        {[](pp::SizingOptions& x) { x.tenor_periods = 30; }, "tranches[0].tenor_periods: must be <= the 24 periods of CFADS given, got 30"},
        {[](pp::SizingOptions& x) { x.grace_periods = 24; }, "tranches[0].grace_periods: must be in [0, tenor_periods = 24), got 24"},
        {[](pp::SizingOptions& x) { x.target_dscr = 0.0; }, "tranches[0].target_dscr: must be > 0, got 0"},
        {[](pp::SizingOptions& x) { x.min_dscr = std::nan(""); }, "tranches[0].min_dscr: must be >= 0, got nan"},
        {[](pp::SizingOptions& x) { x.gearing_cap = 1.5; }, "tranches[0].gearing_cap: must be in (0, 1], got 1.5"},
        {[](pp::SizingOptions& x) { x.capex = -1.0; }, "tranches[0].capex: must be >= 0, got -1"},
        {[](pp::SizingOptions& x) { x.principal = 0.0; }, "tranches[0].principal: must be > 0, got 0"},
        {[](pp::SizingOptions& x) { x.amortisation = Amortisation::Schedule; },
         "tranches[0].amortisation: sizing supports bullet, annuity, level_principal and sculpted, got schedule"},
    };
    for (const auto& r : rows) {
        pp::SizingOptions x = base;
        r.change(x);
        EXPECT_THROW_MSG((void)pp::size_debt(c.inputs(), x), pftoken::Error, r.message);
    }
    EXPECT_THROW_MSG((void)pp::size_debt({}, base), pftoken::Error,
                     "tranches[0].cfads: must not be empty");
}
