#pragma once
// Bit-exact Uniswap v2 pair (UniswapV2Pair.sol): mint/burn of LP shares with the 1000-share lock,
// swap with the K check, protocol fee through kLast. Failures return the revert and change nothing.

#include <cstdint>

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"

namespace pftoken::amm::v2 {

/// Shares locked forever at address(0) by the first mint.
inline constexpr std::uint64_t kMinimumLiquidity = 1000;

struct SwapResult {
    U256 amount_in;
    U256 amount_out;
    U256 reserve0;  ///< after the swap
    U256 reserve1;
};
struct BurnResult {
    U256 amount0;
    U256 amount1;
};

class Pair {
  public:
    Pair() = default;
    /// Factory feeTo set (true) or not: the protocol takes 1/6 of the growth in sqrt(k).
    void set_fee_on(bool fee_on) noexcept;

    /// Deposits amount0/amount1 and mints LP shares to the caller (first mint: sqrt(a0*a1) - 1000,
    /// the 1000 locked). InsufficientLiquidityMinted, Overflow (reserves above uint112).
    Result<U256> mint(const U256& amount0, const U256& amount1);
    /// Burns `liquidity` of the caller's shares for pro-rata reserves. Underflow when the caller
    /// holds fewer shares, InsufficientLiquidityBurned when an amount rounds to 0.
    Result<BurnResult> burn(const U256& liquidity);
    /// UniswapV2Pair.swap after the caller has sent amount0_in/amount1_in: pays the outputs and
    /// enforces the fee-adjusted K check. Covers flash swaps (input and output of the same token).
    Revert swap(const U256& amount0_out, const U256& amount1_out, const U256& amount0_in, const U256& amount1_in);
    /// Router-style exact-input swap: amount_out = get_amount_out(amount_in, ...).
    Result<SwapResult> swap_exact_in(bool zero_for_one, const U256& amount_in);
    /// Router-style exact-output swap: amount_in = get_amount_in(amount_out, ...).
    Result<SwapResult> swap_exact_out(bool zero_for_one, const U256& amount_out);

    [[nodiscard]] const U256& reserve0() const noexcept { return reserve0_; }
    [[nodiscard]] const U256& reserve1() const noexcept { return reserve1_; }
    [[nodiscard]] const U256& total_supply() const noexcept { return total_supply_; }
    [[nodiscard]] const U256& k_last() const noexcept { return k_last_; }
    [[nodiscard]] bool fee_on() const noexcept { return fee_on_; }
    /// LP shares minted to feeTo so far.
    [[nodiscard]] const U256& fee_to_balance() const noexcept { return fee_to_balance_; }
    /// Shares held by the caller (everything except the lock and feeTo's shares).
    [[nodiscard]] U256 caller_balance() const noexcept;

  private:
    // _mintFee on copies; returns the shares minted to feeTo.
    [[nodiscard]] Result<U256> pending_fee_liquidity() const noexcept;

    U256 reserve0_;
    U256 reserve1_;
    U256 total_supply_;
    U256 k_last_;
    U256 fee_to_balance_;
    U256 locked_;  // kMinimumLiquidity once the first mint happened
    bool fee_on_ = false;
};

}  // namespace pftoken::amm::v2
