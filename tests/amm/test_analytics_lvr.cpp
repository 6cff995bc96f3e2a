// LVR and fee-adjusted arbitrage: closed forms against an independent derivation, then Monte
// Carlo of an arbitrageur trading the fast pools under GBM prices and Poisson blocks.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "pftoken/amm/analytics/lvr.hpp"
#include "pftoken/amm/analytics/position.hpp"
#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/amm/fast/error.hpp"
#include "support/gtest_extra.hpp"

namespace an = pftoken::amm::analytics;
namespace fast = pftoken::amm::fast;

#if defined(__SANITIZE_ADDRESS__)
#define PFT_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PFT_TEST_UNDER_ASAN 1
#endif
#endif

namespace {

// Sanitizer builds run ~3x slower: fewer paths there, same statistical check (the standard error
// grows accordingly; the tolerance is always a multiple of it).
#ifdef PFT_TEST_UNDER_ASAN
constexpr int kPathScale = 4;
#else
constexpr int kPathScale = 1;
#endif

// LVR = sigma^2 P^2 |x'(P)| / 2 (Milionis et al. 2022, arXiv 2208.06046), with x(P) differentiated
// numerically from the position's token0 amount: independent of the closed forms under test.
double lvr_from_derivative(double sigma, double liquidity, double price, double pa, double pb) {
    const double h = price * 1e-5;
    const double x1 = an::position_amounts(liquidity, price + h, pa, pb).amount0;
    const double x0 = an::position_amounts(liquidity, price - h, pa, pb).amount0;
    return 0.5 * sigma * sigma * price * price * std::fabs((x1 - x0) / (2.0 * h));
}

}  // namespace

TEST(AnalyticsLvr, ClosedFormsMatchTheGeneralFormula) {
    struct Row {
        double sigma, liquidity, price, pa, pb;
    };
    const Row rows[] = {{0.8, 1e6, 2500.0, 2000.0, 3000.0},
                        {0.05, 3.0, 1.0, 0.5, 4.0},
                        {1.5, 1e3, 0.01, 0.0, HUGE_VAL}};
    for (const Row& r : rows) {
        const double closed = an::lvr_concentrated(r.sigma, r.liquidity, r.price, r.pa, r.pb);
        EXPECT_NEAR(closed / lvr_from_derivative(r.sigma, r.liquidity, r.price, r.pa, r.pb), 1.0,
                    1e-8)
            << "sigma=" << r.sigma << " L=" << r.liquidity << " P=" << r.price;
    }
    // Constant product: V = 2 L sqrt(P), so sigma^2 V / 8 equals the full-range v3 formula.
    const double sigma = 0.7;
    const double liquidity = 5e4;
    const double price = 1800.0;
    const double value = an::position_value(liquidity, price, 0.0, HUGE_VAL);
    EXPECT_NEAR(value, 2.0 * liquidity * std::sqrt(price), 1e-9 * value);
    EXPECT_NEAR(an::lvr_constant_product(sigma, value),
                an::lvr_concentrated(sigma, liquidity, price, 0.0, HUGE_VAL), 1e-9 * value);
    EXPECT_EQ(an::lvr_concentrated(sigma, liquidity, 10.0, 100.0, 200.0), 0.0);
}

TEST(AnalyticsLvr, TradeProbabilityLimitsAndErrors) {
    EXPECT_EQ(an::arbitrage_trade_probability(0.5, 7200.0, 0.0), 1.0);
    // gamma = -ln(1 - f): the band [P(1-f), P/(1-f)] in log terms.
    EXPECT_NEAR(an::no_arbitrage_band_half_width(0.003), 0.0030045090202987, 1e-15);
    const double p = an::arbitrage_trade_probability(0.05, 7200.0, 0.0005);
    EXPECT_NEAR(p, 1.0 / (1.0 + std::sqrt(14400.0) * -std::log(1.0 - 0.0005) / 0.05), 1e-13);
    EXPECT_NEAR(an::arbitrage_profit_rate(10.0, 0.05, 7200.0, 0.0005), 10.0 * p, 1e-12);
    EXPECT_THROW_MSG((void)an::arbitrage_trade_probability(0.05, -1.0, 0.003), fast::Error,
                     "arbitrage_trade_probability.block_rate: must be finite and > 0, got -1");
}

namespace {

struct ArbitrageEstimate {
    double ratio_mean = 0.0;  // mean over paths of (arbitrage profit) / (integrated LVR)
    double ratio_std_error = 0.0;
    double trade_fraction = 0.0;  // blocks with a trade / blocks
    double trade_fraction_std_error = 0.0;
};

// External price: GBM with volatility sigma (martingale). Blocks: Poisson with rate lambda. At
// each block the arbitrageur trades the pool to the edge of the no-arbitrage band
// [P(1-f), P/(1-f)] when the pool price lies outside it, and books P * (token0 received) - (token1
// paid) (or the mirror). LVR is integrated along the path from the pool's own state.
// `Pool` adapts the fast v2 or v3 pool.
template <class Pool>
ArbitrageEstimate simulate_arbitrage(Pool make_pool, double sigma, double block_rate, double fee,
                                     int paths, int blocks_per_path, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> inter_arrival(block_rate);
    std::normal_distribution<double> normal(0.0, 1.0);
    double sum_ratio = 0.0;
    double sum_ratio2 = 0.0;
    double sum_frac = 0.0;
    double sum_frac2 = 0.0;
    for (int path = 0; path < paths; ++path) {
        auto pool = make_pool();
        double log_price = std::log(pool.price());
        double profit = 0.0;
        double lvr_integral = 0.0;
        int trades = 0;
        for (int block = -50; block < blocks_per_path; ++block) {  // 50 blocks of burn-in
            const double dt = inter_arrival(rng);
            const double lvr_rate = pool.lvr(sigma, std::exp(log_price));
            log_price += -0.5 * sigma * sigma * dt + sigma * std::sqrt(dt) * normal(rng);
            const double external = std::exp(log_price);
            double gain = 0.0;
            bool traded = false;
            if (external > pool.price() / (1.0 - fee)) {
                const auto [in1, out0] = pool.trade_to(external * (1.0 - fee));
                gain = external * out0 - in1;
                traded = true;
            } else if (external < pool.price() * (1.0 - fee)) {
                const auto [in0, out1] = pool.trade_to(external / (1.0 - fee));
                gain = out1 - external * in0;
                traded = true;
            }
            if (block < 0) continue;
            profit += gain;
            lvr_integral += lvr_rate * dt;
            trades += traded ? 1 : 0;
        }
        const double ratio = profit / lvr_integral;
        const double frac = static_cast<double>(trades) / blocks_per_path;
        sum_ratio += ratio;
        sum_ratio2 += ratio * ratio;
        sum_frac += frac;
        sum_frac2 += frac * frac;
    }
    const double n = paths;
    ArbitrageEstimate e;
    e.ratio_mean = sum_ratio / n;
    e.ratio_std_error = std::sqrt((sum_ratio2 / n - e.ratio_mean * e.ratio_mean) / (n - 1.0));
    e.trade_fraction = sum_frac / n;
    e.trade_fraction_std_error =
        std::sqrt((sum_frac2 / n - e.trade_fraction * e.trade_fraction) / (n - 1.0));
    return e;
}

// Adapters: price, LVR of the pool's liquidity at the external price, and a trade to a target
// price returning (amount in, amount out).
struct V2Adapter {
    fast::ConstantProductPool pool;
    [[nodiscard]] double price() const { return pool.price(); }
    [[nodiscard]] double lvr(double sigma, double external) const {
        const double liquidity = std::sqrt(pool.invariant());
        return an::lvr_constant_product(sigma, 2.0 * liquidity * std::sqrt(external));
    }
    std::pair<double, double> trade_to(double target) {
        const auto s = pool.swap_to_price(target);
        return {s.amount_in, s.amount_out};
    }
};

struct V3Adapter {
    fast::ConcentratedLiquidityPool pool;
    double lower;
    double upper;
    [[nodiscard]] double price() const { return pool.price(); }
    [[nodiscard]] double lvr(double sigma, double external) const {
        return an::lvr_concentrated(sigma, pool.liquidity(), external, lower, upper);
    }
    std::pair<double, double> trade_to(double target) {
        const bool zero_for_one = target < pool.price();
        const auto s = pool.swap_to_sqrt_price(std::sqrt(target));
        return zero_for_one ? std::pair{s.amount0, -s.amount1} : std::pair{s.amount1, -s.amount0};
    }
};

}  // namespace

// Zero fee: every block trades and the arbitrage profit rate is LVR itself (Milionis et al. 2022,
// sigma^2 V / 8 for constant product; sigma^2 L sqrt(P) / 4 for a v3 range).
// With a fee f and Poisson blocks: ARB = P_trade LVR, P_trade = 1 / (1 + sqrt(2 lambda) gamma /
// sigma) (Milionis, Moallemi, Roughgarden 2023). Parameters: daily sigma 5%, 12 s blocks (7200 a
// day), so sigma / sqrt(lambda) = 6e-4 and gamma ~ 5e-4: the asymptotic corrections (order gamma
// and sigma / sqrt(lambda) relative) are far below the Monte Carlo error.
TEST(AnalyticsLvrMonteCarlo, ConstantProductArbitrageMatchesLvrAndFeeAdjustedRate) {
    const double sigma = 0.05;
    const double block_rate = 7200.0;
    struct Row {
        double fee;
    };
    const Row rows[] = {{0.0}, {0.0005}, {0.003}};
    std::uint64_t seed = 11;
    for (const Row& row : rows) {
        const auto make = [&] {
            return V2Adapter{
                fast::ConstantProductPool(fast::ConstantProductOptions{1e6, 2e9, row.fee})};
        };
        const auto e =
            simulate_arbitrage(make, sigma, block_rate, row.fee, 48 / kPathScale, 20000, seed++);
        const double expected = an::arbitrage_trade_probability(sigma, block_rate, row.fee);
        ::testing::Test::RecordProperty(
            "v2_fee_" + std::to_string(row.fee),
            std::to_string(e.ratio_mean) + " +- " + std::to_string(e.ratio_std_error) + " vs " +
                std::to_string(expected) + "; trades " + std::to_string(e.trade_fraction));
        EXPECT_LT(e.ratio_std_error, 0.03 * expected) << "fee " << row.fee;
        EXPECT_NEAR(e.ratio_mean, expected, 4.0 * e.ratio_std_error)
            << "fee " << row.fee << " ARB/LVR " << e.ratio_mean << " +- " << e.ratio_std_error;
        EXPECT_NEAR(e.trade_fraction, expected, 4.0 * e.trade_fraction_std_error + 1e-12)
            << "fee " << row.fee << " trade fraction " << e.trade_fraction;
    }
}

TEST(AnalyticsLvrMonteCarlo, ConcentratedRangeArbitrageMatchesLvrAndFeeAdjustedRate) {
    const double sigma = 0.05;
    const double block_rate = 7200.0;
    for (const std::uint32_t fee_pips : {0u, 500u}) {
        const double fee = fee_pips / 1e6;
        const auto make = [&] {
            fast::ConcentratedLiquidityOptions options;
            options.fee_pips = fee_pips;
            options.tick_spacing = 10;
            options.sqrt_price = 1.0;
            V3Adapter adapter{fast::ConcentratedLiquidityPool(options),
                              fast::sqrt_price_at_tick(-20000) * fast::sqrt_price_at_tick(-20000),
                              fast::sqrt_price_at_tick(20000) * fast::sqrt_price_at_tick(20000)};
            adapter.pool.mint("lp", -20000, 20000, 1e20);
            return adapter;
        };
        const auto e = simulate_arbitrage(make, sigma, block_rate, fee, 32 / kPathScale, 20000,
                                          100 + fee_pips);
        const double expected = an::arbitrage_trade_probability(sigma, block_rate, fee);
        ::testing::Test::RecordProperty("v3_fee_" + std::to_string(fee),
                                        std::to_string(e.ratio_mean) + " +- " +
                                            std::to_string(e.ratio_std_error) + " vs " +
                                            std::to_string(expected));
        EXPECT_LT(e.ratio_std_error, 0.04 * expected) << "fee " << fee;
        EXPECT_NEAR(e.ratio_mean, expected, 4.0 * e.ratio_std_error)
            << "fee " << fee << " ARB/LVR " << e.ratio_mean << " +- " << e.ratio_std_error;
    }
}
