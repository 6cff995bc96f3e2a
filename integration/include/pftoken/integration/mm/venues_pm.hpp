#pragma once
// The venue over the prediction-market batch exchange (amm/pm/exchange.hpp, docs/prediction-
// market.md): a two-outcome market whose outcome 0 is the YES/NO market; the synthetic flow of
// flow.hpp and the market maker's orders are collected between batches and run together every
// batch interval, against the book, cross-matching and the exchange's LMSR or parametric AMM
// (docs/order-book.md, "Batch-exchange venue").

#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "pftoken/amm/pm/exchange.hpp"
#include "pftoken/integration/mm/feed.hpp"
#include "pftoken/integration/mm/flow.hpp"

namespace pftoken::integration::mm {

struct PmVenueParams {
    amm::pm::ExchangeParams exchange;   ///< outcomes must be 2, tick_size 0.01 (whole cents)
    FlowParams flow;
    LatencyParams latency;
    TimeMs batch_interval_ms = 1000;
    Money mm_cash_cents = 500000;
    double trader_cash = 1e9;           ///< each synthetic trader class's cash (exchange units: 1 = 100 cents)
    double market_slippage = 0.05;      ///< max_slippage of the flow's market orders
    PmVenueParams();
    /// Throws InputError naming "<prefix>field" (exchange fields under "<prefix>exchange.").
    void validate(const std::string& prefix = "") const;
};

class PmVenue final : public LatencyVenue {
  public:
    PmVenue(const PmVenueParams& params, std::uint64_t seed);

    /// Refused: the batch exchange has no split or merge for users (sets are minted only by
    /// crossing YES and NO bids); always false.
    bool mint_sets(Shares sets, TimeMs now) override;
    bool burn_sets(Shares sets, TimeMs now) override;

    [[nodiscard]] const amm::pm::Exchange& exchange() const noexcept { return exchange_; }
    [[nodiscard]] std::uint32_t mm_user() const noexcept { return kMarketMaker; }
    [[nodiscard]] std::uint64_t batches() const noexcept { return exchange_.batches(); }

  private:
    static constexpr std::uint32_t kMarketMaker = 0, kInformed = 1, kNoise = 2, kLiquidity = 3;
    struct Open {
        std::uint64_t client_id = 0;
        std::uint64_t order_id = 0;
        Shares qty = 0;
        double filled = 0.0;       ///< exact size filled
        Shares reported = 0;       ///< whole shares reported so far (= llround(filled))
        double cash = 0.0;         ///< exact cash paid (+) / received (-)
        Money cash_reported = 0;   ///< cents reported so far through price x qty + fee
        Outcome outcome = Outcome::yes;
        Side side = Side::buy;
        bool cancel_sent = false;
    };

    TimeMs next_event_time() override;
    bool apply_event() override;
    bool arrive_place(const Quote& q, TimeMs ts) override;
    bool arrive_cancel(std::uint64_t client_id, TimeMs ts) override;
    void snapshot(MarketView& view) override;

    void run_batch(TimeMs t);
    void top(Cents& bid, Shares& bid_qty, Cents& ask, Shares& ask_qty) const;
    [[nodiscard]] std::size_t find_open(std::uint64_t order_id) const noexcept;

    PmVenueParams params_;
    amm::pm::Exchange exchange_;
    FlowGenerator flow_;
    std::vector<amm::pm::Order> pending_;   ///< orders of the next batch
    std::vector<Open> open_;                ///< the market maker's live orders
    amm::pm::BatchOutput out_;
    using Expiry = std::pair<TimeMs, std::uint64_t>;
    std::priority_queue<Expiry, std::vector<Expiry>, std::greater<>> expiries_;
    std::uint64_t next_id_ = 1;
    TimeMs next_batch_ = 0;
    TimeMs now_ = 0;
    std::optional<double> oracle_;
    TimeMs oracle_ts_ = 0;
    Cents last_trade_ = 0;
    int winner_ = -1;
    bool opened_ = false;
    bool resolved_ = false;
};

}  // namespace pftoken::integration::mm
