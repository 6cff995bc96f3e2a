#pragma once
// Uniswap v3 TickBitmap: one bit per usable tick, 256 per word, searched one word at a time.

#include <cstdint>
#include <vector>

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"

namespace pftoken::amm::v3 {

/// Dense bitmap over every word a pool with this tick spacing can touch (at most 6934 words, for
/// spacing 1), allocated once at construction so lookups in the swap loop never allocate or hash.
class TickBitmap {
  public:
    explicit TickBitmap(std::int32_t tick_spacing);

    /// Flips the bit of `tick`; reverts TickSpacing when tick is not a multiple of the spacing.
    Revert flip_tick(std::int32_t tick) noexcept;
    [[nodiscard]] bool is_initialized(std::int32_t tick) const noexcept;

    struct Next {
        std::int32_t tick;
        bool initialized;
    };
    /// TickBitmap.nextInitializedTickWithinOneWord: the next initialized tick at or left of
    /// `tick` (lte) or right of it, searching only the current 256-bit word; when none is found,
    /// returns the word's boundary tick with initialized == false. The swap loop must stop there
    /// (Uniswap does, and results depend on it).
    [[nodiscard]] Next next_initialized_tick_within_one_word(std::int32_t tick, bool lte) const noexcept;

    /// The raw word at `word_position` (Solidity tickBitmap[wordPos]); zero outside the range.
    [[nodiscard]] U256 word(std::int32_t word_position) const noexcept;
    [[nodiscard]] std::int32_t tick_spacing() const noexcept { return spacing_; }

  private:
    std::int32_t spacing_;
    std::int32_t min_word_;
    std::vector<U256> words_;
};

}  // namespace pftoken::amm::v3
