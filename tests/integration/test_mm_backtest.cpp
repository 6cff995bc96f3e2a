// The market maker's backtest loop over a scripted venue: the invariants (A1 skew, A2 available,
// A3 asset floor, no quote in KILL_SWITCH) asserted at every event, the P&L identity, zero
// reconciliation drift, partial fills reaching the position and the cost basis (the shape of
// hftbacktest issue #316), the kill switch pulling every quote, wind-down to STOPPED, and
// determinism across runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "pftoken/error.hpp"
#include "pftoken/integration/mm/backtest.hpp"
#include "pftoken/integration/mm/events.hpp"
#include "pftoken/integration/mm/report.hpp"
#include "pftoken/integration/mm/venues_amm.hpp"
#include "pftoken/integration/mm/venues_pm.hpp"
#include "pftoken/integration/mm/venues_replay.hpp"
#include "pftoken/integration/mm/venues_sim.hpp"
#include "support/gtest_extra.hpp"

using namespace pftoken;
using namespace pftoken::integration::mm;

namespace {

/// A scripted market: a random-walk mid with a one-cent-wide book around it, one taker trade per
/// event, the bot's orders live from the event after they are sent, cancels effective one event
/// later (so a cancelled order can still fill once), trades filling the bot's orders at or
/// through the touch partially. Resolves at the last event.
class ScriptVenue final : public Venue {
  public:
    struct Params {
        std::uint64_t seed = 7;
        int events = 20'000;
        TimeMs step_ms = 250;
        Shares max_trade = 60;
        int halt_at = -1;
        bool resolve = true;
    };
    explicit ScriptVenue(Params p) : p_(p), state_(p.seed) { orders_.reserve(64); }

    bool next(MarketView& v) override {
        if (k_ >= p_.events) return false;
        const TimeMs ts = static_cast<TimeMs>(k_) * p_.step_ms;
        // The taker of this event trades first against the orders live since the last event.
        const bool taker_buys = rand() % 2 == 0;
        const int depth =
            static_cast<int>(rand() % 4);  // cents the taker's limit reaches past the touch
        Shares qty = 1 + static_cast<Shares>(rand() % static_cast<std::uint64_t>(p_.max_trade));
        for (auto& o : orders_) {
            if (!o.live || qty == 0) continue;
            const Cents yes =
                o.q.outcome == Outcome::yes ? o.q.price : static_cast<Cents>(100 - o.q.price);
            const bool bid_side = (o.q.outcome == Outcome::yes) == (o.q.side == Side::buy);
            const bool hit = bid_side ? (!taker_buys && yes >= mid_ - 1 - depth)
                                      : (taker_buys && yes <= mid_ + 1 + depth);
            if (!hit) continue;
            const Shares q = std::min(qty, o.open);
            o.open -= q;
            qty -= q;
            const Money fee =
                (o.q.client_id % 3 == 0) ? -1 : 1;  // a rebate on some, a fee on others
            fills_.push_back(Fill{ts, o.q.client_id, o.q.outcome, o.q.side, o.q.price, q, o.open,
                                  fee, o.q.side == Side::buy ? Scenario::mint : Scenario::burn});
            if (o.open == 0) o.live = false;
        }
        // Orders and cancels sent at the previous event take effect now.
        for (auto& o : orders_)
            if (o.cancel && o.live) o.live = false, cancels_.push_back(o.q.client_id);
        std::erase_if(orders_, [](const Live& o) { return !o.live && !o.pending; });
        for (auto& o : orders_) o.pending = false;
        // The mid walks.
        const auto r = rand() % 10;
        if (r == 0 && mid_ > 5) --mid_;
        if (r == 1 && mid_ < 95) ++mid_;
        v = MarketView{};
        v.ts = ts;
        v.yes_bid = static_cast<Cents>(mid_ - 1);
        v.yes_ask = static_cast<Cents>(mid_ + 1);
        v.yes_bid_qty = 50 + static_cast<Shares>(rand() % 400);
        v.yes_ask_qty = 50 + static_cast<Shares>(rand() % 400);
        v.last_trade = taker_buys ? v.yes_ask : v.yes_bid;
        if (k_ % 20 == 0)
            oracle_ts_ = ts, oracle_ = mid_ + 0.25 * static_cast<double>(rand() % 5) - 0.5;
        v.oracle = oracle_;
        v.oracle_ts = oracle_ts_;
        v.halted = k_ >= p_.halt_at && p_.halt_at >= 0;
        v.resolved = p_.resolve && k_ == p_.events - 1;
        v.winning_outcome = v.resolved ? (mid_ >= 50 ? 1 : 0) : -1;
        v.hours_to_end = 240.0 * (1.0 - static_cast<double>(k_) / p_.events);
        ++k_;
        return true;
    }
    void place(const Quote& q, TimeMs) override {
        ++placed_;
        if (q.price < 1 || q.price > 99) {
            rejects_.push_back(q.client_id);
            return;
        }
        orders_.push_back(Live{q, q.qty, true, true, false});
    }
    void cancel(std::uint64_t id, TimeMs) override {
        for (auto& o : orders_)
            if (o.q.client_id == id) o.cancel = true;
    }
    // Each drain hands over what accumulated since the previous call (valid until the next).
    std::span<const Fill> drain_fills() override { return hand_over(fills_, fills_out_); }
    std::span<const std::uint64_t> drain_rejects() override {
        return hand_over(rejects_, rejects_out_);
    }
    std::span<const std::uint64_t> drain_cancels() override {
        return hand_over(cancels_, cancels_out_);
    }
    bool mint_sets(Shares sets, TimeMs) override { return sets > 0; }
    bool burn_sets(Shares sets, TimeMs) override { return sets > 0; }
    std::int64_t placed_ = 0;

  private:
    template <class T>
    static std::span<const T> hand_over(std::vector<T>& pending, std::vector<T>& out) {
        out.swap(pending);
        pending.clear();
        return out;
    }
    struct Live {
        Quote q;
        Shares open;
        bool live, pending, cancel;
    };
    std::uint64_t rand() {  // splitmix64
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    Params p_;
    std::uint64_t state_;
    int k_ = 0;
    int mid_ = 50;
    double oracle_ = 50.0;
    TimeMs oracle_ts_ = 0;
    std::vector<Live> orders_;
    std::vector<Fill> fills_;
    std::vector<std::uint64_t> rejects_;
    std::vector<std::uint64_t> cancels_;
    std::vector<Fill> fills_out_;
    std::vector<std::uint64_t> rejects_out_, cancels_out_;
};

/// Risk aversion low enough that the quotes sit within the takers' reach (about 2c wide).
StrategyConfig tight() {
    StrategyConfig c;
    c.gamma_short = c.gamma_mid = c.gamma_long = 0.1;
    return c;
}

BacktestResult run(ScriptVenue::Params p, StrategyConfig c = tight(), BacktestOptions o = {}) {
    ScriptVenue v(p);
    return run_backtest(v, c, o);
}

}  // namespace

TEST(MmBacktest, InvariantsEveryEventAndPnlIdentity) {
    const auto r = run({});
    const auto& s = r.summary;
    EXPECT_EQ(s.events, 20'000);
    EXPECT_EQ(s.invariant_checks, s.events);  // A1-A3 and no quote in KILL_SWITCH, every event
    EXPECT_GT(s.fills, 100);
    EXPECT_GT(s.orders_placed, 100);
    EXPECT_EQ(s.sets_minted, 1'000);
    // Resolved at the last event: every order gone after the settle window? The data ends first,
    // so the run stops at END_OF_DATA or WOUND_DOWN; both are STOPPED.
    EXPECT_EQ(s.final_lifecycle, Lifecycle::stopped);
    // P&L identity (docs/market-maker.md): final - initial equity = realised + unrealised - fees +
    // rebates.
    EXPECT_NEAR(s.total_pnl,
                static_cast<double>(s.realised) + s.unrealised - static_cast<double>(s.fees) +
                    static_cast<double>(s.rebates),
                1e-6);
    EXPECT_GT(s.fees, 0);
    EXPECT_GT(s.rebates, 0);
    // The independent ledger never drifts from the inventory.
    ASSERT_FALSE(r.reconciliations.empty());
    for (const auto& rec : r.reconciliations) EXPECT_EQ(rec.status, ReconcileStatus::ok) << rec.ts;
    // Partial fills happen and every one reached the position.
    bool partial = false;
    for (const auto& f : r.fills) partial = partial || f.fill.remaining > 0;
    EXPECT_TRUE(partial);
    // Time accounting covers the whole run in every machine.
    const TimeMs span = s.end - s.start;
    TimeMs phases = 0, defences = 0, lifecycle = 0;
    for (auto t : s.time_in_phase) phases += t;
    for (auto t : s.time_in_defence) defences += t;
    for (auto t : s.time_in_lifecycle) lifecycle += t;
    EXPECT_EQ(phases, span);
    EXPECT_EQ(defences, span);
    EXPECT_EQ(lifecycle, span);
    EXPECT_LE(s.both_up_ms, std::min(s.bid_up_ms, s.ask_up_ms));
    EXPECT_GT(s.both_up_ms, span / 2);
    // Mark-outs: measured for fills older than the horizon, NaN for the last ones.
    ASSERT_EQ(r.markout_horizons_ms.size(), 4u);
    EXPECT_TRUE(std::isfinite(r.fills.front().markout[0]));
    EXPECT_TRUE(std::isnan(r.fills.back().markout[3]));
    // The path is sampled every second.
    EXPECT_NEAR(static_cast<double>(r.path.size()), static_cast<double>(span) / 1'000.0, 2.0);
}

TEST(MmBacktest, ResolutionWindsDownAndSettles) {
    ScriptVenue::Params p;
    p.events = 4'000;
    StrategyConfig c = tight();
    ScriptVenue::Params q = p;
    q.resolve = false;
    // The market resolves at the last event: the wind-down cancels everything, burns the
    // complete sets and settles the rest at 100c per winning share.
    const auto r = run(p, c);
    bool resolved = false, wound = false;
    for (const auto& t : r.transitions) {
        resolved =
            resolved || (t.machine == Machine::lifecycle && t.reason == Reason::market_resolved);
        wound = wound || (t.machine == Machine::lifecycle && t.reason == Reason::wound_down);
    }
    EXPECT_TRUE(resolved);
    EXPECT_TRUE(wound);
    EXPECT_EQ(r.summary.final_lifecycle, Lifecycle::stopped);
    const auto& fp = r.summary.final_position;
    EXPECT_EQ(fp.yes_volume, 0);
    EXPECT_EQ(fp.no_volume, 0);
    EXPECT_EQ(fp.yes_pending_sell + fp.no_pending_sell, 0);
    EXPECT_GE(r.summary.sets_burned, 1'000);
    EXPECT_DOUBLE_EQ(r.summary.unrealised, 0.0);
    // Everything is cash now: the P&L is realised, net of fees and rebates.
    EXPECT_NEAR(r.summary.total_pnl,
                static_cast<double>(r.summary.realised - r.summary.fees + r.summary.rebates), 1e-6);
    EXPECT_EQ(static_cast<double>(fp.cash), r.summary.final_equity);
    const auto open = run(q, c);
    EXPECT_EQ(open.transitions.back().reason, Reason::end_of_data);
}

TEST(MmBacktest, KillSwitchPullsEveryQuote) {
    ScriptVenue::Params p;
    p.events = 2'000;
    p.halt_at = 1'000;
    ScriptVenue v(p);
    const auto r = run_backtest(v, tight());
    EXPECT_EQ(r.summary.final_lifecycle, Lifecycle::stopped);
    TimeMs killed_at = -1;
    for (const auto& t : r.transitions)
        if (t.machine == Machine::defence &&
            t.to == static_cast<std::uint8_t>(Defence::kill_switch)) {
            EXPECT_EQ(t.reason, Reason::halted);
            killed_at = t.ts;
        }
    ASSERT_EQ(killed_at, 1'000 * p.step_ms);
    for (const auto& pt : r.path)
        if (pt.ts > killed_at) {
            EXPECT_EQ(pt.quote_bid, 0);
            EXPECT_EQ(pt.quote_ask, 0);
            if (pt.ts < r.summary.end) {
                EXPECT_EQ(pt.lifecycle, Lifecycle::emergency);
            }
        }
    EXPECT_GT(r.summary.time_in_defence[static_cast<std::size_t>(Defence::kill_switch)], 0);
}

TEST(MmBacktest, DeterministicAcrossRuns) {
    const auto a = run({});
    const auto b = run({});
    ASSERT_EQ(a.fills.size(), b.fills.size());
    ASSERT_EQ(a.path.size(), b.path.size());
    ASSERT_EQ(a.transitions.size(), b.transitions.size());
    for (std::size_t i = 0; i < a.fills.size(); ++i) {
        EXPECT_EQ(a.fills[i].fill.client_id, b.fills[i].fill.client_id);
        EXPECT_EQ(a.fills[i].fill.qty, b.fills[i].fill.qty);
        EXPECT_EQ(std::memcmp(a.fills[i].markout.data(), b.fills[i].markout.data(),
                              sizeof(double) * kMaxMarkoutHorizons),
                  0);
    }
    for (std::size_t i = 0; i < a.path.size(); ++i) {
        EXPECT_EQ(std::memcmp(&a.path[i].equity, &b.path[i].equity, sizeof(double)), 0);
        EXPECT_EQ(a.path[i].yes, b.path[i].yes);
    }
    EXPECT_EQ(std::memcmp(&a.summary.total_pnl, &b.summary.total_pnl, sizeof(double)), 0);
    const auto c = run({.seed = 8});
    EXPECT_NE(a.summary.total_pnl, c.summary.total_pnl);
}

namespace {
/// Fills the bot's first order in three pieces (10, 20, 5 of its size) at consecutive events.
class PartialVenue final : public Venue {
  public:
    bool next(MarketView& v) override {
        if (k_ == 6) return false;
        fills_.clear();
        if (first_ && k_ >= 2 && k_ <= 4) {
            const Shares pieces[] = {10, 20, 5};
            const Shares q = pieces[k_ - 2];
            open_ -= q;
            fills_.push_back(Fill{k_ * 1'000, first_->client_id, first_->outcome, first_->side,
                                  first_->price, q, open_, 0, Scenario::transfer_no});
        }
        v = MarketView{};
        v.ts = k_ * 1'000;
        v.yes_bid = 49;
        v.yes_ask = 51;
        v.yes_bid_qty = v.yes_ask_qty = 100;
        v.hours_to_end = 240.0;
        v.winning_outcome = -1;
        ++k_;
        return true;
    }
    void place(const Quote& q, TimeMs) override {
        if (!first_) first_ = q, open_ = q.qty;
    }
    void cancel(std::uint64_t, TimeMs) override {}
    std::span<const Fill> drain_fills() override { return fills_; }
    std::span<const std::uint64_t> drain_rejects() override { return {}; }
    std::span<const std::uint64_t> drain_cancels() override { return {}; }  // never confirms
    bool mint_sets(Shares, TimeMs) override { return true; }
    bool burn_sets(Shares, TimeMs) override { return true; }
    std::optional<Quote> first_;

  private:
    TimeMs k_ = 0;
    Shares open_ = 0;
    std::vector<Fill> fills_;
};
}  // namespace

// hftbacktest issue #316: partial fills of a resting order never reached the position. Here each
// piece moves the volume, the frozen shares and the cost sum at once.
TEST(MmBacktest, PartialFillsReachThePositionAndCostBasis) {
    PartialVenue v;
    BacktestOptions o;
    o.path_interval_ms = 1;
    StrategyConfig c;
    c.cancel_settle_ms = 60'000;  // this venue never confirms a cancel: the pieces keep coming
    const auto r = run_backtest(v, c, o);
    ASSERT_TRUE(v.first_.has_value());
    const Quote q = *v.first_;
    // With 1000 complete sets and no excess, the bid is a YES buy (50 shares in exploration).
    EXPECT_EQ(q.outcome, Outcome::yes);
    EXPECT_EQ(q.side, Side::buy);
    EXPECT_EQ(q.qty, 50);
    ASSERT_EQ(r.fills.size(), 3u);
    const Shares expected_yes[] = {1'010, 1'030, 1'035};
    for (int i = 0; i < 3; ++i) {
        const auto& pt = r.path[static_cast<std::size_t>(2 + i)];
        EXPECT_EQ(pt.yes, expected_yes[i]) << i;
    }
    const auto& fp = r.summary.final_position;
    EXPECT_EQ(fp.yes_volume, 1'035);
    // Cost: the 1000 minted YES at 50 plus 35 bought at the bid.
    EXPECT_EQ(fp.yes_cost_sum, 50 * 1'000 + 35 * q.price);
    EXPECT_EQ(fp.cash, 500'000 - 100'000 - 35 * q.price);
    EXPECT_EQ(r.summary.bought, 35);
    // Mark-outs against the constant 50c mid: 50 - price per share at 1 s (the three pieces,
    // each followed by an event a second later); the data ends before any 10 s horizon.
    const Table m = mm_markout_table(r);
    EXPECT_EQ(std::get<std::int64_t>(m.at(0, "fills")), 3);
    EXPECT_EQ(std::get<std::int64_t>(m.at(0, "shares")), 35);
    EXPECT_DOUBLE_EQ(std::get<double>(m.at(0, "markout_per_share")), 50.0 - q.price);
    EXPECT_DOUBLE_EQ(std::get<double>(m.at(0, "markout_total")), 35.0 * (50.0 - q.price));
    EXPECT_EQ(std::get<std::int64_t>(m.at(1, "fills")), 0);
    const Table f = mm_fills_table(r);
    ASSERT_EQ(f.rows().size(), 3u);
    EXPECT_EQ(std::get<std::string>(f.at(1, "side")), "buy");
    EXPECT_EQ(std::get<std::int64_t>(f.at(1, "remaining")), 50 - 30);
}

TEST(MmBacktest, RejectsBadOptionsAndForeignFills) {
    BacktestOptions o;
    o.markout_horizons_ms = {1'000, -5};
    ScriptVenue v({});
    EXPECT_THROW_MSG((void)run_backtest(v, StrategyConfig{}, o), InputError,
                     "markout_horizons_ms[1]: must be > 0, got -5");
    class Foreign final : public Venue {
      public:
        bool next(MarketView& v) override {
            v = MarketView{};
            v.ts = k_;
            v.yes_bid = 49;
            v.yes_ask = 51;
            v.yes_bid_qty = v.yes_ask_qty = 10;
            v.hours_to_end = 10;
            return k_++ < 3;
        }
        void place(const Quote&, TimeMs) override {}
        void cancel(std::uint64_t, TimeMs) override {}
        std::span<const Fill> drain_fills() override {
            if (k_ == 2) fill_ = Fill{1, 999, Outcome::yes, Side::buy, 40, 1, 0, 0, Scenario::mint};
            return k_ == 2 ? std::span<const Fill>(&fill_, 1) : std::span<const Fill>();
        }
        std::span<const std::uint64_t> drain_rejects() override { return {}; }
        std::span<const std::uint64_t> drain_cancels() override { return {}; }
        bool mint_sets(Shares, TimeMs) override { return true; }
        bool burn_sets(Shares, TimeMs) override { return true; }

      private:
        TimeMs k_ = 0;
        Fill fill_{};
    } foreign;
    EXPECT_THROW_MSG((void)run_backtest(foreign, StrategyConfig{}), InternalError,
                     "a fill for unknown order 999");
    class NoSplits final : public Venue {
      public:
        bool next(MarketView& v) override {
            v = MarketView{};
            v.yes_bid = 49;
            v.yes_ask = 51;
            v.hours_to_end = 10;
            return k_++ < 2;
        }
        void place(const Quote&, TimeMs) override {}
        void cancel(std::uint64_t, TimeMs) override {}
        std::span<const Fill> drain_fills() override { return {}; }
        std::span<const std::uint64_t> drain_rejects() override { return {}; }
        std::span<const std::uint64_t> drain_cancels() override { return {}; }
        bool mint_sets(Shares, TimeMs) override { return false; }
        bool burn_sets(Shares, TimeMs) override { return false; }

      private:
        int k_ = 0;
    };
    NoSplits no_splits;
    EXPECT_THROW_MSG((void)run_backtest(no_splits, StrategyConfig{}), InputError,
                     "strategy.initial_sets: the venue refused to mint 1000 complete sets");
    StrategyConfig none;
    none.initial_sets = 0;
    NoSplits again;
    EXPECT_EQ(run_backtest(again, none).summary.sets_minted, 0);
}

// Across the two sides: on the simulated order book (amm/clob, its own cost and cash accounting)
// the bot's books after the run equal the exchange's record of its account, field by field, with
// the invariants checked at every event on the way.
TEST(MmBacktest, BooksEqualTheExchangeRecordOnTheSimulatedVenue) {
    for (const std::uint64_t seed : {1u, 2u, 3u}) {
        SimulationParams sim;
        sim.flow.duration_h = 3.0;
        sim.maker_fee_bps = -10;  // rebates
        sim.taker_fee_bps = 20;
        StrategyConfig c = tight();
        sim.mm_cash_cents = c.initial_cash_cents;
        SimulatedVenue venue(sim, seed);
        const auto r = run_backtest(venue, c);
        const auto& bot = r.summary.final_position;
        const auto& ex = venue.book().account(venue.mm_account());
        EXPECT_EQ(r.summary.invariant_checks, r.summary.events);
        EXPECT_GT(r.summary.fills, 10) << seed;
        EXPECT_EQ(bot.yes_volume, ex.yes) << seed;
        EXPECT_EQ(bot.no_volume, ex.no) << seed;
        EXPECT_EQ(bot.cash, ex.cash) << seed;
        EXPECT_EQ(bot.yes_cost_sum, ex.yes_cost) << seed;
        EXPECT_EQ(bot.no_cost_sum, ex.no_cost) << seed;
        EXPECT_EQ(bot.fees - bot.rebates, ex.fees) << seed;
        for (const auto& rec : r.reconciliations)
            EXPECT_EQ(rec.status, ReconcileStatus::ok) << seed;
        EXPECT_EQ(r.summary.final_lifecycle, Lifecycle::stopped);
    }
}

// The same on the replay venue over the shipped recorded sample (4 minutes, resolves YES): the
// bot's cash, shares and fees equal the venue's virtual account of it.
TEST(MmBacktest, BooksEqualTheReplayAccount) {
    for (const auto queue : {QueueModel::pro_rata, QueueModel::risk_averse}) {
        ReplayParams p;
        p.queue = queue;
        p.maker_fee_bps = -10;
        StrategyConfig c = tight();
        p.mm_cash_cents = c.initial_cash_cents;
        ReplayVenue venue(
            read_events(std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/mm/events_sample.csv"),
            p);
        const auto r = run_backtest(venue, c);
        const auto& bot = r.summary.final_position;
        const auto& ex = venue.account();
        EXPECT_EQ(r.summary.invariant_checks, r.summary.events);
        EXPECT_GT(r.summary.fills, 0);
        EXPECT_EQ(bot.yes_volume, ex.yes);
        EXPECT_EQ(bot.no_volume, ex.no);
        EXPECT_EQ(bot.cash, ex.cash);
        EXPECT_EQ(bot.fees - bot.rebates, ex.fees);
        ASSERT_FALSE(r.reconciliations.empty());  // the closing one at least
        EXPECT_EQ(r.reconciliations.back().status, ReconcileStatus::ok);
    }
}

// A token market on the AMM pool venue (a tranche token around its DCF fair value of 95c, the
// pool beside the market maker): the strategy in token mode keeps its books equal to the venue's
// account of it, with the invariants checked at every event.
TEST(MmBacktest, TokenMarketOnTheAmmPoolVenue) {
    for (const std::uint64_t seed : {1u, 2u}) {
        AmmVenueParams a;
        a.flow.duration_h = 6.0;
        a.pool_tokens = 2'000.0;  // a shallow pool with a 2% fee: the quotes are competitive
        a.pool_fee = 0.02;
        StrategyConfig c = tight();
        c.market = MarketKind::token;
        c.initial_tokens = a.mm_tokens;
        a.mm_cash_cents = c.initial_cash_cents;
        AmmPoolVenue venue(a, seed);
        const auto r = run_backtest(venue, c);
        const auto& bot = r.summary.final_position;
        const auto& ex = venue.account();
        EXPECT_EQ(r.summary.invariant_checks, r.summary.events);
        EXPECT_GT(r.summary.fills, 0) << seed;
        EXPECT_EQ(bot.no_volume, 0);
        EXPECT_EQ(bot.yes_volume, ex.yes) << seed;
        EXPECT_EQ(bot.cash, ex.cash) << seed;
        EXPECT_EQ(bot.fees - bot.rebates, ex.fees) << seed;
        EXPECT_EQ(r.summary.sets_minted, 0);
        EXPECT_LE(r.summary.max_abs_skew, c.kill_skew);
        EXPECT_NEAR(r.summary.total_pnl,
                    static_cast<double>(r.summary.realised) + r.summary.unrealised -
                        static_cast<double>(r.summary.fees) + static_cast<double>(r.summary.rebates),
                    1e-6);
    }
}

// YES/NO without complete sets on the prediction-market batch exchange (no split or merge): the
// strategy in yes_no_net mode holds no sets, its skew is (YES - NO) / position_limit at every
// sample, the invariants hold at every event, every reconciliation against the independent fill
// ledger is clean and the exchange's own invariants hold at the end.
TEST(MmBacktest, YesNoWithoutSetsOnTheBatchExchange) {
    for (const std::uint64_t seed : {1u, 2u}) {
        PmVenueParams v;
        v.flow.duration_h = 6.0;
        v.exchange.subsidy = 50.0;  // a shallow LMSR: the quotes are competitive
        StrategyConfig c = tight();
        c.market = MarketKind::yes_no_net;
        c.initial_sets = 0;
        c.position_limit = 2'000;
        c.order_size = 50;
        v.mm_cash_cents = c.initial_cash_cents;
        PmVenue venue(v, seed);
        const auto r = run_backtest(venue, c);
        EXPECT_EQ(r.summary.invariant_checks, r.summary.events);
        EXPECT_GT(r.summary.fills, 0) << seed;
        EXPECT_EQ(r.summary.sets_minted, 0);
        EXPECT_EQ(r.summary.sets_burned, 0);
        EXPECT_LE(r.summary.max_abs_skew, c.kill_skew);
        for (const auto& pt : r.path)
            EXPECT_DOUBLE_EQ(pt.skew, std::clamp(static_cast<double>(pt.yes - pt.no) / 2'000.0, -1.0, 1.0));
        for (const auto& rec : r.reconciliations) EXPECT_EQ(rec.status, ReconcileStatus::ok) << seed;
        EXPECT_TRUE(venue.exchange().check_invariants().ok());
        EXPECT_NEAR(r.summary.total_pnl,
                    static_cast<double>(r.summary.realised) + r.summary.unrealised -
                        static_cast<double>(r.summary.fees) + static_cast<double>(r.summary.rebates),
                    1e-6);
    }
}
