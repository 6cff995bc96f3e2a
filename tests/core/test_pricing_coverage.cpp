// Coverage ratios: LLCR and PLCR per period, DSCR statistics, input errors.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "pftoken/error.hpp"
#include "pftoken/pricing/coverage.hpp"
#include "support/gtest_extra.hpp"

namespace pp = pftoken::pricing;

// Definitions: LLCR = PV(CFADS over the remaining loan life at the debt rate) / debt
// outstanding, PLCR the same over the project life (Yescombe, Principles of Project Finance,
// 2nd ed., ch. 12). Closed form with constant CFADS C, per-period rate i and an annuity with
// payment A over M periods (balance B_k = A a(M - k), a(n) = (1 - (1 + i)^-n) / i):
// LLCR_k = C / A in every period and PLCR_k = C a(N - k) / (A a(M - k)) for a life of N periods.
TEST(Coverage, AnnuityWithConstantCfadsClosedForm) {
    const std::size_t n_project = 300;
    const std::size_t m_loan = 180;
    const double annual_rate = 0.065;
    const double i = annual_rate / 12.0;
    const double cfads = 1.0e6;
    const double payment = 7.5e5;
    auto annuity = [i](double periods) { return (1.0 - std::pow(1.0 + i, -periods)) / i; };
    std::vector<double> c(n_project, cfads), tau(n_project, 1.0 / 12.0), r(n_project, annual_rate),
        debt(n_project, 0.0), llcr(n_project), plcr(n_project);
    for (std::size_t k = 0; k < m_loan; ++k) debt[k] = payment * annuity(static_cast<double>(m_loan - k));
    const pp::CoverageInputs in{c, tau, r, debt};
    in.validate();
    pp::coverage_ratios(in, llcr, plcr);
    for (std::size_t k = 0; k < n_project; ++k) {
        if (k < m_loan) {
            const double expected_plcr = cfads * annuity(static_cast<double>(n_project - k)) /
                                         (payment * annuity(static_cast<double>(m_loan - k)));
            EXPECT_NEAR(llcr[k], cfads / payment, 1e-12) << k;
            EXPECT_NEAR(plcr[k], expected_plcr, 1e-12 * expected_plcr) << k;
            EXPECT_EQ(pp::llcr_at(in, k), llcr[k]) << k;
            EXPECT_EQ(pp::plcr_at(in, k), plcr[k]) << k;
        } else {
            EXPECT_TRUE(std::isnan(llcr[k]) && std::isnan(plcr[k])) << k;
            EXPECT_TRUE(std::isnan(pp::llcr_at(in, k)));
        }
    }
}

// Hand-computed table, two periods with different rates and accruals:
// v0 = 1/(1 + 0.08 * 0.5) = 1/1.04, v1 = 1/(1 + 0.10 * 0.25) = 1/1.025, v2 = 1/(1 + 0.1 * 0.25).
// With debt only in periods 0 and 1: LLCR_0 = (100 v0 + 120 v0 v1)/200, LLCR_1 = 120 v1 / 50;
// PLCR_0 adds 80 v0 v1 v2.
TEST(Coverage, VaryingRatesHandComputed) {
    const std::vector<double> c{100, 120, 80}, tau{0.5, 0.25, 0.25}, r{0.08, 0.10, 0.10}, debt{200, 50, 0};
    const double v0 = 1.0 / 1.04, v1 = 1.0 / 1.025, v2 = 1.0 / 1.025;
    std::vector<double> llcr(3), plcr(3);
    pp::coverage_ratios({c, tau, r, debt}, llcr, plcr);
    EXPECT_NEAR(llcr[0], (100 * v0 + 120 * v0 * v1) / 200, 1e-15);
    EXPECT_NEAR(llcr[1], 120 * v1 / 50, 1e-15);
    EXPECT_NEAR(plcr[0], (100 * v0 + 120 * v0 * v1 + 80 * v0 * v1 * v2) / 200, 1e-15);
    EXPECT_NEAR(plcr[1], (120 * v1 + 80 * v1 * v2) / 50, 1e-15);
    EXPECT_TRUE(std::isnan(llcr[2]));
}

TEST(Coverage, DscrStatistics) {
    const std::vector<double> cfads{0, 130, 120, 150, 110, 90};
    const std::vector<double> ds{0, 100, 100, 100, 100, 0};
    const pp::DscrStats s = pp::dscr_stats(cfads, ds);
    EXPECT_EQ(s.periods, 4u);
    EXPECT_DOUBLE_EQ(s.min, 1.1);
    EXPECT_EQ(s.min_period, 4u);
    EXPECT_DOUBLE_EQ(s.average, (1.3 + 1.2 + 1.5 + 1.1) / 4);
    std::vector<double> dscr(6);
    pp::dscr_per_period(cfads, ds, dscr);
    EXPECT_TRUE(std::isnan(dscr[0]) && std::isnan(dscr[5]));
    EXPECT_DOUBLE_EQ(dscr[3], 1.5);
    const pp::DscrStats none = pp::dscr_stats(cfads, std::vector<double>(6, 0.0));
    EXPECT_EQ(none.periods, 0u);
    EXPECT_TRUE(std::isnan(none.min) && std::isnan(none.average));
}

TEST(Coverage, BadInputsNameTheField) {
    const std::vector<double> c{1, 2}, tau{0.5, 0.5}, r{0.05, 0.05}, debt{10, 5};
    EXPECT_THROW_MSG(
        (pp::CoverageInputs{c, tau, std::vector<double>{0.05, 1.0}, debt}.validate("coverage")),
        pftoken::Error, "coverage.debt_rate[1]: must be in (-100%, 100%), got 1");
    EXPECT_THROW_MSG(
        (pp::CoverageInputs{c, std::vector<double>{0.5, -1}, r, debt}.validate("coverage")),
        pftoken::Error, "coverage.accrual[1]: must be > 0, got -1");
    EXPECT_THROW_MSG((pp::CoverageInputs{c, tau, r, std::vector<double>{10}}.validate("coverage")),
                     pftoken::Error, "coverage.opening_debt: must have 2 periods, got 1");
    EXPECT_THROW_MSG(
        (pp::CoverageInputs{std::vector<double>{1, NAN}, tau, r, debt}.validate("coverage")),
        pftoken::Error, "coverage.cfads[1]: must be finite, got nan");
    EXPECT_THROW_MSG((void)pp::llcr_at({c, tau, r, debt}, 2), pftoken::Error,
                     "coverage.period: must be < 2, got 2");
}
