#pragma once
// The treasury's LP position in the abm pool (docs/abm.md, "Staking and treasury"): the deposit
// of step 8 and the position's valuation from the pool twin's own state (v2: LP shares, reserves
// and fees accrued; v3: the position's liquidity, tokens owed and fee growth inside). A
// valuation moves nothing: fees stay in the pool, the integer ledger is untouched.

#include <utility>

#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/integration/compare_pool.hpp"

namespace pftoken::integration::abm {

/// What the treasury's position would pay out if burned and collected now, and the part of it
/// earned as fees, in the pool's units: token0 = the token (whole tokens), token1 = the quote.
struct LpHoldings {
    double amount0 = 0.0;  ///< tokens, fees included
    double amount1 = 0.0;  ///< quote, fees included
    double fees0 = 0.0;    ///< fees earned to date in the token (part of amount0)
    double fees1 = 0.0;    ///< fees earned to date in the quote (part of amount1)
    /// In quote at `price` (quote per token): amount0 P + amount1.
    [[nodiscard]] double value(double price) const noexcept { return amount0 * price + amount1; }
    /// Fees to date in quote at `price`: fees0 P + fees1.
    [[nodiscard]] double fees_value(double price) const noexcept { return fees0 * price + fees1; }
};

/// The treasury's full-range v3 ticks for a tick spacing: -/+ floor(887272 / spacing) spacing.
[[nodiscard]] std::pair<int, int> full_range_ticks(int tick_spacing) noexcept;

/// The treasury's position in one pool twin (v2: its LP shares; v3: the full-range position
/// owned by "treasury").
class TreasuryLp {
  public:
    /// Deposits at the pool's price P, taking at most `tokens` and `quote`: v2 add_liquidity of
    /// a0 = min(tokens, quote / P) and a0 P; v3 a full-range mint of floor(L),
    /// L = min(tokens / (1/sqrt(P) - 1/sqrt(Pb)), quote / (sqrt(P) - sqrt(Pa))), nothing when L < 1.
    /// Returns the amounts the pool took; throws amm::fast::Error (pool unchanged) as the pool does.
    amm::fast::TokenAmounts deposit(FastPool& pool, double tokens, double quote);

    /// The position now. v2: share s = treasury shares / total shares, amounts s (reserve0,
    /// reserve1) (the fees compound in the reserves); fees: s times the pool's fees accrued
    /// (fee x input of every swap) while s held, summed over the intervals between deposits.
    /// v3: the position's amounts at the pool price (Uniswap v3 whitepaper eqs. 6.29-6.30,
    /// amm::analytics::position_amounts) plus its fees: tokens owed + L (fee growth inside - fee
    /// growth inside at its last update) (whitepaper sections 6.3-6.4: f_r = f_g - f_b - f_a, the
    /// uncollected fees l (f_r(t1) - f_r(t0)); what a burn(0) poke would credit, read without one).
    [[nodiscard]] LpHoldings holdings(const FastPool& pool) const;

    /// v2: the treasury's LP shares.
    [[nodiscard]] double shares() const noexcept { return shares_; }

  private:
    double shares_ = 0.0;
    double fees0_ = 0.0, fees1_ = 0.0;  ///< v2: fees attributed up to the last deposit
    double seen0_ = 0.0, seen1_ = 0.0;  ///< v2: the pool's fees accrued at the last deposit
};

}  // namespace pftoken::integration::abm
