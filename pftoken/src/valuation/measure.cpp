// One measure from kernel output to prices (see measure.hpp).
#include "pftoken/valuation/measure.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "pftoken/base/root.hpp"
#include "pftoken/error.hpp"
#include "pftoken/pricing/curves.hpp"

namespace pftoken {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

IrrGrid::IrrGrid(std::vector<double> t) : times(std::move(t)), step_class(times.size(), 0) {
    incremental = !times.empty() && times[0] == 0.0;
    for (std::size_t i = 1; i < times.size() && incremental; ++i) {
        const double step = times[i] - times[i - 1];
        std::size_t c = 0;
        // Steps within 1e-12 years (30 microseconds) share a class: the discount factor
        // then differs by a relative 1e-12 * ln(1 + r), far below the IRR tolerance.
        while (c < classes && std::abs(class_step[c] - step) > 1e-12) ++c;
        if (c == classes) {
            if (classes == kMaxClasses) incremental = false;
            else class_step[classes++] = step;
        }
        step_class[i] = static_cast<std::uint8_t>(c);
    }
}

double equity_irr(std::span<const double> flows, const IrrGrid& grid, double guess) {
    // Any flow > 0 and any < 0, on the bit patterns so that GCC vectorises the scan: a flow is
    // non-zero when its magnitude bits are (then magnitude + 2^63 - 1 carries into bit 63), and
    // its sign bit says which side. (A NaN flow would count on one side; the NPV is then NaN
    // and the search below returns NaN, as it would have.)
    constexpr std::uint64_t kMagnitude = 0x7FFF'FFFF'FFFF'FFFFULL;
    std::uint64_t pos = 0, neg = 0;
    for (double c : flows) {
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(c);
        const std::uint64_t nonzero = ((bits & kMagnitude) + kMagnitude) & ~kMagnitude;
        pos |= ~bits & nonzero;
        neg |= bits & nonzero;
    }
    if (pos == 0 || neg == 0) return kNaN;
    const std::span<const double> times = grid.times;
    // NPV and its derivative: v = sum c_i (1 + r)^-t_i, dv/dr = -sum c_i t_i (1 + r)^(-t_i - 1).
    auto npv = [&](double r, double* slope) {
        const double l = std::log1p(r);
        double v = 0.0, d = 0.0;
        if (grid.incremental) {
            std::array<double, IrrGrid::kMaxClasses> factor;
            for (std::size_t c = 0; c < grid.classes; ++c) factor[c] = std::exp(-grid.class_step[c] * l);
            double df = 1.0;
            v = flows[0];
            for (std::size_t i = 1; i < flows.size(); ++i) {
                df *= factor[grid.step_class[i]];
                v += flows[i] * df;
                d += flows[i] * times[i] * df;
            }
        } else {
            for (std::size_t i = 0; i < flows.size(); ++i) {
                if (flows[i] == 0.0) continue;
                const double df = std::exp(-times[i] * l);
                v += flows[i] * df;
                d += flows[i] * times[i] * df;
            }
        }
        if (slope) *slope = -d / (1.0 + r);
        return v;
    };
    double r = std::clamp(guess, -0.9, 5.0);
    for (int it = 0; it < 30; ++it) {
        double d = 0.0;
        const double v = npv(r, &d);
        if (!(d != 0.0) || !std::isfinite(v)) break;
        const double step = v / d;
        const double next = r - step;
        if (!(next > -0.99 && next < 10.0)) break;
        if (std::abs(step) < 1e-12 * std::max(1.0, std::abs(r))) return next;
        r = next;
    }
    double lo = -0.99, hi = 10.0;
    double flo = npv(lo, nullptr), fhi = npv(hi, nullptr);
    if (!(flo * fhi < 0.0)) return kNaN;
    return base::solve_bracketed([&](double x) { return npv(x, nullptr); }, lo, hi, flo, fhi,
                                 base::BitsTolerance{48}, 200, "equity.irr", base::OnIterationCap::ReturnBracket)
        .mid();
}

CodCurve cod_curve(const Project& project, const PeriodGrid& grid) {
    const auto n = static_cast<std::size_t>(grid.size());
    const auto c = static_cast<std::size_t>(grid.first_operating());
    const auto curve = pricing::build_curve(project.market.discount, pricing::to_ql_date(grid.cod), grid.day_count, {},
                                            "market.discount");
    const std::vector<CalendarDate> pay_dates(grid.end.begin() + static_cast<std::ptrdiff_t>(c), grid.end.end());
    const auto sampled = pricing::sample_curve(*curve, pay_dates);
    CodCurve out;
    out.df.assign(n, 0.0);
    out.time.assign(n, 0.0);
    for (std::size_t t = c; t < n; ++t) {
        out.df[t] = sampled.discount_factors[t - c];
        out.time[t] = sampled.times[t - c];
    }
    return out;
}

CodCurve valuation_curve(const Project& project, const CompiledProject& cp) {
    const PeriodGrid& grid = cp.grid;
    const auto n = static_cast<std::size_t>(grid.size());
    const auto c = static_cast<std::size_t>(std::max(grid.first_operating(), cp.valuation_period));
    CodCurve out;
    out.df.assign(n, 0.0);
    out.time.assign(n, 0.0);
    if (c >= n) return out;
    const auto curve = pricing::build_curve(project.market.discount, pricing::to_ql_date(cp.valuation_date),
                                            grid.day_count, {}, "market.discount");
    const std::vector<CalendarDate> pay_dates(grid.end.begin() + static_cast<std::ptrdiff_t>(c), grid.end.end());
    const auto sampled = pricing::sample_curve(*curve, pay_dates);
    for (std::size_t t = c; t < n; ++t) {
        out.df[t] = sampled.discount_factors[t - c];
        out.time[t] = sampled.times[t - c];
    }
    return out;
}

ValuationPhase valuation_phase(const CompiledProject& cp) noexcept {
    if (cp.valuation_date > cp.grid.cod) return ValuationPhase::Operation;
    if (cp.grid.financial_close < cp.valuation_date && cp.valuation_date < cp.grid.cod) return ValuationPhase::Construction;
    return ValuationPhase::FromClose;
}

int history_periods(const CompiledProject& cp) noexcept {
    return valuation_phase(cp) != ValuationPhase::FromClose ? std::min(cp.valuation_period, cp.periods) : 0;
}

bool starts_at_valuation_date(const CompiledProject& cp) noexcept {
    return valuation_phase(cp) == ValuationPhase::Construction || history_periods(cp) > 0;
}

double outstanding_at_valuation(const CompiledProject& cp, const WaterfallResults& r, int k) {
    const auto ks = static_cast<std::size_t>(k);
    if (cp.seasoning.enabled && !std::isnan(cp.seasoning.balance[ks])) return cp.seasoning.balance[ks];
    const int v = std::max(cp.grid.first_operating(), cp.valuation_period);
    return v > 0 ? r.tranche_balance[cp.at(k, v - 1)] : cp.tranches[ks].principal;
}

MeasureGrid make_measure_grid(const Project& project, const CompiledProject& cp) {
    const auto n = static_cast<std::size_t>(cp.periods);
    const auto c = static_cast<std::size_t>(std::min(cp.periods, std::max(cp.grid.first_operating(), cp.valuation_period)));
    MeasureGrid g;
    g.periods = cp.periods;
    g.tranches = cp.tranche_count;
    g.first_operating = cp.grid.first_operating();
    g.first_remaining = static_cast<int>(c);
    g.valuation_date = cp.valuation_date;
    CodCurve curve = valuation_curve(project, cp);
    g.curve_df = std::move(curve.df);
    g.curve_time = std::move(curve.time);
    g.tranche_df.assign(n * static_cast<std::size_t>(cp.tranche_count), 0.0);
    g.tranche_df_cs.assign(g.tranche_df.size(), 0.0);
    for (int k = 0; k < cp.tranche_count; ++k) {
        const CompiledTranche& tr = cp.tranches[static_cast<std::size_t>(k)];
        const double spread = tr.discount_spread;
        if (tr.floating) {
            // Discount margin: each period discounts by (1 + f tau) / (1 + (f + s) tau) on top of
            // the curve, f the tranche's projected index forward (floating_discount). From the
            // valuation date: a valuation date inside period c discounts that period's margin
            // over the rest of it only.
            double margin = 1.0, margin_cs = 1.0;
            const bool partial = c < n && cp.grid.start[c] < cp.valuation_date;
            for (std::size_t t = c; t < n; ++t) {
                const double f = cp.base_index[cp.at(k, static_cast<int>(t))];
                const double tau = t == c && partial ? year_fraction(cp.grid.day_count, cp.valuation_date, cp.grid.end[t])
                                                     : cp.grid.accrual[t];
                margin *= floating_discount_step(f, tau, spread);
                margin_cs *= floating_discount_step(f, tau, spread + 1e-4);
                g.tranche_df[cp.at(k, static_cast<int>(t))] = g.curve_df[t] * margin;
                g.tranche_df_cs[cp.at(k, static_cast<int>(t))] = g.curve_df[t] * margin_cs;
            }
            continue;
        }
        for (std::size_t t = c; t < n; ++t) {
            g.tranche_df[cp.at(k, static_cast<int>(t))] = tranche_discount(g.curve_df[t], g.curve_time[t], spread);
            g.tranche_df_cs[cp.at(k, static_cast<int>(t))] =
                tranche_discount(g.curve_df[t], g.curve_time[t], spread + 1e-4);
        }
    }
    g.equity_df.resize(n);
    for (std::size_t t = 0; t < n; ++t)
        g.equity_df[t] = std::pow(1.0 + project.equity.cost_of_equity, -cp.grid.time_from_close[t]);
    g.ones.assign(n, 1.0);
    std::vector<double> irr_times{0.0};
    irr_times.insert(irr_times.end(), cp.grid.time_from_close.begin(), cp.grid.time_from_close.end());
    g.irr = IrrGrid(std::move(irr_times));
    return g;
}

void Measure::resize(const CompiledProject& cp) {
    tranches.assign(static_cast<std::size_t>(cp.tranche_count), TrancheMeasure{});
    equity_flows.assign(static_cast<std::size_t>(cp.periods) + 1, 0.0);
}

void measure(const CompiledProject& cp, const MeasureGrid& grid, const WaterfallResults& r,
             const MeasureOptions& options, Measure& out) {
    PFT_ENSURE(grid.periods == cp.periods && grid.tranches == cp.tranche_count,
               "measure: the grid was built for another project");
    if (out.tranches.size() != static_cast<std::size_t>(cp.tranche_count) ||
        out.equity_flows.size() != static_cast<std::size_t>(cp.periods) + 1)
        out.resize(cp);
    const auto n = static_cast<std::size_t>(cp.periods);
    const auto c = static_cast<std::size_t>(grid.first_remaining);
    const double* const interest_paid = r.tranche_interest_paid.data();
    const double* const interest_due = r.tranche_interest_due.data();
    const double* const principal_paid = r.tranche_principal_paid.data();
    const double* const principal_due = r.tranche_principal_due.data();
    const double* const prepayment = r.tranche_prepayment.data();
    const double* const curve_df = grid.curve_df.data();
    const bool adjusted = !options.adjust.empty();

    for (int k = 0; k < cp.tranche_count; ++k) {
        const CompiledTranche& tr = cp.tranches[static_cast<std::size_t>(k)];
        const double tol = 1e-9 * std::max(1.0, tr.principal);
        const std::size_t row = cp.at(k, 0);
        const double* const df = grid.tranche_df.data() + row;
        // Without an adjustment q is all 1.0 and x * 1.0 == x exactly, so one loop serves both.
        const double* const q = !adjusted ? grid.ones.data()
                                          : options.adjust.data() + (options.per_tranche ? row : 0);
        const double* const ip = interest_paid + row;
        const double* const id = interest_due + row;
        const double* const pp = principal_paid + row;
        const double* const pd = principal_due + row;
        const double* const pre = prepayment + row;
        TrancheMeasure& m = out.tranches[static_cast<std::size_t>(k)];
        double pv = 0.0;
        for (std::size_t t = c; t < n; ++t) {
            // Association interest + (principal + prepayment), as the tranche's flows are built
            // for the yield and duration (pricing::price_tranche).
            const double cash = ip[t] + (pp[t] + pre[t]);
            pv += cash * df[t] * q[t];
        }
        m.pv = pv;
        if (options.spread_bumped) {
            const double* const df_cs = grid.tranche_df_cs.data() + row;
            double pv_cs = 0.0;
            for (std::size_t t = c; t < n; ++t) pv_cs += (ip[t] + (pp[t] + pre[t])) * df_cs[t] * q[t];
            m.pv_spread_bumped = pv_cs;
        }
        if (options.risk_free) {
            double pv_rf = 0.0;
            for (std::size_t t = c; t < n; ++t) pv_rf += (ip[t] + (pp[t] + pre[t])) * curve_df[t] * q[t];
            m.pv_risk_free = pv_rf;
        }
        // Unpaid when paid + tol < due for interest or principal. For finite doubles
        // (paid + tol) - due is negative exactly when paid + tol < due (IEEE subtraction is
        // zero only for equal operands and keeps the sign otherwise; -0.0 would need
        // paid + tol == -0.0), so OR-ing the sign bits gives the same flag as the comparisons,
        // in a loop GCC vectorises (it does not vectorise a comparison accumulated into an
        // integer). Construction-period interest is capitalised by design, not a missed
        // payment, and periods paid before the valuation date are history, hence the loop starts
        // at the first remaining period (COD by default).
        std::uint64_t sign_bits = 0;
        for (std::size_t t = c; t < n; ++t)
            sign_bits |= std::bit_cast<std::uint64_t>((ip[t] + tol) - id[t]) |
                         std::bit_cast<std::uint64_t>((pp[t] + tol) - pd[t]);
        m.missed_payment = (sign_bits >> 63) != 0;
        m.payment_default = false;
        m.final_balance = r.tranche_balance[cp.at(k, cp.periods - 1)];
        m.loss = std::max(0.0, m.final_balance);
    }
    for (int e = 0; e < r.event_count; ++e) {
        const Event& ev = r.events[static_cast<std::size_t>(e)];
        // A payment default of the history (paid on or before the valuation date) is not the
        // remaining flows' default.
        if (ev.kind == EventKind::PaymentDefault && ev.tranche >= 0 && ev.tranche < cp.tranche_count &&
            ev.period >= static_cast<int>(c))
            out.tranches[static_cast<std::size_t>(ev.tranche)].payment_default = true;
    }

    // Equity: the contribution at close (t = 0, DF 1), then every period's equity cash flow.
    const double* const edf = grid.equity_df.data();
    double npv = 0.0 + -r.close_equity * 1.0;
    double receipts = 0.0 + std::max(0.0, -r.close_equity) * 1.0;
    double net = 0.0;
    out.equity_flows[0] = -r.close_equity;
    for (std::size_t t = 0; t < n; ++t) {
        npv += r.equity_cash_flow[t] * edf[t];
        receipts += std::max(0.0, r.equity_cash_flow[t]) * edf[t];
        net += (r.distributions[t] - r.equity_injection[t]) * edf[t];
        out.equity_flows[t + 1] = r.equity_cash_flow[t];
    }
    out.equity_npv = npv;
    out.equity_receipts = receipts;
    out.equity_net_distributions = net;
    out.equity_irr = options.irr ? equity_irr(out.equity_flows, grid.irr, options.irr_guess) : kNaN;
}

std::vector<double> promised_flows(const CompiledProject& cp, const WaterfallResults& r,
                                   std::span<const double> period_rate) {
    const auto n = static_cast<std::size_t>(cp.periods);
    const auto c = static_cast<std::size_t>(std::min(cp.periods, std::max(cp.grid.first_operating(), cp.valuation_period)));
    std::vector<double> flows(n * static_cast<std::size_t>(cp.tranche_count), 0.0);
    for (int k = 0; k < cp.tranche_count; ++k) {
        const CompiledTranche& tr = cp.tranches[static_cast<std::size_t>(k)];
        double balance = outstanding_at_valuation(cp, r, k);
        for (std::size_t t = c; t < n; ++t) {
            const std::size_t i = cp.at(k, static_cast<int>(t));
            const double interest = balance * period_rate[i] * cp.grid.accrual[t];
            const double principal =
                static_cast<int>(t) >= tr.maturity ? balance : std::min(balance, cp.scheduled_principal[i]);
            balance -= principal;
            flows[i] = interest + (principal + 0.0);
        }
    }
    return flows;
}

}  // namespace pftoken
