// `pftoken range-opt` output formats: table, frontier CSV, JSON.
#include "pftoken/integration/range_opt_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "pftoken/base/table.hpp"

namespace pftoken::integration {
namespace {

nlohmann::ordered_json rangeJson(const RangeMetrics& r) {
    nlohmann::ordered_json j;
    j["tick_lower"] = r.tickLower;
    j["tick_upper"] = r.tickUpper;
    j["price_lower"] = r.priceLower;
    j["price_upper"] = r.priceUpper;
    j["liquidity"] = r.liquidity;
    j["time_in_range"] = r.timeInRange;
    j["expected_fees"] = r.expectedFees;
    j["expected_lvr"] = r.expectedLvr;
    j["expected_rebalances"] = r.expectedRebalances;
    j["expected_rebalance_cost"] = r.expectedRebalanceCost;
    j["expected_net_return"] = r.expectedNetReturn;
    j["expected_il"] = r.expectedIl;
    j["expected_pnl"] = r.expectedPnl;
    j["cvar"] = r.cvar;
    j["objective"] = r.objective;
    return j;
}

const char* modelName(const RangeOptSpec& spec) {
    return spec.model == RangeOptSpec::Model::Gbm ? "gbm" : "paths";
}

}  // namespace

RangeOptReport runRangeOptSpec(const RangeOptSpec& spec) {
    RangeOptReport report;
    report.spec = spec;
    report.result = optimiseRange(scenarioPaths(spec), spec.options);
    return report;
}

const std::vector<std::string>& rangeOptCsvColumns() {
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

std::string formatRangeOptCsv(const RangeOptReport& report) {
    // 17 significant digits so a reader gets the doubles back.
    Table table("range_opt_frontier");
    for (const std::string& name : rangeOptCsvColumns()) {
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
    const RangeMetrics& containing = result.bestContainingPrice;
    const int tick0 = result.inputs.initialTick;
    const auto same = [](const RangeMetrics& a, const RangeMetrics& b) {
        return a.tickLower == b.tickLower && a.tickUpper == b.tickUpper;
    };
    const auto row = [&](int width, bool isBest, bool pareto, const RangeMetrics& r, bool contains,
                         bool chosen) {
        table.add_row({Cell{std::int64_t{width}}, Cell{isBest}, Cell{pareto}, Cell{std::int64_t{r.tickLower}},
                       Cell{std::int64_t{r.tickUpper}}, Cell{r.priceLower}, Cell{r.priceUpper}, Cell{r.liquidity},
                       Cell{r.timeInRange}, Cell{r.expectedFees}, Cell{r.expectedLvr}, Cell{r.expectedRebalances},
                       Cell{r.expectedRebalanceCost}, Cell{r.expectedNetReturn}, Cell{r.expectedIl},
                       Cell{r.expectedPnl}, Cell{r.cvar}, Cell{r.objective}, Cell{contains}, Cell{chosen}});
    };
    const auto containsPrice = [tick0](const RangeMetrics& r) {
        return r.tickLower <= tick0 && tick0 < r.tickUpper;
    };
    bool containingListed = false;
    for (const FrontierPoint& f : result.frontier) {
        row(f.widthTicks, same(f.range, best), f.paretoEfficient, f.range, containsPrice(f.range),
            result.provide && same(f.range, containing));
        containingListed = containingListed || same(f.range, containing);
    }
    // The best range containing the price when the frontier does not hold it, then the
    // alternative of not providing (width 0, both ticks at the price's, every amount 0,
    // objective 0): `chosen` marks the answer.
    if (!containingListed) {
        row(containing.tickUpper - containing.tickLower, false, false, containing, true, result.provide);
    }
    RangeMetrics none;
    none.tickLower = none.tickUpper = tick0;
    none.priceLower = none.priceUpper = result.inputs.initialPrice;
    none.objective = result.noProvisionObjective;
    row(0, false, false, none, false, !result.provide);
    return to_csv(table);
}

std::string formatRangeOptJson(const RangeOptReport& report) {
    const RangeOptSpec& spec = report.spec;
    const RangeOptOptions& o = spec.options;
    const RangeOptInputs& in = report.result.inputs;
    nlohmann::ordered_json j;
    nlohmann::ordered_json& inputs = j["inputs"];
    inputs["scenario"]["model"] = modelName(spec);
    inputs["scenario"]["initial_price"] = in.initialPrice;
    inputs["scenario"]["initial_tick"] = in.initialTick;
    if (spec.model == RangeOptSpec::Model::Gbm) {
        inputs["scenario"]["drift"] = spec.gbm.drift;
        inputs["scenario"]["seed"] = spec.gbm.seed;
    }
    inputs["scenario"]["volatility"] = in.lvrVolatility;
    inputs["scenario"]["horizon_years"] = in.horizonYears;
    inputs["scenario"]["steps"] = in.steps;
    inputs["scenario"]["paths"] = in.pathCount;
    inputs["scenario"]["time_step_years"] = in.timeStepYears;
    inputs["pool"]["fee_tier"] = o.feeTier;
    inputs["pool"]["fee_rate"] = in.feeRate;
    inputs["pool"]["tick_spacing"] = in.tickSpacing;
    inputs["pool"]["active_liquidity"] = o.poolLiquidity;
    if (spec.poolTvl > 0.0) inputs["pool"]["tvl"] = spec.poolTvl;
    inputs["pool"]["protocol_fee_share"] = o.protocolFeeShare;
    inputs["volume"]["daily"] = o.dailyVolume;
    if (spec.volumeTvlMultiple > 0.0) inputs["volume"]["tvl_multiple"] = spec.volumeTvlMultiple;
    inputs["volume"]["per_step"] = in.volumePerStep;
    inputs["lp"]["capital"] = o.capital;
    inputs["rebalance"]["trigger"] = o.rebalanceOnExit ? "on_exit" : "none";
    inputs["rebalance"]["gas_cost"] = o.gasCostPerRebalance;
    inputs["rebalance"]["swap_cost_fraction"] = o.swapCostFraction;
    inputs["rebalance"]["cost_per_rebalance"] = in.rebalanceCost;
    inputs["risk"]["lambda"] = o.riskAversion;
    inputs["risk"]["cvar_level"] = o.cvarLevel;
    inputs["grid"]["tick_count"] = in.tickCount;
    inputs["grid"]["step_ticks"] = in.gridStepTicks;
    inputs["grid"]["first_tick"] = in.firstTick;
    inputs["grid"]["last_tick"] = in.lastTick;
    inputs["grid"]["ranges"] = in.rangeCount;
    inputs["grid"]["refine"] = o.refineGrid;
    j["best"] = rangeJson(report.result.best);
    const RangeOptResult& result = report.result;
    nlohmann::ordered_json& answer = j["answer"];
    answer["decision"] = result.provide ? "provide" : "do_not_provide";
    answer["best_containing_price"] = rangeJson(result.bestContainingPrice);
    answer["best_containing_price_step_ticks"] = result.containingStepTicks;
    answer["no_provision_objective"] = result.noProvisionObjective;
    answer["best_contains_price"] = result.best.tickLower <= in.initialTick &&
                                    in.initialTick < result.best.tickUpper;
    nlohmann::ordered_json frontier = nlohmann::ordered_json::array();
    for (const FrontierPoint& f : report.result.frontier) {
        nlohmann::ordered_json row;
        row["width_ticks"] = f.widthTicks;
        row["pareto"] = f.paretoEfficient;
        row["range"] = rangeJson(f.range);
        frontier.push_back(std::move(row));
    }
    j["frontier"] = std::move(frontier);
    return dump_json(j);
}

std::string formatRangeOptTable(const RangeOptReport& report) {
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
        modelName(spec), in.initialPrice, in.initialTick, in.lvrVolatility, in.horizonYears,
        in.steps, in.pathCount);
    out += fmt::format(
        "  pool            fee tier {} ({:.2f}%), spacing {}, active liquidity {:.6g}\n", o.feeTier,
        in.feeRate * 100.0, in.tickSpacing, o.poolLiquidity);
    out += fmt::format("  volume          {:.6g} token1/day ({:.6g} per step)\n", o.dailyVolume,
                       in.volumePerStep);
    out += fmt::format("  lp capital      {:.6g} token1\n", o.capital);
    out += fmt::format("  rebalancing     {} (cost per exit {:.6g})\n",
                       o.rebalanceOnExit ? "on exit" : "none", in.rebalanceCost);
    out += fmt::format("  risk            lambda={:.4g} CVaR level={:.4g}\n", o.riskAversion,
                       o.cvarLevel);
    out += fmt::format("  grid            {} ticks, step {} ticks, [{}, {}], {} ranges\n\n",
                       in.tickCount, in.gridStepTicks, in.firstTick, in.lastTick, in.rangeCount);
    const RangeOptResult& result = report.result;
    const RangeMetrics& c = result.bestContainingPrice;
    out += "Answer\n";
    out += fmt::format("  {}\n", result.provide
                                     ? "provide liquidity on the best range containing the price"
                                     : "do not provide liquidity: every range containing the "
                                       "price scores below holding the tokens");
    out += fmt::format(
        "  containing P0   [{}, {})  prices [{:.6g}, {:.6g}]  objective {:.6g}  time in range "
        "{:.2f}%\n",
        c.tickLower, c.tickUpper, c.priceLower, c.priceUpper, c.objective, c.timeInRange * 100.0);
    out += fmt::format("  not providing   objective {:.6g}\n", result.noProvisionObjective);
    out += fmt::format("  resolution      edges on a {}-tick grid ({:.3g}% in price){}\n\n",
                       result.containingStepTicks,
                       (std::pow(1.0001, result.containingStepTicks) - 1.0) * 100.0,
                       o.refineGrid ? ", refined around it" : "");
    out += fmt::format("Best range{}\n", b.tickLower <= in.initialTick && in.initialTick < b.tickUpper
                                             ? ""
                                             : " (does not contain the current price)");
    out += fmt::format("  ticks           [{}, {})  width {} ticks\n", b.tickLower, b.tickUpper,
                       b.tickUpper - b.tickLower);
    out += fmt::format("  prices          [{:.6g}, {:.6g}]\n", b.priceLower, b.priceUpper);
    out += fmt::format("  liquidity       {:.6g}\n", b.liquidity);
    out += fmt::format("  time in range   {:.2f}%\n", b.timeInRange * 100.0);
    out += fmt::format("  E[fees]         {:.6g}\n", b.expectedFees);
    out += fmt::format("  E[LVR]          {:.6g}\n", b.expectedLvr);
    out += fmt::format("  E[rebalancing]  {:.6g} ({:.3g} exits)\n", b.expectedRebalanceCost,
                       b.expectedRebalances);
    out += fmt::format("  E[net return]   {:.6g} ({:.3f}% of capital)\n", b.expectedNetReturn,
                       b.expectedNetReturn / o.capital * 100.0);
    out += fmt::format("  E[V_T - hold]   {:.6g}\n", b.expectedIl);
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
            f.paretoEfficient ? '*' : ' ', f.widthTicks, r.tickLower, r.tickUpper, r.priceLower,
            r.priceUpper, r.timeInRange * 100.0, r.expectedFees, r.expectedLvr,
            r.expectedRebalanceCost, r.cvar, r.objective);
    }
    return out;
}

}  // namespace pftoken::integration
