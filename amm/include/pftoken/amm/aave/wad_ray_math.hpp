#pragma once
// Aave v3 WadRayMath and PercentageMath on 256-bit integers, reverts reported as Result<T>.
//
// Sources (docs/aave-math.md):
//   aave/aave-v3-core contracts/protocol/libraries/math/WadRayMath.sol
//     @ 09ed87d6f5361b9e592ae4c36f5d6671f6a3e21d (v3.0-v3.4)
//   aave-dao/aave-v3-origin src/contracts/protocol/libraries/math/WadRayMath.sol
//     @ 070cd23d949d828ad78d098ef481c2049f5eabb6 (v3.5: rayMulFloor/Ceil, rayDivFloor/Ceil)
// Solidity's assembly guards are division-based (`a > (max - HALF_RAY) / b`); the equivalent test
// used here is on the exact 512-bit product (`a*b > max - HALF_RAY`), which revert on exactly the
// same inputs (tests/amm/test_aave_math.cpp checks both against a Boost port of the Solidity).
// Every Aave revert here is the empty `revert(0, 0)`: a zero divisor reports DivisionByZero,
// everything else Overflow.

#include <cstdint>

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"

namespace pftoken::amm::aave {

inline constexpr std::uint64_t kWadU64 = 1'000'000'000'000'000'000ull;  // 1e18
inline constexpr U256 WAD{kWadU64};
inline constexpr U256 HALF_WAD{kWadU64 / 2};
inline constexpr U256 RAY{u128{kWadU64} * 1'000'000'000u};  // 1e27
inline constexpr U256 HALF_RAY{u128{kWadU64} * 500'000'000u};
inline constexpr U256 WAD_RAY_RATIO{std::uint64_t{1'000'000'000}};
inline constexpr U256 PERCENTAGE_FACTOR{std::uint64_t{10'000}};  // 100.00%, PercentageMath
inline constexpr U256 HALF_PERCENTAGE_FACTOR{std::uint64_t{5'000}};

/// Rounding of a ray/wad product or quotient: Aave's default half-up, or v3.5's directional modes.
enum class Rounding : std::uint8_t { HalfUp, Floor, Ceil };

/// WadRayMath.rayMul (half up), rayMulFloor, rayMulCeil: a*b/RAY; Overflow when a*b (+HALF_RAY) >=
/// 2^256.
Result<U256> ray_mul(const U256& a, const U256& b, Rounding rounding = Rounding::HalfUp) noexcept;

/// WadRayMath.rayDiv (half up: (a*RAY + b/2)/b), rayDivFloor, rayDivCeil. b == 0: DivisionByZero;
/// a*RAY (+ b/2) >= 2^256: Overflow.
Result<U256> ray_div(const U256& a, const U256& b, Rounding rounding = Rounding::HalfUp) noexcept;

/// WadRayMath.wadMul (half up): (a*b + HALF_WAD)/WAD.
Result<U256> wad_mul(const U256& a, const U256& b) noexcept;

/// WadRayMath.wadDiv (half up): (a*WAD + b/2)/b.
Result<U256> wad_div(const U256& a, const U256& b) noexcept;

/// WadRayMath.rayToWad: a/1e9 rounded half up (never reverts).
U256 ray_to_wad(const U256& a) noexcept;

/// WadRayMath.wadToRay: a*1e9; Overflow when that needs more than 256 bits.
Result<U256> wad_to_ray(const U256& a) noexcept;

/// PercentageMath.percentMul: (value*percentage + 0.5e4)/1e4, percentage in basis points.
Result<U256> percent_mul(const U256& value, const U256& percentage) noexcept;

/// PercentageMath.percentDiv: (value*1e4 + percentage/2)/percentage. percentage == 0:
/// DivisionByZero.
Result<U256> percent_div(const U256& value, const U256& percentage) noexcept;

}  // namespace pftoken::amm::aave
