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

/// A number inside a message ("must be >= 0, got -3"): number(x, significant) for a finite x
/// (significant = 0: shortest round-trip), and "nan", "-nan", "inf" or "-inf" as printf spells
/// them otherwise (a message must show what the user's value became).
[[nodiscard]] std::string message_number(double x, int significant = 0);

/// Shortest round-trip text of `x` (number(x, 0)).
[[nodiscard]] std::string shortest(double x, std::string_view non_finite = {});

/// `x` with `decimals` digits after the point ("%.{decimals}f"); `non_finite` for NaN/inf. A value
/// that rounds to zero is written without a sign: -1e-12 -> "0.0000", never "-0.0000".
[[nodiscard]] std::string fixed(double x, int decimals, std::string_view non_finite = "–");

/// `x` with `decimals` digits after the point and a comma between thousands: 84000000 ->
/// "84,000,000", -1234.5 (decimals 1) -> "-1,234.5"; a value that rounds to zero is "0" with
/// the decimals and no sign; `non_finite` for NaN/inf.
[[nodiscard]] std::string grouped(double x, int decimals = 0, std::string_view non_finite = "–");

/// The unit amounts of money are shown in: "bn" (1e9) from one billion, "m" (1e6) from one
/// million, whole currency units (scale 1, no suffix) below.
struct MoneyUnit {
    double scale = 1.0;
    std::string_view suffix{};
};
[[nodiscard]] MoneyUnit money_unit(double largest_magnitude);

/// `x` in `unit` with `decimals` and the suffix, grouped: (4.5e6, m, 1) -> "4.5m",
/// (84e6, m, 0) -> "84m", (950000, units, 0) -> "950,000". Every tick of a money axis uses one
/// unit and one number of decimals, so the labels read as one scale.
[[nodiscard]] std::string money_in(double x, MoneyUnit unit, int decimals, std::string_view non_finite = "–");


/// An amount of money in whole currency units ("%.0f"); `non_finite` for NaN/inf.
[[nodiscard]] std::string money(double x, std::string_view non_finite = "–");

/// A fraction as a percentage: 0.1234 -> "12.34%" with decimals = 2; `non_finite` for NaN/inf.
[[nodiscard]] std::string percent(double fraction, int decimals = 2, std::string_view non_finite = "–");

/// ISO 8601 calendar date "YYYY-MM-DD"; empty for a date that is not ok().
[[nodiscard]] std::string iso_date(const std::chrono::year_month_day& date);
/// The same "YYYY-MM-DD" of the fields as they are, also for a date that is not ok() (2023-02-30,
/// 2025-13-01): what parse_iso_date(text, false) read, for the error that reports it.
[[nodiscard]] std::string iso_date_as_written(const std::chrono::year_month_day& date);

/// Reads exactly "YYYY-MM-DD" (ten characters, digits and two dashes) into a calendar date;
/// nullopt for any other text, and for an impossible date (2023-02-30) when `calendar_valid`.
/// With calendar_valid = false an impossible date is returned as written (!ok()), for readers
/// that report it later with its field ("not a valid calendar date, got 2023-02-30").
[[nodiscard]] std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text,
                                                                       bool calendar_valid = true);

}  // namespace pftoken::format
