// SpanWriter: spans of traces a batch creates go in many rows per INSERT (none of them can exist yet),
// de-duplicated in memory; spans of traces already in the cache one at a time (INSERT OR IGNORE), so a
// re-import adds nothing. Either way each new span gets its own payload row and is counted once.

#include "BatchResult.h"
#include "DimensionCache.h"
#include "RecordFactory.h"
#include "RollupAccumulator.h"
#include "SpanKeySet.h"
#include "SpanWriter.h"
#include "Sqlite.h"
#include "Store.h"
#include "TraceRowMap.h"
#include "WriteStatements.h"
#include "WriteTouches.h"

#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <sqlite3.h>

using namespace seam;
using namespace seam::test;

namespace {

/// Counts the statements that insert into `spans` run on a connection.
struct SpanInsertCounter
{
    int statements = 0;
    int traceUpdates = 0; // statements that update a trace row
    static int onStatement(unsigned, void* self, void* stmt, void*)
    {
        const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
        if (sql && (std::strstr(sql, "INTO spans(") != nullptr))
            ++static_cast<SpanInsertCounter*>(self)->statements;
        if (sql && (std::strstr(sql, "UPDATE traces") != nullptr))
            ++static_cast<SpanInsertCounter*>(self)->traceUpdates;
        return 0;
    }
};

RecordBatch bigTrace(int n, int spans)
{
    RecordBatch b;
    for (int i = 0; i < spans; ++i) {
        SpanRecord s = span(traceId(n), SpanId(0x1000 + i), i ? SpanId(0x1000) : 0, backend("gateway"),
                            "op " + std::to_string(i % 3), SpanKind::Server, kT0 + i * 1'000'000LL, 2);
        if (i % 2) // every other span has no payload at all
            s.attributesJson.clear();
        else
            s.attributesJson = "{\"i\":" + std::to_string(i) + "}";
        b.spans.push_back(std::move(s));
    }
    return b;
}

} // namespace

class TestSpanRows : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    struct Writer
    {
        explicit Writer(const std::string& path)
            : db(store::openForWriting(path)), st(db), dimensions(db, st),
              spans(db, st, dimensions, rollups, touches)
        {
            sqlite3_trace_v2(db.handle(), SQLITE_TRACE_STMT, &SpanInsertCounter::onStatement, &counter);
        }
        BatchResult write(const RecordBatch& batch) { return writeGroup({&batch}); }
        /// Batches written as one group (BatchWriter::writeRows() calls before one finish()).
        BatchResult writeGroup(std::initializer_list<const RecordBatch*> batches)
        {
            BatchResult r;
            Transaction tx(db);
            touches.startBatch(); // as BatchWriter does for each group
            for (const RecordBatch* batch : batches) {
                dimensions.newTraces().clear(); // and for each batch
                spans.writeSpans(*batch, 1, r);
            }
            tx.commit();
            return r;
        }
        Database db;
        WriteStatements st;
        DimensionCache dimensions;
        RollupAccumulator rollups;
        WriteTouches touches;
        SpanWriter spans;
        SpanInsertCounter counter;
    };

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void freshTracesGoInManyRowsPerStatement()
    {
        const std::string path = m_dir.filePath(QStringLiteral("many.seam")).toStdString();
        Writer w(path);
        const BatchResult r = w.write(bigTrace(1, 100));
        QCOMPARE(r.newSpans, std::uint64_t(100));
        QCOMPARE(r.duplicateSpans, std::uint64_t(0));
        // 100 rows: three statements of 32 rows, then the last four one by one.
        QCOMPARE(w.counter.statements, 3 + 4);
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM spans"), 100);
        QCOMPARE(w.db.queryInt("SELECT span_count FROM traces"), 100);
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM span_payloads"), 50);
        // Each span carries its own payload (the attributes name the span's index).
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM spans s JOIN span_payloads p ON p.id = s.payload "
                               "WHERE span_attribute(p.attributes, 'i') = s.span_id - 4096"),
                 50);
        QCOMPARE(
            w.db.queryInt("SELECT count(*) FROM spans WHERE payload IS NULL AND (span_id - 4096) % 2 = 1"),
            50);
    }

    void aSpanTwiceInABatchIsWrittenOnce()
    {
        const std::string path = m_dir.filePath(QStringLiteral("twice.seam")).toStdString();
        Writer w(path);
        RecordBatch b = bigTrace(2, 40);
        SpanRecord again = b.spans[0];
        again.name = "the second copy";
        again.attributesJson = "{\"copy\":2}";
        b.spans.insert(b.spans.begin() + 20, again);
        const BatchResult r = w.write(b);
        QCOMPARE(r.newSpans, std::uint64_t(40));
        QCOMPARE(r.duplicateSpans, std::uint64_t(1));
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM spans"), 40);
        QCOMPARE(w.db.queryInt("SELECT span_count FROM traces"), 40);
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM span_payloads"), 20);
        // The first copy stays (as INSERT OR IGNORE keeps it).
        QCOMPARE(w.db.queryInt(
                     "SELECT count(*) FROM span_payloads WHERE span_attributes(attributes) LIKE '%copy%'"),
                 0);
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM spans s JOIN operations o ON o.id = s.operation_id "
                               "WHERE o.name = 'the second copy'"),
                 0);
    }

    void aTraceCreatedEarlierInTheGroupStaysFresh()
    {
        // Two batches of one transaction (a group commit): the second brings more spans of a trace the
        // first created, and again one of its spans. They still go in many rows per statement, the copy
        // is dropped in memory, and the correlation step gets every span of the trace, in the order the
        // cache would give them back (span id as SQLite stores it: signed).
        const std::string path = m_dir.filePath(QStringLiteral("group.seam")).toStdString();
        Writer w(path);
        const RecordBatch all = bigTrace(4, 64);
        RecordBatch first, second;
        first.spans.assign(all.spans.begin(), all.spans.begin() + 32);
        second.spans.assign(all.spans.begin() + 32, all.spans.end());
        second.spans.push_back(all.spans[5]);
        SpanRecord high = all.spans[1];
        high.spanId = 0x8000000000000001ULL; // negative as SQLite stores it: first in the trace's order
        second.spans.push_back(high);
        const BatchResult r = w.writeGroup({&first, &second});
        QCOMPARE(r.newSpans, std::uint64_t(65));
        QCOMPARE(r.duplicateSpans, std::uint64_t(1));
        QCOMPARE(w.counter.statements, 2 + 1); // 32 rows, 32 rows, then the last one alone
        QCOMPARE(w.db.queryInt("SELECT span_count FROM traces"), 65);
        auto& fresh = w.touches.freshTraceSpans;
        sortTraceSpanRows(fresh); // as the correlator does
        QCOMPARE(fresh.size(), std::size_t(65));
        Statement read = w.db.prepare("SELECT span_id, parent_span_id, kind, start_ns, end_ns, service_id, "
                                      "status_code FROM spans WHERE trace = ?1");
        read.bind(1, fresh[0].trace);
        std::size_t i = 0;
        while (read.step()) {
            QVERIFY(i < fresh.size());
            QCOMPARE(fresh[i].id, read.int64(0));
            QCOMPARE(fresh[i].parent, read.int64(1));
            QCOMPARE(std::int64_t(fresh[i].kind), read.int64(2));
            QCOMPARE(fresh[i].start, read.int64(3));
            QCOMPARE(fresh[i].end, read.int64(4));
            QCOMPARE(fresh[i].service, read.int64(5));
            QCOMPARE(std::int64_t(fresh[i].status), read.int64(6));
            ++i;
        }
        QCOMPARE(i, fresh.size());
        QCOMPARE(fresh[0].id, std::int64_t(0x8000000000000001ULL));
    }

    void copiesAcrossTheGroupsBatchesAreDroppedAsASetWould()
    {
        // Five batches of one group, shuffled spans of 120 traces, many sent twice or more, within a batch
        // and across batches; traces appear first in any batch. Each (trace, span) is written once, its
        // first copy's payload kept, and every count agrees with a std::set fed the same spans in order.
        const std::string path = m_dir.filePath(QStringLiteral("copies.seam")).toStdString();
        Writer w(path);
        std::mt19937 random(7);
        std::vector<RecordBatch> batches(5);
        std::set<std::pair<int, int>> seen;
        std::map<int, int> spansOfTrace;
        std::uint64_t copies = 0, payloads = 0;
        for (RecordBatch& b : batches) {
            for (int k = 0; k < 400; ++k) {
                const int t = int(random() % 120), id = int(random() % 12);
                SpanRecord s = span(traceId(100 + t), SpanId(0x2000 + id), id ? SpanId(0x2000) : 0,
                                    backend("api"), "op", SpanKind::Server, kT0 + id * 1'000'000LL, 2);
                const bool first = seen.insert({t, id}).second;
                s.attributesJson = first ? "{\"copy\":\"first\"}" : "{\"copy\":\"later\"}";
                copies += first ? 0 : 1;
                payloads += first ? 1 : 0;
                spansOfTrace[t] += first ? 1 : 0;
                b.spans.push_back(std::move(s));
            }
        }
        const BatchResult r = w.writeGroup({&batches[0], &batches[1], &batches[2], &batches[3], &batches[4]});
        QCOMPARE(r.newSpans, std::uint64_t(seen.size()));
        QCOMPARE(r.duplicateSpans, copies);
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM spans"), std::int64_t(seen.size()));
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM span_payloads"), std::int64_t(payloads));
        QCOMPARE(w.db.queryInt(
                     "SELECT count(*) FROM span_payloads WHERE span_attributes(attributes) LIKE '%later%'"),
                 0);
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM spans s JOIN operations o ON o.id = s.operation_id "
                               "WHERE o.name = 'later'"),
                 0);
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM spans s JOIN span_payloads p ON p.id = s.payload "
                               "WHERE span_attributes(p.attributes) LIKE '%first%'"),
                 std::int64_t(payloads));
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM traces"), std::int64_t(spansOfTrace.size()));
        QCOMPARE(w.db.queryInt("SELECT sum(span_count) FROM traces"), std::int64_t(seen.size()));
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM traces t WHERE span_count != "
                               "(SELECT count(*) FROM spans s WHERE s.trace = t.id)"),
                 0);
        QCOMPARE(w.touches.freshTraceSpans.size(), seen.size());
        QVERIFY(std::is_sorted(w.touches.freshTraceSpans.begin(), w.touches.freshTraceSpans.end(),
                               traceSpanRowBefore));
    }

    void theLastRootOfABatchNamesTheTrace()
    {
        // Two root spans of a new trace: the one later in the batch names the trace's root operation,
        // although its span id sorts first (the rows are written in key order).
        const std::string path = m_dir.filePath(QStringLiteral("roots.seam")).toStdString();
        Writer w(path);
        RecordBatch b;
        b.spans.push_back(
            span(traceId(300), SpanId(0x9000), 0, backend("api"), "early root", SpanKind::Server, kT0, 2));
        b.spans.push_back(
            span(traceId(300), SpanId(0x10), 0, backend("api"), "late root", SpanKind::Server, kT0, 2));
        w.write(b);
        QCOMPARE(
            w.db.queryInt("SELECT count(*) FROM traces t JOIN operations o ON o.id = t.root_operation_id "
                          "WHERE o.name = 'late root'"),
            1);
    }

    void aTraceItsSpansCreateIsWrittenOnceWithTheirFigures()
    {
        const std::string path = m_dir.filePath(QStringLiteral("traces.seam")).toStdString();
        {
            Writer w(path);
            RecordBatch b = bigTrace(5, 10);
            b.spans[3].statusCode = StatusCode::Error;
            w.write(b);
            // Inserted with its figures, never updated.
            QCOMPARE(w.counter.traceUpdates, 0);
            QCOMPARE(w.db.queryInt("SELECT count(*) FROM traces"), 1);
            QCOMPARE(w.db.queryInt("SELECT span_count FROM traces"), 10);
            QCOMPARE(w.db.queryInt("SELECT backend_span_count FROM traces"), 10);
            QCOMPARE(w.db.queryInt("SELECT error_count FROM traces"), 1);
            QCOMPARE(w.db.queryInt("SELECT start_ns FROM traces"), kT0);
            QCOMPARE(w.db.queryInt("SELECT end_ns FROM traces"), kT0 + 9 * 1'000'000LL + 2'000'000LL);
            QCOMPARE(w.db.queryInt("SELECT root_operation_id IS NOT NULL FROM traces"), 1);
            QCOMPARE(
                w.db.queryInt("SELECT count(*) FROM traces INDEXED BY traces_by_start WHERE start_ns = " +
                              std::to_string(kT0)),
                1);
        }
        // More spans of it later: added to the row.
        Writer w(path);
        RecordBatch b = bigTrace(5, 12);
        w.write(b);
        QCOMPARE(w.counter.traceUpdates, 1);
        QCOMPARE(w.db.queryInt("SELECT span_count FROM traces"), 12);
        QCOMPARE(w.db.queryInt("SELECT error_count FROM traces"), 1);
    }

    void aReservedTraceRowKeepsItsId()
    {
        // A trace row written while another waits to be written (its id reserved) takes the next id.
        const std::string path = m_dir.filePath(QStringLiteral("reserved.seam")).toStdString();
        Writer w(path);
        w.write(bigTrace(6, 1)); // row 1
        Transaction tx(w.db);
        const std::int64_t reserved = w.dimensions.reserveTraceRow(traceId(7));
        const std::int64_t written = w.dimensions.traceRow(traceId(8));
        QCOMPARE(reserved, std::int64_t(2));
        QCOMPARE(written, std::int64_t(3));
        QCOMPARE(w.dimensions.reserveTraceRow(traceId(7)), reserved); // asked again: the same id
        const auto rows = w.dimensions.takeReservedTraces();
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0].row, reserved);
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM traces WHERE id = 2"), 0); // not written yet
        QCOMPARE(w.dimensions.traceRow(traceId(9)), std::int64_t(4));
        tx.commit();
    }

    void spansOfKnownTracesAreCheckedOneByOne()
    {
        const std::string path = m_dir.filePath(QStringLiteral("again.seam")).toStdString();
        {
            Writer w(path);
            w.write(bigTrace(3, 70));
        }
        Writer w(path); // another import of the same spans, plus one more span of the trace
        RecordBatch b = bigTrace(3, 71);
        const BatchResult r = w.write(b);
        QCOMPARE(r.newSpans, std::uint64_t(1));
        QCOMPARE(r.duplicateSpans, std::uint64_t(70));
        QCOMPARE(w.counter.statements, 71);
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM spans"), 71);
        QCOMPARE(w.db.queryInt("SELECT span_count FROM traces"), 71);
        QCOMPARE(w.db.queryInt("SELECT count(*) FROM span_payloads"), 36); // span 70 brings one
        QCOMPARE(w.db.queryInt("SELECT count(DISTINCT payload) FROM spans WHERE payload IS NOT NULL"), 36);
    }

    // The set that de-duplicates resources of fresh traces (RumWriter) answers as a std::set would,
    // through growth and many clears (pairs that differ in one half only, repeats, a group far larger
    // than the last).
    void spanKeySetAnswersAsAStdSet()
    {
        SpanKeySet set;
        std::set<std::pair<std::int64_t, std::uint64_t>> reference;
        std::mt19937_64 random(7);
        for (int group = 0; group < 60; ++group) {
            set.clear();
            reference.clear();
            const int inserts = group % 10 == 9 ? 20'000 : 300;
            for (int i = 0; i < inserts; ++i) {
                const std::int64_t trace = std::int64_t(random() % 50);
                const std::uint64_t span = random() % 400;
                QCOMPARE(set.insert(trace, span), reference.emplace(trace, span).second);
            }
            QCOMPARE(set.size(), reference.size());
        }
    }

    void traceRowMapAnswersAsAStdMap()
    {
        // DimensionCache's trace id -> row map: random ids, 64-bit ones (high half 0) and small counted
        // ones, found again, replaced, and forgotten by clear() and when full.
        TraceRowMap map;
        std::map<TraceId, std::int64_t> reference;
        std::mt19937_64 random(11);
        const auto someId = [&]() {
            switch (random() % 3) {
            case 0:
                return TraceId::fromHalves(random(), random());
            case 1:
                return TraceId::fromHalves(0, random() % 5000);
            default:
                return traceId(int(random() % 5000) + 1);
            }
        };
        for (int round = 0; round < 8; ++round) {
            for (int i = 0; i < 30'000; ++i) {
                const TraceId id = someId();
                if (random() % 2) {
                    const std::int64_t row = std::int64_t(random() % 1'000'000) + 1;
                    map.insert(id, row);
                    reference[id] = row;
                } else {
                    const auto it = reference.find(id);
                    QCOMPARE(map.find(id), it == reference.end() ? 0 : it->second);
                }
            }
            QCOMPARE(map.size(), reference.size());
            if (round % 3 == 2) {
                map.clear();
                reference.clear();
                QCOMPARE(map.find(someId()), std::int64_t(0));
            }
        }
        // Full: the next insert starts again from nothing.
        TraceRowMap full;
        for (std::size_t i = 0; i < TraceRowMap::kCapacity; ++i)
            full.insert(TraceId::fromHalves(1, i), std::int64_t(i) + 1);
        QCOMPARE(full.find(TraceId::fromHalves(1, 77)), std::int64_t(78));
        full.insert(TraceId::fromHalves(2, 0), 5);
        QCOMPARE(full.size(), std::size_t(1));
        QCOMPARE(full.find(TraceId::fromHalves(1, 77)), std::int64_t(0));
        QCOMPARE(full.find(TraceId::fromHalves(2, 0)), std::int64_t(5));
    }
};

QTEST_GUILESS_MAIN(TestSpanRows)
#include "tst_spanrows.moc"
