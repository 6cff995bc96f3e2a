#pragma once
// `pftoken compare`: the DCF-vs-market report of one tranche token and its pool: fair value vs
// pool price, implied spread and volume haircut, arbitrage to fair value, liquidity allocation,
// scenario propagation and the market/model feedback loop.

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "pftoken/base/table.hpp"
#include "pftoken/integration/arbitrage.hpp"
#include "pftoken/integration/fair_value.hpp"
#include "pftoken/integration/feedback.hpp"
#include "pftoken/integration/implied.hpp"
#include "pftoken/integration/liquidity_allocation.hpp"
#include "pftoken/integration/liquidity_stress.hpp"
#include "pftoken/integration/propagation.hpp"
#include "pftoken/mc/stochastic.hpp"
#include "pftoken/model/project.hpp"

namespace pftoken::integration {

/// Paths of the fair-value regression: the --mc count, clamped to this range.
inline constexpr std::uint64_t kMinRegressionPaths = 2000;
inline constexpr std::uint64_t kMaxRegressionPaths = 20000;

struct CompareOptions {
    std::uint64_t mc_paths = 0;     ///< 0 = no Monte Carlo (needs the project's `stochastic` block)
    std::uint64_t seed = 42;
    double sale_share = 0.01;       ///< Q = sale_share x token supply (liquidity allocation, exit cost)
    double max_price_move = 0.05;   ///< x of the liquidity allocation
    PropagationOptions propagation; ///< exit_tokens is set to Q; seed to `seed`
    FeedbackOptions feedback;
    /// Progress of the Monte Carlo (paths done, total), reported about every 0.1 s; may be empty.
    std::function<void(std::uint64_t, std::uint64_t)> progress;
    [[nodiscard]] bool isValid(std::string* why = nullptr) const;
};

struct CompareReport {
    std::string project;
    CalendarDate date{};            ///< the date prices are compared at (the debt valuation date)
    std::string date_source;        ///< where `date` comes from, in words (printed with it)
    std::string pool_name;
    std::string pool_type;          ///< "v2" / "v3"
    std::string quote;
    FairValueResult fair;
    ImpliedSpreadResult spread;
    ImpliedHaircutResult haircut;
    ArbitrageResult arbitrage;
    LiquidityAllocationResult liquidity;
    std::vector<LifeLiquidityPoint> liquidity_life;  ///< the same depth over the token's life (liquidity_over_life)
    PropagationResult propagation;  ///< on Monte Carlo fair-value paths when options.mc_paths > 0, else GBM
    std::uint64_t regression_paths = 0;   ///< paths of the fair-value regression (0 = GBM)
    double regression_r2_horizon = std::numeric_limits<double>::quiet_NaN();  ///< R^2 on the last date
    FeedbackResult feedback;
};

/// The project as it is compared with `pool`: valued at the pool's observation date when the pool
/// gives one and the project does not (the same project when neither does, or both give the same
/// date). Throws InputError naming pool.observation_date when the two dates differ or the pool's
/// date lies outside the project's life. `date_source` (optional) gets the words `compare`
/// prints next to the date.
[[nodiscard]] Project project_at_pool_date(const Project& project, const PoolSpec& pool,
                                           std::string* date_source = nullptr);

/// Runs every part at the date of project_at_pool_date(). `stochastic` is required when
/// options.mc_paths > 0.
[[nodiscard]] CompareReport run_compare(const Project& project, const PoolSpec& pool,
                                        const mc::StochasticSpec* stochastic, const CompareOptions& options);

[[nodiscard]] std::string compare_table(const CompareReport& report);
/// The numbers of a report as a long table `section, field, value` (value: 12 significant digits in CSV).
[[nodiscard]] Table compare_fields_table(const CompareReport& report);
/// Long format `section,field,value` (one number per line; golden files compare it per field).
[[nodiscard]] std::string compare_csv(const CompareReport& report);
[[nodiscard]] std::string compare_json(const CompareReport& report);

}  // namespace pftoken::integration
