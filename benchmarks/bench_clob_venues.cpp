// Market-maker venues: events replayed per second by the replay venue (a synthetic incremental-L2
// + trades log of 1,000,000 rows, a quoter joining the touch and requoting when it moves), and
// flow events per second of the simulated venue on the order book (24 h of the default flow, the
// same quoter). Results: benchmarks/README.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "pftoken/integration/mm/venues_replay.hpp"
#include "pftoken/integration/mm/venues_sim.hpp"
#include "pftoken/mc/random.hpp"

namespace mm = pftoken::integration::mm;

namespace {

mm::EventLog synthetic_log(std::size_t rows) {
    pftoken::mc::Xoshiro256StarStar rng(3, 0);
    mm::EventLog log;
    log.source = "synthetic";
    log.events.reserve(rows);
    mm::Cents mid = 50;
    mm::TimeMs t = 0;
    while (log.events.size() + 1 < rows) {
        t += 1 + static_cast<mm::TimeMs>(rng.next() % 20);
        const std::uint64_t u = rng.next();
        mm::MarketEvent e;
        e.ts = t;
        if (u % 16 == 0) {  // the mid steps
            mid = static_cast<mm::Cents>(std::clamp<int>(mid + (u & 32 ? 1 : -1), 10, 90));
            continue;
        }
        if (u % 5 == 0) {
            e.kind = mm::MarketEvent::Kind::trade;
            e.bid_or_buy = (u >> 8) & 1;
            e.yes_price = e.bid_or_buy ? mid + 1 : mid - 1;
            e.qty = 1 + static_cast<mm::Shares>((u >> 16) % 30);
        } else {
            e.kind = mm::MarketEvent::Kind::book;
            e.bid_or_buy = (u >> 8) & 1;
            const auto depth = static_cast<mm::Cents>((u >> 12) % 4);
            e.yes_price = e.bid_or_buy ? mid - 1 - depth : mid + 1 + depth;
            e.qty = static_cast<mm::Shares>((u >> 20) % 200);
        }
        log.events.push_back(e);
    }
    mm::MarketEvent end;
    end.kind = mm::MarketEvent::Kind::resolve;
    end.ts = t + 1;
    end.winner = 1;
    log.events.push_back(end);
    return log;
}

template <class Venue>
std::int64_t quote_through(Venue& venue) {
    mm::MarketView v;
    std::uint64_t id = 1, bid = 0, ask = 0;
    mm::Cents bid_px = 0, ask_px = 0;
    std::int64_t views = 0;
    venue.mint_sets(1000, 0);
    while (venue.next(v)) {
        ++views;
        benchmark::DoNotOptimize(venue.drain_fills().size());
        venue.drain_cancels();
        venue.drain_rejects();
        if (v.resolved || v.yes_bid == 0 || v.yes_ask == 100) continue;
        if (v.yes_bid != bid_px) {
            if (bid) venue.cancel(bid, v.ts);
            bid = id++;
            bid_px = v.yes_bid;
            venue.place({bid, mm::Outcome::yes, mm::Side::buy, v.yes_bid, 10}, v.ts);
        }
        if (v.yes_ask != ask_px) {
            if (ask) venue.cancel(ask, v.ts);
            ask = id++;
            ask_px = v.yes_ask;
            venue.place({ask, mm::Outcome::yes, mm::Side::sell, v.yes_ask, 10}, v.ts);
        }
    }
    return views;
}

void BM_ReplayVenue1M(benchmark::State& state) {
    const mm::EventLog log = synthetic_log(1'000'000);
    std::int64_t events = 0, views = 0;
    for (auto _ : state) {
        mm::ReplayVenue venue(log, mm::ReplayParams{});
        views += quote_through(venue);
        events += static_cast<std::int64_t>(log.events.size());
    }
    state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
    state.counters["views/s"] = benchmark::Counter(static_cast<double>(views), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReplayVenue1M)->Unit(benchmark::kMillisecond);

void BM_SimulatedVenue24h(benchmark::State& state) {
    std::int64_t events = 0, views = 0;
    for (auto _ : state) {
        mm::SimulatedVenue venue(mm::SimulationParams{}, 9);
        views += quote_through(venue);
        events += static_cast<std::int64_t>(venue.flow_events());
    }
    state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
    state.counters["views/s"] = benchmark::Counter(static_cast<double>(views), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulatedVenue24h)->Unit(benchmark::kMillisecond);

}  // namespace
