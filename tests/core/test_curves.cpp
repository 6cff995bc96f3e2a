// Discount curves from CurveSpec: flat and zero (inline and CSV), sampling, z-spread, forwards.

#include <gtest/gtest.h>

#include <ql/settings.hpp>
#include <ql/termstructures/yield/zerospreadedtermstructure.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "pftoken/error.hpp"
#include "pftoken/pricing/curves.hpp"
#include "support/gtest_extra.hpp"

namespace pp = pftoken::pricing;
using QuantLib::Date;

namespace {

const Date kReference(15, QuantLib::January, 2025);

pftoken::CurveSpec flat(double rate) {
    pftoken::CurveSpec spec;
    spec.kind = pftoken::CurveSpec::Kind::Flat;
    spec.flat_rate = rate;
    return spec;
}

pftoken::CurveSpec zero(std::vector<std::pair<double, double>> pillars) {
    pftoken::CurveSpec spec;
    spec.kind = pftoken::CurveSpec::Kind::Zero;
    spec.pillars = std::move(pillars);
    return spec;
}

/// A CSV file in the temp folder, removed at scope end.
class TempCsv {
  public:
    TempCsv(const std::string& name, const std::string& text)
        : path_(std::filesystem::temp_directory_path() /
                ("pftoken_" + std::to_string(::getpid()) + "_" + name)) {
        std::ofstream(path_) << text;
    }
    ~TempCsv() { std::filesystem::remove(path_); }
    TempCsv(const TempCsv&) = delete;
    TempCsv& operator=(const TempCsv&) = delete;
    [[nodiscard]] std::string path() const { return path_.string(); }

  private:
    std::filesystem::path path_;
};

}  // namespace

// Closed form: an annually compounded flat rate r on Act/365F gives DF(t) = (1 + r)^-t,
// t = days/365; with Continuous conventions DF(t) = exp(-r t).
TEST(Curves, FlatCurveMatchesClosedForm) {
    const auto curve = pp::build_curve(flat(0.07), kReference, pftoken::DayCount::Actual365Fixed);
    const auto continuous = pp::build_curve(flat(0.07), kReference, pftoken::DayCount::Actual365Fixed,
                                            {pp::Compounding::Continuous, 1});
    for (const int days : {0, 1, 180, 365, 3652, 9131}) {
        const double t = days / 365.0;
        EXPECT_NEAR(curve->discount(kReference + days), std::pow(1.07, -t), 1e-15) << days;
        EXPECT_NEAR(continuous->discount(kReference + days), std::exp(-0.07 * t), 1e-15) << days;
    }
}

// Closed form at the pillars: DF(T_i) = (1 + z_i)^-T_i; between pillars the continuous zero
// rate is linear in time; before the first pillar it is flat; beyond the last the forward is
// flat (QuantLib InterpolatedZeroCurve<Linear> extrapolation).
TEST(Curves, ZeroCurveHitsPillarsAndInterpolatesContinuousZeros) {
    const auto curve = pp::build_curve(zero({{1.0, 0.03}, {5.0, 0.04}, {10.0, 0.045}}), kReference,
                                       pftoken::DayCount::Actual365Fixed);
    const QuantLib::Actual365Fixed dc;
    const struct {
        double years;
        double zero;
    } pillars[] = {{1.0, 0.03}, {5.0, 0.04}, {10.0, 0.045}};
    for (const auto& p : pillars) {
        const Date d = kReference + QuantLib::Period(static_cast<int>(p.years), QuantLib::Years);
        const double t = dc.yearFraction(kReference, d);
        EXPECT_NEAR(curve->discount(d), std::pow(1.0 + p.zero, -t), 1e-14) << p.years;
    }
    // Midway in time between the 1y and 5y pillars, the continuous zero is the average.
    const Date d1 = kReference + QuantLib::Period(1, QuantLib::Years);
    const Date d5 = kReference + QuantLib::Period(5, QuantLib::Years);
    const double t1 = dc.yearFraction(kReference, d1);
    const double t5 = dc.yearFraction(kReference, d5);
    const double c1 = std::log(1.03) * 1.0;  // continuous equivalent: ln(1+z) per unit time
    const double c5 = std::log(1.04);
    const Date mid = kReference + static_cast<QuantLib::Date::serial_type>(((d1 - kReference) + (d5 - kReference)) / 2);
    const double tm = dc.yearFraction(kReference, mid);
    const double expected_zero = c1 + (c5 - c1) * (tm - t1) / (t5 - t1);
    EXPECT_NEAR(curve->discount(mid), std::exp(-expected_zero * tm), 1e-14);
    // Flat zero before the first pillar.
    const Date early = kReference + 100;
    EXPECT_NEAR(curve->discount(early), std::pow(1.03, -100.0 / 365.0), 1e-14);
    // Extrapolates beyond the last pillar with a flat forward (finite, decreasing).
    EXPECT_LT(curve->discount(kReference + QuantLib::Period(30, QuantLib::Years)),
              curve->discount(kReference + QuantLib::Period(10, QuantLib::Years)));
}

TEST(Curves, CsvPillarsEqualInlinePillars) {
    const TempCsv csv("curve_ok.csv", "years,zero_rate\n0.5,0.025\n1,0.03\n\n5, 0.04\n10,0.045\n");
    pftoken::CurveSpec from_file;
    from_file.kind = pftoken::CurveSpec::Kind::Zero;
    from_file.csv_path = csv.path();
    const auto a = pp::build_curve(from_file, kReference, pftoken::DayCount::Actual365Fixed);
    const auto b = pp::build_curve(zero({{0.5, 0.025}, {1.0, 0.03}, {5.0, 0.04}, {10.0, 0.045}}),
                                   kReference, pftoken::DayCount::Actual365Fixed);
    for (int days = 0; days < 12000; days += 97)
        EXPECT_EQ(a->discount(kReference + days), b->discount(kReference + days)) << days;
}

TEST(Curves, BadCsvNamesFileLineAndColumn) {
    const struct {
        const char* name;
        const char* text;
        const char* expected;  // after "<path>"
    } cases[] = {
        {"bad_number.csv", "years,zero_rate\n1,0.03\n2,abc\n", ":3: column zero_rate: not a finite number, got 'abc'"},
        {"bad_years.csv", "years,zero_rate\n1,0.03\n-2,0.04\n", ":3: column years: must be > 0, got -2"},
        {"not_increasing.csv", "years,zero_rate\n2,0.03\n1,0.04\n", ":3: column years: must increase, got 1 after 2"},
        {"bad_header.csv", "year,rate\n1,0.03\n", ":1: header must be 'years,zero_rate', got 'year,rate'"},
        {"columns.csv", "years,zero_rate\n1,0.03,7\n", ":2: expected 2 columns (years,zero_rate), got 3"},
        {"rate.csv", "years,zero_rate\n1,1.5\n", ":2: column zero_rate: must be in (-100%, 100%), got 1.5"},
        {"nan.csv", "years,zero_rate\n1,nan\n", ":2: column zero_rate: not a finite number, got 'nan'"},
        {"empty.csv", "years,zero_rate\n", ": no pillars after the header"},
    };
    for (const auto& c : cases) {
        const TempCsv csv(c.name, c.text);
        pftoken::CurveSpec spec;
        spec.kind = pftoken::CurveSpec::Kind::Zero;
        spec.csv_path = csv.path();
        EXPECT_THROW_MSG((void)pp::build_curve(spec, kReference, pftoken::DayCount::Actual365Fixed),
                         pftoken::Error, csv.path() + c.expected)
            << c.name;
    }
    EXPECT_THROW_MSG((void)pp::read_pillar_csv("/nonexistent/curve.csv"), pftoken::Error,
                     "/nonexistent/curve.csv: cannot open: No such file or directory");
}

TEST(Curves, BadSpecNamesTheField) {
    EXPECT_THROW_MSG((void)pp::build_curve(flat(1.0), kReference, pftoken::DayCount::Actual365Fixed,
                                           {}, "market.discount"),
                     pftoken::Error, "market.discount.flat_rate: must be in (-100%, 100%), got 1");
    EXPECT_THROW_MSG(
        (void)pp::build_curve(flat(std::nan("")), kReference, pftoken::DayCount::Actual365Fixed, {},
                              "market.discount"),
        pftoken::Error, "market.discount.flat_rate: must be a finite number, got nan");
    EXPECT_THROW_MSG(
        (void)pp::build_curve(zero({{1.0, 0.03}, {-2.0, 0.04}}), kReference,
                              pftoken::DayCount::Actual365Fixed, {}, "market.discount"),
        pftoken::Error, "market.discount.pillars[1].years: must be > 0, got -2");
    EXPECT_THROW_MSG((void)pp::build_curve(zero({}), kReference, pftoken::DayCount::Actual365Fixed,
                                           {}, "market.forwards[0]"),
                     pftoken::Error,
                     "market.forwards[0].pillars: a zero curve needs at least one pillar");
}

// The array z-spread equals QuantLib's ZeroSpreadedTermStructure (Continuous) on the same curve.
TEST(Curves, SampledZSpreadMatchesQuantLibSpreadedCurve) {
    const auto curve = pp::build_curve(zero({{1.0, 0.03}, {5.0, 0.04}, {10.0, 0.045}}), kReference,
                                       pftoken::DayCount::Actual365Fixed);
    const double spread = 0.0125;
    const auto spreaded = pp::with_z_spread(curve, spread);
    std::vector<Date> dates;
    for (int m = 0; m <= 180; m += 3) dates.push_back(kReference + QuantLib::Period(m, QuantLib::Months));
    const pp::DiscountGrid grid = pp::sample_curve(*curve, dates);
    std::vector<double> out(dates.size());
    pp::apply_z_spread(grid.times, grid.discount_factors, spread, out);
    for (std::size_t i = 0; i < dates.size(); ++i) {
        EXPECT_NEAR(out[i], spreaded->discount(dates[i]), 1e-14) << dates[i];
        EXPECT_NEAR(grid.discount_factors[i], curve->discount(dates[i]), 0.0);
    }
}

TEST(Curves, SamplingByTimesEqualsSamplingByDates) {
    const auto curve = pp::build_curve(zero({{1.0, 0.03}, {5.0, 0.04}}), kReference,
                                       pftoken::DayCount::Actual365Fixed);
    std::vector<Date> dates;
    for (int m = 0; m <= 96; m += 12) dates.push_back(kReference + QuantLib::Period(m, QuantLib::Months));
    const auto by_date = pp::sample_curve(*curve, dates);
    const auto by_time = pp::sample_curve_at_times(*curve, by_date.times);
    for (std::size_t i = 0; i < dates.size(); ++i)
        EXPECT_NEAR(by_time.discount_factors[i], by_date.discount_factors[i], 1e-15) << i;
    EXPECT_THROW_MSG((void)pp::sample_curve_at_times(*curve, std::vector<double>{0.5, -1.0}),
                     pftoken::Error, "times[1]: must be a finite number >= 0, got -1");
}

// Forward over a period: (DF_i/DF_{i+1} - 1)/tau; on a flat annually compounded curve with
// annual periods on Act/365F-year lengths this is the flat rate scaled by the day count.
TEST(Curves, ForwardRatesReproduceDiscountFactors) {
    const auto curve = pp::build_curve(zero({{1.0, 0.03}, {5.0, 0.04}, {10.0, 0.045}}), kReference,
                                       pftoken::DayCount::Actual365Fixed);
    std::vector<Date> dates;
    for (int m = 0; m <= 120; m += 6) dates.push_back(kReference + QuantLib::Period(m, QuantLib::Months));
    const auto fwd = pp::forward_rates(*curve, dates, pftoken::DayCount::Actual360);
    const auto tau = pp::accrual_fractions(dates, pftoken::DayCount::Actual360);
    ASSERT_EQ(fwd.size(), dates.size() - 1);
    double df = 1.0;
    for (std::size_t i = 0; i < fwd.size(); ++i) {
        df /= 1.0 + fwd[i] * tau[i];
        EXPECT_NEAR(df, curve->discount(dates[i + 1]), 1e-15) << i;
        // QuantLib's own simple forward on the same accrual day count.
        EXPECT_NEAR(fwd[i],
                    curve->forwardRate(dates[i], dates[i + 1], pp::to_day_counter(pftoken::DayCount::Actual360),
                                       QuantLib::Simple).rate(),
                    1e-14);
    }
}

TEST(Curves, DateConversionRoundTrips) {
    const pftoken::CalendarDate d{std::chrono::year{2031}, std::chrono::month{2}, std::chrono::day{28}};
    EXPECT_EQ(pp::to_ql_date(d), Date(28, QuantLib::February, 2031));
    EXPECT_EQ(pp::from_ql_date(pp::to_ql_date(d)), d);
    EXPECT_THROW_MSG((void)pp::to_ql_date(pftoken::CalendarDate{
                         std::chrono::year{2031}, std::chrono::month{2}, std::chrono::day{30}}),
                     pftoken::Error, "date: not a valid calendar date");
    EXPECT_THROW_MSG((void)pp::to_ql_date(pftoken::CalendarDate{
                         std::chrono::year{2200}, std::chrono::month{1}, std::chrono::day{1}}),
                     pftoken::Error, "date: year must be in 1901..2199 (QuantLib range), got 2200");
}
