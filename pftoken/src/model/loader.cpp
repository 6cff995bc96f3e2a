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
#include <yaml-cpp/yaml.h>

#include "pftoken/model/loader.hpp"
#include "pftoken/model/pillar_csv.hpp"

namespace pftoken {
namespace {

namespace fs = std::filesystem;

struct LocatedIssue {
    int line = -1;  // 0-based, -1 = unknown (sorts first)
    int column = -1;
    InputIssue issue;
};

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

/// The closest candidate when it is plausibly a typo (or a prefix) of `word`; empty otherwise.
std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const auto& candidate : candidates) {
        const std::size_t d = edit_distance(word, candidate);
        if (d < best_distance) best_distance = d, best = candidate;
    }
    if (best.empty()) return {};
    if (best_distance <= std::max<std::size_t>(2, word.size() / 3)) return best;
    for (const auto& candidate : candidates)
        if (word.size() >= 3 && (candidate.starts_with(word) || word.starts_with(candidate))) return candidate;
    return {};
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    const auto best = suggestion(word, candidates);
    return best.empty() ? std::string{} : " (did you mean '" + best + "'?)";
}

std::string list_words(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : ", ") + w;
    return text;
}

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Null: return "null";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    default: return "nothing";
    }
}

bool quoted(const YAML::Node& node) { return node.Tag() == "!"; }

/// Parses a YAML plain scalar as a number: decimal or exponent form, '_' digit separators,
/// .nan/.inf (accepted here so check_project reports them as "must be finite").
std::optional<double> to_double(const std::string& text) {
    std::string s;
    s.reserve(text.size());
    for (char ch : text)
        if (ch != '_') s.push_back(ch);
    if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::numeric_limits<double>::quiet_NaN();
    if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf") return std::numeric_limits<double>::infinity();
    if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -std::numeric_limits<double>::infinity();
    if (s.empty()) return std::nullopt;
    const char* first = s.data();
    if (*first == '+') ++first;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(first, s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return value;
}

class Reader;

/// Shared state of one load: issues, the file position of every field path, and the paths
/// already reported in phase 1 (phase 2 stays silent on them to avoid follow-on noise).
struct Context {
    std::string source;
    fs::path base_dir;
    std::vector<LocatedIssue> issues;
    std::map<std::string, YAML::Mark> marks;
    std::set<std::string> reported;

    void error(const YAML::Mark& mark, const std::string& path, std::string constraint) {
        LocatedIssue located;
        located.line = mark.line;
        located.column = mark.column;
        located.issue = InputIssue{location(mark), path, std::move(constraint)};
        issues.push_back(std::move(located));
        reported.insert(path);
    }
    [[nodiscard]] std::string location(const YAML::Mark& mark) const {
        if (mark.line < 0) return source;
        return fmt::format("{}:{}:{}", source, mark.line + 1, mark.column + 1);
    }
    /// The mark of `path` or of its nearest recorded parent.
    [[nodiscard]] YAML::Mark mark_of(std::string path) const {
        while (true) {
            if (auto it = marks.find(path); it != marks.end()) return it->second;
            const auto cut = path.find_last_of(".[");
            if (cut == std::string::npos || cut == 0) return YAML::Mark::null_mark();
            path.resize(cut);
        }
    }
    [[nodiscard]] bool already_reported(const std::string& path) const {
        for (const auto& r : reported) {
            if (path == r) return true;
            if (path.size() > r.size() && path.starts_with(r) && (path[r.size()] == '.' || path[r.size()] == '['))
                return true;
            // A parent-level constraint (e.g. "schedule: must sum") after an element error.
            if (r.size() > path.size() && r.starts_with(path) && (r[path.size()] == '.' || r[path.size()] == '['))
                return true;
        }
        return false;
    }
};

std::string child_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}

/// Reads one YAML mapping: typed getters for known keys; finish() reports unknown keys.
class Reader {
  public:
    Reader(Context& ctx, const YAML::Node& node, std::string path) : ctx_(ctx), node_(node), path_(std::move(path)) {
        ok_ = node.IsMap();
        if (!ok_) {
            ctx_.error(node.Mark(), path_.empty() ? "(document)" : path_, "must be a mapping of keys, got " + describe(node));
            return;
        }
        for (auto it = node.begin(); it != node.end(); ++it) {
            const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
            if (entries_.count(key)) {
                ctx_.error(it->first.Mark(), child_path(path_, key), "duplicate key");
                continue;
            }
            entries_.emplace(key, Entry{it->first, it->second});
            order_.push_back(key);
            const auto mark = it->second.Mark().line >= 0 ? it->second.Mark() : it->first.Mark();
            ctx_.marks[child_path(path_, key)] = mark;
        }
    }

    [[nodiscard]] bool ok() const { return ok_; }
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] bool has(const std::string& key) {
        known_.push_back(key);
        auto it = entries_.find(key);
        return it != entries_.end();
    }
    /// Present, declared-known child (nullptr when absent). A key whose value is null counts as
    /// present only when `null_is_absent` is false.
    const YAML::Node* child(const std::string& key, bool required = false) {
        known_.push_back(key);
        auto it = entries_.find(key);
        if (it == entries_.end()) {
            if (required && ok_) ctx_.error(node_.Mark(), child_path(path_, key), "is required");
            return nullptr;
        }
        return &it->second.value;
    }
    YAML::Mark key_mark(const std::string& key) const {
        auto it = entries_.find(key);
        return it == entries_.end() ? node_.Mark() : it->second.key.Mark();
    }

    void number(const std::string& key, double& out, bool required = false) {
        if (const auto* n = child(key, required)) read_number(*n, child_path(path_, key), out);
    }
    void optional_number(const std::string& key, std::optional<double>& out) {
        const auto* n = child(key);
        if (!n || n->IsNull()) return;
        double value = 0.0;
        if (read_number(*n, child_path(path_, key), value)) out = value;
    }
    void integer(const std::string& key, int& out, bool required = false) {
        const auto* n = child(key, required);
        if (!n) return;
        const auto path = child_path(path_, key);
        double value = 0.0;
        if (!read_number(*n, path, value, "a whole number")) return;
        if (!std::isfinite(value) || value != std::floor(value) || std::abs(value) > 1e9) {
            ctx_.error(n->Mark(), path, "must be a whole number, got " + describe(*n));
            return;
        }
        out = static_cast<int>(value);
    }
    void boolean(const std::string& key, bool& out) {
        const auto* n = child(key);
        if (!n) return;
        const auto path = child_path(path_, key);
        if (n->IsScalar() && !quoted(*n)) {
            std::string s = n->Scalar();
            std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
            if (s == "true") { out = true; return; }
            if (s == "false") { out = false; return; }
        }
        ctx_.error(n->Mark(), path, "must be true or false, got " + describe(*n));
    }
    void string(const std::string& key, std::string& out, bool required = false) {
        const auto* n = child(key, required);
        if (!n) return;
        if (n->IsScalar()) out = n->Scalar();
        else ctx_.error(n->Mark(), child_path(path_, key), "must be a text value, got " + describe(*n));
    }
    template <class Enum>
    void enumeration(const std::string& key, Enum& out, const std::vector<std::pair<std::string, Enum>>& words,
                     bool required = false) {
        const auto* n = child(key, required);
        if (!n) return;
        read_enum(*n, child_path(path_, key), out, words);
    }
    template <class Enum>
    bool read_enum(const YAML::Node& n, const std::string& path, Enum& out,
                   const std::vector<std::pair<std::string, Enum>>& words) {
        std::vector<std::string> allowed;
        for (const auto& [word, value] : words) allowed.push_back(word);
        if (n.IsScalar()) {
            for (const auto& [word, value] : words)
                if (n.Scalar() == word) { out = value; return true; }
            ctx_.error(n.Mark(), path,
                       "must be one of " + list_words(allowed) + "; got '" + n.Scalar() + "'" + did_you_mean(n.Scalar(), allowed));
            return false;
        }
        ctx_.error(n.Mark(), path, "must be one of " + list_words(allowed) + "; got " + describe(n));
        return false;
    }
    void numbers(const std::string& key, std::vector<double>& out) {
        const auto* n = child(key);
        if (!n) return;
        const auto path = child_path(path_, key);
        if (!n->IsSequence()) {
            ctx_.error(n->Mark(), path, "must be a list of numbers, got " + describe(*n));
            return;
        }
        out.clear();
        for (std::size_t i = 0; i < n->size(); ++i) {
            const auto element = (*n)[i];
            const auto element_path = fmt::format("{}[{}]", path, i);
            ctx_.marks[element_path] = element.Mark();
            double value = 0.0;
            read_number(element, element_path, value);
            out.push_back(value);
        }
    }
    void strings(const std::string& key, std::vector<std::string>& out) {
        const auto* n = child(key);
        if (!n) return;
        const auto path = child_path(path_, key);
        if (!n->IsSequence()) {
            ctx_.error(n->Mark(), path, "must be a list of names, got " + describe(*n));
            return;
        }
        out.clear();
        for (std::size_t i = 0; i < n->size(); ++i) {
            const auto element = (*n)[i];
            const auto element_path = fmt::format("{}[{}]", path, i);
            ctx_.marks[element_path] = element.Mark();
            if (element.IsScalar()) out.push_back(element.Scalar());
            else ctx_.error(element.Mark(), element_path, "must be a name, got " + describe(element));
        }
    }

    bool read_number(const YAML::Node& n, const std::string& path, double& out, const char* what = "a number") {
        if (n.IsScalar() && !quoted(n)) {
            if (auto value = to_double(n.Scalar())) {
                out = *value;
                return true;
            }
        }
        ctx_.error(n.Mark(), path,
                   std::string("must be ") + what + ", got " + (n.IsScalar() && quoted(n) ? "text " : "") + describe(n));
        return false;
    }

    /// Reports keys that no getter asked for, with a suggestion among the known ones.
    void finish() { finish_allowing_prefix({}); }
    void finish_allowing_prefix(const std::string& ignored_prefix) {
        if (!ok_) return;
        for (const auto& key : order_) {
            if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
            if (!ignored_prefix.empty() && key.starts_with(ignored_prefix)) continue;
            ctx_.error(entries_.at(key).key.Mark(), child_path(path_, key), "unknown key" + did_you_mean(key, known_));
        }
    }

  private:
    struct Entry {
        YAML::Node key;
        YAML::Node value;
    };
    Context& ctx_;
    YAML::Node node_;
    std::string path_;
    bool ok_ = false;
    std::map<std::string, Entry> entries_;
    std::vector<std::string> order_;
    std::vector<std::string> known_;
};

/// Calls `each(node, path)` for every element of a list value at `key`.
template <class Each>
void for_each_element(Context& ctx, Reader& parent, const std::string& key, bool required, Each each) {
    const auto* n = parent.child(key, required);
    if (!n) return;
    const auto path = child_path(parent.path(), key);
    if (!n->IsSequence()) {
        ctx.error(n->Mark(), path, "must be a list, got " + describe(*n));
        return;
    }
    for (std::size_t i = 0; i < n->size(); ++i) {
        const auto element_path = fmt::format("{}[{}]", path, i);
        ctx.marks[element_path] = (*n)[i].Mark();
        each((*n)[i], element_path, i);
    }
}

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

void read_date(Context& ctx, Reader& r, const std::string& key, CalendarDate& out) {
    const auto* n = r.child(key, true);
    if (!n) return;
    const auto path = child_path(r.path(), key);
    int y = 0;
    unsigned m = 0;
    unsigned d = 0;
    const std::string s = n->IsScalar() ? n->Scalar() : std::string{};
    const bool shaped = s.size() == 10 && s[4] == '-' && s[7] == '-' &&
                        std::all_of(s.begin(), s.end(), [](char ch) { return ch == '-' || (ch >= '0' && ch <= '9'); });
    if (!shaped) {
        ctx.error(n->Mark(), path, "must be a date YYYY-MM-DD, got " + describe(*n));
        return;
    }
    std::from_chars(s.data(), s.data() + 4, y);
    std::from_chars(s.data() + 5, s.data() + 7, m);
    std::from_chars(s.data() + 8, s.data() + 10, d);
    out = CalendarDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};  // ok() checked in phase 2
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
    r.enumeration("amortisation", tr.amortisation, kAmortisations, true);
    r.number("target_dscr", tr.target_dscr, tr.amortisation == Amortisation::Sculpted && r.has("amortisation"));
    r.numbers("schedule", tr.schedule);
    r.number("tenor_years", tr.tenor_years, true);
    r.number("grace_years", tr.grace_years);
    // Subordinated tranches defer unpaid interest unless told otherwise.
    tr.deferrable_interest = tr.rank > 1;
    r.boolean("deferrable_interest", tr.deferrable_interest);
    read_token(ctx, r, tr.token);
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
    for_each_element(ctx, top, "revenues", true, [&](const YAML::Node& e, const std::string& path, std::size_t) {
        p.revenues.emplace_back();
        read_revenue(ctx, e, path, p.revenues.back());
    });
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
            r.number("months_of_debt_service", p.dsra.months_of_debt_service);
            r.strings("tranches", p.dsra.tranches);
            r.enumeration("funding", p.dsra.funding,
                          {{"at_close", Dsra::Funding::AtClose}, {"from_waterfall", Dsra::Funding::FromWaterfall}});
            r.number("interest_rate", p.dsra.interest_rate);
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

[[noreturn]] void throw_issues(const std::string& source, std::vector<LocatedIssue> located) {
    std::stable_sort(located.begin(), located.end(), [](const LocatedIssue& a, const LocatedIssue& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    std::vector<InputIssue> issues;
    issues.reserve(located.size());
    for (auto& l : located) issues.push_back(std::move(l.issue));
    throw ProjectInputError(source, std::move(issues));
}

}  // namespace

const std::vector<std::string>& project_extension_sections() {
    static const std::vector<std::string> sections{"stochastic"};
    return sections;
}

Project parse_project(std::string_view yaml_text, const std::string& source_name, const fs::path& base_dir) {
    Context ctx;
    ctx.source = source_name;
    ctx.base_dir = base_dir;
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml_text));
    } catch (const YAML::ParserException& e) {
        throw ProjectInputError(source_name, {InputIssue{ctx.location(e.mark), "", "YAML syntax error: " + e.msg}});
    }
    Project project = read_project(ctx, root);
    for (auto& issue : check_project(project)) {
        if (ctx.already_reported(issue.path)) continue;
        const auto mark = ctx.mark_of(issue.path);
        if (issue.location.empty()) issue.location = ctx.location(mark);  // CSV issues keep theirs
        ctx.issues.push_back(LocatedIssue{mark.line, mark.column, std::move(issue)});
    }
    if (!ctx.issues.empty()) throw_issues(source_name, std::move(ctx.issues));
    return project;
}

Project load_project(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ProjectInputError(path.string(), {InputIssue{path.string(), "", "cannot open the project file"}});
    std::ostringstream text;
    text << in.rdbuf();
    return parse_project(text.str(), path.string(), path.parent_path());
}

std::vector<std::pair<double, double>> read_zero_curve_csv(const fs::path& csv_path, const std::string& field_path) {
    std::ifstream in(csv_path);
    if (!in)
        throw ProjectInputError(csv_path.string(),
                                {InputIssue{{}, field_path, "cannot open curve file '" + csv_path.string() + "'"}});
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
