// Table and its CSV, JSON and text writers (pftoken/base/table.hpp).
#include "pftoken/base/table.hpp"
#include "pftoken/base/table_json.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pftoken/base/format.hpp"
#include "pftoken/error.hpp"

namespace pftoken {
namespace {

const char* type_name(ColumnType type) {
    switch (type) {
        case ColumnType::Text: return "text";
        case ColumnType::Integer: return "integer";
        case ColumnType::Real: return "real";
        case ColumnType::Money: return "money";
        case ColumnType::Percent: return "percent";
        case ColumnType::Date: return "date";
        case ColumnType::Flag: return "flag";
        case ColumnType::Mixed: return "mixed";
    }
    return "?";
}

bool numeric(ColumnType type) {
    return type == ColumnType::Real || type == ColumnType::Money || type == ColumnType::Percent;
}

/// Number of characters a UTF-8 text takes on a terminal (code points; continuation bytes skipped).
std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (const char ch : text)
        if ((static_cast<unsigned char>(ch) & 0xC0U) != 0x80U) ++width;
    return width;
}

std::string csv_cell(const Column& column, const Cell& cell) {
    return std::visit(
        [&](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) return {};
            else if constexpr (std::is_same_v<T, std::string>) return csv_field(v);
            else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(v);
            else if constexpr (std::is_same_v<T, double>) return format::number(v, column.digits);
            else if constexpr (std::is_same_v<T, bool>) return v ? "1" : "0";
            else return format::iso_date(v);
        },
        cell);
}

bool right_aligned(const Column& column) {
    if (column.display.align != Align::Auto) return column.display.align == Align::Right;
    return column.type == ColumnType::Integer || numeric(column.type);
}

/// Cuts `text` to `max` characters (the last one "~") when it is longer; max = 0: never.
std::string cut(std::string text, std::size_t max) {
    if (max == 0 || display_width(text) <= max) return text;
    std::string out;
    std::size_t width = 0;
    for (const char ch : text) {
        const bool starts = (static_cast<unsigned char>(ch) & 0xC0U) != 0x80U;
        if (starts && ++width > max - 1) break;
        out += ch;
    }
    return out + "~";
}

}  // namespace

nlohmann::ordered_json json_cell(const Cell& cell) {
    return std::visit(
        [](const auto& v) -> nlohmann::ordered_json {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) return nullptr;
            else if constexpr (std::is_same_v<T, double>) return json_number(v);
            else if constexpr (std::is_same_v<T, std::chrono::year_month_day>) return format::iso_date(v);
            else return v;
        },
        cell);
}

std::string display_text(const Column& column, const Cell& cell) {
    const Display& d = column.display;
    return std::visit(
        [&](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) return {};
            else if constexpr (std::is_same_v<T, std::string>) return cut(v, d.max_width);
            else if constexpr (std::is_same_v<T, std::int64_t>) {
                if (column.type == ColumnType::Integer || column.type == ColumnType::Mixed)
                    return (d.sign && v > 0 ? "+" : "") + std::to_string(v) + d.suffix;
                return display_text(column, Cell{static_cast<double>(v)});
            } else if constexpr (std::is_same_v<T, double>) {
                const double x = v * d.scale;
                if (!std::isfinite(x)) return d.missing;
                const std::string sign = d.sign && !std::signbit(x) ? "+" : "";
                if (column.type == ColumnType::Percent) return sign + format::percent(x, column.decimals) + d.suffix;
                if (d.grouped) return sign + format::grouped(x, std::max(column.decimals, 0)) + d.suffix;
                if (column.decimals < 0) return sign + format::number(x, column.digits) + d.suffix;
                return sign + format::fixed(x, column.decimals) + d.suffix;
            } else if constexpr (std::is_same_v<T, bool>) return v ? "yes" : "no";
            else return format::iso_date(v);
        },
        cell);
}

Table& Table::add_column(Column column) {
    PFT_ENSURE(rows_.empty(), "table " << name_ << ": column " << column.name << " added after the first row");
    PFT_ENSURE(!column.name.empty(), "table " << name_ << ": a column needs a name");
    for (const auto& c : columns_)
        PFT_ENSURE(c.name != column.name, "table " << name_ << ": column " << column.name << " appears twice");
    columns_.push_back(std::move(column));
    return *this;
}

Table& Table::text(std::string name, std::string title) {
    return add_column({std::move(name), ColumnType::Text, {}, 0, 0, std::move(title)});
}
Table& Table::integer(std::string name, std::string unit, std::string title) {
    return add_column({std::move(name), ColumnType::Integer, std::move(unit), 0, 0, std::move(title)});
}
Table& Table::real(std::string name, int digits, int decimals, std::string unit, std::string title) {
    return add_column({std::move(name), ColumnType::Real, std::move(unit), digits, decimals, std::move(title)});
}
Table& Table::money(std::string name, std::string unit, int digits, std::string title) {
    return add_column({std::move(name), ColumnType::Money, std::move(unit), digits, 0, std::move(title)});
}
Table& Table::percent(std::string name, int digits, int decimals, std::string title) {
    return add_column({std::move(name), ColumnType::Percent, {}, digits, decimals, std::move(title)});
}
Table& Table::date(std::string name, std::string title) {
    return add_column({std::move(name), ColumnType::Date, {}, 0, 0, std::move(title)});
}
Table& Table::flag(std::string name, std::string title) {
    return add_column({std::move(name), ColumnType::Flag, {}, 0, 0, std::move(title)});
}
Table& Table::mixed(std::string name, int digits, std::string title) {
    return add_column({std::move(name), ColumnType::Mixed, {}, digits, 4, std::move(title)});
}
Table& Table::display(std::string_view column, Display display) {
    columns_[column_index(column)].display = std::move(display);
    return *this;
}

std::size_t Table::column_index(std::string_view name) const {
    for (std::size_t i = 0; i < columns_.size(); ++i)
        if (columns_[i].name == name) return i;
    throw InternalError(fmt::format("table {}: no column '{}'", name_, name));
}

const Cell& Table::at(std::size_t row, std::string_view column) const {
    PFT_ENSURE(row < rows_.size(), "table " << name_ << ": row " << row << " of " << rows_.size());
    return rows_[row][column_index(column)];
}

void Table::check_cell(std::size_t column, const Cell& cell) const {
    const ColumnType type = columns_[column].type;
    if (type == ColumnType::Mixed) return;
    const bool fits = std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) return true;
            else if constexpr (std::is_same_v<T, std::string>) return type == ColumnType::Text;
            else if constexpr (std::is_same_v<T, std::int64_t>) return type == ColumnType::Integer || numeric(type);
            else if constexpr (std::is_same_v<T, double>) return numeric(type);
            else if constexpr (std::is_same_v<T, bool>) return type == ColumnType::Flag;
            else return type == ColumnType::Date;
        },
        cell);
    PFT_ENSURE(fits, "table " << name_ << ": column " << columns_[column].name << " (" << type_name(type)
                              << ") given a cell of another type");
}

Table::Row Table::add_row() {
    PFT_ENSURE(!columns_.empty(), "table " << name_ << ": rows need columns");
    rows_.emplace_back(columns_.size());
    return Row(*this, rows_.size() - 1);
}

void Table::add_row(std::vector<Cell> cells) {
    PFT_ENSURE(cells.size() == columns_.size(), "table " << name_ << ": a row of " << cells.size()
                                                         << " fields under a header of " << columns_.size());
    for (std::size_t i = 0; i < cells.size(); ++i) check_cell(i, cells[i]);
    rows_.push_back(std::move(cells));
}

std::int64_t Table::Row::checked_integer(unsigned long long value) {
    PFT_ENSURE(value <= static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max()),
               "table cell: integer " << value << " does not fit a signed 64-bit cell");
    return static_cast<std::int64_t>(value);
}

Table::Row& Table::Row::set_cell(std::string_view column, Cell value) {
    const std::size_t i = table_->column_index(column);
    table_->check_cell(i, value);
    table_->rows_[index_][i] = std::move(value);
    return *this;
}

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string quoted = "\"";
    for (const char ch : text) {
        if (ch == '"') quoted += '"';
        quoted += ch;
    }
    return quoted + '"';
}

std::string to_csv(const Table& table) {
    std::string out;
    const auto& columns = table.columns();
    for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_field(columns[i].name);
    out += '\n';
    for (const auto& row : table.rows()) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (i) out += ',';
            out += csv_cell(columns[i], row[i]);
        }
        out += '\n';
    }
    return out;
}

nlohmann::ordered_json json_records(const Table& table) {
    nlohmann::ordered_json records = nlohmann::ordered_json::array();
    const auto& columns = table.columns();
    for (const auto& row : table.rows()) {
        nlohmann::ordered_json record = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < columns.size(); ++i) record[columns[i].name] = json_cell(row[i]);
        records.push_back(std::move(record));
    }
    return records;
}

nlohmann::ordered_json json_columns(const Table& table) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    const auto& columns = table.columns();
    for (std::size_t i = 0; i < columns.size(); ++i) {
        nlohmann::ordered_json values = nlohmann::ordered_json::array();
        for (const auto& row : table.rows()) values.push_back(json_cell(row[i]));
        out[columns[i].name] = std::move(values);
    }
    return out;
}

std::string to_json(const Table& table, int indent) {
    const nlohmann::ordered_json records = json_records(table);
    if (indent < 0) return records.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    return dump_json(records, indent);
}

std::string to_text(const Table& table, const TextOptions& options) {
    const auto& columns = table.columns();
    const std::size_t note = options.note_column.empty() ? columns.size() : table.column_index(options.note_column);
    std::vector<std::vector<std::string>> cells;
    std::vector<bool> note_only;  // a row written as first cell + note
    std::vector<std::string> header;
    std::vector<std::size_t> width(columns.size(), 0);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const auto& c = columns[i];
        header.push_back(i == note ? std::string()
                                   : (c.title.empty() ? c.name : c.title) + (c.unit.empty() ? "" : " (" + c.unit + ")"));
        width[i] = std::max(c.display.width, options.header ? display_width(header.back()) : 0);
    }
    for (const auto& row : table.rows()) {
        auto& line = cells.emplace_back();
        for (std::size_t i = 0; i < columns.size(); ++i) line.push_back(display_text(columns[i], row[i]));
        bool only = note < columns.size() && note > 0 && !line[note].empty();
        for (std::size_t i = 1; i < columns.size() && only; ++i) only = i == note || line[i].empty();
        note_only.push_back(only);
        for (std::size_t i = 0; i < columns.size(); ++i)
            if (!only || i == 0) width[i] = std::max(width[i], display_width(line[i]));
    }
    auto gap = [&](std::size_t i) { return columns[i].display.gap ? *columns[i].display.gap : options.gap; };
    auto emit = [&](std::string& out, const std::vector<std::string>& line, bool only) {
        std::string text = options.indent;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (only && i > 0 && i != note) continue;
            const std::size_t pad = width[i] - std::min(width[i], display_width(line[i]));
            const bool left = !right_aligned(columns[i]);
            if (i) text += gap(i);
            if (!left) text.append(pad, ' ');
            text += line[i];
            if (left && i + 1 < columns.size()) text.append(pad, ' ');
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        out += text + '\n';
    };
    std::string out;
    if (!options.title.empty()) out += options.title + '\n';
    if (options.header) emit(out, header, false);
    for (std::size_t r = 0; r < cells.size(); ++r) emit(out, cells[r], note_only[r]);
    return out;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += ch;
        }
    }
    return out;
}

std::string to_html(const Table& table, const HtmlOptions& options) {
    const auto& columns = table.columns();
    std::vector<std::string> cls;
    for (const auto& c : columns)
        cls.push_back(std::string(type_name(c.type)) + (right_aligned(c) ? " num" : ""));
    std::string out = "<table";
    if (!options.table_class.empty()) out += " class=\"" + html_escape(options.table_class) + "\"";
    out += ">";
    if (!options.caption.empty()) out += "<caption>" + html_escape(options.caption) + "</caption>";
    out += "<thead><tr>";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const auto& c = columns[i];
        out += "<th class=\"" + cls[i] + "\">" + html_escape(c.title.empty() ? c.name : c.title) +
               (c.unit.empty() ? "" : " (" + html_escape(c.unit) + ")") + "</th>";
    }
    out += "</tr></thead><tbody>\n";
    for (const auto& row : table.rows()) {
        out += "<tr>";
        for (std::size_t i = 0; i < columns.size(); ++i)
            out += "<td class=\"" + cls[i] + "\">" + html_escape(display_text(columns[i], row[i])) + "</td>";
        out += "</tr>\n";
    }
    return out + "</tbody></table>\n";
}

std::string html_table_css(std::string_view table_class) {
    const std::string t = "table." + std::string(table_class);
    return t + " th," + t + " td{text-align:left}" + t + " th.num," + t +
           " td.num{text-align:right;font-variant-numeric:tabular-nums}\n";
}

Table side_by_side(std::string name, const std::vector<std::pair<std::string, const Table*>>& parts) {
    Table out(std::move(name));
    std::size_t rows = 0;
    for (std::size_t p = 0; p < parts.size(); ++p) {
        const Table& part = *parts[p].second;
        PFT_ENSURE(p == 0 || part.rows().size() == rows, "table " << out.name() << ": part " << part.name() << " has "
                                                                  << part.rows().size() << " rows, not " << rows);
        rows = part.rows().size();
        for (Column c : part.columns()) {
            c.name = parts[p].first + c.name;
            out.add_column(std::move(c));
        }
    }
    for (std::size_t r = 0; r < rows; ++r) {
        std::vector<Cell> cells;
        cells.reserve(out.columns().size());
        for (const auto& part : parts)
            for (const auto& cell : part.second->rows()[r]) cells.push_back(cell);
        out.add_row(std::move(cells));
    }
    return out;
}

std::string valid_utf8(std::string_view text) {
    // nlohmann's replace handler implements the U+FFFD substitution; strip the quotes it adds.
    const std::string quoted = nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return nlohmann::json::parse(quoted).get<std::string>();
}

}  // namespace pftoken
