#include "JaegerReader.h"

#include "JaegerTags.h"
#include "JsonItemStream.h"
#include "OtlpMapper.h"
#include "SpanJsonFields.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace seam {

namespace otlp = opentelemetry::proto;
using rapidjson::Value;
using namespace spanjson;

namespace {

enum Role : int
{
    None = 0,
    Root,      // the root object: an envelope {data: ...}, a trace or a span
    Trace,     // a trace (or, in a bare array, maybe a span)
    SpanItem,  // an element of a trace's spans
    Processes, // a trace's processes map
};

constexpr std::uint64_t kMaxMicros = 9'000'000'000'000'000ull; // ns must fit in int64

struct Process
{
    otlp::resource::v1::Resource resource;
};
using ProcessPtr = std::shared_ptr<const Process>;

/// A converted span waiting for its process.
struct PendingSpan
{
    otlp::trace::v1::Span span;
    std::string scopeName;
    std::string scopeVersion;
    std::string processId; // when the process is referenced by id
    ProcessPtr process;    // when it was inline
    std::string location;
};

bool processFrom(const Value& v, Process& out, std::string& error)
{
    if (!v.IsObject()) {
        error = "a process must be an object, got " + JsonItemStream::describe(v);
        return false;
    }
    auto* attrs = out.resource.mutable_attributes();
    const Value* name = member(v, "serviceName");
    if (name && !name->IsString() && !name->IsNull()) {
        error = "process serviceName must be a string, got " + JsonItemStream::describe(*name);
        return false;
    }
    if (name && name->IsString() && name->GetStringLength() > 0) {
        auto* kv = attrs->Add();
        kv->set_key("service.name");
        kv->mutable_value()->set_string_value(name->GetString(), name->GetStringLength());
    }
    google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue> tags;
    if (!jaeger::tagsToAttributes(member(v, "tags"), &tags, error)) {
        error = "process: " + error;
        return false;
    }
    for (auto& kv : tags)
        if (kv.key() != "service.name" || !(name && name->IsString() && name->GetStringLength() > 0))
            *attrs->Add() = std::move(kv);
    return true;
}

class JaegerClient : public JsonItemStream::Client
{
public:
    JaegerClient(BatchBuilder& builder, ImportContext& ctx) : m_mapper(builder, ctx.report), m_ctx(ctx) {}

    int capture(const JsonItemStream::Path& path) override
    {
        const std::size_t n = path.size();
        if (n == 1)
            return Root;
        const auto& self = path[n - 1];
        const auto& parent = path[n - 2];
        if (parent.array && n == 2)
            return Trace;
        if (!parent.array && parent.role == Root && self.key == "data")
            return Trace;
        if (parent.array && n == 3 && parent.key == "data" && path[0].role == Root)
            return Trace;
        if (parent.array && n >= 3 && parent.key == "spans" &&
            (path[n - 3].role == Root || path[n - 3].role == Trace))
            return SpanItem;
        if (!parent.array && self.key == "processes" && (parent.role == Root || parent.role == Trace))
            return Processes;
        return None;
    }

    bool item(const JsonItemStream::Path& path, Value& v, const std::string& location) override
    {
        switch (path.back().role) {
        case SpanItem:
            span(v, location);
            break;
        case Processes:
            processes(v, location);
            break;
        case Trace:
        case Root:
            if (member(v, "spanID") || member(v, "operationName")) {
                span(v, location); // a bare span (in an array, or alone)
            } else {
                if (path.back().role == Root) {
                    m_rootWasJaeger = member(v, "data") || member(v, "traceID") || member(v, "spans") ||
                                      member(v, "processes");
                    apiErrors(member(v, "errors"), location);
                }
                traceEnd();
            }
            break;
        default:
            break;
        }
        return true;
    }

    void rootDone(const std::string& rootKeys) override
    {
        traceEnd();
        // "none": a root array or an empty object, nothing to judge by.
        if (!m_rootWasJaeger && !m_sawSpan && m_firstForeignKeys.empty() && rootKeys != "none")
            m_firstForeignKeys = rootKeys;
        m_rootWasJaeger = false;
    }

    void finish()
    {
        traceEnd();
        if (!m_sawSpan && !m_firstForeignKeys.empty() && !m_ctx.report.hasFatal())
            m_ctx.report.setFatal("byte 0",
                                  "JSON, but not Jaeger: no data, traceID or spans (top-level keys: " +
                                      m_firstForeignKeys + ")");
    }

private:
    /// The query API's {"data": ..., "errors": [{code, msg, traceID}]}: each error is reported.
    void apiErrors(const Value* errors, const std::string& location)
    {
        if (!errors || !errors->IsArray())
            return;
        for (const Value& e : errors->GetArray()) {
            std::string message = "the Jaeger API reported an error";
            if (const Value* code = member(e, "code"); code && code->IsInt())
                message += ' ' + std::to_string(code->GetInt());
            if (const Value* msg = member(e, "msg"); msg && msg->IsString())
                message += ": " + std::string(view(*msg).substr(0, 500));
            if (const Value* trace = member(e, "traceID"); trace && trace->IsString())
                message += " (trace " + std::string(view(*trace).substr(0, 64)) + ")";
            m_ctx.report.addRejected(location, message);
        }
    }

    void span(const Value& v, const std::string& location)
    {
        m_sawSpan = true;
        PendingSpan p;
        p.location = location;
        std::string error;
        if (!convert(v, p, error)) {
            m_ctx.report.addRejected(location, error);
            return;
        }
        if (p.process || m_processesSeen) {
            emit(p);
        } else {
            m_pending.push_back(std::move(p));
        }
    }

    void processes(const Value& v, const std::string& location)
    {
        m_processesSeen = true;
        if (!v.IsObject()) {
            m_ctx.report.addRejected(location,
                                     "processes must be an object, got " + JsonItemStream::describe(v));
        } else {
            for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
                auto process = std::make_shared<Process>();
                std::string error;
                if (!processFrom(it->value, *process, error)) {
                    m_ctx.report.addRejected(location, "process \"" + std::string(view(it->name)) +
                                                           "\": " + error + "; its spans are rejected");
                    continue;
                }
                m_processes[std::string(view(it->name))] = std::move(process);
            }
        }
        for (PendingSpan& p : m_pending)
            emit(p);
        m_pending.clear();
    }

    void traceEnd()
    {
        for (PendingSpan& p : m_pending)
            emit(p);
        m_pending.clear();
        m_processes.clear();
        m_processesSeen = false;
    }

    void emit(PendingSpan& p)
    {
        ProcessPtr process = p.process;
        if (!process) {
            const auto it = m_processes.find(p.processId);
            if (it == m_processes.end()) {
                m_ctx.report.addRejected(
                    p.location, p.processId.empty() ? std::string("span has neither process nor processID")
                                                    : "span's processID \"" + p.processId +
                                                          "\" is not among its trace's processes");
                return;
            }
            process = it->second;
        }
        if (process != m_currentProcess) {
            m_mapper.beginResource(process->resource);
            m_currentProcess = process;
            m_scopeSet = false;
        }
        if (!m_scopeSet || p.scopeName != m_scope.name() || p.scopeVersion != m_scope.version()) {
            m_scope.set_name(p.scopeName);
            m_scope.set_version(p.scopeVersion);
            m_mapper.beginScope(m_scope);
            m_scopeSet = true;
        }
        m_mapper.addSpan(p.span, p.location);
    }

    /// An inline process, shared between consecutive spans that carry the same one.
    ProcessPtr inlineProcess(const Value& v, std::string& error)
    {
        auto process = std::make_shared<Process>();
        if (!processFrom(v, *process, error))
            return nullptr;
        std::string key = process->resource.SerializeAsString();
        if (m_lastInline && key == m_lastInlineKey)
            return m_lastInline;
        m_lastInlineKey = std::move(key);
        m_lastInline = std::move(process);
        return m_lastInline;
    }

    bool convert(const Value& v, PendingSpan& p, std::string& error)
    {
        if (!v.IsObject()) {
            error = "a span must be an object, got " + JsonItemStream::describe(v);
            return false;
        }
        otlp::trace::v1::Span& s = p.span;
        const Value* traceId = member(v, "traceID");
        const Value* spanId = member(v, "spanID");
        if (!traceId || !spanId) {
            error = std::string("span without ") + (!traceId ? "traceID" : "spanID");
            return false;
        }
        const auto tid = traceId->IsString() ? traceIdFromHex(view(*traceId)) : std::nullopt;
        if (!tid || !tid->isValid()) {
            error = "span traceID must be 1 to 32 hex digits and not all zero, got " +
                    JsonItemStream::describe(*traceId);
            return false;
        }
        const auto sid = spanId->IsString() ? spanIdFromShortHex(view(*spanId)) : std::nullopt;
        if (!sid) {
            error = "span spanID must be 1 to 16 hex digits and not zero, got " +
                    JsonItemStream::describe(*spanId);
            return false;
        }
        const std::string where = "span " + spanIdHex(*sid) + ": ";
        s.set_trace_id(traceIdBytes(*tid));
        s.set_span_id(spanIdBytes(*sid));
        if (const Value* name = member(v, "operationName"); name && !name->IsNull()) {
            if (!name->IsString()) {
                error = where + "operationName must be a string, got " + JsonItemStream::describe(*name);
                return false;
            }
            s.set_name(name->GetString(), name->GetStringLength());
        }
        const Value* start = member(v, "startTime");
        const Value* duration = member(v, "duration");
        if (duration && !unsignedOf(*duration)) { // a wrong type says more than a missing neighbour
            error = where + "duration must be a number of microseconds, got " +
                    JsonItemStream::describe(*duration);
            return false;
        }
        if (!start || !duration) {
            error = where + (!start ? "startTime" : "duration") + " is missing";
            return false;
        }
        const auto startUs = unsignedOf(*start);
        if (!startUs || *startUs > kMaxMicros) {
            error = where + "startTime must be microseconds since the epoch, got " +
                    JsonItemStream::describe(*start);
            return false;
        }
        const auto durationUs = unsignedOf(*duration);
        if (!durationUs || *durationUs > kMaxMicros - *startUs) {
            error = where + "duration must be a number of microseconds, got " +
                    JsonItemStream::describe(*duration);
            return false;
        }
        s.set_start_time_unix_nano(*startUs * 1000);
        s.set_end_time_unix_nano((*startUs + *durationUs) * 1000);

        if (!references(v, *tid, s, where, error))
            return false;

        // Tags, with the ones Jaeger writes for OTLP concepts turned back into them.
        google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue> tags;
        if (!jaeger::tagsToAttributes(member(v, "tags"), &tags, error)) {
            error = where + error;
            return false;
        }
        std::string statusCode;
        bool errorTag = false;
        for (auto& kv : tags) {
            const std::string& key = kv.key();
            const auto& value = kv.value();
            const bool isString = value.value_case() == otlp::common::v1::AnyValue::kStringValue;
            if (key == "span.kind" && isString) {
                const std::string kind = jaeger::lowerAscii(value.string_value());
                s.set_kind(kind == "client"     ? otlp::trace::v1::Span::SPAN_KIND_CLIENT
                           : kind == "server"   ? otlp::trace::v1::Span::SPAN_KIND_SERVER
                           : kind == "producer" ? otlp::trace::v1::Span::SPAN_KIND_PRODUCER
                           : kind == "consumer" ? otlp::trace::v1::Span::SPAN_KIND_CONSUMER
                           : kind == "internal" ? otlp::trace::v1::Span::SPAN_KIND_INTERNAL
                                                : otlp::trace::v1::Span::SPAN_KIND_UNSPECIFIED);
            } else if (key == "otel.status_code" && isString) {
                statusCode = value.string_value();
            } else if (key == "otel.status_description" && isString) {
                s.mutable_status()->set_message(value.string_value());
            } else if (key == "error" && ((value.value_case() == otlp::common::v1::AnyValue::kBoolValue &&
                                           value.bool_value()) ||
                                          (isString && jaeger::lowerAscii(value.string_value()) == "true"))) {
                errorTag = true;
            } else if ((key == "otel.scope.name" || key == "otel.library.name") && isString) {
                p.scopeName = value.string_value();
            } else if ((key == "otel.scope.version" || key == "otel.library.version") && isString) {
                p.scopeVersion = value.string_value();
            } else if (key == "w3c.tracestate" && isString) {
                s.set_trace_state(value.string_value());
            } else if (key == "internal.span.format") {
                // Jaeger's bookkeeping of where the span came from.
            } else {
                *s.add_attributes() = std::move(kv);
            }
        }
        if (statusCode == "ERROR" || (statusCode.empty() && errorTag))
            s.mutable_status()->set_code(otlp::trace::v1::Status::STATUS_CODE_ERROR);
        else if (statusCode == "OK")
            s.mutable_status()->set_code(otlp::trace::v1::Status::STATUS_CODE_OK);

        if (!logs(member(v, "logs"), s, where, error))
            return false;

        if (const Value* process = member(v, "process"); process && !process->IsNull()) {
            p.process = inlineProcess(*process, error);
            if (!p.process) {
                error = where + error;
                return false;
            }
        } else if (const Value* id = member(v, "processID"); id && !id->IsNull()) {
            if (!id->IsString()) {
                error = where + "processID must be a string, got " + JsonItemStream::describe(*id);
                return false;
            }
            p.processId.assign(id->GetString(), id->GetStringLength());
        }
        return true;
    }

    static bool references(const Value& v, const TraceId& traceId, otlp::trace::v1::Span& s,
                           const std::string& where, std::string& error)
    {
        const Value* refs = member(v, "references");
        SpanId parent = 0;
        if (refs && !refs->IsNull()) {
            if (!refs->IsArray()) {
                error = where + "references must be an array, got " + JsonItemStream::describe(*refs);
                return false;
            }
            struct Ref
            {
                bool childOf;
                TraceId trace;
                SpanId span;
            };
            std::vector<Ref> list;
            for (const Value& r : refs->GetArray()) {
                const Value* type = member(r, "refType");
                const Value* rt = member(r, "traceID");
                const Value* rs = member(r, "spanID");
                if (!type || !type->IsString() || !rt || !rt->IsString() || !rs || !rs->IsString()) {
                    error = where + "a reference needs refType, traceID and spanID strings";
                    return false;
                }
                const std::string kind = jaeger::lowerAscii(view(*type));
                const auto refTrace = traceIdFromHex(view(*rt));
                const auto refSpan = spanIdFromShortHex(view(*rs));
                if (!refTrace || !refSpan || (kind != "child_of" && kind != "follows_from")) {
                    error = where + "a reference has a bad refType, traceID or spanID";
                    return false;
                }
                list.push_back({kind == "child_of", *refTrace, *refSpan});
            }
            for (const Ref& r : list) {
                if (r.childOf && r.trace == traceId) {
                    parent = r.span;
                    break;
                }
            }
            std::set<std::tuple<bool, TraceId, SpanId>> seen;
            for (const Ref& r : list) {
                if (r.childOf && r.trace == traceId && r.span == parent)
                    continue;
                if (!seen.insert({r.childOf, r.trace, r.span}).second)
                    continue;
                auto* link = s.add_links();
                link->set_trace_id(traceIdBytes(r.trace));
                link->set_span_id(spanIdBytes(r.span));
                auto* kv = link->add_attributes();
                kv->set_key("opentracing.ref_type");
                kv->mutable_value()->set_string_value(r.childOf ? "child_of" : "follows_from");
            }
        }
        if (!parent) {
            if (const Value* legacy = member(v, "parentSpanID"); legacy && legacy->IsString()) {
                const auto id = view(*legacy);
                if (!id.empty() && id.find_first_not_of('0') != std::string_view::npos) {
                    const auto parsed = spanIdFromShortHex(id);
                    if (!parsed) {
                        error = where + "parentSpanID must be 1 to 16 hex digits";
                        return false;
                    }
                    parent = *parsed;
                }
            }
        }
        if (parent)
            s.set_parent_span_id(spanIdBytes(parent));
        return true;
    }

    static bool logs(const Value* logs, otlp::trace::v1::Span& s, const std::string& where,
                     std::string& error)
    {
        if (!logs || logs->IsNull())
            return true;
        if (!logs->IsArray()) {
            error = where + "logs must be an array, got " + JsonItemStream::describe(*logs);
            return false;
        }
        for (const Value& log : logs->GetArray()) {
            const Value* ts = log.IsObject() ? member(log, "timestamp") : nullptr;
            const auto us = ts ? unsignedOf(*ts) : std::nullopt;
            if (!us || *us > kMaxMicros) {
                error = where + "a log needs a timestamp in microseconds";
                return false;
            }
            auto* event = s.add_events();
            event->set_time_unix_nano(*us * 1000);
            google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue> fields;
            if (!jaeger::tagsToAttributes(member(log, "fields"), &fields, error)) {
                error = where + "log: " + error;
                return false;
            }
            bool named = false;
            for (auto& kv : fields) {
                if (!named && kv.key() == "event" &&
                    kv.value().value_case() == otlp::common::v1::AnyValue::kStringValue) {
                    event->set_name(kv.value().string_value());
                    named = true;
                } else {
                    *event->add_attributes() = std::move(kv);
                }
            }
        }
        return true;
    }

    OtlpMapper m_mapper;
    ImportContext& m_ctx;
    std::unordered_map<std::string, ProcessPtr> m_processes;
    bool m_processesSeen = false;
    std::vector<PendingSpan> m_pending;
    ProcessPtr m_currentProcess;
    otlp::common::v1::InstrumentationScope m_scope;
    bool m_scopeSet = false;
    ProcessPtr m_lastInline;
    std::string m_lastInlineKey;
    bool m_sawSpan = false;
    bool m_rootWasJaeger = false;
    std::string m_firstForeignKeys;
};

} // namespace

bool looksLikeJaegerJson(std::string_view head)
{
    const JsonHeadShape shape = sniffJsonHead(head);
    auto has = [](const std::vector<std::string>& keys, std::string_view k) {
        return std::find(keys.begin(), keys.end(), k) != keys.end();
    };
    auto jaegerKeys = [&](const std::vector<std::string>& keys) {
        return has(keys, "traceID") || has(keys, "spanID") || has(keys, "operationName") ||
               has(keys, "processID") || has(keys, "processes");
    };
    if (shape.rootArray)
        return !shape.nestedArrays && jaegerKeys(shape.itemKeys);
    if (has(shape.rootKeys, "resourceSpans") || has(shape.rootKeys, "resourceLogs") ||
        has(shape.rootKeys, "result"))
        return false;
    if (jaegerKeys(shape.rootKeys))
        return true;
    if (has(shape.rootKeys, "data"))
        return jaegerKeys(shape.itemKeys) ||
               (shape.dataIsEmptyArray && (has(shape.rootKeys, "total") || has(shape.rootKeys, "errors"))) ||
               // The query API's answer, whatever data holds (null when the trace was not found).
               (has(shape.rootKeys, "total") && has(shape.rootKeys, "limit") &&
                has(shape.rootKeys, "offset") && has(shape.rootKeys, "errors"));
    return false;
}

void JaegerReader::read(InputSource& in, ImportContext& ctx)
{
    BatchBuilder builder(ctx.sink);
    JaegerClient client(builder, ctx);
    JsonItemStream::run(in, ctx, client);
    client.finish();
    builder.flush();
    ctx.report.bytesRead = in.offset();
}

} // namespace seam
