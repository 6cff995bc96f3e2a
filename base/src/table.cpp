// Table and its CSV, JSON and text writers (pftoken/base/table.hpp).
#include "pftoken/base/table.hpp"

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

std::string text_cell(const Column& column, const Cell& cell) {
    return std::visit(
        [&](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) return {};
            else if constexpr (std::is_same_v<T, std::string>) return v;
            else if constexpr (std::is_same_v<T, std::int64_t>) {
                if (column.type == ColumnType::Integer) return std::to_string(v);
                return text_cell(column, Cell{static_cast<double>(v)});
            } else if constexpr (std::is_same_v<T, double>) {
                if (column.type == ColumnType::Percent) return format::percent(v, column.decimals, "–");
                return format::fixed(v, column.decimals, "–");
            } else if constexpr (std::is_same_v<T, bool>) return v ? "yes" : "no";
            else return format::iso_date(v);
        },
        cell);
}

nlohmann::ordered_json json_cell(const Cell& cell) {
    return std::visit(
        [](const auto& v) -> nlohmann::ordered_json {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) return nullptr;
            else if constexpr (std::is_same_v<T, double>) {
                if (!std::isfinite(v)) return nullptr;
                return v;
            } else if constexpr (std::is_same_v<T, std::chrono::year_month_day>) return format::iso_date(v);
            else return v;
        },
        cell);
}

}  // namespace

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

std::string to_json(const Table& table, int indent) {
    nlohmann::ordered_json records = nlohmann::ordered_json::array();
    const auto& columns = table.columns();
    for (const auto& row : table.rows()) {
        nlohmann::ordered_json record = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < columns.size(); ++i) record[columns[i].name] = json_cell(row[i]);
        records.push_back(std::move(record));
    }
    if (indent < 0) return records.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    return dump_json(records, indent);
}

std::string to_text(const Table& table) {
    const auto& columns = table.columns();
    std::vector<std::vector<std::string>> cells;
    std::vector<std::string> header;
    std::vector<std::size_t> width(columns.size(), 0);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const auto& c = columns[i];
        header.push_back((c.title.empty() ? c.name : c.title) + (c.unit.empty() ? "" : " (" + c.unit + ")"));
        width[i] = display_width(header.back());
    }
    for (const auto& row : table.rows()) {
        auto& line = cells.emplace_back();
        for (std::size_t i = 0; i < columns.size(); ++i) {
            line.push_back(text_cell(columns[i], row[i]));
            width[i] = std::max(width[i], display_width(line.back()));
        }
    }
    auto emit = [&](std::string& out, const std::vector<std::string>& line) {
        std::string text;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const std::size_t pad = width[i] - display_width(line[i]);
            const bool left = columns[i].type == ColumnType::Text;
            if (i) text += ' ';
            if (!left) text.append(pad, ' ');
            text += line[i];
            if (left && i + 1 < columns.size()) text.append(pad, ' ');
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        out += text + '\n';
    };
    std::string out;
    emit(out, header);
    for (const auto& line : cells) emit(out, line);
    return out;
}

std::string valid_utf8(std::string_view text) {
    // nlohmann's replace handler implements the U+FFFD substitution; strip the quotes it adds.
    const std::string quoted = nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return nlohmann::json::parse(quoted).get<std::string>();
}

}  // namespace pftoken
