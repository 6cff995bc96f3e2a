#include "pftoken/integration/yield/market_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "pftoken/base/csv.hpp"
#include "pftoken/base/yaml.hpp"
#include "pftoken/error.hpp"
#include "pftoken/mc/random.hpp"

namespace pftoken::integration::yield {
namespace {

constexpr std::int64_t kHour = 3600;
constexpr double kMaxPrice = 1e8;

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
    out = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

/// Reads the timestamp column of every row and checks the hourly grid: on the hour, no
/// duplicate, no gap, no step back.
std::vector<std::int64_t> read_hours(const csv::File& file) {
    std::vector<std::int64_t> hours;
    hours.reserve(file.row_count());
    for (std::size_t r = 0; r < file.row_count(); ++r) {
        const auto& text = file.cell(r, 0).text;
        std::int64_t t = 0;
        if (!parse_utc_timestamp(text, t))
            throw file.error(r, 0,
                             "must be a UTC time like 2024-01-01T00:00:00Z, got '" + text + "'");
        if (t % kHour != 0)
            throw file.error(r, 0,
                             "must be on the hour (minutes and seconds 00), got '" + text + "'");
        if (!hours.empty()) {
            const std::int64_t expected = hours.back() + kHour;
            if (t == hours.back())
                throw file.error(r, 0,
                                 fmt::format("duplicate hour {} (also on line {})", text,
                                             file.cell(r - 1, 0).line));
            if (t < hours.back())
                throw file.error(r, 0,
                                 fmt::format("goes back in time: {} after {}", text,
                                             format_utc_timestamp(hours.back())));
            if (t != expected)
                throw file.error(
                    r, 0,
                    fmt::format("gap: expected {} after {}, got {} ({} hours missing)",
                                format_utc_timestamp(expected), format_utc_timestamp(hours.back()),
                                text, (t - expected) / kHour));
        }
        hours.push_back(t);
    }
    return hours;
}

double price(const csv::File& file, std::size_t r, std::size_t c) {
    const double v = file.real_in(r, c, 0.0, kMaxPrice);
    if (!(v > 0.0)) throw file.error(r, c, "must be > 0, got " + file.cell(r, c).text);
    return v;
}

/// x rounded to `decimals` places: round(x * 10^k) / 10^k is the double nearest the decimal, so
/// the shortest round-trip text written to the CSV files is that decimal.
double round_to(double x, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(x * scale) / scale;
}

}  // namespace

const std::vector<std::string>& market_columns() {
    static const std::vector<std::string> columns{
        "timestamp",       "btc_usd",          "eth_usd",         "wsteth_eth",
        "gas_gwei",        "usdt_supply_apr",  "usdt_borrow_apr", "weth_supply_apr",
        "weth_borrow_apr", "wsteth_supply_apr"};
    return columns;
}

const std::vector<std::string>& perp_columns() {
    static const std::vector<std::string> columns{"timestamp", "btc_mark_usd", "eth_mark_usd",
                                                  "btc_funding", "eth_funding"};
    return columns;
}

const PerpVenue& MarketData::venue(std::string_view name) const {
    std::vector<std::string> names;
    for (const auto& v : venues) {
        if (v.name == name) return v;
        names.push_back(v.name);
    }
    throw InputError("venue",
                     fmt::format("no perp data for venue '{}' (loaded: {}){}", name,
                                 names.empty() ? std::string("none") : yaml::list_words(names),
                                 yaml::did_you_mean(std::string(name), names)));
}

bool parse_utc_timestamp(std::string_view text, std::int64_t& seconds) {
    // YYYY-MM-DDTHH:MM:SSZ
    if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        return false;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!digits(text, 0, 4, y) || !digits(text, 5, 2, mo) || !digits(text, 8, 2, d) ||
        !digits(text, 11, 2, h) || !digits(text, 14, 2, mi) || !digits(text, 17, 2, s))
        return false;
    const std::chrono::year_month_day date{std::chrono::year{y},
                                           std::chrono::month{static_cast<unsigned>(mo)},
                                           std::chrono::day{static_cast<unsigned>(d)}};
    if (!date.ok() || h > 23 || mi > 59 || s > 59) return false;
    const auto days = std::chrono::sys_days{date}.time_since_epoch().count();
    seconds = static_cast<std::int64_t>(days) * 86'400 + h * 3'600 + mi * 60 + s;
    return true;
}

std::string format_utc_timestamp(std::int64_t seconds) {
    const std::int64_t day = seconds >= 0 ? seconds / 86'400 : (seconds - 86'399) / 86'400;
    const std::int64_t rest = seconds - day * 86'400;
    const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                       rest / 3'600, rest % 3'600 / 60, rest % 60);
}

MarketData load_market_data(const std::filesystem::path& dir,
                            const std::vector<std::string>& venues) {
    MarketData data;
    const auto market = csv::File::read(dir / "market.csv");
    market.require_header(market_columns());
    if (market.row_count() < 2)
        throw InputError(SourceLocation{market.source(), 0, 0}, "rows",
                         fmt::format("must hold at least 2 hours, got {}", market.row_count()));
    data.time = read_hours(market);
    const std::size_t n = market.row_count();
    for (auto* v : {&data.btc_usd, &data.eth_usd, &data.wsteth_eth, &data.gas_gwei,
                    &data.usdt_supply_apr, &data.usdt_borrow_apr, &data.weth_supply_apr,
                    &data.weth_borrow_apr, &data.wsteth_supply_apr})
        v->resize(n);
    for (std::size_t r = 0; r < n; ++r) {
        data.btc_usd[r] = price(market, r, 1);
        data.eth_usd[r] = price(market, r, 2);
        data.wsteth_eth[r] = market.real_in(r, 3, 0.5, 5.0);
        data.gas_gwei[r] = market.real_in(r, 4, 0.0, 100'000.0);
        data.usdt_supply_apr[r] = market.real_in(r, 5, 0.0, 10.0);
        data.usdt_borrow_apr[r] = market.real_in(r, 6, 0.0, 10.0);
        data.weth_supply_apr[r] = market.real_in(r, 7, 0.0, 10.0);
        data.weth_borrow_apr[r] = market.real_in(r, 8, 0.0, 10.0);
        data.wsteth_supply_apr[r] = market.real_in(r, 9, 0.0, 10.0);
    }
    for (const auto& name : venues) {
        if (std::any_of(data.venues.begin(), data.venues.end(),
                        [&](const PerpVenue& v) { return v.name == name; }))
            continue;
        const auto perp = csv::File::read(dir / ("perp_" + name + ".csv"));
        perp.require_header(perp_columns());
        if (perp.row_count() != n)
            throw InputError(SourceLocation{perp.source(), 0, 0}, "rows",
                             fmt::format("must list the {} hours of {}, got {}", n, market.source(),
                                         perp.row_count()));
        PerpVenue venue;
        venue.name = name;
        for (auto* v :
             {&venue.btc_mark_usd, &venue.eth_mark_usd, &venue.btc_funding, &venue.eth_funding})
            v->resize(n);
        for (std::size_t r = 0; r < n; ++r) {
            const auto& stamp = perp.cell(r, 0).text;
            if (stamp != market.cell(r, 0).text)
                throw perp.error(
                    r, 0,
                    fmt::format("must be {} ({} line {}), got '{}'", market.cell(r, 0).text,
                                market.source(), market.cell(r, 0).line, stamp));
            venue.btc_mark_usd[r] = price(perp, r, 1);
            venue.eth_mark_usd[r] = price(perp, r, 2);
            venue.btc_funding[r] = perp.real_in(r, 3, -0.05, 0.05);
            venue.eth_funding[r] = perp.real_in(r, 4, -0.05, 0.05);
        }
        data.venues.push_back(std::move(venue));
    }
    return data;
}

void GeneratorOptions::validate() const {
    auto positive = [](const char* field, double v) {
        if (!(std::isfinite(v) && v > 0.0))
            throw InputError(field, fmt::format("must be > 0, got {}", v));
    };
    if (hours < 2 || hours > 24 * 366 * 5)
        throw InputError("hours", fmt::format("must be in [2, 43920], got {}", hours));
    if (start_time % kHour != 0) throw InputError("start", "must be on the hour");
    if (venues.empty()) throw InputError("venues", "must name at least one venue");
    positive("btc_start", btc_start);
    positive("eth_start", eth_start);
    positive("btc_vol", btc_vol);
    positive("eth_vol", eth_vol);
    positive("gas_gwei", gas_gwei);
    if (!(correlation >= -1.0 && correlation <= 1.0))
        throw InputError("correlation", fmt::format("must be in [-1, 1], got {}", correlation));
    for (const auto& [field, v] : {std::pair{"staking_apr", staking_apr},
                                   {"usdt_supply_apr", usdt_supply_apr},
                                   {"usdt_borrow_apr", usdt_borrow_apr},
                                   {"weth_supply_apr", weth_supply_apr},
                                   {"weth_borrow_apr", weth_borrow_apr},
                                   {"wsteth_supply_apr", wsteth_supply_apr}})
        if (!(v >= 0.0 && v <= 1.0))
            throw InputError(field, fmt::format("must be in [0, 1], got {}", v));
    if (!(std::abs(funding_mean) <= 0.001))
        throw InputError("funding_mean",
                         fmt::format("must be in [-0.001, 0.001], got {}", funding_mean));
}

MarketData generate_market_data(const GeneratorOptions& o) {
    o.validate();
    constexpr double dt = 1.0 / 8'760.0;
    const double sdt = std::sqrt(dt);
    const std::size_t n = o.hours;
    MarketData d;
    d.time.resize(n);
    for (auto* v :
         {&d.btc_usd, &d.eth_usd, &d.wsteth_eth, &d.gas_gwei, &d.usdt_supply_apr,
          &d.usdt_borrow_apr, &d.weth_supply_apr, &d.weth_borrow_apr, &d.wsteth_supply_apr})
        v->resize(n);
    // Independent substreams: 0 spot, 1 rates, 2 gas, 10 + v venue v.
    mc::Xoshiro256StarStar spot_rng(o.seed, 0), rate_rng(o.seed, 1), gas_rng(o.seed, 2);
    double btc = o.btc_start, eth = o.eth_start, lst = 1.15, log_gas = std::log(o.gas_gwei);
    const double rates_mean[5] = {o.usdt_supply_apr, o.usdt_borrow_apr, o.weth_supply_apr,
                                  o.weth_borrow_apr, o.wsteth_supply_apr};
    double rates[5] = {rates_mean[0], rates_mean[1], rates_mean[2], rates_mean[3], rates_mean[4]};
    const double other = std::sqrt(1.0 - o.correlation * o.correlation);
    for (std::size_t t = 0; t < n; ++t) {
        if (t > 0) {
            const double z1 = mc::ziggurat_normal(spot_rng);
            const double z2 = o.correlation * z1 + other * mc::ziggurat_normal(spot_rng);
            btc *= std::exp(-0.5 * o.btc_vol * o.btc_vol * dt + o.btc_vol * sdt * z1);
            eth *= std::exp(-0.5 * o.eth_vol * o.eth_vol * dt + o.eth_vol * sdt * z2);
            lst *= 1.0 + o.staking_apr * dt;
            // Rates: Ornstein-Uhlenbeck, 20 a year mean reversion, 30% of the mean as volatility.
            for (int k = 0; k < 5; ++k)
                rates[k] =
                    std::max(0.0, rates[k] + 20.0 * (rates_mean[k] - rates[k]) * dt +
                                      0.3 * rates_mean[k] * sdt * mc::ziggurat_normal(rate_rng));
            log_gas += 50.0 * (std::log(o.gas_gwei) - log_gas) * dt +
                       3.0 * sdt * mc::ziggurat_normal(gas_rng);
        }
        d.time[t] = o.start_time + static_cast<std::int64_t>(t) * kHour;
        d.btc_usd[t] = round_to(btc, 2);
        d.eth_usd[t] = round_to(eth, 2);
        d.wsteth_eth[t] = round_to(lst, 9);
        d.gas_gwei[t] = round_to(std::exp(log_gas), 2);
        d.usdt_supply_apr[t] = round_to(rates[0], 6);
        d.usdt_borrow_apr[t] = round_to(std::max(rates[1], rates[0]), 6);
        d.weth_supply_apr[t] = round_to(rates[2], 6);
        d.weth_borrow_apr[t] = round_to(std::max(rates[3], rates[2]), 6);
        d.wsteth_supply_apr[t] = round_to(rates[4], 6);
    }
    for (std::size_t v = 0; v < o.venues.size(); ++v) {
        mc::Xoshiro256StarStar rng(o.seed, 10 + v);
        PerpVenue venue;
        venue.name = o.venues[v];
        for (auto* x :
             {&venue.btc_mark_usd, &venue.eth_mark_usd, &venue.btc_funding, &venue.eth_funding})
            x->resize(n);
        // Basis (mark / spot - 1): OU around 5 bp, 200 a year reversion, 2% a year volatility;
        // funding = its mean + the basis deviation / 8 (an 8-hour premium index), clamped.
        const double basis_mean = 0.0005;
        double basis_btc = basis_mean, basis_eth = basis_mean;
        for (std::size_t t = 0; t < n; ++t) {
            if (t > 0) {
                basis_btc +=
                    200.0 * (basis_mean - basis_btc) * dt + 0.02 * sdt * mc::ziggurat_normal(rng);
                basis_eth +=
                    200.0 * (basis_mean - basis_eth) * dt + 0.02 * sdt * mc::ziggurat_normal(rng);
            }
            venue.btc_mark_usd[t] = round_to(d.btc_usd[t] * (1.0 + basis_btc), 2);
            venue.eth_mark_usd[t] = round_to(d.eth_usd[t] * (1.0 + basis_eth), 2);
            venue.btc_funding[t] = round_to(
                std::clamp(o.funding_mean + (basis_btc - basis_mean) / 8.0, -0.004, 0.004), 8);
            venue.eth_funding[t] = round_to(
                std::clamp(o.funding_mean + (basis_eth - basis_mean) / 8.0, -0.004, 0.004), 8);
        }
        d.venues.push_back(std::move(venue));
    }
    return d;
}

std::vector<std::pair<std::string, std::string>> market_data_csv(const MarketData& d) {
    std::vector<std::pair<std::string, std::string>> files;
    std::string text = yaml::list_words(market_columns());
    std::erase(text, ' ');
    text += '\n';
    for (std::size_t t = 0; t < d.hours(); ++t)
        text += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", format_utc_timestamp(d.time[t]),
                            d.btc_usd[t], d.eth_usd[t], d.wsteth_eth[t], d.gas_gwei[t],
                            d.usdt_supply_apr[t], d.usdt_borrow_apr[t], d.weth_supply_apr[t],
                            d.weth_borrow_apr[t], d.wsteth_supply_apr[t]);
    files.emplace_back("market.csv", std::move(text));
    for (const auto& v : d.venues) {
        std::string perp = "timestamp,btc_mark_usd,eth_mark_usd,btc_funding,eth_funding\n";
        for (std::size_t t = 0; t < d.hours(); ++t)
            perp +=
                fmt::format("{},{},{},{},{}\n", format_utc_timestamp(d.time[t]), v.btc_mark_usd[t],
                            v.eth_mark_usd[t], v.btc_funding[t], v.eth_funding[t]);
        files.emplace_back("perp_" + v.name + ".csv", std::move(perp));
    }
    return files;
}

}  // namespace pftoken::integration::yield
