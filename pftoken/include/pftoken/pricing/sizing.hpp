#pragma once
// Debt sizing and sculpting on plain arrays: size a tranche from CFADS under a target or
// minimum DSCR, a gearing cap and a maximum tenor, and return its repayment schedule.
//
// Period k (0-based, from COD) has CFADS_k available for this tranche's debt service, accrual
// year fraction tau_k and annual rate r_k; interest_k = opening_k r_k tau_k (simple accrual),
// discount v_k = 1/(1 + r_k tau_k). Grace periods [0, g) are interest-only; amortisation runs
// over [g, T) with T = min(tenor, max tenor) periods.
//
// Sculpted: DS_k = max(CFADS_k, 0)/target_dscr on [g, T); size = PV at the end of grace of DS
// (= PV at COD, since grace keeps the balance constant): size = sum_k DS_k prod_{m=g}^{k} v_m.
// Annuity / LevelPrincipal / Bullet: the largest size whose DSCR is >= min_dscr in every period
// with debt service (Boost.Math TOMS 748 on min_k DSCR_k(size) - min_dscr = 0).
// Then the gearing cap (size <= gearing_cap * capex) and, for grace periods, the min-DSCR
// limit on interest cap the size; a capped sculpted schedule keeps its shape (DS scaled).
// Periods with CFADS <= 0 get no debt service; their interest is capitalised (negative
// principal), or sizing reports failure if non_positive_cfads == Reject. Full text:
// docs/pricing.md.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pftoken/model/project.hpp"

namespace pftoken::pricing {

/// What to do when a sculpted amortisation period has CFADS <= 0.
enum class NonPositiveCfads {
    CapitaliseInterest,  ///< debt service 0, interest capitalised into the balance
    Reject               ///< report constraints_hold = false
};

/// The constraint that set the size.
enum class BindingConstraint {
    None,           ///< principal was given (fixed debt): only checked
    TargetDscr,     ///< sculpted to the target DSCR
    MinDscr,        ///< largest fixed-shape size meeting the minimum DSCR
    GearingCap,     ///< debt <= gearing_cap * capex (compile passes total uses of funds as capex)
    DebtCap,        ///< debt <= an absolute cap (sizing.debt_cap less the other tranches)
    GraceInterest,  ///< interest-only DSCR in the grace period >= min_dscr
    NoCapacity      ///< no positive size satisfies the constraints (size = 0)
};
[[nodiscard]] const char* to_string(BindingConstraint constraint);

struct SizingOptions {
    std::string field = "sizing";    ///< error-message prefix, e.g. "tranches[0]"
    Amortisation amortisation = Amortisation::Sculpted;  ///< Schedule is not supported
    double target_dscr = 1.30;       ///< Sculpted; > 0
    double min_dscr = 1.0;           ///< >= 0; every period with debt service must meet it
    double gearing_cap = 0.80;       ///< in (0, 1]; applied when capex > 0
    double capex = 0.0;              ///< >= 0; 0 disables the gearing cap
    int tenor_periods = 0;           ///< > 0, <= number of periods
    int grace_periods = 0;           ///< >= 0, < tenor_periods
    int max_tenor_periods = 0;       ///< 0 = no limit; tenor is clipped to it
    NonPositiveCfads non_positive_cfads = NonPositiveCfads::CapitaliseInterest;
    std::optional<double> principal; ///< given size (fixed debt): schedule + checks only
    std::optional<double> debt_cap;  ///< > 0 when set: size <= debt_cap
    double relative_tolerance = 1e-13;  ///< of the root finder on the size
    /// Empty when valid, else "field.member: constraint, got value".
    [[nodiscard]] std::string invalid_reason(std::size_t periods) const;
};

/// Builds SizingOptions from the model: tenor/grace/max tenor in periods at
/// `periods_per_year` (must come out whole), target/min DSCR, gearing cap, capex.
[[nodiscard]] SizingOptions sizing_options_for(const Tranche& tranche, const Sizing& sizing,
                                               double capex, int periods_per_year,
                                               const std::string& field);

struct SizingInputs {
    std::span<const double> cfads;    ///< per operating period, available for this tranche
    std::span<const double> accrual;  ///< year fraction per period
    std::span<const double> rate;     ///< all-in annual rate per period, in (-1, 1)
};

struct SizingSummary {
    double size = 0.0;                  ///< principal at COD
    double unconstrained_size = 0.0;    ///< before gearing / grace caps
    BindingConstraint binding = BindingConstraint::None;
    bool constraints_hold = true;       ///< false: see message
    std::string message;                ///< why constraints fail, what bound, clipped tenor...
    int tenor_periods = 0;              ///< after the max-tenor clip
    bool tenor_clipped = false;
    int capitalised_periods = 0;        ///< periods with negative principal
    /// Sculpted amortisation periods whose debt service is below their interest (negative
    /// principal). A schedule that cannot capitalise (compile: principal floored at zero, those
    /// periods interest-only) misses the DSCR target there.
    std::vector<std::size_t> below_interest_periods;
    // Schedule, one entry per input period (zero after maturity).
    std::vector<double> opening_balance, interest, principal, debt_service, closing_balance;
    std::vector<double> dscr;           ///< CFADS/DS where DS > 0, else NaN
    double min_dscr = 0.0;              ///< over periods with DS > 0 (NaN if none)
    std::size_t min_dscr_period = 0;
    double average_dscr = 0.0;
    [[nodiscard]] std::string brief_report() const;
};

/// Sizes and schedules one tranche. Throws pftoken::Error for invalid inputs (message names
/// the field); infeasible economics are reported in the summary, not thrown.
[[nodiscard]] SizingSummary size_debt(const SizingInputs& inputs, const SizingOptions& options);

}  // namespace pftoken::pricing
