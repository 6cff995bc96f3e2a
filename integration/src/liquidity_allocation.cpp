// Liquidity allocation (see liquidity_allocation.hpp).
#include "pftoken/integration/liquidity_allocation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "pftoken/amm/fast/tick_math.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/compare_pool.hpp"
#include "pftoken/schedule/timeline.hpp"
#include "pftoken/valuation/measure.hpp"
#include "pftoken/waterfall/compiled_project.hpp"

namespace pftoken::integration {

bool LiquidityAllocationOptions::isValid(std::string* why) const {
    auto fail = [why](std::string msg) {
        if (why != nullptr) *why = std::move(msg);
        return false;
    };
    if (!(sale_tokens > 0.0) || !std::isfinite(sale_tokens))
        return fail(fmt::format("liquidity.sale_tokens: must be > 0, got {}", sale_tokens));
    if (!(max_price_move > 0.0 && max_price_move < 1.0))
        return fail(fmt::format("liquidity.max_price_move: must be in (0, 1), got {}", max_price_move));
    if (!(fee >= 0.0 && fee < 1.0)) return fail(fmt::format("liquidity.fee: must be in [0, 1), got {}", fee));
    if (tick_spacing < 1 || tick_spacing > 16384)
        return fail(fmt::format("liquidity.tick_spacing: must be in [1, 16384], got {}", tick_spacing));
    return true;
}

double v2_reserve_for_impact(double sale_tokens, double max_price_move, double fee) {
    const double q = sale_tokens, m = max_price_move, r = 1.0 - max_price_move;
    const double b = r * (2.0 - fee) * q;
    const double c = r * (1.0 - fee) * q * q;
    return (b + std::sqrt(b * b + 4.0 * m * c)) / (2.0 * m);
}

LiquidityAllocationResult allocate_liquidity(double price, const ValuationResult& valuation,
                                             const LiquidityAllocationOptions& options) {
    std::string why;
    PFT_REQUIRE(options.isValid(&why), why);
    PFT_REQUIRE(price > 0.0 && std::isfinite(price), "liquidity: price must be > 0, got " << price);
    LiquidityAllocationResult r;
    r.price = price;
    r.sale_tokens = options.sale_tokens;
    r.max_price_move = options.max_price_move;

    r.v2_reserve_token = v2_reserve_for_impact(options.sale_tokens, options.max_price_move, options.fee);
    r.v2_reserve_quote = r.v2_reserve_token * price;
    r.v2_capital = 2.0 * r.v2_reserve_quote;

    // v3: the lowest price the sale may reach, rounded down to the grid, is the range's lower
    // end (no capital below where the price can go); the upper end mirrors it in ticks.
    const double s = std::sqrt(price);
    const double s_floor = s * std::sqrt(1.0 - options.max_price_move);
    const int spacing = options.tick_spacing;
    const int tick_now = amm::fast::tick_at_sqrt_price(s);
    r.v3_lower_tick = static_cast<int>(
        std::floor(static_cast<double>(amm::fast::tick_at_sqrt_price(s_floor)) / spacing) * spacing);
    r.v3_upper_tick = static_cast<int>(
        std::ceil(static_cast<double>(2 * tick_now - r.v3_lower_tick) / spacing) * spacing);
    if (r.v3_upper_tick <= tick_now) r.v3_upper_tick += spacing;
    const double sa = amm::fast::sqrt_price_at_tick(r.v3_lower_tick);
    const double sb = amm::fast::sqrt_price_at_tick(r.v3_upper_tick);
    r.v3_lower_price = sa * sa;
    r.v3_upper_price = sb * sb;
    // Selling Q token0 inside the range: 1/s' - 1/s = (1-f) Q / L (whitepaper eq. 6.15).
    r.v3_liquidity = (1.0 - options.fee) * options.sale_tokens / (1.0 / s_floor - 1.0 / s);
    r.v3_capital = r.v3_liquidity * v3_value_per_liquidity(s, sa, sb);
    r.capital_efficiency = r.v2_capital / r.v3_capital;

    const auto& grid = valuation.grid;
    const auto& dist = valuation.periods.distributions;
    // Distributions still to come. At COD (or before) the years are the operating years since COD.
    // A project valued after COD funds its pool from the periods paid after the valuation date V
    // (the earlier ones are paid out already), and its years count from V: year y holds the
    // periods paid in (V + y years, V + y + 1 years] (a 29 February anniversary falls on the 28th).
    const CalendarDate v = valuation.debt_valuation_date;
    const bool after_cod = v > grid.cod;
    auto anniversary = [&v](int n) {
        const std::chrono::year_month_day d = v + std::chrono::years{n};
        return d.ok() ? d : std::chrono::year_month_day{std::chrono::year_month_day_last{d.year(), std::chrono::month_day_last{d.month()}}};
    };
    std::vector<int> year_of(grid.operating_year.size(), -1);
    int years = 0;
    int k = 0;
    CalendarDate next = anniversary(1);
    for (std::size_t t = 0; t < year_of.size(); ++t) {
        if (!after_cod) {
            year_of[t] = grid.operating_year[t];
        } else if (grid.end[t] > v) {
            while (grid.end[t] > next) next = anniversary(++k + 1);
            year_of[t] = k;
        }
        years = std::max(years, year_of[t] + 1);
    }
    r.years.resize(static_cast<std::size_t>(years));
    for (int y = 0; y < years; ++y) r.years[static_cast<std::size_t>(y)].year = y;
    for (std::size_t t = 0; t < dist.size() && t < year_of.size(); ++t)
        if (year_of[t] >= 0) r.years[static_cast<std::size_t>(year_of[t])].distributions += dist[t];
    double cumulative = 0.0;
    for (auto& year : r.years) {
        cumulative += year.distributions;
        year.cumulative = cumulative;
        year.capital_share = year.distributions > 0.0 ? r.v3_capital / year.distributions
                                                      : std::numeric_limits<double>::infinity();
        if (r.years_to_fund_v2 < 0 && cumulative >= r.v2_capital) r.years_to_fund_v2 = year.year + 1;
        if (r.years_to_fund_v3 < 0 && cumulative >= r.v3_capital) r.years_to_fund_v3 = year.year + 1;
    }
    r.total_distributions = cumulative;
    return r;
}

std::vector<LifeLiquidityPoint> liquidity_over_life(const Project& project, const ValuationResult& valuation,
                                                    std::size_t tranche, const LiquidityAllocationOptions& options) {
    PFT_REQUIRE(tranche < valuation.tranches.size(), "liquidity_over_life: tranche index " << tranche << " out of range");
    const auto& grid = valuation.grid;
    const auto& r = valuation.periods;
    const int n = grid.size();
    const int first_op = grid.first_operating();
    PFT_REQUIRE(r.periods == n, "liquidity_over_life: the valuation has no per-period table (ValuationOptions::include_periods)");
    const auto& spec = project.tranches[tranche];
    PFT_REQUIRE(spec.token.supply > 0.0, "tranches[" << tranche << "].token.supply: must be > 0 to price per token");
    // The tranche discount of value() (valuation/measure.hpp, setup only): the curve referenced at
    // the valuation date (default COD) with the tranche's spread (floating: discount margin) over
    // the periods paid after it. A flow at period u valued at the end of period j (after the
    // valuation date) is flow x DF(u) / DF(j); at the valuation date the price is value()'s PV per
    // token.
    const CompiledProject cp = compile(project);
    const MeasureGrid mg = make_measure_grid(project, cp);
    const int c = mg.first_remaining;
    const int k = static_cast<int>(tranche);
    const double* const df = mg.tranche_df.data() + cp.at(k, 0);
    auto flow = [&](int t) {  // period t; the association of measure()
        return r.at(r.tranche_interest_paid, k, t) + (r.at(r.tranche_principal_paid, k, t) + r.at(r.tranche_prepayment, k, t));
    };
    // PV at the end of period j (j < c: the valuation date) of the flows paid after it.
    auto price_at = [&](int j) {
        const double dj = j < c ? 1.0 : df[j];
        double pv = 0.0;
        for (int t = std::max(c, j + 1); t < n; ++t) pv += flow(t) * df[t];
        return pv / dj / spec.token.supply;
    };
    // The points: the valuation date, then every operating year end (anniversary of COD) after it.
    std::vector<int> at{c - 1};
    for (int j = first_op + grid.periods_per_year - 1; j < n; j += grid.periods_per_year)
        if (j >= c) at.push_back(j);
    std::vector<LifeLiquidityPoint> points;
    for (const int j : at) {
        const double price = price_at(j);
        if (!(price > 1e-9 * std::max(1.0, points.empty() ? price : points.front().price))) break;  // repaid
        const auto a = allocate_liquidity(price, valuation, options);
        LifeLiquidityPoint p;
        const CalendarDate v = mg.valuation_date;
        p.years_from_cod = j >= c          ? grid.time_from_cod[static_cast<std::size_t>(j)]
                           : v >= grid.cod ? year_fraction(DayCount::Actual365Fixed, grid.cod, v)
                                           : -year_fraction(DayCount::Actual365Fixed, v, grid.cod);
        p.price = price;
        p.lower_tick = a.v3_lower_tick;
        p.upper_tick = a.v3_upper_tick;
        p.liquidity = a.v3_liquidity;
        p.capital = a.v3_capital;
        points.push_back(p);
    }
    return points;
}

}  // namespace pftoken::integration
