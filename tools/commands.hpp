#pragma once
// Subcommand registration: each subcommand lives in its own cmd_*.cpp file.
#include <CLI/CLI.hpp>

namespace pftoken::cli {
// Each register_* adds one subcommand to `app`; its callback sets `exit_code`.
// (Add one declaration per subcommand file.)
}  // namespace pftoken::cli
