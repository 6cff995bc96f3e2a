#pragma once
// Test helper: reproduces the decimal.js formatting Uniswap's swap snapshot uses
// (precision 20, ROUND_HALF_UP, toExpNeg -500, toExpPos 500; test/shared/format.ts formatPrice and
// the spec's executionPrice), so price fields can be compared as the exact strings of the snapshot.

#include <string>

#include <boost/multiprecision/cpp_int.hpp>

namespace pftoken::amm::testing {

using boost::multiprecision::cpp_int;

/// A finite decimal: (-1)^negative * coefficient * 10^exponent.
struct Decimal {
    bool negative = false;
    cpp_int coefficient = 0;
    long exponent = 0;
};

inline cpp_int pow10(long n) {
    cpp_int r = 1;
    for (long i = 0; i < n; ++i) r *= 10;
    return r;
}

inline std::size_t digit_count(const cpp_int& v) { return v == 0 ? 1 : v.str().size(); }

/// num/den (num, den > 0) rounded to `sd` significant digits, ROUND_HALF_UP.
inline Decimal round_rational(const cpp_int& num, const cpp_int& den, long sd, bool negative = false) {
    Decimal d;
    d.negative = negative;
    if (num == 0) return d;
    // Find k so that num*10^k/den has exactly sd integer digits.
    long k = sd - static_cast<long>(digit_count(num)) + static_cast<long>(digit_count(den));
    for (int attempt = 0; attempt < 4; ++attempt) {
        const cpp_int scaled_num = k >= 0 ? cpp_int(num * pow10(k)) : num;
        const cpp_int scaled_den = k >= 0 ? den : cpp_int(den * pow10(-k));
        const cpp_int q = scaled_num / scaled_den;
        const long digits = static_cast<long>(digit_count(q));
        if (digits > sd) {
            --k;
            continue;
        }
        if (digits < sd) {
            ++k;
            continue;
        }
        const cpp_int rem = scaled_num - q * scaled_den;
        cpp_int c = q;
        if (rem * 2 >= scaled_den) c += 1;  // half up (away from zero on the magnitude)
        if (static_cast<long>(digit_count(c)) > sd) {
            c /= 10;
            --k;
        }
        d.coefficient = c;
        d.exponent = -k;
        return d;
    }
    return d;
}

inline Decimal round_decimal(const Decimal& x, long sd) {
    if (x.exponent >= 0) return round_rational(x.coefficient * pow10(x.exponent), 1, sd, x.negative);
    return round_rational(x.coefficient, pow10(-x.exponent), sd, x.negative);
}

inline Decimal divide(const Decimal& a, const Decimal& b, long sd) {
    cpp_int num = a.coefficient, den = b.coefficient;
    const long e = a.exponent - b.exponent;
    if (e >= 0) num *= pow10(e);
    else den *= pow10(-e);
    return round_rational(num, den, sd, a.negative != b.negative);
}

inline Decimal multiply(const Decimal& a, const Decimal& b, long sd) {
    return round_decimal({a.negative != b.negative, a.coefficient * b.coefficient, a.exponent + b.exponent}, sd);
}

/// decimal.js toPrecision(sd) with toExpNeg -500 / toExpPos 500.
inline std::string to_precision(const Decimal& x, long sd) {
    if (x.coefficient == 0) {
        std::string s = "0";
        if (sd > 1) s += "." + std::string(static_cast<std::size_t>(sd - 1), '0');
        return s;
    }
    const Decimal r = round_decimal(x, sd);
    const std::string digits = r.coefficient.str();  // exactly sd digits
    const long e = r.exponent + sd - 1;               // exponent of the leading digit
    std::string out;
    if (e >= sd || e <= -500) {
        out = digits.substr(0, 1);
        if (sd > 1) out += "." + digits.substr(1);
        out += (e >= 0 ? "e+" : "e-") + std::to_string(e >= 0 ? e : -e);
    } else if (e < 0) {
        out = "0." + std::string(static_cast<std::size_t>(-e - 1), '0') + digits;
    } else {
        out = digits.substr(0, static_cast<std::size_t>(e + 1));
        if (static_cast<long>(digits.size()) > e + 1) out += "." + digits.substr(static_cast<std::size_t>(e + 1));
    }
    return r.negative ? "-" + out : out;
}

/// formatPrice(sqrtPriceX96): Decimal(p).dividedBy(Decimal(2).pow(96)).pow(2).toPrecision(5).
inline std::string format_price(const cpp_int& sqrt_price_x96) {
    const Decimal two96 = round_rational(cpp_int(1) << 96, 1, 20);
    const Decimal ratio = divide(Decimal{false, sqrt_price_x96, 0}, two96, 20);
    return to_precision(multiply(ratio, ratio, 20), 5);
}

/// executionPrice: Decimal(d1).div(d0).mul(-1).toPrecision(5), with decimal.js's NaN/Infinity.
inline std::string format_execution_price(const cpp_int& delta0, const cpp_int& delta1) {
    if (delta0 == 0) {
        if (delta1 == 0) return "NaN";
        return delta1 > 0 ? "-Infinity" : "Infinity";
    }
    const bool negative = (delta1 < 0) != (delta0 < 0);
    const cpp_int n = delta1 < 0 ? cpp_int(-delta1) : delta1;
    const cpp_int d = delta0 < 0 ? cpp_int(-delta0) : delta0;
    Decimal q = round_rational(n, d, 20, negative);
    q.negative = !q.negative;  // mul(-1)
    if (q.coefficient == 0) q.negative = false;
    return to_precision(q, 5);
}

}  // namespace pftoken::amm::testing
