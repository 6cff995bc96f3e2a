// `pftoken stress PROJECT.yaml`: scenario, reverse, stochastic and liquidity stress tests.
//
// Everything is computed before anything is written, so bad input (project, scenario file,
// pool file, options) gives an error, exit code != 0 and no partial output. Columns and
// formats: docs/tools/stress.md.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/liquidity_stress.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/stress/mc_stress.hpp"
#include "pftoken/stress/report.hpp"
#include "pftoken/stress/reverse.hpp"
#include "pftoken/stress/scenario.hpp"

namespace pftoken::cli {
namespace {

namespace fs = std::filesystem;

struct StressArgs {
    std::string project;
    std::string scenarios;
    bool library = false;
    bool reverse = false;
    std::uint64_t mc_paths = 0;
    std::uint64_t seed = 42;
    int threads = 0;
    std::string pool;
    std::string format = "table";
    std::string out;
    std::string plots;
};

/// The shipped library: $PFTOKEN_DATA_DIR, the source tree the binary was built from, ./data.
fs::path library_path() {
    std::vector<fs::path> candidates;
    if (const char* dir = std::getenv("PFTOKEN_DATA_DIR")) candidates.emplace_back(fs::path(dir) / "stress/library.yaml");
#ifdef PFTOKEN_DATA_DIR
    candidates.emplace_back(fs::path(PFTOKEN_DATA_DIR) / "stress/library.yaml");
#endif
    candidates.emplace_back(fs::path("data/stress/library.yaml"));
    for (const auto& c : candidates)
        if (fs::exists(c)) return c;
    throw InputError("--library", "cannot find stress/library.yaml (set PFTOKEN_DATA_DIR to the data folder)");
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    if (!out) throw Error(fmt::format("cannot write {}", path.string()));
    out << text;
    if (!out) throw Error(fmt::format("cannot write {}", path.string()));
}

int run_stress(const StressArgs& args) {
    // ---- read and validate every input first
    const Project project = load_project(args.project);
    std::vector<stress::Scenario> scenarios;
    if (args.library || args.scenarios.empty()) {
        auto lib = stress::load_scenarios(library_path());
        scenarios.insert(scenarios.end(), lib.begin(), lib.end());
    }
    if (!args.scenarios.empty()) {
        auto own = stress::load_scenarios(args.scenarios);
        for (auto& s : own) {
            for (const auto& existing : scenarios)
                if (existing.name == s.name)
                    throw InputError(args.scenarios + ": " + s.path + ".name",
                                     fmt::format("scenario '{}' is also in the library", s.name));
            scenarios.push_back(std::move(s));
        }
    }
    std::optional<integration::PoolSpec> pool;
    if (!args.pool.empty()) pool = integration::load_pool(args.pool);
    if (pool) integration::check_pool_token(*pool, project, args.pool);
    if (!args.out.empty() && fs::exists(args.out) && !fs::is_directory(args.out))
        throw InputError("--out", fmt::format("'{}' exists and is not a directory", args.out));

    // ---- compute
    stress::StressEngine engine(project);
    const auto summary = engine.run_all(scenarios);
    std::optional<stress::ReverseSummary> reverse;
    if (args.reverse) reverse = stress::reverse_stress(engine);
    std::vector<integration::LiquidityStressResult> liquidity;
    if (pool) liquidity = integration::run_liquidity_stress(*pool, project, scenarios, summary);
    std::optional<stress::McStressSummary> mc;
    if (args.mc_paths > 0) {
        stress::McStressOptions options;
        options.paths = args.mc_paths;
        options.seed = args.seed;
        options.threads = args.threads;
        mc = stress::run_mc_stress(project, scenarios, options);
    }

    // ---- render
    std::string table = fmt::format("Stress test: {} ({} scenarios)\n\n", project.name, scenarios.size());
    table += stress::scenarios_table(summary);
    if (reverse) table += "\nReverse stress (smallest adverse shock per factor and target)\n" + stress::reverse_table(*reverse);
    if (mc) table += "\nStochastic stress (" + std::to_string(args.mc_paths) + " paths per scenario)\n" + stress::mc_stress_table(*mc);
    if (pool) {
        table += fmt::format("\nLiquidity stress on {} ({})\n", pool->name.empty() ? pool->token : pool->name,
                             pool->type == integration::PoolSpec::Type::V2 ? "v2" : "v3");
        table += integration::liquidity_table(liquidity);
        if (liquidity.empty()) table += "(no scenario has token-market shocks)\n";
    } else {
        int market = 0;
        for (const auto& s : scenarios) market += s.has_market_shocks() ? 1 : 0;
        if (market > 0)
            table += fmt::format("\n{} scenario(s) with token-market shocks: give --pool POOL.yaml to evaluate them\n",
                                 market);
    }
    nlohmann::json json;
    json["project"] = project.name;
    json["scenarios"] = nlohmann::json::parse(stress::scenarios_json(summary));
    if (reverse) json["reverse"] = nlohmann::json::parse(stress::reverse_json(*reverse));
    if (mc) json["mc"] = nlohmann::json::parse(stress::mc_stress_json(*mc));
    if (pool) json["liquidity"] = nlohmann::json::parse(integration::liquidity_json(liquidity));
    const std::string json_text = json.dump(2) + "\n";
    std::vector<charts::ChartFile> chart_files;
    if (!args.plots.empty()) {
        chart_files = charts::render_stress_plots(summary);
        if (pool)
            for (auto& f : charts::render_pool_plots(*pool, liquidity)) chart_files.push_back(std::move(f));
    }

    // ---- write
    const bool all = args.format == "all";
    if (args.out.empty()) {
        if (args.format == "table" || all) std::cout << table;
        if (args.format == "csv" || all) {
            std::cout << stress::scenarios_csv(summary);
            if (reverse) std::cout << '\n' << stress::reverse_csv(*reverse);
            if (mc) std::cout << '\n' << stress::mc_stress_csv(*mc);
            if (pool) std::cout << '\n' << integration::liquidity_csv(liquidity);
        }
        if (args.format == "json" || all) std::cout << json_text;
    } else {
        fs::create_directories(args.out);
        const fs::path dir(args.out);
        if (args.format == "table" || all) write_file(dir / "stress.txt", table);
        if (args.format == "csv" || all) {
            write_file(dir / "stress_scenarios.csv", stress::scenarios_csv(summary));
            if (reverse) write_file(dir / "stress_reverse.csv", stress::reverse_csv(*reverse));
            if (mc) write_file(dir / "stress_mc.csv", stress::mc_stress_csv(*mc));
            if (pool) write_file(dir / "stress_liquidity.csv", integration::liquidity_csv(liquidity));
        }
        if (args.format == "json" || all) write_file(dir / "stress.json", json_text);
        std::cout << table;
        std::cout << "\nwritten to " << args.out << '\n';
    }
    charts::write_plots(args.plots, chart_files, std::cerr);
    int failed = summary.failed;
    for (const auto& l : liquidity) failed += l.ok ? 0 : 1;
    if (failed > 0) std::cerr << fmt::format("pftoken stress: {} scenario(s) failed (see the report)\n", failed);
    return failed > 0 ? 1 : 0;
}

}  // namespace

void register_stress(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<StressArgs>();
    auto* cmd = app.add_subcommand("stress", "Stress tests: scenarios, reverse stress, stochastic stress, pool liquidity");
    cmd->add_option("project", args->project, "Project YAML file")->required()->check(CLI::ExistingFile);
    cmd->add_option("--scenarios", args->scenarios, "Scenario YAML file (docs/stress.md)")->check(CLI::ExistingFile);
    cmd->add_flag("--library", args->library, "Run the standard library data/stress/library.yaml (default without --scenarios)");
    cmd->add_flag("--reverse", args->reverse, "Reverse stress: smallest shock per factor reaching each threshold");
    cmd->add_option("--mc", args->mc_paths, "Monte Carlo paths per scenario (stochastic stress)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10000000}));
    cmd->add_option("--seed", args->seed, "Monte Carlo seed");
    cmd->add_option("--threads", args->threads, "Monte Carlo worker threads (default 0 = all cores; results do not depend on it)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--pool", args->pool, "Pool YAML (data/pools/*.yaml) for token-market shocks")->check(CLI::ExistingFile);
    cmd->add_option("--format", args->format, "Output format")->check(CLI::IsMember({"table", "csv", "json", "all"}));
    cmd->add_option("--out", args->out, "Folder for the output files (else stdout)");
    cmd->add_option("--plots", args->plots, "Folder for SVG charts (docs/charts.md; needs gnuplot): stress.svg; with a v3 --pool also "
                                           "liquidity.svg and a liquidity heatmap per LP-withdrawal scenario");
    cmd->callback([args, &exit_code]() { exit_code = run_stress(*args); });
}

}  // namespace pftoken::cli
