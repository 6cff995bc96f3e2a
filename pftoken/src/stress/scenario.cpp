// Stress scenarios: YAML -> Scenario structs with field-path validation (docs/stress.md).
#include "pftoken/stress/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "pftoken/base/format.hpp"
#include "pftoken/base/validate.hpp"
#include "pftoken/base/yaml.hpp"
#include "pftoken/error.hpp"

namespace pftoken::stress {
namespace {

struct TypeInfo {
    ShockType type;
    const char* name;
    const char* size_key;  ///< YAML key of Shock::size ("" = none)
};

constexpr TypeInfo kTypes[] = {
    {ShockType::MerchantPrice, "merchant_price", "change"},
    {ShockType::Volume, "volume", "change"},
    {ShockType::Availability, "availability", "loss"},
    {ShockType::Opex, "opex", "change"},
    {ShockType::CapexOverrun, "capex_overrun", "overrun"},
    {ShockType::ConstructionDelay, "construction_delay", "months"},
    {ShockType::RatesParallel, "rates_parallel", "bp"},
    {ShockType::RatesTwist, "rates_twist", ""},
    {ShockType::Spread, "spread", "bp"},
    {ShockType::Inflation, "inflation", "bp"},
    {ShockType::TokenSelloff, "token_selloff", "share_of_supply"},
    {ShockType::LpWithdrawal, "lp_withdrawal", "share"},
};

const TypeInfo* find_type(const std::string& name) {
    for (const auto& info : kTypes)
        if (name == info.name) return &info;
    return nullptr;
}

const TypeInfo& info_of(ShockType type) {
    for (const auto& info : kTypes)
        if (info.type == type) return info;
    return kTypes[0];
}

/// Keys a shock of `type` accepts besides `type` and `window`.
std::vector<std::string> allowed_keys(ShockType type) {
    std::vector<std::string> keys{"type"};
    const std::string size_key = info_of(type).size_key;
    if (!size_key.empty()) keys.push_back(size_key);
    switch (type) {
    case ShockType::RatesTwist:
        keys.insert(keys.end(), {"short_bp", "long_bp", "pivot_years", "long_years", "scale"});
        break;
    case ShockType::Spread: keys.push_back("tranches"); break;
    case ShockType::Inflation: keys.insert(keys.end(), {"merchant_passthrough", "contract_passthrough"}); break;
    case ShockType::TokenSelloff:
    case ShockType::LpWithdrawal: keys.push_back("token"); break;
    default: break;
    }
    if (!is_market_shock(type) && type != ShockType::CapexOverrun && type != ShockType::ConstructionDelay)
        keys.push_back("window");
    return keys;
}

std::string join(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : ", ") + w;
    return text;
}

bool parse_date(const std::string& text, CalendarDate& out) {
    const auto date = format::parse_iso_date(text);
    if (date) out = *date;
    return date.has_value();
}

std::string date_text(const CalendarDate& d) { return format::iso_date(d); }

std::string type_list() {
    std::vector<std::string> names;
    for (const auto& info : kTypes) names.emplace_back(info.name);
    return join(names);
}

// Largest construction delay a scenario may add (months): the timeline's own limit on
// construction_months (docs/input-schema.md), so a delayed project still fits the model.
constexpr int kMaxDelayMonths = 120;
// Largest period index a window may name (an int range guard; the engine checks the window
// against the project's own timeline and fails that scenario alone).
constexpr int kMaxPeriod = 1000000;

/// Reads the scenario file with the strict reader (yaml::Reader); the constraints on each value
/// are validation::Rules placed at the value's position.
class ScenarioReader {
  public:
    explicit ScenarioReader(yaml::Context& ctx) : ctx_(ctx), rules_(checks_) {}

    Window window(const YAML::Node& node, const std::string& path) {
        Window w;
        yaml::Reader r(ctx_, node, path);
        if (!r.ok()) return w;
        for (const char* key : {"start", "end"}) {
            const auto* n = r.child(key);
            std::string text;
            if (!n || !r.read_string(*n, path + "." + key, text)) continue;
            CalendarDate d{};
            if (!parse_date(text, d)) {
                ctx_.error(n->Mark(), path + "." + key, fmt::format("must be a date YYYY-MM-DD, got '{}'", text));
                continue;
            }
            (std::string(key) == "start" ? w.start : w.end) = d;
        }
        for (const char* key : {"start_period", "end_period"}) {
            if (!r.has(key)) continue;
            int p = 0;
            if (!r.read_integer(*r.child(key), path + "." + key, p, 0.0, static_cast<double>(kMaxPeriod))) continue;
            (std::string(key) == "start_period" ? w.start_period : w.end_period) = p;
        }
        r.finish();
        if (w.start && w.end && !(*w.start < *w.end))
            rules_.fail(path + ".end", fmt::format("must be after start ({}), got {}", date_text(*w.start), date_text(*w.end)));
        if (w.start_period && w.end_period && *w.end_period < *w.start_period)
            rules_.fail(path + ".end_period",
                        fmt::format("must be >= start_period ({}), got {}", *w.start_period, *w.end_period));
        if (w.unbounded()) rules_.fail(path, "must give at least one of start, end, start_period, end_period");
        return w;
    }

    void shock(const YAML::Node& node, const std::string& path, Scenario& scenario) {
        using namespace validation;
        yaml::Reader r(ctx_, node, path);
        if (!r.ok()) return;
        std::string type_name;
        r.string("type", type_name, true);
        const TypeInfo* info = find_type(type_name);
        if (info == nullptr) {
            if (!type_name.empty()) {
                std::vector<std::string> names;
                for (const auto& t : kTypes) names.emplace_back(t.name);
                ctx_.error(r.child("type")->Mark(), path + ".type",
                           fmt::format("unknown shock type '{}' (one of: {}){}", type_name, type_list(),
                                       yaml::did_you_mean(type_name, names)));
            }
            return;  // the other keys depend on the type
        }
        Shock s;
        s.type = info->type;
        s.path = path;
        const std::string size_key = info->size_key;
        const std::string p = path + "." + size_key;
        if (s.type == ShockType::ConstructionDelay) {
            int months = 0;
            r.integer(size_key, months, true, 0.0, static_cast<double>(kMaxDelayMonths));
            s.size = months;
        } else if (!size_key.empty()) {
            r.number(size_key, s.size, true);
            switch (s.type) {
            case ShockType::MerchantPrice:
            case ShockType::Volume:
            case ShockType::Opex:
            case ShockType::CapexOverrun:
                rules_.require(p, s.size, {Constraint{[](double v) { return v > -1.0; }, "must be > -1 (a relative change)"},
                                           at_most(100.0)});
                break;
            case ShockType::Availability: rules_.require(p, s.size, {in_closed(0.0, 1.0)}); break;
            case ShockType::RatesParallel:
            case ShockType::Spread:
            case ShockType::Inflation:
                rules_.require(p, s.size, {Constraint{[](double v) { return std::fabs(v) <= 5000.0; }, "must be within +-5000 bp"}});
                break;
            case ShockType::TokenSelloff:
            case ShockType::LpWithdrawal: rules_.require(p, s.size, {in_open_closed(0.0, 1.0)}); break;
            default: break;
            }
        }
        if (s.type == ShockType::RatesTwist) {
            s.size = 1.0;
            r.number("scale", s.size);
            rules_.require(path + ".scale", s.size, {magnitude_at_most(100.0)});
            const bool has_short = r.has("short_bp");
            const bool has_long = r.has("long_bp");
            if (!has_short && !has_long) rules_.fail(path, "rates_twist needs short_bp and/or long_bp");
            const Constraint bp{[](double v) { return std::fabs(v) <= 5000.0; }, "must be within +-5000 bp"};
            if (has_short) { r.number("short_bp", s.short_bp); rules_.require(path + ".short_bp", s.short_bp, {bp}); }
            if (has_long) { r.number("long_bp", s.long_bp); rules_.require(path + ".long_bp", s.long_bp, {bp}); }
            r.number("pivot_years", s.pivot_years);
            r.number("long_years", s.long_years);
            if (rules_.require(path + ".pivot_years", s.pivot_years, {positive(), at_most(100.0)}))
                rules_.require(path + ".long_years", s.long_years,
                               {Constraint{[&](double v) { return v > s.pivot_years; },
                                           fmt::format("must be > pivot_years ({})", s.pivot_years)},
                                at_most(200.0)});
        }
        if (s.type == ShockType::Inflation) {
            r.number("merchant_passthrough", s.merchant_passthrough);
            r.number("contract_passthrough", s.contract_passthrough);
            rules_.require(path + ".merchant_passthrough", s.merchant_passthrough, {in_closed(0.0, 1.0)});
            rules_.require(path + ".contract_passthrough", s.contract_passthrough, {in_closed(0.0, 1.0)});
        }
        if (s.type == ShockType::Spread) r.strings("tranches", s.tranches);
        if (is_market_shock(s.type)) r.string("token", s.token);
        const auto keys = allowed_keys(s.type);
        if (std::find(keys.begin(), keys.end(), "window") != keys.end())
            if (const auto* w = r.child("window")) s.window = window(*w, path + ".window");
        r.finish();
        scenario.shocks.push_back(std::move(s));
    }

    std::vector<Scenario> document(const YAML::Node& root) {
        std::vector<Scenario> out;
        yaml::Reader top(ctx_, root, "");
        if (!top.ok()) return out;
        std::set<std::string> names;
        const auto* list = top.child("scenarios", true);
        if (list && list->IsSequence() && list->size() == 0)
            ctx_.error(list->Mark(), "scenarios", "must be a non-empty list of scenarios, got " + yaml::describe(*list));
        yaml::for_each_element(ctx_, top, "scenarios", false, [&](const YAML::Node& node, const std::string& path, std::size_t) {
            Scenario sc;
            sc.path = path;
            yaml::Reader r(ctx_, node, path);
            if (!r.ok()) return;
            r.string("name", sc.name, true);
            if (r.has("name") && sc.name.empty() && r.child("name")->IsScalar())
                rules_.fail(path + ".name", "must not be empty");
            else if (!sc.name.empty() && !names.insert(sc.name).second)
                rules_.fail(path + ".name", fmt::format("duplicate scenario name '{}'", sc.name));
            r.string("description", sc.description);
            const auto* shocks = r.child("shocks");
            if (!shocks) {
                ctx_.error(node.Mark(), path + ".shocks", "is required (a list of shocks; [] for the base case)");
            } else {
                yaml::for_each_element(ctx_, r, "shocks", false, [&](const YAML::Node& e, const std::string& p, std::size_t) {
                    shock(e, p, sc);
                });
            }
            r.finish();
            out.push_back(std::move(sc));
        });
        top.finish();
        return out;
    }

    void finish() {
        ctx_.place(checks_);
        yaml::finish(ctx_);
    }

  private:
    yaml::Context& ctx_;
    std::vector<InputIssue> checks_;
    validation::Rules rules_;
};

}  // namespace

std::string_view to_string(ShockType type) noexcept { return info_of(type).name; }

bool Scenario::has_project_shocks() const noexcept {
    for (const auto& s : shocks)
        if (!is_market_shock(s.type)) return true;
    return false;
}

bool Scenario::has_market_shocks() const noexcept {
    for (const auto& s : shocks)
        if (is_market_shock(s.type)) return true;
    return false;
}

namespace {
std::vector<Scenario> read_scenarios(yaml::Context& ctx, const YAML::Node& root) {
    ScenarioReader reader(ctx);
    auto scenarios = reader.document(root);
    reader.finish();
    return scenarios;
}
}  // namespace

std::vector<Scenario> parse_scenarios(std::string_view yaml_text, const std::string& source_name) {
    return yaml::read_document(yaml_text, source_name, read_scenarios);
}

std::vector<Scenario> load_scenarios(const std::filesystem::path& path) {
    return yaml::read_document_file(path, read_scenarios);
}

std::vector<std::string> check_scenarios(const std::vector<Scenario>& scenarios) {
    std::vector<std::string> problems;
    std::set<std::string> names;
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        const auto& sc = scenarios[i];
        const std::string path = fmt::format("scenarios[{}]", i);
        if (sc.name.empty()) problems.push_back(path + ".name: must not be empty");
        else if (!names.insert(sc.name).second)
            problems.push_back(fmt::format("{}.name: duplicate scenario name '{}'", path, sc.name));
        for (std::size_t j = 0; j < sc.shocks.size(); ++j) {
            const auto& s = sc.shocks[j];
            const std::string p = fmt::format("{}.shocks[{}]", path, j);
            if (!std::isfinite(s.size)) problems.push_back(p + ": size must be finite");
            const auto& w = s.window;
            if (w.start && w.end && !(*w.start < *w.end)) problems.push_back(p + ".window.end: must be after start");
            if (w.start_period && w.end_period && *w.end_period < *w.start_period)
                problems.push_back(p + ".window.end_period: must be >= start_period");
        }
    }
    return problems;
}

Shock make_shock(ShockType type, double size) {
    Shock s;
    s.type = type;
    s.size = size;
    if (type == ShockType::RatesTwist) {
        s.short_bp = 100.0;
        s.long_bp = -100.0;
    }
    return s;
}

}  // namespace pftoken::stress
