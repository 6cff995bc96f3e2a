// `pftoken range-opt` spec: YAML -> RangeOptSpec, with field-path error messages.
#include "pftoken/integration/range_opt_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>

#include "pftoken/error.hpp"

namespace pftoken::integration {
namespace {

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
            return "null";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a mapping";
        case YAML::NodeType::Scalar:
            return "'" + node.Scalar() + "'";
        default:
            return "nothing";
    }
}

/// Typed access to one YAML mapping at `path`; rejects keys that are not read (typos).
class MapReader {
  public:
    MapReader(const YAML::Node& node, std::string path) : node_(node), path_(std::move(path)) {
        if (!node_.IsMap()) throw InputError(path_, "must be a mapping, got " + describe(node_));
    }

    void allowOnly(std::initializer_list<const char*> keys) const {
        for (const auto& entry : node_) {
            const std::string key = entry.first.as<std::string>();
            const bool known =
                std::any_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; });
            if (!known) {
                std::string list;
                for (const char* k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
                throw InputError(field(key), "unknown field (expected one of: " + list + ")");
            }
        }
    }

    [[nodiscard]] bool has(const std::string& key) const { return static_cast<bool>(node_[key]); }
    [[nodiscard]] std::string field(const std::string& key) const { return path_ + "." + key; }
    [[nodiscard]] YAML::Node node(const std::string& key) const { return node_[key]; }

    [[nodiscard]] double number(const std::string& key, double fallback,
                                bool required = false) const {
        const YAML::Node n = node_[key];
        if (!n) {
            if (required) throw InputError(field(key), "is required");
            return fallback;
        }
        return asNumber(n, field(key));
    }

    [[nodiscard]] long long integer(const std::string& key, long long fallback,
                                    bool required = false) const {
        const YAML::Node n = node_[key];
        if (!n) {
            if (required) throw InputError(field(key), "is required");
            return fallback;
        }
        const double v = asNumber(n, field(key));
        if (v != std::floor(v) || std::abs(v) > 9.0e15) {
            throw InputError(field(key), "must be an integer, got " + describe(n));
        }
        return static_cast<long long>(v);
    }

    [[nodiscard]] std::string text(const std::string& key, const std::string& fallback) const {
        const YAML::Node n = node_[key];
        if (!n) return fallback;
        if (!n.IsScalar()) throw InputError(field(key), "must be a word, got " + describe(n));
        return n.Scalar();
    }

    static double asNumber(const YAML::Node& n, const std::string& field) {
        if (!n.IsScalar()) throw InputError(field, "must be a number, got " + describe(n));
        const std::string& s = n.Scalar();
        std::size_t used = 0;
        double v = 0.0;
        try {
            v = std::stod(s, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != s.size() || !std::isfinite(v)) {
            throw InputError(field, "must be a finite number, got " + describe(n));
        }
        return v;
    }

  private:
    YAML::Node node_;
    std::string path_;
};

std::size_t toCount(long long v, const std::string& field, long long lo, long long hi) {
    if (v < lo || v > hi) {
        throw InputError(field, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                    "], got " + std::to_string(v));
    }
    return static_cast<std::size_t>(v);
}

void requirePositive(double v, const std::string& field) {
    if (!(v > 0.0)) {
        std::ostringstream m;
        m << "must be > 0, got " << v;
        throw InputError(field, m.str());
    }
}

}  // namespace

RangeOptSpec parseRangeOptSpec(std::string_view yamlText, const std::string& sourceName) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yamlText));
    } catch (const YAML::Exception& e) {
        std::ostringstream m;
        m << "YAML syntax error at line " << e.mark.line + 1 << ", column " << e.mark.column + 1
          << ": " << e.msg;
        throw InputError(sourceName, m.str());
    }
    if (!root || !root.IsMap()) throw InputError(sourceName, "must be a YAML mapping of sections");
    const MapReader top(root, "spec");
    top.allowOnly({"scenario", "pool", "volume", "lp", "rebalance", "risk", "grid", "threads"});
    for (const char* section : {"scenario", "pool", "volume", "lp"}) {
        if (!top.has(section)) throw InputError(section, "section is required");
    }

    RangeOptSpec spec;
    RangeOptOptions& o = spec.options;

    // scenario
    const MapReader sc(root["scenario"], "scenario");
    const std::string model = sc.text("model", "gbm");
    double initialPrice = 0.0;
    if (model == "gbm") {
        sc.allowOnly({"model", "initial_price", "drift", "volatility", "horizon_years", "steps",
                      "paths", "seed"});
        spec.model = RangeOptSpec::Model::Gbm;
        GbmScenario& g = spec.gbm;
        g.initialPrice = sc.number("initial_price", 0.0, true);
        g.drift = sc.number("drift", 0.0);
        g.volatility = sc.number("volatility", 0.0, true);
        g.horizonYears = sc.number("horizon_years", 1.0);
        g.steps = toCount(sc.integer("steps", 365), sc.field("steps"), 1, 100000);
        g.paths = toCount(sc.integer("paths", 1000), sc.field("paths"), 1, 10000000);
        const long long seed = sc.integer("seed", 1);
        if (seed < 0)
            throw InputError(sc.field("seed"), "must be >= 0, got " + std::to_string(seed));
        g.seed = static_cast<std::uint64_t>(seed);
        g.validate();
        o.lvrVolatility = g.volatility;
        initialPrice = g.initialPrice;
    } else if (model == "paths") {
        sc.allowOnly({"model", "horizon_years", "volatility", "prices"});
        spec.model = RangeOptSpec::Model::Paths;
        PricePaths& p = spec.suppliedPaths;
        p.horizonYears = sc.number("horizon_years", 0.0, true);
        requirePositive(p.horizonYears, sc.field("horizon_years"));
        o.lvrVolatility = sc.number("volatility", -1.0);
        if (sc.has("volatility") && o.lvrVolatility < 0.0) {
            std::ostringstream m;
            m << "must be >= 0 (omit it to use the realised volatility), got " << o.lvrVolatility;
            throw InputError(sc.field("volatility"), m.str());
        }
        const YAML::Node rows = sc.node("prices");
        if (!rows) throw InputError(sc.field("prices"), "is required");
        if (!rows.IsSequence() || rows.size() == 0) {
            throw InputError(sc.field("prices"),
                             "must be a non-empty list of price lists, got " + describe(rows));
        }
        p.pathCount = rows.size();
        for (std::size_t r = 0; r < rows.size(); ++r) {
            const std::string rowField = sc.field("prices") + "[" + std::to_string(r) + "]";
            const YAML::Node row = rows[r];
            if (!row.IsSequence() || row.size() < 2) {
                throw InputError(rowField,
                                 "must be a list of at least 2 prices, got " + describe(row));
            }
            if (r == 0) p.steps = row.size() - 1;
            if (row.size() != p.steps + 1) {
                throw InputError(rowField, "must have " + std::to_string(p.steps + 1) +
                                               " prices like the first path, got " +
                                               std::to_string(row.size()));
            }
            for (std::size_t t = 0; t < row.size(); ++t) {
                p.prices.push_back(
                    MapReader::asNumber(row[t], rowField + "[" + std::to_string(t) + "]"));
            }
        }
        p.validate(sc.field("prices"));
        initialPrice = p.at(0, 0);
    } else {
        throw InputError(sc.field("model"), "must be one of gbm, paths, got '" + model + "'");
    }

    // pool
    const MapReader pool(root["pool"], "pool");
    pool.allowOnly({"fee_tier", "active_liquidity", "tvl", "protocol_fee_share"});
    o.feeTier =
        static_cast<int>(std::clamp<long long>(pool.integer("fee_tier", 0, true), -1, 1000000));
    (void)tickSpacingForFeeTier(o.feeTier, pool.field("fee_tier"));
    if (pool.has("active_liquidity") == pool.has("tvl")) {
        throw InputError("pool", "give exactly one of active_liquidity, tvl");
    }
    if (pool.has("tvl")) {
        spec.poolTvl = pool.number("tvl", 0.0);
        requirePositive(spec.poolTvl, pool.field("tvl"));
        // A full-range pool of liquidity L holds 2 L sqrt(P) of value (whitepaper eq. 6.29/6.30).
        o.poolLiquidity = spec.poolTvl / (2.0 * std::sqrt(initialPrice));
    } else {
        o.poolLiquidity = pool.number("active_liquidity", 0.0);
    }
    o.protocolFeeShare = pool.number("protocol_fee_share", 0.0);

    // volume
    const MapReader vol(root["volume"], "volume");
    vol.allowOnly({"daily", "tvl_multiple"});
    if (vol.has("daily") == vol.has("tvl_multiple")) {
        throw InputError("volume", "give exactly one of daily, tvl_multiple");
    }
    if (vol.has("tvl_multiple")) {
        spec.volumeTvlMultiple = vol.number("tvl_multiple", 0.0);
        requirePositive(spec.volumeTvlMultiple, vol.field("tvl_multiple"));
        o.dailyVolume = spec.volumeTvlMultiple * 2.0 * o.poolLiquidity * std::sqrt(initialPrice);
    } else {
        o.dailyVolume = vol.number("daily", 0.0);
    }

    // lp
    const MapReader lp(root["lp"], "lp");
    lp.allowOnly({"capital"});
    o.capital = lp.number("capital", 0.0, true);

    // rebalance
    if (top.has("rebalance")) {
        const MapReader rb(root["rebalance"], "rebalance");
        rb.allowOnly({"trigger", "gas_cost", "swap_cost_fraction"});
        const std::string trigger = rb.text("trigger", "on_exit");
        if (trigger != "none" && trigger != "on_exit") {
            throw InputError(rb.field("trigger"),
                             "must be one of none, on_exit, got '" + trigger + "'");
        }
        o.rebalanceOnExit = trigger == "on_exit";
        o.gasCostPerRebalance = rb.number("gas_cost", 0.0);
        o.swapCostFraction = rb.number("swap_cost_fraction", 0.0);
    }

    // risk
    if (top.has("risk")) {
        const MapReader risk(root["risk"], "risk");
        risk.allowOnly({"lambda", "cvar_level"});
        o.riskAversion = risk.number("lambda", 0.0);
        o.cvarLevel = risk.number("cvar_level", 0.95);
    }

    // grid
    if (top.has("grid")) {
        const MapReader grid(root["grid"], "grid");
        grid.allowOnly({"tick_count", "step_spacings", "coverage_sigmas", "refine"});
        o.tickCount = toCount(grid.integer("tick_count", 200), grid.field("tick_count"), 2, 4000);
        if (grid.has("step_spacings") && grid.text("step_spacings", "") == "auto") {
            o.gridStepSpacings = 0;
        } else {
            o.gridStepSpacings = static_cast<int>(
                toCount(grid.integer("step_spacings", 0), grid.field("step_spacings"), 0, 100000));
        }
        o.coverageSigmas = grid.number("coverage_sigmas", 3.0);
        const std::string refine = grid.text("refine", "false");
        if (refine != "true" && refine != "false") {
            throw InputError(grid.field("refine"), "must be true or false, got '" + refine + "'");
        }
        o.refineGrid = refine == "true";
    }
    if (top.has("threads")) {
        o.threads = toCount(MapReader(root, "spec").integer("threads", 0), "threads", 0, 1024);
    }
    o.validate();
    return spec;
}

RangeOptSpec loadRangeOptSpec(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "cannot open the spec file");
    std::ostringstream text;
    text << in.rdbuf();
    return parseRangeOptSpec(text.str(), path);
}

PricePaths scenarioPaths(const RangeOptSpec& spec) {
    if (spec.model == RangeOptSpec::Model::Paths) return spec.suppliedPaths;
    return simulateGbmPaths(spec.gbm, static_cast<unsigned>(spec.options.threads));
}

}  // namespace pftoken::integration
