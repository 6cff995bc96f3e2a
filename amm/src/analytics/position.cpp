// Position amounts, value and liquidity (Uniswap v3 whitepaper eqs. 6.29, 6.30).
#include "pftoken/amm/analytics/position.hpp"

#include <algorithm>
#include <cmath>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::analytics {
namespace {

void checkRange(double price, double priceLower, double priceUpper, const char* function) {
    PFT_AMM_FAST_REQUIRE(price > 0.0 && std::isfinite(price),
                         function << ".price: must be finite and > 0, got " << price);
    PFT_AMM_FAST_REQUIRE(priceLower >= 0.0,
                         function << ".priceLower: must be >= 0, got " << priceLower);
    PFT_AMM_FAST_REQUIRE(priceUpper > priceLower, function << ".priceUpper: must be > priceLower "
                                                           << priceLower << ", got " << priceUpper);
}

}  // namespace

PositionAmounts positionAmounts(double liquidity, double price, double priceLower,
                                double priceUpper) {
    checkRange(price, priceLower, priceUpper, "positionAmounts");
    PFT_AMM_FAST_REQUIRE(liquidity >= 0.0,
                         "positionAmounts.liquidity: must be >= 0, got " << liquidity);
    const double sa = std::sqrt(priceLower);
    const double sb = std::sqrt(priceUpper);  // may be +inf for a full-range position
    const double s = std::sqrt(price);
    if (price <= priceLower) return {liquidity * (1.0 / sa - 1.0 / sb), 0.0};
    if (price >= priceUpper) return {0.0, liquidity * (sb - sa)};
    return {liquidity * (1.0 / s - 1.0 / sb), liquidity * (s - sa)};
}

double positionValue(double liquidity, double price, double priceLower, double priceUpper) {
    const PositionAmounts a = positionAmounts(liquidity, price, priceLower, priceUpper);
    return a.amount0 * price + a.amount1;
}

double liquidityForAmounts(double amount0, double amount1, double price, double priceLower,
                           double priceUpper) {
    checkRange(price, priceLower, priceUpper, "liquidityForAmounts");
    PFT_AMM_FAST_REQUIRE(amount0 >= 0.0,
                         "liquidityForAmounts.amount0: must be >= 0, got " << amount0);
    PFT_AMM_FAST_REQUIRE(amount1 >= 0.0,
                         "liquidityForAmounts.amount1: must be >= 0, got " << amount1);
    const double sa = std::sqrt(priceLower);
    const double sb = std::sqrt(priceUpper);
    const double s = std::sqrt(price);
    // Inverting eq. 6.29 / 6.30 for L.
    const auto fromAmount0 = [&](double from) { return amount0 / (1.0 / from - 1.0 / sb); };
    const auto fromAmount1 = [&](double to) { return amount1 / (to - sa); };
    if (price <= priceLower) return fromAmount0(sa);
    if (price >= priceUpper) return fromAmount1(sb);
    return std::min(fromAmount0(s), fromAmount1(s));
}

}  // namespace pftoken::amm::analytics
