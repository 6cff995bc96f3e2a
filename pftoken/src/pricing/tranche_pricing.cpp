// Per-tranche DCF pricing from plain arrays.

#include "pftoken/pricing/tranche_pricing.hpp"

#include <cmath>
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

TrancheMetrics price_tranche(const TranchePricingInputs& in) {
    in.validate();
    const std::size_t n = in.interest.size();
    std::vector<double> flows(n);
    std::vector<double> spread_dfs(n);
    for (std::size_t i = 0; i < n; ++i) flows[i] = in.interest[i] + in.principal[i];
    apply_z_spread(in.curve_times, in.discount_factors, in.spread, spread_dfs);

    TrancheMetrics m;
    m.pv = pv_on_curve(flows, spread_dfs);
    m.price_per_token = m.pv / in.token.supply;
    m.price_pct_face = 100.0 * m.pv / in.outstanding;
    const double price = in.market_price_per_token ? *in.market_price_per_token * in.token.supply
                                                   : m.pv;
    m.yield = yield_to_maturity(flows, in.yield_times, price, in.yield_convention, in.solver,
                                in.field + ".yield");
    m.macaulay_duration = macaulay_duration(flows, in.yield_times, m.yield, in.yield_convention);
    m.modified_duration = modified_duration(flows, in.yield_times, m.yield, in.yield_convention);
    m.convexity = convexity(flows, in.yield_times, m.yield, in.yield_convention);
    m.wal = weighted_average_life(in.principal, in.yield_times);
    if (in.market_price_per_token)
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
