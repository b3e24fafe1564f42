#pragma once

#include "BatchSink.h"
#include "ImportReport.h"

#include <string>
#include <string_view>

namespace opentelemetry::proto {
namespace common::v1 {
class InstrumentationScope;
}
namespace resource::v1 {
class Resource;
}
namespace trace::v1 {
class ResourceSpans;
class Span;
} // namespace trace::v1
namespace logs::v1 {
class ResourceLogs;
class LogRecord;
} // namespace logs::v1
} // namespace opentelemetry::proto

namespace seam {

/// Turns OTLP messages (decoded from protobuf or JSON, or built by the demo generator) into
/// normalized records. Every span becomes a SpanRecord; browser telemetry (resource attribute
/// telemetry.sdk.language = webjs, or a browser instrumentation scope) additionally becomes RUM:
/// documentLoad -> page load (+ documentFetch/resourceFetch children -> resources, timing and
/// web-vital events -> page-load timings), fetch/XHR CLIENT spans -> resources, `exception` events and
/// error logs -> rum_errors, user-interaction spans -> actions, session.id -> sessions.
///
/// The streaming API (beginResource / beginScope / addSpan) lets readers decode one span at a time
/// from arbitrarily large messages; addResourceSpans is the convenience form for whole messages.
class OtlpMapper
{
public:
    OtlpMapper(BatchBuilder& out, ImportReport& report);
    ~OtlpMapper();
    OtlpMapper(const OtlpMapper&) = delete;
    OtlpMapper& operator=(const OtlpMapper&) = delete;

    void beginResource(const opentelemetry::proto::resource::v1::Resource& resource);
    void beginScope(const opentelemetry::proto::common::v1::InstrumentationScope& scope);
    /// `location` names where the span came from ("byte 1234", "line 7") for reject messages.
    void addSpan(const opentelemetry::proto::trace::v1::Span& span, std::string_view location);
    void addLog(const opentelemetry::proto::logs::v1::LogRecord& log, std::string_view location);

    void addResourceSpans(const opentelemetry::proto::trace::v1::ResourceSpans& rs,
                          std::string_view location);
    void addResourceLogs(const opentelemetry::proto::logs::v1::ResourceLogs& rl, std::string_view location);

private:
    friend class OtlpMapperRum; // the browser-RUM half, in OtlpMapperRum.cpp
    struct State;
    BatchBuilder& m_out;
    ImportReport& m_report;
    State* m_state;
};

} // namespace seam
