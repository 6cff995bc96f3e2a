// Position amounts, value and liquidity (Uniswap v3 whitepaper eqs. 6.29, 6.30).
#include "pftoken/amm/analytics/position.hpp"

#include <algorithm>
#include <cmath>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::analytics {
namespace {

void check_range(double price, double price_lower, double price_upper, const char* function) {
    PFT_AMM_FAST_REQUIRE(price > 0.0 && std::isfinite(price),
                         function << ".price: must be finite and > 0, got " << price);
    PFT_AMM_FAST_REQUIRE(price_lower >= 0.0,
                         function << ".price_lower: must be >= 0, got " << price_lower);
    PFT_AMM_FAST_REQUIRE(price_upper > price_lower, function
                                                        << ".price_upper: must be > price_lower "
                                                        << price_lower << ", got " << price_upper);
}

}  // namespace

PositionAmounts position_amounts(double liquidity, double price, double price_lower,
                                 double price_upper) {
    check_range(price, price_lower, price_upper, "position_amounts");
    PFT_AMM_FAST_REQUIRE(liquidity >= 0.0,
                         "position_amounts.liquidity: must be >= 0, got " << liquidity);
    const double sa = std::sqrt(price_lower);
    const double sb = std::sqrt(price_upper);  // may be +inf for a full-range position
    const double s = std::sqrt(price);
    if (price <= price_lower) return {liquidity * (1.0 / sa - 1.0 / sb), 0.0};
    if (price >= price_upper) return {0.0, liquidity * (sb - sa)};
    return {liquidity * (1.0 / s - 1.0 / sb), liquidity * (s - sa)};
}

double position_value(double liquidity, double price, double price_lower, double price_upper) {
    const PositionAmounts a = position_amounts(liquidity, price, price_lower, price_upper);
    return a.amount0 * price + a.amount1;
}

double liquidity_for_amounts(double amount0, double amount1, double price, double price_lower,
                             double price_upper) {
    check_range(price, price_lower, price_upper, "liquidity_for_amounts");
    PFT_AMM_FAST_REQUIRE(amount0 >= 0.0,
                         "liquidity_for_amounts.amount0: must be >= 0, got " << amount0);
    PFT_AMM_FAST_REQUIRE(amount1 >= 0.0,
                         "liquidity_for_amounts.amount1: must be >= 0, got " << amount1);
    const double sa = std::sqrt(price_lower);
    const double sb = std::sqrt(price_upper);
    const double s = std::sqrt(price);
    // Inverting eq. 6.29 / 6.30 for L.
    const auto from_amount0 = [&](double from) { return amount0 / (1.0 / from - 1.0 / sb); };
    const auto from_amount1 = [&](double to) { return amount1 / (to - sa); };
    if (price <= price_lower) return from_amount0(sa);
    if (price >= price_upper) return from_amount1(sb);
    return std::min(from_amount0(s), from_amount1(s));
}

}  // namespace pftoken::amm::analytics
