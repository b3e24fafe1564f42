// TraceServices: the backend services a page load's traces reached, with span and error counts.
#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TraceServices.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

class TestTraceServices : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;

    std::int64_t traceRow(Database& db, int n)
    {
        auto st = db.prepare("SELECT id FROM traces WHERE trace_id = ?1");
        const TraceId id = traceId(n);
        st.bindBlob(1, id.bytes.data(), 16);
        return st.step() ? st.int64(0) : -1;
    }

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("services.seam")).toStdString();
        StoreWriter w(m_path);
        // Trace 0: gateway -> payments (1.0.0) -> its query, all fine; trace 1: the same, failing, with
        // payments 2.0.0 answering. Each under a browser fetch span.
        for (int i = 0; i < 2; ++i) {
            RecordBatch b = browserBatch(i, traceId(i), 0x42, kT0 + i * 60'000'000'000LL);
            RecordBatch backendSpans = backendBatch(traceId(i), 0x42, kT0 + i * 60'000'000'000LL,
                                                    i == 1 ? StatusCode::Error : StatusCode::Unset);
            if (i == 1)
                for (SpanRecord& s : backendSpans.spans)
                    if (s.service.name == "payments")
                        s.service = backend("payments", "2.0.0");
            w.submit(0, std::move(b));
            w.submit(0, std::move(backendSpans));
        }
        QVERIFY(w.flush());
    }

    void countsPerServiceNameWithoutTheBrowser()
    {
        Database db = store::openForReading(m_path);
        const std::vector<std::int64_t> both{traceRow(db, 0), traceRow(db, 1)};
        const std::vector<TraceServiceCount> counts = traceServiceCounts(db, both);
        QCOMPARE(counts.size(), std::size_t(2)); // shop-web (the browser app) is not a backend service
        QCOMPARE(counts[0].name, std::string("gateway"));
        QCOMPARE(counts[0].spans, std::int64_t(2));
        QCOMPARE(counts[0].errorSpans, std::int64_t(1));
        // Both versions of payments are one service: 2 spans per trace, the failing charge in trace 1.
        QCOMPARE(counts[1].name, std::string("payments"));
        QCOMPARE(counts[1].spans, std::int64_t(4));
        QCOMPARE(counts[1].errorSpans, std::int64_t(1));
    }

    void oneTraceOrNone()
    {
        Database db = store::openForReading(m_path);
        const std::vector<std::int64_t> first{traceRow(db, 0)};
        const std::vector<TraceServiceCount> counts = traceServiceCounts(db, first);
        QCOMPARE(counts.size(), std::size_t(2));
        QCOMPARE(counts[1].spans, std::int64_t(2));
        QCOMPARE(counts[1].errorSpans, std::int64_t(0));
        QVERIFY(traceServiceCounts(db, std::vector<std::int64_t>{}).empty());
        QVERIFY(traceServiceCounts(db, std::vector<std::int64_t>{999'999}).empty());
    }
};

QTEST_GUILESS_MAIN(TestTraceServices)
#include "tst_traceservices.moc"
