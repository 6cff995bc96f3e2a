// Path engine: bitwise determinism across thread counts, 1/sqrt(N) error, Sobol vs pseudo,
// distribution statistics.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "pftoken/error.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "support/gtest_extra.hpp"
#include "test_mc_support.hpp"

using namespace pftoken::mc;
using pftoken::mc::testing::LambdaEvaluator;
using pftoken::mc::testing::uniform_grid;

namespace {

StochasticSpec four_factors() {
    StochasticSpec s;
    s.merchant_price.enabled = true;
    s.merchant_price.volatility = 0.25;
    s.volume.enabled = true;
    s.volume.volatility = 0.08;
    s.availability.enabled = true;
    s.availability.probability = 0.02;
    s.availability.loss_fraction = 0.5;
    s.opex_inflation.enabled = true;
    s.opex_inflation.volatility = 0.02;
    s.correlation_factors = {"merchant_price", "volume", "opex_inflation"};
    s.correlation = {{1, -0.3, 0.2}, {-0.3, 1, 0}, {0.2, 0, 1}};
    return s;
}

// A smooth path functional: average over the periods of price x volume x (1 - loss) / opex.
const LambdaEvaluator kAverageRevenue(2, [](std::uint64_t, const PathWorkspace& f, std::span<double> out) {
    double sum = 0.0;
    for (std::size_t i = 0; i < f.price_multiplier.size(); ++i)
        sum += f.price_multiplier[i] * f.volume_multiplier[i] * (1 - f.availability_loss[i]) /
               f.opex_multiplier[i];
    out[0] = sum / static_cast<double>(f.price_multiplier.size());
    out[1] = f.price_multiplier.back();
});

PathRun run(const StochasticSpec& spec, McOptions opt, std::size_t steps = 24) {
    const FactorModel model(spec, uniform_grid(steps, 1.0 / 12.0), opt.sampling());
    return run_paths(model, kAverageRevenue, opt);
}

}  // namespace

TEST(McEngine, BitIdenticalAcrossThreadCounts) {
    for (auto method : {RandomMethod::Pseudo, RandomMethod::Sobol}) {
        for (bool antithetic : {false, true}) {
            McOptions opt;
            opt.paths = 1000;
            opt.seed = 99;
            opt.method = method;
            opt.antithetic = antithetic;
            opt.chunk_paths = 16;
            opt.threads = 1;
            const auto one = run(four_factors(), opt);
            for (int threads : {2, 4}) {
                opt.threads = threads;
                const auto many = run(four_factors(), opt);
                ASSERT_EQ(one.scalars.size(), many.scalars.size());
                EXPECT_EQ(0, std::memcmp(one.scalars.data(), many.scalars.data(),
                                         one.scalars.size() * sizeof(double)))
                    << "threads=" << threads << " sobol=" << (method == RandomMethod::Sobol)
                    << " antithetic=" << antithetic;
            }
        }
    }
}

// For i.i.d. paths the standard error is sd/sqrt(N): quadrupling N halves it (the ratio of two
// sample standard deviations is 1 within a few percent at these sizes).
TEST(McEngine, PseudoStandardErrorFallsAsOneOverSqrtN) {
    McOptions opt;
    opt.threads = 2;
    double previous = 0.0;
    for (std::uint64_t n : {2000u, 8000u, 32000u}) {
        opt.paths = n;
        const auto r = run(four_factors(), opt);
        const FactorModel model(four_factors(), uniform_grid(24, 1.0 / 12.0), opt.sampling());
        const double se = estimate(r, 1, model).standard_error;
        if (previous > 0.0) {
            EXPECT_NEAR(se / previous, 0.5, 0.05) << "N=" << n;
        }
        previous = se;
    }
}

// On a smooth payoff with known mean (E[M_T] = 1 for a driftless GBM multiplier), scrambled
// Sobol with a Brownian bridge beats pseudo-random at equal N, both in the reported standard
// error and in the realised error (root mean square over independent seeds).
TEST(McEngine, SobolErrorIsSmallerThanPseudoAtEqualN) {
    StochasticSpec spec;
    spec.merchant_price.enabled = true;
    spec.merchant_price.volatility = 0.3;
    double sq_pseudo = 0.0, sq_sobol = 0.0, se_pseudo = 0.0, se_sobol = 0.0;
    const int seeds = 6;
    for (int seed = 1; seed <= seeds; ++seed) {
        for (auto method : {RandomMethod::Pseudo, RandomMethod::Sobol}) {
            McOptions opt;
            opt.paths = 4096;
            opt.seed = static_cast<std::uint64_t>(seed);
            opt.method = method;
            opt.threads = 2;
            const FactorModel model(spec, uniform_grid(24, 1.0 / 12.0), opt.sampling());
            const LambdaEvaluator eval(1, [](std::uint64_t, const PathWorkspace& f, std::span<double> out) {
                double s = 0.0;
                for (double m : f.price_multiplier) s += m;
                out[0] = s / static_cast<double>(f.price_multiplier.size());
            });
            const auto r = run_paths(model, eval, opt);
            const auto e = estimate(r, 0, model);
            const double err = e.mean - 1.0;  // E[average of M_t] = 1 exactly
            if (method == RandomMethod::Pseudo) {
                sq_pseudo += err * err;
                se_pseudo += e.standard_error;
            } else {
                sq_sobol += err * err;
                se_sobol += e.standard_error;
            }
        }
    }
    EXPECT_LT(se_sobol, 0.25 * se_pseudo);
    EXPECT_LT(std::sqrt(sq_sobol / seeds), 0.5 * std::sqrt(sq_pseudo / seeds));
}

// Percentiles / VaR / CVaR of a lognormal: M_T = exp(-s^2 T/2 + s sqrt(T) Z) has quantile
// q(p) = exp(-s^2 T/2 + s sqrt(T) Phi^{-1}(p)) and E[M | M <= q(p)] = Phi(Phi^{-1}(p) - s sqrt T)/p.
TEST(McEngine, DistributionStatisticsOfALognormal) {
    StochasticSpec spec;
    spec.merchant_price.enabled = true;
    spec.merchant_price.volatility = 0.2;
    McOptions opt;
    opt.paths = 40000;
    opt.threads = 2;
    const FactorModel model(spec, uniform_grid(12, 1.0 / 12.0), opt.sampling());
    std::vector<double> scratch;
    const LambdaEvaluator last(1, [](std::uint64_t, const PathWorkspace& f, std::span<double> out) {
        out[0] = f.price_multiplier.back();
    });
    const auto rl = run_paths(model, last, opt);
    const auto d = distribution(rl, 0, model, scratch);
    const double s = 0.2;
    auto q = [&](double p) { return std::exp(-0.5 * s * s + s * inverse_normal_cdf(p)); };
    const double levels[] = {0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99};
    for (std::size_t i = 0; i < 9; ++i) EXPECT_NEAR(d.percentiles[i], q(levels[i]), 0.01) << levels[i];
    EXPECT_NEAR(d.estimate.mean, 1.0, 3 * d.estimate.standard_error);
    EXPECT_NEAR(d.var95, 1.0 - q(0.05), 0.01);
    EXPECT_NEAR(d.cvar95, 1.0 - normal_cdf(inverse_normal_cdf(0.05) - s) / 0.05, 0.01);
    EXPECT_NEAR(d.cvar99, 1.0 - normal_cdf(inverse_normal_cdf(0.01) - s) / 0.01, 0.015);
    EXPECT_EQ(d.count, 40000u);
}

TEST(McEngine, OptionsAreValidated) {
    McOptions opt;
    opt.paths = 0;
    EXPECT_THROW_MSG(opt.validate(), pftoken::InputError, "mc.paths: must be >= 1, got 0");
    opt.paths = 10;
    opt.method = RandomMethod::Sobol;
    opt.sobol_replications = 16;
    EXPECT_THROW_MSG(FactorModel(four_factors(), uniform_grid(3, 0.25), opt.sampling()),
                     pftoken::Error,
                     "mc.paths: Sobol with 16 replications needs at least 16 paths, got 10");
}

// A discrete construction-delay distribution (e.g. market-implied, `pftoken pm implied
// --delay-months`): the delay is drawn from Phi(z) through the cumulative probabilities, so over
// 40,000 pseudo-random paths each value appears with its probability (binomial standard error
// sqrt(p (1 - p) / n) <= 0.0025: tolerance 0.01 is 4 standard errors). The YAML reads it and
// refuses probabilities that do not sum to 1.
TEST(McEngine, DiscreteConstructionDelayDistribution) {
    StochasticSpec spec;
    spec.construction.enabled = true;
    spec.construction.delay_months_values = {0.0, 6.0, 12.0};
    spec.construction.delay_probabilities = {0.2, 0.5, 0.3};
    McOptions opt;
    opt.paths = 40000;
    const FactorModel model(spec, uniform_grid(12, 1.0 / 12.0), opt.sampling());
    auto ws = model.make_workspace();
    std::array<double, 3> seen{};
    for (std::uint64_t p = 0; p < opt.paths; ++p) {
        model.generate(p, ws);
        const std::size_t k = ws.delay_months == 0.0 ? 0 : ws.delay_months == 6.0 ? 1 : 2;
        ASSERT_EQ(ws.delay_months, spec.construction.delay_months_values[k]);
        EXPECT_EQ(ws.delay_periods, static_cast<int>(ws.delay_months));  // 12 periods a year
        seen[k] += 1.0 / static_cast<double>(opt.paths);
    }
    for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(seen[k], spec.construction.delay_probabilities[k], 0.01);

    const auto parsed = pftoken::mc::parse_stochastic(
        "stochastic:\n  construction:\n    delay_distribution: {months: [0, 3, 6], probabilities: [0.5, 0.25, 0.25]}\n",
        "m.yaml");
    EXPECT_EQ(parsed.construction.delay_months_values, (std::vector<double>{0.0, 3.0, 6.0}));
    EXPECT_THROW_MSG((void)pftoken::mc::parse_stochastic(
                         "stochastic:\n  construction:\n    delay_distribution: {months: [0, 3], probabilities: [0.5, 0.4]}\n",
                         "m.yaml"),
                     pftoken::InputError, "probabilities: must sum to 1 (within 1e-6), got 0.9");
}
