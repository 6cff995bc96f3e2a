#pragma once
// `pftoken range-opt` outputs: a readable table, the frontier as CSV, everything as JSON.

#include <string>

#include "pftoken/integration/range_opt.hpp"
#include "pftoken/integration/range_opt_spec.hpp"

namespace pftoken::integration {

struct RangeOptReport {
    RangeOptSpec spec;
    RangeOptResult result;
};

/// Builds the paths of the spec and runs the optimiser.
[[nodiscard]] RangeOptReport runRangeOptSpec(const RangeOptSpec& spec);

/// Best range, inputs used and the frontier, as aligned text.
[[nodiscard]] std::string formatRangeOptTable(const RangeOptReport& report);

/// The frontier (one row per width, best marked), with a header row; numbers printed with 17
/// significant digits so a reader gets the doubles back.
[[nodiscard]] std::string formatRangeOptCsv(const RangeOptReport& report);

/// {"inputs": {...}, "best": {...}, "frontier": [...]} (no timings: same inputs, same bytes).
[[nodiscard]] std::string formatRangeOptJson(const RangeOptReport& report);

/// Column names of formatRangeOptCsv, in order.
[[nodiscard]] const std::vector<std::string>& rangeOptCsvColumns();

}  // namespace pftoken::integration
