#pragma once
// Subcommand registration: each subcommand lives in its own cmd_*.cpp file.
#include <CLI/CLI.hpp>

namespace pftoken::cli {
// Each register_* adds one subcommand to `app`; its callback sets `exit_code`.
// (Add one declaration per subcommand file.)
void register_range_opt(CLI::App& app, int& exit_code);  // cmd_range_opt.cpp
void register_stress(CLI::App& app, int& exit_code);     // cmd_stress.cpp
void register_mc(CLI::App& app, int& exit_code);          // cmd_mc.cpp
void register_value(CLI::App& app, int& exit_code);        // cmd_value.cpp
void register_amm(CLI::App& app, int& exit_code);  // cmd_amm.cpp: `amm replay`
void register_compare(CLI::App& app, int& exit_code);  // cmd_compare.cpp
void register_report(CLI::App& app, int& exit_code);   // report/cmd_report.cpp
}  // namespace pftoken::cli
