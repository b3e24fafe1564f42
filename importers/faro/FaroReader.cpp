#include "FaroReader.h"

#include "FaroFields.h"
#include "Hash.h"
#include "JsonDocuments.h"
#include "JsonWriter.h"
#include "OtlpJsonReader.h"
#include "Route.h"
#include "UserAgent.h"

#include <algorithm>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unordered_set>

namespace seam {
namespace {

using namespace faro;

constexpr std::size_t kMaxUrlBytes = 8192;
constexpr std::size_t kMaxStackFrames = 200;
constexpr std::size_t kMaxRememberedKeys = 100000;
constexpr std::string_view kFaroKeys[] = {"meta", "logs", "exceptions", "measurements", "events", "traces"};

/// A sink that forwards the OTLP reader's batches to ours. Faro's tracing reports each fetch/XHR both as
/// an OpenTelemetry span and as a performance resource entry: the writer merges the two.
class ForwardingSink : public BatchSink
{
public:
    explicit ForwardingSink(BatchSink& to) : m_to(to) {}
    void submit(RecordBatch&& batch) override
    {
        for (ResourceRecord& r : batch.resources) {
            r.mayHaveTwin = true;
            r.reporter = "faro";
        }
        m_to.submit(std::move(batch));
    }
    KeyDictionary* payloadDictionary() override { return m_to.payloadDictionary(); }

private:
    BatchSink& m_to;
};

class FaroMapper
{
public:
    FaroMapper(BatchBuilder& out, ImportContext& ctx)
        : m_out(out), m_ctx(ctx), m_report(ctx.report), m_memory(ctx.memory ? *ctx.memory : m_ownMemory)
    {}

    void payload(const rapidjson::Value& doc, const std::string& location)
    {
        if (!doc.IsObject()) {
            m_report.addRejected(location, "a Faro payload must be a JSON object");
            return;
        }
        m_p = Payload{};
        if (const rapidjson::Value* meta = member(doc, "meta"); meta && meta->IsObject())
            readMeta(*meta);
        else if (meta)
            m_report.addRejected(location, "\"meta\" is not an object; items are imported without it");

        // The payload's time span: the page load's start and the session's extent. Navigations are
        // noted first, so that the payload's other items already belong to the visit they start.
        forEachItem(
            doc,
            [&](const rapidjson::Value& item, const std::string&, std::string_view kind) {
                if (const std::optional<TimeNs> t = itemTime(item)) {
                    m_p.first = m_p.first ? std::min(*m_p.first, *t) : *t;
                    m_p.last = m_p.last ? std::max(*m_p.last, *t) : *t;
                }
                if (m_p.keyedByUrl && kind == "events" &&
                    stringAt(item, "name") == "faro.performance.navigation")
                    if (const rapidjson::Value* attrs = member(item, "attributes");
                        attrs && attrs->IsObject())
                        noteNavigation(urlKey(navigationUrl(*attrs)), stringAt(*attrs, "faroNavigationId"));
            },
            location);
        if (m_p.keyedByUrl)
            m_p.pageKey = visitKey(m_p.pageKey);
        if (m_p.first) {
            writeSession();
            writeBarePageLoad();
        }

        forEachItem(
            doc,
            [&](const rapidjson::Value& item, const std::string& where, std::string_view kind) {
                const std::optional<TimeNs> t = itemTime(item);
                if (!item.IsObject()) {
                    m_report.addRejected(where, "not an object");
                    return;
                }
                if (!t) {
                    m_report.addRejected(where, "no valid ISO 8601 \"timestamp\"");
                    return;
                }
                bool ok = false;
                if (kind == "logs")
                    ok = log(item, *t, where);
                else if (kind == "exceptions")
                    ok = exception(item, *t, where);
                else if (kind == "measurements")
                    ok = measurement(item, *t, where);
                else
                    ok = event(item, *t, where);
                if (ok)
                    m_report.addAccepted();
                m_out.maybeFlush();
            },
            location, true);

        if (const rapidjson::Value* traces = member(doc, "traces"))
            readTraces(*traces, location);
    }

private:
    struct Payload
    {
        std::string sessionKey;
        std::string pageKey;
        std::string pageUrl;
        bool keyedByUrl = false; // no page.id: the page load is known by session and URL
        ServiceRef app;
        std::optional<TimeNs> first, last;
        SessionRecord session;
    };

    template<typename F>
    void forEachItem(const rapidjson::Value& doc, F&& f, const std::string& location,
                     bool reportShape = false)
    {
        for (std::string_view kind : {"logs", "exceptions", "measurements", "events"}) {
            const rapidjson::Value* list = member(doc, kind);
            if (!list)
                continue;
            const std::string base = location + ", " + std::string(kind);
            if (!list->IsArray()) {
                if (reportShape)
                    m_report.addRejected(base, "not an array");
                continue;
            }
            for (rapidjson::SizeType i = 0; i < list->Size(); ++i)
                f((*list)[i], base + "[" + std::to_string(i) + "]", kind);
        }
    }

    void readMeta(const rapidjson::Value& meta)
    {
        m_p.app.name = clipUtf8(stringAt(meta, "app.name"), 256);
        m_p.app.version = clipUtf8(stringAt(meta, "app.version"), 256);
        if (m_p.app.version.empty())
            m_p.app.version = clipUtf8(stringAt(meta, "app.release"), 256);
        m_p.app.ns = clipUtf8(stringAt(meta, "app.namespace"), 256);
        m_p.app.environment = clipUtf8(stringAt(meta, "app.environment"), 256);
        m_p.app.isBrowser = true;
        m_p.sessionKey = clipUtf8(stringAt(meta, "session.id"), 256);
        m_p.pageUrl = clipUtf8(stringAt(meta, "page.url"), kMaxUrlBytes);
        const std::string pageId = clipUtf8(stringAt(meta, "page.id"), 256);
        if (!pageId.empty())
            m_p.pageKey = "faro:" + m_p.sessionKey + ":" + pageId;
        else if (!m_p.pageUrl.empty()) {
            m_p.pageKey = urlKey(m_p.pageUrl);
            m_p.keyedByUrl = true;
        }

        SessionRecord& s = m_p.session;
        s.key = m_p.sessionKey;
        s.userId = clipUtf8(stringAt(meta, "user.id"), 256);
        if (s.userId.empty())
            s.userId = clipUtf8(stringAt(meta, "user.username"), 256);
        s.appVersion = m_p.app.version;
        UserAgentInfo info = parseUserAgent(stringAt(meta, "browser.userAgent"));
        if (info.browser.empty()) {
            info.browser = capitalized(stringAt(meta, "browser.name"));
            const std::string v = stringAt(meta, "browser.version");
            info.browserVersion = v.substr(0, v.find('.'));
        }
        if (info.os.empty()) {
            static constexpr std::pair<std::string_view, std::string_view> kOs[] = {
                {"windows", "Windows"}, {"mac", "macOS"}, {"linux", "Linux"},
                {"android", "Android"}, {"ios", "iOS"},   {"chrome", "ChromeOS"}};
            std::string os = stringAt(meta, "browser.os");
            std::transform(os.begin(), os.end(), os.begin(),
                           [](unsigned char c) { return char(std::tolower(c)); });
            for (const auto& [token, name] : kOs)
                if (os.starts_with(token)) {
                    info.os = name;
                    break;
                }
        }
        if (info.device.empty())
            if (const rapidjson::Value* mobile = path(meta, "browser.mobile"); mobile && mobile->IsBool())
                info.device = mobile->GetBool() ? "mobile" : "desktop";
        s.browser = clipUtf8(std::move(info.browser), 64);
        s.browserVersion = clipUtf8(std::move(info.browserVersion), 32);
        s.os = std::move(info.os);
        s.device = std::move(info.device);
    }

    void writeSession()
    {
        if (m_p.sessionKey.empty())
            return;
        SessionRecord s = m_p.session;
        s.start = *m_p.first;
        s.end = *m_p.last;
        m_out.batch().sessions.push_back(std::move(s));
    }

    void writeBarePageLoad()
    {
        if (m_p.pageKey.empty() || !remember(m_pages, m_p.pageKey))
            return;
        PageLoadRecord p;
        p.key = m_p.pageKey;
        p.reporter = "faro";
        p.sessionKey = m_p.sessionKey;
        p.app = m_p.app;
        p.url = m_p.pageUrl;
        p.route = routeFromUrl(p.url);
        p.start = *m_p.first;
        p.version = 0;
        m_out.batch().pageLoads.push_back(std::move(p));
    }

    std::string urlKey(std::string_view url) const
    {
        return "faro:" + m_p.sessionKey + ":" + hex64(Fnv1a().add(url).value());
    }

    std::string navigationUrl(const rapidjson::Value& attrs) const
    {
        std::string url = clipUtf8(stringAt(attrs, "name"), kMaxUrlBytes);
        return url.empty() ? m_p.pageUrl : url;
    }

    /// Faro 2 sends no page id, so a page load is known by session and URL; a later navigation to the
    /// same URL (a new faroNavigationId) is a revisit and gets its own key. The first visit keeps the
    /// URL's key, which items sent before its navigation already used. Remembered per stream: a live
    /// receiver's requests, or one file.
    void noteNavigation(const std::string& urlKey, const std::string& navigationId)
    {
        if (navigationId.empty())
            return;
        m_memory.with([&](StreamMemory::Map& memory) {
            const auto [nav, isNew] = memory.try_emplace(navigationMemoryKey(navigationId));
            if (!isNew)
                return; // this navigation again (a re-sent or re-imported payload)
            std::string& latest = memory["faro.url:" + urlKey];
            latest = latest.empty() ? urlKey : urlKey + ":" + navigationId;
            nav->second = latest;
        });
    }

    /// The page-load key of the latest visit to a URL key.
    std::string visitKey(const std::string& urlKey)
    {
        return m_memory.with([&](StreamMemory::Map& memory) {
            const auto it = memory.find("faro.url:" + urlKey);
            return it == memory.end() ? urlKey : it->second;
        });
    }

    /// The page-load key of a navigation seen in this stream, or empty.
    std::string navigationKey(const std::string& navigationId)
    {
        if (navigationId.empty())
            return {};
        return m_memory.with([&](StreamMemory::Map& memory) {
            const auto it = memory.find(navigationMemoryKey(navigationId));
            return it == memory.end() ? std::string() : it->second;
        });
    }

    std::string navigationMemoryKey(const std::string& navigationId) const
    {
        return "faro.nav:" + m_p.sessionKey + ":" + navigationId;
    }

    static bool remember(std::unordered_set<std::string>& set, const std::string& key)
    {
        if (set.size() >= kMaxRememberedKeys)
            set.clear();
        return set.insert(key).second;
    }

    std::string itemKey(std::string_view kind, const rapidjson::Value& item, TimeNs t)
    {
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        item.Accept(w);
        return "faro:" + std::string(kind) + ":" +
               hex64(Fnv1a()
                         .add(m_p.sessionKey)
                         .add(std::uint64_t(t))
                         .add(std::string_view(buf.GetString(), buf.GetSize()))
                         .value());
    }

    void fillTrace(const rapidjson::Value& item, TraceId& trace, SpanId& span)
    {
        if (const std::optional<TraceId> t = TraceId::fromHex(stringAt(item, "trace.trace_id"));
            t && t->isValid()) {
            trace = *t;
            span = spanIdFromHex(stringAt(item, "trace.span_id")).value_or(0);
        }
    }

    bool log(const rapidjson::Value& item, TimeNs t, const std::string& where)
    {
        const rapidjson::Value* message = member(item, "message");
        if (!message || !message->IsString()) {
            m_report.addRejected(where, "log without a string \"message\"");
            return false;
        }
        LogRecordRow l;
        l.time = t;
        l.severityText = clipUtf8(stringAt(item, "level"), 32);
        l.severityNumber = severityNumber(l.severityText);
        l.body = clipUtf8(std::string(message->GetString(), message->GetStringLength()), kMaxTextBytes);
        l.attributesJson = contextJson(item);
        l.service = m_p.app;
        fillTrace(item, l.traceId, l.spanId);
        m_out.batch().logs.push_back(std::move(l));
        return true;
    }

    std::string contextJson(const rapidjson::Value& item, std::string_view extraKey = {},
                            const rapidjson::Value* extra = nullptr)
    {
        std::string out;
        JsonWriter w(out);
        w.beginObject();
        if (const rapidjson::Value* context = member(item, "context"); context && context->IsObject())
            for (auto it = context->MemberBegin(); it != context->MemberEnd(); ++it) {
                w.key(std::string_view(it->name.GetString(), it->name.GetStringLength()));
                writeValue(w, it->value, 1);
            }
        if (extra) {
            w.key(extraKey);
            writeValue(w, *extra, 1);
        }
        if (!m_p.sessionKey.empty()) {
            w.key("session.id");
            w.string(m_p.sessionKey);
        }
        if (!m_p.pageUrl.empty()) {
            w.key("page.url");
            w.string(m_p.pageUrl);
        }
        w.endObject();
        return out == "{}" ? std::string() : out;
    }

    bool exception(const rapidjson::Value& item, TimeNs t, const std::string& where)
    {
        RumErrorRecord r;
        r.type = clipUtf8(stringAt(item, "type"), 256);
        r.message = clipUtf8(stringAt(item, "value"), kMaxTextBytes);
        if (r.type.empty() && r.message.empty()) {
            m_report.addRejected(where, "exception without \"type\" or \"value\"");
            return false;
        }
        r.key = itemKey("exception", item, t);
        r.pageLoadKey = m_p.pageKey;
        r.sessionKey = m_p.sessionKey;
        r.time = t;
        r.source = "source";
        if (const rapidjson::Value* frames = path(item, "stacktrace.frames"); frames && frames->IsArray()) {
            std::size_t n = 0;
            for (const rapidjson::Value& f : frames->GetArray()) {
                if (++n > kMaxStackFrames) {
                    r.stack += "  ...\n";
                    break;
                }
                std::string fn = stringAt(f, "function");
                r.stack += "  at " + (fn.empty() ? std::string("?") : fn) + " (" + stringAt(f, "filename");
                if (const auto line = int64At(f, "lineno"))
                    r.stack += ':' + std::to_string(*line);
                if (const auto col = int64At(f, "colno"))
                    r.stack += ':' + std::to_string(*col);
                r.stack += ")\n";
            }
            r.stack = clipUtf8(std::move(r.stack), 256 * 1024);
        }
        m_out.batch().rumErrors.push_back(std::move(r));
        return true;
    }

    bool measurement(const rapidjson::Value& item, TimeNs t, const std::string& where)
    {
        const rapidjson::Value* values = member(item, "values");
        if (!values || !values->IsObject()) {
            m_report.addRejected(where, "measurement without a \"values\" object");
            return false;
        }
        const std::string type = stringAt(item, "type");
        if (type == "web-vitals") {
            for (auto it = values->MemberBegin(); it != values->MemberEnd(); ++it) {
                std::string name(it->name.GetString(), it->name.GetStringLength());
                std::transform(name.begin(), name.end(), name.begin(),
                               [](unsigned char c) { return char(std::tolower(c)); });
                if ((name != "lcp" && name != "fcp" && name != "cls" && name != "inp" && name != "ttfb") ||
                    !it->value.IsNumber())
                    continue;
                VitalRecord v;
                v.pageLoadKey = m_p.pageKey;
                v.sessionKey = m_p.sessionKey;
                v.time = t;
                v.name = std::move(name);
                v.value = it->value.GetDouble();
                m_out.batch().vitals.push_back(std::move(v));
            }
            return true;
        }
        // Other measurements (custom ones) have no column: keep them as a log line of the app.
        LogRecordRow l;
        l.time = t;
        l.severityNumber = 9;
        l.severityText = "info";
        l.body = "measurement " + clipUtf8(type, 256);
        l.attributesJson = contextJson(item, "values", values);
        l.service = m_p.app;
        fillTrace(item, l.traceId, l.spanId);
        m_out.batch().logs.push_back(std::move(l));
        return true;
    }

    bool event(const rapidjson::Value& item, TimeNs t, const std::string& where)
    {
        const std::string name = clipUtf8(stringAt(item, "name"), 1024);
        if (name.empty()) {
            m_report.addRejected(where, "event without a \"name\"");
            return false;
        }
        static const rapidjson::Value kNoAttributes(rapidjson::kObjectType);
        const rapidjson::Value* given = member(item, "attributes");
        const rapidjson::Value& attrs = given && given->IsObject() ? *given : kNoAttributes;
        if (name == "faro.performance.navigation")
            return navigation(attrs, t);
        if (name == "faro.performance.resource")
            return resource(item, attrs, t, where);
        // The SDK's session bookkeeping, and the tracing instrumentation's copy of each client span
        // (the span itself arrives in "traces"): nothing the user did.
        if (name.starts_with("session_") || name.starts_with("faro.tracing."))
            return true;
        ActionRecord a;
        a.key = itemKey("event", item, t);
        a.pageLoadKey = m_p.pageKey;
        a.sessionKey = m_p.sessionKey;
        a.time = t;
        if (name == "faro.user.action") { // Faro 2's user actions, stamped with their start
            a.type = userActionType(stringAt(attrs, "userActionTrigger"));
            a.name = clipUtf8(stringAt(attrs, "userActionName"), 1024);
            a.duration = msAttr(attrs, "userActionDuration");
        } else if (name == "faro.navigation") { // a route change inside the page (single-page apps)
            a.type = "navigation";
            a.name = clipUtf8(stringAt(attrs, "toUrl"), kMaxUrlBytes);
            a.duration = msAttr(attrs, "duration");
        }
        if (a.name.empty()) {
            a.type = "custom";
            a.name = name;
            a.values = numericLeaves(attrs); // pushEvent(name, {value: "129.5"}): a purchase's worth
        }
        m_out.batch().actions.push_back(std::move(a));
        return true;
    }

    bool navigation(const rapidjson::Value& attrs, TimeNs t)
    {
        std::string url = navigationUrl(attrs);
        std::string key = m_p.keyedByUrl ? visitKey(urlKey(url)) : m_p.pageKey;
        if (key.empty()) {
            const std::string id = stringAt(attrs, "faroNavigationId");
            key = id.empty() ? urlKey(url) : "faro:" + m_p.sessionKey + ":" + id;
        }
        PageLoadRecord p;
        p.key = std::move(key);
        p.reporter = "faro";
        p.sessionKey = m_p.sessionKey;
        p.app = m_p.app;
        p.url = std::move(url);
        p.route = routeFromUrl(p.url);
        p.duration = msAttr(attrs, "duration");
        if (p.duration < 0)
            p.duration = msAttr(attrs, "pageLoadTime");
        p.ttfb = msAttr(attrs, "ttfb");
        p.start = t; // the SDK stamps the event with the navigation's start (the time origin)
        p.version = 1;
        m_out.batch().pageLoads.push_back(std::move(p));
        return true;
    }

    bool resource(const rapidjson::Value& item, const rapidjson::Value& attrs, TimeNs t,
                  const std::string& where)
    {
        ResourceRecord r;
        r.url = clipUtf8(stringAt(attrs, "name"), kMaxUrlBytes);
        if (r.url.empty()) {
            m_report.addRejected(where, "faro.performance.resource event without a \"name\" (URL) attribute");
            return false;
        }
        const std::string id = stringAt(attrs, "faroResourceId");
        r.key = id.empty() ? itemKey("resource", item, t) : "faro:" + m_p.sessionKey + ":" + id;
        r.pageLoadKey = m_p.pageKey;
        if (m_p.keyedByUrl) // the entry names its navigation: exact even when it arrives late
            if (std::string key = navigationKey(stringAt(attrs, "faroNavigationId")); !key.empty())
                r.pageLoadKey = std::move(key);
        r.sessionKey = m_p.sessionKey;
        r.type = resourceType(stringAt(attrs, "initiatorType"));
        r.reporter = "faro";
        r.mayHaveTwin = true;
        r.duration = msAttr(attrs, "duration");
        r.start = t; // the SDK stamps performance entries with their start time
        r.statusCode = int(std::clamp<std::int64_t>(int64At(attrs, "responseStatus").value_or(0), 0, 999));
        r.transferSize =
            int64At(attrs, "transferSize").value_or(int64At(attrs, "encodedBodySize").value_or(-1));
        r.dnsNs = msAttr(attrs, "dnsLookupTime");
        r.connectNs = msAttr(attrs, "tcpHandshakeTime");
        r.sslNs = msAttr(attrs, "tlsNegotiationTime");
        r.ttfbNs = msAttr(attrs, "ttfb");
        if (r.ttfbNs < 0)
            r.ttfbNs = msAttr(attrs, "requestTime");
        r.downloadNs = msAttr(attrs, "responseTime");
        m_out.batch().resources.push_back(std::move(r));
        return true;
    }

    void readTraces(const rapidjson::Value& traces, const std::string& location)
    {
        if (!traces.IsObject()) {
            m_report.addRejected(location + ", traces", "\"traces\" is not an OTLP JSON object");
            return;
        }
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        traces.Accept(w);
        m_out.flush(); // keep our records ahead of the spans, in input order
        auto src = InputSource::fromBuffer(std::string_view(buf.GetString(), buf.GetSize()), "faro traces");
        ImportReport sub;
        ForwardingSink sink(m_ctx.sink);
        ImportContext subCtx{sink, sub, m_ctx.cancel, {}};
        OtlpJsonReader().read(*src, subCtx);
        m_report.addAccepted(sub.accepted());
        const std::string prefix = location + ", traces ";
        for (const ImportReport::Reject& r : sub.samples())
            m_report.addRejected(prefix + r.location, r.message, r.count);
        const std::uint64_t sampled = [&] {
            std::uint64_t n = 0;
            for (const ImportReport::Reject& r : sub.samples())
                n += r.count;
            return n;
        }();
        if (sub.rejected() > sampled)
            m_report.addRejected(prefix.substr(0, prefix.size() - 1), "more rejected spans",
                                 sub.rejected() - sampled);
        if (sub.hasFatal())
            m_report.addRejected(prefix + sub.fatalLocation(), sub.fatalMessage());
    }

    BatchBuilder& m_out;
    ImportContext& m_ctx;
    ImportReport& m_report;
    Payload m_p;
    std::unordered_set<std::string> m_pages;
    StreamMemory m_ownMemory; // a file's, when the stream has none
    StreamMemory&
        m_memory; // navigations: "faro.nav:<session>:<id>" and "faro.url:<url key>" -> page-load key
};

} // namespace

bool looksLikeFaro(std::string_view head)
{
    const JsonHeadSummary s = summarizeJsonHead(head);
    if (s.rootKeys.empty())
        return false;
    bool beyondTraces = false;
    for (const std::string& key : s.rootKeys) {
        if (std::find(std::begin(kFaroKeys), std::end(kFaroKeys), key) == std::end(kFaroKeys))
            return false;
        beyondTraces = beyondTraces || key != "traces";
    }
    return beyondTraces;
}

void FaroReader::read(InputSource& in, ImportContext& ctx)
{
    BatchBuilder builder(ctx.sink);
    FaroMapper mapper(builder, ctx);
    JsonDocuments::run(
        in, ctx, [&](rapidjson::Value& doc, const std::string& location) { mapper.payload(doc, location); });
    builder.flush();
}

} // namespace seam
