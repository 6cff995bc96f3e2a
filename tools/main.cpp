// pftoken: command line entry point. Parse, run the chosen subcommand, map errors to exit codes
// (tools/cli.hpp, docs/tools/README.md).
#include <iostream>

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
    pftoken::cli::register_pm(app, exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; every malformed command line is an input error.
        const int code = app.exit(e);
        return code == 0 ? 0 : pftoken::cli::kExitInputError;
    }
    return exit_code;
}
