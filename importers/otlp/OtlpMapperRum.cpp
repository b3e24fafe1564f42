#include "OtlpMapperRum.h"

#include "Route.h"
#include "UserAgent.h"

#include <cmath>

namespace seam {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::logs::v1::LogRecord;
using opentelemetry::proto::trace::v1::Span;
using otlp_mapping::firstOf;
using otlp_mapping::fnv1a;

namespace {

constexpr std::size_t kMaxRememberedKeys = 1 << 20;

std::string hex64(std::uint64_t v)
{
    return spanIdHex(v);
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

} // namespace

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
    rec.reporter = "otel";
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
    rec.reporter = "otel";
    // instrumentation-fetch / -xml-http-request end a request that got no response with an error status
    // and no status code (Faro's tracing uses the same instrumentations).
    rec.failed = rec.statusCode == 0 &&
                 span.status().code() == opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR;
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

} // namespace seam
