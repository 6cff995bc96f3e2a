// Fee income and APR from a volume assumption.
#include "pftoken/amm/analytics/fee_income.hpp"

#include <cmath>
#include <sstream>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::analytics {

bool FeeIncomeOptions::is_valid(std::string* why) const {
    std::ostringstream msg;
    if (!(volume_per_period >= 0.0 && std::isfinite(volume_per_period))) {
        msg << "volume_per_period: must be finite and >= 0, got " << volume_per_period;
    } else if (!(fee_rate >= 0.0 && fee_rate < 1.0)) {
        msg << "fee_rate: must be in [0, 1), got " << fee_rate;
    } else if (!(protocol_share >= 0.0 && protocol_share <= 1.0)) {
        msg << "protocol_share: must be in [0, 1], got " << protocol_share;
    } else if (!(position_liquidity >= 0.0)) {
        msg << "position_liquidity: must be >= 0, got " << position_liquidity;
    } else if (!(active_liquidity > 0.0 && active_liquidity >= position_liquidity)) {
        msg << "active_liquidity: must be > 0 and >= position_liquidity " << position_liquidity
            << ", got " << active_liquidity;
    } else if (!(time_in_range >= 0.0 && time_in_range <= 1.0)) {
        msg << "time_in_range: must be in [0, 1], got " << time_in_range;
    } else if (!(position_value > 0.0)) {
        msg << "position_value: must be > 0, got " << position_value;
    } else if (!(periods_per_year > 0.0)) {
        msg << "periods_per_year: must be > 0, got " << periods_per_year;
    } else {
        return true;
    }
    if (why != nullptr) *why = msg.str();
    return false;
}

void FeeIncomeOptions::validate() const {
    std::string why;
    PFT_AMM_FAST_REQUIRE(is_valid(&why), why);
}

FeeIncome fee_income(const FeeIncomeOptions& options) {
    options.validate();
    FeeIncome result;
    result.share = options.position_liquidity / options.active_liquidity;
    result.income_per_period = options.volume_per_period * options.fee_rate *
                               (1.0 - options.protocol_share) * result.share *
                               options.time_in_range;
    result.apr = result.income_per_period * options.periods_per_year / options.position_value;
    return result;
}

}  // namespace pftoken::amm::analytics
