#pragma once
// Projects built in code for the timeline / waterfall / valuation tests, plus cash checks.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "pftoken/model/project.hpp"
#include "pftoken/waterfall/kernel.hpp"

namespace pftoken::kernel_testing {

/// One contracted stream of `monthly_revenue` per month (flat, no degradation), no opex, no
/// tax, no construction, monthly periods on 30/360 so every accrual is exactly 1/12.
inline Project constant_cfads_project(double monthly_revenue = 100'000.0, int years = 10) {
    Project p;
    p.name = "constant";
    p.timeline.financial_close = CalendarDate{std::chrono::year{2025}, std::chrono::month{1}, std::chrono::day{1}};
    p.timeline.construction_months = 0;
    p.timeline.operations_years = years;
    p.timeline.frequency = Frequency::Monthly;
    p.timeline.day_count = DayCount::Thirty360;
    RevenueStream rs;
    rs.name = "ppa";
    rs.p50_volume = 12'000.0;
    rs.contract_price = monthly_revenue / 1000.0;
    p.revenues.push_back(rs);
    p.construction.capex_total = 10'000'000.0;
    p.tax.rate = 0.0;
    p.covenants.lockup_dscr = 1.10;
    p.covenants.default_dscr = 1.00;
    p.sizing.gearing_cap = 1.0;
    p.market.discount.name = "usd";
    p.market.discount.flat_rate = 0.05;
    return p;
}

inline Tranche fixed_tranche(const std::string& name, double principal, double rate, Amortisation amortisation,
                             double tenor_years, int rank = 1) {
    Tranche t;
    t.name = name;
    t.rank = rank;
    t.principal = principal;
    t.fixed_rate = rate;
    t.amortisation = amortisation;
    t.tenor_years = tenor_years;
    t.token.symbol = name;
    t.token.supply = principal / 100.0;
    t.token.face_per_token = 100.0;
    return t;
}

/// Cash conservation and account identities of every period of a run (1e-9 relative).
inline void expect_cash_conserved(const CompiledProject& cp, const WaterfallResults& r, const std::string& label) {
    for (int t = 0; t < r.periods; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        const double scale = std::max({1.0, std::abs(r.sources[ts]), std::abs(r.uses[ts])});
        ASSERT_NEAR(r.sources[ts], r.uses[ts], 1e-9 * scale) << label << ": sources != uses in period " << t;
        // Tranche balances move only by draws, capitalisation, repayments and prepayments.
        for (int k = 0; k < r.tranches; ++k) {
            const double opening = t > 0 ? r.at(r.tranche_balance, k, t - 1)
                                   : (cp.grid.construction_periods == 0 ? cp.tranches[static_cast<std::size_t>(k)].principal : 0.0);
            const double closing = opening + r.at(r.tranche_drawdown, k, t) + r.at(r.tranche_deferred, k, t) -
                                   r.at(r.tranche_principal_paid, k, t) - r.at(r.tranche_prepayment, k, t);
            const double bscale = std::max(1.0, cp.tranches[static_cast<std::size_t>(k)].principal);
            ASSERT_NEAR(r.at(r.tranche_balance, k, t), closing, 1e-9 * bscale)
                << label << ": tranche " << k << " balance identity in period " << t;
        }
        // DSRA: opening + interest + deposit - draw - release = closing.
        const double dsra_open = t == 0 ? (cp.grid.construction_periods == 0 ? r.close_dsra_funding : 0.0)
                                        : r.dsra_balance[ts - 1];
        ASSERT_NEAR(r.dsra_balance[ts],
                    dsra_open + r.dsra_interest[ts] + r.dsra_deposit[ts] - r.dsra_draw[ts] - r.dsra_release[ts],
                    1e-9 * std::max(1.0, dsra_open))
            << label << ": DSRA identity in period " << t;
    }
}

}  // namespace pftoken::kernel_testing
