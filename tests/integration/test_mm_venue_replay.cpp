// The events CSV reader (errors at file:line:col) and the replay venue's queue-position model on
// hand-worked event sequences: partial fills reaching the fills stream (the shape of hftbacktest
// issue #316), pro-rata and risk-averse queue advancement, taking displayed liquidity, trades
// through the order's price, crossing book updates, halts and the resolution; the shipped sample
// file end to end.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/gtest_extra.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/mm/events.hpp"
#include "pftoken/integration/mm/venues_replay.hpp"

namespace {

using namespace pftoken::integration::mm;

const std::string kHeader = "ts_ms,kind,outcome,side,price,qty\n";

EventLog events(const std::string& rows) { return parse_events(kHeader + rows, "events.csv"); }

ReplayParams no_latency() {
    ReplayParams p;
    p.latency = {0, 0};
    return p;
}

TEST(MmEvents, RowsNormaliseToYesTerms) {
    const EventLog log = events(
        "0,book,no,bid,40,7\n"     // NO bid 40 = YES ask 60
        "5,trade,no,buy,45,3\n"    // NO buyer = YES-terms seller at 55
        "5,oracle,,,61.5,\n"
        "9,halt,,,,1\n"
        "10,resolve,no,,,\n");
    ASSERT_EQ(log.events.size(), 5u);
    EXPECT_EQ(log.events[0].kind, MarketEvent::Kind::book);
    EXPECT_FALSE(log.events[0].bid_or_buy);
    EXPECT_EQ(log.events[0].yes_price, 60);
    EXPECT_EQ(log.events[0].qty, 7);
    EXPECT_FALSE(log.events[1].bid_or_buy);
    EXPECT_EQ(log.events[1].yes_price, 55);
    EXPECT_DOUBLE_EQ(log.events[2].oracle_cents, 61.5);
    EXPECT_EQ(log.events[3].qty, 1);
    EXPECT_EQ(log.events[4].winner, 0);
    EXPECT_EQ(log.events[4].line, 6);
}

TEST(MmEvents, ErrorsNameFileLineColumnAndConstraint) {
    EXPECT_THROW_MSG(events("0,bok,yes,bid,50,1\n"), pftoken::InputError,
                     "events.csv:2:3: kind: must be one of book, trade, oracle, resolve, halt, got 'bok'");
    EXPECT_THROW_MSG(events("0,book,yes,buy,50,1\n"), pftoken::InputError,
                     "events.csv:2:12: side: must be bid or ask for kind book, got 'buy'");
    EXPECT_THROW_MSG(events("0,trade,yes,sell,100,1\n"), pftoken::InputError,
                     "events.csv:2:18: price: must be in [1, 99], got 100");
    EXPECT_THROW_MSG(events("0,trade,yes,sell,50,0\n"), pftoken::InputError,
                     "events.csv:2:21: qty: must be in [1, 1000000000], got 0");
    EXPECT_THROW_MSG(events("5,oracle,,,50,\n4,oracle,,,50,\n"), pftoken::InputError,
                     "events.csv:3:1: ts_ms: must not go backwards, got 4 after 5");
    EXPECT_THROW_MSG(events("5,oracle,yes,,50,\n"), pftoken::InputError,
                     "events.csv:2:10: outcome: must be empty for kind oracle, got 'yes'");
    EXPECT_THROW_MSG(events("5,book,maybe,bid,50,1\n"), pftoken::InputError,
                     "events.csv:2:8: outcome: must be yes or no, got 'maybe'");
    EXPECT_THROW_MSG(events("1.5,halt,,,,1\n"), pftoken::InputError,
                     "events.csv:2:1: ts_ms: must be a whole number, got '1.5'");
    EXPECT_THROW_MSG(events("1,resolve,yes,,,\n2,halt,,,,1\n"), pftoken::InputError,
                     "events.csv:3:3: kind: no event may follow the resolution");
    EXPECT_THROW_MSG(parse_events("ts,kind,outcome,side,price,qty\n", "events.csv"), pftoken::InputError,
                     "events.csv:1:1");
}

// hftbacktest #316: partial fills of a resting order never reached the position. Here every
// partial fill comes out of drain_fills with the order's remaining quantity, and the account
// follows them.
TEST(MmReplayVenue, PartialFillsAlwaysReachTheFillsStream) {
    ReplayParams p;
    p.latency = {10, 5};  // order 10 ms, feed 5 ms
    ReplayVenue venue(events(
        "0,book,yes,bid,50,5\n"
        "100,trade,yes,sell,50,8\n"    // 5 ahead: 3 fill, 7 left
        "200,book,yes,bid,50,2\n"      // the decrease 5 -> 2 is explained by the 8 traded: no cancel
        "300,trade,yes,sell,50,4\n"    // nothing ahead: 4 fill, 3 left
        "400,trade,no,buy,50,1\n"      // a NO buyer at 50 sells YES at 50: 1 fills, 2 left
        "900,book,yes,bid,50,9\n"),
        p);
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    EXPECT_EQ(v.ts, 5);
    EXPECT_EQ(v.yes_bid, 50);
    EXPECT_EQ(v.yes_bid_qty, 5);
    venue.place({42, Outcome::yes, Side::buy, 50, 10}, v.ts);  // arrives at 15 behind 5 shares
    std::vector<Fill> fills;
    while (venue.next(v)) {
        for (const Fill& f : venue.drain_fills()) fills.push_back(f);
        if (v.ts == 405) {
            ASSERT_TRUE(venue.queue_ahead(42).has_value());
            venue.cancel(42, v.ts);  // arrives at 415: the last 2 never fill
        }
    }
    for (const Fill& f : venue.drain_fills()) fills.push_back(f);
    ASSERT_EQ(fills.size(), 3u);
    EXPECT_EQ(fills[0].qty, 3);
    EXPECT_EQ(fills[0].remaining, 7);
    EXPECT_EQ(fills[0].ts, 100);
    EXPECT_EQ(fills[1].qty, 4);
    EXPECT_EQ(fills[1].remaining, 3);
    EXPECT_EQ(fills[2].qty, 1);
    EXPECT_EQ(fills[2].remaining, 2);
    for (const Fill& f : fills) {
        EXPECT_EQ(f.price, 50);
        EXPECT_EQ(f.client_id, 42u);
    }
    const auto cancels = venue.drain_cancels();
    ASSERT_EQ(cancels.size(), 1u);
    EXPECT_EQ(cancels[0], 42u);
    EXPECT_EQ(venue.account().yes, 8);
    EXPECT_EQ(venue.account().cash, 500000 - 8 * 50);
    EXPECT_EQ(venue.account().locked_cash, 0);
}

TEST(MmReplayVenue, ProRataQueueAdvance) {
    // Arrive behind 10; the level shrinks 10 -> 6 (all ahead: ahead 6), grows to 16 (10 behind),
    // shrinks to 12: the 4 cancelled split pro rata, 4 x 6 / 16 = 1.5 from ahead -> 4.5. A trade of
    // 5 leaves an excess of 0.5 (no whole share), a trade of 3 then fills 3.
    ReplayVenue venue(events(
        "0,book,yes,ask,60,10\n"
        "10,book,yes,ask,60,6\n"
        "20,book,yes,ask,60,16\n"
        "30,book,yes,ask,60,12\n"
        "40,trade,yes,buy,60,5\n"
        "50,trade,yes,buy,60,3\n"),
        no_latency());
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    ASSERT_TRUE(venue.mint_sets(20, v.ts));
    venue.place({1, Outcome::yes, Side::sell, 60, 20}, v.ts);
    std::vector<double> ahead;
    std::vector<Shares> filled;
    while (venue.next(v)) {
        ahead.push_back(venue.queue_ahead(1).value_or(-1.0));
        Shares q = 0;
        for (const Fill& f : venue.drain_fills()) q += f.qty;
        filled.push_back(q);
    }
    EXPECT_EQ(ahead, (std::vector<double>{6.0, 6.0, 4.5, 0.0, 0.0}));
    EXPECT_EQ(filled, (std::vector<Shares>{0, 0, 0, 0, 3}));
}

TEST(MmReplayVenue, RiskAverseQueueOnlyAdvancesOnTrades) {
    // Same sequence: cancels never move the order forward; the queue ahead is only capped at the
    // level's size (6 after 10 -> 6, still 6 after 16 -> 12); the trade of 5 leaves 1 ahead and the
    // trade of 3 fills 2.
    ReplayParams p = no_latency();
    p.queue = QueueModel::risk_averse;
    ReplayVenue venue(events(
        "0,book,yes,ask,60,10\n"
        "10,book,yes,ask,60,6\n"
        "20,book,yes,ask,60,16\n"
        "30,book,yes,ask,60,12\n"
        "40,trade,yes,buy,60,5\n"
        "50,trade,yes,buy,60,3\n"),
        p);
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    ASSERT_TRUE(venue.mint_sets(20, v.ts));
    venue.place({1, Outcome::yes, Side::sell, 60, 20}, v.ts);
    std::vector<double> ahead;
    Shares filled = 0;
    while (venue.next(v)) {
        ahead.push_back(venue.queue_ahead(1).value_or(-1.0));
        for (const Fill& f : venue.drain_fills()) filled += f.qty;
    }
    EXPECT_EQ(ahead, (std::vector<double>{6.0, 6.0, 6.0, 1.0, 0.0}));
    EXPECT_EQ(filled, 2);
}

TEST(MmReplayVenue, MarketableOrdersTakeDisplayedLiquidityAtEachLevel) {
    ReplayParams p = no_latency();
    p.taker_fee_bps = 100;
    ReplayVenue venue(events(
        "0,book,yes,ask,52,3\n"
        "0,book,no,bid,47,4\n"     // NO bid 47 = YES ask 53
        "0,book,yes,ask,56,9\n"
        "10,book,yes,ask,52,3\n"),
        p);
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    EXPECT_EQ(v.yes_ask, 52);
    // YES buy 5 @ 55: 3 @ 52 and 2 @ 53 (fees 156 x 1% = 1, 106 x 1% = 1); the 56 level is beyond.
    venue.place({9, Outcome::yes, Side::buy, 55, 5}, v.ts);
    ASSERT_TRUE(venue.next(v));
    const auto fills = venue.drain_fills();
    ASSERT_EQ(fills.size(), 2u);
    EXPECT_EQ(fills[0].price, 52);
    EXPECT_EQ(fills[0].qty, 3);
    EXPECT_EQ(fills[0].fee, 1);
    EXPECT_EQ(fills[1].price, 53);
    EXPECT_EQ(fills[1].qty, 2);
    EXPECT_EQ(fills[1].remaining, 0);
    EXPECT_EQ(fills[1].fee, 1);
    // The local copy of the book shows what was taken until the level is updated again.
    EXPECT_EQ(venue.displayed(false, 53), 2);
    EXPECT_EQ(v.yes_ask, 53);
    EXPECT_EQ(venue.account().cash, 500000 - 156 - 106 - 2);
}

TEST(MmReplayVenue, TradesThroughThePriceAndCrossingLevelsFill) {
    ReplayVenue venue(events(
        "0,book,yes,bid,50,30\n"
        "10,trade,yes,sell,49,6\n"   // printed below our 50 bid: the seller passed us: 6 fill
        "20,book,no,bid,50,4\n"      // a YES ask at 50 appears against our bid: 4 fill
        "30,book,yes,bid,50,1\n"),
        no_latency());
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    venue.place({5, Outcome::yes, Side::buy, 50, 20}, v.ts);
    Shares filled = 0;
    std::vector<TimeMs> when;
    while (venue.next(v))
        for (const Fill& f : venue.drain_fills()) {
            filled += f.qty;
            when.push_back(f.ts);
        }
    EXPECT_EQ(filled, 10);
    EXPECT_EQ(when, (std::vector<TimeMs>{10, 20}));
}

TEST(MmReplayVenue, ATradeThroughSeveralQuotesFillsThemBestPriceFirst) {
    // Asks of the market maker at 55 and 56 (5 each); a buyer prints at 57 for 8: it passed 55
    // first (5 fill), then 56 (the other 3).
    ReplayVenue venue(events(
        "0,book,yes,ask,58,10\n"
        "10,trade,yes,buy,57,8\n"),
        no_latency());
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    ASSERT_TRUE(venue.mint_sets(10, v.ts));
    venue.place({2, Outcome::yes, Side::sell, 56, 5}, v.ts);
    venue.place({1, Outcome::yes, Side::sell, 55, 5}, v.ts);
    while (venue.next(v)) {
    }
    const auto fills = venue.drain_fills();
    ASSERT_EQ(fills.size(), 2u);
    EXPECT_EQ(fills[0].client_id, 1u);
    EXPECT_EQ(fills[0].qty, 5);
    EXPECT_EQ(fills[1].client_id, 2u);
    EXPECT_EQ(fills[1].qty, 3);
    EXPECT_EQ(fills[1].remaining, 2);
}

TEST(MmReplayVenue, HaltsRejectAndTheResolutionCancels) {
    ReplayVenue venue(events(
        "0,book,yes,bid,40,5\n"
        "10,halt,,,,1\n"
        "20,halt,,,,0\n"
        "30,resolve,yes,,,\n"),
        no_latency());
    MarketView v;
    ASSERT_TRUE(venue.next(v));
    ASSERT_TRUE(venue.next(v));
    EXPECT_TRUE(v.halted);
    venue.place({1, Outcome::yes, Side::buy, 40, 5}, v.ts);
    ASSERT_TRUE(venue.next(v));
    EXPECT_FALSE(v.halted);
    ASSERT_EQ(venue.drain_rejects().size(), 1u);
    venue.place({2, Outcome::yes, Side::buy, 40, 5}, v.ts);
    venue.place({3, Outcome::yes, Side::sell, 40, 5}, v.ts);  // no YES held: rejected
    ASSERT_TRUE(venue.next(v));
    EXPECT_TRUE(v.resolved);
    EXPECT_EQ(v.winning_outcome, 1);
    const auto cancels = venue.drain_cancels();
    ASSERT_EQ(cancels.size(), 1u);
    EXPECT_EQ(cancels[0], 2u);
    EXPECT_EQ(venue.drain_rejects().size(), 1u);
    EXPECT_EQ(venue.account().locked_cash, 0);
    EXPECT_FALSE(venue.next(v));
}

TEST(MmReplayVenue, ParamsNameTheField) {
    ReplayParams p;
    p.maker_fee_bps = 2000;
    EXPECT_THROW_MSG(p.validate("replay."), pftoken::InputError, "replay.maker_fee_bps: must be in [-1000, 1000], got 2000");
}

TEST(MmReplayVenue, TheShippedSampleReplaysDeterministically) {
    const EventLog log = read_events(std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/mm/events_sample.csv");
    ASSERT_GT(log.events.size(), 1000u);
    const auto run = [&] {
        ReplayVenue venue(log, ReplayParams{});
        MarketView v;
        std::uint64_t id = 1, bid = 0, ask = 0;
        Cents bid_px = 0, ask_px = 0;
        std::vector<std::int64_t> trace;
        bool minted = false;
        while (venue.next(v)) {
            if (!minted) minted = venue.mint_sets(200, v.ts);
            for (const Fill& f : venue.drain_fills()) trace.insert(trace.end(), {f.ts, f.price, f.qty, f.remaining});
            if (v.resolved || v.halted || v.yes_bid == 0 || v.yes_ask == 100) continue;
            // Join the touch; keep the queue position while the touch does not move.
            if (v.yes_bid != bid_px) {
                if (bid) venue.cancel(bid, v.ts);
                bid = id++;
                bid_px = v.yes_bid;
                venue.place({bid, Outcome::yes, Side::buy, v.yes_bid, 10}, v.ts);
            }
            if (v.yes_ask != ask_px) {
                if (ask) venue.cancel(ask, v.ts);
                ask = id++;
                ask_px = v.yes_ask;
                venue.place({ask, Outcome::yes, Side::sell, v.yes_ask, 10}, v.ts);
            }
        }
        for (const Fill& f : venue.drain_fills()) trace.insert(trace.end(), {f.ts, f.price, f.qty, f.remaining});
        EXPECT_EQ(venue.account().locked_cash, 0);
        return trace;
    };
    const auto a = run();
    EXPECT_GT(a.size(), 4u * 10);  // the quoter at the touch gets filled
    EXPECT_EQ(a, run());
}

}  // namespace
