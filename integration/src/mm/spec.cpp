#include "pftoken/integration/mm/spec.hpp"

#include <filesystem>

#include "pftoken/amm/pm/session.hpp"
#include "pftoken/base/yaml.hpp"
#include "pftoken/error.hpp"
#include "pftoken/model/loader.hpp"

namespace pftoken::integration::mm {
namespace {

constexpr double kMaxMs = 1e12;  // about 31 years of milliseconds

void read_strategy(yaml::Context& ctx, const YAML::Node& node, StrategyConfig& c) {
    yaml::Reader r(ctx, node, "strategy");
    if (!r.ok()) return;
    r.enumeration("market", c.market,
                  {{"yes_no", MarketKind::yes_no},
                   {"yes_no_net", MarketKind::yes_no_net},
                   {"token", MarketKind::token}});
    r.integer("initial_tokens", c.initial_tokens, false, 0.0, 1e9);
    r.number("gamma_short", c.gamma_short);
    r.number("gamma_mid", c.gamma_mid);
    r.number("gamma_long", c.gamma_long);
    r.number("tier_short_days", c.tier_short_days);
    r.number("tier_long_days", c.tier_long_days);
    r.number("time_smoothing_kappa", c.time_smoothing_kappa);
    r.number("order_arrival_k", c.order_arrival_k);
    r.number("sigma_initial_cents", c.sigma_initial_cents);
    r.number("sigma_min_cents", c.sigma_min_cents);
    r.number("sigma_max_cents", c.sigma_max_cents);
    r.integer("sigma_interval_ms", c.sigma_interval_ms, false, 1.0, kMaxMs);
    r.number("sigma_ewma_lambda", c.sigma_ewma_lambda);
    r.integer("base_spread_cents", c.base_spread_cents, false, 1.0, 98.0);
    r.integer("max_spread_cents", c.max_spread_cents, false, 1.0, 98.0);
    r.integer("oracle_stale_ms", c.oracle_stale_ms, false, 0.0, kMaxMs);
    r.number("oracle_deviation_cents", c.oracle_deviation_cents);
    r.number("oracle_gap_cents", c.oracle_gap_cents);
    r.number("oracle_weight", c.oracle_weight);
    r.number("post_fill_shift_cents", c.post_fill_shift_cents);
    r.integer("post_fill_half_life_ms", c.post_fill_half_life_ms, false, 1.0, kMaxMs);
    r.integer("budget_limit_cents", c.budget_limit_cents, false, 1.0);
    r.integer("position_limit", c.position_limit, false, 1.0);
    r.integer("max_loss_daily_cents", c.max_loss_daily_cents, false, 1.0);
    r.integer("min_asset_floor_cents", c.min_asset_floor_cents, false, 0.0);
    r.number("lvr_velocity_threshold", c.lvr_velocity_threshold);
    r.integer("lvr_window_ms", c.lvr_window_ms, false, 1.0, kMaxMs);
    r.integer("lvr_cooldown_ms", c.lvr_cooldown_ms, false, 0.0, kMaxMs);
    r.integer("order_size", c.order_size, false, 1.0, 1e9);
    r.integer("initial_sets", c.initial_sets, false, 0.0, 1e9);
    r.integer("initial_cash_cents", c.initial_cash_cents, false, 0.0);
    r.number("exploration_size_fraction", c.exploration_size_fraction);
    r.integer("cancel_settle_ms", c.cancel_settle_ms, false, 0.0, kMaxMs);
    r.integer("exploration_ms", c.exploration_ms, false, 1.0, kMaxMs);
    r.integer("exploration_volume_target", c.exploration_volume_target, false, 1.0);
    r.number("stable_volatility", c.stable_volatility);
    r.number("rollback_volatility", c.rollback_volatility);
    r.number("rollback_loss_fraction", c.rollback_loss_fraction);
    r.integer("rollback_cooldown_ms", c.rollback_cooldown_ms, false, 0.0, kMaxMs);
    r.integer("volatility_window_ms", c.volatility_window_ms, false, 30.0, kMaxMs);
    r.number("widen_skew", c.widen_skew);
    r.number("one_side_skew", c.one_side_skew);
    r.number("kill_skew", c.kill_skew);
    r.number("widen_loss_fraction", c.widen_loss_fraction);
    r.number("widen_multiplier_min", c.widen_multiplier_min);
    r.number("widen_multiplier_max", c.widen_multiplier_max);
    r.number("one_side_multiplier_min", c.one_side_multiplier_min);
    r.number("one_side_multiplier_max", c.one_side_multiplier_max);
    r.number("distress_discount_max_cents", c.distress_discount_max_cents);
    r.finish();
}

void read_backtest(yaml::Context& ctx, const YAML::Node& node, BacktestOptions& o) {
    yaml::Reader r(ctx, node, "backtest");
    if (!r.ok()) return;
    r.integer("path_interval_ms", o.path_interval_ms, false, 0.0, kMaxMs);
    r.integer("reconcile_interval_ms", o.reconcile_interval_ms, false, 1.0, kMaxMs);
    if (const auto* h = r.child("markout_horizons_ms")) {
        const std::string path = "backtest.markout_horizons_ms";
        if (!h->IsSequence() || h->size() == 0 || h->size() > kMaxMarkoutHorizons) {
            ctx.error(h->Mark(), path,
                      fmt::format("must be a list of 1 to {} horizons in ms", kMaxMarkoutHorizons));
        } else {
            o.markout_horizons_ms.assign(h->size(), 0);
            for (std::size_t i = 0; i < h->size(); ++i) {
                const auto element = fmt::format("{}[{}]", path, i);
                ctx.marks[element] = (*h)[i].Mark();
                r.read_integer((*h)[i], element, o.markout_horizons_ms[i], 1.0, kMaxMs);
            }
        }
    }
    if (const auto* t = r.child("tolerance")) {
        yaml::Reader tr(ctx, *t, "backtest.tolerance");
        if (tr.ok()) {
            tr.integer("shares", o.tolerance.shares, false, 0.0);
            tr.integer("cash_cents", o.tolerance.cash, false, 0.0);
            tr.integer("cost_cents", o.tolerance.cost, false, 0.0);
            tr.finish();
        }
    }
    r.boolean("check_invariants", o.check_invariants);
    r.finish();
}

void read_latency(yaml::Context& ctx, yaml::Reader& parent, LatencyParams& p);

void read_flow(yaml::Context& ctx, yaml::Reader& parent, FlowParams& p) {
    if (const auto* f = parent.child("flow")) {
        yaml::Reader fr(ctx, *f, parent.path() + ".flow");
        if (fr.ok()) {
            auto& o = p;
            fr.number("duration_h", o.duration_h);
            fr.number("start_probability", o.start_probability);
            fr.number("logit_vol_per_sqrt_h", o.logit_vol_per_sqrt_h);
            fr.number("informed_rate_per_min", o.informed_rate_per_min);
            fr.integer("informed_edge_cents", o.informed_edge_cents, false, 0.0, 99.0);
            fr.integer("informed_max_qty", o.informed_max_qty, false, 1.0, 1e9);
            fr.number("noise_rate_per_min", o.noise_rate_per_min);
            fr.integer("noise_max_qty", o.noise_max_qty, false, 1.0, 1e9);
            fr.integer("noise_slippage_cents", o.noise_slippage_cents, false, 0.0, 99.0);
            fr.number("lp_rate_per_min", o.lp_rate_per_min);
            fr.integer("lp_max_offset_cents", o.lp_max_offset_cents, false, 1.0, 98.0);
            fr.integer("lp_max_qty", o.lp_max_qty, false, 1.0, 1e9);
            fr.number("lp_mean_lifetime_s", o.lp_mean_lifetime_s);
            fr.number("oracle_interval_s", o.oracle_interval_s);
            fr.number("oracle_noise_cents", o.oracle_noise_cents);
            fr.finish();
        }
    }
}

void read_simulation(yaml::Context& ctx, const YAML::Node& node, SimulationParams& p) {
    yaml::Reader r(ctx, node, "simulation");
    if (!r.ok()) return;
    read_flow(ctx, r, p.flow);
    read_latency(ctx, r, p.latency);
    r.integer("trader_cash_cents", p.trader_cash_cents, false, 0.0);
    r.integer("taker_fee_bps", p.taker_fee_bps, false, -10'000.0, 10'000.0);
    r.integer("maker_fee_bps", p.maker_fee_bps, false, -10'000.0, 10'000.0);
    r.integer("max_orders", p.max_orders, false, 1.0);
    r.finish();
}

void read_latency(yaml::Context& ctx, yaml::Reader& parent, LatencyParams& p) {
    if (const auto* l = parent.child("latency")) {
        yaml::Reader lr(ctx, *l, parent.path() + ".latency");
        if (lr.ok()) {
            lr.integer("order_latency_ms", p.order_latency_ms, false, 0.0, kMaxMs);
            lr.integer("feed_latency_ms", p.feed_latency_ms, false, 0.0, kMaxMs);
            lr.finish();
        }
    }
}

void read_replay(yaml::Context& ctx, const YAML::Node& node, ReplayParams& p) {
    yaml::Reader r(ctx, node, "replay");
    if (!r.ok()) return;
    read_latency(ctx, r, p.latency);
    r.enumeration("queue", p.queue,
                  {{"pro_rata", QueueModel::pro_rata}, {"risk_averse", QueueModel::risk_averse}});
    r.integer("taker_fee_bps", p.taker_fee_bps, false, -10'000.0, 10'000.0);
    r.integer("maker_fee_bps", p.maker_fee_bps, false, -10'000.0, 10'000.0);
    if (const auto* e = r.child("end_ms")) {
        TimeMs end = 0;
        if (r.read_integer(*e, "replay.end_ms", end, 0.0, kMaxMs)) p.end_ms = end;
    }
    r.finish();
}

void read_amm(yaml::Context& ctx, const YAML::Node& node, MmSpec& spec) {
    AmmVenueParams& p = spec.amm;
    yaml::Reader r(ctx, node, "amm");
    if (!r.ok()) return;
    r.number("fair_value_cents", p.fair_value_cents);
    std::string project, token;
    r.string("project", project);
    r.string("token", token);
    if (!project.empty() || !token.empty()) {
        if (project.empty() || token.empty()) {
            const std::string given = project.empty() ? "amm.token" : "amm.project";
            ctx.error(ctx.mark_of(given), project.empty() ? "amm.project" : "amm.token",
                      fmt::format("is required with {} (the DCF anchor)", given));
        } else if (r.has("fair_value_cents")) {
            ctx.error(ctx.mark_of("amm.fair_value_cents"), "amm.fair_value_cents",
                      "give either fair_value_cents or project and token (the DCF anchor)");
        } else {
            std::filesystem::path file(project);
            if (file.is_relative()) file = ctx.base_dir / file;
            if (!std::filesystem::is_regular_file(file)) {
                ctx.error(ctx.mark_of("amm.project"), "amm.project",
                          fmt::format("cannot open {}", file.string()));
            } else {
                try {
                    spec.anchor = dcf_fair_value_cents(load_project(file), token, "amm.token");
                    p.fair_value_cents = spec.anchor->cents;
                    spec.anchor_project = file.string();
                } catch (const InputError& e) {
                    ctx.place(e);
                }
            }
        }
    }
    r.number("pool_tokens", p.pool_tokens);
    r.number("pool_fee", p.pool_fee);
    read_flow(ctx, r, p.flow);
    read_latency(ctx, r, p.latency);
    r.finish();
}

void read_pm(yaml::Context& ctx, const YAML::Node& node, PmVenueParams& p) {
    yaml::Reader r(ctx, node, "pm");
    if (!r.ok()) return;
    if (const auto* e = r.child("exchange")) {
        // The fields and keys of `pftoken pm`'s market: and features:, in one section.
        yaml::Reader er(ctx, *e, "pm.exchange");
        if (er.ok()) {
            amm::pm::read_exchange(ctx, &er, &er, amm::pm::ExchangeFields::Venue, false, p.exchange);
            er.finish();
        }
    }
    read_flow(ctx, r, p.flow);
    read_latency(ctx, r, p.latency);
    r.integer("batch_interval_ms", p.batch_interval_ms, false, 1.0, kMaxMs);
    r.number("trader_cash", p.trader_cash);
    r.number("market_slippage", p.market_slippage);
    r.finish();
}

/// Issues of a validate() that names fields without the section prefix, placed at their keys.
template <class Validate>
void place_issues(yaml::Context& ctx, const std::string& prefix, Validate&& validate) {
    try {
        validate();
    } catch (const InputError& e) {
        std::vector<InputIssue> issues = e.issues();
        for (auto& issue : issues)
            if (!issue.path.starts_with(prefix)) issue.path = prefix + issue.path;
        ctx.place(std::move(issues));
    }
}

MmSpec read_spec(yaml::Context& ctx, const YAML::Node& root) {
    MmSpec spec;
    yaml::Reader top(ctx, root, "");
    if (!top.ok()) {
        yaml::finish(ctx);
        return spec;
    }
    if (const auto* s = top.child("strategy")) read_strategy(ctx, *s, spec.strategy);
    if (const auto* b = top.child("backtest")) read_backtest(ctx, *b, spec.backtest);
    if (const auto* m = top.child("simulation")) read_simulation(ctx, *m, spec.simulation);
    if (const auto* p = top.child("replay")) read_replay(ctx, *p, spec.replay);
    if (const auto* a = top.child("amm")) read_amm(ctx, *a, spec);
    if (const auto* m = top.child("pm")) read_pm(ctx, *m, spec.pm);
    top.finish();
    spec.simulation.mm_cash_cents = spec.strategy.initial_cash_cents;
    spec.replay.mm_cash_cents = spec.strategy.initial_cash_cents;
    spec.amm.mm_cash_cents = spec.strategy.initial_cash_cents;
    spec.amm.mm_tokens = spec.strategy.initial_tokens;
    spec.pm.mm_cash_cents = spec.strategy.initial_cash_cents;
    if (ctx.issues.empty()) {
        place_issues(ctx, "strategy.", [&] { spec.strategy.validate(); });
        place_issues(ctx, "backtest.", [&] { spec.backtest.validate(); });
        place_issues(ctx, "simulation.", [&] { spec.simulation.validate("simulation."); });
        place_issues(ctx, "replay.", [&] { spec.replay.validate("replay."); });
        place_issues(ctx, "amm.", [&] { spec.amm.validate("amm."); });
        place_issues(ctx, "pm.", [&] { spec.pm.validate("pm."); });
    }
    yaml::finish(ctx);
    return spec;
}

}  // namespace

MmSpec load_mm_spec(const std::string& path) { return yaml::read_document_file(path, read_spec); }

MmSpec parse_mm_spec(std::string_view yaml_text, const std::string& source) {
    return yaml::read_document(yaml_text, source, read_spec);
}

}  // namespace pftoken::integration::mm
