#include "PrometheusSource.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace seam::remote {

QUrl PrometheusSource::queryRangeUrl() const
{
    QUrl url;
    url.setScheme(secure ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(host);
    url.setPort(port);
    url.setPath(pathPrefix + QStringLiteral("/api/v1/query_range"));
    return url;
}

QString PrometheusSource::display() const
{
    QString s = QStringLiteral("prometheus://");
    if (!user.isEmpty())
        s += user + QLatin1Char('@');
    return s + host + QLatin1Char(':') + QString::number(port) + pathPrefix + QStringLiteral("?calls=") +
           callsMetric;
}

std::optional<PrometheusSource> PrometheusSource::parse(const QString& text, QString& error)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("prometheus") || url.host().isEmpty()) {
        error = QStringLiteral(
            "not a Prometheus source: expected prometheus://host:9090[?preset=spanmetrics|tempo]");
        return std::nullopt;
    }
    PrometheusSource s;
    s.host = url.host();
    const QUrlQuery q(url);
    s.secure = q.queryItemValue(QStringLiteral("secure")) == QLatin1String("1");
    s.port = url.port(9090);
    s.pathPrefix = url.path();
    while (s.pathPrefix.endsWith(QLatin1Char('/')))
        s.pathPrefix.chop(1);
    const QString preset = q.queryItemValue(QStringLiteral("preset"));
    if (preset == QLatin1String("tempo")) {
        s.callsMetric = QStringLiteral("traces_spanmetrics_calls_total");
        s.durationMetric = QStringLiteral("traces_spanmetrics_latency");
        s.durationUnitNs = 1e9;
        s.serviceLabel = QStringLiteral("service");
    } else if (!preset.isEmpty() && preset != QLatin1String("spanmetrics")) {
        error = QStringLiteral("unknown preset '%1' (spanmetrics or tempo)").arg(preset);
        return std::nullopt;
    }
    // Names reach PromQL text: only metric/label name characters are accepted.
    static const QRegularExpression name(QStringLiteral("^[A-Za-z_:][A-Za-z0-9_:]*$"));
    auto take = [&](const char* key, QString& into) {
        const QString v = q.queryItemValue(QLatin1String(key));
        if (v.isEmpty())
            return true;
        if (!name.match(v).hasMatch()) {
            error = QStringLiteral("%1=%2 is not a metric or label name").arg(QLatin1String(key), v);
            return false;
        }
        into = v;
        return true;
    };
    if (!take("calls", s.callsMetric) || !take("duration", s.durationMetric) ||
        !take("service_label", s.serviceLabel) || !take("operation_label", s.operationLabel) ||
        !take("kind_label", s.kindLabel) || !take("status_label", s.statusLabel))
        return std::nullopt;
    const QString unit = q.queryItemValue(QStringLiteral("unit"));
    if (unit == QLatin1String("s"))
        s.durationUnitNs = 1e9;
    else if (unit == QLatin1String("ms"))
        s.durationUnitNs = 1e6;
    else if (!unit.isEmpty()) {
        error = QStringLiteral("unit=%1: s or ms").arg(unit);
        return std::nullopt;
    }
    s.user = url.userName(QUrl::FullyDecoded);
    s.password = url.password(QUrl::FullyDecoded);
    if (s.user.isEmpty())
        s.user = qEnvironmentVariable("SEAM_PROMETHEUS_USER");
    if (s.password.isEmpty())
        s.password = qEnvironmentVariable("SEAM_PROMETHEUS_PASSWORD");
    s.token = qEnvironmentVariable("SEAM_PROMETHEUS_TOKEN");
    return s;
}

} // namespace seam::remote
