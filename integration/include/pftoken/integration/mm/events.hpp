#pragma once
// Recorded market events of one YES/NO market read from CSV (docs/order-book.md, "Events CSV"):
// incremental L2 book levels, trades, oracle readings, halts and the resolution, in the style of
// common incremental-L2 + trades exports. Every row is normalised to YES terms (a NO bid at q is a
// YES ask at 100 - q) and keeps its file line for messages.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "pftoken/integration/mm/types.hpp"

namespace pftoken::integration::mm {

struct MarketEvent {
    enum class Kind : std::uint8_t { book, trade, oracle, resolve, halt };
    Kind kind = Kind::book;
    TimeMs ts = 0;
    /// book: true for the YES-terms bid side. trade: true when the aggressor bought in YES terms
    /// (a YES buy or a NO sell, lifting YES asks).
    bool bid_or_buy = true;
    Cents yes_price = 0;      ///< book / trade level in YES terms
    Shares qty = 0;           ///< book: the level's new total (0 removes it); trade: size; halt: 1 halt, 0 resume
    double oracle_cents = 0.0;  ///< oracle: the YES probability in cents
    int winner = -1;          ///< resolve: 1 YES, 0 NO
    int line = 0;             ///< line in the file
};

struct EventLog {
    std::string source;
    std::vector<MarketEvent> events;
};

/// The header every events file starts with.
inline constexpr std::string_view kEventsHeader = "ts_ms,kind,outcome,side,price,qty";

/// Parses an events CSV (base/csv.hpp). Throws InputError at file:line:col naming the column and
/// the violated constraint (unknown kind, side not valid for the kind, price outside 1..99, a field
/// that must be empty, time going backwards, no events, rows after the resolution).
[[nodiscard]] EventLog parse_events(std::string_view text, std::string source);
[[nodiscard]] EventLog read_events(const std::filesystem::path& path);

}  // namespace pftoken::integration::mm
