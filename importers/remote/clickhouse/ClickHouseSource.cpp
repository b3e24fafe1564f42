#include "ClickHouseSource.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace seam::remote {
namespace {

bool isPlainIdentifier(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,127}$"));
    return re.match(s).hasMatch();
}

} // namespace

QUrl ClickHouseSource::endpoint() const
{
    QUrl url;
    url.setScheme(secure ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(host);
    url.setPort(port);
    url.setPath(QStringLiteral("/"));
    return url;
}

QString ClickHouseSource::display() const
{
    QString s = QStringLiteral("clickhouse://");
    if (!user.isEmpty())
        s += user + QLatin1Char('@');
    s += host + QLatin1Char(':') + QString::number(port) + QLatin1Char('/') + database +
         QStringLiteral("?table=") + table;
    if (secure)
        s += QStringLiteral("&secure=1");
    return s;
}

std::optional<ClickHouseSource> ClickHouseSource::parse(const QString& text, QString& error)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("clickhouse") || url.host().isEmpty()) {
        error = QStringLiteral("not a ClickHouse source: expected "
                               "clickhouse://[user[:password]@]host[:port]/database?table=otel_traces");
        return std::nullopt;
    }
    ClickHouseSource s;
    s.host = url.host();
    const QUrlQuery query(url);
    s.secure = query.queryItemValue(QStringLiteral("secure")) == QLatin1String("1") ||
               query.queryItemValue(QStringLiteral("secure")) == QLatin1String("true");
    s.port = url.port(s.secure ? 8443 : 8123);
    const QString path = url.path().mid(1);
    if (!path.isEmpty())
        s.database = path;
    if (query.hasQueryItem(QStringLiteral("table")))
        s.table = query.queryItemValue(QStringLiteral("table"));
    // Names reach ClickHouse as Identifier parameters; refusing odd ones early gives a clearer message.
    if (!isPlainIdentifier(s.database) || !isPlainIdentifier(s.table)) {
        error = QStringLiteral("database and table must be plain names (letters, digits, _)");
        return std::nullopt;
    }
    s.user = url.userName(QUrl::FullyDecoded);
    s.password = url.password(QUrl::FullyDecoded);
    if (s.user.isEmpty())
        s.user = qEnvironmentVariable("SEAM_CLICKHOUSE_USER");
    if (s.password.isEmpty())
        s.password = qEnvironmentVariable("SEAM_CLICKHOUSE_PASSWORD");
    return s;
}

} // namespace seam::remote
