// The integration umbrella header alone is enough to use the library (interpreters and notebooks
// include only it): this file includes nothing else from pftoken.
#include <pftoken/integration/integration.hpp>

#include <gtest/gtest.h>

// Constant product x y = k (Adams, Zinsmeister, Robinson, "Uniswap v2 Core", 2020) without fee:
// moving 1000 tokens / 1000 quote (price 1) to price 4 needs y = sqrt(k * 4) = 2000, so exactly
// 1000 quote in; to price 1/4 needs x = sqrt(k * 4) = 2000, so 1000 tokens in.
TEST(Umbrella, IntegrationV2AmountToMoveThePrice) {
    EXPECT_NEAR(pftoken::integration::v2_amount_in_to_price(1000.0, 1000.0, 0.0, 4.0), 1000.0, 1e-9);
    EXPECT_NEAR(pftoken::integration::v2_amount_in_to_price(1000.0, 1000.0, 0.0, 0.25), 1000.0, 1e-9);
}
