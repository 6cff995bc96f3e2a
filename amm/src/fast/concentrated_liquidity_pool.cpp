// Concentrated-liquidity pool in double precision: UniswapV3Pool's swap loop and position
// accounting with SqrtPriceMath / SwapMath in real numbers.
#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::fast {
namespace {

constexpr double kPipsPerUnit = 1e6;

// SqrtPriceMath.getAmount0Delta / getAmount1Delta without rounding, for sqrtA <= sqrtB.
inline double amount0Delta(double sqrtA, double sqrtB, double liquidity) noexcept {
    return liquidity * (sqrtB - sqrtA) / (sqrtA * sqrtB);
}
inline double amount1Delta(double sqrtA, double sqrtB, double liquidity) noexcept {
    return liquidity * (sqrtB - sqrtA);
}

struct Step {
    double sqrtPriceNext;
    double amountIn;
    double amountOut;
    double feeAmount;
    bool exhausted;  // the specified amount is used up inside this step
};

// SwapMath.computeSwapStep in real numbers. `remaining` > 0: exact input left; < 0: exact
// output left. Partial steps use the closed forms of the new price and of the other amount that
// avoid subtracting nearly equal sqrt prices:
//   token0 in a:  s' = L s / (L + a s),  out1 = a s s'     token1 in a:  s' = s + a / L,  out0 = a
//   / (s s') token1 out b: s' = s - b / L,        in0 = b / (s s')   token0 out a: s' = L s / (L -
//   a s), in1 = a s s'
inline Step computeSwapStep(bool zeroForOne, double sqrtPrice, double sqrtTarget, double liquidity,
                            double remaining, double feePips) noexcept {
    Step step{};
    const double feeOnInput = feePips / (kPipsPerUnit - feePips);
    if (remaining > 0.0) {
        const double lessFee = remaining * ((kPipsPerUnit - feePips) / kPipsPerUnit);
        const double inToTarget = zeroForOne ? amount0Delta(sqrtTarget, sqrtPrice, liquidity)
                                             : amount1Delta(sqrtPrice, sqrtTarget, liquidity);
        if (lessFee >= inToTarget) {
            step.sqrtPriceNext = sqrtTarget;
            step.amountIn = inToTarget;
            step.amountOut = zeroForOne ? amount1Delta(sqrtTarget, sqrtPrice, liquidity)
                                        : amount0Delta(sqrtPrice, sqrtTarget, liquidity);
            step.feeAmount = inToTarget * feeOnInput;
        } else {
            step.amountIn = lessFee;
            if (zeroForOne) {
                const double next = liquidity * sqrtPrice / (liquidity + lessFee * sqrtPrice);
                step.sqrtPriceNext = std::max(next, sqrtTarget);
                step.amountOut = lessFee * sqrtPrice * step.sqrtPriceNext;
            } else {
                const double next = sqrtPrice + lessFee / liquidity;
                step.sqrtPriceNext = std::min(next, sqrtTarget);
                step.amountOut = lessFee / (sqrtPrice * step.sqrtPriceNext);
            }
            step.feeAmount = remaining - lessFee;
            step.exhausted = true;
        }
    } else {
        const double wanted = -remaining;
        const double outToTarget = zeroForOne ? amount1Delta(sqrtTarget, sqrtPrice, liquidity)
                                              : amount0Delta(sqrtPrice, sqrtTarget, liquidity);
        if (wanted >= outToTarget) {
            step.sqrtPriceNext = sqrtTarget;
            step.amountOut = outToTarget;
            step.amountIn = zeroForOne ? amount0Delta(sqrtTarget, sqrtPrice, liquidity)
                                       : amount1Delta(sqrtPrice, sqrtTarget, liquidity);
        } else {
            step.amountOut = wanted;
            if (zeroForOne) {
                const double next = sqrtPrice - wanted / liquidity;
                step.sqrtPriceNext = std::max(next, sqrtTarget);
                step.amountIn = wanted / (sqrtPrice * step.sqrtPriceNext);
            } else {
                const double next = liquidity * sqrtPrice / (liquidity - wanted * sqrtPrice);
                step.sqrtPriceNext = std::min(next, sqrtTarget);
                step.amountIn = wanted * sqrtPrice * step.sqrtPriceNext;
            }
            step.exhausted = true;
        }
        step.feeAmount = step.amountIn * feeOnInput;
    }
    return step;
}

}  // namespace

bool ConcentratedLiquidityOptions::isValid(std::string* why) const {
    std::ostringstream msg;
    const auto protocolOk = [](std::uint8_t p) { return p == 0 || (p >= 4 && p <= 10); };
    if (!(fee < 1000000u)) {
        msg << "fee: must be < 1000000 pips, got " << fee;
    } else if (!(tickSpacing >= 1 && tickSpacing <= 16384)) {
        msg << "tickSpacing: must be in [1, 16384], got " << tickSpacing;
    } else if (!(sqrtPrice >= kMinSqrtPrice && sqrtPrice < kMaxSqrtPrice)) {
        msg << "sqrtPrice: R: must be in [" << kMinSqrtPrice << ", " << kMaxSqrtPrice << "), got "
            << sqrtPrice;
    } else if (!protocolOk(feeProtocol0)) {
        msg << "feeProtocol0: must be 0 or in [4, 10], got " << static_cast<int>(feeProtocol0);
    } else if (!protocolOk(feeProtocol1)) {
        msg << "feeProtocol1: must be 0 or in [4, 10], got " << static_cast<int>(feeProtocol1);
    } else {
        return true;
    }
    if (why != nullptr) *why = msg.str();
    return false;
}

void ConcentratedLiquidityOptions::validate() const {
    std::string why;
    PFT_AMM_FAST_REQUIRE(isValid(&why), why);
}

ConcentratedLiquidityPool::ConcentratedLiquidityPool(const ConcentratedLiquidityOptions& options)
    : fee_(options.fee),
      tickSpacing_(options.tickSpacing),
      feeProtocol0_(options.feeProtocol0),
      feeProtocol1_(options.feeProtocol1),
      maxLiquidityPerTick_(0.0),
      sqrtPrice_(options.sqrtPrice) {
    options.validate();
    const int minTick = (kMinTick / tickSpacing_) * tickSpacing_;
    const int maxTick = (kMaxTick / tickSpacing_) * tickSpacing_;
    const double numTicks = static_cast<double>((maxTick - minTick) / tickSpacing_ + 1);
    maxLiquidityPerTick_ = std::ldexp(1.0, 128) / numTicks;
    tick_ = tickAtSqrtPrice(sqrtPrice_);
    tickKnown_ = true;
}

int ConcentratedLiquidityPool::computeTick() const noexcept {
    int t = tickAtSqrtPrice(sqrtPrice_);
    // Keep slot0.tick consistent with the crossed ticks even when the price sits within an ulp
    // of an initialized tick.
    if (cursor_ > 0) t = std::max(t, ticks_[cursor_ - 1].tick);
    if (cursor_ < ticks_.size()) t = std::min(t, ticks_[cursor_].tick - 1);
    return t;
}

int ConcentratedLiquidityPool::tick() const noexcept {
    if (!tickKnown_) {
        tick_ = computeTick();
        tickKnown_ = true;
    }
    return tick_;
}

const TickInfo* ConcentratedLiquidityPool::findTick(int tick) const noexcept {
    const auto it = std::lower_bound(ticks_.begin(), ticks_.end(), tick,
                                     [](const TickInfo& info, int t) { return info.tick < t; });
    return (it != ticks_.end() && it->tick == tick) ? &*it : nullptr;
}

TickInfo* ConcentratedLiquidityPool::findTick(int tick) noexcept {
    const auto* found = static_cast<const ConcentratedLiquidityPool*>(this)->findTick(tick);
    return const_cast<TickInfo*>(found);
}

std::optional<PositionInfo> ConcentratedLiquidityPool::position(std::string_view owner,
                                                                int tickLower,
                                                                int tickUpper) const {
    const auto it = positions_.find(PositionKey{std::string(owner), tickLower, tickUpper});
    if (it == positions_.end()) return std::nullopt;
    return it->second;
}

TokenAmounts ConcentratedLiquidityPool::feeGrowthInside(int tickLower, int tickUpper) const {
    const int current = tick();
    const TickInfo* lower = findTick(tickLower);
    const TickInfo* upper = findTick(tickUpper);
    const double lowerOut0 = lower ? lower->feeGrowthOutside0 : 0.0;
    const double lowerOut1 = lower ? lower->feeGrowthOutside1 : 0.0;
    const double upperOut0 = upper ? upper->feeGrowthOutside0 : 0.0;
    const double upperOut1 = upper ? upper->feeGrowthOutside1 : 0.0;
    const double below0 = current >= tickLower ? lowerOut0 : feeGrowthGlobal0_ - lowerOut0;
    const double below1 = current >= tickLower ? lowerOut1 : feeGrowthGlobal1_ - lowerOut1;
    const double above0 = current < tickUpper ? upperOut0 : feeGrowthGlobal0_ - upperOut0;
    const double above1 = current < tickUpper ? upperOut1 : feeGrowthGlobal1_ - upperOut1;
    return {feeGrowthGlobal0_ - below0 - above0, feeGrowthGlobal1_ - below1 - above1};
}

void ConcentratedLiquidityPool::checkTicks(int tickLower, int tickUpper,
                                           const char* operation) const {
    PFT_AMM_FAST_REQUIRE(tickLower < tickUpper, operation << ".tickLower: TLU: must be < tickUpper "
                                                          << tickUpper << ", got " << tickLower);
    PFT_AMM_FAST_REQUIRE(tickLower >= kMinTick, operation << ".tickLower: TLM: must be >= "
                                                          << kMinTick << ", got " << tickLower);
    PFT_AMM_FAST_REQUIRE(tickUpper <= kMaxTick, operation << ".tickUpper: TUM: must be <= "
                                                          << kMaxTick << ", got " << tickUpper);
    PFT_AMM_FAST_REQUIRE(tickLower % tickSpacing_ == 0,
                         operation << ".tickLower: must be a multiple of tickSpacing "
                                   << tickSpacing_ << ", got " << tickLower);
    PFT_AMM_FAST_REQUIRE(tickUpper % tickSpacing_ == 0,
                         operation << ".tickUpper: must be a multiple of tickSpacing "
                                   << tickSpacing_ << ", got " << tickUpper);
}

TokenAmounts ConcentratedLiquidityPool::modifyPosition(std::string_view owner, int tickLower,
                                                       int tickUpper, double liquidityDelta,
                                                       const char* operation) {
    checkTicks(tickLower, tickUpper, operation);
    PositionKey key{std::string(owner), tickLower, tickUpper};
    const auto existing = positions_.find(key);
    const double positionLiquidity =
        existing == positions_.end() ? 0.0 : existing->second.liquidity;
    // Validate everything before touching state, so a failing operation changes nothing.
    if (liquidityDelta == 0.0) {
        PFT_AMM_FAST_REQUIRE(positionLiquidity > 0.0,
                             operation << ".liquidity: NP: poke of a position with no liquidity");
    }
    PFT_AMM_FAST_REQUIRE(positionLiquidity + liquidityDelta >= 0.0,
                         operation << ".liquidity: LS: must be <= the position's liquidity "
                                   << positionLiquidity << ", got " << -liquidityDelta);
    const TickInfo* lowerInfo = findTick(tickLower);
    const TickInfo* upperInfo = findTick(tickUpper);
    const double lowerGross = (lowerInfo ? lowerInfo->liquidityGross : 0.0) + liquidityDelta;
    const double upperGross = (upperInfo ? upperInfo->liquidityGross : 0.0) + liquidityDelta;
    PFT_AMM_FAST_REQUIRE(
        lowerGross <= maxLiquidityPerTick_ && upperGross <= maxLiquidityPerTick_,
        operation << ".liquidity: LO: tick liquidity would exceed " << maxLiquidityPerTick_);

    const int current = tick();
    if (liquidityDelta != 0.0) {
        // Tick.update for both ends; a tick initialized below or at the price starts with all
        // growth counted as "outside" (below), by convention.
        for (const bool isUpper : {false, true}) {
            const int t = isUpper ? tickUpper : tickLower;
            TickInfo* info = findTick(t);
            if (info == nullptr) {
                TickInfo fresh;
                fresh.tick = t;
                fresh.sqrtPrice = sqrtPriceAtTick(t);
                if (t <= current) {
                    fresh.feeGrowthOutside0 = feeGrowthGlobal0_;
                    fresh.feeGrowthOutside1 = feeGrowthGlobal1_;
                }
                const auto at =
                    std::lower_bound(ticks_.begin(), ticks_.end(), t,
                                     [](const TickInfo& i, int x) { return i.tick < x; });
                info = &*ticks_.insert(at, fresh);
                if (t <= current) ++cursor_;
            }
            info->liquidityGross += liquidityDelta;
            info->liquidityNet += isUpper ? -liquidityDelta : liquidityDelta;
        }
    }

    const TokenAmounts inside = feeGrowthInside(tickLower, tickUpper);
    PositionInfo& pos = positions_[key];
    pos.tokensOwed0 += (inside.amount0 - pos.feeGrowthInside0Last) * pos.liquidity;
    pos.tokensOwed1 += (inside.amount1 - pos.feeGrowthInside1Last) * pos.liquidity;
    pos.liquidity += liquidityDelta;
    if (pos.liquidity < 0.0) pos.liquidity = 0.0;
    pos.feeGrowthInside0Last = inside.amount0;
    pos.feeGrowthInside1Last = inside.amount1;

    if (liquidityDelta < 0.0) {
        // Tick.clear for ticks whose gross liquidity went back to zero.
        for (const int t : {tickLower, tickUpper}) {
            TickInfo* info = findTick(t);
            if (info != nullptr && info->liquidityGross <= 0.0) {
                const auto index = static_cast<std::size_t>(info - ticks_.data());
                ticks_.erase(ticks_.begin() + static_cast<std::ptrdiff_t>(index));
                if (t <= current) --cursor_;
            }
        }
    }

    TokenAmounts amounts{};
    const double magnitude = std::fabs(liquidityDelta);
    const double sqrtLower = sqrtPriceAtTick(tickLower);
    const double sqrtUpper = sqrtPriceAtTick(tickUpper);
    if (current < tickLower) {
        amounts.amount0 = amount0Delta(sqrtLower, sqrtUpper, magnitude);
    } else if (current < tickUpper) {
        amounts.amount0 = amount0Delta(sqrtPrice_, sqrtUpper, magnitude);
        amounts.amount1 = amount1Delta(sqrtLower, sqrtPrice_, magnitude);
        liquidity_ += liquidityDelta;
        if (liquidity_ < 0.0) liquidity_ = 0.0;
    } else {
        amounts.amount1 = amount1Delta(sqrtLower, sqrtUpper, magnitude);
    }
    return amounts;
}

TokenAmounts ConcentratedLiquidityPool::mint(std::string_view owner, int tickLower, int tickUpper,
                                             double liquidity) {
    PFT_AMM_FAST_REQUIRE(liquidity > 0.0 && std::isfinite(liquidity),
                         "mint.liquidity: must be finite and > 0, got " << liquidity);
    const TokenAmounts amounts = modifyPosition(owner, tickLower, tickUpper, liquidity, "mint");
    balances_.amount0 += amounts.amount0;
    balances_.amount1 += amounts.amount1;
    return amounts;
}

TokenAmounts ConcentratedLiquidityPool::burn(std::string_view owner, int tickLower, int tickUpper,
                                             double liquidity) {
    PFT_AMM_FAST_REQUIRE(liquidity >= 0.0 && std::isfinite(liquidity),
                         "burn.liquidity: must be finite and >= 0, got " << liquidity);
    const TokenAmounts amounts = modifyPosition(owner, tickLower, tickUpper, -liquidity, "burn");
    PositionInfo& pos = positions_[PositionKey{std::string(owner), tickLower, tickUpper}];
    pos.tokensOwed0 += amounts.amount0;
    pos.tokensOwed1 += amounts.amount1;
    return amounts;
}

TokenAmounts ConcentratedLiquidityPool::collect(std::string_view owner, int tickLower,
                                                int tickUpper, double amount0Requested,
                                                double amount1Requested) {
    PFT_AMM_FAST_REQUIRE(amount0Requested >= 0.0,
                         "collect.amount0Requested: must be >= 0, got " << amount0Requested);
    PFT_AMM_FAST_REQUIRE(amount1Requested >= 0.0,
                         "collect.amount1Requested: must be >= 0, got " << amount1Requested);
    const auto it = positions_.find(PositionKey{std::string(owner), tickLower, tickUpper});
    if (it == positions_.end()) return {};
    PositionInfo& pos = it->second;
    const TokenAmounts paid{std::min(amount0Requested, pos.tokensOwed0),
                            std::min(amount1Requested, pos.tokensOwed1)};
    pos.tokensOwed0 -= paid.amount0;
    pos.tokensOwed1 -= paid.amount1;
    balances_.amount0 -= paid.amount0;
    balances_.amount1 -= paid.amount1;
    return paid;
}

TokenAmounts ConcentratedLiquidityPool::collectProtocol() {
    const TokenAmounts paid = protocolFees_;
    protocolFees_ = {};
    balances_.amount0 -= paid.amount0;
    balances_.amount1 -= paid.amount1;
    return paid;
}

SwapResult ConcentratedLiquidityPool::swap(bool zeroForOne, double amountSpecified,
                                           double sqrtPriceLimit) {
    PFT_AMM_FAST_REQUIRE(amountSpecified != 0.0 && !std::isnan(amountSpecified),
                         "swap.amountSpecified: AS: must be non-zero, got " << amountSpecified);
    if (zeroForOne) {
        PFT_AMM_FAST_REQUIRE(sqrtPriceLimit < sqrtPrice_ && sqrtPriceLimit > kMinSqrtPrice,
                             "swap.sqrtPriceLimit: SPL: must be in ("
                                 << kMinSqrtPrice << ", " << sqrtPrice_ << ") for zeroForOne, got "
                                 << sqrtPriceLimit);
    } else {
        PFT_AMM_FAST_REQUIRE(sqrtPriceLimit > sqrtPrice_ && sqrtPriceLimit < kMaxSqrtPrice,
                             "swap.sqrtPriceLimit: SPL: must be in ("
                                 << sqrtPrice_ << ", " << kMaxSqrtPrice << ") for oneForZero, got "
                                 << sqrtPriceLimit);
    }
    const bool exactInput = amountSpecified > 0.0;
    const double feePips = static_cast<double>(fee_);
    const std::uint8_t feeProtocol = zeroForOne ? feeProtocol0_ : feeProtocol1_;
    double& feeGrowthGlobalIn = zeroForOne ? feeGrowthGlobal0_ : feeGrowthGlobal1_;
    double& protocolFeeIn = zeroForOne ? protocolFees_.amount0 : protocolFees_.amount1;

    double remaining = amountSpecified;
    double specifiedUsed = 0.0;  // input incl. fee (exact in) or output (exact out) so far
    double calculated = 0.0;     // output (exact in) or input incl. fee (exact out) so far
    double totalFee = 0.0;
    double sqrtPrice = sqrtPrice_;
    double liquidity = liquidity_;
    int ticksCrossed = 0;
    bool endedOnTick = false;
    int endTick = 0;

    while (remaining != 0.0 && sqrtPrice != sqrtPriceLimit) {
        TickInfo* next = nullptr;
        double sqrtNext = 0.0;
        if (zeroForOne) {
            if (cursor_ > 0) next = &ticks_[cursor_ - 1];
            sqrtNext = next ? next->sqrtPrice : kMinSqrtPrice;
        } else {
            if (cursor_ < ticks_.size()) next = &ticks_[cursor_];
            sqrtNext = next ? next->sqrtPrice : kMaxSqrtPrice;
        }
        const double sqrtTarget =
            zeroForOne ? std::max(sqrtNext, sqrtPriceLimit) : std::min(sqrtNext, sqrtPriceLimit);
        Step step =
            computeSwapStep(zeroForOne, sqrtPrice, sqrtTarget, liquidity, remaining, feePips);
        sqrtPrice = step.sqrtPriceNext;
        if (exactInput) {
            specifiedUsed += step.amountIn + step.feeAmount;
            remaining = step.exhausted ? 0.0 : remaining - (step.amountIn + step.feeAmount);
            calculated += step.amountOut;
        } else {
            specifiedUsed += step.amountOut;
            remaining = step.exhausted ? 0.0 : remaining + step.amountOut;
            calculated += step.amountIn + step.feeAmount;
        }
        totalFee += step.feeAmount;
        if (feeProtocol > 0) {
            const double delta = step.feeAmount / feeProtocol;
            step.feeAmount -= delta;
            protocolFeeIn += delta;
        }
        if (liquidity > 0.0) feeGrowthGlobalIn += step.feeAmount / liquidity;

        if (sqrtPrice == sqrtNext) {
            if (next != nullptr) {
                // Tick.cross: flip the outside accumulators and apply liquidityNet.
                TickInfo& crossed = *next;
                crossed.feeGrowthOutside0 = feeGrowthGlobal0_ - crossed.feeGrowthOutside0;
                crossed.feeGrowthOutside1 = feeGrowthGlobal1_ - crossed.feeGrowthOutside1;
                if (zeroForOne) {
                    liquidity -= crossed.liquidityNet;
                    --cursor_;
                } else {
                    liquidity += crossed.liquidityNet;
                    ++cursor_;
                }
                // Liquidity is a sum of doubles: never let rounding make it negative.
                if (liquidity < 0.0) liquidity = 0.0;
                ++ticksCrossed;
                endTick = zeroForOne ? crossed.tick - 1 : crossed.tick;
            } else {
                endTick = zeroForOne ? kMinTick - 1 : kMaxTick;
            }
            endedOnTick = true;
        } else {
            endedOnTick = false;
        }
    }

    // slot0.tick: exact when the last step ended on a tick (even with the price unchanged, as
    // when a swap starts on an initialized tick and crosses it), else recomputed lazily.
    if (endedOnTick) {
        tick_ = endTick;
        tickKnown_ = true;
    } else if (sqrtPrice != sqrtPrice_) {
        tickKnown_ = false;
    }
    sqrtPrice_ = sqrtPrice;
    liquidity_ = liquidity;

    SwapResult result;
    result.feeAmount = totalFee;
    result.ticksCrossed = ticksCrossed;
    const double in = exactInput ? specifiedUsed : calculated;
    const double out = exactInput ? calculated : specifiedUsed;
    result.amount0 = zeroForOne ? in : -out;
    result.amount1 = zeroForOne ? -out : in;
    balances_.amount0 += result.amount0;
    balances_.amount1 += result.amount1;
    return result;
}

SwapResult ConcentratedLiquidityPool::swapExactIn(bool zeroForOne, double amountIn) {
    PFT_AMM_FAST_REQUIRE(amountIn > 0.0, "swapExactIn.amountIn: AS: must be > 0, got " << amountIn);
    return swap(
        zeroForOne, amountIn,
        zeroForOne ? std::nextafter(kMinSqrtPrice, 1.0) : std::nextafter(kMaxSqrtPrice, 0.0));
}

SwapResult ConcentratedLiquidityPool::swapExactOut(bool zeroForOne, double amountOut) {
    PFT_AMM_FAST_REQUIRE(amountOut > 0.0,
                         "swapExactOut.amountOut: AS: must be > 0, got " << amountOut);
    return swap(
        zeroForOne, -amountOut,
        zeroForOne ? std::nextafter(kMinSqrtPrice, 1.0) : std::nextafter(kMaxSqrtPrice, 0.0));
}

SwapResult ConcentratedLiquidityPool::swapToSqrtPrice(double targetSqrtPrice) {
    if (targetSqrtPrice == sqrtPrice_) return {};
    return swap(targetSqrtPrice < sqrtPrice_, std::numeric_limits<double>::infinity(),
                targetSqrtPrice);
}

}  // namespace pftoken::amm::fast
