#pragma once
// Cash-flow metrics on plain arrays: PV, yield, durations, convexity, WAL, z-spread and IRR.
//
// A flow set is two equal-length arrays: amounts and times (year fractions from the valuation
// date, non-decreasing, >= 0). Yield-based metrics follow QuantLib's CashFlows conventions so
// they cross-check exactly: DF(t) = 1/(1 + y t) (Simple), (1 + y/f)^(-f t) (Compounded),
// e^(-y t) (Continuous); times are QuantLib's stepwise times (see flow_times). Curve-based
// metrics take discount factors sampled from a curve (pricing/curves.hpp). No QuantLib here:
// every function is safe in per-path loops and none allocates (except the Summary helpers).

#include <ql/time/date.hpp>

#include <span>
#include <string>
#include <vector>

#include "pftoken/model/project.hpp"
#include "pftoken/pricing/curves.hpp"

namespace pftoken::pricing {

/// How a yield is compounded. Macaulay duration is the time-weighted average life of the
/// discounted flows under any compounding (QuantLib's Macaulay for Compounded).
struct YieldConvention {
    Compounding compounding = Compounding::Compounded;
    int frequency = 1;  ///< periods per year, used when compounding == Compounded
    void validate(const std::string& field = "yield_convention") const;
};

/// Discount factor at yield `rate` for time `t` under `convention`.
[[nodiscard]] double discount_factor(double rate, double t, const YieldConvention& convention);

/// Stepwise year fractions of `dates` from `valuation` as QuantLib's CashFlows does:
/// t_i = sum_k dc.yearFraction(d_{k-1}, d_k) with d_{-1} = valuation. Equals the direct year
/// fraction for additive day counts (Act/365F, Act/360, Act/Act ISDA). Setup only.
[[nodiscard]] std::vector<double> flow_times(const std::vector<QuantLib::Date>& dates,
                                             const QuantLib::Date& valuation, DayCount day_count);

/// Root-finding controls (Boost.Math bracket + TOMS 748).
struct SolverOptions {
    double relative_tolerance = 1e-12;  ///< on the bracket width relative to the root (abs floor 1e-15)
    int max_iterations = 200;
    double lower = -0.99;  ///< search interval for a rate / spread
    double upper = 10.0;
};

/// Present value of the flows at a yield.
[[nodiscard]] double pv_at_yield(std::span<const double> amounts, std::span<const double> times,
                                 double yield, const YieldConvention& convention);
/// Present value of the flows given one discount factor per flow.
[[nodiscard]] double pv_on_curve(std::span<const double> amounts,
                                 std::span<const double> discount_factors);

/// Yield that reprices the flows to `dirty_price` (same money units as the amounts).
/// Throws pftoken::Error naming `field` when no root lies in [options.lower, options.upper].
[[nodiscard]] double yield_to_maturity(std::span<const double> amounts,
                                       std::span<const double> times, double dirty_price,
                                       const YieldConvention& convention,
                                       const SolverOptions& options = {},
                                       const std::string& field = "yield");

/// Macaulay duration sum(t c DF)/sum(c DF) in years.
[[nodiscard]] double macaulay_duration(std::span<const double> amounts,
                                       std::span<const double> times, double yield,
                                       const YieldConvention& convention);
/// Modified duration -(dP/dy)/P for the convention's compounding.
[[nodiscard]] double modified_duration(std::span<const double> amounts,
                                       std::span<const double> times, double yield,
                                       const YieldConvention& convention);
/// Convexity (d2P/dy2)/P for the convention's compounding.
[[nodiscard]] double convexity(std::span<const double> amounts, std::span<const double> times,
                               double yield, const YieldConvention& convention);

/// Weighted average life of principal repayments: sum(t p)/sum(p). Throws when sum(p) <= 0.
[[nodiscard]] double weighted_average_life(std::span<const double> principal,
                                           std::span<const double> times);

/// Continuous z-spread s with sum(c_i DF_i exp(-s t_i)) = dirty_price, where t_i are the curve
/// times of the flows. Tolerance options.relative_tolerance; throws naming `field` with the
/// priced range when no spread in [options.lower, options.upper] reprices.
[[nodiscard]] double z_spread(std::span<const double> amounts, std::span<const double> curve_times,
                              std::span<const double> discount_factors, double dirty_price,
                              const SolverOptions& options = {}, const std::string& field = "z_spread");

/// Outcome of an IRR search. An IRR may not exist (flows of one sign) or be ambiguous (several
/// sign changes): then `rate` is NaN or the root nearest the bracket's lower end, and `reason`
/// says why.
struct IrrResult {
    double rate = 0.0;
    bool found = false;
    int sign_changes = 0;  ///< in the flow sequence; > 1 means several IRRs may exist
    std::string reason;    ///< empty when found with one sign change
};

/// Internal rate of return: the yield with PV = 0 (annual compounding by default, so an equity
/// IRR reads as an effective annual rate). Scans [lower, upper] for the first sign change of
/// the NPV, then solves with TOMS 748. Never throws for economics; throws for bad inputs.
[[nodiscard]] IrrResult irr(std::span<const double> amounts, std::span<const double> times,
                            const YieldConvention& convention = {},
                            const SolverOptions& options = {}, const std::string& field = "irr");
/// As irr() but throws pftoken::Error naming `field` with the reason when no IRR is found.
[[nodiscard]] double irr_or_throw(std::span<const double> amounts, std::span<const double> times,
                                  const YieldConvention& convention = {},
                                  const SolverOptions& options = {}, const std::string& field = "irr");

/// Checks amounts/times: same non-zero length, finite, times >= 0 and non-decreasing.
void validate_flows(std::span<const double> amounts, std::span<const double> times,
                    const std::string& field);

}  // namespace pftoken::pricing
