#include "pftoken/integration/mm/report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace pftoken::integration::mm {
namespace {

std::string_view outcome_name(Outcome o) { return o == Outcome::yes ? "YES" : "NO"; }
std::string_view side_name(Side s) { return s == Side::buy ? "buy" : "sell"; }
std::string_view scenario_name(Scenario s) {
    switch (s) {
        case Scenario::mint:
            return "MINT";
        case Scenario::transfer_yes:
            return "TRANSFER_YES";
        case Scenario::transfer_no:
            return "TRANSFER_NO";
        case Scenario::burn:
            return "BURN";
    }
    return "?";
}
double share(TimeMs part, TimeMs whole) {
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}
std::string horizon_name(TimeMs ms) {
    if (ms % 60'000 == 0) return fmt::format("{}min", ms / 60'000);
    if (ms % 1'000 == 0) return fmt::format("{}s", ms / 1'000);
    return fmt::format("{}ms", ms);
}

}  // namespace

Table mm_summary_table(const BacktestResult& r) {
    const auto& s = r.summary;
    Table t("mm_summary");
    t.text("metric").real("value", 14, 2).text("unit");
    const auto row = [&](std::string_view metric, double value, std::string_view unit) {
        t.add_row().set("metric", metric).set("value", value).set("unit", unit);
    };
    const auto d = [](auto x) { return static_cast<double>(x); };
    const TimeMs span = s.end - s.start;
    row("events", d(s.events), "");
    row("duration", d(span) / 3'600'000.0, "hours");
    row("initial_equity", s.initial_equity, "cents");
    row("final_equity", s.final_equity, "cents");
    row("total_pnl", s.total_pnl, "cents");
    row("realised_pnl", d(s.realised), "cents");
    row("unrealised_pnl", s.unrealised, "cents");
    row("fees", d(s.fees), "cents");
    row("rebates", d(s.rebates), "cents");
    row("fills", d(s.fills), "");
    row("shares_bought", d(s.bought), "shares");
    row("shares_sold", d(s.sold), "shares");
    row("sets_minted", d(s.sets_minted), "sets");
    row("sets_burned", d(s.sets_burned), "sets");
    row("orders_placed", d(s.orders_placed), "");
    row("cancels", d(s.cancels), "");
    row("rejects", d(s.rejects), "");
    row("bid_uptime", share(s.bid_up_ms, span), "fraction");
    row("ask_uptime", share(s.ask_up_ms, span), "fraction");
    row("two_sided_uptime", share(s.both_up_ms, span), "fraction");
    row("max_abs_skew", s.max_abs_skew, "");
    row("final_yes", d(s.final_position.yes_volume), "shares");
    row("final_no", d(s.final_position.no_volume), "shares");
    row("final_cash", d(s.final_position.cash), "cents");
    row("final_fair", s.final_fair, "cents");
    row("oracle_accepted", d(s.oracle_accepted), "events");
    row("oracle_stale", d(s.oracle_stale), "events");
    row("oracle_deviation", d(s.oracle_deviation), "events");
    row("oracle_gap", d(s.oracle_gap), "updates");
    row("invariant_checks", d(s.invariant_checks), "events");
    std::int64_t warnings = 0, alerts = 0;
    for (const auto& rec : r.reconciliations) {
        warnings += rec.status == ReconcileStatus::warning;
        alerts += rec.status == ReconcileStatus::alert;
    }
    row("reconciliations", d(r.reconciliations.size()), "");
    row("reconcile_warnings", d(warnings), "");
    row("reconcile_alerts", d(alerts), "");
    return t;
}

Table mm_markout_table(const BacktestResult& r) {
    Table t("mm_markouts");
    t.text("horizon").integer("horizon_ms", "ms").integer("fills").integer("shares", "shares");
    t.real("markout_per_share", 12, 4, "cents").real("markout_total", 14, 2, "cents");
    for (std::size_t h = 0; h < r.markout_horizons_ms.size(); ++h) {
        std::int64_t fills = 0;
        Shares shares = 0;
        double total = 0.0;
        for (const auto& f : r.fills) {
            if (!std::isfinite(f.markout[h])) continue;
            ++fills;
            shares += f.fill.qty;
            total += f.markout[h] * static_cast<double>(f.fill.qty);
        }
        t.add_row()
            .set("horizon", horizon_name(r.markout_horizons_ms[h]))
            .set("horizon_ms", r.markout_horizons_ms[h])
            .set("fills", fills)
            .set("shares", shares)
            .set("markout_per_share", shares > 0 ? total / static_cast<double>(shares) : 0.0)
            .set("markout_total", total);
    }
    return t;
}

Table mm_states_table(const BacktestResult& r) {
    const auto& s = r.summary;
    const TimeMs span = s.end - s.start;
    Table t("mm_states");
    t.text("machine").text("state").integer("time_ms", "ms").percent("share");
    const auto row = [&](Machine m, std::uint8_t state, TimeMs ms) {
        t.add_row()
            .set("machine", name(m))
            .set("state", state_name(m, state))
            .set("time_ms", ms)
            .set("share", share(ms, span));
    };
    for (std::uint8_t i = 0; i < s.time_in_lifecycle.size(); ++i)
        row(Machine::lifecycle, i, s.time_in_lifecycle[i]);
    for (std::uint8_t i = 0; i < s.time_in_phase.size(); ++i)
        row(Machine::phase, i, s.time_in_phase[i]);
    for (std::uint8_t i = 0; i < s.time_in_defence.size(); ++i)
        row(Machine::defence, i, s.time_in_defence[i]);
    return t;
}

Table mm_transitions_table(const BacktestResult& r) {
    Table t("mm_transitions");
    t.integer("ts_ms", "ms").text("machine").text("from").text("to").text("reason");
    for (const auto& tr : r.transitions)
        t.add_row()
            .set("ts_ms", tr.ts)
            .set("machine", name(tr.machine))
            .set("from", state_name(tr.machine, tr.from))
            .set("to", state_name(tr.machine, tr.to))
            .set("reason", name(tr.reason));
    return t;
}

Table mm_reconciliation_table(const BacktestResult& r) {
    Table t("mm_reconciliation");
    t.integer("ts_ms", "ms")
        .integer("yes_drift", "shares")
        .integer("no_drift", "shares")
        .integer("cash_drift", "cents");
    t.integer("yes_cost_drift", "cents")
        .integer("no_cost_drift", "cents")
        .text("status")
        .flag("rebuilt");
    for (const auto& rec : r.reconciliations)
        t.add_row()
            .set("ts_ms", rec.ts)
            .set("yes_drift", rec.yes_drift)
            .set("no_drift", rec.no_drift)
            .set("cash_drift", rec.cash_drift)
            .set("yes_cost_drift", rec.yes_cost_drift)
            .set("no_cost_drift", rec.no_cost_drift)
            .set("status", name(rec.status))
            .set("rebuilt", rec.rebuilt);
    return t;
}

Table mm_fills_table(const BacktestResult& r) {
    Table t("mm_fills");
    t.integer("ts_ms", "ms")
        .integer("client_id")
        .text("outcome")
        .text("side")
        .integer("price", "cents");
    t.integer("qty", "shares")
        .integer("remaining", "shares")
        .integer("fee", "cents")
        .text("scenario");
    t.real("mid_at_fill", 10, 2, "cents");
    std::vector<std::string> columns;
    for (const auto h : r.markout_horizons_ms) {
        columns.push_back("markout_" + horizon_name(h));
        t.real(columns.back(), 10, 4, "cents");
    }
    for (const auto& f : r.fills) {
        auto row = t.add_row();
        row.set("ts_ms", f.fill.ts)
            .set("client_id", f.fill.client_id)
            .set("outcome", outcome_name(f.fill.outcome))
            .set("side", side_name(f.fill.side))
            .set("price", f.fill.price)
            .set("qty", f.fill.qty)
            .set("remaining", f.fill.remaining)
            .set("fee", f.fill.fee)
            .set("scenario", scenario_name(f.fill.scenario))
            .set("mid_at_fill", f.mid);
        for (std::size_t h = 0; h < columns.size(); ++h)
            if (std::isfinite(f.markout[h])) row.set(columns[h], f.markout[h]);
    }
    return t;
}

Table mm_path_table(const BacktestResult& r) {
    Table t("mm_path");
    t.integer("ts_ms", "ms").real("fair", 8, 3, "cents").real("mid", 8, 2, "cents");
    t.integer("book_bid", "cents")
        .integer("book_ask", "cents")
        .integer("quote_bid", "cents")
        .integer("quote_ask", "cents");
    t.integer("yes", "shares")
        .integer("no", "shares")
        .real("skew", 8, 4)
        .real("equity", 14, 2, "cents");
    t.real("pnl", 12, 2, "cents").text("lifecycle").text("phase").text("defence");
    for (const auto& p : r.path) {
        auto row = t.add_row();
        row.set("ts_ms", p.ts)
            .set("fair", p.fair)
            .set("mid", p.mid)
            .set("book_bid", p.book_bid)
            .set("book_ask", p.book_ask)
            .set("yes", p.yes)
            .set("no", p.no)
            .set("skew", p.skew)
            .set("equity", p.equity)
            .set("pnl", p.pnl)
            .set("lifecycle", name(p.lifecycle))
            .set("phase", name(p.phase))
            .set("defence", name(p.defence));
        if (p.quote_bid > 0) row.set("quote_bid", p.quote_bid);
        if (p.quote_ask > 0) row.set("quote_ask", p.quote_ask);
    }
    return t;
}

}  // namespace pftoken::integration::mm
