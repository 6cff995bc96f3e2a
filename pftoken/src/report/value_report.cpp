// Reports of a deterministic valuation: readable summary, CSV and JSON (docs/tools/value.md).
#include "pftoken/report/value_report.hpp"

#include <cmath>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pftoken/base/format.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/base/table_json.hpp"
#include "pftoken/model/loader.hpp"

namespace pftoken::report {
namespace {

using nlohmann::ordered_json;

std::string date_text(const CalendarDate& d) { return format::iso_date(d); }

double sum(const std::vector<double>& v) {
    double total = 0.0;
    for (double x : v) total += x;
    return total;
}

struct DoubleColumn {
    const char* name;
    std::vector<double> WaterfallResults::*column;
};
struct FlagColumn {
    const char* name;
    std::vector<std::uint8_t> WaterfallResults::*column;
};

// Output order of the per-period table; docs/tools/value.md documents each column.
const std::vector<DoubleColumn> kDoubleColumns{
    {"revenue", &WaterfallResults::revenue},
    {"opex", &WaterfallResults::opex},
    {"working_capital_change", &WaterfallResults::working_capital_change},
    {"tax", &WaterfallResults::tax},
    {"maintenance_capex", &WaterfallResults::maintenance_capex},
    {"mra_release", &WaterfallResults::mra_release},
    {"cfads", &WaterfallResults::cfads},
    {"senior_fees", &WaterfallResults::senior_fees},
    {"debt_service_due", &WaterfallResults::debt_service_due},
    {"debt_service_paid", &WaterfallResults::debt_service_paid},
    {"dscr", &WaterfallResults::dscr},
    {"ltm_dscr", &WaterfallResults::ltm_dscr},
    {"llcr", &WaterfallResults::llcr},
    {"plcr", &WaterfallResults::plcr},
    {"dsra_balance", &WaterfallResults::dsra_balance},
    {"dsra_draw", &WaterfallResults::dsra_draw},
    {"dsra_deposit", &WaterfallResults::dsra_deposit},
    {"dsra_release", &WaterfallResults::dsra_release},
    {"dsra_interest", &WaterfallResults::dsra_interest},
    {"mra_balance", &WaterfallResults::mra_balance},
    {"mra_deposit", &WaterfallResults::mra_deposit},
    {"mra_interest", &WaterfallResults::mra_interest},
    {"lockup_balance", &WaterfallResults::lockup_balance},
    {"lockup_deposit", &WaterfallResults::lockup_deposit},
    {"lockup_release", &WaterfallResults::lockup_release},
    {"sweep", &WaterfallResults::sweep},
    {"distributions", &WaterfallResults::distributions},
    {"equity_injection", &WaterfallResults::equity_injection},
    {"equity_cash_flow", &WaterfallResults::equity_cash_flow},
    {"capex", &WaterfallResults::capex},
    {"debt_drawdown", &WaterfallResults::debt_drawdown},
    {"equity_funding", &WaterfallResults::equity_funding},
    {"interest_during_construction", &WaterfallResults::interest_during_construction},
    {"sources", &WaterfallResults::sources},
    {"uses", &WaterfallResults::uses},
};
const std::vector<FlagColumn> kFlagColumns{
    {"lockup", &WaterfallResults::lockup},
    {"event_of_default", &WaterfallResults::event_of_default},
    {"dsra_drawn", &WaterfallResults::dsra_drawn},
};
const std::vector<DoubleColumn> kTrancheColumns{
    {"rate", &WaterfallResults::tranche_rate},
    {"drawdown", &WaterfallResults::tranche_drawdown},
    {"interest_due", &WaterfallResults::tranche_interest_due},
    {"interest_paid", &WaterfallResults::tranche_interest_paid},
    {"principal_due", &WaterfallResults::tranche_principal_due},
    {"principal_paid", &WaterfallResults::tranche_principal_paid},
    {"prepayment", &WaterfallResults::tranche_prepayment},
    {"deferred", &WaterfallResults::tranche_deferred},
    {"balance", &WaterfallResults::tranche_balance},
};

/// Rows of the per-period table present in the result (grid and buffers agree).
int period_count(const ValuationResult& r) {
    const int n = std::min(r.grid.size(), r.periods.periods);
    return std::max(n, 0);
}

double value_at(const std::vector<double>& v, int t) {
    return static_cast<std::size_t>(t) < v.size() ? v[static_cast<std::size_t>(t)]
                                                   : std::numeric_limits<double>::quiet_NaN();
}

double tranche_value(const WaterfallResults& w, const std::vector<double>& column, int k, int t) {
    const auto i = static_cast<std::size_t>(k) * static_cast<std::size_t>(w.periods) + static_cast<std::size_t>(t);
    return i < column.size() ? column[i] : std::numeric_limits<double>::quiet_NaN();
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The cumulative coverage level whose most junior rank is `rank` (nullptr if none).
const SeniorityCoverage* seniority_level(const ValuationResult& r, int rank) {
    for (const auto& level : r.coverage_by_seniority)
        if (level.rank == rank) return &level;
    return nullptr;
}

std::string rate_text(const Tranche& t) {
    if (t.rate_type == Tranche::RateType::Floating) return fmt::format("{}+{:.2f}%", t.index, 100.0 * t.spread);
    return fmt::format("{:.3f}%", 100.0 * t.fixed_rate);
}

/// Sources and uses of funds over construction (and at financial close).
struct SourcesUses {
    double capex = 0.0;
    double idc = 0.0;
    double dsra_funding = 0.0;
    double other_uses = 0.0;
    std::vector<double> debt;  ///< per tranche, cash drawn
    double capitalised_interest = 0.0;  ///< IDC added to the tranche balances (a non-cash source)
    double equity = 0.0;
    double total = 0.0;
};

SourcesUses sources_uses(const Project& project, const ValuationResult& r) {
    const auto& w = r.periods;
    SourcesUses su;
    const int n = period_count(r);
    const int construction = std::min(r.grid.construction_periods, n);
    su.capex = sum(w.capex) + w.close_capex;
    su.idc = sum(w.interest_during_construction);
    su.dsra_funding = w.close_dsra_funding;
    for (int t = 0; t < construction; ++t) su.dsra_funding += value_at(w.dsra_deposit, t);
    su.debt.assign(project.tranches.size(), 0.0);
    double drawn = 0.0;
    for (std::size_t k = 0; k < project.tranches.size(); ++k) {
        for (int t = 0; t < n; ++t) {
            const double x = tranche_value(w, w.tranche_drawdown, static_cast<int>(k), t);
            if (std::isfinite(x)) su.debt[k] += x;
        }
        drawn += su.debt[k];
    }
    if (w.close_debt > 0.0) {  // no construction: split the close draw by committed principal
        double principal = 0.0;
        for (const auto& tv : r.tranches) principal += tv.principal;
        for (std::size_t k = 0; k < su.debt.size() && k < r.tranches.size(); ++k)
            su.debt[k] += principal > 0.0 ? w.close_debt * r.tranches[k].principal / principal : 0.0;
        drawn += w.close_debt;
    }
    su.equity = sum(w.equity_funding) + w.close_equity;
    if (project.construction.capitalise_interest) su.capitalised_interest = su.idc;
    su.total = drawn + su.equity + su.capitalised_interest;
    su.other_uses = su.total - su.capex - su.idc - su.dsra_funding;
    return su;
}

std::map<std::string, int> event_counts(const ValuationResult& r) {
    std::map<std::string, int> counts;
    for (const auto& e : r.events) ++counts[std::string(to_string(e.kind))];
    return counts;
}

std::string tranche_name(const Project& project, int k) {
    return k >= 0 && static_cast<std::size_t>(k) < project.tranches.size() ? project.tranches[static_cast<std::size_t>(k)].name
                                                                           : std::string{};
}

ordered_json summary_document(const Project& project, const ValuationResult& r) {
    ordered_json j;
    j["project"] = r.project.empty() ? project.name : r.project;
    j["currency"] = r.currency.empty() ? project.currency : r.currency;
    j["valuation_date"] = date_text(r.valuation_date);
    j["cod"] = date_text(r.grid.cod);
    // Only with a valuation date in the project (the documents of projects valued at COD keep
    // their shape): the debt valuation date and whether actuals replaced the modelled state.
    const bool dated = project.valuation_date.has_value();
    if (dated) {
        j["debt_valuation_date"] = date_text(r.debt_valuation_date);
        j["seasoned"] = r.seasoned;
    }
    j["construction_periods"] = r.grid.construction_periods;
    j["operating_periods"] = r.grid.operating_periods;
    j["periods_per_year"] = r.grid.periods_per_year;

    const auto su = sources_uses(project, r);
    ordered_json uses;
    uses["capex"] = json_number(su.capex);
    uses["interest_during_construction"] = json_number(su.idc);
    uses["dsra_funding"] = json_number(su.dsra_funding);
    uses["other"] = json_number(su.other_uses);
    uses["total"] = json_number(su.total);
    ordered_json sources;
    for (std::size_t k = 0; k < su.debt.size(); ++k) sources[project.tranches[k].name] = json_number(su.debt[k]);
    sources["capitalised_interest"] = json_number(su.capitalised_interest);
    sources["equity"] = json_number(su.equity);
    sources["total"] = json_number(su.total);
    j["uses"] = uses;
    j["sources"] = sources;
    j["total_debt"] = json_number(r.total_debt);
    j["total_capex"] = json_number(r.total_capex);
    j["gearing"] = json_number(r.gearing);
    j["project_irr"] = json_number(r.project_irr);

    ordered_json tranches = ordered_json::array();
    for (std::size_t k = 0; k < r.tranches.size(); ++k) {
        const auto& tv = r.tranches[k];
        ordered_json t;
        t["name"] = tv.name;
        t["symbol"] = tv.symbol;
        t["rank"] = tv.rank;
        if (k < project.tranches.size()) {
            const auto& in = project.tranches[k];
            t["rate_type"] = in.rate_type == Tranche::RateType::Fixed ? "fixed" : "floating";
            t["fixed_rate"] =
                in.rate_type == Tranche::RateType::Fixed ? json_number(in.fixed_rate) : ordered_json(nullptr);
            t["index"] = in.index;
            t["spread"] = json_number(in.spread);
            t["amortisation"] = std::string(to_string(in.amortisation));
            t["tenor_years"] = json_number(in.tenor_years);
            t["token_supply"] = json_number(in.token.supply);
        }
        t["principal"] = json_number(tv.principal);
        t["pv"] = json_number(tv.pv);
        t["price_per_token"] = json_number(tv.price_per_token);
        t["price_pct_of_par"] = json_number(tv.price_pct_of_par);
        t["yield"] = json_number(tv.yield);
        t["macaulay_duration"] = json_number(tv.macaulay_duration);
        t["modified_duration"] = json_number(tv.modified_duration);
        t["convexity"] = json_number(tv.convexity);
        t["wal"] = json_number(tv.wal);
        t["z_spread"] = json_number(tv.z_spread);
        t["total_interest"] = json_number(tv.total_interest);
        t["total_principal"] = json_number(tv.total_principal);
        t["deferred_interest"] = json_number(tv.deferred_interest);
        t["final_balance"] = json_number(tv.final_balance);
        t["payment_default"] = tv.payment_default;
        if (dated) {
            t["outstanding"] = json_number(tv.outstanding);
            t["outstanding_per_token"] = json_number(tv.outstanding_per_token);
            t["accrued_interest"] = json_number(tv.accrued_interest);
            t["accrued_per_token"] = json_number(tv.accrued_per_token);
            t["clean_price_per_token"] = json_number(tv.clean_price_per_token);
            t["clean_price_pct_of_par"] = json_number(tv.clean_price_pct_of_par);
        }
        tranches.push_back(t);
    }
    j["tranches"] = tranches;

    ordered_json eq;
    eq["symbol"] = r.equity.symbol;
    eq["token_supply"] = json_number(project.equity.token.supply);
    eq["contribution"] = json_number(r.equity.contribution);
    eq["cost_of_equity"] = json_number(project.equity.cost_of_equity);
    eq["npv"] = json_number(r.equity.npv);
    eq["irr"] = json_number(r.equity.irr);
    eq["price_per_token"] = json_number(r.equity.price_per_token);
    eq["total_distributions"] = json_number(r.equity.total_distributions);
    j["equity"] = eq;

    const auto& c = r.covenants;
    ordered_json cov;
    cov["lockup_dscr"] = json_number(project.covenants.lockup_dscr);
    cov["default_dscr"] = json_number(project.covenants.default_dscr);
    cov["tested_on"] = project.covenants.use_historic_dscr ? "ltm_dscr" : "dscr";
    cov["min_dscr"] = json_number(c.min_dscr);
    cov["min_dscr_period"] = c.min_dscr_period;
    cov["min_dscr_date"] = date_text(c.min_dscr_date);
    cov["average_dscr"] = json_number(c.average_dscr);
    cov["min_ltm_dscr"] = json_number(c.min_ltm_dscr);
    cov["llcr_at_cod"] = json_number(c.llcr_at_cod);
    cov["plcr_at_cod"] = json_number(c.plcr_at_cod);
    cov["min_llcr"] = json_number(c.min_llcr);
    cov["lockup_periods"] = c.lockup_periods;
    cov["default_periods"] = c.default_periods;
    cov["dsra_draw_periods"] = c.dsra_draw_periods;
    cov["total_swept"] = json_number(c.total_swept);
    j["covenants"] = cov;

    // Cumulative coverage down to each rank (senior; senior + next; ...; all debt).
    ordered_json levels = ordered_json::array();
    for (const auto& level : r.coverage_by_seniority) {
        ordered_json l;
        l["name"] = "to_rank_" + std::to_string(level.rank);
        l["rank"] = level.rank;
        l["tranches"] = level.tranches;
        l["min_dscr"] = json_number(level.min_dscr);
        l["min_dscr_period"] = level.min_dscr_period;
        l["average_dscr"] = json_number(level.average_dscr);
        l["llcr_at_cod"] = json_number(level.llcr_at_cod);
        l["min_llcr"] = json_number(level.min_llcr);
        levels.push_back(l);
    }
    j["coverage_by_seniority"] = levels;

    // Sizing of the tranches sized or sculpted by the model (empty when every principal is given).
    ordered_json sizing = ordered_json::array();
    for (const auto& tv : r.tranches) {
        if (tv.sizing.binding.empty()) continue;
        const SeniorityCoverage* level = seniority_level(r, tv.rank);
        ordered_json s;
        s["name"] = tv.name;
        s["principal"] = json_number(tv.principal);
        s["binding"] = tv.sizing.binding;
        s["target_dscr"] = json_number(tv.sizing.target);
        s["tenor_clipped"] = tv.sizing.tenor_clipped;
        s["tenor_periods"] = tv.sizing.tenor_periods;
        s["level_min_dscr"] = json_number(level ? level->min_dscr : kNaN);
        s["level_average_dscr"] = json_number(level ? level->average_dscr : kNaN);
        s["constraints_hold"] = tv.sizing.constraints_hold;
        ordered_json misses = ordered_json::array();
        for (const auto& m : tv.sizing.misses)
            misses.push_back({{"period", m.period}, {"date", date_text(r.grid.end[static_cast<std::size_t>(m.period)])},
                              {"sculpted_debt_service", json_number(m.sculpted_debt_service)},
                              {"interest", json_number(m.interest)}});
        s["interest_only_periods"] = misses;
        s["report"] = tv.sizing_report;
        sizing.push_back(s);
    }
    j["sizing"] = sizing;

    ordered_json events;
    events["count"] = r.events.size();
    events["dropped"] = r.periods.events_dropped;
    ordered_json by_kind = ordered_json::object();
    for (const auto& [kind, count] : event_counts(r)) by_kind[kind] = count;
    events["by_kind"] = by_kind;
    j["events"] = events;
    return j;
}

/// One row per leaf of the summary document: dotted path (array elements by their "name") and value.
void flatten(const ordered_json& j, const std::string& prefix, Table& table) {
    if (j.is_object()) {
        for (const auto& [key, value] : j.items()) flatten(value, prefix.empty() ? key : prefix + "." + key, table);
        return;
    }
    if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) {
            const auto& e = j[i];
            const std::string key = e.is_object() && e.contains("name") ? e["name"].get<std::string>() : std::to_string(i);
            flatten(e, prefix + "." + key, table);
        }
        return;
    }
    auto row = table.add_row();
    row.set("metric", prefix);
    if (j.is_number()) row.set("value", j.get<double>());
    else if (j.is_boolean()) row.set("value", j.get<bool>());
    else if (j.is_string()) row.set("value", j.get<std::string>());
}

// The text report's units over base formatting; "-" for a missing value.
std::string money_m(double x) { return format::fixed(x / 1e6, 3, "-"); }
std::string ratio(double x) { return std::isfinite(x) ? format::fixed(x, 3) + "x" : std::string("-"); }
std::string pct(double x) { return format::percent(x, 3, "-"); }

// Columns of the text report's tables (the base table text writer over base/format): money in
// millions, ratios "1.234x", percentages, years, basis points; "-" for a missing value.
Table& shown_column(Table& t, std::string name, ColumnType type, int decimals, std::string title, Display display) {
    Column c;
    c.name = std::move(name);
    c.type = type;
    c.decimals = decimals;
    c.title = std::move(title);
    display.missing = "-";
    c.display = std::move(display);
    return t.add_column(std::move(c));
}
Table& millions(Table& t, std::string name, std::string title) {
    return shown_column(t, std::move(name), ColumnType::Money, 3, std::move(title), {.scale = 1e-6});
}
Table& ratio_column(Table& t, std::string name, std::string title) {
    return shown_column(t, std::move(name), ColumnType::Real, 3, std::move(title), {.suffix = "x"});
}
Table& fixed_column(Table& t, std::string name, int decimals, std::string title) {
    return shown_column(t, std::move(name), ColumnType::Real, decimals, std::move(title), {});
}
Table& percent_column(Table& t, std::string name, int decimals, std::string title) {
    return shown_column(t, std::move(name), ColumnType::Percent, decimals, std::move(title), {});
}
Table& bp_column(Table& t, std::string name, std::string title) {
    return shown_column(t, std::move(name), ColumnType::Real, 1, std::move(title), {.scale = 1e4, .suffix = "bp"});
}
const TextOptions kIndented{.indent = "  ", .gap = "  "};

}  // namespace

std::vector<std::string> period_column_names() {
    std::vector<std::string> names{"period", "start", "end", "phase", "operating_year", "year_fraction"};
    for (const auto& c : kDoubleColumns) names.emplace_back(c.name);
    for (const auto& c : kFlagColumns) names.emplace_back(c.name);
    names.emplace_back("llcr_ex_post");
    names.emplace_back("plcr_ex_post");
    return names;
}

std::vector<std::string> tranche_column_names() {
    std::vector<std::string> names;
    for (const auto& c : kTrancheColumns) names.emplace_back(c.name);
    return names;
}

std::string summary_json(const Project& project, const ValuationResult& result) {
    return dump_json(summary_document(project, result), 2);
}

Table summary_table(const Project& project, const ValuationResult& result) {
    Table t("summary");
    t.text("metric").mixed("value", 0);  // numbers as shortest round-trip text
    flatten(summary_document(project, result), "", t);
    return t;
}

std::string summary_csv(const Project& project, const ValuationResult& result) { return to_csv(summary_table(project, result)); }

Table tranches_table(const Project& project, const ValuationResult& r) {
    Table t("tranches");
    t.text("name").text("symbol").integer("rank").text("rate");
    for (const char* c : {"principal", "pv", "price_per_token", "price_pct_of_par", "yield", "macaulay_duration",
                          "modified_duration", "convexity", "wal", "z_spread", "total_interest", "total_principal",
                          "deferred_interest", "final_balance"})
        t.real(c, 0);  // shortest round-trip text
    t.flag("payment_default");
    for (const char* c : {"outstanding", "outstanding_per_token", "accrued_interest", "accrued_per_token",
                          "clean_price_per_token", "clean_price_pct_of_par"})
        t.real(c, 0);
    for (const char* c : {"contribution", "npv", "irr", "total_distributions"}) t.real(c, 0);
    for (std::size_t k = 0; k < r.tranches.size(); ++k) {
        const auto& x = r.tranches[k];
        auto row = t.add_row();
        row.set("name", x.name).set("symbol", x.symbol).set("rank", x.rank);
        if (k < project.tranches.size()) row.set("rate", rate_text(project.tranches[k]));
        row.set("principal", x.principal).set("pv", x.pv).set("price_per_token", x.price_per_token);
        row.set("price_pct_of_par", x.price_pct_of_par).set("yield", x.yield);
        row.set("macaulay_duration", x.macaulay_duration).set("modified_duration", x.modified_duration);
        row.set("convexity", x.convexity).set("wal", x.wal).set("z_spread", x.z_spread);
        row.set("total_interest", x.total_interest).set("total_principal", x.total_principal);
        row.set("deferred_interest", x.deferred_interest).set("final_balance", x.final_balance);
        row.set("payment_default", x.payment_default);
        row.set("outstanding", x.outstanding).set("outstanding_per_token", x.outstanding_per_token);
        row.set("accrued_interest", x.accrued_interest).set("accrued_per_token", x.accrued_per_token);
        row.set("clean_price_per_token", x.clean_price_per_token).set("clean_price_pct_of_par", x.clean_price_pct_of_par);
    }
    const auto& e = r.equity;
    auto row = t.add_row();
    row.set("name", "equity").set("symbol", e.symbol).set("pv", e.npv).set("price_per_token", e.price_per_token);
    row.set("contribution", e.contribution).set("npv", e.npv).set("irr", e.irr);
    row.set("total_distributions", e.total_distributions);
    return t;
}

std::string tranches_csv(const Project& project, const ValuationResult& r) { return to_csv(tranches_table(project, r)); }

bool any_sized(const ValuationResult& r) {
    return std::any_of(r.tranches.begin(), r.tranches.end(), [](const TrancheValuation& t) { return !t.sizing.binding.empty(); });
}

Table sizing_table(const ValuationResult& r) {
    Table t("sizing");
    t.text("tranche").integer("rank").real("principal", 0).text("binding").real("target_dscr", 0).flag("tenor_clipped");
    t.integer("tenor_periods").real("level_min_dscr", 0).real("level_average_dscr", 0).integer("interest_only_periods");
    t.flag("constraints_hold");
    for (const auto& x : r.tranches) {
        if (x.sizing.binding.empty()) continue;
        const SeniorityCoverage* level = seniority_level(r, x.rank);
        auto row = t.add_row();
        row.set("tranche", x.name).set("rank", x.rank).set("principal", x.principal).set("binding", x.sizing.binding);
        row.set("target_dscr", x.sizing.target).set("tenor_clipped", x.sizing.tenor_clipped);
        row.set("tenor_periods", x.sizing.tenor_periods);
        row.set("level_min_dscr", level ? level->min_dscr : kNaN).set("level_average_dscr", level ? level->average_dscr : kNaN);
        row.set("interest_only_periods", static_cast<int>(x.sizing.misses.size()));
        row.set("constraints_hold", x.sizing.constraints_hold);
    }
    return t;
}

Table sizing_periods_table(const ValuationResult& r) {
    Table t("sizing_periods");
    t.text("tranche").integer("period").text("date").real("sculpted_debt_service", 0).real("interest", 0);
    t.real("dscr", 0);
    for (const auto& x : r.tranches) {
        for (const auto& m : x.sizing.misses) {
            const auto ts = static_cast<std::size_t>(m.period);
            auto row = t.add_row();
            row.set("tranche", x.name).set("period", m.period).set("date", date_text(r.grid.end[ts]));
            row.set("sculpted_debt_service", m.sculpted_debt_service).set("interest", m.interest);
            row.set("dscr", ts < r.periods.dscr.size() ? r.periods.dscr[ts] : kNaN);
        }
    }
    return t;
}

Table periods_table(const ValuationResult& r) {
    const auto& w = r.periods;
    Table t("periods");
    t.integer("period").date("start").date("end").text("phase").integer("operating_year").real("year_fraction", 0);
    for (const auto& c : kDoubleColumns) t.real(c.name, 0);
    for (const auto& c : kFlagColumns) t.integer(c.name);  // 0/1 in CSV and JSON alike
    t.real("llcr_ex_post", 0).real("plcr_ex_post", 0);
    const int n = period_count(r);
    for (int p = 0; p < n; ++p) {
        const auto i = static_cast<std::size_t>(p);
        auto row = t.add_row();
        row.set("period", p);
        if (i < r.grid.start.size()) row.set("start", r.grid.start[i]);
        if (i < r.grid.end.size()) row.set("end", r.grid.end[i]);
        const bool operating = i < r.grid.operating.size() && r.grid.operating[i] != 0;
        row.set("phase", operating ? "operations" : "construction");
        const int op_year = i < r.grid.operating_year.size() ? r.grid.operating_year[i] : -1;
        if (op_year >= 0) row.set("operating_year", op_year + 1);
        if (i < r.grid.accrual.size()) row.set("year_fraction", r.grid.accrual[i]);
        for (const auto& c : kDoubleColumns) row.set(c.name, value_at(w.*(c.column), p));
        for (const auto& c : kFlagColumns) {
            const auto& v = w.*(c.column);
            if (i < v.size()) row.set(c.name, static_cast<int>(v[i]));
        }
        row.set("llcr_ex_post", value_at(r.llcr, p)).set("plcr_ex_post", value_at(r.plcr, p));
    }
    return t;
}

Table tranche_periods_table(const Project& project, const ValuationResult& r, int k) {
    const auto& w = r.periods;
    Table t(project.tranches[static_cast<std::size_t>(k)].name);
    for (const auto& c : kTrancheColumns) t.real(c.name, 0);
    const int n = period_count(r);
    for (int p = 0; p < n; ++p) {
        auto row = t.add_row();
        for (const auto& c : kTrancheColumns) row.set(c.name, tranche_value(w, w.*(c.column), k, p));
    }
    return t;
}

namespace {
/// Tranches with per-period columns in the result (the kernel's count and the project's agree).
int tranche_count(const Project& project, const ValuationResult& r) {
    return std::min(r.periods.tranches, static_cast<int>(project.tranches.size()));
}
}  // namespace

std::string periods_csv(const Project& project, const ValuationResult& r) {
    const Table periods = periods_table(r);
    std::vector<Table> tranches;
    for (int k = 0; k < tranche_count(project, r); ++k) tranches.push_back(tranche_periods_table(project, r, k));
    std::vector<std::pair<std::string, const Table*>> parts{{"", &periods}};
    for (const auto& t : tranches) parts.emplace_back(t.name() + ".", &t);
    return to_csv(side_by_side("periods", parts));
}

std::string periods_json(const Project& project, const ValuationResult& r) {
    ordered_json tranches;
    for (int k = 0; k < tranche_count(project, r); ++k) {
        const Table t = tranche_periods_table(project, r, k);
        tranches[t.name()] = json_columns(t);
    }
    ordered_json doc;
    doc["project"] = project.name;
    doc["columns"] = json_columns(periods_table(r));
    doc["tranches"] = tranches;
    return dump_json(doc, -1);
}

Table events_table(const Project& project, const ValuationResult& r) {
    Table t("events");
    t.integer("period").date("date").text("kind").text("tranche").real("amount", 0).real("value", 0).real("threshold", 0);
    for (const auto& e : r.events) {
        auto row = t.add_row();
        row.set("period", e.period).set("date", e.date).set("kind", to_string(e.kind));
        const auto name = tranche_name(project, e.tranche);
        if (!name.empty()) row.set("tranche", name);  // empty: no tranche (JSON null)
        row.set("amount", e.amount).set("value", e.value).set("threshold", e.threshold);
    }
    return t;
}

std::string events_csv(const Project& project, const ValuationResult& r) { return to_csv(events_table(project, r)); }

std::string events_json(const Project& project, const ValuationResult& r) {
    ordered_json doc;
    doc["events"] = json_records(events_table(project, r));
    doc["dropped"] = r.periods.events_dropped;
    return dump_json(doc, 1);
}

std::vector<ReportFile> report_files(const Project& project, const ValuationResult& result, ReportFormat format) {
    std::vector<ReportFile> files;
    if (format == ReportFormat::Csv || format == ReportFormat::All) {
        files.push_back({"summary.csv", summary_csv(project, result)});
        files.push_back({"tranches.csv", tranches_csv(project, result)});
        files.push_back({"periods.csv", periods_csv(project, result)});
        files.push_back({"events.csv", events_csv(project, result)});
        if (any_sized(result)) {
            files.push_back({"sizing.csv", to_csv(sizing_table(result))});
            files.push_back({"sizing_periods.csv", to_csv(sizing_periods_table(result))});
        }
    }
    if (format == ReportFormat::Json || format == ReportFormat::All) {
        files.push_back({"summary.json", summary_json(project, result)});
        files.push_back({"periods.json", periods_json(project, result)});
        files.push_back({"events.json", events_json(project, result)});
    }
    return files;
}

std::string summary_text(const Project& project, const ValuationResult& r, int max_events, bool event_files_written) {
    const std::string ccy = r.currency.empty() ? project.currency : r.currency;
    std::string out;
    auto line = [&out](const std::string& s) { out += s + "\n"; };
    line(fmt::format("Project: {}", r.project.empty() ? project.name : r.project));
    line(fmt::format("  currency {}; valuation date (financial close) {}; COD {}", ccy, date_text(r.valuation_date),
                     date_text(r.grid.cod)));
    line(fmt::format("  {} construction months, {} {} operating periods ({} years)", r.grid.construction_periods,
                     r.grid.operating_periods, to_string(project.timeline.frequency), project.timeline.operations_years));
    line("");

    const auto su = sources_uses(project, r);
    Table su_table("sources_uses_text");
    su_table.text("item");
    millions(su_table, "amount", "m");
    percent_column(su_table, "share", 1, "share");
    auto su_row = [&](const std::string& label, double x) {
        su_table.add_row().set("item", label).set("amount", x).set("share", su.total != 0.0 ? x / su.total : kNaN);
    };
    su_table.add_row().set("item", "uses");
    su_row("  capex", su.capex);
    su_row("  interest during construction", su.idc);
    su_row("  DSRA initial funding", su.dsra_funding);
    if (std::abs(su.other_uses) > 0.5) su_row("  other (fees, rounding)", su.other_uses);
    su_row("  total uses", su.total);
    su_table.add_row().set("item", "sources");
    for (std::size_t k = 0; k < su.debt.size(); ++k) su_row("  " + project.tranches[k].name, su.debt[k]);
    if (su.capitalised_interest != 0.0) su_row("  capitalised interest (IDC)", su.capitalised_interest);
    su_row("  equity", su.equity);
    su_row("  total sources", su.total);
    line(fmt::format("Sources and uses ({} m)", ccy));
    out += to_text(su_table, {.indent = "  ", .gap = "  ", .header = false});
    line(fmt::format("  gearing {:.1f}% (debt {} m / total uses)", 100.0 * r.gearing, money_m(r.total_debt)));
    line("");

    const bool at_cod = r.debt_valuation_date == r.grid.cod;
    const std::string debt_date = date_text(r.debt_valuation_date) + (at_cod ? " (COD)" : "");
    // "tranche prices at DATE": the words `mc`, `stress`, `compare` and `report` use for the same
    // date (docs/conventions.md, "Names and units").
    line(fmt::format("Tranches: tranche prices at {} ({}PV of the flows paid after it, on the discount curve referenced "
                     "at that date + tranche spread{})",
                     date_text(r.debt_valuation_date), at_cod ? "COD; " : "",
                     r.seasoned ? "; actuals replace the modelled state" : ""));
    Table tranches("tranches_text");
    tranches.text("tranche").text("symbol").integer("rank");
    millions(tranches, "principal", "principal m");
    tranches.text("rate").display("rate", {.align = Align::Right});
    millions(tranches, "pv", "PV m");
    fixed_column(tranches, "price_per_token", 4, "price/token");
    fixed_column(tranches, "price_pct_of_par", 3, "% par");
    percent_column(tranches, "yield", 3, "yield");
    fixed_column(tranches, "macaulay_duration", 2, "MacDur");
    fixed_column(tranches, "modified_duration", 2, "ModDur");
    fixed_column(tranches, "convexity", 2, "convex");
    fixed_column(tranches, "wal", 2, "WAL");
    bp_column(tranches, "z_spread", "z-spread");
    for (std::size_t k = 0; k < r.tranches.size(); ++k) {
        const auto& t = r.tranches[k];
        tranches.add_row()
            .set("tranche", t.name).set("symbol", t.symbol).set("rank", t.rank).set("principal", t.principal)
            .set("rate", k < project.tranches.size() ? rate_text(project.tranches[k]) : "-").set("pv", t.pv)
            .set("price_per_token", t.price_per_token).set("price_pct_of_par", t.price_pct_of_par)
            .set("yield", t.yield).set("macaulay_duration", t.macaulay_duration)
            .set("modified_duration", t.modified_duration).set("convexity", t.convexity).set("wal", t.wal)
            .set("z_spread", t.z_spread);
    }
    out += to_text(tranches, kIndented);
    if (project.valuation_date) {
        Table dated("tranches_at_date_text");
        dated.text("tranche");
        millions(dated, "outstanding", "outstanding m");
        fixed_column(dated, "outstanding_per_token", 4, "outst./token");
        millions(dated, "accrued", "accrued m");
        fixed_column(dated, "accrued_per_token", 4, "accrued/tok.");
        fixed_column(dated, "clean_per_token", 4, "clean/token");
        fixed_column(dated, "clean_pct_of_par", 3, "clean % par");
        for (const auto& t : r.tranches)
            dated.add_row()
                .set("tranche", t.name).set("outstanding", t.outstanding)
                .set("outstanding_per_token", t.outstanding_per_token).set("accrued", t.accrued_interest)
                .set("accrued_per_token", t.accrued_per_token).set("clean_per_token", t.clean_price_per_token)
                .set("clean_pct_of_par", t.clean_price_pct_of_par);
        out += to_text(dated, {.title = fmt::format("  at {}:", debt_date), .indent = "    ", .gap = "  "});
    }
    for (const auto& t : r.tranches) {
        if (t.deferred_interest > 0.0 || t.final_balance > 0.5 || t.payment_default)
            line(fmt::format("  note: {}: deferred interest {} m, unpaid at end {} m{}", t.name, money_m(t.deferred_interest),
                             money_m(t.final_balance), t.payment_default ? ", PAYMENT DEFAULT" : ""));
    }
    for (const auto& t : r.tranches) {
        if (!std::isfinite(t.pv)) continue;
        if (!(t.total_principal > 0.0))
            line(fmt::format("  note: {}: no principal repaid within the horizon: WAL undefined{}", t.name,
                             t.total_interest > 0.0 ? "" : "; nothing paid, so yield, durations and convexity undefined"));
    }
    line("");

    const auto& e = r.equity;
    line(fmt::format("Equity ({})", e.symbol));
    line(fmt::format("  contribution {} m; NPV at {:.2f}% cost of equity {} m; IRR {}; value per token {}; distributions {} m",
                     money_m(e.contribution), 100.0 * project.equity.cost_of_equity, money_m(e.npv), pct(e.irr),
                     format::fixed(e.price_per_token, 4, "-"), money_m(e.total_distributions)));
    line(fmt::format("Project IRR (unlevered, post-tax): {}", pct(r.project_irr)));
    line("");

    const auto& c = r.covenants;
    line("Coverage ratios");
    line(fmt::format("  min DSCR {} on {} (period {}); average {}; min LTM DSCR {}", ratio(c.min_dscr),
                     date_text(c.min_dscr_date), c.min_dscr_period, ratio(c.average_dscr), ratio(c.min_ltm_dscr)));
    line(fmt::format("  LLCR at COD {}; PLCR at COD {}; min LLCR {}", ratio(c.llcr_at_cod), ratio(c.plcr_at_cod),
                     ratio(c.min_llcr)));
    if (r.coverage_by_seniority.size() > 1) {
        Table levels("coverage_by_seniority_text");
        levels.text("level", "down to");
        ratio_column(levels, "min_dscr", "min DSCR");
        ratio_column(levels, "average_dscr", "average");
        ratio_column(levels, "llcr_at_cod", "LLCR COD");
        ratio_column(levels, "min_llcr", "min LLCR");
        for (const auto& level : r.coverage_by_seniority) {
            std::string names;
            for (const auto& name : level.tranches) names += (names.empty() ? "" : " + ") + name;
            levels.add_row()
                .set("level", fmt::format("rank {} ({})", level.rank, names)).set("min_dscr", level.min_dscr)
                .set("average_dscr", level.average_dscr).set("llcr_at_cod", level.llcr_at_cod)
                .set("min_llcr", level.min_llcr);
        }
        out += to_text(levels, {.title = "  by seniority (cumulative: CFADS against the debt of this rank and every "
                                         "rank above it)",
                                .indent = "    ",
                                .gap = "  "});
    }
    line(fmt::format("Covenants (lock-up below {:.2f}x, default below {:.2f}x, tested on {} DSCR)", project.covenants.lockup_dscr,
                     project.covenants.default_dscr, project.covenants.use_historic_dscr ? "LTM" : "period"));
    line(fmt::format("  lock-up periods {}; event-of-default periods {}; DSRA drawn in {} periods; cash swept {} m",
                     c.lockup_periods, c.default_periods, c.dsra_draw_periods, money_m(c.total_swept)));
    line("");

    if (any_sized(r)) {
        Table sizing("sizing_text");
        sizing.text("tranche");
        millions(sizing, "principal", "principal m");
        sizing.text("binding", "bound by");
        ratio_column(sizing, "target", "target");
        ratio_column(sizing, "min_dscr", "DSCR min");
        ratio_column(sizing, "average_dscr", "average");
        sizing.integer("interest_only", "periods", "interest-only");
        sizing.text("constraints");
        std::vector<std::string> notes;
        for (const auto& t : r.tranches) {
            if (t.sizing.binding.empty()) continue;
            const SeniorityCoverage* level = seniority_level(r, t.rank);
            sizing.add_row()
                .set("tranche", t.name).set("principal", t.principal)
                .set("binding", t.sizing.binding + (t.sizing.tenor_clipped ? " (tenor clipped)" : ""))
                .set("target", t.sizing.target).set("min_dscr", level ? level->min_dscr : kNaN)
                .set("average_dscr", level ? level->average_dscr : kNaN).set("interest_only", t.sizing.misses.size())
                .set("constraints", t.sizing.constraints_hold ? "hold" : "DO NOT hold");
            if (!t.sizing.misses.empty()) {
                std::string dates;
                const std::size_t shown = std::min<std::size_t>(t.sizing.misses.size(), 8);
                for (std::size_t i = 0; i < shown; ++i)
                    dates += (i ? ", " : "") + date_text(r.grid.end[static_cast<std::size_t>(t.sizing.misses[i].period)]);
                notes.push_back(fmt::format("  note: {}: sculpted debt service below interest, paid interest only (DSCR "
                                            "below target) on {}{}",
                                            t.name, dates, t.sizing.misses.size() > shown ? ", ..." : ""));
            }
        }
        out += to_text(sizing, {.title = "Sizing (tranches sized or sculpted by the model; DSCR achieved at the "
                                         "tranche's seniority level)",
                                .indent = "  ",
                                .gap = "  "});
        for (const auto& note : notes) line(note);
        line("");
    }

    const auto counts = event_counts(r);
    std::string by_kind;
    for (const auto& [kind, count] : counts) by_kind += fmt::format("{}{} {}", by_kind.empty() ? "" : ", ", kind, count);
    line(fmt::format("Event log: {} events{}{}", r.events.size(), by_kind.empty() ? "" : " (" + by_kind + ")",
                     r.periods.events_dropped > 0 ? fmt::format("; {} more dropped", r.periods.events_dropped) : ""));
    const int shown = std::min<int>(max_events, static_cast<int>(r.events.size()));
    if (shown > 0) {
        Table events("events_text");
        events.date("date").integer("period", {}, "per").text("event").text("tranche").text("detail");
        for (int i = 0; i < shown; ++i) {
            const Event& ev = r.events[static_cast<std::size_t>(i)];
            std::string detail;
            if (std::isfinite(ev.value) && std::isfinite(ev.threshold) && ev.threshold != 0.0)
                detail = format::fixed(ev.value, 3) + "x vs " + format::fixed(ev.threshold, 3) + "x";
            if (std::isfinite(ev.amount) && ev.amount != 0.0)
                detail += (detail.empty() ? "" : " ") + std::string("amount ") + format::grouped(ev.amount, 2);
            const auto name = tranche_name(project, ev.tranche);
            events.add_row()
                .set("date", ev.date).set("period", ev.period).set("event", to_string(ev.kind))
                .set("tranche", name.empty() ? "-" : name).set("detail", detail);
        }
        out += to_text(events, kIndented);
        if (static_cast<int>(r.events.size()) > shown)
            line(fmt::format("  ... {} more ({})", r.events.size() - static_cast<std::size_t>(shown),
                             event_files_written ? "see events.csv / events.json"
                                                 : "--out DIR writes the whole log to events.csv / events.json"));
    }
    return out;
}

}  // namespace pftoken::report
