// The pool's 128-bit swap-step fast path (amm/src/exact/v3_swap_fast.hpp) against the general
// U256 path of SqrtPriceMath/SwapMath, which is itself checked against the Solidity ports
// (test_exact_fast_paths.cpp) and the Uniswap vectors. Random inputs plus the edges of every
// guard: prices at 2^64 and 2^128 - 1, liquidity at 2^64 and 2^128 - 1, amounts around 2^127 and
// 2^192, all fee tiers and extreme fees, amounts right at the reach-the-target boundary.
#include <algorithm>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "exact/v3_swap_fast.hpp"
#include "pftoken/amm/exact/full_math.hpp"
#include "pftoken/amm/exact/v3/pool.hpp"
#include "pftoken/amm/exact/v3/sqrt_price_math.hpp"
#include "pftoken/amm/exact/v3/swap_math.hpp"
#include "pftoken/amm/exact/v3/tick_bitmap.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"

namespace {

using pftoken::amm::I256;
using pftoken::amm::U256;
using pftoken::amm::u128;
namespace v3 = pftoken::amm::v3;
namespace fast = pftoken::amm::v3::fast;
namespace detail = pftoken::amm::detail;

constexpr u128 kTwo64 = u128{1} << 64;
constexpr u128 kMax128 = ~u128{0};

// A value with `bits` significant bits (top bit set), random below; bits in [1, 128].
u128 random_u128_bits(std::mt19937_64& rng, unsigned bits) {
    u128 x = (u128{rng()} << 64) | rng();
    if (bits < 128) x &= (u128{1} << bits) - 1;
    return x | (u128{1} << (bits - 1));
}
// A liquidity in [1, 2^128): small values, both sides of 2^64, log-uniform.
u128 random_liquidity(std::mt19937_64& rng) {
    switch (rng() % 6) {
    case 0: return 1 + rng() % 1000;
    case 1: return kTwo64 - 1 - rng() % 3;
    default: return random_u128_bits(rng, 1 + static_cast<unsigned>(rng() % 128));
    }
}
// The step's liquidity argument: prepared from 2^64 on, by value below.
detail::Divisor128 liquidity_divisor(u128 l) {
    return (l >> 64) != 0 ? detail::make_divisor128(l) : detail::Divisor128{l, 0, 0, 0};
}
// Prices / liquidity in [2^64, 2^128): edges, values near the edges, log-uniform.
u128 random_wide(std::mt19937_64& rng) {
    switch (rng() % 8) {
    case 0: return kTwo64 + rng() % 4;
    case 1: return kMax128 - rng() % 4;
    case 2: return (u128{1} << 96) + rng() % 1000 - 500;
    default: return random_u128_bits(rng, 65 + static_cast<unsigned>(rng() % 64));
    }
}
U256 random_amount(std::mt19937_64& rng) {
    switch (rng() % 10) {
    case 0: return U256{(u128{1} << 127) - 1 - rng() % 3};
    case 1: return U256{(u128{1} << 127) + rng() % 3};
    case 2: return U256::pow2(192) - U256{rng() % 3};
    case 3: return U256::pow2(192) + U256{rng() % 3};
    case 4: return U256{rng() % 1000};
    case 5: return I256::max().bits;
    default: {
        const unsigned bits = 1 + static_cast<unsigned>(rng() % 254);
        U256 x{rng(), rng(), rng(), rng()};
        x = x >> (256 - bits);
        return x | U256::pow2(bits - 1);
    }
    }
}

TEST(SwapFast, MulDivU64MatchesMulDivSmall) {
    std::mt19937_64 rng(1);
    const std::uint64_t divisors[] = {1, 3, 1000000, 999999, 999500, 997000, 990000, 1u << 20, ~std::uint64_t{0}};
    int checked = 0;
    for (int iter = 0; iter < 20000; ++iter) {
        const u128 x = iter % 7 == 0 ? kMax128 - rng() % 3 : random_u128_bits(rng, 1 + static_cast<unsigned>(rng() % 128));
        const std::uint64_t m = rng() % 3 == 0 ? rng() : rng() % 1000001;
        const std::uint64_t d = rng() % 2 == 0 ? divisors[rng() % 9] : 1 + rng() % 2000000;
        const bool up = (iter & 1) != 0;
        u128 got = 0;
        const bool fits = fast::mul_div_u64(x, m, detail::make_divisor64(d), up, got);
        const auto want = pftoken::amm::mul_div_small(U256{x}, m, d, up);
        ASSERT_TRUE(want.ok());
        ASSERT_EQ(fits, want.value.fits128()) << std::to_string(static_cast<std::uint64_t>(x)) << " " << m << " " << d;
        if (fits) {
            ASSERT_EQ(U256{got}, want.value);
            ++checked;
        }
    }
    EXPECT_GT(checked, 15000);
}

TEST(SwapFast, AmountDeltasAndNextPriceMatchGeneralPath) {
    std::mt19937_64 rng(2);
    int next_checked = 0;
    for (int iter = 0; iter < 40000; ++iter) {
        u128 a = random_wide(rng), b = iter % 5 == 0 ? std::max(a, a + rng() % 3) : random_wide(rng);  // no wrap
        if (b < a) std::swap(a, b);
        const u128 l = rng() % 4 == 0 ? random_wide(rng) : random_u128_bits(rng, 1 + static_cast<unsigned>(rng() % 128));
        const bool up = (iter & 1) != 0;
        const detail::Divisor128 da = detail::make_divisor128(a), db = detail::make_divisor128(b);
        const auto want0 = v3::get_amount0_delta(U256{a}, U256{b}, l, up);
        ASSERT_TRUE(want0.ok());
        ASSERT_EQ(fast::amount0_delta(da, db, l, up), want0.value);
        const auto want1 = v3::get_amount1_delta(U256{a}, U256{b}, l, up);
        ASSERT_TRUE(want1.ok());
        ASSERT_EQ(fast::amount1_delta(a, b, l, up), want1.value);
        // Next price from an input of token0: any L > 0, amount < 2^127.
        const u128 lw = random_liquidity(rng);
        const u128 amount = rng() % 8 == 0 ? (u128{1} << 127) - 1 - rng() % 2
                                           : random_u128_bits(rng, 1 + static_cast<unsigned>(rng() % 127)) - (rng() % 2);
        const auto want_next = v3::get_next_sqrt_price_from_amount0_rounding_up(U256{b}, lw, U256{amount}, true);
        ASSERT_TRUE(want_next.ok());
        u128 got_next = 0;
        if (fast::next_sqrt_price_from_amount0_add(b, lw, amount, got_next)) {
            ASSERT_EQ(U256{got_next}, want_next.value);
            ++next_checked;
        }
    }
    EXPECT_GT(next_checked, 39000);  // the declined tie case is rare
}

// Limbs of all ones, single bits and 2^32 - 1 patterns make the long division's rare branches
// common: with these inputs the 3-by-2 digit estimate needs its add-back in about 0.3% of the
// next-price divisions and the declined tie case occurs in about 0.2% (counted once with an
// instrumented build; random limbs hit neither in 2^60 tries).
TEST(SwapFast, StructuredLimbsMatchGeneralPath) {
    std::mt19937_64 rng(5);
    const std::uint64_t patterns[] = {0, 1, 2, 0x8000000000000000ull, ~std::uint64_t{0}, ~std::uint64_t{0} - 1,
                                      0xffffffff00000000ull, 0x00000000ffffffffull, 0x7fffffffffffffffull};
    const auto limb = [&]() { return rng() % 3 == 0 ? rng() : patterns[rng() % 9]; };
    const auto wide = [&]() {
        const u128 x = (u128{limb()} << 64) | limb();
        return (x >> 64) == 0 ? x | kTwo64 : x;
    };
    int next_checked = 0;
    for (int iter = 0; iter < 200000; ++iter) {
        const u128 c = wide();
        const u128 l = iter % 3 == 0 ? std::max<u128>(limb(), 1) : wide();  // both sides of 2^64
        const u128 amount = ((u128{limb()} << 64) | limb()) >> (1 + rng() % 127);
        u128 got = 0;
        if (fast::next_sqrt_price_from_amount0_add(c, l, amount, got)) {
            const auto want = v3::get_next_sqrt_price_from_amount0_rounding_up(U256{c}, l, U256{amount}, true);
            ASSERT_TRUE(want.ok());
            ASSERT_EQ(U256{got}, want.value);
            ++next_checked;
        }
        if (iter % 4 == 0) {
            u128 a = wide(), b = wide();
            if (b < a) std::swap(a, b);
            const bool up = (iter & 4) != 0;
            const auto want0 = v3::get_amount0_delta(U256{a}, U256{b}, l, up);
            ASSERT_TRUE(want0.ok());
            ASSERT_EQ(fast::amount0_delta(detail::make_divisor128(a), detail::make_divisor128(b), l, up), want0.value);
        }
    }
    EXPECT_GT(next_checked, 190000);
}

// The whole step: whenever exact_in_step accepts, it equals compute_swap_step field by field;
// when compute_swap_step reverts, exact_in_step must decline.
TEST(SwapFast, ExactInStepMatchesComputeSwapStep) {
    std::mt19937_64 rng(3);
    const std::uint32_t fees[] = {0, 1, 100, 500, 3000, 10000, 999999};
    int accepted = 0, reached = 0, short_of_target = 0;
    for (int iter = 0; iter < 60000; ++iter) {
        const u128 c = random_wide(rng);
        u128 t = random_wide(rng);
        if (rng() % 2 == 0) {
            // Targets a few ticks away, as in the pool, kept in the regime.
            const std::int32_t tick = v3::get_tick_at_sqrt_ratio(U256{c}).value;
            const std::int32_t next = std::clamp(tick + static_cast<std::int32_t>(rng() % 4001) - 2000, v3::kMinTick,
                                                 v3::kMaxTick);
            const U256 p = v3::get_sqrt_ratio_at_tick(next).value;
            if (fast::in_price_regime(p)) t = p.low128();
        }
        if (rng() % 50 == 0) t = c;
        const u128 l = rng() % 2 == 0 ? random_wide(rng) : random_liquidity(rng);
        const std::uint32_t fee = rng() % 4 == 0 ? static_cast<std::uint32_t>(rng() % 1000000) : fees[rng() % 7];
        U256 remaining = random_amount(rng);
        if (rng() % 3 == 0) {
            // Right at the edge of reaching the target.
            const auto to_target =
                c >= t ? v3::get_amount0_delta(U256{t}, U256{c}, l, true) : v3::get_amount1_delta(U256{c}, U256{t}, l, true);
            if (to_target.ok() && to_target.value.fits128()) {
                const auto gross = pftoken::amm::mul_div_rounding_up(to_target.value, U256{1000000u}, U256{1000000u - fee});
                if (gross.ok()) remaining = gross.value + U256{rng() % 5} - U256{2u};
            }
        }
        if ((remaining.limb[3] >> 63) != 0) remaining = I256::max().bits;  // a non-negative int256
        const I256 amount = I256::from_bits(remaining);
        const auto want = v3::compute_swap_step(U256{c}, U256{t}, l, amount, fee);
        const fast::FeeConstants k = fast::make_fee_constants(fee);
        fast::StepOut got;
        const bool ok = fast::exact_in_step(detail::make_divisor128(c), detail::make_divisor128(t),
                                            liquidity_divisor(l), remaining, k, got);
        SCOPED_TRACE("iter " + std::to_string(iter) + " remaining " + remaining.to_decimal() + " fee " +
                     std::to_string(fee));
        if (!want.ok()) {
            ASSERT_FALSE(ok);
            continue;
        }
        if (!ok) continue;
        ++accepted;
        ASSERT_EQ(U256{got.sqrt_next}, want.value.sqrt_ratio_next_x96);
        ASSERT_EQ(U256{got.amount_in}, want.value.amount_in);
        ASSERT_EQ(U256{got.amount_out}, want.value.amount_out);
        ASSERT_EQ(U256{got.fee_amount}, want.value.fee_amount);
        const detail::Divisor128 d = detail::make_divisor128(got.sqrt_next);
        ASSERT_EQ(got.next_divisor.value, d.value);
        ASSERT_EQ(got.next_divisor.reciprocal, d.reciprocal);
        (got.sqrt_next == t ? reached : short_of_target) += 1;
    }
    // Both of Uniswap's branches went through the fast path many times.
    EXPECT_GT(accepted, 30000);
    EXPECT_GT(reached, 5000);
    EXPECT_GT(short_of_target, 5000);
}

// Whole swaps through the pool (fast steps: prices near 1) against Uniswap's loop written out with
// the general compute_swap_step and FullMath.mulDiv over the same word-boundary targets (one
// full-range position, so no tick is crossed): price, tick, both amounts and the fee growth agree.
TEST(SwapFast, PoolSwapsMatchIteratedComputeSwapStep) {
    std::mt19937_64 rng(4);
    // L = 1e21 (prepared 3-by-2 divisor) and L = 1e18 < 2^64 (2-by-1 digits).
    for (const u128 l : {u128{1000000000000000000u} * 1000u, u128{1000000000000000000u}}) {
    v3::Pool pool(v3::PoolConfig{3000, 60});
    ASSERT_TRUE(pool.initialize(U256{1u} << 96).ok());
    ASSERT_TRUE(pool.mint(1, -887220, 887220, l).ok());
    for (int iter = 0; iter < 2000; ++iter) {
        const bool zero_for_one = rng() % 2 == 0;
        const U256 amount{random_u128_bits(rng, 1 + static_cast<unsigned>(rng() % (l >> 64 != 0 ? 80 : 70)))};
        const U256 start = pool.sqrt_price_x96();
        U256 growth = zero_for_one ? pool.fee_growth_global0_x128() : pool.fee_growth_global1_x128();
        const U256 limit = zero_for_one ? v3::kMinSqrtRatio + U256{1u} : v3::kMaxSqrtRatio - U256{1u};
        const auto r = pool.swap(zero_for_one, I256::from_bits(amount), limit);
        ASSERT_TRUE(r.ok());
        // The reference: Uniswap's loop over word-boundary targets with compute_swap_step.
        U256 price = start;
        std::int32_t tick = v3::get_tick_at_sqrt_ratio(start).value;
        I256 remaining = I256::from_bits(amount);
        I256 calculated{0};
        while (!remaining.is_zero() && price != limit) {
            const auto next = pool.tick_bitmap().next_initialized_tick_within_one_word(tick, zero_for_one);
            const std::int32_t next_tick = std::clamp(next.tick, v3::kMinTick, v3::kMaxTick);
            const U256 sqrt_next = v3::get_sqrt_ratio_at_tick(next_tick).value;
            const bool limit_first = zero_for_one ? sqrt_next < limit : sqrt_next > limit;
            const auto step = v3::compute_swap_step(price, limit_first ? limit : sqrt_next, l, remaining, 3000);
            ASSERT_TRUE(step.ok());
            const U256 before = price;
            price = step.value.sqrt_ratio_next_x96;
            remaining = remaining - I256::from_bits(step.value.amount_in + step.value.fee_amount);
            calculated = calculated - I256::from_bits(step.value.amount_out);
            growth += pftoken::amm::mul_div(step.value.fee_amount, U256::pow2(128), U256{l}).value;
            if (price == sqrt_next) tick = zero_for_one ? next_tick - 1 : next_tick;
            else if (price != before) tick = v3::get_tick_at_sqrt_ratio(price).value;
        }
        ASSERT_EQ(r.value.sqrt_price_x96, price);
        ASSERT_EQ(r.value.tick, tick);
        ASSERT_EQ(zero_for_one ? r.value.amount1 : r.value.amount0, calculated);
        ASSERT_EQ(zero_for_one ? r.value.amount0 : r.value.amount1, I256::from_bits(amount) - remaining);
        ASSERT_EQ(zero_for_one ? r.value.fee_growth_global0_x128 : r.value.fee_growth_global1_x128, growth);
    }
    }
}

// TickBitmap.nextInitializedTickWithinOneWord searches limb by limb; the reference is the
// Solidity formula on the whole word: masked = word & mask, then mostSignificantBit (lte) or
// leastSignificantBit (gt) of the masked word. Sparse and dense random bitmaps, spacings 1 and
// 60, ticks at word edges, both directions.
TEST(SwapFast, BitmapSearchMatchesWholeWordFormula) {
    std::mt19937_64 rng(6);
    for (const std::int32_t spacing : {1, 60}) {
        v3::TickBitmap bitmap(spacing);
        const std::int32_t lo = v3::kMinTick / spacing, hi = v3::kMaxTick / spacing;
        const auto random_compressed = [&]() {
            // Near zero (dense region) or anywhere; word edges often.
            std::int32_t c = rng() % 2 == 0 ? static_cast<std::int32_t>(rng() % 2048) - 1024
                                            : lo + static_cast<std::int32_t>(rng() % static_cast<std::uint64_t>(hi - lo));
            if (rng() % 4 == 0) c = (c & ~255) + (rng() % 2 == 0 ? 0 : 255);
            return std::clamp(c, lo, hi);
        };
        for (int i = 0; i < 3000; ++i) (void)bitmap.flip_tick(random_compressed() * spacing);
        for (int iter = 0; iter < 20000; ++iter) {
            const std::int32_t tick = random_compressed() * spacing + (spacing > 1 ? static_cast<std::int32_t>(rng() % 60) - 30 : 0);
            for (const bool lte : {true, false}) {
                std::int32_t compressed = tick / spacing;
                if (tick < 0 && tick % spacing != 0) --compressed;
                if (!lte) ++compressed;
                const auto bit = static_cast<unsigned>(compressed & 255);
                const U256 word = bitmap.word(compressed >> 8);
                const U256 masked = lte ? (word & U256::low_mask(bit + 1)) : (word & ~U256::low_mask(bit));
                v3::TickBitmap::Next want{};
                if (masked.is_zero()) {
                    want = {(lte ? compressed - static_cast<std::int32_t>(bit)
                                 : compressed + static_cast<std::int32_t>(255u - bit)) * spacing, false};
                } else if (lte) {
                    want = {(compressed - static_cast<std::int32_t>(bit - pftoken::amm::most_significant_bit(masked))) * spacing, true};
                } else {
                    want = {(compressed + static_cast<std::int32_t>(pftoken::amm::least_significant_bit(masked) - bit)) * spacing, true};
                }
                const auto got = bitmap.next_initialized_tick_within_one_word(tick, lte);
                ASSERT_EQ(got.tick, want.tick) << tick << " " << lte;
                ASSERT_EQ(got.initialized, want.initialized) << tick << " " << lte;
            }
        }
    }
}

}  // namespace
