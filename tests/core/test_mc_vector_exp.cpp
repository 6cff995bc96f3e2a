// The vectorised exp() of the factor paths against std::exp (glibc's, correctly rounded in
// practice, < 1 ulp): relative error within 4e-16 (2 ulp) over the range factor models produce,
// exact where exp is exact, std::exp fallback outside [-700, 700].
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "pftoken/mc/vector_exp.hpp"

using pftoken::mc::exp_in_place;

TEST(McVectorExp, WithinTwoUlpOfStdExp) {
    std::mt19937_64 rng(11);
    for (double range : {1e-8, 0.01, 1.0, 5.0, 50.0, 700.0}) {
        std::uniform_real_distribution<double> u(-range, range);
        std::vector<double> x(100'000);
        for (double& v : x) v = u(rng);
        std::vector<double> y = x;
        exp_in_place(y);
        double worst = 0.0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double reference = std::exp(x[i]);
            worst = std::max(worst, std::abs(y[i] / reference - 1.0));
        }
        EXPECT_LE(worst, 4e-16) << "|x| <= " << range;
    }
}

TEST(McVectorExp, ExactPointsAndFallback) {
    std::vector<double> x{0.0, -0.0, std::log(2.0) * 0.0, 701.0, -750.0, std::numeric_limits<double>::quiet_NaN()};
    exp_in_place(x);
    EXPECT_EQ(x[0], 1.0);  // zero-volatility paths rely on exp(0) == 1 exactly
    EXPECT_EQ(x[1], 1.0);
    EXPECT_EQ(x[2], 1.0);
    EXPECT_EQ(x[3], std::exp(701.0));  // out of range: the whole array takes std::exp
    EXPECT_EQ(x[4], std::exp(-750.0));
    EXPECT_TRUE(std::isnan(x[5]));
    std::vector<double> powers{1.0, 2.0, -3.0, 10.0};
    for (double& v : powers) v *= std::log(2.0);
    exp_in_place(powers);
    EXPECT_NEAR(powers[0], 2.0, 4e-16 * 2.0);
    EXPECT_NEAR(powers[1], 4.0, 4e-16 * 4.0);
    EXPECT_NEAR(powers[2], 0.125, 4e-16 * 0.125);
    EXPECT_NEAR(powers[3], 1024.0, 4e-16 * 1024.0);
}

// The range check works on bit patterns (so that it vectorises): its boundary must be exactly
// |x| <= 700, and inf and NaN of either sign must take the std::exp fallback.
TEST(McVectorExp, RangeCheckBoundary) {
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (double x : {700.0, -700.0}) {
        std::vector<double> v{x};
        exp_in_place(v);
        EXPECT_EQ(v[0], pftoken::mc::detail::exp_kernel(x)) << x;  // in range: the polynomial kernel
    }
    for (double x : {std::nextafter(700.0, inf), std::nextafter(-700.0, -inf), inf, -inf, nan, -nan}) {
        std::vector<double> v{0.5, x};
        exp_in_place(v);
        EXPECT_EQ(v[0], std::exp(0.5)) << x;  // the whole array took std::exp
        if (std::isnan(x)) EXPECT_TRUE(std::isnan(v[1]));
        else EXPECT_EQ(v[1], std::exp(x)) << x;
    }
}
