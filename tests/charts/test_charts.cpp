// Chart functions: each produces well-formed SVG with the requested size, its title and axis
// labels, and one plot group per series; bad data is an InputError naming the field.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

#include <fmt/format.h>

#include "pftoken/charts/charts.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/yield/market_data.hpp"
#include "pftoken/integration/yield/spec.hpp"
#include "pftoken/model/loader.hpp"
#include "support/gtest_extra.hpp"

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

/// The text of every <text> element (tspans joined), in document order.
std::vector<std::string> svg_texts(const std::string& svg) {
    std::vector<std::string> out;
    for (std::size_t i = svg.find("<text"); i != std::string::npos; i = svg.find("<text", i + 1)) {
        const std::size_t end = svg.find("</text>", i);
        if (end == std::string::npos) break;
        std::string text;
        bool in_tag = false;
        for (std::size_t k = svg.find('>', i) + 1; k < end; ++k) {
            if (svg[k] == '<') in_tag = true;
            else if (in_tag) in_tag = svg[k] != '>';
            else if (!in_tag && svg[k] != '\n' && svg[k] != '\t') text += svg[k];
        }
        for (const auto& [entity, c] : {std::pair{"&gt;", ">"}, {"&lt;", "<"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}})
            for (std::size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1))
                text.replace(at, std::string_view(entity).size(), c);
        out.push_back(text);
    }
    return out;
}

bool has_text(const std::string& svg, const std::string& text) {
    const auto all = svg_texts(svg);
    return std::find(all.begin(), all.end(), text) != all.end();
}

/// gnuplot's enhanced text turns '_' and '^' into sub- and superscripts: <tspan ... dy=...>.
bool has_shifted_text(const std::string& svg) {
    for (std::size_t i = svg.find("<tspan"); i != std::string::npos; i = svg.find("<tspan", i + 1)) {
        const std::size_t end = svg.find('>', i);
        if (svg.substr(i, end - i).find("dy=") != std::string::npos) return true;
    }
    return false;
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
    EXPECT_THROW_MSG((void)pc::waterfall_chart(d), pftoken::InputError,
                     "waterfall.cfads: must have 3 values (one per x), got 2");
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
    EXPECT_THROW_MSG((void)pc::fan_chart(d), pftoken::InputError,
                     "fan.p75: must have 3 values (one per x), got 0");
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
    EXPECT_THROW_MSG((void)pc::bar_chart(d), pftoken::InputError,
                     "bars.series[1].values: must have 3 values (one per x), got 2");
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
    EXPECT_THROW_MSG((void)pc::heatmap_chart(h), pftoken::InputError,
                     "heatmap.z: must have 9 values (one per x), got 8");
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
    EXPECT_THROW_MSG((void)pc::line_chart(d), pftoken::InputError,
                     "lines.series[0].values: must have 4 values (one per x), got 3");
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
    EXPECT_THROW_MSG((void)pc::frontier_chart(d, {10, 300, pc::ImageFormat::Svg}), pftoken::Error,
                     "width: must be in [100, 10000], got 10");
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
    EXPECT_THROW_MSG((void)pc::fan_from_paths(values, 4, x), pftoken::Error,
                     "fan_from_paths: values must hold paths x periods = 8 numbers, got 10");
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

// ---- issue 13 section 6: charts fit for a credit committee. Each test fails on the charts before
// (enhanced text, gnuplot's own tics, a DSCR fan over any share of paths, a tornado without units).

TEST(ChartsCommittee, ScenarioLabelsArePrintedLiterally) {
    pc::BarChart d;
    d.y_label = "Change vs base (%)";
    d.categories = {"merchant_price_down_20", "p90_volume", "capex_overrun_15", "distressed_exit"};
    d.series = {{"Equity value change (%)", {-10, -26, -14, -27}}, {"Min DSCR change (%)", {-90, -12, 0, -27}}};
    const std::string svg = pc::bar_chart(d);
    for (const auto& c : d.categories) EXPECT_TRUE(has_text(svg, c)) << "label not literal: " << c;
    EXPECT_FALSE(has_shifted_text(svg));  // no subscripts
    // '^' stays literal too (a heatmap's tick label "1.0001^tick").
    pc::HeatmapChart h;
    h.y_label = "Tick (price = 1.0001^tick)";
    h.x = {0, 1};
    h.ticks = {-60, 0};
    h.z = {1, 2, 2, 1};
    const std::string map = pc::heatmap_chart(h);
    EXPECT_TRUE(has_text(map, "Tick (price = 1.0001^tick)"));
    EXPECT_FALSE(has_shifted_text(map));
}

TEST(ChartsCommittee, NiceTicksOneUnitPerAxis) {
    // 0 .. 1.13e6 in about six steps: 1, 2 or 5 x 10^k -> 200,000; labels in millions.
    const auto m = pc::nice_ticks(0.0, 1.13e6, pc::AxisKind::Money);
    EXPECT_DOUBLE_EQ(m.lo, 0.0);
    EXPECT_DOUBLE_EQ(m.hi, 1.2e6);
    EXPECT_EQ(m.labels, (std::vector<std::string>{"0.0", "0.2m", "0.4m", "0.6m", "0.8m", "1.0m", "1.2m"}));
    // Per-token amounts below a million: whole units with separators.
    const auto t = pc::nice_ticks(-76.6, 76.6, pc::AxisKind::Money);
    EXPECT_EQ(t.labels.front(), "-80");
    EXPECT_EQ(t.labels.back(), "80");
    const auto big = pc::nice_ticks(0.0, 4.5e9, pc::AxisKind::Money);
    EXPECT_EQ(big.labels.back(), "5bn");
    const auto l = pc::nice_ticks(0.0, 4.3e6, pc::AxisKind::Number);
    EXPECT_EQ(l.labels.back(), "5,000,000");
    const auto flat = pc::nice_ticks(2.0, 2.0, pc::AxisKind::Number);  // one value: a band around it
    EXPECT_LT(flat.lo, 2.0);
    EXPECT_GT(flat.hi, 2.0);
}

TEST(ChartsCommittee, MoneyAxesHaveNoRawOrScientificNumbers) {
    pc::WaterfallChart d;
    d.y_label = "Cash per period (USD)";
    d.x = {1.0, 1.5, 2.0};
    d.uses = {{"Interest", {380000, 370000, 360000}}, {"Principal", {140000, 150000, 160000}},
              {"Distributions", {330000, 500000, 600000}}};
    d.cfads = {850000, 1020000, 1120000};
    const std::string svg = pc::waterfall_chart(d);
    EXPECT_TRUE(has_text(svg, "1.2m"));
    EXPECT_TRUE(has_text(svg, "0.6m"));
    for (const auto& text : svg_texts(svg)) {
        EXPECT_EQ(text.find("×10"), std::string::npos) << text;
        EXPECT_EQ(text.find("e+0"), std::string::npos) << text;
        EXPECT_NE(text, "1200000");
        EXPECT_NE(text, "1e+06");
    }
    EXPECT_FALSE(has_shifted_text(svg));  // the old "1.2×10^6" put the 6 in a superscript tspan
}

namespace {

/// A Monte Carlo summary with four periods: all paths carry debt in the first two, 40% in the
/// third, 1% in the fourth (its DSCR percentiles come from four paths).
pftoken::mc::ProjectMcSummary summary_with_thinning_debt() {
    pftoken::mc::ProjectMcSummary s;
    s.paths = 400;
    auto& p = s.per_period;
    p.time = {1, 2, 3, 4};
    p.dscr_p5 = {1.2, 1.3, 1.1, 0.1};
    p.dscr_p50 = {1.5, 1.6, 1.9, 9.0};
    p.dscr_p95 = {1.8, 1.9, 3.0, 12.0};
    p.prob_dscr_defined = {1.0, 1.0, 0.4, 0.01};
    return s;
}

}  // namespace

TEST(ChartsCommittee, DscrFanOnlyWhereEnoughPathsCarryDebt) {
    const auto s = summary_with_thinning_debt();
    const auto fan = pc::dscr_fan_from(s);
    EXPECT_DOUBLE_EQ(fan.min_share, pc::kDscrFanMinShare);
    EXPECT_DOUBLE_EQ(pc::kDscrFanMinShare, 0.5);
    EXPECT_EQ(fan.share, (std::vector<double>{1.0, 1.0, 0.4, 0.01}));
    const std::string svg = pc::fan_chart(fan);
    // The surviving share is drawn (right axis) with the threshold; the 12.0 of the last period
    // (a P95 of four paths) is not: the y axis ends at 2 (the largest drawn value is 1.9).
    EXPECT_TRUE(has_text(svg, "Paths with debt service due (%, right axis)"));
    EXPECT_TRUE(has_text(svg, "Fan shown where >= 50%"));
    EXPECT_TRUE(has_text(svg, "Paths with debt service due (%)"));
    EXPECT_TRUE(has_text(svg, "2.0"));
    EXPECT_FALSE(has_text(svg, "12"));
    EXPECT_FALSE(has_text(svg, "3.0"));
    EXPECT_EQ(plot_groups(svg), 4);  // band, median, share, threshold
    // Every period kept when the threshold is 0 (the old fan): then the axis reaches 12.
    EXPECT_TRUE(has_text(pc::fan_chart(pc::dscr_fan_from(s, 0.0)), "12"));
}

TEST(ChartsCommittee, TornadoInCurrencyForTheChosenTrancheWithoutStrayLines) {
    pftoken::mc::ProjectMcSummary s = summary_with_thinning_debt();
    s.tranches.resize(2);
    s.tranches[0].symbol = "SNR";
    s.tranches[1].symbol = "JNR";
    for (auto& t : s.tranches) t.price_delta = 0.0, t.volume_delta = 0.0, t.opex_delta = 0.0, t.dv01 = 0.735, t.cs01 = 0.766;
    s.tranches[1].price_delta = 2.5;  // +1% merchant price: +2.5 per token
    const auto chart = pc::tornado_from(s, 1, 10.0, "USD");
    EXPECT_EQ(chart.x_label, "Change of value per token (USD)");
    EXPECT_NE(chart.title.find("JNR"), std::string::npos);
    const std::string svg = pc::tornado_chart(chart);
    EXPECT_TRUE(has_text(svg, "Change of value per token (USD)"));
    EXPECT_TRUE(has_text(svg, "25.0"));   // +10% merchant price: 10 x 2.5, at the bar's end
    EXPECT_TRUE(has_text(svg, "-25.0"));
    EXPECT_TRUE(has_text(svg, "-76.6"));  // spread +100 bp: -100 x 0.766
    // The only dashed lines are the grid's: the old horizontal zero axis crossed the bottom bar.
    for (std::size_t i = svg.find("stroke-dasharray"); i != std::string::npos; i = svg.find("stroke-dasharray", i + 1)) {
        const std::size_t begin = svg.rfind('<', i);
        const std::string element = svg.substr(begin, svg.find('>', i) - begin);
        EXPECT_NE(element.find("gridline"), std::string::npos) << "stray dashed line: " << element;
    }
    // --plots: the tornado of the chosen tranche, labelled in the project's currency.
    const auto files = pc::render_mc_plots(s, {.currency = "EUR", .tornado_tranche = 1});
    const auto tornado = std::find_if(files.begin(), files.end(), [](const auto& f) { return f.name == "tornado.svg"; });
    ASSERT_NE(tornado, files.end());
    EXPECT_TRUE(has_text(tornado->bytes, "Change of value per token (EUR)"));
}

TEST(ChartsCommittee, TitlesSayWhatIsPlotted) {
    EXPECT_EQ(pc::CoverageChart{}.title, "DSCR and LLCR per period against the covenant thresholds");
    EXPECT_EQ(pc::dscr_fan_from(summary_with_thinning_debt()).title,
              "DSCR per period over 400 Monte Carlo paths (paths with debt service due)");
    pftoken::mc::ProjectMcSummary s = summary_with_thinning_debt();
    s.tranches.resize(1);
    s.tranches[0].symbol = "SNR";
    s.tranches[0].price_delta = 1.0;
    EXPECT_EQ(pc::tornado_from(s, 0).title, "Change of SNR value per token for ±10% / ±100 bp input moves (linearised)");
}

TEST(ChartsCommittee, LineChartAxesUseNiceTicks) {
    // A money axis of equity near one million: tics every 2,000 (0.991m .. 1.008m in about six
    // steps of 1, 2 or 5 x 10^k), all in millions with three decimals; x tics every 5 days.
    pc::LineChart d{"Equity", "Days", "Equity (USD)", {0, 14, 28}, {}};
    d.y_kind = pc::AxisKind::Money;
    d.series = {{"lending_usdt", {1.0e6, 1.0017e6, 1.0034e6}}, {"neutral", {0.9966e6, 1.008e6, 0.991e6}}};
    const std::string svg = pc::line_chart(d);
    for (const char* tic : {"0.990m", "1.000m", "1.008m", "0", "5", "25", "30"}) EXPECT_TRUE(has_text(svg, tic)) << tic;
    for (const auto& text : svg_texts(svg)) {
        EXPECT_EQ(text.find("×10"), std::string::npos) << text;
        EXPECT_FALSE(text == "1e+06" || text == "1000000" || text == "1.008e+06") << text;
    }
    EXPECT_FALSE(has_shifted_text(svg));
    d.colours = {0};
    EXPECT_THROW_MSG((void)pc::line_chart(d), pftoken::InputError,
                     "lines.colours: must have 2 values (one per x), got 1");
}

TEST(ChartsCommittee, YieldBacktestPlotsOfTheShippedExample) {
    namespace y = pftoken::integration::yield;
    const std::string dir = std::string(PFTOKEN_SOURCE_DIR) + "/data/examples/yield";
    const auto spec = y::load_yield_spec(dir + "/spec.yaml");
    const auto results = y::run_yield_spec(spec, y::load_market_data(dir, spec.venues()));
    const auto files = pc::render_yield_plots(results);
    std::vector<std::string> names;
    for (const auto& f : files) names.push_back(f.name);
    EXPECT_EQ(names, (std::vector<std::string>{"equity_usdt.svg", "equity_eth.svg", "health_factor.svg",
                                               "liquidation_distance.svg", "exposure.svg", "attribution.svg"}));
    auto file = [&](const std::string& name) { return std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.name == name; })->bytes; };
    // Equity in currency: the USDT strategies start at 1,000,000 USD (data/examples/yield/spec.yaml)
    // and end within 1% of it (summary: 1,003,416 / 1,003,654 / 1,003,198), so the money axis
    // is labelled in millions ("1.000m"); the ETH strategies start at 300 ETH (plain "300.0").
    const std::string usd = file("equity_usdt.svg");
    EXPECT_TRUE(has_text(usd, "Equity of each strategy in USD (USDT share class)"));
    EXPECT_TRUE(has_text(usd, "1.000m"));
    EXPECT_TRUE(has_text(file("equity_eth.svg"), "300.0"));
    // Only the leveraged strategies have a liquidation distance; as a percentage.
    const std::string dist = file("liquidation_distance.svg");
    EXPECT_TRUE(has_text(dist, "Adverse move to liquidation (%)"));
    EXPECT_FALSE(has_text(dist, "lending_usdt"));
    for (const auto& f : files) {
        EXPECT_FALSE(has_shifted_text(f.bytes)) << f.name;  // staking_eth_loop printed literally
        for (const auto& text : svg_texts(f.bytes)) {
            EXPECT_EQ(text.find("×10"), std::string::npos) << f.name << ": " << text;
            // No raw money (five or more digits in a row) and no negative zero.
            bool raw = false;
            for (std::size_t i = 0, run = 0; i < text.size(); ++i) {
                run = std::isdigit(static_cast<unsigned char>(text[i])) ? run + 1 : 0;
                raw = raw || run >= 5;
            }
            EXPECT_FALSE(raw) << f.name << ": " << text;
            EXPECT_FALSE(text.rfind("-0", 0) == 0 && text.find_first_not_of("-0.") == std::string::npos) << f.name << ": " << text;
        }
    }
    // A strategy keeps its colour: neutral is the sixth strategy (palette index 5) in the equity
    // and the distance charts although the distance chart leaves out both lending strategies.
    // The attribution bars: one colour per P&L source (nine), the ninth a grey rgb(127, 127, 127)
    // (gas and lending_interest shared the first colour with an eight-colour palette).
    ASSERT_EQ(pc::palette().size(), y::kSourceCount);
    EXPECT_NE(file("attribution.svg").find("rgb(127, 127, 127)"), std::string::npos);
    // gnuplot's SVG writes #56B4E9 as rgb( 86, 180, 233).
    const std::string& hex = pc::palette()[5];
    const std::string sixth = fmt::format("rgb({:3d}, {:3d}, {:3d})", std::stoi(hex.substr(1, 2), nullptr, 16),
                                          std::stoi(hex.substr(3, 2), nullptr, 16), std::stoi(hex.substr(5, 2), nullptr, 16));
    for (const char* name : {"equity_usdt.svg", "liquidation_distance.svg", "exposure.svg"})
        EXPECT_NE(file(name).find(sixth), std::string::npos) << name << " has no " << sixth;
}
