#include "SessionTracker.h"

#include "Sqlite.h"
#include "WriteStatements.h"

#include <algorithm>

namespace seam {

SessionTracker::SessionTracker(Database& db, WriteStatements& statements) : m_db(db), m_st(statements) {}

void SessionTracker::readWatermark()
{
    if (m_watermark < 0)
        m_watermark = m_db.queryInt("SELECT coalesce(max(id), 0) FROM sessions");
}

bool SessionTracker::mayHaveItemsAfter(std::int64_t session, TimeNs time)
{
    readWatermark();
    if (session <= m_watermark)
        return true; // a session from an earlier run (or another writer): its items are not tracked here
    const auto it = m_latestItem.find(session);
    return it != m_latestItem.end() && it->second >= time;
}

void SessionTracker::noteItem(std::int64_t session, TimeNs time)
{
    readWatermark();
    if (session <= m_watermark)
        return;
    auto [it, added] = m_latestItem.try_emplace(session, time);
    if (!added)
        it->second = std::max(it->second, time);
}

void SessionTracker::extend(std::int64_t session, TimeNs time)
{
    auto [it, added] = m_extents.try_emplace(session, time, time);
    if (!added) {
        it->second.first = std::min(it->second.first, time);
        it->second.second = std::max(it->second.second, time);
    }
}

void SessionTracker::flushExtents()
{
    // Once per session and batch rather than once per record; min/max in SQL, so extents written by
    // other batches (or other writers) are widened, never narrowed.
    for (const auto& [session, extent] : m_extents)
        m_st.sessionExtend.bind(1, session).bind(2, extent.first).bind(3, extent.second).run();
    m_extents.clear();
}

void SessionTracker::forget()
{
    m_watermark = -1;
    m_latestItem.clear();
    m_extents.clear(); // empty between batches; after a rollback they may name rows that do not exist
}

} // namespace seam
