#include "pftoken/integration/mm/strategy.hpp"

#include <algorithm>
#include <cmath>

#include "pftoken/error.hpp"

namespace pftoken::integration::mm {

namespace {
constexpr TimeMs kDayMs = 86'400'000;
double clamp01(double x) { return std::clamp(x, 0.0, 1.0); }
}  // namespace

// ---- Closed forms.

double smoothing_tau(double hours, double kappa) {
    if (!(hours > 0.0)) return 0.0;
    return hours / (hours + kappa);
}

double reservation_price(double s, double q, double gamma, double sigma, double tau) {
    return s - q * gamma * sigma * sigma * tau;
}

double optimal_spread(double gamma, double sigma, double tau, double k) {
    return gamma * sigma * sigma * tau + (2.0 / gamma) * std::log1p(gamma / k);
}

double microprice(Cents bid, Shares bid_qty, Cents ask, Shares ask_qty) {
    const double total = static_cast<double>(bid_qty + ask_qty);
    if (!(total > 0.0)) return 0.5 * (bid + ask);
    const double imbalance = static_cast<double>(bid_qty) / total;
    return imbalance * ask + (1.0 - imbalance) * bid;
}

double inventory_skew(Shares yes, Shares no) {
    const Shares total = yes + no;
    return total > 0 ? static_cast<double>(yes - no) / static_cast<double>(total) : 0.0;
}

double inventory_skew(const StrategyConfig& c, const Position& p) {
    if (c.market == MarketKind::yes_no) return inventory_skew(p.yes_volume, p.no_volume);
    if (c.market == MarketKind::yes_no_net)
        return std::clamp(static_cast<double>(p.yes_volume - p.no_volume) /
                              static_cast<double>(c.position_limit),
                          -1.0, 1.0);
    const double target = static_cast<double>(c.initial_tokens);
    return std::clamp((static_cast<double>(p.yes_volume) - target) / target, -1.0, 1.0);
}

double tier_gamma(const StrategyConfig& c, double days) {
    if (days < c.tier_short_days) return c.gamma_short;
    if (days <= c.tier_long_days) return c.gamma_mid;
    return c.gamma_long;
}

// ---- Names.

std::string_view name(Lifecycle s) {
    switch (s) {
        case Lifecycle::starting:
            return "STARTING";
        case Lifecycle::running:
            return "RUNNING";
        case Lifecycle::emergency:
            return "EMERGENCY";
        case Lifecycle::winding_down:
            return "WINDING_DOWN";
        case Lifecycle::stopped:
            return "STOPPED";
    }
    return "?";
}
std::string_view name(Phase s) { return s == Phase::exploration ? "EXPLORATION" : "STABILIZATION"; }
std::string_view name(Defence s) {
    switch (s) {
        case Defence::normal:
            return "NORMAL";
        case Defence::widen:
            return "WIDEN";
        case Defence::one_side:
            return "ONE_SIDE";
        case Defence::kill_switch:
            return "KILL_SWITCH";
    }
    return "?";
}
std::string_view name(Machine m) {
    switch (m) {
        case Machine::lifecycle:
            return "lifecycle";
        case Machine::phase:
            return "phase";
        case Machine::defence:
            return "defence";
    }
    return "?";
}
std::string_view name(Reason r) {
    switch (r) {
        case Reason::initialised:
            return "INITIALISED";
        case Reason::failed_to_start:
            return "FAILED_TO_START";
        case Reason::kill_switch:
            return "KILL_SWITCH";
        case Reason::market_resolved:
            return "MARKET_RESOLVED";
        case Reason::wound_down:
            return "WOUND_DOWN";
        case Reason::end_of_data:
            return "END_OF_DATA";
        case Reason::resumed:
            return "RESUMED";
        case Reason::time_expired:
            return "TIME_EXPIRED";
        case Reason::volume_reached:
            return "VOLUME_REACHED";
        case Reason::price_stable:
            return "PRICE_STABLE";
        case Reason::rollback_volatility:
            return "EMERGENCY_ROLLBACK_VOLATILITY";
        case Reason::rollback_loss:
            return "EMERGENCY_ROLLBACK_DAILY_LOSS";
        case Reason::skew:
            return "SKEW";
        case Reason::daily_loss:
            return "DAILY_LOSS";
        case Reason::recovered:
            return "RECOVERED";
        case Reason::halted:
            return "MARKET_HALTED";
        case Reason::asset_floor:
            return "ASSET_FLOOR";
        case Reason::daily_loss_limit:
            return "DAILY_LOSS_LIMIT";
        case Reason::manual_reset:
            return "MANUAL_RESET";
    }
    return "?";
}
std::string_view state_name(Machine m, std::uint8_t state) {
    switch (m) {
        case Machine::lifecycle:
            return name(static_cast<Lifecycle>(state));
        case Machine::phase:
            return name(static_cast<Phase>(state));
        case Machine::defence:
            return name(static_cast<Defence>(state));
    }
    return "?";
}

// ---- Fair price.

double FairPrice::update(const MarketView& v) {
    now_ = v.ts;
    // Layer 2: the microprice of the top of the book; one-sided or empty books keep the last.
    const bool two_sided = v.yes_bid >= 1 && v.yes_ask <= 99 && v.yes_bid < v.yes_ask;
    if (two_sided)
        micro_ = microprice(v.yes_bid, v.yes_bid_qty, v.yes_ask, v.yes_ask_qty);
    else if (!have_fair_ && v.last_trade >= 1 && v.last_trade <= 99)
        micro_ = v.last_trade;
    // Layer 1: the oracle anchor when fresh, close to the book and without a jump since its
    // previous update (a jump is refused once; the next consistent update is accepted).
    oracle_used_ = false;
    if (v.oracle) {
        const double o = *v.oracle;
        if (v.oracle_ts != last_oracle_ts_) {
            last_oracle_ok_ =
                last_oracle_ts_ < 0 || std::fabs(o - last_oracle_) <= c_->oracle_gap_cents;
            if (!last_oracle_ok_) ++counts_.gap;
            last_oracle_ = o;
            last_oracle_ts_ = v.oracle_ts;
        }
        if (!last_oracle_ok_) {
        } else if (v.ts - v.oracle_ts > c_->oracle_stale_ms) {
            ++counts_.stale;
        } else if (std::fabs(o - micro_) > c_->oracle_deviation_cents) {
            ++counts_.deviation;
        } else {
            ++counts_.accepted;
            oracle_used_ = true;
        }
    }
    const double anchor =
        oracle_used_ ? c_->oracle_weight * last_oracle_ + (1.0 - c_->oracle_weight) * micro_
                     : micro_;
    // Layer 3: the post-fill adjustment, halving every half-life.
    if (adjust_ != 0.0) {
        adjust_ *= std::exp2(-static_cast<double>(v.ts - adjust_ts_) /
                             static_cast<double>(c_->post_fill_half_life_ms));
        adjust_ts_ = v.ts;
        if (std::fabs(adjust_) < 1e-6) adjust_ = 0.0;
    }
    fair_ = std::clamp(anchor + adjust_, 1.0, 99.0);
    have_fair_ = true;
    return fair_;
}

void FairPrice::on_fill(const Fill& f) {
    // A maker fill is evidence against the filled side: buying YES (or selling NO) lowers the
    // YES fair price, buying NO (or selling YES) raises it.
    const bool long_yes = (f.outcome == Outcome::yes) == (f.side == Side::buy);
    if (adjust_ != 0.0)
        adjust_ *= std::exp2(-static_cast<double>(f.ts - adjust_ts_) /
                             static_cast<double>(c_->post_fill_half_life_ms));
    adjust_ += long_yes ? -c_->post_fill_shift_cents : c_->post_fill_shift_cents;
    adjust_ts_ = f.ts;
}

// ---- Sigma.

SigmaEstimator::SigmaEstimator(const StrategyConfig& c)
    : c_(&c),
      variance_(c.sigma_initial_cents * c.sigma_initial_cents),
      sigma_(std::clamp(c.sigma_initial_cents, c.sigma_min_cents, c.sigma_max_cents)) {}

void SigmaEstimator::update(TimeMs ts, double fair) {
    if (last_ts_ < 0) {
        last_ts_ = ts;
        last_ = fair;
        return;
    }
    const TimeMs elapsed = ts - last_ts_;
    if (elapsed < c_->sigma_interval_ms) return;
    // A change over n intervals counts as n intervals' variance.
    const double n = static_cast<double>(elapsed / c_->sigma_interval_ms);
    const double d = fair - last_;
    variance_ = c_->sigma_ewma_lambda * variance_ + (1.0 - c_->sigma_ewma_lambda) * d * d / n;
    sigma_ = std::clamp(std::sqrt(variance_), c_->sigma_min_cents, c_->sigma_max_cents);
    last_ = fair;
    last_ts_ += static_cast<TimeMs>(n) * c_->sigma_interval_ms;
}

// ---- Rolling range.

void RangeWindow::update(TimeMs ts, double price) {
    const std::int64_t id = ts / bucket_ms_;
    if (first_id_ < 0) first_id_ = id;
    Bucket& b = buckets_[static_cast<std::size_t>(id % kBuckets)];
    if (b.id != id)
        b = Bucket{id, price, price};
    else
        b.lo = std::min(b.lo, price), b.hi = std::max(b.hi, price);
    current_id_ = id;
    full_ = id - first_id_ >= kBuckets;
}

double RangeWindow::relative_range() const {
    double lo = 0.0, hi = 0.0;
    bool any = false;
    for (const auto& b : buckets_) {
        if (b.id < 0 || b.id <= current_id_ - kBuckets) continue;
        lo = any ? std::min(lo, b.lo) : b.lo;
        hi = any ? std::max(hi, b.hi) : b.hi;
        any = true;
    }
    if (!any || hi + lo <= 0.0) return 0.0;
    return (hi - lo) / (0.5 * (hi + lo));
}

// ---- Strategy.

Strategy::Strategy(const StrategyConfig& config)
    : config_(config), fair_(config_), sigma_(config_), range_(config_.volatility_window_ms) {
    config_.validate();
    transitions_.reserve(1024);
}

void Strategy::set_lifecycle(TimeMs ts, Lifecycle to, Reason why) {
    if (to == lifecycle_) return;
    transitions_.push_back({ts, Machine::lifecycle, static_cast<std::uint8_t>(lifecycle_),
                            static_cast<std::uint8_t>(to), why});
    lifecycle_ = to;
}
void Strategy::set_phase(TimeMs ts, Phase to, Reason why) {
    if (to == phase_) return;
    transitions_.push_back({ts, Machine::phase, static_cast<std::uint8_t>(phase_),
                            static_cast<std::uint8_t>(to), why});
    phase_ = to;
}
void Strategy::set_defence(TimeMs ts, Defence to, Reason why) {
    if (to == defence_) return;
    transitions_.push_back({ts, Machine::defence, static_cast<std::uint8_t>(defence_),
                            static_cast<std::uint8_t>(to), why});
    defence_ = to;
}

double Strategy::spread_multiplier() const {
    const double q = std::fabs(state_.skew);
    const auto& c = config_;
    switch (defence_) {
        case Defence::widen:
            return c.widen_multiplier_min +
                   (c.widen_multiplier_max - c.widen_multiplier_min) *
                       clamp01((q - c.widen_skew) / (c.one_side_skew - c.widen_skew));
        case Defence::one_side:
            return c.one_side_multiplier_min +
                   (c.one_side_multiplier_max - c.one_side_multiplier_min) *
                       clamp01((q - c.one_side_skew) / (c.kill_skew - c.one_side_skew));
        default:
            return 1.0;
    }
}

double Strategy::distress_discount() const {
    if (defence_ != Defence::one_side) return 0.0;
    const auto& c = config_;
    return c.distress_discount_max_cents *
           clamp01((std::fabs(state_.skew) - c.one_side_skew) / (c.kill_skew - c.one_side_skew));
}

void Strategy::on_fill(const Fill& fill) {
    fair_.on_fill(fill);
    exploration_volume_ += fill.qty;
}

void Strategy::update_phase(TimeMs ts) {
    const auto& c = config_;
    if (phase_ == Phase::exploration) {
        if (ts < rollback_cooldown_until_) return;
        if (ts - exploration_start_ >= c.exploration_ms)
            set_phase(ts, Phase::stabilization, Reason::time_expired);
        else if (exploration_volume_ >= c.exploration_volume_target)
            set_phase(ts, Phase::stabilization, Reason::volume_reached);
        else if (range_.full() && state_.range_5m < c.stable_volatility)
            set_phase(ts, Phase::stabilization, Reason::price_stable);
        return;
    }
    Reason why = Reason::recovered;
    if (range_.full() && state_.range_5m > c.rollback_volatility)
        why = Reason::rollback_volatility;
    else if (state_.daily_loss >
             c.rollback_loss_fraction * static_cast<double>(c.max_loss_daily_cents))
        why = Reason::rollback_loss;
    else
        return;
    set_phase(ts, Phase::exploration, why);
    exploration_start_ = ts;
    exploration_volume_ = 0;
    rollback_cooldown_until_ = ts + c.rollback_cooldown_ms;
}

void Strategy::update_defence(const MarketView& v) {
    const auto& c = config_;
    if (defence_ == Defence::kill_switch) return;  // reset only by hand
    const double q = std::fabs(state_.skew);
    Reason kill = Reason::recovered;
    if (q > c.kill_skew)
        kill = Reason::skew;
    else if (v.halted)
        kill = Reason::halted;
    else if (state_.equity < static_cast<double>(c.min_asset_floor_cents))
        kill = Reason::asset_floor;
    else if (state_.daily_loss > static_cast<double>(c.max_loss_daily_cents))
        kill = Reason::daily_loss_limit;
    if (kill != Reason::recovered) {
        set_defence(v.ts, Defence::kill_switch, kill);
        return;
    }
    const bool losing =
        state_.daily_loss > c.widen_loss_fraction * static_cast<double>(c.max_loss_daily_cents);
    if (q > c.one_side_skew)
        set_defence(v.ts, Defence::one_side, Reason::skew);
    else if (q > c.widen_skew)
        set_defence(v.ts, Defence::widen, Reason::skew);
    else if (losing)
        set_defence(v.ts, Defence::widen, Reason::daily_loss);
    else
        set_defence(v.ts, Defence::normal, Reason::recovered);
}

void Strategy::update_lvr(TimeMs ts) {
    const double s = state_.fair;
    if (lvr_window_start_ < 0 || ts - lvr_window_start_ >= config_.lvr_window_ms) {
        lvr_window_start_ = ts;
        lvr_reference_ = s;
    } else if (std::fabs(s - lvr_reference_) / lvr_reference_ > config_.lvr_velocity_threshold) {
        lvr_until_ = ts + config_.lvr_cooldown_ms;
        lvr_window_start_ = ts;
        lvr_reference_ = s;
    }
    state_.lvr_pulled = ts < lvr_until_;
}

QuoteDecision Strategy::on_market(const MarketView& v, const Position& p) {
    auto& st = state_;
    const auto& c = config_;
    st.fair = fair_.update(v);
    sigma_.update(v.ts, st.fair);
    range_.update(v.ts, st.fair);
    st.range_5m = range_.relative_range();
    st.sigma = sigma_.sigma();
    st.gamma = tier_gamma(c, v.hours_to_end / 24.0);
    st.tau = smoothing_tau(v.hours_to_end, c.time_smoothing_kappa);
    st.skew = inventory_skew(c, p);
    st.equity = p.equity(st.fair);
    const std::int64_t day = v.ts >= 0 ? v.ts / kDayMs : (v.ts - kDayMs + 1) / kDayMs;
    if (day != day_) {
        day_ = day;
        day_open_equity_ = st.equity;
    }
    st.daily_loss = std::max(0.0, day_open_equity_ - st.equity);
    update_lvr(v.ts);

    if (lifecycle_ == Lifecycle::starting) {
        if (v.resolved)
            set_lifecycle(v.ts, Lifecycle::stopped, Reason::failed_to_start);
        else {
            set_lifecycle(v.ts, Lifecycle::running, Reason::initialised);
            exploration_start_ = v.ts;
        }
    }
    if (v.resolved && (lifecycle_ == Lifecycle::running || lifecycle_ == Lifecycle::emergency)) {
        winning_ = v.winning_outcome;
        set_lifecycle(v.ts, Lifecycle::winding_down, Reason::market_resolved);
    }
    if (lifecycle_ == Lifecycle::running || lifecycle_ == Lifecycle::emergency) update_phase(v.ts);
    // The defence stack keeps watching while orders may still fill during the wind-down.
    if (lifecycle_ == Lifecycle::running || lifecycle_ == Lifecycle::emergency ||
        lifecycle_ == Lifecycle::winding_down)
        update_defence(v);
    if (lifecycle_ == Lifecycle::running && defence_ == Defence::kill_switch)
        set_lifecycle(v.ts, Lifecycle::emergency, Reason::kill_switch);
    return quotes(v);
}

QuoteDecision Strategy::quotes(const MarketView& v) {
    auto& st = state_;
    const auto& c = config_;
    QuoteDecision d;
    if (lifecycle_ != Lifecycle::running || defence_ == Defence::kill_switch || st.lvr_pulled ||
        v.halted) {
        d.cancel_all = true;
        return d;
    }
    // Reservation price and spread: q is the inventory skew in [-1, 1].
    st.reservation = reservation_price(st.fair, st.skew, st.gamma, st.sigma, st.tau);
    const double base = static_cast<double>(c.base_spread_cents),
                 top = static_cast<double>(c.max_spread_cents);
    const double as = optimal_spread(st.gamma, st.sigma, st.tau, c.order_arrival_k);
    st.spread = std::clamp(std::max(as, base) * spread_multiplier(), base, top);
    const double half = 0.5 * st.spread;
    double bid = std::floor(st.reservation - half);
    double ask = std::ceil(st.reservation + half);
    // Distress discount: the light side moves towards the market to shed the heavy side.
    const double discount = std::round(distress_discount());
    bid = std::clamp(bid, 1.0, 98.0);
    ask = std::clamp(ask, 2.0, 99.0);
    d.bid_on = d.ask_on = true;
    if (defence_ == Defence::one_side) {
        if (st.skew > 0.0)
            d.bid_on = false, ask = std::max(ask - discount, 2.0);
        else
            d.ask_on = false, bid = std::min(bid + discount, 98.0);
    }
    // Post only: never cross the other side of the book.
    if (v.yes_ask >= 1 && v.yes_ask <= 99) bid = std::min(bid, static_cast<double>(v.yes_ask - 1));
    if (v.yes_bid >= 1 && v.yes_bid <= 99) ask = std::max(ask, static_cast<double>(v.yes_bid + 1));
    if (bid < 1.0) d.bid_on = false;
    if (ask > 99.0) d.ask_on = false;
    if (d.bid_on && d.ask_on && ask <= bid) ask = bid + 1.0;
    if (ask > 99.0) d.ask_on = false;
    d.bid = static_cast<Cents>(bid);
    d.ask = static_cast<Cents>(ask);
    const double fraction = phase_ == Phase::exploration ? c.exploration_size_fraction : 1.0;
    d.size = std::max<Shares>(
        1, static_cast<Shares>(std::floor(static_cast<double>(c.order_size) * fraction)));
    return d;
}

bool order_for(bool bid_side, Cents yes_price, Shares size, const Position& p,
               const Commitments& committed, const StrategyConfig& c, Quote& out) {
    // Both orders move YES - NO the same way; the native sale shrinks the inventory and the buy
    // grows it. Only the heavy side's excess over the complete sets is sold, so the sets stay.
    if (c.market == MarketKind::token) {
        // One token, no NO: the ask sells free tokens, the bid buys them.
        out.qty = size;
        out.outcome = Outcome::yes;
        out.price = yes_price;
        if (!bid_side) {
            out.side = Side::sell;
            return p.available(Outcome::yes) >= size;
        }
        out.side = Side::buy;
        const Money notional = static_cast<Money>(yes_price) * size;
        return p.cash - committed.cash >= notional &&
               p.yes_cost_sum + committed.cash + notional <= c.budget_limit_cents &&
               p.yes_volume + committed.yes + size <= c.position_limit;
    }
    const Outcome sell_outcome = bid_side ? Outcome::no : Outcome::yes;
    const Outcome buy_outcome = bid_side ? Outcome::yes : Outcome::no;
    const Cents sell_price = static_cast<Cents>(100 - yes_price);
    out.qty = size;
    // Excess not yet offered by a resting sale (those shares are frozen).
    const Shares excess =
        p.volume(sell_outcome) - p.volume(buy_outcome) - p.pending_sell(sell_outcome);
    if (excess >= size) {
        out.outcome = sell_outcome;
        out.side = Side::sell;
        out.price = bid_side ? sell_price : yes_price;
        return true;
    }
    const Cents price = bid_side ? yes_price : sell_price;
    const Money notional = static_cast<Money>(price) * size;
    const Shares held =
        p.volume(buy_outcome) + (buy_outcome == Outcome::yes ? committed.yes : committed.no);
    if (p.cash - committed.cash < notional) return false;
    if (p.yes_cost_sum + p.no_cost_sum + committed.cash + notional > c.budget_limit_cents)
        return false;
    if (held + size > c.position_limit) return false;
    out.outcome = buy_outcome;
    out.side = Side::buy;
    out.price = price;
    return true;
}

void Strategy::wound_down(TimeMs ts) {
    PFT_ENSURE(lifecycle_ == Lifecycle::winding_down, "wound_down outside WINDING_DOWN");
    set_lifecycle(ts, Lifecycle::stopped, Reason::wound_down);
}

void Strategy::end_of_data(TimeMs ts) {
    set_lifecycle(ts, Lifecycle::stopped, Reason::end_of_data);
}

void Strategy::reset_kill_switch(TimeMs ts) {
    if (defence_ != Defence::kill_switch) return;
    set_defence(ts, Defence::normal, Reason::manual_reset);
    if (lifecycle_ == Lifecycle::emergency) set_lifecycle(ts, Lifecycle::running, Reason::resumed);
}

}  // namespace pftoken::integration::mm
