#include "SpanJsonFields.h"

#include <charconv>
#include <cmath>

namespace seam::spanjson {

const rapidjson::Value* member(const rapidjson::Value& object, const char* name)
{
    if (!object.IsObject())
        return nullptr;
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

std::optional<TraceId> traceIdFromHex(std::string_view hex)
{
    if (hex.empty() || hex.size() > 32)
        return std::nullopt;
    std::string padded(32 - hex.size(), '0');
    padded += hex;
    return TraceId::fromHex(padded);
}

std::optional<SpanId> spanIdFromShortHex(std::string_view hex)
{
    if (hex.empty() || hex.size() > 16)
        return std::nullopt;
    std::string padded(16 - hex.size(), '0');
    padded += hex;
    const auto id = spanIdFromHex(padded);
    if (!id || *id == 0)
        return std::nullopt;
    return id;
}

std::optional<std::uint64_t> unsignedOf(const rapidjson::Value& v)
{
    if (v.IsUint64())
        return v.GetUint64();
    if (v.IsDouble()) {
        const double d = v.GetDouble();
        if (d >= 0 && d < 1.8e19 && std::floor(d) == d)
            return std::uint64_t(d);
        return std::nullopt;
    }
    if (v.IsString()) {
        const std::string_view s = view(v);
        std::uint64_t n = 0;
        const auto res = std::from_chars(s.data(), s.data() + s.size(), n);
        if (!s.empty() && res.ec == std::errc() && res.ptr == s.data() + s.size())
            return n;
    }
    return std::nullopt;
}

std::optional<std::int64_t> signedOf(const rapidjson::Value& v)
{
    if (v.IsInt64())
        return v.GetInt64();
    if (v.IsDouble()) {
        const double d = v.GetDouble();
        if (d > -9.2e18 && d < 9.2e18 && std::floor(d) == d)
            return std::int64_t(d);
        return std::nullopt;
    }
    if (v.IsString()) {
        const std::string_view s = view(v);
        std::int64_t n = 0;
        const auto res = std::from_chars(s.data(), s.data() + s.size(), n);
        if (!s.empty() && res.ec == std::errc() && res.ptr == s.data() + s.size())
            return n;
    }
    return std::nullopt;
}

std::optional<double> doubleOf(const rapidjson::Value& v)
{
    if (v.IsNumber())
        return v.GetDouble();
    if (v.IsString()) {
        const std::string_view s = view(v);
        double d = 0;
        const auto res = std::from_chars(s.data(), s.data() + s.size(), d);
        if (!s.empty() && res.ec == std::errc() && res.ptr == s.data() + s.size())
            return d;
    }
    return std::nullopt;
}

std::string spanIdBytes(SpanId id)
{
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i)
        out[std::size_t(i)] = char((id >> (56 - 8 * i)) & 0xff);
    return out;
}

std::string traceIdBytes(const TraceId& id)
{
    return std::string(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
}

} // namespace seam::spanjson
