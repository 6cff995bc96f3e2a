#pragma once
// A YES/NO central limit order book in whole cents (1..99) and whole shares: price-time priority,
// Polymarket-style complementary matching (MINT / TRANSFER_YES / TRANSFER_NO / BURN), accounts
// with cash, shares, weighted-average cost sums and an exchange reserve of 100 cents per
// outstanding set. Rules and equations: docs/order-book.md.

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pftoken::amm::clob {

using Cents = std::int32_t;   ///< a price, 1..99
using Money = std::int64_t;   ///< cents
using Shares = std::int64_t;

enum class Outcome : std::uint8_t { yes, no };
enum class Side : std::uint8_t { buy, sell };
enum class Scenario : std::uint8_t { mint, transfer_yes, transfer_no, burn };

[[nodiscard]] const char* to_string(Outcome o) noexcept;
[[nodiscard]] const char* to_string(Side s) noexcept;
[[nodiscard]] const char* to_string(Scenario s) noexcept;

inline constexpr Cents kSetValue = 100;  ///< a complete set (1 YES + 1 NO) pays 100 cents
inline constexpr Cents kMinPrice = 1;
inline constexpr Cents kMaxPrice = 99;

/// Fee on a notional: notional x bps / 1e4 truncated toward zero (negative bps: a rebate).
[[nodiscard]] constexpr Money fee_of(Money notional, std::int32_t bps) noexcept { return notional * bps / 10000; }
/// Cash a buy at `price` locks per share: price + ceil(price x max(taker, maker, 0) / 1e4), which
/// covers any execution price <= price and its fee.
[[nodiscard]] constexpr Money buy_lock_per_share(Cents price, std::int32_t taker_bps, std::int32_t maker_bps) noexcept {
    const std::int32_t bps = std::max({taker_bps, maker_bps, 0});
    return price + (static_cast<Money>(price) * bps + 9999) / 10000;
}

/// Opaque handle of a resting order: slot and generation (a stale handle never names a new order).
using OrderId = std::uint64_t;
inline constexpr OrderId kNoOrder = 0;

struct BookParams {
    std::uint32_t max_orders = 1u << 16;  ///< resting orders held at once (preallocated)
    std::uint32_t trade_capacity = 1u << 12;  ///< trades per submission preallocated (more grow the buffer once)
    std::int32_t taker_fee_bps = 0;   ///< on the taker's notional, truncated to a cent, in [0, 1000]
    std::int32_t maker_fee_bps = 0;   ///< on the maker's notional, truncated; negative = rebate, in [-1000, 1000]
    /// Throws InputError naming the field and the constraint.
    void validate() const;
};

/// One account's balances. cash and shares include what resting orders lock.
struct Account {
    Money cash = 0;
    Money locked_cash = 0;   ///< reserved by resting buys (price + fee bound per share)
    Shares yes = 0;
    Shares no = 0;
    Shares locked_yes = 0;   ///< reserved by resting YES sells
    Shares locked_no = 0;
    Money yes_cost = 0;      ///< weighted-average cost sums (docs/order-book.md)
    Money no_cost = 0;
    Money realized = 0;      ///< proceeds minus released cost, over sales and resolution
    Money fees = 0;          ///< fees paid (rebates negative)
    Money deposits = 0;
};

/// A limit order. `ioc`: the unfilled rest is cancelled instead of resting.
struct OrderRequest {
    std::uint32_t account = 0;
    Outcome outcome = Outcome::yes;
    Side side = Side::buy;
    Cents price = 0;
    Shares qty = 0;
    bool ioc = false;
};

/// One match between the incoming (taker) order and a resting (maker) order. `yes_price` is the
/// execution price in YES terms (the maker's level); each side's own price is yes_price for a YES
/// leg and 100 - yes_price for a NO leg.
struct Trade {
    OrderId taker = kNoOrder;
    OrderId maker = kNoOrder;
    std::uint32_t taker_account = 0;
    std::uint32_t maker_account = 0;
    Outcome taker_outcome = Outcome::yes;
    Side taker_side = Side::buy;
    Outcome maker_outcome = Outcome::yes;
    Side maker_side = Side::buy;
    Cents yes_price = 0;
    Shares qty = 0;
    Shares taker_remaining = 0;
    Shares maker_remaining = 0;
    Money taker_fee = 0;
    Money maker_fee = 0;
    Scenario scenario = Scenario::transfer_yes;

    [[nodiscard]] Cents taker_price() const noexcept {
        return taker_outcome == Outcome::yes ? yes_price : kSetValue - yes_price;
    }
    [[nodiscard]] Cents maker_price() const noexcept {
        return maker_outcome == Outcome::yes ? yes_price : kSetValue - yes_price;
    }
};

enum class RejectReason : std::uint8_t {
    none, bad_price, bad_qty, unknown_account, insufficient_cash, insufficient_shares, book_full,
    halted, resolved
};
[[nodiscard]] const char* to_string(RejectReason r) noexcept;

/// What one submission did: its handle while it rests, the trades (valid until the next call on
/// the book), the quantity left and, when refused, why.
struct SubmitResult {
    OrderId id = kNoOrder;          ///< kNoOrder when rejected or fully filled / IOC
    RejectReason reject = RejectReason::none;
    Shares remaining = 0;           ///< unfilled quantity (resting unless IOC)
    std::span<const Trade> trades;
};

/// A resting order as the book holds it.
struct OrderView {
    std::uint32_t account = 0;
    Outcome outcome = Outcome::yes;
    Side side = Side::buy;
    Cents price = 0;       ///< in the order's own outcome
    Shares remaining = 0;
};

/// An exchange invariant that failed (empty `what`: all hold).
struct InvariantReport {
    std::string what;
    [[nodiscard]] bool ok() const noexcept { return what.empty(); }
};

/// The order book of one binary market. All storage is allocated at construction (and by
/// add_account); submit/cancel do not allocate.
class Book {
  public:
    explicit Book(const BookParams& params = {});

    /// A new account holding `cash` cents (>= 0); returns its index.
    std::uint32_t add_account(Money cash);
    /// Credits `cash` (>= 0) to an account.
    void deposit(std::uint32_t account, Money cash);

    /// Matches the order against the book (price-time priority over native and complementary
    /// orders), then rests the rest unless IOC. A rejected order changes nothing.
    SubmitResult submit(const OrderRequest& order);
    /// Cancels a resting order (releasing its locks). False for an unknown, filled or stale id.
    bool cancel(OrderId id);
    /// Cancels every resting order of an account.
    void cancel_all(std::uint32_t account);
    /// Split: the account pays 100 cents per set for 1 YES + 1 NO (cost 50 per leg), reserve +100.
    /// False (nothing changes) when sets < 1, free cash is short or the market is resolved.
    bool split(std::uint32_t account, Shares sets);
    /// Merge: 1 YES + 1 NO back for 100 cents (released cost by the weighted-average rule on each
    /// leg), reserve -100. False when sets < 1, free shares are short or the market is resolved.
    bool merge(std::uint32_t account, Shares sets);

    /// Trading halt: submissions are rejected (cancels still work).
    void set_halted(bool halted) noexcept { halted_ = halted; }
    [[nodiscard]] bool halted() const noexcept { return halted_; }
    /// Resolution: cancels every order, pays 100 cents per winning share from the reserve (booked as
    /// a sale at 100, the losing side as a sale at 0) and closes the market.
    void resolve(Outcome winner);
    [[nodiscard]] bool resolved() const noexcept { return resolved_; }

    /// Best bid / ask in YES terms, over native YES orders and the NO mirror (a NO buy at q is a YES
    /// ask at 100 - q, a NO sell at q a YES bid at 100 - q). 0 / 100 when that side is empty.
    [[nodiscard]] Cents best_bid() const noexcept { return best_bid_; }
    [[nodiscard]] Cents best_ask() const noexcept { return best_ask_; }
    /// Total quantity resting at a YES-terms level on the bid or ask side.
    [[nodiscard]] Shares bid_qty(Cents yes_price) const noexcept;
    [[nodiscard]] Shares ask_qty(Cents yes_price) const noexcept;
    [[nodiscard]] Cents last_trade() const noexcept { return last_trade_; }

    [[nodiscard]] const Account& account(std::uint32_t a) const { return accounts_.at(a); }
    [[nodiscard]] std::size_t accounts() const noexcept { return accounts_.size(); }
    [[nodiscard]] Money reserve() const noexcept { return reserve_; }
    [[nodiscard]] Money fee_pool() const noexcept { return fee_pool_; }
    [[nodiscard]] Shares sets_outstanding() const noexcept { return sets_; }
    [[nodiscard]] std::uint32_t open_orders() const noexcept { return open_; }
    /// The resting order behind `id`; false when it is not resting.
    [[nodiscard]] bool order(OrderId id, OrderView& out) const noexcept;
    [[nodiscard]] const BookParams& params() const noexcept { return params_; }

    /// Every exchange invariant (docs/order-book.md, "Invariants"): YES shares = NO shares =
    /// sets outstanding; reserve = sets x 100; zero-sum (cash + reserve + fee pool = deposits);
    /// cost conservation (sum of cost sums = reserve + sum of realised); per account: cash +
    /// cost sums = deposits + realised - fees, balances >= locks >= 0; locks and level totals equal
    /// the sums over resting orders; FIFO links and best prices consistent. O(accounts + orders).
    [[nodiscard]] InvariantReport check_invariants() const;

  private:
    // A book side in YES terms: bids (YES buys, NO sells) and asks (YES sells, NO buys).
    enum : std::uint8_t { kBid = 0, kAsk = 1 };
    static constexpr std::uint32_t kNil = 0xFFFFFFFFu;
    struct Node {
        std::uint32_t prev = kNil, next = kNil;  ///< FIFO links within a level (free list uses next)
        std::uint32_t generation = 1;
        std::uint32_t account = 0;
        Shares remaining = 0;
        Money lock_per_share = 0;  ///< buys: cash locked per unfilled share
        Cents yes_level = 0;
        Outcome outcome = Outcome::yes;
        Side side = Side::buy;
        std::uint8_t book_side = kBid;
        bool live = false;
    };
    struct Level {
        std::uint32_t head = kNil, tail = kNil;
        Shares qty = 0;
    };

    void settle_leg(std::uint32_t account, Outcome outcome, Side side, Cents own_price, Shares qty,
                    Money fee, Money lock_release);
    void unlink(std::uint32_t slot);
    void release_locks(const Node& n);
    void refresh_best(std::uint8_t side);
    [[nodiscard]] static OrderId make_id(std::uint32_t slot, std::uint32_t generation) noexcept;

    BookParams params_;
    std::vector<Node> nodes_;
    std::uint32_t free_head_ = kNil;
    std::array<std::array<Level, kSetValue + 1>, 2> levels_{};
    std::vector<Account> accounts_;
    std::vector<Trade> trades_;   ///< scratch of one submission (capacity trade_capacity)
    Cents best_bid_ = 0;
    Cents best_ask_ = kSetValue;
    Cents last_trade_ = 0;
    Money reserve_ = 0;
    Money fee_pool_ = 0;
    Shares sets_ = 0;
    std::uint32_t open_ = 0;
    bool halted_ = false;
    bool resolved_ = false;
};

}  // namespace pftoken::amm::clob
