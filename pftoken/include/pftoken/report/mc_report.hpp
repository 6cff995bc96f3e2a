#pragma once
// Reports of a project Monte Carlo run (`pftoken mc`): tables of tranche statistics, per-period
// DSCR quantiles and probabilities, the equity IRR distribution and dumped paths, the summary
// JSON and the readable summary. Columns are documented in docs/tools/mc.md.

#include <string>
#include <vector>

#include "pftoken/base/table.hpp"
#include "pftoken/mc/project_mc.hpp"

namespace pftoken::report {

/// The per-token table a reader sees (`pftoken report`'s Monte Carlo section), under the names
/// `mc` prints (docs/conventions.md, "Names and units"): price/token, s.e., P(miss), P(defer),
/// P(EoD), P(loss), EL, VaR95/token, CVaR95/token, fair spread (bp); the equity last.
/// Amounts per token carry `currency` as their unit when given.
[[nodiscard]] Table mc_tokens_display_table(const mc::ProjectMcSummary& s, const std::string& currency = {});

/// tranches.csv: one row per tranche, then the equity token (cells it has no value for empty).
[[nodiscard]] Table mc_tranches_table(const mc::ProjectMcSummary& summary);
/// periods.csv: per-period DSCR quantiles and covenant probabilities.
[[nodiscard]] Table mc_periods_table(const mc::ProjectMcSummary& summary);
/// equity_irr.csv: the per-path equity IRR distribution.
[[nodiscard]] Table mc_equity_irr_table(const mc::ProjectMcSummary& summary);
/// paths.csv: per-period arrays of dumped paths (`tranches` balance columns).
[[nodiscard]] Table mc_paths_table(const std::vector<mc::PathDump>& dumps, std::size_t tranches);
/// summary.json: run settings, estimates with standard errors, distributions, sensitivities.
[[nodiscard]] std::string mc_summary_json(const mc::ProjectMcSummary& summary, const mc::ProjectMcOptions& options);
/// The readable summary `pftoken mc` prints.
[[nodiscard]] std::string mc_summary_text(const mc::ProjectMcSummary& summary);

}  // namespace pftoken::report
