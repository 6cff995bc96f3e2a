// Coupled LMSR market maker (Hanson 2003/2007) over 2..10 outcomes with an active mask.
#pragma once

#include <array>
#include <cstddef>

#include "pftoken/amm/pm/outcomes.hpp"

namespace pftoken::amm::pm {

/// Liquidity b such that the worst-case loss b * ln(n_active) equals the subsidy Z (Gnosis'
/// funding-to-b mapping). Throws InputError unless subsidy > 0 and n_active >= 2.
[[nodiscard]] double lmsr_liquidity(double subsidy, std::size_t n_active);

/// Options of an LMSR market: outcome count, subsidy Z and which outcomes are still active.
struct LmsrOptions {
    std::size_t outcomes = 3;
    double subsidy = 100.0;  ///< Z: worst-case loss of the market maker
    ActiveMask active = kAllActive;
    void validate() const;  ///< throws InputError naming the field and the constraint
    [[nodiscard]] std::size_t active_count() const noexcept {
        return count_active(active, outcomes);
    }
};

/// State of an LMSR market: outstanding shares q_i the market maker has sold per outcome.
/// Inactive outcomes take no part in the cost, the prices or the trades.
class Lmsr {
  public:
    /// b = Z / ln N_active; q = 0, so the starting prices are uniform over the active outcomes.
    explicit Lmsr(const LmsrOptions& options);

    [[nodiscard]] std::size_t outcomes() const noexcept { return n_; }
    [[nodiscard]] double liquidity() const noexcept { return b_; }
    [[nodiscard]] bool active(std::size_t i) const noexcept { return active_[i]; }
    [[nodiscard]] double shares(std::size_t i) const noexcept { return q_[i]; }

    /// C(q) = b ln sum_active exp(q_i / b), by log-sum-exp (shifted by the largest q_i / b).
    [[nodiscard]] double cost() const;
    /// p_i = exp(q_i / b) / sum_active exp(q_j / b); 0 for inactive outcomes.
    [[nodiscard]] double price(std::size_t i) const;
    /// Every price at once (one log-sum-exp instead of one per outcome); 0 for inactive ones.
    void prices(std::array<double, kMaxOutcomes>& out) const;
    /// Worst-case loss of the market maker from the start: b ln N_active.
    [[nodiscard]] double worst_case_loss() const;

    /// C(q + size e_i) - C(q) = b ln(1 + p_i expm1(size / b)); size < 0 is a sale (negative
    /// cost = proceeds). Does not change the state.
    [[nodiscard]] double cost_of(std::size_t i, double size) const;
    /// Shares of outcome i that cost exactly `budget` (> 0): b log1p(expm1(budget / b) / p_i).
    [[nodiscard]] double size_for_budget(std::size_t i, double budget) const;
    /// Shares of outcome i whose sale returns exactly `proceeds`; throws InputError when
    /// proceeds >= -b ln(1 - p_i), the limit of selling without bound.
    [[nodiscard]] double size_for_proceeds(std::size_t i, double proceeds) const;

    /// Applies a trade (size > 0 buys, size < 0 sells) and returns its cost (negative = proceeds).
    double trade(std::size_t i, double size);

    /// Removes outcome i from the cost and the prices (an elimination): the remaining prices
    /// renormalise to p_j / (1 - p_i) by the softmax itself; b is kept, so the worst-case loss
    /// stays within the Z of the start (docs/prediction-market.md, "Resolution"). Throws
    /// InputError unless i is active and at least 2 outcomes stay active.
    void eliminate(std::size_t i);

  private:
    /// log sum_active exp(q_j / b - top) with top = max_active q_j / b (log-sum-exp shift).
    [[nodiscard]] double shifted_log_sum(double* top) const;
    std::size_t n_ = 0;
    double b_ = 0.0;
    ActiveMask active_{};
    std::array<double, kMaxOutcomes> q_{};
};

}  // namespace pftoken::amm::pm
