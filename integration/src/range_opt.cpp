// Range optimiser: GBM paths, per-path grid histograms and the O(1)-per-path range sweep.
#include "pftoken/integration/range_opt.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

#include "pftoken/amm/analytics/fee_income.hpp"
#include "pftoken/amm/analytics/position.hpp"
#include "pftoken/amm/fast/tick_math.hpp"
#include "pftoken/base/thread_pool.hpp"
#include "pftoken/error.hpp"
#include "pftoken/mc/random.hpp"

namespace pftoken::integration {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

unsigned resolveThreads(std::size_t requested) {
    return base::resolve_threads(static_cast<unsigned>(std::min<std::size_t>(requested, 1024)));
}

std::size_t chunkCount(std::size_t items, std::size_t chunk) { return (items + chunk - 1) / chunk; }

bool fail(std::string* why, const std::ostringstream& msg) {
    if (why != nullptr) *why = msg.str();
    return false;
}

int floorDiv(int a, int b) {
    int q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

/// Error-free sum (Knuth's TwoSum) so prefix sums over the grid keep ~1e-16 relative accuracy
/// of any difference of two prefixes, however small the difference is next to the total.
struct DoubleDouble {
    double hi = 0.0;
    double lo = 0.0;
    void add(double x) noexcept {
        const double s = hi + x;
        const double bp = s - hi;
        const double err = (hi - (s - bp)) + (x - bp);
        hi = s;
        lo += err;
    }
};

double difference(const DoubleDouble& upper, const DoubleDouble& lower) noexcept {
    return (upper.hi - lower.hi) + (upper.lo - lower.lo);
}

/// Sum with four interleaved accumulators (fixed order, so deterministic; lets the compiler
/// keep several additions in flight).
double sum4(std::span<const double> x) noexcept {
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    std::size_t i = 0;
    const std::size_t n = x.size();
    for (; i + 4 <= n; i += 4) {
        a0 += x[i];
        a1 += x[i + 1];
        a2 += x[i + 2];
        a3 += x[i + 3];
    }
    for (; i < n; ++i) a0 += x[i];
    return (a0 + a1) + (a2 + a3);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Inputs

bool GbmScenario::isValid(std::string* why) const {
    std::ostringstream msg;
    if (!(initialPrice > 0.0 && std::isfinite(initialPrice))) {
        msg << "scenario.initial_price: must be finite and > 0, got " << initialPrice;
    } else if (!std::isfinite(drift)) {
        msg << "scenario.drift: must be finite, got " << drift;
    } else if (!(volatility >= 0.0 && volatility < 20.0)) {
        msg << "scenario.volatility: must be in [0, 20), got " << volatility;
    } else if (!(horizonYears > 0.0 && horizonYears <= 100.0)) {
        msg << "scenario.horizon_years: must be in (0, 100], got " << horizonYears;
    } else if (steps < 1 || steps > 100000) {
        msg << "scenario.steps: must be in [1, 100000], got " << steps;
    } else if (paths < 1 || paths > 10000000) {
        msg << "scenario.paths: must be in [1, 10000000], got " << paths;
    } else {
        return true;
    }
    return fail(why, msg);
}

void GbmScenario::validate() const {
    std::string why;
    if (!isValid(&why)) {
        const auto colon = why.find(':');
        throw InputError(why.substr(0, colon), why.substr(colon + 2));
    }
}

void PricePaths::validate(const std::string& field) const {
    if (pathCount < 1) throw InputError(field, "must hold at least one path");
    if (steps < 1) throw InputError(field, "each path needs at least 2 prices (1 step)");
    if (!(horizonYears > 0.0 && std::isfinite(horizonYears))) {
        std::ostringstream m;
        m << "must be finite and > 0, got " << horizonYears;
        throw InputError("scenario.horizon_years", m.str());
    }
    if (prices.size() != pathCount * (steps + 1)) {
        std::ostringstream m;
        m << "expected " << pathCount << " x " << steps + 1 << " prices, got " << prices.size();
        throw InputError(field, m.str());
    }
    const double s0 = prices[0];
    for (std::size_t p = 0; p < pathCount; ++p) {
        for (std::size_t t = 0; t <= steps; ++t) {
            const double v = at(p, t);
            if (!(v > 0.0 && std::isfinite(v))) {
                std::ostringstream m;
                m << "must be finite and > 0, got " << v;
                throw InputError(field + "[" + std::to_string(p) + "][" + std::to_string(t) + "]",
                                 m.str());
            }
        }
        if (at(p, 0) != s0) {
            std::ostringstream m;
            m << "every path must start at the first path's price " << s0 << ", got " << at(p, 0);
            throw InputError(field + "[" + std::to_string(p) + "][0]", m.str());
        }
    }
}

PricePaths simulateGbmPaths(const GbmScenario& scenario, unsigned threads) {
    scenario.validate();
    PricePaths out;
    out.pathCount = scenario.paths;
    out.steps = scenario.steps;
    out.horizonYears = scenario.horizonYears;
    out.prices.resize(out.pathCount * (out.steps + 1));
    const double dt = out.timeStepYears();
    const double logDrift = (scenario.drift - 0.5 * scenario.volatility * scenario.volatility) * dt;
    const double logVol = scenario.volatility * std::sqrt(dt);
    const double logS0 = std::log(scenario.initialPrice);
    constexpr std::size_t kChunk = 64;
    base::ParallelOptions parallel;
    parallel.threads = resolveThreads(threads);
    base::parallel_for_chunks(chunkCount(out.pathCount, kChunk), parallel, [&](std::size_t chunk, unsigned) {
        const std::size_t begin = chunk * kChunk;
        const std::size_t end = std::min(out.pathCount, begin + kChunk);
        for (std::size_t p = begin; p < end; ++p) {
            mc::Xoshiro256StarStar rng(scenario.seed, p);
            double* row = out.prices.data() + p * (out.steps + 1);
            double x = logS0;
            row[0] = scenario.initialPrice;
            for (std::size_t t = 1; t <= out.steps; ++t) {
                x += logDrift + logVol * mc::inverse_normal_cdf(rng.uniform());
                row[t] = std::exp(x);
            }
        }
    });
    return out;
}

double realisedVolatility(const PricePaths& paths) {
    double sumSq = 0.0;
    for (std::size_t p = 0; p < paths.pathCount; ++p) {
        const auto row = paths.path(p);
        for (std::size_t t = 0; t < paths.steps; ++t) {
            const double r = std::log(row[t + 1] / row[t]);
            sumSq += r * r;
        }
    }
    const double n = static_cast<double>(paths.pathCount * paths.steps);
    return std::sqrt(sumSq / (n * paths.timeStepYears()));
}

int tickSpacingForFeeTier(int feeTier, const std::string& field) {
    switch (feeTier) {
        case 500:
            return 10;
        case 3000:
            return 60;
        case 10000:
            return 200;
        default:
            break;
    }
    throw InputError(field,
                     "must be one of 500, 3000, 10000 (pips), got " + std::to_string(feeTier));
}

double priceAtTick(int tick) noexcept {
    const double s = amm::fast::sqrt_price_at_tick(tick);
    return s * s;
}

bool RangeOptOptions::isValid(std::string* why) const {
    std::ostringstream msg;
    if (feeTier != 500 && feeTier != 3000 && feeTier != 10000) {
        msg << "pool.fee_tier: must be one of 500, 3000, 10000 (pips), got " << feeTier;
    } else if (!(poolLiquidity >= 0.0 && std::isfinite(poolLiquidity))) {
        msg << "pool.active_liquidity: must be finite and >= 0, got " << poolLiquidity;
    } else if (!(protocolFeeShare >= 0.0 && protocolFeeShare <= 1.0)) {
        msg << "pool.protocol_fee_share: must be in [0, 1], got " << protocolFeeShare;
    } else if (!(dailyVolume >= 0.0 && std::isfinite(dailyVolume))) {
        msg << "volume.daily: must be finite and >= 0, got " << dailyVolume;
    } else if (!(capital > 0.0 && std::isfinite(capital))) {
        msg << "lp.capital: must be finite and > 0, got " << capital;
    } else if (!(gasCostPerRebalance >= 0.0 && std::isfinite(gasCostPerRebalance))) {
        msg << "rebalance.gas_cost: must be finite and >= 0, got " << gasCostPerRebalance;
    } else if (!(swapCostFraction >= 0.0 && swapCostFraction <= 1.0)) {
        msg << "rebalance.swap_cost_fraction: must be in [0, 1], got " << swapCostFraction;
    } else if (!(riskAversion >= 0.0 && std::isfinite(riskAversion))) {
        msg << "risk.lambda: must be finite and >= 0, got " << riskAversion;
    } else if (!(cvarLevel > 0.0 && cvarLevel < 1.0)) {
        msg << "risk.cvar_level: must be in (0, 1), got " << cvarLevel;
    } else if (!(std::isfinite(lvrVolatility) && lvrVolatility < 20.0)) {
        msg << "scenario.volatility: must be finite and < 20 (negative = realised), got "
            << lvrVolatility;
    } else if (tickCount < 2 || tickCount > 4000) {
        msg << "grid.tick_count: must be in [2, 4000], got " << tickCount;
    } else if (gridStepSpacings < 0) {
        msg << "grid.step_spacings: must be >= 1 (or 0 = auto), got " << gridStepSpacings;
    } else if (!(coverageSigmas > 0.0 && coverageSigmas <= 50.0)) {
        msg << "grid.coverage_sigmas: must be in (0, 50], got " << coverageSigmas;
    } else if (threads > 1024) {
        msg << "threads: must be in [0, 1024], got " << threads;
    } else {
        return true;
    }
    return fail(why, msg);
}

void RangeOptOptions::validate() const {
    std::string why;
    if (!isValid(&why)) {
        const auto colon = why.find(':');
        throw InputError(why.substr(0, colon), why.substr(colon + 2));
    }
}

namespace {

/// Splits n (1 - alpha) into whole points and a fractional weight. Guards against w landing a
/// hair below an integer, e.g. 100 * (1 - 0.95) = 4.999999999999999.
struct TailSize {
    double points = 0.0;
    std::size_t whole = 0;
    double fraction = 0.0;
};

TailSize tailSize(std::size_t n, double alpha) {
    const double w = static_cast<double>(n) * (1.0 - alpha);
    const double wRounded = std::nearbyint(w);
    TailSize t;
    t.points = std::abs(w - wRounded) < 1e-9 * std::max(1.0, w) ? wRounded : w;
    t.whole = static_cast<std::size_t>(std::floor(t.points));
    t.fraction = t.points - static_cast<double>(t.whole);
    return t;
}

/// CVaR from the `whole` smallest values (sorted or not) of `x` and the next one.
double tailMean(std::span<double> x, const TailSize& t) {
    if (t.whole == 0) return -*std::min_element(x.begin(), x.end());
    double sum = 0.0;
    if (t.whole < x.size()) {
        std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(t.whole), x.end());
        sum = sum4(x.first(t.whole));
        if (t.fraction > 0.0) sum += t.fraction * x[t.whole];
    } else {
        sum = sum4(x);
    }
    return -sum / t.points;
}

}  // namespace

double cvarOfLosses(std::span<double> outcomes, double alpha) {
    PFT_REQUIRE(!outcomes.empty(), "cvarOfLosses.outcomes: must not be empty");
    PFT_REQUIRE(alpha > 0.0 && alpha < 1.0, "cvarOfLosses.alpha: must be in (0, 1), got " << alpha);
    return tailMean(outcomes, tailSize(outcomes.size(), alpha));
}

namespace {

/// cvarOfLosses for the sweep: the same order statistics, found faster. A threshold tau from a
/// strided sample (rank chosen with margin) keeps only the values <= tau (one branch-free
/// pass); if at least the needed count survive, they contain every order statistic the tail
/// needs and the selection runs on them alone; otherwise it falls back to the full selection.
/// `scratch` has outcomes.size() + 1 doubles. Deterministic (no random sampling).
double fastCvarOfLosses(std::span<double> outcomes, double alpha, std::span<double> scratch) {
    const std::size_t n = outcomes.size();
    const TailSize t = tailSize(n, alpha);
    const std::size_t need = std::min(n, t.whole + 1);
    constexpr std::size_t kStride = 16;
    if (n < 64 * kStride || t.whole == 0 || need * 4 > n) return tailMean(outcomes, t);
    const std::size_t samples = n / kStride;
    for (std::size_t q = 0; q < samples; ++q) scratch[q] = outcomes[q * kStride];
    std::size_t rank = (need * samples * 3) / (2 * n) + 8;  // 1.5x the expected rank, plus slack
    rank = std::min(rank, samples - 1);
    std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(rank),
                     scratch.begin() + static_cast<std::ptrdiff_t>(samples));
    const double tau = scratch[rank];
    std::size_t kept = 0;
    for (std::size_t p = 0; p < n; ++p) {
        scratch[kept] = outcomes[p];
        kept += outcomes[p] <= tau ? 1U : 0U;
    }
    if (kept < need) return tailMean(outcomes, t);
    return tailMean(scratch.first(kept), t);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Optimiser

namespace {

/// The per-path statistics of all paths on the grid, stored "row = grid index, column = path"
/// so that the sweep reads contiguous rows for a fixed pair of grid indices.
///
/// Cells: c = #{k : B_k <= P} in 0..G, so cell c holds prices in [B_{c-1}, B_c). A range of grid
/// ticks [t_i, t_j) (i < j) holds P exactly when c is in [i + 1, j].
struct GridStatistics {
    std::size_t tickCount = 0;                 ///< G
    std::size_t pathCount = 0;                 ///< N
    std::vector<double> occupancyPrefix;       ///< (G + 2) x N: steps with cell < m
    std::vector<double> downCrossings;         ///< G x N: steps with P_t >= B_k > P_{t+1}
    std::vector<double> upCrossings;           ///< G x N: steps with P_t < B_k <= P_{t+1}
    std::vector<double> terminalPrice;         ///< N
    std::vector<double> terminalSqrt;          ///< N
    std::vector<double> terminalInvSqrt;       ///< N
    std::vector<double> meanOccupancyPrefix;   ///< G + 2
    std::vector<DoubleDouble> meanSqrtPrefix;  ///< G + 2: sum over cells < m of E[sum sqrt P]
    std::vector<double> meanDown;              ///< G
    std::vector<double> meanUp;                ///< G

    [[nodiscard]] const double* row(const std::vector<double>& a, std::size_t r) const noexcept {
        return a.data() + r * pathCount;
    }
};

std::size_t cellOf(double price, std::span<const double> boundaries, double firstTick,
                   double stepTicks) noexcept {
    static const double kInvLogTickBase = 1.0 / std::log(1.0001);
    const auto g = static_cast<std::ptrdiff_t>(boundaries.size());
    // Estimate from the logarithm, then settle against the boundary table so the cell agrees
    // exactly with comparisons against priceAtTick.
    const double estimate =
        std::floor((std::log(price) * kInvLogTickBase - firstTick) / stepTicks) + 1.0;
    std::ptrdiff_t c =
        estimate < 0.0
            ? 0
            : (estimate > static_cast<double>(g) ? g : static_cast<std::ptrdiff_t>(estimate));
    while (c < g && boundaries[static_cast<std::size_t>(c)] <= price) ++c;
    while (c > 0 && boundaries[static_cast<std::size_t>(c - 1)] > price) --c;
    return static_cast<std::size_t>(c);
}

GridStatistics buildGridStatistics(const PricePaths& paths, std::span<const double> boundaries,
                                   int firstTick, int stepTicks, unsigned threads) {
    const std::size_t g = boundaries.size();
    const std::size_t n = paths.pathCount;
    const std::size_t steps = paths.steps;
    GridStatistics s;
    s.tickCount = g;
    s.pathCount = n;
    s.occupancyPrefix.assign((g + 2) * n, 0.0);
    s.downCrossings.assign(g * n, 0.0);
    s.upCrossings.assign(g * n, 0.0);
    s.terminalPrice.assign(n, 0.0);
    s.terminalSqrt.assign(n, 0.0);
    s.terminalInvSqrt.assign(n, 0.0);
    std::vector<double> sqrtByCell((g + 1) * n, 0.0);  // (G + 1) x N: sum of sqrt P per cell

    const double first = static_cast<double>(firstTick);
    const double step = static_cast<double>(stepTicks);
    constexpr std::size_t kChunk = 32;
    const std::size_t chunks = chunkCount(n, kChunk);
    base::ParallelOptions parallel;
    parallel.threads = threads;
    // Per-worker scratch, allocated once; the per-path loop below does not allocate.
    struct Scratch {
        std::vector<double> count, sqrtSum, downDiff, upDiff;
    };
    std::vector<Scratch> scratchOf(base::worker_count(chunks, threads),
                                   Scratch{std::vector<double>(g + 1), std::vector<double>(g + 1),
                                           std::vector<double>(g + 1), std::vector<double>(g + 1)});
    base::parallel_for_chunks(chunks, parallel, [&](std::size_t chunk, unsigned worker) {
        std::vector<double>& count = scratchOf[worker].count;
        std::vector<double>& sqrtSum = scratchOf[worker].sqrtSum;
        std::vector<double>& downDiff = scratchOf[worker].downDiff;
        std::vector<double>& upDiff = scratchOf[worker].upDiff;
        {
            const std::size_t begin = chunk * kChunk;
            const std::size_t end = std::min(n, begin + kChunk);
            for (std::size_t p = begin; p < end; ++p) {
                std::fill(count.begin(), count.end(), 0.0);
                std::fill(sqrtSum.begin(), sqrtSum.end(), 0.0);
                std::fill(downDiff.begin(), downDiff.end(), 0.0);
                std::fill(upDiff.begin(), upDiff.end(), 0.0);
                const auto row = paths.path(p);
                std::size_t c = cellOf(row[0], boundaries, first, step);
                for (std::size_t t = 0; t < steps; ++t) {
                    // Left-point rule: the price at the start of a step decides whether the
                    // position earns fees and bears LVR over that step.
                    count[c] += 1.0;
                    sqrtSum[c] += std::sqrt(row[t]);
                    const std::size_t cn = cellOf(row[t + 1], boundaries, first, step);
                    // Boundary k is crossed downwards iff cn <= k < c, upwards iff c <= k < cn.
                    if (cn < c) {
                        downDiff[cn] += 1.0;
                        downDiff[c] -= 1.0;
                    } else if (cn > c) {
                        upDiff[c] += 1.0;
                        upDiff[cn] -= 1.0;
                    }
                    c = cn;
                }
                double cumulative = 0.0;
                for (std::size_t m = 0; m <= g; ++m) {
                    s.occupancyPrefix[m * n + p] = cumulative;
                    cumulative += count[m];
                    sqrtByCell[m * n + p] = sqrtSum[m];
                }
                s.occupancyPrefix[(g + 1) * n + p] = cumulative;
                double down = 0.0;
                double up = 0.0;
                for (std::size_t k = 0; k < g; ++k) {
                    down += downDiff[k];
                    up += upDiff[k];
                    s.downCrossings[k * n + p] = down;
                    s.upCrossings[k * n + p] = up;
                }
                const double terminal = row[steps];
                s.terminalPrice[p] = terminal;
                s.terminalSqrt[p] = std::sqrt(terminal);
                s.terminalInvSqrt[p] = 1.0 / s.terminalSqrt[p];
            }
        }
    });

    // Path means, summed in path order (deterministic).
    const double invN = 1.0 / static_cast<double>(n);
    s.meanOccupancyPrefix.assign(g + 2, 0.0);
    for (std::size_t m = 0; m < g + 2; ++m) {
        s.meanOccupancyPrefix[m] = sum4({s.occupancyPrefix.data() + m * n, n}) * invN;
    }
    s.meanSqrtPrefix.assign(g + 2, DoubleDouble{});
    DoubleDouble running;
    for (std::size_t m = 0; m <= g; ++m) {
        s.meanSqrtPrefix[m] = running;
        DoubleDouble cell;
        for (std::size_t p = 0; p < n; ++p) cell.add(sqrtByCell[m * n + p]);
        running.add(cell.hi * invN);
        running.add(cell.lo * invN);
    }
    s.meanSqrtPrefix[g + 1] = running;
    s.meanDown.assign(g, 0.0);
    s.meanUp.assign(g, 0.0);
    for (std::size_t k = 0; k < g; ++k) {
        s.meanDown[k] = sum4({s.downCrossings.data() + k * n, n}) * invN;
        s.meanUp[k] = sum4({s.upCrossings.data() + k * n, n}) * invN;
    }
    return s;
}

struct SweepConstants {
    double initialPrice = 0.0;
    double volumePerStep = 0.0;
    double feeRate = 0.0;
    double stepsPerYear = 365.0;
    double protocolFeeShare = 0.0;
    double poolLiquidity = 0.0;
    double lvrPerSqrtPrice = 0.0;  ///< sigma^2 / 4 * dt: LVR = this * L * sum sqrt P in range
    double rebalanceCost = 0.0;
    double capital = 0.0;
    double lambda = 0.0;
    double alpha = 0.95;
};

/// Evaluates range (i, j) of the grid. `outcomes` is N doubles of scratch.
RangeMetrics evaluateRange(const GridStatistics& s, std::span<const int> ticks,
                           std::span<const double> boundaries, std::size_t i, std::size_t j,
                           const SweepConstants& k, std::span<double> outcomes,
                           std::span<double> scratch) {
    const std::size_t n = s.pathCount;
    RangeMetrics r;
    r.tickLower = ticks[i];
    r.tickUpper = ticks[j];
    r.priceLower = boundaries[i];
    r.priceUpper = boundaries[j];
    const double sqrtLower = std::sqrt(r.priceLower);
    const double sqrtUpper = std::sqrt(r.priceUpper);
    // Liquidity funded by the capital at P_0 (whitepaper eqs. 6.29/6.30 via amm analytics).
    r.liquidity =
        k.capital / amm::analytics::position_value(1.0, k.initialPrice, r.priceLower, r.priceUpper);
    const amm::analytics::PositionAmounts deposit =
        amm::analytics::position_amounts(r.liquidity, k.initialPrice, r.priceLower, r.priceUpper);

    // Fee per in-range step: the position's share of active liquidity of every fee paid.
    amm::analytics::FeeIncomeOptions fee;
    fee.volume_per_period = k.volumePerStep;
    fee.fee_rate = k.feeRate;
    fee.protocol_share = k.protocolFeeShare;
    fee.position_liquidity = r.liquidity;
    fee.active_liquidity = r.liquidity + k.poolLiquidity;
    fee.time_in_range = 1.0;
    fee.position_value = k.capital;
    fee.periods_per_year = k.stepsPerYear;
    const double feePerInRangeStep = amm::analytics::fee_income(fee).income_per_period;

    const double inRangeSteps = s.meanOccupancyPrefix[j + 1] - s.meanOccupancyPrefix[i + 1];
    const double sqrtInRange = difference(s.meanSqrtPrefix[j + 1], s.meanSqrtPrefix[i + 1]);
    r.expectedFees = feePerInRangeStep * inRangeSteps;
    r.expectedLvr = k.lvrPerSqrtPrice * r.liquidity * sqrtInRange;
    r.expectedRebalances = s.meanDown[i] + s.meanUp[j];
    r.expectedRebalanceCost = k.rebalanceCost * r.expectedRebalances;
    r.expectedNetReturn = r.expectedFees - r.expectedLvr - r.expectedRebalanceCost;

    // Terminal value minus holding the deposit, for every path, branch-free:
    //   V_T - V_hold = L (s_c - sqrt(pa)) + L (1/s_c - 1/sqrt(pb)) P_T - (x0 P_T + y0),
    // with s_c = sqrt(P_T) clamped to [sqrt(pa), sqrt(pb)] (1/s_c from the clamped 1/sqrt(P_T)).
    const double liq = r.liquidity;
    const double priceCoeff = -liq / sqrtUpper - deposit.amount0;
    const double constant = -liq * sqrtLower - deposit.amount1;
    const double invLower = 1.0 / sqrtLower;
    const double invUpper = 1.0 / sqrtUpper;
    const double* terminal = s.terminalPrice.data();
    const double* sqrtT = s.terminalSqrt.data();
    const double* invSqrtT = s.terminalInvSqrt.data();
    const double* occLow = s.row(s.occupancyPrefix, i + 1);
    const double* occHigh = s.row(s.occupancyPrefix, j + 1);
    const double* down = s.row(s.downCrossings, i);
    const double* up = s.row(s.upCrossings, j);
    const double rebal = k.rebalanceCost;
    double* out = outcomes.data();
    // One pass: the path's P&L, and the terminal term summed with the grouping of sum4.
    const auto pathPnl = [&](std::size_t p, double& terminalSum) {
        const double sc = std::min(std::max(sqrtT[p], sqrtLower), sqrtUpper);
        const double isc = std::min(std::max(invSqrtT[p], invUpper), invLower);
        const double vsHold = terminal[p] * (liq * isc + priceCoeff) + (liq * sc + constant);
        out[p] =
            vsHold + (feePerInRangeStep * (occHigh[p] - occLow[p]) - rebal * (down[p] + up[p]));
        terminalSum += vsHold;
    };
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    std::size_t p = 0;
    for (; p + 4 <= n; p += 4) {
        pathPnl(p, a0);
        pathPnl(p + 1, a1);
        pathPnl(p + 2, a2);
        pathPnl(p + 3, a3);
    }
    for (; p < n; ++p) pathPnl(p, a0);
    r.expectedIl = ((a0 + a1) + (a2 + a3)) / static_cast<double>(n);
    r.expectedPnl = r.expectedFees - r.expectedRebalanceCost + r.expectedIl;
    r.timeInRange = inRangeSteps;  // scaled to a fraction by the caller
    r.cvar = fastCvarOfLosses(outcomes, k.alpha, scratch);
    // Tail loss only: a CVaR below zero (even the worst paths gain) is no reward.
    r.objective = r.expectedNetReturn - k.lambda * std::max(0.0, r.cvar);
    return r;
}

// Every range [t_i, t_j) of the grid t_k = first + k * step, k < count, lower-major (triangular
// order: range (i, j), i < j, at i * (2 count - i - 1) / 2 + (j - i - 1)); timeInRange as a
// fraction of the steps.
std::vector<RangeMetrics> sweepGrid(const PricePaths& paths, const RangeOptOptions& options,
                                    const RangeOptInputs& in, int first, int step,
                                    std::size_t count, unsigned threads, RangeOptTiming& timing) {
    const auto start = Clock::now();
    const std::size_t g = count;
    std::vector<int> ticks(g);
    std::vector<double> boundaries(g);
    for (std::size_t k = 0; k < g; ++k) {
        ticks[k] = first + static_cast<int>(k) * step;
        boundaries[k] = priceAtTick(ticks[k]);
    }
    const GridStatistics stats = buildGridStatistics(paths, boundaries, first, step, threads);
    timing.histogramSeconds = secondsSince(start);

    const auto rangesStart = Clock::now();
    SweepConstants k;
    k.initialPrice = in.initialPrice;
    k.volumePerStep = in.volumePerStep;
    k.feeRate = in.feeRate;
    k.stepsPerYear = 1.0 / in.timeStepYears;
    k.protocolFeeShare = options.protocolFeeShare;
    k.poolLiquidity = options.poolLiquidity;
    k.lvrPerSqrtPrice = in.lvrVolatility * in.lvrVolatility / 4.0 * in.timeStepYears;
    k.rebalanceCost = in.rebalanceCost;
    k.capital = options.capital;
    k.lambda = options.riskAversion;
    k.alpha = options.cvarLevel;

    const auto offset = [g](std::size_t i) { return i * (2 * g - i - 1) / 2; };
    std::vector<RangeMetrics> all(g * (g - 1) / 2);
    // One chunk per row, handed out widest first (row i has g - 1 - i ranges); per-worker
    // scratch for the path outcomes.
    base::ParallelOptions parallel;
    parallel.threads = threads;
    const unsigned workers = base::worker_count(g - 1, threads);
    std::vector<std::vector<double>> outcomesOf(workers, std::vector<double>(stats.pathCount));
    std::vector<std::vector<double>> scratchOf(workers, std::vector<double>(stats.pathCount + 1));
    base::parallel_for_chunks(g - 1, parallel, [&](std::size_t i, unsigned worker) {
        for (std::size_t j = i + 1; j < g; ++j) {
            all[offset(i) + (j - i - 1)] = evaluateRange(stats, ticks, boundaries, i, j, k,
                                                         outcomesOf[worker], scratchOf[worker]);
        }
    });
    const double steps = static_cast<double>(in.steps);
    for (auto& r : all) r.timeInRange /= steps;
    timing.sweepSeconds = secondsSince(rangesStart);
    return all;
}

// The best range with tick_lower <= initial tick < tick_upper (first in order on ties).
RangeMetrics bestContaining(const std::vector<RangeMetrics>& all, int initialTick) {
    const RangeMetrics* best = nullptr;
    for (const RangeMetrics& r : all) {
        if (r.tickLower <= initialTick && initialTick < r.tickUpper &&
            (best == nullptr || r.objective > best->objective)) {
            best = &r;
        }
    }
    PFT_ENSURE(best != nullptr, "range_opt: the grid holds no range containing the price");
    return *best;
}

}  // namespace

RangeOptResult optimiseRange(const PricePaths& paths, const RangeOptOptions& options) {
    options.validate();
    paths.validate();
    RangeOptResult result;
    RangeOptInputs& in = result.inputs;
    in.initialPrice = paths.at(0, 0);
    in.pathCount = paths.pathCount;
    in.steps = paths.steps;
    in.horizonYears = paths.horizonYears;
    in.timeStepYears = paths.timeStepYears();
    in.lvrVolatility =
        options.lvrVolatility >= 0.0 ? options.lvrVolatility : realisedVolatility(paths);
    in.feeRate = static_cast<double>(options.feeTier) * 1e-6;
    in.tickSpacing = tickSpacingForFeeTier(options.feeTier);
    in.initialTick = amm::fast::tick_at_sqrt_price(std::sqrt(in.initialPrice));
    in.tickCount = options.tickCount;
    in.rangeCount = options.tickCount * (options.tickCount - 1) / 2;

    const int spacing = in.tickSpacing;
    const int below = static_cast<int>((options.tickCount - 1) / 2);
    const int above = static_cast<int>(options.tickCount - 1) - below;
    int stepSpacings = options.gridStepSpacings;
    if (stepSpacings == 0) {
        const double halfWidthTicks = options.coverageSigmas * in.lvrVolatility *
                                      std::sqrt(in.horizonYears) / std::log(1.0001);
        const double perStep =
            halfWidthTicks / static_cast<double>(std::max(below, 1)) / static_cast<double>(spacing);
        stepSpacings = std::max(1, static_cast<int>(std::ceil(std::min(perStep, 1.0e6))));
    }
    const long long stepTicks = static_cast<long long>(stepSpacings) * spacing;
    const long long centre = static_cast<long long>(floorDiv(in.initialTick, spacing)) * spacing;
    const long long first = centre - below * stepTicks;
    const long long last = centre + above * stepTicks;
    const long long minUsable = -static_cast<long long>(amm::fast::kMaxTick / spacing) * spacing;
    const long long maxUsable = static_cast<long long>(amm::fast::kMaxTick / spacing) * spacing;
    if (first < minUsable || last > maxUsable) {
        std::ostringstream m;
        m << "grid ticks [" << first << ", " << last << "] leave the usable tick range ["
          << minUsable << ", " << maxUsable << "]; lower grid.tick_count or grid.step_spacings";
        throw InputError("grid", m.str());
    }
    in.gridStepTicks = static_cast<int>(stepTicks);
    in.firstTick = static_cast<int>(first);
    in.lastTick = static_cast<int>(last);
    in.volumePerStep = options.dailyVolume * 365.0 * in.timeStepYears;
    in.rebalanceCost = options.rebalanceOnExit ? options.gasCostPerRebalance +
                                                     options.swapCostFraction * options.capital
                                               : 0.0;

    const unsigned threads = resolveThreads(options.threads);
    std::vector<RangeMetrics> all =
        sweepGrid(paths, options, in, in.firstTick, in.gridStepTicks, options.tickCount, threads,
                  result.timing);
    const auto rangesStart = Clock::now();
    const std::size_t g = options.tickCount;
    const auto offset = [g](std::size_t i) { return i * (2 * g - i - 1) / 2; };

    // Best range and the frontier (best per width), scanned in (lower, upper) order.
    std::size_t bestIndex = 0;
    std::vector<std::size_t> bestOfWidth(g, std::numeric_limits<std::size_t>::max());
    for (std::size_t i = 0; i + 1 < g; ++i) {
        for (std::size_t j = i + 1; j < g; ++j) {
            const std::size_t idx = offset(i) + (j - i - 1);
            if (all[idx].objective > all[bestIndex].objective) bestIndex = idx;
            std::size_t& w = bestOfWidth[j - i];
            if (w == std::numeric_limits<std::size_t>::max() ||
                all[idx].objective > all[w].objective) {
                w = idx;
            }
        }
    }
    result.best = all[bestIndex];
    result.bestContainingPrice = bestContaining(all, in.initialTick);
    result.containingStepTicks = in.gridStepTicks;
    if (options.refineGrid) {
        // A second sweep on the finest grid (a multiple of the spacing) that spans the chosen
        // range plus one coarse step either side with at most tick_count ticks.
        const RangeMetrics& c = result.bestContainingPrice;
        const long long lo = std::max<long long>(c.tickLower - in.gridStepTicks, in.firstTick);
        const long long hi = std::min<long long>(c.tickUpper + in.gridStepTicks, in.lastTick);
        const long long perStep = (hi - lo + static_cast<long long>(g) - 2) /
                                  static_cast<long long>(g - 1);
        const long long unit = in.tickSpacing;
        const long long fine = std::max(unit, (perStep + unit - 1) / unit * unit);
        if (fine < in.gridStepTicks) {
            const auto count = static_cast<std::size_t>((hi - lo) / fine + 1);
            RangeOptTiming refineTiming;
            const std::vector<RangeMetrics> refined =
                sweepGrid(paths, options, in, static_cast<int>(lo), static_cast<int>(fine), count,
                          threads, refineTiming);
            const RangeMetrics candidate = bestContaining(refined, in.initialTick);
            if (candidate.objective > c.objective) result.bestContainingPrice = candidate;
            result.containingStepTicks = static_cast<int>(fine);
            result.timing.sweepSeconds += refineTiming.histogramSeconds + refineTiming.sweepSeconds;
        }
    }
    result.provide = result.bestContainingPrice.objective > result.noProvisionObjective;
    for (std::size_t width = 1; width < g; ++width) {
        FrontierPoint point;
        point.range = all[bestOfWidth[width]];
        point.widthTicks = point.range.tickUpper - point.range.tickLower;
        result.frontier.push_back(point);
    }
    for (auto& point : result.frontier) {
        point.paretoEfficient = std::none_of(
            result.frontier.begin(), result.frontier.end(), [&](const FrontierPoint& other) {
                const bool noWorse =
                    other.range.expectedNetReturn >= point.range.expectedNetReturn &&
                    other.range.cvar <= point.range.cvar;
                const bool better = other.range.expectedNetReturn > point.range.expectedNetReturn ||
                                    other.range.cvar < point.range.cvar;
                return noWorse && better;
            });
    }
    if (options.keepAllRanges) result.ranges = std::move(all);
    result.timing.sweepSeconds += secondsSince(rangesStart);
    return result;
}

}  // namespace pftoken::integration
