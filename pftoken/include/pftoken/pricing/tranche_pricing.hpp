#pragma once
// Per-tranche DCF pricing: PV, price per token, yield, durations, convexity, WAL, z-spread.
//
// Options in (TranchePricingInputs, plain arrays owned by the caller), Summary out
// (TrancheMetrics). The risk-free curve comes in sampled (pricing/curves.hpp sample_curve) and
// the tranche spread is applied as a continuous z-spread. Prices are dirty (valuation date =
// the flows' time origin, no accrued interest split).

#include <optional>
#include <span>
#include <string>

#include "pftoken/model/project.hpp"
#include "pftoken/pricing/cashflow_metrics.hpp"

namespace pftoken::pricing {

struct TranchePricingInputs {
    std::string field = "tranche";            ///< prefix of error messages, e.g. "tranches[1]"
    std::span<const double> interest;         ///< interest paid at each flow date
    std::span<const double> principal;        ///< principal repaid at each flow date
    std::span<const double> yield_times;      ///< flow_times() on the tranche day count
    std::span<const double> curve_times;      ///< curve year fractions of the flow dates
    std::span<const double> discount_factors; ///< risk-free DF at the flow dates
    double spread = 0.0;                      ///< continuous z-spread over the curve
    /// The tranche's own discount factors at the flow dates when they are not curve x z-spread
    /// (a floating tranche's discount margin, valuation/measure.hpp); empty: apply `spread`.
    std::span<const double> tranche_discount_factors;
    double outstanding = 0.0;                 ///< principal outstanding at valuation (> 0)
    TokenClass token;                         ///< supply > 0; face_per_token for % of face
    std::optional<double> market_price_per_token; ///< if set: z-spread and yield from it
    YieldConvention yield_convention;         ///< for yield, durations, convexity
    SolverOptions solver;
    void validate() const;
};

struct TrancheMetrics {
    double pv = 0.0;                ///< sum (interest + principal) DF exp(-spread t)
    double price_per_token = 0.0;   ///< pv / token supply
    double price_pct_face = 0.0;    ///< 100 pv / outstanding
    double yield = 0.0;             ///< yield to maturity at the market price if given, else at pv
    double macaulay_duration = 0.0; ///< years, at `yield`
    double modified_duration = 0.0;
    double convexity = 0.0;
    double wal = 0.0;               ///< weighted average life of principal, years; NaN (undefined) when no principal is repaid
                                    ///< (yield, durations and convexity are NaN when nothing is paid)
    std::optional<double> z_spread; ///< continuous spread repricing the market price
    [[nodiscard]] std::string brief_report() const;
};

[[nodiscard]] TrancheMetrics price_tranche(const TranchePricingInputs& inputs);

}  // namespace pftoken::pricing
