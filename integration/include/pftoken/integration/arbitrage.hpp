#pragma once
// Arbitrage to fair value: the trade that moves a pool's price to a target (the DCF value per
// token), its profit after fees valued at the target, and its price impact.
//
// v2: closed form on the constant-product invariant with the fee kept in the reserves; v3: the
// bit-exact Uniswap v3 pool (pftoken::amm::v3::Pool) swapped with sqrtPriceLimitX96 = target.
// Convention: token0 = project token, token1 = quote, price = quote per token (human units).

#include <cstdint>
#include <string>

#include "pftoken/integration/liquidity_stress.hpp"

namespace pftoken::integration {

struct ArbitrageResult {
    std::string pool_type;         ///< "v2" or "v3"
    bool buys_tokens = false;      ///< true: quote in, tokens out (pool below target)
    double price_before = 0.0;
    double target_price = 0.0;
    double price_after = 0.0;
    double tokens_traded = 0.0;    ///< token0 moved (out when buying, in when selling), human units
    double quote_traded = 0.0;     ///< token1 moved (in when buying, out when selling)
    double fee_paid = 0.0;         ///< in the input token (human units)
    double profit = 0.0;           ///< in quote, tokens valued at the target: after fees
    double price_impact = 0.0;     ///< price_after / price_before - 1
    int ticks_crossed = 0;         ///< v3 only
};

/// v2 input (fee included) that moves reserves (r_token, r_quote) to `target`: the positive root
/// of (1-f) a^2 + R_in (2-f) a + R_in^2 - q = 0, q = k target (quote in) or k / target
/// (tokens in); derivation in docs/integration.md.
[[nodiscard]] double v2_amount_in_to_price(double reserve_token, double reserve_quote, double fee, double target);

/// Arbitrage of a v2 pool to `target` in closed form (human units).
[[nodiscard]] ArbitrageResult arbitrage_v2(const PoolSpec& pool, double target);

/// Raw units per human unit used to put human amounts into the exact pool (both tokens alike,
/// so the raw price equals the human price).
inline constexpr double kExactRawPerHuman = 1e6;

/// Arbitrage of a v3 pool to `target` on the exact pool, built from `pool` (positions widened to
/// the tick grid as the liquidity stress does) with swap(..., sqrtPriceLimitX96 = target).
[[nodiscard]] ArbitrageResult arbitrage_v3_exact(const PoolSpec& pool, double target);

/// Either one, by pool type.
[[nodiscard]] ArbitrageResult arbitrage(const PoolSpec& pool, double target);

}  // namespace pftoken::integration
