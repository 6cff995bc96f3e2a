#pragma once
// Reconciliation of the market maker's inventory against an independent record (docs/
// market-maker.md, "Reconciliation"): a ledger of every fill, mint, burn and settlement as the
// exchange reports them, totalled by its own arithmetic, compared field by field with tolerances
// (2 shares, 200 cents of cash, 500 cents of cost). Within tolerance but non-zero: a warning;
// beyond: an alert, and the inventory is rebuilt from the record.

#include <cstdint>
#include <string_view>
#include <vector>

#include "pftoken/integration/mm/inventory.hpp"
#include "pftoken/integration/mm/types.hpp"

namespace pftoken::integration::mm {

struct ReconcileTolerance {
    Shares shares = 2;
    Money cash = 200;
    Money cost = 500;
};

/// The exchange's side of the books: holdings, cash and cost sums of the bot's account.
class FillLedger {
  public:
    explicit FillLedger(Money opening_cash) { record_.cash = opening_cash; }
    void fill(const Fill& f);
    void mint(Shares sets, Cents yes_price);
    void deposit(Outcome o, Shares qty, Cents price);
    void burn(Shares sets);
    void settle(Outcome winner);
    /// The record as a position (no pending sells: the exchange does not freeze for the bot).
    [[nodiscard]] const Position& record() const { return record_; }
    [[nodiscard]] std::int64_t entries() const { return entries_; }

  private:
    void leg(Outcome o, Side side, Cents price, Shares qty);
    Position record_;
    std::int64_t entries_ = 0;
};

enum class ReconcileStatus : std::uint8_t { ok, warning, alert };
[[nodiscard]] std::string_view name(ReconcileStatus s);

/// Bot minus record, per field, and the verdict.
struct ReconcileResult {
    TimeMs ts = 0;
    Shares yes_drift = 0, no_drift = 0;
    Money cash_drift = 0;
    Money yes_cost_drift = 0, no_cost_drift = 0;
    ReconcileStatus status = ReconcileStatus::ok;
    bool rebuilt = false;
};

/// Compares `bot` with `record` (volumes, cash, cost sums).
[[nodiscard]] ReconcileResult reconcile(TimeMs ts, const Position& bot, const Position& record,
                                        const ReconcileTolerance& tolerance = {});

/// Reconciles and, on an alert, rebuilds the inventory from the record (keeping its pending
/// sells, which only the bot knows, and its fee and P&L counters).
ReconcileResult reconcile_and_repair(TimeMs ts, Inventory& inventory, const FillLedger& ledger,
                                     const ReconcileTolerance& tolerance = {});

}  // namespace pftoken::integration::mm
