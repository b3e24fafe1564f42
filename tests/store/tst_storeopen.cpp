// Opening investigation caches (models/CacheOpen, CacheCheck, RecoverCache, Store): what is not a
// cache is refused before anything is written to it, damage is found and reported, damaged caches
// are recovered into new ones, caches that cannot be written are read all the same, and a writer that
// cannot write says why.

#include "CacheCheck.h"
#include "CacheDamage.h"
#include "CacheError.h"
#include "CacheOpen.h"
#include "RecordFactory.h"
#include "RecoverCache.h"
#include "Schema.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <optional>
#include <sqlite3.h>

using namespace seam;
using namespace seam::test;

namespace {

using Reason = store::CacheError::Reason;

/// How `open` was refused: `refused` only for a CacheError, `what` says what happened otherwise.
struct Refusal
{
    bool refused = false;
    Reason reason = Reason::NotSqlite;
    std::string what;
};

Refusal refusal(const std::function<void()>& open)
{
    try {
        open();
    } catch (const store::CacheError& e) {
        return {true, e.reason(), e.what()};
    } catch (const std::exception& e) {
        return {false, Reason::NotSqlite, std::string("not a CacheError: ") + e.what()};
    }
    return {false, Reason::NotSqlite, "not refused"};
}

bool contains(const std::string& text, const char* part)
{
    return text.find(part) != std::string::npos;
}

/// Files SQLite may leave beside a database.
QStringList sideFiles(const QString& path)
{
    QStringList found;
    for (const char* suffix : {"-wal", "-shm", "-journal"})
        if (QFile::exists(path + QLatin1String(suffix)))
            found << path + QLatin1String(suffix);
    return found;
}

std::int64_t count(Database& db, const char* table)
{
    return db.queryInt(std::string("SELECT count(*) FROM ") + table);
}

} // namespace

class TestStoreOpen : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_cache; // a checkpointed cache of kPages page loads, copied by the tests that damage it
    static constexpr int kPages = 1500;

    std::string path(const QString& name) const { return m_dir.filePath(name).toStdString(); }

    std::string copyOfCache(const QString& name) const
    {
        const QString to = m_dir.filePath(name);
        QFile::remove(to);
        if (!QFile::copy(QString::fromStdString(m_cache), to))
            qFatal("cannot copy the cache");
        QFile(to).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        return to.toStdString();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cache = path(QStringLiteral("cache.seam"));
        StoreWriter writer(m_cache);
        for (int n = 0; n < kPages; ++n) {
            writer.submit(0, browserBatch(n, traceId(n), 0x42, kT0 + n * 1'000'000'000LL));
            writer.submit(0, backendBatch(traceId(n), 0x42, kT0 + n * 1'000'000'000LL));
        }
        QVERIFY(writer.flush());
    } // the writer checkpoints into the main file: no -wal is needed to read it

    void foreignSqliteFilesAreLeftByteIdentical_data()
    {
        QTest::addColumn<QString>("journalMode");
        QTest::addColumn<int>("userVersion");
        QTest::newRow("rollback journal") << QStringLiteral("DELETE") << 0;
        QTest::newRow("WAL") << QStringLiteral("WAL") << 0;
        // Other programs number their schemas too: not "written by a newer Seam".
        QTest::newRow("user_version 7") << QStringLiteral("DELETE") << 7;
    }

    void foreignSqliteFilesAreLeftByteIdentical()
    {
        QFETCH(QString, journalMode);
        QFETCH(int, userVersion);
        const std::string foreign =
            path(QStringLiteral("foreign-%1.sqlite").arg(QLatin1String(QTest::currentDataTag())));
        {
            Database db(foreign, Database::Mode::ReadWrite);
            db.exec("PRAGMA journal_mode = " + journalMode.toStdString());
            db.exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)");
            db.exec("INSERT INTO customers(name) VALUES ('Ada'), ('Grace')");
            db.exec("PRAGMA user_version = " + std::to_string(userVersion));
        }
        const QString file = QString::fromStdString(foreign);
        QCOMPARE(sideFiles(file), QStringList());
        const QByteArray before = fileHash(file);

        const Refusal r = refusal([&] { store::openForWriting(foreign); });
        QVERIFY2(r.refused, r.what.c_str());
        QCOMPARE(int(r.reason), int(Reason::Foreign));
        QVERIFY2(contains(r.what, "not a Seam cache") && contains(r.what, "customers") &&
                     contains(r.what, "untouched"),
                 r.what.c_str());
        QVERIFY_THROWS_EXCEPTION(SqliteError, StoreWriter w(foreign));
        QCOMPARE(fileHash(file), before);
        QCOMPARE(sideFiles(file), QStringList());
    }

    void filesThatAreNotSqliteAreLeftUntouched()
    {
        const std::string text = path(QStringLiteral("notes.txt"));
        {
            QFile f(QString::fromStdString(text));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("route,duration\n/checkout,3.2\n");
        }
        const QByteArray before = fileHash(QString::fromStdString(text));
        const Refusal r = refusal([&] { store::openForWriting(text); });
        QVERIFY2(r.refused, r.what.c_str());
        QCOMPARE(int(r.reason), int(Reason::NotSqlite));
        QVERIFY2(contains(r.what, "not an SQLite database"), r.what.c_str());
        QCOMPARE(fileHash(QString::fromStdString(text)), before);
        QCOMPARE(sideFiles(QString::fromStdString(text)), QStringList());
    }

    void missingAndEmptyPathsBecomeCaches()
    {
        const std::string empty = path(QStringLiteral("empty.seam"));
        QFile(QString::fromStdString(empty)).open(QIODevice::WriteOnly);
        for (const std::string& p : {path(QStringLiteral("fresh.seam")), empty}) {
            {
                Database db = store::openForWriting(p);
                QCOMPARE(db.queryInt("PRAGMA application_id"), schema::kApplicationId);
            }
            QVERIFY(store::isCacheFile(p));
            QCOMPARE(store::checkBeforeWriting(p), store::FileKind::Cache);
            StoreWriter again(p); // and opens again
        }
    }

    void cachesWithoutApplicationIdStillOpen()
    {
        // Caches written before the application id have 0 there: meta.created_by tells them apart.
        const std::string old = copyOfCache(QStringLiteral("old.seam"));
        {
            Database db(old, Database::Mode::ReadWrite);
            db.exec("PRAGMA application_id = 0");
        }
        QCOMPARE(store::checkBeforeWriting(old), store::FileKind::Cache);
        Database db = store::openForWriting(old);
        QCOMPARE(count(db, "page_loads"), kPages);
    }

    void damagedCacheIsRefusedForWritingAndNamedByReaders()
    {
        const std::string damaged = copyOfCache(QStringLiteral("damaged.seam"));
        damagePage(damaged, leafPageOf(damaged, "page_loads_by_duration"));
        const QByteArray before = fileHash(QString::fromStdString(damaged));

        const Refusal r = refusal([&] { StoreWriter w(damaged); });
        QVERIFY2(r.refused, r.what.c_str());
        QCOMPARE(int(r.reason), int(Reason::Damaged));
        QVERIFY2(contains(r.what, damaged.c_str()) && contains(r.what, "damaged"), r.what.c_str());
        QCOMPARE(fileHash(QString::fromStdString(damaged)), before);

        // Readers open cheaply (no check per connection); the check and every query that reads the
        // damaged page say which file is damaged.
        Database db = store::openForReading(damaged);
        const Refusal check = refusal([&] { store::requireUndamaged(db, store::kReaderCheckBudget); });
        QVERIFY2(check.refused, check.what.c_str());
        QCOMPARE(int(check.reason), int(Reason::Damaged));
        try {
            db.queryInt(
                "SELECT count(*) FROM page_loads INDEXED BY page_loads_by_duration WHERE duration_ns > 0");
            QFAIL("a damaged index page read without an error");
        } catch (const SqliteError& e) {
            QVERIFY(store::isDamageCode(e.code()));
            QVERIFY2(contains(e.what(), damaged.c_str()) && contains(e.what(), "is damaged"), e.what());
        }
        QCOMPARE(fileHash(QString::fromStdString(damaged)), before);
    }

    void quickCheckStopsAtItsBudget()
    {
        // Big enough that a whole check takes tens of milliseconds: a budget of a tenth of that must
        // stop it early (the check walks B-trees inside one SQLite instruction, where a progress handler
        // is never called).
        const std::string big = path(QStringLiteral("big.seam"));
        {
            Database db = store::openForWriting(big);
            db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120000) "
                    "INSERT INTO notes(created_ns, title, text) SELECT i, hex(randomblob(8)), "
                    "hex(randomblob(200)) FROM n");
        }
        Database db = store::openForReading(big);
        const store::QuickCheck whole = store::quickCheck(db, std::chrono::hours(1));
        QVERIFY(whole.complete);
        QVERIFY(!whole.damaged);
        const auto budget =
            std::chrono::milliseconds(std::max<long long>(1, std::llround(whole.seconds * 100)));
        const store::QuickCheck bounded = store::quickCheck(db, budget);
        QVERIFY2(!bounded.complete, qPrintable(QStringLiteral("whole check %1 s, budget %2 ms, bounded %3 s")
                                                   .arg(whole.seconds)
                                                   .arg(budget.count())
                                                   .arg(bounded.seconds)));
        QVERIFY(!bounded.damaged);
        QVERIFY(bounded.seconds < whole.seconds);
        // A stopped check leaves the connection usable.
        QCOMPARE(count(db, "notes"), 120000);
    }

    void recoveryCopiesTheReadableRows()
    {
        const std::string damaged = copyOfCache(QStringLiteral("torn.seam"));
        std::int64_t pageLoads = 0, spans = 0, resources = 0;
        {
            Database db(damaged, Database::Mode::ReadOnly);
            pageLoads = count(db, "page_loads");
            spans = count(db, "spans");
            resources = count(db, "resources");
        }
        // A leaf in the middle of a rowid table, of a WITHOUT ROWID table, and of an index.
        damagePage(damaged, leafPageOf(damaged, "page_loads"));
        damagePage(damaged, leafPageOf(damaged, "spans"));
        damagePage(damaged, leafPageOf(damaged, "resources_by_session"));
        {
            Database db(damaged, Database::Mode::ReadOnly);
            QVERIFY(store::quickCheck(db, std::chrono::hours(1)).damaged);
        }
        const QByteArray before = fileHash(QString::fromStdString(damaged));

        const std::string target = path(QStringLiteral("recovered.seam"));
        const RecoverReport report = recoverCache(damaged, target);
        QCOMPARE(fileHash(QString::fromStdString(damaged)), before); // the source is only read
        QVERIFY2(!report.cancelled, report.summary().c_str());
        const auto table = [&](const char* name) {
            for (const TableRecovery& t : report.tables)
                if (t.table == name)
                    return t;
            return TableRecovery{};
        };
        QCOMPARE(table("page_loads").damagedStretches, 1);
        QCOMPARE(table("spans").damagedStretches, 1);
        QCOMPARE(table("resources").damagedStretches, 0); // only an index of it was damaged
        QVERIFY(table("page_loads").complete && table("spans").complete);

        {
            Database db = store::openForReading(target);
            Statement integrity = db.prepare("PRAGMA integrity_check");
            QVERIFY(integrity.step());
            QCOMPARE(integrity.text(0), std::string_view("ok"));
            // One leaf page of each table is lost: most rows survive.
            const std::int64_t recoveredPageLoads = count(db, "page_loads");
            const std::int64_t recoveredSpans = count(db, "spans");
            QCOMPARE(recoveredPageLoads, table("page_loads").copied);
            QVERIFY2(recoveredPageLoads < pageLoads && recoveredPageLoads >= pageLoads * 9 / 10,
                     qPrintable(QStringLiteral("%1 of %2").arg(recoveredPageLoads).arg(pageLoads)));
            QVERIFY2(recoveredSpans < spans && recoveredSpans >= spans * 9 / 10,
                     qPrintable(QStringLiteral("%1 of %2").arg(recoveredSpans).arg(spans)));
            QCOMPARE(count(db, "resources"), resources);
            QCOMPARE(db.queryInt("SELECT count(*) FROM meta WHERE key = 'recovered_from'"), 1);
        }
        StoreWriter writable(target); // a healthy cache, open for writing
        QVERIFY_THROWS_EXCEPTION(store::CacheError, recoverCache(damaged, target)); // never over a cache
    }

    void recoveryOfAHealthyCacheCopiesEverything()
    {
        const std::string target = path(QStringLiteral("copy.seam"));
        const RecoverReport report = recoverCache(m_cache, target);
        QCOMPARE(report.damagedStretches(), 0);
        Database from(m_cache, Database::Mode::ReadOnly);
        Database to = store::openForReading(target);
        for (const char* t : {"page_loads", "spans", "span_payloads", "traces", "resources", "links",
                              "rollups", "sessions", "services", "operations", "sources"})
            QVERIFY2(count(to, t) == count(from, t), t);
    }

    void readOnlyFolderIsReadable()
    {
        const QString dir = m_dir.filePath(QStringLiteral("read-only"));
        QVERIFY(QDir().mkpath(dir));
        const QString file = dir + QStringLiteral("/cache.seam");
        QVERIFY(QFile::copy(QString::fromStdString(m_cache), file));
        QVERIFY(QFile(file).setPermissions(QFileDevice::ReadOwner | QFileDevice::ReadGroup |
                                           QFileDevice::ReadOther));
        QVERIFY(QFile(dir).setPermissions(QFileDevice::ReadOwner | QFileDevice::ExeOwner |
                                          QFileDevice::ReadOther | QFileDevice::ExeOther));
        {
            DacOverrideDropped heldToPermissions;
            QFile probe(dir + QStringLiteral("/probe"));
            QVERIFY2(!probe.open(QIODevice::WriteOnly), "the folder must refuse new files for this test");

            QVERIFY(store::isCacheFile(file.toStdString()));
            std::optional<Database> db;
            try {
                db.emplace(store::openForReading(file.toStdString()));
            } catch (const std::exception& e) {
                QFAIL(e.what());
            }
            QCOMPARE(count(*db, "page_loads"), kPages);
            QCOMPARE(sideFiles(file), QStringList());

            const Refusal r = refusal([&] { StoreWriter w(file.toStdString()); });
            QVERIFY2(r.refused, r.what.c_str());
            QCOMPARE(int(r.reason), int(Reason::ReadOnly));
            QVERIFY2(contains(r.what, "read-only (SQLITE_READONLY)"), r.what.c_str());

            const std::string fresh = QString(dir + QStringLiteral("/new.seam")).toStdString();
            const Refusal create = refusal([&] { StoreWriter w(fresh); });
            QVERIFY2(create.refused, create.what.c_str());
            QCOMPARE(int(create.reason), int(Reason::ReadOnly));
            QVERIFY2(contains(create.what, "cannot create") &&
                         contains(create.what, "folder cannot be written"),
                     create.what.c_str());
        }
        QFile(dir).setPermissions(QFile(dir).permissions() | QFileDevice::WriteOwner);
    }

    void readOnlyFolderWithCommitsInTheWalIsRefusedClearly()
    {
        // A cache copied from a running Seam: commits still in its -wal, no -shm. Reading the main file
        // alone would show old data, so it is refused with what to do.
        const QString dir = m_dir.filePath(QStringLiteral("read-only-wal"));
        QVERIFY(QDir().mkpath(dir));
        const std::string live = copyOfCache(QStringLiteral("live.seam"));
        {
            Database writer = store::openForWriting(live);
            writer.exec("PRAGMA wal_autocheckpoint = 0");
            writer.exec("INSERT INTO notes(created_ns, title) VALUES (1, 'not checkpointed')");
            for (const char* suffix : {"", "-wal"})
                QVERIFY(QFile::copy(QString::fromStdString(live) + QLatin1String(suffix),
                                    dir + QStringLiteral("/cache.seam") + QLatin1String(suffix)));
        }
        const QString file = dir + QStringLiteral("/cache.seam");
        QVERIFY(QFileInfo(file + QStringLiteral("-wal")).size() > 0);
        QVERIFY(QFile(dir).setPermissions(QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        {
            DacOverrideDropped heldToPermissions;
            const Refusal r = refusal([&] { store::openForReading(file.toStdString()); });
            QVERIFY2(r.refused, r.what.c_str());
            QCOMPARE(int(r.reason), int(Reason::ReadOnly));
            QVERIFY2(contains(r.what, "-wal") && contains(r.what, "writable folder"), r.what.c_str());
        }
        QFile(dir).setPermissions(QFile(dir).permissions() | QFileDevice::WriteOwner);
    }

    void writableFolderIsNeverReadWithoutLocks()
    {
        // Where a writer could be at work, a reader that cannot set up its -wal fails rather than read
        // the file without locks (immutable=1).
        const std::string cache = copyOfCache(QStringLiteral("blocked.seam"));
        QVERIFY(QDir().mkpath(QString::fromStdString(cache) + QStringLiteral("-wal")));
        QVERIFY_THROWS_EXCEPTION(SqliteError, store::openForReading(cache));
    }

    void writerOnAReadOnlyFileSaysSo()
    {
        const std::string cache = copyOfCache(QStringLiteral("read-only-file.seam"));
        QVERIFY(QFile(QString::fromStdString(cache)).setPermissions(QFileDevice::ReadOwner));
        const QByteArray before = fileHash(QString::fromStdString(cache));
        DacOverrideDropped heldToPermissions;
        const Refusal r = refusal([&] { StoreWriter w(cache); });
        QVERIFY2(r.refused, "a writer opened a file it cannot write");
        QCOMPARE(int(r.reason), int(Reason::ReadOnly));
        QVERIFY2(contains(r.what, cache.c_str()) && contains(r.what, "read-only"), r.what.c_str());
        QCOMPARE(fileHash(QString::fromStdString(cache)), before);
    }

    void fullDiskStopsTheWriterWithItsCause()
    {
        const std::string cache = copyOfCache(QStringLiteral("full.seam"));
        StoreWriter writer(cache);
        // The writer's connection may not grow the file: what a full disk does to it.
        writer.runInTransaction([](Database& db) {
            db.exec("PRAGMA max_page_count = " + std::to_string(db.queryInt("PRAGMA page_count")));
        });
        QVERIFY(!writer.failed());
        for (int n = kPages; n < 3 * kPages; ++n) {
            writer.submit(0, browserBatch(n, traceId(n), 0x42, kT0 + n * 1'000'000'000LL));
            writer.submit(0, backendBatch(traceId(n), 0x42, kT0 + n * 1'000'000'000LL));
        }
        QVERIFY(!writer.flush());
        QVERIFY(writer.failed());
        QCOMPARE(writer.lastErrorCode() & 0xff, SQLITE_FULL);
        QVERIFY(contains(store::writeFailureCause(writer.lastErrorCode()), "disk full (SQLITE_FULL)"));
    }
};

QTEST_GUILESS_MAIN(TestStoreOpen)
#include "tst_storeopen.moc"
