// `pftoken value PROJECT.yaml`: load, validate and value a project; print the summary and
// write the per-period table, summary and event log as CSV/JSON (docs/tools/value.md).
//
// No partial output: everything is computed and rendered in memory first; files are written
// to temporary names in the output folder and renamed only once all of them are written.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "commands.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/report/value_report.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::cli {
namespace {

namespace fs = std::filesystem;

struct ValueArgs {
    std::string project;
    std::string format;
    std::string out;
    std::vector<std::string> market_prices;
    int max_events = 20;
    std::string plots;
};

report::ReportFormat parse_format(const std::string& text) {
    if (text == "table") return report::ReportFormat::Table;
    if (text == "csv") return report::ReportFormat::Csv;
    if (text == "json") return report::ReportFormat::Json;
    if (text == "all") return report::ReportFormat::All;
    throw InputError("--format", "must be one of table, csv, json, all; got '" + text + "'");
}

/// SYMBOL=PRICE pairs -> market price per token by tranche name.
std::map<std::string, double> parse_market_prices(const std::vector<std::string>& pairs, const Project& project) {
    std::map<std::string, double> by_tranche;
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
        by_tranche[match->name] = price;
    }
    return by_tranche;
}

/// Writes every file under a temporary name, then renames them all; on any failure removes
/// what it wrote and throws, leaving the folder as it was.
void write_all(const fs::path& dir, const std::vector<report::ReportFile>& files) {
    std::error_code ec;
    const bool existed = fs::exists(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) throw InputError("--out", "cannot create folder '" + dir.string() + "': " + ec.message());
    const std::string tag = fmt::format(".tmp-{}", static_cast<long>(::getpid()));
    std::vector<fs::path> temporaries;
    auto cleanup = [&] {
        std::error_code ignored;
        for (const auto& t : temporaries) fs::remove(t, ignored);
        if (!existed) fs::remove(dir, ignored);  // only removes it if still empty
    };
    for (const auto& file : files) {
        const fs::path tmp = dir / ("." + file.name + tag);
        temporaries.push_back(tmp);
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << file.content;
        out.close();
        if (!out) {
            cleanup();
            throw InputError("--out", "cannot write '" + tmp.string() + "'");
        }
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        fs::rename(temporaries[i], dir / files[i].name, ec);
        if (ec) {
            cleanup();
            throw InputError("--out", "cannot write '" + (dir / files[i].name).string() + "': " + ec.message());
        }
    }
}

int run_value(const ValueArgs& args) {
    // Options first: a wrong flag fails before any work.
    const auto format = parse_format(args.format.empty() ? (args.out.empty() ? "table" : "all") : args.format);
    if (format == report::ReportFormat::All && args.out.empty())
        throw InputError("--format all", "needs --out DIR (csv or json alone print to standard output)");
    if (args.max_events < 0) throw InputError("--events", fmt::format("must be >= 0, got {}", args.max_events));

    const Project project = load_project(args.project);
    ValuationOptions options;
    options.market_price_per_token = parse_market_prices(args.market_prices, project);
    options.include_periods = true;
    const ValuationResult result = value(project, options);

    // Render everything before writing anything.
    const std::string text = report::summary_text(project, result, args.max_events);
    const auto chart_files = args.plots.empty() ? std::vector<charts::ChartFile>{} : charts::render_value_plots(project, result);
    auto write_plots = [&] { charts::write_plots(args.plots, chart_files, std::cerr); };
    if (args.out.empty()) {
        if (format == report::ReportFormat::Csv) std::cout << report::summary_csv(project, result);
        else if (format == report::ReportFormat::Json) std::cout << report::summary_json(project, result);
        else std::cout << text;
        write_plots();
        return 0;
    }
    const auto files = report::report_files(project, result, format);
    write_all(args.out, files);
    std::cout << text;
    if (!files.empty()) {
        std::cout << "\nWrote";
        for (const auto& f : files) std::cout << ' ' << (fs::path(args.out) / f.name).string();
        std::cout << '\n';
    }
    write_plots();
    return 0;
}

}  // namespace

void register_value(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<ValueArgs>();
    auto* cmd = app.add_subcommand("value", "Value a project: DCF price of every tranche token and the equity, "
                                            "coverage ratios, covenant tests and the event log");
    cmd->add_option("project", args->project, "Project YAML file (docs/input-schema.md)")->required();
    cmd->add_option("--format", args->format,
                    "table: print the summary only (default without --out); csv, json: write those files to --out "
                    "(or print the summary in that format when no --out); all: csv and json (default with --out)");
    cmd->add_option("--out", args->out, "Output folder for the files (created if missing; written only on success)");
    cmd->add_option("--market-price", args->market_prices,
                    "SYMBOL=PRICE market price per token of a tranche token; its z-spread is reported (repeatable)");
    cmd->add_option("--plots", args->plots, "Folder for SVG charts (docs/charts.md; needs gnuplot): waterfall.svg, coverage.svg");
    cmd->add_option("--events", args->max_events, "Event-log lines printed in the summary (default 20)");
    cmd->callback([args, &exit_code] { exit_code = run_value(*args); });
}

}  // namespace pftoken::cli
