#pragma once

// The schema's floor: what SQLite alone takes to write the rows a finished cache holds, with every
// table and index the cache has, in the cache's order and in transactions the size of the writer's, and
// nothing else: no look-ups, no updates, no triggers, no correlation. An import can only come near it;
// the import's time over this one is what Seam's writer adds to the schema's own cost (issue 15: the
// bare span insert of bench_import's `insert` phase leaves out the browser tables and every index).

#include <cstdint>
#include <string>
#include <vector>

namespace seam::bench {

struct TableFloor
{
    std::string name;
    std::uint64_t rows = 0;
    double seconds = 0;
};

struct SchemaFloor
{
    std::uint64_t rows = 0;
    double seconds = 0;             // copying the rows, commits and the final checkpoint included
    std::vector<TableFloor> tables; // slowest first
};

/// Copies every row of `cache` (opened read-only) into a new file `copy` (replaced if it exists) that has
/// the same tables and indexes, table by table in key order, `rowsPerTransaction` rows to a
/// transaction, with the writer's settings (8 KiB pages, WAL, synchronous NORMAL, its page cache).
/// Throws SqliteError when either file cannot be read or written.
SchemaFloor measureSchemaFloor(const std::string& cache, const std::string& copy,
                               std::uint64_t rowsPerTransaction = 200'000);

} // namespace seam::bench
