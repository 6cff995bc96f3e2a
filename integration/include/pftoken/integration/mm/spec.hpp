#pragma once
// `pftoken mm backtest` spec (docs/tools/mm.md): the strategy's parameters (every key of
// StrategyConfig, defaults from docs/market-maker.md), the backtest's recording options and the
// simulated and replay venues' flow, latency, queue model and fees (docs/order-book.md), read
// through the strict YAML reader (unknown keys with did-you-mean, every problem at
// file:line:col, constraints checked by StrategyConfig::validate and placed at their key).

#include <optional>
#include <string>
#include <string_view>

#include "pftoken/integration/mm/backtest.hpp"
#include "pftoken/integration/mm/config.hpp"
#include "pftoken/integration/mm/venues_amm.hpp"
#include "pftoken/integration/mm/venues_pm.hpp"
#include "pftoken/integration/mm/venues_replay.hpp"
#include "pftoken/integration/mm/venues_sim.hpp"

namespace pftoken::integration::mm {

struct MmSpec {
    StrategyConfig strategy;
    BacktestOptions backtest;
    /// The simulated venue (`--simulate`); its market maker's cash is strategy.initial_cash_cents.
    SimulationParams simulation;
    /// The replay venue (`--events FILE.csv`); its virtual account's cash likewise.
    ReplayParams replay;
    /// The AMM pool venue (`--amm`, token markets); its account's cash and tokens are
    /// strategy.initial_cash_cents and strategy.initial_tokens.
    AmmVenueParams amm;
    /// The batch-exchange venue (`--pm`, market: yes_no_net); its market maker's cash is
    /// strategy.initial_cash_cents.
    PmVenueParams pm;
    /// `amm: {project: P, token: T}`: the anchor taken from P's DCF price per token of T (P relative
    /// to the spec's folder); amm.fair_value_cents is set to anchor->cents.
    std::optional<DcfAnchor> anchor;
    std::string anchor_project;  ///< the project file it came from
};

/// Reads a spec file; throws one InputError listing every problem at file:line:col.
[[nodiscard]] MmSpec load_mm_spec(const std::string& path);
/// The same from YAML text (`source` names it in messages).
[[nodiscard]] MmSpec parse_mm_spec(std::string_view yaml_text, const std::string& source = "spec");

}  // namespace pftoken::integration::mm
