// The events CSV reader (docs/order-book.md, "Events CSV").
#include "pftoken/integration/mm/events.hpp"

#include <charconv>
#include <cmath>
#include <utility>

#include "pftoken/base/csv.hpp"
#include "pftoken/error.hpp"

namespace pftoken::integration::mm {

namespace {
enum Column : std::size_t { kTs = 0, kKind, kOutcome, kSide, kPrice, kQty };

std::int64_t whole(const csv::File& f, std::size_t r, std::size_t c, std::int64_t lo, std::int64_t hi) {
    const std::string& text = f.cell(r, c).text;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        throw f.error(r, c, "must be a whole number, got '" + text + "'");
    if (value < lo || value > hi)
        throw f.error(r, c, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + text);
    return value;
}

void require_empty(const csv::File& f, std::size_t r, std::size_t c, const std::string& kind) {
    if (!f.cell(r, c).text.empty())
        throw f.error(r, c, "must be empty for kind " + kind + ", got '" + f.cell(r, c).text + "'");
}

Outcome outcome_of(const csv::File& f, std::size_t r) {
    const std::string& t = f.cell(r, kOutcome).text;
    if (t == "yes") return Outcome::yes;
    if (t == "no") return Outcome::no;
    throw f.error(r, kOutcome, "must be yes or no, got '" + t + "'");
}

EventLog from_csv(const csv::File& f) {
    f.require_header({"ts_ms", "kind", "outcome", "side", "price", "qty"});
    if (f.row_count() == 0) throw InputError(SourceLocation{f.source(), 1, 1}, "events", "must hold at least one row");
    EventLog log;
    log.source = f.source();
    log.events.reserve(f.row_count());
    TimeMs previous = 0;
    bool resolved = false;
    for (std::size_t r = 0; r < f.row_count(); ++r) {
        MarketEvent e;
        e.line = f.cell(r, kTs).line;
        e.ts = whole(f, r, kTs, 0, std::int64_t{1} << 52);
        if (e.ts < previous)
            throw f.error(r, kTs, "must not go backwards, got " + std::to_string(e.ts) + " after " + std::to_string(previous));
        if (resolved) throw f.error(r, kKind, "no event may follow the resolution");
        previous = e.ts;
        const std::string& kind = f.cell(r, kKind).text;
        if (kind == "book" || kind == "trade") {
            const Outcome o = outcome_of(f, r);
            const std::string& side = f.cell(r, kSide).text;
            const bool is_book = kind == "book";
            const char* first = is_book ? "bid" : "buy";
            const char* second = is_book ? "ask" : "sell";
            if (side != first && side != second)
                throw f.error(r, kSide, std::string("must be ") + first + " or " + second + " for kind " + kind + ", got '" + side + "'");
            const auto price = static_cast<Cents>(whole(f, r, kPrice, 1, 99));
            e.kind = is_book ? MarketEvent::Kind::book : MarketEvent::Kind::trade;
            // NO terms mirror into YES terms: price -> 100 - price, bid <-> ask, buy <-> sell.
            const bool first_side = side == first;
            e.bid_or_buy = o == Outcome::yes ? first_side : !first_side;
            e.yes_price = o == Outcome::yes ? price : 100 - price;
            e.qty = whole(f, r, kQty, is_book ? 0 : 1, 1'000'000'000);
        } else if (kind == "oracle") {
            require_empty(f, r, kOutcome, kind);
            require_empty(f, r, kSide, kind);
            require_empty(f, r, kQty, kind);
            e.kind = MarketEvent::Kind::oracle;
            e.oracle_cents = f.real_in(r, kPrice, 0.0, 100.0);
        } else if (kind == "resolve") {
            e.kind = MarketEvent::Kind::resolve;
            e.winner = outcome_of(f, r) == Outcome::yes ? 1 : 0;
            require_empty(f, r, kSide, kind);
            require_empty(f, r, kPrice, kind);
            require_empty(f, r, kQty, kind);
            resolved = true;
        } else if (kind == "halt") {
            require_empty(f, r, kOutcome, kind);
            require_empty(f, r, kSide, kind);
            require_empty(f, r, kPrice, kind);
            e.kind = MarketEvent::Kind::halt;
            e.qty = whole(f, r, kQty, 0, 1);
        } else {
            throw f.error(r, kKind, "must be one of book, trade, oracle, resolve, halt, got '" + kind + "'");
        }
        log.events.push_back(e);
    }
    return log;
}
}  // namespace

EventLog parse_events(std::string_view text, std::string source) {
    return from_csv(csv::File::parse(text, std::move(source)));
}

EventLog read_events(const std::filesystem::path& path) { return from_csv(csv::File::read(path)); }

}  // namespace pftoken::integration::mm
