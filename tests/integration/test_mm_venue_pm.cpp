// The venue over the prediction-market batch exchange: a limit order filled by the LMSR in its
// first batch (closed-form cost), batch timing behind the latencies, rejects and cancels, the
// exchange's own invariants at every view and its record of the market maker against the fills
// stream over a simulated hour.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "support/gtest_extra.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/mm/venues_pm.hpp"

namespace {

using namespace pftoken::integration::mm;

PmVenueParams quiet_market() {
    PmVenueParams p;
    p.flow.duration_h = 1.0;
    p.flow.informed_rate_per_min = 0.0;
    p.flow.noise_rate_per_min = 0.0;
    p.flow.lp_rate_per_min = 0.0;
    p.flow.oracle_interval_s = 0.0;
    return p;
}

TEST(MmPmVenue, LimitBuyAgainstTheLmsrInItsFirstBatch) {
    PmVenue venue(quiet_market(), 1);
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    EXPECT_EQ(v.ts, 20);  // the opening view, after the 20 ms feed latency
    // The LMSR starts at 0.5: the AMM quotes 49 / 50 in whole cents.
    EXPECT_EQ(v.yes_bid, 49);
    EXPECT_EQ(v.yes_ask, 50);
    // YES buy 100 @ 60, sent at 20, in the exchange at 70, run in the batch at 1000. The AMM fills
    // up to the size that moves its price to 60: b |logit(0.6) - logit(0.5)| = 584.96 with
    // b = Z / ln 2 = 1442.695 (Z = 1000), so all 100 fill, for C(100) = b ln((e^{100/b} + 1) / 2)
    // = 50.86626 (docs/prediction-market.md, LMSR): 5087 cents, 100 x 51 cents less a 13-cent
    // rounding residual carried by the fee.
    EXPECT_FALSE(venue.mint_sets(10, v.ts));
    venue.place({3, Outcome::yes, Side::buy, 60, 100}, v.ts);
    ASSERT_TRUE(venue.next(v));
    EXPECT_EQ(v.ts, 1020);
    const auto fills = venue.drain_fills();
    ASSERT_EQ(fills.size(), 1u);
    EXPECT_EQ(fills[0].ts, 1000);
    EXPECT_EQ(fills[0].qty, 100);
    EXPECT_EQ(fills[0].remaining, 0);
    EXPECT_EQ(fills[0].price, 51);
    EXPECT_EQ(fills[0].price * fills[0].qty + fills[0].fee, 5087);
    EXPECT_NEAR(venue.exchange().account(venue.mm_user()).cash, 5000.0 - 50.86626058089658, 1e-9);
    EXPECT_NEAR(venue.exchange().account(venue.mm_user()).yes[0], 100.0, 1e-12);
    // The AMM's price rose, short of the limit (it stops at 60 only after 584.96 shares).
    EXPECT_GT(venue.exchange().price(0), 0.5);
    EXPECT_LT(venue.exchange().price(0), 0.6);
    EXPECT_TRUE(venue.exchange().check_invariants().ok());
}

TEST(MmPmVenue, RejectsAndCancelsComeBackThroughTheFeed) {
    PmVenue venue(quiet_market(), 1);
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    venue.place({1, Outcome::yes, Side::sell, 60, 5}, v.ts);   // no YES held: the exchange rejects
    venue.place({2, Outcome::no, Side::buy, 10, 5}, v.ts);     // rests far from the AMM
    ASSERT_TRUE(venue.next(v));
    const auto rejects = venue.drain_rejects();
    ASSERT_EQ(rejects.size(), 1u);
    EXPECT_EQ(rejects[0], 1u);
    venue.cancel(2, v.ts);
    ASSERT_TRUE(venue.next(v));
    const auto cancels = venue.drain_cancels();
    ASSERT_EQ(cancels.size(), 1u);
    EXPECT_EQ(cancels[0], 2u);
    EXPECT_NEAR(venue.exchange().account(venue.mm_user()).locked_cash, 0.0, 1e-12);
}

TEST(MmPmVenue, FillsAgreeWithTheExchangeRecordOverAnHour) {
    PmVenueParams p;
    p.flow.duration_h = 1.0;
    p.latency.feed_latency_ms = 0;  // views show the exchange as it is
    PmVenue venue(p, 5);
    double worst_shares = 0.0, worst_cash = 0.0;
    MarketView v;
    std::uint64_t id = 1, bid = 0, ask = 0;
    double yes = 0.0, no = 0.0;
    Money cash = p.mm_cash_cents;
    std::uint64_t fills = 0, views = 0;
    const auto book = [&](const Fill& f) {
        ++fills;
        const Money notional = static_cast<Money>(f.price) * f.qty;
        (f.outcome == Outcome::yes ? yes : no) += static_cast<double>(f.side == Side::buy ? f.qty : -f.qty);
        cash += f.side == Side::buy ? -(notional + f.fee) : notional - f.fee;
    };
    while (venue.next(v)) {
        ++views;
        for (const Fill& f : venue.drain_fills()) book(f);
        ASSERT_TRUE(venue.exchange().check_invariants().ok()) << venue.exchange().check_invariants().what;
        if (v.resolved) break;
        const auto& acc = venue.exchange().account(venue.mm_user());
        worst_shares = std::max({worst_shares, std::fabs(acc.yes[0] - yes), std::fabs(acc.no[0] - no)});
        worst_cash = std::max(worst_cash, std::fabs((acc.cash + acc.locked_cash) * 100.0 - static_cast<double>(cash)));
        if (bid) venue.cancel(bid, v.ts);
        if (ask) venue.cancel(ask, v.ts);
        bid = id++;
        ask = id++;
        // At the AMM's own quotes: the bid at its ask and the ask (a NO buy) at its bid, so both
        // fill against the AMM or each other (a mint) in their first batch.
        venue.place({bid, Outcome::yes, Side::buy, v.yes_ask, 20}, v.ts);
        venue.place({ask, Outcome::no, Side::buy, 100 - v.yes_bid, 20}, v.ts);
    }
    EXPECT_GT(views, 3600u);  // a batch a second
    EXPECT_GT(fills, 20u);
    // Before the payout, the record matches the fills to rounding: whole shares per order
    // (llround of the exact size), cash exact to the cent per order.
    // The exchange's record (cash + locked cash, YES and NO of outcome 0) against the fills seen:
    // each order's whole shares are llround of its exact size and its cash is exact to the cent,
    // so with at most two orders open the gaps stay within 2 x 0.5 shares and 2 x 0.5 cents.
    EXPECT_LE(worst_shares, 1.0);
    EXPECT_LE(worst_cash, 1.0);
    EXPECT_TRUE(v.resolved);
    EXPECT_GE(yes, 0.0);
    EXPECT_GE(no, 0.0);
    EXPECT_GT(cash, 0);
}

TEST(MmPmVenue, ParamsNameTheField) {
    PmVenueParams p;
    p.exchange.outcomes = 3;
    EXPECT_THROW_MSG(p.validate("pm."), pftoken::InputError, "pm.exchange.outcomes: must be in [2, 2], got 3");
    p = PmVenueParams{};
    p.batch_interval_ms = 0;
    EXPECT_THROW_MSG(p.validate("pm."), pftoken::InputError, "pm.batch_interval_ms: must be in [1, 3600000], got 0");
    // The exchange's own constraints (named bare by ExchangeParams::validate) are placed under
    // `exchange:`, one section for the market fields and the feature switches alike.
    p = PmVenueParams{};
    p.exchange.subsidy = -5.0;
    EXPECT_THROW_MSG(p.validate("pm."), pftoken::InputError, "pm.exchange.subsidy: must be > 0, got -5");
    p = PmVenueParams{};
    p.exchange.sigma = 2.0;
    EXPECT_THROW_MSG(p.validate("pm."), pftoken::InputError, "pm.exchange.sigma: must be in [0, 1], got 2");
}

}  // namespace
