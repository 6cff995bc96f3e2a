// The treasury's LP position in the abm pool (see abm/treasury_lp.hpp, docs/abm.md).
#include "pftoken/integration/abm/treasury_lp.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <variant>

#include "pftoken/amm/analytics/position.hpp"
#include "pftoken/amm/fast/tick_math.hpp"

namespace pftoken::integration::abm {
namespace {

constexpr const char* kOwner = "treasury";

}  // namespace

std::pair<int, int> full_range_ticks(int tick_spacing) noexcept {
    const int lower = -(amm::fast::kMaxTick / tick_spacing) * tick_spacing;
    return {lower, -lower};
}

amm::fast::TokenAmounts TreasuryLp::deposit(FastPool& pool, double tokens, double quote) {
    amm::fast::TokenAmounts used;
    std::visit(
        [&](auto& p) {
            if constexpr (std::is_same_v<std::decay_t<decltype(p)>, amm::fast::ConstantProductPool>) {
                const double a0 = std::min(tokens, quote / p.price());
                // The fees accrued so far belong to the shares held before this deposit.
                const double share = shares_ > 0.0 ? shares_ / p.total_shares() : 0.0;
                const auto change = p.add_liquidity(a0, a0 * p.price());
                fees0_ += share * (p.fees_accrued0() - seen0_);
                fees1_ += share * (p.fees_accrued1() - seen1_);
                seen0_ = p.fees_accrued0(), seen1_ = p.fees_accrued1();
                shares_ += change.shares;
                used = {change.amount0, change.amount1};
            } else {
                const auto [lower, upper] = full_range_ticks(p.tick_spacing());
                const double s = p.sqrt_price();
                const double sa = amm::fast::sqrt_price_at_tick(lower), sb = amm::fast::sqrt_price_at_tick(upper);
                const double liquidity = std::min(tokens / (1.0 / s - 1.0 / sb), quote / (s - sa));
                if (liquidity < 1.0) return;  // dust: wait for more
                used = p.mint(kOwner, lower, upper, std::floor(liquidity));
            }
        },
        pool);
    return used;
}

LpHoldings TreasuryLp::holdings(const FastPool& pool) const {
    LpHoldings h;
    std::visit(
        [&](const auto& p) {
            if constexpr (std::is_same_v<std::decay_t<decltype(p)>, amm::fast::ConstantProductPool>) {
                if (shares_ <= 0.0) return;
                const double share = shares_ / p.total_shares();
                h.amount0 = share * p.reserve0();
                h.amount1 = share * p.reserve1();
                h.fees0 = fees0_ + share * (p.fees_accrued0() - seen0_);
                h.fees1 = fees1_ + share * (p.fees_accrued1() - seen1_);
            } else {
                const auto [lower, upper] = full_range_ticks(p.tick_spacing());
                const auto position = p.position(kOwner, lower, upper);
                if (!position) return;
                const auto inside = p.fee_growth_inside(lower, upper);
                h.fees0 = position->tokens_owed0 + position->liquidity * (inside.amount0 - position->fee_growth_inside0_last);
                h.fees1 = position->tokens_owed1 + position->liquidity * (inside.amount1 - position->fee_growth_inside1_last);
                const double sa = amm::fast::sqrt_price_at_tick(lower), sb = amm::fast::sqrt_price_at_tick(upper);
                const auto amounts = amm::analytics::position_amounts(position->liquidity, p.price(), sa * sa, sb * sb);
                h.amount0 = amounts.amount0 + h.fees0;
                h.amount1 = amounts.amount1 + h.fees1;
            }
        },
        pool);
    return h;
}

}  // namespace pftoken::integration::abm
