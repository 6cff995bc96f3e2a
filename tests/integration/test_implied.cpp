// Market-implied z-spread and CFADS haircut: both must reprice to the pool price when applied.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "pftoken/integration/implied.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration;

const std::string kSource = PFTOKEN_SOURCE_DIR;

// Issue 5 verification: "implied spread reprices the tranche to the market price to 1e-8".
// Applying the implied spread as the tranche's discount spread and revaluing with pftoken::value
// must give the pool price back.
TEST(Implied, SpreadRepricesTheTrancheToThePoolPrice) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const auto base = value(project);
    for (std::size_t k = 0; k < project.tranches.size(); ++k) {
        for (double move : {-0.08, -0.01, 0.0, 0.02}) {
            const double pool = base.tranches[k].price_per_token * (1.0 + move);
            const auto r = implied_spread(project, k, pool);
            Project repriced = project;
            repriced.tranches[k].spread = r.implied_spread;
            const double price = value(repriced).tranches[k].price_per_token;
            EXPECT_NEAR(price / pool - 1.0, 0.0, 1e-8) << "tranche " << k << " move " << move;
            if (move < 0.0) {
                EXPECT_GT(r.implied_spread, r.model_spread) << "a discount means a wider spread";
            }
            if (move == 0.0) {
                EXPECT_NEAR(r.spread_gap_bp, 0.0, 1e-4);
            }
        }
    }
}

TEST(Implied, NonPositivePoolPriceIsRejected) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    EXPECT_THROW((void)implied_spread(project, 0, 0.0), Error);
}

// The haircut applied forward through the stress engine (volume x (1 - h), the same kernel)
// must land on the target PV ratio pool / DCF.
TEST(Implied, HaircutAppliedForwardLandsOnThePoolPrice) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const auto base = value(project);
    for (std::size_t k : {std::size_t{0}, std::size_t{2}}) {
        const double dcf = base.tranches[k].price_per_token;
        const double pool = 0.9 * dcf;
        const auto r = implied_haircut(project, k, pool, dcf);
        ASSERT_TRUE(r.found) << r.message;
        EXPECT_GT(r.haircut, 0.0);
        EXPECT_LT(r.haircut, 1.0);
        stress::StressEngine engine(project);
        stress::Scenario s;
        s.name = "check";
        s.shocks.push_back(stress::make_shock(stress::ShockType::Volume, -r.haircut));
        const double ratio = engine.evaluate(s).tranches[k].pv / engine.base().metrics.tranches[k].pv;
        EXPECT_NEAR(ratio, 0.9, 1e-6) << "tranche " << k;
    }
}

TEST(Implied, NoHaircutWhenThePoolIsAboveTheDcfValue) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const auto r = implied_haircut(project, 0, 1100.0, 1000.0);
    EXPECT_FALSE(r.found);
    EXPECT_TRUE(std::isnan(r.haircut));
    EXPECT_NE(r.message.find("no haircut in [0, 1] reprices: the pool price is 10% above the DCF value"),
              std::string::npos)
        << r.message;
}

}  // namespace
