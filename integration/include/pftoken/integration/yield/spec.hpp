#pragma once
// `pftoken yield backtest` spec (docs/tools/yield.md): a YAML list of strategies read through the
// strict reader (unknown keys with did-you-mean, every problem at file:line:col), run over the
// hourly data of one folder, and the result tables (summary, attribution, hourly, events).

#include <string>
#include <string_view>
#include <vector>

#include "pftoken/base/table.hpp"
#include "pftoken/integration/yield/engine.hpp"

namespace pftoken::integration::yield {

struct YieldSpec {
    std::vector<StrategyOptions> strategies;
    /// Perp venues the strategies read (each once, in first-use order).
    [[nodiscard]] std::vector<std::string> venues() const;
};

/// Reads a spec file; throws one InputError listing every problem at file:line:col.
[[nodiscard]] YieldSpec load_yield_spec(const std::string& path);
/// The same from YAML text (`source` names it in messages).
[[nodiscard]] YieldSpec parse_yield_spec(std::string_view yaml_text,
                                         const std::string& source = "spec");

/// Every strategy of the spec backtested over `market`, in spec order.
[[nodiscard]] std::vector<YieldResult> run_yield_spec(const YieldSpec& spec,
                                                      const MarketData& market);

/// One row per strategy: share class, Aave version, loop, equity, return, APY, drawdown, health
/// factor, liquidation distance, liquidations and rebalances.
[[nodiscard]] Table yield_summary_table(const std::vector<YieldResult>& results);
/// One row per strategy and source (and a `total` row): P&L in the share-class unit and as a
/// fraction of the initial capital.
[[nodiscard]] Table yield_attribution_table(const std::vector<YieldResult>& results);
/// One row per hour: equity, P&L by source and in total, health factor, liquidation distance,
/// exposures.
[[nodiscard]] Table yield_hourly_table(const YieldResult& result);
/// The event log in its global order.
[[nodiscard]] Table yield_events_table(const YieldResult& result);

}  // namespace pftoken::integration::yield
