#pragma once
// Umbrella header of pftoken::core: project model, waterfall, valuation, pricing, Monte Carlo, stress.
// Include this one header (e.g. from a notebook or a quick program) instead of picking files;
// library code should keep including the specific headers it uses.

#include <pftoken/error.hpp>
#include <pftoken/mc/engine.hpp>
#include <pftoken/mc/factors.hpp>
#include <pftoken/mc/fair_value_paths.hpp>
#include <pftoken/mc/project_mc.hpp>
#include <pftoken/mc/random.hpp>
#include <pftoken/mc/stochastic.hpp>
#include <pftoken/mc/stochastic_yaml.hpp>
#include <pftoken/model/loader.hpp>
#include <pftoken/model/project.hpp>
#include <pftoken/pricing/cashflow_metrics.hpp>
#include <pftoken/pricing/coverage.hpp>
#include <pftoken/pricing/curves.hpp>
#include <pftoken/pricing/sizing.hpp>
#include <pftoken/pricing/tranche_pricing.hpp>
#include <pftoken/report/value_report.hpp>
#include <pftoken/schedule/timeline.hpp>
#include <pftoken/stress/engine.hpp>
#include <pftoken/stress/mc_stress.hpp>
#include <pftoken/stress/report.hpp>
#include <pftoken/stress/reverse.hpp>
#include <pftoken/stress/scenario.hpp>
#include <pftoken/valuation/valuation.hpp>
#include <pftoken/version.hpp>
#include <pftoken/waterfall/compiled_project.hpp>
#include <pftoken/waterfall/drivers.hpp>
#include <pftoken/waterfall/events.hpp>
#include <pftoken/waterfall/kernel.hpp>
#include <pftoken/waterfall/results.hpp>
