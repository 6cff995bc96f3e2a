#pragma once
// Exact sample quantiles and tail means: the one definition of each every engine uses
// (quantiles: Hyndman and Fan 1996, type 7; tail means: Acerbi and Tasche 2002).
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

/// Sum of `x` in four interleaved accumulators, ((a0 + a1) + (a2 + a3)): the summation order of
/// the tail means below (four independent chains; the compiler keeps them in registers).
[[nodiscard]] double sum4(std::span<const double> x) noexcept;

/// The lower tail of probability p of n values: w = n p points, `whole` = floor(w) of them at
/// full weight and the next one at weight `fraction` = w - floor(w). A w within 1e-9 (relative)
/// of an integer is that integer: 100 * (1 - 0.95) = 4.999999999999999 is a tail of 5 points.
struct TailSize {
    double points = 0.0;
    std::size_t whole = 0;
    double fraction = 0.0;
};

/// TailSize of n values at tail probability p in (0, 1].
[[nodiscard]] TailSize tail_size(std::size_t n, double p);

/// Lower-tail mean at tail probability p: the expected shortfall of the sample (Acerbi and Tasche
/// 2002, "On the coherence of expected shortfall", eq. 3.3), i.e. (1/p) times the integral over
/// [0, p] of the sample's quantile function. With ascending order statistics x(1) <= ... <= x(n)
/// and w = n p:
///     tail_mean = ( sum_{i <= floor w} x(i) + (w - floor w) x(floor w + 1) ) / w,
/// and the minimum when w < 1. It is the exact expected shortfall of the empirical
/// distribution (coherent, continuous in p); when n p is whole it is the mean of the n p
/// smallest values. CVaR of losses L = -x at confidence a is -tail_mean(x, 1 - a); the Monte
/// Carlo's "mean - tail mean" is the same quantity measured from the mean.
/// This overload takes `sorted` in ascending order (not changed).
[[nodiscard]] double tail_mean_sorted(std::span<const double> sorted, double p);

/// tail_mean_sorted on unsorted values with the tail `t` of a sample of t's size (which may be
/// larger than `values` when the caller has already dropped values above the tail, as long as
/// every one of the whole + 1 smallest remains). Selects in place (std::nth_element: `values`
/// is reordered; no allocation); the same definition and summation order, so on the same
/// multiset of tail values it gives the bits of tail_mean_sorted up to the order selection
/// leaves the tail in.
[[nodiscard]] double tail_mean(std::span<double> values, const TailSize& t);

/// tail_mean at tail probability p in (0, 1] of unsorted `values` (reordered in place).
[[nodiscard]] double tail_mean(std::span<double> values, double p);

}  // namespace pftoken::base
