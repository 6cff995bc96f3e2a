#pragma once
// Optimal Uniswap v3 LP range: exhaustive search over a tick grid of fees - LVR - rebalancing -
// lambda CVaR.
//
// Pipeline (docs/range-optimisation.md): price paths (simulated GBM or supplied) -> per-path
// tick-occupancy histograms, sqrt-price-weighted histograms, boundary-crossing counts and
// terminal prices on a grid of ticks -> a sweep over every range [a, b] of grid ticks, each
// evaluated in O(1) per path from prefix sums, with an exact selection for the CVaR term.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pftoken::integration {

/// Geometric Brownian motion of the pool price P (token1 per token0):
/// dP / P = drift dt + volatility dW, simulated exactly on `steps` equal steps over
/// `horizon_years`: ln P_{t+dt} = ln P_t + (drift - volatility^2 / 2) dt + volatility sqrt(dt) Z.
struct GbmScenario {
    double initial_price = 1.0;  ///< P_0, token1 per token0, > 0
    double drift = 0.0;         ///< annual drift of P (not of ln P)
    double volatility = 0.5;    ///< annual volatility, >= 0
    double horizon_years = 1.0;  ///< > 0
    std::size_t steps = 365;    ///< time steps, >= 1
    std::size_t paths = 1000;   ///< >= 1
    std::uint64_t seed = 1;     ///< path p uses the xoshiro256** substream (seed, p)

    [[nodiscard]] bool is_valid(std::string* why = nullptr) const;
    void validate() const;  ///< throws pftoken::InputError naming the field
};

/// Price paths on a uniform time grid: row p holds P at t = 0, dt, ..., steps dt.
struct PricePaths {
    std::size_t path_count = 0;
    std::size_t steps = 0;
    double horizon_years = 1.0;
    std::vector<double> prices;  ///< path_count x (steps + 1), row major

    [[nodiscard]] double at(std::size_t path, std::size_t step) const noexcept {
        return prices[path * (steps + 1) + step];
    }
    [[nodiscard]] std::span<const double> path(std::size_t p) const noexcept {
        return {prices.data() + p * (steps + 1), steps + 1};
    }
    [[nodiscard]] double time_step_years() const noexcept {
        return horizon_years / static_cast<double>(steps);
    }
    /// Every path starts at the same positive price; all prices finite and > 0.
    void validate(const std::string& field = "scenario.paths") const;
};

/// Exact GBM paths (deterministic: path p is a pure function of (seed, p), so the result is
/// bit-identical for any `threads`; 0 = hardware concurrency).
[[nodiscard]] PricePaths simulate_gbm_paths(const GbmScenario& scenario, unsigned threads = 0);

/// Pooled realised volatility of log returns, annualised: sqrt(sum (ln P_{t+1}/P_t)^2 / (n dt)).
[[nodiscard]] double realised_volatility(const PricePaths& paths);

/// Uniswap v3 tick spacing of a fee tier in pips: 500 -> 10, 3000 -> 60, 10000 -> 200.
/// Throws pftoken::InputError(field) for any other tier.
[[nodiscard]] int tick_spacing_for_fee_tier(int fee_tier, const std::string& field = "pool.fee_tier");

/// Price 1.0001^tick (token1 per token0) as the square of the Uniswap sqrt price: the same
/// boundary the optimiser and its tests compare path prices against.
[[nodiscard]] double price_at_tick(int tick) noexcept;

/// Everything besides the price paths.
struct RangeOptOptions {
    // Pool
    int fee_tier = 3000;             ///< pips: 500, 3000 or 10000
    double pool_liquidity = 1.0e6;   ///< other LPs' active liquidity L_pool, flat over the grid
    double protocol_fee_share = 0.0;  ///< share of fees the protocol keeps, in [0, 1]
    // Volume
    double daily_volume = 1.0e5;  ///< token1 traded per day at the current price
    // LP
    double capital = 1.0e4;  ///< token1 value deposited at P_0
    // Rebalancing: each exit of the price from the range (a crossing of a range edge from
    // inside) costs gas + swap_cost_fraction * capital.
    bool rebalance_on_exit = false;
    double gas_cost_per_rebalance = 0.0;  ///< token1
    double swap_cost_fraction = 0.0;     ///< fraction of capital lost to swapping per rebalance
    // Risk
    double risk_aversion = 0.0;  ///< lambda >= 0
    double cvar_level = 0.95;    ///< alpha in (0, 1): CVaR is the mean of the worst 1-alpha
    // LVR volatility (annual); negative = the realised volatility of the paths.
    double lvr_volatility = -1.0;
    // Grid: tick_count ticks t_k = first_tick + k * grid_step_ticks, k = 0..tick_count-1, centred on
    // the tick of P_0 rounded down to the spacing. grid_step_spacings = 0 chooses the smallest
    // multiple of the spacing that covers coverage_sigmas * sigma * sqrt(horizon) either side.
    std::size_t tick_count = 200;
    int grid_step_spacings = 0;
    double coverage_sigmas = 3.0;
    /// After the sweep, sweep again around the best range containing the price on the finest
    /// grid (a multiple of the spacing) spanning it plus one coarse step either side with at
    /// most tick_count ticks; the finer range replaces it when it scores higher.
    bool refine_grid = false;
    // Execution
    std::size_t threads = 0;     ///< worker threads for the sweep, 0 = hardware
    bool keep_all_ranges = false;  ///< fill RangeOptResult::ranges (every range's metrics)

    [[nodiscard]] bool is_valid(std::string* why = nullptr) const;
    void validate() const;  ///< throws pftoken::InputError naming the field
};

/// Metrics of one range [tick_lower, tick_upper) over the horizon (token1 amounts, path means).
struct RangeMetrics {
    int tick_lower = 0;
    int tick_upper = 0;
    double price_lower = 0.0;
    double price_upper = 0.0;
    double liquidity = 0.0;    ///< L funded by `capital` at P_0
    double time_in_range = 0.0;  ///< expected fraction of steps in range
    double expected_fees = 0.0;
    double expected_lvr = 0.0;
    double expected_rebalances = 0.0;  ///< expected exits from the range
    double expected_rebalance_cost = 0.0;
    double expected_il = 0.0;  ///< E[V_T - V_hold]: terminal value minus holding (<= 0 in range)
    double expected_net_return = 0.0;  ///< fees - LVR - rebalancing cost
    double expected_pnl = 0.0;        ///< E[fees - rebalancing cost + V_T - V_hold]
    double cvar = 0.0;               ///< CVaR_alpha of the loss -(fees - rebal + V_T - V_hold)
    /// expected_net_return - lambda * max(0, cvar): only a tail *loss* is penalised, so a larger
    /// lambda never raises the objective of a range.
    double objective = 0.0;
};

/// One row of the efficient frontier: the best range of each width.
struct FrontierPoint {
    int width_ticks = 0;
    bool pareto_efficient = false;  ///< no other row has higher net return and lower CVaR
    RangeMetrics range;
};

/// The resolved inputs (what was actually used).
struct RangeOptInputs {
    double initial_price = 0.0;
    int initial_tick = 0;
    std::size_t path_count = 0;
    std::size_t steps = 0;
    double horizon_years = 0.0;
    double time_step_years = 0.0;
    double lvr_volatility = 0.0;
    double fee_rate = 0.0;
    int tick_spacing = 0;
    int grid_step_ticks = 0;
    int first_tick = 0;
    int last_tick = 0;
    std::size_t tick_count = 0;
    std::size_t range_count = 0;
    double volume_per_step = 0.0;
    double rebalance_cost = 0.0;  ///< per exit, 0 when rebalancing is off
};

struct RangeOptTiming {
    double histogram_seconds = 0.0;
    double sweep_seconds = 0.0;
};

struct RangeOptResult {
    RangeOptInputs inputs;
    RangeMetrics best;  ///< the maximum objective (first in (lower, upper) order on ties)
    /// The best range with tick_lower <= initial tick < tick_upper: the one an LP providing at the
    /// current price would choose (`best` may lie wholly to one side of the price).
    RangeMetrics best_containing_price;
    /// Grid step (ticks) of best_containing_price: bounds how precise its edges are (the refined
    /// step with RangeOptOptions::refine_grid).
    int containing_step_ticks = 0;
    /// Objective of not providing liquidity (holding the tokens): 0 by definition.
    double no_provision_objective = 0.0;
    /// best_containing_price.objective > no_provision_objective: providing beats not providing.
    bool provide = false;
    std::vector<FrontierPoint> frontier;  ///< one per width in grid steps, narrowest first
    std::vector<RangeMetrics> ranges;     ///< every range, lower-major, if keep_all_ranges
    RangeOptTiming timing;
};

/// Runs the optimiser. Deterministic: bit-identical for any thread count.
[[nodiscard]] RangeOptResult optimise_range(const PricePaths& paths, const RangeOptOptions& options);

/// CVaR_alpha of losses -x for outcomes x (Acerbi and Tasche 2002, "On the coherence of expected
/// shortfall", eq. 3.3 with n (1 - alpha) points, the last one fractionally weighted).
/// Reorders `outcomes` (it selects in place).
[[nodiscard]] double cvar_of_losses(std::span<double> outcomes, double alpha);

}  // namespace pftoken::integration
