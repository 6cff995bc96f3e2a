#pragma once
// Liquidity allocation from DCF cash flows: the pool depth (v2 reserves, or v3 liquidity on a
// range) needed so that selling Q tokens moves the price by at most x%, and the share of the
// equity distributions (the issuer's treasury inflow) that funding it takes over time.

#include <string>
#include <vector>

#include "pftoken/integration/liquidity_stress.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::integration {

struct LiquidityAllocationOptions {
    double sale_tokens = 0.0;       ///< Q, tokens sold in one swap (> 0)
    double max_price_move = 0.05;   ///< x: the price may fall by at most this share, in (0, 1)
    double fee = 0.003;             ///< pool fee on the input
    int tick_spacing = 60;          ///< v3 grid
    /// True when usable; otherwise `why` names the field and the constraint.
    [[nodiscard]] bool isValid(std::string* why = nullptr) const;
};

/// A year's equity distributions and the share of them the pool capital represents. The years are
/// the operating years since COD, or for a project valued after COD the years since the valuation
/// date V (year y: the periods paid in (V + y years, V + y + 1 years]).
struct DistributionYear {
    int year = 0;                   ///< 0-based year since COD (valued after COD: since the valuation date)
    double distributions = 0.0;
    double cumulative = 0.0;
    double capital_share = 0.0;     ///< capital / distributions of the year (inf when none)
};

struct LiquidityAllocationResult {
    double price = 0.0;             ///< pool price the depth is built at (quote per token)
    double sale_tokens = 0.0;
    double max_price_move = 0.0;
    // v2: reserves with p' / p = x^2 / ((x + Q)(x + (1-f)Q)) = 1 - max_price_move
    double v2_reserve_token = 0.0;
    double v2_reserve_quote = 0.0;
    double v2_capital = 0.0;        ///< 2 x reserve_quote (tokens valued at the pool price)
    // v3: one position [lower, upper] holding the sale inside the range
    int v3_lower_tick = 0;
    int v3_upper_tick = 0;
    double v3_lower_price = 0.0;
    double v3_upper_price = 0.0;
    double v3_liquidity = 0.0;
    double v3_capital = 0.0;        ///< quote value of the position at the pool price
    double capital_efficiency = 0.0;  ///< v2_capital / v3_capital
    // funding from the equity distributions of the base case
    double total_distributions = 0.0;
    int years_to_fund_v2 = -1;      ///< years (since COD, or since the valuation date after COD) until the cumulative distributions cover it; -1 = never
    int years_to_fund_v3 = -1;
    std::vector<DistributionYear> years;  ///< capital_share is for the v3 capital
};

/// Depth needed at `price`; `valuation` (with its per-period table) gives the distributions (of the
/// periods paid after the debt valuation date when it is after COD: earlier ones are paid out, and
/// the years to fund count from that date).
[[nodiscard]] LiquidityAllocationResult allocate_liquidity(double price, const ValuationResult& valuation,
                                                           const LiquidityAllocationOptions& options);

/// One point of the depth over the token's life (liquidity_over_life).
struct LifeLiquidityPoint {
    double years_from_cod = 0.0;    ///< the valuation date (0 = COD, the default), then each operating year end after it
    double price = 0.0;             ///< fair value per token then: PV of the remaining base-case flows
    int lower_tick = 0;             ///< v3 range allocate_liquidity gives at that price
    int upper_tick = 0;
    double liquidity = 0.0;
    double capital = 0.0;           ///< quote value of the position at that price
};

/// The v3 depth a tranche token needs over its remaining life: at the debt valuation date (default
/// COD) and at each operating year end after it while the tranche is outstanding, its fair value
/// per token (the PV at that date of its remaining base-case flows, discounted as value() does:
/// the curve referenced at the valuation date plus the tranche spread, DF(t_i) / DF(t_j)) and the
/// range and liquidity allocate_liquidity gives at that price. The first point's price is
/// value()'s price per token, also for a seasoned project (tested). `valuation` needs its periods.
[[nodiscard]] std::vector<LifeLiquidityPoint> liquidity_over_life(const Project& project, const ValuationResult& valuation,
                                                                  std::size_t tranche,
                                                                  const LiquidityAllocationOptions& options);

/// v2 token reserve x such that selling Q moves the price by exactly -m: the positive root of
/// m x^2 - r (2-f) Q x - r (1-f) Q^2 = 0, r = 1 - m (docs/integration.md).
[[nodiscard]] double v2_reserve_for_impact(double sale_tokens, double max_price_move, double fee);

}  // namespace pftoken::integration
