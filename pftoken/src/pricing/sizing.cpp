// Debt sizing and sculpting on plain arrays (see pricing/sizing.hpp and docs/pricing.md).

#include "pftoken/pricing/sizing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>

#include "pftoken/base/root.hpp"
#include "pftoken/error.hpp"

namespace pftoken::pricing {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
/// Relative slack when checking a DSCR against a limit computed by the same arithmetic.
constexpr double kCheckSlack = 1e-9;

const char* amortisation_name(Amortisation a) {
    switch (a) {
    case Amortisation::Bullet: return "bullet";
    case Amortisation::Annuity: return "annuity";
    case Amortisation::LevelPrincipal: return "level_principal";
    case Amortisation::Sculpted: return "sculpted";
    case Amortisation::Schedule: return "schedule";
    }
    return "?";
}

void validate_inputs(const SizingInputs& in, const std::string& field) {
    const std::size_t n = in.cfads.size();
    PFT_REQUIRE(n > 0, field << ".cfads: must not be empty");
    PFT_REQUIRE(in.accrual.size() == n, field << ".accrual: must have " << n << " periods, got "
                                              << in.accrual.size());
    PFT_REQUIRE(in.rate.size() == n, field << ".rate: must have " << n << " periods, got "
                                           << in.rate.size());
    for (std::size_t k = 0; k < n; ++k) {
        PFT_REQUIRE(std::isfinite(in.cfads[k]), field << ".cfads[" << k
                                                      << "]: must be a finite number, got "
                                                      << in.cfads[k]);
        PFT_REQUIRE(std::isfinite(in.accrual[k]) && in.accrual[k] > 0.0,
                    field << ".accrual[" << k << "]: must be > 0, got " << in.accrual[k]);
        PFT_REQUIRE(std::isfinite(in.rate[k]) && in.rate[k] > -1.0 && in.rate[k] < 1.0,
                    field << ".rate[" << k << "]: must be in (-100%, 100%), got " << in.rate[k]);
        PFT_REQUIRE(1.0 + in.rate[k] * in.accrual[k] > 0.0,
                    field << ".rate[" << k << "]: 1 + rate * accrual must be > 0, got "
                          << 1.0 + in.rate[k] * in.accrual[k]);
    }
}

/// Per-unit-of-size debt service of the fixed shapes: DS_k(P) = P * unit[k].
void unit_debt_service(const SizingInputs& in, Amortisation shape, int grace, int tenor,
                       std::vector<double>& unit) {
    const auto g = static_cast<std::size_t>(grace);
    const auto t_end = static_cast<std::size_t>(tenor);
    std::fill(unit.begin(), unit.end(), 0.0);
    for (std::size_t k = 0; k < g; ++k) unit[k] = in.rate[k] * in.accrual[k];
    switch (shape) {
    case Amortisation::Annuity: {
        double annuity_factor = 0.0;
        double discount = 1.0;
        for (std::size_t k = g; k < t_end; ++k) {
            discount /= 1.0 + in.rate[k] * in.accrual[k];
            annuity_factor += discount;
        }
        for (std::size_t k = g; k < t_end; ++k) unit[k] = 1.0 / annuity_factor;
        break;
    }
    case Amortisation::LevelPrincipal: {
        const double periods = static_cast<double>(t_end - g);
        for (std::size_t k = g; k < t_end; ++k) {
            const double opening = 1.0 - static_cast<double>(k - g) / periods;
            unit[k] = 1.0 / periods + opening * in.rate[k] * in.accrual[k];
        }
        break;
    }
    case Amortisation::Bullet: {
        for (std::size_t k = g; k < t_end; ++k) unit[k] = in.rate[k] * in.accrual[k];
        unit[t_end - 1] += 1.0;
        break;
    }
    default: break;
    }
}

/// Largest P with min_k CFADS_k / (P unit_k) >= min_dscr (TOMS 748 on the DSCR gap).
double size_at_min_dscr(std::span<const double> cfads, const std::vector<double>& unit,
                        double min_dscr, double relative_tolerance, const std::string& field) {
    auto gap = [&](double size) {
        double lowest = kInf;
        for (std::size_t k = 0; k < unit.size(); ++k)
            if (unit[k] > 0.0) lowest = std::min(lowest, cfads[k] / (size * unit[k]));
        return lowest - min_dscr;
    };
    // Bracket the root by doubling/halving from a scale set by the CFADS.
    double scale = 0.0;
    for (const double c : cfads) scale += std::abs(c);
    double hi = std::max(scale, 1.0);
    int guard = 0;
    while (gap(hi) > 0.0 && guard++ < 2000) hi *= 2.0;
    double lo = hi;
    guard = 0;
    while (gap(lo) <= 0.0 && guard++ < 2000) lo *= 0.5;
    PFT_ENSURE(gap(lo) > 0.0 && gap(hi) <= 0.0,
               field << ": could not bracket the minimum-DSCR size");
    if (lo == hi) return lo;
    const base::RootBracket root = base::solve_bracketed(gap, lo, hi, base::RelativeTolerance{relative_tolerance, 0.0},
                                                         200, field + " (minimum-DSCR sizing)");
    return root.lo;  // the side where every DSCR is >= min_dscr
}

void append(std::string& message, const std::string& text) {
    if (!message.empty()) message += "; ";
    message += text;
}

}  // namespace

const char* to_string(BindingConstraint constraint) {
    switch (constraint) {
    case BindingConstraint::None: return "none (principal given)";
    case BindingConstraint::TargetDscr: return "target DSCR";
    case BindingConstraint::MinDscr: return "minimum DSCR";
    case BindingConstraint::GearingCap: return "gearing cap";
    case BindingConstraint::DebtCap: return "debt cap";
    case BindingConstraint::GraceInterest: return "grace-period interest cover";
    case BindingConstraint::NoCapacity: return "no debt capacity";
    }
    return "?";
}

std::string SizingOptions::invalid_reason(std::size_t periods) const {
    std::ostringstream why;
    if (amortisation == Amortisation::Schedule)
        why << field << ".amortisation: sizing supports bullet, annuity, level_principal and "
                        "sculpted, got schedule";
    else if (amortisation == Amortisation::Sculpted && !(std::isfinite(target_dscr) && target_dscr > 0.0))
        why << field << ".target_dscr: must be > 0, got " << target_dscr;
    else if (!(std::isfinite(min_dscr) && min_dscr >= 0.0))
        why << field << ".min_dscr: must be >= 0, got " << min_dscr;
    else if (!(std::isfinite(gearing_cap) && gearing_cap > 0.0 && gearing_cap <= 1.0))
        why << field << ".gearing_cap: must be in (0, 1], got " << gearing_cap;
    else if (!(std::isfinite(capex) && capex >= 0.0))
        why << field << ".capex: must be >= 0, got " << capex;
    else if (tenor_periods <= 0)
        why << field << ".tenor_periods: must be > 0, got " << tenor_periods;
    else if (static_cast<std::size_t>(tenor_periods) > periods)
        why << field << ".tenor_periods: must be <= the " << periods
            << " periods of CFADS given, got " << tenor_periods;
    else if (grace_periods < 0 || grace_periods >= tenor_periods)
        why << field << ".grace_periods: must be in [0, tenor_periods = " << tenor_periods
            << "), got " << grace_periods;
    else if (max_tenor_periods < 0)
        why << field << ".max_tenor_periods: must be >= 0, got " << max_tenor_periods;
    else if (principal && !(std::isfinite(*principal) && *principal > 0.0))
        why << field << ".principal: must be > 0, got " << *principal;
    else if (debt_cap && !(std::isfinite(*debt_cap) && *debt_cap > 0.0))
        why << field << ".debt_cap: must be > 0, got " << *debt_cap;
    else if (!(relative_tolerance > 0.0 && relative_tolerance <= 1e-6))
        why << field << ".relative_tolerance: must be in (0, 1e-6], got " << relative_tolerance;
    return why.str();
}

SizingOptions sizing_options_for(const Tranche& tranche, const Sizing& sizing, double capex,
                                 int periods_per_year, const std::string& field) {
    PFT_REQUIRE(periods_per_year > 0, field << ": periods per year must be > 0, got "
                                            << periods_per_year);
    auto to_periods = [&](double years, const std::string& name, bool positive) {
        PFT_REQUIRE(std::isfinite(years) && (positive ? years > 0.0 : years >= 0.0),
                    field << "." << name << ": must be " << (positive ? "> 0" : ">= 0")
                          << ", got " << years);
        const double periods = years * periods_per_year;
        const double whole = std::round(periods);
        PFT_REQUIRE(std::abs(periods - whole) < 1e-6,
                    field << "." << name << ": must be a whole number of periods ("
                          << periods_per_year << " a year), got " << years);
        return static_cast<int>(whole);
    };
    SizingOptions options;
    options.field = field;
    options.amortisation = tranche.amortisation;
    options.target_dscr = tranche.target_dscr;
    options.min_dscr = sizing.min_dscr;
    options.gearing_cap = sizing.gearing_cap;
    options.capex = capex;
    options.tenor_periods = to_periods(tranche.tenor_years, "tenor_years", true);
    options.grace_periods = to_periods(tranche.grace_years, "grace_years", false);
    options.max_tenor_periods = to_periods(sizing.max_tenor_years, "sizing.max_tenor_years", false);
    options.principal = tranche.principal;
    return options;
}

SizingSummary size_debt(const SizingInputs& in, const SizingOptions& options) {
    const std::string& field = options.field;
    validate_inputs(in, field);
    const std::string why = options.invalid_reason(in.cfads.size());
    PFT_REQUIRE(why.empty(), why);

    const std::size_t n = in.cfads.size();
    SizingSummary s;
    s.tenor_periods = options.tenor_periods;
    if (options.max_tenor_periods > 0 && s.tenor_periods > options.max_tenor_periods) {
        s.tenor_periods = options.max_tenor_periods;
        s.tenor_clipped = true;
        append(s.message, "tenor clipped from " + std::to_string(options.tenor_periods) + " to " +
                              std::to_string(s.tenor_periods) + " periods by the maximum tenor");
    }
    const int grace = options.grace_periods;
    const auto g = static_cast<std::size_t>(grace);
    const auto t_end = static_cast<std::size_t>(s.tenor_periods);
    for (auto* v : {&s.opening_balance, &s.interest, &s.principal, &s.debt_service,
                    &s.closing_balance})
        v->assign(n, 0.0);
    s.dscr.assign(n, kNaN);
    if (grace >= s.tenor_periods) {
        s.binding = BindingConstraint::NoCapacity;
        s.constraints_hold = false;
        append(s.message, "grace period (" + std::to_string(grace) +
                              " periods) leaves no amortisation within the maximum tenor");
        s.min_dscr = s.average_dscr = kNaN;
        return s;
    }

    // Debt service shape: DS_k = scale * shape[k]; unit size when scale = size.
    std::vector<double> shape(n, 0.0);
    double full_size = 0.0;  // sculpted: PV of the target-DSCR debt service
    const bool sculpted = options.amortisation == Amortisation::Sculpted;
    int non_positive = 0;
    if (sculpted) {
        double discount = 1.0;
        for (std::size_t k = g; k < t_end; ++k) {
            discount /= 1.0 + in.rate[k] * in.accrual[k];
            if (in.cfads[k] <= 0.0) {
                ++non_positive;
                continue;  // no negative debt service: this period's interest is capitalised
            }
            shape[k] = in.cfads[k] / options.target_dscr;
            full_size += shape[k] * discount;
        }
        if (non_positive > 0) {
            std::ostringstream text;
            text << non_positive << " amortisation period(s) with CFADS <= 0 get no debt service";
            if (options.non_positive_cfads == NonPositiveCfads::Reject) {
                s.constraints_hold = false;
                text << " (rejected by non_positive_cfads)";
            } else {
                text << " (interest capitalised)";
            }
            append(s.message, text.str());
        }
        if (options.target_dscr < options.min_dscr * (1.0 - kCheckSlack)) {
            s.constraints_hold = false;
            std::ostringstream text;
            text << "target DSCR " << options.target_dscr << " is below the minimum DSCR "
                 << options.min_dscr;
            append(s.message, text.str());
        }
    } else {
        unit_debt_service(in, options.amortisation, grace, s.tenor_periods, shape);
    }

    if (sculpted && !(full_size > 0.0)) {
        s.size = s.unconstrained_size = 0.0;
        s.binding = BindingConstraint::NoCapacity;
        s.constraints_hold = false;
        append(s.message, "no positive CFADS in the amortisation periods: nothing to sculpt");
        s.min_dscr = s.average_dscr = kNaN;
        return s;
    }

    // Candidate sizes; the smallest binds.
    std::vector<std::pair<double, BindingConstraint>> candidates;
    if (options.principal) {
        candidates.emplace_back(*options.principal, BindingConstraint::None);
    } else if (sculpted) {
        candidates.emplace_back(full_size, BindingConstraint::TargetDscr);
        // Interest-only grace periods must still cover min_dscr: size <= CFADS/(min r tau).
        if (options.min_dscr > 0.0) {
            for (std::size_t k = 0; k < g; ++k) {
                const double interest_rate = in.rate[k] * in.accrual[k];
                if (interest_rate <= 0.0) continue;
                candidates.emplace_back(std::max(in.cfads[k], 0.0) /
                                            (options.min_dscr * interest_rate),
                                        BindingConstraint::GraceInterest);
            }
        }
    } else {
        bool blocked = false;
        for (std::size_t k = 0; k < n; ++k)
            if (shape[k] > 0.0 && in.cfads[k] <= 0.0) blocked = true;
        if (options.min_dscr <= 0.0) {
            if (options.capex <= 0.0) {
                s.constraints_hold = false;
                append(s.message, "min_dscr = 0 and no capex: nothing bounds the size");
                candidates.emplace_back(0.0, BindingConstraint::NoCapacity);
            }
        } else if (blocked) {
            candidates.emplace_back(0.0, BindingConstraint::MinDscr);
            append(s.message, "a period with scheduled debt service has CFADS <= 0, so no "
                              "positive size meets the minimum DSCR");
        } else {
            candidates.emplace_back(size_at_min_dscr(in.cfads, shape, options.min_dscr,
                                                     options.relative_tolerance, field),
                                    BindingConstraint::MinDscr);
        }
    }
    const double gearing_limit = options.capex > 0.0 ? options.gearing_cap * options.capex : kInf;
    if (options.capex > 0.0 && !options.principal)
        candidates.emplace_back(gearing_limit, BindingConstraint::GearingCap);
    if (options.debt_cap && !options.principal) candidates.emplace_back(*options.debt_cap, BindingConstraint::DebtCap);

    s.unconstrained_size = candidates.front().first;
    s.size = candidates.front().first;
    s.binding = candidates.front().second;
    for (const auto& [size, constraint] : candidates)
        if (size < s.size) {
            s.size = size;
            s.binding = constraint;
        }
    if (!(s.size > 0.0)) {
        s.size = 0.0;
        s.binding = BindingConstraint::NoCapacity;
        s.constraints_hold = false;
        append(s.message, "no positive debt size satisfies the constraints");
    }

    // Schedule. Debt service first; balances by backward recursion B_k = (DS_k + B_{k+1}) v_k
    // from B_T = 0, so the debt repays exactly at maturity and every DS_k stays exactly as
    // sculpted (a forward recursion would push its accumulated rounding into the last period).
    const double scale = sculpted ? (full_size > 0.0 ? s.size / full_size : 0.0) : s.size;
    for (std::size_t k = 0; k < t_end; ++k) {
        if (k < g)
            s.debt_service[k] = s.size * in.rate[k] * in.accrual[k];
        else
            s.debt_service[k] = sculpted && scale == 1.0 ? shape[k] : scale * shape[k];
    }
    double balance = 0.0;
    for (std::size_t k = t_end; k-- > 0;) {
        balance = (s.debt_service[k] + balance) / (1.0 + in.rate[k] * in.accrual[k]);
        s.opening_balance[k] = k <= g ? s.size : balance;  // grace keeps the balance constant
    }
    PFT_ENSURE(std::abs(balance - s.size) <= 1e-9 * std::max(s.size, 1.0),
               field << ": schedule does not repay the size (PV of debt service " << balance
                     << " vs size " << s.size << ")");
    for (std::size_t k = 0; k < t_end; ++k) {
        s.interest[k] = s.opening_balance[k] * in.rate[k] * in.accrual[k];
        s.principal[k] = k < g ? 0.0 : s.debt_service[k] - s.interest[k];
        if (k < g) s.debt_service[k] = s.interest[k];
        s.closing_balance[k] = k + 1 < t_end ? s.opening_balance[k + 1] : 0.0;
        if (s.principal[k] < 0.0) {
            ++s.capitalised_periods;
            if (sculpted && k >= g) s.below_interest_periods.push_back(k);
        }
    }

    // Checks and statistics.
    double sum = 0.0;
    std::size_t counted = 0;
    s.min_dscr = kNaN;
    for (std::size_t k = 0; k < n; ++k) {
        if (!(s.debt_service[k] > 0.0)) continue;
        s.dscr[k] = in.cfads[k] / s.debt_service[k];
        if (counted == 0 || s.dscr[k] < s.min_dscr) {
            s.min_dscr = s.dscr[k];
            s.min_dscr_period = k;
        }
        sum += s.dscr[k];
        ++counted;
    }
    s.average_dscr = counted > 0 ? sum / static_cast<double>(counted) : kNaN;
    if (counted > 0 && s.min_dscr < options.min_dscr * (1.0 - kCheckSlack)) {
        s.constraints_hold = false;
        std::ostringstream text;
        text << "DSCR " << s.min_dscr << " in period " << s.min_dscr_period
             << " is below the minimum " << options.min_dscr;
        append(s.message, text.str());
    }
    if (sculpted && options.principal && full_size > 0.0 &&
        *options.principal > full_size * (1.0 + kCheckSlack)) {
        s.constraints_hold = false;
        std::ostringstream text;
        text << "principal " << *options.principal << " exceeds the target-DSCR size "
             << full_size;
        append(s.message, text.str());
    }
    if (options.principal && s.size > gearing_limit * (1.0 + kCheckSlack)) {
        s.constraints_hold = false;
        std::ostringstream text;
        text << "principal " << s.size << " exceeds the gearing cap " << gearing_limit;
        append(s.message, text.str());
    }
    if (s.binding != BindingConstraint::None && s.binding != BindingConstraint::NoCapacity) {
        std::ostringstream text;
        text << amortisation_name(options.amortisation) << " size " << s.size << " set by the "
             << to_string(s.binding);
        append(s.message, text.str());
    }
    return s;
}

std::string SizingSummary::brief_report() const {
    std::ostringstream out;
    out << "size " << size << " (binding: " << to_string(binding) << "), tenor " << tenor_periods
        << " periods, min DSCR " << min_dscr << " (period " << min_dscr_period << "), average "
        << average_dscr << ", constraints " << (constraints_hold ? "hold" : "DO NOT hold");
    if (!message.empty()) out << ": " << message;
    return out.str();
}

}  // namespace pftoken::pricing
