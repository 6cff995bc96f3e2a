// Stress outputs: tables, CSV and JSON text for the scenario and reverse-stress summaries.
#include "pftoken/stress/report.hpp"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pftoken/base/format.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/base/table_json.hpp"

namespace pftoken::stress {
namespace {

/// JSON numbers of this file: null when not finite (base/table_json.hpp).
constexpr auto* jnum = &json_number<nlohmann::json>;

std::string period_date(const StressMetrics& m) {
    return m.min_dscr_period >= 0 ? format_date(m.min_dscr_date) : std::string();
}

const char* target_label(ReverseTarget t) {
    switch (t) {
    case ReverseTarget::DefaultDscr: return "default_dscr";
    case ReverseTarget::TrancheLoss: return "tranche_loss";
    case ReverseTarget::EquityWipeout: return "equity_wipeout";
    }
    return "";
}

}  // namespace

std::string format_date(const CalendarDate& d) { return format::iso_date(d); }

Table scenario_results(const StressSummary& summary) {
    Table t("stress_scenarios");
    t.text("scenario").flag("ok").text("error").flag("market_only").real("min_dscr").date("min_dscr_date");
    t.real("min_tested_dscr").real("min_dscr_change").integer("lockup_periods").integer("first_lockup_period");
    t.integer("default_periods").integer("first_default_period").real("dsra_max_draw").real("dsra_total_draw");
    t.integer("dsra_draw_periods").real("equity_value").real("equity_value_change").real("equity_npv");
    t.real("equity_irr").real("equity_irr_change").real("equity_price_per_token").text("first_loss_tranche");
    for (const auto& x : summary.base.metrics.tranches) {
        for (const char* c : {"_pv", "_pv_change", "_pv_change_pct", "_price_per_token", "_price_change", "_loss"})
            t.real(x.name + c);
        t.flag(x.name + "_payment_default");
    }
    auto add = [&](const ScenarioResult& r) {
        auto row = t.add_row();
        row.set("scenario", r.name).set("ok", r.ok).set("error", r.error).set("market_only", r.market_only);
        if (!r.ok) return;  // a failed scenario carries its error; its numbers stay empty
        const auto& m = r.metrics;
        row.set("min_dscr", m.min_dscr).set("min_tested_dscr", m.min_tested_dscr).set("min_dscr_change", m.min_dscr_change);
        if (m.min_dscr_period >= 0) row.set("min_dscr_date", m.min_dscr_date);
        row.set("lockup_periods", m.lockup_periods).set("first_lockup_period", m.first_lockup_period);
        row.set("default_periods", m.default_periods).set("first_default_period", m.first_default_period);
        row.set("dsra_max_draw", m.dsra_max_draw).set("dsra_total_draw", m.dsra_total_draw);
        row.set("dsra_draw_periods", m.dsra_draw_periods).set("equity_value", m.equity_value);
        row.set("equity_value_change", m.equity_value_change).set("equity_npv", m.equity_npv);
        row.set("equity_irr", m.equity_irr).set("equity_irr_change", m.equity_irr_change);
        row.set("equity_price_per_token", m.equity_price_per_token).set("first_loss_tranche", m.first_loss_tranche);
        for (const auto& x : m.tranches) {
            row.set(x.name + "_pv", x.pv).set(x.name + "_pv_change", x.pv_change);
            row.set(x.name + "_pv_change_pct", x.pv_change_pct).set(x.name + "_price_per_token", x.price_per_token);
            row.set(x.name + "_price_change", x.price_change).set(x.name + "_loss", x.loss);
            row.set(x.name + "_payment_default", x.payment_default);
        }
    };
    add(summary.base);
    for (const auto& r : summary.scenarios) add(r);
    return t;
}

std::string scenarios_csv(const StressSummary& summary) { return to_csv(scenario_results(summary)); }

Table reverse_results(const ReverseSummary& summary) {
    Table t("stress_reverse");
    t.text("factor").text("target").text("tranche").flag("found").flag("at_base").flag("jump").real("shock");
    t.real("threshold").real("value_at_shock").real("value_before").integer("evaluations").text("message");
    for (const auto& f : summary.findings) {
        auto row = t.add_row();
        row.set("factor", f.factor).set("target", target_label(f.target));
        row.set("tranche", f.target == ReverseTarget::TrancheLoss ? f.target_name.substr(5) : std::string());
        row.set("found", f.found).set("at_base", f.at_base).set("jump", f.jump).set("shock", f.shock);
        row.set("threshold", f.threshold).set("value_at_shock", f.value_at_shock).set("value_before", f.value_before);
        row.set("evaluations", f.evaluations).set("message", f.message);
    }
    return t;
}

std::string reverse_csv(const ReverseSummary& summary) { return to_csv(reverse_results(summary)); }

namespace {

/// The terminal view of the scenario results: fewer, shorter columns than scenario_results.
Table scenarios_text_table(const StressSummary& summary) {
    Table t("stress_scenarios_text");
    t.text("scenario").real("min_dscr", 10, 3, {}, "min DSCR").date("date").integer("lock").integer("dflt");
    t.real("dsra_max", 10, 0, {}, "DSRA max").integer("draw").real("eq_value", 10, 2, {}, "eq value");
    t.percent("eq_irr", 10, 2, "eq IRR");
    t.display("scenario", {.width = 30, .max_width = 30});
    t.display("min_dscr", {.width = 8});
    t.display("date", {.align = Align::Right, .width = 10});
    t.display("lock", {.width = 5}).display("dflt", {.width = 5}).display("dsra_max", {.width = 11});
    t.display("draw", {.width = 4}).display("eq_value", {.width = 9, .scale = 1e-6, .suffix = "m"});
    t.display("eq_irr", {.width = 9});
    for (const auto& x : summary.base.metrics.tranches) {
        // The names of `value` and `mc` (docs/conventions.md, "Names and units"); the change is of
        // the PV against the base row, in percent.
        t.real(x.name + "_px", 10, 3, {}, x.symbol + " price/token").real(x.name + "_chg", 10, 2, {}, "vs base %");
        t.display(x.name + "_px", {.width = 17}).display(x.name + "_chg", {.width = 9, .sign = true});
    }
    t.text("first_loss", "first loss").text("note");
    t.display("first_loss", {.gap = "  "}).display("note", {.gap = "  "});
    auto add = [&](const ScenarioResult& r) {
        auto row = t.add_row();
        row.set("scenario", r.name);
        if (!r.ok) {
            row.set("note", "FAILED: " + r.error);
            return;
        }
        const auto& m = r.metrics;
        row.set("min_dscr", m.min_dscr).set("lock", m.lockup_periods).set("dflt", m.default_periods);
        if (m.min_dscr_period >= 0) row.set("date", m.min_dscr_date);
        row.set("dsra_max", m.dsra_max_draw).set("draw", m.dsra_draw_periods).set("eq_value", m.equity_value);
        row.set("eq_irr", m.equity_irr);
        for (const auto& x : m.tranches) row.set(x.name + "_px", x.price_per_token).set(x.name + "_chg", x.pv_change_pct);
        row.set("first_loss", m.first_loss_tranche.empty() ? std::string("-") : m.first_loss_tranche);
        if (r.market_only) row.set("note", "(market shocks only)");
        if (!r.not_applied.empty())
            row.set("note", "(not applied, " +
                                (r.not_applied_reason.empty() ? std::string("construction before the valuation date")
                                                              : r.not_applied_reason) +
                                ": " + r.not_applied + ")");
    };
    add(summary.base);
    for (const auto& r : summary.scenarios) add(r);
    return t;
}

}  // namespace

std::string scenarios_table(const StressSummary& summary) {
    return to_text(scenarios_text_table(summary), {.note_column = "note"}) + fmt::format("{} scenarios, {} failed, {:.1f} ms\n", summary.scenarios.size(),
                                                                  summary.failed, 1e3 * summary.seconds);
}

std::string reverse_table(const ReverseSummary& summary) {
    Table t("stress_reverse_text");
    t.text("factor").text("target").real("shock", 6, -1, {}, "smallest shock").text("result");
    t.display("factor", {.width = 20}).display("target", {.width = 22});
    t.display("shock", {.width = 16, .missing = "-"}).display("result", {.gap = "  "});
    for (const auto& f : summary.findings)
        t.add_row().set("factor", f.factor).set("target", f.target_name).set("shock", f.found ? f.shock : kNaN)
            .set("result", f.message);
    return to_text(t) + fmt::format("{} kernel runs, {:.1f} ms\n", summary.evaluations, 1e3 * summary.seconds);
}

nlohmann::json scenarios_json(const StressSummary& summary) {
    auto one = [](const ScenarioResult& r) {
        nlohmann::json j;
        j["name"] = r.name;
        j["description"] = r.description;
        j["ok"] = r.ok;
        if (!r.ok) {
            j["error"] = r.error;
            return j;
        }
        j["market_only"] = r.market_only;
        j["not_applied"] = r.not_applied;
        const auto& m = r.metrics;
        j["min_dscr"] = jnum(m.min_dscr);
        j["min_dscr_date"] = period_date(m);
        j["min_tested_dscr"] = jnum(m.min_tested_dscr);
        j["min_dscr_change"] = jnum(m.min_dscr_change);
        j["lockup_periods"] = m.lockup_periods;
        j["first_lockup_period"] = m.first_lockup_period;
        j["default_periods"] = m.default_periods;
        j["first_default_period"] = m.first_default_period;
        j["dsra"] = {{"max_draw", jnum(m.dsra_max_draw)},
                     {"total_draw", jnum(m.dsra_total_draw)},
                     {"draw_periods", m.dsra_draw_periods}};
        j["equity"] = {{"value", jnum(m.equity_value)},         {"value_change", jnum(m.equity_value_change)},
                       {"npv", jnum(m.equity_npv)},             {"irr", jnum(m.equity_irr)},
                       {"irr_change", jnum(m.equity_irr_change)}, {"price_per_token", jnum(m.equity_price_per_token)}};
        j["first_loss_tranche"] = m.first_loss_tranche.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.first_loss_tranche);
        nlohmann::json tranches = nlohmann::json::array();
        for (const auto& t : m.tranches)
            tranches.push_back({{"name", t.name},
                                {"symbol", t.symbol},
                                {"rank", t.rank},
                                {"pv", jnum(t.pv)},
                                {"pv_change", jnum(t.pv_change)},
                                {"pv_change_pct", jnum(t.pv_change_pct)},
                                {"price_per_token", jnum(t.price_per_token)},
                                {"price_change", jnum(t.price_change)},
                                {"loss", jnum(t.loss)},
                                {"payment_default", t.payment_default}});
        j["tranches"] = tranches;
        return j;
    };
    nlohmann::json out;
    out["base"] = one(summary.base);
    out["scenarios"] = nlohmann::json::array();
    for (const auto& r : summary.scenarios) out["scenarios"].push_back(one(r));
    out["failed"] = summary.failed;
    return out;
}

nlohmann::json reverse_json(const ReverseSummary& summary) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : summary.findings)
        out.push_back({{"factor", f.factor},
                       {"target", f.target_name},
                       {"found", f.found},
                       {"at_base", f.at_base},
                       {"shock", jnum(f.shock)},
                       {"threshold", jnum(f.threshold)},
                       {"value_at_shock", jnum(f.value_at_shock)},
                       {"value_before", jnum(f.value_before)},
                       {"jump", f.jump},
                       {"evaluations", f.evaluations},
                       {"message", f.message}});
    return out;
}

}  // namespace pftoken::stress
