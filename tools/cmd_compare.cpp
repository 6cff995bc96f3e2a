// `pftoken compare PROJECT.yaml --pool POOL.yaml`: DCF value vs market signals for the pool's
// token (fair value, implied spread and haircut, arbitrage, liquidity allocation, propagation,
// feedback loop). Fields and formats: docs/tools/compare.md; options, output rule and exit
// codes: docs/tools/README.md.
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli.hpp"
#include "commands.hpp"
#include "compare_options.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/compare.hpp"
#include "pftoken/integration/fair_value.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"

namespace pftoken::cli {
namespace {

struct CompareArgs {
    CommonOptions common;
    std::string project;
    std::string pool;
    CompareCliOptions compare;
};

int run_compare_command(const CompareArgs& args) {
    // ---- options (named as the user typed them), then every input
    (void)args.common.resolved_format();
    (void)parse_compare_options(args.compare, args.common);  // a bad option fails before any file is read
    if (!args.common.out.empty()) check_output_folder(args.common.out, "--out");
    if (!args.common.plots.empty()) check_output_folder(args.common.plots, "--plots");

    const Project project = load_project(args.project);
    const integration::PoolSpec pool = integration::load_pool(args.pool);
    PreparedCompare prepared = prepare_compare(args.compare, args.common, args.project, project, args.pool, pool);
    const std::size_t k = prepared.tranche;

    // ---- compute and render
    const auto report = run_prepared_compare(project, pool, prepared, args.common, "compare --mc: paths");
    Rendered r;
    r.text_name = "compare.txt";
    r.text = integration::compare_table(report);
    r.csv = {{"compare.csv", integration::compare_csv(report)}};
    r.json = {{"compare.json", integration::compare_json(report)}};
    if (!args.common.plots.empty()) {
        r.plots = charts::render_pool_plots(pool);
        for (auto& f : charts::render_life_liquidity_plots(report.liquidity_life, project.tranches[k].token.symbol))
            r.plots.push_back(std::move(f));
    }
    (void)emit(args.common, r);
    return kExitOk;
}

}  // namespace

void add_compare_options(CLI::App& cmd, CompareCliOptions& options) {
    cmd.add_flag("--mc", options.mc, "Fair value on Monte Carlo paths (needs the project's stochastic section)");
    cmd.add_option("--sale-share", options.sale_share, "Q as a share of the token supply, in (0, 1] (default 0.01)");
    cmd.add_option("--max-move", options.max_move, "Largest price fall allowed for selling Q, in (0, 1) (default 0.05)");
    cmd.add_option("--propagation-paths", options.propagation_paths, "Propagation paths (default 200)");
    cmd.add_option("--volatility", options.volatility, "GBM propagation only (without --mc): annual volatility of the fair value");
    cmd.add_option("--noise", options.noise, "Std. dev. of one weekly noise trade, tokens, in [0, supply] (default 0.1% of supply)");
}

integration::CompareOptions parse_compare_options(const CompareCliOptions& cli, const CommonOptions& common) {
    integration::CompareOptions options;
    options.mc_paths = cli.mc ? common.paths_value(10'000'000) : 0;
    options.seed = common.seed_value();
    constexpr double kAny = std::numeric_limits<double>::max();
    options.sale_share = parse_real("--sale-share", cli.sale_share, -kAny, kAny);
    if (!(options.sale_share > 0.0 && options.sale_share <= 1.0)) throw InputError("--sale-share", "must be in (0, 1], got " + cli.sale_share);
    options.max_price_move = parse_real("--max-move", cli.max_move, -kAny, kAny);
    if (!(options.max_price_move > 0.0 && options.max_price_move < 1.0))
        throw InputError("--max-move", "must be in (0, 1), got " + cli.max_move);
    options.propagation.paths = parse_count("--propagation-paths", cli.propagation_paths, 1, 1'000'000);
    options.propagation.volatility = parse_real("--volatility", cli.volatility, 0.0, 10.0);
    return options;
}

PreparedCompare prepare_compare(const CompareCliOptions& cli, const CommonOptions& common, const std::string& project_path,
                                const Project& project, const std::string& pool_path, const integration::PoolSpec& pool) {
    PreparedCompare prepared;
    prepared.options = parse_compare_options(cli, common);
    prepared.tranche = integration::find_tranche(project, pool.token, pool_path + ": pool.token");
    if (cli.mc) prepared.stochastic = mc::load_stochastic(project_path);
    const double supply = project.tranches[prepared.tranche].token.supply;
    prepared.options.propagation.noise_trade_tokens = cli.noise.empty() ? 0.001 * supply : parse_real("--noise", cli.noise, 0.0, supply);
    std::string why;
    if (!prepared.options.isValid(&why)) {
        const auto colon = why.find(": ");
        throw InputError(why.substr(0, colon), colon == std::string::npos ? why : why.substr(colon + 2));
    }
    return prepared;
}

integration::CompareReport run_prepared_compare(const Project& project, const integration::PoolSpec& pool,
                                                PreparedCompare& prepared, const CommonOptions& common, const std::string& label) {
    const auto bar = common.progress(label);
    if (prepared.stochastic)
        prepared.options.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar->update(done, total); };
    auto report = integration::run_compare(project, pool, prepared.stochastic ? &*prepared.stochastic : nullptr, prepared.options);
    bar->finish();
    prepared.options.progress = nullptr;
    return report;
}

void register_compare(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<CompareArgs>();
    auto* cmd = app.add_subcommand("compare", "DCF value vs the token's pool: fair value, implied spread, "
                                              "arbitrage, liquidity, propagation, feedback");
    cmd->add_option("project", args->project, "Project YAML file")->required();
    cmd->add_option("--pool", args->pool, "Pool YAML (data/pools/*.yaml); its token is the tranche compared")->required();
    add_paths(*cmd, args->common, "2000");
    add_seed(*cmd, args->common, "Seed of the Monte Carlo and the propagation");
    add_compare_options(*cmd, args->compare);
    add_format(*cmd, args->common);
    add_out(*cmd, args->common, "compare.txt; compare.csv; compare.json");
    add_plots(*cmd, args->common, "liquidity_over_life.svg, and liquidity.svg for a v3 pool");
    add_quiet(*cmd, args->common);
    cmd->callback([args, &exit_code]() { exit_code = run_command("compare", [&] { return run_compare_command(*args); }); });
}

}  // namespace pftoken::cli
