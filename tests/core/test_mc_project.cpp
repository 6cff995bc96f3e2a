// Project Monte Carlo through the full waterfall: zero-vol equals the deterministic run,
// Merton/Black-Scholes credit closed forms for a bullet tranche, determinism across threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "pftoken/base/table.hpp"
#include "pftoken/report/mc_report.hpp"

#include "pftoken/error.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/pricing/curves.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/kernel.hpp"
#include "support/builders.hpp"

using namespace pftoken;
using namespace pftoken::mc;

namespace {

Project solar() { return test::example_project("solar.yaml"); }

/// One annual operating period, merchant revenue R0 = volume x price, nothing else: CFADS at
/// T = 1 is R0 M_T with M a GBM multiplier. One bullet tranche of `debt` at `rate`.
Project merton_project(double volume, double price, double debt, double rate) {
    return test::merchant_bullet_project(volume, price, debt, rate, 1);
}

// Undiscounted Black put: E[(K - X)^+] for lognormal X with mean F and log-sd s.
double black_put(double forward, double strike, double s) {
    const double d1 = (std::log(forward / strike) + 0.5 * s * s) / s;
    const double d2 = d1 - s;
    return strike * normal_cdf(-d2) - forward * normal_cdf(-d1);
}

}  // namespace

// With every volatility at zero each path is the base case, so the Monte Carlo reproduces the
// deterministic valuation pftoken::value() exactly: same PVs and prices (bit for bit), zero
// standard errors, PDs 0 or 1 according to the base run's event log.
TEST(McProject, ZeroVolatilityEqualsDeterministicValuation) {
    const Project project = solar();
    StochasticSpec spec;
    spec.merchant_price.enabled = true;
    spec.volume.enabled = true;
    spec.opex_inflation.enabled = true;
    spec.interest_rate.enabled = true;  // Hull-White, sigma 0: path DF = curve DF exactly
    spec.correlation_factors = {"merchant_price", "volume"};
    spec.correlation = {{1, 0.5}, {0.5, 1}};
    ProjectMcOptions opt;
    opt.mc.paths = 16;
    opt.mc.threads = 2;
    const auto mc = run_project_mc(project, spec, opt);
    const ValuationResult det = value(project);

    ASSERT_EQ(mc.tranches.size(), det.tranches.size());
    for (std::size_t k = 0; k < det.tranches.size(); ++k) {
        const auto& t = mc.tranches[k];
        const auto& d = det.tranches[k];
        EXPECT_EQ(t.pv.estimate.mean, d.pv) << t.name << " diff " << (t.pv.estimate.mean - d.pv);
        EXPECT_EQ(t.price_per_token.mean, d.price_per_token) << t.name;
        EXPECT_EQ(t.pv.estimate.standard_error, 0.0) << t.name;
        // Promised = the contractual schedule. A tranche the base case pays exactly on schedule
        // has promised PV = its deterministic PV, bit for bit, and a zero fair spread. The swept
        // junior tranche is repaid early at par while its 11% coupon exceeds the risk-free curve,
        // so its realised flows are worth less on the curve than the contractual ones: a
        // positive fair spread (it came out negative when base-case sweeps counted as promised).
        bool prepaid = false;
        for (int p = 0; p < det.periods.periods; ++p)
            prepaid |= det.periods.at(det.periods.tranche_prepayment, static_cast<int>(k), p) > 0.0;
        if (!prepaid) {
            EXPECT_EQ(t.promised_pv, d.pv) << t.name;
            EXPECT_NEAR(t.fair_spread, 0.0, 1e-12) << t.name;
        } else {
            EXPECT_NE(t.promised_pv, d.pv) << t.name;
            EXPECT_GT(t.fair_spread, 0.0) << t.name;
        }
        EXPECT_EQ(t.pv.percentiles.front(), t.pv.percentiles.back()) << t.name;
        bool missed = false;
        for (const Event& ev : det.events)
            missed |= ev.tranche == static_cast<int>(k) &&
                      (ev.kind == EventKind::PaymentDefault || ev.kind == EventKind::InterestDeferred ||
                       ev.kind == EventKind::PrincipalDeferred);
        EXPECT_EQ(t.pd_payment.mean, missed ? 1.0 : 0.0) << t.name;
        EXPECT_EQ(t.pd_principal.mean, d.final_balance > 1e-9 * d.principal ? 1.0 : 0.0) << t.name;
    }
    EXPECT_EQ(mc.equity.npv.estimate.mean, det.equity.npv);
    EXPECT_EQ(mc.equity.npv.estimate.standard_error, 0.0);
    EXPECT_EQ(mc.equity.price_per_token.mean, det.equity.price_per_token);
    // IRR: the same solver (valuation/measure.hpp) started from the base IRR instead of 10%.
    EXPECT_NEAR(mc.equity.irr.percentiles[4], det.equity.irr, 1e-15);
}

// Merton (1974) / Black-Scholes: CFADS_T = R0 M_T lognormal with log-sd s, debt service due
// DS = D (1 + r). Default when CFADS_T < DS: PD = N(-d2), d2 = (ln(R0/DS) - s^2/2)/s.
// Interest is paid first, so the principal lost is min(D, (DS - X)^+) and
// E[loss] = put(K = DS) - put(K = D r) (undiscounted Black puts on the forward R0).
TEST(McProject, BulletTrancheMatchesMertonClosedForms) {
    struct Row { double volume, price, debt, rate, sigma; };
    const Row rows[] = {{100000, 50.0, 4.0e6, 0.05, 0.30}, {100000, 50.0, 3.0e6, 0.06, 0.45}};
    for (const auto& row : rows) {
        const Project project = merton_project(row.volume, row.price, row.debt, row.rate);
        StochasticSpec spec;
        spec.merchant_price.enabled = true;
        spec.merchant_price.volatility = row.sigma;
        ProjectMcOptions opt;
        opt.mc.paths = 20000;
        opt.mc.threads = 2;
        opt.equity_irr = false;
        const auto mc = run_project_mc(project, spec, opt);
        ASSERT_EQ(mc.tranches.size(), 1u);
        const auto& t = mc.tranches[0];
        const double r0 = row.volume * row.price;
        const double ds = row.debt * (1 + row.rate);
        const double s = row.sigma;  // T = 1 year (2025-01-01 to 2026-01-01, Act/365F)
        const double d2 = (std::log(r0 / ds) - 0.5 * s * s) / s;
        const double pd = normal_cdf(-d2);
        const double el = (black_put(r0, ds, s) - black_put(r0, row.debt * row.rate, s)) / row.debt;
        EXPECT_NEAR(t.pd_payment.mean, pd, 3 * t.pd_payment.standard_error) << "sigma " << s;
        EXPECT_NEAR(t.pd_principal.mean, pd, 3 * t.pd_principal.standard_error) << "sigma " << s;
        EXPECT_NEAR(t.expected_loss.mean, el, 3 * t.expected_loss.standard_error) << "sigma " << s;
        EXPECT_GT(t.fair_spread, 0.0);
    }
}

TEST(McProject, BitIdenticalAcrossThreadCountsOnTheSolarExample) {
    const Project project = solar();
    StochasticSpec spec;
    spec.merchant_price.enabled = true;
    spec.merchant_price.model = MerchantPriceFactor::Model::OrnsteinUhlenbeck;
    spec.merchant_price.speed = 0.5;
    spec.merchant_price.volatility = 0.3;
    spec.volume.enabled = true;
    spec.volume.p90_over_p50 = 0.92;
    spec.opex_inflation.enabled = true;
    spec.opex_inflation.volatility = 0.02;
    spec.interest_rate.enabled = true;
    spec.interest_rate.volatility = 0.01;
    spec.correlation_factors = {"merchant_price", "volume", "opex_inflation", "interest_rate"};
    spec.correlation = {{1, -0.2, 0.3, 0.2}, {-0.2, 1, 0, 0}, {0.3, 0, 1, 0.1}, {0.2, 0, 0.1, 1}};
    ProjectMcOptions opt;
    opt.mc.paths = 96;
    opt.mc.chunk_paths = 8;
    opt.mc.threads = 1;
    const auto one = run_project_mc(project, spec, opt);
    for (int threads : {2, 4}) {
        opt.mc.threads = threads;
        const auto many = run_project_mc(project, spec, opt);
        for (std::size_t k = 0; k < one.tranches.size(); ++k) {
            EXPECT_EQ(0, std::memcmp(&one.tranches[k].pv.estimate, &many.tranches[k].pv.estimate, sizeof(Estimate)));
            EXPECT_EQ(one.tranches[k].pv.percentiles, many.tranches[k].pv.percentiles);
            EXPECT_EQ(one.tranches[k].pd_payment.mean, many.tranches[k].pd_payment.mean);
        }
        // Bitwise (NaN-safe) comparison of whole vectors.
        auto same_bits = [](const std::vector<double>& a, const std::vector<double>& b) {
            return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
        };
        EXPECT_TRUE(same_bits(one.equity.irr.percentiles, many.equity.irr.percentiles));
        EXPECT_TRUE(same_bits(one.per_period.dscr_p50, many.per_period.dscr_p50));
        EXPECT_TRUE(same_bits(one.per_period.dscr_p5, many.per_period.dscr_p5));
        EXPECT_TRUE(same_bits(one.per_period.prob_dsra_drawn, many.per_period.prob_dsra_drawn));
    }
}

// With sensitivities the progress callback sees one total over the base run and the four bump
// runs (5 x paths), never going backwards, and ends at (total, total).
TEST(McProject, SensitivityRunsReportOneProgressTotal) {
    const Project project = solar();
    StochasticSpec spec;
    spec.volume.enabled = true;
    spec.volume.p90_over_p50 = 0.92;
    ProjectMcOptions opt;
    opt.mc.paths = 64;
    opt.mc.chunk_paths = 8;
    opt.mc.threads = 2;
    opt.sensitivities = true;
    opt.equity_irr = false;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> reports;
    opt.mc.progress = [&reports](std::uint64_t done, std::uint64_t total) { reports.emplace_back(done, total); };
    (void)run_project_mc(project, spec, opt);
    ASSERT_FALSE(reports.empty());
    EXPECT_EQ(reports.back(), std::make_pair(std::uint64_t{5 * 64}, std::uint64_t{5 * 64}));
    for (std::size_t i = 0; i < reports.size(); ++i) {
        EXPECT_EQ(reports[i].second, 5U * 64U);
        if (i > 0) {
            EXPECT_GE(reports[i].first, reports[i - 1].first) << i;
        }
    }
}

// LGD = EL / PD(principal) has no value when no path lost principal: the text says so in words,
// the CSV cell is empty and the JSON value null (docs/tools/mc.md), never "nan".
TEST(McProject, UndefinedLgdIsSaidInWordsNotNan) {
    const Project p = solar();
    ProjectMcOptions options;
    options.mc.paths = 16;
    options.mc.threads = 1;
    const auto s = run_project_mc(p, StochasticSpec{}, options);  // every path the base case
    ASSERT_FALSE(s.tranches.empty());
    for (const auto& t : s.tranches) {
        ASSERT_EQ(t.pd_principal.mean, 0.0) << t.name;  // the base case repays every tranche
        EXPECT_TRUE(std::isnan(t.lgd)) << t.name;
    }
    const std::string text = report::mc_summary_text(s);
    EXPECT_EQ(text.find("nan"), std::string::npos) << text;
    EXPECT_NE(text.find(" n/a*"), std::string::npos) << text;
    EXPECT_NE(text.find("* LGD n/a: no path lost principal, so the loss given default is undefined"), std::string::npos)
        << text;
    const std::string csv = to_csv(report::mc_tranches_table(s));
    EXPECT_EQ(csv.find("nan"), std::string::npos);
    // The lgd cell of every tranche row is empty.
    std::istringstream lines(csv);
    std::string line;
    std::vector<std::vector<std::string>> rows;
    while (std::getline(lines, line)) {
        rows.emplace_back();
        std::istringstream cells(line);
        std::string cell;
        while (std::getline(cells, cell, ',')) rows.back().push_back(cell);
        if (!line.empty() && line.back() == ',') rows.back().emplace_back();
    }
    ASSERT_GT(rows.size(), s.tranches.size());
    const auto col = static_cast<std::size_t>(std::find(rows[0].begin(), rows[0].end(), "lgd") - rows[0].begin());
    ASSERT_LT(col, rows[0].size());
    for (std::size_t r = 1; r <= s.tranches.size(); ++r) EXPECT_EQ(rows[r].at(col), "") << "row " << r;
    const auto json = nlohmann::json::parse(report::mc_summary_json(s, options));
    for (const auto& t : json["tranches"]) EXPECT_TRUE(t["lgd"].is_null()) << t["name"];
}

// A two-state case computed by hand (every volatility zero, so every path is this one): one
// annual period, CFADS = 100,000 MWh x 50 = 5.0m, a 5.0m bullet at 6% due 5.3m at T = 1
// (2025-01-01 to 2026-01-01 on Act/365F). Interest 0.3m is paid first, principal 4.7m, and 0.3m
// of principal stays unpaid: expected loss 0.3 / 5.0 = 6%, LGD 6%. Promised 5.3m against 5.0m
// received, both at T = 1 on the same curve: fair spread ln(5.3 / 5.0). The same shortfall is a
// deferral for a deferrable tranche (no event of default: the covenant default DSCR is 0) and a
// payment default (an event of default) for a senior one.
TEST(McProject, DeferralEventOfDefaultAndLossAreReportedSeparately) {
    for (const bool deferrable : {false, true}) {
        Project p = test::merchant_bullet_project(100000, 50.0, 5.0e6, 0.06, 1);
        p.tranches[0].deferrable_interest = deferrable;
        ProjectMcOptions options;
        options.mc.paths = 8;
        options.mc.threads = 1;
        const auto s = run_project_mc(p, StochasticSpec{}, options);
        ASSERT_EQ(s.tranches.size(), 1u);
        const auto& t = s.tranches[0];
        const std::string what = deferrable ? "deferrable" : "senior";
        EXPECT_EQ(t.pd_payment.mean, 1.0) << what;
        EXPECT_EQ(t.pd_deferral.mean, deferrable ? 1.0 : 0.0) << what;
        EXPECT_EQ(t.pd_event_of_default.mean, deferrable ? 0.0 : 1.0) << what;
        EXPECT_EQ(t.pd_principal.mean, 1.0) << what;
        EXPECT_NEAR(t.expected_loss.mean, 0.06, 1e-12) << what;
        EXPECT_NEAR(t.lgd, 0.06, 1e-12) << what;
        EXPECT_NEAR(t.fair_spread, std::log(5.3 / 5.0), 1e-10) << what;

        // The definition is printed beside the numbers: text and JSON.
        const std::string text = report::mc_summary_text(s);
        EXPECT_NE(text.find("P(defer)"), std::string::npos) << text;
        EXPECT_NE(text.find("P(EoD)"), std::string::npos) << text;
        EXPECT_NE(text.find(kFairSpreadDefinition), std::string::npos) << text;
        // The token table is a table of the base text writer: numbers right-aligned under their
        // titles, so the tranche row ends where the header does, in the hand-computed numbers
        // (EL = LGD = 6.00%, fair spread 1e4 ln(5.3 / 5.0) = 582.69 bp).
        const auto line_of = [&](const std::string& start) {
            const auto at = text.find("\n" + start);
            return at == std::string::npos ? std::string{} : text.substr(at + 1, text.find('\n', at + 1) - at - 1);
        };
        const std::string header = line_of("token "), row = line_of(t.symbol + " ");
        EXPECT_TRUE(header.ends_with("fair spread")) << text;
        EXPECT_TRUE(row.ends_with(" 582.69 bp")) << text;
        EXPECT_NE(row.find(" 100.00% "), std::string::npos) << text;
        EXPECT_NE(row.find(" 6.00%  6.00% "), std::string::npos) << text;
        EXPECT_EQ(row.size(), header.size()) << text;
        const auto json = nlohmann::json::parse(report::mc_summary_json(s, options));
        EXPECT_EQ(json["fair_spread_definition"], kFairSpreadDefinition);
        EXPECT_EQ(json["tranches"][0]["pd_deferral"]["mean"], deferrable ? 1.0 : 0.0);
        EXPECT_EQ(json["tranches"][0]["pd_event_of_default"]["mean"], deferrable ? 0.0 : 1.0);
        const std::string csv = to_csv(report::mc_tranches_table(s));
        EXPECT_NE(csv.find("pd_deferral"), std::string::npos);
        EXPECT_NE(csv.find("pd_event_of_default"), std::string::npos);
    }
}
