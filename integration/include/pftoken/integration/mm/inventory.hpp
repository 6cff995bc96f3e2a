#pragma once
// The market maker's position in one YES/NO market in integer cents (docs/market-maker.md,
// "Inventory accounting"): volumes, weighted-average cost sums, shares frozen by resting sells,
// cash, realised P&L, fees and rebates. A buy adds price x qty to the cost sum; a sale releases
// cost_sum x sold / volume (integer division) and realises proceeds minus the released cost.

#include "pftoken/integration/mm/types.hpp"

namespace pftoken::integration::mm {

struct Position {
    Shares yes_volume = 0, no_volume = 0;
    Money yes_cost_sum = 0, no_cost_sum = 0;
    Shares yes_pending_sell = 0, no_pending_sell = 0;
    Money cash = 0;
    Money realised = 0;  ///< trading P&L realised by sales, burns and settlement (fees apart)
    Money fees = 0;      ///< fees paid (>= 0)
    Money rebates = 0;   ///< rebates received (>= 0)

    [[nodiscard]] Shares volume(Outcome o) const {
        return o == Outcome::yes ? yes_volume : no_volume;
    }
    [[nodiscard]] Money cost_sum(Outcome o) const {
        return o == Outcome::yes ? yes_cost_sum : no_cost_sum;
    }
    [[nodiscard]] Shares pending_sell(Outcome o) const {
        return o == Outcome::yes ? yes_pending_sell : no_pending_sell;
    }
    [[nodiscard]] Shares available(Outcome o) const { return volume(o) - pending_sell(o); }
    /// Complete sets held: min(YES, NO).
    [[nodiscard]] Shares complete_sets() const {
        return yes_volume < no_volume ? yes_volume : no_volume;
    }
    /// Mark-to-market value of the shares at a fair YES price (cents): YES fair + NO (100 - fair).
    [[nodiscard]] double share_value(double fair) const {
        return static_cast<double>(yes_volume) * fair +
               static_cast<double>(no_volume) * (100.0 - fair);
    }
    /// Cash plus the shares at `fair` (the asset value of invariant A3).
    [[nodiscard]] double equity(double fair) const {
        return static_cast<double>(cash) + share_value(fair);
    }
    /// Shares at `fair` minus their cost sums.
    [[nodiscard]] double unrealised(double fair) const {
        return share_value(fair) - static_cast<double>(yes_cost_sum + no_cost_sum);
    }
};

/// Cost released by selling `sold` of `volume` shares whose cost sum is `cost_sum`:
/// cost_sum x sold / volume, integer division (the reference spec's rule).
[[nodiscard]] Money released_cost(Money cost_sum, Shares sold, Shares volume);

/// The accounting operations on a Position; every one keeps volumes, pending and cash consistent
/// and throws InternalError on an impossible request (selling more than is held, unfreezing more
/// than is frozen).
class Inventory {
  public:
    Inventory() = default;
    explicit Inventory(Money cash) { p_.cash = cash; }

    [[nodiscard]] const Position& position() const { return p_; }

    void buy(Outcome o, Cents price, Shares qty, Money fee);
    /// A sale of shares that a resting sell order had frozen (`frozen` true) or of free ones.
    void sell(Outcome o, Cents price, Shares qty, Money fee, bool frozen);
    /// Applies one fill of the bot's own order (sells are always of frozen shares).
    void apply(const Fill& f);
    void freeze(Outcome o, Shares qty);
    void unfreeze(Outcome o, Shares qty);
    /// Mints `sets` complete sets for 100 cents each; the YES leg carries `yes_price` of each.
    void mint(Shares sets, Cents yes_price);
    /// Shares held before the run (a token market's starting tokens) booked at `price` each.
    void deposit(Outcome o, Shares qty, Cents price);
    /// Burns `sets` complete sets (free shares only) for 100 cents each.
    void burn(Shares sets);
    /// Resolution: each share of the winner pays 100 cents, the loser nothing; volumes go to 0.
    void settle(Outcome winner);
    /// Replaces the position by an external record (reconciliation's rebuild).
    void rebuild(const Position& record) { p_ = record; }

  private:
    void pay_fee(Money fee);
    Position p_;
};

}  // namespace pftoken::integration::mm
