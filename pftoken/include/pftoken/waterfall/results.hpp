#pragma once
// Output buffers of the waterfall kernel: per-period columns (structure of arrays) and the
// event log, sized once per compiled project and overwritten by every run.

#include <cstdint>
#include <vector>

#include "pftoken/waterfall/events.hpp"

namespace pftoken {

struct CompiledProject;

/// Per-period results of one kernel run. Every per-period vector has `periods` entries (the
/// whole grid: construction then operations). Per-tranche vectors are tranche-major:
/// value for tranche k (input order) in period t is at [k * periods + t] (see at()).
/// Ratios that are undefined (no debt service due, no debt outstanding) are NaN.
/// Sign convention: every column is a non-negative amount in the direction its name says,
/// except working_capital_change (> 0 = cash tied up) and equity_cash_flow (investor view:
/// < 0 = equity paid in, > 0 = distributions).
struct WaterfallResults {
    int periods = 0;
    int tranches = 0;

    // Operations (CFADS build-up).
    std::vector<double> revenue;
    std::vector<double> opex;                    ///< fixed + variable
    std::vector<double> working_capital_change;  ///< increase of net working capital
    std::vector<double> tax;
    std::vector<double> maintenance_capex;
    std::vector<double> mra_release;             ///< MRA balance used for maintenance capex
    std::vector<double> cfads;                   ///< revenue - opex - dWC - tax - maint. capex + MRA release
    std::vector<double> senior_fees;             ///< paid

    // Debt service totals and ratios.
    std::vector<double> debt_service_due;        ///< scheduled interest + principal, all tranches
    std::vector<double> debt_service_paid;       ///< interest + scheduled principal paid (excl. sweep)
    std::vector<double> dscr;                    ///< cfads / debt_service_due
    std::vector<double> ltm_dscr;                ///< last-12-months sums (periods since COD if fewer)
    std::vector<double> llcr;                    ///< covenant LLCR as tested (see docs/conventions.md)
    std::vector<double> plcr;

    // Accounts.
    std::vector<double> dsra_balance;            ///< end of period
    std::vector<double> dsra_draw;               ///< drawn for debt-service shortfalls
    std::vector<double> dsra_deposit;            ///< top-up from the waterfall (or funding at close)
    std::vector<double> dsra_release;            ///< excess over target released to the waterfall
    std::vector<double> dsra_interest;           ///< interest earned, credited to the account
    std::vector<double> mra_interest;            ///< MRA interest earned, credited to the account
    std::vector<double> mra_balance;
    std::vector<double> mra_deposit;
    std::vector<double> lockup_balance;          ///< cash trapped by lock-up, end of period
    std::vector<double> lockup_deposit;
    std::vector<double> lockup_release;

    // Covenant state.
    std::vector<std::uint8_t> lockup;            ///< 1 while distributions are locked up
    std::vector<std::uint8_t> event_of_default;  ///< 1 if a payment default or DSCR default occurred
    std::vector<std::uint8_t> dsra_drawn;        ///< 1 if the DSRA was drawn

    // Equity and the rest of the waterfall.
    std::vector<double> sweep;                   ///< prepayment of the sweep tranche
    std::vector<double> distributions;
    std::vector<double> equity_injection;        ///< sponsor cash for negative CFADS / fees
    std::vector<double> equity_cash_flow;        ///< -equity_funding - injection + distributions

    // Construction.
    std::vector<double> capex;
    std::vector<double> debt_drawdown;          ///< all tranches
    std::vector<double> equity_funding;
    std::vector<double> interest_during_construction;  ///< capitalised (or paid by equity)

    // Cash conservation check columns: every cash source and every cash use of the period.
    std::vector<double> sources;
    std::vector<double> uses;

    // Per tranche, tranche-major [k * periods + t].
    std::vector<double> tranche_rate;            ///< all-in annual rate applied in the period
    std::vector<double> tranche_drawdown;
    std::vector<double> tranche_interest_due;
    std::vector<double> tranche_interest_paid;
    std::vector<double> tranche_principal_due;   ///< scheduled (plus arrears)
    std::vector<double> tranche_principal_paid;  ///< scheduled principal paid (excl. sweep)
    std::vector<double> tranche_prepayment;      ///< cash sweep
    std::vector<double> tranche_deferred;        ///< interest capitalised in the period
    std::vector<double> tranche_balance;         ///< end of period, after capitalisation

    // Event log, preallocated; entries past `event_capacity` are counted in events_dropped.
    std::vector<Event> events;
    int event_count = 0;
    int events_dropped = 0;

    // Flows at financial close when there is no construction period (else zero).
    double close_capex = 0.0;
    double close_debt = 0.0;
    double close_equity = 0.0;
    double close_dsra_funding = 0.0;

    /// Sizes every buffer for the project (allocates; call once, then reuse for many runs).
    void resize(const CompiledProject& project, int event_capacity = 4096);
    [[nodiscard]] double at(const std::vector<double>& tranche_column, int tranche, int period) const {
        return tranche_column[static_cast<std::size_t>(tranche) * static_cast<std::size_t>(periods) +
                              static_cast<std::size_t>(period)];
    }
    [[nodiscard]] bool any_event(EventKind kind) const noexcept;
};

}  // namespace pftoken
