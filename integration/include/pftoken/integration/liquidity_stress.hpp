#pragma once
// Liquidity stress on token pools: sell x% of a token's supply into its Uniswap v2 or v3 pool,
// withdraw y% of the pool's liquidity, or any sequence of both, and compare the realised exit
// price with the token's DCF value under the same scenario.
//
// Pools are described in a small YAML file (data/pools/*.yaml, schema in docs/stress.md) with
// the project token as token0 and a quote token (e.g. USDC) as token1, amounts in human units,
// price = quote per token. Both pool types run on the fast floating-point twins
// (pftoken::amm::fast): a stress trade is one large swap in human units, where the exact Q64.96
// models would need raw-unit scaling per token and give the same price to ~1e-12 (the AMM test
// suite cross-checks the twins against the exact pools and the swap vectors).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pftoken/amm/exact/uint256.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/model/project.hpp"
#include "pftoken/stress/engine.hpp"
#include "pftoken/stress/scenario.hpp"

namespace pftoken::integration {

/// A v3 position given by its price range and the quote value deposited at the pool price.
struct PoolPosition {
    double lower_price = 0.0;   ///< quote per token
    double upper_price = 0.0;
    double value = 0.0;         ///< quote value of the deposit at the initial price
};

struct PoolSpec {
    enum class Type { V2, V3 };
    Type type = Type::V2;
    std::string name;
    std::string token;          ///< project token symbol (token0)
    std::string quote = "USDC"; ///< quote token (token1)
    double fee = 0.003;         ///< fee as a fraction of the input (v3: converted to pips)
    /// Date the pool's price (reserves / price) was observed; `compare` and `report` value the
    /// project's debt at this date (docs/valuation-date.md). Empty: the project's valuation date.
    std::optional<CalendarDate> observation_date;
    // v2
    double reserve_token = 0.0;
    double reserve_quote = 0.0;
    // v3
    double price = 0.0;         ///< initial price, quote per token
    int tick_spacing = 60;
    std::vector<PoolPosition> positions;
    /// Pool price before any trade (quote per token).
    [[nodiscard]] double initial_price() const noexcept {
        return type == Type::V2 ? reserve_quote / reserve_token : price;
    }
};

/// Reads a pool YAML text; every problem is thrown at once (one InputError, the strict reader pftoken/base/yaml.hpp) with field paths and file:line:col,
/// e.g. `pool.positions[0].upper_price: must be > lower_price (900), got 800`.
[[nodiscard]] PoolSpec parse_pool(std::string_view yaml_text, const std::string& source_name);
[[nodiscard]] PoolSpec load_pool(const std::filesystem::path& path);

/// Refuses, as an input error, a pool whose token is not a token of `project` (a tranche's or the
/// equity's): "<pool_source>: pool.token: 'X' is not a token of project 'P' (its tokens: A, B)".
/// Commands call it after reading their inputs, before computing or writing anything.
void check_pool_token(const PoolSpec& pool, const Project& project, const std::string& pool_source);

/// One market action of a scenario, in order.
struct LiquidityStep {
    std::string action;         ///< "token_selloff" or "lp_withdrawal"
    double size = 0.0;          ///< share of supply sold / share of liquidity withdrawn
    double tokens_requested = 0.0;  ///< size x supply (sales)
    double tokens_sold = 0.0;   ///< executed (may fall short of the request when liquidity runs out)
    double quote_received = 0.0;
    double price_before = 0.0;
    double price_after = 0.0;
    double price_impact = 0.0;  ///< price_after / price_before - 1
    double exit_price = 0.0;    ///< quote_received / tokens_sold (NaN for a withdrawal)
    double discount_to_dcf = 0.0;  ///< exit_price / stressed DCF price per token - 1 (NaN for a withdrawal)
    double liquidity_removed_quote = 0.0;  ///< quote side withdrawn (withdrawals)
    double liquidity_removed_tokens = 0.0;
};

struct LiquidityStressResult {
    std::string scenario;
    bool ok = true;
    std::string error;
    std::string token;
    double supply = 0.0;
    double dcf_price_base = 0.0;       ///< DCF value per token, base case
    double dcf_price_stressed = 0.0;   ///< under the scenario's project shocks
    double pool_price_before = 0.0;
    double pool_price_after = 0.0;
    double total_price_impact = 0.0;   ///< after / before - 1 over the whole sequence
    double pool_premium_to_dcf = 0.0;  ///< pool price before / stressed DCF - 1
    double tokens_requested = 0.0;
    double tokens_sold = 0.0;
    double quote_received = 0.0;
    double exit_price = stress::kNaN;  ///< over all sales of the sequence
    double discount_to_dcf = stress::kNaN;
    std::vector<LiquidityStep> steps;
    /// What the pool holds after the sequence (not written to the outputs): v3 active liquidity
    /// (its integer 2^-32 units, converted) or v2 LP shares, and for v3 every position's units.
    /// Withdrawals burn from these units, so after withdrawing 100% both are exactly zero.
    double pool_liquidity_after = 0.0;
    std::vector<amm::u128> position_units_after;
};

/// Applies the market shocks of every scenario that has any (in their order) to a fresh copy
/// of the pool. `deterministic` must be the StressEngine summary of the same scenarios (same
/// order), which gives the stressed DCF prices. Failures are isolated per scenario.
[[nodiscard]] std::vector<LiquidityStressResult>
run_liquidity_stress(const PoolSpec& pool, const Project& project, const std::vector<stress::Scenario>& scenarios,
                     const stress::StressSummary& deterministic);

/// One sequence of market shocks on a pool; `dcf_price` is the value per token to compare with.
[[nodiscard]] LiquidityStressResult apply_market_shocks(const PoolSpec& pool, double supply, double dcf_price,
                                                        const std::vector<stress::Shock>& shocks);

/// One row per step of every scenario, then a "total" row for the sequence; a failed scenario
/// is one row with its error.
[[nodiscard]] Table liquidity_results(const std::vector<LiquidityStressResult>& results);
[[nodiscard]] std::string liquidity_csv(const std::vector<LiquidityStressResult>& results);  ///< to_csv(liquidity_results)
/// Aligned text for a terminal: one line per scenario.
[[nodiscard]] std::string liquidity_table(const std::vector<LiquidityStressResult>& results);
/// The JSON value with the same content as the CSV file (the `liquidity` section of stress.json).
[[nodiscard]] nlohmann::json liquidity_json(const std::vector<LiquidityStressResult>& results);

}  // namespace pftoken::integration
