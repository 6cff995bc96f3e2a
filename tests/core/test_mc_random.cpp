// Random numbers: Sobol against QuantLib bit for bit, AS241 against Boost.Math, bridge algebra.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <ql/math/randomnumbers/sobolrsg.hpp>

#include "pftoken/mc/random.hpp"

using namespace pftoken::mc;

// Reference: QuantLib 1.29 SobolRsg (Joe-Kuo D7 direction integers), sequential draws.
TEST(McRandom, SobolMatchesQuantLibSequenceBitForBit) {
    const std::size_t dim = 40;
    const SobolSequence ours(dim);
    QuantLib::SobolRsg ql(dim, 0, QuantLib::SobolRsg::JoeKuoD7);
    std::vector<std::uint32_t> state(dim), direct(dim);
    for (std::uint32_t k = 0; k < 2000; ++k) {
        const auto& ref = ql.nextInt32Sequence();
        if (k == 0) ours.point(0, state);
        else ours.advance(k - 1, state);
        ours.point(k, direct);
        for (std::size_t d = 0; d < dim; ++d) {
            ASSERT_EQ(state[d], ref[d]) << "point " << k << " dim " << d;
            ASSERT_EQ(direct[d], ref[d]) << "point " << k << " dim " << d;
        }
    }
    // Skip-ahead far into the sequence agrees with QuantLib's skipTo.
    for (std::uint32_t k : {123457u, 1u << 20, (1u << 24) + 12345u}) {
        QuantLib::SobolRsg skip(dim, 0, QuantLib::SobolRsg::JoeKuoD7);
        skip.skipTo(k);
        const auto& ref = skip.nextInt32Sequence();
        ours.point(k, direct);
        for (std::size_t d = 0; d < dim; ++d) ASSERT_EQ(direct[d], ref[d]) << "point " << k;
    }
}

// Reference values: Boost.Math quantile(normal(0,1), p); Abramowitz & Stegun (1964) table 26.5
// gives 1.959963985 for p = 0.975 and 2.326347874 for p = 0.99.
TEST(McRandom, InverseNormalMatchesBoostMath) {
    const boost::math::normal_distribution<double> n01;
    for (double p : {1e-300, 1e-12, 1e-6, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.99,
                     0.999999, 1.0 - 1e-12}) {
        const double ref = boost::math::quantile(n01, p);
        EXPECT_NEAR(inverse_normal_cdf(p), ref, 1e-14 * std::max(1.0, std::abs(ref))) << "p=" << p;
    }
    EXPECT_NEAR(inverse_normal_cdf(0.975), 1.959963985, 1e-9);
    EXPECT_NEAR(inverse_normal_cdf(0.99), 2.326347874, 1e-9);
    EXPECT_NEAR(normal_cdf(1.959963984540054), 0.975, 1e-15);
}

// A Brownian bridge is an orthonormal map from the input normals to the unit-step increments
// (Glasserman 2004, sec. 3.1): the increments are i.i.d. N(0,1) iff A A' = I.
TEST(McRandom, BrownianBridgeIncrementsAreOrthonormal) {
    for (std::size_t n : {1u, 2u, 7u, 12u, 300u}) {
        const BrownianBridge bridge(n);
        std::vector<double> e(n), col(n), work(n + 1);
        std::vector<double> a(n * n);
        for (std::size_t k = 0; k < n; ++k) {
            std::fill(e.begin(), e.end(), 0.0);
            e[k] = 1.0;
            bridge.transform(e, col, work);
            for (std::size_t i = 0; i < n; ++i) a[i * n + k] = col[i];
        }
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                double s = 0.0;
                for (std::size_t k = 0; k < n; ++k) s += a[i * n + k] * a[j * n + k];
                ASSERT_NEAR(s, i == j ? 1.0 : 0.0, 1e-12) << "n=" << n << " (" << i << "," << j << ")";
            }
        // The first input alone sets the end point W(n) = sqrt(n) z0.
        std::fill(e.begin(), e.end(), 0.0);
        e[0] = 1.0;
        bridge.transform(e, col, work);
        double end = 0.0;
        for (double x : col) end += x;
        EXPECT_NEAR(end, std::sqrt(static_cast<double>(n)), 1e-12);
    }
}

TEST(McRandom, SubstreamsAreDeterministicAndDistinct) {
    Xoshiro256StarStar a(42, 7), b(42, 7), c(42, 8), d(43, 7);
    const std::uint64_t a0 = a.next();
    EXPECT_EQ(a0, b.next());
    EXPECT_NE(a0, c.next());
    EXPECT_NE(a0, d.next());
    // Uniforms are in the open interval and average 1/2 (sd of the mean 0.2887/sqrt(n)).
    Xoshiro256StarStar u(1, 0);
    double sum = 0.0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
        const double x = u.uniform();
        ASSERT_GT(x, 0.0);
        ASSERT_LT(x, 1.0);
        sum += x;
    }
    EXPECT_NEAR(sum / n, 0.5, 4.0 * 0.2887 / std::sqrt(n));
}

// The Ziggurat sampler is N(0,1): empirical CDF at a table of points within 4 binomial standard
// errors of Phi (Boost.Math), and the first four moments (0, 1, 0, 3) within 4 standard errors.
TEST(McRandom, ZigguratIsStandardNormal) {
    const boost::math::normal_distribution<double> n01;
    const double points[] = {-3.5, -2.5, -1.5, -0.7, 0.0, 0.3, 1.0, 2.0, 3.0, 3.6};
    const int n = 1000000;
    std::vector<int> below(std::size(points), 0);
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    Xoshiro256StarStar rng(2024, 0);
    for (int i = 0; i < n; ++i) {
        const double z = ziggurat_normal(rng);
        for (std::size_t k = 0; k < std::size(points); ++k) below[k] += z < points[k] ? 1 : 0;
        m1 += z;
        m2 += z * z;
        m3 += z * z * z;
        m4 += z * z * z * z;
    }
    for (std::size_t k = 0; k < std::size(points); ++k) {
        const double p = boost::math::cdf(n01, points[k]);
        EXPECT_NEAR(static_cast<double>(below[k]) / n, p, 4 * std::sqrt(p * (1 - p) / n) + 1e-7) << points[k];
    }
    // Standard errors: sqrt(Var(Z^k)/n) with Var = 1, 2, 15, 96.
    EXPECT_NEAR(m1 / n, 0.0, 4 * std::sqrt(1.0 / n));
    EXPECT_NEAR(m2 / n, 1.0, 4 * std::sqrt(2.0 / n));
    EXPECT_NEAR(m3 / n, 0.0, 4 * std::sqrt(15.0 / n));
    EXPECT_NEAR(m4 / n, 3.0, 4 * std::sqrt(96.0 / n));
}

// fill_ziggurat_normals keeps the generator state in registers and takes the slow path (wedge
// and tail, ~2.8% of draws) through a temporary generator: it must give exactly the draws of
// calling ziggurat_normal in a loop and leave the generator in the same state; the block is long
// enough to take the slow path a few hundred times (counted by replaying the draws).
TEST(McRandom, FillZigguratEqualsDrawByDrawBitForBit) {
    Xoshiro256StarStar looped(7, 3), filled(7, 3), replay(7, 3);
    std::vector<double> expected(20000), actual(20000);
    for (double& z : expected) z = ziggurat_normal(looped);
    fill_ziggurat_normals(filled, actual);
    const auto& tables = detail::kZigguratTables;
    int slow = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ(std::bit_cast<std::uint64_t>(expected[i]), std::bit_cast<std::uint64_t>(actual[i])) << i;
        const std::uint64_t bits = replay.next();
        const auto box = static_cast<int>(bits & 0x7F);
        const double u = detail::ziggurat_uniform(bits);
        if (!(std::abs(u) < tables.ratio[box])) {
            ++slow;
            (void)detail::ziggurat_normal_slow(replay, box, u);
        }
    }
    // All three generators end in the same state.
    const std::uint64_t after = looped.next();
    EXPECT_EQ(after, filled.next());
    EXPECT_EQ(after, replay.next());
    // ~2.8% of 20,000 draws; a wide band, it only proves the slow path was exercised.
    EXPECT_GT(slow, 200);
    EXPECT_LT(slow, 1000);
}

namespace {
/// Pearson's statistic of observed against expected counts, and whether it lies below the
/// chi-square quantile 1 - 1e-6 of its degrees of freedom (bins - 1): a fixed seed either passes
/// or fails, and a sampler with the wrong law fails by orders of magnitude.
::testing::AssertionResult fits(const std::vector<double>& observed, const std::vector<double>& expected) {
    double stat = 0.0;
    for (std::size_t i = 0; i < observed.size(); ++i) stat += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
    const double limit = boost::math::quantile(boost::math::chi_squared(static_cast<double>(observed.size() - 1)), 1.0 - 1e-6);
    if (stat < limit) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "chi-square " << stat << " >= " << limit;
}
}  // namespace

// Reference: Boost.Math poisson_distribution pdf; bins of expected count >= 50, the tails pooled.
// Means on both sides of the switch from multiplication (< 10) to PTRS (>= 10).
TEST(McRandom, PoissonVariateHasThePoissonLaw) {
    constexpr int kDraws = 200'000;
    for (const double mean : {0.3, 3.0, 9.99, 10.0, 37.5, 1'000.0}) {
        Xoshiro256StarStar rng(7, static_cast<std::uint64_t>(mean * 100));
        const boost::math::poisson_distribution<double> law(mean);
        const auto lo = static_cast<std::uint64_t>(std::max(0.0, std::floor(mean - 6.0 * std::sqrt(mean))));
        const auto hi = static_cast<std::uint64_t>(std::ceil(mean + 6.0 * std::sqrt(mean) + 6.0));
        std::vector<double> counts(hi - lo + 1, 0.0);
        double sum = 0.0;
        for (int i = 0; i < kDraws; ++i) {
            const std::uint64_t k = poisson_variate(rng, mean);
            sum += static_cast<double>(k);
            counts[std::clamp(k, lo, hi) - lo] += 1.0;
        }
        // Expected counts per value, the two ends taking their tails; merge bins below 50.
        std::vector<double> observed, expected;
        double o = 0.0, e = 0.0;
        for (std::uint64_t k = lo; k <= hi; ++k) {
            const auto x = static_cast<double>(k);
            const double p = k == lo ? boost::math::cdf(law, x) : k == hi ? boost::math::cdf(complement(law, x - 1.0)) : boost::math::pdf(law, x);
            o += counts[k - lo];
            e += p * kDraws;
            if (e >= 50.0) observed.push_back(o), expected.push_back(e), o = e = 0.0;
        }
        if (e > 0.0) observed.back() += o, expected.back() += e;
        EXPECT_TRUE(fits(observed, expected)) << "mean " << mean;
        EXPECT_NEAR(sum / kDraws, mean, 6.0 * std::sqrt(mean / kDraws)) << "mean " << mean;
    }
    Xoshiro256StarStar rng(1, 1);
    EXPECT_EQ(poisson_variate(rng, 0.0), 0u);
}

// Reference: Boost.Math gamma_distribution quantiles as bin edges (20 equiprobable bins).
TEST(McRandom, GammaVariateHasTheGammaLaw) {
    constexpr int kDraws = 200'000, kBins = 20;
    for (const double shape : {0.4, 1.0, 2.5, 30.0}) {
        Xoshiro256StarStar rng(11, static_cast<std::uint64_t>(shape * 10));
        const boost::math::gamma_distribution<double> law(shape, 1.0);
        std::vector<double> edges;
        for (int b = 1; b < kBins; ++b) edges.push_back(boost::math::quantile(law, static_cast<double>(b) / kBins));
        std::vector<double> observed(kBins, 0.0), expected(kBins, static_cast<double>(kDraws) / kBins);
        for (int i = 0; i < kDraws; ++i) {
            const double x = gamma_variate(rng, shape);
            ASSERT_GT(x, 0.0);
            observed[static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin())] += 1.0;
        }
        EXPECT_TRUE(fits(observed, expected)) << "shape " << shape;
    }
}
