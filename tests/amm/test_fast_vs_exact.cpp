// Fast floating-point pools against the bit-exact Uniswap models on random seeded sequences:
// the same operations must give the same amounts, prices, liquidity and fee growth to 1e-9
// relative (issue 3, "Fast floating-point twins").
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "pftoken/amm/exact/uint256.hpp"
#include "pftoken/amm/exact/v2/pair.hpp"
#include "pftoken/amm/exact/v3/pool.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"
#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/amm/fast/error.hpp"

namespace fast = pftoken::amm::fast;
namespace v2 = pftoken::amm::v2;
namespace v3 = pftoken::amm::v3;
using pftoken::amm::I256;
using pftoken::amm::u128;
using pftoken::amm::U256;

namespace {

const double kQ96 = std::ldexp(1.0, 96);
const double kQ128 = std::ldexp(1.0, 128);
constexpr double kRelTol = 1e-9;
double g_worst_relative = 0.0;  // reported as a test property, to see the margin

double to_double(const I256& v) {
    return v.negative() ? -v.magnitude().to_double() : v.bits.to_double();
}
double to_double(u128 v) { return static_cast<double>(v); }

// |fast - exact| <= 1e-9 max(|fast|, |exact|, floor). `floor` is the operation's natural scale
// (the pool's liquidity, about the token amounts at a price near 1): an amount that is a tiny
// difference of large terms (a range edge next to the price) is compared at that scale, since
// neither model carries it to more digits than the terms it comes from.
::testing::AssertionResult close(const char* what, double fast_value, double exact_value,
                                 double floor = 0.0) {
    const double scale = std::max({std::fabs(fast_value), std::fabs(exact_value), floor});
    if (scale > 0.0)
        g_worst_relative = std::max(g_worst_relative, std::fabs(fast_value - exact_value) / scale);
    if (std::fabs(fast_value - exact_value) <= kRelTol * scale)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << what << ": fast " << fast_value << " vs exact " << exact_value << " (relative "
           << std::fabs(fast_value - exact_value) / scale << ")";
}

U256 to_u256(u128 v) { return U256(v); }

std::string scientific(double v) {
    std::ostringstream out;
    out.precision(3);
    out << v;
    return out.str();
}

}  // namespace

TEST(FastVsExact, ConcentratedLiquidityRandomSequences) {
    g_worst_relative = 0.0;
    std::mt19937_64 rng(424242);
    std::uniform_int_distribution<int> tick_index(-50, 50);
    std::uniform_int_distribution<std::uint64_t> units(1'000'000, 1'000'000'000);  // x 2^40
    std::uniform_int_distribution<int> owner(1, 3);
    std::uniform_int_distribution<int> op_kind(0, 9);
    std::uniform_int_distribution<std::uint64_t> mantissa(1'000'000, 9'999'999);
    std::uniform_int_distribution<int> exponent(9, 13);  // amounts 1e15 .. 1e20 wei
    std::uniform_int_distribution<std::uint64_t> limit_bps(1, 500);
    std::bernoulli_distribution coin(0.5);
    const u128 unit = u128{1} << 40;
    int swaps = 0;
    int crossings = 0;
    for (int sequence = 0; sequence < 24; ++sequence) {
        const std::uint32_t fee = sequence % 3 == 0 ? 500 : (sequence % 3 == 1 ? 3000 : 10000);
        const int spacing = fee == 500 ? 10 : (fee == 3000 ? 60 : 200);
        v3::Pool exact(v3::PoolConfig{fee, spacing});
        const U256 at_tick = v3::get_sqrt_ratio_at_tick(tick_index(rng) * 7).value;
        const U256 start =
            at_tick + at_tick / U256(2000u + mantissa(rng) % 1000u);  // off the tick grid
        ASSERT_TRUE(exact.initialize(start).ok());
        if (sequence % 4 == 3) {
            ASSERT_EQ(exact.set_fee_protocol(6, 4), pftoken::amm::Revert::None);
        }
        fast::ConcentratedLiquidityOptions options;
        options.fee_pips = fee;
        options.tick_spacing = spacing;
        options.sqrt_price = start.to_double() / kQ96;
        if (sequence % 4 == 3) {
            options.fee_protocol0 = 6;
            options.fee_protocol1 = 4;
        }
        fast::ConcentratedLiquidityPool twin(options);
        ASSERT_EQ(twin.tick(), exact.tick());
        struct Minted {
            int owner, lower, upper;
        };
        std::vector<Minted> minted;
        for (int op = 0; op < 120; ++op) {
            SCOPED_TRACE("sequence " + std::to_string(sequence) + " op " + std::to_string(op));
            const int kind = op_kind(rng);
            const double scale = std::max(twin.liquidity(), 1e18);
            if (kind < 3 || minted.empty()) {
                int lo = tick_index(rng) * spacing;
                int hi = tick_index(rng) * spacing;
                if (lo == hi) continue;
                if (lo > hi) std::swap(lo, hi);
                const int who = owner(rng);
                const u128 liquidity = u128{units(rng)} * unit;
                const auto e = exact.mint(static_cast<v3::OwnerId>(who), lo, hi, liquidity);
                ASSERT_TRUE(e.ok()) << e.code();
                const auto f = twin.mint("o" + std::to_string(who), lo, hi, to_double(liquidity));
                EXPECT_TRUE(close("mint amount0", f.amount0, e.value.amount0.to_double(), scale));
                EXPECT_TRUE(close("mint amount1", f.amount1, e.value.amount1.to_double(), scale));
                minted.push_back({who, lo, hi});
            } else if (kind < 5) {
                const Minted m = minted[rng() % minted.size()];
                const v3::PositionInfo* pos =
                    exact.position(static_cast<v3::OwnerId>(m.owner), m.lower, m.upper);
                ASSERT_NE(pos, nullptr);
                const std::string name = "o" + std::to_string(m.owner);
                if (pos->liquidity > 0) {
                    const u128 part =
                        coin(rng) ? pos->liquidity : (pos->liquidity / 2 / unit) * unit;
                    const auto e =
                        exact.burn(static_cast<v3::OwnerId>(m.owner), m.lower, m.upper, part);
                    ASSERT_TRUE(e.ok()) << e.code();
                    const auto f = twin.burn(name, m.lower, m.upper, to_double(part));
                    EXPECT_TRUE(
                        close("burn amount0", f.amount0, e.value.amount0.to_double(), scale));
                    EXPECT_TRUE(
                        close("burn amount1", f.amount1, e.value.amount1.to_double(), scale));
                }
                const u128 all = ~u128{0};
                const auto e =
                    exact.collect(static_cast<v3::OwnerId>(m.owner), m.lower, m.upper, all, all);
                ASSERT_TRUE(e.ok()) << e.code();
                const auto f = twin.collect(name, m.lower, m.upper, 1e300, 1e300);
                EXPECT_TRUE(close("collect amount0", f.amount0, to_double(e.value.amount0), scale));
                EXPECT_TRUE(close("collect amount1", f.amount1, to_double(e.value.amount1), scale));
            } else {
                const bool zero_for_one = coin(rng);
                const bool exact_in = coin(rng);
                u128 amount = mantissa(rng);
                for (int i = exponent(rng); i > 0; --i) amount *= 10;
                U256 limit;
                if (coin(rng)) {
                    // A price limit 0.01% to 5% away from the current price.
                    const U256 bps = U256(limit_bps(rng));
                    const U256 s = exact.sqrt_price_x96();
                    limit = zero_for_one ? s * (U256(10000u) - bps) / U256(10000u)
                                         : s * (U256(10000u) + bps) / U256(10000u);
                } else {
                    // Beyond every position (ticks are within +-50 spacings): the swap may run
                    // out of liquidity and cross an empty stretch up to the limit.
                    limit = v3::get_sqrt_ratio_at_tick(zero_for_one ? -60 * spacing : 60 * spacing)
                                .value;
                    if (zero_for_one ? !(limit < exact.sqrt_price_x96())
                                     : !(exact.sqrt_price_x96() < limit)) {
                        continue;
                    }
                }
                const I256 specified =
                    exact_in ? I256::from_bits(to_u256(amount)) : -I256::from_bits(to_u256(amount));
                const auto e = exact.swap(zero_for_one, specified, limit);
                ASSERT_TRUE(e.ok()) << e.code();
                const double specified_d = exact_in ? to_double(amount) : -to_double(amount);
                const double limit_d = limit.to_double() / kQ96;
                const auto f = twin.swap(zero_for_one, specified_d, limit_d);
                ++swaps;
                crossings += f.ticks_crossed;
                EXPECT_EQ(static_cast<std::uint32_t>(f.ticks_crossed), e.value.ticks_crossed);
                EXPECT_TRUE(close("swap amount0", f.amount0, to_double(e.value.amount0), scale));
                EXPECT_TRUE(close("swap amount1", f.amount1, to_double(e.value.amount1), scale));
                EXPECT_TRUE(close("sqrt_price", twin.sqrt_price(),
                                  e.value.sqrt_price_x96.to_double() / kQ96));
                EXPECT_TRUE(close("liquidity", twin.liquidity(), to_double(e.value.liquidity)));
                EXPECT_TRUE(close("fee_growth_global0", twin.fee_growth_global0(),
                                  e.value.fee_growth_global0_x128.to_double() / kQ128));
                EXPECT_TRUE(close("fee_growth_global1", twin.fee_growth_global1(),
                                  e.value.fee_growth_global1_x128.to_double() / kQ128));
                if (twin.tick() != e.value.tick) {
                    // Only acceptable when the price sits on a tick boundary to within rounding.
                    const double boundary =
                        fast::sqrt_price_at_tick(std::max(twin.tick(), e.value.tick));
                    EXPECT_TRUE(close("tick boundary", twin.sqrt_price(), boundary))
                        << "tick fast " << twin.tick() << " exact " << e.value.tick;
                }
            }
            ASSERT_TRUE(close("active liquidity", twin.liquidity(), to_double(exact.liquidity())));
            EXPECT_TRUE(close("protocol fees 0", twin.protocol_fees().amount0,
                              to_double(exact.protocol_fees().token0), scale));
            EXPECT_TRUE(close("protocol fees 1", twin.protocol_fees().amount1,
                              to_double(exact.protocol_fees().token1), scale));
        }
    }
    ::testing::Test::RecordProperty("worst_relative_difference", scientific(g_worst_relative));
    ::testing::Test::RecordProperty("swaps", swaps);
    ::testing::Test::RecordProperty("ticks_crossed", crossings);
    // The sequences must actually exercise swaps and tick crossings.
    EXPECT_GT(swaps, 500);
    EXPECT_GT(crossings, 100);
}

TEST(FastVsExact, ConstantProductRandomSequences) {
    g_worst_relative = 0.0;
    std::mt19937_64 rng(99);
    std::uniform_int_distribution<std::uint64_t> mantissa(1'000'000, 9'999'999);
    std::uniform_int_distribution<int> exponent(12, 16);  // 1e18 .. 1e23 wei against 1e24 reserves
    std::uniform_int_distribution<int> op_kind(0, 9);
    std::bernoulli_distribution coin(0.5);
    const auto big = [&](int exp) {
        u128 v = mantissa(rng);
        for (int i = 0; i < exp; ++i) v *= 10;
        return v;
    };
    for (int sequence = 0; sequence < 20; ++sequence) {
        SCOPED_TRACE("sequence " + std::to_string(sequence));
        const u128 r0 = big(18);
        const u128 r1 = big(17 + sequence % 4);
        v2::Pair exact;
        ASSERT_TRUE(exact.mint(U256(r0), U256(r1)).ok());
        fast::ConstantProductPool twin(
            fast::ConstantProductOptions{to_double(r0), to_double(r1), 0.003});
        EXPECT_TRUE(close("initial shares", twin.total_shares(), exact.total_supply().to_double()));
        for (int op = 0; op < 150; ++op) {
            const int kind = op_kind(rng);
            const bool zero_for_one = coin(rng);
            if (kind == 0) {
                const u128 a0 = big(exponent(rng));
                const u128 a1 = big(exponent(rng));
                const auto e = exact.mint(U256(a0), U256(a1));
                ASSERT_TRUE(e.ok()) << e.code();
                const auto f = twin.add_liquidity(to_double(a0), to_double(a1));
                EXPECT_TRUE(close("minted shares", f.shares, e.value.to_double()));
            } else if (kind == 1) {
                const U256 shares = exact.caller_balance() / U256(7u);
                const auto e = exact.burn(shares);
                ASSERT_TRUE(e.ok()) << e.code();
                const auto f = twin.remove_liquidity(shares.to_double());
                EXPECT_TRUE(close("burn amount0", f.amount0, e.value.amount0.to_double()));
                EXPECT_TRUE(close("burn amount1", f.amount1, e.value.amount1.to_double()));
            } else if (kind < 7) {
                const u128 amount = big(exponent(rng));
                const auto e = exact.swap_exact_in(zero_for_one, U256(amount));
                ASSERT_TRUE(e.ok()) << e.code();
                const auto f = twin.swap_exact_in(zero_for_one, to_double(amount));
                EXPECT_TRUE(close("amount_out", f.amount_out, e.value.amount_out.to_double()));
            } else {
                const double reserve_out = zero_for_one ? twin.reserve1() : twin.reserve0();
                u128 amount = big(exponent(rng) - 1);
                if (to_double(amount) > 0.5 * reserve_out) continue;
                const auto e = exact.swap_exact_out(zero_for_one, U256(amount));
                ASSERT_TRUE(e.ok()) << e.code();
                const auto f = twin.swap_exact_out(zero_for_one, to_double(amount));
                EXPECT_TRUE(close("amount_in", f.amount_in, e.value.amount_in.to_double()));
            }
            ASSERT_TRUE(close("reserve0", twin.reserve0(), exact.reserve0().to_double()))
                << "op " << op;
            ASSERT_TRUE(close("reserve1", twin.reserve1(), exact.reserve1().to_double()))
                << "op " << op;
            ASSERT_TRUE(
                close("total shares", twin.total_shares(), exact.total_supply().to_double()));
        }
    }
    ::testing::Test::RecordProperty("worst_relative_difference", scientific(g_worst_relative));
}
