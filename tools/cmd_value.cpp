// `pftoken value PROJECT.yaml`: load, validate and value a project; print the summary and
// write the per-period table, summary and event log as CSV/JSON (docs/tools/value.md).
// Options, output rule and exit codes: tools/cli.hpp (docs/tools/README.md).
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli.hpp"
#include "commands.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/report/value_report.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::cli {
namespace {

struct ValueArgs {
    CommonOptions common;
    std::string project;
    std::vector<std::string> market_prices;
    std::string max_events = "20";
};

/// SYMBOL=PRICE pairs -> market price per token by token symbol (ValuationOptions).
std::map<std::string, double> parse_market_prices(const std::vector<std::string>& pairs, const Project& project) {
    std::map<std::string, double> by_symbol;
    std::string known;
    for (const auto& t : project.tranches) known += (known.empty() ? "" : ", ") + t.token.symbol;
    for (const auto& pair : pairs) {
        const auto eq = pair.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size())
            throw InputError("--market-price", "must be SYMBOL=PRICE, got '" + pair + "'");
        const std::string symbol = pair.substr(0, eq);
        const std::string price_text = pair.substr(eq + 1);
        double price = 0.0;
        std::size_t used = 0;
        try {
            price = std::stod(price_text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != price_text.size() || !std::isfinite(price) || price <= 0.0)
            throw InputError("--market-price " + symbol, "price must be a number > 0, got '" + price_text + "'");
        const Tranche* match = nullptr;
        for (const auto& t : project.tranches)
            if (t.token.symbol == symbol) match = &t;
        if (match == nullptr) {
            if (symbol == project.equity.token.symbol)
                throw InputError("--market-price " + symbol, "z-spreads are for tranche tokens; " + symbol + " is the equity token");
            throw InputError("--market-price " + symbol, "unknown token symbol; tranche tokens are: " + known);
        }
        by_symbol[match->token.symbol] = price;
    }
    return by_symbol;
}

int run_value(const ValueArgs& args) {
    // Options first: a wrong flag fails before any work.
    const std::string format = args.common.resolved_format();
    const auto max_events = static_cast<int>(parse_count("--events", args.max_events, 0, 1'000'000));
    if (!args.common.out.empty()) check_output_folder(args.common.out, "--out");
    if (!args.common.plots.empty()) check_output_folder(args.common.plots, "--plots");

    const Project project = load_project(args.project);
    ValuationOptions options;
    options.market_price_per_token = parse_market_prices(args.market_prices, project);
    options.include_periods = true;
    const ValuationResult result = value(project, options);

    // Render everything before writing anything.
    const bool event_files = !args.common.out.empty() && format != "table";
    Rendered r;
    r.text_name = "value.txt";
    r.text = report::summary_text(project, result, max_events, event_files);
    if (args.common.out.empty()) {
        r.csv = {{"summary.csv", report::summary_csv(project, result)}};
        r.json = {{"summary.json", report::summary_json(project, result)}};
    } else {
        for (auto& f : report::report_files(project, result, report::ReportFormat::Csv)) r.csv.emplace_back(f.name, f.content);
        for (auto& f : report::report_files(project, result, report::ReportFormat::Json)) r.json.emplace_back(f.name, f.content);
    }
    if (!args.common.plots.empty()) r.plots = charts::render_value_plots(project, result);
    (void)emit(args.common, r);
    return kExitOk;
}

}  // namespace

void register_value(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<ValueArgs>();
    auto* cmd = app.add_subcommand("value", "Value a project: DCF price of every tranche token and the equity, "
                                            "coverage ratios, covenant tests and the event log");
    cmd->add_option("project", args->project, "Project YAML file (docs/input-schema.md)")->required();
    add_format(*cmd, args->common);
    add_out(*cmd, args->common,
            "value.txt; summary.csv, tranches.csv, periods.csv, events.csv; summary.json, periods.json, events.json");
    cmd->add_option("--market-price", args->market_prices,
                    "SYMBOL=PRICE market price per token of a tranche token; its z-spread is reported (repeatable)");
    add_plots(*cmd, args->common, "waterfall.svg, coverage.svg");
    add_quiet(*cmd, args->common);
    cmd->add_option("--events", args->max_events, "Event-log lines printed in the summary (default 20)");
    cmd->callback([args, &exit_code] { exit_code = run_command("value", [&] { return run_value(*args); }); });
}

}  // namespace pftoken::cli
