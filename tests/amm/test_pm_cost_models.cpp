// Prediction-market cost models: coupled LMSR and the parametric impact market maker.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <string>

#include "pftoken/amm/pm/lmsr.hpp"
#include "pftoken/amm/pm/parametric.hpp"
#include "pftoken/error.hpp"
#include "support/gtest_extra.hpp"

namespace pm = pftoken::amm::pm;

namespace {

pm::LmsrOptions lmsr_with_b(std::size_t outcomes, double b) {
    pm::LmsrOptions options;
    options.outcomes = outcomes;
    options.subsidy = b * std::log(static_cast<double>(outcomes));  // b = Z / ln N
    return options;
}

double price_sum(const pm::Lmsr& market) {
    double sum = 0.0;
    for (std::size_t i = 0; i < market.outcomes(); ++i) sum += market.price(i);
    return sum;
}

double price_sum(const pm::ParametricMarket& market) {
    double sum = 0.0;
    for (std::size_t i = 0; i < market.options().outcomes; ++i) sum += market.price(i);
    return sum;
}

}  // namespace

// Hanson 2003/2007 LMSR; values as stated in issue 16, recomputed from the closed form
// C(q) = b ln sum exp(q_i / b), p_i = exp(q_i / b) / sum exp(q_j / b) (Python math, 16 digits).
TEST(PmLmsr, ClosedFormsOfTheIssue) {
    pm::Lmsr two(lmsr_with_b(2, 100.0));
    EXPECT_NEAR(two.liquidity(), 100.0, 1e-12);
    EXPECT_NEAR(two.cost(), 69.3147180560, 5e-11);  // b ln 2
    EXPECT_NEAR(two.worst_case_loss(), 69.3147180560, 5e-11);
    EXPECT_NEAR(two.cost_of(0, 10.0), 5.1249479514, 5e-11);
    EXPECT_NEAR(two.trade(0, 10.0), 5.1249479514, 5e-11);
    EXPECT_NEAR(two.price(0), 0.5249791875, 5e-11);
    EXPECT_NEAR(two.cost() - 100.0 * std::log(2.0), 5.1249479514, 5e-11);

    pm::Lmsr three(lmsr_with_b(3, 100.0));
    EXPECT_NEAR(three.trade(0, 50.0), 19.5764480750, 5e-11);
    EXPECT_NEAR(three.price(0), 0.4518627619, 5e-11);
    EXPECT_NEAR(three.price(1), (1.0 - 0.4518627619) / 2.0, 5e-11);
}

// Gnosis maps funding Z to b = Z / ln N so that the worst-case loss b ln N is exactly Z.
TEST(PmLmsr, LiquidityFromSubsidyAndActiveMask) {
    EXPECT_NEAR(pm::lmsr_liquidity(100.0, 4), 100.0 / std::log(4.0), 1e-12);
    pm::LmsrOptions options;
    options.outcomes = 5;
    options.subsidy = 50.0;
    options.active[1] = false;
    options.active[3] = false;
    pm::Lmsr market(options);
    EXPECT_NEAR(market.liquidity(), 50.0 / std::log(3.0), 1e-12);
    EXPECT_NEAR(market.worst_case_loss(), 50.0, 1e-12);
    EXPECT_EQ(market.price(1), 0.0);
    EXPECT_NEAR(market.price(0), 1.0 / 3.0, 1e-15);
    EXPECT_THROW_MSG((void)market.cost_of(3, 1.0), pftoken::InputError,
                     "outcome: must name an active outcome in [0, 5), got 3");
}

TEST(PmLmsr, SizeForBudgetAndProceedsInvertCost) {
    for (std::size_t n : {2U, 3U, 7U, 10U}) {
        pm::Lmsr market(lmsr_with_b(n, 100.0));
        (void)market.trade(0, 120.0);
        (void)market.trade(n - 1, 35.0);
        for (std::size_t i = 0; i < n; ++i) {
            for (double budget : {1e-6, 0.5, 7.0, 80.0, 450.0, 5e4}) {
                const double size = market.size_for_budget(i, budget);
                EXPECT_NEAR(market.cost_of(i, size), budget, 1e-12 * budget)
                    << "n=" << n << " i=" << i << " budget=" << budget;
            }
            const double limit = -market.liquidity() * std::log1p(-market.price(i));
            for (double share : {1e-6, 0.1, 0.5, 0.9}) {
                const double proceeds = share * limit;
                const double size = market.size_for_proceeds(i, proceeds);
                EXPECT_NEAR(-market.cost_of(i, -size), proceeds, 1e-12 * proceeds)
                    << "n=" << n << " i=" << i << " proceeds=" << proceeds;
            }
        }
    }
}

// Random buys and sales (a trader sells only what the market maker sold before): the prices
// sum to 1, and for every possible winner w the payout q_w minus the cash collected stays
// within Z = b ln N_active.
TEST(PmLmsr, RandomStreamsKeepPricesOnSimplexAndLossWithinSubsidy) {
    std::mt19937_64 rng(16);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int run = 0; run < 40; ++run) {
        pm::LmsrOptions options;
        options.outcomes = 3 + static_cast<std::size_t>(run % 8);
        options.subsidy = 10.0 + 1000.0 * unit(rng);
        if (run % 3 == 0) options.active[1] = false;
        pm::Lmsr market(options);
        double collected = 0.0;
        for (int step = 0; step < 300; ++step) {
            const std::size_t i = static_cast<std::size_t>(rng() % options.outcomes);
            if (!market.active(i)) continue;
            // Heavy one-sided flow half of the time pushes towards the worst case.
            const double scale = (step % 2 == 0 ? 5.0 : 0.5) * market.liquidity();
            const double size = unit(rng) < 0.7 ? scale * unit(rng) : -market.shares(i) * unit(rng);
            collected += market.trade(i, size);
            ASSERT_NEAR(price_sum(market), 1.0, 1e-12);
        }
        for (std::size_t w = 0; w < options.outcomes; ++w) {
            if (!market.active(w)) continue;
            EXPECT_LE(market.shares(w) - collected, options.subsidy + 1e-9) << "run " << run;
        }
    }
}

// The bound is tight: buying one outcome without limit drives the loss to b ln N = Z.
TEST(PmLmsr, WorstCaseLossIsReachedByOneSidedBuying) {
    pm::Lmsr market(lmsr_with_b(4, 100.0));
    const double paid = market.trade(2, 4000.0);
    EXPECT_NEAR(4000.0 - paid, 100.0 * std::log(4.0), 1e-9);
}

TEST(PmLmsr, BadOptionsAreRejected) {
    pm::LmsrOptions options;
    options.outcomes = 11;
    EXPECT_THROW_MSG(options.validate(), pftoken::InputError, "outcomes: must be <= 10, got 11");
    options = {};
    options.subsidy = 0.0;
    EXPECT_THROW_MSG(options.validate(), pftoken::InputError, "subsidy: must be > 0, got 0");
    options = {};
    options.active = {};
    options.active[2] = true;
    EXPECT_THROW_MSG(options.validate(), pftoken::InputError,
                     "active: at least 2 outcomes must be active, got 1");
}

// Numerical Recipes 5.6: the stable form keeps the small root of x^2 + 1e8 x + 1 = 0 exact
// where the textbook formula loses every digit; exact roots -1e-8 - 1e-24 and -1e8 + 1e-8.
TEST(PmQuadratic, StableRootsKeepTheSmallRoot) {
    const pm::QuadraticRoots roots = pm::stable_quadratic_roots(1.0, 1e8, 1.0);
    EXPECT_NEAR(roots.x2, -1e-8, 1e-22);
    EXPECT_NEAR(roots.x1, -1e8, 1e-6);
    const pm::QuadraticRoots simple = pm::stable_quadratic_roots(2.0, -6.0, 4.0);  // 2(x-1)(x-2)
    EXPECT_DOUBLE_EQ(simple.x1, 2.0);
    EXPECT_DOUBLE_EQ(simple.x2, 1.0);
}

TEST(PmParametric, ParametersInterpolateLinearlyAndClamp) {
    pm::ParametricOptions options;
    options.zeta = {0.0, 0.2};
    options.mu = {1.0, 3.0};
    options.nu = {2.0, 1.0};
    options.kappa = {1.0, 0.5};
    options.t_start = 100.0;
    options.t_end = 200.0;
    const pm::ImpactParams mid = options.at(125.0);
    EXPECT_DOUBLE_EQ(mid.zeta, 0.05);
    EXPECT_DOUBLE_EQ(mid.mu, 1.5);
    EXPECT_DOUBLE_EQ(mid.nu, 1.75);
    EXPECT_DOUBLE_EQ(mid.kappa, 0.875);
    EXPECT_DOUBLE_EQ(options.at(0.0).mu, 1.0);
    EXPECT_DOUBLE_EQ(options.at(1e9).mu, 3.0);
}

// Hand computation from docs/prediction-market.md: N = 4, Z = 100, zeta = 0.1 (f = 0.7), mu = 2,
// kappa = 1.5, eta = 0: a = 2 * 1.5 * 0.7 / 100 = 0.021. Buying 10 from p = 0.25 costs
// 10 (0.25 + 0.021 * 10 / 2) = 3.55, plus fee 1% = 3.5855; p0 -> 0.46, others -> 0.18.
TEST(PmParametric, BuyCostImpactAndDiversionByHand) {
    pm::ParametricOptions options;
    options.outcomes = 4;
    options.subsidy = 100.0;
    options.fee = 0.01;
    options.eta = 0.0;
    options.zeta = {0.1, 0.1};
    options.mu = {2.0, 2.0};
    options.kappa = {1.5, 1.5};
    pm::ParametricMarket market(options);
    EXPECT_NEAR(market.buy_slope(0, 0.0), 0.021, 1e-15);
    const pm::ParametricQuote fill = market.buy(0, 10.0, 0.0);
    EXPECT_FALSE(fill.capped);
    EXPECT_NEAR(fill.cash, 3.5855, 1e-13);
    EXPECT_NEAR(fill.fee, 0.0355, 1e-13);
    EXPECT_NEAR(market.price(0), 0.46, 1e-14);
    for (std::size_t j = 1; j < 4; ++j) EXPECT_NEAR(market.price(j), 0.18, 1e-14);
    EXPECT_NEAR(market.collected(), 3.5855, 1e-13);
    EXPECT_NEAR(market.worst_case_loss(), 10.0 - 3.5855, 1e-13);
    // Selling 4 back with nu = 1: b = 1.5 * 0.7 / 100 = 0.0105; proceeds
    // 0.99 * 4 (0.46 - 0.0105 * 4 / 2) = 0.99 * 1.756 = 1.73844.
    const pm::ParametricQuote sale = market.sell(0, 4.0, 0.0);
    EXPECT_NEAR(sale.cash, 1.73844, 1e-13);
    EXPECT_NEAR(market.price(0), 0.46 - 0.042, 1e-14);
    EXPECT_NEAR(market.price(1), 0.18 + 0.014, 1e-14);
}

// The penalty factor 1 + eta (p - p_min) / (p_max - p) grows without bound towards p_max.
TEST(PmParametric, PenaltySteepensImpactNearTheBounds) {
    pm::ParametricOptions options;
    options.outcomes = 2;
    options.eta = 0.5;
    options.p_min = 0.05;
    options.p_max = 0.95;
    pm::ParametricMarket market(options);
    const double plain = 1.0 / 100.0;  // mu kappa f / Z with f = 1
    EXPECT_NEAR(market.buy_slope(0, 0.0), plain * (1.0 + 0.5 * 0.45 / 0.45), 1e-15);
    EXPECT_NEAR(market.sell_slope(0, 0.0), plain * (1.0 + 0.5 * 0.45 / 0.45), 1e-15);
    (void)market.buy(0, 20.0, 0.0);  // p: 0.5 + 0.015 * 20 = 0.8
    EXPECT_NEAR(market.price(0), 0.8, 1e-15);
    EXPECT_NEAR(market.buy_slope(0, 0.0), plain * (1.0 + 0.5 * 0.75 / 0.15), 1e-15);
    // A buy larger than the distance to p_max is filled up to the bound and reported capped.
    const pm::ParametricQuote fill = market.buy(0, 100.0, 0.0);
    EXPECT_TRUE(fill.capped);
    EXPECT_NEAR(fill.size, 0.15 / 0.035, 1e-12);
    EXPECT_NEAR(market.price(0), 0.95, 1e-15);
    EXPECT_EQ(market.max_buy(0, 0.0), 0.0);
}

TEST(PmParametric, SizeForBudgetAndProceedsInvertCost) {
    for (std::size_t n : {2U, 3U, 6U, 10U}) {
        pm::ParametricOptions options;
        options.outcomes = n;
        options.subsidy = 500.0;
        options.fee = 0.02;
        options.zeta = {0.5 / static_cast<double>(n), 0.0};
        options.mu = {1.3, 0.8};
        options.nu = {0.7, 1.1};
        options.kappa = {2.0, 1.0};
        pm::ParametricMarket market(options);
        (void)market.buy(0, 40.0, 0.3);
        for (double t : {0.0, 0.5, 1.0}) {
            for (std::size_t i = 0; i < n; ++i) {
                for (double budget : {1e-6, 0.3, 2.0, 9.0}) {
                    const double size = market.size_for_budget(i, budget, t);
                    const pm::ParametricQuote quote = market.quote_buy(i, size, t);
                    ASSERT_FALSE(quote.capped) << "n=" << n << " budget=" << budget;
                    EXPECT_NEAR(quote.cash, budget, 1e-12 * budget)
                        << "n=" << n << " i=" << i << " t=" << t << " budget=" << budget;
                }
            }
            for (double proceeds : {1e-6, 0.1, 0.8}) {
                const double size = market.size_for_proceeds(0, proceeds, t);
                const pm::ParametricQuote quote = market.quote_sell(0, size, t);
                ASSERT_FALSE(quote.capped) << "n=" << n << " proceeds=" << proceeds;
                EXPECT_NEAR(quote.cash, proceeds, 1e-12 * proceeds) << "n=" << n << " t=" << t;
            }
        }
    }
}

// Random buys and sales over time with ramped parameters, fees and penalties: the active YES
// prices sum to 1, stay in [p_min, p_max], and no winner costs the market maker more than Z.
TEST(PmParametric, RandomStreamsKeepPricesInBoundsAndLossWithinSubsidy) {
    std::mt19937_64 rng(1616);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    int capped = 0;
    double worst_share = 0.0;  // largest loss / Z seen
    for (int run = 0; run < 40; ++run) {
        pm::ParametricOptions options;
        options.outcomes = 3 + static_cast<std::size_t>(run % 8);
        const double n = static_cast<double>(options.outcomes);
        options.subsidy = 5.0 + 200.0 * unit(rng);
        options.fee = run % 2 == 0 ? 0.0 : 0.03 * unit(rng);
        options.p_min = 0.2 / n;
        options.p_max = 0.9;
        options.eta = 0.3 * unit(rng);
        options.zeta = {0.9 * unit(rng) / (n - 1.0), 0.9 * unit(rng) / (n - 1.0)};
        options.mu = {0.5 + unit(rng), 0.5 + unit(rng)};
        options.nu = {0.5 + unit(rng), 0.5 + unit(rng)};
        options.kappa = {0.2 + unit(rng), 0.2 + unit(rng)};
        options.t_end = 300.0;
        if (run % 4 == 1) options.active[0] = false;
        pm::ParametricMarket market(options);
        for (int step = 0; step < 300; ++step) {
            const auto i = static_cast<std::size_t>(rng() % options.outcomes);
            if (!options.active[i]) continue;
            const double t = static_cast<double>(step);
            // Half the stream hammers outcome 1 to reach the price bounds and the loss cap.
            const std::size_t target = step % 2 == 0 ? 1 : i;
            const double scale = options.subsidy * (step % 2 == 0 ? 2.0 : 0.3);
            const pm::ParametricQuote fill =
                unit(rng) < 0.65 ? market.buy(target, scale * unit(rng), t)
                                 : market.sell(target, market.held(target) * unit(rng), t);
            capped += fill.capped ? 1 : 0;
            ASSERT_NEAR(price_sum(market), 1.0, 1e-12) << "run " << run << " step " << step;
            for (std::size_t j = 0; j < options.outcomes; ++j) {
                if (!options.active[j]) continue;
                ASSERT_GE(market.price(j), options.p_min - 1e-12) << "run " << run;
                ASSERT_LE(market.price(j), options.p_max + 1e-12) << "run " << run;
                ASSERT_GE(market.held(j), -1e-9);
            }
            for (std::size_t w = 0; w < options.outcomes; ++w) {
                if (!options.active[w]) continue;
                ASSERT_LE(market.held(w) - market.collected(), options.subsidy + 1e-9)
                    << "run " << run << " step " << step << " winner " << w;
                worst_share =
                    std::max(worst_share, (market.held(w) - market.collected()) / options.subsidy);
            }
        }
    }
    EXPECT_GT(capped, 100);        // the streams do reach the bounds
    EXPECT_GT(worst_share, 0.99);  // ... and the loss cap, which then holds
}

TEST(PmParametric, BadOptionsAreRejected) {
    pm::ParametricOptions options;
    options.zeta = {0.0, 0.5};
    EXPECT_THROW_MSG(options.validate(), pftoken::InputError, "zeta.end: must be < 0.5, got 0.5");
    options = {};
    options.mu = {0.0, 1.0};
    EXPECT_THROW_MSG(options.validate(), pftoken::InputError, "mu.start: must be > 0, got 0");
    options = {};
    options.kappa = {1.0, -1.0};
    EXPECT_THROW_MSG(options.validate(), pftoken::InputError, "kappa.end: must be > 0, got -1");
    options = {};
    options.p_max = 0.4;
    EXPECT_THROW_MSG(options.validate(), pftoken::InputError, "p_max: must be > 0.5, got 0.4");
    options = {};
    options.outcomes = 4;
    options.p_min = 0.25;
    EXPECT_THROW_MSG(options.validate(), pftoken::InputError, "p_min: must be < 0.25, got 0.25");
    options = {};
    options.fee = 1.0;
    EXPECT_THROW_MSG(options.validate(), pftoken::InputError, "fee: must be in [0, 1), got 1");
    options = {};
    options.eta = -0.1;
    EXPECT_THROW_MSG(options.validate(), pftoken::InputError, "eta: must be >= 0, got -0.1");
    options = {};
    options.subsidy = std::nan("");
    options.nu = {1.0, 0.0};
    EXPECT_THROW_MSG(
        options.validate(), pftoken::InputError,
        "2 input errors:\n  subsidy: must be finite, got nan\n  nu.end: must be > 0, got 0");
    options = {};
    options.t_end = 0.0;
    EXPECT_THROW_MSG(options.validate(), pftoken::InputError, "t_end: must be > 0, got 0");
    pm::ParametricMarket market(pm::ParametricOptions{});
    EXPECT_THROW_MSG((void)market.size_for_budget(0, -1.0, 0.0), pftoken::InputError,
                     "budget: must be >= 0, got -1");
}
