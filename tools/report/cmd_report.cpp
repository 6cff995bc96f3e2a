// `pftoken report PROJECT.yaml [--pool POOL.yaml] [--paths N] [--range-opt SPEC.yaml] --out DIR`:
// one self-contained HTML page (inline CSS and SVG, no scripts, no network) with the valuation,
// tranches, covenants, Monte Carlo, stress, DCF-vs-market and every chart (docs/tools/report.md).
//
// No partial output: the whole page is built in memory and written to DIR/report.html by the
// all-or-nothing OutputSet (docs/tools/README.md).
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "../cli.hpp"
#include "../commands.hpp"
#include "../compare_options.hpp"
#include "pftoken/base/format.hpp"
#include "pftoken/base/output.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/charts/charts.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/compare.hpp"
#include "pftoken/integration/compare_pool.hpp"
#include "pftoken/integration/range_opt_report.hpp"
#include "pftoken/integration/range_opt_spec.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/report/mc_report.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/stress/scenario.hpp"

namespace pftoken::cli {
namespace {


struct ReportArgs {
    CommonOptions common;
    std::string project;
    std::string pool;
    std::string range_opt;
    CompareCliOptions compare;      ///< the options of `pftoken compare` (DCF-vs-market section)
    std::uint64_t mc_paths = 2000;  ///< from --paths
    std::uint64_t seed = 42;        ///< from --seed
    int threads = 0;                ///< from --threads
};

std::string esc(const std::string& s) { return html_escape(s); }

std::string n2(double v, int digits = 2) { return format::fixed(v, digits); }
std::string money(double v) { return format::money(v); }
std::string pct(double v) { return format::percent(v); }
std::string date(const CalendarDate& d) { return format::iso_date(d); }

/// Collects the page; each chart is a <figure class="chart"> with its SVG inlined.
class Page {
  public:
    void h2(const std::string& text) { body_ += "<h2>" + esc(text) + "</h2>\n"; }
    void p(const std::string& text) { body_ += "<p>" + esc(text) + "</p>\n"; }
    void pre(const std::string& text) { body_ += "<pre>" + esc(text) + "</pre>\n"; }
    void table(const Table& table) { body_ += to_html(table); }
    void kv(const std::vector<std::pair<std::string, std::string>>& rows) {
        body_ += "<table class=\"kv\"><tbody>\n";
        for (const auto& [k, v] : rows) body_ += "<tr><th>" + esc(k) + "</th><td class=\"num\">" + esc(v) + "</td></tr>\n";
        body_ += "</tbody></table>\n";
    }
    void chart(const std::string& name, const std::string& svg, const std::string& caption) {
        ++charts_;
        body_ += fmt::format("<figure class=\"chart\" id=\"chart-{}\">\n", name);
        body_ += charts::inline_svg(svg, fmt::format("c{}_", charts_));
        body_ += "<figcaption>" + esc(caption) + "</figcaption></figure>\n";
    }
    [[nodiscard]] std::string html(const std::string& title) const {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" + esc(title) +
               "</title>\n<style>\n"
               "body{font-family:sans-serif;margin:2em auto;max-width:1000px;color:#222;line-height:1.4}\n"
               "h1{color:#1F3A5F}h2{color:#0072B2;border-bottom:2px solid #E69F00;padding-bottom:.2em;margin-top:2em}\n"
               "table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{padding:.3em .7em;border-bottom:1px solid #ddd}\n"
               "th{background:#f3f6f9;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}\n" +
               html_table_css() +
               "figure.chart{margin:1.5em 0}figure.chart svg{display:block;width:100%;height:auto}\n"
               "figcaption{font-size:.85em;color:#555}pre{background:#f7f7f7;padding:1em;overflow-x:auto;font-size:.8em}\n"
               "</style></head>\n<body>\n<h1>" +
               esc(title) + "</h1>\n" + body_ + "</body></html>\n";
    }

  private:
    std::string body_;
    int charts_ = 0;
};

void section_valuation(Page& page, const Project& project, const ValuationResult& v) {
    page.h2("Valuation summary");
    page.kv({{"Currency", v.currency},
             {"Financial close (equity valuation date)", date(v.valuation_date)},
             {"COD", date(v.grid.cod)},
             {"Tranche prices at" + std::string(v.seasoned ? " (seasoned: actuals)" : ""), date(v.debt_valuation_date)},
             {"Total capex", money(v.total_capex)},
             {"Total debt", money(v.total_debt)},
             {"Gearing", pct(v.gearing)},
             {"Project IRR (unlevered, post-tax)", pct(v.project_irr)},
             {"Equity contribution", money(v.equity.contribution)},
             {"Equity NPV at cost of equity", money(v.equity.npv)},
             {"Equity IRR", pct(v.equity.irr)},
             {"Equity value per token (" + v.equity.symbol + ")", n2(v.equity.price_per_token, 4)}});
    page.h2("Tranches");
    Table tranches("tranches");
    tranches.text("tranche", "Tranche").integer("rank", {}, "Rank").money("principal", {}, 10, "Principal");
    tranches.money("pv", {}, 10, "PV at " + date(v.debt_valuation_date)).real("price", 10, 4, {}, "Price/token (dirty)");
    tranches.real("clean", 10, 4, {}, "Clean/token").real("outstanding", 10, 4, {}, "Outstanding/token");
    tranches.real("par", 10, 2, {}, "% par");
    tranches.percent("yield", 10, 2, "Yield").real("wal", 10, 2, "y", "WAL").real("mod_duration", 10, 2, "y", "Mod. duration");
    tranches.real("z_spread", 10, 1, "bp", "Z-spread").display("z_spread", {.scale = 1e4});
    tranches.money("unpaid", {}, 10, "Unpaid at end").flag("payment_default", "Payment default");
    for (const auto& t : v.tranches)
        tranches.add_row({t.name + " (" + t.symbol + ")", std::int64_t{t.rank}, t.principal, t.pv, t.price_per_token,
                          t.clean_price_per_token, t.outstanding_per_token, t.price_pct_of_par, t.yield, t.wal, t.modified_duration, t.z_spread, t.final_balance,
                          t.payment_default});
    page.table(tranches);
    const auto& c = v.covenants;
    page.h2("Covenants");
    page.kv({{"Lock-up DSCR threshold", n2(project.covenants.lockup_dscr) + "x"},
             {"Default DSCR threshold", n2(project.covenants.default_dscr) + "x"},
             {"Min DSCR", n2(c.min_dscr) + "x" + (c.min_dscr_period >= 0 ? " on " + date(c.min_dscr_date) : "")},
             {"Average DSCR", n2(c.average_dscr) + "x"},
             {"Minimum LTM DSCR", n2(c.min_ltm_dscr) + "x"},
             {"LLCR at COD", n2(c.llcr_at_cod) + "x"},
             {"PLCR at COD", n2(c.plcr_at_cod) + "x"},
             {"Minimum LLCR", n2(c.min_llcr) + "x"},
             {"Periods in lock-up", std::to_string(c.lockup_periods)},
             {"Periods in default", std::to_string(c.default_periods)},
             {"Periods with DSRA draws", std::to_string(c.dsra_draw_periods)},
             {"Total cash swept", money(c.total_swept)}});
    page.chart("waterfall", charts::waterfall_chart(charts::waterfall_from(v)),
               "Uses of CFADS per operating period, stacked in payment order; the line is CFADS.");
    page.chart("coverage", charts::coverage_chart(charts::coverage_from(v, project.covenants)),
               "Period DSCR and ex-post LLCR of the base case against the lock-up and default thresholds.");
}

void section_mc(Page& page, const Project& project, const ReportArgs& args) {
    page.h2("Monte Carlo");
    const mc::StochasticSpec spec = mc::load_stochastic(args.project);
    mc::ProjectMcOptions options;
    options.mc.paths = args.mc_paths;
    options.mc.seed = args.seed;
    options.mc.threads = args.threads;
    const auto bar = args.common.progress("report: Monte Carlo paths");
    options.mc.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar->update(done, total); };
    options.sensitivities = true;
    const mc::ProjectMcSummary s = mc::run_project_mc(project, spec, options);
    bar->finish();
    options.mc.progress = nullptr;
    page.p(fmt::format("{} paths, seed {}, {} (antithetic: {}).", s.paths, s.seed,
                       s.method == mc::RandomMethod::Sobol ? "Sobol" : "pseudo-random", s.antithetic ? "yes" : "no"));
    // The names and probabilities `pftoken mc` prints (docs/conventions.md, "Names and units").
    page.table(report::mc_tokens_display_table(s));
    page.chart("dscr-fan", charts::fan_chart(charts::dscr_fan_from(s)),
               "Per-period DSCR over Monte Carlo paths: P5–P95 band and median.");
    // Token value over time: outstanding principal per token of the senior tranche on a sample of
    // the same paths (the summary keeps percentiles of PV only at COD).
    if (!s.tranches.empty() && s.tranches[0].supply > 0) {
        const std::uint64_t sample = std::min<std::uint64_t>(s.paths, 200);
        const auto dumps = mc::dump_project_paths(project, spec, options, sample);
        const auto periods = static_cast<std::size_t>(s.periods);
        std::vector<double> values(dumps.size() * periods);
        for (std::size_t p = 0; p < dumps.size(); ++p)
            for (std::size_t t = 0; t < periods; ++t) values[p * periods + t] = dumps[p].tranche_balance[t] / s.tranches[0].supply;
        auto fan = charts::fan_from_paths(values, dumps.size(), s.per_period.time);
        fan.title = fmt::format("{} token value (outstanding principal per token), {} paths", s.tranches[0].symbol, dumps.size());
        fan.y_label = "Principal per token (" + project.currency + ")";
        page.chart("token-fan", charts::fan_chart(fan), "Outstanding principal per token over paths: P5–P95, P25–P75 and median.");
    }
    const auto loss = charts::loss_from(s);
    if (!loss.tranches.empty())
        page.chart("loss", charts::loss_chart(loss),
                   "Loss of value per token (mean minus quantile) as a share of the mean, with VaR and CVaR at 95%.");
    if (!s.tranches.empty())
        page.chart("tornado", charts::tornado_chart(charts::tornado_from(s, 0)),
                   "Change of the senior token's value per token, linearised from common-random-number 1% / 1 bp bumps.");
}

/// The standard library's scenarios and their deterministic results (also used by the market section).
struct StressRun {
    std::vector<stress::Scenario> scenarios;
    stress::StressSummary summary;
};

StressRun section_stress(Page& page, const Project& project) {
    page.h2("Stress scenarios");
    StressRun run;
    run.scenarios = stress::load_scenarios(shipped_data_file("stress/library.yaml", "report"));
    stress::StressEngine engine(project);
    run.summary = engine.run_all(run.scenarios);
    const auto& summary = run.summary;
    Table scenarios("stress_scenarios");
    scenarios.text("scenario", "Scenario").money("equity_value", {}, 10, "Equity value");
    scenarios.money("change", {}, 10, "Change").percent("equity_irr", 10, 2, "Equity IRR");
    scenarios.real("min_dscr", 10, 2, {}, "Min DSCR").display("min_dscr", {.suffix = "x"});
    scenarios.text("lockup_default", "Lock-up / default periods").text("first_loss", "First loss tranche");
    std::string failed;
    for (const auto& s : summary.scenarios) {
        if (!s.ok) {
            failed += (failed.empty() ? "" : "; ") + s.name + ": " + s.error;
            continue;
        }
        const auto& m = s.metrics;
        scenarios.add_row({s.name, m.equity_value, m.equity_value_change, m.equity_irr, m.min_dscr,
                           std::to_string(m.lockup_periods) + " / " + std::to_string(m.default_periods),
                           m.first_loss_tranche.empty() ? std::string("none") : m.first_loss_tranche});
    }
    page.table(scenarios);
    if (!failed.empty()) page.p("Failed scenarios: " + failed);
    const auto bars = charts::stress_bars_from(summary);
    if (!bars.categories.empty())
        page.chart("stress", charts::bar_chart(bars, {900, 520, charts::ImageFormat::Svg}),
                   "Equity value and minimum DSCR per scenario, as a change from the base case.");
    return run;
}

/// The `pftoken compare` report with the same function and options as the command, so the two
/// print the same numbers for the same inputs (tests/tools: tools.report.same_as_compare).
void section_market(Page& page, const Project& project, const integration::PoolSpec& pool, PreparedCompare& prepared,
                    const ReportArgs& args, const StressRun& stress_run) {
    page.h2("DCF vs market");
    const auto report = run_prepared_compare(project, pool, prepared, args.common, "report: compare --mc paths");
    page.pre(integration::compare_table(report));
    {
        // The depth the token needs over its life (computed by run_compare with its sale and move).
        const std::size_t k = prepared.tranche;
        for (const auto& file : charts::render_life_liquidity_plots(report.liquidity_life, project.tranches[k].token.symbol))
            page.chart("liquidity-over-life", file.bytes,
                       fmt::format("v3 liquidity needed over the token's life so that selling {:g} tokens moves the price by "
                                   "at most {:g}%: the range sits around each year's fair value per token (PV of the "
                                   "remaining base-case flows) and shifts down as the tranche amortises.",
                                   report.liquidity.sale_tokens, 100.0 * report.liquidity.max_price_move));
    }
    if (pool.type == integration::PoolSpec::Type::V3) {
        std::vector<amm::analytics::LiquidityRange> ranges;
        for (const auto& r : integration::v3_ranges(pool)) ranges.push_back({r.lower, r.upper, r.liquidity});
        const auto bands = amm::analytics::liquidity_bands(ranges);
        const int tick = static_cast<int>(std::floor(std::log(pool.initial_price()) / std::log(1.0001)));
        if (!bands.empty())
            page.chart("liquidity", charts::liquidity_chart(charts::liquidity_from(bands, tick)),
                       "Active liquidity of the pool over ticks (price = 1.0001^tick); the dashed line is the pool price.");
        // Heatmaps: liquidity over ticks through each token-market scenario with an LP withdrawal.
        const auto liquidity = integration::run_liquidity_stress(pool, project, stress_run.scenarios, stress_run.summary);
        for (const auto& file : charts::render_pool_plots(pool, liquidity)) {
            if (file.name == "liquidity.svg") continue;  // drawn above
            const std::string scenario = file.name.substr(10, file.name.size() - 14);  // liquidity_<name>.svg
            page.chart("heatmap-" + scenario, file.bytes,
                       "Active liquidity over ticks (rows) after each step of stress scenario " + scenario +
                           " (columns; 0 = before): LP withdrawals are pro rata to every position.");
        }
    }
}

/// The range optimiser's spec must describe the project's own pool (the --pool of the report):
/// a v3 pool, the spec's initial price equal to the pool's price and the same fee tier. A spec
/// about another market is refused rather than reported next to this project.
void check_range_spec_pool(const integration::RangeOptSpec& spec, const std::string& spec_path,
                           const integration::PoolSpec* pool, const std::string& pool_path) {
    if (pool == nullptr)
        throw InputError("--range-opt", "needs --pool: the LP range section optimises a range in the project's own pool");
    if (pool->type != integration::PoolSpec::Type::V3)
        throw InputError("--range-opt", fmt::format("needs a Uniswap v3 pool; {} is v2", pool_path));
    const double p0 = spec.model == integration::RangeOptSpec::Model::Gbm
                          ? spec.gbm.initial_price
                          : (spec.supplied_paths.prices.empty() ? 0.0 : spec.supplied_paths.prices.front());
    const double price = pool->initial_price();
    if (!(std::abs(p0 - price) <= 1e-9 * price))
        throw InputError(spec_path + ": scenario.initial_price",
                         fmt::format("must be the price of the project's pool {} ({}: {:g} {} per {}), got {:g}",
                                     pool->name, pool_path, price, pool->quote, pool->token, p0));
    const auto pool_tier = static_cast<int>(std::lround(pool->fee * 1e6));
    if (spec.options.fee_tier != pool_tier)
        throw InputError(spec_path + ": pool.fee_tier",
                         fmt::format("must be the fee of the project's pool {} ({}: {} pips), got {}", pool->name,
                                     pool_path, pool_tier, spec.options.fee_tier));
}

void section_range(Page& page, const integration::RangeOptSpec& spec) {
    page.h2("LP range optimisation");
    const auto rr = integration::run_range_opt_spec(spec);
    const auto& b = rr.result.best;
    page.kv({{"Chosen range (ticks)", fmt::format("[{}, {})", b.tick_lower, b.tick_upper)},
             {"Price range", n2(b.price_lower, 4) + " – " + n2(b.price_upper, 4)},
             {"Time in range", pct(b.time_in_range)},
             {"Expected fees", n2(b.expected_fees, 4)},
             {"Expected LVR", n2(b.expected_lvr, 4)},
             {"Expected net return", n2(b.expected_net_return, 4)},
             {"CVaR of loss", n2(b.cvar, 4)}});
    page.chart("frontier", charts::frontier_chart(charts::frontier_from(rr.result)),
               "Best range of each width: expected net return against CVaR; the marked point is the chosen range.");
}

int run_report(ReportArgs args) {
    args.mc_paths = args.common.paths_value(10'000'000);
    args.seed = args.common.seed_value();
    args.threads = args.common.threads_value();
    (void)parse_compare_options(args.compare, args.common);  // a bad option fails before any file is read
    if (!args.common.out.empty()) check_output_folder(args.common.out, "--out");
    const Project loaded = load_project(args.project);
    // Read every input file before the long computations, so a bad file fails fast.
    std::optional<integration::PoolSpec> pool;
    if (!args.pool.empty()) pool = integration::load_pool(args.pool);
    // With a pool, every section values the debt at the pool's observation date (or refuses a
    // pool observed at another date than the project's valuation_date).
    const Project project = pool ? integration::project_at_pool_date(loaded, *pool) : loaded;
    // The pool's token checked as `compare` checks it, before any computation.
    std::optional<PreparedCompare> prepared;
    if (pool) prepared = prepare_compare(args.compare, args.common, args.project, project, args.pool, *pool);
    std::optional<integration::RangeOptSpec> range_spec;
    if (!args.range_opt.empty()) {
        range_spec = integration::load_range_opt_spec(args.range_opt);
        check_range_spec_pool(*range_spec, args.range_opt, pool ? &*pool : nullptr, args.pool);
    }
    ValuationOptions vo;
    vo.include_periods = true;
    const ValuationResult v = value(project, vo);

    Page page;
    section_valuation(page, project, v);
    section_mc(page, project, args);
    const StressRun stress_run = section_stress(page, project);
    if (pool) section_market(page, project, *pool, *prepared, args, stress_run);
    if (range_spec) section_range(page, *range_spec);
    const std::string html = page.html("pftoken report: " + v.project);

    if (args.common.out.empty()) {
        std::cout << html;
        return kExitOk;
    }
    OutputSet files;
    files.add(args.common.out, "--out", "report.html", html);
    const auto written = files.write();
    std::cout << "Wrote " << written.front().string() << '\n';
    return kExitOk;
}

}  // namespace

void register_report(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<ReportArgs>();
    auto* cmd = app.add_subcommand("report", "One self-contained HTML report: valuation, tranches, covenants, "
                                             "Monte Carlo, stress, DCF vs market and charts (docs/tools/report.md)");
    cmd->add_option("project", args->project, "Project YAML file (docs/input-schema.md)")->required();
    cmd->add_option("--pool", args->pool, "Pool YAML (data/pools/*.yaml): adds the DCF-vs-market section");
    add_paths(*cmd, args->common, "2000");
    add_seed(*cmd, args->common);
    add_threads(*cmd, args->common);
    add_compare_options(*cmd, args->compare);
    cmd->add_option("--range-opt", args->range_opt, "Range-optimiser spec of the --pool's market (its price and fee tier): adds the frontier");
    add_out(*cmd, args->common, "report.html (without --out the page goes to standard output)");
    add_quiet(*cmd, args->common);
    cmd->callback([args, &exit_code] { exit_code = run_command("report", [&] { return run_report(*args); }); });
}

}  // namespace pftoken::cli
