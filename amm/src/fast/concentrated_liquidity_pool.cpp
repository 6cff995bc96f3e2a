// Concentrated-liquidity pool in double precision: UniswapV3Pool's swap loop and position
// accounting with SqrtPriceMath / SwapMath in real numbers.
#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <sstream>

#include "pftoken/amm/fast/error.hpp"

namespace pftoken::amm::fast {
namespace {

constexpr double kPipsPerUnit = 1e6;
// The limits of swaps without one: the doubles next to the extreme prices, inside the range.
const double kLowestLimit = std::nextafter(kMinSqrtPrice, 1.0);
const double kHighestLimit = std::nextafter(kMaxSqrtPrice, 0.0);
// The exact pool keeps owed tokens and protocol fees in uint128 and wraps them silently (Solidity
// 0.7); the fast pool refuses an operation that would take its holdings of a token to 2^128 of
// its smallest units or more (2^128 itself for real numbers), so every owed amount, protocol fee
// and fee growth (with liquidity >= 1 unit) stays below it.
const double kTwoTo128 = std::ldexp(1.0, 128);
inline double holdings_limit(double unit) noexcept {
    return unit > 0.0 ? kTwoTo128 * unit : kTwoTo128;
}
// Below this relative price slack the fast pool decides on which side of a tick the exact pool
// is (or refuses); above it the exact pool's own rounding of amounts moves its price by more
// than 1e-9 per swap (thin liquidity at extreme prices) and the prices are compared to that
// rounding (docs/amm-fast-and-analytics.md).
constexpr double kSideResolution = 1e-6;
// A swap that would end where the exact pool's own rounding moves its price by more than this
// (relative) is refused: the twins could not agree to 1e-9 after it.
constexpr double kRelativeBound = 1e-9;

// Liquidity is kept in fixed point, in units of 2^-32: whole liquidities (the exact pool's uint128)
// exactly, fractional ones to 2^-32, and sums without drift. The cap 2^127 units (2^95
// liquidity) keeps nets in int128.
constexpr int kLiquidityFractionBits = 32;
constexpr double kUnitsToLiquidity = 1.0 / 4294967296.0;  // 2^-kLiquidityFractionBits
static_assert(kLiquidityFractionBits == 32);
// units * 2^-32 correctly rounded, without libgcc's __floatuntidf (slow, and on the crossing
// path): the top 64 bits with the dropped bits ORed into the lowest one (a sticky bit below the
// rounding position, so the one uint64 -> double conversion rounds exactly as the 128-bit
// value would), then an exact power-of-two scale. Bit-identical to static_cast<double>(units) *
// 2^-32 (tested).
inline double to_real(u128 units) noexcept {
    const auto hi = static_cast<std::uint64_t>(units >> 64);
    if (hi == 0) return static_cast<double>(static_cast<std::uint64_t>(units)) * kUnitsToLiquidity;
    const int shift = 64 - __builtin_clzll(hi);  // 1..64: bits dropped to fit 64
    const u128 dropped_mask = (u128{1} << shift) - 1;
    const std::uint64_t top = static_cast<std::uint64_t>(units >> shift) |
                              static_cast<std::uint64_t>((units & dropped_mask) != 0);
    // 2^(shift - 32) as a double, built from its exponent field (shift - 32 in [-31, 32]).
    const std::uint64_t bits = static_cast<std::uint64_t>(1023 + shift - 32) << 52;
    return static_cast<double>(top) * std::bit_cast<double>(bits);
}
inline double to_real(v3::i128 units) noexcept {
    return static_cast<double>(units) * kUnitsToLiquidity;
}

// Binades of sqrt price from a to b, both ends counted (ilogb(max) - ilogb(min) + 1, from the
// exponent fields: prices are normal doubles, and libm's ilogb is a call).
inline int binades_between(double a, double b) noexcept {
    const auto ea = static_cast<int>(std::bit_cast<std::uint64_t>(a) >> 52);
    const auto eb = static_cast<int>(std::bit_cast<std::uint64_t>(b) >> 52);
    return (ea > eb ? ea - eb : eb - ea) + 1;
}

// An upper bound of 1/s without a division, at most 12.5% above it: with s = m 2^e (m in
// [1, 2)), the chord of the convex 1/m over the binade, 1/s <= (3 - m) / 2 * 2^-e (equal at
// m = 1; every operation exact).
inline double reciprocal_bound(double s) noexcept {
    const auto bits = std::bit_cast<std::uint64_t>(s);
    const std::uint64_t exponent = bits & 0x7ff0000000000000u;
    const double m = std::bit_cast<double>((bits & 0x000fffffffffffffu) | 0x3ff0000000000000u);
    const double two_to_minus_e = std::bit_cast<double>(0x7fe0000000000000u - exponent);
    return (3.0 - m) * 0.5 * two_to_minus_e;
}

// SqrtPriceMath.getAmount0Delta / getAmount1Delta without rounding, for sqrt_a <= sqrt_b.
inline double amount0_delta(double sqrt_a, double sqrt_b, double liquidity) noexcept {
    return liquidity * (sqrt_b - sqrt_a) / (sqrt_a * sqrt_b);
}
inline double amount1_delta(double sqrt_a, double sqrt_b, double liquidity) noexcept {
    return liquidity * (sqrt_b - sqrt_a);
}

struct Step {
    double sqrt_price_next;
    double amount_in;
    double amount_out;
    double fee_amount;
    bool exhausted;  // the specified amount is used up inside this step
};

// SwapMath.computeSwapStep in real numbers. `remaining` > 0: exact input left; < 0: exact
// output left. Partial steps use the closed forms of the new price and of the other amount that
// avoid subtracting nearly equal sqrt prices:
//   token0 in a:   s' = L s / (L + a s),   out1 = a s s'
//   token1 in a:   s' = s + a / L,         out0 = a / (s s')
//   token1 out b:  s' = s - b / L,         in0 = b / (s s')
//   token0 out a:  s' = L s / (L - a s),   in1 = a s s'
// `after_fee` = (1e6 - fee) / 1e6 and `fee_on_input` = fee / (1e6 - fee), per pool.
inline Step compute_swap_step(bool zero_for_one, double sqrt_price, double sqrt_target,
                              double liquidity, double remaining, double after_fee,
                              double fee_on_input) noexcept {
    Step step{};
    if (remaining > 0.0) {
        const double less_fee = remaining * after_fee;
        const double in_to_target = zero_for_one
                                        ? amount0_delta(sqrt_target, sqrt_price, liquidity)
                                        : amount1_delta(sqrt_price, sqrt_target, liquidity);
        if (less_fee >= in_to_target) {
            step.sqrt_price_next = sqrt_target;
            step.amount_in = in_to_target;
            step.amount_out = zero_for_one ? amount1_delta(sqrt_target, sqrt_price, liquidity)
                                           : amount0_delta(sqrt_price, sqrt_target, liquidity);
            step.fee_amount = in_to_target * fee_on_input;
        } else {
            step.amount_in = less_fee;
            if (zero_for_one) {
                const double next = liquidity * sqrt_price / (liquidity + less_fee * sqrt_price);
                step.sqrt_price_next = std::max(next, sqrt_target);
                step.amount_out = less_fee * sqrt_price * step.sqrt_price_next;
            } else {
                const double next = sqrt_price + less_fee / liquidity;
                step.sqrt_price_next = std::min(next, sqrt_target);
                step.amount_out = less_fee / (sqrt_price * step.sqrt_price_next);
            }
            step.fee_amount = remaining - less_fee;
            step.exhausted = true;
        }
    } else {
        const double wanted = -remaining;
        const double out_to_target = zero_for_one
                                         ? amount1_delta(sqrt_target, sqrt_price, liquidity)
                                         : amount0_delta(sqrt_price, sqrt_target, liquidity);
        if (wanted >= out_to_target) {
            step.sqrt_price_next = sqrt_target;
            step.amount_out = out_to_target;
            step.amount_in = zero_for_one ? amount0_delta(sqrt_target, sqrt_price, liquidity)
                                          : amount1_delta(sqrt_price, sqrt_target, liquidity);
        } else {
            step.amount_out = wanted;
            if (zero_for_one) {
                const double next = sqrt_price - wanted / liquidity;
                step.sqrt_price_next = std::max(next, sqrt_target);
                step.amount_in = wanted / (sqrt_price * step.sqrt_price_next);
            } else {
                const double next = liquidity * sqrt_price / (liquidity - wanted * sqrt_price);
                step.sqrt_price_next = std::min(next, sqrt_target);
                step.amount_in = wanted * sqrt_price * step.sqrt_price_next;
            }
            step.exhausted = true;
        }
        step.fee_amount = step.amount_in * fee_on_input;
    }
    return step;
}

}  // namespace

bool ConcentratedLiquidityOptions::is_valid(std::string* why) const {
    std::ostringstream msg;
    const auto protocol_ok = [](std::uint8_t p) { return p == 0 || (p >= 4 && p <= 10); };
    if (!(fee_pips < 1000000u)) {
        msg << "fee_pips: must be < 1000000, got " << fee_pips;
    } else if (!(tick_spacing >= 1 && tick_spacing <= 16384)) {
        msg << "tick_spacing: must be in [1, 16384], got " << tick_spacing;
    } else if (!(sqrt_price >= kMinSqrtPrice && sqrt_price < kMaxSqrtPrice)) {
        msg << "sqrt_price: R: must be in [" << kMinSqrtPrice << ", " << kMaxSqrtPrice << "), got "
            << sqrt_price;
    } else if (!protocol_ok(fee_protocol0)) {
        msg << "fee_protocol0: must be 0 or in [4, 10], got " << static_cast<int>(fee_protocol0);
    } else if (!protocol_ok(fee_protocol1)) {
        msg << "fee_protocol1: must be 0 or in [4, 10], got " << static_cast<int>(fee_protocol1);
    } else if (!(token0_unit >= 0.0 && std::isfinite(token0_unit))) {
        msg << "token0_unit: must be finite and >= 0, got " << token0_unit;
    } else if (!(token1_unit >= 0.0 && std::isfinite(token1_unit))) {
        msg << "token1_unit: must be finite and >= 0, got " << token1_unit;
    } else if ((token0_unit == 0.0) != (token1_unit == 0.0)) {
        msg << "token1_unit: must be 0 when token0_unit is 0 (real numbers) and > 0 otherwise, got "
            << token1_unit << " with token0_unit " << token0_unit;
    } else {
        return true;
    }
    if (why != nullptr) *why = msg.str();
    return false;
}

void ConcentratedLiquidityOptions::validate() const {
    std::string why;
    PFT_AMM_FAST_REQUIRE(is_valid(&why), why);
}

ConcentratedLiquidityPool::ConcentratedLiquidityPool(const ConcentratedLiquidityOptions& options)
    : fee_pips_(options.fee_pips),
      tick_spacing_(options.tick_spacing),
      fee_protocol0_(options.fee_protocol0),
      fee_protocol1_(options.fee_protocol1),
      after_fee_((kPipsPerUnit - options.fee_pips) / kPipsPerUnit),
      fee_on_input_(options.fee_pips / (kPipsPerUnit - options.fee_pips)),
      unit0_x2_(2.0 * options.token0_unit),
      unit1_x2_(2.0 * options.token1_unit),
      price_quantum_(0.0),
      words_per_binade_(0.0),
      holdings_limit0_(holdings_limit(options.token0_unit)),
      holdings_limit1_(holdings_limit(options.token1_unit)),
      max_liquidity_per_tick_(0),
      sqrt_price_(options.sqrt_price) {
    options.validate();
    // The exact pool's sqrt price is a Q64.96 integer in raw units; in the caller's units
    // (price scaled by u1 / u0) its quantum is 2^-96 sqrt(u1 / u0).
    if (options.token0_unit > 0.0) {
        price_quantum_ = std::ldexp(std::sqrt(options.token1_unit / options.token0_unit), -96);
    }
    // A binade of sqrt price spans 2 / log2(1.0001) = 13,863 ticks; a bitmap word 256 spacings.
    words_per_binade_ = 13863.0 / (256.0 * static_cast<double>(tick_spacing_));
    const int min_tick = (kMinTick / tick_spacing_) * tick_spacing_;
    const int max_tick = (kMaxTick / tick_spacing_) * tick_spacing_;
    const auto num_ticks = static_cast<u128>((max_tick - min_tick) / tick_spacing_ + 1);
    max_liquidity_per_tick_ = ~u128{0} / num_ticks;
    tick_ = compute_tick();
    tick_known_ = true;
    price_slack_ = 4.0 * std::numeric_limits<double>::epsilon();  // the caller's Q64.96 price
}


bool ConcentratedLiquidityPool::side_unknown(int t) const noexcept {
    // Initialized ticks are placed by the cursor (by crossings, as the exact pool's stored tick).
    if (price_slack_ == 0.0 || price_slack_ >= kSideResolution || find_tick(t) != nullptr) {
        return false;
    }
    const double band = (price_slack_ + 4.0 * std::numeric_limits<double>::epsilon()) * sqrt_price_;
    return std::fabs(sqrt_price_at_tick(t) - sqrt_price_) <= band;
}

void ConcentratedLiquidityPool::require_side_known(int t, const char* field) const {
    PFT_AMM_FAST_REQUIRE(!side_unknown(t),
                         field << ": the price " << sqrt_price_ << " is within " << price_slack_
                               << " (relative) of tick " << t << "'s price "
                               << sqrt_price_at_tick(t)
                               << ": which side of the tick the exact pool's price is on is below "
                                  "the fast pool's resolution (refused, not approximated)");
}

int ConcentratedLiquidityPool::compute_tick() const noexcept {
    // kMaxSqrtPrice stands for MAX_SQRT_RATIO - 1, whose tick is kMaxTick - 1.
    int t = std::min(tick_at_sqrt_price(sqrt_price_), kMaxTick - 1);
    // A downward swap stopped by a limit exactly on a bitmap word's first tick: the exact loop
    // stops there as on a tick (nextInitializedTickWithinOneWord) and sets tick - 1.
    if (ended_down_at_limit_ && t % (256 * tick_spacing_) == 0 &&
        sqrt_price_at_tick(t) == sqrt_price_) {
        --t;
    }
    // Keep slot0.tick consistent with the crossed ticks even when the price sits within an ulp
    // of an initialized tick.
    if (cursor_ > 0) t = std::max(t, ticks_[cursor_ - 1].tick);
    if (cursor_ < ticks_.size()) t = std::min(t, ticks_[cursor_].tick - 1);
    return t;
}

int ConcentratedLiquidityPool::tick() const noexcept {
    if (!tick_known_) {
        tick_ = compute_tick();
        tick_known_ = true;
    }
    return tick_;
}

const TickInfo* ConcentratedLiquidityPool::find_tick(int tick) const noexcept {
    const auto it = std::lower_bound(ticks_.begin(), ticks_.end(), tick,
                                     [](const TickInfo& info, int t) { return info.tick < t; });
    return (it != ticks_.end() && it->tick == tick) ? &*it : nullptr;
}

TickInfo* ConcentratedLiquidityPool::find_tick(int tick) noexcept {
    const auto* found = static_cast<const ConcentratedLiquidityPool*>(this)->find_tick(tick);
    return const_cast<TickInfo*>(found);
}

std::optional<PositionInfo> ConcentratedLiquidityPool::position(std::string_view owner,
                                                                int tick_lower,
                                                                int tick_upper) const {
    const auto it = positions_.find(PositionKey{std::string(owner), tick_lower, tick_upper});
    if (it == positions_.end()) return std::nullopt;
    return it->second;
}

TokenAmounts ConcentratedLiquidityPool::fee_growth_inside(int tick_lower, int tick_upper) const {
    const int current = tick();
    const TickInfo* lower = find_tick(tick_lower);
    const TickInfo* upper = find_tick(tick_upper);
    const double lower_out0 = lower ? lower->fee_growth_outside0 : 0.0;
    const double lower_out1 = lower ? lower->fee_growth_outside1 : 0.0;
    const double upper_out0 = upper ? upper->fee_growth_outside0 : 0.0;
    const double upper_out1 = upper ? upper->fee_growth_outside1 : 0.0;
    const double below0 = current >= tick_lower ? lower_out0 : fee_growth_global0_ - lower_out0;
    const double below1 = current >= tick_lower ? lower_out1 : fee_growth_global1_ - lower_out1;
    const double above0 = current < tick_upper ? upper_out0 : fee_growth_global0_ - upper_out0;
    const double above1 = current < tick_upper ? upper_out1 : fee_growth_global1_ - upper_out1;
    return {fee_growth_global0_ - below0 - above0, fee_growth_global1_ - below1 - above1};
}

void ConcentratedLiquidityPool::check_ticks(int tick_lower, int tick_upper,
                                            const char* operation) const {
    PFT_AMM_FAST_REQUIRE(tick_lower < tick_upper, operation
                                                      << ".tick_lower: TLU: must be < tick_upper "
                                                      << tick_upper << ", got " << tick_lower);
    PFT_AMM_FAST_REQUIRE(tick_lower >= kMinTick, operation << ".tick_lower: TLM: must be >= "
                                                           << kMinTick << ", got " << tick_lower);
    PFT_AMM_FAST_REQUIRE(tick_upper <= kMaxTick, operation << ".tick_upper: TUM: must be <= "
                                                           << kMaxTick << ", got " << tick_upper);
    PFT_AMM_FAST_REQUIRE(tick_lower % tick_spacing_ == 0,
                         operation << ".tick_lower: must be a multiple of tick_spacing "
                                   << tick_spacing_ << ", got " << tick_lower);
    PFT_AMM_FAST_REQUIRE(tick_upper % tick_spacing_ == 0,
                         operation << ".tick_upper: must be a multiple of tick_spacing "
                                   << tick_spacing_ << ", got " << tick_upper);
}

TokenAmounts ConcentratedLiquidityPool::modify_position(std::string_view owner, int tick_lower,
                                                        int tick_upper, u128 liquidity,
                                                        double requested, bool add,
                                                        const char* operation) {
    check_ticks(tick_lower, tick_upper, operation);
    require_side_known(tick_lower, operation == std::string_view("mint") ? "mint.tick_lower"
                                                                          : "burn.tick_lower");
    require_side_known(tick_upper, operation == std::string_view("mint") ? "mint.tick_upper"
                                                                          : "burn.tick_upper");
    PositionKey key{std::string(owner), tick_lower, tick_upper};
    const auto existing = positions_.find(key);
    const u128 position_liquidity = existing == positions_.end() ? 0 : existing->second.liquidity_units;
    // Validate everything before touching state, so a failing operation changes nothing.
    if (liquidity == 0) {
        PFT_AMM_FAST_REQUIRE(position_liquidity > 0,
                             operation << ".liquidity: NP: poke of a position with no liquidity");
    }
    PFT_AMM_FAST_REQUIRE(add || liquidity <= position_liquidity,
                         operation << ".liquidity: LS: must be <= the position's liquidity "
                                   << to_real(position_liquidity) << ", got "
                                   << to_real(liquidity));
    const TickInfo* lower_info = find_tick(tick_lower);
    const TickInfo* upper_info = find_tick(tick_upper);
    if (add) {
        const u128 lower_gross = lower_info ? lower_info->liquidity_gross_units : 0;
        const u128 upper_gross = upper_info ? upper_info->liquidity_gross_units : 0;
        const double max_gross = max_liquidity_per_tick();
        PFT_AMM_FAST_REQUIRE(to_real(lower_gross) + requested <= max_gross &&
                                 to_real(upper_gross) + requested <= max_gross,
                             operation << ".liquidity: LO: tick liquidity would exceed "
                                       << max_gross);
        const u128 cap = u128{1} << 127;
        PFT_AMM_FAST_REQUIRE(liquidity < cap - lower_gross && liquidity < cap - upper_gross,
                             operation << ".liquidity: tick liquidity must stay below 2^95 (the "
                                          "fast pool keeps liquidity in 2^-32 units), got "
                                       << requested);
    }
    const int current = tick();
    const bool in_range = current >= tick_lower && current < tick_upper;
    PFT_AMM_FAST_REQUIRE(!(add && in_range && liquidity > ~u128{0} - liquidity_units_),
                         operation << ".liquidity: LA: active liquidity would exceed 2^128 - 1");

    TokenAmounts amounts{};
    const double magnitude = to_real(liquidity);
    const double sqrt_lower = sqrt_price_at_tick(tick_lower);
    const double sqrt_upper = sqrt_price_at_tick(tick_upper);
    if (current < tick_lower) {
        amounts.amount0 = amount0_delta(sqrt_lower, sqrt_upper, magnitude);
    } else if (in_range) {
        amounts.amount0 = amount0_delta(sqrt_price_, sqrt_upper, magnitude);
        amounts.amount1 = amount1_delta(sqrt_lower, sqrt_price_, magnitude);
    } else {
        amounts.amount1 = amount1_delta(sqrt_lower, sqrt_upper, magnitude);
    }
    PFT_AMM_FAST_REQUIRE(!add || (balances_.amount0 + amounts.amount0 < holdings_limit0_ &&
                                  balances_.amount1 + amounts.amount1 < holdings_limit1_),
                         operation << ".liquidity: would take the pool's holdings to ("
                                   << balances_.amount0 + amounts.amount0 << ", "
                                   << balances_.amount1 + amounts.amount1
                                   << "), at or above the limit 2^128 units ("
                                   << holdings_limit0_ << ", " << holdings_limit1_
                                   << "; the exact pool's uint128 owed amounts wrap there)");

    const auto signed_delta = static_cast<v3::i128>(liquidity);  // < 2^127: checked by LO
    if (liquidity != 0) {
        // Tick.update for both ends; a tick initialized below or at the price starts with all
        // growth counted as "outside" (below), by convention.
        for (const bool is_upper : {false, true}) {
            const int t = is_upper ? tick_upper : tick_lower;
            TickInfo* info = find_tick(t);
            if (info == nullptr) {
                TickInfo fresh;
                fresh.tick = t;
                fresh.sqrt_price = sqrt_price_at_tick(t);
                if (t <= current) {
                    fresh.fee_growth_outside0 = fee_growth_global0_;
                    fresh.fee_growth_outside1 = fee_growth_global1_;
                }
                const auto at =
                    std::lower_bound(ticks_.begin(), ticks_.end(), t,
                                     [](const TickInfo& i, int x) { return i.tick < x; });
                info = &*ticks_.insert(at, fresh);
                if (t <= current) ++cursor_;
            }
            const bool adds_to_net = add != is_upper;
            info->liquidity_gross_units += add ? liquidity : u128{0} - liquidity;
            info->liquidity_net_units += adds_to_net ? signed_delta : -signed_delta;
            info->liquidity_gross = to_real(info->liquidity_gross_units);
            info->liquidity_net = to_real(info->liquidity_net_units);
        }
    }

    const TokenAmounts inside = fee_growth_inside(tick_lower, tick_upper);
    PositionInfo& pos = positions_[key];
    pos.tokens_owed0 += (inside.amount0 - pos.fee_growth_inside0_last) * pos.liquidity;
    pos.tokens_owed1 += (inside.amount1 - pos.fee_growth_inside1_last) * pos.liquidity;
    pos.liquidity_units = add ? pos.liquidity_units + liquidity : pos.liquidity_units - liquidity;
    pos.liquidity = to_real(pos.liquidity_units);
    pos.fee_growth_inside0_last = inside.amount0;
    pos.fee_growth_inside1_last = inside.amount1;

    if (!add && liquidity != 0) {
        // Tick.clear for ticks whose gross liquidity went back to zero.
        for (const int t : {tick_lower, tick_upper}) {
            TickInfo* info = find_tick(t);
            if (info != nullptr && info->liquidity_gross_units == 0) {
                const auto index = static_cast<std::size_t>(info - ticks_.data());
                ticks_.erase(ticks_.begin() + static_cast<std::ptrdiff_t>(index));
                if (t <= current) --cursor_;
            }
        }
    }

    if (in_range) {
        liquidity_units_ = add ? liquidity_units_ + liquidity : liquidity_units_ - liquidity;
        liquidity_ = to_real(liquidity_units_);
        inv_liquidity_ = liquidity_ > 0.0 ? 1.0 / liquidity_ : 0.0;
    }
    return amounts;
}

namespace {

// `liquidity` in fixed-point units of 2^-32, rounded to the nearest.
u128 whole_units(double liquidity, const char* field) {
    PFT_AMM_FAST_REQUIRE(liquidity >= 0.0 && liquidity < std::ldexp(1.0, 128),
                         field << ": must be finite, >= 0 and < 2^128, got " << liquidity);
    const double scaled = std::nearbyint(std::ldexp(liquidity, kLiquidityFractionBits));
    // Refused, not approximated: a liquidity the 2^-32 grid cannot hold to 1e-9 (every one
    // >= 2^-33 / 1e-9 = 0.117 can; below, only near multiples of 2^-32).
    PFT_AMM_FAST_REQUIRE(
        std::fabs(std::ldexp(scaled, -kLiquidityFractionBits) - liquidity) <=
            kRelativeBound * liquidity,
        field << ": must be within 1e-9 (relative) of a multiple of 2^-32 (liquidity is kept in "
                 "2^-32 units; every liquidity >= 0.117 is), got "
              << liquidity);
    return scaled >= std::ldexp(1.0, 128) ? ~u128{0} : static_cast<u128>(scaled);
}

}  // namespace

TokenAmounts ConcentratedLiquidityPool::mint(std::string_view owner, int tick_lower, int tick_upper,
                                             double liquidity) {
    const u128 units = whole_units(liquidity, "mint.liquidity");
    PFT_AMM_FAST_REQUIRE(units > 0, "mint.liquidity: must be finite and > 0, got " << liquidity);
    const TokenAmounts amounts = modify_position(owner, tick_lower, tick_upper, units, liquidity, true, "mint");
    balances_.amount0 += amounts.amount0;
    balances_.amount1 += amounts.amount1;
    return amounts;
}

TokenAmounts ConcentratedLiquidityPool::burn(std::string_view owner, int tick_lower, int tick_upper,
                                             double liquidity) {
    const u128 units = whole_units(liquidity, "burn.liquidity");
    const TokenAmounts amounts =
        modify_position(owner, tick_lower, tick_upper, units, liquidity, false, "burn");
    PositionInfo& pos = positions_[PositionKey{std::string(owner), tick_lower, tick_upper}];
    pos.tokens_owed0 += amounts.amount0;
    pos.tokens_owed1 += amounts.amount1;
    return amounts;
}

TokenAmounts ConcentratedLiquidityPool::collect(std::string_view owner, int tick_lower,
                                                int tick_upper, double amount0_requested,
                                                double amount1_requested) {
    PFT_AMM_FAST_REQUIRE(amount0_requested >= 0.0,
                         "collect.amount0_requested: must be >= 0, got " << amount0_requested);
    PFT_AMM_FAST_REQUIRE(amount1_requested >= 0.0,
                         "collect.amount1_requested: must be >= 0, got " << amount1_requested);
    const auto it = positions_.find(PositionKey{std::string(owner), tick_lower, tick_upper});
    if (it == positions_.end()) return {};
    PositionInfo& pos = it->second;
    const TokenAmounts paid{std::min(amount0_requested, pos.tokens_owed0),
                            std::min(amount1_requested, pos.tokens_owed1)};
    pos.tokens_owed0 -= paid.amount0;
    pos.tokens_owed1 -= paid.amount1;
    balances_.amount0 -= paid.amount0;
    balances_.amount1 -= paid.amount1;
    return paid;
}

TokenAmounts ConcentratedLiquidityPool::collect_protocol() {
    const TokenAmounts paid = protocol_fees_;
    protocol_fees_ = {};
    balances_.amount0 -= paid.amount0;
    balances_.amount1 -= paid.amount1;
    return paid;
}

// Cold path of swap(): undoes the crossings of a swap that is refused after its loop (the
// outside growths restored from the values saved at each crossing) and throws; nothing has
// changed.
void ConcentratedLiquidityPool::refuse_swap(bool zero_for_one, std::size_t cursor_before,
                                            double fee_growth_in_before,
                                            double protocol_fee_in_before, bool too_much,
                                            double held, double sqrt_price, double liquidity,
                                            double rounding) {
    double& fee_growth_global_in = zero_for_one ? fee_growth_global0_ : fee_growth_global1_;
    double& protocol_fee_in = zero_for_one ? protocol_fees_.amount0 : protocol_fees_.amount1;
    const double fee_growth_global_in_before = fee_growth_in_before;
    // Undo the crossings (bit for bit: flipping back as global - outside would round the
    // snapshots to the ulp of the global growth the refused steps reached), then refuse.
    const std::size_t lo = std::min(cursor_, cursor_before);
    const std::size_t hi = std::max(cursor_, cursor_before);
    for (std::size_t i = lo; i < hi; ++i) {
        TickInfo& t = ticks_[i];
        t.fee_growth_outside0 = t.fee_growth_outside0_before_cross;
        t.fee_growth_outside1 = t.fee_growth_outside1_before_cross;
    }
    cursor_ = cursor_before;
    fee_growth_global_in = fee_growth_global_in_before;
    protocol_fee_in = protocol_fee_in_before;
    PFT_AMM_FAST_REQUIRE(!too_much,
                         "swap.amount_specified: would take the pool's holdings of token"
                    << (zero_for_one ? 0 : 1) << " to " << held
                    << ", at or above the limit 2^128 units ("
                    << (zero_for_one ? holdings_limit0_ : holdings_limit1_)
                    << "; the exact pool's uint128 owed and protocol fees wrap there)");
    PFT_AMM_FAST_REQUIRE(false, "swap: would end at sqrt price "
                    << sqrt_price << " inside liquidity " << liquidity
                    << ", where the exact pool's rounding to the tokens' smallest "
                       "units moves the price by up to "
                    << rounding << " relative, above the bound "
                    << kRelativeBound
                    << " (liquidity too thin for this price)");
}

// Cold path of swap(): the AS / SPL reverts (kept out of the hot function, whose frame would
// otherwise carry the message streams).
void ConcentratedLiquidityPool::refuse_arguments(bool zero_for_one, double amount_specified,
                                                 double sqrt_price_limit) const {
    PFT_AMM_FAST_REQUIRE(amount_specified != 0.0 && !std::isnan(amount_specified),
                         "swap.amount_specified: AS: must be non-zero, got " << amount_specified);
    if (zero_for_one) {
        PFT_AMM_FAST_REQUIRE(sqrt_price_limit < sqrt_price_ && sqrt_price_limit > kMinSqrtPrice,
                             "swap.sqrt_price_limit: SPL: must be in ("
                                 << kMinSqrtPrice << ", " << sqrt_price_
                                 << ") for zero_for_one, got " << sqrt_price_limit);
    } else {
        // MAX_SQRT_RATIO - 1, the exact pool's highest limit, is the double kMaxSqrtPrice.
        PFT_AMM_FAST_REQUIRE(sqrt_price_limit > sqrt_price_ && sqrt_price_limit <= kMaxSqrtPrice,
                             "swap.sqrt_price_limit: SPL: must be in ("
                                 << sqrt_price_ << ", " << kMaxSqrtPrice
                                 << "] for !zero_for_one, got " << sqrt_price_limit);
    }
}

void ConcentratedLiquidityPool::refuse_side(const TickInfo& toward, double amount_specified,
                                            double sqrt_price_limit, double worth) const {
    PFT_AMM_FAST_REQUIRE(false, "swap.amount_specified: the price "
                                    << sqrt_price_ << " is within " << price_slack_
                                    << " (relative) of tick " << toward.tick << "'s price "
                                    << toward.sqrt_price << " and the amount " << amount_specified
                                    << " (or the limit " << sqrt_price_limit << ") is within the "
                                    << worth
                                    << " tokens that may lie between them: whether the swap "
                                       "crosses the tick is below the fast pool's resolution "
                                       "(refused, not approximated)");
}

inline bool ConcentratedLiquidityPool::side_unknown_near(double tick_sqrt_price) const noexcept {
    const double band = (price_slack_ + 4.0 * std::numeric_limits<double>::epsilon()) * sqrt_price_;
    return std::fabs(tick_sqrt_price - sqrt_price_) <= band;
}

SwapResult ConcentratedLiquidityPool::swap(bool zero_for_one, double amount_specified,
                                           double sqrt_price_limit) {
    // MAX_SQRT_RATIO - 1, the exact pool's highest limit, is the double kMaxSqrtPrice.
    const bool arguments_ok =
        amount_specified != 0.0 && !std::isnan(amount_specified) &&
        (zero_for_one ? sqrt_price_limit < sqrt_price_ && sqrt_price_limit > kMinSqrtPrice
                      : sqrt_price_limit > sqrt_price_ && sqrt_price_limit <= kMaxSqrtPrice);
    if (!arguments_ok) [[unlikely]] {
        refuse_arguments(zero_for_one, amount_specified, sqrt_price_limit);
    }
    const bool exact_input = amount_specified > 0.0;
    if (price_slack_ != 0.0 && price_slack_ < kSideResolution) {
        // The price may be off the exact pool's by up to price_slack_ (relative): next to the
        // initialized tick the swap heads for, the exact pool may still have L ds tokens to
        // trade before it crosses where the fast pool has none. A swap whose amount or limit
        // cannot tell is refused (a larger one crosses in both pools).
        const TickInfo* toward = zero_for_one ? (cursor_ > 0 ? &ticks_[cursor_ - 1] : nullptr)
                                              : (cursor_ < ticks_.size() ? &ticks_[cursor_] : nullptr);
        if (toward != nullptr && side_unknown_near(toward->sqrt_price)) {
            const double band =
                2.0 * (price_slack_ + 4.0 * std::numeric_limits<double>::epsilon());
            // Token amount worth a relative price move `band`: L s band (token1), L band / s
            // (token0).
            const bool in_token0 = zero_for_one == exact_input;
            const double worth = liquidity_ * band * (in_token0 ? 1.0 / sqrt_price_ : sqrt_price_);
            const double usable = std::fabs(amount_specified) *
                                  (exact_input ? after_fee_ : 1.0);
            const bool limit_near = std::fabs(sqrt_price_limit - toward->sqrt_price) <=
                                    band * toward->sqrt_price;
            if (usable <= worth || limit_near) {
                refuse_side(*toward, amount_specified, sqrt_price_limit, worth);
            }
        }
    }
    const std::uint8_t fee_protocol = zero_for_one ? fee_protocol0_ : fee_protocol1_;
    double& fee_growth_global_in = zero_for_one ? fee_growth_global0_ : fee_growth_global1_;
    double& protocol_fee_in = zero_for_one ? protocol_fees_.amount0 : protocol_fees_.amount1;

    const double fee_growth_global_in_before = fee_growth_global_in;
    const double protocol_fee_in_before = protocol_fee_in;
    const std::size_t cursor_before = cursor_;
    double remaining = amount_specified;
    double specified_used = 0.0;  // input incl. fee (exact in) or output (exact out) so far
    double calculated = 0.0;      // output (exact in) or input incl. fee (exact out) so far
    double total_fee = 0.0;
    double sqrt_price = sqrt_price_;
    u128 liquidity_units = liquidity_units_;
    double liquidity = liquidity_;
    int ticks_crossed = 0;
    int active_steps = 0;  // steps in liquidity
    bool ended_on_tick = false;
    int end_tick = 0;

    while (remaining != 0.0 && sqrt_price != sqrt_price_limit) {
        TickInfo* next = nullptr;
        double sqrt_next = 0.0;
        if (zero_for_one) {
            if (cursor_ > 0) next = &ticks_[cursor_ - 1];
            sqrt_next = next ? next->sqrt_price : kMinSqrtPrice;
        } else {
            if (cursor_ < ticks_.size()) next = &ticks_[cursor_];
            sqrt_next = next ? next->sqrt_price : kMaxSqrtPrice;
        }
        const double sqrt_target = zero_for_one ? std::max(sqrt_next, sqrt_price_limit)
                                                : std::min(sqrt_next, sqrt_price_limit);
        Step step = compute_swap_step(zero_for_one, sqrt_price, sqrt_target, liquidity, remaining,
                                      after_fee_, fee_on_input_);
        sqrt_price = step.sqrt_price_next;
        if (liquidity > 0.0) {
            ++active_steps;
        }
        if (exact_input) {
            specified_used += step.amount_in + step.fee_amount;
            remaining = step.exhausted ? 0.0 : remaining - (step.amount_in + step.fee_amount);
            calculated += step.amount_out;
        } else {
            specified_used += step.amount_out;
            remaining = step.exhausted ? 0.0 : remaining + step.amount_out;
            calculated += step.amount_in + step.fee_amount;
        }
        total_fee += step.fee_amount;
        if (fee_protocol > 0) {
            const double delta = step.fee_amount / fee_protocol;
            step.fee_amount -= delta;
            protocol_fee_in += delta;
        }
        if (liquidity > 0.0) fee_growth_global_in += step.fee_amount / liquidity;

        // As the exact pool: a step crosses when its amount reaches the target (not when the
        // rounded price happens to equal the target's double), so the side of an initialized
        // tick is decided by the cursor, as the exact pool's by its stored tick.
        if (!step.exhausted && sqrt_price == sqrt_next) {
            if (next != nullptr) {
                // Tick.cross: flip the outside accumulators and apply liquidity_net.
                TickInfo& crossed = *next;
                crossed.fee_growth_outside0_before_cross = crossed.fee_growth_outside0;
                crossed.fee_growth_outside1_before_cross = crossed.fee_growth_outside1;
                crossed.fee_growth_outside0 = fee_growth_global0_ - crossed.fee_growth_outside0;
                crossed.fee_growth_outside1 = fee_growth_global1_ - crossed.fee_growth_outside1;
                // Integer liquidity, as LiquidityMath.addDelta: no drift, exactly 0 when every
                // position is left (the positions' nets sum to the active liquidity).
                const v3::i128 net =
                    zero_for_one ? -crossed.liquidity_net_units : crossed.liquidity_net_units;
                liquidity_units = net >= 0 ? liquidity_units + static_cast<u128>(net)
                                           : liquidity_units - static_cast<u128>(-net);
                liquidity = to_real(liquidity_units);
                if (zero_for_one) {
                    --cursor_;
                } else {
                    ++cursor_;
                }
                ++ticks_crossed;
                end_tick = zero_for_one ? crossed.tick - 1 : crossed.tick;
            } else {
                // Only reachable upwards: the limit MAX_SQRT_RATIO - 1 lies in tick kMaxTick - 1.
                end_tick = zero_for_one ? kMinTick : kMaxTick - 1;
            }
            ended_on_tick = true;
        } else {
            ended_on_tick = false;
        }
    }

    // Relative distance the exact pool's price may end from ours.
    double rounding = 0.0;
    double inv_liquidity = inv_liquidity_;
    if (unit0_x2_ > 0.0 && !(ended_on_tick || sqrt_price == sqrt_price_limit) &&
        active_steps > 0) {
        // The exact pool rounds each of its steps' amounts to whole units (input up, output
        // down, fee up: <= 2 units) and its price to 2^-96; it also stops at every bitmap word.
        // The price it ends at (inside liquidity L at price s) is off by ds/s = s u0 / L per
        // token0 unit u0, u1 / (s L) per token1 unit u1. Estimated without a division on the
        // no-crossing path (1/L cached, 1/s bounded within 12.5%): never below the true figure.
        if (ticks_crossed > 0) inv_liquidity = 1.0 / liquidity;
        const double binades = static_cast<double>(binades_between(sqrt_price, sqrt_price_));
        const double steps = active_steps + binades * words_per_binade_ + 1.0;
        rounding = steps *
                   (std::max(unit0_x2_ * sqrt_price * sqrt_price, unit1_x2_) +
                    price_quantum_ * liquidity) *
                   reciprocal_bound(sqrt_price) * inv_liquidity;
    } else if (ticks_crossed > 0) {
        inv_liquidity = liquidity > 0.0 ? 1.0 / liquidity : 0.0;
    }
    {
        const double in = exact_input ? specified_used : calculated;
        const double held = (zero_for_one ? balances_.amount0 : balances_.amount1) + in;
        const bool too_much = !(held < (zero_for_one ? holdings_limit0_ : holdings_limit1_));
        if (too_much || rounding > kRelativeBound) {
            refuse_swap(zero_for_one, cursor_before, fee_growth_global_in_before,
                        protocol_fee_in_before, too_much, held, sqrt_price, liquidity, rounding);
        }
    }
    if (ended_on_tick || sqrt_price == sqrt_price_limit) {
        price_slack_ = 0.0;  // exactly a tick's price or the limit
    } else {
        price_slack_ = std::min(1.0, price_slack_ + rounding +
                                         4.0 * std::numeric_limits<double>::epsilon());
    }

    // slot0.tick: exact when the last step ended on a tick (even with the price unchanged, as
    // when a swap starts on an initialized tick and crosses it), else recomputed lazily.
    if (ended_on_tick) {
        tick_ = end_tick;
        tick_known_ = true;
    } else if (sqrt_price != sqrt_price_) {
        tick_known_ = false;
        ended_down_at_limit_ = zero_for_one && sqrt_price == sqrt_price_limit;
    }
    sqrt_price_ = sqrt_price;
    liquidity_units_ = liquidity_units;
    liquidity_ = liquidity;
    if (ticks_crossed > 0) inv_liquidity_ = inv_liquidity;

    SwapResult result;
    result.fee_amount = total_fee;
    result.ticks_crossed = ticks_crossed;
    const double in = exact_input ? specified_used : calculated;
    const double out = exact_input ? calculated : specified_used;
    result.amount0 = zero_for_one ? in : -out;
    result.amount1 = zero_for_one ? -out : in;
    balances_.amount0 += result.amount0;
    balances_.amount1 += result.amount1;
    return result;
}

SwapResult ConcentratedLiquidityPool::swap_exact_in(bool zero_for_one, double amount_in) {
    PFT_AMM_FAST_REQUIRE(amount_in > 0.0,
                         "swap_exact_in.amount_in: AS: must be > 0, got " << amount_in);
    return swap(zero_for_one, amount_in, zero_for_one ? kLowestLimit : kHighestLimit);
}

SwapResult ConcentratedLiquidityPool::swap_exact_out(bool zero_for_one, double amount_out) {
    PFT_AMM_FAST_REQUIRE(amount_out > 0.0,
                         "swap_exact_out.amount_out: AS: must be > 0, got " << amount_out);
    return swap(zero_for_one, -amount_out, zero_for_one ? kLowestLimit : kHighestLimit);
}

SwapResult ConcentratedLiquidityPool::swap_to_sqrt_price(double target_sqrt_price) {
    if (target_sqrt_price == sqrt_price_) return {};
    return swap(target_sqrt_price < sqrt_price_, std::numeric_limits<double>::infinity(),
                target_sqrt_price);
}

}  // namespace pftoken::amm::fast
