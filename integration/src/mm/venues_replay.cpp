// The replay venue: recorded events, virtual orders and the queue-position model
// (docs/order-book.md, "Replay venue").
#include "pftoken/integration/mm/venues_replay.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "pftoken/amm/clob/book.hpp"
#include "pftoken/base/validate.hpp"
#include "pftoken/error.hpp"

namespace pftoken::integration::mm {

namespace check = ::pftoken::validation;

namespace {
constexpr Shares kMaxQty = 1'000'000'000;
constexpr std::size_t kBid = 0, kAsk = 1;
std::size_t side_index(bool bid) noexcept { return bid ? kBid : kAsk; }
std::size_t at(Cents p) noexcept { return static_cast<std::size_t>(p); }
}  // namespace

void ReplayParams::validate(const std::string& prefix) const {
    latency.validate(prefix + "latency.");
    check::Rules rules;
    rules.require(prefix + "mm_cash_cents", static_cast<double>(mm_cash_cents), {check::in_closed(0, 1e15)});
    rules.require(prefix + "taker_fee_bps", taker_fee_bps, {check::in_closed(0, 1000)});
    rules.require(prefix + "maker_fee_bps", maker_fee_bps, {check::in_closed(-1000, 1000)});
    if (end_ms) rules.require(prefix + "end_ms", static_cast<double>(*end_ms), {check::non_negative()});
    rules.throw_if_failed("replay");
}

ReplayVenue::ReplayVenue(EventLog log, const ReplayParams& params)
    : LatencyVenue((params.validate(), params.latency)), log_(std::move(log)), params_(params) {
    if (log_.events.empty()) throw InputError(log_.source, "must hold at least one event");
    end_ms_ = params_.end_ms.value_or(log_.events.back().ts);
    account_.cash = params_.mm_cash_cents;
    orders_.reserve(256);
}

Shares ReplayVenue::displayed(bool bid, Cents p) const noexcept {
    return p >= 0 && p <= 100 ? depth_[side_index(bid)][at(p)] : 0;
}

Cents ReplayVenue::best(bool bid) const noexcept {
    if (bid) {
        for (Cents p = 99; p >= 1; --p)
            if (depth_[kBid][at(p)] > 0) return p;
        return 0;
    }
    for (Cents p = 1; p <= 99; ++p)
        if (depth_[kAsk][at(p)] > 0) return p;
    return 100;
}

std::optional<double> ReplayVenue::queue_ahead(std::uint64_t client_id) const noexcept {
    for (const Order& o : orders_)
        if (o.client_id == client_id && o.remaining > 0) return o.ahead;
    return std::nullopt;
}

TimeMs ReplayVenue::next_event_time() { return next_ < log_.events.size() ? log_.events[next_].ts : kNever; }

void ReplayVenue::fill(std::size_t k, Shares qty, bool maker, TimeMs ts) {
    Order& o = orders_[k];
    if (qty <= 0 || o.remaining <= 0) return;
    qty = std::min(qty, o.remaining);
    const Money notional = static_cast<Money>(o.price) * qty;
    const Money fee = amm::clob::fee_of(notional, maker ? params_.maker_fee_bps : params_.taker_fee_bps);
    Shares& held = o.outcome == Outcome::yes ? account_.yes : account_.no;
    if (o.side == Side::buy) {
        account_.locked_cash -= o.lock_per_share * qty;
        account_.cash -= notional + fee;
        held += qty;
    } else {
        (o.outcome == Outcome::yes ? account_.locked_yes : account_.locked_no) -= qty;
        held -= qty;
        account_.cash += notional - fee;
    }
    account_.fees += fee;
    o.remaining -= qty;
    // The recorded data do not say whether the counterparty minted or burned: a transfer.
    report_fill({ts, o.client_id, o.outcome, o.side, o.price, qty, o.remaining, fee,
                 o.outcome == Outcome::yes ? Scenario::transfer_yes : Scenario::transfer_no});
}

void ReplayVenue::close(std::size_t k) {
    Order& o = orders_[k];
    if (o.side == Side::buy) account_.locked_cash -= o.lock_per_share * o.remaining;
    else (o.outcome == Outcome::yes ? account_.locked_yes : account_.locked_no) -= o.remaining;
    o.remaining = 0;
}

bool ReplayVenue::arrive_place(const Quote& q, TimeMs ts) {
    now_ = std::max(now_, ts);
    const bool duplicate = std::any_of(orders_.begin(), orders_.end(), [&](const Order& o) { return o.client_id == q.client_id; });
    const bool valid = !resolved_ && !halted_ && !duplicate && q.price >= 1 && q.price <= 99 && q.qty >= 1 && q.qty <= kMaxQty;
    Order o;
    o.client_id = q.client_id;
    o.outcome = q.outcome;
    o.side = q.side;
    o.price = q.price;
    o.remaining = q.qty;
    o.bid = (q.outcome == Outcome::yes) == (q.side == Side::buy);
    o.yes_level = q.outcome == Outcome::yes ? q.price : 100 - q.price;
    bool funded = false;
    if (valid && q.side == Side::buy) {
        o.lock_per_share = amm::clob::buy_lock_per_share(q.price, params_.taker_fee_bps, params_.maker_fee_bps);
        funded = account_.cash - account_.locked_cash >= o.lock_per_share * q.qty;
        if (funded) account_.locked_cash += o.lock_per_share * q.qty;
    } else if (valid) {
        Shares& locked = q.outcome == Outcome::yes ? account_.locked_yes : account_.locked_no;
        const Shares held = q.outcome == Outcome::yes ? account_.yes : account_.no;
        funded = held - locked >= q.qty;
        if (funded) locked += q.qty;
    }
    if (!funded) {
        report_reject(q.client_id, ts);
        return false;
    }
    orders_.push_back(o);
    const std::size_t k = orders_.size() - 1;
    // Marketable part: takes the displayed opposite side, best level first, at the level's price.
    // The recorded book is copied locally, so liquidity taken stays taken until the level's next
    // update (which restores the recorded total: the recorded market ignores the market maker).
    bool traded = false;
    const std::size_t other = side_index(!o.bid);
    for (Cents p = best(!o.bid); orders_[k].remaining > 0 && p >= 1 && p <= 99 && (o.bid ? p <= o.yes_level : p >= o.yes_level);
         p += o.bid ? 1 : -1) {
        Shares& shown = depth_[other][at(p)];
        const Shares take = std::min(shown, orders_[k].remaining);
        if (take <= 0) continue;
        const Cents saved = orders_[k].price;
        orders_[k].price = o.outcome == Outcome::yes ? p : 100 - p;
        fill(k, take, false, ts);
        orders_[k].price = saved;
        shown -= take;
        last_trade_ = p;
        traded = true;
    }
    if (orders_[k].remaining > 0) orders_[k].ahead = static_cast<double>(depth_[side_index(o.bid)][at(o.yes_level)]);
    else orders_.erase(orders_.begin() + static_cast<std::ptrdiff_t>(k));
    return traded;
}

bool ReplayVenue::arrive_cancel(std::uint64_t client_id, TimeMs ts) {
    now_ = std::max(now_, ts);
    for (std::size_t k = 0; k < orders_.size(); ++k) {
        if (orders_[k].client_id != client_id) continue;
        close(k);
        orders_.erase(orders_.begin() + static_cast<std::ptrdiff_t>(k));
        report_cancel(client_id, ts);
        return false;
    }
    return false;
}

void ReplayVenue::on_depth(bool bid, Cents level, Shares qty) {
    Shares& shown = depth_[side_index(bid)][at(level)];
    const Shares prev = shown;
    for (Order& o : orders_) {
        if (o.bid != bid || o.yes_level != level || o.remaining <= 0) continue;
        if (qty < prev) {
            // The part of the decrease that trades at the level already explained is not a cancel.
            const double cancelled = static_cast<double>(prev - qty - o.traded_since_depth);
            if (params_.queue == QueueModel::pro_rata && cancelled > 0.0 && prev > 0) {
                const double front = o.ahead;
                const double back = std::max(0.0, static_cast<double>(prev) - front);
                if (front + back > 0.0) o.ahead = front - cancelled * front / (front + back);
            }
        }
        o.ahead = std::clamp(o.ahead, 0.0, static_cast<double>(qty));
        o.traded_since_depth = 0;
    }
    shown = qty;
    if (qty == 0) return;
    // A recorded level at or through a resting virtual order on the other side: that order would
    // have traded with it first. It fills as maker at its own price, up to the level's size.
    for (std::size_t k = 0; k < orders_.size(); ++k) {
        Order& o = orders_[k];
        if (o.bid == bid || o.remaining <= 0) continue;
        const bool crossed = o.bid ? level <= o.yes_level : level >= o.yes_level;
        if (!crossed) continue;
        const Shares take = std::min(shown, o.remaining);
        fill(k, take, true, now_);
        shown -= take;
    }
}

void ReplayVenue::on_trade(bool aggressor_buys, Cents level, Shares qty, TimeMs ts) {
    last_trade_ = level;
    // A buying aggressor lifts asks: the virtual orders on the ask side are exposed, and the
    // reverse for a seller. A print beyond an order's price means the aggressor passed that order
    // first: those orders fill best price first (then in arrival order) out of the traded size.
    Shares left = qty;
    const auto exposed = [&](const Order& o) { return o.bid != aggressor_buys && o.remaining > 0; };
    while (left > 0) {
        std::size_t best = orders_.size();
        for (std::size_t k = 0; k < orders_.size(); ++k) {
            const Order& o = orders_[k];
            if (!exposed(o) || (aggressor_buys ? o.yes_level >= level : o.yes_level <= level)) continue;
            if (best == orders_.size() ||
                (aggressor_buys ? o.yes_level < orders_[best].yes_level : o.yes_level > orders_[best].yes_level))
                best = k;
        }
        if (best == orders_.size()) break;
        const Shares f = std::min(left, orders_[best].remaining);
        fill(best, f, true, ts);  // the order is exhausted or the size is
        left -= f;
    }
    // What is left reached the printed level: it consumes the queue ahead of an order there, and
    // the excess fills it.
    for (std::size_t k = 0; k < orders_.size() && left > 0; ++k) {
        Order& o = orders_[k];
        if (!exposed(o) || o.yes_level != level) continue;
        o.traded_since_depth += left;
        const double excess = static_cast<double>(left) - o.ahead;
        o.ahead = std::max(0.0, o.ahead - static_cast<double>(left));
        if (excess >= 1.0) fill(k, static_cast<Shares>(std::floor(excess)), true, ts);
    }
}

bool ReplayVenue::apply_event() {
    const MarketEvent& e = log_.events[next_++];
    now_ = e.ts;
    switch (e.kind) {
    case MarketEvent::Kind::book: on_depth(e.bid_or_buy, e.yes_price, e.qty); break;
    case MarketEvent::Kind::trade: on_trade(e.bid_or_buy, e.yes_price, e.qty, e.ts); break;
    case MarketEvent::Kind::oracle:
        oracle_ = e.oracle_cents;
        oracle_ts_ = e.ts;
        break;
    case MarketEvent::Kind::halt: halted_ = e.qty == 1; break;
    case MarketEvent::Kind::resolve:
        for (std::size_t k = 0; k < orders_.size(); ++k) {
            if (orders_[k].remaining <= 0) continue;
            report_cancel(orders_[k].client_id, e.ts);
            close(k);
        }
        account_.cash += 100 * (e.winner == 1 ? account_.yes : account_.no);
        account_.yes = account_.no = 0;
        winner_ = e.winner;
        resolved_ = true;
        break;
    }
    std::erase_if(orders_, [](const Order& o) { return o.remaining <= 0; });
    // One view per timestamp: rows sharing a time (a book snapshot's levels) publish once.
    return next_ == log_.events.size() || log_.events[next_].ts != e.ts;
}

bool ReplayVenue::mint_sets(Shares sets, TimeMs) {
    if (resolved_ || sets < 1 || sets > kMaxQty || account_.cash - account_.locked_cash < 100 * sets) return false;
    account_.cash -= 100 * sets;
    account_.yes += sets;
    account_.no += sets;
    return true;
}

bool ReplayVenue::burn_sets(Shares sets, TimeMs) {
    if (resolved_ || sets < 1 || account_.yes - account_.locked_yes < sets || account_.no - account_.locked_no < sets)
        return false;
    account_.cash += 100 * sets;
    account_.yes -= sets;
    account_.no -= sets;
    return true;
}

void ReplayVenue::snapshot(MarketView& v) {
    v.ts = now_;
    v.yes_bid = best(true);
    v.yes_ask = best(false);
    v.yes_bid_qty = displayed(true, v.yes_bid);
    v.yes_ask_qty = displayed(false, v.yes_ask);
    v.last_trade = last_trade_;
    v.oracle = oracle_;
    v.oracle_ts = oracle_ts_;
    v.halted = halted_;
    v.resolved = resolved_;
    v.winning_outcome = winner_;
    v.hours_to_end = static_cast<double>(std::max<TimeMs>(0, end_ms_ - now_)) / 3.6e6;
}

}  // namespace pftoken::integration::mm
