#pragma once
// The project behind an abm token (docs/abm.md, "Project signals"): the DCF value per token of the
// traded token (pftoken::value) and, per project Monte Carlo path, the monthly signals holders
// react to (distributions locked up, DSCR below the lock-up covenant, event of default).

#include <cstdint>
#include <string>
#include <vector>

#include "pftoken/integration/abm/spec.hpp"
#include "pftoken/mc/stochastic.hpp"
#include "pftoken/model/project.hpp"

namespace pftoken::integration::abm {

/// Signal bits of one month of one project path.
enum Signal : std::uint8_t {
    kBlocked = 1,         ///< the period's distributions are locked up
    kBelowCovenant = 2,   ///< the period's DSCR is below the lock-up covenant
    kDefaulted = 4,       ///< an event of default happened in this period or before
    kPaid = 8,            ///< the period pays distributions (> 0); read by distributions_paid()
};

/// The signals holders sell on and buyers shy away from.
inline constexpr std::uint8_t kAdverseSignals = kBlocked | kBelowCovenant | kDefaulted;

struct ProjectSignals {
    std::string project;
    std::string token;
    double dcf_value_per_token = 0.0;  ///< equity: price per token at the cost of equity; tranche: dirty price
    std::uint64_t paths = 0;           ///< project Monte Carlo paths (0: no stochastic section, no signals)
    int months = 0;
    std::vector<std::uint8_t> flags;   ///< [path * (months + 1) + month]
    /// reference_path fair_value_paths: the tranche token's fair value per token on each month,
    /// per regression path (mc::fair_value_paths), [path * (months + 1) + month].
    std::uint64_t fair_value_paths = 0;
    std::vector<double> fair_value;
    [[nodiscard]] double fair_value_at(std::uint64_t run, int month) const {
        return fair_value[static_cast<std::size_t>(run % fair_value_paths) * static_cast<std::size_t>(months + 1) +
                          static_cast<std::size_t>(month)];
    }
    /// The adverse signals (kBlocked, kBelowCovenant, kDefaulted) of run `run`'s path in `month`.
    [[nodiscard]] std::uint8_t at(std::uint64_t run, int month) const {
        return static_cast<std::uint8_t>(raw(run, month) & kAdverseSignals);
    }
    /// True when run `run`'s path pays distributions in `month`'s period.
    [[nodiscard]] bool distributions_paid(std::uint64_t run, int month) const { return (raw(run, month) & kPaid) != 0; }
    [[nodiscard]] std::uint8_t raw(std::uint64_t run, int month) const {
        if (paths == 0) return 0;
        return flags[static_cast<std::size_t>(run % paths) * static_cast<std::size_t>(months + 1) +
                     static_cast<std::size_t>(month)];
    }
};

/// TGE is the project's COD by default: month m falls in the operating period that contains
/// COD + m months (operating index floor(m f / 12) for f periods a year); with
/// `project.tge_date` (within the project's life, else InputError at its file:line:col) month m
/// falls in the period [start, end) containing tge_date + m months (a day past the month's end
/// clamped to its last day). Months after the project's life carry no signal. Paths are regenerated exactly as `pftoken mc` generates them
/// (mc::dump_project_paths) with the spec's seed. With reference_path fair_value_paths, the
/// tranche's fair-value paths (mc::fair_value_paths, max(paths, 2000) regression paths, at most
/// 20,000, the spec's seed): month m takes the value on the last payment date at or before
/// T + m calendar months, T the valuation date or tge_date (ex-payment; before the valuation date,
/// its value). InputError when the token is not a token of the
/// project, when sensitivities or fair-value paths need a stochastic section the project lacks,
/// or when fair-value paths are asked for the equity token. Signals are generated when holders
/// (sell_*) or buyers (demand_*) react to them.
[[nodiscard]] ProjectSignals project_signals(const Project& project, const mc::StochasticSpec& stochastic,
                                             const Spec& spec, const std::string& project_source);

/// Reads `spec.project.file` (project and stochastic section) and calls project_signals.
[[nodiscard]] ProjectSignals load_project_signals(const Spec& spec);

}  // namespace pftoken::integration::abm
