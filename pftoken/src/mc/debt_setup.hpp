#pragma once
// Setup shared by the project Monte Carlo and the fair-value paths (private to pftoken::core):
// the factor model on the project's period grid (the discount grid is valuation/measure.hpp).
// QuantLib is touched at setup only, never on the paths.

#include <cstddef>
#include <memory>
#include <vector>

#include "pftoken/mc/factors.hpp"
#include "pftoken/model/project.hpp"
#include "pftoken/pricing/curves.hpp"
#include "pftoken/waterfall/compiled_project.hpp"

namespace pftoken::mc::detail {

/// The factor model on the project's period grid; the rate model lives on the curve referenced
/// at financial close (Hull-White is fitted to it).
inline std::unique_ptr<FactorModel> make_factor_model(const Project& project, const CompiledProject& cp,
                                                      const StochasticSpec& spec, const SamplingOptions& sampling) {
    const auto close_curve = pricing::build_curve(project.market.discount, pricing::to_ql_date(cp.grid.financial_close),
                                                  project.timeline.day_count, {}, "market.discount");
    FactorGrid fg;
    fg.period_end_time = cp.grid.time_from_close;
    fg.operating = cp.grid.operating;
    fg.periods_per_year = cp.grid.periods_per_year;
    return std::make_unique<FactorModel>(spec, std::move(fg), sampling, close_curve);
}

}  // namespace pftoken::mc::detail
