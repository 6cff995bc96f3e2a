#pragma once
// Vocabulary of the market-making engine: whole-cent prices of a YES/NO market, integer shares,
// the quotes a strategy places and the fills and market views a venue returns.

#include <cstdint>
#include <optional>

namespace pftoken::integration::mm {

using Cents = std::int32_t;   ///< whole cents, 1..99 for YES/NO prices
using Money = std::int64_t;   ///< cents: cash and cost sums
using Shares = std::int64_t;
using TimeMs = std::int64_t;  ///< milliseconds on the venue's clock

enum class Outcome : std::uint8_t { yes, no };
enum class Side : std::uint8_t { buy, sell };
/// How a trade moved shares: a YES buyer and a NO buyer create a set (mint), existing shares change
/// hands (transfer_yes / transfer_no), a YES seller and a NO seller destroy a set (burn).
enum class Scenario : std::uint8_t { mint, transfer_yes, transfer_no, burn };

/// An order the strategy asks a venue to rest (limit order, good till cancelled).
struct Quote {
    std::uint64_t client_id;
    Outcome outcome;
    Side side;
    Cents price;
    Shares qty;
};

/// One execution of a resting or incoming order of the market maker (partial fills included).
struct Fill {
    TimeMs ts;
    std::uint64_t client_id;
    Outcome outcome;
    Side side;
    Cents price;
    Shares qty;
    Shares remaining;   ///< quantity of the order still open after this fill
    Money fee;          ///< cents charged (negative: a rebate)
    Scenario scenario;
};

struct BookLevel {
    Cents price;
    Shares qty;
};

/// What the strategy sees at one market event (YES side of the book; NO prices are the mirror:
/// NO bid = 100 - YES ask, NO ask = 100 - YES bid).
struct MarketView {
    TimeMs ts;
    Cents yes_bid, yes_ask;          ///< 0 / 100 when that side is empty
    Shares yes_bid_qty, yes_ask_qty;
    Cents last_trade;                ///< YES price of the last trade, 0 before the first
    std::optional<double> oracle;    ///< external YES probability anchor in cents, when any
    TimeMs oracle_ts;
    bool halted;
    bool resolved;
    int winning_outcome;             ///< 1 YES, 0 NO, -1 while unresolved
    double hours_to_end;
};

}  // namespace pftoken::integration::mm
