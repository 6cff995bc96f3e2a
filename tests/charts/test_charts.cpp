// Chart functions: each produces well-formed SVG with the requested size, its title and axis
// labels, and one plot group per series; bad data is an InputError naming the field.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

#include "pftoken/charts/charts.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/error.hpp"

namespace pc = pftoken::charts;

namespace {

/// Tiny XML check: tags nest and close in order (comments, <?...?>, <!...> and CDATA skipped).
::testing::AssertionResult well_formed(const std::string& xml) {
    std::vector<std::string> open;
    for (std::size_t i = xml.find('<'); i != std::string::npos; i = xml.find('<', i)) {
        if (xml.compare(i, 4, "<!--") == 0) {
            i = xml.find("-->", i);
            if (i == std::string::npos) return ::testing::AssertionFailure() << "unclosed comment";
            continue;
        }
        if (xml.compare(i, 9, "<![CDATA[") == 0) {
            i = xml.find("]]>", i);
            if (i == std::string::npos) return ::testing::AssertionFailure() << "unclosed CDATA";
            continue;
        }
        const std::size_t end = xml.find('>', i);
        if (end == std::string::npos) return ::testing::AssertionFailure() << "unclosed tag at " << i;
        const std::string tag = xml.substr(i + 1, end - i - 1);
        i = end + 1;
        if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
        if (tag[0] == '/') {
            const std::string name = tag.substr(1, tag.find_first_of(" \t\n") - 1);
            if (open.empty() || open.back() != name)
                return ::testing::AssertionFailure() << "</" << name << "> closes <" << (open.empty() ? "" : open.back()) << ">";
            open.pop_back();
        } else if (tag.back() != '/') {
            open.push_back(tag.substr(0, tag.find_first_of(" \t\n")));
        }
    }
    if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> never closed";
    return ::testing::AssertionSuccess();
}

double attribute(const std::string& svg, const std::string& name) {
    const auto root = svg.find("<svg");
    const auto at = svg.find(' ' + name + "=\"", root);
    if (root == std::string::npos || at == std::string::npos) return 0.0;
    return std::stod(svg.substr(at + name.size() + 3));
}

int plot_groups(const std::string& svg) {
    int n = 0;
    for (std::size_t i = svg.find("gnuplot_plot_"); i != std::string::npos; i = svg.find("gnuplot_plot_", i + 1))
        if (i >= 4 && (svg.compare(i - 4, 4, "id=\"") == 0 || svg.compare(i - 4, 4, "id='") == 0)) ++n;
    return n;
}

void expect_chart(const std::string& svg, const std::vector<std::string>& texts, int series, int width = 900,
                  int height = 480) {
    ASSERT_NE(svg.find("<svg"), std::string::npos);
    EXPECT_TRUE(well_formed(svg));
    EXPECT_EQ(attribute(svg, "width"), width);
    EXPECT_EQ(attribute(svg, "height"), height);
    for (const auto& t : texts) EXPECT_NE(svg.find(t), std::string::npos) << "missing text: " << t;
    EXPECT_EQ(plot_groups(svg), series);
}

template <class F>
void expect_input_error(F&& f, const std::string& message) {
    try {
        f();
        ADD_FAILURE() << "no error, expected: " << message;
    } catch (const pftoken::InputError& e) {
        EXPECT_EQ(std::string(e.what()), message);
    }
}

}  // namespace

TEST(Charts, Waterfall) {
    pc::WaterfallChart d;
    d.y_label = "Cash per period (USD)";
    d.x = {1.0, 1.5, 2.0};
    d.uses = {{"Interest", {5, 4, 3}}, {"Principal", {10, 10, 10}}, {"Distributions", {2, 3, 4}}};
    d.cfads = {17, 17, 17};
    expect_chart(pc::waterfall_chart(d), {d.title, d.x_label, d.y_label, "Interest", "Distributions", "CFADS"}, 4);
    d.cfads.pop_back();
    expect_input_error([&] { (void)pc::waterfall_chart(d); }, "waterfall.cfads: must have 3 values (one per x), got 2");
}

TEST(Charts, CoverageWithThresholds) {
    pc::CoverageChart d;
    d.x = {1, 2, 3, 4};
    d.dscr = {1.3, 1.05, std::nan(""), 1.4};
    d.llcr = {1.5, 1.45, 1.4, 1.4};
    expect_chart(pc::coverage_chart(d), {d.title, d.x_label, d.y_label, "DSCR", "LLCR", "Lock-up 1.10x", "Default 1.00x"}, 4);
}

TEST(Charts, FanWithAndWithoutInnerBand) {
    pc::FanChart d;
    d.title = "DSCR fan";
    d.y_label = "DSCR (x)";
    d.x = {1, 2, 3};
    d.p5 = {1.0, 1.1, 1.2};
    d.p50 = {1.3, 1.4, 1.5};
    d.p95 = {1.6, 1.7, 1.8};
    expect_chart(pc::fan_chart(d), {"DSCR fan", "DSCR (x)", "Median"}, 2);
    d.p25 = {1.2, 1.3, 1.4};
    d.p75 = {1.4, 1.5, 1.6};
    expect_chart(pc::fan_chart(d), {"DSCR fan", "P25–P75"}, 3);
    d.p75.clear();
    expect_input_error([&] { (void)pc::fan_chart(d); }, "fan.p75: must have 3 values (one per x), got 0");
}

TEST(Charts, LossWithVarAndCvar) {
    pc::LossChart d;
    d.tranches = {{"SNR", {0.5, 0.9, 0.95, 0.99}, {0.0, 1.0, 2.0, 5.0}, 2.0, 3.5},
                  {"MEZ", {0.5, 0.9, 0.95, 0.99}, {0.5, 4.0, 8.0, 20.0}, 8.0, 12.0}};
    expect_chart(pc::loss_chart(d), {d.title, d.x_label, d.y_label, "SNR", "MEZ", "VaR 95%", "CVaR 95%"}, 4);
}

TEST(Charts, Tornado) {
    pc::TornadoChart d;
    d.bars = {{"Price ±10%", -3.0, 3.0}, {"Opex ±10%", 1.0, -1.0}, {"Volume ±10%", -2.0, 2.0}};
    expect_chart(pc::tornado_chart(d), {d.title, d.x_label, "Price ±10%", "Opex ±10%", "Input down", "Input up"}, 2);
}

TEST(Charts, StressBars) {
    pc::BarChart d;
    d.y_label = "Change vs base (%)";
    d.categories = {"price -20%", "opex +15%", "delay 6m"};
    d.series = {{"Equity value", {-30, -12, -8}}, {"Min DSCR", {-18, -5, 0}}};
    expect_chart(pc::bar_chart(d), {d.title, d.y_label, "price -20%", "delay 6m", "Equity value", "Min DSCR"}, 2);
    d.series[1].values.pop_back();
    expect_input_error([&] { (void)pc::bar_chart(d); }, "bars.series[1].values: must have 3 values (one per x), got 2");
}

TEST(Charts, LiquidityAndHeatmap) {
    const std::vector<pftoken::amm::analytics::LiquidityBand> bands{{-600, -60, 1e6}, {-60, 60, 3e6}, {60, 600, 1e6}};
    const auto l = pc::liquidity_from(bands, 0);
    ASSERT_EQ(l.liquidity.size(), 3u);
    expect_chart(pc::liquidity_chart(l), {l.title, l.x_label, l.y_label, "Current tick 0"}, 2);

    pc::HeatmapChart h;
    h.x = {0, 1, 2};
    h.ticks = {-60, 0, 60};
    h.z = {1, 2, 1, 1, 3, 1, 0, 2, 2};
    expect_chart(pc::heatmap_chart(h), {h.title, h.x_label, h.y_label, h.z_label}, 1);
    h.z.pop_back();
    expect_input_error([&] { (void)pc::heatmap_chart(h); }, "heatmap.z: must have 9 values (one per x), got 8");
}

TEST(Charts, FrontierWithChosenRange) {
    pc::FrontierChart d;
    d.risk = {1.0, 2.0, 3.0};
    d.reward = {0.5, 0.9, 1.1};
    d.chosen_risk = 2.0;
    d.chosen_reward = 0.9;
    expect_chart(pc::frontier_chart(d, {640, 400, pc::ImageFormat::Svg}),
                 {d.title, d.x_label, d.y_label, "Chosen range", "Best range per width"}, 2, 640, 400);
}

TEST(Charts, LinesWithGaps) {
    pc::LineChart d{"Equity per unit of capital", "Days", "Equity / initial", {0, 1, 2, 3}, {}};
    d.series = {{"lending", {1.0, 1.001, 1.002, 1.003}}, {"staking", {1.0, std::nan(""), 0.99, 1.01}}};
    expect_chart(pc::line_chart(d), {d.title, d.x_label, d.y_label, "lending", "staking"}, 2);
    d.series[0].values.pop_back();
    expect_input_error([&] { (void)pc::line_chart(d); }, "lines.series[0].values: must have 4 values (one per x), got 3");
}

TEST(Charts, PngSignature) {
    pc::FrontierChart d;
    d.risk = {1.0, 2.0};
    d.reward = {0.5, 0.9};
    const std::string png = pc::frontier_chart(d, {400, 300, pc::ImageFormat::Png});
    ASSERT_GT(png.size(), 8u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST(Charts, OptionsValidated) {
    pc::FrontierChart d;
    d.risk = {1.0};
    d.reward = {1.0};
    try {
        (void)pc::frontier_chart(d, {10, 300, pc::ImageFormat::Svg});
        ADD_FAILURE() << "no error";
    } catch (const pftoken::Error& e) {
        EXPECT_EQ(std::string(e.what()), "width: must be in [100, 10000], got 10");
    }
}

TEST(Charts, InlineSvgPrefixesIds) {
    const std::string svg = "<?xml version=\"1.0\"?>\n<svg id='a'><g clip-path=\"url(#gpClip)\"><use xlink:href='#gpPt1'/></g></svg>";
    EXPECT_EQ(pc::inline_svg(svg, "c1_"), "<svg id='c1_a'><g clip-path=\"url(#c1_gpClip)\"><use xlink:href='#c1_gpPt1'/></g></svg>");
}

// Percentiles of the fan: Hyndman and Fan (1996) type 7, R's default:
// quantile(c(1,2,3,4,5), c(.05,.25,.5,.75,.95)) = 1.2 2 3 4 4.8.
TEST(Charts, FanFromPathsIsType7) {
    const std::vector<double> x{1.0, 2.0};
    const std::vector<double> values{3, 10, 1, 0, 5, 99, 2, 99, 4, 99};  // 5 paths x 2 periods, path-major
    const auto fan = pc::fan_from_paths(values, 5, x);
    EXPECT_DOUBLE_EQ(fan.p5[0], 1.2);
    EXPECT_DOUBLE_EQ(fan.p25[0], 2.0);
    EXPECT_DOUBLE_EQ(fan.p50[0], 3.0);
    EXPECT_DOUBLE_EQ(fan.p75[0], 4.0);
    EXPECT_DOUBLE_EQ(fan.p95[0], 4.8);
    // Period 2 holds {10, 0, 99, 99, 99}: R gives 2, 99, 99, 99, 99.
    EXPECT_DOUBLE_EQ(fan.p5[1], 2.0);
    EXPECT_DOUBLE_EQ(fan.p50[1], 99.0);
    EXPECT_THROW((void)pc::fan_from_paths(values, 4, x), pftoken::Error);
}

// Adapters and --plots on the shipped example: one point per operating period, the covenant
// thresholds of the project file, and the files written.
TEST(ChartsPlots, ValuePlotsOfTheSolarExample) {
    const auto project = pftoken::load_project(std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/solar.yaml");
    const auto result = pftoken::value(project);
    const auto w = pc::waterfall_from(result);
    EXPECT_EQ(w.x.size(), static_cast<std::size_t>(result.grid.operating_periods));
    EXPECT_EQ(w.uses.size(), 7u);
    const auto c = pc::coverage_from(result, project.covenants);
    EXPECT_EQ(c.lockup_level, project.covenants.lockup_dscr);
    EXPECT_EQ(c.default_level, project.covenants.default_dscr);
    const auto dir = std::filesystem::temp_directory_path() / ("pftoken-plots-test-" + std::to_string(::getpid()));
    const auto files = pc::write_value_plots(dir, project, result);
    ASSERT_EQ(files.size(), 2u);
    for (const auto& f : files) {
        std::ifstream in(f);
        const std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_TRUE(well_formed(svg)) << f;
    }
    std::filesystem::remove_all(dir);
}
