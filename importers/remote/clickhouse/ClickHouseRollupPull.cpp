#include "ClickHouseRollupPull.h"

#include "BatchSink.h"
#include "ClickHouseClient.h"
#include "ClickHouseRollups.h"
#include "HttpFetcher.h"
#include "Records.h"
#include "StoreWriter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <chrono>

namespace seam::remote {

RollupPullReport pullClickHouseRollups(const ClickHouseSource& source,
                                       const std::vector<CoveredRange>& ranges, BatchSink& sink,
                                       const std::atomic<bool>* cancel, int timeoutSeconds,
                                       const std::function<void(double)>& progress)
{
    const auto started = std::chrono::steady_clock::now();
    RollupPullReport out;
    HttpFetcher fetcher;
    ClickHouseClient client(source, fetcher);
    client.setCancelFlag(cancel);
    client.setTimeoutSeconds(timeoutSeconds);
    auto finish = [&] {
        out.requests = fetcher.requests();
        out.bytes = fetcher.bytesReceived();
        out.wireBytes = fetcher.wireBytesReceived();
        out.bytesSent = fetcher.bytesSent();
        out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return out;
    };
    if (ranges.empty())
        return finish();
    // Whether the resource attributes exist decides the browser predicate and the service's dimensions.
    const QueryResult desc = client.query(
        QStringLiteral("reading the columns of %1.%2").arg(source.database, source.table),
        QStringLiteral(
            "SELECT count() AS n, countIf(name = 'ResourceAttributes') AS attrs FROM system.columns "
            "WHERE database = {db:String} AND table = {table:String}"));
    if (!desc.ok()) {
        out.error = desc.error;
        out.cancelled = desc.cancelled;
        return finish();
    }
    const QJsonObject shape = QJsonDocument::fromJson(desc.body.split('\n').value(0)).object();
    if (shape.value(QStringLiteral("n")).toVariant().toLongLong() == 0) {
        out.error = QStringLiteral("ClickHouse at %1:%2: no table %3.%4 (unknown table)")
                        .arg(source.host)
                        .arg(source.port)
                        .arg(source.database, source.table);
        return finish();
    }
    const bool attrs = shape.value(QStringLiteral("attrs")).toVariant().toLongLong() > 0;
    const QString browser = browserPredicate(attrs);

    std::int64_t total = 0, done = 0;
    for (const CoveredRange& r : ranges)
        total += r.to - r.from;
    for (const CoveredRange& range : ranges) {
        for (std::int64_t from = range.from; from < range.to; from += kRollupChunkNs) {
            const std::int64_t to = std::min(range.to, from + kRollupChunkNs);
            std::vector<RollupRow> rollups;
            CoveredRange counted;
            const QString error = fetchRollups(client, browser, attrs, from, to, rollups, &counted);
            if (!error.isEmpty()) {
                out.error = error;
                out.cancelled = cancel && cancel->load();
                return finish();
            }
            out.cells += std::int64_t(rollups.size());
            for (std::size_t first = 0; first < rollups.size(); first += 5000) {
                RecordBatch batch;
                batch.spansRollUp = false;
                const std::size_t last = std::min(rollups.size(), first + 5000);
                batch.rollups.assign(std::make_move_iterator(rollups.begin() + std::ptrdiff_t(first)),
                                     std::make_move_iterator(rollups.begin() + std::ptrdiff_t(last)));
                sink.submit(std::move(batch));
            }
            // Adjacent chunks of one range are recorded as one.
            if (!out.counted.empty() && out.counted.back().to == counted.from)
                out.counted.back().to = counted.to;
            else
                out.counted.push_back(counted);
            done += to - from;
            if (progress && total > 0)
                progress(double(done) / double(total));
        }
    }
    return finish();
}

bool recordRollupCoverage(StoreWriter& writer, const std::string& source,
                          const std::vector<CoveredRange>& ranges, const char* what)
{
    if (ranges.empty())
        return true;
    return writer.runInTransaction([&](Database& db) {
        for (const CoveredRange& r : ranges)
            store::recordRollupCoverage(db, source, r, what);
    });
}

bool recordPullCoverage(StoreWriter& writer, const std::string& source, const PullReport& pulled)
{
    if (!pulled.error.isEmpty())
        return true;
    if (!recordRollupCoverage(writer, source, {pulled.rollupRange}))
        return false;
    // A cancelled pull stopped somewhere in its browser side: those page loads are not all there.
    return pulled.cancelled ||
           recordRollupCoverage(writer, source, {pulled.browserRange}, store::kCoverPageLoads);
}

std::vector<CoveredRange> readRollupCoverage(StoreWriter& writer, const std::string& source, const char* what)
{
    std::vector<CoveredRange> out;
    writer.runInTransaction([&](Database& db) { out = store::rollupCoverage(db, source, what); });
    return out;
}

} // namespace seam::remote
