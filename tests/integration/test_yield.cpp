// The hourly yield backtester: exact attribution, the pure-lending APY against the supply index
// (the reference spec's 1166% APY cannot happen), closed forms for funding, leveraged staking
// and liquidations, event order and thread-count determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "pftoken/error.hpp"
#include "pftoken/integration/yield/engine.hpp"
#include "pftoken/integration/yield/spec.hpp"
#include "support/gtest_extra.hpp"

using namespace pftoken;
using namespace pftoken::integration::yield;

namespace {

/// Every series constant: BTC 60k, ETH 3k, wstETH 1.15 ETH, perps at spot, no funding, no rates.
MarketData constant_market(std::size_t hours) {
    MarketData m;
    for (std::size_t t = 0; t < hours; ++t)
        m.time.push_back(1'704'067'200 + static_cast<std::int64_t>(t) * 3600);
    m.btc_usd.assign(hours, 60'000.0);
    m.eth_usd.assign(hours, 3'000.0);
    m.wsteth_eth.assign(hours, 1.15);
    m.gas_gwei.assign(hours, 10.0);
    for (auto* v : {&m.usdt_supply_apr, &m.usdt_borrow_apr, &m.weth_supply_apr, &m.weth_borrow_apr,
                    &m.wsteth_supply_apr})
        v->assign(hours, 0.0);
    PerpVenue venue;
    venue.name = "binance";
    venue.btc_mark_usd = m.btc_usd;
    venue.eth_mark_usd = m.eth_usd;
    venue.btc_funding.assign(hours, 0.0);
    venue.eth_funding.assign(hours, 0.0);
    m.venues.push_back(venue);
    return m;
}

StrategyOptions costless(StrategyKind kind, ShareClass share_class) {
    StrategyOptions o;
    o.kind = kind;
    o.share_class = share_class;
    o.initial_capital = share_class == ShareClass::Usdt ? 100'000.0 : 100.0;
    o.costs = ExecutionCosts{0, 0, 0, 0, 0};
    return o;
}

std::vector<StrategyOptions> all_strategies() {
    std::vector<StrategyOptions> v;
    for (auto [k, c] : {std::pair{StrategyKind::PureLending, ShareClass::Usdt},
                        {StrategyKind::PureLending, ShareClass::Eth},
                        {StrategyKind::BtcBasis, ShareClass::Usdt},
                        {StrategyKind::EthLeveragedStaking, ShareClass::Eth},
                        {StrategyKind::UsdtMarketNeutral, ShareClass::Usdt}}) {
        StrategyOptions o;
        o.kind = k;
        o.share_class = c;
        o.initial_capital = c == ShareClass::Usdt ? 1e6 : 300.0;
        v.push_back(o);
    }
    v[3].loop = LoopMethod::Sequential;
    return v;
}

double units(const YieldResult& r, std::int64_t x) { return static_cast<double>(x) / r.unit_scale; }

}  // namespace

// The attribution sources sum to the hour's P&L exactly (integer base units, ==), every hour of
// random runs of every strategy, including hours with liquidations and rebalancing.
TEST(YieldAttribution, SumsExactlyEveryHourOfRandomRuns) {
    std::size_t liquidations = 0, rebalances = 0;
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        GeneratorOptions g;
        g.seed = seed;
        g.hours = 24 * 60;
        g.venues = {"binance"};
        g.eth_vol = 0.4 + 0.1 * static_cast<double>(seed);  // up to 1.6: some runs liquidate
        const auto market = generate_market_data(g);
        for (auto o : all_strategies()) {
            // Even seeds rebalance early; odd seeds only just above the maintenance margin, so
            // hourly moves jump through it and the risk monitor liquidates.
            o.rebalance_margin = seed % 2 == 0 ? 0.2 : 0.0501;
            const auto r = run_backtest(market, o);
            std::int64_t previous =
                static_cast<std::int64_t>(std::llround(o.initial_capital * r.unit_scale));
            for (const auto& h : r.hours) {
                const std::int64_t sum =
                    std::accumulate(h.pnl.begin(), h.pnl.end(), std::int64_t{0});
                ASSERT_EQ(sum, h.equity - previous)
                    << strategy_name(o.kind) << " seed " << seed << " at " << h.time;
                previous = h.equity;
            }
            const std::int64_t total =
                std::accumulate(r.summary.pnl.begin(), r.summary.pnl.end(), std::int64_t{0});
            ASSERT_EQ(total, r.hours.back().equity - static_cast<std::int64_t>(std::llround(
                                                         o.initial_capital * r.unit_scale)));
            liquidations += r.summary.aave_liquidations + r.summary.perp_liquidations;
            rebalances += r.summary.rebalances;
        }
    }
    EXPECT_GT(rebalances, 0u);    // the runs exercise the strategy manager
    EXPECT_GT(liquidations, 0u);  // and the risk monitor
}

// Regression for the reference spec's 1166% APY: pure lending's APY is the realised growth of
// the Aave liquidity index. At a constant 5% supply APR the index compounds the linear hourly
// factor 1 + 0.05*3600/31536000 = 1 + 0.05/8760 every hour, so over 8760 hours the APY is
// (1 + 0.05/8760)^8760 - 1 = 0.051267496467... (closed form; Aave's per-hour integer truncation
// is below 1e-27 per hour).
TEST(YieldRegression, PureLendingApyIsTheLiquidityIndexGrowth) {
    for (auto share_class : {ShareClass::Usdt, ShareClass::Eth}) {
        auto m = constant_market(8761);
        m.usdt_supply_apr.assign(m.hours(), 0.05);
        m.weth_supply_apr.assign(m.hours(), 0.05);
        m.weth_borrow_apr.assign(m.hours(), 0.07);
        const auto r = run_backtest(m, costless(StrategyKind::PureLending, share_class));
        const double closed_form = std::pow(1.0 + 0.05 / 8760.0, 8760.0) - 1.0;
        EXPECT_EQ(r.summary.hours, 8760u);
        EXPECT_NEAR(r.summary.apy, closed_form, 1e-9);
        EXPECT_NEAR(r.summary.liquidity_index_growth - 1.0, closed_form, 1e-12);
        EXPECT_NEAR(r.summary.apy, r.summary.liquidity_index_growth - 1.0, 1e-9);
        EXPECT_LT(r.summary.apy, 0.06);  // not 11.66
        // All of it is lending interest.
        EXPECT_EQ(r.summary.pnl[kLendingInterest], r.hours.back().equity - r.hours.front().equity);
        EXPECT_EQ(r.summary.pnl[kPrice], 0);
    }
}

// One hour at 5% APR: the linear liquidity factor 1 + 0.05/8760 = 1.000005707763 (issue 18).
TEST(YieldRegression, OneHourOfSupplyGrowsByTheLinearFactor) {
    auto m = constant_market(2);
    m.usdt_supply_apr.assign(2, 0.05);
    const auto r = run_backtest(m, costless(StrategyKind::PureLending, ShareClass::Usdt));
    EXPECT_NEAR(units(r, r.hours[1].equity) / 100'000.0, 1.000005707763, 1e-11);
}

// Basis trade at constant prices and funding f per hour: the short earns qty * mark * f an hour.
TEST(YieldStrategies, BasisEarnsFundingOnItsShort) {
    auto m = constant_market(101);
    m.venues[0].btc_funding.assign(m.hours(), 0.0001);
    auto o = costless(StrategyKind::BtcBasis, ShareClass::Usdt);
    const auto r = run_backtest(m, o);
    const double qty = 100'000.0 * 0.75 / 60'000.0;
    EXPECT_NEAR(units(r, r.summary.pnl[kFunding]), 100.0 * qty * 60'000.0 * 0.0001, 1e-4);
    EXPECT_NEAR(r.hours.back().btc_delta, 0.0, 1e-12);
    EXPECT_EQ(r.summary.pnl[kPrice], 0);
}

// Price move: the hedged basis book does not move with BTC; a +30% jump liquidates the short
// (margin 25k against 97.5k notional after the jump, below 5%), losing 1% of the notional.
TEST(YieldStrategies, PerpLiquidationLosesItsFee) {
    auto m = constant_market(20);
    for (std::size_t t = 10; t < m.hours(); ++t) {
        m.btc_usd[t] = 78'000.0;
        m.venues[0].btc_mark_usd[t] = 78'000.0;
    }
    auto o = costless(StrategyKind::BtcBasis, ShareClass::Usdt);
    const auto r = run_backtest(m, o);
    EXPECT_EQ(r.summary.perp_liquidations, 1u);
    EXPECT_NEAR(units(r, r.hours[10].pnl[kLiquidation]), -0.01 * 1.25 * 78'000.0, 1e-4);
    EXPECT_NEAR(units(r, r.hours[10].pnl[kPrice]), 0.0, 1e-4);  // spot gain = perp loss
}

// Leveraged staking, no borrow cost or fees: a flash loan to LTV 0.8 holds 5x the equity as
// collateral and 4x as debt, so equity(T) = E (5 g - 4) with g the wstETH rate growth.
TEST(YieldStrategies, LeveragedStakingEarnsLeveragedStakingYield) {
    auto m = constant_market(200);
    for (std::size_t t = 0; t < m.hours(); ++t)
        m.wsteth_eth[t] = 1.15 * (1.0 + 0.0001 * static_cast<double>(t));
    const auto flash =
        run_backtest(m, costless(StrategyKind::EthLeveragedStaking, ShareClass::Eth));
    const double g = m.wsteth_eth.back() / m.wsteth_eth.front();
    EXPECT_NEAR(units(flash, flash.hours.back().equity), 100.0 * (5.0 * g - 4.0), 1e-6);
    EXPECT_NEAR(units(flash, flash.summary.pnl[kStakingYield]), 100.0 * 5.0 * (g - 1.0), 1e-6);
    // HF = 5 * 0.95 / 4 = 1.1875 at the start (Aave's Σ collateral·LT / debt).
    EXPECT_NEAR(flash.hours.front().health_factor, 1.1875, 1e-9);

    // Sequential: 5 rounds reach leverage (1 - 0.8^6) / (1 - 0.8) = 3.68928.
    auto o = costless(StrategyKind::EthLeveragedStaking, ShareClass::Eth);
    o.loop = LoopMethod::Sequential;
    const auto seq = run_backtest(m, o);
    EXPECT_NEAR(seq.hours.front().gross_exposure, 100.0 * (3.68928 + 2.68928), 1e-6);
    EXPECT_GT(seq.events.size(), flash.events.size());
}

// An 18% depeg of the staking token takes HF to 5 * 0.82 * 0.95 / 4 = 0.97375 (above 0.95:
// close factor 50%): half the 400 ETH debt is repaid and 1.01x its value in collateral seized,
// a loss of 1% of 200 ETH = 2 ETH.
TEST(YieldStrategies, AaveLiquidationLosesTheBonus) {
    auto m = constant_market(20);
    for (std::size_t t = 10; t < m.hours(); ++t) m.wsteth_eth[t] = 1.15 * 0.82;
    const auto r = run_backtest(m, costless(StrategyKind::EthLeveragedStaking, ShareClass::Eth));
    EXPECT_EQ(r.summary.aave_liquidations, 1u);
    EXPECT_NEAR(units(r, r.hours[10].pnl[kLiquidation]), -2.0, 1e-6);
}

TEST(YieldEngine, EventsKeepOneGlobalOrder) {
    GeneratorOptions g;
    g.hours = 24 * 30;
    g.venues = {"binance"};
    const auto market = generate_market_data(g);
    for (const auto& o : all_strategies()) {
        const auto r = run_backtest(market, o);
        ASSERT_FALSE(r.events.empty());
        for (std::size_t i = 0; i < r.events.size(); ++i) {
            EXPECT_EQ(r.events[i].order, i + 1);
            if (i > 0) {
                EXPECT_LE(r.events[i - 1].time, r.events[i].time);
            }
        }
    }
}

TEST(YieldEngine, SweepIsTheSameOnAnyThreadCount) {
    GeneratorOptions g;
    g.hours = 24 * 20;
    g.venues = {"binance"};
    const auto market = generate_market_data(g);
    std::vector<StrategyOptions> variants;
    for (int i = 0; i < 12; ++i) {
        auto o = all_strategies()[static_cast<std::size_t>(i % 5)];
        o.target_ltv = 0.6 + 0.02 * i;
        o.margin_fraction = 0.15 + 0.02 * i;
        variants.push_back(o);
    }
    const auto one = run_sweep(market, variants, 1);
    const auto two = run_sweep(market, variants, 2);
    for (std::size_t i = 0; i < variants.size(); ++i) {
        EXPECT_EQ(one[i].final_equity, two[i].final_equity);
        EXPECT_EQ(one[i].pnl, two[i].pnl);
        EXPECT_EQ(one[i].final_equity, run_backtest(market, variants[i]).summary.final_equity);
    }
}

TEST(YieldEngine, OptionsNameTheFieldAndConstraint) {
    const auto m = constant_market(3);
    auto o = costless(StrategyKind::BtcBasis, ShareClass::Eth);
    EXPECT_THROW_MSG((void)run_backtest(m, o), InputError,
                     "share_class: btc_basis runs in the usdt share class");
    o = costless(StrategyKind::EthLeveragedStaking, ShareClass::Eth);
    o.target_ltv = 0.95;
    EXPECT_THROW_MSG((void)run_backtest(m, o), InputError,
                     "target_ltv: must be in (0, 0.93], got 0.95");
    o.target_ltv = 0.8;
    o.min_health_factor = 1.2;
    EXPECT_THROW_MSG((void)run_backtest(m, o), InputError,
                     "min_health_factor: must be in (1, 1.1875), got 1.2");
    o = costless(StrategyKind::BtcBasis, ShareClass::Usdt);
    o.venue = "okx";
    EXPECT_THROW_MSG((void)run_backtest(m, o), InputError, "venue: no perp data for venue 'okx'");
}

TEST(YieldSpecFile, ReadsStrategiesAndRefusesMistakesWhereWritten) {
    const auto spec = parse_yield_spec(
        "strategies:\n"
        "  - {name: a, strategy: pure_lending, share_class: eth, initial_capital: 10, "
        "aave_version: v3.5}\n"
        "  - {name: b, strategy: usdt_market_neutral, share_class: usdt, initial_capital: 1e6, "
        "venue: bybit,\n"
        "     loop: sequential, costs: {gas_per_tx: 0}}\n",
        "s.yaml");
    ASSERT_EQ(spec.strategies.size(), 2u);
    EXPECT_EQ(spec.strategies[0].aave_version, amm::aave::Version::V3_5);
    EXPECT_EQ(spec.strategies[1].loop, LoopMethod::Sequential);
    EXPECT_EQ(spec.strategies[1].costs.gas_per_tx, 0.0);
    EXPECT_EQ(spec.venues(), std::vector<std::string>{"bybit"});
    EXPECT_THROW_MSG(
        parse_yield_spec(
            "strategies:\n  - name: a\n    strategy: pure_lending\n    share_class: usdt\n"
            "    initial_capital: 1\n    target_lvt: 0.5\n",
            "s.yaml"),
        InputError,
        "s.yaml:6:5: strategies[0].target_lvt: unknown key (did you mean 'target_ltv'?)");
    EXPECT_THROW_MSG(
        parse_yield_spec(
            "strategies:\n  - name: a\n    strategy: eth_leveraged_staking\n    share_class: eth\n"
            "    initial_capital: 1\n    target_ltv: 0.99\n",
            "s.yaml"),
        InputError, "s.yaml:6:17: strategies[0].target_ltv: must be in (0, 0.93], got 0.99");
    EXPECT_THROW_MSG(
        parse_yield_spec("strategies:\n  - name: a\n    strategy: basis\n    share_class: usdt\n"
                         "    initial_capital: 1\n",
                         "s.yaml"),
        InputError, "s.yaml:3:15: strategies[0].strategy: must be one of pure_lending, btc_basis");
}

// Shared index paths give the same results as each run's own accrual (only the reserves a
// strategy reads are accrued there).
TEST(YieldEngine, SharedIndexesGiveTheSameResults) {
    GeneratorOptions g;
    g.hours = 24 * 10;
    g.venues = {"binance"};
    const auto market = generate_market_data(g);
    const auto all = accrue_reserve_indexes(market, amm::aave::Version::V3_4);
    for (const auto& o : all_strategies()) {
        const auto own = run_backtest(market, o);
        const auto shared = run_backtest(market, o, all);
        EXPECT_EQ(own.summary.pnl, shared.summary.pnl) << strategy_name(o.kind);
        EXPECT_EQ(own.hours.back().equity, shared.hours.back().equity);
    }
    const auto usdt_only = accrue_reserve_indexes(market, amm::aave::Version::V3_4, 1);
    EXPECT_THROW_MSG((void)run_backtest(market, all_strategies()[3], usdt_only), Error,
                     "reserve indexes of another");
}

// Gas: a flash-loan loop is one transaction of gas_per_flash_loan; a sequential loop of n rounds
// is 2 + 3n transactions of gas_per_tx (swap and supply, then borrow, swap, supply per round).
// At 10 gwei: 1e6 x 10 gwei = 0.01 ETH; (2 + 15) x 250,000 x 10 gwei = 0.0425 ETH.
TEST(YieldStrategies, LoopGasIsOneFlashLoanOrThreeTransactionsARound) {
    const auto m = constant_market(3);
    auto o = costless(StrategyKind::EthLeveragedStaking, ShareClass::Eth);
    o.costs.gas_per_tx = 250'000;
    o.costs.gas_per_flash_loan = 1'000'000;
    const auto flash = run_backtest(m, o);
    EXPECT_NEAR(units(flash, flash.hours[0].pnl[kGas]), -0.01, 1e-9);
    o.loop = LoopMethod::Sequential;
    const auto seq = run_backtest(m, o);
    EXPECT_NEAR(units(seq, seq.hours[0].pnl[kGas]), -0.0425, 1e-9);
}

// Basis rebalancing: BTC +20% takes the margin from 25k to 10k against a 90k notional (11.1%,
// below rebalance_margin 12%): the manager sells 15k of spot into the margin and resizes the
// short, back to margin / notional = 1/3, i.e. (1/3 - 0.05) / 1.05 = 0.269841 of adverse move
// to liquidation; without costs the equity stays 100k.
TEST(YieldStrategies, BasisRebalancesItsMarginBeforeLiquidation) {
    auto m = constant_market(10);
    for (std::size_t t = 5; t < m.hours(); ++t) {
        m.btc_usd[t] = 72'000.0;
        m.venues[0].btc_mark_usd[t] = 72'000.0;
    }
    const auto r = run_backtest(m, costless(StrategyKind::BtcBasis, ShareClass::Usdt));
    EXPECT_EQ(r.summary.rebalances, 1u);
    EXPECT_EQ(r.summary.perp_liquidations, 0u);
    EXPECT_NEAR(r.hours[4].liquidation_distance, (1.0 / 3.0 - 0.05) / 1.05, 1e-12);
    EXPECT_NEAR(r.hours[5].liquidation_distance, (1.0 / 3.0 - 0.05) / 1.05, 1e-9);
    EXPECT_NEAR(r.hours[5].btc_delta, 0.0, 1e-12);
    EXPECT_NEAR(units(r, r.hours.back().equity), 100'000.0, 1e-6);
}

// Extra rewards: 5x leverage on 100 ETH stakes 500 ETH; at 8.76% a year paid hourly in ETH
// (not restaked) 100 hours earn 500 x 0.0876 x 100 / 8760 = 0.5 ETH.
TEST(YieldStrategies, ExtraRewardsArePaidOnTheStakedEth) {
    const auto m = constant_market(101);
    auto o = costless(StrategyKind::EthLeveragedStaking, ShareClass::Eth);
    o.extra_rewards_apr = 0.0876;
    const auto r = run_backtest(m, o);
    EXPECT_NEAR(units(r, r.summary.pnl[kStakingYield]), 0.5, 1e-8);
}
