#pragma once

// The browser side of OTLP mapping: browser spans and logs (resource attribute
// telemetry.sdk.language = webjs, or a browser instrumentation scope) also become RUM records.

#include "OtlpMapperState.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

namespace seam {

/// Everything the RUM derivation needs about one browser span, computed once.
struct BrowserSpan
{
    const opentelemetry::proto::trace::v1::Span& span;
    TraceId traceId;
    SpanId spanId;
    SpanId parentId;
    std::string traceHex;
    std::string ownKey;    // "otel:<trace>:<span>"
    std::string parentKey; // "otel:<trace>:<parent>" or ""
    std::string sessionKey;
    std::string pageLoadKey; // the page load this span belongs to, if known
};

/// The RUM half of the mapper: what a browser span or log adds besides its span or log row (sessions,
/// page loads, resources, vitals, errors, actions, long tasks). It only appends to the batch.
class OtlpMapperRum
{
public:
    OtlpMapperRum(OtlpMapper::State& s, RecordBatch& batch) : m_s(s), m_batch(batch) {}

    void derive(BrowserSpan& b);
    void deriveFromLog(const opentelemetry::proto::logs::v1::LogRecord& log, const TraceId& traceId,
                       SpanId spanId, TimeNs time, bool browser);
    std::string sessionKeyFor(const OtlpAttributes& attrs);
    void ensureSession(const std::string& key, const OtlpAttributes& attrs, TimeNs start, TimeNs end);

private:
    void pageLoad(const BrowserSpan& b);
    ResourceRecord& resource(const BrowserSpan& b, std::string type);
    void vitalsAndErrors(const BrowserSpan& b);

    OtlpMapper::State& m_s;
    RecordBatch& m_batch;
};

} // namespace seam
