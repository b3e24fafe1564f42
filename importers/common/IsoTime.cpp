#include "IsoTime.h"

#include "TextUtil.h"

namespace seam {
namespace {

/// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, int n, int& out)
{
    if (pos + std::size_t(n) > s.size())
        return false;
    out = 0;
    for (int i = 0; i < n; ++i) {
        const char c = s[pos + std::size_t(i)];
        if (c < '0' || c > '9')
            return false;
        out = out * 10 + (c - '0');
    }
    pos += std::size_t(n);
    return true;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(int y, int m, int d)
{
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = unsigned(y - era * 400);
    const unsigned doy = unsigned((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + std::int64_t(doe) - 719468;
}

} // namespace

std::optional<TimeNs> parseIsoTime(std::string_view s)
{
    s = text::trim(s);
    std::size_t pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-' || !digits(s, pos, 2, month) ||
        pos >= s.size() || s[pos++] != '-' || !digits(s, pos, 2, day))
        return std::nullopt;
    if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' '))
        return std::nullopt;
    ++pos;
    if (!digits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':' || !digits(s, pos, 2, minute))
        return std::nullopt;
    if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (!digits(s, pos, 2, second))
            return std::nullopt;
    }
    // Years beyond 2200 would overflow nanoseconds (int64 ends in 2262) once durations are added.
    if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
        minute > 59 || second > 60)
        return std::nullopt;
    std::int64_t fraction = 0;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        int n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n < 9) {
                fraction = fraction * 10 + (s[pos] - '0');
                ++n;
            }
            ++pos;
        }
        if (n == 0)
            return std::nullopt;
        for (; n < 9; ++n)
            fraction *= 10;
    }
    std::int64_t offsetSeconds = 0;
    if (pos < s.size()) {
        const char z = s[pos];
        if (z == 'Z' || z == 'z') {
            ++pos;
        } else if (z == '+' || z == '-') {
            ++pos;
            int oh = 0, om = 0;
            if (!digits(s, pos, 2, oh))
                return std::nullopt;
            if (pos < s.size() && s[pos] == ':')
                ++pos;
            if (pos < s.size() && !digits(s, pos, 2, om))
                return std::nullopt;
            if (oh > 23 || om > 59)
                return std::nullopt;
            offsetSeconds = (z == '+' ? 1 : -1) * (std::int64_t(oh) * 3600 + om * 60);
        } else {
            return std::nullopt;
        }
    }
    if (pos != s.size())
        return std::nullopt;
    const std::int64_t seconds =
        daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    return seconds * 1'000'000'000 + fraction;
}

} // namespace seam
