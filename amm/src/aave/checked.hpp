#pragma once
// Internal: Solidity 0.8 checked arithmetic for the Aave models (a revert instead of a wrap).
// amm/src/exact/v2.cpp keeps the same SafeMath helpers privately for the Uniswap v2 pair.

#include "pftoken/amm/exact/revert.hpp"
#include "pftoken/amm/exact/uint256.hpp"

namespace pftoken::amm::aave::detail {

inline Result<U256> checked_mul(const U256& a, const U256& b) noexcept {
    U256 out;
    if (mul_overflow(a, b, out)) return Revert::Overflow;
    return out;
}
inline Result<U256> checked_add(const U256& a, const U256& b) noexcept {
    U256 out;
    if (add_overflow(a, b, out)) return Revert::Overflow;
    return out;
}

}  // namespace pftoken::amm::aave::detail
