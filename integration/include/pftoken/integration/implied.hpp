#pragma once
// Market-implied signals of a pool price: the z-spread that reprices a tranche's base-case flows
// to the pool price, and the uniform volume haircut (a volume multiplier run through the one
// waterfall kernel) that makes the DCF value equal the pool price.

#include <cstddef>
#include <limits>
#include <string>

#include "pftoken/model/project.hpp"

namespace pftoken::integration {

struct ImpliedSpreadResult {
    double model_spread = 0.0;     ///< the tranche's discount spread in the project (continuous)
    double implied_spread = 0.0;   ///< continuous z-spread over the discount curve repricing the pool price
    double spread_gap_bp = 0.0;    ///< (implied - model) x 1e4
};

/// Z-spread of tranche `k` at `pool_price` per token (pftoken::value with a market price; the
/// pricing layer's z-spread solver). Throws InputError when the price is not positive.
[[nodiscard]] ImpliedSpreadResult implied_spread(const Project& project, std::size_t k, double pool_price);

struct HaircutOptions {
    double tolerance = 1e-10;      ///< on the haircut (absolute)
    int max_iterations = 200;
};

struct ImpliedHaircutResult {
    bool found = false;
    double haircut = std::numeric_limits<double>::quiet_NaN();  ///< volume multiplier = 1 - haircut (uniform over the periods after the valuation date)
    /// The largest haircut with every payment of the tranche made when due (its cushion: the
    /// cash cover, the reserves and the tranches below absorb it), to 1e-9. Past it payments are
    /// missed and caught up later, so the PV falls little until the losses come.
    double absorbed = std::numeric_limits<double>::quiet_NaN();
    /// What the volume haircut takes from CFADS: 1 - sum CFADS(haircut) / sum CFADS(base) over
    /// the periods after the valuation date (more than the haircut when costs do not scale with volume).
    double cfads_reduction = std::numeric_limits<double>::quiet_NaN();
    double target_ratio = 0.0;     ///< pool price / DCF price
    double achieved_ratio = 0.0;   ///< stressed / base tranche PV at the haircut
    int iterations = 0;
    std::string message;           ///< why no haircut in [0, 1] does it, or the bracket when not converged (when !found)
};

/// Uniform volume haircut h in [0, 1] with PV_k(volume x (1-h)) / PV_k(base) = pool / dcf,
/// found by base::solve_bracketed (TOMS 748) on the stress engine (debt kept as sized, history
/// before a valuation date after COD not shocked), with the haircut the tranche absorbs and the
/// CFADS the haircut removes (docs/integration.md: why a senior token's haircut is large).
[[nodiscard]] ImpliedHaircutResult implied_haircut(const Project& project, std::size_t k, double pool_price,
                                                   double dcf_price, const HaircutOptions& options = {});

}  // namespace pftoken::integration
