// Coupled LMSR market maker: log-sum-exp cost, softmax prices, closed-form trade inversions.
#include "pftoken/amm/pm/lmsr.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "pftoken/error.hpp"

namespace pftoken::amm::pm {

double lmsr_liquidity(double subsidy, std::size_t n_active) {
    if (!(subsidy > 0.0 && std::isfinite(subsidy))) {
        std::ostringstream got;
        got << "must be finite and > 0, got " << subsidy;
        throw InputError("subsidy", got.str());
    }
    if (n_active < 2) {
        throw InputError("active",
                         "at least 2 outcomes must be active, got " + std::to_string(n_active));
    }
    return subsidy / std::log(static_cast<double>(n_active));
}

std::size_t LmsrOptions::active_count() const {
    std::size_t count = 0;
    for (std::size_t i = 0; i < std::min(outcomes, kMaxOutcomes); ++i) count += active[i] ? 1U : 0U;
    return count;
}

bool LmsrOptions::is_valid(std::string* why) const {
    std::ostringstream msg;
    if (!(outcomes >= 2 && outcomes <= kMaxOutcomes)) {
        msg << "outcomes: must be in [2, " << kMaxOutcomes << "], got " << outcomes;
    } else if (!(subsidy > 0.0 && std::isfinite(subsidy))) {
        msg << "subsidy: must be finite and > 0, got " << subsidy;
    } else if (active_count() < 2) {
        msg << "active: at least 2 outcomes must be active, got " << active_count();
    } else {
        return true;
    }
    if (why != nullptr) *why = msg.str();
    return false;
}

void LmsrOptions::validate() const {
    std::string why;
    if (is_valid(&why)) return;
    const auto colon = why.find(": ");
    throw InputError(why.substr(0, colon), why.substr(colon + 2));
}

Lmsr::Lmsr(const LmsrOptions& options) {
    options.validate();
    n_ = options.outcomes;
    active_ = options.active;
    for (std::size_t i = n_; i < kMaxOutcomes; ++i) active_[i] = false;
    b_ = lmsr_liquidity(options.subsidy, options.active_count());
}

void Lmsr::check_outcome(std::size_t i, const char* field) const {
    if (i >= n_ || !active_[i]) {
        throw InputError(field, "must name an active outcome in [0, " + std::to_string(n_) +
                                    "), got " + std::to_string(i));
    }
}

double Lmsr::cost() const {
    double top = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < n_; ++j) {
        if (active_[j]) top = std::max(top, q_[j] / b_);
    }
    double sum = 0.0;
    for (std::size_t j = 0; j < n_; ++j) {
        if (active_[j]) sum += std::exp(q_[j] / b_ - top);
    }
    return b_ * (top + std::log(sum));
}

double Lmsr::price(std::size_t i) const {
    if (i >= n_ || !active_[i]) return 0.0;
    double top = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < n_; ++j) {
        if (active_[j]) top = std::max(top, q_[j] / b_);
    }
    double sum = 0.0;
    for (std::size_t j = 0; j < n_; ++j) {
        if (active_[j]) sum += std::exp(q_[j] / b_ - top);
    }
    return std::exp(q_[i] / b_ - top) / sum;
}

double Lmsr::worst_case_loss() const {
    std::size_t count = 0;
    for (std::size_t j = 0; j < n_; ++j) count += active_[j] ? 1U : 0U;
    return b_ * std::log(static_cast<double>(count));
}

double Lmsr::cost_of(std::size_t i, double size) const {
    check_outcome(i, "outcome");
    const double p = price(i);
    const double u = size / b_;
    // ln(1 + p (e^u - 1)); for u > 1 factor out p e^u so nothing overflows.
    if (u > 1.0) return b_ * (u + std::log(p) + std::log1p((1.0 - p) * std::exp(-u) / p));
    return b_ * std::log1p(p * std::expm1(u));
}

double Lmsr::size_for_budget(std::size_t i, double budget) const {
    check_outcome(i, "outcome");
    if (!(budget > 0.0 && std::isfinite(budget))) {
        std::ostringstream got;
        got << "must be finite and > 0, got " << budget;
        throw InputError("budget", got.str());
    }
    const double p = price(i);
    const double u = budget / b_;
    // Inverse of cost_of: e^{x/b} = 1 + (e^u - 1) / p; for u > 1 factor out e^u / p.
    if (u > 1.0) return b_ * (u - std::log(p) + std::log1p((p - 1.0) * std::exp(-u)));
    return b_ * std::log1p(std::expm1(u) / p);
}

double Lmsr::size_for_proceeds(std::size_t i, double proceeds) const {
    check_outcome(i, "outcome");
    const double p = price(i);
    const double limit = -b_ * std::log1p(-p);
    if (!(proceeds > 0.0 && proceeds < limit)) {
        std::ostringstream got;
        got << "must be in (0, -b ln(1 - p_i) = " << limit << "), got " << proceeds;
        throw InputError("proceeds", got.str());
    }
    return -b_ * std::log1p(std::expm1(-proceeds / b_) / p);
}

double Lmsr::trade(std::size_t i, double size) {
    const double paid = cost_of(i, size);
    q_[i] += size;
    return paid;
}

}  // namespace pftoken::amm::pm
