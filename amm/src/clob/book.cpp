// The YES/NO order book: matching, settlement, resolution and the exchange invariants
// (docs/order-book.md).
#include "pftoken/amm/clob/book.hpp"

#include <algorithm>
#include <sstream>

#include "pftoken/base/validate.hpp"
#include "pftoken/error.hpp"

namespace pftoken::amm::clob {

namespace check = ::pftoken::validation;

namespace {
constexpr Shares kMaxQty = 1'000'000'000;  // keeps price x qty x bps inside 64 bits
constexpr Money kMaxCash = 1'000'000'000'000'000;  // 1e15 cents per deposit

Cents own_price(Outcome o, Cents yes_price) noexcept {
    return o == Outcome::yes ? yes_price : kSetValue - yes_price;
}
}  // namespace

const char* to_string(Outcome o) noexcept { return o == Outcome::yes ? "yes" : "no"; }
const char* to_string(Side s) noexcept { return s == Side::buy ? "buy" : "sell"; }
const char* to_string(Scenario s) noexcept {
    switch (s) {
    case Scenario::mint: return "mint";
    case Scenario::transfer_yes: return "transfer_yes";
    case Scenario::transfer_no: return "transfer_no";
    case Scenario::burn: return "burn";
    }
    return "?";
}
const char* to_string(RejectReason r) noexcept {
    switch (r) {
    case RejectReason::none: return "none";
    case RejectReason::bad_price: return "price must be a whole number of cents in [1, 99]";
    case RejectReason::bad_qty: return "quantity must be in [1, 1e9] shares";
    case RejectReason::unknown_account: return "unknown account";
    case RejectReason::insufficient_cash: return "insufficient cash for price, quantity and fee";
    case RejectReason::insufficient_shares: return "insufficient unlocked shares to sell";
    case RejectReason::book_full: return "the book holds max_orders resting orders";
    case RejectReason::halted: return "trading is halted";
    case RejectReason::resolved: return "the market is resolved";
    }
    return "?";
}

void BookParams::validate() const {
    check::Rules rules;
    rules.require("max_orders", static_cast<double>(max_orders), {check::at_least(1), check::below(4294967295.0)});
    rules.require("trade_capacity", static_cast<double>(trade_capacity), {check::at_least(1)});
    rules.require("taker_fee_bps", taker_fee_bps, {check::in_closed(0, 1000)});
    rules.require("maker_fee_bps", maker_fee_bps, {check::in_closed(-1000, 1000)});
    rules.throw_if_failed("order book");
}

Book::Book(const BookParams& params) : params_(params) {
    params_.validate();
    nodes_.resize(params_.max_orders);
    for (std::uint32_t i = 0; i < params_.max_orders; ++i) nodes_[i].next = i + 1 < params_.max_orders ? i + 1 : kNil;
    free_head_ = 0;
    trades_.reserve(params_.trade_capacity);
}

std::uint32_t Book::add_account(Money cash) {
    PFT_REQUIRE(accounts_.size() < kNil, "order book: too many accounts");
    accounts_.emplace_back();
    const auto a = static_cast<std::uint32_t>(accounts_.size() - 1);
    deposit(a, cash);
    return a;
}

void Book::deposit(std::uint32_t account, Money cash) {
    if (cash < 0 || cash > kMaxCash)
        throw InputError("deposit", "must be in [0, 1e15] cents, got " + std::to_string(cash));
    Account& acc = accounts_.at(account);
    acc.cash += cash;
    acc.deposits += cash;
}

OrderId Book::make_id(std::uint32_t slot, std::uint32_t generation) noexcept {
    return (static_cast<OrderId>(generation) << 32) | static_cast<OrderId>(slot + 1);
}

Shares Book::bid_qty(Cents p) const noexcept { return p >= 0 && p <= kSetValue ? levels_[kBid][static_cast<std::size_t>(p)].qty : 0; }
Shares Book::ask_qty(Cents p) const noexcept { return p >= 0 && p <= kSetValue ? levels_[kAsk][static_cast<std::size_t>(p)].qty : 0; }

void Book::settle_leg(std::uint32_t account, Outcome outcome, Side side, Cents price, Shares qty, Money fee,
                      Money lock_release) {
    Account& a = accounts_[account];
    Shares& shares = outcome == Outcome::yes ? a.yes : a.no;
    Money& cost = outcome == Outcome::yes ? a.yes_cost : a.no_cost;
    const Money notional = static_cast<Money>(price) * qty;
    if (side == Side::buy) {
        a.locked_cash -= lock_release;
        a.cash -= notional + fee;
        shares += qty;
        cost += notional;
    } else {
        (outcome == Outcome::yes ? a.locked_yes : a.locked_no) -= qty;
        const Money released = cost * qty / shares;  // weighted average, integer division
        cost -= released;
        shares -= qty;
        a.cash += notional - fee;
        a.realized += notional - released;
    }
    a.fees += fee;
    fee_pool_ += fee;
}

SubmitResult Book::submit(const OrderRequest& o) {
    trades_.clear();
    SubmitResult result;
    result.remaining = o.qty;
    const auto reject = [&](RejectReason r) {
        result.reject = r;
        return result;
    };
    if (resolved_) return reject(RejectReason::resolved);
    if (halted_) return reject(RejectReason::halted);
    if (o.account >= accounts_.size()) return reject(RejectReason::unknown_account);
    if (o.price < kMinPrice || o.price > kMaxPrice) return reject(RejectReason::bad_price);
    if (o.qty < 1 || o.qty > kMaxQty) return reject(RejectReason::bad_qty);
    if (!o.ioc && free_head_ == kNil) return reject(RejectReason::book_full);
    Account& acc = accounts_[o.account];
    const Money lock_per_share = o.side == Side::buy ? buy_lock_per_share(o.price, params_.taker_fee_bps, params_.maker_fee_bps) : 0;
    if (o.side == Side::buy) {
        if (acc.cash - acc.locked_cash < lock_per_share * o.qty) return reject(RejectReason::insufficient_cash);
        acc.locked_cash += lock_per_share * o.qty;
    } else {
        const Shares held = o.outcome == Outcome::yes ? acc.yes - acc.locked_yes : acc.no - acc.locked_no;
        if (held < o.qty) return reject(RejectReason::insufficient_shares);
        (o.outcome == Outcome::yes ? acc.locked_yes : acc.locked_no) += o.qty;
    }

    // In YES terms a YES buy and a NO sell bid; a YES sell and a NO buy ask.
    const bool bids = (o.outcome == Outcome::yes) == (o.side == Side::buy);
    const std::uint8_t side = bids ? kBid : kAsk;
    const std::uint8_t other = bids ? kAsk : kBid;
    const Cents limit = own_price(o.outcome, o.price);
    Shares remaining = o.qty;
    const auto crosses = [&] { return bids ? best_ask_ <= limit : best_bid_ >= limit; };
    while (remaining > 0 && crosses()) {
        const Cents x = bids ? best_ask_ : best_bid_;
        Level& level = levels_[other][static_cast<std::size_t>(x)];
        while (remaining > 0 && level.head != kNil) {
            const std::uint32_t m = level.head;
            Node& maker = nodes_[m];
            const Shares q = std::min(remaining, maker.remaining);
            Trade t;
            t.maker = make_id(m, maker.generation);
            t.taker_account = o.account;
            t.maker_account = maker.account;
            t.taker_outcome = o.outcome;
            t.taker_side = o.side;
            t.maker_outcome = maker.outcome;
            t.maker_side = maker.side;
            t.yes_price = x;
            t.qty = q;
            const bool taker_yes = o.outcome == Outcome::yes;
            const bool maker_yes = maker.outcome == Outcome::yes;
            if (taker_yes && maker_yes) t.scenario = Scenario::transfer_yes;
            else if (!taker_yes && !maker_yes) t.scenario = Scenario::transfer_no;
            else t.scenario = o.side == Side::buy ? Scenario::mint : Scenario::burn;  // both buy / both sell
            const Cents taker_px = t.taker_price();
            const Cents maker_px = t.maker_price();
            t.taker_fee = fee_of(static_cast<Money>(taker_px) * q, params_.taker_fee_bps);
            t.maker_fee = fee_of(static_cast<Money>(maker_px) * q, params_.maker_fee_bps);
            settle_leg(o.account, o.outcome, o.side, taker_px, q, t.taker_fee, lock_per_share * q);
            settle_leg(maker.account, maker.outcome, maker.side, maker_px, q, t.maker_fee, maker.lock_per_share * q);
            if (t.scenario == Scenario::mint) {
                reserve_ += static_cast<Money>(kSetValue) * q;
                sets_ += q;
            } else if (t.scenario == Scenario::burn) {
                reserve_ -= static_cast<Money>(kSetValue) * q;
                sets_ -= q;
            }
            remaining -= q;
            maker.remaining -= q;
            level.qty -= q;
            last_trade_ = x;
            t.taker_remaining = remaining;
            t.maker_remaining = maker.remaining;
            if (maker.remaining == 0) {
                unlink(m);
            }
            trades_.push_back(t);
        }
        if (level.head == kNil) refresh_best(other);
    }

    result.remaining = remaining;
    if (remaining > 0 && !o.ioc) {
        const std::uint32_t s = free_head_;
        Node& n = nodes_[s];
        free_head_ = n.next;
        n.prev = kNil;
        n.next = kNil;
        n.account = o.account;
        n.remaining = remaining;
        n.lock_per_share = lock_per_share;
        n.yes_level = limit;
        n.outcome = o.outcome;
        n.side = o.side;
        n.book_side = side;
        n.live = true;
        Level& level = levels_[side][static_cast<std::size_t>(limit)];
        n.prev = level.tail;
        if (level.tail != kNil) nodes_[level.tail].next = s;
        else level.head = s;
        level.tail = s;
        level.qty += remaining;
        ++open_;
        if (side == kBid) best_bid_ = std::max(best_bid_, limit);
        else best_ask_ = std::min(best_ask_, limit);
        result.id = make_id(s, n.generation);
    } else if (remaining > 0) {
        // IOC rest: release what the unfilled part locked.
        if (o.side == Side::buy) acc.locked_cash -= lock_per_share * remaining;
        else (o.outcome == Outcome::yes ? acc.locked_yes : acc.locked_no) -= remaining;
    }
    for (Trade& t : trades_) t.taker = result.id;
    result.trades = std::span<const Trade>(trades_.data(), trades_.size());
    return result;
}

void Book::unlink(std::uint32_t s) {
    Node& n = nodes_[s];
    Level& level = levels_[n.book_side][static_cast<std::size_t>(n.yes_level)];
    if (n.prev != kNil) nodes_[n.prev].next = n.next;
    else level.head = n.next;
    if (n.next != kNil) nodes_[n.next].prev = n.prev;
    else level.tail = n.prev;
    n.live = false;
    n.remaining = 0;
    n.prev = kNil;
    ++n.generation;
    if (n.generation == 0) n.generation = 1;
    n.next = free_head_;
    free_head_ = s;
    --open_;
}

void Book::release_locks(const Node& n) {
    Account& a = accounts_[n.account];
    if (n.side == Side::buy) a.locked_cash -= n.lock_per_share * n.remaining;
    else (n.outcome == Outcome::yes ? a.locked_yes : a.locked_no) -= n.remaining;
}

void Book::refresh_best(std::uint8_t side) {
    if (side == kBid) {
        Cents p = best_bid_;
        while (p > 0 && levels_[kBid][static_cast<std::size_t>(p)].head == kNil) --p;
        best_bid_ = p;
    } else {
        Cents p = best_ask_;
        while (p < kSetValue && levels_[kAsk][static_cast<std::size_t>(p)].head == kNil) ++p;
        best_ask_ = p;
    }
}

bool Book::cancel(OrderId id) {
    const std::uint64_t low = id & 0xFFFFFFFFu;
    if (low == 0 || low > nodes_.size()) return false;
    const auto s = static_cast<std::uint32_t>(low - 1);
    Node& n = nodes_[s];
    if (!n.live || n.generation != static_cast<std::uint32_t>(id >> 32)) return false;
    release_locks(n);
    levels_[n.book_side][static_cast<std::size_t>(n.yes_level)].qty -= n.remaining;
    const std::uint8_t side = n.book_side;
    const Cents level = n.yes_level;
    unlink(s);
    if (levels_[side][static_cast<std::size_t>(level)].head == kNil) refresh_best(side);
    return true;
}

void Book::cancel_all(std::uint32_t account) {
    for (std::uint32_t s = 0; s < nodes_.size(); ++s)
        if (nodes_[s].live && nodes_[s].account == account) cancel(make_id(s, nodes_[s].generation));
}

bool Book::split(std::uint32_t account, Shares sets) {
    if (resolved_ || account >= accounts_.size() || sets < 1 || sets > kMaxQty) return false;
    Account& a = accounts_[account];
    const Money paid = static_cast<Money>(kSetValue) * sets;
    if (a.cash - a.locked_cash < paid) return false;
    a.cash -= paid;
    a.yes += sets;
    a.no += sets;
    a.yes_cost += paid / 2;
    a.no_cost += paid / 2;
    reserve_ += paid;
    sets_ += sets;
    return true;
}

bool Book::merge(std::uint32_t account, Shares sets) {
    if (resolved_ || account >= accounts_.size() || sets < 1) return false;
    Account& a = accounts_[account];
    if (a.yes - a.locked_yes < sets || a.no - a.locked_no < sets) return false;
    const Money released = a.yes_cost * sets / a.yes + a.no_cost * sets / a.no;
    a.yes_cost -= a.yes_cost * sets / a.yes;
    a.no_cost -= a.no_cost * sets / a.no;
    a.yes -= sets;
    a.no -= sets;
    const Money paid = static_cast<Money>(kSetValue) * sets;
    a.cash += paid;
    a.realized += paid - released;
    reserve_ -= paid;
    sets_ -= sets;
    return true;
}

bool Book::order(OrderId id, OrderView& out) const noexcept {
    const std::uint64_t low = id & 0xFFFFFFFFu;
    if (low == 0 || low > nodes_.size()) return false;
    const Node& n = nodes_[static_cast<std::size_t>(low - 1)];
    if (!n.live || n.generation != static_cast<std::uint32_t>(id >> 32)) return false;
    out = {n.account, n.outcome, n.side, own_price(n.outcome, n.yes_level), n.remaining};
    return true;
}

void Book::resolve(Outcome winner) {
    if (resolved_) throw InputError("resolve", "the market is already resolved");
    for (std::uint32_t s = 0; s < nodes_.size(); ++s)
        if (nodes_[s].live) cancel(make_id(s, nodes_[s].generation));
    for (Account& a : accounts_) {
        const Money paid = static_cast<Money>(kSetValue) * (winner == Outcome::yes ? a.yes : a.no);
        a.cash += paid;
        a.realized += paid - a.yes_cost - a.no_cost;
        a.yes = a.no = 0;
        a.yes_cost = a.no_cost = 0;
    }
    reserve_ -= static_cast<Money>(kSetValue) * sets_;
    sets_ = 0;
    resolved_ = true;
}

InvariantReport Book::check_invariants() const {
    std::ostringstream why;
    Shares yes = 0, no = 0;
    Money cash = 0, deposits = 0, cost = 0, realized = 0, fees = 0;
    std::vector<Money> lock_cash(accounts_.size(), 0);
    std::vector<Shares> lock_yes(accounts_.size(), 0), lock_no(accounts_.size(), 0);
    for (std::size_t i = 0; i < accounts_.size(); ++i) {
        const Account& a = accounts_[i];
        yes += a.yes;
        no += a.no;
        cash += a.cash;
        deposits += a.deposits;
        cost += a.yes_cost + a.no_cost;
        realized += a.realized;
        fees += a.fees;
        if (a.cash + a.yes_cost + a.no_cost != a.deposits + a.realized - a.fees)
            why << "account " << i << ": cash + cost sums " << a.cash + a.yes_cost + a.no_cost
                << " != deposits + realised - fees " << a.deposits + a.realized - a.fees << "; ";
        if (a.locked_cash < 0 || a.cash < a.locked_cash || a.locked_yes < 0 || a.yes < a.locked_yes ||
            a.locked_no < 0 || a.no < a.locked_no || a.yes_cost < 0 || a.no_cost < 0 ||
            (a.yes == 0 && a.yes_cost != 0) || (a.no == 0 && a.no_cost != 0))
            why << "account " << i << ": negative or over-locked balance; ";
    }
    if (yes != sets_ || no != sets_)
        why << "YES shares " << yes << ", NO shares " << no << ", sets " << sets_ << " differ; ";
    if (reserve_ != static_cast<Money>(kSetValue) * sets_)
        why << "reserve " << reserve_ << " != 100 x sets " << sets_ << "; ";
    if (cash + reserve_ + fee_pool_ != deposits)
        why << "zero-sum: cash + reserve + fee pool " << cash + reserve_ + fee_pool_ << " != deposits " << deposits << "; ";
    if (fee_pool_ != fees) why << "fee pool " << fee_pool_ << " != fees paid " << fees << "; ";
    if (cost != reserve_ + realized)
        why << "cost conservation: cost sums " << cost << " != reserve + realised " << reserve_ + realized << "; ";
    std::uint32_t live = 0;
    for (const Node& n : nodes_) {
        if (!n.live) continue;
        ++live;
        if (n.side == Side::buy) lock_cash[n.account] += n.lock_per_share * n.remaining;
        else if (n.outcome == Outcome::yes) lock_yes[n.account] += n.remaining;
        else lock_no[n.account] += n.remaining;
    }
    if (live != open_) why << "open orders " << open_ << " != live nodes " << live << "; ";
    for (std::size_t i = 0; i < accounts_.size(); ++i) {
        const Account& a = accounts_[i];
        if (a.locked_cash != lock_cash[i] || a.locked_yes != lock_yes[i] || a.locked_no != lock_no[i])
            why << "account " << i << ": locks differ from the resting orders; ";
    }
    std::uint32_t linked = 0;
    Cents best[2] = {0, kSetValue};
    for (std::uint8_t side = 0; side < 2; ++side) {
        for (Cents p = 0; p <= kSetValue; ++p) {
            const Level& level = levels_[side][static_cast<std::size_t>(p)];
            Shares total = 0;
            std::uint32_t prev = kNil;
            for (std::uint32_t s = level.head; s != kNil; s = nodes_[s].next) {
                const Node& n = nodes_[s];
                if (!n.live || n.prev != prev || n.book_side != side || n.yes_level != p || n.remaining <= 0)
                    why << "level " << p << " side " << int(side) << ": broken FIFO; ";
                total += n.remaining;
                prev = s;
                ++linked;
                if (linked > nodes_.size()) return {"a FIFO list loops"};
            }
            if (prev != level.tail) why << "level " << p << ": tail mismatch; ";
            if (total != level.qty) why << "level " << p << ": qty " << level.qty << " != orders " << total << "; ";
            if (level.head != kNil) {
                if (side == kBid) best[0] = std::max(best[0], p);
                else best[1] = std::min(best[1], p);
            }
        }
    }
    if (linked != open_) why << "linked orders " << linked << " != open " << open_ << "; ";
    if (best[0] != best_bid_ || best[1] != best_ask_) why << "best prices stale; ";
    if (best_bid_ >= best_ask_ && best_bid_ != 0 && best_ask_ != kSetValue) why << "book crossed; ";
    return {why.str()};
}

}  // namespace pftoken::amm::clob
