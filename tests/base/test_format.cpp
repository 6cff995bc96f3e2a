// pftoken/base/format.hpp: the one number / money / percent / date formatting.
#include <chrono>
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "pftoken/base/format.hpp"

using namespace pftoken;
using namespace std::chrono;

TEST(Format, NumberIsPrintfG) {
    // Expected texts are C printf("%.10g") / ("%.4f") of the same values (ISO C 7.21.6.1).
    EXPECT_EQ(format::number(1234567.891234), "1234567.891");
    EXPECT_EQ(format::number(0.000012345678901), "1.23456789e-05");
    EXPECT_EQ(format::number(2.5, 3), "2.5");
    EXPECT_EQ(format::number(std::nan(""), 10), "");
    EXPECT_EQ(format::number(std::numeric_limits<double>::infinity(), 17, "NaN"), "NaN");
    EXPECT_EQ(format::shortest(0.1), "0.1");
    EXPECT_EQ(format::fixed(2.0 / 3.0, 4), "0.6667");
    EXPECT_EQ(format::fixed(std::nan(""), 2), "–");
    EXPECT_EQ(format::money(1234567.5), "1234568");  // round half to even at .5: 1234567.5 -> 1234568
    EXPECT_EQ(format::percent(0.12345), "12.35%");
    EXPECT_EQ(format::percent(0.05, 0), "5%");
}

TEST(Format, IsoDates) {
    EXPECT_EQ(format::iso_date(year{2024} / 3 / 7), "2024-03-07");
    EXPECT_EQ(format::iso_date(year{987} / 12 / 31), "0987-12-31");
    EXPECT_EQ(format::iso_date(year{2023} / 2 / 30), "");  // not a date
    EXPECT_EQ(format::parse_iso_date("2024-02-29"), std::optional<year_month_day>(year{2024} / 2 / 29));
    EXPECT_FALSE(format::parse_iso_date("2023-02-29"));
    const auto as_written = format::parse_iso_date("2023-02-29", false);
    ASSERT_TRUE(as_written);
    EXPECT_FALSE(as_written->ok());
    EXPECT_EQ(static_cast<unsigned>(as_written->day()), 29U);
    EXPECT_EQ(format::iso_date_as_written(*as_written), "2023-02-29");  // the text read, for its error
    EXPECT_EQ(format::iso_date_as_written(*format::parse_iso_date("2025-13-01", false)), "2025-13-01");
    EXPECT_EQ(format::iso_date_as_written(year{2024} / 3 / 7), format::iso_date(year{2024} / 3 / 7));
    EXPECT_FALSE(format::parse_iso_date("2024-2-29"));
    EXPECT_FALSE(format::parse_iso_date("2024-02-2x"));
    EXPECT_FALSE(format::parse_iso_date("2024-13-01"));
    EXPECT_FALSE(format::parse_iso_date(" 2024-01-01"));
}

// Money for people (issue 13 section 6): thousands separators or m/bn suffixes, never a raw
// 84000000, never "-0.0000". Expected texts written by hand from the rules in format.hpp.
TEST(Format, GroupedThousands) {
    EXPECT_EQ(format::grouped(84000000.0), "84,000,000");
    EXPECT_EQ(format::grouped(-1234.5, 1), "-1,234.5");
    EXPECT_EQ(format::grouped(999.0), "999");
    EXPECT_EQ(format::grouped(1000.0), "1,000");
    EXPECT_EQ(format::grouped(1013.32749, 4), "1,013.3275");
    EXPECT_EQ(format::grouped(-0.0), "0");
    EXPECT_EQ(format::grouped(-1e-12, 4), "0.0000");
    EXPECT_EQ(format::grouped(std::nan("")), "–");
}

TEST(Format, NegativeZeroAndNoisePrintAsZero) {
    // printf("%.4f", -1e-12) is "-0.0000" (ISO C rounds, keeps the sign); ours drops the sign.
    EXPECT_EQ(format::fixed(-1e-12, 4), "0.0000");
    EXPECT_EQ(format::fixed(-0.0, 2), "0.00");
    EXPECT_EQ(format::fixed(-0.00004, 4), "0.0000");
    EXPECT_EQ(format::fixed(-0.00005001, 4), "-0.0001");
    EXPECT_EQ(format::percent(-1e-9), "0.00%");
    EXPECT_EQ(format::money_in(-1e-9, format::money_unit(5e6), 1), "0.0");
}

TEST(Format, MoneyInOneUnitPerAxis) {
    const auto m = format::money_unit(1.2e6);
    EXPECT_EQ(m.suffix, "m");
    EXPECT_EQ(format::money_in(0.0, m, 1), "0.0");
    EXPECT_EQ(format::money_in(200000.0, m, 1), "0.2m");
    EXPECT_EQ(format::money_in(1200000.0, m, 1), "1.2m");
    const auto units = format::money_unit(800.0);
    EXPECT_EQ(units.suffix, "");
    EXPECT_EQ(format::money_in(-1500.0, units, 0), "-1,500");
    EXPECT_EQ(format::money_unit(-3e9).suffix, "bn");
    EXPECT_EQ(format::money_in(4.5e6, format::money_unit(4.5e6), 1), "4.5m");
    EXPECT_EQ(format::money_in(1.25e9, format::money_unit(1.25e9), 2), "1.25bn");
    EXPECT_EQ(format::money_in(-84e6, format::money_unit(84e6), 0), "-84m");
}
