// Uniswap v3 Tick, Position and TickBitmap libraries.
#include <stdexcept>
#include <string>

#include "pftoken/amm/exact/full_math.hpp"
#include "pftoken/amm/exact/v3/liquidity_math.hpp"
#include "pftoken/amm/exact/v3/position.hpp"
#include "pftoken/amm/exact/v3/tick.hpp"
#include "pftoken/amm/exact/v3/tick_bitmap.hpp"

namespace pftoken::amm::v3 {

u128 tick_spacing_to_max_liquidity_per_tick(std::int32_t tick_spacing) noexcept {
    const std::int32_t min_tick = (kMinTick / tick_spacing) * tick_spacing;
    const std::int32_t max_tick = (kMaxTick / tick_spacing) * tick_spacing;
    const auto num_ticks = static_cast<std::uint32_t>((max_tick - min_tick) / tick_spacing) + 1u;
    return ~u128{0} / num_ticks;
}

FeeGrowthInside get_fee_growth_inside(const TickInfo& lower, const TickInfo& upper, std::int32_t tick_lower,
                                      std::int32_t tick_upper, std::int32_t tick_current, const U256& global0,
                                      const U256& global1) noexcept {
    const bool current_above_lower = tick_current >= tick_lower;
    const U256 below0 = current_above_lower ? lower.fee_growth_outside0_x128 : global0 - lower.fee_growth_outside0_x128;
    const U256 below1 = current_above_lower ? lower.fee_growth_outside1_x128 : global1 - lower.fee_growth_outside1_x128;
    const bool current_below_upper = tick_current < tick_upper;
    const U256 above0 = current_below_upper ? upper.fee_growth_outside0_x128 : global0 - upper.fee_growth_outside0_x128;
    const U256 above1 = current_below_upper ? upper.fee_growth_outside1_x128 : global1 - upper.fee_growth_outside1_x128;
    return {global0 - below0 - above0, global1 - below1 - above1};
}

Result<bool> tick_update(TickInfo& info, std::int32_t tick, std::int32_t tick_current, i128 liquidity_delta,
                         const U256& global0, const U256& global1, bool upper, u128 max_liquidity) noexcept {
    const u128 gross_before = info.liquidity_gross;
    const Result<u128> gross_after = add_delta(gross_before, liquidity_delta);
    if (!gross_after.ok()) return gross_after.error;
    if (gross_after.value > max_liquidity) return Revert::LO;

    // liquidityNet is int128: compute in 256-bit signed and check the SafeCast.toInt128 bound.
    const auto to_i256 = [](i128 v) {
        return I256::from_bits(U256{static_cast<u128>(v)} | (v < 0 ? U256{0u, 0u, ~0ull, ~0ull} : U256{}));
    };
    const I256 net = upper ? to_i256(info.liquidity_net) - to_i256(liquidity_delta)
                           : to_i256(info.liquidity_net) + to_i256(liquidity_delta);
    const I256 int128_max = I256::from_bits(U256{~u128{0} >> 1});
    const I256 int128_min = -int128_max - I256{1};
    if (net > int128_max || net < int128_min) return Revert::Overflow;

    const bool flipped = (gross_after.value == 0) != (gross_before == 0);
    if (gross_before == 0) {
        // By convention all growth before a tick was initialized happened below it.
        if (tick <= tick_current) {
            info.fee_growth_outside0_x128 = global0;
            info.fee_growth_outside1_x128 = global1;
        }
        info.initialized = true;
    }
    info.liquidity_gross = gross_after.value;
    info.liquidity_net = static_cast<i128>(net.bits.low128());
    return flipped;
}

namespace {
// uint128(FullMath.mulDiv(growth delta, liquidity, Q128)): the high bits are dropped as in Solidity.
u128 fees_for(const U256& inside, const U256& last, u128 liquidity) noexcept {
    const Result<U256> owed = mul_shift(inside - last, U256{liquidity}, 128, false);
    return owed.value.low128();  // cannot overflow: liquidity < 2^128 so the quotient < 2^256
}
}  // namespace

OwedFees uncredited_fees(const PositionInfo& p, const U256& inside0, const U256& inside1) noexcept {
    return {fees_for(inside0, p.fee_growth_inside0_last_x128, p.liquidity),
            fees_for(inside1, p.fee_growth_inside1_last_x128, p.liquidity)};
}

Result<PositionInfo> position_update(const PositionInfo& p, i128 liquidity_delta, const U256& inside0,
                                     const U256& inside1) noexcept {
    u128 liquidity_next = p.liquidity;
    if (liquidity_delta == 0) {
        if (p.liquidity == 0) return Revert::NP;  // disallow pokes for 0-liquidity positions
    } else {
        const Result<u128> next = add_delta(p.liquidity, liquidity_delta);
        if (!next.ok()) return next.error;
        liquidity_next = next.value;
    }
    const OwedFees owed = uncredited_fees(p, inside0, inside1);
    PositionInfo out = p;
    out.liquidity = liquidity_next;
    out.fee_growth_inside0_last_x128 = inside0;
    out.fee_growth_inside1_last_x128 = inside1;
    // Overflow is acceptable (Uniswap): owners must collect before 2^128 accrues.
    out.tokens_owed0 = p.tokens_owed0 + owed.amount0;
    out.tokens_owed1 = p.tokens_owed1 + owed.amount1;
    return out;
}

namespace {
// Floor division toward -infinity, as the bitmap's compressed tick requires.
constexpr std::int32_t compress(std::int32_t tick, std::int32_t spacing) noexcept {
    std::int32_t c = tick / spacing;
    if (tick < 0 && tick % spacing != 0) --c;
    return c;
}
}  // namespace

TickBitmap::TickBitmap(std::int32_t tick_spacing) : spacing_(tick_spacing) {
    if (tick_spacing <= 0) throw std::invalid_argument("tick_spacing: must be > 0, got " + std::to_string(tick_spacing));
    // Margin of two compressed ticks on both sides covers the +1 the search adds and clamped ticks.
    min_word_ = (compress(kMinTick, spacing_) - 2) >> 8;
    const std::int32_t max_word = (compress(kMaxTick, spacing_) + 2) >> 8;
    words_.assign(static_cast<std::size_t>(max_word - min_word_ + 1), U256{});
}

U256 TickBitmap::word(std::int32_t word_position) const noexcept {
    const std::int64_t idx = std::int64_t{word_position} - min_word_;
    if (idx < 0 || idx >= static_cast<std::int64_t>(words_.size())) return {};
    return words_[static_cast<std::size_t>(idx)];
}

Revert TickBitmap::flip_tick(std::int32_t tick) noexcept {
    if (tick % spacing_ != 0) return Revert::TickSpacing;
    const std::int32_t compressed = tick / spacing_;
    const std::int64_t idx = std::int64_t{compressed >> 8} - min_word_;
    if (idx < 0 || idx >= static_cast<std::int64_t>(words_.size())) return Revert::T;
    const auto bit = static_cast<unsigned>(compressed & 255);
    words_[static_cast<std::size_t>(idx)] = words_[static_cast<std::size_t>(idx)] ^ U256::pow2(bit);
    return Revert::None;
}

bool TickBitmap::is_initialized(std::int32_t tick) const noexcept {
    if (tick % spacing_ != 0) return false;
    const std::int32_t compressed = tick / spacing_;
    const U256 w = word(compressed >> 8);
    const auto bit = static_cast<unsigned>(compressed & 255);
    return ((w >> bit).limb[0] & 1u) != 0;
}

namespace {
// Index of the highest set bit of w at or below `bit`, or -1 (BitMath.mostSignificantBit of
// w & (2^(bit+1) - 1)), limb by limb instead of building the 256-bit mask.
int highest_at_or_below(const U256& w, unsigned bit) noexcept {
    auto k = static_cast<std::size_t>(bit >> 6);
    // (2 << 63) wraps to 0 for unsigned operands, so the mask is all ones for bit 63 of a limb.
    std::uint64_t m = w.limb[k] & ((std::uint64_t{2} << (bit & 63u)) - 1u);
    while (m == 0) {
        if (k == 0) return -1;
        m = w.limb[--k];
    }
    return static_cast<int>(k * 64u) + 63 - __builtin_clzll(m);
}
// Index of the lowest set bit of w at or above `bit`, or -1 (leastSignificantBit of w & ~(2^bit - 1)).
int lowest_at_or_above(const U256& w, unsigned bit) noexcept {
    auto k = static_cast<std::size_t>(bit >> 6);
    std::uint64_t m = w.limb[k] & (~std::uint64_t{0} << (bit & 63u));
    while (m == 0) {
        if (k == 3) return -1;
        m = w.limb[++k];
    }
    return static_cast<int>(k * 64u) + __builtin_ctzll(m);
}
}  // namespace

TickBitmap::Next TickBitmap::next_initialized_tick_within_one_word(std::int32_t tick, bool lte) const noexcept {
    const std::int32_t compressed = compress(tick, spacing_);
    // The word by reference (no copy); outside the allocated range it is zero.
    static constexpr U256 kZero{};
    const auto word_at = [&](std::int32_t word_position) -> const U256& {
        const std::int64_t idx = std::int64_t{word_position} - min_word_;
        if (idx < 0 || idx >= static_cast<std::int64_t>(words_.size())) return kZero;
        return words_[static_cast<std::size_t>(idx)];
    };
    if (lte) {
        const auto bit = static_cast<unsigned>(compressed & 255);
        // All bits at or to the right of the current bit.
        const int msb = highest_at_or_below(word_at(compressed >> 8), bit);
        if (msb < 0) return {(compressed - static_cast<std::int32_t>(bit)) * spacing_, false};
        return {(compressed - static_cast<std::int32_t>(bit) + msb) * spacing_, true};
    }
    // Start from the next tick: the current one is already crossed when searching right.
    const std::int32_t next = compressed + 1;
    const auto bit = static_cast<unsigned>(next & 255);
    const int lsb = lowest_at_or_above(word_at(next >> 8), bit);
    if (lsb < 0) return {(next + static_cast<std::int32_t>(255u - bit)) * spacing_, false};
    return {(next + lsb - static_cast<std::int32_t>(bit)) * spacing_, true};
}

}  // namespace pftoken::amm::v3
