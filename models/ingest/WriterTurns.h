#pragma once

#include "Sqlite.h"

#include <atomic>
#include <chrono>
#include <cstdint>

namespace seam {

/// When the cache's writer pauses between two transactions so that another program's writer, waiting
/// for the write lock, gets its turn. The waiting side's busy handler polls every millisecond, so a
/// writer that begins its next transaction right after committing would keep the lock for as long as
/// its queue lasts; a pause of kPause lets the other in.
///
/// Pausing after every commit cost the live receiver 5% of its time (its transactions are small: a few
/// clients' requests each), for a competitor that is rarely there. So: after every commit while another
/// writer was seen in the last kContendedFor (this writer waited for the lock, or another connection
/// committed since this writer's previous commit: PRAGMA data_version), and otherwise once per kAlone of
/// back-to-back transactions, the longest a newly waiting writer goes unseen.
class WriterTurns
{
public:
    static constexpr std::chrono::milliseconds kPause{2};
    static constexpr std::chrono::milliseconds kAlone{100};
    static constexpr std::chrono::seconds kContendedFor{2};

    /// `lastLockWait`: steady_clock ticks of the last time the writer's busy handler ran (0: never).
    WriterTurns(Database& db, const std::atomic<std::int64_t>& lastLockWait);

    /// The writer's busy handler: notes the wait in `lastLockWait`, then returns 0 (give up: "busy") past
    /// `deadline`, else sleeps a millisecond and returns 1 (ask again).
    static int waitForLock(std::atomic<std::int64_t>& lastLockWait,
                           std::chrono::steady_clock::time_point deadline);

    /// After a commit with more work queued (on the writer's thread): whether to pause kPause now.
    bool pauseAfterCommit();

private:
    Statement m_dataVersion;
    const std::atomic<std::int64_t>& m_lastLockWait;
    std::int64_t m_version = -1;
    std::chrono::steady_clock::time_point m_lastPause;
    std::chrono::steady_clock::time_point m_lastContention;
};

} // namespace seam
