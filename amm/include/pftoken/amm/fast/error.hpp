#pragma once
// Error type and precondition macro of the floating-point AMM models and the LP analytics.

#include <sstream>
#include <string>

#include "pftoken/error.hpp"

namespace pftoken::amm::fast {

/// Raised for invalid input to the fast pools or to the LP analytics. The message names the
/// field and the violated constraint (and, for pool operations, Uniswap's revert code, e.g.
/// "swap.sqrt_price_limit: SPL: must be below the current sqrt price 1 for zero_for_one, got 2").
/// Part of the one exception family (pftoken::Error, from pftoken::base).
class Error : public ::pftoken::Error {
  public:
    using ::pftoken::Error::Error;
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
