#pragma once
// A project whose only debt is one bullet tranche paid from merchant revenue: the test bed for
// the credit closed forms (Merton/Black-Scholes) of the Monte Carlo tests.

#include <chrono>

#include "pftoken/model/project.hpp"

namespace pftoken::test_projects {

/// `years` annual operating periods, merchant revenue volume x price (x the merchant factor's
/// multiplier M(t) in Monte Carlo), no costs, no tax, no reserves, covenants off, financial close
/// 2025-01-01, no construction. One bullet tranche of `debt` at `rate` for `years`: interest
/// debt x rate each year and the principal at the end. Flat 3% discount curve (annual
/// compounding, the curve convention's default).
inline Project merchant_bullet_project(double volume, double price, double debt, double rate, int years = 1) {
    Project p;
    p.name = "merchant_bullet";
    p.timeline.financial_close = CalendarDate{std::chrono::year{2025}, std::chrono::month{1}, std::chrono::day{1}};
    p.timeline.construction_months = 0;
    p.timeline.operations_years = years;
    p.timeline.frequency = Frequency::Annual;
    p.construction.capex_total = debt / 0.8;
    RevenueStream r;
    r.name = "merchant";
    r.p50_volume = volume;
    r.price_type = RevenueStream::PriceType::Merchant;
    r.merchant_curve = {{0.0, price}};
    p.revenues.push_back(r);
    p.tax.rate = 0.0;
    Tranche t;
    t.name = "bullet";
    t.rank = 1;
    t.principal = debt;
    t.fixed_rate = rate;
    t.amortisation = Amortisation::Bullet;
    t.tenor_years = years;
    t.token = {"BUL", debt / 100.0, 100.0};
    p.tranches.push_back(t);
    p.equity.token = {"EQ", 1000.0, 0.0};
    p.covenants.lockup_dscr = 0.0;
    p.covenants.default_dscr = 0.0;
    p.market.discount.flat_rate = 0.03;
    return p;
}

}  // namespace pftoken::test_projects
