#include "NotTelemetry.h"

#include "FormatNames.h"
#include "ImportReport.h"
#include "JsonDocuments.h"

namespace seam {
namespace {

/// Printable text that is not JSON (UTF-8 allowed): no control bytes but tab, CR and LF. Random or binary
/// data has a control byte within a few hundred bytes; a protobuf message within its first few.
bool looksLikeText(std::string_view head)
{
    // JSON that no reader took (an array of something) is more likely broken telemetry than prose.
    const auto first = head.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || head[first] == '{' || head[first] == '[')
        return false;
    for (const unsigned char c : head.substr(0, 4096))
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return false;
    return true;
}

/// Root keys and event types of the formats Seam reads: JSON carrying one of them is telemetry that
/// did not parse (an event missing a key, a Jaeger document cut short) and is rejected, not skipped.
bool hasTelemetryMarks(const JsonHeadSummary& summary)
{
    for (const std::string_view type :
         {"view", "view_update", "resource", "error", "action", "long_task", "vital"})
        if (summary.rootString("type") == type)
            return true;
    for (const std::string_view key :
         {"data", "spans", "traceID", "traceId", "log", "meta", "logs", "traces"})
        if (summary.hasRootKey(key))
            return true;
    return false;
}

} // namespace

std::optional<std::string> notTelemetryReason(const ImportReport& report, std::string_view head)
{
    if (report.read() > 0 || report.rejected() > 0 || !report.hasFatal() || report.cancelled)
        return std::nullopt;
    if (report.format == formats::kOtlpJson) {
        // The OTLP JSON reader is what detection falls back to for any JSON object; it says when not
        // one object had an OTLP key (OtlpJsonReader: "JSON, but not OTLP").
        const std::string& fatal = report.fatalMessage();
        if (!fatal.starts_with("JSON, but not OTLP"))
            return std::nullopt;
        const JsonHeadSummary summary = summarizeJsonHead(head);
        if (hasTelemetryMarks(summary))
            return std::nullopt;
        if (summary.rootString("type") == "telemetry")
            return std::string("a Datadog SDK telemetry event (the SDK's own diagnostics, not RUM data)");
        const auto keys = fatal.find("top-level keys: ");
        std::string what = "JSON that is not telemetry";
        if (keys != std::string::npos)
            what += " (" + fatal.substr(keys, fatal.size() - keys - 1) + ")";
        return what;
    }
    if (report.format == formats::kUnknown && looksLikeText(head))
        return std::string("a text file in no telemetry format");
    return std::nullopt;
}

} // namespace seam
