#pragma once
// The hourly yield backtester (issue 18; docs/tools/yield.md): four strategies on Aave v3 (the
// bit-exact index math of pftoken::amm::aave), spot and perpetual venues, run as the chain
// position monitor -> exposure monitor -> risk monitor -> P&L calculator -> strategy manager,
// with simulated execution (fees, slippage, gas) and an event log in one global order.
//
// Accounting: the portfolio is valued in integer base units of its share class (1e-6 USD for
// USDT, 1e-9 ETH for ETH). Each hour moves the state through a fixed sequence of stages (lending
// interest, borrow cost, funding, staking yield, price, basis, liquidation, fees, gas); each
// attribution source is the difference of the integer valuations after and before its stage,
// so the sources sum exactly to the hour's P&L by construction.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pftoken/amm/aave/math_utils.hpp"
#include "pftoken/integration/yield/market_data.hpp"

namespace pftoken::integration::yield {

enum class StrategyKind : std::uint8_t {
    PureLending,
    BtcBasis,
    EthLeveragedStaking,
    UsdtMarketNeutral
};
enum class ShareClass : std::uint8_t { Usdt, Eth };
enum class LoopMethod : std::uint8_t { FlashLoan, Sequential };

[[nodiscard]] std::string_view strategy_name(StrategyKind k) noexcept;   ///< "pure_lending", ...
[[nodiscard]] std::string_view share_class_name(ShareClass c) noexcept;  ///< "usdt", "eth"
[[nodiscard]] std::string_view loop_method_name(
    LoopMethod m) noexcept;  ///< "flash_loan", "sequential"

/// Simulated execution: every trade pays fee + slippage on its notional; every on-chain
/// transaction pays gas units x the hour's gas price in ETH.
struct ExecutionCosts {
    double trade_fee_bps = 5.0;
    double slippage_bps = 2.0;
    double flash_loan_fee_bps = 5.0;          ///< Aave v3 FLASHLOAN_PREMIUM_TOTAL (0.05%)
    double gas_per_tx = 250'000.0;            ///< supply, borrow, repay, withdraw or swap
    double gas_per_flash_loan = 1'000'000.0;  ///< the whole atomic loop or unwind
};

/// One strategy to backtest (Options in; validate() names the field and constraint).
struct StrategyOptions {
    std::string name = "strategy";
    StrategyKind kind = StrategyKind::PureLending;
    ShareClass share_class = ShareClass::Usdt;
    double initial_capital = 100'000.0;  ///< in the share class's unit (USD or ETH)
    amm::aave::Version aave_version = amm::aave::Version::V3_4;
    std::string venue = "binance";  ///< perp venue (basis, market neutral)
    // Perpetuals (btc_basis, usdt_market_neutral).
    double margin_fraction = 0.25;     ///< share of capital posted as perp margin
    double maintenance_margin = 0.05;  ///< of notional; below it the position is liquidated
    double liquidation_fee = 0.01;     ///< of notional, lost on a perp liquidation
    double rebalance_margin =
        0.12;  ///< margin/notional below which the manager rebalances or tops up
    double delta_threshold =
        0.05;  ///< market neutral: re-hedge when |net ETH delta| > this x equity
    // Aave leveraged staking (eth_leveraged_staking, usdt_market_neutral): E-mode defaults.
    double target_ltv = 0.80;
    double max_ltv = 0.93;
    double liquidation_threshold = 0.95;
    double liquidation_bonus = 0.01;  ///< paid to the liquidator on the collateral seized
    double min_health_factor = 1.03;  ///< the manager delevers below this back to target
    /// Rewards beyond the exchange rate (restaking points, seasonal incentives) as an annual
    /// fraction of the staked ETH value, paid hourly in ETH (P&L source staking_yield).
    double extra_rewards_apr = 0.0;
    LoopMethod loop = LoopMethod::FlashLoan;
    unsigned loop_iterations = 5;  ///< sequential loop rounds
    ExecutionCosts costs;
    void validate() const;
};

/// Attribution sources, in the order the hour applies them.
enum Source : std::uint8_t {
    kLendingInterest,
    kBorrowCost,
    kFunding,
    kStakingYield,
    kPrice,
    kBasis,
    kLiquidation,
    kFees,
    kGas,
    kSourceCount
};
[[nodiscard]] std::string_view source_name(Source s) noexcept;  ///< "lending_interest", ...

/// One hour after the chain ran. Amounts in integer base units of the share class.
struct HourRecord {
    std::int64_t time = 0;
    std::int64_t equity = 0;                       ///< valuation after the hour
    std::array<std::int64_t, kSourceCount> pnl{};  ///< by source; sums to equity - previous equity
    double health_factor = 0.0;                    ///< Aave; +inf without debt
    double liquidation_distance =
        0.0;                 ///< smallest adverse move (fraction) to a liquidation; +inf if none
    double eth_delta = 0.0;  ///< net ETH exposure, ETH
    double btc_delta = 0.0;  ///< net BTC exposure, BTC
    double gross_exposure = 0.0;   ///< sum of |position values|, share-class unit
    double liquidity_index = 0.0;  ///< lending reserve's liquidity index (pure lending), /1e27
};

enum class EventKind : std::uint8_t {
    Deposit,
    Supply,
    Withdraw,
    Borrow,
    Repay,
    Swap,
    FlashLoan,
    SpotTrade,
    PerpTrade,
    MarginTransfer,
    AaveLiquidation,
    PerpLiquidation,
    Gas
};
[[nodiscard]] std::string_view event_name(EventKind k) noexcept;

/// One execution or protocol event; events at one timestamp keep their global `order`.
struct Event {
    std::int64_t time = 0;
    std::uint64_t order = 0;  ///< 1, 2, 3, ... over the whole run
    EventKind kind = EventKind::Deposit;
    std::string_view asset;  ///< static text ("USDT", "wstETH", ...)
    double amount = 0.0;     ///< in the asset's unit
    double cost = 0.0;       ///< fees + slippage + gas of the event, share-class unit
};

/// Summary out.
struct YieldSummary {
    std::size_t hours = 0;        ///< elapsed hours (records - 1)
    double initial_equity = 0.0;  ///< share-class unit
    double final_equity = 0.0;
    double total_return = 0.0;
    double apy = 0.0;           ///< (final/initial)^(8760/hours) - 1
    double max_drawdown = 0.0;  ///< largest fall from a running peak, fraction
    double min_health_factor = 0.0;
    double min_liquidation_distance = 0.0;
    std::size_t aave_liquidations = 0, perp_liquidations = 0, rebalances = 0;
    std::array<std::int64_t, kSourceCount> pnl{};  ///< summed over the run
    double liquidity_index_growth = 0.0;  ///< pure lending: final / initial liquidity index
};

struct YieldResult {
    StrategyOptions options;
    std::string aave_version;  ///< version_name of the Aave math used
    double unit_scale = 0.0;   ///< base units per share-class unit (1e6 USD, 1e9 ETH)
    std::vector<HourRecord> hours;
    std::vector<Event> events;
    YieldSummary summary;
};

/// The Aave reserve indexes at the data's hours: the liquidity indexes of USDT, WETH and wstETH
/// and the WETH variable borrow index, accrued hour by hour by amm::aave::update_state at the
/// data's rates (each hour's rates apply over the hour that follows), starting at RAY. They
/// depend on the market and the Aave version only (a strategy's flows do not move the data's
/// rates), so one path serves every strategy and every sweep variant.
struct ReserveIndexes {
    amm::aave::Version version = amm::aave::Version::V3_4;
    std::vector<std::array<amm::U256, 4>>
        at;                     ///< per hour: liquidity USDT, WETH, wstETH; borrow WETH
    std::uint8_t reserves = 0;  ///< accrued reserves: bit 0 USDT, 1 WETH, 2 wstETH
};
/// Every reserve's indexes (`reserves` = 7), or only those in the bit mask (others stay RAY).
[[nodiscard]] ReserveIndexes accrue_reserve_indexes(const MarketData& market,
                                                    amm::aave::Version version,
                                                    std::uint8_t reserves = 7);
/// The reserves a strategy reads (the bit mask of ReserveIndexes).
[[nodiscard]] std::uint8_t reserves_used(const StrategyOptions& options) noexcept;

/// Backtests `options` over `market` (every hour; hour 0 deploys the capital). Throws InputError
/// when the options are invalid or name a venue without data.
[[nodiscard]] YieldResult run_backtest(const MarketData& market, const StrategyOptions& options);
/// The same on indexes already accrued for `market` (their version must be options.aave_version).
[[nodiscard]] YieldResult run_backtest(const MarketData& market, const StrategyOptions& options,
                                       const ReserveIndexes& indexes);

/// Backtests every variant on `threads` workers (0 = all cores) through base/thread_pool, the
/// reserve indexes accrued once per Aave version; the summaries are in variant order and
/// bit-identical for any thread count.
[[nodiscard]] std::vector<YieldSummary> run_sweep(const MarketData& market,
                                                  const std::vector<StrategyOptions>& variants,
                                                  unsigned threads = 0);

}  // namespace pftoken::integration::yield
