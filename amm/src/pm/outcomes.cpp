// Outcome count and active mask shared by the prediction-market cost models.
#include "pftoken/amm/pm/outcomes.hpp"

#include <algorithm>
#include <string>

#include "pftoken/error.hpp"

namespace pftoken::amm::pm {

std::size_t count_active(const ActiveMask& mask, std::size_t outcomes) noexcept {
    std::size_t count = 0;
    for (std::size_t i = 0; i < std::min(outcomes, kMaxOutcomes); ++i) count += mask[i] ? 1U : 0U;
    return count;
}

void require_active_outcome(const ActiveMask& mask, std::size_t outcomes, std::size_t i) {
    if (i >= outcomes || i >= kMaxOutcomes || !mask[i]) {
        throw InputError("outcome", "must name an active outcome in [0, " +
                                        std::to_string(outcomes) + "), got " + std::to_string(i));
    }
}

}  // namespace pftoken::amm::pm
