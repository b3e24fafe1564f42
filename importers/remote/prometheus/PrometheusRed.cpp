#include "PrometheusRed.h"

#include "BatchSink.h"
#include "HttpFetcher.h"
#include "PrometheusMatrix.h"
#include "Schema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>
#include <chrono>

namespace seam::remote {
namespace {

constexpr std::int64_t kMaxSteps = 10000; // Prometheus refuses more than 11,000 points per series

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

    PrometheusMatrix matrix(source);
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
        matrix.addCalls(calls);
        matrix.addBuckets(buckets);
        matrix.addSums(sums);
    }
    report.cells = matrix.submit(sink);
    report.series = matrix.series();
    report.requests = matrix.requests();
    report.queries = client.queries();
    report.bytes = client.bytes();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

} // namespace seam::remote
