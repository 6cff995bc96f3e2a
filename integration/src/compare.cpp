// `pftoken compare` report (see compare.hpp).
#include "pftoken/integration/compare.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pftoken/base/format.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/base/table_json.hpp"
#include "pftoken/error.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/schedule/timeline.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::integration {

bool CompareOptions::isValid(std::string* why) const {
    auto fail = [why](std::string msg) {
        if (why != nullptr) *why = std::move(msg);
        return false;
    };
    if (!(sale_share > 0.0 && sale_share <= 1.0))
        return fail(fmt::format("compare.sale_share: must be in (0, 1], got {}", sale_share));
    if (!(max_price_move > 0.0 && max_price_move < 1.0))
        return fail(fmt::format("compare.max_price_move: must be in (0, 1), got {}", max_price_move));
    PropagationOptions p = propagation;
    if (!p.isValid(why)) return false;
    return feedback.isValid(why);
}

Project project_at_pool_date(const Project& project, const PoolSpec& pool, std::string* date_source) {
    auto say = [date_source](std::string words) {
        if (date_source != nullptr) *date_source = std::move(words);
    };
    if (!pool.observation_date) {
        say(project.valuation_date ? "the project's valuation_date; the pool gives no observation_date"
                                   : "COD; neither the project's valuation_date nor the pool's observation_date is given");
        return project;
    }
    const CalendarDate observed = *pool.observation_date;
    if (project.valuation_date) {
        if (*project.valuation_date != observed)
            throw InputError("pool.observation_date",
                             fmt::format("{} differs from the project's valuation_date ({}): a DCF value and a pool price "
                                         "compare only at one date; set one to the other",
                                         format::iso_date(observed), format::iso_date(*project.valuation_date)));
        say("the pool's observation_date = the project's valuation_date");
        return project;
    }
    const PeriodGrid grid = compile_timeline(project.timeline);
    const CalendarDate last = grid.end.empty() ? grid.cod : grid.end.back();
    if (observed < grid.financial_close || observed > last)
        throw InputError("pool.observation_date",
                         fmt::format("must be within the project's life, from timeline.financial_close ({}) to the last "
                                     "period end ({}), got {}",
                                     format::iso_date(grid.financial_close), format::iso_date(last), format::iso_date(observed)));
    Project dated = project;
    dated.valuation_date = observed;
    say("the pool's observation_date");
    return dated;
}

CompareReport run_compare(const Project& undated, const PoolSpec& pool, const mc::StochasticSpec* stochastic,
                          const CompareOptions& options) {
    std::string why;
    PFT_REQUIRE(options.isValid(&why), why);
    CompareReport r;
    const Project project = project_at_pool_date(undated, pool, &r.date_source);
    r.project = project.name;
    r.pool_name = pool.name;
    r.pool_type = pool.type == PoolSpec::Type::V2 ? "v2" : "v3";
    r.quote = pool.quote;
    const auto valuation = value(project);
    r.date = valuation.debt_valuation_date;
    std::optional<mc::ProjectMcSummary> mc_summary;
    if (options.mc_paths > 0) {
        PFT_REQUIRE(stochastic != nullptr, "--mc: the project has no `stochastic` section to simulate");
        mc::ProjectMcOptions mo;
        mo.mc.paths = options.mc_paths;
        mo.mc.seed = options.seed;
        mo.mc.threads = 1;  // same bits on every machine, and the tool shares the cores
        mo.equity_irr = false;
        mo.mc.progress = options.progress;
        mc_summary = mc::run_project_mc(project, *stochastic, mo);
    }
    r.fair = fair_value(project, valuation, pool, mc_summary ? &*mc_summary : nullptr);
    const std::size_t k = r.fair.tranche_index;
    r.spread = implied_spread(project, k, r.fair.pool_price);
    r.haircut = implied_haircut(project, k, r.fair.pool_price, r.fair.dcf_price);
    r.arbitrage = arbitrage(pool, r.fair.dcf_price);
    LiquidityAllocationOptions lo;
    lo.sale_tokens = options.sale_share * r.fair.supply;
    lo.max_price_move = options.max_price_move;
    lo.fee = pool.fee;
    lo.tick_spacing = pool.type == PoolSpec::Type::V3 ? pool.tick_spacing : 60;
    r.liquidity = allocate_liquidity(r.fair.dcf_price, valuation, lo);
    r.liquidity_life = liquidity_over_life(project, valuation, k, lo);
    PropagationOptions po = options.propagation;
    po.seed = options.seed;
    po.exit_tokens = lo.sale_tokens;
    if (options.mc_paths > 0) {
        // Fair-value paths from the project's own Monte Carlo: the regression needs more paths
        // than a quick --mc gives (a 57-term basis on solar), and gains little beyond 20,000.
        mc::FairValuePathOptions fo;
        fo.mc.paths = std::clamp<std::uint64_t>(options.mc_paths, kMinRegressionPaths, kMaxRegressionPaths);
        fo.mc.seed = options.seed;
        fo.tranche = k;
        fo.horizon_years = po.horizon_years;
        const auto paths = mc::fair_value_paths(project, *stochastic, fo);
        r.regression_paths = paths.paths;
        r.regression_r2_horizon = paths.r_squared.back();
        r.propagation = propagate(pool, paths, po);
    } else {
        r.propagation = propagate(pool, r.fair.dcf_price, po);
    }
    r.feedback = feedback_loop(project, k, r.fair.pool_price, options.feedback);
    return r;
}

namespace {

/// Every reported number once, in report order: (section, field, value).
std::vector<std::tuple<std::string, std::string, double>> fields(const CompareReport& r) {
    std::vector<std::tuple<std::string, std::string, double>> f;
    auto add = [&f](const char* s, std::string n, double v) { f.emplace_back(s, std::move(n), v); };
    const auto& fv = r.fair;
    add("fair_value", "supply", fv.supply);
    add("fair_value", "dcf_price", fv.dcf_price);
    add("fair_value", "pool_price", fv.pool_price);
    add("fair_value", "premium", fv.premium);
    add("fair_value", "mc_paths", static_cast<double>(fv.mc_paths));
    add("fair_value", "mc_mean", fv.mc_mean);
    add("fair_value", "mc_standard_error", fv.mc_standard_error);
    add("fair_value", "mc_premium", fv.mc_premium);
    add("fair_value", "market_percentile", fv.market_percentile);
    for (std::size_t i = 0; i < fv.mc_percentiles.size(); ++i)
        add("fair_value", fmt::format("mc_p{:g}", 100.0 * mc::kPercentileLevels[i]), fv.mc_percentiles[i]);
    add("implied", "model_spread", r.spread.model_spread);
    add("implied", "implied_spread", r.spread.implied_spread);
    add("implied", "spread_gap_bp", r.spread.spread_gap_bp);
    add("implied", "haircut_found", r.haircut.found ? 1.0 : 0.0);
    add("implied", "haircut", r.haircut.haircut);
    add("implied", "haircut_target_ratio", r.haircut.target_ratio);
    add("implied", "haircut_achieved_ratio", r.haircut.achieved_ratio);
    add("implied", "haircut_absorbed", r.haircut.absorbed);
    add("implied", "haircut_cfads_reduction", r.haircut.cfads_reduction);
    const auto& a = r.arbitrage;
    add("arbitrage", "buys_tokens", a.buys_tokens ? 1.0 : 0.0);
    add("arbitrage", "price_before", a.price_before);
    add("arbitrage", "target_price", a.target_price);
    add("arbitrage", "price_after", a.price_after);
    add("arbitrage", "tokens_traded", a.tokens_traded);
    add("arbitrage", "quote_traded", a.quote_traded);
    add("arbitrage", "fee_paid", a.fee_paid);
    add("arbitrage", "profit", a.profit);
    add("arbitrage", "price_impact", a.price_impact);
    const auto& l = r.liquidity;
    add("liquidity", "sale_tokens", l.sale_tokens);
    add("liquidity", "max_price_move", l.max_price_move);
    add("liquidity", "v2_reserve_token", l.v2_reserve_token);
    add("liquidity", "v2_reserve_quote", l.v2_reserve_quote);
    add("liquidity", "v2_capital", l.v2_capital);
    add("liquidity", "v3_lower_price", l.v3_lower_price);
    add("liquidity", "v3_upper_price", l.v3_upper_price);
    add("liquidity", "v3_liquidity", l.v3_liquidity);
    add("liquidity", "v3_capital", l.v3_capital);
    add("liquidity", "capital_efficiency", l.capital_efficiency);
    add("liquidity", "total_distributions", l.total_distributions);
    add("liquidity", "years_to_fund_v2", l.years_to_fund_v2);
    add("liquidity", "years_to_fund_v3", l.years_to_fund_v3);
    const auto& p = r.propagation;
    add("propagation", "monte_carlo", p.source == "monte-carlo" ? 1.0 : 0.0);
    add("propagation", "paths", static_cast<double>(p.paths));
    add("propagation", "steps", static_cast<double>(p.steps));
    add("propagation", "paths_to_horizon", static_cast<double>(p.paths_to_horizon));
    add("propagation", "regression_paths", static_cast<double>(r.regression_paths));
    add("propagation", "regression_r2_horizon", r.regression_r2_horizon);
    add("propagation", "fees_mean", p.fees_mean);
    add("propagation", "lvr_mean", p.lvr_mean);
    add("propagation", "lp_pnl_mean", p.lp_pnl_mean);
    add("propagation", "lp_pnl_standard_error", p.lp_pnl_standard_error);
    for (std::size_t i = 0; i < p.gap_percentiles.size(); ++i)
        add("propagation", fmt::format("gap_p{:g}", 100.0 * kGapLevels[i]), p.gap_percentiles[i]);
    for (std::size_t i = 0; i < p.exit_cost_mean.size(); ++i)
        add("propagation", fmt::format("exit_cost_t{:.4g}", p.exit_time[i]), p.exit_cost_mean[i]);
    for (std::size_t i = 0; i < p.fair_value_end_percentiles.size(); ++i)
        add("propagation", fmt::format("fair_end_p{:g}", 100.0 * kGapLevels[i]), p.fair_value_end_percentiles[i]);
    const auto& fb = r.feedback;
    add("feedback", "converged", fb.converged ? 1.0 : 0.0);
    add("feedback", "iterations", fb.iterations);
    add("feedback", "residual", fb.residual);
    add("feedback", "spread", fb.spread);
    add("feedback", "price", fb.price);
    add("feedback", "dcf_price", fb.dcf_price);
    return f;
}

}  // namespace

Table compare_fields_table(const CompareReport& report) {
    Table t("compare");
    t.text("section").text("field").real("value", 12);
    for (const auto& [s, n, v] : fields(report)) t.add_row({Cell{std::string(s)}, Cell{std::string(n)}, Cell{v}});
    return t;
}

std::string compare_csv(const CompareReport& report) { return to_csv(compare_fields_table(report)); }

std::string compare_json(const CompareReport& report) {
    nlohmann::ordered_json j;
    j["project"] = report.project;
    j["pool"] = report.pool_name;
    j["pool_type"] = report.pool_type;
    j["token"] = report.fair.symbol;
    j["tranche"] = report.fair.tranche;
    j["quote"] = report.quote;
    j["date"] = format::iso_date(report.date);
    j["date_source"] = report.date_source;
    for (const auto& [s, n, v] : fields(report))
        j[s][n] = json_number(v);
    j["implied"]["haircut_message"] = report.haircut.message;
    j["fair_value"]["market_percentile_note"] = report.fair.market_percentile_note;
    j["feedback"]["message"] = report.feedback.message;
    return dump_json(j, 2);
}

namespace {

// The text report's sections: "label  value  detail" rows under a title, aligned by the table
// text writer (values right-aligned), numbers through base formatting.
Table section_table() {
    Table t("compare_text");
    t.text("label").text("value").text("detail");
    t.display("value", {.align = Align::Right});
    return t;
}
void add(Table& t, std::string label, std::string value, std::string detail = {}) {
    t.add_row({Cell{std::move(label)}, Cell{std::move(value)}, Cell{std::move(detail)}});
}
std::string section_text(const std::string& title, const Table& t) {
    return "\n" + to_text(t, {.title = title, .indent = "  ", .gap = "  ", .header = false});
}
/// '+' before a positive number that does not round to zero.
std::string plus(double x, std::string text) {
    return x > 0.0 && text.find_first_of("123456789") != std::string::npos ? "+" + text : text;
}
std::string signed_fixed(double x, int decimals) { return plus(x, format::fixed(x, decimals)); }
std::string signed_percent(double x, int decimals) { return plus(x, format::percent(x, decimals)); }

}  // namespace

std::string compare_table(const CompareReport& r) {
    const auto& fv = r.fair;
    const auto& a = r.arbitrage;
    const auto& l = r.liquidity;
    const auto& p = r.propagation;
    std::string o;
    o += fmt::format("DCF vs market: {} ({}), pool {} ({}), price in {} per token\n", fv.symbol, fv.tranche,
                     r.pool_name, r.pool_type, r.quote);
    // The names of `value`, `mc`, `stress` and `report` (docs/conventions.md, "Names and units").
    o += fmt::format("Tranche prices at {} ({}), compared with the pool price/token: the DCF price/token is the dirty "
                     "price of the flows after that date\n",
                     format::iso_date(r.date), r.date_source);

    Table fair = section_table();
    add(fair, "DCF price/token", format::fixed(fv.dcf_price, 4));
    add(fair, "pool price/token", format::fixed(fv.pool_price, 4));
    add(fair, "premium (+) / discount", signed_percent(fv.premium, 3));
    if (fv.mc_paths > 0) {
        add(fair, fmt::format("MC price/token ({} paths)", fv.mc_paths), format::fixed(fv.mc_mean, 4),
            "s.e. " + format::fixed(fv.mc_standard_error, 4));
        add(fair, "pool price percentile", format::percent(fv.market_percentile / 100.0, 1),
            fv.market_percentile_note);
    }
    o += section_text("Fair value", fair);

    Table implied = section_table();
    add(implied, "model spread", format::fixed(1e4 * r.spread.model_spread, 2) + " bp");
    add(implied, "implied z-spread", format::fixed(1e4 * r.spread.implied_spread, 2) + " bp",
        "gap " + signed_fixed(r.spread.spread_gap_bp, 2) + " bp");
    // A volume haircut (revenue, through the kernel); the CFADS it removes and the haircut the
    // tranche absorbs with no loss of value make it readable (docs/integration.md).
    if (r.haircut.found) {
        add(implied, "implied volume haircut", format::percent(r.haircut.haircut, 3),
            fmt::format("CFADS {} after {}", signed_percent(-r.haircut.cfads_reduction, 3), format::iso_date(r.date)));
        add(implied, "paid on time up to", format::percent(r.haircut.absorbed, 3),
            "volume haircut (the cover, reserves and tranches below absorb it)");
    } else {
        add(implied, "implied volume haircut", "none", r.haircut.message);
    }
    o += section_text("Market-implied", implied);

    Table arb = section_table();
    add(arb, "direction", "", a.buys_tokens ? "buy tokens (pool below DCF)" : "sell tokens (pool above DCF)");
    add(arb, "tokens traded", format::fixed(a.tokens_traded, 4), fmt::format("for {} {}", format::grouped(a.quote_traded, 2), r.quote));
    add(arb, "fee paid", format::fixed(a.fee_paid, 4), a.buys_tokens ? r.quote : fv.symbol);
    add(arb, "price after", format::fixed(a.price_after, 4),
        "impact " + signed_percent(a.price_impact, 3));
    add(arb, "profit after fees", format::grouped(a.profit, 2), r.quote);
    o += section_text("Arbitrage to the DCF price", arb);

    Table liq = section_table();
    add(liq, "v2 reserves", format::grouped(l.v2_reserve_token, 2) + " tokens",
        fmt::format("+ {} {} (capital {})", format::grouped(l.v2_reserve_quote, 0), r.quote, format::grouped(l.v2_capital, 0)));
    add(liq, "v3 range", fmt::format("[{}, {}]", format::fixed(l.v3_lower_price, 2), format::fixed(l.v3_upper_price, 2)),
        fmt::format("L = {}, capital {} ({}x less)", format::number(l.v3_liquidity, 6), format::grouped(l.v3_capital, 0),
                    format::fixed(l.capital_efficiency, 1)));
    add(liq, "equity distributions", format::grouped(l.total_distributions, 0),
        fmt::format("after the valuation date; fund v2 in {} yr, v3 in {} yr", l.years_to_fund_v2, l.years_to_fund_v3));
    o += section_text(fmt::format("Liquidity for selling {} tokens with at most {} price impact",
                                  format::grouped(l.sale_tokens, 0), format::percent(l.max_price_move, 1)),
                      liq);

    Table prop = section_table();
    add(prop, "LP fees - LVR", format::grouped(p.lp_pnl_mean, 2),
        fmt::format("= {} - {} (+- {})", format::grouped(p.fees_mean, 2), format::grouped(p.lvr_mean, 2),
                    format::grouped(p.lp_pnl_standard_error, 2)));
    if (p.gap_percentiles.size() == std::size(kGapLevels))
        add(prop, "market/DCF gap p50", signed_percent(p.gap_percentiles[3], 3),
            fmt::format("p5 {}, p95 {}", signed_percent(p.gap_percentiles[1], 3), signed_percent(p.gap_percentiles[5], 3)));
    for (std::size_t i = 0; i < p.exit_time.size(); ++i)
        add(prop, fmt::format("exit cost at {} y", format::fixed(p.exit_time[i], 2)), format::percent(p.exit_cost_mean[i], 3));
    if (p.fair_value_end_percentiles.size() == std::size(kGapLevels))
        add(prop, fmt::format("fair value at {} y p50", format::fixed(p.horizon_years, 2)),
            format::fixed(p.fair_value_end_percentiles[3], 4),
            fmt::format("p5 {}, p95 {}", format::fixed(p.fair_value_end_percentiles[1], 4),
                        format::fixed(p.fair_value_end_percentiles[5], 4)));
    o += section_text(p.source == "monte-carlo"
                          ? fmt::format("Propagation ({} paths x {} steps, Monte Carlo fair-value paths: regression on "
                                        "{} paths, R^2 {} at the horizon)",
                                        p.paths, p.steps, r.regression_paths, format::fixed(r.regression_r2_horizon, 3))
                          : fmt::format("Propagation ({} paths x {} steps, GBM on the DCF value)", p.paths, p.steps),
                      prop);

    Table feedback = section_table();
    add(feedback, "spread", format::fixed(1e4 * r.feedback.spread, 2) + " bp", r.feedback.message);
    add(feedback, "price/token", format::fixed(r.feedback.price, 4), "DCF " + format::fixed(r.feedback.dcf_price, 4));
    o += section_text("Feedback loop (implied spread -> discount spread -> revalue -> arbitrage)", feedback);
    return o;
}

}  // namespace pftoken::integration
