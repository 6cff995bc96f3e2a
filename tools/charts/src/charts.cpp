// gnuplot driver and the chart scripts. Every chart writes one gnuplot script (data inline as
// datablocks) to a fresh temporary folder, runs `gnuplot script.gp` as a subprocess (no shell)
// and reads the image back; the folder is removed afterwards.
#include "pftoken/charts/charts.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "pftoken/base/format.hpp"
#include "pftoken/error.hpp"

extern char** environ;

namespace pftoken::charts {
namespace {

namespace fs = std::filesystem;

/// gnuplot string literal (single quotes; a quote is doubled).
std::string quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += "''";
        else if (c == '\n') out += ' ';
        else out += c;
    }
    return out + "'";
}

/// Characters of UTF-8 text (bytes that do not continue a sequence).
std::size_t utf8_length(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

/// Numbers round-trip exactly; NaN/inf become gnuplot's missing value so lines break there.
std::string num(double v) { return format::number(v, 17, "NaN"); }

class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "pftoken-chart-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw Error("charts: cannot create a temporary folder");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const fs::path& path() const noexcept { return path_; }

  private:
    fs::path path_;
};

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Runs gnuplot on `body` (everything after the terminal setup) and returns the image.
std::string render(const std::string& body, const ChartOptions& options) {
    options.validate();
    TempDir dir;
    const fs::path script = dir.path() / "chart.gp";
    const fs::path image = dir.path() / (options.format == ImageFormat::Svg ? "chart.svg" : "chart.png");
    const fs::path errors = dir.path() / "gnuplot.err";
    {
        std::ofstream out(script, std::ios::binary);
        if (options.format == ImageFormat::Svg)
            out << fmt::format("set terminal svg size {},{} dynamic noenhanced font 'sans,11' background '#ffffff'\n",
                               options.width, options.height);
        else
            out << fmt::format("set terminal pngcairo size {},{} noenhanced font 'sans,11' background '#ffffff'\n",
                               options.width, options.height);
        out << "set output " << quote(image.string()) << '\n';
        out << "set encoding utf8\n";
        const auto& colours = palette();
        for (std::size_t i = 0; i < colours.size(); ++i)
            out << fmt::format("set linetype {} linecolor rgb '{}' linewidth 2 pointtype 7 pointsize 0.8\n", i + 1,
                               colours[i]);
        out << "set linetype cycle " << colours.size() << '\n';
        out << "set border 3 linecolor rgb '#444444'\nset tics nomirror textcolor rgb '#333333'\n"
               "set grid ytics linecolor rgb '#dddddd' dashtype 1\nset key outside bottom center horizontal noenhanced\n"
               "set title noenhanced font 'sans,13'\nset xlabel noenhanced\nset ylabel noenhanced\n"
               // Text is literal (no sub/superscripts from '_' or '^'); axes without explicit tics
               // print plain numbers, never gnuplot's "4.5×10^6".
               "set format x '%.12g'\nset format y '%.12g'\nset format y2 '%.12g'\nset format cb '%.12g'\n";
        out << body << "\nunset output\n";
        if (!out) throw Error("charts: cannot write the gnuplot script");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::string program = "gnuplot";
    std::string script_arg = script.string();
    std::array<char*, 3> argv{program.data(), script_arg.data(), nullptr};
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) throw Error("charts: cannot run gnuplot (install Debian's gnuplot-nox; see docs/charts.md)");
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw Error("charts: waiting for gnuplot failed");
    }
    const std::string messages = read_file(errors);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::exists(image))
        throw Error("charts: gnuplot failed: " + messages);
    std::string bytes = read_file(image);
    if (bytes.empty()) throw Error("charts: gnuplot wrote an empty image: " + messages);
    return bytes;
}

void require_same_size(std::size_t expected, std::size_t got, const std::string& field) {
    if (got != expected)
        throw InputError(field, fmt::format("must have {} values (one per x), got {}", expected, got));
}

void require_not_empty(std::size_t n, const std::string& field) {
    if (n == 0) throw InputError(field, "must not be empty");
}

std::string labels(const std::string& title, const std::string& x, const std::string& y) {
    return "set title " + quote(title) + "\nset xlabel " + quote(x) + "\nset ylabel " + quote(y) + '\n';
}

/// A tic label: literal text inside a gnuplot format string (a % is %%).
std::string tic_label(const std::string& text) {
    std::string out;
    for (char c : text) out += c == '%' ? std::string("%%") : std::string(1, c);
    return quote(out);
}

}  // namespace

AxisTicks nice_ticks(double lo, double hi, AxisKind kind, int target) {
    PFT_REQUIRE(target >= 2, "nice_ticks: target must be >= 2, got " << target);
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = hi = 0.0;
    if (lo > hi) std::swap(lo, hi);
    if (hi - lo <= 1e-12 * std::max(std::abs(lo), std::abs(hi))) {  // one value: a band around it
        const double pad = lo == 0.0 ? 1.0 : 0.5 * std::abs(lo);
        lo -= pad;
        hi += pad;
    }
    const double raw = (hi - lo) / target;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / magnitude;
    const double step = (norm < 1.5 ? 1.0 : norm < 3.0 ? 2.0 : norm < 7.0 ? 5.0 : 10.0) * magnitude;
    AxisTicks axis;
    const auto first = static_cast<long long>(std::floor(lo / step + 1e-9));
    const auto last = static_cast<long long>(std::ceil(hi / step - 1e-9));
    axis.lo = static_cast<double>(first) * step;
    axis.hi = static_cast<double>(last) * step;
    const format::MoneyUnit unit = kind == AxisKind::Money ? format::money_unit(std::max(std::abs(axis.lo), std::abs(axis.hi)))
                                                           : format::MoneyUnit{};
    const double scaled_step = step / unit.scale;
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(scaled_step) + 1e-9)));
    for (long long i = first; i <= last; ++i) {
        const double v = static_cast<double>(i) * step;
        axis.values.push_back(v);
        axis.labels.push_back(format::money_in(v, unit, decimals));
    }
    return axis;
}

namespace {

/// "set {axis}range [lo:hi]" and "set {axis}tics (...)" of nice_ticks over the data in [lo, hi].
std::string axis_ticks(const std::string& axis, double lo, double hi, AxisKind kind, int target = 6) {
    const AxisTicks t = nice_ticks(lo, hi, kind, target);
    std::string out = fmt::format("set {}range [{}:{}]\nset {}tics (", axis, num(t.lo), num(t.hi), axis);
    for (std::size_t i = 0; i < t.values.size(); ++i)
        out += fmt::format("{}{} {}", i ? ", " : "", tic_label(t.labels[i]), num(t.values[i]));
    return out + ")\n";
}

/// Smallest and largest finite value of several series (0, 0 when none is finite).
template <class... Spans>
std::pair<double, double> extent(const Spans&... spans) {
    double lo = INFINITY, hi = -INFINITY;
    auto scan = [&](const std::vector<double>& v) {
        for (double x : v)
            if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
    };
    (scan(spans), ...);
    if (!(lo <= hi)) return {0.0, 0.0};
    return {lo, hi};
}

}  // namespace

void ChartOptions::validate() const {
    PFT_REQUIRE(width >= 100 && width <= 10000, "width: must be in [100, 10000], got " << width);
    PFT_REQUIRE(height >= 100 && height <= 20000, "height: must be in [100, 20000], got " << height);
}

const std::vector<std::string>& palette() {
    // Okabe & Ito (2008) "Color Universal Design", with black replaced by a dark blue, plus a
    // mid grey: nine colours, one per P&L source of the yield attribution chart.
    static const std::vector<std::string> colours{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
                                                  "#56B4E9", "#F0E442", "#1F3A5F", "#7F7F7F"};
    return colours;
}

std::string waterfall_chart(const WaterfallChart& data, const ChartOptions& options) {
    require_not_empty(data.x.size(), "waterfall.x");
    require_not_empty(data.uses.size(), "waterfall.uses");
    require_same_size(data.x.size(), data.cfads.size(), "waterfall.cfads");
    for (std::size_t s = 0; s < data.uses.size(); ++s)
        require_same_size(data.x.size(), data.uses[s].values.size(), fmt::format("waterfall.uses[{}].values", s));
    // Columns: x, cumulative sums (bottom-up), cfads. Bars are drawn top-down so each covers the
    // next one's upper part.
    const std::size_t n = data.x.size();
    const double width = n > 1 ? 0.8 * (data.x[n - 1] - data.x[0]) / static_cast<double>(n - 1) : 0.8;
    std::string body = labels(data.title, data.x_label, data.y_label);
    double lo = 0.0, hi = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
        double sum = 0.0;
        for (const auto& s : data.uses) {
            sum += std::isfinite(s.values[t]) ? s.values[t] : 0.0;
            lo = std::min(lo, sum), hi = std::max(hi, sum);
        }
        if (std::isfinite(data.cfads[t])) lo = std::min(lo, data.cfads[t]), hi = std::max(hi, data.cfads[t]);
    }
    body += axis_ticks("y", lo, hi, AxisKind::Money);
    body += fmt::format("set style fill solid 0.9 noborder\nset boxwidth {} absolute\n$d << EOD\n", num(width));
    for (std::size_t t = 0; t < n; ++t) {
        body += num(data.x[t]);
        double sum = 0.0;
        for (const auto& s : data.uses) {
            sum += std::isfinite(s.values[t]) ? s.values[t] : 0.0;
            body += ' ' + num(sum);
        }
        body += ' ' + num(data.cfads[t]) + '\n';
    }
    body += "EOD\nplot ";
    for (std::size_t k = data.uses.size(); k-- > 0;)
        body += fmt::format("$d using 1:{} with boxes linetype {} title {}, ", k + 2, k % palette().size() + 1,
                            quote(data.uses[k].label));
    body += fmt::format("$d using 1:{} with lines linecolor rgb '#222222' linewidth 2 title 'CFADS'\n",
                        data.uses.size() + 2);
    return render(body, options);
}

std::string coverage_chart(const CoverageChart& data, const ChartOptions& options) {
    require_not_empty(data.x.size(), "coverage.x");
    require_same_size(data.x.size(), data.dscr.size(), "coverage.dscr");
    require_same_size(data.x.size(), data.llcr.size(), "coverage.llcr");
    std::string body = labels(data.title, data.x_label, data.y_label);
    body += "$d << EOD\n";
    for (std::size_t t = 0; t < data.x.size(); ++t)
        body += num(data.x[t]) + ' ' + num(data.dscr[t]) + ' ' + num(data.llcr[t]) + '\n';
    body += "EOD\nset yrange [0:*]\n";
    body += fmt::format(
        "plot $d using 1:2 with linespoints linetype 1 pointsize 0.4 title 'DSCR', "
        "$d using 1:3 with lines linetype 3 title 'LLCR', "
        "{} with lines linetype 2 dashtype 2 title {}, {} with lines linetype 4 dashtype 2 title {}\n",
        num(data.lockup_level), quote(fmt::format("Lock-up {:.2f}x", data.lockup_level)), num(data.default_level),
        quote(fmt::format("Default {:.2f}x", data.default_level)));
    return render(body, options);
}

std::string fan_chart(const FanChart& data, const ChartOptions& options) {
    const std::size_t n = data.x.size();
    require_not_empty(n, "fan.x");
    require_same_size(n, data.p5.size(), "fan.p5");
    require_same_size(n, data.p50.size(), "fan.p50");
    require_same_size(n, data.p95.size(), "fan.p95");
    const bool inner = !data.p25.empty() || !data.p75.empty();
    if (inner) {
        require_same_size(n, data.p25.size(), "fan.p25");
        require_same_size(n, data.p75.size(), "fan.p75");
    }
    const bool share = !data.share.empty();
    if (share) require_same_size(n, data.share.size(), "fan.share");
    PFT_REQUIRE(data.min_share >= 0.0 && data.min_share <= 1.0, "fan.min_share: must be in [0, 1], got " << data.min_share);
    // Only where enough paths carry the quantity: a blank line ends a band (no bridge over a gap).
    auto shown = [&](std::size_t t) { return !share || data.share[t] >= data.min_share; };
    std::vector<double> drawn;
    std::string body = labels(data.title, data.x_label, data.y_label);
    body += "set style fill transparent solid 0.25 noborder\n$d << EOD\n";
    bool gap = false;
    for (std::size_t t = 0; t < n; ++t) {
        if (!shown(t)) {
            gap = true;
            continue;
        }
        if (gap && !drawn.empty()) body += "\n\n";
        gap = false;
        for (double v : {data.p5[t], data.p50[t], data.p95[t]}) drawn.push_back(v);
        if (inner) drawn.push_back(data.p25[t]), drawn.push_back(data.p75[t]);
        body += num(data.x[t]) + ' ' + num(data.p5[t]) + ' ' + num(inner ? data.p25[t] : NAN) + ' ' +
                num(data.p50[t]) + ' ' + num(inner ? data.p75[t] : NAN) + ' ' + num(data.p95[t]) + '\n';
    }
    body += "EOD\n";
    auto [lo, hi] = extent(drawn);
    if (data.y_from_zero) lo = std::min(lo, 0.0);
    body += axis_ticks("y", lo, hi, data.money ? AxisKind::Money : AxisKind::Number);
    auto [x_lo, x_hi] = extent(data.x);
    body += fmt::format("set xrange [{}:{}]\n", num(x_lo), num(x_hi));
    if (share) {
        body += "$s << EOD\n";
        for (std::size_t t = 0; t < n; ++t) body += num(data.x[t]) + ' ' + num(100.0 * data.share[t]) + '\n';
        body += "EOD\nset y2range [0:105]\nset y2tics 0,20,100 nomirror\nset y2label " + quote(data.share_label) + " noenhanced\n";
    }
    body += "plot ";
    if (drawn.empty()) body += "NaN notitle, ";  // nothing to draw: the share line alone
    else {
        body += "$d using 1:2:6 with filledcurves linetype 1 title " + quote(data.outer_label) + ", ";
        if (inner) body += "$d using 1:3:5 with filledcurves linetype 1 title " + quote(data.inner_label) + ", ";
        body += "$d using 1:4 with lines linetype 8 linewidth 2.5 title 'Median', ";
    }
    if (share) {
        body += "$s using 1:2 axes x1y2 with lines linetype 2 linewidth 1.5 title " + quote(data.share_legend) + ", ";
        if (data.min_share > 0.0)
            body += fmt::format("{} axes x1y2 with lines linetype 2 dashtype 3 linewidth 1 title {}, ", num(100.0 * data.min_share),
                                quote(fmt::format("Fan shown where >= {:g}%", 100.0 * data.min_share)));
    }
    body.resize(body.size() - 2);
    return render(body + "\n", options);
}

std::string loss_chart(const LossChart& data, const ChartOptions& options) {
    require_not_empty(data.tranches.size(), "loss.tranches");
    std::string body = labels(data.title, data.x_label, data.y_label);
    for (std::size_t k = 0; k < data.tranches.size(); ++k) {
        const auto& c = data.tranches[k];
        require_not_empty(c.confidence.size(), fmt::format("loss.tranches[{}].confidence", k));
        require_same_size(c.confidence.size(), c.loss.size(), fmt::format("loss.tranches[{}].loss", k));
        body += fmt::format("$t{} << EOD\n", k);
        for (std::size_t i = 0; i < c.confidence.size(); ++i)
            body += num(100.0 * c.confidence[i]) + ' ' + num(c.loss[i]) + '\n';
        body += "EOD\n";
    }
    body += "$risk << EOD\n";
    for (const auto& c : data.tranches) body += "95 " + num(c.var95) + ' ' + num(c.cvar95) + '\n';
    body += "EOD\nset xrange [45:100]\nplot ";
    for (std::size_t k = 0; k < data.tranches.size(); ++k)
        body += fmt::format("$t{} using 1:2 with linespoints linetype {} pointsize 0.5 title {}, ", k,
                            k % 6 + 1, quote(data.tranches[k].name));
    body += "$risk using 1:2 with points pointtype 9 pointsize 1.6 linecolor rgb '#1F3A5F' title 'VaR 95%', "
            "$risk using 1:3 with points pointtype 5 pointsize 1.3 linecolor rgb '#D55E00' title 'CVaR 95%'\n";
    return render(body, options);
}

std::string tornado_chart(const TornadoChart& data, const ChartOptions& options) {
    require_not_empty(data.bars.size(), "tornado.bars");
    std::vector<TornadoBar> bars = data.bars;
    std::stable_sort(bars.begin(), bars.end(), [](const TornadoBar& a, const TornadoBar& b) {
        return std::abs(a.high - a.low) < std::abs(b.high - b.low);  // widest last = on top
    });
    double lo = 0.0, hi = 0.0;
    for (const auto& b : bars)
        for (double v : {b.low, b.high})
            if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    // Room for the value labels at the bar ends.
    const double pad = 0.12 * std::max(hi - lo, 1e-300);
    const AxisTicks ticks = nice_ticks(lo < 0.0 ? lo - pad : lo, hi > 0.0 ? hi + pad : hi, AxisKind::Money);
    const format::MoneyUnit unit = format::money_unit(std::max(std::abs(ticks.lo), std::abs(ticks.hi)));
    const double largest = std::max(std::abs(lo), std::abs(hi));
    // Bar-end labels: three significant digits of the largest bar, in the axis's unit.
    const int decimals = largest > 0.0 ? std::max(0, 2 - static_cast<int>(std::floor(std::log10(largest / unit.scale)))) : 0;
    std::string body = labels(data.title, data.x_label, "");
    body += axis_ticks("x", lo < 0.0 ? lo - pad : lo, hi > 0.0 ? hi + pad : hi, AxisKind::Money);
    body += "set style fill solid 0.9 noborder\nset grid xtics noytics\nset ytics scale 0 (";
    for (std::size_t i = 0; i < bars.size(); ++i) body += fmt::format("{}{} {}", i ? ", " : "", tic_label(bars[i].name), i);
    body += ")\n$d << EOD\n";
    for (std::size_t i = 0; i < bars.size(); ++i)
        body += fmt::format("{} {} {}\n", i, num(bars[i].low), num(bars[i].high));
    body += fmt::format("EOD\nset yrange [-0.6:{}]\n", num(static_cast<double>(bars.size()) - 0.4));
    // The zero line: vertical, through the bars' common base (no horizontal axis line through a bar).
    body += "set arrow from 0,graph 0 to 0,graph 1 nohead linecolor rgb '#444444' linewidth 1 front\n";
    for (std::size_t i = 0; i < bars.size(); ++i) {
        for (double v : {bars[i].low, bars[i].high}) {
            if (!std::isfinite(v) || std::abs(v) <= 0.005 * largest) continue;
            body += fmt::format("set label {} at {},{} {} offset character {},0 textcolor rgb '#333333'\n",
                                quote(format::money_in(v, unit, decimals)), num(v), i, v < 0 ? "right" : "left",
                                v < 0 ? "-0.5" : "0.5");
        }
    }
    body += "plot $d using ($2/2):1:($2/2 < 0 ? -$2/2 : $2/2):(0.35) with boxxyerror linetype 4 title 'Input down', "
            "$d using ($3/2):1:($3/2 < 0 ? -$3/2 : $3/2):(0.35) with boxxyerror linetype 1 title 'Input up'\n";
    return render(body, options);
}

std::string bar_chart(const BarChart& data, const ChartOptions& options) {
    require_not_empty(data.categories.size(), "bars.categories");
    require_not_empty(data.series.size(), "bars.series");
    for (std::size_t s = 0; s < data.series.size(); ++s)
        require_same_size(data.categories.size(), data.series[s].values.size(), fmt::format("bars.series[{}].values", s));
    std::string body = labels(data.title, "", data.y_label);
    // Labels rotated by -30 degrees hang right of their tic: the right margin holds the last
    // one (cos 30 = 0.87 of its length, in character widths), the bottom margin the longest
    // (sin 30 = 0.5), plus the legend.
    std::size_t longest = 0;
    for (const auto& c : data.categories) longest = std::max(longest, utf8_length(c));
    const std::size_t last = utf8_length(data.categories.back());
    const double per_category = 1.0 / static_cast<double>(data.categories.size());
    const double right = std::max(3.0, 0.87 * static_cast<double>(last) - 60.0 * per_category + 2.0);
    body += fmt::format("set rmargin {:.0f}\nset bmargin {:.0f}\n", std::ceil(right),
                        std::ceil(0.18 * static_cast<double>(longest) + 5.0));
    double lo = 0.0, hi = 0.0;
    for (const auto& series : data.series)
        for (double v : series.values)
            if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    body += axis_ticks("y", lo, hi, AxisKind::Number);
    body += "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.9 noborder\n"
            "set xtics rotate by -30 scale 0 noenhanced\nset xzeroaxis\n$d << EOD\n";
    for (std::size_t c = 0; c < data.categories.size(); ++c) {
        std::string name = data.categories[c];
        std::replace(name.begin(), name.end(), '"', '\'');
        body += '"' + name + '"';
        for (const auto& s : data.series) body += ' ' + num(s.values[c]);
        body += '\n';
    }
    body += "EOD\nplot ";
    for (std::size_t s = 0; s < data.series.size(); ++s)
        body += fmt::format("{}$d using {}{} linetype {} title {}", s ? ", " : "", s + 2, s ? "" : ":xtic(1)",
                            s % palette().size() + 1, quote(data.series[s].label));
    body += '\n';
    return render(body, options);
}

std::string line_chart(const LineChart& data, const ChartOptions& options) {
    require_not_empty(data.x.size(), "lines.x");
    require_not_empty(data.series.size(), "lines.series");
    for (std::size_t s = 0; s < data.series.size(); ++s)
        require_same_size(data.x.size(), data.series[s].values.size(), fmt::format("lines.series[{}].values", s));
    if (!data.colours.empty()) require_same_size(data.series.size(), data.colours.size(), "lines.colours");
    std::string body = labels(data.title, data.x_label, data.y_label);
    {
        const auto [x_lo, x_hi] = extent(data.x);
        double lo = INFINITY, hi = -INFINITY;
        for (const auto& s : data.series)
            for (double v : s.values)
                if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
        if (!(lo <= hi)) lo = hi = 0.0;
        if (data.y_from_zero) lo = std::min(lo, 0.0);
        body += axis_ticks("x", x_lo, x_hi, AxisKind::Number) + axis_ticks("y", lo, hi, data.y_kind);
    }
    body += "$d << EOD\n";
    for (std::size_t t = 0; t < data.x.size(); ++t) {
        body += num(data.x[t]);
        for (const auto& s : data.series) body += ' ' + num(s.values[t]);
        body += '\n';
    }
    body += "EOD\nplot ";
    for (std::size_t s = 0; s < data.series.size(); ++s)
        body += fmt::format("{}$d using 1:{} with lines linetype {} linewidth 2 title {}", s ? ", " : "", s + 2,
                            (data.colours.empty() ? s : data.colours[s]) % palette().size() + 1,
                            quote(data.series[s].label));
    body += '\n';
    return render(body, options);
}

std::string liquidity_chart(const LiquidityChart& data, const ChartOptions& options) {
    require_not_empty(data.liquidity.size(), "liquidity.liquidity");
    require_same_size(data.liquidity.size(), data.tick_lower.size(), "liquidity.tick_lower");
    require_same_size(data.liquidity.size(), data.tick_upper.size(), "liquidity.tick_upper");
    std::string body = labels(data.title, data.x_label, data.y_label);
    {
        const auto [lo, hi] = extent(data.liquidity);
        body += axis_ticks("y", std::min(lo, 0.0), hi, AxisKind::Number);
    }
    body += "set style fill solid 0.8 noborder\n$d << EOD\n";
    for (std::size_t i = 0; i < data.liquidity.size(); ++i)
        body += num(0.5 * (data.tick_lower[i] + data.tick_upper[i])) + ' ' + num(data.liquidity[i]) + ' ' +
                num(data.tick_upper[i] - data.tick_lower[i]) + '\n';
    body += fmt::format("EOD\nset arrow from {0},graph 0 to {0},graph 1 nohead linecolor rgb '#D55E00' dashtype 2 linewidth 2\n",
                        num(data.current_tick));
    body += fmt::format("plot $d using 1:2:3 with boxes linetype 1 title 'Active liquidity', "
                        "NaN with lines linetype 4 dashtype 2 title {}\n",
                        quote(fmt::format("Current tick {:.0f}", data.current_tick)));
    return render(body, options);
}

std::string heatmap_chart(const HeatmapChart& data, const ChartOptions& options) {
    require_not_empty(data.x.size(), "heatmap.x");
    require_not_empty(data.ticks.size(), "heatmap.ticks");
    require_same_size(data.x.size() * data.ticks.size(), data.z.size(), "heatmap.z");
    std::string body = labels(data.title, data.x_label, data.y_label);
    body += "set cblabel " + quote(data.z_label) + " noenhanced\nset palette defined (0 '#ffffff', 1 '#56B4E9', 2 '#0072B2', 3 '#1F3A5F')\n"
            "set key off\nset grid noytics\nset rmargin 14\n";
    // Few integral columns (scenario steps): one tic per column.
    bool integral = data.x.size() <= 24;
    for (double v : data.x) integral = integral && v == std::round(v);
    if (integral) body += "set xtics 1\n";
    {
        const auto [lo, hi] = extent(data.z);
        body += axis_ticks("cb", std::min(lo, 0.0), hi, AxisKind::Number);
    }
    body += "$d << EOD\n";
    for (std::size_t t = 0; t < data.x.size(); ++t) {
        for (std::size_t i = 0; i < data.ticks.size(); ++i)
            body += num(data.x[t]) + ' ' + num(data.ticks[i]) + ' ' + num(data.z[t * data.ticks.size() + i]) + '\n';
        body += '\n';
    }
    // `pixels`: one rectangle per cell, so viewers do not smooth the cells into each other.
    body += "EOD\nplot $d using 1:2:3 with image pixels title 'Liquidity'\n";
    return render(body, options);
}

std::string frontier_chart(const FrontierChart& data, const ChartOptions& options) {
    require_not_empty(data.risk.size(), "frontier.risk");
    require_same_size(data.risk.size(), data.reward.size(), "frontier.reward");
    if (!data.labels.empty()) require_same_size(data.risk.size(), data.labels.size(), "frontier.labels");
    std::string body = labels(data.title, data.x_label, data.y_label);
    {
        const auto [x_lo, x_hi] = extent(data.risk, std::vector<double>{data.chosen_risk});
        const auto [y_lo, y_hi] = extent(data.reward, std::vector<double>{data.chosen_reward});
        body += axis_ticks("x", x_lo, x_hi, AxisKind::Money) + axis_ticks("y", y_lo, y_hi, AxisKind::Money);
    }
    body += "$d << EOD\n";
    for (std::size_t i = 0; i < data.risk.size(); ++i) body += num(data.risk[i]) + ' ' + num(data.reward[i]) + '\n';
    body += "EOD\n$c << EOD\n" + num(data.chosen_risk) + ' ' + num(data.chosen_reward) + "\nEOD\n";
    body += "plot $d using 1:2 with linespoints linetype 1 title 'Best range per width', "
            "$c using 1:2 with points pointtype 7 pointsize 2.2 linecolor rgb '#D55E00' title 'Chosen range'\n";
    return render(body, options);
}

std::string inline_svg(const std::string& svg, const std::string& id_prefix) {
    const auto start = svg.find("<svg");
    if (start == std::string::npos) throw Error("charts: not an SVG image");
    std::string out;
    out.reserve(svg.size() + 256);
    const std::string_view body(svg.data() + start, svg.size() - start);
    // gnuplot's ids: gnuplot_canvas, gnuplot_plot_N, gpClip/gpclipN, gpDot, gpPt* ...
    for (std::size_t i = 0; i < body.size();) {
        bool hit = false;
        for (const std::string_view ref : {"id='", "id=\"", "url(#", "href='#", "href=\"#"}) {
            if (body.substr(i, ref.size()) == ref) {
                out += ref;
                out += id_prefix;
                i += ref.size();
                hit = true;
                break;
            }
        }
        if (!hit) out += body[i++];
    }
    return out;
}

}  // namespace pftoken::charts
