#pragma once
// Factor path generation: (seed or Sobol point, path index) -> per-period waterfall drivers.
//
// A FactorModel is compiled once at setup from a StochasticSpec and the period grid (QuantLib is
// used here only: Hull-White fitting to the discount curve, Vasicek bond prices, Sobol direction
// integers). After that `generate()` is const, allocation-free and thread-safe: each thread owns
// a PathWorkspace (its buffers) and asks for any path index in any order.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <ql/termstructures/yieldtermstructure.hpp>

#include "pftoken/mc/random.hpp"
#include "pftoken/mc/stochastic.hpp"
#include "pftoken/waterfall/drivers.hpp"

namespace pftoken::mc {

enum class RandomMethod { Pseudo, Sobol };

/// How paths draw their Gaussian numbers.
struct SamplingOptions {
    RandomMethod method = RandomMethod::Pseudo;
    std::uint64_t seed = 42;
    /// Paths 2k and 2k+1 use Z and -Z.
    bool antithetic = false;
    /// Sobol only: number of independent randomisations (linear scramble + digital shift);
    /// the standard error is the spread of their means. Paths are split evenly between them.
    int sobol_replications = 16;
    /// Total paths of the run (Sobol needs it to map a path to (replication, point)).
    std::uint64_t paths = 0;
};

/// Time grid of the factors: one entry per waterfall period (construction then operations).
struct FactorGrid {
    std::vector<double> period_end_time;   ///< years from financial close, increasing, > 0
    std::vector<std::uint8_t> operating;   ///< 1 where the project operates
    int periods_per_year = 12;             ///< operating periods per year (for delay in periods)
    /// The factors start here: periods before `first_period` are history (drivers at the base
    /// case: multipliers 1, no outage, no rate shift, discount ratio 1) and every process starts
    /// at its base level at `start_time` (years from close, <= the end of `first_period`). With
    /// first_period > 0 the construction is history too (no delay or overrun is drawn) unless
    /// `construction_open` (valued during construction: the delay and overrun are still drawn).
    /// Default: from financial close, the whole grid.
    std::size_t first_period = 0;
    double start_time = 0.0;
    bool construction_open = false;
};

/// One path's factor values and the drivers view the kernel reads. Owned by one thread.
struct PathWorkspace {
    std::vector<double> price_multiplier, volume_multiplier, availability_loss, opex_multiplier;
    std::vector<double> index_shift;        ///< floating index shift, fixed at period start
    std::vector<double> short_rate;         ///< r at period end (rates factor only)
    std::vector<double> path_discount;      ///< exp(-int_0^t r) at period end (rates factor only)
    std::vector<double> discount_ratio;     ///< path_discount / model bond price P(0,t); 1 if none
    double capex_overrun = 0.0;
    int delay_periods = 0;
    double delay_months = 0.0;
    // Scratch.
    std::vector<double> normals, correlated, bridged, bridge_work;
    std::vector<std::uint32_t> sobol_state;
    std::int64_t sobol_index = -1;         ///< point held in sobol_state (-1 = none)
    std::int64_t sobol_replication = -1;   ///< replication of that point

    /// Drivers view for the waterfall kernel over this workspace's arrays.
    [[nodiscard]] PeriodDrivers drivers() const noexcept;
};

class FactorModel {
  public:
    /// `discount_curve` is required for the Hull-White rate model (it is fitted to it); it is
    /// read only here. Throws InputError when the spec is invalid.
    FactorModel(StochasticSpec spec, FactorGrid grid, SamplingOptions sampling,
                const QuantLib::ext::shared_ptr<QuantLib::YieldTermStructure>& discount_curve = {});

    [[nodiscard]] std::size_t periods() const noexcept { return grid_.period_end_time.size(); }
    [[nodiscard]] std::size_t gaussian_dimension() const noexcept { return dimension_; }
    [[nodiscard]] const StochasticSpec& spec() const noexcept { return spec_; }
    [[nodiscard]] const SamplingOptions& sampling() const noexcept { return sampling_; }
    /// Paths the sampling scheme actually uses (rounded down to whole antithetic pairs / Sobol
    /// replications).
    [[nodiscard]] std::uint64_t usable_paths(std::uint64_t requested) const noexcept;
    /// Sobol: replication of a path (for the error estimate); pseudo: 0.
    [[nodiscard]] int replication_of(std::uint64_t path) const noexcept;

    /// Allocates a workspace sized for this model (setup, once per thread).
    [[nodiscard]] PathWorkspace make_workspace() const;
    /// Fills `ws` with the factor path of `path`. No allocation; thread-safe.
    void generate(std::uint64_t path, PathWorkspace& ws) const noexcept;

    /// Model price P(0, t) at each period end used to normalise path discount factors
    /// (the curve for Hull-White, the Vasicek formula for Vasicek); empty without rates.
    [[nodiscard]] const std::vector<double>& model_bond_price() const noexcept { return bond_price_; }

  private:
    void draw_normals(std::uint64_t path, PathWorkspace& ws) const noexcept;

    StochasticSpec spec_;
    FactorGrid grid_;
    SamplingOptions sampling_;
    // Time-stepped Gaussian drivers in canonical order (kFactorNames) that are enabled.
    std::vector<int> factor_of_slot_;       ///< slot -> canonical factor id
    std::vector<int> slot_of_factor_;       ///< canonical id -> slot or -1
    std::vector<double> cholesky_;          ///< G x G lower factor, row-major
    bool correlated_ = false;
    bool cholesky_lower_ = false;           ///< cholesky_ is lower triangular (LLT succeeded)
    std::size_t construction_dims_ = 0;
    std::size_t dimension_ = 0;
    std::size_t first_ = 0;                 ///< grid_.first_period
    std::size_t steps_ = 0;                 ///< simulated periods: periods() - first_
    std::vector<double> dt_, sqrt_dt_;      ///< per simulated period
    // Precomputed per-period coefficients.
    std::vector<double> price_decay_, price_mean_, price_sd_;  ///< OU / GBM transition
    std::vector<double> opex_mean_, opex_sd_;
    std::vector<double> rate_decay_, rate_sd_, rate_det_, rate_adjust_, rate_conv_;
    std::vector<double> bond_price_;
    double volume_sigma_ = 0.0;
    double outage_threshold_ = 0.0;         ///< outage when z < threshold
    std::vector<SobolSequence> sobol_;       ///< one scrambled sequence per replication
    std::unique_ptr<BrownianBridge> bridge_;
    std::uint64_t paths_per_replication_ = 0;
};

}  // namespace pftoken::mc
