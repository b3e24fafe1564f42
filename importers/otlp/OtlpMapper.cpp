// The span and log half of the OTLP mapper: validation, the span and log rows, and the current
// resource and scope. What browser telemetry adds (RUM) is in OtlpMapperRum.cpp.

#include "OtlpMapper.h"

#include "AttributeJson.h"
#include "JsonWriter.h"
#include "KeyDictionary.h"
#include "OtlpBrowser.h"
#include "OtlpMapperRum.h"
#include "OtlpMapperState.h"
#include "PayloadBuilder.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

namespace seam {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::InstrumentationScope;
using opentelemetry::proto::logs::v1::LogRecord;
using opentelemetry::proto::logs::v1::ResourceLogs;
using opentelemetry::proto::logs::v1::ScopeLogs;
using opentelemetry::proto::resource::v1::Resource;
using opentelemetry::proto::trace::v1::ResourceSpans;
using opentelemetry::proto::trace::v1::ScopeSpans;
using opentelemetry::proto::trace::v1::Span;
using otlp_mapping::firstOf;
using otlp_mapping::fnv1a;

namespace {

/// Appends the resource's instance members to a span's attribute object (or makes one), skipping keys
/// the span sets itself.
void addResourceInstance(std::string& json, const OtlpAttributes& spanAttributes,
                         const std::vector<std::pair<std::string, std::string>>& instance)
{
    for (const auto& [key, member] : instance) {
        if (findAttribute(spanAttributes, key))
            continue;
        if (json.empty()) {
            json = "{" + member + "}";
        } else if (json.back() == '}') {
            json.pop_back();
            if (json.size() > 1)
                json += ',';
            json += member;
            json += '}';
        }
    }
}

} // namespace

namespace {

// Anything outside [1990, 2100) is a unit mix-up (µs or ms sent as ns) or garbage, not telemetry.
// Anything outside [1990, 2100) is a unit mix-up (µs or ms sent as ns) or garbage, not telemetry.
constexpr std::uint64_t kMinTimeNs = 631152000ull * 1000000000ull;  // 1990-01-01
constexpr std::uint64_t kMaxTimeNs = 4102444800ull * 1000000000ull; // 2100-01-01

const char* checkTime(std::uint64_t t)
{
    if (t == 0)
        return "is missing";
    if (t < kMinTimeNs)
        return "is before 1990 (wrong unit?)";
    if (t >= kMaxTimeNs)
        return "is after 2100 (wrong unit?)";
    return nullptr;
}

// Events and links for either writer: JSON text, or the cache's binary payload (see encodePayload).
template<typename Writer> void writeEvents(Writer& w, const Span& span)
{
    w.beginArray();
    for (const Span::Event& ev : span.events()) {
        w.beginObject();
        w.key("t");
        w.int64(TimeNs(ev.time_unix_nano()));
        w.key("name");
        w.string(ev.name());
        // Most events (browser timing marks) have none: omitting the key saves ~15% of event bytes.
        if (!ev.attributes().empty()) {
            w.key("attributes");
            writeAttributes(w, ev.attributes());
        }
        w.endObject();
    }
    w.endArray();
}

template<typename Writer> void writeLinks(Writer& w, const Span& span)
{
    w.beginArray();
    for (const Span::Link& link : span.links()) {
        w.beginObject();
        const auto traceId = TraceId::fromBytes(link.trace_id());
        const auto spanId = spanIdFromBytes(link.span_id());
        w.key("trace_id");
        if (traceId)
            w.string(traceId->hex());
        else
            w.null();
        w.key("span_id");
        if (spanId)
            w.string(spanIdHex(*spanId));
        else
            w.null();
        w.key("attributes");
        writeAttributes(w, link.attributes());
        w.endObject();
    }
    w.endArray();
}

/// The span's attributes, events and links as JSON text (sinks that keep records, not a cache).
/// `instance`: the resource's members to add (backend spans), else nullptr.
void writeJson(SpanRecord& rec, const Span& span, const otlp_mapping::ResourceInstance* instance)
{
    appendAttributesJson(rec.attributesJson, span.attributes());
    if (instance)
        addResourceInstance(rec.attributesJson, span.attributes(), instance->members);
    if (!span.events().empty()) {
        JsonWriter w(rec.eventsJson);
        writeEvents(w, span);
    }
    if (!span.links().empty()) {
        JsonWriter w(rec.linksJson);
        writeLinks(w, span);
    }
}

/// The same payload straight in the cache's binary form, with the dictionary of the cache the batch goes
/// to: no JSON text written and read back (encodeSpanPayloads does that for records that come as JSON).
/// The calls reach the dictionary in the order payload::encode() of writeJson's text would, so the
/// bytes are the same.
void encodePayload(SpanRecord& rec, const Span& span, const otlp_mapping::ResourceInstance* instance,
                   KeyDictionary& dictionary, std::vector<std::uint32_t>& used,
                   payload::Builder::Buffers& buffers)
{
    const auto lock = dictionary.lock();
    {
        payload::Builder b(dictionary, used, payload::Builder::Strings::AsJsonWriter, &buffers);
        // The span's members, then the resource's instance members it lacks (backend spans only).
        bool open = false;
        auto member = [&](const std::string& key, const AnyValue& value) {
            if (!open) {
                b.beginObject();
                open = true;
            }
            b.key(key);
            writeAnyValue(b, value);
        };
        for (const auto& kv : span.attributes())
            member(kv.key(), kv.value());
        if (instance)
            for (std::size_t i = 0; i < instance->members.size(); ++i)
                if (!findAttribute(span.attributes(), instance->members[i].first))
                    member(instance->members[i].first, instance->values[i]);
        if (open)
            b.endObject();
        rec.encoded.attributes = b.finish();
    }
    if (!span.events().empty()) {
        payload::Builder b(dictionary, used, payload::Builder::Strings::AsJsonWriter, &buffers);
        writeEvents(b, span);
        rec.encoded.events = b.finish();
    }
    if (!span.links().empty()) {
        payload::Builder b(dictionary, used, payload::Builder::Strings::AsJsonWriter, &buffers);
        writeLinks(b, span);
        rec.encoded.links = b.finish();
    }
    rec.encoded.scope = rec.scope.empty() ? 0 : dictionary.keyId(rec.scope);
    if (rec.encoded.scope)
        used.push_back(rec.encoded.scope);
    rec.encoded.done = true;
}

} // namespace

OtlpMapper::OtlpMapper(BatchBuilder& out, ImportReport& report)
    : m_out(out), m_report(report), m_state(new State)
{
    m_state->service.name = "unknown_service";
}

OtlpMapper::~OtlpMapper()
{
    delete m_state;
}

void OtlpMapper::beginResource(const Resource& resource)
{
    State& s = *m_state;
    const OtlpAttributes& attrs = resource.attributes();
    s.service = ServiceRef{};
    s.service.name = findString(attrs, "service.name");
    if (s.service.name.empty())
        s.service.name = "unknown_service";
    s.service.ns = findString(attrs, "service.namespace");
    s.service.version = findString(attrs, "service.version");
    s.service.environment = firstOf(attrs, {"deployment.environment.name", "deployment.environment"});
    s.resourceIsBrowser = findString(attrs, kBrowserSdkLanguageKey) == kBrowserSdkLanguage;
    s.resourceInstance.members.clear();
    s.resourceInstance.values.clear();
    for (const std::string_view key : {"host.name", "service.instance.id", "k8s.pod.name", "container.id"})
        if (const AnyValue* v = findAttribute(attrs, key)) {
            std::string member;
            JsonWriter w(member);
            w.key(key);
            writeAnyValue(w, *v);
            s.resourceInstance.members.emplace_back(std::string(key), std::move(member));
            s.resourceInstance.values.push_back(*v);
        }
    s.resourceSessionId = findString(attrs, "session.id");
    s.resourceUserAgent = firstOf(attrs, {"user_agent.original", "http.user_agent", "browser.user_agent"});
    s.resourceUserId = firstOf(attrs, {"user.id", "enduser.id"});
    s.resourceCountry = firstOf(attrs, {"geo.country.iso_code", "client.geo.country_iso_code"});
    s.resourceAppVersion =
        s.service.version.empty() ? std::string(findString(attrs, "app.version")) : s.service.version;
    s.resourceBrowserBrands.clear();
    if (const AnyValue* brands = findAttribute(attrs, "browser.brands");
        brands && brands->value_case() == AnyValue::kArrayValue) {
        for (const AnyValue& b : brands->array_value().values()) {
            if (b.value_case() == AnyValue::kStringValue) {
                s.resourceBrowserBrands += b.string_value();
                s.resourceBrowserBrands += ';';
            }
        }
    }
    s.resourceBrowserPlatform = findString(attrs, "browser.platform");
    s.resourceBrowserMobile = findBool(attrs, "browser.mobile");
    std::string json;
    appendAttributesJson(json, attrs);
    s.resourceHash = fnv1a(json);
    beginScope(InstrumentationScope::default_instance());
}

void OtlpMapper::beginScope(const InstrumentationScope& scope)
{
    State& s = *m_state;
    s.scopeName = scope.name();
    s.scopeIsBrowser = isBrowserScope(s.scopeName);
    s.scopeIsFetch = s.scopeName.starts_with("@opentelemetry/instrumentation-fetch");
    s.scopeIsXhr = s.scopeName.starts_with("@opentelemetry/instrumentation-xml-http-request");
    s.scopeIsUserInteraction = s.scopeName.starts_with("@opentelemetry/instrumentation-user-interaction");
}

void OtlpMapper::addSpan(const Span& span, std::string_view location)
{
    State& s = *m_state;
    auto reject = [&](std::string message) {
        m_report.addRejected(std::string(location), std::move(message));
    };

    if (span.trace_id().size() != 16)
        return reject("trace id must be 16 bytes, got " + std::to_string(span.trace_id().size()));
    const TraceId traceId = *TraceId::fromBytes(span.trace_id());
    if (!traceId.isValid())
        return reject("trace id is all zeros");
    if (span.span_id().size() != 8)
        return reject("span id must be 8 bytes, got " + std::to_string(span.span_id().size()));
    const SpanId spanId = *spanIdFromBytes(span.span_id());
    if (spanId == 0)
        return reject("span id is all zeros");
    SpanId parentId = 0;
    if (!span.parent_span_id().empty()) {
        if (span.parent_span_id().size() != 8)
            return reject("parent span id must be 8 bytes or empty, got " +
                          std::to_string(span.parent_span_id().size()));
        parentId = *spanIdFromBytes(span.parent_span_id());
    }
    if (const char* why = checkTime(span.start_time_unix_nano()))
        return reject(std::string("span start time ") + why);
    if (const char* why = checkTime(span.end_time_unix_nano()))
        return reject(std::string("span end time ") + why);
    if (span.end_time_unix_nano() < span.start_time_unix_nano())
        return reject("span ends before it starts");

    RecordBatch& batch = m_out.batch();
    const bool browser = s.resourceIsBrowser || s.scopeIsBrowser;
    {
        SpanRecord& rec = batch.spans.emplace_back();
        rec.traceId = traceId;
        rec.spanId = spanId;
        rec.parentSpanId = parentId;
        rec.service = s.service;
        rec.service.isBrowser = browser;
        rec.name = span.name();
        rec.kind = span.kind() >= 0 && span.kind() <= 5 ? SpanKind(span.kind()) : SpanKind::Unspecified;
        rec.start = TimeNs(span.start_time_unix_nano());
        rec.end = TimeNs(span.end_time_unix_nano());
        const int code = span.status().code();
        rec.statusCode = code >= 0 && code <= 2 ? StatusCode(code) : StatusCode::Unset;
        rec.statusMessage = span.status().message();
        rec.scope = s.scopeName;
        const otlp_mapping::ResourceInstance* instance = browser ? nullptr : &s.resourceInstance;
        if (KeyDictionary* dictionary = m_out.payloadDictionary())
            encodePayload(rec, span, instance, *dictionary, batch.encodedKeyIds, s.payloadBuffers);
        else
            writeJson(rec, span, instance);
    }
    if (browser) {
        OtlpMapperRum rum(s, batch);
        BrowserSpan b{span, traceId, spanId, parentId, traceId.hex(), {}, {}, {}, {}};
        b.ownKey = "otel:" + b.traceHex + ':' + spanIdHex(spanId);
        if (parentId)
            b.parentKey = "otel:" + b.traceHex + ':' + spanIdHex(parentId);
        b.sessionKey = rum.sessionKeyFor(span.attributes());
        rum.derive(b);
    }
    m_report.addAccepted();
    m_out.maybeFlush();
}

void OtlpMapper::addLog(const LogRecord& log, std::string_view location)
{
    State& s = *m_state;
    auto reject = [&](std::string message) {
        m_report.addRejected(std::string(location), std::move(message));
    };

    TraceId traceId;
    if (!log.trace_id().empty()) {
        if (log.trace_id().size() != 16)
            return reject("log trace id must be 16 bytes or empty, got " +
                          std::to_string(log.trace_id().size()));
        traceId = *TraceId::fromBytes(log.trace_id());
    }
    SpanId spanId = 0;
    if (!log.span_id().empty()) {
        if (log.span_id().size() != 8)
            return reject("log span id must be 8 bytes or empty, got " +
                          std::to_string(log.span_id().size()));
        spanId = *spanIdFromBytes(log.span_id());
    }
    // time_unix_nano is optional; the collector's observed time is the fallback the spec names.
    const std::uint64_t time = log.time_unix_nano() ? log.time_unix_nano() : log.observed_time_unix_nano();
    if (const char* why = checkTime(time))
        return reject(std::string("log time ") + why);

    RecordBatch& batch = m_out.batch();
    const bool browser = s.resourceIsBrowser || s.scopeIsBrowser;
    {
        LogRecordRow& rec = batch.logs.emplace_back();
        rec.time = TimeNs(time);
        rec.severityNumber = log.severity_number();
        rec.severityText = log.severity_text();
        if (log.body().value_case() == AnyValue::kStringValue) {
            rec.body = log.body().string_value();
        } else if (log.body().value_case() != AnyValue::VALUE_NOT_SET) {
            JsonWriter w(rec.body);
            writeAnyValue(w, log.body());
        }
        appendAttributesJson(rec.attributesJson, log.attributes());
        rec.traceId = traceId;
        rec.spanId = spanId;
        rec.service = s.service;
        rec.service.isBrowser = browser;
    }
    OtlpMapperRum(s, batch).deriveFromLog(log, traceId, spanId, TimeNs(time), browser);
    m_report.addAccepted();
    m_out.maybeFlush();
}

void OtlpMapper::addResourceSpans(const ResourceSpans& rs, std::string_view location)
{
    beginResource(rs.resource());
    auto scopes = [&](const google::protobuf::RepeatedPtrField<ScopeSpans>& list) {
        for (const ScopeSpans& ss : list) {
            beginScope(ss.scope());
            for (const Span& span : ss.spans())
                addSpan(span, location);
        }
    };
    scopes(rs.scope_spans());
    scopes(rs.instrumentation_library_spans());
}

void OtlpMapper::addResourceLogs(const ResourceLogs& rl, std::string_view location)
{
    beginResource(rl.resource());
    auto scopes = [&](const google::protobuf::RepeatedPtrField<ScopeLogs>& list) {
        for (const ScopeLogs& sl : list) {
            beginScope(sl.scope());
            for (const LogRecord& log : sl.log_records())
                addLog(log, location);
        }
    };
    scopes(rl.scope_logs());
    scopes(rl.instrumentation_library_logs());
}

} // namespace seam
