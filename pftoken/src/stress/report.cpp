// Stress outputs: tables, CSV and JSON text for the scenario and reverse-stress summaries.
#include "pftoken/stress/report.hpp"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pftoken/base/format.hpp"
#include "pftoken/base/table.hpp"

namespace pftoken::stress {
namespace {

std::string num(double v) { return format::number(v, 10); }

std::string csv_text(const std::string& s) { return csv_field(s); }

nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

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

std::string scenarios_csv(const StressSummary& summary) {
    std::string out =
        "scenario,ok,error,market_only,min_dscr,min_dscr_date,min_tested_dscr,min_dscr_change,lockup_periods,"
        "first_lockup_period,default_periods,first_default_period,dsra_max_draw,dsra_total_draw,dsra_draw_periods,"
        "equity_value,equity_value_change,equity_npv,equity_irr,equity_irr_change,equity_price_per_token,"
        "first_loss_tranche";
    for (const auto& t : summary.base.metrics.tranches)
        out += fmt::format(",{0}_pv,{0}_pv_change,{0}_pv_change_pct,{0}_price_per_token,{0}_price_change,{0}_loss,"
                           "{0}_payment_default",
                           t.name);
    out += '\n';
    auto row = [&](const ScenarioResult& r) {
        out += csv_text(r.name) + (r.ok ? ",1," : ",0,") + csv_text(r.error) + (r.market_only ? ",1" : ",0");
        if (!r.ok) {
            out += std::string(18, ',');
            for (std::size_t k = 0; k < summary.base.metrics.tranches.size(); ++k) out += std::string(7, ',');
            out += '\n';
            return;
        }
        const auto& m = r.metrics;
        out += fmt::format(",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", num(m.min_dscr), period_date(m),
                           num(m.min_tested_dscr), num(m.min_dscr_change), m.lockup_periods, m.first_lockup_period,
                           m.default_periods, m.first_default_period, num(m.dsra_max_draw), num(m.dsra_total_draw),
                           m.dsra_draw_periods, num(m.equity_value), num(m.equity_value_change), num(m.equity_npv),
                           num(m.equity_irr), num(m.equity_irr_change), num(m.equity_price_per_token),
                           csv_text(m.first_loss_tranche));
        for (const auto& t : m.tranches)
            out += fmt::format(",{},{},{},{},{},{},{}", num(t.pv), num(t.pv_change), num(t.pv_change_pct),
                               num(t.price_per_token), num(t.price_change), num(t.loss), t.payment_default ? 1 : 0);
        out += '\n';
    };
    row(summary.base);
    for (const auto& r : summary.scenarios) row(r);
    return out;
}

std::string reverse_csv(const ReverseSummary& summary) {
    std::string out = "factor,target,tranche,found,at_base,jump,shock,threshold,value_at_shock,value_before,evaluations,message\n";
    for (const auto& f : summary.findings)
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", f.factor, target_label(f.target),
                           f.target == ReverseTarget::TrancheLoss ? f.target_name.substr(5) : std::string(),
                           f.found ? 1 : 0, f.at_base ? 1 : 0, f.jump ? 1 : 0, num(f.shock), num(f.threshold),
                           num(f.value_at_shock), num(f.value_before), f.evaluations, csv_text(f.message));
    return out;
}

std::string scenarios_table(const StressSummary& summary) {
    const auto& tranches = summary.base.metrics.tranches;
    std::string out = fmt::format("{:<30} {:>7} {:>10} {:>5} {:>5} {:>11} {:>4} {:>9} {:>9}", "scenario", "minDSCR",
                                  "date", "lock", "dflt", "DSRA max", "draw", "eq value", "eq IRR");
    for (const auto& t : tranches) out += fmt::format(" {:>10} {:>8}", t.symbol + " px", "chg%");
    out += "  first loss\n";
    auto row = [&](const ScenarioResult& r) {
        std::string name = r.name.size() > 30 ? r.name.substr(0, 29) + "~" : r.name;
        if (!r.ok) {
            out += fmt::format("{:<30} FAILED: {}\n", name, r.error);
            return;
        }
        const auto& m = r.metrics;
        out += fmt::format("{:<30} {:>7.3f} {:>10} {:>5} {:>5} {:>11.0f} {:>4} {:>8.2f}m {:>8.2f}%", name, m.min_dscr,
                           period_date(m), m.lockup_periods, m.default_periods, m.dsra_max_draw, m.dsra_draw_periods,
                           m.equity_value / 1e6, 100.0 * m.equity_irr);
        for (const auto& t : m.tranches) out += fmt::format(" {:>10.3f} {:>+8.2f}", t.price_per_token, t.pv_change_pct);
        out += "  " + (m.first_loss_tranche.empty() ? std::string("-") : m.first_loss_tranche);
        if (r.market_only) out += "  (market shocks only)";
        out += '\n';
    };
    row(summary.base);
    for (const auto& r : summary.scenarios) row(r);
    out += fmt::format("{} scenarios, {} failed, {:.1f} ms\n", summary.scenarios.size(), summary.failed,
                       1e3 * summary.seconds);
    return out;
}

std::string reverse_table(const ReverseSummary& summary) {
    std::string out = fmt::format("{:<20} {:<22} {:>16}  {}\n", "factor", "target", "smallest shock", "result");
    for (const auto& f : summary.findings) {
        std::string shock = "-";
        if (f.found) shock = fmt::format("{:.6g}", f.shock);
        out += fmt::format("{:<20} {:<22} {:>16}  {}\n", f.factor, f.target_name, shock, f.message);
    }
    out += fmt::format("{} kernel runs, {:.1f} ms\n", summary.evaluations, 1e3 * summary.seconds);
    return out;
}

std::string scenarios_json(const StressSummary& summary) {
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
    return dump_json(out, 2);
}

std::string reverse_json(const ReverseSummary& summary) {
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
    return dump_json(out, 2);
}

}  // namespace pftoken::stress
