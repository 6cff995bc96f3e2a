#pragma once
// Exact sample quantiles: the one definition every engine uses (Hyndman and Fan 1996, type 7).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>

#include "pftoken/error.hpp"

namespace pftoken::base {

/// Quantile at probability `level` of values sorted ascending, Hyndman-Fan type 7 (R's default
/// `quantile(type = 7)`, numpy's `method="linear"`, Excel's PERCENTILE.INC): with h = (n - 1) p,
/// the value is x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]) on 0-based order
/// statistics, so level 0 is the minimum, level 1 the maximum and 0.5 the usual median.
/// Requires a non-empty input and level in [0, 1].
[[nodiscard]] inline double quantile_sorted(std::span<const double> sorted, double level) {
    PFT_REQUIRE(!sorted.empty(), "quantile: needs at least one value");
    PFT_REQUIRE(level >= 0.0 && level <= 1.0, "quantile.level: must be in [0, 1], got " << level);
    const double h = (static_cast<double>(sorted.size()) - 1.0) * level;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

/// quantile_sorted after sorting `values` in place (the caller's buffer; no allocation).
[[nodiscard]] inline double quantile(std::span<double> values, double level) {
    std::sort(values.begin(), values.end());
    return quantile_sorted(values, level);
}

}  // namespace pftoken::base
