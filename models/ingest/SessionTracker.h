#pragma once

#include "Records.h"

#include <cstdint>
#include <unordered_map>
#include <utility>

namespace seam {

class Database;
struct WriteStatements;

/// What the writer knows about the items of sessions, so that the common cases cost no queries:
/// - a new page load looks for earlier-arrived items to adopt by time only when its session can have
///   items at or after its start. Sessions this writer created are tracked exactly (latest item time);
///   sessions that existed before (id at or below the watermark) may have anything.
/// - session extents (start/end) are gathered per batch and written once per session (flushExtents()).
///
/// The exact tracking holds only while this connection is the only one adding items: forget() (after a
/// rollback, or when another connection committed) moves the watermark up to every session that exists,
/// so those are treated as "may have items" again.
class SessionTracker
{
public:
    SessionTracker(Database& db, WriteStatements& statements);

    bool mayHaveItemsAfter(std::int64_t session, TimeNs time);
    void noteItem(std::int64_t session, TimeNs time);
    void extend(std::int64_t session, TimeNs time);
    /// Writes the extents gathered since the last call.
    void flushExtents();
    void forget();

private:
    void readWatermark();

    Database& m_db;
    WriteStatements& m_st;
    std::int64_t m_watermark = -1; // max(sessions.id) not tracked here; -1 = not read yet
    std::unordered_map<std::int64_t, TimeNs> m_latestItem;                 // sessions above the watermark
    std::unordered_map<std::int64_t, std::pair<TimeNs, TimeNs>> m_extents; // per batch
};

} // namespace seam
