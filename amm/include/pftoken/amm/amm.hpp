#pragma once
// Umbrella header of pftoken::amm: exact and fast Uniswap v2/v3 pool models, LP analytics, Aave v3
// index math and the prediction-market cost models.
// Include this one header (e.g. from a notebook or a quick program) instead of picking files;
// library code should keep including the specific headers it uses.

#include <pftoken/amm/aave/health.hpp>
#include <pftoken/amm/aave/math_utils.hpp>
#include <pftoken/amm/aave/reserve.hpp>
#include <pftoken/amm/aave/wad_ray_math.hpp>
#include <pftoken/amm/analytics/fee_income.hpp>
#include <pftoken/amm/analytics/impermanent_loss.hpp>
#include <pftoken/amm/analytics/liquidity_distribution.hpp>
#include <pftoken/amm/analytics/lvr.hpp>
#include <pftoken/amm/analytics/market_depth.hpp>
#include <pftoken/amm/analytics/position.hpp>
#include <pftoken/amm/exact/full_math.hpp>
#include <pftoken/amm/exact/replay.hpp>
#include <pftoken/amm/exact/revert.hpp>
#include <pftoken/amm/exact/uint256.hpp>
#include <pftoken/amm/exact/v2/library.hpp>
#include <pftoken/amm/exact/v2/pair.hpp>
#include <pftoken/amm/exact/v3/liquidity_math.hpp>
#include <pftoken/amm/exact/v3/pool.hpp>
#include <pftoken/amm/exact/v3/position.hpp>
#include <pftoken/amm/exact/v3/sqrt_price_math.hpp>
#include <pftoken/amm/exact/v3/swap_math.hpp>
#include <pftoken/amm/exact/v3/tick.hpp>
#include <pftoken/amm/exact/v3/tick_bitmap.hpp>
#include <pftoken/amm/exact/v3/tick_math.hpp>
#include <pftoken/amm/fast/concentrated_liquidity_pool.hpp>
#include <pftoken/amm/fast/constant_product_pool.hpp>
#include <pftoken/amm/fast/error.hpp>
#include <pftoken/amm/fast/tick_math.hpp>
#include <pftoken/amm/pm/lmsr.hpp>
#include <pftoken/amm/pm/outcomes.hpp>
#include <pftoken/amm/pm/parametric.hpp>
