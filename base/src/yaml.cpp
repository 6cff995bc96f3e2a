#include "pftoken/base/yaml.hpp"

#include "pftoken/base/input_file.hpp"

namespace pftoken::yaml {

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
