// Per-tranche DCF pricing from plain arrays.

#include "pftoken/pricing/tranche_pricing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "pftoken/error.hpp"

namespace pftoken::pricing {

void TranchePricingInputs::validate() const {
    const std::size_t n = interest.size();
    PFT_REQUIRE(n > 0, field << ".interest: must not be empty");
    PFT_REQUIRE(principal.size() == n, field << ".principal: must have " << n << " flows, got "
                                             << principal.size());
    PFT_REQUIRE(curve_times.size() == n, field << ".curve_times: must have " << n
                                               << " flows, got " << curve_times.size());
    PFT_REQUIRE(discount_factors.size() == n, field << ".discount_factors: must have " << n
                                                    << " flows, got " << discount_factors.size());
    validate_flows(interest, yield_times, field + ".interest");
    validate_flows(principal, curve_times, field + ".principal");
    for (std::size_t i = 0; i < n; ++i)
        PFT_REQUIRE(std::isfinite(discount_factors[i]) && discount_factors[i] > 0.0,
                    field << ".discount_factors[" << i << "]: must be > 0, got "
                          << discount_factors[i]);
    PFT_REQUIRE(std::isfinite(spread), field << ".spread: must be finite, got " << spread);
    PFT_REQUIRE(tranche_discount_factors.empty() || tranche_discount_factors.size() == n,
                field << ".tranche_discount_factors: must be empty or have " << n << " flows, got "
                      << tranche_discount_factors.size());
    PFT_REQUIRE(std::isfinite(outstanding) && outstanding > 0.0,
                field << ".outstanding: must be > 0, got " << outstanding);
    PFT_REQUIRE(std::isfinite(token.supply) && token.supply > 0.0,
                field << ".token.supply: must be > 0, got " << token.supply);
    if (market_price_per_token)
        PFT_REQUIRE(std::isfinite(*market_price_per_token) && *market_price_per_token > 0.0,
                    field << ".market_price_per_token: must be > 0, got "
                          << *market_price_per_token);
    yield_convention.validate(field + ".yield_convention");
}

namespace {
constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TrancheMetrics price_tranche(const TranchePricingInputs& in) {
    in.validate();
    const std::size_t n = in.interest.size();
    std::vector<double> flows(n);
    std::vector<double> spread_dfs(n);
    for (std::size_t i = 0; i < n; ++i) flows[i] = in.interest[i] + in.principal[i];
    if (in.tranche_discount_factors.empty())
        apply_z_spread(in.curve_times, in.discount_factors, in.spread, spread_dfs);
    else
        std::copy(in.tranche_discount_factors.begin(), in.tranche_discount_factors.end(), spread_dfs.begin());

    TrancheMetrics m;
    m.pv = pv_on_curve(flows, spread_dfs);
    m.price_per_token = m.pv / in.token.supply;
    m.price_pct_face = 100.0 * m.pv / in.outstanding;
    const double price = in.market_price_per_token ? *in.market_price_per_token * in.token.supply
                                                   : m.pv;
    double total_flows = 0.0;
    double total_principal = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        total_flows += flows[i];
        total_principal += in.principal[i];
    }
    // A tranche that pays nothing in the horizon has no yield, duration or convexity; one that
    // repays no principal has no WAL. These are undefined (NaN, said in words by the reports),
    // not errors: the deal is still valued (PV 0 or the PV of its interest).
    if (total_flows > 0.0 && price > 0.0) {
        m.yield = yield_to_maturity(flows, in.yield_times, price, in.yield_convention, in.solver,
                                    in.field + ".yield");
        m.macaulay_duration = macaulay_duration(flows, in.yield_times, m.yield, in.yield_convention);
        m.modified_duration = modified_duration(flows, in.yield_times, m.yield, in.yield_convention);
        m.convexity = convexity(flows, in.yield_times, m.yield, in.yield_convention);
    } else {
        m.yield = m.macaulay_duration = m.modified_duration = m.convexity = kUndefined;
    }
    m.wal = total_principal > 0.0 ? weighted_average_life(in.principal, in.yield_times) : kUndefined;
    if (in.market_price_per_token && total_flows > 0.0)
        m.z_spread = z_spread(flows, in.curve_times, in.discount_factors, price, in.solver,
                              in.field + ".z_spread");
    return m;
}

std::string TrancheMetrics::brief_report() const {
    std::ostringstream out;
    out << "PV " << pv << " (" << price_pct_face << "% of face, " << price_per_token
        << " per token), yield " << yield << ", Macaulay " << macaulay_duration << "y, modified "
        << modified_duration << ", convexity " << convexity << ", WAL " << wal << "y";
    if (z_spread) out << ", z-spread " << *z_spread;
    return out.str();
}

}  // namespace pftoken::pricing
