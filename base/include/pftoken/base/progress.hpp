#pragma once
// A labelled progress bar on stderr for runs that can take over a second: what is running, the
// percentage and an ETA. Silent when stderr is not a terminal or the command has --quiet, and
// drawn only once the run has taken a second. Engines take a ProgressCallback in their Options
// and call it once per chunk of work (never per path in a hot loop).

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>

namespace pftoken {

/// Reports `done` of `total` units of work (paths, scenarios, ranges). May be called from
/// worker threads; an empty function means nobody listens.
using ProgressCallback = std::function<void(std::size_t done, std::size_t total)>;

class ProgressBar {
  public:
    /// `enabled`: draw at all (false for --quiet); the bar also stays silent when `out` is
    /// std::cerr and stderr is not a terminal. `delay`: nothing is drawn before this much time.
    ProgressBar(std::string label, bool enabled, std::ostream& out,
                std::chrono::milliseconds delay = std::chrono::milliseconds(1000));
    ProgressBar(std::string label, bool enabled);  ///< on std::cerr
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;
    ~ProgressBar();

    /// Redraws (at most ten times a second, and always at done == total). Thread-safe.
    void update(std::size_t done, std::size_t total);
    /// Starts a new stage with another label (e.g. "stress: scenario 3 of 21").
    void relabel(std::string label);
    /// Clears the bar's line if anything was drawn. Called by the destructor.
    void finish();
    /// A callback that forwards to update(); valid while this bar lives.
    [[nodiscard]] ProgressCallback callback();

    /// True when stderr is a terminal.
    [[nodiscard]] static bool stderr_is_terminal();

  private:
    std::string label_;
    bool enabled_;
    std::ostream* out_;
    std::chrono::milliseconds delay_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_{};
    bool drawn_ = false;
    std::size_t width_ = 0;
    std::mutex mutex_;
};

/// The line the bar draws: "LABEL [####    ]  45% ETA 12s" (for tests and for the bar).
[[nodiscard]] std::string progress_line(const std::string& label, std::size_t done, std::size_t total,
                                        double elapsed_seconds);

}  // namespace pftoken
