// LVR (arXiv 2208.06046) and the fee-adjusted arbitrage rate (arXiv 2305.14604).
#include "pftoken/amm/analytics/lvr.hpp"

#include <cmath>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::analytics {
namespace {

void checkSigma(double sigma, const char* function) {
    PFT_AMM_FAST_REQUIRE(sigma >= 0.0 && std::isfinite(sigma),
                         function << ".sigma: must be finite and >= 0, got " << sigma);
}

}  // namespace

double lvrConstantProduct(double sigma, double poolValue) {
    checkSigma(sigma, "lvrConstantProduct");
    PFT_AMM_FAST_REQUIRE(poolValue >= 0.0,
                         "lvrConstantProduct.poolValue: must be >= 0, got " << poolValue);
    return sigma * sigma * poolValue / 8.0;
}

double lvrConcentrated(double sigma, double liquidity, double price, double priceLower,
                       double priceUpper) {
    checkSigma(sigma, "lvrConcentrated");
    PFT_AMM_FAST_REQUIRE(liquidity >= 0.0,
                         "lvrConcentrated.liquidity: must be >= 0, got " << liquidity);
    PFT_AMM_FAST_REQUIRE(price > 0.0, "lvrConcentrated.price: must be > 0, got " << price);
    PFT_AMM_FAST_REQUIRE(priceUpper > priceLower, "lvrConcentrated.priceUpper: must be > "
                                                      << "priceLower " << priceLower << ", got "
                                                      << priceUpper);
    if (price < priceLower || price > priceUpper) return 0.0;
    return sigma * sigma * liquidity * std::sqrt(price) / 4.0;
}

double noArbitrageBandHalfWidth(double fee) {
    PFT_AMM_FAST_REQUIRE(fee >= 0.0 && fee < 1.0,
                         "noArbitrageBandHalfWidth.fee: must be in [0, 1), got " << fee);
    return -std::log1p(-fee);
}

double arbitrageTradeProbability(double sigma, double blockRate, double fee) {
    checkSigma(sigma, "arbitrageTradeProbability");
    PFT_AMM_FAST_REQUIRE(sigma > 0.0,
                         "arbitrageTradeProbability.sigma: must be > 0, got " << sigma);
    PFT_AMM_FAST_REQUIRE(
        blockRate > 0.0 && std::isfinite(blockRate),
        "arbitrageTradeProbability.blockRate: must be finite and > 0, got " << blockRate);
    const double gamma = noArbitrageBandHalfWidth(fee);
    return 1.0 / (1.0 + std::sqrt(2.0 * blockRate) * gamma / sigma);
}

double arbitrageProfitRate(double lvrRate, double sigma, double blockRate, double fee) {
    PFT_AMM_FAST_REQUIRE(lvrRate >= 0.0,
                         "arbitrageProfitRate.lvrRate: must be >= 0, got " << lvrRate);
    return arbitrageTradeProbability(sigma, blockRate, fee) * lvrRate;
}

}  // namespace pftoken::amm::analytics
