// The reference spec's parametric impact market maker: coupled linear impact with diversion,
// asymmetric buy/sell impact, asymptotic price penalties, a trading fee and a loss cap at Z.
#pragma once

#include <array>
#include <cstddef>

#include "pftoken/amm/pm/lmsr.hpp"

namespace pftoken::amm::pm {

/// A parameter moving linearly from `start` to `end` over an interpolation window.
struct Ramp {
    double start = 0.0;
    double end = 0.0;
    /// start + (end - start) * clamp(fraction, 0, 1).
    [[nodiscard]] double at(double fraction) const noexcept;
};

/// The time-dependent impact parameters at one instant (docs/prediction-market.md, "Parametric").
struct ImpactParams {
    double zeta = 0.0;   ///< ζ: coupling; own-impact share f = 1 - (N_active - 1) ζ
    double mu = 1.0;     ///< μ: buy-impact multiplier
    double nu = 1.0;     ///< ν: sell-impact multiplier
    double kappa = 1.0;  ///< κ: impact curvature (quadratic coefficient of the cost, per 1/Z)
};

/// Options of a parametric-impact market. ζ, μ, ν, κ ramp linearly over [t_start, t_end]:
/// "reset" mode passes each round's window, "continue" mode the whole session's.
struct ParametricOptions {
    std::size_t outcomes = 3;
    double subsidy = 100.0;  ///< Z: depth scale and hard cap on the market maker's loss
    double fee = 0.0;        ///< f: trading fee on the AMM cash leg, in [0, 1)
    double p_min = 0.01;     ///< lowest price any active YES may reach
    double p_max = 0.99;     ///< highest price any active YES may reach
    double eta = 0.1;        ///< η: strength of the asymptotic penalties, >= 0
    Ramp zeta{0.0, 0.0};
    Ramp mu{1.0, 1.0};
    Ramp nu{1.0, 1.0};
    Ramp kappa{1.0, 1.0};
    double t_start = 0.0;
    double t_end = 1.0;
    ActiveMask active = kAllActive;

    /// Throws InputError naming every field that breaks its constraint.
    void validate() const;
    [[nodiscard]] std::size_t active_count() const noexcept {
        return count_active(active, outcomes);
    }
    /// ζ, μ, ν, κ at time t (clamped to the window).
    [[nodiscard]] ImpactParams at(double t) const;
};

/// One AMM fill (or its preview): size actually filled, cash moved and the own price path.
struct ParametricQuote {
    double size = 0.0;         ///< tokens filled (<= the size asked; capped when a limit binds)
    double cash = 0.0;         ///< buy: paid by the trader incl. fee; sell: received net of fee
    double fee = 0.0;          ///< fee part of the cash leg
    double slope = 0.0;        ///< own impact per token (a for buys, b for sells)
    double start_price = 0.0;  ///< own YES price before
    double end_price = 0.0;    ///< own YES price after
    bool capped = false;       ///< true when a price bound, the holdings or the loss cap bound
};

/// State and trades of a parametric-impact market maker over YES tokens of N binaries.
/// Prices start uniform over the active binaries; held(i) counts the YES tokens the market
/// maker has sold (net) in binary i, collected() the net cash it has taken in.
class ParametricMarket {
  public:
    explicit ParametricMarket(const ParametricOptions& options);

    [[nodiscard]] const ParametricOptions& options() const noexcept { return options_; }
    [[nodiscard]] std::size_t active_count() const noexcept { return n_active_; }
    [[nodiscard]] double price(std::size_t i) const noexcept { return price_[i]; }
    [[nodiscard]] double held(std::size_t i) const noexcept { return held_[i]; }
    [[nodiscard]] double collected() const noexcept { return collected_; }
    /// max over active w of held(w) - collected(): what the market maker pays out net if w wins.
    [[nodiscard]] double worst_case_loss() const;

    /// Own impact per token of a buy (a) or sell (b) of binary i at time t, penalty included.
    [[nodiscard]] double buy_slope(std::size_t i, double t) const;
    [[nodiscard]] double sell_slope(std::size_t i, double t) const;
    /// Largest buy / sell of binary i that keeps every price in [p_min, p_max], the sale within
    /// the tokens sold before, and the worst-case loss within Z.
    [[nodiscard]] double max_buy(std::size_t i, double t) const;
    [[nodiscard]] double max_sell(std::size_t i, double t) const;

    /// Preview of buying / selling `size` tokens of binary i at time t (capped, see max_*).
    [[nodiscard]] ParametricQuote quote_buy(std::size_t i, double size, double t) const;
    [[nodiscard]] ParametricQuote quote_sell(std::size_t i, double size, double t) const;
    /// Tokens whose purchase costs exactly `budget` (fee included), by the stable quadratic root;
    /// not capped (compare with max_buy).
    [[nodiscard]] double size_for_budget(std::size_t i, double budget, double t) const;
    /// Tokens whose sale returns exactly `proceeds` (net of fee); throws InputError when no sale
    /// along the linear path returns that much.
    [[nodiscard]] double size_for_proceeds(std::size_t i, double proceeds, double t) const;

    /// Executes a quote_buy / quote_sell: moves the prices (own and diverted) and the books.
    ParametricQuote buy(std::size_t i, double size, double t);
    ParametricQuote sell(std::size_t i, double size, double t);

    /// Removes binary i (an elimination): price 0, the other active prices renormalised to
    /// p_j / (1 - p_i) (the last one closing the sum to 1), N_active reduced. Throws InputError
    /// unless i is active and at least 2 binaries stay active.
    void eliminate(std::size_t i);
    /// Moves the ramp window of ζ, μ, ν, κ ("reset" mode restarts it at each resolution round).
    void set_window(double t_start, double t_end);

  private:
    void check_trade(std::size_t i, double amount, const char* field) const;  // throws InputError
    [[nodiscard]] double own_share(double t) const;
    [[nodiscard]] ParametricQuote quote(std::size_t i, double size, double t, double side) const;
    void move_prices(std::size_t i, double own_move);

    ParametricOptions options_;
    std::size_t n_ = 0;
    std::size_t n_active_ = 0;
    std::array<double, kMaxOutcomes> price_{};
    std::array<double, kMaxOutcomes> held_{};
    double collected_ = 0.0;
};

/// Roots of a x^2 + b x + c = 0 without cancellation: q = -(b + sign(b) sqrt(b^2 - 4ac)) / 2,
/// x1 = q / a, x2 = c / q (Numerical Recipes 5.6). Requires a != 0, b^2 >= 4ac and q != 0.
struct QuadraticRoots {
    double x1 = 0.0;
    double x2 = 0.0;
};
[[nodiscard]] QuadraticRoots stable_quadratic_roots(double a, double b, double c);

}  // namespace pftoken::amm::pm
