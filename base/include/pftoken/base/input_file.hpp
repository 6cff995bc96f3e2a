#pragma once
// Reading an input file (project, scenario, pool, spec, replay JSON, curve CSV) once, with the
// same refusals and messages in every command: only regular files, at most kMaxInputFileBytes,
// checked before a byte is read (so /dev/zero, a FIFO or a folder fail at once instead of
// blocking or reading until memory runs out).

#include <cstddef>
#include <filesystem>
#include <string>

namespace pftoken {

/// Largest input file pftoken reads: 16 MiB. The shipped examples are under 20 KiB; a 16 MiB
/// YAML file parses in about a second, where a 50 MB one took 26 s and 5 GB of memory.
inline constexpr std::size_t kMaxInputFileBytes = std::size_t{16} << 20;

/// The whole content of `path`. Throws InputError with field `path` and constraint
///   "cannot open: No such file or directory" (or the system's reason),
///   "is not a regular file (a directory, device or pipe)", or
///   "is N bytes, more than the input limit of 16777216 bytes (16 MiB)".
[[nodiscard]] std::string read_input_file(const std::filesystem::path& path);

}  // namespace pftoken
