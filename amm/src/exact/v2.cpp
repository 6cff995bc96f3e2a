// Uniswap v2 pair (UniswapV2Pair.sol) and periphery libraries on exact 256-bit integers.
#include <algorithm>

#include "pftoken/amm/exact/full_math.hpp"
#include "pftoken/amm/exact/v2/library.hpp"
#include "pftoken/amm/exact/v2/pair.hpp"

namespace pftoken::amm::v2 {
namespace {

// SafeMath (ds-math-*) helpers: the Result carries Overflow / Underflow.
Result<U256> mul(const U256& a, const U256& b) noexcept {
    U256 r;
    if (mul_overflow(a, b, r)) return Revert::Overflow;
    return r;
}
Result<U256> add(const U256& a, const U256& b) noexcept {
    U256 r;
    if (add_overflow(a, b, r)) return Revert::Overflow;
    return r;
}
Result<U256> sub(const U256& a, const U256& b) noexcept {
    U256 r;
    if (sub_underflow(a, b, r)) return Revert::Underflow;
    return r;
}
Result<U256> div(const U256& a, const U256& b) noexcept {
    if (b.is_zero()) return Revert::DivisionByZero;
    return a / b;
}

// Early-return on a failed Result, keeping the revert.
#define PFT_AMM_TRY(var, expr)                                                                     \
    const auto var##_result = (expr);                                                              \
    if (!var##_result.ok()) return var##_result.error;                                             \
    const U256 var = var##_result.value

const U256 kUint112Max = U256::low_mask(112);

// uint112, the width of the pair's stored reserves: products of two such values (times the
// 997/1000 fee factors) fit in 256 bits and sums in 128, so no SafeMath check can fire.
constexpr bool fits112(const U256& x) noexcept { return (x.limb[2] | x.limb[3] | (x.limb[1] >> 48)) == 0; }

}  // namespace

Result<U256> get_amount_out(const U256& amount_in, const U256& reserve_in, const U256& reserve_out) noexcept {
    if (amount_in.is_zero()) return Revert::InsufficientInputAmount;
    if (reserve_in.is_zero() || reserve_out.is_zero()) return Revert::InsufficientLiquidity;
    if (fits112(amount_in) && fits112(reserve_in) && fits112(reserve_out)) {
        // Same formula in 128-bit pieces: in*997 < 2^122, reserve_in*1000 + in*997 < 2^123,
        // (in*997)*reserve_out < 2^234; the one remaining division is the exact 256/128 one.
        const u128 in_with_fee = amount_in.low128() * 997u;
        const u128 denominator = reserve_in.low128() * 1000u + in_with_fee;
        return divmod(mul_128x128(in_with_fee, reserve_out.low128()), U256{denominator}).quotient;
    }
    PFT_AMM_TRY(in_with_fee, mul(amount_in, U256{997u}));
    PFT_AMM_TRY(numerator, mul(in_with_fee, reserve_out));
    PFT_AMM_TRY(scaled_reserve, mul(reserve_in, U256{1000u}));
    PFT_AMM_TRY(denominator, add(scaled_reserve, in_with_fee));
    return numerator / denominator;
}

Result<U256> get_amount_in(const U256& amount_out, const U256& reserve_in, const U256& reserve_out) noexcept {
    if (amount_out.is_zero()) return Revert::InsufficientOutputAmount;
    if (reserve_in.is_zero() || reserve_out.is_zero()) return Revert::InsufficientLiquidity;
    PFT_AMM_TRY(n1, mul(reserve_in, amount_out));
    PFT_AMM_TRY(numerator, mul(n1, U256{1000u}));
    PFT_AMM_TRY(left, sub(reserve_out, amount_out));
    PFT_AMM_TRY(denominator, mul(left, U256{997u}));
    PFT_AMM_TRY(q, div(numerator, denominator));
    return add(q, U256{1u});
}

Result<U256> quote(const U256& amount_a, const U256& reserve_a, const U256& reserve_b) noexcept {
    if (amount_a.is_zero()) return Revert::InsufficientAmount;
    if (reserve_a.is_zero() || reserve_b.is_zero()) return Revert::InsufficientLiquidity;
    PFT_AMM_TRY(p, mul(amount_a, reserve_b));
    return p / reserve_a;
}

Result<ProfitMaximizingTrade> compute_profit_maximizing_trade(const U256& true_a, const U256& true_b,
                                                              const U256& reserve_a, const U256& reserve_b) noexcept {
    const Result<U256> implied = mul_div(reserve_a, true_b, reserve_b);
    if (!implied.ok()) return implied.error;
    const bool a_to_b = implied.value < true_a;
    PFT_AMM_TRY(invariant, mul(reserve_a, reserve_b));
    PFT_AMM_TRY(scaled_invariant, mul(invariant, U256{1000u}));
    PFT_AMM_TRY(scaled_price, mul(a_to_b ? true_b : true_a, U256{997u}));
    const Result<U256> target = mul_div(scaled_invariant, a_to_b ? true_a : true_b, scaled_price);
    if (!target.ok()) return target.error;
    const U256 left_side = isqrt(target.value);
    PFT_AMM_TRY(scaled_reserve, mul(a_to_b ? reserve_a : reserve_b, U256{1000u}));
    const U256 right_side = scaled_reserve / U256{997u};
    if (left_side < right_side) return ProfitMaximizingTrade{false, U256{}};
    return ProfitMaximizingTrade{a_to_b, left_side - right_side};
}

Result<ReservePair> get_reserves_after_arbitrage(const U256& true_a, const U256& true_b, const U256& reserve_a,
                                                 const U256& reserve_b) noexcept {
    if (reserve_a.is_zero() || reserve_b.is_zero()) return Revert::ZeroPairReserves;
    const Result<ProfitMaximizingTrade> trade = compute_profit_maximizing_trade(true_a, true_b, reserve_a, reserve_b);
    if (!trade.ok()) return trade.error;
    if (trade.value.amount_in.is_zero()) return ReservePair{reserve_a, reserve_b};
    if (trade.value.a_to_b) {
        PFT_AMM_TRY(out, get_amount_out(trade.value.amount_in, reserve_a, reserve_b));
        return ReservePair{reserve_a + trade.value.amount_in, reserve_b - out};
    }
    PFT_AMM_TRY(out, get_amount_out(trade.value.amount_in, reserve_b, reserve_a));
    return ReservePair{reserve_a - out, reserve_b + trade.value.amount_in};
}

Result<TokenAmounts> compute_liquidity_value(const U256& reserve_a, const U256& reserve_b, const U256& total_supply,
                                             const U256& liquidity, bool fee_on, const U256& k_last) noexcept {
    U256 supply = total_supply;
    if (fee_on && !k_last.is_zero()) {
        PFT_AMM_TRY(k, mul(reserve_a, reserve_b));
        const U256 root_k = isqrt(k), root_k_last = isqrt(k_last);
        if (root_k > root_k_last) {
            PFT_AMM_TRY(five_root_k, mul(root_k, U256{5u}));
            PFT_AMM_TRY(denominator, add(five_root_k, root_k_last));
            const Result<U256> fee_liquidity = mul_div(total_supply, root_k - root_k_last, denominator);
            if (!fee_liquidity.ok()) return fee_liquidity.error;
            PFT_AMM_TRY(s, add(supply, fee_liquidity.value));
            supply = s;
        }
    }
    PFT_AMM_TRY(a, mul(reserve_a, liquidity));
    PFT_AMM_TRY(b, mul(reserve_b, liquidity));
    PFT_AMM_TRY(amount_a, div(a, supply));
    PFT_AMM_TRY(amount_b, div(b, supply));
    return TokenAmounts{amount_a, amount_b};
}

Result<TokenAmounts> get_liquidity_value_after_arbitrage_to_price(const U256& true_a, const U256& true_b,
                                                                  const U256& reserve_a, const U256& reserve_b,
                                                                  const U256& total_supply, const U256& liquidity,
                                                                  bool fee_on, const U256& k_last) noexcept {
    if (!(total_supply >= liquidity && !liquidity.is_zero())) return Revert::LiquidityAmount;
    const Result<ReservePair> reserves = get_reserves_after_arbitrage(true_a, true_b, reserve_a, reserve_b);
    if (!reserves.ok()) return reserves.error;
    return compute_liquidity_value(reserves.value.reserve_a, reserves.value.reserve_b, total_supply, liquidity, fee_on,
                                   fee_on ? k_last : U256{});
}

// ---------------- Pair ----------------

void Pair::set_fee_on(bool fee_on) noexcept { fee_on_ = fee_on; }

U256 Pair::caller_balance() const noexcept { return total_supply_ - locked_ - fee_to_balance_; }

Result<U256> Pair::pending_fee_liquidity() const noexcept {
    if (!fee_on_ || k_last_.is_zero()) return U256{};
    PFT_AMM_TRY(k, mul(reserve0_, reserve1_));
    const U256 root_k = isqrt(k), root_k_last = isqrt(k_last_);
    if (root_k <= root_k_last) return U256{};
    PFT_AMM_TRY(numerator, mul(total_supply_, root_k - root_k_last));
    PFT_AMM_TRY(five_root_k, mul(root_k, U256{5u}));
    PFT_AMM_TRY(denominator, add(five_root_k, root_k_last));
    return numerator / denominator;
}

Result<U256> Pair::mint(const U256& amount0, const U256& amount1) {
    PFT_AMM_TRY(balance0, add(reserve0_, amount0));
    PFT_AMM_TRY(balance1, add(reserve1_, amount1));
    PFT_AMM_TRY(fee_liquidity, pending_fee_liquidity());
    const U256 supply = total_supply_ + fee_liquidity;
    U256 liquidity;
    U256 lock;
    if (supply.is_zero()) {
        PFT_AMM_TRY(product, mul(amount0, amount1));
        PFT_AMM_TRY(l, sub(isqrt(product), U256{kMinimumLiquidity}));
        liquidity = l;
        lock = U256{kMinimumLiquidity};
    } else {
        PFT_AMM_TRY(p0, mul(amount0, supply));
        PFT_AMM_TRY(p1, mul(amount1, supply));
        liquidity = std::min(p0 / reserve0_, p1 / reserve1_);
    }
    if (liquidity.is_zero()) return Revert::InsufficientLiquidityMinted;
    if (balance0 > kUint112Max || balance1 > kUint112Max) return Revert::Overflow;

    fee_to_balance_ += fee_liquidity;
    locked_ += lock;
    total_supply_ = supply + lock + liquidity;
    reserve0_ = balance0;
    reserve1_ = balance1;
    // kLast tracks k after each liquidity event while the fee is on; reset when it is off.
    k_last_ = fee_on_ ? reserve0_ * reserve1_ : U256{};
    return liquidity;
}

Result<BurnResult> Pair::burn(const U256& liquidity) {
    PFT_AMM_TRY(held, sub(caller_balance(), liquidity));
    (void)held;
    PFT_AMM_TRY(fee_liquidity, pending_fee_liquidity());
    const U256 supply = total_supply_ + fee_liquidity;
    PFT_AMM_TRY(p0, mul(liquidity, reserve0_));
    PFT_AMM_TRY(p1, mul(liquidity, reserve1_));
    PFT_AMM_TRY(amount0, div(p0, supply));
    PFT_AMM_TRY(amount1, div(p1, supply));
    if (amount0.is_zero() || amount1.is_zero()) return Revert::InsufficientLiquidityBurned;

    fee_to_balance_ += fee_liquidity;
    total_supply_ = supply - liquidity;
    reserve0_ -= amount0;
    reserve1_ -= amount1;
    k_last_ = fee_on_ ? reserve0_ * reserve1_ : U256{};
    return BurnResult{amount0, amount1};
}

Revert Pair::swap(const U256& amount0_out, const U256& amount1_out, const U256& amount0_in, const U256& amount1_in) {
    if (amount0_out.is_zero() && amount1_out.is_zero()) return Revert::InsufficientOutputAmount;
    if (!(amount0_out < reserve0_ && amount1_out < reserve1_)) return Revert::InsufficientLiquidity;
    if (fits112(amount0_in) && fits112(amount1_in) && fits112(reserve0_) && fits112(reserve1_)) {
        // uint112 reserves and inputs (outputs are below the reserves): the same checks in the
        // same order on 128-bit values; only the two K-side products need 256 bits.
        const u128 r0 = reserve0_.low128(), r1 = reserve1_.low128();
        const u128 in0 = amount0_in.low128(), in1 = amount1_in.low128();
        const u128 bal0 = r0 - amount0_out.low128() + in0, bal1 = r1 - amount1_out.low128() + in1;  // < 2^113
        if (in0 == 0 && in1 == 0) return Revert::InsufficientInputAmount;
        const u128 scaled0 = bal0 * 1000u, fee0 = in0 * 3u, scaled1 = bal1 * 1000u, fee1 = in1 * 3u;
        if (scaled0 < fee0 || scaled1 < fee1) return Revert::Underflow;
        // r0*r1*1000^2 == (r0*1000)*(r1*1000), each factor < 2^122.
        if (mul_128x128(scaled0 - fee0, scaled1 - fee1) < mul_128x128(r0 * 1000u, r1 * 1000u)) return Revert::K;
        const u128 max112 = (u128{1} << 112) - 1;
        if (bal0 > max112 || bal1 > max112) return Revert::Overflow;
        reserve0_ = U256{bal0};
        reserve1_ = U256{bal1};
        return Revert::None;
    }
    U256 balance0;
    U256 balance1;
    if (add_overflow(reserve0_ - amount0_out, amount0_in, balance0)) return Revert::Overflow;
    if (add_overflow(reserve1_ - amount1_out, amount1_in, balance1)) return Revert::Overflow;
    if (amount0_in.is_zero() && amount1_in.is_zero()) return Revert::InsufficientInputAmount;
    // K check on fee-adjusted balances: (b0*1000 - in0*3) * (b1*1000 - in1*3) >= r0*r1*1000^2.
    const auto adjusted = [](const U256& balance, const U256& in) -> Result<U256> {
        PFT_AMM_TRY(scaled, mul(balance, U256{1000u}));
        PFT_AMM_TRY(fee, mul(in, U256{3u}));
        return sub(scaled, fee);
    };
    const Result<U256> b0 = adjusted(balance0, amount0_in);
    if (!b0.ok()) return b0.error;
    const Result<U256> b1 = adjusted(balance1, amount1_in);
    if (!b1.ok()) return b1.error;
    const Result<U256> lhs = mul(b0.value, b1.value);
    if (!lhs.ok()) return lhs.error;
    const Result<U256> k = mul(reserve0_, reserve1_);
    if (!k.ok()) return k.error;
    const Result<U256> rhs = mul(k.value, U256{1000000u});
    if (!rhs.ok()) return rhs.error;
    if (lhs.value < rhs.value) return Revert::K;
    if (balance0 > kUint112Max || balance1 > kUint112Max) return Revert::Overflow;
    reserve0_ = balance0;
    reserve1_ = balance1;
    return Revert::None;
}

Result<SwapResult> Pair::swap_exact_in(bool zero_for_one, const U256& amount_in) {
    const Result<U256> out = zero_for_one ? get_amount_out(amount_in, reserve0_, reserve1_)
                                          : get_amount_out(amount_in, reserve1_, reserve0_);
    if (!out.ok()) return out.error;
    const Revert e = zero_for_one ? swap(U256{}, out.value, amount_in, U256{}) : swap(out.value, U256{}, U256{}, amount_in);
    if (e != Revert::None) return e;
    return SwapResult{amount_in, out.value, reserve0_, reserve1_};
}

Result<SwapResult> Pair::swap_exact_out(bool zero_for_one, const U256& amount_out) {
    const Result<U256> in = zero_for_one ? get_amount_in(amount_out, reserve0_, reserve1_)
                                         : get_amount_in(amount_out, reserve1_, reserve0_);
    if (!in.ok()) return in.error;
    const Revert e = zero_for_one ? swap(U256{}, amount_out, in.value, U256{}) : swap(amount_out, U256{}, U256{}, in.value);
    if (e != Revert::None) return e;
    return SwapResult{in.value, amount_out, reserve0_, reserve1_};
}

#undef PFT_AMM_TRY

}  // namespace pftoken::amm::v2
