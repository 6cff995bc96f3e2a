#pragma once
// Deterministic stress engine: maps each scenario's shocks onto the one waterfall kernel's
// PeriodDrivers, runs it and reports tranche PVs, covenant breaches, DSRA usage and equity.
//
// Setup (constructor) compiles the project once (QuantLib) and samples the discount curve on the
// period grid. The closed deal is stressed as closed: debt is sized once for the base case and
// kept (a stress does not re-size or re-sculpt). Rate and spread shocks move the discount factors
// analytically (DF' = DF exp(-integral of the forward shift)) and the floating indices through
// PeriodDrivers::index_shift, so no scenario re-compiles. Mapping rules: docs/stress.md.

#include <limits>
#include <string>
#include <vector>

#include "pftoken/model/project.hpp"
#include "pftoken/stress/scenario.hpp"
#include "pftoken/valuation/measure.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/drivers.hpp"
#include "pftoken/waterfall/kernel.hpp"

namespace pftoken::stress {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// One tranche under one scenario (changes are vs the base case).
struct TrancheStress {
    std::string name;
    std::string symbol;
    int rank = 1;
    double principal = 0.0;
    double pv = 0.0;                   ///< at the valuation date (default COD), as pftoken value: curve DF x exp(-(spread + shifts) t)
    double price_per_token = kNaN;
    double pv_change = 0.0;            ///< pv - base pv
    double pv_change_pct = 0.0;        ///< 100 (pv / base pv - 1)
    double price_change = 0.0;         ///< per token
    double loss = 0.0;                 ///< balance unpaid at the end of the grid
    double loss_share = 0.0;           ///< loss / principal
    bool payment_default = false;      ///< any payment-default event on this tranche
    bool missed_payment = false;       ///< interest or principal unpaid when due after the valuation date (deferral included)
};

/// Everything reported for one kernel run.
struct StressMetrics {
    std::vector<TrancheStress> tranches;  ///< input order
    double equity_value = 0.0;         ///< PV at cost of equity of distributions - injections
    double equity_npv = 0.0;           ///< PV at cost of equity of every equity flow (incl. funding)
    double equity_irr = kNaN;          ///< NaN when no IRR exists (e.g. no distributions)
    double equity_price_per_token = kNaN;  ///< equity_value / supply
    double equity_value_change = 0.0;
    double equity_irr_change = kNaN;
    double min_dscr = kNaN;            ///< period DSCR over periods with debt service due
    int min_dscr_period = -1;
    CalendarDate min_dscr_date{};
    double min_tested_dscr = kNaN;     ///< the ratio the covenants test (LTM when use_historic_dscr)
    double min_dscr_change = 0.0;
    int lockup_periods = 0;
    int first_lockup_period = -1;
    int default_periods = 0;           ///< periods with an event of default (payment or DSCR)
    int first_default_period = -1;
    double dsra_max_draw = 0.0;
    double dsra_total_draw = 0.0;
    int dsra_draw_periods = 0;
    std::string first_loss_tranche;    ///< most junior tranche with a loss; empty = none
    double cfads = 0.0;                ///< CFADS summed over the periods after the valuation date (history_periods on)
};

/// Result of one scenario. A scenario that fails (bad window, unknown tranche, kernel error) has
/// ok = false and `error` set; it never stops the others.
struct ScenarioResult {
    std::string name;
    std::string description;
    bool ok = true;
    std::string error;
    bool market_only = false;          ///< only token-market shocks: core metrics equal the base
    /// Shocks that do not apply at the valuation date (a construction shock of a project valued
    /// after COD: the construction is history; a capex overrun valued during construction after
    /// the last capex draw), named; empty when every shock applied.
    std::string not_applied;
    std::string not_applied_reason;  ///< why, for the table's note ("construction before the valuation date")
    StressMetrics metrics;
};

struct StressSummary {
    ScenarioResult base;
    std::vector<ScenarioResult> scenarios;  ///< input order
    int failed = 0;
    double seconds = 0.0;
};

/// Per-period driver arrays plus the pricing-only tweaks of one scenario (caller-owned buffers;
/// reused across scenarios so the steady state does not allocate).
struct ResolvedScenario {
    std::vector<double> price;            ///< x merchant price
    std::vector<double> volume;
    std::vector<double> availability_loss;
    std::vector<double> opex;
    std::vector<double> index_shift;      ///< rates forward shift (decimal), also moves discounting
    std::vector<double> contract_revenue; ///< x contracted revenue (inflation pass-through)
    std::vector<double> tranche_shift;    ///< [k * periods + t] spread forward shift (decimal)
    double capex_overrun = 0.0;
    int delay_periods = 0;
    bool uses_price = false, uses_volume = false, uses_availability = false, uses_opex = false,
         uses_rates = false, uses_contract = false, uses_spread = false;
    std::string not_applied;              ///< shocks of the history (ScenarioResult::not_applied)
    std::string not_applied_reason;       ///< ScenarioResult::not_applied_reason
    /// The kernel's view of these buffers (empty spans for untouched drivers).
    [[nodiscard]] PeriodDrivers drivers() const;
};

class StressEngine {
  public:
    /// Compiles `project` (validated by the loader) and runs the base case. Setup; uses QuantLib.
    explicit StressEngine(const Project& project);

    [[nodiscard]] const CompiledProject& compiled() const noexcept { return base_project_; }
    [[nodiscard]] const Project& project() const noexcept { return project_; }
    [[nodiscard]] const ScenarioResult& base() const noexcept { return base_; }

    /// Runs one scenario; failures are captured in the result, never thrown.
    [[nodiscard]] ScenarioResult run(const Scenario& scenario);
    /// Runs every scenario in order (each isolated) and times the batch.
    [[nodiscard]] StressSummary run_all(const std::vector<Scenario>& scenarios);

    /// Maps a scenario's project shocks onto `out` (throws InputError naming the shock path).
    void resolve(const Scenario& scenario, ResolvedScenario& out) const;
    /// Tranche discount multipliers [k * periods + t] of a scenario's rate and spread shifts
    /// (exp of minus the forward shift integrated from COD); false (and `adjust` untouched) when
    /// the scenario shifts neither.
    bool discount_adjust(const ResolvedScenario& resolved, std::vector<double>& adjust) const;
    /// Kernel run + metrics for resolved drivers; throws on kernel errors. Changes vs base are
    /// filled once the base exists.
    [[nodiscard]] StressMetrics evaluate(const ResolvedScenario& resolved);
    /// resolve + evaluate (throws).
    [[nodiscard]] StressMetrics evaluate(const Scenario& scenario);

    /// Continuous metrics used by reverse stress, without building the full report.
    struct Indicators {
        double min_tested_dscr = kNaN;
        std::vector<double> loss_share;   ///< per tranche
        double equity_value = 0.0;
    };
    void indicators(const Scenario& scenario, Indicators& out);

  private:
    void run_kernel(const ResolvedScenario& resolved);
    /// Prices of the last kernel run into prices_ (rate and spread shifts as discount adjustments).
    void price(const ResolvedScenario& resolved, bool irr, double irr_guess);
    [[nodiscard]] StressMetrics collect() const;
    void fill_changes(StressMetrics& m) const;

    Project project_;
    CompiledProject base_project_;
    int history_ = 0;  ///< periods before the valuation date (history_periods): never shocked or counted
    ValuationPhase phase_ = ValuationPhase::FromClose;  ///< valuation_phase of the project
    std::vector<double> twist_time_;  ///< valued during construction: year fraction from V per period end paid after it
    CompiledProject scratch_project_;      ///< copy whose contracted revenue a scenario scales
    std::vector<double> curve_time_;       ///< per period end: year fraction from financial close (shock shapes)
    MeasureGrid grid_;                     ///< tranche (at COD, as value()) and equity discount factors
    Measure prices_;
    std::vector<double> adjust_;           ///< [k * periods + t]: exp(-shift integrated from COD)
    double irr_guess_ = 0.1;               ///< the equity IRR search starts here (set from the base)
    WaterfallWorkspace workspace_;
    ResolvedScenario scratch_resolved_;
    ScenarioResult base_;
    bool has_base_ = false;
};

/// First and last period (inclusive) of the grid inside `window`; throws InputError at `path`
/// when a bound is past the grid or the window holds no period.
[[nodiscard]] std::pair<int, int> window_periods(const Window& window, const PeriodGrid& grid,
                                                 const std::string& path);

}  // namespace pftoken::stress
