// A prediction-market session (the input of `pftoken pm replay` / `simulate`): the market, its
// users and timeline from a strict YAML file, the orders from a CSV file, the replay that runs
// them through the Exchange batch by batch, and a seeded synthetic order flow.
// File formats: docs/tools/pm.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "pftoken/amm/pm/exchange.hpp"

namespace pftoken::yaml {
struct Context;
class Reader;
}  // namespace pftoken::yaml

namespace pftoken::amm::pm {

/// One intermediate resolution round: at `at_ms` (after that batch) the outcomes are eliminated,
/// then trading is frozen for `freeze_ms` (batches in (at_ms, at_ms + freeze_ms] reject orders).
struct ResolutionRound {
    std::int64_t at_ms = 0;
    std::int64_t freeze_ms = 0;
    std::vector<std::uint32_t> eliminate;
};

/// How ζ, μ, ν, κ ramp: over the whole session, or restarting after each resolution round.
enum class RampMode : std::uint8_t { Continue = 0, Reset = 1 };

struct Session {
    std::vector<std::string> outcomes;  ///< names, 2 to 10
    ExchangeParams params;              ///< outcomes and the ramp window are filled in from the session
    RampMode ramp_mode = RampMode::Continue;
    double default_max_slippage = 0.05;  ///< for market orders whose max_slippage cell is empty
    std::int64_t batch_interval_ms = 1000;
    std::int64_t duration_ms = 60000;   ///< the final resolution happens at this time
    std::vector<ResolutionRound> rounds;
    std::uint32_t winner = 0;
    std::vector<std::string> users;
    std::vector<double> balances;  ///< starting balance per user

    /// Index of a named outcome / user, or -1.
    [[nodiscard]] int outcome_index(std::string_view name) const;
    [[nodiscard]] int user_index(std::string_view name) const;
};

/// Which exchange fields a YAML spec may set: all of them (`pftoken pm` sessions), or the subset
/// of the market maker's venue (`pftoken mm backtest --pm`: two outcomes at a 1-cent tick and no
/// auto-fill, so tick_size, the parametric ramps and the auto-fill fields keep their defaults).
enum class ExchangeFields : std::uint8_t { All = 0, Venue = 1 };

/// The one YAML reader of ExchangeParams: each field's key, type and (with `required`) presence.
/// `market` holds model, subsidy, fee, fee_match, p_min, p_max, eta, gas_fee (with All also
/// tick_size and the ramps zeta, mu, nu, kappa); `features` holds cross_matching (with All also
/// auto_fill, sigma, af_cap_frac, af_max_pools, af_max_surplus). The two may be one section
/// (`pm.exchange:` of an mm spec); a null reader (section absent or not a mapping) leaves its
/// fields at their defaults. `required`: model and subsidy must be given. The caller finishes the
/// readers; constraints are ExchangeParams::validate(), placed by
/// exchange_field_path.
void read_exchange(yaml::Context& ctx, yaml::Reader* market, yaml::Reader* features, ExchangeFields fields,
                   bool required, ExchangeParams& p);

/// Where read_exchange reads a field that ExchangeParams::validate() names bare ("sigma",
/// "zeta.start"): under `features` for the matching switches, under `market` for the rest
/// (each a section path with its trailing dot, e.g. "market.", "pm.exchange.").
[[nodiscard]] std::string exchange_field_path(const std::string& field, const std::string& market,
                                              const std::string& features);

/// Reads and validates a session YAML file (every problem at file:line:col, thrown together).
[[nodiscard]] Session load_session(const std::filesystem::path& path);
[[nodiscard]] Session parse_session(std::string_view yaml_text, const std::string& source);

/// Reads an orders CSV (columns in docs/tools/pm.md) against a session: names resolve to
/// indices, every problem is an InputError at file:line:col naming the column.
[[nodiscard]] std::vector<Order> load_orders(const std::filesystem::path& path, const Session& session);
[[nodiscard]] std::vector<Order> parse_orders(std::string_view csv_text, const std::string& source,
                                              const Session& session);
/// The orders as CSV in the same format (what `pm simulate` writes).
[[nodiscard]] std::string format_orders(const std::vector<Order>& orders, const Session& session);

/// One batch's summary row.
struct TickRecord {
    std::uint64_t batch = 0;
    std::int64_t t_ms = 0;
    bool frozen = false;
    std::size_t orders = 0;
    double volume = 0.0;
    double mm_risk = 0.0;
    double mm_profit = 0.0;
    double fees = 0.0;
    double seigniorage = 0.0;
    double gas = 0.0;
    std::array<double, kMaxOutcomes> prices{};
    std::uint64_t state_hash = 0;
};

struct PayoutRecord {
    std::int64_t t_ms = 0;
    bool final = false;
    std::uint32_t user = 0;  ///< kMarketMaker for the market maker's inventory
    double amount = 0.0;
};

/// Everything a replay produced.
struct ReplayResult {
    std::vector<Fill> fills;
    std::vector<Event> events;
    std::vector<TickRecord> ticks;
    std::vector<PayoutRecord> payouts;
    std::vector<Account> accounts;  ///< final
    MarketMakerBooks market_maker;  ///< final
    TickRecord last_open;           ///< the last batch before the final resolution (implied probabilities)
    std::uint64_t final_hash = 0;
    double gas_collected = 0.0;
};

/// Runs the session: batches every batch_interval_ms up to duration_ms, the rounds after their
/// batch, the final resolution at duration_ms. Asserts every invariant after every batch and
/// resolution (InternalError if one breaks). `keep_fills` false drops fills, events and the
/// per-batch hashes; `check_invariants` false skips the checks (benchmarks: the check walks every
/// order ever placed).
[[nodiscard]] ReplayResult replay(const Session& session, const std::vector<Order>& orders, bool keep_fills = true,
                                  bool check_invariants = true);

/// Synthetic order flow: `count` orders over the session's duration from informed traders (who
/// know the winner: they buy its YES and the others' NO below their belief) and noise traders
/// (random side, token, outcome, market or limit), seeded; the same seed gives the same orders
/// on every machine (no std distributions).
struct SimulateOptions {
    std::size_t count = 1000;
    std::uint64_t seed = 42;
    double informed_share = 0.2;  ///< share of orders from informed traders
};
[[nodiscard]] std::vector<Order> simulate_orders(const Session& session, const SimulateOptions& options);

}  // namespace pftoken::amm::pm
