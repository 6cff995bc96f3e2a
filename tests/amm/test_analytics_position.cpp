// Position amounts/value and impermanent loss: closed forms against the pool's own mint amounts,
// against the value formula, and against published v2 loss figures.
#include <gtest/gtest.h>

#include <cmath>

#include "pftoken/amm/analytics/impermanent_loss.hpp"
#include "pftoken/amm/analytics/position.hpp"
#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/error.hpp"
#include "support/gtest_extra.hpp"

namespace an = pftoken::amm::analytics;
namespace fast = pftoken::amm::fast;

namespace {
double tick_price(int tick) { return std::pow(1.0001, tick); }
}  // namespace

// The amounts a pool asks for when minting (SqrtPriceMath deltas in the swap code path) equal
// whitepaper eqs. 6.29/6.30 for below, inside and above the range.
TEST(AnalyticsPosition, AmountsMatchPoolMint) {
    const double liquidity = 7.5e18;
    for (const double price : {0.5, 0.97, 1.0, 1.2, 3.0}) {
        fast::ConcentratedLiquidityOptions options;
        options.sqrt_price = std::sqrt(price);
        fast::ConcentratedLiquidityPool pool(options);
        const auto minted = pool.mint("lp", -600, 1200, liquidity);
        const auto amounts =
            an::position_amounts(liquidity, price, tick_price(-600), tick_price(1200));
        EXPECT_NEAR(amounts.amount0, minted.amount0, 1e-12 * liquidity) << "price " << price;
        EXPECT_NEAR(amounts.amount1, minted.amount1, 1e-12 * liquidity) << "price " << price;
        // Inverse: the amounts fund exactly the liquidity.
        EXPECT_NEAR(an::liquidity_for_amounts(amounts.amount0, amounts.amount1, price,
                                              tick_price(-600), tick_price(1200)) /
                        liquidity,
                    1.0, 1e-12);
    }
    // Full range: x = L / sqrt(P), y = L sqrt(P) (whitepaper eqs. 6.5, 6.6).
    const auto full = an::position_amounts(2.0, 4.0, 0.0, HUGE_VAL);
    EXPECT_DOUBLE_EQ(full.amount0, 1.0);
    EXPECT_DOUBLE_EQ(full.amount1, 4.0);
    EXPECT_DOUBLE_EQ(an::position_value(2.0, 4.0, 0.0, HUGE_VAL), 8.0);
}

// Published v2 impermanent loss: Pintail, "Uniswap: A Good Deal for Liquidity Providers?" (2019),
// table of losses for price changes (given to 0.1%).
TEST(AnalyticsImpermanentLoss, V2PublishedTable) {
    struct Row {
        double ratio;
        double loss_percent;
    };
    const Row rows[] = {{1.25, 0.6}, {1.5, 2.0},  {1.75, 3.8}, {2.0, 5.7},
                        {3.0, 13.4}, {4.0, 20.0}, {5.0, 25.5}};
    for (const Row& r : rows) {
        EXPECT_NEAR(-100.0 * an::impermanent_loss_v2(r.ratio), r.loss_percent, 0.05)
            << "ratio " << r.ratio;
        // Symmetric in log price: a fall by the same factor loses the same fraction.
        EXPECT_NEAR(an::impermanent_loss_v2(1.0 / r.ratio), an::impermanent_loss_v2(r.ratio),
                    1e-15);
    }
}

// IL from the value formula (hold the deposited amounts vs the position's amounts, both from
// eqs. 6.29/6.30) against the closed form, for final prices below, inside and above the range.
TEST(AnalyticsImpermanentLoss, V3ClosedFormMatchesValueFormula) {
    const double p0 = 2000.0;
    const double pa = 1500.0;
    const double pb = 2600.0;
    const double liquidity = 1234.5;
    const auto deposit = an::position_amounts(liquidity, p0, pa, pb);
    for (const double p1 : {500.0, 1500.0, 1700.0, 2000.0, 2300.0, 2600.0, 9000.0}) {
        const double hold = deposit.amount0 * p1 + deposit.amount1;
        const double lp = an::position_value(liquidity, p1, pa, pb);
        EXPECT_NEAR(an::impermanent_loss_v3(p0, p1, pa, pb), lp / hold - 1.0, 1e-13) << "p1 " << p1;
    }
    // Wider ranges lose less; the full range is the v2 loss.
    EXPECT_LT(an::impermanent_loss_v3(p0, 2400.0, pa, pb),
              an::impermanent_loss_v3(p0, 2400.0, 1000.0, 4000.0));
    EXPECT_NEAR(an::impermanent_loss_v3(p0, 2400.0, 0.0, HUGE_VAL), an::impermanent_loss_v2(1.2),
                1e-15);
    EXPECT_NEAR(an::impermanent_loss_v3(p0, 2400.0, 1e-12, 1e18), an::impermanent_loss_v2(1.2),
                1e-9);
    EXPECT_EQ(an::impermanent_loss_v3(p0, p0, pa, pb), 0.0);
}

TEST(AnalyticsPosition, RejectsBadInput) {
    EXPECT_THROW_MSG((void)an::position_amounts(1.0, 1.0, 2.0, 1.0), fast::Error,
                     "position_amounts.price_upper: must be > price_lower 2, got 1");
    EXPECT_THROW_MSG(
        (void)an::impermanent_loss_v3(5.0, 1.0, 1.0, 2.0), fast::Error,
        "impermanent_loss_v3.initial_price: must be > 0 and in [price_lower 1, price_upper "
        "2], got 5");
    EXPECT_THROW_MSG((void)an::impermanent_loss_v2(0.0), fast::Error,
                     "impermanent_loss_v2.price_ratio: must be finite and > 0, got 0");
}
