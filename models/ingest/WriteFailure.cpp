#include "WriteFailure.h"

#include <sqlite3.h>

namespace seam {

std::string WriteFailure::causeOf(int sqliteCode)
{
    switch (sqliteCode & 0xff) {
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

bool WriteFailure::isBusy(int sqliteCode)
{
    return (sqliteCode & 0xff) == SQLITE_BUSY || (sqliteCode & 0xff) == SQLITE_LOCKED;
}

std::string WriteFailure::describe() const
{
    std::string out = "cannot write to the cache: " + cause();
    if (!message.empty())
        out += " (" + message + ")";
    return out;
}

} // namespace seam
