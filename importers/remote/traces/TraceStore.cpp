#include "TraceStore.h"

#include "HttpFetcher.h"

#include <QUrlQuery>

namespace seam::remote {

QUrl TraceStore::traceUrl(const QString& traceIdHex) const
{
    QUrl url;
    url.setScheme(secure ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(host);
    url.setPort(port);
    url.setPath(
        pathPrefix +
        (kind == Kind::Tempo ? QStringLiteral("/api/v2/traces/") : QStringLiteral("/api/v3/traces/")) +
        traceIdHex);
    return url;
}

QUrl TraceStore::searchUrl() const
{
    QUrl url = traceUrl({});
    url.setPath(pathPrefix +
                (kind == Kind::Tempo ? QStringLiteral("/api/search") : QStringLiteral("/api/v3/traces")));
    return url;
}

void TraceStore::authorize(HttpRequest& request) const
{
    if (!token.isEmpty())
        request.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + token.toUtf8()});
    else if (!user.isEmpty())
        request.headers.append({QByteArrayLiteral("Authorization"),
                                "Basic " + (user + QLatin1Char(':') + password).toUtf8().toBase64()});
}

QString TraceStore::failureReason(const HttpResponse& response)
{
    if (!response.transportError.isEmpty())
        return response.transportError;
    QString reason = QStringLiteral("HTTP %1").arg(response.status);
    if (response.status == 401 || response.status == 403)
        reason += QStringLiteral(" (authentication refused)");
    const QString text = QString::fromUtf8(response.body.left(300)).trimmed();
    if (!text.isEmpty())
        reason += QStringLiteral(": ") + text;
    return reason;
}

QString TraceStore::where() const
{
    return QStringLiteral("%1 at %2:%3").arg(kindName(), host).arg(port);
}

QString TraceStore::display() const
{
    QString s = (kind == Kind::Tempo ? QStringLiteral("tempo://") : QStringLiteral("jaeger://"));
    if (!user.isEmpty())
        s += user + QLatin1Char('@');
    s += host + QLatin1Char(':') + QString::number(port) + pathPrefix;
    if (secure)
        s += QStringLiteral("?secure=1");
    return s;
}

std::optional<TraceStore> TraceStore::parse(const QString& text, QString& error)
{
    const QUrl url(text, QUrl::StrictMode);
    TraceStore s;
    if (url.scheme() == QLatin1String("tempo"))
        s.kind = Kind::Tempo;
    else if (url.scheme() == QLatin1String("jaeger"))
        s.kind = Kind::Jaeger;
    else {
        error = QStringLiteral("not a trace store: expected tempo://host:3200 or jaeger://host:16686");
        return std::nullopt;
    }
    if (!url.isValid() || url.host().isEmpty()) {
        error = QStringLiteral("'%1' is not a valid URL").arg(url.toDisplayString(QUrl::RemoveUserInfo));
        return std::nullopt;
    }
    s.host = url.host();
    const QUrlQuery query(url);
    s.secure = query.queryItemValue(QStringLiteral("secure")) == QLatin1String("1");
    s.port = url.port(s.kind == Kind::Tempo ? 3200 : 16686);
    s.pathPrefix = url.path();
    while (s.pathPrefix.endsWith(QLatin1Char('/')))
        s.pathPrefix.chop(1);
    s.user = url.userName(QUrl::FullyDecoded);
    s.password = url.password(QUrl::FullyDecoded);
    if (s.user.isEmpty())
        s.user = qEnvironmentVariable("SEAM_TRACES_USER");
    if (s.password.isEmpty())
        s.password = qEnvironmentVariable("SEAM_TRACES_PASSWORD");
    s.token = qEnvironmentVariable("SEAM_TRACES_TOKEN");
    return s;
}

} // namespace seam::remote
