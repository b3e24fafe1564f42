#pragma once

// A Prometheus-compatible server with RED metrics of spans: `prometheus://host:9090[/prefix]
// [?preset=spanmetrics|tempo][&secure=1]`. The preset names the metrics and labels:
//   spanmetrics  the collector's spanmetrics connector: traces_span_metrics_calls_total,
//                traces_span_metrics_duration_milliseconds_{bucket,sum}; service_name, span_name,
//                span_kind, status_code
//   tempo        Tempo's metrics generator: traces_spanmetrics_calls_total,
//                traces_spanmetrics_latency_{bucket,sum} (seconds); service, span_name, span_kind,
//                status_code
// Each can be overridden (calls=, duration=, unit=s|ms, service_label=, operation_label=, kind_label=,
// status_label=). Credentials: SEAM_PROMETHEUS_TOKEN (bearer) or user:password / SEAM_PROMETHEUS_USER
// and SEAM_PROMETHEUS_PASSWORD; never in display().

#include <QString>
#include <QUrl>
#include <optional>

namespace seam::remote {

struct PrometheusSource
{
    QString host;
    int port = 9090;
    bool secure = false;
    QString pathPrefix;
    QString callsMetric = QStringLiteral("traces_span_metrics_calls_total");
    QString durationMetric = QStringLiteral("traces_span_metrics_duration_milliseconds"); ///< _bucket, _sum
    double durationUnitNs = 1e6;
    QString serviceLabel = QStringLiteral("service_name");
    QString operationLabel = QStringLiteral("span_name");
    QString kindLabel = QStringLiteral("span_kind");
    QString statusLabel = QStringLiteral("status_code");
    QString user, password, token;

    QUrl queryRangeUrl() const;
    QString display() const;
    static std::optional<PrometheusSource> parse(const QString& url, QString& error);
};

} // namespace seam::remote
