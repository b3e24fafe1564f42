#include "ZipkinReader.h"

#include "Hash.h"
#include "JsonItemStream.h"
#include "OtlpMapper.h"
#include "SpanJsonFields.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

namespace seam {

namespace otlp = opentelemetry::proto;
using rapidjson::Value;
using namespace spanjson;

namespace {

constexpr std::uint64_t kMaxMicros = 9'000'000'000'000'000ull; // ns must fit in int64
constexpr int kSpan = 1;

using Attributes = google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>;

void addString(Attributes* attrs, const char* key, std::string_view value)
{
    auto* kv = attrs->Add();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value.data(), value.size());
}

void addInt(Attributes* attrs, const char* key, std::int64_t value)
{
    auto* kv = attrs->Add();
    kv->set_key(key);
    kv->mutable_value()->set_int_value(value);
}

/// A tag value as text: Zipkin tags are strings, but some senders write numbers or booleans.
bool tagText(const Value& v, std::string& out)
{
    if (v.IsString())
        out.assign(v.GetString(), v.GetStringLength());
    else if (v.IsBool())
        out = v.GetBool() ? "true" : "false";
    else if (v.IsInt64())
        out = std::to_string(v.GetInt64());
    else if (v.IsUint64())
        out = std::to_string(v.GetUint64());
    else if (v.IsNumber())
        out = std::to_string(v.GetDouble());
    else
        return false;
    return true;
}

std::optional<std::int64_t> integerText(std::string_view s)
{
    std::int64_t n = 0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size())
        return std::nullopt;
    return n;
}

/// Endpoint {serviceName, ipv4, ipv6, port}: the address and port as attributes with the given keys.
bool endpoint(const Value* e, const char* what, std::string* serviceName, Attributes* attrs,
              const char* serviceKey, const char* addressKey, const char* portKey, std::string& error)
{
    if (!e || e->IsNull())
        return true;
    if (!e->IsObject()) {
        error = std::string(what) + " must be an object, got " + JsonItemStream::describe(*e);
        return false;
    }
    for (const char* key : {"serviceName", "ipv4", "ipv6"}) {
        const Value* v = member(*e, key);
        if (v && !v->IsString() && !v->IsNull()) {
            error = std::string(what) + '.' + key + " must be a string, got " + JsonItemStream::describe(*v);
            return false;
        }
    }
    const Value* name = member(*e, "serviceName");
    if (name && name->IsString() && name->GetStringLength() > 0) {
        if (serviceName)
            serviceName->assign(name->GetString(), name->GetStringLength());
        if (serviceKey)
            addString(attrs, serviceKey, view(*name));
    }
    const Value* ipv4 = member(*e, "ipv4");
    const Value* ipv6 = member(*e, "ipv6");
    if (ipv4 && ipv4->IsString() && ipv4->GetStringLength() > 0)
        addString(attrs, addressKey, view(*ipv4));
    else if (ipv6 && ipv6->IsString() && ipv6->GetStringLength() > 0)
        addString(attrs, addressKey, view(*ipv6));
    if (const Value* port = member(*e, "port"); port && !port->IsNull()) {
        const auto n = unsignedOf(*port);
        if (!n || *n > 65535) {
            error = std::string(what) + ".port must be a number from 0 to 65535, got " +
                    JsonItemStream::describe(*port);
            return false;
        }
        if (*n)
            addInt(attrs, portKey, std::int64_t(*n));
    }
    return true;
}

class ZipkinClient : public JsonItemStream::Client
{
public:
    ZipkinClient(BatchBuilder& builder, ImportContext& ctx) : m_mapper(builder, ctx.report), m_ctx(ctx) {}

    int capture(const JsonItemStream::Path& path) override
    {
        // A span is an object at the root, in the root array, or in an array inside it (a list of traces).
        if (path.size() > 3)
            return 0;
        for (std::size_t i = 0; i + 1 < path.size(); ++i)
            if (!path[i].array)
                return 0;
        return kSpan;
    }

    bool item(const JsonItemStream::Path&, Value& v, const std::string& location) override
    {
        m_sawSpan = true;
        std::string error;
        if (!convert(v, error)) {
            m_ctx.report.addRejected(location, error);
            return true;
        }
        if (m_service != m_currentService || !m_haveResource) {
            otlp::resource::v1::Resource resource;
            if (!m_service.empty())
                addString(resource.mutable_attributes(), "service.name", m_service);
            m_mapper.beginResource(resource);
            m_currentService = m_service;
            m_haveResource = true;
        }
        m_mapper.addSpan(m_span, location);
        return true;
    }

    void rootDone(const std::string& rootKeys) override
    {
        if (!m_sawSpan && m_foreignKeys.empty() && rootKeys != "none")
            m_foreignKeys = rootKeys;
    }

    void finish()
    {
        if (!m_sawSpan && !m_foreignKeys.empty() && !m_ctx.report.hasFatal())
            m_ctx.report.setFatal(
                "byte 0",
                "JSON, but not Zipkin: expected an array of spans (top-level keys: " + m_foreignKeys + ")");
    }

private:
    bool convert(const Value& v, std::string& error)
    {
        m_span.Clear();
        m_service.clear();
        otlp::trace::v1::Span& s = m_span;
        if (!v.IsObject()) {
            error = "a span must be an object, got " + JsonItemStream::describe(v);
            return false;
        }
        if (member(v, "binaryAnnotations")) {
            error = "a Zipkin v1 span (binaryAnnotations): only Zipkin v2 JSON is read";
            return false;
        }
        const Value* traceId = member(v, "traceId");
        const Value* id = member(v, "id");
        if (!traceId || !id) {
            error = std::string("span without ") + (!traceId ? "traceId" : "id");
            return false;
        }
        const auto tid = traceId->IsString() ? traceIdFromHex(view(*traceId)) : std::nullopt;
        if (!tid || !tid->isValid()) {
            error = "span traceId must be 1 to 32 hex digits and not all zero, got " +
                    JsonItemStream::describe(*traceId);
            return false;
        }
        const auto sid = id->IsString() ? spanIdFromShortHex(view(*id)) : std::nullopt;
        if (!sid) {
            error = "span id must be 1 to 16 hex digits and not zero, got " + JsonItemStream::describe(*id);
            return false;
        }
        const std::string where = "span " + spanIdHex(*sid) + ": ";
        SpanId parent = 0;
        if (const Value* p = member(v, "parentId"); p && !p->IsNull()) {
            if (!p->IsString()) {
                error = where + "parentId must be a string, got " + JsonItemStream::describe(*p);
                return false;
            }
            if (p->GetStringLength() > 0 && view(*p).find_first_not_of('0') != std::string_view::npos) {
                const auto pid = spanIdFromShortHex(view(*p));
                if (!pid) {
                    error =
                        where + "parentId must be 1 to 16 hex digits, got " + JsonItemStream::describe(*p);
                    return false;
                }
                parent = *pid;
            }
        }
        if (const Value* name = member(v, "name"); name && !name->IsNull()) {
            if (!name->IsString()) {
                error = where + "name must be a string, got " + JsonItemStream::describe(*name);
                return false;
            }
            s.set_name(name->GetString(), name->GetStringLength());
        }
        auto kind = otlp::trace::v1::Span::SPAN_KIND_INTERNAL;
        if (const Value* k = member(v, "kind"); k && !k->IsNull()) {
            const std::string_view text = k->IsString() ? view(*k) : std::string_view();
            if (text == "CLIENT")
                kind = otlp::trace::v1::Span::SPAN_KIND_CLIENT;
            else if (text == "SERVER")
                kind = otlp::trace::v1::Span::SPAN_KIND_SERVER;
            else if (text == "PRODUCER")
                kind = otlp::trace::v1::Span::SPAN_KIND_PRODUCER;
            else if (text == "CONSUMER")
                kind = otlp::trace::v1::Span::SPAN_KIND_CONSUMER;
            else {
                error = where + "kind must be CLIENT, SERVER, PRODUCER or CONSUMER, got " +
                        JsonItemStream::describe(*k);
                return false;
            }
        }
        s.set_kind(kind);

        // Time: timestamp and duration, else the annotations. 0 = absent (as Zipkin itself reads it).
        std::uint64_t startUs = 0, durationUs = 0;
        bool hasDuration = false;
        if (const Value* t = member(v, "timestamp"); t && !t->IsNull()) {
            const auto us = unsignedOf(*t);
            if (!us || *us > kMaxMicros) {
                error = where + "timestamp must be microseconds since the epoch, got " +
                        JsonItemStream::describe(*t);
                return false;
            }
            startUs = *us;
        }
        if (const Value* d = member(v, "duration"); d && !d->IsNull()) {
            const auto us = unsignedOf(*d);
            if (!us || *us > kMaxMicros) {
                error =
                    where + "duration must be a number of microseconds, got " + JsonItemStream::describe(*d);
                return false;
            }
            durationUs = *us;
            hasDuration = true;
        }
        std::uint64_t firstAnnotation = kMaxMicros, lastAnnotation = 0;
        if (const Value* annotations = member(v, "annotations"); annotations && !annotations->IsNull()) {
            if (!annotations->IsArray()) {
                error = where + "annotations must be an array, got " + JsonItemStream::describe(*annotations);
                return false;
            }
            for (const Value& a : annotations->GetArray()) {
                const Value* ts = member(a, "timestamp");
                const Value* value = member(a, "value");
                const auto us = ts ? unsignedOf(*ts) : std::nullopt;
                if (!us || *us == 0 || *us > kMaxMicros || !value || !value->IsString()) {
                    error = where + "an annotation needs a timestamp in microseconds and a string value";
                    return false;
                }
                auto* event = s.add_events();
                event->set_time_unix_nano(*us * 1000);
                event->set_name(value->GetString(), value->GetStringLength());
                firstAnnotation = std::min(firstAnnotation, *us);
                lastAnnotation = std::max(lastAnnotation, *us);
            }
        }
        if (!startUs) {
            if (lastAnnotation == 0) {
                error = where + "no timestamp and no annotations: the span cannot be placed in time";
                return false;
            }
            startUs = firstAnnotation;
        }
        std::uint64_t endUs = startUs;
        if (hasDuration)
            endUs = startUs + durationUs;
        else if (lastAnnotation > startUs)
            endUs = lastAnnotation;
        if (endUs > kMaxMicros) {
            error = where + "ends too far in the future";
            return false;
        }
        s.set_start_time_unix_nano(startUs * 1000);
        s.set_end_time_unix_nano(endUs * 1000);

        auto* attrs = s.mutable_attributes();
        if (!endpoint(member(v, "localEndpoint"), "localEndpoint", &m_service, attrs, nullptr,
                      "network.local.address", "network.local.port", error) ||
            !endpoint(member(v, "remoteEndpoint"), "remoteEndpoint", nullptr, attrs, "peer.service",
                      "network.peer.address", "network.peer.port", error)) {
            error = where + error;
            return false;
        }
        if (!tags(member(v, "tags"), s, error)) {
            error = where + error;
            return false;
        }

        SpanId ownId = *sid;
        const Value* shared = member(v, "shared");
        if (shared && shared->IsBool() && shared->GetBool() &&
            kind == otlp::trace::v1::Span::SPAN_KIND_SERVER) {
            ownId = zipkinServerSpanId(*sid, m_service, startUs);
            parent = *sid;
            addString(attrs, "zipkin.shared_span_id", spanIdHex(*sid));
        }
        s.set_trace_id(traceIdBytes(*tid));
        s.set_span_id(spanIdBytes(ownId));
        if (parent)
            s.set_parent_span_id(spanIdBytes(parent));
        return true;
    }

    static bool tags(const Value* tags, otlp::trace::v1::Span& s, std::string& error)
    {
        if (!tags || tags->IsNull())
            return true;
        if (!tags->IsObject()) {
            error = "tags must be an object, got " + JsonItemStream::describe(*tags);
            return false;
        }
        auto* attrs = s.mutable_attributes();
        std::string text;
        for (auto it = tags->MemberBegin(); it != tags->MemberEnd(); ++it) {
            const std::string_view key = view(it->name);
            if (!tagText(it->value, text)) {
                error = "tag \"" + std::string(key.substr(0, 64)) + "\" must be a string, got " +
                        JsonItemStream::describe(it->value);
                return false;
            }
            if (key == "error") {
                s.mutable_status()->set_code(otlp::trace::v1::Status::STATUS_CODE_ERROR);
                if (!text.empty() && text != "true")
                    s.mutable_status()->set_message(text);
                continue;
            }
            static constexpr std::pair<std::string_view, const char*> kStrings[] = {
                {"http.method", "http.request.method"},
                {"http.path", "url.path"},
                {"http.url", "url.full"},
                {"http.host", "server.address"},
                {"http.route", "http.route"},
            };
            static constexpr std::pair<std::string_view, const char*> kIntegers[] = {
                {"http.status_code", "http.response.status_code"},
                {"http.request.size", "http.request.body.size"},
                {"http.response.size", "http.response.body.size"},
            };
            const char* renamed = nullptr;
            for (const auto& [from, to] : kStrings)
                if (key == from)
                    renamed = to;
            bool integer = false;
            for (const auto& [from, to] : kIntegers) {
                if (key == from) {
                    const auto n = integerText(text);
                    if (n) {
                        addInt(attrs, to, *n);
                        integer = true;
                    }
                }
            }
            if (integer)
                continue;
            auto* kv = attrs->Add();
            if (renamed)
                kv->set_key(renamed);
            else
                kv->set_key(key.data(), key.size());
            kv->mutable_value()->set_string_value(text);
        }
        return true;
    }

    OtlpMapper m_mapper;
    ImportContext& m_ctx;
    otlp::trace::v1::Span m_span;
    std::string m_service;
    std::string m_currentService;
    bool m_haveResource = false;
    bool m_sawSpan = false;
    std::string m_foreignKeys;
};

} // namespace

SpanId zipkinServerSpanId(SpanId sharedId, std::string_view service, std::uint64_t startUs)
{
    SpanId id = Fnv1a()
                    .add(spanIdBytes(sharedId))
                    .add(std::string_view("server"))
                    .add(service)
                    .add(std::string_view("\0", 1))
                    .add(startUs)
                    .value();
    if (id == 0 || id == sharedId)
        id = Fnv1a().add(id).add(std::string_view("server")).value() | 1;
    return id;
}

bool looksLikeZipkinJson(std::string_view head)
{
    const JsonHeadShape shape = sniffJsonHead(head);
    if (!shape.rootArray)
        return false;
    auto has = [&](std::string_view k) {
        return std::find(shape.itemKeys.begin(), shape.itemKeys.end(), k) != shape.itemKeys.end();
    };
    if (has("traceID") || has("spanId") || has("binaryAnnotations"))
        return false; // Jaeger, OTLP-ish, Zipkin v1
    return (has("traceId") && has("id")) || has("localEndpoint") || has("remoteEndpoint");
}

void ZipkinReader::read(InputSource& in, ImportContext& ctx)
{
    BatchBuilder builder(ctx.sink);
    ZipkinClient client(builder, ctx);
    JsonItemStream::run(in, ctx, client);
    client.finish();
    builder.flush();
    ctx.report.bytesRead = in.offset();
}

} // namespace seam
