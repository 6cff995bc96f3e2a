#pragma once
// Impermanent loss: value of an LP position relative to holding the deposited tokens.

namespace pftoken::amm::analytics {

/// Constant product (v2), fees ignored: IL(k) = 2 sqrt(k) / (1 + k) - 1, k = P1 / P0 (the ratio
/// of the final to the initial price). Always <= 0. Source: Pintail, "Uniswap: A Good Deal for
/// Liquidity Providers?" (2019); follows from V_lp = 2 L sqrt(P1), V_hold = L (P1/sqrt(P0) +
/// sqrt(P0)).
[[nodiscard]] double impermanent_loss_v2(double price_ratio);

/// Concentrated liquidity on [price_lower, price_upper], deposited at initial_price inside the
/// range and valued at final_price. With k = P1/P0, a = sqrt(pa/P0), b = sqrt(P0/pb) and the value
/// per unit sqrt(P0) L from whitepaper eqs. 6.29/6.30:
///   hold = k (1 - b) + 1 - a
///   lp   = 2 sqrt(k) - k b - a   (P1 in range),  k (1/a - b)  (P1 <= pa),  1/b - a  (P1 >= pb)
///   IL   = lp / hold - 1
/// In range this is (2 sqrt(k) - 1 - k) / (1 + k - a - k b): the v2 loss divided by the share of
/// the v2 holding the range needs (Loesch, Hindman, Richardson, Welch 2021, "Impermanent Loss in
/// Uniswap v3", arXiv 2111.09192). It tends to impermanent_loss_v2 as pa -> 0, pb -> infinity.
[[nodiscard]] double impermanent_loss_v3(double initial_price, double final_price,
                                         double price_lower, double price_upper);

}  // namespace pftoken::amm::analytics
