#pragma once

#include "Importer.h"

#include <string_view>

namespace seam {

/// Whether the head of a JSON document is Jaeger's JSON (v1 query API / UI download): {"data": [trace]}
/// or {"data": trace}, a trace object {traceID, spans, processes}, a bare array of traces or of spans,
/// or one span. Decided from the keys (Jaeger writes traceID / spanID / operationName / processID,
/// which no other format here does). OTLP JSON and Jaeger v3's {"result": {resourceSpans}} are not
/// Jaeger JSON: the OTLP JSON reader reads those.
bool looksLikeJaegerJson(std::string_view head);

/// Reads Jaeger JSON traces. Each span becomes the OTLP span Jaeger's own translator
/// (jaeger -> OTLP) would produce and goes through OtlpMapper, so a span imported from Jaeger and the
/// same span imported from OTLP give identical rows (and, by the (trace, span_id) key, one row):
///
/// - process.serviceName + process tags -> resource (service.name + attributes); a span's inline
///   `process` wins over `processID`;
/// - traceID of 1-32 hex digits (64-bit ids left-padded to 128 bits), spanID 1-16 hex digits;
/// - startTime / duration in microseconds (numbers or decimal strings);
/// - references: the first CHILD_OF in the span's own trace is the parent; every other reference
///   (FOLLOWS_FROM, other traces, further CHILD_OF) becomes a span link with attribute
///   opentracing.ref_type (child_of / follows_from); exact repeats are dropped. A span without
///   references may carry the legacy `parentSpanID`;
/// - tags -> attributes by type (string, bool, int64 also as a string, float64, binary as base64 ->
///   bytes); the tags Jaeger itself writes when converting from OTLP are turned back: span.kind ->
///   kind, otel.status_code / otel.status_description -> status, error=true -> status error,
///   otel.scope.name/version (otel.library.*) -> instrumentation scope, w3c.tracestate -> trace
///   state; internal.span.format is dropped;
/// - logs -> span events (time from timestamp in microseconds, name from the `event` field, the other
///   fields as attributes); warnings are ignored;
/// - the query API's `errors` ({code, msg, traceID}) are reported as rejects of the file.
///
/// Streaming (JsonItemStream): spans are converted one at a time. Jaeger writes a trace's processes
/// after its spans, so a trace's spans wait, as compact protobuf messages, until its processes arrive
/// (or the trace ends); memory is bounded by the largest trace, not by the file.
///
/// Bad input: a span with missing or wrong-typed fields is rejected with its line and byte, the rest
/// is kept; a syntax error ends the import with its location, keeping what came before.
class JaegerReader : public FormatReader
{
public:
    void read(InputSource& in, ImportContext& ctx) override;
};

} // namespace seam
