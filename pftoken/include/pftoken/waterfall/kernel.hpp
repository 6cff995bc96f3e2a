#pragma once
// The one waterfall kernel: base case, every Monte Carlo path and every stress scenario.
//
// run_waterfall() reads a CompiledProject and per-period drivers and overwrites the caller's
// workspace. It does not allocate, touches no QuantLib object and keeps no global state, so
// threads may run it concurrently on a shared CompiledProject with one workspace each.

#include <cstdint>
#include <vector>

#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/drivers.hpp"
#include "pftoken/waterfall/results.hpp"

namespace pftoken {

/// Caller-owned buffers of one kernel run: the results plus per-tranche scratch state.
///
/// A workspace is BOUND to the compiled project it was sized for (constructor or resize()):
/// the columns that depend only on that project are filled once there, not on every run, and
/// run_waterfall() throws if it is given a project with another CompiledProject::id. Copies of
/// a compiled project keep its id and may share the workspace as they are. The id cannot see
/// edits: if a bound project, or a copy run on the same workspace, is changed in anything the
/// run-invariant columns below depend on (e.g. the grid, construction flows, maintenance capex, the
/// covenants tested, fixed rates, the DSRA's covered tranches), call bind() with it before the
/// next run (compile()'s own sizing iterations do this).
///
/// Run-invariant columns (written by bind(), never by run_waterfall()):
/// - construction periods: revenue, opex, working_capital_change, tax, maintenance_capex,
///   mra_release, senior_fees, debt_service_paid, dsra_release, dsra_interest, mra_balance, mra_interest,
///   mra_deposit, lockup_balance, lockup_deposit, lockup_release, sweep, equity_injection (0),
///   cfads, debt_service_due, dsra_draw, distributions (0), dscr, ltm_dscr, llcr, plcr (NaN),
///   lockup, event_of_default, dsra_drawn (0), tranche_principal_due, tranche_principal_paid (0);
/// - operating periods: capex, debt_drawdown, equity_funding, interest_during_construction,
///   tranche_drawdown (0), maintenance_capex (the compiled profile), llcr and plcr (NaN) when no
///   LLCR / PLCR covenant is tested;
/// - every period: tranche_rate of fixed-rate tranches (and their rows of period_rate and of
///   the DSRA prefix sums). Floating-rate rows follow the drivers and are written per run.
/// tranche_prepayment and tranche_deferred are zero in operating periods except where a run
/// writes them; the workspace remembers those entries and the next run clears just them.
struct WaterfallWorkspace {
    WaterfallResults results;
    std::uint64_t project_id = 0;         ///< CompiledProject::id this workspace is bound to
    std::vector<double> balance;          ///< per tranche, running
    std::vector<double> arrears;          ///< per tranche, unpaid scheduled principal
    std::vector<double> rate;             ///< per tranche, this period
    std::vector<double> interest_due;     ///< per tranche, this period
    std::vector<double> principal_due;    ///< per tranche, this period
    std::vector<double> unpaid;           ///< per tranche, scratch
    // Deferral terms (CompiledTranche::deferral_terms), per tranche: capitalised interest still
    // outstanding, periods with a deferral so far, and whether a cap was breached (the right to
    // defer lost: every later shortfall is a payment default).
    std::vector<double> capitalised;
    std::vector<int> deferral_periods;
    std::vector<std::uint8_t> deferral_lost;
    std::vector<double> period_rate;      ///< per tranche [k * periods + t], all-in annual rate
    std::vector<double> rate_prefix;      ///< [k * (periods + 1) + t] = sum_{j<t} rate_j tau_j
    std::vector<double> weighted_prefix;  ///< [k * (periods + 1) + t] = sum_{j<t} cum_sched_j rate_j tau_j
    std::vector<double> coverage_cfads;   ///< per period, forecast CFADS for LLCR / PLCR tests
    std::vector<double> coverage_npv_debt;
    std::vector<double> coverage_npv_project;
    // Per period: the operating cash flows that do not depend on the waterfall's state, computed
    // in one vectorisable pass before the period loop (revenue, opex and the working-capital
    // change go straight to the result columns in full mode; lean mode does not store them).
    std::vector<double> operating_wc;          ///< working-capital balance
    std::vector<double> pre_tax;               ///< revenue - opex - senior fees - depreciation (before interest)
    std::vector<double> pre_cfads;             ///< revenue - opex - working-capital change
    std::vector<double> given_tax;             ///< a given tax line scaled to the run's margin (cash_flows.tax)
    std::vector<double> neutral_one;           ///< all 1.0: stands in for an empty multiplier driver
    std::vector<double> neutral_zero;          ///< all 0.0: stands in for an empty additive driver
    // Entries [k * periods + t] of tranche_prepayment / tranche_deferred that the last run set
    // in operating periods (cleared at the start of the next run that writes the column).
    std::vector<std::uint32_t> prepayment_written;
    std::vector<std::uint32_t> deferred_written;
    int prepayment_written_count = 0;
    int deferred_written_count = 0;

    WaterfallWorkspace() = default;
    /// Sizes every buffer for `project` (allocates once) and binds the workspace to it.
    explicit WaterfallWorkspace(const CompiledProject& project, int event_capacity = 4096);
    void resize(const CompiledProject& project, int event_capacity = 4096);
    /// Re-binds to `project` (same periods and tranche count as the sizing project): fills the
    /// run-invariant columns again. No allocation.
    void bind(const CompiledProject& project);
};

/// Which result columns a run writes. Both modes execute the same waterfall code (one template,
/// two instantiations) and give bit-identical values in the columns they both write.
enum class WaterfallOutput {
    /// Every column of WaterfallResults plus the event log (valuation, reports, golden files).
    Full,
    /// Only what Monte Carlo paths consume: cfads, debt_service_due, dscr, ltm_dscr, dsra_draw,
    /// dsra_drawn, lockup, event_of_default, distributions, equity_cash_flow, the close_* scalars
    /// and the tranche columns interest_due, interest_paid, principal_due, principal_paid,
    /// prepayment and balance. Every other column holds its run-invariant values where it has
    /// them (see WaterfallWorkspace) and otherwise stale values from an earlier run; the event
    /// log is left empty (event_count = 0).
    Lean,
};

/// Runs the waterfall over the whole grid. Drivers spans must be empty or of grid size
/// (checked; throws pftoken::Error naming the driver before touching the workspace); the
/// workspace must be bound to `project` (same CompiledProject::id; checked likewise).
void run_waterfall(const CompiledProject& project, const PeriodDrivers& drivers,
                   WaterfallWorkspace& workspace, WaterfallOutput output = WaterfallOutput::Full);

}  // namespace pftoken
