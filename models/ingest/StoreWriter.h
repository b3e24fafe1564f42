#pragma once

#include "BatchSink.h"
#include "ImportReport.h"
#include "Records.h"
#include "WriteFailure.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace seam {

class BatchWriter;
class KeyDictionary;
class Database;

/// What the writer reports after each commit.
struct CommitInfo
{
    std::uint64_t sequence = 0; // every submit() up to this one is durable
    std::uint64_t records = 0;  // records in the committed batches
    std::uint64_t newSpans = 0;
    std::uint64_t newPageLoads = 0;
    std::uint64_t newLinks = 0;
    bool failed = false; // the batches were rolled back; see error
    std::string error;
    int errorCode = 0; // SQLite result code of the failure (see WriteFailure)
};

/// What of one source's batches is in the cache.
struct SourceCommits
{
    std::uint64_t items = 0;   // input items of committed batches (RecordBatch::items)
    std::uint64_t records = 0; // records of committed batches
    bool failed = false;       // a batch of the source was rolled back: `failure` says why
    WriteFailure failure;
};

/// The writer of an investigation cache. Importers (any number of threads) submit batches; a single
/// thread applies them in order, merging what is queued into one transaction (group commit), then runs
/// rollups and correlation in that same transaction, so a reader — or a process killed at any moment —
/// only ever sees whole batches.
///
/// Other processes (another `seam import`, `seam serve`, the GUI) may write to the same file: each
/// transaction takes SQLite's write lock (BEGIN IMMEDIATE), waits for another writer's transaction to
/// end (up to Options::lockTimeout), and is retried as a whole when SQLite answers "busy"; after each
/// commit with more work queued the writer pauses briefly so a waiting writer gets its turn. The
/// BatchWriter re-reads what another writer may have changed (see there).
///
/// The queue is bounded in records: submit() blocks when it is full (backpressure for file imports),
/// trySubmit() refuses instead (the live receiver answers 503).
class StoreWriter
{
public:
    struct Options
    {
        // Records are a few hundred bytes to a few KiB: this bounds the queue to roughly 100 MiB.
        // Committed batches count until they are freed (on the housekeeping thread). Measured on the
        // demo mix (import, peak RSS): 1M spans the same at 50k-150k; 10M spans 96.4 s / 327 MiB at
        // 60k (twice the transactions), 86.0 s / 374 MiB at 100k, 90.4 s / 472 MiB at 150k.
        std::size_t maxQueuedRecords = 100'000;
        std::size_t groupCommitRecords = 60'000;
        /// A file import's transaction (its source stops on failure) goes on taking the batches queued
        /// behind its first group, freeing each once written, until it holds this many records or has
        /// run for importTransactionTime. Fewer, larger transactions rewrite the pages of the indexes
        /// with random keys less often (10M-span mix: see README, *Transactions of a file import*); the
        /// queue bound still bounds memory. A live source's transaction takes one group (its clients
        /// wait for the commit). At most groupCommitRecords: no growth. 10M-span mix, import only, same
        /// hour: 66.2 s at 200k records, 60.1 s at 500k, 63.0 s at 1M (thirteenth session; each of the
        /// 500k took about 2 s); the 1M mix 5.0-5.4 s against 4.7-5.0 s. Peak RSS did not grow.
        /// A slow reader's transaction commits after importTransactionTime: views of the import
        /// in progress catch up at least that often.
        std::size_t importTransactionRecords = 500'000;
        std::chrono::milliseconds importTransactionTime{5'000};
        /// Match calls without trace ids to backend traces (LinkInference) when a source finishes.
        bool inferLinks = true;
        /// A file import (OnFailure::StopSource) into a cache without page loads drops the page-load
        /// table's sort indexes, which only readers use, and builds them once when its finishSource()
        /// runs (store/ReaderSortIndexes.h; README, *Bulk imports*). Readers meanwhile sort without them.
        bool deferReaderIndexes = true;
        /// How long a transaction waits for another program's write lock on the cache before it fails
        /// ("locked by another program"). Another writer holds it for one of its transactions at a time.
        std::chrono::milliseconds lockTimeout{60'000};
        /// Called with the records of spent batches where they are freed: on the housekeeping thread
        /// (the one that checkpoints), not the writer's, unless it still has the previous group. For tests
        /// and profiles.
        std::function<void(std::size_t records)> onReleased;
    };

    /// What happens to a source's queued batches after one of its batches failed to commit.
    enum class OnFailure
    {
        KeepWriting, // each batch on its own (a live stream: the client retries what failed)
        StopSource,  // drop the rest (a file: the import stops; what committed is a prefix of it)
    };

    /// Opens or creates the cache and migrates it (on the calling thread, so errors surface here).
    /// Throws SqliteError.
    explicit StoreWriter(const std::string& path);
    StoreWriter(const std::string& path, Options options);
    /// Commits what is queued and stops the thread.
    ~StoreWriter();
    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;

    const std::string& path() const { return m_path; }

    /// Records the start of an import; returns the source id to tag its batches with, or 0 when the
    /// cache cannot be written (lastFailure() says why). A file import may defer indexes until its
    /// finishSource() (Options::deferReaderIndexes).
    std::int64_t beginSource(const std::string& kind, const std::string& path,
                             OnFailure onFailure = OnFailure::KeepWriting);
    /// What of the source's batches is committed so far (call flush() first for the final figures).
    SourceCommits sourceCommits(std::int64_t sourceId) const;
    /// True once a batch of the source failed to commit.
    bool sourceFailed(std::int64_t sourceId) const;
    /// Records the outcome (counts, rejects, status) once the source's batches are all submitted, after
    /// inferring links for what it brought (see inferLinks()); the last of the imports that deferred
    /// indexes builds them in the same transaction.
    void finishSource(std::int64_t sourceId, const ImportReport& report);
    /// Matches the calls without trace ids written since the last time to backend traces (LinkInference)
    /// and waits for it. Inference wants both sides present, so it runs when a source has settled
    /// (finishSource does it) or, for a live stream, every now and then. Returns the links written.
    std::uint64_t inferLinks();

    /// Blocks while the queue is full. Returns the batch's sequence number.
    std::uint64_t submit(std::int64_t sourceId, RecordBatch&& batch);
    /// Returns 0 (and leaves `batch` untouched) when the queue is full.
    std::uint64_t trySubmit(std::int64_t sourceId, RecordBatch& batch);
    /// A BatchSink that tags every batch with `sourceId` (what importers are given).
    std::unique_ptr<BatchSink> sinkFor(std::int64_t sourceId);
    /// The cache's payload dictionary (BatchSink::payloadDictionary): importers may encode with it.
    KeyDictionary* payloadDictionary() const { return m_keys.get(); }

    /// Waits until everything submitted so far is committed. Returns false if a commit failed.
    bool flush();
    bool waitCommitted(std::uint64_t sequence, std::chrono::milliseconds timeout);
    std::uint64_t committedSequence() const { return m_committed.load(); }
    std::size_t queuedRecords() const;
    /// Runs `job` on the writer thread inside its own transaction and waits for it (metadata, notes).
    /// Returns false if the transaction failed (lastFailure() says why).
    bool runInTransaction(const std::function<void(Database&)>& job);

    /// Called on the writer thread after each commit (keep it short; post to your own thread).
    void setCommitCallback(std::function<void(const CommitInfo&)> callback);
    std::string lastError() const;
    WriteFailure lastFailure() const;
    /// True once a commit failed (its batches were rolled back): what follows may be incomplete.
    bool failed() const;
    /// SQLite's (extended) result code of the last failed commit (SQLITE_FULL, SQLITE_READONLY,
    /// SQLITE_BUSY, ...), 0 when none failed or the failure was not SQLite's.
    int lastErrorCode() const;

private:
    struct Job;
    struct SourceState
    {
        SourceCommits commits;
        bool stopOnFailure = false;
    };
    void run();
    /// Batches a file import's transaction took from the queue after its first group (grow()): already
    /// written and freed, committed with the rest.
    struct Growth
    {
        std::uint64_t lastSequence = 0; // 0: the transaction did not grow
        std::vector<std::int64_t> sources;
    };
    /// One transaction over `jobs` (and what grow() adds), retried while the cache is busy until a batch
    /// was freed; fills `info` and `growth`.
    void commitJobs(BatchWriter& writer, std::deque<Job>& jobs, CommitInfo& info, Growth& growth);
    /// Writes `jobs` (not finished: see BatchWriter::finish()).
    void applyJobs(BatchWriter& writer, std::deque<Job>& jobs, CommitInfo& info,
                   std::unordered_map<std::int64_t, SourceCommits>& bySource);
    /// Takes and writes more queued batches of file imports into the open transaction (Options::
    /// importTransactionRecords), handing each to the housekeeping thread once written.
    void grow(BatchWriter& writer, const std::deque<Job>& jobs, CommitInfo& info,
              std::unordered_map<std::int64_t, SourceCommits>& bySource, Growth& growth,
              std::chrono::steady_clock::time_point began);
    /// Sets the writer's page cache from the file's size (every few transactions).
    void sizePageCache();
    /// Writes one job's batch (and the small batches of its source queued right behind it).
    void writeBatch(BatchWriter& writer, std::deque<Job>& jobs, std::size_t& i, CommitInfo& info,
                    std::unordered_map<std::int64_t, SourceCommits>& bySource);
    static int waitWhileBusy(void* self, int attempts);
    std::uint64_t enqueue(std::unique_lock<std::mutex>& lock, std::int64_t sourceId, RecordBatch& batch,
                          std::size_t records);
    /// A thread waiting for a commit (flush(), waitCommitted()), counted while it waits (made and
    /// destroyed under m_mutex): a file import's transaction waiting for more batches commits at once.
    struct CommitWaiter
    {
        explicit CommitWaiter(StoreWriter& writer) : writer(writer)
        {
            ++writer.m_commitWaiters;
            writer.m_wake.notify_one();
        }
        ~CommitWaiter() { --writer.m_commitWaiters; }
        CommitWaiter(const CommitWaiter&) = delete;
        CommitWaiter& operator=(const CommitWaiter&) = delete;
        StoreWriter& writer;
    };

    std::string m_path;
    Options m_options;
    std::unique_ptr<Database> m_db;
    std::shared_ptr<KeyDictionary> m_keys; // payload strings, encoded by the submitting thread

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;     // writer waits for work
    std::condition_variable m_progress; // submitters wait for room / commits
    std::deque<Job> m_queue;
    std::size_t m_queuedRecords = 0;
    std::uint64_t m_nextSequence = 1;
    std::atomic<std::uint64_t> m_committed{0};
    bool m_stopping = false;
    int m_commitWaiters = 0; // threads in flush() or waitCommitted(): a growing transaction stops waiting
    bool m_failed = false;
    WriteFailure m_lastFailure;
    std::unordered_map<std::int64_t, SourceState> m_sources;
    std::chrono::steady_clock::time_point m_busyDeadline; // the busy handler gives up here
    std::atomic<std::int64_t> m_lastLockWait{0};          // when it last ran (WriterTurns)
    double m_commitSeconds = 0;                           // writer thread only (SEAM_PROFILE_WRITER)
    double m_growthWaitSeconds = 0;        // writer thread only: a grown transaction waiting for batches
    double m_roomWaitSeconds = 0;          // under m_mutex: submitters waiting for room in the queue
    std::uint64_t m_transactionsBegun = 0; // writer thread only
    std::int64_t m_pageCacheKib = 0;       // writer thread only (sizePageCache())
    std::function<void(const CommitInfo&)> m_callback;
    std::thread m_thread;

    /// Hands committed jobs to the housekeeping thread, which frees them (a batch of 60k records is
    /// hundreds of thousands of allocations: the writer's time is better spent writing the next).
    /// `records` stay counted in the queue until freed. Returns true when handed over (the housekeeping
    /// thread then takes them off the queue's count).
    bool release(std::deque<Job>& jobs, std::size_t records);
    void checkpointLoop();
    /// Queues a transaction that builds the reader sort indexes the cache lacks (without waiting for it).
    void queueIndexRestore();
    /// Writer thread only: the file imports that dropped the reader sort indexes and have not finished.
    std::unordered_set<std::int64_t> m_sourcesDeferringIndexes;
    std::atomic<bool> m_indexesDeferred{false}; // an import of this writer dropped them

    std::unique_ptr<Database> m_checkpointDb;
    std::mutex m_checkpointMutex;
    std::condition_variable m_checkpointWake;
    int m_commitsSinceCheckpoint = 0;
    bool m_checkpointStop = false;
    std::deque<Job> m_spent; // committed jobs waiting to be freed (m_checkpointMutex)
    std::size_t m_spentRecords = 0;
    std::thread m_checkpointer;
};

} // namespace seam
