// Speed of the exact Uniswap models: TickMath, mulDiv (ours vs Boost.Multiprecision), v2 swap,
// v3 swap without and with tick crossings. Targets (issue 3): getSqrtRatioAtTick <= 20 ns,
// v2 swap >= 10 M/s, v3 swap crossing no tick >= 2 M/s, <= 300 ns per crossed tick.
#include <random>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/multiprecision/cpp_int.hpp>

#include "pftoken/amm/exact/full_math.hpp"
#include "pftoken/amm/exact/v2/pair.hpp"
#include "pftoken/amm/exact/v3/pool.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"

namespace {

using pftoken::amm::I256;
using pftoken::amm::U256;
using pftoken::amm::u128;
namespace v2 = pftoken::amm::v2;
namespace v3 = pftoken::amm::v3;

constexpr std::size_t kInputs = 1024;  // cycled so the branch predictor cannot learn one input

std::vector<std::int32_t> random_ticks() {
    std::mt19937_64 rng(1);
    std::vector<std::int32_t> t(kInputs);
    for (auto& x : t) x = static_cast<std::int32_t>(rng() % 1774545) - 887272;
    return t;
}

void BM_GetSqrtRatioAtTick(benchmark::State& state) {
    const auto ticks = random_ticks();
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(v3::get_sqrt_ratio_at_tick(ticks[i++ % kInputs]));
    }
}
BENCHMARK(BM_GetSqrtRatioAtTick);

void BM_GetTickAtSqrtRatio(benchmark::State& state) {
    std::vector<U256> prices;
    for (const std::int32_t t : random_ticks()) prices.push_back(v3::get_sqrt_ratio_at_tick(t).value + U256{7u});
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(v3::get_tick_at_sqrt_ratio(prices[i++ % kInputs]));
    }
}
BENCHMARK(BM_GetTickAtSqrtRatio);

// Operands shaped like the swap step's: (L << 96) * (sqrt price delta) / sqrt price.
struct MulDivInput {
    U256 a, b, d;
};
std::vector<MulDivInput> muldiv_inputs() {
    std::mt19937_64 rng(2);
    std::vector<MulDivInput> v(kInputs);
    for (auto& x : v) {
        x.a = U256{static_cast<u128>(rng()) * rng()} << 96;  // ~224 bits
        x.b = U256{rng(), rng(), rng() >> 32, 0u};          // ~160 bits
        x.d = U256{rng(), rng(), rng() >> 32, 0u};
    }
    return v;
}

void BM_MulDiv(benchmark::State& state) {
    const auto in = muldiv_inputs();
    std::size_t i = 0;
    for (auto _ : state) {
        const MulDivInput& x = in[i++ % kInputs];
        benchmark::DoNotOptimize(pftoken::amm::mul_div(x.a, x.b, x.d));
    }
}
BENCHMARK(BM_MulDiv);

// The alternative the issue allowed: Boost.Multiprecision fixed-width ints, 512-bit intermediate.
void BM_MulDivBoostMultiprecision(benchmark::State& state) {
    using boost::multiprecision::uint256_t;
    using boost::multiprecision::uint512_t;
    const auto to_boost = [](const U256& v) {
        uint256_t r = 0;
        for (int k = 3; k >= 0; --k) r = (r << 64) | uint256_t(v.limb[static_cast<std::size_t>(k)]);
        return r;
    };
    std::vector<std::array<uint256_t, 3>> in;
    for (const auto& x : muldiv_inputs()) in.push_back({to_boost(x.a), to_boost(x.b), to_boost(x.d)});
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& x = in[i++ % kInputs];
        benchmark::DoNotOptimize(uint256_t(uint512_t(x[0]) * x[1] / x[2]));
    }
}
BENCHMARK(BM_MulDivBoostMultiprecision);

void BM_V2SwapExactIn(benchmark::State& state) {
    v2::Pair pair;
    (void)pair.mint(U256::from_decimal("1000000000000000000000").value(), U256::from_decimal("2000000000000000000000").value());
    const U256 amount{1000000000000000000ull};
    bool zero_for_one = true;
    for (auto _ : state) {
        // Alternate directions so the reserves stay put.
        benchmark::DoNotOptimize(pair.swap_exact_in(zero_for_one, amount));
        zero_for_one = !zero_for_one;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_V2SwapExactIn);

v3::Pool full_range_pool() {
    v3::Pool pool(v3::PoolConfig{3000, 60});
    (void)pool.initialize(U256{1u} << 96);
    (void)pool.mint(1, -887220, 887220, u128{1000000000000000000u} * 1000u);
    return pool;
}

void BM_V3SwapNoTickCrossed(benchmark::State& state) {
    v3::Pool pool = full_range_pool();
    const I256 amount{1000000000000000000};
    const U256 low = v3::kMinSqrtRatio + U256{1u}, high = v3::kMaxSqrtRatio - U256{1u};
    bool zero_for_one = true;
    std::uint64_t crossed = 0;
    for (auto _ : state) {
        const auto r = pool.swap(zero_for_one, amount, zero_for_one ? low : high);
        crossed += r.value.ticks_crossed;
        benchmark::DoNotOptimize(r);
        zero_for_one = !zero_for_one;
    }
    if (crossed != 0) state.SkipWithError("a tick was crossed");
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_V3SwapNoTickCrossed);

// 200 nested positions [-60k, 60k], k = 1..200: an initialized tick every 60 ticks. Each
// iteration swaps to a price limit N ticks away and the next one swaps back.
void BM_V3SwapCrossingTicks(benchmark::State& state) {
    const auto n = static_cast<std::int32_t>(state.range(0));
    v3::Pool pool(v3::PoolConfig{3000, 60});
    (void)pool.initialize(U256{1u} << 96);
    for (std::int32_t k = 1; k <= 200; ++k) (void)pool.mint(1, -60 * k, 60 * k, u128{1000000000000000000u});
    const U256 down = v3::get_sqrt_ratio_at_tick(-60 * n - 30).value;
    const U256 up = v3::get_sqrt_ratio_at_tick(30).value;
    const I256 everything = I256::max();
    bool zero_for_one = true;
    std::uint64_t crossed = 0;
    for (auto _ : state) {
        const auto r = pool.swap(zero_for_one, everything, zero_for_one ? down : up);
        crossed += r.value.ticks_crossed;
        benchmark::DoNotOptimize(r);
        zero_for_one = !zero_for_one;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["ticks_per_swap"] = static_cast<double>(crossed) / static_cast<double>(state.iterations());
    // Time per crossed tick (includes the swap's fixed cost, amortised over the N ticks).
    state.counters["time_per_tick"] =
        benchmark::Counter(static_cast<double>(crossed), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_V3SwapCrossingTicks)->Arg(1)->Arg(10)->Arg(100);

}  // namespace
