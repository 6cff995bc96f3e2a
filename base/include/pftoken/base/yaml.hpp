#pragma once
// The strict YAML reader every pftoken input file goes through (project, `stochastic:`, stress
// scenarios, pools, range-opt specs): typed getters for known keys, unknown keys reported with a
// did-you-mean suggestion, every problem collected with its field path and file:line:col
// (Context) and thrown once at the end as one pftoken::InputError listing them all.
//
// Numbers: decimal or exponent form with '_' separators; .nan/.inf are read so that the
// validators can report them as "must be finite". integer() accepts only whole numbers within
// the stated range (never more than 2^53 in magnitude, the largest range in which every whole
// number is a double), so an out-of-range value never reaches a cast. Text values must be UTF-8.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "pftoken/error.hpp"

namespace pftoken::yaml {

struct LocatedIssue {
    int line = -1;  // 0-based, -1 = unknown (sorts first)
    int column = -1;
    InputIssue issue;
};

/// Levenshtein distance (insertions, deletions, substitutions).
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

/// The closest candidate when it is plausibly a typo (or a prefix) of `word`; empty otherwise.
inline std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const auto& candidate : candidates) {
        const std::size_t d = edit_distance(word, candidate);
        if (d < best_distance) best_distance = d, best = candidate;
    }
    if (best.empty()) return {};
    if (best_distance <= std::max<std::size_t>(2, word.size() / 3)) return best;
    for (const auto& candidate : candidates)
        if (word.size() >= 3 && (candidate.starts_with(word) || word.starts_with(candidate))) return candidate;
    return {};
}

inline std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    const auto best = suggestion(word, candidates);
    return best.empty() ? std::string{} : " (did you mean '" + best + "'?)";
}

inline std::string list_words(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : ", ") + w;
    return text;
}

inline std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Null: return "null";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    default: return "nothing";
    }
}

inline bool quoted(const YAML::Node& node) { return node.Tag() == "!"; }

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool valid_utf8(std::string_view text) noexcept;

/// False when `text` is a plain decimal integer (digits, optional sign, '_' separators) whose
/// magnitude exceeds `limit` (a double would round it); true otherwise.
inline bool exact_whole_number(std::string_view text, double limit) {
    std::string digits;
    for (char ch : text)
        if (ch != '_') digits.push_back(ch);
    std::size_t start = !digits.empty() && (digits[0] == '-' || digits[0] == '+') ? 1 : 0;
    if (start == digits.size()) return true;
    for (std::size_t i = start; i < digits.size(); ++i)
        if (digits[i] < '0' || digits[i] > '9') return true;  // not a plain integer: the double is exact enough
    while (start + 1 < digits.size() && digits[start] == '0') ++start;
    if (digits.size() - start > 16) return false;  // more than 16 digits is beyond 2^53 ~ 9.007e15
    std::int64_t magnitude = 0;
    std::from_chars(digits.data() + start, digits.data() + digits.size(), magnitude);
    return static_cast<double>(magnitude) <= limit && magnitude <= static_cast<std::int64_t>(limit);
}

/// Parses a YAML plain scalar as a number: decimal or exponent form, '_' digit separators,
/// .nan/.inf (accepted here so check_project reports them as "must be finite").
inline std::optional<double> to_double(const std::string& text) {
    std::string s;
    s.reserve(text.size());
    for (char ch : text)
        if (ch != '_') s.push_back(ch);
    if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::numeric_limits<double>::quiet_NaN();
    if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf") return std::numeric_limits<double>::infinity();
    if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -std::numeric_limits<double>::infinity();
    if (s.empty()) return std::nullopt;
    const char* first = s.data();
    if (*first == '+') ++first;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(first, s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return value;
}

/// Shared state of one load: issues, the file position of every field path, and the paths
/// already reported in phase 1 (phase 2 stays silent on them to avoid follow-on noise).
struct Context {
    std::string source;
    std::filesystem::path base_dir;
    std::vector<LocatedIssue> issues;
    std::map<std::string, YAML::Mark> marks;
    std::set<std::string> reported;

    void error(const YAML::Mark& mark, const std::string& path, std::string constraint) {
        LocatedIssue located;
        located.line = mark.line;
        located.column = mark.column;
        located.issue = InputIssue{location(mark), path, std::move(constraint)};
        issues.push_back(std::move(located));
        reported.insert(path);
    }
    [[nodiscard]] std::string location(const YAML::Mark& mark) const {
        if (mark.line < 0) return source;
        return fmt::format("{}:{}:{}", source, mark.line + 1, mark.column + 1);
    }
    /// The mark of `path` or of its nearest recorded parent.
    [[nodiscard]] YAML::Mark mark_of(std::string path) const {
        while (true) {
            if (auto it = marks.find(path); it != marks.end()) return it->second;
            const auto cut = path.find_last_of(".[");
            if (cut == std::string::npos || cut == 0) return YAML::Mark::null_mark();
            path.resize(cut);
        }
    }
    /// Places issues found after reading (validators, which know field paths only) at the file
    /// position of their field, skipping fields already reported while reading.
    void place(std::vector<InputIssue> found) {
        for (auto& issue : found) {
            if (already_reported(issue.path)) continue;
            const auto mark = mark_of(issue.path);
            if (issue.location.empty()) issue.location = location(mark);
            issues.push_back(LocatedIssue{mark.line, mark.column, std::move(issue)});
        }
    }
    /// Same for one InputError thrown by a validate() that stops at the first problem.
    void place(const InputError& error) { place(error.issues()); }
    [[nodiscard]] bool already_reported(const std::string& path) const {
        for (const auto& r : reported) {
            if (path == r) return true;
            if (path.size() > r.size() && path.starts_with(r) && (path[r.size()] == '.' || path[r.size()] == '['))
                return true;
            // A parent-level constraint (e.g. "schedule: must sum") after an element error.
            if (r.size() > path.size() && r.starts_with(path) && (r[path.size()] == '.' || r[path.size()] == '['))
                return true;
        }
        return false;
    }
};

inline std::string child_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}

/// Reads one YAML mapping: typed getters for known keys; finish() reports unknown keys.
class Reader {
  public:
    Reader(Context& ctx, const YAML::Node& node, std::string path) : ctx_(ctx), node_(node), path_(std::move(path)) {
        ok_ = node.IsMap();
        if (!ok_) {
            ctx_.error(node.Mark(), path_.empty() ? "(document)" : path_, "must be a mapping of keys, got " + describe(node));
            return;
        }
        for (auto it = node.begin(); it != node.end(); ++it) {
            const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
            if (entries_.count(key)) {
                ctx_.error(it->first.Mark(), child_path(path_, key), "duplicate key");
                continue;
            }
            entries_.emplace(key, Entry{it->first, it->second});
            order_.push_back(key);
            const auto mark = it->second.Mark().line >= 0 ? it->second.Mark() : it->first.Mark();
            ctx_.marks[child_path(path_, key)] = mark;
        }
    }

    [[nodiscard]] bool ok() const { return ok_; }
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] bool has(const std::string& key) {
        known_.push_back(key);
        auto it = entries_.find(key);
        return it != entries_.end();
    }
    /// Present, declared-known child (nullptr when absent). A key whose value is null counts as
    /// present only when `null_is_absent` is false.
    const YAML::Node* child(const std::string& key, bool required = false) {
        known_.push_back(key);
        auto it = entries_.find(key);
        if (it == entries_.end()) {
            if (required && ok_) ctx_.error(node_.Mark(), child_path(path_, key), "is required");
            return nullptr;
        }
        return &it->second.value;
    }
    YAML::Mark key_mark(const std::string& key) const {
        auto it = entries_.find(key);
        return it == entries_.end() ? node_.Mark() : it->second.key.Mark();
    }

    void number(const std::string& key, double& out, bool required = false) {
        if (const auto* n = child(key, required)) read_number(*n, child_path(path_, key), out);
    }
    void optional_number(const std::string& key, std::optional<double>& out) {
        const auto* n = child(key);
        if (!n || n->IsNull()) return;
        double value = 0.0;
        if (read_number(*n, child_path(path_, key), value)) out = value;
    }
    /// A whole number in [lo, hi] (defaults: the range of T, capped at +-2^53).
    template <class Int>
    void integer(const std::string& key, Int& out, bool required = false,
                 std::optional<double> lo = std::nullopt, std::optional<double> hi = std::nullopt) {
        if (const auto* n = child(key, required)) read_integer(*n, child_path(path_, key), out, lo, hi);
    }
    template <class Int>
    bool read_integer(const YAML::Node& n, const std::string& path, Int& out, std::optional<double> lo = std::nullopt,
                      std::optional<double> hi = std::nullopt) {
        constexpr double kWhole = 9007199254740992.0;  // 2^53
        const double lowest = std::max(-kWhole, static_cast<double>(std::numeric_limits<Int>::lowest()));
        const double highest = std::min(kWhole, static_cast<double>(std::numeric_limits<Int>::max()));
        const double min = lo ? std::max(*lo, lowest) : lowest;
        const double max = hi ? std::min(*hi, highest) : highest;
        double value = 0.0;
        if (!read_number(n, path, value, "a whole number")) return false;
        if (!std::isfinite(value) || value != std::floor(value)) {
            ctx_.error(n.Mark(), path, "must be a whole number, got " + describe(n));
            return false;
        }
        // A decimal literal beyond 2^53 may round to a double inside the range: check its digits.
        if (!exact_whole_number(n.Scalar(), kWhole)) value = std::copysign(kWhole * 2.0, value);
        if (value < min || value > max) {
            ctx_.error(n.Mark(), path, fmt::format("must be a whole number in [{}, {}], got {}", min, max, n.Scalar()));
            return false;
        }
        out = static_cast<Int>(value);
        return true;
    }
    void boolean(const std::string& key, bool& out) {
        const auto* n = child(key);
        if (!n) return;
        const auto path = child_path(path_, key);
        if (n->IsScalar() && !quoted(*n)) {
            std::string s = n->Scalar();
            std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
            if (s == "true") { out = true; return; }
            if (s == "false") { out = false; return; }
        }
        ctx_.error(n->Mark(), path, "must be true or false, got " + describe(*n));
    }
    void string(const std::string& key, std::string& out, bool required = false) {
        if (const auto* n = child(key, required)) read_string(*n, child_path(path_, key), out);
    }
    /// A text value (scalar, valid UTF-8).
    bool read_string(const YAML::Node& n, const std::string& path, std::string& out) {
        if (!n.IsScalar()) {
            ctx_.error(n.Mark(), path, "must be a text value, got " + describe(n));
            return false;
        }
        if (!valid_utf8(n.Scalar())) {
            ctx_.error(n.Mark(), path, "must be UTF-8 text (the file holds bytes that are not UTF-8)");
            return false;
        }
        out = n.Scalar();
        return true;
    }
    template <class Enum>
    void enumeration(const std::string& key, Enum& out, const std::vector<std::pair<std::string, Enum>>& words,
                     bool required = false) {
        const auto* n = child(key, required);
        if (!n) return;
        read_enum(*n, child_path(path_, key), out, words);
    }
    template <class Enum>
    bool read_enum(const YAML::Node& n, const std::string& path, Enum& out,
                   const std::vector<std::pair<std::string, Enum>>& words) {
        std::vector<std::string> allowed;
        for (const auto& [word, value] : words) allowed.push_back(word);
        if (n.IsScalar()) {
            for (const auto& [word, value] : words)
                if (n.Scalar() == word) { out = value; return true; }
            ctx_.error(n.Mark(), path,
                       "must be one of " + list_words(allowed) + "; got '" + n.Scalar() + "'" + did_you_mean(n.Scalar(), allowed));
            return false;
        }
        ctx_.error(n.Mark(), path, "must be one of " + list_words(allowed) + "; got " + describe(n));
        return false;
    }
    void numbers(const std::string& key, std::vector<double>& out) {
        if (const auto* n = child(key)) read_numbers(*n, child_path(path_, key), out);
    }
    /// A list of numbers at `path` (any node, e.g. a row of a list of lists).
    void read_numbers(const YAML::Node& n, const std::string& path, std::vector<double>& out) {
        if (!n.IsSequence()) {
            ctx_.error(n.Mark(), path, "must be a list of numbers, got " + describe(n));
            return;
        }
        out.clear();
        for (std::size_t i = 0; i < n.size(); ++i) {
            const auto element = n[i];
            const auto element_path = fmt::format("{}[{}]", path, i);
            ctx_.marks[element_path] = element.Mark();
            double value = 0.0;
            read_number(element, element_path, value);
            out.push_back(value);
        }
    }
    void strings(const std::string& key, std::vector<std::string>& out) {
        const auto* n = child(key);
        if (!n) return;
        const auto path = child_path(path_, key);
        if (!n->IsSequence()) {
            ctx_.error(n->Mark(), path, "must be a list of names, got " + describe(*n));
            return;
        }
        out.clear();
        for (std::size_t i = 0; i < n->size(); ++i) {
            const auto element = (*n)[i];
            const auto element_path = fmt::format("{}[{}]", path, i);
            ctx_.marks[element_path] = element.Mark();
            std::string name;
            if (read_string(element, element_path, name)) out.push_back(std::move(name));
        }
    }

    bool read_number(const YAML::Node& n, const std::string& path, double& out, const char* what = "a number") {
        if (n.IsScalar() && !quoted(n)) {
            if (auto value = to_double(n.Scalar())) {
                out = *value;
                return true;
            }
        }
        ctx_.error(n.Mark(), path,
                   std::string("must be ") + what + ", got " + (n.IsScalar() && quoted(n) ? "text " : "") + describe(n));
        return false;
    }

    /// Reports keys that no getter asked for, with a suggestion among the known ones.
    void finish() { finish_allowing_prefix({}); }
    void finish_allowing_prefix(const std::string& ignored_prefix) {
        if (!ok_) return;
        for (const auto& key : order_) {
            if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
            if (!ignored_prefix.empty() && key.starts_with(ignored_prefix)) continue;
            ctx_.error(entries_.at(key).key.Mark(), child_path(path_, key), "unknown key" + did_you_mean(key, known_));
        }
    }

  private:
    struct Entry {
        YAML::Node key;
        YAML::Node value;
    };
    Context& ctx_;
    YAML::Node node_;
    std::string path_;
    bool ok_ = false;
    std::map<std::string, Entry> entries_;
    std::vector<std::string> order_;
    std::vector<std::string> known_;
};

/// Calls `each(node, path)` for every element of a list value at `key`.
template <class Each>
void for_each_element(Context& ctx, Reader& parent, const std::string& key, bool required, Each each) {
    const auto* n = parent.child(key, required);
    if (!n) return;
    const auto path = child_path(parent.path(), key);
    if (!n->IsSequence()) {
        ctx.error(n->Mark(), path, "must be a list, got " + describe(*n));
        return;
    }
    for (std::size_t i = 0; i < n->size(); ++i) {
        const auto element_path = fmt::format("{}[{}]", path, i);
        ctx.marks[element_path] = (*n)[i].Mark();
        each((*n)[i], element_path, i);
    }
}


/// Parses YAML text holding one document; a syntax error or a second document ("---") is an
/// InputError at its position, under field `path`.
[[nodiscard]] YAML::Node load(const Context& ctx, std::string_view text, const std::string& path);

/// Reads the file (read_input_file: size and type limits) and parses it like load().
[[nodiscard]] YAML::Node load_file(Context& ctx, const std::filesystem::path& file, const std::string& path);

/// The one way an input type's `parse_*` / `load_*` pair reads its document: a fresh Context for
/// `source` (relative file references resolve against `base_dir`), the text parsed by load()
/// under field `path`, and `read(ctx, root)`'s result returned.
template <class Read>
auto read_document(std::string_view text, const std::string& source, Read&& read, const std::string& path = "",
                   const std::filesystem::path& base_dir = {}) {
    Context ctx;
    ctx.source = source;
    ctx.base_dir = base_dir;
    return read(ctx, load(ctx, text, path));
}

/// read_document() of a file (load_file: size and type limits); relative file references resolve
/// against the file's folder.
template <class Read>
auto read_document_file(const std::filesystem::path& file, Read&& read, const std::string& path = "") {
    Context ctx;
    ctx.source = file.string();
    ctx.base_dir = file.parent_path();
    return read(ctx, load_file(ctx, file, path));
}

/// Throws every collected issue at once, in file order, as one InputError.
[[noreturn]] void throw_issues(const std::string& source, std::vector<LocatedIssue> located);

/// Throws ctx's issues (if any) as one InputError.
void finish(Context& ctx);

}  // namespace pftoken::yaml
