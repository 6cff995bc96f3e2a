// YAML reader of the `stochastic:` project section: strict keys, typed values, field paths.
#include "pftoken/mc/stochastic_yaml.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "pftoken/error.hpp"

namespace pftoken::mc {
namespace {

std::string where(const std::string& source, const YAML::Mark& mark) {
    if (mark.line < 0) return source + ": ";
    return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": ";
}

/// Reads one mapping; every key must be asked for, or finish() rejects it.
class Block {
  public:
    Block(const std::string& source, const YAML::Node& node, std::string path)
        : source_(source), node_(node), path_(std::move(path)) {
        if (!node.IsMap()) fail(node, path_, "must be a mapping of keys");
    }
    [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& what) const {
        throw InputError(where(source_, n.Mark()) + path, what);
    }
    YAML::Node get(const std::string& key) {
        known_.push_back(key);
        return node_[key];
    }
    void number(const std::string& key, double& out) {
        const YAML::Node n = get(key);
        if (!n) return;
        const std::string path = path_ + "." + key;
        try {
            if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "");
            out = n.as<double>();
        } catch (const YAML::Exception&) {
            fail(n, path, "must be a number");
        }
    }
    void boolean(const std::string& key, bool& out) {
        const YAML::Node n = get(key);
        if (!n) return;
        try {
            out = n.as<bool>();
        } catch (const YAML::Exception&) {
            fail(n, path_ + "." + key, "must be true or false");
        }
    }
    template <class E>
    void word(const std::string& key, E& out, std::initializer_list<std::pair<const char*, E>> words) {
        const YAML::Node n = get(key);
        if (!n) return;
        std::string allowed;
        for (const auto& [w, v] : words) {
            if (n.IsScalar() && n.Scalar() == w) {
                out = v;
                return;
            }
            allowed += (allowed.empty() ? "" : ", ") + std::string(w);
        }
        fail(n, path_ + "." + key, "must be one of " + allowed + "; got '" + (n.IsScalar() ? n.Scalar() : "?") + "'");
    }
    void finish() const {
        for (auto it = node_.begin(); it != node_.end(); ++it) {
            const std::string key = it->first.Scalar();
            if (std::find(known_.begin(), known_.end(), key) == known_.end())
                throw InputError(where(source_, it->first.Mark()) + path_ + "." + key, "unknown key");
        }
    }
    const std::string& source() const { return source_; }

  private:
    const std::string& source_;
    YAML::Node node_;
    std::string path_;
    std::vector<std::string> known_;
};

StochasticSpec read(const YAML::Node& root, const std::string& source) {
    StochasticSpec s;
    if (!root.IsMap()) return s;
    const YAML::Node node = root["stochastic"];
    if (!node || node.IsNull()) return s;
    Block top(source, node, "stochastic");
    if (YAML::Node n = top.get("merchant_price")) {
        Block b(source, n, "stochastic.merchant_price");
        auto& f = s.merchant_price;
        f.enabled = true;
        b.boolean("enabled", f.enabled);
        b.word("model", f.model, {{"gbm", MerchantPriceFactor::Model::Gbm}, {"ou", MerchantPriceFactor::Model::OrnsteinUhlenbeck}});
        b.number("drift", f.drift);
        b.number("volatility", f.volatility);
        b.number("speed", f.speed);
        b.number("long_run_level", f.long_run_level);
        b.finish();
    }
    if (YAML::Node n = top.get("volume")) {
        Block b(source, n, "stochastic.volume");
        auto& f = s.volume;
        f.enabled = true;
        b.boolean("enabled", f.enabled);
        b.word("distribution", f.distribution,
               {{"lognormal", VolumeFactor::Distribution::Lognormal}, {"normal", VolumeFactor::Distribution::Normal}});
        b.number("volatility", f.volatility);
        b.number("p90_over_p50", f.p90_over_p50);
        b.finish();
    }
    if (YAML::Node n = top.get("availability")) {
        Block b(source, n, "stochastic.availability");
        auto& f = s.availability;
        f.enabled = true;
        b.boolean("enabled", f.enabled);
        b.number("probability", f.probability);
        b.number("loss_fraction", f.loss_fraction);
        b.finish();
    }
    if (YAML::Node n = top.get("opex_inflation")) {
        Block b(source, n, "stochastic.opex_inflation");
        auto& f = s.opex_inflation;
        f.enabled = true;
        b.boolean("enabled", f.enabled);
        b.number("drift", f.drift);
        b.number("volatility", f.volatility);
        b.finish();
    }
    if (YAML::Node n = top.get("interest_rate")) {
        Block b(source, n, "stochastic.interest_rate");
        auto& f = s.interest_rate;
        f.enabled = true;
        b.boolean("enabled", f.enabled);
        b.word("model", f.model,
               {{"hull_white", InterestRateFactor::Model::HullWhite}, {"vasicek", InterestRateFactor::Model::Vasicek}});
        b.number("speed", f.speed);
        b.number("volatility", f.volatility);
        b.number("long_run_rate", f.long_run_rate);
        b.number("initial_rate", f.initial_rate);
        b.boolean("pathwise_discounting", f.pathwise_discounting);
        b.finish();
    }
    if (YAML::Node n = top.get("construction")) {
        Block b(source, n, "stochastic.construction");
        auto& f = s.construction;
        f.enabled = true;
        b.boolean("enabled", f.enabled);
        b.number("delay_median_months", f.delay_median_months);
        b.number("delay_sigma", f.delay_sigma);
        b.number("median_overrun", f.median_overrun);
        b.number("overrun_sigma", f.overrun_sigma);
        b.finish();
    }
    if (YAML::Node n = top.get("correlation_factors")) {
        if (!n.IsSequence()) top.fail(n, "stochastic.correlation_factors", "must be a list of factor names");
        for (std::size_t i = 0; i < n.size(); ++i) {
            if (!n[i].IsScalar())
                top.fail(n[i], "stochastic.correlation_factors[" + std::to_string(i) + "]", "must be a factor name");
            s.correlation_factors.push_back(n[i].Scalar());
        }
    }
    if (YAML::Node n = top.get("correlation")) {
        if (!n.IsSequence()) top.fail(n, "stochastic.correlation", "must be a list of rows");
        for (std::size_t i = 0; i < n.size(); ++i) {
            const std::string row_path = "stochastic.correlation[" + std::to_string(i) + "]";
            if (!n[i].IsSequence()) top.fail(n[i], row_path, "must be a list of numbers");
            s.correlation.emplace_back();
            for (std::size_t j = 0; j < n[i].size(); ++j) {
                try {
                    s.correlation.back().push_back(n[i][j].as<double>());
                } catch (const YAML::Exception&) {
                    top.fail(n[i][j], row_path + "[" + std::to_string(j) + "]", "must be a number");
                }
            }
        }
    }
    top.finish();
    try {
        s.validate();
    } catch (const InputError& e) {
        // Point at the section: the field path in the message says which entry.
        throw InputError(where(source, node.Mark()) + e.field(),
                         std::string(e.what()).substr(e.field().size() + 2));
    }
    return s;
}

}  // namespace

StochasticSpec parse_stochastic(std::string_view yaml_text, const std::string& source_name) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml_text));
    } catch (const YAML::ParserException& e) {
        throw InputError(where(source_name, e.mark) + "stochastic", "YAML syntax error: " + e.msg);
    }
    return read(root, source_name);
}

StochasticSpec load_stochastic(const std::filesystem::path& project_yaml) {
    std::ifstream in(project_yaml, std::ios::binary);
    if (!in) throw InputError(project_yaml.string(), "cannot open the project file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_stochastic(text.str(), project_yaml.string());
}

}  // namespace pftoken::mc
