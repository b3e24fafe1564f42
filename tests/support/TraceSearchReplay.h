#pragma once
// The demo as Tempo's and Jaeger's search endpoints answer it, for loopback servers in tests
// (tst_tracesearch, tst_connectsearch): which traces match a service, operation and window, and each
// store's answer in its recorded shape (Tempo: tempopb.SearchResponse JSON with ids written without
// leading zeros, then TraceByIDResponse by id; Jaeger: api/v3 {"result": OTLP JSON} per trace).

#include "LoopbackHttpServer.h"
#include "OtlpJsonEncode.h"
#include "TraceStoreReplay.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <map>

namespace seam::test {

namespace otlp = opentelemetry::proto;

struct DemoMatch
{
    QString service, operation; ///< operation empty: any
    std::int64_t from = 0, to = 0;
};

inline QString serviceOf(const otlp::trace::v1::ResourceSpans& rs)
{
    for (const auto& kv : rs.resource().attributes())
        if (kv.key() == "service.name")
            return QString::fromStdString(kv.value().string_value());
    return {};
}

/// The query of a request path, each value decoded once.
inline std::map<QString, QString> queryOf(const QByteArray& path)
{
    std::map<QString, QString> out;
    const qsizetype q = path.indexOf('?');
    for (const QByteArray& item : path.mid(q + 1).split('&')) {
        const qsizetype eq = item.indexOf('=');
        out[QString::fromUtf8(QByteArray::fromPercentEncoding(item.left(eq)))] =
            QString::fromUtf8(QByteArray::fromPercentEncoding(item.mid(eq + 1)));
    }
    return out;
}

/// RFC 3339 with up to 9 fraction digits, UTC ("Z"), as Seam writes it.
inline std::int64_t nsOfRfc3339(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("^(.{19})(?:\\.(\\d{1,9}))?Z$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return -1;
    QDateTime t = QDateTime::fromString(m.captured(1), QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    t.setTimeSpec(Qt::UTC);
    return t.toSecsSinceEpoch() * 1'000'000'000 +
           m.captured(2).leftJustified(9, QLatin1Char('0')).toLongLong();
}

/// Trace ids (sorted) with a span of the service (and operation) starting in [from, to).
inline std::vector<std::string> demoTracesMatching(const DemoSplit& demo, const DemoMatch& m)
{
    std::vector<std::string> ids;
    for (const auto& [id, trace] : demo.backendByTrace) {
        bool hit = false;
        for (const auto& rs : trace.resource_spans())
            for (const auto& ss : rs.scope_spans())
                for (const auto& span : ss.spans())
                    hit = hit ||
                          (serviceOf(rs) == m.service &&
                           (m.operation.isEmpty() || QString::fromStdString(span.name()) == m.operation) &&
                           std::int64_t(span.start_time_unix_nano()) >= m.from &&
                           std::int64_t(span.start_time_unix_nano()) < m.to);
        if (hit)
            ids.push_back(id);
    }
    return ids;
}

/// Tempo: GET /api/search (TraceQL of service and operation, start/end seconds, limit) and
/// GET /api/v2/traces/<id>, answered from the demo.
inline HttpReply demoTempoAnswer(const DemoSplit& demo, const HttpRequestSeen& r)
{
    if (r.path.startsWith("/api/v2/traces/")) {
        const auto it = demo.backendByTrace.find(r.path.mid(15).toStdString());
        if (it == demo.backendByTrace.end())
            return {404, "text/plain", "trace not found"};
        return {200, "application/protobuf", tempoTraceByIdResponse(it->second)};
    }
    if (!r.path.startsWith("/api/search?"))
        return {404, "text/plain", "404 page not found"};
    const auto q = queryOf(r.path);
    static const QRegularExpression traceQl(
        QStringLiteral("^\\{ resource\\.service\\.name = \"(.*?)\"(?: && name = \"(.*?)\")? \\}$"));
    const auto m = traceQl.match(q.count(QStringLiteral("q")) ? q.at(QStringLiteral("q")) : QString());
    if (!m.hasMatch())
        return {400, "text/plain", "invalid TraceQL query"};
    const DemoMatch asked{m.captured(1), m.captured(2),
                          q.at(QStringLiteral("start")).toLongLong() * 1'000'000'000,
                          q.at(QStringLiteral("end")).toLongLong() * 1'000'000'000};
    const int limit = q.count(QStringLiteral("limit")) ? q.at(QStringLiteral("limit")).toInt() : 20;
    QJsonArray traces;
    for (const std::string& id : demoTracesMatching(demo, asked)) {
        if (traces.size() == limit)
            break;
        const auto& span = demo.backendByTrace.at(id).resource_spans(0).scope_spans(0).spans(0);
        QString written = QString::fromStdString(id);
        while (written.startsWith(QLatin1Char('0'))) // Tempo writes ids without their leading zeros
            written.remove(0, 1);
        traces.append(QJsonObject{
            {QStringLiteral("traceID"), written},
            {QStringLiteral("rootServiceName"), serviceOf(demo.backendByTrace.at(id).resource_spans(0))},
            {QStringLiteral("rootTraceName"), QString::fromStdString(span.name())},
            {QStringLiteral("startTimeUnixNano"), QString::number(span.start_time_unix_nano())},
            {QStringLiteral("durationMs"),
             double((span.end_time_unix_nano() - span.start_time_unix_nano()) / 1000000)}});
    }
    const QJsonObject metrics{{QStringLiteral("inspectedTraces"), double(demo.backendByTrace.size())},
                              {QStringLiteral("inspectedBytes"), QStringLiteral("1048576")},
                              {QStringLiteral("totalBlocks"), 1},
                              {QStringLiteral("completedJobs"), 1},
                              {QStringLiteral("totalJobs"), 1}};
    return {
        200, "application/json",
        QJsonDocument(QJsonObject{{QStringLiteral("traces"), traces}, {QStringLiteral("metrics"), metrics}})
            .toJson(QJsonDocument::Compact)};
}

/// Jaeger: GET /api/v3/traces (FindTraces), answered from the demo one trace per line, 404 "No traces
/// found" when none matches.
inline HttpReply demoJaegerAnswer(const DemoSplit& demo, const HttpRequestSeen& r)
{
    if (!r.path.startsWith("/api/v3/traces?"))
        return {404, "text/plain", "404 page not found"};
    auto q = queryOf(r.path);
    const std::int64_t from = nsOfRfc3339(q[QStringLiteral("query.start_time_min")]);
    const std::int64_t to = nsOfRfc3339(q[QStringLiteral("query.start_time_max")]);
    if (from < 0 || to < 0)
        return {
            400, "application/json",
            R"({"error":{"httpCode":400,"message":"query.start_time_min and query.start_time_max are required"}})"};
    const int depth = q[QStringLiteral("query.search_depth")].toInt();
    const auto ids = demoTracesMatching(
        demo, {q[QStringLiteral("query.service_name")], q[QStringLiteral("query.operation_name")], from, to});
    if (ids.empty())
        return {404, "application/json", R"({"error":{"httpCode":404,"message":"No traces found"}})"};
    // One {"result": ...} object per trace, one per line: the gRPC-gateway stream form.
    QByteArray body;
    for (std::size_t i = 0; i < ids.size() && int(i) < depth; ++i)
        body += QJsonDocument(
                    QJsonObject{{QStringLiteral("result"), tracesDataJson(demo.backendByTrace.at(ids[i]))}})
                    .toJson(QJsonDocument::Compact) +
                '\n';
    return {200, "application/json", body};
}

} // namespace seam::test
