#pragma once
// Fair value vs market: a tranche token's DCF (and optionally Monte Carlo) value per token
// against its pool price, the premium/discount and the market price's percentile in the MC
// value distribution.
//
// Price convention (the pool files' one, docs/stress.md): token0 = the tranche token, token1 =
// the quote stablecoin, price = token1 per token0 in human units (USDC per token).

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "pftoken/integration/liquidity_stress.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/model/project.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::integration {

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct FairValueResult {
    std::string tranche;               ///< tranche name
    std::string symbol;                ///< token symbol (the pool's token0)
    std::size_t tranche_index = 0;     ///< input order in Project::tranches
    double supply = 0.0;
    double dcf_price = 0.0;            ///< pftoken::value price per token (PV at COD / supply)
    double pool_price = 0.0;           ///< quote per token before any trade
    double premium = 0.0;              ///< pool_price / dcf_price - 1 (< 0 = discount)
    // Monte Carlo (NaN / empty without --mc)
    std::uint64_t mc_paths = 0;
    double mc_mean = kNoValue;         ///< mean price per token over paths
    double mc_standard_error = kNoValue;
    std::vector<double> mc_percentiles;  ///< at mc::kPercentileLevels
    double mc_premium = kNoValue;      ///< pool_price / mc_mean - 1
    /// Percentile (0..100) of the pool price in the MC price distribution, linear between the
    /// reported levels; clamped to the outermost level (1 or 99) outside them, see
    /// `market_percentile_note`.
    double market_percentile = kNoValue;
    std::string market_percentile_note;  ///< "", "below the 1st percentile", "above the 99th percentile"
};

/// Index of the tranche whose token symbol (or name) is `symbol`; throws InputError naming
/// `field` when there is none.
[[nodiscard]] std::size_t find_tranche(const Project& project, const std::string& symbol, const std::string& field);

/// Compares the DCF value with the pool price; `mc` may be null (no Monte Carlo).
[[nodiscard]] FairValueResult fair_value(const Project& project, const ValuationResult& valuation,
                                         const PoolSpec& pool, const mc::ProjectMcSummary* mc);

/// Percentile (0..100) of `x` given quantile values `values` at probability `levels` (increasing):
/// linear interpolation between neighbouring (value, level) pairs; clamped at the ends.
[[nodiscard]] double percentile_of(double x, std::span<const double> levels, std::span<const double> values);

}  // namespace pftoken::integration
