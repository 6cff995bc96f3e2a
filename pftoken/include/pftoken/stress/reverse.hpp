#pragma once
// Reverse stress: per factor, the smallest adverse shock that breaches the default DSCR, causes
// a first loss on each tranche, or wipes out the equity value.
//
// Method (docs/stress.md): each target is a continuous indicator g(x) of the shock size x that
// is > 0 while the threshold holds and <= 0 once it is reached (min tested DSCR - default DSCR;
// loss threshold - loss share; equity value - wipe-out share x base equity value). x runs from
// 0 to the factor's maximum on a scan grid; the first grid cell where g changes sign brackets
// the smallest shock, then Boost.Math TOMS 748 solves g(x) = 0 inside it (integer factors such
// as months of delay use bisection on integers). The reported shock is the bracket end where
// the threshold is reached, so applying it forward lands on the threshold to solver tolerance.

#include <string>
#include <vector>

#include "pftoken/stress/engine.hpp"

namespace pftoken::stress {

/// A factor to reverse-stress: a shock template whose size runs over direction x [0, max_size].
struct ReverseFactor {
    std::string name;             ///< e.g. "merchant_price"
    Shock shock;                  ///< template; its size is set by the solver
    double direction = 1.0;       ///< +1 or -1: the adverse sign of the size
    double max_size = 1.0;        ///< largest |size| tried (in the shock's units)
    bool integer = false;         ///< sizes are whole numbers (months of delay)
    std::string unit;             ///< for messages: "", "bp", "months"
};

/// The built-in factor set: merchant price, volume, availability, opex, capex overrun,
/// construction delay, rates parallel, cost inflation.
[[nodiscard]] std::vector<ReverseFactor> default_reverse_factors();

struct ReverseOptions {
    std::vector<ReverseFactor> factors;     ///< empty = default_reverse_factors()
    int scan_points = 32;                   ///< grid cells of [0, max_size] for bracketing
    double loss_threshold = 1e-6;           ///< a tranche has "lost" when loss / principal > this
    double equity_wipeout_share = 1e-3;     ///< equity wiped out when value <= this x base value
    int max_iterations = 100;               ///< TOMS 748 iterations per target
    int tolerance_bits = 45;                ///< relative bracket width 2^(1 - bits)
    void validate() const;
};

enum class ReverseTarget { DefaultDscr, TrancheLoss, EquityWipeout };

/// Smallest shock of one factor reaching one target.
struct ReverseFinding {
    std::string factor;
    ReverseTarget target = ReverseTarget::DefaultDscr;
    int tranche = -1;                       ///< for TrancheLoss
    std::string target_name;                ///< "default_dscr", "loss:senior", "equity_wipeout"
    bool found = false;
    bool at_base = false;                   ///< already reached with no shock
    double shock = kNaN;                    ///< signed size in the factor's units
    double threshold = kNaN;                ///< the threshold the indicator crosses
    double value_at_shock = kNaN;           ///< indicator metric at the shock (DSCR, loss share, equity value)
    double value_before = kNaN;             ///< the metric just below the shock (other bracket end)
    /// The metric jumps across the threshold at the shock (e.g. distributions stop at a default):
    /// the shock is located to solver tolerance, but value_at_shock is not on the threshold.
    bool jump = false;
    int evaluations = 0;
    std::string message;                    ///< what was found, or why nothing was
};

struct ReverseSummary {
    std::vector<ReverseFinding> findings;   ///< factor-major, targets in order
    int evaluations = 0;
    double seconds = 0.0;
};

/// Runs reverse stress for every factor and target on `engine` (deterministic).
[[nodiscard]] ReverseSummary reverse_stress(StressEngine& engine, const ReverseOptions& options = {});

/// The scenario applying `factor` with signed size `size` (reverse stress and tests use it).
[[nodiscard]] Scenario factor_scenario(const ReverseFactor& factor, double size);

}  // namespace pftoken::stress
