#pragma once

// The page-load table's sort indexes: what the table view sorts by (schema v1's duration and route, v6's
// url, web vitals, errors, backend time, services and the sessions' values). Only readers use them: no
// statement of the writer looks anything up through them, yet every page load inserted and every update
// of its errors, backend time or services rewrites their entries (about 40k instructions a page load).
// A file import into a cache without page loads drops them and builds them once at its end
// (StoreWriter::beginSource, README *Bulk imports*); their definitions live here so that an import killed
// in between is mended by the next writer that opens the cache.

#include <span>

namespace seam {

class Database;

namespace store {

struct IndexDefinition
{
    const char* name;
    const char* sql; // as sqlite_master holds it for a cache this version creates
};

/// The indexes, in the order they are built.
std::span<const IndexDefinition> readerSortIndexes();
/// How many of them the cache lacks.
int missingReaderSortIndexes(Database& db);
/// Drops those present (inside the caller's transaction).
void dropReaderSortIndexes(Database& db);
/// Creates those missing (inside the caller's transaction); returns how many it created.
int restoreReaderSortIndexes(Database& db);

} // namespace store
} // namespace seam
