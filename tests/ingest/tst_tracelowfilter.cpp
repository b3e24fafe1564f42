// TraceLowFilter: the writer skips looking a trace id up when no row of the cache can have its low 64
// bits. It must never miss a row: not the cache's rows when first asked, not the rows the writer
// reserved before that, not the rows another writer added since (or the writer would give a trace id a
// second row), and it must start over after a rollback.

#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TraceLowFilter.h"

#include <QTemporaryDir>
#include <QTest>
#include <random>
#include <set>

using namespace seam;
using namespace seam::test;

class TestTraceLowFilter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string path(const char* name) const
    {
        return m_dir.filePath(QString::fromLatin1(name)).toStdString();
    }

private slots:
    void neverMissesARowAndRarelyAnswersMaybe()
    {
        const std::string file = path("filter.seam");
        Database db = store::openForWriting(file);
        std::mt19937_64 random(3);
        std::set<std::uint64_t> stored, reserved;
        {
            Transaction tx(db);
            auto ins = db.prepare("INSERT INTO traces(trace_id, trace_lo) VALUES (?1, ?2)");
            for (int i = 0; i < 20'000; ++i) {
                const std::uint64_t low = i % 2 ? random() : std::uint64_t(i); // random and counted
                const TraceId id = TraceId::fromHalves(random(), low);
                ins.bindBlob(1, id.bytes.data(), 16).bind(2, id.low64());
                ins.run();
                stored.insert(low);
            }
            tx.commit();
        }
        TraceLowFilter filter(db);
        for (int i = 0; i < 500; ++i) { // reserved before the first question: not in the table yet
            const std::uint64_t low = random();
            reserved.insert(low);
            filter.add(low);
        }
        for (const std::uint64_t low : stored)
            QVERIFY(filter.mayContain(low));
        for (const std::uint64_t low : reserved)
            QVERIFY(filter.mayContain(low));
        int maybe = 0;
        for (int i = 0; i < 100'000; ++i) {
            const std::uint64_t low = random();
            if (!stored.count(low) && !reserved.count(low) && filter.mayContain(low))
                ++maybe;
        }
        QVERIFY2(maybe < 100, qPrintable(QString::number(maybe))); // ~0.01% at this fill

        // Another connection adds rows: unseen until the filter is told, then read.
        const TraceId late = TraceId::fromHalves(7, 0x5eed);
        {
            Database other = store::openForWriting(file);
            auto ins = other.prepare("INSERT INTO traces(trace_id, trace_lo) VALUES (?1, ?2)");
            ins.bindBlob(1, late.bytes.data(), 16).bind(2, late.low64());
            ins.run();
        }
        filter.markStale();
        QVERIFY(filter.mayContain(late.low64()));

        // After a rollback it reads everything again (and forgets what it was told).
        filter.reset();
        for (const std::uint64_t low : stored)
            QVERIFY(filter.mayContain(low));
        QVERIFY(filter.mayContain(late.low64()));
    }

    void aWriterFindsTheTracesAnotherWriterAddedMeanwhile()
    {
        // Writer A has read its filter; writer B then creates trace 2; A's span of trace 2 must go to
        // B's row, not to a second row for the same id.
        const std::string file = path("two.seam");
        StoreWriter a(file);
        a.submit(0, backendBatch(traceId(1), 0x42, kT0));
        QVERIFY(a.flush());
        {
            StoreWriter b(file);
            b.submit(0, backendBatch(traceId(2), 0x43, kT0));
            QVERIFY(b.flush());
        }
        RecordBatch more;
        more.spans.push_back(span(traceId(2), 0x77, 0x43, backend("gateway"), "GET /late", SpanKind::Server,
                                  kT0 + 5'000'000, 3));
        a.submit(0, std::move(more));
        QVERIFY(a.flush());
        Database db = store::openForReading(file);
        auto rows = db.prepare("SELECT count(*), sum(span_count) FROM traces WHERE trace_id = ?1");
        const TraceId two = traceId(2);
        rows.bindBlob(1, two.bytes.data(), 16);
        QVERIFY(rows.step());
        QCOMPARE(rows.int64(0), std::int64_t(1));
        QCOMPARE(rows.int64(1),
                 db.queryInt(
                     "SELECT count(*) FROM spans s JOIN traces t ON t.id = s.trace "
                     "WHERE t.trace_id = x'" +
                     QByteArray(reinterpret_cast<const char*>(two.bytes.data()), 16).toHex().toStdString() +
                     "'"));
    }
};

QTEST_GUILESS_MAIN(TestTraceLowFilter)
#include "tst_tracelowfilter.moc"
