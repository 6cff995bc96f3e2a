#pragma once
// Concentrated-liquidity (Uniswap v3) pool in double precision: the exact pool's semantics and
// names, with sqrt prices as plain numbers (sqrtPriceX96 / 2^96) instead of Q64.96 integers and
// liquidity kept as the exact pool keeps it: whole units in 128-bit integers.

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pftoken/amm/exact/uint256.hpp"
#include "pftoken/amm/fast/tick_math.hpp"

namespace pftoken::amm::fast {

/// Initial state. Price convention: price = sqrt_price^2 = token1 per token0 in raw units.
struct ConcentratedLiquidityOptions {
    std::uint32_t fee_pips = 3000;  ///< swap fee in pips (1e-6): 500, 3000, 10000 on chain; < 1e6
    int tick_spacing = 60;          ///< ticks of positions must be multiples of this; in [1, 16384]
    double sqrt_price = 1.0;        ///< initial sqrt price, in (kMinSqrtPrice, kMaxSqrtPrice)
    std::uint8_t fee_protocol0 = 0;  ///< protocol share 1/n of token0 fees: 0 (off) or 4..10
    std::uint8_t fee_protocol1 = 0;  ///< same for token1 fees
    /// The smallest amount of each token (the exact pool's whole unit, wei) in the units the
    /// pool is given amounts in: 1 (default) for whole token units as on chain; 10^-decimals for
    /// human units of a token with that many decimals; 0 and 0 for real numbers with no
    /// smallest unit (the reference is then Uniswap's math in real numbers, and nothing is too
    /// thin). A swap that would end where rounding to these units, as the exact pool rounds,
    /// moves the price by more than 1e-9 relative is refused ("liquidity too thin for this
    /// price"), and that rounding widens the price uncertainty used at tick edges
    /// (docs/amm-fast-and-analytics.md, "Accepted input range"). Both > 0, or both 0.
    double token0_unit = 1.0;
    double token1_unit = 1.0;

    [[nodiscard]] bool is_valid(std::string* why = nullptr) const;
    void validate() const;
};

/// An initialized tick (Tick.Info): liquidity_net is added when the price crosses it upwards.
/// Fee growths are per unit of liquidity, in token units (feeGrowth*X128 / 2^128 on chain).
/// Liquidity is integer bookkeeping (`*_units`: fixed point, units of 2^-32 liquidity, exact);
/// the doubles are their conversions.
struct TickInfo {
    int tick = 0;
    double sqrt_price = 0.0;  ///< sqrt_price_at_tick(tick), cached for the swap loop
    double liquidity_gross = 0.0;
    double liquidity_net = 0.0;
    u128 liquidity_gross_units = 0;
    v3::i128 liquidity_net_units = 0;
    double fee_growth_outside0 = 0.0;
    double fee_growth_outside1 = 0.0;
    /// Scratch: the outside growths before a swap last crossed the tick, restored bit for bit
    /// when that swap is refused (recomputing them as global - outside loses the low bits when
    /// the refused swap's steps through thin liquidity had made the global growth large).
    double fee_growth_outside0_before_cross = 0.0;
    double fee_growth_outside1_before_cross = 0.0;
};

/// Position.Info: liquidity, fee growth inside at the last update, and tokens owed.
struct PositionInfo {
    double liquidity = 0.0;  ///< liquidity_units as a double
    u128 liquidity_units = 0;  ///< in units of 2^-32 liquidity
    double fee_growth_inside0_last = 0.0;
    double fee_growth_inside1_last = 0.0;
    double tokens_owed0 = 0.0;
    double tokens_owed1 = 0.0;
};

/// Positions are keyed as on chain by (owner, tick_lower, tick_upper).
struct PositionKey {
    std::string owner;
    int tick_lower = 0;
    int tick_upper = 0;
    auto operator<=>(const PositionKey&) const = default;
};

/// Signed amounts as UniswapV3Pool.swap returns them: > 0 paid into the pool, < 0 paid out.
struct SwapResult {
    double amount0 = 0.0;
    double amount1 = 0.0;
    double fee_amount = 0.0;  ///< total fee charged on the input (LP and protocol shares)
    int ticks_crossed = 0;    ///< initialized ticks crossed
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

    /// Adds `liquidity` to the position; returns the tokens owed to the pool (rounded nowhere:
    /// SqrtPriceMath.getAmount{0,1}Delta in real numbers). Liquidity is kept in fixed point
    /// (units of 2^-32, so whole liquidities as the exact pool's uint128 exactly, sums without
    /// drift); a tick's liquidity must stay below 2^95 (refused beyond, as LO beyond the
    /// per-tick maximum), and a liquidity the 2^-32 grid cannot hold to 1e-9 relative (below
    /// 0.117 and off the grid) is refused.
    TokenAmounts mint(std::string_view owner, int tick_lower, int tick_upper, double liquidity);
    /// Removes `liquidity` (>= 0, in 2^-32 units as in mint; 0 pokes the position to accrue
    /// fees); the amounts are credited to tokensOwed, as on chain, and returned.
    TokenAmounts burn(std::string_view owner, int tick_lower, int tick_upper, double liquidity);
    /// Pays out min(requested, owed) of each token.
    TokenAmounts collect(std::string_view owner, int tick_lower, int tick_upper,
                         double amount0_requested, double amount1_requested);
    /// Protocol fees taken so far, paid out (collect_protocol with unlimited request).
    TokenAmounts collect_protocol();

    /// UniswapV3Pool.swap: amount_specified > 0 is an exact input, < 0 an exact output; stops
    /// early at sqrt_price_limit. Throws with AS (amount_specified == 0) or SPL (limit on the wrong
    /// side of the price or outside (kMinSqrtPrice, kMaxSqrtPrice]; kMaxSqrtPrice stands for
    /// MAX_SQRT_RATIO - 1, the same double, and a swap that reaches it ends in tick kMaxTick - 1).
    SwapResult swap(bool zero_for_one, double amount_specified, double sqrt_price_limit);
    /// Exact input / exact output with no price limit (the extreme limits of the tick range).
    SwapResult swap_exact_in(bool zero_for_one, double amount_in);
    SwapResult swap_exact_out(bool zero_for_one, double amount_out);
    /// Trades whatever it takes to move the price to `target_sqrt_price` (direction inferred; a
    /// no-op at the current price), as swap(..., +infinity, target).
    SwapResult swap_to_sqrt_price(double target_sqrt_price);

    [[nodiscard]] double sqrt_price() const noexcept { return sqrt_price_; }
    [[nodiscard]] double price() const noexcept { return sqrt_price_ * sqrt_price_; }
    /// slot0.tick: the tick the price is in (one below a tick the price reached going down).
    [[nodiscard]] int tick() const noexcept;
    /// Active liquidity: sum of the liquidity of positions with tick_lower <= tick < tick_upper.
    [[nodiscard]] double liquidity() const noexcept { return liquidity_; }
    /// The same, exact: the integer the pool keeps, in units of 2^-32 liquidity.
    [[nodiscard]] u128 liquidity_units() const noexcept { return liquidity_units_; }
    [[nodiscard]] double fee_growth_global0() const noexcept { return fee_growth_global0_; }
    [[nodiscard]] double fee_growth_global1() const noexcept { return fee_growth_global1_; }
    [[nodiscard]] TokenAmounts protocol_fees() const noexcept { return protocol_fees_; }
    /// Tokens the pool holds: deposits + swap inputs - swap outputs - collected amounts.
    [[nodiscard]] TokenAmounts balances() const noexcept { return balances_; }
    [[nodiscard]] std::uint32_t fee_pips() const noexcept { return fee_pips_; }
    [[nodiscard]] int tick_spacing() const noexcept { return tick_spacing_; }
    /// Tick.tickSpacingToMaxLiquidityPerTick: (2^128 - 1) / number of usable ticks, as a double.
    [[nodiscard]] double max_liquidity_per_tick() const noexcept {
        return static_cast<double>(max_liquidity_per_tick_);
    }
    /// Initialized ticks in increasing order.
    [[nodiscard]] std::span<const TickInfo> initialized_ticks() const noexcept { return ticks_; }
    /// The position, if it was ever touched.
    [[nodiscard]] std::optional<PositionInfo> position(std::string_view owner, int tick_lower,
                                                       int tick_upper) const;
    [[nodiscard]] const std::map<PositionKey, PositionInfo>& positions() const noexcept {
        return positions_;
    }
    /// Fee growth per unit of liquidity inside [tick_lower, tick_upper) (Tick.getFeeGrowthInside).
    [[nodiscard]] TokenAmounts fee_growth_inside(int tick_lower, int tick_upper) const;

  private:
    TokenAmounts modify_position(std::string_view owner, int tick_lower, int tick_upper,
                                 u128 liquidity, double requested, bool add,
                                 const char* operation);
    void check_ticks(int tick_lower, int tick_upper, const char* operation) const;
    [[nodiscard]] const TickInfo* find_tick(int tick) const noexcept;
    [[nodiscard]] TickInfo* find_tick(int tick) noexcept;
    [[nodiscard]] int compute_tick() const noexcept;
    /// Whether the price may lie on the other side of tick `t`'s price in the exact pool (the
    /// double and the exact pool's rounding cannot tell), so slot0.tick is not known relative to
    /// `t`.
    [[nodiscard]] bool side_unknown(int t) const noexcept;
    [[nodiscard]] bool side_unknown_near(double tick_sqrt_price) const noexcept;
    void require_side_known(int t, const char* field) const;
    [[gnu::cold, gnu::noinline]] void refuse_swap(bool zero_for_one, std::size_t cursor_before,
                                                  double fee_growth_in_before,
                                                  double protocol_fee_in_before, bool too_much,
                                                  double held, double sqrt_price, double liquidity,
                                                  double rounding);
    [[gnu::cold, gnu::noinline]] void refuse_arguments(bool zero_for_one,
                                                       double amount_specified,
                                                       double sqrt_price_limit) const;
    [[gnu::cold, gnu::noinline]] void refuse_side(const TickInfo& toward, double amount_specified,
                                                  double sqrt_price_limit, double worth) const;

    std::uint32_t fee_pips_;
    int tick_spacing_;
    std::uint8_t fee_protocol0_;
    std::uint8_t fee_protocol1_;
    double after_fee_;     ///< (1e6 - fee_pips) / 1e6: the input left after the fee
    double fee_on_input_;  ///< fee_pips / (1e6 - fee_pips): the fee on an input after fee
    // Rounding of one step of the exact loop (0 for real numbers): two smallest units of the
    // tokens (input up, output down, fee up) and the Q64.96 price quantum, in the caller's
    // units; relative price move per step (max(u0 s^2, u1) * 2 + quantum L) / (s L).
    double unit0_x2_;
    double unit1_x2_;
    double price_quantum_;
    double words_per_binade_;  ///< bitmap-word stops of the exact loop per binade of sqrt price
    double holdings_limit0_;  ///< 2^128 smallest units of token0 (2^128 for real numbers)
    double holdings_limit1_;
    u128 max_liquidity_per_tick_;
    double sqrt_price_;
    u128 liquidity_units_ = 0;
    double liquidity_ = 0.0;  ///< liquidity_units_ converted, for the price math
    double inv_liquidity_ = 0.0;  ///< 1 / liquidity_ (0 without liquidity), for the rounding bound
    double fee_growth_global0_ = 0.0;
    double fee_growth_global1_ = 0.0;
    TokenAmounts protocol_fees_{};
    TokenAmounts balances_{};
    std::vector<TickInfo> ticks_;
    /// Index in ticks_ of the first initialized tick above the current tick (ticks_[i].tick >
    /// tick).
    std::size_t cursor_ = 0;
    /// slot0.tick when known exactly (after a step ended on a tick or at construction);
    /// otherwise recomputed from the price on demand, because the log is the costliest part of a
    /// swap and a Monte Carlo loop rarely asks for the tick.
    mutable int tick_ = 0;
    mutable bool tick_known_ = true;
    bool ended_down_at_limit_ = false;  ///< the last swap stopped at its limit going down
    /// Relative distance the exact pool's price may be from sqrt_price_ (its rounding of the
    /// amounts of the swaps since the price last sat exactly on a tick or a limit, plus the
    /// double's); 0 when the price is exactly a tick's or the limit's.
    double price_slack_ = 0.0;
    std::map<PositionKey, PositionInfo> positions_;
};

}  // namespace pftoken::amm::fast
