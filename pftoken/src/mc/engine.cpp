// Path engine: chunked thread pool writing path-indexed scalars; statistics in path order.
#include "pftoken/mc/engine.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>

#include "pftoken/base/quantile.hpp"
#include "pftoken/base/thread_pool.hpp"
#include "pftoken/error.hpp"

namespace pftoken::mc {

void McOptions::validate() const {
    if (paths < 1) throw InputError("mc.paths", "must be >= 1, got " + std::to_string(paths));
    if (threads < 0) throw InputError("mc.threads", "must be >= 0, got " + std::to_string(threads));
    if (chunk_paths < 1)
        throw InputError("mc.chunk_paths", "must be >= 1, got " + std::to_string(chunk_paths));
    if (sobol_replications < 1)
        throw InputError("mc.sobol_replications",
                         "must be >= 1, got " + std::to_string(sobol_replications));
    if (antithetic && paths < 2)
        throw InputError("mc.paths", "antithetic sampling needs at least 2 paths, got " +
                                         std::to_string(paths));
}

SamplingOptions McOptions::sampling() const {
    SamplingOptions s;
    s.method = method;
    s.seed = seed;
    s.antithetic = antithetic;
    s.sobol_replications = sobol_replications;
    s.paths = paths;
    return s;
}

int McOptions::resolved_threads() const noexcept {
    return static_cast<int>(base::resolve_threads(static_cast<unsigned>(std::max(threads, 0))));
}

PathRun run_paths(const FactorModel& model, const PathEvaluator& evaluator,
                  const McOptions& options) {
    options.validate();
    const auto start = std::chrono::steady_clock::now();
    PathRun run;
    run.paths = model.usable_paths(options.paths);
    run.scalars_per_path = evaluator.scalar_count();
    run.scalars.assign(run.paths * run.scalars_per_path, 0.0);
    const std::uint64_t chunk = options.chunk_paths;
    const int threads = static_cast<int>(
        base::worker_count(base::chunk_count(run.paths, chunk), static_cast<unsigned>(options.resolved_threads())));
    run.threads = threads;

    std::vector<std::unique_ptr<EvaluatorState>> states;
    std::vector<PathWorkspace> workspaces;
    for (int t = 0; t < threads; ++t) {
        states.push_back(evaluator.make_state());
        workspaces.push_back(model.make_workspace());
    }
    std::atomic<std::uint64_t> done_paths{0};
    base::ParallelOptions parallel;
    parallel.threads = static_cast<unsigned>(threads);
    if (options.progress) {
        // The calling thread reports progress; every worker runs on a thread of its own.
        parallel.poll = [&] { options.progress(done_paths.load(), run.paths); };
    }
    // Each path writes its own row of scalars; the per-worker states only hold integer tallies
    // (merged below), so the result does not depend on which worker ran which chunk.
    base::parallel_for(run.paths, chunk, parallel, [&](std::size_t first, std::size_t last, unsigned w) {
        PathWorkspace& ws = workspaces[w];
        EvaluatorState& state = *states[w];
        for (std::uint64_t p = first; p < last; ++p) {
            model.generate(p, ws);
            evaluator.evaluate(p, ws, state,
                               std::span<double>(run.scalars.data() + p * run.scalars_per_path, run.scalars_per_path));
        }
        done_paths.fetch_add(last - first, std::memory_order_relaxed);
    });
    for (int t = 1; t < threads; ++t) evaluator.merge(*states[0], *states[static_cast<std::size_t>(t)]);
    run.state = std::move(states[0]);
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return run;
}

namespace {

// Welford over a sequence, in order.
struct Welford {
    std::uint64_t n = 0;
    double mean = 0.0, m2 = 0.0;
    void add(double x) noexcept {
        ++n;
        const double d = x - mean;
        mean += d / static_cast<double>(n);
        m2 += d * (x - mean);
    }
    [[nodiscard]] double variance() const noexcept {
        return n > 1 ? m2 / static_cast<double>(n - 1) : 0.0;
    }
};

Estimate make_estimate(double mean, double se) {
    return Estimate{mean, se, mean - 1.959963984540054 * se, mean + 1.959963984540054 * se};
}

}  // namespace

Estimate estimate(const PathRun& run, std::size_t j, const FactorModel& model) {
    const auto& s = model.sampling();
    const std::uint64_t n = run.paths;
    if (n == 0) return {};
    if (s.method == RandomMethod::Sobol && model.gaussian_dimension() > 0) {
        const auto reps = static_cast<std::size_t>(s.sobol_replications);
        std::vector<Welford> per_rep(reps);
        Welford all;
        for (std::uint64_t p = 0; p < n; ++p) {
            const double x = run.at(p, j);
            per_rep[static_cast<std::size_t>(model.replication_of(p))].add(x);
            all.add(x);
        }
        Welford of_means;
        for (const auto& w : per_rep) of_means.add(w.mean);
        const double se = reps > 1 ? std::sqrt(of_means.variance() / static_cast<double>(reps)) : 0.0;
        return make_estimate(all.mean, se);
    }
    Welford w;
    if (s.antithetic) {
        for (std::uint64_t p = 0; p + 1 < n; p += 2) w.add(0.5 * (run.at(p, j) + run.at(p + 1, j)));
    } else {
        for (std::uint64_t p = 0; p < n; ++p) w.add(run.at(p, j));
    }
    return make_estimate(w.mean, std::sqrt(w.variance() / static_cast<double>(w.n)));
}

Distribution distribution(const PathRun& run, std::size_t j, const FactorModel& model,
                          std::vector<double>& scratch) {
    Distribution d;
    scratch.clear();
    scratch.reserve(run.paths);
    bool all_finite = true;
    Welford w;
    for (std::uint64_t p = 0; p < run.paths; ++p) {
        const double x = run.at(p, j);
        if (std::isfinite(x)) {
            scratch.push_back(x);
            w.add(x);
        } else {
            all_finite = false;
        }
    }
    d.count = scratch.size();
    if (scratch.empty()) {
        const double nan = std::nan("");
        d.estimate = make_estimate(nan, nan);
        d.stdev = nan;
        d.percentiles.assign(std::size(kPercentileLevels), nan);
        d.var95 = d.var99 = d.cvar95 = d.cvar99 = nan;
        return d;
    }
    d.estimate = all_finite ? estimate(run, j, model)
                            : make_estimate(w.mean, std::sqrt(w.variance() / static_cast<double>(w.n)));
    d.stdev = std::sqrt(w.variance());
    std::sort(scratch.begin(), scratch.end());
    for (double level : kPercentileLevels) d.percentiles.push_back(base::quantile_sorted(scratch, level));
    auto tail_mean = [&](double level) {
        const auto k = std::max<std::size_t>(
            1, static_cast<std::size_t>(std::ceil(level * static_cast<double>(scratch.size()))));
        double sum = 0.0;
        for (std::size_t i = 0; i < k; ++i) sum += scratch[i];
        return sum / static_cast<double>(k);
    };
    const double mean = w.mean;
    d.var95 = mean - base::quantile_sorted(scratch, 0.05);
    d.var99 = mean - base::quantile_sorted(scratch, 0.01);
    d.cvar95 = mean - tail_mean(0.05);
    d.cvar99 = mean - tail_mean(0.01);
    return d;
}

}  // namespace pftoken::mc
