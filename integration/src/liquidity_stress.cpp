// Liquidity stress: token sell-offs and LP withdrawals on v2/v3 pools (fast twins), compared
// with the stressed DCF value per token.
#include "pftoken/integration/liquidity_stress.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/constant_product_pool.hpp"
#include "pftoken/amm/fast/tick_math.hpp"
#include "pftoken/base/format.hpp"
#include "pftoken/base/table.hpp"
#include "pftoken/base/table_json.hpp"
#include "pftoken/base/validate.hpp"
#include "pftoken/base/yaml.hpp"
#include "pftoken/error.hpp"

namespace pftoken::integration {
namespace {

namespace fast = pftoken::amm::fast;
using amm::u128;
using stress::kNaN;
/// JSON numbers of this file: null when not finite (base/table_json.hpp).
constexpr auto* jnum = &json_number<nlohmann::json>;

// Bounds of a pool file (docs/stress.md): prices inside [1e-18, 1e18] quote per token (well
// within Uniswap v3's tick range [2.9e-39, 3.4e38], so every position maps to ticks and the exact
// models can mint it), amounts and deposit values at most 1e18 (so products of them stay finite).
constexpr double kMinPrice = 1e-18;
constexpr double kMaxPrice = 1e18;
constexpr double kMaxAmount = 1e18;

PoolSpec read_pool(yaml::Context& ctx, const YAML::Node& root, validation::Rules& rules) {
    using namespace validation;
    PoolSpec spec;
    yaml::Reader top(ctx, root, "");
    if (!top.ok()) return spec;
    const auto* node = top.child("pool", true);
    top.finish();
    if (!node) return spec;
    yaml::Reader p(ctx, *node, "pool");
    if (!p.ok()) return spec;
    p.string("name", spec.name);
    p.string("token", spec.token, true);
    if (p.has("token") && spec.token.empty() && p.child("token")->IsScalar())
        rules.fail("pool.token", "must not be empty (the project token symbol, token0)");
    p.string("quote", spec.quote);
    p.enumeration("type", spec.type, {{"v2", PoolSpec::Type::V2}, {"v3", PoolSpec::Type::V3}}, true);
    p.number("fee", spec.fee);
    rules.require("pool.fee", spec.fee, {in_half_open(0.0, 1.0)});
    if (const auto* d = p.child("observation_date")) {
        const auto date = format::parse_iso_date(d->IsScalar() ? d->Scalar() : std::string{});
        if (date)
            spec.observation_date = *date;
        else
            ctx.error(d->Mark(), "pool.observation_date", "must be a valid date YYYY-MM-DD, got " + yaml::describe(*d));
    }
    if (spec.type == PoolSpec::Type::V2) {
        p.number("reserve_token", spec.reserve_token, true);
        p.number("reserve_quote", spec.reserve_quote, true);
        rules.require("pool.reserve_token", spec.reserve_token, {positive(), at_most(kMaxAmount)});
        rules.require("pool.reserve_quote", spec.reserve_quote, {positive(), at_most(kMaxAmount)});
        if (rules.ok()) {
            const double price = spec.reserve_quote / spec.reserve_token;
            if (price < kMinPrice || price > kMaxPrice)
                rules.fail("pool.reserve_quote", fmt::format("reserve_quote / reserve_token (the pool price) must be in "
                                                             "[{}, {}], got {}", kMinPrice, kMaxPrice, price));
        }
        p.finish();  // price, tick_spacing, positions are v3 keys: reported as unknown here
        return spec;
    }
    p.number("price", spec.price, true);
    rules.require("pool.price", spec.price, {in_closed(kMinPrice, kMaxPrice)});
    p.integer("tick_spacing", spec.tick_spacing, false, 1.0, 16384.0);
    const auto* list = p.child("positions", true);
    if (list && list->IsSequence() && list->size() == 0)
        ctx.error(list->Mark(), "pool.positions", "must be a non-empty list of positions");
    yaml::for_each_element(ctx, p, "positions", false, [&](const YAML::Node& e, const std::string& path, std::size_t) {
        PoolPosition pos;
        yaml::Reader r(ctx, e, path);
        if (!r.ok()) return;
        r.number("lower_price", pos.lower_price, true);
        r.number("upper_price", pos.upper_price, true);
        r.number("value", pos.value, true);
        r.finish();
        const bool lower_ok = rules.require(path + ".lower_price", pos.lower_price, {in_closed(kMinPrice, kMaxPrice)});
        if (rules.require(path + ".upper_price", pos.upper_price, {in_closed(kMinPrice, kMaxPrice)}) && lower_ok &&
            !(pos.upper_price > pos.lower_price))
            rules.fail(path + ".upper_price",
                       fmt::format("must be > lower_price ({}), got {}", pos.lower_price, pos.upper_price));
        rules.require(path + ".value", pos.value, {positive(), at_most(kMaxAmount)});
        spec.positions.push_back(pos);
    });
    p.finish();
    return spec;
}

PoolSpec read_pool_checked(yaml::Context& ctx, const YAML::Node& root) {
    std::vector<InputIssue> issues;
    validation::Rules rules(issues);
    PoolSpec spec = read_pool(ctx, root, rules);
    ctx.place(std::move(issues));
    yaml::finish(ctx);
    return spec;
}

/// Quote value of one unit of v3 liquidity on [sa^2, sb^2] at sqrt price s (token0 valued at s^2).
double value_per_liquidity(double s, double sa, double sb) {
    if (s <= sa) return s * s * (1.0 / sa - 1.0 / sb);
    if (s >= sb) return sb - sa;
    return 2.0 * s - sa - s * s / sb;
}

/// A pool under stress: either twin behind one interface.
class StressPool {
  public:
    explicit StressPool(const PoolSpec& spec) : spec_(spec) {
        if (spec.type == PoolSpec::Type::V2) {
            v2_ = std::make_unique<fast::ConstantProductPool>(
                fast::ConstantProductOptions{spec.reserve_token, spec.reserve_quote, spec.fee});
            return;
        }
        fast::ConcentratedLiquidityOptions options;
        options.fee_pips = static_cast<std::uint32_t>(std::lround(spec.fee * 1e6));
        options.tick_spacing = spec.tick_spacing;
        options.sqrt_price = std::sqrt(spec.price);
        // Human units, real numbers: no smallest token unit, nothing refused as too thin
        // (docs/amm-fast-and-analytics.md, "Accepted input range").
        options.token0_unit = 0.0;
        options.token1_unit = 0.0;
        v3_ = std::make_unique<fast::ConcentratedLiquidityPool>(options);
        const int spacing = spec.tick_spacing;
        for (std::size_t i = 0; i < spec.positions.size(); ++i) {
            const auto& pos = spec.positions[i];
            // Widen to the tick grid: lower rounded down, upper rounded up.
            const int lower = static_cast<int>(
                std::floor(static_cast<double>(fast::tick_at_sqrt_price(std::sqrt(pos.lower_price))) / spacing) * spacing);
            int upper = static_cast<int>(
                std::ceil(static_cast<double>(fast::tick_at_sqrt_price(std::sqrt(pos.upper_price))) / spacing) * spacing);
            if (upper <= lower) upper = lower + spacing;
            const double per_l = value_per_liquidity(options.sqrt_price, fast::sqrt_price_at_tick(lower),
                                                     fast::sqrt_price_at_tick(upper));
            const double liquidity = pos.value / per_l;
            const std::string owner = fmt::format("lp{}", i);
            v3_->mint(owner, lower, upper, liquidity);
            ranges_.push_back({owner, lower, upper});
        }
    }

    [[nodiscard]] double price() const { return v2_ ? v2_->price() : v3_->price(); }

    /// Sells `tokens` (token0) for quote; returns (executed tokens, quote received).
    std::pair<double, double> sell(double tokens) {
        if (v2_) {
            const auto s = v2_->swap_exact_in(true, tokens);
            return {s.amount_in, s.amount_out};
        }
        const auto s = v3_->swap_exact_in(true, tokens);
        return {s.amount0, -s.amount1};
    }

    /// Withdraws `share` of every LP's liquidity; returns (tokens, quote) taken out.
    std::pair<double, double> withdraw(double share) {
        if (v2_) {
            const auto c = v2_->remove_liquidity(share * v2_->total_shares());
            return {c.amount0, c.amount1};
        }
        double tokens = 0.0, quote = 0.0;
        for (const auto& r : ranges_) {
            // The pool's own accounting: the position's integer 2^-32 units, of which `share` is
            // burned (all of them at share 1), so no double bookkeeping can drift from it.
            const auto held = v3_->position(r.owner, r.lower, r.upper);
            if (!held || held->liquidity_units == 0) continue;
            const u128 units = share_of_units(held->liquidity_units, share);
            const auto burned = burn_units(r, units);
            (void)v3_->collect(r.owner, r.lower, r.upper, burned.amount0, burned.amount1);
            tokens += burned.amount0;
            quote += burned.amount1;
        }
        return {tokens, quote};
    }

    /// Liquidity the pool holds after the shocks: v3 active liquidity units, v2 LP shares.
    [[nodiscard]] double liquidity() const {
        return v2_ ? v2_->total_shares() : static_cast<double>(v3_->liquidity_units()) * 0x1p-32;
    }
    /// v3: the liquidity of every position, in the pool's 2^-32 units (v2: empty).
    [[nodiscard]] std::vector<u128> position_units() const {
        std::vector<u128> out;
        if (v3_)
            for (const auto& r : ranges_) out.push_back(v3_->position(r.owner, r.lower, r.upper)->liquidity_units);
        return out;
    }

  private:
    struct Range {
        std::string owner;
        int lower, upper;
    };

    /// floor(share x units), never more than `units` (share 1: exactly `units`).
    static u128 share_of_units(u128 units, double share) {
        if (share >= 1.0) return units;
        const double wanted = std::floor(share * static_cast<double>(units));
        if (!(wanted > 0.0)) return 0;
        const auto taken = static_cast<u128>(wanted);
        return taken < units ? taken : units;
    }

    /// Burns exactly `units` of the position. The pool's burn takes a double it rounds to the
    /// nearest 2^-32 unit, exact only for up to 53 significant bits: a larger count is burned in
    /// parts of its top 53 bits (each a double the pool converts back exactly).
    fast::TokenAmounts burn_units(const Range& r, u128 units) {
        fast::TokenAmounts total{};
        while (units > 0) {
            int bits = 0;
            for (u128 v = units; v != 0; v >>= 1) ++bits;
            const int drop = std::max(0, bits - 53);
            const u128 part = (units >> drop) << drop;
            const double liquidity = std::ldexp(static_cast<double>(part >> drop), drop - 32);
            const auto burned = v3_->burn(r.owner, r.lower, r.upper, liquidity);
            total.amount0 += burned.amount0;
            total.amount1 += burned.amount1;
            units -= part;
        }
        return total;
    }

    PoolSpec spec_;
    // Heap-held: GCC 12 reports a false maybe-uninitialized on std::optional<pool> at -O1.
    std::unique_ptr<fast::ConstantProductPool> v2_;
    std::unique_ptr<fast::ConcentratedLiquidityPool> v3_;
    std::vector<Range> ranges_;
};

double token_supply(const Project& project, const std::string& symbol) {
    for (const auto& t : project.tranches)
        if (t.token.symbol == symbol) return t.token.supply;
    if (project.equity.token.symbol == symbol) return project.equity.token.supply;
    return kNaN;
}

double dcf_price(const stress::StressMetrics& m, const Project& project, const std::string& symbol) {
    for (const auto& t : m.tranches)
        if (t.symbol == symbol) return t.price_per_token;
    if (project.equity.token.symbol == symbol) return m.equity_price_per_token;
    return kNaN;
}

}  // namespace

PoolSpec parse_pool(std::string_view yaml_text, const std::string& source_name) {
    return yaml::read_document(yaml_text, source_name, read_pool_checked);
}

PoolSpec load_pool(const std::filesystem::path& path) {
    return yaml::read_document_file(path, read_pool_checked);
}

void check_pool_token(const PoolSpec& pool, const Project& project, const std::string& pool_source) {
    if (std::isfinite(token_supply(project, pool.token))) return;
    std::string tokens;
    for (const auto& t : project.tranches) tokens += (tokens.empty() ? "" : ", ") + t.token.symbol;
    tokens += (tokens.empty() ? "" : ", ") + project.equity.token.symbol;
    throw InputError(pool_source, {InputIssue{pool_source, "pool.token",
                                              fmt::format("'{}' is not a token of project '{}' (its tokens: {})",
                                                          pool.token, project.name, tokens)}});
}

LiquidityStressResult apply_market_shocks(const PoolSpec& pool, double supply, double dcf, const std::vector<stress::Shock>& shocks) {
    LiquidityStressResult r;
    r.token = pool.token;
    r.supply = supply;
    r.dcf_price_stressed = dcf;
    StressPool state(pool);
    r.pool_price_before = state.price();
    r.pool_premium_to_dcf = r.pool_price_before / dcf - 1.0;
    for (const auto& s : shocks) {
        if (!stress::is_market_shock(s.type)) continue;
        LiquidityStep step;
        step.action = std::string(stress::to_string(s.type));
        step.size = s.size;
        step.price_before = state.price();
        if (s.type == stress::ShockType::TokenSelloff) {
            PFT_REQUIRE(s.token.empty() || s.token == pool.token,
                        s.path << ".token: no pool for token '" << s.token << "' (the pool trades " << pool.token << ")");
            step.tokens_requested = s.size * supply;
            const auto [sold, received] = state.sell(step.tokens_requested);
            step.tokens_sold = sold;
            r.tokens_requested += step.tokens_requested;
            step.quote_received = received;
            step.exit_price = sold > 0.0 ? received / sold : kNaN;
            step.discount_to_dcf = step.exit_price / dcf - 1.0;
            r.tokens_sold += sold;
            r.quote_received += received;
        } else {
            const auto [tokens, quote] = state.withdraw(s.size);
            step.liquidity_removed_tokens = tokens;
            step.liquidity_removed_quote = quote;
            step.exit_price = kNaN;
            step.discount_to_dcf = kNaN;
        }
        step.price_after = state.price();
        step.price_impact = step.price_after / step.price_before - 1.0;
        r.steps.push_back(step);
    }
    r.pool_price_after = state.price();
    r.pool_liquidity_after = state.liquidity();
    r.position_units_after = state.position_units();
    r.total_price_impact = r.pool_price_after / r.pool_price_before - 1.0;
    if (r.tokens_sold > 0.0) {
        r.exit_price = r.quote_received / r.tokens_sold;
        r.discount_to_dcf = r.exit_price / dcf - 1.0;
    }
    return r;
}

std::vector<LiquidityStressResult> run_liquidity_stress(const PoolSpec& pool, const Project& project,
                                                       const std::vector<stress::Scenario>& scenarios,
                                                       const stress::StressSummary& deterministic) {
    std::vector<LiquidityStressResult> out;
    const double supply = token_supply(project, pool.token);
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        const auto& sc = scenarios[i];
        if (!sc.has_market_shocks()) continue;
        LiquidityStressResult r;
        try {
            PFT_REQUIRE(std::isfinite(supply), "pool.token: '" << pool.token << "' is not a token of project '"
                                                               << project.name << "'");
            PFT_REQUIRE(i < deterministic.scenarios.size() && deterministic.scenarios[i].name == sc.name,
                        "internal: deterministic results do not match the scenario list");
            const auto& det = deterministic.scenarios[i];
            PFT_REQUIRE(det.ok, "project shocks failed: " << det.error);
            const double dcf = dcf_price(det.metrics, project, pool.token);
            r = apply_market_shocks(pool, supply, dcf, sc.shocks);
            r.dcf_price_base = dcf_price(deterministic.base.metrics, project, pool.token);
        } catch (const std::exception& e) {
            r.ok = false;
            r.error = e.what();
        }
        r.scenario = sc.name;
        r.token = pool.token;
        out.push_back(std::move(r));
    }
    return out;
}

Table liquidity_results(const std::vector<LiquidityStressResult>& results) {
    Table t("stress_liquidity");
    t.text("scenario").flag("ok").text("error").text("token").text("step").text("action");
    for (const char* c : {"size", "tokens_requested", "tokens_sold", "quote_received", "price_before", "price_after",
                          "price_impact", "exit_price", "dcf_price_base", "dcf_price_stressed", "discount_to_dcf",
                          "liquidity_removed_tokens", "liquidity_removed_quote"})
        t.real(c);
    for (const auto& r : results) {
        if (!r.ok) {
            t.add_row().set("scenario", r.scenario).set("ok", false).set("error", r.error).set("token", r.token);
            continue;
        }
        for (std::size_t i = 0; i < r.steps.size(); ++i) {
            const auto& s = r.steps[i];
            auto row = t.add_row();
            row.set("scenario", r.scenario).set("ok", true).set("token", r.token).set("step", std::to_string(i));
            row.set("action", s.action).set("size", s.size).set("tokens_requested", s.tokens_requested);
            row.set("tokens_sold", s.tokens_sold).set("quote_received", s.quote_received);
            row.set("price_before", s.price_before).set("price_after", s.price_after).set("price_impact", s.price_impact);
            row.set("exit_price", s.exit_price).set("dcf_price_base", r.dcf_price_base);
            row.set("dcf_price_stressed", r.dcf_price_stressed).set("discount_to_dcf", s.discount_to_dcf);
            row.set("liquidity_removed_tokens", s.liquidity_removed_tokens);
            row.set("liquidity_removed_quote", s.liquidity_removed_quote);
        }
        auto row = t.add_row();  // the whole sequence
        row.set("scenario", r.scenario).set("ok", true).set("token", r.token).set("step", "total").set("action", "sequence");
        row.set("tokens_requested", r.tokens_requested).set("tokens_sold", r.tokens_sold);
        row.set("quote_received", r.quote_received).set("price_before", r.pool_price_before);
        row.set("price_after", r.pool_price_after).set("price_impact", r.total_price_impact);
        row.set("exit_price", r.exit_price).set("dcf_price_base", r.dcf_price_base);
        row.set("dcf_price_stressed", r.dcf_price_stressed).set("discount_to_dcf", r.discount_to_dcf);
    }
    return t;
}

std::string liquidity_csv(const std::vector<LiquidityStressResult>& results) { return to_csv(liquidity_results(results)); }

std::string liquidity_table(const std::vector<LiquidityStressResult>& results) {
    Table t("stress_liquidity_text");
    t.text("scenario").text("token").real("before", 10, 4, {}, "pool before").real("after", 10, 4, {}, "pool after");
    t.percent("impact", 10, 2).percent("filled", 10, 1).real("exit", 10, 4, {}, "exit price");
    t.real("dcf", 10, 4, {}, "DCF (str.)").percent("vs_dcf", 10, 2, "vs DCF").text("note");
    t.display("scenario", {.width = 26}).display("token", {.align = Align::Right, .width = 8});
    t.display("before", {.width = 12, .missing = "-"}).display("after", {.width = 12, .missing = "-"});
    t.display("impact", {.width = 9, .sign = true, .missing = "-"}).display("filled", {.width = 8, .missing = "-"});
    t.display("exit", {.width = 11, .missing = "-"}).display("dcf", {.width = 11, .missing = "-"});
    t.display("vs_dcf", {.width = 9, .sign = true, .missing = "-"});
    for (const auto& r : results) {
        auto row = t.add_row();
        row.set("scenario", r.scenario);
        if (!r.ok) {
            row.set("note", "FAILED: " + r.error);
            continue;
        }
        const double filled = r.tokens_requested > 0.0 ? r.tokens_sold / r.tokens_requested : stress::kNaN;
        row.set("token", r.token).set("before", r.pool_price_before).set("after", r.pool_price_after);
        row.set("impact", r.total_price_impact).set("filled", filled).set("exit", r.exit_price);
        row.set("dcf", r.dcf_price_stressed).set("vs_dcf", r.discount_to_dcf);
    }
    return to_text(t, {.note_column = "note"});
}

nlohmann::json liquidity_json(const std::vector<LiquidityStressResult>& results) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : results) {
        nlohmann::json j{{"scenario", r.scenario}, {"ok", r.ok}, {"token", r.token}};
        if (!r.ok) {
            j["error"] = r.error;
            out.push_back(j);
            continue;
        }
        j["supply"] = jnum(r.supply);
        j["dcf_price_base"] = jnum(r.dcf_price_base);
        j["dcf_price_stressed"] = jnum(r.dcf_price_stressed);
        j["pool_price_before"] = jnum(r.pool_price_before);
        j["pool_price_after"] = jnum(r.pool_price_after);
        j["total_price_impact"] = jnum(r.total_price_impact);
        j["pool_premium_to_dcf"] = jnum(r.pool_premium_to_dcf);
        j["tokens_requested"] = jnum(r.tokens_requested);
        j["tokens_sold"] = jnum(r.tokens_sold);
        j["quote_received"] = jnum(r.quote_received);
        j["exit_price"] = jnum(r.exit_price);
        j["discount_to_dcf"] = jnum(r.discount_to_dcf);
        nlohmann::json steps = nlohmann::json::array();
        for (const auto& s : r.steps)
            steps.push_back({{"action", s.action},
                             {"size", jnum(s.size)},
                             {"tokens_requested", jnum(s.tokens_requested)},
                             {"tokens_sold", jnum(s.tokens_sold)},
                             {"quote_received", jnum(s.quote_received)},
                             {"price_before", jnum(s.price_before)},
                             {"price_after", jnum(s.price_after)},
                             {"price_impact", jnum(s.price_impact)},
                             {"exit_price", jnum(s.exit_price)},
                             {"discount_to_dcf", jnum(s.discount_to_dcf)},
                             {"liquidity_removed_tokens", jnum(s.liquidity_removed_tokens)},
                             {"liquidity_removed_quote", jnum(s.liquidity_removed_quote)}});
        j["steps"] = steps;
        out.push_back(j);
    }
    return out;
}

}  // namespace pftoken::integration
