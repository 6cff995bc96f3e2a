#pragma once
// Validators declared once per input type (in the spirit of Ceres' Options::IsValid): a rule
// states the field, the value and its constraints, and the same words are both the check and the
// message, e.g.
//
//     validation::Rules rules;
//     rules.require("tranches[0].tenor_years", t.tenor_years, {validation::at_least(0.25), validation::at_most(100)});
//     rules.throw_if_failed("project");   // "tranches[0].tenor_years: must be >= 0.25, got 1e-09"
//
// Every value is first required to be finite ("must be finite, got nan"); then the constraints are
// tried in order and the first that fails is reported with the value. Issues carry field paths
// only; yaml::Context::place puts them at the file position of their field.

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "pftoken/error.hpp"

namespace pftoken::validation {

/// A constraint on a number: the test and the words that state it ("must be > 0").
struct Constraint {
    std::function<bool(double)> holds;
    std::string text;
};

[[nodiscard]] Constraint positive();                              ///< > 0
[[nodiscard]] Constraint non_negative();                          ///< >= 0
[[nodiscard]] Constraint above(double lo);                        ///< > lo
[[nodiscard]] Constraint at_least(double lo);                     ///< >= lo
[[nodiscard]] Constraint below(double hi);                        ///< < hi
[[nodiscard]] Constraint at_most(double hi);                      ///< <= hi
[[nodiscard]] Constraint in_closed(double lo, double hi);         ///< [lo, hi]
[[nodiscard]] Constraint in_half_open(double lo, double hi);      ///< [lo, hi)
[[nodiscard]] Constraint in_open_closed(double lo, double hi);    ///< (lo, hi]
[[nodiscard]] Constraint magnitude_at_most(double bound);         ///< |x| <= bound
[[nodiscard]] Constraint whole();                                 ///< a whole number

/// The shortest text that reads back as `x` ("0.1", "1e+308", "nan").
[[nodiscard]] std::string number_text(double x);

/// Collects violated constraints as InputIssues (its own list, or a caller's).
class Rules {
  public:
    Rules() : out_(&own_) {}
    explicit Rules(std::vector<InputIssue>& out) : out_(&out) {}
    Rules(const Rules&) = delete;
    Rules& operator=(const Rules&) = delete;

    /// `value` finite and every constraint holding; otherwise one issue
    /// "field: <first failed constraint>, got <value>". Returns whether all held.
    bool require(const std::string& field, double value, std::initializer_list<Constraint> constraints = {});
    /// Same as require(field, value) with no constraints: "must be finite, got inf".
    bool finite(const std::string& field, double value) { return require(field, value); }
    /// A constraint that is not about one number (e.g. "give exactly one of daily, tvl_multiple").
    void fail(const std::string& field, std::string constraint);
    void add(InputIssue issue) { out_->push_back(std::move(issue)); }

    [[nodiscard]] bool ok() const noexcept { return out_->empty(); }
    [[nodiscard]] const std::vector<InputIssue>& issues() const noexcept { return *out_; }
    /// Throws InputError(source, issues) when anything failed.
    void throw_if_failed(const std::string& source) const;

  private:
    std::vector<InputIssue> own_;
    std::vector<InputIssue>* out_;
};

}  // namespace pftoken::validation
