// Deterministic stress engine: scenario shocks -> PeriodDrivers -> the waterfall kernel -> metrics.
#include "pftoken/stress/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "pftoken/base/format.hpp"
#include "pftoken/error.hpp"
#include "pftoken/pricing/cashflow_metrics.hpp"
#include "pftoken/pricing/curves.hpp"

namespace pftoken::stress {
namespace {

std::size_t idx(int i) { return static_cast<std::size_t>(i); }

std::string date_text(const CalendarDate& d) { return format::iso_date(d); }

/// Zero-rate shift (decimal) of a twist at time t (years from financial close).
double twist_zero_shift(const Shock& s, double t) {
    const double short_shift = s.size * s.short_bp * 1e-4;
    const double long_shift = s.size * s.long_bp * 1e-4;
    if (t <= s.pivot_years) return short_shift * (1.0 - std::max(t, 0.0) / s.pivot_years);
    if (t >= s.long_years) return long_shift;
    return long_shift * (t - s.pivot_years) / (s.long_years - s.pivot_years);
}

}  // namespace

std::pair<int, int> window_periods(const Window& window, const PeriodGrid& grid, const std::string& path) {
    const int n = grid.size();
    int first = 0;
    int last = n - 1;
    if (window.start_period) {
        if (*window.start_period >= n)
            throw InputError(path + ".start_period",
                             fmt::format("must be < {} (periods in the grid), got {}", n, *window.start_period));
        first = std::max(first, *window.start_period);
    }
    if (window.end_period) {
        if (*window.end_period >= n)
            throw InputError(path + ".end_period",
                             fmt::format("must be < {} (periods in the grid), got {}", n, *window.end_period));
        last = std::min(last, *window.end_period);
    }
    if (window.start) {
        while (first < n && !(grid.end[idx(first)] > *window.start)) ++first;
    }
    if (window.end) {
        while (last >= 0 && grid.start[idx(last)] > *window.end) --last;
    }
    if (first > last)
        throw InputError(path, fmt::format("selects no period of the grid ({} .. {})", date_text(grid.start.front()),
                                           date_text(grid.end.back())));
    return {first, last};
}

PeriodDrivers ResolvedScenario::drivers() const {
    PeriodDrivers d;
    if (uses_price) d.price_multiplier = price;
    if (uses_volume) d.volume_multiplier = volume;
    if (uses_availability) d.availability_loss = availability_loss;
    if (uses_opex) d.opex_multiplier = opex;
    if (uses_rates) d.index_shift = index_shift;
    d.capex_overrun = capex_overrun;
    d.delay_periods = delay_periods;
    return d;
}

StressEngine::StressEngine(const Project& project) : project_(project), base_project_(compile(project)) {
    history_ = history_periods(base_project_);
    phase_ = valuation_phase(base_project_);
    scratch_project_ = base_project_;
    const auto& grid = base_project_.grid;
    const int n = base_project_.periods;
    const int k_count = base_project_.tranche_count;
    const auto curve = pricing::build_curve(project.market.discount, pricing::to_ql_date(grid.financial_close),
                                            project.timeline.day_count, {}, "market.discount");
    const auto sampled = pricing::sample_curve(*curve, grid.end);
    curve_time_ = sampled.times;
    if (phase_ == ValuationPhase::Construction) {
        // Valued during construction: a twist is a profile of the time from the valuation date on
        // the curve referenced there, over every period paid after it (construction included).
        const int c = base_project_.valuation_period;
        const auto at_v = pricing::build_curve(project.market.discount, pricing::to_ql_date(base_project_.valuation_date),
                                               project.timeline.day_count, {}, "market.discount");
        const std::vector<CalendarDate> after(grid.end.begin() + c, grid.end.end());
        const auto from_v = pricing::sample_curve(*at_v, after);
        twist_time_.assign(idx(n), 0.0);
        for (int t = c; t < n; ++t) twist_time_[idx(t)] = from_v.times[idx(t - c)];
    }
    // Tranche PVs on value()'s basis (the one measure), so the base scenario reproduces
    // `pftoken value`.
    grid_ = make_measure_grid(project, base_project_);
    prices_.resize(base_project_);
    adjust_.assign(idx(k_count) * idx(n), 1.0);
    workspace_.resize(base_project_);

    ResolvedScenario neutral;
    resolve(Scenario{}, neutral);
    base_.name = "base";
    base_.description = "base case, no shock";
    base_.metrics = evaluate(neutral);
    has_base_ = true;
    fill_changes(base_.metrics);
}

void StressEngine::resolve(const Scenario& scenario, ResolvedScenario& out) const {
    const auto& grid = base_project_.grid;
    const int n = base_project_.periods;
    const int k_count = base_project_.tranche_count;
    const auto size = idx(n);
    out.price.assign(size, 1.0);
    out.volume.assign(size, 1.0);
    out.availability_loss.assign(size, 0.0);
    out.opex.assign(size, 1.0);
    out.index_shift.assign(size, 0.0);
    out.contract_revenue.assign(size, 1.0);
    out.tranche_shift.assign(idx(k_count) * size, 0.0);
    out.capex_overrun = 0.0;
    out.delay_periods = 0;
    out.uses_price = out.uses_volume = out.uses_availability = out.uses_opex = out.uses_rates = out.uses_contract =
        out.uses_spread = false;
    out.not_applied.clear();
    out.not_applied_reason.clear();

    for (const auto& s : scenario.shocks) {
        if (is_market_shock(s.type)) continue;
        const bool construction = s.type == ShockType::CapexOverrun || s.type == ShockType::ConstructionDelay;
        if (construction && history_ > 0 && phase_ == ValuationPhase::Operation) {
            // Valued after COD: the construction is history, its cost and date are known.
            out.not_applied += (out.not_applied.empty() ? "" : ", ") + std::string(to_string(s.type));
            out.not_applied_reason = "construction before the valuation date";
            continue;
        }
        if (s.type == ShockType::CapexOverrun && phase_ == ValuationPhase::Construction &&
            !(base_project_.overrun_share > 0.0)) {
            // Valued during construction after the last capex draw: no capex is left to overrun
            // (a delay still applies: COD lies after the valuation date).
            out.not_applied += (out.not_applied.empty() ? "" : ", ") + std::string(to_string(s.type));
            out.not_applied_reason = "capex all drawn before the valuation date";
            continue;
        }
        const std::string window_path = s.path.empty() ? "shock" : s.path + ".window";
        auto [first, last] = window_periods(s.window, grid, window_path);
        // The periods paid on or before the valuation date are history: never shocked.
        first = std::max(first, history_);
        if (first > last)
            throw InputError(window_path, fmt::format("selects no period after the valuation date {} (the periods "
                                                      "paid on or before it are history)",
                                                      date_text(base_project_.valuation_date)));
        switch (s.type) {
        case ShockType::MerchantPrice:
            for (int t = first; t <= last; ++t) out.price[idx(t)] *= 1.0 + s.size;
            out.uses_price = true;
            break;
        case ShockType::Volume:
            for (int t = first; t <= last; ++t) out.volume[idx(t)] *= 1.0 + s.size;
            out.uses_volume = true;
            break;
        case ShockType::Availability:
            for (int t = first; t <= last; ++t)
                out.availability_loss[idx(t)] = 1.0 - (1.0 - out.availability_loss[idx(t)]) * (1.0 - s.size);
            out.uses_availability = true;
            break;
        case ShockType::Opex:
            for (int t = first; t <= last; ++t) out.opex[idx(t)] *= 1.0 + s.size;
            out.uses_opex = true;
            break;
        case ShockType::CapexOverrun: out.capex_overrun += s.size; break;
        case ShockType::ConstructionDelay: {
            // Months -> operating periods, rounded up: a 1-month delay costs a whole quarter.
            const double periods = s.size * grid.periods_per_year / 12.0;
            out.delay_periods += static_cast<int>(std::ceil(periods - 1e-9));
            break;
        }
        case ShockType::RatesParallel:
            for (int t = first; t <= last; ++t) out.index_shift[idx(t)] += s.size * 1e-4;
            out.uses_rates = true;
            break;
        case ShockType::RatesTwist: {
            // Forward shift over each period from the zero-rate shift profile z(t):
            // f = (z(t1) t1 - z(t0) t0) / (t1 - t0), so that integrated forwards give z(t) t.
            // t from financial close, or from the valuation date for a project valued after COD
            // (the curve is then the one referenced at that date: grid_.curve_time, 0 before it)
            // or during construction (twist_time_: the same from V, construction periods included).
            const std::vector<double>& time = phase_ == ValuationPhase::Construction ? twist_time_
                                              : history_ > 0                         ? grid_.curve_time
                                                                                     : curve_time_;
            for (int t = first; t <= last; ++t) {
                const double t1 = time[idx(t)];
                const double t0 = t == 0 ? 0.0 : time[idx(t - 1)];
                if (t1 <= t0) continue;
                out.index_shift[idx(t)] += (twist_zero_shift(s, t1) * t1 - twist_zero_shift(s, t0) * t0) / (t1 - t0);
            }
            out.uses_rates = true;
            break;
        }
        case ShockType::Spread: {
            std::vector<int> targets;
            if (s.tranches.empty()) {
                for (int k = 0; k < k_count; ++k) targets.push_back(k);
            } else {
                for (std::size_t j = 0; j < s.tranches.size(); ++j) {
                    const auto& name = s.tranches[j];
                    auto it = std::find_if(base_project_.tranches.begin(), base_project_.tranches.end(),
                                           [&](const CompiledTranche& tr) { return tr.name == name; });
                    if (it == base_project_.tranches.end()) {
                        std::string names;
                        for (const auto& tr : base_project_.tranches) names += (names.empty() ? "" : ", ") + tr.name;
                        throw InputError(fmt::format("{}.tranches[{}]", s.path.empty() ? "shock" : s.path, j),
                                         fmt::format("unknown tranche '{}' (tranches: {})", name, names));
                    }
                    targets.push_back(static_cast<int>(it - base_project_.tranches.begin()));
                }
            }
            for (int k : targets)
                for (int t = first; t <= last; ++t) out.tranche_shift[base_project_.at(k, t)] += s.size * 1e-4;
            out.uses_spread = true;
            break;
        }
        case ShockType::Inflation: {
            // Extra inflation during the window raises the price level for good: after the
            // window the level stays where it got to. Level at t: (1 + pi)^(time inflated so far).
            const double pi = s.size * 1e-4;
            const double w0 = first == 0 ? 0.0 : curve_time_[idx(first - 1)];
            const double w1 = curve_time_[idx(last)];
            const double cod = grid.time_from_close[idx(grid.first_operating())] -
                               grid.time_from_cod[idx(grid.first_operating())];
            const double s0 = std::max(w0, cod);
            const double s1 = std::max(s0, w1);
            for (int t = first; t < n; ++t) {
                const double tau = std::clamp(curve_time_[idx(t)], s0, s1) - s0;
                if (tau <= 0.0) continue;
                out.opex[idx(t)] *= std::pow(1.0 + pi, tau);
                out.price[idx(t)] *= std::pow(1.0 + pi * s.merchant_passthrough, tau);
                out.contract_revenue[idx(t)] *= std::pow(1.0 + pi * s.contract_passthrough, tau);
            }
            out.uses_opex = out.uses_price = out.uses_contract = true;
            break;
        }
        case ShockType::TokenSelloff:
        case ShockType::LpWithdrawal: break;
        }
    }
    if (out.delay_periods > grid.operating_periods)
        throw InputError(scenario.path.empty() ? "construction_delay" : scenario.path + ".shocks",
                         fmt::format("construction delay of {} periods exceeds the {} operating periods",
                                     out.delay_periods, grid.operating_periods));
}

void StressEngine::run_kernel(const ResolvedScenario& resolved) {
    if (resolved.uses_contract) {
        const auto& base = base_project_.contracted_revenue;
        auto& scaled = scratch_project_.contracted_revenue;
        for (std::size_t t = 0; t < base.size(); ++t) scaled[t] = base[t] * resolved.contract_revenue[t];
        run_waterfall(scratch_project_, resolved.drivers(), workspace_);
    } else {
        run_waterfall(base_project_, resolved.drivers(), workspace_);
    }
}

void StressEngine::price(const ResolvedScenario& resolved, bool irr, double irr_guess) {
    MeasureOptions mo;
    mo.irr = irr;
    mo.irr_guess = irr_guess;
    if (discount_adjust(resolved, adjust_)) {
        mo.adjust = adjust_;
        mo.per_tranche = true;
    }
    measure(base_project_, grid_, workspace_.results, mo, prices_);
}

bool StressEngine::discount_adjust(const ResolvedScenario& resolved, std::vector<double>& adjust) const {
    if (!resolved.uses_rates && !resolved.uses_spread) return false;
    // Forward shifts integrated from COD (the grid's curve time is 0 before it).
    const int n = base_project_.periods;
    const auto& time = grid_.curve_time;
    adjust.resize(idx(base_project_.tranche_count) * idx(n));
    for (int k = 0; k < base_project_.tranche_count; ++k) {
        double cumulative = 0.0;
        for (int t = 0; t < n; ++t) {
            const std::size_t i = base_project_.at(k, t);
            const double dt = time[idx(t)] - (t == 0 ? 0.0 : time[idx(t - 1)]);
            cumulative += (resolved.index_shift[idx(t)] + resolved.tranche_shift[i]) * dt;
            adjust[i] = std::exp(-cumulative);
        }
    }
    return true;
}

StressMetrics StressEngine::collect() const {
    const auto& r = workspace_.results;
    const auto& grid = base_project_.grid;
    const int n = base_project_.periods;
    StressMetrics m;
    m.tranches.resize(idx(base_project_.tranche_count));
    for (int k = 0; k < base_project_.tranche_count; ++k) {
        const auto& tr = base_project_.tranches[idx(k)];
        const TrancheMeasure& p = prices_.tranches[idx(k)];
        auto& ts = m.tranches[idx(k)];
        ts.name = tr.name;
        ts.symbol = tr.token.symbol;
        ts.rank = tr.rank;
        ts.principal = tr.principal;
        ts.pv = p.pv;
        ts.price_per_token = tr.token.supply > 0.0 ? ts.pv / tr.token.supply : kNaN;
        ts.loss = p.loss;
        ts.loss_share = tr.principal > 0.0 ? ts.loss / tr.principal : 0.0;
        ts.payment_default = p.payment_default;
        ts.missed_payment = p.missed_payment;
    }
    // First to lose: the most junior rank with a loss above a rounding tolerance.
    int first_loss = -1;
    for (int k = 0; k < base_project_.tranche_count; ++k) {
        const auto& ts = m.tranches[idx(k)];
        if (ts.loss_share > 1e-9 && (first_loss < 0 || ts.rank > m.tranches[idx(first_loss)].rank)) first_loss = k;
    }
    if (first_loss >= 0) m.first_loss_tranche = m.tranches[idx(first_loss)].name;

    m.equity_value = prices_.equity_net_distributions;
    m.equity_npv = prices_.equity_npv;
    m.equity_irr = prices_.equity_irr;
    const double supply = project_.equity.token.supply;
    m.equity_price_per_token = supply > 0.0 ? m.equity_value / supply : kNaN;

    const bool ltm = base_project_.covenants.use_ltm;
    // Covenant statistics over the periods after the valuation date (the history is not a stress).
    for (int t = history_; t < n; ++t) {
        const double d = r.dscr[idx(t)];
        if (std::isfinite(d) && (m.min_dscr_period < 0 || d < m.min_dscr)) {
            m.min_dscr = d;
            m.min_dscr_period = t;
        }
        const double tested = ltm ? r.ltm_dscr[idx(t)] : d;
        if (std::isfinite(tested) && std::isfinite(d) && !(tested >= m.min_tested_dscr)) m.min_tested_dscr = tested;
        if (r.lockup[idx(t)] != 0) {
            ++m.lockup_periods;
            if (m.first_lockup_period < 0) m.first_lockup_period = t;
        }
        if (r.event_of_default[idx(t)] != 0) {
            ++m.default_periods;
            if (m.first_default_period < 0) m.first_default_period = t;
        }
        if (r.dsra_drawn[idx(t)] != 0) ++m.dsra_draw_periods;
        m.dsra_max_draw = std::max(m.dsra_max_draw, r.dsra_draw[idx(t)]);
        m.dsra_total_draw += r.dsra_draw[idx(t)];
        m.cfads += r.cfads[idx(t)];
    }
    if (m.min_dscr_period >= 0) m.min_dscr_date = grid.end[idx(m.min_dscr_period)];
    return m;
}

void StressEngine::fill_changes(StressMetrics& m) const {
    const auto& b = base_.metrics;
    for (std::size_t k = 0; k < m.tranches.size(); ++k) {
        auto& ts = m.tranches[k];
        const auto& bs = b.tranches[k];
        ts.pv_change = ts.pv - bs.pv;
        ts.pv_change_pct = bs.pv != 0.0 ? 100.0 * (ts.pv / bs.pv - 1.0) : kNaN;
        ts.price_change = ts.price_per_token - bs.price_per_token;
    }
    m.equity_value_change = m.equity_value - b.equity_value;
    m.equity_irr_change = m.equity_irr - b.equity_irr;
    m.min_dscr_change = m.min_dscr - b.min_dscr;
}

StressMetrics StressEngine::evaluate(const ResolvedScenario& resolved) {
    run_kernel(resolved);
    // Every run, the base included, solves the equity IRR from the same guess (the IRR found
    // from 10% on the base flows), so a zero-size shock reproduces the base IRR bit for bit.
    if (!has_base_) {
        price(resolved, true, MeasureOptions{}.irr_guess);
        if (std::isfinite(prices_.equity_irr)) irr_guess_ = prices_.equity_irr;
    }
    price(resolved, true, irr_guess_);
    StressMetrics m = collect();
    if (has_base_) fill_changes(m);
    return m;
}

StressMetrics StressEngine::evaluate(const Scenario& scenario) {
    resolve(scenario, scratch_resolved_);
    return evaluate(scratch_resolved_);
}

void StressEngine::indicators(const Scenario& scenario, Indicators& out) {
    resolve(scenario, scratch_resolved_);
    run_kernel(scratch_resolved_);
    price(scratch_resolved_, false, 0.0);
    const auto& r = workspace_.results;
    const int n = base_project_.periods;
    const bool ltm = base_project_.covenants.use_ltm;
    out.min_tested_dscr = kNaN;
    for (int t = history_; t < n; ++t) {
        const double tested = ltm ? r.ltm_dscr[idx(t)] : r.dscr[idx(t)];
        if (std::isfinite(tested) && std::isfinite(r.dscr[idx(t)]) && !(tested >= out.min_tested_dscr))
            out.min_tested_dscr = tested;
    }
    out.equity_value = prices_.equity_net_distributions;
    out.loss_share.resize(idx(base_project_.tranche_count));
    for (int k = 0; k < base_project_.tranche_count; ++k) {
        const double principal = base_project_.tranches[idx(k)].principal;
        out.loss_share[idx(k)] = principal > 0.0 ? prices_.tranches[idx(k)].loss / principal : 0.0;
    }
}

ScenarioResult StressEngine::run(const Scenario& scenario) {
    ScenarioResult result;
    result.name = scenario.name;
    result.description = scenario.description;
    result.market_only = scenario.has_market_shocks() && !scenario.has_project_shocks();
    try {
        result.metrics = evaluate(scenario);
        result.not_applied = scratch_resolved_.not_applied;
        result.not_applied_reason = scratch_resolved_.not_applied_reason;
    } catch (const std::exception& e) {
        result.ok = false;
        result.error = e.what();
    }
    return result;
}

StressSummary StressEngine::run_all(const std::vector<Scenario>& scenarios) {
    const auto start = std::chrono::steady_clock::now();
    StressSummary summary;
    summary.base = base_;
    summary.scenarios.reserve(scenarios.size());
    for (const auto& sc : scenarios) {
        summary.scenarios.push_back(run(sc));
        if (!summary.scenarios.back().ok) ++summary.failed;
    }
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

}  // namespace pftoken::stress
