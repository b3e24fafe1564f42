#include "ReceiverRouting.h"

#include <QUrlQuery>

namespace seam::live {

Route routeFor(const HttpRequest& r)
{
    if (r.path == "/v1/traces")
        return Route::Traces;
    if (r.path == "/v1/logs")
        return Route::Logs;
    if (r.path == "/v1/metrics")
        return Route::Metrics;
    if (r.path == "/collect" ||
        (r.path.startsWith("/collect/") && r.path.size() > 9 && r.path.count('/') == 2))
        return Route::Faro;
    // The Datadog browser SDK posts to the proxy URL it was given, whatever its path, adding
    // ?ddforward=<url-encoded intake path and parameters>.
    const QUrlQuery query(QString::fromLatin1(r.query));
    if (query.hasQueryItem(QStringLiteral("ddforward")))
        return Route::DatadogRum;
    return Route::Unknown;
}

std::optional<Encoding> otlpEncoding(const QByteArray& contentType)
{
    const qsizetype semi = contentType.indexOf(';');
    const QByteArray type = (semi < 0 ? contentType : contentType.left(semi)).trimmed().toLower();
    if (type == "application/x-protobuf" || type == "application/protobuf")
        return Encoding::Protobuf;
    if (type == "application/json")
        return Encoding::Json;
    return std::nullopt;
}

} // namespace seam::live
