// Liquidity distribution over ticks: bands from a pool or from ranges, and grid samplers.
#include "pftoken/amm/analytics/liquidity_distribution.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/error.hpp"
#include "pftoken/amm/fast/tick_math.hpp"

namespace pftoken::amm::analytics {
namespace {

// Running sum of net liquidity over sorted (tick, delta) events; a band per stretch with L > 0.
std::vector<LiquidityBand> bandsFromEvents(std::vector<std::pair<int, double>>& events) {
    std::sort(events.begin(), events.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<LiquidityBand> bands;
    double running = 0.0;
    std::size_t i = 0;
    while (i < events.size()) {
        const int tick = events[i].first;
        while (i < events.size() && events[i].first == tick) running += events[i++].second;
        if (i < events.size() && running > 0.0) {
            // Merge with the previous band when the liquidity is unchanged (no real boundary).
            if (!bands.empty() && bands.back().tickUpper == tick &&
                bands.back().liquidity == running) {
                bands.back().tickUpper = events[i].first;
            } else {
                bands.push_back({tick, events[i].first, running});
            }
        }
    }
    return bands;
}

}  // namespace

std::vector<LiquidityBand> liquidityBands(const fast::ConcentratedLiquidityPool& pool) {
    std::vector<std::pair<int, double>> events;
    for (const fast::TickInfo& t : pool.initializedTicks())
        events.emplace_back(t.tick, t.liquidityNet);
    return bandsFromEvents(events);
}

std::vector<LiquidityBand> liquidityBands(std::span<const LiquidityRange> ranges) {
    std::vector<std::pair<int, double>> events;
    events.reserve(2 * ranges.size());
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        const LiquidityRange& r = ranges[i];
        PFT_AMM_FAST_REQUIRE(r.tickLower < r.tickUpper, "ranges[" << i << "].tickLower: must be < "
                                                                  << "tickUpper " << r.tickUpper
                                                                  << ", got " << r.tickLower);
        PFT_AMM_FAST_REQUIRE(r.liquidity >= 0.0,
                             "ranges[" << i << "].liquidity: must be >= 0, got " << r.liquidity);
        events.emplace_back(r.tickLower, r.liquidity);
        events.emplace_back(r.tickUpper, -r.liquidity);
    }
    return bandsFromEvents(events);
}

double liquidityAtTick(std::span<const LiquidityBand> bands, int tick) noexcept {
    // First band whose upper end is above the tick.
    const auto it = std::upper_bound(bands.begin(), bands.end(), tick,
                                     [](int t, const LiquidityBand& b) { return t < b.tickUpper; });
    return (it != bands.end() && it->tickLower <= tick) ? it->liquidity : 0.0;
}

void sampleLiquidityOnTicks(std::span<const LiquidityBand> bands, int firstTick, int tickStep,
                            std::span<double> out) {
    PFT_AMM_FAST_REQUIRE(tickStep > 0,
                         "sampleLiquidityOnTicks.tickStep: must be > 0, got " << tickStep);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const long long t = firstTick + static_cast<long long>(i) * tickStep;
        out[i] = (t < fast::kMinTick || t > fast::kMaxTick)
                     ? 0.0
                     : liquidityAtTick(bands, static_cast<int>(t));
    }
}

void sampleLiquidityOnPrices(std::span<const LiquidityBand> bands, std::span<const double> prices,
                             std::span<double> out) {
    PFT_AMM_FAST_REQUIRE(out.size() == prices.size(), "sampleLiquidityOnPrices.out: must have "
                                                          << prices.size() << " elements, got "
                                                          << out.size());
    for (std::size_t i = 0; i < prices.size(); ++i) {
        PFT_AMM_FAST_REQUIRE(prices[i] > 0.0, "sampleLiquidityOnPrices.prices["
                                                  << i << "]: must be > 0, got " << prices[i]);
        out[i] = liquidityAtTick(bands, fast::tickAtSqrtPrice(std::sqrt(prices[i])));
    }
}

}  // namespace pftoken::amm::analytics
