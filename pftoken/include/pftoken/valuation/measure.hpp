#pragma once
// One measure from kernel output to prices: the discount grid of a compiled project (built once)
// and the one function from waterfall results to tranche PVs, missed-payment flags, equity NPV,
// value and IRR. `pftoken value`, the Monte Carlo, stress and fair-value paths all price here.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "pftoken/model/project.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/results.hpp"

namespace pftoken {

/// The time steps of a flow grid, grouped so that discount factors can be built by running
/// products: step i (from times[i - 1] to times[i], times[0] = 0) belongs to class step_class[i]
/// of length class_step[class]. A monthly ACT/365 grid has four classes (28 to 31 days), so one
/// NPV evaluation costs a handful of exp() calls instead of one per flow.
struct IrrGrid {
    static constexpr std::size_t kMaxClasses = 16;
    std::vector<double> times;  ///< year fractions, times[0] = 0 (the close)
    std::vector<std::uint8_t> step_class;
    std::array<double, kMaxClasses> class_step{};
    std::size_t classes = 0;
    bool incremental = false;  ///< false: too many distinct steps, exp() per flow

    IrrGrid() = default;
    explicit IrrGrid(std::vector<double> t);
};

/// Annual-compounding IRR of `flows` at `grid.times` (NaN when the flows do not change sign or
/// no root lies in (-99%, 1000%)): Newton from `guess` (a few iterations when the guess is a
/// nearby IRR), then TOMS 748 on the whole range. No allocation. The one equity IRR.
[[nodiscard]] double equity_irr(std::span<const double> flows, const IrrGrid& grid, double guess);

/// The discount curve referenced at COD (`project.market.discount`) sampled at each period end of
/// `grid`: DF and curve year fraction from COD, 0 for construction periods. Where every tranche
/// discount starts (built with QuantLib: at setup only).
struct CodCurve {
    std::vector<double> df;    ///< per period
    std::vector<double> time;  ///< per period
};
[[nodiscard]] CodCurve cod_curve(const Project& project, const PeriodGrid& grid);

/// The discount curve referenced at the debt valuation date (`cp.valuation_date`, default COD:
/// the market as observed on that date) sampled at each period end after it: DF and curve year
/// fraction from the valuation date, 0 for periods paid on or before it and for construction
/// periods. With the valuation date at COD this is cod_curve(), bit for bit.
[[nodiscard]] CodCurve valuation_curve(const Project& project, const CompiledProject& cp);

/// The one tranche discount factor: the curve DF times exp(-spread t), t the curve year fraction
/// from COD. A flow at period u valued at period j (j after COD) is
/// flow x tranche_df(u) / tranche_df(j).
[[nodiscard]] inline double tranche_discount(double curve_df, double curve_time, double spread) noexcept {
    return curve_df * std::exp(-spread * curve_time);
}

/// One period's discount-margin factor of a floating tranche: (1 + f tau) / (1 + (f + s) tau),
/// f the projected index forward, tau the accrual, s the discount margin. A floating tranche's
/// discount factor is the curve DF times the running product of these from COD, so a floater
/// whose coupon margin equals its discount margin prices at par when its index curve is the
/// discount curve (the floating-rate note convention; docs/pricing.md).
[[nodiscard]] inline double floating_discount_step(double forward, double accrual, double margin) noexcept {
    return (1.0 + forward * accrual) / (1.0 + (forward + margin) * accrual);
}

/// The discount grid of a compiled project (one per project), built once at setup (QuantLib is used here only,
/// never per path or per scenario). Debt is valued at the valuation date (default COD) on the
/// discount curve referenced at that date over the operating periods paid after it (earlier
/// periods carry DF 0); equity at financial close at the cost of equity, annual compounding.
/// The valuation date lives here and in CompiledProject only: `value`, the Monte Carlo, stress
/// and fair-value paths all read it from this grid.
struct MeasureGrid {
    int periods = 0;
    int tranches = 0;
    int first_operating = 0;
    int first_remaining = 0;            ///< first operating period paid after the valuation date
    CalendarDate valuation_date{};      ///< debt valuation date (default COD)
    std::vector<double> curve_df;       ///< risk-free DF from the valuation date at each remaining period end
    std::vector<double> curve_time;     ///< curve year fraction from the valuation date of each period end
    std::vector<double> tranche_df;     ///< [k * periods + t]: curve_df exp(-spread_k curve_time); floating: curve_df x discount-margin factors
    std::vector<double> tranche_df_cs;  ///< the same with the spread + 1 bp (CS01)
    std::vector<double> equity_df;      ///< (1 + cost of equity)^-t, t = years from close
    std::vector<double> ones;           ///< periods x 1.0: the multiplier when nothing adjusts
    IrrGrid irr;                        ///< close (t = 0), then every period end
};

/// Where stress and the Monte Carlo start (docs/valuation-date.md, "History"), from the debt
/// valuation date V: FromClose for V at financial close or at COD (the default: the whole grid is
/// simulated and shocked from financial close, as before valuation dates existed); Construction
/// for V strictly between them (the construction drawn up to V is history, an overrun raises only
/// the capex still to be drawn, CompiledProject::overrun_weight); Operation for V after COD (the
/// construction is history, no construction shock applies).
enum class ValuationPhase { FromClose, Construction, Operation };
[[nodiscard]] ValuationPhase valuation_phase(const CompiledProject& cp) noexcept;

/// Periods that are history at the valuation date: valued during construction or after COD, the
/// periods paid on or before it (`cp.valuation_period`); else 0 (valued at financial close or at
/// COD: the whole grid looks forward from financial close). Stress shocks, stress covenant
/// statistics and the Monte Carlo factors cover the periods from this one on; the history keeps
/// its base-case (or actual) values.
[[nodiscard]] int history_periods(const CompiledProject& cp) noexcept;

/// Whether stress and the Monte Carlo start at the valuation date rather than at financial close:
/// valued during construction, or after COD with history (history_periods > 0). The factors then
/// start at V at their base level on the curve referenced at V.
[[nodiscard]] bool starts_at_valuation_date(const CompiledProject& cp) noexcept;

/// Outstanding balance of tranche k at the valuation date in the run `r`: the actuals' balance
/// when seasoned, else the balance after the last period paid on or before it (the commitment
/// when none is).
[[nodiscard]] double outstanding_at_valuation(const CompiledProject& cp, const WaterfallResults& r, int k);

/// The measure grid of `cp` (compiled from `project`).
[[nodiscard]] MeasureGrid make_measure_grid(const Project& project, const CompiledProject& cp);

/// What `measure` computes beyond the tranche PVs and flags.
struct MeasureOptions {
    /// Per-tranche discount multipliers on top of tranche_df (path-wise short-rate discounting
    /// relative to COD, stress rate/spread shifts): tranche k uses adjust[k * periods + t] when
    /// `per_tranche`, adjust[t] otherwise; empty = none.
    std::span<const double> adjust;
    bool per_tranche = false;
    bool spread_bumped = false;  ///< also pv at spread + 1 bp
    bool risk_free = false;      ///< also pv on the curve alone
    bool irr = true;             ///< solve the equity IRR
    double irr_guess = 0.1;
};

/// Prices of one tranche from one kernel run.
struct TrancheMeasure {
    double pv = 0.0;             ///< remaining flows (interest + (principal + prepayment)) x tranche DF
    double pv_spread_bumped = 0.0;
    double pv_risk_free = 0.0;
    bool missed_payment = false;   ///< interest or principal paid below due in a remaining period (tol 1e-9 x principal)
    bool payment_default = false;  ///< a PaymentDefault event for the tranche
    double final_balance = 0.0;    ///< balance after the last period (> 0: principal lost)
    double loss = 0.0;             ///< max(0, final_balance)
};

/// Prices from one kernel run. Sized once (`resize`); `measure` then does not allocate.
struct Measure {
    std::vector<TrancheMeasure> tranches;
    double equity_npv = 0.0;       ///< every equity cash flow (close included) at the cost of equity
    double equity_receipts = 0.0;  ///< PV of the positive equity cash flows (token holders' receipts)
    double equity_net_distributions = 0.0;  ///< PV of distributions - injections over the periods
    double equity_irr = 0.0;       ///< NaN when not asked or none exists
    std::vector<double> equity_flows;  ///< close, then every period's equity cash flow
    void resize(const CompiledProject& cp);
};

/// Prices of the kernel run `r` of `cp` on `grid`.
void measure(const CompiledProject& cp, const MeasureGrid& grid, const WaterfallResults& r,
             const MeasureOptions& options, Measure& out);

/// The contractual ("promised") flows of each tranche from its balance at the valuation date in
/// the run `r` (at COD by default; the actuals' balance when seasoned): scheduled interest on the
/// scheduled balance at the run's rates (`period_rate`, the kernel workspace's) plus scheduled
/// principal (all of it at maturity), with no sweeps, prepayments or shortfalls.
/// flows[k * periods + t]; 0 before the first remaining period.
[[nodiscard]] std::vector<double> promised_flows(const CompiledProject& cp, const WaterfallResults& r,
                                                 std::span<const double> period_rate);

}  // namespace pftoken
