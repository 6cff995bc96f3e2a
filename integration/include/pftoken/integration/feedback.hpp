#pragma once
// Feedback loop between market and model: the pool's implied z-spread feeds back (damped) into
// the tranche's discount spread, the token is revalued, arbitrageurs move the pool part of the
// way to the new DCF value, and the loop repeats until the DCF value and the pool price agree.
//
//   s_{n+1} = s_n + lambda (z(p_n) - s_n)          (z: the implied spread at pool price p_n)
//   p_{n+1} = p_n + kappa (V(s_{n+1}) - p_n)        (V: DCF price per token at spread s)
// stopping when |V(s_n) / p_n - 1| <= tolerance (docs/integration.md).

#include <cstddef>
#include <string>
#include <vector>

#include "pftoken/model/project.hpp"

namespace pftoken::integration {

struct FeedbackOptions {
    double spread_damping = 0.5;    ///< lambda in (0, 1]
    double market_response = 0.5;   ///< kappa in [0, 1]: share of the gap arbitraged per round
    double tolerance = 1e-8;        ///< relative residual |V/p - 1|
    int max_iterations = 100;
    [[nodiscard]] bool isValid(std::string* why = nullptr) const;
};

struct FeedbackResult {
    bool converged = false;
    int iterations = 0;
    double residual = 0.0;          ///< |V(s)/p - 1| at the end
    double spread = 0.0;            ///< final discount spread
    double price = 0.0;             ///< final pool price
    double dcf_price = 0.0;         ///< V(spread)
    std::string message;
    std::vector<double> residual_history;
};

[[nodiscard]] FeedbackResult feedback_loop(const Project& project, std::size_t k, double pool_price,
                                           const FeedbackOptions& options);

}  // namespace pftoken::integration
