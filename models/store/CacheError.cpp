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

std::string writeFailureCause(int code)
{
    switch (code & 0xff) {
    case SQLITE_FULL:
        return "the disk is full (SQLITE_FULL)";
    case SQLITE_READONLY:
        return "the cache is read-only (SQLITE_READONLY): check the permissions of the file and its "
               "folder, or copy it off read-only media";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        // Every connection waits up to 10 s (Database's busy timeout) before giving up.
        return "the cache is locked by another program (SQLITE_BUSY, still locked after 10 s): is another "
               "Seam writing to it?";
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
