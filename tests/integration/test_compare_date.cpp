// `compare` values the debt at the date its pool price was observed (pool.observation_date,
// docs/valuation-date.md): the DCF price of a project valued at that date, the date printed, and
// a refusal when the project is valued at another date.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "pftoken/error.hpp"
#include "pftoken/integration/compare.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "support/builders.hpp"
#include "support/gtest_extra.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration;

CalendarDate ymd(int y, unsigned m, unsigned d) {
    return CalendarDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

PoolSpec pool_at(std::optional<CalendarDate> observed) {
    PoolSpec pool = load_pool(test::source_path("data/compare/solar_pool.yaml"));
    pool.observation_date = observed;
    return pool;
}

}  // namespace

// A pool observed two years after COD is compared with the DCF price at that date: the dirty
// price per token of value() with valuation_date = the observation date, not the COD price.
TEST(CompareDate, PoolObservationDateSetsTheValuationDate) {
    const Project project = test::example_project("solar.yaml");
    CompareOptions options;
    options.propagation.paths = 10;
    const auto at_cod = run_compare(project, pool_at(std::nullopt), nullptr, options);
    EXPECT_EQ(at_cod.date, value(project).grid.cod);
    EXPECT_NE(compare_table(at_cod).find("Tranche prices at 2026-04-15 (COD; neither the project's valuation_date nor "
                                         "the pool's observation_date is given)"),
              std::string::npos);

    const auto r = run_compare(project, pool_at(ymd(2028, 5, 1)), nullptr, options);
    Project dated = project;
    dated.valuation_date = ymd(2028, 5, 1);
    const ValuationResult v = value(dated);
    EXPECT_EQ(r.date, ymd(2028, 5, 1));
    EXPECT_DOUBLE_EQ(r.fair.dcf_price, v.tranches[0].price_per_token);
    EXPECT_NE(r.fair.dcf_price, at_cod.fair.dcf_price);
    EXPECT_DOUBLE_EQ(r.arbitrage.target_price, v.tranches[0].price_per_token);
    EXPECT_NE(compare_table(r).find("Tranche prices at 2028-05-01 (the pool's observation_date)"), std::string::npos);
    EXPECT_NE(compare_json(r).find("\"date\": \"2028-05-01\""), std::string::npos);

    // Same date on both sides: accepted, same numbers.
    const auto same = run_compare(dated, pool_at(ymd(2028, 5, 1)), nullptr, options);
    EXPECT_DOUBLE_EQ(same.fair.dcf_price, r.fair.dcf_price);
}

TEST(CompareDate, DifferentDatesAreRefused) {
    Project project = test::example_project("solar.yaml");
    project.valuation_date = ymd(2027, 1, 1);
    EXPECT_THROW_MSG((void)run_compare(project, pool_at(ymd(2028, 5, 1)), nullptr, {}), InputError,
                     "pool.observation_date: 2028-05-01 differs from the project's valuation_date (2027-01-01): a DCF "
                     "value and a pool price compare only at one date; set one to the other");
    project.valuation_date.reset();
    EXPECT_THROW_MSG((void)run_compare(project, pool_at(ymd(2060, 1, 1)), nullptr, {}), InputError,
                     "pool.observation_date: must be within the project's life, from timeline.financial_close "
                     "(2025-01-15) to the last period end (2051-04-15), got 2060-01-01");
}

TEST(CompareDate, PoolFileReadsTheObservationDate) {
    const std::string text = "pool: {type: v2, token: SUN-A, reserve_token: 100, reserve_quote: 100000, "
                             "observation_date: 2028-05-01}\n";
    const PoolSpec pool = parse_pool(text, "p.yaml");
    ASSERT_TRUE(pool.observation_date.has_value());
    EXPECT_EQ(*pool.observation_date, ymd(2028, 5, 1));
    EXPECT_THROW_MSG((void)parse_pool("pool: {type: v2, token: SUN-A, reserve_token: 100, reserve_quote: 100000, "
                                      "observation_date: 2028-02-30}\n",
                                      "p.yaml"),
                     InputError, "pool.observation_date: must be a valid date YYYY-MM-DD, got '2028-02-30'");
}
