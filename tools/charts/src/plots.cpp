// --plots DIR: draw every chart first, then write the files (temporary names, renamed at the end).
#include "pftoken/charts/plots.hpp"

#include <cmath>
#include <fstream>
#include <utility>

#include <unistd.h>

#include <fmt/format.h>

#include "pftoken/charts/charts.hpp"
#include "pftoken/error.hpp"

namespace pftoken::charts {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> write_all(const fs::path& dir, const std::vector<std::pair<std::string, std::string>>& files) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError("--plots", "cannot create folder '" + dir.string() + "': " + ec.message());
    std::vector<fs::path> temporaries, written;
    auto cleanup = [&] {
        std::error_code ignored;
        for (const auto& t : temporaries) fs::remove(t, ignored);
    };
    for (const auto& [name, bytes] : files) {
        const fs::path tmp = dir / fmt::format(".{}.tmp-{}", name, static_cast<long>(::getpid()));
        temporaries.push_back(tmp);
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << bytes;
        out.close();
        if (!out) {
            cleanup();
            throw InputError("--plots", "cannot write '" + tmp.string() + "'");
        }
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        written.push_back(dir / files[i].first);
        fs::rename(temporaries[i], written.back(), ec);
        if (ec) {
            cleanup();
            throw InputError("--plots", "cannot write '" + written.back().string() + "': " + ec.message());
        }
    }
    return written;
}

}  // namespace

std::vector<std::filesystem::path> write_value_plots(const std::filesystem::path& dir, const Project& project,
                                                     const ValuationResult& result) {
    std::vector<std::pair<std::string, std::string>> files;
    files.emplace_back("waterfall.svg", waterfall_chart(waterfall_from(result)));
    files.emplace_back("coverage.svg", coverage_chart(coverage_from(result, project.covenants)));
    return write_all(dir, files);
}

std::vector<std::filesystem::path> write_mc_plots(const std::filesystem::path& dir, const mc::ProjectMcSummary& summary) {
    std::vector<std::pair<std::string, std::string>> files;
    files.emplace_back("dscr_fan.svg", fan_chart(dscr_fan_from(summary)));
    const auto loss = loss_from(summary);
    if (!loss.tranches.empty()) files.emplace_back("loss.svg", loss_chart(loss));
    if (!summary.tranches.empty() && std::isfinite(summary.tranches[0].price_delta))
        files.emplace_back("tornado.svg", tornado_chart(tornado_from(summary, 0)));
    return write_all(dir, files);
}

}  // namespace pftoken::charts
