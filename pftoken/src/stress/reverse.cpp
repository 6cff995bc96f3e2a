// Reverse stress: bracketing on a scan grid, then Boost.Math TOMS 748 on a continuous indicator.
#include "pftoken/stress/reverse.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "pftoken/base/format.hpp"

#include "pftoken/base/root.hpp"
#include "pftoken/error.hpp"

namespace pftoken::stress {
namespace {

struct Target {
    ReverseTarget kind;
    int tranche;
    std::string name;
};

/// > 0 while the threshold holds, <= 0 once reached. NaN DSCR (no debt service left) holds.
double indicator(const Target& target, const StressEngine::Indicators& ind, double default_dscr,
                 const ReverseOptions& options, double base_equity) {
    switch (target.kind) {
    case ReverseTarget::DefaultDscr:
        return std::isfinite(ind.min_tested_dscr) ? ind.min_tested_dscr - default_dscr : 1.0;
    case ReverseTarget::TrancheLoss:
        return options.loss_threshold - ind.loss_share[static_cast<std::size_t>(target.tranche)];
    case ReverseTarget::EquityWipeout: return ind.equity_value - options.equity_wipeout_share * base_equity;
    }
    return 1.0;
}

double metric(const Target& target, const StressEngine::Indicators& ind) {
    switch (target.kind) {
    case ReverseTarget::DefaultDscr: return ind.min_tested_dscr;
    case ReverseTarget::TrancheLoss: return ind.loss_share[static_cast<std::size_t>(target.tranche)];
    case ReverseTarget::EquityWipeout: return ind.equity_value;
    }
    return kNaN;
}

std::string size_text(const ReverseFactor& f, double size) {
    if (f.unit == "bp") return fmt::format("{:+.2f} bp", size);
    if (f.unit == "months") return fmt::format("{:.0f} months", size);
    return fmt::format("{:+.4f}%", 100.0 * size);
}

}  // namespace

std::vector<ReverseFactor> default_reverse_factors() {
    std::vector<ReverseFactor> f;
    f.push_back({"merchant_price", make_shock(ShockType::MerchantPrice, 0.0), -1.0, 1.0, false, ""});
    f.push_back({"volume", make_shock(ShockType::Volume, 0.0), -1.0, 1.0, false, ""});
    f.push_back({"availability", make_shock(ShockType::Availability, 0.0), 1.0, 1.0, false, ""});
    f.push_back({"opex", make_shock(ShockType::Opex, 0.0), 1.0, 10.0, false, ""});
    f.push_back({"capex_overrun", make_shock(ShockType::CapexOverrun, 0.0), 1.0, 2.0, false, ""});
    f.push_back({"construction_delay", make_shock(ShockType::ConstructionDelay, 0.0), 1.0, 60.0, true, "months"});
    f.push_back({"rates_parallel", make_shock(ShockType::RatesParallel, 0.0), 1.0, 1500.0, false, "bp"});
    Shock cost_inflation = make_shock(ShockType::Inflation, 0.0);
    cost_inflation.merchant_passthrough = 0.0;
    cost_inflation.contract_passthrough = 0.0;
    f.push_back({"cost_inflation", cost_inflation, 1.0, 2000.0, false, "bp"});
    return f;
}

void ReverseOptions::validate() const {
    PFT_REQUIRE(scan_points >= 2, "reverse.scan_points: must be >= 2, got " << scan_points);
    PFT_REQUIRE(loss_threshold > 0.0 && loss_threshold < 1.0,
                "reverse.loss_threshold: must be in (0, 1), got " << loss_threshold);
    PFT_REQUIRE(equity_wipeout_share >= 0.0 && equity_wipeout_share < 1.0,
                "reverse.equity_wipeout_share: must be in [0, 1), got " << equity_wipeout_share);
    PFT_REQUIRE(max_iterations > 0, "reverse.max_iterations: must be > 0, got " << max_iterations);
    PFT_REQUIRE(tolerance_bits >= 8 && tolerance_bits <= 52,
                "reverse.tolerance_bits: must be in [8, 52], got " << tolerance_bits);
    for (std::size_t i = 0; i < factors.size(); ++i) {
        PFT_REQUIRE(factors[i].max_size > 0.0,
                    "reverse.factors[" << i << "].max_size: must be > 0, got " << factors[i].max_size);
        PFT_REQUIRE(factors[i].direction == 1.0 || factors[i].direction == -1.0,
                    "reverse.factors[" << i << "].direction: must be +1 or -1, got " << factors[i].direction);
    }
}

Scenario factor_scenario(const ReverseFactor& factor, double size) {
    Scenario sc;
    sc.name = fmt::format("reverse:{}", factor.name);
    sc.path = "reverse." + factor.name;
    Shock s = factor.shock;
    s.size = size;
    s.path = sc.path;
    sc.shocks.push_back(s);
    return sc;
}

ReverseSummary reverse_stress(StressEngine& engine, const ReverseOptions& options) {
    options.validate();
    const auto start = std::chrono::steady_clock::now();
    const auto factors = options.factors.empty() ? default_reverse_factors() : options.factors;
    const auto& project = engine.compiled();
    const double default_dscr = project.covenants.default_dscr;
    const double base_equity = engine.base().metrics.equity_value;

    std::vector<Target> targets;
    targets.push_back({ReverseTarget::DefaultDscr, -1, "default_dscr"});
    for (int k = 0; k < project.tranche_count; ++k)
        targets.push_back({ReverseTarget::TrancheLoss, k, "loss:" + project.tranches[static_cast<std::size_t>(k)].name});
    targets.push_back({ReverseTarget::EquityWipeout, -1, "equity_wipeout"});

    ReverseSummary summary;
    StressEngine::Indicators ind;
    const bool operating = history_periods(project) > 0 && valuation_phase(project) == ValuationPhase::Operation;
    // Valued during construction with every capex draw before the valuation date: nothing to overrun.
    const bool drawn = valuation_phase(project) == ValuationPhase::Construction && !(project.overrun_share > 0.0);
    for (const auto& factor : factors) {
        const ShockType type = factor.shock.type;
        const bool construction = type == ShockType::CapexOverrun || type == ShockType::ConstructionDelay;
        if ((operating && construction) || (drawn && type == ShockType::CapexOverrun)) {
            // Valued after COD: the construction is history, no shock of it applies (engine.cpp).
            for (const auto& target : targets) {
                ReverseFinding finding;
                finding.factor = factor.name;
                finding.target = target.kind;
                finding.tranche = target.tranche;
                finding.target_name = target.name;
                finding.message =
                    operating ? fmt::format("not applicable: the construction is history at the valuation date {}",
                                            format::iso_date(project.valuation_date))
                              : fmt::format("not applicable: the capex is all drawn by the valuation date {}",
                                            format::iso_date(project.valuation_date));
                summary.findings.push_back(std::move(finding));
            }
            continue;
        }
        int evaluations = 0;
        auto evaluate = [&](double x) -> const StressEngine::Indicators& {
            const double size = factor.direction * (factor.integer ? std::round(x) : x);
            engine.indicators(factor_scenario(factor, size), ind);
            ++evaluations;
            ++summary.evaluations;
            return ind;
        };
        // Scan once per factor; every target reads the same grid.
        const int cells = factor.integer ? std::min(options.scan_points, static_cast<int>(factor.max_size))
                                         : options.scan_points;
        std::vector<double> xs(static_cast<std::size_t>(cells) + 1);
        std::vector<std::vector<double>> g(targets.size(), std::vector<double>(xs.size()));
        std::vector<std::vector<double>> metric_grid(targets.size(), std::vector<double>(xs.size()));
        std::string failure;
        for (std::size_t i = 0; i < xs.size(); ++i) {
            xs[i] = factor.max_size * static_cast<double>(i) / cells;
            if (factor.integer) xs[i] = std::round(xs[i]);
            try {
                const auto& r = evaluate(xs[i]);
                for (std::size_t j = 0; j < targets.size(); ++j) {
                    g[j][i] = indicator(targets[j], r, default_dscr, options, base_equity);
                    metric_grid[j][i] = metric(targets[j], r);
                }
            } catch (const std::exception& e) {
                failure = e.what();
                xs.resize(i);
                break;
            }
        }
        for (std::size_t j = 0; j < targets.size(); ++j) {
            const auto& target = targets[j];
            ReverseFinding finding;
            finding.factor = factor.name;
            finding.target = target.kind;
            finding.tranche = target.tranche;
            finding.target_name = target.name;
            finding.threshold = target.kind == ReverseTarget::DefaultDscr    ? default_dscr
                                : target.kind == ReverseTarget::TrancheLoss ? options.loss_threshold
                                                                             : options.equity_wipeout_share * base_equity;
            if (target.kind == ReverseTarget::EquityWipeout && !(base_equity > 0.0)) {
                finding.message = "equity has no value in the base case: nothing to wipe out";
                summary.findings.push_back(std::move(finding));
                continue;
            }
            if (xs.empty()) {
                finding.message = "the base case itself fails: " + failure;
                summary.findings.push_back(std::move(finding));
                continue;
            }
            if (g[j][0] <= 0.0) {
                finding.found = true;
                finding.at_base = true;
                finding.shock = 0.0;
                finding.value_at_shock = metric_grid[j][0];
                finding.message = "already reached in the base case (no shock needed)";
                summary.findings.push_back(std::move(finding));
                continue;
            }
            std::size_t hit = 0;
            for (std::size_t i = 1; i < xs.size(); ++i)
                if (g[j][i] <= 0.0) {
                    hit = i;
                    break;
                }
            if (hit == 0) {
                const double reached = xs.empty() ? 0.0 : factor.direction * xs.back();
                finding.message = fmt::format("no shock in [0, {}] reaches it", size_text(factor, reached));
                if (!failure.empty()) finding.message += fmt::format(" (larger shocks fail: {})", failure);
                summary.findings.push_back(std::move(finding));
                continue;
            }
            const int before = evaluations;
            double lo = xs[hit - 1], hi = xs[hit];
            double g_hi = g[j][hit];
            double metric_hi = metric_grid[j][hit];
            auto g_at = [&](double x) {
                const auto& r = evaluate(x);
                return indicator(target, r, default_dscr, options, base_equity);
            };
            if (factor.integer) {
                while (hi - lo > 1.0) {
                    const double mid = std::floor((lo + hi) / 2.0);
                    const double gm = g_at(mid);
                    if (gm <= 0.0) hi = mid, g_hi = gm, metric_hi = metric(target, ind);
                    else lo = mid;
                }
            } else {
                // TOMS 748 on the continuous indicator; the reported shock is the side of the
                // final bracket where the threshold is reached.
                try {
                    const auto bracket = base::solve_bracketed(
                        g_at, lo, hi, g[j][hit - 1], g_hi, base::BitsTolerance{options.tolerance_bits},
                        static_cast<std::uintmax_t>(options.max_iterations), "reverse stress shock",
                        base::OnIterationCap::ReturnBracket);
                    lo = bracket.lo;
                    hi = bracket.hi;
                } catch (const std::exception&) {
                    // Indicator not continuous in this cell: bisect on its sign instead.
                }
                // Make sure `hi` reaches the threshold and `lo` does not (bisect the rest).
                double g_check = g_at(hi);
                for (int it = 0; it < 200 && g_check > 0.0; ++it) {
                    lo = hi;
                    hi = xs[hit];
                    g_check = g_at(hi);
                }
                for (int it = 0; it < 200 && hi - lo > std::ldexp(std::max(1.0, hi), 1 - options.tolerance_bits);
                     ++it) {
                    const double mid = 0.5 * (lo + hi);
                    if (g_at(mid) <= 0.0) hi = mid;
                    else lo = mid;
                }
                g_at(hi);
                g_hi = indicator(target, ind, default_dscr, options, base_equity);
                metric_hi = metric(target, ind);
            }
            finding.value_before = metric(target, evaluate(lo));
            const double scale = target.kind == ReverseTarget::EquityWipeout ? std::fabs(base_equity) : 1.0;
            finding.jump = std::fabs(g_hi) > 1e-6 * scale;
            finding.found = true;
            finding.shock = factor.direction * hi;
            finding.value_at_shock = metric_hi;
            finding.evaluations = evaluations - before;
            finding.message = fmt::format("{} {} reaches {}", factor.name, size_text(factor, finding.shock), target.name);
            if (finding.jump)
                finding.message += fmt::format(" (jumps from {:.6g} to {:.6g} there)", finding.value_before, metric_hi);
            summary.findings.push_back(std::move(finding));
        }
    }
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

}  // namespace pftoken::stress
