#pragma once
// The AMM pool venue: the market maker quotes a tranche token (prices in whole cents of its face
// value, the YES outcome of the vocabulary) next to a constant-product pool of the token against
// cash (amm/fast). The token's value follows the flow's hidden path around the DCF fair value,
// which the oracle publishes as the anchor; takers route each order to the better of the market
// maker's quotes and the pool, arbitrageurs realign the pool with the value at every oracle tick
// (docs/order-book.md, "AMM pool venue").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/integration/mm/feed.hpp"
#include "pftoken/integration/mm/flow.hpp"
#include "pftoken/model/project.hpp"

namespace pftoken::integration::mm {

struct AmmVenueParams {
    double fair_value_cents = 95.0;    ///< the DCF fair value per token (face 100 cents): the oracle anchor
    double pool_tokens = 100000.0;     ///< token reserve; the cash reserve starts at tokens x fair value
    double pool_fee = 0.003;           ///< the pool's fee on every input
    FlowParams flow;                   ///< start_probability is set to fair_value_cents / 100; no liquidity providers
    LatencyParams latency;
    Money mm_cash_cents = 500000;
    Shares mm_tokens = 1000;           ///< tokens the market maker starts with
    AmmVenueParams();
    /// Throws InputError naming "<prefix>field".
    void validate(const std::string& prefix = "") const;
};

/// The oracle anchor of the token `symbol` (a tranche's token symbol or name) of `project`: its
/// DCF price per token (pftoken::value, the number `pftoken value` and `compare` report) in cents
/// of its face value, 100 x price_per_token / face_per_token. Throws InputError naming `field`
/// when there is no such tranche token, it has no face value, or the anchor is outside the
/// venue's 1..99 cents (AmmVenueParams::fair_value_cents).
struct DcfAnchor {
    std::string symbol;            ///< the tranche's token symbol
    double price_per_token = 0.0;  ///< DCF price per token, the project's currency
    double face_per_token = 0.0;
    double cents = 0.0;            ///< 100 x price_per_token / face_per_token
};
[[nodiscard]] DcfAnchor dcf_fair_value_cents(const Project& project, const std::string& symbol,
                                             const std::string& field);

class AmmPoolVenue final : public LatencyVenue {
  public:
    AmmPoolVenue(const AmmVenueParams& params, std::uint64_t seed);

    /// A token market has no complete sets: always false.
    bool mint_sets(Shares sets, TimeMs now) override;
    bool burn_sets(Shares sets, TimeMs now) override;

    /// A taker order at exchange time `ts` outside the synthetic flow (scripted flows, tests): buys
    /// (or sells) `qty` tokens no worse than `limit_cents`, routed like the flow's orders. Fills of
    /// the market maker go out through drain_fills as usual.
    bool take(bool buy, double qty, double limit_cents, TimeMs ts) { return route(buy, qty, limit_cents / 100.0, ts); }

    [[nodiscard]] const VirtualAccount& account() const noexcept { return account_; }
    [[nodiscard]] const amm::fast::ConstantProductPool& pool() const noexcept { return pool_; }
    /// The token's hidden value in cents at the last arrival.
    [[nodiscard]] double hidden_value_cents() const noexcept { return 100.0 * flow_.probability(); }
    /// Tokens the takers bought from (+) / sold to (-) the market maker and the pool.
    [[nodiscard]] double taker_volume_mm() const noexcept { return volume_mm_; }
    [[nodiscard]] double taker_volume_pool() const noexcept { return volume_pool_; }

  private:
    struct Order {
        std::uint64_t client_id = 0;
        Side side = Side::buy;
        Cents price = 0;
        Shares remaining = 0;
        Money lock_per_share = 0;
        std::uint64_t seq = 0;
    };

    TimeMs next_event_time() override;
    bool apply_event() override;
    bool arrive_place(const Quote& q, TimeMs ts) override;
    bool arrive_cancel(std::uint64_t client_id, TimeMs ts) override;
    void snapshot(MarketView& view) override;

    /// A taker buying (`buy`) or selling `qty` tokens, no worse than `limit` dollars per token,
    /// split between the market maker's quotes and the pool, whichever is better at each step.
    /// Returns whether anything traded.
    bool route(bool buy, double qty, double limit, TimeMs ts);
    void arbitrage();
    void fill_maker(std::size_t k, Shares qty, TimeMs ts);
    [[nodiscard]] std::size_t best_quote(Side side) const noexcept;

    AmmVenueParams params_;
    amm::fast::ConstantProductPool pool_;
    FlowGenerator flow_;
    std::vector<Order> orders_;
    VirtualAccount account_;
    std::uint64_t seq_ = 0;
    TimeMs now_ = 0;
    std::optional<double> oracle_;
    TimeMs oracle_ts_ = 0;
    Cents last_trade_ = 0;
    double volume_mm_ = 0.0, volume_pool_ = 0.0;
    bool opened_ = false;
};

}  // namespace pftoken::integration::mm
