// `pftoken mc PROJECT.yaml`: Monte Carlo through the full waterfall; prints a summary and
// writes tranches.csv, periods.csv, equity_irr.csv, summary.json (and paths.csv) to --out.
// Columns: docs/tools/mc.md; options, output rule and exit codes: docs/tools/README.md.
#include <iostream>
#include <memory>
#include <string>

#include "cli.hpp"
#include "commands.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/report/mc_report.hpp"

namespace pftoken::cli {
namespace {

using namespace pftoken::mc;

struct McArgs {
    CommonOptions common;
    std::string project;
    std::string method = "pseudo";
    bool antithetic = false;
    bool sensitivities = false;
    bool no_irr = false;
    std::string dump_paths = "0";
};

int run_mc(const McArgs& args) {
    ProjectMcOptions opt;
    opt.mc.paths = args.common.paths_value();
    opt.mc.seed = args.common.seed_value();
    opt.mc.threads = args.common.threads_value();
    if (args.method == "sobol") opt.mc.method = RandomMethod::Sobol;
    else if (args.method != "pseudo") throw InputError("--method", "must be pseudo or sobol, got '" + args.method + "'");
    opt.mc.antithetic = args.antithetic;
    opt.sensitivities = args.sensitivities;
    opt.equity_irr = !args.no_irr;
    opt.validate();
    const std::uint64_t dump_paths = parse_count("--dump-paths", args.dump_paths, 0, 100'000);
    if (dump_paths > 0 && args.common.out.empty()) throw InputError("--dump-paths", "needs --out DIR");
    (void)args.common.resolved_format();
    if (!args.common.out.empty()) check_output_folder(args.common.out, "--out");
    if (!args.common.plots.empty()) check_output_folder(args.common.plots, "--plots");

    const Project project = load_project(args.project);
    const StochasticSpec spec = load_stochastic(args.project);
    if (spec.empty() && !args.common.quiet)
        std::cerr << "pftoken mc: note: the project has no `stochastic:` section; every path is the base case\n";

    ProjectMcSummary summary;
    {
        const auto bar = args.common.progress(args.sensitivities ? "mc: paths, base + 4 sensitivity runs" : "mc: paths");
        opt.mc.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar->update(done, total); };
        summary = run_project_mc(project, spec, opt);
    }
    opt.mc.progress = nullptr;

    // Render everything first, then write.
    Rendered r;
    r.text_name = "mc.txt";
    r.text = report::mc_summary_text(summary);
    r.csv = {{"tranches.csv", to_csv(report::mc_tranches_table(summary))},
             {"periods.csv", to_csv(report::mc_periods_table(summary))},
             {"equity_irr.csv", to_csv(report::mc_equity_irr_table(summary))}};
    r.json = {{"summary.json", report::mc_summary_json(summary, opt)}};
    if (dump_paths > 0)
        r.extra.emplace_back("paths.csv", to_csv(report::mc_paths_table(dump_project_paths(project, spec, opt, dump_paths),
                                                                        summary.tranches.size())));
    if (!args.common.plots.empty()) r.plots = charts::render_mc_plots(summary, {.currency = project.currency});
    (void)emit(args.common, r);
    return kExitOk;
}

}  // namespace

void register_mc(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<McArgs>();
    auto* cmd = app.add_subcommand("mc", "Monte Carlo valuation and credit risk through the full waterfall "
                                         "(the project's `stochastic:` section, docs/monte-carlo.md)");
    cmd->add_option("project", args->project, "Project YAML file with a stochastic: section")->required();
    add_paths(*cmd, args->common, "10000");
    add_seed(*cmd, args->common);
    add_threads(*cmd, args->common);
    cmd->add_option("--method", args->method, "pseudo (default) or sobol (scrambled, 16 randomisations)");
    cmd->add_flag("--antithetic", args->antithetic, "Antithetic variates (paths in +Z/-Z pairs)");
    cmd->add_flag("--sensitivities", args->sensitivities,
                  "DV01, CS01, +1% price / volume / opex deltas by bump and revalue with common random numbers");
    cmd->add_flag("--no-irr", args->no_irr, "Skip the per-path equity IRR (faster)");
    add_format(*cmd, args->common);
    add_out(*cmd, args->common, "mc.txt; tranches.csv, periods.csv, equity_irr.csv; summary.json");
    cmd->add_option("--dump-paths", args->dump_paths, "Also write the per-period arrays of the first N paths (paths.csv)");
    add_plots(*cmd, args->common, "dscr_fan.svg, loss.svg, tornado.svg");
    add_quiet(*cmd, args->common);
    cmd->callback([args, &exit_code] { exit_code = run_command("mc", [&] { return run_mc(*args); }); });
}

}  // namespace pftoken::cli
