#include "OtlpMapper.h"

#include "AttributeJson.h"
#include "JsonWriter.h"
#include "Route.h"
#include "UserAgent.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <cmath>
#include <unordered_set>

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

namespace {

// Anything outside [1990, 2100) is a unit mix-up (µs or ms sent as ns) or garbage, not telemetry.
constexpr std::uint64_t kMinTimeNs = 631152000ull * 1000000000ull;  // 1990-01-01
constexpr std::uint64_t kMaxTimeNs = 4102444800ull * 1000000000ull; // 2100-01-01
constexpr std::size_t kMaxRememberedKeys = 1 << 20;

std::string_view firstOf(const OtlpAttributes& attrs, std::initializer_list<std::string_view> keys)
{
    for (std::string_view key : keys)
        if (std::string_view v = findString(attrs, key); !v.empty())
            return v;
    return {};
}

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ull)
{
    for (char c : s) {
        h ^= std::uint8_t(c);
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string hex64(std::uint64_t v)
{
    return spanIdHex(v);
}

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

TimeNs diffOrUnknown(std::uint64_t from, std::uint64_t to)
{
    return from && to && to >= from ? TimeNs(to - from) : -1;
}

/// PerformanceTiming marks the browser instrumentations record as span events.
struct NavigationTimings
{
    std::uint64_t fetchStart = 0, domainLookupStart = 0, domainLookupEnd = 0, connectStart = 0,
                  secureConnectionStart = 0, connectEnd = 0, requestStart = 0, responseStart = 0,
                  responseEnd = 0, loadEventEnd = 0, firstContentfulPaint = 0;

    explicit NavigationTimings(const Span& span)
    {
        struct Mark
        {
            std::string_view name;
            std::uint64_t NavigationTimings::*field;
        };
        static constexpr Mark kMarks[] = {
            {"fetchStart", &NavigationTimings::fetchStart},
            {"domainLookupStart", &NavigationTimings::domainLookupStart},
            {"domainLookupEnd", &NavigationTimings::domainLookupEnd},
            {"connectStart", &NavigationTimings::connectStart},
            {"secureConnectionStart", &NavigationTimings::secureConnectionStart},
            {"connectEnd", &NavigationTimings::connectEnd},
            {"requestStart", &NavigationTimings::requestStart},
            {"responseStart", &NavigationTimings::responseStart},
            {"responseEnd", &NavigationTimings::responseEnd},
            {"loadEventEnd", &NavigationTimings::loadEventEnd},
            {"firstContentfulPaint", &NavigationTimings::firstContentfulPaint},
        };
        for (const Span::Event& ev : span.events()) {
            for (const Mark& mark : kMarks) {
                if (ev.name() == mark.name) {
                    this->*mark.field = ev.time_unix_nano();
                    break;
                }
            }
        }
    }
};

std::string guessTypeFromUrl(std::string_view url)
{
    const std::size_t cut = url.find_first_of("?#");
    if (cut != std::string_view::npos)
        url = url.substr(0, cut);
    const std::size_t dot = url.rfind('.');
    const std::size_t slash = url.rfind('/');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
        return "other";
    std::string ext(url.substr(dot + 1));
    for (char& c : ext)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    if (ext == "js" || ext == "mjs")
        return "script";
    if (ext == "css")
        return "css";
    if (ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "webp" || ext == "gif" || ext == "svg" ||
        ext == "avif" || ext == "ico")
        return "image";
    if (ext == "woff" || ext == "woff2" || ext == "ttf" || ext == "otf" || ext == "eot")
        return "font";
    if (ext == "mp4" || ext == "webm" || ext == "mp3" || ext == "ogg" || ext == "m3u8")
        return "media";
    return "other";
}

/// PerformanceResourceTiming.initiatorType -> our resource type; "" = not decisive, look at the URL.
std::string_view typeFromInitiator(std::string_view initiator)
{
    if (initiator == "script")
        return "script";
    if (initiator == "img" || initiator == "image")
        return "image";
    if (initiator == "fetch")
        return "fetch";
    if (initiator == "xmlhttprequest")
        return "xhr";
    if (initiator == "beacon")
        return "beacon";
    if (initiator == "video" || initiator == "audio")
        return "media";
    return {}; // link, css, other: could be a stylesheet, a font or an image
}

void writeEvents(std::string& out, const Span& span)
{
    if (span.events().empty())
        return;
    JsonWriter w(out);
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

void writeLinks(std::string& out, const Span& span)
{
    if (span.links().empty())
        return;
    JsonWriter w(out);
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

bool isBrowserScope(std::string_view name)
{
    static constexpr std::string_view kPrefixes[] = {
        "@opentelemetry/instrumentation-document-load", "@opentelemetry/instrumentation-fetch",
        "@opentelemetry/instrumentation-xml-http-request", "@opentelemetry/instrumentation-user-interaction",
        "@grafana/faro"};
    for (std::string_view p : kPrefixes)
        if (name.starts_with(p))
            return true;
    return false;
}

} // namespace

struct OtlpMapper::State
{
    // Current resource, digested once in beginResource.
    ServiceRef service;
    bool resourceIsBrowser = false;
    std::string resourceSessionId;
    std::string resourceUserAgent;
    std::string resourceUserId;
    std::string resourceCountry;
    std::string resourceAppVersion;
    std::string resourceBrowserBrands; // browser.brands joined, for sessions without a user agent
    std::string resourceBrowserPlatform;
    std::optional<bool> resourceBrowserMobile;
    std::uint64_t resourceHash = 0;

    // Current scope.
    std::string scopeName;
    bool scopeIsBrowser = false;
    bool scopeIsFetch = false;
    bool scopeIsXhr = false;
    bool scopeIsUserInteraction = false;

    std::unordered_set<std::string> sessionsSeen;
    struct DocKey
    {
        TraceId trace;
        SpanId span;
        bool operator==(const DocKey&) const = default;
    };
    struct DocKeyHash
    {
        std::size_t operator()(const DocKey& k) const noexcept { return TraceIdHash()(k.trace) ^ k.span; }
    };
    /// documentLoad spans seen, so fetches made during a page load can name it.
    std::unordered_set<DocKey, DocKeyHash> documentLoads;

    std::string reason; // reused for reject messages
};

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
    s.resourceIsBrowser = findString(attrs, "telemetry.sdk.language") == "webjs";
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

namespace {

/// Everything the RUM derivation needs about one browser span, computed once.
struct BrowserSpan
{
    const Span& span;
    TraceId traceId;
    SpanId spanId;
    SpanId parentId;
    std::string traceHex;
    std::string ownKey;    // "otel:<trace>:<span>"
    std::string parentKey; // "otel:<trace>:<parent>" or ""
    std::string sessionKey;
    std::string pageLoadKey; // the page load this span belongs to, if known
};

} // namespace

// The RUM half of the mapper lives in these helpers; they only append to the batch.
class OtlpMapperRum
{
public:
    OtlpMapperRum(OtlpMapper::State& s, RecordBatch& batch) : m_s(s), m_batch(batch) {}

    void derive(BrowserSpan& b);
    void deriveFromLog(const LogRecord& log, const TraceId& traceId, SpanId spanId, TimeNs time,
                       bool browser);
    std::string sessionKeyFor(const OtlpAttributes& attrs);
    void ensureSession(const std::string& key, const OtlpAttributes& attrs, TimeNs start, TimeNs end);

private:
    void pageLoad(const BrowserSpan& b);
    ResourceRecord& resource(const BrowserSpan& b, std::string type);
    void vitalsAndErrors(const BrowserSpan& b);

    OtlpMapper::State& m_s;
    RecordBatch& m_batch;
};

std::string OtlpMapperRum::sessionKeyFor(const OtlpAttributes& attrs)
{
    if (std::string_view id = findString(attrs, "session.id"); !id.empty())
        return std::string(id);
    if (!m_s.resourceSessionId.empty())
        return m_s.resourceSessionId;
    // No session id: one browser resource (same attributes, same user agent) is the best proxy.
    std::string_view ua = firstOf(attrs, {"user_agent.original", "http.user_agent"});
    if (ua.empty())
        ua = m_s.resourceUserAgent;
    return "res:" + hex64(fnv1a(ua, m_s.resourceHash));
}

void OtlpMapperRum::ensureSession(const std::string& key, const OtlpAttributes& attrs, TimeNs start,
                                  TimeNs end)
{
    if (m_s.sessionsSeen.size() >= kMaxRememberedKeys)
        m_s.sessionsSeen.clear(); // re-sending a session is harmless: the writer merges by key
    if (!m_s.sessionsSeen.insert(key).second)
        return;
    SessionRecord& rec = m_batch.sessions.emplace_back();
    rec.key = key;
    rec.start = start;
    rec.end = end;
    rec.userId = firstOf(attrs, {"user.id", "enduser.id"});
    if (rec.userId.empty())
        rec.userId = m_s.resourceUserId;
    rec.country = firstOf(attrs, {"geo.country.iso_code", "client.geo.country_iso_code"});
    if (rec.country.empty())
        rec.country = m_s.resourceCountry;
    rec.appVersion = findString(attrs, "app.version");
    if (rec.appVersion.empty())
        rec.appVersion = m_s.resourceAppVersion;

    std::string_view ua = firstOf(attrs, {"user_agent.original", "http.user_agent"});
    if (ua.empty())
        ua = m_s.resourceUserAgent;
    UserAgentInfo info = parseUserAgent(ua);
    if (ua.empty()) {
        // User-Agent Client Hints (browser.brands / browser.platform / browser.mobile).
        const std::string& brands = m_s.resourceBrowserBrands;
        static constexpr std::pair<std::string_view, std::string_view> kBrands[] = {
            {"Microsoft Edge ", "Edge"},
            {"Opera ", "Opera"},
            {"Samsung Internet ", "Samsung Internet"},
            {"Google Chrome ", "Chrome"},
            {"Chromium ", "Chrome"}};
        for (const auto& [token, name] : kBrands) {
            const std::size_t at = brands.find(token);
            if (at != std::string::npos) {
                info.browser = name;
                const std::size_t v = at + token.size();
                info.browserVersion = brands.substr(v, brands.find_first_not_of("0123456789", v) - v);
                break;
            }
        }
        const std::string& platform = m_s.resourceBrowserPlatform;
        if (platform == "macOS" || platform == "Windows" || platform == "Linux" || platform == "Android" ||
            platform == "iOS" || platform == "ChromeOS")
            info.os = platform;
        else if (platform == "Chrome OS")
            info.os = "ChromeOS";
        if (m_s.resourceBrowserMobile)
            info.device = *m_s.resourceBrowserMobile ? "mobile" : "desktop";
    }
    rec.browser = std::move(info.browser);
    rec.browserVersion = std::move(info.browserVersion);
    rec.os = std::move(info.os);
    rec.device = std::move(info.device);
}

void OtlpMapperRum::pageLoad(const BrowserSpan& b)
{
    const Span& span = b.span;
    const NavigationTimings t(span);
    const TimeNs start = TimeNs(span.start_time_unix_nano());
    const std::uint64_t origin = t.fetchStart ? t.fetchStart : span.start_time_unix_nano();

    PageLoadRecord& rec = m_batch.pageLoads.emplace_back();
    rec.key = b.ownKey;
    rec.sessionKey = b.sessionKey;
    rec.app = m_s.service;
    rec.app.isBrowser = true;
    rec.url = firstOf(span.attributes(), {"url.full", "http.url", "location.href"});
    rec.route = routeFromUrl(rec.url);
    rec.start = start;
    rec.duration = diffOrUnknown(t.fetchStart, t.loadEventEnd);
    if (rec.duration < 0)
        rec.duration = TimeNs(span.end_time_unix_nano() - span.start_time_unix_nano());
    rec.ttfb = diffOrUnknown(t.fetchStart, t.responseStart);
    rec.fcp = diffOrUnknown(origin, t.firstContentfulPaint);
    rec.traceId = b.traceId;
    rec.spanId = b.spanId;
    for (const Span::Event& ev : span.events()) {
        if (ev.name() != "browser.web_vital")
            continue;
        const std::string_view name = findString(ev.attributes(), "browser.web_vital.name");
        const std::optional<double> value = findDouble(ev.attributes(), "browser.web_vital.value");
        // Milliseconds (CLS is a score); anything beyond an hour, negative or not finite is noise.
        if (!value || !std::isfinite(*value) || *value < 0 || *value > 3'600'000)
            continue;
        const TimeNs ns = TimeNs(*value * 1e6);
        if (name == "lcp")
            rec.lcp = ns;
        else if (name == "cls")
            rec.cls = *value;
        else if (name == "inp")
            rec.inp = ns;
        else if (name == "fcp" && rec.fcp < 0)
            rec.fcp = ns;
        else if (name == "ttfb" && rec.ttfb < 0)
            rec.ttfb = ns;
    }
}

ResourceRecord& OtlpMapperRum::resource(const BrowserSpan& b, std::string type)
{
    const Span& span = b.span;
    const OtlpAttributes& attrs = span.attributes();
    const NavigationTimings t(span);
    ResourceRecord& rec = m_batch.resources.emplace_back();
    rec.key = b.ownKey;
    rec.pageLoadKey = b.pageLoadKey;
    rec.sessionKey = b.sessionKey;
    rec.type = std::move(type);
    rec.method = firstOf(attrs, {"http.request.method", "http.method"});
    rec.url = firstOf(attrs, {"url.full", "http.url"});
    if (auto status = findInt(attrs, "http.response.status_code"))
        rec.statusCode = int(*status);
    else if (auto status = findInt(attrs, "http.status_code"))
        rec.statusCode = int(*status);
    rec.start = TimeNs(span.start_time_unix_nano());
    rec.duration = TimeNs(span.end_time_unix_nano() - span.start_time_unix_nano());
    if (auto size = findInt(attrs, "http.response_content_length"))
        rec.transferSize = *size;
    else if (auto size = findInt(attrs, "http.response_content_length_uncompressed"))
        rec.transferSize = *size;
    // Phases are durations (HAR-style); each is unknown unless both of its marks were recorded.
    rec.dnsNs = diffOrUnknown(t.domainLookupStart, t.domainLookupEnd);
    rec.connectNs = diffOrUnknown(t.connectStart, t.connectEnd);
    rec.sslNs = diffOrUnknown(t.secureConnectionStart, t.connectEnd);
    rec.ttfbNs = diffOrUnknown(t.requestStart, t.responseStart);
    rec.downloadNs = diffOrUnknown(t.responseStart, t.responseEnd);
    return rec;
}

void OtlpMapperRum::vitalsAndErrors(const BrowserSpan& b)
{
    int index = 0;
    for (const Span::Event& ev : b.span.events()) {
        const int eventIndex = index++;
        if (ev.name() == "exception") {
            const OtlpAttributes& attrs = ev.attributes();
            RumErrorRecord& rec = m_batch.rumErrors.emplace_back();
            rec.key = b.ownKey + ':' + std::to_string(eventIndex);
            rec.pageLoadKey = b.pageLoadKey;
            rec.sessionKey = b.sessionKey;
            rec.time = TimeNs(ev.time_unix_nano() ? ev.time_unix_nano() : b.span.start_time_unix_nano());
            rec.type = findString(attrs, "exception.type");
            rec.message = findString(attrs, "exception.message");
            rec.stack = findString(attrs, "exception.stacktrace");
            rec.source = "source";
            rec.resourceUrl = firstOf(b.span.attributes(), {"url.full", "http.url"});
        } else if (ev.name() == "browser.web_vital") {
            const std::string_view name = findString(ev.attributes(), "browser.web_vital.name");
            const std::optional<double> value = findDouble(ev.attributes(), "browser.web_vital.value");
            if (name.empty() || !value)
                continue;
            VitalRecord& rec = m_batch.vitals.emplace_back();
            rec.pageLoadKey = b.pageLoadKey;
            rec.sessionKey = b.sessionKey;
            rec.time = TimeNs(ev.time_unix_nano());
            rec.name = name;
            for (char& c : rec.name)
                c = char(std::tolower(static_cast<unsigned char>(c)));
            rec.value = *value;
        }
    }
}

void OtlpMapperRum::derive(BrowserSpan& b)
{
    const Span& span = b.span;
    const OtlpAttributes& attrs = span.attributes();
    const std::string& name = span.name();
    const bool parentIsDocument =
        b.parentId && m_s.documentLoads.count(OtlpMapper::State::DocKey{b.traceId, b.parentId});

    ensureSession(b.sessionKey, attrs, TimeNs(span.start_time_unix_nano()),
                  TimeNs(span.end_time_unix_nano()));

    if (name == "documentLoad") {
        b.pageLoadKey = b.ownKey;
        if (m_s.documentLoads.size() >= kMaxRememberedKeys)
            m_s.documentLoads.clear();
        m_s.documentLoads.insert({b.traceId, b.spanId});
        pageLoad(b);
    } else if (name == "documentFetch" || name == "resourceFetch") {
        // The document-load instrumentation always parents these to the documentLoad span.
        b.pageLoadKey = b.parentKey;
        if (name == "documentFetch") {
            ResourceRecord& rec = resource(b, "document");
            rec.traceId = b.traceId;
            rec.spanId = b.spanId;
            rec.traceIdSource = TraceIdSource::SameTrace;
            const NavigationTimings t(span);
            if (const TimeNs ttfb = diffOrUnknown(t.fetchStart, t.responseStart); ttfb >= 0) {
                VitalRecord& vital = m_batch.vitals.emplace_back();
                vital.pageLoadKey = b.pageLoadKey;
                vital.sessionKey = b.sessionKey;
                vital.time = TimeNs(t.responseStart);
                vital.name = "ttfb";
                vital.value = double(ttfb) / 1e6;
            }
        } else {
            const std::string_view initiator = firstOf(attrs, {"http.initiator_type", "initiator_type"});
            std::string type(typeFromInitiator(initiator));
            if (type.empty())
                type = guessTypeFromUrl(firstOf(attrs, {"url.full", "http.url"}));
            resource(b, std::move(type)); // not propagated: no trace of its own to link
        }
    } else {
        if (parentIsDocument)
            b.pageLoadKey = b.parentKey;
        const bool hasUrl = !firstOf(attrs, {"url.full", "http.url"}).empty();
        if (name == "longtask" || findAttribute(attrs, "longtask")) {
            LongTaskRecord& rec = m_batch.longTasks.emplace_back();
            rec.key = b.ownKey;
            rec.pageLoadKey = b.pageLoadKey;
            rec.sessionKey = b.sessionKey;
            rec.time = TimeNs(span.start_time_unix_nano());
            rec.duration = TimeNs(span.end_time_unix_nano() - span.start_time_unix_nano());
        } else if (m_s.scopeIsUserInteraction || findAttribute(attrs, "event_type")) {
            ActionRecord& rec = m_batch.actions.emplace_back();
            rec.key = b.ownKey;
            rec.pageLoadKey = b.pageLoadKey;
            rec.sessionKey = b.sessionKey;
            rec.time = TimeNs(span.start_time_unix_nano());
            rec.duration = TimeNs(span.end_time_unix_nano() - span.start_time_unix_nano());
            rec.type = findString(attrs, "event_type");
            if (rec.type.empty())
                rec.type = name;
            const std::string_view element = findString(attrs, "target_element");
            const std::string_view xpath = findString(attrs, "target_xpath");
            rec.name = element;
            if (!xpath.empty()) {
                if (!rec.name.empty())
                    rec.name += ' ';
                rec.name += xpath;
            }
        } else if (m_s.scopeIsFetch || m_s.scopeIsXhr || (span.kind() == Span::SPAN_KIND_CLIENT && hasUrl)) {
            ResourceRecord& rec = resource(b, m_s.scopeIsXhr ? "xhr" : "fetch");
            rec.traceId = b.traceId;
            rec.spanId = b.spanId;
            rec.traceIdSource = TraceIdSource::SameTrace;
            // A traceparent the app set by hand may name another trace than the span's own.
            const AnyValue* header = findAttribute(attrs, "http.request.header.traceparent");
            std::string_view value;
            if (header && header->value_case() == AnyValue::kStringValue)
                value = header->string_value();
            else if (header && header->value_case() == AnyValue::kArrayValue &&
                     !header->array_value().values().empty() &&
                     header->array_value().values(0).value_case() == AnyValue::kStringValue)
                value = header->array_value().values(0).string_value();
            if (auto tp = parseTraceParent(value); tp && tp->traceId != b.traceId) {
                rec.traceId = tp->traceId;
                rec.spanId = tp->parentId;
                rec.traceIdSource = TraceIdSource::TraceparentHeader;
            }
        }
    }
    vitalsAndErrors(b);
}

void OtlpMapperRum::deriveFromLog(const LogRecord& log, const TraceId& traceId, SpanId spanId, TimeNs time,
                                  bool browser)
{
    const OtlpAttributes& attrs = log.attributes();
    const bool vital =
        log.event_name() == "browser.web_vital" || findString(attrs, "event.name") == "browser.web_vital";
    const bool hasException = findAttribute(attrs, "exception.type") ||
                              findAttribute(attrs, "exception.message") ||
                              findAttribute(attrs, "exception.stacktrace");
    const bool error = browser && (log.severity_number() >= 17 || hasException);
    if (!vital && !error)
        return;
    const std::string sessionKey =
        browser || !findString(attrs, "session.id").empty() ? sessionKeyFor(attrs) : std::string();
    if (!sessionKey.empty())
        ensureSession(sessionKey, attrs, time, time);
    if (vital) {
        const std::string_view name = findString(attrs, "browser.web_vital.name");
        const std::optional<double> value = findDouble(attrs, "browser.web_vital.value");
        if (!name.empty() && value) {
            VitalRecord& rec = m_batch.vitals.emplace_back();
            rec.sessionKey = sessionKey;
            rec.time = time;
            rec.name = name;
            for (char& c : rec.name)
                c = char(std::tolower(static_cast<unsigned char>(c)));
            rec.value = *value;
        }
    }
    if (error) {
        RumErrorRecord& rec = m_batch.rumErrors.emplace_back();
        rec.sessionKey = sessionKey;
        rec.time = time;
        rec.type = findString(attrs, "exception.type");
        rec.message = findString(attrs, "exception.message");
        if (rec.message.empty() && log.body().value_case() == AnyValue::kStringValue)
            rec.message = log.body().string_value();
        rec.stack = findString(attrs, "exception.stacktrace");
        rec.source = hasException ? "source" : "console";
        // Logs have no id: a hash of what identifies them keeps re-imports idempotent.
        std::uint64_t h = fnv1a(std::to_string(time));
        h = fnv1a(traceId.hex(), h);
        h = fnv1a(spanIdHex(spanId), h);
        h = fnv1a(rec.message, h);
        h = fnv1a(rec.type, h);
        h = fnv1a(rec.stack, h);
        rec.key = "otel-log:" + hex64(h);
    }
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
        appendAttributesJson(rec.attributesJson, span.attributes());
        writeEvents(rec.eventsJson, span);
        writeLinks(rec.linksJson, span);
        rec.scope = s.scopeName;
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
