#pragma once
// The market maker's event loop over one Venue (docs/market-maker.md, "Backtest loop"): read the
// market view, let the strategy decide, place / cancel orders, drain fills and rejects into the
// inventory and the independent ledger, reconcile on a timer, assert the invariants, and record
// P&L, the inventory path, mark-outs, quote uptime and the time spent in every state.

#include <array>
#include <cstdint>
#include <vector>

#include "pftoken/integration/mm/config.hpp"
#include "pftoken/integration/mm/inventory.hpp"
#include "pftoken/integration/mm/reconcile.hpp"
#include "pftoken/integration/mm/strategy.hpp"
#include "pftoken/integration/mm/types.hpp"
#include "pftoken/integration/mm/venue.hpp"

namespace pftoken::integration::mm {

inline constexpr std::size_t kMaxMarkoutHorizons = 8;

struct BacktestOptions {
    TimeMs path_interval_ms = 1'000;  ///< inventory path sampling; 0 records no path
    std::vector<TimeMs> markout_horizons_ms{1'000, 10'000, 60'000, 300'000};
    TimeMs reconcile_interval_ms = 300'000;
    ReconcileTolerance tolerance{};
    bool check_invariants = true;  ///< A1-A3 and "no quote in KILL_SWITCH" at every event
    /// Throws one InputError naming the field.
    void validate() const;
};

/// One sample of the inventory path.
struct PathPoint {
    TimeMs ts;
    double fair;
    double mid;  ///< book mid (fair when one-sided)
    Cents book_bid, book_ask;
    Cents quote_bid, quote_ask;  ///< the bot's resting YES-equivalent prices, 0 when none
    Shares yes, no;
    double skew;
    double equity;
    double pnl;  ///< equity - initial equity
    Lifecycle lifecycle;
    Phase phase;
    Defence defence;
};

/// A fill of the bot's order and its mark-outs: value per share at the book mid `horizon` later
/// minus the price paid (buys) or the price received minus that value (sells); NaN when the
/// horizon lies beyond the data.
struct FillRecord {
    Fill fill;
    double mid;
    std::array<double, kMaxMarkoutHorizons> markout;
};

struct BacktestSummary {
    std::int64_t events = 0;
    std::int64_t fills = 0;
    std::int64_t orders_placed = 0;
    std::int64_t cancels = 0;
    std::int64_t rejects = 0;
    std::int64_t invariant_checks = 0;
    Shares bought = 0, sold = 0;
    Shares sets_minted = 0, sets_burned = 0;
    TimeMs start = 0, end = 0;
    double initial_equity = 0.0, final_equity = 0.0;
    Money realised = 0, fees = 0, rebates = 0;
    double unrealised = 0.0;
    double total_pnl = 0.0;  ///< final - initial equity = realised + unrealised - fees + rebates
    double final_fair = 0.0;
    double max_abs_skew = 0.0;
    TimeMs bid_up_ms = 0, ask_up_ms = 0, both_up_ms = 0;
    std::array<TimeMs, 5> time_in_lifecycle{};
    std::array<TimeMs, 2> time_in_phase{};
    std::array<TimeMs, 4> time_in_defence{};
    std::int64_t oracle_accepted = 0, oracle_stale = 0, oracle_deviation = 0, oracle_gap = 0;
    Position final_position{};
    Lifecycle final_lifecycle = Lifecycle::starting;
};

struct BacktestResult {
    BacktestSummary summary;
    std::vector<TimeMs> markout_horizons_ms;
    std::vector<PathPoint> path;
    std::vector<FillRecord> fills;
    std::vector<Transition> transitions;
    std::vector<ReconcileResult> reconciliations;
};

/// Runs the market maker over every event of `venue`. Deterministic for a deterministic venue.
/// Throws InternalError naming the invariant and the time when one fails (check_invariants).
[[nodiscard]] BacktestResult run_backtest(Venue& venue, const StrategyConfig& config,
                                          const BacktestOptions& options = {});

}  // namespace pftoken::integration::mm
