// Fast constant-product pool: swap algebra against x*y=k, closed-form swap to price, LP shares,
// fee accounting, error messages, and the v2 properties on random sequences.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/amm/fast/error.hpp"

namespace fast = pftoken::amm::fast;

namespace {

double relDiff(double a, double b) {
    return std::fabs(a - b) / std::max(std::fabs(a), std::fabs(b));
}

fast::ConstantProductPool makePool(double r0 = 1000.0, double r1 = 2'000'000.0,
                                   double fee = 0.003) {
    return fast::ConstantProductPool(fast::ConstantProductOptions{r0, r1, fee});
}

}  // namespace

// Expected values from the constant-product algebra itself: with the fee f kept by the pool,
// (r_in + (1-f) in) (r_out - out) = r_in r_out (Adams, Zinsmeister, Robinson, "Uniswap v2 Core"
// (2020), section 3.2.1: the K check on fee-adjusted balances).
TEST(FastConstantProduct, ExactInSatisfiesFeeAdjustedInvariant) {
    struct Row {
        bool zeroForOne;
        double amountIn;
    };
    const Row rows[] = {{true, 1.0}, {true, 250.0}, {false, 1e3}, {false, 5e6}, {true, 1e-6}};
    for (const Row& row : rows) {
        auto pool = makePool();
        const double rIn = row.zeroForOne ? pool.reserve0() : pool.reserve1();
        const double rOut = row.zeroForOne ? pool.reserve1() : pool.reserve0();
        const auto swap = pool.swapExactIn(row.zeroForOne, row.amountIn);
        EXPECT_NEAR((rIn + 0.997 * row.amountIn) * (rOut - swap.amountOut) / (rIn * rOut), 1.0,
                    1e-13)
            << "zeroForOne=" << row.zeroForOne << " in=" << row.amountIn;
        EXPECT_DOUBLE_EQ(swap.feePaid, 0.003 * row.amountIn);
        // The whole input (fee included) joins the reserves.
        EXPECT_DOUBLE_EQ(row.zeroForOne ? pool.reserve0() : pool.reserve1(), rIn + row.amountIn);
        EXPECT_DOUBLE_EQ(row.zeroForOne ? pool.reserve1() : pool.reserve0(), rOut - swap.amountOut);
    }
}

// getAmountIn inverts getAmountOut (real-number versions of UniswapV2Library).
TEST(FastConstantProduct, ExactOutInvertsExactIn) {
    for (const double out : {1.0, 1000.0, 1.5e6}) {
        auto pool = makePool();
        const double in = pool.quoteExactOut(true, out);
        EXPECT_LT(relDiff(pool.quoteExactIn(true, in), out), 1e-13) << "out=" << out;
        const auto swap = pool.swapExactOut(true, out);
        EXPECT_DOUBLE_EQ(swap.amountIn, in);
        EXPECT_DOUBLE_EQ(swap.amountOut, out);
    }
    auto pool = makePool();
    EXPECT_EQ(pool.quoteExactOut(false, pool.reserve0()), HUGE_VAL);
}

// Swapping to a target lands on it, and the trade obeys the same fee-adjusted invariant.
TEST(FastConstantProduct, SwapToPriceLandsOnTargetAndMatchesExactIn) {
    for (const double move : {-0.5, -0.01, -1e-6, 1e-6, 0.02, 3.0}) {
        auto pool = makePool();
        const double target = pool.price() * (1.0 + move);
        const bool zeroForOne = move < 0.0;
        const double expectedOut = pool.quoteExactIn(zeroForOne, pool.quoteToPrice(target));
        const auto swap = pool.swapToPrice(target);
        EXPECT_LT(relDiff(pool.price(), target), 1e-14) << "move=" << move;
        EXPECT_LT(relDiff(swap.amountOut, expectedOut), 1e-9) << "move=" << move;
    }
    auto pool = makePool();
    const auto none = pool.swapToPrice(pool.price());
    EXPECT_EQ(none.amountIn, 0.0);
}

TEST(FastConstantProduct, LiquiditySharesArePaidPerShareAndEarnFees) {
    auto pool = makePool(100.0, 400.0);
    EXPECT_DOUBLE_EQ(pool.totalShares(), 200.0);  // sqrt(100 * 400)
    const auto added = pool.addLiquidity(50.0, 200.0);
    EXPECT_DOUBLE_EQ(added.shares, 100.0);
    // Unbalanced deposit: shares from the scarcer side, excess donated to the pool.
    const auto skewed = pool.addLiquidity(15.0, 100.0);
    EXPECT_DOUBLE_EQ(skewed.shares, 15.0 * 300.0 / 150.0);
    const double k0 = pool.invariant() / (pool.totalShares() * pool.totalShares());
    for (int i = 0; i < 20; ++i) {
        pool.swapExactIn(true, 10.0);
        pool.swapExactIn(false, 40.0);
    }
    // Fees raise k per share (Uniswap v2 whitepaper, section 2.4: sqrt(k) growth is fee income).
    EXPECT_GT(pool.invariant() / (pool.totalShares() * pool.totalShares()), k0);
    EXPECT_NEAR(pool.feesAccrued0(), 20 * 10.0 * 0.003, 1e-12);
    EXPECT_NEAR(pool.feesAccrued1(), 20 * 40.0 * 0.003, 1e-12);
    const double shares = pool.totalShares();
    const double r0 = pool.reserve0();
    const auto removed = pool.removeLiquidity(shares / 4.0);
    EXPECT_DOUBLE_EQ(removed.amount0, r0 / 4.0);
    pool.removeLiquidity(pool.totalShares());
    EXPECT_EQ(pool.reserve0(), 0.0);
    EXPECT_EQ(pool.totalShares(), 0.0);
    const auto first = pool.addLiquidity(4.0, 9.0);
    EXPECT_DOUBLE_EQ(first.shares, 6.0);
}

TEST(FastConstantProduct, RejectsBadInputNamingTheField) {
    const auto message = [](auto&& fn) {
        try {
            fn();
        } catch (const fast::Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(message([] { makePool(-1.0, 1.0); }), "reserve0: must be finite and >= 0, got -1");
    EXPECT_EQ(message([] { makePool(1.0, 0.0); }),
              "reserve0, reserve1: must be both 0 (empty pool) or both > 0, got 1 and 0");
    EXPECT_EQ(message([] { makePool(1.0, 1.0, 1.0); }), "fee: must be in [0, 1), got 1");
    EXPECT_EQ(message([] { makePool().swapExactIn(true, 0.0); }),
              "swapExactIn.amountIn: must be finite and > 0, got 0");
    EXPECT_EQ(message([] { makePool(10.0, 10.0).swapExactOut(true, 10.0); }),
              "swapExactOut.amountOut: must be > 0 and below the output reserve 10, got 10");
    EXPECT_EQ(message([] { makePool().removeLiquidity(1e9); }),
              "removeLiquidity.shares: must be > 0 and <= totalShares 44721.4, got 1e+09");
    EXPECT_EQ(message([] { (void)makePool().quoteToPrice(-2.0); }),
              "swapToPrice.targetPrice: must be finite and > 0, got -2");
}

// Properties (issue 3): on random sequences k never decreases across swaps, and a swap followed
// by its reverse (selling back everything received) never returns more than was put in.
TEST(FastConstantProduct, PropertiesOnRandomSequences) {
    std::mt19937_64 rng(20240603);
    std::uniform_real_distribution<double> logSize(-6.0, 1.0);
    std::bernoulli_distribution coin(0.5);
    std::uniform_int_distribution<int> opKind(0, 9);
    for (int sequence = 0; sequence < 50; ++sequence) {
        auto pool = makePool(1e6, 3e9, sequence % 2 == 0 ? 0.003 : 0.0005);
        for (int op = 0; op < 200; ++op) {
            const int kind = opKind(rng);
            const bool zeroForOne = coin(rng);
            const double reserveIn = zeroForOne ? pool.reserve0() : pool.reserve1();
            const double size = reserveIn * std::pow(10.0, logSize(rng));
            if (kind == 0) {
                pool.addLiquidity(pool.reserve0() * 0.01, pool.reserve1() * 0.01);
                continue;
            }
            if (kind == 1) {
                pool.removeLiquidity(pool.totalShares() * 0.01);
                continue;
            }
            const double kBefore = pool.invariant();
            if (kind < 6) {
                const auto there = pool.swapExactIn(zeroForOne, size);
                EXPECT_GE(pool.invariant(), kBefore * (1.0 - 1e-15));
                const double kMid = pool.invariant();
                const auto back = pool.swapExactIn(!zeroForOne, there.amountOut);
                EXPECT_GE(pool.invariant(), kMid * (1.0 - 1e-15));
                EXPECT_LE(back.amountOut, size * (1.0 + 1e-12))
                    << "sequence " << sequence << " op " << op << " size " << size;
            } else {
                const double out = (zeroForOne ? pool.reserve1() : pool.reserve0()) *
                                   std::pow(10.0, logSize(rng) - 1.5);
                pool.swapExactOut(zeroForOne, out);
                EXPECT_GE(pool.invariant(), kBefore * (1.0 - 1e-15));
            }
        }
    }
}
