// `pftoken range-opt SPEC.yaml [--format table|csv|json|all] [--out DIR]`: the optimal v3 LP range.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/range_opt_report.hpp"

namespace pftoken::cli {
namespace {

struct RangeOptArgs {
    std::string spec;
    std::string format = "table";
    std::string outDir;
    std::string plots;
};

/// Everything is computed and formatted before the first byte is written, so bad input leaves
/// no partial output behind.
int runRangeOpt(const RangeOptArgs& args) {
    const integration::RangeOptSpec spec = integration::loadRangeOptSpec(args.spec);
    const integration::RangeOptReport report = integration::runRangeOptSpec(spec);

    std::vector<std::pair<std::string, std::string>> outputs;  // file name, content
    const bool all = args.format == "all";
    if (all || args.format == "table") {
        outputs.emplace_back("range_opt.txt", integration::formatRangeOptTable(report));
    }
    if (all || args.format == "csv") {
        outputs.emplace_back("range_opt_frontier.csv", integration::formatRangeOptCsv(report));
    }
    if (all || args.format == "json") {
        outputs.emplace_back("range_opt.json", integration::formatRangeOptJson(report));
    }

    const auto chart_files =
        args.plots.empty() ? std::vector<charts::ChartFile>{} : charts::render_range_opt_plots(report.result);
    auto write_plots = [&] { charts::write_plots(args.plots, chart_files, std::cerr); };
    if (args.outDir.empty()) {
        for (const auto& [name, text] : outputs) std::cout << text;
        std::cout.flush();
        write_plots();
        return 0;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(args.outDir, ec);
    if (ec)
        throw InputError("--out", "cannot create directory '" + args.outDir + "': " + ec.message());
    // Write to temporary names first and rename at the end: either every file appears or none.
    std::vector<fs::path> temporaries;
    for (const auto& [name, text] : outputs) {
        const fs::path tmp = fs::path(args.outDir) / (name + ".tmp");
        std::ofstream file(tmp, std::ios::binary);
        file << text;
        file.close();
        temporaries.push_back(tmp);
        if (!file) {
            for (const auto& t : temporaries) fs::remove(t, ec);
            throw InputError("--out", "cannot write '" + tmp.string() + "'");
        }
    }
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        fs::rename(temporaries[i], fs::path(args.outDir) / outputs[i].first);
        std::cerr << "wrote " << (fs::path(args.outDir) / outputs[i].first).string() << '\n';
    }
    write_plots();
    return 0;
}

}  // namespace

void register_range_opt(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<RangeOptArgs>();
    CLI::App* cmd = app.add_subcommand(
        "range-opt",
        "Optimal Uniswap v3 LP range: maximise E[fees] - E[LVR] - E[rebalancing] - lambda CVaR "
        "over every range on a tick grid");
    cmd->add_option("spec", args->spec, "range-opt spec (YAML), e.g. data/range_opt/gbm.yaml")
        ->required();
    cmd->add_option("--format", args->format, "output: table, csv (frontier), json or all")
        ->check(CLI::IsMember({"table", "csv", "json", "all"}));
    cmd->add_option("--out", args->outDir,
                    "write range_opt.txt / range_opt_frontier.csv / range_opt.json into DIR "
                    "instead of stdout");
    cmd->add_option("--plots", args->plots, "Folder for SVG charts (docs/charts.md; needs gnuplot): frontier.svg");
    cmd->callback([args, &exit_code] { exit_code = runRangeOpt(*args); });
}

}  // namespace pftoken::cli
