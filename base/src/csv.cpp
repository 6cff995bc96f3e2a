#include "pftoken/base/csv.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "pftoken/base/input_file.hpp"
#include "pftoken/base/yaml.hpp"

namespace pftoken::csv {
namespace {

/// Splits one line (without its line end) into located fields.
std::vector<Cell> split_line(std::string_view line, int line_number, const std::string& source) {
    std::vector<Cell> cells;
    std::size_t i = 0;
    while (true) {
        Cell cell;
        cell.line = line_number;
        cell.column = static_cast<int>(i) + 1;
        if (i < line.size() && line[i] == '"') {
            ++i;
            bool closed = false;
            while (i < line.size()) {
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        cell.text.push_back('"');
                        i += 2;
                        continue;
                    }
                    closed = true;
                    ++i;
                    break;
                }
                cell.text.push_back(line[i++]);
            }
            if (!closed)
                throw InputError(SourceLocation{source, line_number, cell.column}, "csv",
                                 "unterminated quoted field (quoted fields may not span lines)");
            if (i < line.size() && line[i] != ',')
                throw InputError(SourceLocation{source, line_number, static_cast<int>(i) + 1},
                                 "csv", "a quoted field must be followed by ',' or the line end");
        } else {
            while (i < line.size() && line[i] != ',') {
                if (line[i] == '"')
                    throw InputError(SourceLocation{source, line_number, static_cast<int>(i) + 1},
                                     "csv", "a quote may only open a field");
                cell.text.push_back(line[i++]);
            }
        }
        cells.push_back(std::move(cell));
        if (i >= line.size()) break;
        ++i;  // the comma
    }
    return cells;
}

}  // namespace

File File::parse(std::string_view text, std::string source) {
    File file;
    file.source_ = std::move(source);
    int line_number = 0;
    std::size_t start = 0;
    bool blank_seen = false;
    int blank_line = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        const std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        ++line_number;
        start = next;
        if (line.empty()) {
            if (!blank_seen) blank_line = line_number;
            blank_seen = true;
            continue;
        }
        if (blank_seen)
            throw InputError(SourceLocation{file.source_, blank_line, 1}, "csv",
                             "empty line before the end of the file");
        auto cells = split_line(line, line_number, file.source_);
        if (file.header_.empty()) {
            for (const auto& c : cells)
                if (c.text.empty())
                    throw InputError(SourceLocation{file.source_, c.line, c.column}, "header",
                                     "empty column name");
            file.header_ = std::move(cells);
            continue;
        }
        if (cells.size() != file.header_.size())
            throw InputError(
                SourceLocation{file.source_, line_number, 1}, "row",
                fmt::format("has {} fields, the header has {}", cells.size(), file.header_.size()));
        file.rows_.push_back(std::move(cells));
    }
    if (file.header_.empty())
        throw InputError(SourceLocation{file.source_, 0, 0}, "header",
                         "the file is empty (no header line)");
    return file;
}

File File::read(const std::filesystem::path& path) {
    return parse(read_input_file(path), path.string());
}

void File::require_header(const std::vector<std::string>& expected) const {
    for (std::size_t c = 0; c < header_.size(); ++c) {
        const auto& name = header_[c].text;
        if (c < expected.size() && name == expected[c]) continue;
        const std::string want = c < expected.size() ? "'" + expected[c] + "'" : "no more columns";
        throw InputError(where(header_[c]), "header",
                         fmt::format("column {} must be {}, got '{}'{}", c + 1, want, name,
                                     yaml::did_you_mean(name, expected)));
    }
    if (header_.size() < expected.size())
        throw InputError(SourceLocation{source_, header_.back().line, 0}, "header",
                         fmt::format("missing column '{}' (expected columns: {})",
                                     expected[header_.size()], yaml::list_words(expected)));
}

std::size_t File::column(std::string_view name) const {
    for (std::size_t c = 0; c < header_.size(); ++c)
        if (header_[c].text == name) return c;
    throw InputError(SourceLocation{source_, header_.empty() ? 0 : header_.front().line, 0},
                     "header", fmt::format("missing column '{}'", name));
}

InputError File::error(std::size_t r, std::size_t column, const std::string& constraint) const {
    return InputError(where(cell(r, column)), header_.at(column).text, constraint);
}

double File::real(std::size_t r, std::size_t column) const {
    const auto& text = cell(r, column).text;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        throw error(r, column, "must be a number, got '" + text + "'");
    if (!std::isfinite(value)) throw error(r, column, "must be finite, got '" + text + "'");
    return value;
}

double File::real_in(std::size_t r, std::size_t column, double lo, double hi) const {
    const double value = real(r, column);
    if (value < lo || value > hi)
        throw error(r, column,
                    fmt::format("must be in [{}, {}], got {}", lo, hi, cell(r, column).text));
    return value;
}

}  // namespace pftoken::csv
