#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace seam {

struct TableRecovery
{
    std::string table;
    std::int64_t copied = 0;  // rows written into the new cache
    int damagedStretches = 0; // runs of rows that could not be read and were skipped
    bool complete = true;     // false: reading stopped before the table's end (or never started)
};

struct RecoverReport
{
    std::vector<TableRecovery> tables;
    bool cancelled = false;

    std::int64_t copied() const;
    int damagedStretches() const;
    /// One line: rows copied, and where rows were lost.
    std::string summary() const;
};

/// Copies every readable row of the cache `source` (typically damaged: opened read-only, never
/// written) into `target`, a new cache with the current schema; `target` must be missing or empty.
/// Table by table, in key order (rowid, or the primary key of WITHOUT ROWID tables); where SQLite
/// reports damage (SQLITE_CORRUPT) it seeks further and further ahead until rows read again, then
/// narrows down to where they start, so only the unreadable stretch is lost. Columns are matched by
/// name. Indexes, views and meta come from the new schema (meta rows of `source` are added when their
/// key is free). Throws SqliteError when `source` has no readable schema or `target` cannot be made.
RecoverReport recoverCache(const std::string& source, const std::string& target,
                           const std::atomic<bool>* cancel = nullptr,
                           const std::function<void(double)>& progress = {});

} // namespace seam
