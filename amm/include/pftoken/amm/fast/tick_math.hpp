#pragma once
// Ticks and sqrt prices in double precision: price = 1.0001^tick, as in the Uniswap v3 whitepaper.

#include <cmath>

namespace pftoken::amm::fast {

/// Tick range of Uniswap v3 (TickMath.MIN_TICK / MAX_TICK).
inline constexpr int kMinTick = -887272;
inline constexpr int kMaxTick = 887272;

/// TickMath.MIN_SQRT_RATIO / MAX_SQRT_RATIO divided by 2^96: sqrt prices at kMinTick / kMaxTick.
inline constexpr double kMinSqrtPrice = 4295128739.0 / 79228162514264337593543950336.0;
inline constexpr double kMaxSqrtPrice =
    1461446703485210103287273052203988822378723970342.0 / 79228162514264337593543950336.0;

/// sqrt(1.0001^tick) (whitepaper eq. 6.1: p(i) = 1.0001^i). Relative error ~1e-15.
[[nodiscard]] inline double sqrt_price_at_tick(int tick) noexcept {
    return std::pow(1.0001, 0.5 * static_cast<double>(tick));
}

/// The largest tick whose sqrt price is <= sqrt_price (TickMath.getTickAtSqrtRatio), clamped to
/// [kMinTick, kMaxTick].
[[nodiscard]] inline int tick_at_sqrt_price(double sqrt_price) noexcept {
    if (!(sqrt_price > kMinSqrtPrice)) return kMinTick;
    if (sqrt_price >= kMaxSqrtPrice) return kMaxTick;
    const double estimate = std::floor(2.0 * std::log(sqrt_price) / std::log(1.0001));
    int tick = static_cast<int>(estimate);
    // The logarithm can be off by one ulp next to a tick boundary: settle against the exact power.
    while (tick < kMaxTick && sqrt_price_at_tick(tick + 1) <= sqrt_price) ++tick;
    while (tick > kMinTick && sqrt_price_at_tick(tick) > sqrt_price) --tick;
    return tick;
}

}  // namespace pftoken::amm::fast
