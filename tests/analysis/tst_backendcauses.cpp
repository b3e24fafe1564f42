// BackendCauses: self time per operation over a page load's traces, ranked, compared with the
// operation's typical latency from the rollups.
#include "BackendCauses.h"
#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

constexpr std::int64_t kMs = 1'000'000;

/// gateway SERVER -> payments SERVER -> payments SELECT (CLIENT) under the browser's fetch span:
/// `selectMs` for the query, whose caller adds 50 ms of its own and the gateway 150 ms.
RecordBatch checkout(const TraceId& trace, TimeNs start, std::int64_t selectMs)
{
    RecordBatch b;
    b.spans.push_back(
        span(trace, 0x42, 0, browserApp(), "HTTP POST", SpanKind::Client, start, selectMs + 400));
    b.spans.push_back(span(trace, 0x100, 0x42, backend("gateway"), "POST /api/checkout", SpanKind::Server,
                           start + 10 * kMs, selectMs + 200));
    b.spans.push_back(span(trace, 0x101, 0x100, backend("payments"), "POST /charge", SpanKind::Server,
                           start + 20 * kMs, selectMs + 50));
    b.spans.push_back(span(trace, 0x102, 0x101, backend("payments"), "SELECT payment_accounts",
                           SpanKind::Client, start + 30 * kMs, selectMs));
    return b;
}

} // namespace

class TestBackendCauses : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;

    std::int64_t traceRow(int n)
    {
        Database db = store::openForReading(m_path);
        auto st = db.prepare("SELECT id FROM traces WHERE trace_id = ?1");
        const TraceId id = traceId(n);
        st.bindBlob(1, id.bytes.data(), 16);
        return st.step() ? st.int64(0) : -1;
    }

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("causes.seam")).toStdString();
        StoreWriter w(m_path);
        // Trace 0 is the slow one (a 1500 ms query); traces 1..9 are typical (100 ms).
        w.submit(0, checkout(traceId(0), kT0, 1500));
        for (int i = 1; i < 10; ++i)
            w.submit(0, checkout(traceId(i), kT0 + i * 20'000'000'000LL, 100));
        // Trace 10: a handler waiting on two parallel calls [10, 50] and [30, 70] ms of its 100 ms, and a
        // wrapper span exactly covered by the handler (no self time of its own).
        RecordBatch parallel;
        const TimeNs t = kT0 + 300'000'000'000LL;
        const TraceId p = traceId(10);
        parallel.spans.push_back(span(p, 0x1, 0, backend("search"), "wrapper", SpanKind::Server, t, 100));
        parallel.spans.push_back(span(p, 0x2, 0x1, backend("search"), "handler", SpanKind::Internal, t, 100));
        parallel.spans.push_back(
            span(p, 0x3, 0x2, backend("index"), "lookup", SpanKind::Server, t + 10 * kMs, 40));
        parallel.spans.push_back(
            span(p, 0x4, 0x2, backend("index"), "lookup", SpanKind::Server, t + 30 * kMs, 40));
        w.submit(0, std::move(parallel));
        QVERIFY(w.flush());
    }

    void ranksSelfTimeAndComparesWithTheTypical()
    {
        Database db = store::openForReading(m_path);
        const std::vector<std::int64_t> traces{traceRow(0)};
        const std::vector<BackendCause> causes = backendCauses(db, traces);
        QCOMPARE(causes.size(), std::size_t(3)); // the browser's fetch span is not a backend cause
        const BackendCause& query = causes[0];
        QVERIFY(query.named);
        QCOMPARE(query.service, std::string("payments"));
        QCOMPARE(query.operation, std::string("SELECT payment_accounts"));
        QCOMPARE(query.selfNs, 1500 * kMs);
        QCOMPARE(query.calls, std::int64_t(1));
        QCOMPARE(query.meanNs, 1500.0 * kMs);
        // Self time in the trace: 1500 (query) + 50 (charge) + 150 (gateway).
        QCOMPARE(query.share, 1500.0 / 1700.0);
        // Typical: the p50 over all ten traces is one of the nine 100 ms queries (histogram: within 6%).
        QVERIFY(query.typicalP50Ns);
        QVERIFY2(*query.typicalP50Ns > 94 * kMs && *query.typicalP50Ns < 106 * kMs,
                 qPrintable(QString::number(*query.typicalP50Ns)));
        QCOMPARE(query.slowdown, query.meanNs / double(*query.typicalP50Ns));
        QCOMPARE(causes[1].service, std::string("gateway"));
        QCOMPARE(causes[1].selfNs, 150 * kMs);
        QCOMPARE(causes[1].meanNs, 1700.0 * kMs);
        QCOMPARE(causes[2].operation, std::string("POST /charge"));
        QCOMPARE(causes[2].selfNs, 50 * kMs);
    }

    void sumsOverTracesAndHonoursTheLimit()
    {
        Database db = store::openForReading(m_path);
        const std::vector<std::int64_t> traces{traceRow(1), traceRow(2), traceRow(3)};
        const std::vector<BackendCause> top = backendCauses(db, traces, 1);
        QCOMPARE(top.size(), std::size_t(1));
        // Typical traces: the gateway's 3 x 150 ms beat the queries' 3 x 100 ms.
        QCOMPARE(top[0].operation, std::string("POST /api/checkout"));
        QCOMPARE(top[0].selfNs, 450 * kMs);
        QCOMPARE(top[0].calls, std::int64_t(3));
        QCOMPARE(top[0].meanNs, 300.0 * kMs); // mean duration, not mean self time
        QCOMPARE(top[0].share, 450.0 / 900.0);
        QVERIFY(backendCauses(db, std::vector<std::int64_t>{}).empty());
        QVERIFY(backendCauses(db, std::vector<std::int64_t>{999'999}).empty());
    }

    void parallelChildrenCountOnceAndNoSelfTimeIsNoCause()
    {
        Database db = store::openForReading(m_path);
        const std::vector<std::int64_t> traces{traceRow(10)};
        const std::vector<BackendCause> causes = backendCauses(db, traces);
        QCOMPARE(causes.size(), std::size_t(2)); // the wrapper has no self time: dropped
        QCOMPARE(causes[0].operation, std::string("lookup"));
        QCOMPARE(causes[0].selfNs, 80 * kMs);
        QCOMPARE(causes[0].calls, std::int64_t(2));
        QCOMPARE(causes[1].operation, std::string("handler"));
        // 100 ms minus the union [10, 70] of its children: 40 (the sum would say 20).
        QCOMPARE(causes[1].selfNs, 40 * kMs);
        QCOMPARE(causes[0].share, 80.0 / 120.0);
    }

    void withoutRollupsThereIsNoTypical()
    {
        {
            Database rw(m_path, Database::Mode::ReadWrite);
            rw.exec("DELETE FROM rollups WHERE operation_id IN (SELECT id FROM operations WHERE name = "
                    "'lookup')");
        }
        Database db = store::openForReading(m_path);
        const std::vector<std::int64_t> traces{traceRow(10)};
        const std::vector<BackendCause> causes = backendCauses(db, traces);
        QCOMPARE(causes[0].operation, std::string("lookup"));
        QVERIFY(!causes[0].typicalP50Ns);
        QCOMPARE(causes[0].slowdown, 0.0);
        QVERIFY(causes[1].typicalP50Ns);
    }
};

QTEST_GUILESS_MAIN(TestBackendCauses)
#include "tst_backendcauses.moc"
