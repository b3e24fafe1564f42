#include "AnomalyJson.h"

#include "Format.h"

#include <cmath>

namespace seam {
namespace {

QString str(const std::string& s)
{
    return QString::fromStdString(s);
}

QJsonValue orNull(const std::string& s)
{
    return s.empty() ? QJsonValue() : QJsonValue(str(s));
}

bool isLatency(AnomalyMetric m)
{
    return m == AnomalyMetric::LatencyP95 || m == AnomalyMetric::LatencyP50;
}

/// The metric's value as the JSON shows it: ms for latency, else as is; rounded to what is meaningful.
double shown(AnomalyMetric m, double v)
{
    if (isLatency(m))
        return std::round(v / 1e3) / 1e3; // ns -> ms, 3 decimals
    if (m == AnomalyMetric::ErrorRate)
        return std::round(v * 1e6) / 1e6;
    return std::round(v * 1e3) / 1e3;
}

const char* unitOf(AnomalyMetric m)
{
    if (isLatency(m))
        return "ms";
    return m == AnomalyMetric::ErrorRate ? "fraction" : "per_second";
}

double round2(double v)
{
    return std::round(v * 100) / 100;
}

QJsonObject detailJson(const MetricAnomaly& a)
{
    QJsonObject o;
    o[QStringLiteral("metric")] = QString::fromLatin1(anomalyMetricName(a.metric));
    o[QStringLiteral("version")] = orNull(a.version);
    o[QStringLiteral("start_ns")] = qint64(a.start);
    o[QStringLiteral("end_ns")] = qint64(a.end);
    o[QStringLiteral("unit")] = QString::fromLatin1(unitOf(a.metric));
    o[QStringLiteral("peak")] = shown(a.metric, a.peak);
    o[QStringLiteral("baseline")] = shown(a.metric, a.baseline);
    o[QStringLiteral("value")] = shown(a.metric, a.value);
    o[QStringLiteral("ci95")] = QJsonArray{shown(a.metric, a.ciLow), shown(a.metric, a.ciHigh)};
    o[QStringLiteral("score")] = round2(a.score);
    o[QStringLiteral("direction")] = a.drop ? QStringLiteral("down") : QStringLiteral("up");
    o[QStringLiteral("requests")] = qint64(a.requests);
    o[QStringLiteral("errors")] = qint64(a.errors);
    o[QStringLiteral("band")] = QString::fromLatin1(anomalyBandName(a.band));
    o[QStringLiteral("step_s")] = double(a.step) / 1e9;
    return o;
}

} // namespace

QJsonObject anomalyWindowJson(const AnomalyWindow& w)
{
    QJsonObject o;
    o[QStringLiteral("service")] = str(w.service);
    o[QStringLiteral("version")] = orNull(w.version);
    QJsonArray metrics;
    for (const AnomalyMetric m : w.metrics)
        metrics.append(QString::fromLatin1(anomalyMetricName(m)));
    o[QStringLiteral("metrics")] = metrics;
    o[QStringLiteral("start")] = isoTime(w.start);
    o[QStringLiteral("start_ns")] = qint64(w.start);
    o[QStringLiteral("end")] = isoTime(w.end);
    o[QStringLiteral("end_ns")] = qint64(w.end);
    o[QStringLiteral("metric")] = QString::fromLatin1(anomalyMetricName(w.lead.metric));
    o[QStringLiteral("unit")] = QString::fromLatin1(unitOf(w.lead.metric));
    o[QStringLiteral("peak")] = shown(w.lead.metric, w.lead.peak);
    o[QStringLiteral("baseline")] = shown(w.lead.metric, w.lead.baseline);
    o[QStringLiteral("score")] = round2(w.lead.score);
    o[QStringLiteral("origin_rank")] = w.originRank;
    o[QStringLiteral("incident")] = w.incident;
    o[QStringLiteral("explained_by")] = orNull(w.explainedBy);
    o[QStringLiteral("own_share")] = w.ownShare < 0 ? QJsonValue() : QJsonValue(round2(w.ownShare));
    QJsonArray details;
    for (const MetricAnomaly& a : w.details)
        details.append(detailJson(a));
    o[QStringLiteral("details")] = details;
    return o;
}

QJsonArray anomaliesJson(const AnomalyResult& result)
{
    QJsonArray out;
    for (const AnomalyWindow& w : result.windows)
        out.append(anomalyWindowJson(w));
    return out;
}

} // namespace seam
