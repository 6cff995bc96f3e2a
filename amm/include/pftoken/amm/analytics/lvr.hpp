#pragma once
// Loss-versus-rebalancing and arbitrage profit rates with fees and discrete blocks.
//
// Conventions: the external price P (token1 per token0) follows a geometric Brownian motion with
// volatility sigma per square root of the chosen time unit; rates are in token1 per time unit.

namespace pftoken::amm::analytics {

/// LVR of a constant-product pool of value V = x P + y (= 2 L sqrt(P)): sigma^2 V / 8.
/// Milionis, Moallemi, Roughgarden, Zhang (2022), "Automated Market Making and
/// Loss-Versus-Rebalancing", arXiv 2208.06046: instantaneous LVR = sigma^2 P^2 |x'(P)| / 2
/// with x(P) the pool's token0 holding at price P (their main result), here x = L / sqrt(P).
/// Section and equation numbers of the papers cited in this header were not checked against the
/// full texts; the formulas were (tests/amm/test_analytics_lvr.cpp, by derivative and Monte Carlo).
[[nodiscard]] double lvr_constant_product(double sigma, double pool_value);

/// LVR of a concentrated position of liquidity L on [price_lower, price_upper] at `price`:
/// sigma^2 L sqrt(P) / 4 in range (x'(P) = -L / (2 P^1.5) from whitepaper eq. 6.29), 0 outside.
[[nodiscard]] double lvr_concentrated(double sigma, double liquidity, double price,
                                      double price_lower, double price_upper);

/// Half-width gamma of the no-arbitrage band in log price for a fee f charged on the input
/// (Uniswap): arbitrage pays only when the external price leaves [P_pool (1-f), P_pool / (1-f)],
/// so gamma = -ln(1 - f), about f for small fees.
[[nodiscard]] double no_arbitrage_band_half_width(double fee);

/// Probability that an arriving block finds a profitable arbitrage, for a geometric mean
/// (constant-product) pool with Poisson blocks of rate lambda per time unit:
/// P_trade = 1 / (1 + sqrt(2 lambda) gamma / sigma). Milionis, Moallemi, Roughgarden (2023),
/// "Automated Market Making and Arbitrage Profits in the Presence of Fees", arXiv 2305.14604,
/// from the stationary mispricing: uniform on [-gamma, gamma] with exponential tails of rate
/// eta = sqrt(2 lambda) / sigma, hence P_trade = 1 / (1 + eta gamma).
[[nodiscard]] double arbitrage_trade_probability(double sigma, double block_rate, double fee);

/// Arbitrage profit rate net of fees, ARB = P_trade * LVR: the fast-block, small-fee asymptotic
/// of Milionis, Moallemi, Roughgarden (2023), arXiv 2305.14604 (abstract: "fees simply scale
/// down arbitrage profits by the fraction of time that an arriving arbitrageur finds a profitable
/// trade"). Relative corrections are of order gamma and sigma / sqrt(lambda).
[[nodiscard]] double arbitrage_profit_rate(double lvr_rate, double sigma, double block_rate,
                                           double fee);

}  // namespace pftoken::amm::analytics
