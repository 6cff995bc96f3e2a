#pragma once
// Synthetic order flow for a YES/NO market (docs/order-book.md, "Simulated flow"): a hidden
// probability path (a Brownian motion in log-odds) that finally resolves YES with its last
// probability; informed traders who see it and take mispriced quotes; noise traders who cross
// the spread at random; liquidity providers who rest orders around the book's mid; an oracle that
// reports the hidden probability with noise; optional trading halts. Poisson arrivals, one seeded
// xoshiro256** stream.

#include <cstdint>
#include <string>

#include "pftoken/integration/mm/types.hpp"
#include "pftoken/mc/random.hpp"

namespace pftoken::integration::mm {

/// Parameters of the synthetic flow, with their defaults (every one in docs/order-book.md).
struct FlowParams {
    double duration_h = 24.0;              ///< trading time; the market resolves at its end
    double start_probability = 0.5;        ///< hidden YES probability at t = 0, in (0, 1)
    double logit_vol_per_sqrt_h = 0.15;    ///< volatility of the log-odds per sqrt(hour)
    double informed_rate_per_min = 2.0;    ///< Poisson arrivals of informed traders
    Cents informed_edge_cents = 2;         ///< an informed trader takes a price at least this far from 100 p
    Shares informed_max_qty = 30;          ///< size uniform in [1, max]
    double noise_rate_per_min = 6.0;       ///< Poisson arrivals of noise traders
    Shares noise_max_qty = 10;
    Cents noise_slippage_cents = 3;        ///< a noise order's limit: best price + slippage
    double lp_rate_per_min = 30.0;         ///< Poisson arrivals of resting liquidity
    Cents lp_max_offset_cents = 5;         ///< rests at mid -/+ offset, offset uniform in [1, max]
    Shares lp_max_qty = 20;
    double lp_mean_lifetime_s = 60.0;      ///< exponential lifetime, then cancelled
    double oracle_interval_s = 5.0;        ///< oracle updates (0: no oracle)
    double oracle_noise_cents = 0.5;       ///< normal noise on the oracle's 100 p
    double halt_rate_per_h = 0.0;          ///< Poisson trading halts (0: none)
    double halt_duration_s = 60.0;         ///< each halt lasts this long, then trading resumes
    /// Throws InputError naming "<prefix>field" and the constraint.
    void validate(const std::string& prefix = "") const;
};

/// What the flow does at one arrival. For an order: outcome, side, limit price, quantity, IOC and
/// (resting liquidity) its lifetime. None: the trader saw nothing worth doing.
struct FlowEvent {
    enum class Kind : std::uint8_t { none, informed, noise, liquidity, oracle, resolve, halt, resume };
    Kind kind = Kind::none;
    TimeMs ts = 0;
    Outcome outcome = Outcome::yes;
    Side side = Side::buy;
    Cents price = 0;
    Shares qty = 0;
    bool ioc = true;
    TimeMs lifetime_ms = 0;
    double oracle_cents = 0.0;    ///< Kind::oracle
    int winner = -1;              ///< Kind::resolve: 1 YES, 0 NO
};

/// The top of the market a trader decides on (YES terms; 0 / 100 for an empty side).
struct FlowTop {
    Cents bid = 0;
    Cents ask = 100;
    Cents last = 0;
    Shares noise_yes_held = 0;   ///< free YES shares of the noise traders (they sell them, or buy NO)
};

class FlowGenerator {
  public:
    FlowGenerator(const FlowParams& params, std::uint64_t seed);
    /// Time of the next arrival (the resolution at duration_h is the last); kNever after it.
    [[nodiscard]] TimeMs next_time() const noexcept { return next_time_; }
    [[nodiscard]] bool done() const noexcept { return done_; }
    /// Advances the hidden path to next_time() and returns what arrives, deciding on `top`.
    FlowEvent pop(const FlowTop& top);
    /// The hidden YES probability at the last arrival.
    [[nodiscard]] double probability() const noexcept;
    [[nodiscard]] TimeMs end_ms() const noexcept { return end_ms_; }
    [[nodiscard]] const FlowParams& params() const noexcept { return params_; }

  private:
    double exponential_ms(double rate_per_min);
    TimeMs arrival_after(TimeMs t, double rate_per_min);
    Shares uniform_qty(Shares max);
    void schedule();

    FlowParams params_;
    mc::Xoshiro256StarStar rng_;
    double logit_ = 0.0;
    TimeMs now_ = 0;
    TimeMs end_ms_ = 0;
    TimeMs next_informed_ = 0, next_noise_ = 0, next_lp_ = 0, next_oracle_ = 0, next_halt_ = 0, next_resume_ = 0;
    TimeMs next_time_ = 0;
    bool done_ = false;
};

}  // namespace pftoken::integration::mm
