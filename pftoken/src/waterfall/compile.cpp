// Compiles a Project into the kernel's plain arrays: grid, operating profiles, rates, debt
// schedules (including sculpting and sizing), construction funding and covenant terms.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cmath>
#include <limits>
#include <string>

#include "pftoken/base/format.hpp"
#include "pftoken/error.hpp"
#include "pftoken/model/schedule_sum.hpp"
#include "pftoken/pricing/curves.hpp"
#include "pftoken/pricing/sizing.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/kernel.hpp"
#include "pftoken/waterfall/reserve_rate.hpp"

namespace pftoken {
namespace {

std::string num(double x) { return format::message_number(x, 6); }

std::string tranche_field(std::size_t k, const char* member) {
    return "tranches[" + std::to_string(k) + "]." + member;
}

int whole_periods(double years, int ppy, const std::string& field) {
    const double periods = years * ppy;
    const double rounded = std::round(periods);
    if (std::abs(periods - rounded) > 1e-9)
        throw InputError(field, "must be a whole number of periods at " + std::to_string(ppy) +
                                    " periods per year, got " + num(years));
    return static_cast<int>(rounded);
}

/// Forward index rates per period for a floating tranche from its named curve (QuantLib, setup).
std::vector<double> index_forwards(const Project& project, const PeriodGrid& grid, const std::string& index,
                                   const std::string& field) {
    const CurveSpec* spec = nullptr;
    if (index.empty() || index == project.market.discount.name) spec = &project.market.discount;
    for (const CurveSpec& c : project.market.forwards)
        if (c.name == index) spec = &c;
    if (spec == nullptr) throw InputError(field, "unknown index curve '" + index + "' (not in market.forwards)");
    const QuantLib::Date reference = pricing::to_ql_date(grid.financial_close);
    const auto curve = pricing::build_curve(*spec, reference, grid.day_count, {}, field);
    std::vector<QuantLib::Date> dates;
    dates.reserve(grid.start.size() + 1);
    for (const CalendarDate& d : grid.start) dates.push_back(pricing::to_ql_date(d));
    dates.push_back(pricing::to_ql_date(grid.end.back()));
    return pricing::forward_rates(*curve, dates, grid.day_count);
}

void build_operations(const Project& project, CompiledProject& cp) {
    const PeriodGrid& g = cp.grid;
    const int ppy = g.periods_per_year;
    const int months = 12 / ppy;
    const auto n = static_cast<std::size_t>(cp.periods);
    for (auto* v : {&cp.contracted_volume, &cp.contracted_revenue, &cp.merchant_volume, &cp.merchant_price,
                    &cp.opex_fixed, &cp.opex_variable_per_unit, &cp.maintenance_capex, &cp.senior_fees,
                    &cp.depreciation, &cp.construction_capex, &cp.mra_contribution, &cp.covenant_discount_rate,
                    &cp.given_tax})
        v->assign(n, 0.0);
    cp.overrun_weight.assign(n, 1.0);
    std::vector<double> merchant_revenue(n, 0.0);

    for (std::size_t s = 0; s < project.revenues.size(); ++s) {
        const RevenueStream& rs = project.revenues[s];
        const std::string field = "revenues[" + std::to_string(s) + "]";
        if (!rs.seasonality.empty() && rs.seasonality.size() != 12)
            throw InputError(field + ".seasonality", "must have 12 values, got " + std::to_string(rs.seasonality.size()));
        const double annual = rs.p50_volume ? *rs.p50_volume : rs.capacity_mw * 8760.0 * rs.capacity_factor;
        for (int t = g.construction_periods; t < cp.periods; ++t) {
            const auto ts = static_cast<std::size_t>(t);
            const int year = g.operating_year[ts];
            const double years_from_cod = static_cast<double>(g.operating_index[ts]) / ppy;
            double seasonal = 1.0;
            if (!rs.seasonality.empty()) {
                seasonal = 0.0;
                for (int j = 0; j < months; ++j)
                    seasonal += rs.seasonality[static_cast<std::size_t>((g.calendar_month[ts] - 1 + j) % 12)];
                seasonal /= months;
            }
            const double volume = annual / ppy * seasonal * std::pow(1.0 - rs.degradation_per_year, year) * rs.availability;
            const bool contracted = rs.price_type == RevenueStream::PriceType::Contracted &&
                                    (rs.contract_years <= 0.0 || years_from_cod < rs.contract_years - 1e-12);
            if (contracted) {
                cp.contracted_volume[ts] += volume;
                cp.contracted_revenue[ts] += volume * rs.contract_price * std::pow(1.0 + rs.indexation, year);
                continue;
            }
            if (rs.merchant_curve.empty())
                throw InputError(field + ".merchant_curve",
                                 "required: the stream sells at merchant prices from year " + num(years_from_cod));
            double price = rs.merchant_curve.front().price;
            for (const PricePoint& pt : rs.merchant_curve)
                if (pt.year <= years_from_cod + 1e-12) price = pt.price;
            price *= std::pow(1.0 + rs.merchant_escalation, year);
            cp.merchant_volume[ts] += volume;
            merchant_revenue[ts] += volume * price;
        }
    }
    for (std::size_t t = 0; t < n; ++t)
        cp.merchant_price[t] = cp.merchant_volume[t] > 0.0 ? merchant_revenue[t] / cp.merchant_volume[t] : 0.0;

    const Opex& o = project.opex;
    const int dep_periods = project.tax.depreciation_years * ppy;
    for (int t = g.construction_periods; t < cp.periods; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        const double esc = std::pow(1.0 + o.escalation, g.operating_year[ts]);
        cp.opex_fixed[ts] = o.fixed_per_year / ppy * esc;
        cp.opex_variable_per_unit[ts] = o.variable_per_unit * esc;
        cp.maintenance_capex[ts] = o.maintenance_capex_per_year / ppy * esc;
        cp.senior_fees[ts] = o.senior_fees_per_year / ppy * esc;
        cp.mra_contribution[ts] = project.mra.contribution_per_year / ppy;
        if (g.operating_index[ts] < dep_periods) cp.depreciation[ts] = project.construction.capex_total / dep_periods;
    }
    // Cash flows given directly replace the computed revenue, opex and maintenance: revenue as
    // one unit at a "price" of the given amount (so the volume, availability and price factors
    // scale it), opex as a fixed cost (scaled by the opex factor), maintenance and tax as given.
    const CashFlowLines& lines = project.cash_flows;
    if (lines.given()) {
        const auto ops = static_cast<std::size_t>(g.operating_periods);
        const std::vector<double>& revenue = lines.cfads.empty() ? lines.revenue : lines.cfads;
        auto check = [&](const std::vector<double>& v, const char* name) {
            if (!v.empty() && v.size() != ops)
                throw InputError(std::string("cash_flows.") + name,
                                 "must have one value per operating period (" + std::to_string(ops) + "), got " +
                                     std::to_string(v.size()));
        };
        check(revenue, lines.cfads.empty() ? "revenue" : "cfads");
        check(lines.opex, "opex");
        check(lines.maintenance_capex, "maintenance_capex");
        check(lines.tax, "tax");
        check(lines.working_capital_change, "working_capital_change");
        if (!lines.tax.empty()) cp.given_tax_margin.assign(n, 0.0);
        if (!lines.working_capital_change.empty()) cp.given_working_capital.assign(n, 0.0);
        for (std::size_t i = 0; i < ops; ++i) {
            const std::size_t ts = static_cast<std::size_t>(g.construction_periods) + i;
            cp.contracted_volume[ts] = cp.contracted_revenue[ts] = 0.0;
            cp.merchant_volume[ts] = 1.0;
            cp.merchant_price[ts] = revenue[i];
            cp.opex_fixed[ts] = lines.opex.empty() ? 0.0 : lines.opex[i];
            cp.opex_variable_per_unit[ts] = 0.0;
            cp.maintenance_capex[ts] = lines.maintenance_capex.empty() ? 0.0 : lines.maintenance_capex[i];
            cp.given_tax[ts] = lines.tax.empty() ? 0.0 : lines.tax[i];
            // The kernel's own margin expression with neutral drivers (x 1.0 and - 0.0 are
            // exact), so the base run's ratio is exactly 1 and the tax exactly as given.
            if (!lines.tax.empty())
                cp.given_tax_margin[ts] = (cp.contracted_revenue[ts] * 1.0 + cp.merchant_volume[ts] * 1.0 * cp.merchant_price[ts] * 1.0 -
                                           (cp.opex_fixed[ts] + cp.opex_variable_per_unit[ts] *
                                                                    ((cp.contracted_volume[ts] + cp.merchant_volume[ts]) * 1.0)) *
                                               1.0) -
                                          cp.maintenance_capex[ts];
            if (!lines.working_capital_change.empty()) cp.given_working_capital[ts] = lines.working_capital_change[i];
        }
    }
    // Construction capex by month (uniform if no profile).
    const int C = g.construction_periods;
    const auto& profile = project.construction.capex_profile;
    if (C > 0) {
        if (!profile.empty() && profile.size() != static_cast<std::size_t>(C))
            throw InputError("construction.capex_profile", "must have " + std::to_string(C) +
                                                               " values (one per construction month), got " +
                                                               std::to_string(profile.size()));
        double sum = 0.0;
        for (double x : profile) sum += x;
        if (!profile.empty() && !sums_to(sum, 1.0))
            throw InputError("construction.capex_profile", sum_mismatch("", 1.0, sum));
        // Within the tolerance the shares are rescaled so exactly capex_total is drawn.
        for (int t = 0; t < C; ++t)
            cp.construction_capex[static_cast<std::size_t>(t)] =
                project.construction.capex_total * (profile.empty() ? 1.0 / C : profile[static_cast<std::size_t>(t)] / sum);
    }
}

/// Scheduled principal of a tranche with a given principal and a fixed-shape amortisation.
void fixed_shape_schedule(const Project& project, CompiledProject& cp, int k) {
    const Tranche& in = project.tranches[static_cast<std::size_t>(k)];
    CompiledTranche& tr = cp.tranches[static_cast<std::size_t>(k)];
    const int first = tr.first_repayment;
    const int last = tr.maturity;
    const int count = last - first + 1;
    double* sched = cp.scheduled_principal.data() + cp.at(k, 0);
    const double P = tr.principal;
    switch (tr.amortisation) {
    case Amortisation::Bullet: sched[last] = P; break;
    case Amortisation::LevelPrincipal:
        for (int t = first; t <= last; ++t) sched[t] = P / count;
        break;
    case Amortisation::Annuity: {
        // Constant payment A with simple per-period accrual: P = A * sum_j prod_{i<=j} 1/(1 + r_i tau_i).
        const double* index = cp.base_index.data() + cp.at(k, 0);
        double annuity_factor = 0.0;
        double df = 1.0;
        for (int t = first; t <= last; ++t) {
            const double r = tr.floating ? index[t] + tr.spread : tr.fixed_rate;
            df /= 1.0 + r * cp.grid.accrual[static_cast<std::size_t>(t)];
            annuity_factor += df;
        }
        const double payment = P / annuity_factor;
        double b = P;
        for (int t = first; t <= last; ++t) {
            const double r = tr.floating ? index[t] + tr.spread : tr.fixed_rate;
            const double principal = t == last ? b : payment - b * r * cp.grid.accrual[static_cast<std::size_t>(t)];
            sched[t] = principal;
            b -= principal;
        }
        break;
    }
    case Amortisation::Schedule: {
        const std::string field = tranche_field(static_cast<std::size_t>(k), "schedule");
        const int C = cp.grid.construction_periods;
        if (in.schedule.size() > static_cast<std::size_t>(cp.grid.operating_periods))
            throw InputError(field, "must have at most " + std::to_string(cp.grid.operating_periods) +
                                        " values (one per operating period), got " + std::to_string(in.schedule.size()));
        double sum = 0.0;
        for (std::size_t j = 0; j < in.schedule.size(); ++j) {
            if (!(in.schedule[j] >= 0.0))
                throw InputError(field + "[" + std::to_string(j) + "]", "must be >= 0, got " + num(in.schedule[j]));
            if (static_cast<int>(j) + C > last && in.schedule[j] > 0.0)
                throw InputError(field + "[" + std::to_string(j) + "]", "falls after the tranche tenor");
            sum += in.schedule[j];
            sched[static_cast<std::size_t>(C) + j] = in.schedule[j];
        }
        if (!sums_to(sum, P)) throw InputError(field, sum_mismatch("principal", P, sum));
        // Within the tolerance the last positive entry absorbs the difference: the balance ends
        // at exactly zero.
        for (int t = last; t >= C; --t) {
            if (sched[static_cast<std::size_t>(t)] > 0.0) {
                sched[static_cast<std::size_t>(t)] += P - sum;
                break;
            }
        }
        break;
    }
    case Amortisation::Sculpted: break;
    }
}

/// Derived arrays the kernel reads: prefix sums of scheduled principal, 1 / accrual.
void finalise(CompiledProject& cp) {
    const auto n = static_cast<std::size_t>(cp.periods);
    cp.inverse_accrual.resize(n);
    for (std::size_t t = 0; t < n; ++t) cp.inverse_accrual[t] = cp.grid.accrual[t] > 0.0 ? 1.0 / cp.grid.accrual[t] : 0.0;
    cp.cumulative_scheduled.assign(static_cast<std::size_t>(cp.tranche_count) * (n + 1), 0.0);
    for (int k = 0; k < cp.tranche_count; ++k) {
        double* cum = cp.cumulative_scheduled.data() + static_cast<std::size_t>(k) * (n + 1);
        const double* sched = cp.scheduled_principal.data() + cp.at(k, 0);
        for (std::size_t t = 0; t < n; ++t) cum[t + 1] = cum[t] + sched[t];
    }
}

/// Pro-rata debt share / equity-first equity commitment so that the drawn balance plus
/// capitalised IDC reaches the commitments at COD in the base case.
void calibrate_funding(CompiledProject& cp, WaterfallWorkspace& ws) {
    const int C = cp.grid.construction_periods;
    if (C == 0 || cp.total_debt <= 0.0) return;
    const PeriodDrivers neutral;
    double base_uses = 0.0;
    for (int t = 0; t < C; ++t) base_uses += cp.construction_capex[static_cast<std::size_t>(t)];
    for (int it = 0; it < 60; ++it) {
        run_waterfall(cp, neutral, ws);
        const WaterfallResults& r = ws.results;
        double idc = 0.0;
        double uses = 0.0;
        for (int t = 0; t < C; ++t) {
            idc += r.interest_during_construction[static_cast<std::size_t>(t)] * (cp.capitalise_interest ? 1.0 : 0.0);
            uses += cp.construction_capex[static_cast<std::size_t>(t)] + (t == 0 ? r.dsra_deposit[0] : 0.0);
        }
        // The debt share applies to the uses the debt funds pro rata: capex and a pro-rata DSRA
        // deposit; a DSRA from equity is outside it, a DSRA from debt is drawn in full at close.
        const double dsra_close = r.dsra_deposit[0];
        const double pro_rata_uses = cp.dsra.close_source == 0 || cp.equity_first ? uses : uses - dsra_close;
        const double debt_for_pro_rata = cp.dsra.close_source == 2 ? cp.total_debt - idc - dsra_close : cp.total_debt - idc;
        const double share = pro_rata_uses > 0.0 ? std::clamp(debt_for_pro_rata / pro_rata_uses, 0.0, 1.0) : 0.0;
        const double equity = std::max(0.0, uses + idc - cp.total_debt);
        const bool done = std::abs(share - cp.debt_share) < 1e-15 && std::abs(equity - cp.equity_commitment) < 1e-9;
        cp.debt_share = share;
        cp.equity_commitment = equity;
        if (done) break;
    }
    (void)base_uses;
}

}  // namespace

std::array<WaterfallStep, 7> default_waterfall_order() noexcept {
    return {WaterfallStep::SeniorFees, WaterfallStep::DebtService, WaterfallStep::DsraTopUp, WaterfallStep::MraTopUp,
            WaterfallStep::LockupTest, WaterfallStep::CashSweep,   WaterfallStep::Distribution};
}

namespace {

/// The valuation date, its first remaining period and the actuals (after sizing: sizing is at close).
void set_valuation(const Project& project, CompiledProject& cp) {
    const PeriodGrid& g = cp.grid;
    cp.valuation_date = project.valuation_date.value_or(g.cod);
    const auto after = std::upper_bound(g.end.begin(), g.end.end(), cp.valuation_date);
    cp.valuation_period = static_cast<int>(after - g.end.begin());
    if (g.financial_close < cp.valuation_date && cp.valuation_date < g.cod) {
        // Valued during construction: the capex drawn up to the valuation date is history.
        const auto days = [](CalendarDate a, CalendarDate b) {
            return static_cast<double>((std::chrono::sys_days{b} - std::chrono::sys_days{a}).count());
        };
        double undrawn = 0.0;
        for (int t = 0; t < g.construction_periods; ++t) {
            const auto ts = static_cast<std::size_t>(t);
            double w = 1.0;
            if (!(cp.valuation_date < g.end[ts])) w = 0.0;
            else if (g.start[ts] < cp.valuation_date) w = days(cp.valuation_date, g.end[ts]) / days(g.start[ts], g.end[ts]);
            cp.overrun_weight[ts] = w;
            undrawn += cp.construction_capex[ts] * w;
        }
        cp.overrun_share = cp.capex_total > 0.0 ? undrawn / cp.capex_total : 0.0;
        // The DSRA deposit at close is history too: its base-case amount (the target at COD on
        // the base rates), not re-sized by the rates a stress or a path sets after the valuation date.
        if (cp.dsra.enabled && cp.dsra.funded_at_close) {
            WaterfallWorkspace ws(cp);
            run_waterfall(cp, PeriodDrivers{}, ws);
            cp.dsra.close_amount = ws.results.dsra_deposit[0];
            cp.dsra.close_frozen = true;
        }
    }
    auto& s = cp.seasoning;
    if (!project.actuals) return;
    if (cp.valuation_date < g.cod)
        throw InputError("actuals", "are read from COD on; valuation_date is before COD");
    const Actuals& a = *project.actuals;
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    s.enabled = true;
    s.period = cp.valuation_period;
    s.balance.assign(static_cast<std::size_t>(cp.tranche_count), kNaN);
    s.arrears.assign(static_cast<std::size_t>(cp.tranche_count), kNaN);
    s.deferred.assign(static_cast<std::size_t>(cp.tranche_count), kNaN);
    for (std::size_t i = 0; i < a.tranches.size(); ++i) {
        const TrancheActuals& t = a.tranches[i];
        const auto it = std::find_if(cp.tranches.begin(), cp.tranches.end(),
                                     [&](const CompiledTranche& tr) { return tr.name == t.tranche; });
        if (it == cp.tranches.end())
            throw InputError("actuals.tranches[" + std::to_string(i) + "].tranche", "unknown tranche '" + t.tranche + "'");
        const auto k = static_cast<std::size_t>(it - cp.tranches.begin());
        s.balance[k] = t.principal_outstanding + t.deferred_interest;
        s.arrears[k] = t.principal_arrears;
        s.deferred[k] = t.deferred_interest;
    }
    s.dsra = a.dsra_balance.value_or(kNaN);
    s.mra = a.mra_balance.value_or(kNaN);
    s.trapped = a.lockup_balance.value_or(kNaN);
    s.locked = a.locked_up ? (*a.locked_up ? 1 : 0) : -1;
}

}  // namespace

CompiledProject compile(const Project& project) {
    static std::atomic<std::uint64_t> last_id{0};
    CompiledProject cp;
    cp.id = last_id.fetch_add(1, std::memory_order_relaxed) + 1;
    cp.name = project.name;
    cp.currency = project.currency;
    cp.grid = compile_timeline(project.timeline);
    const PeriodGrid& g = cp.grid;
    cp.periods = g.size();
    cp.tranche_count = static_cast<int>(project.tranches.size());
    const int ppy = g.periods_per_year;
    const int C = g.construction_periods;
    const auto n = static_cast<std::size_t>(cp.periods);
    const auto K = static_cast<std::size_t>(cp.tranche_count);

    if (!(project.construction.capex_total >= 0.0))
        throw InputError("construction.capex_total", "must be >= 0, got " + num(project.construction.capex_total));
    cp.capex_total = project.construction.capex_total;
    build_operations(project, cp);

    // Tranche terms.
    cp.base_index.assign(n * K, 0.0);
    cp.scheduled_principal.assign(n * K, 0.0);
    cp.tranches.resize(K);
    for (std::size_t k = 0; k < K; ++k) {
        const Tranche& in = project.tranches[k];
        CompiledTranche& tr = cp.tranches[k];
        tr.name = in.name;
        tr.token = in.token;
        tr.rank = in.rank;
        if (in.rank < 1) throw InputError(tranche_field(k, "rank"), "must be >= 1, got " + std::to_string(in.rank));
        tr.floating = in.rate_type == Tranche::RateType::Floating;
        tr.deferrable = in.deferrable_interest;
        tr.deferral_terms = in.deferrable_interest && in.deferral.given();
        cp.deferral_terms = cp.deferral_terms || tr.deferral_terms;
        tr.default_margin = in.deferral.default_interest_margin;
        tr.max_deferred = in.deferral.max_amount.value_or(std::numeric_limits<double>::infinity());
        tr.max_deferral_periods = in.deferral.max_periods.value_or(std::numeric_limits<int>::max());
        tr.amortisation = in.amortisation;
        tr.fixed_rate = in.fixed_rate;
        tr.spread = tr.floating ? in.spread : 0.0;
        tr.discount_spread = in.discount_spread.value_or(in.spread);
        tr.target_dscr = in.target_dscr;
        if (!(in.tenor_years > 0.0)) throw InputError(tranche_field(k, "tenor_years"), "must be > 0, got " + num(in.tenor_years));
        if (!(in.grace_years >= 0.0 && in.grace_years < in.tenor_years))
            throw InputError(tranche_field(k, "grace_years"),
                             "must be >= 0 and < tenor_years (" + num(in.tenor_years) + "), got " + num(in.grace_years));
        const int tenor = whole_periods(in.tenor_years, ppy, tranche_field(k, "tenor_years"));
        const int grace = whole_periods(in.grace_years, ppy, tranche_field(k, "grace_years"));
        if (tenor > g.operating_periods)
            throw InputError(tranche_field(k, "tenor_years"), "must be <= timeline.operations_years (" +
                                                                  std::to_string(project.timeline.operations_years) +
                                                                  "), got " + num(in.tenor_years));
        tr.first_repayment = C + grace;
        tr.maturity = C + tenor - 1;
        if (in.principal) {
            if (!(*in.principal >= 0.0)) throw InputError(tranche_field(k, "principal"), "must be >= 0, got " + num(*in.principal));
            tr.principal = *in.principal;
        } else {
            tr.sized_by_model = true;
        }
        if (!tr.sized_by_model && in.amortisation != Amortisation::Sculpted) continue;
        if (in.amortisation != Amortisation::Sculpted)
            throw InputError(tranche_field(k, "principal"), "required unless amortisation is sculpted");
        if (!(in.target_dscr > 0.0))
            throw InputError(tranche_field(k, "target_dscr"), "must be > 0, got " + num(in.target_dscr));
    }
    for (std::size_t k = 0; k < K; ++k) {
        if (!cp.tranches[k].floating) continue;
        const auto fwd = index_forwards(project, g, project.tranches[k].index, tranche_field(k, "index"));
        std::copy(fwd.begin(), fwd.end(), cp.base_index.begin() + static_cast<std::ptrdiff_t>(cp.at(static_cast<int>(k), 0)));
    }
    // Rank groups.
    cp.rank_order.resize(K);
    for (std::size_t k = 0; k < K; ++k) cp.rank_order[k] = static_cast<int>(k);
    std::stable_sort(cp.rank_order.begin(), cp.rank_order.end(),
                     [&](int a, int b) { return cp.tranches[static_cast<std::size_t>(a)].rank < cp.tranches[static_cast<std::size_t>(b)].rank; });
    cp.rank_begin.clear();
    for (std::size_t q = 0; q < K; ++q)
        if (q == 0 || cp.tranches[static_cast<std::size_t>(cp.rank_order[q])].rank !=
                          cp.tranches[static_cast<std::size_t>(cp.rank_order[q - 1])].rank)
            cp.rank_begin.push_back(static_cast<int>(q));
    cp.rank_begin.push_back(static_cast<int>(K));

    // Reserves, covenants, tax, working capital, funding.
    cp.tax_rate = project.tax.rate;
    cp.loss_carry_forward = project.tax.loss_carry_forward;
    cp.receivable_days = project.working_capital.receivable_days;
    cp.payable_days = project.working_capital.payable_days;
    cp.equity_first = project.construction.funding == Construction::Funding::EquityFirst;
    cp.capitalise_interest = project.construction.capitalise_interest;
    cp.dsra.enabled = project.dsra.enabled;
    cp.dsra.funded_at_close = project.dsra.funding == Dsra::Funding::AtClose;
    cp.dsra.close_source = project.dsra.funded_by == Dsra::FundedBy::Equity ? 1
                           : project.dsra.funded_by == Dsra::FundedBy::Debt ? 2
                                                                             : 0;
    // A reserve that earns nothing has no rate column (the kernel then skips its interest).
    auto earning = [](std::vector<double> rates) {
        if (std::all_of(rates.begin(), rates.end(), [](double r) { return r == 0.0; })) rates.clear();
        return rates;
    };
    cp.dsra.interest_rate = earning(reserve_rates(cp.grid, project.dsra.interest_rate, project.dsra.rate, "dsra.interest_rate"));
    if (cp.dsra.enabled) {
        if (!(project.dsra.months_of_debt_service >= 0.0))
            throw InputError("dsra.months_of_debt_service", "must be >= 0, got " + num(project.dsra.months_of_debt_service));
        // Pro-rated on the grid: 6 months on an annual grid is half of the next period.
        const double periods = project.dsra.months_of_debt_service * ppy / 12.0;
        const double whole = std::floor(periods + 1e-9);
        cp.dsra.periods_ahead = static_cast<int>(whole);
        cp.dsra.partial_period = periods - whole > 1e-9 ? periods - whole : 0.0;
        cp.dsra.share = project.dsra.share;
        cp.dsra.fixed = project.dsra.amount.has_value();
        cp.dsra.fixed_amount = project.dsra.amount.value_or(0.0);
        for (std::size_t j = 0; j < project.dsra.tranches.size(); ++j) {
            const auto it = std::find_if(project.tranches.begin(), project.tranches.end(),
                                         [&](const Tranche& t) { return t.name == project.dsra.tranches[j]; });
            if (it == project.tranches.end())
                throw InputError("dsra.tranches[" + std::to_string(j) + "]", "unknown tranche '" + project.dsra.tranches[j] + "'");
            cp.tranches[static_cast<std::size_t>(it - project.tranches.begin())].dsra_covered = true;
        }
        if (project.dsra.tranches.empty())
            for (auto& tr : cp.tranches) tr.dsra_covered = true;
    }
    cp.mra.enabled = project.mra.enabled;
    cp.mra.target = project.mra.target;
    cp.mra.interest_rate = earning(reserve_rates(cp.grid, project.mra.interest_rate, project.mra.rate, "mra.interest_rate"));
    const Covenants& cov = project.covenants;
    cp.covenants.lockup_dscr = cov.lockup_dscr;
    cp.covenants.default_dscr = cov.default_dscr;
    cp.covenants.use_ltm = cov.use_historic_dscr;
    cp.covenants.ltm_periods = ppy;
    cp.covenants.min_llcr = cov.min_llcr;
    cp.covenants.min_plcr = cov.min_plcr;
    if (cov.lockup_cure_periods < 0)
        throw InputError("covenants.lockup_cure_periods", "must be >= 0, got " + std::to_string(cov.lockup_cure_periods));
    cp.covenants.cure_periods = cov.lockup_cure_periods;
    cp.covenants.sweep_enabled = cov.sweep.enabled;
    cp.covenants.sweep_share = cov.sweep.share;
    cp.covenants.sweep_trigger = cov.sweep.trigger_dscr;
    if (cov.sweep.enabled) {
        if (!(cov.sweep.share >= 0.0 && cov.sweep.share <= 1.0))
            throw InputError("covenants.sweep.share", "must be in [0, 1], got " + num(cov.sweep.share));
        const auto it = std::find_if(project.tranches.begin(), project.tranches.end(),
                                     [&](const Tranche& t) { return t.name == cov.sweep.tranche; });
        if (it == project.tranches.end())
            throw InputError("covenants.sweep.tranche", "unknown tranche '" + cov.sweep.tranche + "'");
        cp.covenants.sweep_tranche = static_cast<int>(it - project.tranches.begin());
    }
    for (const auto& tr : cp.tranches) cp.covenants.last_debt_period = std::max(cp.covenants.last_debt_period, tr.maturity);

    // Waterfall order.
    if (project.waterfall_order.empty()) {
        cp.order = default_waterfall_order();
        cp.order_size = 7;
    } else {
        if (project.waterfall_order.size() > 7)
            throw InputError("waterfall_order", "must list each step at most once, got " +
                                                    std::to_string(project.waterfall_order.size()) + " steps");
        bool has_debt_service = false;
        for (std::size_t s = 0; s < project.waterfall_order.size(); ++s) {
            const WaterfallStep step = project.waterfall_order[s];
            for (std::size_t q = 0; q < s; ++q)
                if (project.waterfall_order[q] == step)
                    throw InputError("waterfall_order[" + std::to_string(s) + "]", "repeats an earlier step");
            has_debt_service = has_debt_service || step == WaterfallStep::DebtService;
            cp.order[s] = step;
        }
        if (!has_debt_service) throw InputError("waterfall_order", "must contain the debt_service step");
        cp.order_size = static_cast<int>(project.waterfall_order.size());
    }

    // Fixed-shape schedules for given principals.
    for (int k = 0; k < cp.tranche_count; ++k)
        if (cp.tranches[static_cast<std::size_t>(k)].amortisation != Amortisation::Sculpted)
            fixed_shape_schedule(project, cp, k);

    auto refresh_totals = [&] {
        cp.total_debt = 0.0;
        for (const auto& tr : cp.tranches) cp.total_debt += tr.principal;
        for (std::size_t t = 0; t < n; ++t) {
            double weighted = 0.0;
            for (std::size_t k = 0; k < K; ++k) {
                const auto& tr = cp.tranches[k];
                const double r = tr.floating ? cp.base_index[k * n + t] + tr.spread : tr.fixed_rate;
                weighted += tr.principal * r;
            }
            cp.covenant_discount_rate[t] = cp.total_debt > 0.0 ? weighted / cp.total_debt : 0.0;
        }
        finalise(cp);
    };
    refresh_totals();
    WaterfallWorkspace ws(cp, 0);
    calibrate_funding(cp, ws);

    // Sizing and sculpting (pricing::size_debt) on the CFADS of a base run. Tax depends on
    // interest, so iterate to a fixed point; the sweep is off while sizing (it changes balances,
    // not the scheduled profile).
    bool any_sized = false;
    for (const auto& tr : cp.tranches) any_sized = any_sized || tr.sized_by_model || tr.amortisation == Amortisation::Sculpted;
    if (any_sized) {
        const bool sweep = cp.covenants.sweep_enabled;
        cp.covenants.sweep_enabled = false;
        const auto ops = static_cast<std::size_t>(g.operating_periods);
        std::vector<double> available(ops), accrual(ops), rate(ops), others(ops);
        for (std::size_t i = 0; i < ops; ++i) accrual[i] = g.accrual[static_cast<std::size_t>(C) + i];
        const PeriodDrivers neutral;
        for (int iteration = 0; iteration < 100; ++iteration) {
            run_waterfall(cp, neutral, ws);
            const WaterfallResults& r = ws.results;
            double change = 0.0;
            for (std::size_t q = 0; q < K; ++q) {
                const int k = cp.rank_order[q];
                CompiledTranche& tr = cp.tranches[static_cast<std::size_t>(k)];
                if (!tr.sized_by_model && tr.amortisation != Amortisation::Sculpted) continue;
                const Tranche& in = project.tranches[static_cast<std::size_t>(k)];
                // Debt service of the tranches ahead of this one in rank order and of every
                // tranche with a fixed schedule; the DSCR target applies to total debt service.
                std::fill(others.begin(), others.end(), 0.0);
                for (std::size_t q2 = 0; q2 < K; ++q2) {
                    const int j = cp.rank_order[q2];
                    const auto& other = cp.tranches[static_cast<std::size_t>(j)];
                    const bool fixed_shape = !other.sized_by_model && other.amortisation != Amortisation::Sculpted;
                    if (j == k || (q2 > q && !fixed_shape)) continue;
                    for (std::size_t i = 0; i < ops; ++i) {
                        const std::size_t t = static_cast<std::size_t>(C) + i;
                        const std::size_t at = cp.at(j, static_cast<int>(t));
                        others[i] += r.tranche_interest_due[at] + std::min(r.tranche_principal_due[at], cp.scheduled_principal[at]);
                    }
                }
                const double multiple = tr.amortisation == Amortisation::Sculpted ? tr.target_dscr : project.sizing.min_dscr;
                // Gearing = total debt / total uses of funds (debt + equity contributed), the one
                // definition `value` reports; uses come from the last base run (they move with the
                // debt through interest during construction and the DSRA, hence the iteration).
                double equity_in = r.close_equity;
                for (int t = 0; t < cp.periods; ++t)
                    equity_in += r.equity_funding[static_cast<std::size_t>(t)] + r.equity_injection[static_cast<std::size_t>(t)];
                const double total_uses = cp.total_debt + equity_in;
                double other_debt = 0.0;
                for (std::size_t j = 0; j < K; ++j)
                    if (static_cast<int>(j) != k) other_debt += cp.tranches[j].principal;
                for (std::size_t i = 0; i < ops; ++i) {
                    const std::size_t t = static_cast<std::size_t>(C) + i;
                    available[i] = r.cfads[t] - multiple * others[i];
                    rate[i] = tr.floating ? cp.base_index[cp.at(k, static_cast<int>(t))] + tr.spread : tr.fixed_rate;
                }
                const std::string field = tranche_field(static_cast<std::size_t>(k), "");
                pricing::SizingOptions options =
                    pricing::sizing_options_for(in, project.sizing, cp.capex_total, ppy, field.substr(0, field.size() - 1));
                if (total_uses > 0.0) {
                    // The gearing cap applies to total debt: this tranche gets what the others leave.
                    options.capex = total_uses;
                    const double room = project.sizing.gearing_cap * total_uses - other_debt;
                    options.gearing_cap = std::clamp(room / total_uses, 1e-12, 1.0);
                }
                if (project.sizing.debt_cap)
                    options.debt_cap = std::max(*project.sizing.debt_cap - other_debt, 1e-9);
                pricing::SizingSummary summary = pricing::size_debt({available, accrual, rate}, options);
                change = std::max(change, std::abs(summary.size - tr.principal) / std::max(1.0, summary.size));
                tr.principal = summary.size;
                tr.sizing = SizingOutcome{};
                tr.sizing.binding = pricing::to_string(summary.binding);
                tr.sizing.target = multiple;
                tr.sizing.tenor_clipped = summary.tenor_clipped;
                tr.sizing.tenor_periods = summary.tenor_periods;
                // Converged when the size and the whole schedule are (the schedule's interest moves
                // tax and so CFADS even when a grace or gearing limit holds the size still).
                const double* const before = cp.scheduled_principal.data() + cp.at(k, C);
                const std::vector<double> previous(before, before + ops);
                if (summary.below_interest_periods.empty()) {
                    for (std::size_t i = 0; i < ops; ++i)
                        cp.scheduled_principal[cp.at(k, C + static_cast<int>(i))] = std::max(0.0, summary.principal[i]);
                } else {
                    // The kernel cannot capitalise scheduled interest. Interest only, then catch-up
                    // to the sculpted balance profile: the balance follows min(balance, sculpted
                    // closing balance), so principal resumes once the sculpted balance (which grows
                    // while sculpting would capitalise) falls below the balance held flat, and the
                    // tranche repays exactly at its maturity (docs/pricing.md, "Sculpted payment
                    // below interest"). The target is missed where the interest on the balance held
                    // flat exceeds CFADS / target less the service ranked ahead (a schedule capped
                    // by gearing or grace cover pays less than that elsewhere, and so do the
                    // catch-up periods).
                    double balance = summary.size;
                    for (std::size_t i = 0; i < ops; ++i) {
                        const double paid = std::max(0.0, balance - summary.closing_balance[i]);
                        cp.scheduled_principal[cp.at(k, C + static_cast<int>(i))] = paid;
                        const double interest = balance * rate[i] * accrual[i];
                        if (static_cast<int>(i) >= options.grace_periods && static_cast<int>(i) < summary.tenor_periods &&
                            paid == 0.0 && interest > std::max(available[i], 0.0) / multiple)
                            tr.sizing.misses.push_back({C + static_cast<int>(i), summary.debt_service[i], interest});
                        balance -= paid;
                    }
                }
                for (std::size_t i = 0; i < ops; ++i)
                    change = std::max(change, std::abs(cp.scheduled_principal[cp.at(k, C + static_cast<int>(i))] - previous[i]) /
                                                  std::max(1.0, summary.size));
                if (!tr.sizing.misses.empty()) {
                    const auto& first = tr.sizing.misses.front();
                    const std::string what =
                        "sculpted debt service is below interest in " + std::to_string(tr.sizing.misses.size()) + " of " +
                        std::to_string(summary.tenor_periods - tr.first_repayment + C) + " amortisation periods (first " +
                        format::iso_date(cp.grid.end[static_cast<std::size_t>(first.period)]) + ": " +
                        format::message_number(first.sculpted_debt_service, 6) + " vs interest " +
                        format::message_number(first.interest, 6) + "), so the DSCR target " + format::message_number(multiple) +
                        " cannot be met there";
                    if (project.sizing.on_target_miss == Sizing::TargetMiss::Fail)
                        throw InputError(tranche_field(static_cast<std::size_t>(k), "target_dscr"),
                                         what + "; lower target_dscr, lengthen tenor_years, or set sizing.on_target_miss: "
                                                "interest_only to pay interest only in those periods");
                    summary.constraints_hold = false;
                    summary.message = what + " (interest only there, then principal catches up with the sculpted balance; "
                                             "sizing.on_target_miss)" +
                                      (summary.message.empty() ? "" : "; " + summary.message);
                }
                tr.sizing.constraints_hold = summary.constraints_hold;
                tr.sizing_message = summary.brief_report();
                refresh_totals();
                ws.bind(cp);  // the schedule changed in place: the workspace's run-invariant columns follow
            }
            calibrate_funding(cp, ws);
            if (iteration > 0 && change < 1e-12) break;
        }
        cp.covenants.sweep_enabled = sweep;
    }
    finalise(cp);
    set_valuation(project, cp);
    return cp;
}

}  // namespace pftoken
