// Scenario propagation on the fast pool twin (see propagation.hpp).
#include "pftoken/integration/propagation.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <limits>
#include <random>
#include <span>
#include <variant>

#include <fmt/format.h>

#include "pftoken/base/quantile.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/compare_pool.hpp"

namespace pftoken::integration {

bool PropagationOptions::isValid(std::string* why) const {
    auto fail = [why](std::string msg) {
        if (why != nullptr) *why = std::move(msg);
        return false;
    };
    if (paths < 1) return fail("propagation.paths: must be >= 1, got 0");
    if (!(horizon_years > 0.0)) return fail(fmt::format("propagation.horizon_years: must be > 0, got {}", horizon_years));
    if (steps_per_year < 1) return fail(fmt::format("propagation.steps_per_year: must be >= 1, got {}", steps_per_year));
    if (!(volatility >= 0.0)) return fail(fmt::format("propagation.volatility: must be >= 0, got {}", volatility));
    if (!(noise_trade_tokens >= 0.0))
        return fail(fmt::format("propagation.noise_trade_tokens: must be >= 0, got {}", noise_trade_tokens));
    if (!(exit_tokens >= 0.0)) return fail(fmt::format("propagation.exit_tokens: must be >= 0, got {}", exit_tokens));
    if (report_every < 1) return fail(fmt::format("propagation.report_every: must be >= 1, got {}", report_every));
    return true;
}

namespace {

/// Standard normals from mt19937_64 by Box-Muller (bit-reproducible across standard libraries,
/// unlike std::normal_distribution).
class Normals {
  public:
    explicit Normals(std::uint64_t seed) : engine_(seed) {}
    double next() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        // 53-bit uniform in (0, 1]
        const double u1 = (static_cast<double>(engine_() >> 11) + 1.0) * 0x1.0p-53;
        const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
        const double radius = std::sqrt(-2.0 * std::log(u1));
        spare_ = radius * std::sin(2.0 * std::numbers::pi * u2);
        has_spare_ = true;
        return radius * std::cos(2.0 * std::numbers::pi * u2);
    }

  private:
    std::mt19937_64 engine_;
    double spare_ = 0.0;
    bool has_spare_ = false;
};

struct Trade {
    double tokens = 0.0;  ///< token0 in (> 0) or out (< 0)
    double quote = 0.0;   ///< token1 in (> 0) or out (< 0)
    double fee_tokens = 0.0;
    double fee_quote = 0.0;
};

Trade swap_in(FastPool& pool, bool sell_tokens, double amount) {
    Trade t;
    if (auto* v2 = std::get_if<amm::fast::ConstantProductPool>(&pool)) {
        const auto s = v2->swap_exact_in(sell_tokens, amount);
        if (sell_tokens) t = {s.amount_in, -s.amount_out, s.fee_paid, 0.0};
        else t = {-s.amount_out, s.amount_in, 0.0, s.fee_paid};
        return t;
    }
    auto& v3 = std::get<amm::fast::ConcentratedLiquidityPool>(pool);
    const auto s = v3.swap_exact_in(sell_tokens, amount);
    t.tokens = s.amount0, t.quote = s.amount1;
    (sell_tokens ? t.fee_tokens : t.fee_quote) = s.fee_amount;
    return t;
}

Trade swap_to(FastPool& pool, double target) {
    Trade t;
    if (auto* v2 = std::get_if<amm::fast::ConstantProductPool>(&pool)) {
        const bool sell = target < v2->price();
        const auto s = v2->swap_to_price(target);
        if (sell) t = {s.amount_in, -s.amount_out, s.fee_paid, 0.0};
        else t = {-s.amount_out, s.amount_in, 0.0, s.fee_paid};
        return t;
    }
    auto& v3 = std::get<amm::fast::ConcentratedLiquidityPool>(pool);
    const bool sell = target < v3.price();
    const auto s = v3.swap_to_sqrt_price(std::sqrt(target));
    t.tokens = s.amount0, t.quote = s.amount1;
    (sell ? t.fee_tokens : t.fee_quote) = s.fee_amount;
    return t;
}

double pool_price(const FastPool& pool) {
    return std::visit([](const auto& p) { return p.price(); }, pool);
}
double pool_fee(const FastPool& pool) {
    if (const auto* v2 = std::get_if<amm::fast::ConstantProductPool>(&pool)) return v2->fee();
    return static_cast<double>(std::get<amm::fast::ConcentratedLiquidityPool>(pool).fee_pips()) / 1e6;
}

/// The propagation loop. `next_fair(path, step, previous fair value, normals)` returns the fair
/// value at `step` (1-based) of `path`; the GBM source draws its normal from the same stream before the noise
/// trade's, so a seed gives the same bits as before fair-value paths existed. A path whose fair
/// value reaches 0 (the token is repaid or worthless) stops there.
template <class NextFair>
PropagationResult run_propagation(const PoolSpec& pool, double start_fair, std::uint64_t paths, int steps,
                                  std::span<const double> step_time, const PropagationOptions& options,
                                  NextFair&& next_fair) {
    const FastPool initial = make_fast_pool(pool);
    PropagationResult r;
    r.paths = paths;
    r.steps = steps;
    r.horizon_years = step_time[static_cast<std::size_t>(steps)];
    for (int step = options.report_every; step <= steps; step += options.report_every)
        r.exit_time.push_back(step_time[static_cast<std::size_t>(step)]);
    r.exit_cost_mean.assign(r.exit_time.size(), 0.0);
    std::vector<std::uint64_t> exit_count(r.exit_time.size(), 0);
    std::vector<double> gaps, end_fair;
    gaps.reserve(static_cast<std::size_t>(paths) * static_cast<std::size_t>(steps));
    end_fair.reserve(static_cast<std::size_t>(paths));
    double sum_pnl = 0.0, sum_pnl2 = 0.0, sum_fees = 0.0, sum_lvr = 0.0;
    Normals normals(options.seed);
    for (std::uint64_t path = 0; path < paths; ++path) {
        FastPool state = initial;  // one copy per path (setup, not per step)
        const double fee = pool_fee(state);
        double fair = start_fair, fees = 0.0, lvr = 0.0;
        for (int step = 1; step <= steps; ++step) {
            fair = next_fair(path, step, fair, normals);
            if (!(fair > 0.0)) break;
            const double noise = options.noise_trade_tokens * normals.next();
            if (noise != 0.0) {
                // noise trader: sells |noise| tokens, or buys with quote worth |noise| at the pool price
                const bool sell = noise < 0.0;
                const double amount = sell ? -noise : noise * pool_price(state);
                const Trade t = swap_in(state, sell, amount);
                fees += t.fee_tokens * fair + t.fee_quote;
            }
            gaps.push_back(pool_price(state) / fair - 1.0);
            // Arbitrageur: trades only when the gap beats the fee, to the edge of the no-arbitrage band.
            const double price = pool_price(state);
            const double target = price < fair * (1.0 - fee) ? fair * (1.0 - fee)
                                  : price > fair / (1.0 - fee) ? fair / (1.0 - fee)
                                                                : price;
            if (target != price) {
                const Trade t = swap_to(state, target);
                // arbitrageur's profit at fair value = the LPs' loss versus rebalancing
                lvr += -(t.tokens * fair + t.quote);
                fees += t.fee_tokens * fair + t.fee_quote;
            }
            if (options.exit_tokens > 0.0 && step % options.report_every == 0) {
                FastPool probe = state;  // reporting dates only
                const Trade t = swap_in(probe, true, options.exit_tokens);
                const auto j = static_cast<std::size_t>(step / options.report_every - 1);
                r.exit_cost_mean[j] += 1.0 - (-t.quote) / (options.exit_tokens * fair);
                ++exit_count[j];
            }
            if (step == steps) end_fair.push_back(fair);
        }
        const double pnl = fees - lvr;
        sum_fees += fees, sum_lvr += lvr, sum_pnl += pnl, sum_pnl2 += pnl * pnl;
    }
    const auto n = static_cast<double>(paths);
    r.fees_mean = sum_fees / n;
    r.lvr_mean = sum_lvr / n;
    r.lp_pnl_mean = sum_pnl / n;
    const double var = n > 1 ? (sum_pnl2 - n * r.lp_pnl_mean * r.lp_pnl_mean) / (n - 1) : 0.0;
    r.lp_pnl_standard_error = std::sqrt(std::max(var, 0.0) / n);
    for (std::size_t j = 0; j < r.exit_cost_mean.size(); ++j)
        r.exit_cost_mean[j] = exit_count[j] > 0 ? r.exit_cost_mean[j] / static_cast<double>(exit_count[j])
                                                : std::numeric_limits<double>::quiet_NaN();
    if (!gaps.empty())
        for (double level : kGapLevels) r.gap_percentiles.push_back(base::quantile(gaps, level));
    r.paths_to_horizon = end_fair.size();
    if (!end_fair.empty())
        for (double level : kGapLevels) r.fair_value_end_percentiles.push_back(base::quantile(end_fair, level));
    return r;
}

}  // namespace

PropagationResult propagate(const PoolSpec& pool, double fair_value, const PropagationOptions& options) {
    std::string why;
    PFT_REQUIRE(options.isValid(&why), why);
    PFT_REQUIRE(fair_value > 0.0, "propagation: fair value must be > 0, got " << fair_value);
    const int steps = static_cast<int>(std::lround(options.horizon_years * options.steps_per_year));
    const double dt = 1.0 / options.steps_per_year;
    const double drift = (options.drift - 0.5 * options.volatility * options.volatility) * dt;
    const double diffusion = options.volatility * std::sqrt(dt);
    std::vector<double> step_time(static_cast<std::size_t>(steps) + 1);
    for (int i = 0; i <= steps; ++i) step_time[static_cast<std::size_t>(i)] = i * dt;
    PropagationResult r = run_propagation(
        pool, fair_value, options.paths, steps, step_time, options,
        [&](std::uint64_t, int, double fair, Normals& normals) {
            return fair * std::exp(drift + diffusion * normals.next());
        });
    r.source = "gbm";
    return r;
}

PropagationResult propagate(const PoolSpec& pool, const mc::FairValuePaths& fair, const PropagationOptions& options) {
    std::string why;
    PFT_REQUIRE(options.isValid(&why), why);
    PFT_REQUIRE(fair.dates() >= 2, "propagation: the fair-value paths need at least 2 dates, got " << fair.dates());
    PFT_REQUIRE(fair.paths >= 1, "propagation: no fair-value paths");
    PFT_REQUIRE(fair.value.size() == static_cast<std::size_t>(fair.paths) * fair.dates(),
                "propagation: fair-value paths: value must hold paths x dates = "
                    << static_cast<std::size_t>(fair.paths) * fair.dates() << " numbers, got " << fair.value.size());
    for (std::size_t j = 1; j < fair.dates(); ++j)
        PFT_REQUIRE(fair.time[j] > fair.time[j - 1], "propagation: fair-value paths: time[" << j
                                                         << "] must be after time[" << j - 1 << "], got "
                                                         << fair.time[j] << " after " << fair.time[j - 1]);
    const std::uint64_t paths = std::min<std::uint64_t>(options.paths, fair.paths);
    // Sub-steps: each interval between payment dates is cut into about steps_per_year x its
    // length steps (at least one); the fair value moves geometrically between the dates.
    std::vector<int> date_of_step{0};           // the interval's end date of each step
    std::vector<double> fraction_of_step{0.0};  // how far into that interval the step is
    std::vector<double> step_time{0.0};
    for (std::size_t j = 1; j < fair.dates(); ++j) {
        const double length = fair.time[j] - fair.time[j - 1];
        const int m = std::max(1, static_cast<int>(std::lround(length * options.steps_per_year)));
        for (int i = 1; i <= m; ++i) {
            date_of_step.push_back(static_cast<int>(j));
            fraction_of_step.push_back(static_cast<double>(i) / m);
            step_time.push_back(fair.time[j - 1] + length * i / m);
        }
    }
    const int steps = static_cast<int>(step_time.size()) - 1;
    const double start = fair.mean(0);
    PFT_REQUIRE(start > 0.0, "propagation: the fair value at the start must be > 0, got " << start);
    PropagationResult r = run_propagation(
        pool, start, paths, steps, step_time, options, [&](std::uint64_t path, int step, double, Normals&) {
            const auto s = static_cast<std::size_t>(step);
            const auto j = static_cast<std::size_t>(date_of_step[s]);
            const double from = fair.at(path, j - 1), to = fair.at(path, j);
            if (!(from > 0.0) || !(to > 0.0)) return to;
            return fraction_of_step[s] == 1.0 ? to : from * std::pow(to / from, fraction_of_step[s]);
        });
    r.source = "monte-carlo";
    return r;
}

}  // namespace pftoken::integration
