// Prediction-market exchange: one 200-order batch on a 10-outcome market with every feature on
// (cross-matching, auto-fill, fees, gas), for both cost models; and the replay of 1,000,000
// simulated orders (orders/s). Results: benchmarks/README.md.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "pftoken/amm/pm/session.hpp"

namespace pm = pftoken::amm::pm;

namespace {

pm::Session ten_outcome_session(const std::string& model, std::int64_t duration_ms) {
    std::string users;
    for (int u = 0; u < 50; ++u) users += (u ? ", u" : "u") + std::to_string(u);
    const std::string yaml = "outcomes: [o0, o1, o2, o3, o4, o5, o6, o7, o8, o9]\n"
                             "market: {model: " + model + ", subsidy: 1000, fee: 0.01, fee_match: 0.002, gas_fee: 0.01,"
                             " zeta: {start: 0.0, end: 0.05}, kappa: {start: 1.0, end: 2.0}}\n"
                             "features: {cross_matching: true, auto_fill: true, sigma: 0.5, af_max_pools: 16}\n"
                             "timing: {batch_interval_ms: 1000, duration_ms: " + std::to_string(duration_ms) + "}\n"
                             "resolutions: [{at_ms: " + std::to_string(duration_ms / 2) +
                             ", freeze_ms: 0, eliminate: [o9]}]\n"
                             "final_winner: o3\n"
                             "users: {starting_balance: 1000000, names: [" + users + "]}\n";
    return pm::parse_session(yaml, "bench.yaml");
}

// Batches of 200 orders, 1 s apart, from the seeded informed + noise flow; each iteration runs the
// next batch on the running exchange (its book keeps the resting orders of earlier batches).
void run_batches(benchmark::State& state, const std::string& model) {
    const std::int64_t batches = 500;
    const pm::Session s = ten_outcome_session(model, batches * 1000);
    const auto orders = pm::simulate_orders(s, {static_cast<std::size_t>(batches) * 200, 7, 0.2});
    std::unique_ptr<pm::Exchange> ex;
    std::int64_t batch = 0;
    std::size_t next = 0;
    pm::BatchOutput out;
    out.fills.reserve(4096);
    out.events.reserve(1024);
    for (auto _ : state) {
        if (!ex || next >= orders.size()) {
            state.PauseTiming();
            ex = std::make_unique<pm::Exchange>(s.params, s.balances);
            batch = 0;
            next = 0;
            state.ResumeTiming();
        }
        ++batch;
        const std::size_t first = next;
        while (next < orders.size() && orders[next].ts_ms <= batch * 1000) ++next;
        out.clear();
        ex->apply_orders(std::span<const pm::Order>(orders.data() + first, next - first), batch * 1000, out);
        benchmark::DoNotOptimize(out.volume);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 200);
}

void BM_Batch200_TenOutcomes_Lmsr(benchmark::State& state) { run_batches(state, "lmsr"); }
void BM_Batch200_TenOutcomes_Parametric(benchmark::State& state) { run_batches(state, "parametric"); }
BENCHMARK(BM_Batch200_TenOutcomes_Lmsr)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Batch200_TenOutcomes_Parametric)->Unit(benchmark::kMicrosecond);

// A whole session of 1,000,000 orders (5,000 batches of 200 on average, one elimination, the final
// resolution), fills not kept, invariants not checked: orders/s.
void BM_Replay1M(benchmark::State& state, const std::string& model) {
    const pm::Session s = ten_outcome_session(model, 5000 * 1000);
    const auto orders = pm::simulate_orders(s, {1'000'000, 11, 0.2});
    for (auto _ : state) {
        const auto r = pm::replay(s, orders, false, false);
        benchmark::DoNotOptimize(r.final_hash);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 1'000'000);
}
BENCHMARK_CAPTURE(BM_Replay1M, lmsr, std::string("lmsr"))->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_Replay1M, parametric, std::string("parametric"))->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
