#include "TraceSearch.h"

#include "BatchSink.h"
#include "HttpFetcher.h"
#include "ImportReport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

namespace seam::remote {
namespace {

QString traceQlString(const QString& text)
{
    QString out = text;
    out.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    out.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

std::int64_t floorSeconds(std::int64_t ns)
{
    return ns >= 0 ? ns / 1'000'000'000 : -((-ns + 999'999'999) / 1'000'000'000);
}

HttpRequest searchRequest(const TraceStore& store, const QUrl& url, const TraceFetchOptions& options,
                          qint64 maxBytes)
{
    HttpRequest request;
    request.url = url;
    request.timeoutMs = options.timeoutSeconds * 1000;
    request.maxBodyBytes = maxBytes;
    request.cancel = options.cancel;
    request.headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")});
    store.authorize(request);
    return request;
}

/// Jaeger answers an empty search with 404 and its error object ("No traces found"); a 404 without one
/// is a server with no api/v3 at that address.
bool isJaegerEmptyAnswer(const HttpResponse& response)
{
    if (response.status != 404)
        return false;
    const QJsonDocument doc = QJsonDocument::fromJson(response.body.trimmed());
    return doc.isObject() && doc.object().value(QStringLiteral("error")).isObject();
}

} // namespace

QString goDuration(std::int64_t ns)
{
    if (ns % 1'000'000 == 0)
        return QString::number(ns / 1'000'000) + QStringLiteral("ms");
    if (ns % 1'000 == 0)
        return QString::number(ns / 1'000) + QStringLiteral("us");
    return QString::number(ns) + QStringLiteral("ns");
}

QString rfc3339(std::int64_t ns)
{
    const std::int64_t seconds = floorSeconds(ns);
    const std::int64_t fraction = ns - seconds * 1'000'000'000;
    const QDateTime t = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
    return t.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) +
           QStringLiteral(".%1Z").arg(fraction, 9, 10, QLatin1Char('0'));
}

QString traceQlOf(const TraceSearchQuery& query)
{
    QStringList terms{QStringLiteral("resource.service.name = ") + traceQlString(query.service)};
    if (!query.operation.isEmpty())
        terms << QStringLiteral("name = ") + traceQlString(query.operation);
    if (query.minDurationNs > 0)
        terms << QStringLiteral("traceDuration >= ") + goDuration(query.minDurationNs);
    return QStringLiteral("{ ") + terms.join(QStringLiteral(" && ")) + QStringLiteral(" }");
}

QUrl tempoSearchUrl(const TraceStore& store, const TraceSearchQuery& query)
{
    // Tempo takes whole seconds: the window is widened to them, never narrowed.
    const std::int64_t start = floorSeconds(query.fromNs);
    std::int64_t end = -floorSeconds(-query.toNs);
    if (end <= start)
        end = start + 1;
    QUrl url = store.searchUrl();
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("q"), QString::fromLatin1(QUrl::toPercentEncoding(traceQlOf(query))));
    q.addQueryItem(QStringLiteral("start"), QString::number(start));
    q.addQueryItem(QStringLiteral("end"), QString::number(end));
    q.addQueryItem(QStringLiteral("limit"), QString::number(query.limit));
    // One matched span per trace is enough: Seam fetches the whole trace by id afterwards.
    q.addQueryItem(QStringLiteral("spss"), QStringLiteral("1"));
    url.setQuery(q);
    return url;
}

QUrl jaegerSearchUrl(const TraceStore& store, const TraceSearchQuery& query)
{
    QUrl url = store.searchUrl();
    QUrlQuery q;
    const auto add = [&](const char* key, const QString& value) {
        q.addQueryItem(QLatin1String(key), QString::fromLatin1(QUrl::toPercentEncoding(value)));
    };
    add("query.service_name", query.service);
    if (!query.operation.isEmpty())
        add("query.operation_name", query.operation);
    add("query.start_time_min", rfc3339(query.fromNs));
    add("query.start_time_max", rfc3339(query.toNs));
    if (query.minDurationNs > 0)
        add("query.duration_min", goDuration(query.minDurationNs));
    // query.search_depth is the name since Jaeger 2.x; 1.x reads query.num_traces and ignores the other.
    add("query.search_depth", QString::number(query.limit));
    add("query.num_traces", QString::number(query.limit));
    url.setQuery(q);
    return url;
}

std::optional<std::vector<TempoSearchHit>> readTempoSearch(const QByteArray& body, QString& error)
{
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parse);
    if (!doc.isObject()) {
        error = QStringLiteral("not a Tempo search answer: %1").arg(parse.errorString());
        return std::nullopt;
    }
    const QJsonValue traces = doc.object().value(QStringLiteral("traces"));
    // An empty answer may leave "traces" out (protobuf JSON omits empty lists).
    if (!traces.isArray() && !traces.isUndefined()) {
        error = QStringLiteral("not a Tempo search answer: \"traces\" is not a list");
        return std::nullopt;
    }
    std::vector<TempoSearchHit> hits;
    for (const QJsonValue& v : traces.toArray()) {
        const QJsonObject t = v.toObject();
        QString id = t.value(QStringLiteral("traceID")).toString().toLower();
        static const QString hex = QStringLiteral("0123456789abcdef");
        const bool isHex = !id.isEmpty() && id.size() <= 32 &&
                           std::all_of(id.begin(), id.end(), [](QChar c) { return hex.contains(c); });
        if (!isHex) {
            error = QStringLiteral("Tempo search answer names a trace '%1' that is not a hex id")
                        .arg(id.left(64));
            return std::nullopt;
        }
        TempoSearchHit hit;
        hit.traceId = id.rightJustified(32, QLatin1Char('0')).toStdString();
        // uint64 fields are JSON strings in protobuf JSON; tolerate numbers too. A number the store
        // could not mean (not finite, beyond int64: the year 2262) counts as unknown (0), never cast.
        const auto whole = [](const QJsonValue& v) -> std::int64_t {
            if (v.isString())
                return v.toString().toLongLong();
            const double d = v.toDouble();
            return std::isfinite(d) && std::fabs(d) < 9.2e18 ? std::int64_t(d) : 0;
        };
        hit.startNs = whole(t.value(QStringLiteral("startTimeUnixNano")));
        hit.durationMs = whole(t.value(QStringLiteral("durationMs")));
        hit.rootService = t.value(QStringLiteral("rootServiceName")).toString();
        hit.rootName = t.value(QStringLiteral("rootTraceName")).toString();
        hits.push_back(std::move(hit));
    }
    return hits;
}

QString limitNote(const TraceStore& store, int limit)
{
    return store.kind == TraceStore::Kind::Tempo
               ? QStringLiteral("Tempo search returned the limit (%1 traces; Tempo does not page a search): "
                                "narrow the range or raise the limit (at most %2)")
                     .arg(limit)
                     .arg(kMaxSearchLimit)
               : QStringLiteral("Jaeger search reached its depth (%1 traces; Jaeger caps a search by depth "
                                "and does not page it): narrow the range or raise the limit (at most %2)")
                     .arg(limit)
                     .arg(kMaxSearchLimit);
}

TraceSearchReport searchTraces(const TraceStore& store, const TraceSearchQuery& query,
                               const TraceFetchOptions& options, BatchSink& sink, ImportReport& report)
{
    const auto started = std::chrono::steady_clock::now();
    TraceSearchReport out;
    report.format = store.kind == TraceStore::Kind::Tempo ? "tempo" : "jaeger";
    const bool tempo = store.kind == TraceStore::Kind::Tempo;
    const QUrl url = tempo ? tempoSearchUrl(store, query) : jaegerSearchUrl(store, query);
    out.request = url.path() + QLatin1Char('?') + url.query(QUrl::FullyEncoded);
    const auto finish = [&] {
        out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (!out.error.isEmpty())
            report.setFatal("", out.error.toStdString());
        report.cancelled = out.cancelled;
        return out;
    };

    HttpFetcher fetcher;
    // Tempo's answer is summaries (a few hundred bytes each); Jaeger's holds the traces themselves.
    const HttpResponse response =
        fetcher.fetch(searchRequest(store, url, options, tempo ? qint64(64) << 20 : query.maxAnswerBytes));
    out.requests = fetcher.requests();
    out.bytes = fetcher.bytesReceived();
    if (response.cancelled) {
        out.cancelled = true;
        return finish();
    }
    const bool empty = !tempo && isJaegerEmptyAnswer(response);
    if (!response.ok() && !empty) {
        out.error = QStringLiteral("%1: search %2 failed: %3")
                        .arg(store.where(), out.request, TraceStore::failureReason(response));
        return finish();
    }
    if (empty)
        return finish();

    if (!tempo) {
        std::set<std::string> traceIds;
        const QString where = store.where() + QStringLiteral(" search");
        readJaegerBody(response.body, where, sink, report, &traceIds);
        out.named = out.found = std::int64_t(traceIds.size());
        out.limitReached = out.named >= query.limit;
        return finish();
    }

    QString error;
    const auto hits = readTempoSearch(response.body, error);
    if (!hits) {
        out.error = QStringLiteral("%1: search %2: %3").arg(store.where(), out.request, error);
        return finish();
    }
    out.named = std::int64_t(hits->size());
    out.limitReached = out.named >= query.limit;
    std::vector<std::string> ids;
    std::set<std::string> seen;
    for (const TempoSearchHit& hit : *hits)
        if (seen.insert(hit.traceId).second)
            ids.push_back(hit.traceId);
    const TraceFetchReport fetched = fetchTraces(store, ids, options, sink, report);
    out.found = fetched.found;
    out.missing = fetched.missing;
    out.requests += fetched.requests;
    out.bytes += fetched.bytes;
    out.error = fetched.error;
    out.cancelled = fetched.cancelled;
    return finish();
}

} // namespace seam::remote
