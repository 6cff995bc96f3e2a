#pragma once
// Fee income and fee APR of an LP position from a traded-volume assumption.

#include <string>

namespace pftoken::amm::analytics {

/// A volume assumption and the position's place in the pool.
struct FeeIncomeOptions {
    double volume_per_period = 0.0;   ///< volume traded through the price range, in the fee token
    double fee_rate = 0.003;          ///< fee fraction of the input (0.003 = 30 bp = 3000 pips)
    double protocol_share = 0.0;      ///< fraction of fees taken by the protocol (1/fee_protocol)
    double position_liquidity = 0.0;  ///< the position's liquidity L (or v2 LP shares)
    double active_liquidity = 0.0;    ///< active liquidity including the position (or total shares)
    double time_in_range = 1.0;       ///< fraction of the period the price is inside the range
    double position_value = 0.0;      ///< position value in the fee token, for the APR
    double periods_per_year = 365.0;  ///< e.g. 365 for daily volume

    [[nodiscard]] bool is_valid(std::string* why = nullptr) const;
    void validate() const;
};

struct FeeIncome {
    double share = 0.0;  ///< position_liquidity / active_liquidity
    double income_per_period =
        0.0;           ///< volume * fee_rate * (1 - protocol_share) * share * time_in_range
    double apr = 0.0;  ///< income_per_period * periods_per_year / position_value (simple)
};

/// Fees accrue pro rata to in-range liquidity (Uniswap v3 whitepaper section 6.4: feeGrowthGlobal
/// grows by fee / L per unit of active liquidity), so a position earns its share of active
/// liquidity of every fee paid while the price is in its range.
[[nodiscard]] FeeIncome fee_income(const FeeIncomeOptions& options);

}  // namespace pftoken::amm::analytics
