#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seam {

/// Nanoseconds since the Unix epoch; the one time unit of the whole store.
using TimeNs = std::int64_t;

/// A 128-bit W3C / OpenTelemetry trace id. All-zero is "no id".
struct TraceId
{
    std::array<std::uint8_t, 16> bytes{};

    bool isValid() const;
    std::string hex() const;
    /// Low 64 bits as an unsigned integer (what Datadog propagates).
    std::uint64_t low64() const;
    std::uint64_t high64() const;

    /// Accepts 16 or 32 hex digits, either case; 16 digits are left-padded with zeros.
    static std::optional<TraceId> fromHex(std::string_view hex);
    static std::optional<TraceId> fromBytes(std::string_view raw);
    static TraceId fromHalves(std::uint64_t high, std::uint64_t low);

    friend bool operator==(const TraceId&, const TraceId&) = default;
    friend auto operator<=>(const TraceId&, const TraceId&) = default;
};

struct TraceIdHash
{
    std::size_t operator()(const TraceId& id) const noexcept { return std::size_t(id.low64() ^ id.high64()); }
};

/// Span ids are 64-bit values (0 = none); the store keeps them as the signed reinterpretation.
using SpanId = std::uint64_t;

std::string spanIdHex(SpanId id);
/// 0-15 for a hex digit of either case, -1 otherwise.
int hexValue(char c);
/// Accepts exactly 16 hex digits (either case).
std::optional<SpanId> spanIdFromHex(std::string_view hex);
/// 8 raw big-endian bytes.
std::optional<SpanId> spanIdFromBytes(std::string_view raw);

/// Parses a W3C traceparent ("00-<32 hex>-<16 hex>-<2 hex>"). Rejects version ff and all-zero ids.
struct TraceParent
{
    TraceId traceId;
    SpanId parentId = 0;
    std::uint8_t flags = 0;
};
std::optional<TraceParent> parseTraceParent(std::string_view value);

} // namespace seam
