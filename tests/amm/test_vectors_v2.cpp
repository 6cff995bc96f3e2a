// Uniswap v2 vectors: library math, the pair's K check (normal and flash), initial mint, the
// protocol fee on burn, and the periphery arbitrage / liquidity-value helpers.
// Source: tests/vectors/amm/uniswap-v2/v2.cases.json, from Uniswap/v2-core @ ee547b17
// (test/UniswapV2Pair.spec.ts) and Uniswap/v2-periphery @ 0335e8f7 (Router01/02, ExampleSwapToPrice,
// ExampleComputeLiquidityValue specs).
#include <string>

#include <gtest/gtest.h>

#include "pftoken/amm/exact/v2/library.hpp"
#include "pftoken/amm/exact/v2/pair.hpp"
#include "vector_cases.hpp"

namespace {

using nlohmann::json;
using pftoken::amm::Revert;
using pftoken::amm::U256;
using pftoken::amm::testing::VectorCase;
namespace v2 = pftoken::amm::v2;

U256 u(const json& j) { return U256::from_decimal(j.get<std::string>()).value(); }
std::string s(const json& j) { return j.get<std::string>(); }

v2::Pair pair_with(const U256& reserve0, const U256& reserve1, bool fee_on = false) {
    v2::Pair pair;
    pair.set_fee_on(fee_on);
    const auto minted = pair.mint(reserve0, reserve1);
    if (!minted.ok()) throw std::runtime_error("initial mint reverted: " + std::string(minted.code()));
    return pair;
}

class V2Vectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(V2Vectors, MatchesUniswap) {
    PFT_VECTOR_CASE_OR_SKIP(GetParam());
    const json& c = GetParam().data;
    SCOPED_TRACE(c.dump());
    const std::string fn = c.at("fn");

    if (fn == "getAmountOut") {
        const auto r = v2::get_amount_out(u(c.at("amountIn")), u(c.at("reserveIn")), u(c.at("reserveOut")));
        ASSERT_TRUE(r.ok()) << r.code();
        EXPECT_EQ(r.value.to_decimal(), s(c.at("expect")));
        if (c.contains("pairCheck")) {
            // token0 is the input: swap(0, out, in, 0) passes, one wei more fails with K.
            v2::Pair ok_pair = pair_with(u(c.at("reserveIn")), u(c.at("reserveOut")));
            EXPECT_EQ(ok_pair.swap(U256{}, r.value + U256{1u}, u(c.at("amountIn")), U256{}), Revert::K);
            EXPECT_EQ(ok_pair.swap(U256{}, r.value, u(c.at("amountIn")), U256{}), Revert::None);
        }
    } else if (fn == "getAmountIn") {
        const auto r = v2::get_amount_in(u(c.at("amountOut")), u(c.at("reserveIn")), u(c.at("reserveOut")));
        ASSERT_TRUE(r.ok()) << r.code();
        EXPECT_EQ(r.value.to_decimal(), s(c.at("expect")));
    } else if (fn == "quote") {
        const auto r = v2::quote(u(c.at("amountA")), u(c.at("reserveA")), u(c.at("reserveB")));
        ASSERT_TRUE(r.ok()) << r.code();
        EXPECT_EQ(r.value.to_decimal(), s(c.at("expect")));
    } else if (fn == "getAmountOut/getAmountIn/quote") {
        const U256 zero{}, hundred{100u};
        EXPECT_EQ(v2::get_amount_out(zero, hundred, hundred).code(), "INSUFFICIENT_INPUT_AMOUNT");
        EXPECT_EQ(v2::get_amount_in(zero, hundred, hundred).code(), "INSUFFICIENT_OUTPUT_AMOUNT");
        EXPECT_EQ(v2::quote(zero, hundred, hundred).code(), "INSUFFICIENT_AMOUNT");
        for (const auto& [rin, rout] : {std::pair{zero, hundred}, std::pair{hundred, zero}}) {
            EXPECT_EQ(v2::get_amount_out(U256{2u}, rin, rout).code(), "INSUFFICIENT_LIQUIDITY");
            EXPECT_EQ(v2::get_amount_in(U256{1u}, rin, rout).code(), "INSUFFICIENT_LIQUIDITY");
            EXPECT_EQ(v2::quote(U256{1u}, rin, rout).code(), "INSUFFICIENT_LIQUIDITY");
        }
    } else if (fn == "pairKCheckFlashSameToken") {
        v2::Pair pair = pair_with(u(c.at("reserve0")), u(c.at("reserve1")));
        const U256 out = u(c.at("amount0Out")), in = u(c.at("amount0In"));
        EXPECT_EQ(pair.swap(out + U256{1u}, U256{}, in, U256{}), Revert::K);
        EXPECT_EQ(pair.swap(out, U256{}, in, U256{}), Revert::None);
    } else if (fn == "initialMint") {
        v2::Pair pair;
        const auto minted = pair.mint(u(c.at("amount0")), u(c.at("amount1")));
        ASSERT_TRUE(minted.ok()) << minted.code();
        EXPECT_EQ(pair.total_supply().to_decimal(), s(c.at("expectTotalSupply")));
        EXPECT_EQ((pair.total_supply() - minted.value).to_decimal(), s(c.at("expectMinimumLiquidityLocked")));
    } else if (fn == "protocolFeeOnBurn") {
        v2::Pair pair = pair_with(u(c.at("reserves").at(0)), u(c.at("reserves").at(1)), true);
        // "token1 in 1e18, token0 out 996006981039903216"
        ASSERT_EQ(pair.swap(U256::from_decimal("996006981039903216").value(), U256{}, U256{},
                            U256::from_decimal("1000000000000000000").value()),
                  Revert::None);
        const auto burnt = pair.burn(u(c.at("burnLiquidity")));
        ASSERT_TRUE(burnt.ok()) << burnt.code();
        const json& e = c.at("expect");
        EXPECT_EQ(pair.fee_to_balance().to_decimal(), s(e.at("feeLiquidityMinted")));
        EXPECT_EQ(pair.total_supply(), pair.fee_to_balance() + U256{v2::kMinimumLiquidity});
        EXPECT_EQ(pair.reserve0().to_decimal(), s(e.at("pairBalance0After")));
        EXPECT_EQ(pair.reserve1().to_decimal(), s(e.at("pairBalance1After")));
    } else if (fn == "computeProfitMaximizingTrade+getAmountOut") {
        const U256 ra = u(c.at("reserveA")), rb = u(c.at("reserveB"));
        const auto t = v2::compute_profit_maximizing_trade(u(c.at("truePriceTokenA")), u(c.at("truePriceTokenB")), ra, rb);
        ASSERT_TRUE(t.ok()) << t.code();
        const json& e = c.at("expect");
        EXPECT_EQ(t.value.a_to_b, s(e.at("direction")) == "token0->token1");
        EXPECT_EQ(t.value.amount_in.to_decimal(), s(e.at("amountIn")));
        const auto out = t.value.a_to_b ? v2::get_amount_out(t.value.amount_in, ra, rb)
                                        : v2::get_amount_out(t.value.amount_in, rb, ra);
        ASSERT_TRUE(out.ok()) << out.code();
        EXPECT_EQ(out.value.to_decimal(), s(e.at("amountOut")));
    } else if (fn == "getReservesAfterArbitrage") {
        const auto r = v2::get_reserves_after_arbitrage(u(c.at("truePriceTokenA")), u(c.at("truePriceTokenB")),
                                                        u(c.at("reserveA")), u(c.at("reserveB")));
        ASSERT_TRUE(r.ok()) << r.code();
        EXPECT_EQ(r.value.reserve_a.to_decimal(), s(c.at("expect").at(0)));
        EXPECT_EQ(r.value.reserve_b.to_decimal(), s(c.at("expect").at(1)));
    } else if (fn == "getLiquidityValueAfterArbitrageToPrice") {
        const auto r = v2::get_liquidity_value_after_arbitrage_to_price(
            u(c.at("truePriceTokenA")), u(c.at("truePriceTokenB")), u(c.at("reserveA")), u(c.at("reserveB")),
            u(c.at("totalSupply")), u(c.at("liquidity")), c.at("feeOn").get<bool>(),
            c.contains("kLast") ? u(c.at("kLast")) : U256{});
        ASSERT_TRUE(r.ok()) << r.code();
        EXPECT_EQ(r.value.amount_a.to_decimal(), s(c.at("expect").at(0)));
        EXPECT_EQ(r.value.amount_b.to_decimal(), s(c.at("expect").at(1)));
    } else {
        FAIL() << "unknown v2 vector kind: " << fn;
    }
}

INSTANTIATE_TEST_SUITE_P(V2Cases, V2Vectors,
                         ::testing::ValuesIn(pftoken::amm::testing::load_cases(
                             "uniswap-v2/v2.cases.json", [](const json& doc) { return doc.at("cases"); },
                             [](const json& c) { return c.at("fn").get<std::string>() + "_" + c.at("src").get<std::string>(); })),
                         pftoken::amm::testing::case_name);

}  // namespace
