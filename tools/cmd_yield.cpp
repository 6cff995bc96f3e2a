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
    if (!args.common.plots.empty()) r.plots = charts::render_yield_plots(results);
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
