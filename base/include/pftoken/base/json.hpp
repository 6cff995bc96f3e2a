#pragma once
// Strict JSON input: nlohmann's parser plus what it accepts silently and pftoken must refuse:
// an object with the same key twice (nlohmann keeps the last value). Used for every JSON input
// (e.g. `pftoken amm replay` scenarios).

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pftoken {

/// Parses one JSON document. Throws InputError with location "source:line:col":
///   malformed JSON -> field "" and constraint "malformed JSON: <parser message>";
///   a duplicate key -> field = the object's path plus the key (e.g. "ops[2].owner"), constraint
///   "duplicate key 'owner' (first at line 5, column 7)". Keys are compared as written (escapes
///   are not decoded first).
[[nodiscard]] nlohmann::json parse_json(std::string_view text, const std::string& source);

/// read_input_file + parse_json (source = the file name).
[[nodiscard]] nlohmann::json load_json(const std::filesystem::path& path);

}  // namespace pftoken
