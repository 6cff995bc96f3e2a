// The simulated venue: the YES/NO order book against synthetic flow (docs/order-book.md).
#include "pftoken/integration/mm/venues_sim.hpp"

#include <algorithm>

#include "pftoken/base/validate.hpp"

namespace pftoken::integration::mm {

namespace check = ::pftoken::validation;
namespace clob = ::pftoken::amm::clob;

namespace {
// The two vocabularies list their enumerators in the same order (types.hpp, clob/book.hpp).
clob::Outcome to_clob(Outcome o) noexcept { return o == Outcome::yes ? clob::Outcome::yes : clob::Outcome::no; }
clob::Side to_clob(Side s) noexcept { return s == Side::buy ? clob::Side::buy : clob::Side::sell; }
Outcome from_clob(clob::Outcome o) noexcept { return o == clob::Outcome::yes ? Outcome::yes : Outcome::no; }
Side from_clob(clob::Side s) noexcept { return s == clob::Side::buy ? Side::buy : Side::sell; }
Scenario from_clob(clob::Scenario s) noexcept {
    switch (s) {
    case clob::Scenario::mint: return Scenario::mint;
    case clob::Scenario::transfer_yes: return Scenario::transfer_yes;
    case clob::Scenario::transfer_no: return Scenario::transfer_no;
    case clob::Scenario::burn: return Scenario::burn;
    }
    return Scenario::transfer_yes;
}

clob::BookParams book_params(const SimulationParams& p) {
    clob::BookParams b;
    b.max_orders = p.max_orders;
    b.taker_fee_bps = p.taker_fee_bps;
    b.maker_fee_bps = p.maker_fee_bps;
    return b;
}
}  // namespace

void SimulationParams::validate(const std::string& prefix) const {
    flow.validate(prefix + "flow.");
    latency.validate(prefix + "latency.");
    check::Rules rules;
    rules.require(prefix + "mm_cash_cents", static_cast<double>(mm_cash_cents), {check::in_closed(0, 1e15)});
    rules.require(prefix + "trader_cash_cents", static_cast<double>(trader_cash_cents), {check::in_closed(1, 1e15)});
    rules.require(prefix + "taker_fee_bps", taker_fee_bps, {check::in_closed(0, 1000)});
    rules.require(prefix + "maker_fee_bps", maker_fee_bps, {check::in_closed(-1000, 1000)});
    rules.require(prefix + "max_orders", static_cast<double>(max_orders), {check::in_closed(16, 1 << 24)});
    rules.throw_if_failed("simulation");
}

SimulatedVenue::SimulatedVenue(const SimulationParams& params, std::uint64_t seed)
    : LatencyVenue((params.validate(), params.latency)), params_(params), book_(book_params(params)),
      flow_(params.flow, seed) {
    book_.add_account(params_.mm_cash_cents);      // kMarketMaker
    book_.add_account(params_.trader_cash_cents);  // kInformed
    book_.add_account(params_.trader_cash_cents);  // kNoise
    book_.add_account(params_.trader_cash_cents);  // kLiquidity
    std::vector<Expiry> storage;
    storage.reserve(params_.max_orders);
    expiries_ = decltype(expiries_)(std::greater<>{}, std::move(storage));
    mm_orders_.reserve(256);
}

TimeMs SimulatedVenue::next_event_time() {
    if (!opened_) return 0;
    TimeMs t = flow_.next_time();
    if (!expiries_.empty()) t = std::min(t, expiries_.top().at);
    return t;
}

std::size_t SimulatedVenue::find_order(clob::OrderId id) const noexcept {
    for (std::size_t i = 0; i < mm_orders_.size(); ++i)
        if (mm_orders_[i].second == id) return i;
    return mm_orders_.size();
}

void SimulatedVenue::route_trades(const clob::SubmitResult& r, TimeMs ts, std::uint64_t taker_client) {
    for (const clob::Trade& t : r.trades) {
        if (t.taker_account == kMarketMaker)
            report_fill({ts, taker_client, from_clob(t.taker_outcome), from_clob(t.taker_side), t.taker_price(), t.qty,
                         t.taker_remaining, t.taker_fee, from_clob(t.scenario)});
        if (t.maker_account == kMarketMaker) {
            const std::size_t k = find_order(t.maker);
            const bool known = k < mm_orders_.size();
            report_fill({ts, known ? mm_orders_[k].first : 0, from_clob(t.maker_outcome), from_clob(t.maker_side),
                         t.maker_price(), t.qty, t.maker_remaining, t.maker_fee, from_clob(t.scenario)});
            if (known && t.maker_remaining == 0) mm_orders_.erase(mm_orders_.begin() + static_cast<std::ptrdiff_t>(k));
        }
    }
}

bool SimulatedVenue::apply_event() {
    if (!opened_) {
        opened_ = true;
        now_ = 0;
        return true;
    }
    if (!expiries_.empty() && expiries_.top().at <= flow_.next_time()) {
        const Expiry e = expiries_.top();
        expiries_.pop();
        now_ = e.at;
        return book_.cancel(e.id);  // false when it filled meanwhile
    }
    const clob::Account& noise = book_.account(kNoise);
    const FlowEvent e = flow_.pop({book_.best_bid(), book_.best_ask(), book_.last_trade(), noise.yes - noise.locked_yes});
    now_ = e.ts;
    ++flow_events_;
    switch (e.kind) {
    case FlowEvent::Kind::none: return false;
    case FlowEvent::Kind::oracle:
        oracle_ = e.oracle_cents;
        oracle_ts_ = e.ts;
        return true;
    case FlowEvent::Kind::halt:
    case FlowEvent::Kind::resume:
        book_.set_halted(e.kind == FlowEvent::Kind::halt);
        return true;
    case FlowEvent::Kind::resolve:
        winner_ = e.winner;
        book_.resolve(e.winner == 1 ? clob::Outcome::yes : clob::Outcome::no);
        for (const auto& o : mm_orders_) report_cancel(o.first, e.ts);
        mm_orders_.clear();
        while (!expiries_.empty()) expiries_.pop();
        return true;
    default: break;
    }
    const std::uint32_t account = e.kind == FlowEvent::Kind::informed ? kInformed
                                  : e.kind == FlowEvent::Kind::noise  ? kNoise
                                                                      : kLiquidity;
    const auto r = book_.submit({account, to_clob(e.outcome), to_clob(e.side), e.price, e.qty, e.ioc});
    if (r.reject != clob::RejectReason::none) return false;
    route_trades(r, e.ts, 0);
    if (r.id != clob::kNoOrder) expiries_.push({e.ts + e.lifetime_ms, r.id});
    return !r.trades.empty() || r.id != clob::kNoOrder;
}

bool SimulatedVenue::arrive_place(const Quote& q, TimeMs ts) {
    now_ = std::max(now_, ts);
    const bool duplicate = std::any_of(mm_orders_.begin(), mm_orders_.end(),
                                       [&](const auto& o) { return o.first == q.client_id; });
    if (duplicate || !opened_) {
        report_reject(q.client_id, ts);
        return false;
    }
    const auto r = book_.submit({kMarketMaker, to_clob(q.outcome), to_clob(q.side), q.price, q.qty, false});
    if (r.reject != clob::RejectReason::none) {
        report_reject(q.client_id, ts);
        return false;
    }
    route_trades(r, ts, q.client_id);
    if (r.id != clob::kNoOrder) mm_orders_.emplace_back(q.client_id, r.id);
    return !r.trades.empty();
}

bool SimulatedVenue::arrive_cancel(std::uint64_t client_id, TimeMs ts) {
    now_ = std::max(now_, ts);
    for (auto it = mm_orders_.begin(); it != mm_orders_.end(); ++it) {
        if (it->first != client_id) continue;
        if (book_.cancel(it->second)) report_cancel(client_id, ts);
        mm_orders_.erase(it);
        return false;
    }
    return false;
}

bool SimulatedVenue::mint_sets(Shares sets, TimeMs) { return book_.split(kMarketMaker, sets); }
bool SimulatedVenue::burn_sets(Shares sets, TimeMs) { return book_.merge(kMarketMaker, sets); }

void SimulatedVenue::snapshot(MarketView& v) {
    v.ts = now_;
    v.yes_bid = book_.best_bid();
    v.yes_ask = book_.best_ask();
    v.yes_bid_qty = book_.bid_qty(v.yes_bid);
    v.yes_ask_qty = book_.ask_qty(v.yes_ask);
    v.last_trade = book_.last_trade();
    v.oracle = oracle_;
    v.oracle_ts = oracle_ts_;
    v.halted = book_.halted();
    v.resolved = book_.resolved();
    v.winning_outcome = winner_;
    v.hours_to_end = static_cast<double>(std::max<TimeMs>(0, flow_.end_ms() - now_)) / 3.6e6;
}

}  // namespace pftoken::integration::mm
