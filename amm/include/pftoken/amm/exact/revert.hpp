#pragma once
// Revert codes of the exact Uniswap models and the Result<T> carrier (no exceptions in hot paths).

#include <cstdint>
#include <string_view>

namespace pftoken::amm {

/// Why an operation reverted. Codes with a Uniswap revert string print as that string
/// ("SPL", "LOK", "UniswapV2: K" prints as "K"); Solidity `require`s without a message and
/// checked-arithmetic failures get the pftoken names listed in docs/amm-exact.md.
enum class Revert : std::uint8_t {
    None = 0,
    // --- Uniswap v3 strings ---
    LOK,  ///< pool locked (not initialized)
    TLU,  ///< tickLower >= tickUpper
    TLM,  ///< tickLower < MIN_TICK
    TUM,  ///< tickUpper > MAX_TICK
    AS,   ///< swap amountSpecified == 0
    AI,   ///< pool already initialized
    IIA,  ///< insufficient input amount (callback underpaid)
    M0,   ///< mint callback underpaid token0
    M1,   ///< mint callback underpaid token1
    LS,   ///< LiquidityMath: liquidity subtraction underflow
    LA,   ///< LiquidityMath: liquidity addition overflow
    LO,   ///< liquidity per tick above maxLiquidityPerTick
    NP,   ///< poke of a position without liquidity
    SPL,  ///< sqrt price limit on the wrong side or out of range
    T,    ///< TickMath: |tick| > MAX_TICK
    R,    ///< TickMath: sqrt ratio outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO)
    // --- Uniswap v2 strings (without the "UniswapV2: " prefix) ---
    K,
    InsufficientLiquidity,        ///< INSUFFICIENT_LIQUIDITY
    InsufficientInputAmount,      ///< INSUFFICIENT_INPUT_AMOUNT
    InsufficientOutputAmount,     ///< INSUFFICIENT_OUTPUT_AMOUNT
    InsufficientAmount,           ///< INSUFFICIENT_AMOUNT (UniswapV2Library.quote)
    InsufficientLiquidityMinted,  ///< INSUFFICIENT_LIQUIDITY_MINTED
    InsufficientLiquidityBurned,  ///< INSUFFICIENT_LIQUIDITY_BURNED
    ZeroPairReserves,             ///< ZERO_PAIR_RESERVES (arbitrage library)
    LiquidityAmount,              ///< LIQUIDITY_AMOUNT (liquidity value library)
    // --- unnamed requires / checked arithmetic (pftoken names) ---
    Overflow,        ///< arithmetic or cast overflow (SafeMath, SafeCast, uint112/uint160 bounds)
    Underflow,       ///< SafeMath subtraction underflow
    DivisionByZero,  ///< FullMath / UnsafeMath denominator == 0
    ZeroPrice,       ///< SqrtPriceMath: sqrtPX96 == 0
    ZeroLiquidity,   ///< SqrtPriceMath: liquidity == 0
    PriceBounds,     ///< SqrtPriceMath: output would push the price to or past zero
    ZeroAmount,      ///< mint with amount == 0
    TickSpacing,     ///< tick not a multiple of tickSpacing
    FeeProtocol,     ///< setFeeProtocol nibble not 0 or in [4, 10]
};

/// The code printed for `r` (e.g. "SPL", "K", "OVERFLOW"); "" for Revert::None.
constexpr std::string_view revert_code(Revert r) noexcept {
    switch (r) {
    case Revert::None: return "";
    case Revert::LOK: return "LOK";
    case Revert::TLU: return "TLU";
    case Revert::TLM: return "TLM";
    case Revert::TUM: return "TUM";
    case Revert::AS: return "AS";
    case Revert::AI: return "AI";
    case Revert::IIA: return "IIA";
    case Revert::M0: return "M0";
    case Revert::M1: return "M1";
    case Revert::LS: return "LS";
    case Revert::LA: return "LA";
    case Revert::LO: return "LO";
    case Revert::NP: return "NP";
    case Revert::SPL: return "SPL";
    case Revert::T: return "T";
    case Revert::R: return "R";
    case Revert::K: return "K";
    case Revert::InsufficientLiquidity: return "INSUFFICIENT_LIQUIDITY";
    case Revert::InsufficientInputAmount: return "INSUFFICIENT_INPUT_AMOUNT";
    case Revert::InsufficientOutputAmount: return "INSUFFICIENT_OUTPUT_AMOUNT";
    case Revert::InsufficientAmount: return "INSUFFICIENT_AMOUNT";
    case Revert::InsufficientLiquidityMinted: return "INSUFFICIENT_LIQUIDITY_MINTED";
    case Revert::InsufficientLiquidityBurned: return "INSUFFICIENT_LIQUIDITY_BURNED";
    case Revert::ZeroPairReserves: return "ZERO_PAIR_RESERVES";
    case Revert::LiquidityAmount: return "LIQUIDITY_AMOUNT";
    case Revert::Overflow: return "OVERFLOW";
    case Revert::Underflow: return "UNDERFLOW";
    case Revert::DivisionByZero: return "DIVISION_BY_ZERO";
    case Revert::ZeroPrice: return "ZERO_PRICE";
    case Revert::ZeroLiquidity: return "ZERO_LIQUIDITY";
    case Revert::PriceBounds: return "PRICE_BOUNDS";
    case Revert::ZeroAmount: return "ZERO_AMOUNT";
    case Revert::TickSpacing: return "TICK_SPACING";
    case Revert::FeeProtocol: return "FEE_PROTOCOL";
    }
    return "UNKNOWN";
}

/// A value or the revert that prevented it. Cheap to copy, never allocates.
template <class T>
struct [[nodiscard]] Result {
    T value{};
    Revert error = Revert::None;

    constexpr Result() noexcept = default;
    constexpr Result(T v) noexcept : value(v) {}  // NOLINT: success converts implicitly
    constexpr Result(Revert e) noexcept : error(e) {}  // NOLINT: failure converts implicitly

    [[nodiscard]] constexpr bool ok() const noexcept { return error == Revert::None; }
    constexpr explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] constexpr std::string_view code() const noexcept { return revert_code(error); }
};

}  // namespace pftoken::amm
