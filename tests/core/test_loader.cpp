// Project loader and validation: every rule with its exact message, all errors at once, file
// positions, and validate() on projects built in code.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "pftoken/model/loader.hpp"
#include "support/gtest_extra.hpp"

namespace {

using pftoken::ProjectInputError;

const std::string kSource = PFTOKEN_SOURCE_DIR;

// A small valid project exercising every block, edited row by row below.
const char* const kBase = R"(name: Test
currency: USD
timeline:
  financial_close: 2025-01-01
  construction_months: 3
  operations_years: 10
  frequency: quarterly
construction:
  capex_total: 1000
  capex_profile: [0.25, 0.25, 0.5]
revenues:
  - name: energy
    capacity_mw: 10
    capacity_factor: 0.25
    seasonality: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    contract_price: 50
    contract_years: 5
    merchant_curve: [{year: 0, price: 40}, {year: 5, price: 35}]
tranches:
  - name: senior
    principal: 600
    fixed_rate: 0.05
    amortisation: annuity
    tenor_years: 8
    token: {symbol: S, supply: 600, face_per_token: 1}
  - name: junior
    rank: 2
    principal: 100
    rate_type: floating
    index: IDX
    spread: 0.03
    amortisation: schedule
    schedule: [50, 50]
    tenor_years: 9
    token: {symbol: J, supply: 100}
equity:
  token: {symbol: E, supply: 10}
dsra:
  months_of_debt_service: 6
  tranches: [senior]
covenants:
  lockup_dscr: 1.15
  default_dscr: 1.05
  sweep: {share: 0.5, tranche: junior}
market:
  discount: {flat_rate: 0.04}
  forwards:
    - {name: IDX, pillars: [[1, 0.03], [5, 0.035]]}
)";

// Sets (or with value "<delete>" removes) the node at a path like "tranches[1].token.supply".
void edit(YAML::Node root, const std::string& path, const std::string& value) {
    std::vector<std::string> parts;
    std::string current;
    for (char ch : path) {
        if (ch == '.' || ch == '[') {
            if (!current.empty()) parts.push_back(current);
            current.clear();
            if (ch == '[') current = "[";
        } else if (ch != ']') {
            current.push_back(ch);
        }
    }
    parts.push_back(current);
    YAML::Node node = root;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        const auto& part = parts[i];
        if (part.front() == '[') node.reset(node[std::stoi(part.substr(1))]);
        else node.reset(node[part]);
    }
    const auto& last = parts.back();
    if (value == "<delete>") {
        if (last.front() == '[') node.remove(std::stoi(last.substr(1)));
        else node.remove(last);
    } else if (last.front() == '[') {
        node[std::stoi(last.substr(1))] = YAML::Load(value);
    } else {
        node[last] = YAML::Load(value);
    }
}

std::string edited(const std::vector<std::pair<std::string, std::string>>& edits) {
    YAML::Node root = YAML::Load(kBase);
    for (const auto& [path, value] : edits) edit(root, path, value);
    YAML::Emitter out;
    out << root;
    return out.c_str();
}

/// The message of the error reading `yaml` ("(no error)" if it reads): for the checks of what a
/// message does not hold (EXPECT_THROW_MSG states what it holds).
std::string load_error(const std::string& yaml) {
    try {
        (void)pftoken::parse_project(yaml, "t.yaml");
    } catch (const ProjectInputError& e) {
        return e.what();
    }
    return "(no error)";
}

/// The project read from `yaml` as t.yaml (relative paths from `dir`).
pftoken::Project parse(const std::string& yaml, const std::filesystem::path& dir = {}) {
    return pftoken::parse_project(yaml, "t.yaml", dir);
}

TEST(Loader, BaseProjectIsValid) {
    const auto p = pftoken::parse_project(kBase, "base.yaml");
    EXPECT_EQ(p.name, "Test");
    ASSERT_EQ(p.tranches.size(), 2u);
    EXPECT_EQ(p.tranches[1].rate_type, pftoken::Tranche::RateType::Floating);
    EXPECT_TRUE(p.tranches[1].deferrable_interest);  // default for rank > 1
    EXPECT_FALSE(p.tranches[0].deferrable_interest);
    EXPECT_TRUE(p.dsra.enabled);                      // a dsra block enables it
    EXPECT_TRUE(p.covenants.sweep.enabled);
    EXPECT_EQ(p.market.discount.kind, pftoken::CurveSpec::Kind::Flat);
    EXPECT_EQ(p.market.forwards[0].kind, pftoken::CurveSpec::Kind::Zero);  // inferred from pillars
    EXPECT_TRUE(pftoken::check_project(p).empty());
}

struct Row {
    const char* what;
    std::vector<std::pair<std::string, std::string>> edits;
    const char* expected;  // a substring of the error message
};

// Expected messages are the documented constraints of docs/input-schema.md.
const std::vector<Row> kRows{
    {"unknown key with suggestion", {{"tranches[0].tenor", "5"}}, "tranches[0].tenor: unknown key (did you mean 'tenor_years'?)"},
    {"unknown key typo", {{"tranches[0].tenr_years", "5"}}, "tranches[0].tenr_years: unknown key (did you mean 'tenor_years'?)"},
    {"unknown top-level key", {{"foo", "1"}}, "foo: unknown key"},
    {"wrong type: text for number", {{"construction.capex_total", "lots"}}, "construction.capex_total: must be a number, got 'lots'"},
    {"wrong type: list for number", {{"tranches[0].fixed_rate", "[1, 2]"}}, "tranches[0].fixed_rate: must be a number, got a list"},
    {"wrong type: integer", {{"timeline.operations_years", "10.5"}}, "timeline.operations_years: must be a whole number, got '10.5'"},
    {"wrong type: bool", {{"tax.loss_carry_forward", "maybe"}}, "tax.loss_carry_forward: must be true or false, got 'maybe'"},
    {"wrong type: mapping expected", {{"opex", "5"}}, "opex: must be a mapping of keys, got '5'"},
    {"wrong type: list expected", {{"tranches", "{a: 1}"}}, "tranches: must be a list, got a mapping"},
    {"missing required", {{"tranches[0].tenor_years", "<delete>"}}, "tranches[0].tenor_years: is required"},
    {"missing name", {{"name", "<delete>"}}, "name: is required"},
    {"missing token", {{"equity.token", "<delete>"}}, "equity.token: is required"},
    {"missing floating index", {{"tranches[1].index", "<delete>"}}, "tranches[1].index: is required"},
    {"negative tenor", {{"tranches[1].tenor_years", "-3"}}, "tranches[1].tenor_years: must be > 0, got -3"},
    {"tenor beyond operations", {{"tranches[0].tenor_years", "12"}}, "tranches[0].tenor_years: must be <= timeline.operations_years (10), got 12"},
    {"tenor not whole periods", {{"tranches[0].tenor_years", "7.1"}}, "tranches[0].tenor_years: must be a whole number of quarterly periods, got 7.1 years"},
    {"grace >= tenor", {{"tranches[0].grace_years", "8"}}, "tranches[0].grace_years: must be < tenor_years (8), got 8"},
    {"rate >= 100%", {{"tranches[0].fixed_rate", "5"}}, "tranches[0].fixed_rate: must be < 1 (100%), got 5 (rates are decimals: 0.05 = 5%)"},
    {"rate exactly 100%", {{"tranches[0].fixed_rate", "1"}}, "tranches[0].fixed_rate: must be < 1 (100%), got 1"},
    {"rate below -100%", {{"tranches[1].spread", "-1.5"}}, "tranches[1].spread: must be > -1 (-100%), got -1.5"},
    {"discount rate", {{"market.discount.flat_rate", "1.2"}}, "market.discount.flat_rate: must be < 1 (100%), got 1.2"},
    {"NaN", {{"construction.capex_total", ".nan"}}, "construction.capex_total: must be finite, got nan"},
    {"infinity", {{"opex.fixed_per_year", ".inf"}}, "opex.fixed_per_year: must be finite, got inf"},
    {"capex profile sum", {{"construction.capex_profile", "[0.25, 0.25, 0.4]"}}, "construction.capex_profile: must sum to 1 (within 1e-06 relative), got 0.9 (0.1 short)"},
    {"capex profile length", {{"construction.capex_profile", "[0.5, 0.5]"}}, "construction.capex_profile: must have one share per construction month (3), got 2"},
    {"capex profile negative", {{"construction.capex_profile", "[0.75, 0.75, -0.5]"}}, "construction.capex_profile[2]: must be >= 0, got -0.5"},
    {"schedule sum", {{"tranches[1].schedule", "[50, 40]"}}, "tranches[1].schedule: must sum to principal 100 (within 1e-06 relative), got 90 (10 short)"},
    {"schedule without principal", {{"tranches[1].principal", "<delete>"}}, "tranches[1].principal: is required when amortisation is schedule"},
    {"schedule on annuity", {{"tranches[0].schedule", "[600]"}}, "tranches[0].schedule: is only used with amortisation: schedule (this tranche is annuity)"},
    {"duplicate tranche", {{"tranches[1].name", "senior"}}, "tranches[1].name: duplicate tranche name 'senior' (also tranches[0])"},
    {"sweep unknown tranche", {{"covenants.sweep.tranche", "mezz"}}, "covenants.sweep.tranche: unknown tranche 'mezz'; tranches are: senior, junior"},
    {"dsra unknown tranche", {{"dsra.tranches", "[senior, mezz]"}}, "dsra.tranches[1]: unknown tranche 'mezz'; tranches are: senior, junior"},
    {"unknown forward curve", {{"tranches[1].index", "SOFR"}}, "tranches[1].index: unknown forward curve 'SOFR'; market.forwards has: IDX"},
    {"index on a fixed tranche", {{"tranches[0].index", "IDX"}}, "tranches[0].index: is only used by floating tranches (this tranche is fixed; set rate_type: floating)"},
    {"leap day ok, 29 Feb 2025 not", {{"timeline.financial_close", "2025-02-29"}}, "timeline.financial_close: not a valid calendar date, got 2025-02-29"},
    {"month 13", {{"timeline.financial_close", "2025-13-01"}}, "timeline.financial_close: not a valid calendar date, got 2025-13-01"},
    {"impossible date", {{"timeline.financial_close", "2025-02-30"}}, "timeline.financial_close: not a valid calendar date, got 2025-02-30"},
    {"malformed date", {{"timeline.financial_close", "2025/01/01"}}, "timeline.financial_close: must be a date YYYY-MM-DD, got '2025/01/01'"},
    {"bad enum", {{"tranches[0].amortisation", "linear"}}, "tranches[0].amortisation: must be one of bullet, annuity, level_principal, sculpted, schedule; got 'linear'"},
    {"bad enum suggestion", {{"timeline.frequency", "quartely"}}, "timeline.frequency: must be one of monthly, quarterly, semi_annual, annual; got 'quartely' (did you mean 'quarterly'?)"},
    {"bad waterfall step", {{"waterfall_order", "[senior_fees, debt]"}}, "waterfall_order[1]: must be one of senior_fees, debt_service"},
    {"waterfall order incomplete", {{"waterfall_order", "[senior_fees, debt_service, distribution]"}}, "waterfall_order: must list every step exactly once; missing: dsra_top_up, mra_top_up, lockup_test, cash_sweep"},
    {"waterfall step twice", {{"waterfall_order", "[senior_fees, debt_service, dsra_top_up, mra_top_up, lockup_test, cash_sweep, distribution, debt_service]"}}, "waterfall_order[7]: step 'debt_service' listed twice"},
    {"lockup below default", {{"covenants.lockup_dscr", "1.0"}}, "covenants.lockup_dscr: must be >= covenants.default_dscr (1.05), got 1"},
    {"capacity factor > 1", {{"revenues[0].capacity_factor", "1.2"}}, "revenues[0].capacity_factor: must be in [0, 1], got 1.2"},
    {"capacity factor < 0", {{"revenues[0].capacity_factor", "-0.1"}}, "revenues[0].capacity_factor: must be in [0, 1], got -0.1"},
    {"token supply zero", {{"tranches[0].token.supply", "0"}}, "tranches[0].token.supply: must be > 0, got 0"},
    {"token supply negative", {{"equity.token.supply", "-5"}}, "equity.token.supply: must be > 0, got -5"},
    {"token face mismatch", {{"tranches[0].token.face_per_token", "2"}}, "tranches[0].token.face_per_token: supply x face_per_token must equal the principal (600), got 600 x 2 = 1200"},
    {"duplicate token symbol", {{"tranches[1].token.symbol", "S"}}, "tranches[1].token.symbol: duplicate token symbol 'S' (also tranches[0].token)"},
    {"seasonality length", {{"revenues[0].seasonality", "[1, 1]"}}, "revenues[0].seasonality: must have 12 monthly values, got 2"},
    {"seasonality mean", {{"revenues[0].seasonality", "[2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"}}, "revenues[0].seasonality: must average 1 (sum 12), got sum 13"},
    {"degradation", {{"revenues[0].degradation_per_year", "1"}}, "revenues[0].degradation_per_year: must be in [0, 1), got 1"},
    {"availability", {{"revenues[0].availability", "1.1"}}, "revenues[0].availability: must be in [0, 1], got 1.1"},
    {"merchant curve needed", {{"revenues[0].merchant_curve", "<delete>"}}, "revenues[0].merchant_curve: is required: the contract ends after 5 of 10 years"},
    {"merchant curve start", {{"revenues[0].merchant_curve[0].year", "1"}}, "revenues[0].merchant_curve[0].year: the first point must be at year 0, got 1"},
    {"merchant curve order", {{"revenues[0].merchant_curve[1].year", "0"}}, "revenues[0].merchant_curve[1].year: must be > the previous point's year (0), got 0"},
    {"contract longer than life", {{"revenues[0].contract_years", "11"}}, "revenues[0].contract_years: must be in [0, timeline.operations_years (10)], got 11"},
    {"no revenues", {{"revenues", "[]"}}, "revenues: must list at least one revenue stream"},
    {"no tranches", {{"tranches", "[]"}}, "tranches: must list at least one tranche"},
    {"rank", {{"tranches[1].rank", "0"}}, "tranches[1].rank: must be >= 1 (1 = most senior), got 0"},
    {"sculpted target", {{"tranches[0].amortisation", "sculpted"}, {"tranches[0].target_dscr", "0.9"}}, "tranches[0].target_dscr: must be >= 1 for a sculpted tranche, got 0.9"},
    {"sculpted needs target", {{"tranches[0].amortisation", "sculpted"}}, "tranches[0].target_dscr: is required"},
    {"construction months", {{"timeline.construction_months", "-1"}}, "timeline.construction_months: must be in [0, 120], got -1"},
    {"operations years", {{"timeline.operations_years", "0"}}, "timeline.operations_years: must be in [1, 100], got 0"},
    {"currency", {{"currency", "usd"}}, "currency: must be a 3-letter upper-case ISO 4217 code, got 'usd'"},
    {"tax rate", {{"tax", "{rate: 1.0}"}}, "tax.rate: must be in [0, 1), got 1"},
    {"dsra months", {{"dsra.months_of_debt_service", "0"}}, "dsra.months_of_debt_service: must be in (0, 24], got 0"},
    {"dsra amount and months", {{"dsra.amount", "1000"}}, "dsra.amount: a fixed amount and months_of_debt_service are two sizings: give one of them"},
    {"dsra share", {{"dsra.share", "1.5"}}, "dsra.share: must be in (0, 1], got 1.5"},
    {"dsra funded_by word", {{"dsra.funded_by", "lenders"}}, "dsra.funded_by: must be one of pro_rata, equity, debt; got 'lenders'"},
    {"dsra funded_by from the waterfall", {{"dsra.funding", "from_waterfall"}, {"dsra.funded_by", "debt"}}, "dsra.funded_by: applies to a DSRA funded at close (dsra.funding: at_close); a DSRA funded from the waterfall is paid from operating cash"},
    {"sweep share", {{"covenants.sweep.share", "1.5"}}, "covenants.sweep.share: must be in (0, 1], got 1.5"},
    {"gearing cap", {{"sizing", "{gearing_cap: 0}"}}, "sizing.gearing_cap: must be in (0, 1], got 0"},
    {"mra target", {{"mra", "{target: 0, contribution_per_year: 10}"}}, "mra.target: must be > 0, got 0"},
    {"negative opex", {{"opex", "{variable_per_unit: -1}"}}, "opex.variable_per_unit: must be >= 0, got -1"},
    {"pillars not increasing", {{"market.forwards[0].pillars", "[[2, 0.03], [1, 0.03]]"}}, "market.forwards[0].pillars[1].years: must be > 2 (pillars strictly increasing, after 0), got 1"},
    {"pillar shape", {{"market.forwards[0].pillars", "[[2, 0.03, 4]]"}}, "market.forwards[0].pillars[0]: must be a [years, zero_rate] pair, got a list"},
    {"pillar rate", {{"market.forwards[0].pillars", "[[2, 1.03]]"}}, "market.forwards[0].pillars[0].zero_rate: must be < 1 (100%), got 1.03"},
    {"flat with pillars", {{"market.discount.kind", "flat"}, {"market.discount.pillars", "[[1, 0.03]]"}}, "market.discount.kind: is flat, but pillars or csv_path are given (use kind: zero)"},
    {"zero without points", {{"market.discount", "{kind: zero}"}}, "market.discount.pillars: a zero curve needs pillars or csv_path"},
    {"duplicate forward", {{"market.forwards[1]", "{name: IDX, flat_rate: 0.02}"}}, "market.forwards[1].name: duplicate forward curve name 'IDX'"},
    {"missing csv", {{"market.discount", "{csv_path: no_such_curve.csv}"}}, "market.discount.csv_path: curve file no_such_curve.csv: cannot open: No such file or directory"},
    // Bad input found by trying the commands as a new user would (issue 12): refused where read,
    // naming the field the user wrote and the bound (docs/input-schema.md, "Limits").
    {"tenor below one period", {{"tranches[0].tenor_years", "1e-9"}}, "tranches[0].tenor_years: must be at least one quarterly period (0.25 years), got 1e-09"},
    {"principal beyond the amount cap", {{"tranches[0].principal", "1e308"}}, "tranches[0].principal: must be <= 1000000000000000, got 1e+308"},
    {"capacity beyond the amount cap", {{"revenues[0].capacity_mw", "1e308"}}, "revenues[0].capacity_mw: must be <= 1000000000000000, got 1e+308"},
    {"supply x face overflowing", {{"tranches[0].token", "{symbol: S, supply: 1e300, face_per_token: 1e300}"}}, "tranches[0].token.supply: must be <= 1000000000000000, got 1e+300"},
    {"integer far beyond int", {{"timeline.operations_years", "1e20"}}, "timeline.operations_years: must be a whole number in [-2147483648, 2147483647], got 1e20"},
    {"null number", {{"opex", "{fixed_per_year: null}"}}, "opex.fixed_per_year: must be a number, got null"},
};

TEST(Loader, EveryRuleHasItsMessage) {
    for (const auto& row : kRows) {
        const auto yaml = edited(row.edits);
        EXPECT_THROW_MSG((void)parse(yaml), ProjectInputError, row.expected)
            << row.what << "\n  yaml:\n"
            << yaml;
    }
}

TEST(Loader, PrincipalIsCheckedAtItsOwnField) {
    // The principal rule is stated on the field the user wrote, with the file position.
    const auto message = load_error(edited({{"tranches[0].principal", "1e308"}, {"tranches[0].token", "{symbol: S, supply: 1e15, face_per_token: 1e15}"}}));
    EXPECT_NE(message.find("tranches[0].principal: must be <= 1000000000000000, got 1e+308"), std::string::npos) << message;
    EXPECT_EQ(message.find("wal."), std::string::npos) << message;
}

TEST(Loader, NonUtf8TextIsRefused) {
    EXPECT_NO_THROW((void)parse(edited({{"name", "ok"}}) + "\n"));
    std::string yaml = edited({});
    const auto at = yaml.find("name: ");
    ASSERT_NE(at, std::string::npos);
    yaml.insert(at + 6, "\xff\xfe");
    EXPECT_THROW_MSG((void)parse(yaml), ProjectInputError, "name: must be UTF-8 text");
}

TEST(Loader, SecondDocumentIsRefused) {
    EXPECT_THROW_MSG((void)parse(edited({}) + "\n---\nname: other\n"), ProjectInputError,
                     "(document): a second YAML document (after '---') is not allowed");
}

TEST(Loader, ScheduleLongerThanTenor) {
    std::string schedule = "[50, 50";
    for (int i = 0; i < 40; ++i) schedule += ", 0";
    schedule += "]";
    EXPECT_THROW_MSG(
        (void)parse(edited({{"tranches[1].schedule", schedule}})), ProjectInputError,
        "tranches[1].schedule: has 42 entries, more than the 36 quarterly periods of tenor_years");
}

TEST(Loader, CollectsEveryErrorWithFileLines) {
    const std::string yaml = R"(name: Broken
timeline:
  financial_close: 2025-01-01
  operations_years: 10
  frequency: annual
construction:
  capex_total: 100
revenues:
  - {name: r, p50_volume: 10, contract_price: 5}
tranches:
  - name: a
    fixed_rate: 0.05
    amortisation: bullet
    tenor_years: 5
    token: {symbol: A, supply: 10}
  - name: b
    fixed_rate: 1.5
    amortisation: bullet
    tenor_years: -3
    token: {symbol: B, supply: 10}
equity:
  token: {symbol: E, supply: 0}
market:
  discount: {flat_rate: 0.05}
)";
    try {
        (void)pftoken::parse_project(yaml, "broken.yaml");
        FAIL() << "no error";
    } catch (const ProjectInputError& e) {
        const std::string text = e.what();
        ASSERT_EQ(e.issues().size(), 3u) << text;
        // Sorted by file position; one per line.
        EXPECT_EQ(e.issues()[0].to_string(), "broken.yaml:17:17: tranches[1].fixed_rate: must be < 1 (100%), got 1.5 "
                                             "(rates are decimals: 0.05 = 5%)");
        EXPECT_EQ(e.issues()[1].to_string(), "broken.yaml:19:18: tranches[1].tenor_years: must be > 0, got -3");
        EXPECT_EQ(e.issues()[2].to_string(), "broken.yaml:22:30: equity.token.supply: must be > 0, got 0");
        EXPECT_EQ(text.rfind("3 input errors:\n  broken.yaml:17:17: tranches[1].fixed_rate", 0), 0u)
            << text;
    }
}

TEST(Loader, SingleErrorReadsAsOneLine) {
    const auto message = load_error(edited({{"tranches[1].tenor_years", "-3"}}));
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find("t.yaml:"), std::string::npos) << message;
}

TEST(Loader, YamlSyntaxErrorHasPosition) {
    EXPECT_THROW_MSG((void)parse("name: x\ntranches: [a, b\n"), ProjectInputError,
                     "t.yaml:", "YAML syntax error");
}

TEST(Loader, QuotedNumberIsText) {
    std::string yaml = kBase;
    yaml.replace(yaml.find("capex_total: 1000"), 17, "capex_total: '1000'");
    EXPECT_THROW_MSG((void)parse(yaml), ProjectInputError,
                     "t.yaml:9:16: construction.capex_total: must be a number, got text '1000'");
}

TEST(Loader, DuplicateKey) {
    EXPECT_THROW_MSG((void)parse(std::string(kBase) + "name: again\n"), ProjectInputError,
                     "name: duplicate key");
}

TEST(Loader, WrongTypeDoesNotCascade) {
    // A type error is reported once, not followed by "must be > 0, got 0" for the same field.
    try {
        (void)pftoken::parse_project(edited({{"construction.capex_total", "lots"}}), "t.yaml");
        FAIL();
    } catch (const ProjectInputError& e) {
        ASSERT_EQ(e.issues().size(), 1u) << e.what();
        EXPECT_EQ(e.issues()[0].path, "construction.capex_total");
        EXPECT_EQ(e.issues()[0].constraint, "must be a number, got 'lots'");
    }
}

TEST(Loader, MissingFileIsAnInputError) {
    EXPECT_THROW_MSG((void)pftoken::load_project("/nonexistent/project.yaml"), pftoken::InputError,
                     "/nonexistent/project.yaml: cannot open: No such file or directory");
}

TEST(Validate, ProgrammaticProjectMessagesHaveNoLocation) {
    auto p = pftoken::parse_project(kBase, "base.yaml");
    p.tranches[1].tenor_years = -3;
    p.covenants.sweep.tranche = "nobody";
    const auto issues = pftoken::check_project(p);
    ASSERT_EQ(issues.size(), 2u);
    EXPECT_EQ(issues[0].to_string(), "tranches[1].tenor_years: must be > 0, got -3");
    EXPECT_EQ(issues[1].to_string(), "covenants.sweep.tranche: unknown tranche 'nobody'; tranches are: senior, junior");
    EXPECT_THROW_MSG(
        pftoken::validate(p), ProjectInputError,
        "2 input errors:\n  tranches[1].tenor_years: must be > 0, got -3\n"
        "  covenants.sweep.tranche: unknown tranche 'nobody'; tranches are: senior, junior");
    p.covenants.sweep.tranche = "junior";
    try {
        pftoken::validate(p);
        FAIL();
    } catch (const pftoken::InputError& e) {
        EXPECT_EQ(std::string(e.what()), "tranches[1].tenor_years: must be > 0, got -3");
        EXPECT_EQ(e.field(), "tranches[1].tenor_years");
    }
}

TEST(Validate, DefaultProjectListsMissingEssentials) {
    const auto issues = pftoken::check_project(pftoken::Project{});
    std::string all;
    for (const auto& issue : issues) all += issue.to_string() + "\n";
    EXPECT_NE(all.find("name: is required (non-empty)"), std::string::npos) << all;
    EXPECT_NE(all.find("construction.capex_total: must be > 0, got 0"), std::string::npos) << all;
    EXPECT_NE(all.find("revenues: must list at least one revenue stream"), std::string::npos) << all;
    EXPECT_NE(all.find("tranches: must list at least one tranche"), std::string::npos) << all;
}

TEST(Loader, CurveCsvErrorsNameFileAndLine) {
    const auto dir = std::filesystem::temp_directory_path() / "pftoken_loader_test";
    std::filesystem::create_directories(dir);
    {
        std::ofstream csv(dir / "bad.csv");
        csv << "years,zero_rate\n1,0.03\n2,abc\n3,0.04\n";
    }
    try {
        (void)pftoken::parse_project(edited({{"market.discount", "{csv_path: bad.csv}"}}), "t.yaml", dir);
        FAIL();
    } catch (const ProjectInputError& e) {
        ASSERT_EQ(e.issues().size(), 1u) << e.what();
        EXPECT_EQ(e.issues()[0].location, (dir / "bad.csv").string() + ":3");
        EXPECT_EQ(e.issues()[0].constraint, "column zero_rate: not a finite number, got 'abc'");
        EXPECT_EQ(e.issues()[0].path, "market.discount.csv_path");
    }
    std::filesystem::remove_all(dir);
}

// Every bad line of a curve CSV is reported at once, each with its line and column.
TEST(Loader, CurveCsvCollectsEveryBadLine) {
    const auto dir = std::filesystem::temp_directory_path() / "pftoken_loader_test_many";
    std::filesystem::create_directories(dir);
    {
        std::ofstream csv(dir / "bad.csv");
        csv << "years,zero_rate\n1,0.03\n0.5,0.04\n2,1.5\n\n3,x\n4,0.05,1\n";
    }
    try {
        (void)pftoken::parse_project(edited({{"market.discount", "{csv_path: bad.csv}"}}), "t.yaml", dir);
        FAIL();
    } catch (const ProjectInputError& e) {
        const std::string file = (dir / "bad.csv").string();
        ASSERT_EQ(e.issues().size(), 4u) << e.what();
        EXPECT_EQ(e.issues()[0].location, file + ":3");
        EXPECT_EQ(e.issues()[0].constraint, "column years: must increase, got 0.5 after 1");
        EXPECT_EQ(e.issues()[1].location, file + ":4");
        EXPECT_EQ(e.issues()[1].constraint, "column zero_rate: must be in (-100%, 100%), got 1.5");
        EXPECT_EQ(e.issues()[2].location, file + ":6");
        EXPECT_EQ(e.issues()[2].constraint, "column zero_rate: not a finite number, got 'x'");
        EXPECT_EQ(e.issues()[3].location, file + ":7");
        EXPECT_EQ(e.issues()[3].constraint, "expected 2 columns (years,zero_rate), got 3");
    }
    std::filesystem::remove_all(dir);
}

TEST(Loader, SectionsOfOtherLoadersAndExtensionsAreSkipped) {
    const auto p = pftoken::parse_project(std::string(kBase) + "stochastic: {volume: {p90_over_p50: 0.9}}\nx_notes: free text\n", "t.yaml");
    EXPECT_EQ(p.name, "Test");
    EXPECT_THROW_MSG((void)parse(std::string(kBase) + "stochastc: {}\n"), ProjectInputError,
                     "t.yaml:49:1: stochastc: unknown key (did you mean 'stochastic'?)");
}

TEST(Loader, LeapDayIsAValidDate) {
    const auto p = pftoken::parse_project(edited({{"timeline.financial_close", "2024-02-29"}}), "t.yaml");
    EXPECT_EQ(p.timeline.financial_close, (pftoken::CalendarDate{std::chrono::year{2024}, std::chrono::month{2}, std::chrono::day{29}}));
}

TEST(Loader, NumbersAcceptDigitSeparators) {
    const auto p = pftoken::parse_project(edited({{"construction.capex_total", "1_000"}}), "t.yaml");
    EXPECT_EQ(p.construction.capex_total, 1000.0);
}

}  // namespace

// Cash flows given directly from a CSV (one row per operating period, named columns) replace
// `revenues`; a short file, an unknown column or a bad cell is reported with the file, line and
// column (the file is read by base/csv.hpp).
TEST(Loader, CashFlowsFromCsv) {
    const auto dir = std::filesystem::temp_directory_path() / "pftoken_loader_test_cash_flows";
    std::filesystem::create_directories(dir);
    {
        std::ofstream csv(dir / "cf.csv");
        csv << "revenue,opex,maintenance_capex,working_capital_change\n";
        for (int i = 0; i < 40; ++i) csv << 100 + i << ",30,5," << (i == 0 ? 7 : i == 39 ? -7 : 0) << "\n";
    }
    const auto p = pftoken::parse_project(edited({{"revenues", "<delete>"}, {"cash_flows", "{csv_path: cf.csv}"}}), "t.yaml", dir);
    ASSERT_EQ(p.cash_flows.revenue.size(), 40u);
    EXPECT_EQ(p.cash_flows.revenue[39], 139.0);
    EXPECT_EQ(p.cash_flows.opex[0], 30.0);
    EXPECT_EQ(p.cash_flows.maintenance_capex[5], 5.0);
    ASSERT_EQ(p.cash_flows.working_capital_change.size(), 40u);
    EXPECT_EQ(p.cash_flows.working_capital_change[0], 7.0);
    EXPECT_EQ(p.cash_flows.working_capital_change[39], -7.0);
    {
        std::ofstream csv(dir / "short.csv");
        csv << "revenue\n1\n2\n";
    }
    EXPECT_THROW_MSG(
        (void)parse(edited({{"revenues", "<delete>"}, {"cash_flows", "{csv_path: short.csv}"}}),
                    dir),
        ProjectInputError,
        "cash_flows.revenue: must have one value per operating period (40 = 10 years x 4 a year), "
        "got 2");
    {
        std::ofstream csv(dir / "bad.csv");
        csv << "revenue,capex\n1,2\n";
    }
    EXPECT_THROW_MSG(
        (void)parse(edited({{"revenues", "<delete>"}, {"cash_flows", "{csv_path: bad.csv}"}}), dir),
        ProjectInputError,
        (dir / "bad.csv").string() +
            ":1:9: cash_flows.csv_path: column 'capex': unknown; columns are: revenue, opex, "
            "maintenance_capex, tax, working_capital_change, cfads");
    {
        std::ofstream csv(dir / "cell.csv");
        csv << "revenue\n1\nx\n";
    }
    EXPECT_THROW_MSG(
        (void)parse(edited({{"revenues", "<delete>"}, {"cash_flows", "{csv_path: cell.csv}"}}),
                    dir),
        ProjectInputError,
        (dir / "cell.csv").string() + ":3:1: cash_flows.csv_path: column revenue: ");
    EXPECT_THROW_MSG((void)parse(edited({{"cash_flows", "{cfads: [1, 2]}"}}), dir),
                     ProjectInputError,
                     "cash_flows: replaces revenues: give revenues or cash_flows, not both");
    std::filesystem::remove_all(dir);
}
