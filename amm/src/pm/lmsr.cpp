// Coupled LMSR market maker: log-sum-exp cost, softmax prices, closed-form trade inversions.
#include "pftoken/amm/pm/lmsr.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "pftoken/base/validate.hpp"
#include "pftoken/error.hpp"

namespace pftoken::amm::pm {

namespace check = ::pftoken::validation;

double lmsr_liquidity(double subsidy, std::size_t n_active) {
    check::Rules rules;
    rules.require("subsidy", subsidy, {check::positive()});
    if (n_active < 2) {
        rules.fail("active", "at least 2 outcomes must be active, got " + std::to_string(n_active));
    }
    rules.throw_if_failed("lmsr");
    return subsidy / std::log(static_cast<double>(n_active));
}

void LmsrOptions::validate() const {
    check::Rules rules;
    rules.require("outcomes", static_cast<double>(outcomes),
                  {check::at_least(2), check::at_most(static_cast<double>(kMaxOutcomes))});
    rules.require("subsidy", subsidy, {check::positive()});
    if (active_count() < 2) {
        rules.fail("active",
                   "at least 2 outcomes must be active, got " + std::to_string(active_count()));
    }
    rules.throw_if_failed("lmsr");
}

Lmsr::Lmsr(const LmsrOptions& options) {
    options.validate();
    n_ = options.outcomes;
    active_ = options.active;
    for (std::size_t i = n_; i < kMaxOutcomes; ++i) active_[i] = false;
    b_ = lmsr_liquidity(options.subsidy, options.active_count());
}

double Lmsr::shifted_log_sum(double* top) const {
    double shift = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < n_; ++j) {
        if (active_[j]) shift = std::max(shift, q_[j] / b_);
    }
    double sum = 0.0;
    for (std::size_t j = 0; j < n_; ++j) {
        if (active_[j]) sum += std::exp(q_[j] / b_ - shift);
    }
    *top = shift;
    return std::log(sum);
}

double Lmsr::cost() const {
    double top = 0.0;
    const double log_sum = shifted_log_sum(&top);
    return b_ * (top + log_sum);
}

double Lmsr::price(std::size_t i) const {
    if (i >= n_ || !active_[i]) return 0.0;
    double top = 0.0;
    const double log_sum = shifted_log_sum(&top);
    return std::exp(q_[i] / b_ - top - log_sum);
}

void Lmsr::prices(std::array<double, kMaxOutcomes>& out) const {
    double top = 0.0;
    const double log_sum = shifted_log_sum(&top);
    out.fill(0.0);
    for (std::size_t j = 0; j < n_; ++j)
        if (active_[j]) out[j] = std::exp(q_[j] / b_ - top - log_sum);
}

double Lmsr::worst_case_loss() const {
    return b_ * std::log(static_cast<double>(count_active(active_, n_)));
}

double Lmsr::cost_of(std::size_t i, double size) const {
    require_active_outcome(active_, n_, i);
    const double p = price(i);
    const double u = size / b_;
    // ln(1 + p (e^u - 1)); for u > 1 factor out p e^u so nothing overflows.
    if (u > 1.0) return b_ * (u + std::log(p) + std::log1p((1.0 - p) * std::exp(-u) / p));
    return b_ * std::log1p(p * std::expm1(u));
}

double Lmsr::size_for_budget(std::size_t i, double budget) const {
    require_active_outcome(active_, n_, i);
    check::Rules rules;
    rules.require("budget", budget, {check::positive()});
    rules.throw_if_failed("lmsr");
    const double p = price(i);
    const double u = budget / b_;
    // Inverse of cost_of: e^{x/b} = 1 + (e^u - 1) / p; for u > 1 factor out e^u / p.
    if (u > 1.0) return b_ * (u - std::log(p) + std::log1p((p - 1.0) * std::exp(-u)));
    return b_ * std::log1p(std::expm1(u) / p);
}

double Lmsr::size_for_proceeds(std::size_t i, double proceeds) const {
    require_active_outcome(active_, n_, i);
    const double p = price(i);
    const double limit = -b_ * std::log1p(-p);
    check::Rules rules;
    rules.require("proceeds", proceeds, {check::positive(), check::below(limit)});
    rules.throw_if_failed("lmsr");
    return -b_ * std::log1p(std::expm1(-proceeds / b_) / p);
}

double Lmsr::trade(std::size_t i, double size) {
    const double paid = cost_of(i, size);
    q_[i] += size;
    return paid;
}

void Lmsr::eliminate(std::size_t i) {
    require_active_outcome(active_, n_, i);
    if (count_active(active_, n_) < 3) {
        throw InputError("eliminated", "must leave at least 2 active outcomes, got " +
                                           std::to_string(count_active(active_, n_) - 1));
    }
    active_[i] = false;
}

}  // namespace pftoken::amm::pm
