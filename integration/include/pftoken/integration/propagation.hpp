#pragma once
// Scenario propagation: fair-value paths drive a pool's price through an arbitrageur plus noise
// traders on the fast pool twin. The fair value per token comes either from the project's Monte
// Carlo (mc::fair_value_paths: each path's conditional value on each payment date, by
// regression) or, without a stochastic model, from a GBM started at the DCF value. Reports LP
// P&L (fees - LVR, the arbitrageur's profit at fair value), token holders' cost of selling Q
// over time, and the distribution of market-vs-fair gaps. Seeded and deterministic (own
// mt19937_64 + Box-Muller, so the same seed gives the same bits on every standard library).

#include <cstdint>
#include <string>
#include <vector>

#include "pftoken/integration/liquidity_stress.hpp"
#include "pftoken/mc/fair_value_paths.hpp"

namespace pftoken::integration {

struct PropagationOptions {
    std::uint64_t paths = 200;
    std::uint64_t seed = 42;
    double horizon_years = 1.0;     ///< GBM; Monte Carlo paths bring their own dates
    int steps_per_year = 52;        ///< trading steps per year (Monte Carlo: per year between payment dates)
    double volatility = 0.10;       ///< GBM only: annual lognormal volatility of the fair value
    double drift = 0.0;             ///< GBM only: annual drift of the fair value (log)
    double noise_trade_tokens = 0.0;  ///< std. dev. of one noise trade, tokens (signed normal)
    double exit_tokens = 0.0;       ///< Q of the exit-cost measure (0 = skip)
    int report_every = 13;          ///< steps between exit-cost reports
    [[nodiscard]] bool isValid(std::string* why = nullptr) const;
};

struct PropagationResult {
    std::string source;             ///< "gbm" or "monte-carlo" (regression fair-value paths)
    std::uint64_t paths = 0;
    int steps = 0;
    double horizon_years = 0.0;     ///< time of the last step
    std::uint64_t paths_to_horizon = 0;   ///< paths whose fair value stayed > 0 to the last step
    double fees_mean = 0.0;         ///< LP fee income per path (quote, token fees at fair value)
    double lvr_mean = 0.0;          ///< arbitrageur profit at fair value per path = LPs' loss-versus-rebalancing
    double lp_pnl_mean = 0.0;       ///< fees - LVR
    double lp_pnl_standard_error = 0.0;
    std::vector<double> gap_percentiles;  ///< pool / fair - 1 before the arbitrage, at kGapLevels
    std::vector<double> exit_time;        ///< years
    std::vector<double> exit_cost_mean;   ///< 1 - quote received / (Q x fair value), averaged over paths
    std::vector<double> fair_value_end_percentiles;  ///< fair value per token at the last step, at kGapLevels
};

inline constexpr double kGapLevels[] = {0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99};

/// GBM fair value: the pool starts as `pool` describes and the fair value at `fair_value`.
[[nodiscard]] PropagationResult propagate(const PoolSpec& pool, double fair_value, const PropagationOptions& options);

/// Monte Carlo fair value: the first min(options.paths, fair.paths) paths of `fair`, on their
/// payment dates, with about steps_per_year x (date gap) trading steps between two dates (the
/// fair value moves geometrically between them; a date's value is ex-payment, the coupon is paid
/// outside the pool). The fair value starts at fair.mean(0), the Monte Carlo price at COD.
/// A path stops when its fair value reaches 0. horizon_years, volatility and drift are unused.
[[nodiscard]] PropagationResult propagate(const PoolSpec& pool, const mc::FairValuePaths& fair,
                                          const PropagationOptions& options);

}  // namespace pftoken::integration
