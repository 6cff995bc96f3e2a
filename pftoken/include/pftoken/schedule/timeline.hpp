#pragma once
// Compiled period grid: construction months then operating periods, as plain arrays.
//
// Built once from a Timeline with QuantLib's Date/Schedule/DayCounter (see compile_timeline);
// everything downstream (the waterfall kernel, Monte Carlo paths) reads these arrays only,
// because QuantLib objects are neither cheap nor thread-safe.

#include <cstdint>
#include <vector>

#include "pftoken/model/project.hpp"

namespace pftoken {

/// Period grid of a project. Index 0 .. construction_periods-1 are construction months,
/// the rest are operating periods at the timeline frequency starting at COD.
struct PeriodGrid {
    CalendarDate financial_close;
    CalendarDate cod;  ///< commercial operation date = financial close + construction months
    int construction_periods = 0;
    int operating_periods = 0;
    int periods_per_year = 12;  ///< operating periods per year (12, 4, 2 or 1)
    DayCount day_count = DayCount::Actual365Fixed;

    std::vector<CalendarDate> start;          ///< period start date (inclusive)
    std::vector<CalendarDate> end;            ///< period end date = payment date
    std::vector<double> accrual;              ///< year fraction start->end under day_count
    std::vector<std::uint8_t> operating;      ///< 1 for operating periods, 0 for construction
    std::vector<int> operating_year;          ///< 0-based year since COD; -1 in construction
    std::vector<int> operating_index;         ///< 0-based operating period index; -1 in construction
    std::vector<int> calendar_month;          ///< 1..12, month of the period start date
    std::vector<double> seasonality_months;   ///< months of the period (1, 3, 6 or 12) for averaging
    std::vector<double> time_from_close;      ///< Act/365F years from financial close to period end
    std::vector<double> time_from_cod;        ///< Act/365F years from COD to period end (<0 before)

    [[nodiscard]] int size() const noexcept { return construction_periods + operating_periods; }
    [[nodiscard]] int first_operating() const noexcept { return construction_periods; }
};

/// Builds the period grid with QuantLib (setup only). Throws InputError on bad timeline
/// fields (names the field path, e.g. "timeline.operations_years: must be > 0, got 0").
[[nodiscard]] PeriodGrid compile_timeline(const Timeline& timeline);

/// Year fraction between two dates under the given convention (QuantLib day counter).
[[nodiscard]] double year_fraction(DayCount day_count, const CalendarDate& from, const CalendarDate& to);

}  // namespace pftoken
