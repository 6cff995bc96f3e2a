// Pool construction for the compare analytics (see compare_pool.hpp).
#include "pftoken/integration/compare_pool.hpp"

#include <cmath>

#include <fmt/format.h>

#include "pftoken/amm/fast/tick_math.hpp"

namespace pftoken::integration {

double v3_value_per_liquidity(double s, double sa, double sb) noexcept {
    if (s <= sa) return s * s * (1.0 / sa - 1.0 / sb);
    if (s >= sb) return sb - sa;
    return 2.0 * s - sa - s * s / sb;
}

std::vector<V3Range> v3_ranges(const PoolSpec& pool) {
    std::vector<V3Range> out;
    const int spacing = pool.tick_spacing;
    const double s = std::sqrt(pool.price);
    for (const auto& pos : pool.positions) {
        const int lower = static_cast<int>(
            std::floor(static_cast<double>(amm::fast::tick_at_sqrt_price(std::sqrt(pos.lower_price))) / spacing) *
            spacing);
        int upper = static_cast<int>(
            std::ceil(static_cast<double>(amm::fast::tick_at_sqrt_price(std::sqrt(pos.upper_price))) / spacing) *
            spacing);
        if (upper <= lower) upper = lower + spacing;
        const double per_l =
            v3_value_per_liquidity(s, amm::fast::sqrt_price_at_tick(lower), amm::fast::sqrt_price_at_tick(upper));
        out.push_back({lower, upper, pos.value / per_l});
    }
    return out;
}

FastPool make_fast_pool(const PoolSpec& pool) {
    if (pool.type == PoolSpec::Type::V2)
        return amm::fast::ConstantProductPool(
            amm::fast::ConstantProductOptions{pool.reserve_token, pool.reserve_quote, pool.fee});
    amm::fast::ConcentratedLiquidityOptions options;
    options.fee_pips = static_cast<std::uint32_t>(std::lround(pool.fee * 1e6));
    options.tick_spacing = pool.tick_spacing;
    options.sqrt_price = std::sqrt(pool.price);
    // Human units, real numbers: no smallest token unit, nothing refused as too thin
    // (docs/amm-fast-and-analytics.md, "Accepted input range").
    options.token0_unit = 0.0;
    options.token1_unit = 0.0;
    amm::fast::ConcentratedLiquidityPool v3(options);
    const auto ranges = v3_ranges(pool);
    for (std::size_t i = 0; i < ranges.size(); ++i)
        (void)v3.mint(fmt::format("lp{}", i), ranges[i].lower, ranges[i].upper, ranges[i].liquidity);
    return v3;
}

}  // namespace pftoken::integration
