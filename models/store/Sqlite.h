#pragma once

// Thin RAII wrappers over the SQLite C API. Seam talks to SQLite directly rather than through QtSql:
// the writer's hot loop needs prepared statements bound with SQLITE_STATIC blobs and no QVariant per
// value, and readers need their own connections per thread anyway.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace seam {

/// `name` as an SQL identifier in double quotes, embedded quotes doubled: for table, column and view
/// names read from a cache's schema, which cannot be bound as parameters.
std::string quotedIdentifier(std::string_view name);

class SqliteError : public std::runtime_error
{
public:
    SqliteError(const std::string& what, int code) : std::runtime_error(what), m_code(code) {}
    int code() const { return m_code; }

private:
    int m_code;
};

class Statement;

namespace resource_key {
class Lookups;
}

class Database
{
public:
    enum class Mode
    {
        ReadWrite,
        ReadOnly,
        /// Read-only through SQLite's `immutable=1` URI: no locks, no -wal/-shm, no change detection.
        /// Only for files nobody can be writing (read-only media); see store::openReadOnlyConnection.
        Immutable
    };

    Database();
    /// Opens (creating when ReadWrite) the file. Throws SqliteError. An error that says the file is
    /// damaged (SQLITE_CORRUPT, SQLITE_NOTADB), here or from any statement, names the file.
    Database(const std::string& path, Mode mode);
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    bool isOpen() const { return m_db != nullptr; }
    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }

    /// Runs one or more statements without results. Throws SqliteError.
    void exec(std::string_view sql);
    Statement prepare(std::string_view sql);
    /// Convenience: first column of the first row as int64 (0 when no row).
    std::int64_t queryInt(std::string_view sql);
    std::int64_t lastInsertRowId() const;
    int changes() const;
    std::string errorMessage() const;

private:
    void close();

    sqlite3* m_db = nullptr;
    std::string m_path;
    /// The statements resource_key()'s SQL functions prepare on this connection (ResourceKey.h).
    std::unique_ptr<resource_key::Lookups> m_keyLookups;
};

class Statement
{
public:
    Statement() = default;
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binding: indexes are 1-based, as in SQLite. Text and blobs are bound SQLITE_STATIC: the caller
    // keeps them alive until step() / reset().
    template<std::integral T> Statement& bind(int index, T value)
    {
        return bindInt64(index, std::int64_t(value)); // uint64 ids keep their bits (signed reinterpretation)
    }
    Statement& bindInt64(int index, std::int64_t value);
    Statement& bind(int index, double value);
    Statement& bindText(int index, std::string_view text);
    /// Binds NULL for empty text.
    Statement& bindTextOrNull(int index, std::string_view text);
    Statement& bindBlob(int index, const void* data, int size);
    Statement& bindNull(int index);
    /// Binds NULL when value < 0 (the records' "unknown").
    Statement& bindNonNegative(int index, std::int64_t value);

    /// Returns true when a row is available, false when done. Throws SqliteError.
    bool step();
    /// step() for statements without results, then reset().
    void run();
    void reset();

    int columnCount() const;
    bool isNull(int col) const;
    std::int64_t int64(int col) const;
    double real(int col) const;
    std::string_view text(int col) const;
    std::string_view blob(int col) const;
    std::string columnName(int col) const;
    /// SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
    int columnType(int col) const;
    bool isReadOnly() const;

    sqlite3_stmt* handle() const { return m_stmt; }

private:
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
};

/// BEGIN IMMEDIATE ... COMMIT, rolled back if destroyed without commit().
class Transaction
{
public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

private:
    Database& m_db;
    bool m_done = false;
};

} // namespace seam
