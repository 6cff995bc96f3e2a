#pragma once
// The one home of number, money, percent and date formatting (and ISO date parsing) for every
// report, table, CSV, chart and message. Dates are std::chrono::year_month_day (CalendarDate in
// core); base knows nothing of QuantLib.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pftoken::format {

/// `x` with `significant` significant digits in the shortest of fixed / scientific notation
/// (printf "%.{significant}g"); `non_finite` for NaN and infinities (default: empty, an empty
/// CSV cell). significant = 0: the shortest text that reads back to the same double.
[[nodiscard]] std::string number(double x, int significant = 10, std::string_view non_finite = {});

/// Shortest round-trip text of `x` (number(x, 0)).
[[nodiscard]] std::string shortest(double x, std::string_view non_finite = {});

/// `x` with `decimals` digits after the point ("%.{decimals}f"); `non_finite` for NaN/inf.
[[nodiscard]] std::string fixed(double x, int decimals, std::string_view non_finite = "–");

/// An amount of money in whole currency units ("%.0f"); `non_finite` for NaN/inf.
[[nodiscard]] std::string money(double x, std::string_view non_finite = "–");

/// A fraction as a percentage: 0.1234 -> "12.34%" with decimals = 2; `non_finite` for NaN/inf.
[[nodiscard]] std::string percent(double fraction, int decimals = 2, std::string_view non_finite = "–");

/// ISO 8601 calendar date "YYYY-MM-DD"; empty for a date that is not ok().
[[nodiscard]] std::string iso_date(const std::chrono::year_month_day& date);

/// Reads exactly "YYYY-MM-DD" (ten characters, digits and two dashes) into a calendar date;
/// nullopt for any other text, and for an impossible date (2023-02-30) when `calendar_valid`.
/// With calendar_valid = false an impossible date is returned as written (!ok()), for readers
/// that report it later with its field ("not a valid calendar date, got 2023-02-30").
[[nodiscard]] std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text,
                                                                       bool calendar_valid = true);

}  // namespace pftoken::format
