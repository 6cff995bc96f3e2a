#pragma once
// Reads the `stochastic:` section of a project YAML file into a StochasticSpec (docs/monte-carlo.md).
//
// A factor block present means the factor is enabled (unless `enabled: false`). Unknown keys,
// wrong types and violated constraints throw pftoken::InputError naming the field path and the
// file position, e.g. `solar.yaml:180:7: stochastic.correlation[0][2]: matrix must be symmetric, ...`.

#include <filesystem>
#include <string>
#include <string_view>

#include "pftoken/mc/stochastic.hpp"

namespace YAML {
class Node;
}
namespace pftoken::yaml {
struct Context;
}

namespace pftoken::mc {

/// The `stochastic:` section of a project file; an empty spec when the file has none.
[[nodiscard]] StochasticSpec load_stochastic(const std::filesystem::path& project_yaml);
/// Same from YAML text; `source_name` names the text in messages.
[[nodiscard]] StochasticSpec parse_stochastic(std::string_view yaml_text, const std::string& source_name);

/// Reads and checks the `stochastic:` section of a parsed project document into `ctx` without
/// throwing: every problem joins the issues of that load. The project loader calls it, so every
/// command that reads a project (value, stress, report, ...) rejects a broken section, not only `mc`.
StochasticSpec read_stochastic_section(yaml::Context& ctx, const YAML::Node& root);

}  // namespace pftoken::mc
