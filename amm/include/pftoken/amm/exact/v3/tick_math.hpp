#pragma once
// Uniswap v3 TickMath: sqrt(1.0001^tick) as Q64.96 and back, bit-exact with the Solidity library.

#include <cstdint>

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"

namespace pftoken::amm::v3 {

// __extension__ keeps -Wpedantic quiet about the GNU 128-bit type (Solidity int128).
__extension__ typedef __int128 i128;

inline constexpr std::int32_t kMinTick = -887272;
inline constexpr std::int32_t kMaxTick = 887272;
/// getSqrtRatioAtTick(kMinTick)
inline constexpr U256 kMinSqrtRatio{std::uint64_t{4295128739u}};
/// getSqrtRatioAtTick(kMaxTick) = 1461446703485210103287273052203988822378723970342
inline constexpr U256 kMaxSqrtRatio{0x5d951d5263988d26ull, 0xefd1fc6a50648849ull, 0xfffd8963ull, 0u};

/// sqrt(1.0001^tick) * 2^96 rounded up (TickMath.getSqrtRatioAtTick); reverts T if |tick| > kMaxTick.
Result<U256> get_sqrt_ratio_at_tick(std::int32_t tick) noexcept;

/// Greatest tick with getSqrtRatioAtTick(tick) <= sqrtPriceX96 (TickMath.getTickAtSqrtRatio);
/// reverts R outside [kMinSqrtRatio, kMaxSqrtRatio).
Result<std::int32_t> get_tick_at_sqrt_ratio(const U256& sqrt_price_x96) noexcept;

}  // namespace pftoken::amm::v3
