// `pftoken compare PROJECT.yaml --pool POOL.yaml`: DCF value vs market signals for the pool's
// token (fair value, implied spread and haircut, arbitrage, liquidity allocation, propagation,
// feedback loop).
//
// Everything is computed before anything is written, so bad input gives an error naming the
// field, exit code != 0 and no partial output. Fields and formats: docs/tools/compare.md.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/compare.hpp"
#include "pftoken/integration/liquidity_stress.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"

namespace pftoken::cli {

// Declared here until the lead adds it to tools/commands.hpp.
void register_compare(CLI::App& app, int& exit_code);

namespace {
namespace fs = std::filesystem;

struct CompareArgs {
    std::string project;
    std::string pool;
    std::uint64_t mc_paths = 0;
    std::uint64_t seed = 42;
    double sale_share = 0.01;
    double max_move = 0.05;
    std::uint64_t paths = 200;
    double volatility = 0.10;
    double noise = -1.0;  ///< tokens; < 0 = 0.1% of supply
    std::string format = "table";
    std::string out;
    std::string plots;
};

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    if (!out) throw Error(fmt::format("cannot write {}", path.string()));
    out << text;
    if (!out) throw Error(fmt::format("cannot write {}", path.string()));
}

int run_compare_command(const CompareArgs& args) {
    // ---- read and validate every input first
    const Project project = load_project(args.project);
    const integration::PoolSpec pool = integration::load_pool(args.pool);
    const std::size_t k = integration::find_tranche(project, pool.token, args.pool + ": pool.token");
    std::optional<mc::StochasticSpec> stochastic;
    if (args.mc_paths > 0) stochastic = mc::load_stochastic(args.project);
    if (!args.out.empty() && fs::exists(args.out) && !fs::is_directory(args.out))
        throw InputError("--out", fmt::format("'{}' exists and is not a directory", args.out));
    // Option errors name the option the user typed.
    if (!(args.sale_share > 0.0 && args.sale_share <= 1.0))
        throw InputError("--sale-share", fmt::format("must be in (0, 1], got {}", args.sale_share));
    if (!(args.max_move > 0.0 && args.max_move < 1.0))
        throw InputError("--max-move", fmt::format("must be in (0, 1), got {}", args.max_move));
    if (!(args.volatility >= 0.0)) throw InputError("--volatility", fmt::format("must be >= 0, got {}", args.volatility));
    if (args.paths < 1) throw InputError("--paths", "must be >= 1, got 0");
    integration::CompareOptions options;
    options.mc_paths = args.mc_paths;
    options.seed = args.seed;
    options.sale_share = args.sale_share;
    options.max_price_move = args.max_move;
    options.propagation.paths = args.paths;
    options.propagation.volatility = args.volatility;
    options.propagation.noise_trade_tokens =
        args.noise >= 0.0 ? args.noise : 0.001 * project.tranches[k].token.supply;
    std::string why;
    if (!options.isValid(&why)) {
        const auto colon = why.find(": ");
        throw InputError(why.substr(0, colon), colon == std::string::npos ? why : why.substr(colon + 2));
    }

    // ---- compute
    const auto report = integration::run_compare(project, pool, stochastic ? &*stochastic : nullptr, options);
    const std::string table = integration::compare_table(report);
    const std::string csv = integration::compare_csv(report);
    const std::string json = integration::compare_json(report);
    std::vector<charts::ChartFile> chart_files;
    if (!args.plots.empty()) {
        chart_files = charts::render_pool_plots(pool);
        for (auto& f : charts::render_life_liquidity_plots(report.liquidity_life, project.tranches[k].token.symbol))
            chart_files.push_back(std::move(f));
    }

    // ---- write
    const bool all = args.format == "all";
    if (args.out.empty()) {
        if (args.format == "table" || all) std::cout << table;
        if (args.format == "csv" || all) std::cout << csv;
        if (args.format == "json" || all) std::cout << json;
    } else {
        fs::create_directories(args.out);
        const fs::path dir(args.out);
        if (args.format == "table" || all) write_file(dir / "compare.txt", table);
        if (args.format == "csv" || all) write_file(dir / "compare.csv", csv);
        if (args.format == "json" || all) write_file(dir / "compare.json", json);
        std::cout << table << "\nwritten to " << args.out << '\n';
    }
    charts::write_plots(args.plots, chart_files, std::cerr);
    return 0;
}

}  // namespace

void register_compare(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<CompareArgs>();
    auto* cmd = app.add_subcommand("compare", "DCF value vs the token's pool: fair value, implied spread, "
                                              "arbitrage, liquidity, propagation, feedback");
    cmd->add_option("project", args->project, "Project YAML file")->required()->check(CLI::ExistingFile);
    cmd->add_option("--pool", args->pool, "Pool YAML (data/pools/*.yaml); its token is the tranche compared")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--mc", args->mc_paths, "Monte Carlo paths (needs the project's stochastic section)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10000000}));
    cmd->add_option("--seed", args->seed, "Seed of the Monte Carlo and the propagation");
    cmd->add_option("--sale-share", args->sale_share, "Q as a share of the token supply (default 0.01)");
    cmd->add_option("--max-move", args->max_move, "Largest price fall allowed for selling Q (default 0.05)");
    cmd->add_option("--paths", args->paths, "Propagation paths (default 200)");
    cmd->add_option("--volatility", args->volatility, "GBM propagation only (without --mc): annual volatility of the fair value");
    cmd->add_option("--noise", args->noise, "Std. dev. of one weekly noise trade, tokens (default 0.1% of supply)");
    cmd->add_option("--format", args->format, "Output format")->check(CLI::IsMember({"table", "csv", "json", "all"}));
    cmd->add_option("--out", args->out, "Folder for the output files (else stdout)");
    cmd->add_option("--plots", args->plots, "Folder for SVG charts (docs/charts.md; needs gnuplot): liquidity_over_life.svg, and liquidity.svg for a v3 pool");
    cmd->callback([args, &exit_code]() { exit_code = run_compare_command(*args); });
}

}  // namespace pftoken::cli
