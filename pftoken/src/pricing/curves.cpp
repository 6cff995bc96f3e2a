// Discount curves from CurveSpec via QuantLib, and their sampling into plain arrays.

#include "pftoken/pricing/curves.hpp"

#include <ql/math/interpolations/linearinterpolation.hpp>
#include <ql/quotes/simplequote.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/termstructures/yield/zerocurve.hpp>
#include <ql/termstructures/yield/zerospreadedtermstructure.hpp>
#include <ql/time/daycounters/actual360.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>
#include <ql/time/daycounters/actualactual.hpp>
#include <ql/time/daycounters/thirty360.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "pftoken/base/input_file.hpp"

#include "pftoken/error.hpp"
#include "pftoken/model/pillar_csv.hpp"

namespace pftoken::pricing {

namespace {

QuantLib::Compounding to_ql(Compounding c) {
    switch (c) {
    case Compounding::Simple: return QuantLib::Simple;
    case Compounding::Compounded: return QuantLib::Compounded;
    case Compounding::Continuous: return QuantLib::Continuous;
    }
    return QuantLib::Continuous;
}

QuantLib::Frequency to_ql_frequency(int frequency) {
    return static_cast<QuantLib::Frequency>(frequency);
}

/// Date of a pillar `years` after `reference`: whole months when possible (so 0.5 -> 6M).
QuantLib::Date pillar_date(const QuantLib::Date& reference, double years) {
    const double months = years * 12.0;
    const double whole = std::round(months);
    if (std::abs(months - whole) < 1e-9)
        return reference + QuantLib::Period(static_cast<int>(whole), QuantLib::Months);
    return reference + static_cast<QuantLib::Date::serial_type>(std::llround(years * 365.25));
}

void check_rate(double rate, const std::string& field) {
    PFT_REQUIRE(std::isfinite(rate), field << ": must be a finite number, got " << rate);
    PFT_REQUIRE(rate > -1.0 && rate < 1.0, field << ": must be in (-100%, 100%), got " << rate);
}

}  // namespace

QuantLib::DayCounter to_day_counter(DayCount day_count) {
    switch (day_count) {
    case DayCount::Actual365Fixed: return QuantLib::Actual365Fixed();
    case DayCount::Actual360: return QuantLib::Actual360();
    case DayCount::Thirty360: return QuantLib::Thirty360(QuantLib::Thirty360::BondBasis);
    case DayCount::ActualActualISDA: return QuantLib::ActualActual(QuantLib::ActualActual::ISDA);
    }
    PFT_REQUIRE(false, "day_count: unknown value " << static_cast<int>(day_count));
}

QuantLib::Date to_ql_date(const CalendarDate& date) {
    PFT_REQUIRE(date.ok(), "date: not a valid calendar date");
    const int y = static_cast<int>(date.year());
    PFT_REQUIRE(y >= 1901 && y <= 2199, "date: year must be in 1901..2199 (QuantLib range), got " << y);
    return {static_cast<QuantLib::Day>(static_cast<unsigned>(date.day())),
            static_cast<QuantLib::Month>(static_cast<unsigned>(date.month())),
            static_cast<QuantLib::Year>(y)};
}

CalendarDate from_ql_date(const QuantLib::Date& date) {
    return CalendarDate{std::chrono::year{date.year()},
                        std::chrono::month{static_cast<unsigned>(date.month())},
                        std::chrono::day{static_cast<unsigned>(date.dayOfMonth())}};
}

std::vector<std::pair<double, double>> read_pillar_csv(const std::string& path) {
    std::istringstream in(read_input_file(path));  // same refusals and messages as every input file
    PillarCsv csv = parse_pillar_csv(in);
    if (!csv.issues.empty()) {
        const PillarCsvIssue& first = csv.issues.front();
        if (first.line > 0) throw Error(fmt::format("{}:{}: {}", path, first.line, first.message));
        throw Error(fmt::format("{}: {}", path, first.message));
    }
    return std::move(csv.pillars);
}

QuantLib::ext::shared_ptr<QuantLib::YieldTermStructure>
build_curve(const CurveSpec& spec, const QuantLib::Date& reference, DayCount day_count,
            const CurveConventions& conventions, const std::string& field) {
    PFT_REQUIRE(reference != QuantLib::Date(), field << ": reference date must be set");
    PFT_REQUIRE(conventions.compounding != Compounding::Compounded ||
                    (conventions.frequency >= 1 && 12 % conventions.frequency == 0),
                field << ".frequency: must be 1, 2, 3, 4, 6 or 12, got " << conventions.frequency);
    const QuantLib::DayCounter dc = to_day_counter(day_count);
    const QuantLib::Compounding comp = to_ql(conventions.compounding);
    const QuantLib::Frequency freq = conventions.compounding == Compounding::Compounded
                                         ? to_ql_frequency(conventions.frequency)
                                         : QuantLib::Annual;
    QuantLib::ext::shared_ptr<QuantLib::YieldTermStructure> curve;
    if (spec.kind == CurveSpec::Kind::Flat) {
        check_rate(spec.flat_rate, field + ".flat_rate");
        curve = QuantLib::ext::make_shared<QuantLib::FlatForward>(reference, spec.flat_rate, dc,
                                                                  comp, freq);
    } else {
        PFT_REQUIRE(spec.pillars.empty() || spec.csv_path.empty(),
                    field << ": give either pillars or csv_path, not both");
        const auto pillars = spec.csv_path.empty() ? spec.pillars : read_pillar_csv(spec.csv_path);
        PFT_REQUIRE(!pillars.empty(), field << ".pillars: a zero curve needs at least one pillar");
        std::vector<QuantLib::Date> dates{reference};
        std::vector<QuantLib::Rate> rates{pillars.front().second};  // flat zero before pillar 1
        for (std::size_t i = 0; i < pillars.size(); ++i) {
            const std::string pillar_field = field + ".pillars[" + std::to_string(i) + "]";
            const auto [years, rate] = pillars[i];
            PFT_REQUIRE(std::isfinite(years) && years > 0.0,
                        pillar_field << ".years: must be > 0, got " << years);
            check_rate(rate, pillar_field + ".zero_rate");
            const QuantLib::Date date = pillar_date(reference, years);
            PFT_REQUIRE(date > dates.back(), pillar_field << ".years: must increase (pillar dates "
                                                             "must be distinct), got " << years);
            dates.push_back(date);
            rates.push_back(rate);
        }
        curve = QuantLib::ext::make_shared<QuantLib::InterpolatedZeroCurve<QuantLib::Linear>>(
            dates, rates, dc, QuantLib::Linear(), comp, freq);
    }
    curve->enableExtrapolation();
    return curve;
}

QuantLib::ext::shared_ptr<QuantLib::YieldTermStructure>
with_z_spread(const QuantLib::ext::shared_ptr<QuantLib::YieldTermStructure>& curve, double spread) {
    PFT_REQUIRE(curve != nullptr, "curve: must not be null");
    PFT_REQUIRE(std::isfinite(spread), "spread: must be a finite number, got " << spread);
    auto spreaded = QuantLib::ext::make_shared<QuantLib::ZeroSpreadedTermStructure>(
        QuantLib::Handle<QuantLib::YieldTermStructure>(curve),
        QuantLib::Handle<QuantLib::Quote>(QuantLib::ext::make_shared<QuantLib::SimpleQuote>(spread)),
        QuantLib::Continuous, QuantLib::NoFrequency, curve->dayCounter());
    spreaded->enableExtrapolation();
    return spreaded;
}

DiscountGrid sample_curve(const QuantLib::YieldTermStructure& curve,
                          const std::vector<QuantLib::Date>& dates) {
    DiscountGrid grid;
    grid.times.reserve(dates.size());
    grid.discount_factors.reserve(dates.size());
    const QuantLib::Date reference = curve.referenceDate();
    for (std::size_t i = 0; i < dates.size(); ++i) {
        PFT_REQUIRE(dates[i] >= reference, "dates[" << i << "]: must not precede the curve "
                                                        "reference date " << reference
                                                    << ", got " << dates[i]);
        const double t = curve.timeFromReference(dates[i]);
        grid.times.push_back(t);
        grid.discount_factors.push_back(curve.discount(dates[i], true));
    }
    return grid;
}

DiscountGrid sample_curve(const QuantLib::YieldTermStructure& curve,
                          const std::vector<CalendarDate>& dates) {
    std::vector<QuantLib::Date> ql_dates;
    ql_dates.reserve(dates.size());
    for (const auto& d : dates) ql_dates.push_back(to_ql_date(d));
    return sample_curve(curve, ql_dates);
}

DiscountGrid sample_curve_at_times(const QuantLib::YieldTermStructure& curve,
                                   std::span<const double> times) {
    DiscountGrid grid;
    grid.times.assign(times.begin(), times.end());
    grid.discount_factors.reserve(times.size());
    for (std::size_t i = 0; i < times.size(); ++i) {
        PFT_REQUIRE(std::isfinite(times[i]) && times[i] >= 0.0,
                    "times[" << i << "]: must be a finite number >= 0, got " << times[i]);
        grid.discount_factors.push_back(curve.discount(times[i], true));
    }
    return grid;
}

std::vector<double> accrual_fractions(const std::vector<QuantLib::Date>& dates, DayCount day_count) {
    const QuantLib::DayCounter dc = to_day_counter(day_count);
    std::vector<double> out;
    if (dates.size() < 2) return out;
    out.reserve(dates.size() - 1);
    for (std::size_t i = 0; i + 1 < dates.size(); ++i) {
        PFT_REQUIRE(dates[i + 1] > dates[i], "dates[" << i + 1 << "]: must be after dates[" << i
                                                      << "], got " << dates[i + 1]);
        out.push_back(dc.yearFraction(dates[i], dates[i + 1]));
    }
    return out;
}

std::vector<double> forward_rates(const QuantLib::YieldTermStructure& curve,
                                  const std::vector<QuantLib::Date>& dates,
                                  DayCount accrual_day_count) {
    const std::vector<double> accrual = accrual_fractions(dates, accrual_day_count);
    const DiscountGrid grid = sample_curve(curve, dates);
    std::vector<double> out(accrual.size());
    forward_rates(grid.discount_factors, accrual, out);
    return out;
}

void apply_z_spread(std::span<const double> times, std::span<const double> discount_factors,
                    double spread, std::span<double> out) {
    PFT_REQUIRE(times.size() == discount_factors.size() && out.size() == times.size(),
                "apply_z_spread: times, discount_factors and out must have the same size");
    for (std::size_t i = 0; i < times.size(); ++i)
        out[i] = discount_factors[i] * std::exp(-spread * times[i]);
}

void forward_rates(std::span<const double> discount_factors, std::span<const double> accrual,
                   std::span<double> out) {
    PFT_REQUIRE(discount_factors.size() == accrual.size() + 1 && out.size() == accrual.size(),
                "forward_rates: need one more discount factor than accrual periods and outputs");
    for (std::size_t i = 0; i < accrual.size(); ++i) {
        PFT_REQUIRE(accrual[i] > 0.0, "accrual[" << i << "]: must be > 0, got " << accrual[i]);
        out[i] = (discount_factors[i] / discount_factors[i + 1] - 1.0) / accrual[i];
    }
}

}  // namespace pftoken::pricing
