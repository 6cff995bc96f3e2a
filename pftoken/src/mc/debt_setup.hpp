#pragma once
// Setup shared by the project Monte Carlo and the fair-value paths (private to pftoken::core):
// the debt's discount curve sampled per period as pftoken::value() uses it, and the factor model
// on the project's period grid. QuantLib is touched here only, never on the paths.

#include <cstddef>
#include <memory>
#include <vector>

#include "pftoken/mc/factors.hpp"
#include "pftoken/model/project.hpp"
#include "pftoken/pricing/curves.hpp"
#include "pftoken/waterfall/compiled_project.hpp"

namespace pftoken::mc::detail {

/// The discount curve referenced at COD, sampled at each operating period end (DF and curve
/// year fraction from COD); 0 for construction periods.
struct CodCurve {
    std::vector<double> df;
    std::vector<double> time;
};

inline CodCurve sample_cod_curve(const Project& project, const CompiledProject& cp) {
    const auto n = static_cast<std::size_t>(cp.periods);
    const auto c = static_cast<std::size_t>(cp.grid.first_operating());
    const auto cod_curve = pricing::build_curve(project.market.discount, pricing::to_ql_date(cp.grid.cod),
                                                cp.grid.day_count, {}, "market.discount");
    const std::vector<CalendarDate> pay_dates(cp.grid.end.begin() + static_cast<std::ptrdiff_t>(c), cp.grid.end.end());
    const auto grid = pricing::sample_curve(*cod_curve, pay_dates);
    CodCurve out{std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)};
    for (std::size_t t = c; t < n; ++t) {
        out.df[t] = grid.discount_factors[t - c];
        out.time[t] = grid.times[t - c];
    }
    return out;
}

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
