#pragma once
// Project loader: reads a project YAML file into pftoken::Project and validates every constraint.
//
// Every problem found is reported, not only the first: a user fixing a file wants the whole list
// at once. Each problem names the full field path (zero-based sequence indices) and the violated
// constraint, e.g. `solar.yaml:42:5: tranches[1].tenor_years: must be > 0, got -3`.
// The schema (every key, type, unit, default and constraint) is documented in docs/input-schema.md.

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pftoken/error.hpp"  // InputError, InputIssue
#include "pftoken/model/project.hpp"

namespace pftoken {

/// The loader's errors are pftoken::InputError (one issue per violated constraint, issues() in
/// file order); the former name is kept for callers.
using ProjectInputError = InputError;

/// Top-level sections of a project file that belong to other loaders (the Monte Carlo model
/// `stochastic`, read into a StochasticSpec by pftoken/mc/stochastic_yaml.hpp). They are not part
/// of Project, but the loader checks them with their own reader, so a broken section fails every
/// command. Top-level keys starting with `x_` are user extensions and are skipped; any other
/// unknown key is an error.
[[nodiscard]] const std::vector<std::string>& project_extension_sections();

/// Reads and validates a project file. Relative paths inside it (curve CSV files) are resolved
/// against the file's folder. Throws ProjectInputError listing every problem.
[[nodiscard]] Project load_project(const std::filesystem::path& path);

/// Parses and validates project YAML text. `source_name` names the text in messages;
/// `base_dir` resolves relative paths inside it (curve CSV files).
[[nodiscard]] Project parse_project(std::string_view yaml_text, const std::string& source_name,
                                    const std::filesystem::path& base_dir = {});

/// Every constraint violated by a project (empty when valid). Same checks and messages as the
/// loader, without file positions; use on projects built in code.
[[nodiscard]] std::vector<InputIssue> check_project(const Project& project);

/// Throws ProjectInputError (source "project") when check_project finds anything.
void validate(const Project& project);

/// Reads a zero-curve pillar CSV: the header `years,zero_rate`, then one pair per line (decimal
/// rates, same convention as inline pillars); blank lines are skipped. The parser is
/// parse_pillar_csv (model/pillar_csv.hpp), shared with pricing::read_pillar_csv; here every bad
/// line is collected.
/// Throws ProjectInputError naming `field_path` and the CSV line on a malformed file.
[[nodiscard]] std::vector<std::pair<double, double>>
read_zero_curve_csv(const std::filesystem::path& csv_path, const std::string& field_path);

/// Names used in YAML for the enums (also the words listed in error messages).
[[nodiscard]] std::string_view to_string(Frequency frequency);
[[nodiscard]] std::string_view to_string(DayCount day_count);
[[nodiscard]] std::string_view to_string(Amortisation amortisation);
[[nodiscard]] std::string_view to_string(WaterfallStep step);

}  // namespace pftoken
