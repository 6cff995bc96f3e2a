#pragma once
// Stress scenarios as data: named sets of shocks to project inputs or the token market, read
// from YAML (ORE style: a scenario is a struct read from a file, never a code path).
//
// The schema is documented in docs/stress.md. Project shocks (price, volume, availability,
// opex, capex overrun, construction delay, rates, spreads, inflation) are mapped onto the
// waterfall kernel's PeriodDrivers by the stress engine (pftoken/stress/engine.hpp); token-market
// shocks (token sell-off, LP withdrawal) are carried here as data only and evaluated by the
// liquidity-stress part of pftoken::integration, because the core knows nothing of pools.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pftoken/model/project.hpp"

namespace pftoken::stress {

enum class ShockType {
    MerchantPrice,      ///< size = relative change of the merchant price (-0.3 = -30%)
    Volume,             ///< size = relative change of volume, contracted and merchant
    Availability,       ///< size = extra share of volume lost to outages, [0, 1]
    Opex,               ///< size = relative change of fixed and variable opex
    CapexOverrun,       ///< size = construction capex overrun share (0.15 = +15%), equity funded
    ConstructionDelay,  ///< size = months of delay (operating periods with no output)
    RatesParallel,      ///< size = bp added to every zero rate and floating index
    RatesTwist,         ///< size = scale of the (short_bp, long_bp) twist profile (1 = as given)
    Spread,             ///< size = bp added to the discount spread of the listed tranches
    Inflation,          ///< size = bp of extra annual inflation on opex (and revenue by pass-through)
    TokenSelloff,       ///< size = share of a token's supply sold into its pool (market shock)
    LpWithdrawal        ///< size = share of pool liquidity withdrawn by LPs (market shock)
};

/// YAML name of a shock type (`merchant_price`, `rates_twist`, ...).
[[nodiscard]] std::string_view to_string(ShockType type) noexcept;
/// True for the token-market shocks evaluated by the liquidity stress.
[[nodiscard]] constexpr bool is_market_shock(ShockType type) noexcept {
    return type == ShockType::TokenSelloff || type == ShockType::LpWithdrawal;
}

/// Where a shock applies: dates and/or global period indices of the compiled grid (0 = first
/// construction month), each bound optional and inclusive. A period is in the window when it
/// overlaps [start, end] (its end date is after `start` and its start date is on or before
/// `end`). No bound at all = the whole life.
struct Window {
    std::optional<CalendarDate> start;
    std::optional<CalendarDate> end;
    std::optional<int> start_period;
    std::optional<int> end_period;
    [[nodiscard]] bool unbounded() const noexcept {
        return !start && !end && !start_period && !end_period;
    }
};

struct Shock {
    ShockType type = ShockType::MerchantPrice;
    double size = 0.0;                  ///< meaning per ShockType
    // rates_twist: zero-rate shift short_bp at t = 0, 0 at pivot_years, long_bp from long_years
    // on, linear in between (times in years from financial close).
    double short_bp = 0.0;
    double long_bp = 0.0;
    double pivot_years = 5.0;
    double long_years = 20.0;
    // inflation: share of the extra inflation passed into merchant prices / contracted revenue.
    double merchant_passthrough = 1.0;
    double contract_passthrough = 1.0;
    std::vector<std::string> tranches;  ///< spread: tranche names; empty = every tranche
    std::string token;                  ///< market shocks: token symbol; empty = every pool
    Window window;
    std::string path;                   ///< field path, e.g. "scenarios[3].shocks[0]", for messages
};

struct Scenario {
    std::string name;
    std::string description;
    std::vector<Shock> shocks;          ///< combined; market shocks apply in this order
    std::string path;                   ///< e.g. "scenarios[3]"
    [[nodiscard]] bool has_project_shocks() const noexcept;
    [[nodiscard]] bool has_market_shocks() const noexcept;
};

/// Reads scenario YAML text (a top-level `scenarios:` sequence). Every problem is collected and
/// thrown at once as one pftoken::InputError (the strict reader, pftoken/base/yaml.hpp) with "source:line:col: path:
/// constraint" lines, e.g. `scenarios[3].shocks[0].window.end: must be after start`.
[[nodiscard]] std::vector<Scenario> parse_scenarios(std::string_view yaml_text,
                                                    const std::string& source_name);
/// Reads a scenario file (see parse_scenarios).
[[nodiscard]] std::vector<Scenario> load_scenarios(const std::filesystem::path& path);

/// Field-path problems of scenarios built in code (same rules as the parser); empty = valid.
[[nodiscard]] std::vector<std::string> check_scenarios(const std::vector<Scenario>& scenarios);

/// One shock of a given type and size, for code and reverse stress.
[[nodiscard]] Shock make_shock(ShockType type, double size);

}  // namespace pftoken::stress
