#pragma once
// Telling input that is not telemetry at all (a web app manifest, a Datadog SDK's own `telemetry`
// diagnostics event, a README in an exported folder) from telemetry that is broken: the first is
// skipped, the second rejected. Only a detected format is second-guessed, never one the user named.

#include <optional>
#include <string>
#include <string_view>

namespace seam {

class ImportReport;

/// Why the input whose import gave `report` is not telemetry, or nullopt when it may be: it is JSON
/// without any OTLP key that the OTLP JSON reader found nothing in, or plain text in no format.
/// `head` is the start of the (decompressed) input.
std::optional<std::string> notTelemetryReason(const ImportReport& report, std::string_view head);

} // namespace seam
