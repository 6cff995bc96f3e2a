// Stochastic stress: scenarios applied to the project inputs, then the project Monte Carlo.
#include "pftoken/stress/mc_stress.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pftoken/base/table.hpp"
#include "pftoken/base/table_json.hpp"
#include "pftoken/error.hpp"
#include "pftoken/mc/project_mc.hpp"

namespace pftoken::stress {
namespace {

/// JSON numbers of this file: null when not finite (base/table_json.hpp).
constexpr auto* jnum = &json_number<nlohmann::json>;

McScenarioStress run_one(const std::string& name, const Project& project, const mc::StochasticSpec& spec,
                         const McStressOptions& options, const mc::PathOverlay& overlay) {
    McScenarioStress out;
    out.name = name;
    mc::ProjectMcOptions mo;
    mo.mc.paths = options.paths;
    mo.mc.seed = options.seed;
    mo.mc.threads = options.threads;
    mo.overlay = overlay;
    const auto s = mc::run_project_mc(project, spec, mo);
    out.paths = s.paths;
    out.seconds = s.seconds;
    for (const auto& t : s.tranches) {
        McTrancheStress ts;
        ts.name = t.name;
        ts.symbol = t.symbol;
        ts.pd_payment = t.pd_payment.mean;
        ts.pd_deferral = t.pd_deferral.mean;
        ts.pd_event_of_default = t.pd_event_of_default.mean;
        ts.pd_principal = t.pd_principal.mean;
        ts.expected_loss = t.expected_loss.mean;
        ts.price_mean = t.price_per_token.mean;
        ts.price_stderr = t.price_per_token.standard_error;
        ts.price_var95 = t.price_per_token_dist.var95;
        ts.price_var99 = t.price_per_token_dist.var99;
        out.tranches.push_back(ts);
    }
    out.equity_npv_mean = s.equity.npv.estimate.mean;
    out.equity_npv_var95 = s.equity.npv.var95;
    out.equity_irr_median = s.equity.irr.percentiles.size() > 4 ? s.equity.irr.percentiles[4] : std::numeric_limits<double>::quiet_NaN();
    return out;
}

}  // namespace

mc::PathOverlay scenario_overlay(const StressEngine& engine, const Scenario& scenario, ResolvedScenario& resolved,
                                 std::vector<double>& discount) {
    engine.resolve(scenario, resolved);
    mc::PathOverlay overlay;
    overlay.drivers = resolved.drivers();
    if (resolved.uses_contract) overlay.contracted_revenue = resolved.contract_revenue;
    if (engine.discount_adjust(resolved, discount)) overlay.tranche_discount = discount;
    return overlay;
}

McStressSummary run_mc_stress(const Project& project, const std::vector<Scenario>& scenarios,
                              const McStressOptions& options) {
    PFT_REQUIRE(options.paths > 0, "mc.paths: must be > 0, got " << options.paths);
    McStressSummary summary;
    summary.paths = options.paths;
    summary.seed = options.seed;
    std::size_t total = 1;
    for (const auto& sc : scenarios) total += sc.has_project_shocks() ? 1 : 0;
    std::size_t done = 0;
    auto report = [&] {
        if (options.progress) options.progress(++done, total);
    };
    // The base row is `pftoken mc` on the same project, spec, paths and seed.
    summary.base = run_one("base", project, options.spec, options, mc::PathOverlay{});
    report();
    // Scenario shocks mapped to per-period drivers once, by the deterministic engine.
    const StressEngine engine(project);
    ResolvedScenario resolved;
    std::vector<double> discount;
    for (const auto& sc : scenarios) {
        if (!sc.has_project_shocks()) continue;
        try {
            const mc::PathOverlay overlay = scenario_overlay(engine, sc, resolved, discount);
            summary.scenarios.push_back(run_one(sc.name, project, options.spec, options, overlay));
        } catch (const std::exception& e) {
            McScenarioStress failed;
            failed.name = sc.name;
            failed.ok = false;
            failed.error = e.what();
            summary.scenarios.push_back(std::move(failed));
        }
        report();
    }
    return summary;
}

std::string mc_stress_table(const McStressSummary& summary) {
    Table t("stress_mc_text");
    t.text("scenario").display("scenario", {.width = 30, .max_width = 30});
    const auto& base = summary.base.tranches;
    // Per tranche the probabilities `pftoken mc` prints, under its names (docs/conventions.md,
    // "Names and units"): any payment missed, a deferral, an event of default, principal lost.
    for (std::size_t k = 0; k < base.size(); ++k) {
        const std::string c = std::to_string(k);
        t.percent("miss" + c, 10, 2, base[k].symbol + " P(miss)").percent("defer" + c, 10, 2, "P(defer)");
        t.percent("eod" + c, 10, 2, "P(EoD)").percent("pd" + c, 10, 2, "P(loss)").percent("el" + c, 10, 3, "EL");
        t.real("var" + c, 10, 3, {}, "VaR99/token");
        t.display("miss" + c, {.width = 14}).display("defer" + c, {.width = 9}).display("eod" + c, {.width = 8});
        t.display("pd" + c, {.width = 8}).display("el" + c, {.width = 8}).display("var" + c, {.width = 12});
    }
    t.real("eq_npv", 10, 2, {}, "eq NPV mean").display("eq_npv", {.width = 12, .scale = 1e-6, .suffix = "m"});
    t.text("note");
    auto add = [&](const McScenarioStress& s) {
        auto row = t.add_row();
        row.set("scenario", s.name);
        if (!s.ok) {
            row.set("note", "FAILED: " + s.error);
            return;
        }
        for (std::size_t k = 0; k < s.tranches.size() && k < base.size(); ++k) {
            const std::string c = std::to_string(k);
            row.set("miss" + c, s.tranches[k].pd_payment).set("defer" + c, s.tranches[k].pd_deferral);
            row.set("eod" + c, s.tranches[k].pd_event_of_default);
            row.set("pd" + c, s.tranches[k].pd_principal).set("el" + c, s.tranches[k].expected_loss);
            row.set("var" + c, s.tranches[k].price_var99);
        }
        row.set("eq_npv", s.equity_npv_mean);
    };
    add(summary.base);
    for (const auto& s : summary.scenarios) add(s);
    return to_text(t, {.note_column = "note"});
}

Table mc_stress_results(const McStressSummary& summary) {
    Table t("stress_mc");
    t.text("scenario").flag("ok").text("error").text("tranche");
    for (const char* c : {"pd_payment", "pd_deferral", "pd_event_of_default", "pd_principal", "expected_loss", "price_mean", "price_stderr", "price_var95",
                          "price_var99", "equity_npv_mean", "equity_npv_var95", "equity_irr_median"})
        t.real(c);
    t.integer("paths");
    auto add = [&](const McScenarioStress& s) {
        if (!s.ok) {
            t.add_row().set("scenario", s.name).set("ok", false).set("error", s.error);
            return;
        }
        for (const auto& x : s.tranches) {
            auto row = t.add_row();
            row.set("scenario", s.name).set("ok", true).set("tranche", x.name).set("pd_payment", x.pd_payment);
            row.set("pd_deferral", x.pd_deferral).set("pd_event_of_default", x.pd_event_of_default);
            row.set("pd_principal", x.pd_principal).set("expected_loss", x.expected_loss).set("price_mean", x.price_mean);
            row.set("price_stderr", x.price_stderr).set("price_var95", x.price_var95).set("price_var99", x.price_var99);
            row.set("equity_npv_mean", s.equity_npv_mean).set("equity_npv_var95", s.equity_npv_var95);
            row.set("equity_irr_median", s.equity_irr_median).set("paths", s.paths);
        }
    };
    add(summary.base);
    for (const auto& s : summary.scenarios) add(s);
    return t;
}

std::string mc_stress_csv(const McStressSummary& summary) { return to_csv(mc_stress_results(summary)); }

nlohmann::json mc_stress_json(const McStressSummary& summary) {
    auto one = [](const McScenarioStress& s) {
        nlohmann::json j{{"name", s.name}, {"ok", s.ok}};
        if (!s.ok) {
            j["error"] = s.error;
            return j;
        }
        j["paths"] = s.paths;
        j["equity_npv_mean"] = jnum(s.equity_npv_mean);
        j["equity_npv_var95"] = jnum(s.equity_npv_var95);
        j["equity_irr_median"] = jnum(s.equity_irr_median);
        nlohmann::json tranches = nlohmann::json::array();
        for (const auto& t : s.tranches)
            tranches.push_back({{"name", t.name},
                                {"pd_payment", jnum(t.pd_payment)},
                                {"pd_deferral", jnum(t.pd_deferral)},
                                {"pd_event_of_default", jnum(t.pd_event_of_default)},
                                {"pd_principal", jnum(t.pd_principal)},
                                {"expected_loss", jnum(t.expected_loss)},
                                {"price_mean", jnum(t.price_mean)},
                                {"price_stderr", jnum(t.price_stderr)},
                                {"price_var95", jnum(t.price_var95)},
                                {"price_var99", jnum(t.price_var99)}});
        j["tranches"] = tranches;
        return j;
    };
    nlohmann::json out;
    out["paths"] = summary.paths;
    out["seed"] = summary.seed;
    out["base"] = one(summary.base);
    out["scenarios"] = nlohmann::json::array();
    for (const auto& s : summary.scenarios) out["scenarios"].push_back(one(s));
    return out;
}

}  // namespace pftoken::stress
