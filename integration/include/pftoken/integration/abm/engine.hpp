#pragma once
// The agent-based token economy, one run (docs/abm.md): struct-of-arrays agents deciding every
// month (vesting, unstake, sell, stake), Poisson buyers, orders executed one by one in a
// seed-shuffled order against the price model, staking rewards, the treasury's fee split and
// buybacks, and an integer ledger whose conservation can be asserted every step.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pftoken/integration/abm/project.hpp"
#include "pftoken/integration/abm/spec.hpp"
#include "pftoken/integration/compare_pool.hpp"

namespace pftoken::integration::abm {

// ---- closed forms (docs/abm.md, "Price models" and "Staking")

/// Quote paid to move a bonding curve P = k S^n from supply s0 to s1 (s1 > s0; s0 > s1 is the
/// negative of the proceeds): the exact integral k (s1^(n+1) - s0^(n+1)) / (n + 1).
[[nodiscard]] double bonding_cost(double k, double n, double s0, double s1) noexcept;
/// Tokens a budget B buys at supply s: ((n+1) B / k + s^(n+1))^(1/(n+1)) - s.
[[nodiscard]] double bonding_tokens_for(double k, double n, double s, double budget) noexcept;
/// Equation of exchange M V = P Q read for the token: P = D / (S V).
[[nodiscard]] double eoe_price(double demand, double supply, double velocity) noexcept;
/// Issuance curve P = P0 (1 + S / S_max)^alpha.
[[nodiscard]] double issuance_price(double p0, double supply, double max_supply, double alpha) noexcept;
/// Staking APY at utilisation u = staked / capacity in [0, 1]: base (1.5 - u), i.e. 150% of
/// base when empty, 100% at half, 50% when full, linear between.
[[nodiscard]] double staking_apy(double base_apy, double utilisation) noexcept;

/// Per-step series of one run (index = metric * (months + 1) + step); tokens in whole tokens,
/// quote in whole quote units.
enum Metric : std::size_t {
    kPrice,
    kCirculating,   ///< free tokens held by agents and the arbitrageur
    kStaked,
    kUnvested,
    kTreasuryTokens,
    kBurned,
    kPoolTokens,    ///< the pool's token reserve (or the price model's inventory)
    kPoolQuote,     ///< the pool's quote reserve (bonding curve: its reserve)
    kDepth,         ///< quote that moves the pool price up 2% (pool model only)
    kVolume,        ///< quote traded in the step
    kApy,
    kUtilisation,
    kTreasuryQuote,
    kTreasuryLpValue,  ///< the treasury's LP position at the pool price, fees included (quote)
    kTreasuryLpFees,   ///< fees that position earned to date, at the pool price (quote)
    kTreasuryValue,    ///< treasury quote + treasury tokens x price + LP value (quote)
    kMetricCount
};
[[nodiscard]] const char* metric_name(Metric m) noexcept;

/// The integer ledger (token base units, quote base units): supply and cash conservation.
struct Ledger {
    std::int64_t total = 0;
    std::int64_t unvested = 0;
    std::int64_t held = 0;           ///< agents' free tokens and the arbitrageur's
    std::int64_t staked = 0;
    std::int64_t treasury = 0;
    std::int64_t pool = 0;
    std::int64_t burned = 0;
    std::int64_t cash = 0;           ///< agents' and the arbitrageur's quote
    std::int64_t pool_quote = 0;
    std::int64_t treasury_quote = 0; ///< hold + liquidity + buyback buckets
    std::int64_t initial_quote = 0;  ///< the pool's (or curve's) quote at TGE
    std::int64_t external_in = 0;    ///< buyers' budgets and the arbitrageur's funding
    /// Net quote the external counterparty (constant, EOE, issuance models) received: buys
    /// minus sales proceeds; the outside world, so it may be negative.
    std::int64_t external_net = 0;
    /// "" when every identity holds, else the first broken one with its numbers.
    [[nodiscard]] std::string check() const;
};

/// One cohort's outcome in one run (buyers last, named "buyers").
struct CohortOutcome {
    std::int64_t received = 0;  ///< units vested (allocation) or bought
    std::int64_t rewards = 0;   ///< staking rewards received
    std::int64_t bought = 0;    ///< the arbitrageur's purchases
    std::int64_t sold = 0;
    double proceeds = 0.0;      ///< quote received, net of the treasury fee
    double entry_cost = 0.0;    ///< the sold tokens' cost (buyers: purchase price; arbitrageur: all it paid; others 0)
};

struct RunResult {
    int months = 0;
    std::vector<double> series;           ///< kMetricCount x (months + 1)
    std::vector<CohortOutcome> cohorts;
    /// Per cohort (buyers last) and step, to date: realised P&L [(2c) (months+1) + t] and the
    /// share sold [(2c + 1) (months+1) + t].
    std::vector<double> cohort_series;
    Ledger ledger;
    std::int64_t agents = 0;              ///< holders and buyers at the end
    std::int64_t agent_steps = 0;         ///< agents deciding, summed over the steps
    int signal_months = 0;                ///< months with a project signal
    double treasury_lp_quote = 0.0;       ///< quote the treasury deployed into the pool as LP
    double pool_seconds = 0.0;            ///< time spent in pool swaps (when timed)
    [[nodiscard]] double at(Metric m, int step) const {
        return series[m * static_cast<std::size_t>(months + 1) + static_cast<std::size_t>(step)];
    }
};

/// The spec prepared once for any number of runs: allocations, per-agent vesting tables, pool.
struct Model {
    Spec spec;
    std::vector<std::int64_t> allocation;            ///< per cohort
    /// Per cohort, two cumulative schedules (agents with floor(A/N) + 1 and floor(A/N) units)
    /// of an equal split; empty for a cohort with allocation weights.
    std::vector<std::array<std::vector<std::int64_t>, 2>> agent_schedule;
    /// Per cohort with allocation weights, its agents' allocations a_i (the largest remainder of
    /// A by weights drawn once per model); agent i has vested agent_vested(a_i, C(t), A) by
    /// month t, C = allocation_schedule. Empty for an equal split.
    std::vector<std::vector<std::int64_t>> agent_allocation;
    /// Cumulative schedule of each cohort's whole allocation, vesting_schedule(A).
    std::vector<std::vector<std::int64_t>> allocation_schedule;
    /// Cumulative releases per cohort (holders: the sum of their agents' schedules).
    std::vector<std::vector<std::int64_t>> cohort_schedule;
    std::vector<std::size_t> first_agent;            ///< per holder cohort, its first agent's index
    std::int64_t holder_agents = 0;
    std::optional<FastPool> pool;                    ///< pool model: the initial pool
    std::int64_t pool_tokens0 = 0;                   ///< its token reserve in units
    std::int64_t pool_quote0 = 0;
    std::optional<ProjectSignals> project;           ///< with a project: section
};

/// Builds the model (and reads the project file of a project: section); InputError when the
/// liquidity cohort cannot fund the pool's token reserve or the project does not fit.
[[nodiscard]] Model build_model(const Spec& spec);

struct RunOptions {
    bool check_invariants = false;  ///< Ledger::check() after every step (InternalError if broken)
    bool time_pool = false;         ///< measure RunResult::pool_seconds
};

/// Scratch memory (the agents' arrays, the order lists) one thread reuses from run to run, so a
/// Monte Carlo does not page in fresh memory for every run. Results do not depend on it.
class RunWorkspace {
  public:
    RunWorkspace();
    ~RunWorkspace();
    RunWorkspace(RunWorkspace&&) noexcept;
    RunWorkspace& operator=(RunWorkspace&&) noexcept;
    struct Impl;

  private:
    friend RunResult run_one(const Model&, std::uint64_t, std::uint64_t, const RunOptions&, RunWorkspace*);
    std::unique_ptr<Impl> impl_;
};

/// Run `run` of the Monte Carlo: its numbers are a pure function of (seed, run). `workspace`
/// (optional, one per thread) only saves memory traffic.
[[nodiscard]] RunResult run_one(const Model& model, std::uint64_t seed, std::uint64_t run, const RunOptions& options = {},
                                RunWorkspace* workspace = nullptr);

}  // namespace pftoken::integration::abm
