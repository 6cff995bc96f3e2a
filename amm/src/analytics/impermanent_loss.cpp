// Impermanent loss closed forms for v2 and for a v3 range.
#include "pftoken/amm/analytics/impermanent_loss.hpp"

#include <cmath>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::analytics {

double impermanent_loss_v2(double price_ratio) {
    PFT_AMM_FAST_REQUIRE(
        price_ratio > 0.0 && std::isfinite(price_ratio),
        "impermanent_loss_v2.price_ratio: must be finite and > 0, got " << price_ratio);
    return 2.0 * std::sqrt(price_ratio) / (1.0 + price_ratio) - 1.0;
}

double impermanent_loss_v3(double initial_price, double final_price, double price_lower,
                           double price_upper) {
    PFT_AMM_FAST_REQUIRE(price_lower >= 0.0,
                         "impermanent_loss_v3.price_lower: must be >= 0, got " << price_lower);
    PFT_AMM_FAST_REQUIRE(price_upper > price_lower, "impermanent_loss_v3.price_upper: must be > "
                                                        << "price_lower " << price_lower << ", got "
                                                        << price_upper);
    PFT_AMM_FAST_REQUIRE(initial_price >= price_lower && initial_price <= price_upper &&
                             initial_price > 0.0 && std::isfinite(initial_price),
                         "impermanent_loss_v3.initial_price: must be > 0 and in [price_lower "
                             << price_lower << ", price_upper " << price_upper << "], got "
                             << initial_price);
    PFT_AMM_FAST_REQUIRE(
        final_price > 0.0 && std::isfinite(final_price),
        "impermanent_loss_v3.final_price: must be finite and > 0, got " << final_price);
    const double k = final_price / initial_price;
    const double a = std::sqrt(price_lower / initial_price);
    const double b = std::sqrt(initial_price / price_upper);  // 0 for an unbounded range
    const double hold = k * (1.0 - b) + 1.0 - a;
    double lp = 0.0;
    if (final_price <= price_lower) {
        lp = k * (1.0 / a - b);
    } else if (final_price >= price_upper) {
        lp = 1.0 / b - a;
    } else {
        lp = 2.0 * std::sqrt(k) - k * b - a;
    }
    return lp / hold - 1.0;
}

}  // namespace pftoken::amm::analytics
