// Differential test of the fast (double) Uniswap v3 pool against the bit-exact pool: random pools
// with non-round position liquidities drawn log-uniform in [1e12, 1e27], deep and shallow
// positions mixed, long random sequences, swaps run past all liquidity to the extreme price
// limits, and the cases of issue 14 (three positions left by a 1e30 buy, a deep position crossed
// out of over a thin full-range one, tick prices at -195000, MAX_SQRT_RATIO - 1 as a limit).
//
// The bound, per quantity (docs/amm-fast-and-analytics.md, "Accuracy against the exact pool"):
//   |fast - exact| <= 1e-9 * max(|exact|, scale) + units
// where `scale` is the value one unit of relative price error moves the quantity by (L*sqrt(P)
// for token1 amounts, L/sqrt(P) for token0 amounts, L*growth for owed fees: an amount that is a
// small difference of large terms is only as precise as the terms), and `units` is the exact
// pool's integer rounding: 2 token units per swap step it takes (round up of the input, round
// down of the output, round up of the fee) and 1 per mint / burn. Active liquidity and the tick
// must be identical (the tick may differ only when the price sits on a tick boundary to 1e-9).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "pftoken/amm/exact/uint256.hpp"
#include "pftoken/amm/exact/v3/pool.hpp"
#include "pftoken/amm/exact/v3/tick_math.hpp"
#include "pftoken/amm/fast/concentrated_liquidity_pool.hpp"
#include "pftoken/amm/fast/error.hpp"

namespace fast = pftoken::amm::fast;
namespace v3 = pftoken::amm::v3;
using pftoken::amm::I256;
using pftoken::amm::u128;
using pftoken::amm::U256;

namespace {

const double kQ96 = std::ldexp(1.0, 96);
const double kQ128 = std::ldexp(1.0, 128);
constexpr double kRelBound = 1e-9;

double to_double(const I256& v) {
    return v.negative() ? -v.magnitude().to_double() : v.bits.to_double();
}
double to_double(u128 v) { return static_cast<double>(v); }

// Normalised errors per quantity: max(0, |fast - exact| - units) / max(|exact|, scale). The
// quantity passes when this is <= 1e-9.
struct ErrorLog {
    std::map<std::string, std::vector<double>> errors;
    int failures = 0;

    bool check(const std::string& what, double fast_value, double exact_value, double scale,
               double units) {
        const double excess = std::max(0.0, std::fabs(fast_value - exact_value) - units);
        const double denominator = std::max(std::fabs(exact_value), scale);
        const double e = denominator > 0.0 ? excess / denominator : (excess > 0.0 ? 1.0 : 0.0);
        errors[what].push_back(std::isnan(fast_value) ? 1.0 : e);
        if (e <= kRelBound && !std::isnan(fast_value)) return true;
        if (++failures <= 20) {
            ADD_FAILURE() << what << ": fast " << fast_value << " exact " << exact_value
                          << " scale " << scale << " units " << units << " -> normalised error "
                          << e;
        }
        return false;
    }

    static double quantile(std::vector<double> v, double q) {
        if (v.empty()) return 0.0;
        std::sort(v.begin(), v.end());
        const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
        return v[i];
    }

    void print(const char* title) const {
        std::printf("%s\n  %-22s %8s %10s %10s %10s\n", title, "quantity", "n", "p99", "p99.9",
                    "max");
        for (const auto& [name, v] : errors) {
            std::printf("  %-22s %8zu %10.3g %10.3g %10.3g\n", name.c_str(), v.size(),
                        quantile(v, 0.99), quantile(v, 0.999), quantile(v, 1.0));
        }
    }
};

// The exact pool and its fast twin driven by the same operations, compared after each one.
class Twins {
  public:
    Twins(std::uint32_t fee, int spacing, const U256& sqrt_price_x96, ErrorLog& log)
        : exact_(v3::PoolConfig{fee, spacing}), fast_(make_fast(fee, spacing, sqrt_price_x96)),
          log_(log) {
        EXPECT_TRUE(exact_.initialize(sqrt_price_x96).ok());
        EXPECT_EQ(fast_.tick(), exact_.tick());
    }

    void set_fee_protocol(std::uint8_t p0, std::uint8_t p1, std::uint32_t fee, int spacing) {
        ASSERT_EQ(exact_.set_fee_protocol(p0, p1), pftoken::amm::Revert::None);
        fast::ConcentratedLiquidityOptions options;
        options.fee_pips = fee;
        options.tick_spacing = spacing;
        options.sqrt_price = fast_.sqrt_price();
        options.fee_protocol0 = p0;
        options.fee_protocol1 = p1;
        fast_ = fast::ConcentratedLiquidityPool(options);  // whole token units (the default)  // only called before any mint
    }

    // Liquidities are doubles that are whole numbers, so both pools hold the same integer.
    void mint(int owner, int lower, int upper, u128 liquidity) {
        ASSERT_EQ(static_cast<u128>(to_double(liquidity)), liquidity) << "not a double";
        const v3::Pool saved = exact_;
        const auto e = exact_.mint(static_cast<v3::OwnerId>(owner), lower, upper, liquidity);
        if (!e.ok()) {
            EXPECT_THROW(fast_.mint(name(owner), lower, upper, to_double(liquidity)), fast::Error)
                << "exact reverted " << e.code();
            return;
        }
        fast::TokenAmounts f;
        try {
            f = fast_.mint(name(owner), lower, upper, to_double(liquidity));
        } catch (const fast::Error& error) {
            if (!refused_at_holdings_limit("mint", error, e.value.amount0.to_double(),
                                           e.value.amount1.to_double()) &&
                !refused_at_tick_edge("mint", error)) {
                refused("mint", error);
            }
            exact_ = saved;
            return;
        }
        held("mint", e.value.amount0.to_double(), e.value.amount1.to_double());
        position_amounts("mint", f.amount0, f.amount1, e.value.amount0.to_double(),
                         e.value.amount1.to_double(), to_double(liquidity));
        track_position(owner, lower, upper);
        state("mint");
    }

    void burn(int owner, int lower, int upper, u128 liquidity) {
        const v3::Pool saved = exact_;
        const auto e = exact_.burn(static_cast<v3::OwnerId>(owner), lower, upper, liquidity);
        ASSERT_TRUE(e.ok()) << e.code();
        fast::TokenAmounts f;
        try {
            f = fast_.burn(name(owner), lower, upper, to_double(liquidity));
        } catch (const fast::Error& error) {
            if (!refused_at_tick_edge("burn", error)) refused("burn", error);
            exact_ = saved;
            return;
        }
        position_amounts("burn", f.amount0, f.amount1, e.value.amount0.to_double(),
                         e.value.amount1.to_double(), to_double(liquidity));
        track_position(owner, lower, upper);
        state("burn");
    }

    void collect(int owner, int lower, int upper) {
        const v3::PositionInfo* pos = exact_.position(static_cast<v3::OwnerId>(owner), lower, upper);
        const double liquidity = pos ? to_double(pos->liquidity) : 0.0;
        const u128 all = ~u128{0};
        const auto e = exact_.collect(static_cast<v3::OwnerId>(owner), lower, upper, all, all);
        ASSERT_TRUE(e.ok()) << e.code();
        const auto f = fast_.collect(name(owner), lower, upper, 1e300, 1e300);
        held("collect", -to_double(e.value.amount0), -to_double(e.value.amount1));
        // Owed fees are L * (growth inside now - at the last update), a difference of growths
        // of the size of the global one: scale L * global growth (+ what the burns credited).
        const double g0 = exact_.fee_growth_global0_x128().to_double() / kQ128;
        const double g1 = exact_.fee_growth_global1_x128().to_double() / kQ128;
        const double l = std::max(liquidity, max_liquidity_);
        log_.check("collect amount0", f.amount0, to_double(e.value.amount0),
                   l * (g0 + growth_scale0_ * slack()), 2.0 + steps_ + l * growth_units0_);
        log_.check("collect amount1", f.amount1, to_double(e.value.amount1),
                   l * (g1 + growth_scale1_ * slack()), 2.0 + steps_ + l * growth_units1_);
    }

    // Returns false when the exact pool reverted (the fast pool must refuse too).
    bool swap(bool zero_for_one, bool exact_input, u128 amount, const U256& limit) {
        const I256 specified = exact_input ? I256::from_bits(U256(amount))
                                           : -I256::from_bits(U256(amount));
        const double liquidity_before = to_double(exact_.liquidity());
        const double s_before = exact_.sqrt_price_x96().to_double() / kQ96;
        const std::int32_t tick_before = exact_.tick();
        const bool at_tick_edge = within_ulps_of_a_tick();
        const v3::Pool saved = exact_;
        const auto e = exact_.swap(zero_for_one, specified, limit);
        const double amount_d = exact_input ? to_double(amount) : -to_double(amount);
        const double limit_d = limit.to_double() / kQ96;
        if (!e.ok()) {
            EXPECT_THROW(fast_.swap(zero_for_one, amount_d, limit_d), fast::Error)
                << "exact reverted " << e.code();
            return false;
        }
        fast::SwapResult f;
        try {
            f = fast_.swap(zero_for_one, amount_d, limit_d);
        } catch (const fast::Error& error) {
            const v3::Pool after = exact_;
            exact_ = saved;
            if (!refused_at_holdings_limit("swap", error, to_double(e.value.amount0),
                                           to_double(e.value.amount1)) &&
                !refused_at_tick_edge("swap", error) && !refused_too_thin(error, after)) {
                refused("swap", error);
            }
            return false;
        }
        held("swap", to_double(e.value.amount0), to_double(e.value.amount1));
        ++swaps_;
        if (at_tick_edge) ++tick_edge_swaps_;
        const double slack_before = slack();
        // Steps of the exact loop: one per crossed tick and per bitmap word boundary passed.
        const int word = 256 * exact_.tick_spacing();
        const double words = std::fabs(std::floor(static_cast<double>(tick_before) / word) -
                                       std::floor(static_cast<double>(e.value.tick) / word));
        const double units = 2.0 * (static_cast<double>(e.value.ticks_crossed) + words + 1.0);
        const double fee = static_cast<double>(exact_.fee_pips()) * 1e-6;
        // A unit of rounding of one token moves the other by the price (s^2 token1 per token0).
        const double s_end = e.value.sqrt_price_x96.to_double() / kQ96;
        const double s_lo = std::min(s_before, s_end), s_hi = std::max(s_before, s_end);
        const double l = std::max(liquidity_before, to_double(e.value.liquidity));
        // The exact price is a Q64.96 integer: each step rounds it to 2^-96, and the twins
        // started this swap up to `quanta_` such units apart. A price off by ds moves amount0 by
        // L ds / s^2 and amount1 by L ds (amount0 = L (1/s' - 1/s), amount1 = L (s' - s)); at
        // the lowest prices one unit is worth L 2^-96 / s^2 ~ 4e-21 L / s token0, more than the
        // relative 1e-9 of L / s below sqrt price ~ 1e-20 / 1e-9. In the exact pool an input too
        // small to move the price by one unit is taken whole as fee.
        const double steps = static_cast<double>(e.value.ticks_crossed) + words + 1.0;
        const double dq = std::ldexp(1.0, -96) * (1.0 + quanta_ + steps);
        const double q0 = l * dq / (s_lo * s_lo), q1 = l * dq;
        log_.check("swap amount0", f.amount0, to_double(e.value.amount0), l / s_lo * slack(),
                   units * std::max(1.0, 1.0 / (s_lo * s_lo)) + q0);
        log_.check("swap amount1", f.amount1, to_double(e.value.amount1), l * s_hi * slack(),
                   units * std::max(1.0, s_hi * s_hi) + q1);
        (zero_for_one ? growth_units0_ : growth_units1_) +=
            zero_for_one ? dq / (s_lo * s_lo) : dq;
        (zero_for_one ? protocol_units0_ : protocol_units1_) += zero_for_one ? q0 : q1;
        steps_ += units;
        protocol_scale0_ += fee * l / s_lo * slack();
        protocol_scale1_ += fee * l * s_hi * slack();
        // The exact pool's rounding of what it puts in moves the price it ends at: a swap ending
        // inside liquidity L is off by units * max(s, 1/s) / L relative (ds = da / L for token1,
        // ds = s^2 da / L for token0). A swap ending on a tick or at its limit resets the error.
        const double l_after = to_double(e.value.liquidity);
        const double s_after = e.value.sqrt_price_x96.to_double() / kQ96;
        const bool on_tick_or_limit =
            e.value.sqrt_price_x96 == limit ||
            e.value.sqrt_price_x96 == sqrt_at_clamped(e.value.tick) ||
            e.value.sqrt_price_x96 == sqrt_at_clamped(e.value.tick + 1);
        quanta_ = on_tick_or_limit || l_after == 0.0 ? 0.0 : quanta_ + steps;
        price_rounding_ = on_tick_or_limit || l_after == 0.0
                              ? 0.0
                              : std::min(1.0, price_rounding_ +
                                                  units * std::max(s_after, 1.0 / s_after) / l_after);
        // Fee growth: fee rounding per step over the liquidity, and the fee on an amount that is
        // only known to the price's resolution.
        const double l_min = std::max(1.0, min_liquidity_);
        (zero_for_one ? growth_units0_ : growth_units1_) += units / l_min;
        // The growth error stays in the ticks' outside snapshots after the price error that
        // caused it is reset (price on a tick): keep the slack of the swap in the scale.
        const double swap_slack = std::max(slack_before, slack());
        growth_scale0_ = std::max(growth_scale0_, fee / std::min(s_before, s_after) * swap_slack);
        growth_scale1_ = std::max(growth_scale1_, fee * std::max(s_before, s_after) * swap_slack);
        // Identical, unless the exact pool's own rounding had moved its price by more than 1e-9
        // (then a tick within that distance may be crossed by one pool only).
        log_.check("swap ticks crossed", f.ticks_crossed,
                   static_cast<double>(e.value.ticks_crossed), 0.0,
                   slack_before > 2.0 ? 1e300 : 0.0);
        state("swap");
        return true;
    }

    [[nodiscard]] const v3::Pool& exact() const { return exact_; }

    // The price is within 4 ulps of an initialized tick's price (as a double).
    [[nodiscard]] bool within_ulps_of_a_tick() const {
        const double s = fast_.sqrt_price();
        for (const fast::TickInfo& t : fast_.initialized_ticks()) {
            if (std::fabs(t.sqrt_price - s) <= 4.0 * std::numeric_limits<double>::epsilon() * s) {
                return true;
            }
        }
        return false;
    }
    [[nodiscard]] const fast::ConcentratedLiquidityPool& twin() const { return fast_; }

  private:
    static fast::ConcentratedLiquidityPool make_fast(std::uint32_t fee, int spacing,
                                                      const U256& sqrt_price_x96) {
        fast::ConcentratedLiquidityOptions options;
        options.fee_pips = fee;
        options.tick_spacing = spacing;
        options.sqrt_price = sqrt_price_x96.to_double() / kQ96;
        // Whole token units (token0_unit = token1_unit = 1, the default): held to the exact
        // pool, wei for wei.
        return fast::ConcentratedLiquidityPool(options);
    }
    static std::string name(int owner) { return "o" + std::to_string(owner); }

    // The fast pool refuses an operation that would take its holdings of a token to 2^128 or
    // more (where the exact pool's uint128 owed amounts and protocol fees wrap): the exact pool's
    // holdings after the operation must be there too, to the bound. Returns whether it was so.
    bool refused_at_holdings_limit(const std::string& op, const fast::Error& error, double d0,
                                   double d1) {
        if (std::string(error.what()).find("at or above the limit 2^128") == std::string::npos) {
            return false;
        }
        const double reach = std::max(held0_ + d0, held1_ + d1);
        ++holdings_refusals_;
        return log_.check(op + " refused", reach >= kQ128 * (1.0 - 1e-6) ? 0.0 : 1.0, 0.0, 1.0,
                          0.0);
    }
    // What the pool holds of each token, from the exact pool's amounts; the fast pool must have
    // refused anything that reached 2^128.
    void held(const std::string& op, double d0, double d1) {
        held0_ += d0;
        held1_ += d1;
        log_.check(op + " under holdings limit",
                   std::max(held0_, held1_) < kQ128 * (1.0 + 1e-6) ? 0.0 : 1.0, 0.0, 1.0, 0.0);
    }

    // The fast pool refuses an operation whose outcome depends on which side of a tick the
    // price is when its price is too close to the tick's to tell; the exact price must be there
    // too: within the tolerance of the price check of the tick's price.
    bool refused_at_tick_edge(const std::string& op, const fast::Error& error) {
        const std::string what = error.what();
        const auto at = what.find(" of tick ");
        if (what.find("below the fast pool's resolution") == std::string::npos ||
            at == std::string::npos) {
            return false;
        }
        const int t = std::stoi(what.substr(at + 9));
        const double s_exact = exact_.sqrt_price_x96().to_double() / kQ96;
        const double s_tick = sqrt_at_clamped(t).to_double() / kQ96;
        const double tolerance = 1e-9 + std::ldexp(1.0, -96) * (1.0 + quanta_) / s_exact +
                                 price_rounding_;
        ++tick_edge_refusals_;
        return log_.check(op + " refused at a tick edge",
                          std::fabs(s_exact - s_tick) <= 10.0 * tolerance * s_exact ? 0.0 : 1.0,
                          0.0, 1.0, 0.0);
    }

    // The fast pool refuses a swap that ends where one token unit moves the price by more than
    // 1e-9: the exact pool's end state must be where one unit moves it by more than 1e-12
    // (the fast pool's estimate counts up to 2 units per step of the exact loop).
    bool refused_too_thin(const fast::Error& error, const v3::Pool& after) {
        if (std::string(error.what()).find("liquidity too thin") == std::string::npos) return false;
        ++thin_refusals_;
        const double l = to_double(after.liquidity());
        const double sa = after.sqrt_price_x96().to_double() / kQ96;
        const double per_unit = l > 0.0 ? std::max(sa, 1.0 / sa) / l : 1.0;
        return log_.check("swap refused as too thin", per_unit > 1e-12 ? 0.0 : 1.0, 0.0, 1.0,
                          0.0);
    }

  public:
    [[nodiscard]] int thin_refusals() const { return thin_refusals_; }
    [[nodiscard]] int holdings_refusals() const { return holdings_refusals_; }
    [[nodiscard]] int tick_edge_refusals() const { return tick_edge_refusals_; }
    [[nodiscard]] int tick_edge_swaps() const { return tick_edge_swaps_; }

  private:
    void refused(const std::string& op, const fast::Error& error) {
        log_.check(op + " refused", 1.0, 0.0, 1.0, 0.0);
        ADD_FAILURE() << "the fast pool refused a " << op
                      << " the exact pool accepts: " << error.what();
    }

    // Allowed relative price discrepancy over 1e-9 (>= 1): scales the terms that carry it.
    [[nodiscard]] double slack() const { return 1.0 + price_rounding_ / kRelBound; }
    static U256 sqrt_at_clamped(std::int32_t t) {
        return v3::get_sqrt_ratio_at_tick(std::clamp(t, v3::kMinTick, v3::kMaxTick)).value;
    }

    void position_amounts(const std::string& op, double f0, double f1, double e0, double e1,
                          double liquidity) {
        const double s = exact_.sqrt_price_x96().to_double() / kQ96;
        max_liquidity_ = std::max(max_liquidity_, liquidity);
        // The price the amounts are taken at is known to ds (see swap): L ds / s^2, L ds.
        const double ds = std::ldexp(1.0, -96) * (1.0 + quanta_) + price_rounding_ * s;
        log_.check(op + " amount0", f0, e0, liquidity / s * slack(), 1.0 + liquidity * ds / (s * s));
        log_.check(op + " amount1", f1, e1, liquidity * s * slack(), 1.0 + liquidity * ds);
    }
    void track_position(int owner, int lower, int upper) {
        const v3::PositionInfo* pos = exact_.position(static_cast<v3::OwnerId>(owner), lower, upper);
        if (pos != nullptr && pos->liquidity > 0) {
            const double l = to_double(pos->liquidity);
            min_liquidity_ = min_liquidity_ == 0.0 ? l : std::min(min_liquidity_, l);
        }
    }

    void state(const std::string& op) {
        const double s_exact = exact_.sqrt_price_x96().to_double() / kQ96;
        const bool same_price = log_.check("sqrt price", fast_.sqrt_price(), s_exact, 0.0,
                                           // the exact price's own rounding: 1 unit of Q64.96
                                           // per swap
                                           std::ldexp(1.0, -96) * (1.0 + quanta_) +
                                               price_rounding_ * s_exact);
        const double l_exact = to_double(exact_.liquidity());
        bool tick_on_boundary = false;
        if (fast_.tick() != exact_.tick()) {
            // The ticks may differ only by boundaries that lie within the price's tolerance of
            // the exact price.
            const double tolerance =
                1e-9 + (std::ldexp(1.0, -96) * (1.0 + quanta_)) / s_exact + price_rounding_;
            const std::int32_t lo = std::min(fast_.tick(), exact_.tick()) + 1;
            const std::int32_t hi = std::max(fast_.tick(), exact_.tick());
            tick_on_boundary = true;
            for (const std::int32_t t : {lo, hi}) {
                const double boundary = sqrt_at_clamped(t).to_double() / kQ96;
                tick_on_boundary = tick_on_boundary &&
                                   std::fabs(s_exact - boundary) <= tolerance * s_exact;
            }
            EXPECT_TRUE(tick_on_boundary || !same_price)
                << op << ": tick fast " << fast_.tick() << " exact " << exact_.tick();
            log_.check("tick", fast_.tick(), exact_.tick(), 1e12, tick_on_boundary ? 1e9 : 0.0);
        } else {
            log_.check("tick", fast_.tick(), exact_.tick(), 1e12, 0.0);
        }
        // Liquidity is integer bookkeeping: identical unless the price sits on a tick that one
        // pool crossed and the other stopped 1 unit short of.
        log_.check("liquidity", fast_.liquidity(), l_exact, 0.0,
                   tick_on_boundary ? 1e300 : 0.0);
        log_.check("fee growth global0", fast_.fee_growth_global0(),
                   exact_.fee_growth_global0_x128().to_double() / kQ128,
                   growth_scale0_ * slack(), growth_units0_);
        log_.check("fee growth global1", fast_.fee_growth_global1(),
                   exact_.fee_growth_global1_x128().to_double() / kQ128,
                   growth_scale1_ * slack(), growth_units1_);
        log_.check("protocol fees0", fast_.protocol_fees().amount0,
                   to_double(exact_.protocol_fees().token0), protocol_scale0_,
                   1.0 + steps_ + protocol_units0_);
        log_.check("protocol fees1", fast_.protocol_fees().amount1,
                   to_double(exact_.protocol_fees().token1), protocol_scale1_,
                   1.0 + steps_ + protocol_units1_);
    }

    v3::Pool exact_;
    fast::ConcentratedLiquidityPool fast_;
    ErrorLog& log_;
    double held0_ = 0.0, held1_ = 0.0;
    int holdings_refusals_ = 0;
    int tick_edge_refusals_ = 0;
    int thin_refusals_ = 0;
    int tick_edge_swaps_ = 0;  // swaps accepted with the price within 4 ulps of a tick
    double swaps_ = 0.0;
    double quanta_ = 0.0;           // Q64.96 units the prices may be apart (reset on a tick)
    double protocol_units0_ = 0.0, protocol_units1_ = 0.0;
    double steps_ = 0.0;            // rounding units of all swaps so far
    double max_liquidity_ = 0.0;
    double min_liquidity_ = 0.0;    // smallest non-zero position liquidity seen
    double price_rounding_ = 0.0;   // relative price error the exact pool's rounding explains
    double growth_units0_ = 0.0, growth_units1_ = 0.0;
    double growth_scale0_ = 0.0, growth_scale1_ = 0.0;
    double protocol_scale0_ = 0.0, protocol_scale1_ = 0.0;
};

// mantissa * 10^zeros as a 128-bit integer (literals above 2^64 do not exist in C++).
u128 dec(std::uint64_t mantissa, int zeros) {
    u128 v = mantissa;
    for (int i = 0; i < zeros; ++i) v *= 10u;
    return v;
}

U256 sqrt_at(int tick) { return v3::get_sqrt_ratio_at_tick(tick).value; }
const U256 kLowestLimit = v3::kMinSqrtRatio + U256(1u);
const U256 kHighestLimit = v3::kMaxSqrtRatio - U256(1u);

// An integer drawn log-uniform in [10^lo, 10^hi], exactly representable as a double (so both
// pools are given the same liquidity) and not a multiple of a large power of two.
u128 log_uniform(std::mt19937_64& rng, double lo, double hi) {
    std::uniform_real_distribution<double> exponent(lo, hi);
    double v = std::floor(std::pow(10.0, exponent(rng)));
    if (v < 9007199254740992.0) v = std::floor(v) + 1.0;  // odd-ish low bits below 2^53
    return static_cast<u128>(v);
}

}  // namespace

// One random-sequence run: `start_range` bounds the start tick, `whole_range` draws positions
// anywhere in the usable tick range (1 in 8 full range) instead of within 200 spacings of the
// start, and price limits anywhere between the price and the extreme limits.
struct RunStats {
    int operations = 0;
    int past_all_liquidity = 0;
    int refused_at_tick_edge = 0;
    int tick_edge_swaps = 0;
    int refused_at_holdings = 0;
    int refused_too_thin = 0;
};

RunStats run_random_sequences(ErrorLog& log, std::uint64_t seed, int sequences, int start_range,
                              bool whole_range) {
    RunStats stats;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> op_kind(0, 9);
    std::uniform_int_distribution<int> owner(1, 4);
    std::uniform_int_distribution<int> start_tick(-start_range, start_range);
    std::bernoulli_distribution coin(0.5);
    std::uniform_int_distribution<int> limit_kind(0, 3);
    for (int sequence = 0; sequence < sequences; ++sequence) {
        SCOPED_TRACE("sequence " + std::to_string(sequence));
        const std::uint32_t fee = sequence % 3 == 0 ? 500 : (sequence % 3 == 1 ? 3000 : 10000);
        const int spacing = fee == 500 ? 10 : (fee == 3000 ? 60 : 200);
        const int min_usable = v3::kMinTick / spacing * spacing;
        const int max_usable = v3::kMaxTick / spacing * spacing;
        const int centre = std::clamp(start_tick(rng) / spacing * spacing, min_usable + spacing,
                                      max_usable - 2 * spacing);
        const U256 at = sqrt_at(centre + static_cast<int>(rng() % 97));
        const U256 start = at + at / U256(3000u + rng() % 5000u);  // off the tick grid
        Twins twins(fee, spacing, start, log);
        if (sequence % 4 == 3) twins.set_fee_protocol(6, 4, fee, spacing);
        struct Tally {  // adds the twins' counts to the stats when the sequence ends
            RunStats& stats;
            const Twins& twins;
            ~Tally() {
                stats.refused_at_tick_edge += twins.tick_edge_refusals();
                stats.tick_edge_swaps += twins.tick_edge_swaps();
                stats.refused_at_holdings += twins.holdings_refusals();
                stats.refused_too_thin += twins.thin_refusals();
            }
        } tally{stats, twins};
        // Deep/shallow mixes: each sequence draws its positions from the whole 1e12..1e27 range.
        struct Minted {
            int owner, lower, upper;
        };
        std::vector<Minted> minted;
        std::uniform_int_distribution<int> width(1, 100);
        std::uniform_int_distribution<int> anywhere(min_usable / spacing, max_usable / spacing);
        for (int op = 0; op < 160; ++op) {
            SCOPED_TRACE("op " + std::to_string(op));
            ++stats.operations;
            const int kind = op_kind(rng);
            if (kind < 3 || minted.empty()) {
                int lo = 0, hi = 0;
                if (!whole_range) {
                    lo = centre + (static_cast<int>(rng() % 201) - 100) * spacing;
                    hi = lo + width(rng) * spacing;
                } else if (rng() % 8 == 0) {
                    lo = min_usable;
                    hi = max_usable;
                } else {
                    lo = anywhere(rng) * spacing;
                    hi = anywhere(rng) * spacing;
                    if (lo > hi) std::swap(lo, hi);
                }
                if (lo >= hi) continue;
                const int who = owner(rng);
                twins.mint(who, lo, hi, log_uniform(rng, 12.0, 27.0));
                // A mint refused at the holdings limit leaves no position behind.
                if (twins.exact().position(static_cast<v3::OwnerId>(who), lo, hi) != nullptr) {
                    minted.push_back({who, lo, hi});
                }
            } else if (kind < 5) {
                const Minted m = minted[rng() % minted.size()];
                const v3::PositionInfo* pos = twins.exact().position(
                    static_cast<v3::OwnerId>(m.owner), m.lower, m.upper);
                if (pos == nullptr) {
                    ADD_FAILURE() << "position missing";
                    return stats;
                }
                if (pos->liquidity > 0) {
                    const double part_d =
                        coin(rng) ? to_double(pos->liquidity)
                                  : std::floor(to_double(pos->liquidity) * 0.37);
                    const u128 part = static_cast<u128>(part_d);
                    if (part > 0 && part <= pos->liquidity) twins.burn(m.owner, m.lower, m.upper, part);
                }
                twins.collect(m.owner, m.lower, m.upper);
            } else {
                const bool zero_for_one = coin(rng);
                const bool exact_input = coin(rng);
                const u128 amount = log_uniform(rng, 3.0, 30.0);
                U256 limit;
                const U256 s = twins.exact().sqrt_price_x96();
                const int lk = limit_kind(rng);
                if (lk == 0) {
                    const U256 bps = U256(1u + rng() % 500u);
                    limit = zero_for_one ? s * (U256(10000u) - bps) / U256(10000u)
                                         : s * (U256(10000u) + bps) / U256(10000u);
                } else if (lk == 1) {
                    if (whole_range) {
                        const int t = twins.exact().tick();
                        const int lo_t = zero_for_one ? v3::kMinTick + 1 : t + 1;
                        const int hi_t = zero_for_one ? t : v3::kMaxTick - 1;
                        if (lo_t > hi_t) continue;
                        limit = sqrt_at(std::uniform_int_distribution<int>(lo_t, hi_t)(rng));
                    } else {
                        limit = sqrt_at(centre + (zero_for_one ? -1 : 1) * 150 * spacing);
                    }
                } else {
                    limit = zero_for_one ? kLowestLimit : kHighestLimit;  // past all liquidity
                }
                if (zero_for_one ? !(limit < s) : !(s < limit)) continue;
                if (zero_for_one ? limit < kLowestLimit : kHighestLimit < limit) continue;
                // A limit the same double as the price is on the wrong side for the fast pool
                // (SPL) but may be a few Q64.96 units away for the exact one: not comparable.
                if (limit.to_double() / kQ96 == twins.twin().sqrt_price()) continue;
                if (twins.swap(zero_for_one, exact_input, amount, limit) &&
                    twins.exact().liquidity() == 0 && lk >= 2) {
                    ++stats.past_all_liquidity;
                }
            }
        }
    }
    return stats;
}

void report(const RunStats& stats, int sequences) {
    std::printf("  %d operations in %d sequences (every one run to the end); refused: %d at a tick "
                "edge, %d at the 2^128 holdings limit, %d as too thin; %d swaps accepted within 4 "
                "ulps of a tick\n",
                stats.operations, sequences, stats.refused_at_tick_edge, stats.refused_at_holdings,
                stats.refused_too_thin, stats.tick_edge_swaps);
}

TEST(FastVsExactDifferential, RandomPoolsWithLogUniformLiquidity) {
    ErrorLog log;
    const RunStats stats = run_random_sequences(log, 20261207, 48, 60000, false);
    log.print("fast vs exact, random pools with liquidities log-uniform in [1e12, 1e27]:");
    report(stats, 48);
    EXPECT_EQ(stats.operations, 48 * 160);  // no sequence stopped early
    EXPECT_LE(stats.refused_at_tick_edge, stats.operations / 100);
    EXPECT_EQ(log.failures, 0);
    EXPECT_GT(stats.past_all_liquidity, 50);  // the sequences do run past all liquidity
}

// The whole input range: start ticks anywhere in [MIN_TICK, MAX_TICK], positions anywhere (1 in 8
// full range), price limits anywhere up to MIN_SQRT_RATIO + 1 / MAX_SQRT_RATIO - 1.
TEST(FastVsExactDifferential, WholeInputRange) {
    ErrorLog log;  // every quantity held to 1e-9 (with its scale and units), collects included
    const RunStats stats = run_random_sequences(log, 20261208, 96, v3::kMaxTick, true);
    log.print("fast vs exact, whole tick range, liquidities log-uniform in [1e12, 1e27]:");
    report(stats, 96);
    EXPECT_EQ(stats.operations, 96 * 160);
    EXPECT_LE(stats.refused_at_tick_edge, stats.operations / 100);
    EXPECT_EQ(log.failures, 0);
    EXPECT_GT(stats.past_all_liquidity, 50);
}

// Issue 14: positions of liquidity 1e23, 3e20+196608 and 7e18+5120; a buy of 1e30 token1 runs
// past all of them; a sale of 1e20 token0 comes back. The exact pool ends the buy with liquidity
// 0 and takes 3.08e21 token1 (rounded-down float sums used to leave 1,108,992 liquidity behind
// and take 2.05e25).
TEST(FastVsExactDifferential, LeavingEveryPositionLeavesNoLiquidity) {
    ErrorLog log;
    Twins twins(3000, 60, sqrt_at(0), log);
    twins.mint(1, -600, 600, static_cast<u128>(1e23));  // the double nearest 1e23
    twins.mint(2, -1200, 1800, dec(3, 20) + 196608u);
    twins.mint(3, -60, 3000, dec(7, 18) + 5120u);
    const u128 huge = dec(1, 30);
    ASSERT_TRUE(twins.swap(false, true, huge, kHighestLimit));
    EXPECT_EQ(twins.exact().liquidity(), u128{0});
    EXPECT_EQ(twins.twin().liquidity(), 0.0);
    EXPECT_EQ(twins.twin().tick(), v3::kMaxTick - 1);
    const u128 sale = dec(1, 20);
    ASSERT_TRUE(twins.swap(true, true, sale, kLowestLimit));
    for (int who = 1; who <= 3; ++who) {
        const int lower[] = {-600, -1200, -60};
        const int upper[] = {600, 1800, 3000};
        const u128 l = twins.exact().position(static_cast<v3::OwnerId>(who), lower[who - 1],
                                              upper[who - 1])->liquidity;
        twins.burn(who, lower[who - 1], upper[who - 1], l);
        twins.collect(who, lower[who - 1], upper[who - 1]);
    }
    EXPECT_EQ(log.failures, 0);
}

// Issue 14: crossing out of a deep position (1.2e25) over a thin full-range one (9.9e12) must
// leave exactly the thin liquidity (a float sum left it off by 2.7e-5 relative).
TEST(FastVsExactDifferential, CrossingOutOfADeepPosition) {
    ErrorLog log;
    Twins twins(500, 10, sqrt_at(-195000) + U256(12345u), log);
    twins.mint(1, -887270, 887270, u128{9'900'000'000'000u});
    twins.mint(2, -195100, -194900, static_cast<u128>(1.2e25));
    const u128 amount = dec(1, 28);
    ASSERT_TRUE(twins.swap(true, true, amount, sqrt_at(-196000)));
    EXPECT_EQ(twins.exact().liquidity(), u128{9'900'000'000'000u});
    EXPECT_EQ(twins.twin().liquidity(), 9.9e12);
    ASSERT_TRUE(twins.swap(false, false, amount / 1000u, kHighestLimit));
    EXPECT_EQ(twins.twin().liquidity(), to_double(twins.exact().liquidity()));
    EXPECT_EQ(log.failures, 0);
}

// Tick prices are the exact TickMath values converted once: bit-identical to the Q64.96 value
// divided by 2^96 everywhere (pow(1.0001, t/2) drifted ~5.5e-15 per 1,000 ticks).
TEST(FastVsExactDifferential, TickPricesAreTheExactTickMath) {
    int mismatches = 0;
    for (int t = v3::kMinTick; t <= v3::kMaxTick; t += 997) {
        const double exact = sqrt_at(t).to_double() / kQ96;
        if (fast::sqrt_price_at_tick(t) != exact) ++mismatches;
    }
    for (const int t : {v3::kMinTick, -195000, -1, 0, 1, 195000, v3::kMaxTick}) {
        EXPECT_EQ(fast::sqrt_price_at_tick(t), sqrt_at(t).to_double() / kQ96) << t;
        if (t < v3::kMaxTick) {
            EXPECT_EQ(fast::tick_at_sqrt_price(sqrt_at(t).to_double() / kQ96), t);
        }
    }
    EXPECT_EQ(mismatches, 0);
}

// One-tick crossing swap at tick -195000: the amounts must match to 1e-9.
TEST(FastVsExactDifferential, OneTickCrossingAtALowPrice) {
    ErrorLog log;
    Twins twins(500, 10, sqrt_at(-194995), log);
    twins.mint(1, -195010, -194990, static_cast<u128>(1.23456789012345678e20));
    twins.mint(2, -195000, -194980, static_cast<u128>(9.87654321098765432e19));
    ASSERT_TRUE(twins.swap(true, false, dec(1, 18), sqrt_at(-195008)));
    ASSERT_TRUE(twins.swap(false, true, dec(1, 21), sqrt_at(-194985)));
    EXPECT_EQ(log.failures, 0);
}

// Boundaries: the extreme limits MIN_SQRT_RATIO + 1 and MAX_SQRT_RATIO - 1 are accepted and
// reached; a pool without liquidity moves to the limit for nothing; an empty range between two
// positions is crossed for nothing.
TEST(FastVsExactDifferential, BoundariesMatchTheExactPool) {
    ErrorLog log;
    {
        Twins empty(3000, 60, sqrt_at(1234) + U256(777u), log);
        ASSERT_TRUE(empty.swap(false, true, u128{1'000'000}, kHighestLimit));
        EXPECT_EQ(empty.twin().tick(), empty.exact().tick());
        ASSERT_TRUE(empty.swap(true, false, u128{1'000'000}, kLowestLimit));
        EXPECT_EQ(empty.twin().tick(), empty.exact().tick());
        EXPECT_EQ(empty.twin().sqrt_price(), kLowestLimit.to_double() / kQ96);
    }
    {
        Twins gap(3000, 60, sqrt_at(0), log);
        gap.mint(1, -600, 600, static_cast<u128>(5.123456789e18));
        gap.mint(2, 1200, 2400, static_cast<u128>(3.987654321e18));
        ASSERT_TRUE(gap.swap(false, true, dec(1, 21), sqrt_at(1800)));
        ASSERT_TRUE(gap.swap(true, false, dec(1, 17), sqrt_at(900)));
        ASSERT_TRUE(gap.swap(true, true, dec(1, 24), kLowestLimit));
        EXPECT_EQ(gap.exact().liquidity(), u128{0});
        EXPECT_EQ(gap.twin().liquidity(), 0.0);
    }
    EXPECT_EQ(log.failures, 0);
}
