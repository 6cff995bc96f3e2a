// The `stochastic:` YAML section: the solar example, and bad input with file positions.
#include <gtest/gtest.h>

#include <string>

#include "pftoken/base/input_file.hpp"
#include "pftoken/error.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"
#include "support/gtest_extra.hpp"

using namespace pftoken;
using namespace pftoken::mc;

TEST(McYaml, SolarExampleHasFourCorrelatedFactors) {
    const std::string path = std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/solar.yaml";
    EXPECT_NO_THROW((void)load_project(path));  // the loader accepts the section
    const StochasticSpec s = load_stochastic(path);
    EXPECT_TRUE(s.merchant_price.enabled);
    EXPECT_EQ(s.merchant_price.model, MerchantPriceFactor::Model::OrnsteinUhlenbeck);
    EXPECT_DOUBLE_EQ(s.volume.p90_over_p50, 0.92);
    EXPECT_TRUE(s.interest_rate.enabled);
    EXPECT_EQ(s.correlation_factors.size(), 4u);
    EXPECT_DOUBLE_EQ(s.correlation[0][3], 0.2);
}

TEST(McYaml, NoSectionIsAnEmptySpec) {
    EXPECT_TRUE(parse_stochastic("name: x\n", "p.yaml").empty());
}

TEST(McYaml, BadInputNamesFileLineAndField) {
    struct Row {
        const char* yaml;
        const char* message;
    };
    const Row rows[] = {
        {"stochastic:\n  merchant_price: {volatility: 0.2, vol: 3}\n",
         "p.yaml:2:37: stochastic.merchant_price.vol: unknown key (did you mean 'volatility'?)"},
        {"stochastic:\n  volume: {volatility: high}\n",
         "p.yaml:2:24: stochastic.volume.volatility: must be a number, got 'high'"},
        {"stochastic:\n  merchant_price: {model: heston}\n",
         "p.yaml:2:27: stochastic.merchant_price.model: must be one of gbm, ou; got 'heston'"},
        {"stochastic:\n  merchant_price: {volatility: 0.2}\n  volume: {volatility: 0.1}\n"
         "  correlation_factors: [merchant_price, volume]\n  correlation: [[1, 0.5], [0.4, 1]]\n",
         "p.yaml:5:21: stochastic.correlation[0][1]: matrix must be symmetric, got 0.5 but correlation[1][0] = 0.4"},
        {"stochastic:\n  wind: {}\n", "p.yaml:2:3: stochastic.wind: unknown key"},
    };
    for (const auto& row : rows) {
        EXPECT_THROW_MSG((void)parse_stochastic(row.yaml, "p.yaml"), InputError, row.message)
            << row.yaml;
    }
}

// The section is read with the project loader's reader: every problem at once, in file order.
TEST(McYaml, CollectsEveryProblemWithItsPosition) {
    try {
        (void)parse_stochastic("stochastic:\n  volume: {volatility: high}\n  merchant_price: {modle: ou}\n"
                               "  correlation: [[1, x]]\n",
                               "p.yaml");
        FAIL();
    } catch (const ProjectInputError& e) {
        ASSERT_EQ(e.issues().size(), 3u) << e.what();
        EXPECT_EQ(e.issues()[0].to_string(), "p.yaml:2:24: stochastic.volume.volatility: must be a number, got 'high'");
        EXPECT_EQ(e.issues()[1].to_string(), "p.yaml:3:20: stochastic.merchant_price.modle: unknown key (did you mean 'model'?)");
        EXPECT_EQ(e.issues()[2].to_string(), "p.yaml:4:21: stochastic.correlation[0][1]: must be a number, got 'x'");
    }
}

// The project loader checks the `stochastic:` section with the same reader on every load, so
// `value`, `stress`, `report` and `compare` reject a broken section as `mc` does (exit code 2),
// and one message lists the project's problems and the section's together, in file order.
TEST(McYaml, TheProjectLoaderRejectsABrokenStochasticSection) {
    const std::string dir = std::string(PFTOKEN_SOURCE_DIR) + "/data/examples";
    const std::string text = read_input_file(dir + "/solar.yaml");
    auto replaced = [&](const std::string& from, const std::string& to) {
        const auto at = text.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        std::string out = text;
        return out.replace(at, from.size(), to);
    };
    auto parse = [&](const std::string& yaml) { return parse_project(yaml, "solar.yaml", dir); };
    // A misspelled factor key: accepted silently by the project loader before.
    EXPECT_THROW_MSG(
        (void)parse(replaced("  merchant_price: {model: ou", "  merchant_prise: {model: ou")),
        InputError,
        ":184:3: stochastic.merchant_prise: unknown key (did you mean 'merchant_price'?)");
    // A bound and a matrix rule of the section's own checks.
    EXPECT_THROW_MSG((void)parse(replaced("volatility: 0.015}", "volatility: -0.015}")), InputError,
                     "stochastic.opex_inflation.volatility: must be >= 0, got -0.015");
    EXPECT_THROW_MSG(
        (void)parse(replaced("    - [-0.2,  1.0, 0.0, 0.0]", "    - [-0.2,  0.9, 0.0, 0.0]")),
        InputError, "stochastic.correlation[1][1]: diagonal entries must be 1, got 0.9");
    // A project error and a section error in one message.
    std::string both = replaced("  merchant_price: {model: ou", "  merchant_prise: {model: ou");
    const auto name_at = both.find("\nname: ");
    ASSERT_NE(name_at, std::string::npos);
    both.insert(name_at + 1, "nmae: typo\n");
    EXPECT_THROW_MSG((void)parse(both), InputError, "2 input errors:", "nmae: unknown key",
                     "stochastic.merchant_prise: unknown key");
    // The shipped section itself is accepted.
    EXPECT_NO_THROW((void)parse(text));
}
