#include "PrometheusMatrix.h"

#include "BatchSink.h"
#include "LatencyHistogram.h"
#include "Records.h"
#include "Schema.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <limits>

namespace seam::remote {
namespace {

bool isEntryKind(const QString& kind)
{
    const QString k = kind.toUpper();
    return k.endsWith(QLatin1String("SERVER")) || k.endsWith(QLatin1String("CONSUMER"));
}

bool isErrorStatus(const QString& status)
{
    return status.toUpper().endsWith(QLatin1String("ERROR"));
}

} // namespace

PrometheusMatrix::PrometheusMatrix(PrometheusSource source)
    : m_source(std::move(source)), m_stepSeconds(schema::kRollupBucketNs / 1'000'000'000)
{}

QJsonArray PrometheusMatrix::resultOf(const QByteArray& body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    if (o.value(QStringLiteral("status")).toString() != QLatin1String("success"))
        return {};
    return o.value(QStringLiteral("data")).toObject().value(QStringLiteral("result")).toArray();
}

template<typename F> void PrometheusMatrix::forEachPoint(const QJsonArray& matrix, F&& fn)
{
    // A server's timestamps are whatever it sends: only those that map to a representable bucket count.
    constexpr double kMaxSeconds = double(std::numeric_limits<std::int64_t>::max() / 1'000'000'000 - 3600);
    for (const QJsonValue& s : matrix) {
        const QJsonObject metric = s.toObject().value(QStringLiteral("metric")).toObject();
        const std::string service = metric.value(m_source.serviceLabel).toString().toStdString();
        const std::string operation = metric.value(m_source.operationLabel).toString().toStdString();
        const bool entry = isEntryKind(metric.value(m_source.kindLabel).toString());
        if (service.empty())
            continue;
        m_series[{service, operation}] = true;
        for (const QJsonValue& point : s.toObject().value(QStringLiteral("values")).toArray()) {
            const QJsonArray p = point.toArray();
            const double seconds = p.at(0).toDouble();
            const double v = p.at(1).toString().toDouble();
            if (!std::isfinite(seconds) || std::abs(seconds) > kMaxSeconds || !std::isfinite(v) || v <= 0)
                continue;
            const std::int64_t t = std::int64_t(std::llround(seconds));
            const std::int64_t bucket = (t - m_stepSeconds) * 1'000'000'000;
            fn(Key{service, operation, bucket}, metric, v);
            if (entry)
                fn(Key{service, std::string(), bucket}, metric, v);
        }
    }
}

void PrometheusMatrix::addCalls(const QJsonArray& matrix)
{
    forEachPoint(matrix, [&](const Key& k, const QJsonObject& metric, double v) {
        Cell& c = m_cells[k];
        c.requests += v;
        if (isErrorStatus(metric.value(m_source.statusLabel).toString()))
            c.errors += v;
    });
}

void PrometheusMatrix::addBuckets(const QJsonArray& matrix)
{
    forEachPoint(matrix, [&](const Key& k, const QJsonObject& metric, double v) {
        const QString le = metric.value(QStringLiteral("le")).toString();
        const double bound = le == QLatin1String("+Inf") ? INFINITY : le.toDouble() * m_source.durationUnitNs;
        if (!std::isnan(bound))
            m_cells[k].cumulative[bound] += v;
    });
}

void PrometheusMatrix::addSums(const QJsonArray& matrix)
{
    forEachPoint(matrix, [&](const Key& k, const QJsonObject&, double v) {
        m_cells[k].sumNs += v * m_source.durationUnitNs;
    });
}

std::int64_t PrometheusMatrix::submit(BatchSink& sink)
{
    // What a counter may claim is bounded so that the integer cells cannot overflow.
    constexpr double kMax = 9.0e18;
    auto toInt = [&](double v) { return std::isfinite(v) ? std::llround(std::clamp(v, -kMax, kMax)) : 0LL; };
    RecordBatch batch;
    batch.spansRollUp = false;
    for (const auto& [key, c] : m_cells) {
        const std::int64_t requests = toInt(c.requests);
        if (requests <= 0)
            continue;
        RollupRow row;
        row.service.name = std::get<0>(key);
        row.operation = std::get<1>(key);
        row.bucket = std::get<2>(key);
        row.requests = requests;
        row.errors = toInt(c.errors);
        row.durationSumNs = toInt(c.sumNs);
        LatencyHistogram histogram;
        double below = 0, lower = 0;
        for (const auto& [bound, cumulative] : c.cumulative) {
            const double n = cumulative - below;
            if (n >= 0.5) {
                const double at = std::isinf(bound) ? lower : (lower + bound) / 2;
                histogram.add(std::int64_t(std::clamp(at, 1.0, kMax)), std::uint64_t(toInt(n)));
                row.durationMaxNs = std::int64_t(std::clamp(std::isinf(bound) ? lower : bound, 0.0, kMax));
            }
            below = cumulative;
            if (!std::isinf(bound))
                lower = bound;
        }
        row.histogram = histogram.encode();
        if (!row.operation.empty()) // saturating: a hostile server's counters must not overflow the total
            m_requests = requests > std::numeric_limits<std::int64_t>::max() - m_requests
                             ? std::numeric_limits<std::int64_t>::max()
                             : m_requests + requests;
        batch.rollups.push_back(std::move(row));
    }
    const std::int64_t cells = std::int64_t(batch.rollups.size());
    if (!batch.rollups.empty())
        sink.submit(std::move(batch));
    return cells;
}

} // namespace seam::remote
