// The shared command-line convention (tools/cli.hpp, docs/tools/README.md).
#include "cli.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <new>

#include <fmt/format.h>
#include <unistd.h>

#include "pftoken/error.hpp"

namespace pftoken::cli {

namespace fs = std::filesystem;

int run_command(std::string_view command, const std::function<int()>& body) {
    try {
        return body();
    } catch (const InternalError& e) {
        std::cerr << "pftoken " << command << ": internal error: " << e.what() << '\n';
        return kExitInternalError;
    } catch (const Error& e) {
        std::cerr << "pftoken " << command << ": error: " << e.what() << '\n';
        return kExitInputError;
    } catch (const std::bad_alloc&) {
        std::cerr << "pftoken " << command << ": internal error: out of memory\n";
        return kExitInternalError;
    } catch (const std::exception& e) {
        std::cerr << "pftoken " << command << ": internal error: " << e.what() << '\n';
        return kExitInternalError;
    }
}

std::uint64_t parse_count(std::string_view option, const std::string& text, std::uint64_t min, std::uint64_t max) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max)
        throw InputError(std::string(option), fmt::format("must be a whole number in [{}, {}], got '{}'", min, max, text));
    return value;
}

double parse_real(std::string_view option, const std::string& text, double min, double max) {
    double value = 0.0;
    std::size_t used = 0;
    bool ok = !text.empty();
    if (ok) {
        try {
            value = std::stod(text, &used);
        } catch (const std::exception&) {
            ok = false;
        }
    }
    if (!ok || used != text.size() || !std::isfinite(value) || value < min || value > max)
        throw InputError(std::string(option), fmt::format("must be a number in [{:g}, {:g}], got '{}'", min, max, text));
    return value;
}

std::uint64_t CommonOptions::seed_value() const {
    return parse_count("--seed", seed, 0, std::numeric_limits<std::uint64_t>::max());
}
int CommonOptions::threads_value() const {
    return threads.empty() ? 0 : static_cast<int>(parse_count("--threads", threads, 1, 1024));
}
std::uint64_t CommonOptions::paths_value(std::uint64_t max) const { return parse_count("--paths", paths, 1, max); }

std::string CommonOptions::resolved_format() const {
    const std::string f = format.empty() ? (out.empty() ? "table" : "all") : format;
    if (f != "table" && f != "csv" && f != "json" && f != "all")
        throw InputError("--format", "must be one of table, csv, json, all; got '" + f + "'");
    if (f == "all" && out.empty()) throw InputError("--format all", "needs --out DIR (table, csv or json alone print to standard output)");
    return f;
}

std::unique_ptr<ProgressBar> CommonOptions::progress(std::string label) const {
    return std::make_unique<ProgressBar>(std::move(label), !quiet);
}

void add_out(CLI::App& cmd, CommonOptions& o, const std::string& files) {
    cmd.add_option("--out", o.out, "Output folder (created if missing; written all-or-nothing): " + files);
}
void add_format(CLI::App& cmd, CommonOptions& o) {
    cmd.add_option("--format", o.format,
                   "table, csv, json or all: what is printed (without --out) or written (with --out); "
                   "default table without --out, all with --out");
}
void add_quiet(CLI::App& cmd, CommonOptions& o) {
    cmd.add_flag("--quiet", o.quiet, "No progress bar and no notes on stderr");
}
void add_seed(CLI::App& cmd, CommonOptions& o, const std::string& what) {
    cmd.add_option("--seed", o.seed, what + " (default 42; same seed, same bits on any thread count)");
}
void add_threads(CLI::App& cmd, CommonOptions& o) {
    cmd.add_option("--threads", o.threads, "Worker threads, 1 to 1024 (default: all cores; results do not depend on it)");
}
void add_paths(CLI::App& cmd, CommonOptions& o, const std::string& default_text) {
    o.paths = default_text;
    cmd.add_option("--paths", o.paths, "Monte Carlo paths (default " + default_text + ")");
}
void add_plots(CLI::App& cmd, CommonOptions& o, const std::string& files) {
    cmd.add_option("--plots", o.plots, "Folder for SVG charts (docs/charts.md; needs gnuplot): " + files);
}

std::vector<fs::path> emit(const CommonOptions& o, const Rendered& r) {
    const std::string format = o.resolved_format();
    const bool text = format == "table" || format == "all";
    const bool csv = format == "csv" || format == "all";
    const bool json = format == "json" || format == "all";
    OutputSet files;
    if (!o.out.empty()) {
        if (text && !r.text_name.empty()) files.add(o.out, "--out", r.text_name, r.text);
        if (csv)
            for (const auto& [name, content] : r.csv) files.add(o.out, "--out", name, content);
        if (json)
            for (const auto& [name, content] : r.json) files.add(o.out, "--out", name, content);
        for (const auto& [name, content] : r.extra) files.add(o.out, "--out", name, content);
    }
    const std::size_t out_files = files.files().size();
    if (!o.plots.empty())
        for (const auto& chart : r.plots) files.add(o.plots, "--plots", chart.name, chart.bytes);
    const auto written = files.write();

    if (o.out.empty()) {
        if (format == "table") std::cout << r.text;
        if (format == "csv")
            for (std::size_t i = 0; i < r.csv.size(); ++i) std::cout << (i ? "\n" : "") << r.csv[i].second;
        if (format == "json")
            for (const auto& [name, content] : r.json) std::cout << content;
    } else {
        std::cout << r.text;
        if (out_files > 0) {
            std::cout << "\nWrote";
            for (std::size_t i = 0; i < out_files; ++i) std::cout << ' ' << written[i].string();
            std::cout << '\n';
        }
    }
    std::cout.flush();
    if (!o.plots.empty()) {
        std::cerr << "Plots:";
        for (std::size_t i = out_files; i < written.size(); ++i) std::cerr << ' ' << written[i].string();
        std::cerr << '\n';
    }
    return written;
}

}  // namespace pftoken::cli
