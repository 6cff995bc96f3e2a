// Thread count resolution for the parallel loop.
#include "pftoken/base/thread_pool.hpp"

namespace pftoken::base {

unsigned resolve_threads(unsigned requested) noexcept {
    if (requested > 0) return requested;
    const unsigned hardware = std::thread::hardware_concurrency();
    return hardware == 0 ? 1U : hardware;
}

}  // namespace pftoken::base
