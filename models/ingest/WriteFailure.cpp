#include "WriteFailure.h"

#include "CacheError.h"

#include <sqlite3.h>

namespace seam {

std::string WriteFailure::causeOf(int sqliteCode)
{
    return store::writeFailureWords(sqliteCode);
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
