#pragma once
// `seam export --trace ID | --page-load ID`: traces as OTLP JSON (an ExportTraceServiceRequest that
// Seam's importer and the OpenTelemetry collector's otlpjson readers accept) or as flamegraph.pl
// folded stacks. A page load's traces are its document's trace and every trace its resources
// propagated or were linked to.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace seam {

class Database;

namespace report {

/// traces.id of a trace given as 32 (or 16) hex digits; empty when unknown.
std::vector<std::int64_t> tracesOfTraceId(Database& db, const std::string& hex);
/// traces.id of every trace of a page load (with spans), in order of id; empty when none.
std::vector<std::int64_t> tracesOfPageLoad(Database& db, std::int64_t pageLoadId);
/// The hex trace id of a traces.id.
std::string traceHex(Database& db, std::int64_t traceRow);

/// Writes one OTLP JSON document: resourceSpans grouped by service version and scope, spans by start
/// then span id (deterministic). Attributes keep their JSON types (integers as intValue strings,
/// other numbers as doubleValue, arrays, objects as kvlistValue). Browser services carry
/// telemetry.sdk.language = webjs so they read back as browser spans. Returns the spans written.
std::int64_t writeOtlpJson(Database& db, const std::vector<std::int64_t>& traces,
                           const std::function<void(std::string_view)>& out);

} // namespace report
} // namespace seam
