// Tail means (pftoken/base/quantile.hpp): the one expected-shortfall definition.
#include "pftoken/base/quantile.hpp"

#include <algorithm>
#include <cmath>

#include "pftoken/error.hpp"

namespace pftoken::base {

double sum4(std::span<const double> x) noexcept {
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    std::size_t i = 0;
    const std::size_t n = x.size();
    for (; i + 4 <= n; i += 4) {
        a0 += x[i];
        a1 += x[i + 1];
        a2 += x[i + 2];
        a3 += x[i + 3];
    }
    for (; i < n; ++i) a0 += x[i];
    return (a0 + a1) + (a2 + a3);
}

TailSize tail_size(std::size_t n, double p) {
    PFT_REQUIRE(p > 0.0 && p <= 1.0, "tail_mean.probability: must be in (0, 1], got " << p);
    const double w = static_cast<double>(n) * p;
    const double w_rounded = std::nearbyint(w);
    TailSize t;
    t.points = std::abs(w - w_rounded) < 1e-9 * std::max(1.0, w) ? w_rounded : w;
    t.whole = static_cast<std::size_t>(std::floor(t.points));
    t.fraction = t.points - static_cast<double>(t.whole);
    return t;
}

double tail_mean_sorted(std::span<const double> sorted, double p) {
    PFT_REQUIRE(!sorted.empty(), "tail_mean: needs at least one value");
    const TailSize t = tail_size(sorted.size(), p);
    if (t.whole == 0) return sorted.front();
    if (t.whole >= sorted.size()) return sum4(sorted) / t.points;
    double sum = sum4(sorted.first(t.whole));
    if (t.fraction > 0.0) sum += t.fraction * sorted[t.whole];
    return sum / t.points;
}

double tail_mean(std::span<double> values, const TailSize& t) {
    PFT_REQUIRE(!values.empty(), "tail_mean: needs at least one value");
    if (t.whole == 0) return *std::min_element(values.begin(), values.end());
    if (t.whole >= values.size()) return sum4(values) / t.points;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(t.whole), values.end());
    double sum = sum4(values.first(t.whole));
    if (t.fraction > 0.0) sum += t.fraction * values[t.whole];
    return sum / t.points;
}

double tail_mean(std::span<double> values, double p) {
    return tail_mean(values, tail_size(values.size(), p));
}

}  // namespace pftoken::base
