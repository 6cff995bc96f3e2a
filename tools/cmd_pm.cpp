// `pftoken pm replay SESSION.yaml ORDERS.csv`, `pftoken pm simulate SESSION.yaml` and
// `pftoken pm implied STATE.json`: the prediction-market exchange (docs/tools/pm.md).
// Options, output rule and exit codes: docs/tools/README.md.
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "commands.hpp"
#include "pftoken/amm/pm/session.hpp"
#include "pftoken/base/json.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/charts/charts.hpp"
#include "pftoken/error.hpp"

namespace pftoken::cli {
namespace {

namespace pm = pftoken::amm::pm;

struct PmArgs {
    CommonOptions common;
    std::string session;
    std::string orders;
    std::string count = "1000";
    std::string informed = "0.2";
    std::string delay_months;  ///< pm implied: one delay (months) per outcome, comma-separated
};

const char* token_name(pm::Token t) { return t == pm::Token::Yes ? "YES" : "NO"; }
const char* side_name(pm::Side s) { return s == pm::Side::Buy ? "BUY" : "SELL"; }
const char* kind_name(pm::FillKind k) {
    switch (k) {
    case pm::FillKind::Book: return "book";
    case pm::FillKind::Mint: return "mint";
    case pm::FillKind::Merge: return "merge";
    case pm::FillKind::Amm: return "amm";
    case pm::FillKind::AutoFill: return "auto_fill";
    }
    return "?";
}
const char* event_name(pm::EventKind k) {
    switch (k) {
    case pm::EventKind::Rejected: return "rejected";
    case pm::EventKind::Cancelled: return "cancelled";
    case pm::EventKind::Eliminated: return "eliminated";
    case pm::EventKind::Resolved: return "resolved";
    }
    return "?";
}
std::string hex(std::uint64_t h) { return fmt::format("{:016x}", h); }

std::string user_name(const pm::Session& s, std::uint32_t u) {
    return u == pm::kMarketMaker ? std::string("market_maker") : s.users.at(u);
}

/// Renders a replay: CSV tables, JSON summary, the text, and state.json for `pm implied`.
Rendered render(const pm::Session& s, const pm::ReplayResult& r) {
    Table fills("fills");
    fills.integer("batch").integer("t_ms").integer("order_id").text("user").text("counterparty").text("outcome")
        .text("token").text("side").text("kind").real("size").real("price").money("cash").money("fee").money("rebate");
    for (const auto& f : r.fills) {
        fills.add_row({static_cast<std::int64_t>(f.batch), f.ts_ms, static_cast<std::int64_t>(f.order_id),
                       user_name(s, f.user), user_name(s, f.counterparty), s.outcomes[f.outcome],
                       std::string(token_name(f.token)), std::string(side_name(f.side)), std::string(kind_name(f.kind)),
                       f.size, f.price, f.cash, f.fee, f.rebate});
    }
    Table metrics("metrics");
    metrics.integer("batch").integer("t_ms").flag("frozen").integer("orders").real("volume").real("cumulative_volume")
        .money("mm_risk").money("mm_profit").money("fees").money("seigniorage").money("gas").text("state_hash");
    Table prices("prices");
    prices.integer("t_ms").text("outcome").real("yes_price").flag("active");
    double cumulative = 0.0;
    for (const auto& t : r.ticks) {
        cumulative += t.volume;
        metrics.add_row({static_cast<std::int64_t>(t.batch), t.t_ms, t.frozen, static_cast<std::int64_t>(t.orders), t.volume,
                         cumulative, t.mm_risk, t.mm_profit, t.fees, t.seigniorage, t.gas, hex(t.state_hash)});
        for (std::size_t i = 0; i < s.outcomes.size(); ++i)
            prices.add_row({t.t_ms, s.outcomes[i], t.prices[i], t.prices[i] > 0.0});
    }
    Table events("events");
    events.integer("batch").integer("t_ms").text("event").integer("order_id").text("user").text("outcome").text("reason")
        .real("amount");
    for (const auto& e : r.events) {
        const bool market_event = e.kind == pm::EventKind::Eliminated || e.kind == pm::EventKind::Resolved;
        events.add_row({static_cast<std::int64_t>(e.batch), e.ts_ms, std::string(event_name(e.kind)),
                        market_event ? Cell{} : Cell{static_cast<std::int64_t>(e.order_id)},
                        market_event ? Cell{} : Cell{user_name(s, e.user)},
                        e.outcome < s.outcomes.size() ? Cell{s.outcomes[e.outcome]} : Cell{}, std::string(e.reason),
                        e.amount});
    }
    Table payouts("payouts");
    payouts.integer("t_ms").text("round").text("user").money("payout");
    for (const auto& p : r.payouts)
        payouts.add_row({p.t_ms, std::string(p.final ? "final" : "elimination"), user_name(s, p.user), p.amount});

    Table users("users");
    users.integer("rank").text("user").real("starting_balance", 10, 2).real("final_balance", 10, 2)
        .real("payouts", 10, 2).real("gas", 10, 2).real("pnl_net_of_gas", 10, 2).percent("return").integer("trades");
    std::vector<std::size_t> order(s.users.size());
    for (std::size_t u = 0; u < order.size(); ++u) order[u] = u;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return r.accounts[a].cash > r.accounts[b].cash; });
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::size_t u = order[k];
        const auto& a = r.accounts[u];
        const double start = s.balances[u];
        users.add_row({static_cast<std::int64_t>(k + 1), s.users[u], start, a.cash, a.payouts, a.gas_paid, a.cash - start,
                       start > 0.0 ? Cell{(a.cash - start) / start} : Cell{}, static_cast<std::int64_t>(a.trades)});
    }

    double volume = 0.0, risk = 0.0;
    for (const auto& t : r.ticks) {
        volume += t.volume;
        risk = std::max(risk, t.mm_risk);
    }
    nlohmann::ordered_json summary;
    summary["outcomes"] = s.outcomes;
    summary["winner"] = s.outcomes[s.winner];
    summary["batches"] = r.ticks.size();
    summary["fills"] = r.fills.size();
    summary["volume"] = volume;
    summary["max_mm_risk"] = risk;
    summary["subsidy"] = s.params.subsidy;
    summary["mm_final_profit"] = r.market_maker.cash;
    summary["mm_fees"] = r.market_maker.fees;
    summary["mm_seigniorage"] = r.market_maker.seigniorage;
    summary["gas_collected"] = r.gas_collected;
    summary["final_state_hash"] = hex(r.final_hash);

    nlohmann::ordered_json state;
    state["format"] = "pftoken-pm-implied 1";
    state["t_ms"] = r.last_open.t_ms;
    state["state_hash"] = hex(r.last_open.state_hash);
    state["outcomes"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < s.outcomes.size(); ++i)
        state["outcomes"].push_back({{"name", s.outcomes[i]}, {"yes_price", r.last_open.prices[i]},
                                     {"active", r.last_open.prices[i] > 0.0}});

    Rendered out;
    out.text_name = "pm.txt";
    out.text = fmt::format(
        "Prediction market: {} outcomes, winner {}, {} batches, {} fills, volume {:.2f} tokens\n"
        "Market maker: subsidy Z {:.2f}, largest risk {:.4f}, final profit {:.4f} (fees {:.4f}, seigniorage {:.4f}); "
        "gas collected {:.4f}\nFinal state hash {}\n\n",
        s.outcomes.size(), s.outcomes[s.winner], r.ticks.size(), r.fills.size(), volume, s.params.subsidy, risk,
        r.market_maker.cash, r.market_maker.fees, r.market_maker.seigniorage, r.gas_collected, hex(r.final_hash));
    out.text += to_text(users);
    out.csv = {{"fills.csv", to_csv(fills)},     {"metrics.csv", to_csv(metrics)}, {"prices.csv", to_csv(prices)},
               {"events.csv", to_csv(events)},   {"payouts.csv", to_csv(payouts)}, {"users.csv", to_csv(users)}};
    out.json = {{"pm_summary.json", summary.dump(2) + "\n"}, {"pm_users.json", to_json(users)}};
    out.extra = {{"state.json", state.dump(2) + "\n"}};
    return out;
}

/// prices.svg (YES price per outcome; an eliminated outcome leaves a gap), volume.svg (traded
/// tokens per batch and cumulative), mm.svg (market-maker risk and profit per batch).
std::vector<charts::ChartFile> render_plots(const pm::Session& s, const pm::ReplayResult& r) {
    std::vector<double> seconds;
    for (const auto& t : r.ticks) seconds.push_back(static_cast<double>(t.t_ms) / 1000.0);
    const std::string x_label = "Time (s)";
    charts::LineChart prices{"YES price per outcome (market-implied probability)", x_label, "YES price", seconds, {}};
    for (std::size_t i = 0; i < s.outcomes.size(); ++i) {
        charts::Series series{s.outcomes[i], {}};
        for (const auto& t : r.ticks)
            series.values.push_back(t.prices[i] > 0.0 ? t.prices[i] : std::numeric_limits<double>::quiet_NaN());
        prices.series.push_back(std::move(series));
    }
    charts::LineChart volume{"Traded volume", x_label, "Tokens", seconds, {}};
    charts::Series per_batch{"per batch", {}}, cumulative{"cumulative", {}};
    double total = 0.0;
    for (const auto& t : r.ticks) {
        total += t.volume;
        per_batch.values.push_back(t.volume);
        cumulative.values.push_back(total);
    }
    volume.series = {std::move(per_batch), std::move(cumulative)};
    charts::LineChart mm{"Market maker: risk (worst-case loss, <= subsidy Z) and profit", x_label, "Cash", seconds, {}};
    charts::Series risk{"MM risk", {}}, profit{"MM profit", {}},
        subsidy{"subsidy Z", std::vector<double>(r.ticks.size(), s.params.subsidy)};
    for (const auto& t : r.ticks) {
        risk.values.push_back(t.mm_risk);
        profit.values.push_back(t.mm_profit);
    }
    mm.series = {std::move(risk), std::move(profit), std::move(subsidy)};
    return {{"prices.svg", charts::line_chart(prices)},
            {"volume.svg", charts::line_chart(volume)},
            {"mm.svg", charts::line_chart(mm)}};
}

void check_folders(const CommonOptions& c) {
    (void)c.resolved_format();
    if (!c.out.empty()) check_output_folder(c.out, "--out");
    if (!c.plots.empty()) check_output_folder(c.plots, "--plots");
}

int run_replay(const PmArgs& args) {
    check_folders(args.common);
    const pm::Session session = pm::load_session(args.session);
    const auto orders = pm::load_orders(args.orders, session);
    const auto result = pm::replay(session, orders);
    Rendered r = render(session, result);
    if (!args.common.plots.empty()) r.plots = render_plots(session, result);
    (void)emit(args.common, r);
    return kExitOk;
}

int run_simulate(const PmArgs& args) {
    check_folders(args.common);
    const pm::Session session = pm::load_session(args.session);
    pm::SimulateOptions options;
    options.count = parse_count("--orders", args.count, 1, 100'000'000);
    options.seed = args.common.seed_value();
    options.informed_share = parse_real("--informed-share", args.informed, 0.0, 1.0);
    const auto orders = pm::simulate_orders(session, options);
    const auto result = pm::replay(session, orders);
    Rendered r = render(session, result);
    r.extra.emplace_back("orders.csv", pm::format_orders(orders, session));
    if (!args.common.plots.empty()) r.plots = render_plots(session, result);
    (void)emit(args.common, r);
    return kExitOk;
}

int run_implied(const PmArgs& args) {
    check_folders(args.common);
    const auto doc = load_json(args.session);
    const auto fail = [&](const std::string& field, const std::string& constraint) {
        return InputError(args.session, {InputIssue{args.session, field, constraint}});
    };
    if (!doc.is_object() || doc.value("format", std::string()) != "pftoken-pm-implied 1")
        throw fail("format", "must be \"pftoken-pm-implied 1\" (the state.json that `pm replay --out` writes)");
    if (!doc.contains("outcomes") || !doc["outcomes"].is_array() || doc["outcomes"].empty())
        throw fail("outcomes", "must be a non-empty list of {name, yes_price, active}");
    Table t("implied");
    t.text("outcome").percent("probability", 10, 2).real("yes_price").flag("active");
    double total = 0.0;
    const auto& list = doc["outcomes"];
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto& o = list[i];
        const std::string field = "outcomes[" + std::to_string(i) + "]";
        if (!o.is_object() || !o.contains("name") || !o["name"].is_string() || !o.contains("yes_price") ||
            !o["yes_price"].is_number() || !o.contains("active") || !o["active"].is_boolean())
            throw fail(field, "must hold name (text), yes_price (a number) and active (true/false)");
        const double p = o["yes_price"].get<double>();
        if (!(p >= 0.0 && p <= 1.0)) throw fail(field + ".yes_price", "must be in [0, 1], got " + std::to_string(p));
        if (o["active"].get<bool>()) total += p;
    }
    if (!(total > 0.0)) throw fail("outcomes", "must hold at least one active outcome with a price > 0");
    // Market-implied probability: the active YES prices, normalised to sum to 1 (they already do
    // to 1e-12 in a state the engine wrote).
    for (const auto& o : list) {
        const double p = o["yes_price"].get<double>();
        const bool active = o["active"].get<bool>();
        t.add_row({o["name"].get<std::string>(), active ? p / total : 0.0, p, active});
    }
    Rendered r;
    r.text_name = "implied.txt";
    r.text = to_text(t);
    if (!args.delay_months.empty()) {
        // The milestone bridge: outcome k means a construction delay of months[k]; the implied
        // probabilities become the project's discrete delay distribution (stochastic.construction).
        std::vector<double> months;
        std::size_t start = 0;
        while (start <= args.delay_months.size()) {
            const std::size_t comma = std::min(args.delay_months.find(',', start), args.delay_months.size());
            months.push_back(parse_real("--delay-months", args.delay_months.substr(start, comma - start), 0.0, 120.0));
            start = comma + 1;
        }
        if (months.size() != list.size())
            throw InputError("--delay-months", "must give one delay per outcome (" + std::to_string(list.size()) +
                                                   "), got " + std::to_string(months.size()));
        std::string m_text, p_text;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const double p = list[i]["active"].get<bool>() ? list[i]["yes_price"].get<double>() / total : 0.0;
            m_text += fmt::format("{}{}", i ? ", " : "", months[i]);
            p_text += fmt::format("{}{}", i ? ", " : "", p);
        }
        const std::string snippet = fmt::format(
            "# Market-implied construction delay ({}): paste under the project's stochastic: section.\n"
            "construction:\n  delay_distribution:\n    months: [{}]\n    probabilities: [{}]\n",
            args.session, m_text, p_text);
        r.text += "\n" + snippet;
        r.extra.emplace_back("delay_distribution.yaml", snippet);
    }
    r.csv = {{"implied.csv", to_csv(t)}};
    r.json = {{"implied.json", to_json(t)}};
    (void)emit(args.common, r);
    return kExitOk;
}

}  // namespace

void register_pm(CLI::App& app, int& exit_code) {
    CLI::App* pm_cmd = app.add_subcommand("pm", "Prediction-market exchange: replay, simulate, implied probabilities");
    pm_cmd->require_subcommand(1);

    auto replay = std::make_shared<PmArgs>();
    CLI::App* r = pm_cmd->add_subcommand(
        "replay", "Run a session (YAML) on an order file (CSV) through the batch engine (docs/tools/pm.md)");
    r->add_option("SESSION", replay->session, "session YAML, e.g. data/examples/pm/session.yaml")->required();
    r->add_option("ORDERS", replay->orders, "orders CSV, e.g. data/examples/pm/orders.csv")->required();
    add_format(*r, replay->common);
    add_out(*r, replay->common,
            "pm.txt; fills.csv, metrics.csv, prices.csv, events.csv, payouts.csv, users.csv; pm_summary.json, "
            "pm_users.json; state.json");
    add_plots(*r, replay->common, "prices.svg, volume.svg, mm.svg");
    add_quiet(*r, replay->common);
    r->callback([replay, &exit_code] { exit_code = run_command("pm replay", [&] { return run_replay(*replay); }); });

    auto simulate = std::make_shared<PmArgs>();
    CLI::App* s = pm_cmd->add_subcommand(
        "simulate", "Synthetic informed and noise traders on a session, then the replay (docs/tools/pm.md)");
    s->add_option("SESSION", simulate->session, "session YAML")->required();
    s->add_option("--orders", simulate->count, "number of orders to generate (default 1000)");
    s->add_option("--informed-share", simulate->informed, "share of orders from informed traders, in [0, 1] (default 0.2)");
    add_seed(*s, simulate->common, "order-flow seed");
    add_format(*s, simulate->common);
    add_out(*s, simulate->common, "the replay's files and orders.csv");
    add_plots(*s, simulate->common, "prices.svg, volume.svg, mm.svg");
    add_quiet(*s, simulate->common);
    s->callback([simulate, &exit_code] { exit_code = run_command("pm simulate", [&] { return run_simulate(*simulate); }); });

    auto implied = std::make_shared<PmArgs>();
    CLI::App* im = pm_cmd->add_subcommand(
        "implied", "Market-implied probabilities from a state.json written by `pm replay --out` (docs/tools/pm.md)");
    im->add_option("STATE", implied->session, "state.json")->required();
    im->add_option("--delay-months", implied->delay_months,
                   "one construction delay (months) per outcome, comma-separated: also print the project's "
                   "stochastic.construction.delay_distribution");
    add_format(*im, implied->common);
    add_out(*im, implied->common, "implied.txt; implied.csv; implied.json; delay_distribution.yaml with --delay-months");
    add_quiet(*im, implied->common);
    im->callback([implied, &exit_code] { exit_code = run_command("pm implied", [&] { return run_implied(*implied); }); });
}

}  // namespace pftoken::cli
