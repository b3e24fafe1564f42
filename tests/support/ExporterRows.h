#pragma once

// OTLP spans as the OpenTelemetry collector's clickhouseexporter writes them into otel_traces: one
// JSONEachRow line per span, with the exporter's own spellings (SpanKind "Server", StatusCode
// "Error", every attribute value flattened to text the way pcommon's Value.AsString() does), so a test
// can fill a real ClickHouse engine with exactly what the collector would have stored for the same
// data Seam imports from files. Follows exporter/clickhouseexporter (traces.go) of
// opentelemetry-collector-contrib.

#include <QByteArray>

namespace opentelemetry::proto::trace::v1 {
class TracesData;
}

namespace seam::test {

/// Appends one line per span of `traces` to `out`.
void appendExporterRows(const opentelemetry::proto::trace::v1::TracesData& traces, QByteArray& out);

} // namespace seam::test
