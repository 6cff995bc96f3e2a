// `pftoken abm SPEC.yaml [--project PROJECT.yaml] [--runs R] [--seed S] [--threads T] [--check-invariants] [--format ...]
// [--out DIR] [--plots DIR]`: the agent-based token economy (holders, vesting, staking, treasury
// trading into the price model) over R Monte Carlo runs. Guide: docs/tools/abm.md; options,
// output rule and exit codes: docs/tools/README.md.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/charts/charts.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/abm/monte_carlo.hpp"

namespace pftoken::cli {
namespace {

namespace abm = integration::abm;

struct AbmArgs {
    CommonOptions common;
    std::string spec;
    std::string runs;
    std::string project;
    bool check_invariants = false;
    CLI::Option* seed_option = nullptr;
};

std::vector<double> months_axis(const abm::McResult& r) {
    std::vector<double> x;
    for (std::size_t t = 0; t < r.bands[abm::kPrice].p50.size(); ++t) x.push_back(static_cast<double>(t));
    return x;
}

/// price_fan.svg, supply.svg, staking.svg, treasury.svg.
std::vector<charts::ChartFile> render_abm_plots(const abm::McResult& r) {
    const auto x = months_axis(r);
    const auto& price = r.bands[abm::kPrice];
    std::vector<charts::ChartFile> files;
    charts::FanChart fan;
    fan.title = fmt::format("{} price over {} runs", r.spec.symbol, r.runs);
    fan.x_label = "Month";
    fan.y_label = "Price (quote per token)";
    fan.x = x;
    // The bands the tables report: P10-P90 around the median (Hyndman-Fan type 7).
    fan.p5 = price.p10, fan.p50 = price.p50, fan.p95 = price.p90;
    fan.outer_label = "P10–P90";
    files.push_back({"price_fan.svg", charts::fan_chart(fan)});
    // Stacked: each line is the running sum of the buckets below it (P50 of each bucket).
    charts::LineChart supply{"Supply stacked (P50 of each bucket)", "Month", "Tokens", x, {}};
    std::vector<double> stacked(x.size(), 0.0);
    bool first = true;
    for (const auto m : {abm::kUnvested, abm::kCirculating, abm::kStaked, abm::kTreasuryTokens, abm::kPoolTokens, abm::kBurned}) {
        for (std::size_t t = 0; t < x.size(); ++t) stacked[t] += r.bands[m].p50[t];
        supply.series.push_back({(first ? "" : "+ ") + std::string(abm::metric_name(m)), stacked});
        first = false;
    }
    files.push_back({"supply.svg", charts::line_chart(supply)});
    std::vector<double> apy, utilisation;
    for (std::size_t t = 0; t < x.size(); ++t) {
        apy.push_back(100.0 * r.bands[abm::kApy].p50[t]);
        utilisation.push_back(100.0 * r.bands[abm::kUtilisation].p50[t]);
    }
    files.push_back({"staking.svg", charts::line_chart({"Staking (P50)", "Month", "Percent", x,
                                                        {{"APY", apy}, {"utilisation of capacity", utilisation}}})});
    // Total value = quote + tokens x price + LP position (bands), and its parts (P50).
    const auto& value = r.bands[abm::kTreasuryValue];
    files.push_back({"treasury.svg",
                     charts::line_chart({"Treasury value at the pool price", "Month", "Quote", x,
                                         {{"total value P10", value.p10},
                                          {"total value P50", value.p50},
                                          {"total value P90", value.p90},
                                          {"quote held P50", r.bands[abm::kTreasuryQuote].p50},
                                          {"LP position P50", r.bands[abm::kTreasuryLpValue].p50},
                                          {"LP fees earned P50", r.bands[abm::kTreasuryLpFees].p50}}})});
    return files;
}

int run_abm_command(const AbmArgs& args) {
    (void)args.common.resolved_format();
    if (!args.common.out.empty()) check_output_folder(args.common.out, "--out");
    if (!args.common.plots.empty()) check_output_folder(args.common.plots, "--plots");
    abm::Spec spec = abm::load_spec(args.spec);
    if (!args.project.empty()) {
        if (!spec.project.enabled)
            throw InputError("--project", "the spec has no project: section (the token and the holders' sensitivities)");
        spec.project.file = args.project;
    }
    const abm::Model model = abm::build_model(spec);
    abm::McOptions options;
    options.runs = args.runs.empty() ? static_cast<std::size_t>(spec.runs)
                                     : static_cast<std::size_t>(parse_count("--runs", args.runs, 1, 100'000));
    options.seed = args.seed_option != nullptr && args.seed_option->count() > 0 ? args.common.seed_value() : spec.seed;
    options.threads = static_cast<unsigned>(args.common.threads_value());
    options.check_invariants = args.check_invariants;
    abm::McResult result;
    {
        const auto bar = args.common.progress("abm: runs");
        options.progress = [&bar](std::size_t done, std::size_t total) { bar->update(done, total); };
        result = abm::run_abm(model, options);
    }
    const Table summary = abm::abm_summary_table(result);
    const Table cohorts = abm::abm_cohorts_table(result);
    const Table steps = abm::abm_steps_table(result);
    const Table cohort_steps = abm::abm_cohort_steps_table(result);

    Rendered r;
    r.text_name = "abm.txt";
    r.text = fmt::format("Token economy '{}' ({}): {} runs x {} months, seed {}, P10/P50/P90 across runs "
                         "(Hyndman-Fan type 7)\n\n",
                         spec.name, spec.symbol, result.runs, spec.months, options.seed);
    r.text += to_text(summary, {.title = "Summary"});
    r.text += '\n';
    r.text += to_text(cohorts, {.title = "Cohorts (realised P&L = proceeds net of the treasury fee - entry cost)"});
    r.text += '\n';
    r.text += to_text(steps, {.title = "Per month (P50 unless stated)"});
    r.csv = {{"abm_summary.csv", to_csv(summary)},
             {"abm_cohorts.csv", to_csv(cohorts)},
             {"abm_steps.csv", to_csv(steps)},
             {"abm_cohort_steps.csv", to_csv(cohort_steps)}};
    r.json = {{"abm_summary.json", to_json(summary)},
              {"abm_cohorts.json", to_json(cohorts)},
              {"abm_steps.json", to_json(steps)},
              {"abm_cohort_steps.json", to_json(cohort_steps)}};
    if (!args.common.plots.empty()) r.plots = render_abm_plots(result);
    (void)emit(args.common, r);
    return kExitOk;
}

}  // namespace

void register_abm(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<AbmArgs>();
    CLI::App* cmd = app.add_subcommand(
        "abm", "Agent-based token economy: every holder, vesting, staking and treasury trading into the price model, "
               "over Monte Carlo runs");
    cmd->add_option("spec", args->spec, "abm spec (YAML), e.g. data/examples/abm/utility_launch.yaml")->required();
    cmd->add_option("--runs", args->runs, "Monte Carlo runs (default: the spec's monte_carlo.runs)");
    cmd->add_option("--project", args->project,
                    "Project YAML whose Monte Carlo paths the runs follow (overrides the spec's project.file)");
    args->seed_option = cmd->add_option("--seed", args->common.seed,
                                        "Master seed, 0 to 2^64 - 1 (default: the spec's monte_carlo.seed; same seed, same "
                                        "bits on any thread count)");
    add_threads(*cmd, args->common);
    cmd->add_flag("--check-invariants", args->check_invariants,
                  "Assert the integer supply and cash ledger after every step of every run (exit 3 if broken)");
    add_format(*cmd, args->common);
    add_out(*cmd, args->common,
            "abm.txt; abm_summary.csv, abm_cohorts.csv, abm_steps.csv, abm_cohort_steps.csv; the same as .json");
    add_plots(*cmd, args->common, "price_fan.svg, supply.svg, staking.svg, treasury.svg");
    add_quiet(*cmd, args->common);
    cmd->callback([args, &exit_code] { exit_code = run_command("abm", [&] { return run_abm_command(*args); }); });
}

}  // namespace pftoken::cli
