// The YES/NO order book on hand-worked fills: the four matching scenarios with the price each side
// pays (docs/order-book.md, "Matching"), price-time priority across native and complementary
// orders, fees, the weighted-average cost basis, cancels, rejects and resolution. Every expected
// number is worked out in the comment above it; the exchange invariants are checked after every
// event.
#include <gtest/gtest.h>

#include "support/gtest_extra.hpp"
#include "pftoken/amm/clob/book.hpp"
#include "pftoken/error.hpp"

namespace {

using namespace pftoken::amm::clob;

OrderRequest order(std::uint32_t account, Outcome outcome, Side side, Cents price, Shares qty, bool ioc = false) {
    return {account, outcome, side, price, qty, ioc};
}

#define EXPECT_INVARIANTS(book)                                                                    \
    do {                                                                                           \
        const auto report_ = (book).check_invariants();                                            \
        EXPECT_TRUE(report_.ok()) << report_.what;                                                 \
    } while (0)

TEST(ClobBook, MintAtTheMakersPriceTakerKeepsTheSurplus) {
    Book book;
    const auto a = book.add_account(10'000);
    const auto b = book.add_account(10'000);
    // A rests NO buy 10 @ 45, i.e. a YES ask at 100 - 45 = 55.
    const auto r1 = book.submit(order(a, Outcome::no, Side::buy, 45, 10));
    ASSERT_NE(r1.id, kNoOrder);
    EXPECT_EQ(book.best_ask(), 55);
    EXPECT_EQ(book.best_bid(), 0);
    EXPECT_INVARIANTS(book);
    // B buys YES 10 @ 60: 60 + 45 >= 100 mints 10 sets at the maker's level 55: B pays 55 x 10 = 550
    // (5 cents a share better than its limit), A pays 45 x 10 = 450, reserve = 1000.
    const auto r2 = book.submit(order(b, Outcome::yes, Side::buy, 60, 10));
    ASSERT_EQ(r2.trades.size(), 1u);
    const Trade& t = r2.trades[0];
    EXPECT_EQ(t.scenario, Scenario::mint);
    EXPECT_EQ(t.yes_price, 55);
    EXPECT_EQ(t.taker_price(), 55);
    EXPECT_EQ(t.maker_price(), 45);
    EXPECT_EQ(t.qty, 10);
    EXPECT_EQ(t.taker_remaining, 0);
    EXPECT_EQ(t.maker_remaining, 0);
    EXPECT_EQ(r2.id, kNoOrder);
    EXPECT_EQ(book.account(b).cash, 10'000 - 550);
    EXPECT_EQ(book.account(a).cash, 10'000 - 450);
    EXPECT_EQ(book.account(b).yes, 10);
    EXPECT_EQ(book.account(a).no, 10);
    EXPECT_EQ(book.account(b).yes_cost, 550);
    EXPECT_EQ(book.account(a).no_cost, 450);
    EXPECT_EQ(book.account(b).locked_cash, 0);
    EXPECT_EQ(book.account(a).locked_cash, 0);
    EXPECT_EQ(book.reserve(), 1000);
    EXPECT_EQ(book.sets_outstanding(), 10);
    EXPECT_EQ(book.last_trade(), 55);
    EXPECT_EQ(book.best_ask(), 100);
    EXPECT_INVARIANTS(book);
}

TEST(ClobBook, BurnAtTheMakersPriceAndTransfers) {
    Book book;
    const auto a = book.add_account(10'000);
    const auto b = book.add_account(10'000);
    const auto c = book.add_account(10'000);
    // Mint 10 sets at 50: A YES, B NO.
    book.submit(order(a, Outcome::yes, Side::buy, 50, 10));
    book.submit(order(b, Outcome::no, Side::buy, 50, 10));
    ASSERT_EQ(book.sets_outstanding(), 10);
    // TRANSFER_YES: A rests YES sell 4 @ 58; C buys YES 4 @ 60 at 58: C pays 232, A receives 232,
    // A releases 500 x 4 / 10 = 200 of cost, realised 232 - 200 = 32.
    book.submit(order(a, Outcome::yes, Side::sell, 58, 4));
    auto r = book.submit(order(c, Outcome::yes, Side::buy, 60, 4));
    ASSERT_EQ(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].scenario, Scenario::transfer_yes);
    EXPECT_EQ(r.trades[0].yes_price, 58);
    EXPECT_EQ(book.account(a).cash, 10'000 - 500 + 232);
    EXPECT_EQ(book.account(a).yes_cost, 300);
    EXPECT_EQ(book.account(a).realized, 32);
    EXPECT_EQ(book.account(c).yes_cost, 232);
    EXPECT_EQ(book.reserve(), 1000);
    EXPECT_INVARIANTS(book);
    // TRANSFER_NO: B rests NO sell 3 @ 45 (a YES bid at 55); C buys NO 3 @ 47 (a YES ask at 53):
    // crosses at the maker's level 55, NO price 45: C pays 135, B releases 500 x 3 / 10 = 150.
    book.submit(order(b, Outcome::no, Side::sell, 45, 3));
    EXPECT_EQ(book.best_bid(), 55);
    r = book.submit(order(c, Outcome::no, Side::buy, 47, 3));
    ASSERT_EQ(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].scenario, Scenario::transfer_no);
    EXPECT_EQ(r.trades[0].taker_price(), 45);
    EXPECT_EQ(book.account(c).no, 3);
    EXPECT_EQ(book.account(c).no_cost, 135);
    EXPECT_EQ(book.account(b).no_cost, 350);
    EXPECT_EQ(book.account(b).realized, 135 - 150);
    EXPECT_INVARIANTS(book);
    // BURN: C rests YES sell 3 @ 50; B sells NO 3 @ 40 (a YES bid at 60): 50 + 40 <= 100 burns 3
    // sets at the maker's level 50: C receives 150, B receives (100 - 50) x 3 = 150 (10 cents a share
    // above its limit), the reserve releases 300.
    book.submit(order(c, Outcome::yes, Side::sell, 50, 3));
    r = book.submit(order(b, Outcome::no, Side::sell, 40, 3));
    ASSERT_EQ(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].scenario, Scenario::burn);
    EXPECT_EQ(r.trades[0].yes_price, 50);
    EXPECT_EQ(r.trades[0].taker_price(), 50);
    EXPECT_EQ(book.reserve(), 700);
    EXPECT_EQ(book.sets_outstanding(), 7);
    // C bought 4 YES for 232 and sold 3: released 232 x 3 / 4 = 174, realised 150 - 174 = -24.
    EXPECT_EQ(book.account(c).yes_cost, 58);
    EXPECT_EQ(book.account(c).realized, -24);
    EXPECT_INVARIANTS(book);
}

TEST(ClobBook, PriceTimePriorityAcrossNativeAndComplementaryOrders) {
    Book book;
    const auto a = book.add_account(100'000);
    const auto b = book.add_account(100'000);
    const auto c = book.add_account(100'000);
    const auto d = book.add_account(100'000);
    book.submit(order(d, Outcome::yes, Side::buy, 50, 20));
    book.submit(order(d, Outcome::no, Side::buy, 50, 20));  // D holds 20 YES, 20 NO
    // Ask side in YES terms: A NO buy @ 45 (level 55) first, then D YES sell @ 55, then C NO buy
    // @ 46 (level 54: a better price, arriving last).
    const auto first = book.submit(order(a, Outcome::no, Side::buy, 45, 5)).id;
    const auto second = book.submit(order(d, Outcome::yes, Side::sell, 55, 5)).id;
    const auto best = book.submit(order(c, Outcome::no, Side::buy, 46, 5)).id;
    EXPECT_EQ(book.best_ask(), 54);
    EXPECT_EQ(book.ask_qty(55), 10);
    // B buys YES 12 @ 55: level 54 first (mint 5), then level 55 in arrival order: A (mint 5), D
    // (transfer 2, 3 left).
    const auto r = book.submit(order(b, Outcome::yes, Side::buy, 55, 12));
    ASSERT_EQ(r.trades.size(), 3u);
    EXPECT_EQ(r.trades[0].maker, best);
    EXPECT_EQ(r.trades[0].yes_price, 54);
    EXPECT_EQ(r.trades[0].scenario, Scenario::mint);
    EXPECT_EQ(r.trades[1].maker, first);
    EXPECT_EQ(r.trades[1].scenario, Scenario::mint);
    EXPECT_EQ(r.trades[2].maker, second);
    EXPECT_EQ(r.trades[2].scenario, Scenario::transfer_yes);
    EXPECT_EQ(r.trades[2].qty, 2);
    EXPECT_EQ(r.trades[2].maker_remaining, 3);
    // B paid 54 x 5 + 55 x 7 = 655.
    EXPECT_EQ(book.account(b).cash, 100'000 - 655);
    OrderView v;
    ASSERT_TRUE(book.order(second, v));
    EXPECT_EQ(v.remaining, 3);
    EXPECT_FALSE(book.order(first, v));
    EXPECT_EQ(book.ask_qty(55), 3);
    EXPECT_INVARIANTS(book);
}

TEST(ClobBook, FeesAndRebatesOnNotionalTruncatedToTheCent) {
    BookParams p;
    p.taker_fee_bps = 200;   // 2%
    p.maker_fee_bps = -50;   // 0.5% rebate
    Book book(p);
    const auto a = book.add_account(10'000);
    const auto b = book.add_account(10'000);
    // A rests YES buy 7 @ 33: lock per share 33 + ceil(33 x 200 / 1e4) = 33 + 1 = 34, 238 locked.
    const auto id = book.submit(order(a, Outcome::yes, Side::buy, 33, 7)).id;
    EXPECT_EQ(book.account(a).locked_cash, 238);
    // B buys NO 7 @ 67 (a YES ask at 33): mint at 33. Taker B: notional 67 x 7 = 469, fee
    // trunc(469 x 0.02) = 9. Maker A: notional 231, rebate trunc(231 x 0.005) = 1.
    const auto r = book.submit(order(b, Outcome::no, Side::buy, 67, 7));
    ASSERT_EQ(r.trades.size(), 1u);
    EXPECT_EQ(r.trades[0].taker_fee, 9);
    EXPECT_EQ(r.trades[0].maker_fee, -1);
    EXPECT_EQ(book.account(b).cash, 10'000 - 469 - 9);
    EXPECT_EQ(book.account(a).cash, 10'000 - 231 + 1);
    EXPECT_EQ(book.account(a).locked_cash, 0);
    EXPECT_EQ(book.fee_pool(), 8);
    OrderView v;
    EXPECT_FALSE(book.order(id, v));
    EXPECT_INVARIANTS(book);
}

TEST(ClobBook, WeightedAverageCostWithIntegerDivision) {
    Book book;
    const auto a = book.add_account(100'000);
    const auto m = book.add_account(100'000);
    // A buys 10 @ 60 and 5 @ 30 (minted against M's NO buys): cost 600 + 150 = 750 on 15 shares.
    book.submit(order(m, Outcome::no, Side::buy, 40, 10));
    book.submit(order(a, Outcome::yes, Side::buy, 60, 10));
    book.submit(order(m, Outcome::no, Side::buy, 70, 5));
    book.submit(order(a, Outcome::yes, Side::buy, 30, 5));
    EXPECT_EQ(book.account(a).yes_cost, 750);
    // Sell 4 @ 41 to M: released 750 x 4 / 15 = 200 (exact); then 4 more: 550 x 4 / 11 = 200 (200.0);
    // then 2: 350 x 2 / 7 = 100; then the last 5: everything left, 250.
    const Cents px = 41;
    book.submit(order(m, Outcome::yes, Side::buy, px, 100));
    book.submit(order(a, Outcome::yes, Side::sell, px, 4));
    EXPECT_EQ(book.account(a).yes_cost, 550);
    book.submit(order(a, Outcome::yes, Side::sell, px, 4));
    EXPECT_EQ(book.account(a).yes_cost, 350);
    book.submit(order(a, Outcome::yes, Side::sell, px, 2));
    EXPECT_EQ(book.account(a).yes_cost, 250);
    book.submit(order(a, Outcome::yes, Side::sell, px, 5));
    EXPECT_EQ(book.account(a).yes_cost, 0);
    EXPECT_EQ(book.account(a).yes, 0);
    // Realised: 15 x 41 - 750 = -135.
    EXPECT_EQ(book.account(a).realized, -135);
    EXPECT_INVARIANTS(book);
}

TEST(ClobBook, IntegerDivisionTruncatesTheReleasedCost) {
    Book book;
    const auto a = book.add_account(100'000);
    const auto m = book.add_account(100'000);
    // A buys 3 @ 33 and 1 @ 34: cost 133 on 4 shares; selling 3 releases 133 x 3 / 4 = 99 (99.75 truncated).
    book.submit(order(m, Outcome::no, Side::buy, 67, 3));
    book.submit(order(a, Outcome::yes, Side::buy, 33, 3));
    book.submit(order(m, Outcome::no, Side::buy, 66, 1));
    book.submit(order(a, Outcome::yes, Side::buy, 34, 1));
    book.submit(order(m, Outcome::yes, Side::buy, 50, 3));
    book.submit(order(a, Outcome::yes, Side::sell, 50, 3));
    EXPECT_EQ(book.account(a).yes_cost, 34);
    EXPECT_EQ(book.account(a).realized, 150 - 99);
    EXPECT_INVARIANTS(book);
}

TEST(ClobBook, CancelReleasesLocksAndStaleIdsAreRefused) {
    Book book;
    const auto a = book.add_account(1'000);
    const auto id = book.submit(order(a, Outcome::yes, Side::buy, 40, 20)).id;
    EXPECT_EQ(book.account(a).locked_cash, 800);
    // 800 locked of 1000: a second buy of 6 @ 40 (240) does not fit.
    EXPECT_EQ(book.submit(order(a, Outcome::no, Side::buy, 40, 6)).reject, RejectReason::insufficient_cash);
    EXPECT_TRUE(book.cancel(id));
    EXPECT_EQ(book.account(a).locked_cash, 0);
    EXPECT_EQ(book.best_bid(), 0);
    EXPECT_FALSE(book.cancel(id));
    // The slot is reused with a new generation: the old handle still names nothing.
    const auto id2 = book.submit(order(a, Outcome::yes, Side::buy, 41, 1)).id;
    EXPECT_NE(id2, id);
    EXPECT_FALSE(book.cancel(id));
    EXPECT_TRUE(book.cancel(id2));
    EXPECT_FALSE(book.cancel(kNoOrder));
    EXPECT_INVARIANTS(book);
}

TEST(ClobBook, ImmediateOrCancelLeavesNothingResting) {
    Book book;
    const auto a = book.add_account(10'000);
    const auto b = book.add_account(10'000);
    book.submit(order(a, Outcome::no, Side::buy, 40, 3));  // YES ask at 60
    const auto r = book.submit(order(b, Outcome::yes, Side::buy, 65, 10, true));
    EXPECT_EQ(r.id, kNoOrder);
    EXPECT_EQ(r.remaining, 7);
    EXPECT_EQ(book.open_orders(), 0u);
    EXPECT_EQ(book.account(b).locked_cash, 0);
    EXPECT_EQ(book.account(b).cash, 10'000 - 180);
    EXPECT_INVARIANTS(book);
}

TEST(ClobBook, RejectsChangeNothing) {
    BookParams p;
    p.max_orders = 1;
    Book book(p);
    const auto a = book.add_account(1'000);
    EXPECT_EQ(book.submit(order(a, Outcome::yes, Side::buy, 0, 1)).reject, RejectReason::bad_price);
    EXPECT_EQ(book.submit(order(a, Outcome::yes, Side::buy, 100, 1)).reject, RejectReason::bad_price);
    EXPECT_EQ(book.submit(order(a, Outcome::yes, Side::buy, 50, 0)).reject, RejectReason::bad_qty);
    EXPECT_EQ(book.submit(order(7, Outcome::yes, Side::buy, 50, 1)).reject, RejectReason::unknown_account);
    EXPECT_EQ(book.submit(order(a, Outcome::yes, Side::sell, 50, 1)).reject, RejectReason::insufficient_shares);
    EXPECT_EQ(book.submit(order(a, Outcome::yes, Side::buy, 50, 21)).reject, RejectReason::insufficient_cash);
    book.submit(order(a, Outcome::yes, Side::buy, 10, 1));
    EXPECT_EQ(book.submit(order(a, Outcome::yes, Side::buy, 11, 1)).reject, RejectReason::book_full);
    book.set_halted(true);
    EXPECT_EQ(book.submit(order(a, Outcome::yes, Side::buy, 11, 1, true)).reject, RejectReason::halted);
    book.set_halted(false);
    EXPECT_EQ(book.account(a).cash, 1'000);
    EXPECT_EQ(book.account(a).locked_cash, 10);
    EXPECT_EQ(book.open_orders(), 1u);
    EXPECT_INVARIANTS(book);
}

TEST(ClobBook, ResolutionPaysTheWinnersFromTheReserve) {
    Book book;
    const auto a = book.add_account(10'000);
    const auto b = book.add_account(10'000);
    book.submit(order(a, Outcome::yes, Side::buy, 62, 10));
    book.submit(order(b, Outcome::no, Side::buy, 38, 10));
    book.submit(order(a, Outcome::yes, Side::buy, 20, 5));  // rests, cancelled by the resolution
    book.resolve(Outcome::yes);
    // A paid 620 for 10 YES and receives 1000: realised +380; B paid 380 for NO: realised -380.
    EXPECT_EQ(book.account(a).cash, 10'000 - 620 + 1'000);
    EXPECT_EQ(book.account(a).realized, 380);
    EXPECT_EQ(book.account(b).realized, -380);
    EXPECT_EQ(book.reserve(), 0);
    EXPECT_EQ(book.open_orders(), 0u);
    EXPECT_EQ(book.account(a).locked_cash, 0);
    EXPECT_EQ(book.submit(order(a, Outcome::yes, Side::buy, 50, 1)).reject, RejectReason::resolved);
    EXPECT_INVARIANTS(book);
    EXPECT_THROW_MSG(book.resolve(Outcome::no), pftoken::InputError, "resolve: the market is already resolved");
}

TEST(ClobBook, SplitAndMergeCompleteSets) {
    Book book;
    const auto a = book.add_account(1'000);
    const auto b = book.add_account(10'000);
    // Split 7 sets: 700 cents for 7 YES + 7 NO at cost 350 per leg.
    ASSERT_TRUE(book.split(a, 7));
    EXPECT_EQ(book.account(a).cash, 300);
    EXPECT_EQ(book.account(a).yes_cost, 350);
    EXPECT_EQ(book.reserve(), 700);
    EXPECT_FALSE(book.split(a, 4));  // 400 > 300
    EXPECT_FALSE(book.split(a, 0));
    // Sell 3 YES @ 70 to B (released 350 x 3 / 7 = 150, realised 60), then merge the 4 complete sets
    // left: released 200 (YES) + 350 x 4 / 7 = 200 (NO), paid 400, realised 0.
    book.submit(order(b, Outcome::yes, Side::buy, 70, 3));
    book.submit(order(a, Outcome::yes, Side::sell, 70, 3));
    EXPECT_EQ(book.account(a).realized, 60);
    EXPECT_FALSE(book.merge(a, 5));
    ASSERT_TRUE(book.merge(a, 4));
    EXPECT_EQ(book.account(a).yes, 0);
    EXPECT_EQ(book.account(a).no, 3);
    EXPECT_EQ(book.account(a).no_cost, 150);
    EXPECT_EQ(book.account(a).cash, 300 + 210 + 400);
    EXPECT_EQ(book.account(a).realized, 60);
    EXPECT_EQ(book.reserve(), 300);
    EXPECT_INVARIANTS(book);
}

TEST(ClobBook, ParamsNameTheFieldAndTheConstraint) {
    BookParams p;
    p.taker_fee_bps = -1;
    EXPECT_THROW_MSG(Book{p}, pftoken::InputError, "taker_fee_bps: must be in [0, 1000], got -1");
    p = {};
    p.max_orders = 0;
    EXPECT_THROW_MSG(Book{p}, pftoken::InputError, "max_orders: must be >= 1, got 0");
    Book book;
    EXPECT_THROW_MSG(book.add_account(-5), pftoken::InputError, "deposit: must be in [0, 1e15] cents, got -5");
}

}  // namespace
