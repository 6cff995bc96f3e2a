#pragma once
// Monte Carlo path engine: a thread pool over paths that stays bit-identical on any thread count.
//
// Paths are cut into fixed-size chunks that threads take in any order. Every per-path scalar
// (PVs, losses, flags) is written to its own slot of a path-indexed array, and everything
// statistical is computed afterwards from that array in path order; per-period tallies are
// integer counts (order-independent sums). So the same seed gives the same bits for 1, 2 or N
// threads. Per-period arrays of all paths are never kept.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "pftoken/mc/factors.hpp"

namespace pftoken::mc {

struct McOptions {
    std::uint64_t paths = 10000;
    std::uint64_t seed = 42;
    int threads = 0;                       ///< 0 = std::thread::hardware_concurrency()
    RandomMethod method = RandomMethod::Pseudo;
    bool antithetic = false;
    int sobol_replications = 16;           ///< random digital shifts (Sobol error estimate)
    std::uint64_t chunk_paths = 128;       ///< paths per work unit
    /// Called from the calling thread about every 0.1 s with (paths done, total).
    std::function<void(std::uint64_t, std::uint64_t)> progress;
    /// Throws InputError (`mc.<field>: ...`) on the first violated constraint.
    void validate() const;
    [[nodiscard]] SamplingOptions sampling() const;
    [[nodiscard]] int resolved_threads() const noexcept;
};

/// Per-thread mutable state of an evaluator (kernel buffers, integer tallies).
class EvaluatorState {
  public:
    virtual ~EvaluatorState() = default;
};

/// What each path computes from its factor path. `evaluate` must not allocate and must write
/// exactly scalar_count() values; `merge` must be order-independent (integer sums), because
/// states are merged in thread order, which is not deterministic across thread counts.
class PathEvaluator {
  public:
    virtual ~PathEvaluator() = default;
    [[nodiscard]] virtual std::size_t scalar_count() const = 0;
    [[nodiscard]] virtual std::unique_ptr<EvaluatorState> make_state() const = 0;
    virtual void evaluate(std::uint64_t path, const PathWorkspace& factors, EvaluatorState& state,
                          std::span<double> scalars) const = 0;
    virtual void merge(EvaluatorState& /*into*/, const EvaluatorState& /*from*/) const {}
};

struct PathRun {
    std::uint64_t paths = 0;               ///< paths used (see FactorModel::usable_paths)
    std::size_t scalars_per_path = 0;
    std::vector<double> scalars;           ///< [path * scalars_per_path + j]
    std::unique_ptr<EvaluatorState> state; ///< merged per-thread states
    int threads = 1;
    double seconds = 0.0;
    [[nodiscard]] double at(std::uint64_t path, std::size_t j) const noexcept {
        return scalars[path * scalars_per_path + j];
    }
};

/// Runs every path through `evaluator` on `options.threads` threads.
[[nodiscard]] PathRun run_paths(const FactorModel& model, const PathEvaluator& evaluator,
                                const McOptions& options);

/// Estimate of a mean with its error, in the Options/Summary style.
struct Estimate {
    double mean = 0.0;
    double standard_error = 0.0;
    double ci_low = 0.0;                   ///< 95% normal interval
    double ci_high = 0.0;
};

/// Distribution summary of one per-path scalar.
struct Distribution {
    Estimate estimate;
    double stdev = 0.0;                    ///< of the path values
    std::vector<double> percentiles;       ///< at kPercentileLevels
    double var95 = 0.0, var99 = 0.0;       ///< value at risk of the value: mean - quantile (>= 0 typ.)
    double cvar95 = 0.0, cvar99 = 0.0;     ///< mean - base::tail_mean_sorted (expected shortfall, 5% / 1% tail)
    std::uint64_t count = 0;               ///< finite values used
};

inline constexpr double kPercentileLevels[] = {0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99};

/// Mean and standard error of scalar `j` over the run, respecting the sampling scheme: i.i.d.
/// paths; antithetic pairs (pair means); Sobol (spread of the replication means). Path order.
[[nodiscard]] Estimate estimate(const PathRun& run, std::size_t j, const FactorModel& model);
/// Estimate plus percentiles (type 7, linear interpolation), VaR and CVaR of scalar `j`.
/// Non-finite values (e.g. an undefined IRR) are skipped; `count` says how many were used.
/// `scratch` is resized to the number of paths (the only allocation).
[[nodiscard]] Distribution distribution(const PathRun& run, std::size_t j, const FactorModel& model,
                                        std::vector<double>& scratch);

}  // namespace pftoken::mc
