// page_load_reach (models/store/PageLoadReach, written by models/correlation/PageLoadReachWriter): the
// backend entry spans each page load reached, kept current by the correlation step as calls and spans
// arrive in any order, and the same rows when the v5 step backfills an older cache; the v9 step's
// page_load_reach_traces (how the writer and the delete trigger find a page load's rows) and its
// checkpoint after migrating.

#include "DemoGenerator.h"
#include "PageLoadReachTraces.h"
#include "RecordFactory.h"
#include "Schema.h"
#include "SchemaMigrations.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <tuple>
#include <vector>

using namespace seam;
using namespace seam::test;

namespace {

using Row = std::tuple<std::string, TimeNs, std::string, std::int64_t, std::int64_t>;

/// Every row, with names rather than ids: service, start, page load key, duration, error (schema v11:
/// no span id, an entry span is its service and start in the trace).
std::vector<Row> reachRows(const std::string& path)
{
    Database db = store::openForReading(path);
    auto st = db.prepare("SELECT v.name, r.start_ns, resource_key_text(p.key), r.duration_ns, r.error FROM "
                         "page_load_reach r "
                         "JOIN services v ON v.id = r.service_id JOIN page_loads p ON p.id = r.page_load_id "
                         "ORDER BY 1, 2, 3, 4");
    std::vector<Row> rows;
    while (st.step())
        rows.emplace_back(std::string(st.text(0)), st.int64(1), std::string(st.text(2)), st.int64(3),
                          st.int64(4));
    return rows;
}

} // namespace

class TestPageLoadReach : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string dbPath(const char* name) { return m_dir.filePath(QString::fromLatin1(name)).toStdString(); }

private slots:
    void followsCallsAndSpansArrivingLater()
    {
        const auto path = dbPath("late.seam");
        StoreWriter w(path);
        w.submit(0, browserBatch(1, traceId(1), 0x42, kT0));
        QVERIFY(w.flush());
        QVERIFY(reachRows(path).empty()); // no backend yet
        RecordBatch back = backendBatch(traceId(1), 0x42, kT0, StatusCode::Error);
        RecordBatch gatewayOnly;
        gatewayOnly.spans.push_back(back.spans[0]);
        w.submit(0, std::move(gatewayOnly));
        QVERIFY(w.flush());
        QCOMPARE(reachRows(path),
                 (std::vector<Row>{{"gateway", kT0 + 310'000'000, "page-1", 1'700'000'000, 1}}));
        back.spans.erase(back.spans.begin());
        w.submit(0, std::move(back));
        QVERIFY(w.flush());
        // payments' SERVER span is an entry span, its CLIENT span to postgres is not.
        QCOMPARE(reachRows(path),
                 (std::vector<Row>{{"gateway", kT0 + 310'000'000, "page-1", 1'700'000'000, 1},
                                   {"payments", kT0 + 320'000'000, "page-1", 1'600'000'000, 1}}));
    }

    void rowsAnotherConnectionChangedAreReadAgain()
    {
        // The writer keeps what it stored for the page loads it refreshed last and compares a refresh
        // with that: when another connection changed the rows meanwhile (here: deleted them), the next
        // refresh must read them again and write back everything, not only what is new.
        const auto path = dbPath("other.seam");
        StoreWriter w(path);
        w.submit(0, browserBatch(5, traceId(5), 0x42, kT0));
        RecordBatch back = backendBatch(traceId(5), 0x42, kT0);
        RecordBatch payments;
        payments.spans.assign(back.spans.begin() + 1, back.spans.end());
        back.spans.resize(1);
        w.submit(0, std::move(back));
        QVERIFY(w.flush());
        QCOMPARE(reachRows(path).size(), std::size_t(1));
        {
            Database other = store::openForWriting(path);
            other.exec("DELETE FROM page_load_reach; DELETE FROM page_load_reach_traces");
        }
        w.submit(0, std::move(payments));
        QVERIFY(w.flush());
        QCOMPARE(reachRows(path),
                 (std::vector<Row>{{"gateway", kT0 + 310'000'000, "page-5", 1'700'000'000, 0},
                                   {"payments", kT0 + 320'000'000, "page-5", 1'600'000'000, 0}}));
    }

    void entrySpansOfOneServiceAndStartShareARow()
    {
        // Two SERVER spans of gateway starting at the same nanosecond in one trace (schema v11: the row
        // has no span id): one row, the longer duration and the error of either, whichever comes first.
        const auto path = dbPath("twins.seam");
        StoreWriter w(path);
        w.submit(0, browserBatch(4, traceId(4), 0x42, kT0));
        RecordBatch back = backendBatch(traceId(4), 0x42, kT0);
        RecordBatch twin;
        twin.spans.push_back(span(traceId(4), 0x200, 0x42, backend("gateway"), "POST /api/retry",
                                  SpanKind::Server, kT0 + 310'000'000, 900, StatusCode::Error));
        w.submit(0, std::move(back));
        QVERIFY(w.flush());
        QCOMPARE(reachRows(path).front(), (Row{"gateway", kT0 + 310'000'000, "page-4", 1'700'000'000, 0}));
        w.submit(0, std::move(twin));
        QVERIFY(w.flush());
        QCOMPARE(reachRows(path),
                 (std::vector<Row>{{"gateway", kT0 + 310'000'000, "page-4", 1'700'000'000, 1},
                                   {"payments", kT0 + 320'000'000, "page-4", 1'600'000'000, 0}}));
    }

    void backendBeforeTheBrowserAndADocumentTraceNoCallNames()
    {
        const auto path = dbPath("document.seam");
        StoreWriter w(path);
        w.submit(0, backendBatch(traceId(2), 0x42, kT0));
        QVERIFY(w.flush());
        w.submit(0, browserBatch(2, traceId(2), 0x42, kT0));
        // A page load whose document trace reached `render` and which made no call of its own; the
        // backend span arrives in a later batch.
        RecordBatch page;
        PageLoadRecord p;
        p.key = "page-doc";
        p.app = browserApp();
        p.url = "https://shop.example/";
        p.route = "/";
        p.start = kT0 + 60'000'000'000;
        p.traceId = traceId(3);
        page.pageLoads.push_back(p);
        w.submit(0, std::move(page));
        QVERIFY(w.flush());
        RecordBatch render;
        render.spans.push_back(
            span(traceId(3), 0x7, 0, backend("render"), "GET /", SpanKind::Server, p.start - 5'000'000, 40));
        w.submit(0, std::move(render));
        QVERIFY(w.flush());
        QCOMPARE(reachRows(path),
                 (std::vector<Row>{{"gateway", kT0 + 310'000'000, "page-2", 1'700'000'000, 0},
                                   {"payments", kT0 + 320'000'000, "page-2", 1'600'000'000, 0},
                                   {"render", p.start - 5'000'000, "page-doc", 40'000'000, 0}}));
    }

    void theMigrationBackfillsWhatTheWriterWrites()
    {
        const auto path = dbPath("demo.seam");
        {
            StoreWriter writer(path);
            const auto source = writer.beginSource("demo", "test");
            DemoOptions options;
            options.sessions = 150;
            DemoGenerator generator(options);
            ImportReport report;
            QVERIFY(generator.generateInto(*writer.sinkFor(source), report));
            QVERIFY(writer.flush());
            writer.finishSource(source, report);
        }
        const std::vector<Row> written = reachRows(path);
        QVERIFY(written.size() > 1000);
        // The same cache as the previous schema version had it, brought forward by the step.
        const auto old = dbPath("demo-v3.seam");
        std::filesystem::copy_file(path, old);
        {
            Database db(old, Database::Mode::ReadWrite);
            db.exec("DROP TRIGGER page_load_reach_gone; DROP TABLE page_load_reach; DROP TABLE "
                    "page_load_reach_traces; PRAGMA user_version = 4");
        }
        {
            Database migrated = store::openForWriting(old);
        }
        QCOMPARE(reachRows(old), written);

        // A page load merged away (deleted) takes its rows along.
        Database db = store::openForWriting(old);
        const std::int64_t id = db.queryInt("SELECT page_load_id FROM page_load_reach LIMIT 1");
        auto del = db.prepare("DELETE FROM page_loads WHERE id = ?1");
        const std::int64_t before =
            db.queryInt("SELECT count(*) FROM page_load_reach WHERE page_load_id = " + std::to_string(id));
        QVERIFY(before > 0);
        del.bind(1, id);
        del.run();
        auto left = db.prepare("SELECT count(*) FROM page_load_reach WHERE page_load_id = ?1");
        left.bind(1, id);
        QVERIFY(left.step());
        QCOMPARE(left.int64(0), std::int64_t(0));
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_load_reach_traces WHERE page_load_id = " +
                             std::to_string(id)),
                 0);
        // ... and only its own: every other page load keeps its rows, and each of its traces.
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_load_reach"), std::int64_t(written.size()) - before);
        QCOMPARE(db.queryInt("SELECT count(*) FROM (SELECT DISTINCT page_load_id, trace FROM page_load_reach "
                             "EXCEPT SELECT page_load_id, trace FROM page_load_reach_traces)"),
                 0);
    }

    void aV8CacheMigratesToReachTracesAndTruncatesTheWal()
    {
        const auto path = dbPath("v9.seam");
        {
            StoreWriter writer(path);
            const auto source = writer.beginSource("demo", "test");
            DemoOptions options;
            options.sessions = 100;
            DemoGenerator generator(options);
            ImportReport report;
            QVERIFY(generator.generateInto(*writer.sinkFor(source), report));
            QVERIFY(writer.flush());
            writer.finishSource(source, report);
        }
        const std::vector<Row> written = reachRows(path);
        QVERIFY(written.size() > 500);
        const auto old = dbPath("v8.seam");
        std::filesystem::copy_file(path, old);
        {
            // The shape before the step: v5's index by page load and its trigger, v1's resources index.
            Database db(old, Database::Mode::ReadWrite);
            db.exec(R"sql(
DROP TABLE page_load_reach_traces;
DROP TRIGGER page_load_reach_gone;
CREATE INDEX page_load_reach_by_page_load ON page_load_reach(page_load_id);
CREATE TRIGGER page_load_reach_gone AFTER DELETE ON page_loads BEGIN
    DELETE FROM page_load_reach WHERE page_load_id = old.id;
END;
DROP INDEX resources_by_page_load;
CREATE INDEX resources_by_page_load ON resources(page_load_id, start_ns);
)sql");
            // The version just before the step (steps after it, if any, are guarded and run again).
            for (const schema::MigrationStep& step : schema::migrationSteps())
                if (step.apply == &schema::addPageLoadReachTraces)
                    db.exec("PRAGMA user_version = " + std::to_string(step.toVersion - 1));
        }
        // A reader upgrades it (the writer's connection closes while the reader's stays open, so nothing
        // but the step's own checkpoint empties the -wal).
        Database reader = store::openForReading(old);
        QCOMPARE(schema::schemaVersion(reader), schema::kSchemaVersion);
        const std::string wal = old + "-wal";
        QVERIFY(!std::filesystem::exists(wal) || std::filesystem::file_size(wal) == 0);
        QCOMPARE(reachRows(old), written);
        const auto objects = [](Database& db) {
            auto st = db.prepare("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master "
                                 "WHERE name LIKE 'page_load_reach%' OR name = 'resources_by_page_load' "
                                 "ORDER BY name");
            QStringList out;
            while (st.step())
                out << QString::fromStdString(std::string(st.text(0)));
            return out;
        };
        Database fresh = store::openForReading(path);
        QCOMPARE(objects(reader), objects(fresh));
        QCOMPARE(
            reader.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'page_load_reach_by_page_load'"),
            0);
        QCOMPARE(reader.queryInt("SELECT count(*) FROM (SELECT * FROM page_load_reach_traces EXCEPT SELECT "
                                 "DISTINCT page_load_id, trace FROM page_load_reach)"),
                 0);
        QCOMPARE(reader.queryInt("SELECT count(*) FROM page_load_reach_traces"),
                 fresh.queryInt("SELECT count(*) FROM page_load_reach_traces"));
    }
};

QTEST_GUILESS_MAIN(TestPageLoadReach)
#include "tst_pageloadreach.moc"
