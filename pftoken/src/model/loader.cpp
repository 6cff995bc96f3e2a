// Project loader: YAML text -> pftoken::Project. Phase 1 reads the tree (types, required keys,
// unknown keys, enum words) and records where each field sits in the file; phase 2 runs
// check_project() on the result and places its messages at those file positions.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "pftoken/model/loader.hpp"
#include "pftoken/model/pillar_csv.hpp"
#include "pftoken/base/csv.hpp"
#include "pftoken/base/format.hpp"
#include "pftoken/base/input_file.hpp"
#include "pftoken/base/yaml.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"

namespace pftoken {
namespace {

namespace fs = std::filesystem;
using namespace yaml;

const std::vector<std::pair<std::string, Frequency>> kFrequencies{
    {"monthly", Frequency::Monthly}, {"quarterly", Frequency::Quarterly},
    {"semi_annual", Frequency::SemiAnnual}, {"annual", Frequency::Annual}};
const std::vector<std::pair<std::string, DayCount>> kDayCounts{
    {"actual_365_fixed", DayCount::Actual365Fixed}, {"actual_360", DayCount::Actual360},
    {"thirty_360", DayCount::Thirty360}, {"actual_actual_isda", DayCount::ActualActualISDA}};
const std::vector<std::pair<std::string, Amortisation>> kAmortisations{
    {"bullet", Amortisation::Bullet}, {"annuity", Amortisation::Annuity},
    {"level_principal", Amortisation::LevelPrincipal}, {"sculpted", Amortisation::Sculpted},
    {"schedule", Amortisation::Schedule}};
const std::vector<std::pair<std::string, WaterfallStep>> kSteps{
    {"senior_fees", WaterfallStep::SeniorFees}, {"debt_service", WaterfallStep::DebtService},
    {"dsra_top_up", WaterfallStep::DsraTopUp},  {"mra_top_up", WaterfallStep::MraTopUp},
    {"lockup_test", WaterfallStep::LockupTest}, {"cash_sweep", WaterfallStep::CashSweep},
    {"distribution", WaterfallStep::Distribution}};

bool read_date(Context& ctx, Reader& r, const std::string& key, CalendarDate& out, bool required = true) {
    const auto* n = r.child(key, required);
    if (!n) return false;
    const auto path = child_path(r.path(), key);
    const auto date = format::parse_iso_date(n->IsScalar() ? n->Scalar() : std::string{}, /*calendar_valid=*/false);
    if (!date) {
        ctx.error(n->Mark(), path, "must be a date YYYY-MM-DD, got " + describe(*n));
        return false;
    }
    out = *date;  // ok() checked in phase 2
    return true;
}

void read_actuals(Context& ctx, const YAML::Node& node, Actuals& a) {
    Reader r(ctx, node, "actuals");
    if (!r.ok()) return;
    for_each_element(ctx, r, "tranches", false, [&](const YAML::Node& e, const std::string& path, std::size_t) {
        a.tranches.emplace_back();
        TrancheActuals& t = a.tranches.back();
        Reader tr(ctx, e, path);
        if (!tr.ok()) return;
        tr.string("tranche", t.tranche, true);
        tr.number("principal_outstanding", t.principal_outstanding, true);
        tr.number("deferred_interest", t.deferred_interest);
        tr.number("principal_arrears", t.principal_arrears);
        tr.finish();
    });
    r.optional_number("dsra_balance", a.dsra_balance);
    r.optional_number("mra_balance", a.mra_balance);
    r.optional_number("lockup_balance", a.lockup_balance);
    bool locked = false;
    if (r.has("locked_up")) {
        r.boolean("locked_up", locked);
        a.locked_up = locked;
    }
    r.finish();
}

void read_token(Context& ctx, Reader& parent, TokenClass& token) {
    const auto* n = parent.child("token", true);
    if (!n) return;
    Reader r(ctx, *n, child_path(parent.path(), "token"));
    if (!r.ok()) return;
    r.string("symbol", token.symbol, true);
    r.number("supply", token.supply, true);
    r.number("face_per_token", token.face_per_token);
    r.finish();
}

void read_curve(Context& ctx, const YAML::Node& node, const std::string& path, CurveSpec& curve, bool named) {
    Reader r(ctx, node, path);
    if (!r.ok()) return;
    if (named) r.string("name", curve.name, true);
    // kind defaults to zero when pillars or a CSV are given, flat otherwise.
    const bool has_points = r.has("pillars") || r.has("csv_path");
    curve.kind = has_points ? CurveSpec::Kind::Zero : CurveSpec::Kind::Flat;
    r.enumeration("kind", curve.kind, {{"flat", CurveSpec::Kind::Flat}, {"zero", CurveSpec::Kind::Zero}});
    r.number("flat_rate", curve.flat_rate, curve.kind == CurveSpec::Kind::Flat);
    if (const auto* pillars = r.child("pillars")) {
        const auto pillars_path = path + ".pillars";
        if (!pillars->IsSequence()) {
            ctx.error(pillars->Mark(), pillars_path, "must be a list of [years, zero_rate] pairs, got " + describe(*pillars));
        } else {
            for (std::size_t i = 0; i < pillars->size(); ++i) {
                const auto pair = (*pillars)[i];
                const auto p = fmt::format("{}[{}]", pillars_path, i);
                ctx.marks[p] = pair.Mark();
                if (!pair.IsSequence() || pair.size() != 2) {
                    ctx.error(pair.Mark(), p, "must be a [years, zero_rate] pair, got " + describe(pair));
                    continue;
                }
                ctx.marks[p + ".years"] = pair[0].Mark();
                ctx.marks[p + ".zero_rate"] = pair[1].Mark();
                double years = 0.0;
                double zero = 0.0;
                const bool a = r.read_number(pair[0], p + ".years", years);
                const bool b = r.read_number(pair[1], p + ".zero_rate", zero);
                if (a && b) curve.pillars.emplace_back(years, zero);
            }
        }
    }
    // The CSV itself is read and checked by check_project (so programmatic projects get the
    // same checks); here the path is made absolute, relative to the project file's folder.
    r.string("csv_path", curve.csv_path);
    if (!curve.csv_path.empty()) {
        fs::path file(curve.csv_path);
        if (file.is_relative() && !ctx.base_dir.empty()) file = ctx.base_dir / file;
        curve.csv_path = file.lexically_normal().string();
    }
    r.finish();
}

/// The per-period lines of `cash_flows.csv_path` (columns revenue, opex, maintenance_capex, tax,
/// working_capital_change, cfads; base/csv.hpp reads the file): an unknown column, a bad cell, an unreadable file or a
/// line also given inline is an error at file:line:col, field cash_flows.csv_path.
void read_cash_flow_csv(Context& ctx, CashFlowLines& lines) {
    const std::string field = "cash_flows.csv_path";
    const std::vector<std::string> allowed = {"revenue", "opex", "maintenance_capex", "tax", "working_capital_change",
                                              "cfads"};
    std::vector<InputIssue> found;
    try {
        const csv::File file = csv::File::read(lines.csv_path);
        for (std::size_t c = 0; c < file.header().size(); ++c) {
            const std::string& name = file.header()[c].text;
            const std::string location = file.where(file.header()[c]).str();
            if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
                found.push_back({location, field, fmt::format("column '{}': unknown; columns are: {}", name,
                                                              fmt::format("{}", fmt::join(allowed, ", ")))});
                continue;
            }
            std::vector<double>* target = name == "revenue"             ? &lines.revenue
                                          : name == "opex"              ? &lines.opex
                                          : name == "maintenance_capex" ? &lines.maintenance_capex
                                          : name == "tax"               ? &lines.tax
                                          : name == "working_capital_change" ? &lines.working_capital_change
                                                                        : &lines.cfads;
            if (!target->empty()) {
                found.push_back({location, field, "column " + name + " is also given inline in cash_flows: give it once"});
                continue;
            }
            for (std::size_t r = 0; r < file.row_count(); ++r) target->push_back(file.real(r, c));
        }
    } catch (const InputError& e) {
        for (InputIssue issue : e.issues()) {
            issue.constraint = (issue.path.empty() ? "" : "column " + issue.path + ": ") + issue.constraint;
            issue.path = field;
            found.push_back(std::move(issue));
        }
    }
    if (!found.empty()) {
        ctx.place(std::move(found));
        ctx.reported.insert(field);  // the validators then stay silent on the lines
    }
}

void read_revenue(Context& ctx, const YAML::Node& node, const std::string& path, RevenueStream& rev) {
    Reader r(ctx, node, path);
    if (!r.ok()) return;
    r.string("name", rev.name, true);
    r.optional_number("p50_volume", rev.p50_volume);
    r.number("capacity_mw", rev.capacity_mw, !rev.p50_volume);
    r.number("capacity_factor", rev.capacity_factor, !rev.p50_volume);
    r.number("degradation_per_year", rev.degradation_per_year);
    r.number("availability", rev.availability);
    r.numbers("seasonality", rev.seasonality);
    r.enumeration("price_type", rev.price_type,
                  {{"contracted", RevenueStream::PriceType::Contracted}, {"merchant", RevenueStream::PriceType::Merchant}},
                  false);
    r.number("contract_price", rev.contract_price, rev.price_type == RevenueStream::PriceType::Contracted);
    r.number("indexation", rev.indexation);
    r.number("contract_years", rev.contract_years);
    for_each_element(ctx, r, "merchant_curve", false, [&](const YAML::Node& e, const std::string& p, std::size_t) {
        PricePoint point;
        Reader pr(ctx, e, p);
        if (!pr.ok()) return;
        pr.number("year", point.year, true);
        pr.number("price", point.price, true);
        pr.finish();
        rev.merchant_curve.push_back(point);
    });
    r.number("merchant_escalation", rev.merchant_escalation);
    r.finish();
}

void read_tranche(Context& ctx, const YAML::Node& node, const std::string& path, Tranche& tr) {
    Reader r(ctx, node, path);
    if (!r.ok()) return;
    r.string("name", tr.name, true);
    r.integer("rank", tr.rank);
    r.optional_number("principal", tr.principal);
    r.enumeration("rate_type", tr.rate_type, {{"fixed", Tranche::RateType::Fixed}, {"floating", Tranche::RateType::Floating}});
    const bool fixed = tr.rate_type == Tranche::RateType::Fixed;
    r.number("fixed_rate", tr.fixed_rate, fixed);
    r.string("index", tr.index, !fixed);
    r.number("spread", tr.spread, !fixed);
    r.optional_number("discount_spread", tr.discount_spread);
    r.enumeration("amortisation", tr.amortisation, kAmortisations, true);
    r.number("target_dscr", tr.target_dscr, tr.amortisation == Amortisation::Sculpted && r.has("amortisation"));
    r.numbers("schedule", tr.schedule);
    r.number("tenor_years", tr.tenor_years, true);
    r.number("grace_years", tr.grace_years);
    // Subordinated tranches defer unpaid interest unless told otherwise.
    tr.deferrable_interest = tr.rank > 1;
    r.boolean("deferrable_interest", tr.deferrable_interest);
    if (const auto* n = r.child("deferral")) {
        Reader dr(ctx, *n, path + ".deferral");
        if (dr.ok()) {
            dr.number("default_interest_margin", tr.deferral.default_interest_margin);
            dr.optional_number("max_amount", tr.deferral.max_amount);
            if (dr.has("max_periods")) {
                int periods = 0;
                dr.integer("max_periods", periods);
                tr.deferral.max_periods = periods;
            }
            dr.finish();
        }
    }
    read_token(ctx, r, tr.token);
    r.finish();
}

// A reserve account's interest_rate: a number (constant annual rate) or a mapping with one of
// curve (dated points, interpolation flat|linear), csv_path or backtest (files resolved against
// the project file's folder; read at compile).
void read_reserve_rate(Context& ctx, Reader& parent, double& constant, ReserveRate& rate) {
    const auto* n = parent.child("interest_rate");
    if (n == nullptr) return;
    if (!n->IsMap()) {
        parent.number("interest_rate", constant);
        return;
    }
    Reader r(ctx, *n, child_path(parent.path(), "interest_rate"));
    if (!r.ok()) return;
    for_each_element(ctx, r, "curve", false, [&](const YAML::Node& e, const std::string& p, std::size_t) {
        Reader pr(ctx, e, p);
        if (!pr.ok()) return;
        ReserveRate::Point point;
        read_date(ctx, pr, "date", point.date);
        pr.number("rate", point.rate, true);
        pr.finish();
        rate.curve.push_back(point);
    });
    r.enumeration("interpolation", rate.interpolation,
                  {{"flat", ReserveRate::Interpolation::Flat}, {"linear", ReserveRate::Interpolation::Linear}});
    const auto resolve = [&](std::string& path) {
        if (path.empty()) return;
        fs::path file(path);
        if (file.is_relative() && !ctx.base_dir.empty()) file = ctx.base_dir / file;
        path = file.lexically_normal().string();
    };
    r.string("csv_path", rate.csv_path);
    resolve(rate.csv_path);
    r.string("backtest", rate.backtest_path);
    resolve(rate.backtest_path);
    r.finish();
}

Project read_project(Context& ctx, const YAML::Node& root) {
    Project p;
    Reader top(ctx, root, "");
    if (!top.ok()) return p;
    top.string("name", p.name, true);
    top.string("currency", p.currency);

    if (const auto* n = top.child("timeline", true)) {
        Reader r(ctx, *n, "timeline");
        if (r.ok()) {
            read_date(ctx, r, "financial_close", p.timeline.financial_close);
            r.integer("construction_months", p.timeline.construction_months);
            r.integer("operations_years", p.timeline.operations_years, true);
            r.enumeration("frequency", p.timeline.frequency, kFrequencies, true);
            r.enumeration("day_count", p.timeline.day_count, kDayCounts);
            r.finish();
        }
    }
    if (const auto* n = top.child("construction", true)) {
        Reader r(ctx, *n, "construction");
        if (r.ok()) {
            r.number("capex_total", p.construction.capex_total, true);
            r.numbers("capex_profile", p.construction.capex_profile);
            r.enumeration("funding", p.construction.funding,
                          {{"pro_rata", Construction::Funding::ProRata}, {"equity_first", Construction::Funding::EquityFirst}});
            r.boolean("capitalise_interest", p.construction.capitalise_interest);
            r.finish();
        }
    }
    for_each_element(ctx, top, "revenues", !top.has("cash_flows"), [&](const YAML::Node& e, const std::string& path, std::size_t) {
        p.revenues.emplace_back();
        read_revenue(ctx, e, path, p.revenues.back());
    });
    if (const auto* n = top.child("cash_flows")) {
        Reader r(ctx, *n, "cash_flows");
        if (r.ok()) {
            CashFlowLines& lines = p.cash_flows;
            r.numbers("revenue", lines.revenue);
            r.numbers("opex", lines.opex);
            r.numbers("maintenance_capex", lines.maintenance_capex);
            r.numbers("tax", lines.tax);
            r.numbers("working_capital_change", lines.working_capital_change);
            r.numbers("cfads", lines.cfads);
            r.string("csv_path", lines.csv_path);
            if (!lines.csv_path.empty()) {
                fs::path file(lines.csv_path);
                if (file.is_relative() && !ctx.base_dir.empty()) file = ctx.base_dir / file;
                lines.csv_path = file.lexically_normal().string();
                read_cash_flow_csv(ctx, lines);
            }
            r.finish();
        }
    }
    if (const auto* n = top.child("opex")) {
        Reader r(ctx, *n, "opex");
        if (r.ok()) {
            r.number("fixed_per_year", p.opex.fixed_per_year);
            r.number("variable_per_unit", p.opex.variable_per_unit);
            r.number("escalation", p.opex.escalation);
            r.number("maintenance_capex_per_year", p.opex.maintenance_capex_per_year);
            r.number("senior_fees_per_year", p.opex.senior_fees_per_year);
            r.finish();
        }
    }
    if (const auto* n = top.child("tax")) {
        Reader r(ctx, *n, "tax");
        if (r.ok()) {
            r.number("rate", p.tax.rate);
            r.integer("depreciation_years", p.tax.depreciation_years);
            r.boolean("loss_carry_forward", p.tax.loss_carry_forward);
            r.finish();
        }
    }
    if (const auto* n = top.child("working_capital")) {
        Reader r(ctx, *n, "working_capital");
        if (r.ok()) {
            r.number("receivable_days", p.working_capital.receivable_days);
            r.number("payable_days", p.working_capital.payable_days);
            r.finish();
        }
    }
    for_each_element(ctx, top, "tranches", true, [&](const YAML::Node& e, const std::string& path, std::size_t) {
        p.tranches.emplace_back();
        read_tranche(ctx, e, path, p.tranches.back());
    });
    if (const auto* n = top.child("equity", true)) {
        Reader r(ctx, *n, "equity");
        if (r.ok()) {
            r.number("contribution", p.equity.contribution);
            r.number("cost_of_equity", p.equity.cost_of_equity);
            read_token(ctx, r, p.equity.token);
            r.finish();
        }
    }
    if (const auto* n = top.child("dsra")) {
        Reader r(ctx, *n, "dsra");
        if (r.ok()) {
            p.dsra.enabled = true;  // a dsra block means a DSRA unless `enabled: false`
            r.boolean("enabled", p.dsra.enabled);
            if (r.has("amount") && r.has("months_of_debt_service"))
                ctx.error(n->Mark(), "dsra.amount",
                          "a fixed amount and months_of_debt_service are two sizings: give one of them");
            r.number("months_of_debt_service", p.dsra.months_of_debt_service);
            r.number("share", p.dsra.share);
            r.optional_number("amount", p.dsra.amount);
            r.strings("tranches", p.dsra.tranches);
            r.enumeration("funding", p.dsra.funding,
                          {{"at_close", Dsra::Funding::AtClose}, {"from_waterfall", Dsra::Funding::FromWaterfall}});
            r.enumeration("funded_by", p.dsra.funded_by,
                          {{"pro_rata", Dsra::FundedBy::ProRata}, {"equity", Dsra::FundedBy::Equity},
                           {"debt", Dsra::FundedBy::Debt}});
            read_reserve_rate(ctx, r, p.dsra.interest_rate, p.dsra.rate);
            r.finish();
        }
    }
    if (const auto* n = top.child("mra")) {
        Reader r(ctx, *n, "mra");
        if (r.ok()) {
            p.mra.enabled = true;
            r.boolean("enabled", p.mra.enabled);
            r.number("target", p.mra.target);
            r.number("contribution_per_year", p.mra.contribution_per_year);
            read_reserve_rate(ctx, r, p.mra.interest_rate, p.mra.rate);
            r.finish();
        }
    }
    if (const auto* n = top.child("covenants")) {
        Reader r(ctx, *n, "covenants");
        if (r.ok()) {
            r.number("lockup_dscr", p.covenants.lockup_dscr);
            r.number("default_dscr", p.covenants.default_dscr);
            r.boolean("use_historic_dscr", p.covenants.use_historic_dscr);
            r.number("min_llcr", p.covenants.min_llcr);
            r.number("min_plcr", p.covenants.min_plcr);
            r.integer("lockup_cure_periods", p.covenants.lockup_cure_periods);
            if (const auto* s = r.child("sweep")) {
                Reader sr(ctx, *s, "covenants.sweep");
                if (sr.ok()) {
                    p.covenants.sweep.enabled = true;
                    sr.boolean("enabled", p.covenants.sweep.enabled);
                    sr.number("share", p.covenants.sweep.share);
                    sr.string("tranche", p.covenants.sweep.tranche, p.covenants.sweep.enabled);
                    sr.number("trigger_dscr", p.covenants.sweep.trigger_dscr);
                    sr.finish();
                }
            }
            r.finish();
        }
    }
    if (const auto* n = top.child("sizing")) {
        Reader r(ctx, *n, "sizing");
        if (r.ok()) {
            r.number("gearing_cap", p.sizing.gearing_cap);
            r.number("min_dscr", p.sizing.min_dscr);
            r.number("max_tenor_years", p.sizing.max_tenor_years);
            r.optional_number("debt_cap", p.sizing.debt_cap);
            r.enumeration("on_target_miss", p.sizing.on_target_miss,
                          {{"interest_only", Sizing::TargetMiss::InterestOnly}, {"fail", Sizing::TargetMiss::Fail}});
            r.finish();
        }
    }
    if (const auto* n = top.child("market", true)) {
        Reader r(ctx, *n, "market");
        if (r.ok()) {
            if (const auto* d = r.child("discount", true)) read_curve(ctx, *d, "market.discount", p.market.discount, false);
            for_each_element(ctx, r, "forwards", false, [&](const YAML::Node& e, const std::string& path, std::size_t) {
                p.market.forwards.emplace_back();
                read_curve(ctx, e, path, p.market.forwards.back(), true);
            });
            r.finish();
        }
    }
    if (CalendarDate d{}; read_date(ctx, top, "valuation_date", d, false)) p.valuation_date = d;
    if (const auto* n = top.child("actuals")) {
        p.actuals.emplace();
        read_actuals(ctx, *n, *p.actuals);
    }
    for_each_element(ctx, top, "waterfall_order", false, [&](const YAML::Node& e, const std::string& path, std::size_t) {
        WaterfallStep step{};
        if (top.read_enum(e, path, step, kSteps)) p.waterfall_order.push_back(step);
    });
    // Sections owned by other layers' loaders (the Monte Carlo model of `pftoken mc`) and
    // user extensions (`x_...`) sit in the same file; the project loader leaves them alone.
    for (const auto& section : project_extension_sections()) (void)top.has(section);
    top.finish_allowing_prefix("x_");
    return p;
}

}  // namespace

const std::vector<std::string>& project_extension_sections() {
    static const std::vector<std::string> sections{"stochastic"};
    return sections;
}

namespace {

Project read_checked(Context& ctx, const YAML::Node& root) {
    Project project = read_project(ctx, root);
    ctx.place(check_project(project));
    // The Monte Carlo section is checked on every load, so no command accepts a broken one.
    (void)mc::read_stochastic_section(ctx, root);
    finish(ctx);
    return project;
}

}  // namespace

Project parse_project(std::string_view yaml_text, const std::string& source_name, const fs::path& base_dir) {
    return read_document(yaml_text, source_name, read_checked, "", base_dir);
}

Project load_project(const fs::path& path) {
    return read_document_file(path, read_checked);
}

std::vector<std::pair<double, double>> read_zero_curve_csv(const fs::path& csv_path, const std::string& field_path) {
    std::string text;
    try {
        text = read_input_file(csv_path);
    } catch (const InputError& e) {
        throw InputError(csv_path.string(), {InputIssue{{}, field_path, "curve file " + std::string(e.what())}});
    }
    std::istringstream in(text);
    PillarCsv csv = parse_pillar_csv(in);
    if (!csv.issues.empty()) {
        std::vector<InputIssue> issues;
        for (const auto& issue : csv.issues)
            issues.push_back(InputIssue{issue.line > 0 ? fmt::format("{}:{}", csv_path.string(), issue.line)
                                                       : csv_path.string(),
                                        field_path, issue.message});
        throw ProjectInputError(csv_path.string(), std::move(issues));
    }
    return std::move(csv.pillars);
}

}  // namespace pftoken
