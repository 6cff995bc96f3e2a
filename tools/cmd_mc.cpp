// `pftoken mc PROJECT.yaml`: Monte Carlo through the full waterfall; prints a summary and
// writes tranches.csv, periods.csv, equity_irr.csv, summary.json (and paths.csv) to --out.
// Columns are documented in docs/tools/mc.md.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "commands.hpp"
#include "pftoken/charts/plots.hpp"
#include "pftoken/error.hpp"
#include "pftoken/mc/project_mc.hpp"
#include "pftoken/mc/stochastic_yaml.hpp"
#include "pftoken/model/loader.hpp"

namespace pftoken::cli {
namespace {

namespace fs = std::filesystem;
using namespace pftoken::mc;

struct McArgs {
    std::string project;
    std::uint64_t paths = 10000;
    std::uint64_t seed = 42;
    int threads = 0;
    std::string method = "pseudo";
    bool antithetic = false;
    bool sensitivities = false;
    bool no_irr = false;
    std::string out;
    std::uint64_t dump_paths = 0;
    bool quiet = false;
    std::string plots;
};

std::string num(double x) {
    if (std::isnan(x)) return "";
    return fmt::format("{:.10g}", x);
}
std::string date(const CalendarDate& d) {
    return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                       static_cast<unsigned>(d.day()));
}
nlohmann::json jnum(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

nlohmann::json to_json(const Estimate& e) {
    return {{"mean", jnum(e.mean)}, {"standard_error", jnum(e.standard_error)},
            {"ci95_low", jnum(e.ci_low)}, {"ci95_high", jnum(e.ci_high)}};
}
nlohmann::json to_json(const Distribution& d) {
    nlohmann::json pct = nlohmann::json::object();
    for (std::size_t i = 0; i < d.percentiles.size(); ++i)
        pct[fmt::format("p{}", static_cast<int>(std::lround(kPercentileLevels[i] * 100)))] = jnum(d.percentiles[i]);
    return {{"estimate", to_json(d.estimate)}, {"stdev", jnum(d.stdev)}, {"percentiles", pct},
            {"var95", jnum(d.var95)}, {"var99", jnum(d.var99)}, {"cvar95", jnum(d.cvar95)},
            {"cvar99", jnum(d.cvar99)}, {"count", d.count}};
}

const char* kTrancheHeader =
    "symbol,name,kind,paths,mean_pv,pv_se,price_per_token,price_se,price_ci95_low,price_ci95_high,"
    "price_p1,price_p5,price_p10,price_p25,price_p50,price_p75,price_p90,price_p95,price_p99,"
    "var95,var99,cvar95,cvar99,pd_payment,pd_payment_se,pd_principal,pd_principal_se,expected_loss,"
    "expected_loss_se,lgd,promised_pv,expected_riskfree_pv,fair_spread,dv01,cs01,price_delta,volume_delta,"
    "opex_delta\n";

std::string tranches_csv(const ProjectMcSummary& s) {
    std::ostringstream o;
    o << kTrancheHeader;
    auto dist = [&](const Distribution& d) {
        for (double p : d.percentiles) o << ',' << num(p);
        o << ',' << num(d.var95) << ',' << num(d.var99) << ',' << num(d.cvar95) << ',' << num(d.cvar99);
    };
    for (const auto& t : s.tranches) {
        o << t.symbol << ',' << t.name << ",tranche," << s.paths << ',' << num(t.pv.estimate.mean) << ','
          << num(t.pv.estimate.standard_error) << ',' << num(t.price_per_token.mean) << ','
          << num(t.price_per_token.standard_error) << ',' << num(t.price_per_token.ci_low) << ','
          << num(t.price_per_token.ci_high);
        dist(t.price_per_token_dist);
        o << ',' << num(t.pd_payment.mean) << ',' << num(t.pd_payment.standard_error) << ','
          << num(t.pd_principal.mean) << ',' << num(t.pd_principal.standard_error) << ','
          << num(t.expected_loss.mean) << ',' << num(t.expected_loss.standard_error) << ',' << num(t.lgd) << ','
          << num(t.promised_pv) << ',' << num(t.expected_riskfree_pv.mean) << ',' << num(t.fair_spread) << ','
          << num(t.dv01) << ',' << num(t.cs01) << ',' << num(t.price_delta) << ',' << num(t.volume_delta) << ','
          << num(t.opex_delta) << '\n';
    }
    const auto& e = s.equity;
    o << e.symbol << ",equity,equity," << s.paths << ',' << num(e.npv.estimate.mean) << ','
      << num(e.npv.estimate.standard_error) << ',' << num(e.price_per_token.mean) << ','
      << num(e.price_per_token.standard_error) << ',' << num(e.price_per_token.ci_low) << ','
      << num(e.price_per_token.ci_high);
    dist(e.price_per_token_dist);
    o << ",,,,,,,,,,,," << num(e.dv01) << ",," << num(e.price_delta) << ',' << num(e.volume_delta) << ','
      << num(e.opex_delta) << '\n';
    return o.str();
}

std::string periods_csv(const ProjectMcSummary& s) {
    std::ostringstream o;
    o << "period,end_date,time,dscr_p5,dscr_p50,dscr_p95,prob_dscr_below_lockup,prob_dscr_below_default,"
         "prob_dsra_drawn,prob_lockup,prob_dscr_defined\n";
    const auto& p = s.per_period;
    for (std::size_t t = 0; t < p.time.size(); ++t)
        o << t << ',' << date(p.end_date[t]) << ',' << num(p.time[t]) << ',' << num(p.dscr_p5[t]) << ','
          << num(p.dscr_p50[t]) << ',' << num(p.dscr_p95[t]) << ',' << num(p.prob_dscr_below_lockup[t]) << ','
          << num(p.prob_dscr_below_default[t]) << ',' << num(p.prob_dsra_drawn[t]) << ','
          << num(p.prob_lockup[t]) << ',' << num(p.prob_dscr_defined[t]) << '\n';
    return o.str();
}

std::string irr_csv(const ProjectMcSummary& s) {
    std::ostringstream o;
    const auto& d = s.equity.irr;
    o << "symbol,paths_with_irr,mean,se,p1,p5,p10,p25,p50,p75,p90,p95,p99\n";
    o << s.equity.symbol << ',' << d.count << ',' << num(d.estimate.mean) << ',' << num(d.estimate.standard_error);
    for (double p : d.percentiles) o << ',' << num(p);
    o << '\n';
    return o.str();
}

std::string paths_csv(const std::vector<PathDump>& dumps, std::size_t tranches) {
    std::ostringstream o;
    o << "path,period,price_multiplier,volume_multiplier,availability_loss,opex_multiplier,index_shift,"
         "discount_ratio,cfads,debt_service_due,dscr,dsra_balance,distributions,lockup,event_of_default";
    for (std::size_t k = 0; k < tranches; ++k) o << ",balance_" << k;
    o << '\n';
    for (const auto& d : dumps) {
        const std::size_t n = d.cfads.size();
        for (std::size_t t = 0; t < n; ++t) {
            o << d.path << ',' << t << ',' << num(d.price_multiplier[t]) << ',' << num(d.volume_multiplier[t]) << ','
              << num(d.availability_loss[t]) << ',' << num(d.opex_multiplier[t]) << ',' << num(d.index_shift[t])
              << ',' << num(d.discount_ratio[t]) << ',' << num(d.cfads[t]) << ',' << num(d.debt_service_due[t])
              << ',' << num(d.dscr[t]) << ',' << num(d.dsra_balance[t]) << ',' << num(d.distributions[t]) << ','
              << static_cast<int>(d.lockup[t]) << ',' << static_cast<int>(d.event_of_default[t]);
            for (std::size_t k = 0; k < tranches; ++k) o << ',' << num(d.tranche_balance[k * n + t]);
            o << '\n';
        }
    }
    return o.str();
}

std::string summary_json(const ProjectMcSummary& s, const ProjectMcOptions& opt) {
    nlohmann::json j;
    j["project"] = s.project;
    j["paths"] = s.paths;
    j["seed"] = s.seed;
    j["threads"] = s.threads;
    j["method"] = s.method == RandomMethod::Sobol ? "sobol" : "pseudo";
    j["antithetic"] = s.antithetic;
    j["sobol_replications"] = opt.mc.sobol_replications;
    j["seconds"] = s.seconds;
    j["paths_per_second"] = s.paths_per_second();
    j["sensitivity_seconds"] = s.sensitivity_seconds;
    for (const auto& t : s.tranches) {
        j["tranches"].push_back({{"symbol", t.symbol}, {"name", t.name}, {"principal", t.principal},
                                 {"supply", t.supply}, {"pv", to_json(t.pv)},
                                 {"price_per_token", to_json(t.price_per_token_dist)},
                                 {"pd_payment", to_json(t.pd_payment)}, {"pd_principal", to_json(t.pd_principal)},
                                 {"expected_loss", to_json(t.expected_loss)}, {"lgd", jnum(t.lgd)},
                                 {"promised_pv", jnum(t.promised_pv)},
                                 {"expected_riskfree_pv", to_json(t.expected_riskfree_pv)},
                                 {"fair_spread", jnum(t.fair_spread)},
                                 {"sensitivities_per_token",
                                  {{"dv01", jnum(t.dv01)}, {"cs01", jnum(t.cs01)}, {"price_delta", jnum(t.price_delta)},
                                   {"volume_delta", jnum(t.volume_delta)}, {"opex_delta", jnum(t.opex_delta)}}}});
    }
    const auto& e = s.equity;
    j["equity"] = {{"symbol", e.symbol}, {"supply", e.supply}, {"npv", to_json(e.npv)},
                   {"price_per_token", to_json(e.price_per_token_dist)}, {"irr", to_json(e.irr)},
                   {"sensitivities_per_token",
                    {{"dv01", jnum(e.dv01)}, {"price_delta", jnum(e.price_delta)},
                     {"volume_delta", jnum(e.volume_delta)}, {"opex_delta", jnum(e.opex_delta)}}}};
    return j.dump(2) + "\n";
}

std::string text_summary(const ProjectMcSummary& s) {
    std::ostringstream o;
    o << fmt::format("Monte Carlo: {}\n{} paths, {}{}, seed {}, {} threads: {:.2f} s ({:.0f} paths/s)\n\n", s.project,
                     s.paths, s.method == RandomMethod::Sobol ? "sobol" : "pseudo",
                     s.antithetic ? " + antithetic" : "", s.seed, s.threads, s.seconds, s.paths_per_second());
    o << fmt::format("{:<8} {:>12} {:>10} {:>12} {:>12} {:>9} {:>9} {:>8} {:>8} {:>10}\n", "token", "price", "s.e.",
                     "P5", "P95", "PD pay", "PD princ", "EL", "LGD", "fair sprd");
    for (const auto& t : s.tranches) {
        const auto& pc = t.price_per_token_dist.percentiles;
        o << fmt::format("{:<8} {:>12.4f} {:>10.4f} {:>12.4f} {:>12.4f} {:>9.4f} {:>9.4f} {:>8.4f} {:>8.4f} {:>9.2f}bp\n",
                         t.symbol, t.price_per_token.mean, t.price_per_token.standard_error, pc[1], pc[7],
                         t.pd_payment.mean, t.pd_principal.mean, t.expected_loss.mean, t.lgd,
                         t.fair_spread * 1e4);
    }
    const auto& e = s.equity;
    o << fmt::format("{:<8} {:>12.4f} {:>10.4f} {:>12.4f} {:>12.4f}\n", e.symbol, e.price_per_token.mean,
                     e.price_per_token.standard_error, e.price_per_token_dist.percentiles[1],
                     e.price_per_token_dist.percentiles[7]);
    if (e.irr.count > 0)
        o << fmt::format("\nEquity IRR: P5 {:.2f}%  P50 {:.2f}%  P95 {:.2f}%  ({} of {} paths have an IRR)\n",
                         100 * e.irr.percentiles[1], 100 * e.irr.percentiles[4], 100 * e.irr.percentiles[7],
                         e.irr.count, s.paths);
    double worst_lockup = 0.0, worst_default = 0.0, worst_dsra = 0.0;
    for (std::size_t t = 0; t < s.per_period.time.size(); ++t) {
        worst_lockup = std::max(worst_lockup, s.per_period.prob_dscr_below_lockup[t]);
        worst_default = std::max(worst_default, s.per_period.prob_dscr_below_default[t]);
        worst_dsra = std::max(worst_dsra, s.per_period.prob_dsra_drawn[t]);
    }
    o << fmt::format("Worst period: P(DSCR < lock-up) {:.2f}%, P(DSCR < default) {:.2f}%, P(DSRA drawn) {:.2f}%\n",
                     100 * worst_lockup, 100 * worst_default, 100 * worst_dsra);
    if (std::isfinite(s.tranches.empty() ? NAN : s.tranches[0].dv01)) {
        o << "\nSensitivities per token (CRN bump and revalue):\n";
        o << fmt::format("{:<8} {:>10} {:>10} {:>12} {:>12} {:>12}\n", "token", "DV01", "CS01", "+1% price",
                         "+1% volume", "+1% opex");
        for (const auto& t : s.tranches)
            o << fmt::format("{:<8} {:>10.4f} {:>10.4f} {:>12.4f} {:>12.4f} {:>12.4f}\n", t.symbol, t.dv01, t.cs01,
                             t.price_delta, t.volume_delta, t.opex_delta);
        o << fmt::format("{:<8} {:>10.4f} {:>10} {:>12.4f} {:>12.4f} {:>12.4f}\n", e.symbol, e.dv01, "", e.price_delta,
                         e.volume_delta, e.opex_delta);
    }
    return o.str();
}

void write_file(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) throw InputError("--out", "cannot write '" + path.string() + "'");
}

int run_mc(const McArgs& args) {
    ProjectMcOptions opt;
    opt.mc.paths = args.paths;
    opt.mc.seed = args.seed;
    opt.mc.threads = args.threads;
    if (args.method == "sobol") opt.mc.method = RandomMethod::Sobol;
    else if (args.method != "pseudo") throw InputError("--method", "must be pseudo or sobol, got '" + args.method + "'");
    opt.mc.antithetic = args.antithetic;
    opt.sensitivities = args.sensitivities;
    opt.equity_irr = !args.no_irr;
    opt.validate();
    if (args.dump_paths > 0 && args.out.empty()) throw InputError("--dump-paths", "needs --out DIR");

    const Project project = load_project(args.project);
    const StochasticSpec spec = load_stochastic(args.project);
    if (spec.empty() && !args.quiet)
        std::cerr << "pftoken mc: note: the project has no `stochastic:` section; every path is the base case\n";

    // Progress on stderr only for a terminal, only once the run has taken about a second.
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    const auto start = std::chrono::steady_clock::now();
    bool drawn = false;
    if (tty && !args.quiet) {
        opt.mc.progress = [start, &drawn](std::uint64_t done, std::uint64_t total) {
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (elapsed < 1.0 && !drawn) return;
            drawn = true;
            const double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
            const int width = 40;
            const int filled = static_cast<int>(frac * width);
            std::cerr << '\r' << '[' << std::string(static_cast<std::size_t>(filled), '#')
                      << std::string(static_cast<std::size_t>(width - filled), ' ') << "] "
                      << fmt::format("{:3.0f}% {}/{} paths", frac * 100, done, total) << std::flush;
        };
    }
    const ProjectMcSummary summary = run_project_mc(project, spec, opt);
    if (drawn) std::cerr << '\n';

    // Render everything first, then write.
    const std::string text = text_summary(summary);
    const auto chart_files = args.plots.empty() ? std::vector<charts::ChartFile>{} : charts::render_mc_plots(summary);
    if (!args.out.empty()) {
        std::vector<std::pair<std::string, std::string>> files = {
            {"tranches.csv", tranches_csv(summary)},
            {"periods.csv", periods_csv(summary)},
            {"equity_irr.csv", irr_csv(summary)},
            {"summary.json", summary_json(summary, opt)}};
        if (args.dump_paths > 0)
            files.emplace_back("paths.csv", paths_csv(dump_project_paths(project, spec, opt, args.dump_paths),
                                                      summary.tranches.size()));
        std::error_code ec;
        fs::create_directories(args.out, ec);
        if (ec) throw InputError("--out", "cannot create folder '" + args.out + "': " + ec.message());
        for (const auto& [name, content] : files) write_file(fs::path(args.out) / name, content);
        std::cout << text << "\nWrote";
        for (const auto& [name, content] : files) std::cout << ' ' << (fs::path(args.out) / name).string();
        std::cout << '\n';
    } else {
        std::cout << text;
    }
    charts::write_plots(args.plots, chart_files, std::cerr);
    return 0;
}

}  // namespace

void register_mc(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<McArgs>();
    auto* cmd = app.add_subcommand("mc", "Monte Carlo valuation and credit risk through the full waterfall "
                                         "(the project's `stochastic:` section, docs/monte-carlo.md)");
    cmd->add_option("project", args->project, "Project YAML file with a stochastic: section")->required();
    cmd->add_option("--paths", args->paths, "Number of paths (default 10000)");
    cmd->add_option("--seed", args->seed, "Seed (default 42); same seed, same bits on any thread count");
    cmd->add_option("--threads", args->threads, "Worker threads (default 0 = all cores)");
    cmd->add_option("--method", args->method, "pseudo (default) or sobol (scrambled, 16 randomisations)");
    cmd->add_flag("--antithetic", args->antithetic, "Antithetic variates (paths in +Z/-Z pairs)");
    cmd->add_flag("--sensitivities", args->sensitivities,
                  "DV01, CS01, +1% price / volume / opex deltas by bump and revalue with common random numbers");
    cmd->add_flag("--no-irr", args->no_irr, "Skip the per-path equity IRR (faster)");
    cmd->add_option("--out", args->out, "Output folder: tranches.csv, periods.csv, equity_irr.csv, summary.json");
    cmd->add_option("--dump-paths", args->dump_paths, "Also write the per-period arrays of the first N paths (paths.csv)");
    cmd->add_option("--plots", args->plots, "Folder for SVG charts (docs/charts.md; needs gnuplot): dscr_fan.svg, loss.svg, tornado.svg");
    cmd->add_flag("--quiet", args->quiet, "No progress bar or notes on stderr");
    cmd->callback([args, &exit_code] { exit_code = run_mc(*args); });
}

}  // namespace pftoken::cli
