#include "HarReader.h"

#include "FormatNames.h"
#include "Base64.h"
#include "HarFields.h"
#include "IsoTime.h"
#include "Propagation.h"
#include "TextUtil.h"
#include "Hash.h"
#include "Route.h"
#include "UserAgent.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace seam {

using JsonValue = rapidjson::Value;

namespace {

constexpr std::size_t kBufferBytes = 64 * 1024;
/// Nesting beyond this outside any page or entry is an attack on the reader's stack, not HAR.
constexpr std::size_t kMaxTotalDepth = 1u << 20;

// ---------------------------------------------------------------------------------------------
// Input: a RapidJSON stream over InputSource.

/// RapidJSON input stream over InputSource with a 64 KiB window. It follows the JSON string syntax
/// byte by byte (cheap: a few branches) so that it can cut a string that grows beyond
/// HarReader::kMaxStringBytes: the rest of the string is skipped without being buffered and the
/// reader sees the closing quote. Response bodies of many megabytes are normal in HAR files; only
/// their start matters here. Cuts happen outside escapes and UTF-8 sequences, so what the reader
/// gets is still valid JSON.
class HarStream
{
public:
    using Ch = char;

    HarStream(InputSource& in, ImportContext& ctx) : m_in(in), m_ctx(ctx), m_buffer(kBufferBytes, '\0') {}

    Ch Peek()
    {
        if (!ready())
            return '\0';
        return *m_cur;
    }
    Ch Take()
    {
        if (!ready())
            return '\0';
        const char c = *m_cur++;
        track(c);
        return c;
    }
    std::size_t Tell() const { return std::size_t(m_base + std::uint64_t(m_cur - m_buffer.data())); }

    // Output functions RapidJSON requires of a stream type but never calls for input.
    Ch* PutBegin() { return nullptr; }
    void Put(Ch) {}
    void Flush() {}
    std::size_t PutEnd(Ch*) { return 0; }

    /// Whether the string just read was cut (and resets the flag).
    bool takeTruncated() { return std::exchange(m_truncated, false); }
    /// Bytes of cut strings skipped so far (not held anywhere).
    std::uint64_t skippedBytes() const { return m_skipped; }
    bool stopped() const { return m_stopped; }

    /// 1-based line number of the current position (counted lazily, each byte once).
    std::uint64_t line()
    {
        m_lines += std::uint64_t(std::count(m_lineScan, static_cast<const char*>(m_cur), '\n'));
        m_lineScan = m_cur;
        return m_lines + 1;
    }

    /// Skips whitespace; true if something other than whitespace follows.
    bool moreAfterWhitespace()
    {
        for (;;) {
            const Ch c = Peek();
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                Take();
                continue;
            }
            return c != '\0' || m_cur != m_end;
        }
    }

private:
    bool ready()
    {
        if (m_cur == m_end && !refill())
            return false;
        if (m_inString && m_stringBytes >= HarReader::kMaxStringBytes && !m_escape && m_hexLeft == 0) {
            const auto c = static_cast<unsigned char>(*m_cur);
            if (c != '"' && (c < 0x80 || c >= 0xc0)) {
                skipRestOfString();
                if (m_cur == m_end)
                    return false;
            }
        }
        return true;
    }

    void track(char c)
    {
        if (!m_inString) {
            if (c == '"') {
                m_inString = true;
                m_stringBytes = 0;
            }
            return;
        }
        if (m_escape) {
            m_escape = false;
            m_hexLeft = c == 'u' ? 4 : 0;
        } else if (m_hexLeft) {
            --m_hexLeft;
        } else if (c == '\\') {
            m_escape = true;
        } else if (c == '"') {
            m_inString = false;
            return;
        }
        ++m_stringBytes;
    }

    /// Leaves m_cur on the string's closing quote (or at the end of the input).
    void skipRestOfString()
    {
        m_truncated = true;
        for (;;) {
            if (m_cur == m_end && !refill())
                return;
            char* p = m_cur;
            while (p < m_end) {
                const char c = *p;
                if (m_escape)
                    m_escape = false;
                else if (c == '\\')
                    m_escape = true;
                else if (c == '"')
                    break;
                ++p;
            }
            m_skipped += std::uint64_t(p - m_cur);
            m_cur = p;
            if (p < m_end)
                return;
        }
    }

    bool refill()
    {
        if (m_stopped || m_sourceDone)
            return false;
        line(); // count the lines of the window about to be dropped
        m_base += std::uint64_t(m_end - m_buffer.data());
        const std::size_t got = m_in.read(m_buffer.data(), m_buffer.size());
        m_cur = m_buffer.data();
        m_end = m_cur + got;
        m_lineScan = m_cur;
        if (got == 0) {
            m_sourceDone = true;
            return false;
        }
        if ((m_base >> 20) != m_lastProgressMiB) {
            m_lastProgressMiB = m_base >> 20;
            if (m_ctx.progress)
                m_ctx.progress(m_in.rawOffset(), m_in.rawSize());
            if (m_ctx.cancelled()) {
                m_stopped = true;
                return false;
            }
        }
        return true;
    }

    InputSource& m_in;
    ImportContext& m_ctx;
    std::string m_buffer;
    char* m_cur = m_buffer.data();
    char* m_end = m_buffer.data();
    const char* m_lineScan = m_buffer.data();
    std::uint64_t m_base = 0; // offset of m_buffer[0]
    std::uint64_t m_lines = 0;
    std::uint64_t m_lastProgressMiB = 0;
    std::uint64_t m_skipped = 0;
    std::size_t m_stringBytes = 0;
    int m_hexLeft = 0;
    bool m_inString = false;
    bool m_escape = false;
    bool m_truncated = false;
    bool m_stopped = false;
    bool m_sourceDone = false;
};

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

std::string majorVersion(std::string_view version)
{
    return std::string(version.substr(0, version.find_first_not_of("0123456789")));
}

// ---------------------------------------------------------------------------------------------
// Mapping of captured pages and entries to records.

class HarMapper
{
public:
    HarMapper(BatchBuilder& builder, ImportReport& report, std::string sessionKey)
        : m_builder(builder), m_report(report), m_sessionKey(std::move(sessionKey))
    {}

    void creator(const JsonValue& v) { m_creatorName = std::string(stringOf(v, "name")); }
    void browser(const JsonValue& v)
    {
        m_browserName = std::string(stringOf(v, "name"));
        m_browserVersion = std::string(stringOf(v, "version"));
    }

    void pagesEnd()
    {
        m_pagesDone = true;
        drainBuffer();
    }
    void entriesBegin() { m_bufferEntries = !m_pagesDone; }
    void entriesEnd() { m_bufferEntries = false; }

    void page(const JsonValue& v, const std::string& location);
    void entry(const JsonValue& v, std::uint64_t index, const std::string& location,
               const std::string& truncatedKey);
    /// Emits what is still held: buffered entries, pages without a document entry, the session.
    void finish();

private:
    struct Page
    {
        std::string id;
        std::string title;
        TimeNs start = 0;
        TimeNs onLoad = -1, onContentLoad = -1, fcp = -1, lcp = -1;
        bool emitted = false;
    };
    struct Document
    {
        std::string url;
        TimeNs responseStart = -1; // absolute
        TraceId traceId;
    };
    struct Entry
    {
        ResourceRecord rec;
        std::string pageref;
        bool pageDocument = false; // the document entry of its page
        Document doc;
    };

    std::string pageKey(const std::string& pageref) const { return m_sessionKey + "/page/" + pageref; }
    void emit(Entry& e);
    void emitPage(Page& page, const Document* doc);
    void drainBuffer();
    void noteTime(TimeNs start, TimeNs end)
    {
        m_start = std::min(m_start, start);
        m_end = std::max(m_end, end);
    }

    BatchBuilder& m_builder;
    ImportReport& m_report;
    std::string m_sessionKey;
    std::string m_creatorName, m_browserName, m_browserVersion, m_userAgent;
    std::unordered_map<std::string, Page> m_pages;
    std::vector<std::string> m_pageOrder;
    std::unordered_map<std::string, Document> m_documents; // page id -> its document entry
    std::unordered_set<std::string> m_pagesWithDocument;   // decided while reading entries
    std::vector<Entry> m_buffer;
    bool m_pagesDone = false;
    bool m_bufferEntries = false;
    bool m_spilled = false;
    TimeNs m_start = std::numeric_limits<TimeNs>::max();
    TimeNs m_end = std::numeric_limits<TimeNs>::min();
};

void HarMapper::page(const JsonValue& v, const std::string& location)
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
    Page& stored = m_pages.emplace(id, std::move(p)).first->second;
    m_pageOrder.push_back(id);
    if (auto doc = m_documents.find(id); doc != m_documents.end())
        emitPage(stored, &doc->second);
}

void HarMapper::entry(const JsonValue& v, std::uint64_t index, const std::string& location,
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
    r.sessionKey = m_sessionKey;
    r.method = std::string(stringOf(*request, "method"));
    r.url = std::string(url);
    r.start = *start;
    if (const JsonValue* pageref = member(v, "pageref"); pageref && pageref->IsString())
        e.pageref.assign(pageref->GetString(), pageref->GetStringLength());

    // Status: 0 for requests that failed (Chrome _error, Playwright _failureText, status 0).
    if (response) {
        const auto status = intOf(*response, "status");
        const bool failed = !stringOf(*response, "_error").empty() ||
                            !stringOf(*response, "_failureText").empty() || !stringOf(v, "_error").empty();
        if (status && *status > 0 && *status < 1000 && !failed)
            r.statusCode = int(*status);
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
    if (type.empty() && !propagatedHeader && header(requestHeaders, "accept").starts_with("text/html") &&
        !m_pagesWithDocument.count(e.pageref))
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
    if (type == "document" && !redirect) {
        // The first document of a page (after redirects) is the page's own; later HTML is frames or
        // fetched fragments.
        if (m_pagesWithDocument.insert(e.pageref).second)
            e.pageDocument = !e.pageref.empty();
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
    if (e.pageDocument) {
        e.doc.url = r.url;
        e.doc.responseStart = responseStart;
        e.doc.traceId = trace.traceId;
    }
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

void HarMapper::emit(Entry& e)
{
    ResourceRecord& r = e.rec;
    if (!e.pageref.empty()) {
        // A page not seen (yet): while pages may still come, keep the key and let the store attach the
        // entry when the page load arrives; once all pages are known, attach it by time instead.
        const auto page = m_pages.find(e.pageref);
        if (page != m_pages.end() || !m_pagesDone)
            r.pageLoadKey = pageKey(e.pageref);
        if (e.pageDocument) {
            if (page != m_pages.end()) {
                if (!page->second.emitted)
                    emitPage(page->second, &e.doc);
            } else if (!m_pagesDone) {
                m_documents.emplace(e.pageref, std::move(e.doc));
            }
        }
    }
    m_builder.batch().resources.push_back(std::move(r));
    m_builder.maybeFlush();
}

void HarMapper::emitPage(Page& page, const Document* doc)
{
    page.emitted = true;
    PageLoadRecord& p = m_builder.batch().pageLoads.emplace_back();
    p.key = pageKey(page.id);
    p.sessionKey = m_sessionKey;
    p.url = doc ? doc->url : (looksLikeUrl(page.title) ? page.title : std::string());
    p.route = routeFromUrl(p.url);
    p.app.name = hostOf(p.url);
    if (p.app.name.empty())
        p.app.name = "har";
    p.app.isBrowser = true;
    p.start = page.start;
    p.duration = page.onLoad >= 0 ? page.onLoad : page.onContentLoad;
    if (doc && doc->responseStart >= page.start)
        p.ttfb = doc->responseStart - page.start;
    p.fcp = page.fcp;
    p.lcp = page.lcp;
    if (doc)
        p.traceId = doc->traceId;
    m_documents.erase(page.id);
    page.title = std::string(); // only the id is needed from now on (duplicates)
}

void HarMapper::drainBuffer()
{
    for (Entry& e : m_buffer)
        emit(e);
    m_buffer.clear();
    m_buffer.shrink_to_fit();
}

void HarMapper::finish()
{
    m_pagesDone = true;
    drainBuffer();
    for (const std::string& id : m_pageOrder) {
        Page& page = m_pages.at(id);
        // A page without entries is written only if it says something: Playwright records the blank
        // page a persistent context opens with (no title, no timings) as a page of its own.
        const bool saysSomething = page.onLoad >= 0 || page.onContentLoad >= 0 || looksLikeUrl(page.title);
        if (!page.emitted && saysSomething)
            emitPage(page, nullptr);
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

// ---------------------------------------------------------------------------------------------
// The SAX handler: follows the envelope (log -> pages / entries) itself and captures each page and
// entry as a small DOM for the mapper.

class HarSax
{
public:
    HarSax(HarStream& stream, HarMapper& mapper, ImportReport& report)
        : m_stream(stream), m_mapper(mapper), m_report(report)
    {}

    bool Null()
    {
        return scalar("null", [](rapidjson::Document& d) { return d.Null(); });
    }
    bool Bool(bool b)
    {
        return scalar("boolean", [b](rapidjson::Document& d) { return d.Bool(b); });
    }
    bool Int(int i)
    {
        return scalar("number", [i](rapidjson::Document& d) { return d.Int(i); });
    }
    bool Uint(unsigned i)
    {
        return scalar("number", [i](rapidjson::Document& d) { return d.Uint(i); });
    }
    bool Int64(std::int64_t i)
    {
        return scalar("number", [i](rapidjson::Document& d) { return d.Int64(i); });
    }
    bool Uint64(std::uint64_t i)
    {
        return scalar("number", [i](rapidjson::Document& d) { return d.Uint64(i); });
    }
    bool Double(double x)
    {
        return scalar("number", [x](rapidjson::Document& d) { return d.Double(x); });
    }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool)
    {
        return scalar("number", [s, n](rapidjson::Document& d) { return d.String(s, n, true); });
    }
    bool String(const char* s, rapidjson::SizeType n, bool)
    {
        const bool cut = m_stream.takeTruncated();
        if (cut && m_capture != Capture::None && m_captureTruncatedKey.empty() && !m_skipDepth) {
            const bool body = m_lastKey == "text" || m_lastKey == "comment" || m_lastKey.starts_with('_');
            if (!body)
                m_captureTruncatedKey = m_lastKey.empty() ? std::string("(array item)") : m_lastKey;
        }
        return scalar("string", [s, n](rapidjson::Document& d) { return d.String(s, n, true); });
    }
    bool Key(const char* s, rapidjson::SizeType n, bool)
    {
        m_stream.takeTruncated();
        if (m_skipDepth)
            return true;
        if (m_capture != Capture::None) {
            m_lastKey.assign(s, std::min<std::size_t>(n, 64));
            if (!m_captureFailed)
                m_doc.Key(s, n, true);
            return true;
        }
        m_key.assign(s, std::min<std::size_t>(n, 256));
        if (m_levels.size() == 1 && m_rootKeys.size() < 200)
            m_rootKeys += (m_rootKeys.empty() ? "" : ", ") + m_key;
        return true;
    }
    bool StartObject() { return start(true); }
    bool StartArray() { return start(false); }
    bool EndObject(rapidjson::SizeType n) { return end(true, n); }
    bool EndArray(rapidjson::SizeType n) { return end(false, n); }

    const std::string& abortReason() const { return m_abortReason; }
    bool sawLog() const { return m_sawLog; }
    bool sawEntries() const { return m_sawEntries; }
    const std::string& rootKeys() const { return m_rootKeys; }
    std::string location()
    {
        return "line " + std::to_string(m_stream.line()) + ", byte " + std::to_string(m_stream.Tell());
    }
    const std::string& logLocation() const { return m_logLocation; }

private:
    enum class Level : std::uint8_t
    {
        Root,
        Log,
        Pages,
        Entries
    };
    enum class Capture : std::uint8_t
    {
        None,
        Creator,
        Browser,
        Page,
        Entry
    };

    bool fail(std::string why)
    {
        m_abortReason = std::move(why);
        return false;
    }

    template<typename Forward> bool scalar(const char* kind, Forward&& forward)
    {
        if (m_skipDepth)
            return true;
        if (m_capture != Capture::None) {
            if (!m_captureFailed)
                forward(m_doc);
            return checkCaptureSize();
        }
        if (m_levels.empty())
            return fail(std::string("JSON, but not HAR: the document is a ") + kind + ", not an object");
        switch (m_levels.back()) {
        case Level::Root:
            if (m_key == "log")
                return fail(std::string("not a valid HAR: \"log\" is a ") + kind + ", not an object");
            return true;
        case Level::Log:
            if (m_key == "entries")
                return fail(std::string("not a valid HAR: \"entries\" is a ") + kind + ", not an array");
            if (m_key == "pages")
                m_report.addRejected(location(),
                                     std::string("\"pages\" is a ") + kind + ", not an array; ignored");
            return true;
        case Level::Pages:
            m_report.addRejected(itemLocation("page", m_pageIndex++),
                                 std::string("page is a ") + kind + ", not an object; skipped");
            return true;
        case Level::Entries:
            m_report.addRejected(itemLocation("entry", m_entryIndex++),
                                 std::string("entry is a ") + kind + ", not an object; skipped");
            return true;
        }
        return true;
    }

    bool start(bool object)
    {
        if (m_skipDepth) {
            if (++m_skipDepth > kMaxTotalDepth)
                return fail("nesting deeper than " + std::to_string(kMaxTotalDepth) + " levels");
            return true;
        }
        if (m_capture != Capture::None) {
            if (m_captureDepth >= std::size_t(HarReader::kMaxItemDepth)) {
                // Deeper than anything HAR defines: keep a null in its place and skip the subtree.
                if (!m_captureFailed)
                    m_doc.Null();
                m_skipDepth = 1;
                return true;
            }
            ++m_captureDepth;
            if (!m_captureFailed)
                object ? m_doc.StartObject() : m_doc.StartArray();
            return checkCaptureSize();
        }
        const char* kind = object ? "object" : "array";
        if (m_levels.empty()) {
            if (!object)
                return fail("JSON, but not HAR: the document is an array, not an object with \"log\"");
            m_levels.push_back(Level::Root);
            return true;
        }
        switch (m_levels.back()) {
        case Level::Root:
            if (m_key != "log") {
                m_skipDepth = 1;
                return true;
            }
            if (!object)
                return fail("not a valid HAR: \"log\" is an array, not an object");
            m_sawLog = true;
            m_logLocation = location();
            m_levels.push_back(Level::Log);
            return true;
        case Level::Log:
            if (m_key == "pages" || m_key == "entries") {
                const bool entries = m_key == "entries";
                if (object) {
                    if (entries)
                        return fail("not a valid HAR: \"entries\" is an object, not an array");
                    m_report.addRejected(location(), "\"pages\" is an object, not an array; ignored");
                    m_skipDepth = 1;
                    return true;
                }
                m_levels.push_back(entries ? Level::Entries : Level::Pages);
                if (entries) {
                    m_sawEntries = true;
                    m_mapper.entriesBegin();
                }
                return true;
            }
            if (object && (m_key == "creator" || m_key == "browser"))
                return beginCapture(m_key == "creator" ? Capture::Creator : Capture::Browser);
            m_skipDepth = 1;
            return true;
        case Level::Pages:
        case Level::Entries: {
            const bool pages = m_levels.back() == Level::Pages;
            if (object)
                return beginCapture(pages ? Capture::Page : Capture::Entry);
            const std::uint64_t index = pages ? m_pageIndex++ : m_entryIndex++;
            m_report.addRejected(itemLocation(pages ? "page" : "entry", index),
                                 std::string(pages ? "page" : "entry") + " is an " + kind +
                                     ", not an object; skipped");
            m_skipDepth = 1;
            return true;
        }
        }
        return true;
    }

    bool end(bool object, rapidjson::SizeType count)
    {
        if (m_skipDepth) {
            --m_skipDepth;
            return true;
        }
        if (m_capture != Capture::None) {
            if (!m_captureFailed)
                object ? m_doc.EndObject(count) : m_doc.EndArray(count);
            if (--m_captureDepth == 0)
                finishCapture();
            return true;
        }
        if (m_levels.empty())
            return true;
        const Level level = m_levels.back();
        m_levels.pop_back();
        if (level == Level::Pages)
            m_mapper.pagesEnd();
        else if (level == Level::Entries)
            m_mapper.entriesEnd();
        return true;
    }

    std::string itemLocation(const char* what, std::uint64_t index)
    {
        return std::string(what) + ' ' + std::to_string(index + 1) + ", " + location();
    }

    bool beginCapture(Capture what)
    {
        m_capture = what;
        m_captureDepth = 1;
        m_captureFailed = false;
        m_captureTruncatedKey.clear();
        m_lastKey.clear();
        m_captureStart = m_stream.Tell();
        m_captureSkipStart = m_stream.skippedBytes();
        if (what == Capture::Page)
            m_captureLocation = itemLocation("page", m_pageIndex);
        else if (what == Capture::Entry)
            m_captureLocation = itemLocation("entry", m_entryIndex);
        else
            m_captureLocation = location();
        m_doc.StartObject();
        return true;
    }

    bool checkCaptureSize()
    {
        // What the DOM holds: the bytes read since the item began, less the cut strings' skipped rest.
        const std::uint64_t held =
            m_stream.Tell() - m_captureStart - (m_stream.skippedBytes() - m_captureSkipStart);
        if (!m_captureFailed && held > HarReader::kMaxItemBytes) {
            m_captureFailed = true;
            auto drop = [](rapidjson::Document&) { return false; };
            m_doc.Populate(drop); // drops what was built
            m_doc.SetNull();
            m_doc.GetAllocator().Clear();
        }
        return true;
    }

    void finishCapture()
    {
        const Capture what = m_capture;
        m_capture = Capture::None;
        std::uint64_t index = 0;
        if (what == Capture::Page)
            index = m_pageIndex++;
        else if (what == Capture::Entry)
            index = m_entryIndex++;
        if (m_captureFailed) {
            m_report.addRejected(m_captureLocation, "larger than " +
                                                        std::to_string(HarReader::kMaxItemBytes >> 20) +
                                                        " MiB; skipped");
            return;
        }
        auto keep = [](rapidjson::Document&) { return true; };
        m_doc.Populate(keep); // moves the value built from our events into the document
        switch (what) {
        case Capture::Creator:
            m_mapper.creator(m_doc);
            break;
        case Capture::Browser:
            m_mapper.browser(m_doc);
            break;
        case Capture::Page:
            m_mapper.page(m_doc, m_captureLocation);
            break;
        case Capture::Entry:
            m_mapper.entry(m_doc, index, m_captureLocation, m_captureTruncatedKey);
            break;
        case Capture::None:
            break;
        }
        m_doc.SetNull();
        m_doc.GetAllocator().Clear();
    }

    HarStream& m_stream;
    HarMapper& m_mapper;
    ImportReport& m_report;
    std::vector<Level> m_levels;
    std::string m_key;
    std::string m_lastKey;
    std::string m_rootKeys;
    std::string m_abortReason;
    std::string m_logLocation;
    std::size_t m_skipDepth = 0;
    Capture m_capture = Capture::None;
    std::size_t m_captureDepth = 0;
    std::uint64_t m_captureStart = 0;
    std::uint64_t m_captureSkipStart = 0;
    bool m_captureFailed = false;
    std::string m_captureTruncatedKey;
    std::string m_captureLocation;
    std::uint64_t m_pageIndex = 0;
    std::uint64_t m_entryIndex = 0;
    bool m_sawLog = false;
    bool m_sawEntries = false;
    rapidjson::Document m_doc;
};

/// Skips whitespace and an optional JSON string at `i`; returns the string's raw contents.
std::optional<std::string_view> jsonString(std::string_view s, std::size_t& i)
{
    if (i >= s.size() || s[i] != '"')
        return std::nullopt;
    const std::size_t start = ++i;
    while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\')
            ++i;
        ++i;
    }
    if (i >= s.size())
        return std::nullopt;
    return s.substr(start, i++ - start);
}

void skipSpace(std::string_view s, std::size_t& i)
{
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        ++i;
}

} // namespace

bool looksLikeHar(std::string_view head)
{
    std::size_t i = head.starts_with("\xef\xbb\xbf") ? 3 : 0;
    auto expect = [&](char c) {
        skipSpace(head, i);
        if (i >= head.size() || head[i] != c)
            return false;
        ++i;
        return true;
    };
    if (!expect('{'))
        return false;
    skipSpace(head, i);
    const auto root = jsonString(head, i);
    if (!root || *root != "log" || !expect(':') || !expect('{'))
        return false;
    skipSpace(head, i);
    if (i < head.size() && head[i] == '}')
        return true; // an empty log: the reader explains what is missing
    const auto key = jsonString(head, i);
    if (!key)
        return false;
    static constexpr std::string_view kLogKeys[] = {"version", "creator", "browser",
                                                    "pages",   "entries", "comment"};
    return key->starts_with('_') ||
           std::find(std::begin(kLogKeys), std::end(kLogKeys), *key) != std::end(kLogKeys);
}

void HarReader::read(InputSource& in, ImportContext& ctx)
{
    BatchBuilder builder(ctx.sink);
    // One session per file, named by its content so that importing the file again finds the same rows.
    const std::string_view head = in.peek(kDetectHeadBytes);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a().add(head).value()));
    HarMapper mapper(builder, ctx.report, std::string("har:") + hex);
    if (in.peek(3) == "\xef\xbb\xbf")
        in.skip(3);

    HarStream stream(in, ctx);
    const auto handler = std::make_unique<HarSax>(stream, mapper, ctx.report);
    rapidjson::Reader reader;
    const rapidjson::ParseResult result =
        reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag>(stream, *handler);
    if (!result) {
        if (ctx.cancelled() || stream.stopped()) {
            ctx.report.cancelled = true;
        } else {
            const std::string location =
                "line " + std::to_string(stream.line()) + ", byte " + std::to_string(result.Offset());
            if (result.Code() == rapidjson::kParseErrorTermination)
                ctx.report.setFatal(location, handler->abortReason());
            else
                ctx.report.setFatal(location, rapidjson::GetParseError_En(result.Code()));
        }
    } else if (!handler->sawLog()) {
        ctx.report.setFatal(
            "byte 0", "JSON, but not HAR: no \"log\" object (top-level keys: " +
                          (handler->rootKeys().empty() ? std::string("none") : handler->rootKeys()) + ")");
    } else if (!handler->sawEntries()) {
        ctx.report.setFatal(handler->logLocation(), "not a valid HAR: \"log\" has no \"entries\" array");
    } else if (stream.moreAfterWhitespace()) {
        ctx.report.addRejected(handler->location(), "data after the HAR document; ignored");
    }
    mapper.finish();
    builder.flush();
    ctx.report.bytesRead = in.offset();
}

} // namespace seam
