#include "pftoken/integration/mm/inventory.hpp"

#include "pftoken/error.hpp"

namespace pftoken::integration::mm {
namespace {
Shares& volume_of(Position& p, Outcome o) { return o == Outcome::yes ? p.yes_volume : p.no_volume; }
Money& cost_of(Position& p, Outcome o) {
    return o == Outcome::yes ? p.yes_cost_sum : p.no_cost_sum;
}
Shares& pending_of(Position& p, Outcome o) {
    return o == Outcome::yes ? p.yes_pending_sell : p.no_pending_sell;
}
}  // namespace

Money released_cost(Money cost_sum, Shares sold, Shares volume) {
    PFT_ENSURE(sold >= 0 && sold <= volume, "cannot release the cost of more shares than are held");
    if (volume == 0) return 0;
    // cost_sum <= 99 x volume, so cost_sum x sold fits 64 bits for any volume below ~3e17.
    return cost_sum * sold / volume;
}

void Inventory::pay_fee(Money fee) {
    p_.cash -= fee;
    if (fee >= 0)
        p_.fees += fee;
    else
        p_.rebates -= fee;
}

void Inventory::buy(Outcome o, Cents price, Shares qty, Money fee) {
    PFT_ENSURE(qty > 0 && price >= 1 && price <= 99,
               "a buy needs a positive quantity at 1..99 cents");
    volume_of(p_, o) += qty;
    cost_of(p_, o) += static_cast<Money>(price) * qty;
    p_.cash -= static_cast<Money>(price) * qty;
    pay_fee(fee);
}

void Inventory::sell(Outcome o, Cents price, Shares qty, Money fee, bool frozen) {
    PFT_ENSURE(qty > 0 && price >= 1 && price <= 99,
               "a sale needs a positive quantity at 1..99 cents");
    Shares& pending = pending_of(p_, o);
    if (frozen) {
        PFT_ENSURE(pending >= qty, "a sale of frozen shares exceeds the shares frozen");
        pending -= qty;
    } else {
        PFT_ENSURE(volume_of(p_, o) - pending >= qty, "a sale exceeds the available shares");
    }
    const Money released = released_cost(cost_of(p_, o), qty, volume_of(p_, o));
    volume_of(p_, o) -= qty;
    cost_of(p_, o) -= released;
    const Money proceeds = static_cast<Money>(price) * qty;
    p_.cash += proceeds;
    p_.realised += proceeds - released;
    pay_fee(fee);
}

void Inventory::apply(const Fill& f) {
    if (f.side == Side::buy)
        buy(f.outcome, f.price, f.qty, f.fee);
    else
        sell(f.outcome, f.price, f.qty, f.fee, true);
}

void Inventory::freeze(Outcome o, Shares qty) {
    PFT_ENSURE(qty >= 0 && volume_of(p_, o) - pending_of(p_, o) >= qty,
               "cannot freeze more than the available shares");
    pending_of(p_, o) += qty;
}

void Inventory::unfreeze(Outcome o, Shares qty) {
    PFT_ENSURE(qty >= 0 && pending_of(p_, o) >= qty, "cannot unfreeze more than is frozen");
    pending_of(p_, o) -= qty;
}

void Inventory::mint(Shares sets, Cents yes_price) {
    PFT_ENSURE(sets >= 0 && yes_price >= 0 && yes_price <= 100,
               "a mint needs sets >= 0 and a YES leg in 0..100");
    p_.yes_volume += sets;
    p_.no_volume += sets;
    p_.yes_cost_sum += static_cast<Money>(yes_price) * sets;
    p_.no_cost_sum += static_cast<Money>(100 - yes_price) * sets;
    p_.cash -= 100 * sets;
}

void Inventory::deposit(Outcome o, Shares qty, Cents price) {
    PFT_ENSURE(qty >= 0 && price >= 0 && price <= 100, "a deposit needs qty >= 0 at 0..100 cents");
    volume_of(p_, o) += qty;
    cost_of(p_, o) += static_cast<Money>(price) * qty;
}

void Inventory::burn(Shares sets) {
    PFT_ENSURE(sets >= 0 && p_.available(Outcome::yes) >= sets && p_.available(Outcome::no) >= sets,
               "a burn needs that many free YES and NO shares");
    const Money yes_released = released_cost(p_.yes_cost_sum, sets, p_.yes_volume);
    const Money no_released = released_cost(p_.no_cost_sum, sets, p_.no_volume);
    p_.yes_volume -= sets;
    p_.no_volume -= sets;
    p_.yes_cost_sum -= yes_released;
    p_.no_cost_sum -= no_released;
    p_.cash += 100 * sets;
    p_.realised += 100 * sets - yes_released - no_released;
}

void Inventory::settle(Outcome winner) {
    PFT_ENSURE(p_.yes_pending_sell == 0 && p_.no_pending_sell == 0,
               "settlement needs every sell order closed");
    const Money payout = 100 * volume_of(p_, winner);
    p_.cash += payout;
    p_.realised += payout - p_.yes_cost_sum - p_.no_cost_sum;
    p_.yes_volume = p_.no_volume = 0;
    p_.yes_cost_sum = p_.no_cost_sum = 0;
}

}  // namespace pftoken::integration::mm
