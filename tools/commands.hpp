#pragma once
// Subcommand registration: each subcommand lives in its own cmd_*.cpp file and follows the one
// convention of tools/cli.hpp (shared options, exit codes, output rule).
#include <CLI/CLI.hpp>

namespace pftoken::cli {
// Each register_* adds one subcommand to `app`; its callback runs the command through
// run_command() and sets `exit_code`.
void register_range_opt(CLI::App& app, int& exit_code);  // cmd_range_opt.cpp
void register_stress(CLI::App& app, int& exit_code);     // cmd_stress.cpp
void register_mc(CLI::App& app, int& exit_code);         // cmd_mc.cpp
void register_value(CLI::App& app, int& exit_code);      // cmd_value.cpp
void register_amm(CLI::App& app, int& exit_code);        // cmd_amm.cpp: `amm replay`
void register_compare(CLI::App& app, int& exit_code);    // cmd_compare.cpp
void register_report(CLI::App& app, int& exit_code);     // report/cmd_report.cpp
void register_yield(CLI::App& app, int& exit_code);      // cmd_yield.cpp: `yield backtest`, `yield generate`
void register_pm(CLI::App& app, int& exit_code);         // cmd_pm.cpp: `pm replay|simulate|implied`
void register_mm(CLI::App& app, int& exit_code);         // cmd_mm.cpp: `mm backtest`
}  // namespace pftoken::cli
