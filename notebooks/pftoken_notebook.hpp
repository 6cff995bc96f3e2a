#pragma once
// Notebook helper: shows an SVG chart inline under xeus-cling, and as one line of text under
// clang-repl (which has no display channel), where the runner can still pick the image up.
//
// Under xeus-cling (__CLING__ is defined) the SVG goes out as an image/svg+xml mime bundle via
// xcpp::display. Under clang-repl, show_svg prints "chart: NAME (SVG, N bytes)" and, when the
// environment variable PFTOKEN_NOTEBOOK_CHART_DIR names a folder (tools/run_notebooks.py sets
// it), writes NAME.svg there and announces it on stderr so `run_notebooks.py --write-outputs`
// stores the image in the notebook as display_data. Nothing here is needed by the library.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#ifdef __CLING__
#include <nlohmann/json.hpp>

#include "xcpp/xdisplay.hpp"
#endif

namespace pftoken_notebook {

/// An SVG document to display.
struct SvgImage {
    std::string svg;
};

#ifdef __CLING__
/// xeus-cling finds this by argument-dependent lookup when displaying an SvgImage.
inline nlohmann::json mime_bundle_repr(const SvgImage& image) {
    auto bundle = nlohmann::json::object();
    bundle["image/svg+xml"] = image.svg;
    return bundle;
}
#endif

/// Shows `svg` inline (xeus-cling) or reports it as text (clang-repl); `name` is a file stem.
inline void show_svg(const std::string& name, const std::string& svg) {
#ifdef __CLING__
    xcpp::display(SvgImage{svg});
#else
    std::cout << "chart: " << name << " (SVG, " << svg.size() << " bytes)\n";
    if (const char* dir = std::getenv("PFTOKEN_NOTEBOOK_CHART_DIR"); dir != nullptr && *dir != '\0') {
        const std::string path = std::string(dir) + "/" + name + ".svg";
        std::ofstream(path, std::ios::binary) << svg;
        std::cout.flush();
        std::fprintf(stderr, "\n@@PFTOKEN-DISPLAY image/svg+xml %s@@\n", path.c_str());
    }
#endif
}

}  // namespace pftoken_notebook
