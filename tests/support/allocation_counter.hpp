#pragma once
// Counts global operator new, for tests that prove a hot path does not allocate.
//
// Include from exactly one test file per test executable. The replacement operators are weak so
// that another definition may win; then the counter does not move and
// `allocation_counting_works()` is false (the test skips). AddressSanitizer replaces operator new
// itself (and flags malloc/delete mixing), so sanitized builds install nothing and the tests skip.

#include <atomic>
#include <cstdlib>
#include <new>

namespace pftoken::testing {
inline std::atomic<long> g_allocations{0};

/// Global operator new calls so far.
inline long allocations() { return g_allocations.load(std::memory_order_relaxed); }

/// Whether the counting operator new is the one in use (a probe allocation moves the counter).
inline bool allocation_counting_works() {
    const long before = allocations();
    auto* probe = new int(1);
    const bool counting = allocations() > before;
    delete probe;
    return counting;
}
}  // namespace pftoken::testing

#if !defined(__SANITIZE_ADDRESS__)
__attribute__((weak)) void* operator new(std::size_t size) {
    pftoken::testing::g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
__attribute__((weak)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((weak)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif
