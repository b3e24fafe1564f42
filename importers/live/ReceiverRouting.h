#pragma once

// Which endpoint a request is for and how its body is encoded: read off the request line and headers
// alone, shared by the admission checks (ReceiverAdmission.cpp) and the decoders (RequestDecoder.cpp).

#include "HttpParser.h"
#include "ImportFormats.h"
#include "OtlpResponses.h"

#include <QByteArray>
#include <optional>
#include <string_view>

namespace seam::live {

// The RUM importers (importers/datadog, importers/faro), looked up by name so that a build without
// one answers 501 rather than failing to link.
inline constexpr std::string_view kDatadogRumFormat = formats::kDatadogRum;
inline constexpr std::string_view kFaroFormat = formats::kFaro;

/// What a route is.
enum class Route
{
    Unknown,
    Traces,
    Logs,
    Metrics,
    DatadogRum, // the browser SDK's `proxy` option: POST <proxy>?ddforward=<intake path>
    Faro        // Grafana Faro: /collect and /collect/<app key>
};

Route routeFor(const HttpRequest& r);

/// application/x-protobuf or application/json (parameters ignored); nullopt otherwise.
std::optional<Encoding> otlpEncoding(const QByteArray& contentType);

} // namespace seam::live
