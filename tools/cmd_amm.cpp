// `pftoken amm replay SCENARIO.json`: replays pool operations on the exact Uniswap models.
// Exit codes and the input-file message: docs/tools/README.md.
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "commands.hpp"
#include "pftoken/amm/exact/replay.hpp"
#include "pftoken/base/input_file.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/error.hpp"

namespace pftoken::cli {

void register_amm(CLI::App& app, int& exit_code) {
    CLI::App* amm = app.add_subcommand("amm", "AMM pool models (exact Uniswap v2/v3)");
    amm->require_subcommand(1);
    CLI::App* replay = amm->add_subcommand(
        "replay", "Run a JSON scenario of pool operations and print {\"results\": [...]} (docs/tools/amm-replay.md)");
    auto path = std::make_shared<std::string>();
    replay->add_option("SCENARIO", *path, "Scenario JSON file ('-' reads standard input)")->required();
    replay->callback([path, &exit_code]() {
        exit_code = run_command("amm replay", [&] {
            std::string text;
            if (*path == "-") {
                text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
            } else {
                text = read_input_file(*path);
            }
            try {
                // Everything is computed before anything is printed: a bad op leaves stdout empty.
                std::cout << dump_json(pftoken::amm::replay_text(text), 2);
            } catch (const pftoken::amm::ReplayError& e) {
                throw InputError(*path, e.what());
            }
            return kExitOk;
        });
    });
}

}  // namespace pftoken::cli
