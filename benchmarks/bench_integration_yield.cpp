// Yield backtester speed (issue 18): one year hourly (8,760 steps) of each strategy and of all
// four together (goal < 10 ms), steps/s; a sweep of 1,000 parameter variants on 1 and 2 threads
// through base/thread_pool (goal < 10 s on 2 cores). Market: the seeded synthetic generator.
#include <benchmark/benchmark.h>

#include <vector>

#include "pftoken/integration/yield/engine.hpp"

namespace y = pftoken::integration::yield;

namespace {

const y::MarketData& year() {
    static const y::MarketData market = [] {
        y::GeneratorOptions g;
        g.seed = 42;
        g.hours = 8'761;  // 8,760 hourly steps after hour 0
        g.venues = {"binance"};
        return y::generate_market_data(g);
    }();
    return market;
}

y::StrategyOptions strategy(int k) {
    y::StrategyOptions o;
    switch (k) {
        case 0:
            o.kind = y::StrategyKind::PureLending;
            break;
        case 1:
            o.kind = y::StrategyKind::BtcBasis;
            break;
        case 2:
            o.kind = y::StrategyKind::EthLeveragedStaking;
            o.share_class = y::ShareClass::Eth;
            o.initial_capital = 300.0;
            break;
        default:
            o.kind = y::StrategyKind::UsdtMarketNeutral;
            break;
    }
    return o;
}

void BM_YieldYear(benchmark::State& state) {
    const auto& market = year();
    const auto o = strategy(static_cast<int>(state.range(0)));
    state.SetLabel(std::string(y::strategy_name(o.kind)));
    for (auto _ : state) {
        auto r = y::run_backtest(market, o);
        benchmark::DoNotOptimize(r.summary.final_equity);
    }
    state.counters["steps_per_s"] =
        benchmark::Counter(8'760.0, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_YieldYear)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

/// The four strategies one after the other: the "one year for all four strategies".
void BM_YieldYearAllFour(benchmark::State& state) {
    const auto& market = year();
    for (auto _ : state)
        for (int k = 0; k < 4; ++k) {
            auto r = y::run_backtest(market, strategy(k));
            benchmark::DoNotOptimize(r.summary.final_equity);
        }
    state.counters["steps_per_s"] =
        benchmark::Counter(4 * 8'760.0, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_YieldYearAllFour)->Unit(benchmark::kMillisecond);

/// The same with the Aave reserve indexes accrued once for the four (they depend on the market
/// only): what run_sweep does.
void BM_YieldYearAllFourSharedIndexes(benchmark::State& state) {
    const auto& market = year();
    for (auto _ : state) {
        const auto indexes = y::accrue_reserve_indexes(market, pftoken::amm::aave::Version::V3_4);
        for (int k = 0; k < 4; ++k) {
            auto r = y::run_backtest(market, strategy(k), indexes);
            benchmark::DoNotOptimize(r.summary.final_equity);
        }
    }
    state.counters["steps_per_s"] =
        benchmark::Counter(4 * 8'760.0, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_YieldYearAllFourSharedIndexes)->Unit(benchmark::kMillisecond);

/// The index accrual alone (three reserves, one with a compounded borrow index).
void BM_YieldAccrueIndexes(benchmark::State& state) {
    const auto& market = year();
    for (auto _ : state) {
        auto idx = y::accrue_reserve_indexes(market, pftoken::amm::aave::Version::V3_4);
        benchmark::DoNotOptimize(idx.at.data());
    }
}
BENCHMARK(BM_YieldAccrueIndexes)->Unit(benchmark::kMillisecond);

/// 1,000 variants (250 per strategy: LTV, margin fraction, fees and loop method varied).
void BM_YieldSweep1000(benchmark::State& state) {
    const auto& market = year();
    std::vector<y::StrategyOptions> variants;
    for (int i = 0; i < 1'000; ++i) {
        auto o = strategy(i % 4);
        o.target_ltv = 0.5 + 0.3 * (i % 25) / 25.0;
        o.margin_fraction = 0.15 + 0.2 * (i % 10) / 10.0;
        o.costs.trade_fee_bps = 1.0 + (i % 7);
        o.loop = i % 8 < 4 ? y::LoopMethod::FlashLoan : y::LoopMethod::Sequential;
        variants.push_back(o);
    }
    const auto threads = static_cast<unsigned>(state.range(0));
    for (auto _ : state) {
        auto s = y::run_sweep(market, variants, threads);
        benchmark::DoNotOptimize(s.data());
    }
    state.counters["steps_per_s"] =
        benchmark::Counter(1'000 * 8'760.0, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_YieldSweep1000)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Repetitions(3);

}  // namespace
