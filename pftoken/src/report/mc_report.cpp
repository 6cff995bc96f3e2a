// Reports of a project Monte Carlo run (pftoken/report/mc_report.hpp).
#include "pftoken/report/mc_report.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pftoken/base/format.hpp"
#include "pftoken/base/table_json.hpp"

namespace pftoken::report {
namespace {

using namespace pftoken::mc;

// summary.json is a nlohmann::json document (keys sorted); its numbers go through json_number.
using Json = nlohmann::json;

constexpr const char* kPercentileNames[] = {"p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99"};

nlohmann::json to_json(const Estimate& e) {
    return {{"mean", json_number<Json>(e.mean)}, {"standard_error", json_number<Json>(e.standard_error)},
            {"ci95_low", json_number<Json>(e.ci_low)}, {"ci95_high", json_number<Json>(e.ci_high)}};
}
nlohmann::json to_json(const Distribution& d) {
    nlohmann::json pct = nlohmann::json::object();
    for (std::size_t i = 0; i < d.percentiles.size(); ++i)
        pct[fmt::format("p{}", static_cast<int>(std::lround(kPercentileLevels[i] * 100)))] =
            json_number<Json>(d.percentiles[i]);
    return {{"estimate", to_json(d.estimate)}, {"stdev", json_number<Json>(d.stdev)}, {"percentiles", pct},
            {"var95", json_number<Json>(d.var95)}, {"var99", json_number<Json>(d.var99)},
            {"cvar95", json_number<Json>(d.cvar95)}, {"cvar99", json_number<Json>(d.cvar99)}, {"count", d.count}};
}

void set_distribution(Table::Row& row, const Distribution& d) {
    for (std::size_t i = 0; i < d.percentiles.size() && i < std::size(kPercentileNames); ++i)
        row.set(std::string("price_") + kPercentileNames[i], d.percentiles[i]);
    row.set("var95", d.var95).set("var99", d.var99).set("cvar95", d.cvar95).set("cvar99", d.cvar99);
}

}  // namespace

Table mc_tranches_table(const ProjectMcSummary& s) {
    Table t("tranches");
    t.text("symbol").text("name").text("kind").integer("paths");
    for (const char* c : {"mean_pv", "pv_se", "price_per_token", "price_se", "price_ci95_low", "price_ci95_high"}) t.real(c);
    for (const char* p : kPercentileNames) t.real(std::string("price_") + p);
    for (const char* c : {"var95", "var99", "cvar95", "cvar99", "pd_payment", "pd_payment_se", "pd_deferral",
                          "pd_deferral_se", "pd_event_of_default", "pd_event_of_default_se", "pd_principal",
                          "pd_principal_se", "expected_loss", "expected_loss_se", "lgd", "promised_pv",
                          "expected_riskfree_pv", "fair_spread", "dv01", "cs01", "price_delta", "volume_delta",
                          "opex_delta"})
        t.real(c);
    for (const auto& x : s.tranches) {
        auto row = t.add_row();
        row.set("symbol", x.symbol).set("name", x.name).set("kind", "tranche").set("paths", s.paths);
        row.set("mean_pv", x.pv.estimate.mean).set("pv_se", x.pv.estimate.standard_error);
        row.set("price_per_token", x.price_per_token.mean).set("price_se", x.price_per_token.standard_error);
        row.set("price_ci95_low", x.price_per_token.ci_low).set("price_ci95_high", x.price_per_token.ci_high);
        set_distribution(row, x.price_per_token_dist);
        row.set("pd_payment", x.pd_payment.mean).set("pd_payment_se", x.pd_payment.standard_error);
        row.set("pd_deferral", x.pd_deferral.mean).set("pd_deferral_se", x.pd_deferral.standard_error);
        row.set("pd_event_of_default", x.pd_event_of_default.mean)
            .set("pd_event_of_default_se", x.pd_event_of_default.standard_error);
        row.set("pd_principal", x.pd_principal.mean).set("pd_principal_se", x.pd_principal.standard_error);
        row.set("expected_loss", x.expected_loss.mean).set("expected_loss_se", x.expected_loss.standard_error);
        row.set("lgd", x.lgd).set("promised_pv", x.promised_pv).set("expected_riskfree_pv", x.expected_riskfree_pv.mean);
        row.set("fair_spread", x.fair_spread).set("dv01", x.dv01).set("cs01", x.cs01).set("price_delta", x.price_delta);
        row.set("volume_delta", x.volume_delta).set("opex_delta", x.opex_delta);
    }
    const auto& e = s.equity;
    auto row = t.add_row();
    row.set("symbol", e.symbol).set("name", "equity").set("kind", "equity").set("paths", s.paths);
    row.set("mean_pv", e.npv.estimate.mean).set("pv_se", e.npv.estimate.standard_error);
    row.set("price_per_token", e.price_per_token.mean).set("price_se", e.price_per_token.standard_error);
    row.set("price_ci95_low", e.price_per_token.ci_low).set("price_ci95_high", e.price_per_token.ci_high);
    set_distribution(row, e.price_per_token_dist);
    row.set("dv01", e.dv01).set("price_delta", e.price_delta).set("volume_delta", e.volume_delta);
    row.set("opex_delta", e.opex_delta);
    return t;
}

Table mc_tokens_display_table(const ProjectMcSummary& s, const std::string& currency) {
    Table t("mc_tokens");
    t.text("token", "token").real("price", 10, 4, currency, "price/token").real("se", 10, 4, currency, "s.e.");
    t.percent("miss", 10, 2, "P(miss)").percent("defer", 10, 2, "P(defer)").percent("eod", 10, 2, "P(EoD)");
    t.percent("loss", 10, 2, "P(loss)").percent("el", 10, 2, "EL");
    t.real("var95", 10, 4, currency, "VaR95/token").real("cvar95", 10, 4, currency, "CVaR95/token");
    t.real("fair_spread", 10, 1, "bp", "fair spread").display("fair_spread", {.scale = 1e4});
    for (const auto& x : s.tranches)
        t.add_row({x.symbol, x.price_per_token.mean, x.price_per_token.standard_error, x.pd_payment.mean,
                   x.pd_deferral.mean, x.pd_event_of_default.mean, x.pd_principal.mean, x.expected_loss.mean,
                   x.price_per_token_dist.var95, x.price_per_token_dist.cvar95, x.fair_spread});
    const double none = std::numeric_limits<double>::quiet_NaN();  // shown as "–"
    const auto& e = s.equity;
    t.add_row({e.symbol + " (equity)", e.price_per_token.mean, e.price_per_token.standard_error, none, none, none, none,
               none, e.price_per_token_dist.var95, e.price_per_token_dist.cvar95, none});
    return t;
}

Table mc_periods_table(const ProjectMcSummary& s) {
    Table t("periods");
    t.integer("period").date("end_date").real("time");
    for (const char* c : {"dscr_p5", "dscr_p50", "dscr_p95", "prob_dscr_below_lockup", "prob_dscr_below_default",
                          "prob_dsra_drawn", "prob_lockup", "prob_dscr_defined"})
        t.real(c);
    const auto& p = s.per_period;
    for (std::size_t i = 0; i < p.time.size(); ++i)
        t.add_row({Cell{static_cast<std::int64_t>(i)}, Cell{p.end_date[i]}, Cell{p.time[i]}, Cell{p.dscr_p5[i]},
                   Cell{p.dscr_p50[i]}, Cell{p.dscr_p95[i]}, Cell{p.prob_dscr_below_lockup[i]},
                   Cell{p.prob_dscr_below_default[i]}, Cell{p.prob_dsra_drawn[i]}, Cell{p.prob_lockup[i]},
                   Cell{p.prob_dscr_defined[i]}});
    return t;
}

Table mc_equity_irr_table(const ProjectMcSummary& s) {
    Table t("equity_irr");
    t.text("symbol").integer("paths_with_irr").real("mean").real("se");
    for (const char* p : kPercentileNames) t.real(p);
    const auto& d = s.equity.irr;
    auto row = t.add_row();
    row.set("symbol", s.equity.symbol).set("paths_with_irr", d.count).set("mean", d.estimate.mean);
    row.set("se", d.estimate.standard_error);
    for (std::size_t i = 0; i < d.percentiles.size() && i < std::size(kPercentileNames); ++i)
        row.set(kPercentileNames[i], d.percentiles[i]);
    return t;
}

Table mc_paths_table(const std::vector<PathDump>& dumps, std::size_t tranches) {
    Table t("paths");
    t.integer("path").integer("period");
    for (const char* c : {"price_multiplier", "volume_multiplier", "availability_loss", "opex_multiplier", "index_shift",
                          "discount_ratio", "cfads", "debt_service_due", "dscr", "dsra_balance", "distributions"})
        t.real(c);
    t.integer("lockup").integer("event_of_default");
    for (std::size_t k = 0; k < tranches; ++k) t.real(fmt::format("balance_{}", k));
    for (const auto& d : dumps) {
        const std::size_t n = d.cfads.size();
        for (std::size_t i = 0; i < n; ++i) {
            std::vector<Cell> cells{Cell{static_cast<std::int64_t>(d.path)}, Cell{static_cast<std::int64_t>(i)},
                                    Cell{d.price_multiplier[i]}, Cell{d.volume_multiplier[i]},
                                    Cell{d.availability_loss[i]}, Cell{d.opex_multiplier[i]}, Cell{d.index_shift[i]},
                                    Cell{d.discount_ratio[i]}, Cell{d.cfads[i]}, Cell{d.debt_service_due[i]},
                                    Cell{d.dscr[i]}, Cell{d.dsra_balance[i]}, Cell{d.distributions[i]},
                                    Cell{std::int64_t{d.lockup[i]}}, Cell{std::int64_t{d.event_of_default[i]}}};
            for (std::size_t k = 0; k < tranches; ++k) cells.emplace_back(d.tranche_balance[k * n + i]);
            t.add_row(std::move(cells));
        }
    }
    return t;
}

std::string mc_summary_json(const ProjectMcSummary& s, const ProjectMcOptions& opt) {
    nlohmann::json j;
    j["project"] = s.project;
    j["valuation_date"] = format::iso_date(s.valuation_date);
    j["paths"] = s.paths;
    j["seed"] = s.seed;
    j["threads"] = s.threads;
    j["method"] = s.method == RandomMethod::Sobol ? "sobol" : "pseudo";
    j["antithetic"] = s.antithetic;
    j["sobol_replications"] = opt.mc.sobol_replications;
    j["seconds"] = s.seconds;
    j["paths_per_second"] = s.paths_per_second();
    j["sensitivity_seconds"] = s.sensitivity_seconds;
    j["fair_spread_definition"] = mc::kFairSpreadDefinition;
    for (const auto& t : s.tranches) {
        j["tranches"].push_back({{"symbol", t.symbol}, {"name", t.name}, {"principal", t.principal},
                                 {"supply", t.supply}, {"pv", to_json(t.pv)},
                                 {"price_per_token", to_json(t.price_per_token_dist)},
                                 {"pd_payment", to_json(t.pd_payment)}, {"pd_deferral", to_json(t.pd_deferral)},
                                 {"pd_event_of_default", to_json(t.pd_event_of_default)},
                                 {"pd_principal", to_json(t.pd_principal)},
                                 {"expected_loss", to_json(t.expected_loss)}, {"lgd", json_number<Json>(t.lgd)},
                                 {"promised_pv", json_number<Json>(t.promised_pv)},
                                 {"expected_riskfree_pv", to_json(t.expected_riskfree_pv)},
                                 {"fair_spread", json_number<Json>(t.fair_spread)},
                                 {"sensitivities_per_token",
                                  {{"dv01", json_number<Json>(t.dv01)}, {"cs01", json_number<Json>(t.cs01)},
                                   {"price_delta", json_number<Json>(t.price_delta)},
                                   {"volume_delta", json_number<Json>(t.volume_delta)},
                                   {"opex_delta", json_number<Json>(t.opex_delta)}}}});
    }
    const auto& e = s.equity;
    j["equity"] = {{"symbol", e.symbol}, {"supply", e.supply}, {"npv", to_json(e.npv)},
                   {"price_per_token", to_json(e.price_per_token_dist)}, {"irr", to_json(e.irr)},
                   {"sensitivities_per_token",
                    {{"dv01", json_number<Json>(e.dv01)}, {"price_delta", json_number<Json>(e.price_delta)},
                     {"volume_delta", json_number<Json>(e.volume_delta)},
                     {"opex_delta", json_number<Json>(e.opex_delta)}}}};
    return dump_json(j, 2);
}

namespace {

// Columns of the text report, name and title: prices per token with 4 decimals (as `value`
// shows them), probabilities and losses in percent (base/format through the table text writer).
using Titles = std::initializer_list<std::pair<const char*, const char*>>;
void price_columns(Table& t, Titles columns) {
    for (const auto& [name, title] : columns) t.real(name, 10, 4, {}, title);
}
const TextOptions kTable{.gap = "  "};

}  // namespace

std::string mc_summary_text(const ProjectMcSummary& s) {
    std::string o;
    o += fmt::format("Monte Carlo: {}; tranche prices at {}{}\n", s.project, format::iso_date(s.valuation_date),
                     s.seasoned ? " (every path starts from the actuals)" : "");
    o += fmt::format("{} paths, {}{}, seed {}, {} threads: {:.2f} s ({:.0f} paths/s)\n\n", s.paths, s.method == RandomMethod::Sobol ? "sobol" : "pseudo", s.antithetic ? " + antithetic" : "",
                     s.seed, s.threads, s.seconds, s.paths_per_second());
    // Probabilities and losses in percent, as in `value`, `stress`, `report` and the "Worst
    // period" line below; prices per token, as everywhere.
    Table tokens("mc_summary_text");
    tokens.text("token");
    price_columns(tokens, {{"price", "price/token"}, {"se", "s.e."}, {"p5", "P5"}, {"p95", "P95"}});
    for (const auto& [name, title] : Titles{{"miss", "P(miss)"}, {"defer", "P(defer)"}, {"eod", "P(EoD)"},
                                            {"loss", "P(loss)"}, {"el", "EL"}, {"lgd", "LGD"}})
        tokens.percent(name, 10, 2, title);
    // LGD = EL / PD(principal) is undefined when no path lost principal: said in words.
    tokens.display("lgd", {.missing = "n/a*"});
    tokens.real("fair_spread", 10, 2, {}, "fair spread").display("fair_spread", {.scale = 1e4, .suffix = " bp"});
    bool lgd_undefined = false;
    for (const auto& t : s.tranches) {
        const auto& pc = t.price_per_token_dist.percentiles;
        lgd_undefined = lgd_undefined || !std::isfinite(t.lgd);
        tokens.add_row()
            .set("token", t.symbol).set("price", t.price_per_token.mean).set("se", t.price_per_token.standard_error)
            .set("p5", pc[1]).set("p95", pc[7]).set("miss", t.pd_payment.mean).set("defer", t.pd_deferral.mean)
            .set("eod", t.pd_event_of_default.mean).set("loss", t.pd_principal.mean).set("el", t.expected_loss.mean)
            .set("lgd", t.lgd).set("fair_spread", t.fair_spread);
    }
    const auto& e = s.equity;
    tokens.add_row()
        .set("token", e.symbol).set("price", e.price_per_token.mean).set("se", e.price_per_token.standard_error)
        .set("p5", e.price_per_token_dist.percentiles[1]).set("p95", e.price_per_token_dist.percentiles[7]);
    o += to_text(tokens, kTable);
    o += "P(miss): any interest or principal unpaid when due; P(defer): unpaid by a deferrable tranche; P(EoD): an event "
         "of default (payment default or DSCR below the default level) while outstanding; P(loss): principal unpaid at "
         "the end\n";
    o += fmt::format("{}\n", mc::kFairSpreadDefinition);
    if (lgd_undefined) o += "* LGD n/a: no path lost principal, so the loss given default is undefined\n";
    if (e.irr.count > 0)
        o += fmt::format("\nEquity IRR: P5 {}  P50 {}  P95 {}  ({} of {} paths have an IRR)\n",
                         format::percent(e.irr.percentiles[1]), format::percent(e.irr.percentiles[4]),
                         format::percent(e.irr.percentiles[7]), e.irr.count, s.paths);
    double worst_lockup = 0.0, worst_default = 0.0, worst_dsra = 0.0;
    for (std::size_t t = 0; t < s.per_period.time.size(); ++t) {
        worst_lockup = std::max(worst_lockup, s.per_period.prob_dscr_below_lockup[t]);
        worst_default = std::max(worst_default, s.per_period.prob_dscr_below_default[t]);
        worst_dsra = std::max(worst_dsra, s.per_period.prob_dsra_drawn[t]);
    }
    o += fmt::format("Worst period: P(DSCR < lock-up) {}, P(DSCR < default) {}, P(DSRA drawn) {}\n",
                     format::percent(worst_lockup), format::percent(worst_default), format::percent(worst_dsra));
    if (!s.tranches.empty() && std::isfinite(s.tranches[0].dv01)) {
        Table sens("mc_sensitivities_text");
        sens.text("token");
        price_columns(sens, {{"dv01", "DV01"}, {"cs01", "CS01"}, {"price_delta", "+1% price"},
                             {"volume_delta", "+1% volume"}, {"opex_delta", "+1% opex"}});
        for (const auto& t : s.tranches)
            sens.add_row()
                .set("token", t.symbol).set("dv01", t.dv01).set("cs01", t.cs01).set("price_delta", t.price_delta)
                .set("volume_delta", t.volume_delta).set("opex_delta", t.opex_delta);
        sens.add_row()
            .set("token", e.symbol).set("dv01", e.dv01).set("price_delta", e.price_delta)
            .set("volume_delta", e.volume_delta).set("opex_delta", e.opex_delta);
        o += "\n";
        o += to_text(sens, {.title = "Sensitivities per token (CRN bump and revalue):", .gap = "  "});
    }
    return o;
}

}  // namespace pftoken::report
