#pragma once
// Inputs built in code for the test suites, one definition each: paths into the source tree,
// the shipped examples, projects with known closed forms, and pools. The project builders need
// pftoken::core; the pool builders are there when the suite links pftoken::integration.

#include <chrono>
#include <filesystem>
#include <string>

#include "pftoken/model/loader.hpp"
#include "pftoken/model/project.hpp"
#if __has_include("pftoken/integration/liquidity_stress.hpp")
#include "pftoken/integration/liquidity_stress.hpp"
#define PFTOKEN_TEST_HAS_POOLS 1
#endif

#ifndef PFTOKEN_SOURCE_DIR
#error "PFTOKEN_SOURCE_DIR must be defined (tests/CMakeLists.txt does)"
#endif

namespace pftoken::test {

/// A file of the source tree: source_path("data/examples/solar.yaml").
inline std::string source_path(const std::string& relative) { return std::string(PFTOKEN_SOURCE_DIR) + "/" + relative; }

/// A shipped example project (data/examples/<file>), loaded as the CLI loads it.
inline Project example_project(const std::string& file = "solar.yaml") {
    return load_project(source_path("data/examples/" + file));
}

/// `years` annual operating periods, merchant revenue volume x price (x the merchant factor's
/// multiplier M(t) in Monte Carlo), no costs, no tax, no reserves, covenants off, financial close
/// 2025-01-01, no construction. One bullet tranche of `debt` at `rate` for `years`: interest
/// debt x rate each year and the principal at the end. Flat 3% discount curve (annual
/// compounding, the curve convention's default). The test bed for the credit closed forms
/// (Merton/Black-Scholes) of the Monte Carlo tests.
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

/// A fixed-rate tranche with a token of face 100 per token.
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

#ifdef PFTOKEN_TEST_HAS_POOLS
/// A Uniswap v2 pool of `token` against USDC with the given reserves and fee on the input.
inline integration::PoolSpec v2_pool(double reserve_token, double reserve_quote,
                                     double fee = integration::PoolSpec{}.fee, const std::string& token = "TOK") {
    integration::PoolSpec p;
    p.type = integration::PoolSpec::Type::V2;
    p.token = token;
    p.reserve_token = reserve_token;
    p.reserve_quote = reserve_quote;
    p.fee = fee;
    return p;
}
#endif

}  // namespace pftoken::test
