#pragma once

#include "Sqlite.h"

#include <string>

namespace seam {

/// Opening investigation caches. One file per investigation; the schema is migrated on open by the
/// writer. Readers each get their own connection (SQLite connections are not shared across threads);
/// in WAL mode they read a consistent snapshot while the writer commits.
namespace store {

/// Creates or upgrades the file and returns the single writer connection. Throws SqliteError.
Database openForWriting(const std::string& path);
/// A read-only connection on an existing cache (query_only; refuses unknown schema versions).
Database openForReading(const std::string& path);
/// True if `path` looks like a Seam cache (SQLite header and our schema), without modifying it.
bool isCacheFile(const std::string& path);

} // namespace store
} // namespace seam
