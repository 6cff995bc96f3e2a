// Prediction-market sessions: the strict YAML session, the orders CSV, the replay and the seeded
// synthetic order flow (docs/tools/pm.md).
#include "pftoken/amm/pm/session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "pftoken/base/csv.hpp"
#include "pftoken/base/input_file.hpp"
#include "pftoken/base/validate.hpp"
#include "pftoken/base/yaml.hpp"
#include "pftoken/error.hpp"

namespace pftoken::amm::pm {

namespace check = ::pftoken::validation;

int Session::outcome_index(std::string_view name) const {
    for (std::size_t i = 0; i < outcomes.size(); ++i)
        if (outcomes[i] == name) return static_cast<int>(i);
    return -1;
}

int Session::user_index(std::string_view name) const {
    for (std::size_t u = 0; u < users.size(); ++u)
        if (users[u] == name) return static_cast<int>(u);
    return -1;
}

// ---- session YAML ---------------------------------------------------------------------------------

namespace {

void read_ramp(yaml::Context& ctx, yaml::Reader& parent, const std::string& key, Ramp& ramp) {
    if (const auto* n = parent.child(key)) {
        yaml::Reader r(ctx, *n, yaml::child_path(parent.path(), key));
        if (r.ok()) {
            r.number("start", ramp.start, true);
            r.number("end", ramp.end, true);
            r.finish();
        }
    }
}

}  // namespace

void read_exchange(yaml::Context& ctx, yaml::Reader* market, yaml::Reader* features, ExchangeFields fields,
                   bool required, ExchangeParams& p) {
    const bool all = fields == ExchangeFields::All;
    if (market) {
        yaml::Reader& m = *market;
        m.enumeration("model", p.model, {{"lmsr", CostModel::Lmsr}, {"parametric", CostModel::Parametric}}, required);
        m.number("subsidy", p.subsidy, required);
        if (all) m.number("tick_size", p.tick_size);
        m.number("fee", p.fee);
        m.number("fee_match", p.fee_match);
        m.number("p_min", p.p_min);
        m.number("p_max", p.p_max);
        m.number("eta", p.eta);
        if (all) {
            read_ramp(ctx, m, "zeta", p.zeta);
            read_ramp(ctx, m, "mu", p.mu);
            read_ramp(ctx, m, "nu", p.nu);
            read_ramp(ctx, m, "kappa", p.kappa);
        }
        m.number("gas_fee", p.gas_fee);
    }
    if (features) {
        yaml::Reader& f = *features;
        f.boolean("cross_matching", p.cross_matching);
        if (all) {
            f.boolean("auto_fill", p.auto_fill);
            f.number("sigma", p.sigma);
            f.number("af_cap_frac", p.af_cap_frac);
            f.integer("af_max_pools", p.af_max_pools, false, 1.0, 1e6);
            f.number("af_max_surplus", p.af_max_surplus);
        }
    }
}

std::string exchange_field_path(const std::string& field, const std::string& market, const std::string& features) {
    const bool feature = field == "cross_matching" || field == "auto_fill" || field == "sigma" ||
                         field.rfind("af_", 0) == 0;
    return (feature ? features : market) + field;
}

namespace {

Session read_session(yaml::Context& ctx, const YAML::Node& root) {
    std::vector<InputIssue> issues;
    check::Rules rules(issues);
    Session s;
    ExchangeParams& p = s.params;
    yaml::Reader top(ctx, root, "");
    if (!top.ok()) {
        yaml::finish(ctx);
        return s;
    }
    top.strings("outcomes", s.outcomes);
    if (!top.has("outcomes")) rules.fail("outcomes", "is required");
    const auto names_ok = [&](const std::vector<std::string>& names, const std::string& field) {
        std::set<std::string> seen;
        for (std::size_t k = 0; k < names.size(); ++k) {
            if (names[k].empty()) rules.fail(field + "[" + std::to_string(k) + "]", "must not be empty");
            else if (!seen.insert(names[k]).second)
                rules.fail(field + "[" + std::to_string(k) + "]", "must be unique, got '" + names[k] + "' twice");
        }
    };
    names_ok(s.outcomes, "outcomes");
    if (top.has("outcomes") &&
        (s.outcomes.size() < 2 || s.outcomes.size() > kMaxOutcomes))
        rules.fail("outcomes", "must list 2 to 10 outcomes, got " + std::to_string(s.outcomes.size()));
    p.outcomes = s.outcomes.size();

    std::optional<yaml::Reader> m, f;
    if (const auto* n = top.child("market", true)) m.emplace(ctx, *n, "market");
    if (const auto* n = top.child("features")) f.emplace(ctx, *n, "features");
    yaml::Reader* market = m && m->ok() ? &*m : nullptr;
    yaml::Reader* features = f && f->ok() ? &*f : nullptr;
    read_exchange(ctx, market, features, ExchangeFields::All, true, p);
    if (market) {
        market->enumeration("interpolation", s.ramp_mode,
                            {{"continue", RampMode::Continue}, {"reset", RampMode::Reset}});
        market->number("max_slippage", s.default_max_slippage);
        rules.require("market.max_slippage", s.default_max_slippage, {check::non_negative()});
        market->finish();
    }
    if (features) features->finish();
    if (const auto* n = top.child("timing", true)) {
        yaml::Reader t(ctx, *n, "timing");
        if (t.ok()) {
            t.integer("batch_interval_ms", s.batch_interval_ms, false, 1.0, 86400000.0);
            t.integer("duration_ms", s.duration_ms, true, 1.0, 1e12);
            t.finish();
        }
    }
    if (s.duration_ms % s.batch_interval_ms != 0)
        rules.fail("timing.duration_ms", fmt::format("must be a multiple of timing.batch_interval_ms ({}), got {}",
                                                     s.batch_interval_ms, s.duration_ms));
    const auto outcome_of = [&](const YAML::Node& node, const std::string& path, std::uint32_t& out) {
        std::string name;
        if (!node.IsScalar()) {
            ctx.error(node.Mark(), path, "must be an outcome name, got " + yaml::describe(node));
            return false;
        }
        name = node.Scalar();
        const int i = s.outcome_index(name);
        if (i < 0) {
            ctx.error(node.Mark(), path,
                      "must name an outcome (" + yaml::list_words(s.outcomes) + "), got '" + name + "'" +
                          yaml::did_you_mean(name, s.outcomes));
            return false;
        }
        out = static_cast<std::uint32_t>(i);
        return true;
    };
    yaml::for_each_element(ctx, top, "resolutions", false, [&](const YAML::Node& node, const std::string& path, std::size_t) {
        yaml::Reader r(ctx, node, path);
        if (!r.ok()) return;
        ResolutionRound round;
        r.integer("at_ms", round.at_ms, true, 1.0, 1e12);
        r.integer("freeze_ms", round.freeze_ms, false, 0.0, 1e12);
        yaml::for_each_element(ctx, r, "eliminate", true, [&](const YAML::Node& e, const std::string& epath, std::size_t) {
            std::uint32_t i = 0;
            if (outcome_of(e, epath, i)) round.eliminate.push_back(i);
        });
        r.finish();
        if (round.at_ms % s.batch_interval_ms != 0 || round.at_ms >= s.duration_ms)
            rules.fail(path + ".at_ms", fmt::format("must be a multiple of timing.batch_interval_ms ({}) below "
                                                    "timing.duration_ms ({}), got {}",
                                                    s.batch_interval_ms, s.duration_ms, round.at_ms));
        if (!s.rounds.empty() && round.at_ms <= s.rounds.back().at_ms + s.rounds.back().freeze_ms)
            rules.fail(path + ".at_ms", "must come after the previous round's freeze ends, got " +
                                            std::to_string(round.at_ms));
        s.rounds.push_back(std::move(round));
    });
    if (const auto* n = top.child("final_winner", true)) {
        if (outcome_of(*n, "final_winner", s.winner)) {
            for (const auto& round : s.rounds)
                for (const auto e : round.eliminate)
                    if (e == s.winner) rules.fail("final_winner", "must not be eliminated in a resolution round, got '" +
                                                                      s.outcomes[e] + "'");
        }
    }
    if (const auto* n = top.child("users", true)) {
        yaml::Reader u(ctx, *n, "users");
        if (u.ok()) {
            double balance = 0.0;
            u.number("starting_balance", balance, true);
            rules.require("users.starting_balance", balance, {check::non_negative()});
            u.strings("names", s.users);
            if (!u.has("names")) rules.fail("users.names", "is required");
            names_ok(s.users, "users.names");
            if (u.has("names") && s.users.empty()) rules.fail("users.names", "must list at least 1 user");
            s.balances.assign(s.users.size(), balance);
            u.finish();
        }
    }
    top.finish();
    p.t_start_s = 0.0;
    p.t_end_s = static_cast<double>(s.duration_ms) / 1000.0;
    ctx.place(std::move(issues));
    if (ctx.issues.empty()) {
        try {
            p.validate();
            // Every round must leave at least 2 outcomes active.
            std::size_t active = p.outcomes;
            std::vector<bool> gone(p.outcomes, false);
            for (std::size_t r = 0; r < s.rounds.size(); ++r) {
                for (const auto e : s.rounds[r].eliminate) {
                    if (gone[e]) throw InputError("resolutions[" + std::to_string(r) + "].eliminate",
                                                  "must name outcomes still active, got '" + s.outcomes[e] + "'");
                    gone[e] = true;
                    --active;
                }
                if (active < 2)
                    throw InputError("resolutions[" + std::to_string(r) + "].eliminate",
                                     "must leave at least 2 outcomes active, leaves " + std::to_string(active));
            }
        } catch (const InputError& e) {
            std::vector<InputIssue> found = e.issues();
            for (auto& issue : found) {
                const std::string& field = issue.path;
                if (field.rfind("resolutions", 0) == 0 || field == "outcomes" || field == "active") continue;
                issue.path = exchange_field_path(field, "market.", "features.");
            }
            ctx.place(std::move(found));
        }
    }
    yaml::finish(ctx);
    return s;
}

}  // namespace

Session parse_session(std::string_view yaml_text, const std::string& source) {
    return yaml::read_document(yaml_text, source, read_session);
}

Session load_session(const std::filesystem::path& path) {
    return yaml::read_document_file(path, read_session);
}

// ---- orders CSV -------------------------------------------------------------------------------------

namespace {

const std::vector<std::string> kOrderColumns{"ts_ms", "order_id", "user", "outcome", "token", "side",
                                              "type",  "size",     "limit_price", "max_slippage", "auto_fill",
                                              "cancel_id"};

std::string number_text(double x) { return check::number_text(x); }

}  // namespace

// Read by the shared strict CSV reader (base/csv.hpp: quoting, row widths, file:line:col).
std::vector<Order> parse_orders(std::string_view text, const std::string& source, const Session& session) {
    const csv::File file = csv::File::parse(text, source);
    file.require_header(kOrderColumns);
    std::vector<Order> orders;
    orders.reserve(file.row_count());
    std::set<std::uint64_t> ids;
    for (std::size_t r = 0; r < file.row_count(); ++r) {
        const auto cell = [&](std::size_t c) -> const std::string& { return file.cell(r, c).text; };
        const auto fail = [&](std::size_t c, const std::string& constraint) { return file.error(r, c, constraint); };
        const auto whole = [&](std::size_t c, double lo, double hi) {
            const double v = file.real(r, c);
            if (v != std::floor(v) || v < lo || v > hi)
                throw fail(c, "must be a whole number in [" + number_text(lo) + ", " + number_text(hi) + "], got '" +
                                  cell(c) + "'");
            return v;
        };
        const auto word = [&](std::size_t c, const std::vector<std::string>& words) {
            for (std::size_t w = 0; w < words.size(); ++w)
                if (cell(c) == words[w]) return w;
            throw fail(c, "must be one of " + yaml::list_words(words) + "; got '" + cell(c) + "'" +
                              yaml::did_you_mean(cell(c), words));
        };
        const auto empty = [&](std::size_t c) { return cell(c).empty(); };
        Order o;
        o.ts_ms = static_cast<std::int64_t>(whole(0, 0.0, static_cast<double>(session.duration_ms)));
        o.id = static_cast<std::uint64_t>(whole(1, 1.0, 9007199254740992.0));
        if (!ids.insert(o.id).second) throw fail(1, "must be unique, got " + cell(1) + " twice");
        const int user = session.user_index(cell(2));
        if (user < 0)
            throw fail(2, "must name a user of the session, got '" + cell(2) + "'" +
                              yaml::did_you_mean(cell(2), session.users));
        o.user = static_cast<std::uint32_t>(user);
        o.type = static_cast<OrderType>(word(6, {"MARKET", "LIMIT", "CANCEL"}));
        if (o.type == OrderType::Cancel) {
            for (const std::size_t c : {3U, 4U, 5U, 7U, 8U, 9U, 10U})
                if (!empty(c)) throw fail(c, "must be empty for a CANCEL order, got '" + cell(c) + "'");
            o.cancel_id = static_cast<std::uint64_t>(whole(11, 1.0, 9007199254740992.0));
            orders.push_back(o);
            continue;
        }
        const int outcome = session.outcome_index(cell(3));
        if (outcome < 0)
            throw fail(3, "must name an outcome (" + yaml::list_words(session.outcomes) + "), got '" + cell(3) + "'" +
                              yaml::did_you_mean(cell(3), session.outcomes));
        o.outcome = static_cast<std::uint32_t>(outcome);
        o.token = static_cast<Token>(word(4, {"YES", "NO"}));
        o.side = static_cast<Side>(word(5, {"BUY", "SELL"}));
        o.size = file.real(r, 7);
        if (!(o.size > 0.0)) throw fail(7, "must be > 0, got " + cell(7));
        if (o.type == OrderType::Limit) {
            if (empty(8)) throw fail(8, "is required for a LIMIT order");
            o.limit_price = file.real(r, 8);
            if (!(o.limit_price > 0.0 && o.limit_price < 1.0)) throw fail(8, "must be in (0, 1), got " + cell(8));
            if (!empty(9)) throw fail(9, "must be empty for a LIMIT order, got '" + cell(9) + "'");
        } else {
            if (!empty(8)) throw fail(8, "must be empty for a MARKET order, got '" + cell(8) + "'");
            o.max_slippage = empty(9) ? session.default_max_slippage : file.real(r, 9);
            if (!(o.max_slippage >= 0.0)) throw fail(9, "must be >= 0, got " + cell(9));
        }
        o.auto_fill = empty(10) ? false : word(10, {"0", "1"}) == 1;
        if (!empty(11)) throw fail(11, "must be empty unless type is CANCEL, got '" + cell(11) + "'");
        orders.push_back(o);
    }
    return orders;
}

std::vector<Order> load_orders(const std::filesystem::path& path, const Session& session) {
    return parse_orders(read_input_file(path), path.string(), session);
}

std::string format_orders(const std::vector<Order>& orders, const Session& session) {
    std::string s;
    for (std::size_t c = 0; c < kOrderColumns.size(); ++c) s += (c ? "," : "") + kOrderColumns[c];
    s += '\n';
    for (const Order& o : orders) {
        const auto num = [](double x) { return fmt::format("{}", x); };
        s += fmt::format("{},{},{},", o.ts_ms, o.id, session.users[o.user]);
        if (o.type == OrderType::Cancel) {
            s += fmt::format(",,,CANCEL,,,,,{}\n", o.cancel_id);
            continue;
        }
        s += fmt::format("{},{},{},{},{},", session.outcomes[o.outcome], o.token == Token::Yes ? "YES" : "NO",
                         o.side == Side::Buy ? "BUY" : "SELL", o.type == OrderType::Market ? "MARKET" : "LIMIT",
                         num(o.size));
        if (o.type == OrderType::Limit) s += num(o.limit_price) + ",,";
        else s += "," + num(o.max_slippage) + ",";
        s += fmt::format("{},\n", o.auto_fill ? 1 : 0);
    }
    return s;
}

// ---- replay -----------------------------------------------------------------------------------------

ReplayResult replay(const Session& session, const std::vector<Order>& input, bool keep_fills, bool check_invariants) {
    ExchangeParams params = session.params;
    params.outcomes = session.outcomes.size();
    params.t_start_s = 0.0;
    params.t_end_s = static_cast<double>(session.duration_ms) / 1000.0;
    Exchange ex(params, session.balances);
    std::vector<Order> orders = input;
    std::stable_sort(orders.begin(), orders.end(), [](const Order& a, const Order& b) {
        return a.ts_ms != b.ts_ms ? a.ts_ms < b.ts_ms : a.id < b.id;
    });
    ReplayResult result;
    BatchOutput out;
    std::size_t next = 0;
    std::size_t round = 0;
    double cumulative_volume = 0.0;
    const auto require_invariants = [&](const char* when, std::int64_t t) {
        if (!check_invariants) return;
        const auto report = ex.check_invariants();
        PFT_ENSURE(report.ok(), "pm replay: invariant broken after " << when << " at t_ms " << t << ": " << report.what);
    };
    const auto record_tick = [&](std::int64_t t, std::size_t count) {
        TickRecord tick;
        tick.batch = ex.batches();
        tick.t_ms = t;
        tick.frozen = ex.frozen();
        tick.orders = count;
        tick.volume = out.volume;
        tick.mm_risk = ex.mm_risk();
        tick.mm_profit = ex.mm_profit();
        tick.fees = ex.market_maker().fees;
        tick.seigniorage = ex.market_maker().seigniorage;
        tick.gas = ex.gas_collected();
        for (std::size_t i = 0; i < params.outcomes; ++i) tick.prices[i] = ex.price(i);
        tick.state_hash = keep_fills ? ex.state_hash() : 0;
        result.ticks.push_back(tick);
        cumulative_volume += out.volume;
    };
    for (std::int64_t t = session.batch_interval_ms; t <= session.duration_ms; t += session.batch_interval_ms) {
        bool frozen = false;
        for (std::size_t r = 0; r < round; ++r)
            if (t > session.rounds[r].at_ms && t <= session.rounds[r].at_ms + session.rounds[r].freeze_ms) frozen = true;
        ex.set_frozen(frozen);
        const std::size_t first = next;
        while (next < orders.size() && orders[next].ts_ms <= t) ++next;
        out.clear();
        ex.apply_orders(std::span<const Order>(orders.data() + first, next - first), t, out);
        require_invariants("the batch", t);
        record_tick(t, next - first);
        if (keep_fills) {
            result.fills.insert(result.fills.end(), out.fills.begin(), out.fills.end());
            result.events.insert(result.events.end(), out.events.begin(), out.events.end());
        }
        if (round < session.rounds.size() && session.rounds[round].at_ms == t) {
            const ResolutionRound& r = session.rounds[round];
            const auto res = ex.trigger_resolution(false, r.eliminate, t);
            require_invariants("an elimination round", t);
            for (std::size_t u = 0; u < res.payouts.size(); ++u)
                if (res.payouts[u] != 0.0) result.payouts.push_back({t, false, static_cast<std::uint32_t>(u), res.payouts[u]});
            if (res.mm_payout != 0.0) result.payouts.push_back({t, false, kMarketMaker, res.mm_payout});
            result.events.insert(result.events.end(), res.events.begin(), res.events.end());
            ++round;
            if (session.ramp_mode == RampMode::Reset) {
                const std::int64_t resume = r.at_ms + r.freeze_ms;
                const std::int64_t until =
                    round < session.rounds.size() ? session.rounds[round].at_ms : session.duration_ms;
                if (until > resume)
                    ex.set_ramp_window(static_cast<double>(resume) / 1000.0, static_cast<double>(until) / 1000.0);
            }
        }
    }
    result.last_open = result.ticks.empty() ? TickRecord{} : result.ticks.back();
    if (!keep_fills) result.last_open.state_hash = ex.state_hash();
    // Orders after the last batch time cannot exist: ts_ms <= duration_ms is checked on input.
    const std::vector<std::uint32_t> winner{session.winner};
    const auto fin = ex.trigger_resolution(true, winner, session.duration_ms);
    require_invariants("the final resolution", session.duration_ms);
    for (std::size_t u = 0; u < fin.payouts.size(); ++u)
        result.payouts.push_back({session.duration_ms, true, static_cast<std::uint32_t>(u), fin.payouts[u]});
    result.payouts.push_back({session.duration_ms, true, kMarketMaker, fin.mm_payout});
    result.events.insert(result.events.end(), fin.events.begin(), fin.events.end());
    for (std::size_t u = 0; u < ex.users(); ++u) result.accounts.push_back(ex.account(u));
    result.market_maker = ex.market_maker();
    result.final_hash = ex.state_hash();
    result.gas_collected = ex.gas_collected();
    (void)cumulative_volume;
    return result;
}

// ---- synthetic order flow -------------------------------------------------------------------------------

namespace {
/// SplitMix64 (Steele, Lea, Flood 2014): a fixed, portable stream.
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
    std::uint64_t below(std::uint64_t n) { return next() % n; }
};
}  // namespace

std::vector<Order> simulate_orders(const Session& session, const SimulateOptions& options) {
    check::Rules rules;
    rules.require("orders", static_cast<double>(options.count), {check::at_least(1), check::at_most(1e8)});
    rules.require("informed_share", options.informed_share, {check::in_closed(0.0, 1.0)});
    rules.throw_if_failed("pm simulate");
    SplitMix64 rng{options.seed};
    const std::size_t n = session.outcomes.size();
    const std::size_t users = session.users.size();
    const std::size_t informed_users = std::max<std::size_t>(1, users / 5);
    const double tick = session.params.tick_size;
    const auto ticks = static_cast<std::uint64_t>(std::llround(1.0 / tick));
    std::vector<Order> orders;
    orders.reserve(options.count);
    std::vector<std::pair<std::uint64_t, std::uint32_t>> limits;  // (order id, user) of limit orders
    // Informed traders hold their belief: the winner at 0.8, the others sharing the rest.
    for (std::size_t k = 0; k < options.count; ++k) {
        Order o;
        o.id = k + 1;
        o.ts_ms = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(session.duration_ms))) + 1;
        const bool informed = rng.unit() < options.informed_share;
        o.user = static_cast<std::uint32_t>(informed ? rng.below(informed_users)
                                                     : informed_users + rng.below(std::max<std::size_t>(users - informed_users, 1)));
        if (o.user >= users) o.user = static_cast<std::uint32_t>(users - 1);
        o.size = 1.0 + std::floor(20.0 * rng.unit());
        if (!informed && !limits.empty() && rng.unit() < 0.05) {
            o.type = OrderType::Cancel;
            const auto& [id, owner] = limits[rng.below(limits.size())];
            o.cancel_id = id;
            o.user = owner;
            orders.push_back(o);
            continue;
        }
        o.outcome = static_cast<std::uint32_t>(rng.below(n));
        if (informed) {
            const bool winner = o.outcome == session.winner || rng.unit() < 0.5;
            if (winner) o.outcome = session.winner;
            o.token = winner ? Token::Yes : Token::No;
            o.side = Side::Buy;
            const double belief = winner ? 0.8 : 1.0 - 0.2 / static_cast<double>(n - 1);
            if (rng.unit() < 0.5) {
                o.type = OrderType::Market;
                o.max_slippage = 0.2;
            } else {
                o.type = OrderType::Limit;
                const auto k_tick = static_cast<std::uint64_t>(std::floor(belief / tick)) - rng.below(5);
                o.limit_price = static_cast<double>(std::clamp<std::uint64_t>(k_tick, 1, ticks - 1)) * tick;
                o.auto_fill = rng.unit() < 0.5;
            }
        } else {
            o.token = rng.unit() < 0.5 ? Token::Yes : Token::No;
            o.side = rng.unit() < 0.7 ? Side::Buy : Side::Sell;
            if (rng.unit() < 0.5) {
                o.type = OrderType::Market;
                o.max_slippage = 0.05 + 0.2 * rng.unit();
            } else {
                o.type = OrderType::Limit;
                const double base = o.token == Token::Yes ? 1.0 / static_cast<double>(n) : 1.0 - 1.0 / static_cast<double>(n);
                const double jitter = (rng.unit() - 0.5) * 0.3;
                const auto k_tick = static_cast<std::int64_t>(std::llround((base + jitter) / tick));
                o.limit_price = static_cast<double>(std::clamp<std::int64_t>(k_tick, 1, static_cast<std::int64_t>(ticks) - 1)) * tick;
                o.auto_fill = rng.unit() < 0.3;
            }
        }
        if (o.type == OrderType::Limit) limits.emplace_back(o.id, o.user);
        orders.push_back(o);
    }
    std::stable_sort(orders.begin(), orders.end(), [](const Order& a, const Order& b) {
        return a.ts_ms != b.ts_ms ? a.ts_ms < b.ts_ms : a.id < b.id;
    });
    return orders;
}

}  // namespace pftoken::amm::pm
