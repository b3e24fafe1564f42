#include "StoreQueries.h"

#include "BackendCauses.h"
#include "CallMergeSchema.h"
#include "FoldedFrame.h"
#include "Format.h"
#include "Ids.h"
#include "InvestigationStats.h"
#include "PageLoadReports.h"
#include "PageLoadReportsJson.h"
#include "QtText.h"
#include "ServiceSeries.h"
#include "SpanTree.h"
#include "TraceLookup.h"
#include "TraceServices.h"

#include <QJsonDocument>
#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace seam {
namespace {

const std::string kPageLoadColumns =
    "p.id, resource_key_text(p.key), p.url, p.route, p.start_ns, p.duration_ns, p.ttfb_ns, p.fcp_ns, "
    "p.lcp_ns, p.cls, p.inp_ns, "
    "p.error_count, p.resource_count, p.linked_count, p.backend_ns, p.services, "
    "s.id, s.key, s.user_id, s.browser, s.browser_version, s.os, s.device, s.country, s.app_version, "
    "lower(hex(t.trace_id)), v.name, v.version, " +
    pageLoadSourcesSql("p.id") + ", p.network_error_count";
constexpr const char* kPageLoadJoins =
    " FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id "
    "LEFT JOIN traces t ON t.id = p.trace LEFT JOIN services v ON v.id = p.app_service_id";

QJsonValue msOrNull(Statement& st, int col)
{
    if (st.isNull(col))
        return QJsonValue::Null;
    return double(st.int64(col)) / 1e6;
}

QJsonValue textOrNull(Statement& st, int col)
{
    return st.isNull(col) ? QJsonValue(QJsonValue::Null) : QJsonValue(qs(st.text(col)));
}

QJsonValue parseJsonText(std::string_view text, bool array)
{
    if (text.empty())
        return array ? QJsonValue(QJsonArray()) : QJsonValue(QJsonObject());
    const auto doc = QJsonDocument::fromJson(QByteArray(text.data(), qsizetype(text.size())));
    if (array)
        return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(QJsonArray());
    return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(QJsonObject());
}

std::optional<TraceId> traceIdArg(const std::string& hex)
{
    auto id = TraceId::fromHex(hex);
    if (!id || !id->isValid())
        return std::nullopt;
    return id;
}

const char* kindName(std::int64_t kind)
{
    static const char* const names[] = {"unspecified", "internal", "server",
                                        "client",      "producer", "consumer"};
    return kind >= 0 && kind < 6 ? names[kind] : "unspecified";
}

} // namespace

QJsonObject StoreQueries::stats()
{
    const InvestigationStats stats = investigationStats(m_db);
    QJsonObject o;
    o[QStringLiteral("spans")] = qint64(stats.spans);
    o[QStringLiteral("traces")] = qint64(stats.traces);
    o[QStringLiteral("services")] = qint64(stats.services);
    o[QStringLiteral("sessions")] = qint64(stats.sessions);
    o[QStringLiteral("page_loads")] = qint64(stats.pageLoads);
    o[QStringLiteral("page_load_reports")] = qint64(stats.pageLoadReports);
    o[QStringLiteral("resources")] = qint64(stats.resources);
    o[QStringLiteral("linked_resources")] = qint64(stats.linkedResources);
    o[QStringLiteral("rum_errors")] = qint64(stats.rumErrors);
    o[QStringLiteral("error_spans")] = qint64(stats.errorSpans);
    o[QStringLiteral("logs")] = qint64(stats.logs);
    o[QStringLiteral("actions")] = qint64(stats.actions);
    o[QStringLiteral("long_tasks")] = qint64(stats.longTasks);
    o[QStringLiteral("sources")] = qint64(stats.sources);
    QJsonObject range;
    if (stats.timeRange) {
        range[QStringLiteral("from_ns")] = qint64(stats.timeRange->from);
        range[QStringLiteral("to_ns")] = qint64(stats.timeRange->to);
        range[QStringLiteral("from")] = isoTime(stats.timeRange->from);
        range[QStringLiteral("to")] = isoTime(stats.timeRange->to);
    }
    o[QStringLiteral("time_range")] = range;
    return o;
}

QJsonObject StoreQueries::pageLoadRow(Statement& st)
{
    QJsonObject o;
    o[QStringLiteral("id")] = qint64(st.int64(0));
    o[QStringLiteral("key")] = qs(st.text(1));
    o[QStringLiteral("url")] = qs(st.text(2));
    o[QStringLiteral("route")] = qs(st.text(3));
    o[QStringLiteral("start_ns")] = qint64(st.int64(4));
    o[QStringLiteral("start")] = isoTime(st.int64(4));
    o[QStringLiteral("duration_ms")] = msOrNull(st, 5);
    o[QStringLiteral("ttfb_ms")] = msOrNull(st, 6);
    o[QStringLiteral("fcp_ms")] = msOrNull(st, 7);
    o[QStringLiteral("lcp_ms")] = msOrNull(st, 8);
    o[QStringLiteral("cls")] = st.isNull(9) ? QJsonValue(QJsonValue::Null) : QJsonValue(st.real(9));
    o[QStringLiteral("inp_ms")] = msOrNull(st, 10);
    o[QStringLiteral("error_count")] = qint64(st.int64(11));
    o[QStringLiteral("resource_count")] = qint64(st.int64(12));
    o[QStringLiteral("linked_count")] = qint64(st.int64(13));
    o[QStringLiteral("backend_ms")] = msOrNull(st, 14);
    QJsonArray services;
    if (!st.isNull(15))
        for (const QString& s : qs(st.text(15)).split(QLatin1Char(','), Qt::SkipEmptyParts))
            services.append(s);
    o[QStringLiteral("services")] = services;
    if (st.isNull(16)) {
        o[QStringLiteral("session")] = QJsonValue::Null;
    } else {
        QJsonObject s;
        s[QStringLiteral("id")] = qint64(st.int64(16));
        s[QStringLiteral("key")] = qs(st.text(17));
        s[QStringLiteral("user_id")] = textOrNull(st, 18);
        s[QStringLiteral("browser")] = textOrNull(st, 19);
        s[QStringLiteral("browser_version")] = textOrNull(st, 20);
        s[QStringLiteral("os")] = textOrNull(st, 21);
        s[QStringLiteral("device")] = textOrNull(st, 22);
        s[QStringLiteral("country")] = textOrNull(st, 23);
        s[QStringLiteral("app_version")] = textOrNull(st, 24);
        o[QStringLiteral("session")] = s;
    }
    o[QStringLiteral("trace_id")] = textOrNull(st, 25);
    o[QStringLiteral("app")] = textOrNull(st, 26);
    o[QStringLiteral("app_version")] = textOrNull(st, 27);
    QJsonArray sources;
    if (!st.isNull(28))
        for (const QString& s : qs(st.text(28)).split(QLatin1Char(','), Qt::SkipEmptyParts))
            sources.append(s);
    o[QStringLiteral("sources")] = sources;
    // error_count is their total: JS errors and network errors (failed calls, HTTP >= 500).
    o[QStringLiteral("js_errors")] = qint64(st.int64(11) - st.int64(29));
    o[QStringLiteral("network_errors")] = qint64(st.int64(29));
    return o;
}

void StoreQueries::pageLoads(const PageLoadFilter& filter, const std::function<void(const QJsonObject&)>& row)
{
    std::string sql = std::string("SELECT ") + kPageLoadColumns + kPageLoadJoins + " WHERE 1";
    if (filter.from)
        sql += " AND p.start_ns >= ?1";
    if (filter.to)
        sql += " AND p.start_ns < ?2";
    if (!filter.route.empty())
        sql += " AND p.route = ?3";
    if (filter.slowest > 0)
        sql += " AND p.duration_ns IS NOT NULL ORDER BY p.duration_ns DESC LIMIT ?4";
    else
        sql += " ORDER BY p.start_ns, p.id LIMIT ?4";
    auto st = m_db.prepare(sql);
    if (filter.from)
        st.bind(1, *filter.from);
    if (filter.to)
        st.bind(2, *filter.to);
    if (!filter.route.empty())
        st.bindText(3, filter.route);
    st.bind(4, std::int64_t(filter.slowest > 0 ? filter.slowest : filter.limit > 0 ? filter.limit : -1));
    while (st.step())
        row(pageLoadRow(st));
}

QJsonObject StoreQueries::pageLoad(std::int64_t id)
{
    auto st = m_db.prepare(std::string("SELECT ") + kPageLoadColumns + kPageLoadJoins + " WHERE p.id = ?1");
    st.bind(1, id);
    if (!st.step())
        return {};
    QJsonObject out;
    const QJsonObject page = pageLoadRow(st);
    const std::int64_t pageStart = page[QStringLiteral("start_ns")].toInteger();
    out[QStringLiteral("page_load")] = page;
    out[QStringLiteral("reports")] = pageLoadReportsJson(m_db, id);

    QJsonArray resources, links;
    std::vector<std::int64_t> traces;
    // One entry per call, with the link any of its reports got and, on a cache that merges calls, what
    // each source reported of it.
    const bool merging = schema::hasCallMerging(m_db);
    auto rs = m_db.prepare(
        "SELECT r.id, r.type, r.method, r.url, r.status, r.start_ns, r.duration_ns, r.transfer_size, "
        "lower(hex(t.trace_id)), r.span_id, l.method, l.confidence, lower(hex(lt.trace_id)), l.span_id, "
        "l.trace, "
        "r.ttfb_ns FROM resources r LEFT JOIN traces t ON t.id = r.trace" +
        schema::callLinkJoin(m_db, "r", "l") +
        "LEFT JOIN traces lt ON lt.id = l.trace WHERE r.page_load_id = ?1" +
        schema::oneRowPerCall(m_db, "r") + " ORDER BY r.start_ns, r.id");
    std::optional<Statement> callReports;
    if (merging)
        callReports = m_db.prepare(
            "SELECT m.reporter, resource_key_text(m.key) AS k, m.status, m.start_ns, m.duration_ns, "
            "lower(hex(mt.trace_id)), m.id FROM resources m LEFT JOIN traces mt ON mt.id = m.trace "
            "WHERE m.id = ?1 OR m.merged_into = ?1 ORDER BY m.merged_into IS NOT NULL, m.reporter, k");
    rs.bind(1, id);
    while (rs.step()) {
        QJsonObject r;
        r[QStringLiteral("id")] = qint64(rs.int64(0));
        r[QStringLiteral("type")] = qs(rs.text(1));
        r[QStringLiteral("method")] = textOrNull(rs, 2);
        r[QStringLiteral("url")] = qs(rs.text(3));
        r[QStringLiteral("status")] =
            rs.isNull(4) ? QJsonValue(QJsonValue::Null) : QJsonValue(qint64(rs.int64(4)));
        r[QStringLiteral("start_ns")] = qint64(rs.int64(5));
        r[QStringLiteral("offset_ms")] = double(rs.int64(5) - pageStart) / 1e6;
        r[QStringLiteral("duration_ms")] = msOrNull(rs, 6);
        r[QStringLiteral("ttfb_ms")] = msOrNull(rs, 15);
        r[QStringLiteral("transfer_size")] =
            rs.isNull(7) ? QJsonValue(QJsonValue::Null) : QJsonValue(qint64(rs.int64(7)));
        r[QStringLiteral("trace_id")] = textOrNull(rs, 8);
        r[QStringLiteral("span_id")] = rs.isNull(9) ? QJsonValue(QJsonValue::Null)
                                                    : QJsonValue(qs(spanIdHex(std::uint64_t(rs.int64(9)))));
        if (rs.isNull(10)) {
            r[QStringLiteral("link")] = QJsonValue::Null;
        } else {
            QJsonObject l;
            l[QStringLiteral("resource_id")] = qint64(rs.int64(0));
            l[QStringLiteral("trace_id")] = qs(rs.text(12));
            l[QStringLiteral("span_id")] = rs.isNull(13)
                                               ? QJsonValue(QJsonValue::Null)
                                               : QJsonValue(qs(spanIdHex(std::uint64_t(rs.int64(13)))));
            l[QStringLiteral("method")] = qs(rs.text(10));
            l[QStringLiteral("confidence")] = rs.real(11);
            r[QStringLiteral("link")] = l;
            links.append(l);
            if (std::find(traces.begin(), traces.end(), rs.int64(14)) == traces.end())
                traces.push_back(rs.int64(14));
        }
        if (callReports) {
            QJsonArray reports;
            callReports->bind(1, rs.int64(0));
            while (callReports->step()) {
                QJsonObject c;
                c[QStringLiteral("resource_id")] = qint64(callReports->int64(6));
                c[QStringLiteral("source")] = textOrNull(*callReports, 0);
                c[QStringLiteral("key")] = qs(callReports->text(1));
                c[QStringLiteral("status")] = callReports->isNull(2)
                                                  ? QJsonValue(QJsonValue::Null)
                                                  : QJsonValue(qint64(callReports->int64(2)));
                c[QStringLiteral("start_ns")] = qint64(callReports->int64(3));
                c[QStringLiteral("duration_ms")] = msOrNull(*callReports, 4);
                c[QStringLiteral("trace_id")] = textOrNull(*callReports, 5);
                reports.append(c);
            }
            callReports->reset();
            r[QStringLiteral("reports")] = reports;
        }
        resources.append(r);
    }
    out[QStringLiteral("resources")] = resources;
    out[QStringLiteral("links")] = links;

    // Services reached, with their share of spans and errors in the linked traces.
    QJsonArray services;
    for (const TraceServiceCount& count : traceServiceCounts(m_db, traces)) {
        QJsonObject s;
        s[QStringLiteral("name")] = qs(count.name);
        s[QStringLiteral("spans")] = qint64(count.spans);
        s[QStringLiteral("error_spans")] = qint64(count.errorSpans);
        services.append(s);
    }
    out[QStringLiteral("services")] = services;

    QJsonArray errors;
    auto es = m_db.prepare(
        "SELECT id, time_ns, type, message, source, resource_url, resource_status FROM rum_errors "
        "WHERE page_load_id = ?1 ORDER BY time_ns");
    es.bind(1, id);
    while (es.step()) {
        QJsonObject e;
        e[QStringLiteral("id")] = qint64(es.int64(0));
        e[QStringLiteral("time_ns")] = qint64(es.int64(1));
        e[QStringLiteral("offset_ms")] = double(es.int64(1) - pageStart) / 1e6;
        e[QStringLiteral("type")] = textOrNull(es, 2);
        e[QStringLiteral("message")] = textOrNull(es, 3);
        e[QStringLiteral("source")] = textOrNull(es, 4);
        e[QStringLiteral("resource_url")] = textOrNull(es, 5);
        e[QStringLiteral("resource_status")] =
            es.isNull(6) ? QJsonValue(QJsonValue::Null) : QJsonValue(qint64(es.int64(6)));
        errors.append(e);
    }
    out[QStringLiteral("errors")] = errors;

    QJsonArray longTasks;
    auto lt =
        m_db.prepare("SELECT time_ns, duration_ns FROM long_tasks WHERE page_load_id = ?1 ORDER BY time_ns");
    lt.bind(1, id);
    while (lt.step()) {
        QJsonObject t;
        t[QStringLiteral("offset_ms")] = double(lt.int64(0) - pageStart) / 1e6;
        t[QStringLiteral("duration_ms")] = double(lt.int64(1)) / 1e6;
        longTasks.append(t);
    }
    out[QStringLiteral("long_tasks")] = longTasks;

    QJsonArray actions;
    auto as = m_db.prepare(
        "SELECT time_ns, type, name, frustration FROM actions WHERE page_load_id = ?1 ORDER BY time_ns");
    as.bind(1, id);
    while (as.step()) {
        QJsonObject a;
        a[QStringLiteral("offset_ms")] = double(as.int64(0) - pageStart) / 1e6;
        a[QStringLiteral("type")] = textOrNull(as, 1);
        a[QStringLiteral("name")] = textOrNull(as, 2);
        a[QStringLiteral("frustration")] = textOrNull(as, 3);
        actions.append(a);
    }
    out[QStringLiteral("actions")] = actions;
    out[QStringLiteral("causes")] = causes(traces);
    return out;
}

QJsonArray StoreQueries::causes(const std::vector<std::int64_t>& traces)
{
    QJsonArray out;
    for (const BackendCause& cause : backendCauses(m_db, traces)) {
        QJsonObject c;
        if (cause.named) {
            c[QStringLiteral("service")] = qs(cause.service);
            c[QStringLiteral("operation")] = qs(cause.operation);
        }
        c[QStringLiteral("self_ms")] = double(cause.selfNs) / 1e6;
        c[QStringLiteral("share")] = cause.share;
        c[QStringLiteral("calls")] = qint64(cause.calls);
        c[QStringLiteral("mean_ms")] = cause.meanNs / 1e6;
        if (cause.typicalP50Ns) {
            c[QStringLiteral("typical_p50_ms")] = double(*cause.typicalP50Ns) / 1e6;
            c[QStringLiteral("slowdown")] = cause.slowdown;
        }
        out.append(c);
    }
    return out;
}

QJsonObject StoreQueries::trace(const std::string& traceIdHex)
{
    const auto id = traceIdArg(traceIdHex);
    if (!id)
        return {};
    auto t = m_db.prepare("SELECT id, start_ns, end_ns, span_count, error_count FROM traces "
                          "WHERE trace_lo = ?2 AND trace_id = ?1");
    trace_lookup::bind(t, 1, 2, *id);
    if (!t.step() || t.int64(3) == 0)
        return {};
    QJsonObject out;
    const std::int64_t row = t.int64(0);
    out[QStringLiteral("trace_id")] = qs(id->hex());
    out[QStringLiteral("start_ns")] = qint64(t.int64(1));
    out[QStringLiteral("start")] = isoTime(t.int64(1));
    out[QStringLiteral("duration_ms")] = double(t.int64(2) - t.int64(1)) / 1e6;
    out[QStringLiteral("span_count")] = qint64(t.int64(3));
    out[QStringLiteral("error_count")] = qint64(t.int64(4));

    auto st =
        m_db.prepare("SELECT s.span_id, s.parent_span_id, v.name, v.version, o.name, s.kind, s.start_ns, "
                     "s.end_ns, s.status_code, "
                     "p.status_message, span_attributes(p.attributes), span_events(p.events), v.is_browser, "
                     "span_scope(p.scope), span_links(p.links) FROM spans s "
                     "LEFT JOIN span_payloads p ON p.id = s.payload "
                     "JOIN services v ON v.id = s.service_id JOIN operations o ON o.id = s.operation_id "
                     "WHERE s.trace = ?1 ORDER BY s.start_ns, s.span_id");
    st.bind(1, row);
    QJsonArray spans;
    std::set<QString> services;
    std::vector<TreeSpan> tree;
    while (st.step()) {
        tree.push_back({std::uint64_t(st.int64(0)), std::uint64_t(st.int64(1)), st.int64(6), st.int64(7)});
        QJsonObject s;
        s[QStringLiteral("span_id")] = qs(spanIdHex(std::uint64_t(st.int64(0))));
        s[QStringLiteral("parent_span_id")] = st.int64(1)
                                                  ? QJsonValue(qs(spanIdHex(std::uint64_t(st.int64(1)))))
                                                  : QJsonValue(QJsonValue::Null);
        const QString service = qs(st.text(2));
        services.insert(service);
        s[QStringLiteral("service")] = service;
        s[QStringLiteral("service_version")] = qs(st.text(3));
        s[QStringLiteral("name")] = qs(st.text(4));
        s[QStringLiteral("kind")] = QLatin1String(kindName(st.int64(5)));
        s[QStringLiteral("start_ns")] = qint64(st.int64(6));
        s[QStringLiteral("end_ns")] = qint64(st.int64(7));
        s[QStringLiteral("duration_ms")] = double(st.int64(7) - st.int64(6)) / 1e6;
        static const char* const status[] = {"unset", "ok", "error"};
        const auto code = st.int64(8);
        s[QStringLiteral("status")] = QLatin1String(code >= 0 && code < 3 ? status[code] : "unset");
        s[QStringLiteral("status_message")] = textOrNull(st, 9);
        s[QStringLiteral("attributes")] = parseJsonText(st.text(10), false);
        s[QStringLiteral("events")] = parseJsonText(st.text(11), true);
        s[QStringLiteral("links")] = parseJsonText(st.text(14), true);
        s[QStringLiteral("browser")] = st.int64(12) != 0;
        s[QStringLiteral("scope")] = textOrNull(st, 13);
        spans.append(s);
    }
    QJsonArray serviceList;
    for (const QString& s : services)
        serviceList.append(s);
    out[QStringLiteral("services")] = serviceList;
    out[QStringLiteral("spans")] = spans;
    // Problems in the trace's structure are data, not silence: a parent cycle is broken at its
    // earliest span (as --folded and the flamegraph do) and said here.
    QJsonArray problems;
    for (const std::int32_t i : buildSpanTree(tree).cycleRoots) {
        QJsonObject p;
        p[QStringLiteral("kind")] = QStringLiteral("parent_cycle");
        p[QStringLiteral("span_id")] = qs(spanIdHex(tree[std::size_t(i)].id));
        p[QStringLiteral("message")] =
            QStringLiteral("the span's parent links form a cycle; it is treated as a root");
        problems.append(p);
    }
    out[QStringLiteral("problems")] = problems;
    return out;
}

bool StoreQueries::foldedStacks(const std::string& traceIdHex,
                                const std::function<void(const std::string&)>& line)
{
    const auto id = traceIdArg(traceIdHex);
    if (!id)
        return false;
    auto st =
        m_db.prepare("SELECT s.span_id, s.parent_span_id, v.name, o.name, s.start_ns, s.end_ns FROM spans s "
                     "JOIN traces t ON t.id = s.trace JOIN services v ON v.id = s.service_id "
                     "JOIN operations o ON o.id = s.operation_id WHERE t.trace_lo = ?2 AND t.trace_id = ?1");
    trace_lookup::bind(st, 1, 2, *id);
    std::vector<TreeSpan> spans;
    std::vector<std::string> frames;
    while (st.step()) {
        spans.push_back({std::uint64_t(st.int64(0)), std::uint64_t(st.int64(1)), st.int64(4), st.int64(5)});
        frames.push_back(foldedFrame(std::string(st.text(2)) + ":" + std::string(st.text(3))));
    }
    if (spans.empty())
        return false;
    // Every span is kept: orphans are roots, and a parent cycle is broken at its earliest span
    // (SpanTree), so hostile parent links cannot empty the output.
    const SpanTree tree = buildSpanTree(spans);
    const std::vector<std::int64_t> self = selfTimes(spans, tree);
    std::map<std::string, std::int64_t> folded;
    std::vector<std::int32_t> path;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        path.clear();
        for (std::int32_t cur = std::int32_t(i); cur >= 0; cur = tree.parent[std::size_t(cur)])
            path.push_back(cur);
        std::string key;
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
            if (!key.empty())
                key += ';';
            key += frames[std::size_t(*it)];
        }
        folded[key] += self[i] / 1000; // microseconds
    }
    for (const auto& [stack, us] : folded)
        if (us > 0)
            line(stack + " " + std::to_string(us));
    return true;
}

QJsonObject StoreQueries::services(std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                                   std::int64_t stepNs)
{
    const ServiceSeriesSet set = serviceSeries(m_db, from, to, stepNs);
    QJsonObject out;
    if (!set.hasWindow) {
        out[QStringLiteral("services")] = QJsonArray();
        return out;
    }
    out[QStringLiteral("from_ns")] = qint64(set.from);
    out[QStringLiteral("to_ns")] = qint64(set.to);
    out[QStringLiteral("step_ns")] = qint64(set.step);
    auto fill = [](QJsonObject& o, const RedPoint& p) {
        o[QStringLiteral("requests")] = qint64(p.requests);
        o[QStringLiteral("errors")] = qint64(p.errors);
        o[QStringLiteral("error_rate")] = p.errorRate;
        o[QStringLiteral("p50_ms")] = double(p.p50) / 1e6;
        o[QStringLiteral("p95_ms")] = double(p.p95) / 1e6;
        o[QStringLiteral("p99_ms")] = double(p.p99) / 1e6;
    };
    QJsonArray list;
    for (const ServiceSeries& s : set.services) {
        QJsonObject o;
        o[QStringLiteral("name")] = qs(s.name);
        QJsonArray versions;
        for (const auto& v : s.versions)
            versions.append(qs(v));
        o[QStringLiteral("versions")] = versions;
        fill(o, s.total);
        QJsonArray series;
        for (const RedPoint& p : s.series) {
            QJsonObject pt;
            pt[QStringLiteral("t_ns")] = qint64(p.t);
            fill(pt, p);
            series.append(pt);
        }
        o[QStringLiteral("series")] = series;
        list.append(o);
    }
    out[QStringLiteral("services")] = list;
    return out;
}

} // namespace seam
