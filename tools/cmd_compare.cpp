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
    bool mc = false;
    std::string sale_share = "0.01";
    std::string max_move = "0.05";
    std::string propagation_paths = "200";
    std::string volatility = "0.10";
    std::string noise;  ///< tokens; "" = 0.1% of supply
};

int run_compare_command(const CompareArgs& args) {
    // ---- options (named as the user typed them), then every input
    (void)args.common.resolved_format();
    integration::CompareOptions options;
    options.mc_paths = args.mc ? args.common.paths_value(10'000'000) : 0;
    options.seed = args.common.seed_value();
    constexpr double kAny = std::numeric_limits<double>::max();
    options.sale_share = parse_real("--sale-share", args.sale_share, -kAny, kAny);
    if (!(options.sale_share > 0.0 && options.sale_share <= 1.0)) throw InputError("--sale-share", "must be in (0, 1], got " + args.sale_share);
    options.max_price_move = parse_real("--max-move", args.max_move, -kAny, kAny);
    if (!(options.max_price_move > 0.0 && options.max_price_move < 1.0))
        throw InputError("--max-move", "must be in (0, 1), got " + args.max_move);
    options.propagation.paths = parse_count("--propagation-paths", args.propagation_paths, 1, 1'000'000);
    options.propagation.volatility = parse_real("--volatility", args.volatility, 0.0, 10.0);
    if (!args.common.out.empty()) check_output_folder(args.common.out, "--out");
    if (!args.common.plots.empty()) check_output_folder(args.common.plots, "--plots");

    const Project project = load_project(args.project);
    const integration::PoolSpec pool = integration::load_pool(args.pool);
    const std::size_t k = integration::find_tranche(project, pool.token, args.pool + ": pool.token");
    std::optional<mc::StochasticSpec> stochastic;
    if (args.mc) stochastic = mc::load_stochastic(args.project);
    const double supply = project.tranches[k].token.supply;
    options.propagation.noise_trade_tokens =
        args.noise.empty() ? 0.001 * supply : parse_real("--noise", args.noise, 0.0, supply);
    std::string why;
    if (!options.isValid(&why)) {
        const auto colon = why.find(": ");
        throw InputError(why.substr(0, colon), colon == std::string::npos ? why : why.substr(colon + 2));
    }

    // ---- compute and render
    const auto bar = args.common.progress("compare --mc: paths");
    if (args.mc) options.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar->update(done, total); };
    const auto report = integration::run_compare(project, pool, stochastic ? &*stochastic : nullptr, options);
    bar->finish();
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

void register_compare(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<CompareArgs>();
    auto* cmd = app.add_subcommand("compare", "DCF value vs the token's pool: fair value, implied spread, "
                                              "arbitrage, liquidity, propagation, feedback");
    cmd->add_option("project", args->project, "Project YAML file")->required();
    cmd->add_option("--pool", args->pool, "Pool YAML (data/pools/*.yaml); its token is the tranche compared")->required();
    cmd->add_flag("--mc", args->mc, "Fair value on Monte Carlo paths (needs the project's stochastic section)");
    add_paths(*cmd, args->common, "2000");
    add_seed(*cmd, args->common, "Seed of the Monte Carlo and the propagation");
    cmd->add_option("--sale-share", args->sale_share, "Q as a share of the token supply, in (0, 1] (default 0.01)");
    cmd->add_option("--max-move", args->max_move, "Largest price fall allowed for selling Q, in (0, 1) (default 0.05)");
    cmd->add_option("--propagation-paths", args->propagation_paths, "Propagation paths (default 200)");
    cmd->add_option("--volatility", args->volatility, "GBM propagation only (without --mc): annual volatility of the fair value");
    cmd->add_option("--noise", args->noise, "Std. dev. of one weekly noise trade, tokens, in [0, supply] (default 0.1% of supply)");
    add_format(*cmd, args->common);
    add_out(*cmd, args->common, "compare.txt; compare.csv; compare.json");
    add_plots(*cmd, args->common, "liquidity_over_life.svg, and liquidity.svg for a v3 pool");
    add_quiet(*cmd, args->common);
    cmd->callback([args, &exit_code]() { exit_code = run_command("compare", [&] { return run_compare_command(*args); }); });
}

}  // namespace pftoken::cli
