// The prediction-market exchange: batches, pools, cross-matching, AMM fills, auto-fill,
// resolution, invariants and the canonical state (docs/prediction-market.md).
#include "pftoken/amm/pm/exchange.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <string>

#include "pftoken/base/root.hpp"
#include "pftoken/base/validate.hpp"
#include "pftoken/error.hpp"

namespace pftoken::amm::pm {

namespace check = ::pftoken::validation;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
/// An order whose unfilled size falls below this share of its size is complete.
constexpr double kDust = 1e-12;

bool buying(Side side) noexcept { return side == Side::Buy; }
/// +1 when the trade raises the YES price (buy YES, sell NO), -1 otherwise.
int yes_direction(Token token, Side side) noexcept { return (token == Token::Yes) == buying(side) ? 1 : -1; }

double& tokens_of(Account& a, std::size_t i, Token token) { return token == Token::Yes ? a.yes[i] : a.no[i]; }
double& locked_of(Account& a, std::size_t i, Token token) {
    return token == Token::Yes ? a.locked_yes[i] : a.locked_no[i];
}

/// The user of a pool's first (FIFO) member: the counterparty named in the other side's fills.
std::uint32_t first_user_of(const std::vector<std::uint32_t>& members, const auto& resting) {
    for (const std::uint32_t m : members)
        if (resting[m].live) return resting[m].order.user;
    return kMarketMaker;
}

void put_hex(std::string& s, double x) {
    char buf[24];
    std::snprintf(buf, sizeof buf, " %016llx", static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(x)));
    s += buf;
}
void put_int(std::string& s, unsigned long long x) {
    char buf[24];
    std::snprintf(buf, sizeof buf, " %llu", x);
    s += buf;
}

}  // namespace

std::size_t ExchangeParams::ticks() const noexcept {
    return static_cast<std::size_t>(std::llround(1.0 / tick_size));
}

void ExchangeParams::validate() const {
    check::Rules rules;
    rules.require("outcomes", static_cast<double>(outcomes),
                  {check::at_least(2), check::at_most(static_cast<double>(kMaxOutcomes)), check::whole()});
    rules.require("subsidy", subsidy, {check::positive()});
    if (rules.require("tick_size", tick_size, {check::positive(), check::at_most(0.1)})) {
        const double n = 1.0 / tick_size;
        if (std::fabs(n - std::round(n)) > 1e-9 * n || n > 100000.0)
            rules.fail("tick_size", "must divide 1 into at most 100000 ticks, got " + check::number_text(tick_size));
    }
    rules.require("fee", fee, {check::in_half_open(0.0, 1.0)});
    rules.require("fee_match", fee_match, {check::in_half_open(0.0, 1.0)});
    rules.require("p_max", p_max, {check::above(0.5), check::at_most(1.0)});
    rules.require("sigma", sigma, {check::in_closed(0.0, 1.0)});
    rules.require("af_cap_frac", af_cap_frac, {check::in_open_closed(0.0, 1.0)});
    rules.require("af_max_pools", static_cast<double>(af_max_pools), {check::at_least(1)});
    rules.require("af_max_surplus", af_max_surplus, {check::positive()});
    rules.require("gas_fee", gas_fee, {check::non_negative()});
    rules.throw_if_failed("pm");
    if (model == CostModel::Parametric) {
        ParametricOptions o;
        o.outcomes = outcomes;
        o.subsidy = subsidy;
        o.fee = 0.0;
        o.p_min = p_min;
        o.p_max = p_max;
        o.eta = eta;
        o.zeta = zeta;
        o.mu = mu;
        o.nu = nu;
        o.kappa = kappa;
        o.t_start = t_start_s;
        o.t_end = t_end_s;
        o.validate();
    }
}

namespace {
std::variant<Lmsr, ParametricMarket> make_model(const ExchangeParams& p) {
    if (p.model == CostModel::Lmsr) return Lmsr(LmsrOptions{p.outcomes, p.subsidy, kAllActive});
    ParametricOptions o;
    o.outcomes = p.outcomes;
    o.subsidy = p.subsidy;
    o.fee = 0.0;  // the exchange charges f on every AMM cash leg, for both models
    o.p_min = p.p_min;
    o.p_max = p.p_max;
    o.eta = p.eta;
    o.zeta = p.zeta;
    o.mu = p.mu;
    o.nu = p.nu;
    o.kappa = p.kappa;
    o.t_start = p.t_start_s;
    o.t_end = p.t_end_s;
    return ParametricMarket(o);
}
}  // namespace

Exchange::Exchange(const ExchangeParams& params, std::span<const double> starting_cash)
    : params_((params.validate(), params)), model_(make_model(params_)) {
    check::Rules rules;
    for (std::size_t u = 0; u < starting_cash.size(); ++u)
        rules.require("balances[" + std::to_string(u) + "]", starting_cash[u], {check::non_negative()});
    rules.throw_if_failed("pm");
    accounts_.resize(starting_cash.size());
    for (std::size_t u = 0; u < starting_cash.size(); ++u) {
        accounts_[u].cash = starting_cash[u];
        starting_total_ += starting_cash[u];
    }
    for (std::size_t i = 0; i < params_.outcomes; ++i) active_[i] = true;
    ticks_ = params_.ticks();
    pools_.resize(params_.outcomes * 4 * (ticks_ + 1));
    af_live_.assign(params_.outcomes * 4, 0);
    unit_fee_ = std::max(params_.fee, params_.fee_match);
}

void Exchange::set_ramp_window(double t_start_s, double t_end_s) {
    if (auto* m = std::get_if<ParametricMarket>(&model_)) m->set_window(t_start_s, t_end_s);
    params_.t_start_s = t_start_s;
    params_.t_end_s = t_end_s;
}

std::size_t Exchange::pool_index(std::size_t i, Token token, Side side, std::size_t tick) const noexcept {
    return ((i * 2 + static_cast<std::size_t>(token)) * 2 + static_cast<std::size_t>(side)) * (ticks_ + 1) + tick;
}

double Exchange::model_price(std::size_t i) const {
    return std::visit([i](const auto& m) { return m.price(i); }, model_);
}

double Exchange::price(std::size_t i) const { return active(i) ? model_price(i) : 0.0; }

double Exchange::token_price(std::size_t i, Token token) const {
    const double p = model_price(i);
    return token == Token::Yes ? p : 1.0 - p;
}

double Exchange::model_t(std::int64_t t_ms) const noexcept { return static_cast<double>(t_ms) / 1000.0; }

double Exchange::pool_volume(std::size_t i, Token token, Side side, std::size_t tick) const {
    PFT_REQUIRE(i < params_.outcomes && tick <= ticks_, "pool_volume: no pool (" << i << ", " << tick << ")");
    return pools_[pool_index(i, token, side, tick)].volume;
}

double Exchange::resting(std::uint64_t order_id) const {
    const auto it = by_id_.find(order_id);
    if (it == by_id_.end()) return 0.0;
    const Resting& r = resting_[it->second];
    return r.live ? r.remaining : 0.0;
}

// ---- the market maker's cost function, in YES deltas -------------------------------------------

double Exchange::yes_raw(std::size_t i, double delta, double t) const {
    if (const auto* l = std::get_if<Lmsr>(&model_)) return l->cost_of(i, delta);
    const auto& m = std::get<ParametricMarket>(model_);
    return delta >= 0.0 ? m.quote_buy(i, delta, t).cash : -m.quote_sell(i, -delta, t).cash;
}

double Exchange::yes_capacity(std::size_t i, int direction, double t) const {
    if (std::holds_alternative<Lmsr>(model_)) return kInf;
    const auto& m = std::get<ParametricMarket>(model_);
    return direction > 0 ? m.max_buy(i, t) : m.max_sell(i, t);
}

// Buying YES x costs C(+x); selling YES returns -C(-x); buying NO x is minting x complete sets and
// selling the YES leg to the AMM (x + C(-x)); selling NO x is buying the YES leg and merging
// (x - C(+x)). The fee f is charged on that cash leg.
Exchange::AmmLeg Exchange::amm_quote(std::size_t i, Token token, Side side, double size, double t) const {
    const int dir = yes_direction(token, side);
    const double x = std::min(size, yes_capacity(i, dir, t));
    AmmLeg leg;
    if (!(x > 0.0)) return leg;
    const double raw = yes_raw(i, dir * x, t);
    const double base = buying(side) ? (token == Token::Yes ? raw : x + raw) : (token == Token::Yes ? -raw : x - raw);
    leg.size = x;
    leg.fee = params_.fee * base;
    leg.cash = buying(side) ? base + leg.fee : -(base - leg.fee);
    return leg;
}

double Exchange::amm_cash(std::size_t i, Token token, Side side, double size, std::int64_t t_ms) const {
    require_active_outcome(active_, params_.outcomes, i);
    return amm_quote(i, token, side, size, model_t(t_ms)).cash;
}

double Exchange::amm_capacity(std::size_t i, Token token, Side side, std::int64_t t_ms) const {
    require_active_outcome(active_, params_.outcomes, i);
    return yes_capacity(i, yes_direction(token, side), model_t(t_ms));
}

double Exchange::size_for_budget(std::size_t i, Token token, double budget, std::int64_t t_ms) const {
    require_active_outcome(active_, params_.outcomes, i);
    check::Rules rules;
    rules.require("budget", budget, {check::positive()});
    rules.throw_if_failed("pm");
    const double t = model_t(t_ms);
    const double cap = yes_capacity(i, yes_direction(token, Side::Buy), t);
    const auto excess = [&](double x) { return amm_quote(i, token, Side::Buy, x, t).cash - budget; };
    double hi = budget / std::max(token_price(i, token) * (1.0 + params_.fee), 1e-300);
    if (std::isfinite(cap)) {
        if (cap <= 0.0) return 0.0;
        hi = std::min(hi, cap);
        if (excess(cap) <= 0.0) return cap;
    }
    while (excess(hi) < 0.0) hi *= 2.0;  // cost(x) >= x p(1 + f) for the first token: hi is a bound
    const auto root = base::solve_bracketed(excess, 0.0, hi, base::RelativeTolerance{1e-15, 0.0}, 300,
                                            "pm.size_for_budget", base::OnIterationCap::ReturnBracket);
    return root.mid();
}

// Size at which the token's marginal all-in price (f included) reaches `all_in`.
double Exchange::amm_size_to_price(std::size_t i, Token token, Side side, double all_in, double t) const {
    const double marginal = buying(side) ? all_in / (1.0 + params_.fee) : all_in / (1.0 - params_.fee);
    const double target = token == Token::Yes ? marginal : 1.0 - marginal;  // the YES price sought
    const int dir = yes_direction(token, side);
    const double p = model_price(i);
    if (dir > 0 && target >= 1.0) return kInf;
    if (dir < 0 && target <= 0.0) return kInf;
    if ((target - p) * dir <= 0.0) return 0.0;
    if (const auto* l = std::get_if<Lmsr>(&model_)) {
        // p_i(x) / (1 - p_i(x)) = e^{x/b} p_i / (1 - p_i) for the coupled LMSR.
        const auto logit = [](double v) { return std::log(v / (1.0 - v)); };
        return l->liquidity() * std::fabs(logit(target) - logit(p));
    }
    const auto& m = std::get<ParametricMarket>(model_);
    return dir > 0 ? (target - p) / m.buy_slope(i, t) : (p - target) / m.sell_slope(i, t);
}

void Exchange::mm_deliver(std::size_t i, Token token, double size) {
    double& have = token == Token::Yes ? mm_.yes[i] : mm_.no[i];
    double& other = token == Token::Yes ? mm_.no[i] : mm_.yes[i];
    const double take = std::min(have, size);
    have -= take;
    const double mint = size - take;
    if (mint > 0.0) {  // mint complete sets: 1 per set into collateral, keep the other leg
        mm_.cash -= mint;
        collateral_[i] += mint;
        other += mint;
    }
}

void Exchange::mm_receive(std::size_t i, Token token, double size) {
    (token == Token::Yes ? mm_.yes[i] : mm_.no[i]) += size;
    const double sets = std::min(mm_.yes[i], mm_.no[i]);  // merge complete sets back into cash
    if (sets > 0.0) {
        mm_.yes[i] -= sets;
        mm_.no[i] -= sets;
        collateral_[i] -= sets;
        mm_.cash += sets;
    }
}

Exchange::AmmLeg Exchange::amm_execute(std::size_t i, Token token, Side side, double size, double t) {
    const AmmLeg leg = amm_quote(i, token, side, size, t);
    if (!(leg.size > 0.0)) return leg;
    const int dir = yes_direction(token, side);
    if (auto* l = std::get_if<Lmsr>(&model_)) {
        l->trade(i, dir * leg.size);
    } else {
        auto& m = std::get<ParametricMarket>(model_);
        if (dir > 0) (void)m.buy(i, leg.size, t);
        else (void)m.sell(i, leg.size, t);
    }
    mm_.cash += leg.cash;
    mm_.fees += leg.fee;
    if (buying(side)) mm_deliver(i, token, leg.size);
    else mm_receive(i, token, leg.size);
    return leg;
}

// ---- orders and pools ----------------------------------------------------------------------------

void Exchange::charge_gas(const Order& o, BatchOutput&) {
    Account& a = accounts_[o.user];
    const double gas = std::min(params_.gas_fee, a.cash);
    a.cash -= gas;
    a.gas_paid += gas;
    gas_collected_ += gas;
}

bool Exchange::admit(const Order& o, bool reused_id, BatchOutput& out) {
    const std::uint32_t outcome = o.type == OrderType::Cancel ? kNoOutcome : o.outcome;
    const auto reject = [&](const char* why) {
        out.events.push_back({batch_, o.ts_ms, EventKind::Rejected, o.id, o.user, outcome, why, 0.0});
        return false;
    };
    if (locked_) return reject("market resolved");
    if (frozen_) return reject("trading frozen");
    if (reused_id) return reject("duplicate order id");
    if (o.type == OrderType::Cancel) return true;
    if (o.outcome >= params_.outcomes || !active_[o.outcome]) return reject("outcome not active");
    if (!(o.size > 0.0) || !std::isfinite(o.size)) return reject("size must be > 0");
    const Account& a = accounts_[o.user];
    if (o.type == OrderType::Limit) {
        const double k = std::round(o.limit_price / params_.tick_size);
        if (!(std::fabs(k * params_.tick_size - o.limit_price) <= 1e-9) || k < 1.0 ||
            k > static_cast<double>(ticks_ - 1))
            return reject("limit price off the tick grid or outside (0, 1)");
        if (buying(o.side) && o.size * o.limit_price * (1.0 + unit_fee_) > a.cash)
            return reject("insufficient balance");
    } else {
        if (!(o.max_slippage >= 0.0)) return reject("max slippage must be >= 0");
        if (buying(o.side) && o.size * params_.p_max * (1.0 + unit_fee_) > a.cash)
            return reject("insufficient balance");
    }
    if (!buying(o.side)) {
        const double held = o.token == Token::Yes ? a.yes[o.outcome] : a.no[o.outcome];
        if (o.size > held) return reject("insufficient tokens");
    }
    return true;
}

void Exchange::place_limit(const Order& o) {
    Resting r;
    r.order = o;
    r.remaining = o.size;
    r.tick = static_cast<std::uint32_t>(std::llround(o.limit_price / params_.tick_size));
    r.order.limit_price = static_cast<double>(r.tick) * params_.tick_size;
    r.batch = batch_;
    r.live = true;
    Account& a = accounts_[o.user];
    if (buying(o.side)) {
        r.unit_lock = r.order.limit_price * (1.0 + unit_fee_);
        r.lock_left = o.size * r.unit_lock;
        a.cash -= r.lock_left;
        a.locked_cash += r.lock_left;
    } else {
        r.unit_lock = 1.0;
        r.lock_left = o.size;
        tokens_of(a, o.outcome, o.token) -= o.size;
        locked_of(a, o.outcome, o.token) += o.size;
    }
    if (o.auto_fill) ++af_live_[pool_index(o.outcome, o.token, o.side, 0) / (ticks_ + 1)];
    const auto index = static_cast<std::uint32_t>(resting_.size());
    resting_.push_back(r);
    ++live_orders_;
    by_id_.emplace(o.id, index);
    Pool& pool = pools_[pool_index(o.outcome, o.token, o.side, r.tick)];
    if (o.auto_fill) ++pool.af_members;
    ++pool.live_members;
    pool.newest_batch = batch_;
    pool.members.push_back(index);
    pool.volume += o.size;
}

void Exchange::compact(Pool& pool) {
    double volume = 0.0;
    std::size_t kept = 0;
    for (const std::uint32_t m : pool.members) {
        if (!resting_[m].live) continue;
        pool.members[kept++] = m;
        volume += resting_[m].remaining;
    }
    pool.members.resize(kept);
    pool.volume = volume;
    pool.live_members = static_cast<std::uint32_t>(kept);
}

namespace {
using IdRange = std::pair<std::uint64_t, std::uint64_t>;

/// The first range at or after `from` whose last id is >= id, for ids asked in increasing order:
/// a gallop from `from` then a binary search, O(log(distance)).
std::size_t seek(const std::vector<IdRange>& ranges, std::size_t from, std::uint64_t id) noexcept {
    std::size_t lo = from, hi = from, step = 1;
    while (hi < ranges.size() && ranges[hi].second < id) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    hi = std::min(hi, ranges.size());
    const auto it = std::lower_bound(ranges.begin() + static_cast<std::ptrdiff_t>(lo),
                                     ranges.begin() + static_cast<std::ptrdiff_t>(hi), id,
                                     [](const IdRange& range, std::uint64_t v) { return range.second < v; });
    return static_cast<std::size_t>(it - ranges.begin());
}

/// out = the union of two lists of sorted disjoint ranges, disjoint from each other, joining
/// adjacent ranges (back.last < r.first, so back.last + 1 cannot overflow).
void merge_ranges(const std::vector<IdRange>& a, const std::vector<IdRange>& b, std::vector<IdRange>& out) {
    out.clear();
    const auto push = [&](const IdRange& r) {
        if (!out.empty() && out.back().second + 1 == r.first) out.back().second = r.second;
        else out.push_back(r);
    };
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) push(a[i++]);
        else push(b[j++]);
    }
}
}  // namespace

void Exchange::take_ids(std::span<const Order> orders) {
    // (id, position in the batch's order): equal ids side by side, the first processed first.
    batch_ids_.clear();
    for (std::size_t n = 0; n < sorted_.size(); ++n) batch_ids_.emplace_back(orders[sorted_[n]].id, n);
    if (!std::is_sorted(batch_ids_.begin(), batch_ids_.end())) std::sort(batch_ids_.begin(), batch_ids_.end());
    reused_id_.assign(orders.size(), 0);
    fresh_ids_.clear();
    std::size_t u = 0, r = 0;  // where the ids asked so far stand in used_ids_ and recent_ids_
    for (std::size_t j = 0; j < batch_ids_.size(); ++j) {
        const std::uint64_t id = batch_ids_[j].first;
        u = seek(used_ids_, u, id);
        r = seek(recent_ids_, r, id);
        const bool taken = (u < used_ids_.size() && used_ids_[u].first <= id) ||
                           (r < recent_ids_.size() && recent_ids_[r].first <= id);
        if ((j > 0 && batch_ids_[j - 1].first == id) || taken) {
            reused_id_[sorted_[batch_ids_[j].second]] = 1;
        } else if (!fresh_ids_.empty() && fresh_ids_.back().second + 1 == id) {
            fresh_ids_.back().second = id;
        } else {
            fresh_ids_.emplace_back(id, id);
        }
    }
    if (fresh_ids_.empty()) return;
    // The batch's ranges join recent_ids_ (O(its size + the batch's)), which joins used_ids_ once
    // it holds about sqrt(used_ids_) ranges: O(batch + sqrt(ranges)) per batch, amortised.
    merge_ranges(recent_ids_, fresh_ids_, merged_ids_);
    recent_ids_.swap(merged_ids_);
    constexpr std::size_t kMinRecent = 64;
    if (recent_ids_.size() >= kMinRecent && recent_ids_.size() * recent_ids_.size() >= used_ids_.size()) {
        merge_ranges(used_ids_, recent_ids_, merged_ids_);
        used_ids_.swap(merged_ids_);
        recent_ids_.clear();
    }
}

std::size_t Exchange::used_id_ranges() const noexcept {
    // The runs of consecutive ids over both lists (a range of one may touch a range of the other).
    std::size_t count = 0;
    std::uint64_t last = 0;
    std::size_t a = 0, b = 0;
    while (a < used_ids_.size() || b < recent_ids_.size()) {
        const bool from_used =
            b == recent_ids_.size() || (a < used_ids_.size() && used_ids_[a].first < recent_ids_[b].first);
        const auto& r = from_used ? used_ids_[a++] : recent_ids_[b++];
        if (count == 0 || last + 1 != r.first) ++count;
        last = r.second;
    }
    return count;
}

void Exchange::compact_orders() {
    // Orders are only freed in bulk, when the finished ones outnumber the open ones by the slack:
    // each order is moved O(1) times on average, and the invariant check and the resolution walk
    // at most 2 x open + slack entries instead of every order ever placed.
    constexpr std::size_t kCompactSlack = 4096;
    const std::size_t finished = resting_.size() - live_orders_;
    if (finished < live_orders_ + kCompactSlack) return;
    remap_.assign(resting_.size(), 0);
    compacted_.clear();
    compacted_.emplace_back();  // the tombstone: never live, so every reader skips it
    for (std::size_t k = tombstone_ ? 1 : 0; k < resting_.size(); ++k) {
        const Resting& r = resting_[k];
        if (r.live) {
            remap_[k] = static_cast<std::uint32_t>(compacted_.size());
            compacted_.push_back(r);
            by_id_.find(r.order.id)->second = remap_[k];
        } else {
            by_id_.erase(r.order.id);  // a freed order leaves the index; its id stays in used_ids_
        }
    }
    // Pool members keep their count and order (finished ones now name the tombstone), so every
    // pool computes exactly what it did before: the results and the state hash do not change.
    for (Pool& pool : pools_)
        for (std::uint32_t& m : pool.members) m = remap_[m];
    resting_.swap(compacted_);
    tombstone_ = true;
}

void Exchange::cancel(std::uint32_t index, const char* reason, BatchOutput* out, std::vector<Event>* events) {
    Resting& r = resting_[index];
    if (!r.live) return;
    Account& a = accounts_[r.order.user];
    if (buying(r.order.side)) {
        a.cash += r.lock_left;
        a.locked_cash -= r.lock_left;
    } else {
        tokens_of(a, r.order.outcome, r.order.token) += r.lock_left;
        locked_of(a, r.order.outcome, r.order.token) -= r.lock_left;
    }
    const Event e{batch_, now_ms_, EventKind::Cancelled, r.order.id, r.order.user, r.order.outcome, reason,
                  r.remaining};
    if (out != nullptr) out->events.push_back(e);
    if (events != nullptr) events->push_back(e);
    Pool& pool = pools_[pool_index(r.order.outcome, r.order.token, r.order.side, r.tick)];
    pool.volume -= r.remaining;
    r.remaining = 0.0;
    r.lock_left = 0.0;
    r.live = false;
    --live_orders_;
    if (r.order.auto_fill) {
        --af_live_[pool_index(r.order.outcome, r.order.token, r.order.side, 0) / (ticks_ + 1)];
        --pool.af_members;
    }
    // Lazy removal: the pool is compacted once most of it is dead (an empty pool at once, so its
    // volume is exactly 0).
    --pool.live_members;
    if (pool.live_members == 0) {
        pool.members.clear();
        pool.volume = 0.0;
    } else if (pool.members.size() > 2 * static_cast<std::size_t>(pool.live_members) + 8) {
        compact(pool);
    }
}

void Exchange::settle(std::uint32_t index, double filled, double cash_paid) {
    Resting& r = resting_[index];
    Account& a = accounts_[r.order.user];
    r.remaining -= filled;
    const bool done = r.remaining <= kDust * r.order.size;
    const double release = done ? r.lock_left : std::min(r.lock_left, filled * r.unit_lock);
    r.lock_left -= release;
    ++a.trades;
    if (buying(r.order.side)) {
        a.locked_cash -= release;
        a.cash += release - cash_paid;
        tokens_of(a, r.order.outcome, r.order.token) += filled;
    } else {
        // The tokens sold leave the lock; a dust remainder returns to the user.
        locked_of(a, r.order.outcome, r.order.token) -= release;
        tokens_of(a, r.order.outcome, r.order.token) += release - filled;
        a.cash -= cash_paid;
    }
    if (done) {
        r.remaining = 0.0;
        r.live = false;
        --live_orders_;
        Pool& pool = pools_[pool_index(r.order.outcome, r.order.token, r.order.side, r.tick)];
        --pool.live_members;
        if (r.order.auto_fill) {
            --af_live_[pool_index(r.order.outcome, r.order.token, r.order.side, 0) / (ticks_ + 1)];
            --pool.af_members;
        }
    }
}

bool Exchange::eligible(const Resting& r, Members members) const noexcept {
    if (!r.live) return false;
    if (members == Members::NewOnly) return r.batch == batch_;
    if (members == Members::AutoFillOnly) return r.order.auto_fill;
    return true;
}

std::size_t Exchange::first_candidate(const Pool& pool, Members members) const noexcept {
    if (members != Members::NewOnly) return 0;
    // Members join at the back and keep their order, so this batch's form a suffix: only it can
    // be eligible (the older members are skipped without being read).
    std::size_t k = pool.members.size();
    while (k > 0 && resting_[pool.members[k - 1]].batch == batch_) --k;
    return k;
}

double Exchange::eligible_volume(std::size_t pool, Members members) const {
    if (members == Members::All) return pools_[pool].volume;
    const Pool& p = pools_[pool];
    double v = 0.0;
    for (std::size_t k = first_candidate(p, members); k < p.members.size(); ++k) {
        const Resting& r = resting_[p.members[k]];
        if (eligible(r, members)) v += r.remaining;
    }
    return v;
}

void Exchange::fill_pool(std::size_t pool_id, Members members, double amount, double price, double cash_per_token,
                         double fee_per_token, double rebate_per_token, FillKind kind, std::uint32_t counterparty,
                         BatchOutput& out) {
    Pool& pool = pools_[pool_id];
    const double total = eligible_volume(pool_id, members);
    if (!(amount > 0.0) || !(total > 0.0)) return;
    const double ratio = std::min(amount / total, 1.0);
    if (members == Members::All) {
        // Every member of a pool is live (pools are compacted after each change): one pass fills,
        // settles and compacts.
        const std::size_t size = pool.members.size();
        std::size_t last = size;
        while (last > 0 && !resting_[pool.members[last - 1]].live) --last;
        double given = 0.0;
        double volume = 0.0;
        std::size_t kept = 0;
        for (std::size_t k = 0; k < last; ++k) {
            const std::uint32_t m = pool.members[k];
            if (!resting_[m].live) continue;
            const double rem = resting_[m].remaining;
            const double share = k + 1 == last ? std::clamp(amount - given, 0.0, rem) : std::min(rem * ratio, rem);
            given += share;
            if (share > 0.0) {
                const Resting& r = resting_[m];
                out.fills.push_back({batch_, now_ms_, r.order.id, r.order.user, counterparty, r.order.outcome,
                                     r.order.token, r.order.side, kind, share, price, share * cash_per_token,
                                     share * fee_per_token, share * rebate_per_token});
                settle(m, share, share * cash_per_token);
            }
            if (resting_[m].live) {
                pool.members[kept++] = m;
                volume += resting_[m].remaining;
            }
        }
        pool.members.resize(kept);
        pool.volume = volume;
        pool.live_members = static_cast<std::uint32_t>(kept);
        return;
    }
    const std::size_t first = first_candidate(pool, members);
    std::size_t last = pool.members.size();
    for (std::size_t k = first; k < pool.members.size(); ++k)
        if (eligible(resting_[pool.members[k]], members)) last = k;
    double given = 0.0;
    for (std::size_t k = first; k <= last && k < pool.members.size(); ++k) {
        const std::uint32_t m = pool.members[k];
        if (!eligible(resting_[m], members)) continue;
        const double rem = resting_[m].remaining;
        // Pro-rata share; the last (FIFO) member takes the rounding residue.
        const double share = k == last ? std::clamp(amount - given, 0.0, rem) : std::min(rem * ratio, rem);
        given += share;
        if (!(share > 0.0)) continue;
        const Resting& r = resting_[m];
        out.fills.push_back({batch_, now_ms_, r.order.id, r.order.user, counterparty, r.order.outcome, r.order.token,
                             r.order.side, kind, share, price, share * cash_per_token, share * fee_per_token,
                             share * rebate_per_token});
        settle(m, share, share * cash_per_token);
    }
    compact(pool);
}

int Exchange::best_tick(std::size_t i, Token token, Side side) const {
    const std::size_t base = pool_index(i, token, side, 0);
    if (buying(side)) {
        for (std::size_t k = ticks_; k-- > 0;)
            if (pools_[base + k].volume > 0.0) return static_cast<int>(k);
    } else {
        for (std::size_t k = 0; k <= ticks_; ++k)
            if (pools_[base + k].volume > 0.0) return static_cast<int>(k);
    }
    return -1;
}

// Same-token pools cross when the best bid tick >= the best ask tick: they trade at the midpoint.
void Exchange::match_book(std::size_t i, BatchOutput& out) {
    const double fm = params_.fee_match;
    for (const Token token : {Token::Yes, Token::No}) {
        for (;;) {
            const int bid = best_tick(i, token, Side::Buy);
            const int ask = best_tick(i, token, Side::Sell);
            if (bid < 0 || ask < 0 || bid < ask) break;
            const std::size_t pb = pool_index(i, token, Side::Buy, static_cast<std::size_t>(bid));
            const std::size_t pa = pool_index(i, token, Side::Sell, static_cast<std::size_t>(ask));
            const double m = std::min(pools_[pb].volume, pools_[pa].volume);
            const double price = 0.5 * static_cast<double>(bid + ask) * params_.tick_size;
            const std::uint32_t buyer = first_user_of(pools_[pb].members, resting_);
            const std::uint32_t seller = first_user_of(pools_[pa].members, resting_);
            fill_pool(pb, Members::All, m, price, price * (1.0 + fm), price * fm, 0.0, FillKind::Book, seller, out);
            fill_pool(pa, Members::All, m, price, -price * (1.0 - fm), price * fm, 0.0, FillKind::Book, buyer, out);
            mm_.cash += 2.0 * m * price * fm;
            mm_.fees += 2.0 * m * price * fm;
            out.volume += m;
        }
    }
}

// YES bid p and NO bid q with p + q >= 1 mint complete sets; YES ask p and NO ask q with
// p + q <= 1 merge them. Compared in whole ticks, so the boundary is exact. The surplus
// |p + q - 1| is split equally between the two sides.
void Exchange::cross_match(std::size_t i, BatchOutput& out) {
    if (!params_.cross_matching) return;
    const double fm = params_.fee_match;
    const double tick = params_.tick_size;
    const auto n_ticks = static_cast<int>(ticks_);
    for (const Side side : {Side::Buy, Side::Sell}) {
        for (;;) {
            const int y = best_tick(i, Token::Yes, side);
            const int n = best_tick(i, Token::No, side);
            if (y < 0 || n < 0) break;
            if (buying(side) ? y + n < n_ticks : y + n > n_ticks) break;
            const std::size_t py = pool_index(i, Token::Yes, side, static_cast<std::size_t>(y));
            const std::size_t pn = pool_index(i, Token::No, side, static_cast<std::size_t>(n));
            const double m = std::min(pools_[py].volume, pools_[pn].volume);
            const double half = 0.5 * static_cast<double>(std::abs(y + n - n_ticks)) * tick;
            const double sign = buying(side) ? -1.0 : 1.0;  // buyers pay less, sellers get more
            const double price_y = static_cast<double>(y) * tick + sign * half;
            const double price_n = static_cast<double>(n) * tick + sign * half;
            const std::uint32_t uy = first_user_of(pools_[py].members, resting_);
            const std::uint32_t un = first_user_of(pools_[pn].members, resting_);
            const FillKind kind = buying(side) ? FillKind::Mint : FillKind::Merge;
            const double leg = buying(side) ? 1.0 + fm : -(1.0 - fm);
            fill_pool(py, Members::All, m, price_y, price_y * leg, price_y * fm, 0.0, kind, un, out);
            fill_pool(pn, Members::All, m, price_n, price_n * leg, price_n * fm, 0.0, kind, uy, out);
            collateral_[i] += buying(side) ? m : -m;
            mm_.cash += m * (price_y + price_n) * fm;
            mm_.fees += m * (price_y + price_n) * fm;
            out.volume += m;
        }
    }
}

// This batch's limit orders that cross the AMM's marginal all-in price fill against it, best
// pool first, up to the size that moves the marginal price to their limit.
void Exchange::limits_against_amm(std::size_t i, BatchOutput& out) {
    const double t = model_t(now_ms_);
    for (const Token token : {Token::Yes, Token::No}) {
        for (const Side side : {Side::Buy, Side::Sell}) {
            for (std::size_t step = 0; step < ticks_; ++step) {
                const std::size_t k = buying(side) ? ticks_ - 1 - step : step + 1;
                if (k == 0 || k >= ticks_) continue;
                const std::size_t pid = pool_index(i, token, side, k);
                if (!(pools_[pid].volume > 0.0) || pools_[pid].newest_batch != batch_) continue;
                const double volume = eligible_volume(pid, Members::NewOnly);
                if (!(volume > 0.0)) continue;
                const double limit = static_cast<double>(k) * params_.tick_size;
                const double reach = amm_size_to_price(i, token, side, limit, t);
                if (!(reach > 0.0)) break;  // worse pools cannot cross either
                const double x = std::min({volume, reach, yes_capacity(i, yes_direction(token, side), t)});
                if (!(x > kDust)) break;
                const AmmLeg leg = amm_execute(i, token, side, x, t);
                if (!(leg.size > 0.0)) break;
                const double per = leg.cash / leg.size;
                const double price = buying(side) ? (leg.cash - leg.fee) / leg.size : (-leg.cash + leg.fee) / leg.size;
                fill_pool(pid, Members::NewOnly, leg.size, price, per, leg.fee / leg.size, 0.0, FillKind::Amm,
                          kMarketMaker, out);
                out.volume += leg.size;
            }
        }
    }
}

// A market order takes the opposite same-token pools priced at or better than the AMM's current
// marginal all-in price, best first, then the AMM for the rest.
Exchange::MarketPlan Exchange::plan_market(const Order& o, double size, double t) const {
    const std::size_t i = o.outcome;
    const double fm = params_.fee_match;
    const bool buy = buying(o.side);
    const double amm_all_in = token_price(i, o.token) * (buy ? 1.0 + params_.fee : 1.0 - params_.fee);
    const Side opposite = buy ? Side::Sell : Side::Buy;
    MarketPlan plan;
    double rest = size;
    for (std::size_t step = 1; step < ticks_ && rest > 0.0; ++step) {
        const std::size_t k = buy ? step : ticks_ - step;
        const double px = static_cast<double>(k) * params_.tick_size;
        if (buy ? px * (1.0 + fm) > amm_all_in : px * (1.0 - fm) < amm_all_in) break;
        const double v = pools_[pool_index(i, o.token, opposite, k)].volume;
        if (!(v > 0.0)) continue;
        const double take = std::min(v, rest);
        plan.filled += take;
        plan.cash += buy ? take * px * (1.0 + fm) : -take * px * (1.0 - fm);
        rest -= take;
    }
    if (rest > 0.0) {
        const AmmLeg leg = amm_quote(i, o.token, o.side, rest, t);
        plan.filled += leg.size;
        plan.cash += leg.cash;
    }
    return plan;
}

void Exchange::run_market(const Order& o, BatchOutput& out) {
    const std::size_t i = o.outcome;
    const double t = model_t(now_ms_);
    Account& a = accounts_[o.user];
    const auto reject = [&](const char* why) {
        out.events.push_back({batch_, now_ms_, EventKind::Rejected, o.id, o.user, o.outcome, why, 0.0});
    };
    if (!active_[i]) return reject("outcome not active");
    const bool buy = buying(o.side);
    double size = o.size;
    if (!buy) size = std::min(size, o.token == Token::Yes ? a.yes[i] : a.no[i]);
    if (!(size > 0.0)) return reject("insufficient tokens");
    MarketPlan plan = plan_market(o, size, t);
    if (buy && plan.cash > a.cash) {
        // Exact balance check on fill: the largest size the cash pays for (cost is increasing).
        const auto excess = [&](double x) { return plan_market(o, x, t).cash - a.cash; };
        const auto root = base::solve_bracketed(excess, 0.0, size, -a.cash, plan.cash - a.cash,
                                                base::RelativeTolerance{1e-13, 0.0}, 300, "pm.market_budget",
                                                base::OnIterationCap::ReturnBracket);
        size = root.lo;
        plan = plan_market(o, size, t);
    }
    if (!(plan.filled > 0.0)) return reject("no liquidity");
    const double ref = token_price(i, o.token) * (buy ? 1.0 + params_.fee : 1.0 - params_.fee);
    const double average = std::fabs(plan.cash) / plan.filled;
    const double slippage = buy ? average / ref - 1.0 : 1.0 - average / ref;
    if (slippage > o.max_slippage) return reject("max slippage exceeded");

    // Execute the plan: book pools first, then the AMM.
    const double fm = params_.fee_match;
    const double amm_all_in = ref;
    const Side opposite = buy ? Side::Sell : Side::Buy;
    double rest = size;
    for (std::size_t step = 1; step < ticks_ && rest > 0.0; ++step) {
        const std::size_t k = buy ? step : ticks_ - step;
        const double px = static_cast<double>(k) * params_.tick_size;
        if (buy ? px * (1.0 + fm) > amm_all_in : px * (1.0 - fm) < amm_all_in) break;
        const std::size_t pid = pool_index(i, o.token, opposite, k);
        const double v = pools_[pid].volume;
        if (!(v > 0.0)) continue;
        const double take = std::min(v, rest);
        const std::uint32_t maker = first_user_of(pools_[pid].members, resting_);
        fill_pool(pid, Members::All, take, px, buy ? -px * (1.0 - fm) : px * (1.0 + fm), px * fm, 0.0, FillKind::Book,
                  o.user, out);
        const double cash = buy ? take * px * (1.0 + fm) : -take * px * (1.0 - fm);
        out.fills.push_back({batch_, now_ms_, o.id, o.user, maker, o.outcome, o.token, o.side, FillKind::Book, take, px,
                             cash, take * px * fm, 0.0});
        a.cash -= cash;
        tokens_of(a, i, o.token) += buy ? take : -take;
        mm_.cash += 2.0 * take * px * fm;
        mm_.fees += 2.0 * take * px * fm;
        out.volume += take;
        rest -= take;
    }
    if (rest > 0.0) {
        const AmmLeg leg = amm_execute(i, o.token, o.side, rest, t);
        if (leg.size > 0.0) {
            const double price = buy ? (leg.cash - leg.fee) / leg.size : (-leg.cash + leg.fee) / leg.size;
            out.fills.push_back({batch_, now_ms_, o.id, o.user, kMarketMaker, o.outcome, o.token, o.side,
                                 FillKind::Amm, leg.size, price, leg.cash, leg.fee, 0.0});
            a.cash -= leg.cash;
            tokens_of(a, i, o.token) += buy ? leg.size : -leg.size;
            out.volume += leg.size;
        }
    }
    ++a.trades;
    if (a.cash < 0.0 && a.cash > -1e-9) a.cash = 0.0;  // rounding of the budget root
}

// Opted-in resting orders whose limit the AMM's marginal all-in price has passed (moved by trades
// in other binaries) fill against the AMM at their limit price; the surplus S goes σ S to the
// market maker and (1 - σ) S back to the filled traders.
void Exchange::auto_fill(std::size_t skip_outcome, BatchOutput& out) {
    if (!params_.auto_fill) return;
    const double t = model_t(now_ms_);
    const double sigma = params_.sigma;
    std::array<double, kMaxOutcomes> px{};  // the YES prices, refreshed after every fill
    const auto refresh = [&] {
        if (const auto* l = std::get_if<Lmsr>(&model_)) l->prices(px);
        else
            for (std::size_t j = 0; j < params_.outcomes; ++j) px[j] = model_price(j);
    };
    refresh();
    bool progress = true;
    while (progress) {
        progress = false;
        for (std::size_t i = 0; i < params_.outcomes; ++i) {
            if (i == skip_outcome || !active_[i]) continue;
            for (const Token token : {Token::Yes, Token::No}) {
                for (const Side side : {Side::Buy, Side::Sell}) {
                    if (af_live_[pool_index(i, token, side, 0) / (ticks_ + 1)] == 0) continue;
                    // Only limits beyond the AMM's marginal all-in price can cross: buys above it,
                    // sells below it (the scan stops at the first pool that does not cross).
                    const double all_in = (token == Token::Yes ? px[i] : 1.0 - px[i]) *
                                          (buying(side) ? 1.0 + params_.fee : 1.0 - params_.fee);
                    const double edge = all_in / params_.tick_size;
                    const std::size_t steps =
                        buying(side) ? ticks_ - 1 - std::min(static_cast<std::size_t>(std::max(edge, 0.0)), ticks_ - 1)
                                     : std::min(static_cast<std::size_t>(std::max(std::ceil(edge) - 1.0, 0.0)), ticks_ - 1);
                    // The parametric bounds may leave the AMM no room on this side at all.
                    if (!(yes_capacity(i, yes_direction(token, side), t) > kDust)) continue;
                    for (std::size_t step = 0; step < steps; ++step) {
                        if (af_pools_used_ >= params_.af_max_pools || af_surplus_used_ >= params_.af_max_surplus)
                            return;
                        const std::size_t k = buying(side) ? ticks_ - 1 - step : step + 1;
                        const std::size_t pid = pool_index(i, token, side, k);
                        if (pools_[pid].af_members == 0 || pools_[pid].af_batch == batch_) continue;
                        const double limit = static_cast<double>(k) * params_.tick_size;
                        const double reach = amm_size_to_price(i, token, side, limit, t);
                        if (!(reach > 0.0)) break;
                        const double volume = eligible_volume(pid, Members::AutoFillOnly);
                        if (!(volume > 0.0)) continue;
                        double x = std::min({volume * params_.af_cap_frac, reach,
                                             yes_capacity(i, yes_direction(token, side), t)});
                        if (!(x > kDust)) continue;
                        const auto surplus = [&](double s) {
                            const AmmLeg q = amm_quote(i, token, side, s, t);
                            return buying(side) ? limit * q.size - q.cash : -q.cash - limit * q.size;
                        };
                        const double room = params_.af_max_surplus - af_surplus_used_;
                        if (surplus(x) > room) {
                            const auto root = base::solve_bracketed(
                                [&](double s) { return surplus(s) - room; }, 0.0, x, base::RelativeTolerance{1e-13, 0.0},
                                300, "pm.auto_fill_surplus", base::OnIterationCap::ReturnBracket);
                            x = root.lo;
                        }
                        if (!(x > kDust)) continue;
                        const AmmLeg leg = amm_execute(i, token, side, x, t);
                        if (!(leg.size > 0.0)) continue;
                        const double s = std::max(
                            buying(side) ? limit * leg.size - leg.cash : -leg.cash - limit * leg.size, 0.0);
                        const double rebate = (1.0 - sigma) * s;
                        const double paid = buying(side) ? limit * leg.size - rebate : -(limit * leg.size + rebate);
                        pools_[pid].af_batch = batch_;
                        mm_.cash += sigma * s;
                        mm_.seigniorage += sigma * s;
                        af_surplus_used_ += s;
                        ++af_pools_used_;
                        fill_pool(pid, Members::AutoFillOnly, leg.size, limit, paid / leg.size, leg.fee / leg.size,
                                  rebate / leg.size, FillKind::AutoFill, kMarketMaker, out);
                        out.volume += leg.size;
                        progress = true;
                        refresh();
                    }
                }
            }
        }
    }
}

void Exchange::apply_orders(std::span<const Order> orders, std::int64_t t_ms, BatchOutput& out) {
    ++batch_;
    now_ms_ = t_ms;
    af_pools_used_ = 0;
    af_surplus_used_ = 0.0;
    sorted_.resize(orders.size());
    for (std::size_t k = 0; k < orders.size(); ++k) sorted_[k] = static_cast<std::uint32_t>(k);
    std::sort(sorted_.begin(), sorted_.end(), [&](std::uint32_t x, std::uint32_t y) {
        return orders[x].ts_ms != orders[y].ts_ms ? orders[x].ts_ms < orders[y].ts_ms : orders[x].id < orders[y].id;
    });
    markets_.clear();
    // Every submission takes its id, whatever happens to the order next: a later one with the
    // same id (in this batch, after it, or in a later batch) is a duplicate.
    take_ids(orders);
    // 1. Gas, admission, cancellations, and limit orders into their pools.
    for (const std::uint32_t k : sorted_) {
        const Order& o = orders[k];
        if (o.user >= accounts_.size()) {
            out.events.push_back({batch_, o.ts_ms, EventKind::Rejected, o.id, o.user, o.outcome, "unknown user", 0.0});
            continue;
        }
        charge_gas(o, out);
        if (!admit(o, reused_id_[k] != 0, out)) continue;
        if (o.type == OrderType::Cancel) {
            const auto it = by_id_.find(o.cancel_id);
            if (it == by_id_.end() || !resting_[it->second].live || resting_[it->second].order.user != o.user) {
                out.events.push_back(
                    {batch_, o.ts_ms, EventKind::Rejected, o.id, o.user, kNoOutcome, "no open order to cancel", 0.0});
                continue;
            }
            cancel(it->second, "cancelled by user", &out, nullptr);
        } else if (o.type == OrderType::Limit) {
            place_limit(o);
        } else {
            markets_.push_back(k);
        }
    }
    // 2. Book against book (same token), cross-matching, then new limits against the AMM.
    for (std::size_t i = 0; i < params_.outcomes; ++i) {
        if (!active_[i]) continue;
        match_book(i, out);
        cross_match(i, out);
        limits_against_amm(i, out);
    }
    auto_fill(kMaxOutcomes, out);
    // 3. Market orders in (ts_ms, id) order, each followed by the auto-fills its cross-impacts allow.
    for (const std::uint32_t k : markets_) {
        run_market(orders[k], out);
        auto_fill(orders[k].outcome, out);
    }
    compact_orders();
}

ResolutionOutput Exchange::trigger_resolution(bool is_final, std::span<const std::uint32_t> outcomes,
                                              std::int64_t t_ms) {
    if (locked_) throw InputError("resolution", "the market is already resolved (locked)");
    check::Rules rules;
    ActiveMask seen{};
    for (std::size_t k = 0; k < outcomes.size(); ++k) {
        const std::uint32_t e = outcomes[k];
        if (e >= params_.outcomes || !active_[e] || seen[e])
            rules.fail(is_final ? "winner" : "eliminate[" + std::to_string(k) + "]",
                       "must name a distinct active outcome in [0, " + std::to_string(params_.outcomes) + "), got " +
                           std::to_string(e));
        else
            seen[e] = true;
    }
    if (is_final && outcomes.size() != 1)
        rules.fail("winner", "a final resolution names exactly one winner, got " + std::to_string(outcomes.size()));
    if (!is_final && (outcomes.empty() || active_count() < outcomes.size() + 2))
        rules.fail("eliminate", "must eliminate at least 1 outcome and leave at least 2 active, got " +
                                    std::to_string(outcomes.size()) + " of " + std::to_string(active_count()));
    rules.throw_if_failed("resolution");

    now_ms_ = t_ms;
    ResolutionOutput res;
    res.payouts.assign(accounts_.size(), 0.0);
    // Orders on the settled binaries are cancelled (all orders on a final resolution).
    for (std::uint32_t k = 0; k < resting_.size(); ++k) {
        if (!resting_[k].live) continue;
        if (is_final || seen[resting_[k].order.outcome])
            cancel(k, is_final ? "final resolution" : "outcome eliminated", nullptr, &res.events);
    }
    // Settle binary i: the winning token pays 1 per token to its holders (users and the MM's
    // inventory), from the collateral. Only tokens someone holds are paid.
    const auto settle_binary = [&](std::size_t i, Token pays) {
        double paid = 0.0;
        for (std::size_t u = 0; u < accounts_.size(); ++u) {
            Account& a = accounts_[u];
            const double amount = tokens_of(a, i, pays);
            a.cash += amount;
            a.payouts += amount;
            res.payouts[u] += amount;
            paid += amount;
            a.yes[i] = a.no[i] = 0.0;
        }
        const double mm_amount = pays == Token::Yes ? mm_.yes[i] : mm_.no[i];
        mm_.cash += mm_amount;
        mm_.payouts += mm_amount;
        res.mm_payout += mm_amount;
        paid += mm_amount;
        mm_.yes[i] = mm_.no[i] = 0.0;
        collateral_[i] -= paid;
    };
    if (is_final) {
        const std::uint32_t w = outcomes[0];
        for (std::size_t i = 0; i < params_.outcomes; ++i)
            if (active_[i]) settle_binary(i, i == w ? Token::Yes : Token::No);
        res.events.push_back({batch_, t_ms, EventKind::Resolved, 0, kMarketMaker, w, "final resolution", 0.0});
        locked_ = true;
    } else {
        for (const std::uint32_t e : outcomes) {
            settle_binary(e, Token::No);
            active_[e] = false;
            std::visit([e](auto& m) { m.eliminate(e); }, model_);
            res.events.push_back({batch_, t_ms, EventKind::Eliminated, 0, kMarketMaker, e, "outcome eliminated", 0.0});
        }
    }
    compact_orders();
    return res;
}

// ---- risk, invariants, canonical state -------------------------------------------------------------

double Exchange::mm_loss_if(std::size_t w) const {
    if (locked_) return -mm_.cash;
    double value = mm_.cash + mm_.yes[w];
    for (std::size_t j = 0; j < params_.outcomes; ++j)
        if (j != w && active_[j]) value += mm_.no[j];
    return -value;
}

double Exchange::mm_risk() const {
    if (locked_) return -mm_.cash;
    double worst = -kInf;
    for (std::size_t w = 0; w < params_.outcomes; ++w)
        if (active_[w]) worst = std::max(worst, mm_loss_if(w));
    return worst;
}

double Exchange::mm_profit() const {
    if (locked_) return mm_.cash;
    double value = mm_.cash;
    for (std::size_t i = 0; i < params_.outcomes; ++i) {
        if (!active_[i]) continue;
        const double p = model_price(i);
        value += p * mm_.yes[i] + (1.0 - p) * mm_.no[i];
    }
    return value;
}

InvariantReport Exchange::check_invariants(double tolerance) const {
    const double scale = std::max(1.0, starting_total_ + params_.subsidy);
    const double tol = tolerance * scale;
    char buf[256];
    const auto fail = [&](const char* what, std::size_t index, double got, double want) {
        std::snprintf(buf, sizeof buf, "%s [%zu]: got %.17g, expected %.17g", what, index, got, want);
        return InvariantReport{buf};
    };
    double money = mm_.cash + gas_collected_;
    double price_sum = 0.0;
    for (std::size_t i = 0; i < params_.outcomes; ++i) {
        double yes = mm_.yes[i];
        double no = mm_.no[i];
        for (const Account& a : accounts_) {
            yes += a.yes[i] + a.locked_yes[i];
            no += a.no[i] + a.locked_no[i];
        }
        money += collateral_[i];
        if (std::fabs(yes - collateral_[i]) > tol) return fail("YES supply = collateral", i, yes, collateral_[i]);
        if (std::fabs(no - collateral_[i]) > tol) return fail("NO supply = collateral", i, no, collateral_[i]);
        if (!active_[i] || locked_) {
            if (std::fabs(collateral_[i]) > tol) return fail("settled binary has no claim", i, collateral_[i], 0.0);
        }
        if (!active_[i] && price(i) != 0.0) return fail("eliminated price = 0", i, price(i), 0.0);
        if (active_[i]) price_sum += model_price(i);
        if (active_[i] && !locked_) {
            for (const Token token : {Token::Yes, Token::No}) {
                const int bid = best_tick(i, token, Side::Buy);
                const int ask = best_tick(i, token, Side::Sell);
                if (bid >= 0 && ask >= 0 && bid >= ask)
                    return fail("book not crossed after a batch (bid tick, ask tick)", i, bid, ask);
            }
            if (params_.cross_matching) {
                const int yb = best_tick(i, Token::Yes, Side::Buy), nb = best_tick(i, Token::No, Side::Buy);
                const int ya = best_tick(i, Token::Yes, Side::Sell), na = best_tick(i, Token::No, Side::Sell);
                const auto n_ticks = static_cast<int>(ticks_);
                if (yb >= 0 && nb >= 0 && yb + nb >= n_ticks) return fail("no mint left (YES+NO bid ticks)", i, yb + nb, n_ticks);
                if (ya >= 0 && na >= 0 && ya + na <= n_ticks) return fail("no merge left (YES+NO ask ticks)", i, ya + na, n_ticks);
            }
        }
    }
    if (std::fabs(price_sum - 1.0) > 1e-12) return fail("active YES prices sum to 1", 0, price_sum, 1.0);
    std::vector<double> locked_cash(accounts_.size(), 0.0);
    for (const Resting& r : resting_)
        if (r.live && buying(r.order.side)) locked_cash[r.order.user] += r.lock_left;
    for (std::size_t u = 0; u < accounts_.size(); ++u) {
        const Account& a = accounts_[u];
        money += a.cash + a.locked_cash;
        if (a.cash < -tol) return fail("no negative balance", u, a.cash, 0.0);
        if (std::fabs(a.locked_cash - locked_cash[u]) > tol) return fail("locked cash = open buy orders", u, a.locked_cash, locked_cash[u]);
        for (std::size_t i = 0; i < params_.outcomes; ++i) {
            if (a.yes[i] < -tol || a.no[i] < -tol || a.locked_yes[i] < -tol || a.locked_no[i] < -tol)
                return fail("no negative token position (user)", u, std::min({a.yes[i], a.no[i]}), 0.0);
        }
    }
    if (std::fabs(money - starting_total_) > tol) return fail("cash is conserved", 0, money, starting_total_);
    if (mm_risk() > params_.subsidy + tol) return fail("MM loss <= Z", 0, mm_risk(), params_.subsidy);
    return {};
}

std::string Exchange::canonical_state() const {
    std::string s = "pftoken-pm-state 1\nbatch";
    put_int(s, batch_);
    s += "\nflags";
    put_int(s, locked_ ? 1U : 0U);
    put_int(s, frozen_ ? 1U : 0U);
    s += "\nactive";
    for (std::size_t i = 0; i < params_.outcomes; ++i) put_int(s, active_[i] ? 1U : 0U);
    if (const auto* l = std::get_if<Lmsr>(&model_)) {
        s += "\nlmsr b";
        put_hex(s, l->liquidity());
        s += " q";
        for (std::size_t i = 0; i < params_.outcomes; ++i) put_hex(s, l->shares(i));
    } else {
        const auto& m = std::get<ParametricMarket>(model_);
        s += "\nparametric window";
        put_hex(s, m.options().t_start);
        put_hex(s, m.options().t_end);
        s += " collected";
        put_hex(s, m.collected());
        s += " p";
        for (std::size_t i = 0; i < params_.outcomes; ++i) put_hex(s, m.price(i));
        s += " held";
        for (std::size_t i = 0; i < params_.outcomes; ++i) put_hex(s, m.held(i));
    }
    s += "\ncollateral";
    for (std::size_t i = 0; i < params_.outcomes; ++i) put_hex(s, collateral_[i]);
    s += "\nmm";
    for (const double x : {mm_.cash, mm_.fees, mm_.seigniorage, mm_.payouts, gas_collected_}) put_hex(s, x);
    s += " yes";
    for (std::size_t i = 0; i < params_.outcomes; ++i) put_hex(s, mm_.yes[i]);
    s += " no";
    for (std::size_t i = 0; i < params_.outcomes; ++i) put_hex(s, mm_.no[i]);
    for (std::size_t u = 0; u < accounts_.size(); ++u) {
        const Account& a = accounts_[u];
        s += "\nuser";
        put_int(s, u);
        for (const double x : {a.cash, a.locked_cash, a.gas_paid, a.payouts}) put_hex(s, x);
        put_int(s, a.trades);
        for (std::size_t i = 0; i < params_.outcomes; ++i) {
            put_hex(s, a.yes[i]);
            put_hex(s, a.no[i]);
            put_hex(s, a.locked_yes[i]);
            put_hex(s, a.locked_no[i]);
        }
    }
    for (const Resting& r : resting_) {
        if (!r.live) continue;
        s += "\norder";
        put_int(s, r.order.id);
        put_int(s, r.order.user);
        put_int(s, r.order.outcome);
        put_int(s, static_cast<unsigned>(r.order.token));
        put_int(s, static_cast<unsigned>(r.order.side));
        put_int(s, r.tick);
        put_int(s, r.order.auto_fill ? 1U : 0U);
        put_int(s, r.batch);
        put_hex(s, r.remaining);
        put_hex(s, r.lock_left);
    }
    s += "\n";
    return s;
}

std::uint64_t Exchange::state_hash() const {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
    for (const char c : canonical_state()) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;  // FNV prime
    }
    return h;
}

}  // namespace pftoken::amm::pm
