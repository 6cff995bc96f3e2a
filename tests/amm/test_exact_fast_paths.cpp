// The exact kernels' fast paths (3-by-2 reciprocal division, TickMath's positive-tick inverse,
// the log-estimate getTickAtSqrtRatio, one-division getAmount0Delta, the computeSwapStep
// shortcut) checked against straight ports of the Solidity libraries on Boost.Multiprecision
// cpp_int, an independent big-integer oracle. Source of the ported code: Uniswap/v3-core @ d8b1c635
// contracts/libraries/{TickMath,SqrtPriceMath,SwapMath,FullMath}.sol.
#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>
#include <gtest/gtest.h>

#include "pftoken/amm/exact/full_math.hpp"
#include "pftoken/amm/exact/uint256.hpp"
#include "pftoken/amm/exact/v3/pool.hpp"
#include "pftoken/amm/exact/v3/sqrt_price_math.hpp"
#include "pftoken/amm/exact/v3/swap_math.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"

namespace {

using boost::multiprecision::cpp_int;
using pftoken::amm::I256;
using pftoken::amm::U256;
using pftoken::amm::u128;
namespace v3 = pftoken::amm::v3;

const cpp_int kTwo256 = cpp_int(1) << 256;
const cpp_int kMaxU256 = kTwo256 - 1;
const cpp_int kQ96 = cpp_int(1) << 96;

cpp_int big(const U256& x) {
    cpp_int r = 0;
    for (int i = 3; i >= 0; --i) r = (r << 64) | cpp_int(x.limb[static_cast<std::size_t>(i)]);
    return r;
}
U256 u256(const cpp_int& x) {
    U256 r;
    cpp_int v = x;
    for (std::size_t i = 0; i < 4; ++i) {
        r.limb[i] = static_cast<std::uint64_t>(v & cpp_int(~std::uint64_t{0}));
        v >>= 64;
    }
    return r;
}
cpp_int hex(const char* h) { return cpp_int(std::string("0x") + h); }
// Solidity `>>` on int256 (arithmetic: floor), which cpp_int's shift of negatives is not.
cpp_int floor_shift(const cpp_int& x, unsigned s) {
    if (x >= 0) return x >> s;
    return -((-x + (cpp_int(1) << s) - 1) >> s);
}

// ---------------- FullMath / UnsafeMath ----------------
std::optional<cpp_int> ref_mul_div(const cpp_int& a, const cpp_int& b, const cpp_int& d) {
    if (d == 0) return std::nullopt;
    const cpp_int q = a * b / d;
    if (q > kMaxU256) return std::nullopt;
    return q;
}
std::optional<cpp_int> ref_mul_div_up(const cpp_int& a, const cpp_int& b, const cpp_int& d) {
    const auto q = ref_mul_div(a, b, d);
    if (!q) return q;
    if (a * b % d == 0) return q;
    if (*q == kMaxU256) return std::nullopt;
    return *q + 1;
}
cpp_int ref_div_up(const cpp_int& x, const cpp_int& y) { return x / y + (x % y == 0 ? 0 : 1); }

// ---------------- TickMath ----------------
const cpp_int kMinSqrt = 4295128739;
const cpp_int kMaxSqrt = cpp_int("1461446703485210103287273052203988822378723970342");

std::optional<cpp_int> ref_sqrt_ratio_at_tick(std::int32_t tick) {
    const std::uint32_t abs_tick = static_cast<std::uint32_t>(tick < 0 ? -std::int64_t{tick} : std::int64_t{tick});
    if (abs_tick > 887272u) return std::nullopt;
    static const char* const factors[20] = {
        "fffcb933bd6fad37aa2d162d1a594001", "fff97272373d413259a46990580e213a", "fff2e50f5f656932ef12357cf3c7fdcc",
        "ffe5caca7e10e4e61c3624eaa0941cd0", "ffcb9843d60f6159c9db58835c926644", "ff973b41fa98c081472e6896dfb254c0",
        "ff2ea16466c96a3843ec78b326b52861", "fe5dee046a99a2a811c461f1969c3053", "fcbe86c7900a88aedcffc83b479aa3a4",
        "f987a7253ac413176f2b074cf7815e54", "f3392b0822b70005940c7a398e4b70f3", "e7159475a2c29b7443b29c7fa6e889d9",
        "d097f3bdfd2022b8845ad8f792aa5825", "a9f746462d870fdf8a65dc1f90e061e5", "70d869a156d2a1b890bb3df62baf32f7",
        "31be135f97d08fd981231505542fcfa6", "9aa508b5b7a84e1c677de54f3e99bc9", "5d6af8dedb81196699c329225ee604",
        "2216e584f5fa1ea926041bedfe98", "48a170391f7dc42444e8fa2"};
    cpp_int ratio = (abs_tick & 1u) != 0 ? hex(factors[0]) : cpp_int(1) << 128;
    for (unsigned i = 1; i < 20; ++i)
        if ((abs_tick & (1u << i)) != 0) ratio = (ratio * hex(factors[i])) >> 128;
    if (tick > 0) ratio = kMaxU256 / ratio;
    return (ratio >> 32) + ((ratio & 0xffffffffu) == 0 ? 0 : 1);
}

std::optional<std::int32_t> ref_tick_at_sqrt_ratio(const cpp_int& sqrt_price) {
    if (sqrt_price < kMinSqrt || sqrt_price >= kMaxSqrt) return std::nullopt;
    const cpp_int ratio = sqrt_price << 32;
    const auto msb = static_cast<int>(boost::multiprecision::msb(ratio));
    cpp_int r = msb >= 128 ? cpp_int(ratio >> (msb - 127)) : cpp_int(ratio << (127 - msb));
    cpp_int log_2 = cpp_int(msb - 128) * (cpp_int(1) << 64);
    for (int bit = 63; bit >= 50; --bit) {
        r = (r * r) >> 127;
        const cpp_int f = r >> 128;
        log_2 += f << bit;  // the low 64 bits start at zero, so `|=` is `+=`
        r >>= static_cast<unsigned>(f);
    }
    const cpp_int log_sqrt10001 = log_2 * cpp_int("255738958999603826347141");
    const auto tick_low = static_cast<std::int32_t>(
        floor_shift(log_sqrt10001 - cpp_int("3402992956809132418596140100660247210"), 128));
    const auto tick_high = static_cast<std::int32_t>(
        floor_shift(log_sqrt10001 + cpp_int("291339464771989622907027621153398088495"), 128));
    if (tick_low == tick_high) return tick_low;
    return *ref_sqrt_ratio_at_tick(tick_high) <= sqrt_price ? tick_high : tick_low;
}

// ---------------- SqrtPriceMath ----------------
std::optional<cpp_int> ref_amount0_delta(cpp_int a, cpp_int b, const cpp_int& liquidity, bool round_up) {
    if (a > b) std::swap(a, b);
    if (a == 0) return std::nullopt;
    const cpp_int n1 = liquidity << 96, n2 = b - a;
    if (round_up) {
        const auto t = ref_mul_div_up(n1, n2, b);
        if (!t) return t;
        return ref_div_up(*t, a);
    }
    const auto t = ref_mul_div(n1, n2, b);
    if (!t) return t;
    return *t / a;
}
std::optional<cpp_int> ref_amount1_delta(cpp_int a, cpp_int b, const cpp_int& liquidity, bool round_up) {
    if (a > b) std::swap(a, b);
    return round_up ? ref_mul_div_up(liquidity, b - a, kQ96) : ref_mul_div(liquidity, b - a, kQ96);
}
const cpp_int kMaxU160 = (cpp_int(1) << 160) - 1;
std::optional<cpp_int> ref_next_from_amount0(const cpp_int& p, const cpp_int& l, const cpp_int& amount, bool add) {
    if (amount == 0) return p;
    const cpp_int n1 = l << 96;
    const cpp_int product_wide = amount * p;
    const bool product_fits = product_wide <= kMaxU256;
    if (add) {
        if (product_fits && n1 + product_wide <= kMaxU256) {
            const auto r = ref_mul_div_up(n1, p, n1 + product_wide);
            if (!r) return r;
            return *r & kMaxU160;
        }
        const cpp_int denominator = n1 / p + amount;
        if (denominator > kMaxU256) return std::nullopt;
        return ref_div_up(n1, denominator) & kMaxU160;
    }
    if (!product_fits || n1 <= product_wide) return std::nullopt;
    const auto r = ref_mul_div_up(n1, p, n1 - product_wide);
    if (!r || *r > kMaxU160) return std::nullopt;
    return r;
}
std::optional<cpp_int> ref_next_from_amount1(const cpp_int& p, const cpp_int& l, const cpp_int& amount, bool add) {
    if (add) {
        const auto q = amount <= kMaxU160 ? std::optional<cpp_int>((amount << 96) / l) : ref_mul_div(amount, kQ96, l);
        if (!q || p + *q > kMaxU160) return std::nullopt;
        return p + *q;
    }
    const auto q = amount <= kMaxU160 ? std::optional<cpp_int>(ref_div_up(amount << 96, l)) : ref_mul_div_up(amount, kQ96, l);
    if (!q || p <= *q) return std::nullopt;
    return p - *q;
}
std::optional<cpp_int> ref_next_from_input(const cpp_int& p, const cpp_int& l, const cpp_int& amount, bool zero_for_one) {
    if (p == 0 || l == 0) return std::nullopt;
    return zero_for_one ? ref_next_from_amount0(p, l, amount, true) : ref_next_from_amount1(p, l, amount, true);
}
std::optional<cpp_int> ref_next_from_output(const cpp_int& p, const cpp_int& l, const cpp_int& amount, bool zero_for_one) {
    if (p == 0 || l == 0) return std::nullopt;
    return zero_for_one ? ref_next_from_amount1(p, l, amount, false) : ref_next_from_amount0(p, l, amount, false);
}

// ---------------- SwapMath.computeSwapStep ----------------
struct RefStep {
    cpp_int next, in, out, fee;
};
std::optional<RefStep> ref_compute_swap_step(const cpp_int& current, const cpp_int& target, const cpp_int& liquidity,
                                             const cpp_int& remaining, std::uint32_t fee_pips) {
    RefStep s;
    const bool zero_for_one = current >= target;
    const bool exact_in = remaining >= 0;
    if (exact_in) {
        const auto less_fee = ref_mul_div(remaining, 1000000 - fee_pips, 1000000);
        if (!less_fee) return std::nullopt;
        const auto in = zero_for_one ? ref_amount0_delta(target, current, liquidity, true)
                                     : ref_amount1_delta(current, target, liquidity, true);
        if (!in) return std::nullopt;
        s.in = *in;
        if (*less_fee >= s.in) {
            s.next = target;
        } else {
            const auto next = ref_next_from_input(current, liquidity, *less_fee, zero_for_one);
            if (!next) return std::nullopt;
            s.next = *next;
        }
    } else {
        const auto out = zero_for_one ? ref_amount1_delta(target, current, liquidity, false)
                                      : ref_amount0_delta(current, target, liquidity, false);
        if (!out) return std::nullopt;
        s.out = *out;
        if (-remaining >= s.out) {
            s.next = target;
        } else {
            const auto next = ref_next_from_output(current, liquidity, -remaining, zero_for_one);
            if (!next) return std::nullopt;
            s.next = *next;
        }
    }
    const bool max = target == s.next;
    std::optional<cpp_int> v;
    if (zero_for_one) {
        if (!(max && exact_in)) {
            if (!(v = ref_amount0_delta(s.next, current, liquidity, true))) return std::nullopt;
            s.in = *v;
        }
        if (!(max && !exact_in)) {
            if (!(v = ref_amount1_delta(s.next, current, liquidity, false))) return std::nullopt;
            s.out = *v;
        }
    } else {
        if (!(max && exact_in)) {
            if (!(v = ref_amount1_delta(current, s.next, liquidity, true))) return std::nullopt;
            s.in = *v;
        }
        if (!(max && !exact_in)) {
            if (!(v = ref_amount0_delta(current, s.next, liquidity, false))) return std::nullopt;
            s.out = *v;
        }
    }
    if (!exact_in && s.out > -remaining) s.out = -remaining;
    if (exact_in && s.next != target) {
        s.fee = remaining - s.in;
    } else {
        const auto fee = ref_mul_div_up(s.in, fee_pips, 1000000 - fee_pips);
        if (!fee) return std::nullopt;
        s.fee = *fee;
    }
    return s;
}

// ---------------- random inputs ----------------
U256 random_bits(std::mt19937_64& rng, unsigned bits) {
    U256 x{rng(), rng(), rng(), rng()};
    x = x & U256::low_mask(bits);
    if (rng() % 8 == 0) x = U256::low_mask(bits);
    return x;
}
U256 random_price(std::mt19937_64& rng) {
    const cpp_int p = big(random_bits(rng, 33 + static_cast<unsigned>(rng() % 128)));
    const cpp_int top = kMaxSqrt - 1;
    return u256(p < kMinSqrt ? kMinSqrt : p > top ? top : p);
}
u128 random_liquidity(std::mt19937_64& rng) { return random_bits(rng, static_cast<unsigned>(rng() % 129)).low128(); }

// Limbs drawn from carry- and normalisation-hostile values.
U256 structured(std::mt19937_64& rng) {
    static const std::uint64_t pick[] = {0, 1, 2, std::uint64_t{1} << 32, std::uint64_t{1} << 63,
                                         (std::uint64_t{1} << 63) - 1, (std::uint64_t{1} << 63) + 1,
                                         ~std::uint64_t{0}, ~std::uint64_t{0} - 1, 0xffffffff00000000ull};
    U256 x;
    const std::size_t top = rng() % 4;
    for (std::size_t i = 0; i <= top; ++i) x.limb[i] = rng() % 3 == 0 ? rng() : pick[rng() % 10];
    return x;
}

TEST(ExactFastPaths, DivisionOnStructuredLimbsMatchesBoost) {
    std::mt19937_64 rng(31);
    for (int iter = 0; iter < 60000; ++iter) {
        const U256 a = structured(rng), b = structured(rng), d = structured(rng);
        const cpp_int A = big(a), B = big(b), D = big(d);
        SCOPED_TRACE(A.str() + " * " + B.str() + " / " + D.str());
        if (D == 0) continue;
        ASSERT_EQ(big(a / d), A / D);
        ASSERT_EQ(big(a % d), A % D);
        const auto down = pftoken::amm::mul_div(a, b, d);
        const auto up = pftoken::amm::mul_div_rounding_up(a, b, d);
        const auto ref_down = ref_mul_div(A, B, D), ref_up = ref_mul_div_up(A, B, D);
        ASSERT_EQ(down.ok(), ref_down.has_value());
        ASSERT_EQ(up.ok(), ref_up.has_value());
        if (ref_down) {
            ASSERT_EQ(big(down.value), *ref_down);
        }
        if (ref_up) {
            ASSERT_EQ(big(up.value), *ref_up);
        }
        // The 64-bit factor/denominator variant used for SwapMath's fee arithmetic: 1e6 and
        // 1e6 - fee for the standard tiers (compile-time reciprocals), and any other denominator.
        constexpr std::uint64_t kFeeDenominators[6] = {1000000u, 999900u, 999500u, 997000u, 990000u, 0u};
        const std::uint64_t b64 = iter % 3 == 0 ? b.limb[0] % 1000001u : b.limb[0];
        const std::uint64_t d64 = iter % 6 == 5 ? d.limb[0] : kFeeDenominators[iter % 6];
        if (d64 == 0) continue;
        for (const bool round_up : {false, true}) {
            const auto small = pftoken::amm::mul_div_small(a, b64, d64, round_up);
            const auto ref = round_up ? ref_mul_div_up(A, cpp_int(b64), cpp_int(d64)) : ref_mul_div(A, cpp_int(b64), cpp_int(d64));
            ASSERT_EQ(small.ok(), ref.has_value());
            if (ref) {
                ASSERT_EQ(big(small.value), *ref);
            }
        }
    }
}

TEST(ExactFastPaths, SqrtRatioAtTickMatchesSolidityPort) {
    std::vector<std::int32_t> ticks;
    for (std::int32_t t = -5000; t <= 5000; ++t) ticks.push_back(t);
    for (std::int32_t t = v3::kMinTick; t <= v3::kMaxTick; t += 89) ticks.push_back(t);
    for (std::int32_t k = 0; k < 20; ++k)
        for (const std::int32_t d : {-1, 0, 1})
            for (const std::int32_t sign : {-1, 1}) ticks.push_back(sign * ((1 << k) + d));
    for (const std::int32_t t : {v3::kMinTick, v3::kMinTick + 1, v3::kMaxTick - 1, v3::kMaxTick}) ticks.push_back(t);
    // Random ticks over the whole range: negative ones take the bracketed path (no chain),
    // positive ones the chain and the division.
    std::mt19937_64 rng(59);
    for (int i = 0; i < 20000; ++i) ticks.push_back(static_cast<std::int32_t>(rng() % 1774545) + v3::kMinTick);
    for (const std::int32_t t : ticks) {
        if (t < v3::kMinTick || t > v3::kMaxTick) continue;
        const auto got = v3::get_sqrt_ratio_at_tick(t);
        ASSERT_TRUE(got.ok()) << "tick " << t;
        ASSERT_EQ(big(got.value), *ref_sqrt_ratio_at_tick(t)) << "tick " << t;
    }
    EXPECT_EQ(big(v3::get_sqrt_ratio_at_tick(v3::kMinTick).value), kMinSqrt);
    EXPECT_EQ(big(v3::get_sqrt_ratio_at_tick(v3::kMaxTick).value), kMaxSqrt);
    EXPECT_EQ(v3::get_sqrt_ratio_at_tick(v3::kMaxTick + 1).code(), "T");
    EXPECT_EQ(v3::get_sqrt_ratio_at_tick(v3::kMinTick - 1).code(), "T");
}

TEST(ExactFastPaths, TickAtSqrtRatioMatchesSolidityPortAtBoundaries) {
    // Every sampled tick's own price, one below and one above: where the log estimate must be
    // decided by the exact check.
    std::vector<std::int32_t> ticks;
    for (std::int32_t t = -2000; t <= 2000; ++t) ticks.push_back(t);
    for (std::int32_t t = v3::kMinTick; t <= v3::kMaxTick; t += 173) ticks.push_back(t);
    for (std::int32_t t = v3::kMinTick; t < v3::kMinTick + 200; ++t) ticks.push_back(t);
    for (std::int32_t t = v3::kMaxTick - 200; t <= v3::kMaxTick; ++t) ticks.push_back(t);
    for (const std::int32_t t : ticks) {
        const cpp_int p = *ref_sqrt_ratio_at_tick(t);
        for (const int d : {-1, 0, 1}) {
            const cpp_int q = p + d;
            const auto want = ref_tick_at_sqrt_ratio(q);
            const auto got = v3::get_tick_at_sqrt_ratio(u256(q));
            ASSERT_EQ(got.ok(), want.has_value()) << q;
            if (want) {
                ASSERT_EQ(got.value, *want) << "price " << q << " near tick " << t;
            }
        }
    }
    EXPECT_EQ(v3::get_tick_at_sqrt_ratio(u256(kMinSqrt - 1)).code(), "R");
    EXPECT_EQ(v3::get_tick_at_sqrt_ratio(u256(kMaxSqrt)).code(), "R");
    EXPECT_EQ(v3::get_tick_at_sqrt_ratio(u256(kMaxSqrt - 1)).value, v3::kMaxTick - 1);
}

// Every one of the 1 774 545 ticks (about a minute): run with --gtest_also_run_disabled_tests
// --gtest_filter='*AllTicks*' after touching TickMath. Checks every price where the answer
// changes (S(t)) and the price just below it.
TEST(ExactFastPaths, DISABLED_AllTicksMatchSolidityPort) {
    for (std::int32_t t = v3::kMinTick; t <= v3::kMaxTick; ++t) {
        const cpp_int p = *ref_sqrt_ratio_at_tick(t);
        ASSERT_EQ(big(v3::get_sqrt_ratio_at_tick(t).value), p) << "tick " << t;
        for (const cpp_int& q : {cpp_int(p - 1), p}) {
            const auto want = ref_tick_at_sqrt_ratio(q);
            const auto got = v3::get_tick_at_sqrt_ratio(u256(q));
            ASSERT_EQ(got.ok(), want.has_value()) << q;
            if (want) {
                ASSERT_EQ(got.value, *want) << "price " << q;
            }
        }
    }
}

TEST(ExactFastPaths, TickAtSqrtRatioMatchesSolidityPortOnRandomPrices) {
    std::mt19937_64 rng(97);
    for (int iter = 0; iter < 20000; ++iter) {
        const U256 p = random_price(rng);
        const auto want = ref_tick_at_sqrt_ratio(big(p));
        const auto got = v3::get_tick_at_sqrt_ratio(p);
        ASSERT_TRUE(want.has_value());
        ASSERT_TRUE(got.ok());
        ASSERT_EQ(got.value, *want) << big(p);
    }
}

TEST(ExactFastPaths, AmountDeltasAndNextPricesMatchSolidityPort) {
    std::mt19937_64 rng(5);
    std::vector<U256> edge_prices = {U256{1u}, U256{2u}, u256(kMinSqrt), u256(kMaxSqrt), U256::pow2(96),
                                     U256::low_mask(128), U256::pow2(128), U256::low_mask(160)};
    const std::vector<u128> edge_liquidity = {0, 1, ~u128{0}, u128{1} << 64, (u128{1} << 64) - 1};
    const auto check = [](const U256& a, const U256& b, u128 l, bool up) {
        const auto want0 = ref_amount0_delta(big(a), big(b), cpp_int(l), up);
        const auto got0 = v3::get_amount0_delta(a, b, l, up);
        ASSERT_EQ(got0.ok(), want0.has_value()) << big(a) << " " << big(b) << " " << cpp_int(l);
        if (want0) {
            ASSERT_EQ(big(got0.value), *want0) << big(a) << " " << big(b) << " " << cpp_int(l) << " " << up;
        }
        const auto want1 = ref_amount1_delta(big(a), big(b), cpp_int(l), up);
        const auto got1 = v3::get_amount1_delta(a, b, l, up);
        ASSERT_EQ(got1.ok(), want1.has_value());
        if (want1) {
            ASSERT_EQ(big(got1.value), *want1);
        }
    };
    for (const U256& a : edge_prices)
        for (const U256& b : edge_prices)
            for (const u128 l : edge_liquidity)
                for (const bool up : {false, true}) check(a, b, l, up);
    for (int iter = 0; iter < 20000; ++iter) {
        const U256 a = rng() % 4 == 0 ? random_bits(rng, 1 + static_cast<unsigned>(rng() % 160)) : random_price(rng);
        const U256 b = random_price(rng);
        const u128 l = random_liquidity(rng);
        check(a, b, l, (iter & 1) != 0);
        // Next price from an amount, both tokens, both directions.
        const U256 amount = random_bits(rng, static_cast<unsigned>(rng() % 257));
        for (const bool zero_for_one : {false, true}) {
            const auto want_in = ref_next_from_input(big(b), cpp_int(l), big(amount), zero_for_one);
            const auto got_in = v3::get_next_sqrt_price_from_input(b, l, amount, zero_for_one);
            ASSERT_EQ(got_in.ok(), want_in.has_value()) << big(b) << " " << cpp_int(l) << " " << big(amount);
            if (want_in) {
            ASSERT_EQ(big(got_in.value), *want_in);
        }
            const auto want_out = ref_next_from_output(big(b), cpp_int(l), big(amount), zero_for_one);
            const auto got_out = v3::get_next_sqrt_price_from_output(b, l, amount, zero_for_one);
            ASSERT_EQ(got_out.ok(), want_out.has_value()) << big(b) << " " << cpp_int(l) << " " << big(amount);
            if (want_out) {
            ASSERT_EQ(big(got_out.value), *want_out);
        }
        }
    }
}

// getAmount0Delta for prices below 2^128 runs as two divisions by 128-bit numbers (b, then a),
// with a 2-by-1 path for a price below 2^64: prices on both sides of 2^64, at 2^64 - 1, 2^64,
// 2^128 - 1, limbs of all ones, and liquidity up to 2^128 - 1 (the largest numerators).
TEST(ExactFastPaths, Amount0DeltaBelow2To128MatchesSolidityPort) {
    std::mt19937_64 rng(41);
    const std::vector<U256> special = {u256(kMinSqrt), U256{~std::uint64_t{0}}, U256{0u, 1u, 0u, 0u},
                                       U256{1u, 1u, 0u, 0u}, U256::low_mask(128), U256::low_mask(128) - U256{1u},
                                       U256::pow2(96), U256::pow2(96) + U256{1u}, U256::low_mask(96)};
    const auto draw_price = [&]() {
        if (rng() % 4 == 0) return special[rng() % special.size()];
        const U256 p = random_bits(rng, 33 + static_cast<unsigned>(rng() % 96));
        return big(p) < kMinSqrt ? u256(kMinSqrt) : p;
    };
    for (int iter = 0; iter < 20000; ++iter) {
        const U256 a = draw_price(), b = draw_price();
        const u128 l = rng() % 4 == 0 ? ~u128{0} : random_liquidity(rng);
        for (const bool up : {false, true}) {
            const auto want = ref_amount0_delta(big(a), big(b), cpp_int(l), up);
            const auto got = v3::get_amount0_delta(a, b, l, up);
            ASSERT_EQ(got.ok(), want.has_value()) << big(a) << " " << big(b) << " " << cpp_int(l);
            if (want) {
                ASSERT_EQ(big(got.value), *want) << big(a) << " " << big(b) << " " << cpp_int(l) << " " << up;
            }
        }
    }
}

// The pool's fee-growth division mulDiv(feeAmount, 2^128, L): two 3-by-2 digits when fee < L
// (L >= 2^64), the 256/128 long division when fee >= L, the 2-by-1 loop for L < 2^64. One swap
// from price 1 up to a price limit below the first word boundary (tick 15300) is one step, so
// feeGrowthGlobal1 must be floor(fee * 2^128 / L) with the fee of the ported computeSwapStep.
TEST(ExactFastPaths, PoolFeeGrowthMatchesSolidityPort) {
    std::mt19937_64 rng(43);
    const cpp_int q96 = cpp_int(1) << 96;
    for (int iter = 0; iter < 3000; ++iter) {
        // Up to 2^112: the full-range position must stay below maxLiquidityPerTick (~2^113).
        const u128 l = random_bits(rng, 40 + static_cast<unsigned>(rng() % 73)).low128();
        const U256 amount = random_bits(rng, 1 + static_cast<unsigned>(rng() % 127)) + U256{1u};
        const std::int32_t limit_tick = 1 + static_cast<std::int32_t>(rng() % 15000);
        const U256 limit = v3::get_sqrt_ratio_at_tick(limit_tick).value;
        v3::Pool pool(v3::PoolConfig{3000, 60});
        ASSERT_TRUE(pool.initialize(U256::pow2(96)).ok());
        ASSERT_TRUE(pool.mint(1, -887220, 887220, l).ok());
        const auto swapped = pool.swap(false, I256::from_bits(amount), limit);
        ASSERT_TRUE(swapped.ok()) << swapped.code() << " " << cpp_int(l) << " " << big(amount) << " " << limit_tick;
        const auto step = ref_compute_swap_step(q96, big(limit), cpp_int(l), big(amount), 3000);
        ASSERT_TRUE(step.has_value());
        const cpp_int want = (step->fee << 128) / cpp_int(l);
        ASSERT_EQ(big(pool.fee_growth_global1_x128()), want) << cpp_int(l) << " " << big(amount) << " " << limit_tick;
        ASSERT_EQ(big(pool.sqrt_price_x96()), step->next);
    }
}

TEST(ExactFastPaths, ComputeSwapStepMatchesSolidityPort) {
    std::mt19937_64 rng(11);
    const std::uint32_t fees[] = {0, 100, 500, 3000, 10000, 999999};
    int reached = 0, stopped_short = 0;
    for (int iter = 0; iter < 30000; ++iter) {
        const U256 current = random_price(rng);
        // Targets near the price as in real swaps (next tick) and anywhere.
        U256 target = random_price(rng);
        if (rng() % 2 == 0) {
            const auto t = v3::get_tick_at_sqrt_ratio(current).value;
            const std::int32_t next =
                std::clamp(t + static_cast<std::int32_t>(rng() % 4001) - 2000, v3::kMinTick, v3::kMaxTick);
            target = v3::get_sqrt_ratio_at_tick(next).value;
        }
        const u128 liquidity = rng() % 16 == 0 ? random_liquidity(rng) : u128{rng()} * (1 + rng() % 1000000);
        const std::uint32_t fee = rng() % 4 == 0 ? static_cast<std::uint32_t>(rng() % 1000000) : fees[rng() % 6];
        cpp_int remaining;
        const auto to_target = big(current) >= big(target)
                                   ? ref_amount0_delta(big(target), big(current), cpp_int(liquidity), true)
                                   : ref_amount1_delta(big(current), big(target), cpp_int(liquidity), true);
        if (rng() % 2 == 0 && to_target && *to_target < (cpp_int(1) << 200) && fee < 1000000) {
            // Exact input right at the edge of reaching the target: the shortcut's decision boundary.
            const cpp_int gross = (*to_target * 1000000 + (999999 - fee)) / (1000000 - fee);
            remaining = gross + static_cast<int>(rng() % 5) - 2;
            if (remaining == 0) remaining = 1;
        } else {
            remaining = big(random_bits(rng, 1 + static_cast<unsigned>(rng() % 254)));
            if (rng() % 3 == 0) remaining = -remaining;
        }
        I256 amount = I256::from_bits(u256(remaining < 0 ? cpp_int(kTwo256 + remaining) : remaining));
        const auto want = ref_compute_swap_step(big(current), big(target), cpp_int(liquidity), remaining, fee);
        const auto got = v3::compute_swap_step(current, target, liquidity, amount, fee);
        SCOPED_TRACE("current " + big(current).str() + " target " + big(target).str() + " L " +
                     cpp_int(liquidity).str() + " remaining " + remaining.str() + " fee " + std::to_string(fee));
        ASSERT_EQ(got.ok(), want.has_value());
        if (!want) continue;
        ASSERT_EQ(big(got.value.sqrt_ratio_next_x96), want->next);
        ASSERT_EQ(big(got.value.amount_in), want->in);
        ASSERT_EQ(big(got.value.amount_out), want->out);
        ASSERT_EQ(big(got.value.fee_amount), want->fee);
        (want->next == big(target) ? reached : stopped_short) += 1;
    }
    // Both branches of Uniswap's decision were exercised many times.
    EXPECT_GT(reached, 3000);
    EXPECT_GT(stopped_short, 3000);
}

}  // namespace
