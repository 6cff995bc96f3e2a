#pragma once
// Error type and precondition macro of the floating-point AMM models and the LP analytics.

#include <sstream>
#include <stdexcept>
#include <string>

namespace pftoken::amm::fast {

/// Raised for invalid input to the fast pools or to the LP analytics. The message names the
/// field and the violated constraint (and, for pool operations, Uniswap's revert code, e.g.
/// "swap.sqrt_price_limit: SPL: must be below the current sqrt price 1 for zero_for_one, got 2").
/// pftoken::amm does not see pftoken::core, so this mirrors pftoken::Error instead of reusing it.
class Error : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

}  // namespace pftoken::amm::fast

/// Throws pftoken::amm::fast::Error with a streamed message when `condition` is false.
#define PFT_AMM_FAST_REQUIRE(condition, message)                           \
    do {                                                                   \
        if (!(condition)) {                                                \
            std::ostringstream pft_amm_fast_stream_;                       \
            pft_amm_fast_stream_ << message;                               \
            throw ::pftoken::amm::fast::Error(pft_amm_fast_stream_.str()); \
        }                                                                  \
    } while (false)
