// The service-rate charts' baselines kept per hour cell (ServiceBaselineCache): a cached answer is the
// uncached one, the next click in the same hour reads no baseline again (shown by changing the rollups
// under it: only an uncached load sees the change), another hour gets its own entry.

#include "RecordFactory.h"
#include "ServiceBaselineCache.h"
#include "ServiceRatesData.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

constexpr qint64 kSecond = 1'000'000'000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr TimeNs kLoad = kT0 + 30 * kMinute;

const ServiceRateSeries* find(const ServiceRatesData& d, const char* name)
{
    for (const auto& s : d.services)
        if (s.name == QLatin1String(name))
            return &s;
    return nullptr;
}

} // namespace

class TestServiceBaselines : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;
    ServiceRatesRequest m_request;

    ServiceRatesData load(const std::shared_ptr<ServiceBaselineCache>& cache)
    {
        Database db = store::openForReading(m_path);
        ServiceRatesRequest r = m_request;
        r.baselines = cache;
        return ServiceRatesData::load(db, r);
    }

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("baselines.seam")).toStdString();
        StoreWriter w(m_path);
        // Three hours of alpha -> bravo; bravo fails around the load.
        RecordBatch batch;
        int n = 1;
        for (TimeNs t = kT0 - 60 * kMinute; t < kT0 + 120 * kMinute; t += 4 * kSecond, ++n) {
            const TraceId trace = traceId(n);
            const bool burst = t >= kLoad - kMinute && t < kLoad + kMinute;
            batch.spans.push_back(
                span(trace, 0x10, 0, backend("alpha"), "GET /api", SpanKind::Server, t, 60));
            batch.spans.push_back(span(trace, 0x11, 0x10, backend("bravo"), "GET /stock", SpanKind::Server,
                                       t + kSecond / 1000, burst ? 2000 : 100,
                                       burst && n % 2 ? StatusCode::Error : StatusCode::Unset));
        }
        w.submit(0, std::move(batch));
        const TraceId selected = traceId(1'000'000);
        w.submit(0, browserBatch(1, selected, 0x42, kLoad));
        RecordBatch mine;
        mine.spans.push_back(span(selected, 0x100, 0x42, backend("alpha"), "POST /api/checkout",
                                  SpanKind::Server, kLoad + 310 * 1'000'000, 1700));
        mine.spans.push_back(span(selected, 0x101, 0x100, backend("bravo"), "GET /stock", SpanKind::Server,
                                  kLoad + 320 * 1'000'000, 1600, StatusCode::Error));
        w.submit(0, std::move(mine));
        QVERIFY(w.flush());

        Database db = store::openForReading(m_path);
        m_request.pageLoadId = db.queryInt("SELECT id FROM page_loads WHERE key = 'page-1'");
        auto st = db.prepare("SELECT id FROM traces WHERE trace_id = ?1");
        st.bindBlob(1, selected.bytes.data(), int(selected.bytes.size()));
        QVERIFY(st.step());
        m_request.traces = {st.int64(0)};
        QVERIFY(m_request.pageLoadId > 0);
    }

    void aCachedAnswerIsTheUncachedOne()
    {
        const auto cache = std::make_shared<ServiceBaselineCache>();
        const ServiceRatesData cached = load(cache);
        const ServiceRatesData uncached = load(nullptr);
        QCOMPARE(cache->size(), std::size_t(1));
        QCOMPARE(cached.services.size(), uncached.services.size());
        for (const char* name : {"alpha", "bravo"}) {
            const ServiceRateSeries* a = find(cached, name);
            const ServiceRateSeries* b = find(uncached, name);
            QVERIFY(a && b);
            QCOMPARE(a->normal.requests, b->normal.requests);
            QCOMPARE(a->normal.errors, b->normal.errors);
            QCOMPARE(a->normal.p95, b->normal.p95);
            QCOMPARE(a->incidents.size(), b->incidents.size());
            QCOMPARE(a->score, b->score);
            QCOMPARE(a->reason, b->reason);
        }
        const ServiceRateSeries* bravo = find(cached, "bravo");
        QVERIFY(bravo->misbehaving);
        QVERIFY(bravo->normal.requests > 1000);
    }

    void theNextClickInTheHourReadsNoBaseline()
    {
        const auto cache = std::make_shared<ServiceBaselineCache>();
        const qint64 before = find(load(cache), "bravo")->normal.requests;
        {
            // The first hour of the data goes: what was normal changes for whoever reads it again.
            Database db = store::openForWriting(m_path);
            auto del = db.prepare("DELETE FROM rollups WHERE bucket_ns < ?1");
            del.bind(1, std::int64_t(kT0)).run();
        }
        const qint64 uncached = find(load(nullptr), "bravo")->normal.requests;
        QVERIFY(uncached < before);
        QCOMPARE(find(load(cache), "bravo")->normal.requests, before);
        // Another hour's cell is its own entry; a new cache (the panel's after a refresh) reads anew.
        QCOMPARE(find(load(std::make_shared<ServiceBaselineCache>()), "bravo")->normal.requests, uncached);
        cache->baseline(kLoad + 2 * 3600 * kSecond, kLoad + 9 * 3600 * kSecond, "bravo",
                        [] { return NormalBaseline{}; });
        QCOMPARE(cache->size(), std::size_t(2));
    }
};

QTEST_MAIN(TestServiceBaselines)
#include "tst_servicebaselines.moc"
