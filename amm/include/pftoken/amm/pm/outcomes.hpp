// Outcome count and active mask shared by the prediction-market cost models.
#pragma once

#include <array>
#include <cstddef>

namespace pftoken::amm::pm {

/// Most outcomes a prediction market holds (issue 16: N = 3 to 10; 2 is allowed for closed forms).
inline constexpr std::size_t kMaxOutcomes = 10;

/// active[i]: outcome i can still win and trade; eliminated outcomes are inactive.
using ActiveMask = std::array<bool, kMaxOutcomes>;
inline constexpr ActiveMask kAllActive{true, true, true, true, true, true, true, true, true, true};

/// How many of the first `outcomes` entries of `mask` are active.
[[nodiscard]] std::size_t count_active(const ActiveMask& mask, std::size_t outcomes) noexcept;

/// Throws InputError("outcome", ...) unless i < outcomes and mask[i].
void require_active_outcome(const ActiveMask& mask, std::size_t outcomes, std::size_t i);

}  // namespace pftoken::amm::pm
