#pragma once
// Token amounts, value and liquidity of a concentrated-liquidity position over a price range.

namespace pftoken::amm::analytics {

/// Amounts of token0 and token1 (raw units of each token).
struct PositionAmounts {
    double amount0 = 0.0;
    double amount1 = 0.0;
};

/// Tokens held by a position of liquidity L on [price_lower, price_upper] at `price` (all prices
/// token1 per token0). Uniswap v3 whitepaper (Adams et al. 2021), eqs. 6.29 and 6.30, with
/// sqrt prices p = sqrt(price), pa, pb:
///   price <= pa:      x = L (1/pa - 1/pb),  y = 0
///   pa < price < pb:  x = L (1/p - 1/pb),   y = L (p - pa)
///   price >= pb:      x = 0,                y = L (pb - pa)
/// A full-range v2 position is price_lower -> 0, price_upper -> infinity: x = L/p, y = L p.
[[nodiscard]] PositionAmounts position_amounts(double liquidity, double price, double price_lower,
                                               double price_upper);

/// Value of the position in token1: x * price + y.
[[nodiscard]] double position_value(double liquidity, double price, double price_lower,
                                    double price_upper);

/// Largest liquidity the amounts can fund at `price` (LiquidityAmounts.getLiquidityForAmounts in
/// real numbers): the smaller of the liquidities implied by each token in range, the only token
/// needed out of range.
[[nodiscard]] double liquidity_for_amounts(double amount0, double amount1, double price,
                                           double price_lower, double price_upper);

}  // namespace pftoken::amm::analytics
