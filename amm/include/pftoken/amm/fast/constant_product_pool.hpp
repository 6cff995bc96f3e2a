#pragma once
// Constant-product (Uniswap v2) pool in double precision, for simulation inside Monte Carlo loops.

#include <string>

namespace pftoken::amm::fast {

/// Initial state of a constant-product pool. Price convention: price = reserve1 / reserve0, i.e.
/// token1 per token0, in the units the reserves are given in (raw wei or human units alike).
struct ConstantProductOptions {
    double reserve0 = 0.0;  ///< token0 reserve; 0 together with reserve1 = 0 for an empty pool
    double reserve1 = 0.0;  ///< token1 reserve
    double fee = 0.003;     ///< fraction of every input kept by the pool (Uniswap v2: 0.3%)

    /// True when the options are usable; otherwise `why` (if given) names the field and constraint.
    [[nodiscard]] bool is_valid(std::string* why = nullptr) const;
    /// Throws pftoken::amm::fast::Error with the is_valid message when invalid.
    void validate() const;
};

/// One swap as the trader sees it: amounts are non-negative, `fee_paid` is part of `amount_in`.
struct ConstantProductSwap {
    double amount_in = 0.0;
    double amount_out = 0.0;
    double fee_paid = 0.0;
};

/// Tokens moved by adding or removing liquidity and the LP shares minted or burned.
struct LiquidityChange {
    double amount0 = 0.0;
    double amount1 = 0.0;
    double shares = 0.0;
};

/// x*y=k pool with the fee taken on the input (UniswapV2Library.getAmountOut / getAmountIn in
/// real numbers). The fee stays in the reserves, so k grows by the fee on every swap and LPs earn
/// it pro rata to their shares. Swaps do not allocate.
class ConstantProductPool {
  public:
    explicit ConstantProductPool(const ConstantProductOptions& options);

    [[nodiscard]] double reserve0() const noexcept { return reserve0_; }
    [[nodiscard]] double reserve1() const noexcept { return reserve1_; }
    [[nodiscard]] double fee() const noexcept { return fee_; }
    /// Marginal price without fee: token1 per token0.
    [[nodiscard]] double price() const noexcept { return reserve1_ / reserve0_; }
    /// The invariant k = reserve0 * reserve1.
    [[nodiscard]] double invariant() const noexcept { return reserve0_ * reserve1_; }
    /// LP shares outstanding. Initial reserves count as a first deposit of sqrt(r0 r1) shares
    /// (the real pair also locks 1000 of them; a float model has no dust to guard against).
    [[nodiscard]] double total_shares() const noexcept { return total_shares_; }
    /// Fees accrued to LPs since construction, in token0 (from zero_for_one swaps) and token1.
    [[nodiscard]] double fees_accrued0() const noexcept { return fees_accrued0_; }
    [[nodiscard]] double fees_accrued1() const noexcept { return fees_accrued1_; }

    /// Output for an exact input (getAmountOut): out = in(1-f) R_out / (R_in + in(1-f)).
    [[nodiscard]] double quote_exact_in(bool zero_for_one, double amount_in) const noexcept;
    /// Input for an exact output (getAmountIn): in = R_in out / ((R_out - out)(1-f)).
    /// Infinite when amount_out >= the output reserve.
    [[nodiscard]] double quote_exact_out(bool zero_for_one, double amount_out) const noexcept;
    /// Input (fee included) that moves the marginal price to `target_price`; zero_for_one when the
    /// target is below the current price. Closed form: the positive root of
    /// (1-f) a^2 + R_in (2-f) a + R_in^2 - q = 0, q = k / p (token0 in) or k p (token1 in)
    /// (derivation in docs/amm-fast-and-analytics.md).
    [[nodiscard]] double quote_to_price(double target_price) const;

    /// Swaps an exact input (> 0). zero_for_one: token0 in, token1 out.
    ConstantProductSwap swap_exact_in(bool zero_for_one, double amount_in);
    /// Swaps for an exact output (> 0, below the output reserve).
    ConstantProductSwap swap_exact_out(bool zero_for_one, double amount_out);
    /// Trades until the marginal price equals `target_price` (> 0); a no-op at the current price.
    ConstantProductSwap swap_to_price(double target_price);

    /// Deposits both amounts (as UniswapV2Pair.mint: any excess over the current ratio is donated
    /// to the pool) and mints min(a0 S / r0, a1 S / r1) shares, or sqrt(a0 a1) into an empty pool.
    LiquidityChange add_liquidity(double amount0, double amount1);
    /// Burns `shares` (<= total_shares) and pays out the pro-rata reserves (UniswapV2Pair.burn).
    LiquidityChange remove_liquidity(double shares);

  private:
    double reserve0_;
    double reserve1_;
    double fee_;
    double total_shares_;
    double fees_accrued0_ = 0.0;
    double fees_accrued1_ = 0.0;
};

}  // namespace pftoken::amm::fast
