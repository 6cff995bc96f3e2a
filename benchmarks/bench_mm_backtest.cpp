// Market-maker backtest speed (issue 17): market events per second through the whole loop
// (venue view -> fair price, sigma, machines, quote decision -> order diff -> fills), with the
// strategy re-evaluating its quotes on every book change (goal >= 5M events/s on one core).
// Venue: an in-memory stream of 2^20 pre-generated book changes (the top of the book moves or
// its sizes change at every event, an oracle update every 5 s) whose orders never fill, so the
// figure is the strategy side's own cost; the fill path is exercised by a second variant in
// which every 16th event fills the resting bid or ask in part. BM_MmSimulated is the end-to-end
// figure on the simulated order book (24 h of the default synthetic flow, seed 42): the book, the
// flow and the latency queues included. BM_MmReplay is the figure: 2^20 recorded rows
// (book level changes around a walking mid, a trade every fifth row, an oracle reading every
// 5 s) replayed by the replay venue with latency and its queue model, the strategy requoting on
// every book change; rows per second.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "pftoken/integration/mm/backtest.hpp"
#include "pftoken/integration/mm/venues_replay.hpp"
#include "pftoken/integration/mm/venues_sim.hpp"

namespace mm = pftoken::integration::mm;

namespace {

std::uint64_t splitmix(std::uint64_t& s) {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

const std::vector<mm::MarketView>& stream() {
    static const std::vector<mm::MarketView> views = [] {
        std::vector<mm::MarketView> v(1u << 20);
        std::uint64_t s = 42;
        int mid = 50;
        double oracle = 50.0;
        mm::TimeMs oracle_ts = 0;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const auto r = splitmix(s);
            if (r % 8 == 0 && mid > 10) --mid;
            if (r % 8 == 1 && mid < 90) ++mid;
            const auto ts = static_cast<mm::TimeMs>(i) * 50;
            if (ts - oracle_ts >= 5'000)
                oracle_ts = ts, oracle = mid + 0.1 * static_cast<double>((r >> 8) % 11) - 0.5;
            auto& x = v[i];
            x.ts = ts;
            x.yes_bid = static_cast<mm::Cents>(mid - 1 - static_cast<int>((r >> 16) % 2));
            x.yes_ask = static_cast<mm::Cents>(mid + 1 + static_cast<int>((r >> 17) % 2));
            x.yes_bid_qty = 10 + static_cast<mm::Shares>((r >> 20) % 500);
            x.yes_ask_qty = 10 + static_cast<mm::Shares>((r >> 32) % 500);
            x.last_trade = static_cast<mm::Cents>(mid);
            x.oracle = oracle;
            x.oracle_ts = oracle_ts;
            x.halted = false;
            x.resolved = false;
            x.winning_outcome = -1;
            x.hours_to_end = 24.0 * 30.0 - static_cast<double>(ts) / 3.6e6;
        }
        return v;
    }();
    return views;
}

class ArrayVenue final : public mm::Venue {
  public:
    ArrayVenue(const std::vector<mm::MarketView>& v, bool fills) : views_(v), fills_on_(fills) {}
    bool next(mm::MarketView& view) override {
        if (i_ == views_.size()) return false;
        view = views_[i_];
        fill_count_ = 0;
        if (fills_on_ && (i_ & 15) == 0) {
            const mm::Quote& q = (i_ & 16) ? bid_ : ask_;
            if (q.qty > 1 && q.client_id != 0) {
                fill_ = mm::Fill{view.ts,   q.client_id, q.outcome,         q.side, q.price, 1,
                                 q.qty - 1, 0,           mm::Scenario::mint};
                ((i_ & 16) ? bid_ : ask_).qty -= 1;
                fill_count_ = 1;
            }
        }
        ++i_;
        return true;
    }
    void place(const mm::Quote& q, mm::TimeMs) override {
        const bool bid_side = (q.outcome == mm::Outcome::yes) == (q.side == mm::Side::buy);
        (bid_side ? bid_ : ask_) = q;
    }
    void cancel(std::uint64_t id, mm::TimeMs) override {
        if (bid_.client_id == id) bid_.client_id = 0;
        if (ask_.client_id == id) ask_.client_id = 0;
        cancelled_[cancel_count_++ & 1] = id;  // confirmed at once
    }
    std::span<const mm::Fill> drain_fills() override { return {&fill_, fill_count_}; }
    std::span<const std::uint64_t> drain_rejects() override { return {}; }
    std::span<const std::uint64_t> drain_cancels() override {
        const std::size_t n = cancel_count_ < 2 ? cancel_count_ : 2;
        cancel_count_ = 0;
        return {cancelled_, n};
    }
    bool mint_sets(mm::Shares, mm::TimeMs) override { return true; }
    bool burn_sets(mm::Shares, mm::TimeMs) override { return true; }

  private:
    const std::vector<mm::MarketView>& views_;
    bool fills_on_;
    std::size_t i_ = 0;
    mm::Quote bid_{}, ask_{};
    mm::Fill fill_{};
    std::size_t fill_count_ = 0;
    std::uint64_t cancelled_[2] = {0, 0};
    std::size_t cancel_count_ = 0;
};

// Arguments: check_invariants (0/1), fills (0/1).
void BM_MmBacktest(benchmark::State& state) {
    const auto& views = stream();
    mm::StrategyConfig c;
    mm::BacktestOptions o;
    o.path_interval_ms = 0;
    o.check_invariants = state.range(0) != 0;
    std::int64_t placed = 0;
    for (auto _ : state) {
        ArrayVenue v(views, state.range(1) != 0);
        const auto r = mm::run_backtest(v, c, o);
        placed = r.summary.orders_placed;
        benchmark::DoNotOptimize(r.summary.total_pnl);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(views.size()));
    state.counters["orders_per_event"] =
        static_cast<double>(placed) / static_cast<double>(views.size());
}
BENCHMARK(BM_MmBacktest)->Args({0, 0})->Args({1, 0})->Args({1, 1})->Unit(benchmark::kMillisecond);

const mm::EventLog& recorded() {
    static const mm::EventLog log = [] {
        mm::EventLog l;
        l.source = "synthetic";
        l.events.reserve(1u << 20);
        std::uint64_t s = 7;
        int mid = 50;
        mm::TimeMs t = 0, oracle_t = -5'000;
        while (l.events.size() + 1 < (1u << 20)) {
            const auto r = splitmix(s);
            t += 1 + static_cast<mm::TimeMs>(r % 40);
            if (r % 16 == 0 && mid > 10) --mid;
            if (r % 16 == 1 && mid < 90) ++mid;
            mm::MarketEvent e;
            e.ts = t;
            if (t - oracle_t >= 5'000) {
                oracle_t = t;
                e.kind = mm::MarketEvent::Kind::oracle;
                e.oracle_cents = mid + 0.1 * static_cast<double>((r >> 8) % 11) - 0.5;
            } else if ((r >> 4) % 5 == 0) {
                e.kind = mm::MarketEvent::Kind::trade;
                e.bid_or_buy = (r >> 9) & 1;
                e.yes_price = static_cast<mm::Cents>(e.bid_or_buy ? mid + 1 : mid - 1);
                e.qty = 1 + static_cast<mm::Shares>((r >> 16) % 40);
            } else {
                e.kind = mm::MarketEvent::Kind::book;
                e.bid_or_buy = (r >> 9) & 1;
                const int depth = static_cast<int>((r >> 12) % 4);
                e.yes_price =
                    static_cast<mm::Cents>(e.bid_or_buy ? mid - 1 - depth : mid + 1 + depth);
                e.qty = static_cast<mm::Shares>((r >> 20) % 300);
            }
            l.events.push_back(e);
        }
        mm::MarketEvent end;
        end.kind = mm::MarketEvent::Kind::resolve;
        end.ts = t + 1;
        end.winner = 1;
        l.events.push_back(end);
        return l;
    }();
    return log;
}

void BM_MmReplay(benchmark::State& state) {
    mm::StrategyConfig c;
    mm::BacktestOptions o;
    o.path_interval_ms = 0;
    mm::ReplayParams p;
    std::int64_t views = 0, fills = 0;
    for (auto _ : state) {
        state.PauseTiming();
        mm::EventLog log = recorded();  // the venue owns its log
        state.ResumeTiming();
        mm::ReplayVenue v(std::move(log), p);
        const auto r = mm::run_backtest(v, c, o);
        views = r.summary.events;
        fills = r.summary.fills;
        benchmark::DoNotOptimize(r.summary.total_pnl);
    }
    state.SetItemsProcessed(state.iterations() *
                            static_cast<std::int64_t>(recorded().events.size()));
    state.counters["views"] = static_cast<double>(views);
    state.counters["fills"] = static_cast<double>(fills);
}
BENCHMARK(BM_MmReplay)->Unit(benchmark::kMillisecond);

void BM_MmSimulated(benchmark::State& state) {
    mm::StrategyConfig c;
    mm::SimulationParams sim;
    mm::BacktestOptions o;
    o.path_interval_ms = 0;
    std::int64_t events = 0;
    for (auto _ : state) {
        mm::SimulatedVenue v(sim, 42);
        const auto r = mm::run_backtest(v, c, o);
        events += r.summary.events;
        benchmark::DoNotOptimize(r.summary.total_pnl);
    }
    state.SetItemsProcessed(events);
}
BENCHMARK(BM_MmSimulated)->Unit(benchmark::kMillisecond);

}  // namespace
