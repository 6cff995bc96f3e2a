#pragma once
// A Table as nlohmann JSON values, for JSON documents that embed tables (pftoken/base/table.hpp:
// to_json writes the records form on its own).

#include <nlohmann/json.hpp>

#include "pftoken/base/table.hpp"

namespace pftoken {

/// One cell: null for an empty cell or a non-finite number, ISO text for a date, else the value.
[[nodiscard]] nlohmann::ordered_json json_cell(const Cell& cell);

/// The records form: `[{"column": value, ...}, ...]` in column order.
[[nodiscard]] nlohmann::ordered_json json_records(const Table& table);

/// The columns form: `{"column": [value per row], ...}` in column order.
[[nodiscard]] nlohmann::ordered_json json_columns(const Table& table);

}  // namespace pftoken
