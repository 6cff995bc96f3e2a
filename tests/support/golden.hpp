#pragma once
// The golden-file comparator of every test suite: a result (CSV or JSON text) against a file in
// tests/golden/, number by number with an absolute and a relative tolerance per column (ORE's
// example regression), text by text exactly. One environment variable rewrites the files after
// an intended change (docs/testing.md):
//
//     PFTOKEN_UPDATE_GOLDEN=1 ctest --test-dir build/ci -R <test>     # then review `git diff tests/golden/`
//
// A number passes when |actual - expected| <= absolute + relative * |expected|; identical text
// always passes. The tolerance of a field comes from the first matching rule of a `Tolerances`
// list (matched on the field's name), or its fallback:
//   - CSV, rows in order: the field is the column name (header line); headers must be equal.
//   - CSV keyed by columns (e.g. section,field): rows are matched by the key, in any order; the
//     field is "<key>:<column>", the key being the key cells joined by ',' ("fair_value,mc_mean:value").
//   - JSON: the field is the dotted path of the value; array elements that are objects with a
//     "name" are addressed by that name, others by index ("tranches.senior.yield", "paths.3").

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef PFTOKEN_SOURCE_DIR
#error "PFTOKEN_SOURCE_DIR must be defined (tests/CMakeLists.txt does)"
#endif

namespace pftoken::test {

/// Absolute and relative tolerance of one field; `text` compares the cell as text (counts,
/// flags, ticks, dates: exact).
struct Tolerance {
    double absolute = 0.0;
    double relative = 0.0;
    bool text = false;

    static constexpr Tolerance exact_text() { return {0.0, 0.0, true}; }
};

/// Ordered tolerance rules on field names; the first match wins, else the fallback.
class Tolerances {
  public:
    explicit Tolerances(Tolerance fallback = {}) : fallback_(fallback) {}

    Tolerances& field(std::string name, Tolerance t) { return add(Match::Exact, std::move(name), t); }
    Tolerances& prefix(std::string start, Tolerance t) { return add(Match::Prefix, std::move(start), t); }
    Tolerances& suffix(std::string end, Tolerance t) { return add(Match::Suffix, std::move(end), t); }

    [[nodiscard]] Tolerance for_field(std::string_view name) const {
        for (const auto& r : rules_) {
            const bool hit = r.match == Match::Exact    ? name == r.pattern
                             : r.match == Match::Prefix ? name.starts_with(r.pattern)
                                                        : name.ends_with(r.pattern);
            if (hit) return r.tolerance;
        }
        return fallback_;
    }

  private:
    enum class Match { Exact, Prefix, Suffix };
    struct Rule {
        Match match;
        std::string pattern;
        Tolerance tolerance;
    };
    Tolerances& add(Match m, std::string pattern, Tolerance t) {
        rules_.push_back({m, std::move(pattern), t});
        return *this;
    }
    std::vector<Rule> rules_;
    Tolerance fallback_;
};

namespace golden_detail {

inline std::string shown(double x) {
    std::ostringstream s;
    s.precision(17);
    s << x;
    return s.str();
}

/// "" when `actual` matches `expected` under `t`, else why not.
inline std::string compare_cell(const std::string& expected, const std::string& actual, Tolerance t) {
    if (expected == actual) return {};
    const auto mismatch = [&] { return "expected " + expected + ", got " + actual; };
    if (t.text || expected.empty() || actual.empty()) return mismatch();
    char* end_e = nullptr;
    char* end_a = nullptr;
    const double e = std::strtod(expected.c_str(), &end_e);
    const double a = std::strtod(actual.c_str(), &end_a);
    if (*end_e != '\0' || *end_a != '\0') return mismatch();  // not numbers: text differs
    const double allowed = t.absolute + t.relative * std::abs(e);
    if (std::abs(a - e) <= allowed) return {};
    return mismatch() + " (|diff| " + shown(std::abs(a - e)) + " > " + shown(allowed) + ")";
}

}  // namespace golden_detail

/// RFC 4180 CSV: rows of cells; quoted cells may hold commas, doubled quotes and line breaks.
inline std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false;
    bool any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
            else if (c == '"') quoted = false;
            else cell += c;
            continue;
        }
        any = true;
        if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.push_back(std::move(cell));
            cell.clear();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            row.push_back(std::move(cell));
            cell.clear();
            rows.push_back(std::move(row));
            row.clear();
            any = false;
        } else {
            cell += c;
        }
    }
    if (any || !cell.empty() || !row.empty()) {
        row.push_back(std::move(cell));
        rows.push_back(std::move(row));
    }
    return rows;
}

/// Every difference between two CSV texts beyond tolerance, one line each. With `key_columns`
/// rows are matched by those columns (any order); without, row by row.
inline std::vector<std::string> compare_csv(std::string_view expected_text, std::string_view actual_text,
                                            const Tolerances& tolerances,
                                            const std::vector<std::string>& key_columns = {}) {
    const auto expected = parse_csv(expected_text);
    const auto actual = parse_csv(actual_text);
    std::vector<std::string> diffs;
    if (expected.empty() || actual.empty()) {
        if (expected.size() != actual.size()) diffs.push_back(expected.empty() ? "the golden file is empty" : "the result is empty");
        return diffs;
    }
    const auto& header = expected[0];
    if (actual[0] != header) {
        std::string e, a;
        for (const auto& h : header) e += h + ",";
        for (const auto& h : actual[0]) a += h + ",";
        diffs.push_back("header: expected " + e + " got " + a);
        return diffs;
    }
    std::vector<std::size_t> keys;
    for (const auto& k : key_columns) {
        std::size_t c = 0;
        while (c < header.size() && header[c] != k) ++c;
        if (c == header.size()) {
            diffs.push_back("key column " + k + " is not in the header");
            return diffs;
        }
        keys.push_back(c);
    }
    const auto key_of = [&](const std::vector<std::string>& row, std::size_t index) {
        if (keys.empty()) return "row " + std::to_string(index);
        std::string k;
        for (const auto c : keys) k += (k.empty() ? "" : ",") + (c < row.size() ? row[c] : std::string());
        return k;
    };
    const auto compare_row = [&](const std::string& key, const std::vector<std::string>& e,
                                 const std::vector<std::string>& a) {
        if (e.size() != a.size()) {
            diffs.push_back(key + ": " + std::to_string(e.size()) + " cells expected, got " + std::to_string(a.size()));
            return;
        }
        for (std::size_t c = 0; c < e.size(); ++c) {
            const std::string& column = c < header.size() ? header[c] : "column " + std::to_string(c);
            const std::string field = keys.empty() ? column : key + ":" + column;
            if (auto why = golden_detail::compare_cell(e[c], a[c], tolerances.for_field(field)); !why.empty())
                diffs.push_back(key + ", " + column + ": " + why);
        }
    };
    if (keys.empty()) {
        if (expected.size() != actual.size())
            diffs.push_back(std::to_string(expected.size() - 1) + " rows expected, got " + std::to_string(actual.size() - 1));
        for (std::size_t r = 1; r < std::min(expected.size(), actual.size()); ++r) compare_row(key_of(expected[r], r), expected[r], actual[r]);
        return diffs;
    }
    std::map<std::string, const std::vector<std::string>*> by_key;
    for (std::size_t r = 1; r < actual.size(); ++r)
        if (!by_key.emplace(key_of(actual[r], r), &actual[r]).second) diffs.push_back(key_of(actual[r], r) + ": twice in the result");
    for (std::size_t r = 1; r < expected.size(); ++r) {
        const std::string key = key_of(expected[r], r);
        const auto it = by_key.find(key);
        if (it == by_key.end()) {
            diffs.push_back(key + ": missing in the result");
            continue;
        }
        compare_row(key, expected[r], *it->second);
        by_key.erase(it);
    }
    for (const auto& [key, row] : by_key) diffs.push_back(key + ": not in the golden file");
    return diffs;
}

namespace golden_detail {

inline void flatten(const nlohmann::json& j, const std::string& prefix,
                    std::vector<std::pair<std::string, nlohmann::json>>& out) {
    if (j.is_object()) {
        for (const auto& [key, value] : j.items()) flatten(value, prefix.empty() ? key : prefix + "." + key, out);
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) {
            const auto& e = j[i];
            const bool named = e.is_object() && e.contains("name") && e["name"].is_string();
            flatten(e, prefix + "." + (named ? e["name"].get<std::string>() : std::to_string(i)), out);
        }
    } else {
        out.emplace_back(prefix, j);
    }
}

}  // namespace golden_detail

/// Every difference between two JSON documents beyond tolerance, one line each.
inline std::vector<std::string> compare_json(const nlohmann::json& expected, const nlohmann::json& actual,
                                             const Tolerances& tolerances) {
    std::vector<std::pair<std::string, nlohmann::json>> e, a;
    golden_detail::flatten(expected, "", e);
    golden_detail::flatten(actual, "", a);
    std::map<std::string, nlohmann::json> actual_map(a.begin(), a.end());
    std::vector<std::string> diffs;
    for (const auto& [path, want] : e) {
        const auto it = actual_map.find(path);
        if (it == actual_map.end()) {
            diffs.push_back(path + ": missing in the result");
            continue;
        }
        const nlohmann::json& got = it->second;
        const Tolerance t = tolerances.for_field(path);
        if (want.is_number() && got.is_number() && !t.text) {
            const double x = want.get<double>();
            const double y = got.get<double>();
            const double allowed = t.absolute + t.relative * std::abs(x);
            if (!(std::abs(x - y) <= allowed))
                diffs.push_back(path + ": expected " + want.dump() + ", got " + got.dump() + " (|diff| " +
                                golden_detail::shown(std::abs(x - y)) + " > " + golden_detail::shown(allowed) + ")");
        } else if (want != got) {
            diffs.push_back(path + ": expected " + want.dump() + ", got " + got.dump());
        }
        actual_map.erase(it);
    }
    for (const auto& [path, got] : actual_map) diffs.push_back(path + ": not in the golden file (value " + got.dump() + ")");
    return diffs;
}

/// The environment variable that rewrites golden files instead of comparing with them.
inline constexpr const char* kUpdateGoldenVariable = "PFTOKEN_UPDATE_GOLDEN";

/// Absolute path of a golden file: tests/golden/<name>.
inline std::string golden_path(const std::string& name) { return std::string(PFTOKEN_SOURCE_DIR) + "/tests/golden/" + name; }

/// Options of `expect_golden` beyond the tolerances.
struct GoldenOptions {
    std::vector<std::string> key_columns;  ///< CSV only: match rows by these columns
};

/// Compares `actual` (CSV or JSON, after the golden file's extension) with tests/golden/<name>;
/// with PFTOKEN_UPDATE_GOLDEN=1 rewrites the file instead and skips the test.
inline void expect_golden(const std::string& name, const std::string& actual, const Tolerances& tolerances,
                          const GoldenOptions& options = {}) {
    const std::string path = golden_path(name);
    if (const char* update = std::getenv(kUpdateGoldenVariable); update != nullptr && std::string_view(update) == "1") {
        std::ofstream(path, std::ios::binary) << actual;
        GTEST_SKIP() << "rewrote " << path << "; review `git diff tests/golden/` and commit it";
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in.good()) << "missing " << path << ": generate it with " << kUpdateGoldenVariable << "=1 and commit it";
    std::stringstream buffer;
    buffer << in.rdbuf();
    const bool json = std::string_view(name).ends_with(".json");
    const auto diffs = json ? compare_json(nlohmann::json::parse(buffer.str()), nlohmann::json::parse(actual), tolerances)
                            : compare_csv(buffer.str(), actual, tolerances, options.key_columns);
    std::string report;
    for (const auto& d : diffs) report += "  " + d + "\n";
    EXPECT_TRUE(diffs.empty()) << diffs.size() << " differences against " << path << ":\n"
                               << report << "(intended change? regenerate with " << kUpdateGoldenVariable
                               << "=1 and review the diff)";
}

}  // namespace pftoken::test
