// Impermanent loss closed forms for v2 and for a v3 range.
#include "pftoken/amm/analytics/impermanent_loss.hpp"

#include <cmath>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::analytics {

double impermanentLossV2(double priceRatio) {
    PFT_AMM_FAST_REQUIRE(
        priceRatio > 0.0 && std::isfinite(priceRatio),
        "impermanentLossV2.priceRatio: must be finite and > 0, got " << priceRatio);
    return 2.0 * std::sqrt(priceRatio) / (1.0 + priceRatio) - 1.0;
}

double impermanentLossV3(double initialPrice, double finalPrice, double priceLower,
                         double priceUpper) {
    PFT_AMM_FAST_REQUIRE(priceLower >= 0.0,
                         "impermanentLossV3.priceLower: must be >= 0, got " << priceLower);
    PFT_AMM_FAST_REQUIRE(priceUpper > priceLower, "impermanentLossV3.priceUpper: must be > "
                                                      << "priceLower " << priceLower << ", got "
                                                      << priceUpper);
    PFT_AMM_FAST_REQUIRE(initialPrice >= priceLower && initialPrice <= priceUpper &&
                             initialPrice > 0.0 && std::isfinite(initialPrice),
                         "impermanentLossV3.initialPrice: must be > 0 and in [priceLower "
                             << priceLower << ", priceUpper " << priceUpper << "], got "
                             << initialPrice);
    PFT_AMM_FAST_REQUIRE(
        finalPrice > 0.0 && std::isfinite(finalPrice),
        "impermanentLossV3.finalPrice: must be finite and > 0, got " << finalPrice);
    const double k = finalPrice / initialPrice;
    const double a = std::sqrt(priceLower / initialPrice);
    const double b = std::sqrt(initialPrice / priceUpper);  // 0 for an unbounded range
    const double hold = k * (1.0 - b) + 1.0 - a;
    double lp = 0.0;
    if (finalPrice <= priceLower) {
        lp = k * (1.0 / a - b);
    } else if (finalPrice >= priceUpper) {
        lp = 1.0 / b - a;
    } else {
        lp = 2.0 * std::sqrt(k) - k * b - a;
    }
    return lp / hold - 1.0;
}

}  // namespace pftoken::amm::analytics
