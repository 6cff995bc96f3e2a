#pragma once
// The one bracketed root finder: Boost.Math's TOMS 748 (Alefeld, Potra and Shi 1995) behind a
// wrapper that checks the bracket, caps the iterations and names what did not converge.
#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "pftoken/error.hpp"

namespace pftoken::base {

/// Stop when the bracket is `bits` binary digits wide relative to its ends (Boost's
/// eps_tolerance: |a - b| <= 2^(1 - bits) min(|a|, |b|)).
struct BitsTolerance {
    int bits = 48;
    bool operator()(double a, double b) const { return boost::math::tools::eps_tolerance<double>(bits)(a, b); }
};
/// Stop when |b - a| <= relative min(|a|, |b|), or <= absolute_floor (for roots near zero).
struct RelativeTolerance {
    double relative = 1e-12;
    double absolute_floor = 0.0;
    bool operator()(double a, double b) const {
        return std::abs(b - a) <= std::max(relative * std::min(std::abs(a), std::abs(b)), absolute_floor);
    }
};
/// Stop when |b - a| <= absolute.
struct AbsoluteTolerance {
    double absolute = 1e-12;
    bool operator()(double a, double b) const { return std::fabs(b - a) <= absolute; }
};

/// What a bracketed solve found: the final bracket [lo, hi] (f changes sign across it, or one
/// end is an exact zero) and the function evaluations TOMS 748 used.
struct RootBracket {
    double lo = 0.0, hi = 0.0;
    std::uintmax_t iterations = 0;
    bool converged = false;  ///< the tolerance was met within the iteration cap
    [[nodiscard]] double mid() const noexcept { return 0.5 * (lo + hi); }
};

/// What to do when the iteration cap is reached before the tolerance.
enum class OnIterationCap { Throw, ReturnBracket };

/// TOMS 748 on [lo, hi] given f(lo) = f_lo and f(hi) = f_hi of opposite signs (an exact zero at
/// an end returns that end at once). `what` names the quantity solved for in errors, e.g.
/// "tranches[0].fair_spread". Throws pftoken::Error when the ends do not bracket a root (or are
/// not finite), pftoken::InternalError when `max_iterations` evaluations did not reach the
/// tolerance (unless on_cap is ReturnBracket: then `converged` is false).
template <class F, class Tolerance>
[[nodiscard]] RootBracket solve_bracketed(F&& f, double lo, double hi, double f_lo, double f_hi, Tolerance tolerance,
                                          std::uintmax_t max_iterations, std::string_view what,
                                          OnIterationCap on_cap = OnIterationCap::Throw) {
    if (f_lo == 0.0) return {lo, lo, 0, true};
    if (f_hi == 0.0) return {hi, hi, 0, true};
    PFT_REQUIRE(std::isfinite(lo) && std::isfinite(hi) && lo < hi,
                what << ": root bracket must satisfy lower < upper, got [" << lo << ", " << hi << "]");
    PFT_REQUIRE((f_lo < 0.0) != (f_hi < 0.0) && !std::isnan(f_lo) && !std::isnan(f_hi),
                what << ": no sign change on [" << lo << ", " << hi << "] (f = " << f_lo << ", " << f_hi << ")");
    std::uintmax_t iterations = max_iterations;
    const auto [a, b] = boost::math::tools::toms748_solve(f, lo, hi, f_lo, f_hi, tolerance, iterations);
    RootBracket r{a, b, iterations, iterations < max_iterations || tolerance(a, b)};
    if (!r.converged && on_cap == OnIterationCap::Throw)
        PFT_ENSURE(false, what << ": root finder did not converge in " << max_iterations << " iterations (bracket ["
                               << a << ", " << b << "])");
    return r;
}

/// solve_bracketed after evaluating f at both ends.
template <class F, class Tolerance>
[[nodiscard]] RootBracket solve_bracketed(F&& f, double lo, double hi, Tolerance tolerance,
                                          std::uintmax_t max_iterations, std::string_view what,
                                          OnIterationCap on_cap = OnIterationCap::Throw) {
    const double f_lo = f(lo);
    const double f_hi = f(hi);
    return solve_bracketed(f, lo, hi, f_lo, f_hi, tolerance, max_iterations, what, on_cap);
}

}  // namespace pftoken::base
