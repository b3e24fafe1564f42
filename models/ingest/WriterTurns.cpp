#include "WriterTurns.h"

#include <algorithm>
#include <thread>

namespace seam {

WriterTurns::WriterTurns(Database& db, const std::atomic<std::int64_t>& lastLockWait)
    : m_dataVersion(db.prepare("PRAGMA data_version")), m_lastLockWait(lastLockWait),
      m_lastPause(std::chrono::steady_clock::now())
{}

int WriterTurns::waitForLock(std::atomic<std::int64_t>& lastLockWait,
                             std::chrono::steady_clock::time_point deadline)
{
    const auto now = std::chrono::steady_clock::now();
    lastLockWait.store(now.time_since_epoch().count(), std::memory_order_relaxed);
    if (now >= deadline)
        return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return 1;
}

bool WriterTurns::pauseAfterCommit()
{
    using Clock = std::chrono::steady_clock;
    const auto now = Clock::now();
    // Changes only when another connection committed since this one last asked.
    std::int64_t version = m_version;
    if (m_dataVersion.step())
        version = m_dataVersion.int64(0);
    m_dataVersion.reset();
    if (m_version >= 0 && version != m_version)
        m_lastContention = now;
    m_version = version;
    const std::int64_t waited = m_lastLockWait.load(std::memory_order_relaxed);
    if (waited != 0)
        m_lastContention = std::max(m_lastContention, Clock::time_point(Clock::duration(waited)));

    const bool contended =
        m_lastContention.time_since_epoch().count() != 0 && now - m_lastContention < kContendedFor;
    if (!contended && now - m_lastPause < kAlone)
        return false;
    m_lastPause = now;
    return true;
}

} // namespace seam
