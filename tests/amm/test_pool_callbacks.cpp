// v3::Pool's optional payer callback: the M0 / M1 / IIA reverts of UniswapV3Pool.sol
// (Uniswap/v3-core @ d8b1c635: mint `require(balance0Before.add(amount0) <= balance0(), 'M0')`,
// likewise 'M1'; swap `require(balance0Before.add(uint256(amount0)) <= balance0(), 'IIA')`, or
// token1 for oneForZero). Amounts are checked against the same pool run without a callback,
// whose results the Uniswap vectors pin down.
#include <gtest/gtest.h>

#include "pftoken/amm/exact/v3/pool.hpp"

namespace {

using pftoken::amm::I256;
using pftoken::amm::Revert;
using pftoken::amm::U256;
using pftoken::amm::u128;
namespace v3 = pftoken::amm::v3;

const u128 kE18 = 1000000000000000000u;

v3::Pool seeded_pool() {
    v3::Pool pool(v3::PoolConfig{3000, 60});
    EXPECT_TRUE(pool.initialize(U256{1u} << 96).ok());
    // Nested ranges so swaps cross initialized ticks.
    for (std::int32_t k = 1; k <= 5; ++k) EXPECT_TRUE(pool.mint(1, -60 * k, 60 * k, kE18).ok());
    return pool;
}

// Everything a revert must leave untouched.
void expect_same_state(const v3::Pool& a, const v3::Pool& b) {
    EXPECT_EQ(a.sqrt_price_x96(), b.sqrt_price_x96());
    EXPECT_EQ(a.tick(), b.tick());
    EXPECT_TRUE(a.liquidity() == b.liquidity());
    EXPECT_EQ(a.fee_growth_global0_x128(), b.fee_growth_global0_x128());
    EXPECT_EQ(a.fee_growth_global1_x128(), b.fee_growth_global1_x128());
    EXPECT_EQ(a.balance0(), b.balance0());
    EXPECT_EQ(a.balance1(), b.balance1());
    EXPECT_EQ(a.initialized_ticks(), b.initialized_ticks());
    for (const std::int32_t t : a.initialized_ticks()) {
        EXPECT_EQ(a.tick_info(t)->fee_growth_outside0_x128, b.tick_info(t)->fee_growth_outside0_x128) << t;
        EXPECT_EQ(a.tick_info(t)->fee_growth_outside1_x128, b.tick_info(t)->fee_growth_outside1_x128) << t;
        EXPECT_TRUE(a.tick_info(t)->liquidity_gross == b.tick_info(t)->liquidity_gross) << t;
    }
    EXPECT_EQ(a.positions().size(), b.positions().size());
}

v3::PayCallback short_by(U256 short0, U256 short1) {
    return [=](const U256& owed0, const U256& owed1) {
        return v3::Payment{owed0 - (owed0.is_zero() ? U256{} : short0), owed1 - (owed1.is_zero() ? U256{} : short1)};
    };
}

TEST(PoolCallbacks, MintUnderpaymentRevertsM0ThenM1AndChangesNothing) {
    const v3::Pool before = seeded_pool();
    struct Row {
        U256 short0, short1;
        const char* code;
    };
    // Token0 is checked first, as in the contract.
    const Row rows[] = {{U256{1u}, U256{}, "M0"}, {U256{}, U256{1u}, "M1"}, {U256{1u}, U256{1u}, "M0"}};
    for (const Row& row : rows) {
        v3::Pool pool = before;
        const auto r = pool.mint(2, -120, 120, kE18, short_by(row.short0, row.short1));
        EXPECT_EQ(r.code(), row.code);
        expect_same_state(pool, before);
        EXPECT_EQ(pool.position(2, -120, 120), nullptr);
    }
}

TEST(PoolCallbacks, MintExactPaymentMatchesTheDefaultAndOverpaymentIsKept) {
    v3::Pool plain = seeded_pool(), paid = seeded_pool(), generous = seeded_pool();
    const auto a = plain.mint(2, -120, 120, kE18);
    const auto b = paid.mint(2, -120, 120, kE18, short_by(U256{}, U256{}));
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(a.value.amount0, b.value.amount0);
    EXPECT_EQ(a.value.amount1, b.value.amount1);
    expect_same_state(plain, paid);
    const auto c = generous.mint(2, -120, 120, kE18, [](const U256& owed0, const U256& owed1) {
        return v3::Payment{owed0 + U256{5u}, owed1};
    });
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(generous.balance0(), plain.balance0() + U256{5u});
    // A range above the price owes no token1: paying none of it is fine.
    v3::Pool above = seeded_pool();
    const auto d = above.mint(2, 600, 1200, kE18, [](const U256& owed0, const U256&) { return v3::Payment{owed0, U256{}}; });
    ASSERT_TRUE(d.ok());
    EXPECT_TRUE(d.value.amount1.is_zero());
}

TEST(PoolCallbacks, SwapUnderpaymentRevertsIIAAfterCrossingTicksAndChangesNothing) {
    const v3::Pool before = seeded_pool();
    const U256 low = v3::get_sqrt_ratio_at_tick(-250).value, high = v3::get_sqrt_ratio_at_tick(250).value;
    for (const bool zero_for_one : {true, false}) {
        for (const I256 amount : {I256::max(), I256{-1000000000000000}}) {  // exact in to the limit, exact out
            v3::Pool reference = before;
            const auto want = reference.swap(zero_for_one, amount, zero_for_one ? low : high);
            ASSERT_TRUE(want.ok());
            if (amount == I256::max()) {
                EXPECT_GT(want.value.ticks_crossed, 0u);
            }

            v3::Pool pool = before;
            const auto r = pool.swap(zero_for_one, amount, zero_for_one ? low : high,
                                     short_by(zero_for_one ? U256{1u} : U256{}, zero_for_one ? U256{} : U256{1u}));
            EXPECT_EQ(r.code(), "IIA");
            expect_same_state(pool, before);

            // Paying exactly is the default behaviour, bit for bit.
            v3::Pool exact = before;
            U256 asked0, asked1;
            const auto ok = exact.swap(zero_for_one, amount, zero_for_one ? low : high,
                                       [&](const U256& owed0, const U256& owed1) {
                                           asked0 = owed0;
                                           asked1 = owed1;
                                           return v3::Payment{owed0, owed1};
                                       });
            ASSERT_TRUE(ok.ok());
            EXPECT_EQ(ok.value.amount0, want.value.amount0);
            EXPECT_EQ(ok.value.amount1, want.value.amount1);
            expect_same_state(exact, reference);
            // Only the input token is asked for.
            EXPECT_EQ(zero_for_one ? asked0 : asked1, (zero_for_one ? want.value.amount0 : want.value.amount1).bits);
            EXPECT_TRUE((zero_for_one ? asked1 : asked0).is_zero());
        }
    }
}

}  // namespace
