// Liquidity allocation: the depth found must give exactly the allowed price move when the sale
// is executed on the fast pool twins (Uniswap v2 getAmountOut; v3 swap inside one range).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/integration/liquidity_allocation.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "support/gtest_extra.hpp"

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
    EXPECT_THROW_MSG((void)allocate_liquidity(1000.0, valuation, options), Error,
                     "liquidity.max_price_move: must be in (0, 1), got 1.5");
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

// Valued after COD (docs/valuation-date.md), the depth over life starts at the valuation date,
// discounted on the curve referenced at it. References: the first point is value()'s price per
// token of the seasoned example (947.89 on 2028-05-01; discounting on the COD curve gave the COD
// value 1,013.33), 747 days after COD (2026-04-15 -> 2028-05-01, 2028 a leap year); the next is
// the third COD anniversary, 2029-04-15 (1096 days after COD): its price is
// value() of the same dated project re-valued at 2029-04-15 (a payment date: dirty = clean), which
// holds exactly on a flat curve (DF_V(u) / DF_V(j) = DF_j(u) for a flat rate, and the spread's
// exp(-s (t_u - t_j)) is the same from either date on Act/365F).
TEST(LiquidityAllocation, DepthOverLifeStartsAtALaterValuationDate) {
    ValuationOptions vo;
    vo.include_periods = true;
    LiquidityAllocationOptions options;
    options.sale_tokens = 520.0;
    const Project seasoned = load_project(kSource + "/data/examples/solar_seasoned.yaml");
    const ValuationResult sv = value(seasoned, vo);
    const auto life_s = liquidity_over_life(seasoned, sv, 0, options);
    ASSERT_GE(life_s.size(), 2u);
    EXPECT_EQ(life_s.front().price, sv.tranches[0].price_per_token);
    EXPECT_NEAR(life_s.front().price, 947.8904, 5e-5);
    EXPECT_NEAR(life_s.front().years_from_cod, 747.0 / 365.0, 1e-12);
    EXPECT_NEAR(life_s[1].years_from_cod, 1096.0 / 365.0, 1e-12);

    Project dated = load_project(kSource + "/data/examples/solar.yaml");
    dated.market.discount = CurveSpec{};  // flat 5% (CurveSpec's default)
    dated.valuation_date = CalendarDate{std::chrono::year{2028}, std::chrono::month{5}, std::chrono::day{1}};
    const ValuationResult dv = value(dated, vo);
    const auto life = liquidity_over_life(dated, dv, 0, options);
    ASSERT_GE(life.size(), 2u);
    EXPECT_EQ(life.front().price, dv.tranches[0].price_per_token);
    Project later = dated;
    later.valuation_date = CalendarDate{std::chrono::year{2029}, std::chrono::month{4}, std::chrono::day{15}};
    const double reference = value(later).tranches[0].price_per_token;
    EXPECT_NEAR(life[1].price, reference, 1e-10 * reference);
}

// Funding from the equity distributions still to come: for a project valued after COD the
// distributions paid on or before the valuation date are not counted (reference: the sum of
// value()'s per-period distributions after 2028-05-01).
TEST(LiquidityAllocation, DistributionsAfterTheValuationDateFundThePool) {
    ValuationOptions vo;
    vo.include_periods = true;
    const Project seasoned = load_project(kSource + "/data/examples/solar_seasoned.yaml");
    const ValuationResult v = value(seasoned, vo);
    double expected = 0.0;
    for (std::size_t t = 0; t < v.periods.distributions.size(); ++t)
        if (v.grid.end[t] > *seasoned.valuation_date) expected += v.periods.distributions[t];
    LiquidityAllocationOptions options;
    options.sale_tokens = 520.0;
    const auto r = allocate_liquidity(1000.0, v, options);
    EXPECT_NEAR(r.total_distributions, expected, 1e-6 * expected);
    double all = 0.0;
    for (double d : v.periods.distributions) all += d;
    EXPECT_LT(r.total_distributions, all);
}

// The years the distributions take to fund the pool count from the valuation date for a project
// valued after COD (docs/valuation-date.md). Reference, derived by grouping value()'s per-period
// distributions of the seasoned example by calendar (not by the grid's operating years): year y
// holds the payment dates in (2028+y-05-01, 2029+y-05-01], i.e. the monthly dates 2028+y-05-15 ..
// 2029+y-04-15. Cumulative: 1.30m after year 1, 35.03m after 12, 39.05m after 13. At the pool price
// 937.50 (data/pools/solar_senior_v2_2028.yaml, fee 0.3%) a 520-token sale at most 5% impact
// needs 1.06m of v3 capital (funded in year 1) and 37.89m of v2 capital (year 13). Counted from
// COD (the old count) the two years of history already paid out made these 3 and 15.
TEST(LiquidityAllocation, YearsToFundCountFromTheValuationDate) {
    ValuationOptions vo;
    vo.include_periods = true;
    const Project seasoned = load_project(kSource + "/data/examples/solar_seasoned.yaml");
    const ValuationResult v = value(seasoned, vo);
    using std::chrono::day;
    using std::chrono::month;
    std::vector<double> by_year;
    for (std::size_t t = 0; t < v.periods.distributions.size(); ++t) {
        const CalendarDate e = v.grid.end[t];
        if (!(e > *seasoned.valuation_date)) continue;
        const bool after_anniversary = e.month() > month{5} || (e.month() == month{5} && e.day() > day{1});
        const int y = static_cast<int>(e.year()) - (after_anniversary ? 2028 : 2029);
        if (by_year.size() <= static_cast<std::size_t>(y)) by_year.resize(static_cast<std::size_t>(y) + 1, 0.0);
        by_year[static_cast<std::size_t>(y)] += v.periods.distributions[t];
    }
    std::vector<double> cumulative(by_year.size());
    double sum = 0.0;
    for (std::size_t y = 0; y < by_year.size(); ++y) cumulative[y] = sum += by_year[y];
    ASSERT_GE(cumulative.size(), 13u);
    EXPECT_NEAR(cumulative[0], 1.302969e6, 1.0);
    EXPECT_NEAR(cumulative[11], 35.033603e6, 1.0);
    EXPECT_NEAR(cumulative[12], 39.048486e6, 1.0);

    LiquidityAllocationOptions options;
    options.sale_tokens = 520.0;
    options.max_price_move = 0.05;
    options.fee = 0.003;
    const auto r = allocate_liquidity(937.50, v, options);
    ASSERT_GT(r.v3_capital, 0.0);
    EXPECT_LT(r.v3_capital, cumulative[0]);
    EXPECT_GT(r.v2_capital, cumulative[11]);
    EXPECT_LT(r.v2_capital, cumulative[12]);
    EXPECT_EQ(r.years_to_fund_v3, 1);
    EXPECT_EQ(r.years_to_fund_v2, 13);
    ASSERT_EQ(r.years.size(), by_year.size());
    for (std::size_t y = 0; y < by_year.size(); ++y) {
        EXPECT_EQ(r.years[y].year, static_cast<int>(y));
        EXPECT_NEAR(r.years[y].distributions, by_year[y], 1e-9 * std::max(1.0, std::abs(by_year[y]))) << y;
    }
}
