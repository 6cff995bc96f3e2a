// Uniswap v3 pool state machine (UniswapV3Pool.sol minus oracle and callbacks).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "pftoken/amm/exact/full_math.hpp"
#include "pftoken/amm/exact/v3/liquidity_math.hpp"
#include "pftoken/amm/exact/v3/pool.hpp"
#include "pftoken/amm/exact/v3/sqrt_price_math.hpp"
#include "pftoken/amm/exact/v3/swap_math.hpp"
#include "v3_swap_fast.hpp"
#include "wide_div.hpp"

namespace pftoken::amm::v3 {

PoolConfig PoolConfig::fee_tier(std::uint32_t fee_pips) {
    switch (fee_pips) {
    case 500: return {500, 10};
    case 3000: return {3000, 60};
    case 10000: return {10000, 200};
    default:
        throw std::invalid_argument("fee_pips: not a factory fee tier (500, 3000, 10000), got " +
                                    std::to_string(fee_pips));
    }
}

std::string PoolConfig::validate() const {
    if (fee_pips >= 1000000u) return "fee_pips: must be < 1000000, got " + std::to_string(fee_pips);
    if (tick_spacing <= 0 || tick_spacing >= 16384)
        return "tick_spacing: must be in [1, 16383], got " + std::to_string(tick_spacing);
    return {};
}

namespace {
PoolConfig checked(const PoolConfig& c) {
    const std::string why = c.validate();
    if (!why.empty()) throw std::invalid_argument(why);
    return c;
}

}  // namespace

Pool::Pool(const PoolConfig& config)
    : config_(checked(config)),
      max_liquidity_per_tick_(tick_spacing_to_max_liquidity_per_tick(config.tick_spacing)),
      bitmap_(config.tick_spacing) {
    cross_log_.reserve(256);
    ticks_.reserve(64);
    const fast::FeeConstants k = fast::make_fee_constants(config_.fee_pips);
    fee_million_ = k.million;
    fee_complement_ = k.complement;
}

Result<std::int32_t> Pool::initialize(const U256& sqrt_price_x96) {
    if (!sqrt_price_x96_.is_zero()) return Revert::AI;
    const Result<std::int32_t> t = get_tick_at_sqrt_ratio(sqrt_price_x96);
    if (!t.ok()) return t;
    sqrt_price_x96_ = sqrt_price_x96;
    tick_ = t.value;
    unlocked_ = true;
    return t;
}

const TickInfo* Pool::tick_info(std::int32_t tick) const noexcept {
    const auto it = ticks_.find(tick);
    return it == ticks_.end() ? nullptr : &it->second;
}

const PositionInfo* Pool::position(OwnerId owner, std::int32_t lower, std::int32_t upper) const noexcept {
    const auto it = positions_.find(PositionKey{owner, lower, upper});
    return it == positions_.end() ? nullptr : &it->second;
}

std::vector<std::int32_t> Pool::initialized_ticks() const {
    std::vector<std::int32_t> out;
    out.reserve(ticks_.size());
    for (const auto& [t, info] : ticks_) out.push_back(t);
    std::sort(out.begin(), out.end());
    return out;
}

FeeGrowthInside Pool::fee_growth_inside(std::int32_t lower, std::int32_t upper) const noexcept {
    static const TickInfo empty{};
    const TickInfo* lo = tick_info(lower);
    const TickInfo* hi = tick_info(upper);
    return get_fee_growth_inside(lo != nullptr ? *lo : empty, hi != nullptr ? *hi : empty, lower, upper, tick_,
                                 fee_growth_global0_x128_, fee_growth_global1_x128_);
}

// Everything _modifyPosition would write, computed on copies so a revert changes nothing.
struct Pool::ModifyPlan {
    PositionKey key;
    PositionInfo position;
    TickInfo lower;
    TickInfo upper;
    bool flipped_lower = false;
    bool flipped_upper = false;
    bool clear_flipped = false;  // liquidity_delta < 0: flipped ticks are deleted
    u128 liquidity_after = 0;
    I256 amount0;
    I256 amount1;
};

Result<Pool::ModifyPlan> Pool::plan_modify_position(OwnerId owner, std::int32_t tick_lower, std::int32_t tick_upper,
                                                    i128 liquidity_delta) const {
    if (tick_lower >= tick_upper) return Revert::TLU;
    if (tick_lower < kMinTick) return Revert::TLM;
    if (tick_upper > kMaxTick) return Revert::TUM;

    ModifyPlan plan;
    plan.key = PositionKey{owner, tick_lower, tick_upper};
    if (const PositionInfo* p = position(owner, tick_lower, tick_upper)) plan.position = *p;
    if (const TickInfo* t = tick_info(tick_lower)) plan.lower = *t;
    if (const TickInfo* t = tick_info(tick_upper)) plan.upper = *t;
    plan.liquidity_after = liquidity_;

    if (liquidity_delta != 0) {
        const Result<bool> fl = tick_update(plan.lower, tick_lower, tick_, liquidity_delta, fee_growth_global0_x128_,
                                            fee_growth_global1_x128_, false, max_liquidity_per_tick_);
        if (!fl.ok()) return fl.error;
        const Result<bool> fu = tick_update(plan.upper, tick_upper, tick_, liquidity_delta, fee_growth_global0_x128_,
                                            fee_growth_global1_x128_, true, max_liquidity_per_tick_);
        if (!fu.ok()) return fu.error;
        plan.flipped_lower = fl.value;
        plan.flipped_upper = fu.value;
        if ((plan.flipped_lower && tick_lower % config_.tick_spacing != 0) ||
            (plan.flipped_upper && tick_upper % config_.tick_spacing != 0))
            return Revert::TickSpacing;
    }
    const FeeGrowthInside inside = get_fee_growth_inside(plan.lower, plan.upper, tick_lower, tick_upper, tick_,
                                                         fee_growth_global0_x128_, fee_growth_global1_x128_);
    const Result<PositionInfo> updated = position_update(plan.position, liquidity_delta, inside.fee_growth_inside0_x128,
                                                         inside.fee_growth_inside1_x128);
    if (!updated.ok()) return updated.error;
    plan.position = updated.value;
    plan.clear_flipped = liquidity_delta < 0;

    if (liquidity_delta != 0) {
        const Result<U256> sqrt_lower = get_sqrt_ratio_at_tick(tick_lower);
        const Result<U256> sqrt_upper = get_sqrt_ratio_at_tick(tick_upper);
        if (!sqrt_lower.ok()) return sqrt_lower.error;
        if (!sqrt_upper.ok()) return sqrt_upper.error;
        if (tick_ < tick_lower) {
            // Range above the price: only token0.
            const Result<I256> a0 = get_amount0_delta_signed(sqrt_lower.value, sqrt_upper.value, liquidity_delta);
            if (!a0.ok()) return a0.error;
            plan.amount0 = a0.value;
        } else if (tick_ < tick_upper) {
            const Result<I256> a0 = get_amount0_delta_signed(sqrt_price_x96_, sqrt_upper.value, liquidity_delta);
            if (!a0.ok()) return a0.error;
            const Result<I256> a1 = get_amount1_delta_signed(sqrt_lower.value, sqrt_price_x96_, liquidity_delta);
            if (!a1.ok()) return a1.error;
            const Result<u128> l = add_delta(liquidity_, liquidity_delta);
            if (!l.ok()) return l.error;
            plan.amount0 = a0.value;
            plan.amount1 = a1.value;
            plan.liquidity_after = l.value;
        } else {
            // Range below the price: only token1.
            const Result<I256> a1 = get_amount1_delta_signed(sqrt_lower.value, sqrt_upper.value, liquidity_delta);
            if (!a1.ok()) return a1.error;
            plan.amount1 = a1.value;
        }
    }
    return plan;
}

void Pool::commit(const ModifyPlan& plan) {
    const auto store = [&](std::int32_t tick, const TickInfo& info, bool flipped) {
        if (flipped) (void)bitmap_.flip_tick(tick);  // spacing checked in the plan
        if (flipped && plan.clear_flipped) ticks_.erase(tick);
        else ticks_[tick] = info;
    };
    store(plan.key.tick_lower, plan.lower, plan.flipped_lower);
    store(plan.key.tick_upper, plan.upper, plan.flipped_upper);
    positions_[plan.key] = plan.position;
    liquidity_ = plan.liquidity_after;
}

Result<MintResult> Pool::mint(OwnerId owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount) {
    return mint_impl(owner, tick_lower, tick_upper, amount, nullptr);
}

Result<MintResult> Pool::mint(OwnerId owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount,
                              const PayCallback& pay) {
    return mint_impl(owner, tick_lower, tick_upper, amount, &pay);
}

Result<MintResult> Pool::mint_impl(OwnerId owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount,
                                   const PayCallback* pay) {
    if (!unlocked_) return Revert::LOK;
    if (amount == 0) return Revert::ZeroAmount;
    if ((amount >> 127) != 0) return Revert::Overflow;  // int256(amount).toInt128()
    const Result<ModifyPlan> plan = plan_modify_position(owner, tick_lower, tick_upper, static_cast<i128>(amount));
    if (!plan.ok()) return plan.error;
    const MintResult r{plan.value.amount0.bits, plan.value.amount1.bits};  // non-negative for a mint
    Payment paid{r.amount0, r.amount1};
    if (pay != nullptr && *pay) {
        // uniswapV3MintCallback, then require(balanceBefore + amount <= balance) per non-zero amount.
        paid = (*pay)(r.amount0, r.amount1);
        if (!r.amount0.is_zero() && paid.amount0 < r.amount0) return Revert::M0;
        if (!r.amount1.is_zero() && paid.amount1 < r.amount1) return Revert::M1;
    }
    commit(plan.value);
    balance0_ += paid.amount0;
    balance1_ += paid.amount1;
    return r;
}

Result<BurnResult> Pool::burn(OwnerId owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount) {
    if (!unlocked_) return Revert::LOK;
    if ((amount >> 127) != 0) return Revert::Overflow;
    Result<ModifyPlan> plan = plan_modify_position(owner, tick_lower, tick_upper, -static_cast<i128>(amount));
    if (!plan.ok()) return plan.error;
    const BurnResult r{(-plan.value.amount0).bits, (-plan.value.amount1).bits};
    if (!r.amount0.is_zero() || !r.amount1.is_zero()) {
        // uint128() truncation and wrapping add, as in UniswapV3Pool.burn.
        plan.value.position.tokens_owed0 += r.amount0.low128();
        plan.value.position.tokens_owed1 += r.amount1.low128();
    }
    commit(plan.value);
    return r;
}

Result<CollectResult> Pool::collect(OwnerId owner, std::int32_t tick_lower, std::int32_t tick_upper,
                                    u128 amount0_requested, u128 amount1_requested) {
    if (!unlocked_) return Revert::LOK;
    const auto it = positions_.find(PositionKey{owner, tick_lower, tick_upper});
    if (it == positions_.end()) return CollectResult{};  // Solidity reads an all-zero position
    PositionInfo& p = it->second;
    CollectResult r{std::min(amount0_requested, p.tokens_owed0), std::min(amount1_requested, p.tokens_owed1)};
    p.tokens_owed0 -= r.amount0;
    p.tokens_owed1 -= r.amount1;
    balance0_ -= U256{r.amount0};
    balance1_ -= U256{r.amount1};
    return r;
}

Revert Pool::set_fee_protocol(std::uint8_t fee_protocol0, std::uint8_t fee_protocol1) {
    if (!unlocked_) return Revert::LOK;
    const auto valid = [](std::uint8_t f) { return f == 0 || (f >= 4 && f <= 10); };
    if (!valid(fee_protocol0) || !valid(fee_protocol1)) return Revert::FeeProtocol;
    fee_protocol_ = static_cast<std::uint8_t>(fee_protocol0 + (fee_protocol1 << 4));
    return Revert::None;
}

Revert Pool::set_fee_protocol_packed(std::uint8_t fee_protocol) {
    return set_fee_protocol(static_cast<std::uint8_t>(fee_protocol % 16), static_cast<std::uint8_t>(fee_protocol >> 4));
}

Result<CollectResult> Pool::collect_protocol(u128 amount0_requested, u128 amount1_requested) {
    if (!unlocked_) return Revert::LOK;
    CollectResult r{std::min(amount0_requested, protocol_fees_.token0), std::min(amount1_requested, protocol_fees_.token1)};
    // Uniswap leaves one wei so the storage slot is never cleared.
    if (r.amount0 > 0 && r.amount0 == protocol_fees_.token0) --r.amount0;
    if (r.amount1 > 0 && r.amount1 == protocol_fees_.token1) --r.amount1;
    protocol_fees_.token0 -= r.amount0;
    protocol_fees_.token1 -= r.amount1;
    balance0_ -= U256{r.amount0};
    balance1_ -= U256{r.amount1};
    return r;
}

const Pool::SqrtCacheEntry& Pool::sqrt_entry_at(std::int32_t tick) noexcept {
    // Fibonacci hashing spreads multiples of the tick spacing over the 16 slots.
    const std::uint32_t slot = (static_cast<std::uint32_t>(tick) * 2654435769u) >> 28;
    SqrtCacheEntry& e = sqrt_cache_[slot];
    if (e.tick != tick) {
        e.sqrt_price_x96 = get_sqrt_ratio_at_tick(tick).value;  // in range: never reverts
        e.tick = tick;
        e.divisor = fast::in_price_regime(e.sqrt_price_x96) ? detail::make_divisor128(e.sqrt_price_x96.low128())
                                                            : detail::Divisor128{};
    }
    return e;
}

const detail::Divisor128& Pool::liquidity_divisor_for(u128 liquidity) noexcept {
    // Crossing ticks back and forth revisits the same liquidity values: 32 direct-mapped slots.
    const std::uint64_t h = (static_cast<std::uint64_t>(liquidity) ^ static_cast<std::uint64_t>(liquidity >> 64)) *
                            0x9e3779b97f4a7c15ull;
    detail::Divisor128& e = liquidity_divisors_[h >> 59];
    if (e.value != liquidity) e = detail::make_divisor128(liquidity);
    return e;
}

Result<SwapResult> Pool::swap(bool zero_for_one, const I256& amount_specified, const U256& sqrt_price_limit_x96) {
    return swap_impl(zero_for_one, amount_specified, sqrt_price_limit_x96, nullptr);
}

Result<SwapResult> Pool::swap(bool zero_for_one, const I256& amount_specified, const U256& sqrt_price_limit_x96,
                              const PayCallback& pay) {
    return swap_impl(zero_for_one, amount_specified, sqrt_price_limit_x96, &pay);
}

Result<SwapResult> Pool::swap_impl(bool zero_for_one, const I256& amount_specified, const U256& sqrt_price_limit_x96,
                                   const PayCallback* pay) {
    if (amount_specified.is_zero()) return Revert::AS;
    if (!unlocked_) return Revert::LOK;
    if (zero_for_one ? !(sqrt_price_limit_x96 < sqrt_price_x96_ && sqrt_price_limit_x96 > kMinSqrtRatio)
                     : !(sqrt_price_limit_x96 > sqrt_price_x96_ && sqrt_price_limit_x96 < kMaxSqrtRatio))
        return Revert::SPL;

    const std::uint32_t fee_protocol = zero_for_one ? (fee_protocol_ % 16u) : (fee_protocol_ >> 4u);
    const bool exact_input = !amount_specified.negative();

    I256 remaining = amount_specified;
    I256 calculated{0};
    U256 sqrt_price = sqrt_price_x96_;
    std::int32_t tick = tick_;
    U256 fee_growth_global = zero_for_one ? fee_growth_global0_x128_ : fee_growth_global1_x128_;
    u128 protocol_fee = 0;
    u128 liquidity = liquidity_;
    std::uint32_t crossed = 0;
    detail::Divisor128 liquidity_divisor = liquidity_divisor_;
    // For the 128-bit step (v3_swap_fast.hpp): the current price's divisor (valid while its value
    // is the price), the limit's (prepared when first needed) and the fee denominators.
    detail::Divisor128 price_divisor = price_divisor_;
    detail::Divisor128 limit_divisor{};
    const fast::FeeConstants fee_constants{config_.fee_pips, fee_million_, fee_complement_};
    cross_log_.clear();

    const auto undo_crosses = [&]() {
        for (auto it = cross_log_.rbegin(); it != cross_log_.rend(); ++it)
            (void)tick_cross(ticks_[it->tick], it->fee_growth_global0_x128, it->fee_growth_global1_x128);
        cross_log_.clear();
    };
    const auto fail = [&](Revert e) -> Result<SwapResult> {
        undo_crosses();
        return e;
    };

    while (!remaining.is_zero() && sqrt_price != sqrt_price_limit_x96) {
        const U256 step_start = sqrt_price;
        TickBitmap::Next next = bitmap_.next_initialized_tick_within_one_word(tick, zero_for_one);
        // The bitmap does not know the tick bounds.
        next.tick = std::clamp(next.tick, kMinTick, kMaxTick);
        const SqrtCacheEntry& next_entry = sqrt_entry_at(next.tick);
        const U256& sqrt_next = next_entry.sqrt_price_x96;

        const bool limit_first =
            zero_for_one ? sqrt_next < sqrt_price_limit_x96 : sqrt_next > sqrt_price_limit_x96;
        const U256& target = limit_first ? sqrt_price_limit_x96 : sqrt_next;
        U256 fee_amount;
        bool stepped = false;
        if (exact_input && liquidity != 0 && fast::in_price_regime(sqrt_price) && fast::in_price_regime(target)) {
            // The 128-bit computeSwapStep; it declines (returns false) outside its regime and the
            // general step below runs instead. Either way the same bits (tests/amm/test_swap_fast.cpp).
            // A liquidity below 2^64 is passed by value only (the step divides by it with 2-by-1
            // digits); that value never equals a liquidity >= 2^64, so the fee-growth division
            // below still prepares its divisor whenever it needs one.
            if (liquidity_divisor.value != liquidity)
                liquidity_divisor = (liquidity >> 64) != 0 ? liquidity_divisor_for(liquidity)
                                                           : detail::Divisor128{liquidity, 0, 0, 0};
            if (price_divisor.value != sqrt_price.low128())
                price_divisor = detail::make_divisor128(sqrt_price.low128());
            if (limit_first && limit_divisor.value == 0)
                limit_divisor = detail::make_divisor128(sqrt_price_limit_x96.low128());
            const detail::Divisor128& target_divisor = limit_first ? limit_divisor : next_entry.divisor;
            fast::StepOut fs;
            if (fast::exact_in_step(price_divisor, target_divisor, liquidity_divisor, remaining.bits, fee_constants,
                                    fs)) {
                stepped = true;
                sqrt_price = U256{fs.sqrt_next};
                price_divisor = fs.next_divisor;
                fee_amount = U256{fs.fee_amount};
                // All three below 2^127: amountIn + fee fits toInt256, amountOut too.
                remaining = remaining - I256::from_bits(U256{fs.amount_in + fs.fee_amount});  // unchecked
                if (sub_overflow(calculated, I256::from_bits(U256{fs.amount_out}), calculated))
                    return fail(Revert::Overflow);
            }
        }
        if (!stepped) {
            const Result<SwapStep> step = compute_swap_step(sqrt_price, target, liquidity, remaining, config_.fee_pips);
            if (!step.ok()) return fail(step.error);
            sqrt_price = step.value.sqrt_ratio_next_x96;
            fee_amount = step.value.fee_amount;

            I256 in_plus_fee;
            I256 out;
            if (!to_int256(step.value.amount_in + fee_amount, in_plus_fee)) return fail(Revert::Overflow);
            if (!to_int256(step.value.amount_out, out)) return fail(Revert::Overflow);
            if (exact_input) {
                remaining = remaining - in_plus_fee;  // unchecked in Solidity 0.7
                if (sub_overflow(calculated, out, calculated)) return fail(Revert::Overflow);
            } else {
                remaining = remaining + out;
                if (add_overflow(calculated, in_plus_fee, calculated)) return fail(Revert::Overflow);
            }
        }

        if (fee_protocol > 0) {
            const U256 delta = fee_amount / U256{fee_protocol};
            fee_amount -= delta;
            protocol_fee += delta.low128();  // uint128() truncation, wrapping add
        }
        if (liquidity > 0) {
            // mulDiv(feeAmount, Q128, liquidity). A fee below 2^128 (always, in practice) makes the
            // product fee << 128 fit in 256 bits: one 256/128 division, same floor, no overflow.
            if (fee_amount.fits128()) {
                const U256 shifted{0u, 0u, fee_amount.limb[0], fee_amount.limb[1]};
                if ((liquidity >> 64) != 0) {
                    // The reciprocal of the liquidity is reused until a crossing changes it.
                    if (liquidity_divisor.value != liquidity) liquidity_divisor = liquidity_divisor_for(liquidity);
                    if (fee_amount.low128() < liquidity) {
                        // fee * 2^128 / L < 2^128: with the normalized fee as the first remainder
                        // (fee << shift < L << shift), the two low quotient digits are all there is.
                        u128 rem = fee_amount.low128() << liquidity_divisor.shift;
                        const std::uint64_t q1 =
                            detail::div_3by2_preinv(rem, 0u, liquidity_divisor.normalized, liquidity_divisor.reciprocal);
                        const std::uint64_t q0 =
                            detail::div_3by2_preinv(rem, 0u, liquidity_divisor.normalized, liquidity_divisor.reciprocal);
                        fee_growth_global += U256{q0, q1, 0u, 0u};
                    } else {
                        u128 unused = 0;
                        fee_growth_global += detail::div_by_divisor128(shifted, liquidity_divisor, unused);
                    }
                } else {
                    // Below 2^64: the 2-by-1 digit loop (fee < 2^128 keeps the quotient below 2^256).
                    u128 unused = 0;
                    fee_growth_global += detail::div_by_u128(shifted, liquidity, unused);
                }
            } else {
                const Result<U256> growth = mul_div(fee_amount, U256::pow2(128), U256{liquidity});
                if (!growth.ok()) return fail(growth.error);
                fee_growth_global += growth.value;  // wraps modulo 2^256 like the on-chain accumulator
            }
        }

        if (sqrt_price == sqrt_next) {
            if (next.initialized) {
                const U256& g0 = zero_for_one ? fee_growth_global : fee_growth_global0_x128_;
                const U256& g1 = zero_for_one ? fee_growth_global1_x128_ : fee_growth_global;
                auto it = ticks_.find(next.tick);
                if (it == ticks_.end()) return fail(Revert::T);  // bitmap and tick map disagree: cannot happen
                cross_log_.push_back(CrossRecord{next.tick, g0, g1});
                i128 liquidity_net = tick_cross(it->second, g0, g1);
                ++crossed;
                if (zero_for_one) liquidity_net = static_cast<i128>(u128{0} - static_cast<u128>(liquidity_net));
                const Result<u128> l = add_delta(liquidity, liquidity_net);
                if (!l.ok()) return fail(l.error);
                liquidity = l.value;
            }
            tick = zero_for_one ? next.tick - 1 : next.tick;
        } else if (sqrt_price != step_start) {
            const Result<std::int32_t> t = get_tick_at_sqrt_ratio(sqrt_price);
            if (!t.ok()) return fail(t.error);
            tick = t.value;
        }
    }

    I256 amount0;
    I256 amount1;
    const I256 consumed = amount_specified - remaining;
    if (zero_for_one == exact_input) {
        amount0 = consumed;
        amount1 = calculated;
    } else {
        amount0 = calculated;
        amount1 = consumed;
    }

    // The input token is paid after the output was sent (uniswapV3SwapCallback); the pool then
    // requires balanceBefore + amountIn <= balance (IIA). Outputs (negative amounts) leave.
    const U256 owed0 = amount0.negative() ? U256{} : amount0.bits;
    const U256 owed1 = amount1.negative() ? U256{} : amount1.bits;
    Payment paid{owed0, owed1};
    if (pay != nullptr && *pay) {
        paid = (*pay)(zero_for_one ? owed0 : U256{}, zero_for_one ? U256{} : owed1);
        if (zero_for_one ? paid.amount0 < owed0 : paid.amount1 < owed1) return fail(Revert::IIA);
    }

    // Commit.
    cross_log_.clear();
    liquidity_divisor_ = liquidity_divisor;
    price_divisor_ = price_divisor;
    sqrt_price_x96_ = sqrt_price;
    tick_ = tick;
    liquidity_ = liquidity;
    if (zero_for_one) {
        fee_growth_global0_x128_ = fee_growth_global;
        protocol_fees_.token0 += protocol_fee;
    } else {
        fee_growth_global1_x128_ = fee_growth_global;
        protocol_fees_.token1 += protocol_fee;
    }
    balance0_ += paid.amount0;
    balance1_ += paid.amount1;
    if (amount0.negative()) balance0_ += amount0.bits;  // signed add in two's complement: the output
    if (amount1.negative()) balance1_ += amount1.bits;

    SwapResult r;
    r.amount0 = amount0;
    r.amount1 = amount1;
    r.sqrt_price_x96 = sqrt_price_x96_;
    r.tick = tick_;
    r.liquidity = liquidity_;
    r.fee_growth_global0_x128 = fee_growth_global0_x128_;
    r.fee_growth_global1_x128 = fee_growth_global1_x128_;
    r.ticks_crossed = crossed;
    return r;
}

}  // namespace pftoken::amm::v3
