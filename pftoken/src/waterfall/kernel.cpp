// The waterfall kernel: one pass over the period grid, no allocation, plain arrays only.

#include "pftoken/waterfall/kernel.hpp"

#include <algorithm>
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

/// Mutable state of one run, kept in locals / the workspace.
struct Run {
    const CompiledProject& p;
    const PeriodDrivers& d;
    WaterfallWorkspace& w;
    WaterfallResults& r;
    int n;
    int k_count;

    void event(int t, EventKind kind, int tranche, double amount, double value = kNaN,
               double threshold = kNaN) const {
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

    [[nodiscard]] double tranche_rate(int k, int t) const {
        const CompiledTranche& tr = p.tranches[static_cast<std::size_t>(k)];
        if (!tr.floating) return tr.fixed_rate;
        const double index = d.index_level.empty() ? p.base_index[p.at(k, t)] : d.index_level[static_cast<std::size_t>(t)];
        return index + PeriodDrivers::at(d.index_shift, t, 0.0) + tr.spread;
    }
};

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
    for (auto* v : {&coverage_cfads, &coverage_npv_debt, &coverage_npv_project}) size_to(*v, n);
}

void run_waterfall(const CompiledProject& p, const PeriodDrivers& d, WaterfallWorkspace& w) {
    const int n = p.periods;
    const int K = p.tranche_count;
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
                    w.coverage_cfads.size() == static_cast<std::size_t>(n),
                "waterfall workspace: sized for " << r.periods << " periods x " << r.tranches
                                                  << " tranches, project has " << n << " x " << K
                                                  << " (call WaterfallWorkspace::resize)");
    const Run run{p, d, w, r, n, K};
    r.event_count = 0;
    r.events_dropped = 0;
    r.close_capex = r.close_debt = r.close_equity = r.close_dsra_funding = 0.0;

    double* bal = w.balance.data();
    double* arrears = w.arrears.data();
    double* rate = w.rate.data();
    double* idue = w.interest_due.data();
    double* pdue = w.principal_due.data();
    double* unpaid = w.unpaid.data();
    std::fill(w.balance.begin(), w.balance.end(), 0.0);
    std::fill(w.arrears.begin(), w.arrears.end(), 0.0);

    const double overrun = 1.0 + d.capex_overrun;
    const auto& g = p.grid;
    const int C = g.construction_periods;
    const int ppy = g.periods_per_year;
    const int m_ahead = p.dsra.periods_ahead;

    // DSRA target: forward debt service of covered tranches over the next m periods, projected
    // from the current balances on the scheduled amortisation (rates as in each period).
    auto dsra_target = [&](int from) {
        double target = 0.0;
        for (int k = 0; k < K; ++k) {
            const CompiledTranche& tr = p.tranches[static_cast<std::size_t>(k)];
            if (!tr.dsra_covered) continue;
            double b = bal[k];
            const int stop = std::min(n, from + m_ahead);
            for (int j = from; j < stop && b > 0.0; ++j) {
                const double interest = b * run.tranche_rate(k, j) * g.accrual[static_cast<std::size_t>(j)];
                const double principal = (j >= tr.maturity) ? b : std::min(b, p.scheduled_principal[p.at(k, j)]);
                target += interest + principal;
                b -= principal;
            }
        }
        return target;
    };

    double dsra = 0.0;
    double mra = 0.0;
    double trapped = 0.0;
    double nol = 0.0;
    double wc_prev = 0.0;
    double fee_arrears = 0.0;
    bool locked = false;
    int cure_count = 0;
    double ltm_cfads = 0.0;
    double ltm_ds = 0.0;
    double equity_drawn = 0.0;

    // ---- Construction -------------------------------------------------------------------------
    auto fund_dsra_at_close = [&](double& amount) {
        amount = 0.0;
        if (p.dsra.enabled && p.dsra.funded_at_close) {
            for (int k = 0; k < K; ++k) bal[k] = p.tranches[static_cast<std::size_t>(k)].principal;  // projection at COD
            amount = dsra_target(C);
            for (int k = 0; k < K; ++k) bal[k] = 0.0;
        }
    };
    if (C == 0) {
        double dsra_fund = 0.0;
        fund_dsra_at_close(dsra_fund);
        double debt = 0.0;
        for (int k = 0; k < K; ++k) {
            bal[k] = p.tranches[static_cast<std::size_t>(k)].principal;
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
        const double tau = g.accrual[ts];
        double dsra_fund = 0.0;
        if (t == 0) fund_dsra_at_close(dsra_fund);
        const double base_uses = p.construction_capex[ts] + dsra_fund;
        const double capex = p.construction_capex[ts] * overrun;
        // Interest on the opening drawn balance, capitalised within the commitment.
        double idc_capitalised = 0.0;
        double idc_cash = 0.0;
        double headroom_total = 0.0;
        for (int k = 0; k < K; ++k) {
            rate[k] = run.tranche_rate(k, t);
            const double interest = bal[k] * rate[k] * tau;
            const double headroom = std::max(0.0, p.tranches[static_cast<std::size_t>(k)].principal - bal[k]);
            double capitalised = 0.0;
            if (p.capitalise_interest) {
                capitalised = std::min(interest, headroom);
                bal[k] += capitalised;
                idc_capitalised += capitalised;
            }
            idc_cash += interest - capitalised;
            r.tranche_rate[p.at(k, t)] = rate[k];
            r.tranche_interest_due[p.at(k, t)] = interest;
            r.tranche_deferred[p.at(k, t)] = capitalised;
            r.tranche_interest_paid[p.at(k, t)] = interest - capitalised;
            headroom_total += std::max(0.0, p.tranches[static_cast<std::size_t>(k)].principal - bal[k]);
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
            const double headroom = std::max(0.0, p.tranches[static_cast<std::size_t>(k)].principal - bal[k]);
            const double part = headroom_total > 0.0 ? draw * headroom / headroom_total : 0.0;
            bal[k] += part;
            r.tranche_drawdown[p.at(k, t)] = part;
            r.tranche_balance[p.at(k, t)] = bal[k];
            r.tranche_principal_due[p.at(k, t)] = 0.0;
            r.tranche_principal_paid[p.at(k, t)] = 0.0;
            r.tranche_prepayment[p.at(k, t)] = 0.0;
        }
        const double equity = uses - draw;
        equity_drawn += equity;
        dsra += dsra_fund;
        r.capex[ts] = capex;
        r.debt_drawdown[ts] = draw;
        r.equity_funding[ts] = equity;
        r.interest_during_construction[ts] = idc_capitalised + idc_cash;
        r.dsra_deposit[ts] = dsra_fund;
        r.dsra_balance[ts] = dsra;
        r.equity_cash_flow[ts] = -equity;
        r.sources[ts] = draw + equity;
        r.uses[ts] = capex + dsra_fund + idc_cash;
        for (auto* col : {&r.revenue, &r.opex, &r.working_capital_change, &r.tax, &r.maintenance_capex,
                          &r.mra_release, &r.cfads, &r.senior_fees, &r.debt_service_due, &r.debt_service_paid,
                          &r.dsra_draw, &r.dsra_release, &r.dsra_interest, &r.mra_balance, &r.mra_deposit,
                          &r.lockup_balance, &r.lockup_deposit, &r.lockup_release, &r.sweep, &r.distributions,
                          &r.equity_injection})
            (*col)[ts] = 0.0;
        for (auto* col : {&r.dscr, &r.ltm_dscr, &r.llcr, &r.plcr}) (*col)[ts] = kNaN;
        r.lockup[ts] = r.event_of_default[ts] = r.dsra_drawn[ts] = 0;
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
            const double v = 1.0 / (1.0 + p.covenant_discount_rate[ts] * g.accrual[ts]);
            npv_project = (cf + npv_project) * v;
            npv_debt = t <= p.covenants.last_debt_period ? (cf + npv_debt) * v : 0.0;
            w.coverage_npv_debt[ts] = npv_debt;
            w.coverage_npv_project[ts] = npv_project;
        }
    }

    // ---- Operations ---------------------------------------------------------------------------
    for (int t = C; t < n; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        const int i = t - C;
        const double tau = g.accrual[ts];
        const bool last = (t == n - 1);

        // Revenue, opex, working capital, tax, maintenance -> CFADS.
        const double vm = i < d.delay_periods ? 0.0
                                              : PeriodDrivers::at(d.volume_multiplier, t, 1.0) *
                                                    (1.0 - PeriodDrivers::at(d.availability_loss, t, 0.0));
        const double om = PeriodDrivers::at(d.opex_multiplier, t, 1.0);
        const double volume = (p.contracted_volume[ts] + p.merchant_volume[ts]) * vm;
        const double revenue = p.contracted_revenue[ts] * vm +
                               p.merchant_volume[ts] * vm * p.merchant_price[ts] * PeriodDrivers::at(d.price_multiplier, t, 1.0);
        const double opex = (p.opex_fixed[ts] + p.opex_variable_per_unit[ts] * volume) * om;
        const double wc = last ? 0.0 : (revenue * p.receivable_days - opex * p.payable_days) / (365.0 * tau);
        const double dwc = wc - wc_prev;
        wc_prev = wc;
        const double maintenance = p.maintenance_capex[ts];
        const double fees_due = p.senior_fees[ts] + fee_arrears;

        double opening_debt = 0.0;
        double interest_accrued = 0.0;
        for (int k = 0; k < K; ++k) {
            rate[k] = run.tranche_rate(k, t);
            idue[k] = bal[k] * rate[k] * tau;
            opening_debt += bal[k];
            interest_accrued += idue[k];
        }
        const double taxable = revenue - opex - p.senior_fees[ts] - p.depreciation[ts] * overrun - interest_accrued;
        double tax = 0.0;
        if (p.loss_carry_forward) {
            if (taxable < 0.0) {
                nol -= taxable;
            } else {
                const double used = std::min(nol, taxable);
                nol -= used;
                tax = p.tax_rate * (taxable - used);
            }
        } else {
            tax = p.tax_rate * std::max(0.0, taxable);
        }
        const double mra_release = p.mra.enabled ? std::min(mra, maintenance) : 0.0;
        mra -= mra_release;
        const double cfads = revenue - opex - dwc - tax - maintenance + mra_release;

        // Scheduled debt service: interest, scheduled principal (+ arrears), balloon at maturity.
        double ds_due = 0.0;
        for (int k = 0; k < K; ++k) {
            const CompiledTranche& tr = p.tranches[static_cast<std::size_t>(k)];
            const double scheduled = t >= tr.maturity ? bal[k] : std::min(bal[k], p.scheduled_principal[p.at(k, t)]);
            pdue[k] = std::min(bal[k], scheduled + arrears[k]);
            ds_due += idue[k] + scheduled;
            r.tranche_rate[p.at(k, t)] = rate[k];
            r.tranche_interest_due[p.at(k, t)] = idue[k];
            r.tranche_principal_due[p.at(k, t)] = pdue[k];
            r.tranche_interest_paid[p.at(k, t)] = 0.0;
            r.tranche_principal_paid[p.at(k, t)] = 0.0;
            r.tranche_prepayment[p.at(k, t)] = 0.0;
            r.tranche_deferred[p.at(k, t)] = 0.0;
            r.tranche_drawdown[p.at(k, t)] = 0.0;
        }
        const double dscr = ds_due > 0.0 ? cfads / ds_due : kNaN;
        ltm_cfads += cfads;
        ltm_ds += ds_due;
        if (i >= p.covenants.ltm_periods) {
            ltm_cfads -= r.cfads[ts - static_cast<std::size_t>(p.covenants.ltm_periods)];
            ltm_ds -= r.debt_service_due[ts - static_cast<std::size_t>(p.covenants.ltm_periods)];
        }
        const double ltm_dscr = ltm_ds > 1e-9 * std::max(1.0, std::abs(ltm_cfads)) ? ltm_cfads / ltm_ds : kNaN;
        double llcr = kNaN;
        double plcr = kNaN;
        if (test_coverage && opening_debt > 0.0) {
            llcr = w.coverage_npv_debt[ts] / opening_debt;
            plcr = w.coverage_npv_project[ts] / opening_debt;
        }

        // DSRA earns interest on its opening balance, credited to the account.
        const double dsra_interest = dsra * p.dsra.interest_rate * tau;
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
        double interest_paid_total = 0.0, principal_paid_total = 0.0;
        bool payment_default = false;
        bool dscr_default = false;
        bool lockup_failed = false;

        const double tested = p.covenants.use_ltm ? ltm_dscr : dscr;

        // Pays `due` amounts of one rank group from cash then the DSRA (covered tranches);
        // returns the amount paid per tranche in `paid_out` via `unpaid`.
        auto pay_group = [&](int gb, int ge, const double* due, std::vector<double>& paid_col, bool interest) {
            double total = 0.0;
            for (int q = gb; q < ge; ++q) total += due[p.rank_order[static_cast<std::size_t>(q)]];
            if (total <= 0.0) {
                for (int q = gb; q < ge; ++q) unpaid[p.rank_order[static_cast<std::size_t>(q)]] = 0.0;
                return;
            }
            const double from_cash = std::min(cash, total);
            cash -= from_cash;
            const double cash_share = from_cash / total;
            double covered_unpaid = 0.0;
            for (int q = gb; q < ge; ++q) {
                const int k = p.rank_order[static_cast<std::size_t>(q)];
                unpaid[k] = due[k] * (1.0 - cash_share);
                if (from_cash == total) unpaid[k] = 0.0;
                if (p.tranches[static_cast<std::size_t>(k)].dsra_covered) covered_unpaid += unpaid[k];
            }
            double draw = 0.0;
            if (p.dsra.enabled && covered_unpaid > 0.0 && dsra > 0.0) {
                draw = std::min(dsra, covered_unpaid);
                dsra -= draw;
                dsra_draw += draw;
            }
            for (int q = gb; q < ge; ++q) {
                const int k = p.rank_order[static_cast<std::size_t>(q)];
                const CompiledTranche& tr = p.tranches[static_cast<std::size_t>(k)];
                if (draw > 0.0 && tr.dsra_covered) {
                    const double part = draw == covered_unpaid ? unpaid[k] : draw * unpaid[k] / covered_unpaid;
                    unpaid[k] -= part;
                    run.event(t, EventKind::DsraDraw, k, part);
                }
                if (unpaid[k] < 0.0) unpaid[k] = 0.0;
                const double paid = due[k] - unpaid[k];
                paid_col[p.at(k, t)] = paid;
                if (interest) interest_paid_total += paid;
                else principal_paid_total += paid;
                if (unpaid[k] > 0.0) {
                    if (tr.deferrable) {
                        run.event(t, interest ? EventKind::InterestDeferred : EventKind::PrincipalDeferred, k, unpaid[k]);
                    } else {
                        payment_default = true;
                        run.event(t, EventKind::PaymentDefault, k, unpaid[k]);
                    }
                }
            }
        };

        for (int s = 0; s < p.order_size; ++s) {
            switch (p.order[static_cast<std::size_t>(s)]) {
            case WaterfallStep::SeniorFees: {
                fees_paid = std::min(cash, fees_due);
                cash -= fees_paid;
                fee_arrears = fees_due - fees_paid;
                if (fee_arrears > 0.0) run.event(t, EventKind::SeniorFeeShortfall, -1, fee_arrears);
                break;
            }
            case WaterfallStep::DebtService: {
                const int groups = static_cast<int>(p.rank_begin.size()) - 1;
                for (int gi = 0; gi < groups; ++gi) {
                    const int gb = p.rank_begin[static_cast<std::size_t>(gi)];
                    const int ge = p.rank_begin[static_cast<std::size_t>(gi) + 1];
                    pay_group(gb, ge, idue, r.tranche_interest_paid, true);
                    for (int q = gb; q < ge; ++q) {  // unpaid interest is capitalised
                        const int k = p.rank_order[static_cast<std::size_t>(q)];
                        bal[k] += unpaid[k];
                        r.tranche_deferred[p.at(k, t)] = unpaid[k];
                        if (unpaid[k] > 0.0) pdue[k] = t >= p.tranches[static_cast<std::size_t>(k)].maturity ? bal[k] : pdue[k];
                    }
                    pay_group(gb, ge, pdue, r.tranche_principal_paid, false);
                    for (int q = gb; q < ge; ++q) {
                        const int k = p.rank_order[static_cast<std::size_t>(q)];
                        const double paid = r.tranche_principal_paid[p.at(k, t)];
                        bal[k] -= paid;
                        arrears[k] = unpaid[k];
                    }
                }
                break;
            }
            case WaterfallStep::DsraTopUp: {
                if (!p.dsra.enabled) break;
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
                if (!p.mra.enabled) break;
                if (last) {  // the account is released at the end of the project
                    cash += mra;
                    mra_deposit -= mra;
                    mra = 0.0;
                    break;
                }
                const double want = std::min(p.mra_contribution[ts], std::max(0.0, p.mra.target - mra));
                mra_deposit = std::min(cash, want);
                mra += mra_deposit;
                cash -= mra_deposit;
                break;
            }
            case WaterfallStep::LockupTest: {
                const double lock_level = p.covenants.lockup_dscr;
                if (!std::isnan(tested) && tested < lock_level) {
                    lockup_failed = true;
                    run.event(t, EventKind::LockupBreach, -1, 0.0, tested, lock_level);
                }
                if (!std::isnan(llcr) && p.covenants.min_llcr > 0.0 && llcr < p.covenants.min_llcr) {
                    lockup_failed = true;
                    run.event(t, EventKind::LockupBreach, -1, 0.0, llcr, p.covenants.min_llcr);
                }
                if (!std::isnan(plcr) && p.covenants.min_plcr > 0.0 && plcr < p.covenants.min_plcr) {
                    lockup_failed = true;
                    run.event(t, EventKind::LockupBreach, -1, 0.0, plcr, p.covenants.min_plcr);
                }
                if (!std::isnan(tested) && tested < p.covenants.default_dscr) {
                    dscr_default = true;
                    run.event(t, EventKind::DscrDefault, -1, 0.0, tested, p.covenants.default_dscr);
                }
                if (lockup_failed) {
                    locked = true;
                    cure_count = 0;
                } else if (locked) {
                    if (++cure_count >= p.covenants.cure_periods) {
                        locked = false;
                        cure_count = 0;
                        run.event(t, EventKind::LockupReleased, -1, 0.0, tested, lock_level);
                    }
                }
                break;
            }
            case WaterfallStep::CashSweep: {
                if (!p.covenants.sweep_enabled || cash <= 0.0) break;
                const bool active = p.covenants.sweep_trigger > 0.0
                                        ? (!std::isnan(tested) && tested < p.covenants.sweep_trigger)
                                        : locked;
                const int k = p.covenants.sweep_tranche;
                if (!active || bal[k] <= 0.0) break;
                sweep = std::min(p.covenants.sweep_share * cash, bal[k]);
                bal[k] -= sweep;
                cash -= sweep;
                r.tranche_prepayment[p.at(k, t)] = sweep;
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
                        const int k = p.rank_order[static_cast<std::size_t>(q)];
                        const double pay = std::min(cash, bal[k]);
                        if (pay <= 0.0) continue;
                        bal[k] -= pay;
                        cash -= pay;
                        r.tranche_prepayment[p.at(k, t)] += pay;
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
        }
        // A custom order without a distribution step leaves cash with equity.
        if (cash != 0.0) {
            distributions += cash;
            cash = 0.0;
        }
        if (last) {
            for (int k = 0; k < K; ++k)
                if (bal[k] > 1e-9 * std::max(1.0, p.tranches[static_cast<std::size_t>(k)].principal))
                    run.event(t, EventKind::LossAtMaturity, k, bal[k]);
        }

        double prepay_total = 0.0;
        for (int k = 0; k < K; ++k) {
            r.tranche_balance[p.at(k, t)] = bal[k];
            prepay_total += r.tranche_prepayment[p.at(k, t)];
        }
        r.revenue[ts] = revenue;
        r.opex[ts] = opex;
        r.working_capital_change[ts] = dwc;
        r.tax[ts] = tax;
        r.maintenance_capex[ts] = maintenance;
        r.mra_release[ts] = mra_release;
        r.cfads[ts] = cfads;
        r.senior_fees[ts] = fees_paid;
        r.debt_service_due[ts] = ds_due;
        r.debt_service_paid[ts] = interest_paid_total + principal_paid_total;
        r.dscr[ts] = dscr;
        r.ltm_dscr[ts] = ltm_dscr;
        r.llcr[ts] = llcr;
        r.plcr[ts] = plcr;
        r.dsra_balance[ts] = dsra;
        r.dsra_draw[ts] = dsra_draw;
        r.dsra_deposit[ts] = dsra_deposit;
        r.dsra_release[ts] = dsra_release;
        r.dsra_interest[ts] = dsra_interest;
        r.mra_balance[ts] = mra;
        r.mra_deposit[ts] = mra_deposit;
        r.lockup_balance[ts] = trapped;
        r.lockup_deposit[ts] = trapped_deposit;
        r.lockup_release[ts] = trapped_release;
        r.lockup[ts] = locked ? 1 : 0;
        r.event_of_default[ts] = (payment_default || dscr_default) ? 1 : 0;
        r.dsra_drawn[ts] = dsra_draw > 0.0 ? 1 : 0;
        r.sweep[ts] = sweep;
        r.distributions[ts] = distributions;
        r.equity_injection[ts] = injection;
        r.equity_cash_flow[ts] = distributions - injection;
        r.capex[ts] = 0.0;
        r.debt_drawdown[ts] = 0.0;
        r.equity_funding[ts] = 0.0;
        r.interest_during_construction[ts] = 0.0;
        // mra_deposit is negative in the last period (the account released into the waterfall).
        r.sources[ts] = revenue - dwc + injection + dsra_draw + dsra_release + mra_release + trapped_release +
                        std::max(0.0, -mra_deposit);
        r.uses[ts] = opex + tax + maintenance + fees_paid + interest_paid_total + principal_paid_total +
                     prepay_total + dsra_deposit + std::max(0.0, mra_deposit) + trapped_deposit + distributions;
        (void)ppy;
    }
}

}  // namespace pftoken
