#pragma once
// Waterfall event log entries (breaches, reserve draws, deferrals, defaults) and their names.

#include <string_view>

#include "pftoken/model/project.hpp"

namespace pftoken {

enum class EventKind {
    DsraDraw,            ///< DSRA drawn to cover a debt-service shortfall (amount = draw)
    InterestDeferred,    ///< unpaid interest of a deferrable tranche, capitalised (amount)
    PrincipalDeferred,   ///< unpaid scheduled principal of a deferrable tranche, carried as arrears
    PaymentDefault,      ///< unpaid interest or principal of a non-deferrable tranche (amount)
    DscrDefault,         ///< tested DSCR below covenants.default_dscr (value vs threshold)
    LockupBreach,        ///< lock-up test failed: DSCR / LTM DSCR / LLCR / PLCR below threshold
    LockupReleased,      ///< lock-up lifted after the cure periods
    CashSweep,           ///< excess cash prepaid the sweep tranche (amount)
    EquityInjection,     ///< negative cash (CFADS < 0 or unpaid fees) funded by the sponsor
    SeniorFeeShortfall,  ///< senior fees not fully paid; carried forward
    LossAtMaturity       ///< balance left unpaid after a tranche's final maturity (amount)
};

/// One entry of the event log. `tranche` is the tranche index (input order) or -1; `value` and
/// `threshold` carry the tested ratio and its covenant level for ratio events, else NaN.
struct Event {
    int period = 0;
    CalendarDate date{};
    EventKind kind = EventKind::DsraDraw;
    int tranche = -1;
    double amount = 0.0;
    double value = 0.0;
    double threshold = 0.0;
};

/// Stable snake_case name of an event kind, used in CSV/JSON outputs.
[[nodiscard]] constexpr std::string_view to_string(EventKind kind) noexcept {
    switch (kind) {
    case EventKind::DsraDraw: return "dsra_draw";
    case EventKind::InterestDeferred: return "interest_deferred";
    case EventKind::PrincipalDeferred: return "principal_deferred";
    case EventKind::PaymentDefault: return "payment_default";
    case EventKind::DscrDefault: return "dscr_default";
    case EventKind::LockupBreach: return "lockup_breach";
    case EventKind::LockupReleased: return "lockup_released";
    case EventKind::CashSweep: return "cash_sweep";
    case EventKind::EquityInjection: return "equity_injection";
    case EventKind::SeniorFeeShortfall: return "senior_fee_shortfall";
    case EventKind::LossAtMaturity: return "loss_at_maturity";
    }
    return "unknown";
}

}  // namespace pftoken
