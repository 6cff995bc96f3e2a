#pragma once
// The abm price model as the agents' counterparty (private to integration/src/abm): prices, and
// trades against the pool twin, the bonding curve or an external market that keep the run's
// integer ledger (docs/abm.md, "Price models", "Units and the ledger").

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "pftoken/amm/fast/error.hpp"
#include "pftoken/amm/fast/tick_math.hpp"
#include "pftoken/error.hpp"
#include "pftoken/integration/abm/engine.hpp"

namespace pftoken::integration::abm::detail {

/// Whole units of a non-negative amount. One trade is at most 2^53 units (every whole number a
/// double holds), so no ledger sum of a run overflows 64 bits; beyond it the price model has
/// left any sensible range and the run stops with an input error.
[[noreturn]] [[gnu::noinline]] inline void throw_out_of_range(double x) {
    throw InputError("price", fmt::format("a trade of {:.6g} base units exceeds 2^53: the price model's prices are out of "
                                          "range for these decimals (token.decimals, token.quote_decimals)", x));
}
inline std::int64_t floor_units(double x) {
    constexpr double kMax = 9007199254740992.0;  // 2^53
    if (!(x <= kMax)) [[unlikely]]
        throw_out_of_range(x);
    return x <= 0.0 ? 0 : static_cast<std::int64_t>(x);  // truncation is the floor here (no libm call)
}
inline std::int64_t ceil_units(double x) { return floor_units(std::ceil(x)); }
/// Nearest whole units, halves up (x + 1/2 is exact below 2^52; no libm call).
inline std::int64_t round_units(double x) { return floor_units(x + 0.5); }

/// Trade result in ledger units.
struct Fill {
    std::int64_t tokens = 0;
    std::int64_t quote = 0;
};

/// The price model as a counterparty: prices, and trades that keep the integer ledger.
class Market {
  public:
    Market(const Model& model, Ledger& ledger, bool time_pool)
        : spec_(model.spec), ledger_(ledger), ts_(model.spec.token_scale()), qs_(model.spec.quote_scale()),
          time_pool_(time_pool) {
        if (model.pool) pool_ = *model.pool;
        curve_supply_ = spec_.price.initial_curve_supply;
    }

    [[nodiscard]] bool is_pool() const noexcept { return pool_.has_value(); }
    [[nodiscard]] bool external() const noexcept {
        return spec_.price.model != PriceModel::Pool && spec_.price.model != PriceModel::BondingCurve;
    }

    /// The price agents see and external models trade at during the step.
    double open_step() {
        step_price_ = current_price();
        return step_price_;
    }

    [[nodiscard]] double current_price() const {
        const auto& p = spec_.price;
        switch (p.model) {
        case PriceModel::Constant: return p.price;
        case PriceModel::BondingCurve: return p.k * std::pow(curve_supply_, p.n);
        case PriceModel::EquationOfExchange: {
            const double velocity = p.velocity > 0.0 ? p.velocity : 12.0 / p.holding_months;
            return eoe_price(p.demand_per_year, std::max(static_cast<double>(ledger_.held), 1.0) / ts_, velocity);
        }
        case PriceModel::Issuance:
            return issuance_price(p.price, static_cast<double>(ledger_.total - ledger_.unvested - ledger_.burned) / ts_,
                                  p.max_supply, p.alpha);
        case PriceModel::Pool:
            return std::visit([](const auto& pool) { return pool.price(); }, *pool_);
        }
        return 0.0;
    }

    /// Quote that moves the pool's price up 2%: L sqrt(P) (sqrt(1.02) - 1), L the active liquidity.
    [[nodiscard]] double depth() const {
        if (!pool_) return 0.0;
        const double liquidity = std::visit(
            [](const auto& pool) {
                if constexpr (std::is_same_v<std::decay_t<decltype(pool)>, amm::fast::ConstantProductPool>)
                    return std::sqrt(pool.reserve0() * pool.reserve1());
                else
                    return pool.liquidity();
            },
            *pool_);
        return liquidity * std::sqrt(current_price()) * (std::sqrt(1.02) - 1.0);
    }

    /// Exact-input swap on the pool twin (token0 = the token in when `zero_for_one`): the amounts
    /// paid in and out, both 0 when the pool refuses (no liquidity left: the order is not filled).
    std::pair<double, double> pool_swap(bool zero_for_one, double amount_in) {
        const auto start = time_pool_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
        double in = 0.0, out = 0.0;
        try {
            std::visit(
                [&](auto& pool) {
                    if constexpr (std::is_same_v<std::decay_t<decltype(pool)>, amm::fast::ConstantProductPool>) {
                        const auto s = pool.swap_exact_in(zero_for_one, amount_in);
                        in = s.amount_in, out = s.amount_out;
                    } else {
                        const auto s = pool.swap_exact_in(zero_for_one, amount_in);
                        in = zero_for_one ? s.amount0 : s.amount1;
                        out = zero_for_one ? -s.amount1 : -s.amount0;
                    }
                },
                *pool_);
        } catch (const amm::fast::Error&) {
            in = out = 0.0;
        }
        if (time_pool_) pool_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return {in, out};
    }

    /// Sells up to `units` tokens; the fill's quote is the gross proceeds.
    Fill sell(std::int64_t units) {
        Fill f;
        if (units <= 0) return f;
        const double tokens = static_cast<double>(units) * inv_ts_;
        switch (spec_.price.model) {
        case PriceModel::Pool: {
            const auto [in, out] = pool_swap(true, tokens);
            f.tokens = std::min(units, round_units(in * ts_));
            f.quote = std::min(ledger_.pool_quote, floor_units(out * qs_));
            ledger_.pool += f.tokens;
            ledger_.pool_quote -= f.quote;
            return f;
        }
        case PriceModel::BondingCurve: {
            const double sold = std::min(tokens, curve_supply_);
            f.tokens = std::min(units, floor_units(sold * ts_));
            const double s1 = curve_supply_ - static_cast<double>(f.tokens) / ts_;
            f.quote = std::min(ledger_.pool_quote,
                               floor_units(bonding_cost(spec_.price.k, spec_.price.n, s1, curve_supply_) * qs_));
            curve_supply_ = s1;
            ledger_.pool += f.tokens;
            ledger_.pool_quote -= f.quote;
            return f;
        }
        default:
            f.tokens = units;
            f.quote = floor_units(tokens * step_price_ * qs_);
            ledger_.pool += f.tokens;
            ledger_.external_net -= f.quote;
            return f;
        }
    }

    /// Spends up to `budget` quote units on tokens.
    Fill buy(std::int64_t budget) {
        Fill f;
        if (budget <= 0) return f;
        const double quote = static_cast<double>(budget) * inv_qs_;
        switch (spec_.price.model) {
        case PriceModel::Pool: {
            const auto [in, out] = pool_swap(false, quote);
            f.quote = std::min(budget, round_units(in * qs_));
            f.tokens = std::min(ledger_.pool, floor_units(out * ts_));
            ledger_.pool -= f.tokens;
            ledger_.pool_quote += f.quote;
            return f;
        }
        case PriceModel::BondingCurve: {
            const double tokens = bonding_tokens_for(spec_.price.k, spec_.price.n, curve_supply_, quote);
            f.tokens = std::min(ledger_.pool, floor_units(tokens * ts_));
            const double s1 = curve_supply_ + static_cast<double>(f.tokens) / ts_;
            f.quote = std::min(budget, ceil_units(bonding_cost(spec_.price.k, spec_.price.n, curve_supply_, s1) * qs_));
            curve_supply_ = s1;
            ledger_.pool -= f.tokens;
            ledger_.pool_quote += f.quote;
            return f;
        }
        default:
            f.tokens = std::min(ledger_.pool, floor_units(quote / step_price_ * ts_));
            f.quote = std::min(budget, ceil_units(static_cast<double>(f.tokens) / ts_ * step_price_ * qs_));
            ledger_.pool -= f.tokens;
            ledger_.external_net += f.quote;
            return f;
        }
    }

    /// Arbitrage toward `reference`: buys while P < R (1 - f), sells (up to `inventory` units)
    /// while P > R / (1 - f); stops on the band's edge. Returns the fill (sign by `bought`).
    Fill arbitrage(double reference, std::int64_t inventory, bool& bought) {
        Fill f;
        bought = false;
        if (!(reference > 0.0)) return f;  // no reference (e.g. a repaid tranche): no arbitrage
        const double fee = pool_fee();
        const double price = current_price();
        const double low = reference * (1.0 - fee), high = reference / (1.0 - fee);
        if (price >= low && price <= high) return f;
        bought = price < low;
        const double target = bought ? low : high;
        double in0 = 0.0, in1 = 0.0, out0 = 0.0, out1 = 0.0;
        const double max_tokens = static_cast<double>(inventory) / ts_;
        if (!bought && max_tokens <= 0.0) return f;
        try {
            std::visit(
                [&](auto& pool) {
                    if constexpr (std::is_same_v<std::decay_t<decltype(pool)>, amm::fast::ConstantProductPool>) {
                        if (bought) {
                            const auto s = pool.swap_to_price(target);
                            in1 = s.amount_in, out0 = s.amount_out;
                        } else {
                            const double needed = pool.quote_to_price(target);
                            const auto s = needed <= max_tokens ? pool.swap_to_price(target) : pool.swap_exact_in(true, max_tokens);
                            in0 = s.amount_in, out1 = s.amount_out;
                        }
                    } else {
                        const double limit = std::sqrt(target);
                        const auto s = bought ? pool.swap(false, std::numeric_limits<double>::infinity(), limit)
                                              : pool.swap(true, max_tokens, limit);
                        if (bought) in1 = s.amount1, out0 = -s.amount0;
                        else in0 = s.amount0, out1 = -s.amount1;
                    }
                },
                *pool_);
        } catch (const amm::fast::Error&) {
            return f;
        }
        if (bought) {
            f.quote = ceil_units(in1 * qs_);
            f.tokens = std::min(ledger_.pool, floor_units(out0 * ts_));
            ledger_.pool -= f.tokens;
            ledger_.pool_quote += f.quote;
        } else {
            f.tokens = std::min(inventory, ceil_units(in0 * ts_));
            f.quote = std::min(ledger_.pool_quote, floor_units(out1 * qs_));
            ledger_.pool += f.tokens;
            ledger_.pool_quote -= f.quote;
        }
        return f;
    }

    /// Deposits up to `max_tokens` and `max_quote` units at the pool's price as the treasury's
    /// LP position (v2: add_liquidity; v3: a full-range position, ticks kMinTick..kMaxTick on the
    /// spacing grid, "treasury"), both sides 1e-9 short of the limits so the ceilings of what the
    /// pool takes stay within them. Returns the units deposited.
    Fill add_liquidity(std::int64_t max_tokens, std::int64_t max_quote) {
        Fill f;
        if (!pool_ || max_tokens <= 0 || max_quote <= 0) return f;
        const double price = current_price();
        const double tokens = static_cast<double>(max_tokens) / ts_ * (1.0 - 1e-9);
        const double quote = static_cast<double>(max_quote) / qs_ * (1.0 - 1e-9);
        double used0 = 0.0, used1 = 0.0;
        try {
            std::visit(
                [&](auto& pool) {
                    if constexpr (std::is_same_v<std::decay_t<decltype(pool)>, amm::fast::ConstantProductPool>) {
                        const double a0 = std::min(tokens, quote / price);
                        const auto change = pool.add_liquidity(a0, a0 * price);
                        used0 = change.amount0, used1 = change.amount1;
                    } else {
                        const int spacing = pool.tick_spacing();
                        const int lower = -(amm::fast::kMaxTick / spacing) * spacing, upper = -lower;
                        const double s = pool.sqrt_price();
                        const double sa = amm::fast::sqrt_price_at_tick(lower), sb = amm::fast::sqrt_price_at_tick(upper);
                        const double liquidity = std::min(tokens / (1.0 / s - 1.0 / sb), quote / (s - sa));
                        if (liquidity < 1.0) return;  // dust: wait for more
                        const auto amounts = pool.mint("treasury", lower, upper, std::floor(liquidity));
                        used0 = amounts.amount0, used1 = amounts.amount1;
                    }
                },
                *pool_);
        } catch (const amm::fast::Error&) {
            return f;
        }
        f.tokens = std::min(max_tokens, ceil_units(used0 * ts_));
        f.quote = std::min(max_quote, ceil_units(used1 * qs_));
        ledger_.pool += f.tokens;
        ledger_.pool_quote += f.quote;
        return f;
    }

    [[nodiscard]] double pool_fee() const {
        return std::visit(
            [](const auto& pool) {
                if constexpr (std::is_same_v<std::decay_t<decltype(pool)>, amm::fast::ConstantProductPool>)
                    return pool.fee();
                else
                    return static_cast<double>(pool.fee_pips()) * 1e-6;
            },
            *pool_);
    }

    double pool_seconds = 0.0;

  private:
    const Spec& spec_;
    Ledger& ledger_;
    double ts_, qs_;
    double inv_ts_ = 1.0 / ts_, inv_qs_ = 1.0 / qs_;  ///< 10^-decimals: trade sizes multiply, not divide
    bool time_pool_;
    std::optional<FastPool> pool_;
    double curve_supply_ = 0.0;
    double step_price_ = 0.0;
};

}  // namespace pftoken::integration::abm::detail
