#pragma once
// Discount curves: built once as QuantLib term structures at setup, then sampled into plain
// discount-factor arrays on the project's dates for the waterfall kernel and Monte Carlo.
//
// Conventions (docs/pricing.md):
// - CurveSpec rates (flat_rate and pillar zero rates) are quoted with CurveConventions
//   (default: annually compounded, i.e. DF(t) = (1 + r)^-t) on the curve day count.
// - Zero curves interpolate linearly in the continuously compounded zero rate (QuantLib's
//   InterpolatedZeroCurve<Linear> converts the quoted rates to continuous); the zero rate is
//   flat before the first pillar and the instantaneous forward is flat after the last one.
// - Pillar years become dates: whole months when years*12 is an integer (reference + n months),
//   otherwise reference + round(years * 365.25) days.
// - A tranche spread is a z-spread: continuously compounded, added to the continuous zero rate,
//   DF_s(t) = DF(t) * exp(-s * t) with t the curve's year fraction from its reference date.
// QuantLib is used only here, at setup, and never inside per-period or per-path loops.

#include <ql/termstructures/yieldtermstructure.hpp>
#include <ql/time/date.hpp>
#include <ql/time/daycounter.hpp>

#include <span>
#include <string>
#include <vector>

#include "pftoken/model/project.hpp"

namespace pftoken::pricing {

/// How rates are quoted: Simple (1 + r t), Compounded ((1 + r/f)^(f t)) or Continuous (e^(r t)).
/// Matches QuantLib::Compounding so results can be cross-checked against QuantLib.
enum class Compounding { Simple, Compounded, Continuous };

/// Quoting convention of the rates in a CurveSpec.
struct CurveConventions {
    Compounding compounding = Compounding::Compounded;
    int frequency = 1;  ///< compounding periods per year when compounding == Compounded
};

/// QuantLib day counter for a pftoken DayCount (Thirty360 is the Bond Basis / US variant).
[[nodiscard]] QuantLib::DayCounter to_day_counter(DayCount day_count);
/// QuantLib date from a calendar date (throws when outside QuantLib's 1901..2199 range).
[[nodiscard]] QuantLib::Date to_ql_date(const CalendarDate& date);
[[nodiscard]] CalendarDate from_ql_date(const QuantLib::Date& date);

/// Zero-rate pillars read from a CSV file with header `years,zero_rate` and one pillar a line.
/// Errors name the file, the line and the column, e.g. `curve.csv:4: column zero_rate: ...`.
[[nodiscard]] std::vector<std::pair<double, double>> read_pillar_csv(const std::string& path);

/// Builds the curve described by `spec` with reference date `reference` (where DF = 1).
/// `field` prefixes error messages (e.g. "market.discount"). Extrapolation is enabled.
[[nodiscard]] QuantLib::ext::shared_ptr<QuantLib::YieldTermStructure>
build_curve(const CurveSpec& spec, const QuantLib::Date& reference, DayCount day_count,
            const CurveConventions& conventions = {}, const std::string& field = "curve");

/// The same curve with a continuous z-spread added to its zero rates (QuantLib's
/// ZeroSpreadedTermStructure, Continuous): DF_s(t) = DF(t) exp(-spread t).
[[nodiscard]] QuantLib::ext::shared_ptr<QuantLib::YieldTermStructure>
with_z_spread(const QuantLib::ext::shared_ptr<QuantLib::YieldTermStructure>& curve, double spread);

/// A curve sampled on dates: plain arrays for the kernel and Monte Carlo.
struct DiscountGrid {
    std::vector<double> times;             ///< curve year fraction from its reference date
    std::vector<double> discount_factors;  ///< DF(times[i]); 1 at the reference date
};

/// Samples `curve` on `dates` (each >= the curve reference date). Setup only.
[[nodiscard]] DiscountGrid sample_curve(const QuantLib::YieldTermStructure& curve,
                                        const std::vector<QuantLib::Date>& dates);
[[nodiscard]] DiscountGrid sample_curve(const QuantLib::YieldTermStructure& curve,
                                        const std::vector<CalendarDate>& dates);

/// Samples `curve` at year fractions `times` (>= 0, curve day count) instead of dates.
[[nodiscard]] DiscountGrid sample_curve_at_times(const QuantLib::YieldTermStructure& curve,
                                                 std::span<const double> times);

/// Simple forward rate over each period [dates[i], dates[i+1]] with accrual year fractions
/// `accrual[i]` (from the accrual day count): f_i = (DF_i / DF_{i+1} - 1) / accrual_i.
/// The index projection for floating tranches. Returns dates.size() - 1 rates.
[[nodiscard]] std::vector<double> forward_rates(const QuantLib::YieldTermStructure& curve,
                                                const std::vector<QuantLib::Date>& dates,
                                                DayCount accrual_day_count);

/// Plain-array versions (no allocation; out has the size of the input).
/// DF_s(t_i) = DF(t_i) exp(-spread t_i).
void apply_z_spread(std::span<const double> times, std::span<const double> discount_factors,
                    double spread, std::span<double> out);
/// Simple period forwards from a sampled grid: out[i] = (DF_i/DF_{i+1} - 1)/accrual[i];
/// discount_factors has one more element than accrual and out.
void forward_rates(std::span<const double> discount_factors, std::span<const double> accrual,
                   std::span<double> out);

/// Year fractions between consecutive dates: out[i] = dc.yearFraction(dates[i], dates[i+1]).
[[nodiscard]] std::vector<double> accrual_fractions(const std::vector<QuantLib::Date>& dates,
                                                    DayCount day_count);

}  // namespace pftoken::pricing
