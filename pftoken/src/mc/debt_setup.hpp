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
#include "pftoken/schedule/timeline.hpp"
#include "pftoken/valuation/measure.hpp"
#include "pftoken/waterfall/compiled_project.hpp"

namespace pftoken::mc::detail {

/// The factor model on the project's period grid. The factors start at financial close, the
/// rate model on the curve referenced at close (Hull-White is fitted to it); for a project valued
/// during construction or after COD (starts_at_valuation_date) they start at the valuation date
/// instead, at their base-case levels, on the curve referenced at that date: the periods paid on
/// or before it are history (docs/valuation-date.md). During construction the construction
/// factor is still drawn (its overrun raises only the capex undrawn at that date).
inline std::unique_ptr<FactorModel> make_factor_model(const Project& project, const CompiledProject& cp,
                                                      const StochasticSpec& spec, const SamplingOptions& sampling) {
    const int history = history_periods(cp);
    const bool from_v = starts_at_valuation_date(cp);
    const CalendarDate origin = from_v ? cp.valuation_date : cp.grid.financial_close;
    const auto curve = pricing::build_curve(project.market.discount, pricing::to_ql_date(origin),
                                            project.timeline.day_count, {}, "market.discount");
    FactorGrid fg;
    fg.period_end_time = cp.grid.time_from_close;
    fg.operating = cp.grid.operating;
    fg.periods_per_year = cp.grid.periods_per_year;
    fg.first_period = static_cast<std::size_t>(history);
    fg.start_time = from_v ? year_fraction(DayCount::Actual365Fixed, cp.grid.financial_close, origin) : 0.0;
    fg.construction_open = valuation_phase(cp) == ValuationPhase::Construction;
    return std::make_unique<FactorModel>(spec, std::move(fg), sampling, curve);
}

}  // namespace pftoken::mc::detail
