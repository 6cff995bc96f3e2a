#include "pftoken/waterfall/reserve_rate.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>

#include <fmt/format.h>

#include "pftoken/base/csv.hpp"
#include "pftoken/base/format.hpp"
#include "pftoken/error.hpp"

namespace pftoken {

namespace {

double days(const CalendarDate& d) {
    return static_cast<double>(std::chrono::sys_days{d}.time_since_epoch().count());
}

/// The curve's value at `date`: flat = the last point on or before it, linear = linear in days
/// between the two points around it; flat before the first and after the last point.
double curve_at(const ReserveRate& rate, const CalendarDate& date) {
    const auto& c = rate.curve;
    const double x = days(date);
    if (x <= days(c.front().date)) return c.front().rate;
    if (x >= days(c.back().date)) return c.back().rate;
    std::size_t i = 1;
    while (days(c[i].date) <= x) ++i;  // c[i - 1].date <= x < c[i].date
    const auto& a = c[i - 1];
    if (rate.interpolation == ReserveRate::Interpolation::Flat) return a.rate;
    const auto& b = c[i];
    const double w = (x - days(a.date)) / (days(b.date) - days(a.date));
    return a.rate + w * (b.rate - a.rate);
}

/// A rate read from a CSV cell: a finite decimal in (-1, 1).
double csv_rate(const csv::File& f, std::size_t row, std::size_t col) {
    const double r = f.real(row, col);
    if (!(r > -1.0 && r < 1.0))
        throw f.error(row, col, fmt::format("must be in (-1, 1) (rates are decimals: 0.05 = 5%), got {}", r));
    return r;
}

}  // namespace

double backtest_realised_rate(const std::string& path, const std::string& field) {
    const csv::File f = csv::File::read(path);
    const std::size_t equity = f.column("equity");
    const std::size_t pnl = f.column("pnl_total");
    if (f.row_count() < 2)
        throw InputError(field + ".backtest",
                         fmt::format("{}: needs at least two hourly rows to give a return, got {}", path, f.row_count()));
    const double initial = f.real(0, equity) - f.real(0, pnl);
    const double final_equity = f.real(f.row_count() - 1, equity);
    if (!(initial > 0.0)) throw f.error(0, equity, "initial equity (equity - pnl_total) must be > 0");
    if (!(final_equity > 0.0)) throw f.error(f.row_count() - 1, equity, "must be > 0 (the strategy lost everything)");
    const double hours = static_cast<double>(f.row_count() - 1);
    const double r = std::pow(final_equity / initial, 8760.0 / hours) - 1.0;
    if (!(r > -1.0 && r < 1.0))
        throw InputError(field + ".backtest",
                         fmt::format("{}: the realised annual return {} is outside (-1, 1)", path, r));
    return r;
}

std::vector<double> reserve_rates(const PeriodGrid& grid, double constant, const ReserveRate& rate,
                                  const std::string& field) {
    const auto n = static_cast<std::size_t>(grid.size());
    std::vector<double> out(n, constant);
    if (!rate.curve.empty()) {
        for (std::size_t t = 0; t < n; ++t) out[t] = curve_at(rate, grid.start[t]);
    } else if (!rate.backtest_path.empty()) {
        const double r = backtest_realised_rate(rate.backtest_path, field);
        for (double& x : out) x = r;
    } else if (!rate.csv_path.empty()) {
        // One row per operating period from COD, in order: the row's period_start must be the
        // grid's; later periods keep the last row's rate.
        const csv::File f = csv::File::read(rate.csv_path);
        f.require_header({"period_start", "rate"});
        const auto first = static_cast<std::size_t>(grid.first_operating());
        const auto operating = static_cast<std::size_t>(grid.operating_periods);
        if (f.row_count() == 0)
            throw InputError(field + ".csv_path", rate.csv_path + ": has no rows (one per operating period from COD)");
        if (f.row_count() > operating)
            throw f.error(operating, 0,
                          fmt::format("more rows than the project's {} operating periods", operating));
        double last = 0.0;
        for (std::size_t i = 0; i < f.row_count(); ++i) {
            const auto& cell = f.cell(i, 0);
            const std::string expected = format::iso_date(grid.start[first + i]);
            const auto date = format::parse_iso_date(cell.text);
            if (!date) throw f.error(i, 0, "must be a date YYYY-MM-DD, got '" + cell.text + "'");
            if (*date != grid.start[first + i]) {
                const bool gap = days(*date) > days(grid.start[first + i]);
                throw f.error(i, 0,
                              fmt::format("{}expected operating period {}'s start {}, got {}", gap ? "gap: " : "",
                                          i + 1, expected, cell.text));
            }
            last = csv_rate(f, i, 1);
            out[first + i] = last;
        }
        for (std::size_t t = first + f.row_count(); t < n; ++t) out[t] = last;
    }
    return out;
}

}  // namespace pftoken
