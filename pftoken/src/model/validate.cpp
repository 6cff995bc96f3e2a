// Project validation: every constraint on pftoken::Project, with messages naming the field path.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "pftoken/base/format.hpp"
#include "pftoken/base/validate.hpp"
#include "pftoken/model/schedule_sum.hpp"
#include "pftoken/model/loader.hpp"

namespace pftoken {

std::string_view to_string(Frequency frequency) {
    switch (frequency) {
    case Frequency::Monthly: return "monthly";
    case Frequency::Quarterly: return "quarterly";
    case Frequency::SemiAnnual: return "semi_annual";
    case Frequency::Annual: return "annual";
    }
    return "unknown";
}

std::string_view to_string(DayCount day_count) {
    switch (day_count) {
    case DayCount::Actual365Fixed: return "actual_365_fixed";
    case DayCount::Actual360: return "actual_360";
    case DayCount::Thirty360: return "thirty_360";
    case DayCount::ActualActualISDA: return "actual_actual_isda";
    }
    return "unknown";
}

std::string_view to_string(Amortisation amortisation) {
    switch (amortisation) {
    case Amortisation::Bullet: return "bullet";
    case Amortisation::Annuity: return "annuity";
    case Amortisation::LevelPrincipal: return "level_principal";
    case Amortisation::Sculpted: return "sculpted";
    case Amortisation::Schedule: return "schedule";
    }
    return "unknown";
}

std::string_view to_string(WaterfallStep step) {
    switch (step) {
    case WaterfallStep::SeniorFees: return "senior_fees";
    case WaterfallStep::DebtService: return "debt_service";
    case WaterfallStep::DsraTopUp: return "dsra_top_up";
    case WaterfallStep::MraTopUp: return "mra_top_up";
    case WaterfallStep::LockupTest: return "lockup_test";
    case WaterfallStep::CashSweep: return "cash_sweep";
    case WaterfallStep::Distribution: return "distribution";
    }
    return "unknown";
}

namespace {

std::string num(double x) { return fmt::format("{}", x); }

bool close_rel(double a, double b) { return sums_to(a, b); }

// Largest amount, quantity or count a project input may hold (money, MW, tokens, units): far
// above any real project (1e15 = a thousand trillion), low enough that products of two inputs
// (supply x face_per_token, capacity x hours x price) stay finite, so an absurd value is refused
// here, naming its field, instead of turning into inf or NaN inside the waterfall.
constexpr double kMaxAmount = 1e15;

/// The project's rules on top of validation::Rules: amounts are capped at kMaxAmount.
class Checker : public validation::Rules {
  public:
    explicit Checker(std::vector<InputIssue>& out) : Rules(out) {}

    void positive(const std::string& path, double x) {
        require(path, x, {validation::positive(), validation::at_most(kMaxAmount)});
    }
    void non_negative(const std::string& path, double x) {
        require(path, x, {validation::non_negative(), validation::at_most(kMaxAmount)});
    }
    void in_closed(const std::string& path, double x, double lo, double hi) {
        require(path, x, {validation::in_closed(lo, hi)});
    }
    /// A rate as a decimal: strictly between -100% and 100%.
    void rate(const std::string& path, double x) {
        if (!finite(path, x)) return;
        if (x >= 1.0)
            fail(path, "must be < 1 (100%), got " + num(x) + " (rates are decimals: 0.05 = 5%)");
        else if (x <= -1.0)
            fail(path, "must be > -1 (-100%), got " + num(x));
    }
    /// A real calendar day; an impossible one (2025-02-30, read as written) fails, false.
    bool calendar_date(const std::string& path, const CalendarDate& date) {
        if (date.ok()) return true;
        fail(path, "not a valid calendar date, got " + format::iso_date_as_written(date));
        return false;
    }
    void whole_periods(const std::string& path, double years, int periods_per_year,
                       Frequency frequency) {
        if (!std::isfinite(years)) return;
        const double periods = years * periods_per_year;
        if (std::abs(periods - std::round(periods)) > 1e-9)
            fail(path, fmt::format("must be a whole number of {} periods, got {} years ({} periods)",
                                   to_string(frequency), years, periods));
    }
};

std::string idx(const std::string& base, std::size_t i) { return fmt::format("{}[{}]", base, i); }

std::string join_names(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text.empty() ? "(none)" : text;
}

void check_token(Checker& c, const std::string& path, const TokenClass& token,
                 const std::optional<double>& principal, const char* principal_name) {
    if (token.symbol.empty())
        c.fail(path + ".symbol", "is required (non-empty token symbol)");
    else if (std::any_of(token.symbol.begin(), token.symbol.end(),
                         [](char ch) { return ch == ' ' || ch == '\t' || ch == '='; }))
        c.fail(path + ".symbol", "must not contain spaces or '=', got '" + token.symbol + "'");
    c.positive(path + ".supply", token.supply);
    c.non_negative(path + ".face_per_token", token.face_per_token);
    if (principal && std::isfinite(*principal) && *principal <= kMaxAmount && token.face_per_token > 0.0 &&
        std::isfinite(token.face_per_token) && token.supply > 0.0 && std::isfinite(token.supply) &&
        !close_rel(token.supply * token.face_per_token, *principal))
        c.fail(path + ".face_per_token",
               fmt::format("supply x face_per_token must equal the {} ({}), got {} x {} = {}",
                           principal_name, *principal, token.supply, token.face_per_token,
                           token.supply * token.face_per_token));
}

void check_curve(Checker& c, const std::string& path, const CurveSpec& curve) {
    if (curve.kind == CurveSpec::Kind::Flat) {
        c.rate(path + ".flat_rate", curve.flat_rate);
        if (!curve.pillars.empty() || !curve.csv_path.empty())
            c.fail(path + ".kind", "is flat, but pillars or csv_path are given (use kind: zero)");
        return;
    }
    std::vector<std::pair<double, double>> from_csv;
    if (!curve.csv_path.empty()) {
        if (!curve.pillars.empty()) {
            c.fail(path + ".csv_path", "give either pillars or csv_path, not both");
            return;
        }
        try {
            from_csv = read_zero_curve_csv(curve.csv_path, path + ".csv_path");
        } catch (const ProjectInputError& e) {
            for (const auto& issue : e.issues()) c.add(issue);
            return;
        }
    } else if (curve.pillars.empty()) {
        c.fail(path + ".pillars", "a zero curve needs pillars or csv_path");
        return;
    }
    const auto& pillars = curve.csv_path.empty() ? curve.pillars : from_csv;
    const std::string pillar_base = curve.csv_path.empty() ? path + ".pillars" : path + ".csv_path";
    double previous = 0.0;
    for (std::size_t i = 0; i < pillars.size(); ++i) {
        const auto& [years, zero] = pillars[i];
        const std::string p = idx(pillar_base, i);
        if (c.finite(p + ".years", years)) {
            if (!(years > previous))
                c.fail(p + ".years", fmt::format("must be > {} (pillars strictly increasing, after 0), got {}",
                                                 previous, years));
            previous = std::max(previous, years);
        }
        c.rate(p + ".zero_rate", zero);
    }
}

/// The last period end of the timeline (QuantLib's month arithmetic: a day past the month's end
/// becomes its last day), so the loader can check the valuation date without building the grid.
CalendarDate add_months(const CalendarDate& d, int months) {
    const auto ym = std::chrono::year_month{d.year(), d.month()} + std::chrono::months{months};
    const CalendarDate out{ym.year(), ym.month(), d.day()};
    return out.ok() ? out : CalendarDate{std::chrono::year_month_day_last{ym.year(), std::chrono::month_day_last{ym.month()}}};
}

void check_valuation_date(const Project& p, const std::map<std::string, std::size_t>& tranche_names,
                          const std::vector<std::string>& tranche_list, Checker& c) {
    const auto& tl = p.timeline;
    const bool timeline_ok = tl.financial_close.ok() && tl.construction_months >= 0 && tl.construction_months <= 120 &&
                             tl.operations_years > 0 && tl.operations_years <= 100;
    CalendarDate cod{}, end{};
    if (timeline_ok) {
        cod = add_months(tl.financial_close, tl.construction_months);
        end = add_months(cod, 12 * tl.operations_years);
    }
    if (p.valuation_date) {
        const CalendarDate& v = *p.valuation_date;
        if (c.calendar_date("valuation_date", v) && timeline_ok && (v < tl.financial_close || v > end))
            c.fail("valuation_date", fmt::format("must be from timeline.financial_close ({}) to the last period end ({}), got {}",
                                                 format::iso_date(tl.financial_close), format::iso_date(end),
                                                 format::iso_date(v)));
    }
    if (!p.actuals) return;
    const Actuals& a = *p.actuals;
    if (!p.valuation_date)
        c.fail("actuals", "requires valuation_date (the date the actuals describe)");
    else if (timeline_ok && p.valuation_date->ok() && *p.valuation_date < cod)
        c.fail("actuals", fmt::format("are read from COD ({}) on; valuation_date is {} (during construction)",
                                      format::iso_date(cod), format::iso_date(*p.valuation_date)));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < a.tranches.size(); ++i) {
        const TrancheActuals& t = a.tranches[i];
        const std::string path = idx("actuals.tranches", i);
        if (!tranche_names.count(t.tranche))
            c.fail(path + ".tranche", fmt::format("unknown tranche '{}'; tranches are: {}", t.tranche, join_names(tranche_list)));
        else if (!seen.insert(t.tranche).second)
            c.fail(path + ".tranche", fmt::format("tranche '{}' listed twice", t.tranche));
        c.non_negative(path + ".principal_outstanding", t.principal_outstanding);
        c.non_negative(path + ".deferred_interest", t.deferred_interest);
        c.non_negative(path + ".principal_arrears", t.principal_arrears);
        if (std::isfinite(t.principal_outstanding) && t.principal_arrears > t.principal_outstanding)
            c.fail(path + ".principal_arrears", fmt::format("must be <= principal_outstanding ({}), got {}",
                                                            num(t.principal_outstanding), num(t.principal_arrears)));
    }
    if (a.dsra_balance) {
        c.non_negative("actuals.dsra_balance", *a.dsra_balance);
        if (!p.dsra.enabled) c.fail("actuals.dsra_balance", "given but the project has no DSRA (dsra.enabled)");
    }
    if (a.mra_balance) {
        c.non_negative("actuals.mra_balance", *a.mra_balance);
        if (!p.mra.enabled) c.fail("actuals.mra_balance", "given but the project has no MRA (mra.enabled)");
    }
    if (a.lockup_balance) c.non_negative("actuals.lockup_balance", *a.lockup_balance);
}

void check_reserve_rate(Checker& c, const std::string& path, double constant, const ReserveRate& rate) {
    c.rate(path, constant);
    const int given = (rate.curve.empty() ? 0 : 1) + (rate.csv_path.empty() ? 0 : 1) + (rate.backtest_path.empty() ? 0 : 1);
    if (given > 1) c.fail(path, "give one of curve, csv_path or backtest");
    for (std::size_t i = 0; i < rate.curve.size(); ++i) {
        const auto p = fmt::format("{}.curve[{}]", path, i);
        c.rate(p + ".rate", rate.curve[i].rate);
        if (i > 0 && !(std::chrono::sys_days{rate.curve[i].date} > std::chrono::sys_days{rate.curve[i - 1].date}))
            c.fail(p + ".date", "must be after the previous point's date (dates strictly increasing)");
    }
}

}  // namespace

std::vector<InputIssue> check_project(const Project& p) {
    std::vector<InputIssue> issues;
    Checker c(issues);

    if (p.name.empty()) c.fail("name", "is required (non-empty)");
    if (p.currency.size() != 3 ||
        !std::all_of(p.currency.begin(), p.currency.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
        c.fail("currency", "must be a 3-letter upper-case ISO 4217 code, got '" + p.currency + "'");

    // Timeline.
    const auto& t = p.timeline;
    const int ppy = static_cast<int>(t.frequency);
    if (ppy != 1 && ppy != 2 && ppy != 4 && ppy != 12)
        c.fail("timeline.frequency", fmt::format("must be one of monthly, quarterly, semi_annual, annual; got {}", ppy));
    if (c.calendar_date("timeline.financial_close", t.financial_close) &&
        (t.financial_close.year() < std::chrono::year{1950} || t.financial_close.year() > std::chrono::year{2150}))
        c.fail("timeline.financial_close",
               fmt::format("year must be in [1950, 2150], got {}", static_cast<int>(t.financial_close.year())));
    if (t.construction_months < 0 || t.construction_months > 120)
        c.fail("timeline.construction_months", fmt::format("must be in [0, 120], got {}", t.construction_months));
    if (t.operations_years <= 0 || t.operations_years > 100)
        c.fail("timeline.operations_years", fmt::format("must be in [1, 100], got {}", t.operations_years));
    const double life_years = t.operations_years;

    // Construction.
    const auto& k = p.construction;
    c.positive("construction.capex_total", k.capex_total);
    if (!k.capex_profile.empty()) {
        if (static_cast<int>(k.capex_profile.size()) != std::max(t.construction_months, 0))
            c.fail("construction.capex_profile",
                   fmt::format("must have one share per construction month ({}), got {}",
                               t.construction_months, k.capex_profile.size()));
        double sum = 0.0;
        bool all_ok = true;
        for (std::size_t i = 0; i < k.capex_profile.size(); ++i) {
            const double share = k.capex_profile[i];
            const auto path = idx("construction.capex_profile", i);
            if (!c.finite(path, share)) { all_ok = false; continue; }
            if (share < 0.0) { c.fail(path, "must be >= 0, got " + num(share)); all_ok = false; }
            sum += share;
        }
        if (all_ok && !close_rel(sum, 1.0))
            c.fail("construction.capex_profile", sum_mismatch("", 1.0, sum));
    }

    // Revenues.
    const CashFlowLines& lines = p.cash_flows;
    if (lines.given()) {
        if (!p.revenues.empty()) c.fail("cash_flows", "replaces revenues: give revenues or cash_flows, not both");
        const auto ops = static_cast<std::size_t>(std::max(t.operations_years, 0) * ppy);
        auto line = [&](const std::vector<double>& v, const std::string& name, bool non_negative) {
            const std::string path = "cash_flows." + name;
            if (v.empty()) return;
            if (v.size() != ops)
                c.fail(path, fmt::format("must have one value per operating period ({} = {} years x {} a year), got {}",
                                         ops, t.operations_years, ppy, v.size()));
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (!c.finite(idx(path, i), v[i])) continue;
                if (non_negative && v[i] < 0.0) c.fail(idx(path, i), "must be >= 0, got " + num(v[i]));
            }
        };
        line(lines.revenue, "revenue", false);
        line(lines.opex, "opex", true);
        line(lines.maintenance_capex, "maintenance_capex", true);
        line(lines.tax, "tax", false);
        line(lines.working_capital_change, "working_capital_change", false);
        line(lines.cfads, "cfads", false);
        if (!lines.cfads.empty() && (!lines.revenue.empty() || !lines.opex.empty() || !lines.maintenance_capex.empty() ||
                                     !lines.tax.empty() || !lines.working_capital_change.empty()))
            c.fail("cash_flows.cfads", "is CFADS itself: give it alone, or the line items without it");
        if ((!lines.cfads.empty() || !lines.tax.empty()) && p.tax.rate != 0.0)
            c.fail("tax.rate", "must be 0 when cash_flows gives " + std::string(lines.cfads.empty() ? "tax" : "cfads") +
                                   " (the tax is already in it), got " + num(p.tax.rate));
        if (!lines.cfads.empty() && (p.working_capital.receivable_days != 0.0 || p.working_capital.payable_days != 0.0))
            c.fail("working_capital", "must be omitted when cash_flows gives cfads (working capital is already in it)");
        if (!lines.working_capital_change.empty() &&
            (p.working_capital.receivable_days != 0.0 || p.working_capital.payable_days != 0.0))
            c.fail("working_capital", "must be omitted when cash_flows gives working_capital_change (receivable and "
                                      "payable days would count working capital twice)");
        if (p.opex.fixed_per_year != 0.0 || p.opex.variable_per_unit != 0.0 || p.opex.maintenance_capex_per_year != 0.0)
            c.fail("opex", "costs come from cash_flows: only opex.senior_fees_per_year may be given with it");
    } else if (p.revenues.empty()) {
        c.fail("revenues", "must list at least one revenue stream (or give cash_flows)");
    }
    std::map<std::string, std::size_t> revenue_names;
    for (std::size_t i = 0; i < p.revenues.size(); ++i) {
        const auto& r = p.revenues[i];
        const std::string base = idx("revenues", i);
        if (r.name.empty()) c.fail(base + ".name", "is required (non-empty)");
        else if (auto [it, fresh] = revenue_names.emplace(r.name, i); !fresh)
            c.fail(base + ".name", fmt::format("duplicate revenue name '{}' (also revenues[{}])", r.name, it->second));
        if (r.p50_volume) {
            c.positive(base + ".p50_volume", *r.p50_volume);
        } else {
            c.positive(base + ".capacity_mw", r.capacity_mw);
            c.in_closed(base + ".capacity_factor", r.capacity_factor, 0.0, 1.0);
            if (std::isfinite(r.capacity_factor) && r.capacity_factor == 0.0)
                c.fail(base + ".capacity_factor", "must be > 0 (or give p50_volume), got 0");
        }
        if (c.finite(base + ".degradation_per_year", r.degradation_per_year) &&
            (r.degradation_per_year < 0.0 || r.degradation_per_year >= 1.0))
            c.fail(base + ".degradation_per_year", "must be in [0, 1), got " + num(r.degradation_per_year));
        c.in_closed(base + ".availability", r.availability, 0.0, 1.0);
        if (!r.seasonality.empty()) {
            if (r.seasonality.size() != 12) {
                c.fail(base + ".seasonality", fmt::format("must have 12 monthly values, got {}", r.seasonality.size()));
            } else {
                double sum = 0.0;
                bool all_ok = true;
                for (std::size_t m = 0; m < 12; ++m) {
                    const auto path = idx(base + ".seasonality", m);
                    if (!c.finite(path, r.seasonality[m])) { all_ok = false; continue; }
                    if (r.seasonality[m] < 0.0) { c.fail(path, "must be >= 0, got " + num(r.seasonality[m])); all_ok = false; }
                    sum += r.seasonality[m];
                }
                if (all_ok && std::abs(sum / 12.0 - 1.0) > 1e-6)
                    c.fail(base + ".seasonality", fmt::format("must average 1 (sum 12), got sum {}", sum));
            }
        }
        c.rate(base + ".indexation", r.indexation);
        c.rate(base + ".merchant_escalation", r.merchant_escalation);
        c.non_negative(base + ".contract_price", r.contract_price);
        bool needs_merchant = r.price_type == RevenueStream::PriceType::Merchant;
        if (r.price_type == RevenueStream::PriceType::Contracted) {
            if (std::isfinite(r.contract_price) && r.contract_price == 0.0)
                c.fail(base + ".contract_price", "must be > 0 for a contracted stream, got 0");
            if (c.finite(base + ".contract_years", r.contract_years)) {
                if (r.contract_years < 0.0 || r.contract_years > life_years)
                    c.fail(base + ".contract_years",
                           fmt::format("must be in [0, timeline.operations_years ({})], got {}", life_years, r.contract_years));
                else if (r.contract_years > 0.0 && r.contract_years < life_years)
                    needs_merchant = true;
            }
        }
        if (needs_merchant && r.merchant_curve.empty())
            c.fail(base + ".merchant_curve",
                   r.price_type == RevenueStream::PriceType::Merchant
                       ? std::string("a merchant stream needs a merchant_curve")
                       : fmt::format("is required: the contract ends after {} of {} years", r.contract_years, life_years));
        for (std::size_t j = 0; j < r.merchant_curve.size(); ++j) {
            const auto& point = r.merchant_curve[j];
            const std::string path = idx(base + ".merchant_curve", j);
            if (c.finite(path + ".year", point.year)) {
                if (j == 0 && point.year != 0.0)
                    c.fail(path + ".year", "the first point must be at year 0, got " + num(point.year));
                else if (j > 0 && std::isfinite(r.merchant_curve[j - 1].year) && !(point.year > r.merchant_curve[j - 1].year))
                    c.fail(path + ".year", fmt::format("must be > the previous point's year ({}), got {}",
                                                       r.merchant_curve[j - 1].year, point.year));
            }
            c.non_negative(path + ".price", point.price);
        }
    }

    // Costs, tax, working capital.
    c.non_negative("opex.fixed_per_year", p.opex.fixed_per_year);
    c.non_negative("opex.variable_per_unit", p.opex.variable_per_unit);
    c.rate("opex.escalation", p.opex.escalation);
    c.non_negative("opex.maintenance_capex_per_year", p.opex.maintenance_capex_per_year);
    c.non_negative("opex.senior_fees_per_year", p.opex.senior_fees_per_year);
    if (c.finite("tax.rate", p.tax.rate) && (p.tax.rate < 0.0 || p.tax.rate >= 1.0))
        c.fail("tax.rate", "must be in [0, 1), got " + num(p.tax.rate));
    if (p.tax.depreciation_years < 1 || p.tax.depreciation_years > 100)
        c.fail("tax.depreciation_years", fmt::format("must be in [1, 100], got {}", p.tax.depreciation_years));
    c.in_closed("working_capital.receivable_days", p.working_capital.receivable_days, 0.0, 365.0);
    c.in_closed("working_capital.payable_days", p.working_capital.payable_days, 0.0, 365.0);

    // Market (before tranches: floating tranches refer to forward curves by name).
    check_curve(c, "market.discount", p.market.discount);
    std::vector<std::string> forward_names;
    for (std::size_t i = 0; i < p.market.forwards.size(); ++i) {
        const auto& curve = p.market.forwards[i];
        const std::string base = idx("market.forwards", i);
        if (curve.name.empty()) c.fail(base + ".name", "is required (the index name tranches refer to)");
        else if (std::find(forward_names.begin(), forward_names.end(), curve.name) != forward_names.end())
            c.fail(base + ".name", "duplicate forward curve name '" + curve.name + "'");
        forward_names.push_back(curve.name);
        check_curve(c, base, curve);
    }

    // Tranches.
    if (p.tranches.empty()) c.fail("tranches", "must list at least one tranche");
    std::map<std::string, std::size_t> tranche_names;
    std::vector<std::string> tranche_list;
    for (std::size_t i = 0; i < p.tranches.size(); ++i) {
        const auto& tr = p.tranches[i];
        const std::string base = idx("tranches", i);
        if (tr.name.empty()) c.fail(base + ".name", "is required (non-empty)");
        else if (auto [it, fresh] = tranche_names.emplace(tr.name, i); !fresh)
            c.fail(base + ".name", fmt::format("duplicate tranche name '{}' (also tranches[{}])", tr.name, it->second));
        else tranche_list.push_back(tr.name);
        if (tr.rank < 1) c.fail(base + ".rank", fmt::format("must be >= 1 (1 = most senior), got {}", tr.rank));
        if (tr.principal) c.positive(base + ".principal", *tr.principal);
        if (tr.deferral.given()) {
            const std::string d = base + ".deferral";
            if (!tr.deferrable_interest)
                c.fail(d, "applies to a deferrable tranche only (set deferrable_interest: true; rank > 1 defers by default)");
            c.require(d + ".default_interest_margin", tr.deferral.default_interest_margin,
                      {validation::in_closed(0.0, 1.0)});
            if (tr.deferral.max_amount) c.non_negative(d + ".max_amount", *tr.deferral.max_amount);
            if (tr.deferral.max_periods && *tr.deferral.max_periods < 0)
                c.fail(d + ".max_periods", fmt::format("must be >= 0, got {}", *tr.deferral.max_periods));
        }
        if (tr.rate_type == Tranche::RateType::Fixed) {
            c.rate(base + ".fixed_rate", tr.fixed_rate);
            if (!tr.index.empty())
                c.fail(base + ".index", "is only used by floating tranches (this tranche is fixed; set rate_type: floating)");
        } else {
            if (tr.index.empty())
                c.fail(base + ".index", "is required for a floating tranche (a market.forwards name)");
            else if (std::find(forward_names.begin(), forward_names.end(), tr.index) == forward_names.end())
                c.fail(base + ".index", fmt::format("unknown forward curve '{}'; market.forwards has: {}", tr.index,
                                                    join_names(forward_names)));
        }
        c.rate(base + ".spread", tr.spread);
        if (tr.discount_spread) {
            c.rate(base + ".discount_spread", *tr.discount_spread);
            if (tr.rate_type == Tranche::RateType::Fixed && tr.spread != 0.0)
                c.fail(base + ".discount_spread",
                       "a fixed tranche has one spread, its discount spread: give spread or discount_spread, not both");
        }
        const bool tenor_ok = c.finite(base + ".tenor_years", tr.tenor_years);
        if (tenor_ok) {
            if (!(tr.tenor_years > 0.0)) c.fail(base + ".tenor_years", "must be > 0, got " + num(tr.tenor_years));
            else if (tr.tenor_years * ppy < 1.0 - 1e-9)
                c.fail(base + ".tenor_years", fmt::format("must be at least one {} period ({:.4g} years), got {}",
                                                          to_string(t.frequency), 1.0 / ppy, tr.tenor_years));
            else if (tr.tenor_years > life_years)
                c.fail(base + ".tenor_years",
                       fmt::format("must be <= timeline.operations_years ({}), got {}", life_years, tr.tenor_years));
            else c.whole_periods(base + ".tenor_years", tr.tenor_years, ppy, t.frequency);
        }
        if (c.finite(base + ".grace_years", tr.grace_years)) {
            if (tr.grace_years < 0.0) c.fail(base + ".grace_years", "must be >= 0, got " + num(tr.grace_years));
            else if (tenor_ok && tr.tenor_years > 0.0 && tr.grace_years >= tr.tenor_years &&
                     tr.amortisation != Amortisation::Bullet)
                c.fail(base + ".grace_years",
                       fmt::format("must be < tenor_years ({}), got {}", tr.tenor_years, tr.grace_years));
            else c.whole_periods(base + ".grace_years", tr.grace_years, ppy, t.frequency);
        }
        if (tr.amortisation == Amortisation::Sculpted) {
            if (c.finite(base + ".target_dscr", tr.target_dscr) && tr.target_dscr < 1.0)
                c.fail(base + ".target_dscr", "must be >= 1 for a sculpted tranche, got " + num(tr.target_dscr));
        }
        if (tr.amortisation == Amortisation::Schedule) {
            if (tr.schedule.empty()) {
                c.fail(base + ".schedule", "is required when amortisation is schedule");
            } else {
                double sum = 0.0;
                bool all_ok = true;
                for (std::size_t j = 0; j < tr.schedule.size(); ++j) {
                    const auto path = idx(base + ".schedule", j);
                    if (!c.finite(path, tr.schedule[j])) { all_ok = false; continue; }
                    if (tr.schedule[j] < 0.0) { c.fail(path, "must be >= 0, got " + num(tr.schedule[j])); all_ok = false; }
                    sum += tr.schedule[j];
                }
                if (!tr.principal)
                    c.fail(base + ".principal", "is required when amortisation is schedule");
                else if (all_ok && std::isfinite(*tr.principal) && !close_rel(sum, *tr.principal))
                    c.fail(base + ".schedule", sum_mismatch("principal", *tr.principal, sum));
                if (tenor_ok && tr.tenor_years > 0.0) {
                    const double tenor_periods = std::round(tr.tenor_years * ppy);
                    if (static_cast<double>(tr.schedule.size()) > tenor_periods)
                        c.fail(base + ".schedule",
                               fmt::format("has {} entries, more than the {} {} periods of tenor_years", tr.schedule.size(),
                                           tenor_periods, to_string(t.frequency)));
                }
            }
        } else if (!tr.schedule.empty()) {
            c.fail(base + ".schedule", fmt::format("is only used with amortisation: schedule (this tranche is {})",
                                                   to_string(tr.amortisation)));
        }
        check_token(c, base + ".token", tr.token, tr.principal, "principal");
    }

    // Equity.
    c.non_negative("equity.contribution", p.equity.contribution);
    c.rate("equity.cost_of_equity", p.equity.cost_of_equity);
    check_token(c, "equity.token", p.equity.token,
                p.equity.contribution > 0.0 ? std::optional<double>(p.equity.contribution) : std::nullopt,
                "contribution");

    // Token symbols are unique across all classes (they key market prices and reports).
    {
        std::map<std::string, std::string> symbols;
        auto claim = [&](const std::string& symbol, const std::string& path) {
            if (symbol.empty()) return;
            if (auto [it, fresh] = symbols.emplace(symbol, path); !fresh)
                c.fail(path + ".symbol", fmt::format("duplicate token symbol '{}' (also {})", symbol, it->second));
        };
        for (std::size_t i = 0; i < p.tranches.size(); ++i) claim(p.tranches[i].token.symbol, idx("tranches", i) + ".token");
        claim(p.equity.token.symbol, "equity.token");
    }

    // Reserves.
    if (p.dsra.enabled) {
        if (c.finite("dsra.months_of_debt_service", p.dsra.months_of_debt_service) &&
            (p.dsra.months_of_debt_service <= 0.0 || p.dsra.months_of_debt_service > 24.0))
            c.fail("dsra.months_of_debt_service", "must be in (0, 24], got " + num(p.dsra.months_of_debt_service));
        if (c.finite("dsra.share", p.dsra.share) && !(p.dsra.share > 0.0 && p.dsra.share <= 1.0))
            c.fail("dsra.share", "must be in (0, 1], got " + num(p.dsra.share));
        if (p.dsra.amount) c.positive("dsra.amount", *p.dsra.amount);
        for (std::size_t i = 0; i < p.dsra.tranches.size(); ++i)
            if (!tranche_names.count(p.dsra.tranches[i]))
                c.fail(idx("dsra.tranches", i),
                       fmt::format("unknown tranche '{}'; tranches are: {}", p.dsra.tranches[i], join_names(tranche_list)));
        check_reserve_rate(c, "dsra.interest_rate", p.dsra.interest_rate, p.dsra.rate);
        if (p.dsra.funding == Dsra::Funding::FromWaterfall && p.dsra.funded_by != Dsra::FundedBy::ProRata)
            c.fail("dsra.funded_by", "applies to a DSRA funded at close (dsra.funding: at_close); a DSRA funded "
                                     "from the waterfall is paid from operating cash");
    }
    if (p.mra.enabled) {
        c.positive("mra.target", p.mra.target);
        c.positive("mra.contribution_per_year", p.mra.contribution_per_year);
        check_reserve_rate(c, "mra.interest_rate", p.mra.interest_rate, p.mra.rate);
    } else {
        c.non_negative("mra.target", p.mra.target);
        c.non_negative("mra.contribution_per_year", p.mra.contribution_per_year);
    }

    // Covenants.
    const auto& cv = p.covenants;
    c.non_negative("covenants.default_dscr", cv.default_dscr);
    if (c.finite("covenants.lockup_dscr", cv.lockup_dscr) && std::isfinite(cv.default_dscr) &&
        cv.lockup_dscr < cv.default_dscr)
        c.fail("covenants.lockup_dscr",
               fmt::format("must be >= covenants.default_dscr ({}), got {}", cv.default_dscr, cv.lockup_dscr));
    c.non_negative("covenants.min_llcr", cv.min_llcr);
    c.non_negative("covenants.min_plcr", cv.min_plcr);
    if (cv.lockup_cure_periods < 0)
        c.fail("covenants.lockup_cure_periods", fmt::format("must be >= 0, got {}", cv.lockup_cure_periods));
    if (cv.sweep.enabled) {
        if (c.finite("covenants.sweep.share", cv.sweep.share) && (cv.sweep.share <= 0.0 || cv.sweep.share > 1.0))
            c.fail("covenants.sweep.share", "must be in (0, 1], got " + num(cv.sweep.share));
        if (cv.sweep.tranche.empty())
            c.fail("covenants.sweep.tranche", "is required when the sweep is enabled");
        else if (!tranche_names.count(cv.sweep.tranche))
            c.fail("covenants.sweep.tranche",
                   fmt::format("unknown tranche '{}'; tranches are: {}", cv.sweep.tranche, join_names(tranche_list)));
        c.non_negative("covenants.sweep.trigger_dscr", cv.sweep.trigger_dscr);
    }

    // Sizing.
    if (c.finite("sizing.gearing_cap", p.sizing.gearing_cap) && (p.sizing.gearing_cap <= 0.0 || p.sizing.gearing_cap > 1.0))
        c.fail("sizing.gearing_cap", "must be in (0, 1], got " + num(p.sizing.gearing_cap));
    c.non_negative("sizing.min_dscr", p.sizing.min_dscr);
    c.non_negative("sizing.max_tenor_years", p.sizing.max_tenor_years);
    if (p.sizing.debt_cap) c.positive("sizing.debt_cap", *p.sizing.debt_cap);

    // Waterfall order: a permutation of every step.
    if (!p.waterfall_order.empty()) {
        constexpr std::array all_steps{WaterfallStep::SeniorFees, WaterfallStep::DebtService, WaterfallStep::DsraTopUp,
                                       WaterfallStep::MraTopUp,   WaterfallStep::LockupTest,  WaterfallStep::CashSweep,
                                       WaterfallStep::Distribution};
        std::set<WaterfallStep> seen;
        for (std::size_t i = 0; i < p.waterfall_order.size(); ++i)
            if (!seen.insert(p.waterfall_order[i]).second)
                c.fail(idx("waterfall_order", i), fmt::format("step '{}' listed twice", to_string(p.waterfall_order[i])));
        std::vector<std::string> missing;
        for (auto step : all_steps)
            if (!seen.count(step)) missing.emplace_back(to_string(step));
        if (!missing.empty())
            c.fail("waterfall_order", "must list every step exactly once; missing: " + join_names(missing));
    }
    check_valuation_date(p, tranche_names, tranche_list, c);
    return issues;
}

void validate(const Project& project) {
    auto issues = check_project(project);
    if (!issues.empty()) throw ProjectInputError("project", std::move(issues));
}

}  // namespace pftoken
