// Inventory accounting of the market maker in integer cents (hand-worked sequences of the
// weighted-average cost rule, freezes, mint / burn / settlement, fees and rebates) and the
// reconciliation against the independent fill ledger with the reference spec's tolerances.
#include <gtest/gtest.h>

#include "pftoken/error.hpp"
#include "pftoken/integration/mm/inventory.hpp"
#include "pftoken/integration/mm/reconcile.hpp"
#include "support/gtest_extra.hpp"

using namespace pftoken;
using namespace pftoken::integration::mm;

// Hand-worked: 100 @ 40 + 50 @ 46 = 6300 for 150 shares; selling 40 releases 6300 * 40 / 150 =
// 1680 exactly and realises 40 * 50 - 1680 = 320; selling the other 110 at 45 releases 4620 and
// realises 4950 - 4620 = 330.
TEST(MmInventory, WeightedAverageCostBasis) {
    Inventory inv(100'000);
    inv.buy(Outcome::yes, 40, 100, 0);
    inv.buy(Outcome::yes, 46, 50, 0);
    EXPECT_EQ(inv.position().yes_cost_sum, 6'300);
    EXPECT_EQ(inv.position().cash, 100'000 - 6'300);
    inv.sell(Outcome::yes, 50, 40, 0, false);
    EXPECT_EQ(inv.position().yes_cost_sum, 4'620);
    EXPECT_EQ(inv.position().yes_volume, 110);
    EXPECT_EQ(inv.position().realised, 320);
    inv.sell(Outcome::yes, 45, 110, 0, false);
    EXPECT_EQ(inv.position().yes_cost_sum, 0);
    EXPECT_EQ(inv.position().realised, 650);
    EXPECT_EQ(inv.position().cash, 100'000 + 650);
}

// Integer division: 7 @ 10 + 3 @ 15 = 115 for 10 shares; selling 3 releases 115 * 3 / 10 = 34
// (34.5 truncated), leaving 81 for 7; selling the 7 releases all 81: no cent leaks.
TEST(MmInventory, IntegerDivisionReleasesEveryCent) {
    Inventory inv(1'000);
    inv.buy(Outcome::no, 10, 7, 0);
    inv.buy(Outcome::no, 15, 3, 0);
    EXPECT_EQ(released_cost(115, 3, 10), 34);
    inv.sell(Outcome::no, 20, 3, 0, false);
    EXPECT_EQ(inv.position().no_cost_sum, 81);
    EXPECT_EQ(inv.position().realised, 60 - 34);
    inv.sell(Outcome::no, 5, 7, 0, false);
    EXPECT_EQ(inv.position().no_cost_sum, 0);
    EXPECT_EQ(inv.position().realised, 60 - 34 + 35 - 81);
    EXPECT_EQ(inv.position().cash, 1'000 - 115 + 60 + 35);
}

TEST(MmInventory, PendingSellsAreFrozen) {
    Inventory inv(10'000);
    inv.buy(Outcome::yes, 30, 10, 0);
    inv.freeze(Outcome::yes, 8);
    EXPECT_EQ(inv.position().available(Outcome::yes), 2);
    EXPECT_THROW_MSG(inv.freeze(Outcome::yes, 3), InternalError,
                     "cannot freeze more than the available shares");
    EXPECT_THROW_MSG(inv.sell(Outcome::yes, 35, 3, 0, false), InternalError,
                     "a sale exceeds the available shares");
    // A partial fill of the resting sell: 5 of the 8 frozen.
    inv.apply(Fill{1, 7, Outcome::yes, Side::sell, 35, 5, 3, 0, Scenario::transfer_yes});
    EXPECT_EQ(inv.position().yes_volume, 5);
    EXPECT_EQ(inv.position().yes_pending_sell, 3);
    EXPECT_EQ(inv.position().yes_cost_sum, 150);  // 300 - 300 * 5 / 10
    EXPECT_EQ(inv.position().realised, 175 - 150);
    inv.unfreeze(Outcome::yes, 3);
    EXPECT_EQ(inv.position().available(Outcome::yes), 5);
    EXPECT_THROW_MSG(inv.unfreeze(Outcome::yes, 1), InternalError,
                     "cannot unfreeze more than is frozen");
}

// Mint 10 sets with the YES leg at 60: YES cost 600, NO cost 400, cash - 1000. Burning 4 releases
// 240 + 160 = 400 against 400 received: nothing realised. YES wins: the 6 YES pay 600 against the
// remaining cost 360 + 240: nothing realised either.
TEST(MmInventory, MintBurnSettle) {
    Inventory inv(5'000);
    inv.mint(10, 60);
    EXPECT_EQ(inv.position().yes_cost_sum, 600);
    EXPECT_EQ(inv.position().no_cost_sum, 400);
    EXPECT_EQ(inv.position().cash, 4'000);
    EXPECT_EQ(inv.position().complete_sets(), 10);
    inv.burn(4);
    EXPECT_EQ(inv.position().cash, 4'400);
    EXPECT_EQ(inv.position().realised, 0);
    EXPECT_EQ(inv.position().yes_cost_sum, 360);
    inv.settle(Outcome::yes);
    EXPECT_EQ(inv.position().cash, 5'000);
    EXPECT_EQ(inv.position().realised, 0);
    EXPECT_EQ(inv.position().yes_volume, 0);
    Inventory lost(5'000);
    lost.buy(Outcome::no, 30, 10, 0);
    lost.settle(Outcome::yes);
    EXPECT_EQ(lost.position().realised, -300);
}

TEST(MmInventory, FeesRebatesAndMarks) {
    Inventory inv(1'000);
    inv.buy(Outcome::yes, 40, 10, 5);
    inv.sell(Outcome::yes, 45, 10, -3, false);
    EXPECT_EQ(inv.position().fees, 5);
    EXPECT_EQ(inv.position().rebates, 3);
    EXPECT_EQ(inv.position().realised, 50);
    EXPECT_EQ(inv.position().cash, 1'000 + 50 - 5 + 3);
    Inventory m(0);
    m.buy(Outcome::yes, 40, 10, 0);
    m.buy(Outcome::no, 55, 4, 0);
    EXPECT_DOUBLE_EQ(m.position().share_value(42.5), 10 * 42.5 + 4 * 57.5);
    EXPECT_DOUBLE_EQ(m.position().unrealised(42.5), 425.0 + 230.0 - 400.0 - 220.0);
    EXPECT_DOUBLE_EQ(m.position().equity(42.5), -620.0 + 655.0);
}

TEST(MmReconcile, LedgerAgreesWithInventory) {
    Inventory inv(100'000);
    FillLedger ledger(100'000);
    inv.mint(100, 55);
    ledger.mint(100, 55);
    const Fill fills[] = {{1, 1, Outcome::yes, Side::buy, 48, 30, 0, 2, Scenario::transfer_yes},
                          {2, 2, Outcome::no, Side::sell, 47, 20, 10, -1, Scenario::transfer_no},
                          {3, 3, Outcome::yes, Side::sell, 57, 7, 0, 0, Scenario::burn}};
    inv.freeze(Outcome::no, 30);
    inv.freeze(Outcome::yes, 7);
    for (const auto& f : fills) {
        inv.apply(f);
        ledger.fill(f);
    }
    inv.burn(50);
    ledger.burn(50);
    const auto r = reconcile(9, inv.position(), ledger.record());
    EXPECT_EQ(r.status, ReconcileStatus::ok);
    EXPECT_EQ(r.cash_drift, 0);
    EXPECT_EQ(r.yes_cost_drift, 0);
    EXPECT_EQ(r.no_cost_drift, 0);
    inv.unfreeze(Outcome::no, 10);
    inv.settle(Outcome::no);
    ledger.settle(Outcome::no);
    EXPECT_EQ(reconcile(10, inv.position(), ledger.record()).status, ReconcileStatus::ok);
}

// Tolerances 2 shares, 200c cash, 500c cost: a missed 2-share fill at 50c is a warning, a missed
// 100-share fill an alert that rebuilds the inventory from the record.
TEST(MmReconcile, DriftWarningsAlertsAndRebuild) {
    Inventory inv(100'000);
    FillLedger ledger(100'000);
    ledger.fill(Fill{1, 1, Outcome::yes, Side::buy, 50, 2, 0, 0, Scenario::mint});
    auto r = reconcile_and_repair(1, inv, ledger);
    EXPECT_EQ(r.status, ReconcileStatus::warning);
    EXPECT_EQ(r.yes_drift, -2);
    EXPECT_EQ(r.cash_drift, 100);
    EXPECT_EQ(r.yes_cost_drift, -100);
    EXPECT_FALSE(r.rebuilt);
    ledger.fill(Fill{2, 2, Outcome::yes, Side::buy, 50, 100, 0, 0, Scenario::mint});
    r = reconcile_and_repair(2, inv, ledger);
    EXPECT_EQ(r.status, ReconcileStatus::alert);
    EXPECT_TRUE(r.rebuilt);
    EXPECT_EQ(inv.position().yes_volume, 102);
    EXPECT_EQ(reconcile(3, inv.position(), ledger.record()).status, ReconcileStatus::ok);
    // Exactly at the tolerance is still a warning; one more cent of cash is an alert.
    Position a, b;
    a.cash = 200;
    EXPECT_EQ(reconcile(4, a, b).status, ReconcileStatus::warning);
    a.cash = 201;
    EXPECT_EQ(reconcile(4, a, b).status, ReconcileStatus::alert);
    a.cash = 0;
    a.no_cost_sum = 500;
    EXPECT_EQ(reconcile(4, a, b).status, ReconcileStatus::warning);
    a.no_volume = 3;
    EXPECT_EQ(reconcile(4, a, b).status, ReconcileStatus::alert);
}
