// Coverage ratios (LLCR, PLCR) and DSCR statistics on plain arrays.

#include "pftoken/pricing/coverage.hpp"

#include <cmath>
#include <limits>

#include "pftoken/error.hpp"

namespace pftoken::pricing {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Index one past the last period with debt outstanding (the loan life end).
std::size_t loan_life_end(std::span<const double> opening_debt) {
    std::size_t end = 0;
    for (std::size_t k = 0; k < opening_debt.size(); ++k)
        if (opening_debt[k] > 0.0) end = k + 1;
    return end;
}
}  // namespace

void CoverageInputs::validate(const std::string& field) const {
    const std::size_t n = cfads.size();
    PFT_REQUIRE(n > 0, field << ".cfads: must not be empty");
    PFT_REQUIRE(accrual.size() == n, field << ".accrual: must have " << n << " periods, got "
                                           << accrual.size());
    PFT_REQUIRE(debt_rate.size() == n, field << ".debt_rate: must have " << n << " periods, got "
                                             << debt_rate.size());
    PFT_REQUIRE(opening_debt.size() == n, field << ".opening_debt: must have " << n
                                                << " periods, got " << opening_debt.size());
    for (std::size_t k = 0; k < n; ++k) {
        PFT_REQUIRE(std::isfinite(cfads[k]), field << ".cfads[" << k << "]: must be finite, got "
                                                   << cfads[k]);
        PFT_REQUIRE(std::isfinite(accrual[k]) && accrual[k] > 0.0,
                    field << ".accrual[" << k << "]: must be > 0, got " << accrual[k]);
        PFT_REQUIRE(std::isfinite(debt_rate[k]) && debt_rate[k] > -1.0 && debt_rate[k] < 1.0,
                    field << ".debt_rate[" << k << "]: must be in (-100%, 100%), got "
                          << debt_rate[k]);
        PFT_REQUIRE(std::isfinite(opening_debt[k]) && opening_debt[k] >= 0.0,
                    field << ".opening_debt[" << k << "]: must be >= 0, got " << opening_debt[k]);
    }
}

void coverage_ratios(const CoverageInputs& inputs, std::span<double> llcr, std::span<double> plcr) {
    const std::size_t n = inputs.cfads.size();
    PFT_REQUIRE(llcr.size() == n && plcr.size() == n,
                "coverage: llcr and plcr buffers must have " << n << " periods");
    const std::size_t loan_end = loan_life_end(inputs.opening_debt);
    // Backward recursion: PV_k = (CFADS_k + PV_{k+1}) v_k, the value at the start of period k.
    double pv_project = 0.0;
    double pv_loan = 0.0;
    for (std::size_t k = n; k-- > 0;) {
        const double v = 1.0 / (1.0 + inputs.debt_rate[k] * inputs.accrual[k]);
        pv_project = (inputs.cfads[k] + pv_project) * v;
        pv_loan = k < loan_end ? (inputs.cfads[k] + pv_loan) * v : 0.0;
        const double debt = inputs.opening_debt[k];
        llcr[k] = debt > 0.0 ? pv_loan / debt : kNaN;
        plcr[k] = debt > 0.0 ? pv_project / debt : kNaN;
    }
}

double llcr_at(const CoverageInputs& inputs, std::size_t period) {
    PFT_REQUIRE(period < inputs.cfads.size(), "coverage.period: must be < "
                                                  << inputs.cfads.size() << ", got " << period);
    const std::size_t loan_end = loan_life_end(inputs.opening_debt);
    if (!(inputs.opening_debt[period] > 0.0)) return kNaN;
    double pv = 0.0;
    for (std::size_t k = loan_end; k-- > period;)
        pv = (inputs.cfads[k] + pv) * (1.0 / (1.0 + inputs.debt_rate[k] * inputs.accrual[k]));
    return pv / inputs.opening_debt[period];
}

double plcr_at(const CoverageInputs& inputs, std::size_t period) {
    PFT_REQUIRE(period < inputs.cfads.size(), "coverage.period: must be < "
                                                  << inputs.cfads.size() << ", got " << period);
    if (!(inputs.opening_debt[period] > 0.0)) return kNaN;
    double pv = 0.0;
    for (std::size_t k = inputs.cfads.size(); k-- > period;)
        pv = (inputs.cfads[k] + pv) * (1.0 / (1.0 + inputs.debt_rate[k] * inputs.accrual[k]));
    return pv / inputs.opening_debt[period];
}

void dscr_per_period(std::span<const double> cfads, std::span<const double> debt_service,
                     std::span<double> dscr) {
    PFT_REQUIRE(debt_service.size() == cfads.size() && dscr.size() == cfads.size(),
                "dscr: cfads, debt_service and output must have the same size");
    for (std::size_t k = 0; k < cfads.size(); ++k)
        dscr[k] = debt_service[k] > 0.0 ? cfads[k] / debt_service[k] : kNaN;
}

DscrStats dscr_stats(std::span<const double> cfads, std::span<const double> debt_service) {
    PFT_REQUIRE(debt_service.size() == cfads.size(),
                "dscr: cfads and debt_service must have the same size");
    DscrStats stats;
    stats.min = kNaN;
    double sum = 0.0;
    for (std::size_t k = 0; k < cfads.size(); ++k) {
        if (!(debt_service[k] > 0.0)) continue;
        const double d = cfads[k] / debt_service[k];
        if (stats.periods == 0 || d < stats.min) {
            stats.min = d;
            stats.min_period = k;
        }
        sum += d;
        ++stats.periods;
    }
    stats.average = stats.periods > 0 ? sum / static_cast<double>(stats.periods) : kNaN;
    return stats;
}

}  // namespace pftoken::pricing
