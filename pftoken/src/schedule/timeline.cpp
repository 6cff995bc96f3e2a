// Period grid compilation with QuantLib dates, schedules and day counters (setup only).

#include "pftoken/schedule/timeline.hpp"

#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/date.hpp>
#include <ql/time/daycounters/actual360.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>
#include <ql/time/daycounters/actualactual.hpp>
#include <ql/time/daycounters/thirty360.hpp>
#include <ql/time/schedule.hpp>

#include <string>

#include "pftoken/error.hpp"

namespace pftoken {
namespace {

QuantLib::Date to_ql(const CalendarDate& d) {
    return QuantLib::Date(static_cast<QuantLib::Day>(static_cast<unsigned>(d.day())),
                          static_cast<QuantLib::Month>(static_cast<unsigned>(d.month())),
                          static_cast<QuantLib::Year>(static_cast<int>(d.year())));
}

CalendarDate from_ql(const QuantLib::Date& d) {
    return CalendarDate{std::chrono::year{d.year()},
                        std::chrono::month{static_cast<unsigned>(d.month())},
                        std::chrono::day{static_cast<unsigned>(d.dayOfMonth())}};
}

QuantLib::DayCounter day_counter(DayCount dc) {
    switch (dc) {
    case DayCount::Actual365Fixed: return QuantLib::Actual365Fixed();
    case DayCount::Actual360: return QuantLib::Actual360();
    case DayCount::Thirty360: return QuantLib::Thirty360(QuantLib::Thirty360::BondBasis);
    case DayCount::ActualActualISDA: return QuantLib::ActualActual(QuantLib::ActualActual::ISDA);
    }
    return QuantLib::Actual365Fixed();
}

std::vector<QuantLib::Date> monthly_dates(const QuantLib::Date& from, const QuantLib::Date& to,
                                          QuantLib::Period tenor) {
    const QuantLib::Schedule schedule(from, to, tenor, QuantLib::NullCalendar(), QuantLib::Unadjusted,
                                      QuantLib::Unadjusted, QuantLib::DateGeneration::Forward, false);
    return schedule.dates();
}

}  // namespace

double year_fraction(DayCount dc, const CalendarDate& from, const CalendarDate& to) {
    return day_counter(dc).yearFraction(to_ql(from), to_ql(to));
}

PeriodGrid compile_timeline(const Timeline& timeline) {
    if (!timeline.financial_close.ok())
        throw InputError("timeline.financial_close", "must be a valid calendar date");
    if (timeline.construction_months < 0 || timeline.construction_months > 120)
        throw InputError("timeline.construction_months",
                         "must be in [0, 120], got " + std::to_string(timeline.construction_months));
    if (timeline.operations_years <= 0 || timeline.operations_years > 100)
        throw InputError("timeline.operations_years",
                         "must be in [1, 100], got " + std::to_string(timeline.operations_years));

    PeriodGrid grid;
    grid.day_count = timeline.day_count;
    grid.periods_per_year = static_cast<int>(timeline.frequency);
    grid.financial_close = timeline.financial_close;
    const QuantLib::Date close = to_ql(timeline.financial_close);
    const QuantLib::Date cod = close + QuantLib::Period(timeline.construction_months, QuantLib::Months);
    const QuantLib::Date end = cod + QuantLib::Period(timeline.operations_years, QuantLib::Years);
    grid.cod = from_ql(cod);

    std::vector<QuantLib::Date> construction;
    if (timeline.construction_months > 0)
        construction = monthly_dates(close, cod, QuantLib::Period(1, QuantLib::Months));
    const int months_per_period = 12 / grid.periods_per_year;
    const std::vector<QuantLib::Date> operations =
        monthly_dates(cod, end, QuantLib::Period(months_per_period, QuantLib::Months));

    grid.construction_periods = construction.empty() ? 0 : static_cast<int>(construction.size()) - 1;
    grid.operating_periods = static_cast<int>(operations.size()) - 1;
    const auto n = static_cast<std::size_t>(grid.size());
    grid.start.reserve(n);
    grid.end.reserve(n);
    const QuantLib::DayCounter dc = day_counter(timeline.day_count);
    const QuantLib::Actual365Fixed act365;
    auto add = [&](const QuantLib::Date& s, const QuantLib::Date& e, bool operating, int op_index) {
        grid.start.push_back(from_ql(s));
        grid.end.push_back(from_ql(e));
        grid.accrual.push_back(dc.yearFraction(s, e));
        grid.operating.push_back(operating ? 1 : 0);
        grid.operating_index.push_back(op_index);
        grid.operating_year.push_back(operating ? op_index / grid.periods_per_year : -1);
        grid.calendar_month.push_back(static_cast<int>(s.month()));
        grid.seasonality_months.push_back(operating ? static_cast<double>(months_per_period) : 1.0);
        grid.time_from_close.push_back(act365.yearFraction(close, e));
        grid.time_from_cod.push_back(e >= cod ? act365.yearFraction(cod, e) : -act365.yearFraction(e, cod));
    };
    for (std::size_t i = 0; i + 1 < construction.size(); ++i) add(construction[i], construction[i + 1], false, -1);
    for (std::size_t i = 0; i + 1 < operations.size(); ++i)
        add(operations[i], operations[i + 1], true, static_cast<int>(i));
    return grid;
}

}  // namespace pftoken
