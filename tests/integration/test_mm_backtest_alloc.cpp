// The market maker's event loop does not allocate per event: global operator new is counted
// around backtests of 2^12 and 2^15 book changes, and the counts must be equal (what a run
// allocates is its set-up and its result, not its events).
//
// Counter: tests/support/allocation_counter.hpp; the test skips where it is not in use.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "pftoken/integration/mm/backtest.hpp"
#include "support/allocation_counter.hpp"

using namespace pftoken::integration::mm;

namespace {

/// Pre-built views (the book changes at every one); orders rest and never fill; cancels are
/// confirmed at the next drain. Nothing in it allocates after construction.
class Replay final : public Venue {
  public:
    explicit Replay(std::size_t n) : views_(n) {
        std::uint64_t s = 11;
        int mid = 50;
        for (std::size_t i = 0; i < n; ++i) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            const auto r = s >> 33;
            if (r % 8 == 0 && mid > 10) --mid;
            if (r % 8 == 1 && mid < 90) ++mid;
            auto& v = views_[i];
            v.ts = static_cast<TimeMs>(i) * 50;
            v.yes_bid = static_cast<Cents>(mid - 1);
            v.yes_ask = static_cast<Cents>(mid + 1);
            v.yes_bid_qty = 10 + static_cast<Shares>(r % 300);
            v.yes_ask_qty = 10 + static_cast<Shares>((r >> 9) % 300);
            v.last_trade = static_cast<Cents>(mid);
            v.oracle = mid + 0.25;
            v.oracle_ts = v.ts - v.ts % 5'000;
            v.winning_outcome = -1;
            v.hours_to_end = 240.0;
        }
    }
    bool next(MarketView& v) override {
        if (i_ == views_.size()) return false;
        v = views_[i_++];
        return true;
    }
    void place(const Quote&, TimeMs) override {}
    void cancel(std::uint64_t id, TimeMs) override {
        if (n_ < cancelled_.size()) cancelled_[n_++] = id;
    }
    std::span<const Fill> drain_fills() override { return {}; }
    std::span<const std::uint64_t> drain_rejects() override { return {}; }
    std::span<const std::uint64_t> drain_cancels() override {
        out_ = cancelled_;
        const std::size_t n = n_;
        n_ = 0;
        return {out_.data(), n};
    }
    bool mint_sets(Shares, TimeMs) override { return true; }
    bool burn_sets(Shares, TimeMs) override { return true; }

  private:
    std::vector<MarketView> views_;
    std::size_t i_ = 0;
    std::array<std::uint64_t, 8> cancelled_{}, out_{};
    std::size_t n_ = 0;
};

long allocations_of_a_run(std::size_t events) {
    Replay venue(events);
    BacktestOptions o;
    o.path_interval_ms = 0;
    o.reconcile_interval_ms = 1'000'000'000;
    const long before = pftoken::testing::allocations();
    const auto r = run_backtest(venue, StrategyConfig{}, o);
    const long after = pftoken::testing::allocations();
    EXPECT_EQ(r.summary.events, static_cast<std::int64_t>(events));
    EXPECT_GT(r.summary.orders_placed, static_cast<std::int64_t>(events) / 10);
    return after - before;
}

}  // namespace

TEST(MmBacktestAllocation, NoAllocationPerEvent) {
    if (!pftoken::testing::allocation_counting_works())
        GTEST_SKIP() << "another global operator new replaced ours; allocation not observable";
    const long small = allocations_of_a_run(1u << 12);
    const long large = allocations_of_a_run(1u << 15);
    EXPECT_GT(small, 0);  // the set-up and the result do allocate: the counter works
    EXPECT_EQ(small, large) << "a run of 8x the events allocated " << (large - small)
                            << " more times";
}
