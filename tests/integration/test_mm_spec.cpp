// The `pftoken mm backtest` spec reader: defaults from docs/market-maker.md, overrides, unknown
// keys with did-you-mean and validation errors at the file position of their key, and the
// shipped example spec.
#include <gtest/gtest.h>

#include <string>

#include "pftoken/error.hpp"
#include "pftoken/integration/mm/spec.hpp"
#include "support/gtest_extra.hpp"

using namespace pftoken;
using namespace pftoken::integration::mm;

TEST(MmSpec, DefaultsAreTheReferenceSpecs) {
    const auto s = parse_mm_spec("strategy: {}\n");
    // ../shared/reference/market-maker.md, "Configuration per market (defaults)".
    EXPECT_EQ(s.strategy.gamma_short, 2.5);
    EXPECT_EQ(s.strategy.gamma_mid, 1.5);
    EXPECT_EQ(s.strategy.gamma_long, 0.8);
    EXPECT_EQ(s.strategy.time_smoothing_kappa, 24.0);
    EXPECT_EQ(s.strategy.base_spread_cents, 2);
    EXPECT_EQ(s.strategy.max_spread_cents, 15);
    EXPECT_EQ(s.strategy.budget_limit_cents, 500'000);
    EXPECT_EQ(s.strategy.position_limit, 5'000);
    EXPECT_EQ(s.strategy.max_loss_daily_cents, 50'000);
    EXPECT_EQ(s.strategy.lvr_velocity_threshold, 0.10);
    EXPECT_EQ(s.strategy.lvr_cooldown_ms, 5'000);
    EXPECT_EQ(s.strategy.oracle_stale_ms, 30'000);
    EXPECT_EQ(s.strategy.oracle_deviation_cents, 5.0);
    EXPECT_EQ(s.strategy.oracle_gap_cents, 5.0);
    EXPECT_EQ(s.strategy.sigma_min_cents, 1.0);
    EXPECT_EQ(s.strategy.sigma_max_cents, 15.0);
    EXPECT_EQ(s.strategy.rollback_cooldown_ms, 600'000);
    EXPECT_EQ(s.backtest.tolerance.shares, 2);
    EXPECT_EQ(s.backtest.tolerance.cash, 200);
    EXPECT_EQ(s.backtest.tolerance.cost, 500);
}

TEST(MmSpec, OverridesEveryKind) {
    const auto s = parse_mm_spec(
        "strategy:\n  gamma_mid: 0.3\n  base_spread_cents: 3\n  order_size: 25\n"
        "backtest:\n  markout_horizons_ms: [500, 5000]\n  check_invariants: false\n"
        "  tolerance: {shares: 1}\n");
    EXPECT_EQ(s.strategy.gamma_mid, 0.3);
    EXPECT_EQ(s.strategy.base_spread_cents, 3);
    EXPECT_EQ(s.strategy.order_size, 25);
    EXPECT_EQ(s.backtest.markout_horizons_ms, (std::vector<TimeMs>{500, 5'000}));
    EXPECT_FALSE(s.backtest.check_invariants);
    EXPECT_EQ(s.backtest.tolerance.shares, 1);
    EXPECT_EQ(s.backtest.tolerance.cash, 200);
}

TEST(MmSpec, ErrorsAtTheirKey) {
    EXPECT_THROW_MSG((void)parse_mm_spec("strategy:\n  gama_mid: 1\n"), InputError,
                     "spec:2:3: strategy.gama_mid: unknown key (did you mean 'gamma_mid'?)");
    EXPECT_THROW_MSG((void)parse_mm_spec("strategy:\n  kill_skew: 0.85\n"), InputError,
                     "spec:2:14: strategy.kill_skew: must be > one_side_skew");
    EXPECT_THROW_MSG((void)parse_mm_spec("strategy:\n  base_spread_cents: 2.5\n"), InputError,
                     "spec:2:22: strategy.base_spread_cents: must be a whole number");
    EXPECT_THROW_MSG(
        (void)parse_mm_spec("backtest:\n  markout_horizons_ms: [1000, 0]\n"), InputError,
        "backtest.markout_horizons_ms[1]: must be a whole number in [1, 1000000000000], got 0");
    EXPECT_THROW_MSG((void)parse_mm_spec("strategy:\n  sigma_max_cents: 0.5\n"), InputError,
                     "strategy.sigma_max_cents: must be >= sigma_min_cents");
    EXPECT_THROW_MSG((void)parse_mm_spec("venue: x\n"), InputError, "venue: unknown key");
    EXPECT_THROW_MSG(
        (void)parse_mm_spec("simulation:\n  flow:\n    duration_hours: 2\n"), InputError,
        "spec:3:5: simulation.flow.duration_hours: unknown key (did you mean 'duration_h'?)");
    EXPECT_THROW_MSG((void)parse_mm_spec("simulation:\n  flow:\n    start_probability: 1.5\n"),
                     InputError, "spec:3:24: simulation.flow.start_probability: must be");
}

TEST(MmSpec, SimulationSection) {
    const auto s = parse_mm_spec(
        "strategy: {initial_cash_cents: 900000}\n"
        "simulation:\n  flow: {duration_h: 2, noise_rate_per_min: 12}\n  latency: "
        "{order_latency_ms: 80}\n"
        "  maker_fee_bps: -5\n");
    EXPECT_EQ(s.simulation.flow.duration_h, 2.0);
    EXPECT_EQ(s.simulation.flow.noise_rate_per_min, 12.0);
    EXPECT_EQ(s.simulation.flow.lp_rate_per_min, FlowParams{}.lp_rate_per_min);
    EXPECT_EQ(s.simulation.latency.order_latency_ms, 80);
    EXPECT_EQ(s.simulation.latency.feed_latency_ms, LatencyParams{}.feed_latency_ms);
    EXPECT_EQ(s.simulation.maker_fee_bps, -5);
    EXPECT_EQ(s.simulation.mm_cash_cents,
              900'000);  // the strategy's cash is the exchange account's
}

TEST(MmSpec, ReplaySection) {
    const auto s = parse_mm_spec(
        "replay:\n  latency: {feed_latency_ms: 5}\n  queue: risk_averse\n  taker_fee_bps: 30\n  "
        "end_ms: 3600000\n");
    EXPECT_EQ(s.replay.latency.feed_latency_ms, 5);
    EXPECT_EQ(s.replay.queue, QueueModel::risk_averse);
    EXPECT_EQ(s.replay.taker_fee_bps, 30);
    ASSERT_TRUE(s.replay.end_ms.has_value());
    EXPECT_EQ(*s.replay.end_ms, 3'600'000);
    EXPECT_EQ(s.replay.mm_cash_cents, StrategyConfig{}.initial_cash_cents);
    EXPECT_THROW_MSG((void)parse_mm_spec("replay:\n  queue: fifo\n"), InputError,
                     "spec:2:10: replay.queue: must be one of pro_rata, risk_averse; got 'fifo'");
}

TEST(MmSpec, AmmSection) {
    const auto s = parse_mm_spec(
        "strategy: {market: token, initial_tokens: 700}\n"
        "amm:\n  fair_value_cents: 92\n  pool_fee: 0.01\n  flow: {duration_h: 3}\n");
    EXPECT_EQ(s.strategy.market, MarketKind::token);
    EXPECT_EQ(s.amm.fair_value_cents, 92.0);
    EXPECT_EQ(s.amm.pool_fee, 0.01);
    EXPECT_EQ(s.amm.flow.duration_h, 3.0);
    EXPECT_EQ(s.amm.flow.lp_rate_per_min,
              AmmVenueParams{}.flow.lp_rate_per_min);  // the venue's own default
    EXPECT_EQ(s.amm.mm_tokens, 700);
    EXPECT_EQ(s.amm.mm_cash_cents, StrategyConfig{}.initial_cash_cents);
    EXPECT_THROW_MSG((void)parse_mm_spec("strategy: {market: tokens}\n"), InputError,
                     "strategy.market: must be one of yes_no, yes_no_net, token; got 'tokens'");
}

// amm: {project, token}: the anchor from the project's DCF price per token (in cents of the face
// 1000 of the toll road's senior token, data/examples/toll_road.yaml); problems at their key.
TEST(MmSpec, AmmAnchorFromTheProject) {
    const std::string project = std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/toll_road.yaml";
    const auto s = parse_mm_spec("strategy: {market: token}\namm:\n  project: " + project +
                                 "\n  token: A7-SNR\n");
    ASSERT_TRUE(s.anchor.has_value());
    EXPECT_EQ(s.anchor->symbol, "A7-SNR");
    EXPECT_EQ(s.anchor->face_per_token, 1000.0);
    EXPECT_DOUBLE_EQ(s.amm.fair_value_cents, s.anchor->price_per_token / 10.0);
    EXPECT_EQ(s.anchor_project, project);
    EXPECT_THROW_MSG((void)parse_mm_spec("amm:\n  project: " + project + "\n  token: NOPE\n"),
                     InputError, "spec:3:10: amm.token: no tranche token 'NOPE'");
    EXPECT_THROW_MSG((void)parse_mm_spec("amm:\n  token: A7-SNR\n"), InputError,
                     "spec:2:10: amm.project: is required with amm.token");
    EXPECT_THROW_MSG((void)parse_mm_spec("amm:\n  project: /nonexistent/p.yaml\n  token: X\n"),
                     InputError, "spec:2:12: amm.project: cannot open /nonexistent/p.yaml");
    EXPECT_THROW_MSG(
        (void)parse_mm_spec("amm:\n  fair_value_cents: 90\n  project: " + project + "\n  token: A7-SNR\n"),
        InputError, "spec:2:21: amm.fair_value_cents: give either fair_value_cents or project and token");
}

TEST(MmSpec, PmSection) {
    const auto s = parse_mm_spec(
        "strategy: {market: yes_no_net, initial_sets: 0, initial_cash_cents: 300000}\n"
        "pm:\n  exchange: {model: parametric, subsidy: 50, fee: 0.01, cross_matching: false}\n"
        "  batch_interval_ms: 500\n  flow: {duration_h: 3}\n  latency: {order_latency_ms: 7}\n");
    EXPECT_EQ(s.strategy.market, MarketKind::yes_no_net);
    EXPECT_EQ(s.pm.exchange.model, pftoken::amm::pm::CostModel::Parametric);
    EXPECT_EQ(s.pm.exchange.subsidy, 50.0);
    EXPECT_EQ(s.pm.exchange.fee, 0.01);
    EXPECT_FALSE(s.pm.exchange.cross_matching);
    EXPECT_EQ(s.pm.exchange.outcomes, 2u);  // fixed by the venue
    EXPECT_EQ(s.pm.batch_interval_ms, 500);
    EXPECT_EQ(s.pm.flow.duration_h, 3.0);
    EXPECT_EQ(s.pm.latency.order_latency_ms, 7);
    EXPECT_EQ(s.pm.mm_cash_cents, 300'000);
    // Unknown keys, exchange constraints and venue constraints at their key.
    EXPECT_THROW_MSG((void)parse_mm_spec("pm:\n  exchange:\n    subsidyy: 5\n"), InputError,
                     "spec:3:5: pm.exchange.subsidyy: unknown key (did you mean 'subsidy'?)");
    EXPECT_THROW_MSG((void)parse_mm_spec("pm:\n  exchange:\n    subsidy: -5\n"), InputError,
                     "spec:3:14: pm.exchange.subsidy: must be > 0, got -5");
    EXPECT_THROW_MSG((void)parse_mm_spec("pm:\n  market_slippage: 2\n"), InputError,
                     "spec:2:20: pm.market_slippage: must be in [0, 1], got 2");
    EXPECT_THROW_MSG((void)parse_mm_spec("strategy: {market: yes_no_net}\n"), InputError,
                     "strategy.initial_sets: must be 0 with market: yes_no_net");
}

// pm.exchange is read by the reader of `pftoken pm`'s market: and features: sections
// (amm::pm::read_exchange): the same keys, words and constraint texts, at this section's path
// (tests/amm/test_pm_session.cpp, PmSession.ExchangeFieldsShareOneReader, is the other path).
TEST(MmSpec, PmExchangeSharesThePmSessionReader) {
    EXPECT_THROW_MSG((void)parse_mm_spec("pm:\n  exchange:\n    model: lmrs\n"), InputError,
                     "spec:3:12: pm.exchange.model: must be one of lmsr, parametric; got 'lmrs' (did you mean 'lmsr'?)");
    EXPECT_THROW_MSG((void)parse_mm_spec("pm:\n  exchange:\n    fee_match: 1\n"), InputError,
                     "spec:3:16: pm.exchange.fee_match: must be in [0, 1), got 1");
    EXPECT_THROW_MSG((void)parse_mm_spec("pm:\n  exchange:\n    cross_matching: 2\n"), InputError,
                     "spec:3:21: pm.exchange.cross_matching: must be true or false");
    // The venue's subset: the auto-fill and tick fields are the session's only.
    EXPECT_THROW_MSG((void)parse_mm_spec("pm:\n  exchange:\n    sigma: 0.5\n"), InputError,
                     "spec:3:5: pm.exchange.sigma: unknown key");
    const auto s = parse_mm_spec("pm:\n  exchange: {p_min: 0.02, p_max: 0.97, eta: 0.2, gas_fee: 0.01}\n");
    EXPECT_EQ(s.pm.exchange.p_min, 0.02);
    EXPECT_EQ(s.pm.exchange.p_max, 0.97);
    EXPECT_EQ(s.pm.exchange.eta, 0.2);
    EXPECT_EQ(s.pm.exchange.gas_fee, 0.01);
    EXPECT_EQ(s.pm.exchange.subsidy, PmVenueParams{}.exchange.subsidy);  // optional here, the venue's default
}

TEST(MmSpec, ShippedExampleLoads) {
    const auto s = load_mm_spec(std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/mm/spec.yaml");
    EXPECT_EQ(s.strategy.gamma_mid, StrategyConfig{}.gamma_mid);
    EXPECT_EQ(s.backtest.path_interval_ms, 60'000);
    const auto t =
        load_mm_spec(std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/mm/token_spec.yaml");
    EXPECT_EQ(t.strategy.market, MarketKind::token);
    const auto pm = load_mm_spec(std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/mm/pm_spec.yaml");
    EXPECT_EQ(pm.strategy.market, MarketKind::yes_no_net);
    const auto dcf =
        load_mm_spec(std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/mm/token_dcf_spec.yaml");
    ASSERT_TRUE(dcf.anchor.has_value());  // ../toll_road.yaml, relative to the spec's folder
    EXPECT_EQ(dcf.anchor->symbol, "A7-SNR");
}
