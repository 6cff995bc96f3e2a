// Fast concentrated-liquidity pool: swaps against the constant-product algebra of virtual
// reserves, tick crossing by hand, fees, positions, reverts, and the v3 properties on random
// sequences.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>
#include <string>

#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/error.hpp"
#include "support/gtest_extra.hpp"

namespace fast = pftoken::amm::fast;

namespace {

double rel_diff(double a, double b) {
    const double scale = std::max(std::fabs(a), std::fabs(b));
    return scale == 0.0 ? 0.0 : std::fabs(a - b) / scale;
}

fast::ConcentratedLiquidityPool make_pool(double sqrt_price = 1.0, std::uint32_t fee = 3000,
                                          int spacing = 60) {
    fast::ConcentratedLiquidityOptions options;
    options.fee_pips = fee;
    options.tick_spacing = spacing;
    options.sqrt_price = sqrt_price;
    return fast::ConcentratedLiquidityPool(options);
}

}  // namespace

TEST(FastTickMath, MatchesPublishedTickMathValues) {
    // getSqrtRatioAtTick values from Uniswap v3-core TickMath.spec.ts snapshot (divided by 2^96):
    // MIN_SQRT_RATIO = 4295128739, MAX_SQRT_RATIO =
    // 1461446703485210103287273052203988822378723970342. MIN_SQRT_RATIO is truncated to an integer
    // of 33 bits: 2.3e-10 relative below the real value.
    EXPECT_LT(rel_diff(fast::sqrt_price_at_tick(fast::kMinTick), fast::kMinSqrtPrice), 3e-10);
    EXPECT_LT(rel_diff(fast::sqrt_price_at_tick(fast::kMaxTick), fast::kMaxSqrtPrice), 1e-11);
    EXPECT_EQ(fast::sqrt_price_at_tick(0), 1.0);
    EXPECT_EQ(fast::tick_at_sqrt_price(fast::kMinSqrtPrice), fast::kMinTick);
    for (const int t : {-887271, -500000, -60, -1, 0, 1, 59, 60, 123456, 887271}) {
        EXPECT_EQ(fast::tick_at_sqrt_price(fast::sqrt_price_at_tick(t)), t);
        EXPECT_EQ(fast::tick_at_sqrt_price(fast::sqrt_price_at_tick(t) * (1.0 - 1e-12)), t - 1);
    }
}

// A single position behaves, inside its range, like x*y=k on the virtual reserves
// x = L / sqrt(P), y = L sqrt(P) (whitepaper eqs. 6.5, 6.6) with the fee on the input.
TEST(FastConcentratedLiquidity, SwapInsideOneRangeIsConstantProductOnVirtualReserves) {
    const double liquidity = 1e21;
    const double sqrt_price = std::sqrt(2500.0);
    struct Row {
        bool zero_for_one;
        double amount;
    };
    const Row rows[] = {{true, 1e18}, {true, 3e19}, {false, 2e21}, {false, 1e15}};
    for (const Row& row : rows) {
        auto pool = make_pool(sqrt_price);
        pool.mint("lp", -887220, 887220, liquidity);
        const double x = liquidity / sqrt_price;
        const double y = liquidity * sqrt_price;
        const double r_in = row.zero_for_one ? x : y;
        const double r_out = row.zero_for_one ? y : x;
        const double in_less_fee = row.amount * (1.0 - 0.003);
        const double expected_out = in_less_fee * r_out / (r_in + in_less_fee);
        const auto r = pool.swap_exact_in(row.zero_for_one, row.amount);
        EXPECT_LT(rel_diff(row.zero_for_one ? -r.amount1 : -r.amount0, expected_out), 1e-12);
        EXPECT_LT(rel_diff(row.zero_for_one ? r.amount0 : r.amount1, row.amount), 1e-15);
        EXPECT_LT(rel_diff(r.fee_amount, row.amount * 0.003), 1e-12);
        EXPECT_EQ(r.ticks_crossed, 0);
        // Virtual reserves after the trade give the new price: P' = y' / x'.
        const double new_in = r_in + in_less_fee;
        const double new_out = r_out - expected_out;
        const double expected_price = row.zero_for_one ? new_out / new_in : new_in / new_out;
        EXPECT_LT(rel_diff(pool.price(), expected_price), 1e-12);
    }
}

// Crossing an initialized tick: amounts are the sum of the per-band deltas of whitepaper
// eqs. 6.14/6.16 (dy = L d sqrt P, dx = L d(1/sqrt P)), computed here by hand.
TEST(FastConcentratedLiquidity, CrossesTicksWithHandComputedAmounts) {
    auto pool = make_pool(1.0, 500, 10);
    const double wide = 4e20;
    const double narrow = 6e20;
    pool.mint("wide", -1000, 1000, wide);
    pool.mint("narrow", -100, 100, narrow);
    EXPECT_DOUBLE_EQ(pool.liquidity(), wide + narrow);
    const double s_target = fast::sqrt_price_at_tick(-300) * 1.00001;  // inside [-1000, -100)
    const double s100 = fast::sqrt_price_at_tick(-100);
    const double in0 = (wide + narrow) * (1.0 / s100 - 1.0) + wide * (1.0 / s_target - 1.0 / s100);
    const double out1 = (wide + narrow) * (1.0 - s100) + wide * (s100 - s_target);
    const double gross = in0 / (1.0 - 0.0005);
    const auto r = pool.swap_exact_in(true, gross);
    EXPECT_EQ(r.ticks_crossed, 1);
    EXPECT_LT(rel_diff(pool.sqrt_price(), s_target), 1e-12);
    EXPECT_LT(rel_diff(-r.amount1, out1), 1e-12);
    EXPECT_DOUBLE_EQ(pool.liquidity(), wide);
    EXPECT_EQ(pool.tick(), -300);

    // Going back up exactly to tick -100 crosses it (slot0.tick = -100) and restores liquidity.
    const auto up = pool.swap_to_sqrt_price(s100);
    EXPECT_EQ(up.ticks_crossed, 1);
    EXPECT_EQ(pool.tick(), -100);
    EXPECT_DOUBLE_EQ(pool.liquidity(), wide + narrow);
    // Down to the same tick: crossed on arrival, slot0.tick is one below (as on chain).
    pool.swap_to_sqrt_price(1.0);
    pool.swap_to_sqrt_price(s100);
    EXPECT_EQ(pool.tick(), -101);
    EXPECT_DOUBLE_EQ(pool.liquidity(), wide);
    // A swap starting on an initialized tick crosses it with zero amounts first.
    const auto back = pool.swap_exact_in(false, 1e10);
    EXPECT_EQ(back.ticks_crossed, 1);
    EXPECT_DOUBLE_EQ(pool.liquidity(), wide + narrow);
    EXPECT_EQ(pool.tick(), -100);
}

TEST(FastConcentratedLiquidity, ExactOutputAndPriceLimit) {
    auto pool = make_pool(std::sqrt(0.5), 3000, 60);
    pool.mint("a", -12000, 0, 3e19);
    pool.mint("b", -7200, -6000, 5e19);
    for (const bool zero_for_one : {true, false}) {
        auto p = pool;
        const double wanted = 2e17;
        const auto out = p.swap_exact_out(zero_for_one, wanted);
        EXPECT_DOUBLE_EQ(zero_for_one ? -out.amount1 : -out.amount0, wanted);
        // Paying the same input as an exact-in swap returns the same output.
        auto q = pool;
        const auto in = q.swap_exact_in(zero_for_one, zero_for_one ? out.amount0 : out.amount1);
        EXPECT_LT(rel_diff(zero_for_one ? -in.amount1 : -in.amount0, wanted), 1e-12);
        EXPECT_LT(rel_diff(q.sqrt_price(), p.sqrt_price()), 1e-14);
    }
    // A price limit stops the swap early at exactly the limit.
    auto p = pool;
    const double limit = fast::sqrt_price_at_tick(-7500);
    const auto r = p.swap(true, 1e30, limit);
    EXPECT_EQ(p.sqrt_price(), limit);
    EXPECT_EQ(r.ticks_crossed, 1);  // -7200 crossed, -12000 not reached
    EXPECT_DOUBLE_EQ(p.liquidity(), 3e19);
    EXPECT_EQ(p.tick(), -7500);
    EXPECT_LT(r.amount0, 1e30);
}

// Fees: the only in-range position earns every fee (feeGrowthGlobal += fee / L), minus the
// protocol's 1/fee_protocol share (UniswapV3Pool.swap).
TEST(FastConcentratedLiquidity, FeesOwedEqualFeesChargedLessProtocolShare) {
    fast::ConcentratedLiquidityOptions options;
    options.sqrt_price = 1.0;
    options.fee_protocol0 = 4;
    fast::ConcentratedLiquidityPool pool(options);
    pool.mint("lp", -600, 600, 1e20);
    double fee0 = 0.0;
    double fee1 = 0.0;
    for (int i = 0; i < 10; ++i) {
        fee0 += pool.swap_exact_in(true, 1e17).fee_amount;
        fee1 += pool.swap_exact_in(false, 1e17).fee_amount;
    }
    pool.burn("lp", -600, 600, 0.0);  // poke
    const auto pos = pool.position("lp", -600, 600).value();
    EXPECT_LT(rel_diff(pos.tokens_owed0, fee0 * 0.75), 1e-12);
    EXPECT_LT(rel_diff(pos.tokens_owed1, fee1), 1e-12);
    EXPECT_LT(rel_diff(pool.protocol_fees().amount0, fee0 * 0.25), 1e-12);
    EXPECT_EQ(pool.protocol_fees().amount1, 0.0);
    const auto burned = pool.burn("lp", -600, 600, 1e20);
    const auto collected = pool.collect("lp", -600, 600, 1e300, 1e300);
    EXPECT_LT(rel_diff(collected.amount0, burned.amount0 + fee0 * 0.75), 1e-12);
    EXPECT_EQ(pool.liquidity(), 0.0);
    EXPECT_TRUE(pool.initialized_ticks().empty());
}

TEST(FastConcentratedLiquidity, RevertsWithUniswapCodesAndLeavesStateUnchanged) {
    auto pool = make_pool();
    pool.mint("a", -60, 60, 1e18);
    const auto before = pool;
    EXPECT_THROW_MSG(pool.mint("a", 60, -60, 1.0), fast::Error,
                     "mint.tick_lower: TLU: must be < tick_upper -60, got 60");
    EXPECT_THROW_MSG(pool.mint("a", -887280, 60, 1.0), fast::Error,
                     "mint.tick_lower: TLM: must be >= -887272, got -887280");
    EXPECT_THROW_MSG(pool.mint("a", -60, 887280, 1.0), fast::Error,
                     "mint.tick_upper: TUM: must be <= 887272, got 887280");
    EXPECT_THROW_MSG(pool.mint("a", -61, 60, 1.0), fast::Error,
                     "mint.tick_lower: must be a multiple of tick_spacing 60, got -61");
    EXPECT_THROW_MSG(pool.mint("a", -60, 60, 0.0), fast::Error,
                     "mint.liquidity: must be finite and > 0, got 0");
    EXPECT_THROW_MSG(pool.mint("a", -60, 60, 1e39), fast::Error,
                     "mint.liquidity: must be finite, >= 0 and < 2^128, got 1e+39");
    EXPECT_THROW_MSG(pool.mint("a", -60, 60, 1e38), fast::Error,
                     "mint.liquidity: LO: tick liquidity would exceed 1.15");
    EXPECT_THROW_MSG(pool.burn("a", -60, 60, 2e18), fast::Error,
                     "burn.liquidity: LS: must be <= the position's liquidity 1e+18, got 2e+18");
    EXPECT_THROW_MSG(pool.burn("b", -60, 60, 0.0), fast::Error,
                     "burn.liquidity: NP: poke of a position with no liquidity");
    EXPECT_THROW_MSG(pool.swap(true, 0.0, 0.5), fast::Error,
                     "swap.amount_specified: AS: must be non-zero, got 0");
    EXPECT_THROW_MSG(pool.swap(true, 1.0, 1.5), fast::Error,
                     "swap.sqrt_price_limit: SPL: must be in (5.42",
                     ", 1) for zero_for_one, got 1.5");
    EXPECT_THROW_MSG(
        pool.swap(false, 1.0, 0.5), fast::Error,
        "swap.sqrt_price_limit: SPL: must be in (1, 1.84461e+19] for !zero_for_one, got 0.5");
    EXPECT_THROW_MSG(make_pool(0.0), fast::Error, "sqrt_price: R: must be in [5.42", "), got 0");
    EXPECT_EQ(pool.liquidity(), before.liquidity());
    EXPECT_EQ(pool.initialized_ticks().size(), before.initialized_ticks().size());
    EXPECT_EQ(pool.balances().amount0, before.balances().amount0);
}

// Properties (issue 3) on random sequences of mints, burns, swaps and collects:
//  - active liquidity equals the sum of in-range positions' liquidity;
//  - the pool's balances cover every position's amounts plus owed fees (solvency);
//  - burning every position returns the pool to zero liquidity and no initialized ticks.
// Liquidities are multiples of 2^40 below 2^52, so their sums are exact in double.
TEST(FastConcentratedLiquidity, PropertiesOnRandomSequences) {
    std::mt19937_64 rng(77);
    std::uniform_int_distribution<int> tick_index(-40, 40);
    std::uniform_int_distribution<int> units(1, 4000);
    std::uniform_int_distribution<int> owner(0, 3);
    std::uniform_int_distribution<int> op_kind(0, 9);
    std::uniform_real_distribution<double> log_size(14.0, 19.0);
    std::bernoulli_distribution coin(0.5);
    const double unit = std::ldexp(1.0, 40);
    for (int sequence = 0; sequence < 20; ++sequence) {
        auto pool = make_pool(std::sqrt(1.0001 * 1.0), 3000, 60);
        for (int op = 0; op < 150; ++op) {
            const int kind = op_kind(rng);
            if (kind < 3 || pool.positions().empty()) {
                int lo = tick_index(rng) * 60;
                int hi = tick_index(rng) * 60;
                if (lo == hi) continue;
                if (lo > hi) std::swap(lo, hi);
                pool.mint("o" + std::to_string(owner(rng)), lo, hi, units(rng) * unit);
            } else if (kind < 5) {
                auto it = pool.positions().begin();
                std::advance(it, static_cast<long>(rng() % pool.positions().size()));
                const auto key = it->first;
                if (it->second.liquidity > 0.0) {
                    const double part = std::floor(it->second.liquidity / unit * 0.5) * unit;
                    pool.burn(key.owner, key.tick_lower, key.tick_upper, part);
                }
                pool.collect(key.owner, key.tick_lower, key.tick_upper, 1e300, 1e300);
            } else {
                // Limits keep the price inside the minted ranges' neighbourhood.
                const double amount = std::pow(10.0, log_size(rng));
                const bool zero_for_one = coin(rng);
                const double limit =
                    zero_for_one ? pool.sqrt_price() * 0.97 : pool.sqrt_price() * 1.03;
                pool.swap(zero_for_one, coin(rng) ? amount : -amount, limit);
            }
            // Invariants after every operation.
            double in_range = 0.0;
            double owed0 = 0.0;
            double owed1 = 0.0;
            const int tick = pool.tick();
            for (const auto& [key, info] : pool.positions()) {
                if (key.tick_lower <= tick && tick < key.tick_upper) in_range += info.liquidity;
                const double sl = fast::sqrt_price_at_tick(key.tick_lower);
                const double su = fast::sqrt_price_at_tick(key.tick_upper);
                const double s = std::clamp(pool.sqrt_price(), sl, su);
                const auto fees = pool.fee_growth_inside(key.tick_lower, key.tick_upper);
                owed0 += info.liquidity * (1.0 / s - 1.0 / su) + info.tokens_owed0 +
                         info.liquidity * (fees.amount0 - info.fee_growth_inside0_last);
                owed1 += info.liquidity * (s - sl) + info.tokens_owed1 +
                         info.liquidity * (fees.amount1 - info.fee_growth_inside1_last);
            }
            ASSERT_EQ(pool.liquidity(), in_range) << "sequence " << sequence << " op " << op;
            const double scale0 = std::max(pool.balances().amount0, 1e12);
            const double scale1 = std::max(pool.balances().amount1, 1e12);
            ASSERT_GE(pool.balances().amount0 - owed0, -1e-9 * scale0) << "sequence " << sequence;
            ASSERT_GE(pool.balances().amount1 - owed1, -1e-9 * scale1) << "sequence " << sequence;
        }
        const auto positions = pool.positions();
        for (const auto& [key, info] : positions) {
            if (info.liquidity > 0.0)
                pool.burn(key.owner, key.tick_lower, key.tick_upper, info.liquidity);
        }
        EXPECT_EQ(pool.liquidity(), 0.0);
        EXPECT_TRUE(pool.initialized_ticks().empty());
    }
}

// Active liquidity as a double is the integer units converted with one correct rounding (the
// conversion avoids libgcc's 128-bit one on the crossing path): sums of many non-round positions
// exercise values above 2^64 units whose dropped bits decide the rounding.
TEST(FastConcentratedLiquidity, ActiveLiquidityIsTheCorrectlyRoundedUnits) {
    fast::ConcentratedLiquidityOptions options;
    options.tick_spacing = 10;
    fast::ConcentratedLiquidityPool pool(options);
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> exponent(0.0, 27.0);
    for (int i = 0; i < 400; ++i) {
        const double l = std::floor(std::pow(10.0, exponent(rng))) + 0.5 + (i % 7) * 0.125;
        const int lo = -10 * static_cast<int>(1 + rng() % 50);
        pool.mint("o", lo, -lo, l);
        const double expected =
            static_cast<double>(pool.liquidity_units()) * std::ldexp(1.0, -32);
        ASSERT_EQ(pool.liquidity(), expected) << i;
        const auto swap = pool.swap_exact_in(i % 2 == 0, 1e3 + static_cast<double>(i));
        (void)swap;
        ASSERT_EQ(pool.liquidity(), static_cast<double>(pool.liquidity_units()) *
                                        std::ldexp(1.0, -32)) << i;
    }
}

// A swap refused after its loop leaves every tick's fee growth outside bit for bit as it was.
// Here the refused sale leaves the deep position (1e12 on [-600, 600)), steps 400,000 ticks
// through liquidity 1e3 (fee growth of token0 reaches
// ~1.5e6 per unit) and crosses tick -400020, whose snapshot is the ~3e-6 growth of the deep
// position's earlier swaps; flipping it back as global - outside rounded it to the ulp of 1.5e6
// (2.3e-10, ~1e-4 of its value), and the owed fees of every position with that tick as an end
// were off by as much (the whole-range differential's collect amount0 error, max 1.9e-5).
TEST(FastConcentratedLiquidity, RefusedSwapRestoresTheOutsideGrowthsExactly) {
    auto pool = make_pool();  // whole token units (the default): thin liquidity is refused
    pool.mint("deep", -600, 600, 1e12);
    for (int i = 0; i < 3; ++i) {
        (void)pool.swap_exact_in(true, 1.234567e9);
        (void)pool.swap_exact_in(false, 1.234567e9);
    }
    pool.mint("thin", -400020, -600, 1e3);
    pool.mint("thin", -460020, -400020, 1e3);
    const std::vector<fast::TickInfo> before(pool.initialized_ticks().begin(),
                                             pool.initialized_ticks().end());
    const double g0 = pool.fee_growth_global0(), g1 = pool.fee_growth_global1();
    ASSERT_GT(before[1].fee_growth_outside0, 0.0);  // tick -400020 starts with the growth so far
    EXPECT_THROW_MSG(pool.swap_exact_in(true, 1e12), fast::Error,
                     "(liquidity too thin for this price)");
    ASSERT_EQ(pool.initialized_ticks().size(), before.size());
    for (std::size_t i = 0; i < before.size(); ++i) {
        const fast::TickInfo& now = pool.initialized_ticks()[i];
        EXPECT_EQ(now.fee_growth_outside0, before[i].fee_growth_outside0) << now.tick;
        EXPECT_EQ(now.fee_growth_outside1, before[i].fee_growth_outside1) << now.tick;
    }
    EXPECT_EQ(pool.fee_growth_global0(), g0);
    EXPECT_EQ(pool.fee_growth_global1(), g1);
    EXPECT_EQ(pool.liquidity(), 1e12);
    EXPECT_EQ(pool.tick(), fast::tick_at_sqrt_price(pool.sqrt_price()));
}

// The thin-liquidity refusal holds by default (whole token units, as the exact pool counts them)
// and is scale-aware: a pool in human units of 6-decimal tokens (units 1e-6, as USDC) refuses
// and accepts what the same pool in whole units refuses and accepts, liquidity and amounts
// scaled by 1e-6; a pool in real numbers (units 0) has no smallest unit and refuses nothing as
// too thin.
// Threshold at price 1 (tick 0, spacing 60): the exact loop takes 1 step + 13,863 / (256 * 60)
// bitmap words + 1 = 2.9 steps of 2 units each, so a swap ending inside liquidity L moves the
// exact pool's price by up to 5.8 / L relative: refused at L = 1e9, accepted at L = 1e11.
TEST(FastConcentratedLiquidity, ThinLiquidityIsRefusedInEveryUnitSystem) {
    const auto pool_in = [](double unit, double liquidity) {
        fast::ConcentratedLiquidityOptions options;
        options.token0_unit = unit;
        options.token1_unit = unit;
        fast::ConcentratedLiquidityPool pool(options);
        pool.mint("lp", -600, 600, liquidity);
        return pool;
    };
    const std::string thin = "(liquidity too thin for this price)";
    for (const double scale : {1.0, 1e-6}) {  // whole units, human units of 6 decimals
        auto refused = pool_in(scale, 1e9 * scale);
        const auto before = refused;
        EXPECT_THROW_MSG(refused.swap_exact_in(true, 1e6 * scale), fast::Error,
                         "swap: would end at sqrt price 0.99", "above the bound 1e-09 " + thin)
            << scale;
        EXPECT_EQ(refused.sqrt_price(), before.sqrt_price());
        EXPECT_EQ(refused.balances().amount0, before.balances().amount0);
        auto accepted = pool_in(scale, 1e11 * scale);
        const auto r = accepted.swap_exact_in(true, 1e8 * scale);
        // Uniswap v3 in real numbers: out = L (s - s'), s' = L s / (L + a (1 - fee)) at s = 1.
        const double a = 1e8 * 0.997, l = 1e11;
        EXPECT_LT(rel_diff(-r.amount1 / scale, l * (1.0 - l / (l + a))), 1e-12) << scale;
    }
    // The default is whole units; real numbers accept the thin swap.
    auto whole = make_pool();
    whole.mint("lp", -600, 600, 1e9);
    EXPECT_THROW_MSG(whole.swap_exact_in(true, 1e6), fast::Error, thin);
    auto real = pool_in(0.0, 0.5);
    EXPECT_NO_THROW(real.swap_exact_in(true, 1e-3));
    // Liquidity is kept in units of 2^-32: one the grid cannot hold to 1e-9 is refused.
    EXPECT_THROW_MSG(
        real.mint("lp", -600, 600, 1e-4), fast::Error,
        "mint.liquidity: must be within 1e-9 (relative) of a multiple of 2^-32 (liquidity "
        "is kept in 2^-32 units; every liquidity >= 0.117 is), got 0.0001");
    EXPECT_NO_THROW(real.mint("lp", -600, 600, 0.125));

    fast::ConcentratedLiquidityOptions bad;
    bad.token0_unit = -1.0;
    EXPECT_THROW_MSG(fast::ConcentratedLiquidityPool(bad), fast::Error,
                     "token0_unit: must be finite and >= 0, got -1");
    bad.token0_unit = 0.0;
    EXPECT_THROW_MSG(
        fast::ConcentratedLiquidityPool(bad), fast::Error,
        "token1_unit: must be 0 when token0_unit is 0 (real numbers) and > 0 otherwise, got "
        "1 with token0_unit 0");
}
