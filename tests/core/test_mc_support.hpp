#pragma once
// Test helpers for the Monte Carlo suites: an evaluator from a lambda, simple grids, the GBM
// log-moment check of the valuation-date suites.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "pftoken/mc/engine.hpp"
#include "pftoken/mc/project_mc.hpp"

namespace pftoken::mc::testing {

/// Evaluator computing `count` scalars per path with `fn(path, factors, out)`.
class LambdaEvaluator : public PathEvaluator {
  public:
    using Fn = std::function<void(std::uint64_t, const PathWorkspace&, std::span<double>)>;
    LambdaEvaluator(std::size_t count, Fn fn) : count_(count), fn_(std::move(fn)) {}
    [[nodiscard]] std::size_t scalar_count() const override { return count_; }
    [[nodiscard]] std::unique_ptr<EvaluatorState> make_state() const override {
        return std::make_unique<EvaluatorState>();
    }
    void evaluate(std::uint64_t path, const PathWorkspace& f, EvaluatorState&,
                  std::span<double> out) const override {
        fn_(path, f, out);
    }

  private:
    std::size_t count_;
    Fn fn_;
};

/// `n` equal periods of `dt` years, all operating.
inline FactorGrid uniform_grid(std::size_t n, double dt, int periods_per_year = 12) {
    FactorGrid g;
    for (std::size_t i = 0; i < n; ++i) g.period_end_time.push_back(dt * static_cast<double>(i + 1));
    g.operating.assign(n, 1);
    g.periods_per_year = periods_per_year;
    return g;
}

/// The factors of the valuation-date tests: a GBM merchant price (volatility 30%, zero drift), a
/// lognormal-delay construction factor (median 6 months, sigma 0.5) and, when
/// `volume_volatility` > 0, a volume factor.
inline StochasticSpec gbm_with_delay_spec(double volume_volatility = 0.0) {
    StochasticSpec spec;
    spec.merchant_price.enabled = true;
    spec.merchant_price.model = MerchantPriceFactor::Model::Gbm;
    spec.merchant_price.volatility = 0.3;
    if (volume_volatility > 0.0) {
        spec.volume.enabled = true;
        spec.volume.volatility = volume_volatility;
    }
    spec.construction.enabled = true;
    spec.construction.delay_median_months = 6.0;
    spec.construction.delay_sigma = 0.5;
    return spec;
}

/// Paths [0, count) of `project` (seed 11, one thread), as run_project_mc draws them.
inline std::vector<PathDump> dump_paths(const Project& project, const StochasticSpec& spec, std::uint64_t count) {
    ProjectMcOptions mo;
    mo.mc.seed = 11;
    mo.mc.threads = 1;
    return dump_project_paths(project, spec, mo, count);
}

/// Expects log price_multiplier[t] over `dumps` to have the moments of a zero-drift GBM log with
/// variance `v`: variance v and mean -v / 2, within 5 standard errors (v sqrt(2 / N) for a sample
/// variance, sqrt(v / N) for the mean).
inline void expect_gbm_log_moments(const std::vector<PathDump>& dumps, std::size_t t, double v) {
    double sum = 0.0, sum2 = 0.0;
    for (const auto& d : dumps) {
        const double x = std::log(d.price_multiplier[t]);
        sum += x;
        sum2 += x * x;
    }
    const double n = static_cast<double>(dumps.size());
    const double mean = sum / n;
    const double var = (sum2 - n * mean * mean) / (n - 1.0);
    EXPECT_NEAR(var, v, 5.0 * v * std::sqrt(2.0 / n)) << "period " << t;
    EXPECT_NEAR(mean, -0.5 * v, 5.0 * std::sqrt(v / n)) << "period " << t;
}

}  // namespace pftoken::mc::testing
