#pragma once
// The Avellaneda-Stoikov market maker of a YES/NO market (docs/market-maker.md): the closed
// forms, the fair price in three layers, the online volatility, the three state machines
// (lifecycle, phase, defence stack) with their transition log, and the quote decision. Pure: it
// reads market views and the position, never a venue.

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "pftoken/integration/mm/config.hpp"
#include "pftoken/integration/mm/inventory.hpp"
#include "pftoken/integration/mm/types.hpp"

namespace pftoken::integration::mm {

// ---- Closed forms (Avellaneda and Stoikov 2008, "High-frequency trading in a limit order book").

/// tau(h) = h / (h + kappa) for h hours to the market's end (0 when h <= 0).
[[nodiscard]] double smoothing_tau(double hours, double kappa);
/// Reservation price r = s - q gamma sigma^2 tau.
[[nodiscard]] double reservation_price(double s, double q, double gamma, double sigma, double tau);
/// Optimal total spread gamma sigma^2 tau + (2 / gamma) ln(1 + gamma / k).
[[nodiscard]] double optimal_spread(double gamma, double sigma, double tau, double k);
/// Microprice I P_ask + (1 - I) P_bid with I = Q_bid / (Q_bid + Q_ask).
[[nodiscard]] double microprice(Cents bid, Shares bid_qty, Cents ask, Shares ask_qty);
/// (YES - NO) / (YES + NO), 0 for an empty inventory.
[[nodiscard]] double inventory_skew(Shares yes, Shares no);
/// The skew the strategy uses: inventory_skew for YES/NO markets; for token markets
/// (tokens - initial_tokens) / initial_tokens bounded to [-1, 1]; for YES/NO markets without
/// complete sets (yes_no_net) (YES - NO) / position_limit bounded to [-1, 1].
[[nodiscard]] double inventory_skew(const StrategyConfig& c, const Position& p);
/// Risk aversion of the lifecycle tier for `days` to the market's end.
[[nodiscard]] double tier_gamma(const StrategyConfig& c, double days);

// ---- State machines.

enum class Lifecycle : std::uint8_t { starting, running, emergency, winding_down, stopped };
enum class Phase : std::uint8_t { exploration, stabilization };
enum class Defence : std::uint8_t { normal, widen, one_side, kill_switch };
enum class Machine : std::uint8_t { lifecycle, phase, defence };
enum class Reason : std::uint8_t {
    initialised,      ///< STARTING -> RUNNING
    failed_to_start,  ///< STARTING -> STOPPED (first view already resolved or halted)
    kill_switch,      ///< RUNNING -> EMERGENCY
    market_resolved,  ///< -> WINDING_DOWN
    wound_down,       ///< WINDING_DOWN -> STOPPED
    end_of_data,      ///< -> STOPPED when the event stream ends
    resumed,          ///< EMERGENCY -> RUNNING by hand
    time_expired,     ///< EXPLORATION -> STABILIZATION
    volume_reached,
    price_stable,
    rollback_volatility,  ///< STABILIZATION -> EXPLORATION (EMERGENCY_ROLLBACK)
    rollback_loss,
    skew,              ///< defence level set by the inventory skew
    daily_loss,        ///< WIDEN by the daily loss
    recovered,         ///< defence back down
    halted,            ///< KILL_SWITCH: market suspended or halted
    asset_floor,       ///< KILL_SWITCH: assets below the floor
    daily_loss_limit,  ///< KILL_SWITCH: daily loss beyond its limit
    manual_reset,      ///< KILL_SWITCH -> NORMAL by hand
};

[[nodiscard]] std::string_view name(Lifecycle s);
[[nodiscard]] std::string_view name(Phase s);
[[nodiscard]] std::string_view name(Defence s);
[[nodiscard]] std::string_view name(Machine m);
[[nodiscard]] std::string_view name(Reason r);

struct Transition {
    TimeMs ts;
    Machine machine;
    std::uint8_t from;
    std::uint8_t to;
    Reason reason;
};
/// "RUNNING", "WIDEN", ... of a transition's from / to state.
[[nodiscard]] std::string_view state_name(Machine m, std::uint8_t state);

// ---- Components.

/// Layer 1 (oracle anchor, checked), layer 2 (microprice), layer 3 (post-fill adjustment).
class FairPrice {
  public:
    explicit FairPrice(const StrategyConfig& c) : c_(&c) {}
    /// The fair YES price in cents at `view` (bounded to [1, 99]).
    double update(const MarketView& view);
    /// A maker fill shifts the fair price against the filled side, decaying with a half-life.
    void on_fill(const Fill& f);
    [[nodiscard]] double microprice_cents() const { return micro_; }
    [[nodiscard]] bool oracle_used() const { return oracle_used_; }
    /// How the oracle checks went: events with the anchor used, stale, too far from the book;
    /// updates refused as a jump.
    struct OracleCounts {
        std::int64_t accepted = 0, stale = 0, deviation = 0, gap = 0;
    };
    [[nodiscard]] const OracleCounts& oracle_counts() const { return counts_; }

  private:
    const StrategyConfig* c_;
    OracleCounts counts_;
    double micro_ = 50.0;
    double fair_ = 50.0;
    bool have_fair_ = false;
    bool oracle_used_ = false;
    double last_oracle_ = 0.0;
    TimeMs last_oracle_ts_ = -1;
    bool last_oracle_ok_ = false;
    double adjust_ = 0.0;
    TimeMs adjust_ts_ = 0;
    TimeMs now_ = 0;
};

/// Sigma in cents per sampling interval: EWMA of squared fair-price changes, bounded.
class SigmaEstimator {
  public:
    explicit SigmaEstimator(const StrategyConfig& c);
    void update(TimeMs ts, double fair);
    [[nodiscard]] double sigma() const { return sigma_; }

  private:
    const StrategyConfig* c_;
    double variance_;
    double sigma_;
    double last_ = 0.0;
    TimeMs last_ts_ = -1;
};

/// Relative range (max - min) / mid of the fair price over a rolling window, in 30 buckets.
class RangeWindow {
  public:
    explicit RangeWindow(TimeMs window_ms)
        : bucket_ms_(window_ms / kBuckets > 0 ? window_ms / kBuckets : 1) {}
    void update(TimeMs ts, double price);
    [[nodiscard]] double relative_range() const;
    /// True once the window has been observed for its full length.
    [[nodiscard]] bool full() const { return full_; }

  private:
    static constexpr std::int64_t kBuckets = 30;
    struct Bucket {
        std::int64_t id = -1;
        double lo = 0.0, hi = 0.0;
    };
    TimeMs bucket_ms_;
    std::array<Bucket, kBuckets> buckets_{};
    std::int64_t first_id_ = -1;
    std::int64_t current_id_ = -1;
    bool full_ = false;
};

/// What the strategy wants resting, in YES terms: a bid b (buy YES at b or sell NO at 100 - b)
/// and an ask a (sell YES at a or buy NO at 100 - a).
struct QuoteDecision {
    bool bid_on = false;
    bool ask_on = false;
    Cents bid = 0;
    Cents ask = 0;
    Shares size = 0;
    bool cancel_all = false;  ///< kill switch, LVR pull, wind-down: nothing may rest
};

/// Everything the strategy knows at one event (the report's per-event state).
struct StrategyState {
    double fair = 50.0;
    double sigma = 0.0;
    double gamma = 0.0;
    double tau = 0.0;
    double skew = 0.0;
    double reservation = 50.0;
    double spread = 0.0;      ///< quoted spread before rounding
    double equity = 0.0;      ///< cash + YES fair + NO (100 - fair), cents
    double daily_loss = 0.0;  ///< cents below the day's opening equity (>= 0)
    double range_5m = 0.0;
    bool lvr_pulled = false;
};

/// Buy orders resting (or in flight) that already hold cash and position room.
struct Commitments {
    Money cash = 0;
    Shares yes = 0;
    Shares no = 0;
};

/// The order that carries one side of a decision: the bid is a NO sale at 100 - b when NO's
/// excess over YES, less the NO already offered, covers the size, else a YES buy at b; the ask is a
/// YES sale at a when YES exceeds NO likewise, else a NO buy at 100 - a (complete sets are never
/// sold). A buy must fit the cash, the budget (cost sums plus committed buys) and the position
/// limit. Returns false when nothing fits (the side is not quoted). Token markets: the bid buys
/// tokens at b, the ask sells free tokens at a (there is no NO side).
[[nodiscard]] bool order_for(bool bid_side, Cents yes_price, Shares size, const Position& p,
                             const Commitments& committed, const StrategyConfig& c, Quote& out);

class Strategy {
  public:
    explicit Strategy(const StrategyConfig& config);
    // The components point at config_: a copy would point at the original's.
    Strategy(const Strategy&) = delete;
    Strategy& operator=(const Strategy&) = delete;

    /// One market event: updates the fair price, sigma, the machines, and returns the quotes.
    /// `position` is the bot's inventory after the fills drained at this event.
    QuoteDecision on_market(const MarketView& view, const Position& position);
    /// A fill of one of the bot's orders (post-fill fair adjustment, exploration volume).
    void on_fill(const Fill& fill);
    /// Lifecycle steps driven by the backtester.
    void wound_down(TimeMs ts);   ///< WINDING_DOWN -> STOPPED
    void end_of_data(TimeMs ts);  ///< any -> STOPPED
    /// Operator actions: clear the kill switch (KILL_SWITCH -> NORMAL, EMERGENCY -> RUNNING).
    void reset_kill_switch(TimeMs ts);

    [[nodiscard]] Lifecycle lifecycle() const { return lifecycle_; }
    [[nodiscard]] Phase phase() const { return phase_; }
    [[nodiscard]] Defence defence() const { return defence_; }
    [[nodiscard]] const StrategyState& state() const { return state_; }
    [[nodiscard]] const std::vector<Transition>& transitions() const { return transitions_; }
    [[nodiscard]] const StrategyConfig& config() const { return config_; }
    [[nodiscard]] const FairPrice& fair_price() const { return fair_; }
    /// Spread multiplier and distress discount (cents) of the current defence level.
    [[nodiscard]] double spread_multiplier() const;
    [[nodiscard]] double distress_discount() const;
    /// Resolution seen (the winning outcome, 1 YES / 0 NO) once WINDING_DOWN.
    [[nodiscard]] int winning_outcome() const { return winning_; }

  private:
    void set_lifecycle(TimeMs ts, Lifecycle to, Reason why);
    void set_phase(TimeMs ts, Phase to, Reason why);
    void set_defence(TimeMs ts, Defence to, Reason why);
    void update_phase(TimeMs ts);
    void update_defence(const MarketView& view);
    void update_lvr(TimeMs ts);
    QuoteDecision quotes(const MarketView& view);

    StrategyConfig config_;
    FairPrice fair_;
    SigmaEstimator sigma_;
    RangeWindow range_;
    StrategyState state_;
    Lifecycle lifecycle_ = Lifecycle::starting;
    Phase phase_ = Phase::exploration;
    Defence defence_ = Defence::normal;
    std::vector<Transition> transitions_;
    TimeMs exploration_start_ = 0;
    Shares exploration_volume_ = 0;
    TimeMs rollback_cooldown_until_ = 0;
    std::int64_t day_ = -1;
    double day_open_equity_ = 0.0;
    double lvr_reference_ = 0.0;
    TimeMs lvr_window_start_ = -1;
    TimeMs lvr_until_ = -1;
    int winning_ = -1;
};

}  // namespace pftoken::integration::mm
