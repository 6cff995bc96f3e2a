// pftoken/base/table.hpp: typed tables and the CSV (RFC 4180), JSON and text writers.
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pftoken/base/table.hpp"
#include "pftoken/base/table_json.hpp"
#include "pftoken/error.hpp"
#include "support/gtest_extra.hpp"

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
    EXPECT_THROW_MSG(t.add_row({std::string("x"), 1.0, 2.0}), InternalError,
                     "table t: a row of 3 fields under a header of 2");
    EXPECT_THROW_MSG(t.add_row({std::string("x")}), InternalError,
                     "table t: a row of 1 fields under a header of 2");
    EXPECT_THROW_MSG(t.add_row().set("c", 1.0), InternalError, "table t: no column 'c'");
    EXPECT_THROW_MSG(t.add_row().set("b", "text in a real column"), InternalError,
                     "table t: column b (real) given a cell of another type");
    EXPECT_THROW_MSG(t.text("late"), InternalError,
                     "table t: column late added after the first row");  // columns come before rows
    EXPECT_THROW_MSG(Table("u").real("x").real("x"), InternalError,
                     "table u: column x appears twice");
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

TEST(Table, TextDisplayAlignsWidensScalesAndCuts) {
    Table t("t");
    t.text("scenario").real("dscr", 10, 3).real("value", 10, 2).real("change", 10, 2).real("shock", 6, -1).integer("n");
    t.display("scenario", {.width = 12, .max_width = 8});
    t.display("dscr", {.suffix = "x", .missing = "-"});
    t.display("value", {.scale = 1e-6, .suffix = "m"});
    t.display("change", {.sign = true});
    t.display("n", {.align = Align::Left});
    t.add_row().set("scenario", "base").set("dscr", 1.4567).set("value", 12.5e6).set("change", 0.0).set("shock", 0.1234567)
        .set("n", 3);
    t.add_row().set("scenario", "a long scenario").set("dscr", std::nan("")).set("value", -2e6).set("change", -1.5)
        .set("shock", 2e-7).set("n", 12);
    // decimals < 0: `digits` significant digits (%g); max_width 8 keeps 7 characters and "~".
    EXPECT_EQ(to_text(t, {.title = "Stress", .indent = "  ", .gap = "  "}),
              "Stress\n"
              "  scenario        dscr   value  change     shock  n\n"
              "  base          1.457x  12.50m   +0.00  0.123457  3\n"
              "  a long ~           -  -2.00m   -1.50     2e-07  12\n");
    EXPECT_EQ(to_text(t, {.header = false}).substr(0, 13), "base         ");
}

TEST(Table, MixedColumnsTakeAnyCellAndRenderEachByItsKind) {
    Table t("summary");
    t.text("metric").mixed("value", 0);
    t.add_row({std::string("name"), std::string("a,b")});
    t.add_row({std::string("irr"), 0.1});
    t.add_row({std::string("periods"), std::int64_t{18}});
    t.add_row({std::string("default"), true});
    t.add_row({std::string("missing"), std::monostate{}});
    EXPECT_EQ(to_csv(t), "metric,value\nname,\"a,b\"\nirr,0.1\nperiods,18\ndefault,1\nmissing,\n");
    EXPECT_EQ(to_json(t, -1),
              R"([{"metric":"name","value":"a,b"},{"metric":"irr","value":0.1},{"metric":"periods","value":18},)"
              R"({"metric":"default","value":true},{"metric":"missing","value":null}])");
}

TEST(Table, SideBySidePrefixesColumnNamesAndKeepsRows) {
    Table a("a");
    a.integer("period");
    Table b("b");
    b.real("rate", 0);
    for (int i = 0; i < 2; ++i) {
        a.add_row().set("period", i);
        b.add_row().set("rate", 0.25 * i);
    }
    const Table both = side_by_side("periods", {{"", &a}, {"senior.", &b}});
    EXPECT_EQ(to_csv(both), "period,senior.rate\n0,0\n1,0.25\n");
    b.add_row();
    EXPECT_THROW_MSG((void)side_by_side("bad", {{"", &a}, {"x.", &b}}), InternalError,
                     "table bad: part b has 3 rows, not 2");
}

TEST(Table, JsonColumnsAndRecords) {
    Table t("t");
    t.integer("period").date("start").real("x", 0);
    t.add_row().set("period", 0).set("start", year{2030} / 1 / 31).set("x", 0.5);
    t.add_row().set("period", 1).set("x", std::nan(""));
    EXPECT_EQ(json_columns(t).dump(), R"({"period":[0,1],"start":["2030-01-31",null],"x":[0.5,null]})");
    EXPECT_EQ(json_records(t).dump(), R"([{"period":0,"start":"2030-01-31","x":0.5},{"period":1,"start":null,"x":null}])");
}

// The one non-finite rule of the JSON writers, for documents built outside a Table.
TEST(Table, JsonNumberIsNullWhenNotFinite) {
    EXPECT_EQ(json_number(0.25).dump(), "0.25");
    EXPECT_TRUE(json_number(std::nan("")).is_null());
    EXPECT_TRUE(json_number<nlohmann::json>(-std::numeric_limits<double>::infinity()).is_null());
    EXPECT_EQ(json_number<nlohmann::json>(-3.0).dump(), "-3.0");
}

TEST(Table, HtmlEscapesAndClassesCellsByColumnType) {
    Table t("t");
    t.text("name").money("pv", "USD").percent("yield").flag("default").text("note");
    t.display("note", {.align = Align::Right});
    t.add_row().set("name", "<A & \"B\">").set("pv", 1234.4).set("yield", 0.05).set("default", true).set("note", "it's");
    EXPECT_EQ(to_html(t, {.caption = "Tranches"}),
              "<table class=\"pft\"><caption>Tranches</caption><thead><tr><th class=\"text\">name</th>"
              "<th class=\"money num\">pv (USD)</th><th class=\"percent num\">yield</th><th class=\"flag\">default</th>"
              "<th class=\"text num\">note</th></tr></thead><tbody>\n"
              "<tr><td class=\"text\">&lt;A &amp; &quot;B&quot;&gt;</td><td class=\"money num\">1234</td>"
              "<td class=\"percent num\">5.00%</td><td class=\"flag\">yes</td><td class=\"text num\">it&#39;s</td></tr>\n"
              "</tbody></table>\n");
    EXPECT_EQ(html_table_css("pft"),
              "table.pft th,table.pft td{text-align:left}table.pft th.num,table.pft td.num{text-align:right;"
              "font-variant-numeric:tabular-nums}\n");
}

TEST(Table, NoteColumnFollowsTheFirstCellOnARowWithoutNumbers) {
    Table t("t");
    t.text("scenario").real("pd", 10, 2).text("note");
    t.display("scenario", {.width = 8});
    t.add_row().set("scenario", "base").set("pd", 0.5);
    t.add_row().set("scenario", "broken").set("note", "FAILED: no data");
    t.add_row().set("scenario", "market").set("pd", 0.25).set("note", "(market only)");
    EXPECT_EQ(to_text(t, {.note_column = "note"}),
              "scenario   pd\n"
              "base     0.50\n"
              "broken   FAILED: no data\n"
              "market   0.25 (market only)\n");
}

TEST(Table, GroupedDisplayPutsThousandsSeparators) {
    Table t("t");
    t.money("principal", "USD").display("principal", {.grouped = true});
    t.real("price", 10, 4).display("price", {.grouped = true});
    t.add_row({84000000.0, 1013.32749});
    t.add_row({-1e-9, -1e-12});
    EXPECT_EQ(display_text(t.columns()[0], t.rows()[0][0]), "84,000,000");
    EXPECT_EQ(display_text(t.columns()[1], t.rows()[0][1]), "1,013.3275");
    EXPECT_EQ(display_text(t.columns()[0], t.rows()[1][0]), "0");
    EXPECT_EQ(display_text(t.columns()[1], t.rows()[1][1]), "0.0000");
    EXPECT_EQ(to_csv(t), "principal,price\n84000000,1013.32749\n-1e-09,-1e-12\n");  // CSV keeps the numbers
}
