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

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

unsigned resolve_threads(std::size_t requested) {
    return base::resolve_threads(static_cast<unsigned>(std::min<std::size_t>(requested, 1024)));
}

std::size_t chunk_count(std::size_t items, std::size_t chunk) { return (items + chunk - 1) / chunk; }

bool fail(std::string* why, const std::ostringstream& msg) {
    if (why != nullptr) *why = msg.str();
    return false;
}

int floor_div(int a, int b) {
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

bool GbmScenario::is_valid(std::string* why) const {
    std::ostringstream msg;
    if (!(initial_price > 0.0 && std::isfinite(initial_price))) {
        msg << "scenario.initial_price: must be finite and > 0, got " << initial_price;
    } else if (!std::isfinite(drift)) {
        msg << "scenario.drift: must be finite, got " << drift;
    } else if (!(volatility >= 0.0 && volatility < 20.0)) {
        msg << "scenario.volatility: must be in [0, 20), got " << volatility;
    } else if (!(horizon_years > 0.0 && horizon_years <= 100.0)) {
        msg << "scenario.horizon_years: must be in (0, 100], got " << horizon_years;
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
    if (!is_valid(&why)) {
        const auto colon = why.find(':');
        throw InputError(why.substr(0, colon), why.substr(colon + 2));
    }
}

void PricePaths::validate(const std::string& field) const {
    if (path_count < 1) throw InputError(field, "must hold at least one path");
    if (steps < 1) throw InputError(field, "each path needs at least 2 prices (1 step)");
    if (!(horizon_years > 0.0 && std::isfinite(horizon_years))) {
        std::ostringstream m;
        m << "must be finite and > 0, got " << horizon_years;
        throw InputError("scenario.horizon_years", m.str());
    }
    if (prices.size() != path_count * (steps + 1)) {
        std::ostringstream m;
        m << "expected " << path_count << " x " << steps + 1 << " prices, got " << prices.size();
        throw InputError(field, m.str());
    }
    const double s0 = prices[0];
    for (std::size_t p = 0; p < path_count; ++p) {
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

PricePaths simulate_gbm_paths(const GbmScenario& scenario, unsigned threads) {
    scenario.validate();
    PricePaths out;
    out.path_count = scenario.paths;
    out.steps = scenario.steps;
    out.horizon_years = scenario.horizon_years;
    out.prices.resize(out.path_count * (out.steps + 1));
    const double dt = out.time_step_years();
    const double log_drift = (scenario.drift - 0.5 * scenario.volatility * scenario.volatility) * dt;
    const double log_vol = scenario.volatility * std::sqrt(dt);
    const double log_s0 = std::log(scenario.initial_price);
    constexpr std::size_t kChunk = 64;
    base::ParallelOptions parallel;
    parallel.threads = resolve_threads(threads);
    base::parallel_for_chunks(chunk_count(out.path_count, kChunk), parallel, [&](std::size_t chunk, unsigned) {
        const std::size_t begin = chunk * kChunk;
        const std::size_t end = std::min(out.path_count, begin + kChunk);
        for (std::size_t p = begin; p < end; ++p) {
            mc::Xoshiro256StarStar rng(scenario.seed, p);
            double* row = out.prices.data() + p * (out.steps + 1);
            double x = log_s0;
            row[0] = scenario.initial_price;
            for (std::size_t t = 1; t <= out.steps; ++t) {
                x += log_drift + log_vol * mc::inverse_normal_cdf(rng.uniform());
                row[t] = std::exp(x);
            }
        }
    });
    return out;
}

double realised_volatility(const PricePaths& paths) {
    double sum_sq = 0.0;
    for (std::size_t p = 0; p < paths.path_count; ++p) {
        const auto row = paths.path(p);
        for (std::size_t t = 0; t < paths.steps; ++t) {
            const double r = std::log(row[t + 1] / row[t]);
            sum_sq += r * r;
        }
    }
    const double n = static_cast<double>(paths.path_count * paths.steps);
    return std::sqrt(sum_sq / (n * paths.time_step_years()));
}

int tick_spacing_for_fee_tier(int fee_tier, const std::string& field) {
    switch (fee_tier) {
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
                     "must be one of 500, 3000, 10000 (pips), got " + std::to_string(fee_tier));
}

double price_at_tick(int tick) noexcept {
    const double s = amm::fast::sqrt_price_at_tick(tick);
    return s * s;
}

bool RangeOptOptions::is_valid(std::string* why) const {
    std::ostringstream msg;
    if (fee_tier != 500 && fee_tier != 3000 && fee_tier != 10000) {
        msg << "pool.fee_tier: must be one of 500, 3000, 10000 (pips), got " << fee_tier;
    } else if (!(pool_liquidity >= 0.0 && std::isfinite(pool_liquidity))) {
        msg << "pool.active_liquidity: must be finite and >= 0, got " << pool_liquidity;
    } else if (!(protocol_fee_share >= 0.0 && protocol_fee_share <= 1.0)) {
        msg << "pool.protocol_fee_share: must be in [0, 1], got " << protocol_fee_share;
    } else if (!(daily_volume >= 0.0 && std::isfinite(daily_volume))) {
        msg << "volume.daily: must be finite and >= 0, got " << daily_volume;
    } else if (!(capital > 0.0 && std::isfinite(capital))) {
        msg << "lp.capital: must be finite and > 0, got " << capital;
    } else if (!(gas_cost_per_rebalance >= 0.0 && std::isfinite(gas_cost_per_rebalance))) {
        msg << "rebalance.gas_cost: must be finite and >= 0, got " << gas_cost_per_rebalance;
    } else if (!(swap_cost_fraction >= 0.0 && swap_cost_fraction <= 1.0)) {
        msg << "rebalance.swap_cost_fraction: must be in [0, 1], got " << swap_cost_fraction;
    } else if (!(risk_aversion >= 0.0 && std::isfinite(risk_aversion))) {
        msg << "risk.lambda: must be finite and >= 0, got " << risk_aversion;
    } else if (!(cvar_level > 0.0 && cvar_level < 1.0)) {
        msg << "risk.cvar_level: must be in (0, 1), got " << cvar_level;
    } else if (!(std::isfinite(lvr_volatility) && lvr_volatility < 20.0)) {
        msg << "scenario.volatility: must be finite and < 20 (negative = realised), got "
            << lvr_volatility;
    } else if (tick_count < 2 || tick_count > 4000) {
        msg << "grid.tick_count: must be in [2, 4000], got " << tick_count;
    } else if (grid_step_spacings < 0) {
        msg << "grid.step_spacings: must be >= 1 (or 0 = auto), got " << grid_step_spacings;
    } else if (!(coverage_sigmas > 0.0 && coverage_sigmas <= 50.0)) {
        msg << "grid.coverage_sigmas: must be in (0, 50], got " << coverage_sigmas;
    } else if (threads > 1024) {
        msg << "threads: must be in [0, 1024], got " << threads;
    } else {
        return true;
    }
    return fail(why, msg);
}

void RangeOptOptions::validate() const {
    std::string why;
    if (!is_valid(&why)) {
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

TailSize tail_size(std::size_t n, double alpha) {
    const double w = static_cast<double>(n) * (1.0 - alpha);
    const double w_rounded = std::nearbyint(w);
    TailSize t;
    t.points = std::abs(w - w_rounded) < 1e-9 * std::max(1.0, w) ? w_rounded : w;
    t.whole = static_cast<std::size_t>(std::floor(t.points));
    t.fraction = t.points - static_cast<double>(t.whole);
    return t;
}

/// CVaR from the `whole` smallest values (sorted or not) of `x` and the next one.
double tail_mean(std::span<double> x, const TailSize& t) {
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

double cvar_of_losses(std::span<double> outcomes, double alpha) {
    PFT_REQUIRE(!outcomes.empty(), "cvar_of_losses.outcomes: must not be empty");
    PFT_REQUIRE(alpha > 0.0 && alpha < 1.0, "cvar_of_losses.alpha: must be in (0, 1), got " << alpha);
    return tail_mean(outcomes, tail_size(outcomes.size(), alpha));
}

namespace {

/// cvar_of_losses for the sweep: the same order statistics, found faster. A threshold tau from a
/// strided sample (rank chosen with margin) keeps only the values <= tau (one branch-free
/// pass); if at least the needed count survive, they contain every order statistic the tail
/// needs and the selection runs on them alone; otherwise it falls back to the full selection.
/// `scratch` has outcomes.size() + 1 doubles. Deterministic (no random sampling).
double fast_cvar_of_losses(std::span<double> outcomes, double alpha, std::span<double> scratch) {
    const std::size_t n = outcomes.size();
    const TailSize t = tail_size(n, alpha);
    const std::size_t need = std::min(n, t.whole + 1);
    constexpr std::size_t kStride = 16;
    if (n < 64 * kStride || t.whole == 0 || need * 4 > n) return tail_mean(outcomes, t);
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
    if (kept < need) return tail_mean(outcomes, t);
    return tail_mean(scratch.first(kept), t);
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
    std::size_t tick_count = 0;                 ///< G
    std::size_t path_count = 0;                 ///< N
    std::vector<double> occupancy_prefix;       ///< (G + 2) x N: steps with cell < m
    std::vector<double> down_crossings;         ///< G x N: steps with P_t >= B_k > P_{t+1}
    std::vector<double> up_crossings;           ///< G x N: steps with P_t < B_k <= P_{t+1}
    std::vector<double> terminal_price;         ///< N
    std::vector<double> terminal_sqrt;          ///< N
    std::vector<double> terminal_inv_sqrt;       ///< N
    std::vector<double> mean_occupancy_prefix;   ///< G + 2
    std::vector<DoubleDouble> mean_sqrt_prefix;  ///< G + 2: sum over cells < m of E[sum sqrt P]
    std::vector<double> mean_down;              ///< G
    std::vector<double> mean_up;                ///< G

    [[nodiscard]] const double* row(const std::vector<double>& a, std::size_t r) const noexcept {
        return a.data() + r * path_count;
    }
};

std::size_t cell_of(double price, std::span<const double> boundaries, double first_tick,
                   double step_ticks) noexcept {
    static const double kInvLogTickBase = 1.0 / std::log(1.0001);
    const auto g = static_cast<std::ptrdiff_t>(boundaries.size());
    // Estimate from the logarithm, then settle against the boundary table so the cell agrees
    // exactly with comparisons against price_at_tick.
    const double estimate =
        std::floor((std::log(price) * kInvLogTickBase - first_tick) / step_ticks) + 1.0;
    std::ptrdiff_t c =
        estimate < 0.0
            ? 0
            : (estimate > static_cast<double>(g) ? g : static_cast<std::ptrdiff_t>(estimate));
    while (c < g && boundaries[static_cast<std::size_t>(c)] <= price) ++c;
    while (c > 0 && boundaries[static_cast<std::size_t>(c - 1)] > price) --c;
    return static_cast<std::size_t>(c);
}

GridStatistics build_grid_statistics(const PricePaths& paths, std::span<const double> boundaries,
                                   int first_tick, int step_ticks, unsigned threads) {
    const std::size_t g = boundaries.size();
    const std::size_t n = paths.path_count;
    const std::size_t steps = paths.steps;
    GridStatistics s;
    s.tick_count = g;
    s.path_count = n;
    s.occupancy_prefix.assign((g + 2) * n, 0.0);
    s.down_crossings.assign(g * n, 0.0);
    s.up_crossings.assign(g * n, 0.0);
    s.terminal_price.assign(n, 0.0);
    s.terminal_sqrt.assign(n, 0.0);
    s.terminal_inv_sqrt.assign(n, 0.0);
    std::vector<double> sqrt_by_cell((g + 1) * n, 0.0);  // (G + 1) x N: sum of sqrt P per cell

    const double first = static_cast<double>(first_tick);
    const double step = static_cast<double>(step_ticks);
    constexpr std::size_t kChunk = 32;
    const std::size_t chunks = chunk_count(n, kChunk);
    base::ParallelOptions parallel;
    parallel.threads = threads;
    // Per-worker scratch, allocated once; the per-path loop below does not allocate.
    struct Scratch {
        std::vector<double> count, sqrt_sum, down_diff, up_diff;
    };
    std::vector<Scratch> scratch_of(base::worker_count(chunks, threads),
                                   Scratch{std::vector<double>(g + 1), std::vector<double>(g + 1),
                                           std::vector<double>(g + 1), std::vector<double>(g + 1)});
    base::parallel_for_chunks(chunks, parallel, [&](std::size_t chunk, unsigned worker) {
        std::vector<double>& count = scratch_of[worker].count;
        std::vector<double>& sqrt_sum = scratch_of[worker].sqrt_sum;
        std::vector<double>& down_diff = scratch_of[worker].down_diff;
        std::vector<double>& up_diff = scratch_of[worker].up_diff;
        {
            const std::size_t begin = chunk * kChunk;
            const std::size_t end = std::min(n, begin + kChunk);
            for (std::size_t p = begin; p < end; ++p) {
                std::fill(count.begin(), count.end(), 0.0);
                std::fill(sqrt_sum.begin(), sqrt_sum.end(), 0.0);
                std::fill(down_diff.begin(), down_diff.end(), 0.0);
                std::fill(up_diff.begin(), up_diff.end(), 0.0);
                const auto row = paths.path(p);
                std::size_t c = cell_of(row[0], boundaries, first, step);
                for (std::size_t t = 0; t < steps; ++t) {
                    // Left-point rule: the price at the start of a step decides whether the
                    // position earns fees and bears LVR over that step.
                    count[c] += 1.0;
                    sqrt_sum[c] += std::sqrt(row[t]);
                    const std::size_t cn = cell_of(row[t + 1], boundaries, first, step);
                    // Boundary k is crossed downwards iff cn <= k < c, upwards iff c <= k < cn.
                    if (cn < c) {
                        down_diff[cn] += 1.0;
                        down_diff[c] -= 1.0;
                    } else if (cn > c) {
                        up_diff[c] += 1.0;
                        up_diff[cn] -= 1.0;
                    }
                    c = cn;
                }
                double cumulative = 0.0;
                for (std::size_t m = 0; m <= g; ++m) {
                    s.occupancy_prefix[m * n + p] = cumulative;
                    cumulative += count[m];
                    sqrt_by_cell[m * n + p] = sqrt_sum[m];
                }
                s.occupancy_prefix[(g + 1) * n + p] = cumulative;
                double down = 0.0;
                double up = 0.0;
                for (std::size_t k = 0; k < g; ++k) {
                    down += down_diff[k];
                    up += up_diff[k];
                    s.down_crossings[k * n + p] = down;
                    s.up_crossings[k * n + p] = up;
                }
                const double terminal = row[steps];
                s.terminal_price[p] = terminal;
                s.terminal_sqrt[p] = std::sqrt(terminal);
                s.terminal_inv_sqrt[p] = 1.0 / s.terminal_sqrt[p];
            }
        }
    });

    // Path means, summed in path order (deterministic).
    const double inv_n = 1.0 / static_cast<double>(n);
    s.mean_occupancy_prefix.assign(g + 2, 0.0);
    for (std::size_t m = 0; m < g + 2; ++m) {
        s.mean_occupancy_prefix[m] = sum4({s.occupancy_prefix.data() + m * n, n}) * inv_n;
    }
    s.mean_sqrt_prefix.assign(g + 2, DoubleDouble{});
    DoubleDouble running;
    for (std::size_t m = 0; m <= g; ++m) {
        s.mean_sqrt_prefix[m] = running;
        DoubleDouble cell;
        for (std::size_t p = 0; p < n; ++p) cell.add(sqrt_by_cell[m * n + p]);
        running.add(cell.hi * inv_n);
        running.add(cell.lo * inv_n);
    }
    s.mean_sqrt_prefix[g + 1] = running;
    s.mean_down.assign(g, 0.0);
    s.mean_up.assign(g, 0.0);
    for (std::size_t k = 0; k < g; ++k) {
        s.mean_down[k] = sum4({s.down_crossings.data() + k * n, n}) * inv_n;
        s.mean_up[k] = sum4({s.up_crossings.data() + k * n, n}) * inv_n;
    }
    return s;
}

struct SweepConstants {
    double initial_price = 0.0;
    double volume_per_step = 0.0;
    double fee_rate = 0.0;
    double steps_per_year = 365.0;
    double protocol_fee_share = 0.0;
    double pool_liquidity = 0.0;
    double lvr_per_sqrt_price = 0.0;  ///< sigma^2 / 4 * dt: LVR = this * L * sum sqrt P in range
    double rebalance_cost = 0.0;
    double capital = 0.0;
    double lambda = 0.0;
    double alpha = 0.95;
};

/// Evaluates range (i, j) of the grid. `outcomes` is N doubles of scratch.
RangeMetrics evaluate_range(const GridStatistics& s, std::span<const int> ticks,
                           std::span<const double> boundaries, std::size_t i, std::size_t j,
                           const SweepConstants& k, std::span<double> outcomes,
                           std::span<double> scratch) {
    const std::size_t n = s.path_count;
    RangeMetrics r;
    r.tick_lower = ticks[i];
    r.tick_upper = ticks[j];
    r.price_lower = boundaries[i];
    r.price_upper = boundaries[j];
    const double sqrt_lower = std::sqrt(r.price_lower);
    const double sqrt_upper = std::sqrt(r.price_upper);
    // Liquidity funded by the capital at P_0 (whitepaper eqs. 6.29/6.30 via amm analytics).
    r.liquidity =
        k.capital / amm::analytics::position_value(1.0, k.initial_price, r.price_lower, r.price_upper);
    const amm::analytics::PositionAmounts deposit =
        amm::analytics::position_amounts(r.liquidity, k.initial_price, r.price_lower, r.price_upper);

    // Fee per in-range step: the position's share of active liquidity of every fee paid.
    amm::analytics::FeeIncomeOptions fee;
    fee.volume_per_period = k.volume_per_step;
    fee.fee_rate = k.fee_rate;
    fee.protocol_share = k.protocol_fee_share;
    fee.position_liquidity = r.liquidity;
    fee.active_liquidity = r.liquidity + k.pool_liquidity;
    fee.time_in_range = 1.0;
    fee.position_value = k.capital;
    fee.periods_per_year = k.steps_per_year;
    const double fee_per_in_range_step = amm::analytics::fee_income(fee).income_per_period;

    const double in_range_steps = s.mean_occupancy_prefix[j + 1] - s.mean_occupancy_prefix[i + 1];
    const double sqrt_in_range = difference(s.mean_sqrt_prefix[j + 1], s.mean_sqrt_prefix[i + 1]);
    r.expected_fees = fee_per_in_range_step * in_range_steps;
    r.expected_lvr = k.lvr_per_sqrt_price * r.liquidity * sqrt_in_range;
    r.expected_rebalances = s.mean_down[i] + s.mean_up[j];
    r.expected_rebalance_cost = k.rebalance_cost * r.expected_rebalances;
    r.expected_net_return = r.expected_fees - r.expected_lvr - r.expected_rebalance_cost;

    // Terminal value minus holding the deposit, for every path, branch-free:
    //   V_T - V_hold = L (s_c - sqrt(pa)) + L (1/s_c - 1/sqrt(pb)) P_T - (x0 P_T + y0),
    // with s_c = sqrt(P_T) clamped to [sqrt(pa), sqrt(pb)] (1/s_c from the clamped 1/sqrt(P_T)).
    const double liq = r.liquidity;
    const double price_coeff = -liq / sqrt_upper - deposit.amount0;
    const double constant = -liq * sqrt_lower - deposit.amount1;
    const double inv_lower = 1.0 / sqrt_lower;
    const double inv_upper = 1.0 / sqrt_upper;
    const double* terminal = s.terminal_price.data();
    const double* sqrt_t = s.terminal_sqrt.data();
    const double* inv_sqrt_t = s.terminal_inv_sqrt.data();
    const double* occ_low = s.row(s.occupancy_prefix, i + 1);
    const double* occ_high = s.row(s.occupancy_prefix, j + 1);
    const double* down = s.row(s.down_crossings, i);
    const double* up = s.row(s.up_crossings, j);
    const double rebal = k.rebalance_cost;
    double* out = outcomes.data();
    // One pass: the path's P&L, and the terminal term summed with the grouping of sum4.
    const auto path_pnl = [&](std::size_t p, double& terminal_sum) {
        const double sc = std::min(std::max(sqrt_t[p], sqrt_lower), sqrt_upper);
        const double isc = std::min(std::max(inv_sqrt_t[p], inv_upper), inv_lower);
        const double vs_hold = terminal[p] * (liq * isc + price_coeff) + (liq * sc + constant);
        out[p] =
            vs_hold + (fee_per_in_range_step * (occ_high[p] - occ_low[p]) - rebal * (down[p] + up[p]));
        terminal_sum += vs_hold;
    };
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    std::size_t p = 0;
    for (; p + 4 <= n; p += 4) {
        path_pnl(p, a0);
        path_pnl(p + 1, a1);
        path_pnl(p + 2, a2);
        path_pnl(p + 3, a3);
    }
    for (; p < n; ++p) path_pnl(p, a0);
    r.expected_il = ((a0 + a1) + (a2 + a3)) / static_cast<double>(n);
    r.expected_pnl = r.expected_fees - r.expected_rebalance_cost + r.expected_il;
    r.time_in_range = in_range_steps;  // scaled to a fraction by the caller
    r.cvar = fast_cvar_of_losses(outcomes, k.alpha, scratch);
    // Tail loss only: a CVaR below zero (even the worst paths gain) is no reward.
    r.objective = r.expected_net_return - k.lambda * std::max(0.0, r.cvar);
    return r;
}

// Every range [t_i, t_j) of the grid t_k = first + k * step, k < count, lower-major (triangular
// order: range (i, j), i < j, at i * (2 count - i - 1) / 2 + (j - i - 1)); time_in_range as a
// fraction of the steps.
std::vector<RangeMetrics> sweep_grid(const PricePaths& paths, const RangeOptOptions& options,
                                    const RangeOptInputs& in, int first, int step,
                                    std::size_t count, unsigned threads, RangeOptTiming& timing) {
    const auto start = Clock::now();
    const std::size_t g = count;
    std::vector<int> ticks(g);
    std::vector<double> boundaries(g);
    for (std::size_t k = 0; k < g; ++k) {
        ticks[k] = first + static_cast<int>(k) * step;
        boundaries[k] = price_at_tick(ticks[k]);
    }
    const GridStatistics stats = build_grid_statistics(paths, boundaries, first, step, threads);
    timing.histogram_seconds = seconds_since(start);

    const auto ranges_start = Clock::now();
    SweepConstants k;
    k.initial_price = in.initial_price;
    k.volume_per_step = in.volume_per_step;
    k.fee_rate = in.fee_rate;
    k.steps_per_year = 1.0 / in.time_step_years;
    k.protocol_fee_share = options.protocol_fee_share;
    k.pool_liquidity = options.pool_liquidity;
    k.lvr_per_sqrt_price = in.lvr_volatility * in.lvr_volatility / 4.0 * in.time_step_years;
    k.rebalance_cost = in.rebalance_cost;
    k.capital = options.capital;
    k.lambda = options.risk_aversion;
    k.alpha = options.cvar_level;

    const auto offset = [g](std::size_t i) { return i * (2 * g - i - 1) / 2; };
    std::vector<RangeMetrics> all(g * (g - 1) / 2);
    // One chunk per row, handed out widest first (row i has g - 1 - i ranges); per-worker
    // scratch for the path outcomes.
    base::ParallelOptions parallel;
    parallel.threads = threads;
    const unsigned workers = base::worker_count(g - 1, threads);
    std::vector<std::vector<double>> outcomes_of(workers, std::vector<double>(stats.path_count));
    std::vector<std::vector<double>> scratch_of(workers, std::vector<double>(stats.path_count + 1));
    base::parallel_for_chunks(g - 1, parallel, [&](std::size_t i, unsigned worker) {
        for (std::size_t j = i + 1; j < g; ++j) {
            all[offset(i) + (j - i - 1)] = evaluate_range(stats, ticks, boundaries, i, j, k,
                                                         outcomes_of[worker], scratch_of[worker]);
        }
    });
    const double steps = static_cast<double>(in.steps);
    for (auto& r : all) r.time_in_range /= steps;
    timing.sweep_seconds = seconds_since(ranges_start);
    return all;
}

// The best range with tick_lower <= initial tick < tick_upper (first in order on ties).
RangeMetrics best_containing(const std::vector<RangeMetrics>& all, int initial_tick) {
    const RangeMetrics* best = nullptr;
    for (const RangeMetrics& r : all) {
        if (r.tick_lower <= initial_tick && initial_tick < r.tick_upper &&
            (best == nullptr || r.objective > best->objective)) {
            best = &r;
        }
    }
    PFT_ENSURE(best != nullptr, "range_opt: the grid holds no range containing the price");
    return *best;
}

}  // namespace

RangeOptResult optimise_range(const PricePaths& paths, const RangeOptOptions& options) {
    options.validate();
    paths.validate();
    RangeOptResult result;
    RangeOptInputs& in = result.inputs;
    in.initial_price = paths.at(0, 0);
    in.path_count = paths.path_count;
    in.steps = paths.steps;
    in.horizon_years = paths.horizon_years;
    in.time_step_years = paths.time_step_years();
    in.lvr_volatility =
        options.lvr_volatility >= 0.0 ? options.lvr_volatility : realised_volatility(paths);
    in.fee_rate = static_cast<double>(options.fee_tier) * 1e-6;
    in.tick_spacing = tick_spacing_for_fee_tier(options.fee_tier);
    in.initial_tick = amm::fast::tick_at_sqrt_price(std::sqrt(in.initial_price));
    in.tick_count = options.tick_count;
    in.range_count = options.tick_count * (options.tick_count - 1) / 2;

    const int spacing = in.tick_spacing;
    const int below = static_cast<int>((options.tick_count - 1) / 2);
    const int above = static_cast<int>(options.tick_count - 1) - below;
    int step_spacings = options.grid_step_spacings;
    if (step_spacings == 0) {
        const double half_width_ticks = options.coverage_sigmas * in.lvr_volatility *
                                      std::sqrt(in.horizon_years) / std::log(1.0001);
        const double per_step =
            half_width_ticks / static_cast<double>(std::max(below, 1)) / static_cast<double>(spacing);
        step_spacings = std::max(1, static_cast<int>(std::ceil(std::min(per_step, 1.0e6))));
    }
    const long long step_ticks = static_cast<long long>(step_spacings) * spacing;
    const long long centre = static_cast<long long>(floor_div(in.initial_tick, spacing)) * spacing;
    const long long first = centre - below * step_ticks;
    const long long last = centre + above * step_ticks;
    const long long min_usable = -static_cast<long long>(amm::fast::kMaxTick / spacing) * spacing;
    const long long max_usable = static_cast<long long>(amm::fast::kMaxTick / spacing) * spacing;
    if (first < min_usable || last > max_usable) {
        std::ostringstream m;
        m << "grid ticks [" << first << ", " << last << "] leave the usable tick range ["
          << min_usable << ", " << max_usable << "]; lower grid.tick_count or grid.step_spacings";
        throw InputError("grid", m.str());
    }
    in.grid_step_ticks = static_cast<int>(step_ticks);
    in.first_tick = static_cast<int>(first);
    in.last_tick = static_cast<int>(last);
    in.volume_per_step = options.daily_volume * 365.0 * in.time_step_years;
    in.rebalance_cost = options.rebalance_on_exit ? options.gas_cost_per_rebalance +
                                                     options.swap_cost_fraction * options.capital
                                               : 0.0;

    const unsigned threads = resolve_threads(options.threads);
    std::vector<RangeMetrics> all =
        sweep_grid(paths, options, in, in.first_tick, in.grid_step_ticks, options.tick_count, threads,
                  result.timing);
    const auto ranges_start = Clock::now();
    const std::size_t g = options.tick_count;
    const auto offset = [g](std::size_t i) { return i * (2 * g - i - 1) / 2; };

    // Best range and the frontier (best per width), scanned in (lower, upper) order.
    std::size_t best_index = 0;
    std::vector<std::size_t> best_of_width(g, std::numeric_limits<std::size_t>::max());
    for (std::size_t i = 0; i + 1 < g; ++i) {
        for (std::size_t j = i + 1; j < g; ++j) {
            const std::size_t idx = offset(i) + (j - i - 1);
            if (all[idx].objective > all[best_index].objective) best_index = idx;
            std::size_t& w = best_of_width[j - i];
            if (w == std::numeric_limits<std::size_t>::max() ||
                all[idx].objective > all[w].objective) {
                w = idx;
            }
        }
    }
    result.best = all[best_index];
    result.best_containing_price = best_containing(all, in.initial_tick);
    result.containing_step_ticks = in.grid_step_ticks;
    if (options.refine_grid) {
        // A second sweep on the finest grid (a multiple of the spacing) that spans the chosen
        // range plus one coarse step either side with at most tick_count ticks.
        const RangeMetrics& c = result.best_containing_price;
        const long long lo = std::max<long long>(c.tick_lower - in.grid_step_ticks, in.first_tick);
        const long long hi = std::min<long long>(c.tick_upper + in.grid_step_ticks, in.last_tick);
        const long long per_step = (hi - lo + static_cast<long long>(g) - 2) /
                                  static_cast<long long>(g - 1);
        const long long unit = in.tick_spacing;
        const long long fine = std::max(unit, (per_step + unit - 1) / unit * unit);
        if (fine < in.grid_step_ticks) {
            const auto count = static_cast<std::size_t>((hi - lo) / fine + 1);
            RangeOptTiming refine_timing;
            const std::vector<RangeMetrics> refined =
                sweep_grid(paths, options, in, static_cast<int>(lo), static_cast<int>(fine), count,
                          threads, refine_timing);
            const RangeMetrics candidate = best_containing(refined, in.initial_tick);
            if (candidate.objective > c.objective) result.best_containing_price = candidate;
            result.containing_step_ticks = static_cast<int>(fine);
            result.timing.sweep_seconds += refine_timing.histogram_seconds + refine_timing.sweep_seconds;
        }
    }
    result.provide = result.best_containing_price.objective > result.no_provision_objective;
    for (std::size_t width = 1; width < g; ++width) {
        FrontierPoint point;
        point.range = all[best_of_width[width]];
        point.width_ticks = point.range.tick_upper - point.range.tick_lower;
        result.frontier.push_back(point);
    }
    for (auto& point : result.frontier) {
        point.pareto_efficient = std::none_of(
            result.frontier.begin(), result.frontier.end(), [&](const FrontierPoint& other) {
                const bool no_worse =
                    other.range.expected_net_return >= point.range.expected_net_return &&
                    other.range.cvar <= point.range.cvar;
                const bool better = other.range.expected_net_return > point.range.expected_net_return ||
                                    other.range.cvar < point.range.cvar;
                return no_worse && better;
            });
    }
    if (options.keep_all_ranges) result.ranges = std::move(all);
    result.timing.sweep_seconds += seconds_since(ranges_start);
    return result;
}

}  // namespace pftoken::integration
