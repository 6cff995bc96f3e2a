// The waterfall kernel: one pass over the period grid, no allocation, plain arrays only.

#include "pftoken/waterfall/kernel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "pftoken/error.hpp"

namespace pftoken {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <class T>
void size_to(std::vector<T>& v, std::size_t n) {
    v.assign(n, T{});
}

void check_driver(std::span<const double> values, int periods, const char* name) {
    PFT_REQUIRE(values.empty() || values.size() == static_cast<std::size_t>(periods),
                "drivers." << name << ": must be empty or have " << periods << " values (one per period), got "
                           << values.size());
}

/// Mutable state of one run, kept in locals / the workspace. `Full` selects the output mode at
/// compile time: the lean instantiation of the same code skips the diagnostic stores and the
/// event log (see WaterfallOutput).
template <bool Full>
struct Run {
    const CompiledProject& p;
    const PeriodDrivers& d;
    WaterfallWorkspace& w;
    WaterfallResults& r;
    int n;
    int k_count;

    void event(int t, EventKind kind, int tranche, double amount, double value = kNaN,
               double threshold = kNaN) const {
        if constexpr (!Full) return;
        if (r.event_count < static_cast<int>(r.events.size())) {
            Event& e = r.events[static_cast<std::size_t>(r.event_count++)];
            e.period = t;
            e.date = p.grid.end[static_cast<std::size_t>(t)];
            e.kind = kind;
            e.tranche = tranche;
            e.amount = amount;
            e.value = value;
            e.threshold = threshold;
        } else {
            ++r.events_dropped;
        }
    }
};

/// Running totals a rank group's payment updates (copied in and out so that the kernel's own
/// locals never have their address taken and stay in registers).
struct PayState {
    double cash;
    double dsra;
    double dsra_draw;
    double paid_total;
    bool payment_default;
};

/// Pays the `due` amounts of one rank group when cash does not cover them all: cash pro rata
/// within the rank, then the DSRA for covered tranches; what stays unpaid is left in `unpaid`.
template <bool Full>
void pay_group_short(const Run<Full>& run, int t, int gb, int ge, const double* due, double* paid_col, double* unpaid,
                     bool interest, PayState& st) {
    const CompiledProject& p = run.p;
    const int* rank_order = p.rank_order.data();
    const auto N = static_cast<std::size_t>(run.n);
    double total = 0.0;
    for (int q = gb; q < ge; ++q) total += due[rank_order[q]];
    if (total <= 0.0) {
        for (int q = gb; q < ge; ++q) {
            unpaid[rank_order[q]] = 0.0;
            paid_col[static_cast<std::size_t>(rank_order[q]) * N + static_cast<std::size_t>(t)] = 0.0;
        }
        return;
    }
    const double from_cash = std::min(st.cash, total);
    st.cash -= from_cash;
    const double cash_share = from_cash / total;
    double covered_unpaid = 0.0;
    for (int q = gb; q < ge; ++q) {
        const int k = rank_order[q];
        unpaid[k] = from_cash == total ? 0.0 : due[k] * (1.0 - cash_share);
        if (p.tranches[static_cast<std::size_t>(k)].dsra_covered) covered_unpaid += unpaid[k];
    }
    double draw = 0.0;
    if (p.dsra.enabled && covered_unpaid > 0.0 && st.dsra > 0.0) {
        draw = std::min(st.dsra, covered_unpaid);
        st.dsra -= draw;
        st.dsra_draw += draw;
    }
    for (int q = gb; q < ge; ++q) {
        const int k = rank_order[q];
        const CompiledTranche& tr = p.tranches[static_cast<std::size_t>(k)];
        if (draw > 0.0 && tr.dsra_covered) {
            const double part = draw == covered_unpaid ? unpaid[k] : draw * unpaid[k] / covered_unpaid;
            unpaid[k] -= part;
            run.event(t, EventKind::DsraDraw, k, part);
        }
        if (unpaid[k] < 0.0) unpaid[k] = 0.0;
        const double paid = due[k] - unpaid[k];
        paid_col[static_cast<std::size_t>(k) * N + static_cast<std::size_t>(t)] = paid;
        st.paid_total += paid;
        if (unpaid[k] > 0.0) {
            if (tr.deferrable) {
                run.event(t, interest ? EventKind::InterestDeferred : EventKind::PrincipalDeferred, k, unpaid[k]);
            } else {
                st.payment_default = true;
                run.event(t, EventKind::PaymentDefault, k, unpaid[k]);
            }
        }
    }
}

/// Inputs of operating_pass (pointers to per-period arrays, global period index).
struct OperatingArrays {
    const double* volume_mult;
    const double* availability_loss;
    const double* price_mult;
    const double* opex_mult;
    const double* contracted_volume;
    const double* contracted_revenue;
    const double* merchant_volume;
    const double* merchant_price;
    const double* opex_fixed;
    const double* opex_variable;
    const double* senior_fees;
    const double* depreciation;
    const double* inverse_accrual;
};

/// Operating flows of periods [begin, end) with volume multiplier `vm` (Producing) or 0. Revenue
/// and opex are stored only when `StoreFlows` (full mode's result columns); `margin` receives
/// revenue - opex, the first operation of both CFADS expressions.
template <bool Producing, bool StoreFlows>
void operating_periods(std::size_t begin, std::size_t end, OperatingArrays a, double receivable, double payable,
                       double overrun, double* __restrict revenue, double* __restrict opex, double* __restrict wc,
                       double* __restrict pre_tax, double* __restrict margin) {
    const double* __restrict volume_mult = a.volume_mult;
    const double* __restrict availability_loss = a.availability_loss;
    const double* __restrict price_mult = a.price_mult;
    const double* __restrict opex_mult = a.opex_mult;
    const double* __restrict contracted_volume = a.contracted_volume;
    const double* __restrict contracted_revenue = a.contracted_revenue;
    const double* __restrict merchant_volume = a.merchant_volume;
    const double* __restrict merchant_price = a.merchant_price;
    const double* __restrict opex_fixed = a.opex_fixed;
    const double* __restrict opex_variable = a.opex_variable;
    const double* __restrict senior_fees = a.senior_fees;
    const double* __restrict depreciation = a.depreciation;
    const double* __restrict inverse_accrual = a.inverse_accrual;
    for (std::size_t ts = begin; ts < end; ++ts) {
        const double vm = Producing ? volume_mult[ts] * (1.0 - availability_loss[ts]) : 0.0;
        const double volume = (contracted_volume[ts] + merchant_volume[ts]) * vm;
        const double rev = contracted_revenue[ts] * vm + merchant_volume[ts] * vm * merchant_price[ts] * price_mult[ts];
        const double ox = (opex_fixed[ts] + opex_variable[ts] * volume) * opex_mult[ts];
        if constexpr (StoreFlows) {
            revenue[ts] = rev;
            opex[ts] = ox;
        }
        const double rev_less_opex = rev - ox;
        margin[ts] = rev_less_opex;
        wc[ts] = (rev * receivable - ox * payable) * inverse_accrual[ts];
        pre_tax[ts] = rev_less_opex - senior_fees[ts] - depreciation[ts] * overrun;
    }
}

/// The operating cash flows of every operating period that do not depend on the waterfall's
/// state (revenue, opex, working capital, the pre-interest tax base), in straight passes over
/// the grid that the compiler vectorises; the period loop then reads one value per quantity.
/// Each expression and its evaluation order are the period loop's own, so every value is
/// bit-identical to computing it inside the loop. An empty driver reads a neutral array
/// (x 1.0 and - 0.0 are exact, so it gives the same bits as the scalar default). Full mode
/// writes revenue, opex and the working-capital change into the result columns; lean mode
/// stores none of them (the period loop needs only the pre-tax base and pre-tax CFADS).
template <bool Full>
void operating_pass(const CompiledProject& p, const PeriodDrivers& d, WaterfallWorkspace& w, double overrun,
                    double* __restrict revenue, double* __restrict opex, double* __restrict dwc) {
    const int n = p.periods;
    const int C = p.grid.construction_periods;
    if (C >= n) return;
    const double* const one = w.neutral_one.data();
    const double* const zero = w.neutral_zero.data();
    const OperatingArrays a{d.volume_multiplier.empty() ? one : d.volume_multiplier.data(),
                            d.availability_loss.empty() ? zero : d.availability_loss.data(),
                            d.price_multiplier.empty() ? one : d.price_multiplier.data(),
                            d.opex_multiplier.empty() ? one : d.opex_multiplier.data(),
                            p.contracted_volume.data(),
                            p.contracted_revenue.data(),
                            p.merchant_volume.data(),
                            p.merchant_price.data(),
                            p.opex_fixed.data(),
                            p.opex_variable_per_unit.data(),
                            p.senior_fees.data(),
                            p.depreciation.data(),
                            p.inverse_accrual.data()};
    double* __restrict wc = w.operating_wc.data();
    double* __restrict pre_tax = w.pre_tax.data();
    double* __restrict pre_cfads = w.pre_cfads.data();
    const double receivable = p.receivable_days / 365.0;
    const double payable = p.payable_days / 365.0;
    // The first delay_periods operating periods have no output (vm = 0): their own loop, so
    // neither loop branches.
    const auto begin = static_cast<std::size_t>(C);
    const auto end = static_cast<std::size_t>(n);
    const auto producing = begin + std::min(static_cast<std::size_t>(d.delay_periods), end - begin);
    operating_periods<false, Full>(begin, producing, a, receivable, payable, overrun, revenue, opex, wc, pre_tax,
                                   pre_cfads);
    operating_periods<true, Full>(producing, end, a, receivable, payable, overrun, revenue, opex, wc, pre_tax,
                                  pre_cfads);
    // The working capital is released in the last period. pre_cfads holds revenue - opex:
    // subtracting the change gives revenue - opex - dwc, the loop's own expression.
    wc[end - 1] = 0.0;
    if constexpr (Full) {
        dwc[begin] = wc[begin] - 0.0;
        for (auto t = begin + 1; t < end; ++t) dwc[t] = wc[t] - wc[t - 1];
        for (auto t = begin; t < end; ++t) pre_cfads[t] = pre_cfads[t] - dwc[t];
    } else {
        pre_cfads[begin] = pre_cfads[begin] - (wc[begin] - 0.0);
        for (auto t = begin + 1; t < end; ++t) pre_cfads[t] = pre_cfads[t] - (wc[t] - wc[t - 1]);
    }
}

/// One covered tranche's rows for the DSRA prefix sums.
struct DsraPrefixRow {
    const double* rate;        ///< all-in rate per period
    const double* cumulative;  ///< scheduled principal before period t
    double* rate_sum;          ///< [t] = sum_{j<t} rate_j tau_j
    double* weighted_sum;      ///< [t] = sum_{j<t} cumulative_j rate_j tau_j
};

/// The prefix sums of two covered tranches in one loop (their four addition chains overlap);
/// a == b computes one tranche (the second chain pair writes the same values again).
void dsra_prefix_sums(std::size_t n, const double* accrual, DsraPrefixRow a, DsraPrefixRow b) {
    double qa = 0.0, wa = 0.0, qb = 0.0, wb = 0.0;
    a.rate_sum[0] = a.weighted_sum[0] = b.rate_sum[0] = b.weighted_sum[0] = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
        const double ra = a.rate[t] * accrual[t];
        const double rb = b.rate[t] * accrual[t];
        qa += ra;
        wa += a.cumulative[t] * ra;
        qb += rb;
        wb += b.cumulative[t] * rb;
        a.rate_sum[t + 1] = qa;
        a.weighted_sum[t + 1] = wa;
        b.rate_sum[t + 1] = qb;
        b.weighted_sum[t + 1] = wb;
    }
}

/// The DSRA prefix sums of the covered tranches whose rate kind is `floating` (fixed-rate rows
/// are run-invariant and filled by bind(); floating rows follow the drivers, every run). Serial
/// chains of additions, so their latency is the cost: running sums live in locals and covered
/// tranches go in pairs, so four independent chains overlap. Same additions in the same order
/// wherever they run: same bits.
void dsra_prefix_rows(const CompiledProject& p, WaterfallWorkspace& w, bool floating) {
    if (!p.dsra.enabled) return;
    const auto N = static_cast<std::size_t>(p.periods);
    const auto N1 = N + 1;
    auto row = [&](int k) {
        const auto kk = static_cast<std::size_t>(k);
        return DsraPrefixRow{w.period_rate.data() + kk * N, p.cumulative_scheduled.data() + kk * N1,
                             w.rate_prefix.data() + kk * N1, w.weighted_prefix.data() + kk * N1};
    };
    int pending = -1;
    for (int k = 0; k < p.tranche_count; ++k) {
        const CompiledTranche& tr = p.tranches[static_cast<std::size_t>(k)];
        if (!tr.dsra_covered || tr.floating != floating) continue;
        if (pending < 0) {
            pending = k;
        } else {
            dsra_prefix_sums(N, p.grid.accrual.data(), row(pending), row(k));
            pending = -1;
        }
    }
    if (pending >= 0) dsra_prefix_sums(N, p.grid.accrual.data(), row(pending), row(pending));
}

bool tests_coverage(const CompiledProject& p) { return p.covenants.min_llcr > 0.0 || p.covenants.min_plcr > 0.0; }

/// Zeroes the operating-period entries of a sparse tranche column that the last run set (all
/// of them if the list overflowed).
void clear_written(double* column, const std::uint32_t* list, int& count, int capacity, int tranches,
                   std::size_t periods, std::size_t first_operating) {
    if (count > capacity) {
        for (int k = 0; k < tranches; ++k) {
            double* row = column + static_cast<std::size_t>(k) * periods;
            std::fill(row + first_operating, row + periods, 0.0);
        }
    } else {
        for (int i = 0; i < count; ++i) column[list[i]] = 0.0;
    }
    count = 0;
}

}  // namespace

void WaterfallResults::resize(const CompiledProject& project, int event_capacity) {
    periods = project.periods;
    tranches = project.tranche_count;
    const auto n = static_cast<std::size_t>(periods);
    const auto nk = n * static_cast<std::size_t>(tranches);
    for (auto* v : {&revenue, &opex, &working_capital_change, &tax, &maintenance_capex, &mra_release, &cfads,
                    &senior_fees, &debt_service_due, &debt_service_paid, &dscr, &ltm_dscr, &llcr, &plcr,
                    &dsra_balance, &dsra_draw, &dsra_deposit, &dsra_release, &dsra_interest, &mra_balance,
                    &mra_deposit, &lockup_balance, &lockup_deposit, &lockup_release, &sweep, &distributions,
                    &equity_injection, &equity_cash_flow, &capex, &debt_drawdown, &equity_funding,
                    &interest_during_construction, &sources, &uses})
        size_to(*v, n);
    for (auto* v : {&lockup, &event_of_default, &dsra_drawn}) size_to(*v, n);
    for (auto* v : {&tranche_rate, &tranche_drawdown, &tranche_interest_due, &tranche_interest_paid,
                    &tranche_principal_due, &tranche_principal_paid, &tranche_prepayment, &tranche_deferred,
                    &tranche_balance})
        size_to(*v, nk);
    events.assign(static_cast<std::size_t>(std::max(event_capacity, 0)), Event{});
    event_count = 0;
    events_dropped = 0;
}

bool WaterfallResults::any_event(EventKind kind) const noexcept {
    for (int i = 0; i < event_count; ++i)
        if (events[static_cast<std::size_t>(i)].kind == kind) return true;
    return false;
}

WaterfallWorkspace::WaterfallWorkspace(const CompiledProject& project, int event_capacity) {
    resize(project, event_capacity);
}

void WaterfallWorkspace::resize(const CompiledProject& project, int event_capacity) {
    results.resize(project, event_capacity);
    const auto k = static_cast<std::size_t>(project.tranche_count);
    for (auto* v : {&balance, &arrears, &rate, &interest_due, &principal_due, &unpaid}) size_to(*v, k);
    const auto n = static_cast<std::size_t>(project.periods);
    for (auto* v : {&coverage_cfads, &coverage_npv_debt, &coverage_npv_project, &operating_wc, &pre_tax, &pre_cfads,
                    &neutral_zero})
        size_to(*v, n);
    neutral_one.assign(n, 1.0);
    size_to(period_rate, n * k);
    size_to(rate_prefix, (n + 1) * k);
    size_to(weighted_prefix, (n + 1) * k);
    size_to(prepayment_written, n + k);
    size_to(deferred_written, n * k);
    bind(project);
}

void WaterfallWorkspace::bind(const CompiledProject& p) {
    WaterfallResults& r = results;
    const auto N = static_cast<std::size_t>(p.periods);
    const auto K = static_cast<std::size_t>(p.tranche_count);
    PFT_REQUIRE(r.periods == p.periods && r.tranches == p.tranche_count && period_rate.size() == N * K &&
                    prepayment_written.size() == N + K,
                "waterfall workspace: sized for " << r.periods << " periods x " << r.tranches
                                                  << " tranches, project has " << p.periods << " x " << p.tranche_count
                                                  << " (call WaterfallWorkspace::resize)");
    const auto C = static_cast<std::size_t>(p.grid.construction_periods);
    auto fill = [](std::vector<double>& v, std::size_t begin, std::size_t end, double x) {
        std::fill(v.begin() + static_cast<std::ptrdiff_t>(begin), v.begin() + static_cast<std::ptrdiff_t>(end), x);
    };
    // Construction periods: nothing operates, no debt service, no ratio.
    for (auto* v : {&r.revenue, &r.opex, &r.working_capital_change, &r.tax, &r.maintenance_capex, &r.mra_release,
                    &r.senior_fees, &r.debt_service_paid, &r.dsra_release, &r.dsra_interest, &r.mra_balance,
                    &r.mra_deposit, &r.lockup_balance, &r.lockup_deposit, &r.lockup_release, &r.sweep,
                    &r.equity_injection, &r.cfads, &r.debt_service_due, &r.dsra_draw, &r.distributions})
        fill(*v, 0, C, 0.0);
    for (auto* v : {&r.dscr, &r.ltm_dscr, &r.llcr, &r.plcr}) fill(*v, 0, C, kNaN);
    for (auto* v : {&r.lockup, &r.event_of_default, &r.dsra_drawn})
        std::fill(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(C), std::uint8_t{0});
    // Operating periods: no construction flows; maintenance capex as compiled; ratios not tested.
    for (auto* v : {&r.capex, &r.debt_drawdown, &r.equity_funding, &r.interest_during_construction}) fill(*v, C, N, 0.0);
    std::copy(p.maintenance_capex.begin() + static_cast<std::ptrdiff_t>(C), p.maintenance_capex.end(),
              r.maintenance_capex.begin() + static_cast<std::ptrdiff_t>(C));
    if (!tests_coverage(p))
        for (auto* v : {&r.llcr, &r.plcr}) fill(*v, C, N, kNaN);
    for (std::size_t k = 0; k < K; ++k) {
        const std::size_t row = k * N;
        fill(r.tranche_principal_due, row, row + C, 0.0);
        fill(r.tranche_principal_paid, row, row + C, 0.0);
        fill(r.tranche_prepayment, row, row + N, 0.0);
        fill(r.tranche_deferred, row + C, row + N, 0.0);
        fill(r.tranche_drawdown, row + C, row + N, 0.0);
        const CompiledTranche& tr = p.tranches[k];
        if (!tr.floating) {
            fill(period_rate, row, row + N, tr.fixed_rate);
            fill(r.tranche_rate, row, row + N, tr.fixed_rate);
        }
    }
    dsra_prefix_rows(p, *this, false);
    prepayment_written_count = 0;
    deferred_written_count = 0;
    project_id = p.id;
}

/// The kernel. `Full` selects the output mode; `KFixed` > 0 is the tranche count as a
/// compile-time constant (the dispatcher instantiates the common small counts), so the per-
/// tranche loops unroll and the running per-tranche state lives in local arrays the compiler
/// can keep in registers; KFixed = 0 handles any count with the workspace's buffers.
template <bool Full, int KFixed>
void run_waterfall_impl(const CompiledProject& p, const PeriodDrivers& d, WaterfallWorkspace& w) {
    const int n = p.periods;
    const int K = KFixed > 0 ? KFixed : p.tranche_count;
    check_driver(d.price_multiplier, n, "price_multiplier");
    check_driver(d.volume_multiplier, n, "volume_multiplier");
    check_driver(d.availability_loss, n, "availability_loss");
    check_driver(d.opex_multiplier, n, "opex_multiplier");
    check_driver(d.index_shift, n, "index_shift");
    check_driver(d.index_level, n, "index_level");
    PFT_REQUIRE(d.capex_overrun > -1.0, "drivers.capex_overrun: must be > -1, got " << d.capex_overrun);
    PFT_REQUIRE(d.delay_periods >= 0, "drivers.delay_periods: must be >= 0, got " << d.delay_periods);
    WaterfallResults& r = w.results;
    PFT_REQUIRE(r.periods == n && r.tranches == K && w.balance.size() == static_cast<std::size_t>(K) &&
                    w.period_rate.size() == static_cast<std::size_t>(n) * static_cast<std::size_t>(K),
                "waterfall workspace: sized for " << r.periods << " periods x " << r.tranches
                                                  << " tranches, project has " << n << " x " << K
                                                  << " (call WaterfallWorkspace::resize)");
    PFT_REQUIRE(w.project_id == p.id, "waterfall workspace: bound to compiled project #"
                                          << w.project_id << ", run with project #" << p.id
                                          << " (a workspace serves the project it was sized for: resize or bind it)");
    const Run<Full> run{p, d, w, r, n, K};
    r.event_count = 0;
    r.events_dropped = 0;
    r.close_capex = r.close_debt = r.close_equity = r.close_dsra_funding = 0.0;

    const auto N = static_cast<std::size_t>(n);
    const auto N1 = N + 1;
    // Running per-tranche state. Local arrays are not reachable through the output columns'
    // double pointers, so stores to the results cannot force them back to memory.
    constexpr std::size_t kLocal = KFixed > 0 ? static_cast<std::size_t>(KFixed) : 1;
    double local_bal[kLocal], local_arrears[kLocal], local_idue[kLocal], local_pdue[kLocal], local_unpaid[kLocal];
    double* const bal = KFixed > 0 ? local_bal : w.balance.data();
    double* const arrears = KFixed > 0 ? local_arrears : w.arrears.data();
    double* const idue = KFixed > 0 ? local_idue : w.interest_due.data();
    double* const pdue = KFixed > 0 ? local_pdue : w.principal_due.data();
    double* const unpaid = KFixed > 0 ? local_unpaid : w.unpaid.data();
    // Fixed counts: the tranches the DSRA covers as a compact ascending list (every period's
    // target sums over them in index order, so the others cost nothing) and the maturities,
    // in locals that stores to the result columns cannot alias.
    int local_covered[kLocal] = {};
    int local_maturity[kLocal] = {};
    // Fixed counts: a fixed-rate tranche's rate as a scalar (NaN marks a floating tranche, whose
    // rate row follows the drivers): the period loop reads one rate row less per such tranche.
    double local_fixed_rate[kLocal] = {};
    int covered_count = 0;
    if constexpr (KFixed > 0) {
        for (int k = 0; k < KFixed; ++k) {
            local_maturity[k] = p.tranches[static_cast<std::size_t>(k)].maturity;
            local_fixed_rate[k] = p.tranches[static_cast<std::size_t>(k)].floating
                                      ? kNaN
                                      : p.tranches[static_cast<std::size_t>(k)].fixed_rate;
            if (p.tranches[static_cast<std::size_t>(k)].dsra_covered) local_covered[covered_count++] = k;
        }
    }
    double* const rates = w.period_rate.data();
    double* const rate_prefix = w.rate_prefix.data();
    double* const weighted_prefix = w.weighted_prefix.data();
    const double* const accrual = p.grid.accrual.data();
    const double* const sched_all = p.scheduled_principal.data();
    const double* const cum_all = p.cumulative_scheduled.data();
    const CompiledTranche* const tranches = p.tranches.data();
    const int* const rank_order = p.rank_order.data();
    const int groups = static_cast<int>(p.rank_begin.size()) - 1;
    // Fixed counts: the covered tranches' prefix-sum rows, addressed once here.
    const double* covered_cum[kLocal] = {};
    const double* covered_q[kLocal] = {};
    const double* covered_wq[kLocal] = {};
    for (int c = 0; c < covered_count; ++c) {
        const std::size_t row = static_cast<std::size_t>(local_covered[c]) * N1;
        covered_cum[c] = cum_all + row;
        covered_q[c] = rate_prefix + row;
        covered_wq[c] = weighted_prefix + row;
    }
    std::fill(bal, bal + K, 0.0);
    std::fill(arrears, arrears + K, 0.0);
    std::fill(idue, idue + K, 0.0);
    std::fill(pdue, pdue + K, 0.0);
    std::fill(unpaid, unpaid + K, 0.0);

    // Per-run rates of floating tranches (drivers move their index) and their DSRA prefix sums;
    // fixed-rate rows are run-invariant (bind()).
    bool any_floating = false;
    for (int k = 0; k < K; ++k) {
        const CompiledTranche& tr = tranches[k];
        if (!tr.floating) continue;
        any_floating = true;
        double* rk = rates + static_cast<std::size_t>(k) * N;
        const double* base = p.base_index.data() + p.at(k, 0);
        const double* level = d.index_level.empty() ? base : d.index_level.data();
        if (d.index_shift.empty()) {
            for (std::size_t t = 0; t < N; ++t) rk[t] = level[t] + tr.spread;
        } else {
            for (std::size_t t = 0; t < N; ++t) rk[t] = level[t] + d.index_shift[t] + tr.spread;
        }
        if constexpr (Full) std::copy(rk, rk + N, r.tranche_rate.data() + static_cast<std::size_t>(k) * N);
    }
    if (any_floating) dsra_prefix_rows(p, w, true);

    const double overrun = 1.0 + d.capex_overrun;
    const auto& g = p.grid;
    const int C = g.construction_periods;
    const int m_ahead = p.dsra.periods_ahead;

    // DSRA target: forward debt service of covered tranches over periods [from, from + m),
    // projected from the current balances on the scheduled amortisation. When the balance
    // covers the window's scheduled principal and no maturity falls inside, the sum has a
    // closed form in prefix sums: principal = CUM_b - CUM_a, interest =
    // (B + CUM_a)(Q_b - Q_a) - (W_b - W_a); otherwise the window is walked period by period.
    auto dsra_target = [=](int from) __attribute__((always_inline)) {
        double target = 0.0;
        const int stop = std::min(n, from + m_ahead);
        if (from >= stop) return 0.0;
        const int candidates = KFixed > 0 ? covered_count : K;
        for (int c = 0; c < candidates; ++c) {
            const int k = KFixed > 0 ? local_covered[c] : c;
            if (KFixed == 0 && !tranches[k].dsra_covered) continue;
            if (bal[k] <= 0.0) continue;
            const int maturity = KFixed > 0 ? local_maturity[k] : tranches[k].maturity;
            const double* cum = KFixed > 0 ? covered_cum[c] : cum_all + static_cast<std::size_t>(k) * N1;
            const auto a = static_cast<std::size_t>(from);
            const auto b = static_cast<std::size_t>(stop);
            const double principal = cum[b] - cum[a];
            if (stop - 1 < maturity && bal[k] >= principal) {
                const double* q = KFixed > 0 ? covered_q[c] : rate_prefix + static_cast<std::size_t>(k) * N1;
                const double* wq = KFixed > 0 ? covered_wq[c] : weighted_prefix + static_cast<std::size_t>(k) * N1;
                target += principal + (bal[k] + cum[a]) * (q[b] - q[a]) - (wq[b] - wq[a]);
                continue;
            }
            double remaining = bal[k];
            const double* rk = rates + static_cast<std::size_t>(k) * N;
            const double* sched = sched_all + static_cast<std::size_t>(k) * N;
            for (int j = from; j < stop && remaining > 0.0; ++j) {
                const auto js = static_cast<std::size_t>(j);
                const double interest = remaining * rk[js] * accrual[js];
                const double repaid = (j >= maturity) ? remaining : std::min(remaining, sched[js]);
                target += interest + repaid;
                remaining -= repaid;
            }
        }
        return target;
    };

    // Output columns.
    double* const o_revenue = r.revenue.data();
    double* const o_opex = r.opex.data();
    double* const o_dwc = r.working_capital_change.data();
    double* const o_tax = r.tax.data();
    double* const o_mra_release = r.mra_release.data();
    double* const o_cfads = r.cfads.data();
    double* const o_fees = r.senior_fees.data();
    double* const o_ds_due = r.debt_service_due.data();
    double* const o_ds_paid = r.debt_service_paid.data();
    double* const o_dscr = r.dscr.data();
    double* const o_ltm = r.ltm_dscr.data();
    double* const o_llcr = r.llcr.data();
    double* const o_plcr = r.plcr.data();
    double* const o_dsra_bal = r.dsra_balance.data();
    double* const o_dsra_draw = r.dsra_draw.data();
    double* const o_dsra_dep = r.dsra_deposit.data();
    double* const o_dsra_rel = r.dsra_release.data();
    double* const o_dsra_int = r.dsra_interest.data();
    double* const o_mra_bal = r.mra_balance.data();
    double* const o_mra_dep = r.mra_deposit.data();
    double* const o_lock_bal = r.lockup_balance.data();
    double* const o_lock_dep = r.lockup_deposit.data();
    double* const o_lock_rel = r.lockup_release.data();
    std::uint8_t* const o_lockup = r.lockup.data();
    std::uint8_t* const o_eod = r.event_of_default.data();
    std::uint8_t* const o_dsra_drawn = r.dsra_drawn.data();
    double* const o_sweep = r.sweep.data();
    double* const o_dist = r.distributions.data();
    double* const o_inject = r.equity_injection.data();
    double* const o_equity_cf = r.equity_cash_flow.data();
    double* const o_capex = r.capex.data();
    double* const o_draw = r.debt_drawdown.data();
    double* const o_equity = r.equity_funding.data();
    double* const o_idc = r.interest_during_construction.data();
    double* const o_sources = r.sources.data();
    double* const o_uses = r.uses.data();
    double* const o_t_draw = r.tranche_drawdown.data();
    double* const o_t_idue = r.tranche_interest_due.data();
    double* const o_t_ipaid = r.tranche_interest_paid.data();
    double* const o_t_pdue = r.tranche_principal_due.data();
    double* const o_t_ppaid = r.tranche_principal_paid.data();
    double* const o_t_prepay = r.tranche_prepayment.data();
    double* const o_t_deferred = r.tranche_deferred.data();
    double* const o_t_bal = r.tranche_balance.data();
    auto at = [N](int k, int t) { return static_cast<std::size_t>(k) * N + static_cast<std::size_t>(t); };

    double dsra = 0.0;
    double mra = 0.0;
    double trapped = 0.0;
    double nol = 0.0;
    double fee_arrears = 0.0;
    bool locked = false;
    int cure_count = 0;
    double ltm_cfads = 0.0;
    double ltm_ds = 0.0;
    double equity_drawn = 0.0;

    // ---- Construction -------------------------------------------------------------------------
    auto fund_dsra_at_close = [&]() {
        double amount = 0.0;
        if (p.dsra.enabled && p.dsra.funded_at_close) {
            for (int k = 0; k < K; ++k) bal[k] = tranches[k].principal;  // projection at COD
            amount = dsra_target(C);
            for (int k = 0; k < K; ++k) bal[k] = 0.0;
        }
        return amount;
    };
    if (C == 0) {
        const double dsra_fund = fund_dsra_at_close();
        double debt = 0.0;
        for (int k = 0; k < K; ++k) {
            bal[k] = tranches[k].principal;
            debt += bal[k];
        }
        r.close_capex = p.capex_total * overrun;
        r.close_debt = debt;
        r.close_dsra_funding = dsra_fund;
        r.close_equity = r.close_capex + dsra_fund - debt;
        dsra = dsra_fund;
    }
    for (int t = 0; t < C; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        const double tau = accrual[ts];
        const double dsra_fund = t == 0 ? fund_dsra_at_close() : 0.0;
        const double base_uses = p.construction_capex[ts] + dsra_fund;
        const double capex = p.construction_capex[ts] * overrun;
        // Interest on the opening drawn balance, capitalised within the commitment.
        double idc_capitalised = 0.0;
        double idc_cash = 0.0;
        double headroom_total = 0.0;
        for (int k = 0; k < K; ++k) {
            const double rk = rates[at(k, t)];
            const double interest = bal[k] * rk * tau;
            const double headroom = std::max(0.0, tranches[k].principal - bal[k]);
            double capitalised = 0.0;
            if (p.capitalise_interest) {
                capitalised = std::min(interest, headroom);
                bal[k] += capitalised;
                idc_capitalised += capitalised;
            }
            idc_cash += interest - capitalised;
            if constexpr (Full) o_t_deferred[at(k, t)] = capitalised;
            o_t_idue[at(k, t)] = interest;
            o_t_ipaid[at(k, t)] = interest - capitalised;
            headroom_total += std::max(0.0, tranches[k].principal - bal[k]);
        }
        const double uses = capex + dsra_fund + idc_cash;
        double debt_wanted;
        if (p.equity_first) {
            const double equity_left = std::max(0.0, p.equity_commitment - equity_drawn);
            debt_wanted = std::max(0.0, base_uses - equity_left);
        } else {
            debt_wanted = p.debt_share * base_uses;
        }
        const double draw = std::min(debt_wanted, headroom_total);
        for (int k = 0; k < K; ++k) {
            const double headroom = std::max(0.0, tranches[k].principal - bal[k]);
            const double part = headroom_total > 0.0 ? draw * headroom / headroom_total : 0.0;
            bal[k] += part;
            if constexpr (Full) o_t_draw[at(k, t)] = part;
            o_t_bal[at(k, t)] = bal[k];
        }
        const double equity = uses - draw;
        equity_drawn += equity;
        dsra += dsra_fund;
        o_equity_cf[ts] = -equity;
        if constexpr (Full) {  // the other construction-period columns are run-invariant (bind())
            o_capex[ts] = capex;
            o_draw[ts] = draw;
            o_equity[ts] = equity;
            o_idc[ts] = idc_capitalised + idc_cash;
            o_dsra_dep[ts] = dsra_fund;
            o_dsra_bal[ts] = dsra;
            o_sources[ts] = draw + equity;
            o_uses[ts] = capex + dsra_fund + idc_cash;
        }
    }

    // ---- Forecast CFADS for LLCR / PLCR covenant tests (pre-tax, see docs/conventions.md) -----
    const bool test_coverage = p.covenants.min_llcr > 0.0 || p.covenants.min_plcr > 0.0;
    if (test_coverage) {
        double npv_debt = 0.0;
        double npv_project = 0.0;
        for (int t = n - 1; t >= C; --t) {
            const auto ts = static_cast<std::size_t>(t);
            const int i = t - C;
            const double vm = i < d.delay_periods ? 0.0
                                                  : PeriodDrivers::at(d.volume_multiplier, t, 1.0) *
                                                        (1.0 - PeriodDrivers::at(d.availability_loss, t, 0.0));
            const double volume = (p.contracted_volume[ts] + p.merchant_volume[ts]) * vm;
            const double revenue = p.contracted_revenue[ts] * vm + p.merchant_volume[ts] * vm * p.merchant_price[ts] *
                                                                       PeriodDrivers::at(d.price_multiplier, t, 1.0);
            const double opex = (p.opex_fixed[ts] + p.opex_variable_per_unit[ts] * volume) *
                                PeriodDrivers::at(d.opex_multiplier, t, 1.0);
            const double cf = revenue - opex - p.maintenance_capex[ts];
            w.coverage_cfads[ts] = cf;
            const double v = 1.0 / (1.0 + p.covenant_discount_rate[ts] * accrual[ts]);
            npv_project = (cf + npv_project) * v;
            npv_debt = t <= p.covenants.last_debt_period ? (cf + npv_debt) * v : 0.0;
            w.coverage_npv_debt[ts] = npv_debt;
            w.coverage_npv_project[ts] = npv_project;
        }
    }

    // ---- Operations ---------------------------------------------------------------------------
    // State-independent operating flows first (full mode: straight into the result columns).
    double* const op_revenue = Full ? o_revenue : nullptr;
    double* const op_opex = Full ? o_opex : nullptr;
    double* const op_dwc = Full ? o_dwc : nullptr;
    operating_pass<Full>(p, d, w, overrun, op_revenue, op_opex, op_dwc);
    const double* const pre_tax = w.pre_tax.data();
    const double* const pre_cfads = w.pre_cfads.data();
    // Sparse operating-period columns: zero except where a run writes them. Clear what the
    // previous run wrote; this run's entries are noted as it writes them.
    const auto ops_begin = static_cast<std::size_t>(C);
    std::uint32_t* const prepay_list = w.prepayment_written.data();
    const int prepay_capacity = static_cast<int>(w.prepayment_written.size());
    clear_written(o_t_prepay, prepay_list, w.prepayment_written_count, prepay_capacity, K, N, ops_begin);
    std::uint32_t* const deferred_list = w.deferred_written.data();
    const int deferred_capacity = static_cast<int>(w.deferred_written.size());
    if constexpr (Full)
        clear_written(o_t_deferred, deferred_list, w.deferred_written_count, deferred_capacity, K, N, ops_begin);
    auto note_written = [](std::uint32_t* list, int& count, int capacity, std::size_t kt) {
        if (count < capacity) list[count] = static_cast<std::uint32_t>(kt);
        ++count;  // past the capacity: the next run clears the whole column
    };
    const double* const maintenance_capex = p.maintenance_capex.data();
    const double* const senior_fees = p.senior_fees.data();
    const int ltm_periods = p.covenants.ltm_periods;
    const bool use_ltm = p.covenants.use_ltm;
    // Scalars copied to locals: stores through the double* columns could otherwise alias them.
    const double tax_rate = p.tax_rate;
    const bool loss_carry_forward = p.loss_carry_forward;
    const bool mra_enabled = p.mra.enabled;
    const double mra_target = p.mra.target;
    const bool dsra_enabled = p.dsra.enabled;
    const double dsra_rate = p.dsra.interest_rate;
    const double lockup_dscr = p.covenants.lockup_dscr;
    const double default_dscr = p.covenants.default_dscr;
    const double min_llcr = p.covenants.min_llcr;
    const double min_plcr = p.covenants.min_plcr;
    const int cure_periods = p.covenants.cure_periods;
    const bool sweep_enabled = p.covenants.sweep_enabled;
    const double sweep_trigger = p.covenants.sweep_trigger;
    const double sweep_share = p.covenants.sweep_share;
    const int sweep_tranche = p.covenants.sweep_tranche;
    const std::array<WaterfallStep, 7> order = p.order;
    const int order_size = p.order_size;
    const bool default_order = order_size == 7 && order == default_waterfall_order();
    const double* const mra_contribution = p.mra_contribution.data();

    for (int t = C; t < n; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        const int i = t - C;
        const double tau = accrual[ts];
        const bool last = (t == n - 1);

        // Tax, maintenance -> CFADS (revenue, opex and working capital: operating_pass).
        const double maintenance = maintenance_capex[ts];
        const double fees_due = senior_fees[ts] + fee_arrears;

        double opening_debt = 0.0;
        double interest_accrued = 0.0;
        double ds_due = 0.0;
        for (int k = 0; k < K; ++k) {
            const std::size_t kt = at(k, t);
            const double rk = KFixed > 0 && !std::isnan(local_fixed_rate[k]) ? local_fixed_rate[k] : rates[kt];
            idue[k] = bal[k] * rk * tau;
            opening_debt += bal[k];
            interest_accrued += idue[k];
            // Scheduled principal (+ arrears); the whole balance from maturity on.
            const int maturity = KFixed > 0 ? local_maturity[k] : tranches[k].maturity;
            const double scheduled = t >= maturity ? bal[k] : std::min(bal[k], sched_all[kt]);
            pdue[k] = std::min(bal[k], scheduled + arrears[k]);
            ds_due += idue[k] + scheduled;
            o_t_idue[kt] = idue[k];
            o_t_pdue[kt] = pdue[k];
        }
        if (!default_order) {  // the default order's debt-service step writes both for every tranche
            for (int k = 0; k < K; ++k) {
                o_t_ipaid[at(k, t)] = 0.0;
                o_t_ppaid[at(k, t)] = 0.0;
            }
        }
        const double taxable = pre_tax[ts] - interest_accrued;
        double tax = 0.0;
        if (loss_carry_forward) {
            if (taxable < 0.0) {
                nol -= taxable;
            } else {
                const double used = std::min(nol, taxable);
                nol -= used;
                tax = tax_rate * (taxable - used);
            }
        } else {
            tax = tax_rate * std::max(0.0, taxable);
        }
        const double mra_release = mra_enabled ? std::min(mra, maintenance) : 0.0;
        mra -= mra_release;
        const double cfads = pre_cfads[ts] - tax - maintenance + mra_release;

        const double dscr = ds_due > 0.0 ? cfads / ds_due : kNaN;
        ltm_cfads += cfads;
        ltm_ds += ds_due;
        if (i >= ltm_periods) {
            ltm_cfads -= o_cfads[ts - static_cast<std::size_t>(ltm_periods)];
            ltm_ds -= o_ds_due[ts - static_cast<std::size_t>(ltm_periods)];
        }
        const double ltm_dscr = ltm_ds > 1e-9 * std::max(1.0, std::abs(ltm_cfads)) ? ltm_cfads / ltm_ds : kNaN;
        double llcr = kNaN;
        double plcr = kNaN;
        if (test_coverage && opening_debt > 0.0) {
            llcr = w.coverage_npv_debt[ts] / opening_debt;
            plcr = w.coverage_npv_project[ts] / opening_debt;
        }

        // The DSRA earns interest on its opening balance, credited to the account.
        const double dsra_interest = dsra * dsra_rate * tau;
        dsra += dsra_interest;

        double cash = cfads;
        double injection = 0.0;
        if (cash < 0.0) {
            injection = -cash;
            cash = 0.0;
            run.event(t, EventKind::EquityInjection, -1, injection);
        }
        double fees_paid = 0.0, dsra_draw = 0.0, dsra_deposit = 0.0, dsra_release = 0.0, mra_deposit = 0.0;
        double sweep = 0.0, distributions = 0.0, trapped_deposit = 0.0, trapped_release = 0.0;
        double interest_paid_total = 0.0, principal_paid_total = 0.0, prepay_total = 0.0;
        bool payment_default = false;
        bool dscr_default = false;
        const double tested = use_ltm ? ltm_dscr : dscr;

        // One waterfall step; called with constants below for the default order, so the switch
        // folds away and the period runs as straight-line code.
        auto step = [&](WaterfallStep which) __attribute__((always_inline)) {
            switch (which) {
            case WaterfallStep::SeniorFees: {
                fees_paid = std::min(cash, fees_due);
                cash -= fees_paid;
                fee_arrears = fees_due - fees_paid;
                if (fee_arrears > 0.0) run.event(t, EventKind::SeniorFeeShortfall, -1, fee_arrears);
                break;
            }
            case WaterfallStep::DebtService: {
                // Fast path: cash covers every tranche's interest and principal.
                double total_due = 0.0;
                for (int k = 0; k < K; ++k) total_due += idue[k] + pdue[k];
                if (cash >= total_due) {
                    cash -= total_due;
                    for (int k = 0; k < K; ++k) {
                        const std::size_t kt = at(k, t);
                        o_t_ipaid[kt] = idue[k];
                        o_t_ppaid[kt] = pdue[k];
                        bal[k] -= pdue[k];
                        arrears[k] = 0.0;
                        interest_paid_total += idue[k];
                        principal_paid_total += pdue[k];
                    }
                    break;
                }
                PayState st{cash, dsra, dsra_draw, 0.0, payment_default};
                for (int gi = 0; gi < groups; ++gi) {
                    const int gb = p.rank_begin[static_cast<std::size_t>(gi)];
                    const int ge = p.rank_begin[static_cast<std::size_t>(gi) + 1];
                    st.paid_total = 0.0;
                    pay_group_short(run, t, gb, ge, idue, o_t_ipaid, unpaid, true, st);
                    interest_paid_total += st.paid_total;
                    for (int q = gb; q < ge; ++q) {  // unpaid interest is capitalised
                        const int k = rank_order[q];
                        if (unpaid[k] <= 0.0) continue;
                        bal[k] += unpaid[k];
                        if constexpr (Full) {
                            o_t_deferred[at(k, t)] = unpaid[k];
                            note_written(deferred_list, w.deferred_written_count, deferred_capacity, at(k, t));
                        }
                        if (t >= tranches[k].maturity) pdue[k] = bal[k];
                    }
                    st.paid_total = 0.0;
                    pay_group_short(run, t, gb, ge, pdue, o_t_ppaid, unpaid, false, st);
                    principal_paid_total += st.paid_total;
                    for (int q = gb; q < ge; ++q) {
                        const int k = rank_order[q];
                        bal[k] -= o_t_ppaid[at(k, t)];
                        arrears[k] = unpaid[k];
                    }
                }
                cash = st.cash;
                dsra = st.dsra;
                dsra_draw = st.dsra_draw;
                payment_default = st.payment_default;
                break;
            }
            case WaterfallStep::DsraTopUp: {
                if (!dsra_enabled) break;
                const double target = last ? 0.0 : dsra_target(t + 1);
                if (dsra > target) {
                    dsra_release = dsra - target;
                    dsra = target;
                    cash += dsra_release;
                } else {
                    dsra_deposit = std::min(cash, target - dsra);
                    dsra += dsra_deposit;
                    cash -= dsra_deposit;
                }
                break;
            }
            case WaterfallStep::MraTopUp: {
                if (!mra_enabled) break;
                if (last) {  // the account is released at the end of the project
                    cash += mra;
                    mra_deposit -= mra;
                    mra = 0.0;
                    break;
                }
                const double want = std::min(mra_contribution[ts], std::max(0.0, mra_target - mra));
                mra_deposit = std::min(cash, want);
                mra += mra_deposit;
                cash -= mra_deposit;
                break;
            }
            case WaterfallStep::LockupTest: {
                const double lock_level = lockup_dscr;
                bool failed = false;
                if (!std::isnan(tested) && tested < lock_level) {
                    failed = true;
                    run.event(t, EventKind::LockupBreach, -1, 0.0, tested, lock_level);
                }
                if (!std::isnan(llcr) && min_llcr > 0.0 && llcr < min_llcr) {
                    failed = true;
                    run.event(t, EventKind::LockupBreach, -1, 0.0, llcr, min_llcr);
                }
                if (!std::isnan(plcr) && min_plcr > 0.0 && plcr < min_plcr) {
                    failed = true;
                    run.event(t, EventKind::LockupBreach, -1, 0.0, plcr, min_plcr);
                }
                if (!std::isnan(tested) && tested < default_dscr) {
                    dscr_default = true;
                    run.event(t, EventKind::DscrDefault, -1, 0.0, tested, default_dscr);
                }
                if (failed) {
                    locked = true;
                    cure_count = 0;
                } else if (locked) {
                    if (++cure_count >= cure_periods) {
                        locked = false;
                        cure_count = 0;
                        run.event(t, EventKind::LockupReleased, -1, 0.0, tested, lock_level);
                    }
                }
                break;
            }
            case WaterfallStep::CashSweep: {
                if (!sweep_enabled || cash <= 0.0) break;
                const bool active = sweep_trigger > 0.0
                                        ? (!std::isnan(tested) && tested < sweep_trigger)
                                        : locked;
                const int k = sweep_tranche;
                if (!active || bal[k] <= 0.0) break;
                sweep = std::min(sweep_share * cash, bal[k]);
                bal[k] -= sweep;
                cash -= sweep;
                o_t_prepay[at(k, t)] = sweep;
                note_written(prepay_list, w.prepayment_written_count, prepay_capacity, at(k, t));
                prepay_total += sweep;
                run.event(t, EventKind::CashSweep, k, sweep);
                break;
            }
            case WaterfallStep::Distribution: {
                if (last) {
                    // End of the grid: trapped cash and reserves repay what is still owed, in
                    // rank order, then go to equity.
                    cash += trapped + dsra;
                    trapped_release = trapped;
                    dsra_release += dsra;
                    trapped = 0.0;
                    dsra = 0.0;
                    for (int q = 0; q < K; ++q) {
                        const int k = rank_order[q];
                        const double pay = std::min(cash, bal[k]);
                        if (pay <= 0.0) continue;
                        bal[k] -= pay;
                        cash -= pay;
                        o_t_prepay[at(k, t)] += pay;
                        note_written(prepay_list, w.prepayment_written_count, prepay_capacity, at(k, t));
                        prepay_total += pay;
                    }
                    distributions = cash;
                    cash = 0.0;
                    break;
                }
                if (locked || payment_default || dscr_default) {
                    trapped_deposit = cash;
                    trapped += cash;
                } else {
                    trapped_release = trapped;
                    distributions = cash + trapped;
                    trapped = 0.0;
                }
                cash = 0.0;
                break;
            }
            }
        };
        if (default_order) {
            step(WaterfallStep::SeniorFees);
            step(WaterfallStep::DebtService);
            step(WaterfallStep::DsraTopUp);
            step(WaterfallStep::MraTopUp);
            step(WaterfallStep::LockupTest);
            step(WaterfallStep::CashSweep);
            step(WaterfallStep::Distribution);
        } else {
            for (int s = 0; s < order_size; ++s) step(order[static_cast<std::size_t>(s)]);
        }
        // A custom order without a distribution step leaves cash with equity.
        if (cash != 0.0) {
            distributions += cash;
            cash = 0.0;
        }
        for (int k = 0; k < K; ++k) o_t_bal[at(k, t)] = bal[k];
        if (last) {
            for (int k = 0; k < K; ++k)
                if (bal[k] > 1e-9 * std::max(1.0, tranches[k].principal)) run.event(t, EventKind::LossAtMaturity, k, bal[k]);
        }

        // Lean columns (what Monte Carlo paths and stress tallies consume).
        o_cfads[ts] = cfads;
        o_ds_due[ts] = ds_due;
        o_dscr[ts] = dscr;
        o_ltm[ts] = ltm_dscr;
        o_dsra_draw[ts] = dsra_draw;
        o_lockup[ts] = locked ? 1 : 0;
        o_eod[ts] = (payment_default || dscr_default) ? 1 : 0;
        o_dsra_drawn[ts] = dsra_draw > 0.0 ? 1 : 0;
        o_dist[ts] = distributions;
        o_equity_cf[ts] = distributions - injection;
        if constexpr (Full) {
            const double revenue = op_revenue[ts];
            const double opex = op_opex[ts];
            const double dwc = op_dwc[ts];
            o_tax[ts] = tax;
            o_mra_release[ts] = mra_release;
            o_fees[ts] = fees_paid;
            o_ds_paid[ts] = interest_paid_total + principal_paid_total;
            if (test_coverage) {
                o_llcr[ts] = llcr;
                o_plcr[ts] = plcr;
            }
            o_dsra_bal[ts] = dsra;
            o_dsra_dep[ts] = dsra_deposit;
            o_dsra_rel[ts] = dsra_release;
            o_dsra_int[ts] = dsra_interest;
            o_mra_bal[ts] = mra;
            o_mra_dep[ts] = mra_deposit;
            o_lock_bal[ts] = trapped;
            o_lock_dep[ts] = trapped_deposit;
            o_lock_rel[ts] = trapped_release;
            o_sweep[ts] = sweep;
            o_inject[ts] = injection;
            // mra_deposit is negative in the last period (the account released into the waterfall).
            o_sources[ts] = revenue - dwc + injection + dsra_draw + dsra_release + mra_release + trapped_release +
                            std::max(0.0, -mra_deposit);
            o_uses[ts] = opex + tax + maintenance + fees_paid + interest_paid_total + principal_paid_total +
                         prepay_total + dsra_deposit + std::max(0.0, mra_deposit) + trapped_deposit + distributions;
        }
    }
}

namespace {

template <bool Full>
void dispatch_on_tranche_count(const CompiledProject& p, const PeriodDrivers& d, WaterfallWorkspace& w) {
    switch (p.tranche_count) {
    case 1: run_waterfall_impl<Full, 1>(p, d, w); break;
    case 2: run_waterfall_impl<Full, 2>(p, d, w); break;
    case 3: run_waterfall_impl<Full, 3>(p, d, w); break;
    case 4: run_waterfall_impl<Full, 4>(p, d, w); break;
    default: run_waterfall_impl<Full, 0>(p, d, w); break;
    }
}

}  // namespace

void run_waterfall(const CompiledProject& project, const PeriodDrivers& drivers, WaterfallWorkspace& workspace,
                   WaterfallOutput output) {
    if (output == WaterfallOutput::Full)
        dispatch_on_tranche_count<true>(project, drivers, workspace);
    else
        dispatch_on_tranche_count<false>(project, drivers, workspace);
}

}  // namespace pftoken
