#pragma once

#include "Sqlite.h"

#include <string>

namespace seam::store {

enum class FileKind
{
    New,   // missing, empty, or an SQLite database without tables: Seam writes its schema into it
    Cache, // a Seam cache (of this or an older schema)
};

/// Tells, before anything writes to `path`, whether it may become or already is a Seam cache. Throws
/// CacheError (NotSqlite, Foreign, Newer, or Damaged when even its schema cannot be read) for anything
/// else. Writes nothing and creates nothing next to a file it refuses: the header is read as bytes,
/// and a WAL-mode file without a -wal is read through `immutable=1` (a read-only SQLite connection
/// would create its -wal and -shm).
FileKind checkBeforeWriting(const std::string& path);

/// The writer's connection: opens (creating) `path` read-write. Throws CacheError(ReadOnly) naming the
/// cause when SQLite could only open it read-only (file permissions, read-only media) or cannot create
/// it in its folder.
Database openWritableConnection(const std::string& path);

/// A read-only connection that also works where the cache cannot be written, e.g. on read-only media:
/// see the fallback to `immutable=1` in the implementation. The connection has read the header, so a
/// cache SQLite cannot open fails here. Throws SqliteError.
Database openReadOnlyConnection(const std::string& path);

} // namespace seam::store
