#include "StoreWriter.h"

#include "BatchWriter.h"
#include "KeyDictionary.h"
#include "ReaderSortIndexes.h"
#include "RollupAccumulator.h"
#include "SpanPayloads.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriterJob.h"
#include "WriterTurns.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sqlite3.h>

namespace seam {
namespace {

double secondsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class TaggingSink : public BatchSink
{
public:
    TaggingSink(StoreWriter& writer, std::int64_t source) : m_writer(writer), m_source(source) {}
    void submit(RecordBatch&& batch) override { m_writer.submit(m_source, std::move(batch)); }
    KeyDictionary* payloadDictionary() override { return m_writer.payloadDictionary(); }

private:
    StoreWriter& m_writer;
    std::int64_t m_source;
};

/// Records from which a queued batch is written on its own rather than appended to the one before.
constexpr std::size_t kWrittenAlone = 4096;

} // namespace

StoreWriter::StoreWriter(const std::string& path) : StoreWriter(path, Options{}) {}

StoreWriter::StoreWriter(const std::string& path, Options options)
    : m_path(path), m_options(options), m_db(std::make_unique<Database>(store::openForWriting(path)))
{
    RollupAccumulator::registerFunctions(*m_db);
    m_keys = KeyDictionary::forCache(path, *m_db);
    // Checkpoints (copying committed WAL pages into the database file) run on their own connection
    // and thread, so the second core does them while the writer goes on; the writer never does.
    // The writer's own automatic checkpoint stays as a backstop: it runs between transactions and
    // completes, which lets the next transaction rewind the WAL; without it the WAL of a long import
    // grows without bound. At 16,384 pages (128 MiB) it fired before the background one had caught up
    // and the writer copied pages itself: 6.8% of its time on the 10M-span mix, 95 s against 91 s.
    m_db->exec("PRAGMA wal_autocheckpoint = 65536");
    // Other writers on the file hold its write lock one transaction at a time: poll for it every
    // millisecond (SQLite's own timeout backs off to 100 ms and would miss the short gap between two
    // transactions of a busy writer) until the transaction's deadline.
    m_busyDeadline = std::chrono::steady_clock::now() + m_options.lockTimeout;
    sqlite3_busy_handler(m_db->handle(), &StoreWriter::waitWhileBusy, this);
    // An import killed before it built the indexes it deferred: build them first thing.
    if (store::missingReaderSortIndexes(*m_db) > 0)
        queueIndexRestore();
    m_checkpointDb = std::make_unique<Database>(path, Database::Mode::ReadWrite);
    m_checkpointer = std::thread([this] { checkpointLoop(); });
    m_thread = std::thread([this] { run(); });
}

StoreWriter::~StoreWriter()
{
    // An import that deferred indexes and never finished (its finishSource() did not run).
    if (m_indexesDeferred)
        queueIndexRestore();
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
    {
        std::lock_guard lock(m_checkpointMutex);
        m_checkpointStop = true;
    }
    m_checkpointWake.notify_all();
    m_checkpointer.join();
    m_checkpointDb.reset();
    try {
        // Fold the WAL back so the cache is one self-contained file when Seam is not running. While
        // another program writes, give up soon: the last connection to close folds it.
        m_busyDeadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        m_db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (const SqliteError&) {
    }
}

std::uint64_t StoreWriter::submit(std::int64_t sourceId, RecordBatch&& batch)
{
    encodeSpanPayloads(batch, *m_keys);
    const std::size_t n = std::max<std::size_t>(batch.size(), 1);
    std::unique_lock lock(m_mutex);
    // A batch larger than the whole queue still goes in when the queue is empty.
    const auto room = [&] {
        return m_queuedRecords == 0 || m_queuedRecords + n <= m_options.maxQueuedRecords;
    };
    if (!room()) {
        const auto from = std::chrono::steady_clock::now();
        m_progress.wait(lock, room);
        m_roomWaitSeconds += secondsSince(from);
    }
    return enqueue(lock, sourceId, batch, n);
}

std::uint64_t StoreWriter::enqueue(std::unique_lock<std::mutex>& lock, std::int64_t sourceId,
                                   RecordBatch& batch, std::size_t records)
{
    const std::uint64_t seq = m_nextSequence++;
    m_queue.push_back(Job{seq, sourceId, std::move(batch), {}});
    m_queuedRecords += records;
    lock.unlock();
    m_wake.notify_one();
    return seq;
}

std::uint64_t StoreWriter::trySubmit(std::int64_t sourceId, RecordBatch& batch)
{
    encodeSpanPayloads(batch, *m_keys);
    const std::size_t n = std::max<std::size_t>(batch.size(), 1);
    std::unique_lock lock(m_mutex);
    if (m_queuedRecords != 0 && m_queuedRecords + n > m_options.maxQueuedRecords)
        return 0;
    return enqueue(lock, sourceId, batch, n);
}

std::unique_ptr<BatchSink> StoreWriter::sinkFor(std::int64_t sourceId)
{
    return std::make_unique<TaggingSink>(*this, sourceId);
}

bool StoreWriter::runInTransaction(const std::function<void(Database&)>& job)
{
    bool committed = false;
    std::uint64_t seq;
    {
        std::lock_guard lock(m_mutex);
        seq = m_nextSequence++;
        Job task{seq, 0, {}, job};
        task.committed = &committed;
        m_queue.push_back(std::move(task));
    }
    m_wake.notify_one();
    std::unique_lock lock(m_mutex);
    m_progress.wait(lock, [&] { return m_committed.load() >= seq; });
    return committed;
}

void StoreWriter::queueIndexRestore()
{
    // Not waited for: the constructor may run on a GUI thread, and 12 indexes over a large page-load
    // table take seconds. Whatever is submitted next queues behind it.
    std::lock_guard lock(m_mutex);
    Job task{m_nextSequence++, 0, {}, [this](Database& db) {
                 store::restoreReaderSortIndexes(db);
                 m_indexesDeferred = false;
             }};
    m_queue.push_back(std::move(task));
}

std::int64_t StoreWriter::beginSource(const std::string& kind, const std::string& path, OnFailure onFailure)
{
    std::int64_t id = 0;
    const bool bulk = onFailure == OnFailure::StopSource && m_options.deferReaderIndexes;
    const bool ok = runInTransaction([&](Database& db) {
        auto st = db.prepare("INSERT INTO sources(kind, path, started_ns) VALUES (?1, ?2, ?3)");
        st.bindText(1, kind).bindText(2, path).bind(3, nowNs());
        st.run();
        id = db.lastInsertRowId();
        // A bulk load: building the indexes once at the end costs less than keeping them current (10M-span
        // mix: 2.3 s to build, about 6 s of the writer's time saved; README, *Bulk imports*). Only into a
        // cache without page loads (or while another file import of this writer defers them): building them
        // again over a large table for a small import would cost more than it saves.
        if (bulk && (!m_sourcesDeferringIndexes.empty() ||
                     db.queryInt("SELECT NOT EXISTS (SELECT 1 FROM page_loads)") != 0)) {
            store::dropReaderSortIndexes(db);
            m_sourcesDeferringIndexes.insert(id);
            m_indexesDeferred = true;
        }
    });
    if (!ok)
        return 0;
    std::lock_guard lock(m_mutex);
    m_sources[id].stopOnFailure = onFailure == OnFailure::StopSource;
    return id;
}

SourceCommits StoreWriter::sourceCommits(std::int64_t sourceId) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_sources.find(sourceId);
    return it == m_sources.end() ? SourceCommits{} : it->second.commits;
}

bool StoreWriter::sourceFailed(std::int64_t sourceId) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_sources.find(sourceId);
    return it != m_sources.end() && it->second.commits.failed;
}

std::uint64_t StoreWriter::inferLinks()
{
    std::uint64_t links = 0;
    std::uint64_t seq;
    {
        std::lock_guard lock(m_mutex);
        seq = m_nextSequence++;
        Job job{seq, 0, {}, [](Database&) {}};
        job.infer = true;
        job.inferred = &links;
        m_queue.push_back(std::move(job));
    }
    m_wake.notify_one();
    std::unique_lock lock(m_mutex);
    m_progress.wait(lock, [&] { return m_committed.load() >= seq; });
    return links;
}

void StoreWriter::finishSource(std::int64_t sourceId, const ImportReport& report)
{
    flush();
    bool stopped = false; // an import whose writing failed
    WriteFailure failure;
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_sources.find(sourceId); it != m_sources.end()) {
            stopped = it->second.stopOnFailure && it->second.commits.failed;
            failure = it->second.commits.failure;
        }
    }
    // Still locked by another program: trying again would only make the import wait as long once more.
    if (stopped && WriteFailure::isBusy(failure.code))
        return;
    if (m_options.inferLinks && !report.cancelled && !stopped)
        inferLinks();
    runInTransaction([&](Database& db) {
        m_sourcesDeferringIndexes.erase(sourceId);
        if (m_indexesDeferred && m_sourcesDeferringIndexes.empty()) {
            store::restoreReaderSortIndexes(db);
            m_indexesDeferred = false; // should this roll back, the next writer on the cache builds them
        }
        const char* status = report.cancelled ? "cancelled" : report.hasFatal() ? "failed" : "done";
        std::string error;
        if (report.hasFatal())
            error = report.fatalLocation().empty() ? report.fatalMessage()
                                                   : report.fatalLocation() + ": " + report.fatalMessage();
        auto st =
            db.prepare("UPDATE sources SET finished_ns = ?2, status = ?3, accepted = ?4, rejected = ?5, "
                       "bytes = ?6, format = ?7, error = ?8 WHERE id = ?1");
        st.bind(1, sourceId).bind(2, nowNs()).bindText(3, status).bind(4, report.accepted());
        st.bind(5, report.rejected()).bind(6, report.bytesRead).bindTextOrNull(7, report.format);
        st.bindTextOrNull(8, error);
        st.run();
        auto err = db.prepare(
            "INSERT INTO source_errors(source_id, location, message, count) VALUES (?1, ?2, ?3, ?4)");
        for (const auto& r : report.samples()) {
            err.bind(1, sourceId).bindText(2, r.location).bindText(3, r.message).bind(4, r.count);
            err.run();
        }
    });
}

bool StoreWriter::flush()
{
    std::unique_lock lock(m_mutex);
    const std::uint64_t target = m_nextSequence - 1;
    const CommitWaiter waiter(*this);
    m_progress.wait(lock, [&] { return m_committed.load() >= target; });
    return !m_failed;
}

bool StoreWriter::waitCommitted(std::uint64_t sequence, std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    const CommitWaiter waiter(*this);
    return m_progress.wait_for(lock, timeout, [&] { return m_committed.load() >= sequence; });
}

std::size_t StoreWriter::queuedRecords() const
{
    std::lock_guard lock(m_mutex);
    return m_queuedRecords;
}

void StoreWriter::setCommitCallback(std::function<void(const CommitInfo&)> callback)
{
    std::lock_guard lock(m_mutex);
    m_callback = std::move(callback);
}

std::string StoreWriter::lastError() const
{
    std::lock_guard lock(m_mutex);
    return m_lastFailure.message;
}

WriteFailure StoreWriter::lastFailure() const
{
    std::lock_guard lock(m_mutex);
    return m_lastFailure;
}

int StoreWriter::waitWhileBusy(void* self, int)
{
    // Runs on the thread using the writer's connection (the writer thread, or the destructor's).
    auto* writer = static_cast<StoreWriter*>(self);
    return WriterTurns::waitForLock(writer->m_lastLockWait, writer->m_busyDeadline);
}

bool StoreWriter::failed() const
{
    std::lock_guard lock(m_mutex);
    return m_failed;
}

int StoreWriter::lastErrorCode() const
{
    std::lock_guard lock(m_mutex);
    return m_lastFailure.code;
}

void StoreWriter::run()
{
    store_writer::nameThread("seam-writer");
    BatchWriter writer(*m_db);
    WriterTurns turns(*m_db, m_lastLockWait);
    std::deque<Job> jobs;
    // SEAM_PROFILE_WRITER=1: time in transactions and idle, records per transaction.
    const bool profile = std::getenv("SEAM_PROFILE_WRITER") != nullptr;
    std::uint64_t transactions = 0, transactionRecords = 0;
    double transactionSeconds = 0, idleSeconds = 0;
    for (;;) {
        std::uint64_t lastSequence = 0;
        std::size_t queued = 0; // records (at least 1 per job) leaving the queue
        bool moreQueued = false;
        {
            std::unique_lock lock(m_mutex);
            const auto idleFrom = std::chrono::steady_clock::now();
            m_wake.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
            idleSeconds += secondsSince(idleFrom);
            if (m_queue.empty() && m_stopping) {
                if (profile)
                    std::fprintf(
                        stderr,
                        "writer: %llu transactions, %.0f records each, %.2f s in them (%.2f s committing, "
                        "%.2f s waiting for batches), %.2f s idle, %.2f s CPU; submitters waited %.2f s for "
                        "room\n",
                        (unsigned long long)transactions,
                        transactions ? double(transactionRecords) / double(transactions) : 0.0,
                        transactionSeconds, m_commitSeconds, m_growthWaitSeconds, idleSeconds,
                        store_writer::threadCpuSeconds(), m_roomWaitSeconds);
                return;
            }
            // Group commit: take queued batches up to the limit; a task job runs on its own.
            std::size_t records = 0;
            while (!m_queue.empty()) {
                Job& next = m_queue.front();
                if (!next.task) {
                    // The rest of a file whose writing failed is dropped: the import stops there.
                    const auto source = m_sources.find(next.sourceId);
                    if (source != m_sources.end() && source->second.stopOnFailure &&
                        source->second.commits.failed) {
                        lastSequence = next.sequence;
                        queued += std::max<std::size_t>(next.batch.size(), 1);
                        m_queue.pop_front();
                        continue;
                    }
                }
                if (next.task && !jobs.empty())
                    break;
                if (!jobs.empty() && records + next.batch.size() > m_options.groupCommitRecords)
                    break;
                records += next.batch.size();
                queued += std::max<std::size_t>(next.batch.size(), 1);
                lastSequence = next.sequence;
                const bool task = bool(next.task);
                jobs.push_back(std::move(next));
                m_queue.pop_front();
                if (task)
                    break;
            }
            moreQueued = !m_queue.empty();
        }

        CommitInfo info;
        Growth growth;
        if (!jobs.empty()) {
            const auto from = std::chrono::steady_clock::now();
            commitJobs(writer, jobs, info, growth);
            transactionSeconds += secondsSince(from);
            ++transactions;
            transactionRecords += info.records;
        }
        info.sequence = std::max(lastSequence, growth.lastSequence);
        const bool handedOver = release(jobs, queued);

        std::function<void(const CommitInfo&)> callback;
        {
            std::lock_guard lock(m_mutex);
            if (!handedOver)
                m_queuedRecords -= std::min(queued, m_queuedRecords);
            m_committed = info.sequence;
            moreQueued = moreQueued || (growth.lastSequence != 0 && !m_queue.empty());
            if (info.failed) {
                m_failed = true;
                m_lastFailure = WriteFailure{info.errorCode, info.error};
            }
            callback = m_callback;
        }
        m_progress.notify_all();
        {
            std::lock_guard lock(m_checkpointMutex);
            ++m_commitsSinceCheckpoint;
        }
        m_checkpointWake.notify_one();
        if (callback)
            callback(info);
        // Let another program's writer, waiting for the lock, take its turn before this one goes on.
        if (moreQueued && turns.pauseAfterCommit())
            std::this_thread::sleep_for(WriterTurns::kPause);
    }
}

void StoreWriter::commitJobs(BatchWriter& writer, std::deque<Job>& jobs, CommitInfo& info, Growth& growth)
{
    const auto deadline = std::chrono::steady_clock::now() + m_options.lockTimeout;
    std::unordered_map<std::int64_t, SourceCommits> bySource;
    for (;;) {
        info = CommitInfo{};
        bySource.clear();
        m_busyDeadline = deadline;
        try {
            const auto began = std::chrono::steady_clock::now();
            Transaction tx(*m_db);
            if (m_transactionsBegun++ % 16 == 0)
                sizePageCache();
            writer.beginTransaction();
            applyJobs(writer, jobs, info, bySource);
            grow(writer, jobs, info, bySource, growth, began);
            info.newLinks += writer.finish();
            const auto committing = std::chrono::steady_clock::now();
            tx.commit();
            m_commitSeconds += secondsSince(committing);
            writer.committed();
            break;
        } catch (const std::exception& e) {
            // The transaction rolled back; ids cached during it may not exist.
            writer.rolledBack();
            const auto* sqlite = dynamic_cast<const SqliteError*>(&e);
            const int code = sqlite ? sqlite->code() : 0;
            // Another writer holds the lock (or SQLite could not wait for it): the whole transaction
            // is tried again until the deadline. Not once it grew: the batches it took are freed (the
            // lock is taken at BEGIN IMMEDIATE, before any batch is written, so that is not expected).
            if (WriteFailure::isBusy(code) && growth.lastSequence == 0 &&
                std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                continue;
            }
            info.failed = true;
            info.error = e.what();
            info.errorCode = code;
            break;
        }
    }

    std::lock_guard lock(m_mutex);
    if (!info.failed) {
        for (const auto& [source, c] : bySource) {
            SourceCommits& total = m_sources[source].commits;
            total.items += c.items;
            total.records += c.records;
        }
        for (Job& job : jobs)
            if (job.committed)
                *job.committed = true;
        return;
    }
    std::vector<std::int64_t> failedSources = growth.sources;
    for (const Job& job : jobs)
        if (!job.task)
            failedSources.push_back(job.sourceId);
    for (const std::int64_t source : failedSources) {
        SourceCommits& c = m_sources[source].commits;
        if (!c.failed) {
            c.failed = true;
            c.failure = WriteFailure{info.errorCode, info.error};
        }
    }
}

void StoreWriter::applyJobs(BatchWriter& writer, std::deque<Job>& jobs, CommitInfo& info,
                            std::unordered_map<std::int64_t, SourceCommits>& bySource)
{
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        Job& job = jobs[i];
        if (job.infer || job.task)
            info.newLinks += writer.finish(); // the batches before it are complete first
        if (job.infer) {
            const std::uint64_t links = writer.inferLinks();
            info.newLinks += links;
            *job.inferred = links;
            continue;
        }
        if (job.task) {
            job.task(*m_db);
            writer.taskRan();
            continue;
        }
        writeBatch(writer, jobs, i, info, bySource);
    }
}

void StoreWriter::writeBatch(BatchWriter& writer, std::deque<Job>& jobs, std::size_t& i, CommitInfo& info,
                             std::unordered_map<std::int64_t, SourceCommits>& bySource)
{
    // The batches of a transaction are written as one (BatchWriter::writeRows(), then finish() once):
    // the writer's per-batch work (correlation, rollups, session extents) runs once a commit. Small
    // batches of one source (a live receiver's requests) are also appended into one, which saves their
    // per-batch row work; a large one (a file reader's) is not: moving its records cost more than that
    // (1M backend spans: 0.55 s of the writer's wall time, cold memory). A retried transaction finds
    // them merged already (the others left empty).
    Job& job = jobs[i];
    while (i + 1 < jobs.size() && !jobs[i + 1].task && !jobs[i + 1].infer &&
           jobs[i + 1].sourceId == job.sourceId && jobs[i + 1].batch.size() < kWrittenAlone)
        job.batch.append(std::move(jobs[++i].batch));
    info.records += job.batch.size();
    SourceCommits& c = bySource[job.sourceId];
    c.items += job.batch.items;
    c.records += job.batch.size();
    const BatchResult r = writer.writeRows(job.batch, job.sourceId);
    info.newSpans += r.newSpans;
    info.newPageLoads += r.newPageLoads;
    info.newLinks += r.newLinks;
}

} // namespace seam
