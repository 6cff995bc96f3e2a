// Range optimiser: closed forms for driftless GBM, brute force without prefix sums, determinism,
// CVaR, spec errors and the golden file of the shipped example.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "pftoken/amm/analytics/lvr.hpp"
#include "pftoken/amm/analytics/position.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/range_opt.hpp"
#include "pftoken/integration/range_opt_report.hpp"
#include "pftoken/integration/range_opt_spec.hpp"
#include "support/golden.hpp"
#include "support/gtest_extra.hpp"

namespace pi = pftoken::integration;
namespace pa = pftoken::amm::analytics;

namespace {

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// Closed forms for a GBM sampled at t_k = k dt, k = 0..n-1 (the left-point rule): ln P_t is
/// N(ln P0 + (mu - sigma^2/2) t, sigma^2 t), so
///   E[#steps in [pa, pb)]           = sum_k Phi(d_b(t_k)) - Phi(d_a(t_k)),
///   E[sum_k sqrt(P_k) 1{in range}]  = sum_k exp(m/2 + v/8) (Phi((b-m-v/2)/sqrt v) -
///   Phi((a-m-v/2)/sqrt v))
/// with m, v the mean and variance of ln P_{t_k}, a = ln pa, b = ln pb (the second from the
/// lognormal partial moment E[e^{X/2} 1{a <= X < b}], e.g. Hull, "Options, Futures and Other
/// Derivatives", the partial expectation behind the Black-Scholes formula, with exponent 1/2).
struct ClosedForm {
    double in_range_steps = 0.0;
    double sqrt_price_in_range = 0.0;
};

ClosedForm gbm_closed_form(double s0, double mu, double sigma, double dt, std::size_t steps,
                         double pa, double pb) {
    ClosedForm cf;
    const double a = std::log(pa), b = std::log(pb);
    for (std::size_t k = 0; k < steps; ++k) {
        const double t = static_cast<double>(k) * dt;
        const double m = std::log(s0) + (mu - 0.5 * sigma * sigma) * t;
        const double v = sigma * sigma * t;
        if (v == 0.0) {
            const bool in = s0 >= pa && s0 < pb;
            cf.in_range_steps += in ? 1.0 : 0.0;
            cf.sqrt_price_in_range += in ? std::sqrt(s0) : 0.0;
            continue;
        }
        const double sd = std::sqrt(v);
        cf.in_range_steps += normal_cdf((b - m) / sd) - normal_cdf((a - m) / sd);
        cf.sqrt_price_in_range += std::exp(m / 2.0 + v / 8.0) * (normal_cdf((b - m - v / 2.0) / sd) -
                                                              normal_cdf((a - m - v / 2.0) / sd));
    }
    return cf;
}

/// Everything about one range, computed by a direct loop over paths and steps, without the
/// optimiser's histograms and prefix sums, with amm analytics for LVR and position values.
struct Direct {
    double fees = 0.0, lvr = 0.0, rebalances = 0.0, rebalance_cost = 0.0, il = 0.0, cvar = 0.0;
    double objective = 0.0, fees_std_error = 0.0, lvr_std_error = 0.0, il_std_error = 0.0;
};

Direct direct_evaluation(const pi::PricePaths& paths, const pi::RangeOptOptions& o, double sigma,
                        int tick_lower, int tick_upper) {
    const double p_lo = pi::price_at_tick(tick_lower), p_hi = pi::price_at_tick(tick_upper);
    const double s0 = paths.at(0, 0);
    const double liquidity = o.capital / pa::position_value(1.0, s0, p_lo, p_hi);
    const pa::PositionAmounts deposit = pa::position_amounts(liquidity, s0, p_lo, p_hi);
    const double dt = paths.time_step_years();
    const double volume_per_step = o.daily_volume * 365.0 * dt;
    const double fee_per_step = volume_per_step * static_cast<double>(o.fee_tier) * 1e-6 *
                              (1.0 - o.protocol_fee_share) * liquidity /
                              (liquidity + o.pool_liquidity);
    const double cost_per_exit =
        o.rebalance_on_exit ? o.gas_cost_per_rebalance + o.swap_cost_fraction * o.capital : 0.0;
    const auto n = static_cast<double>(paths.path_count);
    Direct d;
    std::vector<double> pnl(paths.path_count);
    double fees_sq = 0.0, lvr_sq = 0.0, il_sq = 0.0;
    for (std::size_t p = 0; p < paths.path_count; ++p) {
        double fees = 0.0, lvr = 0.0, exits = 0.0;
        for (std::size_t t = 0; t < paths.steps; ++t) {
            const double s = paths.at(p, t), next = paths.at(p, t + 1);
            if (s >= p_lo && s < p_hi) {
                fees += fee_per_step;
                lvr += pa::lvr_concentrated(sigma, liquidity, s, p_lo, p_hi) * dt;
            }
            if (s >= p_lo && next < p_lo) exits += 1.0;  // leaves through the lower edge
            if (s < p_hi && next >= p_hi) exits += 1.0;  // leaves through the upper edge
        }
        const double s_t = paths.at(p, paths.steps);
        const double vs_hold =
            pa::position_value(liquidity, s_t, p_lo, p_hi) - (deposit.amount0 * s_t + deposit.amount1);
        d.fees += fees;
        d.lvr += lvr;
        d.rebalances += exits;
        d.il += vs_hold;
        fees_sq += fees * fees;
        lvr_sq += lvr * lvr;
        il_sq += vs_hold * vs_hold;
        pnl[p] = fees - cost_per_exit * exits + vs_hold;
    }
    d.fees /= n;
    d.lvr /= n;
    d.rebalances /= n;
    d.il /= n;
    d.rebalance_cost = cost_per_exit * d.rebalances;
    d.fees_std_error = std::sqrt(std::max(0.0, fees_sq / n - d.fees * d.fees) / n);
    d.lvr_std_error = std::sqrt(std::max(0.0, lvr_sq / n - d.lvr * d.lvr) / n);
    d.il_std_error = std::sqrt(std::max(0.0, il_sq / n - d.il * d.il) / n);
    // CVaR by a full sort (Acerbi and Tasche 2002, eq. 3.3): mean of the n(1-alpha) worst
    // outcomes, the last one weighted by the fractional part.
    std::sort(pnl.begin(), pnl.end());
    const double w = n * (1.0 - o.cvar_level);
    const double wr = std::nearbyint(w);
    const double tail = std::abs(w - wr) < 1e-9 * std::max(1.0, w) ? wr : w;
    const auto whole = static_cast<std::size_t>(std::floor(tail));
    double sum = 0.0;
    for (std::size_t i = 0; i < whole; ++i) sum += pnl[i];
    if (whole == 0) {
        d.cvar = -pnl[0];
    } else {
        if (whole < pnl.size()) sum += (tail - static_cast<double>(whole)) * pnl[whole];
        d.cvar = -sum / tail;
    }
    d.objective = d.fees - d.lvr - d.rebalance_cost - o.risk_aversion * std::max(0.0, d.cvar);
    return d;
}

double rel_diff(double a, double b) {
    const double scale = std::max(std::abs(a), std::abs(b));
    return scale == 0.0 ? 0.0 : std::abs(a - b) / scale;
}

pi::GbmScenario driftless_scenario() {
    pi::GbmScenario g;
    g.initial_price = 1.5;
    g.volatility = 0.5;
    g.drift = 0.5 * g.volatility * g.volatility;  // zero drift in log price: symmetric in ln P
    g.horizon_years = 0.5;
    g.steps = 60;
    g.paths = 4000;
    g.seed = 7;
    return g;
}

}  // namespace

// Expected fees and LVR of symmetric ranges under a log-driftless GBM against the closed forms
// above, and the monotonicity the closed forms predict: with an LP that is small next to the pool
// (share ~ L / L_pool), widening the range lowers both the fee income and the LVR.
TEST(RangeOpt, ExpectedFeesAndLvrMatchGbmClosedFormsAndFallWithWidth) {
    const pi::GbmScenario g = driftless_scenario();
    const pi::PricePaths paths = pi::simulate_gbm_paths(g);
    pi::RangeOptOptions o;
    o.fee_tier = 3000;
    o.pool_liquidity = 5.0e6;
    o.daily_volume = 1.0e6;
    o.capital = 1.0e4;
    o.lvr_volatility = g.volatility;
    o.tick_count = 41;
    o.grid_step_spacings = 10;  // 600 ticks per grid step
    o.keep_all_ranges = true;
    const pi::RangeOptResult r = pi::optimise_range(paths, o);
    ASSERT_EQ(r.ranges.size(), 41u * 40u / 2u);

    const double dt = paths.time_step_years();
    double last_fees_cf = INFINITY, last_lvr_cf = INFINITY, last_fees = INFINITY, last_lvr = INFINITY;
    int checked = 0;
    for (int half = 1; half <= 18; half += 3) {  // symmetric ranges of +-half grid steps
        const int lower = r.inputs.first_tick + (20 - half) * r.inputs.grid_step_ticks;
        const int upper = r.inputs.first_tick + (20 + half) * r.inputs.grid_step_ticks;
        const auto it =
            std::find_if(r.ranges.begin(), r.ranges.end(), [&](const pi::RangeMetrics& m) {
                return m.tick_lower == lower && m.tick_upper == upper;
            });
        ASSERT_NE(it, r.ranges.end());
        const ClosedForm cf = gbm_closed_form(g.initial_price, g.drift, g.volatility, dt, g.steps,
                                            it->price_lower, it->price_upper);
        const double fee_per_step =
            o.daily_volume * 365.0 * dt * 0.003 * it->liquidity / (it->liquidity + o.pool_liquidity);
        const double fees_cf = fee_per_step * cf.in_range_steps;
        const double lvr_cf =
            g.volatility * g.volatility / 4.0 * dt * it->liquidity * cf.sqrt_price_in_range;
        const Direct d = direct_evaluation(paths, o, g.volatility, lower, upper);
        SCOPED_TRACE(::testing::Message()
                     << "range [" << lower << ", " << upper << ") fees " << it->expected_fees
                     << " vs " << fees_cf << " +- " << d.fees_std_error << ", lvr " << it->expected_lvr
                     << " vs " << lvr_cf << " +- " << d.lvr_std_error);
        EXPECT_LE(std::abs(it->expected_fees - fees_cf), 4.0 * d.fees_std_error + 1e-12 * fees_cf);
        EXPECT_LE(std::abs(it->expected_lvr - lvr_cf), 4.0 * d.lvr_std_error + 1e-12 * lvr_cf);
        // The closed forms fall with width, and so do the estimates.
        EXPECT_LT(fees_cf, last_fees_cf);
        EXPECT_LT(lvr_cf, last_lvr_cf);
        EXPECT_LT(it->expected_fees, last_fees);
        EXPECT_LT(it->expected_lvr, last_lvr);
        last_fees_cf = fees_cf;
        last_lvr_cf = lvr_cf;
        last_fees = it->expected_fees;
        last_lvr = it->expected_lvr;
        ++checked;
    }
    EXPECT_EQ(checked, 6);
}

// For a martingale price (zero drift of P) holding the deposit is a martingale, and so is the
// rebalancing portfolio; the LP's value differs from the latter by the accumulated LVR
// (Milionis, Moallemi, Roughgarden, Zhang 2022, arXiv 2208.06046, Thm 1). Hence
// E[V_T - V_hold] = -E[LVR]: the optimiser's terminal term (exact range formulas) and its LVR
// term (sigma^2 L sqrt(P) / 4 on the occupancy histograms) must agree, up to the Monte Carlo error
// and the O(dt) error of the left-point sum. (The Monte Carlo error of E[V_T - V_hold] is large
// next to its size: it is driven by the sample mean of sqrt(P_T); the check is of consistency.)
TEST(RangeOpt, TerminalLossVersusHoldEqualsMinusLvrForAMartingalePrice) {
    pi::GbmScenario g = driftless_scenario();
    g.drift = 0.0;
    g.steps = 100;
    const pi::PricePaths paths = pi::simulate_gbm_paths(g);
    pi::RangeOptOptions o;
    o.lvr_volatility = g.volatility;
    o.tick_count = 41;
    o.grid_step_spacings = 10;
    o.keep_all_ranges = true;
    const pi::RangeOptResult r = pi::optimise_range(paths, o);
    int checked = 0;
    for (int half = 2; half <= 18; half += 4) {
        const int lower = r.inputs.first_tick + (20 - half) * r.inputs.grid_step_ticks;
        const int upper = r.inputs.first_tick + (20 + half) * r.inputs.grid_step_ticks;
        const auto it =
            std::find_if(r.ranges.begin(), r.ranges.end(), [&](const pi::RangeMetrics& m) {
                return m.tick_lower == lower && m.tick_upper == upper;
            });
        ASSERT_NE(it, r.ranges.end());
        const Direct d = direct_evaluation(paths, o, g.volatility, lower, upper);
        EXPECT_LE(std::abs(it->expected_il + it->expected_lvr),
                  4.0 * (d.il_std_error + d.lvr_std_error) + 0.03 * it->expected_lvr)
            << "range [" << lower << ", " << upper << "): E[V_T - hold] " << it->expected_il
            << ", E[LVR] " << it->expected_lvr << ", std errors " << d.il_std_error << ", "
            << d.lvr_std_error;
        ++checked;
    }
    EXPECT_EQ(checked, 5);
}

// With lambda = 0 and no rebalancing the objective is E[fees] - E[LVR], which the closed forms
// give exactly: the range the optimiser picks from simulated paths must be (near) optimal for the
// closed-form objective too.
TEST(RangeOpt, ChosenRangeIsNearTheClosedFormOptimum) {
    const pi::GbmScenario g = driftless_scenario();
    const pi::PricePaths paths = pi::simulate_gbm_paths(g);
    pi::RangeOptOptions o;
    o.pool_liquidity = 2.0e5;
    o.daily_volume = 2.0e5;
    o.capital = 2.0e4;
    o.lvr_volatility = g.volatility;
    o.tick_count = 41;
    o.grid_step_spacings = 10;
    o.keep_all_ranges = true;
    const pi::RangeOptResult r = pi::optimise_range(paths, o);
    const double dt = paths.time_step_years();
    double best_cf = -INFINITY, chosen_cf = 0.0;
    for (const pi::RangeMetrics& m : r.ranges) {
        const ClosedForm cf = gbm_closed_form(g.initial_price, g.drift, g.volatility, dt, g.steps,
                                            m.price_lower, m.price_upper);
        const double fee_per_step =
            o.daily_volume * 365.0 * dt * 0.003 * m.liquidity / (m.liquidity + o.pool_liquidity);
        const double objective = fee_per_step * cf.in_range_steps - g.volatility * g.volatility / 4.0 *
                                                                    dt * m.liquidity *
                                                                    cf.sqrt_price_in_range;
        best_cf = std::max(best_cf, objective);
        if (m.tick_lower == r.best.tick_lower && m.tick_upper == r.best.tick_upper)
            chosen_cf = objective;
    }
    ASSERT_GT(best_cf, 0.0);
    EXPECT_GT(chosen_cf, 0.97 * best_cf)
        << "chosen [" << r.best.tick_lower << ", " << r.best.tick_upper << ") closed-form objective "
        << chosen_cf << " vs best " << best_cf;
}

// Every range's O(1) evaluation equals the direct per-path, per-step sum (to 1e-12 relative), and
// so the chosen range is the brute-force argmax. Rebalancing on, lambda > 0, drift, and paths that
// leave the grid on both sides.
TEST(RangeOpt, EveryRangeMatchesBruteForceAndSoDoesTheChoice) {
    pi::GbmScenario g;
    g.initial_price = 0.8;
    g.drift = 0.1;
    g.volatility = 0.9;
    g.horizon_years = 0.4;
    g.steps = 40;
    g.paths = 1201;  // > 1024: the sweep's sampled-threshold CVaR selection is exercised
    g.seed = 11;
    const pi::PricePaths paths = pi::simulate_gbm_paths(g, 2);
    pi::RangeOptOptions o;
    o.fee_tier = 500;
    o.pool_liquidity = 3.0e4;
    o.daily_volume = 5.0e4;
    o.capital = 5.0e3;
    o.rebalance_on_exit = true;
    o.gas_cost_per_rebalance = 2.0;
    o.swap_cost_fraction = 0.001;
    o.risk_aversion = 0.7;
    o.cvar_level = 0.9;
    o.tick_count = 20;
    o.grid_step_spacings = 48;  // 480 ticks: the grid spans about +-45%, paths leave it
    o.lvr_volatility = -1.0;   // realised volatility
    o.keep_all_ranges = true;
    const pi::RangeOptResult r = pi::optimise_range(paths, o);
    const double sigma = pi::realised_volatility(paths);
    EXPECT_EQ(r.inputs.lvr_volatility, sigma);
    ASSERT_EQ(r.ranges.size(), 20u * 19u / 2u);
    double best_objective = -INFINITY;
    int best_lower = 0, best_upper = 0;
    for (const pi::RangeMetrics& m : r.ranges) {
        const Direct d = direct_evaluation(paths, o, sigma, m.tick_lower, m.tick_upper);
        SCOPED_TRACE(::testing::Message()
                     << "range [" << m.tick_lower << ", " << m.tick_upper << ")");
        EXPECT_LE(rel_diff(m.expected_fees, d.fees), 1e-12) << m.expected_fees << " vs " << d.fees;
        EXPECT_LE(rel_diff(m.expected_lvr, d.lvr), 1e-12) << m.expected_lvr << " vs " << d.lvr;
        EXPECT_LE(rel_diff(m.expected_rebalances, d.rebalances), 1e-12);
        EXPECT_LE(rel_diff(m.expected_rebalance_cost, d.rebalance_cost), 1e-12);
        // V_T - V_hold cancels two terms of size ~capital: compare relative to the capital.
        EXPECT_LE(std::abs(m.expected_il - d.il), 1e-12 * o.capital)
            << m.expected_il << " vs " << d.il;
        EXPECT_LE(std::abs(m.cvar - d.cvar), 1e-12 * o.capital) << m.cvar << " vs " << d.cvar;
        EXPECT_LE(std::abs(m.objective - d.objective), 1e-12 * o.capital);
        if (d.objective > best_objective) {
            best_objective = d.objective;
            best_lower = m.tick_lower;
            best_upper = m.tick_upper;
        }
    }
    EXPECT_EQ(r.best.tick_lower, best_lower);
    EXPECT_EQ(r.best.tick_upper, best_upper);
    // Rebalancing and drift make some ranges lose: the test exercises both signs.
    EXPECT_TRUE(std::any_of(r.ranges.begin(), r.ranges.end(),
                            [](const pi::RangeMetrics& m) { return m.objective < 0.0; }));
    EXPECT_TRUE(std::any_of(r.ranges.begin(), r.ranges.end(),
                            [](const pi::RangeMetrics& m) { return m.expected_rebalances > 1.0; }));
}

TEST(RangeOpt, BitIdenticalForAnyThreadCount) {
    pi::GbmScenario g = driftless_scenario();
    g.paths = 500;
    const pi::PricePaths one = pi::simulate_gbm_paths(g, 1);
    const pi::PricePaths two = pi::simulate_gbm_paths(g, 2);
    ASSERT_EQ(one.prices, two.prices);
    pi::RangeOptOptions o;
    o.tick_count = 30;
    o.risk_aversion = 0.3;
    o.rebalance_on_exit = true;
    o.gas_cost_per_rebalance = 1.0;
    o.keep_all_ranges = true;
    o.threads = 1;
    const pi::RangeOptResult a = pi::optimise_range(one, o);
    o.threads = 3;
    const pi::RangeOptResult b = pi::optimise_range(one, o);
    ASSERT_EQ(a.ranges.size(), b.ranges.size());
    for (std::size_t i = 0; i < a.ranges.size(); ++i) {
        EXPECT_EQ(a.ranges[i].objective, b.ranges[i].objective);
        EXPECT_EQ(a.ranges[i].cvar, b.ranges[i].cvar);
        EXPECT_EQ(a.ranges[i].expected_lvr, b.ranges[i].expected_lvr);
    }
}

// The progress callback: reports never go backwards or past the total, the last report is
// (total, total) with total = ranges of both sweeps when refining, and listening changes no bit
// (the poll gives every worker a thread of its own).
TEST(RangeOpt, ProgressCountsRangesAndChangesNothing) {
    pi::GbmScenario g = driftless_scenario();
    g.paths = 500;
    const pi::PricePaths paths = pi::simulate_gbm_paths(g, 2);
    pi::RangeOptOptions o;
    o.tick_count = 30;
    o.risk_aversion = 0.3;
    o.refine_grid = true;
    o.keep_all_ranges = true;
    o.threads = 2;
    const pi::RangeOptResult quiet = pi::optimise_range(paths, o);
    std::vector<std::pair<std::size_t, std::size_t>> reports;
    o.progress = [&reports](std::size_t done, std::size_t total) { reports.emplace_back(done, total); };
    const pi::RangeOptResult heard = pi::optimise_range(paths, o);
    const std::size_t total = 2 * (30 * 29 / 2);
    ASSERT_FALSE(reports.empty());
    EXPECT_EQ(reports.back(), std::make_pair(total, total));
    for (std::size_t i = 0; i < reports.size(); ++i) {
        EXPECT_EQ(reports[i].second, total);
        EXPECT_LE(reports[i].first, total);
        if (i > 0) {
            EXPECT_GE(reports[i].first, reports[i - 1].first) << i;
        }
    }
    ASSERT_EQ(quiet.ranges.size(), heard.ranges.size());
    for (std::size_t i = 0; i < quiet.ranges.size(); ++i) {
        EXPECT_EQ(quiet.ranges[i].objective, heard.ranges[i].objective);
        EXPECT_EQ(quiet.ranges[i].cvar, heard.ranges[i].cvar);
    }
    EXPECT_EQ(quiet.best_containing_price.objective, heard.best_containing_price.objective);
}

// Acerbi and Tasche (2002), "On the coherence of expected shortfall", eq. 3.3, worked by hand:
// outcomes {-10, -5, 0, 5, 10}.
TEST(RangeOpt, CvarIsTheAcerbiTascheExpectedShortfall) {
    struct Row {
        double alpha, expected;
    };
    const Row rows[] = {
        {0.6, 7.5},                       // w = 2: mean of the losses 10 and 5
        {0.7, (10.0 + 0.5 * 5.0) / 1.5},  // w = 1.5: the second worst at weight 1/2
        {0.8, 10.0},                      // w = 1
        {0.95, 10.0},                     // w < 1: the worst outcome
        {0.2, (10.0 + 5.0 + 0.0 - 5.0) / 4.0},
    };
    for (const Row& row : rows) {
        std::vector<double> x = {5.0, -10.0, 10.0, 0.0, -5.0};
        EXPECT_NEAR(pi::cvar_of_losses(x, row.alpha), row.expected, 1e-14) << "alpha " << row.alpha;
    }
}

// The pooled realised volatility of exactly simulated GBM log returns is the model's: for n
// normal returns, the estimator's relative standard error is about 1 / sqrt(2 n).
TEST(RangeOpt, RealisedVolatilityOfGbmPaths) {
    pi::GbmScenario g = driftless_scenario();
    g.drift = 0.0;
    const pi::PricePaths paths = pi::simulate_gbm_paths(g);
    const double n = static_cast<double>(g.paths * g.steps);
    // E[r^2] = sigma^2 dt + (drift - sigma^2/2)^2 dt^2: the drift term is ~1e-4 relative here.
    EXPECT_NEAR(pi::realised_volatility(paths), g.volatility,
                4.0 * g.volatility / std::sqrt(2.0 * n) + 1e-3);
}

TEST(RangeOpt, FeeTierSpacings) {
    EXPECT_EQ(pi::tick_spacing_for_fee_tier(500), 10);
    EXPECT_EQ(pi::tick_spacing_for_fee_tier(3000), 60);
    EXPECT_EQ(pi::tick_spacing_for_fee_tier(10000), 200);
    EXPECT_THROW_MSG((void)pi::tick_spacing_for_fee_tier(100), pftoken::InputError,
                     "pool.fee_tier: must be one of 500, 3000, 10000 (pips), got 100");
}

// ----------------------------------------------------------------------------------------------
// Spec file errors name the field and the constraint.

namespace {

const char* kValidSpec = R"(
scenario: {model: gbm, initial_price: 2.0, volatility: 0.6, horizon_years: 0.25, steps: 20, paths: 50, seed: 3}
pool: {fee_tier: 3000, tvl: 1000000}
volume: {tvl_multiple: 0.2}
lp: {capital: 1000}
rebalance: {trigger: on_exit, gas_cost: 1, swap_cost_fraction: 0.001}
risk: {lambda: 0.5, cvar_level: 0.9}
grid: {tick_count: 12, step_spacings: auto}
)";

/// The valid spec with `from` replaced by `to`.
std::string spec_with(const std::string& from, const std::string& to) {
    std::string text = kValidSpec;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    return text;
}

}  // namespace

TEST(RangeOptSpec, ValidSpecResolvesTvlAndVolume) {
    const pi::RangeOptSpec spec = pi::parse_range_opt_spec(kValidSpec);
    EXPECT_EQ(spec.model, pi::RangeOptSpec::Model::Gbm);
    // Full-range pool: TVL = 2 L sqrt(P0).
    EXPECT_NEAR(spec.options.pool_liquidity, 1.0e6 / (2.0 * std::sqrt(2.0)), 1e-9);
    EXPECT_NEAR(spec.options.daily_volume, 2.0e5, 1e-9);
    EXPECT_TRUE(spec.options.rebalance_on_exit);
    EXPECT_EQ(spec.options.tick_count, 12u);
    EXPECT_EQ(spec.options.grid_step_spacings, 0);
    EXPECT_EQ(spec.options.lvr_volatility, 0.6);
}

TEST(RangeOptSpec, ErrorsNameTheField) {
    struct Row {
        const char* from;
        const char* to;
        const char* message;
    };
    const Row rows[] = {
        {"volatility: 0.6", "volatility: -0.2",
         "scenario.volatility: must be >= 0, got -0.2"},
        {"initial_price: 2.0", "initial_price: abc",
         "scenario.initial_price: must be a number, got 'abc'"},
        {"steps: 20", "steps: 0", "scenario.steps: must be a whole number in [1, 100000], got 0"},
        {"paths: 50", "paths: 2.5", "scenario.paths: must be a whole number, got '2.5'"},
        {"model: gbm", "model: heston", "scenario.model: must be one of gbm, paths; got 'heston'"},
        {"fee_tier: 3000", "fee_tier: 2500",
         "pool.fee_tier: must be one of 500, 3000, 10000 (pips), got 2500"},
        {"tvl: 1000000", "tvl: -5", "pool.tvl: must be > 0, got -5"},
        {"tvl: 1000000", "tvl: 1, active_liquidity: 3",
         "pool: give exactly one of active_liquidity, tvl"},
        {"tvl_multiple: 0.2", "daily: -1", "volume.daily: must be >= 0, got -1"},
        {"capital: 1000", "capital: 0", "lp.capital: must be > 0, got 0"},
        {"trigger: on_exit", "trigger: daily",
         "rebalance.trigger: must be one of none, on_exit; got 'daily'"},
        {"swap_cost_fraction: 0.001", "swap_cost_fraction: 2",
         "rebalance.swap_cost_fraction: must be in [0, 1], got 2"},
        {"lambda: 0.5", "lambda: -1", "risk.lambda: must be >= 0, got -1"},
        {"cvar_level: 0.9", "cvar_level: 1", "risk.cvar_level: must be in (0, 1), got 1"},
        {"tick_count: 12", "tick_count: 1", "grid.tick_count: must be a whole number in [2, 4000], got 1"},
        {"seed: 3", "seed: 3, sede: 4", "scenario.sede: unknown key (did you mean 'seed'?)"},
        {"lp: {capital: 1000}", "", "lp: is required"},
        // Bad input found by trying the command as a new user would (issue 12): each value is
        // refused where it is read, naming the field the user wrote and the bound.
        {"capital: 1000", "capital: 1e308", "lp.capital: must be <= 1000000000000000, got 1e+308"},
        {"volatility: 0.6,", "volatility: 0.6, drift: 1e308,", "scenario.drift: must be within +-10, got 1e+308"},
        {"fee_tier: 3000", "fee_tier: -3000", "pool.fee_tier: must be one of 500, 3000, 10000 (pips), got -3000"},
        {"paths: 50", "paths: 10000000", "scenario.paths: paths x (steps + 1) = 10000000 x 21 = 2.1e+08 prices, more than the limit of 1e+08 held in memory"},
        {"volatility: 0.6, horizon_years: 0.25", "volatility: 19, horizon_years: 100",
         "scenario: drift 0, volatility 19 over horizon_years 100 move the log price by up to 1.957e+04"},
        {"paths: 50", "paths: 1e20", "scenario.paths: must be a whole number in [1, 10000000], got 1e20"},
    };
    for (const Row& row : rows) {
        EXPECT_THROW_MSG((void)pi::parse_range_opt_spec(spec_with(row.from, row.to), "test.yaml"),
                         pftoken::InputError, row.message)
            << "replacing '" << row.from << "' by '" << row.to << "'";
    }
}

TEST(RangeOptSpec, SuppliedPathsAndTheirErrors) {
    const std::string base = R"(
scenario:
  model: paths
  horizon_years: 0.1
  prices: [[1.0, 1.1, 1.2, 1.0], [1.0, 0.9, 0.95, 0.97]]
pool: {fee_tier: 500, active_liquidity: 1000}
volume: {daily: 100}
lp: {capital: 10}
grid: {tick_count: 8, step_spacings: 50}
)";
    const pi::RangeOptSpec spec = pi::parse_range_opt_spec(base);
    ASSERT_EQ(spec.model, pi::RangeOptSpec::Model::Paths);
    EXPECT_EQ(spec.supplied_paths.path_count, 2u);
    EXPECT_EQ(spec.supplied_paths.steps, 3u);
    EXPECT_LT(spec.options.lvr_volatility, 0.0);  // realised
    const pi::RangeOptReport report = pi::run_range_opt_spec(spec);
    EXPECT_EQ(report.result.frontier.size(), 7u);
    EXPECT_GT(report.result.inputs.lvr_volatility, 0.0);

    const auto parse_with = [&](const std::string& from, const std::string& to) {
        std::string text = base;
        text.replace(text.find(from), from.size(), to);
        return pi::parse_range_opt_spec(text);
    };
    EXPECT_THROW_MSG(
        (void)parse_with("[1.0, 0.9, 0.95, 0.97]", "[1.0, 0.9, 0.95]"), pftoken::InputError,
        "<spec>:5:34: scenario.prices[1]: must have 4 prices like the first path, got 3");
    EXPECT_THROW_MSG((void)parse_with("0.9, 0.95", "0.9, -0.95"), pftoken::InputError,
                     "<spec>:5:45: scenario.prices[1][2]: must be in [1e-18, 1e+18], got -0.95");
    EXPECT_THROW_MSG((void)parse_with("[1.0, 0.9,", "[1.5, 0.9,"), pftoken::InputError,
                     "<spec>:5:35: scenario.prices[1][0]: every path must start at the first "
                     "path's price 1, got 1.5");
}

// ----------------------------------------------------------------------------------------------
// Golden file: the shipped example's frontier CSV, compared per column with an absolute and a
// relative tolerance (floating-point results may differ in the last bits between optimisation
// levels; tests/support/golden.hpp). Regenerate with PFTOKEN_UPDATE_GOLDEN=1 after an intended change.

TEST(RangeOptGolden, ExampleFrontierCsv) {
    const std::string source = PFTOKEN_SOURCE_DIR;
    const std::string spec_path = source + "/data/range_opt/gbm.yaml";
    const pi::RangeOptReport report = pi::run_range_opt_spec(pi::load_range_opt_spec(spec_path));
    const std::string csv = pi::format_range_opt_csv(report);
    ASSERT_EQ(pftoken::test::parse_csv(csv).at(0), pi::range_opt_csv_columns());  // header
    // Integer columns (width, flags, ticks) must match exactly; money columns to 1e-9 relative
    // or 1e-9 token1 absolute.
    const auto tolerances = pftoken::test::Tolerances({1e-9, 1e-9})
                                .field("width_ticks", pftoken::test::Tolerance::exact_text())
                                .field("best", pftoken::test::Tolerance::exact_text())
                                .field("pareto", pftoken::test::Tolerance::exact_text())
                                .field("tick_lower", pftoken::test::Tolerance::exact_text())
                                .field("tick_upper", pftoken::test::Tolerance::exact_text())
                                .field("contains_price", pftoken::test::Tolerance::exact_text())
                                .field("chosen", pftoken::test::Tolerance::exact_text());
    pftoken::test::expect_golden("range_opt_gbm.csv", csv, tolerances);
}

// Issue 14: with fee tier 500 and the example's settings the best range overall is
// [-2380, -480), wholly below the price (tick 6931, in range 0.2% of the time), and every range
// containing the price scores below zero: the optimiser must say "do not provide" in every
// format, next to the best range containing the price and the grid resolution.
TEST(RangeOptAnswer, FeeTier500SaysDoNotProvide) {
    pi::RangeOptSpec spec =
        pi::load_range_opt_spec(std::string(PFTOKEN_SOURCE_DIR) + "/data/range_opt/gbm.yaml");
    spec.options.fee_tier = 500;
    const pi::RangeOptReport report = pi::run_range_opt_spec(spec);
    const pi::RangeOptResult& r = report.result;
    EXPECT_EQ(r.best.tick_lower, -2380);
    EXPECT_EQ(r.best.tick_upper, -480);
    EXPECT_LT(r.best.tick_upper, r.inputs.initial_tick);
    const pi::RangeMetrics& c = r.best_containing_price;
    EXPECT_LE(c.tick_lower, r.inputs.initial_tick);
    EXPECT_GT(c.tick_upper, r.inputs.initial_tick);
    EXPECT_LT(c.objective, 0.0);
    EXPECT_EQ(r.no_provision_objective, 0.0);
    EXPECT_FALSE(r.provide);
    EXPECT_EQ(r.containing_step_ticks, r.inputs.grid_step_ticks);
    const std::string text = pi::format_range_opt_table(report);
    EXPECT_NE(text.find("do not provide liquidity"), std::string::npos) << text;
    EXPECT_NE(text.find("edges on a 190-tick grid"), std::string::npos) << text;
    const std::string json = pi::format_range_opt_json(report);
    EXPECT_NE(json.find("\"decision\": \"do_not_provide\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"best_containing_price_step_ticks\": 190"), std::string::npos);
    // CSV: the last row is "not providing" (width 0, objective 0) and is the chosen one.
    const std::string csv = pi::format_range_opt_csv(report);
    const auto rows = pftoken::test::parse_csv(csv);
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(rows.back().front(), "0");
    EXPECT_EQ(rows.back().back(), "1");  // chosen
    for (std::size_t i = 1; i + 1 < rows.size(); ++i) EXPECT_EQ(rows[i].back(), "0");

    // The 0.30% tier of the same example does pay: the answer is the best range containing P0.
    spec.options.fee_tier = 3000;
    const pi::RangeOptReport paid = pi::run_range_opt_spec(spec);
    EXPECT_TRUE(paid.result.provide);
    EXPECT_GT(paid.result.best_containing_price.objective, 0.0);
    EXPECT_NE(pi::format_range_opt_table(paid).find("provide liquidity on the best range"),
              std::string::npos);
}

// Issue 14: the penalty is lambda * max(0, CVaR of loss). With a CVaR below zero (even the
// worst 5% of paths gain) the old -lambda * CVaR became a reward growing with lambda; a larger
// lambda must never raise the objective of a fixed range.
TEST(RangeOptAnswer, LargerLambdaNeverRaisesTheObjective) {
    pi::GbmScenario g;
    g.initial_price = 2.0;
    g.volatility = 0.3;
    g.horizon_years = 0.25;
    g.steps = 60;
    g.paths = 400;
    g.seed = 5;
    const pi::PricePaths paths = pi::simulate_gbm_paths(g, 2);
    pi::RangeOptOptions o;
    o.fee_tier = 10000;
    o.pool_liquidity = 2.0e5;
    o.daily_volume = 2.0e6;  // fees dwarf the loss: many ranges gain even in the tail
    o.capital = 1.0e4;
    o.cvar_level = 0.95;
    o.tick_count = 30;
    o.keep_all_ranges = true;
    std::vector<std::vector<pi::RangeMetrics>> by_lambda;
    for (const double lambda : {0.0, 1.0, 4.0, 8.0}) {
        o.risk_aversion = lambda;
        by_lambda.push_back(pi::optimise_range(paths, o).ranges);
    }
    bool tail_gain = false;
    for (std::size_t i = 0; i < by_lambda[0].size(); ++i) {
        tail_gain = tail_gain || by_lambda[0][i].cvar < 0.0;
        for (std::size_t l = 1; l < by_lambda.size(); ++l) {
            EXPECT_LE(by_lambda[l][i].objective, by_lambda[l - 1][i].objective)
                << "range [" << by_lambda[l][i].tick_lower << ", " << by_lambda[l][i].tick_upper
                << ") cvar " << by_lambda[l][i].cvar;
        }
    }
    EXPECT_TRUE(tail_gain) << "the scenario must hold ranges whose CVaR of loss is negative";
}

// grid.refine: a second sweep on a finer grid around the best range containing the price;
// the reported resolution is the finer step and the answer can only improve.
TEST(RangeOptAnswer, RefinedGridAroundTheAnswer) {
    pi::RangeOptSpec spec =
        pi::load_range_opt_spec(std::string(PFTOKEN_SOURCE_DIR) + "/data/range_opt/gbm.yaml");
    spec.options.tick_count = 40;
    const pi::RangeOptReport coarse = pi::run_range_opt_spec(spec);
    spec.options.refine_grid = true;
    const pi::RangeOptReport fine = pi::run_range_opt_spec(spec);
    EXPECT_LT(fine.result.containing_step_ticks, coarse.result.containing_step_ticks);
    EXPECT_EQ(fine.result.containing_step_ticks % fine.result.inputs.tick_spacing, 0);
    EXPECT_GE(fine.result.best_containing_price.objective,
              coarse.result.best_containing_price.objective);
    const pi::RangeMetrics& c = fine.result.best_containing_price;
    EXPECT_LE(c.tick_lower, fine.result.inputs.initial_tick);
    EXPECT_GT(c.tick_upper, fine.result.inputs.initial_tick);
    EXPECT_NE(pi::format_range_opt_table(fine).find("refined around it"), std::string::npos);
    EXPECT_EQ(coarse.result.containing_step_ticks, coarse.result.inputs.grid_step_ticks);
}
