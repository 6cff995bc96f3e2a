#pragma once
// Aave v3 health factor, liquidation amounts (close factor, bonus, protocol fee) and loop leverage.
//
// Sources (docs/aave-math.md):
//   aave/aave-v3-core contracts/protocol/libraries/logic/GenericLogic.sol
//     @ fd045202d4f8a5db5823eaa51c2100c6c3a83f74 (calculateUserAccountData)
//   aave/aave-v3-core contracts/protocol/libraries/logic/LiquidationLogic.sol
//     @ e0bfed13240adeb7f05cb6cbe5e7ce78657f0621 (close factor,
//     _calculateAvailableCollateralToLiquidate)
// Amounts in base currency are integers (the oracle's unit, 8 decimals on Aave v3 markets).

#include <cstdint>
#include <span>

#include "pftoken/amm/aave/wad_ray_math.hpp"

namespace pftoken::amm::aave {

/// LiquidationLogic / ValidationLogic constants (wad and basis points).
inline constexpr U256 HEALTH_FACTOR_LIQUIDATION_THRESHOLD = WAD;                          // 1e18
inline constexpr U256 CLOSE_FACTOR_HF_THRESHOLD{std::uint64_t{950'000'000'000'000'000}};  // 0.95e18
inline constexpr std::uint16_t kDefaultCloseFactorBps = 5'000;
inline constexpr std::uint16_t kMaxCloseFactorBps = 10'000;

/// One reserve of a user's account valued in the base currency.
struct AccountAsset {
    U256 collateral_base;  ///< collateral enabled for the user, in base currency (0 if none)
    U256 debt_base;        ///< debt in base currency
    std::uint16_t liquidation_threshold_bps = 0;
};

/// GenericLogic.calculateUserAccountData (the parts the health factor uses).
struct AccountData {
    U256 total_collateral_base;
    U256 total_debt_base;
    U256 average_liquidation_threshold_bps;  ///< Σ collateral·LT / Σ collateral (integer division)
    U256 health_factor;                      ///< wad; U256::max() without debt
};

/// Value in base currency of `amount` base units: amount * price / 10^decimals (GenericLogic,
/// rounded down as the `unchecked` division there). Overflow on the checked product.
Result<U256> value_in_base(const U256& amount, const U256& price, unsigned decimals) noexcept;

/// Health factor = percentMul(total collateral, average LT) wadDiv total debt.
Result<AccountData> account_data(std::span<const AccountAsset> assets) noexcept;

struct LiquidationInputs {
    U256 health_factor;    ///< wad, from account_data
    U256 user_debt;        ///< variable debt of the debt asset, in its base units
    U256 debt_to_cover;    ///< what the liquidator offers to repay (uint256 max: all allowed)
    U256 user_collateral;  ///< collateral-asset balance, in its base units
    U256 debt_price;       ///< oracle prices in base currency
    U256 collateral_price;
    unsigned debt_decimals = 18;
    unsigned collateral_decimals = 18;
    std::uint16_t liquidation_bonus_bps = 10'500;  ///< 105.00%: 5% bonus
    std::uint16_t protocol_fee_bps = 0;            ///< share of the bonus taken by the treasury
};

struct Liquidation {
    bool allowed =
        false;  ///< health factor below 1 (else Aave reverts HEALTH_FACTOR_NOT_BELOW_THRESHOLD)
    std::uint16_t close_factor_bps = 0;
    U256 debt_repaid;  ///< debt burnt (actual debt to liquidate)
    U256 collateral_to_liquidator;
    U256 protocol_fee;  ///< collateral to the treasury
};

/// LiquidationLogic.executeLiquidationCall's amounts (v3.0-v3.2 close factor rule): close factor
/// 50% at health factor > 0.95, 100% at or below; collateral = debt value percentMul bonus, capped
/// by the balance (then the debt needed is recomputed by percentDiv); the protocol fee takes
/// percentMul(fee) of the bonus part.
Result<Liquidation> liquidation_amounts(const LiquidationInputs& inputs) noexcept;

/// Maximum leverage of an unbounded supply-borrow loop at loan-to-value `ltv` in [0, 1): 1/(1-ltv).
double max_loop_leverage(double ltv);
/// Leverage after `iterations` borrow-and-resupply rounds: (1 - ltv^(n+1)) / (1 - ltv).
double loop_leverage(double ltv, unsigned iterations);

}  // namespace pftoken::amm::aave
