// Fast concentrated-liquidity pool: swaps against the constant-product algebra of virtual
// reserves, tick crossing by hand, fees, positions, reverts, and the v3 properties on random
// sequences.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/error.hpp"

namespace fast = pftoken::amm::fast;

namespace {

double relDiff(double a, double b) {
    const double scale = std::max(std::fabs(a), std::fabs(b));
    return scale == 0.0 ? 0.0 : std::fabs(a - b) / scale;
}

fast::ConcentratedLiquidityPool makePool(double sqrtPrice = 1.0, std::uint32_t fee = 3000,
                                         int spacing = 60) {
    fast::ConcentratedLiquidityOptions options;
    options.fee = fee;
    options.tickSpacing = spacing;
    options.sqrtPrice = sqrtPrice;
    return fast::ConcentratedLiquidityPool(options);
}

template <class Fn>
std::string errorOf(Fn&& fn) {
    try {
        fn();
    } catch (const fast::Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(FastTickMath, MatchesPublishedTickMathValues) {
    // getSqrtRatioAtTick values from Uniswap v3-core TickMath.spec.ts snapshot (divided by 2^96):
    // MIN_SQRT_RATIO = 4295128739, MAX_SQRT_RATIO =
    // 1461446703485210103287273052203988822378723970342. MIN_SQRT_RATIO is truncated to an integer
    // of 33 bits: 2.3e-10 relative below the real value.
    EXPECT_LT(relDiff(fast::sqrtPriceAtTick(fast::kMinTick), fast::kMinSqrtPrice), 3e-10);
    EXPECT_LT(relDiff(fast::sqrtPriceAtTick(fast::kMaxTick), fast::kMaxSqrtPrice), 1e-11);
    EXPECT_EQ(fast::sqrtPriceAtTick(0), 1.0);
    EXPECT_EQ(fast::tickAtSqrtPrice(fast::kMinSqrtPrice), fast::kMinTick);
    for (const int t : {-887271, -500000, -60, -1, 0, 1, 59, 60, 123456, 887271}) {
        EXPECT_EQ(fast::tickAtSqrtPrice(fast::sqrtPriceAtTick(t)), t);
        EXPECT_EQ(fast::tickAtSqrtPrice(fast::sqrtPriceAtTick(t) * (1.0 - 1e-12)), t - 1);
    }
}

// A single position behaves, inside its range, like x*y=k on the virtual reserves
// x = L / sqrt(P), y = L sqrt(P) (whitepaper eqs. 6.5, 6.6) with the fee on the input.
TEST(FastConcentratedLiquidity, SwapInsideOneRangeIsConstantProductOnVirtualReserves) {
    const double liquidity = 1e21;
    const double sqrtPrice = std::sqrt(2500.0);
    struct Row {
        bool zeroForOne;
        double amount;
    };
    const Row rows[] = {{true, 1e18}, {true, 3e19}, {false, 2e21}, {false, 1e15}};
    for (const Row& row : rows) {
        auto pool = makePool(sqrtPrice);
        pool.mint("lp", -887220, 887220, liquidity);
        const double x = liquidity / sqrtPrice;
        const double y = liquidity * sqrtPrice;
        const double rIn = row.zeroForOne ? x : y;
        const double rOut = row.zeroForOne ? y : x;
        const double inLessFee = row.amount * (1.0 - 0.003);
        const double expectedOut = inLessFee * rOut / (rIn + inLessFee);
        const auto r = pool.swapExactIn(row.zeroForOne, row.amount);
        EXPECT_LT(relDiff(row.zeroForOne ? -r.amount1 : -r.amount0, expectedOut), 1e-12);
        EXPECT_LT(relDiff(row.zeroForOne ? r.amount0 : r.amount1, row.amount), 1e-15);
        EXPECT_LT(relDiff(r.feeAmount, row.amount * 0.003), 1e-12);
        EXPECT_EQ(r.ticksCrossed, 0);
        // Virtual reserves after the trade give the new price: P' = y' / x'.
        const double newIn = rIn + inLessFee;
        const double newOut = rOut - expectedOut;
        const double expectedPrice = row.zeroForOne ? newOut / newIn : newIn / newOut;
        EXPECT_LT(relDiff(pool.price(), expectedPrice), 1e-12);
    }
}

// Crossing an initialized tick: amounts are the sum of the per-band deltas of whitepaper
// eqs. 6.14/6.16 (dy = L d sqrt P, dx = L d(1/sqrt P)), computed here by hand.
TEST(FastConcentratedLiquidity, CrossesTicksWithHandComputedAmounts) {
    auto pool = makePool(1.0, 500, 10);
    const double wide = 4e20;
    const double narrow = 6e20;
    pool.mint("wide", -1000, 1000, wide);
    pool.mint("narrow", -100, 100, narrow);
    EXPECT_DOUBLE_EQ(pool.liquidity(), wide + narrow);
    const double sTarget = fast::sqrtPriceAtTick(-300) * 1.00001;  // inside [-1000, -100)
    const double s100 = fast::sqrtPriceAtTick(-100);
    const double in0 = (wide + narrow) * (1.0 / s100 - 1.0) + wide * (1.0 / sTarget - 1.0 / s100);
    const double out1 = (wide + narrow) * (1.0 - s100) + wide * (s100 - sTarget);
    const double gross = in0 / (1.0 - 0.0005);
    const auto r = pool.swapExactIn(true, gross);
    EXPECT_EQ(r.ticksCrossed, 1);
    EXPECT_LT(relDiff(pool.sqrtPrice(), sTarget), 1e-12);
    EXPECT_LT(relDiff(-r.amount1, out1), 1e-12);
    EXPECT_DOUBLE_EQ(pool.liquidity(), wide);
    EXPECT_EQ(pool.tick(), -300);

    // Going back up exactly to tick -100 crosses it (slot0.tick = -100) and restores liquidity.
    const auto up = pool.swapToSqrtPrice(s100);
    EXPECT_EQ(up.ticksCrossed, 1);
    EXPECT_EQ(pool.tick(), -100);
    EXPECT_DOUBLE_EQ(pool.liquidity(), wide + narrow);
    // Down to the same tick: crossed on arrival, slot0.tick is one below (as on chain).
    pool.swapToSqrtPrice(1.0);
    pool.swapToSqrtPrice(s100);
    EXPECT_EQ(pool.tick(), -101);
    EXPECT_DOUBLE_EQ(pool.liquidity(), wide);
    // A swap starting on an initialized tick crosses it with zero amounts first.
    const auto back = pool.swapExactIn(false, 1e10);
    EXPECT_EQ(back.ticksCrossed, 1);
    EXPECT_DOUBLE_EQ(pool.liquidity(), wide + narrow);
    EXPECT_EQ(pool.tick(), -100);
}

TEST(FastConcentratedLiquidity, ExactOutputAndPriceLimit) {
    auto pool = makePool(std::sqrt(0.5), 3000, 60);
    pool.mint("a", -12000, 0, 3e19);
    pool.mint("b", -7200, -6000, 5e19);
    for (const bool zeroForOne : {true, false}) {
        auto p = pool;
        const double wanted = 2e17;
        const auto out = p.swapExactOut(zeroForOne, wanted);
        EXPECT_DOUBLE_EQ(zeroForOne ? -out.amount1 : -out.amount0, wanted);
        // Paying the same input as an exact-in swap returns the same output.
        auto q = pool;
        const auto in = q.swapExactIn(zeroForOne, zeroForOne ? out.amount0 : out.amount1);
        EXPECT_LT(relDiff(zeroForOne ? -in.amount1 : -in.amount0, wanted), 1e-12);
        EXPECT_LT(relDiff(q.sqrtPrice(), p.sqrtPrice()), 1e-14);
    }
    // A price limit stops the swap early at exactly the limit.
    auto p = pool;
    const double limit = fast::sqrtPriceAtTick(-7500);
    const auto r = p.swap(true, 1e30, limit);
    EXPECT_EQ(p.sqrtPrice(), limit);
    EXPECT_EQ(r.ticksCrossed, 1);  // -7200 crossed, -12000 not reached
    EXPECT_DOUBLE_EQ(p.liquidity(), 3e19);
    EXPECT_EQ(p.tick(), -7500);
    EXPECT_LT(r.amount0, 1e30);
}

// Fees: the only in-range position earns every fee (feeGrowthGlobal += fee / L), minus the
// protocol's 1/feeProtocol share (UniswapV3Pool.swap).
TEST(FastConcentratedLiquidity, FeesOwedEqualFeesChargedLessProtocolShare) {
    fast::ConcentratedLiquidityOptions options;
    options.sqrtPrice = 1.0;
    options.feeProtocol0 = 4;
    fast::ConcentratedLiquidityPool pool(options);
    pool.mint("lp", -600, 600, 1e20);
    double fee0 = 0.0;
    double fee1 = 0.0;
    for (int i = 0; i < 10; ++i) {
        fee0 += pool.swapExactIn(true, 1e17).feeAmount;
        fee1 += pool.swapExactIn(false, 1e17).feeAmount;
    }
    pool.burn("lp", -600, 600, 0.0);  // poke
    const auto pos = pool.position("lp", -600, 600).value();
    EXPECT_LT(relDiff(pos.tokensOwed0, fee0 * 0.75), 1e-12);
    EXPECT_LT(relDiff(pos.tokensOwed1, fee1), 1e-12);
    EXPECT_LT(relDiff(pool.protocolFees().amount0, fee0 * 0.25), 1e-12);
    EXPECT_EQ(pool.protocolFees().amount1, 0.0);
    const auto burned = pool.burn("lp", -600, 600, 1e20);
    const auto collected = pool.collect("lp", -600, 600, 1e300, 1e300);
    EXPECT_LT(relDiff(collected.amount0, burned.amount0 + fee0 * 0.75), 1e-12);
    EXPECT_EQ(pool.liquidity(), 0.0);
    EXPECT_TRUE(pool.initializedTicks().empty());
}

TEST(FastConcentratedLiquidity, RevertsWithUniswapCodesAndLeavesStateUnchanged) {
    auto pool = makePool();
    pool.mint("a", -60, 60, 1e18);
    const auto before = pool;
    EXPECT_EQ(errorOf([&] { pool.mint("a", 60, -60, 1.0); }),
              "mint.tickLower: TLU: must be < tickUpper -60, got 60");
    EXPECT_EQ(errorOf([&] { pool.mint("a", -887280, 60, 1.0); }),
              "mint.tickLower: TLM: must be >= -887272, got -887280");
    EXPECT_EQ(errorOf([&] { pool.mint("a", -60, 887280, 1.0); }),
              "mint.tickUpper: TUM: must be <= 887272, got 887280");
    EXPECT_EQ(errorOf([&] { pool.mint("a", -61, 60, 1.0); }),
              "mint.tickLower: must be a multiple of tickSpacing 60, got -61");
    EXPECT_EQ(errorOf([&] { pool.mint("a", -60, 60, 0.0); }),
              "mint.liquidity: must be finite and > 0, got 0");
    EXPECT_EQ(errorOf([&] { pool.mint("a", -60, 60, 1e38); }).substr(0, 52),
              "mint.liquidity: LO: tick liquidity would exceed 1.15");
    EXPECT_EQ(errorOf([&] { pool.burn("a", -60, 60, 2e18); }),
              "burn.liquidity: LS: must be <= the position's liquidity 1e+18, got 2e+18");
    EXPECT_EQ(errorOf([&] { pool.burn("b", -60, 60, 0.0); }),
              "burn.liquidity: NP: poke of a position with no liquidity");
    EXPECT_EQ(errorOf([&] { pool.swap(true, 0.0, 0.5); }),
              "swap.amountSpecified: AS: must be non-zero, got 0");
    EXPECT_EQ(errorOf([&] { pool.swap(true, 1.0, 1.5); }).substr(0, 30),
              "swap.sqrtPriceLimit: SPL: must");
    EXPECT_EQ(errorOf([&] { pool.swap(false, 1.0, 0.5); }).substr(0, 30),
              "swap.sqrtPriceLimit: SPL: must");
    EXPECT_EQ(errorOf([] { makePool(0.0); }).substr(0, 20), "sqrtPrice: R: must b");
    EXPECT_EQ(pool.liquidity(), before.liquidity());
    EXPECT_EQ(pool.initializedTicks().size(), before.initializedTicks().size());
    EXPECT_EQ(pool.balances().amount0, before.balances().amount0);
}

// Properties (issue 3) on random sequences of mints, burns, swaps and collects:
//  - active liquidity equals the sum of in-range positions' liquidity;
//  - the pool's balances cover every position's amounts plus owed fees (solvency);
//  - burning every position returns the pool to zero liquidity and no initialized ticks.
// Liquidities are multiples of 2^40 below 2^52, so their sums are exact in double.
TEST(FastConcentratedLiquidity, PropertiesOnRandomSequences) {
    std::mt19937_64 rng(77);
    std::uniform_int_distribution<int> tickIndex(-40, 40);
    std::uniform_int_distribution<int> units(1, 4000);
    std::uniform_int_distribution<int> owner(0, 3);
    std::uniform_int_distribution<int> opKind(0, 9);
    std::uniform_real_distribution<double> logSize(14.0, 19.0);
    std::bernoulli_distribution coin(0.5);
    const double unit = std::ldexp(1.0, 40);
    for (int sequence = 0; sequence < 20; ++sequence) {
        auto pool = makePool(std::sqrt(1.0001 * 1.0), 3000, 60);
        for (int op = 0; op < 150; ++op) {
            const int kind = opKind(rng);
            if (kind < 3 || pool.positions().empty()) {
                int lo = tickIndex(rng) * 60;
                int hi = tickIndex(rng) * 60;
                if (lo == hi) continue;
                if (lo > hi) std::swap(lo, hi);
                pool.mint("o" + std::to_string(owner(rng)), lo, hi, units(rng) * unit);
            } else if (kind < 5) {
                auto it = pool.positions().begin();
                std::advance(it, static_cast<long>(rng() % pool.positions().size()));
                const auto key = it->first;
                if (it->second.liquidity > 0.0) {
                    const double part = std::floor(it->second.liquidity / unit * 0.5) * unit;
                    pool.burn(key.owner, key.tickLower, key.tickUpper, part);
                }
                pool.collect(key.owner, key.tickLower, key.tickUpper, 1e300, 1e300);
            } else {
                // Limits keep the price inside the minted ranges' neighbourhood.
                const double amount = std::pow(10.0, logSize(rng));
                const bool zeroForOne = coin(rng);
                const double limit = zeroForOne ? pool.sqrtPrice() * 0.97 : pool.sqrtPrice() * 1.03;
                pool.swap(zeroForOne, coin(rng) ? amount : -amount, limit);
            }
            // Invariants after every operation.
            double inRange = 0.0;
            double owed0 = 0.0;
            double owed1 = 0.0;
            const int tick = pool.tick();
            for (const auto& [key, info] : pool.positions()) {
                if (key.tickLower <= tick && tick < key.tickUpper) inRange += info.liquidity;
                const double sl = fast::sqrtPriceAtTick(key.tickLower);
                const double su = fast::sqrtPriceAtTick(key.tickUpper);
                const double s = std::clamp(pool.sqrtPrice(), sl, su);
                const auto fees = pool.feeGrowthInside(key.tickLower, key.tickUpper);
                owed0 += info.liquidity * (1.0 / s - 1.0 / su) + info.tokensOwed0 +
                         info.liquidity * (fees.amount0 - info.feeGrowthInside0Last);
                owed1 += info.liquidity * (s - sl) + info.tokensOwed1 +
                         info.liquidity * (fees.amount1 - info.feeGrowthInside1Last);
            }
            ASSERT_EQ(pool.liquidity(), inRange) << "sequence " << sequence << " op " << op;
            const double scale0 = std::max(pool.balances().amount0, 1e12);
            const double scale1 = std::max(pool.balances().amount1, 1e12);
            ASSERT_GE(pool.balances().amount0 - owed0, -1e-9 * scale0) << "sequence " << sequence;
            ASSERT_GE(pool.balances().amount1 - owed1, -1e-9 * scale1) << "sequence " << sequence;
        }
        const auto positions = pool.positions();
        for (const auto& [key, info] : positions) {
            if (info.liquidity > 0.0)
                pool.burn(key.owner, key.tickLower, key.tickUpper, info.liquidity);
        }
        EXPECT_EQ(pool.liquidity(), 0.0);
        EXPECT_TRUE(pool.initializedTicks().empty());
    }
}
