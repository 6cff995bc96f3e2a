// Hourly market data of the yield backtester: the strict CSV reader (base/csv.hpp), the data
// files' checks (file:line:col for every refusal) and the seeded synthetic generator.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "pftoken/base/csv.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/yield/market_data.hpp"
#include "support/gtest_extra.hpp"

namespace fs = std::filesystem;
using namespace pftoken;
using namespace pftoken::integration::yield;

namespace {

fs::path fresh_dir(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("pftoken_yield_data_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/// Writes the generated files into `dir`; `edit` may change any file's text first.
template <class Edit>
void write_files(const fs::path& dir, const MarketData& data, Edit edit) {
    for (auto [name, text] : market_data_csv(data)) {
        edit(name, text);
        std::ofstream(dir / name, std::ios::binary) << text;
    }
}

GeneratorOptions small(std::size_t hours = 48) {
    GeneratorOptions o;
    o.hours = hours;
    o.seed = 7;
    o.venues = {"binance"};
    return o;
}

/// Replaces the `line`-th line (1-based) of `text` by `replacement`.
void replace_line(std::string& text, int line, const std::string& replacement) {
    std::size_t start = 0;
    for (int i = 1; i < line; ++i) start = text.find('\n', start) + 1;
    const std::size_t end = text.find('\n', start);
    text.replace(start, end - start, replacement);
}

std::string line_of(const std::string& text, int line) {
    std::size_t start = 0;
    for (int i = 1; i < line; ++i) start = text.find('\n', start) + 1;
    return text.substr(start, text.find('\n', start) - start);
}

}  // namespace

TEST(Csv, ParsesQuotedFieldsAndLocatesCells) {
    const auto f = csv::File::parse("a,b,c\r\n1,\"x,\"\"y\"\"\",3\n", "t.csv");
    ASSERT_EQ(f.row_count(), 1u);
    EXPECT_EQ(f.cell(0, 1).text, "x,\"y\"");
    EXPECT_EQ(f.cell(0, 1).line, 2);
    EXPECT_EQ(f.cell(0, 1).column, 3);
    EXPECT_EQ(f.cell(0, 2).column, 13);
    EXPECT_EQ(f.real(0, 2), 3.0);
}

TEST(Csv, RefusesMalformedInputAtFileLineColumn) {
    EXPECT_THROW_MSG(csv::File::parse("a,b\n1,2\n3\n", "t.csv"), InputError,
                     "t.csv:3:1: row: has 1 fields, the header has 2");
    EXPECT_THROW_MSG(csv::File::parse("a,b\n1,\"2\n", "t.csv"), InputError,
                     "t.csv:2:3: csv: unterminated quoted field");
    EXPECT_THROW_MSG(csv::File::parse("a,b\n1,2\n\n3,4\n", "t.csv"), InputError,
                     "t.csv:3:1: csv: empty line before the end");
    EXPECT_THROW_MSG(csv::File::parse("", "t.csv"), InputError, "t.csv: header: the file is empty");
    const auto f = csv::File::parse("time,price\n1,abc\n2,1e999\n3,-1\n", "t.csv");
    EXPECT_THROW_MSG((void)f.real(0, 1), InputError,
                     "t.csv:2:3: price: must be a number, got 'abc'");
    EXPECT_THROW_MSG((void)f.real(1, 1), InputError,
                     "t.csv:3:3: price: must be a number, got '1e999'");
    EXPECT_THROW_MSG((void)f.real_in(2, 1, 0, 10), InputError,
                     "t.csv:4:3: price: must be in [0, 10], got -1");
    EXPECT_THROW_MSG(
        f.require_header({"time", "prices"}), InputError,
        "t.csv:1:6: header: column 2 must be 'prices', got 'price' (did you mean 'prices'?)");
    EXPECT_THROW_MSG(f.require_header({"time", "price", "volume"}), InputError,
                     "missing column 'volume'");
}

TEST(YieldTimestamps, RoundTripAndRefuseOtherForms) {
    std::int64_t t = 0;
    ASSERT_TRUE(parse_utc_timestamp("2024-02-29T13:00:00Z", t));
    EXPECT_EQ(t, 1'709'211'600);  // date -u -d 2024-02-29T13:00:00Z +%s
    EXPECT_EQ(format_utc_timestamp(t), "2024-02-29T13:00:00Z");
    EXPECT_FALSE(parse_utc_timestamp("2023-02-29T13:00:00Z", t));  // not a leap year
    EXPECT_FALSE(parse_utc_timestamp("2024-01-01 00:00:00Z", t));
    EXPECT_FALSE(parse_utc_timestamp("2024-01-01T24:00:00Z", t));
    EXPECT_FALSE(parse_utc_timestamp("2024-01-01T00:00:00", t));
}

TEST(YieldData, GeneratedFilesReadBackExactly) {
    auto o = small();
    o.venues = {"binance", "bybit"};
    const auto data = generate_market_data(o);
    const auto dir = fresh_dir("roundtrip");
    write_files(dir, data, [](const std::string&, std::string&) {});
    const auto back = load_market_data(dir, {"bybit", "binance"});
    EXPECT_EQ(back.time, data.time);
    EXPECT_EQ(back.btc_usd, data.btc_usd);
    EXPECT_EQ(back.wsteth_eth, data.wsteth_eth);
    EXPECT_EQ(back.weth_borrow_apr, data.weth_borrow_apr);
    EXPECT_EQ(back.venue("binance").eth_funding, data.venue("binance").eth_funding);
    EXPECT_EQ(back.venue("bybit").btc_mark_usd, data.venue("bybit").btc_mark_usd);
    EXPECT_THROW_MSG((void)back.venue("okx"), InputError,
                     "venue: no perp data for venue 'okx' (loaded: bybit, binance)");
}

TEST(YieldData, GeneratorIsSeededAndFollowsItsModel) {
    const auto a = generate_market_data(small(24 * 365));
    const auto b = generate_market_data(small(24 * 365));
    auto other = small(24 * 365);
    other.seed = 8;
    const auto c = generate_market_data(other);
    EXPECT_EQ(a.eth_usd, b.eth_usd);
    EXPECT_EQ(a.venues[0].btc_funding, b.venues[0].btc_funding);
    EXPECT_NE(a.eth_usd, c.eth_usd);
    // The staking token accrues 3% a year hourly: 1.15 (1 + 0.03/8760)^8759, rounded to 1e-9.
    EXPECT_NEAR(a.wsteth_eth.back(), 1.15 * std::pow(1.0 + 0.03 / 8760.0, 8759.0), 1e-8);
    // Funding averages its mean (1.14e-5 an hour) over a year: the OU basis deviation has
    // stationary sd 0.02/sqrt(2*200) = 0.001, /8 per hour, averaged over ~44 independent 2-day
    // blocks: sd of the mean ~2e-5; allow 5e-5.
    double sum = 0;
    for (double f : a.venues[0].btc_funding) sum += f;
    EXPECT_NEAR(sum / static_cast<double>(a.hours()), 1.14e-5, 5e-5);
    // Annualised ETH log-return volatility ~ 0.70 (8760 returns: standard error ~0.5%).
    double s1 = 0, s2 = 0;
    for (std::size_t t = 1; t < a.hours(); ++t) {
        const double r = std::log(a.eth_usd[t] / a.eth_usd[t - 1]);
        s1 += r;
        s2 += r * r;
    }
    const double n = static_cast<double>(a.hours() - 1);
    EXPECT_NEAR(std::sqrt((s2 / n - (s1 / n) * (s1 / n)) * 8760.0), 0.70, 0.03);
}

TEST(YieldData, RefusesBadFilesAtFileLineColumn) {
    const auto data = generate_market_data(small());
    struct Case {
        const char* file;
        int line;
        std::string (*make)(const std::string& original);
        const char* message;
    };
    const Case cases[] = {
        {"market.csv", 4,
         [](const std::string& l) { return "2024-01-01T02:30:00Z" + l.substr(20); },
         "market.csv:4:1: timestamp: must be on the hour (minutes and seconds 00), got "
         "'2024-01-01T02:30:00Z'"},
        {"market.csv", 4,
         [](const std::string& l) { return "2024-01-01T01:00:00Z" + l.substr(20); },
         "market.csv:4:1: timestamp: duplicate hour 2024-01-01T01:00:00Z (also on line 3)"},
        {"market.csv", 4,
         [](const std::string& l) { return "2024-01-01T05:00:00Z" + l.substr(20); },
         "market.csv:4:1: timestamp: gap: expected 2024-01-01T02:00:00Z after "
         "2024-01-01T01:00:00Z, got "
         "2024-01-01T05:00:00Z (3 hours missing)"},
        {"market.csv", 4,
         [](const std::string& l) { return "2024-01-01T00:00:00Z" + l.substr(20); },
         "market.csv:4:1: timestamp: goes back in time"},
        {"market.csv", 3, [](const std::string& l) { return "01/01/2024" + l.substr(20); },
         "market.csv:3:1: timestamp: must be a UTC time like 2024-01-01T00:00:00Z, got "
         "'01/01/2024'"},
        {"market.csv", 2,
         [](const std::string& l) { return l.substr(0, 21) + "-5" + l.substr(l.find(',', 21)); },
         "market.csv:2:22: btc_usd: must be in [0, 100000000], got -5"},
        {"market.csv", 2,
         [](const std::string& l) { return l.substr(0, 21) + "0" + l.substr(l.find(',', 21)); },
         "market.csv:2:22: btc_usd: must be > 0, got 0"},
        {"market.csv", 1,
         [](const std::string& l) { return l.substr(0, 9) + ",btc_usdt" + l.substr(17); },
         "market.csv:1:11: header: column 2 must be 'btc_usd', got 'btc_usdt' (did you mean "
         "'btc_usd'?)"},
        {"perp_binance.csv", 3,
         [](const std::string& l) { return "2024-01-01T03:00:00Z" + l.substr(20); },
         "perp_binance.csv:3:1: timestamp: must be 2024-01-01T01:00:00Z ("},
        {"perp_binance.csv", 2,
         [](const std::string& l) { return l.substr(0, l.rfind(',')) + ",0.2"; },
         "eth_funding: must be in [-0.05, 0.05], got 0.2"},
    };
    int k = 0;
    for (const auto& c : cases) {
        const auto dir = fresh_dir("bad" + std::to_string(k++));
        write_files(dir, data, [&](const std::string& name, std::string& text) {
            if (name == c.file) replace_line(text, c.line, c.make(line_of(text, c.line)));
        });
        EXPECT_THROW_MSG(load_market_data(dir, {"binance"}), InputError, c.message) << c.message;
    }
    const auto dir = fresh_dir("missing");
    EXPECT_THROW_MSG(load_market_data(dir, {"binance"}), InputError, "market.csv: cannot open");
}
