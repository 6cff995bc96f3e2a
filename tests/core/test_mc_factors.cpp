// Factor paths against closed forms (GBM, log-OU, Vasicek, Hull-White) and spec validation.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <ql/models/shortrate/onefactormodels/vasicek.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>

#include "pftoken/error.hpp"
#include "support/gtest_extra.hpp"
#include "test_mc_support.hpp"

using namespace pftoken::mc;
using pftoken::mc::testing::LambdaEvaluator;
using pftoken::mc::testing::uniform_grid;

namespace {

struct Moments {
    double mean, var, se_mean, se_var;
};
// Sample mean and variance of scalar j with their standard errors (SE of the variance from the
// fourth central moment: Var(s^2) ~ (m4 - s^4)/n).
Moments moments(const PathRun& run, std::size_t j) {
    const auto n = static_cast<double>(run.paths);
    double mean = 0.0;
    for (std::uint64_t p = 0; p < run.paths; ++p) mean += run.at(p, j);
    mean /= n;
    double m2 = 0.0, m4 = 0.0;
    for (std::uint64_t p = 0; p < run.paths; ++p) {
        const double d = run.at(p, j) - mean;
        m2 += d * d;
        m4 += d * d * d * d;
    }
    m2 /= n;
    m4 /= n;
    return {mean, m2, std::sqrt(m2 / n), std::sqrt((m4 - m2 * m2) / n)};
}

PathRun run_last(const StochasticSpec& spec, const FactorGrid& grid, std::uint64_t paths,
                 std::function<double(const PathWorkspace&)> pick, std::uint64_t seed = 2024,
                 const QuantLib::ext::shared_ptr<QuantLib::YieldTermStructure>& curve = {}) {
    McOptions opt;
    opt.paths = paths;
    opt.seed = seed;
    opt.threads = 2;
    const FactorModel model(spec, grid, opt.sampling(), curve);
    const LambdaEvaluator eval(1, [&](std::uint64_t, const PathWorkspace& f, std::span<double> out) {
        out[0] = pick(f);
    });
    return run_paths(model, eval, opt);
}

}  // namespace

// Closed forms of geometric Brownian motion M_T = exp((mu - s^2/2) T + s W_T):
// E[M_T] = e^{mu T}, Var[M_T] = e^{2 mu T}(e^{s^2 T} - 1) (Glasserman 2004, sec. 3.2.1).
TEST(McFactors, GbmMeanAndVarianceMatchClosedForm) {
    struct Row { double mu, sigma, years; };
    const Row rows[] = {{0.0, 0.20, 5.0}, {0.03, 0.25, 5.0}, {-0.02, 0.10, 10.0}};
    for (const auto& r : rows) {
        StochasticSpec spec;
        spec.merchant_price.enabled = true;
        spec.merchant_price.drift = r.mu;
        spec.merchant_price.volatility = r.sigma;
        const auto steps = static_cast<std::size_t>(r.years * 12);
        const auto run = run_last(spec, uniform_grid(steps, 1.0 / 12.0), 20000,
                                  [](const PathWorkspace& f) { return f.price_multiplier.back(); });
        const Moments m = moments(run, 0);
        const double mean = std::exp(r.mu * r.years);
        const double var = std::exp(2 * r.mu * r.years) * (std::exp(r.sigma * r.sigma * r.years) - 1);
        EXPECT_NEAR(m.mean, mean, 3 * m.se_mean) << "mu=" << r.mu << " sigma=" << r.sigma;
        EXPECT_NEAR(m.var, var, 3 * m.se_var) << "mu=" << r.mu << " sigma=" << r.sigma;
    }
}

// Ornstein-Uhlenbeck in log space, x_0 = 0: E[x_T] = theta (1 - e^{-kT}),
// Var[x_T] = s^2 (1 - e^{-2kT}) / (2k) (Glasserman 2004, sec. 3.3.1).
TEST(McFactors, LogOrnsteinUhlenbeckMoments) {
    StochasticSpec spec;
    spec.merchant_price.enabled = true;
    spec.merchant_price.model = MerchantPriceFactor::Model::OrnsteinUhlenbeck;
    spec.merchant_price.speed = 0.8;
    spec.merchant_price.long_run_level = 1.2;
    spec.merchant_price.volatility = 0.3;
    const double t = 3.0;
    const auto run = run_last(spec, uniform_grid(36, 1.0 / 12.0), 20000,
                              [](const PathWorkspace& f) { return std::log(f.price_multiplier.back()); });
    const Moments m = moments(run, 0);
    const double k = 0.8, theta = std::log(1.2), s = 0.3;
    EXPECT_NEAR(m.mean, theta * (1 - std::exp(-k * t)), 3 * m.se_mean);
    EXPECT_NEAR(m.var, s * s * (1 - std::exp(-2 * k * t)) / (2 * k), 3 * m.se_var);
}

// Vasicek (1977) zero-coupon bond: P(0,T) = A exp(-B r0), B = (1 - e^{-aT})/a,
// A = exp((b - s^2/(2a^2))(B - T) - s^2 B^2/(4a)); also QuantLib's Vasicek::discountBond.
TEST(McFactors, VasicekZeroCouponBondMatchesAnalyticFormula) {
    struct Row { double r0, a, b, sigma, years; };
    const Row rows[] = {{0.03, 0.5, 0.05, 0.02, 5.0}, {0.05, 0.2, 0.03, 0.015, 10.0}};
    for (const auto& r : rows) {
        StochasticSpec spec;
        spec.interest_rate.enabled = true;
        spec.interest_rate.model = InterestRateFactor::Model::Vasicek;
        spec.interest_rate.initial_rate = r.r0;
        spec.interest_rate.speed = r.a;
        spec.interest_rate.long_run_rate = r.b;
        spec.interest_rate.volatility = r.sigma;
        const auto steps = static_cast<std::size_t>(r.years * 12);
        const auto run = run_last(spec, uniform_grid(steps, 1.0 / 12.0), 20000,
                                  [](const PathWorkspace& f) { return f.path_discount.back(); });
        const Moments m = moments(run, 0);
        const double bb = (1 - std::exp(-r.a * r.years)) / r.a;
        const double aa = std::exp((r.b - r.sigma * r.sigma / (2 * r.a * r.a)) * (bb - r.years) -
                                   r.sigma * r.sigma * bb * bb / (4 * r.a));
        const double analytic = aa * std::exp(-bb * r.r0);
        const QuantLib::Vasicek ql(r.r0, r.a, r.b, r.sigma);
        EXPECT_NEAR(ql.discountBond(0.0, r.years, r.r0), analytic, 1e-12);
        EXPECT_NEAR(m.mean, analytic, 3 * m.se_mean + 2e-5) << "r0=" << r.r0 << " a=" << r.a;
    }
}

// Hull-White fitted to a flat 4% continuous curve: E[exp(-int r)] = P(0,T) = e^{-0.04 T}
// (Hull and White 1990; Brigo and Mercurio 2006, sec. 3.3). With zero volatility the path
// discount factors are the curve's, exactly.
TEST(McFactors, HullWhitePathDiscountReproducesTheCurve) {
    const QuantLib::Date today(2, QuantLib::January, 2025);
    const auto curve = QuantLib::ext::make_shared<QuantLib::FlatForward>(
        today, 0.04, QuantLib::Actual365Fixed(), QuantLib::Continuous);
    StochasticSpec spec;
    spec.interest_rate.enabled = true;
    spec.interest_rate.model = InterestRateFactor::Model::HullWhite;
    spec.interest_rate.speed = 0.1;
    spec.interest_rate.volatility = 0.01;
    const auto run = run_last(spec, uniform_grid(120, 1.0 / 12.0), 20000,
                              [](const PathWorkspace& f) { return f.path_discount.back(); }, 7, curve);
    const Moments m = moments(run, 0);
    EXPECT_NEAR(m.mean, std::exp(-0.4), 3 * m.se_mean + 2e-5);

    spec.interest_rate.volatility = 0.0;
    McOptions opt;
    const FactorModel flat(spec, uniform_grid(120, 1.0 / 12.0), opt.sampling(), curve);
    auto ws = flat.make_workspace();
    flat.generate(3, ws);
    for (std::size_t i = 0; i < 120; ++i) {
        ASSERT_EQ(ws.discount_ratio[i], 1.0);
        ASSERT_EQ(ws.index_shift[i], 0.0);
    }
}

TEST(McFactors, CorrelationOutagesAndP90) {
    StochasticSpec spec;
    spec.merchant_price.enabled = true;
    spec.merchant_price.volatility = 0.2;
    spec.volume.enabled = true;
    spec.volume.p90_over_p50 = 0.9;
    spec.availability.enabled = true;
    spec.availability.probability = 0.05;
    spec.availability.loss_fraction = 0.3;
    spec.correlation_factors = {"merchant_price", "volume"};
    spec.correlation = {{1.0, 0.6}, {0.6, 1.0}};
    McOptions opt;
    opt.paths = 20000;
    opt.threads = 2;
    const FactorModel model(spec, uniform_grid(12, 1.0 / 12.0), opt.sampling());
    const double sd1 = 0.2 * std::sqrt(1.0 / 12.0);
    const LambdaEvaluator eval(4, [&](std::uint64_t, const PathWorkspace& f, std::span<double> out) {
        out[0] = (std::log(f.price_multiplier[0]) + 0.5 * sd1 * sd1) / sd1;  // first increment
        out[1] = std::log(f.volume_multiplier[0]);
        out[2] = f.availability_loss[5] > 0.0 ? 1.0 : 0.0;
        out[3] = f.volume_multiplier[7] < 0.9 ? 1.0 : 0.0;
    });
    const auto run = run_paths(model, eval, opt);
    double sxy = 0, sxx = 0, syy = 0, outages = 0, below = 0;
    for (std::uint64_t p = 0; p < run.paths; ++p) {
        sxy += run.at(p, 0) * run.at(p, 1);
        sxx += run.at(p, 0) * run.at(p, 0);
        syy += run.at(p, 1) * run.at(p, 1);
        outages += run.at(p, 2);
        below += run.at(p, 3);
    }
    const double n = static_cast<double>(run.paths);
    // Sample correlation has SE ~ (1 - rho^2)/sqrt(n); Bernoulli frequencies sqrt(p(1-p)/n).
    EXPECT_NEAR(sxy / std::sqrt(sxx * syy), 0.6, 3 * (1 - 0.36) / std::sqrt(n));
    EXPECT_NEAR(outages / n, 0.05, 3 * std::sqrt(0.05 * 0.95 / n));
    EXPECT_NEAR(below / n, 0.10, 3 * std::sqrt(0.1 * 0.9 / n));  // P90: 10% of periods below it
}

// Bad stochastic inputs: every message names the field path and the violated constraint.
TEST(McFactors, BadInputsAreRejectedWithFieldPaths) {
    auto base = [] {
        StochasticSpec s;
        s.merchant_price.enabled = true;
        s.merchant_price.volatility = 0.2;
        s.volume.enabled = true;
        s.volume.volatility = 0.05;
        s.opex_inflation.enabled = true;
        s.opex_inflation.volatility = 0.01;
        s.correlation_factors = {"merchant_price", "volume", "opex_inflation"};
        s.correlation = {{1, 0.3, 0.2}, {0.3, 1, 0.1}, {0.2, 0.1, 1}};
        return s;
    };
    struct Row {
        std::function<void(StochasticSpec&)> edit;
        std::string message;
    };
    const Row rows[] = {
        {[](StochasticSpec& s) { s.correlation[0][2] = 0.5; },
         "stochastic.correlation[0][2]: matrix must be symmetric, got 0.5 but correlation[2][0] = 0.2"},
        {[](StochasticSpec& s) { s.correlation[1][1] = 0.9; },
         "stochastic.correlation[1][1]: diagonal entries must be 1, got 0.9"},
        {[](StochasticSpec& s) { s.correlation[0][1] = s.correlation[1][0] = 1.5; },
         "stochastic.correlation[0][1]: must be in [-1, 1], got 1.5"},
        {[](StochasticSpec& s) {
             s.correlation = {{1, 0.9, -0.9}, {0.9, 1, 0.9}, {-0.9, 0.9, 1}};
         },
         "stochastic.correlation: matrix must be positive semi-definite, most negative eigenvalue "
         "-0.8"},
        {[](StochasticSpec& s) { s.correlation.pop_back(); },
         "stochastic.correlation: must be a 3x3 matrix (one row per correlation_factors entry), got 2 rows"},
        {[](StochasticSpec& s) { s.correlation[2].pop_back(); },
         "stochastic.correlation[2]: must have 3 entries, got 2"},
        {[](StochasticSpec& s) { s.correlation_factors[1] = "wind"; },
         "stochastic.correlation_factors[1]: unknown factor 'wind' (expected merchant_price, volume, "
         "availability, opex_inflation or interest_rate)"},
        {[](StochasticSpec& s) { s.volume.enabled = false; },
         "stochastic.correlation_factors[1]: factor 'volume' is correlated but not enabled"},
        {[](StochasticSpec& s) { s.merchant_price.volatility = -0.1; },
         "stochastic.merchant_price.volatility: must be >= 0, got -0.1"},
        {[](StochasticSpec& s) {
             s.merchant_price.model = MerchantPriceFactor::Model::OrnsteinUhlenbeck;
             s.merchant_price.speed = 0.0;
         },
         "stochastic.merchant_price.speed: must be > 0, got 0"},
        {[](StochasticSpec& s) { s.volume.p90_over_p50 = 1.2; s.volume.volatility = 0; },
         "stochastic.volume.p90_over_p50: must be in [0, 1], got 1.2"},
        {[](StochasticSpec& s) { s.volume.p90_over_p50 = 0.9; },
         "stochastic.volume: give either volatility or p90_over_p50, not both"},
        {[](StochasticSpec& s) { s.opex_inflation.volatility = std::nan(""); },
         "stochastic.opex_inflation.volatility: must be a finite number, got nan"},
        {[](StochasticSpec& s) {
             s.availability.enabled = true;
             s.availability.probability = 1.5;
         },
         "stochastic.availability.probability: must be in [0, 1], got 1.5"},
        {[](StochasticSpec& s) {
             s.interest_rate.enabled = true;
             s.interest_rate.speed = -1;
         },
         "stochastic.interest_rate.speed: must be > 0, got -1"},
        {[](StochasticSpec& s) {
             s.construction.enabled = true;
             s.construction.median_overrun = -1.0;
         },
         "stochastic.construction.median_overrun: must be > -1, got -1"},
    };
    EXPECT_NO_THROW(base().validate());
    for (const auto& row : rows) {
        auto s = base();
        row.edit(s);
        EXPECT_THROW_MSG(s.validate(), pftoken::InputError, row.message);
    }
}
