#pragma once
// One market the market maker trades on: an event stream of market views, order entry with
// latency, and the fills and rejects of the maker's own orders.

#include <cstdint>
#include <span>

#include "pftoken/integration/mm/types.hpp"

namespace pftoken::integration::mm {

class Venue {  // one market
public:
    virtual ~Venue() = default;
    /// Advance to the next market event and describe the market after it; false at the end.
    virtual bool next(MarketView& view) = 0;
    /// Submit a limit order at time `now`; it reaches the market after the order latency.
    virtual void place(const Quote& q, TimeMs now) = 0;
    /// Cancel an order by client id at `now` (after the order latency); unknown ids are ignored.
    virtual void cancel(std::uint64_t client_id, TimeMs now) = 0;
    /// Fills (partial ones too) since the last call; valid until the next call on the venue.
    virtual std::span<const Fill> drain_fills() = 0;
    /// Client ids of orders rejected since the last call; valid until the next call on the venue.
    virtual std::span<const std::uint64_t> drain_rejects() = 0;
    /// Client ids whose cancel took effect since the last call (the order is off the book, no fill
    /// follows; also orders the venue cancelled itself, e.g. at resolution). A cancel that arrives
    /// after the order filled completely reports nothing (the fill with remaining 0 closed it).
    /// Valid until the next call on the venue.
    virtual std::span<const std::uint64_t> drain_cancels() = 0;
    /// Mints `sets` complete sets (1 YES + 1 NO) for 100 cents each on the market maker's account
    /// (a split; cost 50 cents per leg), immediately in exchange terms. False when refused (cash
    /// short, market resolved, sets < 1).
    virtual bool mint_sets(Shares sets, TimeMs now) = 0;
    /// Burns `sets` complete sets back for 100 cents each (a merge). False when refused (free YES
    /// or NO shares short, market resolved, sets < 1).
    virtual bool burn_sets(Shares sets, TimeMs now) = 0;
};

}  // namespace pftoken::integration::mm
