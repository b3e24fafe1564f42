#include "BackgroundLoader.h"
#include "Sqlite.h"
#include "Store.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace seam;

namespace {

/// Counts to `n` in SQL: each row is a few SQLite VM steps, so a big `n` is a long job that only
/// SQLite itself can stop (two billion rows: minutes).
struct Count
{
    qint64 n = 0;
    qint64 counted = 0;

    static Count load(Database& db, qint64 n)
    {
        Statement st =
            db.prepare("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?1) "
                       "SELECT count(*) FROM c");
        st.bindInt64(1, n);
        st.step();
        return Count{n, st.int64(0)};
    }
};
using CountLoader = BackgroundLoader<Count, qint64>;

constexpr qint64 kLong = 2'000'000'000;
// Long enough for the worker to be inside a job's statement.
constexpr int kRunningMs = 300;

std::shared_ptr<const Count> resultAt(const QSignalSpy& spy, int i)
{
    return spy.at(i).at(0).value<std::shared_ptr<const Count>>();
}

} // namespace

class TestBackgroundLoader : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cache = m_dir.filePath(QStringLiteral("loader.seam"));
        store::openForWriting(m_cache.toStdString()); // an empty cache: the jobs only compute
    }

    void deliversOnTheLoadersThread()
    {
        CountLoader loader(m_cache);
        QSignalSpy loaded(&loader, &CountLoader::loaded);
        QThread* deliveredOn = nullptr;
        qint64 typed = 0;
        loader.onLoaded(this, [&](std::shared_ptr<const Count> c) {
            deliveredOn = QThread::currentThread();
            typed = c->counted;
        });
        QVERIFY(!loader.isLoading());
        loader.load(1000);
        QVERIFY(loader.isLoading());
        QTRY_COMPARE(loaded.count(), 1);
        QVERIFY(!loader.isLoading());
        QCOMPARE(resultAt(loaded, 0)->counted, qint64(1000));
        QCOMPARE(typed, qint64(1000));
        QCOMPARE(deliveredOn, QThread::currentThread());
        QCOMPARE(CountLoader::loadNow(m_cache.toStdString(), 77).counted, qint64(77));
    }

    void latestRequestWinsAndInterruptsTheRunningOne()
    {
        CountLoader loader(m_cache);
        QSignalSpy loaded(&loader, &CountLoader::loaded);
        loader.load(kLong);
        QTest::qWait(kRunningMs);
        QElapsedTimer timer;
        timer.start();
        loader.load(20); // replaces nothing waiting: the long job is running and must stop
        loader.load(10);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20'000);
        QCOMPARE(resultAt(loaded, 0)->counted, qint64(10));
        QVERIFY2(timer.elapsed() < 20'000, "the superseded job was not interrupted");
        QTest::qWait(100);
        QCOMPARE(loaded.count(), 1);
        QVERIFY(!loader.isLoading());
    }

    void cancelAndEmptyRequestsDeliverNothing()
    {
        CountLoader loader(m_cache);
        QSignalSpy loaded(&loader, &CountLoader::loaded);
        QSignalSpy failed(&loader, &CountLoader::failed);
        loader.load(kLong);
        QTest::qWait(kRunningMs);
        loader.cancel();
        QVERIFY(!loader.isLoading());
        loader.load(3);
        loader.load(0); // Request{}: no page load, nothing to read
        QVERIFY(!loader.isLoading());
        QTest::qWait(kRunningMs);
        QCOMPARE(loaded.count(), 0);
        QCOMPARE(failed.count(), 0); // an interrupted job is not a failure

        // The worker is free again at once (the long job stopped).
        loader.load(5);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20'000);
        QCOMPARE(resultAt(loaded, 0)->counted, qint64(5));
    }

    void failuresAreReported()
    {
        CountLoader loader(m_dir.filePath(QStringLiteral("missing/none.seam")));
        QSignalSpy loaded(&loader, &CountLoader::loaded);
        QSignalSpy failed(&loader, &CountLoader::failed);
        loader.load(1);
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY(!failed.at(0).at(0).toString().isEmpty());
        QVERIFY(!loader.isLoading());
        QCOMPARE(loaded.count(), 0);
        QVERIFY_THROWS_EXCEPTION(SqliteError, CountLoader::loadNow("/nonexistent/none.seam", 1));
    }

    void destroyingStopsARunningJob()
    {
        auto loader = std::make_unique<CountLoader>(m_cache);
        QSignalSpy loaded(loader.get(), &CountLoader::loaded);
        loader->load(kLong);
        QTest::qWait(kRunningMs);
        QElapsedTimer timer;
        timer.start();
        loader.reset();
        QVERIFY2(timer.elapsed() < 10'000, "the destructor waited for the job to run to its end");
        QTest::qWait(50); // nothing was posted for a gone loader
        QCOMPARE(loaded.count(), 0);
    }

private:
    QTemporaryDir m_dir;
    QString m_cache;
};

QTEST_GUILESS_MAIN(TestBackgroundLoader)
#include "tst_backgroundloader.moc"
