// Aave v3 ReserveLogic index accounting and DefaultReserveInterestRateStrategy (sources in the
// header).
#include "pftoken/amm/aave/reserve.hpp"

namespace pftoken::amm::aave {

namespace {
// SafeCast.toUint128 on the stored indexes.
constexpr bool fits_uint128(const U256& v) noexcept { return v.fits128(); }
}  // namespace

Result<U256> treasury_accrual_scaled(const U256& scaled_variable_debt,
                                     const U256& current_borrow_index,
                                     const U256& next_borrow_index,
                                     const U256& next_liquidity_index,
                                     std::uint16_t reserve_factor_bps, Version version) noexcept {
    if (reserve_factor_bps == 0) return U256{};
    U256 debt_accrued;
    if (directional_rounding(version)) {
        U256 index_growth;
        if (sub_underflow(next_borrow_index, current_borrow_index, index_growth))
            return Revert::Underflow;
        const Result<U256> accrued = ray_mul(scaled_variable_debt, index_growth, Rounding::Floor);
        if (!accrued) return accrued.error;
        debt_accrued = accrued.value;
    } else {
        const Result<U256> previous = ray_mul(scaled_variable_debt, current_borrow_index);
        if (!previous) return previous.error;
        const Result<U256> current = ray_mul(scaled_variable_debt, next_borrow_index);
        if (!current) return current.error;
        if (sub_underflow(current.value, previous.value, debt_accrued)) return Revert::Underflow;
    }
    const Result<U256> to_mint = percent_mul(debt_accrued, U256{reserve_factor_bps});
    if (!to_mint) return to_mint.error;
    if (to_mint.value.is_zero()) return U256{};
    const Result<U256> scaled = atoken_mint_scaled(to_mint.value, next_liquidity_index, version);
    if (!scaled) return scaled.error;
    if (!fits_uint128(scaled.value)) return Revert::Overflow;  // .toUint128()
    return scaled.value;
}

Revert update_state(ReserveState& reserve, std::uint64_t current_timestamp,
                    Version version) noexcept {
    if (current_timestamp == reserve.last_update_timestamp) return Revert::None;
    // The chain's clock never goes back; Solidity would only notice when a rate is non-zero.
    if (current_timestamp < reserve.last_update_timestamp) return Revert::Underflow;
    U256 next_liquidity_index = reserve.liquidity_index;
    U256 next_borrow_index = reserve.variable_borrow_index;

    // _updateIndexes
    if (!reserve.current_liquidity_rate.is_zero()) {
        const Result<U256> growth = calculate_linear_interest(
            reserve.current_liquidity_rate, reserve.last_update_timestamp, current_timestamp);
        if (!growth) return growth.error;
        const Result<U256> next = ray_mul(growth.value, reserve.liquidity_index);
        if (!next) return next.error;
        if (!fits_uint128(next.value)) return Revert::Overflow;
        next_liquidity_index = next.value;
    }
    if (!reserve.scaled_variable_debt.is_zero()) {
        const Result<U256> growth = calculate_compounded_interest(
            reserve.current_variable_borrow_rate, reserve.last_update_timestamp, current_timestamp,
            version);
        if (!growth) return growth.error;
        const Result<U256> next = ray_mul(growth.value, reserve.variable_borrow_index);
        if (!next) return next.error;
        if (!fits_uint128(next.value)) return Revert::Overflow;
        next_borrow_index = next.value;
    }

    // _accrueToTreasury
    const Result<U256> accrual = treasury_accrual_scaled(
        reserve.scaled_variable_debt, reserve.variable_borrow_index, next_borrow_index,
        next_liquidity_index, reserve.reserve_factor_bps, version);
    if (!accrual) return accrual.error;
    U256 treasury;
    if (add_overflow(reserve.accrued_to_treasury, accrual.value, treasury) ||
        !fits_uint128(treasury))
        return Revert::Overflow;

    reserve.liquidity_index = next_liquidity_index;
    reserve.variable_borrow_index = next_borrow_index;
    reserve.accrued_to_treasury = treasury;
    reserve.last_update_timestamp = current_timestamp;
    return Revert::None;
}

Result<U256> normalized_income(const ReserveState& reserve, std::uint64_t timestamp) noexcept {
    if (timestamp == reserve.last_update_timestamp) return reserve.liquidity_index;
    const Result<U256> growth = calculate_linear_interest(reserve.current_liquidity_rate,
                                                          reserve.last_update_timestamp, timestamp);
    if (!growth) return growth.error;
    return ray_mul(growth.value, reserve.liquidity_index);
}

Result<U256> normalized_debt(const ReserveState& reserve, std::uint64_t timestamp,
                             Version version) noexcept {
    if (timestamp == reserve.last_update_timestamp) return reserve.variable_borrow_index;
    const Result<U256> growth = calculate_compounded_interest(
        reserve.current_variable_borrow_rate, reserve.last_update_timestamp, timestamp, version);
    if (!growth) return growth.error;
    return ray_mul(growth.value, reserve.variable_borrow_index);
}

Result<InterestRates> calculate_interest_rates(const RateStrategy& strategy,
                                               const RateInputs& inputs) noexcept {
    InterestRates rates;
    rates.variable_borrow_rate = strategy.base_variable_borrow_rate;
    const U256& debt = inputs.total_variable_debt;
    if (debt.is_zero()) return rates;

    U256 liquidity_plus_debt, supply_denominator;
    if (add_overflow(inputs.available_liquidity, debt, liquidity_plus_debt) ||
        add_overflow(liquidity_plus_debt, inputs.unbacked, supply_denominator))
        return Revert::Overflow;
    const Result<U256> borrow_usage = ray_div(debt, liquidity_plus_debt);
    if (!borrow_usage) return borrow_usage.error;
    const Result<U256> supply_usage = ray_div(debt, supply_denominator);
    if (!supply_usage) return supply_usage.error;

    U256 increment;
    if (borrow_usage.value > strategy.optimal_usage_ratio) {
        const Result<U256> excess = ray_div(borrow_usage.value - strategy.optimal_usage_ratio,
                                            RAY - strategy.optimal_usage_ratio);
        if (!excess) return excess.error;
        const Result<U256> steep = ray_mul(strategy.variable_rate_slope2, excess.value);
        if (!steep) return steep.error;
        if (add_overflow(strategy.variable_rate_slope1, steep.value, increment))
            return Revert::Overflow;
    } else {
        const Result<U256> partial = ray_mul(strategy.variable_rate_slope1, borrow_usage.value);
        if (!partial) return partial.error;
        const Result<U256> scaled = ray_div(partial.value, strategy.optimal_usage_ratio);
        if (!scaled) return scaled.error;
        increment = scaled.value;
    }
    if (add_overflow(rates.variable_borrow_rate, increment, rates.variable_borrow_rate))
        return Revert::Overflow;

    U256 overall = rates.variable_borrow_rate;
    if (inputs.overall_rate_via_weighting) {
        const Result<U256> debt_ray = wad_to_ray(debt);
        if (!debt_ray) return debt_ray.error;
        const Result<U256> weighted = ray_mul(debt_ray.value, rates.variable_borrow_rate);
        if (!weighted) return weighted.error;
        const Result<U256> average = ray_div(weighted.value, debt_ray.value);
        if (!average) return average.error;
        overall = average.value;
    }
    if (inputs.reserve_factor_bps > 10'000)
        return Revert::Underflow;  // PERCENTAGE_FACTOR - reserveFactor
    const Result<U256> utilised = ray_mul(overall, supply_usage.value);
    if (!utilised) return utilised.error;
    const Result<U256> supply =
        percent_mul(utilised.value, U256{std::uint64_t{10'000u - inputs.reserve_factor_bps}});
    if (!supply) return supply.error;
    rates.liquidity_rate = supply.value;
    return rates;
}

Revert update_interest_rates(ReserveState& reserve, const RateStrategy& strategy,
                             const U256& liquidity_added, const U256& liquidity_taken,
                             Version version) noexcept {
    const Result<U256> total_debt =
        debt_balance(reserve.scaled_variable_debt, reserve.variable_borrow_index, version);
    if (!total_debt) return total_debt.error;
    U256 with_added, available;
    if (add_overflow(reserve.virtual_underlying_balance, liquidity_added, with_added))
        return Revert::Overflow;
    if (sub_underflow(with_added, liquidity_taken, available)) return Revert::Underflow;
    RateInputs inputs;
    inputs.available_liquidity = available;
    inputs.total_variable_debt = total_debt.value;
    inputs.unbacked = reserve.unbacked;
    inputs.reserve_factor_bps = reserve.reserve_factor_bps;
    const Result<InterestRates> rates = calculate_interest_rates(strategy, inputs);
    if (!rates) return rates.error;
    if (!fits_uint128(rates.value.liquidity_rate) ||
        !fits_uint128(rates.value.variable_borrow_rate) || !fits_uint128(available))
        return Revert::Overflow;  // toUint128 of the rates and of the virtual balance
    reserve.current_liquidity_rate = rates.value.liquidity_rate;
    reserve.current_variable_borrow_rate = rates.value.variable_borrow_rate;
    reserve.virtual_underlying_balance = available;
    return Revert::None;
}

}  // namespace pftoken::amm::aave
