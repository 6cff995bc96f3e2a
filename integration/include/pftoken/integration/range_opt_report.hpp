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
[[nodiscard]] RangeOptReport run_range_opt_spec(const RangeOptSpec& spec);

/// Best range, inputs used and the frontier, as aligned text.
[[nodiscard]] std::string format_range_opt_table(const RangeOptReport& report);

/// The frontier (one row per width, best marked), with a header row; numbers printed with 17
/// significant digits so a reader gets the doubles back.
[[nodiscard]] std::string format_range_opt_csv(const RangeOptReport& report);

/// {"inputs": {...}, "best": {...}, "frontier": [...]} (no timings: same inputs, same bytes).
[[nodiscard]] std::string format_range_opt_json(const RangeOptReport& report);

/// Column names of format_range_opt_csv, in order.
[[nodiscard]] const std::vector<std::string>& range_opt_csv_columns();

}  // namespace pftoken::integration
