// The labelled progress bar on stderr (pftoken/base/progress.hpp).
#include "pftoken/base/progress.hpp"

#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <unistd.h>

namespace pftoken {

namespace {
std::string duration_text(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0.0) return "?";
    const auto s = static_cast<long>(std::lround(seconds));
    if (s < 60) return fmt::format("{}s", s);
    if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
    return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}
}  // namespace

std::string progress_line(const std::string& label, std::size_t done, std::size_t total, double elapsed_seconds) {
    const double fraction = total == 0 ? 1.0 : std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    constexpr int kWidth = 30;
    const auto filled = static_cast<std::size_t>(fraction * kWidth);
    std::string eta = "ETA ?";
    if (done >= total) eta = "done in " + duration_text(elapsed_seconds);
    else if (done > 0) eta = "ETA " + duration_text(elapsed_seconds * (1.0 - fraction) / fraction);
    return fmt::format("{} [{}{}] {:3.0f}% {}", label, std::string(filled, '#'),
                       std::string(static_cast<std::size_t>(kWidth) - filled, ' '), 100.0 * fraction, eta);
}

bool ProgressBar::stderr_is_terminal() { return ::isatty(STDERR_FILENO) != 0; }

ProgressBar::ProgressBar(std::string label, bool enabled, std::ostream& out, std::chrono::milliseconds delay)
    : label_(std::move(label)), enabled_(enabled && (&out != &std::cerr || stderr_is_terminal())), out_(&out),
      delay_(delay), start_(std::chrono::steady_clock::now()) {}

ProgressBar::ProgressBar(std::string label, bool enabled) : ProgressBar(std::move(label), enabled, std::cerr) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::size_t done, std::size_t total) {
    if (!enabled_) return;
    const std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (now - start_ < delay_) return;
    if (drawn_ && done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
    const std::string line = progress_line(label_, done, total, std::chrono::duration<double>(now - start_).count());
    const std::size_t pad = width_ > line.size() ? width_ - line.size() : 0;
    *out_ << '\r' << line << std::string(pad, ' ') << std::flush;
    width_ = line.size();
    drawn_ = true;
    last_draw_ = now;
}

void ProgressBar::relabel(std::string label) {
    const std::lock_guard lock(mutex_);
    label_ = std::move(label);
}

void ProgressBar::finish() {
    if (!enabled_) return;
    const std::lock_guard lock(mutex_);
    if (drawn_) *out_ << '\r' << std::string(width_, ' ') << '\r' << std::flush;
    drawn_ = false;
    width_ = 0;
}

ProgressCallback ProgressBar::callback() {
    return [this](std::size_t done, std::size_t total) { update(done, total); };
}

}  // namespace pftoken
