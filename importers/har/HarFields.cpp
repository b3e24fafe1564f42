#include "HarFields.h"

#include <array>
#include <cctype>
#include <charconv>

namespace seam::har {
namespace {

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && isSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    return s;
}

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

std::optional<TraceId> traceIdFromHex(std::string_view hex)
{
    if (hex.size() != 16 && hex.size() != 32)
        return std::nullopt;
    auto id = TraceId::fromHex(hex);
    if (!id || !id->isValid())
        return std::nullopt;
    return id;
}

/// Finds `needle` (lower case) in `hay` ignoring ASCII case, from `from`.
std::size_t findIgnoreCase(std::string_view hay, std::string_view needle, std::size_t from = 0)
{
    if (needle.empty() || hay.size() < needle.size())
        return std::string_view::npos;
    for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
        if (lower(hay[i]) != needle[0])
            continue;
        std::size_t k = 1;
        while (k < needle.size() && lower(hay[i + k]) == needle[k])
            ++k;
        if (k == needle.size())
            return i;
    }
    return std::string_view::npos;
}

} // namespace

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

std::optional<TimeNs> parseIsoTime(std::string_view s)
{
    s = trim(s);
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

PropagatedTrace fromTraceParent(std::string_view value, TraceIdSource source)
{
    PropagatedTrace out;
    const auto tp = parseTraceParent(trim(value));
    if (!tp)
        return out;
    out.spanId = tp->parentId;
    out.source = source;
    if (tp->traceId.high64() == 0)
        out.low64 = tp->traceId.low64();
    else
        out.traceId = tp->traceId;
    return out;
}

PropagatedTrace fromB3(std::string_view value)
{
    PropagatedTrace out;
    value = trim(value);
    const std::size_t dash = value.find('-');
    if (dash == std::string_view::npos)
        return out; // sampling decision only
    const std::string_view traceHex = value.substr(0, dash);
    std::string_view rest = value.substr(dash + 1);
    const std::string_view spanHex = rest.substr(0, rest.find('-'));
    const auto trace = traceIdFromHex(traceHex);
    const auto span = spanIdFromHex(spanHex);
    if (!trace || !span)
        return out;
    out.traceId = *trace;
    out.spanId = *span;
    out.source = TraceIdSource::TraceparentHeader;
    return out;
}

std::optional<std::string> traceParentFromServerTiming(std::string_view value)
{
    // Server-Timing = #(metric *(";" param)); metric names are tokens, param values token or quoted.
    std::size_t pos = 0;
    while (pos < value.size()) {
        std::size_t end = pos;
        bool quoted = false;
        while (end < value.size() && (quoted || value[end] != ',')) {
            if (value[end] == '"')
                quoted = !quoted;
            else if (value[end] == '\\' && quoted)
                ++end;
            ++end;
        }
        const std::string_view metric = value.substr(pos, std::min(end, value.size()) - pos);
        pos = end + 1;
        const std::size_t semi = metric.find(';');
        if (!equalsIgnoreCase(trim(metric.substr(0, semi)), "traceparent") || semi == std::string_view::npos)
            continue;
        std::string_view params = metric.substr(semi + 1);
        while (!params.empty()) {
            const std::size_t next = params.find(';');
            const std::string_view param = params.substr(0, next);
            params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
            const std::size_t eq = param.find('=');
            if (eq == std::string_view::npos || !equalsIgnoreCase(trim(param.substr(0, eq)), "desc"))
                continue;
            std::string_view v = trim(param.substr(eq + 1));
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
                v = v.substr(1, v.size() - 2);
            return std::string(v);
        }
    }
    return std::nullopt;
}

std::optional<std::string> traceParentFromHtml(std::string_view html)
{
    std::size_t pos = 0;
    while ((pos = findIgnoreCase(html, "<meta", pos)) != std::string_view::npos) {
        pos += 5;
        const std::size_t close = html.find('>', pos);
        const std::string_view tag =
            html.substr(pos, close == std::string_view::npos ? html.size() - pos : close - pos);
        // Attributes: name = value, value quoted with ' or " or bare.
        std::string_view name, content;
        bool haveContent = false;
        std::size_t i = 0;
        while (i < tag.size()) {
            while (i < tag.size() && (isSpace(tag[i]) || tag[i] == '/'))
                ++i;
            const std::size_t nameStart = i;
            while (i < tag.size() && !isSpace(tag[i]) && tag[i] != '=' && tag[i] != '/')
                ++i;
            const std::string_view attr = tag.substr(nameStart, i - nameStart);
            while (i < tag.size() && isSpace(tag[i]))
                ++i;
            std::string_view value;
            if (i < tag.size() && tag[i] == '=') {
                ++i;
                while (i < tag.size() && isSpace(tag[i]))
                    ++i;
                if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
                    const char q = tag[i++];
                    const std::size_t end = tag.find(q, i);
                    const std::size_t stop = end == std::string_view::npos ? tag.size() : end;
                    value = tag.substr(i, stop - i);
                    i = stop + 1;
                } else {
                    const std::size_t start = i;
                    while (i < tag.size() && !isSpace(tag[i]))
                        ++i;
                    value = tag.substr(start, i - start);
                }
            }
            if (attr.empty()) {
                ++i;
                continue;
            }
            if (equalsIgnoreCase(attr, "name"))
                name = trim(value);
            else if (equalsIgnoreCase(attr, "content")) {
                content = trim(value);
                haveContent = true;
            }
        }
        if (haveContent && equalsIgnoreCase(name, "traceparent"))
            return std::string(content);
        if (close == std::string_view::npos)
            break;
        pos = close + 1;
    }
    return std::nullopt;
}

std::string decodeBase64Prefix(std::string_view in, std::size_t maxOut)
{
    static constexpr auto kTable = [] {
        std::array<signed char, 256> t{};
        t.fill(-1);
        for (int i = 0; i < 26; ++i) {
            t[std::size_t('A' + i)] = static_cast<signed char>(i);
            t[std::size_t('a' + i)] = static_cast<signed char>(26 + i);
        }
        for (int i = 0; i < 10; ++i)
            t[std::size_t('0' + i)] = static_cast<signed char>(52 + i);
        t[std::size_t('+')] = t[std::size_t('-')] = 62;
        t[std::size_t('/')] = t[std::size_t('_')] = 63;
        return t;
    }();
    std::string out;
    out.reserve(std::min(maxOut, in.size() / 4 * 3 + 3));
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : in) {
        if (out.size() >= maxOut)
            break;
        if (isSpace(c))
            continue;
        if (c == '=')
            break;
        const int v = kTable[static_cast<unsigned char>(c)];
        if (v < 0)
            break;
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((acc >> bits) & 0xff));
        }
    }
    return out;
}

std::optional<std::uint64_t> parseDecimalU64(std::string_view text)
{
    text = trim(text);
    if (text.empty())
        return std::nullopt;
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::string_view typeFromChromeResourceType(std::string_view t)
{
    static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
        {"document", "document"}, {"stylesheet", "css"}, {"script", "script"},   {"image", "image"},
        {"font", "font"},         {"media", "media"},    {"texttrack", "media"}, {"xhr", "xhr"},
        {"fetch", "fetch"},       {"ping", "beacon"},    {"beacon", "beacon"},   {"eventsource", "other"},
        {"websocket", "other"},   {"manifest", "other"}, {"other", "other"},     {"preflight", "other"},
        {"prefetch", "other"},    {"css", "css"},        {"img", "image"},       {"js", "script"}};
    for (const auto& [from, to] : kMap)
        if (equalsIgnoreCase(t, from))
            return to;
    return {};
}

std::string_view typeFromFetchDest(std::string_view dest)
{
    static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
        {"document", "document"},    {"iframe", "document"},
        {"frame", "document"},       {"script", "script"},
        {"worker", "script"},        {"sharedworker", "script"},
        {"serviceworker", "script"}, {"style", "css"},
        {"image", "image"},          {"font", "font"},
        {"audio", "media"},          {"video", "media"},
        {"track", "media"},          {"empty", "fetch"},
        {"manifest", "other"},       {"object", "other"},
        {"embed", "other"}};
    for (const auto& [from, to] : kMap)
        if (equalsIgnoreCase(trim(dest), from))
            return to;
    return {};
}

std::string_view typeFromMime(std::string_view mime)
{
    mime = trim(mime.substr(0, mime.find(';')));
    auto starts = [&](std::string_view prefix) {
        return mime.size() >= prefix.size() && equalsIgnoreCase(mime.substr(0, prefix.size()), prefix);
    };
    auto has = [&](std::string_view part) { return findIgnoreCase(mime, part) != std::string_view::npos; };
    if (equalsIgnoreCase(mime, "text/html") || equalsIgnoreCase(mime, "application/xhtml+xml"))
        return "document";
    if (equalsIgnoreCase(mime, "text/css"))
        return "css";
    if (has("javascript") || has("ecmascript") || equalsIgnoreCase(mime, "application/wasm"))
        return "script";
    if (starts("image/"))
        return "image";
    if (starts("font/") || has("font-woff") || has("vnd.ms-fontobject") || has("x-font"))
        return "font";
    if (starts("video/") || starts("audio/") || has("mpegurl") || has("dash+xml"))
        return "media";
    if (has("json") || equalsIgnoreCase(mime, "application/xml") || equalsIgnoreCase(mime, "text/xml") ||
        has("protobuf") || has("grpc"))
        return "fetch";
    return {};
}

std::string_view typeFromUrl(std::string_view url)
{
    url = url.substr(0, url.find_first_of("?#"));
    const std::size_t slash = url.rfind('/');
    const std::size_t dot = url.rfind('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
        return {};
    const std::string_view ext = url.substr(dot + 1);
    static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
        {"js", "script"},     {"mjs", "script"},  {"css", "css"},    {"png", "image"},  {"jpg", "image"},
        {"jpeg", "image"},    {"gif", "image"},   {"svg", "image"},  {"webp", "image"}, {"avif", "image"},
        {"ico", "image"},     {"woff", "font"},   {"woff2", "font"}, {"ttf", "font"},   {"otf", "font"},
        {"eot", "font"},      {"mp4", "media"},   {"webm", "media"}, {"mp3", "media"},  {"m3u8", "media"},
        {"html", "document"}, {"htm", "document"}};
    for (const auto& [from, to] : kMap)
        if (equalsIgnoreCase(ext, from))
            return to;
    return {};
}

} // namespace seam::har
