#pragma once
// The one all-or-nothing output writer every command uses (`--out`, `--plots`, report files).
//
// Everything is rendered in memory first and handed over as (folder, name, bytes). write():
//  1. checks every folder and target name (a folder where a file should go, a path through a
//     file, an unwritable folder: InputError naming the option, nothing written);
//  2. writes each file to a unique temporary name in its target folder (".NAME.tmp-PID-RANDOM",
//     O_EXCL) and fsyncs it;
//  3. takes an exclusive lock (flock) on every target folder, re-checks the targets, keeps a
//     hard-linked backup of every file it replaces and renames the temporaries over the final
//     names; if a rename fails the replaced files are restored;
//  4. on any failure removes every temporary (and the folders it created), so each folder is
//     left exactly as it was.
// A killed process leaves at most hidden temporaries, never a cut-short file under a final name
// (the next write into the folder removes temporaries of processes that no longer exist). Two
// processes writing the same folder never mix their files: the rename phases are serialised.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pftoken {

/// One file to write: the folder, the option that named it (for messages), its name and bytes.
struct OutputFile {
    std::filesystem::path folder;
    std::string option;  ///< "--out", "--plots", ...
    std::string name;    ///< a plain file name (no '/')
    std::string bytes;
};

/// Collects rendered files, then writes them all or none.
class OutputSet {
  public:
    void add(const std::filesystem::path& folder, std::string option, std::string name, std::string bytes);
    [[nodiscard]] bool empty() const noexcept { return files_.empty(); }
    [[nodiscard]] const std::vector<OutputFile>& files() const noexcept { return files_; }
    /// Writes every file (see the header comment); returns the final paths in the order added.
    /// Throws InputError (naming the option and the path) when a target cannot be written; the
    /// folders are then as they were.
    std::vector<std::filesystem::path> write() const;

  private:
    std::vector<OutputFile> files_;
};

/// Checks before any long computation that `folder` can be an output folder: it is a folder or
/// can be created (no path component is a file). Throws InputError naming `option`.
void check_output_folder(const std::filesystem::path& folder, std::string_view option);

namespace output_testing {
/// Called after each temporary file is fully written (index in the set); for tests that kill
/// the writer half-way. nullptr in normal use.
extern void (*after_temporary_written)(std::size_t index);
}  // namespace output_testing

}  // namespace pftoken
