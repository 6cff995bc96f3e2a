#pragma once
// Results as tables: the one report layer. An engine's results become a Table (typed, named
// columns with units); the writers render it as CSV (RFC 4180 quoting), JSON (an array of
// records, valid UTF-8) or aligned text. A row can never have more or fewer fields than the
// header: cells are set by column name or given as exactly one value per column.

#include <chrono>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace pftoken {

/// What a column holds; decides how each writer renders its cells.
enum class ColumnType {
    Text,     ///< free text: CSV quoted when needed, JSON string, text left-aligned
    Integer,  ///< whole number
    Real,     ///< a double: CSV/JSON with `digits` significant digits, text with `decimals`
    Money,    ///< a double amount of money: like Real, text with `decimals` (default 0)
    Percent,  ///< a fraction (0.05 = 5%): CSV/JSON the fraction, text "5.00%"
    Date,     ///< a calendar date: ISO YYYY-MM-DD everywhere
    Flag,     ///< a yes/no: CSV 1/0, JSON true/false, text yes/no
    Mixed,    ///< any cell, each rendered by its own kind (a metric/value listing of a document)
};

/// Horizontal alignment in the text and HTML writers; Auto: text, date and flag left, numbers right.
enum class Align { Auto, Left, Right };

/// How the text and HTML writers show a column's cells (CSV and JSON ignore it).
struct Display {
    Align align = Align::Auto;
    std::size_t width = 0;       ///< text writer: minimum width of the column (characters)
    double scale = 1.0;          ///< numbers are multiplied by this first (1e-6: millions, 1e4: bp)
    std::string suffix{};        ///< appended to every number ("x", "m", "bp")
    bool sign = false;           ///< '+' before positive numbers
    std::string missing = "–";   ///< a non-finite number (an unset cell is always blank)
    std::size_t max_width = 0;   ///< text writer: longer text is cut to max_width - 1 characters + "~"
    std::optional<std::string> gap{};  ///< text writer: put before this column instead of TextOptions::gap
    bool grouped = false;        ///< numbers with thousands separators, "84,000,000" (format::grouped)
};

/// One column: its name (CSV header, JSON key; snake_case), type, unit and precisions.
struct Column {
    std::string name;
    ColumnType type = ColumnType::Real;
    std::string unit;   ///< "USD", "bp", "years", ... shown in the text header; "" = none
    int digits = 10;    ///< CSV and JSON text of numbers: significant digits (0 = shortest round trip)
    int decimals = 4;   ///< text writer: digits after the point (Real, Money, Percent); < 0: `digits` significant
    std::string title;  ///< text writer header; "" = name
    Display display{};  ///< text and HTML writers
};

/// One value: empty (NaN-like: empty CSV cell, JSON null), text, integer, real, flag or date.
using Cell = std::variant<std::monostate, std::string, std::int64_t, double, bool, std::chrono::year_month_day>;

/// A named table of typed columns and rows of cells.
class Table {
  public:
    Table() = default;
    explicit Table(std::string name) : name_(std::move(name)) {}

    // ---- columns (all added before the first row)
    Table& add_column(Column column);
    Table& text(std::string name, std::string title = {});
    Table& integer(std::string name, std::string unit = {}, std::string title = {});
    Table& real(std::string name, int digits = 10, int decimals = 4, std::string unit = {}, std::string title = {});
    Table& money(std::string name, std::string unit = {}, int digits = 10, std::string title = {});
    Table& percent(std::string name, int digits = 10, int decimals = 2, std::string title = {});
    Table& date(std::string name, std::string title = {});
    Table& flag(std::string name, std::string title = {});
    Table& mixed(std::string name, int digits = 10, std::string title = {});
    /// Sets how the text and HTML writers show `column` (throws InternalError if absent).
    Table& display(std::string_view column, Display display);

    /// A row under construction: cells are set by column name; unset cells stay empty.
    class Row {
      public:
        /// Sets one cell: integers, floating point, bool, text, a date or a Cell. Throws
        /// InternalError for an unknown column or a value that does not fit the column's type.
        template <class T>
        Row& set(std::string_view column, const T& value) {
            return set_cell(column, to_cell(value));
        }

      private:
        friend class Table;
        Row(Table& table, std::size_t index) : table_(&table), index_(index) {}
        Row& set_cell(std::string_view column, Cell value);
        template <class T>
        static Cell to_cell(const T& value) {
            if constexpr (std::is_same_v<T, Cell> || std::is_same_v<T, std::monostate> ||
                          std::is_same_v<T, std::chrono::year_month_day> || std::is_same_v<T, bool>)
                return Cell{value};
            else if constexpr (std::is_integral_v<T>) {
                if constexpr (std::is_unsigned_v<T>) return Cell{checked_integer(static_cast<unsigned long long>(value))};
                else return Cell{static_cast<std::int64_t>(value)};
            } else if constexpr (std::is_floating_point_v<T>) return Cell{static_cast<double>(value)};
            else return Cell{std::string(std::string_view(value))};
        }
        static std::int64_t checked_integer(unsigned long long value);
        Table* table_;
        std::size_t index_;
    };
    /// Appends an empty row (every cell empty) and returns it for setting cells by name.
    Row add_row();
    /// Appends a row given as exactly one cell per column, in column order.
    /// Throws InternalError when the count differs from the header or a cell's type does not fit.
    void add_row(std::vector<Cell> cells);

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] const std::vector<Column>& columns() const noexcept { return columns_; }
    [[nodiscard]] const std::vector<std::vector<Cell>>& rows() const noexcept { return rows_; }
    [[nodiscard]] std::size_t column_index(std::string_view name) const;  ///< throws InternalError if absent
    [[nodiscard]] const Cell& at(std::size_t row, std::string_view column) const;

  private:
    void check_cell(std::size_t column, const Cell& cell) const;
    std::string name_;
    std::vector<Column> columns_;
    std::vector<std::vector<Cell>> rows_;
};

/// CSV: a header line of column names, then one line per row, '\n'-terminated. Text cells are
/// quoted per RFC 4180 when they hold a comma, a double quote, CR or LF (quotes doubled).
[[nodiscard]] std::string to_csv(const Table& table);
/// One CSV field: `text` quoted per RFC 4180 when needed.
[[nodiscard]] std::string csv_field(std::string_view text);

/// JSON: an array of records `[{"column": value, ...}, ...]` in column order; numbers as JSON
/// numbers (non-finite -> null), text as strings with invalid UTF-8 replaced by U+FFFD.
/// `indent` < 0: one line. Ends with '\n' when indented.
[[nodiscard]] std::string to_json(const Table& table, int indent = 2);

/// Options of the text writer.
struct TextOptions {
    std::string title{};     ///< a line above the table; "" = none
    std::string indent{};    ///< put before every line of the table (not the title)
    std::string gap = " ";   ///< between columns
    bool header = true;      ///< the line of column titles
    /// A text column shown as a note: no title in the header, and on a row whose other cells
    /// (after the first) are all empty, written right after the first cell ("name  FAILED: ...").
    std::string note_column{};
};

/// Aligned text: a header of titles (with the unit in parentheses), then the rows; text
/// columns left-aligned, numbers right-aligned, `gap` between columns, trailing blanks trimmed.
/// Each column's Display decides alignment, minimum width, scale, suffix, sign and cut.
[[nodiscard]] std::string to_text(const Table& table, const TextOptions& options = {});

/// One cell as the text and HTML writers show it (Display applied, no padding).
[[nodiscard]] std::string display_text(const Column& column, const Cell& cell);

/// Options of the HTML writer.
struct HtmlOptions {
    std::string caption{};         ///< <caption>; "" = none
    std::string table_class = "pft";  ///< class of the <table> element
};

/// An HTML <table>: <thead> of titles, <tbody> of cells as display_text shows them, all text
/// escaped (& < > " '). Every <th> and <td> has the column's type as class ("text", "real",
/// "money", ...) and " num" when right-aligned (numbers by default). Ends with '\n'. Style it
/// with html_table_css().
[[nodiscard]] std::string to_html(const Table& table, const HtmlOptions& options = {});

/// CSS for to_html tables of class `table_class` (numbers right-aligned in tabular figures).
[[nodiscard]] std::string html_table_css(std::string_view table_class = "pft");

/// `text` with & < > " ' replaced by their HTML entities.
[[nodiscard]] std::string html_escape(std::string_view text);

/// The columns of `parts` side by side in one table (column names prefixed by each part's
/// prefix, e.g. "senior."); every part must have the same number of rows (InternalError).
[[nodiscard]] Table side_by_side(std::string name, const std::vector<std::pair<std::string, const Table*>>& parts);

/// Makes `text` valid UTF-8: every byte that does not start or continue a well-formed sequence
/// is replaced by U+FFFD (what the JSON writers do with a non-UTF-8 name from an input file).
[[nodiscard]] std::string valid_utf8(std::string_view text);

/// Dumps a nlohmann::json / ordered_json document with `indent`, invalid UTF-8 in strings
/// replaced by U+FFFD instead of throwing, followed by '\n'. Every JSON file pftoken writes goes
/// through this (a template so that base does not require nlohmann of its users).
template <class Json>
[[nodiscard]] std::string dump_json(const Json& document, int indent = 2) {
    return document.dump(indent, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace pftoken
