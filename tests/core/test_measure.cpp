// The one measure from kernel output to prices: the equity IRR solver on closed forms.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "pftoken/valuation/measure.hpp"

using pftoken::IrrGrid;

// Closed forms: -100 now and +121 in two years: (1 + r)^2 = 1.21, r = 10%. A 4-year annuity of
// 30 for 100: 100 = 30 (1 - (1 + r)^-4) / r, r = 7.71384729520836% (mpmath,
// mpmath: findroot(lambda r: 30*(1-(1+r)**-4)/r - 100, 0.08) = 0.0771384729520836...).
TEST(Measure, EquityIrrMatchesClosedForms) {
    const IrrGrid two_years(std::vector<double>{0.0, 1.0, 2.0});
    EXPECT_TRUE(two_years.incremental);
    const std::vector<double> bullet{-100.0, 0.0, 121.0};
    EXPECT_NEAR(pftoken::equity_irr(bullet, two_years, 0.5), 0.10, 1e-15);
    const IrrGrid annual(std::vector<double>{0.0, 1.0, 2.0, 3.0, 4.0});
    const std::vector<double> annuity{-100.0, 30.0, 30.0, 30.0, 30.0};
    EXPECT_NEAR(pftoken::equity_irr(annuity, annual, 0.1), 0.0771384729520836, 1e-12);
    // From a far guess Newton leaves the range and the bracketed search finds the same root.
    EXPECT_NEAR(pftoken::equity_irr(annuity, annual, 4.9), 0.0771384729520836, 1e-12);
    // No sign change, no IRR.
    const std::vector<double> gifts{0.0, 30.0, 30.0, 30.0, 30.0};
    EXPECT_TRUE(std::isnan(pftoken::equity_irr(gifts, annual, 0.1)));
}
