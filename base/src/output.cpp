// The all-or-nothing output writer (pftoken/base/output.hpp).
#include "pftoken/base/output.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <random>
#include <set>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "pftoken/error.hpp"

namespace pftoken {

namespace output_testing {
void (*after_temporary_written)(std::size_t index) = nullptr;
}  // namespace output_testing

namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

/// A file descriptor closed on scope exit.
class Fd {
  public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    [[nodiscard]] int get() const noexcept { return fd_; }
    int release() noexcept { return std::exchange(fd_, -1); }

  private:
    int fd_;
};

std::string unique_tag() {
    std::random_device device;
    std::mt19937_64 engine((static_cast<std::uint64_t>(device()) << 32U) ^ device());
    return fmt::format("{}-{:016x}", static_cast<long>(::getpid()), engine());
}

/// The prefix of this writer's temporaries of `name`: ".NAME.tmp-" (then PID-RANDOM).
std::string temporary_prefix(const std::string& name) { return "." + name + ".tmp-"; }
std::string backup_prefix(const std::string& name) { return "." + name + ".bak-"; }

/// Removes temporaries and backups of `name` left in `folder` by processes that no longer run
/// (a writer killed with SIGKILL). Called under the folder lock.
void remove_stale(const fs::path& folder, const std::string& name) {
    std::error_code ec;
    for (const auto& prefix : {temporary_prefix(name), backup_prefix(name)}) {
        for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string file = it->path().filename().string();
            if (file.rfind(prefix, 0) != 0) continue;
            const std::string rest = file.substr(prefix.size());
            const auto dash = rest.find('-');
            if (dash == std::string::npos) continue;
            long pid = 0;
            try {
                pid = std::stol(rest.substr(0, dash));
            } catch (const std::exception&) {
                continue;
            }
            if (pid <= 0 || pid == static_cast<long>(::getpid())) continue;
            if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // still running
            std::error_code ignored;
            fs::remove(it->path(), ignored);
        }
    }
}

void check_name(const OutputFile& f) {
    PFT_ENSURE(!f.name.empty() && f.name != "." && f.name != ".." && f.name.find('/') == std::string::npos,
               "output file name '" << f.name << "' is not a plain file name");
}

/// The folder is usable: a folder, or absent with every existing ancestor a folder.
void check_folder(const fs::path& folder, std::string_view option) {
    std::error_code ec;
    fs::path probe = folder.empty() ? fs::path(".") : folder;
    const auto status = fs::status(probe, ec);
    if (fs::exists(status)) {
        if (!fs::is_directory(status))
            throw InputError(std::string(option), quoted(folder) + " exists and is not a folder");
        if (::access(probe.c_str(), W_OK | X_OK) != 0)
            throw InputError(std::string(option), "cannot write into folder " + quoted(folder) + ": " + std::strerror(errno));
        return;
    }
    for (fs::path parent = probe.parent_path(); !parent.empty(); parent = parent.parent_path()) {
        const auto s = fs::status(parent, ec);
        if (!fs::exists(s)) {
            if (parent == parent.parent_path()) break;
            continue;
        }
        if (!fs::is_directory(s))
            throw InputError(std::string(option), "cannot create folder " + quoted(folder) + ": " + quoted(parent) +
                                                      " is a file, not a folder");
        if (::access(parent.c_str(), W_OK | X_OK) != 0)
            throw InputError(std::string(option), "cannot create folder " + quoted(folder) + ": " + std::strerror(errno));
        return;
    }
}

/// Every target name can take a file: absent, or an existing regular file (or link to one).
void check_targets(const std::vector<OutputFile>& files) {
    for (const auto& f : files) {
        std::error_code ec;
        const fs::path target = f.folder / f.name;
        const auto s = fs::status(target, ec);
        if (fs::exists(s) && !fs::is_regular_file(s))
            throw InputError(f.option, "cannot write " + quoted(target) + ": a folder or special file of that name is in the way");
    }
}

void write_fully(int fd, const std::string& bytes) {
    const char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category());
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) throw std::system_error(errno, std::generic_category());
}

void fsync_folder(const fs::path& folder) {
    Fd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() >= 0) (void)::fsync(fd.get());
}

}  // namespace

void OutputSet::add(const fs::path& folder, std::string option, std::string name, std::string bytes) {
    files_.push_back({folder.empty() ? fs::path(".") : folder, std::move(option), std::move(name), std::move(bytes)});
}

void check_output_folder(const fs::path& folder, std::string_view option) { check_folder(folder, option); }

std::vector<fs::path> OutputSet::write() const {
    // ---- 1. check names, folders and targets before touching anything
    std::set<std::string> seen;
    for (const auto& f : files_) {
        check_name(f);
        const std::string key = fs::weakly_canonical(f.folder / f.name).string();
        if (!seen.insert(key).second)
            throw InputError(f.option, "two outputs would both be written to " + quoted(f.folder / f.name));
    }
    std::map<std::string, fs::path> folders;  // sorted: locks are always taken in the same order
    std::map<std::string, std::string> option_of;
    for (const auto& f : files_) {
        check_folder(f.folder, f.option);
        const std::string key = fs::weakly_canonical(f.folder).string();
        folders.emplace(key, f.folder);
        option_of.emplace(key, f.option);
    }
    check_targets(files_);

    // ---- 2. create folders, write temporaries
    std::vector<fs::path> created;  // folders this call created, deepest last
    std::vector<fs::path> temporaries(files_.size());
    std::vector<fs::path> backups(files_.size());
    auto cleanup = [&] {
        std::error_code ignored;
        for (const auto& t : temporaries)
            if (!t.empty()) fs::remove(t, ignored);
        for (const auto& b : backups)
            if (!b.empty()) fs::remove(b, ignored);
        for (auto it = created.rbegin(); it != created.rend(); ++it) fs::remove(*it, ignored);  // only if empty
    };
    try {
        for (const auto& [key, folder] : folders) {
            std::vector<fs::path> missing;
            for (fs::path p = folder; !p.empty() && !fs::exists(p); p = p.parent_path()) {
                missing.push_back(p);
                if (p == p.parent_path()) break;
            }
            for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
                std::error_code ec;
                if (fs::create_directory(*it, ec)) created.push_back(*it);
                else if (ec) throw InputError(option_of[key], "cannot create folder " + quoted(*it) + ": " + ec.message());
            }
        }
        const std::string tag = unique_tag();
        for (std::size_t i = 0; i < files_.size(); ++i) {
            const auto& f = files_[i];
            const fs::path tmp = f.folder / (temporary_prefix(f.name) + tag);
            Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
            if (fd.get() < 0)
                throw InputError(f.option, "cannot write " + quoted(f.folder / f.name) + ": " + std::strerror(errno));
            temporaries[i] = tmp;
            try {
                write_fully(fd.get(), f.bytes);
            } catch (const std::system_error& e) {
                throw InputError(f.option, "cannot write " + quoted(f.folder / f.name) + ": " + e.code().message());
            }
            if (::close(fd.release()) != 0)
                throw InputError(f.option, "cannot write " + quoted(f.folder / f.name) + ": " + std::strerror(errno));
            if (output_testing::after_temporary_written) output_testing::after_temporary_written(i);
        }

        // ---- 3. lock every folder, re-check, back up what is replaced, rename
        std::vector<Fd> locks;
        for (const auto& [key, folder] : folders) {
            Fd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (fd.get() < 0)
                throw InputError(option_of[key], "cannot open folder " + quoted(folder) + ": " + std::strerror(errno));
            while (::flock(fd.get(), LOCK_EX) != 0)
                if (errno != EINTR)
                    throw InputError(option_of[key], "cannot lock folder " + quoted(folder) + ": " + std::strerror(errno));
            locks.push_back(std::move(fd));
        }
        for (const auto& f : files_) remove_stale(f.folder, f.name);
        check_targets(files_);
        for (std::size_t i = 0; i < files_.size(); ++i) {
            const auto& f = files_[i];
            const fs::path target = f.folder / f.name;
            if (!fs::exists(fs::symlink_status(target))) continue;
            const fs::path backup = f.folder / (backup_prefix(f.name) + tag);
            if (::link(target.c_str(), backup.c_str()) != 0)
                throw InputError(f.option, "cannot replace " + quoted(target) + ": " + std::strerror(errno));
            backups[i] = backup;
        }
        for (std::size_t i = 0; i < files_.size(); ++i) {
            const auto& f = files_[i];
            const fs::path target = f.folder / f.name;
            if (::rename(temporaries[i].c_str(), target.c_str()) != 0) {
                const int error = errno;
                // Put back what was already replaced: the folders end as they were.
                for (std::size_t j = 0; j < i; ++j) {
                    const fs::path done = files_[j].folder / files_[j].name;
                    if (!backups[j].empty()) {
                        if (::rename(backups[j].c_str(), done.c_str()) == 0) backups[j].clear();
                    } else {
                        ::unlink(done.c_str());
                    }
                }
                throw InputError(f.option, "cannot write " + quoted(target) + ": " + std::strerror(error));
            }
            temporaries[i].clear();
        }
        for (auto& b : backups) {
            if (!b.empty()) ::unlink(b.c_str());
            b.clear();
        }
        for (const auto& [key, folder] : folders) fsync_folder(folder);
    } catch (...) {
        cleanup();
        throw;
    }
    std::vector<fs::path> written;
    for (const auto& f : files_) written.push_back(f.folder / f.name);
    return written;
}

}  // namespace pftoken
