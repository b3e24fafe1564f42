#include "HarMapper.h"

#include "Base64.h"
#include "HarFields.h"
#include "HarReader.h"
#include "IsoTime.h"
#include "Propagation.h"
#include "Route.h"
#include "TextUtil.h"
#include "UserAgent.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

namespace seam::har {

using JsonValue = rapidjson::Value;

namespace {

// ---------------------------------------------------------------------------------------------
// DOM access with type checks.

const JsonValue* member(const JsonValue& object, const char* name)
{
    if (!object.IsObject())
        return nullptr;
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string_view stringOf(const JsonValue& object, const char* name)
{
    const JsonValue* v = member(object, name);
    return v && v->IsString() ? std::string_view(v->GetString(), v->GetStringLength()) : std::string_view();
}

/// A number of milliseconds as nanoseconds; -1 when absent, negative, not a number or absurd.
TimeNs msOf(const JsonValue& object, const char* name)
{
    const JsonValue* v = member(object, name);
    if (!v || !v->IsNumber())
        return -1;
    const double ms = v->GetDouble();
    if (!std::isfinite(ms) || ms < 0 || ms > 1e11)
        return -1;
    return TimeNs(std::llround(ms * 1e6));
}

std::optional<std::int64_t> intOf(const JsonValue& object, const char* name)
{
    const JsonValue* v = member(object, name);
    if (!v || !v->IsNumber())
        return std::nullopt;
    // Statuses and sizes: anything beyond a petabyte is garbage, and staying far from the int64 limits
    // keeps sums of two of them defined.
    const double d = v->GetDouble();
    if (!std::isfinite(d) || d < -1e15 || d > 1e15)
        return std::nullopt;
    return std::int64_t(d);
}

/// The first header of that name (case-insensitive) in a HAR headers array.
std::string_view header(const JsonValue* headers, std::string_view name)
{
    if (!headers || !headers->IsArray())
        return {};
    for (const JsonValue& h : headers->GetArray()) {
        if (!h.IsObject())
            continue;
        if (text::equalsIgnoreCase(stringOf(h, "name"), name))
            return stringOf(h, "value");
    }
    return {};
}

std::string hostOf(std::string_view url)
{
    const std::size_t scheme = url.find("://");
    if (scheme == std::string_view::npos)
        return {};
    std::string_view rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos)
        rest = rest.substr(at + 1);
    return std::string(rest);
}

bool looksLikeUrl(std::string_view s)
{
    return s.starts_with("http://") || s.starts_with("https://") || s.starts_with("file://");
}

std::string normalizedBrowserName(std::string_view name)
{
    static constexpr std::pair<std::string_view, std::string_view> kNames[] = {{"chrome", "Chrome"},
                                                                               {"google chrome", "Chrome"},
                                                                               {"chromium", "Chrome"},
                                                                               {"headlesschrome", "Chrome"},
                                                                               {"webinspector", "Chrome"},
                                                                               {"firefox", "Firefox"},
                                                                               {"mozilla firefox", "Firefox"},
                                                                               {"webkit", "Safari"},
                                                                               {"safari", "Safari"},
                                                                               {"microsoft edge", "Edge"},
                                                                               {"edge", "Edge"},
                                                                               {"msedge", "Edge"},
                                                                               {"opera", "Opera"}};
    for (const auto& [from, to] : kNames)
        if (text::equalsIgnoreCase(name, from))
            return std::string(to);
    return {};
}

/// The failure texts browsers give a request the page cancelled: Chromium's net error, Firefox's
/// nsresult, WebKit's "cancelled" / "Load request cancelled" (as Playwright's HAR records them).
bool isCancellation(std::string_view failure)
{
    if (failure == "net::ERR_ABORTED" || failure == "NS_BINDING_ABORTED")
        return true;
    for (std::size_t i = 0; i + 6 <= failure.size(); ++i)
        if (text::equalsIgnoreCase(failure.substr(i, 6), "cancel"))
            return true;
    return false;
}

std::string majorVersion(std::string_view version)
{
    return std::string(version.substr(0, version.find_first_not_of("0123456789")));
}

} // namespace

void Mapper::creator(const JsonValue& v)
{
    m_creatorName = std::string(stringOf(v, "name"));
}

void Mapper::browser(const JsonValue& v)
{
    m_browserName = std::string(stringOf(v, "name"));
    m_browserVersion = std::string(stringOf(v, "version"));
}

void Mapper::page(const JsonValue& v, const std::string& location)
{
    const std::string id(stringOf(v, "id"));
    if (id.empty()) {
        m_report.addRejected(location, "page without an \"id\" string; skipped");
        return;
    }
    const auto start = parseIsoTime(stringOf(v, "startedDateTime"));
    if (!start) {
        m_report.addRejected(location,
                             "page \"" + id + "\": startedDateTime missing or not ISO 8601; skipped");
        return;
    }
    if (m_pages.count(id)) {
        m_report.addRejected(location, "page \"" + id + "\" appears twice; the second is skipped");
        return;
    }
    Page p;
    p.id = id;
    p.title = std::string(stringOf(v, "title"));
    p.start = *start;
    if (const JsonValue* timings = member(v, "pageTimings"); timings && timings->IsObject()) {
        p.onLoad = msOf(*timings, "onLoad");
        p.onContentLoad = msOf(*timings, "onContentLoad");
        p.fcp = msOf(*timings, "_firstContentfulPaint");
        p.lcp = msOf(*timings, "_largestContentfulPaint");
    }
    noteTime(p.start, p.start + std::max<TimeNs>({0, p.onLoad, p.onContentLoad}));
    m_report.addAccepted();
    const Page& stored = m_pages.emplace(id, std::move(p)).first->second;
    m_pageOrder.push_back(id);
    emitNavigations(stored, false); // entries read before the page may have closed some
}

void Mapper::entry(const JsonValue& v, std::uint64_t index, const std::string& location,
                   const std::string& truncatedKey)
{
    const std::string what = "entry " + std::to_string(index + 1);
    auto reject = [&](const std::string& why) { m_report.addRejected(location, why + "; skipped"); };
    if (!truncatedKey.empty())
        return reject("the \"" + truncatedKey + "\" string is longer than " +
                      std::to_string(HarReader::kMaxStringBytes >> 20) + " MiB");
    const auto start = parseIsoTime(stringOf(v, "startedDateTime"));
    if (!start)
        return reject("startedDateTime missing or not ISO 8601");
    const JsonValue* request = member(v, "request");
    if (!request || !request->IsObject())
        return reject("\"request\" missing or not an object");
    const std::string_view url = stringOf(*request, "url");
    if (url.empty())
        return reject("request without a \"url\" string");
    const JsonValue* response = member(v, "response");
    if (response && !response->IsObject())
        response = nullptr;
    const JsonValue* requestHeaders = member(*request, "headers");
    const JsonValue* responseHeaders = response ? member(*response, "headers") : nullptr;
    const JsonValue* content = response ? member(*response, "content") : nullptr;
    if (content && !content->IsObject())
        content = nullptr;

    Entry e;
    ResourceRecord& r = e.rec;
    r.key = m_sessionKey + "/entry/" + std::to_string(index);
    r.reporter = "har";
    r.sessionKey = m_sessionKey;
    r.method = std::string(stringOf(*request, "method"));
    r.url = std::string(url);
    r.start = *start;
    if (const JsonValue* pageref = member(v, "pageref"); pageref && pageref->IsString())
        e.pageref.assign(pageref->GetString(), pageref->GetStringLength());

    // Status: 0 for requests that failed (Chrome _error, Playwright _failureText, status 0).
    if (response) {
        const auto status = intOf(*response, "status");
        std::string_view failure = stringOf(*response, "_error");
        if (failure.empty())
            failure = stringOf(*response, "_failureText");
        if (failure.empty())
            failure = stringOf(v, "_error");
        if (status && *status > 0 && *status < 1000 && failure.empty())
            r.statusCode = int(*status);
        // A failed request has no status (0, or -1 in Playwright's HAR); a status 0 alone is unknown.
        // Cancelled is not failed: the page itself dropped the request (it navigated away while a beacon
        // was in flight, or an AbortController fired), which DevTools shows as "(canceled)"; counting it
        // as a network error would blame the network for the user's click.
        r.failed = !failure.empty() && !isCancellation(failure) && (!status || *status <= 0);
    }

    // Phases (HAR: ms, -1 = not applicable; ssl is part of connect), as durations like the OTLP path.
    TimeNs blocked = -1, dns = -1, connect = -1, ssl = -1, send = -1, wait = -1, receive = -1;
    if (const JsonValue* t = member(v, "timings"); t && t->IsObject()) {
        blocked = msOf(*t, "blocked");
        dns = msOf(*t, "dns");
        connect = msOf(*t, "connect");
        ssl = msOf(*t, "ssl");
        send = msOf(*t, "send");
        wait = msOf(*t, "wait");
        receive = msOf(*t, "receive");
    }
    r.dnsNs = dns;
    r.connectNs = connect;
    r.sslNs = ssl;
    r.ttfbNs = wait >= 0 ? wait + std::max<TimeNs>(send, 0) : -1;
    r.downloadNs = receive;
    r.duration = msOf(v, "time");
    if (r.duration < 0) {
        TimeNs sum = -1;
        for (const TimeNs phase : {blocked, dns, connect, send, wait, receive})
            if (phase >= 0)
                sum = std::max<TimeNs>(sum, 0) + phase;
        r.duration = sum;
    }
    const auto positive = [](TimeNs t) { return std::max<TimeNs>(t, 0); };
    const TimeNs responseStart =
        wait >= 0 ? r.start + positive(blocked) + positive(dns) + positive(connect) + positive(send) + wait
                  : -1;

    // Size on the wire: Chrome / Playwright _transferSize, else headers + body as the spec has them.
    if (response) {
        if (auto size = intOf(*response, "_transferSize"); size && *size >= 0)
            r.transferSize = *size;
        else if (auto body = intOf(*response, "bodySize"); body && *body >= 0) {
            const auto headers = intOf(*response, "headersSize");
            r.transferSize = *body + (headers && *headers > 0 ? *headers : 0);
        }
    }

    // Propagated trace ids, the most direct evidence first.
    PropagatedTrace trace =
        fromTraceParent(header(requestHeaders, "traceparent"), TraceIdSource::TraceparentHeader);
    if (!trace.found())
        trace = fromB3(header(requestHeaders, "b3"));
    if (!trace.found()) {
        const std::string_view b3Trace = header(requestHeaders, "x-b3-traceid");
        if (auto id = TraceId::fromHex(b3Trace);
            id && id->isValid() && (b3Trace.size() == 16 || b3Trace.size() == 32)) {
            trace.traceId = *id;
            trace.spanId = spanIdFromHex(header(requestHeaders, "x-b3-spanid")).value_or(0);
            trace.source = TraceIdSource::TraceparentHeader;
        }
    }
    // Browsers add request trace headers to fetch/XHR calls only, never to navigations or assets.
    const bool propagatedHeader = trace.found() || !header(requestHeaders, "x-datadog-trace-id").empty();
    if (!trace.found())
        if (auto tp = traceParentFromServerTiming(header(responseHeaders, "server-timing")))
            trace = fromTraceParent(*tp, TraceIdSource::ServerTiming);
    if (!trace.found())
        trace = fromTraceParent(header(responseHeaders, "traceresponse"), TraceIdSource::ServerTiming);

    // Type: what the browser said, else the MIME type, else the URL, else how it was requested.
    std::string_view type = har::typeFromChromeResourceType(stringOf(v, "_resourceType"));
    if (type.empty())
        type = har::typeFromFetchDest(header(requestHeaders, "sec-fetch-dest"));
    const bool browserSaid = !type.empty();
    if (type.empty() && content)
        type = har::typeFromMime(stringOf(*content, "mimeType"));
    if (type.empty() && response)
        type = har::typeFromMime(header(responseHeaders, "content-type"));
    if (type.empty())
        type = har::typeFromUrl(url);
    const bool pageHasDocument =
        e.pageref.empty() ? m_sawUnpagedDocument : m_navigations.hasDocument(e.pageref);
    if (type.empty() && !propagatedHeader && header(requestHeaders, "accept").starts_with("text/html") &&
        !pageHasDocument)
        type = "document"; // a navigation whose response type was not recorded
    if (type.empty()) {
        const JsonValue* initiator = member(v, "_initiator");
        const bool byScript = initiator && stringOf(*initiator, "type") == "script";
        const bool plainGet = r.method.empty() || r.method == "GET" || r.method == "HEAD";
        type = (propagatedHeader || byScript || !plainGet) ? "fetch" : "other";
    } else if (type == "document" && propagatedHeader && !browserSaid) {
        type = "fetch"; // HTML fetched by script: browsers do not add traceparent to navigations
    }
    const int status = r.statusCode; // 304 Not Modified is a document, not a redirect
    const bool redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    // A main-frame document starts a navigation (or continues its redirect chain); other HTML is a
    // frame's document or a fetched fragment (HarNavigations.h says how they are told apart).
    std::optional<std::pair<std::size_t, bool>> navigation;
    if (type == "document" && e.pageref.empty()) {
        if (m_sawUnpagedDocument && !browserSaid && !redirect)
            type = "other";
        m_sawUnpagedDocument = m_sawUnpagedDocument || !redirect;
    } else if (type == "document") {
        const JsonValue* initiator = member(v, "_initiator");
        FrameFacts facts;
        facts.fetchDest = header(requestHeaders, "sec-fetch-dest");
        facts.frameRef = stringOf(v, "_frameref");
        facts.initiatorType = initiator ? stringOf(*initiator, "type") : std::string_view();
        facts.browserSaid = browserSaid;
        facts.redirect = redirect;
        if (m_navigations.isMainFrame(e.pageref, facts))
            navigation = m_navigations.document(pageKey(e.pageref), e.pageref, r.start, facts);
        else if (!browserSaid)
            type = "other";
    }
    r.type = std::string(type);

    if (r.type == "document" && !trace.found() && content) {
        const JsonValue* text = member(*content, "text");
        if (text && text->IsString()) {
            const std::string_view body(text->GetString(), text->GetStringLength());
            std::optional<std::string> tp;
            if (text::equalsIgnoreCase(stringOf(*content, "encoding"), "base64")) {
                const std::size_t take = HarReader::kMaxBodyScanBytes / 3 * 4 + 4;
                tp = traceParentFromHtml(
                    decodeBase64Prefix(body.substr(0, take), HarReader::kMaxBodyScanBytes));
            } else {
                tp = traceParentFromHtml(body.substr(0, HarReader::kMaxBodyScanBytes));
            }
            if (tp)
                trace = fromTraceParent(*tp, TraceIdSource::DocumentMeta);
        }
    }
    if (!trace.found()) {
        if (auto low = parseDecimalU64(header(requestHeaders, "x-datadog-trace-id")); low && *low) {
            trace.low64 = *low;
            trace.spanId = parseDecimalU64(header(requestHeaders, "x-datadog-parent-id")).value_or(0);
            trace.source = TraceIdSource::DatadogId;
        }
    }
    r.traceId = trace.traceId;
    r.traceIdLow64 = trace.low64;
    r.spanId = trace.spanId;
    r.traceIdSource = trace.source;

    if (m_userAgent.empty())
        m_userAgent = std::string(header(requestHeaders, "user-agent"));
    if (navigation) {
        Navigations::Page& navs = *m_navigations.page(e.pageref);
        Navigations::Navigation& nav = navs.navigations[navigation->first];
        // Its first non-redirect document names the navigation (a redirect's URL until then).
        if (!nav.hasDocument && (!redirect || nav.url.empty())) {
            nav.url = r.url;
            nav.hasDocument = !redirect;
            if (!redirect) {
                nav.responseStart = responseStart;
                nav.traceId = trace.traceId;
            }
        }
    }
    if (!e.pageref.empty())
        e.navigationKey = m_navigations.keyAt(pageKey(e.pageref), e.pageref, r.start);
    if (navigation && navigation->second)
        if (const auto page = m_pages.find(e.pageref); page != m_pages.end())
            emitNavigations(page->second, false); // the previous navigation's window just closed
    noteTime(r.start, r.start + std::max<TimeNs>(r.duration, 0));
    m_report.addAccepted();

    if (m_bufferEntries && !m_spilled) {
        m_buffer.push_back(std::move(e));
        if (m_buffer.size() >= HarReader::kMaxBufferedEntries) {
            // Too many entries before the pages: write them with their page keys; the store attaches
            // them when the page loads arrive (unknown pagerefs then stay unattached).
            m_spilled = true;
            drainBuffer();
        }
        return;
    }
    emit(e);
}

void Mapper::emit(Entry& e)
{
    ResourceRecord& r = e.rec;
    // A page not seen (yet): while pages may still come, keep the key and let the store attach the entry
    // when the page load arrives; once all pages are known, attach it by time instead.
    if (!e.pageref.empty() && (!m_pagesDone || m_pages.count(e.pageref)))
        r.pageLoadKey = std::move(e.navigationKey);
    m_builder.batch().resources.push_back(std::move(r));
    m_builder.maybeFlush();
}

void Mapper::emitNavigations(const Page& page, bool all)
{
    Navigations::Page* navs = m_navigations.page(page.id);
    if (!navs)
        return;
    auto& list = navs->navigations;
    const std::size_t closed = all ? list.size() : list.size() - std::min<std::size_t>(list.size(), 1);
    for (std::size_t i = 0; i < closed; ++i) {
        if (list[i].emitted)
            continue;
        // Each starts with its document request and ends where the next one starts. The first one too:
        // DevTools' page start is that navigation's (a few ms before its request), but Playwright's is
        // when the tab opened, which may be long before the first page.goto.
        const TimeNs from = i == 0 ? std::max(page.start, list[0].start) : list[i].start;
        const TimeNs until = i + 1 < list.size() ? list[i + 1].start : std::numeric_limits<TimeNs>::max();
        emitPageLoad(page, &list[i], from, until);
        list[i].emitted = true;
        list[i].url = std::string(); // only the start and key are needed from now on
    }
}

void Mapper::emitPageLoad(const Page& page, const Navigations::Navigation* nav, TimeNs from, TimeNs until)
{
    PageLoadRecord& p = m_builder.batch().pageLoads.emplace_back();
    p.key = nav ? nav->key : pageKey(page.id);
    p.reporter = "har";
    p.sessionKey = m_sessionKey;
    p.url = nav && !nav->url.empty() ? nav->url : (looksLikeUrl(page.title) ? page.title : std::string());
    p.route = routeFromUrl(p.url);
    p.app.name = hostOf(p.url);
    if (p.app.name.empty())
        p.app.name = "har";
    p.app.isBrowser = true;
    p.start = from;
    // The page's timings go to the navigation they fall in (HarNavigations.h: timingIn); HAR has no
    // per-navigation timings, so the other navigations of a Playwright tab have none (-1).
    p.duration = timingIn(page.start, page.onLoad, from, until);
    if (p.duration < 0)
        p.duration = timingIn(page.start, page.onContentLoad, from, until);
    if (nav && nav->responseStart >= from)
        p.ttfb = nav->responseStart - from;
    p.fcp = timingIn(page.start, page.fcp, from, until);
    p.lcp = timingIn(page.start, page.lcp, from, until);
    if (nav)
        p.traceId = nav->traceId;
}

void Mapper::drainBuffer()
{
    for (Entry& e : m_buffer)
        emit(e);
    m_buffer.clear();
    m_buffer.shrink_to_fit();
}

void Mapper::finish()
{
    m_pagesDone = true;
    drainBuffer();
    for (const std::string& id : m_pageOrder) {
        const Page& page = m_pages.at(id);
        if (const Navigations::Page* navs = m_navigations.page(id); navs && !navs->navigations.empty()) {
            emitNavigations(page, true);
            continue;
        }
        // A page without a document is written only if it says something: Playwright records the blank
        // page a persistent context opens with (no title, no timings) as a page of its own.
        const bool saysSomething = page.onLoad >= 0 || page.onContentLoad >= 0 || looksLikeUrl(page.title);
        if (saysSomething)
            emitPageLoad(page, nullptr, page.start, std::numeric_limits<TimeNs>::max());
    }
    if (m_start > m_end)
        return; // nothing was imported: no session
    SessionRecord& s = m_builder.batch().sessions.emplace_back();
    s.key = m_sessionKey;
    UserAgentInfo ua = parseUserAgent(m_userAgent);
    if (ua.browser.empty() || ua.browser == "Other") {
        std::string name = normalizedBrowserName(m_browserName);
        std::string version = majorVersion(m_browserVersion);
        if (name.empty()) {
            name = normalizedBrowserName(m_creatorName);
            version.clear();
        }
        if (!name.empty()) {
            ua.browser = std::move(name);
            ua.browserVersion = std::move(version);
        }
    }
    s.browser = std::move(ua.browser);
    s.browserVersion = std::move(ua.browserVersion);
    s.os = std::move(ua.os);
    s.device = std::move(ua.device);
    s.start = m_start;
    s.end = m_end;
    m_builder.flush();
}

} // namespace seam::har
