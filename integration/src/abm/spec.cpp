// `pftoken abm` spec reader and the exact vesting schedule (see abm/spec.hpp, docs/abm.md).
#include "pftoken/integration/abm/spec.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "pftoken/base/csv.hpp"
#include "pftoken/base/format.hpp"
#include "pftoken/base/validate.hpp"
#include "pftoken/base/yaml.hpp"
#include "pftoken/error.hpp"

namespace pftoken::integration::abm {
namespace {

using validation::at_least;
using validation::at_most;
using validation::in_closed;
using validation::non_negative;
using validation::positive;

constexpr double kUnbounded = 1e300;

/// A trait's domain [lo, hi]; a distribution whose support leaves it is refused.
struct Domain {
    double lo = 0.0;
    double hi = kUnbounded;
};

void read_distribution(yaml::Context& ctx, yaml::Reader& parent, const std::string& key, Distribution& out) {
    const auto* n = parent.child(key);
    if (!n) return;
    const auto path = yaml::child_path(parent.path(), key);
    if (n->IsScalar()) {
        double value = 0.0;
        if (parent.read_number(*n, path, value)) out = Distribution::constant(value);
        return;
    }
    yaml::Reader r(ctx, *n, path);
    if (!r.ok()) return;
    Distribution d;
    r.enumeration("dist", d.kind,
                  {{"constant", Distribution::Kind::Constant},
                   {"beta", Distribution::Kind::Beta},
                   {"gamma", Distribution::Kind::Gamma},
                   {"normal", Distribution::Kind::Normal},
                   {"lognormal", Distribution::Kind::LogNormal},
                   {"pareto", Distribution::Kind::Pareto}},
                  true);
    switch (d.kind) {
    case Distribution::Kind::Constant: r.number("value", d.a, true); break;
    case Distribution::Kind::Beta:
        r.number("alpha", d.a, true);
        r.number("beta", d.b, true);
        break;
    case Distribution::Kind::Gamma:
        r.number("shape", d.a, true);
        r.number("scale", d.b, true);
        break;
    case Distribution::Kind::Normal:
        r.number("mean", d.a, true);
        r.number("sd", d.b, true);
        r.number("min", d.lo);
        r.number("max", d.hi);
        break;
    case Distribution::Kind::LogNormal:
        r.number("mu", d.a, true);
        r.number("sigma", d.b, true);
        break;
    case Distribution::Kind::Pareto:
        r.number("min", d.a, true);
        r.number("alpha", d.b, true);
        break;
    }
    r.finish();
    out = d;
}

void check_distribution(validation::Rules& rules, const std::string& path, const Distribution& d, Domain domain) {
    using K = Distribution::Kind;
    const auto range = fmt::format("[{}, {}]", validation::number_text(domain.lo),
                                   domain.hi >= kUnbounded ? std::string("inf") : validation::number_text(domain.hi));
    switch (d.kind) {
    case K::Constant:
        rules.require(path, d.a, {at_least(domain.lo), at_most(domain.hi)});
        return;
    case K::Beta:
        rules.require(path + ".alpha", d.a, {positive()});
        rules.require(path + ".beta", d.b, {positive()});
        if (domain.lo > 0.0 || domain.hi < 1.0) rules.fail(path + ".dist", "beta draws in [0, 1], outside " + range);
        return;
    case K::Gamma:
    case K::LogNormal:
        if (d.kind == K::Gamma) {
            rules.require(path + ".shape", d.a, {positive()});
            rules.require(path + ".scale", d.b, {positive()});
        } else {
            rules.finite(path + ".mu", d.a);
            rules.require(path + ".sigma", d.b, {non_negative()});
        }
        if (domain.lo > 0.0 || domain.hi < kUnbounded)
            rules.fail(path + ".dist", std::string(d.kind == K::Gamma ? "gamma" : "lognormal") +
                                           " draws in (0, inf), outside " + range + "; use beta, normal with min/max, or a constant");
        return;
    case K::Pareto:
        if (rules.require(path + ".min", d.a, {positive(), at_most(1e299)}) && rules.require(path + ".alpha", d.b, {positive()}) &&
            (d.a < domain.lo || domain.hi < kUnbounded))
            rules.fail(path + ".dist", "pareto draws in [min, inf), outside " + range + "; use beta, normal with min/max, or a constant");
        return;
    case K::Normal:
        rules.finite(path + ".mean", d.a);
        rules.require(path + ".sd", d.b, {non_negative()});
        if (rules.require(path + ".min", std::max(d.lo, -1e299), {at_least(domain.lo)}) &&
            rules.require(path + ".max", std::min(d.hi, 1e299), {at_most(std::min(domain.hi, 1e299))}) &&
            !(d.hi > d.lo))
            rules.fail(path + ".max", fmt::format("must be > min ({}), got {}", validation::number_text(d.lo),
                                                  validation::number_text(d.hi)));
        return;
    }
}

/// month,price for months 0..months in order, prices > 0.
std::vector<double> read_reference_csv(const std::filesystem::path& file, int months) {
    const auto csv = csv::File::read(file);
    csv.require_header({"month", "price"});
    std::vector<double> prices;
    for (std::size_t row = 0; row < csv.row_count(); ++row) {
        const double month = csv.real(row, 0);
        if (month != static_cast<double>(row))
            throw csv.error(row, 0, fmt::format("must be {} (months 0, 1, 2, ... in order), got {}", row, csv.cell(row, 0).text));
        prices.push_back(csv.real_in(row, 1, 1e-300, 1e300));
    }
    if (prices.size() < static_cast<std::size_t>(months) + 1)
        throw InputError(SourceLocation{file.string(), 0, 0}, "month",
                         fmt::format("must cover months 0 to {} (the spec's months), got {} rows", months, prices.size()));
    return prices;
}

void read_traits(yaml::Context& ctx, yaml::Reader& parent, const std::string& key, Traits& t) {
    const auto* n = parent.child(key);
    if (!n) return;
    yaml::Reader r(ctx, *n, yaml::child_path(parent.path(), key));
    if (!r.ok()) return;
    read_distribution(ctx, r, "take_profit", t.take_profit);
    read_distribution(ctx, r, "stop_loss", t.stop_loss);
    read_distribution(ctx, r, "sell_fraction", t.sell_fraction);
    read_distribution(ctx, r, "cliff_sell", t.cliff_sell);
    read_distribution(ctx, r, "staking", t.staking);
    read_distribution(ctx, r, "staking_hurdle", t.staking_hurdle);
    read_distribution(ctx, r, "horizon_months", t.horizon);
    read_distribution(ctx, r, "memory_months", t.memory);
    r.finish();
}

void check_traits(validation::Rules& rules, const std::string& path, const Traits& t) {
    check_distribution(rules, path + ".take_profit", t.take_profit, {0.0, kUnbounded});
    check_distribution(rules, path + ".stop_loss", t.stop_loss, {0.0, 1.0});
    check_distribution(rules, path + ".sell_fraction", t.sell_fraction, {0.0, 1.0});
    check_distribution(rules, path + ".cliff_sell", t.cliff_sell, {0.0, 1.0});
    check_distribution(rules, path + ".staking", t.staking, {0.0, 1.0});
    check_distribution(rules, path + ".staking_hurdle", t.staking_hurdle, {0.0, kUnbounded});
    check_distribution(rules, path + ".horizon_months", t.horizon, {0.0, kUnbounded});
    check_distribution(rules, path + ".memory_months", t.memory, {0.0, kUnbounded});
}

void read_cohort(yaml::Context& ctx, const YAML::Node& node, const std::string& path, Cohort& c) {
    yaml::Reader r(ctx, node, path);
    if (!r.ok()) return;
    r.string("name", c.name, true);
    r.enumeration("role", c.role,
                  {{"holders", Role::Holders},
                   {"treasury", Role::Treasury},
                   {"liquidity", Role::Liquidity},
                   {"arbitrageur", Role::Arbitrageur}});
    r.number("share", c.share, true);
    r.integer("agents", c.agents, false, 1.0, 1'000'000.0);
    read_distribution(ctx, r, "allocation_weights", c.allocation_weights);
    if (const auto* v = r.child("vesting")) {
        yaml::Reader vr(ctx, *v, path + ".vesting");
        if (vr.ok()) {
            vr.number("tge", c.vesting.tge);
            vr.integer("cliff_months", c.vesting.cliff_months, false, 0.0, 1200.0);
            vr.integer("months", c.vesting.months, false, 0.0, 1200.0);
            vr.enumeration("release", c.vesting.release, {{"linear", Release::Linear}, {"stepped", Release::Stepped}});
            vr.integer("step_months", c.vesting.step_months, false, 1.0, 1200.0);
            vr.finish();
        }
    } else {
        c.vesting.tge = 1.0;  // no vesting: everything unlocked at TGE
    }
    read_traits(ctx, r, "traits", c.traits);
    r.finish();
}

Spec read_spec(yaml::Context& ctx, const YAML::Node& root) {
    Spec spec;
    yaml::Reader top(ctx, root, "");
    if (!top.ok()) {
        yaml::finish(ctx);
        return spec;
    }
    top.string("name", spec.name);
    if (const auto* t = top.child("token", true)) {
        yaml::Reader r(ctx, *t, "token");
        if (r.ok()) {
            r.string("symbol", spec.symbol);
            r.integer("decimals", spec.decimals, false, 0.0, 18.0);
            r.integer("total_supply_units", spec.total_supply_units, true, 1.0);
            r.integer("quote_decimals", spec.quote_decimals, false, 0.0, 18.0);
            r.finish();
        }
    }
    top.integer("months", spec.months, false, 1.0, 1200.0);
    std::vector<std::string> cohort_paths;
    yaml::for_each_element(ctx, top, "cohorts", true, [&](const YAML::Node& node, const std::string& path, std::size_t) {
        spec.cohorts.emplace_back();
        cohort_paths.push_back(path);
        read_cohort(ctx, node, path, spec.cohorts.back());
    });
    if (const auto* d = top.child("demand")) {
        yaml::Reader r(ctx, *d, "demand");
        if (r.ok()) {
            r.number("arrivals_per_month", spec.demand.arrivals_per_month);
            r.number("growth_per_month", spec.demand.growth_per_month);
            read_distribution(ctx, r, "budget", spec.demand.budget);
            read_traits(ctx, r, "traits", spec.demand.traits);
            r.finish();
        }
    }
    if (const auto* p = top.child("price", true)) {
        yaml::Reader r(ctx, *p, "price");
        if (r.ok()) {
            r.enumeration("model", spec.price.model,
                          {{"constant", PriceModel::Constant},
                           {"bonding_curve", PriceModel::BondingCurve},
                           {"equation_of_exchange", PriceModel::EquationOfExchange},
                           {"issuance", PriceModel::Issuance},
                           {"pool", PriceModel::Pool}},
                          true);
            auto& ps = spec.price;
            switch (ps.model) {
            case PriceModel::Constant: r.number("price", ps.price, true); break;
            case PriceModel::BondingCurve:
                r.number("k", ps.k, true);
                r.number("n", ps.n, true);
                r.number("initial_curve_supply", ps.initial_curve_supply);
                break;
            case PriceModel::EquationOfExchange:
                r.number("demand_per_year", ps.demand_per_year, true);
                r.number("velocity", ps.velocity);
                r.number("holding_months", ps.holding_months);
                break;
            case PriceModel::Issuance:
                r.number("price", ps.price, true);
                r.number("max_supply", ps.max_supply, true);
                r.number("alpha", ps.alpha, true);
                break;
            case PriceModel::Pool:
                r.string("pool", ps.pool_file, true);
                if (!ps.pool_file.empty()) {
                    const std::filesystem::path file = ctx.base_dir / ps.pool_file;
                    try {
                        ps.pool = load_pool(file);
                    } catch (const InputError& e) {
                        ctx.error(r.key_mark("pool"), "price.pool", "cannot use pool file '" + file.string() + "': " + e.what());
                    }
                }
                break;
            }
            r.finish();
        }
    }
    if (const auto* arbitrage = top.child("arbitrage")) {
        yaml::Reader r(ctx, *arbitrage, "arbitrage");
        if (r.ok()) {
            auto& a = spec.arbitrage;
            a.enabled = true;
            r.boolean("enabled", a.enabled);
            r.enumeration("reference_path", a.path,
                          {{"gbm", Arbitrage::Path::Gbm},
                           {"csv", Arbitrage::Path::Csv},
                           {"dcf", Arbitrage::Path::Dcf},
                           {"fair_value_paths", Arbitrage::Path::FairValuePaths}});
            r.number("drift", a.drift);
            r.number("volatility", a.volatility);
            r.number("reference", a.reference);
            r.string("csv", a.csv_file);
            if (a.path == Arbitrage::Path::Csv && a.csv_file.empty())
                ctx.error(r.key_mark("reference_path"), "arbitrage.csv", "is required with reference_path: csv");
            if (!a.csv_file.empty()) {
                const std::filesystem::path file = ctx.base_dir / a.csv_file;
                try {
                    a.csv_prices = read_reference_csv(file, spec.months);
                } catch (const InputError& e) {
                    ctx.error(r.key_mark("csv"), "arbitrage.csv", std::string("cannot use reference file: ") + e.what());
                }
            }
            r.finish();
        }
    }
    if (const auto* p = top.child("project")) {
        yaml::Reader r(ctx, *p, "project");
        if (r.ok()) {
            auto& link = spec.project;
            link.enabled = true;
            r.string("file", link.file);
            if (!link.file.empty()) link.file = (ctx.base_dir / link.file).string();
            r.string("token", link.token, true);
            r.integer("paths", link.paths, false, 1.0, 100'000.0);
            r.number("sell_when_blocked", link.sell_when_blocked);
            r.number("sell_below_covenant", link.sell_below_covenant);
            r.number("sell_on_default", link.sell_on_default);
            if (const auto* n = r.child("tge_date")) {
                const auto date = format::parse_iso_date(n->IsScalar() ? n->Scalar() : std::string{});
                if (date) link.tge_date = *date;
                else ctx.error(n->Mark(), "project.tge_date", "must be a date YYYY-MM-DD, got " + yaml::describe(*n));
                link.tge_date_at = SourceLocation{ctx.source, n->Mark().line + 1, n->Mark().column + 1};
            }
            r.number("demand_cut_when_blocked", link.demand_cut_when_blocked);
            r.number("demand_cut_below_covenant", link.demand_cut_below_covenant);
            r.number("demand_cut_on_default", link.demand_cut_on_default);
            r.number("demand_on_distribution", link.demand_on_distribution);
            r.finish();
        }
    }
    if (const auto* s = top.child("staking")) {
        yaml::Reader r(ctx, *s, "staking");
        if (r.ok()) {
            r.number("capacity", spec.staking.capacity);
            r.integer("lockup_months", spec.staking.lockup_months, false, 0.0, 1200.0);
            r.number("base_apy", spec.staking.base_apy);
            r.finish();
        }
    }
    if (const auto* t = top.child("treasury")) {
        yaml::Reader r(ctx, *t, "treasury");
        if (r.ok()) {
            r.number("fee", spec.treasury.fee);
            r.number("hold", spec.treasury.hold);
            r.number("liquidity", spec.treasury.liquidity);
            r.number("buyback", spec.treasury.buyback);
            r.number("monthly_spend", spec.treasury.monthly_spend);
            r.finish();
        }
    }
    if (const auto* m = top.child("monte_carlo")) {
        yaml::Reader r(ctx, *m, "monte_carlo");
        if (r.ok()) {
            r.integer("runs", spec.runs, false, 1.0, 100'000.0);  // every run's series are kept for the bands
            r.integer("seed", spec.seed);
            r.finish();
        }
    }
    top.finish();
    if (ctx.issues.empty()) {
        try {
            spec.validate();
        } catch (const InputError& e) {
            ctx.place(e);
        }
    }
    yaml::finish(ctx);
    return spec;
}

}  // namespace

double Spec::token_scale() const noexcept { return std::pow(10.0, decimals); }
double Spec::quote_scale() const noexcept { return std::pow(10.0, quote_decimals); }

void Spec::validate() const {
    validation::Rules rules;
    rules.require("token.total_supply_units", static_cast<double>(total_supply_units), {at_least(1.0)});
    if (cohorts.empty()) rules.fail("cohorts", "must list at least one cohort");
    double share_sum = 0.0;
    std::set<std::string> names;
    std::int64_t agent_total = 0;
    int liquidity = 0, arbitrageur = 0;
    for (std::size_t i = 0; i < cohorts.size(); ++i) {
        const auto& c = cohorts[i];
        const auto path = fmt::format("cohorts[{}]", i);
        if (!names.insert(c.name).second) rules.fail(path + ".name", "duplicate cohort name '" + c.name + "'");
        rules.require(path + ".share", c.share, {in_closed(0.0, 1.0)});
        share_sum += c.share;
        rules.require(path + ".vesting.tge", c.vesting.tge, {in_closed(0.0, 1.0)});
        if (c.vesting.release == Release::Stepped && c.vesting.months % c.vesting.step_months != 0)
            rules.fail(path + ".vesting.months",
                       fmt::format("must be a multiple of step_months ({}), got {}", c.vesting.step_months, c.vesting.months));
        if (c.role == Role::Holders) agent_total += c.agents;
        liquidity += c.role == Role::Liquidity ? 1 : 0;
        arbitrageur += c.role == Role::Arbitrageur ? 1 : 0;
        check_traits(rules, path + ".traits", c.traits);
        const auto weights = path + ".allocation_weights";
        if (c.allocation_weights.kind == Distribution::Kind::Constant)
            rules.require(weights, c.allocation_weights.a, {positive(), at_most(1e299)});
        else if (c.role != Role::Holders)
            rules.fail(weights, "only a cohort with role holders splits its allocation among agents");
        else
            check_distribution(rules, weights, c.allocation_weights, {0.0, kUnbounded});
    }
    if (!cohorts.empty() && std::abs(share_sum - 1.0) > 1e-9)
        rules.fail("cohorts", fmt::format("shares must sum to 100%, got {:.10g}%", share_sum * 100.0));
    if (agent_total > 1'000'000) rules.fail("cohorts", fmt::format("at most 1000000 holder agents in total, got {}", agent_total));
    if (liquidity > 1) rules.fail("cohorts", "at most one cohort with role liquidity");
    if (arbitrageur > 1) rules.fail("cohorts", "at most one cohort with role arbitrageur");
    rules.require("demand.arrivals_per_month", demand.arrivals_per_month, {in_closed(0.0, 1e6)});
    rules.require("demand.growth_per_month", demand.growth_per_month, {in_closed(-1.0, 1.0)});
    check_distribution(rules, "demand.budget", demand.budget, {0.0, kUnbounded});
    check_traits(rules, "demand.traits", demand.traits);
    switch (price.model) {
    case PriceModel::Constant: rules.require("price.price", price.price, {positive()}); break;
    case PriceModel::BondingCurve:
        rules.require("price.k", price.k, {positive()});
        rules.require("price.n", price.n, {at_least(0.0), at_most(10.0)});
        rules.require("price.initial_curve_supply", price.initial_curve_supply, {non_negative()});
        if (liquidity == 0) rules.fail("cohorts", "the bonding curve sells the liquidity cohort's tokens: add a cohort with role liquidity");
        break;
    case PriceModel::EquationOfExchange:
        rules.require("price.demand_per_year", price.demand_per_year, {positive()});
        rules.require("price.velocity", price.velocity, {non_negative()});
        rules.require("price.holding_months", price.holding_months, {non_negative()});
        if (price.velocity == 0.0 && price.holding_months == 0.0)
            rules.fail("price.velocity", "give velocity > 0 or holding_months > 0 (V = 12 / holding_months)");
        break;
    case PriceModel::Issuance:
        rules.require("price.price", price.price, {positive()});
        rules.require("price.max_supply", price.max_supply, {positive()});
        rules.finite("price.alpha", price.alpha);
        break;
    case PriceModel::Pool:
        if (liquidity == 0) rules.fail("cohorts", "the pool's token reserve comes from the liquidity cohort: add a cohort with role liquidity");
        break;
    }
    if (arbitrage.enabled) {
        if (price.model != PriceModel::Pool) rules.fail("arbitrage", "needs price.model: pool");
        if ((arbitrage.path == Arbitrage::Path::Dcf || arbitrage.path == Arbitrage::Path::FairValuePaths) &&
            !project.enabled)
            rules.fail("arbitrage.reference_path", std::string(arbitrage.path == Arbitrage::Path::Dcf ? "dcf" : "fair_value_paths") +
                                                       " needs a project: section naming the token");
        if (arbitrageur == 0) rules.fail("arbitrage", "needs a cohort with role arbitrageur (its token inventory)");
        if (arbitrage.path == Arbitrage::Path::Csv && arbitrage.csv_prices.size() < static_cast<std::size_t>(months) + 1)
            rules.fail("arbitrage.csv", fmt::format("must give a price for every month 0 to {}, got {}", months,
                                                    arbitrage.csv_prices.size()));
        rules.finite("arbitrage.drift", arbitrage.drift);
        rules.require("arbitrage.volatility", arbitrage.volatility, {in_closed(0.0, 5.0)});
        rules.require("arbitrage.reference", arbitrage.reference, {non_negative()});
    }
    if (project.enabled) {
        rules.require("project.sell_when_blocked", project.sell_when_blocked, {in_closed(0.0, 1.0)});
        rules.require("project.sell_below_covenant", project.sell_below_covenant, {in_closed(0.0, 1.0)});
        rules.require("project.sell_on_default", project.sell_on_default, {in_closed(0.0, 1.0)});
        rules.require("project.demand_cut_when_blocked", project.demand_cut_when_blocked, {in_closed(0.0, 1.0)});
        rules.require("project.demand_cut_below_covenant", project.demand_cut_below_covenant, {in_closed(0.0, 1.0)});
        rules.require("project.demand_cut_on_default", project.demand_cut_on_default, {in_closed(0.0, 1.0)});
        rules.require("project.demand_on_distribution", project.demand_on_distribution, {in_closed(0.0, 100.0)});
    }
    rules.require("staking.capacity", staking.capacity, {in_closed(0.0, 1.0)});
    rules.require("staking.base_apy", staking.base_apy, {in_closed(0.0, 10.0)});
    rules.require("treasury.fee", treasury.fee, {in_closed(0.0, 0.5)});
    rules.require("treasury.hold", treasury.hold, {in_closed(0.0, 1.0)});
    rules.require("treasury.liquidity", treasury.liquidity, {in_closed(0.0, 1.0)});
    rules.require("treasury.buyback", treasury.buyback, {in_closed(0.0, 1.0)});
    if (std::abs(treasury.hold + treasury.liquidity + treasury.buyback - 1.0) > 1e-9)
        rules.fail("treasury", fmt::format("hold + liquidity + buyback must sum to 1, got {}",
                                           validation::number_text(treasury.hold + treasury.liquidity + treasury.buyback)));
    rules.require("treasury.monthly_spend", treasury.monthly_spend, {non_negative()});
    rules.throw_if_failed(name.empty() ? "spec" : name);
}

Spec load_spec(const std::filesystem::path& path) { return yaml::read_document_file(path, read_spec); }

Spec parse_spec(std::string_view yaml_text, const std::string& source, const std::filesystem::path& base_dir) {
    return yaml::read_document(yaml_text, source, read_spec, "", base_dir);
}

std::vector<std::int64_t> largest_remainder(std::int64_t total, const std::vector<long double>& quotas) {
    std::vector<std::int64_t> out(quotas.size());
    if (out.empty()) return out;
    std::vector<long double> remainder(quotas.size());
    std::int64_t assigned = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<std::int64_t>(std::floor(quotas[i]));
        remainder[i] = quotas[i] - static_cast<long double>(out[i]);
        assigned += out[i];
    }
    std::vector<std::size_t> order(out.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
    // Quotas sum to the total within rounding (cohort shares: within 1e-9): the floors leave
    // fewer units than quotas, or overshoot by rounding; both are settled one unit at a time.
    for (std::size_t k = 0; assigned < total; k = (k + 1) % order.size(), ++assigned) ++out[order[k]];
    for (std::size_t k = order.size(); assigned > total; --assigned) {
        k = (k == 0 ? order.size() : k) - 1;
        if (out[order[k]] > 0) --out[order[k]];
        else ++assigned;
    }
    return out;
}

std::vector<std::int64_t> allocations(const Spec& spec) {
    std::vector<long double> quotas(spec.cohorts.size());
    for (std::size_t i = 0; i < quotas.size(); ++i)
        quotas[i] = static_cast<long double>(spec.total_supply_units) * static_cast<long double>(spec.cohorts[i].share);
    return largest_remainder(spec.total_supply_units, quotas);
}

std::int64_t split_part(std::int64_t total, std::int64_t parts, std::int64_t index) noexcept {
    return total / parts + (index < total % parts ? 1 : 0);
}

std::vector<std::int64_t> vesting_schedule(std::int64_t allocation, const Vesting& v, int months) {
    __extension__ typedef __int128 i128;
    std::vector<std::int64_t> cumulative(static_cast<std::size_t>(months) + 1, 0);
    const auto tge = static_cast<std::int64_t>(
        std::floor(static_cast<long double>(allocation) * static_cast<long double>(v.tge)));
    const std::int64_t rest = allocation - tge;
    const int step = v.release == Release::Stepped ? v.step_months : 1;
    const int releases = v.months == 0 ? 1 : v.months / step;
    for (int t = 0; t <= months; ++t) {
        // Releases j = 1..J fall at cliff + j * step (months = 0: all of it at the cliff).
        int done = 0;
        if (v.months == 0) done = t >= v.cliff_months && (t > 0 || v.cliff_months == 0) ? 1 : 0;
        else if (t > v.cliff_months) done = std::min(releases, (t - v.cliff_months) / step);
        const auto released = static_cast<std::int64_t>(static_cast<i128>(rest) * done / releases);
        cumulative[static_cast<std::size_t>(t)] = tge + released;
    }
    return cumulative;
}

}  // namespace pftoken::integration::abm
