#pragma once
// Deterministic valuation of a project: compile, size/sculpt, run the waterfall kernel on
// base-case drivers, then price every tranche token and the equity by DCF.

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "pftoken/model/project.hpp"
#include "pftoken/schedule/timeline.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/results.hpp"

namespace pftoken {

struct ValuationOptions {
    /// Market price per token by token symbol (Tranche::token.symbol, as in `pftoken value
    /// --market-price SYMBOL=PRICE`); a z-spread is solved for each one given.
    std::map<std::string, double> market_price_per_token;
    /// Keep the per-period table and event log in the result (the CLI writes them).
    bool include_periods = true;
};

/// DCF metrics of one tranche token at the debt valuation date (Project::valuation_date, default
/// COD), discounted on the project discount curve referenced at that date plus the tranche's
/// `spread` as a continuous z-spread (docs/conventions.md, docs/valuation-date.md). Flows: the
/// interest, scheduled principal and prepayments paid after the valuation date. Prices are
/// dirty unless named clean; clean = dirty - accrued interest.
struct TrancheValuation {
    std::string name;
    std::string symbol;
    int rank = 1;
    double principal = 0.0;           ///< committed principal (after sizing)
    double pv = 0.0;                  ///< PV at the valuation date of the remaining cash flows (dirty)
    double price_per_token = 0.0;     ///< dirty price: pv / token supply (NaN if no supply)
    double price_pct_of_par = 0.0;    ///< dirty price: pv / outstanding * 100
    double clean_price_per_token = 0.0;   ///< price_per_token - accrued_per_token
    double clean_price_pct_of_par = 0.0;  ///< (pv - accrued_interest) / outstanding * 100
    double accrued_interest = 0.0;    ///< of the current period at the valuation date (tranche day count)
    double accrued_per_token = 0.0;
    double outstanding = 0.0;         ///< balance at the valuation date (after amortisation; actuals when seasoned)
    double outstanding_per_token = 0.0;  ///< outstanding / token supply
    double yield = 0.0;               ///< yield at the market price if given, else at pv; compounded at the period frequency
    double macaulay_duration = 0.0;   ///< years, at the yield
    double modified_duration = 0.0;   ///< years
    double convexity = 0.0;           ///< years^2
    double wal = 0.0;                 ///< weighted average life of the remaining principal, years from the valuation date
    double z_spread = std::numeric_limits<double>::quiet_NaN();  ///< if a market price was given
    double total_interest = 0.0;      ///< paid after the valuation date
    double total_principal = 0.0;     ///< scheduled principal + prepayments paid after the valuation date
    double deferred_interest = 0.0;   ///< capitalised after the valuation date
    double final_balance = 0.0;       ///< unpaid at the end of the grid (> 0 = loss)
    bool payment_default = false;
    bool sized_by_model = false;
    std::string sizing_report;        ///< pricing::SizingSummary::brief_report() when sized
    SizingOutcome sizing;             ///< structured: binding constraint, target, misses (sized or sculpted)
};

struct EquityValuation {
    std::string symbol;
    double contribution = 0.0;        ///< equity paid in (construction / close + injections)
    double npv = 0.0;                 ///< of all equity flows at cost_of_equity (annual), at financial close
    double irr = std::numeric_limits<double>::quiet_NaN();
    double price_per_token = std::numeric_limits<double>::quiet_NaN();  ///< value per token at cost of equity
    double total_distributions = 0.0;
};

struct CovenantSummary {
    double min_dscr = std::numeric_limits<double>::quiet_NaN();
    int min_dscr_period = -1;
    CalendarDate min_dscr_date{};
    double average_dscr = std::numeric_limits<double>::quiet_NaN();
    double min_ltm_dscr = std::numeric_limits<double>::quiet_NaN();
    double llcr_at_cod = std::numeric_limits<double>::quiet_NaN();
    double plcr_at_cod = std::numeric_limits<double>::quiet_NaN();
    double min_llcr = std::numeric_limits<double>::quiet_NaN();
    int lockup_periods = 0;
    int default_periods = 0;
    int dsra_draw_periods = 0;
    double total_swept = 0.0;
};

/// Coverage down to one seniority level, cumulative as lenders test it: CFADS against the debt
/// service (interest and principal due) and the outstanding debt of this rank and every rank
/// senior to it (senior; senior + mezzanine; ...; all debt). The LLCR discounts CFADS at the
/// commitment-weighted rate of the included tranches (as the all-debt LLCR does with all of them).
struct SeniorityCoverage {
    int rank = 1;                         ///< the most junior rank included
    std::vector<std::string> tranches;    ///< the tranches included, input order
    double min_dscr = std::numeric_limits<double>::quiet_NaN();
    int min_dscr_period = -1;
    double average_dscr = std::numeric_limits<double>::quiet_NaN();
    double llcr_at_cod = std::numeric_limits<double>::quiet_NaN();
    double min_llcr = std::numeric_limits<double>::quiet_NaN();
};

/// Everything `pftoken value` reports. `grid` gives the dates of the per-period table
/// `periods`; `llcr` / `plcr` are the ex-post ratios from realised CFADS (one per period).
struct ValuationResult {
    std::string project;
    std::string currency;
    CalendarDate valuation_date{};    ///< financial close: equity NPV/IRR and project IRR
    CalendarDate debt_valuation_date{};  ///< Project::valuation_date (default COD): tranche PV, prices, yield, durations
    bool seasoned = false;            ///< actuals at the valuation date replaced the modelled state
    PeriodGrid grid;
    std::vector<TrancheValuation> tranches;  ///< input order
    EquityValuation equity;
    double project_irr = std::numeric_limits<double>::quiet_NaN();  ///< unlevered, pre-financing, post-tax
    double total_debt = 0.0;
    double total_capex = 0.0;
    double gearing = 0.0;             ///< total_debt / total uses of funds
    CovenantSummary covenants;
    std::vector<SeniorityCoverage> coverage_by_seniority;  ///< one per rank, most senior first
    std::vector<double> llcr;         ///< per period, ex-post (NaN where no debt)
    std::vector<double> plcr;
    std::vector<Event> events;        ///< event log of the base run, in time order
    WaterfallResults periods;         ///< the kernel's per-period table of the base run
};

/// The date the project's debt is valued at: Project::valuation_date, or COD when absent.
[[nodiscard]] CalendarDate debt_valuation_date(const Project& project);

/// Values a project (validated by the loader). Throws InputError for inconsistent inputs
/// (e.g. a schedule that does not sum to principal) with the field path.
[[nodiscard]] ValuationResult value(const Project& project, const ValuationOptions& options = {});

}  // namespace pftoken
