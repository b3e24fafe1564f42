#include "Ids.h"

namespace seam {
namespace {

bool parseHexBytes(std::string_view hex, std::uint8_t* out)
{
    for (std::size_t i = 0; i < hex.size() / 2; ++i) {
        const int hi = hexValue(hex[2 * i]);
        const int lo = hexValue(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = std::uint8_t(hi << 4 | lo);
    }
    return true;
}

constexpr char kHexDigits[] = "0123456789abcdef";

} // namespace

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool TraceId::isValid() const
{
    for (auto b : bytes)
        if (b)
            return true;
    return false;
}

std::string TraceId::hex() const
{
    std::string s(32, '0');
    for (std::size_t i = 0; i < 16; ++i) {
        s[2 * i] = kHexDigits[bytes[i] >> 4];
        s[2 * i + 1] = kHexDigits[bytes[i] & 0xf];
    }
    return s;
}

std::uint64_t TraceId::low64() const
{
    std::uint64_t v = 0;
    for (std::size_t i = 8; i < 16; ++i)
        v = v << 8 | bytes[i];
    return v;
}

std::uint64_t TraceId::high64() const
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i)
        v = v << 8 | bytes[i];
    return v;
}

std::optional<TraceId> TraceId::fromHex(std::string_view hex)
{
    if (hex.size() != 32 && hex.size() != 16)
        return std::nullopt;
    TraceId id;
    const std::size_t offset = 16 - hex.size() / 2;
    if (!parseHexBytes(hex, id.bytes.data() + offset))
        return std::nullopt;
    return id;
}

std::optional<TraceId> TraceId::fromBytes(std::string_view raw)
{
    if (raw.size() != 16)
        return std::nullopt;
    TraceId id;
    for (std::size_t i = 0; i < 16; ++i)
        id.bytes[i] = std::uint8_t(raw[i]);
    return id;
}

TraceId TraceId::fromHalves(std::uint64_t high, std::uint64_t low)
{
    TraceId id;
    for (int i = 7; i >= 0; --i) {
        id.bytes[std::size_t(i)] = std::uint8_t(high & 0xff);
        id.bytes[std::size_t(i) + 8] = std::uint8_t(low & 0xff);
        high >>= 8;
        low >>= 8;
    }
    return id;
}

std::string spanIdHex(SpanId id)
{
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i) {
        s[std::size_t(i)] = kHexDigits[id & 0xf];
        id >>= 4;
    }
    return s;
}

std::optional<SpanId> spanIdFromHex(std::string_view hex)
{
    if (hex.size() != 16)
        return std::nullopt;
    std::uint8_t raw[8];
    if (!parseHexBytes(hex, raw))
        return std::nullopt;
    SpanId v = 0;
    for (auto b : raw)
        v = v << 8 | b;
    return v;
}

std::optional<SpanId> spanIdFromBytes(std::string_view raw)
{
    if (raw.size() != 8)
        return std::nullopt;
    SpanId v = 0;
    for (char c : raw)
        v = v << 8 | std::uint8_t(c);
    return v;
}

std::optional<TraceParent> parseTraceParent(std::string_view value)
{
    // Trim surrounding whitespace: header values in HAR files and meta tags are not always clean.
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    if (value.size() < 55 || value[2] != '-' || value[35] != '-' || value[52] != '-')
        return std::nullopt;
    std::uint8_t version = 0;
    if (!parseHexBytes(value.substr(0, 2), &version) || version == 0xff)
        return std::nullopt;
    if (version == 0 && value.size() != 55)
        return std::nullopt;
    TraceParent tp;
    auto trace = TraceId::fromHex(value.substr(3, 32));
    auto parent = spanIdFromHex(value.substr(36, 16));
    if (!trace || !parent || !trace->isValid() || *parent == 0)
        return std::nullopt;
    if (!parseHexBytes(value.substr(53, 2), &tp.flags))
        return std::nullopt;
    tp.traceId = *trace;
    tp.parentId = *parent;
    return tp;
}

} // namespace seam
