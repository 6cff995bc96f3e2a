// Monte Carlo speed on the solar example (315 periods: 15 construction months + 300 monthly
// operating periods, three tranches, DSRA, covenants) with four correlated factors: merchant
// price (log-OU), volume (P90), opex inflation (GBM) and Hull-White rates.
//
// BM_McFullPaths          whole engine, both cores: paths/s through factor paths + waterfall + stats
// BM_McSolarExampleSpec   the same with the example file's stochastic section (what `pftoken mc`
//                         runs: four correlated factors plus availability outages)
// BM_FactorPathsOnly      our random numbers + factor paths only (one thread)
// BM_WaterfallOnly        the kernel on one fixed factor path (one thread), full output
// BM_WaterfallOnlyLean    the same in the lean output mode the Monte Carlo engine uses
// BM_QuantLibMultiPath    QuantLib's MultiPathGenerator (StochasticProcessArray of the same four
//                         processes, same correlation, same time grid, Mersenne Twister +
//                         inverse-cumulative normal) producing the factor paths only (one thread)
// Set PFTOKEN_MC_MEMORY_PATHS=N to run one N-path job and exit (peak memory under /usr/bin/time -v).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include <ql/math/matrix.hpp>
#include <ql/math/randomnumbers/rngtraits.hpp>
#include <ql/methods/montecarlo/multipathgenerator.hpp>
#include <ql/processes/geometricbrownianprocess.hpp>
#include <ql/processes/hullwhiteprocess.hpp>
#include <ql/processes/ornsteinuhlenbeckprocess.hpp>
#include <ql/processes/stochasticprocessarray.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>

#include "pftoken/mc/project_mc.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/pricing/curves.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/kernel.hpp"

using namespace pftoken;
using namespace pftoken::mc;

namespace {

const std::string kSolar = std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/solar.yaml";

StochasticSpec four_factors() {
    StochasticSpec s;
    s.merchant_price.enabled = true;
    s.merchant_price.model = MerchantPriceFactor::Model::OrnsteinUhlenbeck;
    s.merchant_price.speed = 0.5;
    s.merchant_price.long_run_level = 1.0;
    s.merchant_price.volatility = 0.25;
    s.volume.enabled = true;
    s.volume.p90_over_p50 = 0.92;
    s.opex_inflation.enabled = true;
    s.opex_inflation.volatility = 0.015;
    s.interest_rate.enabled = true;
    s.interest_rate.speed = 0.1;
    s.interest_rate.volatility = 0.01;
    s.correlation_factors = {"merchant_price", "volume", "opex_inflation", "interest_rate"};
    s.correlation = {{1.0, -0.2, 0.3, 0.2}, {-0.2, 1.0, 0.0, 0.0}, {0.3, 0.0, 1.0, 0.1}, {0.2, 0.0, 0.1, 1.0}};
    return s;
}

void BM_McFullPaths(benchmark::State& state) {
    const Project project = load_project(kSolar);
    ProjectMcOptions opt;
    opt.mc.paths = static_cast<std::uint64_t>(state.range(0));
    opt.mc.threads = static_cast<int>(state.range(1));
    opt.equity_irr = state.range(2) != 0;
    double seconds = 0.0;
    std::uint64_t paths = 0;
    for (auto _ : state) {
        const auto s = run_project_mc(project, four_factors(), opt);
        seconds += s.seconds;
        paths += s.paths;
        benchmark::DoNotOptimize(s.tranches[0].pv.estimate.mean);
    }
    // Paths per second of the path loop itself (setup: compile + curve, excluded).
    state.counters["paths_per_s"] = static_cast<double>(paths) / seconds;
    state.SetItemsProcessed(static_cast<std::int64_t>(paths));
}
BENCHMARK(BM_McFullPaths)->Args({20000, 2, 1})->Args({20000, 2, 0})->Args({10000, 1, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

// What `pftoken mc data/examples/solar.yaml` runs: the example's own stochastic section, which
// adds uncorrelated availability outages as a fifth Gaussian factor (315 more normals per path).
void BM_McSolarExampleSpec(benchmark::State& state) {
    const Project project = load_project(kSolar);
    const StochasticSpec spec = load_stochastic(kSolar);
    ProjectMcOptions opt;
    opt.mc.paths = static_cast<std::uint64_t>(state.range(0));
    opt.mc.threads = static_cast<int>(state.range(1));
    double seconds = 0.0;
    std::uint64_t paths = 0;
    for (auto _ : state) {
        const auto s = run_project_mc(project, spec, opt);
        seconds += s.seconds;
        paths += s.paths;
        benchmark::DoNotOptimize(s.tranches[0].pv.estimate.mean);
    }
    state.counters["paths_per_s"] = static_cast<double>(paths) / seconds;
    state.SetItemsProcessed(static_cast<std::int64_t>(paths));
}
BENCHMARK(BM_McSolarExampleSpec)->Args({20000, 2})->Args({10000, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

struct Fixture {
    Project project = load_project(kSolar);
    CompiledProject compiled = compile(project);
    std::unique_ptr<FactorModel> model;
    Fixture() {
        FactorGrid g;
        g.period_end_time = compiled.grid.time_from_close;
        g.operating = compiled.grid.operating;
        g.periods_per_year = compiled.grid.periods_per_year;
        const auto curve = pricing::build_curve(project.market.discount, pricing::to_ql_date(compiled.grid.financial_close),
                                                project.timeline.day_count);
        model = std::make_unique<FactorModel>(four_factors(), std::move(g), SamplingOptions{}, curve);
    }
};

void BM_FactorPathsOnly(benchmark::State& state) {
    const Fixture f;
    PathWorkspace ws = f.model->make_workspace();
    std::uint64_t p = 0;
    for (auto _ : state) {
        f.model->generate(p++, ws);
        benchmark::DoNotOptimize(ws.price_multiplier.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FactorPathsOnly)->Unit(benchmark::kMicrosecond);

void waterfall_on_path(benchmark::State& state, WaterfallOutput output) {
    const Fixture f;
    PathWorkspace ws = f.model->make_workspace();
    f.model->generate(1, ws);
    WaterfallWorkspace w(f.compiled);
    const PeriodDrivers d = ws.drivers();
    for (auto _ : state) {
        run_waterfall(f.compiled, d, w, output);
        benchmark::DoNotOptimize(w.results.cfads.data());
    }
    state.SetItemsProcessed(state.iterations());
}
void BM_WaterfallOnly(benchmark::State& state) { waterfall_on_path(state, WaterfallOutput::Full); }
BENCHMARK(BM_WaterfallOnly)->Unit(benchmark::kMicrosecond);
void BM_WaterfallOnlyLean(benchmark::State& state) { waterfall_on_path(state, WaterfallOutput::Lean); }
BENCHMARK(BM_WaterfallOnlyLean)->Unit(benchmark::kMicrosecond);

// QuantLib's own path generation for the same four factors on the same grid: log price as an
// OrnsteinUhlenbeckProcess, volume and opex as GeometricBrownianMotionProcess (volume shocks are
// the normalised increments), HullWhiteProcess on a flat curve; one StochasticProcessArray with
// the same correlation.
void BM_QuantLibMultiPath(benchmark::State& state) {
    using namespace QuantLib;
    const Fixture f;
    const auto& times = f.compiled.grid.time_from_close;
    const std::vector<Time> grid_times(times.begin(), times.end());
    const TimeGrid grid(grid_times.begin(), grid_times.end());
    const Handle<YieldTermStructure> curve(
        ext::make_shared<FlatForward>(Date(15, January, 2025), 0.04, Actual365Fixed()));
    std::vector<ext::shared_ptr<StochasticProcess1D>> processes = {
        ext::make_shared<OrnsteinUhlenbeckProcess>(0.5, 0.25, 0.0, 0.0),
        ext::make_shared<GeometricBrownianMotionProcess>(1.0, 0.0, 0.065),
        ext::make_shared<GeometricBrownianMotionProcess>(1.0, 0.0, 0.015),
        ext::make_shared<HullWhiteProcess>(curve, 0.1, 0.01)};
    Matrix rho(4, 4);
    const double c[4][4] = {{1.0, -0.2, 0.3, 0.2}, {-0.2, 1.0, 0.0, 0.0}, {0.3, 0.0, 1.0, 0.1}, {0.2, 0.0, 0.1, 1.0}};
    for (Size i = 0; i < 4; ++i)
        for (Size j = 0; j < 4; ++j) rho[i][j] = c[i][j];
    const auto array = ext::make_shared<StochasticProcessArray>(processes, rho);
    using Rsg = PseudoRandom::rsg_type;
    const Rsg rsg = PseudoRandom::make_sequence_generator(4 * (grid.size() - 1), 42);
    MultiPathGenerator<Rsg> generator(array, grid, rsg, false);
    for (auto _ : state) {
        const auto& sample = generator.next();
        benchmark::DoNotOptimize(sample.value[0][1]);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QuantLibMultiPath)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
    if (const char* n = std::getenv("PFTOKEN_MC_MEMORY_PATHS")) {
        ProjectMcOptions opt;
        opt.mc.paths = std::strtoull(n, nullptr, 10);
        opt.equity_irr = true;
        const auto s = run_project_mc(load_project(kSolar), four_factors(), opt);
        std::cout << s.brief_report() << s.paths_per_second() << " paths/s\n";
        return 0;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
