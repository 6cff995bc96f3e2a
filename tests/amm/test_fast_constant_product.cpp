// Fast constant-product pool: swap algebra against x*y=k, closed-form swap to price, LP shares,
// fee accounting, error messages, and the v2 properties on random sequences.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/amm/fast/error.hpp"
#include "support/gtest_extra.hpp"

namespace fast = pftoken::amm::fast;

namespace {

double rel_diff(double a, double b) {
    return std::fabs(a - b) / std::max(std::fabs(a), std::fabs(b));
}

fast::ConstantProductPool make_pool(double r0 = 1000.0, double r1 = 2'000'000.0,
                                    double fee = 0.003) {
    return fast::ConstantProductPool(fast::ConstantProductOptions{r0, r1, fee});
}

}  // namespace

// Expected values from the constant-product algebra itself: with the fee f kept by the pool,
// (r_in + (1-f) in) (r_out - out) = r_in r_out (Adams, Zinsmeister, Robinson, "Uniswap v2 Core"
// (2020), section 3.2.1: the K check on fee-adjusted balances).
TEST(FastConstantProduct, ExactInSatisfiesFeeAdjustedInvariant) {
    struct Row {
        bool zero_for_one;
        double amount_in;
    };
    const Row rows[] = {{true, 1.0}, {true, 250.0}, {false, 1e3}, {false, 5e6}, {true, 1e-6}};
    for (const Row& row : rows) {
        auto pool = make_pool();
        const double r_in = row.zero_for_one ? pool.reserve0() : pool.reserve1();
        const double r_out = row.zero_for_one ? pool.reserve1() : pool.reserve0();
        const auto swap = pool.swap_exact_in(row.zero_for_one, row.amount_in);
        EXPECT_NEAR((r_in + 0.997 * row.amount_in) * (r_out - swap.amount_out) / (r_in * r_out),
                    1.0, 1e-13)
            << "zero_for_one=" << row.zero_for_one << " in=" << row.amount_in;
        EXPECT_DOUBLE_EQ(swap.fee_paid, 0.003 * row.amount_in);
        // The whole input (fee included) joins the reserves.
        EXPECT_DOUBLE_EQ(row.zero_for_one ? pool.reserve0() : pool.reserve1(),
                         r_in + row.amount_in);
        EXPECT_DOUBLE_EQ(row.zero_for_one ? pool.reserve1() : pool.reserve0(),
                         r_out - swap.amount_out);
    }
}

// getAmountIn inverts getAmountOut (real-number versions of UniswapV2Library).
TEST(FastConstantProduct, ExactOutInvertsExactIn) {
    for (const double out : {1.0, 1000.0, 1.5e6}) {
        auto pool = make_pool();
        const double in = pool.quote_exact_out(true, out);
        EXPECT_LT(rel_diff(pool.quote_exact_in(true, in), out), 1e-13) << "out=" << out;
        const auto swap = pool.swap_exact_out(true, out);
        EXPECT_DOUBLE_EQ(swap.amount_in, in);
        EXPECT_DOUBLE_EQ(swap.amount_out, out);
    }
    auto pool = make_pool();
    EXPECT_EQ(pool.quote_exact_out(false, pool.reserve0()), HUGE_VAL);
}

// Swapping to a target lands on it, and the trade obeys the same fee-adjusted invariant.
TEST(FastConstantProduct, SwapToPriceLandsOnTargetAndMatchesExactIn) {
    for (const double move : {-0.5, -0.01, -1e-6, 1e-6, 0.02, 3.0}) {
        auto pool = make_pool();
        const double target = pool.price() * (1.0 + move);
        const bool zero_for_one = move < 0.0;
        const double expected_out = pool.quote_exact_in(zero_for_one, pool.quote_to_price(target));
        const auto swap = pool.swap_to_price(target);
        EXPECT_LT(rel_diff(pool.price(), target), 1e-14) << "move=" << move;
        EXPECT_LT(rel_diff(swap.amount_out, expected_out), 1e-9) << "move=" << move;
    }
    auto pool = make_pool();
    const auto none = pool.swap_to_price(pool.price());
    EXPECT_EQ(none.amount_in, 0.0);
}

TEST(FastConstantProduct, LiquiditySharesArePaidPerShareAndEarnFees) {
    auto pool = make_pool(100.0, 400.0);
    EXPECT_DOUBLE_EQ(pool.total_shares(), 200.0);  // sqrt(100 * 400)
    const auto added = pool.add_liquidity(50.0, 200.0);
    EXPECT_DOUBLE_EQ(added.shares, 100.0);
    // Unbalanced deposit: shares from the scarcer side, excess donated to the pool.
    const auto skewed = pool.add_liquidity(15.0, 100.0);
    EXPECT_DOUBLE_EQ(skewed.shares, 15.0 * 300.0 / 150.0);
    const double k0 = pool.invariant() / (pool.total_shares() * pool.total_shares());
    for (int i = 0; i < 20; ++i) {
        pool.swap_exact_in(true, 10.0);
        pool.swap_exact_in(false, 40.0);
    }
    // Fees raise k per share (Uniswap v2 whitepaper, section 2.4: sqrt(k) growth is fee income).
    EXPECT_GT(pool.invariant() / (pool.total_shares() * pool.total_shares()), k0);
    EXPECT_NEAR(pool.fees_accrued0(), 20 * 10.0 * 0.003, 1e-12);
    EXPECT_NEAR(pool.fees_accrued1(), 20 * 40.0 * 0.003, 1e-12);
    const double shares = pool.total_shares();
    const double r0 = pool.reserve0();
    const auto removed = pool.remove_liquidity(shares / 4.0);
    EXPECT_DOUBLE_EQ(removed.amount0, r0 / 4.0);
    pool.remove_liquidity(pool.total_shares());
    EXPECT_EQ(pool.reserve0(), 0.0);
    EXPECT_EQ(pool.total_shares(), 0.0);
    const auto first = pool.add_liquidity(4.0, 9.0);
    EXPECT_DOUBLE_EQ(first.shares, 6.0);
}

TEST(FastConstantProduct, RejectsBadInputNamingTheField) {
    EXPECT_THROW_MSG(make_pool(-1.0, 1.0), fast::Error,
                     "reserve0: must be finite and >= 0, got -1");
    EXPECT_THROW_MSG(make_pool(1.0, 0.0), fast::Error,
                     "reserve0, reserve1: must be both 0 (empty pool) or both > 0, got 1 and 0");
    EXPECT_THROW_MSG(make_pool(1.0, 1.0, 1.0), fast::Error, "fee: must be in [0, 1), got 1");
    EXPECT_THROW_MSG(make_pool().swap_exact_in(true, 0.0), fast::Error,
                     "swap_exact_in.amount_in: must be finite and > 0, got 0");
    EXPECT_THROW_MSG(
        make_pool(10.0, 10.0).swap_exact_out(true, 10.0), fast::Error,
        "swap_exact_out.amount_out: must be > 0 and below the output reserve 10, got 10");
    EXPECT_THROW_MSG(make_pool().remove_liquidity(1e9), fast::Error,
                     "remove_liquidity.shares: must be > 0 and <= total_shares 44721.4, got 1e+09");
    EXPECT_THROW_MSG((void)make_pool().quote_to_price(-2.0), fast::Error,
                     "swap_to_price.target_price: must be finite and > 0, got -2");
}

// Properties (issue 3): on random sequences k never decreases across swaps, and a swap followed
// by its reverse (selling back everything received) never returns more than was put in.
TEST(FastConstantProduct, PropertiesOnRandomSequences) {
    std::mt19937_64 rng(20240603);
    std::uniform_real_distribution<double> log_size(-6.0, 1.0);
    std::bernoulli_distribution coin(0.5);
    std::uniform_int_distribution<int> op_kind(0, 9);
    for (int sequence = 0; sequence < 50; ++sequence) {
        auto pool = make_pool(1e6, 3e9, sequence % 2 == 0 ? 0.003 : 0.0005);
        for (int op = 0; op < 200; ++op) {
            const int kind = op_kind(rng);
            const bool zero_for_one = coin(rng);
            const double reserve_in = zero_for_one ? pool.reserve0() : pool.reserve1();
            const double size = reserve_in * std::pow(10.0, log_size(rng));
            if (kind == 0) {
                pool.add_liquidity(pool.reserve0() * 0.01, pool.reserve1() * 0.01);
                continue;
            }
            if (kind == 1) {
                pool.remove_liquidity(pool.total_shares() * 0.01);
                continue;
            }
            const double kBefore = pool.invariant();
            if (kind < 6) {
                const auto there = pool.swap_exact_in(zero_for_one, size);
                EXPECT_GE(pool.invariant(), kBefore * (1.0 - 1e-15));
                const double kMid = pool.invariant();
                const auto back = pool.swap_exact_in(!zero_for_one, there.amount_out);
                EXPECT_GE(pool.invariant(), kMid * (1.0 - 1e-15));
                EXPECT_LE(back.amount_out, size * (1.0 + 1e-12))
                    << "sequence " << sequence << " op " << op << " size " << size;
            } else {
                const double out = (zero_for_one ? pool.reserve1() : pool.reserve0()) *
                                   std::pow(10.0, log_size(rng) - 1.5);
                pool.swap_exact_out(zero_for_one, out);
                EXPECT_GE(pool.invariant(), kBefore * (1.0 - 1e-15));
            }
        }
    }
}
