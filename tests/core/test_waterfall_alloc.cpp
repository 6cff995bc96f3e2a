// The kernel's period loop does not allocate: global operator new is counted around a run.
//
// Counter: tests/support/allocation_counter.hpp; the test skips where it is not in use.

#include <gtest/gtest.h>

#include <random>

#include "pftoken/waterfall/kernel.hpp"
#include "support/allocation_counter.hpp"
#include "test_waterfall_fixtures.hpp"

using namespace pftoken;

TEST(WaterfallAllocation, KernelRunDoesNotAllocate) {
    if (!pftoken::testing::allocation_counting_works())
        GTEST_SKIP() << "another global operator new replaced ours; allocation not observable";

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

    const long before = pftoken::testing::allocations();
    run_waterfall(cp, d, ws, WaterfallOutput::Lean);  // the Monte Carlo path mode
    run_waterfall(cp, PeriodDrivers{}, ws);
    run_waterfall(cp, d, ws);  // last: its event log is checked below
    const long after = pftoken::testing::allocations();
    EXPECT_EQ(after - before, 0) << "allocations inside run_waterfall";
    EXPECT_GT(ws.results.event_count, 0);
}
