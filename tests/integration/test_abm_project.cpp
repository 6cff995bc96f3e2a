// `pftoken abm` reference paths and project signals: the arbitrageur follows a CSV path and the
// project's DCF value per token into the pool's fee band; holders react to the project's Monte
// Carlo paths (distributions locked up, DSCR below covenant, default) with stated sensitivities.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "pftoken/error.hpp"
#include "pftoken/integration/abm/engine.hpp"
#include "pftoken/integration/abm/monte_carlo.hpp"
#include "pftoken/mc/fair_value_paths.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"
#include "pftoken/valuation/valuation.hpp"
#include "support/gtest_extra.hpp"

namespace {

using namespace pftoken;
using namespace pftoken::integration;
using namespace pftoken::integration::abm;

const std::string kSource = PFTOKEN_SOURCE_DIR;

std::filesystem::path temp_folder(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("pftoken_abm_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir;
}

/// SUN-EQ in a v2 pool: 5% liquidity, 2% arbitrageur, 93% holders who never trade.
std::string pool_spec_text(const std::string& extra) {
    return "name: ref\n"
           "token: {symbol: SUN-EQ, decimals: 6, total_supply_units: 1_000_000_000_000}\n"
           "months: 12\n"
           "cohorts:\n"
           "  - {name: holders, share: 0.93, agents: 10, traits: {take_profit: 1e9, stop_loss: 1, sell_fraction: 0}}\n"
           "  - {name: arb, role: arbitrageur, share: 0.02}\n"
           "  - {name: liquidity, role: liquidity, share: 0.05}\n"
           "price: {model: pool, pool: " + kSource + "/data/examples/abm/sun_eq_pool_v2.yaml}\n" + extra;
}

TEST(AbmReference, ArbitrageurFollowsACsvPath) {
    const auto dir = temp_folder("csv");
    {
        std::ofstream csv(dir / "reference.csv");
        csv << "month,price\n";
        for (int m = 0; m <= 12; ++m) csv << m << "," << 25.0 + 0.5 * m << "\n";
    }
    const Spec s = parse_spec(pool_spec_text("arbitrage: {reference_path: csv, csv: reference.csv}\n"), "spec", dir);
    const RunResult r = run_one(build_model(s), 1, 0, RunOptions{true, false});
    for (int m = 0; m <= 12; ++m) {
        // The pool starts at 25.7384: above R / (1 - f) for R = 25, 25.5, inside the band after.
        const double reference = 25.0 + 0.5 * m, fee = 0.003;
        const double price = r.at(kPrice, m);
        EXPECT_GE(price, reference * (1.0 - fee) * (1.0 - 1e-12)) << "month " << m;
        EXPECT_LE(price, reference / (1.0 - fee) * (1.0 + 1e-12)) << "month " << m;
    }
    EXPECT_NEAR(r.at(kPrice, 0), 25.0 / 0.997, 25.0 * 1e-9);
    EXPECT_NEAR(r.at(kPrice, 12), 31.0 * 0.997, 31.0 * 1e-9);  // the path rose: the arbitrageur bought up to the band
    std::filesystem::remove_all(dir);
}

TEST(AbmReference, CsvMustCoverEveryMonth) {
    const auto dir = temp_folder("short");
    {
        std::ofstream csv(dir / "reference.csv");
        csv << "month,price\n0,25\n2,26\n";
    }
    EXPECT_THROW_MSG((void)parse_spec(pool_spec_text("arbitrage: {reference_path: csv, csv: reference.csv}\n"), "spec", dir),
                     InputError, "arbitrage.csv: cannot use reference file: ");
    EXPECT_THROW_MSG((void)parse_spec(pool_spec_text("arbitrage: {reference_path: csv, csv: reference.csv}\n"), "spec", dir),
                     InputError, "month: must be 1 (months 0, 1, 2, ... in order), got 2");
    std::filesystem::remove_all(dir);
}

TEST(AbmReference, ArbitrageurTradesTowardTheProjectsDcfValue) {
    // The reference is pftoken::value's equity value per token of the solar project (SUN-EQ).
    const std::string extra = "project: {file: " + kSource + "/data/examples/solar.yaml, token: SUN-EQ}\n"
                              "arbitrage: {reference_path: dcf}\n";
    Spec s = parse_spec(pool_spec_text(extra));
    s.price.pool.reserve_quote = 40'000.0 * 30.0;  // the pool at 30, above the DCF value
    const Model m = build_model(s);
    const double dcf = value(load_project(kSource + "/data/examples/solar.yaml")).equity.price_per_token;
    ASSERT_TRUE(m.project.has_value());
    EXPECT_DOUBLE_EQ(m.project->dcf_value_per_token, dcf);
    const RunResult r = run_one(m, 1, 0, RunOptions{true, false});
    for (int t = 0; t <= 12; ++t) EXPECT_NEAR(r.at(kPrice, t), dcf / 0.997, dcf * 1e-9) << t;  // sold down to R / (1 - f)
}

TEST(AbmProject, TokenMustBeAProjectToken) {
    Spec s = parse_spec(pool_spec_text("project: {file: " + kSource + "/data/examples/solar.yaml, token: SUN-X}\n"));
    EXPECT_THROW_MSG((void)build_model(s), InputError,
                     "project.token: 'SUN-X' is not a token of project '" + kSource +
                         "/data/examples/solar.yaml' (its tokens: SUN-A, SUN-B, SUN-C, SUN-EQ)");
}

/// Constant price 1, `supply` tokens (no decimals), half of them the market's inventory, holders
/// who never trade on their own, `arrivals` buyers a month who never sell, each spending exactly
/// 100: a month's volume is 100 quote per arrival, so volume / 100 counts the month's buyers.
/// Each run follows a path of the solar project (40 paths, seed 11).
Spec signal_spec(std::int64_t supply, double arrivals) {
    Spec s;
    s.decimals = 0;
    s.total_supply_units = supply;
    s.months = 60;
    s.seed = 11;
    Cohort holders;
    holders.name = "holders";
    holders.share = 0.5;
    holders.agents = 4;
    holders.vesting.tge = 1.0;
    holders.traits.take_profit = Distribution::constant(1e9);
    holders.traits.stop_loss = Distribution::constant(1.0);
    holders.traits.sell_fraction = Distribution::constant(0.0);
    Cohort market = holders;
    market.name = "market";
    market.role = Role::Liquidity;
    s.cohorts = {holders, market};
    s.demand.arrivals_per_month = arrivals;
    s.demand.budget = Distribution::constant(100.0);
    s.demand.traits = holders.traits;
    s.project.enabled = true;
    s.project.file = kSource + "/data/examples/solar.yaml";
    s.project.token = "SUN-EQ";
    s.project.paths = 40;
    return s;
}

/// 10^8 tokens and 30 buyers a month: the market's inventory never runs out.
Spec demand_spec() { return signal_spec(100'000'000, 30.0); }

TEST(AbmProject, HoldersSellInMonthsWithAProjectSignal) {
    // Constant price, everything at TGE, holders who never trade on their own: with
    // sell_when_blocked = sell_below_covenant = sell_on_default = 1 a holder sells all its free
    // tokens in the first month with any signal of its run's project path.
    Spec s = signal_spec(1'000'000, 0.0);
    s.project.sell_when_blocked = s.project.sell_below_covenant = s.project.sell_on_default = 1.0;
    const Model m = build_model(s);
    ASSERT_TRUE(m.project.has_value());
    ASSERT_EQ(m.project->paths, 40U);
    int flagged_runs = 0;
    for (std::uint64_t run = 0; run < 40; ++run) {
        const RunResult r = run_one(m, s.seed, run, RunOptions{true, false});
        int first = -1;
        for (int t = 0; t <= s.months && first < 0; ++t)
            if (m.project->at(run, t) != 0) first = t;
        flagged_runs += first >= 0 ? 1 : 0;
        for (int t = 0; t <= s.months; ++t)
            EXPECT_EQ(r.at(kCirculating, t), first >= 0 && t >= first ? 0.0 : 500'000.0) << "run " << run << " month " << t;
    }
    EXPECT_GT(flagged_runs, 0);   // the solar project's paths do lock up
    EXPECT_LT(flagged_runs, 40);  // and not all of them
}

TEST(AbmProject, FullDemandCutStopsArrivalsInBlockedMonths) {
    Spec s = demand_spec();
    s.project.demand_cut_when_blocked = 1.0;  // lambda x (1 - 1) = 0 in a month with distributions locked up
    const Model m = build_model(s);
    int blocked = 0, open_with_buyers = 0;
    for (std::uint64_t run = 0; run < 40; ++run) {
        const RunResult r = run_one(m, s.seed, run, RunOptions{true, false});
        for (int t = 0; t <= s.months; ++t) {
            if (m.project->at(run, t) & kBlocked) {
                ++blocked;
                EXPECT_EQ(r.at(kVolume, t), 0.0) << "run " << run << " month " << t;
            } else {
                open_with_buyers += r.at(kVolume, t) > 0.0 ? 1 : 0;
            }
        }
    }
    EXPECT_GT(blocked, 0);               // the solar project's paths do lock up
    EXPECT_GT(open_with_buyers, 1000);   // and buyers (30 a month) come in the other months
}

TEST(AbmProject, ArrivalsFollowTheDemandSensitivitiesInExpectation) {
    // N_t ~ Poisson(lambda_t), lambda_t = lambda (1 - c_blocked)^[blocked] (1 - c_covenant)^[below]
    // (1 - c_default)^[defaulted] (1 + d)^[paid] (docs/abm.md, "Project signals"): the arrivals
    // summed over 40 runs x 61 months are Poisson with mean sum(lambda_t), checked within 4
    // standard deviations, in months with distributions paid and in the others separately.
    Spec s = demand_spec();
    s.project.demand_cut_when_blocked = 0.5;
    s.project.demand_cut_below_covenant = 0.25;
    s.project.demand_cut_on_default = 0.8;
    s.project.demand_on_distribution = 1.0;
    const Model m = build_model(s);
    double arrivals[2] = {0.0, 0.0}, expected[2] = {0.0, 0.0};  // [paid]
    for (std::uint64_t run = 0; run < 40; ++run) {
        const RunResult r = run_one(m, s.seed, run, RunOptions{true, false});
        for (int t = 0; t <= s.months; ++t) {
            const std::uint8_t f = m.project->at(run, t);
            const bool paid = m.project->distributions_paid(run, t);
            double lambda = 30.0;
            if (f & kBlocked) lambda *= 0.5;
            if (f & kBelowCovenant) lambda *= 0.75;
            if (f & kDefaulted) lambda *= 0.2;
            if (paid) lambda *= 2.0;
            arrivals[paid] += r.at(kVolume, t) / 100.0;
            expected[paid] += lambda;
        }
    }
    for (int paid = 0; paid < 2; ++paid) {
        ASSERT_GT(expected[paid], 1000.0) << paid;  // both kinds of months occur
        EXPECT_NEAR(arrivals[paid], expected[paid], 4.0 * std::sqrt(expected[paid])) << "paid " << paid;
    }
}

TEST(AbmProject, TgeDateShiftsTheSignals) {
    // The solar project: financial close 2025-01-15, 15 construction months, COD 2026-04-15,
    // monthly operating periods. TGE six months after COD reads the project six months later;
    // TGE at COD is the default; TGE ten months before COD sees ten construction months (no
    // distributions, no debt service) and then the COD path.
    Spec s = demand_spec();
    s.project.sell_when_blocked = 1.0;
    s.project.demand_on_distribution = 0.5;  // also flags the months with distributions paid
    const Model at_cod = build_model(s);
    const auto model_at = [&](int y, unsigned mo, unsigned d) {
        Spec shifted = s;
        shifted.project.tge_date = std::chrono::year{y} / mo / d;
        return build_model(shifted);
    };
    const Model later = model_at(2026, 10, 15), same = model_at(2026, 4, 15), early = model_at(2025, 6, 15);
    int paid = 0, blocked = 0;
    for (std::uint64_t run = 0; run < 40; ++run) {
        for (int t = 0; t <= s.months; ++t) {
            EXPECT_EQ(same.project->raw(run, t), at_cod.project->raw(run, t)) << "run " << run << " month " << t;
            if (t + 6 <= s.months) {
                EXPECT_EQ(later.project->raw(run, t), at_cod.project->raw(run, t + 6)) << "run " << run << " month " << t;
            }
            const std::uint8_t construction_or_cod = t < 10 ? std::uint8_t{0} : at_cod.project->raw(run, t - 10);
            EXPECT_EQ(early.project->raw(run, t), construction_or_cod) << "run " << run << " month " << t;
            paid += at_cod.project->distributions_paid(run, t) ? 1 : 0;
            blocked += (at_cod.project->at(run, t) & kBlocked) != 0 ? 1 : 0;
        }
    }
    EXPECT_GT(paid, 100);  // the comparison is not between empty flag tables
    EXPECT_GT(blocked, 0);
}

TEST(AbmProject, TgeDateMustLieWithinTheProjectsLife) {
    const std::string file = kSource + "/data/examples/solar.yaml";
    Spec s = parse_spec(pool_spec_text("project: {file: " + file + ", token: SUN-EQ, tge_date: 2024-12-31}\n"));
    // The life runs from financial close (2025-01-15) to the end of the last of 25 years of
    // operating periods after COD 2026-04-15.
    EXPECT_THROW_MSG((void)build_model(s), InputError,
                     "spec:9:" + std::to_string(44 + file.size()) + ": project.tge_date: must lie within the life of project '" +
                         file + "', on or after 2025-01-15 and before 2051-04-15, got 2024-12-31");
    EXPECT_THROW_MSG((void)parse_spec(pool_spec_text("project: {file: " + file + ", token: SUN-EQ, tge_date: 2026-02-30}\n")),
                     InputError, "project.tge_date: must be a date YYYY-MM-DD, got '2026-02-30'");
}

}  // namespace

namespace {

/// SUN-A (the solar senior tranche, 52,000 tokens) in its v2 pool, holders who never sell, and an
/// arbitrageur trading toward the project's fair-value paths.
Spec sun_a_fair_value_economy() {
    Spec s;
    s.decimals = 6;
    s.total_supply_units = 52'000'000'000;
    s.months = 24;
    s.seed = 5;
    Cohort holders;
    holders.name = "holders";
    holders.share = 0.7;
    holders.agents = 3;
    holders.vesting.tge = 1.0;
    holders.traits.take_profit = Distribution::constant(1e9);
    holders.traits.stop_loss = Distribution::constant(1.0);
    holders.traits.sell_fraction = Distribution::constant(0.0);
    Cohort liquidity = holders, arb = holders;
    liquidity.name = "liquidity", liquidity.role = Role::Liquidity, liquidity.share = 0.2;
    arb.name = "arb", arb.role = Role::Arbitrageur, arb.share = 0.1;
    s.cohorts = {holders, liquidity, arb};
    s.price.model = PriceModel::Pool;
    s.price.pool = load_pool(kSource + "/data/pools/solar_senior_v2.yaml");
    s.project.enabled = true;
    s.project.file = kSource + "/data/examples/solar.yaml";
    s.project.token = "SUN-A";
    s.arbitrage.enabled = true;
    s.arbitrage.path = Arbitrage::Path::FairValuePaths;
    return s;
}

TEST(AbmReference, TrancheFollowsTheProjectsFairValuePaths) {
    // SUN-A (the solar senior tranche, 52,000 tokens) in its v2 pool; run r's reference is
    // regression path r of mc::fair_value_paths on the project's own Monte Carlo.
    Spec s = sun_a_fair_value_economy();
    const Model m = build_model(s);
    ASSERT_EQ(m.project->fair_value_paths, 2000U);
    // Month 0 is the valuation date's value (date 0 of every path).
    mc::FairValuePathOptions fo;
    fo.mc.paths = 2000;
    fo.mc.seed = 5;
    fo.horizon_years = 2.0 + 1.0 / 365.0;
    const auto fv = mc::fair_value_paths(load_project(s.project.file), mc::load_stochastic(s.project.file), fo);
    EXPECT_EQ(m.project->fair_value_at(7, 0), fv.at(7, 0));
    EXPECT_EQ(m.project->fair_value_at(7, 24), fv.at(7, fv.dates() - 1));  // monthly payments: the 24th date at 2 years
    for (std::uint64_t run = 0; run < 3; ++run) {
        const RunResult r = run_one(m, s.seed, run, RunOptions{true, false});
        for (int t = 0; t <= s.months; ++t) {
            const double reference = m.project->fair_value_at(run, t);
            EXPECT_GE(r.at(kPrice, t), reference * 0.997 * (1.0 - 1e-9)) << "run " << run << " month " << t;
            EXPECT_LE(r.at(kPrice, t), reference / 0.997 * (1.0 + 1e-9)) << "run " << run << " month " << t;
        }
    }
}

TEST(AbmReference, FairValuePathsStartAtTheTgeDate) {
    // The same SUN-A economy with TGE six months after COD (the valuation date): the solar
    // project pays monthly on the 15th from COD 2026-04-15, so month t reads payment date 6 + t of
    // the whole-life regression paths; a TGE before the valuation date reads date 0 until the
    // valuation date is reached.
    Spec s = sun_a_fair_value_economy();
    mc::FairValuePathOptions fo;
    fo.mc.paths = 2000;
    fo.mc.seed = 5;
    fo.horizon_years = 0.0;
    const auto fv = mc::fair_value_paths(load_project(s.project.file), mc::load_stochastic(s.project.file), fo);
    ASSERT_EQ(fv.date[0], std::chrono::year{2026} / 4 / 15);
    ASSERT_EQ(fv.date[6], std::chrono::year{2026} / 10 / 15);

    s.project.tge_date = std::chrono::year{2026} / 10 / 15;
    const Model later = build_model(s);
    s.project.tge_date = std::chrono::year{2026} / 1 / 15;  // three months before COD
    const Model early = build_model(s);
    for (const std::uint64_t run : {0ULL, 7ULL, 1999ULL}) {
        for (int t = 0; t <= s.months; ++t) {
            EXPECT_EQ(later.project->fair_value_at(run, t), fv.at(run, static_cast<std::size_t>(6 + t))) << run << " " << t;
            EXPECT_EQ(early.project->fair_value_at(run, t), fv.at(run, static_cast<std::size_t>(std::max(0, t - 3))))
                << run << " " << t;
        }
    }
}

TEST(AbmReference, FairValuePathsNeedATrancheToken) {
    Spec s = parse_spec(pool_spec_text("project: {file: " + kSource + "/data/examples/solar.yaml, token: SUN-EQ}\n"
                                       "arbitrage: {reference_path: fair_value_paths}\n"));
    EXPECT_THROW_MSG((void)build_model(s), InputError,
                     "arbitrage.reference_path: fair_value_paths needs a tranche token; 'SUN-EQ' is the equity (use dcf)");
}

}  // namespace
