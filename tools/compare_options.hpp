#pragma once
// The options of the DCF-vs-market comparison, shared by `pftoken compare` and the DCF-vs-market
// section of `pftoken report` so that both run integration::run_compare with the same options
// and give the same numbers for the same inputs (docs/tools/compare.md, docs/tools/report.md).
#include <cstddef>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "pftoken/integration/compare.hpp"
#include "pftoken/integration/liquidity_stress.hpp"
#include "pftoken/mc/stochastic.hpp"
#include "pftoken/model/project.hpp"

namespace pftoken::cli {

/// The comparison's options as the user typed them (--paths and --seed live in CommonOptions).
struct CompareCliOptions {
    bool mc = false;
    std::string sale_share = "0.01";
    std::string max_move = "0.05";
    std::string propagation_paths = "200";
    std::string volatility = "0.10";
    std::string noise;  ///< tokens; "" = 0.1% of supply
};

/// Registers --mc, --sale-share, --max-move, --propagation-paths, --volatility and --noise.
void add_compare_options(CLI::App& cmd, CompareCliOptions& options);

/// The options that need no input file (errors name the option): call before reading inputs.
[[nodiscard]] integration::CompareOptions parse_compare_options(const CompareCliOptions& cli, const CommonOptions& common);

/// A comparison ready to run: options completed with the token's supply, the compared tranche
/// and, with --mc, the project's `stochastic:` block.
struct PreparedCompare {
    integration::CompareOptions options;
    std::size_t tranche = 0;
    std::optional<mc::StochasticSpec> stochastic;
};

/// Checks the pool's token against the project (a tranche token: "<pool_path>: pool.token: ..."),
/// reads the stochastic block with --mc, completes and validates the options.
[[nodiscard]] PreparedCompare prepare_compare(const CompareCliOptions& cli, const CommonOptions& common,
                                              const std::string& project_path, const Project& project,
                                              const std::string& pool_path, const integration::PoolSpec& pool);

/// integration::run_compare with a progress bar labelled `label` while --mc paths run.
[[nodiscard]] integration::CompareReport run_prepared_compare(const Project& project, const integration::PoolSpec& pool,
                                                              PreparedCompare& prepared, const CommonOptions& common,
                                                              const std::string& label);

}  // namespace pftoken::cli
