// LVR (arXiv 2208.06046) and the fee-adjusted arbitrage rate (arXiv 2305.14604).
#include "pftoken/amm/analytics/lvr.hpp"

#include <cmath>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::analytics {
namespace {

void check_sigma(double sigma, const char* function) {
    PFT_AMM_FAST_REQUIRE(sigma >= 0.0 && std::isfinite(sigma),
                         function << ".sigma: must be finite and >= 0, got " << sigma);
}

}  // namespace

double lvr_constant_product(double sigma, double pool_value) {
    check_sigma(sigma, "lvr_constant_product");
    PFT_AMM_FAST_REQUIRE(pool_value >= 0.0,
                         "lvr_constant_product.pool_value: must be >= 0, got " << pool_value);
    return sigma * sigma * pool_value / 8.0;
}

double lvr_concentrated(double sigma, double liquidity, double price, double price_lower,
                        double price_upper) {
    check_sigma(sigma, "lvr_concentrated");
    PFT_AMM_FAST_REQUIRE(liquidity >= 0.0,
                         "lvr_concentrated.liquidity: must be >= 0, got " << liquidity);
    PFT_AMM_FAST_REQUIRE(price > 0.0, "lvr_concentrated.price: must be > 0, got " << price);
    PFT_AMM_FAST_REQUIRE(price_upper > price_lower, "lvr_concentrated.price_upper: must be > "
                                                        << "price_lower " << price_lower << ", got "
                                                        << price_upper);
    if (price < price_lower || price > price_upper) return 0.0;
    return sigma * sigma * liquidity * std::sqrt(price) / 4.0;
}

double no_arbitrage_band_half_width(double fee) {
    PFT_AMM_FAST_REQUIRE(fee >= 0.0 && fee < 1.0,
                         "no_arbitrage_band_half_width.fee: must be in [0, 1), got " << fee);
    return -std::log1p(-fee);
}

double arbitrage_trade_probability(double sigma, double block_rate, double fee) {
    check_sigma(sigma, "arbitrage_trade_probability");
    PFT_AMM_FAST_REQUIRE(sigma > 0.0,
                         "arbitrage_trade_probability.sigma: must be > 0, got " << sigma);
    PFT_AMM_FAST_REQUIRE(
        block_rate > 0.0 && std::isfinite(block_rate),
        "arbitrage_trade_probability.block_rate: must be finite and > 0, got " << block_rate);
    const double gamma = no_arbitrage_band_half_width(fee);
    return 1.0 / (1.0 + std::sqrt(2.0 * block_rate) * gamma / sigma);
}

double arbitrage_profit_rate(double lvr_rate, double sigma, double block_rate, double fee) {
    PFT_AMM_FAST_REQUIRE(lvr_rate >= 0.0,
                         "arbitrage_profit_rate.lvr_rate: must be >= 0, got " << lvr_rate);
    return arbitrage_trade_probability(sigma, block_rate, fee) * lvr_rate;
}

}  // namespace pftoken::amm::analytics
