#pragma once

#include "Ids.h"

#include <cstdint>
#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace seam::spanjson {

/// Field helpers shared by the Jaeger and Zipkin JSON readers.

inline std::string_view view(const rapidjson::Value& v)
{
    return {v.GetString(), v.GetStringLength()};
}

/// The member `name` of an object, or null.
const rapidjson::Value* member(const rapidjson::Value& object, const char* name);

/// A trace id of 1 to 32 hex digits, left-padded to 128 bits (64-bit ids are the low half).
std::optional<TraceId> traceIdFromHex(std::string_view hex);
/// A span id of 1 to 16 hex digits, left-padded. 0 is not a span id.
std::optional<SpanId> spanIdFromShortHex(std::string_view hex);
/// A non-negative integer given as a JSON number or a decimal string.
std::optional<std::uint64_t> unsignedOf(const rapidjson::Value& v);
std::optional<std::int64_t> signedOf(const rapidjson::Value& v);
std::optional<double> doubleOf(const rapidjson::Value& v);
/// 8 big-endian bytes, as OTLP carries span ids.
std::string spanIdBytes(SpanId id);
std::string traceIdBytes(const TraceId& id);

} // namespace seam::spanjson
