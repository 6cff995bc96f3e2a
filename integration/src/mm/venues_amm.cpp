// The AMM pool venue (docs/order-book.md, "AMM pool venue").
#include "pftoken/integration/mm/venues_amm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "pftoken/base/validate.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/fair_value.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::integration::mm {

namespace check = ::pftoken::validation;

DcfAnchor dcf_fair_value_cents(const Project& project, const std::string& symbol,
                               const std::string& field) {
    const std::size_t k = find_tranche(project, symbol, field);  // as `compare` finds pool.token
    const auto& token = project.tranches[k].token;
    if (!(token.face_per_token > 0.0))
        throw InputError(field, fmt::format("tranche token '{}' has no face value per token to "
                                            "quote cents of",
                                            token.symbol));
    const double price = value(project).tranches.at(k).price_per_token;
    const double cents = 100.0 * price / token.face_per_token;
    if (!(cents >= 1.0 && cents <= 99.0))
        throw InputError(field, fmt::format("the DCF price of '{}' is {:.4f} per token, {:.3f} "
                                            "cents of its face {:g}: the AMM pool venue quotes "
                                            "1 to 99 cents of face",
                                            token.symbol, price, cents, token.face_per_token));
    return DcfAnchor{token.symbol, price, token.face_per_token, cents};
}

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

Cents to_cents(double dollars) noexcept {
    return static_cast<Cents>(std::clamp(std::llround(dollars * 100.0), 1LL, 99LL));
}

amm::fast::ConstantProductOptions pool_options(const AmmVenueParams& p) {
    amm::fast::ConstantProductOptions o;
    o.reserve0 = p.pool_tokens;
    o.reserve1 = p.pool_tokens * p.fair_value_cents / 100.0;
    o.fee = p.pool_fee;
    return o;
}

FlowParams token_flow(const AmmVenueParams& p) {
    FlowParams f = p.flow;
    f.start_probability = p.fair_value_cents / 100.0;
    return f;
}
}  // namespace

AmmVenueParams::AmmVenueParams() {
    flow.lp_rate_per_min = 0.0;     // the pool is the liquidity
    flow.oracle_interval_s = 60.0;  // the DCF anchor and the arbitrage cadence
    flow.logit_vol_per_sqrt_h = 0.05;
}

void AmmVenueParams::validate(const std::string& prefix) const {
    check::Rules rules;
    rules.require(prefix + "fair_value_cents", fair_value_cents, {check::in_closed(1.0, 99.0)});
    rules.require(prefix + "pool_tokens", pool_tokens, {check::positive(), check::at_most(1e15)});
    rules.require(prefix + "pool_fee", pool_fee, {check::in_half_open(0.0, 0.1)});
    rules.require(prefix + "mm_cash_cents", static_cast<double>(mm_cash_cents), {check::in_closed(0, 1e15)});
    rules.require(prefix + "mm_tokens", static_cast<double>(mm_tokens), {check::in_closed(0, 1e9)});
    rules.throw_if_failed("amm venue");
    token_flow(*this).validate(prefix + "flow.");
    latency.validate(prefix + "latency.");
}

AmmPoolVenue::AmmPoolVenue(const AmmVenueParams& params, std::uint64_t seed)
    : LatencyVenue((params.validate(), params.latency)), params_(params), pool_(pool_options(params)),
      flow_(token_flow(params), seed) {
    account_.cash = params_.mm_cash_cents;
    account_.yes = params_.mm_tokens;
    orders_.reserve(256);
}

bool AmmPoolVenue::mint_sets(Shares, TimeMs) { return false; }
bool AmmPoolVenue::burn_sets(Shares, TimeMs) { return false; }

TimeMs AmmPoolVenue::next_event_time() {
    if (!opened_) return 0;
    return flow_.done() ? kNever : flow_.next_time();
}

std::size_t AmmPoolVenue::best_quote(Side side) const noexcept {
    std::size_t best = kNone;
    for (std::size_t k = 0; k < orders_.size(); ++k) {
        const Order& o = orders_[k];
        if (o.side != side || o.remaining <= 0) continue;
        if (best == kNone) {
            best = k;
            continue;
        }
        const Order& b = orders_[best];
        const bool better = side == Side::buy ? o.price > b.price : o.price < b.price;
        if (better || (o.price == b.price && o.seq < b.seq)) best = k;
    }
    return best;
}

void AmmPoolVenue::fill_maker(std::size_t k, Shares qty, TimeMs ts) {
    Order& o = orders_[k];
    const Money notional = static_cast<Money>(o.price) * qty;
    if (o.side == Side::buy) {
        account_.locked_cash -= o.lock_per_share * qty;
        account_.cash -= notional;
        account_.yes += qty;
    } else {
        account_.locked_yes -= qty;
        account_.yes -= qty;
        account_.cash += notional;
    }
    o.remaining -= qty;
    last_trade_ = o.price;
    report_fill({ts, o.client_id, Outcome::yes, o.side, o.price, qty, o.remaining, 0, Scenario::transfer_yes});
}

bool AmmPoolVenue::route(bool buy, double qty, double limit, TimeMs ts) {
    const double g = 1.0 - pool_.fee();
    double remaining = qty;
    bool traded = false;
    for (int step = 0; remaining > 1e-9 && step < 64; ++step) {
        const std::size_t k = best_quote(buy ? Side::sell : Side::buy);
        const bool have = k != kNone;
        const double quote = have ? orders_[k].price / 100.0 : (buy ? kInf : 0.0);
        // The pool's all-in marginal price for this direction (the fee is on the input).
        const double pool_px = buy ? pool_.price() / g : pool_.price() * g;
        const bool quote_ok = have && (buy ? quote <= limit : quote >= limit);
        if (quote_ok && (buy ? quote <= pool_px * (1.0 + 1e-12) : quote >= pool_px * (1.0 - 1e-12))) {
            const Shares n = std::min(orders_[k].remaining, static_cast<Shares>(std::floor(remaining + 1e-9)));
            if (n >= 1) {
                fill_maker(k, n, ts);
                if (orders_[k].remaining == 0) orders_.erase(orders_.begin() + static_cast<std::ptrdiff_t>(k));
                remaining -= static_cast<double>(n);
                volume_mm_ += buy ? static_cast<double>(n) : -static_cast<double>(n);
                traded = true;
                continue;
            }
        }
        // The pool, until its all-in price reaches the next better price (the quote, else the limit).
        const double stop = quote_ok ? quote : limit;
        if (buy ? pool_px >= stop : pool_px <= stop) break;
        double cap = kInf;  // tokens out (buy) or in (sell) before the pool reaches `stop`
        if (buy && std::isfinite(stop)) cap = pool_.quote_exact_in(false, pool_.quote_to_price(stop * g));
        if (!buy && stop > 0.0) cap = pool_.quote_to_price(stop / g);
        const double amount = std::min(remaining, cap);
        if (!(amount > 1e-12)) break;
        if (buy) pool_.swap_exact_out(false, amount);
        else pool_.swap_exact_in(true, amount);
        remaining -= amount;
        volume_pool_ += buy ? amount : -amount;
        last_trade_ = to_cents(pool_.price());
        traded = true;
    }
    return traded;
}

void AmmPoolVenue::arbitrage() {
    // Arbitrageurs trade the pool until its all-in price in the profitable direction meets the
    // token's value v: buying while price / (1 - f) < v, selling while price (1 - f) > v.
    const double g = 1.0 - pool_.fee();
    const double v = flow_.probability();
    if (pool_.price() / g < v) pool_.swap_to_price(v * g);
    else if (pool_.price() * g > v) pool_.swap_to_price(v / g);
}

bool AmmPoolVenue::apply_event() {
    if (!opened_) {
        opened_ = true;
        oracle_ = params_.fair_value_cents;
        return true;
    }
    MarketView top;
    snapshot(top);
    const FlowEvent e = flow_.pop({top.yes_bid, top.yes_ask, last_trade_, std::numeric_limits<Shares>::max() / 4});
    now_ = e.ts;
    switch (e.kind) {
    case FlowEvent::Kind::oracle:
        oracle_ = params_.fair_value_cents;
        oracle_ts_ = e.ts;
        arbitrage();
        return true;
    case FlowEvent::Kind::informed:
    case FlowEvent::Kind::noise: {
        // A YES buy is a token buy; a YES sell or a NO buy at q is a token sell at 100 - q.
        const bool buy = e.outcome == Outcome::yes && e.side == Side::buy;
        const double limit = (e.outcome == Outcome::yes ? e.price : 100 - e.price) / 100.0;
        return route(buy, static_cast<double>(e.qty), limit, e.ts);
    }
    default: return false;  // no liquidity providers; the end of the flow ends the market
    }
}

bool AmmPoolVenue::arrive_place(const Quote& q, TimeMs ts) {
    now_ = std::max(now_, ts);
    const bool duplicate = std::any_of(orders_.begin(), orders_.end(), [&](const Order& o) { return o.client_id == q.client_id; });
    bool ok = !flow_.done() && !duplicate && q.outcome == Outcome::yes && q.price >= 1 && q.price <= 99 && q.qty >= 1 &&
              q.qty <= 1'000'000'000;
    Order o;
    o.client_id = q.client_id;
    o.side = q.side;
    o.price = q.price;
    o.remaining = q.qty;
    o.seq = ++seq_;
    if (ok && q.side == Side::buy) {
        o.lock_per_share = q.price;
        ok = account_.cash - account_.locked_cash >= o.lock_per_share * q.qty;
        if (ok) account_.locked_cash += o.lock_per_share * q.qty;
    } else if (ok) {
        ok = account_.yes - account_.locked_yes >= q.qty;
        if (ok) account_.locked_yes += q.qty;
    }
    if (!ok) {
        report_reject(q.client_id, ts);
        return false;
    }
    // Marketable against the pool: the market maker trades whole tokens with it up to its limit;
    // the fee carries the rounding of the exact cash to the cent.
    const double g = 1.0 - pool_.fee();
    const double limit = q.price / 100.0;
    Shares n = 0;
    if (q.side == Side::buy && pool_.price() / g < limit)
        n = static_cast<Shares>(std::floor(pool_.quote_exact_in(false, pool_.quote_to_price(limit * g)) + 1e-9));
    if (q.side == Side::sell && pool_.price() * g > limit)
        n = static_cast<Shares>(std::floor(pool_.quote_to_price(limit / g) + 1e-9));
    n = std::min(n, q.qty);
    bool traded = false;
    if (n >= 1) {
        const double tokens = static_cast<double>(n);
        const double cash = q.side == Side::buy ? pool_.swap_exact_out(false, tokens).amount_in
                                                : pool_.swap_exact_in(true, tokens).amount_out;
        const Money cents = std::llround(cash * 100.0);
        const Cents price = to_cents(cash / tokens);
        const Money notional = static_cast<Money>(price) * n;
        if (q.side == Side::buy) {
            account_.locked_cash -= o.lock_per_share * n;
            account_.cash -= cents;
            account_.yes += n;
        } else {
            account_.locked_yes -= n;
            account_.yes -= n;
            account_.cash += cents;
        }
        const Money fee = q.side == Side::buy ? cents - notional : notional - cents;
        account_.fees += fee;
        o.remaining -= n;
        last_trade_ = price;
        volume_pool_ += q.side == Side::buy ? tokens : -tokens;
        report_fill({ts, q.client_id, Outcome::yes, q.side, price, n, o.remaining, fee, Scenario::transfer_yes});
        traded = true;
    }
    if (o.remaining > 0) orders_.push_back(o);
    return traded;
}

bool AmmPoolVenue::arrive_cancel(std::uint64_t client_id, TimeMs ts) {
    now_ = std::max(now_, ts);
    for (auto it = orders_.begin(); it != orders_.end(); ++it) {
        if (it->client_id != client_id) continue;
        if (it->side == Side::buy) account_.locked_cash -= it->lock_per_share * it->remaining;
        else account_.locked_yes -= it->remaining;
        orders_.erase(it);
        report_cancel(client_id, ts);
        return false;
    }
    return false;
}

void AmmPoolVenue::snapshot(MarketView& v) {
    const double g = 1.0 - pool_.fee();
    const double p = pool_.price();
    v.ts = now_;
    // The pool quotes its all-in prices rounded outward to whole cents; depth: the tokens that move
    // its marginal price by one cent. The market maker's own quotes count when they are better.
    v.yes_bid = static_cast<Cents>(std::clamp(std::floor(p * g * 100.0 + 1e-9), 1.0, 98.0));
    v.yes_ask = static_cast<Cents>(std::clamp(std::ceil(p / g * 100.0 - 1e-9), v.yes_bid + 1.0, 99.0));
    v.yes_bid_qty = static_cast<Shares>(pool_.quote_to_price(std::max(p - 0.01, 0.005)));
    v.yes_ask_qty = static_cast<Shares>(pool_.quote_exact_in(false, pool_.quote_to_price(p + 0.01)));
    const std::size_t b = best_quote(Side::buy);
    const std::size_t a = best_quote(Side::sell);
    if (b != kNone && orders_[b].price >= v.yes_bid) {
        v.yes_bid_qty = orders_[b].price == v.yes_bid ? v.yes_bid_qty + orders_[b].remaining : orders_[b].remaining;
        v.yes_bid = orders_[b].price;
    }
    if (a != kNone && orders_[a].price <= v.yes_ask) {
        v.yes_ask_qty = orders_[a].price == v.yes_ask ? v.yes_ask_qty + orders_[a].remaining : orders_[a].remaining;
        v.yes_ask = orders_[a].price;
    }
    v.last_trade = last_trade_;
    v.oracle = oracle_;
    v.oracle_ts = oracle_ts_;
    v.halted = false;
    v.resolved = false;
    v.winning_outcome = -1;
    v.hours_to_end = static_cast<double>(std::max<TimeMs>(0, flow_.end_ms() - now_)) / 3.6e6;
}

}  // namespace pftoken::integration::mm
