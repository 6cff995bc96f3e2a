#pragma once
// The strict CSV reader for input files (hourly market data, curves): a header line of column
// names, then rows of exactly as many fields; RFC 4180 quoting ("a,b", "say ""hi""") on one line;
// LF or CRLF line ends. Every problem is an InputError at file:line:col naming the column.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "pftoken/error.hpp"

namespace pftoken::csv {

/// One field: its unquoted text and where it starts (1-based line and column).
struct Cell {
    std::string text;
    int line = 0;
    int column = 0;
};

/// A parsed CSV file: the header and the data rows (header excluded), every cell located.
class File {
  public:
    /// Parses `text` read from `source` (the name used in messages). Throws InputError for an
    /// empty file, a row with a different number of fields than the header (at the row's line),
    /// an unterminated or misplaced quote, an empty line between rows or an empty header name.
    static File parse(std::string_view text, std::string source);
    /// read_input_file (size and type limits) + parse, `path` as the source.
    static File read(const std::filesystem::path& path);

    [[nodiscard]] const std::string& source() const noexcept { return source_; }
    [[nodiscard]] const std::vector<Cell>& header() const noexcept { return header_; }
    [[nodiscard]] std::size_t row_count() const noexcept { return rows_.size(); }
    [[nodiscard]] const std::vector<Cell>& row(std::size_t r) const { return rows_.at(r); }
    [[nodiscard]] const Cell& cell(std::size_t r, std::size_t column) const {
        return rows_.at(r).at(column);
    }

    /// Requires the header to be exactly `expected` (names and order). A missing, extra, renamed
    /// or misplaced column is an InputError at the header cell, with a did-you-mean for a typo.
    void require_header(const std::vector<std::string>& expected) const;
    /// Index of the column named `name`; InputError at the header line when absent.
    [[nodiscard]] std::size_t column(std::string_view name) const;

    /// The cell's position "source:line:col".
    [[nodiscard]] SourceLocation where(const Cell& cell) const {
        return {source_, cell.line, cell.column};
    }
    /// An InputError at the cell, field = its column's name.
    [[nodiscard]] InputError error(std::size_t r, std::size_t column,
                                   const std::string& constraint) const;
    /// The cell as a finite decimal number (no separators, no leading '+'); InputError
    /// "must be a number, got 'x'" or "must be finite" otherwise.
    [[nodiscard]] double real(std::size_t r, std::size_t column) const;
    /// real() checked to lie in [lo, hi]: "must be in [lo, hi], got x".
    [[nodiscard]] double real_in(std::size_t r, std::size_t column, double lo, double hi) const;

  private:
    std::string source_;
    std::vector<Cell> header_;
    std::vector<std::vector<Cell>> rows_;
};

}  // namespace pftoken::csv
