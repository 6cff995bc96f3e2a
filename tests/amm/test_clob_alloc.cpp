// The order book's hot path does not allocate: global operator new is counted around 100,000
// submissions and cancels (mints, transfers, burns, IOC rests, partial fills) on a book built
// beforehand. Same weak-operator pattern as tests/core/test_waterfall_alloc.cpp: if another
// replacement wins, the counter does not move and the test skips.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>

#include "pftoken/amm/clob/book.hpp"

namespace {
std::atomic<long> g_clob_test_allocations{0};
}

#if !defined(__SANITIZE_ADDRESS__)
__attribute__((weak)) void* operator new(std::size_t size) {
    g_clob_test_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
__attribute__((weak)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((weak)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace {

using namespace pftoken::amm::clob;

TEST(ClobAllocation, SubmitAndCancelDoNotAllocate) {
    const long before_probe = g_clob_test_allocations.load();
    auto* probe = new int(1);
    const bool counting = g_clob_test_allocations.load() > before_probe;
    delete probe;
    if (!counting) GTEST_SKIP() << "another global operator new replaced ours; allocation not observable";

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
    const long before = g_clob_test_allocations.load();
    for (std::size_t i = 0; i < orders.size(); ++i) {
        const auto r = book.submit(orders[i]);
        trades += r.trades.size();
        OrderId& slot = ring[i % ring.size()];
        if (slot != kNoOrder) book.cancel(slot);
        slot = r.id;
    }
    const long during = g_clob_test_allocations.load() - before;
    EXPECT_EQ(during, 0);
    EXPECT_GT(trades, 10'000u);
    const auto report = book.check_invariants();
    EXPECT_TRUE(report.ok()) << report.what;
}

}  // namespace
