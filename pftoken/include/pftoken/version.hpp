#pragma once
// Library version string.
namespace pftoken {
/// The library version, "MAJOR.MINOR.PATCH".
const char* version() noexcept;
}  // namespace pftoken
