// `pftoken amm replay SCENARIO.json`: replays pool operations on the exact Uniswap models.
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "pftoken/amm/exact/replay.hpp"
#include "pftoken/base/input_file.hpp"

namespace pftoken::cli {

void register_amm(CLI::App& app, int& exit_code) {
    CLI::App* amm = app.add_subcommand("amm", "AMM pool models (exact Uniswap v2/v3)");
    amm->require_subcommand(1);
    CLI::App* replay = amm->add_subcommand(
        "replay", "Run a JSON scenario of pool operations and print {\"results\": [...]} (docs/tools/amm-replay.md)");
    auto path = std::make_shared<std::string>();
    replay->add_option("SCENARIO", *path, "Scenario JSON file ('-' reads standard input)")->required();
    replay->callback([path, &exit_code]() {
        std::string text;
        if (*path == "-") {
            text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        } else {
            try {
                text = pftoken::read_input_file(*path);  // same refusals and messages as every input file
            } catch (const pftoken::InputError& e) {
                std::cerr << "pftoken amm replay: error: " << e.what() << '\n';
                exit_code = 2;
                return;
            }
        }
        try {
            // Everything is computed before anything is printed: a bad op leaves stdout empty.
            const std::string out = pftoken::amm::replay_text(text).dump(2);
            std::cout << out << '\n';
        } catch (const pftoken::amm::ReplayError& e) {
            std::cerr << "pftoken amm replay: error: " << *path << ": " << e.what() << '\n';
            exit_code = 2;
        }
    });
}

}  // namespace pftoken::cli
