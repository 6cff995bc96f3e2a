#pragma once
// Parameters of the YES/NO market maker (docs/market-maker.md): every default is the reference
// spec's where it names one, the rest are ours and documented in the same table. Prices in
// cents, times in milliseconds of the venue clock, quantities in shares.

#include <cstdint>
#include <string>

#include "pftoken/integration/mm/types.hpp"

namespace pftoken::integration::mm {

/// What the market trades: YES and NO shares of a binary market (complete sets), YES and NO
/// shares of a binary market whose venue has no split or merge (yes_no_net: the skew is the net
/// position over the position limit, no sets held), or one token (YES terms only, no complete
/// sets: a tranche token next to an AMM pool).
enum class MarketKind : std::uint8_t { yes_no, token, yes_no_net };

struct StrategyConfig {
    MarketKind market = MarketKind::yes_no;
    /// Token markets: the tokens held at start, the inventory target the skew is measured from.
    Shares initial_tokens = 1'000;
    // Avellaneda-Stoikov: gamma by lifecycle tier (days to the market's end), tau(h) = h / (h +
    // kappa).
    double gamma_short = 2.5;
    double gamma_mid = 1.5;
    double gamma_long = 0.8;
    double tier_short_days = 7.0;  ///< fewer days to the end: short tier
    double tier_long_days = 30.0;  ///< more days to the end: long tier
    double time_smoothing_kappa = 24.0;
    double order_arrival_k = 1.5;  ///< k of the arrival intensity A exp(-k delta)
    // Volatility of the fair price in cents per sampling interval, EWMA of squared changes.
    double sigma_initial_cents = 3.0;
    double sigma_min_cents = 1.0;
    double sigma_max_cents = 15.0;
    TimeMs sigma_interval_ms = 60'000;
    double sigma_ewma_lambda = 0.94;
    // Spread clamps.
    Cents base_spread_cents = 2;
    Cents max_spread_cents = 15;
    // Fair price: oracle anchor checks, its weight against the microprice, post-fill shift.
    TimeMs oracle_stale_ms = 30'000;
    double oracle_deviation_cents = 5.0;
    double oracle_gap_cents = 5.0;
    double oracle_weight = 0.5;
    double post_fill_shift_cents = 0.5;
    TimeMs post_fill_half_life_ms = 10'000;
    // Limits.
    Money budget_limit_cents = 500'000;
    Shares position_limit = 5'000;
    Money max_loss_daily_cents = 50'000;
    Money min_asset_floor_cents = 250'000;
    double lvr_velocity_threshold = 0.10;  ///< relative fair-price change within one LVR window
    TimeMs lvr_window_ms = 1'000;
    TimeMs lvr_cooldown_ms = 5'000;
    // Orders and the starting inventory.
    Shares order_size = 100;
    Shares initial_sets = 1'000;  ///< complete sets minted when the bot starts
    Money initial_cash_cents = 500'000;
    double exploration_size_fraction = 0.5;
    /// A cancelled order holds its frozen shares or committed cash until the venue confirms the
    /// cancel; a positive value also releases it this long after the cancel was sent (for venues
    /// that never confirm).
    TimeMs cancel_settle_ms = 0;
    // Strategy phases.
    TimeMs exploration_ms = 1'800'000;
    Shares exploration_volume_target = 2'000;
    double stable_volatility = 0.02;      ///< 5-minute relative range below it: PRICE_STABLE
    double rollback_volatility = 0.10;    ///< 5-minute relative range above it: rollback
    double rollback_loss_fraction = 0.5;  ///< of max_loss_daily_cents
    TimeMs rollback_cooldown_ms = 600'000;
    TimeMs volatility_window_ms = 300'000;
    // Defence stack (skew thresholds, spread multipliers, distress discount).
    double widen_skew = 0.80;
    double one_side_skew = 0.90;
    double kill_skew = 0.95;
    double widen_loss_fraction = 0.5;  ///< of max_loss_daily_cents
    double widen_multiplier_min = 1.5;
    double widen_multiplier_max = 3.0;
    double one_side_multiplier_min = 2.0;
    double one_side_multiplier_max = 4.0;
    double distress_discount_max_cents = 5.0;

    /// Throws one InputError listing every violated constraint by key name.
    void validate() const;
};

}  // namespace pftoken::integration::mm
