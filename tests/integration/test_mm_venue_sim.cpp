// The latency layer (hand-worked delivery times), the synthetic flow (Poisson counts against
// their closed-form means) and the simulated venue: exchange invariants after every event, the
// market maker's fills agreeing with the exchange record, and determinism by seed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "support/gtest_extra.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/mm/feed.hpp"
#include "pftoken/integration/mm/flow.hpp"
#include "pftoken/integration/mm/venues_sim.hpp"

namespace {

using namespace pftoken::integration::mm;

// Events at fixed exchange times; an arriving order fills completely at once.
class ScriptedVenue final : public LatencyVenue {
  public:
    ScriptedVenue(LatencyParams latency, std::vector<TimeMs> events) : LatencyVenue(latency), events_(std::move(events)) {}
    std::vector<TimeMs> arrivals;

  private:
    TimeMs next_event_time() override { return k_ < events_.size() ? events_[k_] : kNever; }
    bool apply_event() override {
        now_ = events_[k_++];
        return true;
    }
    bool arrive_place(const Quote& q, TimeMs ts) override {
        arrivals.push_back(ts);
        now_ = ts;
        if (q.price < 1) {
            report_reject(q.client_id, ts);
            return false;
        }
        report_fill({ts, q.client_id, q.outcome, q.side, q.price, q.qty, 0, 0, Scenario::mint});
        return true;
    }
    bool arrive_cancel(std::uint64_t id, TimeMs ts) override {
        arrivals.push_back(ts);
        report_cancel(id, ts);
        return false;
    }
    bool mint_sets(Shares, TimeMs) override { return false; }
    bool burn_sets(Shares, TimeMs) override { return false; }
    void snapshot(MarketView& v) override {
        v = MarketView{};
        v.ts = now_;
        v.last_trade = static_cast<Cents>(now_ % 100);
    }
    std::vector<TimeMs> events_;
    std::size_t k_ = 0;
    TimeMs now_ = 0;
};

TEST(MmLatency, ViewsFillsAndRejectsArriveAfterTheirLatencies) {
    // Order latency 30 ms, feed latency 10 ms; market events at 0, 100, 200.
    ScriptedVenue venue({30, 10}, {0, 100, 200});
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    EXPECT_EQ(v.ts, 10);  // event at 0 seen at 0 + 10
    // Placed at 10: reaches the exchange at 40, its fill is seen at 50 (not before).
    venue.place({7, Outcome::yes, Side::buy, 40, 5}, v.ts);
    venue.place({8, Outcome::yes, Side::buy, 0, 5}, v.ts);  // rejected at 40, seen at 50
    EXPECT_TRUE(venue.drain_fills().empty());
    // The order arrival at 40 changed the market: its view is delivered at 50.
    ASSERT_TRUE(venue.next(v));
    EXPECT_EQ(v.ts, 50);
    EXPECT_EQ(v.last_trade, 40);
    auto fills = venue.drain_fills();
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].client_id, 7u);
    EXPECT_EQ(fills[0].ts, 40);
    const auto rejects = venue.drain_rejects();
    ASSERT_EQ(rejects.size(), 1u);
    EXPECT_EQ(rejects[0], 8u);
    // A cancel sent at 95 arrives at 125, between the events at 100 and 200; confirmed at 135.
    venue.cancel(7, 95);
    ASSERT_TRUE(venue.next(v));
    EXPECT_EQ(v.ts, 110);
    EXPECT_TRUE(venue.drain_cancels().empty());
    ASSERT_TRUE(venue.next(v));
    EXPECT_EQ(v.ts, 210);
    const auto cancels = venue.drain_cancels();
    ASSERT_EQ(cancels.size(), 1u);
    EXPECT_EQ(cancels[0], 7u);
    EXPECT_FALSE(venue.next(v));
    EXPECT_EQ(venue.arrivals, (std::vector<TimeMs>{40, 40, 125}));
}

TEST(MmLatency, FillsAfterTheLastEventAreDeliveredAtTheEnd) {
    ScriptedVenue venue({30, 10}, {0});
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    venue.place({1, Outcome::no, Side::sell, 60, 2}, v.ts);
    ASSERT_TRUE(venue.next(v));  // the arrival at 40, seen at 50
    EXPECT_EQ(venue.drain_fills().size(), 1u);
    venue.place({2, Outcome::no, Side::sell, 60, 2}, v.ts);
    ASSERT_TRUE(venue.next(v));
    EXPECT_FALSE(venue.next(v));
    EXPECT_EQ(venue.drain_fills().size(), 1u);
}

TEST(MmFlow, ArrivalCountsMatchThePoissonMeans) {
    FlowParams p;  // 24 h; noise 6/min, liquidity 30/min, oracle every 5 s
    FlowGenerator flow(p, 42);
    std::uint64_t noise = 0, liquidity = 0, oracle = 0, informed_or_none = 0;
    int winner = -1;
    TimeMs last = -1;
    while (!flow.done()) {
        const FlowEvent e = flow.pop({40, 60, 50, 0});
        ASSERT_GE(e.ts, last);
        last = e.ts;
        switch (e.kind) {
        case FlowEvent::Kind::noise: ++noise; break;
        case FlowEvent::Kind::liquidity: ++liquidity; break;
        case FlowEvent::Kind::oracle: ++oracle; break;
        case FlowEvent::Kind::resolve: winner = e.winner; break;
        default: ++informed_or_none; break;
        }
    }
    // Means: 6 x 1440 = 8640 and 30 x 1440 = 43200 (Poisson: sd = sqrt(mean)); within 5 sd.
    EXPECT_NEAR(static_cast<double>(noise), 8640.0, 5.0 * std::sqrt(8640.0));
    EXPECT_NEAR(static_cast<double>(liquidity), 43200.0, 5.0 * std::sqrt(43200.0));
    // Informed arrivals at 2/min: 2880; each either trades or finds no edge (none).
    EXPECT_NEAR(static_cast<double>(informed_or_none), 2880.0, 5.0 * std::sqrt(2880.0));
    // Oracle at 0, 5 s, ..., strictly before 24 h: 86400 / 5 = 17280 updates.
    EXPECT_EQ(oracle, 17280u);
    EXPECT_EQ(last, 24 * 3600 * 1000);
    EXPECT_TRUE(winner == 0 || winner == 1);
}

TEST(MmFlow, ZeroRatesLeaveOnlyTheOracleAndTheResolution) {
    FlowParams p;
    p.duration_h = 0.1;  // 360 s: oracle at 0, 5, ..., 355 s
    p.informed_rate_per_min = p.noise_rate_per_min = p.lp_rate_per_min = 0.0;
    FlowGenerator flow(p, 1);
    int oracle = 0, other = 0;
    TimeMs last = 0;
    while (!flow.done()) {
        const FlowEvent e = flow.pop({});
        ASSERT_GE(e.ts, last);
        last = e.ts;
        (e.kind == FlowEvent::Kind::oracle ? oracle : other) += 1;
    }
    EXPECT_EQ(oracle, 72);
    EXPECT_EQ(other, 1);  // the resolution
    EXPECT_EQ(last, 360000);
}

TEST(MmFlow, ParamsNameTheFieldAndTheConstraint) {
    FlowParams p;
    p.start_probability = 1.0;
    EXPECT_THROW_MSG(p.validate("simulate.flow."), pftoken::InputError,
                     "simulate.flow.start_probability: must be in [0.01, 0.99], got 1");
    SimulationParams s;
    s.latency.order_latency_ms = -1;
    EXPECT_THROW_MSG(s.validate("simulate."), pftoken::InputError,
                     "simulate.latency.order_latency_ms: must be in [0, 3600000], got -1");
}

struct RunSummary {
    std::uint64_t hash = 1469598103934665603ULL;
    std::uint64_t views = 0, fills = 0, rejects = 0;
    void mix(std::int64_t x) {
        hash ^= static_cast<std::uint64_t>(x);
        hash *= 1099511628211ULL;
    }
};

// A plain two-sided quoter: bid 2 below and ask 2 above the mid, 10 shares, requoted every view.
RunSummary run_quoter(std::uint64_t seed, bool check_every_event, TimeMs feed_latency_ms = 20) {
    SimulationParams p;
    p.flow.duration_h = 2.0;
    p.latency.feed_latency_ms = feed_latency_ms;
    p.taker_fee_bps = 100;
    p.maker_fee_bps = -20;
    SimulatedVenue venue(p, seed);
    RunSummary s;
    MarketView v;
    std::uint64_t next_id = 1;
    std::uint64_t bid_id = 0, ask_id = 0;
    Shares yes = 0, no = 0;
    Money cash = p.mm_cash_cents;
    TimeMs last_ts = -1;
    bool resolved_seen = false;
    std::set<std::uint64_t> closed;
    while (venue.next(v)) {
        ++s.views;
        EXPECT_GE(v.ts, last_ts);
        last_ts = v.ts;
        s.mix(v.ts);
        s.mix(v.yes_bid);
        s.mix(v.yes_ask);
        for (const Fill& f : venue.drain_fills()) {
            ++s.fills;
            EXPECT_EQ(closed.count(f.client_id), 0u) << "fill after the order closed";
            if (f.remaining == 0) closed.insert(f.client_id);
            s.mix(f.qty);
            s.mix(f.price);
            Shares& held = f.outcome == Outcome::yes ? yes : no;
            const Money notional = static_cast<Money>(f.price) * f.qty;
            if (f.side == Side::buy) {
                held += f.qty;
                cash -= notional + f.fee;
            } else {
                held -= f.qty;
                cash += notional - f.fee;
            }
            EXPECT_GE(f.remaining, 0);
        }
        s.rejects += venue.drain_rejects().size();
        for (const std::uint64_t id : venue.drain_cancels()) {
            // A confirmed cancel names an open order: never one already filled or cancelled.
            EXPECT_TRUE(closed.insert(id).second) << "cancel of closed order " << id;
        }
        if (check_every_event) {
            const auto report = venue.book().check_invariants();
            EXPECT_TRUE(report.ok()) << report.what;
            const auto& acc = venue.book().account(venue.mm_account());
            if (!v.resolved && feed_latency_ms == 0) {
                // Without feed latency the fills seen so far are exactly the exchange's record.
                EXPECT_EQ(acc.yes, yes);
                EXPECT_EQ(acc.no, no);
                EXPECT_EQ(acc.cash, cash);
            }
            if (v.resolved && !resolved_seen) {
                // Every fill precedes the resolution, so all are delivered by its view; the
                // exchange then holds our cash plus 100 cents per winning share.
                resolved_seen = true;
                EXPECT_EQ(acc.cash, cash + 100 * (v.winning_outcome == 1 ? yes : no));
            }
        }
        if (v.resolved) continue;
        const Cents mid = v.yes_bid > 0 && v.yes_ask < 100 ? (v.yes_bid + v.yes_ask) / 2 : 50;
        if (bid_id) venue.cancel(bid_id, v.ts);
        if (ask_id) venue.cancel(ask_id, v.ts);
        bid_id = next_id++;
        ask_id = next_id++;
        venue.place({bid_id, Outcome::yes, Side::buy, std::max(1, mid - 2), 10}, v.ts);
        venue.place({ask_id, Outcome::no, Side::buy, std::max(1, 100 - (mid + 2)), 10}, v.ts);  // a YES ask at mid + 2
    }
    for (const Fill& f : venue.drain_fills()) {
        ++s.fills;
        (f.outcome == Outcome::yes ? yes : no) += f.side == Side::buy ? f.qty : -f.qty;
    }
    EXPECT_TRUE(venue.book().resolved());
    EXPECT_EQ(resolved_seen, check_every_event);
    EXPECT_TRUE(venue.book().check_invariants().ok());
    return s;
}

TEST(MmSimulatedVenue, InvariantsAndTheExchangeRecordHoldAtEveryEvent) {
    for (const TimeMs feed : {TimeMs{0}, TimeMs{20}}) {
        const RunSummary s = run_quoter(7, true, feed);
        EXPECT_GT(s.views, 1000u);
        EXPECT_GT(s.fills, 50u);
    }
}

TEST(MmSimulatedVenue, SameSeedSameRunOtherSeedOtherRun) {
    const RunSummary a = run_quoter(11, false);
    const RunSummary b = run_quoter(11, false);
    const RunSummary c = run_quoter(12, false);
    EXPECT_EQ(a.hash, b.hash);
    EXPECT_EQ(a.fills, b.fills);
    EXPECT_NE(a.hash, c.hash);
}

TEST(MmSimulatedVenue, InformedFlowPullsTheBookToTheHiddenProbability) {
    // Start the hidden probability at 0.8 while liquidity anchors at the book (empty: 80 at start).
    // With no path volatility the informed traders keep the mid near 80; check the last-hour
    // average |mid - 100 p| is within a few cents.
    SimulationParams p;
    p.flow.duration_h = 3.0;
    p.flow.start_probability = 0.8;
    p.flow.logit_vol_per_sqrt_h = 0.0;
    p.flow.informed_rate_per_min = 20.0;
    SimulatedVenue venue(p, 3);
    MarketView v;
    double err = 0.0;
    int n = 0;
    while (venue.next(v)) {
        if (v.resolved || v.ts < 2 * 3600 * 1000 || v.yes_bid == 0 || v.yes_ask == 100) continue;
        err += std::fabs(0.5 * (v.yes_bid + v.yes_ask) - 100.0 * venue.hidden_probability());
        ++n;
    }
    ASSERT_GT(n, 100);
    EXPECT_LT(err / n, 4.0);
}

TEST(MmSimulatedVenue, HaltsStopTradingAndRejectOrders) {
    SimulationParams p;
    p.flow.duration_h = 4.0;
    p.flow.halt_rate_per_h = 6.0;   // one every 10 min on average, 60 s each
    p.latency = {0, 0};
    SimulatedVenue venue(p, 21);
    MarketView v;
    int halts = 0;
    bool halted = false;
    Cents last_trade_at_halt = 0;
    std::uint64_t id = 1, rejected = 0, placed_while_halted = 0;
    while (venue.next(v)) {
        rejected += venue.drain_rejects().size();
        if (v.halted && !halted) {
            ++halts;
            last_trade_at_halt = v.last_trade;
        }
        if (v.halted) {
            EXPECT_EQ(v.last_trade, last_trade_at_halt);  // nothing trades during a halt
            venue.place({id++, Outcome::yes, Side::buy, 50, 1}, v.ts);
            ++placed_while_halted;
        }
        halted = v.halted;
        EXPECT_TRUE(venue.book().check_invariants().ok());
    }
    rejected += venue.drain_rejects().size();
    // Halts arrive at 6 / h between halts: over 4 h with 1-minute halts, about 4 x 60 / 11 = 22.
    EXPECT_GT(halts, 10);
    EXPECT_LT(halts, 40);
    // With no latency an order placed while halted reaches the book while it is still halted.
    EXPECT_EQ(rejected, placed_while_halted);
}

TEST(MmSimulatedVenue, MintAndBurnSetsOnTheMarketMakersAccount) {
    SimulationParams p;
    p.mm_cash_cents = 50'000;
    SimulatedVenue venue(p, 1);
    // 400 sets cost 40000 cents: YES 400 and NO 400 at 50 cents a leg.
    ASSERT_TRUE(venue.mint_sets(400, 0));
    const auto& acc = venue.book().account(venue.mm_account());
    EXPECT_EQ(acc.cash, 10'000);
    EXPECT_EQ(acc.yes, 400);
    EXPECT_EQ(acc.yes_cost, 20'000);
    EXPECT_EQ(venue.book().reserve(), 40'000);
    EXPECT_FALSE(venue.mint_sets(101, 0));  // 10100 > 10000 free cash
    EXPECT_FALSE(venue.burn_sets(401, 0));
    ASSERT_TRUE(venue.burn_sets(150, 0));
    EXPECT_EQ(acc.cash, 25'000);
    EXPECT_EQ(acc.no, 250);
    EXPECT_EQ(acc.no_cost, 12'500);
    EXPECT_EQ(acc.realized, 0);
    EXPECT_TRUE(venue.book().check_invariants().ok());
}

}  // namespace
