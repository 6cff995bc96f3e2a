// The 240 pool swaps of Uniswap v3-core's swap snapshot (190 swaps, 50 SPL reverts).
// Source: tests/vectors/amm/uniswap-v3-core/swaps.cases.json, made from Uniswap/v3-core @ d8b1c635
// test/__snapshots__/UniswapV3Pool.swaps.spec.ts.snap and test/UniswapV3Pool.swaps.spec.ts.
// Harness rules from the vectors' README: integers compared exactly, price fields as the
// decimal.js toPrecision(5) strings, every position burnt and collected after the swap.
#include <string>

#include <gtest/gtest.h>

#include "decimal_js.hpp"
#include "pftoken/amm/exact/v3/pool.hpp"
#include "vector_cases.hpp"

namespace {

using nlohmann::json;
using pftoken::amm::I256;
using pftoken::amm::U256;
using pftoken::amm::u128;
using pftoken::amm::testing::cpp_int;
using pftoken::amm::testing::VectorCase;
namespace v3 = pftoken::amm::v3;

U256 u(const json& j) { return U256::from_decimal(j.get<std::string>()).value(); }
cpp_int big(const U256& v) { return cpp_int(v.to_decimal()); }
cpp_int big(const I256& v) { return cpp_int(v.to_decimal()); }

std::vector<VectorCase> swap_cases() {
    return pftoken::amm::testing::load_cases(
        "uniswap-v3-core/swaps.cases.json", [](const json& doc) { return doc.at("cases"); },
        [](const json& c) {
            return "pool" + std::to_string(c.at("pool").get<int>()) + "_" + c.at("swapDescription").get<std::string>();
        },
        [](const json& doc, const json& c) { return doc.at("pools").at(c.at("pool").get<std::size_t>()); });
}

class V3SwapVectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(V3SwapVectors, MatchesSnapshot) {
    PFT_VECTOR_CASE_OR_SKIP(GetParam());
    const json& c = GetParam().data;
    const json& setup = GetParam().context;
    SCOPED_TRACE(c.at("snapshotKey").get<std::string>());

    v3::Pool pool(v3::PoolConfig{setup.at("feePips").get<std::uint32_t>(), setup.at("tickSpacing").get<std::int32_t>()});
    const auto init = pool.initialize(u(setup.at("sqrtPriceX96")));
    ASSERT_TRUE(init.ok()) << init.code();
    ASSERT_EQ(init.value, setup.at("initialTick").get<std::int32_t>());
    ASSERT_TRUE(pool.set_fee_protocol_packed(setup.at("protocolFee").get<std::uint8_t>()) == pftoken::amm::Revert::None);
    for (const auto& p : setup.at("positions")) {
        const auto m = pool.mint(0, p.at("tickLower").get<std::int32_t>(), p.at("tickUpper").get<std::int32_t>(),
                                 u(p.at("liquidity")).low128());
        ASSERT_TRUE(m.ok()) << m.code();
    }
    ASSERT_EQ(pool.balance0().to_decimal(), setup.at("balancesAfterMints").at("token0").get<std::string>());
    ASSERT_EQ(pool.balance1().to_decimal(), setup.at("balancesAfterMints").at("token1").get<std::string>());

    const U256 balance0_before = pool.balance0(), balance1_before = pool.balance1();
    const U256 price_before = pool.sqrt_price_x96();
    const std::int32_t tick_before = pool.tick();
    const auto r = pool.swap(c.at("zeroForOne").get<bool>(), I256::from_decimal(c.at("amountSpecified").get<std::string>()).value(),
                             u(c.at("sqrtPriceLimitX96")));
    const json& e = c.at("expected");
    EXPECT_EQ(pftoken::amm::testing::format_price(big(price_before)), e.at("poolPriceBefore").get<std::string>());
    EXPECT_EQ(tick_before, e.at("tickBefore").get<std::int32_t>());

    if (c.contains("expectedRevert")) {
        EXPECT_EQ(r.code(), c.at("expectedRevert").get<std::string>());
        EXPECT_EQ(pool.balance0().to_decimal(), e.at("poolBalance0").get<std::string>());
        EXPECT_EQ(pool.balance1().to_decimal(), e.at("poolBalance1").get<std::string>());
        EXPECT_EQ(pool.sqrt_price_x96(), price_before);  // a revert changes nothing
        EXPECT_EQ(pool.tick(), tick_before);
    } else {
        ASSERT_TRUE(r.ok()) << r.code();
        EXPECT_EQ(balance0_before.to_decimal(), e.at("amount0Before").get<std::string>());
        EXPECT_EQ(balance1_before.to_decimal(), e.at("amount1Before").get<std::string>());
        EXPECT_EQ(r.value.amount0.to_decimal(), e.at("amount0Delta").get<std::string>());
        EXPECT_EQ(r.value.amount1.to_decimal(), e.at("amount1Delta").get<std::string>());
        // The pool's balances moved by exactly the returned amounts.
        EXPECT_EQ(big(pool.balance0()) - big(balance0_before), big(r.value.amount0));
        EXPECT_EQ(big(pool.balance1()) - big(balance1_before), big(r.value.amount1));
        EXPECT_EQ(r.value.fee_growth_global0_x128.to_decimal(), e.at("feeGrowthGlobal0X128Delta").get<std::string>());
        EXPECT_EQ(r.value.fee_growth_global1_x128.to_decimal(), e.at("feeGrowthGlobal1X128Delta").get<std::string>());
        EXPECT_EQ(r.value.tick, e.at("tickAfter").get<std::int32_t>());
        EXPECT_EQ(pftoken::amm::testing::format_price(big(r.value.sqrt_price_x96)), e.at("poolPriceAfter").get<std::string>());
        EXPECT_EQ(pftoken::amm::testing::format_execution_price(big(r.value.amount0), big(r.value.amount1)),
                  e.at("executionPrice").get<std::string>());
    }

    // afterEach of the spec: every position can be burnt and collected.
    for (const auto& p : setup.at("positions")) {
        const auto lower = p.at("tickLower").get<std::int32_t>(), upper = p.at("tickUpper").get<std::int32_t>();
        const auto b = pool.burn(0, lower, upper, u(p.at("liquidity")).low128());
        ASSERT_TRUE(b.ok()) << b.code();
        const auto col = pool.collect(0, lower, upper, ~u128{0}, ~u128{0});
        ASSERT_TRUE(col.ok()) << col.code();
    }
    EXPECT_EQ(pool.liquidity(), u128{0});
}

INSTANTIATE_TEST_SUITE_P(SwapsSnapshot, V3SwapVectors, ::testing::ValuesIn(swap_cases()),
                         pftoken::amm::testing::case_name);

}  // namespace
