#pragma once
// Charts as SVG (or PNG) drawn by gnuplot from plain data structs; adapters build the structs
// from valuation, Monte Carlo, stress, AMM and range-optimiser results (docs/charts.md).

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "pftoken/amm/analytics/liquidity_distribution.hpp"
#include "pftoken/integration/range_opt.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/model/project.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::charts {

enum class ImageFormat { Svg, Png };

/// Size and format of one chart. gnuplot draws with `svg size W,H dynamic font 'sans,11'`
/// (or `pngcairo size W,H font 'sans,11'`).
struct ChartOptions {
    int width = 900;
    int height = 480;
    ImageFormat format = ImageFormat::Svg;
    void validate() const;  ///< throws InputError naming the field
};

/// The one palette every chart uses (colour-blind friendly, after Okabe and Ito 2008).
[[nodiscard]] const std::vector<std::string>& palette();

/// A named series of y values on the chart's x grid.
struct Series {
    std::string label;
    std::vector<double> values;
};

/// Stacked uses of CFADS per period with the CFADS line on top.
struct WaterfallChart {
    std::string title = "Cash waterfall: uses of CFADS per period";
    std::string x_label = "Period end (years from financial close)";
    std::string y_label = "Cash per period";
    std::vector<double> x;
    std::vector<Series> uses;  ///< stacked bottom-up, in payment order
    std::vector<double> cfads;
};

/// DSCR and LLCR over time with the lock-up and default thresholds.
struct CoverageChart {
    std::string title = "DSCR and LLCR per period against the covenant thresholds";
    std::string x_label = "Period end (years from financial close)";
    std::string y_label = "Coverage ratio (x)";
    std::vector<double> x;
    std::vector<double> dscr;  ///< NaN where undefined (no debt service)
    std::vector<double> llcr;
    double lockup_level = 1.10;
    double default_level = 1.00;
};

/// Percentile bands over x: an outer band (P5–P95 by default), an inner band if given (P25–P75)
/// and the median; the legend names the bands by `outer_label` and `inner_label`.
struct FanChart {
    std::string title;
    std::string x_label = "Period end (years from financial close)";
    std::string y_label;
    std::vector<double> x;
    /// p5 / p95: the outer band's edges, p25 / p75 the inner band's (may be empty), whatever
    /// percentiles the labels below name.
    std::vector<double> p5, p25, p50, p75, p95;
    std::string outer_label = "P5–P95";
    std::string inner_label = "P25–P75";
    bool money = false;        ///< y is money: tics in currency units with separators or m/bn
    bool y_from_zero = false;  ///< the y axis starts at 0 (or below, for negative values)
    /// Optional, one per x: the share of paths the percentiles are taken over (0..1), drawn as a
    /// line on the right axis (%); the bands are drawn only where share >= min_share.
    std::vector<double> share;
    double min_share = 0.0;
    std::string share_legend = "Share of paths";
    std::string share_label = "Share of paths (%)";
};

/// Paths that must still have debt service due in a period for the DSCR fan to be drawn there:
/// below half, the percentiles describe a minority of paths and read as if they were all.
inline constexpr double kDscrFanMinShare = 0.5;

/// Loss quantile curve of one tranche token (loss = mean value - quantile of value).
struct TrancheLossCurve {
    std::string name;
    std::vector<double> confidence;  ///< e.g. 0.50 ... 0.99
    std::vector<double> loss;        ///< at each confidence, same units as var/cvar
    double var95 = 0.0;
    double cvar95 = 0.0;
};

struct LossChart {
    std::string title = "Loss distribution per tranche token (Monte Carlo)";
    std::string x_label = "Confidence level (%)";
    std::string y_label = "Loss (% of mean token value)";
    std::vector<TrancheLossCurve> tranches;
};

/// One bar of a tornado: the output change when an input moves down / up.
struct TornadoBar {
    std::string name;
    double low = 0.0;   ///< change of the output for the downward move
    double high = 0.0;  ///< for the upward move
};

struct TornadoChart {
    std::string title = "Sensitivities";
    std::string x_label = "Change of value";
    std::vector<TornadoBar> bars;  ///< drawn widest on top
};

/// Clustered bars: one group per category (scenario), one bar per series (metric).
struct BarChart {
    std::string title = "Stress scenarios";
    std::string y_label;
    std::vector<std::string> categories;
    std::vector<Series> series;  ///< each has categories.size() values
};

/// Active liquidity per tick band with the current tick marked.
struct LiquidityChart {
    std::string title = "Active liquidity over ticks";
    std::string x_label = "Tick";
    std::string y_label = "Active liquidity L";
    std::vector<double> tick_lower, tick_upper, liquidity;
    double current_tick = 0.0;
};

/// Liquidity over time: z[t * ticks.size() + i] at time x[t], tick ticks[i].
struct HeatmapChart {
    std::string title = "Liquidity over time";
    std::string x_label = "Time";
    std::string y_label = "Tick";
    std::string z_label = "Active liquidity L";
    std::vector<double> x, ticks, z;
};

/// Risk/return frontier with the chosen point marked.
struct FrontierChart {
    std::string title = "LP range frontier: expected net return against CVaR of loss";
    std::string x_label = "CVaR of loss (token1)";
    std::string y_label = "Expected net return (token1)";
    std::vector<double> risk, reward;
    std::vector<std::string> labels;  ///< optional, per point
    double chosen_risk = 0.0, chosen_reward = 0.0;
};

/// How axis tics are labelled: Money in one currency unit per axis (format::money_in: "0.2m",
/// "1.2m", "950,000"), Number with thousands separators; never "4.5×10^6".
enum class AxisKind { Money, Number };

/// Several series as lines over one x grid (NaN values leave a gap). Both axes carry nice_ticks
/// labels (x as numbers, y as `y_kind`), never gnuplot's own tics.
struct LineChart {
    std::string title;
    std::string x_label;
    std::string y_label;
    std::vector<double> x;
    std::vector<Series> series;  ///< each has x.size() values
    AxisKind y_kind = AxisKind::Number;
    bool y_from_zero = false;  ///< the y axis starts at 0 (or below, for negative values)
    /// Optional, one per series: its palette index, so one strategy keeps its colour across
    /// charts that leave some series out; empty = series order.
    std::vector<std::size_t> colours{};
};

/// Tics at 1, 2 or 5 x 10^k covering [lo, hi] (about `target` steps) with their labels.
struct AxisTicks {
    double lo = 0.0, hi = 0.0;  ///< the axis range: the first and last tic
    std::vector<double> values;
    std::vector<std::string> labels;
};
[[nodiscard]] AxisTicks nice_ticks(double lo, double hi, AxisKind kind, int target = 6);

// Chart functions: validate the data (InputError naming the field) and return the image bytes.
[[nodiscard]] std::string waterfall_chart(const WaterfallChart& data, const ChartOptions& options = {});
[[nodiscard]] std::string coverage_chart(const CoverageChart& data, const ChartOptions& options = {});
[[nodiscard]] std::string fan_chart(const FanChart& data, const ChartOptions& options = {});
[[nodiscard]] std::string loss_chart(const LossChart& data, const ChartOptions& options = {});
[[nodiscard]] std::string tornado_chart(const TornadoChart& data, const ChartOptions& options = {});
[[nodiscard]] std::string bar_chart(const BarChart& data, const ChartOptions& options = {});
[[nodiscard]] std::string liquidity_chart(const LiquidityChart& data, const ChartOptions& options = {});
[[nodiscard]] std::string heatmap_chart(const HeatmapChart& data, const ChartOptions& options = {});
[[nodiscard]] std::string frontier_chart(const FrontierChart& data, const ChartOptions& options = {});
[[nodiscard]] std::string line_chart(const LineChart& data, const ChartOptions& options = {});

// Adapters.
/// Operating periods of the base run: fees, interest, principal, sweep, reserves, distributions.
[[nodiscard]] WaterfallChart waterfall_from(const ValuationResult& result);
[[nodiscard]] CoverageChart coverage_from(const ValuationResult& result, const Covenants& covenants);
/// Per-period DSCR percentiles of the Monte Carlo with the share of paths that still have debt
/// service due (right axis); the fan is drawn where that share is at least `min_share`.
[[nodiscard]] FanChart dscr_fan_from(const mc::ProjectMcSummary& summary, double min_share = kDscrFanMinShare);
/// Percentiles over paths of a per-period value (path-major: values[p * periods + t]).
[[nodiscard]] FanChart fan_from_paths(std::span<const double> values, std::size_t paths, std::span<const double> x);
[[nodiscard]] LossChart loss_from(const mc::ProjectMcSummary& summary);
/// Linearised +/- `bump_pct` % moves from the CRN 1% deltas of one token (tranche index, or -1 =
/// equity), in `currency` per token (named in the axis label).
[[nodiscard]] TornadoChart tornado_from(const mc::ProjectMcSummary& summary, int tranche, double bump_pct = 10.0,
                                        const std::string& currency = {});
/// Equity value change (%) and min DSCR per scenario (failed scenarios skipped).
[[nodiscard]] BarChart stress_bars_from(const stress::StressSummary& summary);
[[nodiscard]] LiquidityChart liquidity_from(std::span<const amm::analytics::LiquidityBand> bands, int current_tick);
[[nodiscard]] FrontierChart frontier_from(const integration::RangeOptResult& result);

/// Makes the ids of a gnuplot SVG unique (prefix) and drops the XML prolog so several charts can
/// be inlined in one HTML page.
[[nodiscard]] std::string inline_svg(const std::string& svg, const std::string& id_prefix);

}  // namespace pftoken::charts
