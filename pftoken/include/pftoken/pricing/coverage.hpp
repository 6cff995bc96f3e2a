#pragma once
// Coverage ratios on plain arrays: DSCR statistics, LLCR and PLCR per period.
//
// Period k runs from date k to date k+1; CFADS and debt service of period k fall at its end.
// Discounting is at the debt rate with the debt's own simple per-period accrual,
// v_k = 1/(1 + r_k tau_k), so the PV of a tranche's debt service at its rate is its balance:
//   LLCR_k = sum_{j=k}^{M} CFADS_j prod_{m=k}^{j} v_m / opening_debt_k   (M = last period with debt)
//   PLCR_k = sum_{j=k}^{N-1} CFADS_j prod_{m=k}^{j} v_m / opening_debt_k (N = all periods)
// Ratios are NaN where opening_debt_k <= 0 (no debt outstanding). No allocation.

#include <span>
#include <string>

namespace pftoken::pricing {

struct CoverageInputs {
    std::span<const double> cfads;         ///< per period
    std::span<const double> accrual;       ///< year fraction per period
    std::span<const double> debt_rate;     ///< annual rate per period (e.g. weighted all-in debt rate)
    std::span<const double> opening_debt;  ///< total debt outstanding at the start of each period
    void validate(const std::string& field = "coverage") const;
};

/// Fills llcr and plcr (each of size cfads.size()); NaN where no debt is outstanding.
void coverage_ratios(const CoverageInputs& inputs, std::span<double> llcr, std::span<double> plcr);

/// LLCR / PLCR at one period start (e.g. COD = period 0 of operations).
[[nodiscard]] double llcr_at(const CoverageInputs& inputs, std::size_t period);
[[nodiscard]] double plcr_at(const CoverageInputs& inputs, std::size_t period);

/// DSCR statistics over the periods with positive debt service.
struct DscrStats {
    double min = 0.0;
    std::size_t min_period = 0;  ///< index of the minimum (first one on ties)
    double average = 0.0;        ///< arithmetic mean of period DSCRs
    std::size_t periods = 0;     ///< periods with debt service > 0; 0 -> min/average NaN
};

/// dscr[k] = cfads[k]/debt_service[k] where debt_service[k] > 0, NaN otherwise (no allocation).
void dscr_per_period(std::span<const double> cfads, std::span<const double> debt_service,
                     std::span<double> dscr);
[[nodiscard]] DscrStats dscr_stats(std::span<const double> cfads,
                                   std::span<const double> debt_service);

}  // namespace pftoken::pricing
