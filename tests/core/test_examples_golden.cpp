// Golden files: the valuation summary of both shipped examples, compared field by field with
// an absolute and a relative tolerance per field (ORE style: examples double as regression
// tests). Regenerate after an intended change with
//     PFTOKEN_UPDATE_GOLDEN=1 ./build/dev/tests/core/pftoken_core_tests --gtest_filter='Golden*'
// then review `git diff tests/core/golden/` before committing (docs/examples.md).
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pftoken/model/loader.hpp"
#include "pftoken/report/value_report.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace {

using nlohmann::json;

const std::string kSource = PFTOKEN_SOURCE_DIR;

struct Tolerance {
    double absolute;
    double relative;
};

/// Tolerance of a flattened field path: exact for counts and texts (compared as such); money
/// and ratios to 1e-9 relative (bit-level drift from compiler or library changes stays far
/// below, a model change far above); solved quantities (yields, IRRs, z-spreads) to 1e-9 abs.
Tolerance tolerance_for(const std::string& path) {
    auto ends_with = [&](const char* suffix) {
        const std::string s(suffix);
        return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
    };
    if (ends_with("yield") || ends_with("irr") || ends_with("z_spread")) return {1e-9, 1e-9};
    if (ends_with("duration") || ends_with("convexity") || ends_with("wal")) return {1e-8, 1e-9};
    return {1e-6, 1e-9};
}

void flatten(const json& j, const std::string& prefix, std::vector<std::pair<std::string, json>>& out) {
    if (j.is_object()) {
        for (const auto& [key, value] : j.items()) flatten(value, prefix.empty() ? key : prefix + "." + key, out);
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) {
            const auto& e = j[i];
            flatten(e, prefix + "." + (e.is_object() && e.contains("name") ? e["name"].get<std::string>() : std::to_string(i)), out);
        }
    } else {
        out.emplace_back(prefix, j);
    }
}

/// Every difference between `expected` and `actual` beyond tolerance, one line each.
std::vector<std::string> compare(const json& expected, const json& actual) {
    std::vector<std::pair<std::string, json>> e, a;
    flatten(expected, "", e);
    flatten(actual, "", a);
    std::map<std::string, json> actual_map(a.begin(), a.end());
    std::vector<std::string> diffs;
    for (const auto& [path, want] : e) {
        auto it = actual_map.find(path);
        if (it == actual_map.end()) {
            diffs.push_back(path + ": missing in the result");
            continue;
        }
        const json& got = it->second;
        if (want.is_number() && got.is_number()) {
            const double x = want.get<double>();
            const double y = got.get<double>();
            const auto tol = tolerance_for(path);
            const double allowed = tol.absolute + tol.relative * std::abs(x);
            if (!(std::abs(x - y) <= allowed))
                diffs.push_back(path + ": expected " + want.dump() + ", got " + got.dump() + " (|diff| " +
                                std::to_string(std::abs(x - y)) + " > " + std::to_string(allowed) + ")");
        } else if (want != got) {
            diffs.push_back(path + ": expected " + want.dump() + ", got " + got.dump());
        }
        actual_map.erase(it);
    }
    for (const auto& [path, got] : actual_map) diffs.push_back(path + ": not in the golden file (value " + got.dump() + ")");
    return diffs;
}

void check_golden(const std::string& example, const std::string& golden_name) {
    const auto project = pftoken::load_project(kSource + "/data/examples/" + example);
    const auto result = pftoken::value(project);
    const std::string text = pftoken::report::summary_json(project, result);
    const std::string golden_path = kSource + "/tests/core/golden/" + golden_name;
    const char* update = std::getenv("PFTOKEN_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        std::ofstream(golden_path) << text;
        GTEST_SKIP() << "rewrote " << golden_path << "; review the diff and commit it";
    }
    std::ifstream in(golden_path);
    if (!in.good()) FAIL() << "missing " << golden_path << ": generate it with PFTOKEN_UPDATE_GOLDEN=1 and commit it";
    std::stringstream buffer;
    buffer << in.rdbuf();
    const auto diffs = compare(json::parse(buffer.str()), json::parse(text));
    std::string report;
    for (const auto& d : diffs) report += "  " + d + "\n";
    EXPECT_TRUE(diffs.empty()) << diffs.size() << " differences against " << golden_path << ":\n" << report
                               << "(intended change? regenerate with PFTOKEN_UPDATE_GOLDEN=1 and review the diff)";
}

TEST(GoldenCompare, ToleranceAndStructure) {
    const json golden = json::parse(R"({"a": 100.0, "yield": 0.05, "n": 3, "s": "x", "t": [{"name": "k", "v": 1}]})");
    EXPECT_TRUE(compare(golden, golden).empty());
    const json near = json::parse(R"({"a": 100.00000005, "yield": 0.0500000000005, "n": 3, "s": "x", "t": [{"name": "k", "v": 1}]})");
    EXPECT_TRUE(compare(golden, near).empty());
    const json far = json::parse(R"({"a": 100.001, "yield": 0.0501, "n": 4, "s": "y", "t": [{"name": "k", "v": 1}], "extra": 1})");
    const auto diffs = compare(golden, far);
    ASSERT_EQ(diffs.size(), 5u);
    EXPECT_EQ(diffs[0].rfind("a: expected 100.0, got 100.001", 0), 0u) << diffs[0];
    EXPECT_EQ(diffs[4], "extra: not in the golden file (value 1)");
    const json missing = json::parse(R"({"a": 100.0, "yield": 0.05, "n": 3, "s": "x", "t": []})");
    EXPECT_EQ(compare(golden, missing).front(), "t.k.name: missing in the result");
}

TEST(Golden, SolarSummary) { check_golden("solar.yaml", "solar_summary.json"); }
TEST(Golden, TollRoadSummary) { check_golden("toll_road.yaml", "toll_road_summary.json"); }

}  // namespace
