// StoreWriter's housekeeping: committed batches are freed, and the write-ahead log checkpointed, on a
// thread of their own so that the writer goes on with the next transaction.

#include "Sqlite.h"
#include "StoreWriter.h"
#include "StoreWriterJob.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#ifdef __linux__
#include <pthread.h>
#include <sys/resource.h>
#endif

namespace seam {
namespace {

/// How long the writer has nothing to free before the memory of the batches it freed goes back to the
/// system (malloc_trim). Not while records flow: a trim hands free pages back which the next batches
/// fault in again. Trimmed after each 20k records, the importer's thread spent a quarter of its time in
/// page faults on the 1M-span demo mix (289k faults against 97k; import 100k against 115-128k spans/s,
/// peak RSS 206-245 against 298-302 MiB); after each of a live receiver's small transactions it cost
/// 0.4 s of CPU on 835k spans.
constexpr auto kTrimWhenQuietFor = std::chrono::seconds(1);

/// Lowers the calling thread's scheduling priority (Linux: a nice value per thread). The housekeeping
/// thread's work can wait while the writer, which bounds an import, wants a core: on the 10M-span mix,
/// alternated, the import took 69.6 and 69.5 s with the checkpoints at nice 10 against 73.0 and 72.4 s
/// at 0, and in a faster hour 63.6 s against 65.8 and 66.3 s, with as much checkpointed (the thread's
/// CPU 7.1-7.6 s against 7.7-8.4 s). It still gets its share when contended, and an idle core.
void yieldToTheWriter()
{
#ifdef __linux__
    setpriority(PRIO_PROCESS, 0, 10); // on Linux `0` names this thread only
#endif
}

} // namespace

void store_writer::nameThread(const char* name)
{
#ifdef __linux__
    pthread_setname_np(pthread_self(), name);
#else
    (void)name;
#endif
}

double store_writer::threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

bool StoreWriter::release(std::deque<Job>& jobs, std::size_t records)
{
    if (jobs.empty())
        return false;
    // Task jobs point at their waiters' stack: those waiters return as soon as the commit is published,
    // so what a task captured is not touched again; only batches travel.
    {
        std::lock_guard lock(m_checkpointMutex);
        // Behind (the previous group not taken yet: a long checkpoint): the writer frees this group
        // itself, so at most one spent group waits and peak memory stays what the queue bound allows.
        if (m_spent.empty()) {
            for (Job& job : jobs)
                m_spent.push_back(std::move(job));
            m_spentRecords += records;
            jobs.clear();
        }
    }
    if (jobs.empty()) {
        m_checkpointWake.notify_one();
        return true;
    }
    jobs.clear();
    if (m_options.onReleased)
        m_options.onReleased(records);
    return false;
}

void StoreWriter::checkpointLoop()
{
    store_writer::nameThread("seam-checkpoint");
    yieldToTheWriter();
    [[maybe_unused]] bool trimDue = false; // batches freed since the last trim
    std::unique_lock lock(m_checkpointMutex);
    for (;;) {
        const auto due = [&] {
            return m_checkpointStop || m_commitsSinceCheckpoint >= 4 || !m_spent.empty();
        };
        if (!trimDue) {
            m_checkpointWake.wait(lock, due);
        } else if (!m_checkpointWake.wait_for(lock, kTrimWhenQuietFor, due)) {
#ifdef __GLIBC__
            // Quiet (the import ended or the stream paused): the freed batches' memory goes back. Freed
            // on this thread, it sits in free lists the reader does not take from first.
            lock.unlock();
            malloc_trim(0);
            lock.lock();
#endif
            trimDue = false;
            continue;
        }
        if (!m_spent.empty()) {
            std::deque<Job> spent;
            spent.swap(m_spent);
            const std::size_t records = m_spentRecords;
            m_spentRecords = 0;
            lock.unlock();
            spent.clear();
            trimDue = true;
            {
                // Only now is their memory back: the queue bound counts batches until they are freed.
                std::lock_guard queue(m_mutex);
                m_queuedRecords -= std::min(records, m_queuedRecords);
            }
            m_progress.notify_all();
            if (m_options.onReleased)
                m_options.onReleased(records);
            lock.lock();
            continue;
        }
        if (m_checkpointStop) {
            if (std::getenv("SEAM_PROFILE_WRITER"))
                std::fprintf(stderr, "checkpoint thread: %.2f s CPU\n", store_writer::threadCpuSeconds());
#ifdef __GLIBC__
            if (trimDue)
                malloc_trim(0); // the writer closes: what its batches held goes back too
#endif
            return;
        }
        m_commitsSinceCheckpoint = 0;
        lock.unlock();
        try {
            // PASSIVE: copies what it can without ever blocking the writer or readers.
            m_checkpointDb->exec("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (const SqliteError&) {
            // Busy or I/O trouble: the next round (or the final one on close) catches up.
        }
        lock.lock();
    }
}

} // namespace seam
