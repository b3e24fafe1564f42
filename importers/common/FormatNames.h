#pragma once
// The names of the formats Seam reads, as reported in ImportReport::format and accepted by --format,
// and how much of a source detection looks at. The registry that maps them to readers is
// importers/ImportFormats; this floor knows no reader.

#include <cstddef>
#include <string_view>

namespace seam {

/// Format names, as reported in ImportReport::format and accepted by --format.
namespace formats {
inline constexpr std::string_view kOtlpJson = "otlp-json";
inline constexpr std::string_view kOtlpProtobufTraces = "otlp-protobuf-traces";
inline constexpr std::string_view kOtlpProtobufLogs = "otlp-protobuf-logs";
inline constexpr std::string_view kOtlpProtobufStream = "otlp-protobuf-stream";
inline constexpr std::string_view kHar = "har";
inline constexpr std::string_view kDatadogRum = "datadog-rum";
inline constexpr std::string_view kFaro = "faro";
inline constexpr std::string_view kJaegerJson = "jaeger-json";
inline constexpr std::string_view kZipkinJson = "zipkin-json";
inline constexpr std::string_view kUnknown = "unknown";
} // namespace formats

/// How many decoded bytes detection looks at.
constexpr std::size_t kDetectHeadBytes = 64 * 1024;
} // namespace seam
