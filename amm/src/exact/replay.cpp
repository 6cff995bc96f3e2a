// `pftoken amm replay`: JSON scenario -> exact pool operations -> JSON results.
#include "pftoken/amm/exact/replay.hpp"

#include "pftoken/base/json.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "pftoken/amm/exact/v2/library.hpp"
#include "pftoken/amm/exact/v2/pair.hpp"
#include "pftoken/amm/exact/v3/pool.hpp"
#include "pftoken/amm/exact/v3/sqrt_price_math.hpp"
#include "pftoken/amm/exact/v3/swap_math.hpp"
#include "pftoken/amm/exact/v3/tick.hpp"

namespace pftoken::amm {
namespace {

using nlohmann::json;

std::string show(const json& j) {
    std::string s = j.dump();
    if (s.size() > 80) s = s.substr(0, 77) + "...";
    return s;
}

const json& require_field(const json& obj, const std::string& path, const char* key) {
    if (!obj.contains(key)) throw ReplayError(path + "." + key, "missing required field");
    return obj.at(key);
}

// Every key must be known (typos in optional fields would otherwise pass silently).
void reject_unknown_keys(const json& obj, const std::string& path, std::initializer_list<const char*> known) {
    for (const auto& [key, value] : obj.items()) {
        if (key == "comment") continue;
        bool found = false;
        for (const char* k : known) found = found || key == k;
        if (!found) throw ReplayError(path + "." + key, "unknown field");
    }
}

// Unsigned integer of at most `bits` bits, as a decimal string or a JSON integer.
U256 parse_uint(const json& v, const std::string& path, unsigned bits) {
    const std::string want = "must be an unsigned integer below 2^" + std::to_string(bits) +
                             " (decimal string or JSON integer), got " + show(v);
    std::optional<U256> value;
    if (v.is_string()) value = U256::from_decimal(v.get<std::string>());
    else if (v.is_number_unsigned()) value = U256{v.get<std::uint64_t>()};
    else if (v.is_number_integer() && v.get<std::int64_t>() >= 0) value = U256{static_cast<std::uint64_t>(v.get<std::int64_t>())};
    if (!value || !value->fits_bits(bits)) throw ReplayError(path, want);
    return *value;
}

I256 parse_int256(const json& v, const std::string& path) {
    std::optional<I256> value;
    if (v.is_string()) value = I256::from_decimal(v.get<std::string>());
    else if (v.is_number_integer()) value = I256{v.get<std::int64_t>()};
    else if (v.is_number_unsigned()) value = I256::from_bits(U256{v.get<std::uint64_t>()});
    if (!value)
        throw ReplayError(path, "must be a signed integer in [-2^255, 2^255) (decimal string or JSON integer), got " + show(v));
    return *value;
}

std::int64_t parse_small_int(const json& v, const std::string& path, std::int64_t lo, std::int64_t hi) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi)
        throw ReplayError(path, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + show(v));
    return v.get<std::int64_t>();
}

bool parse_bool(const json& v, const std::string& path) {
    if (!v.is_boolean()) throw ReplayError(path, "must be true or false, got " + show(v));
    return v.get<bool>();
}

std::string parse_owner(const json& v, const std::string& path) {
    if (!v.is_string() || v.get<std::string>().empty()) throw ReplayError(path, "must be a non-empty string, got " + show(v));
    return v.get<std::string>();
}

json error_result(Revert e) { return json{{"error", std::string(revert_code(e))}}; }

// ---------------- v3 ----------------
json replay_v3(const json& pool_spec, const json& ops) {
    reject_unknown_keys(pool_spec, "pool", {"type", "fee", "tickSpacing", "sqrtPriceX96", "feeProtocol"});
    v3::PoolConfig config;
    config.fee_pips = static_cast<std::uint32_t>(parse_small_int(require_field(pool_spec, "pool", "fee"), "pool.fee", 0, 999999));
    if (pool_spec.contains("tickSpacing")) {
        config.tick_spacing = static_cast<std::int32_t>(parse_small_int(pool_spec.at("tickSpacing"), "pool.tickSpacing", 1, 16383));
    } else {
        try {
            config.tick_spacing = v3::PoolConfig::fee_tier(config.fee_pips).tick_spacing;
        } catch (const std::invalid_argument&) {
            throw ReplayError("pool.tickSpacing", "missing required field (fee " + std::to_string(config.fee_pips) +
                                                       " is not a factory tier with a default spacing)");
        }
    }
    v3::Pool pool(config);
    const U256 price = parse_uint(require_field(pool_spec, "pool", "sqrtPriceX96"), "pool.sqrtPriceX96", 160);
    const auto init = pool.initialize(price);
    if (!init.ok())
        throw ReplayError("pool.sqrtPriceX96", "must be in [4295128739, 1461446703485210103287273052203988822378723970342), got " +
                                                   price.to_decimal() + " (initialize reverts " + std::string(init.code()) + ")");
    if (pool_spec.contains("feeProtocol")) {
        const auto fp = static_cast<std::uint8_t>(parse_small_int(pool_spec.at("feeProtocol"), "pool.feeProtocol", 0, 255));
        if (pool.set_fee_protocol_packed(fp) != Revert::None)
            throw ReplayError("pool.feeProtocol", "each nibble (token0 = low 4 bits, token1 = high 4 bits) must be 0 or 4..10, got " +
                                                      std::to_string(fp));
    }

    std::map<std::string, v3::OwnerId> owners;  // owner names -> ids in order of first use
    const auto owner_id = [&](const std::string& name) {
        const auto it = owners.find(name);
        if (it != owners.end()) return it->second;
        const v3::OwnerId id = owners.size();
        owners.emplace(name, id);
        return id;
    };

    json results = json::array();
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const json& op = ops[i];
        const std::string path = "ops[" + std::to_string(i) + "]";
        if (!op.is_object()) throw ReplayError(path, "must be an object, got " + show(op));
        const json& kind_json = require_field(op, path, "op");
        if (!kind_json.is_string()) throw ReplayError(path + ".op", "must be a string, got " + show(kind_json));
        const std::string kind = kind_json.get<std::string>();
        const auto tick_field = [&](const char* key) {
            return static_cast<std::int32_t>(parse_small_int(require_field(op, path, key), path + "." + key,
                                                             std::numeric_limits<std::int32_t>::min(),
                                                             std::numeric_limits<std::int32_t>::max()));
        };
        const auto uint_field = [&](const char* key, unsigned bits) {
            return parse_uint(require_field(op, path, key), path + "." + key, bits);
        };
        if (kind == "mint" || kind == "burn") {
            reject_unknown_keys(op, path, {"op", "owner", "tickLower", "tickUpper", "liquidity"});
            const v3::OwnerId owner = owner_id(parse_owner(require_field(op, path, "owner"), path + ".owner"));
            const std::int32_t lower = tick_field("tickLower"), upper = tick_field("tickUpper");
            const u128 liquidity = uint_field("liquidity", 128).low128();
            if (kind == "mint") {
                const auto r = pool.mint(owner, lower, upper, liquidity);
                results.push_back(r.ok() ? json{{"amount0", r.value.amount0.to_decimal()}, {"amount1", r.value.amount1.to_decimal()}}
                                         : error_result(r.error));
            } else {
                const auto r = pool.burn(owner, lower, upper, liquidity);
                results.push_back(r.ok() ? json{{"amount0", r.value.amount0.to_decimal()}, {"amount1", r.value.amount1.to_decimal()}}
                                         : error_result(r.error));
            }
        } else if (kind == "collect") {
            reject_unknown_keys(op, path, {"op", "owner", "tickLower", "tickUpper", "amount0Requested", "amount1Requested"});
            const v3::OwnerId owner = owner_id(parse_owner(require_field(op, path, "owner"), path + ".owner"));
            const std::int32_t lower = tick_field("tickLower"), upper = tick_field("tickUpper");
            const u128 a0 = uint_field("amount0Requested", 128).low128();
            const u128 a1 = uint_field("amount1Requested", 128).low128();
            const auto r = pool.collect(owner, lower, upper, a0, a1);
            results.push_back(r.ok() ? json{{"amount0", U256{r.value.amount0}.to_decimal()}, {"amount1", U256{r.value.amount1}.to_decimal()}}
                                     : error_result(r.error));
        } else if (kind == "swap") {
            reject_unknown_keys(op, path, {"op", "zeroForOne", "amountSpecified", "sqrtPriceLimitX96"});
            const bool zero_for_one = parse_bool(require_field(op, path, "zeroForOne"), path + ".zeroForOne");
            const I256 amount = parse_int256(require_field(op, path, "amountSpecified"), path + ".amountSpecified");
            // Without a limit, swap as far as the curve goes (the Uniswap test harness default).
            const U256 limit = op.contains("sqrtPriceLimitX96")
                                   ? uint_field("sqrtPriceLimitX96", 160)
                                   : (zero_for_one ? v3::kMinSqrtRatio + U256{1u} : v3::kMaxSqrtRatio - U256{1u});
            const auto r = pool.swap(zero_for_one, amount, limit);
            if (!r.ok()) {
                results.push_back(error_result(r.error));
                continue;
            }
            results.push_back(json{{"amount0", r.value.amount0.to_decimal()},
                                   {"amount1", r.value.amount1.to_decimal()},
                                   {"sqrtPriceX96", r.value.sqrt_price_x96.to_decimal()},
                                   {"tick", std::to_string(r.value.tick)},
                                   {"liquidity", U256{r.value.liquidity}.to_decimal()},
                                   {"feeGrowthGlobal0X128", r.value.fee_growth_global0_x128.to_decimal()},
                                   {"feeGrowthGlobal1X128", r.value.fee_growth_global1_x128.to_decimal()}});
        } else if (kind == "getSqrtRatioAtTick") {
            // v3-core libraries on the given arguments (the pool is not touched).
            reject_unknown_keys(op, path, {"op", "tick"});
            const auto r = v3::get_sqrt_ratio_at_tick(tick_field("tick"));
            results.push_back(r.ok() ? json{{"sqrtPriceX96", r.value.to_decimal()}} : error_result(r.error));
        } else if (kind == "getTickAtSqrtRatio") {
            reject_unknown_keys(op, path, {"op", "sqrtPriceX96"});
            const auto r = v3::get_tick_at_sqrt_ratio(uint_field("sqrtPriceX96", 256));
            results.push_back(r.ok() ? json{{"tick", std::to_string(r.value)}} : error_result(r.error));
        } else if (kind == "getNextSqrtPriceFromInput" || kind == "getNextSqrtPriceFromOutput") {
            reject_unknown_keys(op, path, {"op", "sqrtPX96", "liquidity", "amount", "zeroForOne"});
            const U256 price_in = uint_field("sqrtPX96", 256);
            const u128 liquidity = uint_field("liquidity", 128).low128();
            const U256 amount = uint_field("amount", 256);
            const bool zero_for_one = parse_bool(require_field(op, path, "zeroForOne"), path + ".zeroForOne");
            const auto r = kind == "getNextSqrtPriceFromInput"
                               ? v3::get_next_sqrt_price_from_input(price_in, liquidity, amount, zero_for_one)
                               : v3::get_next_sqrt_price_from_output(price_in, liquidity, amount, zero_for_one);
            results.push_back(r.ok() ? json{{"sqrtPriceX96", r.value.to_decimal()}} : error_result(r.error));
        } else if (kind == "getAmount0Delta" || kind == "getAmount1Delta") {
            reject_unknown_keys(op, path, {"op", "sqrtRatioAX96", "sqrtRatioBX96", "liquidity", "roundUp"});
            const U256 a = uint_field("sqrtRatioAX96", 256), b = uint_field("sqrtRatioBX96", 256);
            const u128 liquidity = uint_field("liquidity", 128).low128();
            const bool round_up = parse_bool(require_field(op, path, "roundUp"), path + ".roundUp");
            const auto r = kind == "getAmount0Delta" ? v3::get_amount0_delta(a, b, liquidity, round_up)
                                                     : v3::get_amount1_delta(a, b, liquidity, round_up);
            results.push_back(r.ok() ? json{{"amount", r.value.to_decimal()}} : error_result(r.error));
        } else if (kind == "computeSwapStep") {
            reject_unknown_keys(op, path, {"op", "sqrtRatioCurrentX96", "sqrtRatioTargetX96", "liquidity", "amountRemaining",
                                           "feePips"});
            const auto r = v3::compute_swap_step(
                uint_field("sqrtRatioCurrentX96", 256), uint_field("sqrtRatioTargetX96", 256),
                uint_field("liquidity", 128).low128(),
                parse_int256(require_field(op, path, "amountRemaining"), path + ".amountRemaining"),
                static_cast<std::uint32_t>(parse_small_int(require_field(op, path, "feePips"), path + ".feePips", 0, 999999)));
            results.push_back(r.ok() ? json{{"sqrtRatioNextX96", r.value.sqrt_ratio_next_x96.to_decimal()},
                                            {"amountIn", r.value.amount_in.to_decimal()},
                                            {"amountOut", r.value.amount_out.to_decimal()},
                                            {"feeAmount", r.value.fee_amount.to_decimal()}}
                                     : error_result(r.error));
        } else if (kind == "tickSpacingToMaxLiquidityPerTick") {
            reject_unknown_keys(op, path, {"op", "tickSpacing"});
            const auto spacing = static_cast<std::int32_t>(
                parse_small_int(require_field(op, path, "tickSpacing"), path + ".tickSpacing", 1, 887272));
            results.push_back(json{{"maxLiquidityPerTick", U256{v3::tick_spacing_to_max_liquidity_per_tick(spacing)}.to_decimal()}});
        } else if (kind == "getFeeGrowthInside") {
            // Tick.getFeeGrowthInside with the outside growths of the two ticks given per tick
            // (a tick not listed is uninitialized: 0).
            reject_unknown_keys(op, path, {"op", "tickLower", "tickUpper", "tickCurrent", "feeGrowthGlobal0X128",
                                           "feeGrowthGlobal1X128", "feeGrowthOutside"});
            const std::int32_t lower = tick_field("tickLower"), upper = tick_field("tickUpper");
            const json outside = op.contains("feeGrowthOutside") ? op.at("feeGrowthOutside") : json::object();
            if (!outside.is_object()) throw ReplayError(path + ".feeGrowthOutside", "must be an object keyed by tick, got " + show(outside));
            const auto info_of = [&](std::int32_t t) {
                v3::TickInfo info;
                const std::string key = std::to_string(t);
                if (outside.contains(key)) {
                    const std::string at = path + ".feeGrowthOutside." + key;
                    const json& o = outside.at(key);
                    reject_unknown_keys(o, at, {"feeGrowthOutside0X128", "feeGrowthOutside1X128"});
                    info.fee_growth_outside0_x128 = parse_uint(require_field(o, at, "feeGrowthOutside0X128"), at + ".feeGrowthOutside0X128", 256);
                    info.fee_growth_outside1_x128 = parse_uint(require_field(o, at, "feeGrowthOutside1X128"), at + ".feeGrowthOutside1X128", 256);
                }
                return info;
            };
            const auto r = v3::get_fee_growth_inside(info_of(lower), info_of(upper), lower, upper, tick_field("tickCurrent"),
                                                     uint_field("feeGrowthGlobal0X128", 256), uint_field("feeGrowthGlobal1X128", 256));
            results.push_back(json{{"feeGrowthInside0X128", r.fee_growth_inside0_x128.to_decimal()},
                                   {"feeGrowthInside1X128", r.fee_growth_inside1_x128.to_decimal()}});
        } else {
            throw ReplayError(path + ".op", "unknown v3 op \"" + kind +
                                                "\" (expected mint, burn, collect, swap, getSqrtRatioAtTick, getTickAtSqrtRatio, "
                                                "getNextSqrtPriceFromInput, getNextSqrtPriceFromOutput, getAmount0Delta, "
                                                "getAmount1Delta, computeSwapStep, tickSpacingToMaxLiquidityPerTick or "
                                                "getFeeGrowthInside)");
        }
    }
    return results;
}

// ---------------- v2 ----------------
json replay_v2(const json& pool_spec, const json& ops) {
    reject_unknown_keys(pool_spec, "pool", {"type", "reserve0", "reserve1", "feeOn"});
    v2::Pair pair;
    if (pool_spec.contains("feeOn")) pair.set_fee_on(parse_bool(pool_spec.at("feeOn"), "pool.feeOn"));
    const U256 r0 = parse_uint(require_field(pool_spec, "pool", "reserve0"), "pool.reserve0", 112);
    const U256 r1 = parse_uint(require_field(pool_spec, "pool", "reserve1"), "pool.reserve1", 112);
    if (r0.is_zero() != r1.is_zero())
        throw ReplayError(r0.is_zero() ? "pool.reserve0" : "pool.reserve1", "must be > 0 when the other reserve is > 0");
    if (!r0.is_zero()) {
        // Initial reserves are the first mint: sqrt(r0*r1) shares, 1000 of them locked.
        const auto minted = pair.mint(r0, r1);
        if (!minted.ok())
            throw ReplayError("pool.reserve0", "initial mint of the reserves reverts " + std::string(minted.code()) +
                                                   " (sqrt(reserve0*reserve1) must exceed 1000)");
    }

    json results = json::array();
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const json& op = ops[i];
        const std::string path = "ops[" + std::to_string(i) + "]";
        if (!op.is_object()) throw ReplayError(path, "must be an object, got " + show(op));
        const json& kind_json = require_field(op, path, "op");
        if (!kind_json.is_string()) throw ReplayError(path + ".op", "must be a string, got " + show(kind_json));
        const std::string kind = kind_json.get<std::string>();
        const auto uint_field = [&](const char* key) { return parse_uint(require_field(op, path, key), path + "." + key, 256); };
        const auto swap_json = [](const Result<v2::SwapResult>& r) {
            return r.ok() ? json{{"amountIn", r.value.amount_in.to_decimal()},
                                 {"amountOut", r.value.amount_out.to_decimal()},
                                 {"reserve0", r.value.reserve0.to_decimal()},
                                 {"reserve1", r.value.reserve1.to_decimal()}}
                          : error_result(r.error);
        };
        if (kind == "swap") {
            reject_unknown_keys(op, path, {"op", "zeroForOne", "amountIn"});
            const bool z = parse_bool(require_field(op, path, "zeroForOne"), path + ".zeroForOne");
            results.push_back(swap_json(pair.swap_exact_in(z, uint_field("amountIn"))));
        } else if (kind == "swapExactOut") {
            reject_unknown_keys(op, path, {"op", "zeroForOne", "amountOut"});
            const bool z = parse_bool(require_field(op, path, "zeroForOne"), path + ".zeroForOne");
            results.push_back(swap_json(pair.swap_exact_out(z, uint_field("amountOut"))));
        } else if (kind == "mint") {
            reject_unknown_keys(op, path, {"op", "amount0", "amount1"});
            const U256 a0 = uint_field("amount0"), a1 = uint_field("amount1");
            const auto r = pair.mint(a0, a1);
            results.push_back(r.ok() ? json{{"liquidity", r.value.to_decimal()}} : error_result(r.error));
        } else if (kind == "burn") {
            reject_unknown_keys(op, path, {"op", "liquidity"});
            const auto r = pair.burn(uint_field("liquidity"));
            results.push_back(r.ok() ? json{{"amount0", r.value.amount0.to_decimal()}, {"amount1", r.value.amount1.to_decimal()}}
                                     : error_result(r.error));
        } else if (kind == "pairSwap") {
            // UniswapV2Pair.swap(amount0Out, amount1Out): the trader transfers amount0In /
            // amount1In to the pair first (a flash swap pays inside the callback, the same for the
            // K check); reverts INSUFFICIENT_OUTPUT_AMOUNT, INSUFFICIENT_LIQUIDITY, K ...
            reject_unknown_keys(op, path, {"op", "amount0Out", "amount1Out", "amount0In", "amount1In"});
            const auto optional_uint = [&](const char* key) {
                return op.contains(key) ? parse_uint(op.at(key), path + "." + key, 256) : U256{};
            };
            const Revert r = pair.swap(optional_uint("amount0Out"), optional_uint("amount1Out"),
                                       optional_uint("amount0In"), optional_uint("amount1In"));
            results.push_back(r == Revert::None ? json{{"reserve0", pair.reserve0().to_decimal()},
                                                       {"reserve1", pair.reserve1().to_decimal()}}
                                                : error_result(r));
        } else if (kind == "getAmountOut" || kind == "getAmountIn") {
            // UniswapV2Library on the given reserves (any: 0, or below the 1000-share lock, as the
            // router library takes them) or, without reserves, the pair's (zeroForOne: token0 in).
            const bool out = kind == "getAmountOut";
            const char* amount_key = out ? "amountIn" : "amountOut";
            reject_unknown_keys(op, path, {"op", amount_key, "reserveIn", "reserveOut", "zeroForOne"});
            const U256 amount = uint_field(amount_key);
            U256 reserve_in, reserve_out;
            if (op.contains("reserveIn") || op.contains("reserveOut")) {
                reserve_in = uint_field("reserveIn");
                reserve_out = uint_field("reserveOut");
            } else {
                const bool z = parse_bool(require_field(op, path, "zeroForOne"), path + ".zeroForOne");
                reserve_in = z ? pair.reserve0() : pair.reserve1();
                reserve_out = z ? pair.reserve1() : pair.reserve0();
            }
            const auto r = out ? v2::get_amount_out(amount, reserve_in, reserve_out)
                               : v2::get_amount_in(amount, reserve_in, reserve_out);
            results.push_back(r.ok() ? json{{out ? "amountOut" : "amountIn", r.value.to_decimal()}} : error_result(r.error));
        } else if (kind == "quote") {
            reject_unknown_keys(op, path, {"op", "amountA", "reserveA", "reserveB"});
            const auto r = v2::quote(uint_field("amountA"), uint_field("reserveA"), uint_field("reserveB"));
            results.push_back(r.ok() ? json{{"amountB", r.value.to_decimal()}} : error_result(r.error));
        } else if (kind == "computeProfitMaximizingTrade") {
            reject_unknown_keys(op, path, {"op", "truePriceTokenA", "truePriceTokenB", "reserveA", "reserveB"});
            const auto r = v2::compute_profit_maximizing_trade(uint_field("truePriceTokenA"), uint_field("truePriceTokenB"),
                                                               uint_field("reserveA"), uint_field("reserveB"));
            results.push_back(r.ok() ? json{{"aToB", r.value.a_to_b}, {"amountIn", r.value.amount_in.to_decimal()}}
                                     : error_result(r.error));
        } else if (kind == "getReservesAfterArbitrage") {
            reject_unknown_keys(op, path, {"op", "truePriceTokenA", "truePriceTokenB", "reserveA", "reserveB"});
            const auto r = v2::get_reserves_after_arbitrage(uint_field("truePriceTokenA"), uint_field("truePriceTokenB"),
                                                            uint_field("reserveA"), uint_field("reserveB"));
            results.push_back(r.ok() ? json{{"reserveA", r.value.reserve_a.to_decimal()}, {"reserveB", r.value.reserve_b.to_decimal()}}
                                     : error_result(r.error));
        } else if (kind == "getLiquidityValueAfterArbitrageToPrice") {
            reject_unknown_keys(op, path, {"op", "truePriceTokenA", "truePriceTokenB", "reserveA", "reserveB", "totalSupply",
                                           "liquidity", "feeOn", "kLast"});
            const auto r = v2::get_liquidity_value_after_arbitrage_to_price(
                uint_field("truePriceTokenA"), uint_field("truePriceTokenB"), uint_field("reserveA"), uint_field("reserveB"),
                uint_field("totalSupply"), uint_field("liquidity"), parse_bool(require_field(op, path, "feeOn"), path + ".feeOn"),
                op.contains("kLast") ? uint_field("kLast") : U256{});
            results.push_back(r.ok() ? json{{"amountA", r.value.amount_a.to_decimal()}, {"amountB", r.value.amount_b.to_decimal()}}
                                     : error_result(r.error));
        } else if (kind == "state") {
            reject_unknown_keys(op, path, {"op"});
            results.push_back(json{{"reserve0", pair.reserve0().to_decimal()},
                                   {"reserve1", pair.reserve1().to_decimal()},
                                   {"totalSupply", pair.total_supply().to_decimal()},
                                   {"kLast", pair.k_last().to_decimal()},
                                   {"feeToBalance", pair.fee_to_balance().to_decimal()}});
        } else {
            throw ReplayError(path + ".op", "unknown v2 op \"" + kind +
                                                "\" (expected swap, swapExactOut, mint, burn, pairSwap, getAmountOut, "
                                                "getAmountIn, quote, computeProfitMaximizingTrade, getReservesAfterArbitrage, "
                                                "getLiquidityValueAfterArbitrageToPrice or state)");
        }
    }
    return results;
}

}  // namespace

json replay(const json& scenario) {
    if (!scenario.is_object()) throw ReplayError("<scenario>", "must be a JSON object with \"pool\" and \"ops\"");
    reject_unknown_keys(scenario, "<scenario>", {"pool", "ops"});
    const json& pool_spec = require_field(scenario, "<scenario>", "pool");
    if (!pool_spec.is_object()) throw ReplayError("pool", "must be an object, got " + show(pool_spec));
    const json& ops = require_field(scenario, "<scenario>", "ops");
    if (!ops.is_array()) throw ReplayError("ops", "must be an array, got " + show(ops));
    const json& type = require_field(pool_spec, "pool", "type");
    json results;
    if (type == "v3") results = replay_v3(pool_spec, ops);
    else if (type == "v2") results = replay_v2(pool_spec, ops);
    else throw ReplayError("pool.type", "must be \"v2\" or \"v3\", got " + show(type));
    return json{{"results", std::move(results)}};
}

json replay_text(std::string_view text) {
    json scenario;
    try {
        scenario = parse_json(text, "<input>");
    } catch (const InputError& e) {
        const InputIssue& issue = e.issues().front();
        throw ReplayError(issue.path.empty() ? "<input>" : issue.path, issue.constraint + " (at " + issue.location + ")");
    }
    return replay(scenario);
}

}  // namespace pftoken::amm
