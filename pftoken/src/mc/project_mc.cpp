// Monte Carlo over the full waterfall: setup (compile, curve sampling), the per-path evaluator,
// statistics per token class, per-period covenant tallies and CRN sensitivities.
#include "pftoken/mc/project_mc.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <sstream>

#include "pftoken/base/root.hpp"
#include "pftoken/error.hpp"
#include "pftoken/pricing/curves.hpp"
#include "pftoken/valuation/measure.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/kernel.hpp"
#include "debt_setup.hpp"

namespace pftoken::mc {
namespace {

constexpr int kHistBins = 1000;          // [0, 5) in steps of 0.005
constexpr double kHistWidth = 0.005;
constexpr std::size_t kTrancheScalars = 8;
enum TrancheScalar : std::size_t {
    kPv = 0,
    kPvCs = 1,
    kPvRiskFree = 2,
    kPayDefault = 3,
    kPrincipalLoss = 4,
    kLossFraction = 5,
    kDeferral = 6,
    kEventOfDefault = 7
};

/// Everything fixed for a run: compiled project, its discount grid, the factor model.
struct Setup {
    CompiledProject project;
    MeasureGrid grid;  // debt at COD on the COD curve, equity at close (as pftoken::value())
    std::unique_ptr<FactorModel> model;
    bool pathwise = false;
    double base_irr_guess = 0.1;
    PathOverlay overlay;  // deterministic shocks on every path (the stochastic stress)
};

struct Bumps {
    double price = 1.0, volume = 1.0, opex = 1.0;
};

Setup make_setup(const Project& project, const StochasticSpec& spec, const ProjectMcOptions& options) {
    Setup s;
    s.project = compile(project);
    s.overlay = options.overlay;
    const PathOverlay& o = options.overlay;
    const auto n = static_cast<std::size_t>(s.project.periods);
    const auto nk = static_cast<std::size_t>(s.project.tranche_count);
    auto check = [](std::span<const double> v, std::size_t size, const char* field) {
        PFT_REQUIRE(v.empty() || v.size() == size,
                    "overlay." << field << ": must hold " << size << " values, got " << v.size());
    };
    check(o.drivers.price_multiplier, n, "price_multiplier");
    check(o.drivers.volume_multiplier, n, "volume_multiplier");
    check(o.drivers.availability_loss, n, "availability_loss");
    check(o.drivers.opex_multiplier, n, "opex_multiplier");
    check(o.drivers.index_shift, n, "index_shift");
    check(o.contracted_revenue, n, "contracted_revenue");
    check(o.tranche_discount, n * nk, "tranche_discount");
    PFT_REQUIRE(o.drivers.index_level.empty(), "overlay.index_level: not supported (paths set the index level)");
    // Contracted revenue is part of the compiled project: scaled once here, not per path.
    if (!o.contracted_revenue.empty())
        for (std::size_t t = 0; t < s.project.contracted_revenue.size(); ++t)
            s.project.contracted_revenue[t] *= o.contracted_revenue[t];
    s.grid = make_measure_grid(project, s.project);
    s.model = detail::make_factor_model(project, s.project, spec, options.mc.sampling());
    s.pathwise = spec.interest_rate.enabled && spec.interest_rate.pathwise_discounting;
    return s;
}

class ProjectState : public EvaluatorState {
  public:
    explicit ProjectState(const Setup& s) : workspace(s.project) {
        const auto n = static_cast<std::size_t>(s.project.periods);
        price.resize(n);
        volume.resize(n);
        opex.resize(n);
        availability.resize(n);
        index_shift.resize(n);
        path_discount.assign(n, 1.0);
        tranche_adjust.resize(n * static_cast<std::size_t>(s.project.tranche_count));
        prices.resize(s.project);
        hist.assign(n * (kHistBins + 1), 0);
        below_lockup.assign(n, 0);
        below_default.assign(n, 0);
        dsra_drawn.assign(n, 0);
        lockup.assign(n, 0);
        defined.assign(n, 0);
    }
    WaterfallWorkspace workspace;
    std::vector<double> price, volume, opex;  // bumped drivers
    std::vector<double> availability, index_shift;  // path drivers with the overlay's
    std::vector<double> path_discount;        // pathwise discount relative to COD, per period
    std::vector<double> tranche_adjust;       // overlay discount x path discount, [k * n + t]
    Measure prices;
    // Integer tallies: order-independent, so merging thread states is deterministic.
    std::vector<std::uint32_t> hist;           // [t * (bins + 1) + bin]; last bin = overflow
    std::vector<std::uint64_t> below_lockup, below_default, dsra_drawn, lockup, defined;
};

class ProjectEvaluator : public PathEvaluator {
  public:
    ProjectEvaluator(const Setup& s, Bumps bumps, bool irr, bool tallies)
        : s_(s), bumps_(bumps), irr_(irr), tallies_(tallies) {}
    [[nodiscard]] std::size_t scalar_count() const override {
        return kTrancheScalars * static_cast<std::size_t>(s_.project.tranche_count) + 3;
    }
    [[nodiscard]] std::unique_ptr<EvaluatorState> make_state() const override {
        return std::make_unique<ProjectState>(s_);
    }
    void evaluate(std::uint64_t, const PathWorkspace& f, EvaluatorState& base,
                  std::span<double> out) const override {
        auto& st = static_cast<ProjectState&>(base);
        const CompiledProject& cp = s_.project;
        const auto n = static_cast<std::size_t>(cp.periods);
        PeriodDrivers d = f.drivers();
        const PeriodDrivers& ov = s_.overlay.drivers;
        // Path x overlay x bump; the path's own span when neither applies.
        auto bump = [n](std::span<const double> src, std::span<const double> over, double factor,
                        std::vector<double>& dst) {
            if (factor == 1.0 && over.empty()) return src;
            for (std::size_t t = 0; t < n; ++t)
                dst[t] = (src.empty() ? 1.0 : src[t]) * (over.empty() ? 1.0 : over[t]) * factor;
            return std::span<const double>(dst);
        };
        d.price_multiplier = bump(d.price_multiplier, ov.price_multiplier, bumps_.price, st.price);
        d.volume_multiplier = bump(d.volume_multiplier, ov.volume_multiplier, bumps_.volume, st.volume);
        d.opex_multiplier = bump(d.opex_multiplier, ov.opex_multiplier, bumps_.opex, st.opex);
        if (!ov.availability_loss.empty()) {
            for (std::size_t t = 0; t < n; ++t)
                st.availability[t] = 1.0 - (1.0 - (d.availability_loss.empty() ? 0.0 : d.availability_loss[t])) *
                                               (1.0 - ov.availability_loss[t]);
            d.availability_loss = st.availability;
        }
        if (!ov.index_shift.empty()) {
            for (std::size_t t = 0; t < n; ++t)
                st.index_shift[t] = (d.index_shift.empty() ? 0.0 : d.index_shift[t]) + ov.index_shift[t];
            d.index_shift = st.index_shift;
        }
        if (ov.capex_overrun != 0.0) d.capex_overrun = (1.0 + d.capex_overrun) * (1.0 + ov.capex_overrun) - 1.0;
        d.delay_periods += ov.delay_periods;
        run_waterfall(cp, d, st.workspace, WaterfallOutput::Lean);
        const WaterfallResults& r = st.workspace.results;
        // Path discount relative to the debt valuation date (the end of the last period paid on or
        // before it; COD by default), once per path for all tranches.
        MeasureOptions mo;
        mo.spread_bumped = mo.risk_free = true;
        mo.irr = irr_;
        mo.irr_guess = s_.base_irr_guess;
        if (s_.pathwise) {
            const double* const ratio = f.discount_ratio.data();
            const auto c = static_cast<std::size_t>(s_.grid.first_remaining);
            const double ratio_at_cod = c > 0 ? ratio[c - 1] : 1.0;
            for (std::size_t t = c; t < n; ++t) st.path_discount[t] = ratio[t] / ratio_at_cod;
            mo.adjust = st.path_discount;
        }
        if (const auto over = s_.overlay.tranche_discount; !over.empty()) {
            if (s_.pathwise) {
                for (std::size_t i = 0; i < over.size(); ++i) st.tranche_adjust[i] = over[i] * st.path_discount[i % n];
                mo.adjust = st.tranche_adjust;
            } else {
                mo.adjust = over;
            }
            mo.per_tranche = true;
        }
        measure(cp, s_.grid, r, mo, st.prices);
        for (int k = 0; k < cp.tranche_count; ++k) {
            const CompiledTranche& tr = cp.tranches[static_cast<std::size_t>(k)];
            const TrancheMeasure& m = st.prices.tranches[static_cast<std::size_t>(k)];
            const double tol = 1e-9 * std::max(1.0, tr.principal);
            double* o = &out[static_cast<std::size_t>(k) * kTrancheScalars];
            o[kPv] = m.pv;
            o[kPvCs] = m.pv_spread_bumped;
            o[kPvRiskFree] = m.pv_risk_free;
            o[kPayDefault] = m.missed_payment ? 1.0 : 0.0;
            o[kPrincipalLoss] = m.final_balance > tol ? 1.0 : 0.0;
            o[kLossFraction] = tr.principal > 0 ? m.loss / tr.principal : 0.0;
            // A missed payment of a deferrable tranche is a deferral (the kernel capitalises or
            // carries it); of any other tranche a payment default.
            o[kDeferral] = tr.deferrable && m.missed_payment ? 1.0 : 0.0;
            // Event of default while the tranche is outstanding: the period's flag (payment
            // default or DSCR below the default level) with a balance open at its start.
            bool eod = false;
            const auto first = static_cast<std::size_t>(s_.grid.first_remaining);
            const double* const bal = r.tranche_balance.data() + cp.at(k, 0);
            for (std::size_t t = first; t < n; ++t) {
                const double opening = t == 0 ? tr.principal : bal[t - 1];
                if (r.event_of_default[t] != 0 && opening > tol) eod = true;
            }
            o[kEventOfDefault] = eod ? 1.0 : 0.0;
        }
        const std::size_t e = kTrancheScalars * static_cast<std::size_t>(cp.tranche_count);
        out[e] = st.prices.equity_npv;
        out[e + 1] = st.prices.equity_irr;
        out[e + 2] = st.prices.equity_receipts;

        if (!tallies_) return;
        const double lock = cp.covenants.lockup_dscr, dflt = cp.covenants.default_dscr;
        // Thresholds apply to the ratio the covenants test (LTM when use_historic_dscr).
        const double* const dscr = r.dscr.data();
        const double* const tested = (cp.covenants.use_ltm ? r.ltm_dscr : r.dscr).data();
        const auto* const drawn = r.dsra_drawn.data();
        const auto* const locked = r.lockup.data();
        std::uint32_t* const hist = st.hist.data();
        std::uint64_t* const below_lockup = st.below_lockup.data();
        std::uint64_t* const below_default = st.below_default.data();
        std::uint64_t* const defined = st.defined.data();
        std::uint64_t* const dsra_drawn = st.dsra_drawn.data();
        std::uint64_t* const lockup = st.lockup.data();
        for (std::size_t t = 0; t < n; ++t) {
            const double x = dscr[t];
            const double y = tested[t];
            // isfinite(y) && y < level without branches: NaN compares false, +inf is never
            // below a level, so only -inf needs the second comparison.
            const bool finite_low = y > -HUGE_VAL;
            below_lockup[t] += static_cast<unsigned>(finite_low & (y < lock));
            below_default[t] += static_cast<unsigned>(finite_low & (y < dflt));
            if (std::isfinite(x)) {
                ++defined[t];
                const double pos = std::clamp(x / kHistWidth, 0.0, static_cast<double>(kHistBins));
                ++hist[t * (kHistBins + 1) + static_cast<std::size_t>(pos)];
            }
            dsra_drawn[t] += static_cast<unsigned>(drawn[t] != 0);
            lockup[t] += static_cast<unsigned>(locked[t] != 0);
        }
    }
    void merge(EvaluatorState& into_base, const EvaluatorState& from_base) const override {
        auto& into = static_cast<ProjectState&>(into_base);
        const auto& from = static_cast<const ProjectState&>(from_base);
        for (std::size_t i = 0; i < into.hist.size(); ++i) into.hist[i] += from.hist[i];
        for (std::size_t t = 0; t < into.defined.size(); ++t) {
            into.below_lockup[t] += from.below_lockup[t];
            into.below_default[t] += from.below_default[t];
            into.dsra_drawn[t] += from.dsra_drawn[t];
            into.lockup[t] += from.lockup[t];
            into.defined[t] += from.defined[t];
        }
    }

  private:
    const Setup& s_;
    Bumps bumps_;
    bool irr_, tallies_;
};

double hist_quantile(const std::uint32_t* h, std::uint64_t total, double level) {
    if (total == 0) return kNaN;
    const double target = level * static_cast<double>(total);
    double cum = 0.0;
    for (int b = 0; b <= kHistBins; ++b) {
        const double c = h[b];
        if (cum + c >= target && c > 0) {
            const double frac = std::clamp((target - cum) / c, 0.0, 1.0);
            return (b + (b == kHistBins ? 0.0 : frac)) * kHistWidth;
        }
        cum += c;
    }
    return kHistBins * kHistWidth;
}

double mean_of(const PathRun& run, std::size_t j) {
    double s = 0.0;
    for (std::uint64_t p = 0; p < run.paths; ++p) s += run.at(p, j);
    return run.paths ? s / static_cast<double>(run.paths) : kNaN;
}

// Per-token figures divide by the supply (as pftoken::value does, so zero-vol results match
// bit for bit); NaN without a positive supply.
Estimate per_token(Estimate e, double supply) {
    const double s = supply > 0 ? supply : kNaN;
    e.mean /= s;
    e.standard_error /= s;
    e.ci_low /= s;
    e.ci_high /= s;
    return e;
}

Distribution per_token(Distribution d, double supply) {
    const double s = supply > 0 ? supply : kNaN;
    d.estimate = per_token(d.estimate, supply);
    d.stdev /= s;
    for (double& p : d.percentiles) p /= s;
    d.var95 /= s;
    d.var99 /= s;
    d.cvar95 /= s;
    d.cvar99 /= s;
    return d;
}

Project bump_curves(Project p, double bp) {
    auto bump = [bp](CurveSpec& c) {
        if (c.kind == CurveSpec::Kind::Flat) {
            c.flat_rate += bp;
            return;
        }
        if (c.pillars.empty() && !c.csv_path.empty()) {
            c.pillars = pricing::read_pillar_csv(c.csv_path);
            c.csv_path.clear();
        }
        for (auto& pillar : c.pillars) pillar.second += bp;
    };
    bump(p.market.discount);
    for (auto& f : p.market.forwards) bump(f);
    return p;
}

}  // namespace

ProjectMcSummary run_project_mc(const Project& project, const StochasticSpec& spec,
                                const ProjectMcOptions& options) {
    options.validate();
    spec.validate();
    Setup setup = make_setup(project, spec, options);
    const CompiledProject& cp = setup.project;
    const auto n = static_cast<std::size_t>(cp.periods);
    const auto nk = static_cast<std::size_t>(cp.tranche_count);

    // Promised flows: the contractual schedule of each tranche from its balance at COD in the
    // base case — scheduled interest on the scheduled balance plus scheduled principal (all of
    // it at maturity) at the base-case rates, with no sweeps, prepayments or shortfalls. Taking
    // the base case's realised flows instead would count a base-case sweep as "promised" and
    // give a swept tranche a negative fair spread. Same arithmetic as the kernel, so a tranche
    // the base case pays exactly on schedule has promised_pv == its deterministic PV, bit for bit.
    std::vector<double> promised_pv(nk, 0.0);
    std::vector<double> promised;  // [k * n + t]
    {
        WaterfallWorkspace ws(cp);
        run_waterfall(cp, PeriodDrivers{}, ws);
        promised = promised_flows(cp, ws.results, ws.period_rate);
        for (std::size_t k = 0; k < nk; ++k)
            for (auto t = static_cast<std::size_t>(setup.grid.first_remaining); t < n; ++t) {
                const std::size_t i = cp.at(static_cast<int>(k), static_cast<int>(t));
                promised_pv[k] += promised[i] * setup.grid.tranche_df[i];
            }
        Measure base;
        MeasureOptions mo;
        mo.irr_guess = 0.1;
        measure(cp, setup.grid, ws.results, mo, base);
        if (std::isfinite(base.equity_irr)) setup.base_irr_guess = base.equity_irr;
    }

    const ProjectEvaluator evaluator(setup, Bumps{}, options.equity_irr, true);
    // One progress report over every run: the base run, then the four sensitivity runs (run r
    // reports its paths as r x paths + done of runs x paths).
    const std::uint64_t runs = options.sensitivities ? 5 : 1;
    auto run_options = [&](std::uint64_t r) {
        McOptions o = options.mc;
        if (options.mc.progress)
            o.progress = [&options, r, runs](std::uint64_t done, std::uint64_t total) {
                options.mc.progress(r * total + done, runs * total);
            };
        return o;
    };
    const PathRun run = run_paths(*setup.model, evaluator, run_options(0));
    const FactorModel& model = *setup.model;

    ProjectMcSummary out;
    out.project = cp.name;
    out.valuation_date = cp.valuation_date;
    out.seasoned = cp.seasoning.enabled;
    out.paths = run.paths;
    out.seed = options.mc.seed;
    out.threads = run.threads;
    out.method = options.mc.method;
    out.antithetic = options.mc.antithetic;
    out.seconds = run.seconds;
    out.periods = cp.periods;

    std::vector<double> scratch;
    for (std::size_t k = 0; k < nk; ++k) {
        const CompiledTranche& tr = cp.tranches[k];
        TrancheMc t;
        t.name = tr.name;
        t.symbol = tr.token.symbol;
        t.principal = tr.principal;
        t.supply = tr.token.supply;
        const std::size_t base = k * kTrancheScalars;
        t.pv = distribution(run, base + kPv, model, scratch);
        t.price_per_token = per_token(t.pv.estimate, t.supply);
        t.price_per_token_dist = per_token(t.pv, t.supply);
        t.pd_payment = estimate(run, base + kPayDefault, model);
        t.pd_principal = estimate(run, base + kPrincipalLoss, model);
        t.pd_deferral = estimate(run, base + kDeferral, model);
        t.pd_event_of_default = estimate(run, base + kEventOfDefault, model);
        t.expected_loss = estimate(run, base + kLossFraction, model);
        t.lgd = t.pd_principal.mean > 0 ? t.expected_loss.mean / t.pd_principal.mean : kNaN;
        t.promised_pv = promised_pv[k];
        t.expected_riskfree_pv = estimate(run, base + kPvRiskFree, model);
        // Fair spread s: sum promised_t DF_t exp(-s tau_t) = E[realised PV on the curve].
        {
            const double* const flows = promised.data() + cp.at(static_cast<int>(k), 0);
            const double target = t.expected_riskfree_pv.mean;
            const auto& tau = setup.grid.curve_time;
            auto f = [&](double s) {
                double v = 0.0;
                for (std::size_t i = 0; i < n; ++i) v += flows[i] * setup.grid.curve_df[i] * std::exp(-s * tau[i]);
                return v - target;
            };
            double lo = -0.5, hi = 5.0;
            const double flo = f(lo), fhi = f(hi);
            if (flo * fhi < 0.0)
                t.fair_spread = base::solve_bracketed(f, lo, hi, flo, fhi, base::BitsTolerance{48}, 200,
                                                      "tranches[" + std::to_string(k) + "].fair_spread",
                                                      base::OnIterationCap::ReturnBracket)
                                    .mid();
        }
        t.cs01 = (mean_of(run, base + kPv) - mean_of(run, base + kPvCs)) / t.supply;
        out.tranches.push_back(std::move(t));
    }
    const std::size_t e = nk * kTrancheScalars;
    out.equity.symbol = project.equity.token.symbol;
    out.equity.supply = project.equity.token.supply;
    out.equity.npv = distribution(run, e, model, scratch);
    const double eq_supply = out.equity.supply > 0 ? out.equity.supply : kNaN;
    // Value per token = PV of the distributions at the cost of equity / supply (as pftoken value).
    const Distribution receipts = distribution(run, e + 2, model, scratch);
    out.equity.price_per_token = per_token(receipts.estimate, eq_supply);
    out.equity.price_per_token_dist = per_token(receipts, eq_supply);
    out.equity.irr = distribution(run, e + 1, model, scratch);

    // Per-period covenant statistics.
    const auto& st = static_cast<const ProjectState&>(*run.state);
    auto& pp = out.per_period;
    const double paths = static_cast<double>(run.paths);
    pp.time = cp.grid.time_from_close;
    pp.end_date = cp.grid.end;
    for (std::size_t t = 0; t < n; ++t) {
        const std::uint32_t* h = &st.hist[t * (kHistBins + 1)];
        pp.dscr_p5.push_back(hist_quantile(h, st.defined[t], 0.05));
        pp.dscr_p50.push_back(hist_quantile(h, st.defined[t], 0.50));
        pp.dscr_p95.push_back(hist_quantile(h, st.defined[t], 0.95));
        pp.prob_dscr_below_lockup.push_back(static_cast<double>(st.below_lockup[t]) / paths);
        pp.prob_dscr_below_default.push_back(static_cast<double>(st.below_default[t]) / paths);
        pp.prob_dsra_drawn.push_back(static_cast<double>(st.dsra_drawn[t]) / paths);
        pp.prob_lockup.push_back(static_cast<double>(st.lockup[t]) / paths);
        pp.prob_dscr_defined.push_back(static_cast<double>(st.defined[t]) / paths);
    }

    if (options.sensitivities) {
        const auto start = std::chrono::steady_clock::now();
        // Common random numbers: same seed, same paths, one input bumped.
        std::uint64_t stage = 0;
        auto rerun = [&](const Setup& s, Bumps b) {
            const ProjectEvaluator ev(s, b, false, false);
            return run_paths(*s.model, ev, run_options(++stage));
        };
        const PathRun price = rerun(setup, Bumps{1.01, 1.0, 1.0});
        const PathRun volume = rerun(setup, Bumps{1.0, 1.01, 1.0});
        const PathRun opex = rerun(setup, Bumps{1.0, 1.0, 1.01});
        Setup bumped = make_setup(bump_curves(project, 1e-4), spec, options);
        bumped.base_irr_guess = setup.base_irr_guess;
        const PathRun curve = rerun(bumped, Bumps{});
        for (std::size_t k = 0; k < nk; ++k) {
            auto& t = out.tranches[k];
            const std::size_t j = k * kTrancheScalars + kPv;
            const double base = mean_of(run, j);
            t.dv01 = (base - mean_of(curve, j)) / t.supply;
            t.price_delta = (mean_of(price, j) - base) / t.supply;
            t.volume_delta = (mean_of(volume, j) - base) / t.supply;
            t.opex_delta = (mean_of(opex, j) - base) / t.supply;
        }
        const double base = mean_of(run, e + 2);
        out.equity.dv01 = (base - mean_of(curve, e + 2)) / eq_supply;
        out.equity.price_delta = (mean_of(price, e + 2) - base) / eq_supply;
        out.equity.volume_delta = (mean_of(volume, e + 2) - base) / eq_supply;
        out.equity.opex_delta = (mean_of(opex, e + 2) - base) / eq_supply;
        out.sensitivity_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    return out;
}

std::vector<PathDump> dump_project_paths(const Project& project, const StochasticSpec& spec,
                                         const ProjectMcOptions& options, std::uint64_t count) {
    options.validate();
    PFT_REQUIRE(options.overlay.empty(), "dump_project_paths: a path overlay is not supported");
    const Setup setup = make_setup(project, spec, options);
    const CompiledProject& cp = setup.project;
    const auto n = static_cast<std::size_t>(cp.periods);
    PathWorkspace f = setup.model->make_workspace();
    WaterfallWorkspace ws(cp);
    std::vector<PathDump> dumps;
    const std::uint64_t last = std::min(count, setup.model->usable_paths(options.mc.paths));
    auto or_neutral = [n](const std::vector<double>& v, double neutral) {
        return v.empty() ? std::vector<double>(n, neutral) : v;
    };
    for (std::uint64_t p = 0; p < last; ++p) {
        setup.model->generate(p, f);
        run_waterfall(cp, f.drivers(), ws);
        const auto& r = ws.results;
        PathDump d;
        d.path = p;
        d.price_multiplier = or_neutral(f.price_multiplier, 1.0);
        d.volume_multiplier = or_neutral(f.volume_multiplier, 1.0);
        d.availability_loss = or_neutral(f.availability_loss, 0.0);
        d.opex_multiplier = or_neutral(f.opex_multiplier, 1.0);
        d.index_shift = or_neutral(f.index_shift, 0.0);
        d.discount_ratio = or_neutral(f.discount_ratio, 1.0);
        d.cfads = r.cfads;
        d.debt_service_due = r.debt_service_due;
        d.dscr = r.dscr;
        d.dsra_balance = r.dsra_balance;
        d.distributions = r.distributions;
        d.lockup = r.lockup;
        d.event_of_default = r.event_of_default;
        d.tranche_balance = r.tranche_balance;
        dumps.push_back(std::move(d));
    }
    return dumps;
}

std::string ProjectMcSummary::brief_report() const {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(4);
    s << "Monte Carlo: " << project << ", " << paths << " paths ("
      << (method == RandomMethod::Sobol ? "sobol" : "pseudo") << (antithetic ? ", antithetic" : "")
      << "), seed " << seed << ", " << threads << " threads, " << seconds << " s\n";
    for (const auto& t : tranches)
        s << "  " << t.symbol << ": price/token " << t.price_per_token.mean << " +- "
          << t.price_per_token.standard_error << ", PD(payment) " << t.pd_payment.mean
          << ", PD(principal) " << t.pd_principal.mean << ", EL " << t.expected_loss.mean
          << ", fair spread " << t.fair_spread << '\n';
    s << "  " << equity.symbol << ": price/token " << equity.price_per_token.mean << " +- "
      << equity.price_per_token.standard_error << ", IRR P50 "
      << (equity.irr.percentiles.size() > 4 ? equity.irr.percentiles[4] : kNaN) << '\n';
    return s.str();
}

}  // namespace pftoken::mc
