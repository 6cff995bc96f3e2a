// Period grid: dates, accruals, operating flags and indices.

#include <gtest/gtest.h>

#include "pftoken/error.hpp"
#include "pftoken/schedule/timeline.hpp"
#include "support/gtest_extra.hpp"

using namespace pftoken;
using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

namespace {
CalendarDate ymd(int y, unsigned m, unsigned d) { return CalendarDate{year{y}, month{m}, day{d}}; }
}  // namespace

// Expected accruals from the day-count definitions (ISDA 2006 Definitions §4.16):
// Act/365F = days/365, Act/360 = days/360, 30/360 Bond Basis = 30 days a month.
TEST(Timeline, MonthlyGridWithConstruction) {
    Timeline tl;
    tl.financial_close = ymd(2025, 1, 1);
    tl.construction_months = 18;
    tl.operations_years = 25;
    tl.frequency = Frequency::Monthly;
    tl.day_count = DayCount::Actual365Fixed;
    const PeriodGrid g = compile_timeline(tl);
    EXPECT_EQ(g.construction_periods, 18);
    EXPECT_EQ(g.operating_periods, 300);
    EXPECT_EQ(g.size(), 318);
    EXPECT_EQ(g.cod, ymd(2026, 7, 1));
    EXPECT_EQ(g.start[0], ymd(2025, 1, 1));
    EXPECT_EQ(g.end[0], ymd(2025, 2, 1));
    EXPECT_DOUBLE_EQ(g.accrual[0], 31.0 / 365.0);
    EXPECT_DOUBLE_EQ(g.accrual[1], 28.0 / 365.0);  // February 2025
    EXPECT_EQ(g.operating[17], 0);
    EXPECT_EQ(g.operating[18], 1);
    EXPECT_EQ(g.operating_index[18], 0);
    EXPECT_EQ(g.operating_year[18], 0);
    EXPECT_EQ(g.operating_year[18 + 11], 0);
    EXPECT_EQ(g.operating_year[18 + 12], 1);
    EXPECT_EQ(g.operating_year[17], -1);
    EXPECT_EQ(g.calendar_month[18], 7);
    EXPECT_EQ(g.end.back(), ymd(2051, 7, 1));
    EXPECT_DOUBLE_EQ(g.time_from_cod[18], 31.0 / 365.0);  // July 2026
}

TEST(Timeline, QuarterlyThirty360) {
    Timeline tl;
    tl.financial_close = ymd(2024, 3, 31);
    tl.construction_months = 0;
    tl.operations_years = 10;
    tl.frequency = Frequency::Quarterly;
    tl.day_count = DayCount::Thirty360;
    const PeriodGrid g = compile_timeline(tl);
    ASSERT_EQ(g.size(), 40);
    EXPECT_EQ(g.periods_per_year, 4);
    for (int t = 0; t < g.size(); ++t) EXPECT_DOUBLE_EQ(g.accrual[static_cast<std::size_t>(t)], 0.25) << t;
    EXPECT_EQ(g.end[0], ymd(2024, 6, 30));
    EXPECT_EQ(g.operating_year[4], 1);
}

TEST(Timeline, Actual360AndAnnual) {
    Timeline tl;
    tl.financial_close = ymd(2027, 3, 1);
    tl.operations_years = 3;
    tl.frequency = Frequency::Annual;
    tl.day_count = DayCount::Actual360;
    const PeriodGrid g = compile_timeline(tl);
    ASSERT_EQ(g.size(), 3);
    EXPECT_DOUBLE_EQ(g.accrual[0], 366.0 / 360.0);  // 2027-03-01 .. 2028-03-01 spans 29 Feb 2028
    EXPECT_DOUBLE_EQ(g.accrual[1], 365.0 / 360.0);
}

TEST(Timeline, RejectsBadFieldsWithTheirPath) {
    Timeline tl;
    tl.operations_years = 0;
    EXPECT_THROW_MSG((void)compile_timeline(tl), InputError,
                     "timeline.operations_years: must be in [1, 100], got 0");
    tl.operations_years = 5;
    tl.construction_months = -2;
    EXPECT_THROW_MSG((void)compile_timeline(tl), InputError,
                     "timeline.construction_months: must be in [0, 120], got -2");
}
