// Parametric impact market maker: closed-form costs and inversions, diversion, penalties, caps.
#include "pftoken/amm/pm/parametric.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <utility>

#include "pftoken/base/validate.hpp"
#include "pftoken/error.hpp"

namespace pftoken::amm::pm {

namespace check = ::pftoken::validation;

double Ramp::at(double fraction) const noexcept {
    const double s = std::clamp(fraction, 0.0, 1.0);
    return start + (end - start) * s;
}

QuadraticRoots stable_quadratic_roots(double a, double b, double c) {
    const double disc = b * b - 4.0 * a * c;
    PFT_REQUIRE(a != 0.0 && disc >= 0.0,
                "stable_quadratic_roots: needs a != 0 and b^2 >= 4ac, got a=" << a << " b=" << b
                                                                              << " c=" << c);
    const double q = -0.5 * (b + std::copysign(std::sqrt(disc), b));
    PFT_REQUIRE(q != 0.0, "stable_quadratic_roots: b and c are both 0");
    return {q / a, c / q};
}

void ParametricOptions::validate() const {
    check::Rules rules;
    const auto limit = static_cast<double>(kMaxOutcomes);
    if (rules.require("outcomes", static_cast<double>(outcomes),
                      {check::at_least(2), check::at_most(limit)})) {
        const double n = static_cast<double>(outcomes);
        rules.require("subsidy", subsidy, {check::positive()});
        rules.require("fee", fee, {check::in_half_open(0.0, 1.0)});
        rules.require("p_min", p_min, {check::positive(), check::below(1.0 / n)});
        rules.require("p_max", p_max, {check::above(0.5), check::below(1.0)});
        rules.require("eta", eta, {check::non_negative()});
        // f = 1 - (N_active - 1) zeta must stay > 0 for every N_active <= outcomes.
        rules.require("zeta.start", zeta.start,
                      {check::non_negative(), check::below(1.0 / (n - 1.0))});
        rules.require("zeta.end", zeta.end, {check::non_negative(), check::below(1.0 / (n - 1.0))});
        for (const auto& [name, ramp] :
             {std::pair{"mu", mu}, std::pair{"nu", nu}, std::pair{"kappa", kappa}}) {
            rules.require(std::string(name) + ".start", ramp.start, {check::positive()});
            rules.require(std::string(name) + ".end", ramp.end, {check::positive()});
        }
        rules.finite("t_start", t_start);
        rules.require("t_end", t_end, {check::above(t_start)});
        if (active_count() < 2) {
            rules.fail("active",
                       "at least 2 outcomes must be active, got " + std::to_string(active_count()));
        }
    }
    rules.throw_if_failed("parametric");
}

ImpactParams ParametricOptions::at(double t) const {
    const double fraction = (t - t_start) / (t_end - t_start);
    return {zeta.at(fraction), mu.at(fraction), nu.at(fraction), kappa.at(fraction)};
}

ParametricMarket::ParametricMarket(const ParametricOptions& options) : options_(options) {
    options_.validate();
    n_ = options_.outcomes;
    for (std::size_t i = n_; i < kMaxOutcomes; ++i) options_.active[i] = false;
    n_active_ = options_.active_count();
    for (std::size_t i = 0; i < n_; ++i) {
        price_[i] = options_.active[i] ? 1.0 / static_cast<double>(n_active_) : 0.0;
    }
}

double ParametricMarket::worst_case_loss() const {
    double worst = -HUGE_VAL;
    for (std::size_t w = 0; w < n_; ++w) {
        if (options_.active[w]) worst = std::max(worst, held_[w] - collected_);
    }
    return worst;
}

double ParametricMarket::own_share(double t) const {
    return 1.0 - static_cast<double>(n_active_ - 1) * options_.at(t).zeta;
}

double ParametricMarket::buy_slope(std::size_t i, double t) const {
    const ImpactParams k = options_.at(t);
    const double p = price_[i];
    const double penalty = (p - options_.p_min) / std::max(options_.p_max - p, 0.0);
    return k.mu * k.kappa * own_share(t) / options_.subsidy * (1.0 + options_.eta * penalty);
}

double ParametricMarket::sell_slope(std::size_t i, double t) const {
    const ImpactParams k = options_.at(t);
    const double p = price_[i];
    const double penalty = (options_.p_max - p) / std::max(p - options_.p_min, 0.0);
    return k.nu * k.kappa * own_share(t) / options_.subsidy * (1.0 + options_.eta * penalty);
}

double ParametricMarket::max_buy(std::size_t i, double t) const {
    check_trade(i, 0.0, "size");
    const double a = buy_slope(i, t);
    const double others = static_cast<double>(n_active_ - 1);
    double cap = (options_.p_max - price_[i]) / a;
    for (std::size_t j = 0; j < n_; ++j) {
        if (j != i && options_.active[j])
            cap = std::min(cap, (price_[j] - options_.p_min) * others / a);
    }
    // Loss if i wins after buying x: x - g (p x + a x^2 / 2) must stay within the headroom h.
    const double g = 1.0 + options_.fee;
    const double h = options_.subsidy - (held_[i] - collected_);
    const double edge = 1.0 - g * price_[i];
    if (h <= 0.0) return 0.0;
    if (edge > 0.0 && edge * edge / (2.0 * g * a) > h) {
        cap = std::min(cap, stable_quadratic_roots(0.5 * g * a, -edge, h).x2);
    }
    return std::max(cap, 0.0);
}

double ParametricMarket::max_sell(std::size_t i, double t) const {
    check_trade(i, 0.0, "size");
    const double b = sell_slope(i, t);
    const double others = static_cast<double>(n_active_ - 1);
    double cap = std::min(held_[i], (price_[i] - options_.p_min) / b);
    double worst_other = -HUGE_VAL;
    for (std::size_t j = 0; j < n_; ++j) {
        if (j == i || !options_.active[j]) continue;
        cap = std::min(cap, (options_.p_max - price_[j]) * others / b);
        worst_other = std::max(worst_other, held_[j] - collected_);
    }
    // Loss if another outcome wins after paying (1 - f)(p x - b x^2 / 2) must stay within h.
    const double g = 1.0 - options_.fee;
    const double h = options_.subsidy - worst_other;
    const double p = price_[i];
    if (h <= 0.0) return 0.0;
    if (g * p * p / (2.0 * b) > h)
        cap = std::min(cap, stable_quadratic_roots(0.5 * g * b, -g * p, h).x2);
    return std::max(cap, 0.0);
}

void ParametricMarket::check_trade(std::size_t i, double amount, const char* field) const {
    require_active_outcome(options_.active, n_, i);
    if (amount >= 0.0 && std::isfinite(amount)) return;  // the hot path builds no Rules
    check::Rules rules;
    rules.require(field, amount, {check::non_negative()});
    rules.throw_if_failed("parametric");
}

// side = +1 buys, -1 sells: the own price walks linearly from p by side * slope per token, the
// cash leg is x (p + side * slope x / 2), and the fee is added to a payment or taken from proceeds.
ParametricQuote ParametricMarket::quote(std::size_t i, double size, double t, double side) const {
    check_trade(i, size, "size");
    const bool buying = side > 0.0;
    const double cap = buying ? max_buy(i, t) : max_sell(i, t);
    ParametricQuote quote;
    quote.start_price = quote.end_price = price_[i];
    quote.slope = buying ? buy_slope(i, t) : sell_slope(i, t);
    quote.capped = size > cap;
    quote.size = std::min(size, cap);
    if (quote.size <= 0.0) return quote;
    const double gross = quote.size * (price_[i] + side * 0.5 * quote.slope * quote.size);
    quote.fee = options_.fee * gross;
    quote.cash = gross + side * quote.fee;
    quote.end_price = price_[i] + side * quote.slope * quote.size;
    return quote;
}

ParametricQuote ParametricMarket::quote_buy(std::size_t i, double size, double t) const {
    return quote(i, size, t, 1.0);
}

ParametricQuote ParametricMarket::quote_sell(std::size_t i, double size, double t) const {
    return quote(i, size, t, -1.0);
}

double ParametricMarket::size_for_budget(std::size_t i, double budget, double t) const {
    check_trade(i, budget, "budget");
    if (budget == 0.0) return 0.0;
    // (1 + f)(p x + a x^2 / 2) = budget: the positive root is c / q.
    const double a = buy_slope(i, t);
    return stable_quadratic_roots(0.5 * a, price_[i], -budget / (1.0 + options_.fee)).x2;
}

double ParametricMarket::size_for_proceeds(std::size_t i, double proceeds, double t) const {
    check_trade(i, proceeds, "proceeds");
    if (proceeds == 0.0) return 0.0;
    // (1 - f)(p x - b x^2 / 2) = proceeds: the smaller positive root is c / q.
    const double b = sell_slope(i, t);
    const double p = price_[i];
    const double net = proceeds / (1.0 - options_.fee);
    // The largest net proceeds along the linear path, (1 - f) p^2 / (2 b), at x = p / b.
    check::Rules rules;
    rules.require("proceeds", proceeds, {check::at_most((1.0 - options_.fee) * p * p / (2.0 * b))});
    rules.throw_if_failed("parametric");
    return stable_quadratic_roots(0.5 * b, -p, net).x2;
}

void ParametricMarket::move_prices(std::size_t i, double own_move) {
    const double diverted = own_move / static_cast<double>(n_active_ - 1);
    double others = 0.0;
    for (std::size_t j = 0; j < n_; ++j) {
        if (j == i || !options_.active[j]) continue;
        price_[j] -= diverted;
        others += price_[j];
    }
    // The own price closes the sum, so rounding never accumulates in sum p = 1.
    price_[i] = 1.0 - others;
}

ParametricQuote ParametricMarket::buy(std::size_t i, double size, double t) {
    const ParametricQuote quote = quote_buy(i, size, t);
    if (quote.size <= 0.0) return quote;
    move_prices(i, quote.slope * quote.size);
    held_[i] += quote.size;
    collected_ += quote.cash;
    return quote;
}

ParametricQuote ParametricMarket::sell(std::size_t i, double size, double t) {
    const ParametricQuote quote = quote_sell(i, size, t);
    if (quote.size <= 0.0) return quote;
    move_prices(i, -quote.slope * quote.size);
    held_[i] -= quote.size;
    collected_ -= quote.cash;
    return quote;
}

void ParametricMarket::eliminate(std::size_t i) {
    require_active_outcome(options_.active, n_, i);
    if (n_active_ < 3) {
        throw InputError("eliminated",
                         "must leave at least 2 active outcomes, got " + std::to_string(n_active_ - 1));
    }
    const double scale = 1.0 - price_[i];
    options_.active[i] = false;
    price_[i] = 0.0;
    --n_active_;
    std::size_t last = n_;
    double others = 0.0;
    for (std::size_t j = 0; j < n_; ++j) {
        if (!options_.active[j]) continue;
        if (last != n_) others += price_[last];
        price_[j] /= scale;
        last = j;
    }
    price_[last] = 1.0 - others;
}

void ParametricMarket::set_window(double t_start, double t_end) {
    ParametricOptions next = options_;
    next.t_start = t_start;
    next.t_end = t_end;
    next.validate();
    options_ = next;
}

}  // namespace pftoken::amm::pm
