// Constant-product pool in double precision (see the header for the formulas).
#include "pftoken/amm/fast/constant_product_pool.hpp"

#include <cmath>
#include <sstream>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::fast {

bool ConstantProductOptions::is_valid(std::string* why) const {
    std::ostringstream msg;
    const bool both_zero = reserve0 == 0.0 && reserve1 == 0.0;
    if (!(std::isfinite(reserve0) && reserve0 >= 0.0)) {
        msg << "reserve0: must be finite and >= 0, got " << reserve0;
    } else if (!(std::isfinite(reserve1) && reserve1 >= 0.0)) {
        msg << "reserve1: must be finite and >= 0, got " << reserve1;
    } else if (!both_zero && (reserve0 == 0.0 || reserve1 == 0.0)) {
        msg << "reserve0, reserve1: must be both 0 (empty pool) or both > 0, got " << reserve0
            << " and " << reserve1;
    } else if (!(fee >= 0.0 && fee < 1.0)) {
        msg << "fee: must be in [0, 1), got " << fee;
    } else {
        return true;
    }
    if (why != nullptr) *why = msg.str();
    return false;
}

void ConstantProductOptions::validate() const {
    std::string why;
    PFT_AMM_FAST_REQUIRE(is_valid(&why), why);
}

ConstantProductPool::ConstantProductPool(const ConstantProductOptions& options)
    : reserve0_(options.reserve0),
      reserve1_(options.reserve1),
      fee_(options.fee),
      total_shares_(0.0) {
    options.validate();
    total_shares_ = std::sqrt(reserve0_ * reserve1_);
}

double ConstantProductPool::quote_exact_in(bool zero_for_one, double amount_in) const noexcept {
    const double reserve_in = zero_for_one ? reserve0_ : reserve1_;
    const double reserve_out = zero_for_one ? reserve1_ : reserve0_;
    const double in_less_fee = amount_in * (1.0 - fee_);
    return in_less_fee * reserve_out / (reserve_in + in_less_fee);
}

double ConstantProductPool::quote_exact_out(bool zero_for_one, double amount_out) const noexcept {
    const double reserve_in = zero_for_one ? reserve0_ : reserve1_;
    const double reserve_out = zero_for_one ? reserve1_ : reserve0_;
    if (amount_out >= reserve_out) return HUGE_VAL;
    return reserve_in * amount_out / ((reserve_out - amount_out) * (1.0 - fee_));
}

double ConstantProductPool::quote_to_price(double target_price) const {
    PFT_AMM_FAST_REQUIRE(
        std::isfinite(target_price) && target_price > 0.0,
        "swap_to_price.target_price: must be finite and > 0, got " << target_price);
    PFT_AMM_FAST_REQUIRE(total_shares_ > 0.0, "swap_to_price: the pool has no liquidity");
    const bool zero_for_one = target_price < price();
    const double reserve_in = zero_for_one ? reserve0_ : reserve1_;
    // q - R_in^2 written without cancellation: R0 (R1/p - R0) for token0 in, R1 (R0 p - R1) else.
    const double constant_term = zero_for_one ? reserve0_ * (reserve1_ / target_price - reserve0_)
                                              : reserve1_ * (reserve0_ * target_price - reserve1_);
    if (!(constant_term > 0.0)) return 0.0;
    const double g = 1.0 - fee_;
    const double linear = reserve_in * (1.0 + g);
    // Root of g a^2 + linear a - constant_term = 0 in the form that does not cancel:
    // a = 2 c / (b + sqrt(b^2 + 4 g c)).
    return 2.0 * constant_term / (linear + std::sqrt(linear * linear + 4.0 * g * constant_term));
}

ConstantProductSwap ConstantProductPool::swap_exact_in(bool zero_for_one, double amount_in) {
    PFT_AMM_FAST_REQUIRE(amount_in > 0.0 && std::isfinite(amount_in),
                         "swap_exact_in.amount_in: must be finite and > 0, got " << amount_in);
    PFT_AMM_FAST_REQUIRE(total_shares_ > 0.0, "swap_exact_in: the pool has no liquidity");
    const double out = quote_exact_in(zero_for_one, amount_in);
    const double fee_paid = amount_in * fee_;
    if (zero_for_one) {
        reserve0_ += amount_in;
        reserve1_ -= out;
        fees_accrued0_ += fee_paid;
    } else {
        reserve1_ += amount_in;
        reserve0_ -= out;
        fees_accrued1_ += fee_paid;
    }
    return {amount_in, out, fee_paid};
}

ConstantProductSwap ConstantProductPool::swap_exact_out(bool zero_for_one, double amount_out) {
    const double reserve_out = zero_for_one ? reserve1_ : reserve0_;
    PFT_AMM_FAST_REQUIRE(amount_out > 0.0 && amount_out < reserve_out,
                         "swap_exact_out.amount_out: must be > 0 and below the output reserve "
                             << reserve_out << ", got " << amount_out);
    const double in = quote_exact_out(zero_for_one, amount_out);
    const double fee_paid = in * fee_;
    if (zero_for_one) {
        reserve0_ += in;
        reserve1_ -= amount_out;
        fees_accrued0_ += fee_paid;
    } else {
        reserve1_ += in;
        reserve0_ -= amount_out;
        fees_accrued1_ += fee_paid;
    }
    return {in, amount_out, fee_paid};
}

ConstantProductSwap ConstantProductPool::swap_to_price(double target_price) {
    const double in = quote_to_price(target_price);
    if (in == 0.0) return {};
    const bool zero_for_one = target_price < price();
    const double reserve_in = zero_for_one ? reserve0_ : reserve1_;
    const double reserve_out = zero_for_one ? reserve1_ : reserve0_;
    // Set the output reserve from the target price itself so the pool lands on it to rounding.
    const double new_reserve_in = reserve_in + in;
    const double new_reserve_out =
        zero_for_one ? new_reserve_in * target_price : new_reserve_in / target_price;
    const double out = reserve_out - new_reserve_out;
    const double fee_paid = in * fee_;
    if (zero_for_one) {
        reserve0_ = new_reserve_in;
        reserve1_ = new_reserve_out;
        fees_accrued0_ += fee_paid;
    } else {
        reserve1_ = new_reserve_in;
        reserve0_ = new_reserve_out;
        fees_accrued1_ += fee_paid;
    }
    return {in, out, fee_paid};
}

LiquidityChange ConstantProductPool::add_liquidity(double amount0, double amount1) {
    PFT_AMM_FAST_REQUIRE(amount0 > 0.0 && std::isfinite(amount0),
                         "add_liquidity.amount0: must be finite and > 0, got " << amount0);
    PFT_AMM_FAST_REQUIRE(amount1 > 0.0 && std::isfinite(amount1),
                         "add_liquidity.amount1: must be finite and > 0, got " << amount1);
    double shares = 0.0;
    if (total_shares_ == 0.0) {
        shares = std::sqrt(amount0 * amount1);
    } else {
        shares =
            std::fmin(amount0 * total_shares_ / reserve0_, amount1 * total_shares_ / reserve1_);
    }
    reserve0_ += amount0;
    reserve1_ += amount1;
    total_shares_ += shares;
    return {amount0, amount1, shares};
}

LiquidityChange ConstantProductPool::remove_liquidity(double shares) {
    PFT_AMM_FAST_REQUIRE(shares > 0.0 && shares <= total_shares_,
                         "remove_liquidity.shares: must be > 0 and <= total_shares "
                             << total_shares_ << ", got " << shares);
    const double fraction = shares / total_shares_;
    const double amount0 = reserve0_ * fraction;
    const double amount1 = reserve1_ * fraction;
    if (shares == total_shares_) {
        reserve0_ = 0.0;
        reserve1_ = 0.0;
        total_shares_ = 0.0;
    } else {
        reserve0_ -= amount0;
        reserve1_ -= amount1;
        total_shares_ -= shares;
    }
    return {amount0, amount1, shares};
}

}  // namespace pftoken::amm::fast
