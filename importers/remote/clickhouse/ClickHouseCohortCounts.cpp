#include "ClickHouseCohortCounts.h"

#include "ClickHouseClient.h"
#include "ClickHouseLoadColumns.h"
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

QString countsQuery(const QString& browser)
{
    return QStringLiteral("SELECT load_url AS url, load_ua AS ua, load_version AS version, load_country AS "
                          "country, toUInt8(load_duration > {slow:Int64}) AS slow, count() AS n FROM ("
                          "SELECT %1 %2) GROUP BY url, ua, version, country, slow")
        .arg(documentLoadSelectList(), documentLoadsFromWhere(browser));
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
