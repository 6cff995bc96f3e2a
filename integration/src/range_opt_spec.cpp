// `pftoken range-opt` spec: YAML -> RangeOptSpec through the strict reader (pftoken/base/yaml.hpp):
// every problem with its field path and file:line:col, bounds checked where each value is read.
#include "pftoken/integration/range_opt_spec.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "pftoken/base/validate.hpp"
#include "pftoken/base/yaml.hpp"
#include "pftoken/error.hpp"

namespace pftoken::integration {
namespace {

using namespace validation;

// Bounds of a spec (docs/tools/range-opt.md). Prices inside [1e-18, 1e18] token1 per token0;
// money amounts (capital, volume, TVL, gas) at most 1e15 and liquidity at most 1e18, so the
// products the optimiser forms (fees = volume x share, L x sqrt P) stay finite.
constexpr double kMinPrice = 1e-18;
constexpr double kMaxPrice = 1e18;
constexpr double kMaxMoney = 1e15;
constexpr double kMaxLiquidity = 1e18;
// The paths of a run are held in memory: at most 1e8 prices (800 MB of doubles).
constexpr double kMaxPrices = 1e8;
// A GBM path's log price moves by at most |drift| T + sigma^2 T / 2 + 8 sigma sqrt(T) (eight
// standard deviations); e^700 is near the largest double (1.8e308 = e^709.8).
constexpr double kMaxLogMove = 700.0;

void read_gbm(yaml::Reader& sc, Rules& rules, RangeOptSpec& spec) {
    GbmScenario& g = spec.gbm;
    sc.number("initial_price", g.initial_price, true);
    sc.number("drift", g.drift);
    sc.number("volatility", g.volatility, true);
    sc.number("horizon_years", g.horizon_years);
    sc.integer("steps", g.steps, false, 1.0, 100000.0);
    sc.integer("paths", g.paths, false, 1.0, 10000000.0);
    sc.integer("seed", g.seed, false, 0.0);
    rules.require("scenario.initial_price", g.initial_price, {in_closed(kMinPrice, kMaxPrice)});
    const bool drift_ok = rules.require("scenario.drift", g.drift, {magnitude_at_most(10.0)});
    const bool vol_ok = rules.require("scenario.volatility", g.volatility, {non_negative(), below(20.0)});
    const bool horizon_ok = rules.require("scenario.horizon_years", g.horizon_years, {positive(), at_most(100.0)});
    if (drift_ok && vol_ok && horizon_ok) {
        const double t = g.horizon_years;
        const double s = g.volatility;
        const double move = std::abs(g.drift) * t + 0.5 * s * s * t + 8.0 * s * std::sqrt(t);
        if (move > kMaxLogMove)
            rules.fail("scenario", fmt::format("drift {}, volatility {} over horizon_years {} move the log price by up "
                                               "to {:.4g} (|drift| T + sigma^2 T / 2 + 8 sigma sqrt T), more than {}: "
                                               "prices would overflow",
                                               g.drift, s, t, move, kMaxLogMove));
    }
    const double prices = static_cast<double>(g.paths) * (static_cast<double>(g.steps) + 1.0);
    if (prices > kMaxPrices)
        rules.fail("scenario.paths", fmt::format("paths x (steps + 1) = {} x {} = {:.4g} prices, more than the limit "
                                                 "of {:.0e} held in memory",
                                                 g.paths, g.steps + 1, prices, kMaxPrices));
    spec.options.lvr_volatility = g.volatility;
}

void read_paths(yaml::Context& ctx, yaml::Reader& sc, Rules& rules, RangeOptSpec& spec) {
    PricePaths& p = spec.supplied_paths;
    sc.number("horizon_years", p.horizon_years, true);
    rules.require("scenario.horizon_years", p.horizon_years, {positive(), at_most(100.0)});
    if (sc.has("volatility")) {
        sc.number("volatility", spec.options.lvr_volatility);
        rules.require("scenario.volatility", spec.options.lvr_volatility, {non_negative(), below(20.0)});
    }
    const auto* rows = sc.child("prices", true);
    if (!rows) return;
    if (!rows->IsSequence() || rows->size() == 0) {
        ctx.error(rows->Mark(), "scenario.prices", "must be a non-empty list of price lists, got " + yaml::describe(*rows));
        return;
    }
    p.path_count = rows->size();
    if (static_cast<double>(p.path_count) * static_cast<double>((*rows)[0].size()) > kMaxPrices) {
        ctx.error(rows->Mark(), "scenario.prices", fmt::format("more than the limit of {:.0e} prices", kMaxPrices));
        return;
    }
    yaml::for_each_element(ctx, sc, "prices", false, [&](const YAML::Node& row, const std::string& path, std::size_t r) {
        std::vector<double> values;
        sc.read_numbers(row, path, values);
        if (row.IsSequence() && values.size() < 2) {
            ctx.error(row.Mark(), path, fmt::format("must be a list of at least 2 prices, got {}", values.size()));
            return;
        }
        if (r == 0) p.steps = values.size() - 1;
        if (values.size() != p.steps + 1) {
            ctx.error(row.Mark(), path,
                      fmt::format("must have {} prices like the first path, got {}", p.steps + 1, values.size()));
            return;
        }
        for (std::size_t t = 0; t < values.size(); ++t)
            rules.require(fmt::format("{}[{}]", path, t), values[t], {in_closed(kMinPrice, kMaxPrice)});
        p.prices.insert(p.prices.end(), values.begin(), values.end());
    });
}

RangeOptSpec read_spec(yaml::Context& ctx, const YAML::Node& root) {
    std::vector<InputIssue> issues;
    Rules rules(issues);
    RangeOptSpec spec;
    RangeOptOptions& o = spec.options;
    yaml::Reader top(ctx, root, "");
    if (!top.ok()) return spec;

    if (const auto* n = top.child("scenario", true)) {
        yaml::Reader sc(ctx, *n, "scenario");
        if (sc.ok()) {
            sc.enumeration("model", spec.model, {{"gbm", RangeOptSpec::Model::Gbm}, {"paths", RangeOptSpec::Model::Paths}});
            if (spec.model == RangeOptSpec::Model::Gbm) read_gbm(sc, rules, spec);
            else read_paths(ctx, sc, rules, spec);
            sc.finish();
        }
    }
    const double initial_price = spec.model == RangeOptSpec::Model::Gbm
                                     ? spec.gbm.initial_price
                                     : (spec.supplied_paths.prices.empty() ? 0.0 : spec.supplied_paths.prices.front());
    const bool price_ok = std::isfinite(initial_price) && initial_price >= kMinPrice && initial_price <= kMaxPrice;

    if (const auto* n = top.child("pool", true)) {
        yaml::Reader pool(ctx, *n, "pool");
        if (pool.ok()) {
            const auto* fee = pool.child("fee_tier", true);
            if (fee && pool.read_integer(*fee, "pool.fee_tier", o.fee_tier) && o.fee_tier != 500 && o.fee_tier != 3000 &&
                o.fee_tier != 10000)
                rules.fail("pool.fee_tier", fmt::format("must be one of 500, 3000, 10000 (pips), got {}", o.fee_tier));
            if (pool.has("active_liquidity") == pool.has("tvl")) {
                rules.fail("pool", "give exactly one of active_liquidity, tvl");
            } else if (pool.has("tvl")) {
                pool.number("tvl", spec.pool_tvl);
                // A full-range pool of liquidity L holds 2 L sqrt(P) of value (whitepaper eq. 6.29/6.30).
                if (rules.require("pool.tvl", spec.pool_tvl, {positive(), at_most(kMaxMoney)}) && price_ok)
                    o.pool_liquidity = spec.pool_tvl / (2.0 * std::sqrt(initial_price));
            } else {
                pool.number("active_liquidity", o.pool_liquidity);
                rules.require("pool.active_liquidity", o.pool_liquidity, {non_negative(), at_most(kMaxLiquidity)});
            }
            pool.number("protocol_fee_share", o.protocol_fee_share);
            rules.require("pool.protocol_fee_share", o.protocol_fee_share, {in_closed(0.0, 1.0)});
            pool.finish();
        }
    }
    if (const auto* n = top.child("volume", true)) {
        yaml::Reader vol(ctx, *n, "volume");
        if (vol.ok()) {
            if (vol.has("daily") == vol.has("tvl_multiple")) {
                rules.fail("volume", "give exactly one of daily, tvl_multiple");
            } else if (vol.has("tvl_multiple")) {
                vol.number("tvl_multiple", spec.volume_tvl_multiple);
                if (rules.require("volume.tvl_multiple", spec.volume_tvl_multiple, {positive(), at_most(1000.0)}) && price_ok)
                    o.daily_volume = spec.volume_tvl_multiple * 2.0 * o.pool_liquidity * std::sqrt(initial_price);
            } else {
                vol.number("daily", o.daily_volume);
                rules.require("volume.daily", o.daily_volume, {non_negative(), at_most(kMaxMoney)});
            }
            vol.finish();
        }
    }
    if (const auto* n = top.child("lp", true)) {
        yaml::Reader lp(ctx, *n, "lp");
        if (lp.ok()) {
            lp.number("capital", o.capital, true);
            rules.require("lp.capital", o.capital, {positive(), at_most(kMaxMoney)});
            lp.finish();
        }
    }
    if (const auto* n = top.child("rebalance")) {
        yaml::Reader rb(ctx, *n, "rebalance");
        if (rb.ok()) {
            o.rebalance_on_exit = true;  // the default trigger is on_exit
            rb.enumeration("trigger", o.rebalance_on_exit, {{"none", false}, {"on_exit", true}});
            rb.number("gas_cost", o.gas_cost_per_rebalance);
            rules.require("rebalance.gas_cost", o.gas_cost_per_rebalance, {non_negative(), at_most(kMaxMoney)});
            rb.number("swap_cost_fraction", o.swap_cost_fraction);
            rules.require("rebalance.swap_cost_fraction", o.swap_cost_fraction, {in_closed(0.0, 1.0)});
            rb.finish();
        }
    }
    if (const auto* n = top.child("risk")) {
        yaml::Reader risk(ctx, *n, "risk");
        if (risk.ok()) {
            risk.number("lambda", o.risk_aversion);
            rules.require("risk.lambda", o.risk_aversion, {non_negative(), at_most(1e6)});
            risk.number("cvar_level", o.cvar_level);
            rules.require("risk.cvar_level", o.cvar_level,
                          {Constraint{[](double v) { return v > 0.0 && v < 1.0; }, "must be in (0, 1)"}});
            risk.finish();
        }
    }
    if (const auto* n = top.child("grid")) {
        yaml::Reader grid(ctx, *n, "grid");
        if (grid.ok()) {
            grid.integer("tick_count", o.tick_count, false, 2.0, 4000.0);
            if (const auto* s = grid.child("step_spacings")) {
                if (!(s->IsScalar() && s->Scalar() == "auto"))
                    grid.read_integer(*s, "grid.step_spacings", o.grid_step_spacings, 0.0, 100000.0);
            }
            grid.number("coverage_sigmas", o.coverage_sigmas);
            rules.require("grid.coverage_sigmas", o.coverage_sigmas, {in_open_closed(0.0, 50.0)});
            grid.boolean("refine", o.refine_grid);
            grid.finish();
        }
    }
    top.integer("threads", o.threads, false, 0.0, 1024.0);
    top.finish();

    ctx.place(std::move(issues));
    if (ctx.issues.empty()) {
        // The engine's own checks (range_opt.cpp), e.g. supplied paths starting at one price.
        try {
            if (spec.model == RangeOptSpec::Model::Gbm) spec.gbm.validate();
            else spec.supplied_paths.validate("scenario.prices");
            o.validate();
        } catch (const InputError& e) {
            ctx.place(e);
        }
    }
    yaml::finish(ctx);
    return spec;
}

}  // namespace

RangeOptSpec parse_range_opt_spec(std::string_view yaml_text, const std::string& source_name) {
    return yaml::read_document(yaml_text, source_name, read_spec);
}

RangeOptSpec load_range_opt_spec(const std::string& path) {
    return yaml::read_document_file(path, read_spec);
}

PricePaths scenario_paths(const RangeOptSpec& spec) {
    if (spec.model == RangeOptSpec::Model::Paths) return spec.supplied_paths;
    return simulate_gbm_paths(spec.gbm, static_cast<unsigned>(spec.options.threads));
}

}  // namespace pftoken::integration
