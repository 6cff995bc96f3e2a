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
#include <vector>

#include "pftoken/amm/analytics/lvr.hpp"
#include "pftoken/amm/analytics/position.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/range_opt.hpp"
#include "pftoken/integration/range_opt_report.hpp"
#include "pftoken/integration/range_opt_spec.hpp"
#include "support/golden.hpp"

namespace pi = pftoken::integration;
namespace pa = pftoken::amm::analytics;

namespace {

double normalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// Closed forms for a GBM sampled at t_k = k dt, k = 0..n-1 (the left-point rule): ln P_t is
/// N(ln P0 + (mu - sigma^2/2) t, sigma^2 t), so
///   E[#steps in [pa, pb)]           = sum_k Phi(d_b(t_k)) - Phi(d_a(t_k)),
///   E[sum_k sqrt(P_k) 1{in range}]  = sum_k exp(m/2 + v/8) (Phi((b-m-v/2)/sqrt v) -
///   Phi((a-m-v/2)/sqrt v))
/// with m, v the mean and variance of ln P_{t_k}, a = ln pa, b = ln pb (the second from the
/// lognormal partial moment E[e^{X/2} 1{a <= X < b}], e.g. Hull, "Options, Futures and Other
/// Derivatives", the partial expectation behind the Black-Scholes formula, with exponent 1/2).
struct ClosedForm {
    double inRangeSteps = 0.0;
    double sqrtPriceInRange = 0.0;
};

ClosedForm gbmClosedForm(double s0, double mu, double sigma, double dt, std::size_t steps,
                         double pa, double pb) {
    ClosedForm cf;
    const double a = std::log(pa), b = std::log(pb);
    for (std::size_t k = 0; k < steps; ++k) {
        const double t = static_cast<double>(k) * dt;
        const double m = std::log(s0) + (mu - 0.5 * sigma * sigma) * t;
        const double v = sigma * sigma * t;
        if (v == 0.0) {
            const bool in = s0 >= pa && s0 < pb;
            cf.inRangeSteps += in ? 1.0 : 0.0;
            cf.sqrtPriceInRange += in ? std::sqrt(s0) : 0.0;
            continue;
        }
        const double sd = std::sqrt(v);
        cf.inRangeSteps += normalCdf((b - m) / sd) - normalCdf((a - m) / sd);
        cf.sqrtPriceInRange += std::exp(m / 2.0 + v / 8.0) * (normalCdf((b - m - v / 2.0) / sd) -
                                                              normalCdf((a - m - v / 2.0) / sd));
    }
    return cf;
}

/// Everything about one range, computed by a direct loop over paths and steps, without the
/// optimiser's histograms and prefix sums, with amm analytics for LVR and position values.
struct Direct {
    double fees = 0.0, lvr = 0.0, rebalances = 0.0, rebalanceCost = 0.0, il = 0.0, cvar = 0.0;
    double objective = 0.0, feesStdError = 0.0, lvrStdError = 0.0, ilStdError = 0.0;
};

Direct directEvaluation(const pi::PricePaths& paths, const pi::RangeOptOptions& o, double sigma,
                        int tickLower, int tickUpper) {
    const double pLo = pi::priceAtTick(tickLower), pHi = pi::priceAtTick(tickUpper);
    const double s0 = paths.at(0, 0);
    const double liquidity = o.capital / pa::position_value(1.0, s0, pLo, pHi);
    const pa::PositionAmounts deposit = pa::position_amounts(liquidity, s0, pLo, pHi);
    const double dt = paths.timeStepYears();
    const double volumePerStep = o.dailyVolume * 365.0 * dt;
    const double feePerStep = volumePerStep * static_cast<double>(o.feeTier) * 1e-6 *
                              (1.0 - o.protocolFeeShare) * liquidity /
                              (liquidity + o.poolLiquidity);
    const double costPerExit =
        o.rebalanceOnExit ? o.gasCostPerRebalance + o.swapCostFraction * o.capital : 0.0;
    const auto n = static_cast<double>(paths.pathCount);
    Direct d;
    std::vector<double> pnl(paths.pathCount);
    double feesSq = 0.0, lvrSq = 0.0, ilSq = 0.0;
    for (std::size_t p = 0; p < paths.pathCount; ++p) {
        double fees = 0.0, lvr = 0.0, exits = 0.0;
        for (std::size_t t = 0; t < paths.steps; ++t) {
            const double s = paths.at(p, t), next = paths.at(p, t + 1);
            if (s >= pLo && s < pHi) {
                fees += feePerStep;
                lvr += pa::lvr_concentrated(sigma, liquidity, s, pLo, pHi) * dt;
            }
            if (s >= pLo && next < pLo) exits += 1.0;  // leaves through the lower edge
            if (s < pHi && next >= pHi) exits += 1.0;  // leaves through the upper edge
        }
        const double sT = paths.at(p, paths.steps);
        const double vsHold =
            pa::position_value(liquidity, sT, pLo, pHi) - (deposit.amount0 * sT + deposit.amount1);
        d.fees += fees;
        d.lvr += lvr;
        d.rebalances += exits;
        d.il += vsHold;
        feesSq += fees * fees;
        lvrSq += lvr * lvr;
        ilSq += vsHold * vsHold;
        pnl[p] = fees - costPerExit * exits + vsHold;
    }
    d.fees /= n;
    d.lvr /= n;
    d.rebalances /= n;
    d.il /= n;
    d.rebalanceCost = costPerExit * d.rebalances;
    d.feesStdError = std::sqrt(std::max(0.0, feesSq / n - d.fees * d.fees) / n);
    d.lvrStdError = std::sqrt(std::max(0.0, lvrSq / n - d.lvr * d.lvr) / n);
    d.ilStdError = std::sqrt(std::max(0.0, ilSq / n - d.il * d.il) / n);
    // CVaR by a full sort (Acerbi and Tasche 2002, eq. 3.3): mean of the n(1-alpha) worst
    // outcomes, the last one weighted by the fractional part.
    std::sort(pnl.begin(), pnl.end());
    const double w = n * (1.0 - o.cvarLevel);
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
    d.objective = d.fees - d.lvr - d.rebalanceCost - o.riskAversion * d.cvar;
    return d;
}

double relDiff(double a, double b) {
    const double scale = std::max(std::abs(a), std::abs(b));
    return scale == 0.0 ? 0.0 : std::abs(a - b) / scale;
}

pi::GbmScenario driftlessScenario() {
    pi::GbmScenario g;
    g.initialPrice = 1.5;
    g.volatility = 0.5;
    g.drift = 0.5 * g.volatility * g.volatility;  // zero drift in log price: symmetric in ln P
    g.horizonYears = 0.5;
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
    const pi::GbmScenario g = driftlessScenario();
    const pi::PricePaths paths = pi::simulateGbmPaths(g);
    pi::RangeOptOptions o;
    o.feeTier = 3000;
    o.poolLiquidity = 5.0e6;
    o.dailyVolume = 1.0e6;
    o.capital = 1.0e4;
    o.lvrVolatility = g.volatility;
    o.tickCount = 41;
    o.gridStepSpacings = 10;  // 600 ticks per grid step
    o.keepAllRanges = true;
    const pi::RangeOptResult r = pi::optimiseRange(paths, o);
    ASSERT_EQ(r.ranges.size(), 41u * 40u / 2u);

    const double dt = paths.timeStepYears();
    double lastFeesCf = INFINITY, lastLvrCf = INFINITY, lastFees = INFINITY, lastLvr = INFINITY;
    int checked = 0;
    for (int half = 1; half <= 18; half += 3) {  // symmetric ranges of +-half grid steps
        const int lower = r.inputs.firstTick + (20 - half) * r.inputs.gridStepTicks;
        const int upper = r.inputs.firstTick + (20 + half) * r.inputs.gridStepTicks;
        const auto it =
            std::find_if(r.ranges.begin(), r.ranges.end(), [&](const pi::RangeMetrics& m) {
                return m.tickLower == lower && m.tickUpper == upper;
            });
        ASSERT_NE(it, r.ranges.end());
        const ClosedForm cf = gbmClosedForm(g.initialPrice, g.drift, g.volatility, dt, g.steps,
                                            it->priceLower, it->priceUpper);
        const double feePerStep =
            o.dailyVolume * 365.0 * dt * 0.003 * it->liquidity / (it->liquidity + o.poolLiquidity);
        const double feesCf = feePerStep * cf.inRangeSteps;
        const double lvrCf =
            g.volatility * g.volatility / 4.0 * dt * it->liquidity * cf.sqrtPriceInRange;
        const Direct d = directEvaluation(paths, o, g.volatility, lower, upper);
        SCOPED_TRACE(::testing::Message()
                     << "range [" << lower << ", " << upper << ") fees " << it->expectedFees
                     << " vs " << feesCf << " +- " << d.feesStdError << ", lvr " << it->expectedLvr
                     << " vs " << lvrCf << " +- " << d.lvrStdError);
        EXPECT_LE(std::abs(it->expectedFees - feesCf), 4.0 * d.feesStdError + 1e-12 * feesCf);
        EXPECT_LE(std::abs(it->expectedLvr - lvrCf), 4.0 * d.lvrStdError + 1e-12 * lvrCf);
        // The closed forms fall with width, and so do the estimates.
        EXPECT_LT(feesCf, lastFeesCf);
        EXPECT_LT(lvrCf, lastLvrCf);
        EXPECT_LT(it->expectedFees, lastFees);
        EXPECT_LT(it->expectedLvr, lastLvr);
        lastFeesCf = feesCf;
        lastLvrCf = lvrCf;
        lastFees = it->expectedFees;
        lastLvr = it->expectedLvr;
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
    pi::GbmScenario g = driftlessScenario();
    g.drift = 0.0;
    g.steps = 100;
    const pi::PricePaths paths = pi::simulateGbmPaths(g);
    pi::RangeOptOptions o;
    o.lvrVolatility = g.volatility;
    o.tickCount = 41;
    o.gridStepSpacings = 10;
    o.keepAllRanges = true;
    const pi::RangeOptResult r = pi::optimiseRange(paths, o);
    int checked = 0;
    for (int half = 2; half <= 18; half += 4) {
        const int lower = r.inputs.firstTick + (20 - half) * r.inputs.gridStepTicks;
        const int upper = r.inputs.firstTick + (20 + half) * r.inputs.gridStepTicks;
        const auto it =
            std::find_if(r.ranges.begin(), r.ranges.end(), [&](const pi::RangeMetrics& m) {
                return m.tickLower == lower && m.tickUpper == upper;
            });
        ASSERT_NE(it, r.ranges.end());
        const Direct d = directEvaluation(paths, o, g.volatility, lower, upper);
        EXPECT_LE(std::abs(it->expectedIl + it->expectedLvr),
                  4.0 * (d.ilStdError + d.lvrStdError) + 0.03 * it->expectedLvr)
            << "range [" << lower << ", " << upper << "): E[V_T - hold] " << it->expectedIl
            << ", E[LVR] " << it->expectedLvr << ", std errors " << d.ilStdError << ", "
            << d.lvrStdError;
        ++checked;
    }
    EXPECT_EQ(checked, 5);
}

// With lambda = 0 and no rebalancing the objective is E[fees] - E[LVR], which the closed forms
// give exactly: the range the optimiser picks from simulated paths must be (near) optimal for the
// closed-form objective too.
TEST(RangeOpt, ChosenRangeIsNearTheClosedFormOptimum) {
    const pi::GbmScenario g = driftlessScenario();
    const pi::PricePaths paths = pi::simulateGbmPaths(g);
    pi::RangeOptOptions o;
    o.poolLiquidity = 2.0e5;
    o.dailyVolume = 2.0e5;
    o.capital = 2.0e4;
    o.lvrVolatility = g.volatility;
    o.tickCount = 41;
    o.gridStepSpacings = 10;
    o.keepAllRanges = true;
    const pi::RangeOptResult r = pi::optimiseRange(paths, o);
    const double dt = paths.timeStepYears();
    double bestCf = -INFINITY, chosenCf = 0.0;
    for (const pi::RangeMetrics& m : r.ranges) {
        const ClosedForm cf = gbmClosedForm(g.initialPrice, g.drift, g.volatility, dt, g.steps,
                                            m.priceLower, m.priceUpper);
        const double feePerStep =
            o.dailyVolume * 365.0 * dt * 0.003 * m.liquidity / (m.liquidity + o.poolLiquidity);
        const double objective = feePerStep * cf.inRangeSteps - g.volatility * g.volatility / 4.0 *
                                                                    dt * m.liquidity *
                                                                    cf.sqrtPriceInRange;
        bestCf = std::max(bestCf, objective);
        if (m.tickLower == r.best.tickLower && m.tickUpper == r.best.tickUpper)
            chosenCf = objective;
    }
    ASSERT_GT(bestCf, 0.0);
    EXPECT_GT(chosenCf, 0.97 * bestCf)
        << "chosen [" << r.best.tickLower << ", " << r.best.tickUpper << ") closed-form objective "
        << chosenCf << " vs best " << bestCf;
}

// Every range's O(1) evaluation equals the direct per-path, per-step sum (to 1e-12 relative), and
// so the chosen range is the brute-force argmax. Rebalancing on, lambda > 0, drift, and paths that
// leave the grid on both sides.
TEST(RangeOpt, EveryRangeMatchesBruteForceAndSoDoesTheChoice) {
    pi::GbmScenario g;
    g.initialPrice = 0.8;
    g.drift = 0.1;
    g.volatility = 0.9;
    g.horizonYears = 0.4;
    g.steps = 40;
    g.paths = 1201;  // > 1024: the sweep's sampled-threshold CVaR selection is exercised
    g.seed = 11;
    const pi::PricePaths paths = pi::simulateGbmPaths(g, 2);
    pi::RangeOptOptions o;
    o.feeTier = 500;
    o.poolLiquidity = 3.0e4;
    o.dailyVolume = 5.0e4;
    o.capital = 5.0e3;
    o.rebalanceOnExit = true;
    o.gasCostPerRebalance = 2.0;
    o.swapCostFraction = 0.001;
    o.riskAversion = 0.7;
    o.cvarLevel = 0.9;
    o.tickCount = 20;
    o.gridStepSpacings = 48;  // 480 ticks: the grid spans about +-45%, paths leave it
    o.lvrVolatility = -1.0;   // realised volatility
    o.keepAllRanges = true;
    const pi::RangeOptResult r = pi::optimiseRange(paths, o);
    const double sigma = pi::realisedVolatility(paths);
    EXPECT_EQ(r.inputs.lvrVolatility, sigma);
    ASSERT_EQ(r.ranges.size(), 20u * 19u / 2u);
    double bestObjective = -INFINITY;
    int bestLower = 0, bestUpper = 0;
    for (const pi::RangeMetrics& m : r.ranges) {
        const Direct d = directEvaluation(paths, o, sigma, m.tickLower, m.tickUpper);
        SCOPED_TRACE(::testing::Message()
                     << "range [" << m.tickLower << ", " << m.tickUpper << ")");
        EXPECT_LE(relDiff(m.expectedFees, d.fees), 1e-12) << m.expectedFees << " vs " << d.fees;
        EXPECT_LE(relDiff(m.expectedLvr, d.lvr), 1e-12) << m.expectedLvr << " vs " << d.lvr;
        EXPECT_LE(relDiff(m.expectedRebalances, d.rebalances), 1e-12);
        EXPECT_LE(relDiff(m.expectedRebalanceCost, d.rebalanceCost), 1e-12);
        // V_T - V_hold cancels two terms of size ~capital: compare relative to the capital.
        EXPECT_LE(std::abs(m.expectedIl - d.il), 1e-12 * o.capital)
            << m.expectedIl << " vs " << d.il;
        EXPECT_LE(std::abs(m.cvar - d.cvar), 1e-12 * o.capital) << m.cvar << " vs " << d.cvar;
        EXPECT_LE(std::abs(m.objective - d.objective), 1e-12 * o.capital);
        if (d.objective > bestObjective) {
            bestObjective = d.objective;
            bestLower = m.tickLower;
            bestUpper = m.tickUpper;
        }
    }
    EXPECT_EQ(r.best.tickLower, bestLower);
    EXPECT_EQ(r.best.tickUpper, bestUpper);
    // Rebalancing and drift make some ranges lose: the test exercises both signs.
    EXPECT_TRUE(std::any_of(r.ranges.begin(), r.ranges.end(),
                            [](const pi::RangeMetrics& m) { return m.objective < 0.0; }));
    EXPECT_TRUE(std::any_of(r.ranges.begin(), r.ranges.end(),
                            [](const pi::RangeMetrics& m) { return m.expectedRebalances > 1.0; }));
}

TEST(RangeOpt, BitIdenticalForAnyThreadCount) {
    pi::GbmScenario g = driftlessScenario();
    g.paths = 500;
    const pi::PricePaths one = pi::simulateGbmPaths(g, 1);
    const pi::PricePaths two = pi::simulateGbmPaths(g, 2);
    ASSERT_EQ(one.prices, two.prices);
    pi::RangeOptOptions o;
    o.tickCount = 30;
    o.riskAversion = 0.3;
    o.rebalanceOnExit = true;
    o.gasCostPerRebalance = 1.0;
    o.keepAllRanges = true;
    o.threads = 1;
    const pi::RangeOptResult a = pi::optimiseRange(one, o);
    o.threads = 3;
    const pi::RangeOptResult b = pi::optimiseRange(one, o);
    ASSERT_EQ(a.ranges.size(), b.ranges.size());
    for (std::size_t i = 0; i < a.ranges.size(); ++i) {
        EXPECT_EQ(a.ranges[i].objective, b.ranges[i].objective);
        EXPECT_EQ(a.ranges[i].cvar, b.ranges[i].cvar);
        EXPECT_EQ(a.ranges[i].expectedLvr, b.ranges[i].expectedLvr);
    }
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
        EXPECT_NEAR(pi::cvarOfLosses(x, row.alpha), row.expected, 1e-14) << "alpha " << row.alpha;
    }
}

// The pooled realised volatility of exactly simulated GBM log returns is the model's: for n
// normal returns, the estimator's relative standard error is about 1 / sqrt(2 n).
TEST(RangeOpt, RealisedVolatilityOfGbmPaths) {
    pi::GbmScenario g = driftlessScenario();
    g.drift = 0.0;
    const pi::PricePaths paths = pi::simulateGbmPaths(g);
    const double n = static_cast<double>(g.paths * g.steps);
    // E[r^2] = sigma^2 dt + (drift - sigma^2/2)^2 dt^2: the drift term is ~1e-4 relative here.
    EXPECT_NEAR(pi::realisedVolatility(paths), g.volatility,
                4.0 * g.volatility / std::sqrt(2.0 * n) + 1e-3);
}

TEST(RangeOpt, FeeTierSpacings) {
    EXPECT_EQ(pi::tickSpacingForFeeTier(500), 10);
    EXPECT_EQ(pi::tickSpacingForFeeTier(3000), 60);
    EXPECT_EQ(pi::tickSpacingForFeeTier(10000), 200);
    EXPECT_THROW((void)pi::tickSpacingForFeeTier(100), pftoken::InputError);
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

std::string specError(const std::string& from, const std::string& to) {
    std::string text = kValidSpec;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    try {
        (void)pi::parseRangeOptSpec(text, "test.yaml");
    } catch (const pftoken::InputError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(RangeOptSpec, ValidSpecResolvesTvlAndVolume) {
    const pi::RangeOptSpec spec = pi::parseRangeOptSpec(kValidSpec);
    EXPECT_EQ(spec.model, pi::RangeOptSpec::Model::Gbm);
    // Full-range pool: TVL = 2 L sqrt(P0).
    EXPECT_NEAR(spec.options.poolLiquidity, 1.0e6 / (2.0 * std::sqrt(2.0)), 1e-9);
    EXPECT_NEAR(spec.options.dailyVolume, 2.0e5, 1e-9);
    EXPECT_TRUE(spec.options.rebalanceOnExit);
    EXPECT_EQ(spec.options.tickCount, 12u);
    EXPECT_EQ(spec.options.gridStepSpacings, 0);
    EXPECT_EQ(spec.options.lvrVolatility, 0.6);
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
        const std::string message = specError(row.from, row.to);
        EXPECT_NE(message.find(row.message), std::string::npos)
            << "replacing '" << row.from << "' by '" << row.to << "': got '" << message << "'";
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
    const pi::RangeOptSpec spec = pi::parseRangeOptSpec(base);
    ASSERT_EQ(spec.model, pi::RangeOptSpec::Model::Paths);
    EXPECT_EQ(spec.suppliedPaths.pathCount, 2u);
    EXPECT_EQ(spec.suppliedPaths.steps, 3u);
    EXPECT_LT(spec.options.lvrVolatility, 0.0);  // realised
    const pi::RangeOptReport report = pi::runRangeOptSpec(spec);
    EXPECT_EQ(report.result.frontier.size(), 7u);
    EXPECT_GT(report.result.inputs.lvrVolatility, 0.0);

    const auto errorOf = [&](const std::string& from, const std::string& to) -> std::string {
        std::string text = base;
        text.replace(text.find(from), from.size(), to);
        try {
            (void)pi::parseRangeOptSpec(text);
        } catch (const pftoken::InputError& e) {
            return e.what();
        }
        return "no error";
    };
    EXPECT_EQ(errorOf("[1.0, 0.9, 0.95, 0.97]", "[1.0, 0.9, 0.95]"),
              "<spec>:5:34: scenario.prices[1]: must have 4 prices like the first path, got 3");
    EXPECT_EQ(errorOf("0.9, 0.95", "0.9, -0.95"),
              "<spec>:5:45: scenario.prices[1][2]: must be in [1e-18, 1e+18], got -0.95");
    EXPECT_EQ(errorOf("[1.0, 0.9,", "[1.5, 0.9,"),
              "<spec>:5:35: scenario.prices[1][0]: every path must start at the first path's price 1, got 1.5");
}

// ----------------------------------------------------------------------------------------------
// Golden file: the shipped example's frontier CSV, compared per column with an absolute and a
// relative tolerance (floating-point results may differ in the last bits between optimisation
// levels; tests/support/golden.hpp). Regenerate with PFTOKEN_UPDATE_GOLDEN=1 after an intended change.

TEST(RangeOptGolden, ExampleFrontierCsv) {
    const std::string source = PFTOKEN_SOURCE_DIR;
    const std::string specPath = source + "/data/range_opt/gbm.yaml";
    const pi::RangeOptReport report = pi::runRangeOptSpec(pi::loadRangeOptSpec(specPath));
    const std::string csv = pi::formatRangeOptCsv(report);
    ASSERT_EQ(pftoken::test::parse_csv(csv).at(0), pi::rangeOptCsvColumns());  // header
    // Integer columns (width, flags, ticks) must match exactly; money columns to 1e-9 relative
    // or 1e-9 token1 absolute.
    const auto tolerances = pftoken::test::Tolerances({1e-9, 1e-9})
                                .field("width_ticks", pftoken::test::Tolerance::exact_text())
                                .field("best", pftoken::test::Tolerance::exact_text())
                                .field("pareto", pftoken::test::Tolerance::exact_text())
                                .field("tick_lower", pftoken::test::Tolerance::exact_text())
                                .field("tick_upper", pftoken::test::Tolerance::exact_text());
    pftoken::test::expect_golden("range_opt_gbm.csv", csv, tolerances);
}
