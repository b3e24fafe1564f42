#include "Store.h"

#include "CacheCheck.h"
#include "CacheError.h"
#include "CacheOpen.h"
#include "Schema.h"

#include <chrono>
#include <fstream>
#include <thread>
#include <sqlite3.h>

namespace seam::store {

namespace {

Database openForWritingOnce(const std::string& path)
{
    // Nothing may write before the file is known to be ours: journal_mode = WAL alone rewrites the
    // header of any SQLite database it is given.
    const bool existing = checkBeforeWriting(path) == FileKind::Cache;
    Database db = openWritableConnection(path);
    try {
        // A damaged cache written into gets worse: refuse, so the damage can be recovered from.
        if (existing)
            requireUndamaged(db, kWriterCheckBudget);
        schema::configureConnection(db, true);
        schema::migrate(db);
    } catch (const CacheError&) {
        throw;
    } catch (const SqliteError& e) {
        // E.g. SQLITE_READONLY_DIRECTORY: the file is writable, its folder is not (no -wal possible).
        if ((e.code() & 0xff) == SQLITE_READONLY)
            throw CacheError(CacheError::Reason::ReadOnly,
                             "cannot write " + path + ": " + writeFailureCause(e.code()), e.code());
        throw;
    }
    return db;
}

} // namespace

Database openForWriting(const std::string& path)
{
    // Switching a new file to WAL and creating the schema need locks that SQLite does not wait for
    // (it answers SQLITE_BUSY at once rather than risk a deadlock) when another process is creating
    // the same cache at the same instant: try again for a while; the second try finds the schema.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        try {
            return openForWritingOnce(path);
        } catch (const SqliteError& e) {
            const int code = e.code() & 0xff;
            if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || std::chrono::steady_clock::now() > deadline)
                throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

Database openForReading(const std::string& path)
{
    Database db = openReadOnlyConnection(path);
    schema::configureConnection(db, false);
    db.exec("PRAGMA query_only = 1");
    int version = schema::schemaVersion(db);
    // An older cache is brought forward first when it can be written (what reads the newer tables —
    // the v3 reports — then works on it); on read-only media, or when another program holds it, it is
    // read as it is: steps only add, so every reader of its older tables still works.
    if (version >= schema::kOldestReadableVersion && version < schema::kSchemaVersion) {
        try {
            { Database upgraded = openForWriting(path); }
            db = openReadOnlyConnection(path);
            schema::configureConnection(db, false);
            db.exec("PRAGMA query_only = 1");
            version = schema::schemaVersion(db);
        } catch (const std::exception&) {
            // Read it as it is.
        }
    }
    if (version < schema::kOldestReadableVersion || version > schema::kSchemaVersion)
        throw SqliteError(path + " is not a Seam cache of schema " +
                              std::to_string(schema::kOldestReadableVersion) + " to " +
                              std::to_string(schema::kSchemaVersion) + " (found " + std::to_string(version) + ")",
                          0);
    return db;
}

bool isCacheFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char header[16] = {};
    if (!in.read(header, sizeof header) || std::string_view(header, 15) != "SQLite format 3")
        return false;
    try {
        Database db = openReadOnlyConnection(path);
        return db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'page_loads'") == 1;
    } catch (const SqliteError&) {
        return false;
    }
}

} // namespace seam::store
