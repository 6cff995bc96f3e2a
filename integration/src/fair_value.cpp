// Fair value vs market (see fair_value.hpp).
#include "pftoken/integration/fair_value.hpp"

#include <cmath>

#include <fmt/format.h>

#include "pftoken/error.hpp"

namespace pftoken::integration {

std::size_t find_tranche(const Project& project, const std::string& symbol, const std::string& field) {
    for (std::size_t k = 0; k < project.tranches.size(); ++k)
        if (project.tranches[k].token.symbol == symbol || project.tranches[k].name == symbol) return k;
    std::string known;
    for (const auto& t : project.tranches) known += (known.empty() ? "" : ", ") + t.token.symbol;
    throw InputError(field, fmt::format("no tranche token '{}' in project '{}' (tranche tokens: {})", symbol,
                                        project.name, known));
}

double percentile_of(double x, std::span<const double> levels, std::span<const double> values) {
    PFT_REQUIRE(levels.size() == values.size() && !levels.empty(), "percentile_of: levels and values must match");
    if (x <= values.front()) return 100.0 * levels.front();
    if (x >= values.back()) return 100.0 * levels.back();
    for (std::size_t i = 1; i < values.size(); ++i) {
        if (x <= values[i]) {
            const double width = values[i] - values[i - 1];
            const double w = width > 0.0 ? (x - values[i - 1]) / width : 1.0;
            return 100.0 * (levels[i - 1] + w * (levels[i] - levels[i - 1]));
        }
    }
    return 100.0 * levels.back();
}

FairValueResult fair_value(const Project& project, const ValuationResult& valuation, const PoolSpec& pool,
                           const mc::ProjectMcSummary* mc) {
    FairValueResult r;
    r.tranche_index = find_tranche(project, pool.token, "pool.token");
    const auto& tranche = project.tranches[r.tranche_index];
    const auto& tv = valuation.tranches.at(r.tranche_index);
    r.tranche = tranche.name;
    r.symbol = tranche.token.symbol;
    r.supply = tranche.token.supply;
    r.dcf_price = tv.price_per_token;
    r.pool_price = pool.initial_price();
    PFT_REQUIRE(r.pool_price > 0.0 && std::isfinite(r.pool_price),
                "pool: initial price must be > 0, got " << r.pool_price);
    PFT_REQUIRE(r.dcf_price > 0.0, "tranches[" << r.tranche_index << "]: DCF price per token must be > 0, got "
                                               << r.dcf_price);
    r.premium = r.pool_price / r.dcf_price - 1.0;
    if (mc != nullptr) {
        const auto& t = mc->tranches.at(r.tranche_index);
        r.mc_paths = mc->paths;
        r.mc_mean = t.price_per_token.mean;
        r.mc_standard_error = t.price_per_token.standard_error;
        r.mc_percentiles = t.price_per_token_dist.percentiles;
        r.mc_premium = r.pool_price / r.mc_mean - 1.0;
        const std::span<const double> levels(mc::kPercentileLevels);
        if (r.mc_percentiles.size() == levels.size()) {
            r.market_percentile = percentile_of(r.pool_price, levels, r.mc_percentiles);
            if (r.pool_price < r.mc_percentiles.front()) r.market_percentile_note = "below the 1st percentile";
            if (r.pool_price > r.mc_percentiles.back()) r.market_percentile_note = "above the 99th percentile";
        }
    }
    return r;
}

}  // namespace pftoken::integration
