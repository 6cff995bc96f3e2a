// `pftoken amm replay` library behind the command: contract, vector cross-checks, error messages.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "pftoken/amm/exact/replay.hpp"
#include "pftoken/amm/exact/uint256.hpp"
#include "support/gtest_extra.hpp"

namespace {

using nlohmann::json;
using pftoken::amm::replay;
using pftoken::amm::replay_text;
using pftoken::amm::ReplayError;

json load(const std::string& relative) {
    std::ifstream in(std::string(PFTOKEN_SOURCE_DIR) + "/" + relative);
    if (!in) throw std::runtime_error("cannot open " + relative);
    return json::parse(in);
}

// data/amm/v3_replay.json ops 0-1 are the setup and first swap of pool "medium fee, 1:1 price,
// 2e18 max range liquidity" in Uniswap/v3-core @ d8b1c635 test/__snapshots__/UniswapV3Pool.swaps.spec.ts.snap
// ("swap exactly 1.0000 token0 for token1"): balances after mint 2e18/2e18, amount0Delta 1e18,
// amount1Delta -665331998665331998, feeGrowthGlobal0X128 510423550381407695195061911147652317, tick -8090.
TEST(Replay, V3ExampleMatchesUniswapSnapshot) {
    const json out = replay(load("data/amm/v3_replay.json"));
    const json& r = out.at("results");
    ASSERT_EQ(r.size(), 12u);
    EXPECT_EQ(r[0], (json{{"amount0", "2000000000000000000"}, {"amount1", "2000000000000000000"}}));
    EXPECT_EQ(r[1].at("amount0"), "1000000000000000000");
    EXPECT_EQ(r[1].at("amount1"), "-665331998665331998");
    EXPECT_EQ(r[1].at("feeGrowthGlobal0X128"), "510423550381407695195061911147652317");
    EXPECT_EQ(r[1].at("feeGrowthGlobal1X128"), "0");
    EXPECT_EQ(r[1].at("tick"), "-8090");
    EXPECT_EQ(r[1].at("liquidity"), "2000000000000000000");
    EXPECT_EQ(r[5], (json{{"error", "SPL"}}));
    EXPECT_EQ(r[10], (json{{"error", "TLU"}}));
    EXPECT_EQ(r[11], (json{{"error", "NP"}}));
    // Exact output of 0.5 token0: amount0 is exactly -0.5e18 (the pool returns signed amounts).
    EXPECT_EQ(r[3].at("amount0"), "-500000000000000000");
    // The swap with a price limit stops exactly at the limit.
    EXPECT_EQ(r[4].at("sqrtPriceX96"), "56022770974786139918731938227");
    // Collect pays what was requested when enough is owed.
    EXPECT_EQ(r[9], (json{{"amount0", "1000"}, {"amount1", "0"}}));
}

// data/amm/v2_replay.json ops 0-1 are Uniswap/v2-core @ ee547b17 test/UniswapV2Pair.spec.ts "feeTo:on":
// reserves 1000e18/1000e18, token1 in 1e18 -> token0 out 996006981039903216, burn of all the
// caller's 999999999999999999000 shares leaves the pair with 249501683698445 / 250000187313969.
TEST(Replay, V2ExampleMatchesUniswapPairSpec) {
    const json out = replay(load("data/amm/v2_replay.json"));
    const json& r = out.at("results");
    ASSERT_EQ(r.size(), 7u);
    EXPECT_EQ(r[0].at("amountOut"), "996006981039903216");
    const pftoken::amm::U256 r0 = *pftoken::amm::U256::from_decimal(r[0].at("reserve0").get<std::string>());
    const pftoken::amm::U256 r1 = *pftoken::amm::U256::from_decimal(r[0].at("reserve1").get<std::string>());
    EXPECT_EQ((r0 - *pftoken::amm::U256::from_decimal(r[1].at("amount0").get<std::string>())).to_decimal(), "249501683698445");
    EXPECT_EQ((r1 - *pftoken::amm::U256::from_decimal(r[1].at("amount1").get<std::string>())).to_decimal(), "250000187313969");
    EXPECT_EQ(r[5], (json{{"error", "INSUFFICIENT_INPUT_AMOUNT"}}));
    EXPECT_TRUE(r[6].contains("error"));
}

TEST(Replay, V2InitialReservesAreAFirstMintWithTheLock) {
    // sqrt(1e18 * 4e18) = 2e18 shares, 1000 locked: burning the caller's 2e18-1000 works, 2e18 does not.
    const json base = json::parse(R"({"pool": {"type": "v2", "reserve0": "1000000000000000000",
                                           "reserve1": "4000000000000000000"}, "ops": []})");
    json too_much = base;
    too_much["ops"] = json::parse(R"([{"op": "burn", "liquidity": "2000000000000000000"}])");
    EXPECT_EQ(replay(too_much).at("results").at(0), (json{{"error", "UNDERFLOW"}}));
    json all = base;
    all["ops"] = json::parse(R"([{"op": "burn", "liquidity": "1999999999999999000"}])");
    EXPECT_EQ(replay(all).at("results").at(0),
              (json{{"amount0", "999999999999999500"}, {"amount1", "3999999999999998000"}}));
}

// Malformed scenarios: the message names the field path and the violated constraint.
struct BadScenario {
    const char* scenario;
    const char* message;
};
const BadScenario kBad[] = {
    {R"({"pool": {)", "<input>: malformed JSON"},
    {R"([1, 2])", "<scenario>: must be a JSON object"},
    {R"({"pool": {"type": "v3", "fee": 3000, "sqrtPriceX96": "79228162514264337593543950336"}})", "<scenario>.ops: missing required field"},
    {R"({"pool": {"type": "v4"}, "ops": []})", "pool.type: must be \"v2\" or \"v3\", got \"v4\""},
    {R"({"pool": {"type": "v3", "fee": 3000}, "ops": []})", "pool.sqrtPriceX96: missing required field"},
    {R"({"pool": {"type": "v3", "fee": 1234, "sqrtPriceX96": "79228162514264337593543950336"}, "ops": []})",
     "pool.tickSpacing: missing required field"},
    {R"({"pool": {"type": "v3", "fee": 3000, "sqrtPriceX96": "1"}, "ops": []})", "pool.sqrtPriceX96: must be in"},
    {R"({"pool": {"type": "v3", "fee": 3000, "sqrtPriceX96": "79228162514264337593543950336", "feeProtocol": 3}, "ops": []})",
     "pool.feeProtocol: each nibble"},
    {R"({"pool": {"type": "v3", "fee": 3000, "sqrtPriceX96": "79228162514264337593543950336"},
        "ops": [{"op": "mint", "owner": "a", "tickLower": -60, "tickUpper": 60, "liquidity": "1"}, {"op": "flash"}]})",
     "ops[1].op: unknown v3 op \"flash\""},
    {R"({"pool": {"type": "v3", "fee": 3000, "sqrtPriceX96": "79228162514264337593543950336"},
        "ops": [{"op": "mint", "owner": "a", "tickLower": -60, "tickUpper": 60, "liquidity": "-5"}]})",
     "ops[0].liquidity: must be an unsigned integer below 2^128 (decimal string or JSON integer), got \"-5\""},
    {R"({"pool": {"type": "v3", "fee": 3000, "sqrtPriceX96": "79228162514264337593543950336"},
        "ops": [{"op": "mint", "owner": "a", "tickLower": -60, "tickUpper": 60,
                 "liquidity": "340282366920938463463374607431768211456"}]})",
     "ops[0].liquidity: must be an unsigned integer below 2^128"},
    {R"({"pool": {"type": "v3", "fee": 3000, "sqrtPriceX96": "79228162514264337593543950336"},
        "ops": [{"op": "swap", "zeroForOne": true}]})",
     "ops[0].amountSpecified: missing required field"},
    {R"({"pool": {"type": "v3", "fee": 3000, "sqrtPriceX96": "79228162514264337593543950336"},
        "ops": [{"op": "swap", "zeroForOne": true, "amountSpecified": "57896044618658097711785492504343953926634992332820282019728792003956564819968"}]})",
     "ops[0].amountSpecified: must be a signed integer in [-2^255, 2^255)"},
    {R"({"pool": {"type": "v3", "fee": 3000, "sqrtPriceX96": "79228162514264337593543950336"},
        "ops": [{"op": "swap", "zeroForOne": 1, "amountSpecified": "5"}]})",
     "ops[0].zeroForOne: must be true or false, got 1"},
    {R"({"pool": {"type": "v3", "fee": 3000, "sqrtPriceX96": "79228162514264337593543950336"},
        "ops": [{"op": "swap", "zeroForOne": true, "amountSpecified": "5", "sqrtPriceLimit": "1"}]})",
     "ops[0].sqrtPriceLimit: unknown field"},
    {R"({"pool": {"type": "v3", "fee": 3000, "sqrtPriceX96": "79228162514264337593543950336"},
        "ops": [{"op": "burn", "owner": "a", "tickLower": 1.5, "tickUpper": 60, "liquidity": "1"}]})",
     "ops[0].tickLower: must be an integer in"},
    {R"({"pool": {"type": "v2", "reserve0": "1000", "reserve1": "0"}, "ops": []})", "pool.reserve1: must be > 0"},
    {R"({"pool": {"type": "v2", "reserve0": "10", "reserve1": "10"}, "ops": []})", "pool.reserve0: initial mint of the reserves reverts UNDERFLOW"},
    {R"({"pool": {"type": "v2", "reserve0": "1000", "reserve1": "1000"}, "ops": []})",
     "pool.reserve0: initial mint of the reserves reverts INSUFFICIENT_LIQUIDITY_MINTED"},
    {R"({"pool": {"type": "v2", "reserve0": "5192296858534827628530496329220096", "reserve1": "1"}, "ops": []})",
     "pool.reserve0: must be an unsigned integer below 2^112"},
    {R"({"pool": {"type": "v2", "reserve0": "1000000", "reserve1": "1000000"}, "ops": [{"op": "swap", "amountIn": "5"}]})",
     "ops[0].zeroForOne: missing required field"},
    {R"({"pool": {"type": "v2", "reserve0": "1000000", "reserve1": "1000000"}, "ops": [{"op": "sync"}]})",
     "ops[0].op: unknown v2 op \"sync\""},
    {R"({"pool": {"type": "v2", "reserve0": "1000000", "reserve1": "1000000"}, "ops": [7]})", "ops[0]: must be an object, got 7"},
    // A key written twice is refused (nlohmann alone keeps the last value silently).
    {R"({"pool": {"type": "v2", "type": "v3"}, "ops": []})", "pool.type: duplicate key 'type' (first at line 1, column 11) (at <input>:1:25)"},
    {R"({"pool": {"type": "v2", "reserve0": "1", "reserve1": "1"}, "ops": [{"op": "swap"}, {"op": "swap", "op": "x"}]})",
     "ops[1].op: duplicate key 'op'"},
};

TEST(Replay, MalformedScenariosNameFieldAndConstraint) {
    for (const BadScenario& bad : kBad) {
        SCOPED_TRACE(bad.scenario);
        EXPECT_THROW_MSG((void)replay_text(bad.scenario), ReplayError, bad.message);
    }
}

TEST(Replay, NumbersAreAcceptedAsJsonIntegersToo) {
    const json out = replay_text(R"({"pool": {"type": "v2", "reserve0": 1000000, "reserve1": 1000000},
                                     "ops": [{"op": "swap", "zeroForOne": true, "amountIn": 1000}]})");
    // getAmountOut(1000, 1e6, 1e6) = floor(997000*1e6 / (1e9 + 997000)) = 996
    EXPECT_EQ(out.at("results").at(0).at("amountOut"), "996");
}

}  // namespace
