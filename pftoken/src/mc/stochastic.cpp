// Validation of the stochastic model spec: every message names the field path under `stochastic.`.
#include "pftoken/mc/stochastic.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <Eigen/Eigenvalues>

#include "pftoken/base/format.hpp"
#include "pftoken/error.hpp"

namespace pftoken::mc {
namespace {

[[noreturn]] void fail(const std::string& field, const std::string& constraint) {
    throw InputError("stochastic." + field, constraint);
}

std::string fmt_value(double v) { return format::message_number(v, 12); }

void require_finite(const std::string& field, double v) {
    if (!std::isfinite(v)) fail(field, "must be a finite number, got " + fmt_value(v));
}
void require_ge(const std::string& field, double v, double lo) {
    require_finite(field, v);
    if (v < lo) fail(field, "must be >= " + fmt_value(lo) + ", got " + fmt_value(v));
}
void require_gt(const std::string& field, double v, double lo) {
    require_finite(field, v);
    if (!(v > lo)) fail(field, "must be > " + fmt_value(lo) + ", got " + fmt_value(v));
}
void require_in(const std::string& field, double v, double lo, double hi) {
    require_finite(field, v);
    if (v < lo || v > hi)
        fail(field, "must be in [" + fmt_value(lo) + ", " + fmt_value(hi) + "], got " + fmt_value(v));
}

bool factor_enabled(const StochasticSpec& s, const std::string& name) {
    if (name == "merchant_price") return s.merchant_price.enabled;
    if (name == "volume") return s.volume.enabled;
    if (name == "availability") return s.availability.enabled;
    if (name == "opex_inflation") return s.opex_inflation.enabled;
    if (name == "interest_rate") return s.interest_rate.enabled;
    return false;
}

void validate_correlation(const StochasticSpec& s) {
    const auto& names = s.correlation_factors;
    const auto& c = s.correlation;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string field = "correlation_factors[" + std::to_string(i) + "]";
        const bool known = std::any_of(std::begin(kFactorNames), std::end(kFactorNames),
                                       [&](const char* n) { return names[i] == n; });
        if (!known)
            fail(field, "unknown factor '" + names[i] +
                            "' (expected merchant_price, volume, availability, opex_inflation or "
                            "interest_rate)");
        if (!factor_enabled(s, names[i]))
            fail(field, "factor '" + names[i] + "' is correlated but not enabled");
        for (std::size_t j = 0; j < i; ++j)
            if (names[j] == names[i]) fail(field, "factor '" + names[i] + "' listed twice");
    }
    if (c.size() != names.size())
        fail("correlation", "must be a " + std::to_string(names.size()) + "x" +
                                std::to_string(names.size()) +
                                " matrix (one row per correlation_factors entry), got " +
                                std::to_string(c.size()) + " rows");
    const std::size_t n = c.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (c[i].size() != n)
            fail("correlation[" + std::to_string(i) + "]",
                 "must have " + std::to_string(n) + " entries, got " + std::to_string(c[i].size()));
        for (std::size_t j = 0; j < n; ++j) {
            const std::string field =
                "correlation[" + std::to_string(i) + "][" + std::to_string(j) + "]";
            require_in(field, c[i][j], -1.0, 1.0);
            if (i == j && c[i][j] != 1.0)
                fail(field, "diagonal entries must be 1, got " + fmt_value(c[i][j]));
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j)
            if (std::abs(c[i][j] - c[j][i]) > 1e-12)
                fail("correlation[" + std::to_string(i) + "][" + std::to_string(j) + "]",
                     "matrix must be symmetric, got " + fmt_value(c[i][j]) + " but correlation[" +
                         std::to_string(j) + "][" + std::to_string(i) + "] = " + fmt_value(c[j][i]));
    if (n == 0) return;
    Eigen::MatrixXd m(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = c[i][j];
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m, Eigen::EigenvaluesOnly);
    const double smallest = eig.eigenvalues().minCoeff();
    if (smallest < -1e-10)
        fail("correlation", "matrix must be positive semi-definite, most negative eigenvalue " +
                                fmt_value(smallest));
}

}  // namespace

bool StochasticSpec::empty() const noexcept {
    return !merchant_price.enabled && !volume.enabled && !availability.enabled &&
           !opex_inflation.enabled && !interest_rate.enabled && !construction.enabled;
}

void StochasticSpec::validate() const {
    if (merchant_price.enabled) {
        const auto& p = merchant_price;
        require_ge("merchant_price.volatility", p.volatility, 0.0);
        if (p.model == MerchantPriceFactor::Model::Gbm) {
            require_finite("merchant_price.drift", p.drift);
        } else {
            require_gt("merchant_price.speed", p.speed, 0.0);
            require_gt("merchant_price.long_run_level", p.long_run_level, 0.0);
        }
    }
    if (volume.enabled) {
        require_ge("volume.volatility", volume.volatility, 0.0);
        require_in("volume.p90_over_p50", volume.p90_over_p50, 0.0, 1.0);
        if (volume.p90_over_p50 > 0.0 && volume.volatility > 0.0)
            fail("volume", "give either volatility or p90_over_p50, not both");
    }
    if (availability.enabled) {
        require_in("availability.probability", availability.probability, 0.0, 1.0);
        require_in("availability.loss_fraction", availability.loss_fraction, 0.0, 1.0);
    }
    if (opex_inflation.enabled) {
        require_finite("opex_inflation.drift", opex_inflation.drift);
        require_ge("opex_inflation.volatility", opex_inflation.volatility, 0.0);
    }
    if (interest_rate.enabled) {
        const auto& r = interest_rate;
        require_gt("interest_rate.speed", r.speed, 0.0);
        require_ge("interest_rate.volatility", r.volatility, 0.0);
        if (r.model == InterestRateFactor::Model::Vasicek) {
            require_in("interest_rate.long_run_rate", r.long_run_rate, -1.0, 1.0);
            require_in("interest_rate.initial_rate", r.initial_rate, -1.0, 1.0);
        }
    }
    if (construction.enabled) {
        require_ge("construction.delay_median_months", construction.delay_median_months, 0.0);
        require_ge("construction.delay_sigma", construction.delay_sigma, 0.0);
        require_gt("construction.median_overrun", construction.median_overrun, -1.0);
        require_ge("construction.overrun_sigma", construction.overrun_sigma, 0.0);
        const auto& months = construction.delay_months_values;
        const auto& probabilities = construction.delay_probabilities;
        if (months.size() != probabilities.size())
            throw InputError("stochastic.construction.delay_distribution",
                             "months and probabilities must have the same length, got " +
                                 std::to_string(months.size()) + " and " + std::to_string(probabilities.size()));
        double total = 0.0;
        for (std::size_t k = 0; k < months.size(); ++k) {
            require_in("construction.delay_distribution.months[" + std::to_string(k) + "]", months[k], 0.0, 120.0);
            require_in("construction.delay_distribution.probabilities[" + std::to_string(k) + "]", probabilities[k],
                       0.0, 1.0);
            total += probabilities[k];
        }
        if (!months.empty() && std::fabs(total - 1.0) > 1e-6)
            throw InputError("stochastic.construction.delay_distribution.probabilities",
                             "must sum to 1 (within 1e-6), got " + std::to_string(total));
    }
    validate_correlation(*this);
}

}  // namespace pftoken::mc
