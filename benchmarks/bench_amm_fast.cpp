// Speed of the fast floating-point pools (swaps with and without tick crossings) and of the LP
// analytics. Target (issue 3): >= 20 million swaps/s on one core for the floating twins.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <vector>

#include "pftoken/amm/analytics/impermanent_loss.hpp"
#include "pftoken/amm/analytics/liquidity_distribution.hpp"
#include "pftoken/amm/analytics/lvr.hpp"
#include "pftoken/amm/analytics/market_depth.hpp"
#include "pftoken/amm/analytics/position.hpp"
#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/constant_product_pool.hpp"

namespace an = pftoken::amm::analytics;
namespace fast = pftoken::amm::fast;

namespace {

// Alternating buy and sell of similar size keeps the price (and the branch pattern) stationary.
void BM_FastV2SwapExactIn(benchmark::State& state) {
    fast::ConstantProductPool pool(fast::ConstantProductOptions{1e24, 2e27, 0.003});
    bool zero_for_one = true;
    for (auto _ : state) {
        const auto r = pool.swap_exact_in(zero_for_one, zero_for_one ? 1e18 : 2e21);
        benchmark::DoNotOptimize(r);
        zero_for_one = !zero_for_one;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FastV2SwapExactIn);

void BM_FastV2SwapToPrice(benchmark::State& state) {
    fast::ConstantProductPool pool(fast::ConstantProductOptions{1e24, 2e27, 0.003});
    const std::array<double, 2> targets{2000.0 * 1.001, 2000.0 * 0.999};
    std::size_t i = 0;
    for (auto _ : state) {
        const auto r = pool.swap_to_price(targets[i ^= 1]);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FastV2SwapToPrice);

// `unit`: the tokens' smallest unit (1, the default: whole units, the thin-liquidity bound
// computed on every swap; 0: real numbers, no bound to compute).
fast::ConcentratedLiquidityPool wide_v3_pool(double unit = 1.0) {
    fast::ConcentratedLiquidityOptions options;
    options.sqrt_price = std::sqrt(2000.0);
    options.token0_unit = unit;
    options.token1_unit = unit;
    fast::ConcentratedLiquidityPool pool(options);
    pool.mint("lp", 60000, 92100, 1e22);  // 1.0001^[60000, 92100] = [403, 9997]
    return pool;
}

void swap_exact_in_no_tick_crossed(benchmark::State& state, double unit) {
    auto pool = wide_v3_pool(unit);
    bool zero_for_one = true;
    for (auto _ : state) {
        const auto r = pool.swap_exact_in(zero_for_one, zero_for_one ? 1e18 : 2e21);
        benchmark::DoNotOptimize(r);
        zero_for_one = !zero_for_one;
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_FastV3SwapNoTickCrossed(benchmark::State& state) {
    swap_exact_in_no_tick_crossed(state, 1.0);
}
BENCHMARK(BM_FastV3SwapNoTickCrossed);

void BM_FastV3SwapNoTickCrossedRealNumbers(benchmark::State& state) {
    swap_exact_in_no_tick_crossed(state, 0.0);
}
BENCHMARK(BM_FastV3SwapNoTickCrossedRealNumbers);

void BM_FastV3SwapExactOutNoTickCrossed(benchmark::State& state) {
    auto pool = wide_v3_pool();
    bool zero_for_one = true;
    for (auto _ : state) {
        const auto r = pool.swap_exact_out(zero_for_one, zero_for_one ? 2e21 : 1e18);
        benchmark::DoNotOptimize(r);
        zero_for_one = !zero_for_one;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FastV3SwapExactOutNoTickCrossed);

// A ladder of positions, one initialized tick every spacing; each swap crosses range(0) ticks.
void BM_FastV3SwapCrossingTicks(benchmark::State& state) {
    const int crossings = static_cast<int>(state.range(0));
    fast::ConcentratedLiquidityOptions options;
    options.tick_spacing = 10;
    options.fee_pips = 500;
    options.sqrt_price = fast::sqrt_price_at_tick(5);
    fast::ConcentratedLiquidityPool pool(options);
    for (int t = -2000; t < 2000; t += 10) pool.mint("lp", t, t + 10, 1e20);
    // Targets half a spacing past the crossed ticks, both directions.
    const double down = fast::sqrt_price_at_tick(5 - 10 * crossings);
    const double up = fast::sqrt_price_at_tick(5);
    bool go_down = true;
    std::int64_t crossed = 0;
    for (auto _ : state) {
        const auto r = pool.swap_to_sqrt_price(go_down ? down : up);
        crossed += r.ticks_crossed;
        benchmark::DoNotOptimize(r);
        go_down = !go_down;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["ticks_crossed_per_swap"] =
        benchmark::Counter(static_cast<double>(crossed) / static_cast<double>(state.iterations()));
    state.counters["ns_per_tick"] = benchmark::Counter(
        static_cast<double>(crossed), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_FastV3SwapCrossingTicks)->Arg(1)->Arg(10)->Arg(100);

void BM_AnalyticsPositionAmounts(benchmark::State& state) {
    double price = 1900.0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(an::position_amounts(1e18, price, 1500.0, 2500.0));
        price = price < 2100.0 ? price + 0.1 : 1900.0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnalyticsPositionAmounts);

void BM_AnalyticsImpermanentLossV3(benchmark::State& state) {
    double price = 1900.0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(an::impermanent_loss_v3(2000.0, price, 1500.0, 2500.0));
        price = price < 2100.0 ? price + 0.1 : 1900.0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnalyticsImpermanentLossV3);

void BM_AnalyticsArbitrageProfitRate(benchmark::State& state) {
    double sigma = 0.04;
    for (auto _ : state) {
        const double lvr = an::lvr_concentrated(sigma, 1e18, 2000.0, 1500.0, 2500.0);
        benchmark::DoNotOptimize(an::arbitrage_profit_rate(lvr, sigma, 7200.0, 0.003));
        sigma = sigma < 0.2 ? sigma + 1e-4 : 0.04;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnalyticsArbitrageProfitRate);

void BM_AnalyticsDepthConcentrated(benchmark::State& state) {
    std::vector<an::LiquidityRange> ranges;
    for (int t = -6000; t < 6000; t += 60)
        ranges.push_back({t, t + 600, 1e18 * (1 + ((t / 60) % 5 + 5) % 5)});
    const auto bands = an::liquidity_bands(ranges);
    for (auto _ : state) benchmark::DoNotOptimize(an::depth_concentrated(bands, 1.0, 3000.0, 0.02));
    state.SetItemsProcessed(state.iterations());
    state.counters["bands"] = static_cast<double>(bands.size());
}
BENCHMARK(BM_AnalyticsDepthConcentrated);

void BM_AnalyticsSampleLiquidityGrid(benchmark::State& state) {
    std::vector<an::LiquidityRange> ranges;
    for (int t = -6000; t < 6000; t += 60) ranges.push_back({t, t + 600, 1e18});
    const auto bands = an::liquidity_bands(ranges);
    std::vector<double> grid(1000);
    for (auto _ : state) {
        an::sample_liquidity_on_ticks(bands, -7000, 14, grid);
        benchmark::DoNotOptimize(grid.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(grid.size()));
}
BENCHMARK(BM_AnalyticsSampleLiquidityGrid);

}  // namespace
