#include "PrometheusRed.h"

#include "BatchSink.h"
#include "HttpFetcher.h"
#include "LatencyHistogram.h"
#include "Records.h"
#include "Schema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>
#include <chrono>
#include <cmath>
#include <map>
#include <tuple>

namespace seam::remote {
namespace {

constexpr std::int64_t kMaxSteps = 10000; // Prometheus refuses more than 11,000 points per series

struct Cell
{
    double requests = 0, errors = 0, sumNs = 0;
    std::map<double, double> cumulative; ///< le (ns) -> cumulative count
};
using Key = std::tuple<std::string, std::string, std::int64_t>; // service, operation ("" = service), bucket

bool isEntryKind(const QString& kind)
{
    const QString k = kind.toUpper();
    return k.endsWith(QLatin1String("SERVER")) || k.endsWith(QLatin1String("CONSUMER"));
}

bool isErrorStatus(const QString& status)
{
    return status.toUpper().endsWith(QLatin1String("ERROR"));
}

class Client
{
public:
    Client(const PrometheusSource& source, const std::atomic<bool>* cancel, int timeoutSeconds)
        : m_source(source), m_cancel(cancel), m_timeout(timeoutSeconds)
    {}

    /// The matrix of one query over [start, end] (seconds) at `step` seconds; error text or empty.
    QString query(const QString& promql, std::int64_t start, std::int64_t end, std::int64_t step,
                  QJsonArray& out)
    {
        QUrl url = m_source.queryRangeUrl();
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("query"), promql);
        q.addQueryItem(QStringLiteral("start"), QString::number(start));
        q.addQueryItem(QStringLiteral("end"), QString::number(end));
        q.addQueryItem(QStringLiteral("step"), QString::number(step));
        q.addQueryItem(QStringLiteral("timeout"), QString::number(m_timeout) + QLatin1Char('s'));
        url.setQuery(q);
        HttpRequest request;
        request.url = url;
        request.timeoutMs = (m_timeout + 5) * 1000;
        request.cancel = m_cancel;
        if (!m_source.token.isEmpty())
            request.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + m_source.token.toUtf8()});
        else if (!m_source.user.isEmpty())
            request.headers.append(
                {QByteArrayLiteral("Authorization"),
                 "Basic " + (m_source.user + QLatin1Char(':') + m_source.password).toUtf8().toBase64()});
        const HttpResponse response = m_fetcher.fetch(request);
        const QString where = QStringLiteral("Prometheus at %1:%2").arg(m_source.host).arg(m_source.port);
        m_cancelled = response.cancelled;
        if (!response.transportError.isEmpty())
            return QStringLiteral("%1: query %2 failed: %3").arg(where, promql, response.transportError);
        const QJsonObject body = QJsonDocument::fromJson(response.body).object();
        if (!response.ok() || body.value(QStringLiteral("status")).toString() != QLatin1String("success")) {
            QString reason = body.value(QStringLiteral("error")).toString();
            if (reason.isEmpty())
                reason = QString::fromUtf8(response.body.left(300)).trimmed();
            if (response.status == 401 || response.status == 403)
                reason = QStringLiteral("authentication refused: ") + reason;
            return QStringLiteral("%1: query %2 failed (HTTP %3): %4")
                .arg(where, promql)
                .arg(response.status)
                .arg(reason);
        }
        out = body.value(QStringLiteral("data")).toObject().value(QStringLiteral("result")).toArray();
        return {};
    }
    std::int64_t queries() const { return m_fetcher.requests(); }
    std::int64_t bytes() const { return m_fetcher.bytesReceived(); }
    bool cancelled() const { return m_cancelled; }

private:
    const PrometheusSource& m_source;
    const std::atomic<bool>* m_cancel;
    int m_timeout;
    HttpFetcher m_fetcher;
    bool m_cancelled = false;
};

} // namespace

PrometheusPullReport pullPrometheusRed(const PrometheusSource& source, std::int64_t fromNs, std::int64_t toNs,
                                       BatchSink& sink, const std::atomic<bool>* cancel, int timeoutSeconds)
{
    const auto started = std::chrono::steady_clock::now();
    PrometheusPullReport report;
    Client client(source, cancel, timeoutSeconds);
    const std::int64_t bucketNs = schema::kRollupBucketNs;
    const std::int64_t step = bucketNs / 1'000'000'000; // seconds
    // The value at t is the increase over (t - step, t]: bucket t - step. Whole buckets only.
    const std::int64_t firstBucket = (fromNs - ((fromNs % bucketNs) + bucketNs) % bucketNs) / 1'000'000'000;
    const std::int64_t lastEnd = (toNs + bucketNs - 1) / bucketNs * bucketNs / 1'000'000'000;
    const QString by =
        QStringLiteral("%1, %2, %3").arg(source.serviceLabel, source.operationLabel, source.kindLabel);
    const QString range = QStringLiteral("[%1s]").arg(step);
    const QString callsQuery = QStringLiteral("sum by (%1, %2) (increase(%3%4))")
                                   .arg(by, source.statusLabel, source.callsMetric, range);
    const QString bucketsQuery =
        QStringLiteral("sum by (%1, le) (increase(%2_bucket%3))").arg(by, source.durationMetric, range);
    const QString sumQuery =
        QStringLiteral("sum by (%1) (increase(%2_sum%3))").arg(by, source.durationMetric, range);

    std::map<Key, Cell> cells;
    std::map<std::pair<std::string, std::string>, bool> series;
    auto forEachPoint = [&](const QJsonArray& matrix, auto&& fn) {
        for (const QJsonValue& s : matrix) {
            const QJsonObject metric = s.toObject().value(QStringLiteral("metric")).toObject();
            const std::string service = metric.value(source.serviceLabel).toString().toStdString();
            const std::string operation = metric.value(source.operationLabel).toString().toStdString();
            const bool entry = isEntryKind(metric.value(source.kindLabel).toString());
            if (service.empty())
                continue;
            series[{service, operation}] = true;
            for (const QJsonValue& point : s.toObject().value(QStringLiteral("values")).toArray()) {
                const QJsonArray p = point.toArray();
                const std::int64_t t = std::int64_t(std::llround(p.at(0).toDouble()));
                const double v = p.at(1).toString().toDouble();
                if (!std::isfinite(v) || v <= 0)
                    continue;
                const std::int64_t bucket = (t - step) * 1'000'000'000;
                fn(Key{service, operation, bucket}, metric, v);
                if (entry)
                    fn(Key{service, std::string(), bucket}, metric, v);
            }
        }
    };
    for (std::int64_t chunkStart = firstBucket + step; chunkStart <= lastEnd;
         chunkStart += kMaxSteps * step) {
        const std::int64_t chunkEnd = std::min(lastEnd, chunkStart + (kMaxSteps - 1) * step);
        QJsonArray calls, buckets, sums;
        for (auto [q, out] : {std::pair{&callsQuery, &calls}, std::pair{&bucketsQuery, &buckets},
                              std::pair{&sumQuery, &sums}}) {
            report.error = client.query(*q, chunkStart, chunkEnd, step, *out);
            if (!report.error.isEmpty() || client.cancelled()) {
                report.cancelled = client.cancelled();
                report.queries = client.queries();
                report.bytes = client.bytes();
                return report;
            }
        }
        forEachPoint(calls, [&](const Key& k, const QJsonObject& metric, double v) {
            Cell& c = cells[k];
            c.requests += v;
            if (isErrorStatus(metric.value(source.statusLabel).toString()))
                c.errors += v;
        });
        forEachPoint(buckets, [&](const Key& k, const QJsonObject& metric, double v) {
            const QString le = metric.value(QStringLiteral("le")).toString();
            const double bound =
                le == QLatin1String("+Inf") ? INFINITY : le.toDouble() * source.durationUnitNs;
            cells[k].cumulative[bound] += v;
        });
        forEachPoint(sums, [&](const Key& k, const QJsonObject&, double v) {
            cells[k].sumNs += v * source.durationUnitNs;
        });
    }

    RecordBatch batch;
    batch.spansRollUp = false;
    for (const auto& [key, c] : cells) {
        const std::int64_t requests = std::llround(c.requests);
        if (requests <= 0)
            continue;
        RollupRow row;
        row.service.name = std::get<0>(key);
        row.operation = std::get<1>(key);
        row.bucket = std::get<2>(key);
        row.requests = requests;
        row.errors = std::llround(c.errors);
        row.durationSumNs = std::llround(c.sumNs);
        LatencyHistogram histogram;
        double below = 0, lower = 0;
        for (const auto& [bound, cumulative] : c.cumulative) {
            const double n = cumulative - below;
            if (n >= 0.5) {
                const double at = std::isinf(bound) ? lower : (lower + bound) / 2;
                histogram.add(std::int64_t(std::max(1.0, at)), std::uint64_t(std::llround(n)));
                row.durationMaxNs = std::int64_t(std::isinf(bound) ? lower : bound);
            }
            below = cumulative;
            if (!std::isinf(bound))
                lower = bound;
        }
        row.histogram = histogram.encode();
        report.requests += row.operation.empty() ? 0 : requests;
        batch.rollups.push_back(std::move(row));
    }
    report.cells = std::int64_t(batch.rollups.size());
    report.series = std::int64_t(series.size());
    if (!batch.rollups.empty())
        sink.submit(std::move(batch));
    report.queries = client.queries();
    report.bytes = client.bytes();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

} // namespace seam::remote
