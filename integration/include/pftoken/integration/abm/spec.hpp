#pragma once
// `pftoken abm` spec (docs/abm.md): token, cohorts with vesting, agent trait distributions,
// demand, price model, staking, treasury and Monte Carlo settings, read through the strict YAML
// reader (every problem at file:line:col naming the field and the violated constraint), and the
// exact integer vesting schedule of every cohort.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pftoken/error.hpp"
#include "pftoken/integration/liquidity_stress.hpp"

namespace pftoken::integration::abm {

/// A distribution of one agent trait or allocation weight (docs/abm.md, "Traits"). Draws use
/// the run's substream: Beta as G1 / (G1 + G2) of two Gamma draws, Gamma by Marsaglia and Tsang
/// (2000), LogNormal as exp(mu + sigma Z), truncated Normal by the inverse CDF on
/// [Phi(lo), Phi(hi)], Pareto by the inverse CDF x_m U^(-1/alpha).
struct Distribution {
    enum class Kind { Constant, Beta, Gamma, Normal, LogNormal, Pareto };
    Kind kind = Kind::Constant;
    double a = 0.0;  ///< constant: value; beta: alpha; gamma: shape; normal: mean; lognormal: mu; pareto: x_m (scale)
    double b = 0.0;  ///< beta: beta; gamma: scale; normal: standard deviation; lognormal: sigma; pareto: alpha (shape)
    double lo = -1e300;  ///< normal: lower truncation bound
    double hi = 1e300;   ///< normal: upper truncation bound
    [[nodiscard]] static Distribution constant(double value) { return {Kind::Constant, value, 0.0}; }
};

/// The traits every agent draws once per run (docs/abm.md, "Agent rules").
struct Traits {
    Distribution take_profit = Distribution::constant(1.0);   ///< tp >= 0: sell above basis (1 + tp)
    Distribution stop_loss = Distribution::constant(0.5);     ///< sl in [0, 1]: sell below basis (1 - sl)
    Distribution sell_fraction = Distribution::constant(0.5); ///< phi in [0, 1]: share sold on a trigger
    Distribution cliff_sell = Distribution::constant(0.0);    ///< kappa in [0, 1]: share of new unlocks sold
    Distribution staking = Distribution::constant(0.0);       ///< sigma in [0, 1]: share of free tokens staked
    Distribution staking_hurdle = Distribution::constant(0.0);///< h >= 0: stakes only while APY >= h
    Distribution horizon = Distribution::constant(1e9);       ///< H > 0 months: sells everything at H
    Distribution memory = Distribution::constant(1.0);        ///< months of price averaged: max(1, floor(m))
};

/// What a cohort's vested tokens become.
enum class Role {
    Holders,     ///< agents that hold, sell and stake
    Treasury,    ///< the treasury's token holdings (also the staking rewards reserve)
    Liquidity,   ///< the market's inventory: the pool's token reserve, or the price model's counterparty
    Arbitrageur, ///< the arbitrageur's token inventory
};

enum class Release { Linear, Stepped };

struct Vesting {
    double tge = 0.0;         ///< share unlocked at step 0 (TGE), in [0, 1]
    int cliff_months = 0;     ///< no release after TGE before this step
    int months = 0;           ///< the rest is released over this many months after the cliff (0: at the cliff)
    Release release = Release::Linear;
    int step_months = 1;      ///< stepped: one release every step_months
};

struct Cohort {
    std::string name;
    Role role = Role::Holders;
    double share = 0.0;       ///< of total supply; shares sum to 1 (within 1e-9)
    int agents = 1;           ///< Holders: agents sharing the allocation (largest remainder)
    /// Holders: each agent's weight in the cohort's allocation, drawn once per model (docs/abm.md,
    /// "Token and vesting"); a constant (the default) is the equal split.
    Distribution allocation_weights = Distribution::constant(1.0);
    Vesting vesting;
    Traits traits;
};

/// New buyers: Poisson(rate) arrivals per month, each spending a budget (quote units) drawn
/// from `budget`; they then act as holders with `traits`.
struct Demand {
    double arrivals_per_month = 0.0;
    double growth_per_month = 0.0;  ///< arrival rate multiplied by (1 + g)^t
    Distribution budget = Distribution::constant(0.0);
    Traits traits;
};

enum class PriceModel { Constant, BondingCurve, EquationOfExchange, Issuance, Pool };

struct PriceSpec {
    PriceModel model = PriceModel::Constant;
    double price = 1.0;              ///< constant: P; issuance: P0
    double k = 0.0;                  ///< bonding: P = k S^n (S in whole tokens sold by the curve)
    double n = 1.0;
    double initial_curve_supply = 0.0;  ///< bonding: S at TGE (its cost is the curve's quote reserve)
    double demand_per_year = 0.0;    ///< EOE: D (quote per year)
    double velocity = 0.0;           ///< EOE: V per year; 0 = 12 / holding_months
    double holding_months = 0.0;     ///< EOE: mean holding time when velocity is 0
    double max_supply = 0.0;         ///< issuance: S_max (whole tokens)
    double alpha = 1.0;              ///< issuance exponent
    std::string pool_file;           ///< pool: a pool YAML as `compare` reads it (relative to the spec)
    PoolSpec pool;                   ///< pool: read from pool_file
};

/// Arbitrageur toward a reference price path: a GBM from `reference` (default the initial
/// price) or from the project's DCF value per token, a CSV of monthly prices, or (a tranche
/// token) the project's Monte Carlo fair-value paths, one per run.
struct Arbitrage {
    enum class Path { Gbm, Csv, Dcf, FairValuePaths };
    bool enabled = false;
    Path path = Path::Gbm;
    double drift = 0.0;       ///< GBM drift per year (gbm, dcf)
    double volatility = 0.0;  ///< GBM volatility per year (gbm, dcf)
    double reference = 0.0;   ///< gbm: reference price at TGE (0 = the initial price)
    std::string csv_file;     ///< csv: columns month,price for months 0..months (relative to the spec)
    std::vector<double> csv_prices;  ///< csv: read from csv_file
};

/// The project behind the token (docs/abm.md, "Project signals"): each run follows one Monte
/// Carlo path of the project file, and holders sell more (and buyers arrive less often) in
/// months whose distributions are locked up, whose DSCR is below the lock-up covenant, or after
/// an event of default; buyers may arrive more often in months with distributions paid.
struct ProjectLink {
    bool enabled = false;
    std::string file;          ///< project YAML (relative to the spec; `--project` overrides)
    std::string token;         ///< the project's token this economy trades (equity or a tranche symbol)
    int paths = 100;           ///< project Monte Carlo paths; run r follows path r mod paths
    double sell_when_blocked = 0.0;    ///< share of free tokens sold in a month with distributions locked up
    double sell_below_covenant = 0.0;  ///< ... with the period's DSCR below the lock-up covenant
    double sell_on_default = 0.0;      ///< ... in every month from an event of default on
    /// The token's month 0 (TGE) in the project's calendar (default: the project's COD); must lie
    /// within the project's life. Month t reads the project period containing tge_date + t months.
    std::optional<std::chrono::year_month_day> tge_date;
    SourceLocation tge_date_at;        ///< where the spec wrote tge_date (for the range error)
    double demand_cut_when_blocked = 0.0;    ///< buyers' arrival rate x (1 - cut) in a month with distributions locked up
    double demand_cut_below_covenant = 0.0;  ///< ... with the DSCR below the lock-up covenant
    double demand_cut_on_default = 0.0;      ///< ... in every month from an event of default on
    double demand_on_distribution = 0.0;     ///< arrival rate x (1 + d) in a month with distributions paid
    /// True when buyers react to the project's signals.
    [[nodiscard]] bool demand_reacts() const noexcept {
        return demand_cut_when_blocked > 0.0 || demand_cut_below_covenant > 0.0 || demand_cut_on_default > 0.0 ||
               demand_on_distribution > 0.0;
    }
};

struct Staking {
    double capacity = 0.5;       ///< share of total supply
    int lockup_months = 6;
    double base_apy = 0.12;      ///< APY(u) = base (1.5 - u), u = staked / capacity
};

struct Treasury {
    double fee = 0.02;           ///< on sale proceeds
    double hold = 0.5;           ///< fee split; hold + liquidity + buyback = 1
    double liquidity = 0.3;
    double buyback = 0.2;
    double monthly_spend = 0.0;  ///< quote per month, for the runway in the summary only
};

struct Spec {
    std::string name;
    std::string symbol = "TOKEN";
    int decimals = 18;
    std::int64_t total_supply_units = 0;  ///< in base units (10^-decimals token)
    int quote_decimals = 6;
    int months = 60;                      ///< steps (one per month)
    std::vector<Cohort> cohorts;
    Demand demand;
    PriceSpec price;
    Arbitrage arbitrage;
    ProjectLink project;
    Staking staking;
    Treasury treasury;
    int runs = 100;
    std::uint64_t seed = 42;

    /// Throws InputError naming the field and the violated constraint.
    void validate() const;
    [[nodiscard]] double token_scale() const noexcept;  ///< 10^decimals
    [[nodiscard]] double quote_scale() const noexcept;  ///< 10^quote_decimals
};

[[nodiscard]] Spec load_spec(const std::filesystem::path& path);
[[nodiscard]] Spec parse_spec(std::string_view yaml_text, const std::string& source = "spec",
                              const std::filesystem::path& base_dir = {});

/// Whole units of `total` apportioned by the largest remainder: floor(q_i) of each quota, then
/// one unit at a time to the largest remainders q_i - floor(q_i) (ties: the earlier index), or
/// taken back from the smallest, until they sum to `total` exactly (quotas summing to total
/// within rounding).
[[nodiscard]] std::vector<std::int64_t> largest_remainder(std::int64_t total, const std::vector<long double>& quotas);

/// Allocation of each cohort in base units: the largest remainder of the quotas T s_c, so the
/// allocations sum to T exactly.
[[nodiscard]] std::vector<std::int64_t> allocations(const Spec& spec);

/// Splits `total` into `parts` whole amounts, the first total mod parts of them one unit larger.
[[nodiscard]] std::int64_t split_part(std::int64_t total, std::int64_t parts, std::int64_t index) noexcept;

/// Cumulative units vested by the end of step t (0..months) of an allocation A: TGE
/// floor(A tge) at t = 0; the rest R released by the cumulative-floor rule
/// floor(R j / J) after the j-th of J releases (linear: monthly from cliff + 1; stepped: every
/// step_months), so the per-step releases are whole units and sum to A exactly.
[[nodiscard]] std::vector<std::int64_t> vesting_schedule(std::int64_t allocation, const Vesting& vesting,
                                                         int months);

/// Units an agent with allocation a (of its cohort's A) has vested when the cohort's own schedule
/// stands at C: floor(a C / A) in 128-bit integers (0 when A is 0). Monotone in C, a at C = A.
[[nodiscard]] inline std::int64_t agent_vested(std::int64_t a, std::int64_t cumulative, std::int64_t allocation) noexcept {
    if (allocation == 0) return 0;
    __extension__ typedef unsigned __int128 u128;
    const u128 product = static_cast<u128>(a) * static_cast<u128>(cumulative);
    if ((product >> 64) == 0) return static_cast<std::int64_t>(static_cast<std::uint64_t>(product) / static_cast<std::uint64_t>(allocation));
    return static_cast<std::int64_t>(product / static_cast<u128>(allocation));
}

}  // namespace pftoken::integration::abm
