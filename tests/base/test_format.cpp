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
    EXPECT_FALSE(format::parse_iso_date("2024-2-29"));
    EXPECT_FALSE(format::parse_iso_date("2024-02-2x"));
    EXPECT_FALSE(format::parse_iso_date("2024-13-01"));
    EXPECT_FALSE(format::parse_iso_date(" 2024-01-01"));
}
