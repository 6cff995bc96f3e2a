// `pftoken abm` Monte Carlo and its tables (see abm/monte_carlo.hpp, docs/abm.md).
#include "pftoken/integration/abm/monte_carlo.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "pftoken/base/quantile.hpp"
#include "pftoken/base/thread_pool.hpp"

namespace pftoken::integration::abm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* role_name(Role r) {
    switch (r) {
    case Role::Holders: return "holders";
    case Role::Treasury: return "treasury";
    case Role::Liquidity: return "liquidity";
    case Role::Arbitrageur: return "arbitrageur";
    }
    return "?";
}

/// Type-7 quantiles of `values` (sorted in place).
std::array<double, 3> p10_p50_p90(std::vector<double>& values) {
    if (values.empty()) return {kNaN, kNaN, kNaN};
    std::sort(values.begin(), values.end());
    return {base::quantile_sorted(values, 0.1), base::quantile_sorted(values, 0.5), base::quantile_sorted(values, 0.9)};
}

/// Largest fall from a running peak, 1 - P / peak, and the months from its trough until the price
/// is back at that peak (NaN when it never is).
struct Drawdown {
    double depth = 0.0;
    double recovery = kNaN;
};
Drawdown max_drawdown(const RunResult& r) {
    Drawdown d;
    double peak = r.at(kPrice, 0), worst_peak = peak;
    int trough = -1;
    for (int t = 0; t <= r.months; ++t) {
        const double p = r.at(kPrice, t);
        peak = std::max(peak, p);
        if (peak > 0.0 && 1.0 - p / peak > d.depth) d.depth = 1.0 - p / peak, trough = t, worst_peak = peak;
    }
    if (trough < 0) return d;
    for (int t = trough + 1; t <= r.months; ++t)
        if (r.at(kPrice, t) >= worst_peak) {
            d.recovery = t - trough;
            break;
        }
    return d;
}

}  // namespace

McResult run_abm(const Model& model, const McOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    const Spec& spec = model.spec;
    const std::size_t runs = options.runs;
    std::vector<RunResult> results(runs);
    std::atomic<std::size_t> done{0};
    base::ParallelOptions parallel;
    parallel.threads = options.threads;
    if (options.progress) parallel.poll = [&] { options.progress(done.load(), runs); };
    RunOptions run_options;
    run_options.check_invariants = options.check_invariants;
    std::vector<RunWorkspace> workspaces(base::worker_count(runs, options.threads));
    base::parallel_for_chunks(runs, parallel, [&](std::size_t r, unsigned worker) {
        results[r] = run_one(model, options.seed, r, run_options, &workspaces[worker]);
        done.fetch_add(1);
    });

    McResult out;
    out.spec = spec;
    out.runs = runs;
    const auto points = static_cast<std::size_t>(spec.months) + 1;
    std::vector<double> buffer(runs);
    // P10/P50/P90 per step of row `k` of each run's `series` (kMetricCount or cohort rows).
    auto bands_of = [&](std::vector<double> RunResult::*series, std::size_t k) {
        Bands b;
        b.p10.resize(points), b.p50.resize(points), b.p90.resize(points);
        for (std::size_t t = 0; t < points; ++t) {
            buffer.resize(runs);
            for (std::size_t r = 0; r < runs; ++r) buffer[r] = (results[r].*series)[k * points + t];
            const auto q = p10_p50_p90(buffer);
            b.p10[t] = q[0], b.p50[t] = q[1], b.p90[t] = q[2];
        }
        return b;
    };
    for (std::size_t m = 0; m < kMetricCount; ++m) out.bands[m] = bands_of(&RunResult::series, m);
    for (std::size_t k = 0; k < 2 * (spec.cohorts.size() + 1); ++k)
        out.cohort_bands.push_back(bands_of(&RunResult::cohort_series, k));
    // Cohorts (buyers last).
    for (std::size_t c = 0; c <= spec.cohorts.size(); ++c) {
        CohortSummary s;
        const bool buyers = c == spec.cohorts.size();
        s.name = buyers ? "buyers" : spec.cohorts[c].name;
        s.role = buyers ? "buyers" : role_name(spec.cohorts[c].role);
        std::vector<double> received, sold, pnl, agents;
        for (const auto& r : results) {
            const auto& o = r.cohorts[c];
            received.push_back(static_cast<double>(o.received) / spec.token_scale());
            const auto got = o.received + o.rewards + o.bought;
            sold.push_back(got > 0 ? static_cast<double>(o.sold) / static_cast<double>(got) : 0.0);
            pnl.push_back(o.proceeds - o.entry_cost);
            agents.push_back(static_cast<double>(r.agents - model.holder_agents));
        }
        s.agents = buyers ? static_cast<std::int64_t>(std::llround(p10_p50_p90(agents)[1]))
                          : (spec.cohorts[c].role == Role::Holders ? spec.cohorts[c].agents : 0);
        s.received = p10_p50_p90(received)[1];
        s.share_sold_p50 = p10_p50_p90(sold)[1];
        const auto q = p10_p50_p90(pnl);
        s.pnl_p10 = q[0], s.pnl_p50 = q[1], s.pnl_p90 = q[2];
        out.cohorts.push_back(std::move(s));
    }
    // Unlocks: the first release after each holder cohort's cliff.
    for (const auto& c : spec.cohorts) {
        if (c.role != Role::Holders || c.vesting.cliff_months == 0) continue;
        const int step = c.vesting.cliff_months +
                         (c.vesting.months == 0 ? 0 : (c.vesting.release == Release::Stepped ? c.vesting.step_months : 1));
        if (step > spec.months) continue;
        const auto t = static_cast<std::size_t>(step);
        out.unlocks.push_back({c.name, step, out.bands[kPrice].p10[t], out.bands[kPrice].p50[t], out.bands[kPrice].p90[t]});
    }
    std::vector<double> depth, recovery, runway, agents, lp;
    for (const auto& r : results) {
        const auto d = max_drawdown(r);
        depth.push_back(d.depth);
        if (!std::isnan(d.recovery)) recovery.push_back(d.recovery);
        if (spec.treasury.monthly_spend > 0.0) runway.push_back(r.at(kTreasuryQuote, r.months) / spec.treasury.monthly_spend);
        agents.push_back(static_cast<double>(r.agents));
        lp.push_back(r.treasury_lp_quote);
    }
    out.treasury_lp_quote_p50 = p10_p50_p90(lp)[1];
    out.recovered_share = runs > 0 ? static_cast<double>(recovery.size()) / static_cast<double>(runs) : 0.0;
    const auto dq = p10_p50_p90(depth);
    out.drawdown_p10 = dq[0], out.drawdown_p50 = dq[1], out.drawdown_p90 = dq[2];
    out.recovery_p50 = p10_p50_p90(recovery)[1];
    out.runway_p50 = p10_p50_p90(runway)[1];
    out.agents_p50 = p10_p50_p90(agents)[1];
    if (model.project) {
        out.project = true;
        out.dcf_value_per_token = model.project->dcf_value_per_token;
        std::vector<double> months;
        for (const auto& r : results) months.push_back(r.signal_months);
        out.signal_months_p50 = p10_p50_p90(months)[1];
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options.progress) options.progress(runs, runs);
    return out;
}

Table abm_steps_table(const McResult& r) {
    Table t("abm_steps");
    t.integer("month");
    t.real("price_p10", 10, 6).real("price_p50", 10, 6).real("price_p90", 10, 6);
    const std::array<Metric, 12> p50{kCirculating, kStaked,   kUnvested, kTreasuryTokens, kBurned,          kPoolTokens,
                                     kPoolQuote,   kDepth,    kVolume,   kTreasuryQuote,  kTreasuryLpValue, kTreasuryLpFees};
    for (const auto m : p50) t.real(std::string(metric_name(m)) + "_p50", 12, 2);
    t.real("treasury_value_p10", 12, 2).real("treasury_value_p50", 12, 2).real("treasury_value_p90", 12, 2);
    t.percent("apy_p50").percent("utilisation_p50");
    for (std::size_t s = 0; s < r.bands[kPrice].p50.size(); ++s) {
        auto row = t.add_row();
        row.set("month", static_cast<std::int64_t>(s))
            .set("price_p10", r.bands[kPrice].p10[s])
            .set("price_p50", r.bands[kPrice].p50[s])
            .set("price_p90", r.bands[kPrice].p90[s]);
        for (const auto m : p50) row.set(std::string(metric_name(m)) + "_p50", r.bands[m].p50[s]);
        row.set("treasury_value_p10", r.bands[kTreasuryValue].p10[s])
            .set("treasury_value_p50", r.bands[kTreasuryValue].p50[s])
            .set("treasury_value_p90", r.bands[kTreasuryValue].p90[s]);
        row.set("apy_p50", r.bands[kApy].p50[s]).set("utilisation_p50", r.bands[kUtilisation].p50[s]);
    }
    return t;
}

Table abm_cohort_steps_table(const McResult& r) {
    Table t("abm_cohort_steps");
    t.integer("month").text("cohort").real("pnl_p10", 12, 2).real("pnl_p50", 12, 2).real("pnl_p90", 12, 2);
    t.percent("share_sold_p50");
    const std::size_t points = r.bands[kPrice].p50.size();
    for (std::size_t s = 0; s < points; ++s)
        for (std::size_t c = 0; c < r.cohorts.size(); ++c) {
            const auto& pnl = r.cohort_bands[2 * c];
            t.add_row()
                .set("month", static_cast<std::int64_t>(s))
                .set("cohort", r.cohorts[c].name)
                .set("pnl_p10", pnl.p10[s])
                .set("pnl_p50", pnl.p50[s])
                .set("pnl_p90", pnl.p90[s])
                .set("share_sold_p50", r.cohort_bands[2 * c + 1].p50[s]);
        }
    return t;
}

Table abm_cohorts_table(const McResult& r) {
    Table t("abm_cohorts");
    t.text("cohort").text("role").integer("agents").real("received_p50", 12, 2).percent("share_sold_p50");
    t.real("pnl_p10", 12, 2).real("pnl_p50", 12, 2).real("pnl_p90", 12, 2);
    for (const auto& c : r.cohorts)
        t.add_row()
            .set("cohort", c.name)
            .set("role", c.role)
            .set("agents", c.agents)
            .set("received_p50", c.received)
            .set("share_sold_p50", c.share_sold_p50)
            .set("pnl_p10", c.pnl_p10)
            .set("pnl_p50", c.pnl_p50)
            .set("pnl_p90", c.pnl_p90);
    return t;
}

Table abm_summary_table(const McResult& r) {
    Table t("abm_summary");
    t.text("metric").mixed("value", 10);
    auto add = [&](std::string name, Cell value) { t.add_row().set("metric", name).set("value", value); };
    const auto last = r.bands[kPrice].p50.size() - 1;
    add("runs", static_cast<std::int64_t>(r.runs));
    add("months", static_cast<std::int64_t>(r.spec.months));
    add("agents_p50", r.agents_p50);
    add("initial_price_p50", r.bands[kPrice].p50[0]);
    add("final_price_p10", r.bands[kPrice].p10[last]);
    add("final_price_p50", r.bands[kPrice].p50[last]);
    add("final_price_p90", r.bands[kPrice].p90[last]);
    add("max_drawdown_p10", r.drawdown_p10);
    add("max_drawdown_p50", r.drawdown_p50);
    add("max_drawdown_p90", r.drawdown_p90);
    add("recovered_share", r.recovered_share);
    add("months_to_recover_p50", r.recovery_p50);
    for (const auto& u : r.unlocks) add(fmt::format("price_at_unlock_{}_month_{}_p50", u.cohort, u.step), u.p50);
    add("treasury_quote_p50", r.bands[kTreasuryQuote].p50[last]);
    add("treasury_runway_months_p50", r.runway_p50);
    add("treasury_lp_quote_p50", r.treasury_lp_quote_p50);
    add("treasury_lp_value_p50", r.bands[kTreasuryLpValue].p50[last]);
    add("treasury_lp_fees_p50", r.bands[kTreasuryLpFees].p50[last]);
    add("treasury_value_p10", r.bands[kTreasuryValue].p10[last]);
    add("treasury_value_p50", r.bands[kTreasuryValue].p50[last]);
    add("treasury_value_p90", r.bands[kTreasuryValue].p90[last]);
    add("burned_p50", r.bands[kBurned].p50[last]);
    if (r.project) {
        add("project_dcf_value_per_token", r.dcf_value_per_token);
        add("project_signal_months_p50", r.signal_months_p50);
    }
    return t;
}

}  // namespace pftoken::integration::abm
