// Uniswap v3 TickMath, SqrtPriceMath and SwapMath on U256 (see the headers for the contracts).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "pftoken/amm/exact/full_math.hpp"
#include "pftoken/amm/exact/v3/sqrt_price_math.hpp"
#include "pftoken/amm/exact/v3/swap_math.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"
#include "wide_div.hpp"

namespace pftoken::amm::v3 {
namespace {

constexpr u128 make_u128(std::uint64_t hi, std::uint64_t lo) noexcept { return (u128{hi} << 64) | lo; }

// floor(a*b / 2^128) for a, b < 2^128.
constexpr u128 mul_hi_128(u128 a, u128 b) noexcept {
    const auto a0 = static_cast<std::uint64_t>(a), a1 = static_cast<std::uint64_t>(a >> 64);
    const auto b0 = static_cast<std::uint64_t>(b), b1 = static_cast<std::uint64_t>(b >> 64);
    // a*b = p11*2^128 + (p01 + p10)*2^64 + p00. With t = p01 + hi(p00) and t2 = p10 + lo(t)
    // (neither overflows: (2^64-1)^2 + 2^64-1 < 2^128), a*b = (p11 + hi(t) + hi(t2))*2^128 +
    // lo(t2)*2^64 + lo(p00). Written this way the compiler emits plain add/adc carry chains
    // (about half the instructions of summing three zero-extended 64-bit halves).
    const u128 p00 = u128{a0} * b0, p01 = u128{a0} * b1, p10 = u128{a1} * b0, p11 = u128{a1} * b1;
    const u128 t = p01 + static_cast<std::uint64_t>(p00 >> 64);
    const u128 t2 = p10 + static_cast<std::uint64_t>(t);
    return p11 + static_cast<std::uint64_t>(t >> 64) + static_cast<std::uint64_t>(t2 >> 64);
}

// The 1/sqrt(1.0001)^(2^i) factors of TickMath as Q128 numbers, i = 1..19.
constexpr u128 kTickFactors[19] = {
    make_u128(0xfff97272373d4132ull, 0x59a46990580e213aull),
    make_u128(0xfff2e50f5f656932ull, 0xef12357cf3c7fdccull),
    make_u128(0xffe5caca7e10e4e6ull, 0x1c3624eaa0941cd0ull),
    make_u128(0xffcb9843d60f6159ull, 0xc9db58835c926644ull),
    make_u128(0xff973b41fa98c081ull, 0x472e6896dfb254c0ull),
    make_u128(0xff2ea16466c96a38ull, 0x43ec78b326b52861ull),
    make_u128(0xfe5dee046a99a2a8ull, 0x11c461f1969c3053ull),
    make_u128(0xfcbe86c7900a88aeull, 0xdcffc83b479aa3a4ull),
    make_u128(0xf987a7253ac41317ull, 0x6f2b074cf7815e54ull),
    make_u128(0xf3392b0822b70005ull, 0x940c7a398e4b70f3ull),
    make_u128(0xe7159475a2c29b74ull, 0x43b29c7fa6e889d9ull),
    make_u128(0xd097f3bdfd2022b8ull, 0x845ad8f792aa5825ull),
    make_u128(0xa9f746462d870fdfull, 0x8a65dc1f90e061e5ull),
    make_u128(0x70d869a156d2a1b8ull, 0x90bb3df62baf32f7ull),
    make_u128(0x31be135f97d08fd9ull, 0x81231505542fcfa6ull),
    make_u128(0x09aa508b5b7a84e1ull, 0xc677de54f3e99bc9ull),
    make_u128(0x005d6af8dedb8119ull, 0x6699c329225ee604ull),
    make_u128(0x00002216e584f5faull, 0x1ea926041bedfe98ull),
    make_u128(0x00000000048a1703ull, 0x91f7dc42444e8fa2ull),
};

// TickMath's product chain runs from bit 0 upward and each step only depends on the previous
// value, so the value after the low kTableBits bits is a pure function of (|tick| & mask): we
// tabulate it (bit-exact, same floors) and only multiply for the higher bits.
constexpr unsigned kTableBits = 14;
struct RatioTable {
    u128 value[1u << kTableBits];  // 0 stands for exactly 2^128 (index 0: no bit set)
};
// Built in index order: the chain handles idx's highest bit last, so value[idx] is value[idx
// without that bit] times its factor (one multiplication per entry).
constexpr RatioTable make_ratio_table() {
    RatioTable t{};
    t.value[1] = make_u128(0xfffcb933bd6fad37ull, 0xaa2d162d1a594001ull);  // bit 0 starts the chain
    for (std::uint32_t idx = 2; idx < (1u << kTableBits); ++idx) {
        const unsigned top = 31u - static_cast<unsigned>(std::countl_zero(idx));
        const std::uint32_t rest = idx ^ (1u << top);
        t.value[idx] = rest == 0 ? kTickFactors[top - 1] : mul_hi_128(t.value[rest], kTickFactors[top - 1]);
    }
    return t;
}
constexpr RatioTable kRatioTable = make_ratio_table();

// The product of the factors of the high tick bits (above kTableBits; |tick| < 2^20), as a
// 256-bit fraction P[h] ~ 2^256 * prod c_i / 2^128, built by the same truncated chain: a lower
// bound within popcount(h) units of 2^-256 (each truncation loses less than one unit and later
// factors are below one). Lets negative ticks skip the chain (see get_sqrt_ratio_at_tick).
constexpr unsigned kHighBits = 20 - kTableBits;
struct HighProductTable {
    std::uint64_t value[1u << kHighBits][4];  // little-endian limbs; entry 0 unused
};
constexpr HighProductTable make_high_product_table() {
    HighProductTable t{};
    for (std::uint32_t h = 1; h < (1u << kHighBits); ++h) {
        std::uint64_t p[4] = {0, 0, 0, 0};
        bool first = true;
        for (unsigned i = 0; i < kHighBits; ++i) {
            if ((h & (1u << i)) == 0) continue;
            const u128 c = kTickFactors[kTableBits + i - 1];
            const auto c0 = static_cast<std::uint64_t>(c), c1 = static_cast<std::uint64_t>(c >> 64);
            if (first) {  // 2^256 * c / 2^128, exact
                p[2] = c0;
                p[3] = c1;
                first = false;
                continue;
            }
            // floor(p * c / 2^128): the 6-limb product's limbs 2..5.
            std::uint64_t w[6] = {0, 0, 0, 0, 0, 0};
            for (unsigned a = 0; a < 4; ++a) {
                u128 carry = 0;
                for (unsigned b = 0; b < 2; ++b) {
                    carry += u128{p[a]} * (b == 0 ? c0 : c1) + w[a + b];
                    w[a + b] = static_cast<std::uint64_t>(carry);
                    carry >>= 64;
                }
                w[a + 2] = static_cast<std::uint64_t>(carry);
            }
            for (unsigned k = 0; k < 4; ++k) p[k] = w[k + 2];
        }
        for (unsigned k = 0; k < 4; ++k) t.value[h][k] = p[k];
    }
    return t;
}
constexpr HighProductTable kHighProducts = make_high_product_table();

// q = floor((2^256 - 1) / r), TickMath's `type(uint256).max / ratio` for positive ticks (2^64 <=
// r < 2^128; ratio > 2^64 at MAX_TICK), as far as the caller's ceil(q / 2^32) can tell: three
// quotient digits with one reciprocal instead of a general 256-bit long division: the first from
// the reciprocal itself, the second a 3-by-2 division, the last only estimated. Moller-Granlund's candidate e = hi(v*u2 + <u2, u1>) + 1 is within one
// of the true digit (Algorithm 5 corrects it by -1 and then by +1 at most), so when e's low 32 bits
// are in [2, 2^32 - 2] the digits e - 1, e, e + 1 share their high 32 bits and all have non-zero
// low 32 bits: ceil(q / 2^32) is the same for each. That skips the digit's correction, a branch
// mispredicted about 40% of the time; otherwise the exact digit is computed (no tick needs it:
// checked over all 887,272 positive ticks).
U256 quotient_for_q96(u128 r) noexcept {
    const int s = __builtin_clzll(detail::hi64(r));
    const u128 d = r << s;
    const std::uint64_t v = detail::reciprocal_3by2(d);
    constexpr std::uint64_t ones = ~std::uint64_t{0};
    // (2^256 - 1) << s as five limbs: [ones >> (64 - s), ones, ones, ones, ones << s]. The first
    // digit divides its top three limbs, N = 2^(128+s) - 1, and comes from the reciprocal: with
    // V = 2^64 + v = floor((2^192 - 1) / d) and k = 64 - s, N / d = ((2^192 - 1) - (2^k - 1)) / d
    // / 2^k lies in ((V - 1) / 2^k, (V + 1) / 2^k) since 2^k - 1 < d, so q2 = floor(N / d) is V >> k
    // or (V >> k) - 1. With P = (V >> k) * d, N - P has low limbs ~P (N's are all ones: no borrow)
    // and top limb (2^s - 1) - P's top limb, negative exactly when P's top limb is >= 2^s; then
    // q2 is one less and the remainder d more.
    std::uint64_t q2 = ((v >> 1) >> (63 - s)) | (std::uint64_t{1} << s);  // V >> k
    const u128 p_low = u128{q2} * detail::lo64(d);
    const u128 p_mid = u128{q2} * detail::hi64(d) + detail::hi64(p_low);  // < 2^128
    u128 rem = ~((p_mid << 64) | detail::lo64(p_low));
    if ((detail::hi64(p_mid) >> s) != 0) [[unlikely]] {
        --q2;
        rem += d;
    }
    const std::uint64_t q1 = detail::div_3by2_preinv(rem, ones, d, v);
    std::uint64_t q0 = detail::hi64(u128{v} * detail::hi64(rem) + rem) + 1u;
    const auto q0_low = static_cast<std::uint32_t>(q0);
    if (q0_low < 2u || q0_low == 0xffffffffu) [[unlikely]]
        q0 = detail::div_3by2_preinv(rem, ones << s, d, v);
    return {q0, q1, q2, 0u};
}

}  // namespace

namespace {
// TickMath's Q128.128 ratio 1/sqrt(1.0001)^|tick| before the inversion for positive ticks;
// `one` stands for exactly 2^128 (tick 0, 129 bits).
struct TickRatio {
    u128 value;
    bool one;
};
// The chain over the high bits from the tabulated low-bit value r0 (0 = exactly 2^128). Requires
// r0 != 0 or high != 0; the first factor replaces 2^128 exactly, so the loop has no branch on it.
[[gnu::always_inline]] inline u128 chain_ratio(u128 r0, std::uint32_t high) noexcept {
    if (r0 == 0) {
        r0 = kTickFactors[kTableBits + static_cast<unsigned>(__builtin_ctz(high)) - 1];
        high &= high - 1;
    }
    for (; high != 0; high &= high - 1)
        r0 = mul_hi_128(r0, kTickFactors[kTableBits + static_cast<unsigned>(__builtin_ctz(high)) - 1]);
    return r0;
}
[[gnu::always_inline]] inline TickRatio tick_ratio(std::uint32_t abs_tick) noexcept {
    const u128 r0 = kRatioTable.value[abs_tick & ((1u << kTableBits) - 1u)];
    const std::uint32_t high = abs_tick >> kTableBits;
    if (r0 == 0 && high == 0) return {0, true};
    return {chain_ratio(r0, high), false};
}
}  // namespace

Result<U256> get_sqrt_ratio_at_tick(std::int32_t tick) noexcept {
    const std::uint32_t abs_tick =
        tick < 0 ? static_cast<std::uint32_t>(-static_cast<std::int64_t>(tick)) : static_cast<std::uint32_t>(tick);
    if (abs_tick > static_cast<std::uint32_t>(kMaxTick)) return Revert::T;

    const u128 r0 = kRatioTable.value[abs_tick & ((1u << kTableBits) - 1u)];
    const std::uint32_t high = abs_tick >> kTableBits;
    if (tick < 0 && high != 0) {
        // Without the chain: with r0 the tabulated low-bit ratio and Y = r0 * prod(c_i / 2^128)
        // (real), the chain's m = popcount(high) <= 6 truncations give r in (Y - m, Y], and
        // A = floor(r0 * P[high] / 2^256) satisfies Y - m * 2^-128 < A + frac <= Y, so r lies in
        // [A - m + 1, A + 1]. We compute A' = A or A - 1 (below) from the partial products of
        // limb position >= 3 only, so r is in [A' - 7, A' + 2] (a bound that holds for m <= 8) and
        // r - 1 in [A' - 8, A' + 1].
        // The result ceil(r / 2^32) = ((r - 1) >> 32) + 1 is then the same for every candidate,
        // (A' >> 32) + 1, when the low 32 bits of A' are in [8, 2^32 - 2] (all but ~10 / 2^32 of
        // ticks: no negative tick at all, checked over the whole range); otherwise the exact
        // chain below decides.
        const std::uint64_t* p = kHighProducts.value[high];
        u128 a;
        if (r0 == 0) {  // low bits all zero: r0 = 2^128, A exact
            a = (u128{p[3]} << 64) | p[2];
        } else {
            // r0 * P = sum b_i p_k 2^(64(i+k)) (b = r0's limbs). In units of 2^192 it is T + D with
            // T = b1 p3 2^64 + b0 p3 + b1 p2 + hi(b0 p2) + hi(b1 p1) and
            // 0 <= D < (lo(b0 p2) + lo(b1 p1)) / 2^64 + (b0 p1 + b1 p0) / 2^128 + b0 p0 / 2^192 < 5,
            // so A = floor((T + D) / 2^64) is floor(T / 2^64) = A' or A' + 1.
            const auto b0 = static_cast<std::uint64_t>(r0), b1 = static_cast<std::uint64_t>(r0 >> 64);
            const u128 s_a = u128{b0} * p[3] + static_cast<std::uint64_t>((u128{b0} * p[2]) >> 64);  // < 2^128
            const u128 s_b = u128{b1} * p[2] + static_cast<std::uint64_t>((u128{b1} * p[1]) >> 64);  // < 2^128
            const u128 s = s_a + s_b;
            const u128 carry = s < s_a ? (u128{1} << 64) : 0u;
            a = u128{b1} * p[3] + static_cast<std::uint64_t>(s >> 64) + carry;
        }
        const auto low32 = static_cast<std::uint32_t>(a);
        if (low32 >= 8u && low32 != 0xffffffffu) return U256{(a >> 32) + 1u};
    }

    if (r0 == 0 && high == 0) return U256::pow2(96);  // tick 0: ratio exactly 2^128
    const u128 ratio = chain_ratio(r0, high);         // < 2^128 for every tick != 0
    // Q128.128 -> Q128.96 rounding up, so getTickAtSqrtRatio of the result is consistent.
    if (tick < 0) return U256{(ratio >> 32) + (static_cast<std::uint32_t>(ratio) != 0 ? 1u : 0u)};
    // q = floor((2^256 - 1) / ratio) < 2^192 (ratio > 2^64), and ceil(q / 2^32) < 2^160.
    const U256 q = quotient_for_q96(ratio);
    const u128 q_lo = (u128{q.limb[1]} << 64) | q.limb[0];
    const u128 low = ((u128{q.limb[2]} << 96) | (q_lo >> 32)) + (static_cast<std::uint32_t>(q_lo) != 0 ? 1u : 0u);
    // The +1 carries into bit 128 only when the 128 bits below were all ones (then low wraps to 0).
    const std::uint64_t top = (q.limb[2] >> 32) + (low == 0 && static_cast<std::uint32_t>(q_lo) != 0 ? 1u : 0u);
    return U256{static_cast<std::uint64_t>(low), static_cast<std::uint64_t>(low >> 64), top, 0u};
}

namespace {
// getSqrtRatioAtTick(tick) <= price without TickMath's division for positive ticks:
// ceil(q / 2^32) <= p  <=>  q <= p*2^32, and for q = floor((2^256-1)/r) that is
// r*(p*2^32 + 1) >= 2^256. Requires |tick| <= kMaxTick and price < 2^160.
bool sqrt_ratio_at_tick_at_most(std::int32_t tick, const U256& price) noexcept {
    const std::uint32_t abs_tick =
        tick < 0 ? static_cast<std::uint32_t>(-static_cast<std::int64_t>(tick)) : static_cast<std::uint32_t>(tick);
    const TickRatio ratio = tick_ratio(abs_tick);
    const U256 scaled = price << 32;  // < 2^192
    if (ratio.one) return U256::pow2(128) <= scaled;
    if (tick <= 0) return U256{ratio.value} <= scaled;
    const U512 product = mul_wide(U256{ratio.value}, scaled + U256{1u});
    return (product.limb[4] | product.limb[5] | product.limb[6] | product.limb[7]) != 0;
}

// The top 64 bits as a double (relative error below 2^-52): plenty for the estimates here and
// much cheaper than U256::to_double.
double approx_double(const U256& x) noexcept {
    int k = 3;
    while (k > 0 && x.limb[static_cast<std::size_t>(k)] == 0) --k;
    const std::uint64_t top_limb = x.limb[static_cast<std::size_t>(k)];
    if (k == 0) return static_cast<double>(top_limb);
    const int c = __builtin_clzll(top_limb | 1u);
    const std::uint64_t below = x.limb[static_cast<std::size_t>(k - 1)];
    const std::uint64_t top = (top_limb << c) | ((below >> 1) >> (63 - c));
    // x ~ top * 2^(64k - c); the power of two is built directly in the exponent field.
    const auto exponent = static_cast<std::uint64_t>(1023 + 64 * k - c);
    return static_cast<double>(top) * std::bit_cast<double>(exponent << 52);
}

// log2(x) for 0 < x < 2^256 with an absolute error below 1e-7 (the tick estimate needs 3e-5:
// 0.4 tick / 13863.6 ticks per unit of log2). x = 2^k * m with m in [1, 2) from the top 64
// bits; log2(m) = log2(e) * ln(m) with ln(m) = 2 * atanh(s), s = (m - c) / (m + c) around
// c = 1 or c = 2 (|s| <= 0.1716 after folding m >= sqrt(2) onto c = 2), and the series
// 2 * (s + s^3/3 + s^5/5 + s^7/7) whose first omitted term is below 2 * 0.1716^9 / 9 = 2.9e-8.
double fast_log2(const U256& x) noexcept {
    int k = 3;
    while (k > 0 && x.limb[static_cast<std::size_t>(k)] == 0) --k;
    const std::uint64_t top_limb = x.limb[static_cast<std::size_t>(k)];
    const int c = __builtin_clzll(top_limb);
    const std::uint64_t below = k > 0 ? x.limb[static_cast<std::size_t>(k - 1)] : 0u;
    const std::uint64_t top = (top_limb << c) | ((below >> 1) >> (63 - c));  // bit 63 set
    // m in [1, 2): the 52 bits below the leading one as a double's mantissa.
    const double m = std::bit_cast<double>((std::uint64_t{1023} << 52) | ((top << 1) >> 12));
    const int exponent = 64 * k + 63 - c;
    const bool upper = m >= 1.4142135623730951;
    const double center = upper ? 2.0 : 1.0;
    const double s = (m - center) / (m + center);
    const double s2 = s * s;
    const double ln_m = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0))));
    constexpr double kLog2E = 1.4426950408889634;
    return static_cast<double>(exponent + (upper ? 1 : 0)) + ln_m * kLog2E;
}
}  // namespace

Result<std::int32_t> get_tick_at_sqrt_ratio(const U256& sqrt_price_x96) noexcept {
    if (sqrt_price_x96 < kMinSqrtRatio || sqrt_price_x96 >= kMaxSqrtRatio) return Revert::R;
    // TickMath.getTickAtSqrtRatio returns the greatest tick with getSqrtRatioAtTick(tick) <= price
    // (its specification, fuzzed by Uniswap's TickMathEchidnaTest). Instead of its 14-step binary
    // log we take the nearest integer n to the real tick 2*log(price/2^96)/log(1.0001) and decide
    // between n - 1 and n with one exact getSqrtRatioAtTick. This is exact as long as the estimate
    // is within 0.5 tick of the true boundary: double rounding and log2 contribute ~1e-9 tick, and
    // getSqrtRatioAtTick's own rounding (1 unit of a price >= 4295128739) at most ~5e-6 tick.
    // tests/amm/test_exact_fast_paths.cpp checks it against the log-chain port at every tick
    // boundary sampled and on random prices.
    constexpr double kTicksPerLog2 = 13863.636746829117;  // 2 / log2(1.0001)
    const double estimate = (fast_log2(sqrt_price_x96) - 96.0) * kTicksPerLog2;
    // Round to nearest by truncating a positive number (estimate > kMinTick - 1).
    auto nearest = static_cast<std::int32_t>(estimate + (0.5 - kMinTick)) + kMinTick;
    nearest = std::clamp(nearest, kMinTick, kMaxTick);
    return sqrt_ratio_at_tick_at_most(nearest, sqrt_price_x96) ? nearest : nearest - 1;
}

namespace {
// floor((v << 96) / y) for v < 2^288 and y (n significant limbs, 1 <= n <= 5): the shared
// core of mulDiv(L << 96, x, y) in getAmount0Delta and getNextSqrtPriceFromAmount0RoundingUp,
// with the product built as (L * x) << 96 from one narrow multiplication.
struct Quotient96 {
    U256 value;
    bool inexact = false;   // non-zero remainder
    bool overflow = false;  // quotient >= 2^256
};
Quotient96 div_shifted96(const U512& v, const std::uint64_t* y, int n) noexcept {
    const std::uint64_t x[7] = {0, v.limb[0] << 32, (v.limb[0] >> 32) | (v.limb[1] << 32),
                                (v.limb[1] >> 32) | (v.limb[2] << 32), (v.limb[2] >> 32) | (v.limb[3] << 32),
                                (v.limb[3] >> 32) | (v.limb[4] << 32), v.limb[4] >> 32};
    Quotient96 out;
    int m = 7;
    while (m > 0 && x[m - 1] == 0) --m;
    if (m == 0) return out;
    if (m < n) {  // 0 < x < y
        out.inexact = true;
        return out;
    }
    std::uint64_t q[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::uint64_t r[5] = {0, 0, 0, 0, 0};
    detail::divide_limbs(x, m, y, n, q, r);
    out.value = U256{q[0], q[1], q[2], q[3]};
    out.inexact = (r[0] | r[1] | r[2] | r[3] | r[4]) != 0;
    out.overflow = (q[4] | q[5] | q[6]) != 0;
    return out;
}

// getAmount0Delta for prices below 2^160 (all valid prices) with one division instead of two:
// floor(floor(x/b)/a) == floor(x/(a*b)) and ceil(ceil(x/b)/a) == ceil(x/(a*b)) for positive
// integers, with x = (L << 96) * (b - a) (at most 384 bits) and a*b (at most 320 bits). Neither
// of Uniswap's mulDiv steps can revert here: b - a < b keeps the first quotient below L << 96.
// Prices below 2^128 (sqrt(P) < 2^32, every pool with a price below 1.8e19): Uniswap's own two
// steps floor(floor(x / b) / a) (ceilings when rounding up), each a division by a 128-bit
// number, which is cheaper than one 384/256-bit long division. x / b < L * 2^96 < 2^224, so
// floor(x / 2^256) < b: the long division by b starts with the remainder x >> 256 and produces
// only the four low quotient digits.
U256 amount0_delta_two_u128_divisions(u128 a, u128 b, u128 liquidity, bool round_up) noexcept {
    const U256 p = mul_128x128(liquidity, b - a);  // x = p << 96
    const std::uint64_t x[6] = {0u, p.limb[0] << 32, (p.limb[0] >> 32) | (p.limb[1] << 32),
                                (p.limb[1] >> 32) | (p.limb[2] << 32), (p.limb[2] >> 32) | (p.limb[3] << 32),
                                p.limb[3] >> 32};
    U256 q1;
    bool inexact = false;
    if (detail::hi64(b) == 0) {
        const auto d = static_cast<std::uint64_t>(b);
        const int s = __builtin_clzll(d);
        const std::uint64_t dn = d << s, inv = detail::reciprocal_2by1(dn);
        // x >> 256 < b < 2^64: limb 5 is zero and the normalized remainder starts as limb 4.
        std::uint64_t rem = (x[4] << s) | ((x[3] >> 1) >> (63 - s));
        for (int j = 3; j >= 0; --j) {
            const auto k = static_cast<std::size_t>(j);
            const std::uint64_t limb = (x[k] << s) | (j > 0 ? (x[k - 1] >> 1) >> (63 - s) : std::uint64_t{0});
            q1.limb[k] = detail::div_2by1_preinv(rem, limb, dn, inv, rem);
        }
        inexact = rem != 0;
    } else {
        const detail::Divisor128 divisor = detail::make_divisor128(b);
        const int s = divisor.shift;
        const auto limb_at = [&](int j) {
            const auto k = static_cast<std::size_t>(j);
            return (x[k] << s) | (j > 0 ? (x[k - 1] >> 1) >> (63 - s) : std::uint64_t{0});
        };
        u128 rem = (u128{limb_at(5)} << 64) | limb_at(4);  // (x >> 256) << s < b << s
        for (int j = 3; j >= 0; --j)
            q1.limb[static_cast<std::size_t>(j)] = detail::div_3by2_preinv(rem, limb_at(j), divisor.normalized, divisor.reciprocal);
        inexact = rem != 0;
    }
    if (round_up && inexact) q1 += U256{1u};  // q1 < 2^224
    u128 rem2 = 0;
    U256 q = detail::div_by_u128(q1, a, rem2);
    if (round_up && rem2 != 0) q += U256{1u};
    return q;
}

U256 amount0_delta_one_division(const U256& a, const U256& b, u128 liquidity, bool round_up) noexcept {
    const U512 y = mul_wide(a, b);  // <= 320 bits, >= 2
    int n = 5;
    while (y.limb[static_cast<std::size_t>(n - 1)] == 0) --n;
    const Quotient96 q = div_shifted96(mul_wide(U256{liquidity}, b - a), y.limb.data(), n);
    return round_up && q.inexact ? q.value + U256{1u} : q.value;  // < 2^224: no overflow
}
}  // namespace

Result<U256> get_next_sqrt_price_from_amount0_rounding_up(const U256& sqrt_px96, u128 liquidity,
                                                          const U256& amount, bool add) noexcept {
    if (amount.is_zero()) return sqrt_px96;
    const U256 numerator1 = U256{liquidity} << 96;
    U256 product;
    const bool product_overflows = mul_overflow(amount, sqrt_px96, product);
    if (add) {
        if (!product_overflows) {
            U256 denominator;
            if (!add_overflow(numerator1, product, denominator)) {
                if (!sqrt_px96.fits_bits(160)) {  // not a uint160: the general path
                    const Result<U256> r = mul_div_rounding_up(numerator1, sqrt_px96, denominator);
                    if (!r.ok()) return r;
                    return U256{r.value & U256::low_mask(160)};
                }
                if (denominator.is_zero()) return Revert::DivisionByZero;
                // mulDivRoundingUp(numerator1, sqrtP, denominator) with numerator1 = L << 96.
                int n = 4;
                while (denominator.limb[static_cast<std::size_t>(n - 1)] == 0) --n;
                const Quotient96 q = div_shifted96(mul_wide(U256{liquidity}, sqrt_px96), denominator.limb.data(), n);
                if (q.overflow || (q.inexact && q.value == U256::max())) return Revert::Overflow;
                const U256 r = q.inexact ? q.value + U256{1u} : q.value;
                return U256{r & U256::low_mask(160)};  // uint160() truncation as in Solidity
            }
        }
        // Overflow fallback: L*2^96 / (L*2^96/sqrtP + amount), rounded up.
        if (sqrt_px96.is_zero()) return Revert::DivisionByZero;
        U256 denominator;
        if (add_overflow(numerator1 / sqrt_px96, amount, denominator)) return Revert::Overflow;
        const Result<U256> r = div_rounding_up(numerator1, denominator);
        if (!r.ok()) return r;
        return U256{r.value & U256::low_mask(160)};
    }
    if (product_overflows || numerator1 <= product) return Revert::PriceBounds;
    const Result<U256> r = mul_div_rounding_up(numerator1, sqrt_px96, numerator1 - product);
    if (!r.ok()) return r;
    if (!r.value.fits_bits(160)) return Revert::Overflow;
    return r;
}

Result<U256> get_next_sqrt_price_from_amount1_rounding_down(const U256& sqrt_px96, u128 liquidity,
                                                            const U256& amount, bool add) noexcept {
    const U256 l{liquidity};
    if (add) {
        U256 quotient;
        if (amount.fits_bits(160)) {
            if (liquidity == 0) return Revert::DivisionByZero;
            // (amount << 96) / L with L < 2^128: the 256/128 digit loop, not the general division.
            u128 unused = 0;
            quotient = detail::div_by_u128(amount << 96, liquidity, unused);
        } else {
            const Result<U256> q = mul_div(amount, U256::pow2(96), l);
            if (!q.ok()) return q;
            quotient = q.value;
        }
        U256 next;
        if (add_overflow(sqrt_px96, quotient, next)) return Revert::Overflow;
        if (!next.fits_bits(160)) return Revert::Overflow;
        return next;
    }
    U256 quotient;
    if (amount.fits_bits(160)) {
        if (liquidity == 0) return Revert::DivisionByZero;
        u128 remainder = 0;
        quotient = detail::div_by_u128(amount << 96, liquidity, remainder);
        if (remainder != 0) quotient += U256{1u};  // the quotient is below 2^160: no overflow
    } else {
        const Result<U256> q = mul_div_rounding_up(amount, U256::pow2(96), l);
        if (!q.ok()) return q;
        quotient = q.value;
    }
    if (sqrt_px96 <= quotient) return Revert::PriceBounds;
    return sqrt_px96 - quotient;
}

Result<U256> get_next_sqrt_price_from_input(const U256& sqrt_px96, u128 liquidity, const U256& amount_in,
                                            bool zero_for_one) noexcept {
    if (sqrt_px96.is_zero()) return Revert::ZeroPrice;
    if (liquidity == 0) return Revert::ZeroLiquidity;
    return zero_for_one ? get_next_sqrt_price_from_amount0_rounding_up(sqrt_px96, liquidity, amount_in, true)
                        : get_next_sqrt_price_from_amount1_rounding_down(sqrt_px96, liquidity, amount_in, true);
}

Result<U256> get_next_sqrt_price_from_output(const U256& sqrt_px96, u128 liquidity,
                                             const U256& amount_out, bool zero_for_one) noexcept {
    if (sqrt_px96.is_zero()) return Revert::ZeroPrice;
    if (liquidity == 0) return Revert::ZeroLiquidity;
    return zero_for_one ? get_next_sqrt_price_from_amount1_rounding_down(sqrt_px96, liquidity, amount_out, false)
                        : get_next_sqrt_price_from_amount0_rounding_up(sqrt_px96, liquidity, amount_out, false);
}

Result<U256> get_amount0_delta(U256 a, U256 b, u128 liquidity, bool round_up) noexcept {
    if (a > b) std::swap(a, b);
    if (!a.is_zero() && b.fits128()) return amount0_delta_two_u128_divisions(a.low128(), b.low128(), liquidity, round_up);
    if (!a.is_zero() && b.fits_bits(160)) return amount0_delta_one_division(a, b, liquidity, round_up);
    const U256 numerator1 = U256{liquidity} << 96;
    const U256 numerator2 = b - a;
    if (a.is_zero()) return Revert::ZeroPrice;
    if (round_up) {
        const Result<U256> t = mul_div_rounding_up(numerator1, numerator2, b);
        if (!t.ok()) return t;
        return div_rounding_up(t.value, a);
    }
    const Result<U256> t = mul_div(numerator1, numerator2, b);
    if (!t.ok()) return t;
    return t.value / a;
}

Result<U256> get_amount1_delta(U256 a, U256 b, u128 liquidity, bool round_up) noexcept {
    // |b - a| on the two 128-bit halves; below 2^128 (every price step of a real pool) the result
    // is (L * d) >> 96 from one 128x128 product, rounded up if any of the 96 low bits is set.
    const bool ordered = a <= b;
    const U256& lo = ordered ? a : b;
    const U256& hi = ordered ? b : a;
    const u128 d_low = hi.low128() - lo.low128();
    const u128 d_high = hi.high128() - lo.high128() - (hi.low128() < lo.low128() ? 1u : 0u);
    if (d_high == 0) {
        const U256 p = mul_128x128(liquidity, d_low);
        const bool inexact = round_up && (p.limb[0] | (p.limb[1] & 0xffffffffull)) != 0;
        const u128 q_low = ((u128{(p.limb[2] >> 32) | (p.limb[3] << 32)} << 64) | ((p.limb[1] >> 32) | (p.limb[2] << 32))) +
                           (inexact ? 1u : 0u);
        const std::uint64_t q_top = (p.limb[3] >> 32) + (inexact && q_low == 0 ? 1u : 0u);  // q < 2^160
        return U256{static_cast<std::uint64_t>(q_low), static_cast<std::uint64_t>(q_low >> 64), q_top, 0u};
    }
    if (a > b) std::swap(a, b);
    const U256 d = b - a;
    if (d.fits128()) {
        // L * d fits in 256 bits: one 128x128 product, then the shift.
        const U256 p = mul_128x128(liquidity, d.low128());
        U256 q = p >> 96;
        if (round_up && (p.limb[0] != 0 || (p.limb[1] & 0xffffffffull) != 0)) q += U256{1u};  // q < 2^160
        return q;
    }
    // mulDiv(L, b - a, Q96): the power-of-two denominator is a shift.
    return mul_shift(U256{liquidity}, d, 96, round_up);
}

namespace {
Result<I256> signed_amount(const Result<U256>& magnitude, bool negate) noexcept {
    if (!magnitude.ok()) return magnitude.error;
    I256 v;
    if (!to_int256(magnitude.value, v)) return Revert::Overflow;
    return negate ? -v : v;
}
u128 abs_liquidity(i128 liquidity) noexcept {
    return liquidity < 0 ? u128{0} - static_cast<u128>(liquidity) : static_cast<u128>(liquidity);
}
}  // namespace

Result<I256> get_amount0_delta_signed(const U256& a, const U256& b, i128 liquidity) noexcept {
    const bool negative = liquidity < 0;
    return signed_amount(get_amount0_delta(a, b, abs_liquidity(liquidity), !negative), negative);
}

Result<I256> get_amount1_delta_signed(const U256& a, const U256& b, i128 liquidity) noexcept {
    const bool negative = liquidity < 0;
    return signed_amount(get_amount1_delta(a, b, abs_liquidity(liquidity), !negative), negative);
}

namespace {
// A floating-point guess whether an exact input of token0 stops before the target price: only
// picks which exact evaluation order runs first (both give the same result), so its accuracy
// only matters for speed. amountIn to the target is L*2^96*(c - t)/(c*t).
bool likely_stops_short(const U256& current, const U256& target, u128 liquidity, const U256& amount) noexcept {
    const double c = approx_double(current), t = approx_double(target);
    // L as a double from its two halves (static_cast<double>(u128) is a libgcc call).
    const double l = static_cast<double>(static_cast<std::uint64_t>(liquidity >> 64)) * 18446744073709551616.0 +
                     static_cast<double>(static_cast<std::uint64_t>(liquidity));
    const double to_target = l * 79228162514264337593543950336.0 * approx_double(current - target) / (c * t);
    return approx_double(amount) < 0.999 * to_target;
}
}  // namespace

Result<SwapStep> compute_swap_step(const U256& current, const U256& target, u128 liquidity,
                                   const I256& amount_remaining, std::uint32_t fee_pips) noexcept {
    SwapStep s;
    const bool zero_for_one = current >= target;
    const bool exact_in = !amount_remaining.negative();
    if (fee_pips >= 1000000u) return Revert::Overflow;  // 1e6 - feePips would underflow

    bool price_found = false;
    Result<U256> less_fee;
    if (exact_in) {
        less_fee = mul_div_small(amount_remaining.bits, 1000000u - fee_pips, 1000000u, false);
        if (!less_fee.ok()) return less_fee.error;
        if (zero_for_one && !target.is_zero() && current.fits_bits(160) &&
            less_fee.value.bit_length() + current.bit_length() <= 256 &&
            likely_stops_short(current, target, liquidity, less_fee.value)) {
            // Shortcut, same result: when the price after the whole input (no overflow fallback
            // inside getNextSqrtPriceFromAmount0RoundingUp) stops strictly above the target, the
            // input is below amountIn-to-target, so Uniswap takes the same branch: with
            // x >= amountIn >= L*2^96*(c-t)/(c*t), L*2^96*c/(L*2^96 + x*c) <= t and its ceiling is
            // <= t. Any revert falls back to Uniswap's order of evaluation.
            const Result<U256> next = get_next_sqrt_price_from_input(current, liquidity, less_fee.value, true);
            if (next.ok() && next.value > target) {
                s.sqrt_ratio_next_x96 = next.value;
                price_found = true;
            }
        }
    }
    if (price_found) {
        // amount_in and amount_out are computed below (the target was not reached).
    } else if (exact_in) {
        const Result<U256> in = zero_for_one ? get_amount0_delta(target, current, liquidity, true)
                                             : get_amount1_delta(current, target, liquidity, true);
        if (!in.ok()) return in.error;
        s.amount_in = in.value;
        if (less_fee.value >= s.amount_in) {
            s.sqrt_ratio_next_x96 = target;
        } else {
            const Result<U256> next = get_next_sqrt_price_from_input(current, liquidity, less_fee.value, zero_for_one);
            if (!next.ok()) return next.error;
            s.sqrt_ratio_next_x96 = next.value;
        }
    } else {
        const Result<U256> out = zero_for_one ? get_amount1_delta(target, current, liquidity, false)
                                              : get_amount0_delta(current, target, liquidity, false);
        if (!out.ok()) return out.error;
        s.amount_out = out.value;
        const U256 wanted = amount_remaining.magnitude();
        if (wanted >= s.amount_out) {
            s.sqrt_ratio_next_x96 = target;
        } else {
            const Result<U256> next = get_next_sqrt_price_from_output(current, liquidity, wanted, zero_for_one);
            if (!next.ok()) return next.error;
            s.sqrt_ratio_next_x96 = next.value;
        }
    }

    const bool reached_target = target == s.sqrt_ratio_next_x96;
    if (zero_for_one) {
        if (!(reached_target && exact_in)) {
            const Result<U256> in = get_amount0_delta(s.sqrt_ratio_next_x96, current, liquidity, true);
            if (!in.ok()) return in.error;
            s.amount_in = in.value;
        }
        if (!(reached_target && !exact_in)) {
            const Result<U256> out = get_amount1_delta(s.sqrt_ratio_next_x96, current, liquidity, false);
            if (!out.ok()) return out.error;
            s.amount_out = out.value;
        }
    } else {
        if (!(reached_target && exact_in)) {
            const Result<U256> in = get_amount1_delta(current, s.sqrt_ratio_next_x96, liquidity, true);
            if (!in.ok()) return in.error;
            s.amount_in = in.value;
        }
        if (!(reached_target && !exact_in)) {
            const Result<U256> out = get_amount0_delta(current, s.sqrt_ratio_next_x96, liquidity, false);
            if (!out.ok()) return out.error;
            s.amount_out = out.value;
        }
    }

    // Exact output never hands out more than asked for.
    if (!exact_in && s.amount_out > amount_remaining.magnitude()) s.amount_out = amount_remaining.magnitude();

    if (exact_in && s.sqrt_ratio_next_x96 != target) {
        // The remainder of the input is the fee (input rounding is in the pool's favour).
        s.fee_amount = amount_remaining.bits - s.amount_in;
    } else {
        const Result<U256> fee = mul_div_small(s.amount_in, fee_pips, 1000000u - fee_pips, true);
        if (!fee.ok()) return fee.error;
        s.fee_amount = fee.value;
    }
    return s;
}

}  // namespace pftoken::amm::v3
