// Test driver: the `pftoken report` subcommand alone, until tools/main.cpp registers it.
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "pftoken/error.hpp"

namespace pftoken::cli {
void register_report(CLI::App& app, int& exit_code);
}

int main(int argc, char** argv) {
    CLI::App app{"pftoken report (test driver)"};
    app.require_subcommand(1);
    int exit_code = 0;
    pftoken::cli::register_report(app, exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const pftoken::Error& e) {
        std::cerr << "pftoken: error: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "pftoken: internal error: " << e.what() << '\n';
        return 3;
    }
    return exit_code;
}
