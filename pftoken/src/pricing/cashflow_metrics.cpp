// Cash-flow metrics on plain arrays, with QuantLib's CashFlows conventions.

#include "pftoken/pricing/cashflow_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "pftoken/base/root.hpp"
#include "pftoken/error.hpp"

namespace pftoken::pricing {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Root of f on [a, b] with f(a), f(b) of opposite signs (or one zero); returns the bracket end
/// with the smaller |f|.
template <class F>
double closest_root(F f, double a, double b, double fa, double fb, const SolverOptions& options,
                       const std::string& field) {
    if (fa == 0.0) return a;
    if (fb == 0.0) return b;
    const base::RootBracket r =
        base::solve_bracketed(f, a, b, fa, fb, base::RelativeTolerance{options.relative_tolerance, 1e-15},
                              static_cast<std::uintmax_t>(options.max_iterations), field);
    return std::abs(f(r.lo)) <= std::abs(f(r.hi)) ? r.lo : r.hi;
}

void validate_solver(const SolverOptions& options, const std::string& field) {
    PFT_REQUIRE(options.relative_tolerance > 0.0 && options.relative_tolerance < 1e-3,
                field << ".relative_tolerance: must be in (0, 1e-3), got "
                      << options.relative_tolerance);
    PFT_REQUIRE(options.max_iterations > 0,
                field << ".max_iterations: must be > 0, got " << options.max_iterations);
    PFT_REQUIRE(std::isfinite(options.lower) && std::isfinite(options.upper) &&
                    options.lower < options.upper,
                field << ": search interval must satisfy lower < upper, got [" << options.lower
                      << ", " << options.upper << "]");
}

/// Lowest rate at which every discount factor of the flows is defined and positive.
double lowest_valid_rate(std::span<const double> times, const YieldConvention& convention) {
    switch (convention.compounding) {
    case Compounding::Continuous: return -std::numeric_limits<double>::infinity();
    case Compounding::Compounded: return -static_cast<double>(convention.frequency);
    case Compounding::Simple: {
        const double t_max = times.empty() ? 0.0 : times.back();
        return t_max > 0.0 ? -1.0 / t_max : -std::numeric_limits<double>::infinity();
    }
    }
    return 0.0;
}

}  // namespace

void YieldConvention::validate(const std::string& field) const {
    if (compounding == Compounding::Compounded)
        PFT_REQUIRE(frequency >= 1 && frequency <= 365,
                    field << ".frequency: must be in 1..365, got " << frequency);
}

double discount_factor(double rate, double t, const YieldConvention& convention) {
    switch (convention.compounding) {
    case Compounding::Simple: return 1.0 / (1.0 + rate * t);
    case Compounding::Compounded: {
        const double f = static_cast<double>(convention.frequency);
        return std::pow(1.0 + rate / f, -f * t);
    }
    case Compounding::Continuous: return std::exp(-rate * t);
    }
    return kNaN;
}

std::vector<double> flow_times(const std::vector<QuantLib::Date>& dates,
                               const QuantLib::Date& valuation, DayCount day_count) {
    const QuantLib::DayCounter dc = to_day_counter(day_count);
    std::vector<double> times;
    times.reserve(dates.size());
    QuantLib::Date last = valuation;
    double t = 0.0;
    for (std::size_t i = 0; i < dates.size(); ++i) {
        PFT_REQUIRE(dates[i] >= last, "dates[" << i << "]: must not precede the previous date "
                                                   "(or the valuation date), got " << dates[i]);
        t += dc.yearFraction(last, dates[i]);
        times.push_back(t);
        last = dates[i];
    }
    return times;
}

void validate_flows(std::span<const double> amounts, std::span<const double> times,
                    const std::string& field) {
    PFT_REQUIRE(!amounts.empty(), field << ".amounts: must not be empty");
    PFT_REQUIRE(amounts.size() == times.size(), field << ".times: must have one time per amount ("
                                                      << amounts.size() << "), got "
                                                      << times.size());
    for (std::size_t i = 0; i < amounts.size(); ++i) {
        PFT_REQUIRE(std::isfinite(amounts[i]),
                    field << ".amounts[" << i << "]: must be a finite number, got " << amounts[i]);
        PFT_REQUIRE(std::isfinite(times[i]) && times[i] >= 0.0,
                    field << ".times[" << i << "]: must be a finite number >= 0, got " << times[i]);
        PFT_REQUIRE(i == 0 || times[i] >= times[i - 1],
                    field << ".times[" << i << "]: must not decrease, got " << times[i]
                          << " after " << times[i - 1]);
    }
}

double pv_at_yield(std::span<const double> amounts, std::span<const double> times, double yield,
                   const YieldConvention& convention) {
    double pv = 0.0;
    for (std::size_t i = 0; i < amounts.size(); ++i)
        pv += amounts[i] * discount_factor(yield, times[i], convention);
    return pv;
}

double pv_on_curve(std::span<const double> amounts, std::span<const double> discount_factors) {
    PFT_REQUIRE(amounts.size() == discount_factors.size(),
                "discount_factors: must have one per amount (" << amounts.size() << "), got "
                                                               << discount_factors.size());
    double pv = 0.0;
    for (std::size_t i = 0; i < amounts.size(); ++i) pv += amounts[i] * discount_factors[i];
    return pv;
}

double yield_to_maturity(std::span<const double> amounts, std::span<const double> times,
                         double dirty_price, const YieldConvention& convention,
                         const SolverOptions& options, const std::string& field) {
    validate_flows(amounts, times, field);
    convention.validate(field);
    validate_solver(options, field);
    PFT_REQUIRE(std::isfinite(dirty_price), field << ".price: must be a finite number, got "
                                                  << dirty_price);
    // Keep the lower end strictly inside the region where every DF is defined.
    const double floor = lowest_valid_rate(times, convention);
    const double lower = std::max(options.lower, floor + 1e-9 * (1.0 + std::abs(floor)));
    const double upper = options.upper;
    PFT_REQUIRE(lower < upper, field << ": empty yield search interval [" << lower << ", "
                                     << upper << "]");
    auto f = [&](double y) { return pv_at_yield(amounts, times, y, convention) - dirty_price; };
    const double f_lower = f(lower);
    const double f_upper = f(upper);
    PFT_REQUIRE(f_lower * f_upper <= 0.0,
                field << ": no yield in [" << lower << ", " << upper << "] reprices to " << dirty_price
                      << " (PV ranges from " << f_lower + dirty_price << " to "
                      << f_upper + dirty_price << ")");
    return closest_root(f, lower, upper, f_lower, f_upper, options, field);
}

double macaulay_duration(std::span<const double> amounts, std::span<const double> times,
                         double yield, const YieldConvention& convention) {
    double pv = 0.0;
    double time_weighted = 0.0;
    for (std::size_t i = 0; i < amounts.size(); ++i) {
        const double df = discount_factor(yield, times[i], convention);
        pv += amounts[i] * df;
        time_weighted += times[i] * amounts[i] * df;
    }
    return pv == 0.0 ? 0.0 : time_weighted / pv;
}

double modified_duration(std::span<const double> amounts, std::span<const double> times,
                         double yield, const YieldConvention& convention) {
    // -dP/dy per compounding, as QuantLib's CashFlows::modifiedDuration.
    const double f = static_cast<double>(convention.frequency);
    double pv = 0.0;
    double dp_dy = 0.0;
    for (std::size_t i = 0; i < amounts.size(); ++i) {
        const double t = times[i];
        const double c = amounts[i];
        const double df = discount_factor(yield, t, convention);
        pv += c * df;
        switch (convention.compounding) {
        case Compounding::Simple: dp_dy -= c * df * df * t; break;
        case Compounding::Compounded: dp_dy -= c * t * df / (1.0 + yield / f); break;
        case Compounding::Continuous: dp_dy -= c * df * t; break;
        }
    }
    return pv == 0.0 ? 0.0 : -dp_dy / pv;
}

double convexity(std::span<const double> amounts, std::span<const double> times, double yield,
                 const YieldConvention& convention) {
    const double f = static_cast<double>(convention.frequency);
    double pv = 0.0;
    double d2p_dy2 = 0.0;
    for (std::size_t i = 0; i < amounts.size(); ++i) {
        const double t = times[i];
        const double c = amounts[i];
        const double df = discount_factor(yield, t, convention);
        pv += c * df;
        switch (convention.compounding) {
        case Compounding::Simple: d2p_dy2 += c * 2.0 * df * df * df * t * t; break;
        case Compounding::Compounded: {
            const double g = 1.0 + yield / f;
            d2p_dy2 += c * df * t * (f * t + 1.0) / (f * g * g);
            break;
        }
        case Compounding::Continuous: d2p_dy2 += c * df * t * t; break;
        }
    }
    return pv == 0.0 ? 0.0 : d2p_dy2 / pv;
}

double weighted_average_life(std::span<const double> principal, std::span<const double> times) {
    validate_flows(principal, times, "wal");
    double total = 0.0;
    double weighted = 0.0;
    for (std::size_t i = 0; i < principal.size(); ++i) {
        total += principal[i];
        weighted += principal[i] * times[i];
    }
    PFT_REQUIRE(total > 0.0, "wal.principal: total repaid must be > 0, got " << total);
    return weighted / total;
}

double z_spread(std::span<const double> amounts, std::span<const double> curve_times,
                std::span<const double> discount_factors, double dirty_price,
                const SolverOptions& options, const std::string& field) {
    validate_flows(amounts, curve_times, field);
    validate_solver(options, field);
    PFT_REQUIRE(discount_factors.size() == amounts.size(),
                field << ".discount_factors: must have one per amount (" << amounts.size()
                      << "), got " << discount_factors.size());
    PFT_REQUIRE(std::isfinite(dirty_price) && dirty_price > 0.0,
                field << ".price: must be a finite number > 0, got " << dirty_price);
    auto f = [&](double s) {
        double pv = 0.0;
        for (std::size_t i = 0; i < amounts.size(); ++i)
            pv += amounts[i] * discount_factors[i] * std::exp(-s * curve_times[i]);
        return pv - dirty_price;
    };
    const double f_lower = f(options.lower);
    const double f_upper = f(options.upper);
    PFT_REQUIRE(f_lower * f_upper <= 0.0,
                field << ": no spread in [" << options.lower << ", " << options.upper
                      << "] reprices to " << dirty_price << " (PV ranges from "
                      << f_lower + dirty_price << " to " << f_upper + dirty_price << ")");
    return closest_root(f, options.lower, options.upper, f_lower, f_upper, options, field);
}

IrrResult irr(std::span<const double> amounts, std::span<const double> times,
              const YieldConvention& convention, const SolverOptions& options,
              const std::string& field) {
    validate_flows(amounts, times, field);
    convention.validate(field);
    validate_solver(options, field);
    IrrResult result;
    result.rate = kNaN;
    double last_sign = 0.0;
    for (const double a : amounts) {
        if (a == 0.0) continue;
        const double sign = a > 0.0 ? 1.0 : -1.0;
        if (last_sign != 0.0 && sign != last_sign) ++result.sign_changes;
        last_sign = sign;
    }
    if (result.sign_changes == 0) {
        result.reason = "flows do not change sign: no IRR exists";
        return result;
    }
    const double floor = lowest_valid_rate(times, convention);
    const double lower = std::max(options.lower, floor + 1e-9 * (1.0 + std::abs(floor)));
    const double upper = options.upper;
    PFT_REQUIRE(lower > -1.0 && lower < upper,
                field << ": IRR search interval must lie above -100%, got [" << lower << ", "
                      << upper << "]");
    auto npv = [&](double r) { return pv_at_yield(amounts, times, r, convention); };
    // Scan uniformly in log(1 + r) so low and high rates get similar resolution.
    constexpr int kSteps = 256;
    const double u0 = std::log1p(lower);
    const double u1 = std::log1p(upper);
    double a = lower;
    double fa = npv(a);
    for (int k = 1; k <= kSteps; ++k) {
        const double b = k == kSteps ? upper : std::expm1(u0 + (u1 - u0) * k / kSteps);
        const double fb = npv(b);
        if (fa == 0.0 || fa * fb < 0.0 || fb == 0.0) {
            result.rate = closest_root(npv, a, b, fa, fb, options, field);
            result.found = true;
            if (result.sign_changes > 1)
                result.reason = "flows change sign " + std::to_string(result.sign_changes) +
                                " times: several IRRs may exist; this is the lowest in the "
                                "search interval";
            return result;
        }
        a = b;
        fa = fb;
    }
    std::ostringstream reason;
    reason << "NPV does not change sign for rates in [" << lower << ", " << upper << "]";
    result.reason = reason.str();
    return result;
}

double irr_or_throw(std::span<const double> amounts, std::span<const double> times,
                    const YieldConvention& convention, const SolverOptions& options,
                    const std::string& field) {
    const IrrResult result = irr(amounts, times, convention, options, field);
    PFT_REQUIRE(result.found, field << ": " << result.reason);
    return result.rate;
}

}  // namespace pftoken::pricing
