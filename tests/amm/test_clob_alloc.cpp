// The order book's hot path does not allocate: global operator new is counted around 100,000
// submissions and cancels (mints, transfers, burns, IOC rests, partial fills) on a book built
// beforehand (counter: tests/support/allocation_counter.hpp; the test skips where it is not in use).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "pftoken/amm/clob/book.hpp"
#include "support/allocation_counter.hpp"

namespace {

using namespace pftoken::amm::clob;

TEST(ClobAllocation, SubmitAndCancelDoNotAllocate) {
    if (!pftoken::testing::allocation_counting_works())
        GTEST_SKIP() << "another global operator new replaced ours; allocation not observable";

    BookParams p;
    p.max_orders = 1024;
    p.taker_fee_bps = 100;
    p.maker_fee_bps = -10;
    Book book(p);
    for (std::uint32_t a = 0; a < 6; ++a) {
        book.add_account(1'000'000'000'000);
        book.split(a, 1'000'000);
    }
    std::mt19937_64 rng(5);
    std::vector<OrderRequest> orders(100'000);
    for (auto& o : orders)
        o = {static_cast<std::uint32_t>(rng() % 6), rng() % 2 ? Outcome::yes : Outcome::no, rng() % 2 ? Side::buy : Side::sell,
             static_cast<Cents>(40 + rng() % 21), static_cast<Shares>(1 + rng() % 40), rng() % 5 == 0};
    std::vector<OrderId> ring(64, kNoOrder);
    std::uint64_t trades = 0;
    const long before = pftoken::testing::allocations();
    for (std::size_t i = 0; i < orders.size(); ++i) {
        const auto r = book.submit(orders[i]);
        trades += r.trades.size();
        OrderId& slot = ring[i % ring.size()];
        if (slot != kNoOrder) book.cancel(slot);
        slot = r.id;
    }
    const long during = pftoken::testing::allocations() - before;
    EXPECT_EQ(during, 0);
    EXPECT_GT(trades, 10'000u);
    const auto report = book.check_invariants();
    EXPECT_TRUE(report.ok()) << report.what;
}

}  // namespace
