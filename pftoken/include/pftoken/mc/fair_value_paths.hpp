#pragma once
// Fair-value paths of a tranche token: for every Monte Carlo path and every payment date in a
// horizon, the token's value given what is known on that date, by least-squares regression of
// the realised discounted remaining cash flows on the path's state (Carriere 1996; Longstaff and
// Schwartz 2001, "Valuing American options by simulation: a simple least-squares approach",
// Review of Financial Studies 14(1), section 1).
//
// Options in (FairValuePathOptions), Summary out (FairValuePaths). Setup compiles the project and
// samples the curve once with QuantLib; paths are generated exactly as run_project_mc generates
// them (same seed, same path index, same bits) and run through the one waterfall kernel.
// Definitions and the choice of regressors: docs/monte-carlo.md, "Fair-value paths".

#include <cstdint>
#include <string>
#include <vector>

#include "pftoken/mc/engine.hpp"
#include "pftoken/mc/stochastic.hpp"
#include "pftoken/model/project.hpp"

namespace pftoken::mc {

struct FairValuePathOptions {
    /// Paths, seed and sampling method as for run_project_mc (threads and chunking are unused:
    /// the paths run on the calling thread, so the bits never depend on a thread count).
    McOptions mc = [] {
        McOptions m;
        m.paths = 2000;
        return m;
    }();
    std::size_t tranche = 0;        ///< index into project.tranches
    double horizon_years = 1.0;     ///< payment dates up to this many years after the valuation date; 0 = the whole life
    /// Regression basis in the standardised state variables: a constant, each variable, for
    /// degree >= 2 all squares and cross products, and each variable's powers 3..degree.
    /// Degree 5 fits a bullet's conditional value on lognormal CFADS to ~0.4% (see the tests).
    int basis_degree = 5;
    /// Throws InputError (`fair_value_paths.<field>: ...`) on the first violated constraint.
    void validate(const Project& project) const;
};

/// Fair value per token on each date of each path, ex-payment (after that date's debt service).
struct FairValuePaths {
    std::string symbol;
    double supply = 0.0;
    std::uint64_t paths = 0;
    /// Date 0 is the project's valuation date (default COD); date j >= 1 is the j-th payment
    /// date after it.
    std::vector<CalendarDate> date;
    std::vector<double> time;       ///< years from the valuation date (Act/365F, as the period grid)
    std::vector<double> value;      ///< [path * dates + j], per token, >= 0
    std::vector<double> realised;   ///< [path * dates + j], per token: the regressand (perfect foresight)
    std::vector<double> r_squared;  ///< per date; NaN where the state does not vary (date 0)
    std::vector<int> basis_size;    ///< per date: regressors used after dropping constant ones
    [[nodiscard]] std::size_t dates() const noexcept { return time.size(); }
    [[nodiscard]] double at(std::uint64_t path, std::size_t j) const noexcept {
        return value[static_cast<std::size_t>(path) * time.size() + j];
    }
    /// Mean over paths on date j (date 0: the Monte Carlo price per token at the valuation date).
    [[nodiscard]] double mean(std::size_t j) const noexcept;
};

/// Runs the paths and the regressions. Throws InputError on bad options or spec.
[[nodiscard]] FairValuePaths fair_value_paths(const Project& project, const StochasticSpec& spec,
                                              const FairValuePathOptions& options);

}  // namespace pftoken::mc
