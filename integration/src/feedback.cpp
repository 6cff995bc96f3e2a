// Market/model feedback loop (see feedback.hpp).
#include "pftoken/integration/feedback.hpp"

#include <cmath>

#include <fmt/format.h>

#include "pftoken/error.hpp"
#include "pftoken/integration/implied.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::integration {

bool FeedbackOptions::isValid(std::string* why) const {
    auto fail = [why](std::string msg) {
        if (why != nullptr) *why = std::move(msg);
        return false;
    };
    if (!(spread_damping > 0.0 && spread_damping <= 1.0))
        return fail(fmt::format("feedback.spread_damping: must be in (0, 1], got {}", spread_damping));
    if (!(market_response >= 0.0 && market_response <= 1.0))
        return fail(fmt::format("feedback.market_response: must be in [0, 1], got {}", market_response));
    if (!(tolerance > 0.0)) return fail(fmt::format("feedback.tolerance: must be > 0, got {}", tolerance));
    if (max_iterations < 1) return fail(fmt::format("feedback.max_iterations: must be >= 1, got {}", max_iterations));
    return true;
}

namespace {
double dcf_price_at(Project& project, std::size_t k, double spread) {
    project.tranches[k].spread = spread;
    ValuationOptions options;
    options.include_periods = false;
    return value(project, options).tranches.at(k).price_per_token;
}
}  // namespace

FeedbackResult feedback_loop(const Project& project, std::size_t k, double pool_price, const FeedbackOptions& options) {
    std::string why;
    PFT_REQUIRE(options.isValid(&why), why);
    PFT_REQUIRE(k < project.tranches.size(), "feedback_loop: tranche index " << k << " out of range");
    Project work = project;
    FeedbackResult r;
    double s = project.tranches[k].spread;
    double p = pool_price;
    double v = dcf_price_at(work, k, s);
    r.residual = std::fabs(v / p - 1.0);
    r.residual_history.push_back(r.residual);
    for (int n = 0; n < options.max_iterations && r.residual > options.tolerance; ++n) {
        const double z = implied_spread(work, k, p).implied_spread;
        s += options.spread_damping * (z - s);
        v = dcf_price_at(work, k, s);
        p += options.market_response * (v - p);
        r.residual = std::fabs(v / p - 1.0);
        r.residual_history.push_back(r.residual);
        r.iterations = n + 1;
        if (!std::isfinite(r.residual) || !(p > 0.0)) break;
    }
    r.spread = s;
    r.price = p;
    r.dcf_price = v;
    r.converged = std::isfinite(r.residual) && r.residual <= options.tolerance;
    r.message = r.converged
                    ? fmt::format("converged in {} iterations (residual {:.3g})", r.iterations, r.residual)
                    : fmt::format("did not converge in {} iterations (residual {:.3g})", r.iterations, r.residual);
    return r;
}

}  // namespace pftoken::integration
