#pragma once
// The latency layer every venue shares: the market maker's orders reach the exchange after the
// order latency, and market views, fills and rejects reach the market maker after the feed
// latency (docs/order-book.md, "Latency"); so do cancel confirmations. A venue supplies the exchange side (its event stream
// and how an arriving order or cancel is handled); LatencyVenue interleaves them in time order.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "pftoken/integration/mm/venue.hpp"

namespace pftoken::integration::mm {

struct LatencyParams {
    TimeMs order_latency_ms = 50;  ///< place/cancel: market maker -> exchange
    TimeMs feed_latency_ms = 20;   ///< views, fills, rejects: exchange -> market maker
    /// Throws InputError "<prefix>order_latency_ms: must be in [0, 3600000], got ...".
    void validate(const std::string& prefix = "") const;
};

/// A FIFO of trivially copyable items on a vector that keeps its capacity (no allocation once
/// it has grown to the working size).
template <class T>
class FifoQueue {
  public:
    void reserve(std::size_t n) { items_.reserve(n); }
    [[nodiscard]] bool empty() const noexcept { return head_ == items_.size(); }
    [[nodiscard]] std::size_t size() const noexcept { return items_.size() - head_; }
    [[nodiscard]] const T& front() const noexcept { return items_[head_]; }
    [[nodiscard]] T& back() noexcept { return items_.back(); }
    void push(const T& item) {
        if (head_ == items_.size()) {
            items_.clear();
            head_ = 0;
        } else if (head_ >= 4096 && head_ * 2 >= items_.size()) {
            items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
        items_.push_back(item);
    }
    void pop() noexcept { ++head_; }
    /// Item i counted from the front.
    [[nodiscard]] T& operator[](std::size_t i) noexcept { return items_[head_ + i]; }

  private:
    std::vector<T> items_;
    std::size_t head_ = 0;
};

/// The market maker's account on a venue whose market does not hold it (replay, AMM pool): whole
/// cents and shares, with the cash and shares its resting orders lock.
struct VirtualAccount {
    Money cash = 0;
    Money locked_cash = 0;
    Shares yes = 0, no = 0;
    Shares locked_yes = 0, locked_no = 0;
    Money fees = 0;
};

class LatencyVenue : public Venue {
  public:
    bool next(MarketView& view) final;
    void place(const Quote& q, TimeMs now) final;
    void cancel(std::uint64_t client_id, TimeMs now) final;
    std::span<const Fill> drain_fills() final;
    std::span<const std::uint64_t> drain_rejects() final;
    std::span<const std::uint64_t> drain_cancels() final;

    [[nodiscard]] const LatencyParams& latency() const noexcept { return latency_; }
    /// The market maker's clock: the delivery time of the last view returned by next().
    [[nodiscard]] TimeMs clock() const noexcept { return clock_; }

  protected:
    static constexpr TimeMs kNever = std::numeric_limits<TimeMs>::max();
    explicit LatencyVenue(const LatencyParams& latency);

    /// Exchange time of the next market event, or kNever at the end of the stream.
    [[nodiscard]] virtual TimeMs next_event_time() = 0;
    /// Applies that event; returns whether the market maker should get a view of it.
    virtual bool apply_event() = 0;
    /// An order of the market maker reaching the exchange at `ts`; returns whether a view should
    /// be published (venues publish when it traded: a view per resting or cancelled quote would
    /// feed a requoting strategy its own acknowledgements, an unbounded loop).
    virtual bool arrive_place(const Quote& q, TimeMs ts) = 0;
    virtual bool arrive_cancel(std::uint64_t client_id, TimeMs ts) = 0;
    /// The market as the exchange sees it now (`ts` is overwritten with the delivery time).
    virtual void snapshot(MarketView& view) = 0;

    /// A fill of the market maker's order at exchange time f.ts, delivered after the feed latency.
    void report_fill(const Fill& f);
    void report_reject(std::uint64_t client_id, TimeMs ts);
    /// A cancel of the market maker's order took effect at `ts` (delivered after the feed latency).
    void report_cancel(std::uint64_t client_id, TimeMs ts);

  private:
    struct Action {
        TimeMs arrival;
        bool cancel;
        Quote quote;   ///< place: the order; cancel: quote.client_id only
    };
    struct Pending {
        TimeMs deliver;
        MarketView view;
    };
    struct Reject {
        TimeMs deliver;
        std::uint64_t client_id;
    };
    void enqueue(const Action& a);
    void publish(TimeMs exchange_ts);

    LatencyParams latency_;
    FifoQueue<Action> actions_;
    FifoQueue<Pending> views_;
    FifoQueue<Fill> fills_;         ///< Fill.ts is the exchange time; delivered at ts + feed latency
    FifoQueue<Reject> rejects_;
    FifoQueue<Reject> cancels_;
    std::vector<Fill> fills_out_;
    std::vector<std::uint64_t> rejects_out_;
    std::vector<std::uint64_t> cancels_out_;
    TimeMs clock_ = std::numeric_limits<TimeMs>::min();
    bool ended_ = false;
};

}  // namespace pftoken::integration::mm
