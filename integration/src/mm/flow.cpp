// Synthetic YES/NO order flow (docs/order-book.md, "Simulated flow").
#include "pftoken/integration/mm/flow.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "pftoken/base/validate.hpp"

namespace pftoken::integration::mm {

namespace check = ::pftoken::validation;

namespace {
constexpr TimeMs kNever = std::numeric_limits<TimeMs>::max();
constexpr double kMsPerHour = 3.6e6;

Cents clamp_price(double cents) noexcept {
    return static_cast<Cents>(std::clamp(std::floor(cents), 1.0, 99.0));
}
}  // namespace

void FlowParams::validate(const std::string& prefix) const {
    check::Rules rules;
    const auto f = [&](const char* name) { return prefix + name; };
    rules.require(f("duration_h"), duration_h, {check::positive(), check::at_most(24.0 * 366)});
    rules.require(f("start_probability"), start_probability, {check::in_closed(0.01, 0.99)});
    rules.require(f("logit_vol_per_sqrt_h"), logit_vol_per_sqrt_h, {check::in_closed(0.0, 10.0)});
    rules.require(f("informed_rate_per_min"), informed_rate_per_min, {check::in_closed(0.0, 6000.0)});
    rules.require(f("informed_edge_cents"), informed_edge_cents, {check::in_closed(0, 50)});
    rules.require(f("informed_max_qty"), static_cast<double>(informed_max_qty), {check::in_closed(1, 1e6)});
    rules.require(f("noise_rate_per_min"), noise_rate_per_min, {check::in_closed(0.0, 6000.0)});
    rules.require(f("noise_max_qty"), static_cast<double>(noise_max_qty), {check::in_closed(1, 1e6)});
    rules.require(f("noise_slippage_cents"), noise_slippage_cents, {check::in_closed(0, 98)});
    rules.require(f("lp_rate_per_min"), lp_rate_per_min, {check::in_closed(0.0, 6000.0)});
    rules.require(f("lp_max_offset_cents"), lp_max_offset_cents, {check::in_closed(1, 49)});
    rules.require(f("lp_max_qty"), static_cast<double>(lp_max_qty), {check::in_closed(1, 1e6)});
    rules.require(f("lp_mean_lifetime_s"), lp_mean_lifetime_s, {check::positive(), check::at_most(1e6)});
    rules.require(f("oracle_interval_s"), oracle_interval_s, {check::in_closed(0.0, 86400.0)});
    rules.require(f("oracle_noise_cents"), oracle_noise_cents, {check::in_closed(0.0, 50.0)});
    rules.require(f("halt_rate_per_h"), halt_rate_per_h, {check::in_closed(0.0, 60.0)});
    rules.require(f("halt_duration_s"), halt_duration_s, {check::in_closed(1.0, 86400.0)});
    rules.throw_if_failed("flow");
}

FlowGenerator::FlowGenerator(const FlowParams& params, std::uint64_t seed) : params_(params), rng_(seed, 0x6D6D) {
    params_.validate();
    logit_ = std::log(params_.start_probability / (1.0 - params_.start_probability));
    end_ms_ = static_cast<TimeMs>(std::llround(params_.duration_h * kMsPerHour));
    next_informed_ = arrival_after(0, params_.informed_rate_per_min);
    next_noise_ = arrival_after(0, params_.noise_rate_per_min);
    next_lp_ = arrival_after(0, params_.lp_rate_per_min);
    next_oracle_ = params_.oracle_interval_s > 0.0 ? 0 : kNever;
    next_halt_ = arrival_after(0, params_.halt_rate_per_h / 60.0);
    next_resume_ = kNever;
    schedule();
}

double FlowGenerator::exponential_ms(double rate_per_min) {
    if (rate_per_min <= 0.0) return 1e300;
    return std::ceil(-std::log(rng_.uniform()) * 60000.0 / rate_per_min);  // >= 1 ms apart
}

TimeMs FlowGenerator::arrival_after(TimeMs t, double rate_per_min) {
    // A gap beyond the end (or a zero rate) never arrives; the check keeps the cast in range.
    const double gap = exponential_ms(rate_per_min);
    return gap > static_cast<double>(end_ms_) ? kNever : t + static_cast<TimeMs>(gap);
}

Shares FlowGenerator::uniform_qty(Shares max) {
    return 1 + static_cast<Shares>(rng_.next() % static_cast<std::uint64_t>(max));
}

double FlowGenerator::probability() const noexcept { return 1.0 / (1.0 + std::exp(-logit_)); }

void FlowGenerator::schedule() {
    if (done_) {
        next_time_ = kNever;
        return;
    }
    next_time_ = std::min({next_informed_, next_noise_, next_lp_, next_oracle_, next_halt_, next_resume_, end_ms_});
}

FlowEvent FlowGenerator::pop(const FlowTop& top) {
    FlowEvent e;
    if (done_) return e;
    const TimeMs t = next_time_;
    e.ts = t;
    // Log-odds Brownian increment over (now, t]: exact in distribution for any step.
    const double dt_h = static_cast<double>(t - now_) / kMsPerHour;
    if (dt_h > 0.0) logit_ += params_.logit_vol_per_sqrt_h * std::sqrt(dt_h) * mc::ziggurat_normal(rng_);
    now_ = t;
    const double fair = 100.0 * probability();
    const auto advance = [&](TimeMs& next, double rate) { next = arrival_after(t, rate); };
    if (t == end_ms_) {
        e.kind = FlowEvent::Kind::resolve;
        e.winner = rng_.uniform() < probability() ? 1 : 0;
        done_ = true;
    } else if (t == next_resume_) {
        e.kind = FlowEvent::Kind::resume;
        next_resume_ = kNever;
        advance(next_halt_, params_.halt_rate_per_h / 60.0);
    } else if (t == next_halt_) {
        // A halt; the next one is drawn after the resumption (halts do not overlap).
        e.kind = FlowEvent::Kind::halt;
        next_halt_ = kNever;
        next_resume_ = t + static_cast<TimeMs>(std::llround(params_.halt_duration_s * 1000.0));
    } else if (t == next_oracle_) {
        e.kind = FlowEvent::Kind::oracle;
        e.oracle_cents = std::clamp(fair + params_.oracle_noise_cents * mc::ziggurat_normal(rng_), 0.0, 100.0);
        next_oracle_ = t + static_cast<TimeMs>(std::llround(params_.oracle_interval_s * 1000.0));
    } else if (t == next_informed_) {
        advance(next_informed_, params_.informed_rate_per_min);
        const double edge = params_.informed_edge_cents;
        if (top.ask < 100 && top.ask <= fair - edge) {
            e = FlowEvent{FlowEvent::Kind::informed, t, Outcome::yes, Side::buy, clamp_price(fair - edge),
                          uniform_qty(params_.informed_max_qty), true, 0, 0.0, -1};
        } else if (top.bid > 0 && top.bid >= fair + edge) {
            // Selling YES is buying NO at 100 - bid: the informed trader buys NO up to 100 - fair - edge.
            e = FlowEvent{FlowEvent::Kind::informed, t, Outcome::no, Side::buy, clamp_price(100.0 - fair - edge),
                          uniform_qty(params_.informed_max_qty), true, 0, 0.0, -1};
        }
    } else if (t == next_noise_) {
        advance(next_noise_, params_.noise_rate_per_min);
        const Shares qty = uniform_qty(params_.noise_max_qty);
        const bool buy_yes = rng_.next() & 1;
        const Cents slip = params_.noise_slippage_cents;
        if (buy_yes && top.ask < 100) {
            e = FlowEvent{FlowEvent::Kind::noise, t, Outcome::yes, Side::buy, std::min(99, top.ask + slip), qty, true, 0, 0.0, -1};
        } else if (!buy_yes && top.bid > 0) {
            if (top.noise_yes_held > 0)
                e = FlowEvent{FlowEvent::Kind::noise, t, Outcome::yes, Side::sell, std::max(1, top.bid - slip),
                              std::min(qty, top.noise_yes_held), true, 0, 0.0, -1};
            else
                e = FlowEvent{FlowEvent::Kind::noise, t, Outcome::no, Side::buy, std::min(99, 100 - top.bid + slip), qty, true, 0, 0.0, -1};
        }
    } else {  // t == next_lp_
        advance(next_lp_, params_.lp_rate_per_min);
        double anchor = 100.0 * params_.start_probability;
        if (top.bid > 0 && top.ask < 100) anchor = 0.5 * (top.bid + top.ask);
        else if (top.last > 0) anchor = top.last;
        const auto offset = static_cast<Cents>(1 + rng_.next() % static_cast<std::uint64_t>(params_.lp_max_offset_cents));
        const bool bid_side = rng_.next() & 1;
        const Shares qty = uniform_qty(params_.lp_max_qty);
        const auto lifetime = static_cast<TimeMs>(std::ceil(-std::log(rng_.uniform()) * params_.lp_mean_lifetime_s * 1000.0));
        // A bid rests at floor(anchor) - offset; an ask at ceil(anchor) + offset, posted as a NO buy.
        const Cents yes_price = bid_side ? static_cast<Cents>(std::floor(anchor)) - offset
                                         : static_cast<Cents>(std::ceil(anchor)) + offset;
        if (yes_price >= 1 && yes_price <= 99)
            e = FlowEvent{FlowEvent::Kind::liquidity, t, bid_side ? Outcome::yes : Outcome::no, Side::buy,
                          bid_side ? yes_price : 100 - yes_price, qty, false, lifetime, 0.0, -1};
    }
    e.ts = t;
    schedule();
    return e;
}

}  // namespace pftoken::integration::mm
