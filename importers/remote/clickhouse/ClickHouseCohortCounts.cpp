#include "ClickHouseCohortCounts.h"

#include "ClickHouseClient.h"
#include "ClickHouseRollups.h"
#include "HttpFetcher.h"
#include "Route.h"
#include "UserAgent.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <chrono>
#include <map>
#include <tuple>

namespace seam::remote {
namespace {

/// The first non-empty of `keys` in the Map column `column`, as the mapper's firstOf(), then `fallback`.
QString firstOf(const QString& column, std::initializer_list<const char*> keys, const QString& fallback)
{
    QString out = fallback;
    for (auto it = std::rbegin(keys); it != std::rend(keys); ++it)
        out = QStringLiteral("if(%1['%2'] != '', %1['%2'], %3)").arg(column, QLatin1String(*it), out);
    return out;
}

QString countsQuery(const QString& browser)
{
    const QString ra = QStringLiteral("ResourceAttributes"), sa = QStringLiteral("SpanAttributes");
    const QString url = firstOf(sa, {"url.full", "http.url", "location.href"}, QStringLiteral("''"));
    const QString ua = firstOf(
        sa, {"user_agent.original", "http.user_agent"},
        firstOf(ra, {"user_agent.original", "http.user_agent", "browser.user_agent"}, QStringLiteral("''")));
    // The resource's app version is service.version when set, else its app.version (OtlpMapper).
    const QString version =
        firstOf(sa, {"app.version"}, firstOf(ra, {"service.version", "app.version"}, QStringLiteral("''")));
    const QString country =
        firstOf(sa, {"geo.country.iso_code", "client.geo.country_iso_code"},
                firstOf(ra, {"geo.country.iso_code", "client.geo.country_iso_code"}, QStringLiteral("''")));
    return QStringLiteral(
               "SELECT url, ua, version, country, slow, count() AS n FROM ("
               "SELECT %1 AS url, %2 AS ua, %3 AS version, %4 AS country, "
               "arrayLastIndex(x -> x = 'fetchStart', Events.Name) AS fi, "
               "arrayLastIndex(x -> x = 'loadEventEnd', Events.Name) AS li, "
               "if(fi > 0, toInt64(toUnixTimestamp64Nano(Events.Timestamp[fi])), toInt64(0)) AS fs, "
               "if(li > 0, toInt64(toUnixTimestamp64Nano(Events.Timestamp[li])), toInt64(0)) AS le, "
               "if(fs != 0 AND le != 0 AND le >= fs, le - fs, toInt64(Duration)) AS d, "
               "toUInt8(d > {slow:Int64}) AS slow "
               "FROM {db:Identifier}.{table:Identifier} WHERE Timestamp >= "
               "fromUnixTimestamp64Nano({from:Int64}) "
               "AND Timestamp < fromUnixTimestamp64Nano({to:Int64}) AND SpanName = 'documentLoad' AND %5) "
               "GROUP BY url, ua, version, country, slow")
        .arg(url, ua, version, country, browser);
}

} // namespace

CohortCountsReport fetchCohortCounts(const ClickHouseSource& source, const std::vector<CoveredRange>& ranges,
                                     std::int64_t slowNs, const std::atomic<bool>* cancel, int timeoutSeconds)
{
    const auto started = std::chrono::steady_clock::now();
    CohortCountsReport out;
    HttpFetcher fetcher;
    ClickHouseClient client(source, fetcher);
    client.setCancelFlag(cancel);
    client.setTimeoutSeconds(timeoutSeconds);
    const QString sql = countsQuery(browserPredicate(true));
    // Groups of equal terms from several URLs or ranges add up here.
    using Key = std::tuple<std::string, std::string, std::string, std::string, bool>;
    std::map<Key, std::int64_t> groups;
    for (const CoveredRange& r : ranges) {
        const QueryResult result = client.query(QStringLiteral("counting page loads for Why?"), sql,
                                                {{QStringLiteral("from"), QString::number(r.from)},
                                                 {QStringLiteral("to"), QString::number(r.to)},
                                                 {QStringLiteral("slow"), QString::number(slowNs)}});
        if (!result.ok()) {
            out.error = result.error;
            out.cancelled = result.cancelled;
            break;
        }
        for (const QByteArray& line : result.body.split('\n')) {
            if (line.isEmpty())
                continue;
            const QJsonObject row = QJsonDocument::fromJson(line).object();
            if (row.isEmpty()) {
                out.error = QStringLiteral("ClickHouse at %1:%2: the page-load counts are not JSON rows")
                                .arg(source.host)
                                .arg(source.port);
                break;
            }
            const std::string url = row.value(QStringLiteral("url")).toString().toStdString();
            const std::string ua = row.value(QStringLiteral("ua")).toString().toStdString();
            const QJsonValue n = row.value(QStringLiteral("n"));
            groups[{routeFromUrl(url), parseUserAgent(ua).browser,
                    row.value(QStringLiteral("version")).toString().toStdString(),
                    row.value(QStringLiteral("country")).toString().toStdString(),
                    row.value(QStringLiteral("slow")).toInt() != 0}] +=
                n.isString() ? n.toString().toLongLong() : std::int64_t(n.toDouble());
        }
        if (!out.error.isEmpty())
            break;
    }
    for (const auto& [key, loads] : groups)
        out.groups.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key),
                              std::get<4>(key), loads});
    out.requests = fetcher.requests();
    out.bytes = fetcher.bytesReceived();
    out.wireBytes = fetcher.wireBytesReceived();
    out.bytesSent = fetcher.bytesSent();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

} // namespace seam::remote
