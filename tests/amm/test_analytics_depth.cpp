// Market depth, price impact / slippage curves and the liquidity distribution: applying the
// computed amounts to the fast pools moves the price by exactly the requested fraction.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "pftoken/amm/analytics/fee_income.hpp"
#include "pftoken/amm/analytics/liquidity_distribution.hpp"
#include "pftoken/amm/analytics/market_depth.hpp"
#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/amm/fast/error.hpp"
#include "support/gtest_extra.hpp"

namespace an = pftoken::amm::analytics;
namespace fast = pftoken::amm::fast;

namespace {

fast::ConcentratedLiquidityPool layered_pool() {
    fast::ConcentratedLiquidityOptions options;
    options.fee_pips = 3000;
    options.tick_spacing = 60;
    options.sqrt_price = std::sqrt(1.0001) * 1.00001;  // just above tick 1
    fast::ConcentratedLiquidityPool pool(options);
    pool.mint("a", -6000, 6000, 1e20);
    pool.mint("b", -600, 1200, 3e20);
    pool.mint("c", 300, 900, 2e20);
    pool.mint("d", -1200, -60, 5e19);
    return pool;
}

}  // namespace

TEST(AnalyticsDepth, ConstantProductAmountsMoveThePriceExactly) {
    for (const double fee : {0.0, 0.003}) {
        for (const double move : {0.001, 0.02, 0.5}) {
            const auto depth = an::depth_constant_product(1e6, 3e9, fee, move);
            fast::ConstantProductPool down(fast::ConstantProductOptions{1e6, 3e9, fee});
            down.swap_exact_in(true, depth.amount0_to_move_down);
            EXPECT_NEAR(down.price() / 3000.0, 1.0 - move, 1e-12)
                << "fee " << fee << " move " << move;
            fast::ConstantProductPool up(fast::ConstantProductOptions{1e6, 3e9, fee});
            up.swap_exact_in(false, depth.amount1_to_move_up);
            EXPECT_NEAR(up.price() / 3000.0, 1.0 + move, 1e-12)
                << "fee " << fee << " move " << move;
            if (fee == 0.0) {
                // x (1/sqrt(1 - m) - 1) and y (sqrt(1 + m) - 1) from x y = k with y / x = P.
                EXPECT_NEAR(
                    depth.amount0_to_move_down / (1e6 * (1.0 / std::sqrt(1.0 - move) - 1.0)), 1.0,
                    1e-12);
                EXPECT_NEAR(depth.amount1_to_move_up / (3e9 * (std::sqrt(1.0 + move) - 1.0)), 1.0,
                            1e-12);
            }
        }
    }
}

TEST(AnalyticsDepth, ConcentratedAmountsMoveThePriceExactlyAcrossTicks) {
    const auto pool = layered_pool();
    for (const double move : {0.0005, 0.01, 0.05, 0.3}) {
        const auto depth = an::depth_concentrated(pool, move);
        auto down = pool;
        down.swap_exact_in(true, depth.amount0_to_move_down);
        EXPECT_NEAR(down.price() / pool.price(), 1.0 - move, 1e-11) << "move " << move;
        auto up = pool;
        up.swap_exact_in(false, depth.amount1_to_move_up);
        EXPECT_NEAR(up.price() / pool.price(), 1.0 + move, 1e-11) << "move " << move;
    }
}

TEST(AnalyticsDepth, ImpactAndSlippageCurves) {
    const std::array<double, 5> sizes{1.0, 1e2, 1e4, 1e5, 5e5};
    const fast::ConstantProductPool v2(fast::ConstantProductOptions{1e6, 3e9, 0.003});
    const auto curve = an::price_impact_curve(v2, true, sizes);
    ASSERT_EQ(curve.size(), sizes.size());
    for (std::size_t i = 0; i < curve.size(); ++i) {
        const double in_less_fee = sizes[i] * 0.997;
        // x y = k on fee-adjusted input a' = 0.997 a, the whole a joining the reserve:
        // P' = P / ((1 + a'/x)(1 + a/x)), exec = 0.997 y / (x + a').
        EXPECT_NEAR(
            curve[i].price_after / (3000.0 / ((1.0 + in_less_fee / 1e6) * (1.0 + sizes[i] / 1e6))),
            1.0, 1e-12);
        EXPECT_NEAR(curve[i].execution_price / (0.997 * 3e9 / (1e6 + in_less_fee)), 1.0, 1e-12);
        EXPECT_GE(curve[i].slippage, 0.003 - 1e-12);
        if (i > 0) {
            EXPECT_GT(curve[i].slippage, curve[i - 1].slippage);
        }
        EXPECT_LT(curve[i].price_impact, 0.0);
    }
    const auto pool = layered_pool();
    const std::array<double, 4> pool_sizes{1e15, 1e17, 1e18, 5e19};
    const auto up = an::price_impact_curve(pool, false, pool_sizes);
    for (std::size_t i = 1; i < up.size(); ++i) {
        EXPECT_GT(up[i].price_impact, up[i - 1].price_impact);
        EXPECT_GE(up[i].slippage, 0.003 / 0.997 - 1e-9);  // buying pays the fee on the input
    }
}

// Bands are the running sum of liquidity_net; the same from the positions directly.
TEST(AnalyticsLiquidityDistribution, BandsAndSamplers) {
    const auto pool = layered_pool();
    const auto bands = an::liquidity_bands(pool);
    const std::vector<an::LiquidityBand> expected{
        {-6000, -1200, 1e20}, {-1200, -600, 1.5e20}, {-600, -60, 4.5e20}, {-60, 300, 4e20},
        {300, 900, 6e20},     {900, 1200, 4e20},     {1200, 6000, 1e20}};
    ASSERT_EQ(bands.size(), expected.size());
    for (std::size_t i = 0; i < bands.size(); ++i) {
        EXPECT_EQ(bands[i].tick_lower, expected[i].tick_lower) << i;
        EXPECT_EQ(bands[i].tick_upper, expected[i].tick_upper) << i;
        EXPECT_DOUBLE_EQ(bands[i].liquidity, expected[i].liquidity) << i;
    }
    const std::vector<an::LiquidityRange> ranges{
        {-6000, 6000, 1e20}, {-600, 1200, 3e20}, {300, 900, 2e20}, {-1200, -60, 5e19}};
    const auto from_ranges = an::liquidity_bands(ranges);
    ASSERT_EQ(from_ranges.size(), bands.size());
    for (std::size_t i = 0; i < bands.size(); ++i)
        EXPECT_DOUBLE_EQ(from_ranges[i].liquidity, bands[i].liquidity);
    // The band containing the current tick carries the pool's active liquidity.
    EXPECT_DOUBLE_EQ(an::liquidity_at_tick(bands, pool.tick()), pool.liquidity());
    std::vector<double> grid(5);
    an::sample_liquidity_on_ticks(bands, -7000, 3000, grid);  // -7000, -4000, -1000, 2000, 5000
    EXPECT_EQ(grid, (std::vector<double>{0.0, 1e20, 1.5e20, 1e20, 1e20}));
    const std::vector<double> prices{std::pow(1.0001, 500.5), std::pow(1.0001, -59.5), 1e9};
    std::vector<double> at_prices(prices.size());
    an::sample_liquidity_on_prices(bands, prices, at_prices);
    EXPECT_EQ(at_prices, (std::vector<double>{6e20, 4e20, 0.0}));
    EXPECT_THROW_MSG(an::sample_liquidity_on_ticks(bands, 0, 0, grid), fast::Error,
                     "sample_liquidity_on_ticks.tick_step: must be > 0, got 0");
}

// Fee income from a volume assumption against the pool's own fee accounting: a position with a
// share s of active liquidity collects s * fee * volume when every trade stays in its range.
TEST(AnalyticsFeeIncome, MatchesPoolAccountingForInRangeVolume) {
    fast::ConcentratedLiquidityOptions options;
    options.fee_pips = 500;
    options.tick_spacing = 10;
    fast::ConcentratedLiquidityPool pool(options);
    pool.mint("me", -1000, 1000, 2e20);
    pool.mint("others", -2000, 2000, 6e20);
    double volume0 = 0.0;
    for (int i = 0; i < 50; ++i) {
        const double amount = 1e17 * (1 + i % 7);
        const auto r = pool.swap_exact_in(true, amount);
        volume0 += amount;
        pool.swap_exact_out(false, r.amount0 * 0.999);  // brings the price back, pays token1 fees
    }
    pool.burn("me", -1000, 1000, 0.0);
    an::FeeIncomeOptions o;
    o.volume_per_period = volume0;
    o.fee_rate = 0.0005;
    o.position_liquidity = 2e20;
    o.active_liquidity = 8e20;
    o.position_value = 1e20;
    const auto income = an::fee_income(o);
    EXPECT_DOUBLE_EQ(income.share, 0.25);
    EXPECT_NEAR(pool.position("me", -1000, 1000)->tokens_owed0 / income.income_per_period, 1.0,
                1e-12);
    EXPECT_NEAR(income.apr, income.income_per_period * 365.0 / 1e20, 1e-15);
    o.active_liquidity = 1e20;
    EXPECT_THROW_MSG((void)an::fee_income(o), fast::Error,
                     "active_liquidity: must be > 0 and >= position_liquidity 2e+20, got 1e+20");
}
