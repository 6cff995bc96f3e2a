#pragma once
// Aave v3 reserve state: index updates, treasury accrual, scaled aToken / variable debt balances.
//
// Sources (docs/aave-math.md):
//   v3.0-v3.4: aave/aave-v3-core contracts/protocol/libraries/logic/ReserveLogic.sol
//              @ 2bafef0f6308943f8a8ec3c29ddcb3c8767e9ad2 (_updateIndexes, _accrueToTreasury;
//              AToken/VariableDebtToken mint and burn with rayDiv, balances with rayMul)
//   v3.5:      aave-dao/aave-v3-origin src/contracts/protocol/libraries/logic/ReserveLogic.sol and
//              src/contracts/protocol/libraries/helpers/TokenMath.sol
//              @ 070cd23d949d828ad78d098ef481c2049f5eabb6 (directional rounding)
// Stable-rate debt (removed in v3.2, zero on every live v3.0-v3.1 market of interest) is not
// modelled.

#include <cstdint>

#include "pftoken/amm/aave/math_utils.hpp"

namespace pftoken::amm::aave {

// ---- scaled balances (AToken / VariableDebtToken, TokenMath in v3.5) ----
// Before v3.5 every conversion is the half-up rayDiv / rayMul. v3.5 rounds in the protocol's
// favour:

/// Scaled aTokens minted for a supply of `amount`: rayDiv (v3.5: floor).
inline Result<U256> atoken_mint_scaled(const U256& amount, const U256& liquidity_index,
                                       Version v) noexcept {
    return ray_div(amount, liquidity_index,
                   directional_rounding(v) ? Rounding::Floor : Rounding::HalfUp);
}
/// Scaled aTokens burnt for a withdrawal of `amount`: rayDiv (v3.5: ceil; transfers round the same
/// way).
inline Result<U256> atoken_burn_scaled(const U256& amount, const U256& liquidity_index,
                                       Version v) noexcept {
    return ray_div(amount, liquidity_index,
                   directional_rounding(v) ? Rounding::Ceil : Rounding::HalfUp);
}
/// aToken balance of a scaled balance: rayMul (v3.5: floor).
inline Result<U256> atoken_balance(const U256& scaled, const U256& liquidity_index,
                                   Version v) noexcept {
    return ray_mul(scaled, liquidity_index,
                   directional_rounding(v) ? Rounding::Floor : Rounding::HalfUp);
}
/// Scaled variable debt minted for a borrow of `amount`: rayDiv (v3.5: ceil).
inline Result<U256> debt_mint_scaled(const U256& amount, const U256& borrow_index,
                                     Version v) noexcept {
    return ray_div(amount, borrow_index,
                   directional_rounding(v) ? Rounding::Ceil : Rounding::HalfUp);
}
/// Scaled variable debt burnt for a repayment of `amount`: rayDiv (v3.5: floor).
inline Result<U256> debt_burn_scaled(const U256& amount, const U256& borrow_index,
                                     Version v) noexcept {
    return ray_div(amount, borrow_index,
                   directional_rounding(v) ? Rounding::Floor : Rounding::HalfUp);
}
/// Variable debt of a scaled balance: rayMul (v3.5: ceil).
inline Result<U256> debt_balance(const U256& scaled, const U256& borrow_index, Version v) noexcept {
    return ray_mul(scaled, borrow_index,
                   directional_rounding(v) ? Rounding::Ceil : Rounding::HalfUp);
}

// ---- reserve ----

/// The part of ReserveData/ReserveCache the index accounting reads and writes. Indexes and rates
/// are rays (uint128 on chain), amounts in the asset's base units.
struct ReserveState {
    U256 liquidity_index = RAY;
    U256 variable_borrow_index = RAY;
    U256 current_liquidity_rate;        ///< ray per year, applied linearly to the liquidity index
    U256 current_variable_borrow_rate;  ///< ray per year, compounded into the borrow index
    std::uint64_t last_update_timestamp = 0;
    U256 scaled_variable_debt;  ///< VariableDebtToken.scaledTotalSupply()
    /// Scaled aTokens owed to the treasury (minted later by mintToTreasury).
    U256 accrued_to_treasury;
    /// Underlying held by the aToken as the pool accounts it (v3.1+ virtual balance).
    U256 virtual_underlying_balance;
    /// Unbacked aTokens (portals, v3.0-v3.2) or the reserve's deficit (v3.3+).
    U256 unbacked;
    /// Share of borrow interest kept by the treasury, <= 10000.
    std::uint16_t reserve_factor_bps = 0;
};

/// ReserveLogic.updateState at `current_timestamp`: _updateIndexes then _accrueToTreasury, then the
/// timestamp. The liquidity index grows only when the liquidity rate is non-zero, the borrow index
/// only when there is variable debt. On a revert (`Overflow` for an index beyond uint128, as
/// SafeCast.toUint128; `Underflow` for a timestamp in the past) `reserve` is left unchanged.
[[nodiscard]] Revert update_state(ReserveState& reserve, std::uint64_t current_timestamp,
                                  Version version) noexcept;

/// The scaled amount _accrueToTreasury adds for the move of the borrow index from `current` to
/// `next` (liquidity index `next_liquidity_index`):
///   v3.0-v3.4: percentMul(rayMul(s, next) - rayMul(s, current), rf) rayDiv nextLiquidityIndex
///   v3.5:      percentMul(rayMulFloor(s, next - current), rf) rayDivFloor nextLiquidityIndex
Result<U256> treasury_accrual_scaled(const U256& scaled_variable_debt,
                                     const U256& current_borrow_index,
                                     const U256& next_borrow_index,
                                     const U256& next_liquidity_index,
                                     std::uint16_t reserve_factor_bps, Version version) noexcept;

/// ReserveLogic.getNormalizedIncome: the liquidity index the reserve would have at `timestamp`.
Result<U256> normalized_income(const ReserveState& reserve, std::uint64_t timestamp) noexcept;
/// ReserveLogic.getNormalizedDebt: the borrow index the reserve would have at `timestamp`.
Result<U256> normalized_debt(const ReserveState& reserve, std::uint64_t timestamp,
                             Version version) noexcept;

// ---- interest rate strategy ----

/// DefaultReserveInterestRateStrategy(V2) parameters, all rays (V2 stores basis points and
/// multiplies by 1e23: `ray_from_bps`).
struct RateStrategy {
    U256 optimal_usage_ratio;  ///< in (0, RAY)
    U256 base_variable_borrow_rate;
    U256 variable_rate_slope1;
    U256 variable_rate_slope2;
};

/// DefaultReserveInterestRateStrategyV2._bpsToRay: n * 1e23.
inline constexpr U256 ray_from_bps(std::uint32_t bps) noexcept {
    return U256{u128{bps} * 100'000'000'000'000ull * 1'000'000'000ull};
}

struct RateInputs {
    U256 available_liquidity;  ///< virtual underlying balance + liquidity added - liquidity taken
    U256 total_variable_debt;  ///< scaled debt * borrow index
    U256 unbacked;             ///< unbacked aTokens (v3.0-v3.3 portals) / deficit (v3.3+)
    std::uint16_t reserve_factor_bps = 0;
    /// v3.0-v3.1 `_getOverallBorrowRate` with no stable debt:
    /// rayDiv(rayMul(wadToRay(debt), rate), wadToRay(debt)), which can differ from the rate by
    /// rounding; v3.2+ use the variable rate itself.
    bool overall_rate_via_weighting = false;
};

struct InterestRates {
    U256 liquidity_rate;        ///< ray, the supply APR fed to the linear index
    U256 variable_borrow_rate;  ///< ray, the borrow APR fed to the compounded index
};

/// DefaultReserveInterestRateStrategy.calculateInterestRates:
///   borrowUsage = debt rayDiv (available + debt), supplyUsage = debt rayDiv (available + debt +
///   unbacked); borrow = base + slope1 rayMul borrowUsage rayDiv optimal                 (usage <=
///   optimal)
///          = base + slope1 + slope2 rayMul ((usage - optimal) rayDiv (RAY - optimal))  (above)
///   supply = borrow rayMul supplyUsage percentMul (1e4 - reserve factor).
/// No debt: supply rate 0, borrow rate = base.
Result<InterestRates> calculate_interest_rates(const RateStrategy& strategy,
                                               const RateInputs& inputs) noexcept;

/// ReserveLogic.updateInterestRatesAndVirtualBalance after an action that added or took
/// liquidity (supply/repay add, withdraw/borrow take; call update_state first and apply the scaled
/// debt change to `reserve.scaled_variable_debt` before): total debt = debt_balance(scaled debt,
/// borrow index), rates from `strategy` on available = virtual balance + added - taken, then the
/// virtual balance moves. Rates must fit uint128 (SafeCast); on a revert `reserve` is unchanged.
[[nodiscard]] Revert update_interest_rates(ReserveState& reserve, const RateStrategy& strategy,
                                           const U256& liquidity_added, const U256& liquidity_taken,
                                           Version version) noexcept;

}  // namespace pftoken::amm::aave
