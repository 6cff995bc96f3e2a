// Range optimiser speed: 10,000 GBM paths x 365 daily steps, every range on a 200-tick grid
// (19,900 ranges), split into path simulation, histogramming and the range sweep.
// Target (issue 5): the whole run under 2 s on the 2-core machine.
#include <benchmark/benchmark.h>

#include "pftoken/integration/range_opt.hpp"

namespace pi = pftoken::integration;

namespace {

pi::GbmScenario issue_scenario() {
    pi::GbmScenario g;
    g.initial_price = 2.0;
    g.drift = 0.0;
    g.volatility = 0.6;
    g.horizon_years = 1.0;
    g.steps = 365;
    g.paths = 10000;
    g.seed = 42;
    return g;
}

pi::RangeOptOptions issue_options(std::size_t threads) {
    pi::RangeOptOptions o;
    o.fee_tier = 3000;
    o.pool_liquidity = 1.0e6;
    o.daily_volume = 5.0e5;
    o.capital = 1.0e4;
    o.rebalance_on_exit = true;
    o.gas_cost_per_rebalance = 5.0;
    o.swap_cost_fraction = 0.003;
    o.risk_aversion = 0.25;
    o.cvar_level = 0.95;
    o.lvr_volatility = 0.6;
    o.tick_count = 200;
    o.threads = threads;
    return o;
}

const pi::PricePaths& issue_paths() {
    static const pi::PricePaths paths = pi::simulate_gbm_paths(issue_scenario());
    return paths;
}

void BM_SimulateGbmPaths(benchmark::State& state) {
    const auto threads = static_cast<unsigned>(state.range(0));
    for (auto _ : state) {
        pi::PricePaths paths = pi::simulate_gbm_paths(issue_scenario(), threads);
        benchmark::DoNotOptimize(paths.prices.data());
    }
    state.counters["paths"] = 10000;
    state.counters["steps"] = 365;
}
BENCHMARK(BM_SimulateGbmPaths)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Histogramming + sweep on fixed paths; the counters split the two.
void BM_OptimiseRange(benchmark::State& state) {
    const pi::PricePaths& paths = issue_paths();
    const pi::RangeOptOptions options = issue_options(static_cast<std::size_t>(state.range(0)));
    double histogram = 0.0, sweep = 0.0;
    for (auto _ : state) {
        const pi::RangeOptResult r = pi::optimise_range(paths, options);
        benchmark::DoNotOptimize(r.best.objective);
        histogram += r.timing.histogram_seconds;
        sweep += r.timing.sweep_seconds;
    }
    const auto n = static_cast<double>(state.iterations());
    state.counters["histogram_s"] = histogram / n;
    state.counters["sweep_s"] = sweep / n;
    state.counters["ranges"] = 19900;
}
BENCHMARK(BM_OptimiseRange)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The issue's figure: simulate the paths and optimise, end to end.
void BM_RangeOptEndToEnd(benchmark::State& state) {
    const auto threads = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        const pi::PricePaths paths =
            pi::simulate_gbm_paths(issue_scenario(), static_cast<unsigned>(threads));
        const pi::RangeOptResult r = pi::optimise_range(paths, issue_options(threads));
        benchmark::DoNotOptimize(r.best.objective);
    }
}
BENCHMARK(BM_RangeOptEndToEnd)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
