#pragma once
// The `pftoken range-opt` input file (YAML): price scenario, pool, volume, LP, rebalancing, risk,
// grid.
//
// Layout (docs/tools/range-opt.md has every field with its unit and default):
//   scenario: {model: gbm, initial_price, drift, volatility, horizon_years, steps, paths, seed}
//          or {model: paths, horizon_years, volatility (optional), prices: [[P_0, ..., P_T], ...]}
//   pool:     {fee_tier: 500|3000|10000, active_liquidity | tvl, protocol_fee_share}
//   volume:   {daily | tvl_multiple}
//   lp:       {capital}
//   rebalance:{trigger: none|on_exit, gas_cost, swap_cost_fraction}
//   risk:     {lambda, cvar_level}
//   grid:     {tick_count, step_spacings (0 or "auto"), coverage_sigmas}
//   threads:  0

#include <string>
#include <string_view>

#include "pftoken/integration/range_opt.hpp"

namespace pftoken::integration {

struct RangeOptSpec {
    enum class Model { Gbm, Paths };
    Model model = Model::Gbm;
    GbmScenario gbm;           ///< model == Gbm
    PricePaths supplied_paths;  ///< model == Paths
    RangeOptOptions options;
    // How the pool and the volume were given (echoed in the output).
    double pool_tvl = 0.0;  ///< > 0 when pool.tvl was given (active liquidity = tvl / (2 sqrt P0))
    double volume_tvl_multiple = 0.0;  ///< > 0 when volume.tvl_multiple was given
};

/// Parses and validates spec text. Errors are pftoken::InputError naming the field path, e.g.
/// `scenario.volatility: must be in [0, 20), got -0.2`; `source_name` is quoted in YAML syntax
/// errors.
[[nodiscard]] RangeOptSpec parse_range_opt_spec(std::string_view yaml_text,
                                             const std::string& source_name = "<spec>");

/// Reads a spec file (errors as parse_range_opt_spec; a missing file names the path).
[[nodiscard]] RangeOptSpec load_range_opt_spec(const std::string& path);

/// The spec's price paths: simulated for `gbm`, copied for `paths`.
[[nodiscard]] PricePaths scenario_paths(const RangeOptSpec& spec);

}  // namespace pftoken::integration
