// `pftoken stress PROJECT.yaml`: scenario, reverse, stochastic and liquidity stress tests.
//
// A batch: every scenario runs; a failed one is reported with its reason on stderr, the rest
// finish, the outputs are written and the exit code is 4 (docs/tools/README.md). Columns and
// formats: docs/tools/stress.md.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "commands.hpp"
#include "pftoken/base/format.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/fair_value.hpp"
#include "pftoken/integration/liquidity_stress.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/stress/mc_stress.hpp"
#include "pftoken/stress/report.hpp"
#include "pftoken/stress/reverse.hpp"
#include "pftoken/stress/scenario.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::cli {
namespace {


struct StressArgs {
    CommonOptions common;
    std::string project;
    std::string scenarios;
    bool library = false;
    bool reverse = false;
    bool mc = false;
    std::string pool;
};

int run_stress(const StressArgs& args) {
    // ---- options, then every input, before any computation
    (void)args.common.resolved_format();
    stress::McStressOptions mc_options;
    if (args.mc) {
        mc_options.paths = args.common.paths_value(10'000'000);
        mc_options.seed = args.common.seed_value();
        mc_options.threads = args.common.threads_value();
    }
    if (!args.common.out.empty()) check_output_folder(args.common.out, "--out");
    if (!args.common.plots.empty()) check_output_folder(args.common.plots, "--plots");

    const Project project = load_project(args.project);
    if (args.mc) {
        // The paths `pftoken mc` draws: the project's own model, never a built-in one.
        mc_options.spec = mc::load_stochastic(args.project);
        if (mc_options.spec.empty())
            throw InputError(args.project + ": stochastic",
                             "--mc simulates the project's `stochastic:` section (as `pftoken mc` does) and the "
                             "project has none, or every factor in it is disabled: add one (docs/monte-carlo.md) "
                             "or run without --mc");
    }
    std::vector<stress::Scenario> scenarios;
    if (args.library || args.scenarios.empty()) {
        auto lib = stress::load_scenarios(shipped_data_file("stress/library.yaml", "--library"));
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
    if (!args.pool.empty()) {
        pool = integration::load_pool(args.pool);
        integration::check_pool_token(*pool, project, args.pool);  // a tranche's or the equity's token
    }

    // ---- compute
    stress::StressEngine engine(project);
    const auto summary = engine.run_all(scenarios);
    std::optional<stress::ReverseSummary> reverse;
    if (args.reverse) reverse = stress::reverse_stress(engine);
    std::vector<integration::LiquidityStressResult> liquidity;
    if (pool) liquidity = integration::run_liquidity_stress(*pool, project, scenarios, summary);
    std::optional<stress::McStressSummary> mc;
    if (args.mc) {
        const auto bar = args.common.progress("stress --mc: scenarios");
        mc_options.progress = [&bar](std::size_t done, std::size_t total) { bar->update(done, total); };
        mc = stress::run_mc_stress(project, scenarios, mc_options);
    }

    // ---- render
    Rendered r;
    r.text_name = "stress.txt";
    r.text = fmt::format("Stress test: {} ({} scenarios); tranche prices at {}\n\n", project.name, scenarios.size(),
                         format::iso_date(debt_valuation_date(project)));
    r.text += stress::scenarios_table(summary);
    if (reverse) r.text += "\nReverse stress (smallest adverse shock per factor and target)\n" + stress::reverse_table(*reverse);
    if (mc) r.text += "\nStochastic stress (" + std::to_string(mc_options.paths) + " paths per scenario)\n" + stress::mc_stress_table(*mc);
    if (pool) {
        r.text += fmt::format("\nLiquidity stress on {} ({})\n", pool->name.empty() ? pool->token : pool->name,
                              pool->type == integration::PoolSpec::Type::V2 ? "v2" : "v3");
        r.text += integration::liquidity_table(liquidity);
        if (liquidity.empty()) r.text += "(no scenario has token-market shocks)\n";
    } else {
        int market = 0;
        for (const auto& s : scenarios) market += s.has_market_shocks() ? 1 : 0;
        if (market > 0)
            r.text += fmt::format("\n{} scenario(s) with token-market shocks: give --pool POOL.yaml to evaluate them\n",
                                  market);
    }
    r.csv.emplace_back("stress_scenarios.csv", stress::scenarios_csv(summary));
    if (reverse) r.csv.emplace_back("stress_reverse.csv", stress::reverse_csv(*reverse));
    if (mc) r.csv.emplace_back("stress_mc.csv", stress::mc_stress_csv(*mc));
    if (pool) r.csv.emplace_back("stress_liquidity.csv", integration::liquidity_csv(liquidity));
    nlohmann::json json;
    json["project"] = project.name;
    json["scenarios"] = stress::scenarios_json(summary);
    if (reverse) json["reverse"] = stress::reverse_json(*reverse);
    if (mc) json["mc"] = stress::mc_stress_json(*mc);
    if (pool) json["liquidity"] = integration::liquidity_json(liquidity);
    r.json.emplace_back("stress.json", dump_json(json, 2));
    if (!args.common.plots.empty()) {
        r.plots = charts::render_stress_plots(summary);
        if (pool)
            for (auto& f : charts::render_pool_plots(*pool, liquidity)) r.plots.push_back(std::move(f));
    }
    (void)emit(args.common, r);

    // ---- the batch policy: every failed item with its reason, exit 4 when any failed
    std::vector<std::string> failures;
    for (const auto& s : summary.scenarios)
        if (!s.ok) failures.push_back(fmt::format("scenario '{}': {}", s.name, s.error));
    if (mc)
        for (const auto& s : mc->scenarios)
            if (!s.ok) failures.push_back(fmt::format("stochastic stress of scenario '{}': {}", s.name, s.error));
    for (const auto& l : liquidity)
        if (!l.ok) failures.push_back(fmt::format("liquidity stress of scenario '{}': {}", l.scenario, l.error));
    if (failures.empty()) return kExitOk;
    for (const auto& f : failures) std::cerr << "pftoken stress: failed: " << f << '\n';
    std::cerr << fmt::format("pftoken stress: {} item(s) failed; the others finished and were written (exit code {})\n",
                             failures.size(), static_cast<int>(kExitBatchFailed));
    return kExitBatchFailed;
}

}  // namespace

void register_stress(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<StressArgs>();
    auto* cmd = app.add_subcommand("stress", "Stress tests: scenarios, reverse stress, stochastic stress, pool liquidity");
    cmd->add_option("project", args->project, "Project YAML file")->required();
    cmd->add_option("--scenarios", args->scenarios, "Scenario YAML file (docs/stress.md)");
    cmd->add_flag("--library", args->library, "Run the standard library data/stress/library.yaml (default without --scenarios)");
    cmd->add_flag("--reverse", args->reverse, "Reverse stress: smallest shock per factor reaching each threshold");
    cmd->add_flag("--mc", args->mc, "Stochastic stress: a Monte Carlo of --paths paths around every scenario");
    add_paths(*cmd, args->common, "2000");
    add_seed(*cmd, args->common);
    add_threads(*cmd, args->common);
    cmd->add_option("--pool", args->pool, "Pool YAML (data/pools/*.yaml) for token-market shocks");
    add_format(*cmd, args->common);
    add_out(*cmd, args->common, "stress.txt; stress_scenarios.csv, stress_reverse.csv, stress_mc.csv, "
                                "stress_liquidity.csv; stress.json");
    add_plots(*cmd, args->common, "stress.svg; with a v3 --pool also liquidity.svg and a liquidity heatmap per "
                                  "LP-withdrawal scenario");
    add_quiet(*cmd, args->common);
    cmd->callback([args, &exit_code]() { exit_code = run_command("stress", [&] { return run_stress(*args); }); });
}

}  // namespace pftoken::cli
