// `pftoken mm backtest SPEC.yaml (--events FILE.csv | --simulate | --pm | --amm [--project P.yaml
// --token SYMBOL]) [--seed S] [--format ...] [--out DIR] [--plots DIR]`: the market maker
// backtested over recorded events (replay venue), on the simulated YES/NO order book, on the
// prediction-market batch exchange, or quoting a token next to an AMM pool (anchored at its DCF
// price when --project and --token are given). Guide:
// docs/tools/mm.md; rules: docs/market-maker.md; options, output rule and exit codes:
// docs/tools/README.md.
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/charts/charts.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/mm/backtest.hpp"
#include "pftoken/integration/mm/events.hpp"
#include "pftoken/integration/mm/report.hpp"
#include "pftoken/integration/mm/spec.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/integration/mm/venues_amm.hpp"
#include "pftoken/integration/mm/venues_pm.hpp"
#include "pftoken/integration/mm/venues_replay.hpp"
#include "pftoken/integration/mm/venues_sim.hpp"

namespace pftoken::cli {
namespace {

namespace mm = integration::mm;

struct BacktestArgs {
    CommonOptions common;
    std::string spec;
    std::string events;
    bool simulate = false;
    bool amm = false;
    bool pm = false;
    std::string project;  ///< --project: the DCF anchor of --amm
    std::string token;    ///< --token
};

/// price_quotes.svg (fair, book and the bot's quotes), inventory.svg (YES, NO), pnl.svg.
std::vector<charts::ChartFile> render_mm_plots(const mm::BacktestResult& r) {
    std::vector<charts::ChartFile> files;
    if (r.path.size() < 2) return files;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> hours;
    for (const auto& p : r.path)
        hours.push_back(static_cast<double>(p.ts - r.path.front().ts) / 3.6e6);
    const auto cents = [&](auto get) {
        std::vector<double> v;
        for (const auto& p : r.path) {
            const double x = get(p);
            v.push_back(x > 0.0 && x < 100.0 ? x : nan);
        }
        return v;
    };
    charts::LineChart price{"YES price and the market maker's quotes", "Hours", "Cents", hours, {}};
    price.series.push_back({"fair", cents([](const mm::PathPoint& p) { return p.fair; })});
    price.series.push_back({"book bid", cents([](const mm::PathPoint& p) {
                                return static_cast<double>(p.book_bid);
                            })});
    price.series.push_back({"book ask", cents([](const mm::PathPoint& p) {
                                return static_cast<double>(p.book_ask);
                            })});
    price.series.push_back({"quote bid", cents([](const mm::PathPoint& p) {
                                return static_cast<double>(p.quote_bid);
                            })});
    price.series.push_back({"quote ask", cents([](const mm::PathPoint& p) {
                                return static_cast<double>(p.quote_ask);
                            })});
    files.push_back({"price_quotes.svg", charts::line_chart(price)});
    charts::LineChart inv{"Inventory", "Hours", "Shares", hours, {}};
    charts::Series yes{"YES", {}}, no{"NO", {}};
    for (const auto& p : r.path) {
        yes.values.push_back(static_cast<double>(p.yes));
        no.values.push_back(static_cast<double>(p.no));
    }
    inv.series = {std::move(yes), std::move(no)};
    files.push_back({"inventory.svg", charts::line_chart(inv)});
    charts::LineChart pnl{
        "P&L (equity at the fair price minus the initial equity)", "Hours", "Cents", hours, {}};
    charts::Series total{"P&L", {}};
    for (const auto& p : r.path) total.values.push_back(p.pnl);
    pnl.series = {std::move(total)};
    files.push_back({"pnl.svg", charts::line_chart(pnl)});
    return files;
}

int run_backtest(const BacktestArgs& args) {
    (void)args.common.resolved_format();
    if (static_cast<int>(args.simulate) + static_cast<int>(args.amm) + static_cast<int>(args.pm) +
            static_cast<int>(!args.events.empty()) !=
        1)
        throw InputError("--events",
                         "give exactly one of --events FILE.csv, --simulate, --pm and --amm");
    if (args.project.empty() != args.token.empty())
        throw InputError(args.project.empty() ? "--project" : "--token",
                         "give --project PROJECT.yaml and --token SYMBOL together");
    if (!args.project.empty() && !args.amm)
        throw InputError("--project", "anchors the token of --amm only");
    if (!args.common.out.empty()) check_output_folder(args.common.out, "--out");
    if (!args.common.plots.empty()) check_output_folder(args.common.plots, "--plots");
    auto spec = mm::load_mm_spec(args.spec);
    const std::uint64_t seed = args.common.seed_value();
    if (args.amm && spec.strategy.market != mm::MarketKind::token)
        throw InputError("strategy.market",
                         "must be token with --amm (a token has no complete sets)");
    if (args.pm && spec.strategy.market != mm::MarketKind::yes_no_net)
        throw InputError("strategy.market",
                         "must be yes_no_net with --pm (the batch exchange has no split or merge)");
    if (!args.amm && !args.pm && spec.strategy.market != mm::MarketKind::yes_no)
        throw InputError("strategy.market", "must be yes_no with --simulate and --events");
    if (!args.project.empty()) {  // replaces the spec's anchor
        spec.anchor = mm::dcf_fair_value_cents(load_project(args.project), args.token, "--token");
        spec.amm.fair_value_cents = spec.anchor->cents;
        spec.anchor_project = args.project;
    }
    std::string anchor_text;
    if (args.amm && spec.anchor)
        anchor_text = fmt::format(
            "Oracle anchor {:.4f} cents: the DCF price {} per token of {} ({}) / face {}\n\n",
            spec.anchor->cents, spec.anchor->price_per_token, spec.anchor->symbol,
            spec.anchor_project, spec.anchor->face_per_token);
    std::unique_ptr<mm::Venue> venue;
    if (args.amm)
        venue = std::make_unique<mm::AmmPoolVenue>(spec.amm, seed);
    else if (args.pm)
        venue = std::make_unique<mm::PmVenue>(spec.pm, seed);
    else if (args.simulate)
        venue = std::make_unique<mm::SimulatedVenue>(spec.simulation, seed);
    else
        venue = std::make_unique<mm::ReplayVenue>(mm::read_events(args.events), spec.replay);
    const auto result = mm::run_backtest(*venue, spec.strategy, spec.backtest);

    const Table summary = mm::mm_summary_table(result);
    const Table markouts = mm::mm_markout_table(result);
    const Table states = mm::mm_states_table(result);
    const Table transitions = mm::mm_transitions_table(result);
    const Table reconciliation = mm::mm_reconciliation_table(result);
    Rendered r;
    r.text_name = "mm.txt";
    r.text = fmt::format("Market-maker backtest: {} ({})\n\n", args.spec,
                         args.simulate ? fmt::format("simulated order book, seed {}", seed)
                         : args.amm    ? fmt::format("token next to an AMM pool, seed {}", seed)
                         : args.pm ? fmt::format("prediction-market batch exchange, seed {}", seed)
                                   : "events " + args.events);
    r.text += anchor_text;
    r.text += to_text(
        summary,
        {.title = "Summary (P&L in cents: total = realised + unrealised - fees + rebates)"});
    r.text += '\n';
    r.text += to_text(markouts, {.title = "Mark-outs (value at the book mid after the horizon "
                                          "minus the price; < 0: adverse selection)"});
    r.text += '\n';
    r.text += to_text(states, {.title = "Time in each state"});
    r.text += fmt::format(
        "\n{} transitions (mm_transitions.csv), {} reconciliations (mm_reconciliation.csv), {} "
        "fills (mm_fills.csv)\n",
        result.transitions.size(), result.reconciliations.size(), result.fills.size());
    r.csv = {{"mm_summary.csv", to_csv(summary)},
             {"mm_markouts.csv", to_csv(markouts)},
             {"mm_states.csv", to_csv(states)},
             {"mm_transitions.csv", to_csv(transitions)},
             {"mm_reconciliation.csv", to_csv(reconciliation)},
             {"mm_fills.csv", to_csv(mm::mm_fills_table(result))},
             {"mm_path.csv", to_csv(mm::mm_path_table(result))}};
    r.json = {{"mm_summary.json", to_json(summary)},
              {"mm_markouts.json", to_json(markouts)},
              {"mm_states.json", to_json(states)},
              {"mm_transitions.json", to_json(transitions)}};
    if (!args.common.plots.empty()) r.plots = render_mm_plots(result);
    (void)emit(args.common, r);
    return kExitOk;
}

}  // namespace

void register_mm(CLI::App& app, int& exit_code) {
    CLI::App* cmd =
        app.add_subcommand("mm",
                           "YES/NO market maker: Avellaneda-Stoikov quoting with lifecycle, "
                           "phase and defence state machines (docs/tools/mm.md)");
    cmd->require_subcommand(1);
    auto b = std::make_shared<BacktestArgs>();
    CLI::App* backtest = cmd->add_subcommand(
        "backtest", "Backtest the market maker over recorded events or the simulated order book");
    backtest
        ->add_option("spec", b->spec, "market-maker spec (YAML), e.g. data/examples/mm/spec.yaml")
        ->required();
    backtest->add_option("--events", b->events,
                         "recorded book and trade events (CSV, docs/order-book.md)");
    backtest->add_flag("--amm", b->amm,
                       "quote a token (strategy.market: token) next to an AMM pool");
    backtest->add_flag("--simulate", b->simulate,
                       "trade against the simulated order book and synthetic flow");
    backtest->add_flag("--pm", b->pm,
                       "trade YES/NO without complete sets (strategy.market: yes_no_net) on the "
                       "prediction-market batch exchange with synthetic flow");
    backtest->add_option("--project", b->project,
                         "with --amm and --token: take the oracle anchor from this project's DCF "
                         "price per token (e.g. data/examples/toll_road.yaml)");
    backtest->add_option("--token", b->token,
                         "the tranche token (symbol or tranche name) of --project");
    add_seed(*backtest, b->common, "seed of the synthetic flow (--simulate, --pm, --amm)");
    add_format(*backtest, b->common);
    add_out(*backtest, b->common,
            "mm.txt; mm_summary.csv, mm_markouts.csv, mm_states.csv, mm_transitions.csv, "
            "mm_reconciliation.csv, mm_fills.csv, mm_path.csv; mm_summary.json, mm_markouts.json, "
            "mm_states.json, mm_transitions.json");
    add_plots(*backtest, b->common, "price_quotes.svg, inventory.svg, pnl.svg");
    add_quiet(*backtest, b->common);
    backtest->callback([b, &exit_code] {
        exit_code = run_command("mm backtest", [&] { return run_backtest(*b); });
    });
}

}  // namespace pftoken::cli
