#include "pftoken/base/json.hpp"

#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "pftoken/base/input_file.hpp"
#include "pftoken/error.hpp"

namespace pftoken {
namespace {

struct Position {
    std::size_t line = 1;
    std::size_t column = 1;
};

Position position_at(std::string_view text, std::size_t offset) {
    Position p;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') ++p.line, p.column = 1;
        else ++p.column;
    }
    return p;
}

/// One open container while scanning: an object (its keys so far and the current one) or an
/// array (the current element index).
struct Frame {
    bool object = false;
    std::size_t index = 0;
    std::string key;
    std::map<std::string, std::size_t> keys;  // key -> offset of its first occurrence
};

std::string path_of(const std::vector<Frame>& frames) {
    std::string path;
    // The innermost frame is the object holding the duplicate; its own key is not part of the path.
    for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
        const auto& f = frames[i];
        if (f.object) path += (path.empty() ? "" : ".") + f.key;
        else path += fmt::format("[{}]", f.index);
    }
    return path;
}

/// Scans already-valid JSON for an object key written twice.
void refuse_duplicate_keys(std::string_view text, const std::string& source) {
    std::vector<Frame> frames;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '{' || c == '[') {
            frames.push_back(Frame{c == '{', 0, {}, {}});
        } else if (c == '}' || c == ']') {
            if (!frames.empty()) frames.pop_back();
        } else if (c == ',') {
            if (!frames.empty() && !frames.back().object) ++frames.back().index;
        } else if (c == '"') {
            const std::size_t start = i;
            for (++i; i < text.size() && text[i] != '"'; ++i)
                if (text[i] == '\\') ++i;
            std::size_t next = i + 1;
            while (next < text.size() && (text[next] == ' ' || text[next] == '\t' || text[next] == '\n' || text[next] == '\r'))
                ++next;
            if (next >= text.size() || text[next] != ':' || frames.empty() || !frames.back().object) continue;
            std::string key(text.substr(start + 1, i - start - 1));
            auto& frame = frames.back();
            if (const auto [it, fresh] = frame.keys.emplace(key, start); !fresh) {
                const Position here = position_at(text, start);
                const Position first = position_at(text, it->second);
                const std::string parent = path_of(frames);
                throw InputError(source, {InputIssue{fmt::format("{}:{}:{}", source, here.line, here.column),
                                                     parent.empty() ? key : parent + "." + key,
                                                     fmt::format("duplicate key '{}' (first at line {}, column {})", key,
                                                                 first.line, first.column)}});
            }
            frame.key = std::move(key);
        }
    }
}

}  // namespace

nlohmann::json parse_json(std::string_view text, const std::string& source) {
    nlohmann::json value;
    try {
        value = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        const Position at = position_at(text, e.byte > 0 ? e.byte - 1 : 0);
        throw InputError(source, {InputIssue{fmt::format("{}:{}:{}", source, at.line, at.column), {},
                                             std::string("malformed JSON: ") + e.what()}});
    }
    refuse_duplicate_keys(text, source);
    return value;
}

nlohmann::json load_json(const std::filesystem::path& path) { return parse_json(read_input_file(path), path.string()); }

}  // namespace pftoken
