// Feedback loop: converges to a point where the DCF value equals the pool price; with a market
// that does not respond the spread converges geometrically to the implied spread.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "pftoken/integration/feedback.hpp"
#include "pftoken/integration/implied.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "support/gtest_extra.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration;

const std::string kSource = PFTOKEN_SOURCE_DIR;

TEST(Feedback, ConvergesToDcfEqualsPool) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const double dcf = value(project).tranches[0].price_per_token;
    FeedbackOptions o;
    const auto r = feedback_loop(project, 0, 0.95 * dcf, o);
    ASSERT_TRUE(r.converged) << r.message;
    EXPECT_LE(r.residual, o.tolerance);
    Project check = project;
    check.tranches[0].spread = r.spread;
    EXPECT_NEAR(value(check).tranches[0].price_per_token / r.price - 1.0, 0.0, 1e-7);
    EXPECT_GT(r.price, 0.95 * dcf - 1e-9);
    EXPECT_LT(r.price, dcf + 1e-9);
}

// market_response = 0: s_n - z = (1 - lambda)^n (s_0 - z) (a linear contraction), so with
// lambda = 1 one step lands on z and the residual is the z-spread solver's.
TEST(Feedback, FrozenMarketConvergesToTheImpliedSpread) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    const double pool = 0.97 * value(project).tranches[1].price_per_token;
    const double z = implied_spread(project, 1, pool).implied_spread;
    FeedbackOptions o;
    o.market_response = 0.0;
    o.spread_damping = 1.0;
    const auto one = feedback_loop(project, 1, pool, o);
    EXPECT_TRUE(one.converged) << one.message;
    EXPECT_EQ(one.iterations, 1);
    EXPECT_NEAR(one.spread, z, 1e-10);
    o.spread_damping = 0.5;
    o.max_iterations = 3;
    const auto three = feedback_loop(project, 1, pool, o);
    EXPECT_FALSE(three.converged);
    const double s0 = project.tranches[1].spread;
    EXPECT_NEAR(three.spread, z + 0.125 * (s0 - z), 1e-10);
    EXPECT_NE(three.message.find("did not converge in 3 iterations"), std::string::npos);
}

TEST(Feedback, BadOptionsNameTheField) {
    const Project project = load_project(kSource + "/data/examples/solar.yaml");
    FeedbackOptions o;
    o.spread_damping = 0.0;
    EXPECT_THROW_MSG((void)feedback_loop(project, 0, 1000.0, o), Error,
                     "feedback.spread_damping: must be in (0, 1], got 0");
}

}  // namespace
