// The kernel's period loop does not allocate: global operator new is counted around a run.
//
// The replacement operators are weak so that another test file may define its own; if theirs
// wins, the counter does not move and the test skips (checked with a probe allocation).

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>

#include "pftoken/waterfall/kernel.hpp"
#include "test_waterfall_fixtures.hpp"

namespace {
std::atomic<long> g_kernel_test_allocations{0};
}

// AddressSanitizer replaces operator new itself (and flags malloc/delete mixing), so the counting
// operators are only installed in non-sanitized builds; there the test skips.
#if !defined(__SANITIZE_ADDRESS__)
__attribute__((weak)) void* operator new(std::size_t size) {
    g_kernel_test_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
__attribute__((weak)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((weak)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

using namespace pftoken;

TEST(WaterfallAllocation, KernelRunDoesNotAllocate) {
    const long before_probe = g_kernel_test_allocations.load();
    auto* probe = new int(1);
    const bool counting = g_kernel_test_allocations.load() > before_probe;
    delete probe;
    if (!counting) GTEST_SKIP() << "another global operator new replaced ours; allocation not observable";

    Project p = kernel_testing::constant_cfads_project(100'000.0, 25);
    p.timeline.construction_months = 12;
    p.tranches.push_back(kernel_testing::fixed_tranche("a", 4'000'000.0, 0.05, Amortisation::Annuity, 18, 1));
    p.tranches.push_back(kernel_testing::fixed_tranche("b", 1'000'000.0, 0.06, Amortisation::LevelPrincipal, 15, 1));
    Tranche c = kernel_testing::fixed_tranche("c", 1'000'000.0, 0.09, Amortisation::Bullet, 20, 2);
    c.deferrable_interest = true;
    p.tranches.push_back(c);
    p.dsra.enabled = true;
    p.mra.enabled = true;
    p.mra.target = 50'000.0;
    p.mra.contribution_per_year = 30'000.0;
    p.opex.maintenance_capex_per_year = 20'000.0;
    p.covenants.min_llcr = 1.1;
    p.covenants.sweep.enabled = true;
    p.covenants.sweep.tranche = "a";
    const CompiledProject cp = compile(p);
    WaterfallWorkspace ws(cp);
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(0.3, 1.5);
    std::vector<double> volume(static_cast<std::size_t>(cp.periods));
    for (double& v : volume) v = u(rng);  // dips: reserve draws, lock-ups, sweeps, deferrals
    PeriodDrivers d;
    d.volume_multiplier = volume;
    run_waterfall(cp, d, ws);  // warm-up

    const long before = g_kernel_test_allocations.load();
    run_waterfall(cp, d, ws, WaterfallOutput::Lean);  // the Monte Carlo path mode
    run_waterfall(cp, PeriodDrivers{}, ws);
    run_waterfall(cp, d, ws);  // last: its event log is checked below
    const long after = g_kernel_test_allocations.load();
    EXPECT_EQ(after - before, 0) << "allocations inside run_waterfall";
    EXPECT_GT(ws.results.event_count, 0);
}
