// Speed of the Aave v3 integer math: rayMul/rayDiv, both compounding forms, one reserve
// update_state (index growth + treasury accrual), and an hourly year of updates (8,760 steps),
// the unit of the yield backtester (issue 18: four strategies for a year under 10 ms).
#include <array>
#include <random>

#include <benchmark/benchmark.h>

#include "pftoken/amm/aave/math_utils.hpp"
#include "pftoken/amm/aave/reserve.hpp"
#include "pftoken/amm/aave/wad_ray_math.hpp"

namespace {

using pftoken::amm::U256;
namespace aave = pftoken::amm::aave;

constexpr std::size_t kInputs = 1024;

std::array<U256, kInputs> random_indexes(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::array<U256, kInputs> out{};
    for (auto& x : out) x = aave::RAY + (U256{rng(), rng() >> 20, 0, 0});  // index in [1, ~1.07)
    return out;
}

void BM_RayMul(benchmark::State& state) {
    const auto a = random_indexes(1), b = random_indexes(2);
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(aave::ray_mul(a[i % kInputs], b[(i * 7) % kInputs]));
        ++i;
    }
}
BENCHMARK(BM_RayMul);

void BM_RayDiv(benchmark::State& state) {
    const auto a = random_indexes(3), b = random_indexes(4);
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(aave::ray_div(a[i % kInputs], b[(i * 7) % kInputs]));
        ++i;
    }
}
BENCHMARK(BM_RayDiv);

void BM_CompoundedInterest(benchmark::State& state) {
    const auto version = static_cast<aave::Version>(state.range(0));
    const U256 rate = aave::RAY / U256{20u};
    std::uint64_t dt = 3600;
    for (auto _ : state) {
        benchmark::DoNotOptimize(aave::calculate_compounded_interest(rate, 0, dt, version));
        dt = dt == 3600 ? 3601 : 3600;
    }
    state.SetLabel(std::string(aave::version_name(version)));
}
BENCHMARK(BM_CompoundedInterest)->Arg(0)->Arg(1);

aave::ReserveState usdc_like() {
    aave::ReserveState s;
    s.current_liquidity_rate = aave::ray_from_bps(360);
    s.current_variable_borrow_rate = aave::ray_from_bps(500);
    s.scaled_variable_debt = U256{std::uint64_t{800'000'000'000'000}};  // 800M USDC
    s.reserve_factor_bps = 1'000;
    s.last_update_timestamp = 1'700'000'000;
    return s;
}

// One hourly year of reserve updates: 8,760 update_state calls per iteration.
void BM_ReserveYearHourly(benchmark::State& state) {
    const auto version = static_cast<aave::Version>(state.range(0));
    for (auto _ : state) {
        aave::ReserveState s = usdc_like();
        for (std::uint64_t h = 1; h <= 8'760; ++h) {
            const auto r = aave::update_state(s, 1'700'000'000 + h * 3600, version);
            benchmark::DoNotOptimize(r);
        }
        benchmark::DoNotOptimize(s.liquidity_index);
    }
    state.SetItemsProcessed(state.iterations() * 8'760);
    state.SetLabel(std::string(aave::version_name(version)));
}
BENCHMARK(BM_ReserveYearHourly)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

}  // namespace
