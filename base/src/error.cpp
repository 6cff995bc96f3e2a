#include "pftoken/error.hpp"

#include <fmt/format.h>

namespace pftoken {

std::string SourceLocation::str() const {
    if (file.empty()) return {};
    if (line <= 0) return file;
    if (column <= 0) return fmt::format("{}:{}", file, line);
    return fmt::format("{}:{}:{}", file, line, column);
}

std::string InputError::compose(const SourceLocation& where, const std::string& field, const std::string& constraint) {
    const std::string at = where.str();
    return (at.empty() ? std::string{} : at + ": ") + field + ": " + constraint;
}

}  // namespace pftoken
