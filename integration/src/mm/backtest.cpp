#include "pftoken/integration/mm/backtest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "pftoken/base/validate.hpp"
#include "pftoken/error.hpp"

namespace pftoken::integration::mm {

void BacktestOptions::validate() const {
    using namespace validation;
    Rules r;
    r.require("path_interval_ms", static_cast<double>(path_interval_ms), {non_negative()});
    r.require("reconcile_interval_ms", static_cast<double>(reconcile_interval_ms), {positive()});
    if (markout_horizons_ms.size() > kMaxMarkoutHorizons)
        r.fail("markout_horizons_ms",
               fmt::format("must list at most {} horizons", kMaxMarkoutHorizons));
    for (std::size_t i = 0; i < markout_horizons_ms.size(); ++i)
        r.require(fmt::format("markout_horizons_ms[{}]", i),
                  static_cast<double>(markout_horizons_ms[i]), {positive()});
    r.require("tolerance.shares", static_cast<double>(tolerance.shares), {non_negative()});
    r.require("tolerance.cash", static_cast<double>(tolerance.cash), {non_negative()});
    r.require("tolerance.cost", static_cast<double>(tolerance.cost), {non_negative()});
    r.throw_if_failed("backtest");
}

namespace {

/// One order of the bot: a resting slot (bid or ask) or one whose cancel is on its way.
struct Order {
    Quote q{};
    Shares open = 0;
    TimeMs cancelled_at = -1;
    bool live = false;
};

constexpr std::size_t kMaxCancelling = 1024;

double yes_value(Outcome o, double mid) { return o == Outcome::yes ? mid : 100.0 - mid; }

/// The YES-equivalent price of a resting order: a YES bid at b is also a NO sale at 100 - b.
Cents yes_price(const Quote& q) {
    return q.outcome == Outcome::yes ? q.price : static_cast<Cents>(100 - q.price);
}

class Backtester {
  public:
    Backtester(Venue& venue, const StrategyConfig& config, const BacktestOptions& options)
        : venue_(venue),
          options_(options),
          strategy_(config),
          config_(strategy_.config()),
          inventory_(config.initial_cash_cents),
          ledger_(config.initial_cash_cents) {
        options_.validate();
        result_.markout_horizons_ms = options_.markout_horizons_ms;
        summary_.initial_equity =
            static_cast<double>(config.initial_cash_cents);  // before any mint
        horizon_next_.fill(0);
        result_.fills.reserve(4096);
        result_.path.reserve(4096);
    }

    BacktestResult run() {
        MarketView view{};
        bool first = true;
        TimeMs prev = 0;
        while (venue_.next(view)) {
            const TimeMs now = view.ts;
            if (first) {
                summary_.start = now;
                next_sample_ = now;
                next_reconcile_ = now + options_.reconcile_interval_ms;
                first = false;
            } else {
                PFT_ENSURE(now >= prev,
                           fmt::format("the venue's clock went back from {} to {} ms", prev, now));
                account_time(now - prev);
            }
            prev = now;
            ++summary_.events;
            step(view);
        }
        if (!first) finish(prev);
        return std::move(result_);
    }

  private:
    void step(const MarketView& view) {
        const TimeMs now = view.ts;
        drain(now);
        mid_ = view.yes_bid >= 1 && view.yes_ask <= 99 && view.yes_bid < view.yes_ask
                   ? 0.5 * (view.yes_bid + view.yes_ask)
                   : -1.0;

        const Lifecycle before = strategy_.lifecycle();
        // A token market's starting tokens are the inventory target: in the books before the
        // strategy first measures its skew against them.
        if (before == Lifecycle::starting && config_.market == MarketKind::token)
            deposit_tokens(view);
        const QuoteDecision d = strategy_.on_market(view, inventory_.position());
        fair_ = strategy_.state().fair;

        if (mid_ < 0.0) mid_ = fair_;
        update_markouts(now);
        if (before == Lifecycle::starting && strategy_.lifecycle() == Lifecycle::running)
            start_inventory(now);

        switch (strategy_.lifecycle()) {
            case Lifecycle::running:
                burn_excess_sets(now);
                requote(d, view);
                break;
            case Lifecycle::winding_down:
                wind_down(now);
                break;
            default:
                cancel_all(now);
                break;
        }
        if (now >= next_reconcile_) {
            result_.reconciliations.push_back(
                reconcile_and_repair(now, inventory_, ledger_, options_.tolerance));
            next_reconcile_ = now + options_.reconcile_interval_ms;
        }
        const Position& p = inventory_.position();
        summary_.max_abs_skew =
            std::max(summary_.max_abs_skew, std::fabs(inventory_skew(config_, p)));
        if (options_.check_invariants) check_invariants(now);
        if (options_.path_interval_ms > 0 && now >= next_sample_) {
            sample(view);
            next_sample_ = now + options_.path_interval_ms;
        }
        last_view_ = view;
    }

    /// Fills, rejects and confirmed cancels the venue delivered, then cancels past the window.
    void drain(TimeMs now) {
        for (const Fill& f : venue_.drain_fills()) on_fill(f);
        for (const std::uint64_t id : venue_.drain_rejects()) on_reject(id);
        for (const std::uint64_t id : venue_.drain_cancels()) on_cancelled(id);
        settle_cancels(now);
    }

    /// Mints the starting complete sets on the exchange and in the books (50c a leg, as the
    /// exchange books a split).
    void start_inventory(TimeMs now) {
        if (config_.market == MarketKind::token) return;  // deposit_tokens did it
        if (config_.initial_sets > 0) {
            if (!venue_.mint_sets(config_.initial_sets, now))
                throw InputError(
                    "strategy.initial_sets",
                    fmt::format(
                        "the venue refused to mint {} complete sets (cash short, or a venue "
                        "without splits: then set initial_sets: 0)",
                        config_.initial_sets));
            inventory_.mint(config_.initial_sets, 50);
            ledger_.mint(config_.initial_sets, 50);
            summary_.sets_minted += config_.initial_sets;
        }
    }

    /// The venue's account holds the tokens already: the books take them at the first view's
    /// oracle (else its mid, else 50c).
    void deposit_tokens(const MarketView& view) {
        double price = 50.0;
        if (view.oracle)
            price = *view.oracle;
        else if (view.yes_bid >= 1 && view.yes_ask <= 99 && view.yes_bid < view.yes_ask)
            price = 0.5 * (view.yes_bid + view.yes_ask);
        const auto cents = static_cast<Cents>(std::clamp(std::lround(price), 1L, 99L));
        inventory_.deposit(Outcome::yes, config_.initial_tokens, cents);
        ledger_.deposit(Outcome::yes, config_.initial_tokens, cents);
        // Equity at the booked price: the P&L counts from the books' starting marks.
        const Position& p = inventory_.position();
        summary_.initial_equity = static_cast<double>(p.cash + p.yes_cost_sum);
    }

    /// Burns sets on the exchange first; the books follow only when it accepted.
    bool burn_sets(Shares sets, TimeMs now) {
        if (sets <= 0 || !venue_.burn_sets(sets, now)) return false;
        inventory_.burn(sets);
        ledger_.burn(sets);
        summary_.sets_burned += sets;
        return true;
    }

    /// Complete sets bought beyond the starting ones go back to cash (BURN), free shares only.
    void burn_excess_sets(TimeMs now) {
        if (config_.market != MarketKind::yes_no) return;  // no splits or merges
        const Position& p = inventory_.position();
        const Shares free_sets = std::min(p.available(Outcome::yes), p.available(Outcome::no));
        const Shares sets = std::min(free_sets, p.complete_sets() - config_.initial_sets);
        if (sets >= config_.order_size) (void)burn_sets(sets, now);
    }

    // ---- Orders.

    Order* find(std::uint64_t id) {
        if (bid_.live && bid_.q.client_id == id) return &bid_;
        if (ask_.live && ask_.q.client_id == id) return &ask_;
        for (std::size_t i = 0; i < cancelling_count_; ++i)
            if (cancelling_[i].q.client_id == id) return &cancelling_[i];
        return nullptr;
    }

    /// Releases what an order still holds (frozen shares, committed cash) and closes it.
    void retire(Order& o) {
        if (o.open > 0) {
            if (o.q.side == Side::sell)
                inventory_.unfreeze(o.q.outcome, o.open);
            else
                commit(o.q, -o.open);
        }
        o.open = 0;
        o.live = false;
    }

    void commit(const Quote& q, Shares qty) {
        committed_.cash += static_cast<Money>(q.price) * qty;
        (q.outcome == Outcome::yes ? committed_.yes : committed_.no) += qty;
    }

    void compact_cancelling() {
        std::size_t kept = 0;
        for (std::size_t i = 0; i < cancelling_count_; ++i)
            if (cancelling_[i].live) cancelling_[kept++] = cancelling_[i];
        cancelling_count_ = kept;
    }

    void place(Order& slot, const Quote& q, TimeMs now) {
        PFT_ENSURE(
            strategy_.defence() != Defence::kill_switch,
            fmt::format("invariant: an order was about to be placed in KILL_SWITCH at {} ms", now));
        slot.q = q;
        slot.q.client_id = next_id_++;
        slot.open = q.qty;
        slot.cancelled_at = -1;
        slot.live = true;
        if (q.side == Side::sell)
            inventory_.freeze(q.outcome, q.qty);
        else
            commit(q, q.qty);
        venue_.place(slot.q, now);
        ++summary_.orders_placed;
    }

    void cancel(Order& slot, TimeMs now) {
        if (!slot.live) return;
        venue_.cancel(slot.q.client_id, now);
        ++summary_.cancels;
        PFT_ENSURE(
            cancelling_count_ < kMaxCancelling,
            fmt::format("{} cancels unconfirmed at {} ms: the venue does not confirm cancels "
                        "(set strategy.cancel_settle_ms)",
                        kMaxCancelling, now));
        slot.cancelled_at = now;
        cancelling_[cancelling_count_++] = slot;
        slot.live = false;
        slot.open = 0;
    }

    void cancel_all(TimeMs now) {
        cancel(bid_, now);
        cancel(ask_, now);
    }

    /// A confirmed cancel: the order is off the book (also an order the venue cancelled itself).
    void on_cancelled(std::uint64_t id) {
        if (Order* o = find(id)) {
            retire(*o);
            if (o != &bid_ && o != &ask_) compact_cancelling();
        }
    }

    void settle_cancels(TimeMs now) {
        if (config_.cancel_settle_ms <= 0) return;
        bool any = false;
        for (std::size_t i = 0; i < cancelling_count_; ++i) {
            Order& o = cancelling_[i];
            if (o.live && now - o.cancelled_at >= config_.cancel_settle_ms) {
                retire(o);
                any = true;
            }
        }
        if (any) compact_cancelling();
    }

    void on_fill(const Fill& f) {
        Order* o = find(f.client_id);
        PFT_ENSURE(o != nullptr,
                   fmt::format("a fill for unknown order {} at {} ms", f.client_id, f.ts));
        // An order that crosses on arrival trades at the resting price: the same or better.
        const bool price_ok = f.side == Side::buy ? f.price <= o->q.price : f.price >= o->q.price;
        PFT_ENSURE(
            f.qty > 0 && f.qty <= o->open && f.outcome == o->q.outcome && f.side == o->q.side &&
                price_ok,
            fmt::format(
                "a fill of order {} at {} ms does not match the order ({} {} {} at {}c, {} open; "
                "fill {} at {}c)",
                f.client_id, f.ts, o->q.outcome == Outcome::yes ? "YES" : "NO",
                o->q.side == Side::buy ? "buy" : "sell", o->q.qty, o->q.price, o->open, f.qty,
                f.price));
        o->open -= f.qty;
        if (f.side == Side::buy) commit(o->q, -f.qty);  // committed at the order's price
        inventory_.apply(f);
        ledger_.fill(f);
        strategy_.on_fill(f);
        (f.side == Side::buy ? summary_.bought : summary_.sold) += f.qty;
        ++summary_.fills;
        FillRecord rec{f, mid_, {}};
        rec.markout.fill(std::numeric_limits<double>::quiet_NaN());
        result_.fills.push_back(rec);
        if (f.remaining == 0 || o->open == 0) {
            retire(*o);
            if (o != &bid_ && o != &ask_) compact_cancelling();
        }
    }

    void on_reject(std::uint64_t id) {
        ++summary_.rejects;
        if (Order* o = find(id)) {
            retire(*o);
            if (o != &bid_ && o != &ask_) compact_cancelling();
        }
    }

    /// Keeps a resting order that already carries the wanted side, else cancels and replaces it.
    void requote_side(Order& slot, bool on, bool bid_side, Cents price, Shares size, TimeMs now) {
        if (!on) {
            cancel(slot, now);
            return;
        }
        if (slot.live && yes_price(slot.q) == price) return;
        cancel(slot, now);
        Quote q{};
        if (order_for(bid_side, price, size, inventory_.position(), committed_, config_, q))
            place(slot, q, now);
    }

    void requote(const QuoteDecision& d, const MarketView& view) {
        if (d.cancel_all) {
            cancel_all(view.ts);
            return;
        }
        requote_side(bid_, d.bid_on, true, d.bid, d.size, view.ts);
        requote_side(ask_, d.ask_on, false, d.ask, d.size, view.ts);
    }

    void wind_down(TimeMs now) {
        cancel_all(now);
        if (cancelling_count_ > 0) return;
        // Burn the complete sets; a venue that refuses after the resolution pays them at
        // settlement instead (one winning share each: the same 100c).
        const Position& p = inventory_.position();
        (void)burn_sets(std::min(p.available(Outcome::yes), p.available(Outcome::no)), now);
        const Outcome winner = strategy_.winning_outcome() == 1 ? Outcome::yes : Outcome::no;
        inventory_.settle(winner);
        ledger_.settle(winner);
        strategy_.wound_down(now);
    }

    // ---- Records.

    void update_markouts(TimeMs now) {
        const auto& horizons = options_.markout_horizons_ms;
        for (std::size_t h = 0; h < horizons.size(); ++h) {
            std::size_t& next = horizon_next_[h];
            while (next < result_.fills.size() &&
                   result_.fills[next].fill.ts + horizons[h] <= now) {
                auto& rec = result_.fills[next];
                const double value = yes_value(rec.fill.outcome, mid_);
                rec.markout[h] =
                    rec.fill.side == Side::buy ? value - rec.fill.price : rec.fill.price - value;
                ++next;
            }
        }
    }

    void account_time(TimeMs dt) {
        summary_.time_in_lifecycle[static_cast<std::size_t>(strategy_.lifecycle())] += dt;
        summary_.time_in_phase[static_cast<std::size_t>(strategy_.phase())] += dt;
        summary_.time_in_defence[static_cast<std::size_t>(strategy_.defence())] += dt;
        if (bid_.live) summary_.bid_up_ms += dt;
        if (ask_.live) summary_.ask_up_ms += dt;
        if (bid_.live && ask_.live) summary_.both_up_ms += dt;
    }

    void check_invariants(TimeMs now) {
        ++summary_.invariant_checks;
        const Position& p = inventory_.position();
        const bool kill = strategy_.defence() == Defence::kill_switch;
        const double skew = std::fabs(inventory_skew(config_, p));
        PFT_ENSURE(kill || skew <= config_.kill_skew,
                   fmt::format("invariant A1: skew {} > {} without the kill switch at {} ms", skew,
                               config_.kill_skew, now));
        PFT_ENSURE(p.available(Outcome::yes) >= 0 && p.available(Outcome::no) >= 0,
                   fmt::format("invariant A2: available shares below zero at {} ms", now));
        PFT_ENSURE(
            kill || strategy_.lifecycle() == Lifecycle::starting ||
                p.equity(fair_) >= static_cast<double>(config_.min_asset_floor_cents),
            fmt::format("invariant A3: assets {} below the floor without the kill switch at {} ms",
                        p.equity(fair_), now));
        PFT_ENSURE(!kill || (!bid_.live && !ask_.live),
                   fmt::format("invariant: an order rests in KILL_SWITCH at {} ms", now));
    }

    void sample(const MarketView& view) {
        const Position& p = inventory_.position();
        const double equity = p.equity(fair_);
        result_.path.push_back(PathPoint{view.ts, fair_, mid_, view.yes_bid, view.yes_ask,
                                         bid_.live ? yes_price(bid_.q) : Cents{0},
                                         ask_.live ? yes_price(ask_.q) : Cents{0}, p.yes_volume,
                                         p.no_volume, inventory_skew(config_, p), equity,
                                         equity - summary_.initial_equity, strategy_.lifecycle(),
                                         strategy_.phase(), strategy_.defence()});
    }

    void finish(TimeMs now) {
        drain(now);  // what the venue still delivers after its last view
        if (strategy_.lifecycle() == Lifecycle::winding_down) {
            // The market has resolved and the stream has ended: no fill can follow any more.
            cancel_all(now);
            for (std::size_t i = 0; i < cancelling_count_; ++i) retire(cancelling_[i]);
            cancelling_count_ = 0;
            wind_down(now);
        } else if (strategy_.lifecycle() != Lifecycle::stopped) {
            cancel_all(now);
            strategy_.end_of_data(now);
        }
        // A closing reconciliation, whatever the timer says.
        result_.reconciliations.push_back(
            reconcile_and_repair(now, inventory_, ledger_, options_.tolerance));
        if (options_.path_interval_ms > 0 &&
            (result_.path.empty() || result_.path.back().ts != now))
            sample(last_view_);
        const Position& p = inventory_.position();
        summary_.end = now;
        summary_.final_fair = fair_;
        summary_.final_position = p;
        summary_.final_equity = p.equity(fair_);
        summary_.realised = p.realised;
        summary_.fees = p.fees;
        summary_.rebates = p.rebates;
        summary_.unrealised = p.unrealised(fair_);
        summary_.total_pnl = summary_.final_equity - summary_.initial_equity;
        summary_.final_lifecycle = strategy_.lifecycle();
        const auto& fp = strategy_.fair_price();
        summary_.oracle_accepted = fp.oracle_counts().accepted;
        summary_.oracle_stale = fp.oracle_counts().stale;
        summary_.oracle_deviation = fp.oracle_counts().deviation;
        summary_.oracle_gap = fp.oracle_counts().gap;
        result_.summary = summary_;
        result_.transitions = strategy_.transitions();
    }

    Venue& venue_;
    BacktestOptions options_;
    Strategy strategy_;
    const StrategyConfig& config_;
    Inventory inventory_;
    FillLedger ledger_;
    BacktestResult result_;
    BacktestSummary summary_;
    Order bid_, ask_;
    std::array<Order, kMaxCancelling> cancelling_{};
    std::size_t cancelling_count_ = 0;
    Commitments committed_;
    std::uint64_t next_id_ = 1;
    std::array<std::size_t, kMaxMarkoutHorizons> horizon_next_{};
    TimeMs next_sample_ = 0;
    TimeMs next_reconcile_ = 0;
    double fair_ = 50.0;
    double mid_ = 50.0;
    MarketView last_view_{};
};

}  // namespace

BacktestResult run_backtest(Venue& venue, const StrategyConfig& config,
                            const BacktestOptions& options) {
    config.validate();
    return Backtester(venue, config, options).run();
}

}  // namespace pftoken::integration::mm
