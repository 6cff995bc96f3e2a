// The waterfall kernel as named steps: set-up, construction, forecast CFADS, the operating pass,
// then per operating period open_period, the waterfall steps and close_period. One pass over
// the period grid, no allocation, plain arrays only.

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
    // A given tax line (cash_flows.tax) keeps its effective rate on the operating margin:
    // tax x max(0, margin) / base margin (docs/input-schema.md, cash_flows); as given where the
    // base margin is not positive. pre_cfads still holds revenue - opex here.
    if (!p.given_tax_margin.empty()) {
        double* __restrict tax = w.given_tax.data();
        for (auto t = begin; t < end; ++t) {
            const double base = p.given_tax_margin[t];
            const double margin = pre_cfads[t] - p.maintenance_capex[t];
            tax[t] = base > 0.0 ? p.given_tax[t] * (std::max(0.0, margin) / base) : p.given_tax[t];
        }
    }
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
    // A given working-capital change (cash_flows.working_capital_change; the days are then 0).
    if (!p.given_working_capital.empty()) {
        for (auto t = begin; t < end; ++t) {
            if constexpr (Full) dwc[t] += p.given_working_capital[t];
            pre_cfads[t] -= p.given_working_capital[t];
        }
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
                    &mra_deposit, &mra_interest, &lockup_balance, &lockup_deposit, &lockup_release, &sweep, &distributions,
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
    for (auto* v : {&balance, &arrears, &rate, &interest_due, &principal_due, &unpaid, &capitalised}) size_to(*v, k);
    size_to(deferral_periods, k);
    size_to(deferral_lost, k);
    const auto n = static_cast<std::size_t>(project.periods);
    for (auto* v : {&coverage_cfads, &coverage_npv_debt, &coverage_npv_project, &operating_wc, &pre_tax, &pre_cfads,
                    &given_tax, &neutral_zero})
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
                    &r.mra_deposit, &r.mra_interest, &r.lockup_balance, &r.lockup_deposit, &r.lockup_release, &r.sweep,
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

namespace {

#define PFT_STEP [[gnu::always_inline]] inline

/// std::min / std::max by value (the same comparison, so the same result, NaN included): the
/// steps compare members of the state structs, and a reference to a member would keep the
/// compiler from holding the struct in registers.
template <class T>
PFT_STEP T min_value(T a, T b) {
    return (b < a) ? b : a;
}
template <class T>
PFT_STEP T max_value(T a, T b) {
    return (a < b) ? b : a;
}

/// What one operating period hands to the next: account balances, the tax loss carried
/// forward, fee arrears, the lock-up state and the LTM sums.
struct CarriedState {
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
};

/// One operating period's values as the waterfall steps compute and consume them.
struct PeriodState {
    int t = 0;
    std::size_t ts = 0;
    int i = 0;  ///< operating period index (t - construction periods)
    double tau = 0.0;
    bool last = false;
    double maintenance = 0.0;
    double fees_due = 0.0;
    double opening_debt = 0.0;
    double interest_accrued = 0.0;
    double ds_due = 0.0;
    double tax = 0.0;
    double mra_release = 0.0;
    double cfads = 0.0;
    double dscr = kNaN;
    double ltm_dscr = kNaN;
    double llcr = kNaN;
    double plcr = kNaN;
    double dsra_interest = 0.0;
    double mra_interest = 0.0;
    double cash = 0.0;
    double injection = 0.0;
    double fees_paid = 0.0, dsra_draw = 0.0, dsra_deposit = 0.0, dsra_release = 0.0, mra_deposit = 0.0;
    double sweep = 0.0, distributions = 0.0, trapped_deposit = 0.0, trapped_release = 0.0;
    double interest_paid_total = 0.0, principal_paid_total = 0.0, prepay_total = 0.0;
    bool payment_default = false;
    bool dscr_default = false;
    double tested = kNaN;  ///< the ratio the covenants test (LTM or period DSCR)
};

/// Notes that entry `kt` of a sparse column was written this run.
PFT_STEP void note_written(std::uint32_t* list, int& count, int capacity, std::size_t kt) {
    if (count < capacity) list[count] = static_cast<std::uint32_t>(kt);
    ++count;  // past the capacity: the next run clears the whole column
}

/// The kernel as named steps. The constructor is the set-up (checks, constants, output columns);
/// run() calls construction, the forecast CFADS of the coverage tests, the operating pass and
/// then, for every operating period, open_period, the waterfall steps in the project's order
/// and close_period. `Full` selects the output mode; `KFixed` > 0 is the tranche count as a
/// compile-time constant (the dispatcher instantiates the common small counts), so the per-
/// tranche loops unroll and the running per-tranche state lives in local arrays the compiler
/// can keep in registers; KFixed = 0 handles any count with the workspace's buffers. Every step
/// is always inlined into run(), and the kernel, CarriedState and PeriodState never leave it, so
/// their members stay in registers as the one-function kernel's locals did (same operations in
/// the same order: same bits). `Defer` = false and `PlainDsra` = true are the common project's
/// kernel, chosen once per run from the compiled project (dispatch_on_terms): no deferral terms
/// anywhere, and a DSRA target of whole periods of forward debt service at share 1 (no fixed
/// amount, no pro-rated period). That kernel compiles without the deferral hooks and the general
/// target, whose registers and branches otherwise cost the period loop 6-9% (benchmarks/
/// README.md, "Waterfall kernel after the deal-terms work"); every other project runs
/// <Defer = true, PlainDsra = false>, which checks both at run time as before.
template <bool Full, int KFixed, bool Defer, bool PlainDsra>
struct Kernel {
    static constexpr std::size_t kLocal = KFixed > 0 ? static_cast<std::size_t>(KFixed) : 1;

    /// Per-tranche running state (balances, arrears, this period's dues, unpaid amounts), held
    /// by the caller: local arrays for fixed counts, the workspace's buffers otherwise.
    struct TrancheArrays {
        double* bal;
        double* arrears;
        double* idue;
        double* pdue;
        double* unpaid;
    };

    const CompiledProject& p;
    const PeriodDrivers& d;
    WaterfallWorkspace& w;
    WaterfallResults& r;
    const Run<Full>& run;
    const int n;
    const int K;
    const std::size_t N;
    const std::size_t N1;
    double* const bal;
    double* const arrears;
    double* const idue;
    double* const pdue;
    double* const unpaid;
    const bool deferral_terms;
    double* const deferred_capitalised;
    int* const deferral_periods;
    std::uint8_t* const deferral_lost;
    // Fixed counts: the tranches the DSRA covers as a compact ascending list (every period's
    // target sums over them in index order, so the others cost nothing) and the maturities.
    int local_covered[kLocal] = {};
    int local_maturity[kLocal] = {};
    // Fixed counts: a fixed-rate tranche's rate as a scalar (NaN marks a floating tranche, whose
    // rate row follows the drivers): the period loop reads one rate row less per such tranche.
    double local_fixed_rate[kLocal] = {};
    int covered_count = 0;
    double* const rates;
    double* const rate_prefix;
    double* const weighted_prefix;
    const double* const accrual;
    const double* const sched_all;
    const double* const cum_all;
    const CompiledTranche* const tranches;
    const int* const rank_order;
    const int groups;
    // Fixed counts: the covered tranches' prefix-sum rows, addressed once here.
    const double* covered_cum[kLocal] = {};
    const double* covered_q[kLocal] = {};
    const double* covered_wq[kLocal] = {};
    const double overrun;  ///< depreciation scale: 1 + capex overrun x the share of capex undrawn at the valuation date
    const int C;
    const int m_ahead;
    const double m_partial;
    const double m_share;
    const bool dsra_fixed;
    const double dsra_fixed_amount;

    // Output columns.
    double* const o_revenue;
    double* const o_opex;
    double* const o_dwc;
    double* const o_tax;
    double* const o_mra_release;
    double* const o_cfads;
    double* const o_fees;
    double* const o_ds_due;
    double* const o_ds_paid;
    double* const o_dscr;
    double* const o_ltm;
    double* const o_llcr;
    double* const o_plcr;
    double* const o_dsra_bal;
    double* const o_dsra_draw;
    double* const o_dsra_dep;
    double* const o_dsra_rel;
    double* const o_dsra_int;
    double* const o_mra_bal;
    double* const o_mra_int;
    double* const o_mra_dep;
    double* const o_lock_bal;
    double* const o_lock_dep;
    double* const o_lock_rel;
    std::uint8_t* const o_lockup;
    std::uint8_t* const o_eod;
    std::uint8_t* const o_dsra_drawn;
    double* const o_sweep;
    double* const o_dist;
    double* const o_inject;
    double* const o_equity_cf;
    double* const o_capex;
    double* const o_draw;
    double* const o_equity;
    double* const o_idc;
    double* const o_sources;
    double* const o_uses;
    double* const o_t_draw;
    double* const o_t_idue;
    double* const o_t_ipaid;
    double* const o_t_pdue;
    double* const o_t_ppaid;
    double* const o_t_prepay;
    double* const o_t_deferred;
    double* const o_t_bal;

    // Operations.
    const bool test_coverage;
    double* const op_revenue;
    double* const op_opex;
    double* const op_dwc;
    const double* const pre_tax;
    const double* const pre_cfads;
    std::uint32_t* const prepay_list;
    const int prepay_capacity;
    std::uint32_t* const deferred_list;
    const int deferred_capacity;
    const double* const maintenance_capex;
    const double* const given_tax;
    const double* const senior_fees;
    const int ltm_periods;
    const bool use_ltm;
    // Scalars copied to members of this local object: stores through the double* columns
    // cannot alias them.
    const double tax_rate;
    const bool loss_carry_forward;
    const bool mra_enabled;
    const double mra_target;
    const double* const mra_rate;   ///< annual rate per period (nullptr: none)
    const bool dsra_enabled;
    const double* const dsra_rate;  ///< annual rate per period (nullptr: none)
    const double lockup_dscr;
    const double default_dscr;
    const double min_llcr;
    const double min_plcr;
    const int cure_periods;
    const bool sweep_enabled;
    const double sweep_trigger;
    const double sweep_share;
    const int sweep_tranche;
    const std::array<WaterfallStep, 7> order;
    const int order_size;
    const bool default_order;
    const double* const mra_contribution;

    PFT_STEP Kernel(const CompiledProject& project, const PeriodDrivers& drivers, WaterfallWorkspace& workspace,
                    const Run<Full>& kernel_run, TrancheArrays a)
        : p(project), d(drivers), w(workspace), r(workspace.results), run(kernel_run), n(project.periods),
          K(KFixed > 0 ? KFixed : project.tranche_count), N(static_cast<std::size_t>(n)), N1(N + 1), bal(a.bal),
          arrears(a.arrears), idue(a.idue), pdue(a.pdue), unpaid(a.unpaid),
          deferral_terms(project.deferral_terms), deferred_capitalised(workspace.capitalised.data()),
          deferral_periods(workspace.deferral_periods.data()), deferral_lost(workspace.deferral_lost.data()),
          rates(w.period_rate.data()),
          rate_prefix(w.rate_prefix.data()), weighted_prefix(w.weighted_prefix.data()),
          accrual(p.grid.accrual.data()), sched_all(p.scheduled_principal.data()),
          cum_all(p.cumulative_scheduled.data()), tranches(p.tranches.data()), rank_order(p.rank_order.data()),
          groups(static_cast<int>(p.rank_begin.size()) - 1), overrun(1.0 + d.capex_overrun * project.overrun_share),
          C(p.grid.construction_periods), m_ahead(p.dsra.periods_ahead), m_partial(p.dsra.partial_period),
          m_share(p.dsra.share), dsra_fixed(p.dsra.fixed), dsra_fixed_amount(p.dsra.fixed_amount), o_revenue(r.revenue.data()),
          o_opex(r.opex.data()), o_dwc(r.working_capital_change.data()), o_tax(r.tax.data()),
          o_mra_release(r.mra_release.data()), o_cfads(r.cfads.data()), o_fees(r.senior_fees.data()),
          o_ds_due(r.debt_service_due.data()), o_ds_paid(r.debt_service_paid.data()), o_dscr(r.dscr.data()),
          o_ltm(r.ltm_dscr.data()), o_llcr(r.llcr.data()), o_plcr(r.plcr.data()),
          o_dsra_bal(r.dsra_balance.data()), o_dsra_draw(r.dsra_draw.data()), o_dsra_dep(r.dsra_deposit.data()),
          o_dsra_rel(r.dsra_release.data()), o_dsra_int(r.dsra_interest.data()), o_mra_bal(r.mra_balance.data()),
          o_mra_int(r.mra_interest.data()),
          o_mra_dep(r.mra_deposit.data()), o_lock_bal(r.lockup_balance.data()),
          o_lock_dep(r.lockup_deposit.data()), o_lock_rel(r.lockup_release.data()), o_lockup(r.lockup.data()),
          o_eod(r.event_of_default.data()), o_dsra_drawn(r.dsra_drawn.data()), o_sweep(r.sweep.data()),
          o_dist(r.distributions.data()), o_inject(r.equity_injection.data()),
          o_equity_cf(r.equity_cash_flow.data()), o_capex(r.capex.data()), o_draw(r.debt_drawdown.data()),
          o_equity(r.equity_funding.data()), o_idc(r.interest_during_construction.data()),
          o_sources(r.sources.data()), o_uses(r.uses.data()), o_t_draw(r.tranche_drawdown.data()),
          o_t_idue(r.tranche_interest_due.data()), o_t_ipaid(r.tranche_interest_paid.data()),
          o_t_pdue(r.tranche_principal_due.data()), o_t_ppaid(r.tranche_principal_paid.data()),
          o_t_prepay(r.tranche_prepayment.data()), o_t_deferred(r.tranche_deferred.data()),
          o_t_bal(r.tranche_balance.data()),
          test_coverage(p.covenants.min_llcr > 0.0 || p.covenants.min_plcr > 0.0),
          op_revenue(Full ? o_revenue : nullptr), op_opex(Full ? o_opex : nullptr), op_dwc(Full ? o_dwc : nullptr),
          pre_tax(w.pre_tax.data()), pre_cfads(w.pre_cfads.data()), prepay_list(w.prepayment_written.data()),
          prepay_capacity(static_cast<int>(w.prepayment_written.size())),
          deferred_list(w.deferred_written.data()), deferred_capacity(static_cast<int>(w.deferred_written.size())),
          maintenance_capex(p.maintenance_capex.data()), given_tax(p.given_tax_margin.empty() ? nullptr : workspace.given_tax.data()), senior_fees(p.senior_fees.data()),
          ltm_periods(p.covenants.ltm_periods), use_ltm(p.covenants.use_ltm), tax_rate(p.tax_rate),
          loss_carry_forward(p.loss_carry_forward), mra_enabled(p.mra.enabled), mra_target(p.mra.target),
          mra_rate(p.mra.interest_rate.empty() ? nullptr : p.mra.interest_rate.data()), dsra_enabled(p.dsra.enabled),
          dsra_rate(p.dsra.interest_rate.empty() ? nullptr : p.dsra.interest_rate.data()),
          lockup_dscr(p.covenants.lockup_dscr),
          default_dscr(p.covenants.default_dscr), min_llcr(p.covenants.min_llcr), min_plcr(p.covenants.min_plcr),
          cure_periods(p.covenants.cure_periods), sweep_enabled(p.covenants.sweep_enabled),
          sweep_trigger(p.covenants.sweep_trigger), sweep_share(p.covenants.sweep_share),
          sweep_tranche(p.covenants.sweep_tranche), order(p.order), order_size(p.order_size),
          default_order(p.order_size == 7 && p.order == default_waterfall_order()),
          mra_contribution(p.mra_contribution.data()) {
        if constexpr (KFixed > 0) {
            for (int k = 0; k < KFixed; ++k) {
                local_maturity[k] = p.tranches[static_cast<std::size_t>(k)].maturity;
                local_fixed_rate[k] = p.tranches[static_cast<std::size_t>(k)].floating
                                          ? kNaN
                                          : p.tranches[static_cast<std::size_t>(k)].fixed_rate;
                if (p.tranches[static_cast<std::size_t>(k)].dsra_covered) local_covered[covered_count++] = k;
            }
        }
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
        if (deferrals()) {
            std::fill(deferred_capitalised, deferred_capitalised + K, 0.0);
            std::fill(deferral_periods, deferral_periods + K, 0);
            std::fill(deferral_lost, deferral_lost + K, std::uint8_t{0});
        }
    }

    [[nodiscard]] PFT_STEP std::size_t at(int k, int t) const {
        return static_cast<std::size_t>(k) * N + static_cast<std::size_t>(t);
    }

    /// Per-run rates of floating tranches (drivers move their index) and their DSRA prefix sums;
    /// fixed-rate rows are run-invariant (bind()).
    PFT_STEP void floating_rates() {
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
    }

    /// DSRA target from period `from`: a fixed amount while covered debt is outstanding, or
    /// share x the forward debt service of the next m whole periods plus the pro-rated part of
    /// the period after them (dsra_window).
    [[nodiscard]] PFT_STEP double dsra_target(int from) const {
        // Plain target: share 1 and whole periods only, so the general form below reduces to
        // this window exactly (x 1.0 is exact).
        if constexpr (PlainDsra) {
            return dsra_window(from, min_value(n, from + m_ahead));
        } else {
            if (dsra_fixed) {
                if (from >= n) return 0.0;
                for (int k = 0; k < K; ++k)
                    if (tranches[k].dsra_covered && bal[k] > 0.0) return dsra_fixed_amount;
                return 0.0;
            }
            const int whole_stop = min_value(n, from + m_ahead);
            double target = dsra_window(from, whole_stop);
            // Pro-rated share of the period after the whole ones: its projected debt service.
            if (m_partial > 0.0 && from + m_ahead < n)
                target += m_partial * (dsra_window(from, whole_stop + 1) - target);
            return m_share * target;
        }
    }

    /// Whether some tranche has deferral terms; a compile-time false without `Defer`, so the
    /// common kernel carries none of the deferral work in its period loop.
    [[nodiscard]] PFT_STEP bool deferrals() const {
        if constexpr (Defer)
            return deferral_terms;
        else
            return false;
    }

    /// DSRA target: forward debt service of covered tranches over periods [from, stop),
    /// projected from the current balances on the scheduled amortisation. When the balance
    /// covers the window's scheduled principal and no maturity falls inside, the sum has a
    /// closed form in prefix sums: principal = CUM_b - CUM_a, interest =
    /// (B + CUM_a)(Q_b - Q_a) - (W_b - W_a); otherwise the window is walked period by period.
    [[nodiscard]] PFT_STEP double dsra_window(int from, int stop) const {
        double target = 0.0;
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
                const double repaid = (j >= maturity) ? remaining : min_value(remaining, sched[js]);
                target += interest + repaid;
                remaining -= repaid;
            }
        }
        return target;
    }

    /// The DSRA funded at close (the target at COD on the full commitments), or 0.
    PFT_STEP double dsra_funding_at_close() {
        double amount = 0.0;
        if (p.dsra.close_frozen) return p.dsra.close_amount;  // valued during construction: history
        if (p.dsra.enabled && p.dsra.funded_at_close) {
            for (int k = 0; k < K; ++k) bal[k] = tranches[k].principal;  // projection at COD
            amount = dsra_target(C);
            for (int k = 0; k < K; ++k) bal[k] = 0.0;
        }
        return amount;
    }

    /// Financial close and the construction periods: capex, capitalised interest, drawdowns
    /// pro rata to the headroom, equity for the rest, the DSRA funded at close.
    PFT_STEP void construction(CarriedState& s) {
        if (C == 0) {
            const double dsra_fund = dsra_funding_at_close();
            double debt = 0.0;
            for (int k = 0; k < K; ++k) {
                bal[k] = tranches[k].principal;
                debt += bal[k];
            }
            r.close_capex = p.capex_total * overrun;
            r.close_debt = debt;
            r.close_dsra_funding = dsra_fund;
            r.close_equity = r.close_capex + dsra_fund - debt;
            s.dsra = dsra_fund;
        }
        for (int t = 0; t < C; ++t) {
            const auto ts = static_cast<std::size_t>(t);
            const double tau = accrual[ts];
            const double dsra_fund = t == 0 ? dsra_funding_at_close() : 0.0;
            const double base_uses = p.construction_capex[ts] + dsra_fund;
            // Only the capex still to be drawn at the valuation date overruns (overrun_weight:
            // 1 unless valued during construction, and x * 1.0 == x, so then capex x overrun).
            const double capex = p.construction_capex[ts] * (1.0 + d.capex_overrun * p.overrun_weight[ts]);
            // Interest on the opening drawn balance, capitalised within the commitment.
            double idc_capitalised = 0.0;
            double idc_cash = 0.0;
            double headroom_total = 0.0;
            for (int k = 0; k < K; ++k) {
                const double rk = rates[at(k, t)];
                const double interest = bal[k] * rk * tau;
                const double headroom = max_value(0.0, tranches[k].principal - bal[k]);
                double capitalised = 0.0;
                if (p.capitalise_interest) {
                    capitalised = min_value(interest, headroom);
                    bal[k] += capitalised;
                    idc_capitalised += capitalised;
                }
                idc_cash += interest - capitalised;
                if constexpr (Full) o_t_deferred[at(k, t)] = capitalised;
                o_t_idue[at(k, t)] = interest;
                o_t_ipaid[at(k, t)] = interest - capitalised;
                headroom_total += max_value(0.0, tranches[k].principal - bal[k]);
            }
            const double uses = capex + dsra_fund + idc_cash;
            // The DSRA deposit at close: pro rata with capex (in base_uses), from equity (outside
            // the debt's share) or drawn in full from the debt (docs/input-schema.md, dsra.funded_by).
            // Equity first already pays a pro-rata deposit from equity (while its commitment lasts).
            const int source = p.dsra.close_source;
            const double debt_dsra = source == 2 ? dsra_fund : 0.0;
            double debt_wanted;
            if (p.equity_first) {
                const double equity_left = max_value(0.0, p.equity_commitment - s.equity_drawn);
                debt_wanted = max_value(0.0, (source == 2 ? p.construction_capex[ts] : base_uses) - equity_left) + debt_dsra;
            } else {
                debt_wanted = p.debt_share * (source == 0 ? base_uses : p.construction_capex[ts]) + debt_dsra;
            }
            const double draw = min_value(debt_wanted, headroom_total);
            for (int k = 0; k < K; ++k) {
                const double headroom = max_value(0.0, tranches[k].principal - bal[k]);
                const double part = headroom_total > 0.0 ? draw * headroom / headroom_total : 0.0;
                bal[k] += part;
                if constexpr (Full) o_t_draw[at(k, t)] = part;
                o_t_bal[at(k, t)] = bal[k];
            }
            const double equity = uses - draw;
            s.equity_drawn += equity;
            s.dsra += dsra_fund;
            o_equity_cf[ts] = -equity;
            if constexpr (Full) {  // the other construction-period columns are run-invariant (bind())
                o_capex[ts] = capex;
                o_draw[ts] = draw;
                o_equity[ts] = equity;
                o_idc[ts] = idc_capitalised + idc_cash;
                o_dsra_dep[ts] = dsra_fund;
                o_dsra_bal[ts] = s.dsra;
                o_sources[ts] = draw + equity;
                o_uses[ts] = capex + dsra_fund + idc_cash;
            }
        }
    }

    /// Forecast CFADS for the LLCR / PLCR covenant tests (pre-tax, see docs/conventions.md):
    /// discounted sums over the remaining debt life and the project life, from the end back.
    PFT_STEP void forecast_cfads() {
        if (!test_coverage) return;
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

    /// State-independent operating flows of every operating period (full mode: straight into the
    /// result columns), and the sparse columns the previous run wrote cleared: zero except where
    /// a run writes them; this run's entries are noted as it writes them.
    PFT_STEP void operating_flows() {
        operating_pass<Full>(p, d, w, overrun, op_revenue, op_opex, op_dwc);
        const auto ops_begin = static_cast<std::size_t>(C);
        clear_written(o_t_prepay, prepay_list, w.prepayment_written_count, prepay_capacity, K, N, ops_begin);
        if constexpr (Full)
            clear_written(o_t_deferred, deferred_list, w.deferred_written_count, deferred_capacity, K, N, ops_begin);
    }

    /// Opens operating period t: interest and scheduled principal due, tax, CFADS, the coverage
    /// ratios, DSRA interest, and the equity injection for negative CFADS.
    PFT_STEP void open_period(int t, CarriedState& s, PeriodState& ps) {
        ps.t = t;
        ps.ts = static_cast<std::size_t>(t);
        ps.i = t - C;
        ps.tau = accrual[ps.ts];
        ps.last = (t == n - 1);
        const std::size_t ts = ps.ts;
        const double tau = ps.tau;

        // Tax, maintenance -> CFADS (revenue, opex and working capital: operating_flows).
        ps.maintenance = maintenance_capex[ts];
        ps.fees_due = senior_fees[ts] + s.fee_arrears;

        double opening_debt = 0.0;
        double interest_accrued = 0.0;
        double ds_due = 0.0;
        for (int k = 0; k < K; ++k) {
            const std::size_t kt = at(k, t);
            const double rk = KFixed > 0 && !std::isnan(local_fixed_rate[k]) ? local_fixed_rate[k] : rates[kt];
            idue[k] = bal[k] * rk * tau;
            // Default interest: the deferred balance (capitalised interest + arrears) at the margin.
            if (deferrals())
                idue[k] += min_value(bal[k], deferred_capitalised[k] + arrears[k]) * tranches[k].default_margin * tau;
            opening_debt += bal[k];
            interest_accrued += idue[k];
            // Scheduled principal (+ arrears); the whole balance from maturity on.
            const int maturity = KFixed > 0 ? local_maturity[k] : tranches[k].maturity;
            const double scheduled = t >= maturity ? bal[k] : min_value(bal[k], sched_all[kt]);
            pdue[k] = min_value(bal[k], scheduled + arrears[k]);
            ds_due += idue[k] + scheduled;
            o_t_idue[kt] = idue[k];
            o_t_pdue[kt] = pdue[k];
        }
        ps.opening_debt = opening_debt;
        ps.interest_accrued = interest_accrued;
        ps.ds_due = ds_due;
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
                s.nol -= taxable;
            } else {
                const double used = min_value(s.nol, taxable);
                s.nol -= used;
                tax = tax_rate * (taxable - used);
            }
        } else {
            tax = tax_rate * max_value(0.0, taxable);
        }
        ps.tax = given_tax != nullptr ? tax + given_tax[ts] : tax;  // a given tax line (cash_flows.tax)
        const double mra_release = mra_enabled ? min_value(s.mra, ps.maintenance) : 0.0;
        s.mra -= mra_release;
        ps.mra_release = mra_release;
        const double cfads = pre_cfads[ts] - ps.tax - ps.maintenance + mra_release;
        ps.cfads = cfads;

        ps.dscr = ds_due > 0.0 ? cfads / ds_due : kNaN;
        s.ltm_cfads += cfads;
        s.ltm_ds += ds_due;
        if (ps.i >= ltm_periods) {
            s.ltm_cfads -= o_cfads[ts - static_cast<std::size_t>(ltm_periods)];
            s.ltm_ds -= o_ds_due[ts - static_cast<std::size_t>(ltm_periods)];
        }
        ps.ltm_dscr = s.ltm_ds > 1e-9 * max_value(1.0, std::abs(s.ltm_cfads)) ? s.ltm_cfads / s.ltm_ds : kNaN;
        ps.llcr = kNaN;
        ps.plcr = kNaN;
        if (test_coverage && opening_debt > 0.0) {
            ps.llcr = w.coverage_npv_debt[ts] / opening_debt;
            ps.plcr = w.coverage_npv_project[ts] / opening_debt;
        }

        // The DSRA earns interest on its opening balance, credited to the account.
        // Rates per period (constant, curve, CSV or a backtest's realised return: reserve_rates).
        // An account without a rate column earns nothing and its balance is left as it is (adding
        // +0.0 would change no bit of a balance that is never -0.0, but it would lengthen the
        // balance's dependency chain through the period: the cash waterfall waits on it).
        ps.dsra_interest = 0.0;
        if (dsra_rate != nullptr) {
            ps.dsra_interest = s.dsra * dsra_rate[ts] * tau;
            s.dsra += ps.dsra_interest;
        }
        // So does the MRA (after this period's release), credited to the account too.
        ps.mra_interest = 0.0;
        if (mra_rate != nullptr) {
            ps.mra_interest = s.mra * mra_rate[ts] * tau;
            s.mra += ps.mra_interest;
        }

        ps.cash = cfads;
        ps.injection = 0.0;
        if (ps.cash < 0.0) {
            ps.injection = -ps.cash;
            ps.cash = 0.0;
            run.event(t, EventKind::EquityInjection, -1, ps.injection);
        }
        ps.fees_paid = ps.dsra_draw = ps.dsra_deposit = ps.dsra_release = ps.mra_deposit = 0.0;
        ps.sweep = ps.distributions = ps.trapped_deposit = ps.trapped_release = 0.0;
        ps.interest_paid_total = ps.principal_paid_total = ps.prepay_total = 0.0;
        ps.payment_default = false;
        ps.dscr_default = false;
        ps.tested = use_ltm ? ps.ltm_dscr : ps.dscr;
    }

    /// Senior fees (and their arrears) from cash; the rest is carried as arrears.
    PFT_STEP void senior_fees_step(CarriedState& s, PeriodState& ps) {
        ps.fees_paid = min_value(ps.cash, ps.fees_due);
        ps.cash -= ps.fees_paid;
        s.fee_arrears = ps.fees_due - ps.fees_paid;
        if (s.fee_arrears > 0.0) run.event(ps.t, EventKind::SeniorFeeShortfall, -1, s.fee_arrears);
    }

    /// Interest then principal of every tranche in rank order: all of it when cash covers the
    /// total, else pro rata within each rank with the DSRA for covered tranches; unpaid interest
    /// is capitalised, unpaid principal becomes arrears.
    PFT_STEP void debt_service(CarriedState& s, PeriodState& ps) {
        const int t = ps.t;
        // Fast path: cash covers every tranche's interest and principal.
        double total_due = 0.0;
        for (int k = 0; k < K; ++k) total_due += idue[k] + pdue[k];
        if (ps.cash >= total_due) {
            ps.cash -= total_due;
            for (int k = 0; k < K; ++k) {
                const std::size_t kt = at(k, t);
                o_t_ipaid[kt] = idue[k];
                o_t_ppaid[kt] = pdue[k];
                bal[k] -= pdue[k];
                arrears[k] = 0.0;
                ps.interest_paid_total += idue[k];
                ps.principal_paid_total += pdue[k];
            }
            return;
        }
        PayState st{ps.cash, s.dsra, ps.dsra_draw, 0.0, ps.payment_default};
        for (int gi = 0; gi < groups; ++gi) {
            const int gb = p.rank_begin[static_cast<std::size_t>(gi)];
            const int ge = p.rank_begin[static_cast<std::size_t>(gi) + 1];
            st.paid_total = 0.0;
            pay_group_short(run, t, gb, ge, idue, o_t_ipaid, unpaid, true, st);
            ps.interest_paid_total += st.paid_total;
            for (int q = gb; q < ge; ++q) {  // unpaid interest is capitalised
                const int k = rank_order[q];
                if (unpaid[k] <= 0.0) continue;
                bal[k] += unpaid[k];
                if (deferrals()) deferred_capitalised[k] += unpaid[k];
                if constexpr (Full) {
                    o_t_deferred[at(k, t)] = unpaid[k];
                    note_written(deferred_list, w.deferred_written_count, deferred_capacity, at(k, t));
                }
                if (t >= tranches[k].maturity) pdue[k] = bal[k];
            }
            st.paid_total = 0.0;
            pay_group_short(run, t, gb, ge, pdue, o_t_ppaid, unpaid, false, st);
            ps.principal_paid_total += st.paid_total;
            for (int q = gb; q < ge; ++q) {
                const int k = rank_order[q];
                bal[k] -= o_t_ppaid[at(k, t)];
                arrears[k] = unpaid[k];
            }
        }
        ps.cash = st.cash;
        s.dsra = st.dsra;
        ps.dsra_draw = st.dsra_draw;
        ps.payment_default = st.payment_default;
        if (deferrals()) deferral_caps(ps);
    }

    /// Deferral caps (docs/input-schema.md "Deferral terms"): a period in which a tranche with
    /// terms leaves interest or principal unpaid counts towards max_periods; when the count
    /// exceeds max_periods or the deferred balance exceeds max_amount, or the right to defer was
    /// already lost, the period is an event of default (a payment default of that tranche).
    /// The unpaid amounts are still capitalised / carried as arrears; nothing is accelerated.
    PFT_STEP void deferral_caps(PeriodState& ps) {
        for (int k = 0; k < K; ++k) {
            const CompiledTranche& tr = tranches[k];
            if (!tr.deferral_terms) continue;
            const std::size_t kt = at(k, ps.t);
            if (!(o_t_ipaid[kt] < idue[k] || arrears[k] > 0.0)) continue;
            ++deferral_periods[k];
            const double deferred = min_value(bal[k], deferred_capitalised[k] + arrears[k]);
            if (deferral_lost[k] == 0 && deferral_periods[k] <= tr.max_deferral_periods && deferred <= tr.max_deferred)
                continue;
            deferral_lost[k] = 1;
            ps.payment_default = true;
            run.event(ps.t, EventKind::PaymentDefault, k, deferred);
        }
    }

    /// The DSRA to its target (forward debt service from the next period): release the excess
    /// or top it up from cash.
    PFT_STEP void dsra_top_up(CarriedState& s, PeriodState& ps) {
        if (!dsra_enabled) return;
        const double target = ps.last ? 0.0 : dsra_target(ps.t + 1);
        if (s.dsra > target) {
            ps.dsra_release = s.dsra - target;
            s.dsra = target;
            ps.cash += ps.dsra_release;
        } else {
            ps.dsra_deposit = min_value(ps.cash, target - s.dsra);
            s.dsra += ps.dsra_deposit;
            ps.cash -= ps.dsra_deposit;
        }
    }

    /// The MRA's scheduled contribution up to its target; released in the last period.
    PFT_STEP void mra_top_up(CarriedState& s, PeriodState& ps) {
        if (!mra_enabled) return;
        if (ps.last) {  // the account is released at the end of the project
            ps.cash += s.mra;
            ps.mra_deposit -= s.mra;
            s.mra = 0.0;
            return;
        }
        const double want = min_value(mra_contribution[ps.ts], max_value(0.0, mra_target - s.mra));
        ps.mra_deposit = min_value(ps.cash, want);
        s.mra += ps.mra_deposit;
        ps.cash -= ps.mra_deposit;
    }

    /// Covenant tests: lock-up (DSCR, LLCR, PLCR), DSCR default, and the cure of a lock-up.
    PFT_STEP void lockup_test(CarriedState& s, PeriodState& ps) {
        const int t = ps.t;
        const double tested = ps.tested;
        const double lock_level = lockup_dscr;
        bool failed = false;
        if (!std::isnan(tested) && tested < lock_level) {
            failed = true;
            run.event(t, EventKind::LockupBreach, -1, 0.0, tested, lock_level);
        }
        if (!std::isnan(ps.llcr) && min_llcr > 0.0 && ps.llcr < min_llcr) {
            failed = true;
            run.event(t, EventKind::LockupBreach, -1, 0.0, ps.llcr, min_llcr);
        }
        if (!std::isnan(ps.plcr) && min_plcr > 0.0 && ps.plcr < min_plcr) {
            failed = true;
            run.event(t, EventKind::LockupBreach, -1, 0.0, ps.plcr, min_plcr);
        }
        if (!std::isnan(tested) && tested < default_dscr) {
            ps.dscr_default = true;
            run.event(t, EventKind::DscrDefault, -1, 0.0, tested, default_dscr);
        }
        if (failed) {
            s.locked = true;
            s.cure_count = 0;
        } else if (s.locked) {
            if (++s.cure_count >= cure_periods) {
                s.locked = false;
                s.cure_count = 0;
                run.event(t, EventKind::LockupReleased, -1, 0.0, tested, lock_level);
            }
        }
    }

    /// The cash sweep: a share of the remaining cash prepays the sweep tranche while the sweep
    /// trigger (or the lock-up) holds.
    PFT_STEP void cash_sweep(CarriedState& s, PeriodState& ps) {
        if (!sweep_enabled || ps.cash <= 0.0) return;
        const bool active = sweep_trigger > 0.0 ? (!std::isnan(ps.tested) && ps.tested < sweep_trigger) : s.locked;
        const int k = sweep_tranche;
        if (!active || bal[k] <= 0.0) return;
        ps.sweep = min_value(sweep_share * ps.cash, bal[k]);
        bal[k] -= ps.sweep;
        ps.cash -= ps.sweep;
        o_t_prepay[at(k, ps.t)] = ps.sweep;
        note_written(prepay_list, w.prepayment_written_count, prepay_capacity, at(k, ps.t));
        ps.prepay_total += ps.sweep;
        run.event(ps.t, EventKind::CashSweep, k, ps.sweep);
    }

    /// Distribution to equity, or cash trapped while locked up or in default. In the last period
    /// trapped cash and reserves repay what is still owed, in rank order, then go to equity.
    PFT_STEP void distribution(CarriedState& s, PeriodState& ps) {
        if (ps.last) {
            ps.cash += s.trapped + s.dsra;
            ps.trapped_release = s.trapped;
            ps.dsra_release += s.dsra;
            s.trapped = 0.0;
            s.dsra = 0.0;
            for (int q = 0; q < K; ++q) {
                const int k = rank_order[q];
                const double pay = min_value(ps.cash, bal[k]);
                if (pay <= 0.0) continue;
                bal[k] -= pay;
                ps.cash -= pay;
                o_t_prepay[at(k, ps.t)] += pay;
                note_written(prepay_list, w.prepayment_written_count, prepay_capacity, at(k, ps.t));
                ps.prepay_total += pay;
            }
            ps.distributions = ps.cash;
            ps.cash = 0.0;
            return;
        }
        if (s.locked || ps.payment_default || ps.dscr_default) {
            ps.trapped_deposit = ps.cash;
            s.trapped += ps.cash;
        } else {
            ps.trapped_release = s.trapped;
            ps.distributions = ps.cash + s.trapped;
            s.trapped = 0.0;
        }
        ps.cash = 0.0;
    }

    /// One waterfall step; called with constants for the default order, so the switch folds
    /// away and the period runs as straight-line code.
    PFT_STEP void step(WaterfallStep which, CarriedState& s, PeriodState& ps) {
        switch (which) {
        case WaterfallStep::SeniorFees: senior_fees_step(s, ps); break;
        case WaterfallStep::DebtService: debt_service(s, ps); break;
        case WaterfallStep::DsraTopUp: dsra_top_up(s, ps); break;
        case WaterfallStep::MraTopUp: mra_top_up(s, ps); break;
        case WaterfallStep::LockupTest: lockup_test(s, ps); break;
        case WaterfallStep::CashSweep: cash_sweep(s, ps); break;
        case WaterfallStep::Distribution: distribution(s, ps); break;
        }
    }

    /// Closes the period: cash a custom order left goes to equity, balances and losses at
    /// maturity, then the result columns (lean ones always, the diagnostic ones in full mode).
    PFT_STEP void close_period(const CarriedState& s, PeriodState& ps) {
        const int t = ps.t;
        const std::size_t ts = ps.ts;
        // A custom order without a distribution step leaves cash with equity.
        if (ps.cash != 0.0) {
            ps.distributions += ps.cash;
            ps.cash = 0.0;
        }
        for (int k = 0; k < K; ++k) o_t_bal[at(k, t)] = bal[k];
        // Capitalised interest is the last of the balance to be repaid.
        if (deferrals())
            for (int k = 0; k < K; ++k) deferred_capitalised[k] = min_value(deferred_capitalised[k], bal[k]);
        if (ps.last) {
            for (int k = 0; k < K; ++k)
                if (bal[k] > 1e-9 * max_value(1.0, tranches[k].principal)) run.event(t, EventKind::LossAtMaturity, k, bal[k]);
        }

        // Lean columns (what Monte Carlo paths and stress tallies consume).
        o_cfads[ts] = ps.cfads;
        o_ds_due[ts] = ps.ds_due;
        o_dscr[ts] = ps.dscr;
        o_ltm[ts] = ps.ltm_dscr;
        o_dsra_draw[ts] = ps.dsra_draw;
        o_lockup[ts] = s.locked ? 1 : 0;
        o_eod[ts] = (ps.payment_default || ps.dscr_default) ? 1 : 0;
        o_dsra_drawn[ts] = ps.dsra_draw > 0.0 ? 1 : 0;
        o_dist[ts] = ps.distributions;
        o_equity_cf[ts] = ps.distributions - ps.injection;
        if constexpr (Full) {
            const double revenue = op_revenue[ts];
            const double opex = op_opex[ts];
            const double dwc = op_dwc[ts];
            o_tax[ts] = ps.tax;
            o_mra_release[ts] = ps.mra_release;
            o_fees[ts] = ps.fees_paid;
            o_ds_paid[ts] = ps.interest_paid_total + ps.principal_paid_total;
            if (test_coverage) {
                o_llcr[ts] = ps.llcr;
                o_plcr[ts] = ps.plcr;
            }
            o_dsra_bal[ts] = s.dsra;
            o_dsra_dep[ts] = ps.dsra_deposit;
            o_dsra_rel[ts] = ps.dsra_release;
            o_dsra_int[ts] = ps.dsra_interest;
            o_mra_bal[ts] = s.mra;
            o_mra_int[ts] = ps.mra_interest;
            o_mra_dep[ts] = ps.mra_deposit;
            o_lock_bal[ts] = s.trapped;
            o_lock_dep[ts] = ps.trapped_deposit;
            o_lock_rel[ts] = ps.trapped_release;
            o_sweep[ts] = ps.sweep;
            o_inject[ts] = ps.injection;
            // mra_deposit is negative in the last period (the account released into the waterfall).
            o_sources[ts] = revenue - dwc + ps.injection + ps.dsra_draw + ps.dsra_release + ps.mra_release +
                            ps.trapped_release + max_value(0.0, -ps.mra_deposit);
            o_uses[ts] = opex + ps.tax + ps.maintenance + ps.fees_paid + ps.interest_paid_total +
                         ps.principal_paid_total + ps.prepay_total + ps.dsra_deposit + max_value(0.0, ps.mra_deposit) +
                         ps.trapped_deposit + ps.distributions;
        }
    }

    /// Seasoning: the actuals at the valuation date replace the carried state (balances, arrears,
    /// reserve accounts, lock-up) before the first remaining period opens; NaN / -1 keep the
    /// modelled value. The periods before keep their modelled columns (history).
    PFT_STEP void apply_actuals(CarriedState& s) {
        const auto& a = p.seasoning;
        for (int k = 0; k < K; ++k) {
            const auto ks = static_cast<std::size_t>(k);
            if (!std::isnan(a.balance[ks])) bal[k] = a.balance[ks];
            if (!std::isnan(a.arrears[ks])) arrears[k] = a.arrears[ks];
            // The actual capitalised interest is the deferred balance that bears default interest.
            if (deferrals() && !std::isnan(a.deferred[ks])) deferred_capitalised[k] = min_value(a.deferred[ks], bal[k]);
        }
        if (!std::isnan(a.dsra)) s.dsra = a.dsra;
        if (!std::isnan(a.mra)) s.mra = a.mra;
        if (!std::isnan(a.trapped)) s.trapped = a.trapped;
        if (a.locked >= 0) {
            s.locked = a.locked == 1;
            s.cure_count = 0;
        }
    }

    /// The whole run: construction, forecast CFADS, operating pass, then every operating period.
    PFT_STEP void run_all() {
        floating_rates();
        CarriedState s;
        construction(s);
        forecast_cfads();
        operating_flows();
        PeriodState ps;
        const int season = p.seasoning.enabled ? p.seasoning.period : -1;
        for (int t = C; t < n; ++t) {
            if (t == season) apply_actuals(s);
            open_period(t, s, ps);
            if (default_order) {
                step(WaterfallStep::SeniorFees, s, ps);
                step(WaterfallStep::DebtService, s, ps);
                step(WaterfallStep::DsraTopUp, s, ps);
                step(WaterfallStep::MraTopUp, s, ps);
                step(WaterfallStep::LockupTest, s, ps);
                step(WaterfallStep::CashSweep, s, ps);
                step(WaterfallStep::Distribution, s, ps);
            } else {
                for (int i = 0; i < order_size; ++i) step(order[static_cast<std::size_t>(i)], s, ps);
            }
            close_period(s, ps);
        }
    }
};

#undef PFT_STEP

}  // namespace

/// Checks the drivers and the workspace, then runs the kernel's named steps (Kernel above).
template <bool Full, int KFixed, bool Defer, bool PlainDsra>
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
    // Running per-tranche state. Local arrays are not reachable through the output columns'
    // double pointers, so stores to the results cannot force them back to memory.
    constexpr std::size_t kLocal = KFixed > 0 ? static_cast<std::size_t>(KFixed) : 1;
    double local_bal[kLocal], local_arrears[kLocal], local_idue[kLocal], local_pdue[kLocal], local_unpaid[kLocal];
    const typename Kernel<Full, KFixed, Defer, PlainDsra>::TrancheArrays arrays{
        KFixed > 0 ? local_bal : w.balance.data(), KFixed > 0 ? local_arrears : w.arrears.data(),
        KFixed > 0 ? local_idue : w.interest_due.data(), KFixed > 0 ? local_pdue : w.principal_due.data(),
        KFixed > 0 ? local_unpaid : w.unpaid.data()};
    Kernel<Full, KFixed, Defer, PlainDsra> kernel(p, d, w, run, arrays);
    kernel.run_all();
}

namespace {

template <bool Full, bool Defer, bool PlainDsra>
void dispatch_on_tranche_count(const CompiledProject& p, const PeriodDrivers& d, WaterfallWorkspace& w) {
    switch (p.tranche_count) {
    case 1: run_waterfall_impl<Full, 1, Defer, PlainDsra>(p, d, w); break;
    case 2: run_waterfall_impl<Full, 2, Defer, PlainDsra>(p, d, w); break;
    case 3: run_waterfall_impl<Full, 3, Defer, PlainDsra>(p, d, w); break;
    case 4: run_waterfall_impl<Full, 4, Defer, PlainDsra>(p, d, w); break;
    default: run_waterfall_impl<Full, 0, Defer, PlainDsra>(p, d, w); break;
    }
}

/// The common kernel (no deferral terms, plain DSRA target: Kernel's `Defer` / `PlainDsra`) or
/// the general one. The plain test mirrors dsra_target's general branches: not fixed, no
/// pro-rated period (`partial_period > 0` false) and share exactly 1 (so `share x target` is
/// the target, bit for bit).
template <bool Full>
void dispatch_on_terms(const CompiledProject& p, const PeriodDrivers& d, WaterfallWorkspace& w) {
    const bool plain_dsra = !p.dsra.fixed && !(p.dsra.partial_period > 0.0) && p.dsra.share == 1.0;
    if (!p.deferral_terms && plain_dsra)
        dispatch_on_tranche_count<Full, false, true>(p, d, w);
    else
        dispatch_on_tranche_count<Full, true, false>(p, d, w);
}

}  // namespace

void run_waterfall(const CompiledProject& project, const PeriodDrivers& drivers, WaterfallWorkspace& workspace,
                   WaterfallOutput output) {
    if (output == WaterfallOutput::Full)
        dispatch_on_terms<true>(project, drivers, workspace);
    else
        dispatch_on_terms<false>(project, drivers, workspace);
}

}  // namespace pftoken
