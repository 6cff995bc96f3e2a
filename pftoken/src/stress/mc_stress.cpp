// Stochastic stress: scenarios applied to the project inputs, then the project Monte Carlo.
#include "pftoken/stress/mc_stress.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pftoken/base/format.hpp"
#include "pftoken/error.hpp"
#include "pftoken/mc/project_mc.hpp"

namespace pftoken::stress {
namespace {

std::string num(double v) { return format::number(v, 10); }
nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

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
        ts.pd_payment = t.pd_payment.mean;
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
    std::string out = fmt::format("{:<30}", "scenario");
    for (const auto& t : summary.base.tranches)
        out += fmt::format(" {:>9} {:>9} {:>10}", t.name.substr(0, 6) + " PD", "EL", "VaR99/tok");
    out += fmt::format(" {:>12}\n", "eq NPV mean");
    auto row = [&](const McScenarioStress& s) {
        if (!s.ok) {
            out += fmt::format("{:<30} FAILED: {}\n", s.name, s.error);
            return;
        }
        out += fmt::format("{:<30}", s.name.size() > 30 ? s.name.substr(0, 29) + "~" : s.name);
        for (const auto& t : s.tranches)
            out += fmt::format(" {:>8.2f}% {:>8.3f}% {:>10.3f}", 100.0 * t.pd_principal, 100.0 * t.expected_loss,
                               t.price_var99);
        out += fmt::format(" {:>11.2f}m\n", s.equity_npv_mean / 1e6);
    };
    row(summary.base);
    for (const auto& s : summary.scenarios) row(s);
    return out;
}

std::string mc_stress_csv(const McStressSummary& summary) {
    std::string out = "scenario,ok,error,tranche,pd_payment,pd_principal,expected_loss,price_mean,price_stderr,"
                      "price_var95,price_var99,equity_npv_mean,equity_npv_var95,equity_irr_median,paths\n";
    auto rows = [&](const McScenarioStress& s) {
        if (!s.ok) {
            out += fmt::format("{},0,\"{}\",,,,,,,,,,,,\n", s.name, s.error);
            return;
        }
        for (const auto& t : s.tranches)
            out += fmt::format("{},1,,{},{},{},{},{},{},{},{},{},{},{},{}\n", s.name, t.name, num(t.pd_payment),
                               num(t.pd_principal), num(t.expected_loss), num(t.price_mean), num(t.price_stderr),
                               num(t.price_var95), num(t.price_var99), num(s.equity_npv_mean), num(s.equity_npv_var95),
                               num(s.equity_irr_median), s.paths);
    };
    rows(summary.base);
    for (const auto& s : summary.scenarios) rows(s);
    return out;
}

std::string mc_stress_json(const McStressSummary& summary) {
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
    return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);  // valid UTF-8 always
}

}  // namespace pftoken::stress
