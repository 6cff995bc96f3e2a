// pftoken::base numerics: quantiles, tail means, the parallel loop, the bracketed root finder.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "pftoken/base/quantile.hpp"
#include "pftoken/base/root.hpp"
#include "pftoken/base/thread_pool.hpp"
#include "pftoken/error.hpp"
#include "support/gtest_extra.hpp"

namespace base = pftoken::base;

// Hyndman-Fan type 7. Expected values from published examples:
// - R: quantile(1:10) (type 7 is R's default) prints 1.00 3.25 5.50 7.75 10.00 at 0, .25, .5, .75, 1.
// - numpy.quantile / numpy.percentile documentation (method="linear"): for
//   a = [[10, 7, 4], [3, 2, 1]], np.percentile(a, 50) = 3.5 and along axis 0 [6.5, 4.5, 2.5].
TEST(BaseQuantile, MatchesRType7OnOneToTen) {
    std::vector<double> x(10);
    std::iota(x.begin(), x.end(), 1.0);
    const struct {
        double level, expected;
    } rows[] = {{0.0, 1.0}, {0.25, 3.25}, {0.5, 5.5}, {0.75, 7.75}, {1.0, 10.0}};
    for (const auto& r : rows) EXPECT_DOUBLE_EQ(base::quantile_sorted(x, r.level), r.expected) << "level " << r.level;
}

TEST(BaseQuantile, MatchesNumpyPercentileExamples) {
    std::vector<double> a{10, 7, 4, 3, 2, 1};
    EXPECT_DOUBLE_EQ(base::quantile(a, 0.5), 3.5);
    const double columns[3][2] = {{10, 3}, {7, 2}, {4, 1}};
    const double expected[3] = {6.5, 4.5, 2.5};
    for (int c = 0; c < 3; ++c) {
        std::vector<double> col{columns[c][0], columns[c][1]};
        EXPECT_DOUBLE_EQ(base::quantile(col, 0.5), expected[c]);
    }
}

TEST(BaseQuantile, RejectsEmptyInputAndLevelsOutsideUnitInterval) {
    std::vector<double> empty;
    std::vector<double> one{1.0};
    EXPECT_THROW_MSG((void)base::quantile(empty, 0.5), pftoken::Error,
                     "quantile: needs at least one value");
    EXPECT_THROW_MSG((void)base::quantile(one, 1.5), pftoken::Error,
                     "quantile.level: must be in [0, 1], got 1.5");
}

// Tail mean = expected shortfall of the sample (Acerbi and Tasche 2002, eq. 3.3), worked by hand
// on {3, 1, 4, 1, 5, 9, 2, 6}, sorted 1 1 2 3 4 5 6 9 (n = 8, w = 8 p):
//   p = 0.25: w = 2    -> (1 + 1) / 2                       = 1
//   p = 0.3:  w = 2.4  -> (1 + 1 + 0.4 * 2) / 2.4           = 2.8 / 2.4
//   p = 0.5:  w = 4    -> (1 + 1 + 2 + 3) / 4               = 1.75
//   p = 0.55: w = 4.4  -> (1 + 1 + 2 + 3 + 0.4 * 4) / 4.4   = 8.6 / 4.4
//   p = 0.1:  w = 0.8 < 1 -> the minimum                    = 1
//   p = 1:    the mean                                      = 31 / 8
// It equals (1/p) times the integral over [0, p] of the empirical quantile function (a step
// function with steps of 1/8): at p = 0.3, (0.25 * 1 + 0.05 * 2) / 0.3 = 0.35 / 0.3 = 2.8 / 2.4.
TEST(BaseTailMean, IsTheAcerbiTascheExpectedShortfall) {
    const std::vector<double> sample{3, 1, 4, 1, 5, 9, 2, 6};
    std::vector<double> sorted = sample;
    std::sort(sorted.begin(), sorted.end());
    const struct {
        double p, expected;
    } rows[] = {{0.25, 1.0}, {0.3, 2.8 / 2.4}, {0.5, 1.75}, {0.55, 8.6 / 4.4}, {0.1, 1.0}, {1.0, 31.0 / 8.0}};
    for (const auto& r : rows) {
        EXPECT_NEAR(base::tail_mean_sorted(sorted, r.p), r.expected, 1e-15) << "p " << r.p;
        std::vector<double> x = sample;  // the selecting overload reorders its input
        EXPECT_NEAR(base::tail_mean(x, r.p), r.expected, 1e-15) << "p " << r.p;
    }
    // Continuous in p (the old "mean of the ceil(n p) smallest" jumped from 1 to 4/3 at p = 0.25).
    EXPECT_NEAR(base::tail_mean_sorted(sorted, 0.25 + 1e-12), 1.0, 1e-11);
}

// n (1 - 0.95) = 4.999999999999999 for n = 100 is a tail of exactly 5 points: 1..100 gives the
// mean of 1..5 = 3, not a fractional 5th point.
TEST(BaseTailMean, SnapsTailSizesWithinRoundingOfAWholeNumber) {
    std::vector<double> x(100);
    std::iota(x.begin(), x.end(), 1.0);
    const base::TailSize t = base::tail_size(x.size(), 1.0 - 0.95);
    EXPECT_EQ(t.whole, 5U);
    EXPECT_EQ(t.fraction, 0.0);
    EXPECT_EQ(base::tail_mean_sorted(x, 1.0 - 0.95), 3.0);
    EXPECT_EQ(base::tail_mean_sorted(x, 0.05), 3.0);
}

TEST(BaseTailMean, RejectsEmptyInputAndProbabilitiesOutsideZeroOne) {
    std::vector<double> empty;
    std::vector<double> one{1.0};
    EXPECT_THROW_MSG((void)base::tail_mean(empty, 0.5), pftoken::Error, "tail_mean: needs at least one value");
    EXPECT_THROW_MSG((void)base::tail_mean_sorted(one, 0.0), pftoken::Error,
                     "tail_mean.probability: must be in (0, 1], got 0");
    EXPECT_THROW_MSG((void)base::tail_mean(one, 1.5), pftoken::Error,
                     "tail_mean.probability: must be in (0, 1], got 1.5");
}

// Every chunk runs once, and a chunk-order reduction of a non-associative sum gives the same bits
// on 1, 2, 3 and 8 threads.
TEST(BaseThreadPool, ChunkOrderReductionIsThreadCountIndependent) {
    constexpr std::size_t n = 10007;
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = std::pow(-1.1, static_cast<double>(i % 37)) / (1.0 + static_cast<double>(i));
    auto sum_with = [&](unsigned threads) {
        base::ParallelOptions o;
        o.threads = threads;
        return base::reduce_chunks(
            n, 97, o, 0.0,
            [&](std::size_t first, std::size_t last, unsigned) {
                double s = 0.0;
                for (std::size_t i = first; i < last; ++i) s += x[i];
                return s;
            },
            [](double a, double b) { return a + b; });
    };
    const double one = sum_with(1);
    for (unsigned t : {2U, 3U, 8U}) EXPECT_EQ(std::bit_cast<std::uint64_t>(sum_with(t)), std::bit_cast<std::uint64_t>(one));

    std::vector<std::atomic<int>> visits(base::chunk_count(n, 97));
    base::ParallelOptions o;
    o.threads = 4;
    std::atomic<int> polls{0};
    o.poll = [&] { ++polls; };
    base::parallel_for_chunks(visits.size(), o, [&](std::size_t c, unsigned w) {
        EXPECT_LT(w, 4U);
        ++visits[c];
    });
    for (const auto& v : visits) EXPECT_EQ(v.load(), 1);
    EXPECT_GE(polls.load(), 1);
}

TEST(BaseThreadPool, RethrowsTheFirstErrorAfterAllWorkersStop) {
    base::ParallelOptions o;
    o.threads = 3;
    EXPECT_THROW_MSG(base::parallel_for_chunks(100, o,
                                               [](std::size_t c, unsigned) {
                                                   if (c == 17)
                                                       throw std::runtime_error("chunk 17");
                                               }),
                     std::runtime_error, "chunk 17");
    EXPECT_EQ(base::worker_count(2, 8), 2U);
    EXPECT_EQ(base::worker_count(0, 8), 1U);
}

// Roots with closed forms: sqrt(2) of x^2 - 2; the IRR of -100 now and +121 in two years is 10%
// (100 (1.1)^2 = 121).
TEST(BaseRoot, FindsClosedFormRoots) {
    const auto r = base::solve_bracketed([](double x) { return x * x - 2.0; }, 0.0, 2.0, base::BitsTolerance{52}, 100,
                                         "sqrt2");
    EXPECT_TRUE(r.converged);
    EXPECT_NEAR(r.mid(), std::sqrt(2.0), 1e-15);
    auto npv = [](double rate) { return -100.0 + 121.0 / ((1.0 + rate) * (1.0 + rate)); };
    const auto irr = base::solve_bracketed(npv, -0.5, 1.0, base::RelativeTolerance{1e-14, 1e-15}, 100, "irr");
    EXPECT_NEAR(irr.mid(), 0.1, 1e-13);
    // An exact zero at a bracket end is returned as is.
    const auto exact = base::solve_bracketed([](double x) { return x - 0.5; }, 0.5, 1.0, base::AbsoluteTolerance{1e-12},
                                             100, "half");
    EXPECT_EQ(exact.lo, 0.5);
    EXPECT_EQ(exact.hi, 0.5);
}

TEST(BaseRoot, NamesWhatHasNoBracketOrDidNotConverge) {
    auto f = [](double x) { return x * x + 1.0; };
    EXPECT_THROW_MSG((void)base::solve_bracketed(f, -1.0, 1.0, base::BitsTolerance{48}, 100,
                                                 "tranches[0].fair_spread"),
                     pftoken::Error,
                     "tranches[0].fair_spread: no sign change on [-1, 1] (f = 2, 2)");
    auto g = [](double x) { return std::cbrt(x - 0.3); };
    EXPECT_THROW_MSG(
        (void)base::solve_bracketed(g, 0.0, 1.0, base::AbsoluteTolerance{0.0}, 3, "equity.irr"),
        pftoken::InternalError, "equity.irr: root finder did not converge in 3 iterations");
    const auto capped = base::solve_bracketed(g, 0.0, 1.0, base::AbsoluteTolerance{0.0}, 3, "equity.irr",
                                              base::OnIterationCap::ReturnBracket);
    EXPECT_FALSE(capped.converged);
    EXPECT_LE(capped.lo, 0.3);
    EXPECT_GE(capped.hi, 0.3);
}
