#pragma once
// `--plots DIR` for the tools: the charts of one result as SVG files. Charts are rendered first
// (render_*), so a tool can draw everything before it writes anything, then written together
// (write_chart_files: temporary names, renamed at the end; nothing is left behind on failure).

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "pftoken/integration/liquidity_allocation.hpp"
#include "pftoken/integration/liquidity_stress.hpp"
#include "pftoken/integration/range_opt.hpp"
#include "pftoken/integration/yield/engine.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/model/project.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::charts {

/// One rendered chart: its file name in the plots folder and the image bytes.
struct ChartFile {
    std::string name;
    std::string bytes;
};

/// waterfall.svg (uses of CFADS per period) and coverage.svg (DSCR/LLCR with the covenant lines).
/// Needs the per-period table (ValuationOptions::include_periods).
[[nodiscard]] std::vector<ChartFile> render_value_plots(const Project& project, const ValuationResult& result);

/// What the Monte Carlo charts label: the project's currency (axis of the tornado) and the token
/// the tornado is drawn for (tranche index; -1 = equity).
struct McPlotOptions {
    std::string currency{};
    int tornado_tranche = 0;
};

/// dscr_fan.svg (drawn where at least kDscrFanMinShare of the paths have debt service due, with
/// that share on the right axis), loss.svg (when a tranche has a loss distribution) and
/// tornado.svg (when the run computed sensitivities).
[[nodiscard]] std::vector<ChartFile> render_mc_plots(const mc::ProjectMcSummary& summary, const McPlotOptions& options = {});

/// stress.svg: equity value and minimum DSCR change per scenario (failed scenarios left out).
[[nodiscard]] std::vector<ChartFile> render_stress_plots(const stress::StressSummary& summary);

/// liquidity.svg (v3 pools: active liquidity over ticks, pool price marked) and, for every
/// token-market scenario with an LP withdrawal, liquidity_<scenario>.svg: a heatmap of the
/// active liquidity over ticks after each step of the scenario (withdrawals are pro rata to
/// every position, as in integration::apply_market_shocks). v2 pools have no tick structure:
/// nothing is drawn for them.
[[nodiscard]] std::vector<ChartFile> render_pool_plots(const integration::PoolSpec& pool,
                                                       const std::vector<integration::LiquidityStressResult>& stress = {});

/// liquidity_over_life.svg: heatmap of the v3 liquidity the token needs over its life (years from
/// COD across, ticks up), from integration::liquidity_over_life; nothing when `points` is empty.
[[nodiscard]] std::vector<ChartFile> render_life_liquidity_plots(const std::vector<integration::LifeLiquidityPoint>& points,
                                                                 const std::string& token);

/// frontier.svg: best range of each width, expected net return against CVaR, chosen range marked.
[[nodiscard]] std::vector<ChartFile> render_range_opt_plots(const integration::RangeOptResult& result);

/// `yield backtest --plots`: equity_usdt.svg / equity_eth.svg (equity of each strategy of the
/// share class in its currency, money tics), health_factor.svg and liquidation_distance.svg
/// (strategies with Aave debt or perps only), exposure.svg and attribution.svg (P&L by source,
/// % of initial capital). A strategy keeps its colour in every chart. `results` must not be
/// empty and share one hour grid.
[[nodiscard]] std::vector<ChartFile> render_yield_plots(const std::vector<integration::yield::YieldResult>& results);

/// Writes the files into `dir` (created if missing) through the all-or-nothing OutputSet
/// (pftoken/base/output.hpp); throws InputError naming `--plots`. Returns the paths. The tools
/// add chart files to the same OutputSet as their --out files instead.
std::vector<std::filesystem::path> write_chart_files(const std::filesystem::path& dir, const std::vector<ChartFile>& files);

/// The tools' `--plots DIR`: write_chart_files, then lists the files on `log` ("Plots: a b").
/// Does nothing when `dir` is empty (the option was not given).
void write_plots(const std::string& dir, const std::vector<ChartFile>& files, std::ostream& log);

/// render_value_plots + write_chart_files.
std::vector<std::filesystem::path> write_value_plots(const std::filesystem::path& dir, const Project& project,
                                                     const ValuationResult& result);

/// render_mc_plots + write_chart_files.
std::vector<std::filesystem::path> write_mc_plots(const std::filesystem::path& dir, const mc::ProjectMcSummary& summary);

}  // namespace pftoken::charts
