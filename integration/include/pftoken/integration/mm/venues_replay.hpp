#pragma once
// The replay venue (`--events FILE.csv`): recorded book, trade, oracle, halt and resolution events
// drive the market; the market maker's orders are virtual (the recorded book never shows them)
// and fill by a queue-position model, behind the order and feed latencies (docs/order-book.md,
// "Replay venue" and "Queue model").

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pftoken/integration/mm/events.hpp"
#include "pftoken/integration/mm/feed.hpp"

namespace pftoken::integration::mm {

/// How a resting virtual order's queue position advances (both after hftbacktest's models).
enum class QueueModel : std::uint8_t {
    /// Trades at the level consume the queue ahead; a level decrease not explained by trades is
    /// spread pro rata between ahead and behind (hftbacktest ProbQueueModel with power 1).
    pro_rata,
    /// Only trades advance the queue; a decrease only caps the queue ahead at the new level size
    /// (hftbacktest RiskAdverseQueueModel).
    risk_averse,
};

struct ReplayParams {
    LatencyParams latency;
    QueueModel queue = QueueModel::pro_rata;
    Money mm_cash_cents = 500000;     ///< the market maker's virtual cash (buys need it free)
    std::int32_t taker_fee_bps = 0;   ///< on the market maker's notional, truncated to a cent
    std::int32_t maker_fee_bps = 0;   ///< negative = rebate
    std::optional<TimeMs> end_ms;     ///< the market's trading end (hours_to_end); default the last event
    /// Throws InputError naming "<prefix>field".
    void validate(const std::string& prefix = "") const;
};

class ReplayVenue final : public LatencyVenue {
  public:
    ReplayVenue(EventLog log, const ReplayParams& params);

    bool mint_sets(Shares sets, TimeMs now) override;
    bool burn_sets(Shares sets, TimeMs now) override;

    [[nodiscard]] const VirtualAccount& account() const noexcept { return account_; }
    /// Queue ahead of a resting virtual order (shares, fractional under pro_rata); nullopt when not resting.
    [[nodiscard]] std::optional<double> queue_ahead(std::uint64_t client_id) const noexcept;
    /// Displayed quantity at a YES-terms level of the recorded book.
    [[nodiscard]] Shares displayed(bool bid, Cents yes_price) const noexcept;
    [[nodiscard]] std::size_t events_applied() const noexcept { return next_; }

  private:
    struct Order {
        std::uint64_t client_id = 0;
        Outcome outcome = Outcome::yes;
        Side side = Side::buy;
        bool bid = true;              ///< YES-terms side
        Cents yes_level = 0;
        Cents price = 0;              ///< own terms
        Shares remaining = 0;
        double ahead = 0.0;           ///< queue ahead, shares
        Shares traded_since_depth = 0;  ///< trades at the level since its last depth update
        Money lock_per_share = 0;
    };

    TimeMs next_event_time() override;
    bool apply_event() override;
    bool arrive_place(const Quote& q, TimeMs ts) override;
    bool arrive_cancel(std::uint64_t client_id, TimeMs ts) override;
    void snapshot(MarketView& view) override;

    void on_depth(bool bid, Cents level, Shares qty);
    void on_trade(bool aggressor_buys, Cents level, Shares qty, TimeMs ts);
    /// Fills `qty` of order k at its own price; `maker` picks the fee. Removes it when done.
    void fill(std::size_t k, Shares qty, bool maker, TimeMs ts);
    void close(std::size_t k);
    [[nodiscard]] Cents best(bool bid) const noexcept;

    EventLog log_;
    ReplayParams params_;
    std::size_t next_ = 0;
    std::array<std::array<Shares, 101>, 2> depth_{};  ///< [0] bids, [1] asks, by YES cent
    std::vector<Order> orders_;
    VirtualAccount account_;
    std::optional<double> oracle_;
    TimeMs oracle_ts_ = 0;
    TimeMs now_ = 0;
    TimeMs end_ms_ = 0;
    Cents last_trade_ = 0;
    int winner_ = -1;
    bool halted_ = false;
    bool resolved_ = false;
};

}  // namespace pftoken::integration::mm
