// Stochastic stress: scenarios applied to the project inputs, then the project Monte Carlo.
#include "pftoken/stress/mc_stress.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pftoken/base/table.hpp"
#include "pftoken/error.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/pricing/curves.hpp"

namespace pftoken::stress {
namespace {

nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

/// Parallel shift of a curve. A zero curve read from a CSV file is first turned into inline
/// pillars (the reader build_curve and the Monte Carlo use), so the shift applies to it as well.
void shift_curve(CurveSpec& curve, double shift) {
    if (curve.kind == CurveSpec::Kind::Zero && !curve.csv_path.empty()) {
        curve.pillars = pricing::read_pillar_csv(curve.csv_path);
        curve.csv_path.clear();
    }
    curve.flat_rate += shift;
    for (auto& p : curve.pillars) p.second += shift;
}

McScenarioStress run_one(const std::string& name, const Project& project, const mc::StochasticSpec& spec,
                         const McStressOptions& options) {
    McScenarioStress out;
    out.name = name;
    mc::ProjectMcOptions mo;
    mo.mc.paths = options.paths;
    mo.mc.seed = options.seed;
    mo.mc.threads = options.threads;
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

mc::StochasticSpec default_stress_spec() {
    mc::StochasticSpec spec;
    spec.merchant_price.enabled = true;
    spec.merchant_price.volatility = 0.15;
    spec.volume.enabled = true;
    spec.volume.p90_over_p50 = 0.92;
    spec.availability.enabled = true;
    spec.availability.probability = 0.02;
    spec.availability.loss_fraction = 0.5;
    spec.opex_inflation.enabled = true;
    spec.opex_inflation.volatility = 0.03;
    return spec;
}

Project stressed_project(const Project& base, const Scenario& scenario, mc::StochasticSpec& spec) {
    Project p = base;
    for (const auto& s : scenario.shocks) {
        if (is_market_shock(s.type)) continue;
        const std::string path = s.path.empty() ? std::string(to_string(s.type)) : s.path;
        if (!s.window.unbounded())
            throw InputError(path + ".window", "time windows are not supported under --mc (the deterministic stress covers them)");
        switch (s.type) {
        case ShockType::MerchantPrice:
            for (auto& r : p.revenues)
                for (auto& pt : r.merchant_curve) pt.price *= 1.0 + s.size;
            break;
        case ShockType::Volume:
            for (auto& r : p.revenues) {
                r.capacity_factor *= 1.0 + s.size;
                if (r.p50_volume) *r.p50_volume *= 1.0 + s.size;
            }
            break;
        case ShockType::Availability:
            for (auto& r : p.revenues) r.availability *= 1.0 - s.size;
            break;
        case ShockType::Opex:
            p.opex.fixed_per_year *= 1.0 + s.size;
            p.opex.variable_per_unit *= 1.0 + s.size;
            break;
        case ShockType::CapexOverrun:
            spec.construction.enabled = true;
            spec.construction.median_overrun = (1.0 + spec.construction.median_overrun) * (1.0 + s.size) - 1.0;
            break;
        case ShockType::ConstructionDelay:
            spec.construction.enabled = true;
            spec.construction.delay_median_months += s.size;
            break;
        case ShockType::RatesParallel:
            shift_curve(p.market.discount, s.size * 1e-4);
            for (auto& f : p.market.forwards) shift_curve(f, s.size * 1e-4);
            break;
        case ShockType::Spread:
            for (auto& t : p.tranches) {
                if (!s.tranches.empty() && std::find(s.tranches.begin(), s.tranches.end(), t.name) == s.tranches.end())
                    continue;
                if (t.rate_type == Tranche::RateType::Floating)
                    throw InputError(path, fmt::format("a spread shock on floating tranche '{}' would change its "
                                                       "coupon margin under --mc; not supported",
                                                       t.name));
                t.spread += s.size * 1e-4;
            }
            break;
        case ShockType::Inflation:
            p.opex.escalation += s.size * 1e-4;
            for (auto& r : p.revenues) {
                r.merchant_escalation += s.size * 1e-4 * s.merchant_passthrough;
                r.indexation += s.size * 1e-4 * s.contract_passthrough;
            }
            break;
        case ShockType::RatesTwist:
            throw InputError(path, "rates_twist is not supported under --mc (use rates_parallel)");
        case ShockType::TokenSelloff:
        case ShockType::LpWithdrawal: break;
        }
    }
    return p;
}

McStressSummary run_mc_stress(const Project& project, const std::vector<Scenario>& scenarios,
                              const McStressOptions& options) {
    PFT_REQUIRE(options.paths > 0, "mc.paths: must be > 0, got " << options.paths);
    const mc::StochasticSpec base_spec = options.spec.empty() ? default_stress_spec() : options.spec;
    McStressSummary summary;
    summary.paths = options.paths;
    summary.seed = options.seed;
    std::size_t total = 1;
    for (const auto& sc : scenarios) total += sc.has_project_shocks() ? 1 : 0;
    std::size_t done = 0;
    auto report = [&] {
        if (options.progress) options.progress(++done, total);
    };
    summary.base = run_one("base", project, base_spec, options);
    report();
    for (const auto& sc : scenarios) {
        if (!sc.has_project_shocks()) continue;
        try {
            mc::StochasticSpec spec = base_spec;
            const Project stressed = stressed_project(project, sc, spec);
            summary.scenarios.push_back(run_one(sc.name, stressed, spec, options));
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
    for (std::size_t k = 0; k < base.size(); ++k) {
        const std::string c = std::to_string(k);
        t.percent("pd" + c, 10, 2, base[k].name.substr(0, 6) + " PD").percent("el" + c, 10, 3, "EL");
        t.real("var" + c, 10, 3, {}, "VaR99/tok");
        t.display("pd" + c, {.width = 9}).display("el" + c, {.width = 9}).display("var" + c, {.width = 10});
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
    for (const char* c : {"pd_payment", "pd_principal", "expected_loss", "price_mean", "price_stderr", "price_var95",
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
