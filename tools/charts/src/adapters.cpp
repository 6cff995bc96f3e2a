// Adapters: results of the core, AMM and integration layers -> plain chart data.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "pftoken/charts/charts.hpp"
#include "pftoken/error.hpp"

namespace pftoken::charts {

WaterfallChart waterfall_from(const ValuationResult& result) {
    const auto& r = result.periods;
    PFT_REQUIRE(r.periods > 0 && static_cast<int>(r.cfads.size()) == r.periods,
                "waterfall_from: the valuation has no per-period table (ValuationOptions::include_periods)");
    WaterfallChart chart;
    chart.y_label = "Cash per period (" + result.currency + ")";
    const char* names[] = {"Senior fees", "Interest", "Scheduled principal", "Cash sweep",
                           "Reserve deposits", "Lock-up trap", "Distributions"};
    for (const char* n : names) chart.uses.push_back({n, {}});
    for (int t = result.grid.first_operating(); t < r.periods; ++t) {
        const auto i = static_cast<std::size_t>(t);
        double interest = 0.0, principal = 0.0;
        for (int k = 0; k < r.tranches; ++k) {
            interest += r.at(r.tranche_interest_paid, k, t);
            principal += r.at(r.tranche_principal_paid, k, t);
        }
        chart.x.push_back(result.grid.time_from_close[i]);
        chart.uses[0].values.push_back(r.senior_fees[i]);
        chart.uses[1].values.push_back(interest);
        chart.uses[2].values.push_back(principal);
        chart.uses[3].values.push_back(r.sweep[i]);
        chart.uses[4].values.push_back(r.dsra_deposit[i] + r.mra_deposit[i]);
        chart.uses[5].values.push_back(r.lockup_deposit[i]);
        chart.uses[6].values.push_back(r.distributions[i]);
        chart.cfads.push_back(r.cfads[i]);
    }
    return chart;
}

CoverageChart coverage_from(const ValuationResult& result, const Covenants& covenants) {
    const auto& r = result.periods;
    PFT_REQUIRE(static_cast<int>(r.dscr.size()) == r.periods, "coverage_from: the valuation has no per-period table");
    CoverageChart chart;
    chart.title = "DSCR and LLCR per period (base case) against the covenant thresholds";
    chart.lockup_level = covenants.lockup_dscr;
    chart.default_level = covenants.default_dscr;
    for (int t = result.grid.first_operating(); t < r.periods; ++t) {
        const auto i = static_cast<std::size_t>(t);
        chart.x.push_back(result.grid.time_from_close[i]);
        chart.dscr.push_back(r.dscr[i]);
        chart.llcr.push_back(i < result.llcr.size() ? result.llcr[i] : std::nan(""));
    }
    return chart;
}

FanChart dscr_fan_from(const mc::ProjectMcSummary& summary, double min_share) {
    PFT_REQUIRE(min_share >= 0.0 && min_share <= 1.0, "dscr_fan_from: min_share must be in [0, 1], got " << min_share);
    const auto& p = summary.per_period;
    FanChart chart;
    chart.title = fmt::format("DSCR per period over {} Monte Carlo paths (paths with debt service due)", summary.paths);
    chart.y_label = "DSCR (x)";
    chart.y_from_zero = true;
    chart.min_share = min_share;
    chart.share_legend = "Paths with debt service due (%, right axis)";
    chart.share_label = "Paths with debt service due (%)";
    for (std::size_t t = 0; t < p.time.size(); ++t) {
        if (t >= p.prob_dscr_defined.size() || !(p.prob_dscr_defined[t] > 0.0)) continue;
        chart.x.push_back(p.time[t]);
        chart.p5.push_back(p.dscr_p5[t]);
        chart.p50.push_back(p.dscr_p50[t]);
        chart.p95.push_back(p.dscr_p95[t]);
        chart.share.push_back(p.prob_dscr_defined[t]);
    }
    return chart;
}

FanChart fan_from_paths(std::span<const double> values, std::size_t paths, std::span<const double> x) {
    const std::size_t n = x.size();
    PFT_REQUIRE(paths > 0, "fan_from_paths: paths must be > 0");
    PFT_REQUIRE(values.size() == paths * n,
                "fan_from_paths: values must hold paths x periods = " << paths * n << " numbers, got " << values.size());
    FanChart chart;
    chart.x.assign(x.begin(), x.end());
    std::vector<double> column(paths);
    // Type 7 quantile (linear interpolation), as the Monte Carlo engine's percentiles.
    auto quantile = [&column](double q) {
        const double h = q * static_cast<double>(column.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(h));
        const std::size_t hi = std::min(lo + 1, column.size() - 1);
        return column[lo] + (h - static_cast<double>(lo)) * (column[hi] - column[lo]);
    };
    for (std::size_t t = 0; t < n; ++t) {
        for (std::size_t p = 0; p < paths; ++p) column[p] = values[p * n + t];
        std::sort(column.begin(), column.end());
        chart.p5.push_back(quantile(0.05));
        chart.p25.push_back(quantile(0.25));
        chart.p50.push_back(quantile(0.50));
        chart.p75.push_back(quantile(0.75));
        chart.p95.push_back(quantile(0.95));
    }
    return chart;
}

LossChart loss_from(const mc::ProjectMcSummary& summary) {
    LossChart chart;
    // Confidence c uses the value percentile at level 1 - c (kPercentileLevels index).
    const std::pair<double, std::size_t> levels[] = {{0.50, 4}, {0.75, 3}, {0.90, 2}, {0.95, 1}, {0.99, 0}};
    for (const auto& t : summary.tranches) {
        const auto& d = t.price_per_token_dist;
        const double mean = d.estimate.mean;
        if (d.percentiles.size() < 5 || !(mean > 0.0)) continue;
        TrancheLossCurve curve;
        curve.name = t.symbol.empty() ? t.name : t.symbol;
        for (const auto& [c, idx] : levels) {
            curve.confidence.push_back(c);
            curve.loss.push_back(100.0 * (mean - d.percentiles[idx]) / mean);
        }
        curve.var95 = 100.0 * d.var95 / mean;
        curve.cvar95 = 100.0 * d.cvar95 / mean;
        chart.tranches.push_back(std::move(curve));
    }
    return chart;
}

TornadoChart tornado_from(const mc::ProjectMcSummary& summary, int tranche, double bump_pct, const std::string& currency) {
    PFT_REQUIRE(tranche >= -1 && tranche < static_cast<int>(summary.tranches.size()),
                "tornado_from: tranche must be -1 (equity) or < " << summary.tranches.size() << ", got " << tranche);
    double price = 0, volume = 0, opex = 0, dv01 = 0, cs01 = std::nan("");
    std::string who;
    if (tranche < 0) {
        const auto& e = summary.equity;
        price = e.price_delta, volume = e.volume_delta, opex = e.opex_delta, dv01 = e.dv01, who = e.symbol;
    } else {
        const auto& t = summary.tranches[static_cast<std::size_t>(tranche)];
        price = t.price_delta, volume = t.volume_delta, opex = t.opex_delta, dv01 = t.dv01, cs01 = t.cs01;
        who = t.symbol;
    }
    PFT_REQUIRE(std::isfinite(price), "tornado_from: the Monte Carlo ran without sensitivities");
    TornadoChart chart;
    chart.title = fmt::format("Change of {} value per token for ±{:g}% / ±{:g} bp input moves (linearised)", who,
                              bump_pct, bump_pct * 10.0);
    chart.x_label = currency.empty() ? "Change of value per token" : "Change of value per token (" + currency + ")";
    // deltas are for a +1% move (dv01/cs01: value lost for +1 bp), hence the signs.
    chart.bars.push_back({fmt::format("Merchant price ±{:g}%", bump_pct), -bump_pct * price, bump_pct * price});
    chart.bars.push_back({fmt::format("Volume ±{:g}%", bump_pct), -bump_pct * volume, bump_pct * volume});
    chart.bars.push_back({fmt::format("Opex ±{:g}%", bump_pct), -bump_pct * opex, bump_pct * opex});
    if (std::isfinite(dv01))
        chart.bars.push_back({fmt::format("Rates ±{:g} bp", bump_pct * 10), bump_pct * 10 * dv01, -bump_pct * 10 * dv01});
    if (std::isfinite(cs01))
        chart.bars.push_back({fmt::format("Spread ±{:g} bp", bump_pct * 10), bump_pct * 10 * cs01, -bump_pct * 10 * cs01});
    return chart;
}

BarChart stress_bars_from(const stress::StressSummary& summary) {
    BarChart chart;
    chart.title = "Stress scenarios: equity value and minimum DSCR, change vs base";
    chart.y_label = "Change vs base (%)";
    Series equity{"Equity value change (%)", {}};
    Series dscr{"Min DSCR change (%)", {}};
    const double base_dscr = summary.base.metrics.min_dscr;
    for (const auto& s : summary.scenarios) {
        if (!s.ok) continue;
        chart.categories.push_back(s.name);
        const double base_eq = s.metrics.equity_value - s.metrics.equity_value_change;
        equity.values.push_back(base_eq != 0.0 ? 100.0 * s.metrics.equity_value_change / std::abs(base_eq) : std::nan(""));
        dscr.values.push_back(base_dscr > 0.0 ? 100.0 * s.metrics.min_dscr_change / base_dscr : std::nan(""));
    }
    chart.series = {std::move(equity), std::move(dscr)};
    return chart;
}

LiquidityChart liquidity_from(std::span<const amm::analytics::LiquidityBand> bands, int current_tick) {
    LiquidityChart chart;
    for (const auto& b : bands) {
        chart.tick_lower.push_back(b.tick_lower);
        chart.tick_upper.push_back(b.tick_upper);
        chart.liquidity.push_back(b.liquidity);
    }
    chart.current_tick = current_tick;
    return chart;
}

FrontierChart frontier_from(const integration::RangeOptResult& result) {
    FrontierChart chart;
    for (const auto& p : result.frontier) {
        chart.risk.push_back(p.range.cvar);
        chart.reward.push_back(p.range.expected_net_return);
        chart.labels.push_back(fmt::format("{} ticks", p.width_ticks));
    }
    chart.chosen_risk = result.best.cvar;
    chart.chosen_reward = result.best.expected_net_return;
    return chart;
}

}  // namespace pftoken::charts
