#include "pftoken/integration/yield/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "pftoken/amm/aave/health.hpp"
#include "pftoken/amm/aave/reserve.hpp"
#include "pftoken/base/thread_pool.hpp"
#include "pftoken/error.hpp"

namespace pftoken::integration::yield {

namespace aave = amm::aave;
using amm::u128;
using amm::U256;

std::string_view strategy_name(StrategyKind k) noexcept {
    switch (k) {
        case StrategyKind::PureLending:
            return "pure_lending";
        case StrategyKind::BtcBasis:
            return "btc_basis";
        case StrategyKind::EthLeveragedStaking:
            return "eth_leveraged_staking";
        case StrategyKind::UsdtMarketNeutral:
            return "usdt_market_neutral";
    }
    return "unknown";
}

std::string_view share_class_name(ShareClass c) noexcept {
    return c == ShareClass::Usdt ? "usdt" : "eth";
}

std::string_view loop_method_name(LoopMethod m) noexcept {
    return m == LoopMethod::FlashLoan ? "flash_loan" : "sequential";
}

std::string_view source_name(Source s) noexcept {
    static constexpr std::array<std::string_view, kSourceCount> names{
        "lending_interest", "borrow_cost", "funding", "staking_yield", "price", "basis",
        "liquidation",      "fees",        "gas"};
    return s < kSourceCount ? names[s] : "unknown";
}

std::string_view event_name(EventKind k) noexcept {
    static constexpr std::array<std::string_view, 13> names{"deposit",
                                                            "supply",
                                                            "withdraw",
                                                            "borrow",
                                                            "repay",
                                                            "swap",
                                                            "flash_loan",
                                                            "spot_trade",
                                                            "perp_trade",
                                                            "margin_transfer",
                                                            "aave_liquidation",
                                                            "perp_liquidation",
                                                            "gas"};
    return names[static_cast<std::size_t>(k)];
}

void StrategyOptions::validate() const {
    auto in = [](const char* field, double v, double lo, double hi, bool lo_open, bool hi_open) {
        const bool ok =
            std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
        if (!ok)
            throw InputError(
                field, fmt::format("must be in {}{:.6g}, {:.6g}{}, got {}", lo_open ? "(" : "[", lo,
                                   hi, hi_open ? ")" : "]", v));
    };
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-';
        }))
        throw InputError(
            "name",
            "must be letters, digits, '_' or '-' (it names output files), got '" + name + "'");
    in("initial_capital", initial_capital, 0.0, 1e12, true, false);
    const auto want = [&](ShareClass c, const char* why) {
        if (share_class != c)
            throw InputError(
                "share_class",
                fmt::format("{} runs in the {} share class ({}), got '{}'", strategy_name(kind),
                            share_class_name(c), why, share_class_name(share_class)));
    };
    if (kind == StrategyKind::BtcBasis) want(ShareClass::Usdt, "a hedged USD position");
    if (kind == StrategyKind::EthLeveragedStaking)
        want(ShareClass::Eth, "unhedged, P&L in ETH; use usdt_market_neutral for the hedged form");
    if (kind == StrategyKind::UsdtMarketNeutral) want(ShareClass::Usdt, "hedged, P&L in USD");
    in("margin_fraction", margin_fraction, 0.0, 1.0, true, true);
    in("maintenance_margin", maintenance_margin, 0.0, 0.5, true, false);
    in("liquidation_fee", liquidation_fee, 0.0, 0.5, false, false);
    in("rebalance_margin", rebalance_margin, maintenance_margin, 10.0, true, false);
    in("delta_threshold", delta_threshold, 0.0, 1.0, true, false);
    in("max_ltv", max_ltv, 0.0, 1.0, true, true);
    in("liquidation_threshold", liquidation_threshold, max_ltv, 1.0, true, true);
    in("target_ltv", target_ltv, 0.0, max_ltv, true, false);
    in("liquidation_bonus", liquidation_bonus, 0.0, 0.5, false, false);
    in("extra_rewards_apr", extra_rewards_apr, 0.0, 1.0, false, false);
    in("min_health_factor", min_health_factor, 1.0, liquidation_threshold / target_ltv, true, true);
    if (loop_iterations < 1 || loop_iterations > 100)
        throw InputError("loop_iterations",
                         fmt::format("must be in [1, 100], got {}", loop_iterations));
    in("costs.trade_fee_bps", costs.trade_fee_bps, 0.0, 1000.0, false, false);
    in("costs.slippage_bps", costs.slippage_bps, 0.0, 1000.0, false, false);
    in("costs.flash_loan_fee_bps", costs.flash_loan_fee_bps, 0.0, 1000.0, false, false);
    in("costs.gas_per_tx", costs.gas_per_tx, 0.0, 1e8, false, false);
    in("costs.gas_per_flash_loan", costs.gas_per_flash_loan, 0.0, 1e8, false, false);
}

namespace {

enum Reserve : std::uint8_t { kUsdt, kWeth, kWsteth, kReserveCount };
constexpr std::array<std::string_view, kReserveCount> kReserveAsset{"USDT", "WETH", "wstETH"};
enum Perp : std::uint8_t { kBtc, kEth, kPerpCount };
constexpr std::array<std::string_view, kPerpCount> kPerpAsset{"BTC-PERP", "ETH-PERP"};

/// Base units per token of each reserve (10^decimals).
constexpr std::array<double, kReserveCount> kUnit{1e6, 1e18, 1e18};

/// APR fraction -> ray (the on-chain rates are rays; the data gives 1e-6 or finer fractions).
U256 ray_rate(double apr) {
    return U256{static_cast<u128>(std::llround(apr * 1e18))} * U256{std::uint64_t{1'000'000'000}};
}

/// A token amount in base units (floored), from an amount in whole tokens.
U256 base_units(double amount, double unit) {
    if (!(amount > 0.0)) return U256{};
    return U256{static_cast<u128>(std::floor(amount * unit))};
}

/// Health factors below this are recomputed with Aave's integer account data.
constexpr double kExactHealthBelow = 1.001;

/// x rounded half away from zero to an integer (llround without the library call; |x| < 2^53).
std::int64_t round_units(double x) {
    return static_cast<std::int64_t>(x + (x >= 0.0 ? 0.5 : -0.5));
}

template <class T>
T must(const amm::Result<T>& r, const char* what) {
    if (!r.ok())
        throw InternalError(fmt::format("yield backtest: Aave {} reverted ({})", what, r.code()));
    return r.value;
}

/// The prices a valuation reads (a stage moves some of them).
struct Prices {
    double btc_usd = 0, eth_usd = 0, wsteth_eth = 0;
    std::array<double, kPerpCount> mark{};
};

/// One backtest: positions, the reserves and the monitor chain.
class Backtest {
  public:
    Backtest(const MarketData& market, const StrategyOptions& options,
             const ReserveIndexes& indexes, YieldResult& out)
        : m_(market), o_(options), idx_(indexes), out_(out), venue_(&market.venue(options.venue)) {
        usd_class_ = o_.share_class == ShareClass::Usdt;
        scale_ = usd_class_ ? 1e6 : 1e9;
        cost_ = (o_.costs.trade_fee_bps + o_.costs.slippage_bps) * 1e-4;
        accrue(0);
        out_.options = o_;
        out_.aave_version = std::string(aave::version_name(o_.aave_version));
        out_.unit_scale = scale_;
        out_.hours.reserve(m_.hours());
        out_.events.reserve(256);
    }

    void run() {
        prices_ = market_prices(0);
        perp_[kBtc].last_mark = prices_.mark[kBtc];
        perp_[kEth].last_mark = prices_.mark[kEth];
        const auto start = static_cast<std::int64_t>(std::llround(o_.initial_capital * scale_));
        if (usd_class_)
            usd_cash_ = o_.initial_capital;
        else
            eth_wallet_ = o_.initial_capital;
        log(0, EventKind::Deposit, usd_class_ ? "USD" : "ETH", o_.initial_capital, 0);
        HourRecord rec;
        rec.time = m_.time[0];
        std::int64_t v = start;
        deploy(0);
        stage(rec, kFees, v);
        pay_gas(0);
        stage(rec, kGas, v);
        finish_hour(rec, v);
        for (std::size_t t = 1; t < m_.hours(); ++t) {
            rec = HourRecord{};
            rec.time = m_.time[t];
            step(t, rec, v);
        }
        summarise(start);
    }

  private:
    struct PerpPosition {
        double qty = 0;        // signed, in coins; negative = short
        double last_mark = 0;  // mark at which the position's P&L was last settled into the margin
    };

    // ---- the hour ----
    void step(std::size_t t, HourRecord& rec, std::int64_t& v) {
        risk_fresh_ = false;
        // 1-2. Aave indexes over the hour at the rates set last hour (position monitor).
        accrue(t);
        refresh_supplies();
        stage(rec, kLendingInterest, v);
        refresh_debt();
        stage(rec, kBorrowCost, v);
        // 3. Funding on the open perps, on the notional at the last mark.
        for (std::size_t p = 0; p < kPerpCount; ++p) {
            if (perp_[p].qty == 0.0) continue;
            const double rate = p == kBtc ? venue_->btc_funding[t] : venue_->eth_funding[t];
            const double paid =
                perp_[p].qty * perp_[p].last_mark * rate;  // longs pay shorts when rate > 0
            margin_ -= paid;  // hourly and in the attribution; not an event
        }
        stage(rec, kFunding, v);
        // 4. Staking: the LST exchange rate moves; extra rewards on the staked ETH, paid in ETH.
        if (o_.extra_rewards_apr > 0.0)
            eth_wallet_ += supply_[kWsteth] * prices_.wsteth_eth * o_.extra_rewards_apr / 8'760.0;
        prices_.wsteth_eth = m_.wsteth_eth[t];
        stage(rec, kStakingYield, v);
        // 5. Price: spot moves, perp marks move with spot (basis unchanged).
        const Prices now = market_prices(t);
        prices_.mark[kBtc] += now.btc_usd - prices_.btc_usd;
        prices_.mark[kEth] += now.eth_usd - prices_.eth_usd;
        prices_.btc_usd = now.btc_usd;
        prices_.eth_usd = now.eth_usd;
        stage(rec, kPrice, v);
        // 6. Basis: marks to the venue's, perp P&L settled into the margin.
        prices_.mark = now.mark;
        settle_perps();
        stage(rec, kBasis, v);
        // 7. Risk monitor: liquidations below the thresholds.
        liquidate(t);
        stage(rec, kLiquidation, v);
        // 8-9. Strategy manager: rebalancing at fees, slippage and gas.
        manage(t);
        stage(rec, kFees, v);
        pay_gas(t);
        stage(rec, kGas, v);
        finish_hour(rec, v);
    }

    /// Appends the valuation change since the last stage to `source`.
    void stage(HourRecord& rec, Source source, std::int64_t& v) {
        const std::int64_t now = valuation();
        rec.pnl[source] += now - v;
        v = now;
    }

    void finish_hour(HourRecord& rec, std::int64_t v) {
        rec.equity = v;
        const Risk& r = current_risk();
        rec.health_factor = r.health_factor;
        rec.liquidation_distance = r.distance;
        const double eth_delta = eth_wallet_ + supply_[kWeth] - debt_ +
                                 supply_[kWsteth] * prices_.wsteth_eth + perp_[kEth].qty;
        rec.eth_delta = eth_delta;
        rec.btc_delta = btc_ + perp_[kBtc].qty;
        const double to_unit = usd_class_ ? 1.0 : 1.0 / prices_.eth_usd;
        rec.gross_exposure =
            to_unit * (std::abs(usd_cash_) + std::abs(margin_) + std::abs(btc_) * prices_.btc_usd +
                       prices_.eth_usd * (std::abs(eth_wallet_) + supply_[kWeth] + debt_ +
                                          supply_[kWsteth] * prices_.wsteth_eth) +
                       supply_[kUsdt] + std::abs(perp_[kBtc].qty) * prices_.mark[kBtc] +
                       std::abs(perp_[kEth].qty) * prices_.mark[kEth]);
        rec.liquidity_index = liquidity_index_[lending_reserve()].to_double() / 1e27;
        out_.hours.push_back(rec);
    }

    // ---- position monitor ----
    Prices market_prices(std::size_t t) const {
        Prices p;
        p.btc_usd = m_.btc_usd[t];
        p.eth_usd = m_.eth_usd[t];
        p.wsteth_eth = m_.wsteth_eth[t];
        p.mark = {venue_->btc_mark_usd[t], venue_->eth_mark_usd[t]};
        return p;
    }

    /// The reserves' indexes at hour t (accrue_reserve_indexes).
    void accrue(std::size_t t) {
        const auto& at = idx_.at[t];
        for (std::size_t r = 0; r < kReserveCount; ++r) liquidity_index_[r] = at[r];
        borrow_index_ = at[3];
    }

    void refresh_supplies() {
        for (std::size_t r = 0; r < kReserveCount; ++r) {
            if (a_scaled_[r].is_zero()) {
                supply_[r] = 0;
                supply_units_[r] = U256{};
                continue;
            }
            supply_units_[r] =
                must(aave::atoken_balance(a_scaled_[r], liquidity_index_[r], o_.aave_version),
                     "balanceOf");
            supply_[r] = supply_units_[r].to_double() / kUnit[r];
        }
    }

    void refresh_debt() {
        debt_units_ = d_scaled_.is_zero()
                          ? U256{}
                          : must(aave::debt_balance(d_scaled_, borrow_index_, o_.aave_version),
                                 "debt balanceOf");
        debt_ = debt_units_.to_double() / 1e18;
    }

    void settle_perps() {
        for (std::size_t p = 0; p < kPerpCount; ++p) {
            margin_ += perp_[p].qty * (prices_.mark[p] - perp_[p].last_mark);
            perp_[p].last_mark = prices_.mark[p];
        }
    }

    /// Portfolio value in integer base units of the share class (exposure monitor).
    std::int64_t valuation() {
        double perp_pnl = 0;
        for (std::size_t p = 0; p < kPerpCount; ++p)
            if (perp_[p].qty != 0.0)
                perp_pnl += perp_[p].qty * (prices_.mark[p] - perp_[p].last_mark);
        const double eth =
            eth_wallet_ + supply_[kWeth] - debt_ + supply_[kWsteth] * prices_.wsteth_eth;
        const double usd = usd_cash_ + margin_ + perp_pnl + supply_[kUsdt] +
                           btc_ * prices_.btc_usd + eth * prices_.eth_usd;
        const double unit = usd_class_ ? usd : usd / prices_.eth_usd;
        return round_units(unit * scale_);
    }

    // ---- risk monitor ----
    struct Risk {
        double health_factor = std::numeric_limits<double>::infinity();
        double distance = std::numeric_limits<double>::infinity();
        U256 health_factor_wad = U256::max();
    };

    Risk risk() const {
        Risk r;
        if (!debt_units_.is_zero()) {
            // Monitoring in doubles (relative error ~1e-15); near the threshold Aave's integer
            // account data decides, so a liquidation happens exactly when the chain's would.
            r.health_factor = supply_[kWsteth] * prices_.wsteth_eth * (lt_bps() * 1e-4) / debt_;
            r.distance = std::max(0.0, 1.0 - 1.0 / r.health_factor);
            if (r.health_factor >= kExactHealthBelow) return with_perps(r);
            const U256 eth_price{static_cast<std::uint64_t>(std::llround(prices_.eth_usd * 1e8))};
            const U256 lst_price{static_cast<std::uint64_t>(
                std::llround(prices_.wsteth_eth * prices_.eth_usd * 1e8))};
            const std::array<aave::AccountAsset, 2> assets{
                aave::AccountAsset{must(aave::value_in_base(supply_units_[kWsteth], lst_price, 18),
                                        "collateral value"),
                                   U256{}, lt_bps()},
                aave::AccountAsset{
                    U256{}, must(aave::value_in_base(debt_units_, eth_price, 18), "debt value"),
                    0}};
            const auto data = must(aave::account_data(assets), "account data");
            r.health_factor_wad = data.health_factor;
            r.health_factor = data.health_factor == U256::max()
                                  ? std::numeric_limits<double>::infinity()
                                  : data.health_factor.to_double() / 1e18;
            r.distance = std::max(0.0, 1.0 - 1.0 / r.health_factor);
        }
        return with_perps(r);
    }

    /// Adds the perps' distance to liquidation (the adverse move that takes the margin to the
    /// maintenance margin).
    Risk with_perps(Risk r) const {
        for (std::size_t p = 0; p < kPerpCount; ++p) {
            if (perp_[p].qty == 0.0) continue;
            const double notional = std::abs(perp_[p].qty) * prices_.mark[p];
            const double x =
                (margin_ / notional - o_.maintenance_margin) / (1.0 + o_.maintenance_margin);
            r.distance = std::min(r.distance, std::max(0.0, x));
        }
        return r;
    }

    /// risk() of the current state, computed once per state (every action logs an event, which
    /// marks it stale, as does a new hour).
    const Risk& current_risk() {
        if (!risk_fresh_) {
            risk_ = risk();
            risk_fresh_ = true;
        }
        return risk_;
    }

    std::uint16_t lt_bps() const {
        return static_cast<std::uint16_t>(std::lround(o_.liquidation_threshold * 1e4));
    }

    void liquidate(std::size_t t) {
        const Risk r = current_risk();
        if (!debt_units_.is_zero() &&
            r.health_factor_wad < aave::HEALTH_FACTOR_LIQUIDATION_THRESHOLD) {
            aave::LiquidationInputs in;
            in.health_factor = r.health_factor_wad;
            in.user_debt = debt_units_;
            in.debt_to_cover = U256::max();
            in.user_collateral = supply_units_[kWsteth];
            in.debt_price = U256{static_cast<std::uint64_t>(std::llround(prices_.eth_usd * 1e8))};
            in.collateral_price = U256{static_cast<std::uint64_t>(
                std::llround(prices_.wsteth_eth * prices_.eth_usd * 1e8))};
            in.liquidation_bonus_bps =
                static_cast<std::uint16_t>(10'000 + std::lround(o_.liquidation_bonus * 1e4));
            const auto liq = must(aave::liquidation_amounts(in), "liquidationCall");
            if (liq.allowed) {
                const U256 burn_debt =
                    must(aave::debt_burn_scaled(liq.debt_repaid, borrow_index_, o_.aave_version),
                         "debt burn");
                d_scaled_ = burn_debt > d_scaled_ ? U256{} : d_scaled_ - burn_debt;
                const U256 burn =
                    must(aave::atoken_burn_scaled(liq.collateral_to_liquidator + liq.protocol_fee,
                                                  liquidity_index_[kWsteth], o_.aave_version),
                         "aToken burn");
                a_scaled_[kWsteth] = burn > a_scaled_[kWsteth] ? U256{} : a_scaled_[kWsteth] - burn;
                refresh_supplies();
                refresh_debt();
                ++out_.summary.aave_liquidations;
                log(t, EventKind::AaveLiquidation, "wstETH",
                    (liq.collateral_to_liquidator + liq.protocol_fee).to_double() / 1e18, 0);
            }
        }
        for (std::size_t p = 0; p < kPerpCount; ++p) {
            if (perp_[p].qty == 0.0) continue;
            const double notional = std::abs(perp_[p].qty) * prices_.mark[p];
            if (margin_ >= o_.maintenance_margin * notional) continue;
            margin_ = std::max(0.0, margin_ - o_.liquidation_fee * notional);
            log(t, EventKind::PerpLiquidation, kPerpAsset[p], -perp_[p].qty, 0);
            perp_[p].qty = 0;
            ++out_.summary.perp_liquidations;
        }
    }

    // ---- execution (fees and slippage paid at once, gas collected and paid in its own stage) ----
    void log(std::size_t t, EventKind kind, std::string_view asset, double amount, double cost) {
        out_.events.push_back(Event{m_.time[t], ++order_, kind, asset, amount, cost});
        risk_fresh_ = false;
    }
    double to_unit_from_usd(double usd) const { return usd_class_ ? usd : usd / prices_.eth_usd; }
    double to_unit_from_eth(double eth) const { return usd_class_ ? eth * prices_.eth_usd : eth; }

    void gas(std::size_t t, double units) {
        const double eth = units * m_.gas_gwei[t] * 1e-9;
        pending_gas_eth_ += eth;
        log(t, EventKind::Gas, "ETH", eth, to_unit_from_eth(eth));
    }
    void pay_gas(std::size_t) {
        eth_wallet_ -= pending_gas_eth_;
        pending_gas_eth_ = 0;
    }

    void supply(std::size_t t, Reserve r, double amount) {
        const U256 units = base_units(amount, kUnit[r]);
        a_scaled_[r] +=
            must(aave::atoken_mint_scaled(units, liquidity_index_[r], o_.aave_version), "supply");
        refresh_supplies();
        log(t, EventKind::Supply, kReserveAsset[r], amount, 0);
    }
    /// Withdraws `amount` tokens (capped at the balance); returns what left the reserve.
    double withdraw(std::size_t t, Reserve r, double amount) {
        U256 units = base_units(amount, kUnit[r]);
        if (units > supply_units_[r]) units = supply_units_[r];
        const U256 burn =
            must(aave::atoken_burn_scaled(units, liquidity_index_[r], o_.aave_version), "withdraw");
        a_scaled_[r] = burn > a_scaled_[r] ? U256{} : a_scaled_[r] - burn;
        refresh_supplies();
        const double got = units.to_double() / kUnit[r];
        log(t, EventKind::Withdraw, kReserveAsset[r], got, 0);
        return got;
    }
    void borrow(std::size_t t, double amount) {
        const U256 units = base_units(amount, 1e18);
        d_scaled_ += must(aave::debt_mint_scaled(units, borrow_index_, o_.aave_version), "borrow");
        refresh_debt();
        log(t, EventKind::Borrow, "WETH", amount, 0);
    }
    /// Repays up to `amount` WETH (capped at the debt); returns what was repaid.
    double repay(std::size_t t, double amount) {
        U256 units = base_units(amount, 1e18);
        if (units > debt_units_) units = debt_units_;
        const U256 burn =
            must(aave::debt_burn_scaled(units, borrow_index_, o_.aave_version), "repay");
        d_scaled_ = burn > d_scaled_ ? U256{} : d_scaled_ - burn;
        refresh_debt();
        const double repaid = units.to_double() / 1e18;
        log(t, EventKind::Repay, "WETH", repaid, 0);
        return repaid;
    }
    /// ETH -> wstETH on a DEX: returns the wstETH received after fee and slippage.
    double eth_to_wsteth(std::size_t t, double eth) {
        const double fee = eth * cost_;
        log(t, EventKind::Swap, "ETH->wstETH", eth, to_unit_from_eth(fee));
        return (eth - fee) / prices_.wsteth_eth;
    }
    double wsteth_to_eth(std::size_t t, double wsteth) {
        const double eth = wsteth * prices_.wsteth_eth;
        const double fee = eth * cost_;
        log(t, EventKind::Swap, "wstETH->ETH", wsteth, to_unit_from_eth(fee));
        return eth - fee;
    }
    /// Spot trade of `usd` notional (positive: buy the coin); returns the coins received / sold.
    double spot_trade(std::size_t t, bool btc, double usd) {
        const double price = btc ? prices_.btc_usd : prices_.eth_usd;
        const double fee = std::abs(usd) * cost_;
        usd_cash_ -= usd + fee;
        const double coins = usd / price;
        log(t, EventKind::SpotTrade, btc ? "BTC" : "ETH", coins, to_unit_from_usd(fee));
        return coins;
    }
    void perp_trade(std::size_t t, Perp p, double dqty) {
        if (dqty == 0.0) return;
        const double fee = std::abs(dqty) * prices_.mark[p] * cost_;
        margin_ -= fee;
        perp_[p].qty += dqty;
        log(t, EventKind::PerpTrade, kPerpAsset[p], dqty, to_unit_from_usd(fee));
    }
    void to_margin(std::size_t t, double usd) {
        usd_cash_ -= usd;
        margin_ += usd;
        log(t, EventKind::MarginTransfer, "USD", usd, 0);
    }

    // ---- strategy manager ----
    Reserve lending_reserve() const { return usd_class_ ? kUsdt : kWeth; }

    void deploy(std::size_t t) {
        switch (o_.kind) {
            case StrategyKind::PureLending:
                if (usd_class_) {
                    supply(t, kUsdt, usd_cash_);
                    usd_cash_ = 0;
                } else {
                    supply(t, kWeth, eth_wallet_);
                    eth_wallet_ = 0;
                }
                gas(t, o_.costs.gas_per_tx);
                break;
            case StrategyKind::BtcBasis: {
                to_margin(t, o_.initial_capital * o_.margin_fraction);
                btc_ += spot_trade(t, true, usd_cash_ / (1.0 + cost_));
                perp_trade(t, kBtc, -btc_);
                break;
            }
            case StrategyKind::EthLeveragedStaking:
                open_loop(t, eth_wallet_);
                break;
            case StrategyKind::UsdtMarketNeutral: {
                to_margin(t, o_.initial_capital * o_.margin_fraction);
                const double eth = spot_trade(t, false, usd_cash_ / (1.0 + cost_));
                eth_wallet_ += eth;
                open_loop(t, eth);
                hedge(t);
                break;
            }
        }
    }

    /// Stakes `eth` and levers it to the target LTV by a flash loan or a sequential loop.
    void open_loop(std::size_t t, double eth) {
        eth_wallet_ -= eth;
        const double lst = eth_to_wsteth(t, eth);
        const double L = o_.target_ltv;
        if (o_.loop == LoopMethod::FlashLoan) {
            // Flash-borrow D WETH, swap to wstETH, supply everything, borrow D(1 + premium) to
            // repay: D(1 + p) = L (E' + D(1 - c)), E' the staked equity in ETH.
            const double p = o_.costs.flash_loan_fee_bps * 1e-4;
            const double equity = lst * prices_.wsteth_eth;
            const double d = L * equity / ((1.0 + p) - L * (1.0 - cost_));
            log(t, EventKind::FlashLoan, "WETH", d, to_unit_from_eth(d * p));
            const double more = eth_to_wsteth(t, d);
            supply(t, kWsteth, lst + more);
            borrow(t, d * (1.0 + p));
            log(t, EventKind::Repay, "WETH (flash loan)", d * (1.0 + p), 0);
            gas(t, o_.costs.gas_per_flash_loan);
        } else {
            supply(t, kWsteth, lst);
            gas(t, 2 * o_.costs.gas_per_tx);  // swap + supply
            for (unsigned i = 0; i < o_.loop_iterations; ++i) {
                const double room = L * supply_[kWsteth] * prices_.wsteth_eth - debt_;
                if (room <= 0) break;
                borrow(t, room);
                supply(t, kWsteth, eth_to_wsteth(t, room));
                gas(t, 3 * o_.costs.gas_per_tx);  // borrow, swap, supply
            }
        }
    }

    /// Sets the ETH perp short to the net ETH exposure of the rest of the book.
    void hedge(std::size_t t) {
        const double exposure = eth_wallet_ + supply_[kWsteth] * prices_.wsteth_eth - debt_;
        perp_trade(t, kEth, -exposure - perp_[kEth].qty);
    }

    void manage(std::size_t t) {
        switch (o_.kind) {
            case StrategyKind::PureLending:
                return;
            case StrategyKind::BtcBasis: {
                const double notional = std::abs(perp_[kBtc].qty) * prices_.mark[kBtc];
                if (btc_ <= 0.0 ||
                    (perp_[kBtc].qty != 0.0 && margin_ >= o_.rebalance_margin * notional))
                    return;
                // Back to the deployment split: sell spot into margin, resize the short.
                const double equity = usd_cash_ + margin_ + btc_ * prices_.btc_usd;
                const double target_btc = equity * (1.0 - o_.margin_fraction) / prices_.btc_usd;
                const double sell = btc_ - target_btc;
                if (sell > 0) {
                    btc_ += spot_trade(t, true, -sell * prices_.btc_usd);
                    to_margin(t, usd_cash_);
                }
                perp_trade(t, kBtc, -btc_ - perp_[kBtc].qty);
                ++out_.summary.rebalances;
                return;
            }
            case StrategyKind::EthLeveragedStaking:
            case StrategyKind::UsdtMarketNeutral: {
                const Risk& r = current_risk();
                if (!debt_units_.is_zero() && r.health_factor < o_.min_health_factor) {
                    // Atomic unwind to the target LTV: withdraw X (ETH value), swap, repay X(1 -
                    // c): debt - X(1 - c) = L (collateral - X).
                    const double coll = supply_[kWsteth] * prices_.wsteth_eth;
                    const double x =
                        (debt_ - o_.target_ltv * coll) / ((1.0 - cost_) - o_.target_ltv);
                    if (x > 0) {
                        const double got =
                            wsteth_to_eth(t, withdraw(t, kWsteth, x / prices_.wsteth_eth));
                        eth_wallet_ += got - repay(t, got);
                        gas(t, o_.costs.gas_per_flash_loan);
                        ++out_.summary.rebalances;
                    }
                }
                if (o_.kind == StrategyKind::UsdtMarketNeutral) top_up_margin(t);
                if (o_.kind == StrategyKind::UsdtMarketNeutral) {
                    const double exposure = eth_wallet_ + supply_[kWsteth] * prices_.wsteth_eth -
                                            debt_ + perp_[kEth].qty;
                    const double equity = static_cast<double>(valuation()) / scale_;
                    const double new_notional =
                        std::abs(exposure - perp_[kEth].qty) * prices_.mark[kEth];
                    if (std::abs(exposure) * prices_.eth_usd > o_.delta_threshold * equity &&
                        margin_ > 2.0 * o_.maintenance_margin * new_notional) {
                        hedge(t);
                        ++out_.summary.rebalances;
                    }
                }
                return;
            }
        }
    }

    /// Market neutral: when the perp margin falls below rebalance_margin of the notional, unwind
    /// a fraction of the Aave position atomically (withdraw, swap, repay), sell the freed ETH into
    /// the margin to restore margin_fraction / (1 - margin_fraction) of the notional, re-hedge.
    void top_up_margin(std::size_t t) {
        const double notional = std::abs(perp_[kEth].qty) * prices_.mark[kEth];
        if (perp_[kEth].qty == 0.0 || margin_ >= o_.rebalance_margin * notional) return;
        const double need = o_.margin_fraction / (1.0 - o_.margin_fraction) * notional - margin_;
        const double net = supply_[kWsteth] * prices_.wsteth_eth - debt_;
        if (net <= 0.0) return;
        const double phi = std::min(1.0, need / (net * prices_.eth_usd));
        const double debt_share = phi * debt_;
        const double eth = wsteth_to_eth(t, withdraw(t, kWsteth, phi * supply_[kWsteth]));
        const double freed = eth - repay(t, std::min(eth, debt_share));
        eth_wallet_ += freed + spot_trade(t, false, -freed * prices_.eth_usd);
        to_margin(t, usd_cash_);
        gas(t, o_.costs.gas_per_flash_loan);
        hedge(t);
        ++out_.summary.rebalances;
    }

    void summarise(std::int64_t start) {
        auto& s = out_.summary;
        const auto& h = out_.hours;
        s.hours = h.size() - 1;
        s.initial_equity = static_cast<double>(start) / scale_;
        s.final_equity = static_cast<double>(h.back().equity) / scale_;
        s.total_return = s.final_equity / s.initial_equity - 1.0;
        s.apy = s.hours == 0 ? 0.0
                             : std::pow(s.final_equity / s.initial_equity,
                                        8'760.0 / static_cast<double>(s.hours)) -
                                   1.0;
        double peak = s.initial_equity;
        s.min_health_factor = std::numeric_limits<double>::infinity();
        s.min_liquidation_distance = std::numeric_limits<double>::infinity();
        for (const auto& rec : h) {
            const double e = static_cast<double>(rec.equity) / scale_;
            peak = std::max(peak, e);
            s.max_drawdown = std::max(s.max_drawdown, 1.0 - e / peak);
            s.min_health_factor = std::min(s.min_health_factor, rec.health_factor);
            s.min_liquidation_distance =
                std::min(s.min_liquidation_distance, rec.liquidation_distance);
            for (std::size_t k = 0; k < kSourceCount; ++k) s.pnl[k] += rec.pnl[k];
        }
        s.liquidity_index_growth = h.back().liquidity_index / h.front().liquidity_index;
    }

    const MarketData& m_;
    const StrategyOptions& o_;
    const ReserveIndexes& idx_;
    YieldResult& out_;
    const PerpVenue* venue_;
    bool usd_class_ = true;
    double scale_ = 1e6;
    double cost_ = 0;  // fee + slippage fraction of a trade's notional
    std::array<U256, kReserveCount> liquidity_index_{};
    U256 borrow_index_;
    std::array<U256, kReserveCount> a_scaled_{}, supply_units_{};
    std::array<double, kReserveCount> supply_{};
    U256 d_scaled_, debt_units_;
    double debt_ = 0;
    double usd_cash_ = 0, eth_wallet_ = 0, btc_ = 0, margin_ = 0, pending_gas_eth_ = 0;
    std::array<PerpPosition, kPerpCount> perp_{};
    Prices prices_;
    std::uint64_t order_ = 0;
    Risk risk_;
    bool risk_fresh_ = false;
};

}  // namespace

std::uint8_t reserves_used(const StrategyOptions& o) noexcept {
    switch (o.kind) {
        case StrategyKind::PureLending:
            return o.share_class == ShareClass::Usdt ? 1 : 2;
        case StrategyKind::BtcBasis:
            return 0;
        case StrategyKind::EthLeveragedStaking:
        case StrategyKind::UsdtMarketNeutral:
            return 2 | 4;
    }
    return 7;
}

ReserveIndexes accrue_reserve_indexes(const MarketData& market, aave::Version version,
                                      std::uint8_t used) {
    ReserveIndexes out;
    out.version = version;
    out.reserves = used;
    out.at.resize(market.hours());
    std::array<aave::ReserveState, kReserveCount> reserves{};
    for (auto& r : reserves)
        r.last_update_timestamp = static_cast<std::uint64_t>(market.time.front());
    // The borrow index grows only while the reserve has debt: the market's, not just ours.
    reserves[kWeth].scaled_variable_debt = aave::RAY;
    for (std::size_t t = 0; t < market.hours(); ++t) {
        if (t > 0)
            for (std::size_t k = 0; k < kReserveCount; ++k)
                if ((used >> k & 1) != 0 &&
                    aave::update_state(reserves[k], static_cast<std::uint64_t>(market.time[t]),
                                       version) != amm::Revert::None)
                    throw InputError(
                        "market",
                        fmt::format("Aave updateState reverts at {} (an index beyond uint128)",
                                    format_utc_timestamp(market.time[t])));
        reserves[kUsdt].current_liquidity_rate = ray_rate(market.usdt_supply_apr[t]);
        reserves[kUsdt].current_variable_borrow_rate = ray_rate(market.usdt_borrow_apr[t]);
        reserves[kWeth].current_liquidity_rate = ray_rate(market.weth_supply_apr[t]);
        reserves[kWeth].current_variable_borrow_rate = ray_rate(market.weth_borrow_apr[t]);
        reserves[kWsteth].current_liquidity_rate = ray_rate(market.wsteth_supply_apr[t]);
        out.at[t] = {reserves[kUsdt].liquidity_index, reserves[kWeth].liquidity_index,
                     reserves[kWsteth].liquidity_index, reserves[kWeth].variable_borrow_index};
    }
    return out;
}

YieldResult run_backtest(const MarketData& market, const StrategyOptions& options,
                         const ReserveIndexes& indexes) {
    options.validate();
    if (market.hours() < 2) throw InputError("market", "must hold at least 2 hours");
    PFT_REQUIRE(indexes.version == options.aave_version && indexes.at.size() == market.hours() &&
                    (reserves_used(options) & ~indexes.reserves) == 0,
                "run_backtest: reserve indexes of another Aave version or market");
    YieldResult result;
    Backtest(market, options, indexes, result).run();
    return result;
}

YieldResult run_backtest(const MarketData& market, const StrategyOptions& options) {
    options.validate();
    if (market.hours() < 2) throw InputError("market", "must hold at least 2 hours");
    return run_backtest(
        market, options,
        accrue_reserve_indexes(market, options.aave_version, reserves_used(options)));
}

std::vector<YieldSummary> run_sweep(const MarketData& market,
                                    const std::vector<StrategyOptions>& variants,
                                    unsigned threads) {
    for (const auto& v : variants) v.validate();
    if (market.hours() < 2) throw InputError("market", "must hold at least 2 hours");
    std::array<ReserveIndexes, 3> indexes;
    for (const auto& v : variants) {
        auto& idx = indexes[static_cast<std::size_t>(v.aave_version)];
        if (idx.at.empty()) idx = accrue_reserve_indexes(market, v.aave_version);
    }
    std::vector<YieldSummary> out(variants.size());
    base::ParallelOptions parallel;
    parallel.threads = threads;
    base::parallel_for_chunks(variants.size(), parallel, [&](std::size_t i, unsigned) {
        YieldResult r;
        Backtest(market, variants[i], indexes[static_cast<std::size_t>(variants[i].aave_version)],
                 r)
            .run();
        out[i] = r.summary;
    });
    return out;
}

}  // namespace pftoken::integration::yield
