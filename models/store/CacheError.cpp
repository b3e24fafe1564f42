#include "CacheError.h"

#include <sqlite3.h>

namespace seam::store {

bool isDamageCode(int code)
{
    const int primary = code & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

bool isDamage(const std::exception& e)
{
    if (const auto* c = dynamic_cast<const CacheError*>(&e))
        return c->reason() == CacheError::Reason::Damaged;
    if (const auto* s = dynamic_cast<const SqliteError*>(&e))
        return isDamageCode(s->code());
    return false;
}

std::string writeFailureWords(int code)
{
    switch (code & 0xff) {
    case SQLITE_FULL:
        return "disk full";
    case SQLITE_READONLY:
        return "read-only";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "locked by another program";
    case SQLITE_IOERR:
        return "I/O error";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return "damaged cache file";
    case SQLITE_NOMEM:
        return "out of memory";
    case SQLITE_CANTOPEN:
        return "cannot open the file";
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return "permission denied";
    default:
        return "error";
    }
}

std::string writeFailureCause(int code)
{
    switch (code & 0xff) {
    case SQLITE_FULL:
        return "disk full (SQLITE_FULL)";
    case SQLITE_READONLY:
        return "the cache is read-only (SQLITE_READONLY): check the permissions of the file and its "
               "folder, or copy it off read-only media";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        // Readers wait up to 10 s (Database's busy timeout), the writer up to its lock timeout (60 s).
        return "the cache is locked by another program (SQLITE_BUSY, still locked after waiting): is "
               "another program holding a write transaction on it?";
    case SQLITE_IOERR:
        return "an input/output error while writing the cache (SQLITE_IOERR: " +
               std::string(sqlite3_errstr(code)) + ")";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return "the cache is damaged (SQLITE_CORRUPT)";
    case SQLITE_CANTOPEN:
        return "the cache or its write-ahead log cannot be opened (SQLITE_CANTOPEN)";
    default:
        return sqlite3_errstr(code);
    }
}

} // namespace seam::store
