#include "BatchWriter.h"
#include "StoreWriter.h"
#include "StoreWriterJob.h"

#include <algorithm>
#include <string>

// How large a transaction of the writer grows, and the page cache that holds it (StoreWriter.cpp has the
// queue and the transaction itself).

namespace seam {

void StoreWriter::grow(BatchWriter& writer, const std::deque<Job>& jobs, CommitInfo& info,
                       std::unordered_map<std::int64_t, SourceCommits>& bySource, Growth& growth,
                       std::chrono::steady_clock::time_point began)
{
    // Each transaction of a file import rewrites the pages of the indexes whose keys are random (trace
    // ids' low bits, the page-load sort keys, sessions): on the 10M-span mix about two thirds of what the
    // import writes. Fewer, larger transactions rewrite them less often. Only file imports grow theirs: a
    // live client waits for its commit, and another program's writer for the lock.
    if (m_options.importTransactionRecords <= m_options.groupCommitRecords)
        return;
    const auto fileImport = [this](std::int64_t source) {
        const auto it = m_sources.find(source);
        return it != m_sources.end() && it->second.stopOnFailure && !it->second.commits.failed;
    };
    {
        std::lock_guard lock(m_mutex);
        for (const Job& job : jobs)
            if (job.task || job.infer || !fileImport(job.sourceId))
                return;
    }
    std::deque<Job> taken;
    while (info.records < m_options.importTransactionRecords &&
           std::chrono::steady_clock::now() - began < m_options.importTransactionTime) {
        std::size_t records = 0, queued = 0;
        {
            // Only from the front, so what commits is still everything submitted up to a sequence.
            std::unique_lock lock(m_mutex);
            // The reader shares the two cores with the writer and falls behind now and then: an empty
            // queue is waited on (until the transaction's time is up) rather than committed, since the
            // import goes on. Someone waiting for a commit (the import's end flushes) or the writer
            // stopping ends the wait; a task or a live batch in the queue ends the growth below.
            const auto waitFrom = std::chrono::steady_clock::now();
            m_wake.wait_until(lock, began + m_options.importTransactionTime,
                              [&] { return m_stopping || m_commitWaiters > 0 || !m_queue.empty(); });
            m_growthWaitSeconds +=
                std::chrono::duration<double>(std::chrono::steady_clock::now() - waitFrom).count();
            while (!m_queue.empty()) {
                Job& next = m_queue.front();
                if (next.task || next.infer || !fileImport(next.sourceId))
                    break;
                if (!taken.empty() &&
                    (records + next.batch.size() > m_options.groupCommitRecords ||
                     info.records + records + next.batch.size() > m_options.importTransactionRecords))
                    break;
                records += next.batch.size();
                queued += std::max<std::size_t>(next.batch.size(), 1);
                growth.lastSequence = next.sequence;
                if (growth.sources.empty() || growth.sources.back() != next.sourceId)
                    growth.sources.push_back(next.sourceId);
                taken.push_back(std::move(next));
                m_queue.pop_front();
            }
        }
        if (taken.empty())
            return;
        for (std::size_t i = 0; i < taken.size(); ++i)
            writeBatch(writer, taken, i, info, bySource);
        // Nothing refers to a batch once writeRows() returned (what finish() needs is copied), so it is
        // freed now, as after a commit, and the reader fills the queue again meanwhile: the queue bound
        // still bounds memory however large the transaction grows.
        if (!release(taken, queued)) {
            std::lock_guard lock(m_mutex);
            m_queuedRecords -= std::min(queued, m_queuedRecords);
        }
        m_progress.notify_all();
        taken.clear();
    }
}

void StoreWriter::sizePageCache()
{
    // The pages a transaction rewrites (those random-key indexes) and re-reads grow with the file: with
    // 64 MiB a 10M-span import (2.3 GB) re-read 248k pages from the OS and spilled the dirty pages of its
    // larger transactions. An eighth of the file, from 64 MiB to 256 MiB in steps of 32 MiB: a small
    // cache keeps the small cache's memory.
    constexpr std::int64_t kStep = 32 * 1024, kMin = 64 * 1024, kMax = 256 * 1024; // KiB
    const std::int64_t fileKib =
        m_db->queryInt("PRAGMA page_count") * m_db->queryInt("PRAGMA page_size") / 1024;
    const std::int64_t kib = std::clamp(fileKib / 8 / kStep * kStep, kMin, kMax);
    if (kib == m_pageCacheKib)
        return;
    m_db->exec("PRAGMA cache_size = -" + std::to_string(kib));
    m_pageCacheKib = kib;
}

} // namespace seam
