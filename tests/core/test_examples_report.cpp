// Value reports on a hand-built valuation result: every column present, NaN written as an
// empty CSV cell / JSON null, sources and uses add up, the file set per format.
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pftoken/model/loader.hpp"
#include "pftoken/report/value_report.hpp"

namespace {

using namespace pftoken;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

CalendarDate ymd(int y, unsigned m, unsigned d) {
    return CalendarDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

// Two periods: one construction month (capex 100 = debt 60 + equity 40), one annual operating
// period (CFADS 30, debt service 20, DSCR 1.5).
struct Fixture {
    Project project;
    ValuationResult result;
    Fixture() {
        project.name = "Tiny";
        project.tranches.resize(1);
        project.tranches[0].name = "senior";
        project.tranches[0].fixed_rate = 0.05;
        project.tranches[0].token.symbol = "S";
        project.equity.token.symbol = "E";
        project.covenants.lockup_dscr = 1.2;
        project.covenants.default_dscr = 1.05;

        auto& r = result;
        r.project = "Tiny";
        r.currency = "USD";
        r.valuation_date = ymd(2025, 1, 1);
        r.grid.financial_close = ymd(2025, 1, 1);
        r.grid.cod = ymd(2025, 2, 1);
        r.grid.construction_periods = 1;
        r.grid.operating_periods = 1;
        r.grid.periods_per_year = 1;
        r.grid.start = {ymd(2025, 1, 1), ymd(2025, 2, 1)};
        r.grid.end = {ymd(2025, 2, 1), ymd(2026, 2, 1)};
        r.grid.accrual = {31.0 / 365.0, 1.0};
        r.grid.operating = {0, 1};
        r.grid.operating_year = {-1, 0};
        auto& w = r.periods;
        w.periods = 2;
        w.tranches = 1;
        w.revenue = {0, 50};
        w.opex = {0, 20};
        w.cfads = {0, 30};
        w.debt_service_due = {0, 20};
        w.dscr = {kNaN, 1.5};
        w.capex = {100, 0};
        w.debt_drawdown = {60, 0};
        w.equity_funding = {40, 0};
        w.lockup = {0, 0};
        w.tranche_drawdown = {60, 0};
        w.tranche_balance = {60, 40};
        r.tranches.resize(1);
        r.tranches[0].name = "senior";
        r.tranches[0].symbol = "S";
        r.tranches[0].principal = 60;
        r.tranches[0].pv = 61.5;
        r.tranches[0].price_per_token = 0.615;
        r.equity.symbol = "E";
        r.equity.contribution = 40;
        r.total_debt = 60;
        r.gearing = 0.6;
        r.covenants.min_dscr = 1.5;
        r.covenants.min_dscr_date = ymd(2026, 2, 1);
        r.covenants.min_dscr_period = 1;
        Event e;
        e.period = 1;
        e.date = ymd(2026, 2, 1);
        e.kind = EventKind::CashSweep;
        e.tranche = 0;
        e.amount = 2.5;
        e.value = kNaN;
        e.threshold = kNaN;
        r.events.push_back(e);
    }
};

TEST(ValueReport, PeriodsCsvHasEveryColumnAndEmptyCellsForNaN) {
    Fixture f;
    const auto csv = report::periods_csv(f.project, f.result);
    std::istringstream in(csv);
    std::string header, row0, row1, extra;
    std::getline(in, header);
    std::getline(in, row0);
    std::getline(in, row1);
    EXPECT_FALSE(std::getline(in, extra));
    auto count = [](const std::string& s) { return std::count(s.begin(), s.end(), ',') + 1; };
    const auto expected_columns =
        static_cast<long>(report::period_column_names().size() + report::tranche_column_names().size());
    EXPECT_EQ(count(header), expected_columns);
    EXPECT_EQ(count(row0), expected_columns);
    EXPECT_EQ(header.rfind("period,start,end,phase,operating_year,year_fraction,revenue,", 0), 0u) << header;
    EXPECT_NE(header.find(",senior.balance"), std::string::npos);
    EXPECT_EQ(row0.rfind("0,2025-01-01,2025-02-01,construction,,", 0), 0u) << row0;
    EXPECT_EQ(row1.rfind("1,2025-02-01,2026-02-01,operations,1,1,50,20,", 0), 0u) << row1;
    // dscr is NaN in construction: an empty cell at the dscr column.
    const auto names = report::period_column_names();
    const auto dscr_index = std::find(names.begin(), names.end(), "dscr") - names.begin();
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream cells_in(row0);
    while (std::getline(cells_in, cell, ',')) cells.push_back(cell);
    ASSERT_GT(cells.size(), static_cast<std::size_t>(dscr_index));
    EXPECT_EQ(cells[static_cast<std::size_t>(dscr_index)], "");
}

TEST(ValueReport, SummaryJsonAndCsv) {
    Fixture f;
    const auto j = nlohmann::json::parse(report::summary_json(f.project, f.result));
    EXPECT_EQ(j["project"], "Tiny");
    EXPECT_EQ(j["cod"], "2025-02-01");
    EXPECT_EQ(j["tranches"][0]["pv"], 61.5);
    EXPECT_TRUE(j["tranches"][0]["z_spread"].is_null());  // NaN -> null
    EXPECT_EQ(j["uses"]["capex"], 100.0);
    EXPECT_EQ(j["sources"]["senior"], 60.0);
    EXPECT_EQ(j["sources"]["equity"], 40.0);
    EXPECT_EQ(j["uses"]["total"], 100.0);
    EXPECT_EQ(j["events"]["by_kind"]["cash_sweep"], 1);
    const auto csv = report::summary_csv(f.project, f.result);
    EXPECT_NE(csv.find("\ntranches.senior.pv,61.5\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\ntranches.senior.z_spread,\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\ncovenants.min_dscr_date,2026-02-01\n"), std::string::npos) << csv;
}

TEST(ValueReport, SummaryTextShowsTheSections) {
    Fixture f;
    const auto text = report::summary_text(f.project, f.result);
    for (const char* part : {"Project: Tiny", "Sources and uses (USD m)", "total uses", "senior", "Tranches",
                             "Coverage ratios", "min DSCR 1.500x on 2026-02-01 (period 1)", "Event log: 1 events (cash_sweep 1)",
                             "2026-02-01", "amount 2.50"})
        EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
    // Sources and uses is a table of the base text writer: amounts and shares (60/100, 40/100 of
    // the fixture) right-aligned, so every row with an amount ends in the same column.
    const auto line_of = [&](const std::string& start) {
        const auto at = text.find("\n" + start);
        return at == std::string::npos ? std::string{} : text.substr(at + 1, text.find('\n', at + 1) - at - 1);
    };
    const std::string capex = line_of("    capex "), senior = line_of("    senior "), equity = line_of("    equity ");
    EXPECT_TRUE(capex.ends_with("100.0%")) << text;
    EXPECT_TRUE(senior.ends_with("60.0%")) << text;
    EXPECT_TRUE(equity.ends_with("40.0%")) << text;
    EXPECT_EQ(senior.size(), capex.size()) << text;
    EXPECT_EQ(equity.size(), capex.size()) << text;
}

TEST(ValueReport, FilesPerFormat) {
    Fixture f;
    EXPECT_TRUE(report::report_files(f.project, f.result, report::ReportFormat::Table).empty());
    EXPECT_EQ(report::report_files(f.project, f.result, report::ReportFormat::Csv).size(), 4u);
    EXPECT_EQ(report::report_files(f.project, f.result, report::ReportFormat::Json).size(), 3u);
    const auto all = report::report_files(f.project, f.result, report::ReportFormat::All);
    ASSERT_EQ(all.size(), 7u);
    for (const auto& file : all) {
        EXPECT_FALSE(file.content.empty()) << file.name;
        if (file.name.ends_with(".json")) {
            EXPECT_TRUE(nlohmann::json::accept(file.content)) << file.name;
        }
    }
    const auto events = report::events_csv(f.project, f.result);
    EXPECT_EQ(events, "period,date,kind,tranche,amount,value,threshold\n1,2026-02-01,cash_sweep,senior,2.5,,\n");
}

}  // namespace
