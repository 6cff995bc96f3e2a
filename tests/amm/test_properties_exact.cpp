// Properties of the exact pools over seeded random operation sequences, and revert atomicity.
// Invariants (Uniswap v2/v3 whitepapers): v2 k never decreases across swaps and a round trip never
// profits the trader; v3 active liquidity is the sum of in-range positions, the pool stays solvent
// for every position's principal and fees, and burning everything leaves zero liquidity.
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pftoken/amm/exact/v2/pair.hpp"
#include "pftoken/amm/exact/v3/pool.hpp"
#include "pftoken/amm/exact/v3/sqrt_price_math.hpp"
#include "pftoken/amm/exact/v3/swap_math.hpp"
#include "support/gtest_extra.hpp"

namespace {

using pftoken::amm::I256;
using pftoken::amm::Revert;
using pftoken::amm::U256;
using pftoken::amm::u128;
namespace v2 = pftoken::amm::v2;
namespace v3 = pftoken::amm::v3;

U256 random_below(std::mt19937_64& rng, const U256& bound) {  // uniform enough for tests; bound > 0
    const U256 x{rng(), rng(), rng(), rng()};
    return x % bound;
}
U256 dec(const char* s) { return U256::from_decimal(s).value(); }

// ---------------- v2 ----------------

TEST(V2Properties, KNeverDecreasesAndRoundTripsNeverProfit) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        std::mt19937_64 rng(seed);
        SCOPED_TRACE("seed " + std::to_string(seed));
        v2::Pair pair;
        const U256 r0 = dec("1000000000000000") + random_below(rng, dec("1000000000000000000000000"));
        const U256 r1 = dec("1000000000000000") + random_below(rng, dec("1000000000000000000000000"));
        ASSERT_TRUE(pair.mint(r0, r1).ok());
        for (int op = 0; op < 200; ++op) {
            const U256 k_before = pair.reserve0() * pair.reserve1();
            const bool zero_for_one = (rng() & 1u) != 0;
            const U256& reserve_in = zero_for_one ? pair.reserve0() : pair.reserve1();
            const U256 amount = U256{1u} + random_below(rng, reserve_in / U256{4u} + U256{1u});
            if ((rng() & 1u) != 0) {
                const auto there = pair.swap_exact_in(zero_for_one, amount);
                if (!there.ok()) continue;
                ASSERT_GE(pair.reserve0() * pair.reserve1(), k_before);
                // Reverse trade: sell everything received; the trader gets back no more than paid.
                const auto back = pair.swap_exact_in(!zero_for_one, there.value.amount_out);
                if (!back.ok()) continue;
                EXPECT_LE(back.value.amount_out, there.value.amount_in);
            } else {
                const U256& reserve_out = zero_for_one ? pair.reserve1() : pair.reserve0();
                const U256 want = U256{1u} + random_below(rng, reserve_out / U256{4u} + U256{1u});
                const auto there = pair.swap_exact_out(zero_for_one, want);
                if (!there.ok()) continue;
                ASSERT_GE(pair.reserve0() * pair.reserve1(), k_before);
                // Buying back exactly what was paid costs at least what was received.
                const auto back = pair.swap_exact_out(!zero_for_one, there.value.amount_in);
                if (!back.ok()) continue;
                EXPECT_GE(back.value.amount_in, there.value.amount_out);
            }
            ASSERT_GE(pair.reserve0() * pair.reserve1(), k_before);
        }
    }
}

// ---------------- v3 ----------------

struct Range {
    v3::OwnerId owner;
    std::int32_t lower;
    std::int32_t upper;
};

// Sum of liquidity over positions whose range contains the current tick.
u128 in_range_liquidity(const v3::Pool& pool) {
    u128 sum = 0;
    for (const auto& [key, info] : pool.positions())
        if (key.tick_lower <= pool.tick() && pool.tick() < key.tick_upper) sum += info.liquidity;
    return sum;
}

// What the pool owes if every position were burnt and collected now, plus protocol fees.
std::pair<U256, U256> total_claims(const v3::Pool& pool) {
    U256 claim0{pool.protocol_fees().token0}, claim1{pool.protocol_fees().token1};
    for (const auto& [key, info] : pool.positions()) {
        const U256 sl = v3::get_sqrt_ratio_at_tick(key.tick_lower).value;
        const U256 su = v3::get_sqrt_ratio_at_tick(key.tick_upper).value;
        const U256& sp = pool.sqrt_price_x96();
        const U256 lo = sp < sl ? sl : (sp > su ? su : sp);  // price clamped into the range
        claim0 += v3::get_amount0_delta(lo, su, info.liquidity, false).value;
        claim1 += v3::get_amount1_delta(sl, lo, info.liquidity, false).value;
        const auto inside = pool.fee_growth_inside(key.tick_lower, key.tick_upper);
        const auto fees = v3::uncredited_fees(info, inside.fee_growth_inside0_x128, inside.fee_growth_inside1_x128);
        claim0 += U256{info.tokens_owed0} + U256{fees.amount0};
        claim1 += U256{info.tokens_owed1} + U256{fees.amount1};
    }
    return {claim0, claim1};
}

void check_invariants(const v3::Pool& pool) {
    ASSERT_EQ(pool.liquidity(), in_range_liquidity(pool)) << "active liquidity != sum of in-range positions";
    // (a fatal failure here returns from this helper only; the caller checks HasFatalFailure)
    const auto [claim0, claim1] = total_claims(pool);
    ASSERT_GE(pool.balance0(), claim0) << "token0 insolvent";
    ASSERT_GE(pool.balance1(), claim1) << "token1 insolvent";
}

TEST(V3Properties, RandomSequencesKeepLiquiditySolvencyAndBurnToZero) {
    const v3::PoolConfig tiers[] = {{500, 10}, {3000, 60}, {10000, 200}};
    std::uint64_t ticks_crossed = 0, swaps = 0;
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        std::mt19937_64 rng(seed * 7919);
        SCOPED_TRACE("seed " + std::to_string(seed));
        const v3::PoolConfig cfg = tiers[seed % 3];
        v3::Pool pool(cfg);
        const std::int32_t start_tick = static_cast<std::int32_t>(rng() % 4001) - 2000;
        ASSERT_TRUE(pool.initialize(v3::get_sqrt_ratio_at_tick(start_tick).value).ok());
        if (seed % 2 == 0) {
            ASSERT_EQ(pool.set_fee_protocol(4, 6), Revert::None);
        }

        std::vector<Range> ranges;
        const auto random_tick = [&](std::int32_t around) {
            const std::int32_t offset = static_cast<std::int32_t>(rng() % 81) - 40;
            std::int32_t t = (around / cfg.tick_spacing + offset) * cfg.tick_spacing;
            return std::clamp(t, (v3::kMinTick / cfg.tick_spacing) * cfg.tick_spacing,
                              (v3::kMaxTick / cfg.tick_spacing) * cfg.tick_spacing);
        };
        for (int op = 0; op < 150; ++op) {
            const unsigned kind = static_cast<unsigned>(rng() % 10);
            if (kind < 3 || ranges.empty()) {
                // mint: sometimes full range, mostly near the price
                Range r{rng() % 4, 0, 0};
                if (rng() % 5 == 0) {
                    r.lower = (v3::kMinTick / cfg.tick_spacing) * cfg.tick_spacing;
                    r.upper = (v3::kMaxTick / cfg.tick_spacing) * cfg.tick_spacing;
                } else {
                    r.lower = random_tick(pool.tick());
                    r.upper = random_tick(pool.tick());
                    if (r.lower > r.upper) std::swap(r.lower, r.upper);
                    if (r.lower == r.upper) r.upper += cfg.tick_spacing;
                }
                const u128 amount = 1 + static_cast<u128>(rng() % 1000000000000000000ull) * (1 + rng() % 1000);
                const auto m = pool.mint(r.owner, r.lower, r.upper, amount);
                ASSERT_TRUE(m.ok()) << m.code();
                ranges.push_back(r);
            } else if (kind < 8) {
                const bool zero_for_one = (rng() & 1u) != 0;
                const auto magnitude = static_cast<std::int64_t>(1 + rng() % 3000000000000000000ull);
                const I256 amount{(rng() & 1u) != 0 ? magnitude : -magnitude};
                const U256 limit = zero_for_one ? v3::kMinSqrtRatio + U256{1u} : v3::kMaxSqrtRatio - U256{1u};
                const bool at_limit = pool.sqrt_price_x96() == limit;  // drained to the end of the curve earlier
                const auto s = pool.swap(zero_for_one, amount, limit);
                if (at_limit) {
                    ASSERT_EQ(s.code(), "SPL");
                } else {
                    ASSERT_TRUE(s.ok()) << s.code();
                    ticks_crossed += s.value.ticks_crossed;
                    ++swaps;
                }
            } else if (kind == 8) {
                const Range& r = ranges[rng() % ranges.size()];
                const v3::PositionInfo* p = pool.position(r.owner, r.lower, r.upper);
                ASSERT_NE(p, nullptr);
                const u128 amount = p->liquidity == 0 ? 0 : static_cast<u128>(rng()) % (p->liquidity + 1);
                const auto b = pool.burn(r.owner, r.lower, r.upper, amount);
                if (p->liquidity == 0 && amount == 0) {
                    ASSERT_EQ(b.code(), "NP");
                } else {
                    ASSERT_TRUE(b.ok()) << b.code();
                }
            } else {
                const Range& r = ranges[rng() % ranges.size()];
                const auto c = pool.collect(r.owner, r.lower, r.upper, static_cast<u128>(rng()), ~u128{0});
                ASSERT_TRUE(c.ok()) << c.code();
            }
            check_invariants(pool);
            if (::testing::Test::HasFatalFailure()) return;
        }
        // Burn every position fully and collect: zero liquidity left, balances still cover fees.
        for (const auto& [key, info] : std::map<v3::PositionKey, v3::PositionInfo>(pool.positions())) {
            if (info.liquidity > 0) {
                ASSERT_TRUE(pool.burn(key.owner, key.tick_lower, key.tick_upper, info.liquidity).ok());
            }
            ASSERT_TRUE(pool.collect(key.owner, key.tick_lower, key.tick_upper, ~u128{0}, ~u128{0}).ok());
        }
        EXPECT_EQ(pool.liquidity(), u128{0});
        EXPECT_TRUE(pool.initialized_ticks().empty());
        EXPECT_GE(pool.balance0(), U256{pool.protocol_fees().token0});
        EXPECT_GE(pool.balance1(), U256{pool.protocol_fees().token1});
    }
    // The sequences must exercise tick crossing, or the liquidity invariant proves little.
    EXPECT_GT(swaps, 500u);
    EXPECT_GT(ticks_crossed, 200u);
}

// ---------------- reverts leave the state unchanged ----------------

std::string snapshot(const v3::Pool& pool) {
    std::ostringstream out;
    out << pool.sqrt_price_x96().to_decimal() << ' ' << pool.tick() << ' ' << U256{pool.liquidity()}.to_decimal() << ' '
        << pool.fee_growth_global0_x128().to_decimal() << ' ' << pool.fee_growth_global1_x128().to_decimal() << ' '
        << pool.balance0().to_decimal() << ' ' << pool.balance1().to_decimal() << ' '
        << U256{pool.protocol_fees().token0}.to_decimal() << ' ' << int{pool.fee_protocol()} << '|';
    for (const std::int32_t t : pool.initialized_ticks()) {
        const v3::TickInfo* i = pool.tick_info(t);
        out << t << ':' << U256{i->liquidity_gross}.to_decimal() << ':' << i->fee_growth_outside0_x128.to_decimal() << ':'
            << i->fee_growth_outside1_x128.to_decimal() << ':' << pool.tick_bitmap().is_initialized(t) << ';';
    }
    out << '|';
    for (const auto& [k, p] : pool.positions())
        out << k.owner << ',' << k.tick_lower << ',' << k.tick_upper << ',' << U256{p.liquidity}.to_decimal() << ','
            << U256{p.tokens_owed0}.to_decimal() << ',' << p.fee_growth_inside0_last_x128.to_decimal() << ';';
    return out.str();
}

class V3Reverts : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(pool.initialize(dec("79228162514264337593543950336")).ok());
        ASSERT_TRUE(pool.mint(1, -600, 600, 1000000000000000000u).ok());
        ASSERT_TRUE(pool.swap(true, I256{100000000000000}, v3::kMinSqrtRatio + U256{1u}).ok());
        before = snapshot(pool);
    }
    void expect_revert(Revert got, const char* code) {
        EXPECT_EQ(pftoken::amm::revert_code(got), code);
        EXPECT_EQ(snapshot(pool), before) << "revert " << code << " changed the pool";
    }
    v3::Pool pool{v3::PoolConfig{3000, 60}};
    std::string before;
};

TEST_F(V3Reverts, MintChecks) {
    expect_revert(pool.mint(1, 600, -600, 1).error, "TLU");
    expect_revert(pool.mint(1, -887280, 600, 1).error, "TLM");
    expect_revert(pool.mint(1, -600, 887280, 1).error, "TUM");
    expect_revert(pool.mint(1, -600, 600, 0).error, "ZERO_AMOUNT");
    expect_revert(pool.mint(1, -601, 600, 1).error, "TICK_SPACING");
}

TEST_F(V3Reverts, LiquidityPerTickCapChecksBothTicksBeforeWriting) {
    // Tick 60 at the cap: a mint whose lower tick is fine but whose upper tick is 60 must not
    // leave the lower tick's update behind.
    ASSERT_TRUE(pool.mint(2, 60, 120, pool.max_liquidity_per_tick()).ok());
    before = snapshot(pool);
    expect_revert(pool.mint(3, 0, 60, 1).error, "LO");
}

TEST_F(V3Reverts, BurnChecks) {
    expect_revert(pool.burn(1, -600, 600, 1000000000000000001u).error, "LS");
    expect_revert(pool.burn(9, -600, 600, 0).error, "NP");
    expect_revert(pool.burn(9, -600, 600, 1).error, "LS");
}

TEST_F(V3Reverts, SwapChecks) {
    const U256 price = pool.sqrt_price_x96();
    expect_revert(pool.swap(true, I256{0}, v3::kMinSqrtRatio + U256{1u}).error, "AS");
    expect_revert(pool.swap(true, I256{1000}, price).error, "SPL");
    expect_revert(pool.swap(true, I256{1000}, v3::kMinSqrtRatio).error, "SPL");
    expect_revert(pool.swap(false, I256{1000}, price).error, "SPL");
    expect_revert(pool.swap(false, I256{1000}, v3::kMaxSqrtRatio).error, "SPL");
    expect_revert(pool.initialize(price).error, "AI");
    expect_revert(pool.set_fee_protocol(3, 0), "FEE_PROTOCOL");
}

TEST(V3RevertsUninitialized, EverythingNeedsInitialize) {
    v3::Pool pool{v3::PoolConfig{500, 10}};
    EXPECT_EQ(pool.mint(1, -10, 10, 1).code(), "LOK");
    EXPECT_EQ(pool.swap(true, I256{1}, v3::kMinSqrtRatio + U256{1u}).code(), "LOK");
    EXPECT_EQ(pool.burn(1, -10, 10, 0).code(), "LOK");
    EXPECT_EQ(pool.initialize(U256{1u}).code(), "R");
    EXPECT_FALSE(pool.initialized());
    EXPECT_THROW_MSG(v3::Pool(v3::PoolConfig{1000000, 10}), std::invalid_argument,
                     "fee_pips: must be < 1000000, got 1000000");
    const v3::PoolConfig bad_spacing{3000, 0};
    EXPECT_EQ(bad_spacing.validate(), "tick_spacing: must be in [1, 16383], got 0");
}

TEST(V2Reverts, LeaveReservesUnchanged) {
    v2::Pair pair;
    EXPECT_EQ(pair.mint(U256{1000u}, U256{1000u}).code(), "INSUFFICIENT_LIQUIDITY_MINTED");
    EXPECT_TRUE(pair.total_supply().is_zero());
    ASSERT_TRUE(pair.mint(dec("1000000000000000000"), dec("1000000000000000000")).ok());
    const U256 r0 = pair.reserve0(), r1 = pair.reserve1(), ts = pair.total_supply();
    EXPECT_EQ(pftoken::amm::revert_code(pair.swap(U256{}, U256{}, U256{1u}, U256{})), "INSUFFICIENT_OUTPUT_AMOUNT");
    EXPECT_EQ(pftoken::amm::revert_code(pair.swap(r0, U256{}, U256{}, U256{1u})), "INSUFFICIENT_LIQUIDITY");
    EXPECT_EQ(pftoken::amm::revert_code(pair.swap(U256{1u}, U256{}, U256{}, U256{})), "INSUFFICIENT_INPUT_AMOUNT");
    EXPECT_EQ(pftoken::amm::revert_code(pair.swap(U256{1000u}, U256{}, U256{}, U256{1000u})), "K");
    EXPECT_EQ(pair.burn(ts).code(), "UNDERFLOW");  // the 1000 locked shares are not the caller's
    EXPECT_EQ(pair.mint(U256::low_mask(112), U256{1u}).code(), "OVERFLOW");
    EXPECT_EQ(pair.reserve0(), r0);
    EXPECT_EQ(pair.reserve1(), r1);
    EXPECT_EQ(pair.total_supply(), ts);
}

}  // namespace

namespace {

// Protocol fee (UniswapV3Pool.swap): with feeProtocol0 = 4 the protocol keeps floor(fee/4) of each
// step's token0 fee, LPs' fee growth gets the rest, and collectProtocol leaves 1 wei behind.
TEST(V3ProtocolFee, TakesOneNthOfTheSwapFee) {
    v3::Pool pool(v3::PoolConfig::fee_tier(3000));
    ASSERT_TRUE(pool.initialize(dec("79228162514264337593543950336")).ok());
    const u128 liquidity = 2000000000000000000u;
    ASSERT_TRUE(pool.mint(1, -887220, 887220, liquidity).ok());
    ASSERT_EQ(pool.set_fee_protocol(4, 0), Revert::None);
    EXPECT_EQ(pool.fee_protocol(), 4);
    const I256 amount{1000000000000000};  // small: a single swap step, no tick crossed
    const auto step = v3::compute_swap_step(pool.sqrt_price_x96(), v3::kMinSqrtRatio + U256{1u}, liquidity, amount, 3000);
    ASSERT_TRUE(step.ok());
    const auto swapped = pool.swap(true, amount, v3::kMinSqrtRatio + U256{1u});
    ASSERT_TRUE(swapped.ok());
    const U256 protocol = step.value.fee_amount / U256{4u};
    EXPECT_EQ(U256{pool.protocol_fees().token0}, protocol);
    EXPECT_EQ(pool.protocol_fees().token1, u128{0});
    EXPECT_EQ(pool.fee_growth_global0_x128(), ((step.value.fee_amount - protocol) << 128) / U256{liquidity});
    // Token1 side is off: a swap the other way pays no protocol fee.
    ASSERT_TRUE(pool.swap(false, amount, v3::kMaxSqrtRatio - U256{1u}).ok());
    EXPECT_EQ(pool.protocol_fees().token1, u128{0});
    const U256 balance_before = pool.balance0();
    const auto collected = pool.collect_protocol(~u128{0}, ~u128{0});
    ASSERT_TRUE(collected.ok());
    EXPECT_EQ(U256{collected.value.amount0}, protocol - U256{1u});
    EXPECT_EQ(pool.protocol_fees().token0, u128{1});
    EXPECT_EQ(pool.balance0(), balance_before - U256{collected.value.amount0});
    EXPECT_EQ(pool.set_fee_protocol(11, 0), Revert::FeeProtocol);
}

}  // namespace
