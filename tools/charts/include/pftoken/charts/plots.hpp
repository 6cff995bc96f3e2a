#pragma once
// `--plots DIR` for the tools: writes the charts of one result as SVG files into DIR.

#include <filesystem>
#include <string>
#include <vector>

#include "pftoken/mc/project_mc.hpp"
#include "pftoken/model/project.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::charts {

/// waterfall.svg and coverage.svg of a valuation (needs the per-period table). Every chart is
/// drawn before anything is written; returns the paths written.
std::vector<std::filesystem::path> write_value_plots(const std::filesystem::path& dir, const Project& project,
                                                     const ValuationResult& result);

/// dscr_fan.svg, loss.svg and (when sensitivities were run) tornado.svg of a Monte Carlo run.
std::vector<std::filesystem::path> write_mc_plots(const std::filesystem::path& dir, const mc::ProjectMcSummary& summary);

}  // namespace pftoken::charts
