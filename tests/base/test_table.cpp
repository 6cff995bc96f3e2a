// pftoken/base/table.hpp: typed tables and the CSV (RFC 4180), JSON and text writers.
#include <chrono>
#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pftoken/base/table.hpp"
#include "pftoken/error.hpp"

using namespace pftoken;
using namespace std::chrono;

namespace {
Table sample() {
    Table t("tranches");
    t.text("symbol").integer("paths").real("price", 10, 4, "USD").percent("pd").date("maturity").flag("default");
    t.add_row().set("symbol", "SNR").set("paths", 100).set("price", 101.25).set("pd", 0.0125)
        .set("maturity", year{2040} / 6 / 30).set("default", false);
    t.add_row().set("symbol", "a,\"b\"\nc").set("price", std::nan(""));
    return t;
}
}  // namespace

TEST(Table, CsvQuotesPerRfc4180AndLeavesUnsetCellsEmpty) {
    // RFC 4180 section 2, rules 6 and 7: fields with commas, quotes or line breaks are enclosed in
    // double quotes and a quote inside is doubled.
    EXPECT_EQ(to_csv(sample()),
              "symbol,paths,price,pd,maturity,default\n"
              "SNR,100,101.25,0.0125,2040-06-30,0\n"
              "\"a,\"\"b\"\"\nc\",,,,,\n");
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field("x\ry"), "\"x\ry\"");
}

TEST(Table, RowsCannotOutgrowTheHeader) {
    Table t("t");
    t.text("a").real("b");
    EXPECT_THROW(t.add_row({std::string("x"), 1.0, 2.0}), InternalError);
    EXPECT_THROW(t.add_row({std::string("x")}), InternalError);
    EXPECT_THROW(t.add_row().set("c", 1.0), InternalError);
    EXPECT_THROW(t.add_row().set("b", "text in a real column"), InternalError);
    EXPECT_THROW(t.text("late"), InternalError);  // columns come before rows
    EXPECT_THROW(Table("u").real("x").real("x"), InternalError);
    t.add_row({std::string("y"), 2.0});
    for (const auto& row : t.rows()) EXPECT_EQ(row.size(), t.columns().size());
}

TEST(Table, JsonIsAnArrayOfRecordsWithNullsAndValidUtf8) {
    Table t = sample();
    t.add_row().set("symbol", std::string("bad \xff name"));
    const auto j = nlohmann::json::parse(to_json(t));
    ASSERT_EQ(j.size(), 3U);
    EXPECT_EQ(j[0]["symbol"], "SNR");
    EXPECT_EQ(j[0]["paths"], 100);
    EXPECT_DOUBLE_EQ(j[0]["price"].get<double>(), 101.25);
    EXPECT_EQ(j[0]["maturity"], "2040-06-30");
    EXPECT_EQ(j[0]["default"], false);
    EXPECT_TRUE(j[1]["price"].is_null());
    EXPECT_EQ(j[2]["symbol"], "bad \xEF\xBF\xBD name");  // U+FFFD replaces the invalid byte
    EXPECT_EQ(valid_utf8("ok \xc3\xa9 \xc3"), "ok \xc3\xa9 \xEF\xBF\xBD");
}

TEST(Table, TextIsAligned) {
    Table t("t");
    t.text("token").real("price", 10, 2, "USD").percent("pd", 10, 1);
    t.add_row().set("token", "SNR").set("price", 101.256).set("pd", 0.5);
    t.add_row().set("token", "EQUITY").set("price", 7.0).set("pd", std::nan(""));
    EXPECT_EQ(to_text(t),
              "token  price (USD)    pd\n"
              "SNR         101.26 50.0%\n"
              "EQUITY        7.00     –\n");
}
