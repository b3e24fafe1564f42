#include "ClickHouseLoadColumns.h"

#include <initializer_list>
#include <iterator>

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

} // namespace

QString documentLoadSelectList()
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
    // The duration as the mapper computes it: loadEventEnd - fetchStart from the span's events, else
    // the span's own.
    return QStringLiteral(
               "%1 AS load_url, %2 AS load_ua, %3 AS load_version, %4 AS load_country, "
               "arrayLastIndex(x -> x = 'fetchStart', Events.Name) AS load_fi, "
               "arrayLastIndex(x -> x = 'loadEventEnd', Events.Name) AS load_li, "
               "if(load_fi > 0, toInt64(toUnixTimestamp64Nano(Events.Timestamp[load_fi])), toInt64(0)) AS "
               "load_fs, "
               "if(load_li > 0, toInt64(toUnixTimestamp64Nano(Events.Timestamp[load_li])), toInt64(0)) AS "
               "load_le, "
               "if(load_fs != 0 AND load_le != 0 AND load_le >= load_fs, load_le - load_fs, "
               "toInt64(Duration)) "
               "AS load_duration, %5 AS load_session")
        .arg(url, ua, version, country, sessionExpression());
}

QString sessionExpression()
{
    return firstOf(QStringLiteral("SpanAttributes"), {"session.id"},
                   firstOf(QStringLiteral("ResourceAttributes"), {"session.id"}, QStringLiteral("''")));
}

QString documentLoadsFromWhere(const QString& browser)
{
    return QStringLiteral("FROM {db:Identifier}.{table:Identifier} WHERE Timestamp >= "
                          "fromUnixTimestamp64Nano({from:Int64}) AND Timestamp < "
                          "fromUnixTimestamp64Nano({to:Int64}) AND SpanName = 'documentLoad' AND %1")
        .arg(browser);
}

} // namespace seam::remote
