// `pftoken yield backtest SPEC.yaml --data DIR [--format ...] [--out DIR] [--plots DIR]`: hourly
// backtest of treasury yield strategies; `pftoken yield generate --out DIR [--seed N] [--hours N]
// [--venues a,b]`: the synthetic hourly data files. Guide: docs/tools/yield.md; options, output
// rule and exit codes: docs/tools/README.md.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/base/table_json.hpp"
#include "pftoken/charts/charts.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/yield/spec.hpp"

namespace pftoken::cli {
namespace {

namespace y = integration::yield;

struct BacktestArgs {
    CommonOptions common;
    std::string spec;
    std::string data;
};

struct GenerateArgs {
    CommonOptions common;
    std::string hours = "672";
    std::string venues = "binance,bybit";
};

double finite_or_nan(double v) {
    return std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN();
}

/// equity_<class>.svg, health_factor.svg, liquidation_distance.svg, exposure.svg, attribution.svg.
std::vector<charts::ChartFile> render_yield_plots(const std::vector<y::YieldResult>& results) {
    std::vector<charts::ChartFile> files;
    const auto& first = results.front().hours;
    std::vector<double> days;
    for (const auto& h : first)
        days.push_back(static_cast<double>(h.time - first.front().time) / 86'400.0);
    for (auto share_class : {y::ShareClass::Usdt, y::ShareClass::Eth}) {
        charts::LineChart c;
        c.title = fmt::format("Equity per unit of capital, {} share class",
                              share_class == y::ShareClass::Usdt ? "USDT" : "ETH");
        c.x_label = "Days";
        c.y_label = share_class == y::ShareClass::Usdt ? "Equity / initial (USD)"
                                                       : "Equity / initial (ETH)";
        c.x = days;
        for (const auto& r : results) {
            if (r.options.share_class != share_class) continue;
            charts::Series s{r.options.name, {}};
            for (const auto& h : r.hours)
                s.values.push_back(static_cast<double>(h.equity) / r.unit_scale /
                                   r.summary.initial_equity);
            c.series.push_back(std::move(s));
        }
        if (!c.series.empty())
            files.push_back({fmt::format("equity_{}.svg", y::share_class_name(share_class)),
                             charts::line_chart(c)});
    }
    charts::LineChart hf{"Aave health factor", "Days", "Health factor", days, {}};
    charts::LineChart dist{
        "Distance to liquidation", "Days", "Adverse move to liquidation (fraction)", days, {}};
    charts::LineChart exposure{
        "Gross exposure / equity", "Days", "Gross exposure / equity (x)", days, {}};
    for (const auto& r : results) {
        charts::Series h{r.options.name, {}}, d{r.options.name, {}}, e{r.options.name, {}};
        bool any_hf = false, any_dist = false;
        for (const auto& rec : r.hours) {
            any_hf = any_hf || std::isfinite(rec.health_factor);
            any_dist = any_dist || std::isfinite(rec.liquidation_distance);
            h.values.push_back(finite_or_nan(rec.health_factor));
            d.values.push_back(finite_or_nan(rec.liquidation_distance));
            e.values.push_back(rec.gross_exposure /
                               (static_cast<double>(rec.equity) / r.unit_scale));
        }
        if (any_hf) hf.series.push_back(std::move(h));
        if (any_dist) dist.series.push_back(std::move(d));
        exposure.series.push_back(std::move(e));
    }
    if (!hf.series.empty()) files.push_back({"health_factor.svg", charts::line_chart(hf)});
    if (!dist.series.empty())
        files.push_back({"liquidation_distance.svg", charts::line_chart(dist)});
    files.push_back({"exposure.svg", charts::line_chart(exposure)});
    charts::BarChart bars;
    bars.title = "P&L attribution by source";
    bars.y_label = "P&L (% of initial capital)";
    for (const auto& r : results) bars.categories.push_back(r.options.name);
    for (std::size_t k = 0; k < y::kSourceCount; ++k) {
        charts::Series s{std::string(y::source_name(static_cast<y::Source>(k))), {}};
        for (const auto& r : results)
            s.values.push_back(100.0 * static_cast<double>(r.summary.pnl[k]) / r.unit_scale /
                               r.summary.initial_equity);
        bars.series.push_back(std::move(s));
    }
    files.push_back({"attribution.svg", charts::bar_chart(bars)});
    return files;
}

int run_backtest(const BacktestArgs& args) {
    (void)args.common.resolved_format();
    if (!args.common.out.empty()) check_output_folder(args.common.out, "--out");
    if (!args.common.plots.empty()) check_output_folder(args.common.plots, "--plots");
    const auto spec = y::load_yield_spec(args.spec);
    const auto market = y::load_market_data(args.data, spec.venues());
    const auto results = y::run_yield_spec(spec, market);

    const Table summary = y::yield_summary_table(results);
    const Table attribution = y::yield_attribution_table(results);
    Rendered r;
    r.text_name = "yield.txt";
    r.text = fmt::format("Yield backtest: {} hours from {} to {} (data {})\n\n", market.hours() - 1,
                         y::format_utc_timestamp(market.time.front()),
                         y::format_utc_timestamp(market.time.back()), args.data);
    r.text += to_text(summary, {.title = "Summary (APY = (final/initial)^(8760/hours) - 1)"});
    r.text += '\n';
    r.text +=
        to_text(attribution,
                {.title = "P&L attribution (sums exactly to the total, in integer base units)"});
    r.csv = {{"yield_summary.csv", to_csv(summary)},
             {"yield_attribution.csv", to_csv(attribution)}};
    for (const auto& res : results) {
        r.csv.emplace_back(fmt::format("yield_hourly_{}.csv", res.options.name),
                           to_csv(y::yield_hourly_table(res)));
        r.csv.emplace_back(fmt::format("yield_events_{}.csv", res.options.name),
                           to_csv(y::yield_events_table(res)));
    }
    r.json = {{"yield_summary.json", to_json(summary)},
              {"yield_attribution.json", to_json(attribution)}};
    if (!args.common.plots.empty()) r.plots = render_yield_plots(results);
    (void)emit(args.common, r);
    return kExitOk;
}

int run_generate(const GenerateArgs& args) {
    if (args.common.out.empty())
        throw InputError("--out", "is required: the folder the data files are written to");
    check_output_folder(args.common.out, "--out");
    y::GeneratorOptions o;
    o.seed = args.common.seed_value();
    o.hours = static_cast<std::size_t>(parse_count("--hours", args.hours, 2, 43'920));
    o.venues.clear();
    std::stringstream list(args.venues);
    for (std::string v; std::getline(list, v, ',');) {
        const bool ok = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        });
        if (!ok)
            throw InputError("--venues",
                             "must be a comma-separated list of names in a-z, 0-9, '_', got '" +
                                 args.venues + "'");
        o.venues.push_back(v);
    }
    const auto data = y::generate_market_data(o);
    Rendered r;
    r.text =
        fmt::format("Synthetic hourly market data: seed {}, {} hours from {} to {}, venues {}\n",
                    o.seed, o.hours, y::format_utc_timestamp(data.time.front()),
                    y::format_utc_timestamp(data.time.back()), args.venues);
    r.extra = y::market_data_csv(data);
    (void)emit(args.common, r);
    return kExitOk;
}

}  // namespace

void register_yield(CLI::App& app, int& exit_code) {
    CLI::App* cmd = app.add_subcommand("yield",
                                       "Treasury and reserve yield: Aave lending, basis and "
                                       "leveraged staking (docs/tools/yield.md)");
    cmd->require_subcommand(1);

    auto b = std::make_shared<BacktestArgs>();
    CLI::App* backtest = cmd->add_subcommand(
        "backtest", "Hourly backtest of the spec's strategies with exact P&L attribution");
    backtest->add_option("spec", b->spec, "yield spec (YAML), e.g. data/examples/yield/spec.yaml")
        ->required();
    backtest
        ->add_option("--data", b->data,
                     "folder of market.csv and perp_<venue>.csv (docs/tools/yield.md)")
        ->required();
    add_format(*backtest, b->common);
    add_out(*backtest, b->common,
            "yield.txt; yield_summary.csv, yield_attribution.csv, yield_hourly_<name>.csv, "
            "yield_events_<name>.csv; "
            "yield_summary.json, yield_attribution.json");
    add_plots(*backtest, b->common,
              "equity_usdt.svg, equity_eth.svg, health_factor.svg, liquidation_distance.svg, "
              "exposure.svg, attribution.svg");
    add_quiet(*backtest, b->common);
    backtest->callback([b, &exit_code] {
        exit_code = run_command("yield backtest", [&] { return run_backtest(*b); });
    });

    auto g = std::make_shared<GenerateArgs>();
    CLI::App* generate = cmd->add_subcommand(
        "generate", "Write seeded synthetic hourly market data (market.csv, perp_<venue>.csv)");
    add_out(*generate, g->common, "market.csv, perp_<venue>.csv (required)");
    add_seed(*generate, g->common, "generator seed");
    generate->add_option("--hours", g->hours,
                         "hours of data, in [2, 43920] (default 672: four weeks)");
    generate->add_option("--venues", g->venues,
                         "perp venues, comma-separated (default binance,bybit)");
    generate->callback([g, &exit_code] {
        exit_code = run_command("yield generate", [&] { return run_generate(*g); });
    });
}

}  // namespace pftoken::cli
