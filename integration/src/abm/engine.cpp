// The agent-based token economy, one run (see abm/engine.hpp; every rule is an equation in
// docs/abm.md).
#include "pftoken/integration/abm/engine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

#include <fmt/format.h>

#include "pftoken/error.hpp"
#include "pftoken/mc/random.hpp"

#include "market.hpp"

namespace pftoken::integration::abm {

double bonding_cost(double k, double n, double s0, double s1) noexcept {
    return k * (std::pow(s1, n + 1.0) - std::pow(s0, n + 1.0)) / (n + 1.0);
}

double bonding_tokens_for(double k, double n, double s, double budget) noexcept {
    return std::pow((n + 1.0) * budget / k + std::pow(s, n + 1.0), 1.0 / (n + 1.0)) - s;
}

double eoe_price(double demand, double supply, double velocity) noexcept { return demand / (supply * velocity); }

double issuance_price(double p0, double supply, double max_supply, double alpha) noexcept {
    return p0 * std::pow(1.0 + supply / max_supply, alpha);
}

double staking_apy(double base_apy, double utilisation) noexcept {
    return base_apy * (1.5 - std::clamp(utilisation, 0.0, 1.0));
}

const char* metric_name(Metric m) noexcept {
    switch (m) {
    case kPrice: return "price";
    case kCirculating: return "circulating";
    case kStaked: return "staked";
    case kUnvested: return "unvested";
    case kTreasuryTokens: return "treasury_tokens";
    case kBurned: return "burned";
    case kPoolTokens: return "pool_tokens";
    case kPoolQuote: return "pool_quote";
    case kDepth: return "depth_2pct";
    case kVolume: return "volume";
    case kApy: return "apy";
    case kUtilisation: return "utilisation";
    case kTreasuryQuote: return "treasury_quote";
    case kTreasuryLpValue: return "treasury_lp_value";
    case kTreasuryLpFees: return "treasury_lp_fees";
    case kTreasuryValue: return "treasury_value";
    case kMetricCount: break;
    }
    return "?";
}

std::string Ledger::check() const {
    const std::int64_t tokens = unvested + held + staked + treasury + pool + burned;
    if (tokens != total)
        return fmt::format("token supply: unvested {} + held {} + staked {} + treasury {} + pool {} + burned {} = {} != total {}",
                           unvested, held, staked, treasury, pool, burned, tokens, total);
    if (cash + pool_quote + treasury_quote + external_net != initial_quote + external_in)
        return fmt::format("quote cash: agents {} + pool {} + treasury {} + external market {} != initial {} + inflows {}", cash,
                           pool_quote, treasury_quote, external_net, initial_quote, external_in);
    for (const auto& [name, value] : {std::pair{"unvested", unvested}, {"held", held}, {"staked", staked},
                                      {"treasury", treasury}, {"pool", pool}, {"burned", burned}, {"cash", cash},
                                      {"pool_quote", pool_quote}, {"treasury_quote", treasury_quote}})
        if (value < 0) return fmt::format("{} balance is negative: {}", name, value);
    return {};
}

namespace {

using Rng = mc::Xoshiro256StarStar;
using detail::ceil_units;
using detail::Fill;
using detail::floor_units;
using detail::Market;

double draw(Rng& rng, const Distribution& d) {
    switch (d.kind) {
    case Distribution::Kind::Constant: return d.a;
    case Distribution::Kind::Beta: {
        const double x = mc::gamma_variate(rng, d.a);
        const double y = mc::gamma_variate(rng, d.b);
        return x / (x + y);
    }
    case Distribution::Kind::Gamma: return mc::gamma_variate(rng, d.a) * d.b;
    case Distribution::Kind::Normal: {
        if (d.b == 0.0) return std::clamp(d.a, d.lo, d.hi);
        const double lo = mc::normal_cdf((d.lo - d.a) / d.b);
        const double hi = mc::normal_cdf((d.hi - d.a) / d.b);
        const double p = std::clamp(lo + (hi - lo) * rng.uniform(), 1e-300, 1.0 - 1e-16);
        return std::clamp(d.a + d.b * mc::inverse_normal_cdf(p), d.lo, d.hi);
    }
    case Distribution::Kind::LogNormal: return std::exp(d.a + d.b * mc::ziggurat_normal(rng));
    case Distribution::Kind::Pareto: return d.a * std::pow(rng.uniform(), -1.0 / d.b);
    }
    return d.a;
}

/// Uniform index in [0, n) by Lemire's multiply-shift (bias below n / 2^64).
std::size_t uniform_index(Rng& rng, std::size_t n) {
    __extension__ typedef unsigned __int128 u128;
    return static_cast<std::size_t>((static_cast<u128>(rng.next()) * n) >> 64);
}


/// Struct-of-arrays agents (holders first, then buyers in arrival order).
struct Agents {
    std::vector<std::uint32_t> cohort;
    std::vector<std::uint8_t> schedule;  ///< equal split: 0 for floor(A/N) + 1 units, 1 for floor(A/N) (weighted cohorts: unused)
    std::vector<std::int64_t> held, staked, cash;
    std::vector<int> unlock;
    /// The first month the agent sells everything: entry + ceil(horizon), as t - entry >= horizon
    /// holds for a whole t exactly from then (a horizon beyond 1e9 months never comes).
    std::vector<int> exit_month;
    std::vector<double> basis;
    std::vector<double> take_profit, stop_loss, sell_fraction, cliff_sell, staking, hurdle;
    std::vector<int> memory;
    void reserve(std::size_t n) {
        for (auto* v : {&held, &staked, &cash}) v->reserve(n);
        for (auto* v : {&unlock, &exit_month, &memory}) v->reserve(n);
        for (auto* v : {&basis, &take_profit, &stop_loss, &sell_fraction, &cliff_sell, &staking, &hurdle})
            v->reserve(n);
        cohort.reserve(n);
        schedule.reserve(n);
    }
    void add(Rng& rng, std::uint32_t c, std::uint8_t sched, const Traits& t, int step) {
        cohort.push_back(c);
        schedule.push_back(sched);
        held.push_back(0);
        staked.push_back(0);
        cash.push_back(0);
        unlock.push_back(0);
        basis.push_back(0.0);
        take_profit.push_back(draw(rng, t.take_profit));
        stop_loss.push_back(draw(rng, t.stop_loss));
        sell_fraction.push_back(draw(rng, t.sell_fraction));
        cliff_sell.push_back(draw(rng, t.cliff_sell));
        staking.push_back(draw(rng, t.staking));
        hurdle.push_back(draw(rng, t.staking_hurdle));
        exit_month.push_back(step + static_cast<int>(std::ceil(std::min(draw(rng, t.horizon), 1e9))));
        memory.push_back(static_cast<int>(std::clamp(std::floor(draw(rng, t.memory)), 1.0, 1e6)));
    }
    /// Empties every array, keeping its memory.
    void clear() {
        for (auto* v : {&held, &staked, &cash}) v->clear();
        for (auto* v : {&unlock, &exit_month, &memory}) v->clear();
        for (auto* v : {&basis, &take_profit, &stop_loss, &sell_fraction, &cliff_sell, &staking, &hurdle}) v->clear();
        cohort.clear();
        schedule.clear();
    }
    [[nodiscard]] std::size_t size() const noexcept { return held.size(); }
};


/// The substream of the allocation weights (drawn once per model from the spec's seed); runs
/// use substreams 0 .. runs - 1 < 100,000.
constexpr std::uint64_t kWeightsStream = ~std::uint64_t{0};

/// A weighted cohort's agent allocations: N weights drawn in agent order, then the largest
/// remainder of A by the quotas A w_i / sum(w).
std::vector<std::int64_t> weighted_allocations(Rng& rng, std::int64_t allocation, int agents, const Distribution& weights,
                                               std::size_t cohort) {
    std::vector<long double> quotas(static_cast<std::size_t>(agents));
    long double sum = 0.0L;
    for (auto& q : quotas) sum += q = static_cast<long double>(draw(rng, weights));
    if (!(sum > 0.0L) || !std::isfinite(static_cast<double>(sum)))
        throw InputError(fmt::format("cohorts[{}].allocation_weights", cohort),
                         fmt::format("the {} drawn weights must have a finite positive sum, got {}", agents,
                                     static_cast<double>(sum)));
    for (auto& q : quotas) q = static_cast<long double>(allocation) * q / sum;
    return largest_remainder(allocation, quotas);
}

struct Order {
    std::uint32_t agent;
    bool buy;
    std::int64_t amount;  ///< sell: token units; buy: quote units
    Fill fill{};          ///< what the market executed
};

/// An order as the execution loop reads it (sequentially, after the shuffle).
struct Queued {
    std::uint32_t order;
    bool buy;
    std::int64_t amount;
};

/// How many iterations ahead the shuffle and the execution loop fetch the random places they
/// are about to touch (a miss costs about as much as a few swaps' worth of work).
constexpr std::size_t kPrefetch = 16;

/// Fisher-Yates from the end, j_k uniform in [0, k) for k = n..2. The j's do not depend on the
/// data, so they are drawn kPrefetch steps ahead (in the same order: the same permutation) and
/// their places fetched before the swap reaches them.
void shuffle(Rng& rng, std::vector<Queued>& items) {
    const std::size_t n = items.size();
    if (n < 2) return;
    std::array<std::size_t, kPrefetch> ahead{};
    std::size_t drawn = n;  // the next k whose j is drawn
    auto draw_next = [&] {
        const std::size_t j = uniform_index(rng, drawn);
        ahead[drawn % kPrefetch] = j;
        __builtin_prefetch(&items[j], 1);
        --drawn;
    };
    while (drawn > 1 && n - drawn < kPrefetch) draw_next();
    for (std::size_t k = n; k > 1; --k) {
        const std::size_t j = ahead[k % kPrefetch];
        if (drawn > 1) draw_next();
        std::swap(items[k - 1], items[j]);
    }
}

}  // namespace

/// A run's scratch arrays, kept between the runs of one thread (see RunWorkspace).
struct RunWorkspace::Impl {
    Agents agents;
    std::vector<Order> orders;
    std::vector<Queued> sequence;
    std::vector<std::int64_t> new_units;
};

RunWorkspace::RunWorkspace() : impl_(std::make_unique<Impl>()) {}
RunWorkspace::~RunWorkspace() = default;
RunWorkspace::RunWorkspace(RunWorkspace&&) noexcept = default;
RunWorkspace& RunWorkspace::operator=(RunWorkspace&&) noexcept = default;

Model build_model(const Spec& spec) {
    spec.validate();
    Model m;
    m.spec = spec;
    m.allocation = allocations(spec);
    const int months = spec.months;
    Rng weights_rng(spec.seed, kWeightsStream);
    for (std::size_t c = 0; c < spec.cohorts.size(); ++c) {
        const auto& cohort = spec.cohorts[c];
        const std::int64_t allocation = m.allocation[c];
        m.allocation_schedule.push_back(vesting_schedule(allocation, cohort.vesting, months));
        m.cohort_schedule.push_back(m.allocation_schedule.back());
        m.first_agent.push_back(static_cast<std::size_t>(m.holder_agents));
        std::array<std::vector<std::int64_t>, 2> per_agent;
        std::vector<std::int64_t> weighted;
        if (cohort.role == Role::Holders) {
            m.holder_agents += cohort.agents;
            auto& released = m.cohort_schedule[c];  // the cohort releases what its agents' own schedules release
            if (cohort.allocation_weights.kind == Distribution::Kind::Constant) {
                per_agent[0] = vesting_schedule(split_part(allocation, cohort.agents, 0), cohort.vesting, months);
                per_agent[1] = vesting_schedule(split_part(allocation, cohort.agents, cohort.agents - 1), cohort.vesting, months);
                const std::int64_t larger = allocation % cohort.agents;
                for (std::size_t t = 0; t < released.size(); ++t)
                    released[t] = larger * per_agent[0][t] + (cohort.agents - larger) * per_agent[1][t];
            } else {
                weighted = weighted_allocations(weights_rng, allocation, cohort.agents, cohort.allocation_weights, c);
                const auto& whole = m.allocation_schedule[c];
                for (std::size_t t = 0; t < released.size(); ++t) {
                    if (t > 0 && whole[t] == whole[t - 1]) {
                        released[t] = released[t - 1];
                        continue;
                    }
                    std::int64_t sum = 0;
                    for (const std::int64_t a : weighted) sum += agent_vested(a, whole[t], allocation);
                    released[t] = sum;
                }
            }
        }
        m.agent_schedule.push_back(std::move(per_agent));
        m.agent_allocation.push_back(std::move(weighted));
    }
    if (spec.project.enabled) {
        if (spec.project.file.empty())
            throw InputError("project.file", "is required (in the spec, or as --project PROJECT.yaml)");
        m.project = load_project_signals(spec);
    }
    if (spec.price.model == PriceModel::Pool) {
        m.pool = make_fast_pool(spec.price.pool);
        double tokens = 0.0, quote = 0.0;
        std::visit(
            [&](const auto& pool) {
                if constexpr (std::is_same_v<std::decay_t<decltype(pool)>, amm::fast::ConstantProductPool>) {
                    tokens = pool.reserve0(), quote = pool.reserve1();
                } else {
                    tokens = pool.balances().amount0, quote = pool.balances().amount1;
                }
            },
            *m.pool);
        m.pool_tokens0 = ceil_units(tokens * spec.token_scale());
        m.pool_quote0 = static_cast<std::int64_t>(std::floor(quote * spec.quote_scale()));
        for (std::size_t c = 0; c < spec.cohorts.size(); ++c) {
            if (spec.cohorts[c].role != Role::Liquidity) continue;
            const std::int64_t at_tge = m.cohort_schedule[c][0];
            if (at_tge < m.pool_tokens0)
                throw InputError(
                    fmt::format("cohorts[{}].vesting.tge", c),
                    fmt::format("the liquidity cohort's TGE unlock ({} tokens) must cover the pool's token reserve ({} tokens)",
                                static_cast<double>(at_tge) / spec.token_scale(), tokens));
        }
    }
    return m;
}

RunResult run_one(const Model& model, std::uint64_t seed, std::uint64_t run, const RunOptions& options,
                  RunWorkspace* workspace) {
    std::optional<RunWorkspace> own;
    RunWorkspace::Impl& scratch = *(workspace ? workspace : &own.emplace())->impl_;
    const Spec& spec = model.spec;
    const int months = spec.months;
    const auto points = static_cast<std::size_t>(months) + 1;
    const double ts = spec.token_scale(), qs = spec.quote_scale();
    const std::size_t n_cohorts = spec.cohorts.size();
    Rng rng(seed, run);

    RunResult result;
    result.months = months;
    result.series.assign(kMetricCount * points, 0.0);
    result.cohorts.assign(n_cohorts + 1, CohortOutcome{});
    result.cohort_series.assign(2 * (n_cohorts + 1) * points, 0.0);
    Ledger& ledger = result.ledger;
    ledger.total = spec.total_supply_units;
    ledger.unvested = spec.total_supply_units;
    ledger.pool_quote = model.pool_quote0;
    ledger.initial_quote = model.pool_quote0;
    if (spec.price.model == PriceModel::BondingCurve) {
        const double s0 = spec.price.initial_curve_supply;
        ledger.pool_quote = floor_units(bonding_cost(spec.price.k, spec.price.n, 0.0, s0) * qs);
        ledger.initial_quote = ledger.pool_quote;
    }
    Market market(model, ledger, options.time_pool);

    // Agents: holders' traits drawn in cohort order, then the reference path, then each step.
    double expected_buyers = 0.0;
    for (int t = 0; t <= months; ++t)
        expected_buyers += spec.demand.arrivals_per_month * std::pow(1.0 + spec.demand.growth_per_month, t);
    Agents& agents = scratch.agents;
    agents.clear();
    agents.reserve(static_cast<std::size_t>(model.holder_agents) +
                   static_cast<std::size_t>(expected_buyers + 10.0 * std::sqrt(expected_buyers) + 16.0));
    for (std::size_t c = 0; c < n_cohorts; ++c) {
        const auto& cohort = spec.cohorts[c];
        if (cohort.role != Role::Holders) continue;
        const std::int64_t larger = model.allocation[c] % cohort.agents;
        for (int i = 0; i < cohort.agents; ++i)
            agents.add(rng, static_cast<std::uint32_t>(c), i < larger ? 0 : 1, cohort.traits, 0);
    }
    const auto holders = agents.size();
    std::vector<double> reference(points, 0.0);
    if (spec.arbitrage.enabled && spec.arbitrage.path == Arbitrage::Path::Csv) {
        std::copy_n(spec.arbitrage.csv_prices.begin(), points, reference.begin());
    } else if (spec.arbitrage.enabled && spec.arbitrage.path == Arbitrage::Path::FairValuePaths) {
        for (std::size_t t = 0; t < points; ++t) reference[t] = model.project->fair_value_at(run, static_cast<int>(t));
    } else if (spec.arbitrage.enabled) {
        const double r0 = spec.arbitrage.path == Arbitrage::Path::Dcf ? model.project->dcf_value_per_token
                          : spec.arbitrage.reference > 0.0       ? spec.arbitrage.reference
                                                                 : market.current_price();
        const double mu = spec.arbitrage.drift, sigma = spec.arbitrage.volatility, dt = 1.0 / 12.0;
        double log_r = std::log(r0);
        reference[0] = r0;
        for (std::size_t t = 1; t < points; ++t) {
            log_r += (mu - 0.5 * sigma * sigma) * dt + sigma * std::sqrt(dt) * mc::ziggurat_normal(rng);
            reference[t] = std::exp(log_r);
        }
    }
    std::int64_t arb_tokens = 0, arb_cash = 0;
    std::int64_t treasury_hold = 0, treasury_liquidity = 0, treasury_buyback = 0;
    const auto capacity = static_cast<std::int64_t>(std::floor(static_cast<long double>(spec.total_supply_units) *
                                                               static_cast<long double>(spec.staking.capacity)));
    std::vector<Order>& orders = scratch.orders;
    orders.clear();
    orders.reserve(agents.held.capacity());
    std::vector<Queued>& sequence = scratch.sequence;  // the orders in execution order
    sequence.clear();
    sequence.reserve(agents.held.capacity());
    std::vector<double> price_sum(points + 1, 0.0);  // prefix sums of opening prices
    std::vector<double> perceived_of(points + 1, 0.0);
    std::vector<std::int64_t>& new_units = scratch.new_units;  // this step's release per holder
    new_units.assign(holders, 0);
    const auto buyers_cohort = static_cast<std::uint32_t>(n_cohorts);
    int signal_months = 0;
    std::int64_t lp_quote = 0;  // quote the treasury deployed as LP
    std::size_t arb_cohort = 0;  // the arbitrageur's cohort (its P&L: quote received - quote paid)
    for (std::size_t c = 0; c < n_cohorts; ++c)
        if (spec.cohorts[c].role == Role::Arbitrageur) arb_cohort = c;

    auto apy_now = [&] {
        const double u = capacity > 0 ? static_cast<double>(ledger.staked) / static_cast<double>(capacity) : 1.0;
        return staking_apy(spec.staking.base_apy, u);
    };
    auto add_basis = [&](std::size_t i, std::int64_t units, double price) {
        const auto before = static_cast<double>(agents.held[i] + agents.staked[i]);
        const auto added = static_cast<double>(units);
        agents.basis[i] = before + added > 0.0 ? (agents.basis[i] * before + price * added) / (before + added) : price;
    };

    for (int t = 0; t <= months; ++t) {
        const auto ut = static_cast<std::size_t>(t);
        std::int64_t volume = 0;  // quote units traded in the step
        // 1. Cohort-level releases: treasury, liquidity and arbitrageur cohorts.
        for (std::size_t c = 0; c < n_cohorts; ++c) {
            const auto& cohort = spec.cohorts[c];
            if (cohort.role == Role::Holders) continue;
            const auto& cum = model.cohort_schedule[c];
            std::int64_t released = cum[ut] - (t > 0 ? cum[ut - 1] : 0);
            ledger.unvested -= released;
            result.cohorts[c].received += released;
            if (cohort.role == Role::Liquidity) {
                if (market.is_pool()) {
                    const std::int64_t to_pool = t == 0 ? model.pool_tokens0 : 0;
                    ledger.pool += to_pool;
                    ledger.treasury += released - to_pool;
                } else {
                    ledger.pool += released;
                }
            } else if (cohort.role == Role::Treasury) {
                ledger.treasury += released;
            } else {
                arb_tokens += released;
                ledger.held += released;
            }
        }
        // 2. Holders' releases (their own schedules), valued at the last close for the basis.
        const double before_open = market.current_price();
        for (std::size_t c = 0; c < n_cohorts; ++c) {
            if (spec.cohorts[c].role != Role::Holders) continue;
            const std::size_t begin = model.first_agent[c];
            const std::size_t end = begin + static_cast<std::size_t>(spec.cohorts[c].agents);
            const auto& weighted = model.agent_allocation[c];
            const auto& whole = model.allocation_schedule[c];
            const std::int64_t whole_before = t > 0 ? whole[ut - 1] : 0;
            std::int64_t cohort_released = 0;
            auto receive = [&](std::size_t i, std::int64_t released) {
                new_units[i] = released;
                if (released == 0) return;
                add_basis(i, released, before_open);
                agents.held[i] += released;
                cohort_released += released;
            };
            if (weighted.empty()) {  // equal split: two schedules, floor(A/N) + 1 and floor(A/N)
                const auto& per_agent = model.agent_schedule[c];
                const std::int64_t release[2] = {per_agent[0][ut] - (t > 0 ? per_agent[0][ut - 1] : 0),
                                                 per_agent[1][ut] - (t > 0 ? per_agent[1][ut - 1] : 0)};
                if (release[0] == 0 && release[1] == 0) {
                    std::fill(new_units.begin() + static_cast<std::ptrdiff_t>(begin), new_units.begin() + static_cast<std::ptrdiff_t>(end), 0);
                    continue;
                }
                for (std::size_t i = begin; i < end; ++i) receive(i, release[agents.schedule[i]]);
            } else if (whole[ut] == whole_before) {
                std::fill(new_units.begin() + static_cast<std::ptrdiff_t>(begin), new_units.begin() + static_cast<std::ptrdiff_t>(end), 0);
                continue;
            } else {  // weighted: floor(a_i C(t) / A) - floor(a_i C(t-1) / A)
                const std::int64_t allocation = model.allocation[c];
                for (std::size_t i = begin; i < end; ++i) {
                    const std::int64_t a = weighted[i - begin];
                    receive(i, agent_vested(a, whole[ut], allocation) - agent_vested(a, whole_before, allocation));
                }
            }
            ledger.unvested -= cohort_released;
            ledger.held += cohort_released;
            result.cohorts[c].received += cohort_released;
        }
        const double price = market.open_step();
        price_sum[ut + 1] = price_sum[ut] + price;
        // The perceived price of every memory window w = 1..t+1 (mean of the last w opening prices).
        for (std::size_t w = 1; w <= ut + 1; ++w)
            perceived_of[w] = (price_sum[ut + 1] - price_sum[ut + 1 - w]) / static_cast<double>(w);
        const double apy = apy_now();
        // Project signals: the share of free tokens every holder sells on top, 1 - prod(1 - s_k)
        // over this month's signals k.
        double signal_sell = 0.0;
        if (model.project) {
            const std::uint8_t flags = model.project->at(run, t);
            double keep = 1.0;
            if (flags & kBlocked) keep *= 1.0 - spec.project.sell_when_blocked;
            if (flags & kBelowCovenant) keep *= 1.0 - spec.project.sell_below_covenant;
            if (flags & kDefaulted) keep *= 1.0 - spec.project.sell_on_default;
            signal_sell = 1.0 - keep;
            signal_months += flags != 0 ? 1 : 0;
        }

        // 3. Every agent decides: unstake, sell, stake. The ledger's totals are kept in locals
        //    (they would alias the agents' int64 arrays) and written back after the loop.
        orders.clear();
        result.agent_steps += static_cast<std::int64_t>(agents.size());
        {
            std::int64_t held_total = ledger.held, staked_total = ledger.staked;
            std::int64_t* const held = agents.held.data();
            std::int64_t* const staked = agents.staked.data();
            int* const unlock = agents.unlock.data();
            const int lockup_until = t + spec.staking.lockup_months;
            const std::size_t n = agents.size();
            for (std::size_t i = 0; i < n; ++i) {
                if (held[i] == 0 && staked[i] == 0) continue;  // nothing to sell or stake
                const std::int64_t released = i < holders ? new_units[i] : 0;
                const auto window = static_cast<std::size_t>(std::min(agents.memory[i], t + 1));
                const double perceived = perceived_of[window];
                const bool unlocked = t >= unlock[i];
                std::int64_t sell = 0;
                auto unstake = [&] {
                    held[i] += staked[i];
                    held_total += staked[i];
                    staked_total -= staked[i];
                    staked[i] = 0;
                };
                if (t >= agents.exit_month[i]) {
                    if (unlocked && staked[i] > 0) unstake();
                    sell = held[i];
                } else {
                    sell = floor_units(agents.cliff_sell[i] * static_cast<double>(released));
                    const double basis = agents.basis[i];
                    const bool profit = basis > 0.0 && perceived >= basis * (1.0 + agents.take_profit[i]);
                    const bool loss = basis > 0.0 && perceived <= basis * (1.0 - agents.stop_loss[i]);
                    if (profit || loss) {
                        if (unlocked && staked[i] > 0) unstake();
                        sell += floor_units(agents.sell_fraction[i] * static_cast<double>(held[i] - sell));
                    } else if (apy >= agents.hurdle[i]) {
                        const std::int64_t stake =
                            std::min(capacity - staked_total, floor_units(agents.staking[i] * static_cast<double>(held[i] - sell)));
                        if (stake > 0) {
                            held[i] -= stake;
                            staked[i] += stake;
                            held_total -= stake;
                            staked_total += stake;
                            unlock[i] = lockup_until;
                        }
                    } else if (unlocked && staked[i] > 0) {
                        unstake();
                    }
                    if (signal_sell > 0.0) sell += floor_units(signal_sell * static_cast<double>(held[i] - sell));
                }
                sell = std::min(sell, held[i]);
                if (sell > 0) orders.push_back(Order{static_cast<std::uint32_t>(i), false, sell});
            }
            ledger.held = held_total;
            ledger.staked = staked_total;
        }

        // 4. New buyers: Poisson(lambda_t) arrivals, each with a budget; with a project, lambda_t
        //    times (1 - cut_k) for this month's adverse signals k, times (1 + d) when it pays
        //    distributions.
        double lambda = spec.demand.arrivals_per_month * std::pow(1.0 + spec.demand.growth_per_month, t);
        if (model.project && spec.project.demand_reacts()) {
            const std::uint8_t flags = model.project->at(run, t);
            if (flags & kBlocked) lambda *= 1.0 - spec.project.demand_cut_when_blocked;
            if (flags & kBelowCovenant) lambda *= 1.0 - spec.project.demand_cut_below_covenant;
            if (flags & kDefaulted) lambda *= 1.0 - spec.project.demand_cut_on_default;
            if (model.project->distributions_paid(run, t)) lambda *= 1.0 + spec.project.demand_on_distribution;
        }
        const std::uint64_t arrivals = mc::poisson_variate(rng, lambda);
        for (std::uint64_t k = 0; k < arrivals; ++k) {
            const std::int64_t budget = floor_units(draw(rng, spec.demand.budget) * qs);
            const auto i = agents.size();
            agents.add(rng, buyers_cohort, 0, spec.demand.traits, t);
            agents.cash[i] = budget;
            ledger.cash += budget;
            ledger.external_in += budget;
            if (budget > 0) orders.push_back(Order{static_cast<std::uint32_t>(i), true, budget});
        }

        // 5. Orders one by one in a seed-shuffled order (Fisher-Yates on the order indexes). Each
        //    agent has at most one order, so its balances are settled afterwards in index order
        //    (the same result, read and written sequentially).
        sequence.resize(orders.size());
        for (std::size_t k = 0; k < sequence.size(); ++k)
            sequence[k] = Queued{static_cast<std::uint32_t>(k), orders[k].buy, orders[k].amount};
        shuffle(rng, sequence);
        for (std::size_t k = 0; k < sequence.size(); ++k) {
            // The fill lands at a random place of a large order list: fetch it ahead.
            if (k + kPrefetch < sequence.size()) __builtin_prefetch(&orders[sequence[k + kPrefetch].order], 1);
            const Queued& q = sequence[k];
            const Fill f = q.buy ? market.buy(q.amount) : market.sell(q.amount);
            orders[q.order].fill = f;
            volume += f.quote;
        }
        {
            std::int64_t held_total = ledger.held, cash_total = ledger.cash, fees = 0;
            for (const auto& order : orders) {
                const std::size_t i = order.agent;
                const Fill& f = order.fill;
                auto& outcome = result.cohorts[agents.cohort[i]];
                if (order.buy) {
                    if (f.tokens > 0) add_basis(i, f.tokens, static_cast<double>(f.quote) / qs / (static_cast<double>(f.tokens) / ts));
                    agents.held[i] += f.tokens;
                    agents.cash[i] -= f.quote;
                    held_total += f.tokens;
                    cash_total -= f.quote;
                    outcome.received += f.tokens;
                } else {
                    const std::int64_t fee = floor_units(static_cast<double>(f.quote) * spec.treasury.fee);
                    const std::int64_t hold = floor_units(static_cast<double>(fee) * spec.treasury.hold);
                    const std::int64_t buyback = floor_units(static_cast<double>(fee) * spec.treasury.buyback);
                    treasury_hold += hold;
                    treasury_buyback += buyback;
                    treasury_liquidity += fee - hold - buyback;
                    fees += fee;
                    agents.held[i] -= f.tokens;
                    agents.cash[i] += f.quote - fee;
                    held_total -= f.tokens;
                    cash_total += f.quote - fee;
                    outcome.sold += f.tokens;
                    outcome.proceeds += static_cast<double>(f.quote - fee) / qs;
                    if (agents.cohort[i] == buyers_cohort) outcome.entry_cost += agents.basis[i] * static_cast<double>(f.tokens) / ts;
                }
            }
            ledger.held = held_total;
            ledger.cash = cash_total;
            ledger.treasury_quote += fees;
        }

        // 6. The arbitrageur trades the pool into the band around the reference price.
        if (spec.arbitrage.enabled) {
            bool bought = false;
            const Fill f = market.arbitrage(reference[ut], arb_tokens, bought);
            if (bought) {
                const std::int64_t funding = std::max<std::int64_t>(0, f.quote - arb_cash);
                ledger.external_in += funding;
                ledger.cash += funding - f.quote;
                arb_cash += funding - f.quote;
                arb_tokens += f.tokens;
                ledger.held += f.tokens;
                result.cohorts[arb_cohort].bought += f.tokens;
                result.cohorts[arb_cohort].entry_cost += static_cast<double>(f.quote) / qs;
            } else {
                arb_cash += f.quote;
                ledger.cash += f.quote;
                arb_tokens -= f.tokens;
                ledger.held -= f.tokens;
                result.cohorts[arb_cohort].sold += f.tokens;
                result.cohorts[arb_cohort].proceeds += static_cast<double>(f.quote) / qs;
            }
            volume += f.quote;
        }

        // 7. Treasury buyback through the price model; the tokens bought are burned.
        if (treasury_buyback > 0) {
            const Fill f = market.buy(treasury_buyback);
            treasury_buyback -= f.quote;
            ledger.treasury_quote -= f.quote;
            ledger.burned += f.tokens;
            volume += f.quote;
        }

        // 8. The treasury's liquidity bucket, paired with its tokens at the pool price, becomes
        //    its LP position in the pool (pool model only).
        if (treasury_liquidity > 0 && market.is_pool()) {
            const Fill f = market.add_liquidity(ledger.treasury, treasury_liquidity);
            ledger.treasury -= f.tokens;
            treasury_liquidity -= f.quote;
            ledger.treasury_quote -= f.quote;
            lp_quote += f.quote;
        }

        // 9. Staking rewards at APY(u) / 12 from the treasury's tokens, while they last.
        const double apy_end = apy_now();
        if (ledger.staked > 0 && ledger.treasury > 0) {
            const double rate = apy_end / 12.0;
            const double close = market.current_price();
            std::int64_t treasury = ledger.treasury, held_total = ledger.held;
            const std::size_t n = agents.size();
            for (std::size_t i = 0; i < n && treasury > 0; ++i) {
                if (agents.staked[i] == 0) continue;
                const std::int64_t reward = std::min(treasury, floor_units(static_cast<double>(agents.staked[i]) * rate));
                if (reward == 0) continue;
                add_basis(i, reward, close);
                result.cohorts[agents.cohort[i]].rewards += reward;
                agents.held[i] += reward;
                held_total += reward;
                treasury -= reward;
            }
            ledger.treasury = treasury;
            ledger.held = held_total;
        }

        // 10. Record the step.
        auto put = [&](Metric m, double v) { result.series[m * points + ut] = v; };
        put(kPrice, market.current_price());
        put(kCirculating, static_cast<double>(ledger.held) / ts);
        put(kStaked, static_cast<double>(ledger.staked) / ts);
        put(kUnvested, static_cast<double>(ledger.unvested) / ts);
        put(kTreasuryTokens, static_cast<double>(ledger.treasury) / ts);
        put(kBurned, static_cast<double>(ledger.burned) / ts);
        put(kPoolTokens, static_cast<double>(ledger.pool) / ts);
        put(kPoolQuote, static_cast<double>(ledger.pool_quote) / qs);
        put(kDepth, market.depth());
        put(kVolume, static_cast<double>(volume) / qs);
        put(kApy, apy_end);
        put(kUtilisation, capacity > 0 ? static_cast<double>(ledger.staked) / static_cast<double>(capacity) : 0.0);
        put(kTreasuryQuote, static_cast<double>(ledger.treasury_quote) / qs);
        {  // the treasury's LP position, valued at the close (docs/abm.md, "Staking and treasury")
            const double close = market.current_price();
            const LpHoldings lp = market.treasury_lp();
            put(kTreasuryLpValue, lp.value(close));
            put(kTreasuryLpFees, lp.fees_value(close));
            put(kTreasuryValue, static_cast<double>(ledger.treasury_quote) / qs +
                                    static_cast<double>(ledger.treasury) / ts * close + lp.value(close));
        }
        for (std::size_t c = 0; c <= n_cohorts; ++c) {
            const auto& o = result.cohorts[c];
            const std::int64_t got = o.received + o.rewards + o.bought;
            result.cohort_series[2 * c * points + ut] = o.proceeds - o.entry_cost;
            result.cohort_series[(2 * c + 1) * points + ut] =
                got > 0 ? static_cast<double>(o.sold) / static_cast<double>(got) : 0.0;
        }

        if (options.check_invariants) {
            std::string broken = ledger.check();
            if (broken.empty()) {
                std::int64_t held = arb_tokens, staked = 0, cash = arb_cash;
                for (std::size_t i = 0; i < agents.size(); ++i) {
                    held += agents.held[i], staked += agents.staked[i], cash += agents.cash[i];
                    if (agents.held[i] < 0 || agents.staked[i] < 0 || agents.cash[i] < 0)
                        broken = fmt::format("agent {}: negative balance (held {}, staked {}, cash {})", i, agents.held[i],
                                             agents.staked[i], agents.cash[i]);
                }
                if (held != ledger.held || staked != ledger.staked || cash != ledger.cash)
                    broken = fmt::format("agents' sums (held {}, staked {}, cash {}) != ledger (held {}, staked {}, cash {})",
                                         held, staked, cash, ledger.held, ledger.staked, ledger.cash);
                if (treasury_hold + treasury_liquidity + treasury_buyback != ledger.treasury_quote)
                    broken = "treasury quote buckets != ledger treasury quote";
                if (arb_tokens < 0 || arb_cash < 0) broken = "arbitrageur: negative balance";
            }
            if (!broken.empty())
                throw InternalError(fmt::format("abm run {} step {}: invariant broken: {}", run, t, broken));
        }
    }
    result.agents = static_cast<std::int64_t>(agents.size());
    result.signal_months = signal_months;
    result.treasury_lp_quote = static_cast<double>(lp_quote) / qs;
    result.pool_seconds = market.pool_seconds;
    return result;
}

}  // namespace pftoken::integration::abm
