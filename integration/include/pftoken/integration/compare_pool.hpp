#pragma once
// Pool construction shared by the compare analytics: a PoolSpec (data/pools/*.yaml) as v3 tick
// ranges with liquidity, or as a fast twin (human units, price = quote per token).

#include <string>
#include <variant>
#include <vector>

#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/integration/liquidity_stress.hpp"

namespace pftoken::integration {

/// One v3 position on the tick grid with its liquidity (human units).
struct V3Range {
    int lower = 0;
    int upper = 0;
    double liquidity = 0.0;
};

/// Quote value of one unit of v3 liquidity on [sa^2, sb^2] at sqrt price s (token0 valued at
/// s^2): Uniswap v3 whitepaper eq. 6.29-6.30 (amounts x = L(1/s - 1/sb), y = L(s - sa)).
[[nodiscard]] double v3_value_per_liquidity(double s, double sa, double sb) noexcept;

/// The pool's positions widened outwards to the tick grid (lower down, upper up) with
/// L = value / v3_value_per_liquidity, the same construction as the liquidity stress.
[[nodiscard]] std::vector<V3Range> v3_ranges(const PoolSpec& pool);

/// Fast twin of the pool (v2 or v3, positions owned by "lp<i>").
using FastPool = std::variant<amm::fast::ConstantProductPool, amm::fast::ConcentratedLiquidityPool>;
[[nodiscard]] FastPool make_fast_pool(const PoolSpec& pool);

}  // namespace pftoken::integration
