#pragma once
// Stress outputs: readable tables, CSV (one wide row per scenario) and JSON text.
//
// Columns are documented in docs/tools/stress.md. Numbers are printed with 10 significant
// digits (CSV/JSON), dates as YYYY-MM-DD, undefined values (NaN) as empty CSV cells / JSON null.

#include <string>

#include <nlohmann/json.hpp>

#include "pftoken/base/table.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/stress/reverse.hpp"

namespace pftoken::stress {

/// Base row, then one row per scenario (failed scenarios carry their error, numbers empty).
[[nodiscard]] Table scenario_results(const StressSummary& summary);
[[nodiscard]] std::string scenarios_csv(const StressSummary& summary);  ///< to_csv(scenario_results)
/// One row per (factor, target).
[[nodiscard]] Table reverse_results(const ReverseSummary& summary);
[[nodiscard]] std::string reverse_csv(const ReverseSummary& summary);  ///< to_csv(reverse_results)
/// Aligned text tables for a terminal.
[[nodiscard]] std::string scenarios_table(const StressSummary& summary);
[[nodiscard]] std::string reverse_table(const ReverseSummary& summary);
/// JSON values with the same content as the CSV files (sections of stress.json; dump_json writes them).
[[nodiscard]] nlohmann::json scenarios_json(const StressSummary& summary);
[[nodiscard]] nlohmann::json reverse_json(const ReverseSummary& summary);

/// "YYYY-MM-DD" (format::iso_date).
[[nodiscard]] std::string format_date(const CalendarDate& date);

}  // namespace pftoken::stress
