#include "pftoken/integration/yield/spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "pftoken/base/yaml.hpp"
#include "pftoken/error.hpp"

namespace pftoken::integration::yield {
namespace {

void read_strategy(yaml::Context& ctx, const YAML::Node& node, const std::string& path,
                   StrategyOptions& o) {
    yaml::Reader r(ctx, node, path);
    if (!r.ok()) return;
    r.string("name", o.name, true);
    r.enumeration("strategy", o.kind,
                  {{"pure_lending", StrategyKind::PureLending},
                   {"btc_basis", StrategyKind::BtcBasis},
                   {"eth_leveraged_staking", StrategyKind::EthLeveragedStaking},
                   {"usdt_market_neutral", StrategyKind::UsdtMarketNeutral}},
                  true);
    r.enumeration("share_class", o.share_class,
                  {{"usdt", ShareClass::Usdt}, {"eth", ShareClass::Eth}}, true);
    r.number("initial_capital", o.initial_capital, true);
    r.enumeration("aave_version", o.aave_version,
                  {{"v3.0", amm::aave::Version::V3_0},
                   {"v3.4", amm::aave::Version::V3_4},
                   {"v3.5", amm::aave::Version::V3_5}});
    r.string("venue", o.venue);
    r.number("margin_fraction", o.margin_fraction);
    r.number("maintenance_margin", o.maintenance_margin);
    r.number("liquidation_fee", o.liquidation_fee);
    r.number("rebalance_margin", o.rebalance_margin);
    r.number("delta_threshold", o.delta_threshold);
    r.number("target_ltv", o.target_ltv);
    r.number("max_ltv", o.max_ltv);
    r.number("liquidation_threshold", o.liquidation_threshold);
    r.number("liquidation_bonus", o.liquidation_bonus);
    r.number("min_health_factor", o.min_health_factor);
    r.number("extra_rewards_apr", o.extra_rewards_apr);
    r.enumeration("loop", o.loop,
                  {{"flash_loan", LoopMethod::FlashLoan}, {"sequential", LoopMethod::Sequential}});
    r.integer("loop_iterations", o.loop_iterations, false, 1.0, 100.0);
    if (const auto* c = r.child("costs")) {
        yaml::Reader costs(ctx, *c, path + ".costs");
        if (costs.ok()) {
            costs.number("trade_fee_bps", o.costs.trade_fee_bps);
            costs.number("slippage_bps", o.costs.slippage_bps);
            costs.number("flash_loan_fee_bps", o.costs.flash_loan_fee_bps);
            costs.number("gas_per_tx", o.costs.gas_per_tx);
            costs.number("gas_per_flash_loan", o.costs.gas_per_flash_loan);
            costs.finish();
        }
    }
    r.finish();
}

YieldSpec read_spec(yaml::Context& ctx, const YAML::Node& root) {
    YieldSpec spec;
    yaml::Reader top(ctx, root, "");
    if (!top.ok()) {
        yaml::finish(ctx);
        return spec;
    }
    std::vector<std::string> paths;
    yaml::for_each_element(ctx, top, "strategies", true,
                           [&](const YAML::Node& node, const std::string& path, std::size_t) {
                               spec.strategies.emplace_back();
                               paths.push_back(path);
                               read_strategy(ctx, node, path, spec.strategies.back());
                           });
    top.finish();
    if (ctx.issues.empty() && spec.strategies.empty())
        ctx.error(root.Mark(), "strategies", "must list at least one strategy");
    if (ctx.issues.empty()) {
        std::set<std::string> names;
        for (std::size_t i = 0; i < spec.strategies.size(); ++i) {
            try {
                spec.strategies[i].validate();
            } catch (const InputError& e) {
                ctx.place({InputIssue{{}, paths[i] + "." + e.field(), e.constraint()}});
            }
            if (!names.insert(spec.strategies[i].name).second)
                ctx.place(
                    {InputIssue{{},
                                paths[i] + ".name",
                                "duplicate strategy name '" + spec.strategies[i].name + "'"}});
        }
    }
    yaml::finish(ctx);
    return spec;
}

}  // namespace

std::vector<std::string> YieldSpec::venues() const {
    std::vector<std::string> out;
    for (const auto& s : strategies) {
        const bool perps =
            s.kind == StrategyKind::BtcBasis || s.kind == StrategyKind::UsdtMarketNeutral;
        if (perps && std::find(out.begin(), out.end(), s.venue) == out.end())
            out.push_back(s.venue);
    }
    return out;
}

YieldSpec load_yield_spec(const std::string& path) {
    return yaml::read_document_file(path, read_spec);
}

YieldSpec parse_yield_spec(std::string_view yaml_text, const std::string& source) {
    return yaml::read_document(yaml_text, source, read_spec);
}

std::vector<YieldResult> run_yield_spec(const YieldSpec& spec, const MarketData& market) {
    // The reserve indexes depend on the market alone: accrued once per Aave version, for every
    // reserve a strategy of that version reads (as run_sweep does).
    std::map<amm::aave::Version, std::uint8_t> used;
    for (const auto& s : spec.strategies) used[s.aave_version] |= reserves_used(s);
    std::map<amm::aave::Version, ReserveIndexes> indexes;
    std::vector<YieldResult> results;
    results.reserve(spec.strategies.size());
    for (const auto& s : spec.strategies) {
        try {
            s.validate();
            if (market.hours() < 2) throw InputError("market", "must hold at least 2 hours");
            auto it = indexes.find(s.aave_version);
            if (it == indexes.end())
                it = indexes.emplace(s.aave_version, accrue_reserve_indexes(market, s.aave_version, used[s.aave_version]))
                         .first;
            results.push_back(run_backtest(market, s, it->second));
        } catch (const InputError& e) {
            throw InputError("strategies." + s.name + "." + e.field(), e.constraint());
        }
    }
    return results;
}

namespace {
std::string_view unit_of(const YieldResult& r) {
    return r.options.share_class == ShareClass::Usdt ? "USD" : "ETH";
}
double as_unit(const YieldResult& r, std::int64_t x) {
    return static_cast<double>(x) / r.unit_scale;
}
}  // namespace

Table yield_summary_table(const std::vector<YieldResult>& results) {
    Table t("yield_summary");
    t.text("strategy")
        .text("kind")
        .text("share_class")
        .text("unit")
        .text("aave_version")
        .text("loop");
    t.integer("hours");
    t.real("initial_equity", 12, 4).real("final_equity", 12, 4);
    t.percent("total_return").percent("apy").percent("max_drawdown");
    t.real("min_health_factor", 10, 3).percent("min_liquidation_distance");
    t.integer("aave_liquidations").integer("perp_liquidations").integer("rebalances");
    for (const auto& r : results) {
        const auto& s = r.summary;
        const bool loops = r.options.kind == StrategyKind::EthLeveragedStaking ||
                           r.options.kind == StrategyKind::UsdtMarketNeutral;
        t.add_row()
            .set("strategy", r.options.name)
            .set("kind", strategy_name(r.options.kind))
            .set("share_class", share_class_name(r.options.share_class))
            .set("unit", unit_of(r))
            .set("aave_version", r.aave_version)
            .set("loop", loops ? loop_method_name(r.options.loop) : std::string_view("-"))
            .set("hours", s.hours)
            .set("initial_equity", s.initial_equity)
            .set("final_equity", s.final_equity)
            .set("total_return", s.total_return)
            .set("apy", s.apy)
            .set("max_drawdown", s.max_drawdown)
            .set("min_health_factor", s.min_health_factor)
            .set("min_liquidation_distance", s.min_liquidation_distance)
            .set("aave_liquidations", s.aave_liquidations)
            .set("perp_liquidations", s.perp_liquidations)
            .set("rebalances", s.rebalances);
    }
    return t;
}

Table yield_attribution_table(const std::vector<YieldResult>& results) {
    Table t("yield_attribution");
    t.text("strategy").text("source").text("unit").real("pnl", 12, 4).percent("of_capital", 10, 3);
    for (const auto& r : results) {
        std::int64_t total = 0;
        for (std::size_t k = 0; k < kSourceCount; ++k) {
            total += r.summary.pnl[k];
            t.add_row()
                .set("strategy", r.options.name)
                .set("source", source_name(static_cast<Source>(k)))
                .set("unit", unit_of(r))
                .set("pnl", as_unit(r, r.summary.pnl[k]))
                .set("of_capital", as_unit(r, r.summary.pnl[k]) / r.summary.initial_equity);
        }
        t.add_row()
            .set("strategy", r.options.name)
            .set("source", "total")
            .set("unit", unit_of(r))
            .set("pnl", as_unit(r, total))
            .set("of_capital", as_unit(r, total) / r.summary.initial_equity);
    }
    return t;
}

Table yield_hourly_table(const YieldResult& r) {
    Table t("yield_hourly_" + r.options.name);
    t.text("timestamp").real("equity", 15);
    for (std::size_t k = 0; k < kSourceCount; ++k)
        t.real(fmt::format("pnl_{}", source_name(static_cast<Source>(k))), 15);
    t.real("pnl_total", 15)
        .real("health_factor")
        .real("liquidation_distance")
        .real("eth_delta")
        .real("btc_delta");
    t.real("gross_exposure");
    std::int64_t previous =
        static_cast<std::int64_t>(std::llround(r.options.initial_capital * r.unit_scale));
    for (const auto& h : r.hours) {
        auto row = t.add_row();
        row.set("timestamp", format_utc_timestamp(h.time)).set("equity", as_unit(r, h.equity));
        for (std::size_t k = 0; k < kSourceCount; ++k)
            row.set(fmt::format("pnl_{}", source_name(static_cast<Source>(k))),
                    as_unit(r, h.pnl[k]));
        row.set("pnl_total", as_unit(r, h.equity - previous))
            .set("health_factor", h.health_factor)
            .set("liquidation_distance", h.liquidation_distance)
            .set("eth_delta", h.eth_delta)
            .set("btc_delta", h.btc_delta)
            .set("gross_exposure", h.gross_exposure);
        previous = h.equity;
    }
    return t;
}

Table yield_events_table(const YieldResult& r) {
    Table t("yield_events_" + r.options.name);
    t.text("timestamp")
        .integer("order")
        .text("event")
        .text("asset")
        .real("amount", 12)
        .real("cost", 12);
    for (const auto& e : r.events)
        t.add_row()
            .set("timestamp", format_utc_timestamp(e.time))
            .set("order", e.order)
            .set("event", event_name(e.kind))
            .set("asset", e.asset)
            .set("amount", e.amount)
            .set("cost", e.cost);
    return t;
}

}  // namespace pftoken::integration::yield
