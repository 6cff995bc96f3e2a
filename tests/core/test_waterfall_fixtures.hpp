#pragma once
// Cash checks for the timeline / waterfall / valuation tests (their projects: support/builders.hpp).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "pftoken/model/project.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/kernel.hpp"
#include "support/builders.hpp"

namespace pftoken::kernel_testing {

using test::constant_cfads_project;
using test::fixed_tranche;

/// Cash conservation and account identities of every period of a run (1e-9 relative).
inline void expect_cash_conserved(const CompiledProject& cp, const WaterfallResults& r, const std::string& label) {
    for (int t = 0; t < r.periods; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        const double scale = std::max({1.0, std::abs(r.sources[ts]), std::abs(r.uses[ts])});
        ASSERT_NEAR(r.sources[ts], r.uses[ts], 1e-9 * scale) << label << ": sources != uses in period " << t;
        // Tranche balances move only by draws, capitalisation, repayments and prepayments.
        for (int k = 0; k < r.tranches; ++k) {
            const double opening = t > 0 ? r.at(r.tranche_balance, k, t - 1)
                                   : (cp.grid.construction_periods == 0 ? cp.tranches[static_cast<std::size_t>(k)].principal : 0.0);
            const double closing = opening + r.at(r.tranche_drawdown, k, t) + r.at(r.tranche_deferred, k, t) -
                                   r.at(r.tranche_principal_paid, k, t) - r.at(r.tranche_prepayment, k, t);
            const double bscale = std::max(1.0, cp.tranches[static_cast<std::size_t>(k)].principal);
            ASSERT_NEAR(r.at(r.tranche_balance, k, t), closing, 1e-9 * bscale)
                << label << ": tranche " << k << " balance identity in period " << t;
        }
        // DSRA: opening + interest + deposit - draw - release = closing.
        const double dsra_open = t == 0 ? (cp.grid.construction_periods == 0 ? r.close_dsra_funding : 0.0)
                                        : r.dsra_balance[ts - 1];
        ASSERT_NEAR(r.dsra_balance[ts],
                    dsra_open + r.dsra_interest[ts] + r.dsra_deposit[ts] - r.dsra_draw[ts] - r.dsra_release[ts],
                    1e-9 * std::max(1.0, dsra_open))
            << label << ": DSRA identity in period " << t;
    }
}

/// A project compiled once and run on its own workspace (drivers default to none).
struct KernelRun {
    CompiledProject cp;
    WaterfallWorkspace ws;
    explicit KernelRun(const Project& p) : cp(compile(p)), ws(cp) {}
    const WaterfallResults& run(const PeriodDrivers& d = {}) {
        run_waterfall(cp, d, ws);
        return ws.results;
    }
};

}  // namespace pftoken::kernel_testing
