#pragma once

// What makes OTLP telemetry browser telemetry (RUM), in one place: the mapper decides with it, and
// the remote back-ends use it to select the browser side on the server.

#include <span>
#include <string_view>

namespace seam {

/// The resource attribute and value the OpenTelemetry web SDK sets.
inline constexpr std::string_view kBrowserSdkLanguageKey = "telemetry.sdk.language";
inline constexpr std::string_view kBrowserSdkLanguage = "webjs";

/// Instrumentation scopes that only run in a browser (name prefixes).
inline constexpr std::string_view kBrowserScopePrefixes[] = {
    "@opentelemetry/instrumentation-document-load", "@opentelemetry/instrumentation-fetch",
    "@opentelemetry/instrumentation-xml-http-request", "@opentelemetry/instrumentation-user-interaction",
    "@grafana/faro"};

inline bool isBrowserScope(std::string_view name)
{
    for (std::string_view p : kBrowserScopePrefixes)
        if (name.starts_with(p))
            return true;
    return false;
}

} // namespace seam
