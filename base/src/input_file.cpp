#include "pftoken/base/input_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "pftoken/error.hpp"

namespace pftoken {

std::string read_input_file(const std::filesystem::path& path) {
    namespace fs = std::filesystem;
    const std::string name = path.string();
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);  // follows symlinks; never opens the file
    if (ec || !fs::exists(status)) {
        const std::error_code reason = ec ? ec : std::make_error_code(std::errc::no_such_file_or_directory);
        throw InputError(name, "cannot open: " + std::generic_category().message(reason.value()));
    }
    if (!fs::is_regular_file(status))
        throw InputError(name, fs::is_directory(status) ? "cannot open: is a directory, not a file"
                                                        : "cannot open: not a regular file (a device or pipe)");
    const auto size = fs::file_size(path, ec);
    if (ec) throw InputError(name, "cannot open: " + ec.message());
    if (size > kMaxInputFileBytes)
        throw InputError(name, fmt::format("is {} bytes, more than the input limit of {} bytes (16 MiB)", size,
                                           kMaxInputFileBytes));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(name, std::string("cannot open: ") + std::strerror(errno));
    std::string text(static_cast<std::size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<std::size_t>(in.gcount()));
    // A file that grew after the size check is read only up to the limit, then refused.
    if (in.peek() != std::char_traits<char>::eof())
        throw InputError(name, fmt::format("grew while being read; more than the input limit of {} bytes", kMaxInputFileBytes));
    return text;
}

}  // namespace pftoken
