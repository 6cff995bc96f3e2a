// pftoken/base/output.hpp: all-or-nothing writes. Blocked names, paths through a file, a writer
// killed half-way and two processes writing one folder.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pftoken/base/output.hpp"
#include "pftoken/error.hpp"
#include "support/gtest_extra.hpp"

using namespace pftoken;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("pftoken_output_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::set<std::string> listing(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

}  // namespace

TEST(Output, WritesEveryFileAndReplacesOldOnes) {
    const fs::path dir = fresh_dir("ok");
    write_text(dir / "a.csv", "old");
    OutputSet out;
    out.add(dir / "new" / "deeper", "--out", "x.csv", "1\n");
    out.add(dir, "--out", "a.csv", "new a");
    const auto written = out.write();
    ASSERT_EQ(written.size(), 2U);
    EXPECT_EQ(read(dir / "new" / "deeper" / "x.csv"), "1\n");
    EXPECT_EQ(read(dir / "a.csv"), "new a");
    EXPECT_EQ(listing(dir), (std::set<std::string>{"a.csv", "new"}));
    fs::remove_all(dir);
}

TEST(Output, BlockedNameLeavesTheFolderAsItWas) {
    const fs::path dir = fresh_dir("blocked");
    write_text(dir / "a.csv", "old");
    fs::create_directory(dir / "b.csv");  // a folder where a file should go
    OutputSet out;
    out.add(dir, "--out", "a.csv", "new");
    out.add(dir, "--out", "b.csv", "new");
    out.add(dir / "created", "--plots", "c.svg", "<svg/>");
    try {
        (void)out.write();
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(e.field(), "--out");
        EXPECT_NE(std::string(e.what()).find("b.csv': a folder or special file of that name is in the way"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(read(dir / "a.csv"), "old");
    EXPECT_EQ(listing(dir), (std::set<std::string>{"a.csv", "b.csv"}));
    fs::remove_all(dir);
}

TEST(Output, PathThroughAFileIsAnInputError) {
    const fs::path dir = fresh_dir("through");
    write_text(dir / "afile", "x");
    EXPECT_THROW_MSG(check_output_folder(dir / "afile" / "sub", "--out"), InputError,
                     "afile' is a file, not a folder");
    OutputSet out;
    out.add(dir / "afile" / "sub", "--out", "a.csv", "x");
    EXPECT_THROW_MSG((void)out.write(), InputError, "--out: cannot create folder ",
                     "afile' is a file, not a folder");
    EXPECT_THROW_MSG(check_output_folder(dir / "afile", "--out"), InputError,
                     "--out: ", "afile' exists and is not a folder");
    EXPECT_EQ(listing(dir), (std::set<std::string>{"afile"}));
    fs::remove_all(dir);
}

TEST(Output, KilledWriterLeavesNoFileUnderAFinalName) {
    const fs::path dir = fresh_dir("killed");
    write_text(dir / "a.csv", "old");
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        output_testing::after_temporary_written = [](std::size_t index) {
            if (index == 1) ::raise(SIGKILL);  // kill -9 after two of three files are written
        };
        OutputSet out;
        out.add(dir, "--out", "a.csv", std::string(1 << 20, 'a'));
        out.add(dir, "--out", "b.csv", std::string(1 << 20, 'b'));
        out.add(dir, "--out", "c.csv", std::string(1 << 20, 'c'));
        (void)out.write();
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    EXPECT_EQ(read(dir / "a.csv"), "old");
    EXPECT_FALSE(fs::exists(dir / "b.csv"));
    EXPECT_FALSE(fs::exists(dir / "c.csv"));
    // Only hidden temporaries remain; the next write into the folder removes them.
    for (const auto& name : listing(dir)) EXPECT_TRUE(name == "a.csv" || name.find(".tmp-") != std::string::npos) << name;
    OutputSet again;
    again.add(dir, "--out", "a.csv", "A");
    again.add(dir, "--out", "b.csv", "B");
    (void)again.write();
    EXPECT_EQ(listing(dir), (std::set<std::string>{"a.csv", "b.csv"}));
    fs::remove_all(dir);
}

TEST(Output, ConcurrentWritersNeverMixFiles) {
    const fs::path dir = fresh_dir("concurrent");
    constexpr int kRounds = 60;
    pid_t children[2];
    for (int w = 0; w < 2; ++w) {
        children[w] = ::fork();
        ASSERT_GE(children[w], 0);
        if (children[w] == 0) {
            for (int round = 0; round < kRounds; ++round) {
                const std::string tag = std::to_string(w) + ":" + std::to_string(round);
                OutputSet out;
                for (const char* name : {"a.csv", "b.csv", "c.json"}) out.add(dir, "--out", name, tag);
                (void)out.write();
            }
            ::_exit(0);
        }
    }
    // Read the set under the same lock the writers take: every snapshot is one writer's set.
    for (int i = 0; i < 200; ++i) {
        const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::flock(fd, LOCK_SH), 0);
        if (fs::exists(dir / "a.csv")) {
            const std::string a = read(dir / "a.csv");
            EXPECT_EQ(read(dir / "b.csv"), a);
            EXPECT_EQ(read(dir / "c.json"), a);
        }
        ::close(fd);
    }
    for (const pid_t c : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(c, &status, 0), c);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    EXPECT_EQ(listing(dir), (std::set<std::string>{"a.csv", "b.csv", "c.json"}));
    const std::string a = read(dir / "a.csv");
    EXPECT_EQ(read(dir / "b.csv"), a);
    EXPECT_EQ(read(dir / "c.json"), a);
    fs::remove_all(dir);
}
