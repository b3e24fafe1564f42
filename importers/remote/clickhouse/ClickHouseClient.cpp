#include "ClickHouseClient.h"

#include "HttpFetcher.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace seam::remote {

ClickHouseClient::ClickHouseClient(ClickHouseSource source, HttpFetcher& fetcher)
    : m_source(std::move(source)), m_fetcher(fetcher)
{}

QString describeClickHouseError(int httpStatus, const QByteArray& body)
{
    QString text = QString::fromUtf8(body.left(600)).trimmed();
    static const QRegularExpression codeRe(QStringLiteral("Code:\\s*(\\d+)"));
    const auto m = codeRe.match(text);
    const int code = m.hasMatch() ? m.captured(1).toInt() : 0;
    QString kind;
    switch (code) {
    case 60:
        kind = QStringLiteral("unknown table");
        break;
    case 47:
    case 16:
        kind = QStringLiteral("missing column");
        break;
    case 81:
        kind = QStringLiteral("unknown database");
        break;
    case 159:
    case 160:
        kind = QStringLiteral("timeout on the server");
        break;
    case 192:
    case 193:
    case 194:
    case 516:
        kind = QStringLiteral("authentication refused");
        break;
    case 396:
        kind = QStringLiteral("result larger than the size cap");
        break;
    default:
        if (httpStatus == 401 || httpStatus == 403)
            kind = QStringLiteral("authentication refused");
        break;
    }
    if (text.isEmpty())
        text = QStringLiteral("HTTP %1 with an empty body").arg(httpStatus);
    return kind.isEmpty() ? text : kind + QStringLiteral(": ") + text;
}

QueryResult ClickHouseClient::query(const QString& purpose, const QString& sql, const QueryParams& params)
{
    QUrl url = m_source.endpoint();
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("database"), m_source.database);
    q.addQueryItem(QStringLiteral("default_format"), QStringLiteral("JSONEachRow"));
    // Server-side guards: the same limits the client enforces, so the server stops working too.
    q.addQueryItem(QStringLiteral("max_execution_time"), QString::number(m_timeoutSeconds));
    q.addQueryItem(QStringLiteral("max_result_bytes"), QString::number(m_maxResultBytes));
    q.addQueryItem(QStringLiteral("readonly"), QStringLiteral("2"));
    q.addQueryItem(QStringLiteral("enable_http_compression"), QStringLiteral("1"));
    q.addQueryItem(QStringLiteral("param_db"), m_source.database);
    q.addQueryItem(QStringLiteral("param_table"), m_source.table);
    for (const auto& [name, value] : params)
        q.addQueryItem(QStringLiteral("param_") + name, value);
    url.setQuery(q);

    HttpRequest request;
    request.url = url;
    request.method = "POST";
    request.body = sql.toUtf8();
    request.timeoutMs = (m_timeoutSeconds + 5) * 1000; // the server's own limit answers first
    request.maxBodyBytes = m_maxResultBytes + (qint64(1) << 20);
    request.cancel = m_cancel;
    if (!m_source.user.isEmpty())
        request.headers.append({QByteArrayLiteral("X-ClickHouse-User"), m_source.user.toUtf8()});
    if (!m_source.password.isEmpty())
        request.headers.append({QByteArrayLiteral("X-ClickHouse-Key"), m_source.password.toUtf8()});
    // HttpFetcher asks for gzip and decodes it (enable_http_compression above lets the server send it).

    const HttpResponse response = m_fetcher.fetch(request);
    QueryResult result;
    result.cancelled = response.cancelled;
    const QString where = QStringLiteral("ClickHouse at %1:%2").arg(m_source.host).arg(m_source.port);
    if (!response.transportError.isEmpty())
        result.error = QStringLiteral("%1: %2 failed: %3").arg(where, purpose, response.transportError);
    else if (!response.ok())
        result.error = QStringLiteral("%1: %2 failed: %3")
                           .arg(where, purpose, describeClickHouseError(response.status, response.body));
    else
        result.body = response.body;
    return result;
}

} // namespace seam::remote
