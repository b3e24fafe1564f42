// A file import into a cache without page loads drops the page-load table's sort indexes (only readers
// use them) and builds them when it finishes (StoreWriter::Options::deferReaderIndexes,
// store/ReaderSortIndexes.h). A live source never does; an import into a cache with page loads does not;
// an import that never finished leaves them to the writer's close or the next writer on the cache.

#include "ReaderSortIndexes.h"
#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <string>

using namespace seam;
using namespace seam::test;

namespace {

StoreWriter::Options noInference()
{
    StoreWriter::Options options;
    options.inferLinks = false;
    return options;
}

/// Another connection's view of the committed cache.
int missingIndexes(const std::string& path)
{
    Database db(path, Database::Mode::ReadOnly);
    return store::missingReaderSortIndexes(db);
}

void submitPageLoads(StoreWriter& writer, std::int64_t source, int first, int count)
{
    for (int i = first; i < first + count; ++i) {
        RecordBatch batch = browserBatch(i, traceId(1000 + i), 0x42, kT0 + i * 1'000'000'000LL);
        batch.append(backendBatch(traceId(1000 + i), 0x42, kT0 + i * 1'000'000'000LL));
        writer.submit(source, std::move(batch));
    }
}

/// What ImportRunner begins for a file: a source that stops on failure (a bulk load).
std::int64_t beginFileImport(StoreWriter& writer, const char* path)
{
    return writer.beginSource("file", path, StoreWriter::OnFailure::StopSource);
}

ImportReport doneReport()
{
    return ImportReport{};
}

} // namespace

class TestDeferredIndexes : public QObject
{
    Q_OBJECT

private slots:
    void definitionsAreWhatANewCacheCreates()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("new.seam")).toStdString();
        {
            StoreWriter writer(path, noInference());
        }
        Database db(path, Database::Mode::ReadOnly);
        Statement sql = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1");
        for (const store::IndexDefinition& index : store::readerSortIndexes()) {
            sql.bindText(1, index.name);
            QVERIFY2(sql.step(), index.name);
            QCOMPARE(std::string(sql.text(0)), std::string(index.sql));
            sql.reset();
        }
        QCOMPARE(store::missingReaderSortIndexes(db), 0);
    }

    void aFileImportIntoANewCacheBuildsThemAtItsEnd()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("bulk.seam")).toStdString();
        StoreWriter writer(path, noInference());
        const std::int64_t source = beginFileImport(writer, "dump.json");
        QVERIFY(source != 0);
        submitPageLoads(writer, source, 0, 40);
        QVERIFY(writer.flush());
        const int total = int(store::readerSortIndexes().size());
        QCOMPARE(missingIndexes(path), total); // readers meanwhile sort without them

        writer.finishSource(source, doneReport());
        QCOMPARE(missingIndexes(path), 0);
        Database db(path, Database::Mode::ReadOnly);
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads"), 40);
        // Built over every row: the index holds what the table holds.
        Statement check = db.prepare("PRAGMA integrity_check");
        QVERIFY(check.step());
        QCOMPARE(std::string(check.text(0)), std::string("ok"));
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads INDEXED BY page_loads_by_url WHERE url > ''"),
                 40);
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads INDEXED BY page_loads_by_backend "
                             "WHERE backend_ns > 0"),
                 db.queryInt("SELECT count(*) FROM page_loads NOT INDEXED WHERE backend_ns > 0"));
        QVERIFY(!writer.failed());
    }

    void aLiveSourceKeepsThem()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("live.seam")).toStdString();
        StoreWriter writer(path, noInference());
        const std::int64_t source = writer.beginSource("live", "http://127.0.0.1:4318");
        submitPageLoads(writer, source, 0, 10);
        QVERIFY(writer.flush());
        QCOMPARE(missingIndexes(path), 0);
        writer.finishSource(source, doneReport());
    }

    void anImportIntoACacheWithPageLoadsKeepsThem()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("second.seam")).toStdString();
        StoreWriter writer(path, noInference());
        const std::int64_t first = beginFileImport(writer, "a.json");
        submitPageLoads(writer, first, 0, 5);
        writer.finishSource(first, doneReport());
        const std::int64_t second = beginFileImport(writer, "b.json");
        submitPageLoads(writer, second, 5, 5);
        QVERIFY(writer.flush());
        QCOMPARE(missingIndexes(path), 0);
        writer.finishSource(second, doneReport());
        QCOMPARE(missingIndexes(path), 0);
    }

    void twoImportsBuildThemWhenTheLastFinishes()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("two.seam")).toStdString();
        StoreWriter writer(path, noInference());
        const std::int64_t a = beginFileImport(writer, "a.json");
        submitPageLoads(writer, a, 0, 5);
        QVERIFY(writer.flush());
        // The first defers them; the second starts while they are gone (its cache has page loads now).
        const std::int64_t b = beginFileImport(writer, "b.json");
        submitPageLoads(writer, b, 5, 5);
        writer.finishSource(a, doneReport());
        QVERIFY(missingIndexes(path) > 0);
        writer.finishSource(b, doneReport());
        QCOMPARE(missingIndexes(path), 0);
    }

    void aWriterClosedBeforeTheImportFinishedBuildsThem()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("closed.seam")).toStdString();
        {
            StoreWriter writer(path, noInference());
            const std::int64_t source = beginFileImport(writer, "dump.json");
            submitPageLoads(writer, source, 0, 10);
            QVERIFY(writer.flush());
            QVERIFY(missingIndexes(path) > 0);
        } // no finishSource()
        QCOMPARE(missingIndexes(path), 0);
    }

    void theNextWriterBuildsWhatAKilledImportLeftOut()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("killed.seam")).toStdString();
        {
            StoreWriter writer(path, noInference());
            const std::int64_t source = writer.beginSource("live", "x");
            submitPageLoads(writer, source, 0, 10);
            writer.finishSource(source, doneReport());
        }
        {
            // What a killed import's committed transactions leave: its first dropped them, none built them.
            Database db(path, Database::Mode::ReadWrite);
            db.exec("BEGIN IMMEDIATE");
            store::dropReaderSortIndexes(db);
            db.exec("COMMIT");
        }
        QCOMPARE(missingIndexes(path), int(store::readerSortIndexes().size()));
        StoreWriter writer(path, noInference());
        QVERIFY(writer.flush()); // the constructor queued the build; it did not wait for it
        QCOMPARE(missingIndexes(path), 0);
        QVERIFY(!writer.failed());
    }
};

QTEST_GUILESS_MAIN(TestDeferredIndexes)
#include "tst_deferredindexes.moc"
