// Prediction-market sessions: the strict session YAML, the orders CSV (errors at file:line:col),
// the replay of the shipped example and the seeded synthetic order flow.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "pftoken/amm/pm/session.hpp"
#include "pftoken/error.hpp"
#include "support/gtest_extra.hpp"

namespace pm = pftoken::amm::pm;

namespace {

const std::string kSession = R"(outcomes: [A, B, C, D]
market:
  model: lmsr
  subsidy: 100
  fee: 0.01
  gas_fee: 0.01
timing:
  batch_interval_ms: 1000
  duration_ms: 20000
resolutions:
  - at_ms: 10000
    freeze_ms: 2000
    eliminate: [D]
final_winner: B
users:
  starting_balance: 500
  names: [ann, ben, cat]
)";

const std::string kHeader = "ts_ms,order_id,user,outcome,token,side,type,size,limit_price,max_slippage,auto_fill,cancel_id\n";

std::string example(const std::string& name) { return std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/pm/" + name; }

}  // namespace

TEST(PmSession, ParsesTheSessionFile) {
    const auto s = pm::parse_session(kSession, "s.yaml");
    ASSERT_EQ(s.outcomes.size(), 4U);
    EXPECT_EQ(s.winner, 1U);
    ASSERT_EQ(s.rounds.size(), 1U);
    EXPECT_EQ(s.rounds[0].eliminate, std::vector<std::uint32_t>{3});
    EXPECT_EQ(s.users.size(), 3U);
    EXPECT_DOUBLE_EQ(s.balances[2], 500.0);
    EXPECT_DOUBLE_EQ(s.params.t_end_s, 20.0);
}

TEST(PmSession, SessionErrorsNameThePlaceAndTheConstraint) {
    auto bad = kSession;
    bad.replace(bad.find("subsidy: 100"), 12, "subsidy: -1");
    EXPECT_THROW_MSG((void)pm::parse_session(bad, "s.yaml"), pftoken::InputError,
                     "s.yaml:4:12: market.subsidy: must be > 0, got -1");
    bad = kSession;
    bad.replace(bad.find("final_winner: B"), 15, "final_winner: D");
    EXPECT_THROW_MSG((void)pm::parse_session(bad, "s.yaml"), pftoken::InputError,
                     "final_winner: must not be eliminated in a resolution round, got 'D'");
    bad = kSession;
    bad.replace(bad.find("fee: 0.01"), 9, "fees: 0.01");
    EXPECT_THROW_MSG((void)pm::parse_session(bad, "s.yaml"), pftoken::InputError, "did you mean 'fee'");
    bad = kSession;
    bad.replace(bad.find("at_ms: 10000"), 12, "at_ms: 10500");
    EXPECT_THROW_MSG((void)pm::parse_session(bad, "s.yaml"), pftoken::InputError,
                     "resolutions[0].at_ms: must be a multiple of timing.batch_interval_ms (1000)");
    bad = kSession;
    bad.replace(bad.find("eliminate: [D]"), 14, "eliminate: [E]");
    EXPECT_THROW_MSG((void)pm::parse_session(bad, "s.yaml"), pftoken::InputError,
                     "s.yaml:13:17: resolutions[0].eliminate[0]: must name an outcome (A, B, C, D), got 'E'");
}

// market: and features: are read by amm::pm::read_exchange, the reader `pftoken mm --pm` uses for
// its pm.exchange section (tests/integration/test_mm_spec.cpp, MmSpec.PmExchangeSharesThePmSessionReader):
// the same keys, words and constraint texts, here split over the two sections.
TEST(PmSession, ExchangeFieldsShareOneReader) {
    const auto with = [](const std::string& from, const std::string& to) {
        auto text = kSession;
        text.replace(text.find(from), from.size(), to);
        return text;
    };
    EXPECT_THROW_MSG((void)pm::parse_session(with("model: lmsr", "model: lmrs"), "s.yaml"), pftoken::InputError,
                     "s.yaml:3:10: market.model: must be one of lmsr, parametric; got 'lmrs' (did you mean 'lmsr'?)");
    EXPECT_THROW_MSG((void)pm::parse_session(with("fee: 0.01", "fee_match: 1"), "s.yaml"), pftoken::InputError,
                     "s.yaml:5:14: market.fee_match: must be in [0, 1), got 1");
    const std::string features = "features:\n  cross_matching: 2\n  sigma: 1.5\ntiming:";
    EXPECT_THROW_MSG((void)pm::parse_session(with("timing:", features), "s.yaml"), pftoken::InputError,
                     "s.yaml:8:19: features.cross_matching: must be true or false");
    EXPECT_THROW_MSG((void)pm::parse_session(with("timing:", "features:\n  sigma: 1.5\ntiming:"), "s.yaml"),
                     pftoken::InputError, "s.yaml:8:10: features.sigma: must be in [0, 1], got 1.5");
    // model and subsidy are required here (the mm venue has defaults).
    EXPECT_THROW_MSG((void)pm::parse_session(with("  subsidy: 100\n", ""), "s.yaml"), pftoken::InputError,
                     "market.subsidy: is required");
}

TEST(PmSession, OrderErrorsAreAtFileLineColumn) {
    const auto s = pm::parse_session(kSession, "s.yaml");
    const auto orders = [&](const std::string& rows) {
        return pm::parse_orders(kHeader + rows, "o.csv", s);
    };
    EXPECT_NO_THROW((void)orders("5,1,ann,A,YES,BUY,LIMIT,10,0.5,,1,\n"));
    EXPECT_THROW_MSG(orders("5,1,mallory,A,YES,BUY,LIMIT,10,0.5,,1,\n"), pftoken::InputError,
                     "o.csv:2:5: user: must name a user of the session, got 'mallory'");
    EXPECT_THROW_MSG(orders("5,1,ann,A,YES,BUY,LIMIT,-5,0.5,,1,\n"), pftoken::InputError,
                     "o.csv:2:25: size: must be > 0, got -5");
    EXPECT_THROW_MSG(orders("5,1,ann,A,YEP,BUY,LIMIT,5,0.5,,1,\n"), pftoken::InputError,
                     "o.csv:2:11: token: must be one of YES, NO; got 'YEP' (did you mean 'YES'?)");
    EXPECT_THROW_MSG(orders("5,1,ann,A,YES,BUY,LIMIT,5,,,1,\n"), pftoken::InputError,
                     "o.csv:2:27: limit_price: is required for a LIMIT order");
    EXPECT_THROW_MSG(orders("5,1,ann,A,YES,BUY,MARKET,5,0.5,,,\n"), pftoken::InputError,
                     "o.csv:2:28: limit_price: must be empty for a MARKET order, got '0.5'");
    EXPECT_THROW_MSG(
        orders("5,1,ann,A,YES,BUY,LIMIT,5,0.5,,1,\n6,1,ann,A,YES,BUY,LIMIT,5,0.5,,1,\n"),
        pftoken::InputError, "o.csv:3:3: order_id: must be unique, got 1 twice");
    EXPECT_THROW_MSG(orders("99999,1,ann,A,YES,BUY,LIMIT,5,0.5,,1,\n"), pftoken::InputError,
                     "o.csv:2:1: ts_ms: must be a whole number in [0, 20000], got '99999'");
    EXPECT_THROW_MSG(orders("5,1,ann,A,YES,BUY,LIMIT,5,0.5\n"), pftoken::InputError,
                     "o.csv:2:1: row: has 9 fields, the header has 12");
    EXPECT_NO_THROW((void)orders("5,1,ann,,,,CANCEL,,,,,7\n"));
    EXPECT_THROW_MSG((void)pm::parse_orders("ts_ms,order,user\n", "o.csv", s), pftoken::InputError,
                     "o.csv:1:7: header: column 2 must be 'order_id', got 'order'");
}

// The shipped example replays with every invariant holding (replay asserts them after every batch
// and resolution); money is conserved to the end: users' cash + MM cash + gas = starting cash.
TEST(PmSession, ShippedExampleReplays) {
    const auto s = pm::load_session(example("session.yaml"));
    const auto orders = pm::load_orders(example("orders.csv"), s);
    const auto r = pm::replay(s, orders);
    EXPECT_EQ(r.ticks.size(), 60U);
    double total = r.market_maker.cash + r.gas_collected;
    for (const auto& a : r.accounts) total += a.cash;
    EXPECT_NEAR(total, 6000.0, 1e-9);
    EXPECT_LE(-r.market_maker.cash, s.params.subsidy + 1e-9);
    bool kinds[5] = {};
    for (const auto& f : r.fills) kinds[static_cast<int>(f.kind)] = true;
    EXPECT_TRUE(kinds[0] && kinds[1] && kinds[2] && kinds[3] && kinds[4]) << "book, mint, merge, amm, auto_fill";
    // Eliminated Q1_2027 has price 0 from the round at 30 s on.
    EXPECT_EQ(r.ticks.back().prices[0], 0.0);
    EXPECT_GT(r.ticks[28].prices[0], 0.0);
}

// Simulated order flow: same seed, same orders and same final state hash; the CSV the simulator
// writes reads back to the same orders.
TEST(PmSession, SimulatedFlowIsSeededAndRoundTrips) {
    const auto s = pm::load_session(example("session.yaml"));
    const auto a = pm::simulate_orders(s, {3000, 11, 0.3});
    const auto b = pm::simulate_orders(s, {3000, 11, 0.3});
    const auto c = pm::simulate_orders(s, {3000, 12, 0.3});
    ASSERT_EQ(a.size(), 3000U);
    const auto text = pm::format_orders(a, s);
    EXPECT_EQ(text, pm::format_orders(b, s));
    EXPECT_NE(text, pm::format_orders(c, s));
    const auto back = pm::parse_orders(text, "sim.csv", s);
    EXPECT_EQ(pm::format_orders(back, s), text);
    const auto ra = pm::replay(s, a);
    const auto rb = pm::replay(s, back, false);
    EXPECT_EQ(ra.final_hash, rb.final_hash);
    EXPECT_GT(ra.fills.size(), 1000U);
}
