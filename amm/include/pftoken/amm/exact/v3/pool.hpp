#pragma once
// Bit-exact Uniswap v3 pool (UniswapV3Pool.sol without oracle and callbacks): initialize, mint,
// burn, collect, swap, protocol fee. Failures return the Uniswap revert code and change nothing.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"
#include "pftoken/amm/exact/v3/position.hpp"
#include "pftoken/amm/exact/v3/tick.hpp"
#include "pftoken/amm/exact/v3/tick_bitmap.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"

namespace pftoken::amm::v3 {

/// Fee tier and tick spacing. The factory tiers are 500/10, 3000/60, 10000/200; any
/// fee_pips < 1e6 and 0 < tick_spacing < 16384 is accepted (the test vectors use others).
struct PoolConfig {
    std::uint32_t fee_pips = 3000;     ///< hundredths of a bip: 3000 = 0.30%
    std::int32_t tick_spacing = 60;

    /// The factory's spacing for a standard fee (500, 3000, 10000); throws std::invalid_argument otherwise.
    static PoolConfig fee_tier(std::uint32_t fee_pips);
    /// Empty when valid, else the offending field and constraint.
    [[nodiscard]] std::string validate() const;
};

/// Token amounts a mint must pay in (rounded up in the pool's favour).
struct MintResult {
    U256 amount0;
    U256 amount1;
};
/// Token amounts a burn credits to the position's tokens owed (rounded down).
struct BurnResult {
    U256 amount0;
    U256 amount1;
};
/// Tokens actually transferred out by collect / collect_protocol.
struct CollectResult {
    u128 amount0 = 0;
    u128 amount1 = 0;
};
/// What UniswapV3Pool.swap returns plus the pool state after the swap.
struct SwapResult {
    I256 amount0;  ///< > 0: paid into the pool; < 0: paid out
    I256 amount1;
    U256 sqrt_price_x96;
    std::int32_t tick = 0;
    u128 liquidity = 0;
    U256 fee_growth_global0_x128;
    U256 fee_growth_global1_x128;
    std::uint32_t ticks_crossed = 0;  ///< initialized ticks crossed (not on chain; for benchmarks)
};
/// Tokens a payer actually transfers to the pool inside Uniswap's mint/swap callback.
struct Payment {
    U256 amount0;
    U256 amount1;
};
/// The mint/swap callback: called with what the pool is owed (mint: both amounts; swap: the
/// input token's amount, 0 for the other) and returns what the payer transfers. Paying less than
/// owed makes the operation revert (M0/M1 for mint, IIA for swap) with the pool unchanged; paying
/// more is a donation that stays in balance0()/balance1().
using PayCallback = std::function<Payment(const U256& owed0, const U256& owed1)>;

struct ProtocolFees {
    u128 token0 = 0;
    u128 token1 = 0;
};

class Pool {
  public:
    /// Throws std::invalid_argument when config.validate() is not empty.
    explicit Pool(const PoolConfig& config);

    /// Sets the first price (AI if already initialized, R if out of range). Returns the tick.
    Result<std::int32_t> initialize(const U256& sqrt_price_x96);

    /// Adds `amount` liquidity to (owner, lower, upper). LOK, TLU, TLM, TUM, ZeroAmount,
    /// TickSpacing, LO, Overflow. The payer pays exactly what is returned.
    Result<MintResult> mint(OwnerId owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount);
    /// mint with UniswapV3Pool's mint callback modelled by `pay`: M0 / M1 when it pays less
    /// token0 / token1 than the returned amounts (checked only for a non-zero amount, token0 first).
    Result<MintResult> mint(OwnerId owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount,
                            const PayCallback& pay);
    /// Removes `amount` liquidity; the token amounts are credited to tokens owed (collect pays).
    /// amount == 0 pokes the position to credit fees (NP if it has no liquidity).
    Result<BurnResult> burn(OwnerId owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount);
    /// Pays min(requested, owed) of each token to the owner.
    Result<CollectResult> collect(OwnerId owner, std::int32_t tick_lower, std::int32_t tick_upper,
                                  u128 amount0_requested, u128 amount1_requested);
    /// amount_specified > 0: exact input; < 0: exact output. The price never passes the limit
    /// (SPL when the limit is on the wrong side or outside (MIN_SQRT_RATIO, MAX_SQRT_RATIO)).
    /// The trader pays exactly what is returned. Allocation-free after the first calls.
    Result<SwapResult> swap(bool zero_for_one, const I256& amount_specified, const U256& sqrt_price_limit_x96);
    /// swap with the swap callback modelled by `pay` (asked for the input token's amount): IIA
    /// when it pays less than that, after the whole swap was computed; the pool is then unchanged.
    Result<SwapResult> swap(bool zero_for_one, const I256& amount_specified, const U256& sqrt_price_limit_x96,
                            const PayCallback& pay);

    /// setFeeProtocol: each of fee_protocol0/1 is 0 (off) or 4..10 (1/n of swap fees).
    Revert set_fee_protocol(std::uint8_t fee_protocol0, std::uint8_t fee_protocol1);
    /// Sets slot0.feeProtocol raw (low nibble token0, high nibble token1), as in the replay format.
    Revert set_fee_protocol_packed(std::uint8_t fee_protocol);
    /// collectProtocol (leaves 1 wei in each non-empty slot, as Uniswap does to keep it warm).
    Result<CollectResult> collect_protocol(u128 amount0_requested, u128 amount1_requested);

    // ---- state ----
    [[nodiscard]] bool initialized() const noexcept { return unlocked_; }
    [[nodiscard]] const U256& sqrt_price_x96() const noexcept { return sqrt_price_x96_; }
    [[nodiscard]] std::int32_t tick() const noexcept { return tick_; }
    [[nodiscard]] u128 liquidity() const noexcept { return liquidity_; }
    [[nodiscard]] const U256& fee_growth_global0_x128() const noexcept { return fee_growth_global0_x128_; }
    [[nodiscard]] const U256& fee_growth_global1_x128() const noexcept { return fee_growth_global1_x128_; }
    [[nodiscard]] std::uint8_t fee_protocol() const noexcept { return fee_protocol_; }
    [[nodiscard]] const ProtocolFees& protocol_fees() const noexcept { return protocol_fees_; }
    /// Token balances held by the pool (all mints, swaps, collects applied).
    [[nodiscard]] const U256& balance0() const noexcept { return balance0_; }
    [[nodiscard]] const U256& balance1() const noexcept { return balance1_; }
    [[nodiscard]] std::uint32_t fee_pips() const noexcept { return config_.fee_pips; }
    [[nodiscard]] std::int32_t tick_spacing() const noexcept { return config_.tick_spacing; }
    [[nodiscard]] u128 max_liquidity_per_tick() const noexcept { return max_liquidity_per_tick_; }

    /// The tick's info, or nullptr when not initialized.
    [[nodiscard]] const TickInfo* tick_info(std::int32_t tick) const noexcept;
    /// The position, or nullptr when it was never touched.
    [[nodiscard]] const PositionInfo* position(OwnerId owner, std::int32_t tick_lower,
                                               std::int32_t tick_upper) const noexcept;
    [[nodiscard]] const std::map<PositionKey, PositionInfo>& positions() const noexcept { return positions_; }
    /// Initialized ticks in increasing order.
    [[nodiscard]] std::vector<std::int32_t> initialized_ticks() const;
    [[nodiscard]] const TickBitmap& tick_bitmap() const noexcept { return bitmap_; }
    /// Fee growth per unit of liquidity inside [lower, upper) now.
    [[nodiscard]] FeeGrowthInside fee_growth_inside(std::int32_t tick_lower, std::int32_t tick_upper) const noexcept;

  private:
    struct ModifyPlan;
    Result<MintResult> mint_impl(OwnerId owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount,
                                 const PayCallback* pay);
    Result<SwapResult> swap_impl(bool zero_for_one, const I256& amount_specified, const U256& sqrt_price_limit_x96,
                                 const PayCallback* pay);
    [[nodiscard]] Result<ModifyPlan> plan_modify_position(OwnerId owner, std::int32_t tick_lower,
                                                          std::int32_t tick_upper, i128 liquidity_delta) const;
    void commit(const ModifyPlan& plan);
    struct CrossRecord {
        std::int32_t tick;
        U256 fee_growth_global0_x128;
        U256 fee_growth_global1_x128;
    };

    // getSqrtRatioAtTick(tick) through a 16-entry direct-mapped cache: the swap loop's next ticks
    // (word boundaries, initialized ticks) repeat from swap to swap. A pure function, so the
    // cache can never be stale; `tick` must be within [kMinTick, kMaxTick]. sqrt_entry_at also
    // gives the price's prepared divisor.
    // The fee-growth division feeAmount * 2^128 / liquidity and the 128-bit swap-step fast path
    // (amm/src/exact/v3_swap_fast.hpp) divide by the liquidity and by sqrt prices: each divisor is
    // kept normalised with its 3-by-2 reciprocal (one hardware divide) while the value is the same.
    struct SqrtCacheEntry {
        std::int32_t tick = kMaxTick + 1;  // no valid tick: empty
        U256 sqrt_price_x96;
        detail::Divisor128 divisor;  // of sqrt_price_x96 when it is in [2^64, 2^128), else value 0
    };
    const SqrtCacheEntry& sqrt_entry_at(std::int32_t tick) noexcept;

    PoolConfig config_;
    u128 max_liquidity_per_tick_ = 0;
    // slot0 (oracle fields omitted)
    U256 sqrt_price_x96_;
    std::int32_t tick_ = 0;
    std::uint8_t fee_protocol_ = 0;
    bool unlocked_ = false;

    U256 fee_growth_global0_x128_;
    U256 fee_growth_global1_x128_;
    ProtocolFees protocol_fees_;
    u128 liquidity_ = 0;
    U256 balance0_;
    U256 balance1_;

    std::unordered_map<std::int32_t, TickInfo> ticks_;
    TickBitmap bitmap_;
    std::map<PositionKey, PositionInfo> positions_;
    std::array<SqrtCacheEntry, 16> sqrt_cache_{};
    detail::Divisor128 liquidity_divisor_;  // of the liquidity
    // The prepared divisor of a liquidity >= 2^64 through a 32-slot direct-mapped cache (a pure
    // function of the value, never stale): each crossed tick changes the liquidity.
    const detail::Divisor128& liquidity_divisor_for(u128 liquidity) noexcept;
    std::array<detail::Divisor128, 32> liquidity_divisors_{};
    detail::Divisor128 price_divisor_;      // of sqrt_price_x96_ (when in [2^64, 2^128))
    detail::Divisor64 fee_million_;         // SwapMath's fee denominators 1e6 and 1e6 - fee_pips
    detail::Divisor64 fee_complement_;
    std::vector<CrossRecord> cross_log_;  // undo log so a swap that reverts mid-way changes nothing
};

}  // namespace pftoken::amm::v3
