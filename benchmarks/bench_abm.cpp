// Agent-based token economy speed (issue 15): one run of 100,000 agents x 60 monthly steps in a
// v3 pool, every agent deciding every step and every order executed one by one (goal < 0.5 s on
// one core), the same with 1,000,000 agents (goal < 5 s) and 1,000 runs of 10,000 agents on 2
// threads (goal < 15 s). Counters: agent-steps per second and the share of time in pool swaps.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>

#include "pftoken/integration/abm/engine.hpp"
#include "pftoken/integration/abm/monte_carlo.hpp"

namespace abm = pftoken::integration::abm;

namespace {

/// `agents` holders in four cohorts with active traits (take-profit, stop-loss, cliff selling,
/// staking, horizons), 200 buyers a month, the solar senior token's v3 pool, 60 months.
abm::Spec spec(int agents) {
    abm::Spec s;
    s.name = "bench";
    s.decimals = 6;
    s.total_supply_units = 52'000'000'000;  // 52,000 tokens: the liquidity cohort funds the pool
    s.months = 60;
    abm::Traits t;
    t.take_profit = {abm::Distribution::Kind::LogNormal, std::log(0.3), 0.5};
    t.stop_loss = {abm::Distribution::Kind::Beta, 2.0, 5.0};
    t.sell_fraction = {abm::Distribution::Kind::Beta, 2.0, 3.0};
    t.cliff_sell = {abm::Distribution::Kind::Beta, 1.0, 3.0};
    t.staking = {abm::Distribution::Kind::Beta, 1.0, 3.0};
    t.staking_hurdle = {abm::Distribution::Kind::Gamma, 2.0, 0.04};
    t.horizon = {abm::Distribution::Kind::Gamma, 3.0, 8.0};
    t.memory = {abm::Distribution::Kind::Gamma, 2.0, 1.5};
    const double shares[] = {0.15, 0.15, 0.2, 0.2};
    const int cliffs[] = {12, 6, 0, 3};
    for (int c = 0; c < 4; ++c) {
        abm::Cohort h;
        h.name = "holders" + std::to_string(c);
        h.share = shares[c];
        h.agents = agents / 4;
        h.vesting.tge = c == 2 ? 0.25 : 0.0;
        h.vesting.cliff_months = cliffs[c];
        h.vesting.months = 24;
        h.traits = t;
        s.cohorts.push_back(h);
    }
    abm::Cohort treasury;
    treasury.name = "treasury";
    treasury.role = abm::Role::Treasury;
    treasury.share = 0.1;
    treasury.vesting.months = 48;
    abm::Cohort liquidity;
    liquidity.name = "liquidity";
    liquidity.role = abm::Role::Liquidity;
    liquidity.share = 0.2;
    liquidity.vesting.tge = 1.0;
    s.cohorts.push_back(treasury);
    s.cohorts.push_back(liquidity);
    s.demand.arrivals_per_month = 200.0;
    s.demand.budget = {abm::Distribution::Kind::LogNormal, std::log(2'000.0), 1.0};
    s.demand.traits = t;
    s.price.model = abm::PriceModel::Pool;
    s.price.pool_file = "solar_senior_v3.yaml";
    s.price.pool = pftoken::integration::load_pool(std::string(PFTOKEN_SOURCE_DIR) + "/data/pools/solar_senior_v3.yaml");
    return s;
}

void BM_AbmRun(benchmark::State& state) {
    const int agents = static_cast<int>(state.range(0));
    const abm::Model model = abm::build_model(spec(agents));
    abm::RunOptions options;
    options.time_pool = state.range(1) != 0;
    double pool_seconds = 0.0, agent_steps = 0.0;
    std::uint64_t run = 0;
    for (auto _ : state) {
        const auto r = abm::run_one(model, 42, run++, options);
        pool_seconds += r.pool_seconds;
        agent_steps += static_cast<double>(r.agent_steps);
        benchmark::DoNotOptimize(r.series.data());
    }
    state.counters["agent_steps_per_s"] = benchmark::Counter(agent_steps, benchmark::Counter::kIsRate);
    if (options.time_pool)
        state.counters["pool_seconds_per_run"] = pool_seconds / static_cast<double>(state.iterations());
    state.SetLabel(options.time_pool ? "pool swaps timed" : "untimed");
}
BENCHMARK(BM_AbmRun)->Args({10'000, 0})->Args({100'000, 0})->Args({100'000, 1})->Args({1'000'000, 0})->Unit(benchmark::kMillisecond)->UseRealTime();

/// The same run with skewed cap tables (lognormal allocation weights, sigma 1, in every holder
/// cohort): each agent vests floor(a_i C(t) / A) instead of reading one of two schedules.
void BM_AbmRunWeighted(benchmark::State& state) {
    abm::Spec s = spec(static_cast<int>(state.range(0)));
    for (auto& c : s.cohorts)
        if (c.role == abm::Role::Holders) c.allocation_weights = {abm::Distribution::Kind::LogNormal, 0.0, 1.0};
    const abm::Model model = abm::build_model(s);
    double agent_steps = 0.0;
    std::uint64_t run = 0;
    for (auto _ : state) {
        const auto r = abm::run_one(model, 42, run++);
        agent_steps += static_cast<double>(r.agent_steps);
        benchmark::DoNotOptimize(r.series.data());
    }
    state.counters["agent_steps_per_s"] = benchmark::Counter(agent_steps, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AbmRunWeighted)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_AbmMonteCarlo(benchmark::State& state) {
    const abm::Model model = abm::build_model(spec(10'000));
    abm::McOptions options;
    options.runs = static_cast<std::size_t>(state.range(0));
    options.threads = static_cast<unsigned>(state.range(1));
    for (auto _ : state) {
        const auto r = abm::run_abm(model, options);
        benchmark::DoNotOptimize(r.bands[abm::kPrice].p50.data());
    }
    state.counters["runs_per_s"] = benchmark::Counter(static_cast<double>(options.runs), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_AbmMonteCarlo)->Args({1'000, 2})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
