// `pftoken range-opt` output formats: table, frontier CSV, JSON.
#include "pftoken/integration/range_opt_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "pftoken/base/table.hpp"

namespace pftoken::integration {
namespace {

nlohmann::ordered_json range_json(const RangeMetrics& r) {
    nlohmann::ordered_json j;
    j["tick_lower"] = r.tick_lower;
    j["tick_upper"] = r.tick_upper;
    j["price_lower"] = r.price_lower;
    j["price_upper"] = r.price_upper;
    j["liquidity"] = r.liquidity;
    j["time_in_range"] = r.time_in_range;
    j["expected_fees"] = r.expected_fees;
    j["expected_lvr"] = r.expected_lvr;
    j["expected_rebalances"] = r.expected_rebalances;
    j["expected_rebalance_cost"] = r.expected_rebalance_cost;
    j["expected_net_return"] = r.expected_net_return;
    j["expected_il"] = r.expected_il;
    j["expected_pnl"] = r.expected_pnl;
    j["cvar"] = r.cvar;
    j["objective"] = r.objective;
    return j;
}

const char* model_name(const RangeOptSpec& spec) {
    return spec.model == RangeOptSpec::Model::Gbm ? "gbm" : "paths";
}

}  // namespace

RangeOptReport run_range_opt_spec(const RangeOptSpec& spec) {
    RangeOptReport report;
    report.spec = spec;
    report.result = optimise_range(scenario_paths(spec), spec.options);
    return report;
}

const std::vector<std::string>& range_opt_csv_columns() {
    static const std::vector<std::string> columns = {"width_ticks",
                                                     "best",
                                                     "pareto",
                                                     "tick_lower",
                                                     "tick_upper",
                                                     "price_lower",
                                                     "price_upper",
                                                     "liquidity",
                                                     "time_in_range",
                                                     "expected_fees",
                                                     "expected_lvr",
                                                     "expected_rebalances",
                                                     "expected_rebalance_cost",
                                                     "expected_net_return",
                                                     "expected_il",
                                                     "expected_pnl",
                                                     "cvar",
                                                     "objective",
                                                     "contains_price",
                                                     "chosen"};
    return columns;
}

std::string format_range_opt_csv(const RangeOptReport& report) {
    // 17 significant digits so a reader gets the doubles back.
    Table table("range_opt_frontier");
    for (const std::string& name : range_opt_csv_columns()) {
        if (name == "best" || name == "pareto" || name == "contains_price" || name == "chosen") {
            table.flag(name);
        } else if (name == "width_ticks" || name == "tick_lower" || name == "tick_upper") {
            table.integer(name);
        } else {
            table.real(name, 17);
        }
    }
    const RangeOptResult& result = report.result;
    const RangeMetrics& best = result.best;
    const RangeMetrics& containing = result.best_containing_price;
    const int tick0 = result.inputs.initial_tick;
    const auto same = [](const RangeMetrics& a, const RangeMetrics& b) {
        return a.tick_lower == b.tick_lower && a.tick_upper == b.tick_upper;
    };
    const auto row = [&](int width, bool is_best, bool pareto, const RangeMetrics& r, bool contains,
                         bool chosen) {
        table.add_row({Cell{std::int64_t{width}}, Cell{is_best}, Cell{pareto}, Cell{std::int64_t{r.tick_lower}},
                       Cell{std::int64_t{r.tick_upper}}, Cell{r.price_lower}, Cell{r.price_upper}, Cell{r.liquidity},
                       Cell{r.time_in_range}, Cell{r.expected_fees}, Cell{r.expected_lvr}, Cell{r.expected_rebalances},
                       Cell{r.expected_rebalance_cost}, Cell{r.expected_net_return}, Cell{r.expected_il},
                       Cell{r.expected_pnl}, Cell{r.cvar}, Cell{r.objective}, Cell{contains}, Cell{chosen}});
    };
    const auto contains_price = [tick0](const RangeMetrics& r) {
        return r.tick_lower <= tick0 && tick0 < r.tick_upper;
    };
    bool containing_listed = false;
    for (const FrontierPoint& f : result.frontier) {
        row(f.width_ticks, same(f.range, best), f.pareto_efficient, f.range, contains_price(f.range),
            result.provide && same(f.range, containing));
        containing_listed = containing_listed || same(f.range, containing);
    }
    // The best range containing the price when the frontier does not hold it, then the
    // alternative of not providing (width 0, both ticks at the price's, every amount 0,
    // objective 0): `chosen` marks the answer.
    if (!containing_listed) {
        row(containing.tick_upper - containing.tick_lower, false, false, containing, true, result.provide);
    }
    RangeMetrics none;
    none.tick_lower = none.tick_upper = tick0;
    none.price_lower = none.price_upper = result.inputs.initial_price;
    none.objective = result.no_provision_objective;
    row(0, false, false, none, false, !result.provide);
    return to_csv(table);
}

std::string format_range_opt_json(const RangeOptReport& report) {
    const RangeOptSpec& spec = report.spec;
    const RangeOptOptions& o = spec.options;
    const RangeOptInputs& in = report.result.inputs;
    nlohmann::ordered_json j;
    nlohmann::ordered_json& inputs = j["inputs"];
    inputs["scenario"]["model"] = model_name(spec);
    inputs["scenario"]["initial_price"] = in.initial_price;
    inputs["scenario"]["initial_tick"] = in.initial_tick;
    if (spec.model == RangeOptSpec::Model::Gbm) {
        inputs["scenario"]["drift"] = spec.gbm.drift;
        inputs["scenario"]["seed"] = spec.gbm.seed;
    }
    inputs["scenario"]["volatility"] = in.lvr_volatility;
    inputs["scenario"]["horizon_years"] = in.horizon_years;
    inputs["scenario"]["steps"] = in.steps;
    inputs["scenario"]["paths"] = in.path_count;
    inputs["scenario"]["time_step_years"] = in.time_step_years;
    inputs["pool"]["fee_tier"] = o.fee_tier;
    inputs["pool"]["fee_rate"] = in.fee_rate;
    inputs["pool"]["tick_spacing"] = in.tick_spacing;
    inputs["pool"]["active_liquidity"] = o.pool_liquidity;
    if (spec.pool_tvl > 0.0) inputs["pool"]["tvl"] = spec.pool_tvl;
    inputs["pool"]["protocol_fee_share"] = o.protocol_fee_share;
    inputs["volume"]["daily"] = o.daily_volume;
    if (spec.volume_tvl_multiple > 0.0) inputs["volume"]["tvl_multiple"] = spec.volume_tvl_multiple;
    inputs["volume"]["per_step"] = in.volume_per_step;
    inputs["lp"]["capital"] = o.capital;
    inputs["rebalance"]["trigger"] = o.rebalance_on_exit ? "on_exit" : "none";
    inputs["rebalance"]["gas_cost"] = o.gas_cost_per_rebalance;
    inputs["rebalance"]["swap_cost_fraction"] = o.swap_cost_fraction;
    inputs["rebalance"]["cost_per_rebalance"] = in.rebalance_cost;
    inputs["risk"]["lambda"] = o.risk_aversion;
    inputs["risk"]["cvar_level"] = o.cvar_level;
    inputs["grid"]["tick_count"] = in.tick_count;
    inputs["grid"]["step_ticks"] = in.grid_step_ticks;
    inputs["grid"]["first_tick"] = in.first_tick;
    inputs["grid"]["last_tick"] = in.last_tick;
    inputs["grid"]["ranges"] = in.range_count;
    inputs["grid"]["refine"] = o.refine_grid;
    j["best"] = range_json(report.result.best);
    const RangeOptResult& result = report.result;
    nlohmann::ordered_json& answer = j["answer"];
    answer["decision"] = result.provide ? "provide" : "do_not_provide";
    answer["best_containing_price"] = range_json(result.best_containing_price);
    answer["best_containing_price_step_ticks"] = result.containing_step_ticks;
    answer["no_provision_objective"] = result.no_provision_objective;
    answer["best_contains_price"] = result.best.tick_lower <= in.initial_tick &&
                                    in.initial_tick < result.best.tick_upper;
    nlohmann::ordered_json frontier = nlohmann::ordered_json::array();
    for (const FrontierPoint& f : report.result.frontier) {
        nlohmann::ordered_json row;
        row["width_ticks"] = f.width_ticks;
        row["pareto"] = f.pareto_efficient;
        row["range"] = range_json(f.range);
        frontier.push_back(std::move(row));
    }
    j["frontier"] = std::move(frontier);
    return dump_json(j);
}

std::string format_range_opt_table(const RangeOptReport& report) {
    const RangeOptSpec& spec = report.spec;
    const RangeOptOptions& o = spec.options;
    const RangeOptInputs& in = report.result.inputs;
    const RangeMetrics& b = report.result.best;
    std::string out;
    out +=
        "pftoken range-opt: optimal Uniswap v3 range (objective = E[fees] - E[LVR] - "
        "E[rebalancing] - lambda * max(0, CVaR of loss))\n\n";
    out += "Inputs\n";
    out += fmt::format(
        "  scenario        {} P0={:.6g} (tick {}) sigma={:.4g}/yr horizon={:.4g}y "
        "steps={} paths={}\n",
        model_name(spec), in.initial_price, in.initial_tick, in.lvr_volatility, in.horizon_years,
        in.steps, in.path_count);
    out += fmt::format(
        "  pool            fee tier {} ({:.2f}%), spacing {}, active liquidity {:.6g}\n", o.fee_tier,
        in.fee_rate * 100.0, in.tick_spacing, o.pool_liquidity);
    out += fmt::format("  volume          {:.6g} token1/day ({:.6g} per step)\n", o.daily_volume,
                       in.volume_per_step);
    out += fmt::format("  lp capital      {:.6g} token1\n", o.capital);
    out += fmt::format("  rebalancing     {} (cost per exit {:.6g})\n",
                       o.rebalance_on_exit ? "on exit" : "none", in.rebalance_cost);
    out += fmt::format("  risk            lambda={:.4g} CVaR level={:.4g}\n", o.risk_aversion,
                       o.cvar_level);
    out += fmt::format("  grid            {} ticks, step {} ticks, [{}, {}], {} ranges\n\n",
                       in.tick_count, in.grid_step_ticks, in.first_tick, in.last_tick, in.range_count);
    const RangeOptResult& result = report.result;
    const RangeMetrics& c = result.best_containing_price;
    out += "Answer\n";
    out += fmt::format("  {}\n", result.provide
                                     ? "provide liquidity on the best range containing the price"
                                     : "do not provide liquidity: every range containing the "
                                       "price scores below holding the tokens");
    out += fmt::format(
        "  containing P0   [{}, {})  prices [{:.6g}, {:.6g}]  objective {:.6g}  time in range "
        "{:.2f}%\n",
        c.tick_lower, c.tick_upper, c.price_lower, c.price_upper, c.objective, c.time_in_range * 100.0);
    out += fmt::format("  not providing   objective {:.6g}\n", result.no_provision_objective);
    out += fmt::format("  resolution      edges on a {}-tick grid ({:.3g}% in price){}\n\n",
                       result.containing_step_ticks,
                       (std::pow(1.0001, result.containing_step_ticks) - 1.0) * 100.0,
                       o.refine_grid ? ", refined around it" : "");
    out += fmt::format("Best range{}\n", b.tick_lower <= in.initial_tick && in.initial_tick < b.tick_upper
                                             ? ""
                                             : " (does not contain the current price)");
    out += fmt::format("  ticks           [{}, {})  width {} ticks\n", b.tick_lower, b.tick_upper,
                       b.tick_upper - b.tick_lower);
    out += fmt::format("  prices          [{:.6g}, {:.6g}]\n", b.price_lower, b.price_upper);
    out += fmt::format("  liquidity       {:.6g}\n", b.liquidity);
    out += fmt::format("  time in range   {:.2f}%\n", b.time_in_range * 100.0);
    out += fmt::format("  E[fees]         {:.6g}\n", b.expected_fees);
    out += fmt::format("  E[LVR]          {:.6g}\n", b.expected_lvr);
    out += fmt::format("  E[rebalancing]  {:.6g} ({:.3g} exits)\n", b.expected_rebalance_cost,
                       b.expected_rebalances);
    out += fmt::format("  E[net return]   {:.6g} ({:.3f}% of capital)\n", b.expected_net_return,
                       b.expected_net_return / o.capital * 100.0);
    out += fmt::format("  E[V_T - hold]   {:.6g}\n", b.expected_il);
    out += fmt::format("  CVaR            {:.6g}\n", b.cvar);
    out += fmt::format("  objective       {:.6g}\n\n", b.objective);
    out += "Efficient frontier (best range per width; * = Pareto-efficient in return vs CVaR)\n";
    out +=
        fmt::format("  {:>8} {:>9} {:>9} {:>11} {:>11} {:>7} {:>11} {:>11} {:>11} {:>11} {:>11}\n",
                    "width", "lower", "upper", "p_lower", "p_upper", "in_rng", "E[fees]", "E[LVR]",
                    "E[rebal]", "CVaR", "objective");
    for (const FrontierPoint& f : report.result.frontier) {
        const RangeMetrics& r = f.range;
        out += fmt::format(
            "{} {:>8} {:>9} {:>9} {:>11.5g} {:>11.5g} {:>6.1f}% {:>11.5g} {:>11.5g} {:>11.5g} "
            "{:>11.5g} {:>11.5g}\n",
            f.pareto_efficient ? '*' : ' ', f.width_ticks, r.tick_lower, r.tick_upper, r.price_lower,
            r.price_upper, r.time_in_range * 100.0, r.expected_fees, r.expected_lvr,
            r.expected_rebalance_cost, r.cvar, r.objective);
    }
    return out;
}

}  // namespace pftoken::integration
