#pragma once
// Scenario propagation: fair-value paths (a GBM on the DCF value per token) drive a pool's price
// through an arbitrageur plus noise traders on the fast pool twin. Reports LP P&L (fees - LVR,
// the arbitrageur's profit at fair value), token holders' cost of selling Q over time, and the
// distribution of market-vs-fair gaps. Seeded and deterministic (own mt19937_64 + Box-Muller,
// so the same seed gives the same bits on every standard library).

#include <cstdint>
#include <string>
#include <vector>

#include "pftoken/integration/liquidity_stress.hpp"

namespace pftoken::integration {

struct PropagationOptions {
    std::uint64_t paths = 200;
    std::uint64_t seed = 42;
    double horizon_years = 1.0;
    int steps_per_year = 52;
    double volatility = 0.10;       ///< annual lognormal volatility of the fair value
    double drift = 0.0;             ///< annual drift of the fair value (log)
    double noise_trade_tokens = 0.0;  ///< std. dev. of one noise trade, tokens (signed normal)
    double exit_tokens = 0.0;       ///< Q of the exit-cost measure (0 = skip)
    int report_every = 13;          ///< steps between exit-cost reports
    [[nodiscard]] bool isValid(std::string* why = nullptr) const;
};

struct PropagationResult {
    std::uint64_t paths = 0;
    int steps = 0;
    double fees_mean = 0.0;         ///< LP fee income per path (quote, token fees at fair value)
    double lvr_mean = 0.0;          ///< arbitrageur profit at fair value per path = LPs' loss-versus-rebalancing
    double lp_pnl_mean = 0.0;       ///< fees - LVR
    double lp_pnl_standard_error = 0.0;
    std::vector<double> gap_percentiles;  ///< pool / fair - 1 before the arbitrage, at kGapLevels
    std::vector<double> exit_time;        ///< years
    std::vector<double> exit_cost_mean;   ///< 1 - quote received / (Q x fair value), averaged over paths
};

inline constexpr double kGapLevels[] = {0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99};

/// Runs the propagation; the pool starts as `pool` describes and the fair value at `fair_value`.
[[nodiscard]] PropagationResult propagate(const PoolSpec& pool, double fair_value, const PropagationOptions& options);

}  // namespace pftoken::integration
