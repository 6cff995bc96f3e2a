// Deferral terms of a deferrable tranche (docs/input-schema.md "Deferral terms"): default
// interest on the deferred balance, the caps on deferral and the event of default a breach is.
// Every expected value is computed by hand from the two-period case below.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "pftoken/error.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "support/builders.hpp"
#include "support/gtest_extra.hpp"

using namespace pftoken;

namespace {

// Two annual periods (2025-01-01 .. 2027-01-01, 365 days each: accrual exactly 1 on Act/365F),
// CFADS 100,000 MWh x 5 = 0.5m a year, one deferrable 10m bullet at 10%. Period 1: interest 1.0m
// due, 0.5m paid, 0.5m deferred (capitalised: balance 10.5m). Period 2: interest at the coupon
// on 10.5m = 1.05m plus the margin on the 0.5m deferred balance.
Project two_period_deferral(double margin) {
    Project p = test::merchant_bullet_project(100000, 5.0, 10.0e6, 0.10, 2);
    p.tranches[0].deferrable_interest = true;
    p.tranches[0].deferral.default_interest_margin = margin;
    return p;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST(Deferral, DefaultInterestAccruesOnTheDeferredBalance) {
    for (const double margin : {0.0, 0.02}) {
        const ValuationResult v = value(two_period_deferral(margin));
        const auto& r = v.periods;
        const int n = r.periods;
        ASSERT_GE(n, 2);
        EXPECT_NEAR(r.at(r.tranche_interest_due, 0, n - 2), 1.0e6, 1e-6);
        EXPECT_NEAR(r.at(r.tranche_interest_paid, 0, n - 2), 0.5e6, 1e-6);
        EXPECT_NEAR(r.at(r.tranche_balance, 0, n - 2), 10.5e6, 1e-6);
        // 10.5m x 10% + 0.5m x margin: 1.05m without default interest, 1.06m at 2%.
        const double due = 10.5e6 * 0.10 + 0.5e6 * margin;
        EXPECT_NEAR(r.at(r.tranche_interest_due, 0, n - 1), due, 1e-6) << "margin " << margin;
        EXPECT_NEAR(r.at(r.tranche_balance, 0, n - 1), 10.5e6 + due - 0.5e6, 1e-6) << "margin " << margin;
        // No cap: deferral is never an event of default.
        EXPECT_EQ(r.event_of_default[static_cast<std::size_t>(n - 2)], 0);
        EXPECT_EQ(r.event_of_default[static_cast<std::size_t>(n - 1)], 0);
        EXPECT_FALSE(v.tranches[0].payment_default);
    }
}

// A cap on deferral: the period whose deferral exceeds it is an event of default (a payment
// default of the tranche, the period flagged), and so is every later shortfall.
TEST(Deferral, BreachingTheCapIsAnEventOfDefaultInThatPeriod) {
    struct Case {
        const char* what;
        int max_periods;
        double max_amount;
        int first_default;  // from the end: 2 = the first period, 1 = the second
    };
    for (const Case c : {Case{"max_periods 1", 1, -1.0, 1}, Case{"max_periods 0", 0, -1.0, 2},
                         Case{"max_amount 0.4m < 0.5m deferred", -1, 0.4e6, 2},
                         Case{"max_amount 1.0m: 0.5m deferred, then the unpaid balance at maturity", -1, 1.0e6, 1}}) {
        Project p = two_period_deferral(0.0);
        if (c.max_periods >= 0) p.tranches[0].deferral.max_periods = c.max_periods;
        if (c.max_amount >= 0.0) p.tranches[0].deferral.max_amount = c.max_amount;
        const ValuationResult v = value(p);
        const auto& r = v.periods;
        const int n = r.periods;
        for (int back = 2; back >= 1; --back)
            EXPECT_EQ(r.event_of_default[static_cast<std::size_t>(n - back)], back <= c.first_default ? 1 : 0)
                << c.what << ", period " << n - back;
        bool default_event = false;
        for (const Event& e : v.events)
            default_event |= e.kind == EventKind::PaymentDefault && e.tranche == 0 && e.period == n - c.first_default;
        EXPECT_TRUE(default_event) << c.what;
        EXPECT_TRUE(v.tranches[0].payment_default) << c.what;
        // The cash arithmetic is unchanged: the shortfall is still capitalised.
        EXPECT_NEAR(r.at(r.tranche_balance, 0, n - 1), 11.05e6, 1e-6) << c.what;
    }
}

TEST(Deferral, TermsAreReadFromTheTrancheAndCheckedWhereWritten) {
    const std::string solar = read_text(test::source_path("data/examples/solar.yaml"));
    const std::string junior = "  - name: junior\n    rank: 3\n";
    ASSERT_NE(solar.find(junior), std::string::npos);
    std::string text = solar;
    text.replace(text.find(junior), junior.size(),
                 junior + "    deferral: {default_interest_margin: 0.02, max_amount: 1_500_000, max_periods: 4}\n");
    const Project p = parse_project(text, "solar.yaml", test::source_path("data/examples"));
    const auto& d = p.tranches[2].deferral;
    EXPECT_EQ(d.default_interest_margin, 0.02);
    ASSERT_TRUE(d.max_amount && d.max_periods);
    EXPECT_EQ(*d.max_amount, 1.5e6);
    EXPECT_EQ(*d.max_periods, 4);
    // The solar junior tranche never defers in the base case: the terms change nothing.
    const ValuationResult with = value(p);
    const ValuationResult without = value(test::example_project("solar.yaml"));
    EXPECT_EQ(with.tranches[2].pv, without.tranches[2].pv);

    // On the senior tranche (rank 1, not deferrable) the terms are an error at their line.
    const std::string senior = "  - name: senior\n    rank: 1\n";
    std::string bad = solar;
    bad.replace(bad.find(senior), senior.size(), senior + "    deferral: {max_periods: 2}\n");
    EXPECT_THROW_MSG((void)parse_project(bad, "solar.yaml", test::source_path("data/examples")), InputError,
                     "tranches[0].deferral: applies to a deferrable tranche only");
    std::string negative = text;
    negative.replace(negative.find("max_periods: 4"), 14, "max_periods: -1");
    EXPECT_THROW_MSG((void)parse_project(negative, "solar.yaml", test::source_path("data/examples")), InputError,
                     "tranches[2].deferral.max_periods: must be >= 0, got -1");
}

// A seasoned deal's actual capitalised interest is the deferred balance that bears the default
// interest margin (previously the actuals set the balance but the deferred balance restarted at
// the modelled 0, so the margin was lost). A 7% deferrable bullet, margin 2%, valued on
// 2027-01-01 with 6m outstanding and 0.5m deferred: every remaining year's interest due is
// 6.5m x 7% x d/365 + 0.5m x 2% x d/365 (CFADS 10m a year pays it all, so the 0.5m stays
// deferred until the balance is repaid at maturity). Hand computed.
TEST(Deferral, ActualDeferredInterestSeedsTheDeferredBalance) {
    Project p = test::merchant_bullet_project(1'000'000.0, 10.0, 10'000'000.0, 0.07, 5);
    p.tranches[0].deferrable_interest = true;
    p.tranches[0].deferral.default_interest_margin = 0.02;
    p.valuation_date = CalendarDate{std::chrono::year{2027}, std::chrono::month{1}, std::chrono::day{1}};
    Actuals a;
    a.tranches.push_back({"bullet", 6'000'000.0, 500'000.0, 0.0});
    p.actuals = a;
    const ValuationResult v = value(p);
    const auto& r = v.periods;
    const int n = r.periods;
    const double days[] = {365.0, 366.0, 365.0};  // 2027, 2028, 2029
    for (int j = 0; j < 3; ++j) {
        const int t = n - 3 + j;
        const double due = (6'500'000.0 * 0.07 + 500'000.0 * 0.02) * days[j] / 365.0;
        EXPECT_NEAR(r.at(r.tranche_interest_due, 0, t), due, 1e-6) << "period " << t;
        EXPECT_NEAR(r.at(r.tranche_interest_paid, 0, t), due, 1e-6) << "period " << t;
    }
    EXPECT_NEAR(r.at(r.tranche_principal_paid, 0, n - 1), 6'500'000.0, 1e-6);
    // Without the margin the actual deferred interest is only part of the balance (as before).
    p.tranches[0].deferral.default_interest_margin = 0.0;
    p.tranches[0].deferral.max_amount = 1e9;
    const ValuationResult plain = value(p);
    EXPECT_NEAR(plain.periods.at(plain.periods.tranche_interest_due, 0, n - 1), 6'500'000.0 * 0.07, 1e-6);
}
