// The market maker's strategy: the Avellaneda-Stoikov closed forms against the paper's setting
// and the binary example, the fair price's three layers, the volatility bounds, a test
// per state-machine transition, the defence multipliers and the quote rules.
#include <gtest/gtest.h>

#include <cmath>

#include "pftoken/error.hpp"
#include "pftoken/integration/mm/strategy.hpp"
#include "support/gtest_extra.hpp"

using namespace pftoken;
using namespace pftoken::integration::mm;

namespace {

MarketView view_at(TimeMs ts, Cents bid = 49, Cents ask = 51, Shares bid_qty = 100,
                   Shares ask_qty = 100) {
    MarketView v{};
    v.ts = ts;
    v.yes_bid = bid;
    v.yes_ask = ask;
    v.yes_bid_qty = bid_qty;
    v.yes_ask_qty = ask_qty;
    v.last_trade = 50;
    v.oracle_ts = 0;
    v.halted = false;
    v.resolved = false;
    v.winning_outcome = -1;
    v.hours_to_end = 240.0;
    return v;
}

/// 1000 complete sets and 400000 cents: equity 500000 at any fair price.
Position balanced(Shares yes = 1000, Shares no = 1000) {
    Position p;
    p.yes_volume = yes;
    p.no_volume = no;
    p.yes_cost_sum = 50 * yes;
    p.no_cost_sum = 50 * no;
    p.cash = 500'000 - 50 * (yes + no);
    return p;
}

bool has_transition(const Strategy& s, Machine m, std::uint8_t from, std::uint8_t to, Reason why) {
    for (const auto& t : s.transitions())
        if (t.machine == m && t.from == from && t.to == to && t.reason == why) return true;
    return false;
}

template <class E>
std::uint8_t u(E e) {
    return static_cast<std::uint8_t>(e);
}

}  // namespace

// Avellaneda and Stoikov (2008), section 3 setting: s = 100, T = 1, sigma = 2, gamma = 0.1,
// k = 1.5. Spread at t = 0: 0.1 * 4 * 1 + (2 / 0.1) ln(1 + 0.1 / 1.5) = 0.4 + 1.2907704 =
// 1.6907704 (the figure); reservation with q = 10: 100 - 10 * 0.1 * 4 * 1 = 96.0.
TEST(MmClosedForms, AvellanedaStoikovPaperSetting) {
    EXPECT_NEAR(optimal_spread(0.1, 2.0, 1.0, 1.5), 1.6907704, 1e-7);
    EXPECT_NEAR(reservation_price(100.0, 10.0, 0.1, 2.0, 1.0), 96.0, 1e-12);
    EXPECT_NEAR(reservation_price(100.0, 0.0, 0.1, 2.0, 1.0), 100.0, 1e-12);
    // At T - t = 0 only the intensity term remains: (2 / gamma) ln(1 + gamma / k).
    EXPECT_NEAR(optimal_spread(0.1, 2.0, 0.0, 1.5), 20.0 * std::log(1.0 + 0.1 / 1.5), 1e-12);
}

// The binary example: s = 55c, q = 200, gamma = 1e-4, sigma = 3c, h = 24, kappa = 24:
// tau = 24 / 48 = 0.5 and r = 55 - 200 * 1e-4 * 9 * 0.5 = 54.91c.
TEST(MmClosedForms, BinaryExample) {
    const double tau = smoothing_tau(24.0, 24.0);
    EXPECT_DOUBLE_EQ(tau, 0.5);
    EXPECT_NEAR(reservation_price(55.0, 200.0, 1e-4, 3.0, tau), 54.91, 1e-12);
    EXPECT_EQ(smoothing_tau(0.0, 24.0), 0.0);
    EXPECT_EQ(smoothing_tau(-3.0, 24.0), 0.0);
}

// Hand-worked: I = 300 / 400 = 0.75, microprice = 0.75 * 44 + 0.25 * 40 = 43.
TEST(MmClosedForms, MicropriceSkewAndTier) {
    EXPECT_DOUBLE_EQ(microprice(40, 300, 44, 100), 43.0);
    EXPECT_DOUBLE_EQ(microprice(40, 0, 44, 0), 42.0);
    EXPECT_DOUBLE_EQ(inventory_skew(150, 50), 0.5);
    EXPECT_DOUBLE_EQ(inventory_skew(0, 0), 0.0);
    EXPECT_DOUBLE_EQ(inventory_skew(0, 10), -1.0);
    StrategyConfig c;
    EXPECT_EQ(tier_gamma(c, 2.0), 2.5);
    EXPECT_EQ(tier_gamma(c, 14.0), 1.5);
    EXPECT_EQ(tier_gamma(c, 90.0), 0.8);
}

TEST(MmFairPrice, OracleChecksAndPostFillAdjustment) {
    StrategyConfig c;  // stale 30 s, deviation 5c, gap 5c, weight 0.5
    FairPrice f(c);
    auto v = view_at(1'000);  // microprice 50
    v.oracle = 52.0;
    v.oracle_ts = 1'000;
    EXPECT_DOUBLE_EQ(f.update(v), 51.0);  // 0.5 * 52 + 0.5 * 50
    EXPECT_TRUE(f.oracle_used());
    v.ts = 1'000 + 30'001;  // stale
    EXPECT_DOUBLE_EQ(f.update(v), 50.0);
    EXPECT_EQ(f.oracle_counts().stale, 1);
    v.ts = 40'000;
    v.oracle = 54.0;  // gap 2c: accepted, but 54 - 50 = 4c from the book: used
    v.oracle_ts = 40'000;
    EXPECT_DOUBLE_EQ(f.update(v), 52.0);
    v.oracle = 60.0;  // a 6c jump: refused once
    v.oracle_ts = 41'000;
    v.ts = 41'000;
    EXPECT_DOUBLE_EQ(f.update(v), 50.0);
    EXPECT_EQ(f.oracle_counts().gap, 1);
    v.oracle = 57.0;  // 3c from the previous update, but 7c from the book: deviation
    v.oracle_ts = 42'000;
    v.ts = 42'000;
    EXPECT_DOUBLE_EQ(f.update(v), 50.0);
    EXPECT_EQ(f.oracle_counts().deviation, 1);

    FairPrice g(c);
    (void)g.update(view_at(0));
    g.on_fill(Fill{0, 1, Outcome::yes, Side::buy, 49, 10, 0, 0, Scenario::mint});
    EXPECT_DOUBLE_EQ(g.update(view_at(0)), 49.5);        // bought YES: fair - 0.5c
    EXPECT_DOUBLE_EQ(g.update(view_at(10'000)), 49.75);  // one half-life later
    g.on_fill(Fill{10'000, 2, Outcome::no, Side::buy, 50, 10, 0, 0, Scenario::mint});
    EXPECT_DOUBLE_EQ(g.update(view_at(10'000)), 50.25);  // bought NO: fair + 0.5c
}

TEST(MmSigma, BoundedEwmaOfChanges) {
    StrategyConfig c;
    c.sigma_ewma_lambda = 0.5;
    SigmaEstimator s(c);
    EXPECT_DOUBLE_EQ(s.sigma(), 3.0);
    s.update(0, 50.0);
    s.update(60'000, 54.0);  // variance 0.5 * 9 + 0.5 * 16 = 12.5
    EXPECT_DOUBLE_EQ(s.sigma(), std::sqrt(12.5));
    s.update(180'000, 54.0);  // two intervals without change: 0.5 * 12.5
    EXPECT_DOUBLE_EQ(s.sigma(), std::sqrt(6.25));
    for (int i = 0; i < 40; ++i) s.update(240'000 + 60'000 * i, 54.0);
    EXPECT_DOUBLE_EQ(s.sigma(), 1.0);  // lower bound
    for (int i = 0; i < 40; ++i) s.update(3'000'000 + 60'000 * i, i % 2 ? 10.0 : 90.0);
    EXPECT_DOUBLE_EQ(s.sigma(), 15.0);  // upper bound
}

TEST(MmLifecycle, StartingToRunningAndWindDown) {
    Strategy s{StrategyConfig{}};
    EXPECT_EQ(s.lifecycle(), Lifecycle::starting);
    (void)s.on_market(view_at(0), balanced());
    EXPECT_EQ(s.lifecycle(), Lifecycle::running);
    EXPECT_TRUE(has_transition(s, Machine::lifecycle, u(Lifecycle::starting), u(Lifecycle::running),
                               Reason::initialised));
    auto v = view_at(1'000);
    v.resolved = true;
    v.winning_outcome = 1;
    const auto d = s.on_market(v, balanced());
    EXPECT_TRUE(d.cancel_all);
    EXPECT_EQ(s.lifecycle(), Lifecycle::winding_down);
    EXPECT_EQ(s.winning_outcome(), 1);
    s.wound_down(2'000);
    EXPECT_EQ(s.lifecycle(), Lifecycle::stopped);
    EXPECT_TRUE(has_transition(s, Machine::lifecycle, u(Lifecycle::winding_down),
                               u(Lifecycle::stopped), Reason::wound_down));
    const auto& t = s.transitions().back();
    EXPECT_EQ(t.ts, 2'000);
    EXPECT_EQ(state_name(t.machine, t.from), "WINDING_DOWN");
    EXPECT_EQ(name(t.reason), "WOUND_DOWN");
}

TEST(MmLifecycle, FailedStartEndOfDataAndEmergency) {
    Strategy a{StrategyConfig{}};
    auto v = view_at(0);
    v.resolved = true;
    (void)a.on_market(v, balanced());
    EXPECT_TRUE(has_transition(a, Machine::lifecycle, u(Lifecycle::starting), u(Lifecycle::stopped),
                               Reason::failed_to_start));

    Strategy b{StrategyConfig{}};
    (void)b.on_market(view_at(0), balanced());
    b.end_of_data(5);
    EXPECT_TRUE(has_transition(b, Machine::lifecycle, u(Lifecycle::running), u(Lifecycle::stopped),
                               Reason::end_of_data));

    Strategy e{StrategyConfig{}};
    (void)e.on_market(view_at(0), balanced());
    const auto d = e.on_market(view_at(1), balanced(1960, 40));  // skew 0.96
    EXPECT_TRUE(d.cancel_all);
    EXPECT_EQ(e.defence(), Defence::kill_switch);
    EXPECT_TRUE(has_transition(e, Machine::lifecycle, u(Lifecycle::running),
                               u(Lifecycle::emergency), Reason::kill_switch));
    // The kill switch holds even when the skew recovers; only an operator resets it.
    EXPECT_TRUE(e.on_market(view_at(2), balanced()).cancel_all);
    EXPECT_EQ(e.defence(), Defence::kill_switch);
    e.reset_kill_switch(3);
    EXPECT_TRUE(has_transition(e, Machine::defence, u(Defence::kill_switch), u(Defence::normal),
                               Reason::manual_reset));
    EXPECT_TRUE(has_transition(e, Machine::lifecycle, u(Lifecycle::emergency),
                               u(Lifecycle::running), Reason::resumed));
    EXPECT_FALSE(e.on_market(view_at(4), balanced()).cancel_all);
    // A resolution during EMERGENCY winds down too.
    (void)e.on_market(view_at(5), balanced(1960, 40));
    auto r = view_at(6);
    r.resolved = true;
    (void)e.on_market(r, balanced());
    EXPECT_TRUE(has_transition(e, Machine::lifecycle, u(Lifecycle::emergency),
                               u(Lifecycle::winding_down), Reason::market_resolved));
}

TEST(MmPhase, ExplorationToStabilizationByTimeVolumeAndStability) {
    StrategyConfig c;
    c.stable_volatility = 0.0;  // only the clock may end this exploration
    {
        Strategy s(c);
        (void)s.on_market(view_at(0), balanced());
        (void)s.on_market(view_at(c.exploration_ms - 1), balanced());
        EXPECT_EQ(s.phase(), Phase::exploration);
        (void)s.on_market(view_at(c.exploration_ms), balanced());
        EXPECT_TRUE(has_transition(s, Machine::phase, u(Phase::exploration),
                                   u(Phase::stabilization), Reason::time_expired));
    }
    {
        Strategy s(c);
        (void)s.on_market(view_at(0), balanced());
        s.on_fill(Fill{1, 1, Outcome::yes, Side::buy, 49, c.exploration_volume_target, 0, 0,
                       Scenario::mint});
        (void)s.on_market(view_at(2), balanced());
        EXPECT_TRUE(has_transition(s, Machine::phase, u(Phase::exploration),
                                   u(Phase::stabilization), Reason::volume_reached));
    }
    {
        c.exploration_ms = 3'600'000;
        c.stable_volatility = 0.02;
        Strategy s(c);
        // A flat book for a full 5-minute window: the range is 0 < 2%.
        for (TimeMs t = 0; t <= 300'000; t += 10'000) (void)s.on_market(view_at(t), balanced());
        EXPECT_TRUE(has_transition(s, Machine::phase, u(Phase::exploration),
                                   u(Phase::stabilization), Reason::price_stable));
    }
}

TEST(MmPhase, RollbackOnVolatilityAndLossWithCooldown) {
    StrategyConfig c;
    c.exploration_ms = 1'000;
    c.lvr_velocity_threshold = 1.0;  // keep quotes up through the jumps
    {
        Strategy s(c);
        TimeMs t = 0;
        for (; t <= 300'000; t += 10'000) (void)s.on_market(view_at(t), balanced());
        EXPECT_EQ(s.phase(), Phase::stabilization);
        // The fair price moves from 50 to 60: range 10 / 55 = 18% > 10%.
        (void)s.on_market(view_at(t, 59, 61), balanced());
        EXPECT_TRUE(has_transition(s, Machine::phase, u(Phase::stabilization),
                                   u(Phase::exploration), Reason::rollback_volatility));
        const TimeMs rolled = t;
        // Ten minutes of cooldown: the exploration time (1 s) has long expired, yet no transition.
        (void)s.on_market(view_at(rolled + c.rollback_cooldown_ms - 1, 59, 61), balanced());
        EXPECT_EQ(s.phase(), Phase::exploration);
        (void)s.on_market(view_at(rolled + c.rollback_cooldown_ms, 59, 61), balanced());
        EXPECT_EQ(s.phase(), Phase::stabilization);
    }
    {
        Strategy s(c);
        (void)s.on_market(view_at(0), balanced());
        (void)s.on_market(view_at(2'000), balanced());
        EXPECT_EQ(s.phase(), Phase::stabilization);
        auto p = balanced();
        p.cash -= 26'000;  // daily loss 26000 > 50% of 50000
        (void)s.on_market(view_at(3'000), p);
        EXPECT_TRUE(has_transition(s, Machine::phase, u(Phase::stabilization),
                                   u(Phase::exploration), Reason::rollback_loss));
    }
}

TEST(MmDefence, LevelsMultipliersAndDiscount) {
    Strategy s{StrategyConfig{}};
    (void)s.on_market(view_at(0), balanced());
    EXPECT_EQ(s.defence(), Defence::normal);
    EXPECT_EQ(s.spread_multiplier(), 1.0);
    // Skew 0.85: WIDEN, multiplier 1.5 + 1.5 * (0.85 - 0.8) / 0.1 = 2.25.
    (void)s.on_market(view_at(1), balanced(1850, 150));
    EXPECT_EQ(s.defence(), Defence::widen);
    EXPECT_NEAR(s.spread_multiplier(), 2.25, 1e-12);
    EXPECT_TRUE(
        has_transition(s, Machine::defence, u(Defence::normal), u(Defence::widen), Reason::skew));
    // Skew 0.92: ONE_SIDE, multiplier 2 + 2 * 0.4 = 2.8, discount 5 * 0.4 = 2c; only the ask
    // (the side that sheds YES) is quoted.
    const auto d = s.on_market(view_at(2), balanced(1920, 80));
    EXPECT_EQ(s.defence(), Defence::one_side);
    EXPECT_NEAR(s.spread_multiplier(), 2.8, 1e-12);
    EXPECT_NEAR(s.distress_discount(), 2.0, 1e-12);
    EXPECT_FALSE(d.bid_on);
    EXPECT_TRUE(d.ask_on);
    // Back to 0.85: ONE_SIDE -> WIDEN; up again to 0.92: WIDEN -> ONE_SIDE.
    (void)s.on_market(view_at(2), balanced(1850, 150));
    EXPECT_TRUE(
        has_transition(s, Machine::defence, u(Defence::one_side), u(Defence::widen), Reason::skew));
    (void)s.on_market(view_at(2), balanced(1920, 80));
    EXPECT_TRUE(
        has_transition(s, Machine::defence, u(Defence::widen), u(Defence::one_side), Reason::skew));
    // NO-heavy: only the bid.
    const auto e = s.on_market(view_at(3), balanced(80, 1920));
    EXPECT_TRUE(e.bid_on);
    EXPECT_FALSE(e.ask_on);
    (void)s.on_market(view_at(4), balanced());
    EXPECT_TRUE(has_transition(s, Machine::defence, u(Defence::one_side), u(Defence::normal),
                               Reason::recovered));
    (void)s.on_market(view_at(4), balanced(1850, 150));
    (void)s.on_market(view_at(4), balanced());
    EXPECT_TRUE(has_transition(s, Machine::defence, u(Defence::widen), u(Defence::normal),
                               Reason::recovered));
    // Daily loss 30000 > 50% of 50000: WIDEN at the minimum multiplier.
    auto p = balanced();
    p.cash -= 30'000;
    (void)s.on_market(view_at(5), p);
    EXPECT_TRUE(has_transition(s, Machine::defence, u(Defence::normal), u(Defence::widen),
                               Reason::daily_loss));
    EXPECT_NEAR(s.spread_multiplier(), 1.5, 1e-12);
}

TEST(MmDefence, KillConditions) {
    const auto killed_by = [](const MarketView& v, const Position& p) {
        Strategy s{StrategyConfig{}};
        (void)s.on_market(view_at(0), balanced());
        const auto d = s.on_market(v, p);
        EXPECT_TRUE(d.cancel_all);
        EXPECT_FALSE(d.bid_on || d.ask_on);
        EXPECT_EQ(s.lifecycle(), Lifecycle::emergency);
        return s.transitions().back().machine == Machine::lifecycle
                   ? s.transitions()[s.transitions().size() - 2].reason
                   : s.transitions().back().reason;
    };
    auto halted = view_at(1);
    halted.halted = true;
    EXPECT_EQ(killed_by(halted, balanced()), Reason::halted);
    EXPECT_EQ(killed_by(view_at(1), balanced(1960, 40)), Reason::skew);
    auto poor = balanced();
    poor.cash -= 60'000;  // equity 440000 >= floor, but a 60000 daily loss > 50000
    EXPECT_EQ(killed_by(view_at(1), poor), Reason::daily_loss_limit);
    StrategyConfig c;
    c.min_asset_floor_cents = 480'000;
    Strategy s(c);
    (void)s.on_market(view_at(0), balanced());
    auto p = balanced();
    p.cash -= 30'000;  // equity 470000 < 480000
    (void)s.on_market(view_at(1), p);
    EXPECT_TRUE(has_transition(s, Machine::defence, u(Defence::normal), u(Defence::kill_switch),
                               Reason::asset_floor));
}

TEST(MmQuotes, ReservationSpreadClampsAndLvr) {
    StrategyConfig c;
    Strategy s(c);
    // Balanced inventory, 10 days out (mid tier, gamma 1.5), tau = 240 / 264, sigma 3:
    // spread 1.5 * 9 * 240/264 + (2 / 1.5) ln 2 = 12.2727 + 0.9242 = 13.197; r = 50.
    const auto d = s.on_market(view_at(0, 45, 55), balanced());
    EXPECT_NEAR(s.state().spread, 1.5 * 9.0 * 240.0 / 264.0 + (2.0 / 1.5) * std::log(2.0), 1e-12);
    EXPECT_EQ(d.bid, 43);   // floor(50 - 6.5986)
    EXPECT_EQ(d.ask, 57);   // ceil(50 + 6.5986)
    EXPECT_EQ(d.size, 50);  // exploration: half size
    // Post only: a tight book caps the bid below the ask and the ask above the bid.
    const auto tight = s.on_market(view_at(1'000, 49, 51), balanced());
    EXPECT_LE(tight.bid, 50);
    EXPECT_GE(tight.ask, 50);
    // Near the end of the market the spread floor holds (tau -> 0: 0.92c < 2c).
    auto late = view_at(2'000, 45, 55);
    late.hours_to_end = 0.0;
    (void)s.on_market(late, balanced());
    EXPECT_DOUBLE_EQ(s.state().spread, 2.0);
    // Prices near the edge stay inside [1, 99].
    Strategy fresh(c);
    const auto edge = fresh.on_market(view_at(0, 1, 3), balanced());
    EXPECT_GE(edge.bid, 1);
    EXPECT_LE(edge.ask, 99);
    // LVR: a 20% move within one second pulls every quote for the cooldown.
    StrategyConfig l;
    Strategy v(l);
    (void)v.on_market(view_at(0, 49, 51), balanced());
    EXPECT_TRUE(v.on_market(view_at(500, 59, 61), balanced()).cancel_all);
    EXPECT_TRUE(v.on_market(view_at(500 + l.lvr_cooldown_ms - 1, 59, 61), balanced()).cancel_all);
    EXPECT_FALSE(v.on_market(view_at(500 + l.lvr_cooldown_ms, 59, 61), balanced()).cancel_all);
}

TEST(MmQuotes, OrderForSellsOnlyTheHeavySideAndKeepsLimits) {
    StrategyConfig c;
    Position p = balanced(1'000, 1'200);
    Quote q{};
    ASSERT_TRUE(order_for(true, 48, 100, p, {}, c, q));  // NO-heavy bid 48: sell NO at 52
    EXPECT_EQ(q.outcome, Outcome::no);
    EXPECT_EQ(q.side, Side::sell);
    EXPECT_EQ(q.price, 52);
    ASSERT_TRUE(order_for(false, 53, 100, p, {}, c, q));  // ask 53 on a NO-heavy book: buy NO at 47
    EXPECT_EQ(q.outcome, Outcome::no);
    EXPECT_EQ(q.side, Side::buy);
    EXPECT_EQ(q.price, 47);
    p = balanced(1'300, 1'000);
    ASSERT_TRUE(order_for(false, 53, 100, p, {}, c, q));  // YES-heavy ask: sell YES at 53
    EXPECT_EQ(q.outcome, Outcome::yes);
    EXPECT_EQ(q.side, Side::sell);
    EXPECT_EQ(q.price, 53);
    p.yes_pending_sell = 250;  // only 50 of the excess free: the ask becomes a NO buy
    ASSERT_TRUE(order_for(false, 53, 100, p, {}, c, q));
    EXPECT_EQ(q.side, Side::buy);
    p = balanced();  // balanced: complete sets are never sold, the bid buys YES at 48
    ASSERT_TRUE(order_for(true, 48, 100, p, {}, c, q));
    EXPECT_EQ(q.outcome, Outcome::yes);
    EXPECT_EQ(q.side, Side::buy);
    EXPECT_EQ(q.price, 48);
    EXPECT_FALSE(order_for(true, 48, 100, p, {0, 3'950, 0}, c, q));           // position limit 5000
    EXPECT_FALSE(order_for(true, 48, 100, p, {p.cash - 4'799, 0, 0}, c, q));  // cash
    c.budget_limit_cents = 100'000 + 4'799;  // cost sums 100000: 4800 more does not fit
    EXPECT_FALSE(order_for(true, 48, 100, p, {}, c, q));
}

TEST(MmConfig, ValidationNamesTheKey) {
    StrategyConfig c;
    c.kill_skew = 0.85;
    EXPECT_THROW_MSG(c.validate(), InputError, "kill_skew: must be > one_side_skew");
    c = StrategyConfig{};
    c.gamma_mid = -1.0;
    EXPECT_THROW_MSG(Strategy{c}, InputError, "gamma_mid: must be > 0, got -1");
    c = StrategyConfig{};
    c.initial_cash_cents = 1'000;
    EXPECT_THROW_MSG(c.validate(), InputError, "initial_cash_cents: must pay for the initial sets");
}

// YES/NO markets without complete sets (the batch exchange): the skew is the net position over
// the position limit, bounded (docs/market-maker.md); (YES - NO) / (YES + NO) would read a first
// fill of one share as a full skew of 1 and kill the quotes at once. The orders are the YES/NO
// ones: the bid sells NO held beyond YES, else buys YES; an initial set count is refused.
TEST(MmQuotes, YesNoMarketWithoutSets) {
    StrategyConfig c;
    c.market = MarketKind::yes_no_net;
    c.initial_sets = 0;
    c.position_limit = 2'000;
    Position p;
    p.yes_volume = 300;
    p.no_volume = 100;
    p.cash = 400'000;
    EXPECT_DOUBLE_EQ(inventory_skew(c, p), 0.1);  // (300 - 100) / 2000
    EXPECT_DOUBLE_EQ(inventory_skew(p.yes_volume, p.no_volume), 0.5);  // the set-based skew
    p.yes_volume = 0;
    p.no_volume = 10;
    EXPECT_DOUBLE_EQ(inventory_skew(c, p), -0.005);
    p.no_volume = 5'000;
    EXPECT_DOUBLE_EQ(inventory_skew(c, p), -1.0);  // bounded
    p.no_volume = 100;
    p.no_cost_sum = 40 * 100;
    Quote q{};
    ASSERT_TRUE(order_for(true, 60, 50, p, {}, c, q));  // NO held beyond YES: sell NO at 40
    EXPECT_EQ(q.outcome, Outcome::no);
    EXPECT_EQ(q.side, Side::sell);
    EXPECT_EQ(q.price, 40);
    ASSERT_TRUE(order_for(false, 62, 50, p, {}, c, q));  // no YES to sell: buy NO at 38
    EXPECT_EQ(q.outcome, Outcome::no);
    EXPECT_EQ(q.side, Side::buy);
    EXPECT_EQ(q.price, 38);
    c.initial_sets = 10;
    EXPECT_THROW_MSG(c.validate(), InputError,
                     "initial_sets: must be 0 with market: yes_no_net (the venue has no split)");
}

// Token markets: the skew is the distance from the starting tokens, bounded; the bid buys tokens,
// the ask sells free ones, and nothing is ever NO.
TEST(MmQuotes, TokenMarket) {
    StrategyConfig c;
    c.market = MarketKind::token;
    c.initial_tokens = 1'000;
    Position p;
    p.yes_volume = 1'500;
    p.yes_cost_sum = 95 * 1'500;
    p.cash = 400'000;
    EXPECT_DOUBLE_EQ(inventory_skew(c, p), 0.5);
    p.yes_volume = 3'000;
    EXPECT_DOUBLE_EQ(inventory_skew(c, p), 1.0);
    p.yes_volume = 250;
    EXPECT_DOUBLE_EQ(inventory_skew(c, p), -0.75);
    Quote q{};
    ASSERT_TRUE(order_for(true, 93, 100, p, {}, c, q));
    EXPECT_EQ(q.outcome, Outcome::yes);
    EXPECT_EQ(q.side, Side::buy);
    EXPECT_EQ(q.price, 93);
    ASSERT_TRUE(order_for(false, 97, 100, p, {}, c, q));
    EXPECT_EQ(q.outcome, Outcome::yes);
    EXPECT_EQ(q.side, Side::sell);
    EXPECT_EQ(q.price, 97);
    p.yes_pending_sell = 200;  // 50 free: no ask
    EXPECT_FALSE(order_for(false, 97, 100, p, {}, c, q));
    c.initial_tokens = 0;
    EXPECT_THROW_MSG(c.validate(), InputError, "initial_tokens: must be > 0, got 0");
}
