// YAML reader of the `stochastic:` project section: strict keys, typed values, field paths.
#include "pftoken/mc/stochastic_yaml.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "pftoken/error.hpp"
#include "pftoken/model/loader.hpp"
#include "../model/yaml_reader.hpp"

namespace pftoken::mc {
namespace {

using namespace yaml_reader;

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
    });
    top.strings("correlation_factors", s.correlation_factors);
    for_each_element(ctx, top, "correlation", false, [&](const YAML::Node& row, const std::string& path, std::size_t) {
        s.correlation.emplace_back();
        top.read_numbers(row, path, s.correlation.back());
    });
    top.finish();
    return s;
}

StochasticSpec parse(std::string_view yaml_text, const std::string& source_name) {
    Context ctx;
    ctx.source = source_name;
    StochasticSpec s = read(ctx, load_yaml(ctx, yaml_text, "stochastic"));
    if (!ctx.issues.empty()) throw_issues(source_name, std::move(ctx.issues));
    try {
        s.validate();
    } catch (const InputError& e) {
        // Point at the entry the field path names (or its nearest parent in the file).
        const std::string constraint = std::string(e.what()).substr(e.field().size() + 2);
        throw ProjectInputError(source_name, {InputIssue{ctx.location(ctx.mark_of(e.field())), e.field(), constraint}});
    }
    return s;
}

}  // namespace

StochasticSpec parse_stochastic(std::string_view yaml_text, const std::string& source_name) {
    return parse(yaml_text, source_name);
}

StochasticSpec load_stochastic(const std::filesystem::path& project_yaml) {
    std::ifstream in(project_yaml, std::ios::binary);
    if (!in) throw InputError(project_yaml.string(), "cannot open the project file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_stochastic(text.str(), project_yaml.string());
}

}  // namespace pftoken::mc
