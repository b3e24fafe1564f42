#pragma once

#include "Sqlite.h"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

namespace seam {

/// Why a `seam query` statement did not run to the end.
class QueryError : public SqliteError
{
public:
    enum class Kind
    {
        Refused,  ///< would write, attach, change a setting, or is more than one statement
        TimedOut, ///< ran past the deadline
        Failed    ///< SQLite reported an error (syntax, out of memory, ...)
    };
    QueryError(Kind kind, const std::string& what, int code = 0) : SqliteError(what, code), m_kind(kind) {}
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
};

/// Makes a read-only connection fit for SQL typed by someone else, for as long as the guard lives.
///
/// The read-only open and sqlite3_stmt_readonly() keep the file's content safe, but they let through
/// statements that change the connection rather than the file: ATTACH (which opens, and with URI
/// names could create, other files), PRAGMA assignments (`query_only = 0`, `journal_mode = ...`), and
/// functions Debian's SQLite enables by default (fts3_tokenizer() hands out function pointers). The
/// guard turns those off with sqlite3_db_config and an authorizer that allows only reading, and
/// bounds a statement's run time with a progress handler on a steady clock.
class QueryGuard
{
public:
    /// Throws SqliteError when SQLite refuses a setting (the connection is then not safe to use).
    explicit QueryGuard(Database& db);
    ~QueryGuard();
    QueryGuard(const QueryGuard&) = delete;
    QueryGuard& operator=(const QueryGuard&) = delete;

    /// Prepares the one statement in `sql`: refuses a second statement, anything the authorizer
    /// denies and any statement that would write. Throws QueryError.
    Statement prepare(std::string_view sql);

    /// Statements stop (SQLITE_INTERRUPT) once `timeout` has passed from now; zero: no limit.
    void startClock(std::chrono::milliseconds timeout);
    bool timedOut() const { return m_timedOut; }
    /// Why the authorizer refused something while a statement ran ("" if it did not): table-valued
    /// pragma functions prepare their PRAGMA only then.
    std::string takeRefusal() { return std::exchange(m_refusal, std::string()); }

private:
    static int authorize(void* self, int action, const char* a, const char* b, const char* db,
                         const char* trigger);
    static int progress(void* self);

    Database& m_db;
    std::string m_refusal; // set by the authorizer, read when prepare fails
    std::chrono::steady_clock::time_point m_deadline;
    bool m_hasDeadline = false;
    bool m_timedOut = false;
};

} // namespace seam
