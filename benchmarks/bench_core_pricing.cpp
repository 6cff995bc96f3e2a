// Plain-array pricing kernels on a 300-period (25 years monthly) grid: PV on a sampled curve
// with a z-spread, z-spread root finding, yield + durations, LLCR/PLCR, sculpting.

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "pftoken/pricing/cashflow_metrics.hpp"
#include "pftoken/pricing/coverage.hpp"
#include "pftoken/pricing/sizing.hpp"

namespace pp = pftoken::pricing;

namespace {

constexpr std::size_t kPeriods = 300;

struct Grid {
    std::vector<double> times, dfs, flows, cfads, accrual, rate, debt, out1, out2;
    Grid() {
        for (std::size_t k = 0; k < kPeriods; ++k) {
            const double t = static_cast<double>(k + 1) / 12.0;
            times.push_back(t);
            dfs.push_back(std::pow(1.04, -t));
            flows.push_back(k + 1 == kPeriods ? 1.0e6 + 5.0e3 : 5.0e3);
            cfads.push_back(1.0e6 * (1.0 + 0.2 * std::sin(static_cast<double>(k))));
            accrual.push_back(1.0 / 12.0);
            rate.push_back(0.06);
            debt.push_back(1.0e8 * (1.0 - static_cast<double>(k) / kPeriods));
        }
        out1.resize(kPeriods);
        out2.resize(kPeriods);
    }
};

void BM_PvWithZSpread(benchmark::State& state) {
    Grid g;
    for (auto _ : state) {
        pp::apply_z_spread(g.times, g.dfs, 0.015, g.out1);
        benchmark::DoNotOptimize(pp::pv_on_curve(g.flows, g.out1));
    }
}
BENCHMARK(BM_PvWithZSpread);

void BM_ZSpreadFromPrice(benchmark::State& state) {
    Grid g;
    const double price = 0.97 * pp::pv_on_curve(g.flows, g.dfs);
    for (auto _ : state) benchmark::DoNotOptimize(pp::z_spread(g.flows, g.times, g.dfs, price));
}
BENCHMARK(BM_ZSpreadFromPrice);

void BM_YieldAndDurations(benchmark::State& state) {
    Grid g;
    const pp::YieldConvention c{pp::Compounding::Compounded, 12};
    const double price = pp::pv_on_curve(g.flows, g.dfs);
    for (auto _ : state) {
        const double y = pp::yield_to_maturity(g.flows, g.times, price, c);
        benchmark::DoNotOptimize(pp::modified_duration(g.flows, g.times, y, c));
        benchmark::DoNotOptimize(pp::convexity(g.flows, g.times, y, c));
    }
}
BENCHMARK(BM_YieldAndDurations);

void BM_CoverageRatios(benchmark::State& state) {
    Grid g;
    const pp::CoverageInputs in{g.cfads, g.accrual, g.rate, g.debt};
    for (auto _ : state) {
        pp::coverage_ratios(in, g.out1, g.out2);
        benchmark::DoNotOptimize(g.out1.data());
    }
}
BENCHMARK(BM_CoverageRatios);

void BM_SculptAndSize(benchmark::State& state) {
    Grid g;
    pp::SizingOptions o;
    o.tenor_periods = 216;
    o.capex = 2.0e8;
    for (auto _ : state) benchmark::DoNotOptimize(pp::size_debt({g.cfads, g.accrual, g.rate}, o).size);
}
BENCHMARK(BM_SculptAndSize);

}  // namespace
