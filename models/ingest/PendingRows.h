#pragma once

#include <array>
#include <cstdint>

namespace seam {

class Database;

/// How many rows wait for something to arrive: items that named a page load not written yet, web vitals
/// of such a page load, resources that know only the low 64 bits of their trace id. Counted so that the
/// common case, nothing pending, costs no lookups. A count is read from the file on first use and then
/// kept up to date by the writers; forget() makes the next use count again (after a rollback, or when
/// another connection may have added rows).
class PendingRows
{
public:
    /// Resources..LongTasks match WriteStatements::adoptByKey's indexes.
    enum class Kind
    {
        Resources = 0,
        RumErrors,
        Actions,
        LongTasks,
        Vitals,
        TraceLow64,
        Count
    };

    explicit PendingRows(Database& db) : m_db(db) {}

    std::int64_t count(Kind kind);
    /// One more row waits (no-op while the count is unknown: it is read when needed).
    void add(Kind kind)
    {
        if (m_counts[int(kind)] >= 0)
            ++m_counts[int(kind)];
    }
    /// `n` waiting rows found what they waited for. Call after count().
    void remove(Kind kind, std::int64_t n = 1) { m_counts[int(kind)] -= n; }
    void forget() { m_counts.fill(-1); }

private:
    Database& m_db;
    std::array<std::int64_t, int(Kind::Count)> m_counts{-1, -1, -1, -1, -1, -1};
};

} // namespace seam
