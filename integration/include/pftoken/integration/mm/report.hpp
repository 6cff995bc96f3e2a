#pragma once
// The market maker's backtest results as tables (the shared report layer, base/table.hpp):
// summary (P&L split, volumes, uptime, oracle checks), mark-outs by horizon, time per state,
// transitions, reconciliations, fills and the inventory path. docs/tools/mm.md lists the columns.

#include "pftoken/base/table.hpp"
#include "pftoken/integration/mm/backtest.hpp"

namespace pftoken::integration::mm {

/// One row per figure: metric, value, unit.
[[nodiscard]] Table mm_summary_table(const BacktestResult& r);
/// One row per horizon: fills measured, shares, mean mark-out per share (share-weighted) and the
/// total in cents; negative mark-outs are adverse selection.
[[nodiscard]] Table mm_markout_table(const BacktestResult& r);
/// One row per machine and state: time spent and its share of the run.
[[nodiscard]] Table mm_states_table(const BacktestResult& r);
/// Every transition: time, machine, from, to, reason.
[[nodiscard]] Table mm_transitions_table(const BacktestResult& r);
/// Every reconciliation: drift per field (bot minus ledger), status, whether rebuilt.
[[nodiscard]] Table mm_reconciliation_table(const BacktestResult& r);
/// Every fill with its mark-outs.
[[nodiscard]] Table mm_fills_table(const BacktestResult& r);
/// The sampled inventory path.
[[nodiscard]] Table mm_path_table(const BacktestResult& r);

}  // namespace pftoken::integration::mm
