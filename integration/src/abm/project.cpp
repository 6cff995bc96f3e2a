// The project behind an abm token (see abm/project.hpp, docs/abm.md "Project signals").
#include "pftoken/integration/abm/project.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "pftoken/base/format.hpp"
#include "pftoken/error.hpp"
#include "pftoken/mc/fair_value_paths.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/valuation/valuation.hpp"

namespace pftoken::integration::abm {

ProjectSignals project_signals(const Project& project, const mc::StochasticSpec& stochastic, const Spec& spec,
                               const std::string& project_source) {
    const auto& link = spec.project;
    ProjectSignals out;
    out.project = project_source;
    out.token = link.token;
    out.months = spec.months;
    const ValuationResult valuation = value(project);
    std::vector<std::string> tokens;
    bool found = false;
    for (const auto& t : valuation.tranches) {
        tokens.push_back(t.symbol);
        if (t.symbol == link.token) out.dcf_value_per_token = t.price_per_token, found = true;
    }
    tokens.push_back(valuation.equity.symbol);
    if (valuation.equity.symbol == link.token) out.dcf_value_per_token = valuation.equity.price_per_token, found = true;
    if (!found) {
        std::string list;
        for (const auto& t : tokens) list += (list.empty() ? "" : ", ") + t;
        throw InputError("project.token", fmt::format("'{}' is not a token of project '{}' (its tokens: {})", link.token,
                                                      project_source, list));
    }
    if (spec.arbitrage.enabled && spec.arbitrage.path == Arbitrage::Path::FairValuePaths) {
        std::size_t tranche = valuation.tranches.size();
        for (std::size_t k = 0; k < valuation.tranches.size(); ++k)
            if (valuation.tranches[k].symbol == link.token) tranche = k;
        if (tranche == valuation.tranches.size())
            throw InputError("arbitrage.reference_path",
                             fmt::format("fair_value_paths needs a tranche token; '{}' is the equity (use dcf)", link.token));
        if (stochastic.empty())
            throw InputError("arbitrage.reference_path",
                             fmt::format("fair_value_paths needs the project's Monte Carlo: '{}' has no stochastic: section",
                                         project_source));
        mc::FairValuePathOptions fo;
        fo.mc.paths = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(link.paths), 2'000, 20'000);
        fo.mc.seed = spec.seed;
        fo.tranche = tranche;
        // From the valuation date to the last month (a TGE elsewhere than the valuation date: the
        // whole life, as the months may run past the valuation date's horizon).
        fo.horizon_years = link.tge_date ? 0.0 : static_cast<double>(spec.months) / 12.0 + 1.0 / 365.0;
        const auto fv = mc::fair_value_paths(project, stochastic, fo);
        const auto points = static_cast<std::size_t>(spec.months) + 1;
        out.fair_value_paths = fv.paths;
        out.fair_value.assign(fv.paths * points, 0.0);
        for (std::uint64_t p = 0; p < fv.paths; ++p) {
            std::size_t j = 0;
            for (std::size_t m = 0; m < points; ++m) {
                // TGE (default: the valuation date) + m calendar months (an end-of-month overflow
                // such as Feb 31 still orders after Feb 28, which is what the comparison needs); a
                // month before the valuation date takes its value.
                const CalendarDate month_date = (link.tge_date ? *link.tge_date : fv.date[0]) + std::chrono::months{static_cast<int>(m)};
                while (j + 1 < fv.dates() && fv.date[j + 1] <= month_date) ++j;
                out.fair_value[static_cast<std::size_t>(p) * points + m] = fv.at(p, j);
            }
        }
    }
    const PeriodGrid& grid = valuation.grid;
    const auto points = static_cast<std::size_t>(spec.months) + 1;
    // The project period of each month of the token (-1: after the project's life).
    std::vector<int> period_of(points, -1);
    if (!link.tge_date) {
        for (std::size_t m = 0; m < points; ++m) {
            const int period = grid.first_operating() + static_cast<int>(m) * grid.periods_per_year / 12;
            if (period >= grid.size()) break;
            period_of[m] = period;
        }
    } else {
        using namespace std::chrono;
        const year_month_day tge = *link.tge_date;
        if (grid.size() == 0 || tge < grid.start.front() || !(tge < grid.end.back()))
            throw InputError(link.tge_date_at, "project.tge_date",
                             fmt::format("must lie within the life of project '{}', on or after {} and before {}, got {}",
                                         project_source, format::iso_date(grid.start.front()),
                                         format::iso_date(grid.end.back()), format::iso_date(tge)));
        int period = 0;
        for (std::size_t m = 0; m < points; ++m) {
            year_month_day date = tge + months{static_cast<int>(m)};
            if (!date.ok()) date = date.year() / date.month() / last;  // Jan 31 + 1 month: Feb 28 (29)
            while (period < grid.size() && !(date < grid.end[static_cast<std::size_t>(period)])) ++period;
            if (period >= grid.size()) break;
            period_of[m] = period;
        }
    }
    const bool reacts = link.sell_when_blocked > 0.0 || link.sell_below_covenant > 0.0 || link.sell_on_default > 0.0 ||
                        link.demand_reacts();
    if (!reacts) return out;
    if (stochastic.empty())
        throw InputError("project", fmt::format("the sell_* and demand_* sensitivities need project Monte Carlo paths: '{}' "
                                                "has no stochastic: section",
                                                project_source));
    mc::ProjectMcOptions options;
    options.mc.paths = static_cast<std::uint64_t>(link.paths);
    options.mc.seed = spec.seed;
    options.equity_irr = false;
    const auto dumps = mc::dump_project_paths(project, stochastic, options, options.mc.paths);
    const double lockup_dscr = project.covenants.lockup_dscr;
    out.paths = dumps.size();
    out.flags.assign(out.paths * points, 0);
    for (std::size_t p = 0; p < dumps.size(); ++p) {
        const auto& d = dumps[p];
        const auto periods = static_cast<int>(d.distributions.size());
        bool defaulted = false;
        int scanned = -1;  // event-of-default flags read up to this period
        for (std::size_t m = 0; m < points; ++m) {
            const int period = period_of[m];
            if (period < 0 || period >= periods) break;  // after the project's life: no signal
            // A default in any period up to this one (construction periods never flag one).
            for (int t = scanned + 1; t <= period; ++t) defaulted = defaulted || d.event_of_default[static_cast<std::size_t>(t)] != 0;
            scanned = std::max(scanned, period);
            const auto t = static_cast<std::size_t>(period);
            std::uint8_t f = 0;
            if (d.lockup[t] != 0) f |= kBlocked;
            if (d.dscr[t] == d.dscr[t] && d.dscr[t] < lockup_dscr) f |= kBelowCovenant;  // NaN: no debt service
            if (defaulted) f |= kDefaulted;
            if (d.distributions[t] > 0.0) f |= kPaid;
            out.flags[p * points + m] = f;
        }
    }
    return out;
}

ProjectSignals load_project_signals(const Spec& spec) {
    PFT_REQUIRE(spec.project.enabled && !spec.project.file.empty(), "load_project_signals: no project file");
    const Project project = load_project(spec.project.file);
    const mc::StochasticSpec stochastic = mc::load_stochastic(spec.project.file);
    return project_signals(project, stochastic, spec, spec.project.file);
}

}  // namespace pftoken::integration::abm
