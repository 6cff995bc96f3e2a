// Fair-value paths by least-squares regression (see fair_value_paths.hpp).
#include "pftoken/mc/fair_value_paths.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/QR>
#include <fmt/format.h>

#include "pftoken/error.hpp"
#include "pftoken/mc/factors.hpp"
#include "pftoken/valuation/measure.hpp"
#include "pftoken/waterfall/compiled_project.hpp"
#include "pftoken/waterfall/kernel.hpp"
#include "debt_setup.hpp"

namespace pftoken::mc {

void FairValuePathOptions::validate(const Project& project) const {
    if (mc.paths < 2) throw InputError("fair_value_paths.paths", fmt::format("must be >= 2, got {}", mc.paths));
    mc.validate();
    if (tranche >= project.tranches.size())
        throw InputError("fair_value_paths.tranche",
                         fmt::format("must be < {} (the number of tranches), got {}", project.tranches.size(), tranche));
    if (!(horizon_years >= 0.0) || !std::isfinite(horizon_years))
        throw InputError("fair_value_paths.horizon_years", fmt::format("must be >= 0 and finite, got {}", horizon_years));
    if (basis_degree < 1 || basis_degree > 6)
        throw InputError("fair_value_paths.basis_degree", fmt::format("must be in [1, 6], got {}", basis_degree));
}

double FairValuePaths::mean(std::size_t j) const noexcept {
    if (paths == 0) return std::numeric_limits<double>::quiet_NaN();
    double s = 0.0;
    for (std::uint64_t p = 0; p < paths; ++p) s += at(p, j);
    return s / static_cast<double>(paths);
}

namespace {

/// State variables known on a date: every tranche's balance and the DSRA (relative to the
/// total principal), the log merchant-price and opex multipliers, the short rate. Variables
/// that are constant on a date (disabled factors, the common state at COD) are dropped there.
struct StateLayout {
    int tranches = 0;
    bool price = false, opex = false, rate = false;
    [[nodiscard]] int size() const { return tranches + 1 + (price ? 1 : 0) + (opex ? 1 : 0) + (rate ? 1 : 0); }
};

/// Regression of y on a polynomial of the standardised columns of x (n x d). Returns fitted
/// values; `r2` and `used` describe the fit. Deterministic (Householder QR with column pivoting).
Eigen::VectorXd regress(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int degree, double& r2, int& used) {
    const Eigen::Index n = x.rows();
    // Standardise; drop variables that do not vary on this date.
    std::vector<Eigen::VectorXd> z;
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
        const double mean = x.col(c).mean();
        const double var = (x.col(c).array() - mean).square().sum() / static_cast<double>(n);
        const double sd = std::sqrt(var);
        if (!(sd > 1e-12 * std::max(1.0, std::abs(mean)))) continue;
        z.emplace_back((x.col(c).array() - mean) / sd);
    }
    std::vector<Eigen::VectorXd> basis;
    basis.emplace_back(Eigen::VectorXd::Ones(n));
    for (const auto& v : z) basis.push_back(v);
    if (degree >= 2)
        for (std::size_t a = 0; a < z.size(); ++a)
            for (std::size_t b = a; b < z.size(); ++b) basis.emplace_back(z[a].cwiseProduct(z[b]));
    for (int power = 3; power <= degree; ++power)
        for (const auto& v : z) basis.emplace_back(v.array().pow(power));
    Eigen::MatrixXd a(n, static_cast<Eigen::Index>(basis.size()));
    for (std::size_t c = 0; c < basis.size(); ++c) a.col(static_cast<Eigen::Index>(c)) = basis[c];
    const double y_mean = y.mean();
    const double tss = (y.array() - y_mean).square().sum();
    if (basis.size() == 1) {
        used = 1;
        r2 = std::numeric_limits<double>::quiet_NaN();
        return Eigen::VectorXd::Constant(n, y_mean);
    }
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(a);
    qr.setThreshold(1e-10);
    const Eigen::VectorXd beta = qr.solve(y);
    Eigen::VectorXd fit = a * beta;
    used = static_cast<int>(qr.rank());
    const double rss = (y - fit).squaredNorm();
    r2 = tss > 0.0 ? 1.0 - rss / tss : std::numeric_limits<double>::quiet_NaN();
    return fit;
}

}  // namespace

FairValuePaths fair_value_paths(const Project& project, const StochasticSpec& spec, const FairValuePathOptions& options) {
    options.validate(project);
    spec.validate();
    const CompiledProject cp = compile(project);
    const auto n = static_cast<std::size_t>(cp.periods);
    const int k = static_cast<int>(options.tranche);

    // Discounting exactly as run_project_mc and pftoken::value(): curve referenced at the
    // valuation date (default COD), the tranche's continuous spread on the curve's year fraction,
    // path-wise short-rate discounting relative to the valuation date when the rate factor asks
    // for it. Dates start at the valuation date; the periods paid before it are history.
    const MeasureGrid grid = make_measure_grid(project, cp);
    const auto c = static_cast<std::size_t>(grid.first_remaining);
    const double* const df = grid.tranche_df.data() + cp.at(k, 0);  // tranche DF from the valuation date per period end
    const auto model_owner = detail::make_factor_model(project, cp, spec, options.mc.sampling());
    const FactorModel& model = *model_owner;
    const bool pathwise = spec.interest_rate.enabled && spec.interest_rate.pathwise_discounting;

    // Dates: COD, then each operating period end within the horizon.
    FairValuePaths out;
    out.symbol = project.tranches[options.tranche].token.symbol;
    out.supply = project.tranches[options.tranche].token.supply;
    out.date.push_back(grid.valuation_date);
    out.time.push_back(0.0);
    std::vector<std::size_t> period_of_date{c};  // period whose end state date j sees (c - 1 for the valuation date)
    for (std::size_t t = c; t < n; ++t) {
        const double years = year_fraction(DayCount::Actual365Fixed, grid.valuation_date, cp.grid.end[t]);
        if (options.horizon_years > 0.0 && years > options.horizon_years + 1e-9) break;
        out.date.push_back(cp.grid.end[t]);
        out.time.push_back(years);
        period_of_date.push_back(t + 1);  // remaining flows start after period t
    }
    const std::size_t dates = out.time.size();

    StateLayout layout;
    layout.tranches = cp.tranche_count;
    layout.price = spec.merchant_price.enabled;
    layout.opex = spec.opex_inflation.enabled;
    layout.rate = spec.interest_rate.enabled;
    const auto vars = static_cast<Eigen::Index>(layout.size());

    const std::uint64_t paths = model.usable_paths(options.mc.paths);
    PFT_REQUIRE(paths >= 2, "fair_value_paths: the sampling scheme leaves " << paths << " usable paths of "
                                                                             << options.mc.paths << "; ask for more");
    out.paths = paths;
    const auto rows = static_cast<Eigen::Index>(paths);
    std::vector<Eigen::MatrixXd> state(dates, Eigen::MatrixXd::Zero(rows, vars));
    Eigen::MatrixXd realised(rows, static_cast<Eigen::Index>(dates));

    PathWorkspace f = model.make_workspace();
    WaterfallWorkspace ws(cp);
    std::vector<double> suffix(n + 1, 0.0);
    double principal_total = 0.0;
    for (const auto& tr : cp.tranches) principal_total += tr.principal;
    const double scale = principal_total > 0.0 ? 1.0 / principal_total : 1.0;
    for (std::uint64_t p = 0; p < paths; ++p) {
        model.generate(p, f);
        run_waterfall(cp, f.drivers(), ws, WaterfallOutput::Full);
        const WaterfallResults& r = ws.results;
        // Path discount relative to COD.
        const double* ratio = pathwise ? f.discount_ratio.data() : nullptr;
        const double ratio_at_cod = ratio != nullptr && c > 0 ? ratio[c - 1] : 1.0;
        auto discount = [&](std::size_t t) { return df[t] * (ratio != nullptr ? ratio[t] / ratio_at_cod : 1.0); };
        // suffix[t] = sum over periods u >= t of cash(u) D(u), D relative to COD.
        suffix[n] = 0.0;
        for (std::size_t t = n; t-- > c;) {
            const std::size_t i = cp.at(k, static_cast<int>(t));
            const double cash = r.tranche_interest_paid[i] + (r.tranche_principal_paid[i] + r.tranche_prepayment[i]);
            suffix[t] = suffix[t + 1] + cash * discount(t);
        }
        const auto row = static_cast<Eigen::Index>(p);
        for (std::size_t j = 0; j < dates; ++j) {
            const std::size_t next = period_of_date[j];
            // Value on the date of the flows after it, in money of that date.
            const double d_date = j == 0 ? 1.0 : discount(next - 1);
            realised(row, static_cast<Eigen::Index>(j)) = suffix[next] / d_date / out.supply;
            if (next == 0) continue;  // no construction: COD is the start, the state is common
            const std::size_t t = next - 1;  // the state after period t's waterfall
            Eigen::Index v = 0;
            auto& s = state[j];
            for (int q = 0; q < cp.tranche_count; ++q) s(row, v++) = r.tranche_balance[cp.at(q, static_cast<int>(t))] * scale;
            s(row, v++) = r.dsra_balance[t] * scale;
            if (layout.price) s(row, v++) = std::log(f.price_multiplier[t]);
            if (layout.opex) s(row, v++) = std::log(f.opex_multiplier[t]);
            if (layout.rate) s(row, v++) = f.short_rate[t];
        }
    }

    out.value.assign(static_cast<std::size_t>(paths) * dates, 0.0);
    out.realised.assign(out.value.size(), 0.0);
    out.r_squared.assign(dates, std::numeric_limits<double>::quiet_NaN());
    out.basis_size.assign(dates, 1);
    for (std::size_t j = 0; j < dates; ++j) {
        const Eigen::VectorXd y = realised.col(static_cast<Eigen::Index>(j));
        const Eigen::VectorXd fit = regress(state[j], y, options.basis_degree, out.r_squared[j], out.basis_size[j]);
        for (std::uint64_t p = 0; p < paths; ++p) {
            const std::size_t i = static_cast<std::size_t>(p) * dates + j;
            out.value[i] = std::max(0.0, fit(static_cast<Eigen::Index>(p)));
            out.realised[i] = y(static_cast<Eigen::Index>(p));
        }
    }
    return out;
}

}  // namespace pftoken::mc
