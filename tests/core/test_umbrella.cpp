// The core umbrella header alone is enough to use the library (interpreters and notebooks include
// only it): this file includes nothing else from pftoken.
#include <pftoken/pftoken.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cmath>

// A flat 5% annually compounded curve, DF(t) = 1.05^-t, has simple one-year forwards of exactly 5%:
// f = (DF_i / DF_{i+1} - 1) / 1 = 1.05 - 1 (definition of the simple forward rate, Hull, "Options,
// Futures, and Other Derivatives", 10th ed., ch. 4).
TEST(Umbrella, CoreForwardRatesOfAFlatCurve) {
    const std::array<double, 3> discount_factors{1.0, 1.0 / 1.05, 1.0 / (1.05 * 1.05)};
    const std::array<double, 2> accrual{1.0, 1.0};
    std::array<double, 2> forwards{};
    pftoken::pricing::forward_rates(discount_factors, accrual, forwards);
    EXPECT_NEAR(forwards[0], 0.05, 1e-14);
    EXPECT_NEAR(forwards[1], 0.05, 1e-14);
    EXPECT_STRNE(pftoken::version(), "");
}
