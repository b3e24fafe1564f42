// What the writer thread leaves to others: spent batches are freed on the housekeeping thread (the one
// that checkpoints), so the writer goes on with the next transaction.

#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

using namespace seam;
using namespace seam::test;

class TestWriterHousekeeping : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void spentBatchesAreFreedOffTheWriterThread()
    {
        const std::string path = m_dir.filePath(QStringLiteral("release.seam")).toStdString();
        std::mutex mutex;
        std::set<std::thread::id> releasers;
        std::atomic<std::size_t> released{0};
        StoreWriter::Options options;
        options.onReleased = [&](std::size_t records) {
            std::lock_guard lock(mutex);
            releasers.insert(std::this_thread::get_id());
            released += records;
        };
        std::size_t submitted = 0;
        std::set<std::thread::id> writers;
        {
            StoreWriter writer(path, options);
            writer.setCommitCallback([&](const CommitInfo&) {
                std::lock_guard lock(mutex);
                writers.insert(std::this_thread::get_id());
            });
            for (int i = 1; i <= 20; ++i) {
                RecordBatch batch = backendBatch(traceId(i), 0x42, kT0 + i * 1'000'000'000LL);
                submitted += batch.size();
                writer.submit(0, std::move(batch));
                // One transaction at a time, each handed over before the next: the writer frees a group
                // itself only while the previous one still waits (see release()).
                QVERIFY(writer.flush());
                QTRY_COMPARE(released.load(), submitted);
            }
            QVERIFY(writer.flush());
            QTRY_COMPARE(released.load(), submitted);
        }
        QCOMPARE(released.load(), submitted);
        std::lock_guard lock(mutex);
        QCOMPARE(writers.size(), std::size_t(1));
        QVERIFY(!releasers.empty());
        QVERIFY(!releasers.count(*writers.begin()));
        QVERIFY(!releasers.count(std::this_thread::get_id()));
        // What was handed over was committed first.
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT count(*) FROM traces"), 20);
    }

    /// The housekeeping thread runs at a lower priority than the writer, which bounds an import.
    void checkpointsYieldToTheWriter()
    {
#ifdef __linux__
        const std::string path = m_dir.filePath(QStringLiteral("nice.seam")).toStdString();
        StoreWriter writer(path);
        writer.submit(0, backendBatch(traceId(1), 0x42, kT0));
        QVERIFY(writer.flush());
        QTRY_COMPARE(niceOf("seam-checkpoint"), 10);
        QCOMPARE(niceOf("seam-writer"), niceOf(nullptr));
#else
        QSKIP("thread priorities are checked on Linux");
#endif
    }

private:
    /// The nice value of this process's thread named `name` (the main thread's for nullptr), -100 if none.
    static int niceOf(const char* name)
    {
        const QDir tasks(QStringLiteral("/proc/self/task"));
        for (const QString& tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            if (name) {
                QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
                if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != QByteArray(name))
                    continue;
            } else if (tid != QString::number(QCoreApplication::applicationPid())) {
                continue;
            }
            QFile stat(tasks.filePath(tid + QStringLiteral("/stat")));
            if (!stat.open(QIODevice::ReadOnly))
                return -100;
            // After the command in parentheses: state is field 3, nice field 19.
            const QByteArray text = stat.readAll();
            const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
            return fields.size() > 16 ? fields[16].toInt() : -100;
        }
        return -100;
    }
};

QTEST_GUILESS_MAIN(TestWriterHousekeeping)
#include "tst_writerhousekeeping.moc"
