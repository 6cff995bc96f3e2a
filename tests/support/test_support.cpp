// The test support itself: EXPECT_THROW_MSG and the golden-file comparator (tolerance rules,
// CSV quoting, keyed rows, JSON paths), on hand-made inputs whose differences are known.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "support/golden.hpp"
#include "support/gtest_extra.hpp"

namespace {

using nlohmann::json;
using pftoken::test::compare_csv;
using pftoken::test::compare_json;
using pftoken::test::Tolerance;
using pftoken::test::Tolerances;

void throws_range(const char* what) { throw std::out_of_range(what); }

TEST(ThrowMsg, PassesOnTypeAndSubstring) {
    EXPECT_THROW_MSG(throws_range("tenor_years: must be > 0, got -1"), std::out_of_range, "must be > 0");
    EXPECT_THROW_MSG(throws_range("x"), std::logic_error, "x");  // a derived type is caught
    EXPECT_THROW_MSG(throws_range("tenor_years: must be > 0, got -1"), std::out_of_range,
                     "tenor_years: ",
                     std::string("got -1"));  // several substrings, each contained
}

TEST(ThrowMsg, FailsOnWrongMessageTypeOrNoThrow) {
    EXPECT_NONFATAL_FAILURE(EXPECT_THROW_MSG(throws_range("abc"), std::out_of_range, "abd"), "does not contain");
    EXPECT_NONFATAL_FAILURE(EXPECT_THROW_MSG(throws_range("abc"), std::invalid_argument, "abc"),
                            "not std::invalid_argument");
    EXPECT_NONFATAL_FAILURE(EXPECT_THROW_MSG(static_cast<void>(0), std::exception, "abc"), "did not throw");
    EXPECT_FATAL_FAILURE(ASSERT_THROW_MSG(throws_range("abc"), std::out_of_range, "zzz"), "does not contain");
    // With several substrings, the first one missing is named.
    EXPECT_NONFATAL_FAILURE(
        EXPECT_THROW_MSG(throws_range("abc"), std::out_of_range, "ab", "bd", "c"),
        "does not contain\n  \"bd\"");
    EXPECT_NONFATAL_FAILURE(EXPECT_THROW_MSG(static_cast<void>(0), std::exception, "ab", "c"),
                            "containing \"ab\" \"c\"");
}

TEST(GoldenTolerances, FirstMatchingRuleThenFallback) {
    const auto t = Tolerances({1.0, 0.0}).suffix("_pv", {2.0, 0.0}).prefix("fair_value,mc", {3.0, 0.0}).field("n", Tolerance::exact_text());
    EXPECT_EQ(t.for_field("senior_pv").absolute, 2.0);
    EXPECT_EQ(t.for_field("fair_value,mc_mean:value").absolute, 3.0);
    EXPECT_TRUE(t.for_field("n").text);
    EXPECT_EQ(t.for_field("senior_pv_change").absolute, 1.0);
}

TEST(GoldenCsv, QuotingAndLineEnds) {
    const auto rows = pftoken::test::parse_csv("a,b\r\n\"x,\"\"y\"\"\",\"line\nbreak\"\n,\n");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1][0], "x,\"y\"");
    EXPECT_EQ(rows[1][1], "line\nbreak");
    EXPECT_EQ(rows[2], (std::vector<std::string>{"", ""}));
}

TEST(GoldenCsv, RowsInOrderWithColumnTolerances) {
    const std::string golden = "name,count,value_pv,rate\nA,3,100.0,0.05\nB,4,200.0,0.06\n";
    const auto t = Tolerances({1e-9, 1e-9}).suffix("_pv", {1e-2, 0.0}).field("count", Tolerance::exact_text());
    EXPECT_TRUE(compare_csv(golden, golden, t).empty());
    EXPECT_TRUE(compare_csv(golden, "name,count,value_pv,rate\nA,3,100.009,0.05\nB,4,200.0,0.0600000000001\n", t).empty());
    const auto diffs = compare_csv(golden, "name,count,value_pv,rate\nA,3.0,100.02,0.05\nC,4,200.0,0.07\n", t);
    ASSERT_EQ(diffs.size(), 4u);
    EXPECT_EQ(diffs[0], "row 1, count: expected 3, got 3.0");
    EXPECT_EQ(diffs[1].rfind("row 1, value_pv: expected 100.0, got 100.02 (|diff| ", 0), 0u) << diffs[1];
    EXPECT_EQ(diffs[2], "row 2, name: expected B, got C");
    EXPECT_EQ(compare_csv(golden, "name,count,value_pv\nA,3,100.0\n", t).size(), 1u);  // header differs
    EXPECT_EQ(compare_csv(golden, "name,count,value_pv,rate\nA,3,100.0,0.05\n", t).front(), "2 rows expected, got 1");
}

TEST(GoldenCsv, KeyedRowsInAnyOrder) {
    const std::string golden = "section,field,value\nfair_value,mc_mean,10\nfair_value,dcf,20\nimplied,spread,\n";
    const auto t = Tolerances({0.0, 1e-8}).prefix("fair_value,mc", {0.0, 1e-6});
    const std::vector<std::string> keys{"section", "field"};
    EXPECT_TRUE(compare_csv(golden, "section,field,value\nimplied,spread,\nfair_value,dcf,20\nfair_value,mc_mean,10.000005\n", t, keys).empty());
    const auto diffs = compare_csv(golden, "section,field,value\nfair_value,mc_mean,10\nfair_value,dcf,20.00001\nextra,x,1\n", t, keys);
    ASSERT_EQ(diffs.size(), 3u);
    EXPECT_EQ(diffs[0].rfind("fair_value,dcf, value: expected 20, got 20.00001", 0), 0u) << diffs[0];
    EXPECT_EQ(diffs[1], "implied,spread: missing in the result");
    EXPECT_EQ(diffs[2], "extra,x: not in the golden file");
}

TEST(GoldenJson, ToleranceAndStructure) {
    const auto t = Tolerances({1e-6, 1e-9}).suffix("yield", {1e-9, 1e-9});
    const json golden = json::parse(R"({"a": 100.0, "yield": 0.05, "n": 3, "s": "x", "t": [{"name": "k", "v": 1}]})");
    EXPECT_TRUE(compare_json(golden, golden, t).empty());
    const json near = json::parse(R"({"a": 100.00000005, "yield": 0.0500000000005, "n": 3, "s": "x", "t": [{"name": "k", "v": 1}]})");
    EXPECT_TRUE(compare_json(golden, near, t).empty());
    const json far = json::parse(R"({"a": 100.001, "yield": 0.0501, "n": 4, "s": "y", "t": [{"name": "k", "v": 1}], "extra": 1})");
    const auto diffs = compare_json(golden, far, t);
    ASSERT_EQ(diffs.size(), 5u);
    EXPECT_EQ(diffs[0].rfind("a: expected 100.0, got 100.001", 0), 0u) << diffs[0];
    EXPECT_EQ(diffs[4], "extra: not in the golden file (value 1)");
    const json missing = json::parse(R"({"a": 100.0, "yield": 0.05, "n": 3, "s": "x", "t": []})");
    EXPECT_EQ(compare_json(golden, missing, t).front(), "t.k.name: missing in the result");
}

}  // namespace
