// The amm umbrella header alone is enough to use the library (interpreters and notebooks include
// only it): this file includes nothing else from pftoken.
#include <pftoken/amm/amm.hpp>

#include <gtest/gtest.h>

// Impermanent loss of a constant-product position, Pintail, "Uniswap: A Good Deal for Liquidity
// Providers?" (2019): a 2x price move loses 5.72%, a 4x move 20%, a 5x move 25.46%.
TEST(Umbrella, AmmImpermanentLossTable) {
    struct Row { double price_ratio, loss, tolerance; };
    const Row rows[] = {{2.0, -0.0572, 5e-5}, {4.0, -0.20, 1e-14}, {5.0, -0.2546, 5e-5}};
    for (const Row& row : rows) {
        EXPECT_NEAR(pftoken::amm::analytics::impermanent_loss_v2(row.price_ratio), row.loss, row.tolerance)
            << "price ratio " << row.price_ratio;
    }
}
