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

std::string InputIssue::to_string() const {
    std::string text;
    if (!location.empty()) text = location + ": ";
    if (!path.empty()) text += path + ": ";
    return text + constraint;
}

namespace {

// A single issue reads as its own line; several as "N input errors:" and one issue per line.
std::string issues_message(const std::string& source, const std::vector<InputIssue>& issues) {
    if (issues.empty()) return source + ": invalid input";
    if (issues.size() == 1) return issues.front().to_string();
    // Each issue names its own file position; the heading only counts them.
    std::string text = fmt::format("{} input errors:", issues.size());
    for (const auto& issue : issues) text += "\n  " + issue.to_string();
    return text;
}

}  // namespace

InputError::InputError(const std::string& source, std::vector<InputIssue> issues)
    : Error(issues_message(source, issues)), issues_(std::move(issues)) {
    if (issues_.empty()) issues_.push_back(InputIssue{source, {}, "invalid input"});
    if (issues_.size() == 1) {
        const auto& only = issues_.front();
        field_ = only.path.empty() ? (only.location.empty() ? source : only.location) : only.path;
        constraint_ = only.constraint;
        where_.file = only.location;  // already "file:line:col"
    } else {
        field_ = source;
        constraint_ = issues_message({}, issues_);
        where_.file = source;
    }
}

}  // namespace pftoken
