// Deterministic valuation: compile, run the kernel on neutral drivers, price by DCF.

#include "pftoken/valuation/valuation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "pftoken/error.hpp"
#include "pftoken/pricing/cashflow_metrics.hpp"
#include "pftoken/pricing/coverage.hpp"
#include "pftoken/pricing/curves.hpp"
#include "pftoken/pricing/tranche_pricing.hpp"
#include "pftoken/valuation/measure.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/kernel.hpp"

namespace pftoken {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Cumulative DSCR / LLCR per seniority level (ValuationResult::coverage_by_seniority) over the
/// operating periods: `cfads` and `accrual` per operating period, `opening_at(k, t)` the opening
/// balance of tranche k in global period t.
template <class OpeningAt>
std::vector<SeniorityCoverage> coverage_by_seniority(const CompiledProject& cp, const WaterfallResults& r,
                                                     std::span<const double> cfads, std::span<const double> accrual,
                                                     const OpeningAt& opening_at) {
    const int C = cp.grid.construction_periods;
    const std::size_t ops = cfads.size();
    const auto n = static_cast<std::size_t>(cp.periods);
    std::vector<SeniorityCoverage> out;
    std::vector<double> ds(ops, 0.0), opening(ops, 0.0), weighted_rate(ops, 0.0), rate(ops), llcr(ops), plcr(ops);
    double committed = 0.0;
    for (std::size_t g = 0; g + 1 < cp.rank_begin.size(); ++g) {
        SeniorityCoverage level;
        for (int j = cp.rank_begin[g]; j < cp.rank_begin[g + 1]; ++j) {
            const int k = cp.rank_order[static_cast<std::size_t>(j)];
            const CompiledTranche& tr = cp.tranches[static_cast<std::size_t>(k)];
            level.rank = tr.rank;
            committed += tr.principal;
            for (std::size_t i = 0; i < ops; ++i) {
                const int t = C + static_cast<int>(i);
                ds[i] += r.at(r.tranche_interest_due, k, t) + r.at(r.tranche_principal_due, k, t);
                opening[i] += opening_at(k, static_cast<std::size_t>(t));
                const double rk = tr.floating ? cp.base_index[static_cast<std::size_t>(k) * n + static_cast<std::size_t>(t)] + tr.spread
                                              : tr.fixed_rate;
                weighted_rate[i] += tr.principal * rk;
            }
        }
        for (const CompiledTranche& tr : cp.tranches)
            if (tr.rank <= level.rank) level.tranches.push_back(tr.name);
        const pricing::DscrStats stats = pricing::dscr_stats(cfads, ds);
        if (stats.periods > 0) {
            level.min_dscr = stats.min;
            level.min_dscr_period = C + static_cast<int>(stats.min_period);
            level.average_dscr = stats.average;
        }
        for (std::size_t i = 0; i < ops; ++i) rate[i] = committed > 0.0 ? weighted_rate[i] / committed : 0.0;
        pricing::coverage_ratios({cfads, accrual, rate, opening}, llcr, plcr);
        if (ops > 0) level.llcr_at_cod = llcr[0];
        for (double x : llcr)
            if (!std::isnan(x) && (std::isnan(level.min_llcr) || x < level.min_llcr)) level.min_llcr = x;
        out.push_back(std::move(level));
    }
    return out;
}

}  // namespace

CalendarDate debt_valuation_date(const Project& project) {
    return project.valuation_date ? *project.valuation_date : compile_timeline(project.timeline).cod;
}

ValuationResult value(const Project& project, const ValuationOptions& options) {
    const CompiledProject cp = compile(project);
    WaterfallWorkspace ws(cp);
    run_waterfall(cp, PeriodDrivers{}, ws);
    const WaterfallResults& r = ws.results;
    const PeriodGrid& g = cp.grid;
    const MeasureGrid grid = make_measure_grid(project, cp);
    Measure prices;
    measure(cp, grid, r, MeasureOptions{}, prices);
    const int n = cp.periods;
    const int C = g.construction_periods;
    const auto ops = static_cast<std::size_t>(g.operating_periods);

    ValuationResult out;
    out.project = cp.name;
    out.currency = cp.currency;
    out.valuation_date = g.financial_close;
    out.debt_valuation_date = cp.valuation_date;
    out.seasoned = cp.seasoning.enabled;
    out.grid = g;
    out.total_capex = cp.capex_total;
    out.total_debt = cp.total_debt;

    for (const auto& [symbol, price] : options.market_price_per_token) {
        const bool known = std::any_of(cp.tranches.begin(), cp.tranches.end(),
                                       [&](const CompiledTranche& t) { return t.token.symbol == symbol; });
        if (known) continue;
        std::string tokens;
        for (const auto& t : cp.tranches) tokens += (tokens.empty() ? "" : ", ") + t.token.symbol;
        throw InputError("market_price_per_token." + symbol,
                         "unknown token symbol '" + symbol + "'; tranche tokens are: " + tokens);
    }

    // Debt: priced at the valuation date (default COD) on the measure grid (the curve referenced
    // at that date), over the payment dates after it; yields, durations and WAL on day-count
    // times of those dates from the valuation date. Accrued interest: the opening balance of the
    // current period x its rate x the day-count fraction from the period start to the valuation
    // date (the coupon the kernel pays is balance x rate x the whole period's fraction).
    const int V = grid.first_remaining;
    const auto remaining = static_cast<std::size_t>(n - V);
    std::vector<QuantLib::Date> ql_dates;
    ql_dates.reserve(remaining);
    for (auto t = static_cast<std::size_t>(V); t < g.end.size(); ++t) ql_dates.push_back(pricing::to_ql_date(g.end[t]));
    const std::vector<double> yield_times =
        pricing::flow_times(ql_dates, pricing::to_ql_date(cp.valuation_date), g.day_count);
    pricing::YieldConvention convention;
    convention.compounding = pricing::Compounding::Compounded;
    convention.frequency = g.periods_per_year;
    // Share of the current period's coupon accrued at the valuation date (0 on a payment date).
    double accrued_fraction = 0.0;
    if (V < n && V >= C && g.start[static_cast<std::size_t>(V)] < cp.valuation_date)
        accrued_fraction = year_fraction(g.day_count, g.start[static_cast<std::size_t>(V)], cp.valuation_date);

    std::vector<double> interest(remaining), principal(remaining);
    for (int k = 0; k < cp.tranche_count; ++k) {
        const CompiledTranche& tr = cp.tranches[static_cast<std::size_t>(k)];
        TrancheValuation tv;
        tv.name = tr.name;
        tv.symbol = tr.token.symbol;
        tv.rank = tr.rank;
        tv.principal = tr.principal;
        tv.sized_by_model = tr.sized_by_model;
        tv.sizing_report = tr.sizing_message;
        tv.sizing = tr.sizing;
        for (std::size_t i = 0; i < remaining; ++i) {
            const int t = V + static_cast<int>(i);
            interest[i] = r.at(r.tranche_interest_paid, k, t);
            principal[i] = r.at(r.tranche_principal_paid, k, t) + r.at(r.tranche_prepayment, k, t);
            tv.total_interest += interest[i];
            tv.total_principal += principal[i];
            tv.deferred_interest += r.at(r.tranche_deferred, k, t);
        }
        const TrancheMeasure& priced = prices.tranches[static_cast<std::size_t>(k)];
        tv.final_balance = priced.final_balance;
        tv.payment_default = priced.payment_default;
        // Tokens: the supply of the token class, else one token per unit of the balance at COD
        // (a token is not destroyed as the tranche amortises: its outstanding face falls).
        const double at_cod = C > 0 ? r.at(r.tranche_balance, k, C - 1) : tr.principal;
        const double outstanding = outstanding_at_valuation(cp, r, k);
        const double supply = tr.token.supply > 0.0 ? tr.token.supply : at_cod;
        tv.outstanding = outstanding;
        tv.outstanding_per_token = supply > 0.0 ? outstanding / supply : kNaN;
        if (!(outstanding > 0.0) || remaining == 0) {
            tv.pv = tv.price_per_token = tv.price_pct_of_par = tv.yield = kNaN;
            tv.macaulay_duration = tv.modified_duration = tv.convexity = tv.wal = kNaN;
            tv.clean_price_per_token = tv.clean_price_pct_of_par = tv.accrued_interest = tv.accrued_per_token = kNaN;
            out.tranches.push_back(tv);
            continue;
        }
        tv.accrued_interest = accrued_fraction > 0.0 ? outstanding * ws.period_rate[cp.at(k, V)] * accrued_fraction : 0.0;
        tv.accrued_per_token = tv.accrued_interest / supply;
        pricing::TranchePricingInputs in;
        in.field = "tranches[" + std::to_string(k) + "]";
        in.interest = interest;
        in.principal = principal;
        in.yield_times = yield_times;
        in.curve_times = std::span<const double>(grid.curve_time).subspan(static_cast<std::size_t>(V));
        in.discount_factors = std::span<const double>(grid.curve_df).subspan(static_cast<std::size_t>(V));
        in.spread = tr.discount_spread;
        if (tr.floating)
            in.tranche_discount_factors =
                std::span<const double>(grid.tranche_df).subspan(cp.at(k, V), remaining);
        in.outstanding = outstanding;
        in.token = tr.token;
        in.yield_convention = convention;
        if (!(in.token.supply > 0.0)) {  // no token class given: one token per unit of principal
            in.token.supply = supply;
            in.token.face_per_token = 1.0;
        }
        if (const auto it = options.market_price_per_token.find(tr.token.symbol); it != options.market_price_per_token.end())
            in.market_price_per_token = it->second;
        const pricing::TrancheMetrics m = pricing::price_tranche(in);
        tv.pv = priced.pv;  // == m.pv: the same flows on the same factors
        tv.price_per_token = m.price_per_token;
        tv.price_pct_of_par = m.price_pct_face;
        tv.yield = m.yield;
        tv.macaulay_duration = m.macaulay_duration;
        tv.modified_duration = m.modified_duration;
        tv.convexity = m.convexity;
        tv.wal = m.wal;
        tv.clean_price_per_token = tv.price_per_token - tv.accrued_per_token;
        tv.clean_price_pct_of_par = 100.0 * (priced.pv - tv.accrued_interest) / outstanding;
        if (m.z_spread) tv.z_spread = *m.z_spread;
        out.tranches.push_back(tv);
    }

    // Equity (the one measure) and project flows at Act/365F times from financial close.
    std::vector<double> times, project_flows;
    times.reserve(static_cast<std::size_t>(n) + 1);
    times.push_back(0.0);
    project_flows.push_back(-r.close_capex);
    double contribution = r.close_equity;
    double distributions = 0.0;
    for (int t = 0; t < n; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        times.push_back(g.time_from_close[ts]);
        project_flows.push_back(r.cfads[ts] - r.capex[ts]);
        contribution += r.equity_funding[ts] + r.equity_injection[ts];
        distributions += r.distributions[ts];
    }
    out.equity.symbol = project.equity.token.symbol;
    out.equity.contribution = contribution;
    out.equity.total_distributions = distributions;
    out.equity.npv = prices.equity_npv;
    if (std::isfinite(prices.equity_irr)) out.equity.irr = prices.equity_irr;
    if (project.equity.token.supply > 0.0) out.equity.price_per_token = prices.equity_receipts / project.equity.token.supply;
    const pricing::YieldConvention annual;  // annual compounding
    const pricing::IrrResult project_irr = pricing::irr(project_flows, times, annual, {}, "project.irr");
    if (project_irr.found) out.project_irr = project_irr.rate;
    out.gearing = cp.total_debt + contribution > 0.0 ? cp.total_debt / (cp.total_debt + contribution) : 0.0;

    // Coverage: DSCR statistics, ex-post LLCR / PLCR on realised CFADS (operating periods).
    std::vector<double> cfads(ops), ds(ops), accrual(ops), rate(ops), opening(ops), llcr(ops), plcr(ops);
    const auto opening_at = [&](int k, std::size_t t) {
        return t == 0 ? cp.tranches[static_cast<std::size_t>(k)].principal
                      : r.at(r.tranche_balance, k, static_cast<int>(t) - 1);
    };
    for (std::size_t i = 0; i < ops; ++i) {
        const std::size_t t = static_cast<std::size_t>(C) + i;
        cfads[i] = r.cfads[t];
        ds[i] = r.debt_service_due[t];
        accrual[i] = g.accrual[t];
        rate[i] = cp.covenant_discount_rate[t];
        double debt = 0.0;
        for (int k = 0; k < cp.tranche_count; ++k) debt += opening_at(k, t);
        opening[i] = debt;
    }
    CovenantSummary& cs = out.covenants;
    const pricing::DscrStats stats = pricing::dscr_stats(cfads, ds);
    if (stats.periods > 0) {
        cs.min_dscr = stats.min;
        cs.min_dscr_period = C + static_cast<int>(stats.min_period);
        cs.min_dscr_date = g.end[static_cast<std::size_t>(cs.min_dscr_period)];
        cs.average_dscr = stats.average;
    }
    pricing::coverage_ratios({cfads, accrual, rate, opening}, llcr, plcr);
    out.llcr.assign(static_cast<std::size_t>(n), kNaN);
    out.plcr.assign(static_cast<std::size_t>(n), kNaN);
    for (std::size_t i = 0; i < ops; ++i) {
        out.llcr[static_cast<std::size_t>(C) + i] = llcr[i];
        out.plcr[static_cast<std::size_t>(C) + i] = plcr[i];
        if (!std::isnan(llcr[i]) && (std::isnan(cs.min_llcr) || llcr[i] < cs.min_llcr)) cs.min_llcr = llcr[i];
    }
    if (ops > 0) {
        cs.llcr_at_cod = llcr[0];
        cs.plcr_at_cod = plcr[0];
    }
    out.coverage_by_seniority = coverage_by_seniority(cp, r, cfads, accrual, opening_at);
    for (int t = C; t < n; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        if (!std::isnan(r.ltm_dscr[ts]) && (std::isnan(cs.min_ltm_dscr) || r.ltm_dscr[ts] < cs.min_ltm_dscr))
            cs.min_ltm_dscr = r.ltm_dscr[ts];
        cs.lockup_periods += r.lockup[ts];
        cs.default_periods += r.event_of_default[ts];
        cs.dsra_draw_periods += r.dsra_drawn[ts];
        cs.total_swept += r.sweep[ts];
    }
    out.events.assign(r.events.begin(), r.events.begin() + r.event_count);
    if (options.include_periods) {
        out.periods = std::move(ws.results);
        out.periods.events.resize(static_cast<std::size_t>(out.periods.event_count));
    } else {
        out.periods.periods = n;
        out.periods.tranches = cp.tranche_count;
    }
    return out;
}

}  // namespace pftoken
