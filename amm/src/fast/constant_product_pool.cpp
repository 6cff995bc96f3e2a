// Constant-product pool in double precision (see the header for the formulas).
#include "pftoken/amm/fast/constant_product_pool.hpp"

#include <cmath>
#include <sstream>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::fast {

bool ConstantProductOptions::isValid(std::string* why) const {
    std::ostringstream msg;
    const bool bothZero = reserve0 == 0.0 && reserve1 == 0.0;
    if (!(std::isfinite(reserve0) && reserve0 >= 0.0)) {
        msg << "reserve0: must be finite and >= 0, got " << reserve0;
    } else if (!(std::isfinite(reserve1) && reserve1 >= 0.0)) {
        msg << "reserve1: must be finite and >= 0, got " << reserve1;
    } else if (!bothZero && (reserve0 == 0.0 || reserve1 == 0.0)) {
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
    PFT_AMM_FAST_REQUIRE(isValid(&why), why);
}

ConstantProductPool::ConstantProductPool(const ConstantProductOptions& options)
    : reserve0_(options.reserve0),
      reserve1_(options.reserve1),
      fee_(options.fee),
      totalShares_(0.0) {
    options.validate();
    totalShares_ = std::sqrt(reserve0_ * reserve1_);
}

double ConstantProductPool::quoteExactIn(bool zeroForOne, double amountIn) const noexcept {
    const double reserveIn = zeroForOne ? reserve0_ : reserve1_;
    const double reserveOut = zeroForOne ? reserve1_ : reserve0_;
    const double inLessFee = amountIn * (1.0 - fee_);
    return inLessFee * reserveOut / (reserveIn + inLessFee);
}

double ConstantProductPool::quoteExactOut(bool zeroForOne, double amountOut) const noexcept {
    const double reserveIn = zeroForOne ? reserve0_ : reserve1_;
    const double reserveOut = zeroForOne ? reserve1_ : reserve0_;
    if (amountOut >= reserveOut) return HUGE_VAL;
    return reserveIn * amountOut / ((reserveOut - amountOut) * (1.0 - fee_));
}

double ConstantProductPool::quoteToPrice(double targetPrice) const {
    PFT_AMM_FAST_REQUIRE(std::isfinite(targetPrice) && targetPrice > 0.0,
                         "swapToPrice.targetPrice: must be finite and > 0, got " << targetPrice);
    PFT_AMM_FAST_REQUIRE(totalShares_ > 0.0, "swapToPrice: the pool has no liquidity");
    const bool zeroForOne = targetPrice < price();
    const double reserveIn = zeroForOne ? reserve0_ : reserve1_;
    // q - R_in^2 written without cancellation: R0 (R1/p - R0) for token0 in, R1 (R0 p - R1) else.
    const double constantTerm = zeroForOne ? reserve0_ * (reserve1_ / targetPrice - reserve0_)
                                           : reserve1_ * (reserve0_ * targetPrice - reserve1_);
    if (!(constantTerm > 0.0)) return 0.0;
    const double g = 1.0 - fee_;
    const double linear = reserveIn * (1.0 + g);
    // Root of g a^2 + linear a - constantTerm = 0 in the form that does not cancel:
    // a = 2 c / (b + sqrt(b^2 + 4 g c)).
    return 2.0 * constantTerm / (linear + std::sqrt(linear * linear + 4.0 * g * constantTerm));
}

ConstantProductSwap ConstantProductPool::swapExactIn(bool zeroForOne, double amountIn) {
    PFT_AMM_FAST_REQUIRE(amountIn > 0.0 && std::isfinite(amountIn),
                         "swapExactIn.amountIn: must be finite and > 0, got " << amountIn);
    PFT_AMM_FAST_REQUIRE(totalShares_ > 0.0, "swapExactIn: the pool has no liquidity");
    const double out = quoteExactIn(zeroForOne, amountIn);
    const double feePaid = amountIn * fee_;
    if (zeroForOne) {
        reserve0_ += amountIn;
        reserve1_ -= out;
        feesAccrued0_ += feePaid;
    } else {
        reserve1_ += amountIn;
        reserve0_ -= out;
        feesAccrued1_ += feePaid;
    }
    return {amountIn, out, feePaid};
}

ConstantProductSwap ConstantProductPool::swapExactOut(bool zeroForOne, double amountOut) {
    const double reserveOut = zeroForOne ? reserve1_ : reserve0_;
    PFT_AMM_FAST_REQUIRE(amountOut > 0.0 && amountOut < reserveOut,
                         "swapExactOut.amountOut: must be > 0 and below the output reserve "
                             << reserveOut << ", got " << amountOut);
    const double in = quoteExactOut(zeroForOne, amountOut);
    const double feePaid = in * fee_;
    if (zeroForOne) {
        reserve0_ += in;
        reserve1_ -= amountOut;
        feesAccrued0_ += feePaid;
    } else {
        reserve1_ += in;
        reserve0_ -= amountOut;
        feesAccrued1_ += feePaid;
    }
    return {in, amountOut, feePaid};
}

ConstantProductSwap ConstantProductPool::swapToPrice(double targetPrice) {
    const double in = quoteToPrice(targetPrice);
    if (in == 0.0) return {};
    const bool zeroForOne = targetPrice < price();
    const double reserveIn = zeroForOne ? reserve0_ : reserve1_;
    const double reserveOut = zeroForOne ? reserve1_ : reserve0_;
    // Set the output reserve from the target price itself so the pool lands on it to rounding.
    const double newReserveIn = reserveIn + in;
    const double newReserveOut =
        zeroForOne ? newReserveIn * targetPrice : newReserveIn / targetPrice;
    const double out = reserveOut - newReserveOut;
    const double feePaid = in * fee_;
    if (zeroForOne) {
        reserve0_ = newReserveIn;
        reserve1_ = newReserveOut;
        feesAccrued0_ += feePaid;
    } else {
        reserve1_ = newReserveIn;
        reserve0_ = newReserveOut;
        feesAccrued1_ += feePaid;
    }
    return {in, out, feePaid};
}

LiquidityChange ConstantProductPool::addLiquidity(double amount0, double amount1) {
    PFT_AMM_FAST_REQUIRE(amount0 > 0.0 && std::isfinite(amount0),
                         "addLiquidity.amount0: must be finite and > 0, got " << amount0);
    PFT_AMM_FAST_REQUIRE(amount1 > 0.0 && std::isfinite(amount1),
                         "addLiquidity.amount1: must be finite and > 0, got " << amount1);
    double shares = 0.0;
    if (totalShares_ == 0.0) {
        shares = std::sqrt(amount0 * amount1);
    } else {
        shares = std::fmin(amount0 * totalShares_ / reserve0_, amount1 * totalShares_ / reserve1_);
    }
    reserve0_ += amount0;
    reserve1_ += amount1;
    totalShares_ += shares;
    return {amount0, amount1, shares};
}

LiquidityChange ConstantProductPool::removeLiquidity(double shares) {
    PFT_AMM_FAST_REQUIRE(shares > 0.0 && shares <= totalShares_,
                         "removeLiquidity.shares: must be > 0 and <= totalShares "
                             << totalShares_ << ", got " << shares);
    const double fraction = shares / totalShares_;
    const double amount0 = reserve0_ * fraction;
    const double amount1 = reserve1_ * fraction;
    if (shares == totalShares_) {
        reserve0_ = 0.0;
        reserve1_ = 0.0;
        totalShares_ = 0.0;
    } else {
        reserve0_ -= amount0;
        reserve1_ -= amount1;
        totalShares_ -= shares;
    }
    return {amount0, amount1, shares};
}

}  // namespace pftoken::amm::fast
