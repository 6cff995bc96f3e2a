#include "pftoken/version.hpp"

namespace pftoken {
const char* version() noexcept { return "0.1.0"; }
}  // namespace pftoken
