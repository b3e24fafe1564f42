#pragma once

#include "Sqlite.h"

#include <string>

namespace seam::store {

/// Why a file cannot be used as an investigation cache. A SqliteError, so existing handlers keep
/// working; reason() lets callers choose what to offer (the GUI's recovery of a damaged cache, exit 2
/// in the command line).
class CacheError : public SqliteError
{
public:
    enum class Reason
    {
        NotSqlite, // not an SQLite database at all (a text file, ...): left untouched
        Foreign,   // another program's SQLite database: left untouched
        Newer,     // a cache written by a newer Seam
        Damaged,   // PRAGMA quick_check (or SQLite itself) found damage
        ReadOnly,  // cannot be written (permissions, read-only media)
    };

    CacheError(Reason reason, const std::string& what, int code) : SqliteError(what, code), m_reason(reason)
    {}
    Reason reason() const { return m_reason; }

private:
    Reason m_reason;
};

/// SQLITE_CORRUPT or SQLITE_NOTADB (also extended codes): the file is damaged.
bool isDamageCode(int code);
/// True for a CacheError with Reason::Damaged and for any SqliteError with a damage code.
bool isDamage(const std::exception& e);

/// What stopped a write in a few words: "disk full", "read-only", "locked by another program",
/// "I/O error", ... (the one mapping of SQLite codes to causes; writeFailureCause says more).
std::string writeFailureWords(int code);
/// What stopped a write, in words a user can act on, naming SQLite's code: "disk full
/// (SQLITE_FULL)", "the cache is read-only (SQLITE_READONLY) ...", "the cache is locked by another
/// program (SQLITE_BUSY) ...". Unknown codes give SQLite's own text.
std::string writeFailureCause(int code);

} // namespace seam::store
