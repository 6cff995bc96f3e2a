#pragma once
// Test helpers for the Monte Carlo suites: an evaluator from a lambda, simple grids.
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "pftoken/mc/engine.hpp"

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

}  // namespace pftoken::mc::testing
