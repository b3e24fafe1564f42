// How large the writer's transactions grow (StoreWriter::Options::importTransactionRecords): a file
// import's transaction goes on taking the batches queued behind its first group, freeing each once
// written, so it can hold more than the queue bound; a live source's takes one group; a grown
// transaction that fails takes every batch it wrote with it and stops the import. A file import whose
// reader falls behind waits for its next batch rather than committing, until someone waits for a commit.

#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using namespace seam;
using namespace seam::test;

namespace {

constexpr std::size_t kQueueBound = 30;
constexpr std::size_t kGroup = 10;
constexpr int kBatches = 100; // of 3 spans, one trace each

StoreWriter::Options smallQueue()
{
    StoreWriter::Options options;
    options.maxQueuedRecords = kQueueBound;
    options.groupCommitRecords = kGroup;
    options.importTransactionRecords = 1'000; // more than all the batches: only the queue ends growth
    options.importTransactionTime = std::chrono::minutes(1);
    options.inferLinks = false;
    return options;
}

RecordBatch batchOf(int i)
{
    return backendBatch(traceId(100 + i), 0x42, kT0 + i * 1'000'000'000LL);
}

/// A file import's source: it stops on failure, so its transactions grow.
std::int64_t beginFileImport(StoreWriter& writer)
{
    return writer.beginSource("file", "spans.json", StoreWriter::OnFailure::StopSource);
}

/// Holds the cache's write lock (another connection's BEGIN IMMEDIATE) until released, so the writer
/// waits at its BEGIN with its first group taken while the queue fills up behind it.
class LockHolder
{
public:
    explicit LockHolder(const std::string& path) : m_db(path, Database::Mode::ReadWrite)
    {
        m_db.exec("BEGIN IMMEDIATE");
    }
    void release() { m_db.exec("COMMIT"); }

private:
    Database m_db;
};

struct Commits
{
    std::mutex mutex;
    std::vector<CommitInfo> all;
    /// Records every commit `writer` reports (on its thread).
    void follow(StoreWriter& writer)
    {
        writer.setCommitCallback([this](const CommitInfo& c) {
            std::lock_guard lock(mutex);
            all.push_back(c);
        });
    }
    std::size_t largest()
    {
        std::lock_guard lock(mutex);
        std::size_t n = 0;
        for (const CommitInfo& c : all)
            n = std::max<std::size_t>(n, c.records);
        return n;
    }
};

/// Submits kBatches batches of `source` (blocking submit(): the queue bound holds them back) with the
/// write lock held by another connection until the queue is full, then lets the writer go.
void importBehindLock(StoreWriter& writer, const std::string& path, std::int64_t source)
{
    LockHolder lock(path);
    std::atomic<int> submitted{0};
    std::thread submitter([&] {
        for (int i = 0; i < kBatches; ++i) {
            writer.submit(source, batchOf(i));
            ++submitted;
        }
    });
    // Full: the writer's first group and the queue behind it count against the bound.
    QTRY_VERIFY(writer.queuedRecords() + 3 > kQueueBound);
    lock.release();
    submitter.join();
    QCOMPARE(submitted.load(), kBatches);
}

} // namespace

class TestImportTransactions : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void fileImportTransactionsGrowPastTheQueueBound()
    {
        const std::string path = m_dir.filePath(QStringLiteral("file.seam")).toStdString();
        Commits commits;
        {
            StoreWriter writer(path, smallQueue());
            commits.follow(writer);
            const std::int64_t source = beginFileImport(writer);
            QVERIFY(source > 0);
            importBehindLock(writer, path, source);
            QVERIFY(writer.flush());
            QCOMPARE(writer.sourceCommits(source).records, std::uint64_t(kBatches * 3));
        }
        // The transaction took batches that were submitted only after others it held were freed: more
        // than the queue bound, which a transaction keeping its batches until the commit cannot hold.
        QVERIFY2(commits.largest() > kQueueBound, QByteArray::number(qulonglong(commits.largest())));
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT count(*) FROM spans"), kBatches * 3);
        QCOMPARE(db.queryInt("SELECT count(*) FROM traces"), kBatches);
    }

    void slowReaderStillFillsTheTransaction()
    {
        // The reader falls behind the writer: a batch of 3 spans every 5 ms, which the writer writes in
        // well under a millisecond, so the queue is empty most of the time. The transaction waits for the
        // next batch instead of committing each on its own, and the import's end (flush) ends the wait at
        // once.
        const std::string path = m_dir.filePath(QStringLiteral("slow.seam")).toStdString();
        Commits commits;
        {
            StoreWriter writer(path, smallQueue());
            commits.follow(writer);
            const std::int64_t source = beginFileImport(writer);
            QVERIFY(source > 0);
            for (int i = 0; i < kBatches; ++i) {
                writer.submit(source, batchOf(i));
                std::this_thread::sleep_for(std::chrono::milliseconds(5)); // the writer needs < 1 ms
            }
            const auto flushed = std::chrono::steady_clock::now();
            QVERIFY(writer.flush());
            // The transaction may wait a minute (smallQueue()); a flush must not wait for that.
            const auto waited = std::chrono::steady_clock::now() - flushed;
            QVERIFY2(waited < std::chrono::seconds(30),
                     QByteArray::number(
                         qlonglong(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count())));
            QCOMPARE(writer.sourceCommits(source).records, std::uint64_t(kBatches * 3));
        }
        QVERIFY2(commits.largest() > kQueueBound, QByteArray::number(qulonglong(commits.largest())));
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT count(*) FROM spans"), kBatches * 3);
    }

    void liveTransactionsTakeOneGroup()
    {
        const std::string path = m_dir.filePath(QStringLiteral("live.seam")).toStdString();
        Commits commits;
        {
            StoreWriter writer(path, smallQueue());
            commits.follow(writer);
            // A live stream keeps writing after a failure: its clients wait for each commit.
            const std::int64_t source = writer.beginSource("live", "127.0.0.1:4318");
            importBehindLock(writer, path, source);
            QVERIFY(writer.flush());
        }
        QVERIFY2(commits.largest() <= kGroup, QByteArray::number(qulonglong(commits.largest())));
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT count(*) FROM spans"), kBatches * 3);
    }

    void failedGrownTransactionStopsTheImport()
    {
        const std::string path = m_dir.filePath(QStringLiteral("failed.seam")).toStdString();
        {
            // A failure planted in the eighth batch's spans (the eighth trace the writer creates), which
            // the first group (at most kGroup records: three batches) does not hold.
            Database db = store::openForWriting(path);
            db.exec("CREATE TRIGGER planted_failure BEFORE INSERT ON spans WHEN NEW.trace = 8 "
                    "BEGIN SELECT RAISE(ABORT, 'planted failure'); END");
        }
        Commits commits;
        std::int64_t source = 0;
        {
            StoreWriter writer(path, smallQueue());
            commits.follow(writer);
            source = beginFileImport(writer);
            QVERIFY(source > 0);
            importBehindLock(writer, path, source);
            QVERIFY(!writer.flush());
            QVERIFY(writer.sourceFailed(source));
            QVERIFY2(writer.lastError().find("planted failure") != std::string::npos,
                     writer.lastError().c_str());
            // Nothing of the failed transaction counts, and the batches queued after it were dropped.
            QCOMPARE(writer.sourceCommits(source).records, std::uint64_t(0));
        }
        {
            std::lock_guard lock(commits.mutex);
            // One transaction failed, after it had grown past its first group (records it wrote or
            // was writing when it failed); no other commit wrote a span.
            const auto failed = std::find_if(commits.all.begin(), commits.all.end(),
                                             [](const CommitInfo& c) { return c.failed; });
            QVERIFY(failed != commits.all.end());
            QVERIFY2(failed->records > kGroup, QByteArray::number(qulonglong(failed->records)));
            for (const CommitInfo& c : commits.all)
                if (!c.failed)
                    QCOMPARE(c.newSpans, std::uint64_t(0));
        }
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT count(*) FROM spans"), 0);
        QCOMPARE(db.queryInt("SELECT count(*) FROM traces"), 0);
    }
};

QTEST_GUILESS_MAIN(TestImportTransactions)
#include "tst_importtransactions.moc"
