// Fair-value paths by regression: zero volatility reproduces QuantLib's NPV of the remaining
// flows on every date; a two-period bullet tranche on a lognormal CFADS matches the
// Black-Scholes conditional value path by path; bad options are named.
#include <gtest/gtest.h>

#include <cmath>

#include <ql/cashflows/cashflows.hpp>
#include <ql/cashflows/simplecashflow.hpp>
#include <ql/settings.hpp>

#include "pftoken/error.hpp"
#include "pftoken/mc/fair_value_paths.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/mc/random.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/pricing/curves.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "support/builders.hpp"
#include "support/gtest_extra.hpp"

using namespace pftoken;
using namespace pftoken::mc;

namespace {

Project solar() { return test::example_project("solar.yaml"); }

// Undiscounted Black put E[(K - X)^+], X lognormal with mean F and log-sd s.
double black_put(double forward, double strike, double s) {
    const double d1 = (std::log(forward / strike) + 0.5 * s * s) / s;
    return strike * normal_cdf(-(d1 - s)) - forward * normal_cdf(-d1);
}

}  // namespace

// With every volatility at zero each path is the base case, so every path's fair value on a
// date is the NPV of the base case's remaining flows on that date. Reference: QuantLib's
// CashFlows::npv of the value() flows (interest + principal + prepayment per period end) on
// the COD-referenced discount curve plus the tranche's continuous z-spread
// (ZeroSpreadedTermStructure), settlement = npv date = the date, flows on the date excluded.
TEST(FairValuePaths, ZeroVolatilityEqualsQuantLibNpvOfTheRemainingFlows) {
    const Project project = solar();
    const ValuationResult det = value(project);
    StochasticSpec spec;
    spec.merchant_price.enabled = true;
    spec.opex_inflation.enabled = true;
    spec.interest_rate.enabled = true;  // Hull-White, sigma 0: the path DF is the curve's
    for (std::size_t k = 0; k < project.tranches.size(); ++k) {
        FairValuePathOptions opt;
        opt.mc.paths = 8;
        opt.tranche = k;
        opt.horizon_years = 3.0;
        const FairValuePaths fv = fair_value_paths(project, spec, opt);
        // COD + the monthly payment dates up to three years after it.
        std::size_t in_horizon = 0;
        for (double t : det.grid.time_from_cod) in_horizon += t > 0.0 && t <= 3.0 + 1e-9 ? 1 : 0;
        ASSERT_EQ(fv.dates(), 1 + in_horizon);
        ASSERT_GE(fv.dates(), 36u);
        EXPECT_EQ(fv.paths, 8u);

        const QuantLib::Date cod = pricing::to_ql_date(det.grid.cod);
        const auto curve = pricing::with_z_spread(
            pricing::build_curve(project.market.discount, cod, project.timeline.day_count, {}, "market.discount"),
            project.tranches[k].spread);
        QuantLib::Leg leg;
        const int c = det.grid.first_operating();
        for (int t = c; t < det.periods.periods; ++t) {
            const double cash = det.periods.at(det.periods.tranche_interest_paid, static_cast<int>(k), t) +
                                det.periods.at(det.periods.tranche_principal_paid, static_cast<int>(k), t) +
                                det.periods.at(det.periods.tranche_prepayment, static_cast<int>(k), t);
            leg.push_back(QuantLib::ext::make_shared<QuantLib::SimpleCashFlow>(
                cash, pricing::to_ql_date(det.grid.end[static_cast<std::size_t>(t)])));
        }
        const double supply = project.tranches[k].token.supply;
        for (std::size_t j = 0; j < fv.dates(); ++j) {
            const QuantLib::Date d = pricing::to_ql_date(fv.date[j]);
            const double expected = QuantLib::CashFlows::npv(leg, *curve, false, d, d) / supply;
            for (std::uint64_t p = 0; p < fv.paths; ++p)
                EXPECT_NEAR(fv.at(p, j), expected, 1e-10 * expected) << fv.symbol << " date " << j << " path " << p;
            EXPECT_EQ(fv.basis_size[j], 1) << "no state varies on a zero-volatility date";
        }
        // Date 0 is value()'s price per token.
        EXPECT_NEAR(fv.mean(0), det.tranches[k].price_per_token, 1e-10 * det.tranches[k].price_per_token);
    }
}

// Two-period bullet on lognormal CFADS. After the first payment (interest, certain here: CFADS
// of at least D r fails with probability < 1e-20) the tranche's value is the discounted
// expected min(X2, DS), DS = D (1 + r), X2 = R0 M(t2), and given M(t1):
//   V1 = DF(t1, t2) [DS - put(F = R0 M(t1), K = DS, s = sigma sqrt(t2 - t1))]
// (Black 1976 put; Merton 1974 for the debt-as-short-put view). DF on the 3% annually
// compounded flat curve: 1.03^-(t2 - t1), Act/365F, t2 - t1 = 365/365.
// The regression must reproduce V1 path by path, not just on average.
TEST(FairValuePaths, BulletTrancheMatchesTheBlackScholesConditionalValue) {
    struct Row { double revenue, debt, rate, sigma; };
    const Row rows[] = {{5.0e6, 4.0e6, 0.05, 0.30}, {5.0e6, 4.5e6, 0.06, 0.45}};
    for (const auto& row : rows) {
        const Project project = test::merchant_bullet_project(row.revenue / 50.0, 50.0, row.debt, row.rate, 2);
        StochasticSpec spec;
        spec.merchant_price.enabled = true;
        spec.merchant_price.volatility = row.sigma;
        FairValuePathOptions opt;
        opt.mc.paths = 20000;
                opt.horizon_years = 0.0;  // whole life: COD, t1, t2
        const FairValuePaths fv = fair_value_paths(project, spec, opt);
        ASSERT_EQ(fv.dates(), 3u);
        const double ds = row.debt * (1.0 + row.rate);
        const double s = row.sigma * std::sqrt(365.0 / 365.0);
        const double df12 = std::pow(1.03, -365.0 / 365.0);
        const double supply = row.debt / 100.0;
        // Merchant multipliers regenerated exactly as the fair-value paths drew them.
        const auto dumps = dump_project_paths(project, spec, [&] {
            ProjectMcOptions o;
            o.mc = opt.mc;
            return o;
        }(), fv.paths);
        ASSERT_EQ(dumps.size(), fv.paths);
        double sum_err2 = 0.0, sum_truth = 0.0, sum_truth2 = 0.0;
        for (std::uint64_t p = 0; p < fv.paths; ++p) {
            const double m1 = dumps[p].price_multiplier[0];
            const double truth = df12 * (ds - black_put(row.revenue * m1, ds, s)) / supply;
            const double err = fv.at(p, 1) - truth;
            sum_err2 += err * err;
            sum_truth += truth;
            sum_truth2 += truth * truth;
            EXPECT_EQ(fv.at(p, 2), 0.0) << "nothing is left after the last payment";
        }
        const auto n = static_cast<double>(fv.paths);
        const double rms = std::sqrt(sum_err2 / n);
        const double mean_truth = sum_truth / n;
        const double sd_truth = std::sqrt(sum_truth2 / n - mean_truth * mean_truth);
        EXPECT_LT(rms, 0.0075 * mean_truth) << "sigma " << row.sigma;
        EXPECT_LT(rms, 0.05 * sd_truth) << "the fit must explain the state, not just the mean";
        EXPECT_GT(fv.r_squared[1], 0.0);
        EXPECT_TRUE(std::isnan(fv.r_squared[0]));  // nothing varies at COD
    }
}

// Date 0 is the Monte Carlo price per token of run_project_mc on the same paths.
TEST(FairValuePaths, DateZeroIsTheMonteCarloPrice) {
    const Project project = solar();
    StochasticSpec spec;
    spec.merchant_price.enabled = true;
    spec.merchant_price.volatility = 0.25;
    spec.volume.enabled = true;
    spec.volume.p90_over_p50 = 0.92;
    FairValuePathOptions opt;
    opt.mc.paths = 256;
    opt.tranche = 1;
    opt.horizon_years = 0.5;
    const FairValuePaths fv = fair_value_paths(project, spec, opt);
    ProjectMcOptions mo;
    mo.mc = opt.mc;
    mo.mc.threads = 1;
    mo.equity_irr = false;
    const auto mc = run_project_mc(project, spec, mo);
    const double price = mc.tranches[1].price_per_token.mean;
    EXPECT_NEAR(fv.mean(0), price, 1e-10 * price);
    // Later dates: the regression reproduces the mean of the realised values (intercept).
    for (std::size_t j = 1; j < fv.dates(); ++j) {
        double realised = 0.0;
        for (std::uint64_t p = 0; p < fv.paths; ++p) realised += fv.realised[p * fv.dates() + j];
        realised /= static_cast<double>(fv.paths);
        EXPECT_NEAR(fv.mean(j), realised, 1e-9 * realised) << "date " << j;
        EXPECT_GT(fv.basis_size[j], 1) << "the merchant price varies on date " << j;
    }
}

TEST(FairValuePaths, RejectsBadOptionsNamingTheField) {
    const Project project = solar();
    StochasticSpec spec;
    spec.merchant_price.enabled = true;
    FairValuePathOptions o;
    o.tranche = 3;
    EXPECT_THROW_MSG((void)fair_value_paths(project, spec, o), InputError,
                     "fair_value_paths.tranche: must be < 3 (the number of tranches), got 3");
    o = {};
    o.horizon_years = -1.0;
    EXPECT_THROW_MSG((void)fair_value_paths(project, spec, o), InputError,
                     "fair_value_paths.horizon_years: must be >= 0 and finite, got -1");
    o = {};
    o.basis_degree = 7;
    EXPECT_THROW_MSG((void)fair_value_paths(project, spec, o), InputError,
                     "fair_value_paths.basis_degree: must be in [1, 6], got 7");
    o = {};
    o.mc.paths = 1;
    EXPECT_THROW_MSG((void)fair_value_paths(project, spec, o), InputError,
                     "fair_value_paths.paths: must be >= 2, got 1");
}
