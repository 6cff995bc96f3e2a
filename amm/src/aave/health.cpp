// Aave v3 health factor and liquidation amounts (sources in the header).
#include "pftoken/amm/aave/health.hpp"

#include <array>
#include <cmath>

#include "checked.hpp"
#include "pftoken/base/validate.hpp"

namespace pftoken::amm::aave {

namespace {
/// 10^decimals for decimals <= 77 (the largest power of ten below 2^256), from a table.
U256 pow10(unsigned decimals) noexcept {
    static constexpr auto table = [] {
        std::array<U256, 78> t{};
        t[0] = U256{1u};
        for (std::size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * U256{10u};
        return t;
    }();
    return table[decimals];
}
using detail::checked_mul;

/// Throws InputError "ltv: must be in [0, 1), got ..." unless 0 <= ltv < 1.
void require_ltv(double ltv, const char* function) {
    validation::Rules rules;
    rules.require("ltv", ltv, {validation::in_half_open(0.0, 1.0)});
    rules.throw_if_failed(function);
}
}  // namespace

Result<U256> value_in_base(const U256& amount, const U256& price, unsigned decimals) noexcept {
    if (decimals > 77) return Revert::Overflow;
    const Result<U256> product = checked_mul(amount, price);
    if (!product) return product.error;
    return product.value / pow10(decimals);
}

Result<AccountData> account_data(std::span<const AccountAsset> assets) noexcept {
    AccountData data;
    U256 weighted_threshold;
    for (const AccountAsset& asset : assets) {
        if (add_overflow(data.total_collateral_base, asset.collateral_base,
                         data.total_collateral_base) ||
            add_overflow(data.total_debt_base, asset.debt_base, data.total_debt_base))
            return Revert::Overflow;
        const Result<U256> weighted =
            checked_mul(asset.collateral_base, U256{asset.liquidation_threshold_bps});
        if (!weighted) return weighted.error;
        if (add_overflow(weighted_threshold, weighted.value, weighted_threshold))
            return Revert::Overflow;
    }
    if (!data.total_collateral_base.is_zero())
        data.average_liquidation_threshold_bps = weighted_threshold / data.total_collateral_base;
    if (data.total_debt_base.is_zero()) {
        data.health_factor = U256::max();
        return data;
    }
    const Result<U256> adjusted =
        percent_mul(data.total_collateral_base, data.average_liquidation_threshold_bps);
    if (!adjusted) return adjusted.error;
    const Result<U256> hf = wad_div(adjusted.value, data.total_debt_base);
    if (!hf) return hf.error;
    data.health_factor = hf.value;
    return data;
}

Result<Liquidation> liquidation_amounts(const LiquidationInputs& in) noexcept {
    Liquidation out;
    if (in.health_factor >= HEALTH_FACTOR_LIQUIDATION_THRESHOLD) return out;
    out.allowed = true;
    out.close_factor_bps =
        in.health_factor > CLOSE_FACTOR_HF_THRESHOLD ? kDefaultCloseFactorBps : kMaxCloseFactorBps;
    const Result<U256> max_liquidatable = percent_mul(in.user_debt, U256{out.close_factor_bps});
    if (!max_liquidatable) return max_liquidatable.error;
    const U256 debt_to_cover =
        in.debt_to_cover > max_liquidatable.value ? max_liquidatable.value : in.debt_to_cover;

    if (in.debt_decimals > 77 || in.collateral_decimals > 77) return Revert::Overflow;
    const U256 debt_unit = pow10(in.debt_decimals), collateral_unit = pow10(in.collateral_decimals);
    // baseCollateral = debtPrice * debtToCover * collateralUnit / (collateralPrice * debtUnit)
    Result<U256> numerator = checked_mul(in.debt_price, debt_to_cover);
    if (numerator) numerator = checked_mul(numerator.value, collateral_unit);
    if (!numerator) return numerator.error;
    const Result<U256> denominator = checked_mul(in.collateral_price, debt_unit);
    if (!denominator) return denominator.error;
    if (denominator.value.is_zero()) return Revert::DivisionByZero;
    const U256 base_collateral = numerator.value / denominator.value;
    const U256 bonus{in.liquidation_bonus_bps};
    const Result<U256> max_collateral = percent_mul(base_collateral, bonus);
    if (!max_collateral) return max_collateral.error;

    U256 collateral_amount = max_collateral.value;
    U256 debt_needed = debt_to_cover;
    if (max_collateral.value > in.user_collateral) {
        collateral_amount = in.user_collateral;
        Result<U256> n2 = checked_mul(in.collateral_price, collateral_amount);
        if (n2) n2 = checked_mul(n2.value, debt_unit);
        if (!n2) return n2.error;
        const Result<U256> d2 = checked_mul(in.debt_price, collateral_unit);
        if (!d2) return d2.error;
        if (d2.value.is_zero()) return Revert::DivisionByZero;
        const Result<U256> needed = percent_div(n2.value / d2.value, bonus);
        if (!needed) return needed.error;
        debt_needed = needed.value;
    }
    if (in.protocol_fee_bps != 0) {
        const Result<U256> without_bonus = percent_div(collateral_amount, bonus);
        if (!without_bonus) return without_bonus.error;
        const Result<U256> fee =
            percent_mul(collateral_amount - without_bonus.value, U256{in.protocol_fee_bps});
        if (!fee) return fee.error;
        out.protocol_fee = fee.value;
    }
    out.collateral_to_liquidator = collateral_amount - out.protocol_fee;
    out.debt_repaid = debt_needed;
    return out;
}

double max_loop_leverage(double ltv) {
    require_ltv(ltv, "max_loop_leverage");
    return 1.0 / (1.0 - ltv);
}

double loop_leverage(double ltv, unsigned iterations) {
    require_ltv(ltv, "loop_leverage");
    return (1.0 - std::pow(ltv, static_cast<double>(iterations) + 1.0)) / (1.0 - ltv);
}

}  // namespace pftoken::amm::aave
