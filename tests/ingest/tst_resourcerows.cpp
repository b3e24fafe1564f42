// RumWriter's resources: a resource whose OTLP key names a trace the write group created cannot be in
// the cache yet, so such rows go in 16 to an INSERT; a key met twice (in one batch, or in two batches of
// one transaction) is written once, and resources of traces the cache already had are still checked one
// by one (a re-import adds nothing). Whichever way a row goes, it is counted and attached the same.

#include "BatchResult.h"
#include "BatchWriter.h"
#include "RecordFactory.h"
#include "ResourceKey.h"
#include "RollupAccumulator.h"
#include "Sqlite.h"
#include "Store.h"

#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <sqlite3.h>

using namespace seam;
using namespace seam::test;

namespace {

/// Counts the statements that insert into `resources` run on a connection.
struct ResourceInsertCounter
{
    int statements = 0;
    static int onStatement(unsigned, void* self, void* stmt, void*)
    {
        const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
        if (sql && std::strstr(sql, "INTO resources(") != nullptr)
            ++static_cast<ResourceInsertCounter*>(self)->statements;
        return 0;
    }
};

/// A page's fetch calls, each its own trace (as OTLP browser spans make them), keyed as the OTLP mapper
/// keys them.
RecordBatch calls(int firstTrace, int count)
{
    RecordBatch b;
    SessionRecord s;
    s.key = "session-a";
    s.start = kT0;
    b.sessions.push_back(s);
    for (int i = 0; i < count; ++i) {
        ResourceRecord r;
        r.traceId = traceId(firstTrace + i);
        r.spanId = SpanId(0x500 + i);
        r.key = resource_key::otelText(r.traceId, r.spanId);
        r.sessionKey = s.key;
        r.type = "fetch";
        r.method = "GET";
        r.url = "https://shop.example/api/item/" + std::to_string(i);
        r.statusCode = i % 7 == 0 ? 503 : 200;
        r.start = kT0 + i * 1'000'000LL;
        r.duration = 20'000'000;
        r.traceIdSource = TraceIdSource::SameTrace;
        b.resources.push_back(r);
    }
    return b;
}

} // namespace

class TestResourceRows : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    struct Writer
    {
        explicit Writer(const std::string& path) : db(opened(path)), batches(db)
        {
            sqlite3_trace_v2(db.handle(), SQLITE_TRACE_STMT, &ResourceInsertCounter::onStatement, &counter);
        }
        static Database opened(const std::string& path)
        {
            Database db = store::openForWriting(path);
            RollupAccumulator::registerFunctions(db); // as StoreWriter does
            return db;
        }
        /// Batches written as one group: one transaction, one finish().
        BatchResult writeGroup(std::initializer_list<const RecordBatch*> group)
        {
            BatchResult total;
            Transaction tx(db);
            batches.beginTransaction();
            for (const RecordBatch* b : group) {
                const BatchResult r = batches.writeRows(*b, 1);
                total.newResources += r.newResources;
                total.newRecords += r.newRecords;
            }
            batches.finish();
            tx.commit();
            batches.committed();
            return total;
        }
        Database db;
        BatchWriter batches;
        ResourceInsertCounter counter;
    };

    std::string path(const char* name) { return m_dir.filePath(QLatin1String(name)).toStdString(); }

    /// Every resource column but the row id, in key order: what two ways of writing must agree on.
    static QStringList rows(Database& db)
    {
        QStringList out;
        auto q =
            db.prepare("SELECT quote(key), page_load_id, session_id, type, method, url, status, start_ns, "
                       "duration_ns, trace, span_id, id_source, source_id FROM resources ORDER BY key");
        while (q.step()) {
            QString row;
            for (int c = 0; c < 13; ++c)
                row += QString::fromStdString(std::string(q.text(c))) + QLatin1Char('|');
            out << row;
        }
        return out;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void freshResourcesGoInManyRowsPerStatement()
    {
        Writer fresh(path("fresh.seam"));
        const RecordBatch batch = calls(1, 40);
        const BatchResult r = fresh.writeGroup({&batch});
        QCOMPARE(r.newResources, std::uint64_t(40));
        // Their traces are new: two statements of 16 rows, then the last eight one by one.
        QCOMPARE(fresh.counter.statements, 2 + 8);
        QCOMPARE(fresh.db.queryInt("SELECT count(*) FROM resources"), 40);
        QCOMPARE(fresh.db.queryInt("SELECT count(*) FROM resources WHERE session_id IS NOT NULL"), 40);

        // The same calls when the cache had their traces already (the backend dump came first): one
        // statement each, and the same rows.
        Writer known(path("known.seam"));
        RecordBatch spans;
        for (const ResourceRecord& call : batch.resources)
            spans.spans.push_back(span(call.traceId, 0x9000, 0, backend("api"), "GET /api/item",
                                       SpanKind::Server, call.start + 1'000'000, 10));
        known.writeGroup({&spans});
        known.counter.statements = 0;
        QCOMPARE(known.writeGroup({&batch}).newResources, std::uint64_t(40));
        QCOMPARE(known.counter.statements, 40);
        const QStringList a = rows(fresh.db), b = rows(known.db);
        QCOMPARE(a.size(), 40);
        QCOMPARE(a, b);
    }

    void aResourceTwiceInAGroupIsWrittenOnce()
    {
        // A call twice in a batch, and the whole batch again in the same transaction (an exporter that
        // sent a request twice): each call once, the first copy kept, nothing fails.
        Writer w(path("twice.seam"));
        RecordBatch first = calls(100, 20);
        ResourceRecord copy = first.resources[2];
        copy.url = "https://shop.example/the-second-copy";
        first.resources.insert(first.resources.begin() + 10, copy);
        const RecordBatch second = calls(100, 20);
        const BatchResult r = w.writeGroup({&first, &second});
        QCOMPARE(r.newResources, std::uint64_t(20));
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM resources"), 20);
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM resources WHERE url LIKE '%second-copy'"), 0);
    }

    void aReimportAddsNothing()
    {
        Writer w(path("again.seam"));
        const RecordBatch batch = calls(200, 40);
        QCOMPARE(w.writeGroup({&batch}).newResources, std::uint64_t(40));
        const QStringList before = rows(w.db);
        w.counter.statements = 0;
        // The traces are the cache's now: each call asked of SQLite on its own, and ignored.
        QCOMPARE(w.writeGroup({&batch}).newResources, std::uint64_t(0));
        QCOMPARE(w.counter.statements, 40);
        QCOMPARE(rows(w.db), before);
    }
};

QTEST_GUILESS_MAIN(TestResourceRows)
#include "tst_resourcerows.moc"
