#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

class TestCorrelator : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string dbPath(const char* name) { return m_dir.filePath(QLatin1String(name)).toStdString(); }

    static void expectLinked(const std::string& path, const char* method, double confidence)
    {
        Database db = store::openForReading(path);
        auto st =
            db.prepare("SELECT l.method, l.confidence, l.span_id, p.linked_count, p.services, p.backend_ns "
                       "FROM links l JOIN resources r ON r.id = l.resource_id JOIN page_loads p ON p.id = "
                       "r.page_load_id");
        QVERIFY(st.step());
        QCOMPARE(std::string(st.text(0)), std::string(method));
        QCOMPARE(st.real(1), confidence);
        QCOMPARE(st.int64(2), 0x100); // the gateway server span, child of the fetch span
        QCOMPARE(st.int64(3), 1);
        QCOMPARE(std::string(st.text(4)), std::string("gateway,payments"));
        QCOMPARE(st.int64(5), 1'700'000'000);
        QVERIFY(!st.step());
    }

private slots:
    void linksSameTraceInOneBatch()
    {
        const auto path = dbPath("same.seam");
        {
            StoreWriter w(path);
            RecordBatch b = browserBatch(1, traceId(1), 0x42, kT0);
            RecordBatch back = backendBatch(traceId(1), 0x42, kT0);
            for (auto& s : back.spans)
                b.spans.push_back(s);
            w.submit(0, std::move(b));
            QVERIFY(w.flush());
        }
        expectLinked(path, "trace", 1.0);
    }

    void backendArrivesAfterRum()
    {
        const auto path = dbPath("late-backend.seam");
        {
            StoreWriter w(path);
            w.submit(0, browserBatch(2, traceId(2), 0x42, kT0));
            QVERIFY(w.flush());
            Database db = store::openForReading(path);
            QCOMPARE(db.queryInt("SELECT count(*) FROM links"), 0);
        }
        {
            StoreWriter w(path); // a later import, even in another process run
            w.submit(0, backendBatch(traceId(2), 0x42, kT0));
            QVERIFY(w.flush());
        }
        expectLinked(path, "trace", 1.0);
    }

    void rumArrivesAfterBackend()
    {
        const auto path = dbPath("late-rum.seam");
        {
            StoreWriter w(path);
            w.submit(0, backendBatch(traceId(3), 0x42, kT0));
            QVERIFY(w.flush());
        }
        {
            StoreWriter w(path);
            w.submit(0, browserBatch(3, traceId(3), 0x42, kT0));
            QVERIFY(w.flush());
        }
        expectLinked(path, "trace", 1.0);
    }

    void spansOfLinkedTraceArrivingLaterUpdateThePageLoad()
    {
        const auto path = dbPath("partial.seam");
        StoreWriter w(path);
        w.submit(0, browserBatch(4, traceId(4), 0x42, kT0));
        RecordBatch back = backendBatch(traceId(4), 0x42, kT0);
        RecordBatch gatewayOnly;
        gatewayOnly.spans.push_back(back.spans[0]);
        w.submit(0, std::move(gatewayOnly));
        QVERIFY(w.flush());
        {
            Database db = store::openForReading(path);
            QCOMPARE(db.queryInt("SELECT services = 'gateway' FROM page_loads"), 1);
        }
        back.spans.erase(back.spans.begin());
        w.submit(0, std::move(back));
        QVERIFY(w.flush());
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT services = 'gateway,payments' FROM page_loads"), 1);
    }

    void propagatedHeaderIdsNameTheirMethod()
    {
        const auto path = dbPath("header.seam");
        {
            StoreWriter w(path);
            RecordBatch b = browserBatch(5, traceId(5), 0x42, kT0);
            b.spans.clear(); // e.g. a HAR: no browser span, only the propagated header
            b.resources[0].traceIdSource = TraceIdSource::TraceparentHeader;
            w.submit(0, std::move(b));
            w.submit(0, backendBatch(traceId(5), 0x42, kT0));
            QVERIFY(w.flush());
        }
        expectLinked(path, "traceparent-header", 1.0);
    }

    void datadogLow64IdsMatchLater()
    {
        const auto path = dbPath("datadog.seam");
        {
            StoreWriter w(path);
            RecordBatch b = browserBatch(6, traceId(6), 0x42, kT0);
            b.spans.clear();
            b.resources[0].traceId = TraceId{};
            b.resources[0].traceIdLow64 = traceId(6).low64();
            b.resources[0].traceIdSource = TraceIdSource::DatadogId;
            w.submit(0, std::move(b));
            QVERIFY(w.flush());
            w.submit(0, backendBatch(traceId(6), 0x42, kT0));
            QVERIFY(w.flush());
        }
        expectLinked(path, "datadog-id", 1.0);
    }

    void noBackendNoLink()
    {
        const auto path = dbPath("none.seam");
        StoreWriter w(path);
        w.submit(0, browserBatch(8, traceId(8), 0x42, kT0));
        w.submit(0, backendBatch(traceId(9), 0x42, kT0)); // another trace
        QVERIFY(w.flush());
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT count(*) FROM links"), 0);
        QCOMPARE(db.queryInt("SELECT linked_count FROM page_loads"), 0);
    }
};

QTEST_GUILESS_MAIN(TestCorrelator)
#include "tst_correlator.moc"
