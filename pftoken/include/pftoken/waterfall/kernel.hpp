#pragma once
// The one waterfall kernel: base case, every Monte Carlo path and every stress scenario.
//
// run_waterfall() reads a CompiledProject and per-period drivers and overwrites the caller's
// workspace. It does not allocate, touches no QuantLib object and keeps no global state, so
// threads may run it concurrently on a shared CompiledProject with one workspace each.

#include <vector>

#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/drivers.hpp"
#include "pftoken/waterfall/results.hpp"

namespace pftoken {

/// Caller-owned buffers of one kernel run: the results plus per-tranche scratch state.
struct WaterfallWorkspace {
    WaterfallResults results;
    std::vector<double> balance;          ///< per tranche, running
    std::vector<double> arrears;          ///< per tranche, unpaid scheduled principal
    std::vector<double> rate;             ///< per tranche, this period
    std::vector<double> interest_due;     ///< per tranche, this period
    std::vector<double> principal_due;    ///< per tranche, this period
    std::vector<double> unpaid;           ///< per tranche, scratch
    std::vector<double> period_rate;      ///< per tranche [k * periods + t], all-in annual rate
    std::vector<double> rate_prefix;      ///< [k * (periods + 1) + t] = sum_{j<t} rate_j tau_j
    std::vector<double> weighted_prefix;  ///< [k * (periods + 1) + t] = sum_{j<t} cum_sched_j rate_j tau_j
    std::vector<double> coverage_cfads;   ///< per period, forecast CFADS for LLCR / PLCR tests
    std::vector<double> coverage_npv_debt;
    std::vector<double> coverage_npv_project;
    // Per period: the operating cash flows that do not depend on the waterfall's state, computed
    // in one vectorisable pass before the period loop (revenue, opex and the working-capital
    // change go straight to the result columns in full mode; these hold them in lean mode).
    std::vector<double> operating_revenue;
    std::vector<double> operating_opex;
    std::vector<double> operating_wc;          ///< working-capital balance
    std::vector<double> operating_dwc;
    std::vector<double> pre_tax;               ///< revenue - opex - senior fees - depreciation (before interest)
    std::vector<double> pre_cfads;             ///< revenue - opex - working-capital change
    std::vector<double> neutral_one;           ///< all 1.0: stands in for an empty multiplier driver
    std::vector<double> neutral_zero;          ///< all 0.0: stands in for an empty additive driver

    WaterfallWorkspace() = default;
    /// Sizes every buffer for `project` (allocates once).
    explicit WaterfallWorkspace(const CompiledProject& project, int event_capacity = 4096);
    void resize(const CompiledProject& project, int event_capacity = 4096);
};

/// Which result columns a run writes. Both modes execute the same waterfall code (one template,
/// two instantiations) and give bit-identical values in the columns they both write.
enum class WaterfallOutput {
    /// Every column of WaterfallResults plus the event log (valuation, reports, golden files).
    Full,
    /// Only what Monte Carlo paths consume: cfads, debt_service_due, dscr, ltm_dscr, dsra_draw,
    /// dsra_drawn, lockup, event_of_default, distributions, equity_cash_flow, the close_* scalars
    /// and the tranche columns interest_due, interest_paid, principal_due, principal_paid,
    /// prepayment and balance. Every other column keeps stale values from an earlier run and the
    /// event log is left empty (event_count = 0).
    Lean,
};

/// Runs the waterfall over the whole grid. Drivers spans must be empty or of grid size
/// (checked; throws pftoken::Error naming the driver before touching the workspace).
void run_waterfall(const CompiledProject& project, const PeriodDrivers& drivers,
                   WaterfallWorkspace& workspace, WaterfallOutput output = WaterfallOutput::Full);

}  // namespace pftoken
