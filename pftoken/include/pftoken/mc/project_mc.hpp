#pragma once
// Monte Carlo valuation of a project: every path runs the full waterfall kernel (DSRA draws and
// refills, lock-up, sweep, deferral, default) on its factor path; outputs per token class.
//
// Options in (ProjectMcOptions, built directly or with MakeProjectMc), Summary out
// (ProjectMcSummary). Setup compiles the project and samples the discount curve once with
// QuantLib; paths use plain arrays only. See docs/monte-carlo.md for every definition.

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "pftoken/mc/engine.hpp"
#include "pftoken/mc/stochastic.hpp"
#include "pftoken/model/project.hpp"
#include "pftoken/waterfall/drivers.hpp"

namespace pftoken::mc {

/// Deterministic shocks laid over every path: the stochastic stress (pftoken/stress/mc_stress.hpp)
/// passes a scenario's per-period drivers here, as resolved by the deterministic stress engine.
/// Non-owning views (the caller keeps the arrays alive for the run); empty = neutral.
struct PathOverlay {
    /// Per period: price, volume and opex multipliers multiply the path's; availability losses
    /// combine as 1 - (1 - a)(1 - b); index shifts add. Capex overruns combine as
    /// (1 + a)(1 + b) - 1; delay periods add. index_level must be empty.
    PeriodDrivers drivers;
    std::span<const double> contracted_revenue;  ///< x contracted revenue per period
    std::span<const double> tranche_discount;    ///< [k * periods + t] x each tranche's discount factor
    [[nodiscard]] bool empty() const noexcept {
        return drivers.price_multiplier.empty() && drivers.volume_multiplier.empty() &&
               drivers.availability_loss.empty() && drivers.opex_multiplier.empty() && drivers.index_shift.empty() &&
               drivers.index_level.empty() && drivers.capex_overrun == 0.0 && drivers.delay_periods == 0 &&
               contracted_revenue.empty() && tranche_discount.empty();
    }
};

struct ProjectMcOptions {
    McOptions mc;
    /// Deterministic shocks on top of every path (empty: none; not used by dump_project_paths).
    PathOverlay overlay;
    /// Bump-and-revalue sensitivities with common random numbers (four extra runs; mc.progress
    /// then counts the paths of all five runs as one total).
    bool sensitivities = false;
    /// Equity IRR per path (a root search per path, about a third of the path cost).
    bool equity_irr = true;
    void validate() const { mc.validate(); }
};

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The fair spread's definition, printed beside it (mc text header, JSON, docs/monte-carlo.md).
inline constexpr const char* kFairSpreadDefinition =
    "fair spread s: the contractual schedule (base-case rates, no sweeps or shortfalls) discounted at "
    "curve + s (continuous) equals the mean over paths of the realised receipts discounted on the curve alone";

/// Credit and value statistics of one tranche token.
struct TrancheMc {
    std::string name;
    std::string symbol;
    double principal = 0.0;
    double supply = 0.0;
    Distribution pv;                    ///< PV at COD of realised receipts (curve + discount spread), as pftoken::value
    Estimate price_per_token;           ///< pv / supply
    Distribution price_per_token_dist;  ///< percentiles / VaR / CVaR per token
    Estimate pd_payment;                ///< P(any scheduled interest or principal unpaid when due)
    Estimate pd_principal;              ///< P(principal not repaid in full by the end of the grid)
    Estimate pd_deferral;               ///< P(a deferrable tranche left interest or principal unpaid when due)
    Estimate pd_event_of_default;       ///< P(an event-of-default period while the tranche is outstanding)
    Estimate expected_loss;             ///< E[unpaid balance at the end] / principal
    double lgd = kNaN;                  ///< expected_loss / pd_principal
    double promised_pv = 0.0;           ///< base-case (neutral drivers) receipts at curve + spread
    Estimate expected_riskfree_pv;      ///< E[realised receipts discounted on the curve alone]
    /// Continuous spread s with sum promised_t DF(t) exp(-s t) = E[realised receipts on the curve]
    /// (kFairSpreadDefinition; negative when paths pay more than promised, e.g. capitalised interest).
    double fair_spread = kNaN;
    // Sensitivities per token (CRN bump and revalue; NaN when not requested).
    double dv01 = kNaN;                 ///< PV(curve) - PV(curve + 1bp, all curves, recompiled)
    double cs01 = kNaN;                 ///< PV(spread) - PV(spread + 1bp)
    double price_delta = kNaN;          ///< PV(merchant price x 1.01) - PV
    double volume_delta = kNaN;         ///< PV(volume x 1.01) - PV
    double opex_delta = kNaN;           ///< PV(opex x 1.01) - PV
};

struct EquityMc {
    std::string symbol;
    double supply = 0.0;
    Distribution npv;                   ///< at cost of equity from financial close, incl. contributions
    Estimate price_per_token;           ///< PV of distributions at cost of equity / supply (as pftoken::value)
    Distribution price_per_token_dist;
    Distribution irr;                   ///< paths without an IRR are excluded (count says how many used)
    double dv01 = kNaN, price_delta = kNaN, volume_delta = kNaN, opex_delta = kNaN;
};

/// Per-period covenant statistics over paths (percentiles from a 0.005-wide DSCR histogram on
/// [0, 5); below 0 and above 5 are clamped to the range edge).
struct PeriodMc {
    std::vector<CalendarDate> end_date; ///< period end (payment) date
    std::vector<double> time;           ///< years from financial close to period end
    std::vector<double> dscr_p5, dscr_p50, dscr_p95;
    std::vector<double> prob_dscr_below_lockup;   ///< among all paths; no debt service = not below
    std::vector<double> prob_dscr_below_default;
    std::vector<double> prob_dsra_drawn;
    std::vector<double> prob_lockup;              ///< distributions locked up
    std::vector<double> prob_dscr_defined;        ///< share of paths with debt service due
};

struct ProjectMcSummary {
    std::string project;
    CalendarDate valuation_date{};      ///< tranche prices are at this date (Project::valuation_date, default COD)
    bool seasoned = false;              ///< every path starts from the project's actuals
    std::uint64_t paths = 0;            ///< used
    std::uint64_t seed = 0;
    int threads = 1;
    RandomMethod method = RandomMethod::Pseudo;
    bool antithetic = false;
    double seconds = 0.0;               ///< main run (excludes setup and sensitivities)
    double sensitivity_seconds = 0.0;
    int periods = 0;
    std::vector<TrancheMc> tranches;
    EquityMc equity;
    PeriodMc per_period;
    [[nodiscard]] double paths_per_second() const noexcept {
        return seconds > 0 ? static_cast<double>(paths) / seconds : 0.0;
    }
    /// A short human-readable report (one line per token class).
    [[nodiscard]] std::string brief_report() const;
};

/// Runs the Monte Carlo on a validated project. Throws InputError on bad options / spec.
[[nodiscard]] ProjectMcSummary run_project_mc(const Project& project, const StochasticSpec& spec,
                                              const ProjectMcOptions& options);

/// Per-period values of one path (for --dump-paths): drivers and key waterfall columns.
struct PathDump {
    std::uint64_t path = 0;
    std::vector<double> price_multiplier, volume_multiplier, availability_loss, opex_multiplier,
        index_shift, discount_ratio, cfads, debt_service_due, dscr, dsra_balance, distributions;
    std::vector<std::uint8_t> lockup, event_of_default;
    std::vector<double> tranche_balance;  ///< tranche-major [k * periods + t]
};
/// Regenerates paths [0, count) exactly as run_project_mc does and returns their per-period
/// arrays (allocates: a diagnostic, not for large counts).
[[nodiscard]] std::vector<PathDump> dump_project_paths(const Project& project,
                                                       const StochasticSpec& spec,
                                                       const ProjectMcOptions& options,
                                                       std::uint64_t count);

/// Named-parameter builder in the style of QuantLib's MakeMCEuropeanEngine.
class MakeProjectMc {
  public:
    MakeProjectMc(const Project& project, const StochasticSpec& spec) : project_(project), spec_(spec) {}
    MakeProjectMc& withPaths(std::uint64_t n) { options_.mc.paths = n; return *this; }
    MakeProjectMc& withSeed(std::uint64_t s) { options_.mc.seed = s; return *this; }
    MakeProjectMc& withThreads(int t) { options_.mc.threads = t; return *this; }
    MakeProjectMc& withSobol(bool on = true) {
        options_.mc.method = on ? RandomMethod::Sobol : RandomMethod::Pseudo;
        return *this;
    }
    MakeProjectMc& withAntitheticVariate(bool on = true) { options_.mc.antithetic = on; return *this; }
    MakeProjectMc& withSensitivities(bool on = true) { options_.sensitivities = on; return *this; }
    [[nodiscard]] ProjectMcSummary run() const { return run_project_mc(project_, spec_, options_); }

  private:
    const Project& project_;
    const StochasticSpec& spec_;
    ProjectMcOptions options_;
};

}  // namespace pftoken::mc
