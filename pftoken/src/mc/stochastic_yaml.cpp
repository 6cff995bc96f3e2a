// YAML reader of the `stochastic:` project section: strict keys, typed values, field paths.
#include "pftoken/mc/stochastic_yaml.hpp"

#include <vector>

#include "pftoken/base/validate.hpp"
#include "pftoken/base/yaml.hpp"
#include "pftoken/error.hpp"

namespace pftoken::mc {
namespace {

using namespace yaml;
using namespace validation;

/// Reads one factor block: `enabled` defaults to true when the block is present.
template <class Fill>
void factor(Context& ctx, Reader& top, const std::string& key, bool& enabled, Fill fill) {
    const auto* n = top.child(key);
    if (!n) return;
    Reader b(ctx, *n, "stochastic." + key);
    if (!b.ok()) return;
    enabled = true;
    b.boolean("enabled", enabled);
    fill(b);
    b.finish();
}

StochasticSpec read(Context& ctx, const YAML::Node& root) {
    StochasticSpec s;
    if (!root.IsMap()) return s;
    const YAML::Node node = root["stochastic"];
    if (!node || node.IsNull()) return s;
    Reader top(ctx, node, "stochastic");
    if (!top.ok()) return s;
    factor(ctx, top, "merchant_price", s.merchant_price.enabled, [&](Reader& b) {
        auto& f = s.merchant_price;
        b.enumeration("model", f.model, {{"gbm", MerchantPriceFactor::Model::Gbm}, {"ou", MerchantPriceFactor::Model::OrnsteinUhlenbeck}});
        b.number("drift", f.drift);
        b.number("volatility", f.volatility);
        b.number("speed", f.speed);
        b.number("long_run_level", f.long_run_level);
    });
    factor(ctx, top, "volume", s.volume.enabled, [&](Reader& b) {
        auto& f = s.volume;
        b.enumeration("distribution", f.distribution,
                      {{"lognormal", VolumeFactor::Distribution::Lognormal}, {"normal", VolumeFactor::Distribution::Normal}});
        b.number("volatility", f.volatility);
        b.number("p90_over_p50", f.p90_over_p50);
    });
    factor(ctx, top, "availability", s.availability.enabled, [&](Reader& b) {
        b.number("probability", s.availability.probability);
        b.number("loss_fraction", s.availability.loss_fraction);
    });
    factor(ctx, top, "opex_inflation", s.opex_inflation.enabled, [&](Reader& b) {
        b.number("drift", s.opex_inflation.drift);
        b.number("volatility", s.opex_inflation.volatility);
    });
    factor(ctx, top, "interest_rate", s.interest_rate.enabled, [&](Reader& b) {
        auto& f = s.interest_rate;
        b.enumeration("model", f.model,
                      {{"hull_white", InterestRateFactor::Model::HullWhite}, {"vasicek", InterestRateFactor::Model::Vasicek}});
        b.number("speed", f.speed);
        b.number("volatility", f.volatility);
        b.number("long_run_rate", f.long_run_rate);
        b.number("initial_rate", f.initial_rate);
        b.boolean("pathwise_discounting", f.pathwise_discounting);
    });
    factor(ctx, top, "construction", s.construction.enabled, [&](Reader& b) {
        auto& f = s.construction;
        b.number("delay_median_months", f.delay_median_months);
        b.number("delay_sigma", f.delay_sigma);
        b.number("median_overrun", f.median_overrun);
        b.number("overrun_sigma", f.overrun_sigma);
        if (const auto* n = b.child("delay_distribution")) {
            Reader d(ctx, *n, "stochastic.construction.delay_distribution");
            if (d.ok()) {
                d.numbers("months", f.delay_months_values);
                d.numbers("probabilities", f.delay_probabilities);
                d.finish();
            }
        }
    });
    top.strings("correlation_factors", s.correlation_factors);
    for_each_element(ctx, top, "correlation", false, [&](const YAML::Node& row, const std::string& path, std::size_t) {
        s.correlation.emplace_back();
        top.read_numbers(row, path, s.correlation.back());
    });
    top.finish();
    return s;
}

/// Bounds on the factor parameters, checked where they are read so that an absurd value is an
/// input error naming its field instead of an overflow or NaN inside the simulation
/// (docs/input-schema.md lists them). Per-year figures are decimals (0.05 = 5%).
void check_bounds(const StochasticSpec& s, Rules& rules) {
    const std::string at = "stochastic.";
    if (s.merchant_price.enabled) {
        const auto& f = s.merchant_price;
        rules.require(at + "merchant_price.drift", f.drift, {magnitude_at_most(1.0)});
        rules.require(at + "merchant_price.volatility", f.volatility, {non_negative(), at_most(5.0)});
        rules.require(at + "merchant_price.speed", f.speed, {at_most(100.0)});
        rules.require(at + "merchant_price.long_run_level", f.long_run_level, {at_most(1e12)});
    }
    if (s.volume.enabled) rules.require(at + "volume.volatility", s.volume.volatility, {non_negative(), at_most(5.0)});
    if (s.opex_inflation.enabled) {
        rules.require(at + "opex_inflation.drift", s.opex_inflation.drift, {magnitude_at_most(1.0)});
        rules.require(at + "opex_inflation.volatility", s.opex_inflation.volatility, {non_negative(), at_most(5.0)});
    }
    if (s.interest_rate.enabled) {
        rules.require(at + "interest_rate.speed", s.interest_rate.speed, {at_most(100.0)});
        rules.require(at + "interest_rate.volatility", s.interest_rate.volatility, {non_negative(), at_most(1.0)});
    }
    if (s.construction.enabled) {
        const auto& f = s.construction;
        rules.require(at + "construction.delay_median_months", f.delay_median_months, {non_negative(), at_most(120.0)});
        rules.require(at + "construction.delay_sigma", f.delay_sigma, {non_negative(), at_most(2.0)});
        rules.require(at + "construction.median_overrun", f.median_overrun, {above(-1.0), at_most(10.0)});
        rules.require(at + "construction.overrun_sigma", f.overrun_sigma, {non_negative(), at_most(2.0)});
    }
}

StochasticSpec read_checked(Context& ctx, const YAML::Node& root) {
    StochasticSpec s = read_stochastic_section(ctx, root);
    finish(ctx);
    return s;
}

}  // namespace

StochasticSpec read_stochastic_section(yaml::Context& ctx, const YAML::Node& root) {
    const std::size_t before = ctx.issues.size();
    StochasticSpec s = read(ctx, root);
    Rules rules;
    check_bounds(s, rules);
    ctx.place(rules.issues());
    if (ctx.issues.size() == before) {
        try {
            s.validate();
        } catch (const InputError& e) {
            ctx.place(e);  // at the entry the field path names (or its nearest parent in the file)
        }
    }
    return s;
}

StochasticSpec parse_stochastic(std::string_view yaml_text, const std::string& source_name) {
    Context ctx;
    ctx.source = source_name;
    return read_checked(ctx, load(ctx, yaml_text, "stochastic"));
}

StochasticSpec load_stochastic(const std::filesystem::path& project_yaml) {
    Context ctx;
    ctx.source = project_yaml.string();
    return read_checked(ctx, load_file(ctx, project_yaml, "stochastic"));
}

}  // namespace pftoken::mc
