#pragma once
// The per-period annual rate a reserve account (DSRA, MRA) earns, resolved on the project's
// period grid from model::ReserveRate: a constant, a dated curve (flat or linear), a CSV of
// per-period rates, or the realised return of a `pftoken yield backtest` hourly file.
#include <string>
#include <vector>

#include "pftoken/model/project.hpp"
#include "pftoken/schedule/timeline.hpp"

namespace pftoken {

/// One annual rate per grid period (construction periods included; the accounts are empty
/// there). `field` names the account's key ("dsra.interest_rate") in messages. A CSV or backtest
/// file is read here: every problem is an InputError at file:line:col naming the column.
[[nodiscard]] std::vector<double> reserve_rates(const PeriodGrid& grid, double constant, const ReserveRate& rate,
                                                const std::string& field);

/// The realised annual return of a `pftoken yield backtest` hourly file: initial equity =
/// first row's equity - pnl_total, final = last row's equity, hours = rows - 1 (the summary's
/// APY, (final / initial)^(8760 / hours) - 1).
[[nodiscard]] double backtest_realised_rate(const std::string& path, const std::string& field);

}  // namespace pftoken
