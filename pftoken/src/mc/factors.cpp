// Factor model setup (QuantLib fitting, Cholesky, transition coefficients) and path generation.
#include "pftoken/mc/factors.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <ql/models/shortrate/onefactormodels/hullwhite.hpp>
#include <ql/models/shortrate/onefactormodels/vasicek.hpp>

#include "pftoken/error.hpp"
#include "pftoken/mc/vector_exp.hpp"

namespace pftoken::mc {
namespace {

enum Factor : int { kPrice = 0, kVolume = 1, kAvailability = 2, kOpex = 3, kRate = 4, kFactors = 5 };
constexpr double kZ90 = 1.2815515655446004;  // Phi^{-1}(0.9)

bool is_enabled(const StochasticSpec& s, int f) {
    switch (f) {
    case kPrice: return s.merchant_price.enabled;
    case kVolume: return s.volume.enabled;
    case kAvailability: return s.availability.enabled;
    case kOpex: return s.opex_inflation.enabled;
    case kRate: return s.interest_rate.enabled;
    default: return false;
    }
}
// Brownian factors get the bridge under Sobol; i.i.d. per-period factors do not need it.
bool is_brownian(int f) { return f == kPrice || f == kOpex || f == kRate; }

int factor_id(const std::string& name) {
    for (int f = 0; f < kFactors; ++f)
        if (name == kFactorNames[f]) return f;
    return -1;
}

// sigma^2/(2a^2) * int_0^t (1 - e^{-as})^2 ds = half the variance of int_0^t y for an OU y.
double ou_integral_half_variance(double a, double sigma, double t) {
    if (sigma == 0.0) return 0.0;
    const double e1 = std::exp(-a * t);
    const double e2 = std::exp(-2.0 * a * t);
    return sigma * sigma / (2.0 * a * a) * (t - 2.0 * (1.0 - e1) / a + (1.0 - e2) / (2.0 * a));
}
// sigma^2/(2a^2) (1 - e^{-at})^2: E[r(t)] - f(0,t) in Vasicek / Hull-White.
double forward_convexity(double a, double sigma, double t) {
    if (sigma == 0.0) return 0.0;
    const double g = (1.0 - std::exp(-a * t)) / a;
    return 0.5 * sigma * sigma * g * g;
}

// out[j * G + r] = sum_c l[r * G + c] in[j * G + c] for every step j, with G known at compile
// time so the loops unroll and the factor stays in registers (a runtime g kept the three loops
// and called memcpy per step). For a lower-triangular l the zero upper entries are skipped:
// they only ever added +-0 to a partial sum, so the result is the same, bit for bit. `in` may
// equal `out` (each step is read completely before it is written).
template <std::size_t G, bool Lower>
void correlate_steps(const double* l, const double* in, double* out, std::size_t steps) noexcept {
    double m[G][G];
    for (std::size_t r = 0; r < G; ++r)
        for (std::size_t c = 0; c < G; ++c) m[r][c] = l[r * G + c];
    for (std::size_t j = 0; j < steps; ++j) {
        const double* x = in + j * G;
        double tmp[G];
        for (std::size_t r = 0; r < G; ++r) {
            // Starting from the first product instead of 0.0 + it can only change the sign of
            // an exact zero, which no factor recurrence can see (exp(-0) = exp(0), -0 < t iff
            // 0 < t, and a * -0 + b = b for b != 0).
            double sum = m[r][0] * x[0];
            for (std::size_t c = 1; c < (Lower ? r + 1 : G); ++c) sum += m[r][c] * x[c];
            tmp[r] = sum;
        }
        double* y = out + j * G;
        for (std::size_t r = 0; r < G; ++r) y[r] = tmp[r];
    }
}

template <bool Lower>
void correlate_steps(std::size_t g, const double* l, const double* in, double* out,
                     std::size_t steps) noexcept {
    static_assert(kFactors == 5, "one instantiation per possible number of Gaussian slots");
    switch (g) {
    case 1: correlate_steps<1, Lower>(l, in, out, steps); break;
    case 2: correlate_steps<2, Lower>(l, in, out, steps); break;
    case 3: correlate_steps<3, Lower>(l, in, out, steps); break;
    case 4: correlate_steps<4, Lower>(l, in, out, steps); break;
    default: correlate_steps<5, Lower>(l, in, out, steps); break;
    }
}

}  // namespace

PeriodDrivers PathWorkspace::drivers() const noexcept {
    PeriodDrivers d;
    d.price_multiplier = price_multiplier;
    d.volume_multiplier = volume_multiplier;
    d.availability_loss = availability_loss;
    d.opex_multiplier = opex_multiplier;
    d.index_shift = index_shift;
    d.capex_overrun = capex_overrun;
    d.delay_periods = delay_periods;
    return d;
}

FactorModel::FactorModel(StochasticSpec spec, FactorGrid grid, SamplingOptions sampling,
                         const QuantLib::ext::shared_ptr<QuantLib::YieldTermStructure>& discount_curve)
    : spec_(std::move(spec)), grid_(std::move(grid)), sampling_(sampling) {
    spec_.validate();
    const std::size_t periods = grid_.period_end_time.size();
    PFT_REQUIRE(periods >= 1, "factor grid: needs at least one period");
    PFT_REQUIRE(grid_.operating.size() == periods, "factor grid: operating flags must match periods");
    PFT_REQUIRE(grid_.first_period < periods, "factor grid: first_period " << grid_.first_period << " is past the "
                                                                            << periods << " periods");
    PFT_REQUIRE(sampling_.sobol_replications >= 1,
                "mc.sobol_replications: must be >= 1, got " << sampling_.sobol_replications);
    // The simulated periods: first_ .. periods - 1, times from the start (time 0 of every process).
    first_ = grid_.first_period;
    steps_ = periods - first_;
    const std::size_t n = steps_;
    std::vector<double> time(n);
    dt_.resize(n);
    sqrt_dt_.resize(n);
    double previous = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = grid_.period_end_time[first_ + i] - grid_.start_time;
        PFT_REQUIRE(std::isfinite(t) && t > previous,
                    "factor grid: period end times must increase from the start, period " << first_ + i << " has "
                                                                                          << t);
        time[i] = t;
        dt_[i] = t - previous;
        sqrt_dt_[i] = std::sqrt(dt_[i]);
        previous = t;
    }

    slot_of_factor_.assign(kFactors, -1);
    for (int f = 0; f < kFactors; ++f)
        if (is_enabled(spec_, f)) {
            slot_of_factor_[static_cast<std::size_t>(f)] = static_cast<int>(factor_of_slot_.size());
            factor_of_slot_.push_back(f);
        }
    const std::size_t g = factor_of_slot_.size();
    // Valued from a start inside the operating life: the construction is history, nothing drawn.
    construction_dims_ = spec_.construction.enabled && (first_ == 0 || grid_.construction_open) ? 2 : 0;
    dimension_ = construction_dims_ + g * n;

    // Correlation among the enabled slots (identity where not given) and its factor L, L L' = C.
    if (!spec_.correlation_factors.empty() && g > 0) {
        Eigen::MatrixXd c = Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(g));
        for (std::size_t i = 0; i < spec_.correlation_factors.size(); ++i)
            for (std::size_t j = 0; j < spec_.correlation_factors.size(); ++j) {
                const int si = slot_of_factor_[static_cast<std::size_t>(factor_id(spec_.correlation_factors[i]))];
                const int sj = slot_of_factor_[static_cast<std::size_t>(factor_id(spec_.correlation_factors[j]))];
                c(si, sj) = spec_.correlation[i][j];
            }
        Eigen::MatrixXd l;
        const Eigen::LLT<Eigen::MatrixXd> llt(c);
        if (llt.info() == Eigen::Success) {
            l = llt.matrixL();
            cholesky_lower_ = true;
        } else {
            // Positive semi-definite but singular: C = V diag(max(lambda, 0)) V' gives a square
            // root that is not triangular but serves the same purpose.
            const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(c);
            l = eig.eigenvectors() * eig.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
        }
        cholesky_.resize(g * g);
        for (std::size_t i = 0; i < g; ++i)
            for (std::size_t j = 0; j < g; ++j)
                cholesky_[i * g + j] = l(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
        correlated_ = !c.isIdentity(0.0);
    }

    // Price: x_i = decay x_{i-1} + mean + sd z with M = exp(x).
    if (spec_.merchant_price.enabled) {
        const auto& p = spec_.merchant_price;
        price_decay_.resize(n);
        price_mean_.resize(n);
        price_sd_.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            if (p.model == MerchantPriceFactor::Model::Gbm) {
                price_decay_[i] = 1.0;
                price_mean_[i] = (p.drift - 0.5 * p.volatility * p.volatility) * dt_[i];
                price_sd_[i] = p.volatility * sqrt_dt_[i];
            } else {
                const double decay = std::exp(-p.speed * dt_[i]);
                price_decay_[i] = decay;
                price_mean_[i] = std::log(p.long_run_level) * (1.0 - decay);
                price_sd_[i] = p.volatility * std::sqrt((1.0 - decay * decay) / (2.0 * p.speed));
            }
        }
    }
    if (spec_.opex_inflation.enabled) {
        const auto& o = spec_.opex_inflation;
        opex_mean_.resize(n);
        opex_sd_.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            opex_mean_[i] = (o.drift - 0.5 * o.volatility * o.volatility) * dt_[i];
            opex_sd_[i] = o.volatility * sqrt_dt_[i];
        }
    }
    if (spec_.volume.enabled) {
        const auto& v = spec_.volume;
        if (v.p90_over_p50 > 0.0)
            volume_sigma_ = v.distribution == VolumeFactor::Distribution::Lognormal
                                ? -std::log(v.p90_over_p50) / kZ90
                                : (1.0 - v.p90_over_p50) / kZ90;
        else
            volume_sigma_ = v.volatility;
    }
    if (spec_.availability.enabled) {
        const double p = spec_.availability.probability;
        outage_threshold_ = p <= 0.0   ? -HUGE_VAL
                            : p >= 1.0 ? HUGE_VAL
                                       : inverse_normal_cdf(p);
    }
    if (spec_.interest_rate.enabled) {
        const auto& r = spec_.interest_rate;
        const double a = r.speed;
        const double s = r.volatility;
        rate_decay_.resize(n);
        rate_sd_.resize(n);
        rate_det_.resize(n);
        rate_adjust_.resize(n);
        rate_conv_.resize(n);
        bond_price_.resize(n);
        if (r.model == InterestRateFactor::Model::HullWhite) {
            PFT_REQUIRE(discount_curve != nullptr,
                        "stochastic.interest_rate: the Hull-White model needs a discount curve");
            // Fitting once at setup: QuantLib's HullWhite gives r(t) = phi(t) + x(t).
            // QuantLib's model rejects sigma = 0; then phi is the instantaneous forward.
            const QuantLib::Handle<QuantLib::YieldTermStructure> handle(discount_curve);
            QuantLib::ext::shared_ptr<QuantLib::OneFactorModel::ShortRateDynamics> dynamics;
            if (s > 0.0) dynamics = QuantLib::HullWhite(handle, a, s).dynamics();
            for (std::size_t i = 0; i < n; ++i) {
                const double t = time[i];
                rate_det_[i] = dynamics ? dynamics->shortRate(t, 0.0)
                                        : discount_curve->forwardRate(t, t, QuantLib::Continuous,
                                                                      QuantLib::NoFrequency, true)
                                              .rate();
                bond_price_[i] = discount_curve->discount(t);
                // log of the deterministic part of the path discount, relative to P(0,t).
                rate_conv_[i] = -ou_integral_half_variance(a, s, t);
            }
        } else {
            const QuantLib::Vasicek model(r.initial_rate, a, r.long_run_rate, s);
            for (std::size_t i = 0; i < n; ++i) {
                const double t = time[i];
                const double e = std::exp(-a * t);
                rate_det_[i] = r.initial_rate * e + r.long_run_rate * (1.0 - e);
                bond_price_[i] = model.discountBond(0.0, t, r.initial_rate);
                const double det_integral =
                    r.long_run_rate * t + (r.initial_rate - r.long_run_rate) * (1.0 - e) / a;
                rate_conv_[i] = -det_integral - std::log(bond_price_[i]);
            }
        }
        for (std::size_t i = 0; i < n; ++i) {
            const double decay = std::exp(-a * dt_[i]);
            rate_decay_[i] = decay;
            rate_sd_[i] = s * std::sqrt((1.0 - decay * decay) / (2.0 * a));
            const double start = i == 0 ? 0.0 : time[i - 1];
            rate_adjust_[i] = forward_convexity(a, s, start);
        }
    }

    if (sampling_.method == RandomMethod::Sobol && dimension_ > 0) {
        const SobolSequence base(dimension_);
        bridge_ = std::make_unique<BrownianBridge>(n);
        const auto reps = static_cast<std::size_t>(sampling_.sobol_replications);
        // Randomisations come from their own substreams (indices far above any path index).
        for (std::size_t rep = 0; rep < reps; ++rep)
            sobol_.push_back(base.scrambled(sampling_.seed, 0xFFFF'FFFF'0000'0000ULL + rep));
        const std::uint64_t per_base = sampling_.antithetic ? 2 : 1;
        paths_per_replication_ = sampling_.paths / (reps * per_base);
        PFT_REQUIRE(paths_per_replication_ >= 1,
                    "mc.paths: Sobol with " << reps << " replications"
                                            << (sampling_.antithetic ? " and antithetic pairs" : "")
                                            << " needs at least " << reps * per_base
                                            << " paths, got " << sampling_.paths);
        PFT_REQUIRE(paths_per_replication_ < 0xFFFF'FFFFULL,
                    "mc.paths: too many Sobol points per replication");
    }
}

std::uint64_t FactorModel::usable_paths(std::uint64_t requested) const noexcept {
    const std::uint64_t per_base = sampling_.antithetic ? 2 : 1;
    if (!sobol_.empty())
        return paths_per_replication_ * per_base * static_cast<std::uint64_t>(sampling_.sobol_replications);
    return requested / per_base * per_base;
}

int FactorModel::replication_of(std::uint64_t path) const noexcept {
    if (sobol_.empty()) return 0;
    const std::uint64_t base = sampling_.antithetic ? path / 2 : path;
    return static_cast<int>(base / paths_per_replication_);
}

PathWorkspace FactorModel::make_workspace() const {
    const std::size_t n = periods();
    PathWorkspace ws;
    ws.normals.resize(dimension_);
    ws.correlated.resize(factor_of_slot_.size() * steps_);
    ws.bridged.resize(steps_);
    ws.bridge_work.resize(steps_ + 1);
    if (!sobol_.empty()) ws.sobol_state.resize(dimension_);
    if (spec_.merchant_price.enabled) ws.price_multiplier.assign(n, 1.0);
    if (spec_.volume.enabled) ws.volume_multiplier.assign(n, 1.0);
    if (spec_.availability.enabled) ws.availability_loss.assign(n, 0.0);
    if (spec_.opex_inflation.enabled) ws.opex_multiplier.assign(n, 1.0);
    if (spec_.interest_rate.enabled) {
        ws.index_shift.assign(n, 0.0);
        ws.short_rate.assign(n, 0.0);
        ws.path_discount.assign(n, 1.0);
    }
    ws.discount_ratio.assign(n, 1.0);
    return ws;
}

void FactorModel::draw_normals(std::uint64_t path, PathWorkspace& ws) const noexcept {
    const bool negate = sampling_.antithetic && (path & 1U) != 0;
    const std::uint64_t base = sampling_.antithetic ? path / 2 : path;
    if (sobol_.empty()) {
        Xoshiro256StarStar rng(sampling_.seed, base);
        fill_ziggurat_normals(rng, ws.normals);
    } else {
        const auto rep = static_cast<std::int64_t>(base / paths_per_replication_);
        const auto index = static_cast<std::uint32_t>(base % paths_per_replication_);
        const SobolSequence& sobol = sobol_[static_cast<std::size_t>(rep)];
        const bool same_rep = ws.sobol_replication == rep;
        if (same_rep && ws.sobol_index >= 0 && static_cast<std::uint64_t>(ws.sobol_index) + 1 == index)
            sobol.advance(static_cast<std::uint32_t>(ws.sobol_index), ws.sobol_state);
        else if (!same_rep || ws.sobol_index < 0 || static_cast<std::uint64_t>(ws.sobol_index) != index)
            sobol.point(index, ws.sobol_state);
        ws.sobol_index = index;
        ws.sobol_replication = rep;
        for (std::size_t d = 0; d < dimension_; ++d)
            ws.normals[d] =
                inverse_normal_cdf((static_cast<double>(ws.sobol_state[d]) + 0.5) * 0x1.0p-32);
    }
    if (negate)
        for (double& z : ws.normals) z = -z;
}

void FactorModel::generate(std::uint64_t path, PathWorkspace& ws) const noexcept {
    // Simulated periods only: the history entries before first_ keep the base-case values
    // make_workspace set and nothing here writes.
    const std::size_t n = steps_;
    const std::size_t off = first_;
    const std::size_t g = factor_of_slot_.size();
    if (dimension_ == 0) return;
    draw_normals(path, ws);
    const double* z = ws.normals.data() + construction_dims_;

    // Independent increments per step and slot: [step * g + slot]. Pointers are hoisted out of
    // the loops (the stores through double* could otherwise force reloads of the vectors'
    // data pointers); the arithmetic and its order are unchanged.
    double* const correlated = ws.correlated.data();
    const bool any_bridged = bridge_ && std::any_of(factor_of_slot_.begin(), factor_of_slot_.end(), is_brownian);
    auto correlate = [&](const double* in) {
        if (cholesky_lower_) correlate_steps<true>(g, cholesky_.data(), in, correlated, n);
        else correlate_steps<false>(g, cholesky_.data(), in, correlated, n);
    };
    // Independent shocks without a bridge are the normals themselves: no copy.
    const double* shocks_base = correlated;
    if (!any_bridged && !correlated_) {
        shocks_base = z;
    } else if (!any_bridged) {
        // Copy and correlate in one pass: step j's g numbers times the factor L.
        correlate(z);
    } else {
        for (std::size_t slot = 0; slot < g; ++slot) {
            if (bridge_ && is_brownian(factor_of_slot_[slot])) {
                for (std::size_t j = 0; j < n; ++j) ws.bridged[j] = z[j * g + slot];
                bridge_->transform(ws.bridged, ws.bridged, ws.bridge_work);
                for (std::size_t j = 0; j < n; ++j) correlated[j * g + slot] = ws.bridged[j];
            } else {
                for (std::size_t j = 0; j < n; ++j) correlated[j * g + slot] = z[j * g + slot];
            }
        }
        if (correlated_) correlate(correlated);
    }
    // Factor f's shock in step i is zf[i * g] with zf = shocks_base + slot(f).
    auto shocks = [&](int factor) -> const double* {
        return shocks_base + slot_of_factor_[static_cast<std::size_t>(factor)];
    };

    if (spec_.merchant_price.enabled) {
        const double* zf = shocks(kPrice);
        const double* decay = price_decay_.data();
        const double* mean = price_mean_.data();
        const double* sd = price_sd_.data();
        double* out = ws.price_multiplier.data() + off;
        double x = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            x = decay[i] * x + mean[i] + sd[i] * zf[i * g];
            out[i] = x;
        }
        exp_in_place({out, n});
    }
    if (spec_.volume.enabled) {
        const double* zf = shocks(kVolume);
        const double sigma = volume_sigma_;
        double* out = ws.volume_multiplier.data() + off;
        if (spec_.volume.distribution == VolumeFactor::Distribution::Lognormal) {
            for (std::size_t i = 0; i < n; ++i) out[i] = sigma * zf[i * g];
            exp_in_place({out, n});
        } else {
            for (std::size_t i = 0; i < n; ++i) out[i] = std::max(0.0, 1.0 + sigma * zf[i * g]);
        }
    }
    if (spec_.availability.enabled) {
        const double* zf = shocks(kAvailability);
        const double loss = spec_.availability.loss_fraction;
        const double threshold = outage_threshold_;
        double* out = ws.availability_loss.data() + off;
        for (std::size_t i = 0; i < n; ++i) out[i] = zf[i * g] < threshold ? loss : 0.0;
    }
    if (spec_.opex_inflation.enabled) {
        const double* zf = shocks(kOpex);
        const double* mean = opex_mean_.data();
        const double* sd = opex_sd_.data();
        double* out = ws.opex_multiplier.data() + off;
        double x = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            x += mean[i] + sd[i] * zf[i * g];
            out[i] = x;
        }
        exp_in_place({out, n});
    }
    if (spec_.interest_rate.enabled) {
        const double* zf = shocks(kRate);
        const double* decay = rate_decay_.data();
        const double* sd = rate_sd_.data();
        const double* adjust = rate_adjust_.data();
        const double* det = rate_det_.data();
        const double* conv = rate_conv_.data();
        const double* bond = bond_price_.data();
        const double* dt = dt_.data();
        double* shift = ws.index_shift.data() + off;
        double* short_rate = ws.short_rate.data() + off;
        double* ratio = ws.discount_ratio.data() + off;
        double* discount = ws.path_discount.data() + off;
        double y = 0.0;           // deviation of r from its zero-vol path; y(0) = 0
        double integral = 0.0;    // trapezoid of y
        for (std::size_t i = 0; i < n; ++i) {
            shift[i] = y + adjust[i];  // fixed at the period start
            const double y_next = decay[i] * y + sd[i] * zf[i * g];
            integral += 0.5 * (y + y_next) * dt[i];
            y = y_next;
            short_rate[i] = det[i] + y;
            ratio[i] = conv[i] - integral;
        }
        exp_in_place({ratio, n});
        for (std::size_t i = 0; i < n; ++i) discount[i] = bond[i] * ratio[i];
    }
    if (construction_dims_ > 0) {
        const auto& c = spec_.construction;
        const double zd = ws.normals[0];
        const double zo = ws.normals[1];
        ws.delay_months = c.delay_median_months * std::exp(c.delay_sigma * zd);
        if (!c.delay_months_values.empty()) {
            // Discrete distribution: the k with F(k - 1) <= Phi(zd) < F(k) (the last one takes the rest).
            const double u = 0.5 * std::erfc(-zd / std::sqrt(2.0));
            double cumulative = 0.0;
            std::size_t k = 0;
            for (; k + 1 < c.delay_months_values.size(); ++k) {
                cumulative += c.delay_probabilities[k];
                if (u < cumulative) break;
            }
            ws.delay_months = c.delay_months_values[k];
        }
        ws.delay_periods = static_cast<int>(
            std::lround(ws.delay_months * static_cast<double>(grid_.periods_per_year) / 12.0));
        ws.capex_overrun = (1.0 + c.median_overrun) * std::exp(c.overrun_sigma * zo) - 1.0;
    }
}

}  // namespace pftoken::mc
