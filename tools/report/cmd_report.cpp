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
/// Money in whole currency units with thousands separators (format::grouped): "84,000,000".
std::string money(double v) { return format::grouped(v, 0); }
/// A price or an amount per token: thousands separators and `digits` decimals, "1,013.3275".
std::string price(double v, int digits = 4) { return format::grouped(v, digits); }
/// The text and HTML writers show a money or price column with thousands separators.
const Display kGrouped{.grouped = true};
std::string pct(double v) { return format::percent(v); }
std::string date(const CalendarDate& d) { return format::iso_date(d); }

/// Collects the page; each chart is a <figure class="chart"> with its SVG inlined.
class Page {
  public:
    void h2(const std::string& text) { body_ += "<h2>" + esc(text) + "</h2>\n"; }
    void p(const std::string& text) { body_ += "<p>" + esc(text) + "</p>\n"; }
    void table(const Table& table, const std::string& caption = {}) { body_ += to_html(table, {.caption = caption}); }
    void raw(const std::string& html) { body_ += html; }
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
               "th{background:#f3f6f9;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
               "table.pft{font-size:.85em}table.pft caption{text-align:left;font-weight:bold;padding:.3em 0}\n"
               "div.tables{display:flex;flex-wrap:wrap;gap:0 2em;align-items:flex-start}\n"
               "details{margin:1em 0}summary{cursor:pointer;color:#0072B2}\n" +
               html_table_css() +
               "figure.chart{margin:1.5em 0}figure.chart svg{display:block;width:100%;height:auto}\n"
               "figcaption{font-size:.85em;color:#555}\n"
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
             {"Equity value per token (" + v.equity.symbol + ")", price(v.equity.price_per_token)}});
    page.h2("Tranches");
    // Two tables of the same rows (prices, then yield and risk), so neither is wider than the page.
    Table prices("tranche_prices");
    prices.text("tranche", "Tranche").integer("rank", {}, "Rank").money("principal", v.currency, 10, "Principal");
    prices.money("pv", v.currency, 10, "PV at " + date(v.debt_valuation_date));
    prices.real("price", 10, 4, v.currency, "Price/token (dirty)").real("clean", 10, 4, v.currency, "Clean/token");
    prices.real("outstanding", 10, 4, v.currency, "Outstanding principal/token").real("par", 10, 2, {}, "% par");
    for (const char* c : {"principal", "pv", "price", "clean", "outstanding"}) prices.display(c, kGrouped);
    Table risk("tranche_risk");
    risk.text("tranche", "Tranche").percent("yield", 10, 2, "Yield").real("wal", 10, 2, "y", "WAL");
    risk.real("mod_duration", 10, 2, "y", "Mod. duration").real("z_spread", 10, 1, "bp", "Z-spread");
    risk.display("z_spread", {.scale = 1e4});
    risk.money("unpaid", v.currency, 10, "Unpaid at end").display("unpaid", kGrouped).flag("payment_default", "Payment default");
    for (const auto& t : v.tranches) {
        const std::string name = t.name + " (" + t.symbol + ")";
        prices.add_row({name, std::int64_t{t.rank}, t.principal, t.pv, t.price_per_token, t.clean_price_per_token,
                        t.outstanding_per_token, t.price_pct_of_par});
        risk.add_row({name, t.yield, t.wal, t.modified_duration, t.z_spread, t.final_balance, t.payment_default});
    }
    page.table(prices, "Prices");
    page.table(risk, "Yield and risk");
    const auto& c = v.covenants;
    page.h2("Covenants");
    page.kv({{"Lock-up DSCR threshold", n2(project.covenants.lockup_dscr) + "x"},
             {"Default DSCR threshold", n2(project.covenants.default_dscr) + "x"},
             {"Min DSCR", n2(c.min_dscr) + "x" + (c.min_dscr_period >= 0 ? " on " + date(c.min_dscr_date) : "")},
             {"Average DSCR", n2(c.average_dscr) + "x"},
             {"Min LTM DSCR", n2(c.min_ltm_dscr) + "x"},
             {"LLCR at COD", n2(c.llcr_at_cod) + "x"},
             {"PLCR at COD", n2(c.plcr_at_cod) + "x"},
             {"Min LLCR", n2(c.min_llcr) + "x"},
             {"Periods in lock-up", std::to_string(c.lockup_periods)},
             {"Periods in default", std::to_string(c.default_periods)},
             {"Periods with DSRA draws", std::to_string(c.dsra_draw_periods)},
             {"Total cash swept", money(c.total_swept)}});
    page.chart("waterfall", charts::waterfall_chart(charts::waterfall_from(v)),
               "Uses of CFADS per operating period, stacked in payment order; the line is CFADS.");
    page.chart("coverage", charts::coverage_chart(charts::coverage_from(v, project.covenants)),
               "Period DSCR and ex-post LLCR of the base case against the lock-up and default thresholds.");
}

/// `tornado_tranche`: the token whose sensitivities the tornado shows (the --pool's token, else
/// the first tranche).
void section_mc(Page& page, const Project& project, const ReportArgs& args, std::size_t tornado_tranche) {
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
    Table tokens = report::mc_tokens_display_table(s, project.currency);
    for (const char* c : {"price", "se", "var95", "cvar95"}) tokens.display(c, kGrouped);
    page.table(tokens);
    page.chart("dscr-fan", charts::fan_chart(charts::dscr_fan_from(s)),
               fmt::format("Per-period DSCR over the Monte Carlo paths that have debt service due in the period: P5–P95 "
                           "band and median, drawn only where at least {:g}% of the paths still carry debt (fewer, and "
                           "the percentiles describe a minority of paths); the line on the right axis is that share.",
                           100.0 * charts::kDscrFanMinShare));
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
        fan.title = fmt::format("{} outstanding principal per token over {} Monte Carlo paths", s.tranches[0].symbol,
                                dumps.size());
        fan.y_label = "Outstanding principal per token (" + project.currency + ")";
        fan.money = true;
        fan.y_from_zero = true;
        page.chart("principal-fan", charts::fan_chart(fan),
                   "Outstanding principal per " + s.tranches[0].symbol +
                       " token after each period's payments, over paths: P5–P95, P25–P75 and median.");
    }
    const auto loss = charts::loss_from(s);
    if (!loss.tranches.empty())
        page.chart("loss", charts::loss_chart(loss),
                   "Loss of value per token (mean minus quantile) as a share of the mean, with VaR and CVaR at 95%.");
    if (tornado_tranche < s.tranches.size()) {
        const auto k = static_cast<int>(tornado_tranche);
        const auto& token = s.tranches[tornado_tranche];
        page.chart("tornado", charts::tornado_chart(charts::tornado_from(s, k, 10.0, project.currency)),
                   fmt::format("Change of the {} token's value per token in {} ({}), linearised from common-random-number "
                               "1% / 1 bp bumps{}.",
                               token.symbol, project.currency, token.name,
                               args.pool.empty() ? " (the first tranche; with --pool, the pool's token)" : " (the pool's token)"));
    }
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
    scenarios.text("scenario", "Scenario").money("equity_value", project.currency, 10, "Equity value");
    scenarios.money("change", project.currency, 10, "Change").percent("equity_irr", 10, 2, "Equity IRR");
    scenarios.display("equity_value", kGrouped).display("change", kGrouped);
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

/// One measure per row: what it is and its value with the unit, as text.
Table measures(const std::string& name) {
    Table t(name);
    t.text("measure", "Measure").text("value", "Value").display("value", {.align = Align::Right});
    return t;
}

/// The DCF-vs-market numbers of `pftoken compare` as HTML tables (one per part), then every number
/// as compare.csv has it (section, field, value to 12 significant digits) in a folded table.
void compare_tables(Page& page, const integration::CompareReport& r) {
    const auto& fv = r.fair;
    const auto& a = r.arbitrage;
    const auto& l = r.liquidity;
    const auto& p = r.propagation;
    const std::string& q = r.quote;
    auto pct = [](double x, int d = 2) { return format::percent(x, d); };
    auto signed_pct = [](double x, int d = 2) {
        const std::string t = format::percent(x, d);
        return (x > 0 && t.find_first_of("123456789") != std::string::npos ? "+" : "") + t;
    };
    auto bp = [](double x) { return format::fixed(x, 2) + " bp"; };
    page.p(fmt::format("{} ({}) against pool {} ({}), prices in {} per token; tranche prices at {} ({}), compared with "
                       "the pool price/token; the DCF price/token is the dirty price of the flows after that date.",
                       fv.symbol, fv.tranche, r.pool_name, r.pool_type, q, date(r.date), r.date_source));
    page.raw("<div class=\"tables\">\n");
    Table fair = measures("fair_value");
    fair.add_row({"DCF price/token", price(fv.dcf_price) + " " + q});
    fair.add_row({"Pool price/token", price(fv.pool_price) + " " + q});
    fair.add_row({"Premium (+) / discount (-)", signed_pct(fv.premium, 3)});
    if (fv.mc_paths > 0) {
        fair.add_row({fmt::format("MC price/token ({} paths)", fv.mc_paths),
                      price(fv.mc_mean) + " ± " + price(fv.mc_standard_error) + " " + q});
        fair.add_row({"Pool price percentile",
                      format::fixed(fv.market_percentile, 1) + "%" +
                          (fv.market_percentile_note.empty() ? "" : " (" + fv.market_percentile_note + ")")});
    }
    page.table(fair, "Fair value");
    Table implied = measures("implied");
    implied.add_row({"Model spread", bp(1e4 * r.spread.model_spread)});
    implied.add_row({"Implied z-spread", bp(1e4 * r.spread.implied_spread)});
    implied.add_row({"Gap (implied - model)", (r.spread.spread_gap_bp > 0 ? "+" : "") + bp(r.spread.spread_gap_bp)});
    // A volume haircut, with the CFADS it removes and the haircut the tranche absorbs (docs/integration.md).
    implied.add_row({"Implied volume haircut", r.haircut.found ? pct(r.haircut.haircut, 3) : "none: " + r.haircut.message});
    if (r.haircut.found) {
        implied.add_row({"CFADS removed by it (after " + date(r.date) + ")", pct(r.haircut.cfads_reduction, 3)});
        implied.add_row({"Paid on time up to (volume haircut)", pct(r.haircut.absorbed, 3)});
    }
    page.table(implied, "Market-implied");
    Table arb = measures("arbitrage");
    arb.add_row({"Direction", a.buys_tokens ? "buy tokens (pool below DCF)" : "sell tokens (pool above DCF)"});
    arb.add_row({"Tokens traded", price(a.tokens_traded, 2)});
    arb.add_row({"Quote traded", price(a.quote_traded, 2) + " " + q});
    arb.add_row({"Fee paid", price(a.fee_paid, 2) + " " + (a.buys_tokens ? q : fv.symbol)});
    arb.add_row({"Price after", price(a.price_after) + " " + q});
    arb.add_row({"Price impact", signed_pct(a.price_impact, 3)});
    arb.add_row({"Profit after fees", price(a.profit, 2) + " " + q});
    page.table(arb, "Arbitrage to the DCF price");
    Table liq = measures("liquidity");
    liq.add_row({"v2 reserves", price(l.v2_reserve_token, 2) + " tokens + " + money(l.v2_reserve_quote) + " " + q});
    liq.add_row({"v2 capital", money(l.v2_capital) + " " + q});
    liq.add_row({"v3 range", "[" + price(l.v3_lower_price, 2) + ", " + price(l.v3_upper_price, 2) + "] " + q});
    liq.add_row({"v3 liquidity L", format::grouped(l.v3_liquidity, 0)});
    liq.add_row({"v3 capital", money(l.v3_capital) + " " + q + " (" + format::fixed(l.capital_efficiency, 1) + "x less)"});
    liq.add_row({"Equity distributions after the valuation date", money(l.total_distributions)});
    liq.add_row({"Years of distributions to fund v2 / v3", fmt::format("{} / {}", l.years_to_fund_v2, l.years_to_fund_v3)});
    page.table(liq, fmt::format("Liquidity for selling {} tokens with at most {}% price impact", money(l.sale_tokens),
                                format::fixed(100.0 * l.max_price_move, 1)));
    Table prop = measures("propagation");
    prop.add_row({"LP fees", price(p.fees_mean, 2) + " " + q});
    prop.add_row({"LVR", price(p.lvr_mean, 2) + " " + q});
    prop.add_row({"LP fees - LVR", price(p.lp_pnl_mean, 2) + " ± " + price(p.lp_pnl_standard_error, 2) + " " + q});
    if (p.gap_percentiles.size() == std::size(integration::kGapLevels))
        prop.add_row({"Market/DCF gap P5 / P50 / P95", signed_pct(p.gap_percentiles[1], 3) + " / " +
                                                           signed_pct(p.gap_percentiles[3], 3) + " / " +
                                                           signed_pct(p.gap_percentiles[5], 3)});
    for (std::size_t i = 0; i < p.exit_time.size(); ++i)
        prop.add_row({"Exit cost at " + format::fixed(p.exit_time[i], 2) + " y", pct(p.exit_cost_mean[i], 3)});
    if (p.fair_value_end_percentiles.size() == std::size(integration::kGapLevels))
        prop.add_row({"Fair value at " + format::fixed(p.horizon_years, 2) + " y, P5 / P50 / P95",
                      price(p.fair_value_end_percentiles[1]) + " / " + price(p.fair_value_end_percentiles[3]) + " / " +
                          price(p.fair_value_end_percentiles[5]) + " " + q});
    page.table(prop, p.source == "monte-carlo"
                         ? fmt::format("Propagation: {} paths x {} steps on Monte Carlo fair-value paths (regression on {} "
                                       "paths, R² {} at the horizon)",
                                       p.paths, p.steps, r.regression_paths, format::fixed(r.regression_r2_horizon, 3))
                         : fmt::format("Propagation: {} paths x {} steps, GBM on the DCF value", p.paths, p.steps));
    Table fb = measures("feedback");
    fb.add_row({"Result", r.feedback.message});
    fb.add_row({"Spread", bp(1e4 * r.feedback.spread)});
    fb.add_row({"Price / DCF price", price(r.feedback.price) + " / " + price(r.feedback.dcf_price) + " " + q});
    page.table(fb, "Feedback loop (implied spread -> discount spread -> revalue -> arbitrage)");
    page.raw("</div>\n");
    // Every number as `pftoken compare --format csv` writes it (tests/tools: report_same_as_compare).
    // Shown with each column's CSV digits (decimals < 0) and NaN as an empty cell, as in the CSV.
    const Table fields = integration::compare_fields_table(r);
    Table all(fields.name());
    for (Column c : fields.columns()) {
        if (c.type == ColumnType::Real) c.decimals = -1, c.display.missing = "";
        all.add_column(std::move(c));
    }
    for (const auto& row : fields.rows()) all.add_row(row);
    page.raw("<details id=\"compare-fields\"><summary>Every number of the comparison, as compare.csv has it</summary>\n");
    page.table(all);
    page.raw("</details>\n");
}

/// The `pftoken compare` report with the same function and options as the command, so the two
/// print the same numbers for the same inputs (tests/tools: tools.report.same_as_compare).
void section_market(Page& page, const Project& project, const integration::PoolSpec& pool, PreparedCompare& prepared,
                    const ReportArgs& args, const StressRun& stress_run) {
    page.h2("DCF vs market");
    const auto report = run_prepared_compare(project, pool, prepared, args.common, "report: compare --mc paths");
    compare_tables(page, report);
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
             {"Price range", price(b.price_lower) + " – " + price(b.price_upper)},
             {"Time in range", pct(b.time_in_range)},
             {"Expected fees", price(b.expected_fees, 2)},
             {"Expected LVR", price(b.expected_lvr, 2)},
             {"Expected net return", price(b.expected_net_return, 2)},
             {"CVaR of loss", price(b.cvar, 2)}});
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
    section_mc(page, project, args, prepared ? prepared->tranche : 0);
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
