#pragma once

// Building blocks for writing OTLP messages: attribute helpers and the chunk under construction.

#include "Ids.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <cstdint>
#include <google/protobuf/arena.h>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace seam::demo {

namespace otlp = opentelemetry::proto;
using Attributes = google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>;

// Distinct names rather than overloads: a string literal would silently pick a bool overload.
void addString(Attributes* attrs, std::string_view key, std::string_view value);
void addInt(Attributes* attrs, std::string_view key, std::int64_t value);
void addDouble(Attributes* attrs, std::string_view key, double value);
void addBool(Attributes* attrs, std::string_view key, bool value);

void setIds(otlp::trace::v1::Span* span, const TraceId& trace, SpanId id, SpanId parent);
void setTimes(otlp::trace::v1::Span* span, TimeNs start, TimeNs end);
otlp::trace::v1::Span::Event* addEvent(otlp::trace::v1::Span* span, std::string_view name, TimeNs time);
/// An OTel `exception` event (exception.type, .message, .stacktrace) and status ERROR with the message.
void recordException(otlp::trace::v1::Span* span, TimeNs time, std::string_view type,
                     std::string_view message, std::string_view stack);
void setError(otlp::trace::v1::Span* span, std::string_view message);

std::string spanIdBytes(SpanId id);
std::string hexOf(const TraceId& trace);

/// Handle to a resource (a browser session or a backend service instance) in DemoChunk's registry.
using ResourceHandle = std::uint32_t;
/// Handle to an instrumentation scope in DemoChunk's registry.
using ScopeHandle = std::uint32_t;

/// The OTLP messages of one chunk under construction. Spans are grouped into one ResourceSpans per
/// resource and one ScopeSpans per (resource, scope), in first-use order, so the output is
/// deterministic. Messages live in an arena that is reset per chunk: hundreds of thousands of small
/// messages would otherwise dominate generation time with heap allocations.
class DemoChunk
{
public:
    DemoChunk();
    ~DemoChunk();
    DemoChunk(const DemoChunk&) = delete;
    DemoChunk& operator=(const DemoChunk&) = delete;

    ResourceHandle addResource(otlp::resource::v1::Resource resource);
    /// Frees a resource no more spans will use (a finished session): memory stays flat however many
    /// sessions a run has. Chunks keep their own copy.
    void releaseResource(ResourceHandle resource);
    ScopeHandle addScope(std::string name, std::string version);

    otlp::trace::v1::Span* newSpan(ResourceHandle resource, ScopeHandle scope);
    otlp::logs::v1::LogRecord* newLog(ResourceHandle resource, ScopeHandle scope);

    std::size_t spanCount() const { return m_spanCount; }
    std::size_t logCount() const { return m_logCount; }
    const otlp::trace::v1::TracesData& traces() const { return *m_traces; }
    const otlp::logs::v1::LogsData& logs() const { return *m_logs; }
    /// Drops the chunk's messages; registered resources and scopes stay.
    void clear();

private:
    static std::uint64_t key(ResourceHandle r, ScopeHandle s) { return (std::uint64_t(r) << 32) | s; }

    std::vector<std::unique_ptr<otlp::resource::v1::Resource>> m_resources;
    std::vector<otlp::common::v1::InstrumentationScope> m_scopes;
    std::unique_ptr<google::protobuf::Arena> m_arena;
    otlp::trace::v1::TracesData* m_traces = nullptr;
    otlp::logs::v1::LogsData* m_logs = nullptr;
    std::unordered_map<ResourceHandle, otlp::trace::v1::ResourceSpans*> m_resourceSpans;
    std::unordered_map<std::uint64_t, otlp::trace::v1::ScopeSpans*> m_scopeSpans;
    std::unordered_map<ResourceHandle, otlp::logs::v1::ResourceLogs*> m_resourceLogs;
    std::unordered_map<std::uint64_t, otlp::logs::v1::ScopeLogs*> m_scopeLogs;
    std::size_t m_spanCount = 0;
    std::size_t m_logCount = 0;
};

} // namespace seam::demo
