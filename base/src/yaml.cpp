#include "pftoken/base/yaml.hpp"

#include "pftoken/base/input_file.hpp"

namespace pftoken::yaml {

bool valid_utf8(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) { ++i; continue; }
        std::size_t extra = 0;
        std::uint32_t code = 0;
        if ((lead & 0xE0u) == 0xC0u) extra = 1, code = lead & 0x1Fu;
        else if ((lead & 0xF0u) == 0xE0u) extra = 2, code = lead & 0x0Fu;
        else if ((lead & 0xF8u) == 0xF0u) extra = 3, code = lead & 0x07u;
        else return false;
        if (i + extra >= text.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0u) != 0x80u) return false;
            code = (code << 6) | (next & 0x3Fu);
        }
        static constexpr std::uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
        if (code < kSmallest[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

YAML::Node load(const Context& ctx, std::string_view text, const std::string& path) {
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(std::string(text));
    } catch (const YAML::ParserException& e) {
        throw InputError(ctx.source, {InputIssue{ctx.location(e.mark), path, "YAML syntax error: " + e.msg}});
    }
    // A trailing '---' with nothing after it is an empty document, not a second one.
    while (documents.size() > 1 && documents.back().IsNull()) documents.pop_back();
    if (documents.size() > 1)
        throw InputError(ctx.source, {InputIssue{ctx.location(documents[1].Mark()), path.empty() ? "(document)" : path,
                                                 "a second YAML document (after '---') is not allowed: one file holds "
                                                 "one document"}});
    return documents.empty() ? YAML::Node{} : documents.front();
}

YAML::Node load_file(Context& ctx, const std::filesystem::path& file, const std::string& path) {
    const std::string text = read_input_file(file);
    if (ctx.source.empty()) ctx.source = file.string();
    return load(ctx, text, path);
}

void throw_issues(const std::string& source, std::vector<LocatedIssue> located) {
    std::stable_sort(located.begin(), located.end(), [](const LocatedIssue& a, const LocatedIssue& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    std::vector<InputIssue> issues;
    issues.reserve(located.size());
    for (auto& l : located) issues.push_back(std::move(l.issue));
    throw InputError(source, std::move(issues));
}

void finish(Context& ctx) {
    if (!ctx.issues.empty()) throw_issues(ctx.source, std::move(ctx.issues));
}

}  // namespace pftoken::yaml
