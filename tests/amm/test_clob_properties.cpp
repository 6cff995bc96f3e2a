// Property test of the YES/NO order book over random order streams: after every submission,
// cancel, halt and the final resolution, every exchange invariant holds (YES = NO shares = sets,
// reserve = 100 x sets, zero-sum, cost conservation, locks = resting orders, FIFO and best prices),
// and every trade respects both limits, price-time priority and the scenario rule.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "pftoken/amm/clob/book.hpp"

namespace {

using namespace pftoken::amm::clob;

struct Live {
    OrderId id;
    Cents yes_level;
    bool bids;
};

void run_stream(std::uint32_t seed, std::int32_t taker_bps, std::int32_t maker_bps) {
    BookParams p;
    p.max_orders = 256;
    p.taker_fee_bps = taker_bps;
    p.maker_fee_bps = maker_bps;
    Book book(p);
    std::mt19937_64 rng(seed);
    constexpr std::uint32_t kAccounts = 6;
    for (std::uint32_t a = 0; a < kAccounts; ++a) book.add_account(200'000);
    std::vector<Live> live;
    std::uint64_t trades = 0, mints = 0, burns = 0;
    for (int step = 0; step < 4000; ++step) {
        const auto u = std::uniform_int_distribution<int>(0, 99)(rng);
        if (u < 20 && !live.empty()) {
            const auto k = std::uniform_int_distribution<std::size_t>(0, live.size() - 1)(rng);
            book.cancel(live[k].id);  // may already be filled: then false
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
        } else if (u == 20) {
            book.set_halted(!book.halted());
        } else {
            OrderRequest o;
            o.account = std::uniform_int_distribution<std::uint32_t>(0, kAccounts - 1)(rng);
            o.outcome = rng() % 2 ? Outcome::yes : Outcome::no;
            const Account& acc = book.account(o.account);
            const Shares free_shares = o.outcome == Outcome::yes ? acc.yes - acc.locked_yes : acc.no - acc.locked_no;
            o.side = free_shares > 0 && rng() % 2 ? Side::sell : Side::buy;
            o.price = std::uniform_int_distribution<Cents>(35, 65)(rng);
            o.qty = std::uniform_int_distribution<Shares>(1, 40)(rng);
            if (o.side == Side::sell && rng() % 4 != 0) o.qty = std::min(o.qty, free_shares);
            o.ioc = rng() % 5 == 0;
            const Cents ask_before = book.best_ask();
            const Cents bid_before = book.best_bid();
            const auto r = book.submit(o);
            const bool bids = (o.outcome == Outcome::yes) == (o.side == Side::buy);
            const Cents limit = o.outcome == Outcome::yes ? o.price : 100 - o.price;
            Cents prev = bids ? 0 : 100;
            for (const Trade& t : r.trades) {
                ++trades;
                // Both limits hold in the trader's own outcome.
                if (o.side == Side::buy) ASSERT_LE(t.taker_price(), o.price);
                else ASSERT_GE(t.taker_price(), o.price);
                // Levels are swept best first, starting at the best price before the order.
                if (bids) {
                    ASSERT_LE(t.yes_price, limit);
                    ASSERT_GE(t.yes_price, prev);
                    ASSERT_GE(t.yes_price, ask_before);
                } else {
                    ASSERT_GE(t.yes_price, limit);
                    ASSERT_LE(t.yes_price, prev);
                    ASSERT_LE(t.yes_price, bid_before);
                }
                prev = t.yes_price;
                // Scenario rule: same outcome transfers, both buying mints, both selling burns.
                if (t.taker_outcome == t.maker_outcome) {
                    ASSERT_NE(t.taker_side, t.maker_side);
                    ASSERT_EQ(t.scenario, t.taker_outcome == Outcome::yes ? Scenario::transfer_yes : Scenario::transfer_no);
                } else {
                    ASSERT_EQ(t.taker_side, t.maker_side);
                    ASSERT_EQ(t.scenario, t.taker_side == Side::buy ? Scenario::mint : Scenario::burn);
                    (t.scenario == Scenario::mint ? mints : burns) += 1;
                    // A mint pays 100 per set between the two legs, a burn receives 100.
                    ASSERT_EQ(t.taker_price() + t.maker_price(), 100);
                }
            }
            if (r.reject == RejectReason::none) {
                Shares filled = 0;
                for (const Trade& t : r.trades) filled += t.qty;
                ASSERT_EQ(filled + r.remaining, o.qty);
                if (r.id != kNoOrder) live.push_back({r.id, limit, bids});
            }
        }
        const auto report = book.check_invariants();
        ASSERT_TRUE(report.ok()) << "seed " << seed << " step " << step << ": " << report.what;
    }
    EXPECT_GT(trades, 500u) << "the stream should trade";
    EXPECT_GT(mints, 50u);
    EXPECT_GT(burns, 10u);
    book.resolve(rng() % 2 ? Outcome::yes : Outcome::no);
    const auto report = book.check_invariants();
    ASSERT_TRUE(report.ok()) << report.what;
    // After resolution realised P&L is zero-sum across accounts (fees go to the pool).
    Money realized = 0;
    for (std::uint32_t a = 0; a < kAccounts; ++a) realized += book.account(a).realized;
    EXPECT_EQ(realized, 0);
}

TEST(ClobProperties, InvariantsHoldOverRandomStreams) {
    for (std::uint32_t seed = 1; seed <= 6; ++seed) run_stream(seed, 0, 0);
}

TEST(ClobProperties, InvariantsHoldWithFeesAndRebates) {
    for (std::uint32_t seed = 11; seed <= 14; ++seed) run_stream(seed, 150, -40);
}

}  // namespace
