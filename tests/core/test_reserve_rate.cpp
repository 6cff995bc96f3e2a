// Reserve account yield (issue 18, "Into the project"): the DSRA and the MRA earn a per-period
// annual rate given as a constant, a dated curve, a CSV of per-period rates or the realised return
// of a `pftoken yield backtest`; interest = balance x rate x year fraction, credited to the account.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>

#include "pftoken/base/format.hpp"
#include "pftoken/error.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/kernel.hpp"
#include "pftoken/waterfall/reserve_rate.hpp"
#include "support/gtest_extra.hpp"
#include "test_waterfall_fixtures.hpp"

using namespace pftoken;
using pftoken::kernel_testing::constant_cfads_project;
using pftoken::kernel_testing::expect_cash_conserved;
using pftoken::kernel_testing::fixed_tranche;
using pftoken::kernel_testing::KernelRun;

namespace {

CalendarDate ymd(int y, unsigned m, unsigned d) {
    return CalendarDate{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

/// 10 years monthly on 30/360 (every period 30/360 = 1/12 year), one 6% annuity, a DSRA of a
/// fixed 1,000,000 funded at close and an MRA building to 100,000.
Project reserve_project() {
    Project p = constant_cfads_project();
    p.tranches.push_back(fixed_tranche("senior", 5'000'000.0, 0.06, Amortisation::Annuity, 10));
    p.dsra.enabled = true;
    p.dsra.amount = 1'000'000.0;
    p.mra.enabled = true;
    p.mra.target = 100'000.0;
    p.mra.contribution_per_year = 60'000.0;
    return p;
}

std::filesystem::path temp_file(const std::string& name, const std::string& text) {
    const auto dir = std::filesystem::temp_directory_path() / "pftoken_reserve_rate_test";
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path) << text;
    return path;
}

/// The CSV of `rate` on every operating period of `p`'s grid.
std::string rate_csv(const Project& p, double rate, int rows) {
    const PeriodGrid g = compile_timeline(p.timeline);
    std::string s = "period_start,rate\n";
    for (int i = 0; i < rows; ++i)
        s += format::iso_date(g.start[static_cast<std::size_t>(g.first_operating() + i)]) + "," + fmt::format("{}", rate) + "\n";
    return s;
}

}  // namespace

// Hand check: the fixed DSRA sits at 1,000,000 (interest above the target is released), so each
// month it earns 1,000,000 x 3% x 30/360 = 2,500 exactly; the account identity holds every period.
TEST(ReserveRate, ConstantRateOnAConstantBalance) {
    Project p = reserve_project();
    p.dsra.interest_rate = 0.03;
    KernelRun run(p);
    const auto& r = run.run();
    for (int t = 0; t < r.periods - 1; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        EXPECT_DOUBLE_EQ(run.cp.grid.accrual[ts], 1.0 / 12.0) << t;
        EXPECT_NEAR(r.dsra_interest[ts], 2'500.0, 1e-9) << t;
    }
    expect_cash_conserved(run.cp, r, "dsra 3%");
}

// The MRA's interest column: (opening - release) x rate x year fraction, and closing = opening -
// release + interest + deposit every period; zero rate = zero column (results unchanged).
TEST(ReserveRate, MraInterestColumnAndIdentity) {
    Project p = reserve_project();
    p.mra.interest_rate = 0.05;
    KernelRun run(p);
    const auto& r = run.run();
    for (int t = 1; t < r.periods - 1; ++t) {
        const auto ts = static_cast<std::size_t>(t);
        const double base = r.mra_balance[ts - 1] - r.mra_release[ts];
        EXPECT_NEAR(r.mra_interest[ts], base * 0.05 / 12.0, 1e-9 * std::max(1.0, base)) << t;
        EXPECT_NEAR(r.mra_balance[ts], base + r.mra_interest[ts] + r.mra_deposit[ts], 1e-9 * std::max(1.0, base)) << t;
    }
    expect_cash_conserved(run.cp, r, "mra 5%");
    p.mra.interest_rate = 0.0;
    KernelRun zero(p);
    for (const double x : zero.run().mra_interest) EXPECT_EQ(x, 0.0);
}

// A curve with one point, or a CSV of the same rate on every period, is the constant: same bits.
TEST(ReserveRate, CurveAndCsvEqualTheConstantWhereTheyCoincide) {
    Project p = reserve_project();
    p.dsra.interest_rate = 0.03;
    p.mra.interest_rate = 0.04;
    KernelRun constant(p);
    const auto expected = constant.run();

    Project curve = reserve_project();
    curve.dsra.rate.curve = {{ymd(2020, 1, 1), 0.03}};
    curve.mra.rate.curve = {{ymd(2030, 6, 1), 0.04}};
    curve.mra.rate.interpolation = ReserveRate::Interpolation::Linear;
    KernelRun c(curve);
    const auto& rc = c.run();
    EXPECT_EQ(rc.dsra_interest, expected.dsra_interest);
    EXPECT_EQ(rc.mra_interest, expected.mra_interest);
    EXPECT_EQ(rc.distributions, expected.distributions);

    Project csv = reserve_project();
    csv.dsra.rate.csv_path = temp_file("dsra.csv", rate_csv(csv, 0.03, 120)).string();
    csv.mra.rate.csv_path = temp_file("mra.csv", rate_csv(csv, 0.04, 1)).string();  // later periods keep it
    KernelRun f(csv);
    const auto& rf = f.run();
    EXPECT_EQ(rf.dsra_interest, expected.dsra_interest);
    EXPECT_EQ(rf.mra_interest, expected.mra_interest);
    EXPECT_EQ(rf.distributions, expected.distributions);
}

// Curve values at each period start: flat steps at the point's date; linear in days between
// points (2025-01-01 2%, 2026-01-01 4%: on 2025-07-01, 181 of 365 days, 2% + 2% x 181/365).
TEST(ReserveRate, CurveFlatAndLinear) {
    Project p = reserve_project();
    const PeriodGrid g = compile_timeline(p.timeline);
    ReserveRate rate;
    rate.curve = {{ymd(2025, 1, 1), 0.02}, {ymd(2026, 1, 1), 0.04}};
    const auto flat = reserve_rates(g, 0.0, rate, "dsra.interest_rate");
    EXPECT_EQ(flat[0], 0.02);   // 2025-01-01
    EXPECT_EQ(flat[6], 0.02);   // 2025-07-01
    EXPECT_EQ(flat[12], 0.04);  // 2026-01-01
    EXPECT_EQ(flat[119], 0.04);
    rate.interpolation = ReserveRate::Interpolation::Linear;
    const auto linear = reserve_rates(g, 0.0, rate, "dsra.interest_rate");
    EXPECT_EQ(linear[0], 0.02);
    EXPECT_NEAR(linear[6], 0.02 + 0.02 * 181.0 / 365.0, 1e-15);
    EXPECT_EQ(linear[12], 0.04);
    EXPECT_EQ(linear[60], 0.04);
    // The kernel uses them: flat curve, opening DSRA 1,000,000, month 13 earns 4% / 12.
    p.dsra.rate = rate;
    p.dsra.rate.interpolation = ReserveRate::Interpolation::Flat;
    KernelRun run(p);
    const auto& r = run.run();
    EXPECT_NEAR(r.dsra_interest[3], 1'000'000.0 * 0.02 / 12.0, 1e-9);
    EXPECT_NEAR(r.dsra_interest[13], 1'000'000.0 * 0.04 / 12.0, 1e-9);
    expect_cash_conserved(run.cp, r, "curve");
}

// Bad CSVs are refused at file:line:col naming the column and the constraint.
TEST(ReserveRate, BadCsvNamesFileLineColumn) {
    Project p = reserve_project();
    const auto gap = temp_file("gap.csv", "period_start,rate\n2025-01-01,0.03\n2025-03-01,0.03\n");
    p.dsra.rate.csv_path = gap.string();
    EXPECT_THROW_MSG((void)compile(p), InputError,
                     gap.string() +
                         ":3:1: period_start: gap: expected operating period 2's start 2025-02-01, "
                         "got 2025-03-01");
    const auto text = temp_file("text.csv", "period_start,rate\n2025-01-01,0.03\n2025-02-01,abc\n");
    p.dsra.rate.csv_path = text.string();
    EXPECT_THROW_MSG((void)compile(p), InputError,
                     text.string() + ":3:12: rate: must be a number, got 'abc'");
    const auto big = temp_file("big.csv", "period_start,rate\n2025-01-01,3\n");
    p.dsra.rate.csv_path = big.string();
    EXPECT_THROW_MSG(
        (void)compile(p), InputError,
        big.string() + ":2:12: rate: must be in (-1, 1) (rates are decimals: 0.05 = 5%), got 3");
}

// The realised annual return of a backtest's hourly file: initial = 999 - (-1) = 1000, final
// 1000 x 1.05^(2/8760) two hours later, so (final / initial)^(8760 / 2) - 1 = 5%.
TEST(ReserveRate, BacktestRealisedReturn) {
    const double final_equity = 1000.0 * std::pow(1.05, 2.0 / 8760.0);
    const auto file = temp_file("yield_hourly_x.csv",
                                "timestamp,equity,pnl_total\n2024-01-01T00:00:00Z,999,-1\n2024-01-01T01:00:00Z,1000,1\n"
                                "2024-01-01T02:00:00Z," + fmt::format("{:.17g}", final_equity) + ",0\n");
    EXPECT_NEAR(backtest_realised_rate(file.string(), "dsra.interest_rate"), 0.05, 1e-9);
    Project p = reserve_project();
    p.dsra.rate.backtest_path = file.string();
    KernelRun run(p);
    EXPECT_NEAR(run.run().dsra_interest[5], 1'000'000.0 * backtest_realised_rate(file.string(), "x") / 12.0, 1e-9);
}

// The YAML schema: `interest_rate` a number or a mapping (curve + interpolation, csv_path or
// backtest, files relative to the project file); two of them at once are refused, naming the field.
TEST(ReserveRate, YamlSchema) {
    const std::string source = PFTOKEN_SOURCE_DIR;
    const Project ex = load_project(source + "/data/examples/reserve_yield/toll_road.yaml");
    EXPECT_EQ(ex.dsra.rate.backtest_path, source + "/data/examples/reserve_yield/yield_hourly_lending_usdt.csv");
    // The shipped file is the USDT lending backtest: its realised return is the summary's APY
    // (`pftoken yield backtest data/examples/yield/spec.yaml`: apy 0.04553243985).
    EXPECT_NEAR(backtest_realised_rate(ex.dsra.rate.backtest_path, "dsra.interest_rate"), 0.04553243985, 1e-10);

    std::ifstream in(source + "/data/examples/toll_road.yaml");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string line = "  interest_rate: 0.02\n";
    ASSERT_NE(text.find(line), std::string::npos);
    auto with = [&](const std::string& rate) {
        std::string t = text;
        t.replace(t.find(line), line.size(), "  interest_rate: " + rate + "\n");
        return t;
    };
    const Project curve = parse_project(
        with("{curve: [{date: 2028-01-01, rate: 0.02}, {date: 2030-01-01, rate: 0.03}], interpolation: linear}"), "t.yaml",
        "/tmp");
    ASSERT_EQ(curve.dsra.rate.curve.size(), 2u);
    EXPECT_EQ(curve.dsra.rate.curve[1].rate, 0.03);
    EXPECT_EQ(curve.dsra.rate.interpolation, ReserveRate::Interpolation::Linear);
    const Project csv = parse_project(with("{csv_path: rates.csv}"), "t.yaml", "/tmp/a");
    EXPECT_EQ(csv.dsra.rate.csv_path, "/tmp/a/rates.csv");
    EXPECT_THROW_MSG(
        (void)parse_project(with("{csv_path: a.csv, backtest: b.csv}"), "t.yaml", "/tmp"),
        InputError, "dsra.interest_rate: give one of curve, csv_path or backtest");
    EXPECT_THROW_MSG(
        (void)parse_project(
            with("{curve: [{date: 2029-01-01, rate: 0.02}, {date: 2028-01-01, rate: 0.03}]}"),
            "t.yaml", "/tmp"),
        InputError,
        "dsra.interest_rate.curve[1].date: must be after the previous point's date (dates strictly "
        "increasing)");
}
