#pragma once
// Per-period drivers of one waterfall run: a non-owning view over caller-owned arrays.
//
// All-neutral drivers (every span empty, scalars at their defaults) reproduce the base case.
// A non-empty span must have one value per period of the compiled grid (construction periods
// included; their values are ignored where nothing operates). Monte Carlo paths and stress
// scenarios fill these spans and call the same kernel.

#include <span>

namespace pftoken {

struct PeriodDrivers {
    std::span<const double> price_multiplier;   ///< x merchant price (1 = base)
    std::span<const double> volume_multiplier;  ///< x volume, contracted and merchant (1 = base)
    std::span<const double> availability_loss;  ///< share of volume lost to outages, [0, 1]
    std::span<const double> opex_multiplier;    ///< x fixed and variable opex (1 = base)
    std::span<const double> index_shift;        ///< added to every floating index (decimal, 0.01 = 100 bp)
    std::span<const double> index_level;        ///< replaces the floating index (before shift); empty = forward curve
    /// construction capex x (1 + overrun); overrun funded by equity. Valued during construction,
    /// only the capex not yet drawn at the valuation date overruns (CompiledProject::overrun_weight).
    double capex_overrun = 0.0;
    int delay_periods = 0;                      ///< first operating periods with no output (construction delay)

    [[nodiscard]] static double at(std::span<const double> values, int period, double neutral) noexcept {
        return values.empty() ? neutral : values[static_cast<std::size_t>(period)];
    }
};

}  // namespace pftoken
