// Uniswap v3 library vectors: TickMath, SqrtPriceMath, SwapMath, Tick (maxLiquidityPerTick,
// getFeeGrowthInside). Source: tests/vectors/amm/uniswap-v3-core/unit.cases.json, extracted
// from Uniswap/v3-core @ d8b1c635 test/{TickMath,SqrtPriceMath,SwapMath,Tick}.spec.ts (+ .snap).
#include <string>

#include <gtest/gtest.h>

#include "pftoken/amm/exact/v3/sqrt_price_math.hpp"
#include "pftoken/amm/exact/v3/swap_math.hpp"
#include "pftoken/amm/exact/v3/tick.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"
#include "vector_cases.hpp"

namespace {

using nlohmann::json;
using pftoken::amm::I256;
using pftoken::amm::U256;
using pftoken::amm::u128;
using pftoken::amm::testing::VectorCase;
namespace v3 = pftoken::amm::v3;

const char* const kUnitFile = "uniswap-v3-core/unit.cases.json";

U256 u(const json& j) {
    const auto v = U256::from_decimal(j.get<std::string>());
    if (!v) throw std::runtime_error("bad uint256 in vectors: " + j.dump());
    return *v;
}
u128 u128_of(const json& j) {
    const U256 v = u(j);
    if (!v.fits128()) throw std::runtime_error("bad uint128 in vectors: " + j.dump());
    return v.low128();
}
I256 i256(const json& j) {
    const auto v = I256::from_decimal(j.get<std::string>());
    if (!v) throw std::runtime_error("bad int256 in vectors: " + j.dump());
    return *v;
}

// ---------------- TickMath ----------------
std::vector<VectorCase> tick_math_cases() {
    return pftoken::amm::testing::load_cases(
        kUnitFile,
        [](const json& doc) {
            return pftoken::amm::testing::tick_math_cases_of(doc);
        },
        [](const json& c) {
            return c.at("fn").get<std::string>() + "_" +
                   (c.contains("tick") ? std::to_string(c.at("tick").get<int>()) : c.at("sqrtPriceX96").get<std::string>());
        });
}

class TickMathVectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(TickMathVectors, MatchesUniswap) {
    PFT_VECTOR_CASE_OR_SKIP(GetParam());
    const json& c = GetParam().data;
    SCOPED_TRACE(c.dump());
    const std::string fn = c.at("fn");
    if (fn == "getSqrtRatioAtTick") {
        const auto r = v3::get_sqrt_ratio_at_tick(c.at("tick").get<std::int32_t>());
        if (c.contains("expectRevert")) {
            EXPECT_EQ(r.code(), c.at("expectRevert").get<std::string>());
        } else {
            ASSERT_TRUE(r.ok()) << r.code();
            EXPECT_EQ(r.value.to_decimal(), c.at("expect").get<std::string>());
        }
    } else {
        const auto r = v3::get_tick_at_sqrt_ratio(u(c.at("sqrtPriceX96")));
        if (c.contains("expectRevert")) {
            EXPECT_EQ(r.code(), c.at("expectRevert").get<std::string>());
        } else {
            ASSERT_TRUE(r.ok()) << r.code();
            EXPECT_EQ(r.value, c.at("expect").get<std::int32_t>());
        }
    }
}
INSTANTIATE_TEST_SUITE_P(UnitCases, TickMathVectors, ::testing::ValuesIn(tick_math_cases()),
                         pftoken::amm::testing::case_name);

// ---------------- SqrtPriceMath ----------------
class SqrtPriceMathVectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(SqrtPriceMathVectors, MatchesUniswap) {
    PFT_VECTOR_CASE_OR_SKIP(GetParam());
    const json& c = GetParam().data;
    SCOPED_TRACE(c.dump());
    const std::string fn = c.at("fn");
    const bool expect_revert = c.value("expectRevert", false);
    if (fn == "getNextSqrtPriceFromInput" || fn == "getNextSqrtPriceFromOutput") {
        const auto r = fn == "getNextSqrtPriceFromInput"
                           ? v3::get_next_sqrt_price_from_input(u(c.at("sqrtPX96")), u128_of(c.at("liquidity")),
                                                                u(c.at("amount")), c.at("zeroForOne").get<bool>())
                           : v3::get_next_sqrt_price_from_output(u(c.at("sqrtPX96")), u128_of(c.at("liquidity")),
                                                                 u(c.at("amount")), c.at("zeroForOne").get<bool>());
        if (expect_revert) {
            EXPECT_FALSE(r.ok()) << r.value.to_decimal();
        } else {
            ASSERT_TRUE(r.ok()) << r.code();
            EXPECT_EQ(r.value.to_decimal(), c.at("expect").get<std::string>());
        }
        return;
    }
    const bool zero = fn == "getAmount0Delta";
    ASSERT_TRUE(zero || fn == "getAmount1Delta") << fn;
    const auto delta = [&](bool round_up) {
        return zero ? v3::get_amount0_delta(u(c.at("sqrtRatioAX96")), u(c.at("sqrtRatioBX96")),
                                            u128_of(c.at("liquidity")), round_up)
                    : v3::get_amount1_delta(u(c.at("sqrtRatioAX96")), u(c.at("sqrtRatioBX96")),
                                            u128_of(c.at("liquidity")), round_up);
    };
    const auto r = delta(c.at("roundUp").get<bool>());
    ASSERT_TRUE(r.ok()) << r.code();
    EXPECT_EQ(r.value.to_decimal(), c.at("expect").get<std::string>());
    if (c.contains("expectRoundDown")) {
        const auto d = delta(false);
        ASSERT_TRUE(d.ok());
        EXPECT_EQ(d.value.to_decimal(), c.at("expectRoundDown").get<std::string>());
    }
}
INSTANTIATE_TEST_SUITE_P(UnitCases, SqrtPriceMathVectors,
                         ::testing::ValuesIn(pftoken::amm::testing::load_cases(
                             kUnitFile, [](const json& doc) { return doc.at("sqrtPriceMath"); },
                             [](const json& c) { return c.at("fn").get<std::string>() + "_" + c.at("desc").get<std::string>(); })),
                         pftoken::amm::testing::case_name);

// ---------------- SwapMath ----------------
class SwapMathVectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(SwapMathVectors, MatchesUniswap) {
    PFT_VECTOR_CASE_OR_SKIP(GetParam());
    const json& c = GetParam().data;
    SCOPED_TRACE(c.dump());
    const auto r = v3::compute_swap_step(u(c.at("sqrtRatioCurrentX96")), u(c.at("sqrtRatioTargetX96")),
                                         u128_of(c.at("liquidity")), i256(c.at("amountRemaining")),
                                         c.at("feePips").get<std::uint32_t>());
    ASSERT_TRUE(r.ok()) << r.code();
    const json& e = c.at("expect");
    EXPECT_EQ(r.value.amount_in.to_decimal(), e.at("amountIn").get<std::string>());
    EXPECT_EQ(r.value.fee_amount.to_decimal(), e.at("feeAmount").get<std::string>());
    EXPECT_EQ(r.value.amount_out.to_decimal(), e.at("amountOut").get<std::string>());
    EXPECT_EQ(r.value.sqrt_ratio_next_x96.to_decimal(), e.at("sqrtRatioNextX96").get<std::string>());
}
INSTANTIATE_TEST_SUITE_P(UnitCases, SwapMathVectors,
                         ::testing::ValuesIn(pftoken::amm::testing::load_cases(
                             kUnitFile, [](const json& doc) { return doc.at("swapMath").at("computeSwapStep"); },
                             [](const json& c) { return c.at("desc").get<std::string>(); })),
                         pftoken::amm::testing::case_name);

// ---------------- Tick ----------------
class MaxLiquidityPerTickVectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(MaxLiquidityPerTickVectors, MatchesUniswap) {
    PFT_VECTOR_CASE_OR_SKIP(GetParam());
    const json& c = GetParam().data;
    EXPECT_EQ(U256{v3::tick_spacing_to_max_liquidity_per_tick(c.at("tickSpacing").get<std::int32_t>())}.to_decimal(),
              c.at("expect").get<std::string>());
}
INSTANTIATE_TEST_SUITE_P(UnitCases, MaxLiquidityPerTickVectors,
                         ::testing::ValuesIn(pftoken::amm::testing::load_cases(
                             kUnitFile, [](const json& doc) { return doc.at("tick").at("tickSpacingToMaxLiquidityPerTick"); },
                             [](const json& c) { return "spacing_" + std::to_string(c.at("tickSpacing").get<int>()); })),
                         pftoken::amm::testing::case_name);

class FeeGrowthInsideVectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(FeeGrowthInsideVectors, MatchesUniswap) {
    PFT_VECTOR_CASE_OR_SKIP(GetParam());
    const json& c = GetParam().data;
    SCOPED_TRACE(c.dump());
    const auto lower_tick = c.at("tickLower").get<std::int32_t>();
    const auto upper_tick = c.at("tickUpper").get<std::int32_t>();
    const auto info_of = [&](std::int32_t t) {
        v3::TickInfo info;
        const json& outside = c.at("feeGrowthOutside");
        const std::string key = std::to_string(t);
        if (outside.contains(key)) {
            info.fee_growth_outside0_x128 = u(outside.at(key).at("feeGrowthOutside0X128"));
            info.fee_growth_outside1_x128 = u(outside.at(key).at("feeGrowthOutside1X128"));
        }
        return info;
    };
    const auto r = v3::get_fee_growth_inside(info_of(lower_tick), info_of(upper_tick), lower_tick, upper_tick,
                                             c.at("tickCurrent").get<std::int32_t>(), u(c.at("feeGrowthGlobal0X128")),
                                             u(c.at("feeGrowthGlobal1X128")));
    EXPECT_EQ(r.fee_growth_inside0_x128.to_decimal(), c.at("expect").at("feeGrowthInside0X128").get<std::string>());
    EXPECT_EQ(r.fee_growth_inside1_x128.to_decimal(), c.at("expect").at("feeGrowthInside1X128").get<std::string>());
}
INSTANTIATE_TEST_SUITE_P(UnitCases, FeeGrowthInsideVectors,
                         ::testing::ValuesIn(pftoken::amm::testing::load_cases(
                             kUnitFile, [](const json& doc) { return doc.at("tick").at("getFeeGrowthInside"); },
                             [](const json& c) { return c.at("desc").get<std::string>(); })),
                         pftoken::amm::testing::case_name);

}  // namespace
