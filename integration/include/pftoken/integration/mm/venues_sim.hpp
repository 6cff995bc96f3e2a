#pragma once
// The simulated venue (`--simulate`): the YES/NO order book of amm/clob with the market maker as
// one account against the synthetic flow of flow.hpp, behind the order and feed latencies
// (docs/order-book.md, "Simulated venue").

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "pftoken/amm/clob/book.hpp"
#include "pftoken/integration/mm/feed.hpp"
#include "pftoken/integration/mm/flow.hpp"

namespace pftoken::integration::mm {

struct SimulationParams {
    FlowParams flow;
    LatencyParams latency;
    Money mm_cash_cents = 500000;        ///< the market maker's starting cash on the exchange
    Money trader_cash_cents = 100000000000;  ///< each synthetic trader class's starting cash (1e9 dollars)
    std::int32_t taker_fee_bps = 0;      ///< exchange fees (amm/clob BookParams)
    std::int32_t maker_fee_bps = 0;
    std::uint32_t max_orders = 1u << 16; ///< resting orders the book holds
    /// Throws InputError naming "<prefix>field" (flow fields under "<prefix>flow.").
    void validate(const std::string& prefix = "") const;
};

class SimulatedVenue final : public LatencyVenue {
  public:
    SimulatedVenue(const SimulationParams& params, std::uint64_t seed);

    bool mint_sets(Shares sets, TimeMs now) override;
    bool burn_sets(Shares sets, TimeMs now) override;

    /// The exchange record (accounts, reserve, invariants) for reconciliation and tests.
    [[nodiscard]] const amm::clob::Book& book() const noexcept { return book_; }
    [[nodiscard]] std::uint32_t mm_account() const noexcept { return kMarketMaker; }
    /// The hidden YES probability at the last flow arrival (never shown to the market maker).
    [[nodiscard]] double hidden_probability() const noexcept { return flow_.probability(); }
    [[nodiscard]] const SimulationParams& params() const noexcept { return params_; }
    /// Flow arrivals applied so far and the orders they submitted.
    [[nodiscard]] std::uint64_t flow_events() const noexcept { return flow_events_; }

  private:
    static constexpr std::uint32_t kMarketMaker = 0, kInformed = 1, kNoise = 2, kLiquidity = 3;

    TimeMs next_event_time() override;
    bool apply_event() override;
    bool arrive_place(const Quote& q, TimeMs ts) override;
    bool arrive_cancel(std::uint64_t client_id, TimeMs ts) override;
    void snapshot(MarketView& view) override;

    void route_trades(const amm::clob::SubmitResult& r, TimeMs ts, std::uint64_t taker_client);
    [[nodiscard]] std::size_t find_order(amm::clob::OrderId id) const noexcept;  ///< index in mm_orders_, or size()

    SimulationParams params_;
    amm::clob::Book book_;
    FlowGenerator flow_;
    struct Expiry {
        TimeMs at;
        amm::clob::OrderId id;
        bool operator>(const Expiry& o) const noexcept { return at > o.at || (at == o.at && id > o.id); }
    };
    std::priority_queue<Expiry, std::vector<Expiry>, std::greater<>> expiries_;
    std::vector<std::pair<std::uint64_t, amm::clob::OrderId>> mm_orders_;  ///< client id -> resting order
    std::optional<double> oracle_;
    TimeMs oracle_ts_ = 0;
    TimeMs now_ = 0;
    std::uint64_t flow_events_ = 0;
    int winner_ = -1;
    bool opened_ = false;
};

}  // namespace pftoken::integration::mm
