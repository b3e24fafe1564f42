#pragma once

#include <string>

namespace seam {

/// Why writing to the cache stopped: SQLite's result code and message, and the cause in the words
/// `seam import` and the GUI say it ("disk full", "read-only", "locked by another program", ...).
struct WriteFailure
{
    int code = 0; // SQLite (extended) result code; 0 with a message: not an SQLite error
    std::string message;

    bool failed() const { return code != 0 || !message.empty(); }
    /// The cause in a few words.
    std::string cause() const { return causeOf(code); }
    /// "cannot write to the cache: disk full (database or disk is full)".
    std::string describe() const;

    static std::string causeOf(int sqliteCode);
    /// The cache is locked by another connection (SQLITE_BUSY / SQLITE_LOCKED): waiting may help.
    static bool isBusy(int sqliteCode);
};

} // namespace seam
