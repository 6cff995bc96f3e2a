#pragma once
// pftoken's one exception type and the PFT_REQUIRE / PFT_ENSURE precondition macros.

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace pftoken {

/// Every error pftoken raises. The message names the offending field or quantity and the
/// violated constraint, e.g. "tranches[1].tenor_years: must be > 0, got -3".
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// An input (file, option, argument) that violates a documented constraint.
class InputError : public Error {
  public:
    InputError(std::string field, const std::string& constraint)
        : Error(field + ": " + constraint), field_(std::move(field)) {}
    [[nodiscard]] const std::string& field() const noexcept { return field_; }

  private:
    std::string field_;
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

/// Throws pftoken::Error when `condition` is false after a computation (a postcondition).
#define PFT_ENSURE(condition, message) PFT_REQUIRE(condition, message)
