#pragma once
// Ticks and sqrt prices in double precision: TickMath.getSqrtRatioAtTick converted once to a
// double (price = 1.0001^tick as the Uniswap v3 whitepaper has it, rounded as the chain rounds).

#include <cmath>

#include "pftoken/amm/exact/v3/tick_math.hpp"

namespace pftoken::amm::fast {

/// Tick range of Uniswap v3 (TickMath.MIN_TICK / MAX_TICK).
inline constexpr int kMinTick = -887272;
inline constexpr int kMaxTick = 887272;

/// TickMath.MIN_SQRT_RATIO / MAX_SQRT_RATIO divided by 2^96: sqrt prices at kMinTick / kMaxTick.
/// MAX_SQRT_RATIO - 1 (the highest price limit a swap may use) is the same double.
inline constexpr double kMinSqrtPrice = 4295128739.0 / 79228162514264337593543950336.0;
inline constexpr double kMaxSqrtPrice =
    1461446703485210103287273052203988822378723970342.0 / 79228162514264337593543950336.0;

/// TickMath.getSqrtRatioAtTick(tick) / 2^96 rounded to the nearest double: bit-identical to the
/// exact pool's tick prices (pow(1.0001, tick / 2) drifts ~5.5e-15 per 1,000 ticks). `tick` is
/// clamped to [kMinTick, kMaxTick].
[[nodiscard]] inline double sqrt_price_at_tick(int tick) noexcept {
    const int t = tick < kMinTick ? kMinTick : (tick > kMaxTick ? kMaxTick : tick);
    return std::ldexp(v3::get_sqrt_ratio_at_tick(t).value.to_double(), -96);
}

/// The largest tick whose sqrt price is <= sqrt_price (TickMath.getTickAtSqrtRatio), clamped to
/// [kMinTick, kMaxTick].
[[nodiscard]] inline int tick_at_sqrt_price(double sqrt_price) noexcept {
    if (!(sqrt_price > kMinSqrtPrice)) return kMinTick;
    if (sqrt_price >= kMaxSqrtPrice) return kMaxTick;
    const double estimate = std::floor(2.0 * std::log(sqrt_price) / std::log(1.0001));
    int tick = static_cast<int>(estimate);
    tick = tick < kMinTick ? kMinTick : (tick > kMaxTick ? kMaxTick : tick);
    // The logarithm can be off by one next to a tick boundary: settle against the exact prices.
    while (tick < kMaxTick && sqrt_price_at_tick(tick + 1) <= sqrt_price) ++tick;
    while (tick > kMinTick && sqrt_price_at_tick(tick) > sqrt_price) --tick;
    return tick;
}

}  // namespace pftoken::amm::fast
