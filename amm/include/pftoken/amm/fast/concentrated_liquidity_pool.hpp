#pragma once
// Concentrated-liquidity (Uniswap v3) pool in double precision: the exact pool's semantics and
// names, with sqrt prices as plain numbers (sqrtPriceX96 / 2^96) instead of Q64.96 integers.

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pftoken/amm/fast/tick_math.hpp"

namespace pftoken::amm::fast {

/// Initial state. Price convention: price = sqrtPrice^2 = token1 per token0 in raw units.
struct ConcentratedLiquidityOptions {
    std::uint32_t fee = 3000;       ///< swap fee in pips (1e-6): 500, 3000, 10000 on chain; < 1e6
    int tickSpacing = 60;           ///< ticks of positions must be multiples of this; in [1, 16384]
    double sqrtPrice = 1.0;         ///< initial sqrt price, in (kMinSqrtPrice, kMaxSqrtPrice)
    std::uint8_t feeProtocol0 = 0;  ///< protocol share 1/n of token0 fees: 0 (off) or 4..10
    std::uint8_t feeProtocol1 = 0;  ///< same for token1 fees

    [[nodiscard]] bool isValid(std::string* why = nullptr) const;
    void validate() const;
};

/// An initialized tick (Tick.Info): liquidityNet is added when the price crosses it upwards.
/// Fee growths are per unit of liquidity, in token units (feeGrowth*X128 / 2^128 on chain).
struct TickInfo {
    int tick = 0;
    double sqrtPrice = 0.0;  ///< sqrtPriceAtTick(tick), cached for the swap loop
    double liquidityGross = 0.0;
    double liquidityNet = 0.0;
    double feeGrowthOutside0 = 0.0;
    double feeGrowthOutside1 = 0.0;
};

/// Position.Info: liquidity, fee growth inside at the last update, and tokens owed.
struct PositionInfo {
    double liquidity = 0.0;
    double feeGrowthInside0Last = 0.0;
    double feeGrowthInside1Last = 0.0;
    double tokensOwed0 = 0.0;
    double tokensOwed1 = 0.0;
};

/// Positions are keyed as on chain by (owner, tickLower, tickUpper).
struct PositionKey {
    std::string owner;
    int tickLower = 0;
    int tickUpper = 0;
    auto operator<=>(const PositionKey&) const = default;
};

/// Signed amounts as UniswapV3Pool.swap returns them: > 0 paid into the pool, < 0 paid out.
struct SwapResult {
    double amount0 = 0.0;
    double amount1 = 0.0;
    double feeAmount = 0.0;  ///< total fee charged on the input (LP and protocol shares)
    int ticksCrossed = 0;    ///< initialized ticks crossed
};

/// Token amounts of a mint, burn or collect (non-negative).
struct TokenAmounts {
    double amount0 = 0.0;
    double amount1 = 0.0;
};

/// Uniswap v3 pool in doubles. Initialized ticks sit in a sorted vector with a cursor at the
/// current price, so a swap walks straight from one initialized tick to the next (the exact pool
/// also stops at bitmap word boundaries; those stops change nothing but rounding). Swaps do not
/// allocate; mint and burn may (new ticks and positions). Every failing operation throws
/// fast::Error carrying Uniswap's revert code and leaves the pool unchanged.
class ConcentratedLiquidityPool {
  public:
    explicit ConcentratedLiquidityPool(const ConcentratedLiquidityOptions& options);

    /// Adds `liquidity` (> 0) to the position; returns the tokens owed to the pool (rounded
    /// nowhere: SqrtPriceMath.getAmount{0,1}Delta in real numbers).
    TokenAmounts mint(std::string_view owner, int tickLower, int tickUpper, double liquidity);
    /// Removes `liquidity` (>= 0; 0 pokes the position to accrue fees); the amounts are credited
    /// to tokensOwed, as on chain, and returned.
    TokenAmounts burn(std::string_view owner, int tickLower, int tickUpper, double liquidity);
    /// Pays out min(requested, owed) of each token.
    TokenAmounts collect(std::string_view owner, int tickLower, int tickUpper,
                         double amount0Requested, double amount1Requested);
    /// Protocol fees taken so far, paid out (collectProtocol with unlimited request).
    TokenAmounts collectProtocol();

    /// UniswapV3Pool.swap: amountSpecified > 0 is an exact input, < 0 an exact output; stops
    /// early at sqrtPriceLimit. Throws with AS (amountSpecified == 0) or SPL (limit on the wrong
    /// side of the price or beyond the tick range).
    SwapResult swap(bool zeroForOne, double amountSpecified, double sqrtPriceLimit);
    /// Exact input / exact output with no price limit (the extreme limits of the tick range).
    SwapResult swapExactIn(bool zeroForOne, double amountIn);
    SwapResult swapExactOut(bool zeroForOne, double amountOut);
    /// Trades whatever it takes to move the price to `targetSqrtPrice` (direction inferred; a
    /// no-op at the current price), as swap(..., +infinity, target).
    SwapResult swapToSqrtPrice(double targetSqrtPrice);

    [[nodiscard]] double sqrtPrice() const noexcept { return sqrtPrice_; }
    [[nodiscard]] double price() const noexcept { return sqrtPrice_ * sqrtPrice_; }
    /// slot0.tick: the tick the price is in (one below a tick the price reached going down).
    [[nodiscard]] int tick() const noexcept;
    /// Active liquidity: sum of the liquidity of positions with tickLower <= tick < tickUpper.
    [[nodiscard]] double liquidity() const noexcept { return liquidity_; }
    [[nodiscard]] double feeGrowthGlobal0() const noexcept { return feeGrowthGlobal0_; }
    [[nodiscard]] double feeGrowthGlobal1() const noexcept { return feeGrowthGlobal1_; }
    [[nodiscard]] TokenAmounts protocolFees() const noexcept { return protocolFees_; }
    /// Tokens the pool holds: deposits + swap inputs - swap outputs - collected amounts.
    [[nodiscard]] TokenAmounts balances() const noexcept { return balances_; }
    [[nodiscard]] std::uint32_t fee() const noexcept { return fee_; }
    [[nodiscard]] int tickSpacing() const noexcept { return tickSpacing_; }
    /// Tick.tickSpacingToMaxLiquidityPerTick in real numbers: (2^128 - 1) / number of usable ticks.
    [[nodiscard]] double maxLiquidityPerTick() const noexcept { return maxLiquidityPerTick_; }
    /// Initialized ticks in increasing order.
    [[nodiscard]] std::span<const TickInfo> initializedTicks() const noexcept { return ticks_; }
    /// The position, if it was ever touched.
    [[nodiscard]] std::optional<PositionInfo> position(std::string_view owner, int tickLower,
                                                       int tickUpper) const;
    [[nodiscard]] const std::map<PositionKey, PositionInfo>& positions() const noexcept {
        return positions_;
    }
    /// Fee growth per unit of liquidity inside [tickLower, tickUpper) (Tick.getFeeGrowthInside).
    [[nodiscard]] TokenAmounts feeGrowthInside(int tickLower, int tickUpper) const;

  private:
    TokenAmounts modifyPosition(std::string_view owner, int tickLower, int tickUpper,
                                double liquidityDelta, const char* operation);
    void checkTicks(int tickLower, int tickUpper, const char* operation) const;
    [[nodiscard]] const TickInfo* findTick(int tick) const noexcept;
    [[nodiscard]] TickInfo* findTick(int tick) noexcept;
    [[nodiscard]] int computeTick() const noexcept;

    std::uint32_t fee_;
    int tickSpacing_;
    std::uint8_t feeProtocol0_;
    std::uint8_t feeProtocol1_;
    double maxLiquidityPerTick_;
    double sqrtPrice_;
    double liquidity_ = 0.0;
    double feeGrowthGlobal0_ = 0.0;
    double feeGrowthGlobal1_ = 0.0;
    TokenAmounts protocolFees_{};
    TokenAmounts balances_{};
    std::vector<TickInfo> ticks_;
    /// Index in ticks_ of the first initialized tick above the current tick (ticks_[i].tick >
    /// tick).
    std::size_t cursor_ = 0;
    /// slot0.tick when known exactly (after a step ended on a tick or at construction);
    /// otherwise recomputed from the price on demand, because the log is the costliest part of a
    /// swap and a Monte Carlo loop rarely asks for the tick.
    mutable int tick_ = 0;
    mutable bool tickKnown_ = true;
    std::map<PositionKey, PositionInfo> positions_;
};

}  // namespace pftoken::amm::fast
