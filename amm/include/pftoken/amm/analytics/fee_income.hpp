#pragma once
// Fee income and fee APR of an LP position from a traded-volume assumption.

#include <string>

namespace pftoken::amm::analytics {

/// A volume assumption and the position's place in the pool.
struct FeeIncomeOptions {
    double volumePerPeriod = 0.0;    ///< volume traded through the price range, in the fee token
    double feeRate = 0.003;          ///< fee fraction of the input (0.003 = 30 bp = 3000 pips)
    double protocolShare = 0.0;      ///< fraction of fees taken by the protocol (1/feeProtocol)
    double positionLiquidity = 0.0;  ///< the position's liquidity L (or v2 LP shares)
    double activeLiquidity = 0.0;    ///< active liquidity including the position (or total shares)
    double timeInRange = 1.0;        ///< fraction of the period the price is inside the range
    double positionValue = 0.0;      ///< position value in the fee token, for the APR
    double periodsPerYear = 365.0;   ///< e.g. 365 for daily volume

    [[nodiscard]] bool isValid(std::string* why = nullptr) const;
    void validate() const;
};

struct FeeIncome {
    double share = 0.0;            ///< positionLiquidity / activeLiquidity
    double incomePerPeriod = 0.0;  ///< volume * feeRate * (1 - protocolShare) * share * timeInRange
    double apr = 0.0;              ///< incomePerPeriod * periodsPerYear / positionValue (simple)
};

/// Fees accrue pro rata to in-range liquidity (Uniswap v3 whitepaper section 6.4: feeGrowthGlobal
/// grows by fee / L per unit of active liquidity), so a position earns its share of active
/// liquidity of every fee paid while the price is in its range.
[[nodiscard]] FeeIncome feeIncome(const FeeIncomeOptions& options);

}  // namespace pftoken::amm::analytics
