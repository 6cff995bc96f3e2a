#pragma once
// exp() over an array, written so the compiler vectorises it (SSE2: two doubles per instruction).
//
// Factor paths need ~1,300 exponentials per Monte Carlo path (price, volume, opex, discount);
// calling the C library's scalar exp() for each was ~15% of a path's instructions. This one is
// accurate to ~2 ulp (tested against std::exp) rather than correctly rounded, so Monte Carlo
// results differ from a std::exp() build in the last bits only (docs/monte-carlo.md).

#include <bit>
#include <cmath>
#include <cstdint>
#include <span>

namespace pftoken::mc {

namespace detail {
/// exp(x) for |x| <= 700 without branches: x = k ln2 + r with |r| <= ln2/2 (Cody-Waite, ln2
/// split in two so k ln2 is exact), exp(r) by its Taylor series to r^13 (truncation < 1e-17
/// relative), times 2^k built in the exponent bits.
inline double exp_kernel(double x) noexcept {
    constexpr double kLog2e = 1.4426950408889634074;
    constexpr double kLn2Hi = 6.93147180369123816490e-01;  // fdlibm: 32 significant bits
    constexpr double kLn2Lo = 1.90821492927058770002e-10;
    constexpr double kShifter = 0x1.8p52;                  // rounds to an integer in the low bits
    const double shifted = x * kLog2e + kShifter;
    const double k = shifted - kShifter;
    const double r = (x - k * kLn2Hi) - k * kLn2Lo;
    double p = 1.0 / 6227020800.0;  // 1/13!
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // 2^k: k sits in the low bits of `shifted`; add it to the exponent field of 1.0.
    const std::uint64_t k_bits = std::bit_cast<std::uint64_t>(shifted) - std::bit_cast<std::uint64_t>(kShifter);
    const std::uint64_t scale = (k_bits << 52) + std::bit_cast<std::uint64_t>(1.0);
    return p * std::bit_cast<double>(scale);
}
}  // namespace detail

/// values[i] = exp(values[i]) for every element. Values outside [-700, 700] (never produced by
/// sane factor models) take std::exp, so the result is always as std::exp's within ~2 ulp.
inline void exp_in_place(std::span<double> values) noexcept {
    double* const v = values.data();
    const std::size_t n = values.size();
    // The range check on the bit patterns, so that GCC vectorises it (it does not vectorise a
    // floating-point comparison accumulated into a flag): with the sign bit cleared, the
    // pattern of a double orders like its magnitude (NaN and inf above every finite value),
    // and a + (2^63 - 1 - bits(700)) sets bit 63 exactly when a > bits(700).
    constexpr std::uint64_t kMagnitude = 0x7FFF'FFFF'FFFF'FFFFULL;
    constexpr std::uint64_t kBias = kMagnitude - std::bit_cast<std::uint64_t>(700.0);
    std::uint64_t above = 0;
    for (std::size_t i = 0; i < n; ++i) above |= (std::bit_cast<std::uint64_t>(v[i]) & kMagnitude) + kBias;
    if ((above >> 63) != 0) {
        for (std::size_t i = 0; i < n; ++i) v[i] = std::exp(v[i]);
        return;
    }
    for (std::size_t i = 0; i < n; ++i) v[i] = detail::exp_kernel(v[i]);
}

}  // namespace pftoken::mc
