#pragma once
// Hourly UTC market data for the yield backtester (docs/tools/yield.md, "Data files"): read from
// strict CSV files (gaps, duplicates, non-hourly stamps and out-of-range values are InputErrors
// at file:line:col), or generated from a seed by a documented synthetic model.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pftoken::integration::yield {

/// One perpetual-futures venue: hourly mark prices (USD) and funding rates (fraction per hour,
/// positive: longs pay shorts), at the same hours as MarketData::time.
struct PerpVenue {
    std::string name;
    std::vector<double> btc_mark_usd, eth_mark_usd, btc_funding, eth_funding;
};

/// Hourly snapshots, one entry per hour in every vector (struct of arrays).
struct MarketData {
    std::vector<std::int64_t> time;  ///< Unix seconds, UTC, consecutive hours
    // market.csv
    std::vector<double> btc_usd, eth_usd;  ///< spot prices
    std::vector<double> wsteth_eth;        ///< liquid staking token exchange rate (ETH per wstETH)
    std::vector<double> gas_gwei;          ///< Ethereum gas price
    /// Aave reserve rates as annual fractions (the ray rates / 1e27): supply = liquidity rate,
    /// borrow = variable borrow rate.
    std::vector<double> usdt_supply_apr, usdt_borrow_apr, weth_supply_apr, weth_borrow_apr,
        wsteth_supply_apr;
    std::vector<PerpVenue> venues;

    [[nodiscard]] std::size_t hours() const noexcept { return time.size(); }
    /// The venue named `name`; InputError on `venue` listing the loaded ones.
    [[nodiscard]] const PerpVenue& venue(std::string_view name) const;
};

/// Columns of market.csv and perp_<venue>.csv, in order.
[[nodiscard]] const std::vector<std::string>& market_columns();
[[nodiscard]] const std::vector<std::string>& perp_columns();

/// "2024-01-01T00:00:00Z" <-> Unix seconds. parse returns false for anything but that exact form
/// (a valid calendar date, hour 00-23, minute and second 00-59).
[[nodiscard]] bool parse_utc_timestamp(std::string_view text, std::int64_t& seconds);
[[nodiscard]] std::string format_utc_timestamp(std::int64_t seconds);

/// Reads DIR/market.csv and DIR/perp_<venue>.csv for each of `venues`. Every perp file must list
/// the same hours as market.csv. Throws InputError at file:line:col for a malformed or
/// non-hourly stamp, a duplicate, a gap or a step back in time, a value out of its documented
/// range, or a header that is not exactly the documented columns.
[[nodiscard]] MarketData load_market_data(const std::filesystem::path& dir,
                                          const std::vector<std::string>& venues);

/// The synthetic market (docs/tools/yield.md, "Synthetic data"): correlated GBM spot prices,
/// per-venue perp basis as an Ornstein-Uhlenbeck process with funding following the basis,
/// mean-reverting Aave rates, a staking token accruing its staking yield, lognormal gas.
/// Values are rounded to the decimals written in the CSV files, so writing and reading back
/// gives the same numbers. Deterministic: a pure function of the options.
struct GeneratorOptions {
    std::uint64_t seed = 1;
    std::size_t hours = 24 * 28;
    std::int64_t start_time = 1'704'067'200;  ///< 2024-01-01T00:00:00Z
    std::vector<std::string> venues{"binance", "bybit"};
    double btc_start = 60'000.0, eth_start = 3'000.0;
    double btc_vol = 0.55, eth_vol = 0.70;  ///< annual volatilities
    double correlation = 0.8;               ///< of the BTC and ETH log returns
    double funding_mean = 0.0000114;        ///< hourly funding, ~10% a year
    double staking_apr = 0.03;              ///< wstETH exchange-rate growth
    double usdt_supply_apr = 0.045, usdt_borrow_apr = 0.065;
    double weth_supply_apr = 0.018, weth_borrow_apr = 0.026, wsteth_supply_apr = 0.001;
    double gas_gwei = 12.0;
    void validate() const;  ///< InputError naming the field
};
[[nodiscard]] MarketData generate_market_data(const GeneratorOptions& options);

/// The CSV files of `data` (market.csv, perp_<venue>.csv): file names and contents.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> market_data_csv(
    const MarketData& data);

}  // namespace pftoken::integration::yield
