// Number, money, percent and date formatting: the one implementation (pftoken/base/format.hpp).
#include "pftoken/base/format.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace pftoken::format {

std::string number(double x, int significant, std::string_view non_finite) {
    if (!std::isfinite(x)) return std::string(non_finite);
    if (significant <= 0) return fmt::format("{}", x);
    return fmt::format("{:.{}g}", x, significant);
}

std::string message_number(double x, int significant) {
    if (!std::isfinite(x)) return fmt::format("{}", x);
    return number(x, significant);
}

std::string shortest(double x, std::string_view non_finite) { return number(x, 0, non_finite); }

namespace {

/// "-0.00" -> "0.00": a text whose digits are all zero loses its minus sign.
std::string unsigned_zero(std::string text) {
    if (!text.empty() && text.front() == '-' && text.find_first_of("123456789") == std::string::npos) text.erase(0, 1);
    return text;
}

}  // namespace

std::string fixed(double x, int decimals, std::string_view non_finite) {
    if (!std::isfinite(x)) return std::string(non_finite);
    return unsigned_zero(fmt::format("{:.{}f}", x, decimals < 0 ? 0 : decimals));
}

std::string grouped(double x, int decimals, std::string_view non_finite) {
    if (!std::isfinite(x)) return std::string(non_finite);
    const std::string plain = fixed(x, decimals);
    const bool negative = plain.front() == '-';
    const std::size_t begin = negative ? 1 : 0;
    const std::size_t point = std::min(plain.find('.'), plain.size());
    std::string out = negative ? "-" : "";
    for (std::size_t i = begin; i < point; ++i) {
        out += plain[i];
        const std::size_t left = point - i - 1;
        if (left > 0 && left % 3 == 0) out += ',';
    }
    return out + plain.substr(point);
}

MoneyUnit money_unit(double largest_magnitude) {
    const double m = std::abs(largest_magnitude);
    if (m >= 1e9) return {1e9, "bn"};
    if (m >= 1e6) return {1e6, "m"};
    return {};
}

std::string money_in(double x, MoneyUnit unit, int decimals, std::string_view non_finite) {
    if (!std::isfinite(x)) return std::string(non_finite);
    const std::string text = grouped(x / unit.scale, decimals);
    if (text.find_first_of("123456789") == std::string::npos) return text;  // zero carries no unit
    return text + std::string(unit.suffix);
}

std::string money(double x, std::string_view non_finite) { return fixed(x, 0, non_finite); }

std::string percent(double fraction, int decimals, std::string_view non_finite) {
    if (!std::isfinite(fraction)) return std::string(non_finite);
    return fixed(100.0 * fraction, decimals) + "%";
}

std::string iso_date(const std::chrono::year_month_day& date) {
    return date.ok() ? iso_date_as_written(date) : std::string{};
}

std::string iso_date_as_written(const std::chrono::year_month_day& date) {
    return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                       static_cast<unsigned>(date.day()));
}

std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text, bool calendar_valid) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int value[3] = {0, 0, 0};
    const std::size_t begin[3] = {0, 5, 8};
    const std::size_t length[3] = {4, 2, 2};
    for (int part = 0; part < 3; ++part) {
        for (std::size_t i = begin[part]; i < begin[part] + length[part]; ++i) {
            const char ch = text[i];
            if (ch < '0' || ch > '9') return std::nullopt;
            value[part] = value[part] * 10 + (ch - '0');
        }
    }
    const std::chrono::year_month_day date{std::chrono::year{value[0]},
                                           std::chrono::month{static_cast<unsigned>(value[1])},
                                           std::chrono::day{static_cast<unsigned>(value[2])}};
    if (calendar_valid && !date.ok()) return std::nullopt;
    return date;
}

}  // namespace pftoken::format
