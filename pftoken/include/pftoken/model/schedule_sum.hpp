#pragma once
// The one tolerance for "a list sums to a total" in project inputs (repayment schedules summing
// to the tranche principal, capex profiles summing to 1), used by the loader's validation and by
// compile, and the message naming both numbers in full when it does not hold.
//
// Inputs are typed by hand or exported from a spreadsheet with a few decimals; a real mismatch
// (a forgotten period, a typo in a repayment) is far larger than this. Within the tolerance,
// compile absorbs the difference in the last positive entry so the balance ends at exactly zero
// (docs/input-schema.md, "schedule").

#include <algorithm>
#include <cmath>
#include <string>

#include "pftoken/base/format.hpp"

namespace pftoken {

/// Relative tolerance: |sum - total| <= kSumTolerance * max(1, |sum|, |total|).
inline constexpr double kSumTolerance = 1e-6;

[[nodiscard]] inline bool sums_to(double sum, double total) {
    return std::abs(sum - total) <= kSumTolerance * std::max({1.0, std::abs(sum), std::abs(total)});
}

/// `what` names the total ("principal"; empty: the number alone, "must sum to 1 ...").
/// "must sum to principal 30000000 (within 1e-06 relative), got 29999000 (1000 short)": total and
/// sum to 12 significant digits (a mismatch beyond the tolerance shows by the 7th), the
/// difference to 6, so the entry to correct can be found.
[[nodiscard]] inline std::string sum_mismatch(const std::string& what, double total, double sum) {
    const double diff = sum - total;
    return "must sum to " + (what.empty() ? std::string() : what + " ") + format::message_number(total, 12) + " (within " +
           format::message_number(kSumTolerance) + " relative), got " + format::message_number(sum, 12) + " (" +
           format::message_number(std::abs(diff), 6) + (diff < 0.0 ? " short)" : " over)");
}

}  // namespace pftoken
