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
std::vector<LiquidityBand> bands_from_events(std::vector<std::pair<int, double>>& events) {
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
            if (!bands.empty() && bands.back().tick_upper == tick &&
                bands.back().liquidity == running) {
                bands.back().tick_upper = events[i].first;
            } else {
                bands.push_back({tick, events[i].first, running});
            }
        }
    }
    return bands;
}

}  // namespace

std::vector<LiquidityBand> liquidity_bands(const fast::ConcentratedLiquidityPool& pool) {
    std::vector<std::pair<int, double>> events;
    for (const fast::TickInfo& t : pool.initialized_ticks())
        events.emplace_back(t.tick, t.liquidity_net);
    return bands_from_events(events);
}

std::vector<LiquidityBand> liquidity_bands(std::span<const LiquidityRange> ranges) {
    std::vector<std::pair<int, double>> events;
    events.reserve(2 * ranges.size());
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        const LiquidityRange& r = ranges[i];
        PFT_AMM_FAST_REQUIRE(r.tick_lower < r.tick_upper, "ranges[" << i
                                                                    << "].tick_lower: must be < "
                                                                    << "tick_upper " << r.tick_upper
                                                                    << ", got " << r.tick_lower);
        PFT_AMM_FAST_REQUIRE(r.liquidity >= 0.0,
                             "ranges[" << i << "].liquidity: must be >= 0, got " << r.liquidity);
        events.emplace_back(r.tick_lower, r.liquidity);
        events.emplace_back(r.tick_upper, -r.liquidity);
    }
    return bands_from_events(events);
}

double liquidity_at_tick(std::span<const LiquidityBand> bands, int tick) noexcept {
    // First band whose upper end is above the tick.
    const auto it =
        std::upper_bound(bands.begin(), bands.end(), tick,
                         [](int t, const LiquidityBand& b) { return t < b.tick_upper; });
    return (it != bands.end() && it->tick_lower <= tick) ? it->liquidity : 0.0;
}

void sample_liquidity_on_ticks(std::span<const LiquidityBand> bands, int first_tick, int tick_step,
                               std::span<double> out) {
    PFT_AMM_FAST_REQUIRE(tick_step > 0,
                         "sample_liquidity_on_ticks.tick_step: must be > 0, got " << tick_step);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const long long t = first_tick + static_cast<long long>(i) * tick_step;
        out[i] = (t < fast::kMinTick || t > fast::kMaxTick)
                     ? 0.0
                     : liquidity_at_tick(bands, static_cast<int>(t));
    }
}

void sample_liquidity_on_prices(std::span<const LiquidityBand> bands,
                                std::span<const double> prices, std::span<double> out) {
    PFT_AMM_FAST_REQUIRE(out.size() == prices.size(), "sample_liquidity_on_prices.out: must have "
                                                          << prices.size() << " elements, got "
                                                          << out.size());
    for (std::size_t i = 0; i < prices.size(); ++i) {
        PFT_AMM_FAST_REQUIRE(prices[i] > 0.0, "sample_liquidity_on_prices.prices["
                                                  << i << "]: must be > 0, got " << prices[i]);
        out[i] = liquidity_at_tick(bands, fast::tick_at_sqrt_price(std::sqrt(prices[i])));
    }
}

}  // namespace pftoken::amm::analytics
