#pragma once
// A Table as nlohmann JSON values, for JSON documents that embed tables (pftoken/base/table.hpp:
// to_json writes the records form on its own).

#include <cmath>

#include <nlohmann/json.hpp>

#include "pftoken/base/table.hpp"

namespace pftoken {

/// A number as a JSON value: null when it is not finite (NaN, inf), as json_cell writes a number
/// cell. `Json` is nlohmann::json (keys sorted) or nlohmann::ordered_json (keys as inserted).
template <class Json = nlohmann::ordered_json>
[[nodiscard]] Json json_number(double x) {
    return std::isfinite(x) ? Json(x) : Json(nullptr);
}

/// One cell: null for an empty cell or a non-finite number, ISO text for a date, else the value.
[[nodiscard]] nlohmann::ordered_json json_cell(const Cell& cell);

/// The records form: `[{"column": value, ...}, ...]` in column order.
[[nodiscard]] nlohmann::ordered_json json_records(const Table& table);

/// The columns form: `{"column": [value per row], ...}` in column order.
[[nodiscard]] nlohmann::ordered_json json_columns(const Table& table);

}  // namespace pftoken
