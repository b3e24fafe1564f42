#include "ClickHousePull.h"

#include "BatchSink.h"
#include "ClickHouseClient.h"
#include "ClickHouseLoadColumns.h"
#include "ClickHouseRollups.h"
#include "ClickHouseSpanRows.h"
#include "HttpFetcher.h"
#include "ImportReport.h"
#include "OtlpMapper.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <chrono>
#include <set>

namespace seam::remote {
namespace {

QString arrayLiteral(const std::vector<std::string>& ids)
{
    // Text form of an Array(String) parameter; trace ids are hex (checked when read), so no quoting
    // problem can arise, but escape anyway in case a server stores something else there.
    QString out = QStringLiteral("[");
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i)
            out += QLatin1Char(',');
        out += QLatin1Char('\'') +
               QString::fromStdString(ids[i])
                   .replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
                   .replace(QLatin1Char('\''), QStringLiteral("\\'")) +
               QLatin1Char('\'');
    }
    return out + QLatin1Char(']');
}

struct Columns
{
    QSet<QString> names;
    bool has(const QString& c) const { return names.contains(c); }
};

/// The spans of a pull do not feed the rollups: the server's figures for the window replace them
/// (pulling only linked traces would otherwise undercount services that are also called from
/// elsewhere, and a second pull would count its spans again).
class ServerRollupsSink : public BatchSink
{
public:
    explicit ServerRollupsSink(BatchSink& inner) : m_inner(inner) {}
    void submit(RecordBatch&& batch) override
    {
        batch.spansRollUp = false;
        m_inner.submit(std::move(batch));
    }

private:
    BatchSink& m_inner;
};

} // namespace

PullReport pullClickHouse(const ClickHouseSource& source, const PullOptions& options, BatchSink& sink,
                          ImportReport& report)
{
    const auto started = std::chrono::steady_clock::now();
    PullReport out;
    report.format = "clickhouse";
    HttpFetcher fetcher;
    ClickHouseClient client(source, fetcher);
    client.setCancelFlag(options.cancel);
    client.setTimeoutSeconds(options.timeoutSeconds);
    auto finish = [&] {
        out.requests = fetcher.requests();
        out.bytes = fetcher.bytesReceived();
        out.wireBytes = fetcher.wireBytesReceived();
        out.bytesSent = fetcher.bytesSent();
        out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (!out.error.isEmpty())
            report.setFatal("", out.error.toStdString());
        report.cancelled = out.cancelled;
        return out;
    };
    auto failed = [&](const QueryResult& r) {
        out.error = r.error;
        out.cancelled = r.cancelled;
        return finish();
    };

    // Which columns exist: the exporter's layout changed over the years, and some are optional.
    const QueryResult desc = client.query(
        QStringLiteral("reading the columns of %1.%2").arg(source.database, source.table),
        QStringLiteral("SELECT name, type FROM system.columns WHERE database = {db:String} AND table = "
                       "{table:String}"));
    if (!desc.ok())
        return failed(desc);
    Columns columns;
    QSet<QString> mapColumns;
    for (const QByteArray& line : desc.body.split('\n'))
        if (!line.isEmpty()) {
            const QJsonObject row = QJsonDocument::fromJson(line).object();
            const QString name = row.value(QStringLiteral("name")).toString();
            columns.names.insert(name);
            if (row.value(QStringLiteral("type")).toString().startsWith(QLatin1String("Map(")))
                mapColumns.insert(name);
        }
    if (columns.names.isEmpty()) {
        out.error = QStringLiteral("ClickHouse at %1:%2: no table %3.%4 (unknown table)")
                        .arg(source.host)
                        .arg(source.port)
                        .arg(source.database, source.table);
        return finish();
    }
    for (const char* required : {"Timestamp", "TraceId", "SpanId", "SpanName", "ServiceName", "Duration"})
        if (!columns.has(QString::fromLatin1(required))) {
            out.error =
                QStringLiteral("ClickHouse at %1:%2: %3.%4 has no column %5 (missing column): not the "
                               "OpenTelemetry collector's otel_traces layout")
                    .arg(source.host)
                    .arg(source.port)
                    .arg(source.database, source.table, QString::fromLatin1(required));
            return finish();
        }
    if (options.filter && !(mapColumns.contains(QStringLiteral("SpanAttributes")) &&
                            mapColumns.contains(QStringLiteral("ResourceAttributes")))) {
        out.error = QStringLiteral("ClickHouse at %1:%2: a filtered pull needs %3.%4's attributes as Map "
                                   "columns (the exporter's default, not its json option)")
                        .arg(source.host)
                        .arg(source.port)
                        .arg(source.database, source.table);
        return finish();
    }
    const QString selectList = spanSelectList([&](const QString& c) { return columns.has(c); });
    const QString browser = browserPredicate(columns.has(QStringLiteral("ResourceAttributes")));

    ServerRollupsSink pullSink(sink);
    BatchBuilder builder(pullSink);
    OtlpMapper mapper(builder, report);
    ClickHouseSpanRows rows(mapper, report);

    // A filtered pull: the page loads the server's predicate selects (a superset of the filter's), as
    // a subquery over the window's documentLoad rows that each query below repeats, so no list of
    // sessions travels.
    const ServerFilter* filter = options.filter ? &*options.filter : nullptr;
    const QString candidates =
        filter ? QStringLiteral("(SELECT Timestamp, %1 %2)%3")
                     .arg(documentLoadSelectList(), documentLoadsFromWhere(browser),
                          filter->predicate.isEmpty() ? QString()
                                                      : QStringLiteral(" WHERE ") + filter->predicate)
               : QString();
    auto withFilter = [&](QueryParams params) {
        if (filter)
            params.insert(params.end(), filter->params.begin(), filter->params.end());
        return params;
    };

    std::int64_t toNs = options.toNs;
    if (options.maxPageLoads) {
        // The first N page loads of the window: the window ends at the (N+1)th one's start.
        const QueryResult cut = client.query(
            QStringLiteral("finding the first %1 page loads").arg(*options.maxPageLoads),
            QStringLiteral("SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ts FROM %1 "
                           "ORDER BY Timestamp LIMIT 1 OFFSET {n:UInt64}")
                .arg(filter ? candidates
                            : QStringLiteral("{db:Identifier}.{table:Identifier} "
                                             "WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND "
                                             "Timestamp < fromUnixTimestamp64Nano({to:Int64}) AND SpanName = "
                                             "'documentLoad' AND %1")
                                  .arg(browser)),
            withFilter({{QStringLiteral("from"), QString::number(options.fromNs)},
                        {QStringLiteral("to"), QString::number(options.toNs)},
                        {QStringLiteral("n"), QString::number(*options.maxPageLoads)}}));
        if (!cut.ok())
            return failed(cut);
        const QString ts = QJsonDocument::fromJson(cut.body.split('\n').value(0))
                               .object()
                               .value(QStringLiteral("ts"))
                               .toString();
        if (!ts.isEmpty()) {
            toNs = ts.toLongLong();
            out.skipped << QStringLiteral("page loads after the first %1 (the window was cut at %2 ns)")
                               .arg(*options.maxPageLoads)
                               .arg(toNs);
        }
    }

    if (filter) {
        const QueryResult counted = client.query(
            QStringLiteral("counting the page loads the filter selects"),
            QStringLiteral("SELECT count() AS loads, uniqExact(load_session) AS sessions FROM %1")
                .arg(candidates),
            withFilter({{QStringLiteral("from"), QString::number(options.fromNs)},
                        {QStringLiteral("to"), QString::number(toNs)}}));
        if (!counted.ok())
            return failed(counted);
        const QJsonObject row = QJsonDocument::fromJson(counted.body.split('\n').value(0)).object();
        auto number = [&](const char* key) {
            const QJsonValue v = row.value(QLatin1String(key));
            return v.isString() ? v.toString().toLongLong() : std::int64_t(v.toDouble());
        };
        out.candidatePageLoads = number("loads");
        out.candidateSessions = number("sessions");
    }
    // Browser rows of the candidate sessions only (the mapper's session key; a sessionless candidate
    // brings every sessionless row, which the cache then sorts out).
    const QString sessionCondition =
        filter
            ? QStringLiteral(" AND %1 IN (SELECT load_session FROM %2)").arg(sessionExpression(), candidates)
            : QString();

    // 1. The browser side of the window, page by page.
    std::set<std::string> traceIds;
    std::string afterTs = std::to_string(options.fromNs - 1), afterTrace, afterSpan;
    std::int64_t spans = 0;
    bool browserCapped = false;
    for (int page = 1;; ++page) {
        if (spans >= options.maxSpans) {
            out.skipped << QStringLiteral("browser spans beyond the cap of %1").arg(options.maxSpans);
            browserCapped = true;
            break;
        }
        const QueryResult r = client.query(
            QStringLiteral("reading browser spans (page %1)").arg(page),
            QStringLiteral(
                "SELECT %1, 1 AS browser FROM {db:Identifier}.{table:Identifier} "
                "WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND Timestamp < "
                "fromUnixTimestamp64Nano({to:Int64}) AND %2%3 AND (Timestamp, TraceId, SpanId) > "
                "(fromUnixTimestamp64Nano({after_ts:Int64}), {after_trace:String}, {after_span:String}) "
                "ORDER BY Timestamp, TraceId, SpanId LIMIT {limit:UInt32}")
                .arg(selectList, browser, sessionCondition),
            withFilter({{QStringLiteral("from"), QString::number(options.fromNs)},
                        {QStringLiteral("to"), QString::number(toNs)},
                        {QStringLiteral("after_ts"), QString::fromStdString(afterTs)},
                        {QStringLiteral("after_trace"), QString::fromStdString(afterTrace)},
                        {QStringLiteral("after_span"), QString::fromStdString(afterSpan)},
                        {QStringLiteral("limit"), QString::number(options.pageRows)}}));
        if (!r.ok())
            return failed(r);
        const std::int64_t n = rows.feed(r.body, QStringLiteral("browser spans page %1").arg(page),
                                         [&](const ClickHouseSpanRows::RowKey& key) {
                                             afterTs = key.timestampNs;
                                             afterTrace = key.traceId;
                                             afterSpan = key.spanId;
                                             traceIds.insert(key.traceId);
                                         });
        spans += n;
        out.browserSpans += n;
        builder.flush();
        if (options.progress)
            options.progress(QStringLiteral("browser spans"), spans);
        if (n < options.pageRows)
            break;
    }
    out.tracesRequested = std::int64_t(traceIds.size());
    if (!browserCapped && !filter)
        out.browserRange = {options.fromNs, toNs}; // the page-load cut moved toNs to what was pulled

    // 2. The backend traces those calls reached. The exporter's trace-id side table, when present,
    // narrows each batch to its traces' own time range (partition pruning on the big table).
    const bool idTable = [&] {
        const QueryResult r = client.query(
            QStringLiteral("looking for %1").arg(source.traceIdTable()),
            QStringLiteral(
                "SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = {t:String}"),
            {{QStringLiteral("t"), source.traceIdTable()}});
        return r.ok() && QJsonDocument::fromJson(r.body.split('\n').value(0))
                                 .object()
                                 .value(QStringLiteral("n"))
                                 .toVariant()
                                 .toInt() > 0;
    }();
    out.usedTraceIdTable = idTable;
    const QString timeBound =
        idTable ? QStringLiteral(
                      "Timestamp >= (SELECT min(Start) FROM {db:Identifier}.{ids_table:Identifier} "
                      "WHERE TraceId IN {ids:Array(String)}) AND Timestamp <= (SELECT max(End) + 1 FROM "
                      "{db:Identifier}.{ids_table:Identifier} WHERE TraceId IN {ids:Array(String)})")
                : QStringLiteral("Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND Timestamp < "
                                 "fromUnixTimestamp64Nano({to:Int64})");
    const std::vector<std::string> ids(traceIds.begin(), traceIds.end());
    for (std::size_t first = 0; first < ids.size(); first += std::size_t(options.traceBatch)) {
        if (spans >= options.maxSpans) {
            out.skipped << QStringLiteral("backend traces of %1 of %2 trace ids (span cap of %3)")
                               .arg(ids.size() - first)
                               .arg(ids.size())
                               .arg(options.maxSpans);
            break;
        }
        const std::vector<std::string> batch(
            ids.begin() + std::ptrdiff_t(first),
            ids.begin() + std::ptrdiff_t(std::min(ids.size(), first + std::size_t(options.traceBatch))));
        const QString idsText = arrayLiteral(batch);
        afterTs = "0"; // the time bound above prunes; the key only pages
        afterTrace.clear();
        afterSpan.clear();
        for (int page = 1;; ++page) {
            const QueryResult r = client.query(
                QStringLiteral("reading backend traces %1-%2 of %3 (page %4)")
                    .arg(first + 1)
                    .arg(first + batch.size())
                    .arg(ids.size())
                    .arg(page),
                QStringLiteral(
                    "SELECT %1, 0 AS browser FROM {db:Identifier}.{table:Identifier} "
                    "WHERE TraceId IN {ids:Array(String)} AND NOT %2 AND %3 AND (Timestamp, TraceId, SpanId) "
                    "> "
                    "(fromUnixTimestamp64Nano({after_ts:Int64}), {after_trace:String}, {after_span:String}) "
                    "ORDER BY Timestamp, TraceId, SpanId LIMIT {limit:UInt32}")
                    .arg(selectList, browser, timeBound),
                {{QStringLiteral("ids"), idsText},
                 {QStringLiteral("ids_table"), source.traceIdTable()},
                 {QStringLiteral("from"), QString::number(options.fromNs - options.traceSlackNs)},
                 {QStringLiteral("to"), QString::number(toNs + options.traceSlackNs)},
                 {QStringLiteral("after_ts"), QString::fromStdString(afterTs)},
                 {QStringLiteral("after_trace"), QString::fromStdString(afterTrace)},
                 {QStringLiteral("after_span"), QString::fromStdString(afterSpan)},
                 {QStringLiteral("limit"), QString::number(options.pageRows)}});
            if (!r.ok())
                return failed(r);
            const std::int64_t n = rows.feed(r.body, QStringLiteral("backend spans page %1").arg(page),
                                             [&](const ClickHouseSpanRows::RowKey& key) {
                                                 afterTs = key.timestampNs;
                                                 afterTrace = key.traceId;
                                                 afterSpan = key.spanId;
                                             });
            spans += n;
            out.backendSpans += n;
            builder.flush();
            if (options.progress)
                options.progress(QStringLiteral("backend traces"), spans);
            if (n < options.pageRows)
                break;
        }
    }
    // 3. RED rollups of the window, computed by the server over every span it holds there.
    std::vector<RollupRow> rollups;
    const QString rollupError =
        fetchRollups(client, browser, columns.has(QStringLiteral("ResourceAttributes")), options.fromNs, toNs,
                     rollups, &out.rollupRange);
    if (!rollupError.isEmpty()) {
        out.error = rollupError;
        return finish();
    }
    out.rollupCells = std::int64_t(rollups.size());
    for (std::size_t first = 0; first < rollups.size(); first += 5000) {
        RecordBatch batch;
        batch.spansRollUp = false;
        const std::size_t last = std::min(rollups.size(), first + 5000);
        batch.rollups.assign(std::make_move_iterator(rollups.begin() + std::ptrdiff_t(first)),
                             std::make_move_iterator(rollups.begin() + std::ptrdiff_t(last)));
        sink.submit(std::move(batch));
    }
    return finish();
}

} // namespace seam::remote
