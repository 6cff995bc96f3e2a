#pragma once
// The one command-line convention of every pftoken command (docs/tools/README.md): shared
// option registration, option-value parsing with clear messages, input-file checks, the
// run/catch wrapper with the exit codes, and the one way results reach stdout and --out.
// Each cmd_*.cpp only parses, calls the library and hands its rendered results to emit().

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "pftoken/base/output.hpp"
#include "pftoken/base/progress.hpp"
#include "pftoken/charts/plots.hpp"

namespace pftoken::cli {

/// Exit codes, the same for every command.
enum ExitCode : int {
    kExitOk = 0,
    kExitInputError = 2,     ///< bad input file, option or argument; nothing written
    kExitInternalError = 3,  ///< a bug or an unexpected failure; nothing written
    kExitBatchFailed = 4,    ///< a batch finished, outputs written, but some of its items failed
};

/// Runs a subcommand body: maps pftoken::InputError / Error to exit 2 and InternalError or any
/// other exception to exit 3, printing "pftoken COMMAND: error: ..." on stderr.
int run_command(std::string_view command, const std::function<int()>& body);

/// The options every command shares (each command registers those it has).
struct CommonOptions {
    std::string out;          ///< --out DIR
    std::string format;       ///< --format table|csv|json|all ("" = table without --out, all with)
    bool quiet = false;       ///< --quiet: no progress bar, no notes on stderr
    std::string seed = "42";  ///< --seed N (validated by seed())
    std::string threads;      ///< --threads N in [1, 1024]; "" = all cores
    std::string paths;        ///< --paths N: Monte Carlo paths
    std::string plots;        ///< --plots DIR

    [[nodiscard]] std::uint64_t seed_value() const;  ///< whole number in [0, 2^64 - 1]
    [[nodiscard]] int threads_value() const;         ///< 0 (all cores) when not given, else in [1, 1024]
    /// Whole number in [1, max]; `option` names the option in the message.
    [[nodiscard]] std::uint64_t paths_value(std::uint64_t max = 100'000'000) const;
    /// The format after defaults; throws InputError for an unknown one or `all` without --out.
    [[nodiscard]] std::string resolved_format() const;
    /// A progress bar labelled `label` (silent with --quiet or when stderr is no terminal).
    [[nodiscard]] std::unique_ptr<ProgressBar> progress(std::string label) const;
};

void add_out(CLI::App& cmd, CommonOptions& o, const std::string& files);
void add_format(CLI::App& cmd, CommonOptions& o);
void add_quiet(CLI::App& cmd, CommonOptions& o);
void add_seed(CLI::App& cmd, CommonOptions& o, const std::string& what = "Monte Carlo seed");
void add_threads(CLI::App& cmd, CommonOptions& o);
void add_paths(CLI::App& cmd, CommonOptions& o, const std::string& default_text);
void add_plots(CLI::App& cmd, CommonOptions& o, const std::string& files);

/// Option values: whole numbers and finite reals with the range in the message, exit 2.
[[nodiscard]] std::uint64_t parse_count(std::string_view option, const std::string& text, std::uint64_t min,
                                        std::uint64_t max);
[[nodiscard]] double parse_real(std::string_view option, const std::string& text, double min, double max);

/// What a command produced, rendered: the readable text (stdout, and NAME.txt under --out),
/// CSV files and JSON files (each printed to stdout or written under --out by format).
struct Rendered {
    std::string text_name;  ///< file name of the text under --out (e.g. "stress.txt")
    std::string text;
    std::vector<std::pair<std::string, std::string>> csv;   ///< file name, content
    std::vector<std::pair<std::string, std::string>> json;  ///< file name, content
    std::vector<charts::ChartFile> plots;                   ///< --plots files (rendered only with --plots)
    std::vector<std::pair<std::string, std::string>> extra; ///< always written under --out (e.g. paths.csv)
};

/// The one output rule: without --out the chosen format goes to stdout (csv files one after
/// the other, separated by a blank line); with --out the files of the chosen format are written
/// all-or-nothing together with the --plots files, then the text is printed with the list of
/// files written. Returns the paths written.
std::vector<std::filesystem::path> emit(const CommonOptions& o, const Rendered& r);

}  // namespace pftoken::cli
