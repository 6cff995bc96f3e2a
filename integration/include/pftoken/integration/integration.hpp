#pragma once
// Umbrella header of pftoken::integration: DCF value against AMM market signals (uses core and amm).
// Include this one header (e.g. from a notebook or a quick program) instead of picking files;
// library code should keep including the specific headers it uses.

#include <pftoken/integration/abm/monte_carlo.hpp>
#include <pftoken/integration/abm/treasury_lp.hpp>
#include <pftoken/integration/arbitrage.hpp>
#include <pftoken/integration/compare.hpp>
#include <pftoken/integration/compare_pool.hpp>
#include <pftoken/integration/fair_value.hpp>
#include <pftoken/integration/feedback.hpp>
#include <pftoken/integration/implied.hpp>
#include <pftoken/integration/liquidity_allocation.hpp>
#include <pftoken/integration/liquidity_stress.hpp>
#include <pftoken/integration/propagation.hpp>
#include <pftoken/integration/range_opt.hpp>
#include <pftoken/integration/range_opt_report.hpp>
#include <pftoken/integration/range_opt_spec.hpp>
