// Liquidity allocation: the depth found must give exactly the allowed price move when the sale
// is executed on the fast pool twins (Uniswap v2 getAmountOut; v3 swap inside one range).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/integration/liquidity_allocation.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration;

const std::string kSource = PFTOKEN_SOURCE_DIR;

// v2 (Adams et al. 2020 sec. 3.2.1): selling Q into reserves (x, p x) leaves the price at
// p x^2 / ((x + Q)(x + (1-f) Q)); the reserve found must give exactly p (1 - m).
// Hand value (f = 0, Q = 1, m = 0.75): x^2 / (x + 1)^2 = 1/4 -> x = 1.
TEST(LiquidityAllocation, V2ReserveGivesTheAllowedMove) {
    EXPECT_NEAR(v2_reserve_for_impact(1.0, 0.75, 0.0), 1.0, 1e-14);
    struct Case {
        double q, m, fee, price;
    };
    const Case cases[] = {{520.0, 0.05, 0.003, 1000.0}, {10.0, 0.01, 0.003, 2.5}, {1e6, 0.2, 0.01, 0.1}};
    for (const auto& c : cases) {
        const double x = v2_reserve_for_impact(c.q, c.m, c.fee);
        amm::fast::ConstantProductPool pool({x, x * c.price, c.fee});
        (void)pool.swap_exact_in(true, c.q);
        EXPECT_NEAR(pool.price() / c.price, 1.0 - c.m, 1e-12) << "Q " << c.q;
    }
}

// v3 (Adams et al., "Uniswap v3 Core" 2021, eq. 6.15-6.16: selling dx of token0 inside a range
// moves 1/sqrtP by (1-f) dx / L): one position with the liquidity found moves the price by m.
TEST(LiquidityAllocation, V3RangeAndLiquidityGiveTheAllowedMove) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const auto valuation = value(project);
    for (double m : {0.01, 0.05, 0.2}) {
        LiquidityAllocationOptions options;
        options.sale_tokens = 520.0;
        options.max_price_move = m;
        const auto r = allocate_liquidity(1000.0, valuation, options);
        EXPECT_LE(r.v3_lower_price, 1000.0 * (1.0 - m));
        EXPECT_GT(r.v3_lower_price, 1000.0 * (1.0 - m) / std::pow(1.0001, 60));  // within one spacing
        EXPECT_GT(r.v3_upper_price, 1000.0);
        amm::fast::ConcentratedLiquidityOptions po;
        po.sqrt_price = std::sqrt(1000.0);
        po.token0_unit = po.token1_unit = 0.0;  // human units, real numbers
        amm::fast::ConcentratedLiquidityPool pool(po);
        (void)pool.mint("lp", r.v3_lower_tick, r.v3_upper_tick, r.v3_liquidity);
        (void)pool.swap_exact_in(true, 520.0);
        EXPECT_NEAR(pool.price() / 1000.0, 1.0 - m, 1e-9) << "m " << m;
        // a v2 pool needs more capital for the same depth
        EXPECT_GT(r.capital_efficiency, 1.0);
        // the capital is what the mint asks for, tokens valued at the price
        amm::fast::ConcentratedLiquidityPool fresh(po);
        const auto paid = fresh.mint("lp", r.v3_lower_tick, r.v3_upper_tick, r.v3_liquidity);
        EXPECT_NEAR(paid.amount0 * 1000.0 + paid.amount1, r.v3_capital, 1e-6 * r.v3_capital);
    }
}

// Funding: the years are the operating years of the valuation grid and their distributions
// sum to the kernel's distributions column.
TEST(LiquidityAllocation, DistributionsFundTheCapitalOverTime) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const auto valuation = value(project);
    LiquidityAllocationOptions options;
    options.sale_tokens = 520.0;
    const auto r = allocate_liquidity(1000.0, valuation, options);
    double total = 0.0;
    for (double d : valuation.periods.distributions) total += d;
    EXPECT_NEAR(r.total_distributions, total, 1e-6 * total);
    ASSERT_FALSE(r.years.empty());
    EXPECT_GE(r.years_to_fund_v2, r.years_to_fund_v3);
    if (r.years_to_fund_v3 > 0) {
        EXPECT_GE(r.years[static_cast<std::size_t>(r.years_to_fund_v3 - 1)].cumulative, r.v3_capital);
    }
}

TEST(LiquidityAllocation, BadOptionsNameTheField) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const auto valuation = value(project);
    LiquidityAllocationOptions options;
    options.sale_tokens = 10.0;
    options.max_price_move = 1.5;
    try {
        (void)allocate_liquidity(1000.0, valuation, options);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "liquidity.max_price_move: must be in (0, 1), got 1.5");
    }
    options.max_price_move = 0.05;
    options.sale_tokens = -3.0;
    std::string why;
    EXPECT_FALSE(options.isValid(&why));
    EXPECT_EQ(why, "liquidity.sale_tokens: must be > 0, got -3");
}

}  // namespace

// Depth over the token's life. Reference for the first point: pftoken::value()'s price per token
// at COD (itself checked against QuantLib's DiscountingBondEngine in the core tests). Then: the
// senior token amortises, so its fair value per token falls to ~0 by maturity, and the v3
// liquidity for a fixed sale scales with sqrt(price) (L = (1-f) Q sqrt(p) / (1/sqrt(1-m) - 1),
// whitepaper eq. 6.15), which must hold at every point.
TEST(LiquidityAllocation, DepthOverLifeStartsAtTheValuationPrice) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    ValuationOptions vo;
    vo.include_periods = true;
    const ValuationResult valuation = value(project, vo);
    LiquidityAllocationOptions options;
    options.sale_tokens = 520.0;
    options.max_price_move = 0.05;
    options.fee = 0.003;
    options.tick_spacing = 60;
    const auto life = liquidity_over_life(project, valuation, 0, options);
    ASSERT_GE(life.size(), 10u);
    const double reference = valuation.tranches[0].price_per_token;
    // Priced with the tranche discount of value() (measure.hpp), the same association and order:
    // the same bits.
    EXPECT_EQ(life.front().price, reference);
    EXPECT_EQ(life.front().years_from_cod, 0.0);
    const double factor = (1.0 - options.fee) * options.sale_tokens / (1.0 / std::sqrt(1.0 - options.max_price_move) - 1.0);
    for (std::size_t i = 0; i < life.size(); ++i) {
        EXPECT_NEAR(life[i].liquidity, factor * std::sqrt(life[i].price), 1e-9 * life[i].liquidity) << i;
        EXPECT_LT(life[i].lower_tick, life[i].upper_tick) << i;
        if (i > 0) {
            EXPECT_GT(life[i].years_from_cod, life[i - 1].years_from_cod) << i;
            EXPECT_LT(life[i].price, life[i - 1].price * 1.05) << i;  // no jump up on an amortising token
        }
    }
    EXPECT_LT(life.back().price, 0.2 * reference);  // mostly repaid by the last year end
}
