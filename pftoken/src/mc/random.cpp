// Random numbers: substream seeding, AS241 inverse normal, Sobol table from QuantLib, bridge.
#include "pftoken/mc/random.hpp"

#include <bit>
#include <cmath>
#include <deque>
#include <numbers>
#include <optional>
#include <utility>

#include <ql/math/randomnumbers/sobolrsg.hpp>

#include "pftoken/error.hpp"

namespace pftoken::mc {

Xoshiro256StarStar::Xoshiro256StarStar(std::uint64_t seed, std::uint64_t path) noexcept {
    // Hash the pair first so that (seed, path) and (seed + 1, path - 1) do not collide.
    SplitMix64 outer{seed};
    const std::uint64_t seed_hash = outer.next();
    SplitMix64 inner{seed_hash ^ (path * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL)};
    inner.next();
    for (auto& word : s_) word = inner.next();
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the all-zero state is absorbing
}

double normal_cdf(double x) noexcept { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double gamma_variate(Xoshiro256StarStar& rng, double shape) noexcept {
    if (shape < 1.0) return gamma_variate(rng, shape + 1.0) * std::pow(rng.uniform(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        double x = 0.0, v = 0.0;
        do {
            x = ziggurat_normal(rng);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        const double u = rng.uniform();
        if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
        if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
}

namespace {
/// ln k! for a whole k >= 0: a sum below 10, else Stirling's series for ln Gamma(k + 1) to the
/// 1/x^5 term (error below 1e-10 from x = 11). std::lgamma would write the global signgam.
double log_factorial(double k) noexcept {
    if (k < 10.0) {
        double sum = 0.0;
        for (double j = 2.0; j <= k; j += 1.0) sum += std::log(j);
        return sum;
    }
    const double x = k + 1.0, x2 = x * x;
    return (x - 0.5) * std::log(x) - x + 0.5 * std::log(2.0 * std::numbers::pi) +
           (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / (1260.0 * x2)) / x2) / x;
}
}  // namespace

std::uint64_t poisson_variate(Xoshiro256StarStar& rng, double mean) noexcept {
    if (!(mean > 0.0)) return 0;
    if (mean < 10.0) {
        // Knuth: the number of uniforms whose running product stays above e^-mean.
        const double limit = std::exp(-mean);
        std::uint64_t k = 0;
        for (double product = rng.uniform(); product > limit; product *= rng.uniform()) ++k;
        return k;
    }
    // PTRS, Hormann (1993), Table 1 constants.
    const double s = std::sqrt(mean);
    const double log_mean = std::log(mean);
    const double b = 0.931 + 2.53 * s;
    const double a = -0.059 + 0.02483 * b;
    const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    const double v_r = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        const double u = rng.uniform() - 0.5;
        const double v = rng.uniform();
        const double us = 0.5 - std::abs(u);
        const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
        if (us >= 0.07 && v <= v_r) return static_cast<std::uint64_t>(k);
        if (k < 0.0 || (us < 0.013 && v > us)) continue;
        if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <= -mean + k * log_mean - log_factorial(k))
            return static_cast<std::uint64_t>(k);
    }
}

// Wichura, M. J. (1988), Algorithm AS 241: The percentage points of the normal distribution,
// Applied Statistics 37(3), 477-484. PPND16 coefficients.
double inverse_normal_cdf(double p) noexcept {
    const double q = p - 0.5;
    if (std::abs(q) <= 0.425) {
        const double r = 0.180625 - q * q;
        return q *
               (((((((2509.0809287301226727 * r + 33430.575583588128105) * r +
                     67265.770927008700853) * r + 45921.953931549871457) * r +
                   13731.693765509461125) * r + 1971.5909503065514427) * r +
                 133.14166789178437745) * r + 3.387132872796366608) /
               (((((((5226.495278852545925 * r + 28729.085735721942674) * r +
                     39307.89580009271061) * r + 21213.794301586595867) * r +
                   5394.1960214247511077) * r + 687.1870074920579083) * r +
                 42.313330701600911252) * r + 1.0);
    }
    double r = q < 0.0 ? p : 1.0 - p;
    r = std::sqrt(-std::log(r));
    double value;
    if (r <= 5.0) {
        r -= 1.6;
        value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r +
                      0.24178072517745061177) * r + 1.27045825245236838258) * r +
                    3.64784832476320460504) * r + 5.7694972214606914055) * r +
                  4.6303378461565452959) * r + 1.42343711074968357734) /
                (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r +
                      0.0151986665636164571966) * r + 0.14810397642748007459) * r +
                    0.68976733498510000455) * r + 1.6763848301838038494) * r +
                  2.05319162663775882187) * r + 1.0);
    } else {
        r -= 5.0;
        value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
                      0.0012426609473880784386) * r + 0.026532189526576123093) * r +
                    0.29656057182850489123) * r + 1.7848265399172913358) * r +
                  5.4637849111641143699) * r + 6.6579046435011037772) /
                (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r +
                      1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
                    0.0148753612908506148525) * r + 0.13692988092273580531) * r +
                  0.59983220655588793769) * r + 1.0);
    }
    return q < 0.0 ? -value : value;
}

namespace detail {

// Doornik (2005), ZIGNOR: 128 boxes of equal area V under the normal density, base tail at R.
ZigguratTables::ZigguratTables() noexcept {
    double f = std::exp(-0.5 * kR * kR);
    x[0] = kV / f;
    x[1] = kR;
    x[kBoxes] = 0.0;
    for (int i = 2; i < kBoxes; ++i) {
        x[i] = std::sqrt(-2.0 * std::log(kV / x[i - 1] + f));
        f = std::exp(-0.5 * x[i] * x[i]);
    }
    for (int i = 0; i < kBoxes; ++i) ratio[i] = x[i + 1] / x[i];
}
const ZigguratTables kZigguratTables;

double ziggurat_normal_slow(Xoshiro256StarStar& rng, int box, double u) noexcept {
    const ZigguratTables& z = kZigguratTables;
    for (;;) {
        if (box == 0) {
            // Tail beyond R (Marsaglia 1964).
            double tx, ty;
            do {
                tx = std::log(rng.uniform()) / ZigguratTables::kR;
                ty = std::log(rng.uniform());
            } while (-2.0 * ty < tx * tx);
            return u < 0.0 ? tx - ZigguratTables::kR : ZigguratTables::kR - tx;
        }
        const double x = u * z.x[box];
        const double f0 = std::exp(-0.5 * (z.x[box] * z.x[box] - x * x));
        const double f1 = std::exp(-0.5 * (z.x[box + 1] * z.x[box + 1] - x * x));
        if (f1 + rng.uniform() * (f0 - f1) < 1.0) return x;
        // Rejected: a fresh draw, exactly as the inline fast path makes it.
        const std::uint64_t bits = rng.next();
        box = static_cast<int>(bits & 0x7F);
        u = ziggurat_uniform(bits);
        if (std::abs(u) < z.ratio[box]) return u * z.x[box];
    }
}

}  // namespace detail

SobolSequence::SobolSequence(std::size_t dimension)
    : dimension_(dimension), direction_(32 * dimension) {
    PFT_REQUIRE(dimension >= 1 && dimension <= 21200,
                "Sobol dimension must be in [1, 21200] (Joe-Kuo D7), got " << dimension);
    // QuantLib's draw i is the Gray-code point n = i + 1; gray(2^(b+1) - 1) = 2^b, so draw
    // 2^(b+1) - 2 is exactly direction integer b. Read the 32 of them once.
    // skipTo() must be called on a fresh generator (it does not reset the running state), so
    // the low bits come from sequential draws and the rest from one fresh instance each.
    QuantLib::SobolRsg sequential(dimension, 0, QuantLib::SobolRsg::JoeKuoD7);
    std::uint64_t drawn = 0;
    for (std::uint32_t bit = 0; bit < 32; ++bit) {
        const std::uint64_t draw = (std::uint64_t{2} << bit) - 2;
        std::optional<QuantLib::SobolRsg> fresh;
        QuantLib::SobolRsg* rsg = &sequential;
        if (bit < 12) {
            for (; drawn < draw; ++drawn) (void)sequential.nextInt32Sequence();
            ++drawn;
        } else {
            fresh.emplace(dimension, 0, QuantLib::SobolRsg::JoeKuoD7);
            fresh->skipTo(static_cast<std::uint_least32_t>(draw));
            rsg = &*fresh;
        }
        const auto& v = rsg->nextInt32Sequence();
        for (std::size_t d = 0; d < dimension; ++d)
            direction_[bit * dimension + d] = static_cast<std::uint32_t>(v[d]);
    }
}

void SobolSequence::point(std::uint32_t index, std::span<std::uint32_t> out) const noexcept {
    const std::uint64_t n = std::uint64_t{index} + 1;
    const std::uint64_t gray = n ^ (n >> 1);
    for (std::size_t d = 0; d < dimension_; ++d) out[d] = shift(d);
    for (std::uint32_t bit = 0; bit < 33 && (gray >> bit) != 0; ++bit) {
        if (((gray >> bit) & 1U) == 0) continue;
        const std::uint32_t* v = &direction_[std::size_t{bit} * dimension_];
        for (std::size_t d = 0; d < dimension_; ++d) out[d] ^= v[d];
    }
}

void SobolSequence::advance(std::uint32_t index, std::span<std::uint32_t> state) const noexcept {
    const std::uint64_t next_n = std::uint64_t{index} + 2;
    const auto bit = static_cast<std::size_t>(std::countr_zero(next_n));
    const std::uint32_t* v = &direction_[bit * dimension_];
    for (std::size_t d = 0; d < dimension_; ++d) state[d] ^= v[d];
}

SobolSequence SobolSequence::scrambled(std::uint64_t seed, std::uint64_t stream) const {
    SobolSequence out(*this);
    Xoshiro256StarStar rng(seed, stream);
    out.shift_.resize(dimension_);
    std::uint32_t mask[32];
    for (std::size_t d = 0; d < dimension_; ++d) {
        // Row i (i = 0 is the most significant digit, bit 31) of the lower triangular matrix:
        // its own digit plus random more-significant digits.
        for (int i = 0; i < 32; ++i) {
            const std::uint32_t own = 1U << (31 - i);
            const std::uint32_t higher = i == 0 ? 0U : ~((own << 1) - 1U);  // bits above `own`
            mask[i] = own | (static_cast<std::uint32_t>(rng.next() >> 32) & higher);
        }
        for (std::size_t bit = 0; bit < 32; ++bit) {
            const std::uint32_t v = direction_[bit * dimension_ + d];
            std::uint32_t scrambled_v = 0;
            for (int i = 0; i < 32; ++i)
                if ((std::popcount(v & mask[i]) & 1) != 0) scrambled_v |= 1U << (31 - i);
            out.direction_[bit * dimension_ + d] = scrambled_v;
        }
        out.shift_[d] = static_cast<std::uint32_t>(rng.next() >> 32);
    }
    return out;
}

BrownianBridge::BrownianBridge(std::size_t steps) {
    PFT_REQUIRE(steps >= 1, "Brownian bridge needs at least one step, got " << steps);
    // Positions 0..steps with W(0) = 0. Order: the end point, then midpoints breadth first.
    bridge_.push_back(steps);
    left_.push_back(0);
    right_.push_back(0);
    left_weight_.push_back(0.0);
    right_weight_.push_back(0.0);
    stddev_.push_back(std::sqrt(static_cast<double>(steps)));
    std::deque<std::pair<std::size_t, std::size_t>> queue{{0, steps}};
    while (!queue.empty()) {
        const auto [a, b] = queue.front();
        queue.pop_front();
        if (b - a < 2) continue;
        const std::size_t m = a + (b - a) / 2;
        const auto span = static_cast<double>(b - a);
        bridge_.push_back(m);
        left_.push_back(a);
        right_.push_back(b);
        left_weight_.push_back(static_cast<double>(b - m) / span);
        right_weight_.push_back(static_cast<double>(m - a) / span);
        stddev_.push_back(std::sqrt(static_cast<double>(m - a) * static_cast<double>(b - m) / span));
        queue.emplace_back(a, m);
        queue.emplace_back(m, b);
    }
}

void BrownianBridge::transform(std::span<const double> normals, std::span<double> increments,
                               std::span<double> work) const noexcept {
    const std::size_t n = steps();
    work[0] = 0.0;
    work[n] = stddev_[0] * normals[0];
    for (std::size_t i = 1; i < n; ++i)
        work[bridge_[i]] = left_weight_[i] * work[left_[i]] + right_weight_[i] * work[right_[i]] +
                           stddev_[i] * normals[i];
    for (std::size_t i = 0; i < n; ++i) increments[i] = work[i + 1] - work[i];
}

}  // namespace pftoken::mc
