// Every upstream Uniswap vector through the replay format (`pftoken amm replay`): each of the 35
// v2 cases and the 240 v3 pool swaps is converted to a replay scenario, run by
// pftoken::amm::replay (the library behind the command; the CLI runs the same function, checked
// by the amm.replay_cli.* tests) and its JSON results compared with the vectors' expected values.
// Source: ../shared/vectors/amm (README there): Uniswap/v2-core @ ee547b17,
// Uniswap/v2-periphery @ 0335e8f7, Uniswap/v3-core @ d8b1c635.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "decimal_js.hpp"
#include "pftoken/amm/exact/replay.hpp"
#include "pftoken/amm/exact/uint256.hpp"
#include "vector_cases.hpp"

namespace {

using nlohmann::json;
using pftoken::amm::replay;
using pftoken::amm::testing::cpp_int;
using pftoken::amm::testing::VectorCase;

std::string s(const json& j) { return j.get<std::string>(); }

json v2_pool(const json& reserve0, const json& reserve1, bool fee_on = false) {
    return json{{"type", "v2"}, {"reserve0", reserve0}, {"reserve1", reserve1}, {"feeOn", fee_on}};
}
json empty_v2_pool() { return v2_pool("0", "0"); }

// Runs the scenario and returns its results array.
json run(const json& pool, const json& ops) {
    return replay(json{{"pool", pool}, {"ops", ops}}).at("results");
}

class V2ReplayVectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(V2ReplayVectors, ReplaysLikeUniswap) {
    PFT_VECTOR_CASE_OR_SKIP(GetParam());
    const json& c = GetParam().data;
    SCOPED_TRACE(c.dump());
    const std::string fn = c.at("fn");
    if (fn == "getAmountOut") {
        const json r = run(empty_v2_pool(), json::array({{{"op", "getAmountOut"},
                                                          {"amountIn", c.at("amountIn")},
                                                          {"reserveIn", c.at("reserveIn")},
                                                          {"reserveOut", c.at("reserveOut")}}}));
        ASSERT_EQ(r[0].at("amountOut"), c.at("expect"));
        if (c.contains("pairCheck")) {
            // On a pair built with these reserves (token0 in): out + 1 reverts K, out passes.
            const cpp_int out(s(c.at("expect")));
            const json ops = json::array(
                {{{"op", "pairSwap"}, {"amount1Out", cpp_int(out + 1).str()}, {"amount0In", c.at("amountIn")}},
                 {{"op", "pairSwap"}, {"amount1Out", out.str()}, {"amount0In", c.at("amountIn")}}});
            const json p = run(v2_pool(c.at("reserveIn"), c.at("reserveOut")), ops);
            EXPECT_EQ(p[0], (json{{"error", "K"}}));
            EXPECT_TRUE(p[1].contains("reserve0")) << p[1].dump();
        }
    } else if (fn == "getAmountIn") {
        const json r = run(empty_v2_pool(), json::array({{{"op", "getAmountIn"},
                                                          {"amountOut", c.at("amountOut")},
                                                          {"reserveIn", c.at("reserveIn")},
                                                          {"reserveOut", c.at("reserveOut")}}}));
        EXPECT_EQ(r[0].at("amountIn"), c.at("expect"));
    } else if (fn == "quote") {
        const json r = run(empty_v2_pool(), json::array({{{"op", "quote"},
                                                          {"amountA", c.at("amountA")},
                                                          {"reserveA", c.at("reserveA")},
                                                          {"reserveB", c.at("reserveB")}}}));
        EXPECT_EQ(r[0].at("amountB"), c.at("expect"));
    } else if (fn == "getAmountOut/getAmountIn/quote") {
        // Amount 0 and a pool with one zero reserve (either side).
        json ops = json::array({{{"op", "getAmountOut"}, {"amountIn", "0"}, {"reserveIn", "100"}, {"reserveOut", "100"}},
                                {{"op", "getAmountIn"}, {"amountOut", "0"}, {"reserveIn", "100"}, {"reserveOut", "100"}},
                                {{"op", "quote"}, {"amountA", "0"}, {"reserveA", "100"}, {"reserveB", "100"}}});
        for (const auto& [rin, rout] : {std::pair{"0", "100"}, std::pair{"100", "0"}}) {
            ops.push_back({{"op", "getAmountOut"}, {"amountIn", "2"}, {"reserveIn", rin}, {"reserveOut", rout}});
            ops.push_back({{"op", "getAmountIn"}, {"amountOut", "1"}, {"reserveIn", rin}, {"reserveOut", rout}});
            ops.push_back({{"op", "quote"}, {"amountA", "1"}, {"reserveA", rin}, {"reserveB", rout}});
        }
        const json r = run(empty_v2_pool(), ops);
        ASSERT_EQ(r.size(), 9u);
        EXPECT_EQ(r[0], (json{{"error", "INSUFFICIENT_INPUT_AMOUNT"}}));
        EXPECT_EQ(r[1], (json{{"error", "INSUFFICIENT_OUTPUT_AMOUNT"}}));
        EXPECT_EQ(r[2], (json{{"error", "INSUFFICIENT_AMOUNT"}}));
        for (std::size_t i = 3; i < 9; ++i) EXPECT_EQ(r[i], (json{{"error", "INSUFFICIENT_LIQUIDITY"}})) << i;
    } else if (fn == "pairKCheckFlashSameToken") {
        const cpp_int out(s(c.at("amount0Out")));
        const json ops = json::array(
            {{{"op", "pairSwap"}, {"amount0Out", cpp_int(out + 1).str()}, {"amount0In", c.at("amount0In")}},
             {{"op", "pairSwap"}, {"amount0Out", out.str()}, {"amount0In", c.at("amount0In")}}});
        const json p = run(v2_pool(c.at("reserve0"), c.at("reserve1")), ops);
        EXPECT_EQ(p[0], (json{{"error", "K"}}));
        EXPECT_TRUE(p[1].contains("reserve0")) << p[1].dump();
    } else if (fn == "initialMint") {
        const json r = run(empty_v2_pool(), json::array({{{"op", "mint"}, {"amount0", c.at("amount0")}, {"amount1", c.at("amount1")}},
                                                         {{"op", "state"}}}));
        EXPECT_EQ(r[1].at("totalSupply"), c.at("expectTotalSupply"));
        EXPECT_EQ(cpp_int(cpp_int(s(r[1].at("totalSupply"))) - cpp_int(s(r[0].at("liquidity")))).str(),
                  s(c.at("expectMinimumLiquidityLocked")));
    } else if (fn == "protocolFeeOnBurn") {
        // "token1 in 1e18, token0 out 996006981039903216", then the burn.
        const json ops = json::array({{{"op", "pairSwap"}, {"amount0Out", "996006981039903216"}, {"amount1In", "1000000000000000000"}},
                                      {{"op", "burn"}, {"liquidity", c.at("burnLiquidity")}},
                                      {{"op", "state"}}});
        const json r = run(v2_pool(c.at("reserves").at(0), c.at("reserves").at(1), true), ops);
        const json& e = c.at("expect");
        EXPECT_EQ(r[2].at("feeToBalance"), e.at("feeLiquidityMinted"));
        EXPECT_EQ(r[2].at("reserve0"), e.at("pairBalance0After"));
        EXPECT_EQ(r[2].at("reserve1"), e.at("pairBalance1After"));
    } else if (fn == "computeProfitMaximizingTrade+getAmountOut") {
        const json t = run(empty_v2_pool(), json::array({{{"op", "computeProfitMaximizingTrade"},
                                                          {"truePriceTokenA", c.at("truePriceTokenA")},
                                                          {"truePriceTokenB", c.at("truePriceTokenB")},
                                                          {"reserveA", c.at("reserveA")},
                                                          {"reserveB", c.at("reserveB")}}}))[0];
        const json& e = c.at("expect");
        const bool a_to_b = t.at("aToB").get<bool>();
        EXPECT_EQ(a_to_b, s(e.at("direction")) == "token0->token1");
        EXPECT_EQ(t.at("amountIn"), e.at("amountIn"));
        // The trade itself on the pair (token A = token0).
        const json swap = run(v2_pool(c.at("reserveA"), c.at("reserveB")),
                              json::array({{{"op", "swap"}, {"zeroForOne", a_to_b}, {"amountIn", t.at("amountIn")}}}))[0];
        EXPECT_EQ(swap.at("amountOut"), e.at("amountOut"));
    } else if (fn == "getReservesAfterArbitrage") {
        const json r = run(empty_v2_pool(), json::array({{{"op", "getReservesAfterArbitrage"},
                                                          {"truePriceTokenA", c.at("truePriceTokenA")},
                                                          {"truePriceTokenB", c.at("truePriceTokenB")},
                                                          {"reserveA", c.at("reserveA")},
                                                          {"reserveB", c.at("reserveB")}}}))[0];
        EXPECT_EQ(r.at("reserveA"), c.at("expect").at(0));
        EXPECT_EQ(r.at("reserveB"), c.at("expect").at(1));
    } else if (fn == "getLiquidityValueAfterArbitrageToPrice") {
        json op = {{"op", "getLiquidityValueAfterArbitrageToPrice"}};
        for (const char* key : {"truePriceTokenA", "truePriceTokenB", "reserveA", "reserveB", "totalSupply", "liquidity",
                                "feeOn", "kLast"}) {
            if (c.contains(key)) op[key] = c.at(key);
        }
        const json r = run(empty_v2_pool(), json::array({op}))[0];
        EXPECT_EQ(r.at("amountA"), c.at("expect").at(0));
        EXPECT_EQ(r.at("amountB"), c.at("expect").at(1));
    } else {
        FAIL() << "a v2 vector kind the replay test does not convert: " << fn;
    }
}

INSTANTIATE_TEST_SUITE_P(V2Cases, V2ReplayVectors,
                         ::testing::ValuesIn(pftoken::amm::testing::load_cases(
                             "uniswap-v2/v2.cases.json", [](const json& doc) { return doc.at("cases"); },
                             [](const json& c) { return c.at("fn").get<std::string>() + "_" + c.at("src").get<std::string>(); })),
                         pftoken::amm::testing::case_name);

class V3ReplaySwapVectors : public ::testing::TestWithParam<VectorCase> {};

// The pool (fee, spacing, price, protocol fee), its mints, the swap, then every position burnt
// and collected, as one scenario.
TEST_P(V3ReplaySwapVectors, ReplaysLikeTheSnapshot) {
    PFT_VECTOR_CASE_OR_SKIP(GetParam());
    const json& c = GetParam().data;
    const json& setup = GetParam().context;
    SCOPED_TRACE(c.at("snapshotKey").get<std::string>());
    const json pool = {{"type", "v3"},
                       {"fee", setup.at("feePips")},
                       {"tickSpacing", setup.at("tickSpacing")},
                       {"sqrtPriceX96", setup.at("sqrtPriceX96")},
                       {"feeProtocol", setup.at("protocolFee")}};
    json ops = json::array();
    for (const auto& p : setup.at("positions")) {
        ops.push_back({{"op", "mint"}, {"owner", "lp"}, {"tickLower", p.at("tickLower")}, {"tickUpper", p.at("tickUpper")},
                       {"liquidity", p.at("liquidity")}});
    }
    const std::size_t swap_index = ops.size();
    ops.push_back({{"op", "swap"},
                   {"zeroForOne", c.at("zeroForOne")},
                   {"amountSpecified", c.at("amountSpecified")},
                   {"sqrtPriceLimitX96", c.at("sqrtPriceLimitX96")}});
    const std::string max128 = "340282366920938463463374607431768211455";
    for (const auto& p : setup.at("positions")) {
        ops.push_back({{"op", "burn"}, {"owner", "lp"}, {"tickLower", p.at("tickLower")}, {"tickUpper", p.at("tickUpper")},
                       {"liquidity", p.at("liquidity")}});
        ops.push_back({{"op", "collect"}, {"owner", "lp"}, {"tickLower", p.at("tickLower")}, {"tickUpper", p.at("tickUpper")},
                       {"amount0Requested", max128}, {"amount1Requested", max128}});
    }
    const json r = replay(json{{"pool", pool}, {"ops", ops}}).at("results");
    ASSERT_EQ(r.size(), ops.size());
    cpp_int balance0 = 0, balance1 = 0;
    for (std::size_t i = 0; i < swap_index; ++i) {
        ASSERT_FALSE(r[i].contains("error")) << r[i].dump();
        balance0 += cpp_int(s(r[i].at("amount0")));
        balance1 += cpp_int(s(r[i].at("amount1")));
    }
    EXPECT_EQ(balance0.str(), s(setup.at("balancesAfterMints").at("token0")));
    EXPECT_EQ(balance1.str(), s(setup.at("balancesAfterMints").at("token1")));
    const json& e = c.at("expected");
    const json& sw = r[swap_index];
    if (c.contains("expectedRevert")) {
        EXPECT_EQ(sw, (json{{"error", c.at("expectedRevert")}}));
    } else {
        ASSERT_FALSE(sw.contains("error")) << sw.dump();
        EXPECT_EQ(sw.at("amount0"), e.at("amount0Delta"));
        EXPECT_EQ(sw.at("amount1"), e.at("amount1Delta"));
        EXPECT_EQ(sw.at("feeGrowthGlobal0X128"), e.at("feeGrowthGlobal0X128Delta"));
        EXPECT_EQ(sw.at("feeGrowthGlobal1X128"), e.at("feeGrowthGlobal1X128Delta"));
        EXPECT_EQ(sw.at("tick"), std::to_string(e.at("tickAfter").get<std::int32_t>()));
        EXPECT_EQ(pftoken::amm::testing::format_price(cpp_int(s(sw.at("sqrtPriceX96")))),
                  e.at("poolPriceAfter").get<std::string>());
        EXPECT_EQ(pftoken::amm::testing::format_execution_price(cpp_int(s(sw.at("amount0"))), cpp_int(s(sw.at("amount1")))),
                  e.at("executionPrice").get<std::string>());
    }
    for (std::size_t i = swap_index + 1; i < r.size(); ++i) EXPECT_FALSE(r[i].contains("error")) << r[i].dump();
}

INSTANTIATE_TEST_SUITE_P(
    V3Swaps, V3ReplaySwapVectors,
    ::testing::ValuesIn(pftoken::amm::testing::load_cases(
        "uniswap-v3-core/swaps.cases.json", [](const json& doc) { return doc.at("cases"); },
        [](const json& c) {
            return "pool" + std::to_string(c.at("pool").get<int>()) + "_" + c.at("swapDescription").get<std::string>();
        },
        [](const json& doc, const json& c) { return doc.at("pools").at(c.at("pool").get<std::size_t>()); })),
    pftoken::amm::testing::case_name);

// The v3-core library vectors (TickMath, SqrtPriceMath, SwapMath, Tick) as replay library ops.
std::vector<VectorCase> v3_unit_cases() {
    return pftoken::amm::testing::load_cases(
        "uniswap-v3-core/unit.cases.json",
        [](const json& doc) {
            json all = pftoken::amm::testing::tick_math_cases_of(doc);
            for (const auto& c : doc.at("sqrtPriceMath")) all.push_back(c);
            for (auto c : doc.at("swapMath").at("computeSwapStep")) {
                c["fn"] = "computeSwapStep";
                all.push_back(c);
            }
            for (auto c : doc.at("tick").at("tickSpacingToMaxLiquidityPerTick")) {
                c["fn"] = "tickSpacingToMaxLiquidityPerTick";
                all.push_back(c);
            }
            for (auto c : doc.at("tick").at("getFeeGrowthInside")) {
                c["fn"] = "getFeeGrowthInside";
                all.push_back(c);
            }
            return all;
        },
        [](const json& c) { return c.at("fn").get<std::string>() + "_" + c.value("desc", c.dump().substr(0, 40)); });
}

class V3ReplayUnitVectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(V3ReplayUnitVectors, ReplaysLikeUniswap) {
    PFT_VECTOR_CASE_OR_SKIP(GetParam());
    const json& c = GetParam().data;
    SCOPED_TRACE(c.dump());
    const std::string fn = c.at("fn");
    json op = {{"op", fn}};
    for (const auto& [key, value] : c.items()) {
        // Everything but the expectations and the vectors' notes is an argument.
        const bool meta = key == "fn" || key == "desc" || key == "note" || key == "valuesFromSpec" || key == "expect" ||
                          key == "expectRevert" || key == "expectRoundDown";
        if (!meta) op[key] = value;
    }
    const json pool = {{"type", "v3"}, {"fee", 3000}, {"sqrtPriceX96", "79228162514264337593543950336"}};
    const json r = replay(json{{"pool", pool}, {"ops", json::array({op})}}).at("results").at(0);
    if (c.contains("expectRevert")) {
        ASSERT_TRUE(r.contains("error")) << r.dump();
        if (c.at("expectRevert").is_string()) {
            EXPECT_EQ(r.at("error"), c.at("expectRevert"));
        }
        return;
    }
    ASSERT_FALSE(r.contains("error")) << r.dump();
    const json& e = c.at("expect");
    if (fn == "getSqrtRatioAtTick" || fn == "getNextSqrtPriceFromInput" || fn == "getNextSqrtPriceFromOutput") {
        EXPECT_EQ(r.at("sqrtPriceX96"), e);
    } else if (fn == "getTickAtSqrtRatio") {
        EXPECT_EQ(r.at("tick"), std::to_string(e.get<std::int32_t>()));
    } else if (fn == "getAmount0Delta" || fn == "getAmount1Delta") {
        EXPECT_EQ(r.at("amount"), e);
        if (c.contains("expectRoundDown")) {
            op["roundUp"] = false;
            const json d = replay(json{{"pool", pool}, {"ops", json::array({op})}}).at("results").at(0);
            EXPECT_EQ(d.at("amount"), c.at("expectRoundDown"));
        }
    } else if (fn == "computeSwapStep") {
        for (const char* key : {"amountIn", "feeAmount", "amountOut", "sqrtRatioNextX96"}) EXPECT_EQ(r.at(key), e.at(key)) << key;
    } else if (fn == "tickSpacingToMaxLiquidityPerTick") {
        EXPECT_EQ(r.at("maxLiquidityPerTick"), e);
    } else if (fn == "getFeeGrowthInside") {
        EXPECT_EQ(r.at("feeGrowthInside0X128"), e.at("feeGrowthInside0X128"));
        EXPECT_EQ(r.at("feeGrowthInside1X128"), e.at("feeGrowthInside1X128"));
    } else {
        FAIL() << "a v3 library vector the replay test does not convert: " << fn;
    }
}

INSTANTIATE_TEST_SUITE_P(V3Unit, V3ReplayUnitVectors, ::testing::ValuesIn(v3_unit_cases()),
                         pftoken::amm::testing::case_name);

}  // namespace
