#include "RecordFactory.h"
#include "Schema.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <thread>

using namespace seam;
using namespace seam::test;

class TestStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string dbPath(const char* name) { return m_dir.filePath(QLatin1String(name)).toStdString(); }

    static std::int64_t count(Database& db, const char* table)
    {
        return db.queryInt(std::string("SELECT count(*) FROM ") + table);
    }

private slots:
    void createsSchemaV1()
    {
        const auto path = dbPath("schema.seam");
        {
            StoreWriter w(path);
        }
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("PRAGMA user_version"), schema::kSchemaVersion);
        for (const char* table :
             {"sources", "services", "spans", "traces", "sessions", "page_loads", "resources", "rum_errors",
              "actions", "long_tasks", "links", "rollups", "notes", "logs"}) {
            const auto n = db.queryInt(
                std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '") + table +
                "'");
            QVERIFY2(n == 1, table);
        }
        auto mode = db.prepare("PRAGMA journal_mode");
        QVERIFY(mode.step());
        QCOMPARE(std::string(mode.text(0)), std::string("wal"));
        QVERIFY(store::isCacheFile(path));
    }

    void twoWritersCreatingOneNewCacheBothSucceed()
    {
        // Two imports creating the same new cache at the same instant: the second used to read
        // user_version 0 before the first committed, then find tables and refuse the file.
        for (int round = 0; round < 20; ++round) {
            const auto path = dbPath(("race-" + std::to_string(round) + ".seam").c_str());
            std::atomic<int> ready{0};
            std::atomic<int> failures{0};
            std::string why;
            const auto open = [&] {
                ++ready;
                while (ready.load() < 2) {
                }
                try {
                    Database db = store::openForWriting(path);
                } catch (const std::exception& e) {
                    ++failures;
                    why = e.what();
                }
            };
            std::thread a(open), b(open);
            a.join();
            b.join();
            QVERIFY2(failures.load() == 0, why.c_str());
            Database db = store::openForReading(path);
            QCOMPARE(db.queryInt("PRAGMA user_version"), schema::kSchemaVersion);
            QCOMPARE(db.queryInt("SELECT count(*) FROM meta WHERE key = 'created_by'"), std::int64_t(1));
        }
    }

    void refusesNewerSchemaAndForeignFiles()
    {
        const auto path = dbPath("newer.seam");
        {
            StoreWriter w(path);
        }
        {
            Database db(path, Database::Mode::ReadWrite);
            db.exec("PRAGMA user_version = 99");
        }
        QVERIFY_THROWS_EXCEPTION(SqliteError, StoreWriter w(path));
        QVERIFY_THROWS_EXCEPTION(SqliteError, store::openForReading(path));

        const auto foreign = dbPath("foreign.sqlite");
        {
            Database db(foreign, Database::Mode::ReadWrite);
            db.exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)");
        }
        QVERIFY_THROWS_EXCEPTION(SqliteError, StoreWriter w(foreign));
        Database db(foreign, Database::Mode::ReadOnly);
        QCOMPARE(db.queryInt("SELECT count(*) FROM sqlite_master"), 1); // untouched
        QVERIFY(!store::isCacheFile(foreign));
    }

    void importIsIdempotent()
    {
        const auto path = dbPath("idem.seam");
        auto writeAll = [&] {
            StoreWriter w(path);
            const auto source = w.beginSource("file", "test");
            w.submit(source, browserBatch(1, traceId(1), 0x42, kT0));
            w.submit(source, backendBatch(traceId(1), 0x42, kT0));
            QVERIFY(w.flush());
        };
        writeAll();
        Database db = store::openForReading(path);
        const char* tables[] = {"spans",     "traces", "sessions", "page_loads",
                                "resources", "links",  "rollups",  "services"};
        std::vector<std::int64_t> first;
        for (const char* t : tables)
            first.push_back(count(db, t));
        const auto requestsBefore = db.queryInt("SELECT sum(requests) FROM rollups");
        writeAll();
        for (std::size_t i = 0; i < std::size(tables); ++i)
            QCOMPARE(count(db, tables[i]), first[i]);
        QCOMPARE(db.queryInt("SELECT sum(requests) FROM rollups"), requestsBefore);
        QCOMPARE(first[0], 4); // 1 browser + 3 backend spans
        QCOMPARE(db.queryInt("SELECT span_count FROM traces"), 4);
    }

    void rollupsCountEntrySpansPerService()
    {
        const auto path = dbPath("rollups.seam");
        {
            StoreWriter w(path);
            const auto source = w.beginSource("file", "test");
            for (int i = 0; i < 20; ++i)
                w.submit(source, backendBatch(traceId(100 + i), 0x42, kT0 + i * 1'000'000'000LL,
                                              i % 4 == 0 ? StatusCode::Error : StatusCode::Unset));
            QVERIFY(w.flush());
        }
        Database db = store::openForReading(path);
        // Service-level rows (operation 0) count only SERVER / root spans: 1 per trace for payments.
        auto st = db.prepare(
            "SELECT sum(r.requests), sum(r.errors) FROM rollups r JOIN services v ON v.id = r.service_id "
            "WHERE v.name = 'payments' AND r.operation_id = 0");
        QVERIFY(st.step());
        QCOMPARE(st.int64(0), 20);
        QCOMPARE(st.int64(1), 5);
        // Operation rows count every span of the operation.
        QCOMPARE(
            db.queryInt("SELECT sum(r.requests) FROM rollups r JOIN operations o ON o.id = r.operation_id "
                        "WHERE o.name = 'SELECT FOR UPDATE'"),
            20);
        // 20 seconds of traffic in 10 s buckets.
        QCOMPARE(db.queryInt("SELECT count(DISTINCT bucket_ns) FROM rollups"), 2);
    }

    void readerSeesConsistentSnapshotsDuringWrites()
    {
        const auto path = dbPath("concurrent.seam");
        StoreWriter w(path);
        const auto source = w.beginSource("file", "test");
        std::atomic<bool> done{false};
        std::atomic<int> reads{0};
        std::atomic<bool> inconsistent{false};
        std::thread reader([&] {
            Database db = store::openForReading(path);
            while (!done) {
                // Within one read transaction, the per-trace counters must equal the spans present.
                db.exec("BEGIN");
                const auto spans = db.queryInt("SELECT count(*) FROM spans");
                const auto counted = db.queryInt("SELECT coalesce(sum(span_count), 0) FROM traces");
                db.exec("COMMIT");
                if (spans != counted)
                    inconsistent = true;
                ++reads;
            }
        });
        for (int i = 0; i < 300; ++i) {
            auto b = backendBatch(traceId(1000 + i), 0x42, kT0 + i * 100'000'000LL);
            w.submit(source, std::move(b));
        }
        QVERIFY(w.flush());
        done = true;
        reader.join();
        QVERIFY(!inconsistent);
        QVERIFY(reads > 0);
        Database db = store::openForReading(path);
        QCOMPARE(count(db, "spans"), 900);
    }

    void trySubmitRefusesWhenFull()
    {
        const auto path = dbPath("full.seam");
        StoreWriter::Options options;
        options.maxQueuedRecords = 3;
        StoreWriter w(path, options);
        // The first batch always fits; fill until one is refused while the writer is busy.
        int refused = 0;
        for (int i = 0; i < 200 && refused == 0; ++i) {
            auto b = backendBatch(traceId(5000 + i), 0x42, kT0);
            if (w.trySubmit(0, b) == 0) {
                ++refused;
                QCOMPARE(b.spans.size(), std::size_t(3)); // untouched, caller may retry
            }
        }
        QVERIFY(w.flush());
        QVERIFY(refused > 0);
    }

    void sourcesRecordOutcome()
    {
        const auto path = dbPath("sources.seam");
        {
            StoreWriter w(path);
            const auto source = w.beginSource("file", "/tmp/x.json");
            ImportReport report;
            report.format = "otlp-json";
            report.addAccepted(10);
            report.addRejected("line 3", "traceId must be 32 hex digits");
            w.finishSource(source, report);
        }
        Database db = store::openForReading(path);
        auto st = db.prepare("SELECT status, accepted, rejected, format FROM sources");
        QVERIFY(st.step());
        QCOMPARE(std::string(st.text(0)), std::string("done"));
        QCOMPARE(st.int64(1), 10);
        QCOMPARE(st.int64(2), 1);
        QCOMPARE(std::string(st.text(3)), std::string("otlp-json"));
        QCOMPARE(db.queryInt("SELECT count(*) FROM source_errors WHERE location = 'line 3'"), 1);
    }

    void lateResourcesMoveToTheirPageLoad()
    {
        // A fetch attached by time to page A moves to page B when B (which started before the fetch,
        // after A) arrives later.
        const auto path = dbPath("attach.seam");
        StoreWriter w(path);
        RecordBatch first = browserBatch(7, traceId(7), 0x77, kT0);
        first.resources[0].start = kT0 + 5'000'000'000;
        w.submit(0, std::move(first));
        RecordBatch second;
        PageLoadRecord b;
        b.key = "page-7b";
        b.sessionKey = "session-7";
        b.app = browserApp();
        b.url = "https://shop.example/cart";
        b.start = kT0 + 4'000'000'000;
        second.pageLoads.push_back(b);
        w.submit(0, std::move(second));
        QVERIFY(w.flush());
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt(
                     "SELECT p.key = 'page-7b' FROM resources r JOIN page_loads p ON p.id = r.page_load_id"),
                 1);
        QCOMPARE(db.queryInt("SELECT resource_count FROM page_loads WHERE key = 'page-7'"), 0);
        QCOMPARE(db.queryInt("SELECT resource_count FROM page_loads WHERE key = 'page-7b'"), 1);
        QCOMPARE(db.queryInt("SELECT route = '/cart' FROM page_loads WHERE key = 'page-7b'"), 1);
    }

    void newerPageLoadVersionWins()
    {
        const auto path = dbPath("versions.seam");
        StoreWriter w(path);
        auto make = [](std::int64_t version, TimeNs duration) {
            RecordBatch b;
            PageLoadRecord p;
            p.key = "view-1";
            p.app = browserApp();
            p.url = "https://shop.example/";
            p.start = kT0;
            p.duration = duration;
            p.version = version;
            b.pageLoads.push_back(p);
            return b;
        };
        w.submit(0, make(2, 2'000'000'000));
        w.submit(0, make(1, 1'000'000'000)); // stale update arrives late
        w.submit(0, make(3, 3'000'000'000));
        QVERIFY(w.flush());
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT duration_ns FROM page_loads"), 3'000'000'000);
        QCOMPARE(count(db, "page_loads"), 1);
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
