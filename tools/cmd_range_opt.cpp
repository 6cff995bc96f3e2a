// `pftoken range-opt SPEC.yaml [--format table|csv|json|all] [--out DIR]`: the optimal v3 LP range.
// Options, output rule and exit codes: docs/tools/README.md.
#include <memory>
#include <string>

#include "cli.hpp"
#include "commands.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/range_opt_report.hpp"

namespace pftoken::cli {
namespace {

struct RangeOptArgs {
    CommonOptions common;
    std::string spec;
};

/// Everything is computed and rendered before the first byte is written.
int run_range_opt(const RangeOptArgs& args) {
    (void)args.common.resolved_format();
    if (!args.common.out.empty()) check_output_folder(args.common.out, "--out");
    if (!args.common.plots.empty()) check_output_folder(args.common.plots, "--plots");
    const integration::RangeOptSpec spec = integration::load_range_opt_spec(args.spec);
    const integration::RangeOptReport report = integration::run_range_opt_spec(spec);

    Rendered r;
    r.text_name = "range_opt.txt";
    r.text = integration::format_range_opt_table(report);
    r.csv = {{"range_opt_frontier.csv", integration::format_range_opt_csv(report)}};
    r.json = {{"range_opt.json", integration::format_range_opt_json(report)}};
    if (!args.common.plots.empty()) r.plots = charts::render_range_opt_plots(report.result);
    (void)emit(args.common, r);
    return kExitOk;
}

}  // namespace

void register_range_opt(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<RangeOptArgs>();
    CLI::App* cmd = app.add_subcommand(
        "range-opt",
        "Optimal Uniswap v3 LP range: maximise E[fees] - E[LVR] - E[rebalancing] - lambda CVaR "
        "over every range on a tick grid");
    cmd->add_option("spec", args->spec, "range-opt spec (YAML), e.g. data/range_opt/gbm.yaml")->required();
    add_format(*cmd, args->common);
    add_out(*cmd, args->common, "range_opt.txt; range_opt_frontier.csv; range_opt.json");
    add_plots(*cmd, args->common, "frontier.svg");
    add_quiet(*cmd, args->common);
    cmd->callback([args, &exit_code] { exit_code = run_command("range-opt", [&] { return run_range_opt(*args); }); });
}

}  // namespace pftoken::cli
