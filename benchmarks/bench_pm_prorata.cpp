// Pro-rata fills of one tick's pool of N resting orders on a 3-outcome LMSR exchange:
//  - Mint: N YES_0 bids at 0.30 rest; a NO_0 bid at 0.70 for N/2 mints complete sets against
//    them (cross-matching), filling every member pro rata (Members::All);
//  - NewLimitVsAmm: the same N bids rest from an earlier batch, the AMM price of YES_0 has fallen
//    below 0.30 (a market buy of YES_1), and one new bid at 0.30 fills against the AMM: only the
//    new member of the pool is eligible (Members::NewOnly).
// Each iteration times one batch on a copy of the prepared exchange. Results: benchmarks/README.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "pftoken/amm/pm/exchange.hpp"

namespace pm = pftoken::amm::pm;

namespace {

pm::Order limit(std::uint64_t id, std::uint32_t user, std::uint32_t outcome, pm::Token token, double size, double price) {
    pm::Order o;
    o.id = id;
    o.user = user;
    o.outcome = outcome;
    o.token = token;
    o.side = pm::Side::Buy;
    o.type = pm::OrderType::Limit;
    o.size = size;
    o.limit_price = price;
    o.ts_ms = static_cast<std::int64_t>(id);
    return o;
}

/// N bids of 1 YES_0 at 0.30 resting from batch 1 (user 0); with `amm_below`, a market buy of
/// 60 YES_1 in batch 2 moves the YES_0 price below 0.30.
pm::Exchange prepared(std::size_t n, bool amm_below) {
    pm::ExchangeParams params;
    params.outcomes = 3;
    params.subsidy = 100.0;
    params.auto_fill = false;
    pm::Exchange ex(params, std::vector<double>{1e9, 1e9});
    std::vector<pm::Order> bids;
    for (std::size_t k = 0; k < n; ++k) bids.push_back(limit(k + 1, 0, 0, pm::Token::Yes, 1.0, 0.30));
    pm::BatchOutput out;
    ex.apply_orders(bids, 1'000'000, out);
    if (amm_below) {
        pm::Order m;
        m.id = n + 1;
        m.user = 1;
        m.outcome = 1;
        m.side = pm::Side::Buy;
        m.type = pm::OrderType::Market;
        m.size = 60.0;
        m.max_slippage = 10.0;
        m.ts_ms = 2'000'000;
        ex.apply_orders(std::vector<pm::Order>{m}, 2'000'000, out);
    }
    return ex;
}

void run(benchmark::State& state, bool amm_below) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const pm::Exchange base = prepared(n, amm_below);
    const std::vector<pm::Order> batch{amm_below ? limit(n + 2, 1, 0, pm::Token::Yes, 1.0, 0.30)
                                                 : limit(n + 2, 1, 0, pm::Token::No, 0.5 * static_cast<double>(n), 0.70)};
    pm::BatchOutput out;
    out.fills.reserve(2 * n + 16);
    std::size_t fills = 0;
    std::unique_ptr<pm::Exchange> ex;  // heap-held: GCC 12 warns maybe-uninitialized on an optional
    for (auto _ : state) {
        state.PauseTiming();  // the copy and the previous copy's destruction are not timed
        ex.reset();
        ex = std::make_unique<pm::Exchange>(base);
        out.clear();
        state.ResumeTiming();
        ex->apply_orders(batch, 3'000'000, out);
        benchmark::DoNotOptimize(out.volume);
        fills = out.fills.size();
    }
    state.counters["fills"] = static_cast<double>(fills);
}

void BM_ProRata_Mint(benchmark::State& state) { run(state, false); }
void BM_ProRata_NewLimitVsAmm(benchmark::State& state) { run(state, true); }
BENCHMARK(BM_ProRata_Mint)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ProRata_NewLimitVsAmm)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
