// The zero-curve pillar CSV parser (see pillar_csv.hpp).
#include "pftoken/model/pillar_csv.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace pftoken {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

std::optional<double> finite_number(const std::string& text) {
    if (text.empty()) return std::nullopt;
    std::size_t used = 0;
    double value = 0.0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (used != text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::vector<std::string> split_cells(const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream stream(line);
    std::string cell;
    while (std::getline(stream, cell, ',')) cells.push_back(trim(cell));
    return cells;
}

/// Calls on_line(line_number, cells, trimmed line) for every non-blank line of `in` (1-based
/// line numbers, cells split at commas and trimmed); stops when on_line returns false.
template <class OnLine>
void for_each_csv_line(std::istream& in, OnLine&& on_line) {
    std::string line;
    int line_number = 0;
    while (std::getline(in, line)) {
        ++line_number;
        const std::string trimmed = trim(line);
        if (trimmed.empty()) continue;
        if (!on_line(line_number, split_cells(line), trimmed)) return;
    }
}

}  // namespace

ColumnCsv parse_column_csv(std::istream& in, const std::vector<std::string>& allowed) {
    ColumnCsv out;
    bool header_seen = false;
    std::size_t rows = 0;
    for_each_csv_line(in, [&](int line_number, const std::vector<std::string>& cells, const std::string&) {
        auto issue = [&](std::string message) { out.issues.push_back({line_number, std::move(message)}); };
        if (!header_seen) {
            header_seen = true;
            for (const std::string& name : cells) {
                if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
                    issue(fmt::format("column '{}': unknown; columns are: {}", name, fmt::join(allowed, ", ")));
                else if (std::find(out.names.begin(), out.names.end(), name) != out.names.end())
                    issue(fmt::format("column '{}': given twice", name));
                out.names.push_back(name);
            }
            if (!out.issues.empty()) return false;
            out.columns.assign(out.names.size(), {});
            return true;
        }
        if (cells.size() != out.names.size()) {
            issue(fmt::format("expected {} columns ({}), got {}", out.names.size(), fmt::join(out.names, ","), cells.size()));
            return true;
        }
        ++rows;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const auto value = finite_number(cells[c]);
            if (!value) issue(fmt::format("column {}: not a finite number, got '{}'", out.names[c], cells[c]));
            out.columns[c].push_back(value.value_or(0.0));
        }
        return true;
    });
    if (!header_seen)
        out.issues.push_back({0, fmt::format("empty file, expected a header of column names ({})", fmt::join(allowed, ", "))});
    else if (out.issues.empty() && rows == 0)
        out.issues.push_back({0, "no rows after the header"});
    return out;
}

PillarCsv parse_pillar_csv(std::istream& in) {
    PillarCsv out;
    bool header_seen = false;
    for_each_csv_line(in, [&](int line_number, const std::vector<std::string>& cells, const std::string& trimmed) {
        auto issue = [&](std::string message) { out.issues.push_back({line_number, std::move(message)}); };
        if (!header_seen) {
            header_seen = true;
            if (cells.size() == 2 && cells[0] == "years" && cells[1] == "zero_rate") return true;
            issue(fmt::format("header must be 'years,zero_rate', got '{}'", trimmed));
            return false;
        }
        if (cells.size() != 2) {
            issue(fmt::format("expected 2 columns (years,zero_rate), got {}", cells.size()));
            return true;
        }
        const auto years = finite_number(cells[0]);
        const auto rate = finite_number(cells[1]);
        if (!years) issue(fmt::format("column years: not a finite number, got '{}'", cells[0]));
        if (!rate) issue(fmt::format("column zero_rate: not a finite number, got '{}'", cells[1]));
        if (!years || !rate) return true;
        if (!(*years > 0.0)) {
            issue(fmt::format("column years: must be > 0, got {}", *years));
            return true;
        }
        if (!out.pillars.empty() && !(*years > out.pillars.back().first)) {
            issue(fmt::format("column years: must increase, got {} after {}", *years, out.pillars.back().first));
            return true;
        }
        if (!(*rate > -1.0 && *rate < 1.0)) {
            issue(fmt::format("column zero_rate: must be in (-100%, 100%), got {}", *rate));
            return true;
        }
        out.pillars.emplace_back(*years, *rate);
        return true;
    });
    if (!header_seen)
        out.issues.push_back({0, "empty file, expected header 'years,zero_rate'"});
    else if (out.issues.empty() && out.pillars.empty())
        out.issues.push_back({0, "no pillars after the header"});
    return out;
}

}  // namespace pftoken
