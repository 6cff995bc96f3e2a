#pragma once
// UniswapV2Library and UniswapV2LiquidityMathLibrary (periphery) on exact 256-bit integers.

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"

namespace pftoken::amm::v2 {

/// floor(997*in*rOut / (1000*rIn + 997*in)): output for an exact input after the 0.3% fee.
/// InsufficientInputAmount (in == 0), InsufficientLiquidity (a reserve is 0), Overflow.
Result<U256> get_amount_out(const U256& amount_in, const U256& reserve_in, const U256& reserve_out) noexcept;
/// floor(1000*rIn*out / (997*(rOut-out))) + 1: input needed for an exact output.
/// InsufficientOutputAmount, InsufficientLiquidity, Underflow (out >= rOut), Overflow.
Result<U256> get_amount_in(const U256& amount_out, const U256& reserve_in, const U256& reserve_out) noexcept;
/// floor(amountA*reserveB/reserveA). InsufficientAmount, InsufficientLiquidity, Overflow.
Result<U256> quote(const U256& amount_a, const U256& reserve_a, const U256& reserve_b) noexcept;

/// Direction and size of the trade that moves the pair to the true price A:B (fee-aware).
struct ProfitMaximizingTrade {
    bool a_to_b = false;
    U256 amount_in;  ///< 0: no profitable trade
};
Result<ProfitMaximizingTrade> compute_profit_maximizing_trade(const U256& true_price_token_a,
                                                              const U256& true_price_token_b,
                                                              const U256& reserve_a, const U256& reserve_b) noexcept;

struct ReservePair {
    U256 reserve_a;
    U256 reserve_b;
};
/// Reserves after the profit-maximizing arbitrage trade. ZeroPairReserves when a reserve is 0.
Result<ReservePair> get_reserves_after_arbitrage(const U256& true_price_token_a, const U256& true_price_token_b,
                                                 const U256& reserve_a, const U256& reserve_b) noexcept;

struct TokenAmounts {
    U256 amount_a;
    U256 amount_b;
};
/// Tokens redeemable for `liquidity` LP shares, counting the protocol fee that would be minted
/// first when fee_on and k_last > 0.
Result<TokenAmounts> compute_liquidity_value(const U256& reserve_a, const U256& reserve_b, const U256& total_supply,
                                             const U256& liquidity, bool fee_on, const U256& k_last) noexcept;
/// compute_liquidity_value after the arbitrage to the true price (manipulation-resistant value).
/// LiquidityAmount when liquidity == 0 or > total_supply.
Result<TokenAmounts> get_liquidity_value_after_arbitrage_to_price(
    const U256& true_price_token_a, const U256& true_price_token_b, const U256& reserve_a, const U256& reserve_b,
    const U256& total_supply, const U256& liquidity, bool fee_on, const U256& k_last) noexcept;

}  // namespace pftoken::amm::v2
