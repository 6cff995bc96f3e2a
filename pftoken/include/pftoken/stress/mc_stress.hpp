#pragma once
// Stochastic stress: the project Monte Carlo (pftoken/mc/project_mc.hpp) run under each
// scenario, reporting stressed default probabilities, expected loss and value at risk.
//
// The paths come from the project's own `stochastic:` section (the spec `pftoken mc` reads), so
// the base row is `pftoken mc` on the same paths and seed, bit for bit. Each scenario is mapped
// to per-period drivers by the deterministic stress engine (StressEngine::resolve: windows,
// twists, inflation paths, spreads, capex overrun and delay, as docs/stress.md describes) and laid
// over every path (mc::PathOverlay): one shock mapping for both stresses, and the debt sized once
// for the base case. Every scenario uses the same seed (common random numbers), so differences
// between scenarios are not noise.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pftoken/base/table.hpp"
#include "pftoken/mc/stochastic.hpp"
#include "pftoken/model/project.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/stress/scenario.hpp"

namespace pftoken::stress {

struct McStressOptions {
    std::uint64_t paths = 2000;
    std::uint64_t seed = 42;
    int threads = 0;                    ///< 0 = hardware concurrency (results do not depend on it)
    /// Uncertainty around each scenario: the project's `stochastic:` section (mc::load_stochastic).
    /// An empty spec makes every path the base case (the deterministic stress, path by path).
    mc::StochasticSpec spec;
    /// Called after the base and after each scenario with (runs done, runs in total); may be empty.
    std::function<void(std::size_t, std::size_t)> progress;
};

struct McTrancheStress {
    std::string name;
    std::string symbol;                 ///< token symbol (the text table's column heads)
    double pd_payment = 0.0;            ///< P(any payment missed when due)
    double pd_deferral = 0.0;           ///< P(a deferrable tranche defers), `pftoken mc`'s pd_deferral
    double pd_event_of_default = 0.0;   ///< P(an event of default while outstanding), mc's pd_event_of_default
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

/// A scenario's shocks as a path overlay: `resolved` and `discount` receive the arrays the
/// overlay views (keep them alive for the run). Throws InputError naming the shock path.
[[nodiscard]] mc::PathOverlay scenario_overlay(const StressEngine& engine, const Scenario& scenario,
                                               ResolvedScenario& resolved, std::vector<double>& discount);

/// Runs the base and every scenario with project shocks; failures are isolated.
[[nodiscard]] McStressSummary run_mc_stress(const Project& project, const std::vector<Scenario>& scenarios,
                                            const McStressOptions& options);

/// Aligned text for a terminal: principal PD, expected loss and VaR99 per tranche, equity NPV mean.
[[nodiscard]] std::string mc_stress_table(const McStressSummary& summary);
/// One row per (scenario, tranche); a failed scenario is one row with its error, numbers empty.
[[nodiscard]] Table mc_stress_results(const McStressSummary& summary);
[[nodiscard]] std::string mc_stress_csv(const McStressSummary& summary);  ///< to_csv(mc_stress_results)
/// The JSON value with the same content as the CSV file (the `mc` section of stress.json).
[[nodiscard]] nlohmann::json mc_stress_json(const McStressSummary& summary);

}  // namespace pftoken::stress
