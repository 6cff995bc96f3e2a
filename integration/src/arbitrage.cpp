// Arbitrage to fair value on v2 (closed form) and v3 (exact pool) (see arbitrage.hpp).
#include "pftoken/integration/arbitrage.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

#include "pftoken/amm/exact/uint256.hpp"
#include "pftoken/amm/exact/v3/pool.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"
#include "pftoken/amm/fast/tick_math.hpp"
#include "pftoken/base/validate.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/compare_pool.hpp"

namespace pftoken::integration {

namespace check = ::pftoken::validation;

namespace {
using amm::I256;
using amm::U256;
constexpr double kTwo64 = 18446744073709551616.0;

/// A non-negative integer-valued double below 2^192 as U256 (exact: dividing by 2^64 is exact
/// and every limb is an integer below 2^64).
U256 u256_from_double(double x) {
    const double value = std::floor(x);
    const double l2 = std::floor(value / (kTwo64 * kTwo64));
    const double rest2 = value - l2 * kTwo64 * kTwo64;
    const double l1 = std::floor(rest2 / kTwo64);
    const double l0 = rest2 - l1 * kTwo64;
    return U256(static_cast<std::uint64_t>(l0), static_cast<std::uint64_t>(l1), static_cast<std::uint64_t>(l2),
                std::uint64_t{0});
}
double x96_to_price(const U256& sqrt_x96) {
    const double s = std::ldexp(sqrt_x96.to_double(), -96);
    return s * s;
}
}  // namespace

double v2_amount_in_to_price(double reserve_token, double reserve_quote, double fee, double target) {
    check::Rules rules;
    rules.require("reserve_token", reserve_token, {check::positive()});
    rules.require("reserve_quote", reserve_quote, {check::positive()});
    rules.require("fee", fee, {check::in_half_open(0.0, 1.0)});
    rules.require("target", target, {check::positive()});
    rules.throw_if_failed("v2_amount_in_to_price");
    const double price = reserve_quote / reserve_token;
    if (target == price) return 0.0;
    const double k = reserve_token * reserve_quote;
    const bool quote_in = target > price;
    const double r_in = quote_in ? reserve_quote : reserve_token;
    const double q = quote_in ? k * target : k / target;
    const double g = 1.0 - fee;
    // (1-f) a^2 + R (2-f) a + (R^2 - q) = 0 with R^2 - q < 0: the positive root, written as
    // 2c / (-b - sqrt(b^2 - 4ac)) to avoid cancellation when the move is small.
    const double b = r_in * (2.0 - fee);
    const double c = r_in * r_in - q;
    return (-2.0 * c) / (b + std::sqrt(b * b - 4.0 * g * c));
}

ArbitrageResult arbitrage_v2(const PoolSpec& pool, double target) {
    PFT_REQUIRE(pool.type == PoolSpec::Type::V2, "arbitrage_v2: pool '" << pool.name << "' is not v2");
    ArbitrageResult r;
    r.pool_type = "v2";
    r.price_before = pool.initial_price();
    r.target_price = target;
    const double a = v2_amount_in_to_price(pool.reserve_token, pool.reserve_quote, pool.fee, target);
    r.buys_tokens = target > r.price_before;
    const double g = 1.0 - pool.fee;
    double x = pool.reserve_token, y = pool.reserve_quote;
    if (r.buys_tokens) {  // quote in: out = a g x / (y + a g)  (UniswapV2Library.getAmountOut)
        const double out = a * g * x / (y + a * g);
        r.quote_traded = a, r.tokens_traded = out, r.fee_paid = a * pool.fee;
        x -= out, y += a;
        r.profit = out * target - a;
    } else {
        const double out = a * g * y / (x + a * g);
        r.tokens_traded = a, r.quote_traded = out, r.fee_paid = a * pool.fee;
        x += a, y -= out;
        r.profit = out - a * target;
    }
    r.price_after = y / x;
    r.price_impact = r.price_after / r.price_before - 1.0;
    return r;
}

ArbitrageResult arbitrage_v3_exact(const PoolSpec& pool, double target) {
    PFT_REQUIRE(pool.type == PoolSpec::Type::V3, "arbitrage_v3_exact: pool '" << pool.name << "' is not v3");
    check::Rules rules;
    rules.require("target", target, {check::positive()});
    rules.throw_if_failed("arbitrage_v3_exact");
    amm::v3::PoolConfig config;
    config.fee_pips = static_cast<std::uint32_t>(std::lround(pool.fee * 1e6));
    config.tick_spacing = pool.tick_spacing;
    amm::v3::Pool exact(config);
    const double two96 = std::ldexp(1.0, 96);
    const auto init = exact.initialize(u256_from_double(std::sqrt(pool.price) * two96));
    PFT_ENSURE(init.ok(), "v3 pool: initialize failed at price " << pool.price);
    const auto ranges = v3_ranges(pool);
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        const auto raw = static_cast<amm::u128>(std::floor(ranges[i].liquidity * kExactRawPerHuman));
        const auto minted = exact.mint(static_cast<amm::v3::OwnerId>(i + 1), ranges[i].lower, ranges[i].upper, raw);
        PFT_ENSURE(minted.ok(), "pool.positions[" << i << "]: exact mint failed");
    }
    ArbitrageResult r;
    r.pool_type = "v3";
    r.price_before = x96_to_price(exact.sqrt_price_x96());
    r.target_price = target;
    const U256 limit = u256_from_double(std::sqrt(target) * two96);
    if (limit == exact.sqrt_price_x96()) {
        r.price_after = r.price_before;
        return r;
    }
    r.buys_tokens = limit > exact.sqrt_price_x96();
    const bool zero_for_one = !r.buys_tokens;
    // Exact input larger than any pool holds: the price limit stops the swap.
    const I256 unlimited = I256(std::numeric_limits<std::int64_t>::max());
    const auto swapped = exact.swap(zero_for_one, unlimited, limit);
    PFT_ENSURE(swapped.ok(), "v3 pool: exact swap to price " << target << " reverted");
    const auto& s = swapped.value;
    const double amount0 = (s.amount0.negative() ? -s.amount0.magnitude().to_double() : s.amount0.bits.to_double()) /
                           kExactRawPerHuman;
    const double amount1 = (s.amount1.negative() ? -s.amount1.magnitude().to_double() : s.amount1.bits.to_double()) /
                           kExactRawPerHuman;
    r.tokens_traded = std::fabs(amount0);
    r.quote_traded = std::fabs(amount1);
    r.fee_paid = (r.buys_tokens ? r.quote_traded : r.tokens_traded) * static_cast<double>(config.fee_pips) / 1e6;
    r.profit = r.buys_tokens ? r.tokens_traded * target - r.quote_traded : r.quote_traded - r.tokens_traded * target;
    r.price_after = x96_to_price(s.sqrt_price_x96);
    r.price_impact = r.price_after / r.price_before - 1.0;
    r.ticks_crossed = static_cast<int>(s.ticks_crossed);
    return r;
}

ArbitrageResult arbitrage(const PoolSpec& pool, double target) {
    return pool.type == PoolSpec::Type::V2 ? arbitrage_v2(pool, target) : arbitrage_v3_exact(pool, target);
}

}  // namespace pftoken::integration
