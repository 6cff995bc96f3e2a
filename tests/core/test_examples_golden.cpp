// Golden files: the valuation summary of both shipped examples, compared field by field with
// an absolute and a relative tolerance per field (ORE style: examples double as regression
// tests; tests/support/golden.hpp). Regenerate after an intended change with
//     PFTOKEN_UPDATE_GOLDEN=1 ./build/dev/tests/core/pftoken_core_tests --gtest_filter='Golden*'
// then review `git diff tests/golden/` before committing (docs/testing.md).
#include <string>

#include <gtest/gtest.h>

#include "pftoken/report/value_report.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "support/builders.hpp"
#include "support/golden.hpp"

namespace {

using pftoken::test::Tolerances;

/// Tolerance of a flattened field path: exact for counts and texts (compared as such); money
/// and ratios to 1e-9 relative (bit-level drift from compiler or library changes stays far
/// below, a model change far above); solved quantities (yields, IRRs, z-spreads) to 1e-9 abs.
const Tolerances kSummaryTolerances = Tolerances({1e-6, 1e-9})
                                          .suffix("yield", {1e-9, 1e-9})
                                          .suffix("irr", {1e-9, 1e-9})
                                          .suffix("z_spread", {1e-9, 1e-9})
                                          .suffix("duration", {1e-8, 1e-9})
                                          .suffix("convexity", {1e-8, 1e-9})
                                          .suffix("wal", {1e-8, 1e-9});

void check_golden(const std::string& example, const std::string& golden_name) {
    const auto project = pftoken::test::example_project(example);
    const auto result = pftoken::value(project);
    pftoken::test::expect_golden(golden_name, pftoken::report::summary_json(project, result), kSummaryTolerances);
}

TEST(Golden, SolarSummary) { check_golden("solar.yaml", "solar_summary.json"); }
TEST(Golden, TollRoadSummary) { check_golden("toll_road.yaml", "toll_road_summary.json"); }

}  // namespace
