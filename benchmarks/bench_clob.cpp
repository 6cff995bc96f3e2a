// YES/NO order book (amm/clob): a stream of 1,000,000 pre-generated limit orders (YES and NO,
// buys and sells, 20% IOC, prices 40..60) with each resting order cancelled 64 orders later,
// on 8 accounts holding complete sets; orders/s and trades/s. And a sweep: marketable orders
// against a deep book refilled between batches (trades/s). Results: benchmarks/README.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "pftoken/amm/clob/book.hpp"
#include "pftoken/mc/random.hpp"

namespace clob = pftoken::amm::clob;

namespace {

std::vector<clob::OrderRequest> order_stream(std::size_t n, std::uint32_t accounts) {
    pftoken::mc::Xoshiro256StarStar rng(7, 0);
    std::vector<clob::OrderRequest> orders(n);
    for (auto& o : orders) {
        o.account = static_cast<std::uint32_t>(rng.next() % accounts);
        o.outcome = rng.next() & 1 ? clob::Outcome::yes : clob::Outcome::no;
        o.side = rng.next() & 1 ? clob::Side::buy : clob::Side::sell;
        o.price = static_cast<clob::Cents>(40 + rng.next() % 21);
        o.qty = static_cast<clob::Shares>(1 + rng.next() % 50);
        o.ioc = rng.next() % 5 == 0;
    }
    return orders;
}

void BM_ClobOrderStream(benchmark::State& state) {
    constexpr std::uint32_t kAccounts = 8;
    constexpr std::size_t kLag = 64;
    const auto orders = order_stream(1'000'000, kAccounts);
    clob::BookParams params;
    params.max_orders = 4096;
    clob::Book book(params);
    for (std::uint32_t a = 0; a < kAccounts; ++a) {
        book.add_account(1'000'000'000'000);
        book.split(a, 1'000'000'000);  // shares to sell
    }
    std::vector<clob::OrderId> ring(kLag, clob::kNoOrder);
    std::size_t next = 0;
    std::int64_t trades = 0, processed = 0;
    for (auto _ : state) {
        const auto r = book.submit(orders[next % orders.size()]);
        trades += static_cast<std::int64_t>(r.trades.size());
        clob::OrderId& slot = ring[next % kLag];
        if (slot != clob::kNoOrder) book.cancel(slot);
        slot = r.id;
        ++next;
        ++processed;
    }
    state.SetItemsProcessed(processed);
    state.counters["trades/s"] = benchmark::Counter(static_cast<double>(trades), benchmark::Counter::kIsRate);
    state.counters["trades/order"] = static_cast<double>(trades) / static_cast<double>(processed);
}
BENCHMARK(BM_ClobOrderStream);

// 1000 resting NO buys of 10 shares over levels 41..60 (YES asks), then one YES buy at 60 that
// sweeps all 10,000 shares: 1000 trades (half mints) per sweep.
void BM_ClobSweep(benchmark::State& state) {
    clob::BookParams params;
    params.max_orders = 2048;
    params.trade_capacity = 2048;
    clob::Book book(params);
    const auto maker = book.add_account(1'000'000'000'000'000);
    const auto taker = book.add_account(1'000'000'000'000'000);
    std::int64_t trades = 0;
    for (auto _ : state) {
        state.PauseTiming();
        for (int i = 0; i < 1000; ++i)
            book.submit({maker, clob::Outcome::no, clob::Side::buy, static_cast<clob::Cents>(40 + i % 20), 10, false});
        state.ResumeTiming();
        const auto r = book.submit({taker, clob::Outcome::yes, clob::Side::buy, 60, 10'000, true});
        trades += static_cast<std::int64_t>(r.trades.size());
        benchmark::DoNotOptimize(r.remaining);
    }
    state.counters["trades/s"] = benchmark::Counter(static_cast<double>(trades), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ClobSweep);

}  // namespace
