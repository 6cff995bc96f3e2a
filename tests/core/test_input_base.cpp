// The one input path of pftoken::base: reading a file (type and size refused before reading),
// the strict YAML reader (one document, whole numbers in range, did-you-mean, UTF-8), strict JSON
// (duplicate keys), validation::Rules messages, and the `stochastic:` bounds that keep overflow
// out of the Monte Carlo engine (issue 12, "Bad input found when tried as a new user would").
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "pftoken/base/input_file.hpp"
#include "pftoken/base/json.hpp"
#include "pftoken/base/validate.hpp"
#include "pftoken/base/yaml.hpp"
#include "pftoken/error.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"
#include "support/gtest_extra.hpp"

namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("pftoken_input_base_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / name;
}

TEST(InputFile, MissingFileSaysSoNamingThePath) {
    EXPECT_THROW_MSG((void)pftoken::read_input_file("/nonexistent/p.yaml"), pftoken::InputError,
                     "/nonexistent/p.yaml: cannot open: No such file or directory");
    // Every reader goes through it: the same message from the project loader and the scenario reader.
    EXPECT_THROW_MSG((void)pftoken::load_project("/nonexistent/p.yaml"), pftoken::InputError,
                     "/nonexistent/p.yaml: cannot open: No such file or directory");
}

TEST(InputFile, NonRegularFilesAreRefusedWithoutReading) {
    EXPECT_THROW_MSG((void)pftoken::read_input_file("/dev/zero"), pftoken::InputError,
                     "/dev/zero: cannot open: not a regular file (a device or pipe)");
    const fs::path dir = scratch("a_folder");
    fs::create_directories(dir);
    EXPECT_THROW_MSG((void)pftoken::read_input_file(dir), pftoken::InputError,
                     dir.string() + ": cannot open: is a directory, not a file");
    // A FIFO with no writer would block an open() forever: refused from its type alone.
    const fs::path fifo = scratch("a_fifo");
    fs::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_THROW_MSG((void)pftoken::load_project(fifo), pftoken::InputError,
                     fifo.string() + ": cannot open: not a regular file (a device or pipe)");
}

TEST(InputFile, SizeLimitIsCheckedBeforeReading) {
    const fs::path big = scratch("big.yaml");
    { std::ofstream(big) << "name: x\n"; }
    fs::resize_file(big, pftoken::kMaxInputFileBytes + 1);  // sparse: nothing is written
    EXPECT_THROW_MSG(
        (void)pftoken::read_input_file(big), pftoken::InputError,
        big.string() + ": is 16777217 bytes, more than the input limit of 16777216 bytes (16 MiB)");
    fs::resize_file(big, 8);
    EXPECT_EQ(pftoken::read_input_file(big), "name: x\n");
}

TEST(Yaml, SecondDocumentIsRefusedAtItsPosition) {
    pftoken::yaml::Context ctx;
    ctx.source = "s.yaml";
    EXPECT_THROW_MSG((void)pftoken::yaml::load(ctx, "a: 1\n---\na: 2\n", ""), pftoken::InputError,
                     "s.yaml:3:1: (document): a second YAML document (after '---') is not allowed: "
                     "one file holds one document");
    EXPECT_EQ(pftoken::yaml::load(ctx, "a: 1\n---\n", "")["a"].as<int>(), 1);  // a trailing marker alone is fine
}

TEST(Yaml, IntegersAreWholeAndInRangeBeforeAnyCast) {
    const auto read = [](const std::string& text, auto& out, std::optional<double> lo, std::optional<double> hi) {
        pftoken::yaml::Context ctx;
        ctx.source = "i.yaml";
        const auto root = pftoken::yaml::load(ctx, text, "");
        pftoken::yaml::Reader r(ctx, root, "");
        r.integer("n", out, true, lo, hi);
        r.finish();
        pftoken::yaml::finish(ctx);
    };
    int small = 0;
    EXPECT_THROW_MSG(
        read("n: 1e20\n", small, std::nullopt, std::nullopt), pftoken::InputError,
        "i.yaml:1:4: n: must be a whole number in [-2147483648, 2147483647], got 1e20");
    EXPECT_THROW_MSG(read("n: 2.5\n", small, 0.0, 10.0), pftoken::InputError,
                     "i.yaml:1:4: n: must be a whole number, got '2.5'");
    std::uint64_t big = 0;
    // Whole numbers are exact up to 2^53; beyond it a double no longer holds every integer.
    EXPECT_THROW_MSG(
        read("n: 9007199254740993\n", big, 0.0, std::nullopt), pftoken::InputError,
        "i.yaml:1:4: n: must be a whole number in [0, 9007199254740992], got 9007199254740993");
    read("n: 9_007_199_254_740_992\n", big, 0.0, std::nullopt);
    EXPECT_EQ(big, 9007199254740992ULL);
    EXPECT_THROW_MSG(read("n: 1\nm: 2\n", small, 0.0, 5.0), pftoken::InputError,
                     "i.yaml:2:1: m: unknown key (did you mean 'n'?)");
}

TEST(Yaml, TextMustBeUtf8) {
    EXPECT_TRUE(pftoken::yaml::valid_utf8("Sunfield \xE2\x82\xAC 100 MW"));
    EXPECT_FALSE(pftoken::yaml::valid_utf8("\xFF\xFE"));
    EXPECT_FALSE(pftoken::yaml::valid_utf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(pftoken::yaml::valid_utf8("\xED\xA0\x80"));      // a surrogate
    EXPECT_FALSE(pftoken::yaml::valid_utf8("\xE2\x82"));          // cut short
}

TEST(Json, DuplicateKeysAreRefusedWithPathAndPosition) {
    EXPECT_THROW_MSG((void)pftoken::parse_json("{\"a\": 1,\n \"a\": 2}", "d.json"),
                     pftoken::InputError,
                     "d.json:2:2: a: duplicate key 'a' (first at line 1, column 2)");
    EXPECT_THROW_MSG(
        (void)pftoken::parse_json(R"({"ops": [{"x": 1}, {"y": {"k": 1, "k": 2}}]})", "d.json"),
        pftoken::InputError,
        "d.json:1:35: ops[1].y.k: duplicate key 'k' (first at line 1, column 27)");
    // The same key in sibling objects, or as a string value, is not a duplicate.
    EXPECT_EQ(pftoken::parse_json(R"([{"a": "a"}, {"a": 2}])", "d.json").size(), 2u);
    EXPECT_THROW_MSG((void)pftoken::parse_json("{\"a\": ", "d.json"), pftoken::InputError,
                     "d.json:1:7: malformed JSON");
}

TEST(Validation, RulesStateTheConstraintAndTheValue) {
    using namespace pftoken::validation;
    Rules rules;
    EXPECT_TRUE(rules.require("a", 0.5, {in_closed(0.0, 1.0)}));
    EXPECT_FALSE(rules.require("b", -1.0, {positive(), at_most(10.0)}));
    EXPECT_FALSE(rules.require("c", 1e308, {positive(), at_most(1e15)}));
    EXPECT_FALSE(rules.finite("d", std::numeric_limits<double>::quiet_NaN()));
    rules.fail("e", "give exactly one of x, y");
    ASSERT_EQ(rules.issues().size(), 4u);
    EXPECT_EQ(rules.issues()[0].to_string(), "b: must be > 0, got -1");
    EXPECT_EQ(rules.issues()[1].to_string(), "c: must be <= 1000000000000000, got 1e+308");
    EXPECT_EQ(rules.issues()[2].to_string(), "d: must be finite, got nan");
    EXPECT_THROW_MSG(
        rules.throw_if_failed("spec"), pftoken::InputError,
        "4 input errors:\n  b: must be > 0, got -1\n  c: must be <= 1000000000000000, got 1e+308\n"
        "  d: must be finite, got nan\n  e: give exactly one of x, y");
}

// The `stochastic:` values that overflowed or turned into NaN inside `pftoken mc` are refused
// where they are read, at their position (bounds in docs/input-schema.md).
TEST(StochasticBounds, OverflowingValuesAreInputErrors) {
    const auto parse = [](const std::string& block) {
        return pftoken::mc::parse_stochastic("stochastic:\n" + block, "m.yaml");
    };
    EXPECT_THROW_MSG(
        (void)parse("  construction: {delay_median_months: 1e20}\n"), pftoken::InputError,
        "m.yaml:2:39: stochastic.construction.delay_median_months: must be <= 120, got 1e+20");
    EXPECT_THROW_MSG(
        (void)parse("  interest_rate: {model: hull_white, speed: 0.1, volatility: 1e308}\n"),
        pftoken::InputError,
        "m.yaml:2:62: stochastic.interest_rate.volatility: must be <= 1, got 1e+308");
    EXPECT_THROW_MSG((void)parse("  opex_inflation: {drift: 100, volatility: 0.01}\n"),
                     pftoken::InputError,
                     "m.yaml:2:27: stochastic.opex_inflation.drift: must be within +-1, got 100");
    EXPECT_THROW_MSG(
        (void)parse("  merchant_price: {model: gbm, volatility: 0.2, drfit: 0.01}\n"),
        pftoken::InputError,
        "m.yaml:2:49: stochastic.merchant_price.drfit: unknown key (did you mean 'drift'?)");
}

}  // namespace
