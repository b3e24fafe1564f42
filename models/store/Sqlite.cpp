#include "Sqlite.h"

#include "FileUri.h"
#include "PayloadFunctions.h"
#include "ResourceKey.h"
#include "SqliteAllocator.h"
#include "TraceLookup.h"
#include "WalWriteBatching.h"

#include <filesystem>
#include <mutex>
#include <sqlite3.h>
#include <utility>

namespace seam {
namespace {

/// Whoever sees a damaged-file error (a CLI user, a log) needs to know which file and that it is damaged,
/// not only SQLite's "database disk image is malformed".
std::string namingDamage(sqlite3* db, int rc, std::string msg)
{
    const int primary = rc & 0xff;
    if (primary != SQLITE_CORRUPT && primary != SQLITE_NOTADB)
        return msg;
    const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
    return msg + "; " + (file && *file ? file : "the cache") + " is damaged";
}

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context)
{
    std::string msg(context);
    msg += ": ";
    msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw SqliteError(namingDamage(db, rc, std::move(msg)), rc);
}

void configureLibraryOnce()
{
    // Memory statistics make every SQLite allocation take a global mutex; Seam never reads them.
    static std::once_flag once;
    std::call_once(once, [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        if (sqlite_allocator::enabled())
            sqlite3_config(SQLITE_CONFIG_MALLOC, &sqlite_allocator::methods());
    });
}

} // namespace

std::string quotedIdentifier(std::string_view name)
{
    std::string q = "\"";
    for (const char c : name)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// "file://" + an empty authority keeps a path starting with "//" a path.
std::string fileUri(const std::string& path, const char* query)
{
    std::error_code ec;
    std::string abs = std::filesystem::absolute(path, ec).string();
    if (ec)
        abs = path;
    std::string uri = "file://";
    for (const char c : abs) {
        if (c == '%')
            uri += "%25";
        else if (c == '?')
            uri += "%3f";
        else if (c == '#')
            uri += "%23";
        else
            uri += c;
    }
    return query && *query ? uri + "?" + query : uri;
}

Database::Database(const std::string& path, Mode mode) : m_path(path)
{
    configureLibraryOnce();
    int flags = mode == Mode::ReadWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    std::string name = path;
    if (mode == Mode::Immutable) {
        flags |= SQLITE_OPEN_URI;
        name = fileUri(path, "immutable=1");
    } else if (mode == Mode::ReadWrite && !path.empty() && path != ":memory:") {
        // A writer may ATTACH another file read-only (`file:...?mode=ro`, the extract's source):
        // SQLite reads URIs in ATTACH only on a connection opened with them.
        flags |= SQLITE_OPEN_URI;
        name = fileUri(path, nullptr);
    }
    // A writer's commits go through the WAL write batching (WalWriteBatching.h); readers write no log.
    const char* vfs = mode == Mode::ReadWrite ? sqlite_vfs::walWriteBatchingName() : nullptr;
    const int rc = sqlite3_open_v2(name.c_str(), &m_db, flags | SQLITE_OPEN_NOMUTEX, vfs);
    if (rc != SQLITE_OK) {
        std::string msg = "cannot open " + path + ": " + (m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc));
        sqlite3_close(m_db);
        m_db = nullptr;
        throw SqliteError(msg, rc);
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, 10000);
    payload::registerSqlFunctions(m_db);
    m_keyLookups = resource_key::registerSqlFunctions(m_db);
    trace_lookup::registerSqlFunctions(m_db);
}

Database::Database() = default;

Database::~Database()
{
    close();
}

void Database::close()
{
    m_keyLookups.reset(); // its statements first: a connection with statements left closes later
    if (m_db)
        sqlite3_close_v2(m_db);
    m_db = nullptr;
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)),
      m_keyLookups(std::move(other.m_keyLookups))
{}

Database& Database::operator=(Database&& other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_keyLookups = std::move(other.m_keyLookups);
    }
    return *this;
}

void Database::exec(std::string_view sql)
{
    std::string s(sql);
    char* err = nullptr;
    const int rc = sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw SqliteError(namingDamage(m_db, rc, std::move(msg)), rc);
    }
}

Statement Database::prepare(std::string_view sql)
{
    return Statement(m_db, sql);
}

std::int64_t Database::queryInt(std::string_view sql)
{
    Statement st(m_db, sql);
    return st.step() ? st.int64(0) : 0;
}

std::int64_t Database::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

std::string Database::errorMessage() const
{
    return m_db ? sqlite3_errmsg(m_db) : "not open";
}

Statement::Statement(sqlite3* db, std::string_view sql) : m_db(db)
{
    const int rc =
        sqlite3_prepare_v3(db, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK)
        fail(db, rc, "prepare failed");
    if (!m_stmt)
        throw SqliteError("empty statement", SQLITE_MISUSE);
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_stmt(std::exchange(other.m_stmt, nullptr))
{}

Statement& Statement::operator=(Statement&& other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = std::exchange(other.m_db, nullptr);
        m_stmt = std::exchange(other.m_stmt, nullptr);
    }
    return *this;
}

Statement& Statement::bindInt64(int index, std::int64_t value)
{
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement& Statement::bind(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Statement& Statement::bindText(int index, std::string_view text)
{
    sqlite3_bind_text(m_stmt, index, text.data() ? text.data() : "", int(text.size()), SQLITE_STATIC);
    return *this;
}

Statement& Statement::bindTextOrNull(int index, std::string_view text)
{
    if (text.empty())
        sqlite3_bind_null(m_stmt, index);
    else
        sqlite3_bind_text(m_stmt, index, text.data(), int(text.size()), SQLITE_STATIC);
    return *this;
}

Statement& Statement::bindBlob(int index, const void* data, int size)
{
    sqlite3_bind_blob(m_stmt, index, data, size, SQLITE_STATIC);
    return *this;
}

Statement& Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

Statement& Statement::bindNonNegative(int index, std::int64_t value)
{
    if (value < 0)
        sqlite3_bind_null(m_stmt, index);
    else
        sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    std::string msg = namingDamage(m_db, rc, std::string("step failed: ") + sqlite3_errmsg(m_db));
    sqlite3_reset(m_stmt);
    throw SqliteError(msg, rc);
}

void Statement::run()
{
    step();
    reset();
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
}

int Statement::columnCount() const
{
    return sqlite3_column_count(m_stmt);
}

bool Statement::isNull(int col) const
{
    return sqlite3_column_type(m_stmt, col) == SQLITE_NULL;
}

std::int64_t Statement::int64(int col) const
{
    return sqlite3_column_int64(m_stmt, col);
}

double Statement::real(int col) const
{
    return sqlite3_column_double(m_stmt, col);
}

std::string_view Statement::text(int col) const
{
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
    return p ? std::string_view(p, std::size_t(sqlite3_column_bytes(m_stmt, col))) : std::string_view();
}

std::string_view Statement::blob(int col) const
{
    const auto* p = static_cast<const char*>(sqlite3_column_blob(m_stmt, col));
    return p ? std::string_view(p, std::size_t(sqlite3_column_bytes(m_stmt, col))) : std::string_view();
}

std::string Statement::columnName(int col) const
{
    const char* n = sqlite3_column_name(m_stmt, col);
    return n ? n : "";
}

int Statement::columnType(int col) const
{
    return sqlite3_column_type(m_stmt, col);
}

bool Statement::isReadOnly() const
{
    return sqlite3_stmt_readonly(m_stmt) != 0;
}

Transaction::Transaction(Database& db) : m_db(db)
{
    m_db.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (!m_done) {
        try {
            m_db.exec("ROLLBACK");
        } catch (...) {
        }
    }
}

void Transaction::commit()
{
    m_db.exec("COMMIT");
    m_done = true;
}

} // namespace seam
