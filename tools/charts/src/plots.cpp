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
