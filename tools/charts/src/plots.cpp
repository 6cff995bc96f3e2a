// --plots DIR: render every chart first, then write the files (temporary names, renamed at the end).
#include "pftoken/charts/plots.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <utility>

#include <unistd.h>

#include <fmt/format.h>

#include "pftoken/amm/analytics/liquidity_distribution.hpp"
#include "pftoken/base/output.hpp"
#include "pftoken/charts/charts.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/compare_pool.hpp"

namespace pftoken::charts {
namespace {

namespace fs = std::filesystem;

/// File-name-safe form of a scenario name.
std::string slug(const std::string& name) {
    std::string out;
    for (char c : name) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        out += keep ? c : '_';
    }
    return out;
}

/// Tick of a price (quote per token): floor(log_{1.0001} price).
int tick_of(double price) { return static_cast<int>(std::floor(std::log(price) / std::log(1.0001))); }

}  // namespace

std::vector<ChartFile> render_value_plots(const Project& project, const ValuationResult& result) {
    std::vector<ChartFile> files;
    files.push_back({"waterfall.svg", waterfall_chart(waterfall_from(result))});
    files.push_back({"coverage.svg", coverage_chart(coverage_from(result, project.covenants))});
    return files;
}

std::vector<ChartFile> render_mc_plots(const mc::ProjectMcSummary& summary, const McPlotOptions& options) {
    PFT_REQUIRE(options.tornado_tranche >= -1 && options.tornado_tranche < static_cast<int>(summary.tranches.size()),
                "render_mc_plots: tornado_tranche must be -1 (equity) or < " << summary.tranches.size() << ", got "
                                                                             << options.tornado_tranche);
    std::vector<ChartFile> files;
    files.push_back({"dscr_fan.svg", fan_chart(dscr_fan_from(summary))});
    const auto loss = loss_from(summary);
    if (!loss.tranches.empty()) files.push_back({"loss.svg", loss_chart(loss)});
    const double delta = options.tornado_tranche < 0
                             ? summary.equity.price_delta
                             : summary.tranches[static_cast<std::size_t>(options.tornado_tranche)].price_delta;
    if (std::isfinite(delta))
        files.push_back({"tornado.svg", tornado_chart(tornado_from(summary, options.tornado_tranche, 10.0, options.currency))});
    return files;
}

std::vector<ChartFile> render_stress_plots(const stress::StressSummary& summary) {
    std::vector<ChartFile> files;
    const auto bars = stress_bars_from(summary);
    if (!bars.categories.empty()) files.push_back({"stress.svg", bar_chart(bars, {900, 520, ImageFormat::Svg})});
    return files;
}

std::vector<ChartFile> render_pool_plots(const integration::PoolSpec& pool,
                                         const std::vector<integration::LiquidityStressResult>& stress) {
    std::vector<ChartFile> files;
    if (pool.type != integration::PoolSpec::Type::V3) return files;
    const auto v3 = integration::v3_ranges(pool);
    std::vector<amm::analytics::LiquidityRange> ranges;
    for (const auto& r : v3) ranges.push_back({r.lower, r.upper, r.liquidity});
    const auto bands = amm::analytics::liquidity_bands(ranges);
    if (bands.empty()) return files;
    const int current = tick_of(pool.initial_price());
    files.push_back({"liquidity.svg", liquidity_chart(liquidity_from(bands, current))});

    // Heatmaps: a tick grid spanning every band plus a margin, sampled at ~120 rows.
    const int spacing = std::max(pool.tick_spacing, 1);
    const int lo = bands.front().tick_lower - 4 * spacing;
    const int hi = bands.back().tick_upper + 4 * spacing;
    const int step = std::max(spacing, ((hi - lo) / 120 / spacing + 1) * spacing);
    const auto rows = static_cast<std::size_t>((hi - lo) / step + 1);
    std::vector<double> base(rows);
    amm::analytics::sample_liquidity_on_ticks(bands, lo, step, base);
    for (const auto& result : stress) {
        if (!result.ok) continue;
        const bool has_withdrawal = std::any_of(result.steps.begin(), result.steps.end(),
                                                [](const auto& s) { return s.action == "lp_withdrawal"; });
        if (!has_withdrawal) continue;
        HeatmapChart chart;
        chart.title = "Active liquidity over ticks through stress scenario " + result.scenario;
        chart.x_label = "Step of the scenario (0 = before)";
        chart.y_label = "Tick (price = 1.0001^tick)";
        for (std::size_t i = 0; i < rows; ++i) chart.ticks.push_back(lo + static_cast<double>(i) * step);
        double remaining = 1.0;
        for (std::size_t k = 0; k <= result.steps.size(); ++k) {
            if (k > 0 && result.steps[k - 1].action == "lp_withdrawal") remaining *= 1.0 - result.steps[k - 1].size;
            chart.x.push_back(static_cast<double>(k));
            for (double l : base) chart.z.push_back(remaining * l);
        }
        files.push_back({"liquidity_" + slug(result.scenario) + ".svg", heatmap_chart(chart)});
    }
    return files;
}

std::vector<ChartFile> render_life_liquidity_plots(const std::vector<integration::LifeLiquidityPoint>& points,
                                                  const std::string& token) {
    std::vector<ChartFile> files;
    if (points.empty()) return files;
    int lo = points.front().lower_tick, hi = points.front().upper_tick;
    for (const auto& p : points) {
        lo = std::min(lo, p.lower_tick);
        hi = std::max(hi, p.upper_tick);
    }
    const int width = std::max(hi - lo, 1);
    const int step = std::max(1, width / 150);
    lo -= 5 * step;
    hi += 5 * step;
    HeatmapChart chart;
    chart.title = "Liquidity " + token + " needs over its life (v3 range at each year's fair value)";
    chart.x_label = "Years from COD";
    chart.y_label = "Tick (price = 1.0001^tick)";
    chart.z_label = "Liquidity L";
    for (int t = lo; t <= hi; t += step) chart.ticks.push_back(t);
    for (const auto& p : points) {
        chart.x.push_back(std::round(p.years_from_cod));  // a regular grid for `with image`
        for (double t : chart.ticks) chart.z.push_back(t >= p.lower_tick && t < p.upper_tick ? p.liquidity : 0.0);
    }
    files.push_back({"liquidity_over_life.svg", heatmap_chart(chart)});
    return files;
}

std::vector<ChartFile> render_range_opt_plots(const integration::RangeOptResult& result) {
    std::vector<ChartFile> files;
    if (!result.frontier.empty()) files.push_back({"frontier.svg", frontier_chart(frontier_from(result))});
    return files;
}

std::vector<ChartFile> render_yield_plots(const std::vector<integration::yield::YieldResult>& results) {
    namespace y = integration::yield;
    PFT_REQUIRE(!results.empty(), "render_yield_plots: no results");
    std::vector<ChartFile> files;
    const auto& first = results.front().hours;
    std::vector<double> days;
    for (const auto& h : first) days.push_back(static_cast<double>(h.time - first.front().time) / 86'400.0);
    auto chart = [&](std::string title, std::string y_label, AxisKind kind, bool from_zero = false) {
        return LineChart{std::move(title), "Days from the start of the backtest", std::move(y_label), days, {}, kind,
                         from_zero, {}};
    };
    auto add = [](LineChart& c, std::size_t strategy, Series s) {
        c.series.push_back(std::move(s));
        c.colours.push_back(strategy);
    };
    for (auto share_class : {y::ShareClass::Usdt, y::ShareClass::Eth}) {
        const std::string unit = share_class == y::ShareClass::Usdt ? "USD" : "ETH";
        LineChart c = chart(fmt::format("Equity of each strategy in {} ({} share class)", unit,
                                        share_class == y::ShareClass::Usdt ? "USDT" : "ETH"),
                            fmt::format("Equity ({})", unit), AxisKind::Money);
        for (std::size_t k = 0; k < results.size(); ++k) {
            const auto& r = results[k];
            if (r.options.share_class != share_class) continue;
            PFT_REQUIRE(r.hours.size() == days.size(), "render_yield_plots: results on different hour grids");
            Series s{r.options.name, {}};
            for (const auto& h : r.hours) s.values.push_back(static_cast<double>(h.equity) / r.unit_scale);
            add(c, k, std::move(s));
        }
        if (!c.series.empty())
            files.push_back({fmt::format("equity_{}.svg", y::share_class_name(share_class)), line_chart(c)});
    }
    auto finite_or_nan = [](double v) { return std::isfinite(v) ? v : std::nan(""); };
    LineChart hf = chart("Aave health factor of each strategy with Aave debt (liquidation below 1)", "Health factor",
                         AxisKind::Number);
    LineChart dist = chart("Adverse price move that would liquidate each leveraged strategy",
                           "Adverse move to liquidation (%)", AxisKind::Number);
    LineChart exposure = chart("Gross exposure of each strategy as a multiple of its equity",
                               "Gross exposure / equity (x)", AxisKind::Number, true);
    for (std::size_t k = 0; k < results.size(); ++k) {
        const auto& r = results[k];
        PFT_REQUIRE(r.hours.size() == days.size(), "render_yield_plots: results on different hour grids");
        Series h{r.options.name, {}}, d{r.options.name, {}}, e{r.options.name, {}};
        bool any_hf = false, any_dist = false;
        for (const auto& rec : r.hours) {
            any_hf = any_hf || std::isfinite(rec.health_factor);
            any_dist = any_dist || std::isfinite(rec.liquidation_distance);
            h.values.push_back(finite_or_nan(rec.health_factor));
            d.values.push_back(100.0 * finite_or_nan(rec.liquidation_distance));
            e.values.push_back(rec.gross_exposure / (static_cast<double>(rec.equity) / r.unit_scale));
        }
        if (any_hf) add(hf, k, std::move(h));
        if (any_dist) add(dist, k, std::move(d));
        add(exposure, k, std::move(e));
    }
    if (!hf.series.empty()) files.push_back({"health_factor.svg", line_chart(hf)});
    if (!dist.series.empty()) files.push_back({"liquidation_distance.svg", line_chart(dist)});
    files.push_back({"exposure.svg", line_chart(exposure)});
    BarChart bars;
    bars.title = "P&L of each strategy by source over the backtest (% of initial capital)";
    bars.y_label = "P&L (% of initial capital)";
    for (const auto& r : results) bars.categories.push_back(r.options.name);
    for (std::size_t k = 0; k < y::kSourceCount; ++k) {
        Series s{std::string(y::source_name(static_cast<y::Source>(k))), {}};
        for (const auto& r : results)
            s.values.push_back(100.0 * static_cast<double>(r.summary.pnl[k]) / r.unit_scale / r.summary.initial_equity);
        bars.series.push_back(std::move(s));
    }
    files.push_back({"attribution.svg", bar_chart(bars)});
    return files;
}

std::vector<fs::path> write_chart_files(const fs::path& dir, const std::vector<ChartFile>& files) {
    OutputSet set;
    for (const auto& f : files) set.add(dir, "--plots", f.name, f.bytes);
    return set.write();
}

void write_plots(const std::string& dir, const std::vector<ChartFile>& files, std::ostream& log) {
    if (dir.empty()) return;
    const auto written = write_chart_files(dir, files);
    log << "Plots:";
    for (const auto& p : written) log << ' ' << p.string();
    log << '\n';
}

std::vector<fs::path> write_value_plots(const fs::path& dir, const Project& project, const ValuationResult& result) {
    return write_chart_files(dir, render_value_plots(project, result));
}

std::vector<fs::path> write_mc_plots(const fs::path& dir, const mc::ProjectMcSummary& summary) {
    return write_chart_files(dir, render_mc_plots(summary));
}

}  // namespace pftoken::charts
