// The venue over the prediction-market batch exchange (docs/order-book.md, "Batch-exchange venue").
#include "pftoken/integration/mm/venues_pm.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "pftoken/amm/pm/session.hpp"
#include "pftoken/base/validate.hpp"
#include "pftoken/error.hpp"

namespace pftoken::integration::mm {

namespace check = ::pftoken::validation;
namespace pm = ::pftoken::amm::pm;

namespace {
constexpr std::size_t kNone = static_cast<std::size_t>(-1);
pm::Token token_of(Outcome o) noexcept { return o == Outcome::yes ? pm::Token::Yes : pm::Token::No; }
pm::Side side_of(Side s) noexcept { return s == Side::buy ? pm::Side::Buy : pm::Side::Sell; }
Shares whole(double x) noexcept { return static_cast<Shares>(std::llround(x)); }
}  // namespace

PmVenueParams::PmVenueParams() {
    exchange.outcomes = 2;
    exchange.tick_size = 0.01;
    exchange.subsidy = 1000.0;  // LMSR b = Z / ln 2 ~ 1443 shares per unit of log-odds
    exchange.auto_fill = false;
}

void PmVenueParams::validate(const std::string& prefix) const {
    flow.validate(prefix + "flow.");
    latency.validate(prefix + "latency.");
    check::Rules rules;
    rules.require(prefix + "exchange.outcomes", static_cast<double>(exchange.outcomes), {check::in_closed(2, 2)});
    rules.require(prefix + "exchange.tick_size", exchange.tick_size, {check::in_closed(0.01, 0.01)});
    rules.require(prefix + "batch_interval_ms", static_cast<double>(batch_interval_ms), {check::in_closed(1, 3600000)});
    rules.require(prefix + "mm_cash_cents", static_cast<double>(mm_cash_cents), {check::in_closed(0, 1e15)});
    rules.require(prefix + "trader_cash", trader_cash, {check::positive(), check::at_most(1e13)});
    rules.require(prefix + "market_slippage", market_slippage, {check::in_closed(0.0, 1.0)});
    rules.throw_if_failed("pm venue");
    try {
        exchange.validate();
    } catch (const InputError& e) {  // the exchange names its fields bare: place them under ours
        // `exchange:` is one section holding both the market fields and the feature switches.
        const std::string section = prefix + "exchange.";
        std::vector<InputIssue> issues = e.issues();
        for (auto& issue : issues) issue.path = pm::exchange_field_path(issue.path, section, section);
        throw InputError("pm venue", std::move(issues));
    }
}

namespace {
std::array<double, 4> starting_cash(const PmVenueParams& p) {
    return {static_cast<double>(p.mm_cash_cents) / 100.0, p.trader_cash, p.trader_cash, p.trader_cash};
}
}  // namespace

PmVenue::PmVenue(const PmVenueParams& params, std::uint64_t seed)
    : LatencyVenue((params.validate(), params.latency)), params_(params),
      exchange_(params.exchange, starting_cash(params)), flow_(params.flow, seed) {
    next_batch_ = params_.batch_interval_ms;
    pending_.reserve(1024);
    open_.reserve(256);
    std::vector<Expiry> storage;
    storage.reserve(4096);
    expiries_ = decltype(expiries_)(std::greater<>{}, std::move(storage));
}

bool PmVenue::mint_sets(Shares, TimeMs) { return false; }
bool PmVenue::burn_sets(Shares, TimeMs) { return false; }

TimeMs PmVenue::next_event_time() {
    if (!opened_) return 0;
    if (flow_.done()) return kNever;
    TimeMs t = std::min(flow_.next_time(), next_batch_);
    if (!expiries_.empty()) t = std::min(t, expiries_.top().first);
    return t;
}

std::size_t PmVenue::find_open(std::uint64_t order_id) const noexcept {
    for (std::size_t k = 0; k < open_.size(); ++k)
        if (open_[k].order_id == order_id) return k;
    return kNone;
}

void PmVenue::top(Cents& bid, Shares& bid_qty, Cents& ask, Shares& ask_qty) const {
    bid = 0;
    ask = 100;
    bid_qty = ask_qty = 0;
    for (std::size_t k = 99; k >= 1 && bid == 0; --k) {
        const double v = exchange_.pool_volume(0, pm::Token::Yes, pm::Side::Buy, k) +
                         exchange_.pool_volume(0, pm::Token::No, pm::Side::Sell, 100 - k);
        if (v > 0.0) bid = static_cast<Cents>(k), bid_qty = whole(v);
    }
    for (std::size_t k = 1; k <= 99 && ask == 100; ++k) {
        const double v = exchange_.pool_volume(0, pm::Token::Yes, pm::Side::Sell, k) +
                         exchange_.pool_volume(0, pm::Token::No, pm::Side::Buy, 100 - k);
        if (v > 0.0) ask = static_cast<Cents>(k), ask_qty = whole(v);
    }
    // The AMM always quotes around its marginal price p: a bid at floor(100 p), an ask one cent up.
    const double p = 100.0 * exchange_.price(0);
    const auto amm_bid = static_cast<Cents>(std::clamp(std::ceil(p) - 1.0, 1.0, 98.0));
    if (amm_bid > bid) bid = amm_bid, bid_qty = 0;
    if (amm_bid + 1 < ask) ask = amm_bid + 1, ask_qty = 0;
}

void PmVenue::run_batch(TimeMs t) {
    out_.clear();
    exchange_.apply_orders(pending_, t, out_);
    pending_.clear();
    for (const pm::Fill& f : out_.fills) {
        const double yes_cents = 100.0 * (f.token == pm::Token::Yes ? f.price : 1.0 - f.price);
        last_trade_ = static_cast<Cents>(std::clamp(std::llround(yes_cents), 1LL, 99LL));
        if (f.user != kMarketMaker) continue;
        const std::size_t k = find_open(f.order_id);
        if (k == kNone) continue;
        Open& o = open_[k];
        o.filled += f.size;
        o.cash += f.cash;
        const Shares qty = std::min(o.qty, whole(o.filled)) - o.reported;
        if (qty <= 0) continue;
        // Whole shares at the fill's price rounded to the cent; the fee carries the rest of the
        // exact cash, so cumulative cash is exact to the cent (docs/order-book.md).
        const Money cash_target = static_cast<Money>(std::llround(o.cash * 100.0));
        const Money cash_delta = cash_target - o.cash_reported;
        const auto price = static_cast<Cents>(std::clamp(std::llround(100.0 * f.price), 1LL, 99LL));
        const Money notional = static_cast<Money>(price) * qty;
        const Money fee = o.side == Side::buy ? cash_delta - notional : notional + cash_delta;
        o.reported += qty;
        o.cash_reported = cash_target;
        Scenario scenario = o.outcome == Outcome::yes ? Scenario::transfer_yes : Scenario::transfer_no;
        if (f.kind == pm::FillKind::Mint) scenario = Scenario::mint;
        if (f.kind == pm::FillKind::Merge) scenario = Scenario::burn;
        report_fill({t, o.client_id, o.outcome, o.side, price, qty, o.qty - o.reported, fee, scenario});
    }
    for (const pm::Event& e : out_.events) {
        const std::size_t k = find_open(e.order_id);
        if (k == kNone) continue;
        if (e.kind == pm::EventKind::Rejected) report_reject(open_[k].client_id, t);
        else if (e.kind == pm::EventKind::Cancelled) report_cancel(open_[k].client_id, t);
        else continue;
        open_[k].qty = open_[k].reported;  // closed: nothing more will fill
    }
    std::erase_if(open_, [&](const Open& o) { return o.reported >= o.qty && exchange_.resting(o.order_id) <= 1e-9; });
}

bool PmVenue::apply_event() {
    if (!opened_) {
        opened_ = true;
        return true;
    }
    const TimeMs t = next_event_time();
    now_ = t;
    if (!expiries_.empty() && expiries_.top().first == t) {
        pm::Order c;
        c.id = next_id_++;
        c.user = kLiquidity;
        c.type = pm::OrderType::Cancel;
        c.cancel_id = expiries_.top().second;
        c.ts_ms = t;
        expiries_.pop();
        pending_.push_back(c);  // rejected by the exchange when the order filled meanwhile
        return false;
    }
    if (flow_.next_time() == t) {
        FlowTop ft;
        Shares bq = 0, aq = 0;
        top(ft.bid, bq, ft.ask, aq);
        ft.last = last_trade_;
        const pm::Account& noise = exchange_.account(kNoise);
        ft.noise_yes_held = static_cast<Shares>(std::floor(noise.yes[0] - noise.locked_yes[0]));
        const FlowEvent e = flow_.pop(ft);
        switch (e.kind) {
        case FlowEvent::Kind::none: return false;
        case FlowEvent::Kind::oracle:
            oracle_ = e.oracle_cents;
            oracle_ts_ = t;
            return true;
        case FlowEvent::Kind::halt:
        case FlowEvent::Kind::resume:
            exchange_.set_frozen(e.kind == FlowEvent::Kind::halt);
            return true;
        case FlowEvent::Kind::resolve: {
            run_batch(t);
            const std::array<std::uint32_t, 1> winner{e.winner == 1 ? 0u : 1u};
            exchange_.trigger_resolution(true, winner, t);
            for (const Open& o : open_)
                if (o.reported < o.qty) report_cancel(o.client_id, t);
            open_.clear();
            winner_ = e.winner;
            resolved_ = true;
            return true;
        }
        default: break;
        }
        pm::Order o;
        o.id = next_id_++;
        o.user = e.kind == FlowEvent::Kind::informed ? kInformed : e.kind == FlowEvent::Kind::noise ? kNoise : kLiquidity;
        o.outcome = 0;
        o.token = token_of(e.outcome);
        o.side = side_of(e.side);
        o.size = static_cast<double>(e.qty);
        o.ts_ms = t;
        if (e.ioc) {
            o.type = pm::OrderType::Market;
            o.max_slippage = params_.market_slippage;
        } else {
            o.type = pm::OrderType::Limit;
            o.limit_price = e.price / 100.0;
            expiries_.push({t + e.lifetime_ms, o.id});
        }
        pending_.push_back(o);
        return false;
    }
    run_batch(t);
    next_batch_ += params_.batch_interval_ms;
    return true;
}

bool PmVenue::arrive_place(const Quote& q, TimeMs ts) {
    now_ = std::max(now_, ts);
    const bool duplicate = std::any_of(open_.begin(), open_.end(), [&](const Open& o) { return o.client_id == q.client_id; });
    if (resolved_ || duplicate || q.price < 1 || q.price > 99 || q.qty < 1 || q.qty > 1'000'000'000) {
        report_reject(q.client_id, ts);
        return false;
    }
    pm::Order o;
    o.id = next_id_++;
    o.user = kMarketMaker;
    o.outcome = 0;
    o.token = token_of(q.outcome);
    o.side = side_of(q.side);
    o.type = pm::OrderType::Limit;
    o.size = static_cast<double>(q.qty);
    o.limit_price = q.price / 100.0;
    o.ts_ms = ts;
    pending_.push_back(o);
    Open open;
    open.client_id = q.client_id;
    open.order_id = o.id;
    open.qty = q.qty;
    open.outcome = q.outcome;
    open.side = q.side;
    open_.push_back(open);
    return false;
}

bool PmVenue::arrive_cancel(std::uint64_t client_id, TimeMs ts) {
    now_ = std::max(now_, ts);
    for (Open& o : open_) {
        if (o.client_id != client_id || o.cancel_sent) continue;
        pm::Order c;
        c.id = next_id_++;
        c.user = kMarketMaker;
        c.type = pm::OrderType::Cancel;
        c.cancel_id = o.order_id;
        c.ts_ms = ts;
        pending_.push_back(c);
        o.cancel_sent = true;
        break;
    }
    return false;
}

void PmVenue::snapshot(MarketView& v) {
    v.ts = now_;
    top(v.yes_bid, v.yes_bid_qty, v.yes_ask, v.yes_ask_qty);
    v.last_trade = last_trade_;
    v.oracle = oracle_;
    v.oracle_ts = oracle_ts_;
    v.halted = exchange_.frozen();
    v.resolved = resolved_;
    v.winning_outcome = winner_;
    v.hours_to_end = static_cast<double>(std::max<TimeMs>(0, flow_.end_ms() - now_)) / 3.6e6;
}

}  // namespace pftoken::integration::mm
