#pragma once
// Reports of a deterministic valuation: the readable summary `pftoken value` prints and the
// per-period table, summary and event log as CSV and JSON (columns in docs/tools/value.md).
//
// Everything is rendered into strings in memory, so a caller can write all files only once
// every one of them has been produced (no partial output on error).

#include <string>
#include <utility>
#include <vector>

#include "pftoken/base/table.hpp"
#include "pftoken/model/project.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::report {

/// One output file: name inside the output folder and its full content.
struct ReportFile {
    std::string name;
    std::string content;
};

enum class ReportFormat { Table, Csv, Json, All };

/// The readable summary: project and dates, sources and uses, tranche table, equity,
/// coverage ratios, covenant results and the event log (first `max_events` entries; the rest
/// is pointed to in events.csv / events.json only when `event_files_written`).
[[nodiscard]] std::string summary_text(const Project& project, const ValuationResult& result, int max_events = 20,
                                       bool event_files_written = false);

/// Summary as JSON (pretty-printed): the document the golden files compare.
[[nodiscard]] std::string summary_json(const Project& project, const ValuationResult& result);
/// The summary document as rows of (metric, value): dotted paths, tranches by name.
[[nodiscard]] Table summary_table(const Project& project, const ValuationResult& result);
/// Summary as CSV in long form: `metric,value` rows (e.g. `tranche.senior.pv,51234567.8`).
[[nodiscard]] std::string summary_csv(const Project& project, const ValuationResult& result);
/// One row per tranche, then one for the equity token (cells it has no value for empty).
[[nodiscard]] Table tranches_table(const Project& project, const ValuationResult& result);
/// True when some tranche was sized or sculpted by the model (sizing.csv is then written).
[[nodiscard]] bool any_sized(const ValuationResult& result);
/// One row per tranche sized or sculpted by the model: principal, binding constraint, DSCR
/// target, tenor clip, achieved minimum and average DSCR at its seniority level, interest-only
/// periods and whether the constraints hold.
[[nodiscard]] Table sizing_table(const ValuationResult& result);
/// One row per period where a sculpted tranche paid interest only (sculpted debt service below
/// interest): date, sculpted debt service, interest, the period DSCR achieved.
[[nodiscard]] Table sizing_periods_table(const ValuationResult& result);
[[nodiscard]] std::string tranches_csv(const Project& project, const ValuationResult& result);  ///< to_csv(tranches_table)
/// One row per period (construction months then operating periods): grid, cash-flow, ratio and
/// flag columns (period_column_names()).
[[nodiscard]] Table periods_table(const ValuationResult& result);
/// Tranche `k`'s per-period columns (tranche_column_names()); the table is named after the tranche.
[[nodiscard]] Table tranche_periods_table(const Project& project, const ValuationResult& result, int k);
/// One row per event of the log.
[[nodiscard]] Table events_table(const Project& project, const ValuationResult& result);
/// periods_table and each tranche's columns side by side ("senior.balance", ...).
[[nodiscard]] std::string periods_csv(const Project& project, const ValuationResult& result);
/// Per-period table as JSON: {"columns": {name: [values...]}, "tranches": {name: {column: [...]}}}.
[[nodiscard]] std::string periods_json(const Project& project, const ValuationResult& result);
/// Event log, one row per event.
[[nodiscard]] std::string events_csv(const Project& project, const ValuationResult& result);
[[nodiscard]] std::string events_json(const Project& project, const ValuationResult& result);

/// The files `pftoken value --out` writes for a format (none for Table).
[[nodiscard]] std::vector<ReportFile> report_files(const Project& project, const ValuationResult& result,
                                                   ReportFormat format);

/// Names of the per-period columns in output order (without the per-tranche ones).
[[nodiscard]] std::vector<std::string> period_column_names();
/// Suffixes of the per-tranche columns (`<tranche>.<suffix>`).
[[nodiscard]] std::vector<std::string> tranche_column_names();

}  // namespace pftoken::report
