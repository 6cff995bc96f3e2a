#pragma once
// Stochastic stress: the project Monte Carlo (pftoken/mc/project_mc.hpp) run under each
// scenario, reporting stressed default probabilities, expected loss and value at risk.
//
// The Monte Carlo takes a Project, so each scenario is applied to the project inputs
// (stressed_project): merchant curve, volume, availability, opex, escalations, discount and
// forward curves, discount spreads. Capex overrun and construction delay go into the
// stochastic spec's construction factor as a fixed (zero-sigma) median. Shocks that cannot be
// expressed on the inputs (time windows, twists) fail that scenario with a clear message; the
// deterministic stress covers them. Every scenario uses the same seed (common random numbers),
// so differences between scenarios are not noise.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pftoken/base/table.hpp"
#include "pftoken/mc/stochastic.hpp"
#include "pftoken/model/project.hpp"
#include "pftoken/stress/scenario.hpp"

namespace pftoken::stress {

struct McStressOptions {
    std::uint64_t paths = 2000;
    std::uint64_t seed = 42;
    int threads = 0;                    ///< 0 = hardware concurrency (results do not depend on it)
    /// Uncertainty around each scenario; empty (no factor enabled) = default_stress_spec().
    mc::StochasticSpec spec;
    /// Called after the base and after each scenario with (runs done, runs in total); may be empty.
    std::function<void(std::size_t, std::size_t)> progress;
};

/// Moderate uncertainty used when no spec is given: merchant price GBM 15%/yr, volume lognormal
/// with P90/P50 = 0.92 per period, 2% outage probability per period losing half the volume,
/// opex index volatility 3%/yr.
[[nodiscard]] mc::StochasticSpec default_stress_spec();

struct McTrancheStress {
    std::string name;
    double pd_payment = 0.0;            ///< P(any payment missed when due)
    double pd_principal = 0.0;          ///< P(principal not repaid in full)
    double expected_loss = 0.0;         ///< E[unpaid balance] / principal
    double price_mean = 0.0;            ///< per token
    double price_var95 = 0.0;           ///< mean - 5% quantile of the price per token
    double price_var99 = 0.0;
    double price_stderr = 0.0;
};

struct McScenarioStress {
    std::string name;
    bool ok = true;
    std::string error;
    std::vector<McTrancheStress> tranches;
    double equity_npv_mean = 0.0;
    double equity_npv_var95 = 0.0;
    double equity_irr_median = 0.0;
    std::uint64_t paths = 0;
    double seconds = 0.0;
};

struct McStressSummary {
    McScenarioStress base;
    std::vector<McScenarioStress> scenarios;   ///< input order; market-only scenarios skipped
    std::uint64_t paths = 0;
    std::uint64_t seed = 0;
};

/// The project with a scenario's shocks applied to its inputs (see the header note). Throws
/// InputError naming the shock path for shocks that have no input form. `spec` receives the
/// construction overrun / delay.
[[nodiscard]] Project stressed_project(const Project& project, const Scenario& scenario, mc::StochasticSpec& spec);

/// Runs the base and every scenario with project shocks; failures are isolated.
[[nodiscard]] McStressSummary run_mc_stress(const Project& project, const std::vector<Scenario>& scenarios,
                                            const McStressOptions& options);

/// Aligned text for a terminal: principal PD, expected loss and VaR99 per tranche, equity NPV mean.
[[nodiscard]] std::string mc_stress_table(const McStressSummary& summary);
/// One row per (scenario, tranche); a failed scenario is one row with its error, numbers empty.
[[nodiscard]] Table mc_stress_results(const McStressSummary& summary);
[[nodiscard]] std::string mc_stress_csv(const McStressSummary& summary);  ///< to_csv(mc_stress_results)
[[nodiscard]] std::string mc_stress_json(const McStressSummary& summary);

}  // namespace pftoken::stress
