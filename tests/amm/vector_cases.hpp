#pragma once
// Loads the Uniswap test vectors (PFTOKEN_AMM_VECTORS_DIR) as named GoogleTest parameters.
// A missing folder yields one placeholder case that skips, or fails when PFTOKEN_REQUIRE_VECTORS.

#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pftoken::amm::testing {

struct VectorCase {
    std::string name;     // unique, [A-Za-z0-9_]
    nlohmann::json data;  // null for the "vectors missing" placeholder
    nlohmann::json context;  // extra data the case needs (e.g. its pool setup)
};

inline std::filesystem::path vectors_dir() { return std::filesystem::path(PFTOKEN_AMM_VECTORS_DIR); }

inline std::string sanitize_name(const std::string& text, std::size_t index) {
    std::string out = std::to_string(index) + "_";
    for (const char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0) out.push_back(c);
        else if (!out.empty() && out.back() != '_') out.push_back('_');
        if (out.size() > 90) break;
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out;
}

/// Reads `relative` under the vectors folder and turns the array selected by `select` into cases.
inline std::vector<VectorCase> load_cases(
    const std::string& relative, const std::function<nlohmann::json(const nlohmann::json&)>& select,
    const std::function<std::string(const nlohmann::json&)>& describe,
    const std::function<nlohmann::json(const nlohmann::json&, const nlohmann::json&)>& context = {}) {
    std::vector<VectorCase> cases;
    const auto path = vectors_dir() / relative;
    std::ifstream in(path);
    if (!in) {
        cases.push_back({"vectors_missing", nullptr, nullptr});
        return cases;
    }
    const nlohmann::json doc = nlohmann::json::parse(in);
    const nlohmann::json list = select(doc);
    std::size_t i = 0;
    for (const auto& item : list) {
        cases.push_back({sanitize_name(describe(item), i), item, context ? context(doc, item) : nlohmann::json()});
        ++i;
    }
    return cases;
}

/// The TickMath cases of uniswap-v3-core/unit.cases.json as one list, each tagged with the
/// function it exercises ("fn"; the `inline` cases carry their own).
inline nlohmann::json tick_math_cases_of(const nlohmann::json& doc) {
    nlohmann::json all = nlohmann::json::array();
    for (const char* fn : {"getSqrtRatioAtTick", "getTickAtSqrtRatio"})
        for (auto c : doc.at("tickMath").at(fn)) {
            c["fn"] = fn;
            all.push_back(std::move(c));
        }
    for (const auto& c : doc.at("tickMath").at("inline")) all.push_back(c);
    return all;
}

inline std::string case_name(const ::testing::TestParamInfo<VectorCase>& info) { return info.param.name; }

}  // namespace pftoken::amm::testing

/// First statement of a vector test: skip (or fail under PFTOKEN_REQUIRE_VECTORS) when absent.
#define PFT_VECTOR_CASE_OR_SKIP(param)                                                             \
    do {                                                                                           \
        if ((param).data.is_null()) {                                                              \
            if (PFTOKEN_REQUIRE_VECTORS) {                                                         \
                FAIL() << "AMM test vectors not found under " << PFTOKEN_AMM_VECTORS_DIR           \
                       << " (PFTOKEN_REQUIRE_VECTORS is on; set -DPFTOKEN_AMM_VECTORS_DIR)";       \
            } else {                                                                               \
                GTEST_SKIP() << "AMM test vectors not found under " << PFTOKEN_AMM_VECTORS_DIR     \
                             << "; configure -DPFTOKEN_AMM_VECTORS_DIR=<folder> to run them";      \
            }                                                                                      \
        }                                                                                          \
    } while (false)
