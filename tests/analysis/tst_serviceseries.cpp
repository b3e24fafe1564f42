// ServiceSeries and RedTotals: RED series per backend service from the rollups, and the step rule the
// command line and the service-rate charts share.
#include "RecordFactory.h"
#include "RedTotals.h"
#include "Schema.h"
#include "ServiceSeries.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kBucket = schema::kRollupBucketNs;

} // namespace

class TestServiceSeries : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;

private slots:
    void initTestCase()
    {
        // api 1.0.0: three root requests of 100 ms at kT0 + 1 s (one failing), two at kT0 + 61 s;
        // api 2.0.0: one at kT0 + 31 s. Each calls db (a client span: not an entry of api, and db has no
        // entry spans at all). The browser app's spans are no backend service.
        m_path = m_dir.filePath(QStringLiteral("series.seam")).toStdString();
        StoreWriter w(m_path);
        RecordBatch b;
        int n = 0;
        const auto request = [&](const std::string& version, TimeNs start, StatusCode status) {
            const TraceId trace = traceId(n++);
            b.spans.push_back(span(trace, 0x1, 0, backend("api", version), "GET /items", SpanKind::Server,
                                   start, 100, status));
            b.spans.push_back(span(trace, 0x2, 0x1, backend("db"), "SELECT items", SpanKind::Client,
                                   start + 1'000'000, 50));
        };
        for (int i = 0; i < 3; ++i)
            request("1.0.0", kT0 + 1 * kSecond, i == 0 ? StatusCode::Error : StatusCode::Unset);
        request("2.0.0", kT0 + 31 * kSecond, StatusCode::Unset);
        for (int i = 0; i < 2; ++i)
            request("1.0.0", kT0 + 61 * kSecond, StatusCode::Unset);
        b.spans.push_back(span(traceId(100), 0x9, 0, browserApp(), "documentLoad", SpanKind::Internal,
                               kT0 + 5 * kSecond, 900));
        w.submit(0, std::move(b));
        QVERIFY(w.flush());
    }

    void redTotalsAddRowsAndTotals()
    {
        RedTotals none;
        QCOMPARE(none.errorRate(), 0.0);
        LatencyHistogram h;
        h.add(100'000'000, 4);
        RedTotals a;
        a.add(4, 1, h.encode());
        QCOMPARE(a.errorRate(), 0.25);
        RedTotals b;
        b.add(a);
        b.add(a);
        QCOMPARE(b.requests, std::int64_t(8));
        QCOMPARE(b.errors, std::int64_t(2));
        QCOMPARE(b.latency.count(), std::uint64_t(8));
        const RedPoint p = RedPoint::of(42, b);
        QCOMPARE(p.t, std::int64_t(42));
        QCOMPARE(p.requests, std::int64_t(8));
        QCOMPARE(p.errorRate, 0.25);
        QCOMPARE(p.p50, b.latency.quantile(0.5));
        QCOMPARE(p.p99, b.latency.quantile(0.99));
        QCOMPARE(RedPoint::of(0, none).p95, std::int64_t(0));
    }

    void stepsAreWholeBuckets()
    {
        QCOMPARE(rollupStep(0, 120), kBucket);                       // at least one bucket
        QCOMPARE(rollupStep(120 * kBucket, 120), kBucket);           // exactly one bucket per step
        QCOMPARE(rollupStep(120 * kBucket + 120, 120), 2 * kBucket); // a little over: rounded up
        QCOMPARE(rollupStep(30 * 60 * kSecond, 60), 3 * kBucket);    // ±15 min in ~60 steps: 30 s
        QCOMPARE(rollupStep(kBucket, 0), kBucket);                   // no target: no division by zero
    }

    void seriesPerServiceOverTheWholeCache()
    {
        Database db = store::openForReading(m_path);
        const ServiceSeriesSet set = serviceSeries(db, std::nullopt, std::nullopt, 60 * kSecond);
        QVERIFY(set.hasWindow);
        QCOMPARE(set.from, kT0);                        // the first rollup bucket
        QCOMPARE(set.to, kT0 + 60 * kSecond + kBucket); // after the last one
        QCOMPARE(set.step, 60 * kSecond);
        QCOMPARE(set.services.size(), std::size_t(1)); // db has no entry spans, the browser app is no service
        const ServiceSeries& api = set.services[0];
        QCOMPARE(api.name, std::string("api"));
        QCOMPARE(api.versions, (std::vector<std::string>{"1.0.0", "2.0.0"}));
        QCOMPARE(api.total.requests, std::int64_t(6));
        QCOMPARE(api.total.errors, std::int64_t(1));
        QCOMPARE(api.total.errorRate, 1.0 / 6.0);
        QVERIFY2(api.total.p50 > 94'000'000 && api.total.p50 < 106'000'000,
                 qPrintable(QString::number(api.total.p50)));
        QCOMPARE(api.series.size(), std::size_t(2));
        QCOMPARE(api.series[0].t, kT0);
        QCOMPARE(api.series[0].requests, std::int64_t(4)); // both versions in the first minute
        QCOMPARE(api.series[0].errors, std::int64_t(1));
        QCOMPARE(api.series[1].t, kT0 + 60 * kSecond);
        QCOMPARE(api.series[1].requests, std::int64_t(2));
        QCOMPARE(api.series[1].errorRate, 0.0);
    }

    void stepsAreRoundedDownToBucketsAndAlignedOnFrom()
    {
        Database db = store::openForReading(m_path);
        const ServiceSeriesSet set = serviceSeries(db, kT0 + 5 * kSecond, kT0 + 65 * kSecond, 25 * kSecond);
        QCOMPARE(set.step, 20 * kSecond);
        QCOMPARE(set.from, kT0 + 5 * kSecond);
        // Buckets kT0 + 30 s (the 2.0.0 request) and kT0 + 60 s, in steps counted from `from`.
        const ServiceSeries& api = set.services.at(0);
        QCOMPARE(api.versions, (std::vector<std::string>{"1.0.0", "2.0.0"}));
        QCOMPARE(api.series.size(), std::size_t(2));
        QCOMPARE(api.series[0].t, kT0 + 25 * kSecond);
        QCOMPARE(api.series[0].requests, std::int64_t(1));
        QCOMPARE(api.series[1].t, kT0 + 45 * kSecond);
        QCOMPARE(api.series[1].requests, std::int64_t(2));
        // Automatic: about 120 steps of the 70 s window is one bucket each.
        QCOMPARE(serviceSeries(db, std::nullopt, std::nullopt, 0).step, kBucket);
    }

    void noWindowNoSeries()
    {
        Database db = store::openForReading(m_path);
        const ServiceSeriesSet backwards = serviceSeries(db, kT0 + 60 * kSecond, kT0, 0);
        QVERIFY(!backwards.hasWindow);
        QVERIFY(backwards.services.empty());
        const std::string empty = m_dir.filePath(QStringLiteral("empty.seam")).toStdString();
        {
            StoreWriter w(empty);
        }
        Database none = store::openForReading(empty);
        QVERIFY(!serviceSeries(none, std::nullopt, std::nullopt, 0).hasWindow);
        // A window with nothing in it is a window: no services.
        const ServiceSeriesSet quiet = serviceSeries(none, kT0, kT0 + kBucket, 0);
        QVERIFY(quiet.hasWindow);
        QVERIFY(quiet.services.empty());
    }
};

QTEST_GUILESS_MAIN(TestServiceSeries)
#include "tst_serviceseries.moc"
