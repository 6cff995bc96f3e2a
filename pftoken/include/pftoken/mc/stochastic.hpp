#pragma once
// Stochastic model of a project for Monte Carlo: which factors move, how, and how they correlate.
//
// Every factor is a *multiplier or shift on the deterministic base case* (the project YAML), so
// a spec with all volatilities at zero reproduces the deterministic valuation exactly. The factor
// conventions are documented in docs/monte-carlo.md; `validate()` checks every constraint and
// throws pftoken::InputError naming the field path (e.g. `stochastic.correlation[0][2]`).

#include <string>
#include <vector>

namespace pftoken::mc {

/// Merchant price multiplier M(t) on the deterministic merchant curve, M(0) = 1.
///  GBM:  dM = drift M dt + volatility M dW           (drift 0 keeps E[M(t)] = 1)
///  OU:   d ln M = speed (ln long_run_level - ln M) dt + volatility dW   (exact transition)
struct MerchantPriceFactor {
    enum class Model { Gbm, OrnsteinUhlenbeck };
    bool enabled = false;
    Model model = Model::Gbm;
    double drift = 0.0;           ///< GBM: annual drift of the multiplier
    double volatility = 0.0;      ///< annual volatility (both models)
    double speed = 0.0;           ///< OU: mean-reversion speed per year, > 0
    double long_run_level = 1.0;  ///< OU: long-run multiplier (log-space mean is its log), > 0
};

/// Production volume multiplier V, drawn independently each operating period, median 1 (the
/// deterministic volume is the P50). Sigma either from `volatility` or from the P50/P90 ratio:
/// lognormal V = exp(s Z) with s = ln(P50/P90)/z90; normal V = max(0, 1 + s Z) with
/// s = (1 - P90/P50)/z90, z90 = 1.2815515655446004.
struct VolumeFactor {
    enum class Distribution { Lognormal, Normal };
    bool enabled = false;
    Distribution distribution = Distribution::Lognormal;
    double volatility = 0.0;      ///< per-period sigma; used when p90_over_p50 is 0
    double p90_over_p50 = 0.0;    ///< in (0, 1]; 0 = use `volatility`
};

/// Availability outages: in each operating period an outage happens with `probability` and
/// removes `loss_fraction` of that period's volume. Drawn through a Gaussian copula so that the
/// outage driver can be correlated with the other factors.
struct AvailabilityFactor {
    bool enabled = false;
    double probability = 0.0;     ///< per period, in [0, 1]
    double loss_fraction = 0.0;   ///< in [0, 1]
};

/// Opex index multiplier: GBM with `drift` (inflation over the base escalation) and `volatility`.
struct OpexInflationFactor {
    bool enabled = false;
    double drift = 0.0;
    double volatility = 0.0;
};

/// Short rate driving floating tranches (as a shift of the index) and path-wise discounting.
///  Vasicek:   dr = speed (long_run_rate - r) dt + volatility dW, r(0) = initial_rate.
///  HullWhite: dr = (theta(t) - speed r) dt + volatility dW, theta fitted to the discount curve
///             (QuantLib HullWhite at setup; r = phi(t) + x, x an OU started at 0).
struct InterestRateFactor {
    enum class Model { Vasicek, HullWhite };
    bool enabled = false;
    Model model = Model::HullWhite;
    double speed = 0.1;           ///< mean reversion a > 0
    double volatility = 0.0;      ///< absolute (normal) vol per sqrt(year)
    double long_run_rate = 0.0;   ///< Vasicek b
    double initial_rate = 0.0;    ///< Vasicek r(0)
    /// Discount the tranche/equity cash flows with the path's short rate instead of the
    /// deterministic curve (floating coupons always use the path rate when enabled).
    bool pathwise_discounting = true;
};

/// Construction delay (months, lognormal with the given median) and capex overrun multiplier
/// (lognormal, median 1 + median_overrun). One draw per path; used only when the project has a
/// construction phase.
struct ConstructionFactor {
    bool enabled = false;
    double delay_median_months = 0.0;  ///< >= 0
    double delay_sigma = 0.0;          ///< lognormal sigma of the delay, >= 0
    double median_overrun = 0.0;       ///< > -1; capex multiplier median is 1 + this
    double overrun_sigma = 0.0;        ///< >= 0
    /// A discrete delay distribution used instead of the lognormal when not empty (typed in, or
    /// market-implied: `pftoken pm implied --delay-months`): delay_months_values[k] with
    /// probability delay_probabilities[k]. Drawn from the same Gaussian by u = Phi(z), so the
    /// correlations and common random numbers of the delay draw are kept.
    std::vector<double> delay_months_values;
    std::vector<double> delay_probabilities;
};

/// Names usable in `correlation_factors`: the Gaussian drivers of the time-stepped factors.
inline constexpr const char* kFactorNames[] = {"merchant_price", "volume", "availability",
                                                "opex_inflation", "interest_rate"};

struct StochasticSpec {
    MerchantPriceFactor merchant_price;
    VolumeFactor volume;
    AvailabilityFactor availability;
    OpexInflationFactor opex_inflation;
    InterestRateFactor interest_rate;
    ConstructionFactor construction;
    /// Factors the correlation matrix refers to, in row order (names from kFactorNames; every
    /// named factor must be enabled). Empty = independent factors.
    std::vector<std::string> correlation_factors;
    std::vector<std::vector<double>> correlation;

    /// True when no factor is enabled (the MC then reproduces the deterministic case).
    [[nodiscard]] bool empty() const noexcept;
    /// Throws pftoken::InputError naming the first violated constraint (`stochastic.<field>`).
    void validate() const;
};

}  // namespace pftoken::mc
