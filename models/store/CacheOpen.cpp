#include "CacheOpen.h"

#include "CacheError.h"
#include "Schema.h"

#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <unistd.h>

namespace seam::store {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kHeaderSize = 100;

std::uint32_t bigEndian32(const unsigned char* p)
{
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

std::string untouched(const std::string& path, const std::string& what)
{
    return path + " is not a Seam cache (" + what + "); it was left untouched";
}

/// Can this process create files in `dir`? With the effective ids and capabilities (AT_EACCESS), as the
/// open() SQLite would do: root without CAP_DAC_OVERRIDE and read-only mounts (EROFS) both say no.
bool directoryWritable(const std::string& path)
{
    fs::path dir = fs::path(path).parent_path();
    if (dir.empty())
        dir = ".";
    return faccessat(AT_FDCWD, dir.c_str(), W_OK, AT_EACCESS) == 0;
}

bool fileHasContent(const std::string& path)
{
    std::error_code ec;
    return fs::exists(path, ec) && fs::file_size(path, ec) > 0 && !ec;
}

/// Reads what identifies a database (its tables, meta.created_by, user_version) through `db`.
FileKind identify(Database& db, const std::string& path)
{
    if (db.queryInt("SELECT count(*) FROM sqlite_master") == 0)
        return FileKind::New;
    bool ours = false;
    if (db.queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'") == 1) {
        Statement st = db.prepare("SELECT value FROM meta WHERE key = 'created_by'");
        ours = st.step() && st.text(0).substr(0, 5) == "seam ";
    }
    if (!ours) {
        std::string tables;
        Statement st =
            db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 4");
        for (int n = 0; st.step(); ++n) {
            if (n == 3) {
                tables += ", ...";
                break;
            }
            tables += (n ? ", " : "") + std::string(st.text(0));
        }
        throw CacheError(CacheError::Reason::Foreign,
                         untouched(path, "an SQLite database of another program, with tables " + tables),
                         SQLITE_NOTADB);
    }
    const std::int64_t version = db.queryInt("PRAGMA user_version");
    if (version > schema::kSchemaVersion)
        throw CacheError(CacheError::Reason::Newer,
                         path + " was written by a newer Seam (schema " + std::to_string(version) +
                             ", this build knows " + std::to_string(schema::kSchemaVersion) + ")",
                         0);
    return FileKind::Cache;
}

} // namespace

FileKind checkBeforeWriting(const std::string& path)
{
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        return FileKind::New;
    if (!fs::is_regular_file(status))
        throw CacheError(CacheError::Reason::NotSqlite, untouched(path, "not a regular file"), SQLITE_NOTADB);
    if (fs::file_size(path, ec) == 0 && !ec)
        return FileKind::New;

    unsigned char header[kHeaderSize] = {};
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw CacheError(CacheError::Reason::ReadOnly, "cannot read " + path, SQLITE_CANTOPEN);
    const bool whole = bool(in.read(reinterpret_cast<char*>(header), kHeaderSize));
    if (!whole || std::string_view(reinterpret_cast<const char*>(header), 16) !=
                      std::string_view("SQLite format 3\0", 16))
        throw CacheError(CacheError::Reason::NotSqlite, untouched(path, "not an SQLite database"),
                         SQLITE_NOTADB);
    // The application id (offset 68) marks caches since it was introduced; another program's id
    // settles it without opening the file.
    const std::uint32_t applicationId = bigEndian32(header + 68);
    if (applicationId == std::uint32_t(schema::kApplicationId))
        return FileKind::Cache;
    if (applicationId != 0) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%08x", applicationId);
        throw CacheError(
            CacheError::Reason::Foreign,
            untouched(path, std::string("an SQLite database of another program, application_id ") + hex),
            SQLITE_NOTADB);
    }

    // Bytes 18-19 are 2 in WAL mode. A read-only connection on a WAL file without its -wal creates the
    // -wal and the -shm; immutable=1 reads the main file alone, which is then all there is (a writer
    // starting meanwhile writes to a -wal, and the main file only changes at a checkpoint after it).
    const bool wal = header[18] == 2 && header[19] == 2;
    const bool immutable = wal && !fs::exists(path + "-wal", ec);
    const auto read = [&path](Database::Mode mode) {
        try {
            Database db(path, mode);
            return identify(db, path);
        } catch (const CacheError&) {
            throw;
        } catch (const SqliteError& e) {
            if (isDamageCode(e.code()))
                throw CacheError(CacheError::Reason::Damaged,
                                 path + " is damaged (its schema cannot be read): " + e.what(), e.code());
            throw;
        }
    };
    if (!immutable)
        return read(Database::Mode::ReadOnly);
    try {
        return read(Database::Mode::Immutable);
    } catch (const CacheError& e) {
        if (e.reason() != CacheError::Reason::Damaged)
            throw;
    } catch (const SqliteError&) {
    }
    // Read without locks, the file may have been mid-checkpoint: read it again the ordinary way.
    return read(Database::Mode::ReadOnly);
}

Database openWritableConnection(const std::string& path)
{
    Database db;
    try {
        db = Database(path, Database::Mode::ReadWrite);
    } catch (const SqliteError& e) {
        // SQLite only says "unable to open database file" when it may not create the file.
        if ((e.code() & 0xff) == SQLITE_CANTOPEN && !fs::exists(path) && !directoryWritable(path))
            throw CacheError(CacheError::Reason::ReadOnly,
                             "cannot create " + path + ": its folder cannot be written (SQLITE_CANTOPEN)",
                             e.code());
        throw;
    }
    // SQLite silently opens a file it may not write read-only; every write would then fail.
    if (sqlite3_db_readonly(db.handle(), "main") == 1)
        throw CacheError(CacheError::Reason::ReadOnly,
                         "cannot write " + path + ": " + writeFailureCause(SQLITE_READONLY), SQLITE_READONLY);
    return db;
}

Database openReadOnlyConnection(const std::string& path)
{
    try {
        Database db(path, Database::Mode::ReadOnly);
        db.queryInt("PRAGMA user_version"); // reads the header: opens (creating) -wal and -shm in WAL mode
        return db;
    } catch (const SqliteError& e) {
        const int primary = e.code() & 0xff;
        if ((primary != SQLITE_READONLY && primary != SQLITE_CANTOPEN) || !fs::exists(path) ||
            directoryWritable(path))
            throw;
        // The -wal or -shm a WAL-mode reader needs cannot be created: the folder is read-only (a CD, a
        // read-only mount or share, a folder without write permission). immutable=1 reads the main file
        // alone, without locks or change detection. That is only right when nobody can be changing the
        // file, which is what an unwritable folder tells: no writer could create the -wal it needs.
        // In a writable folder a writer may be at work, so the error stands there.
        if (fileHasContent(path + "-wal"))
            // Commits still in the -wal would be invisible to immutable=1: refuse rather than show old data.
            throw CacheError(CacheError::Reason::ReadOnly,
                             "cannot read " + path + " in a read-only folder: its write-ahead log " + path +
                                 "-wal holds commits that SQLite can only read with a " + path +
                                 "-shm, which cannot be created there; copy the cache and its -wal to a "
                                 "writable folder",
                             e.code());
    }
    Database db(path, Database::Mode::Immutable);
    db.queryInt("PRAGMA user_version");
    return db;
}

} // namespace seam::store
