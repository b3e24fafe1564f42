#include "QueryGuard.h"

#include <array>
#include <memory>
#include <sqlite3.h>

namespace seam {
namespace {

// Pragmas that only report, whatever their argument (a table or index name, a row limit).
constexpr std::array kReportingPragmas = {
    "table_info",      "table_xinfo", "table_list",       "index_info",
    "index_xinfo",     "index_list",  "foreign_key_list", "foreign_key_check",
    "integrity_check", "quick_check", "database_list",    "collation_list",
    "function_list",   "module_list", "pragma_list",      "compile_options"};
// Pragmas that report without an argument but change something with one (`user_version = 5`).
constexpr std::array kReadablePragmas = {"user_version", "application_id", "schema_version", "data_version",
                                         "page_size",    "page_count",     "freelist_count", "encoding",
                                         "journal_mode", "auto_vacuum",    "query_only"};

template<std::size_t N> bool listed(const std::array<const char*, N>& names, const char* name)
{
    for (const char* n : names)
        if (sqlite3_stricmp(n, name) == 0)
            return true;
    return false;
}

// A statement's run time is checked every this many virtual machine instructions: about every
// 0.1 ms, so a timeout is precise and the clock reads cost nothing measurable.
constexpr int kProgressInstructions = 10000;

struct Finalize
{
    void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};
using RawStatement = std::unique_ptr<sqlite3_stmt, Finalize>;

} // namespace

QueryGuard::QueryGuard(Database& db) : m_db(db)
{
    sqlite3* h = db.handle();
    const auto set = [h](int option, int value, const char* name) {
        int now = -1;
        if (sqlite3_db_config(h, option, value, &now) != SQLITE_OK || now != value)
            throw SqliteError(std::string("cannot harden the query connection: ") + name, SQLITE_ERROR);
    };
    set(SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, "load_extension");
    set(SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, "fts3_tokenizer");
    set(SQLITE_DBCONFIG_DEFENSIVE, 1, "defensive");
    set(SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, "trusted_schema");
    // Also refused by the authorizer; no attached database at all is the simpler guarantee.
    sqlite3_limit(h, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_set_authorizer(h, &QueryGuard::authorize, this);
}

QueryGuard::~QueryGuard()
{
    // The db_config settings stay: a connection that served untrusted SQL is not trusted again.
    sqlite3_set_authorizer(m_db.handle(), nullptr, nullptr);
    sqlite3_progress_handler(m_db.handle(), 0, nullptr, nullptr);
}

int QueryGuard::authorize(void* self, int action, const char* a, const char* b, const char*, const char*)
{
    auto* guard = static_cast<QueryGuard*>(self);
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_PRAGMA:
        // pragma_xxx() table functions come here too, when they prepare their PRAGMA.
        if (a && (listed(kReportingPragmas, a) || (!b && listed(kReadablePragmas, a))))
            return SQLITE_OK;
        guard->m_refusal = std::string("read-only: PRAGMA ") + (a ? a : "") +
                           (b ? std::string(" = ") + b : std::string()) + " is not allowed";
        return SQLITE_DENY;
    case SQLITE_UPDATE:
        // A table-valued function (json_each, pragma_table_info) used for the first time on the
        // connection registers its table through code that would update sqlite_master; that code
        // never runs. A real update is still refused: it is no read-only statement, and the file
        // is open read-only.
        if (a && sqlite3_stricmp(a, "sqlite_master") == 0)
            return SQLITE_OK;
        break;
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        // ATTACH opens (and could create) another file: the query sees the one cache it was given.
        guard->m_refusal = "read-only: ATTACH and DETACH are not allowed";
        return SQLITE_DENY;
    default:
        break;
    }
    guard->m_refusal = "read-only: the statement would modify the cache";
    return SQLITE_DENY;
}

int QueryGuard::progress(void* self)
{
    auto* guard = static_cast<QueryGuard*>(self);
    if (std::chrono::steady_clock::now() < guard->m_deadline)
        return 0;
    guard->m_timedOut = true;
    return 1; // SQLITE_INTERRUPT
}

void QueryGuard::startClock(std::chrono::milliseconds timeout)
{
    m_timedOut = false;
    if (timeout.count() <= 0) {
        sqlite3_progress_handler(m_db.handle(), 0, nullptr, nullptr);
        return;
    }
    m_deadline = std::chrono::steady_clock::now() + timeout;
    sqlite3_progress_handler(m_db.handle(), kProgressInstructions, &QueryGuard::progress, this);
}

Statement QueryGuard::prepare(std::string_view sql)
{
    sqlite3* h = m_db.handle();
    const auto failed = [&](int rc) {
        const bool refused = !m_refusal.empty();
        const std::string msg = refused ? m_refusal : std::string(sqlite3_errmsg(h));
        m_refusal.clear();
        return QueryError(refused ? QueryError::Kind::Refused : QueryError::Kind::Failed, msg, rc);
    };
    m_refusal.clear();
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(h, sql.data(), int(sql.size()), 0, &raw, &tail);
    RawStatement first(raw);
    if (rc != SQLITE_OK)
        throw failed(rc);
    if (!first)
        throw QueryError(QueryError::Kind::Failed, "no SQL statement given", SQLITE_MISUSE);
    const std::string_view head = sql.substr(0, std::size_t(tail - sql.data()));
    // Only comments, spaces and semicolons may follow: a second statement would be silently
    // skipped, and `SELECT 1; DELETE ...` must not look as if it had done anything.
    const char* end = sql.data() + sql.size();
    while (tail < end) {
        const char* next = nullptr;
        raw = nullptr;
        rc = sqlite3_prepare_v3(h, tail, int(end - tail), 0, &raw, &next);
        RawStatement more(raw);
        m_refusal.clear();
        if (rc != SQLITE_OK || more)
            throw QueryError(QueryError::Kind::Refused,
                             "one statement only: remove what follows the first ';'", rc);
        if (!next || next <= tail)
            break;
        tail = next;
    }
    if (!sqlite3_stmt_readonly(first.get()))
        throw QueryError(QueryError::Kind::Refused, "read-only: the statement would modify the cache");
    first.reset();
    try {
        return Statement(h, head);
    } catch (const SqliteError& e) {
        throw failed(e.code()); // the same text prepared a moment ago; only a schema change gets here
    }
}

} // namespace seam
