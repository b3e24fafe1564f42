#pragma once

#include "Importer.h"

#include <string_view>

namespace seam {

/// Whether the head of a JSON input is a Grafana Faro payload: a root object whose keys are all Faro
/// ones (meta, logs, exceptions, measurements, events, traces), with at least one besides "traces".
bool looksLikeFaro(std::string_view head);

/// Reads Grafana Faro web SDK payloads (what the collector's /collect receives): one JSON body, or one
/// per line (NDJSON), gzip or not.
///
/// - meta.session -> session (user id, browser / OS / device from meta.browser.userAgent, else the
///   browser's own name / os / mobile fields; app version).
/// - meta.page -> a page load keyed by the page id (else session + URL), started at the payload's
///   earliest item; a faro.performance.navigation event gives it duration, TTFB and URL (version 1,
///   so it replaces the bare one).
/// - exceptions -> RUM errors (type, value, stack from stacktrace.frames); logs -> log rows of the
///   app's browser service (level, context as attributes, trace/span ids); measurements of type
///   web-vitals -> vitals (lcp, fcp, cls, inp, ttfb); other measurements -> log rows;
///   faro.performance.resource events -> resources (timing attributes are strings of milliseconds);
///   other events -> custom actions (session_* bookkeeping events are skipped).
/// - traces (OTLP JSON, including the legacy instrumentationLibrarySpans) -> handed unchanged to
///   OtlpJsonReader, so a span from Faro and the same span from an OTLP file are the same row. The
///   OTLP reader is a FormatReader over an InputSource, so the traces member is re-serialized
///   (compactly, it is already a bounded DOM) and read from a buffer; its rejects are reported under
///   the payload's location.
///
/// Each payload (line) and each item in it is rejected on its own, with its location.
class FaroReader : public FormatReader
{
public:
    void read(InputSource& in, ImportContext& ctx) override;
};

} // namespace seam
