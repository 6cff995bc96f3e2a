#pragma once
// Project model: the inputs that describe a project-finance deal (data only, no logic).
//
// Units: money in the project currency (absolute units, not thousands), rates as decimals
// (0.05 = 5%), durations in the unit named by the field. Every field is documented in
// docs/input-schema.md; the YAML loader (pftoken/model/loader.hpp) fills these structs and
// validates every constraint with an error naming the field path.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pftoken {

using CalendarDate = std::chrono::year_month_day;

enum class Frequency { Monthly = 12, Quarterly = 4, SemiAnnual = 2, Annual = 1 };
enum class DayCount { Actual365Fixed, Actual360, Thirty360, ActualActualISDA };

/// Dates and period grid. Construction runs monthly from financial close; operations start at
/// the commercial operation date (COD = financial close + construction_months) and run for
/// operations_years at `frequency`.
struct Timeline {
    CalendarDate financial_close{std::chrono::year{2025}, std::chrono::month{1}, std::chrono::day{1}};
    int construction_months = 0;
    int operations_years = 25;
    Frequency frequency = Frequency::Monthly;
    DayCount day_count = DayCount::Actual365Fixed;
};

/// Construction: capex drawn monthly, funded by equity and debt draws.
struct Construction {
    enum class Funding { ProRata, EquityFirst };
    double capex_total = 0.0;
    /// Share of capex per construction month; empty means uniform. Must sum to 1.
    std::vector<double> capex_profile;
    Funding funding = Funding::ProRata;
    /// Interest during construction is capitalised into the drawn tranches.
    bool capitalise_interest = true;
};

/// A point of a merchant price curve: price from `year` (years after COD, real terms) on.
struct PricePoint {
    double year = 0.0;
    double price = 0.0;
};

/// One revenue line: volume x price.
struct RevenueStream {
    enum class PriceType { Contracted, Merchant };
    std::string name;
    // Volume per operating year: capacity_mw * 8760 * capacity_factor, or p50_volume directly.
    double capacity_mw = 0.0;
    double capacity_factor = 0.0;
    std::optional<double> p50_volume;  ///< units per year (MWh, vehicles, ...); overrides capacity
    double degradation_per_year = 0.0; ///< compound volume loss per operating year
    double availability = 1.0;         ///< share of volume delivered
    /// Monthly seasonality multipliers (12 values, mean 1) applied by calendar month; empty = flat.
    std::vector<double> seasonality;
    // Price.
    PriceType price_type = PriceType::Contracted;
    double contract_price = 0.0;   ///< per unit at COD
    double indexation = 0.0;       ///< annual indexation of the contract price
    double contract_years = 0.0;   ///< contract tenor from COD; 0 = whole life; merchant after
    std::vector<PricePoint> merchant_curve; ///< step curve in COD money
    double merchant_escalation = 0.0;       ///< annual escalation applied to the merchant curve
};

/// Operating costs, escalated annually from COD.
struct Opex {
    double fixed_per_year = 0.0;
    double variable_per_unit = 0.0;
    double escalation = 0.0;
    double maintenance_capex_per_year = 0.0;  ///< recurring, escalated
    double senior_fees_per_year = 0.0;        ///< agency/trustee fees paid first in the waterfall
};

struct Tax {
    double rate = 0.0;
    int depreciation_years = 20;     ///< straight-line on capex from COD
    bool loss_carry_forward = true;
};

struct WorkingCapital {
    double receivable_days = 0.0;
    double payable_days = 0.0;
};

/// Cash flows given directly, one value per operating period from COD (as exported from a
/// spreadsheet model), instead of `revenues` and `opex`: either line items or CFADS itself.
/// Revenue is scaled by the volume, availability and price factors of Monte Carlo and stress,
/// opex by the opex/inflation factor; a given tax line keeps its effective rate on the period's
/// operating margin (revenue - opex - maintenance capex); maintenance capex and the
/// working-capital change are taken as given.
struct CashFlowLines {
    std::vector<double> revenue;            ///< operating revenue
    std::vector<double> opex;               ///< operating costs (>= 0)
    std::vector<double> maintenance_capex;  ///< maintenance and major-maintenance capex (>= 0)
    std::vector<double> tax;                ///< tax paid, when given (tax.rate must then be 0)
    std::vector<double> working_capital_change;  ///< increase of net working capital (+ ties up cash)
    std::vector<double> cfads;              ///< CFADS directly (no other line; no tax rate, no working capital)
    std::string csv_path;                   ///< where the lines were read from (messages)
    [[nodiscard]] bool given() const { return !revenue.empty() || !cfads.empty(); }
};

/// A token class: how an instrument is split into tokens.
struct TokenClass {
    std::string symbol;
    double supply = 0.0;          ///< number of tokens
    double face_per_token = 0.0;  ///< principal (or equity contribution) per token
};

enum class Amortisation { Bullet, Annuity, LevelPrincipal, Sculpted, Schedule };

/// Terms of a deferrable tranche's deferral (docs/input-schema.md "Deferral terms"). The
/// defaults (no margin, no cap) are plain capitalisation at the coupon.
struct DeferralTerms {
    /// Default interest: the deferred balance (capitalised interest + principal arrears still
    /// outstanding) accrues at the coupon + this margin (decimal a year).
    double default_interest_margin = 0.0;
    std::optional<double> max_amount;  ///< cap on the deferred balance (currency); empty: none
    std::optional<int> max_periods;    ///< cap on the periods with a deferral over the life; empty: none
    [[nodiscard]] bool given() const { return default_interest_margin != 0.0 || max_amount || max_periods; }
};

/// A debt tranche. Rank 1 is most senior; equal ranks share pro rata.
struct Tranche {
    enum class RateType { Fixed, Floating };
    std::string name;
    int rank = 1;
    std::optional<double> principal;  ///< empty: sized by the model (sculpting / gearing)
    RateType rate_type = RateType::Fixed;
    double fixed_rate = 0.0;
    std::string index;                ///< forward curve name for floating tranches
    /// Floating: the coupon margin over the index. Fixed: the discount spread (z-spread).
    double spread = 0.0;
    /// Pricing spread when it differs from `spread` (empty: `spread`). Floating: a discount
    /// margin, simple and added to the index forward each period (margin = discount margin
    /// prices at par when the index curve is the discount curve). Fixed: the z-spread.
    std::optional<double> discount_spread;
    Amortisation amortisation = Amortisation::Annuity;
    double target_dscr = 1.30;        ///< for Sculpted
    std::vector<double> schedule;     ///< for Schedule: principal repaid per operating period
    double tenor_years = 0.0;         ///< from COD
    double grace_years = 0.0;         ///< interest-only period after COD
    bool deferrable_interest = false; ///< unpaid interest deferred and capitalised (default: rank > 1)
    DeferralTerms deferral;           ///< default interest and the cap whose breach is an event of default
    TokenClass token;
};

struct Equity {
    double contribution = 0.0;   ///< empty-equivalent 0: capex - debt
    double cost_of_equity = 0.10;
    TokenClass token;
};

/// What a reserve account (DSRA, MRA) earns besides `interest_rate` (a constant annual rate):
/// a dated curve or a CSV of per-period rates. Annual simple rates, accrued per period on the
/// account's balance (rate x balance x the period's year fraction) and credited to it.
/// `curve` and `csv_path` replace `interest_rate`; at most one of the three is given.
struct ReserveRate {
    struct Point {
        CalendarDate date;
        double rate = 0.0;
    };
    enum class Interpolation { Flat, Linear };
    /// Dated points, strictly increasing. A period earns the curve's value at its start date:
    /// Flat = the last point on or before it, Linear = linear in days between the points;
    /// flat before the first and after the last point either way.
    std::vector<Point> curve;
    Interpolation interpolation = Interpolation::Flat;
    /// A CSV `period_start,rate`: one row per operating period from COD, in order, no gap
    /// (read at compile, errors at file:line:col); operating periods after the last row keep
    /// the last row's rate. Absolute path (the loader resolves it against the project file).
    std::string csv_path;
    /// A `pftoken yield backtest` hourly file (yield_hourly_<name>.csv): the account earns the
    /// strategy's realised annual return (equity growth, compounded to a year) as a constant.
    std::string backtest_path;
    [[nodiscard]] bool given() const noexcept {
        return !curve.empty() || !csv_path.empty() || !backtest_path.empty();
    }
};

/// Debt service reserve account. Target: a fixed `amount`, or `share` x the forward debt service
/// of the next `months_of_debt_service` months, pro-rated on the period grid (6 months on an
/// annual grid = half of the next year's service, never rounded up to a whole period).
struct Dsra {
    enum class Funding { AtClose, FromWaterfall };
    /// Who pays the initial deposit at close: pro rata like capex (the debt share of the uses),
    /// all of it from equity, or all of it from a debt draw at close.
    enum class FundedBy { ProRata, Equity, Debt };
    bool enabled = false;
    double months_of_debt_service = 6.0;
    double share = 1.0;                 ///< fraction of the window's debt service, in (0, 1]
    std::optional<double> amount;       ///< fixed target while covered debt is outstanding
    std::vector<std::string> tranches;  ///< covered tranches; empty = all (shared account)
    Funding funding = Funding::AtClose;
    FundedBy funded_by = FundedBy::ProRata;  ///< source of the deposit at close (funding: at_close)
    double interest_rate = 0.0;         ///< earned on the balance (annual, accrued per period), credited to it
    ReserveRate rate;                   ///< a curve or CSV instead of interest_rate
};

/// Maintenance reserve account: builds to a target from the waterfall, released to fund
/// maintenance capex.
struct Mra {
    bool enabled = false;
    double target = 0.0;
    double contribution_per_year = 0.0;
    double interest_rate = 0.0;  ///< earned on the balance (annual, accrued per period), credited to it
    ReserveRate rate;            ///< a curve or CSV instead of interest_rate
};

struct Sweep {
    bool enabled = false;
    double share = 0.5;               ///< share of excess cash swept
    std::string tranche;              ///< tranche prepaid by the sweep
    double trigger_dscr = 0.0;        ///< sweep while DSCR < trigger (0 = always when locked up)
};

/// Covenants and events of default. DSCR tested per period and on an LTM (12-month) basis.
struct Covenants {
    double lockup_dscr = 1.10;
    double default_dscr = 1.00;
    bool use_historic_dscr = false;   ///< test LTM DSCR instead of period DSCR
    double min_llcr = 0.0;            ///< 0 = not tested
    double min_plcr = 0.0;
    int lockup_cure_periods = 0;      ///< consecutive passing tests needed to release lock-up
    Sweep sweep;
};

/// Debt sizing constraints used when a tranche principal is not given. Gearing has one
/// definition throughout: total debt / total uses of funds (capex, interest during
/// construction, DSRA funding at close), as `pftoken value` reports it.
struct Sizing {
    /// What a sculpted tranche does in periods where its sculpted debt service is below its
    /// interest (the DSCR target cannot be met there without capitalising interest).
    enum class TargetMiss {
        InterestOnly,  ///< pay interest only there (principal 0); reported per period, constraints do not hold
        Fail           ///< refuse the deal with an InputError naming the periods
    };
    double gearing_cap = 0.80;        ///< total debt <= cap * total uses of funds
    std::optional<double> debt_cap;   ///< total debt <= this amount
    TargetMiss on_target_miss = TargetMiss::InterestOnly;
    double min_dscr = 1.0;            ///< for fixed-size debt: every period DSCR >= this
    double max_tenor_years = 0.0;     ///< 0 = no limit
};

/// A discount or forward curve: flat, or zero rates at pillars (from inline points or a CSV).
struct CurveSpec {
    enum class Kind { Flat, Zero };
    std::string name;
    Kind kind = Kind::Flat;
    double flat_rate = 0.05;
    std::vector<std::pair<double, double>> pillars;  ///< (years, zero rate)
    std::string csv_path;                            ///< alternative to inline pillars
};

struct MarketData {
    CurveSpec discount;                 ///< risk-free discount curve
    std::vector<CurveSpec> forwards;    ///< named index curves for floating tranches
};

/// Steps of the per-period waterfall; the default order is the one in docs/conventions.md.
enum class WaterfallStep {
    SeniorFees,
    DebtService,   ///< per rank: interest, then scheduled principal
    DsraTopUp,
    MraTopUp,
    LockupTest,
    CashSweep,
    Distribution
};

/// The state of one tranche at the valuation date, as reported by the deal's agent (seasoning).
struct TrancheActuals {
    std::string tranche;                ///< tranche name
    double principal_outstanding = 0.0; ///< principal not yet repaid
    double deferred_interest = 0.0;     ///< unpaid interest capitalised (bears interest at the coupon)
    double principal_arrears = 0.0;     ///< scheduled principal due and not paid (due again next period)
};

/// Actuals of a live deal at the valuation date: they replace the modelled state after the last
/// payment date on or before the valuation date. Absent fields keep the modelled value.
struct Actuals {
    std::vector<TrancheActuals> tranches;  ///< tranches not listed keep their modelled state
    std::optional<double> dsra_balance;
    std::optional<double> mra_balance;
    std::optional<double> lockup_balance;  ///< cash trapped by the lock-up
    std::optional<bool> locked_up;         ///< lock-up in force (cure count restarts at 0)
};

struct Project {
    std::string name;
    std::string currency = "USD";
    Timeline timeline;
    Construction construction;
    std::vector<RevenueStream> revenues;
    CashFlowLines cash_flows;          ///< given directly instead of revenues / opex (empty: computed)
    Opex opex;
    Tax tax;
    WorkingCapital working_capital;
    std::vector<Tranche> tranches;
    Equity equity;
    Dsra dsra;
    Mra mra;
    Covenants covenants;
    Sizing sizing;
    MarketData market;
    std::vector<WaterfallStep> waterfall_order;  ///< empty = default order
    /// Date at which the debt is valued (remaining flows, accrued interest, clean and dirty
    /// prices); empty = COD. From financial close to the last period end.
    std::optional<CalendarDate> valuation_date;
    std::optional<Actuals> actuals;              ///< seasoning; requires valuation_date
};

}  // namespace pftoken
