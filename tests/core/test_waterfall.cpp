// Waterfall kernel: closed forms, reserve accounts, covenants, deferral, default, conservation.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

#include "pftoken/error.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/kernel.hpp"
#include "support/gtest_extra.hpp"
#include "test_waterfall_fixtures.hpp"

using namespace pftoken;
using pftoken::kernel_testing::constant_cfads_project;
using pftoken::kernel_testing::expect_cash_conserved;
using pftoken::kernel_testing::fixed_tranche;
using pftoken::kernel_testing::KernelRun;

namespace {

/// Level payment of an annuity: A = P i / (1 - (1 + i)^-n) (e.g. Fabozzi, Bond Markets,
/// Analysis and Strategies, level-payment fixed-rate mortgage).
double annuity_payment(double principal, double period_rate, int periods) {
    return principal * period_rate / (1.0 - std::pow(1.0 + period_rate, -periods));
}

int count_events(const WaterfallResults& r, EventKind kind) {
    int c = 0;
    for (int i = 0; i < r.event_count; ++i) c += r.events[static_cast<std::size_t>(i)].kind == kind ? 1 : 0;
    return c;
}

}  // namespace

// Constant CFADS 100,000 a month, one 6% annuity over 120 months: DSCR = CFADS / A in every
// period, A from the closed-form annuity payment.
TEST(Waterfall, AnnuityWithConstantCfadsHasConstantDscr) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 5'000'000.0, 0.06, Amortisation::Annuity, 10));
    KernelRun run(p);
    const auto& r = run.run();
    const double A = annuity_payment(5'000'000.0, 0.005, 120);
    ASSERT_EQ(r.periods, 120);
    for (int t = 0; t < 120; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        EXPECT_NEAR(r.cfads[ts], 100'000.0, 1e-9);
        EXPECT_NEAR(r.debt_service_due[ts], A, 1e-9 * A) << "period " << t;
        EXPECT_NEAR(r.dscr[ts], 100'000.0 / A, 1e-10) << "period " << t;
        EXPECT_NEAR(r.distributions[ts], 100'000.0 - A, 1e-7);
    }
    EXPECT_NEAR(r.at(r.tranche_balance, 0, 119), 0.0, 1e-6);
    EXPECT_EQ(r.event_count, 0);
    expect_cash_conserved(run.cp, r, "annuity");
}

// PV of the tranche's cash flows at its own coupon (monthly compounding, 30/360) equals par.
TEST(Waterfall, PvAtCouponRateEqualsPar) {
    for (const Amortisation a : {Amortisation::Annuity, Amortisation::Bullet, Amortisation::LevelPrincipal}) {
        Project p = constant_cfads_project(5'000'000.0);  // enough cash to pay a bullet in one period
        p.tranches.push_back(fixed_tranche("senior", 4'000'000.0, 0.072, a, 8));
        KernelRun run(p);
        const auto& r = run.run();
        double pv = 0.0;
        for (int t = 0; t < r.periods; ++t)
            pv += (r.at(r.tranche_interest_paid, 0, t) + r.at(r.tranche_principal_paid, 0, t)) * std::pow(1.006, -(t + 1));
        EXPECT_NEAR(pv, 4'000'000.0, 1e-10 * 4'000'000.0) << "amortisation " << static_cast<int>(a);
    }
}

// Sculpting (Yescombe, Principles of Project Finance, 2nd ed., sculpted repayment): debt
// service = CFADS / target DSCR, size = PV of that debt service at the loan rate.
TEST(Waterfall, SculptedTrancheHasTargetDscrEveryPeriod) {
    for (const double tax_rate : {0.0, 0.25}) {
        Project p = constant_cfads_project();
        p.tax.rate = tax_rate;
        p.tax.depreciation_years = 5;  // taxable income changes over time
        Tranche t = fixed_tranche("senior", 0.0, 0.06, Amortisation::Sculpted, 10);
        t.principal.reset();
        t.target_dscr = 1.30;
        p.tranches.push_back(t);
        KernelRun run(p);
        const auto& r = run.run();
        if (tax_rate == 0.0) {
            const double size = 100'000.0 / 1.3 * (1.0 - std::pow(1.005, -120)) / 0.005;
            EXPECT_NEAR(run.cp.tranches[0].principal, size, 1e-9 * size);
        }
        for (int k = 0; k < r.periods; ++k)
            EXPECT_NEAR(r.dscr[static_cast<std::size_t>(k)], 1.30, 1e-8) << "tax " << tax_rate << " period " << k;
        EXPECT_NEAR(r.at(r.tranche_balance, 0, r.periods - 1), 0.0, 1e-4);
        expect_cash_conserved(run.cp, r, "sculpted");
    }
}

// A bullet pays interest only (P r tau) and the whole principal at maturity.
TEST(Waterfall, BulletPaysInterestThenPrincipal) {
    Project p = constant_cfads_project(5'000'000.0);
    p.tranches.push_back(fixed_tranche("bullet", 3'000'000.0, 0.048, Amortisation::Bullet, 5));
    KernelRun run(p);
    const auto& r = run.run();
    for (int t = 0; t < 60; ++t) {
        EXPECT_NEAR(r.at(r.tranche_interest_paid, 0, t), 3'000'000.0 * 0.048 / 12.0, 1e-9);
        EXPECT_NEAR(r.at(r.tranche_principal_paid, 0, t), t == 59 ? 3'000'000.0 : 0.0, 1e-9) << t;
    }
    EXPECT_EQ(r.at(r.tranche_balance, 0, 59), 0.0);
    EXPECT_EQ(r.at(r.tranche_interest_due, 0, 60), 0.0);
}

// Grace: interest only for the grace period, then the annuity over the remaining tenor.
TEST(Waterfall, GracePeriodIsInterestOnly) {
    Project p = constant_cfads_project();
    Tranche t = fixed_tranche("senior", 2'000'000.0, 0.06, Amortisation::Annuity, 10);
    t.grace_years = 2;
    p.tranches.push_back(t);
    KernelRun run(p);
    const auto& r = run.run();
    const double A = annuity_payment(2'000'000.0, 0.005, 96);
    for (int k = 0; k < 24; ++k) EXPECT_NEAR(r.debt_service_due[static_cast<std::size_t>(k)], 10'000.0, 1e-9);
    for (int k = 24; k < 120; ++k) EXPECT_NEAR(r.debt_service_due[static_cast<std::size_t>(k)], A, 1e-9 * A);
}

// DSRA sizing on an annual grid (30/360, accrual 1): level principal 1,000,000 at 5% over 10
// years, debt service 100,000 + 50,000 = 150,000 in year 1 and 100,000 + 45,000 in year 2.
//  - 6 months of forward debt service is half of the next year's: 75,000 at close (previously
//    rounded up to a whole period: 150,000), and 72,500 after year 1;
//  - 18 months: year 1 + half of year 2 = 150,000 + 72,500;
//  - share 0.5 of 12 months: 75,000;
//  - a fixed amount of 123,456: 123,456 at close, released when the debt is repaid.
TEST(Waterfall, DsraSizingProRatedOnAnAnnualGrid) {
    Project p = constant_cfads_project();
    p.timeline.frequency = Frequency::Annual;
    p.tranches.push_back(fixed_tranche("senior", 1'000'000.0, 0.05, Amortisation::LevelPrincipal, 10));
    p.dsra.enabled = true;
    p.dsra.months_of_debt_service = 6;
    {
        KernelRun run(p);
        const auto& r = run.run();
        EXPECT_NEAR(r.close_dsra_funding, 75'000.0, 1e-9);
        EXPECT_NEAR(r.dsra_balance[0], 72'500.0, 1e-9);
    }
    p.dsra.months_of_debt_service = 18;
    EXPECT_NEAR(KernelRun(p).run().close_dsra_funding, 150'000.0 + 72'500.0, 1e-9);
    p.dsra.months_of_debt_service = 12;
    p.dsra.share = 0.5;
    EXPECT_NEAR(KernelRun(p).run().close_dsra_funding, 75'000.0, 1e-9);
    p.dsra.share = 1.0;
    p.dsra.amount = 123'456.0;
    {
        KernelRun run(p);
        const auto& r = run.run();
        EXPECT_EQ(r.close_dsra_funding, 123'456.0);
        EXPECT_EQ(r.dsra_balance[3], 123'456.0);
        EXPECT_EQ(r.dsra_balance[9], 0.0);
    }
}

// DSRA funded at close with 6 months of debt service; a three-month revenue dip draws it and
// the following surpluses refill it to target, with no payment default.
TEST(Waterfall, DsraDrawnOnDipAndRefilled) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 5'000'000.0, 0.06, Amortisation::Annuity, 10));
    p.dsra.enabled = true;
    p.dsra.months_of_debt_service = 6;
    KernelRun run(p);
    const double A = annuity_payment(5'000'000.0, 0.005, 120);
    std::vector<double> volume(120, 1.0);
    for (int t = 24; t < 27; ++t) volume[static_cast<std::size_t>(t)] = 0.2;
    PeriodDrivers d;
    d.volume_multiplier = volume;
    const auto& r = run.run(d);
    EXPECT_NEAR(r.close_dsra_funding, 6.0 * A, 1e-9 * A);
    EXPECT_NEAR(r.dsra_balance[23], 6.0 * A, 1e-8 * A);
    for (int t = 24; t < 27; ++t) {
        EXPECT_NEAR(r.dsra_draw[static_cast<std::size_t>(t)], A - 20'000.0, 1e-8) << t;
        EXPECT_EQ(r.dsra_drawn[static_cast<std::size_t>(t)], 1);
        EXPECT_NEAR(r.debt_service_paid[static_cast<std::size_t>(t)], A, 1e-8);
    }
    EXPECT_NEAR(r.dsra_balance[26], 6.0 * A - 3.0 * (A - 20'000.0), 1e-7);
    EXPECT_GT(r.dsra_deposit[27], 0.0);
    EXPECT_NEAR(r.dsra_balance[40], 6.0 * A, 1e-8 * A);
    EXPECT_EQ(count_events(r, EventKind::DsraDraw), 6);  // interest and principal, three periods
    EXPECT_EQ(count_events(r, EventKind::PaymentDefault), 0);
    EXPECT_EQ(count_events(r, EventKind::DscrDefault), 3);  // DSCR 0.36 < 1.00
    // The reserve winds down with the debt and is released by maturity.
    EXPECT_NEAR(r.dsra_balance[119], 0.0, 1e-9);
    expect_cash_conserved(run.cp, r, "dsra");
}

// The MRA earns its interest rate on the balance left after the period's release, credited to
// the account: closing = (opening - release) (1 + r accrual) + deposit, every period; with r = 0
// it stops at its target, with r > 0 interest takes it above (the top-up only fills a shortfall).
TEST(Waterfall, MraEarnsItsInterestRate) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 5'000'000.0, 0.06, Amortisation::Annuity, 10));
    p.mra.enabled = true;
    p.mra.target = 100'000.0;
    p.mra.contribution_per_year = 60'000.0;
    p.mra.interest_rate = 0.05;
    KernelRun run(p);
    const auto& r = run.run();
    const int last = r.periods - 1;  // the account is released into the waterfall at the end
    for (int t = 1; t < last; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        const double expected =
            (r.mra_balance[ts - 1] - r.mra_release[ts]) * (1.0 + 0.05 * run.cp.grid.accrual[ts]) + r.mra_deposit[ts];
        EXPECT_NEAR(r.mra_balance[ts], expected, 1e-9 * std::max(1.0, expected)) << t;
    }
    EXPECT_GT(r.mra_balance[static_cast<std::size_t>(last - 1)], 100'000.0 * 1.2);
    expect_cash_conserved(run.cp, r, "mra interest");
    p.mra.interest_rate = 0.0;
    KernelRun flat(p);
    EXPECT_NEAR(flat.run().mra_balance[static_cast<std::size_t>(last - 1)], 100'000.0, 1e-6);
}

// DSCR 1.08 < lock-up 1.10 (above default 1.00): distributions stop, cash is trapped, and is
// released after two consecutive passing tests (cure periods).
TEST(Waterfall, LockupBlocksDistributionsUntilCured) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 5'000'000.0, 0.06, Amortisation::Annuity, 10));
    p.covenants.lockup_cure_periods = 2;
    KernelRun run(p);
    const double A = annuity_payment(5'000'000.0, 0.005, 120);
    std::vector<double> volume(120, 1.0);
    volume[30] = 0.6;
    PeriodDrivers d;
    d.volume_multiplier = volume;
    const auto& r = run.run(d);
    EXPECT_NEAR(r.dscr[30], 60'000.0 / A, 1e-10);
    EXPECT_EQ(r.lockup[29], 0);
    EXPECT_EQ(r.lockup[30], 1);
    EXPECT_EQ(r.lockup[31], 1);
    EXPECT_EQ(r.lockup[32], 0);
    EXPECT_EQ(r.distributions[30], 0.0);
    EXPECT_EQ(r.distributions[31], 0.0);
    EXPECT_NEAR(r.lockup_balance[31], (60'000.0 - A) + (100'000.0 - A), 1e-8);
    EXPECT_NEAR(r.distributions[32], (60'000.0 - A) + 2.0 * (100'000.0 - A), 1e-8);
    EXPECT_EQ(r.event_of_default[30], 0);
    EXPECT_EQ(count_events(r, EventKind::LockupBreach), 1);
    EXPECT_EQ(count_events(r, EventKind::LockupReleased), 1);
    ASSERT_GE(r.event_count, 1);
    EXPECT_EQ(r.events[0].period, 30);
    EXPECT_NEAR(r.events[0].value, 60'000.0 / A, 1e-12);
    EXPECT_DOUBLE_EQ(r.events[0].threshold, 1.10);
    expect_cash_conserved(run.cp, r, "lockup");
}

// LTM DSCR test: a single bad month does not trip the lock-up when the 12-month sums pass.
TEST(Waterfall, HistoricDscrUsesTwelveMonthSums) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 5'000'000.0, 0.06, Amortisation::Annuity, 10));
    p.covenants.use_historic_dscr = true;
    KernelRun run(p);
    const double A = annuity_payment(5'000'000.0, 0.005, 120);
    std::vector<double> volume(120, 1.0);
    volume[30] = 0.6;
    PeriodDrivers d;
    d.volume_multiplier = volume;
    const auto& r = run.run(d);
    EXPECT_NEAR(r.ltm_dscr[30], (11.0 * 100'000.0 + 60'000.0) / (12.0 * A), 1e-10);
    EXPECT_NEAR(r.ltm_dscr[5], 100'000.0 / A, 1e-10);  // fewer than 12 months since COD
    EXPECT_EQ(r.lockup[30], 0);
}

// The sweep prepays the chosen tranche with its share of the excess cash while locked up.
TEST(Waterfall, SweepPrepaysChosenTrancheWhileLockedUp) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 5'000'000.0, 0.06, Amortisation::Annuity, 10));
    p.covenants.lockup_cure_periods = 1;
    p.covenants.sweep.enabled = true;
    p.covenants.sweep.share = 0.5;
    p.covenants.sweep.tranche = "senior";
    KernelRun run(p);
    const double A = annuity_payment(5'000'000.0, 0.005, 120);
    std::vector<double> volume(120, 1.0);
    volume[30] = 0.6;
    PeriodDrivers d;
    d.volume_multiplier = volume;
    const auto& r = run.run(d);
    const double excess = 60'000.0 - A;
    EXPECT_NEAR(r.sweep[30], 0.5 * excess, 1e-9);
    EXPECT_NEAR(r.at(r.tranche_prepayment, 0, 30), 0.5 * excess, 1e-9);
    EXPECT_NEAR(r.lockup_deposit[30], 0.5 * excess, 1e-9);
    EXPECT_NEAR(r.at(r.tranche_balance, 0, 30),
                r.at(r.tranche_balance, 0, 29) - r.at(r.tranche_principal_paid, 0, 30) - 0.5 * excess, 1e-8);
    EXPECT_EQ(r.sweep[29], 0.0);
    EXPECT_EQ(r.sweep[31], 0.0);  // cured after one passing test
    EXPECT_EQ(count_events(r, EventKind::CashSweep), 1);
    // Prepaid debt finishes early: the last scheduled payments shrink.
    EXPECT_LT(r.at(r.tranche_principal_paid, 0, 119), r.at(r.tranche_principal_due, 0, 118) + 1.0);
    expect_cash_conserved(run.cp, r, "sweep");
}

// Senior annuity + deferrable subordinated annuity: in a dip the senior is paid in full, the
// sub's unpaid interest is deferred and capitalised; no payment default. The capitalised
// interest is repaid with the final instalment (balloon), so the sub's principal repaid over
// its life is its principal plus everything capitalised.
TEST(Waterfall, SubordinatedInterestDeferredAndCapitalised) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 3'000'000.0, 0.06, Amortisation::Annuity, 10, 1));
    Tranche sub = fixed_tranche("sub", 1'000'000.0, 0.10, Amortisation::Annuity, 10, 2);
    sub.deferrable_interest = true;
    p.tranches.push_back(sub);
    KernelRun run(p);
    const double As = annuity_payment(3'000'000.0, 0.005, 120);
    std::vector<double> volume(120, 1.0);
    volume[20] = 0.4;
    PeriodDrivers d;
    d.volume_multiplier = volume;
    const auto& r = run.run(d);
    EXPECT_NEAR(r.at(r.tranche_interest_paid, 0, 20), r.at(r.tranche_interest_due, 0, 20), 1e-9);
    EXPECT_NEAR(r.at(r.tranche_principal_paid, 0, 20), As - r.at(r.tranche_interest_due, 0, 20), 1e-8);
    const double sub_interest = r.at(r.tranche_interest_due, 1, 20);
    const double unpaid = sub_interest - (40'000.0 - As);
    const double opening = r.at(r.tranche_balance, 1, 19);
    EXPECT_NEAR(r.at(r.tranche_deferred, 1, 20), unpaid, 1e-8);
    EXPECT_EQ(r.at(r.tranche_principal_paid, 1, 20), 0.0);
    EXPECT_NEAR(r.at(r.tranche_balance, 1, 20), opening + unpaid, 1e-8);
    EXPECT_NEAR(r.at(r.tranche_interest_due, 1, 21), (opening + unpaid) * 0.10 / 12.0, 1e-8);
    EXPECT_EQ(count_events(r, EventKind::InterestDeferred), 1);
    EXPECT_EQ(count_events(r, EventKind::PrincipalDeferred), 1);
    EXPECT_EQ(count_events(r, EventKind::PaymentDefault), 0);
    double repaid = 0.0, capitalised = 0.0;
    for (int t = 0; t < 120; ++t) {
        repaid += r.at(r.tranche_principal_paid, 1, t) + r.at(r.tranche_prepayment, 1, t);
        capitalised += r.at(r.tranche_deferred, 1, t);
    }
    EXPECT_NEAR(repaid, 1'000'000.0 + capitalised, 1e-6);
    EXPECT_NEAR(r.at(r.tranche_balance, 1, 119), 0.0, 1e-9);
    expect_cash_conserved(run.cp, r, "deferral");
}

// No reserve, no revenue for a month: the non-deferrable tranche is in payment default, the
// unpaid principal is carried as arrears into the next period.
TEST(Waterfall, UnpaidSeniorDebtServiceIsPaymentDefault) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 5'000'000.0, 0.06, Amortisation::Annuity, 10));
    KernelRun run(p);
    std::vector<double> volume(120, 1.0);
    volume[20] = 0.0;
    PeriodDrivers d;
    d.volume_multiplier = volume;
    const auto& r = run.run(d);
    EXPECT_EQ(r.event_of_default[20], 1);
    EXPECT_EQ(r.event_of_default[19], 0);
    EXPECT_EQ(count_events(r, EventKind::PaymentDefault), 2);  // interest and principal
    EXPECT_EQ(count_events(r, EventKind::DscrDefault), 1);
    EXPECT_EQ(r.debt_service_paid[20], 0.0);
    const double sched20 = run.cp.scheduled_principal[run.cp.at(0, 20)];
    const double sched21 = run.cp.scheduled_principal[run.cp.at(0, 21)];
    EXPECT_NEAR(r.at(r.tranche_principal_due, 0, 21), sched20 + sched21, 1e-8);
    expect_cash_conserved(run.cp, r, "default");
}

// Floating tranche: index from the forward curve plus spread; an index shift moves interest.
TEST(Waterfall, FloatingRateFollowsIndexAndShift) {
    Project p = constant_cfads_project();
    Tranche t = fixed_tranche("float", 4'000'000.0, 0.0, Amortisation::Bullet, 10);
    t.rate_type = Tranche::RateType::Floating;
    t.index = "usd";
    t.spread = 0.02;
    p.tranches.push_back(t);
    KernelRun run(p);
    std::vector<double> level(120, 0.03), shift(120, 0.01);
    PeriodDrivers d;
    d.index_level = level;
    d.index_shift = shift;
    const auto& r = run.run(d);
    EXPECT_NEAR(r.at(r.tranche_interest_due, 0, 10), 4'000'000.0 * 0.06 / 12.0, 1e-9);
    const auto& base = run.run();
    // Flat 5% annually compounded curve: simple monthly forward on 30/360 accruals.
    EXPECT_GT(base.at(base.tranche_rate, 0, 10), 0.06);
    EXPECT_LT(base.at(base.tranche_rate, 0, 10), 0.072);
}

TEST(Waterfall, ExplicitScheduleMustSumToPrincipal) {
    Project p = constant_cfads_project();
    Tranche t = fixed_tranche("senior", 1'000'000.0, 0.05, Amortisation::Schedule, 2);
    t.schedule.assign(24, 40'000.0);
    p.tranches.push_back(t);
    EXPECT_THROW_MSG((void)compile(p), InputError,
                     "tranches[0].schedule: must sum to principal 1000000 (within 1e-06 relative), "
                     "got 960000 (40000 short)");
    p.tranches[0].schedule.assign(24, 1'000'000.0 / 24.0);
    KernelRun run(p);
    const auto& r = run.run();
    EXPECT_NEAR(r.at(r.tranche_principal_paid, 0, 5), 1'000'000.0 / 24.0, 1e-9);
}

// One tolerance for "sums to principal" (1e-6 relative, pftoken/model/schedule_sum.hpp) in the
// loader's validation and in compile: a schedule 10 short of 30,000,000 (3.3e-7 relative, as a
// spreadsheet export rounds) is accepted by both, and the last entry absorbs the 10 so the
// balance ends at exactly zero. 1,000 short (3.3e-5) is refused by both, with the numbers in
// full (previously "must sum to principal 3e+07, got 3e+07").
TEST(Waterfall, ScheduleSumHasOneToleranceAndAMessageWithDigits) {
    Project p = constant_cfads_project(2'000'000.0);
    p.equity.token = {"EQ", 1000.0, 0.0};
    Tranche t = fixed_tranche("senior", 30'000'000.0, 0.05, Amortisation::Schedule, 2);
    t.schedule.assign(24, 1'250'000.0);
    t.schedule.back() -= 10.0;
    p.tranches.push_back(t);
    EXPECT_NO_THROW(validate(p));
    KernelRun run(p);
    const auto& r = run.run();
    EXPECT_EQ(r.at(r.tranche_principal_paid, 0, 23), 1'250'000.0);
    EXPECT_EQ(r.at(r.tranche_balance, 0, 23), 0.0);

    p.tranches[0].schedule.back() = 1'249'000.0;
    const char* expected =
        "tranches[0].schedule: must sum to principal 30000000 (within 1e-06 relative), got 29999000 (1000 short)";
    EXPECT_THROW_MSG(validate(p), InputError, expected);
    EXPECT_THROW_MSG((void)compile(p), InputError, expected);
}

TEST(Waterfall, RejectsUnknownNamesAndBadDrivers) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 1'000'000.0, 0.05, Amortisation::Annuity, 5));
    p.covenants.sweep.enabled = true;
    p.covenants.sweep.tranche = "mezz";
    EXPECT_THROW_MSG((void)compile(p), InputError,
                     "covenants.sweep.tranche: unknown tranche 'mezz'");
    p.covenants.sweep.enabled = false;
    p.tranches[0].tenor_years = -3;
    EXPECT_THROW_MSG((void)compile(p), InputError, "tranches[0].tenor_years: must be > 0, got -3");
    p.tranches[0].tenor_years = 5;
    KernelRun run(p);
    std::vector<double> short_driver(7, 1.0);
    PeriodDrivers d;
    d.price_multiplier = short_driver;
    EXPECT_THROW_MSG(
        run_waterfall(run.cp, d, run.ws), Error,
        "drivers.price_multiplier: must be empty or have 120 values (one per period), got 7");
}

// Construction: capex funded pro rata by debt and equity, IDC capitalised; the drawn balance
// plus capitalised interest reaches the commitment at COD.
TEST(Waterfall, ConstructionFundingReachesCommitmentAtCod) {
    for (const auto funding : {Construction::Funding::ProRata, Construction::Funding::EquityFirst}) {
        Project p = constant_cfads_project();
        p.timeline.construction_months = 12;
        p.construction.funding = funding;
        p.tranches.push_back(fixed_tranche("senior", 6'000'000.0, 0.06, Amortisation::Annuity, 10));
        KernelRun run(p);
        const auto& r = run.run();
        EXPECT_NEAR(r.at(r.tranche_balance, 0, 11), 6'000'000.0, 1e-6);
        double capex = 0.0, equity = 0.0, draws = 0.0, idc = 0.0;
        for (int t = 0; t < 12; ++t) {
            capex += r.capex[static_cast<std::size_t>(t)];
            equity += r.equity_funding[static_cast<std::size_t>(t)];
            draws += r.debt_drawdown[static_cast<std::size_t>(t)];
            idc += r.interest_during_construction[static_cast<std::size_t>(t)];
        }
        EXPECT_NEAR(capex, 10'000'000.0, 1e-6);
        EXPECT_NEAR(draws + idc, 6'000'000.0, 1e-6);
        EXPECT_NEAR(equity + draws, capex, 1e-6);
        if (funding == Construction::Funding::EquityFirst) {
            EXPECT_EQ(r.debt_drawdown[0], 0.0);
        }
        expect_cash_conserved(run.cp, r, "construction");
        // An overrun is paid by equity.
        PeriodDrivers d;
        d.capex_overrun = 0.1;
        const auto& o = run.run(d);
        double equity_o = 0.0;
        for (int t = 0; t < 12; ++t) equity_o += o.equity_funding[static_cast<std::size_t>(t)];
        // Pro rata: exactly the overrun. Equity first: the overrun brings debt draws forward,
        // so capitalised interest uses more of the commitment and equity pays a little more.
        if (funding == Construction::Funding::ProRata) {
            EXPECT_NEAR(equity_o - equity, 1'000'000.0, 1e-4);
        } else {
            EXPECT_GT(equity_o - equity, 1'000'000.0);
        }
    }
}

namespace {
Project random_project(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Project p = constant_cfads_project(80'000.0 + 60'000.0 * u(rng), 15);
    p.timeline.construction_months = static_cast<int>(u(rng) * 24);
    p.timeline.day_count = u(rng) < 0.5 ? DayCount::Actual365Fixed : DayCount::Thirty360;
    p.timeline.frequency = u(rng) < 0.7 ? Frequency::Monthly : Frequency::Quarterly;
    p.revenues[0].degradation_per_year = 0.005;
    p.revenues[0].contract_years = 8;
    p.revenues[0].merchant_curve = {{0.0, 70.0 + 40.0 * u(rng)}, {10.0, 60.0}};
    p.opex.fixed_per_year = 200'000.0 * u(rng);
    p.opex.variable_per_unit = 5.0 * u(rng);
    p.opex.maintenance_capex_per_year = 50'000.0;
    p.opex.senior_fees_per_year = 20'000.0;
    p.opex.escalation = 0.02;
    p.tax.rate = 0.3 * u(rng);
    p.working_capital.receivable_days = 30.0 * u(rng);
    p.working_capital.payable_days = 20.0 * u(rng);
    p.construction.capitalise_interest = u(rng) < 0.8;
    const Amortisation kinds[] = {Amortisation::Annuity, Amortisation::LevelPrincipal, Amortisation::Bullet,
                                  Amortisation::Sculpted};
    p.tranches.push_back(fixed_tranche("a", 4'000'000.0 * (0.5 + u(rng)), 0.05, kinds[static_cast<int>(u(rng) * 4)], 12, 1));
    p.tranches.push_back(fixed_tranche("b", 1'000'000.0 * (0.5 + u(rng)), 0.06, kinds[static_cast<int>(u(rng) * 3)], 10, 1));
    Tranche c = fixed_tranche("c", 1'500'000.0 * (0.5 + u(rng)), 0.09, Amortisation::Bullet, 14, 2);
    c.deferrable_interest = u(rng) < 0.7;
    p.tranches.push_back(c);
    p.dsra.enabled = u(rng) < 0.8;
    p.dsra.funding = u(rng) < 0.5 ? Dsra::Funding::AtClose : Dsra::Funding::FromWaterfall;
    p.dsra.interest_rate = 0.02;
    p.dsra.tranches = {"a", "b"};
    p.mra.enabled = u(rng) < 0.5;
    p.mra.target = 100'000.0;
    p.mra.contribution_per_year = 60'000.0;
    p.covenants.use_historic_dscr = u(rng) < 0.5;
    p.covenants.lockup_cure_periods = static_cast<int>(u(rng) * 3);
    p.covenants.min_llcr = u(rng) < 0.5 ? 1.2 : 0.0;
    p.covenants.sweep.enabled = u(rng) < 0.6;
    p.covenants.sweep.tranche = "a";
    p.covenants.sweep.share = u(rng);
    return p;
}
}  // namespace

// Cash conservation (sources = uses to 1e-9 relative, balance and DSRA identities) on random
// projects under random drivers, including deep dips that draw reserves and default.
TEST(Waterfall, CashConservedOnRandomProjectsAndDrivers) {
    std::mt19937_64 rng(20261121);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int trial = 0; trial < 40; ++trial) {
        const Project p = random_project(rng);
        KernelRun run(p);
        const auto n = static_cast<std::size_t>(run.cp.periods);
        std::vector<double> price(n), volume(n), outage(n), opex(n), shift(n);
        for (std::size_t t = 0; t < n; ++t) {
            price[t] = std::exp(0.5 * (u(rng) - 0.5));
            volume[t] = u(rng) < 0.05 ? 0.0 : 0.6 + 0.8 * u(rng);
            outage[t] = u(rng) < 0.1 ? u(rng) : 0.0;
            opex[t] = 0.8 + 0.6 * u(rng);
            shift[t] = 0.02 * (u(rng) - 0.5);
        }
        PeriodDrivers d;
        d.price_multiplier = price;
        d.volume_multiplier = volume;
        d.availability_loss = outage;
        d.opex_multiplier = opex;
        d.index_shift = shift;
        d.capex_overrun = 0.2 * u(rng);
        d.delay_periods = static_cast<int>(u(rng) * 3);
        expect_cash_conserved(run.cp, run.run(), "random base " + std::to_string(trial));
        expect_cash_conserved(run.cp, run.run(d), "random drivers " + std::to_string(trial));
    }
}

// The shipped examples conserve cash in the base case.
TEST(Waterfall, ExamplesConserveCash) {
    for (const char* name : {"solar.yaml", "toll_road.yaml"}) {
        const auto path = std::filesystem::path(PFTOKEN_SOURCE_DIR) / "data" / "examples" / name;
        ASSERT_TRUE(std::filesystem::exists(path)) << "example not present: " << path;
        const Project p = load_project(path);
        KernelRun run(p);
        expect_cash_conserved(run.cp, run.run(), name);
    }
}

// Deterministic: same inputs, same bits.
TEST(Waterfall, RepeatedRunsAreBitIdentical) {
    std::mt19937_64 rng(7);
    const Project p = random_project(rng);
    KernelRun run(p);
    const std::vector<double> first = run.run().cfads;
    const std::vector<double> balances = run.ws.results.tranche_balance;
    const auto& again = run.run();
    EXPECT_EQ(first, again.cfads);
    EXPECT_EQ(balances, again.tranche_balance);
}

namespace {
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

/// `count` random projects followed by the two shipped examples.
std::vector<Project> random_and_example_projects(std::mt19937_64& rng, int count) {
    std::vector<Project> projects;
    for (int trial = 0; trial < count; ++trial) projects.push_back(random_project(rng));
    for (const char* name : {"solar.yaml", "toll_road.yaml"})
        projects.push_back(load_project(std::filesystem::path(PFTOKEN_SOURCE_DIR) / "data" / "examples" / name));
    return projects;
}
}  // namespace

// The lean output mode (Monte Carlo paths) runs the same waterfall: every column it writes is
// bit-identical to the full mode's, on random projects under random drivers and on the shipped
// examples. Each mode writes into its own fresh workspace so stale values cannot hide a gap.
TEST(Waterfall, LeanOutputEqualsFullOnItsColumns) {
    std::mt19937_64 rng(20261122);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::vector<Project> projects = random_and_example_projects(rng, 20);
    for (std::size_t i = 0; i < projects.size(); ++i) {
        const CompiledProject cp = compile(projects[i]);
        const auto n = static_cast<std::size_t>(cp.periods);
        std::vector<double> price(n), volume(n), opex(n);
        for (std::size_t t = 0; t < n; ++t) {
            price[t] = std::exp(0.6 * (u(rng) - 0.5));
            volume[t] = u(rng) < 0.05 ? 0.0 : 0.5 + 0.8 * u(rng);
            opex[t] = 0.8 + 0.6 * u(rng);
        }
        for (int with_drivers = 0; with_drivers < 2; ++with_drivers) {
            PeriodDrivers d;
            if (with_drivers != 0) {
                d.price_multiplier = price;
                d.volume_multiplier = volume;
                d.opex_multiplier = opex;
            }
            WaterfallWorkspace full(cp), lean(cp);
            run_waterfall(cp, d, full, WaterfallOutput::Full);
            run_waterfall(cp, d, lean, WaterfallOutput::Lean);
            const WaterfallResults& f = full.results;
            const WaterfallResults& l = lean.results;
            const std::string where = "project " + std::to_string(i) + (with_drivers ? " with drivers" : " base");
            EXPECT_TRUE(same_bits(f.cfads, l.cfads)) << where;
            EXPECT_TRUE(same_bits(f.debt_service_due, l.debt_service_due)) << where;
            EXPECT_TRUE(same_bits(f.dscr, l.dscr)) << where;
            EXPECT_TRUE(same_bits(f.ltm_dscr, l.ltm_dscr)) << where;
            EXPECT_TRUE(same_bits(f.dsra_draw, l.dsra_draw)) << where;
            EXPECT_TRUE(same_bits(f.distributions, l.distributions)) << where;
            EXPECT_TRUE(same_bits(f.equity_cash_flow, l.equity_cash_flow)) << where;
            EXPECT_TRUE(same_bits(f.tranche_interest_due, l.tranche_interest_due)) << where;
            EXPECT_TRUE(same_bits(f.tranche_interest_paid, l.tranche_interest_paid)) << where;
            EXPECT_TRUE(same_bits(f.tranche_principal_due, l.tranche_principal_due)) << where;
            EXPECT_TRUE(same_bits(f.tranche_principal_paid, l.tranche_principal_paid)) << where;
            EXPECT_TRUE(same_bits(f.tranche_prepayment, l.tranche_prepayment)) << where;
            EXPECT_TRUE(same_bits(f.tranche_balance, l.tranche_balance)) << where;
            EXPECT_EQ(f.lockup, l.lockup) << where;
            EXPECT_EQ(f.event_of_default, l.event_of_default) << where;
            EXPECT_EQ(f.dsra_drawn, l.dsra_drawn) << where;
            EXPECT_EQ(f.close_equity, l.close_equity) << where;
            EXPECT_EQ(f.close_debt, l.close_debt) << where;
            EXPECT_EQ(l.event_count, 0) << where;
        }
    }
}

// More tranches than the kernel's compile-time specialisations (1 to 4) take the generic
// path: cash is conserved, and two identical tranches of the same rank are paid pro rata,
// i.e. identically, in every period (Moody's / S&P pari passu definition).
TEST(Waterfall, GenericTrancheCountPathPaysPariPassuTranchesAlike) {
    for (int count : {4, 5, 7}) {
        Project p = constant_cfads_project(260'000.0, 20);
        for (int k = 0; k < count - 2; ++k)
            p.tranches.push_back(fixed_tranche("t" + std::to_string(k), 800'000.0, 0.05 + 0.005 * k,
                                               Amortisation::Annuity, 12, k + 1));
        Tranche twin = fixed_tranche("twin_a", 500'000.0, 0.09, Amortisation::Bullet, 15, count);
        twin.deferrable_interest = true;
        p.tranches.push_back(twin);
        twin.name = "twin_b";
        p.tranches.push_back(twin);
        p.dsra.enabled = true;
        p.covenants.sweep.enabled = true;
        p.covenants.sweep.tranche = "t0";
        KernelRun run(p);
        ASSERT_EQ(run.cp.tranche_count, count);
        std::vector<double> volume(static_cast<std::size_t>(run.cp.periods));
        for (std::size_t t = 0; t < volume.size(); ++t) volume[t] = t % 7 == 3 ? 0.2 : 1.0;  // dips
        PeriodDrivers d;
        d.volume_multiplier = volume;
        const WaterfallResults& r = run.run(d);
        expect_cash_conserved(run.cp, r, std::to_string(count) + " tranches");
        for (int t = 0; t < run.cp.periods; ++t) {
            EXPECT_EQ(r.at(r.tranche_interest_paid, count - 2, t), r.at(r.tranche_interest_paid, count - 1, t)) << t;
            EXPECT_EQ(r.at(r.tranche_balance, count - 2, t), r.at(r.tranche_balance, count - 1, t)) << t;
        }
    }
}

namespace {
/// Every column, flag, scalar and event of two results, bit for bit (NaN payloads included).
void expect_same_results(const WaterfallResults& a, const WaterfallResults& b, const std::string& where) {
    for (auto column : {&WaterfallResults::revenue, &WaterfallResults::opex, &WaterfallResults::working_capital_change,
                        &WaterfallResults::tax, &WaterfallResults::maintenance_capex, &WaterfallResults::mra_release,
                        &WaterfallResults::cfads, &WaterfallResults::senior_fees, &WaterfallResults::debt_service_due,
                        &WaterfallResults::debt_service_paid, &WaterfallResults::dscr, &WaterfallResults::ltm_dscr,
                        &WaterfallResults::llcr, &WaterfallResults::plcr, &WaterfallResults::dsra_balance,
                        &WaterfallResults::dsra_draw, &WaterfallResults::dsra_deposit, &WaterfallResults::dsra_release,
                        &WaterfallResults::dsra_interest, &WaterfallResults::mra_balance, &WaterfallResults::mra_deposit,
                        &WaterfallResults::lockup_balance, &WaterfallResults::lockup_deposit,
                        &WaterfallResults::lockup_release, &WaterfallResults::sweep, &WaterfallResults::distributions,
                        &WaterfallResults::equity_injection, &WaterfallResults::equity_cash_flow, &WaterfallResults::capex,
                        &WaterfallResults::debt_drawdown, &WaterfallResults::equity_funding,
                        &WaterfallResults::interest_during_construction, &WaterfallResults::sources,
                        &WaterfallResults::uses, &WaterfallResults::tranche_rate, &WaterfallResults::tranche_drawdown,
                        &WaterfallResults::tranche_interest_due, &WaterfallResults::tranche_interest_paid,
                        &WaterfallResults::tranche_principal_due, &WaterfallResults::tranche_principal_paid,
                        &WaterfallResults::tranche_prepayment, &WaterfallResults::tranche_deferred,
                        &WaterfallResults::tranche_balance})
        EXPECT_TRUE(same_bits(a.*column, b.*column)) << where;
    EXPECT_EQ(a.lockup, b.lockup) << where;
    EXPECT_EQ(a.event_of_default, b.event_of_default) << where;
    EXPECT_EQ(a.dsra_drawn, b.dsra_drawn) << where;
    for (auto scalar : {&WaterfallResults::close_capex, &WaterfallResults::close_debt, &WaterfallResults::close_equity,
                        &WaterfallResults::close_dsra_funding})
        EXPECT_EQ(std::memcmp(&(a.*scalar), &(b.*scalar), sizeof(double)), 0) << where;
    ASSERT_EQ(a.event_count, b.event_count) << where;
    EXPECT_EQ(a.events_dropped, b.events_dropped) << where;
    for (int i = 0; i < a.event_count; ++i) {
        const Event& x = a.events[static_cast<std::size_t>(i)];
        const Event& y = b.events[static_cast<std::size_t>(i)];
        EXPECT_TRUE(x.period == y.period && x.date == y.date && x.kind == y.kind && x.tranche == y.tranche &&
                    std::memcmp(&x.amount, &y.amount, sizeof(double)) == 0)
            << where << ", event " << i;
    }
}
}  // namespace

// The workspace fills its run-invariant columns once, when it is bound to a project, and a run
// clears only the sparse entries (sweeps, deferrals) the previous run wrote. A workspace reused
// through runs in both modes, with drivers that sweep, defer, draw and default and then without
// them, must give exactly what a fresh workspace gives for the same run.
TEST(Waterfall, ReusedWorkspaceEqualsFreshWorkspace) {
    std::mt19937_64 rng(20261123);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::vector<Project> projects = random_and_example_projects(rng, 12);
    for (std::size_t i = 0; i < projects.size(); ++i) {
        const CompiledProject cp = compile(projects[i]);
        const auto n = static_cast<std::size_t>(cp.periods);
        std::vector<double> price(n), volume(n), shift(n), level(n);
        for (std::size_t t = 0; t < n; ++t) {
            price[t] = std::exp(0.6 * (u(rng) - 0.5));
            volume[t] = u(rng) < 0.08 ? 0.0 : 0.3 + 1.0 * u(rng);
            shift[t] = 0.02 * (u(rng) - 0.5);
            level[t] = 0.03 + 0.02 * u(rng);
        }
        PeriodDrivers stressed;
        stressed.price_multiplier = price;
        stressed.volume_multiplier = volume;
        stressed.index_shift = shift;
        stressed.index_level = level;
        stressed.capex_overrun = 0.1;
        const PeriodDrivers neutral;
        WaterfallWorkspace reused(cp);
        const std::pair<const PeriodDrivers*, WaterfallOutput> runs[] = {
            {&stressed, WaterfallOutput::Full}, {&neutral, WaterfallOutput::Full}, {&stressed, WaterfallOutput::Lean},
            {&stressed, WaterfallOutput::Full}, {&neutral, WaterfallOutput::Lean}, {&neutral, WaterfallOutput::Full}};
        int step = 0;
        for (const auto& [drivers, mode] : runs) {
            run_waterfall(cp, *drivers, reused, mode);
            if (mode == WaterfallOutput::Lean) continue;  // lean leaves the diagnostic columns stale by contract
            WaterfallWorkspace fresh(cp);
            run_waterfall(cp, *drivers, fresh, mode);
            expect_same_results(reused.results, fresh.results,
                                "project " + std::to_string(i) + ", run " + std::to_string(step));
            ++step;
        }
    }
}

// A workspace serves the compiled project it was bound to (its run-invariant columns came from
// that project): another compilation is refused with a message, a copy of the same compilation
// is accepted, and bind() moves the workspace to another project of the same shape.
TEST(Waterfall, WorkspaceIsBoundToItsCompiledProject) {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 1'000'000.0, 0.05, Amortisation::Annuity, 5));
    const CompiledProject first = compile(p);
    p.tranches[0].fixed_rate = 0.07;
    const CompiledProject second = compile(p);
    ASSERT_NE(first.id, second.id);
    WaterfallWorkspace ws(first);
    EXPECT_THROW_MSG(run_waterfall(second, PeriodDrivers{}, ws), Error,
                     "waterfall workspace: bound to compiled project #")
        << "a workspace bound to another compiled project was accepted";
    const CompiledProject copy = first;  // same compilation, same id
    run_waterfall(copy, PeriodDrivers{}, ws);
    EXPECT_EQ(ws.results.tranche_rate[0], 0.05);
    ws.bind(second);
    run_waterfall(second, PeriodDrivers{}, ws);
    WaterfallWorkspace fresh(second);
    run_waterfall(second, PeriodDrivers{}, fresh);
    EXPECT_EQ(ws.results.tranche_rate[0], 0.07);
    expect_same_results(ws.results, fresh.results, "after bind");
}

// Cash flows given directly (issue 13, section 2): line items replace the computed revenue and
// costs, CFADS = revenue - opex - maintenance - tax in every period (no tax rate, no working
// capital), and the drivers of Monte Carlo and stress scale the given lines: volume x 0.9 and
// opex x 1.2 give 0.9 revenue - 1.2 opex - maintenance - tax. CFADS given directly is the
// revenue line alone.
TEST(Waterfall, CashFlowsGivenDirectlyRunThroughTheWaterfallAndTheDrivers) {
    Project p = constant_cfads_project(100'000.0, 2);
    p.revenues.clear();
    std::vector<double> revenue(24), opex(24, 20'000.0), maintenance(24, 5'000.0), tax(24, 1'000.0);
    for (std::size_t i = 0; i < 24; ++i) revenue[i] = 100'000.0 + 1'000.0 * static_cast<double>(i);
    p.cash_flows.revenue = revenue;
    p.cash_flows.opex = opex;
    p.cash_flows.maintenance_capex = maintenance;
    p.cash_flows.tax = tax;
    p.equity.token = {"EQ", 1000.0, 0.0};
    p.tranches.push_back(fixed_tranche("senior", 500'000.0, 0.06, Amortisation::LevelPrincipal, 2));
    EXPECT_NO_THROW(validate(p));
    KernelRun run(p);
    const auto& r = run.run();
    for (std::size_t i = 0; i < 24; ++i)
        EXPECT_NEAR(r.cfads[i], revenue[i] - 20'000.0 - 5'000.0 - 1'000.0, 1e-9) << i;
    const std::vector<double> volume(24, 0.9), opex_factor(24, 1.2);
    PeriodDrivers d;
    d.volume_multiplier = volume;
    d.opex_multiplier = opex_factor;
    const auto& shocked = run.run(d);
    // The given tax keeps its effective rate on the operating margin (revenue - opex -
    // maintenance): 1,000 x shocked margin / base margin.
    for (std::size_t i = 0; i < 24; ++i) {
        const double margin = 0.9 * revenue[i] - 1.2 * 20'000.0 - 5'000.0;
        const double tax_path = 1'000.0 * margin / (revenue[i] - 20'000.0 - 5'000.0);
        EXPECT_NEAR(shocked.tax[i], tax_path, 1e-9) << i;
        EXPECT_NEAR(shocked.cfads[i], margin - tax_path, 1e-9) << i;
    }

    Project direct = p;
    direct.cash_flows = CashFlowLines{};
    direct.cash_flows.cfads = revenue;
    EXPECT_NO_THROW(validate(direct));
    KernelRun run_direct(direct);
    const auto& rd = run_direct.run();
    for (std::size_t i = 0; i < 24; ++i) EXPECT_NEAR(rd.cfads[i], revenue[i], 1e-9) << i;
    direct.tax.rate = 0.2;
    EXPECT_THROW_MSG(validate(direct), InputError,
                     "tax.rate: must be 0 when cash_flows gives cfads (the tax is already in it), got 0.2");
}

// The DSRA deposit at close has a stated source (dsra.funded_by). 12 months of construction,
// 1m of capex a month, a 7m tranche, interest during construction paid by equity (so the debt
// share is exact), a fixed 1m DSRA funded at close in month 0. By hand:
//  - pro_rata (the former behaviour): the debt funds 7/13 of every use, the DSRA included:
//    month 0 draws 7/13 x 2m;
//  - equity: the debt funds 7/12 of capex, equity the whole deposit: month 0 draws 7/12 x 1m;
//  - debt: the deposit is drawn in full at close and the other 6m fund half of capex:
//    month 0 draws 1m + 0.5m, later months 0.5m, and month 1 accrues 1.5m x 6%/12 of interest.
// Every source draws the whole 7m by COD; equity pays the rest of the uses.
TEST(Waterfall, DsraFundedAtCloseFromItsStatedSource) {
    Project p = constant_cfads_project(300'000.0, 10);
    p.timeline.construction_months = 12;
    p.construction.capex_total = 12'000'000.0;
    p.construction.capitalise_interest = false;
    p.tranches.push_back(fixed_tranche("senior", 7'000'000.0, 0.06, Amortisation::Annuity, 10));
    p.dsra.enabled = true;
    p.dsra.amount = 1'000'000.0;
    struct Case {
        Dsra::FundedBy source;
        double draw0, draw1;
    };
    for (const Case c : {Case{Dsra::FundedBy::ProRata, 2e6 * 7.0 / 13.0, 1e6 * 7.0 / 13.0},
                         Case{Dsra::FundedBy::Equity, 1e6 * 7.0 / 12.0, 1e6 * 7.0 / 12.0},
                         Case{Dsra::FundedBy::Debt, 1.5e6, 0.5e6}}) {
        p.dsra.funded_by = c.source;
        KernelRun run(p);
        const auto& r = run.run();
        const int source = static_cast<int>(c.source);
        EXPECT_NEAR(r.dsra_deposit[0], 1e6, 1e-9) << source;
        EXPECT_NEAR(r.debt_drawdown[0], c.draw0, 1e-6) << source;
        EXPECT_NEAR(r.equity_funding[0], 2e6 - c.draw0, 1e-6) << source;
        EXPECT_NEAR(r.debt_drawdown[1], c.draw1, 1e-6) << source;
        EXPECT_NEAR(r.interest_during_construction[1], c.draw0 * 0.06 / 12.0, 1e-6) << source;
        double drawn = 0.0;
        for (int t = 0; t < 12; ++t) drawn += r.debt_drawdown[static_cast<std::size_t>(t)];
        EXPECT_NEAR(drawn, 7e6, 1e-6) << source;
    }
}

// cash_flows.working_capital_change: the increase of net working capital as given (subtracted
// from CFADS, not scaled: it is timing and sums to about zero over the life); the receivable /
// payable days must then be omitted. A given tax line on a path whose margin turns negative is 0,
// and as given in every base-case period (ratio exactly 1). By hand.
TEST(Waterfall, CashFlowsWorkingCapitalLineAndTaxOnTheMargin) {
    Project p = constant_cfads_project(100'000.0, 1);
    p.revenues.clear();
    const std::vector<double> revenue(12, 100'000.0), opex(12, 40'000.0), tax(12, 3'000.0);
    std::vector<double> wc(12, 0.0);
    wc[0] = 8'000.0;    // receivables built in the first month
    wc[11] = -8'000.0;  // released in the last
    p.cash_flows.revenue = revenue;
    p.cash_flows.opex = opex;
    p.cash_flows.tax = tax;
    p.cash_flows.working_capital_change = wc;
    p.equity.token = {"EQ", 1000.0, 0.0};
    p.tranches.push_back(fixed_tranche("senior", 200'000.0, 0.06, Amortisation::LevelPrincipal, 1));
    EXPECT_NO_THROW(validate(p));
    KernelRun run(p);
    const auto& r = run.run();
    for (std::size_t i = 0; i < 12; ++i) {
        EXPECT_EQ(r.tax[i], 3'000.0) << i;
        EXPECT_EQ(r.working_capital_change[i], wc[i]) << i;
        EXPECT_NEAR(r.cfads[i], 100'000.0 - 40'000.0 - wc[i] - 3'000.0, 1e-9) << i;
    }
    // Volume x 0.5: margin 50,000 - 40,000 = 10,000 of 60,000, so tax 500; x 0.3: margin < 0, tax 0.
    for (const double factor : {0.5, 0.3}) {
        const std::vector<double> volume(12, factor);
        PeriodDrivers d;
        d.volume_multiplier = volume;
        const auto& shocked = run.run(d);
        const double margin = factor * 100'000.0 - 40'000.0;
        const double expected_tax = factor == 0.5 ? 500.0 : 0.0;
        for (std::size_t i = 0; i < 12; ++i) {
            EXPECT_NEAR(shocked.tax[i], expected_tax, 1e-9) << factor << " " << i;
            EXPECT_NEAR(shocked.cfads[i], margin - wc[i] - expected_tax, 1e-9) << factor << " " << i;
        }
    }
    p.working_capital.receivable_days = 30.0;
    EXPECT_THROW_MSG(validate(p), InputError,
                     "working_capital: must be omitted when cash_flows gives working_capital_change (receivable and "
                     "payable days would count working capital twice)");
}
