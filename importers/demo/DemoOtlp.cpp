#include "DemoOtlp.h"

namespace seam::demo {

namespace {
otlp::common::v1::AnyValue* addKey(Attributes* attrs, std::string_view key)
{
    auto* kv = attrs->Add();
    kv->set_key(key.data(), key.size());
    return kv->mutable_value();
}
} // namespace

void addString(Attributes* attrs, std::string_view key, std::string_view value)
{
    addKey(attrs, key)->set_string_value(value.data(), value.size());
}

void addInt(Attributes* attrs, std::string_view key, std::int64_t value)
{
    addKey(attrs, key)->set_int_value(value);
}

void addDouble(Attributes* attrs, std::string_view key, double value)
{
    addKey(attrs, key)->set_double_value(value);
}

void addBool(Attributes* attrs, std::string_view key, bool value)
{
    addKey(attrs, key)->set_bool_value(value);
}

std::string spanIdBytes(SpanId id)
{
    std::string raw(8, '\0');
    for (int i = 7; i >= 0; --i, id >>= 8)
        raw[std::size_t(i)] = char(id & 0xff);
    return raw;
}

std::string hexOf(const TraceId& trace)
{
    return trace.hex();
}

void setIds(otlp::trace::v1::Span* span, const TraceId& trace, SpanId id, SpanId parent)
{
    span->set_trace_id(trace.bytes.data(), trace.bytes.size());
    span->set_span_id(spanIdBytes(id));
    if (parent != 0)
        span->set_parent_span_id(spanIdBytes(parent));
    span->set_flags(0x01); // W3C sampled, as the JS and most backend SDKs export it
}

void setTimes(otlp::trace::v1::Span* span, TimeNs start, TimeNs end)
{
    span->set_start_time_unix_nano(std::uint64_t(start));
    span->set_end_time_unix_nano(std::uint64_t(end));
}

otlp::trace::v1::Span::Event* addEvent(otlp::trace::v1::Span* span, std::string_view name, TimeNs time)
{
    auto* ev = span->add_events();
    ev->set_name(name.data(), name.size());
    ev->set_time_unix_nano(std::uint64_t(time));
    return ev;
}

void setError(otlp::trace::v1::Span* span, std::string_view message)
{
    auto* status = span->mutable_status();
    status->set_code(otlp::trace::v1::Status::STATUS_CODE_ERROR);
    status->set_message(message.data(), message.size());
}

void recordException(otlp::trace::v1::Span* span, TimeNs time, std::string_view type,
                     std::string_view message, std::string_view stack)
{
    auto* ev = addEvent(span, "exception", time);
    addString(ev->mutable_attributes(), "exception.type", type);
    addString(ev->mutable_attributes(), "exception.message", message);
    if (!stack.empty())
        addString(ev->mutable_attributes(), "exception.stacktrace", stack);
    setError(span, message);
}

DemoChunk::DemoChunk()
{
    clear();
}

DemoChunk::~DemoChunk() = default;

ResourceHandle DemoChunk::addResource(otlp::resource::v1::Resource resource)
{
    m_resources.push_back(std::make_unique<otlp::resource::v1::Resource>(std::move(resource)));
    return ResourceHandle(m_resources.size() - 1);
}

void DemoChunk::releaseResource(ResourceHandle resource)
{
    m_resources[resource].reset();
}

ScopeHandle DemoChunk::addScope(std::string name, std::string version)
{
    otlp::common::v1::InstrumentationScope scope;
    scope.set_name(std::move(name));
    scope.set_version(std::move(version));
    m_scopes.push_back(std::move(scope));
    return ScopeHandle(m_scopes.size() - 1);
}

otlp::trace::v1::Span* DemoChunk::newSpan(ResourceHandle resource, ScopeHandle scope)
{
    auto& ss = m_scopeSpans[key(resource, scope)];
    if (!ss) {
        auto& rs = m_resourceSpans[resource];
        if (!rs) {
            rs = m_traces->add_resource_spans();
            rs->mutable_resource()->CopyFrom(*m_resources[resource]);
            rs->set_schema_url("https://opentelemetry.io/schemas/1.26.0");
        }
        ss = rs->add_scope_spans();
        ss->mutable_scope()->CopyFrom(m_scopes[scope]);
    }
    ++m_spanCount;
    return ss->add_spans();
}

otlp::logs::v1::LogRecord* DemoChunk::newLog(ResourceHandle resource, ScopeHandle scope)
{
    auto& sl = m_scopeLogs[key(resource, scope)];
    if (!sl) {
        auto& rl = m_resourceLogs[resource];
        if (!rl) {
            rl = m_logs->add_resource_logs();
            rl->mutable_resource()->CopyFrom(*m_resources[resource]);
        }
        sl = rl->add_scope_logs();
        sl->mutable_scope()->CopyFrom(m_scopes[scope]);
    }
    ++m_logCount;
    return sl->add_log_records();
}

void DemoChunk::clear()
{
    m_resourceSpans.clear();
    m_scopeSpans.clear();
    m_resourceLogs.clear();
    m_scopeLogs.clear();
    m_spanCount = 0;
    m_logCount = 0;
    google::protobuf::ArenaOptions options;
    options.start_block_size = 256 * 1024;
    options.max_block_size = 4 * 1024 * 1024;
    m_arena = std::make_unique<google::protobuf::Arena>(options);
    m_traces = google::protobuf::Arena::CreateMessage<otlp::trace::v1::TracesData>(m_arena.get());
    m_logs = google::protobuf::Arena::CreateMessage<otlp::logs::v1::LogsData>(m_arena.get());
}

} // namespace seam::demo
