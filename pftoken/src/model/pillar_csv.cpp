// The zero-curve pillar CSV parser (see pillar_csv.hpp).
#include "pftoken/model/pillar_csv.hpp"

#include <cmath>
#include <optional>
#include <sstream>

#include <fmt/format.h>

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

}  // namespace

PillarCsv parse_pillar_csv(std::istream& in) {
    PillarCsv out;
    std::string line;
    int line_number = 0;
    bool header_seen = false;
    while (std::getline(in, line)) {
        ++line_number;
        if (trim(line).empty()) continue;
        std::vector<std::string> cells;
        std::stringstream stream(line);
        std::string cell;
        while (std::getline(stream, cell, ',')) cells.push_back(trim(cell));
        auto issue = [&](std::string message) { out.issues.push_back({line_number, std::move(message)}); };
        if (!header_seen) {
            header_seen = true;
            if (cells.size() == 2 && cells[0] == "years" && cells[1] == "zero_rate") continue;
            issue(fmt::format("header must be 'years,zero_rate', got '{}'", trim(line)));
            return out;
        }
        if (cells.size() != 2) {
            issue(fmt::format("expected 2 columns (years,zero_rate), got {}", cells.size()));
            continue;
        }
        const auto years = finite_number(cells[0]);
        const auto rate = finite_number(cells[1]);
        if (!years) issue(fmt::format("column years: not a finite number, got '{}'", cells[0]));
        if (!rate) issue(fmt::format("column zero_rate: not a finite number, got '{}'", cells[1]));
        if (!years || !rate) continue;
        if (!(*years > 0.0)) {
            issue(fmt::format("column years: must be > 0, got {}", *years));
            continue;
        }
        if (!out.pillars.empty() && !(*years > out.pillars.back().first)) {
            issue(fmt::format("column years: must increase, got {} after {}", *years, out.pillars.back().first));
            continue;
        }
        if (!(*rate > -1.0 && *rate < 1.0)) {
            issue(fmt::format("column zero_rate: must be in (-100%, 100%), got {}", *rate));
            continue;
        }
        out.pillars.emplace_back(*years, *rate);
    }
    if (!header_seen)
        out.issues.push_back({0, "empty file, expected header 'years,zero_rate'"});
    else if (out.issues.empty() && out.pillars.empty())
        out.issues.push_back({0, "no pillars after the header"});
    return out;
}

}  // namespace pftoken
