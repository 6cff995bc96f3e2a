// Fee income and APR from a volume assumption.
#include "pftoken/amm/analytics/fee_income.hpp"

#include <cmath>
#include <sstream>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::analytics {

bool FeeIncomeOptions::isValid(std::string* why) const {
    std::ostringstream msg;
    if (!(volumePerPeriod >= 0.0 && std::isfinite(volumePerPeriod))) {
        msg << "volumePerPeriod: must be finite and >= 0, got " << volumePerPeriod;
    } else if (!(feeRate >= 0.0 && feeRate < 1.0)) {
        msg << "feeRate: must be in [0, 1), got " << feeRate;
    } else if (!(protocolShare >= 0.0 && protocolShare <= 1.0)) {
        msg << "protocolShare: must be in [0, 1], got " << protocolShare;
    } else if (!(positionLiquidity >= 0.0)) {
        msg << "positionLiquidity: must be >= 0, got " << positionLiquidity;
    } else if (!(activeLiquidity > 0.0 && activeLiquidity >= positionLiquidity)) {
        msg << "activeLiquidity: must be > 0 and >= positionLiquidity " << positionLiquidity
            << ", got " << activeLiquidity;
    } else if (!(timeInRange >= 0.0 && timeInRange <= 1.0)) {
        msg << "timeInRange: must be in [0, 1], got " << timeInRange;
    } else if (!(positionValue > 0.0)) {
        msg << "positionValue: must be > 0, got " << positionValue;
    } else if (!(periodsPerYear > 0.0)) {
        msg << "periodsPerYear: must be > 0, got " << periodsPerYear;
    } else {
        return true;
    }
    if (why != nullptr) *why = msg.str();
    return false;
}

void FeeIncomeOptions::validate() const {
    std::string why;
    PFT_AMM_FAST_REQUIRE(isValid(&why), why);
}

FeeIncome feeIncome(const FeeIncomeOptions& options) {
    options.validate();
    FeeIncome result;
    result.share = options.positionLiquidity / options.activeLiquidity;
    result.incomePerPeriod = options.volumePerPeriod * options.feeRate *
                             (1.0 - options.protocolShare) * result.share * options.timeInRange;
    result.apr = result.incomePerPeriod * options.periodsPerYear / options.positionValue;
    return result;
}

}  // namespace pftoken::amm::analytics
