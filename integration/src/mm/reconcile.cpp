#include "pftoken/integration/mm/reconcile.hpp"

#include <algorithm>
#include <cstdlib>

#include "pftoken/error.hpp"

namespace pftoken::integration::mm {

// The ledger keeps its own totals (it never calls Inventory): the same contract, a second
// implementation, so that a bug on either side shows up as drift.
void FillLedger::leg(Outcome o, Side side, Cents price, Shares qty) {
    Shares& volume = o == Outcome::yes ? record_.yes_volume : record_.no_volume;
    Money& cost = o == Outcome::yes ? record_.yes_cost_sum : record_.no_cost_sum;
    const Money amount = static_cast<Money>(price) * qty;
    if (side == Side::buy) {
        volume += qty;
        cost += amount;
        record_.cash -= amount;
    } else {
        PFT_ENSURE(qty <= volume,
                   "the ledger records a sale of more shares than the account holds");
        cost -= volume == 0 ? 0 : cost * qty / volume;
        volume -= qty;
        record_.cash += amount;
    }
}

void FillLedger::fill(const Fill& f) {
    ++entries_;
    leg(f.outcome, f.side, f.price, f.qty);
    record_.cash -= f.fee;
}

void FillLedger::mint(Shares sets, Cents yes_price) {
    ++entries_;
    leg(Outcome::yes, Side::buy, yes_price, sets);
    leg(Outcome::no, Side::buy, static_cast<Cents>(100 - yes_price), sets);
}

void FillLedger::deposit(Outcome o, Shares qty, Cents price) {
    ++entries_;
    (o == Outcome::yes ? record_.yes_volume : record_.no_volume) += qty;
    (o == Outcome::yes ? record_.yes_cost_sum : record_.no_cost_sum) +=
        static_cast<Money>(price) * qty;
}

void FillLedger::burn(Shares sets) {
    ++entries_;
    // A burn returns 100 cents a set: the two legs' proceeds must sum to 100.
    leg(Outcome::yes, Side::sell, 50, sets);
    leg(Outcome::no, Side::sell, 50, sets);
}

void FillLedger::settle(Outcome winner) {
    ++entries_;
    record_.cash += 100 * (winner == Outcome::yes ? record_.yes_volume : record_.no_volume);
    record_.yes_volume = record_.no_volume = 0;
    record_.yes_cost_sum = record_.no_cost_sum = 0;
}

std::string_view name(ReconcileStatus s) {
    switch (s) {
        case ReconcileStatus::ok:
            return "ok";
        case ReconcileStatus::warning:
            return "warning";
        case ReconcileStatus::alert:
            return "alert";
    }
    return "?";
}

ReconcileResult reconcile(TimeMs ts, const Position& bot, const Position& record,
                          const ReconcileTolerance& tol) {
    ReconcileResult r;
    r.ts = ts;
    r.yes_drift = bot.yes_volume - record.yes_volume;
    r.no_drift = bot.no_volume - record.no_volume;
    r.cash_drift = bot.cash - record.cash;
    r.yes_cost_drift = bot.yes_cost_sum - record.yes_cost_sum;
    r.no_cost_drift = bot.no_cost_sum - record.no_cost_sum;
    const bool beyond =
        std::llabs(r.yes_drift) > tol.shares || std::llabs(r.no_drift) > tol.shares ||
        std::llabs(r.cash_drift) > tol.cash || std::llabs(r.yes_cost_drift) > tol.cost ||
        std::llabs(r.no_cost_drift) > tol.cost;
    const bool any = r.yes_drift != 0 || r.no_drift != 0 || r.cash_drift != 0 ||
                     r.yes_cost_drift != 0 || r.no_cost_drift != 0;
    r.status = beyond ? ReconcileStatus::alert
               : any  ? ReconcileStatus::warning
                      : ReconcileStatus::ok;
    return r;
}

ReconcileResult reconcile_and_repair(TimeMs ts, Inventory& inventory, const FillLedger& ledger,
                                     const ReconcileTolerance& tolerance) {
    auto r = reconcile(ts, inventory.position(), ledger.record(), tolerance);
    if (r.status == ReconcileStatus::alert) {
        const Position& bot = inventory.position();
        Position rebuilt = ledger.record();
        // Pending sells are the bot's own bookkeeping, bounded by what the record holds.
        rebuilt.yes_pending_sell = std::min(bot.yes_pending_sell, rebuilt.yes_volume);
        rebuilt.no_pending_sell = std::min(bot.no_pending_sell, rebuilt.no_volume);
        rebuilt.realised = bot.realised;
        rebuilt.fees = bot.fees;
        rebuilt.rebates = bot.rebates;
        inventory.rebuild(rebuilt);
        r.rebuilt = true;
    }
    return r;
}

}  // namespace pftoken::integration::mm
