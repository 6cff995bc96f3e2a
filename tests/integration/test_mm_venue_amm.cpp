// The AMM pool venue: the market maker trading a marketable quote with the pool (Uniswap v2
// getAmountIn in closed form), a taker routed between the pool and the market maker's quote
// (token conservation), arbitrage to the hidden value at every oracle tick, and a run with the
// default flow whose fills agree exactly with the virtual account; the oracle anchor taken from a
// project's DCF price per token.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "support/gtest_extra.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/mm/venues_amm.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace {

using namespace pftoken::integration::mm;

AmmVenueParams no_takers() {
    AmmVenueParams p;
    p.flow.duration_h = 1.0;
    p.flow.informed_rate_per_min = 0.0;
    p.flow.noise_rate_per_min = 0.0;
    p.latency = {0, 0};
    return p;
}

TEST(MmAmmVenue, MarketableQuoteTradesWholeTokensWithThePool) {
    AmmPoolVenue venue(no_takers(), 1);  // 100,000 tokens and 95,000 cash, fee 0.3%
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    EXPECT_EQ(v.oracle, 95.0);
    // All-in quotes: bid floor(0.95 x 0.997 x 100) = 94, ask ceil(0.95 / 0.997 x 100) = 96.
    EXPECT_EQ(v.yes_bid, 94);
    EXPECT_EQ(v.yes_ask, 96);
    // Buy 10 @ 99: the pool's all-in price stays below 0.99 for far more than 10 tokens, so all 10
    // come from it at getAmountIn = R1 x 10 / ((R0 - 10) x 0.997) = 9.5295387 (Uniswap v2,
    // UniswapV2Library.getAmountIn in real numbers): 953 cents, reported as 10 x 95 + a 3-cent fee.
    venue.place({1, Outcome::yes, Side::buy, 99, 10}, v.ts);
    ASSERT_TRUE(venue.next(v));
    const auto fills = venue.drain_fills();
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].qty, 10);
    EXPECT_EQ(fills[0].remaining, 0);
    EXPECT_EQ(fills[0].price, 95);
    EXPECT_EQ(fills[0].fee, 3);
    EXPECT_EQ(venue.account().cash, 500000 - 953);
    EXPECT_EQ(venue.account().yes, 1000 + 10);
    EXPECT_NEAR(venue.pool().reserve0(), 100000.0 - 10.0, 1e-9);
    EXPECT_NEAR(venue.pool().reserve1(), 95000.0 + 95000.0 * 10.0 / (99990.0 * 0.997), 1e-9);
    // NO orders and complete sets do not exist on a token market.
    venue.place({2, Outcome::no, Side::buy, 5, 1}, v.ts);
    EXPECT_FALSE(venue.mint_sets(1, v.ts));
}

TEST(MmAmmVenue, TakersRouteBetweenThePoolAndTheQuote) {
    AmmVenueParams p = no_takers();
    p.pool_tokens = 1000.0;  // a shallow pool: 0.95 -> 0.96 all-in within a few tokens
    AmmPoolVenue venue(p, 1);
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    venue.place({7, Outcome::yes, Side::sell, 96, 5}, v.ts);  // rests: the pool bids 94
    venue.next(v);
    EXPECT_TRUE(venue.drain_fills().empty());
    const double r0 = venue.pool().reserve0();
    const double k0 = venue.pool().invariant();
    // A taker buys 20 up to 99 cents: the pool until its all-in ask reaches the quote's 96, then
    // the quote's 5, then the pool again. The pool gives 15 tokens in all.
    ASSERT_TRUE(venue.take(true, 20.0, 99.0, v.ts));
    EXPECT_NEAR(r0 - venue.pool().reserve0(), 15.0, 1e-9);
    EXPECT_DOUBLE_EQ(venue.taker_volume_mm(), 5.0);
    EXPECT_NEAR(venue.taker_volume_pool(), 15.0, 1e-9);
    EXPECT_GE(venue.pool().invariant(), k0);          // the fee stays in the pool
    EXPECT_GT(venue.pool().price() / 0.997, 0.96);    // the pool went past the quote after it filled
    EXPECT_LE(venue.pool().price() / 0.997, 0.99);
    venue.next(v);  // nothing left: the end of the (silent) flow delivers the rest
    while (venue.next(v)) {
    }
    const auto fills = venue.drain_fills();
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].price, 96);
    EXPECT_EQ(fills[0].qty, 5);
    EXPECT_EQ(venue.account().yes, 995);
    EXPECT_EQ(venue.account().cash, 500000 + 480);
}

TEST(MmAmmVenue, ArbitrageursAlignThePoolWithTheValueAtEachOracleTick) {
    AmmVenueParams p = no_takers();
    p.flow.logit_vol_per_sqrt_h = 0.5;
    AmmPoolVenue venue(p, 4);
    MarketView v;
    int checked = 0;
    while (venue.next(v)) {
        if (v.oracle_ts != v.ts || v.ts == 0) continue;  // views of oracle ticks (no feed latency)
        // After the arbitrage the value lies inside the pool's all-in band [p (1 - f), p / (1 - f)].
        const double price = venue.pool().price();
        const double value = venue.hidden_value_cents() / 100.0;
        EXPECT_LE(price * 0.997, value * (1 + 1e-12));
        EXPECT_GE(price / 0.997, value * (1 - 1e-12));
        EXPECT_EQ(*v.oracle, 95.0);  // the anchor is the DCF fair value, not the hidden value
        ++checked;
    }
    EXPECT_EQ(checked, 59);  // ticks at 60 s, ..., 3540 s
}

TEST(MmAmmVenue, FillsAgreeWithTheAccountAndRunsRepeat) {
    const auto run = [](std::uint64_t seed) {
        AmmVenueParams p;
        p.flow.duration_h = 2.0;
        AmmPoolVenue venue(p, seed);
        MarketView v;
        Money cash = p.mm_cash_cents;
        Shares tokens = p.mm_tokens;
        std::vector<std::int64_t> trace;
        std::uint64_t id = 1, bid = 0, ask = 0;
        while (venue.next(v)) {
            for (const Fill& f : venue.drain_fills()) {
                const Money notional = static_cast<Money>(f.price) * f.qty;
                tokens += f.side == Side::buy ? f.qty : -f.qty;
                cash += f.side == Side::buy ? -(notional + f.fee) : notional - f.fee;
                trace.insert(trace.end(), {f.ts, f.price, f.qty});
            }
            if (bid) venue.cancel(bid, v.ts);
            if (ask) venue.cancel(ask, v.ts);
            bid = id++;
            ask = id++;
            // Inside the pool's fee band: floor and ceil of its marginal price in cents.
            const double mid = 100.0 * venue.pool().price();
            venue.place({bid, Outcome::yes, Side::buy, static_cast<Cents>(std::floor(mid)), 10}, v.ts);
            venue.place({ask, Outcome::yes, Side::sell, static_cast<Cents>(std::ceil(mid)), 10}, v.ts);
        }
        for (const Fill& f : venue.drain_fills()) {
            const Money notional = static_cast<Money>(f.price) * f.qty;
            tokens += f.side == Side::buy ? f.qty : -f.qty;
            cash += f.side == Side::buy ? -(notional + f.fee) : notional - f.fee;
        }
        EXPECT_EQ(venue.account().yes, tokens);
        EXPECT_EQ(venue.account().cash, cash);
        EXPECT_GT(trace.size(), 3u * 10);
        return trace;
    };
    EXPECT_EQ(run(3), run(3));
    EXPECT_NE(run(3), run(4));
}

TEST(MmAmmVenue, ParamsNameTheField) {
    AmmVenueParams p;
    p.pool_fee = 0.5;
    EXPECT_THROW_MSG(p.validate("amm."), pftoken::InputError, "amm.pool_fee: must be in [0, 0.1), got 0.5");
    p = AmmVenueParams{};
    p.fair_value_cents = 120.0;
    EXPECT_THROW_MSG(p.validate("amm."), pftoken::InputError, "amm.fair_value_cents: must be in [1, 99], got 120");
}

// The anchor is the DCF price per token of pftoken::value in cents of the token's face. The toll
// road's senior token has face_per_token 1000 (data/examples/toll_road.yaml); its sub bond pays a
// fixed 6% and is discounted at a 6% yield, so it prices at par (a bond whose yield equals its
// coupon is worth its face): 100 cents, off the venue's 1..99 grid, refused. The equity is not a
// tranche token.
TEST(MmAmmVenue, DcfAnchorIsThePricePerTokenInCentsOfFace) {
    const auto project = pftoken::load_project(std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/toll_road.yaml");
    const auto a = dcf_fair_value_cents(project, "A7-SNR", "--token");
    EXPECT_EQ(a.symbol, "A7-SNR");
    EXPECT_EQ(a.face_per_token, 1000.0);
    EXPECT_EQ(a.price_per_token, pftoken::value(project).tranches.at(0).price_per_token);
    EXPECT_DOUBLE_EQ(a.cents, a.price_per_token / 10.0);
    EXPECT_EQ(dcf_fair_value_cents(project, "senior_loan", "--token").cents, a.cents);  // by name
    EXPECT_THROW_MSG((void)dcf_fair_value_cents(project, "A7-SUB", "--token"), pftoken::InputError,
                     "--token: the DCF price of 'A7-SUB' is 99.99");  // par to 0.01
    EXPECT_THROW_MSG((void)dcf_fair_value_cents(project, "A7-EQ", "--token"), pftoken::InputError,
                     "--token: no tranche token 'A7-EQ' in project 'A7 Ridgeway Toll Road' (tranche tokens: A7-SNR, A7-SUB)");
}

}  // namespace
