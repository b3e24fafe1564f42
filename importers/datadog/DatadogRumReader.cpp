#include "DatadogRumReader.h"

#include "Hash.h"
#include "IsoTime.h"
#include "JsonDocuments.h"
#include "Route.h"
#include "UserAgent.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>

namespace seam {
namespace {

constexpr std::size_t kMaxUrlBytes = 8192;
constexpr std::size_t kMaxTextBytes = 64 * 1024;
constexpr std::size_t kMaxStackBytes = 256 * 1024;
constexpr std::size_t kMaxRememberedSessions = 50000;

bool isRumType(std::string_view t)
{
    return t == "view" || t == "view_update" || t == "resource" || t == "error" || t == "action" ||
           t == "long_task" || t == "vital";
}

std::string hex64(std::uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

/// Milliseconds since the epoch as ns; nullopt when not a time a nanosecond clock can hold.
std::optional<TimeNs> msToNs(double ms)
{
    if (!std::isfinite(ms) || std::fabs(ms) > 9e12) // int64 ns end in the year 2262
        return std::nullopt;
    // Exact for whole milliseconds (a double times 1e6 is not, beyond 2^53 ns).
    const double whole = std::floor(ms);
    return TimeNs(whole) * 1000000 + TimeNs(std::llround((ms - whole) * 1e6));
}

/// A nanosecond duration field; -1 when absent, negative or absurd (over a day).
TimeNs durationNs(const rapidjson::Value& e, std::string_view dotted)
{
    const std::optional<double> d = numberAt(e, dotted);
    if (!d || *d < 0 || *d > 86400e9)
        return -1;
    return TimeNs(std::llround(*d));
}

std::string resourceType(std::string_view t)
{
    if (t == "js")
        return "script";
    static constexpr std::string_view kKnown[] = {"document", "fetch", "xhr",   "script", "css",
                                                  "image",    "font",  "media", "beacon"};
    for (std::string_view k : kKnown)
        if (t == k)
            return std::string(k);
    return "other";
}

std::string majorVersion(std::string_view v)
{
    return std::string(v.substr(0, v.find('.')));
}

struct Envelope
{
    std::string service;
    std::string environment;
    std::optional<TimeNs> timestamp;
};

class DatadogMapper
{
public:
    DatadogMapper(BatchBuilder& out, ImportReport& report) : m_out(out), m_report(report) {}
    ~DatadogMapper() { flushSessions(); }

    void document(const rapidjson::Value& doc, const std::string& location)
    {
        if (doc.IsArray()) {
            for (rapidjson::SizeType i = 0; i < doc.Size(); ++i)
                event(doc[i], location + ", [" + std::to_string(i) + "]", {});
            return;
        }
        if (const rapidjson::Value* data = member(doc, "data"); data && !member(doc, "type")) {
            if (!data->IsArray()) {
                m_report.addRejected(location, "\"data\" is not an array of RUM events");
                return;
            }
            for (rapidjson::SizeType i = 0; i < data->Size(); ++i)
                exported((*data)[i], location + ", data[" + std::to_string(i) + "]");
            return;
        }
        event(doc, location, {});
    }

private:
    /// The value of `key` in a Datadog tag list ("k1:v1,k2:v2"), or "".
    static std::string tagValue(std::string_view tags, std::string_view key)
    {
        while (!tags.empty()) {
            const std::size_t comma = tags.find(',');
            const std::string_view tag = tags.substr(0, comma);
            if (tag.size() > key.size() && tag.starts_with(key) && tag[key.size()] == ':')
                return clipUtf8(std::string(tag.substr(key.size() + 1)), 256);
            if (comma == std::string_view::npos)
                break;
            tags.remove_prefix(comma + 1);
        }
        return {};
    }

    void exported(const rapidjson::Value& item, const std::string& location)
    {
        const rapidjson::Value* attrs = member(item, "attributes");
        if (!attrs || !attrs->IsObject()) {
            m_report.addRejected(location, "export item without an \"attributes\" object");
            return;
        }
        Envelope env;
        env.service = stringAt(*attrs, "service");
        if (const rapidjson::Value* tags = member(*attrs, "tags"); tags && tags->IsArray())
            for (const rapidjson::Value& t : tags->GetArray())
                if (t.IsString() && std::string_view(t.GetString()).starts_with("env:"))
                    env.environment = std::string(t.GetString() + 4, t.GetStringLength() - 4);
        if (const rapidjson::Value* ts = member(*attrs, "timestamp")) {
            if (ts->IsString())
                env.timestamp = parseIsoTime(std::string_view(ts->GetString(), ts->GetStringLength()));
            else if (ts->IsNumber())
                env.timestamp = msToNs(ts->GetDouble());
        }
        const rapidjson::Value* inner = member(*attrs, "attributes");
        event(inner && inner->IsObject() ? *inner : *attrs, location, env);
    }

    void event(const rapidjson::Value& e, const std::string& location, const Envelope& env)
    {
        if (!e.IsObject()) {
            m_report.addRejected(location, "a RUM event must be a JSON object");
            return;
        }
        const rapidjson::Value* typeValue = member(e, "type");
        if (!typeValue || !typeValue->IsString()) {
            m_report.addRejected(location, "RUM event without a string \"type\"");
            return;
        }
        const std::string_view type(typeValue->GetString(), typeValue->GetStringLength());
        if (!isRumType(type))
            return; // session_replay, telemetry, ...: not RUM data Seam shows

        TimeNs time = 0;
        if (const rapidjson::Value* date = member(e, "date"); date && date->IsNumber()) {
            const std::optional<TimeNs> ns = msToNs(date->GetDouble());
            if (!ns)
                return reject(location, "\"date\" is out of range for milliseconds since the epoch");
            time = *ns;
        } else if (date)
            return reject(location, "\"date\" is not a number (milliseconds since the epoch)");
        else if (env.timestamp)
            time = *env.timestamp;
        else
            return reject(location, "RUM event without \"date\"");

        m_ev = Event{};
        m_ev.time = time;
        m_ev.sessionKey = stringAt(e, "session.id");
        m_ev.viewId = stringAt(e, "view.id");
        m_ev.app.name = !env.service.empty() ? env.service : stringAt(e, "service");
        if (m_ev.app.name.empty())
            m_ev.app.name = stringAt(e, "application.name");
        if (m_ev.app.name.empty())
            m_ev.app.name = stringAt(e, "application.id");
        m_ev.app.version = stringAt(e, "version");
        m_ev.app.environment = !env.environment.empty() ? env.environment : stringAt(e, "env");
        if (m_ev.app.environment.empty()) // the browser SDK sends it only in "ddtags": "env:prod,service:..."
            m_ev.app.environment = tagValue(stringAt(e, "ddtags"), "env");
        m_ev.app.isBrowser = true;

        bool ok = false;
        if (type == "view" || type == "view_update")
            ok = view(e, location, type == "view_update");
        else if (type == "resource")
            ok = resource(e, location);
        else if (type == "error")
            ok = error(e, location);
        else if (type == "action")
            ok = action(e, location);
        else if (type == "long_task")
            ok = longTask(e, location);
        else if (type == "vital")
            ok = vital(e);
        if (!ok)
            return;
        if (!m_ev.sessionKey.empty())
            session(e);
        m_report.addAccepted();
        m_out.maybeFlush();
    }

    void reject(const std::string& location, std::string message)
    {
        m_report.addRejected(location, std::move(message));
    }

    bool view(const rapidjson::Value& e, const std::string& location, bool partial)
    {
        if (m_ev.viewId.empty()) {
            reject(location, "view event without view.id");
            return false;
        }
        PageLoadRecord p;
        p.key = m_ev.viewId;
        p.reporter = "datadog";
        p.sessionKey = m_ev.sessionKey;
        p.app = m_ev.app;
        p.url = clipUtf8(stringAt(e, "view.url"), kMaxUrlBytes);
        p.start = m_ev.time;
        p.duration = durationNs(e, "view.loading_time");
        if (p.duration < 0)
            p.duration = durationNs(e, "view.load_event");
        p.ttfb = durationNs(e, "view.first_byte");
        p.fcp = durationNs(e, "view.first_contentful_paint");
        p.lcp = durationNs(e, "view.largest_contentful_paint");
        if (const std::optional<double> cls = numberAt(e, "view.cumulative_layout_shift"); cls && *cls >= 0)
            p.cls = *cls;
        p.inp = durationNs(e, "view.interaction_to_next_paint");
        p.version = int64At(e, "_dd.document_version").value_or(0);
        if (p.version < 0)
            p.version = 0;
        // The view's context (setViewContextProperty, merged with the global context): where a shop may
        // put an order's value on its confirmation page. The SDK drops an empty context, so a full view
        // without one has none; an update without one leaves it as it was.
        if (const rapidjson::Value* context = member(e, "context"); context && context->IsObject())
            p.values = numericLeaves(*context);
        else if (!partial)
            p.values.emplace();

        if (m_views.size() >= DatadogRumReader::kMaxRememberedViews)
            m_views.clear();
        auto it = m_views.find(p.key);
        if (partial) {
            if (it == m_views.end()) {
                // The full view is not in this input: create the page load only if the store has none.
                p.version = 0;
            } else {
                PageLoadRecord merged = it->second;
                if (p.version <= merged.version)
                    return true; // an out-of-date update
                merged.version = p.version;
                auto take = [](auto& to, const auto& from, const auto& none) {
                    if (from != none)
                        to = from;
                };
                if (!p.url.empty())
                    merged.url = p.url;
                take(merged.duration, p.duration, TimeNs(-1));
                take(merged.ttfb, p.ttfb, TimeNs(-1));
                take(merged.fcp, p.fcp, TimeNs(-1));
                take(merged.lcp, p.lcp, TimeNs(-1));
                take(merged.cls, p.cls, -1.0);
                take(merged.inp, p.inp, TimeNs(-1));
                if (merged.sessionKey.empty())
                    merged.sessionKey = p.sessionKey;
                if (p.values)
                    merged.values = std::move(p.values);
                p = std::move(merged);
            }
        } else if (it != m_views.end() && p.version < it->second.version) {
            return true; // an older version arriving after a newer one
        }
        if (p.url.empty() && !partial) {
            reject(location, "view event without view.url");
            return false;
        }
        p.route = routeFromUrl(p.url);
        m_views[p.key] = p;
        m_out.batch().pageLoads.push_back(std::move(p));
        return true;
    }

    bool resource(const rapidjson::Value& e, const std::string& location)
    {
        const rapidjson::Value* res = member(e, "resource");
        if (!res || !res->IsObject()) {
            reject(location, "resource event without a \"resource\" object");
            return false;
        }
        ResourceRecord r;
        r.url = clipUtf8(stringAt(*res, "url"), kMaxUrlBytes);
        if (r.url.empty()) {
            reject(location, "resource event without resource.url");
            return false;
        }
        r.key = stringAt(*res, "id");
        if (r.key.empty())
            r.key = "dd:" + hex64(Fnv1a().add(m_ev.viewId).add(std::uint64_t(m_ev.time)).add(r.url).value());
        r.pageLoadKey = m_ev.viewId;
        r.sessionKey = m_ev.sessionKey;
        r.type = resourceType(stringAt(*res, "type"));
        r.method = clipUtf8(stringAt(*res, "method"), 32);
        const std::optional<std::int64_t> status = int64At(*res, "status_code");
        r.statusCode = int(std::clamp<std::int64_t>(status.value_or(0), 0, 999));
        // The SDK reads a fetch's or XHR's status from the response itself: 0 there is a request that got
        // none (network error, CORS, abort). An asset's 0 comes from Resource Timing and means unknown.
        r.failed = status && *status == 0 && (r.type == "fetch" || r.type == "xhr");
        r.reporter = "datadog";
        r.start = m_ev.time;
        r.duration = durationNs(*res, "duration");
        r.transferSize = int64At(*res, "transfer_size").value_or(int64At(*res, "size").value_or(-1));
        r.dnsNs = durationNs(*res, "dns.duration");
        r.connectNs = durationNs(*res, "connect.duration");
        r.sslNs = durationNs(*res, "ssl.duration");
        r.ttfbNs = durationNs(*res, "first_byte.duration");
        r.downloadNs = durationNs(*res, "download.duration");

        if (const auto id = parseDatadogTraceId(stringAt(e, "_dd.trace_id"))) {
            r.traceIdSource = TraceIdSource::DatadogId;
            if (id->full.isValid())
                r.traceId = id->full;
            else
                r.traceIdLow64 = id->low64;
            if (const auto span = parseDatadogTraceId(stringAt(e, "_dd.span_id"));
                span && !span->full.isValid())
                r.spanId = span->low64;
        }
        m_out.batch().resources.push_back(std::move(r));
        return true;
    }

    bool error(const rapidjson::Value& e, const std::string& location)
    {
        const rapidjson::Value* err = member(e, "error");
        if (!err || !err->IsObject()) {
            reject(location, "error event without an \"error\" object");
            return false;
        }
        RumErrorRecord r;
        r.message = clipUtf8(stringAt(*err, "message"), kMaxTextBytes);
        r.key = stringAt(*err, "id");
        if (r.key.empty())
            r.key =
                "dd:" + hex64(Fnv1a().add(m_ev.viewId).add(std::uint64_t(m_ev.time)).add(r.message).value());
        r.pageLoadKey = m_ev.viewId;
        r.sessionKey = m_ev.sessionKey;
        r.time = m_ev.time;
        r.type = clipUtf8(stringAt(*err, "type"), 256);
        r.source = clipUtf8(stringAt(*err, "source"), 64);
        r.stack = clipUtf8(stringAt(*err, "stack"), kMaxStackBytes);
        r.resourceUrl = clipUtf8(stringAt(*err, "resource.url"), kMaxUrlBytes);
        r.resourceStatus =
            int(std::clamp<std::int64_t>(int64At(*err, "resource.status_code").value_or(0), 0, 999));
        m_out.batch().rumErrors.push_back(std::move(r));
        return true;
    }

    bool action(const rapidjson::Value& e, const std::string& location)
    {
        const rapidjson::Value* act = member(e, "action");
        if (!act || !act->IsObject()) {
            reject(location, "action event without an \"action\" object");
            return false;
        }
        ActionRecord r;
        r.type = clipUtf8(stringAt(*act, "type"), 64);
        r.name = clipUtf8(stringAt(*act, "target.name"), kMaxTextBytes);
        r.key = stringAt(*act, "id");
        if (r.key.empty())
            r.key = "dd:" + hex64(Fnv1a().add(m_ev.viewId).add(std::uint64_t(m_ev.time)).add(r.name).value());
        r.pageLoadKey = m_ev.viewId;
        r.sessionKey = m_ev.sessionKey;
        r.time = m_ev.time;
        r.duration = durationNs(*act, "loading_time");
        if (const rapidjson::Value* f = path(*act, "frustration.type"); f && f->IsArray()) {
            for (const rapidjson::Value& t : f->GetArray()) {
                if (!t.IsString())
                    continue;
                if (!r.frustration.empty())
                    r.frustration += ',';
                r.frustration.append(t.GetString(), std::min<std::size_t>(t.GetStringLength(), 64));
            }
        }
        // Custom attributes (DD_RUM.addAction(name, context), merged with the global context): where a
        // purchase action carries its value.
        if (const rapidjson::Value* context = member(e, "context"))
            r.values = numericLeaves(*context);
        m_out.batch().actions.push_back(std::move(r));
        return true;
    }

    bool longTask(const rapidjson::Value& e, const std::string& location)
    {
        const TimeNs duration = durationNs(e, "long_task.duration");
        if (duration < 0) {
            reject(location, "long_task event without a numeric long_task.duration");
            return false;
        }
        LongTaskRecord r;
        r.key = stringAt(e, "long_task.id");
        if (r.key.empty())
            r.key = "dd:" + hex64(Fnv1a().add(m_ev.viewId).add(std::uint64_t(m_ev.time)).value());
        r.pageLoadKey = m_ev.viewId;
        r.sessionKey = m_ev.sessionKey;
        r.time = m_ev.time;
        r.duration = duration;
        m_out.batch().longTasks.push_back(std::move(r));
        return true;
    }

    bool vital(const rapidjson::Value& e)
    {
        std::string name = stringAt(e, "vital.name");
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        const bool known = name == "lcp" || name == "fcp" || name == "cls" || name == "inp" || name == "ttfb";
        const std::optional<double> value = numberAt(e, name == "cls" ? "vital.value" : "vital.duration");
        if (!known || !value)
            return true; // custom vitals (durations, operation steps) have no place in a page load
        VitalRecord v;
        v.pageLoadKey = m_ev.viewId;
        v.sessionKey = m_ev.sessionKey;
        v.time = m_ev.time;
        v.name = name;
        v.value = name == "cls" ? *value : *value / 1e6; // ns -> ms
        m_out.batch().vitals.push_back(std::move(v));
        return true;
    }

    void session(const rapidjson::Value& e)
    {
        if (m_sessions.size() >= kMaxRememberedSessions)
            flushSessions();
        auto [it, fresh] = m_sessions.try_emplace(m_ev.sessionKey);
        SessionRecord& s = it->second;
        if (fresh) {
            s.key = m_ev.sessionKey;
            s.start = s.end = m_ev.time;
        }
        s.start = std::min(s.start, m_ev.time);
        s.end = std::max(s.end, m_ev.time);
        auto fill = [&](std::string& field, std::string value) {
            if (field.empty() && !value.empty())
                field = clipUtf8(std::move(value), 256);
        };
        fill(s.userId, stringAt(e, "usr.id"));
        fill(s.browser, stringAt(e, "browser.name"));
        std::string bv = stringAt(e, "browser.version_major");
        fill(s.browserVersion, bv.empty() ? majorVersion(stringAt(e, "browser.version")) : bv);
        fill(s.os, stringAt(e, "os.name"));
        fill(s.device, stringAt(e, "device.type"));
        fill(s.country, stringAt(e, "geo.country_iso_code"));
        fill(s.appVersion, m_ev.app.version);
        if (s.browser.empty() || s.os.empty()) {
            std::string ua = stringAt(e, "http.useragent");
            if (ua.empty())
                ua = stringAt(e, "user_agent");
            if (!ua.empty()) {
                UserAgentInfo info = parseUserAgent(ua);
                fill(s.browser, info.browser);
                fill(s.browserVersion, info.browserVersion);
                fill(s.os, info.os);
                fill(s.device, info.device);
            }
        }
    }

    void flushSessions()
    {
        for (auto& [key, s] : m_sessions)
            m_out.batch().sessions.push_back(std::move(s));
        m_sessions.clear();
    }

    struct Event
    {
        TimeNs time = 0;
        std::string sessionKey;
        std::string viewId;
        ServiceRef app;
    };

    BatchBuilder& m_out;
    ImportReport& m_report;
    Event m_ev;
    std::unordered_map<std::string, PageLoadRecord> m_views;
    std::unordered_map<std::string, SessionRecord> m_sessions;
};

} // namespace

bool looksLikeDatadogRum(std::string_view head)
{
    const JsonHeadSummary s = summarizeJsonHead(head);
    if (isRumType(s.rootString("type")))
        return s.hasRootKey("_dd") || s.hasRootKey("application") ||
               (s.hasRootKey("session") && s.hasRootKey("view"));
    if (s.hasRootKey("data") && s.dataItemString("type") == "rum")
        return true;
    return false;
}

std::optional<DatadogTraceId> parseDatadogTraceId(std::string_view text)
{
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    if (text.empty())
        return std::nullopt;
    DatadogTraceId id;
    const bool digits = std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits && text.size() <= 20) {
        const auto r = std::from_chars(text.data(), text.data() + text.size(), id.low64);
        if (r.ec != std::errc() || id.low64 == 0)
            return std::nullopt;
        return id;
    }
    if (text.size() == 32) {
        const std::optional<TraceId> full = TraceId::fromHex(text);
        if (!full || !full->isValid())
            return std::nullopt;
        if (full->high64() == 0)
            id.low64 = full->low64();
        else
            id.full = *full;
        return id;
    }
    if (text.size() <= 16 && std::all_of(text.begin(), text.end(), [](char c) { return hexValue(c) >= 0; })) {
        for (char c : text)
            id.low64 = id.low64 << 4 | std::uint64_t(hexValue(c));
        if (id.low64 == 0)
            return std::nullopt;
        return id;
    }
    return std::nullopt;
}

void DatadogRumReader::read(InputSource& in, ImportContext& ctx)
{
    BatchBuilder builder(ctx.sink);
    {
        DatadogMapper mapper(builder, ctx.report);
        JsonDocuments::run(in, ctx, [&](rapidjson::Value& doc, const std::string& location) {
            mapper.document(doc, location);
        });
    }
    builder.flush();
}

} // namespace seam
