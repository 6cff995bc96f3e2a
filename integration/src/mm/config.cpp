#include "pftoken/integration/mm/config.hpp"

#include "pftoken/base/validate.hpp"

namespace pftoken::integration::mm {

void StrategyConfig::validate() const {
    using namespace validation;
    Rules r;
    const auto d = [](auto x) { return static_cast<double>(x); };
    r.require("gamma_short", gamma_short, {positive()});
    r.require("gamma_mid", gamma_mid, {positive()});
    r.require("gamma_long", gamma_long, {positive()});
    r.require("tier_short_days", tier_short_days, {positive()});
    if (r.require("tier_long_days", tier_long_days, {positive()}) &&
        tier_long_days < tier_short_days)
        r.fail("tier_long_days", "must be >= tier_short_days");
    r.require("time_smoothing_kappa", time_smoothing_kappa, {positive()});
    r.require("order_arrival_k", order_arrival_k, {positive()});
    r.require("sigma_min_cents", sigma_min_cents, {positive()});
    if (r.require("sigma_max_cents", sigma_max_cents, {positive()}) &&
        sigma_max_cents < sigma_min_cents)
        r.fail("sigma_max_cents", "must be >= sigma_min_cents");
    r.require("sigma_initial_cents", sigma_initial_cents, {positive()});
    r.require("sigma_interval_ms", d(sigma_interval_ms), {positive()});
    r.require("sigma_ewma_lambda", sigma_ewma_lambda, {in_half_open(0.0, 1.0)});
    r.require("base_spread_cents", d(base_spread_cents), {in_closed(1, 98)});
    if (r.require("max_spread_cents", d(max_spread_cents), {in_closed(1, 98)}) &&
        max_spread_cents < base_spread_cents)
        r.fail("max_spread_cents", "must be >= base_spread_cents");
    r.require("oracle_stale_ms", d(oracle_stale_ms), {non_negative()});
    r.require("oracle_deviation_cents", oracle_deviation_cents, {non_negative()});
    r.require("oracle_gap_cents", oracle_gap_cents, {non_negative()});
    r.require("oracle_weight", oracle_weight, {in_closed(0.0, 1.0)});
    r.require("post_fill_shift_cents", post_fill_shift_cents, {in_closed(0.0, 10.0)});
    r.require("post_fill_half_life_ms", d(post_fill_half_life_ms), {positive()});
    r.require("budget_limit_cents", d(budget_limit_cents), {positive()});
    r.require("position_limit", d(position_limit), {positive()});
    r.require("max_loss_daily_cents", d(max_loss_daily_cents), {positive()});
    r.require("min_asset_floor_cents", d(min_asset_floor_cents), {non_negative()});
    r.require("lvr_velocity_threshold", lvr_velocity_threshold, {positive()});
    r.require("lvr_window_ms", d(lvr_window_ms), {positive()});
    r.require("lvr_cooldown_ms", d(lvr_cooldown_ms), {non_negative()});
    if (market == MarketKind::token) r.require("initial_tokens", d(initial_tokens), {positive()});
    r.require("order_size", d(order_size), {positive()});
    r.require("initial_sets", d(initial_sets), {non_negative()});
    if (market == MarketKind::yes_no_net && initial_sets != 0)
        r.fail("initial_sets", "must be 0 with market: yes_no_net (the venue has no split)");
    if (r.require("initial_cash_cents", d(initial_cash_cents), {non_negative()}) &&
        initial_cash_cents < 100 * initial_sets)
        r.fail("initial_cash_cents", "must pay for the initial sets (>= 100 x initial_sets)");
    r.require("exploration_size_fraction", exploration_size_fraction, {in_open_closed(0.0, 1.0)});
    r.require("cancel_settle_ms", d(cancel_settle_ms), {non_negative()});
    r.require("exploration_ms", d(exploration_ms), {positive()});
    r.require("exploration_volume_target", d(exploration_volume_target), {positive()});
    r.require("stable_volatility", stable_volatility, {non_negative()});
    if (r.require("rollback_volatility", rollback_volatility, {positive()}) &&
        rollback_volatility <= stable_volatility)
        r.fail("rollback_volatility", "must be > stable_volatility");
    r.require("rollback_loss_fraction", rollback_loss_fraction, {in_open_closed(0.0, 1.0)});
    r.require("rollback_cooldown_ms", d(rollback_cooldown_ms), {non_negative()});
    r.require("volatility_window_ms", d(volatility_window_ms), {at_least(30)});
    r.require("widen_skew", widen_skew, {in_half_open(0.0, 1.0)});
    if (r.require("one_side_skew", one_side_skew, {in_half_open(0.0, 1.0)}) &&
        one_side_skew <= widen_skew)
        r.fail("one_side_skew", "must be > widen_skew");
    if (r.require("kill_skew", kill_skew, {in_open_closed(0.0, 1.0)}) && kill_skew <= one_side_skew)
        r.fail("kill_skew", "must be > one_side_skew");
    r.require("widen_loss_fraction", widen_loss_fraction, {in_open_closed(0.0, 1.0)});
    r.require("widen_multiplier_min", widen_multiplier_min, {at_least(1.0)});
    if (r.require("widen_multiplier_max", widen_multiplier_max, {at_least(1.0)}) &&
        widen_multiplier_max < widen_multiplier_min)
        r.fail("widen_multiplier_max", "must be >= widen_multiplier_min");
    r.require("one_side_multiplier_min", one_side_multiplier_min, {at_least(1.0)});
    if (r.require("one_side_multiplier_max", one_side_multiplier_max, {at_least(1.0)}) &&
        one_side_multiplier_max < one_side_multiplier_min)
        r.fail("one_side_multiplier_max", "must be >= one_side_multiplier_min");
    r.require("distress_discount_max_cents", distress_discount_max_cents, {in_closed(0.0, 50.0)});
    r.throw_if_failed("strategy");
}

}  // namespace pftoken::integration::mm
