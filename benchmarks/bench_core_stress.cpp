// Stress engine speed: the standard library (deterministic) and reverse stress on the solar
// example, after setup (compile + base case). Target (issue 5): library in under 50 ms.
#include <benchmark/benchmark.h>

#include "pftoken/model/loader.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/stress/reverse.hpp"
#include "pftoken/stress/scenario.hpp"

namespace {

const std::string kSource = PFTOKEN_SOURCE_DIR;

void BM_StressLibrarySolar(benchmark::State& state) {
    pftoken::stress::StressEngine engine(pftoken::load_project(kSource + "/data/examples/solar.yaml"));
    const auto scenarios = pftoken::stress::load_scenarios(kSource + "/data/stress/library.yaml");
    for (auto _ : state) {
        auto summary = engine.run_all(scenarios);
        benchmark::DoNotOptimize(summary);
    }
    state.counters["scenarios"] = static_cast<double>(scenarios.size());
}
BENCHMARK(BM_StressLibrarySolar)->Unit(benchmark::kMillisecond);

/// Setup included: load, compile, base case, then the library (what `pftoken stress` pays).
void BM_StressLibrarySolarWithSetup(benchmark::State& state) {
    const auto project = pftoken::load_project(kSource + "/data/examples/solar.yaml");
    const auto scenarios = pftoken::stress::load_scenarios(kSource + "/data/stress/library.yaml");
    for (auto _ : state) {
        pftoken::stress::StressEngine engine(project);
        auto summary = engine.run_all(scenarios);
        benchmark::DoNotOptimize(summary);
    }
}
BENCHMARK(BM_StressLibrarySolarWithSetup)->Unit(benchmark::kMillisecond);

void BM_ReverseStressSolar(benchmark::State& state) {
    pftoken::stress::StressEngine engine(pftoken::load_project(kSource + "/data/examples/solar.yaml"));
    int evaluations = 0;
    for (auto _ : state) {
        auto summary = pftoken::stress::reverse_stress(engine);
        evaluations = summary.evaluations;
        benchmark::DoNotOptimize(summary);
    }
    state.counters["kernel_runs"] = evaluations;
}
BENCHMARK(BM_ReverseStressSolar)->Unit(benchmark::kMillisecond);

}  // namespace
