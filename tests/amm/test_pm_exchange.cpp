// The prediction-market exchange: LMSR closed forms through the exchange, budget inversion,
// pro-rata pools, the cross-matching boundary, auto-fill and seigniorage, gas, slippage,
// eliminations and final payouts (checked by a tally of the fills), every invariant over random
// sessions, and the state hash.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "support/gtest_extra.hpp"
#include "pftoken/amm/pm/exchange.hpp"
#include "pftoken/error.hpp"

namespace pm = pftoken::amm::pm;

namespace {

using pm::Side;
using pm::Token;

pm::ExchangeParams lmsr_params(std::size_t outcomes, double b) {
    pm::ExchangeParams p;
    p.outcomes = outcomes;
    p.subsidy = b * std::log(static_cast<double>(outcomes));  // b = Z / ln N
    p.cross_matching = true;
    p.auto_fill = false;
    return p;
}

pm::Order limit(std::uint64_t id, std::uint32_t user, std::uint32_t outcome, Token token, Side side, double size,
                double price, bool af = false) {
    pm::Order o;
    o.id = id;
    o.user = user;
    o.outcome = outcome;
    o.token = token;
    o.side = side;
    o.type = pm::OrderType::Limit;
    o.size = size;
    o.limit_price = price;
    o.auto_fill = af;
    o.ts_ms = static_cast<std::int64_t>(id);
    return o;
}

pm::Order market(std::uint64_t id, std::uint32_t user, std::uint32_t outcome, Token token, Side side, double size,
                 double max_slippage = 10.0) {
    pm::Order o = limit(id, user, outcome, token, side, size, 0.0);
    o.type = pm::OrderType::Market;
    o.max_slippage = max_slippage;
    return o;
}

pm::Order cancel(std::uint64_t id, std::uint32_t user, std::uint64_t target, std::int64_t ts) {
    pm::Order o;
    o.id = id;
    o.user = user;
    o.type = pm::OrderType::Cancel;
    o.cancel_id = target;
    o.ts_ms = ts;
    return o;
}

void run(pm::Exchange& ex, std::vector<pm::Order> orders, std::int64_t t, pm::BatchOutput* keep = nullptr) {
    pm::BatchOutput out;
    ex.apply_orders(orders, t, out);
    const auto report = ex.check_invariants();
    ASSERT_TRUE(report.ok()) << report.what;
    if (keep != nullptr) *keep = out;
}

// Independent LMSR cost (Hanson): C(q) = b ln sum_j exp(q_j / b), summed directly.
double lmsr_cost(const std::vector<double>& q, double b) {
    double s = 0.0;
    for (const double x : q) s += std::exp(x / b);
    return b * std::log(s);
}

}  // namespace

// Issue 16 verification numbers (Hanson's LMSR, b = 100): buying 10 YES from (0, 0) costs
// b ln((e^{10/b} + 1) / 2) = 5.1249479514 and moves p_YES to e^{0.1} / (e^{0.1} + 1) = 0.5249791875;
// three outcomes, buying 50 of outcome 0 costs b ln((e^{0.5} + 2) / 3) = 19.5764480750 with
// p_0 = e^{0.5} / (e^{0.5} + 2) = 0.4518627619. Through the exchange (f = 0, market orders).
TEST(PmExchange, LmsrClosedFormsThroughMarketOrders) {
    {
        pm::Exchange ex(lmsr_params(2, 100.0), std::vector<double>{1000.0});
        EXPECT_NEAR(ex.amm_cash(0, Token::Yes, Side::Buy, 10.0, 0), 5.1249479514, 1e-10);
        pm::BatchOutput out;
        run(ex, {market(1, 0, 0, Token::Yes, Side::Buy, 10.0)}, 0, &out);
        ASSERT_EQ(out.fills.size(), 1U);
        EXPECT_NEAR(out.fills[0].cash, 5.1249479514, 1e-10);
        EXPECT_NEAR(ex.price(0), 0.5249791875, 1e-10);
        EXPECT_NEAR(ex.account(0).cash, 1000.0 - 5.1249479514, 1e-10);
        EXPECT_DOUBLE_EQ(ex.account(0).yes[0], 10.0);
    }
    {
        pm::Exchange ex(lmsr_params(3, 100.0), std::vector<double>{1000.0});
        run(ex, {market(1, 0, 0, Token::Yes, Side::Buy, 50.0)}, 0);
        EXPECT_NEAR(1000.0 - ex.account(0).cash, 19.5764480750, 1e-10);
        EXPECT_NEAR(ex.price(0), 0.4518627619, 1e-10);
    }
}

// NO_i is a complete set minus YES_i: buying x NO_0 costs C(q + x e_1 + x e_2) - C(q) (buying every
// other outcome), recomputed here from the cost function directly; the fee f is on that cash leg.
TEST(PmExchange, NoTokenCostsEqualBuyingEveryOtherOutcome) {
    auto params = lmsr_params(3, 100.0);
    params.fee = 0.02;
    pm::Exchange ex(params, std::vector<double>{1000.0});
    run(ex, {market(1, 0, 1, Token::Yes, Side::Buy, 30.0)}, 0);
    const double b = 100.0;
    const std::vector<double> q{0.0, 30.0, 0.0};
    const double x = 25.0;
    const double expected = lmsr_cost({0.0, 30.0 + x, x}, b) - lmsr_cost(q, b);
    EXPECT_NEAR(ex.amm_cash(0, Token::No, Side::Buy, x, 0), expected * 1.02, 1e-10);
    // Selling NO_0 back: x - (C(q + x e_0) - C(q)), less the fee.
    const double back = x - (lmsr_cost({x, 30.0, 0.0}, b) - lmsr_cost(q, b));
    EXPECT_NEAR(ex.amm_cash(0, Token::No, Side::Sell, x, 0), -back * 0.98, 1e-10);
}

// size_for_budget inverts the AMM's cost of a size (fee included) to 1e-12 relative, by the
// shared root finder, for YES and NO in both cost models.
TEST(PmExchange, SizeForBudgetInvertsCostOfSize) {
    for (const auto model : {pm::CostModel::Lmsr, pm::CostModel::Parametric}) {
        auto params = lmsr_params(4, 80.0);
        params.model = model;
        params.fee = 0.01;
        params.zeta = {0.05, 0.1};
        params.kappa = {1.0, 2.0};
        pm::Exchange ex(params, std::vector<double>{1e6});
        run(ex, {market(1, 0, 2, Token::Yes, Side::Buy, 20.0)}, 0);
        for (const Token token : {Token::Yes, Token::No}) {
            for (const double budget : {0.001, 0.5, 3.0, 12.0}) {
                const std::size_t i = token == Token::Yes ? 0 : 2;
                const double x = ex.size_for_budget(i, token, budget, 0);
                if (x >= ex.amm_capacity(i, token, Side::Buy, 0)) continue;  // the budget buys the whole capacity
                EXPECT_NEAR(ex.amm_cash(i, token, Side::Buy, x, 0), budget, 1e-12 * budget)
                    << "model " << static_cast<int>(model) << " token " << static_cast<int>(token);
            }
        }
    }
}

// Two sellers of 30 and 10 at 0.40 and a buyer of 20 at 0.50: the buy pool and the sell pool
// cross, trade at the midpoint 0.45, and the sellers fill pro-rata 15 and 5.
TEST(PmExchange, PoolsFillProRataAtTheMidpoint) {
    auto params = lmsr_params(2, 100.0);
    params.fee = 0.3;  // keeps the AMM out of this test: its all-in prices are 0.65 / 0.35
    // Users 0 and 1 get YES by minting with user 3 (YES bid 0.5 + NO bid 0.5 = 1).
    pm::Exchange seed(params, std::vector<double>{100.0, 100.0, 100.0, 100.0});
    run(seed, {limit(1, 0, 0, Token::Yes, Side::Buy, 30.0, 0.5), limit(2, 1, 0, Token::Yes, Side::Buy, 10.0, 0.5),
               limit(3, 3, 0, Token::No, Side::Buy, 40.0, 0.5)},
        0);
    ASSERT_DOUBLE_EQ(seed.account(0).yes[0], 30.0);
    ASSERT_DOUBLE_EQ(seed.account(1).yes[0], 10.0);
    pm::BatchOutput out;
    run(seed, {limit(4, 0, 0, Token::Yes, Side::Sell, 30.0, 0.4), limit(5, 1, 0, Token::Yes, Side::Sell, 10.0, 0.4),
               limit(6, 2, 0, Token::Yes, Side::Buy, 20.0, 0.5)},
        1000, &out);
    EXPECT_DOUBLE_EQ(seed.account(2).yes[0], 20.0);
    EXPECT_NEAR(seed.account(2).cash, 100.0 - 20.0 * 0.45, 1e-12);
    EXPECT_NEAR(seed.resting(4), 15.0, 1e-12);
    EXPECT_NEAR(seed.resting(5), 5.0, 1e-12);
    EXPECT_NEAR(seed.account(0).cash, 100.0 - 15.0 + 15.0 * 0.45, 1e-12);
    EXPECT_NEAR(seed.pool_volume(0, Token::Yes, Side::Sell, 40), 20.0, 1e-12);
}

// The Polymarket crossing rule on both sides of the boundary: a YES bid at p and a NO bid at q
// mint complete sets when p + q >= 1 (0.45 + 0.55) and not at 0.45 + 0.54; asks merge when
// p + q <= 1 (0.55 + 0.45) and not at 0.56 + 0.45. The surplus |p + q - 1| is split equally.
TEST(PmExchange, CrossMatchingBoundary) {
    auto params = lmsr_params(2, 100.0);
    params.fee = 0.2;  // the AMM's all-in prices (0.6 to buy, 0.4 to sell) cross none of these orders
    params.fee_match = 0.0;
    {
        pm::Exchange ex(params, std::vector<double>{100.0, 100.0});
        run(ex, {limit(1, 0, 0, Token::Yes, Side::Buy, 10.0, 0.45), limit(2, 1, 0, Token::No, Side::Buy, 10.0, 0.54)},
            0);
        EXPECT_DOUBLE_EQ(ex.collateral(0), 0.0);
        EXPECT_DOUBLE_EQ(ex.resting(1), 10.0);
        EXPECT_DOUBLE_EQ(ex.resting(2), 10.0);
    }
    pm::Exchange ex(params, std::vector<double>{100.0, 100.0});
    run(ex, {limit(1, 0, 0, Token::Yes, Side::Buy, 10.0, 0.45), limit(2, 1, 0, Token::No, Side::Buy, 10.0, 0.56)}, 0);
    EXPECT_DOUBLE_EQ(ex.collateral(0), 10.0);
    EXPECT_DOUBLE_EQ(ex.account(0).yes[0], 10.0);
    EXPECT_DOUBLE_EQ(ex.account(1).no[0], 10.0);
    EXPECT_NEAR(ex.account(0).cash, 100.0 - 10.0 * 0.445, 1e-12);  // surplus 0.01 split
    EXPECT_NEAR(ex.account(1).cash, 100.0 - 10.0 * 0.555, 1e-12);
    // Merge boundary: 0.56 + 0.45 > 1 rests; then 0.55 + 0.45 = 1 merges.
    run(ex, {limit(3, 0, 0, Token::Yes, Side::Sell, 10.0, 0.56), limit(4, 1, 0, Token::No, Side::Sell, 10.0, 0.45)},
        1000);
    EXPECT_DOUBLE_EQ(ex.collateral(0), 10.0);
    pm::Order reprice = limit(6, 0, 0, Token::Yes, Side::Sell, 10.0, 0.55);
    reprice.ts_ms = 2001;  // after the cancellation, which returns the 10 YES it locked
    run(ex, {cancel(5, 0, 3, 2000), reprice}, 2000);
    EXPECT_NEAR(ex.collateral(0), 0.0, 1e-12);
    EXPECT_NEAR(ex.account(0).cash, 100.0 - 4.45 + 5.5, 1e-12);
    EXPECT_NEAR(ex.account(1).cash, 100.0 - 5.55 + 4.5, 1e-12);
    EXPECT_DOUBLE_EQ(ex.account(0).yes[0] + ex.account(0).locked_yes[0], 0.0);
}

// Gas is charged on every submission, rejected ones included, and never below a zero balance.
TEST(PmExchange, GasChargedOnRejectionsWithoutNegativeBalance) {
    auto params = lmsr_params(3, 100.0);
    params.gas_fee = 0.25;
    pm::Exchange ex(params, std::vector<double>{1.0, 0.1});
    pm::BatchOutput out;
    run(ex, {limit(1, 0, 0, Token::Yes, Side::Buy, 100.0, 0.5),          // insufficient balance
             limit(2, 0, 0, Token::Yes, Side::Buy, 1.0, 0.505),          // off the tick grid
             market(3, 1, 0, Token::Yes, Side::Buy, 1.0)},               // gas larger than the balance
        0, &out);
    EXPECT_DOUBLE_EQ(ex.account(0).cash, 0.5);
    EXPECT_DOUBLE_EQ(ex.account(0).gas_paid, 0.5);
    EXPECT_DOUBLE_EQ(ex.account(1).cash, 0.0);
    ASSERT_EQ(out.events.size(), 3U);
    EXPECT_STREQ(out.events[0].reason, "insufficient balance");
    EXPECT_STREQ(out.events[1].reason, "limit price off the tick grid or outside (0, 1)");
    EXPECT_STREQ(out.events[2].reason, "insufficient balance");
    EXPECT_DOUBLE_EQ(ex.gas_collected(), 0.6);
}

// A market order whose average price would exceed its max slippage is rejected whole: only the
// gas moves. Slippage = average all-in price / marginal all-in price before the order - 1.
TEST(PmExchange, MarketOrderRejectedWholeOnSlippage) {
    auto params = lmsr_params(3, 100.0);
    params.gas_fee = 0.01;
    pm::Exchange ex(params, std::vector<double>{1000.0});
    const double cost = ex.amm_cash(0, Token::Yes, Side::Buy, 60.0, 0);
    const double slippage = cost / 60.0 / (1.0 / 3.0) - 1.0;
    pm::BatchOutput out;
    run(ex, {market(1, 0, 0, Token::Yes, Side::Buy, 60.0, slippage * 0.999)}, 0, &out);
    EXPECT_TRUE(out.fills.empty());
    EXPECT_STREQ(out.events.at(0).reason, "max slippage exceeded");
    EXPECT_DOUBLE_EQ(ex.account(0).cash, 1000.0 - 0.01);
    EXPECT_NEAR(ex.price(0), 1.0 / 3.0, 1e-15);
    run(ex, {market(2, 0, 0, Token::Yes, Side::Buy, 60.0, slippage * 1.001)}, 1000, &out);
    EXPECT_NEAR(ex.account(0).cash, 1000.0 - 0.02 - cost, 1e-9);
}

// A market buy larger than the balance pays for is cut exactly to what the cash buys (the
// balance ends at zero, within the root finder's tolerance).
TEST(PmExchange, MarketBuyShrinksToTheBalance) {
    auto params = lmsr_params(2, 100.0);
    params.p_max = 0.51;  // the conservative entry check prices 137 at 0.51: 69.87 <= 70 passes
    pm::Exchange ex(params, std::vector<double>{70.0});
    run(ex, {market(1, 0, 0, Token::Yes, Side::Buy, 137.0)}, 0);
    EXPECT_NEAR(ex.account(0).cash, 0.0, 1e-9);
    const double x = ex.account(0).yes[0];
    EXPECT_LT(x, 137.0);
    // Independent: the LMSR cost of x from q = 0 is the whole balance.
    EXPECT_NEAR(lmsr_cost({x, 0.0}, 100.0) - lmsr_cost({0.0, 0.0}, 100.0), 70.0, 1e-9);
}

// Auto-fill: a YES_1 bid at 0.30 resting under the AMM (p_1 = 1/3) is passed by the cross-impact
// of a large buy of outcome 0. Opted in, it fills against the AMM at its limit; the surplus
// S = 0.30 x - cost(x) goes σ S to the market maker and (1 - σ) S back to the trader. The
// cost is recomputed from the LMSR cost function; an order that did not opt in keeps resting.
TEST(PmExchange, AutoFillCapturesSeigniorage) {
    for (const bool opt_in : {true, false}) {
        auto params = lmsr_params(3, 100.0);
        params.auto_fill = true;
        params.sigma = 0.25;
        pm::Exchange ex(params, std::vector<double>{100.0, 1000.0});
        run(ex, {limit(1, 0, 1, Token::Yes, Side::Buy, 10.0, 0.30, opt_in)}, 0);
        ASSERT_DOUBLE_EQ(ex.resting(1), 10.0);
        pm::BatchOutput out;
        run(ex, {market(2, 1, 0, Token::Yes, Side::Buy, 60.0)}, 1000, &out);
        if (!opt_in) {
            EXPECT_DOUBLE_EQ(ex.resting(1), 10.0);
            EXPECT_DOUBLE_EQ(ex.market_maker().seigniorage, 0.0);
            continue;
        }
        EXPECT_NEAR(ex.resting(1), 0.0, 1e-12);
        const double q0 = 60.0;
        const double cost = lmsr_cost({q0, 10.0, 0.0}, 100.0) - lmsr_cost({q0, 0.0, 0.0}, 100.0);
        const double surplus = 0.30 * 10.0 - cost;
        ASSERT_GT(surplus, 0.0);
        EXPECT_NEAR(ex.market_maker().seigniorage, 0.25 * surplus, 1e-12);
        EXPECT_NEAR(ex.account(0).cash, 100.0 - 3.0 + 0.75 * surplus, 1e-12);
        EXPECT_DOUBLE_EQ(ex.account(0).yes[1], 10.0);
        const auto af = std::find_if(out.fills.begin(), out.fills.end(),
                                     [](const pm::Fill& f) { return f.kind == pm::FillKind::AutoFill; });
        ASSERT_NE(af, out.fills.end());
        EXPECT_NEAR(af->rebate, 0.75 * surplus, 1e-12);
    }
}

// Elimination: NO_e holders are paid 1 per token, YES_e is worth nothing, the price of e is 0 and
// the others renormalise to p_j / (1 - p_e); orders on e are cancelled and their assets returned.
// Final: YES of the winner and NO of the others pay; all orders cancelled; the market locks.
TEST(PmExchange, EliminationThenFinalResolution) {
    pm::Exchange ex(lmsr_params(4, 100.0), std::vector<double>{500.0, 500.0});
    run(ex, {market(1, 0, 2, Token::No, Side::Buy, 20.0), market(2, 1, 2, Token::Yes, Side::Buy, 5.0),
             market(3, 1, 0, Token::Yes, Side::Buy, 30.0)},
        0);
    run(ex, {limit(4, 1, 2, Token::Yes, Side::Buy, 3.0, 0.01), limit(5, 0, 1, Token::No, Side::Buy, 2.0, 0.01)}, 1000);
    const double cash0 = ex.account(0).cash;
    const double cash1 = ex.account(1).cash;
    std::array<double, 4> before{};
    for (std::size_t i = 0; i < 4; ++i) before[i] = ex.price(i);
    const std::vector<std::uint32_t> eliminated{2};
    const auto res = ex.trigger_resolution(false, eliminated, 2000);
    ASSERT_TRUE(ex.check_invariants().ok()) << ex.check_invariants().what;
    EXPECT_DOUBLE_EQ(res.payouts[0], 20.0);
    EXPECT_DOUBLE_EQ(res.payouts[1], 0.0);
    EXPECT_NEAR(ex.account(1).cash, cash1 + 3.0 * 0.01, 1e-12);  // the bid on 2 was cancelled
    EXPECT_NEAR(ex.account(0).cash, cash0 + 20.0, 1e-12);
    EXPECT_EQ(ex.price(2), 0.0);
    for (const std::size_t j : {0U, 1U, 3U}) EXPECT_NEAR(ex.price(j), before[j] / (1.0 - before[2]), 1e-12);
    EXPECT_EQ(ex.active_count(), 3U);
    pm::BatchOutput out;
    run(ex, {limit(6, 0, 2, Token::Yes, Side::Buy, 1.0, 0.5)}, 3000, &out);
    EXPECT_STREQ(out.events.at(0).reason, "outcome not active");

    const std::vector<std::uint32_t> winner{0};
    const auto fin = ex.trigger_resolution(true, winner, 4000);
    EXPECT_DOUBLE_EQ(fin.payouts[1], 30.0);  // YES_0
    EXPECT_DOUBLE_EQ(fin.payouts[0], 0.0);
    EXPECT_TRUE(ex.locked());
    EXPECT_DOUBLE_EQ(ex.resting(5), 0.0);
    ASSERT_TRUE(ex.check_invariants().ok()) << ex.check_invariants().what;
    EXPECT_THROW_MSG((void)ex.trigger_resolution(true, winner, 5000), pftoken::InputError, "already resolved");
    run(ex, {limit(7, 0, 0, Token::Yes, Side::Buy, 1.0, 0.5)}, 5000, &out);
    EXPECT_STREQ(out.events.back().reason, "market resolved");
}

TEST(PmExchange, ResolutionRejectsBadOutcomeLists) {
    pm::Exchange ex(lmsr_params(3, 100.0), std::vector<double>{1.0});
    const std::vector<std::uint32_t> two{0, 1};
    EXPECT_THROW_MSG((void)ex.trigger_resolution(false, two, 0), pftoken::InputError,
                     "eliminate: must eliminate at least 1 outcome and leave at least 2 active, got 2 of 3");
    const std::vector<std::uint32_t> bad{7};
    EXPECT_THROW_MSG((void)ex.trigger_resolution(true, bad, 0), pftoken::InputError,
                     "winner: must name a distinct active outcome in [0, 3), got 7");
    auto params = lmsr_params(3, 100.0);
    params.tick_size = 0.03;
    EXPECT_THROW_MSG(pm::Exchange(params, std::vector<double>{1.0}), pftoken::InputError,
                     "tick_size: must divide 1 into at most 100000 ticks");
}

// Property test: random sessions (N = 3..10, both cost models, every toggle, fees, gas, ramps),
// random limit / market / cancel orders over 25 batches with up to two elimination rounds and a
// final resolution. After every batch and resolution every invariant holds; the payouts equal
// an independent tally of the positions rebuilt from the fills alone; each user's final cash
// equals start - gas - fill cash + payouts.
TEST(PmExchange, RandomSessionsKeepEveryInvariantAndPayoutsMatchATally) {
    std::mt19937_64 rng(20261207);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::array<int, 5> kinds{};  // fills seen per FillKind: the sessions exercise every path
    int rejected = 0;
    for (int session = 0; session < 40; ++session) {
        pm::ExchangeParams params;
        params.outcomes = 3 + static_cast<std::size_t>(rng() % 8);
        params.model = session % 2 == 0 ? pm::CostModel::Lmsr : pm::CostModel::Parametric;
        params.subsidy = 50.0 + 200.0 * unit(rng);
        params.tick_size = 0.01;
        params.fee = 0.03 * unit(rng);
        params.fee_match = 0.01 * unit(rng);
        params.p_min = 0.01;
        params.p_max = 0.99;
        params.zeta = {0.5 * unit(rng) / static_cast<double>(params.outcomes - 1), 0.0};
        params.mu = {1.0, 1.5};
        params.kappa = {0.5, 2.0};
        params.t_end_s = 100.0;
        params.cross_matching = rng() % 2 == 0;
        params.auto_fill = rng() % 2 == 0;
        params.sigma = unit(rng);
        params.af_cap_frac = 0.5 + 0.5 * unit(rng);
        params.gas_fee = 0.01;
        const std::size_t n_users = 6;
        std::vector<double> start(n_users);
        for (auto& s : start) s = 200.0 + 800.0 * unit(rng);
        pm::Exchange ex(params, start);

        // Independent tally: positions from the fills, cash from the fills and the gas.
        std::vector<std::array<std::array<double, 2>, pm::kMaxOutcomes>> pos(n_users);
        std::vector<double> fill_cash(n_users, 0.0);
        std::vector<double> paid(n_users, 0.0);
        std::vector<bool> alive(params.outcomes, true);
        std::uint64_t next_id = 1;
        std::vector<std::uint64_t> placed;
        const auto record = [&](const pm::BatchOutput& out) {
            for (const pm::Event& e : out.events) rejected += e.kind == pm::EventKind::Rejected ? 1 : 0;
            for (const pm::Fill& f : out.fills) {
                ++kinds[static_cast<std::size_t>(f.kind)];
                if (f.user == pm::kMarketMaker) continue;
                pos[f.user][f.outcome][static_cast<std::size_t>(f.token)] += f.side == Side::Buy ? f.size : -f.size;
                fill_cash[f.user] += f.cash;
            }
        };
        const auto tally = [&](const pm::ResolutionOutput& res, const std::vector<std::uint32_t>& which, bool final) {
            for (std::size_t u = 0; u < n_users; ++u) {
                double expect = 0.0;
                for (std::size_t i = 0; i < params.outcomes; ++i) {
                    if (!alive[i]) continue;
                    const bool hit = std::find(which.begin(), which.end(), i) != which.end();
                    if (!final && !hit) continue;
                    expect += final ? pos[u][i][hit ? 0 : 1] : pos[u][i][1];
                    pos[u][i] = {0.0, 0.0};
                }
                EXPECT_NEAR(res.payouts[u], expect, 1e-9) << "session " << session << " user " << u;
                paid[u] += expect;
            }
            if (!final)
                for (const auto e : which) alive[e] = false;
        };
        int eliminations = 0;
        for (int batch = 0; batch < 25; ++batch) {
            const auto t = static_cast<std::int64_t>(batch) * 4000;
            std::vector<pm::Order> orders;
            const int count = 5 + static_cast<int>(rng() % 20);
            for (int k = 0; k < count; ++k) {
                const auto u = static_cast<std::uint32_t>(rng() % n_users);
                const auto i = static_cast<std::uint32_t>(rng() % params.outcomes);
                const Token token = rng() % 2 == 0 ? Token::Yes : Token::No;
                const Side side = rng() % 3 == 0 ? Side::Sell : Side::Buy;
                const double size = 1.0 + 30.0 * unit(rng);
                const auto roll = rng() % 10;
                pm::Order o;
                if (roll < 5) {
                    const double p = static_cast<double>(1 + rng() % 99) * 0.01;
                    o = limit(next_id, u, i, token, side, size, p, rng() % 2 == 0);
                    placed.push_back(next_id);
                } else if (roll < 9) {
                    o = market(next_id, u, i, token, side, size, unit(rng) < 0.2 ? 0.01 : 5.0);
                } else if (!placed.empty()) {
                    o.id = next_id;
                    o.user = u;
                    o.type = pm::OrderType::Cancel;
                    o.cancel_id = placed[rng() % placed.size()];
                } else {
                    continue;
                }
                o.ts_ms = t + static_cast<std::int64_t>(rng() % 1000);
                ++next_id;
                orders.push_back(o);
            }
            pm::BatchOutput out;
            ex.apply_orders(orders, t, out);
            record(out);
            const auto report = ex.check_invariants();
            ASSERT_TRUE(report.ok()) << "session " << session << " batch " << batch << ": " << report.what;
            if ((batch == 8 || batch == 16) && ex.active_count() > 2 && eliminations < 2) {
                std::vector<std::uint32_t> elim;
                for (std::uint32_t i = 0; i < params.outcomes && elim.empty(); ++i)
                    if (ex.active(i) && rng() % 2 == 0) elim.push_back(i);
                if (elim.empty())
                    for (std::uint32_t i = 0; i < params.outcomes && elim.empty(); ++i)
                        if (ex.active(i)) elim.push_back(i);
                const auto res = ex.trigger_resolution(false, elim, t + 2000);
                tally(res, elim, false);
                ++eliminations;
                const auto after = ex.check_invariants();
                ASSERT_TRUE(after.ok()) << "session " << session << " elimination: " << after.what;
            }
        }
        std::vector<std::uint32_t> winner;
        for (std::uint32_t i = 0; i < params.outcomes && winner.empty(); ++i)
            if (ex.active(i) && rng() % 2 == 0) winner.push_back(i);
        for (std::uint32_t i = 0; i < params.outcomes && winner.empty(); ++i)
            if (ex.active(i)) winner.push_back(i);
        const auto fin = ex.trigger_resolution(true, winner, 200000);
        tally(fin, winner, true);
        const auto report = ex.check_invariants();
        ASSERT_TRUE(report.ok()) << "session " << session << " final: " << report.what;
        EXPECT_LE(ex.mm_risk(), params.subsidy + 1e-9);
        for (std::size_t u = 0; u < n_users; ++u) {
            EXPECT_NEAR(ex.account(u).cash, start[u] - ex.account(u).gas_paid - fill_cash[u] + paid[u], 1e-8)
                << "session " << session << " user " << u;
            EXPECT_NEAR(ex.account(u).locked_cash, 0.0, 1e-9);
        }
    }
    for (std::size_t k = 0; k < kinds.size(); ++k) EXPECT_GT(kinds[k], 10) << "fill kind " << k;
    EXPECT_GT(rejected, 10);
}

// One-sided buying drives the LMSR market maker to its worst case b ln N = Z and no further.
TEST(PmExchange, MarketMakerLossReachesButNeverExceedsZ) {
    auto params = lmsr_params(5, 50.0);
    pm::Exchange ex(params, std::vector<double>{1e9});
    for (int k = 0; k < 40; ++k) run(ex, {market(static_cast<std::uint64_t>(k + 1), 0, 3, Token::Yes, Side::Buy, 100.0)}, k);
    EXPECT_LE(ex.mm_loss_if(3), params.subsidy + 1e-9);
    EXPECT_GT(ex.mm_loss_if(3), 0.999 * params.subsidy);
}

// Same inputs give the same state hash; one different order gives another.
TEST(PmExchange, StateHashIsDeterministic) {
    const auto session = [](double last_size) {
        auto params = lmsr_params(3, 100.0);
        params.auto_fill = true;
        pm::Exchange ex(params, std::vector<double>{500.0, 500.0});
        pm::BatchOutput out;
        ex.apply_orders(std::vector<pm::Order>{limit(2, 0, 1, Token::Yes, Side::Buy, 10.0, 0.3, true),
                                               market(1, 1, 0, Token::Yes, Side::Buy, last_size)},
                        0, out);
        return std::pair{ex.state_hash(), ex.canonical_state()};
    };
    const auto a = session(40.0);
    const auto b = session(40.0);
    const auto c = session(40.5);
    EXPECT_EQ(a.first, b.first);
    EXPECT_EQ(a.second, b.second);
    EXPECT_NE(a.first, c.first);
    EXPECT_EQ(a.second.rfind("pftoken-pm-state 1\n", 0), 0U);
}

// Auto-fill limits: af_cap_frac fills only that share of a pool's opted-in volume per batch;
// af_max_pools stops after that many pool fills; af_max_surplus cuts the last fill at the root of
// S(x) = the room left, so the surplus captured in the batch equals the cap.
TEST(PmExchange, AutoFillCapsBind) {
    const auto setup = [](double cap_frac, std::size_t max_pools, double max_surplus) {
        auto params = lmsr_params(3, 100.0);
        params.auto_fill = true;
        params.sigma = 0.4;
        params.af_cap_frac = cap_frac;
        params.af_max_pools = max_pools;
        params.af_max_surplus = max_surplus;
        auto ex = std::make_unique<pm::Exchange>(params, std::vector<double>{100.0, 100.0, 1000.0});
        run(*ex, {limit(1, 0, 1, Token::Yes, Side::Buy, 10.0, 0.30, true),
                  limit(2, 1, 2, Token::Yes, Side::Buy, 10.0, 0.30, true)},
            0);
        run(*ex, {market(3, 2, 0, Token::Yes, Side::Buy, 60.0)}, 1000);
        return ex;
    };
    {
        const auto ex = setup(0.5, 16, 1e300);
        EXPECT_NEAR(ex->resting(1), 5.0, 1e-12);
        EXPECT_NEAR(ex->resting(2), 5.0, 1e-12);
    }
    {
        const auto ex = setup(1.0, 1, 1e300);
        EXPECT_NEAR(ex->resting(1), 0.0, 1e-12);  // outcome 1 is scanned first
        EXPECT_DOUBLE_EQ(ex->resting(2), 10.0);
    }
    {
        const auto full = setup(1.0, 16, 1e300);
        const double surplus_one = full->market_maker().seigniorage / 0.4 / 2.0;  // two equal pools
        const double cap = 1.5 * surplus_one;
        const auto ex = setup(1.0, 16, cap);
        EXPECT_NEAR(ex->market_maker().seigniorage, 0.4 * cap, 1e-10);
        EXPECT_NEAR(ex->resting(1), 0.0, 1e-12);
        EXPECT_GT(ex->resting(2), 0.0);
        EXPECT_LT(ex->resting(2), 10.0);
    }
}

// The parametric model through the exchange: buying x YES_i costs (1 + f)(p x + a x^2 / 2) with
// a = μ κ f_own / Z (1 + η (p - p_min) / (p_max - p)) and f_own = 1 - (N - 1) ζ, computed here
// from the parameters (docs/prediction-market.md, section 2), the own price moves by a x and
// each other active price by -a x / (N - 1).
TEST(PmExchange, ParametricBuyThroughTheExchange) {
    pm::ExchangeParams params;
    params.outcomes = 4;
    params.model = pm::CostModel::Parametric;
    params.subsidy = 100.0;
    params.fee = 0.01;
    params.eta = 0.2;
    params.zeta = {0.1, 0.1};
    params.mu = {2.0, 2.0};
    params.kappa = {1.5, 1.5};
    pm::Exchange ex(params, std::vector<double>{1000.0});
    const double p = 0.25;
    const double f_own = 1.0 - 3.0 * 0.1;
    const double a = 2.0 * 1.5 * f_own / 100.0 * (1.0 + 0.2 * (p - 0.01) / (0.99 - p));
    const double x = 4.0;
    pm::BatchOutput out;
    run(ex, {market(1, 0, 2, Token::Yes, Side::Buy, x)}, 0, &out);
    ASSERT_EQ(out.fills.size(), 1U);
    EXPECT_NEAR(out.fills[0].cash, 1.01 * (p * x + 0.5 * a * x * x), 1e-12);
    EXPECT_NEAR(ex.price(2), p + a * x, 1e-12);
    EXPECT_NEAR(ex.price(0), p - a * x / 3.0, 1e-12);
}

namespace {

// Long sessions: filled and cancelled orders are freed once they outnumber the open ones (plus a
// slack of 4096), so the records held stay within 2 x open + 4097 whatever the session's length;
// a freed order's id stays known (a duplicate is still rejected, its cancel finds nothing open)
// and the pools keep their exact volumes (whole-unit orders: the volume is the open count).
TEST(PmExchange, FinishedOrdersAreFreedInLongSessions) {
    pm::Exchange ex(lmsr_params(3, 100.0), std::vector<double>{1e6});
    std::size_t largest = 0;
    const int batches = 7000;
    for (int b = 0; b < batches; ++b) {
        const auto id = static_cast<std::uint64_t>(3 * b);
        std::vector<pm::Order> orders{limit(id + 1, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05),
                                      limit(id + 2, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05),
                                      limit(id + 3, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05)};
        if (b > 0) {  // cancel two of the previous batch's three orders: one more stays open per batch
            const auto cancel_id = static_cast<std::uint64_t>(10'000'000 + 2 * b);  // a second run of ids
            orders.push_back(cancel(cancel_id, 0, id - 2, static_cast<std::int64_t>(id) + 4));
            orders.push_back(cancel(cancel_id + 1, 0, id - 1, static_cast<std::int64_t>(id) + 5));
        }
        pm::BatchOutput out;
        ex.apply_orders(orders, 1000 * static_cast<std::int64_t>(b), out);
        ASSERT_EQ(out.events.size(), b > 0 ? 2U : 0U) << "batch " << b;  // the two cancellations
        largest = std::max(largest, ex.stored_orders());
        ASSERT_LE(ex.stored_orders(), 2 * ex.open_orders() + 4097) << "batch " << b;
        // The id index holds the records only (one id each, plus the tombstone once compacted);
        // the ids used, 1 .. 3b + 3 and 10,000,002 .. 10,000,001 + 2b, are two ranges whichever
        // orders are still open.
        ASSERT_LE(ex.indexed_ids(), ex.stored_orders()) << "batch " << b;
        ASSERT_GE(ex.indexed_ids() + 1, ex.stored_orders()) << "batch " << b;
        ASSERT_EQ(ex.used_id_ranges(), b > 0 ? 2U : 1U) << "batch " << b;
        if (b % 1000 == 999) {
            ASSERT_TRUE(ex.check_invariants().ok()) << ex.check_invariants().what;
        }
    }
    EXPECT_EQ(ex.open_orders(), static_cast<std::size_t>(batches) + 2);
    EXPECT_LT(largest, static_cast<std::size_t>(3 * batches));  // without freeing: 21,000 records
    EXPECT_DOUBLE_EQ(ex.pool_volume(0, Token::Yes, Side::Buy, 5), static_cast<double>(batches + 2));
    EXPECT_DOUBLE_EQ(ex.resting(1), 0.0);  // cancelled and freed
    EXPECT_DOUBLE_EQ(ex.resting(3), 1.0);  // open since the first batch
    pm::BatchOutput out;
    run(ex, {limit(1, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05), cancel(20'000'000, 0, 2, 1)}, 1000 * batches, &out);
    ASSERT_EQ(out.events.size(), 2U);
    EXPECT_STREQ(out.events[0].reason, "duplicate order id");
    EXPECT_STREQ(out.events[1].reason, "no open order to cancel");
    // Around the range of placed ids: 0 and 3 x batches + 1 were never placed (accepted), 3 x
    // batches - 1 was (the last batch's, cancelled: a duplicate), as was the open 3.
    const auto placed = static_cast<std::uint64_t>(3 * batches);
    pm::BatchOutput edges;
    run(ex, {limit(0, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05), limit(3, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05),
             limit(placed - 1, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05),
             limit(placed + 1, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05)},
        1000 * batches + 500, &edges);
    ASSERT_EQ(edges.events.size(), 2U);
    EXPECT_EQ(edges.events[0].order_id, 3U);
    EXPECT_EQ(edges.events[1].order_id, placed - 1);
    EXPECT_DOUBLE_EQ(ex.resting(0), 1.0);
    EXPECT_DOUBLE_EQ(ex.resting(placed + 1), 1.0);
    const std::vector<std::uint32_t> winner{1};
    const auto fin = ex.trigger_resolution(true, winner, 1000 * (batches + 1));
    ASSERT_TRUE(ex.check_invariants().ok()) << ex.check_invariants().what;
    EXPECT_EQ(ex.open_orders(), 0U);
    // Every open order cancelled, then the resolution itself.
    EXPECT_EQ(fin.events.size(), static_cast<std::size_t>(batches) + 5);
    EXPECT_EQ(fin.events.back().kind, pm::EventKind::Resolved);
    EXPECT_NEAR(ex.account(0).locked_cash, 0.0, 1e-9);
}

// Order ids are unique over a session whatever the order's type and fate: the id of a market or
// cancel order, or of an order rejected (here for its balance, or in a frozen batch), is refused
// to a later order of any type as a limit order's is, and the event names the id.
TEST(PmExchange, IdsOfEverySubmissionAreNotReusable) {
    pm::Exchange ex(lmsr_params(3, 100.0), std::vector<double>{1000.0, 1.0});
    pm::BatchOutput first;
    run(ex, {limit(1, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05), market(2, 0, 1, Token::Yes, Side::Buy, 1.0),
             cancel(3, 0, 1, 3), limit(4, 1, 0, Token::Yes, Side::Buy, 100.0, 0.5)},
        0, &first);
    ASSERT_EQ(first.fills.size(), 1U);  // the market order, from the AMM
    ASSERT_EQ(first.events.size(), 2U);
    EXPECT_EQ(first.events[0].kind, pm::EventKind::Cancelled);
    EXPECT_STREQ(first.events[1].reason, "insufficient balance");
    ex.set_frozen(true);
    pm::BatchOutput frozen;
    run(ex, {limit(5, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05)}, 1000, &frozen);
    ASSERT_EQ(frozen.events.size(), 1U);
    EXPECT_STREQ(frozen.events[0].reason, "trading frozen");
    ex.set_frozen(false);
    EXPECT_EQ(ex.used_id_ranges(), 1U);  // 1 .. 5

    // In (ts_ms, id) order: the ids of the market order, the cancel, the rejected and the frozen
    // orders; a new limit, a cancel reusing its id; a cancel finding nothing open.
    pm::BatchOutput out;
    run(ex, {limit(2, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05), market(3, 0, 1, Token::Yes, Side::Buy, 1.0),
             limit(4, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05), cancel(5, 0, 1, 5),
             limit(6, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05), cancel(6, 0, 6, 7), cancel(7, 0, 1, 8)},
        2000, &out);
    EXPECT_TRUE(out.fills.empty());
    ASSERT_EQ(out.events.size(), 6U);
    const std::array<std::uint64_t, 6> ids{2, 3, 4, 5, 6, 7};
    for (std::size_t k = 0; k < ids.size(); ++k) {
        EXPECT_EQ(out.events[k].kind, pm::EventKind::Rejected) << k;
        EXPECT_EQ(out.events[k].order_id, ids[k]) << k;
        EXPECT_STREQ(out.events[k].reason, k + 1 < ids.size() ? "duplicate order id" : "no open order to cancel") << k;
    }
    EXPECT_DOUBLE_EQ(ex.resting(6), 1.0);  // the cancel reusing its id did not cancel it
    EXPECT_EQ(ex.used_id_ranges(), 1U);  // 1 .. 7

    pm::BatchOutput last;
    run(ex, {market(7, 0, 1, Token::Yes, Side::Buy, 1.0), limit(9, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05)}, 3000,
        &last);
    ASSERT_EQ(last.events.size(), 1U);
    EXPECT_EQ(last.events[0].order_id, 7U);
    EXPECT_STREQ(last.events[0].reason, "duplicate order id");
    EXPECT_TRUE(last.fills.empty());
    EXPECT_EQ(ex.used_id_ranges(), 2U);  // 1 .. 7 and 9
}

// The ids used are one range per run of consecutive ids, whatever the orders' types: 10,000 ids
// cycling limit, market, cancel (the pattern of `pm simulate`) are one range after every batch
// (freed orders' ids stay in it: FinishedOrdersAreFreedInLongSessions); each stays refused.
TEST(PmExchange, InterleavedIdsAreOneRange) {
    pm::Exchange ex(lmsr_params(3, 100.0), std::vector<double>{1e7});
    constexpr std::uint64_t kIds = 10'000;
    constexpr std::uint64_t kPerBatch = 100;
    std::vector<pm::Order> orders;
    for (std::uint64_t first = 1; first <= kIds; first += kPerBatch) {
        orders.clear();
        for (std::uint64_t id = first; id < first + kPerBatch; ++id) {
            if (id % 3 == 1) {
                orders.push_back(limit(id, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05));
            } else if (id % 3 == 2) {  // alternately YES and NO: the price stays near 1/3
                orders.push_back(market(id, 0, 1, id % 2 == 0 ? Token::Yes : Token::No, Side::Buy, 1.0));
            } else {
                orders.push_back(cancel(id, 0, id - 2, static_cast<std::int64_t>(id)));
            }
        }
        pm::BatchOutput out;
        ex.apply_orders(orders, static_cast<std::int64_t>(first + kPerBatch), out);
        for (const auto& e : out.events) ASSERT_NE(e.kind, pm::EventKind::Rejected) << e.order_id << " " << e.reason;
        ASSERT_EQ(ex.used_id_ranges(), 1U) << "after id " << first + kPerBatch - 1;
    }
    ASSERT_TRUE(ex.check_invariants().ok()) << ex.check_invariants().what;
    // Every id is refused: a limit, a market order, a cancel and the two ends, none taken again.
    pm::BatchOutput out;
    ex.apply_orders(std::vector<pm::Order>{limit(1, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05),
                                           limit(5000, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05),
                                           limit(5001, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05),
                                           limit(5002, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05),
                                           limit(kIds, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05),
                                           limit(kIds + 1, 0, 0, Token::Yes, Side::Buy, 1.0, 0.05)},
                    static_cast<std::int64_t>(kIds + 1000), out);
    ASSERT_EQ(out.events.size(), 5U);
    for (const auto& e : out.events) EXPECT_STREQ(e.reason, "duplicate order id") << e.order_id;
    EXPECT_DOUBLE_EQ(ex.resting(kIds + 1), 1.0);
    EXPECT_EQ(ex.used_id_ranges(), 1U);
}

// Ids in any order, repeated within and across batches: each is taken by its first submission in
// (ts_ms, id) order and refused afterwards, and the ranges held are the runs of consecutive ids
// of a plain std::set of the ids taken (an independent tally). Batches of 1 to 400 orders mix
// ids below, among and above the ones taken, so both merges run (a batch's ids into the recent
// ranges, those into the rest).
TEST(PmExchange, IdsInAnyOrderAreTakenOnceAndHeldAsRuns) {
    pm::Exchange ex(lmsr_params(3, 100.0), std::vector<double>{1e6});
    std::set<std::uint64_t> taken;
    const auto runs = [&] {
        std::size_t n = 0;
        std::uint64_t last = 0;
        for (const std::uint64_t id : taken) {
            if (n == 0 || id != last + 1) ++n;
            last = id;
        }
        return n;
    };
    std::mt19937_64 rng(20261207);
    std::int64_t t = 0;
    std::size_t largest = 0;
    for (int b = 0; b < 300; ++b) {
        const std::size_t n = 1 + rng() % (b % 3 == 0 ? 400 : 8);
        std::vector<pm::Order> orders;
        for (std::size_t k = 0; k < n; ++k) {
            // Cancels of nothing: every one is a rejection that names its id and its reason.
            const std::uint64_t id = b < 150 ? 1 + rng() % 20'000 : 1 + rng() % (1 + 40 * static_cast<std::uint64_t>(b));
            orders.push_back(cancel(id, 0, 999'999'999, t + static_cast<std::int64_t>(rng() % 50)));
        }
        // The reference: the batch's order is (ts_ms, id); the first of an id takes it.
        std::vector<pm::Order> by_time = orders;
        std::stable_sort(by_time.begin(), by_time.end(), [](const pm::Order& x, const pm::Order& y) {
            return x.ts_ms != y.ts_ms ? x.ts_ms < y.ts_ms : x.id < y.id;
        });
        std::vector<std::uint64_t> expected_duplicates;
        for (const auto& o : by_time)
            if (!taken.insert(o.id).second) expected_duplicates.push_back(o.id);
        pm::BatchOutput out;
        ex.apply_orders(orders, t + 100, out);
        ASSERT_EQ(out.events.size(), orders.size()) << "batch " << b;
        std::vector<std::uint64_t> duplicates;
        for (const auto& e : out.events) {
            if (std::string(e.reason) == "duplicate order id") duplicates.push_back(e.order_id);
            else ASSERT_STREQ(e.reason, "no open order to cancel") << "batch " << b;
        }
        ASSERT_EQ(duplicates, expected_duplicates) << "batch " << b;
        ASSERT_EQ(ex.used_id_ranges(), runs()) << "batch " << b;
        largest = std::max(largest, ex.used_id_ranges());
        t += 100;
    }
    EXPECT_GT(largest, 1000U);  // the random phase really held many runs
    EXPECT_LT(ex.used_id_ranges(), largest);  // which joined as the gaps filled
}

}  // namespace
