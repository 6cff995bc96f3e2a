#pragma once
// pftoken's one exception family (Error, InputError, InternalError) and the PFT_REQUIRE /
// PFT_ENSURE precondition macros. Every layer throws these; the command line maps InputError to
// exit code 2 and anything else to 3 (docs/tools/README.md).

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pftoken {

/// Every error pftoken raises. The message names the offending field or quantity and the
/// violated constraint, e.g. "tranches[1].tenor_years: must be > 0, got -3".
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Where in a file an input was written: file name, 1-based line and column (0 = unknown).
struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;
    /// "file:line:col", "file:line", "file" or "" depending on what is known.
    [[nodiscard]] std::string str() const;
    [[nodiscard]] bool known() const noexcept { return !file.empty(); }
};

/// One violated input constraint: `location` is "file:line:col" (or "file", or empty for
/// values built in code), `path` the field path, `constraint` what was violated and the value.
struct InputIssue {
    std::string location;
    std::string path;
    std::string constraint;
    /// "location: path: constraint" (empty parts omitted).
    [[nodiscard]] std::string to_string() const;
};

/// An input (file, option, argument) that violates a documented constraint. what() is
/// "[file:line:col: ]field: constraint". An input read from a file may carry several issues
/// (every problem of the file at once): what() then lists one issue per line, and a single issue
/// reads exactly like "location: path: constraint". issues() always holds at least one entry.
class InputError : public Error {
  public:
    InputError(std::string field, const std::string& constraint)
        : Error(field + ": " + constraint), field_(std::move(field)), constraint_(constraint),
          issues_{InputIssue{{}, field_, constraint_}} {}
    InputError(SourceLocation where, std::string field, const std::string& constraint)
        : Error(compose(where, field, constraint)), field_(std::move(field)), constraint_(constraint),
          where_(std::move(where)), issues_{InputIssue{where_.str(), field_, constraint_}} {}
    /// Every problem of the input `source` (a file name or "project"); issues must not be empty.
    InputError(const std::string& source, std::vector<InputIssue> issues);
    [[nodiscard]] const std::string& field() const noexcept { return field_; }
    [[nodiscard]] const std::string& constraint() const noexcept { return constraint_; }
    [[nodiscard]] const SourceLocation& where() const noexcept { return where_; }
    [[nodiscard]] const std::vector<InputIssue>& issues() const noexcept { return issues_; }

  private:
    static std::string compose(const SourceLocation& where, const std::string& field, const std::string& constraint);
    std::string field_;
    std::string constraint_;
    SourceLocation where_;
    std::vector<InputIssue> issues_;
};

/// A broken invariant inside pftoken (a bug, not bad input).
class InternalError : public Error {
  public:
    using Error::Error;
};

}  // namespace pftoken

/// Throws pftoken::Error with a streamed message when `condition` is false (a precondition).
#define PFT_REQUIRE(condition, message)                                                            \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::ostringstream pft_require_stream_;                                                \
            pft_require_stream_ << message;                                                        \
            throw ::pftoken::Error(pft_require_stream_.str());                                     \
        }                                                                                          \
    } while (false)

/// Throws pftoken::InternalError when `condition` is false after a computation (a postcondition).
#define PFT_ENSURE(condition, message)                                                             \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::ostringstream pft_ensure_stream_;                                                 \
            pft_ensure_stream_ << message;                                                         \
            throw ::pftoken::InternalError(pft_ensure_stream_.str());                              \
        }                                                                                          \
    } while (false)
