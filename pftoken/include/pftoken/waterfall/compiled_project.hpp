#pragma once
// A Project compiled once into plain per-period arrays for the waterfall kernel.
//
// compile() does all the setup work that needs QuantLib (period grid, forward curves), resolves
// names (DSRA coverage, sweep tranche), builds revenue/opex profiles, sizes and sculpts debt and
// fixes every tranche's scheduled amortisation. The result is immutable, holds no QuantLib
// objects and can be shared read-only by any number of threads running the kernel.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "pftoken/model/project.hpp"
#include "pftoken/schedule/timeline.hpp"

namespace pftoken {

/// A period where a sculpted tranche's debt service fell below its interest: paid interest only
/// (Sizing::TargetMiss::InterestOnly), so the DSCR target is missed there.
struct SizingMiss {
    int period = 0;                  ///< global period index
    double sculpted_debt_service = 0.0;
    double interest = 0.0;
};

/// How a tranche sized by the model was sized (pricing::size_debt on the base run).
struct SizingOutcome {
    std::string binding;             ///< pricing::to_string(BindingConstraint)
    double target = 0.0;             ///< the DSCR multiple sized to (target_dscr or sizing.min_dscr)
    bool constraints_hold = true;
    bool tenor_clipped = false;      ///< tenor cut by sizing.max_tenor_years
    int tenor_periods = 0;
    std::vector<SizingMiss> misses;  ///< interest-only periods (sculpted below interest)
};

/// Tranche terms resolved onto the period grid (global period indices).
struct CompiledTranche {
    std::string name;
    TokenClass token;
    int rank = 1;
    bool floating = false;
    bool deferrable = false;          ///< unpaid interest/principal deferred instead of defaulting
    bool deferral_terms = false;      ///< Tranche::deferral given (default interest or a cap)
    double default_margin = 0.0;      ///< extra rate on the deferred balance (decimal a year)
    double max_deferred = 0.0;        ///< cap on the deferred balance (+inf: none)
    int max_deferral_periods = 0;     ///< cap on periods with a deferral (INT_MAX: none)
    bool dsra_covered = false;        ///< the DSRA pays this tranche's shortfalls
    bool sized_by_model = false;      ///< principal came from sizing / sculpting
    Amortisation amortisation = Amortisation::Annuity;
    double principal = 0.0;           ///< commitment (drawn by COD)
    double fixed_rate = 0.0;
    double spread = 0.0;              ///< floating margin over the index (0 for fixed)
    double discount_spread = 0.0;     ///< Tranche::discount_spread or spread: z-spread (fixed), discount margin (floating)
    double target_dscr = 0.0;
    int first_repayment = 0;          ///< first period with scheduled principal (after grace)
    int maturity = 0;                 ///< last scheduled period (inclusive)
    std::string sizing_message;       ///< sizing summary when sized by the model
    SizingOutcome sizing;             ///< structured sizing result when sized or sculpted
};

/// Immutable compiled project. Per-period arrays have grid.size() entries; per-tranche arrays
/// are tranche-major [k * periods + t] in input order.
struct CompiledProject {
    /// Identity of this compilation (unique per compile() call, kept by copies). A waterfall
    /// workspace is bound to the project it was sized for and checks this id on every run.
    std::uint64_t id = 0;
    std::string name;
    std::string currency;
    PeriodGrid grid;
    int periods = 0;
    int tranche_count = 0;
    bool deferral_terms = false;  ///< some tranche has deferral terms (CompiledTranche::deferral_terms)
    std::vector<CompiledTranche> tranches;
    /// Tranche indices by ascending rank (stable); groups of equal rank are
    /// rank_order[rank_begin[g] .. rank_begin[g + 1]).
    std::vector<int> rank_order;
    std::vector<int> rank_begin;

    // Base per-period operating arrays (neutral drivers).
    std::vector<double> contracted_volume;   ///< units delivered under contract
    std::vector<double> contracted_revenue;
    std::vector<double> merchant_volume;
    std::vector<double> merchant_price;      ///< volume-weighted merchant price
    std::vector<double> opex_fixed;
    std::vector<double> opex_variable_per_unit;
    std::vector<double> maintenance_capex;
    std::vector<double> senior_fees;
    std::vector<double> depreciation;        ///< at base capex; scaled by (1 + capex overrun)
    std::vector<double> construction_capex;
    std::vector<double> mra_contribution;
    std::vector<double> given_tax;           ///< tax given per period (cash_flows.tax), added to the computed tax
    /// Base-case operating margin (revenue - opex - maintenance capex) per period when a tax line
    /// is given: the kernel scales the given tax by the run's margin / this (empty: no tax line).
    std::vector<double> given_tax_margin;
    /// Increase of net working capital given per period (cash_flows.working_capital_change;
    /// empty: none), subtracted from CFADS as given.
    std::vector<double> given_working_capital;
    std::vector<double> covenant_discount_rate;  ///< principal-weighted all-in debt rate (LLCR/PLCR)

    // Per tranche [k * periods + t].
    std::vector<double> base_index;          ///< forward index rate (floating), 0 for fixed
    std::vector<double> scheduled_principal; ///< on the commitment, before prepayments
    /// Per tranche, [k * (periods + 1) + t] = sum of scheduled principal before period t
    /// (prefix sums for the O(1) DSRA target; set by compile()).
    std::vector<double> cumulative_scheduled;
    std::vector<double> inverse_accrual;     ///< per period, 1 / accrual

    // Scalars.
    double capex_total = 0.0;
    double total_debt = 0.0;
    double debt_share = 0.0;                 ///< pro-rata share of base uses funded by debt
    double equity_commitment = 0.0;          ///< equity-first: equity before any debt draw
    bool equity_first = false;
    bool capitalise_interest = true;
    double tax_rate = 0.0;
    bool loss_carry_forward = true;
    double receivable_days = 0.0;
    double payable_days = 0.0;

    struct DsraTerms {
        bool enabled = false;
        bool funded_at_close = false;
        /// Source of the deposit at close: 0 pro rata with capex (the debt share of the uses),
        /// 1 equity, 2 a debt draw at close (Dsra::FundedBy).
        int close_source = 0;
        int periods_ahead = 0;               ///< whole forward debt-service periods in the target
        double partial_period = 0.0;         ///< share of the next period beyond them, in [0, 1)
        double share = 1.0;                  ///< fraction of that forward debt service
        bool fixed = false;                  ///< target = fixed_amount while covered debt is outstanding
        double fixed_amount = 0.0;
        /// Valued during construction: the deposit at close is history, paid at its base-case
        /// amount `close_amount` whatever the run's rates (a rate shock or path after the
        /// valuation date does not re-size it). Else the kernel sizes it per run (target at COD).
        bool close_frozen = false;
        double close_amount = 0.0;
        /// annual rate per grid period (reserve_rates); empty when every rate is 0 (the kernel then
        /// skips the account's interest: no work on the reserve balance's dependency chain)
        std::vector<double> interest_rate;
    } dsra;
    struct MraTerms {
        bool enabled = false;
        double target = 0.0;
        /// annual rate per grid period (reserve_rates); empty when every rate is 0 (the kernel then
        /// skips the account's interest: no work on the reserve balance's dependency chain)
        std::vector<double> interest_rate;
    } mra;
    struct CovenantTerms {
        double lockup_dscr = 0.0;
        double default_dscr = 0.0;
        bool use_ltm = false;
        int ltm_periods = 12;
        double min_llcr = 0.0;
        double min_plcr = 0.0;
        int cure_periods = 0;
        bool sweep_enabled = false;
        double sweep_share = 0.0;
        int sweep_tranche = -1;
        double sweep_trigger = 0.0;
        int last_debt_period = -1;           ///< final maturity over all tranches (LLCR horizon)
    } covenants;

    std::array<WaterfallStep, 7> order{};
    int order_size = 0;

    /// The debt valuation date (Project::valuation_date, default COD) and the first period whose
    /// payment date is after it: the remaining flows are those of periods >= valuation_period
    /// (periods() when none remain).
    CalendarDate valuation_date{};
    int valuation_period = 0;
    /// What a capex overrun raises (docs/valuation-date.md, "Valued during construction"): per
    /// period, the share of its construction capex not yet drawn at the valuation date (1 while
    /// the period is unpaid, 0 once paid on or before it, (end - V) / (end - start) in days for
    /// the period containing V: a period's capex is drawn evenly over its days), and
    /// overrun_share = sum_t capex_t w_t / capex_total, the share of capex_total (and of the
    /// depreciation) the overrun scales. An overrun x makes period t's capex capex_t (1 + x w_t).
    /// All 1 unless the valuation date lies strictly between financial close and COD.
    std::vector<double> overrun_weight;
    double overrun_share = 1.0;
    /// Actuals at the valuation date (Project::actuals): the kernel replaces its carried state
    /// with them at the start of period `period` (= valuation_period), and writes the replaced
    /// balances into period - 1's tranche_balance (and dsra/mra/lock-up balances in full mode).
    /// NaN / -1 entries keep the modelled value.
    struct Seasoning {
        bool enabled = false;
        int period = -1;
        std::vector<double> balance;  ///< per tranche: principal outstanding + deferred interest
        std::vector<double> arrears;  ///< per tranche: unpaid scheduled principal
        /// per tranche: capitalised interest outstanding (the deferred balance that bears the
        /// default-interest margin of Deferral terms); NaN = modelled
        std::vector<double> deferred;
        double dsra = 0.0, mra = 0.0, trapped = 0.0;  ///< NaN = modelled
        int locked = -1;                              ///< 0 / 1, -1 = modelled
    } seasoning;

    [[nodiscard]] std::size_t at(int tranche, int period) const noexcept {
        return static_cast<std::size_t>(tranche) * static_cast<std::size_t>(periods) +
               static_cast<std::size_t>(period);
    }
};

/// Compiles and sizes a project (setup; uses QuantLib). Throws InputError naming the field path
/// for inconsistent inputs, e.g. "tranches[1].schedule: must sum to principal 1e+08, got 9e+07".
[[nodiscard]] CompiledProject compile(const Project& project);

/// The default waterfall order (docs/conventions.md).
[[nodiscard]] std::array<WaterfallStep, 7> default_waterfall_order() noexcept;

}  // namespace pftoken
