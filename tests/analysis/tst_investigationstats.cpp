// InvestigationStats: what a cache holds, counted without scanning spans.
#include "InvestigationStats.h"
#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

class TestInvestigationStats : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void countsWhatWasWritten()
    {
        const std::string path = m_dir.filePath(QStringLiteral("stats.seam")).toStdString();
        {
            StoreWriter w(path);
            for (int i = 0; i < 3; ++i) {
                w.submit(0, browserBatch(i, traceId(i), 0x42, kT0 + i * 60'000'000'000LL));
                w.submit(0, backendBatch(traceId(i), 0x42, kT0 + i * 60'000'000'000LL,
                                         i == 2 ? StatusCode::Error : StatusCode::Unset));
            }
            QVERIFY(w.flush());
        }
        Database db = store::openForReading(path);
        const InvestigationStats s = investigationStats(db);
        QCOMPARE(s.spans, std::int64_t(12)); // per trace: the browser's fetch and three backend spans
        QCOMPARE(s.traces, std::int64_t(3));
        QCOMPARE(s.services, std::int64_t(2)); // gateway, payments; not the browser app
        QCOMPARE(s.sessions, std::int64_t(3));
        QCOMPARE(s.pageLoads, std::int64_t(3));
        QCOMPARE(s.resources, std::int64_t(3));
        QCOMPARE(s.linkedResources, std::int64_t(3));
        QCOMPARE(s.rumErrors, std::int64_t(0));
        QCOMPARE(s.errorSpans, std::int64_t(2)); // the failing trace's gateway and payments servers
        QCOMPARE(s.logs, std::int64_t(0));
        QVERIFY(s.timeRange);
        // From the first fetch's start to the last fetch's end (it outlasts its backend spans).
        QCOMPARE(s.timeRange->from, kT0 + 300'000'000);
        QCOMPARE(s.timeRange->to, kT0 + 120'000'000'000LL + 300'000'000 + 1'800'000'000);
    }

    void anEmptyCacheHasNoTimeRange()
    {
        const std::string path = m_dir.filePath(QStringLiteral("empty.seam")).toStdString();
        {
            StoreWriter w(path);
        }
        Database db = store::openForReading(path);
        const InvestigationStats s = investigationStats(db);
        QCOMPARE(s.spans, std::int64_t(0));
        QCOMPARE(s.traces, std::int64_t(0));
        QCOMPARE(s.pageLoads, std::int64_t(0));
        QVERIFY(!s.timeRange);
    }
};

QTEST_GUILESS_MAIN(TestInvestigationStats)
#include "tst_investigationstats.moc"
