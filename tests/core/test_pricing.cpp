// Tranche pricing and cash-flow metrics, cross-checked against QuantLib 1.29 bonds and
// CashFlows functions on the same curves, and against closed forms.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ql/cashflows/cashflows.hpp>
#include <ql/cashflows/simplecashflow.hpp>
#include <ql/instruments/bonds/amortizingfixedratebond.hpp>
#include <ql/instruments/bonds/fixedratebond.hpp>
#include <ql/pricingengines/bond/bondfunctions.hpp>
#include <ql/pricingengines/bond/discountingbondengine.hpp>
#include <ql/settings.hpp>
#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/schedule.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "pftoken/error.hpp"
#include "pftoken/pricing/cashflow_metrics.hpp"
#include "pftoken/pricing/curves.hpp"
#include "pftoken/pricing/tranche_pricing.hpp"
#include "support/gtest_extra.hpp"
#include "support/quantlib_settings.hpp"

namespace pp = pftoken::pricing;
namespace ql = QuantLib;
using pftoken::DayCount;
using testing::StartsWith;

namespace {

const ql::Date kIssue(15, ql::January, 2025);

using pftoken::test::EvaluationDate;  // QuantLib's evaluation date for a scope (tests/support)

double relative_difference(double a, double b) { return std::abs(a - b) / std::abs(b); }

pftoken::CurveSpec flat_curve(double rate) {
    pftoken::CurveSpec spec;
    spec.flat_rate = rate;
    return spec;
}

pftoken::CurveSpec zero_curve() {
    pftoken::CurveSpec spec;
    spec.kind = pftoken::CurveSpec::Kind::Zero;
    spec.pillars = {{0.5, 0.028}, {1.0, 0.03}, {2.0, 0.034}, {5.0, 0.04}, {10.0, 0.045}, {20.0, 0.048}};
    return spec;
}

/// A tranche as pftoken builds it: our own dates, accruals, interest = opening * rate * tau,
/// principal by shape. Nothing here comes from QuantLib's bond classes.
struct OurTranche {
    std::vector<ql::Date> dates;  // payment dates, after the issue date
    std::vector<double> opening, interest, principal, flows;
};

enum class Shape { Bullet, LevelPrincipal, Annuity };

OurTranche make_tranche(double face, double rate, int periods, int months_per_period, DayCount dc,
                        Shape shape) {
    OurTranche t;
    std::vector<ql::Date> all{kIssue};
    for (int i = 1; i <= periods; ++i)
        all.push_back(kIssue + ql::Period(i * months_per_period, ql::Months));
    const auto tau = pp::accrual_fractions(all, dc);
    // Annuity payment at the per-period simple rates: balance repaid by a level payment.
    double annuity_factor = 0.0;
    double v = 1.0;
    for (const double x : tau) annuity_factor += (v /= 1.0 + rate * x);
    double balance = face;
    for (int i = 0; i < periods; ++i) {
        const auto k = static_cast<std::size_t>(i);
        t.dates.push_back(all[k + 1]);
        t.opening.push_back(balance);
        t.interest.push_back(balance * rate * tau[k]);
        double p = 0.0;
        switch (shape) {
        case Shape::Bullet: p = i + 1 == periods ? balance : 0.0; break;
        case Shape::LevelPrincipal: p = face / periods; break;
        case Shape::Annuity: p = face / annuity_factor - t.interest.back(); break;
        }
        if (i + 1 == periods) p = balance;
        t.principal.push_back(p);
        t.flows.push_back(t.interest.back() + p);
        balance -= p;
    }
    return t;
}

/// The same tranche as a QuantLib bond (FixedRateBond for a bullet, AmortizingFixedRateBond
/// with our opening balances as notionals otherwise), priced by DiscountingBondEngine.
ql::ext::shared_ptr<ql::Bond> make_ql_bond(const OurTranche& t, double face, double rate,
                                           int months_per_period, DayCount dc, Shape shape,
                                           const ql::ext::shared_ptr<ql::YieldTermStructure>& curve) {
    const ql::Schedule schedule(kIssue, t.dates.back(), ql::Period(months_per_period, ql::Months),
                                ql::NullCalendar(), ql::Unadjusted, ql::Unadjusted,
                                ql::DateGeneration::Backward, false);
    ql::ext::shared_ptr<ql::Bond> bond;
    if (shape == Shape::Bullet)
        bond = ql::ext::make_shared<ql::FixedRateBond>(0, face, schedule, std::vector<ql::Rate>{rate},
                                                       pp::to_day_counter(dc), ql::Unadjusted, 100.0,
                                                       kIssue);
    else
        bond = ql::ext::make_shared<ql::AmortizingFixedRateBond>(
            0, t.opening, schedule, std::vector<ql::Rate>{rate}, pp::to_day_counter(dc),
            ql::Unadjusted, kIssue);
    bond->setPricingEngine(ql::ext::make_shared<ql::DiscountingBondEngine>(
        ql::Handle<ql::YieldTermStructure>(curve)));
    return bond;
}

}  // namespace

// Source: QuantLib 1.29 FixedRateBond / AmortizingFixedRateBond with DiscountingBondEngine
// (ql/pricingengines/bond/discountingbondengine.hpp) and BondFunctions (yield, duration,
// convexity, zSpread; ql/pricingengines/bond/bondfunctions.hpp) on the same curve.
// Requirement (issue 2): PV within 1e-10 relative.
TEST(PricingQuantLibCrossCheck, TranchesPriceLikeQuantLibBonds) {
    const EvaluationDate eval(kIssue);
    const struct Row {
        const char* name;
        Shape shape;
        double rate;
        int periods;
        int months;
        DayCount dc;
        bool zero;
        double spread;
    } rows[] = {
        {"bullet 10y semi 30/360 flat", Shape::Bullet, 0.06, 20, 6, DayCount::Thirty360, false, 0.0},
        {"bullet 10y semi Act365 zero", Shape::Bullet, 0.06, 20, 6, DayCount::Actual365Fixed, true, 0.0},
        {"bullet 7y annual Act/Act zero +150bp", Shape::Bullet, 0.055, 7, 12, DayCount::ActualActualISDA, true, 0.015},
        {"level principal 15y quarterly Act365 flat", Shape::LevelPrincipal, 0.07, 60, 3, DayCount::Actual365Fixed, false, 0.0},
        {"level principal 12y semi Act360 zero", Shape::LevelPrincipal, 0.065, 24, 6, DayCount::Actual360, true, 0.0},
        {"annuity 18y monthly Act365 zero +200bp", Shape::Annuity, 0.08, 216, 1, DayCount::Actual365Fixed, true, 0.02},
        {"annuity 20y semi 30/360 flat", Shape::Annuity, 0.05, 40, 6, DayCount::Thirty360, false, 0.0},
    };
    const double face = 1.0e8;
    for (const Row& r : rows) {
        SCOPED_TRACE(r.name);
        const auto base = pp::build_curve(r.zero ? zero_curve() : flat_curve(0.05), kIssue, r.dc);
        const auto curve = r.spread == 0.0 ? base : pp::with_z_spread(base, r.spread);
        const OurTranche t = make_tranche(face, r.rate, r.periods, r.months, r.dc, r.shape);
        const auto bond = make_ql_bond(t, face, r.rate, r.months, r.dc, r.shape, curve);

        // Ours: sampled risk-free curve + continuous z-spread on plain arrays.
        const pp::DiscountGrid grid = pp::sample_curve(*base, t.dates);
        const auto yield_times = pp::flow_times(t.dates, kIssue, r.dc);
        pp::TranchePricingInputs in;
        in.field = "tranches[0]";
        in.interest = t.interest;
        in.principal = t.principal;
        in.yield_times = yield_times;
        in.curve_times = grid.times;
        in.discount_factors = grid.discount_factors;
        in.spread = r.spread;
        in.outstanding = face;
        in.token = {"T", 1.0e6, 100.0};
        in.yield_convention = {pp::Compounding::Compounded, 12 / r.months};
        const pp::TrancheMetrics m = pp::price_tranche(in);

        EXPECT_LT(relative_difference(m.pv, bond->NPV()), 1e-10) << m.pv << " vs " << bond->NPV();
        EXPECT_LT(relative_difference(m.price_pct_face, bond->cleanPrice()), 1e-10);
        EXPECT_LT(relative_difference(m.price_per_token, bond->NPV() / 1.0e6), 1e-10);

        const ql::Frequency freq = static_cast<ql::Frequency>(12 / r.months);
        const ql::DayCounter dc = pp::to_day_counter(r.dc);
        const double ql_yield = ql::BondFunctions::yield(*bond, bond->cleanPrice(), dc, ql::Compounded,
                                                         freq, kIssue, 1e-14, 200);
        EXPECT_NEAR(m.yield, ql_yield, 1e-11);
        const ql::InterestRate y(m.yield, dc, ql::Compounded, freq);
        EXPECT_LT(relative_difference(m.macaulay_duration,
                                      ql::BondFunctions::duration(*bond, y, ql::Duration::Macaulay, kIssue)),
                  1e-12);
        EXPECT_LT(relative_difference(m.modified_duration,
                                      ql::BondFunctions::duration(*bond, y, ql::Duration::Modified, kIssue)),
                  1e-12);
        EXPECT_LT(relative_difference(m.convexity, ql::BondFunctions::convexity(*bond, y, kIssue)), 1e-12);
        // Continuous and simple compounding: QuantLib's CashFlows formulas per compounding.
        for (const auto comp : {pp::Compounding::Continuous, pp::Compounding::Simple}) {
            const pp::YieldConvention c{comp, 1};
            const ql::InterestRate yc(0.045, dc, comp == pp::Compounding::Simple ? ql::Simple : ql::Continuous,
                                      ql::Annual);
            EXPECT_LT(relative_difference(pp::modified_duration(t.flows, yield_times, 0.045, c),
                                          ql::BondFunctions::duration(*bond, yc, ql::Duration::Modified, kIssue)),
                      1e-12);
            EXPECT_LT(relative_difference(pp::convexity(t.flows, yield_times, 0.045, c),
                                          ql::BondFunctions::convexity(*bond, yc, kIssue)),
                      1e-12);
        }
        for (const auto comp : {pp::Compounding::Continuous, pp::Compounding::Compounded}) {
            const pp::YieldConvention c{comp, 2};
            const ql::InterestRate yc(0.045, dc, comp == pp::Compounding::Compounded ? ql::Compounded : ql::Continuous,
                                      ql::Semiannual);
            EXPECT_LT(relative_difference(pp::pv_at_yield(t.flows, yield_times, 0.045, c),
                                          ql::CashFlows::npv(bond->cashflows(), yc, false, kIssue, kIssue)),
                      1e-12);
        }
    }
}

// Source: QuantLib 1.29 BondFunctions::zSpread (Continuous) and FixedRateBond/
// AmortizingFixedRateBond; the spread must reprice the market price to 1e-10.
TEST(PricingQuantLibCrossCheck, ZSpreadMatchesQuantLibAndReprices) {
    const EvaluationDate eval(kIssue);
    const struct {
        Shape shape;
        double market_clean;  // per 100 of face
    } rows[] = {{Shape::Bullet, 97.25}, {Shape::Bullet, 104.0}, {Shape::Annuity, 95.5}, {Shape::LevelPrincipal, 101.0}};
    const double face = 5.0e7;
    const auto curve = pp::build_curve(zero_curve(), kIssue, DayCount::Actual365Fixed);
    for (const auto& r : rows) {
        SCOPED_TRACE(r.market_clean);
        const OurTranche t = make_tranche(face, 0.06, 20, 6, DayCount::Actual365Fixed, r.shape);
        const auto bond = make_ql_bond(t, face, 0.06, 6, DayCount::Actual365Fixed, r.shape, curve);
        const pp::DiscountGrid grid = pp::sample_curve(*curve, t.dates);
        const double price = r.market_clean / 100.0 * face;
        const double s = pp::z_spread(t.flows, grid.times, grid.discount_factors, price);
        const double ql_s = ql::BondFunctions::zSpread(*bond, r.market_clean, curve, ql::Actual365Fixed(),
                                                       ql::Continuous, ql::NoFrequency, kIssue, 1e-14, 200);
        EXPECT_NEAR(s, ql_s, 1e-11);
        std::vector<double> spread_dfs(t.flows.size());
        pp::apply_z_spread(grid.times, grid.discount_factors, s, spread_dfs);
        EXPECT_LT(relative_difference(pp::pv_on_curve(t.flows, spread_dfs), price), 1e-10);

        // Through price_tranche with a market price per token.
        const auto yield_times = pp::flow_times(t.dates, kIssue, DayCount::Actual365Fixed);
        pp::TranchePricingInputs in;
        in.interest = t.interest;
        in.principal = t.principal;
        in.yield_times = yield_times;
        in.curve_times = grid.times;
        in.discount_factors = grid.discount_factors;
        in.outstanding = face;
        in.token = {"T", 5.0e5, 100.0};
        in.market_price_per_token = price / 5.0e5;
        in.yield_convention = {pp::Compounding::Compounded, 2};
        const auto m = pp::price_tranche(in);
        ASSERT_TRUE(m.z_spread.has_value());
        EXPECT_NEAR(*m.z_spread, ql_s, 1e-11);
        EXPECT_NEAR(m.yield,
                    ql::BondFunctions::yield(*bond, r.market_clean, ql::Actual365Fixed(), ql::Compounded,
                                             ql::Semiannual, kIssue, 1e-14, 200),
                    1e-11);
    }
}

// Closed form: a fixed-rate tranche discounted at its own coupon rate, with the curve
// compounding once per coupon period and 30/360 half-years, is worth par (any amortisation).
TEST(Pricing, PvAtCouponRateEqualsPar) {
    for (const Shape shape : {Shape::Bullet, Shape::LevelPrincipal, Shape::Annuity}) {
        const double face = 2.5e7;
        const OurTranche t = make_tranche(face, 0.0725, 30, 6, DayCount::Thirty360, shape);
        const auto curve = pp::build_curve(flat_curve(0.0725), kIssue, DayCount::Thirty360,
                                           {pp::Compounding::Compounded, 2});
        const auto grid = pp::sample_curve(*curve, t.dates);
        EXPECT_LT(relative_difference(pp::pv_on_curve(t.flows, grid.discount_factors), face), 1e-13);
        const auto times = pp::flow_times(t.dates, kIssue, DayCount::Thirty360);
        EXPECT_LT(relative_difference(pp::pv_at_yield(t.flows, times, 0.0725, {pp::Compounding::Compounded, 2}), face),
                  1e-13);
        EXPECT_NEAR(pp::yield_to_maturity(t.flows, times, face, {pp::Compounding::Compounded, 2}), 0.0725, 1e-13);
    }
}

// Closed forms for the weighted average life: a bullet's WAL is its maturity; n equal
// repayments at h, 2h, ..., nh have WAL h (n + 1)/2.
TEST(Pricing, WeightedAverageLifeClosedForms) {
    const std::vector<double> times{0.5, 1.0, 1.5, 2.0, 2.5, 3.0};
    EXPECT_DOUBLE_EQ(pp::weighted_average_life(std::vector<double>{0, 0, 0, 0, 0, 100}, times), 3.0);
    EXPECT_DOUBLE_EQ(pp::weighted_average_life(std::vector<double>(6, 10.0), times), 0.5 * 7 / 2);
    EXPECT_THROW_MSG((void)pp::weighted_average_life(std::vector<double>(6, 0.0), times),
                     pftoken::Error, "wal.principal: total repaid must be > 0, got 0");
}

// Source: present value of a level annuity, P = A (1 - (1 + r)^-n) / r (P = A n at r = 0),
// e.g. Fabozzi, Bond Markets, Analysis and Strategies, ch. 2. Investing P at t = 0 for n
// annual payments A has IRR r (annual compounding).
TEST(PricingIrr, LevelAnnuityClosedForm) {
    const struct {
        double rate;
        int years;
        double payment;
    } rows[] = {{0.08, 10, 1000.0}, {0.0, 12, 250.0}, {0.25, 30, 1.0e6}, {-0.02, 5, 100.0}, {0.1234, 25, 7.5e6}};
    for (const auto& r : rows) {
        const double price = r.rate == 0.0 ? r.payment * r.years
                                           : r.payment * (1.0 - std::pow(1.0 + r.rate, -r.years)) / r.rate;
        std::vector<double> amounts{-price};
        std::vector<double> times{0.0};
        for (int i = 1; i <= r.years; ++i) {
            amounts.push_back(r.payment);
            times.push_back(i);
        }
        const pp::IrrResult result = pp::irr(amounts, times);
        ASSERT_TRUE(result.found) << r.rate << ": " << result.reason;
        EXPECT_NEAR(result.rate, r.rate, 1e-12) << r.years;
        EXPECT_EQ(result.sign_changes, 1);
        EXPECT_TRUE(result.reason.empty());
    }
}

// Source: QuantLib 1.29 CashFlows::yield (ql/cashflows/cashflows.hpp) on the same irregular
// dated flows, Act/365F, annual and semi-annual compounding and continuous.
TEST(PricingIrr, MatchesQuantLibCashFlowsYield) {
    const EvaluationDate eval(kIssue);
    const std::vector<std::pair<ql::Date, double>> dated{
        {ql::Date(3, ql::March, 2026), 12.0}, {ql::Date(30, ql::September, 2026), 15.5},
        {ql::Date(15, ql::July, 2028), 30.0}, {ql::Date(1, ql::December, 2031), -5.0},
        {ql::Date(31, ql::December, 2034), 90.0}};
    const double investment = 100.0;
    ql::Leg leg;
    std::vector<ql::Date> dates;
    std::vector<double> amounts{-investment};
    for (const auto& [d, a] : dated) {
        leg.push_back(ql::ext::make_shared<ql::SimpleCashFlow>(a, d));
        dates.push_back(d);
        amounts.push_back(a);
    }
    auto times = pp::flow_times(dates, kIssue, DayCount::Actual365Fixed);
    times.insert(times.begin(), 0.0);
    const struct {
        pp::Compounding ours;
        ql::Compounding theirs;
        int frequency;
    } rows[] = {{pp::Compounding::Compounded, ql::Compounded, 1},
                {pp::Compounding::Compounded, ql::Compounded, 2},
                {pp::Compounding::Continuous, ql::Continuous, 1}};
    for (const auto& r : rows) {
        const pp::IrrResult ours = pp::irr(amounts, times, {r.ours, r.frequency});
        ASSERT_TRUE(ours.found) << ours.reason;
        EXPECT_EQ(ours.sign_changes, 3);  // -100, +, +, +, -5, +90
        const double theirs = ql::CashFlows::yield(leg, investment, ql::Actual365Fixed(), r.theirs,
                                                   static_cast<ql::Frequency>(r.frequency), false, kIssue,
                                                   kIssue, 1e-14, 200, 0.05);
        EXPECT_NEAR(ours.rate, theirs, 1e-11) << r.frequency;
    }
}

TEST(PricingIrr, NoOrSeveralRootsAreReported) {
    const std::vector<double> times{0, 1, 2};
    const pp::IrrResult none = pp::irr(std::vector<double>{100, 10, 10}, times);
    EXPECT_FALSE(none.found);
    EXPECT_TRUE(std::isnan(none.rate));
    EXPECT_EQ(none.reason, "flows do not change sign: no IRR exists");
    EXPECT_THROW_MSG(
        (void)pp::irr_or_throw(std::vector<double>{-100, -10, 0}, times, {}, {}, "equity.irr"),
        pftoken::Error, "equity.irr: flows do not change sign: no IRR exists");
    // -100, +230, -132 has IRRs 10% and 20% ((1+r)^2 - 2.3 (1+r) + 1.32 = 0): the lowest is
    // returned with a warning.
    const pp::IrrResult two = pp::irr(std::vector<double>{-100, 230, -132}, times);
    ASSERT_TRUE(two.found);
    EXPECT_NEAR(two.rate, 0.10, 1e-12);
    EXPECT_EQ(two.sign_changes, 2);
    EXPECT_THAT(two.reason, StartsWith("flows change sign 2 times: several IRRs may exist"));
    // -100, +10 at 0 and 1 never reaches NPV 0 within the interval.
    const pp::IrrResult out_of_range = pp::irr(std::vector<double>{-100, 1e-3}, std::vector<double>{0, 1});
    EXPECT_FALSE(out_of_range.found);
    EXPECT_THAT(out_of_range.reason, StartsWith("NPV does not change sign for rates in [-0.99"));
}

TEST(PricingErrors, BadInputsNameTheField) {
    const std::vector<double> ok{5, 105};
    const std::vector<double> t{1, 2};
    EXPECT_THROW_MSG((void)pp::yield_to_maturity({}, {}, 100.0, {}, {}, "tranches[0].yield"),
                     pftoken::Error, "tranches[0].yield.amounts: must not be empty");
    EXPECT_THROW_MSG(
        (void)pp::yield_to_maturity(std::vector<double>{5, std::nan("")}, t, 100.0, {}, {}, "y"),
        pftoken::Error, "y.amounts[1]: must be a finite number, got nan");
    EXPECT_THROW_MSG(
        (void)pp::yield_to_maturity(ok, std::vector<double>{-1, 2}, 100.0, {}, {}, "y"),
        pftoken::Error, "y.times[0]: must be a finite number >= 0, got -1");
    EXPECT_THROW_MSG((void)pp::yield_to_maturity(ok, std::vector<double>{2, 1}, 100.0, {}, {}, "y"),
                     pftoken::Error, "y.times[1]: must not decrease, got 1 after 2");
    EXPECT_THROW_MSG((void)pp::yield_to_maturity(ok, std::vector<double>{1}, 100.0, {}, {}, "y"),
                     pftoken::Error, "y.times: must have one time per amount (2), got 1");
    EXPECT_THROW_MSG(
        (void)pp::yield_to_maturity(ok, t, 100.0, {pp::Compounding::Compounded, 0}, {}, "y"),
        pftoken::Error, "y.frequency: must be in 1..365, got 0");
    EXPECT_THROW_MSG((void)pp::yield_to_maturity(ok, t, 1.0e9, {}, {}, "tranches[1].yield"),
                     pftoken::Error,
                     "tranches[1].yield: no yield in [-0.99, 10] reprices to 1e+09");
    const std::vector<double> dfs{0.95, 0.9};
    EXPECT_THROW_MSG((void)pp::z_spread(ok, t, dfs, 1.0e6, {}, "tranches[1].z_spread"),
                     pftoken::Error,
                     "tranches[1].z_spread: no spread in [-0.99, 10] reprices to 1e+06");
    EXPECT_THROW_MSG((void)pp::z_spread(ok, t, dfs, -5.0, {}, "zs"), pftoken::Error,
                     "zs.price: must be a finite number > 0, got -5");

    pp::TranchePricingInputs in;
    in.field = "tranches[2]";
    const std::vector<double> interest{5, 5};
    const std::vector<double> principal{0, 100};
    in.interest = interest;
    in.principal = principal;
    in.yield_times = t;
    in.curve_times = t;
    in.discount_factors = dfs;
    in.outstanding = 100.0;
    in.token = {"T", 0.0, 1.0};
    EXPECT_THROW_MSG((void)pp::price_tranche(in), pftoken::Error,
                     "tranches[2].token.supply: must be > 0, got 0");
    in.token.supply = 100.0;
    in.outstanding = -3.0;
    EXPECT_THROW_MSG((void)pp::price_tranche(in), pftoken::Error,
                     "tranches[2].outstanding: must be > 0, got -3");
    in.outstanding = 100.0;
    in.market_price_per_token = std::nan("");
    EXPECT_THROW_MSG((void)pp::price_tranche(in), pftoken::Error,
                     "tranches[2].market_price_per_token: must be > 0, got nan");
}
