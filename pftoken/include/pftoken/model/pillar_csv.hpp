#pragma once
// The zero-curve pillar CSV (`years,zero_rate`): one parser for the loader (which collects every
// problem into a ProjectInputError) and pricing::read_pillar_csv (which throws the first).

#include <istream>
#include <string>
#include <utility>
#include <vector>

namespace pftoken {

/// One problem in a pillar CSV: its 1-based line (0 = the file as a whole) and the constraint,
/// e.g. `column years: must increase, got 1 after 2`.
struct PillarCsvIssue {
    int line = 0;
    std::string message;
};

struct PillarCsv {
    std::vector<std::pair<double, double>> pillars;  ///< (years, decimal zero rate), increasing years
    std::vector<PillarCsvIssue> issues;              ///< empty when the file is valid
};

/// Parses the header `years,zero_rate` then one `years,zero_rate` pair per line (blank lines
/// skipped). Every line is checked: two columns, finite numbers, years > 0 and increasing, rate
/// in (-100%, 100%); a bad header stops the parse. No pillars is an issue (line 0).
[[nodiscard]] PillarCsv parse_pillar_csv(std::istream& in);

}  // namespace pftoken
