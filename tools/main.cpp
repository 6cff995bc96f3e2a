// pftoken: command line entry point. Parse, run the chosen subcommand, map errors to exit codes
// (tools/cli.hpp, docs/tools/README.md).
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "commands.hpp"
#include "pftoken/version.hpp"

int main(int argc, char** argv) {
    CLI::App app{"pftoken: tokenised project-finance pricing and AMM market analytics"};
    app.set_version_flag("--version", pftoken::version());
    app.require_subcommand(1);
    int exit_code = 0;
    pftoken::cli::register_value(app, exit_code);
    pftoken::cli::register_range_opt(app, exit_code);
    pftoken::cli::register_stress(app, exit_code);
    pftoken::cli::register_mc(app, exit_code);
    pftoken::cli::register_amm(app, exit_code);
    pftoken::cli::register_compare(app, exit_code);
    pftoken::cli::register_report(app, exit_code);
    pftoken::cli::register_yield(app, exit_code);
    pftoken::cli::register_pm(app, exit_code);
    pftoken::cli::register_mm(app, exit_code);
    // An unknown command is an input error even when --help follows it (CLI11 would answer the
    // --help first and exit 0).
    const auto commands = app.get_subcommands({});
    const auto is_command = [&](const std::string& name) {
        for (const CLI::App* sub : commands)
            if (sub->check_name(name)) return true;
        return false;
    };
    if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
        std::cerr << "pftoken: unknown command '" << argv[1] << "'; the commands are:";
        for (const CLI::App* sub : commands) std::cerr << ' ' << sub->get_name();
        std::cerr << " (pftoken --help)\n";
        return pftoken::cli::kExitInputError;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; every malformed command line is an input error.
        const int code = app.exit(e);
        return code == 0 ? 0 : pftoken::cli::kExitInputError;
    }
    return exit_code;
}
