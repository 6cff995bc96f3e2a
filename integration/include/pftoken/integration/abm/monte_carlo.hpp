#pragma once
// `pftoken abm` Monte Carlo (docs/abm.md): R runs of the agent economy on per-run substreams of
// one master seed, spread over the shared thread pool, reduced into P10/P50/P90 bands per step
// (base/quantile.hpp, Hyndman-Fan type 7) and a summary; the tables the command writes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pftoken/base/progress.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/integration/abm/engine.hpp"

namespace pftoken::integration::abm {

struct McOptions {
    std::size_t runs = 100;
    std::uint64_t seed = 42;
    unsigned threads = 0;           ///< 0 = all cores; results are bit-identical for any count
    bool check_invariants = false;  ///< the ledger asserted after every step of every run
    ProgressCallback progress;      ///< called on the calling thread with (runs done, runs)
};

/// P10 / P50 / P90 of one quantity per step across runs.
struct Bands {
    std::vector<double> p10, p50, p90;
};

struct CohortSummary {
    std::string name;
    std::string role;
    std::int64_t agents = 0;      ///< holders: the cohort's agents; buyers: P50 of arrivals
    double received = 0.0;        ///< P50 tokens vested or bought
    double share_sold_p50 = 0.0;  ///< sold / (received + staking rewards)
    double pnl_p10 = 0.0, pnl_p50 = 0.0, pnl_p90 = 0.0;  ///< realised P&L (quote)
};

struct UnlockPrice {
    std::string cohort;
    int step = 0;
    double p10 = 0.0, p50 = 0.0, p90 = 0.0;
};

struct McResult {
    Spec spec;
    std::size_t runs = 0;
    std::array<Bands, kMetricCount> bands;
    /// Per cohort (buyers last): realised P&L to date [2c] and share sold to date [2c + 1], bands per step.
    std::vector<Bands> cohort_bands;
    std::vector<CohortSummary> cohorts;
    std::vector<UnlockPrice> unlocks;
    double drawdown_p10 = 0.0, drawdown_p50 = 0.0, drawdown_p90 = 0.0;  ///< max drawdown of the price
    double recovered_share = 0.0;   ///< runs whose price regained its pre-drawdown peak
    double recovery_p50 = 0.0;      ///< months from trough to recovery, recovered runs (NaN if none)
    double runway_p50 = 0.0;        ///< treasury quote / monthly spend at the horizon (NaN if no spend)
    double agents_p50 = 0.0;
    double treasury_lp_quote_p50 = 0.0;    ///< quote the treasury deployed as LP by the horizon
    bool project = false;                  ///< runs followed project Monte Carlo paths
    double dcf_value_per_token = 0.0;      ///< the project's DCF value of the token
    double signal_months_p50 = 0.0;        ///< months with a project signal (P50 over runs)
    double seconds = 0.0;
};

/// Every run of the Monte Carlo and its reduction; run r uses substream (seed, r).
[[nodiscard]] McResult run_abm(const Model& model, const McOptions& options);

/// One row per step: price bands, supply split, pool, volume, staking and treasury (P50; the
/// treasury's total value P10/P50/P90).
/// One row per step and cohort (buyers last): realised P&L to date and share sold to date (P50).
[[nodiscard]] Table abm_cohort_steps_table(const McResult& result);
[[nodiscard]] Table abm_steps_table(const McResult& result);
/// One row per cohort (buyers last): tokens received, share sold, realised P&L bands.
[[nodiscard]] Table abm_cohorts_table(const McResult& result);
/// Metric / value: drawdown, recovery, unlock prices, treasury (quote, runway, LP position, total
/// value), runs, agents.
[[nodiscard]] Table abm_summary_table(const McResult& result);

}  // namespace pftoken::integration::abm
