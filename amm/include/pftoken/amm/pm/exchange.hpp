// The multi-outcome prediction-market exchange (issue 16): deterministic batches of market and
// limit orders on YES_i / NO_i tokens, per-tick pro-rata pools, YES/NO cross-matching (mint and
// merge of complete sets), the market maker's cost function (LMSR or the parametric model),
// auto-fill with seigniorage, gas fees, resolution rounds with eliminations and final payouts.
// Every rule and equation is in docs/prediction-market.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "pftoken/amm/pm/lmsr.hpp"
#include "pftoken/amm/pm/outcomes.hpp"
#include "pftoken/amm/pm/parametric.hpp"

namespace pftoken::amm::pm {

enum class Token : std::uint8_t { Yes = 0, No = 1 };
enum class Side : std::uint8_t { Buy = 0, Sell = 1 };
enum class OrderType : std::uint8_t { Market = 0, Limit = 1, Cancel = 2 };
enum class CostModel : std::uint8_t { Lmsr = 0, Parametric = 1 };

/// The user index of the market maker in fills (the counterparty of AMM and auto-fill trades).
inline constexpr std::uint32_t kMarketMaker = std::numeric_limits<std::uint32_t>::max();
/// The outcome of an event that concerns no outcome (a rejected cancellation).
inline constexpr std::uint32_t kNoOutcome = std::numeric_limits<std::uint32_t>::max();

/// One submission. Sorted in a batch by (ts_ms, id); ids must be unique over a session: every
/// submission takes its id, and a later one with the same id is rejected ("duplicate order id").
struct Order {
    std::uint64_t id = 0;
    std::uint32_t user = 0;
    std::uint32_t outcome = 0;
    Token token = Token::Yes;
    Side side = Side::Buy;
    OrderType type = OrderType::Limit;
    double size = 0.0;           ///< tokens (> 0); unused by Cancel
    double limit_price = 0.0;    ///< Limit: on the tick grid, in (0, 1)
    double max_slippage = 1.0;   ///< Market: largest relative slippage accepted, >= 0
    bool auto_fill = false;      ///< Limit: opt in to auto-fill
    std::int64_t ts_ms = 0;
    std::uint64_t cancel_id = 0;  ///< Cancel: the order whose unfilled part is withdrawn
};

/// Market and exchange parameters (docs/prediction-market.md lists each with its equation).
struct ExchangeParams {
    std::size_t outcomes = 3;
    CostModel model = CostModel::Lmsr;
    double subsidy = 100.0;     ///< Z: the market maker's worst-case loss
    double tick_size = 0.01;    ///< limit prices are multiples of this, in (0, 1)
    double fee = 0.0;           ///< f: on the cash leg of every AMM trade
    double fee_match = 0.0;     ///< f_match: on each cash leg of a book match, mint or merge
    double p_max = 0.99;        ///< entry check prices market buys at p_max (and the parametric bound)
    double p_min = 0.01;        ///< parametric lower price bound
    double eta = 0.1;           ///< parametric penalty strength
    Ramp zeta{0.0, 0.0};
    Ramp mu{1.0, 1.0};
    Ramp nu{1.0, 1.0};
    Ramp kappa{1.0, 1.0};
    double t_start_s = 0.0;     ///< parametric ramp window, seconds
    double t_end_s = 1.0;
    bool cross_matching = true;
    bool auto_fill = true;
    double sigma = 0.5;          ///< σ: market maker's share of auto-fill surplus
    double af_cap_frac = 1.0;    ///< share of a pool's volume auto-filled per batch, (0, 1]
    std::size_t af_max_pools = 16;  ///< pools auto-filled per batch
    double af_max_surplus = 1e300;  ///< surplus captured per batch
    double gas_fee = 0.0;        ///< flat fee per submission, charged even when rejected

    /// Throws InputError naming every field that breaks its constraint.
    void validate() const;
    [[nodiscard]] std::size_t ticks() const noexcept;  ///< round(1 / tick_size)
};

enum class FillKind : std::uint8_t { Book = 0, Mint = 1, Merge = 2, Amm = 3, AutoFill = 4 };

/// One leg of a trade seen from one user (a match produces one Fill per side).
struct Fill {
    std::uint64_t batch = 0;
    std::int64_t ts_ms = 0;
    std::uint64_t order_id = 0;
    std::uint32_t user = 0;
    std::uint32_t counterparty = kMarketMaker;  ///< the other user (first of the pool), or the MM
    std::uint32_t outcome = 0;
    Token token = Token::Yes;
    Side side = Side::Buy;
    FillKind kind = FillKind::Book;
    double size = 0.0;
    double price = 0.0;   ///< cash per token before fees and rebates
    double cash = 0.0;    ///< paid by the user (> 0) or received (< 0), fees and rebates included
    double fee = 0.0;
    double rebate = 0.0;  ///< auto-fill: the user's share (1 - σ) of the surplus
};

/// What the engine reports besides fills: an order rejected (with the reason), a cancellation (with
/// the size returned), an outcome eliminated, the final resolution. Accepted, filled and resting
/// orders are not events: fills are in the fills list, resting orders in the book.
enum class EventKind : std::uint8_t { Rejected = 1, Cancelled = 2, Eliminated = 5, Resolved = 6 };

struct Event {
    std::uint64_t batch = 0;
    std::int64_t ts_ms = 0;
    EventKind kind = EventKind::Rejected;
    std::uint64_t order_id = 0;
    std::uint32_t user = 0;
    std::uint32_t outcome = 0;
    const char* reason = "";  ///< a static text: why rejected / cancelled
    double amount = 0.0;      ///< Cancelled: the unfilled size returned
};

/// What one batch produced (appended; the caller may reuse the vectors).
struct BatchOutput {
    std::vector<Fill> fills;
    std::vector<Event> events;
    double volume = 0.0;  ///< tokens traded in the batch (each match counted once)
    void clear() { fills.clear(); events.clear(); volume = 0.0; }
};

/// What a resolution paid: per user (index order) and to the market maker's inventory.
struct ResolutionOutput {
    std::vector<double> payouts;    ///< per user, this resolution
    double mm_payout = 0.0;
    std::vector<Event> events;
};

/// A user's account. Tokens locked in resting sell orders and cash locked in resting buys still
/// belong to the user (and count in the supplies); they return when an order is cancelled.
struct Account {
    double cash = 0.0;
    double locked_cash = 0.0;
    std::array<double, kMaxOutcomes> yes{};
    std::array<double, kMaxOutcomes> no{};
    std::array<double, kMaxOutcomes> locked_yes{};
    std::array<double, kMaxOutcomes> locked_no{};
    double gas_paid = 0.0;
    double payouts = 0.0;
    std::uint32_t trades = 0;
};

/// The market maker's books: cash (starts at 0, may go negative: the subsidy Z bounds its loss,
/// not its cash), token inventory from minting and buy-backs, and what it has earned.
struct MarketMakerBooks {
    double cash = 0.0;
    std::array<double, kMaxOutcomes> yes{};
    std::array<double, kMaxOutcomes> no{};
    double fees = 0.0;          ///< f on AMM trades and f_match on matches
    double seigniorage = 0.0;   ///< σ share of auto-fill surplus
    double payouts = 0.0;       ///< resolution payouts on its inventory
};

/// An invariant that failed (empty `what` = all hold).
struct InvariantReport {
    std::string what;
    [[nodiscard]] bool ok() const noexcept { return what.empty(); }
};

/// The exchange: the whole engine state and the two entry points of the issue,
/// apply_orders(state, orders, params, t) and trigger_resolution(state, params, is_final, ...).
class Exchange {
  public:
    /// One account per starting balance (users are indices 0..n-1). Throws InputError on bad
    /// params or a negative balance.
    Exchange(const ExchangeParams& params, std::span<const double> starting_cash);

    /// Runs one batch at time t_ms (docs/prediction-market.md, "A batch"). Appends to `out`.
    void apply_orders(std::span<const Order> orders, std::int64_t t_ms, BatchOutput& out);
    /// Intermediate round (is_final false): eliminates `outcomes` (NO_e pays 1), cancelling their
    /// orders. Final (is_final true): `outcomes` holds the winner; every order is cancelled, the
    /// active binaries pay, the market locks. Throws InputError on a bad outcome list.
    ResolutionOutput trigger_resolution(bool is_final, std::span<const std::uint32_t> outcomes,
                                        std::int64_t t_ms);
    /// Trading freeze: orders of a frozen batch are rejected (gas still charged).
    void set_frozen(bool frozen) noexcept { frozen_ = frozen; }
    /// Parametric "reset" mode: the ramps restart over [t_start_s, t_end_s].
    void set_ramp_window(double t_start_s, double t_end_s);

    [[nodiscard]] const ExchangeParams& params() const noexcept { return params_; }
    [[nodiscard]] std::size_t users() const noexcept { return accounts_.size(); }
    [[nodiscard]] const Account& account(std::size_t u) const { return accounts_.at(u); }
    [[nodiscard]] const MarketMakerBooks& market_maker() const noexcept { return mm_; }
    [[nodiscard]] double collateral(std::size_t i) const { return collateral_.at(i); }
    [[nodiscard]] bool active(std::size_t i) const noexcept { return i < params_.outcomes && active_[i]; }
    [[nodiscard]] std::size_t active_count() const noexcept { return count_active(active_, params_.outcomes); }
    [[nodiscard]] bool locked() const noexcept { return locked_; }
    [[nodiscard]] bool frozen() const noexcept { return frozen_; }
    [[nodiscard]] double gas_collected() const noexcept { return gas_collected_; }
    [[nodiscard]] double starting_total() const noexcept { return starting_total_; }
    [[nodiscard]] std::uint64_t batches() const noexcept { return batch_; }
    /// YES price of outcome i (0 when eliminated); NO price is 1 - price.
    [[nodiscard]] double price(std::size_t i) const;
    /// Unfilled size resting in the book on one side of one token of outcome i at tick k.
    [[nodiscard]] double pool_volume(std::size_t i, Token token, Side side, std::size_t tick) const;
    /// Unfilled size of a resting order (0 when filled, cancelled or unknown).
    [[nodiscard]] double resting(std::uint64_t order_id) const;
    /// Open resting orders, and the order records held (open ones plus finished ones not yet
    /// freed: at most 2 x open + 4097, see compact_orders).
    [[nodiscard]] std::size_t open_orders() const noexcept { return live_orders_; }
    [[nodiscard]] std::size_t stored_orders() const noexcept { return resting_.size(); }
    /// Entries of the id index (records held), and the ranges of consecutive ids taken by the
    /// submissions so far (every type, rejected ones too), kept to reject a reused id.
    [[nodiscard]] std::size_t indexed_ids() const noexcept { return by_id_.size(); }
    [[nodiscard]] std::size_t used_id_ranges() const noexcept;

    /// The market maker's loss if outcome w wins now: -(cash + YES_w + sum_{j != w} NO_j held).
    [[nodiscard]] double mm_loss_if(std::size_t w) const;
    /// MM risk: max over active w of mm_loss_if(w).
    [[nodiscard]] double mm_risk() const;
    /// MM profit marked at the current prices: cash + sum_w p_w (inventory paying if w wins).
    [[nodiscard]] double mm_profit() const;

    /// Cost (> 0) to the user of buying, or proceeds (< 0) of selling, `size` of a token from
    /// the AMM alone, fee included (no change). Capped sizes are not reported: see amm_capacity.
    [[nodiscard]] double amm_cash(std::size_t i, Token token, Side side, double size, std::int64_t t_ms) const;
    /// Largest size the AMM takes (parametric bounds; +inf for LMSR).
    [[nodiscard]] double amm_capacity(std::size_t i, Token token, Side side, std::int64_t t_ms) const;
    /// Tokens of `token` a buyer gets from the AMM for `budget` (fee included): the root of
    /// amm_cash(x) = budget by base::solve_bracketed to 1e-12 relative. Capped at amm_capacity.
    [[nodiscard]] double size_for_budget(std::size_t i, Token token, double budget, std::int64_t t_ms) const;

    /// Every invariant of the issue (docs/prediction-market.md, "Invariants") to `tolerance`
    /// (absolute, scaled by the money in the market); sum of active prices to 1e-12.
    [[nodiscard]] InvariantReport check_invariants(double tolerance = 1e-9) const;
    /// The documented canonical serialisation of the state (doubles as IEEE-754 bit patterns).
    [[nodiscard]] std::string canonical_state() const;
    /// FNV-1a 64 of canonical_state().
    [[nodiscard]] std::uint64_t state_hash() const;

  private:
    struct Resting {
        Order order;
        double remaining = 0.0;
        double unit_lock = 0.0;  ///< cash (buys) or tokens (sells) locked per unfilled token
        std::uint32_t tick = 0;
        std::uint64_t batch = 0;
        double lock_left = 0.0;  ///< cash or tokens still locked for this order
        bool live = false;
    };
    enum class Members : std::uint8_t { All, NewOnly, AutoFillOnly };
    struct Pool {
        double volume = 0.0;
        std::uint32_t af_members = 0;  ///< live opted-in members
        std::uint32_t live_members = 0;  ///< members may hold cancelled orders until the next compaction
        std::uint64_t newest_batch = 0;  ///< batch of the latest member to join
        std::uint64_t af_batch = 0;      ///< batch of the last auto-fill (a pool auto-fills once per batch)
        std::vector<std::uint32_t> members;  ///< indices into resting_, FIFO (dead ones skipped)
    };
    struct AmmLeg {
        double size = 0.0;
        double cash = 0.0;  ///< paid by the user (> 0) / received (< 0), fee included
        double fee = 0.0;
    };

    [[nodiscard]] std::size_t pool_index(std::size_t i, Token token, Side side, std::size_t tick) const noexcept;
    [[nodiscard]] double model_price(std::size_t i) const;
    [[nodiscard]] double token_price(std::size_t i, Token token) const;
    [[nodiscard]] double model_t(std::int64_t t_ms) const noexcept;
    [[nodiscard]] double yes_raw(std::size_t i, double delta, double t) const;  // + cost / - proceeds
    [[nodiscard]] double yes_capacity(std::size_t i, int direction, double t) const;
    [[nodiscard]] AmmLeg amm_quote(std::size_t i, Token token, Side side, double size, double t) const;
    [[nodiscard]] double amm_size_to_price(std::size_t i, Token token, Side side, double all_in, double t) const;
    AmmLeg amm_execute(std::size_t i, Token token, Side side, double size, double t);
    void mm_deliver(std::size_t i, Token token, double size);
    void mm_receive(std::size_t i, Token token, double size);

    void charge_gas(const Order& o, BatchOutput& out);
    /// The admission checks in order (docs/prediction-market.md, "A batch"); `reused_id`: the
    /// order's id was taken before it (a duplicate).
    bool admit(const Order& o, bool reused_id, BatchOutput& out);
    void place_limit(const Order& o);
    void cancel(std::uint32_t index, const char* reason, BatchOutput* out, std::vector<Event>* events);
    /// A resting order filled `filled` tokens for `cash_paid` (< 0: received): moves its locks.
    void settle(std::uint32_t index, double filled, double cash_paid);
    struct MarketPlan {
        double filled = 0.0;
        double cash = 0.0;  ///< paid (> 0) / received (< 0), fees included
    };
    [[nodiscard]] MarketPlan plan_market(const Order& o, double size, double t) const;
    /// Fills `amount` of the eligible members of a pool pro-rata to their unfilled size (the last
    /// member takes the rounding residue); each pays `cash_per_token` (< 0: receives).
    void fill_pool(std::size_t pool, Members members, double amount, double price, double cash_per_token,
                   double fee_per_token, double rebate_per_token, FillKind kind, std::uint32_t counterparty,
                   BatchOutput& out);
    [[nodiscard]] double eligible_volume(std::size_t pool, Members members) const;
    /// Where the members that may be eligible start: 0, or for NewOnly this batch's suffix.
    [[nodiscard]] std::size_t first_candidate(const Pool& pool, Members members) const noexcept;
    [[nodiscard]] bool eligible(const Resting& r, Members members) const noexcept;
    void match_book(std::size_t i, BatchOutput& out);
    void cross_match(std::size_t i, BatchOutput& out);
    void limits_against_amm(std::size_t i, BatchOutput& out);
    void run_market(const Order& o, BatchOutput& out);
    void auto_fill(std::size_t skip_outcome, BatchOutput& out);
    void compact(Pool& pool);
    /// Frees filled and cancelled orders once they outnumber the open ones (plus kCompactSlack):
    /// the open ones keep their order, every reference to a finished one (pool members, by_id_)
    /// points to a dead tombstone at index 0. Runs between batches; amortised O(1) per order.
    void compact_orders();
    [[nodiscard]] int best_tick(std::size_t i, Token token, Side side) const;

    ExchangeParams params_;
    std::variant<Lmsr, ParametricMarket> model_;
    std::vector<Account> accounts_;
    MarketMakerBooks mm_;
    std::array<double, kMaxOutcomes> collateral_{};
    ActiveMask active_{};
    std::vector<Resting> resting_;
    /// Id -> index into resting_ of the records held (open orders plus finished ones not yet
    /// freed), so it stays within 2 x open + 4097 entries.
    std::unordered_map<std::uint64_t, std::uint32_t> by_id_;
    /// Every id taken by a submission (limit, market or cancel order, whatever then happened to
    /// it), each once, as sorted disjoint closed ranges [first, last]: one entry per run of
    /// consecutive ids. A batch's new ids join recent_ids_, which joins used_ids_ once it holds
    /// about sqrt(used_ids_) ranges: ids in any order cost O(log) each plus O(sqrt(ranges)) per
    /// batch, amortised, and no allocation once the vectors have grown.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> used_ids_;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> recent_ids_;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> fresh_ids_;   ///< scratch: the batch's new ids
    std::vector<std::pair<std::uint64_t, std::uint64_t>> merged_ids_;  ///< scratch of the merges
    std::vector<std::pair<std::uint64_t, std::uint64_t>> batch_ids_;   ///< scratch: (id, position)
    std::vector<std::uint8_t> reused_id_;  ///< scratch: per order of the batch, its id was taken before
    /// Takes the ids of a batch (sorted_ ready): marks in reused_id_ the orders whose id was taken
    /// before (by an earlier batch or an earlier order of this one), records the others.
    void take_ids(std::span<const Order> orders);
    std::vector<Pool> pools_;
    /// Live opted-in orders per (outcome, token, side): auto-fill skips a side without any.
    std::vector<std::uint32_t> af_live_;
    std::size_t ticks_ = 0;
    double unit_fee_ = 0.0;  ///< max(f, f_match): the lock on a limit buy is L (1 + unit_fee_)
    double starting_total_ = 0.0;
    double gas_collected_ = 0.0;
    std::uint64_t batch_ = 0;
    std::int64_t now_ms_ = 0;
    std::vector<std::uint32_t> sorted_;   ///< scratch: batch order indices (reused, no allocation)
    std::vector<std::uint32_t> markets_;  ///< scratch: accepted market orders of the batch
    std::vector<std::uint32_t> remap_;    ///< scratch of compact_orders: old index -> new index
    std::vector<Resting> compacted_;      ///< scratch of compact_orders
    std::size_t live_orders_ = 0;         ///< open resting orders (live entries of resting_)
    bool tombstone_ = false;              ///< resting_[0] is the dead tombstone of compact_orders
    std::size_t af_pools_used_ = 0;
    double af_surplus_used_ = 0.0;
    bool frozen_ = false;
    bool locked_ = false;
};

}  // namespace pftoken::amm::pm
