// Stress scenarios: YAML -> Scenario structs with field-path validation (docs/stress.md).
#include "pftoken/stress/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "pftoken/error.hpp"
#include "pftoken/model/loader.hpp"

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
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (text[i] < '0' || text[i] > '9') return false;
    const int y = std::stoi(text.substr(0, 4));
    const auto m = static_cast<unsigned>(std::stoi(text.substr(5, 2)));
    const auto d = static_cast<unsigned>(std::stoi(text.substr(8, 2)));
    out = CalendarDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    return out.ok();
}

std::string date_text(const CalendarDate& d) {
    return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                       static_cast<unsigned>(d.day()));
}

class Reader {
  public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    void issue(const YAML::Node& node, const std::string& path, const std::string& constraint) {
        std::string location = source_;
        if (node.IsDefined() && node.Mark().line >= 0)
            location += fmt::format(":{}:{}", node.Mark().line + 1, node.Mark().column + 1);
        issues_.push_back(InputIssue{location, path, constraint});
    }
    void issue(const std::string& path, const std::string& constraint) {
        issues_.push_back(InputIssue{source_, path, constraint});
    }

    bool number(const YAML::Node& node, const std::string& path, double& out) {
        if (!node.IsScalar()) {
            issue(node, path, "must be a number");
            return false;
        }
        std::string text = node.Scalar();
        std::erase(text, '_');
        try {
            std::size_t used = 0;
            out = std::stod(text, &used);
            if (used != text.size()) throw std::invalid_argument(text);
        } catch (const std::exception&) {
            issue(node, path, fmt::format("must be a number, got '{}'", node.Scalar()));
            return false;
        }
        if (!std::isfinite(out)) {
            issue(node, path, fmt::format("must be finite, got {}", node.Scalar()));
            return false;
        }
        return true;
    }

    bool integer(const YAML::Node& node, const std::string& path, int& out) {
        double value = 0.0;
        if (!number(node, path, value)) return false;
        if (value != std::floor(value) || std::fabs(value) > 1e6) {
            issue(node, path, fmt::format("must be an integer, got {}", node.Scalar()));
            return false;
        }
        out = static_cast<int>(value);
        return true;
    }

    bool text(const YAML::Node& node, const std::string& path, std::string& out) {
        if (!node.IsScalar()) {
            issue(node, path, "must be a string");
            return false;
        }
        out = node.Scalar();
        return true;
    }

    void unknown_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed) {
        for (const auto& kv : map) {
            const auto key = kv.first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
                issue(kv.first, path + "." + key, fmt::format("unknown key (allowed: {})", join(allowed)));
        }
    }

    Window window(const YAML::Node& node, const std::string& path) {
        Window w;
        if (!node.IsMap()) {
            issue(node, path, "must be a map with start/end dates or start_period/end_period");
            return w;
        }
        unknown_keys(node, path, {"start", "end", "start_period", "end_period"});
        for (const char* key : {"start", "end"}) {
            if (!node[key]) continue;
            std::string s;
            CalendarDate d{};
            if (!text(node[key], path + "." + key, s)) continue;
            if (!parse_date(s, d)) {
                issue(node[key], path + "." + key, fmt::format("must be a date YYYY-MM-DD, got '{}'", s));
                continue;
            }
            (std::string(key) == "start" ? w.start : w.end) = d;
        }
        for (const char* key : {"start_period", "end_period"}) {
            if (!node[key]) continue;
            int p = 0;
            if (!integer(node[key], path + "." + key, p)) continue;
            if (p < 0) {
                issue(node[key], path + "." + key, fmt::format("must be >= 0, got {}", p));
                continue;
            }
            (std::string(key) == "start_period" ? w.start_period : w.end_period) = p;
        }
        if (w.start && w.end && !(*w.start < *w.end))
            issue(node["end"], path + ".end",
                  fmt::format("must be after start ({}), got {}", date_text(*w.start), date_text(*w.end)));
        if (w.start_period && w.end_period && *w.end_period < *w.start_period)
            issue(node["end_period"], path + ".end_period",
                  fmt::format("must be >= start_period ({}), got {}", *w.start_period, *w.end_period));
        if (w.unbounded()) issue(node, path, "must give at least one of start, end, start_period, end_period");
        return w;
    }

    void shock(const YAML::Node& node, const std::string& path, Scenario& scenario) {
        if (!node.IsMap()) {
            issue(node, path, "must be a map with a `type`");
            return;
        }
        if (!node["type"]) {
            issue(node, path + ".type", "required (one of: " + type_list() + ")");
            return;
        }
        std::string type_name;
        if (!text(node["type"], path + ".type", type_name)) return;
        const TypeInfo* info = find_type(type_name);
        if (info == nullptr) {
            issue(node["type"], path + ".type", fmt::format("unknown shock type '{}' (one of: {})", type_name, type_list()));
            return;
        }
        Shock s;
        s.type = info->type;
        s.path = path;
        unknown_keys(node, path, allowed_keys(s.type));
        const std::string size_key = info->size_key;
        if (!size_key.empty()) {
            const std::string p = path + "." + size_key;
            if (!node[size_key]) {
                issue(node, p, "required");
            } else if (s.type == ShockType::ConstructionDelay) {
                int months = 0;
                if (integer(node[size_key], p, months)) {
                    if (months < 0) issue(node[size_key], p, fmt::format("must be >= 0, got {}", months));
                    s.size = months;
                }
            } else if (number(node[size_key], p, s.size)) {
                check_size(node[size_key], p, s.type, s.size);
            }
        }
        if (s.type == ShockType::RatesTwist) {
            s.size = 1.0;
            if (node["scale"]) number(node["scale"], path + ".scale", s.size);
            if (!node["short_bp"] && !node["long_bp"]) issue(node, path, "rates_twist needs short_bp and/or long_bp");
            if (node["short_bp"]) bp_field(node["short_bp"], path + ".short_bp", s.short_bp);
            if (node["long_bp"]) bp_field(node["long_bp"], path + ".long_bp", s.long_bp);
            if (node["pivot_years"] && number(node["pivot_years"], path + ".pivot_years", s.pivot_years) &&
                !(s.pivot_years > 0.0))
                issue(node["pivot_years"], path + ".pivot_years", fmt::format("must be > 0, got {}", s.pivot_years));
            if (node["long_years"] && number(node["long_years"], path + ".long_years", s.long_years) &&
                !(s.long_years > s.pivot_years))
                issue(node["long_years"], path + ".long_years",
                      fmt::format("must be > pivot_years ({}), got {}", s.pivot_years, s.long_years));
        }
        if (s.type == ShockType::Inflation) {
            for (const char* key : {"merchant_passthrough", "contract_passthrough"}) {
                if (!node[key]) continue;
                double v = 0.0;
                if (!number(node[key], path + "." + key, v)) continue;
                if (v < 0.0 || v > 1.0) issue(node[key], path + "." + key, fmt::format("must be in [0, 1], got {}", v));
                (std::string(key) == "merchant_passthrough" ? s.merchant_passthrough : s.contract_passthrough) = v;
            }
        }
        if (s.type == ShockType::Spread && node["tranches"]) {
            const auto& list = node["tranches"];
            if (!list.IsSequence()) {
                issue(list, path + ".tranches", "must be a list of tranche names");
            } else {
                for (std::size_t i = 0; i < list.size(); ++i) {
                    std::string name;
                    if (text(list[i], fmt::format("{}.tranches[{}]", path, i), name)) s.tranches.push_back(name);
                }
            }
        }
        if (is_market_shock(s.type) && node["token"]) text(node["token"], path + ".token", s.token);
        const auto keys = allowed_keys(s.type);
        if (node["window"] && std::find(keys.begin(), keys.end(), "window") != keys.end())
            s.window = window(node["window"], path + ".window");
        scenario.shocks.push_back(std::move(s));
    }

    void bp_field(const YAML::Node& node, const std::string& path, double& out) {
        if (number(node, path, out) && std::fabs(out) > 5000.0)
            issue(node, path, fmt::format("must be within +-5000 bp, got {}", out));
    }

    void check_size(const YAML::Node& node, const std::string& p, ShockType type, double v) {
        switch (type) {
        case ShockType::MerchantPrice:
        case ShockType::Volume:
        case ShockType::Opex:
        case ShockType::CapexOverrun:
            if (!(v > -1.0)) issue(node, p, fmt::format("must be > -1 (a relative change), got {}", v));
            break;
        case ShockType::Availability:
            if (v < 0.0 || v > 1.0) issue(node, p, fmt::format("must be in [0, 1], got {}", v));
            break;
        case ShockType::RatesParallel:
        case ShockType::Spread:
        case ShockType::Inflation:
            if (std::fabs(v) > 5000.0) issue(node, p, fmt::format("must be within +-5000 bp, got {}", v));
            break;
        case ShockType::TokenSelloff:
            if (!(v > 0.0) || v > 1.0) issue(node, p, fmt::format("must be in (0, 1], got {}", v));
            break;
        case ShockType::LpWithdrawal:
            if (!(v > 0.0) || v > 1.0) issue(node, p, fmt::format("must be in (0, 1], got {}", v));
            break;
        default: break;
        }
    }

    static std::string type_list() {
        std::vector<std::string> names;
        for (const auto& info : kTypes) names.emplace_back(info.name);
        return join(names);
    }

    std::vector<Scenario> document(const YAML::Node& root) {
        std::vector<Scenario> out;
        if (!root.IsMap()) {
            issue(root, "", "must be a map with a `scenarios` list");
            return out;
        }
        unknown_keys(root, "", {"scenarios"});
        const auto& list = root["scenarios"];
        if (!list) {
            issue(root, "scenarios", "required (a list of scenarios)");
            return out;
        }
        if (!list.IsSequence() || list.size() == 0) {
            issue(list, "scenarios", "must be a non-empty list");
            return out;
        }
        std::set<std::string> names;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto& node = list[i];
            const std::string path = fmt::format("scenarios[{}]", i);
            Scenario sc;
            sc.path = path;
            if (!node.IsMap()) {
                issue(node, path, "must be a map with name and shocks");
                continue;
            }
            unknown_keys(node, path, {"name", "description", "shocks"});
            if (!node["name"]) issue(node, path + ".name", "required");
            else if (text(node["name"], path + ".name", sc.name)) {
                if (sc.name.empty()) issue(node["name"], path + ".name", "must not be empty");
                else if (!names.insert(sc.name).second)
                    issue(node["name"], path + ".name", fmt::format("duplicate scenario name '{}'", sc.name));
            }
            if (node["description"]) text(node["description"], path + ".description", sc.description);
            const auto& shocks = node["shocks"];
            if (!shocks) {
                issue(node, path + ".shocks", "required (a list of shocks; [] for the base case)");
            } else if (!shocks.IsSequence()) {
                issue(shocks, path + ".shocks", "must be a list");
            } else {
                for (std::size_t j = 0; j < shocks.size(); ++j)
                    shock(shocks[j], fmt::format("{}.shocks[{}]", path, j), sc);
            }
            out.push_back(std::move(sc));
        }
        return out;
    }

    void finish() const {
        if (!issues_.empty()) throw ProjectInputError(source_, issues_);
    }

  private:
    std::string source_;
    std::vector<InputIssue> issues_;
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

std::vector<Scenario> parse_scenarios(std::string_view yaml_text, const std::string& source_name) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml_text));
    } catch (const YAML::Exception& e) {
        throw ProjectInputError(source_name,
                                {InputIssue{fmt::format("{}:{}:{}", source_name, e.mark.line + 1, e.mark.column + 1),
                                            "", "invalid YAML: " + e.msg}});
    }
    Reader reader(source_name);
    auto scenarios = reader.document(root);
    reader.finish();
    return scenarios;
}

std::vector<Scenario> load_scenarios(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw InputError(path.string(), "cannot open scenario file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse_scenarios(buffer.str(), path.string());
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
