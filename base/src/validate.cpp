#include "pftoken/base/validate.hpp"

#include <cmath>

#include <fmt/format.h>

namespace pftoken::validation {

std::string number_text(double x) { return fmt::format("{}", x); }

Constraint positive() { return {[](double x) { return x > 0.0; }, "must be > 0"}; }
Constraint non_negative() { return {[](double x) { return x >= 0.0; }, "must be >= 0"}; }
Constraint above(double lo) { return {[lo](double x) { return x > lo; }, "must be > " + number_text(lo)}; }
Constraint at_least(double lo) { return {[lo](double x) { return x >= lo; }, "must be >= " + number_text(lo)}; }
Constraint below(double hi) { return {[hi](double x) { return x < hi; }, "must be < " + number_text(hi)}; }
Constraint at_most(double hi) { return {[hi](double x) { return x <= hi; }, "must be <= " + number_text(hi)}; }
Constraint in_closed(double lo, double hi) {
    return {[lo, hi](double x) { return x >= lo && x <= hi; }, fmt::format("must be in [{}, {}]", lo, hi)};
}
Constraint in_half_open(double lo, double hi) {
    return {[lo, hi](double x) { return x >= lo && x < hi; }, fmt::format("must be in [{}, {})", lo, hi)};
}
Constraint in_open_closed(double lo, double hi) {
    return {[lo, hi](double x) { return x > lo && x <= hi; }, fmt::format("must be in ({}, {}]", lo, hi)};
}
Constraint magnitude_at_most(double bound) {
    return {[bound](double x) { return std::abs(x) <= bound; }, fmt::format("must be within +-{}", bound)};
}
Constraint whole() { return {[](double x) { return x == std::floor(x); }, "must be a whole number"}; }

bool Rules::require(const std::string& field, double value, std::initializer_list<Constraint> constraints) {
    if (!std::isfinite(value)) {
        fail(field, "must be finite, got " + number_text(value));
        return false;
    }
    for (const auto& c : constraints) {
        if (c.holds(value)) continue;
        fail(field, c.text + ", got " + number_text(value));
        return false;
    }
    return true;
}

void Rules::fail(const std::string& field, std::string constraint) {
    out_->push_back(InputIssue{{}, field, std::move(constraint)});
}

void Rules::throw_if_failed(const std::string& source) const {
    if (!out_->empty()) throw InputError(source, *out_);
}

}  // namespace pftoken::validation
