#pragma once
// Aave v3 MathUtils: linear (liquidity index) and compounded (borrow index) interest, per version.
//
// Sources (docs/aave-math.md):
//   v3.0-v3.3: aave/aave-v3-core contracts/protocol/libraries/math/MathUtils.sol
//              @ 00c2e66d78451be2f0874586e9357915359ad682 (three-term binomial, basePowerTwo/Three
//              truncated to integers per second)
//   v3.4+:     aave-dao/aave-v3-origin src/contracts/protocol/libraries/math/MathUtils.sol
//              @ 13fc64a10840fd068f330045219a81e13f5940d7 (x = rate*dt/year, 1 + x + x^2/2 + x^3/6
//              by nested rayMul)
//   v3.5:      same MathUtils as v3.4, plus the directional rounding of TokenMath (reserve.hpp).

#include <cstdint>
#include <string_view>

#include "pftoken/amm/aave/wad_ray_math.hpp"

namespace pftoken::amm::aave {

/// The Aave v3 release whose integer math is reproduced. Named in every output.
enum class Version : std::uint8_t {
    V3_0,  ///< v3.0-v3.3: binomial compounding with per-second integer truncation, half-up rounding
    V3_4,  ///< v3.4: Taylor compounding on x = rate*dt/year, half-up rounding
    V3_5,  ///< v3.5: v3.4 compounding plus directional rounding of scaled balances and treasury
           ///< accrual
};

/// "v3.0-v3.3", "v3.4", "v3.5".
constexpr std::string_view version_name(Version v) noexcept {
    switch (v) {
        case Version::V3_0:
            return "v3.0-v3.3";
        case Version::V3_4:
            return "v3.4";
        case Version::V3_5:
            return "v3.5";
    }
    return "unknown";
}

/// True for the versions whose scaled balances round in the protocol's favour (v3.5 TokenMath).
constexpr bool directional_rounding(Version v) noexcept { return v == Version::V3_5; }

/// MathUtils.SECONDS_PER_YEAR (365 days, leap years ignored).
inline constexpr std::uint64_t kSecondsPerYear = 365ull * 24 * 3600;

/// MathUtils.calculateLinearInterest: RAY + rate*(now - last)/SECONDS_PER_YEAR (rate in ray).
/// Underflow when now < last; Overflow on the checked product or sum. Same in every v3 version.
Result<U256> calculate_linear_interest(const U256& rate, std::uint64_t last_update_timestamp,
                                       std::uint64_t current_timestamp) noexcept;

/// MathUtils.calculateCompoundedInterest for `version` (rate in ray); RAY when no time passed.
/// v3.0-v3.3: RAY + rate*n/Y + n(n-1)/2 * b2 + n(n-1)(n-2)/6 * b3 with
///            b2 = rayMul(rate, rate)/Y^2, b3 = rayMul(b2, rate)/Y (checked products and sums);
/// v3.4+:     x = rate*n/Y; RAY + x + rayMul(x, x/2 + rayMul(x, x/6)) (unchecked: wraps like the
/// EVM).
Result<U256> calculate_compounded_interest(const U256& rate, std::uint64_t last_update_timestamp,
                                           std::uint64_t current_timestamp,
                                           Version version) noexcept;

}  // namespace pftoken::amm::aave
