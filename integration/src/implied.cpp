// Market-implied z-spread and volume haircut (see implied.hpp).
#include "pftoken/integration/implied.hpp"

#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "pftoken/base/root.hpp"
#include "pftoken/base/validate.hpp"
#include "pftoken/error.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::integration {

namespace check = ::pftoken::validation;

ImpliedSpreadResult implied_spread(const Project& project, std::size_t k, double pool_price) {
    PFT_REQUIRE(k < project.tranches.size(), "implied_spread: tranche index " << k << " out of range");
    check::Rules rules;
    rules.require("pool_price", pool_price, {check::positive()});
    rules.throw_if_failed("implied_spread");
    ValuationOptions options;
    options.include_periods = false;
    options.market_price_per_token[project.tranches[k].token.symbol] = pool_price;
    const auto valuation = value(project, options);
    ImpliedSpreadResult r;
    r.model_spread = project.tranches[k].spread;
    r.implied_spread = valuation.tranches.at(k).z_spread;
    PFT_ENSURE(std::isfinite(r.implied_spread), "implied_spread: no z-spread reprices tranche '"
                                                    << project.tranches[k].name << "' to " << pool_price);
    r.spread_gap_bp = (r.implied_spread - r.model_spread) * 1e4;
    return r;
}

ImpliedHaircutResult implied_haircut(const Project& project, std::size_t k, double pool_price, double dcf_price,
                                     const HaircutOptions& options) {
    PFT_REQUIRE(k < project.tranches.size(), "implied_haircut: tranche index " << k << " out of range");
    check::Rules rules;
    rules.require("pool_price", pool_price, {check::positive()});
    rules.require("dcf_price", dcf_price, {check::positive()});
    rules.throw_if_failed("implied_haircut");
    ImpliedHaircutResult r;
    r.target_ratio = pool_price / dcf_price;
    stress::StressEngine engine(project);
    const double base_pv = engine.base().metrics.tranches.at(k).pv;
    stress::Scenario scenario;
    scenario.name = "implied_haircut";
    scenario.shocks.push_back(stress::make_shock(stress::ShockType::Volume, 0.0));
    // The volume shock is a relative change > -1; the full haircut is approached from inside.
    constexpr double kMaxHaircut = 1.0 - 1e-9;
    auto ratio = [&](double h) {
        scenario.shocks[0].size = -h;
        return engine.evaluate(scenario).tranches.at(k).pv / base_pv;
    };
    auto f = [&](double h) { return ratio(h) - r.target_ratio; };
    if (r.target_ratio > 1.0) {
        r.message = fmt::format("no haircut in [0, 1] reprices: the pool price is {:.4g}% above the DCF value "
                                "(a haircut can only lower it)", 100.0 * (r.target_ratio - 1.0));
        return r;
    }
    const double f0 = f(0.0);
    if (f0 == 0.0) {
        r.found = true, r.haircut = 0.0, r.achieved_ratio = 1.0;
        return r;
    }
    const double f1 = f(kMaxHaircut);
    if (f1 > 0.0) {
        r.message = fmt::format("no haircut in [0, 1] reprices: even a 100% volume haircut leaves the tranche at "
                                "{:.6g} of its DCF value, above the pool's {:.6g}", f1 + r.target_ratio,
                                r.target_ratio);
        return r;
    }
    const base::RootBracket root =
        base::solve_bracketed(f, 0.0, kMaxHaircut, f0, f1, base::AbsoluteTolerance{options.tolerance},
                              static_cast<std::uintmax_t>(options.max_iterations), "implied_haircut",
                              base::OnIterationCap::ReturnBracket);
    r.iterations = static_cast<int>(root.iterations);
    // The flat stretches of a debt tranche's PV (fully covered until DSCR breaks) make the
    // smallest haircut that reaches the target the one to report: take the bracket's upper end
    // (f <= 0 there).
    r.haircut = root.hi;
    r.achieved_ratio = ratio(root.hi);
    r.found = root.converged;
    const double base_cfads = engine.base().metrics.cfads;
    if (base_cfads > 0.0) r.cfads_reduction = 1.0 - engine.evaluate(scenario).cfads / base_cfads;  // at root.hi
    // The cushion: bisection for the last haircut with every payment of the tranche on time.
    auto on_time = [&](double h) {
        scenario.shocks[0].size = -h;
        return !engine.evaluate(scenario).tranches.at(k).missed_payment;
    };
    double lo = 0.0, hi = kMaxHaircut;
    if (on_time(hi)) {
        lo = hi;
    } else {
        for (int i = 0; i < 60 && hi - lo > 1e-9; ++i) {
            const double mid = 0.5 * (lo + hi);
            (on_time(mid) ? lo : hi) = mid;
        }
    }
    r.absorbed = lo;
    if (!root.converged)
        r.message = fmt::format("no convergence in {} iterations: haircut bracket [{:.12g}, {:.12g}]",
                                options.max_iterations, root.lo, root.hi);
    return r;
}

}  // namespace pftoken::integration
